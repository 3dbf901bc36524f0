/* The problem: constructors from a target, a callback or arrays, the accessors, evaluation and
 * release (uniapprox/problem.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "internal.h"
#include "target/internal.h"

char *ua_problem_point_text(char *buf, size_t len, char *const *vars, const double *x, size_t d)
{
    size_t at = 0;
    buf[0] = '\0';
#define PUT(...)                                                                   \
    do {                                                                           \
        if (at < len) {                                                            \
            int w_ = snprintf(buf + at, len - at, __VA_ARGS__);                    \
            at += w_ > 0 ? (size_t)w_ : 0;                                         \
        }                                                                          \
    } while (0)
    char num[32];
    if (d == 1) {
        PUT("%s = %s", vars ? vars[0] : "x", ua_fmt_double(num, x[0]));
    } else {
        PUT("(");
        for (size_t i = 0; i < d; i++) PUT("%s%s", i ? ", " : "", vars ? vars[i] : "x");
        PUT(") = (");
        for (size_t i = 0; i < d; i++) PUT("%s%s", i ? ", " : "", ua_fmt_double(num, x[i]));
        PUT(")");
    }
#undef PUT
    if (at >= len && len > 4) memcpy(buf + len - 4, "...", 4);
    return buf;
}

/* Releases what a partly built problem holds. */
void ua_problem_free(ua_problem *p)
{
    if (!p) return;
    if (p->target) ua_target_set_fill(p->target, NULL, NULL);
    ua_fill_free(p->fill);
    ua_child_free(p->child);
    free(p->cflags);
    ua_target_free(p->target);
    for (size_t i = 0; p->vars && i < p->d; i++) free(p->vars[i]);
    free(p->vars);
    for (size_t i = 0; p->ynames && i < p->k; i++) free(p->ynames[i]);
    free(p->ynames);
    free(p->lo);
    free(p->hi);
    free(p->desc);
    free(p->x);
    free(p->y);
    free(p->tx);
    free(p->ty);
    ua_graphs_free(p->graphs);
    ua_graphs_free(p->tgraphs);
    if (p->ctx_free) p->ctx_free(p->cb_ctx);
    free(p->reference);
    free(p);
}

ua_status ua_problem_new_box(ua_problem_kind kind, size_t d, const char *const *vars,
                             const double *lo, const double *hi, const char *desc,
                             ua_problem **out)
{
    *out = NULL;
    if (d == 0 || d > UA_PROBLEM_MAX_DIM)
        return UA_ERR(UA_EINVAL, "a problem on a box has 1 to %d variables, got %zu",
                      UA_PROBLEM_MAX_DIM, d);
    if (!lo || !hi) return UA_ERR(UA_EINVAL, "the box (lo, hi) is NULL");
    ua_problem *p = calloc(1, sizeof *p);
    if (!p) return UA_ENOMEM_ERR(sizeof *p);
    p->kind = kind;
    p->d = d;
    p->k = 1;
    p->desc = ua_strdup(desc ? desc : "");
    p->lo = ua_calloc(d, sizeof *p->lo);
    p->hi = ua_calloc(d, sizeof *p->hi);
    p->vars = ua_calloc(d, sizeof *p->vars);
    if (!p->desc || !p->lo || !p->hi || !p->vars) {
        ua_problem_free(p);
        return UA_ENOMEM_ERR(d * sizeof(double));
    }
    for (size_t i = 0; i < d; i++) {
        char name[32] = "x"; /* the default names: x, or x1 .. xd */
        if (!vars && d > 1) snprintf(name, sizeof name, "x%zu", i + 1);
        p->vars[i] = ua_strdup(vars ? vars[i] : name);
        if (!p->vars[i]) {
            ua_problem_free(p);
            return UA_ENOMEM_ERR(32);
        }
    }
    for (size_t i = 0; i < d; i++) {
        if (!isfinite(lo[i]) || !isfinite(hi[i])) {
            char a[32], b[32];
            ua_status s = UA_ERR(UA_EINVAL, "domain: variable %s: the bounds must be finite (%s, %s)",
                                 p->vars[i], ua_fmt_double(a, lo[i]), ua_fmt_double(b, hi[i]));
            ua_problem_free(p);
            return s;
        }
        if (!(lo[i] < hi[i])) {
            ua_status s = UA_ERR(UA_EINVAL, "domain: variable %s: a >= b (%.17g >= %.17g)",
                                 p->vars[i], lo[i], hi[i]);
            ua_problem_free(p);
            return s;
        }
        p->lo[i] = lo[i];
        p->hi[i] = hi[i];
    }
    *out = p;
    return UA_OK;
}

ua_status ua_problem_formula(const ua_target *t, const double *lo, const double *hi,
                             ua_problem **out)
{
    if (!out) return UA_ERR(UA_EINVAL, "ua_problem_formula: out is NULL");
    *out = NULL;
    if (!t) return UA_ERR(UA_EINVAL, "ua_problem_formula: the target is NULL");
    size_t d = ua_target_dim(t);
    const char *vars[UA_PROBLEM_MAX_DIM];
    if (d > UA_PROBLEM_MAX_DIM)
        return UA_ERR(UA_EINVAL, "a problem on a box has at most %d variables, the target has %zu",
                      UA_PROBLEM_MAX_DIM, d);
    for (size_t i = 0; i < d; i++) vars[i] = ua_target_var(t, i);
    ua_problem *p;
    ua_status s = ua_problem_new_box(UA_PROBLEM_FORMULA, d, vars, lo, hi, ua_target_spec(t), &p);
    if (s) return s;
    /* a parse of its own, so that the caller may free t */
    if ((s = ua_target_parse(ua_target_spec(t), vars, d, &p->target)) ||
        (s = ua_problem_decide_sampling(p, UA_SAMPLE_PREC_AUTO))) {
        ua_problem_free(p);
        return s;
    }
    *out = p;
    return UA_OK;
}

ua_status ua_problem_callback(ua_fnd f, void *ctx, size_t dim, const double *lo,
                              const double *hi, const char *desc, ua_problem **out)
{
    if (!out) return UA_ERR(UA_EINVAL, "ua_problem_callback: out is NULL");
    *out = NULL;
    if (!f) return UA_ERR(UA_EINVAL, "ua_problem_callback: the function is NULL");
    ua_status s = ua_problem_new_box(UA_PROBLEM_FUNCTION, dim, NULL, lo, hi, desc, out);
    if (s) return s;
    (*out)->cb = f;
    (*out)->cb_ctx = ctx;
    return UA_OK;
}

ua_status ua_problem_callback_batch(ua_fnd_batch f, void *ctx, size_t dim, const double *lo,
                                    const double *hi, const char *desc, ua_problem **out)
{
    if (!out) return UA_ERR(UA_EINVAL, "ua_problem_callback_batch: out is NULL");
    *out = NULL;
    if (!f) return UA_ERR(UA_EINVAL, "ua_problem_callback_batch: the function is NULL");
    ua_status s = ua_problem_new_box(UA_PROBLEM_FUNCTION, dim, NULL, lo, hi, desc, out);
    if (s) return s;
    (*out)->cb_batch = f;
    (*out)->cb_ctx = ctx;
    return UA_OK;
}

/* One call of a batch callback; a failure is recorded with the batch it was (the callback keeps
 * its own reason: it cannot record a message in the library). */
static ua_status eval_batch(const ua_problem *p, const double *x, size_t n, double *y)
{
    if (!n) return UA_OK;
    ua_status s = p->cb_batch(p->cb_ctx, x, n, y);
    if (s == UA_OK) return UA_OK;
    char where[400];
    ua_problem_point_text(where, sizeof where, p->vars, x, p->d);
    return UA_ERR(s, "%s failed on a batch of %zu point%s (the first at %s)",
                  p->desc[0] ? p->desc : "the function", n, n == 1 ? "" : "s", where);
}

ua_status ua_problem_function(const char *source, size_t dim, int vector, const char *cflags,
                              const double *lo, const double *hi, double timeout,
                              ua_problem **out)
{
    if (!out) return UA_ERR(UA_EINVAL, "ua_problem_function: out is NULL");
    *out = NULL;
    if (!source) return UA_ERR(UA_EINVAL, "ua_problem_function: the source is NULL");
    if (!(timeout >= 0) || timeout > 1e6)
        return UA_ERR(UA_EINVAL, "the time-out must be 0 (the default, 60 s) or up to 1e6 s, got %g",
                      timeout);
    ua_problem *p;
    ua_status s = ua_problem_new_box(UA_PROBLEM_FUNCTION, dim, NULL, lo, hi, source, &p);
    if (s) return s;
    p->vector = vector;
    if (cflags && !(p->cflags = ua_strdup(cflags))) s = UA_ENOMEM_ERR(strlen(cflags) + 1);
    if (s || (s = ua_child_start(source, dim, vector, cflags, timeout, &p->child))) {
        ua_problem_free(p);
        return s;
    }
    /* a first call at the centre of the box shows that the function can be called at all */
    double c[UA_PROBLEM_MAX_DIM], y;
    for (size_t i = 0; i < dim; i++) c[i] = 0.5 * p->lo[i] + 0.5 * p->hi[i];
    if ((s = ua_child_eval(p->child, p->vars, c, 1, &y))) {
        ua_problem_free(p);
        return s;
    }
    if (!isfinite(y)) {
        char pt[512], v[32];
        s = UA_ERR(UA_EDOMAIN, "%s is %s at the centre of the box, %s", source,
                   ua_fmt_double(v, y), ua_problem_point_text(pt, sizeof pt, p->vars, c, dim));
        ua_problem_free(p);
        return s;
    }
    *out = p;
    return UA_OK;
}

/* Checks a table of count values: finite; integers >= 0 when ints. Messages name what and the
 * (row, column) of a width-wide table, 1-based (as the command line's and docs/explain.md). */
static ua_status check_values(const char *what, const double *v, size_t count, size_t width,
                              int ints)
{
    for (size_t i = 0; i < count; i++) {
        if (!isfinite(v[i]))
            return UA_ERR(UA_EINVAL, "%s: row %zu, column %zu: %g is not finite", what,
                          i / width + 1, i % width + 1, v[i]);
        if (ints && !(v[i] >= 0 && v[i] == floor(v[i]) && v[i] <= 2147483647.0))
            return UA_ERR(UA_EINVAL, "%s: row %zu, position %zu: %.17g is not a non-negative "
                          "integer", what, i / width + 1, i % width + 1, v[i]);
    }
    return UA_OK;
}

static double *copy_values(const double *v, size_t count)
{
    double *c = ua_calloc(count, sizeof *c);
    if (c) memcpy(c, v, count * sizeof *c);
    return c;
}

/* Width of a row of x and y (SAMPLES: d and k; SEQUENCES: len * max(d, 1), len * max(k, 1)). */
static size_t x_width(const ua_problem *p)
{
    return p->kind == UA_PROBLEM_SEQUENCES ? p->len * (p->d ? p->d : 1) : p->d;
}
static size_t y_width(const ua_problem *p)
{
    return p->kind == UA_PROBLEM_SEQUENCES ? p->len * (p->k ? p->k : 1) : p->k;
}

/* Validates and copies x (n rows) and y into *xo, *yo for problem p's layout. */
static ua_status copy_table(const ua_problem *p, const char *what, const double *x,
                            const double *y, size_t n, double **xo, double **yo)
{
    if (!x || !y) return UA_ERR(UA_EINVAL, "%s: x or y is NULL", what);
    if (n == 0) return UA_ERR(UA_EINVAL, "%s: no rows", what);
    size_t wx = x_width(p), wy = y_width(p);
    if (n > SIZE_MAX / 8 / wx || n > SIZE_MAX / 8 / wy)
        return UA_ERR(UA_EINVAL, "%s: %zu rows are too many", what, n);
    int seq = p->kind == UA_PROBLEM_SEQUENCES;
    char name[64];
    snprintf(name, sizeof name, "%s inputs", what);
    ua_status s = check_values(name, x, n * wx, seq ? (p->d ? p->d : 1) : wx, seq && !p->d);
    if (s) return s;
    snprintf(name, sizeof name, "%s targets", what);
    if ((s = check_values(name, y, n * wy, seq ? (p->k ? p->k : 1) : wy, seq && !p->k))) return s;
    *xo = copy_values(x, n * wx);
    *yo = copy_values(y, n * wy);
    if (!*xo || !*yo) {
        free(*xo);
        free(*yo);
        *xo = *yo = NULL;
        return UA_ENOMEM_ERR(n * (wx + wy) * sizeof(double));
    }
    return UA_OK;
}

static ua_status new_table(ua_problem_kind kind, size_t d, size_t k, size_t len,
                           const double *x, const double *y, size_t n, ua_problem **out)
{
    ua_problem *p = calloc(1, sizeof *p);
    if (!p) return UA_ENOMEM_ERR(sizeof *p);
    p->kind = kind;
    p->d = d;
    p->k = k;
    p->len = len;
    p->desc = ua_strdup("");
    if (!p->desc) {
        free(p);
        return UA_ENOMEM_ERR(1);
    }
    ua_status s = copy_table(p, kind == UA_PROBLEM_SEQUENCES ? "sequences" : "samples", x, y, n,
                             &p->x, &p->y);
    if (s) {
        ua_problem_free(p);
        return s;
    }
    p->n = n;
    *out = p;
    return UA_OK;
}

ua_status ua_problem_samples(const double *x, const double *y, size_t n, size_t d, size_t k,
                             ua_problem **out)
{
    if (!out) return UA_ERR(UA_EINVAL, "ua_problem_samples: out is NULL");
    *out = NULL;
    if (d == 0 || k == 0)
        return UA_ERR(UA_EINVAL, "samples need at least one input and one output column (d = %zu, "
                      "k = %zu)", d, k);
    return new_table(UA_PROBLEM_SAMPLES, d, k, 0, x, y, n, out);
}

ua_status ua_problem_sequences(const double *x, const double *y, size_t N, size_t len,
                               size_t xd, size_t yk, ua_problem **out)
{
    if (!out) return UA_ERR(UA_EINVAL, "ua_problem_sequences: out is NULL");
    *out = NULL;
    if (len == 0) return UA_ERR(UA_EINVAL, "sequences of length 0");
    if (len > SIZE_MAX / 8 / (xd ? xd : 1) || len > SIZE_MAX / 8 / (yk ? yk : 1))
        return UA_ERR(UA_EINVAL, "sequences of length %zu are too long", len);
    return new_table(UA_PROBLEM_SEQUENCES, xd, yk, len, x, y, N, out);
}

ua_status ua_problem_set_test(ua_problem *p, const double *x, const double *y, size_t n)
{
    if (!p) return UA_ERR(UA_EINVAL, "ua_problem_set_test: the problem is NULL");
    if (p->kind != UA_PROBLEM_SAMPLES && p->kind != UA_PROBLEM_SEQUENCES)
        return UA_ERR(UA_EINVAL, "a test set belongs to samples or sequences, not to a %s problem",
                      ua_problem_kind_name(p->kind));
    double *tx, *ty;
    ua_status s = copy_table(p, "test set", x, y, n, &tx, &ty);
    if (s) return s;
    free(p->tx);
    free(p->ty);
    p->tx = tx;
    p->ty = ty;
    p->tn = n;
    return UA_OK;
}

ua_problem_kind ua_problem_kind_of(const ua_problem *p) { return p ? p->kind : UA_PROBLEM_FORMULA; }
size_t ua_problem_dim(const ua_problem *p) { return p ? p->d : 0; }
size_t ua_problem_outputs(const ua_problem *p) { return p ? p->k : 0; }

const char *ua_problem_kind_name(ua_problem_kind k)
{
    switch (k) {
    case UA_PROBLEM_FORMULA: return "formula";
    case UA_PROBLEM_FUNCTION: return "function";
    case UA_PROBLEM_SAMPLES: return "samples";
    case UA_PROBLEM_SEQUENCES: return "sequences";
    case UA_PROBLEM_GRAPHS: return "graphs";
    case UA_PROBLEM_PDE: return "pde";
    }
    return "unknown";
}

const double *ua_problem_lo(const ua_problem *p) { return p ? p->lo : NULL; }
const double *ua_problem_hi(const ua_problem *p) { return p ? p->hi : NULL; }
const ua_target *ua_problem_target(const ua_problem *p) { return p ? p->target : NULL; }

const char *ua_problem_var(const ua_problem *p, size_t i)
{
    return p && p->vars && i < p->d ? p->vars[i] : NULL;
}

const char *ua_problem_target_name(const ua_problem *p, size_t j)
{
    return p && p->ynames && j < p->k ? p->ynames[j] : NULL;
}

const char *ua_problem_describe(const ua_problem *p) { return p ? p->desc : ""; }

const char *ua_problem_reference(const ua_problem *p)
{
    if (!p) return "none";
    if (p->kind == UA_PROBLEM_FORMULA) return "MPFR";
    if (p->kind == UA_PROBLEM_FUNCTION) return "the function, double";
    if (p->kind == UA_PROBLEM_PDE && p->reference) return p->reference;
    return "none";
}

ua_status ua_problem_eval(const ua_problem *p, const double *x, size_t n, double *y)
{
    if (!p || (n && (!x || !y))) return UA_ERR(UA_EINVAL, "ua_problem_eval: NULL argument");
    switch (p->kind) {
    case UA_PROBLEM_FORMULA: return ua_problem_eval_formula(p, x, n, y);
    case UA_PROBLEM_PDE: /* the solution, in batches (pde.c) */
    case UA_PROBLEM_FUNCTION:
        if (p->cb) {
            for (size_t i = 0; i < n; i++) y[i] = p->cb(x + i * p->d, p->cb_ctx);
            return UA_OK;
        }
        if (p->cb_batch) return eval_batch(p, x, n, y);
        return n ? ua_child_eval(p->child, p->vars, x, n, y) : UA_OK;
    default:
        return UA_ERR(UA_EINVAL, "a %s problem has no function to evaluate",
                      ua_problem_kind_name(p->kind));
    }
}

double ua_problem_fn(const double *x, void *ctx)
{
    double y;
    return ua_problem_eval((const ua_problem *)ctx, x, 1, &y) == UA_OK ? y : NAN;
}

double ua_problem_fn1(double x, void *ctx) { return ua_problem_fn(&x, ctx); }

void ua_problem_train(const ua_problem *p, const double **x, const double **y, size_t *n)
{
    if (x) *x = p ? p->x : NULL;
    if (y) *y = p ? p->y : NULL;
    if (n) *n = p ? p->n : 0;
}

void ua_problem_test(const ua_problem *p, const double **x, const double **y, size_t *n)
{
    if (x) *x = p ? p->tx : NULL;
    if (y) *y = p ? p->ty : NULL;
    if (n) *n = p ? p->tn : 0;
}

size_t ua_problem_seq_len(const ua_problem *p)
{
    return p && p->kind == UA_PROBLEM_SEQUENCES ? p->len : 0;
}

ua_status ua_problem_function_source(const ua_problem *p, const char **source, int *vector,
                                     const char **cflags)
{
    if (!p || p->kind != UA_PROBLEM_FUNCTION || !p->child)
        return UA_ERR(UA_EINVAL, "not a function problem compiled from C source");
    if (source) *source = p->desc;
    if (vector) *vector = p->vector;
    if (cflags) *cflags = p->cflags;
    return UA_OK;
}
