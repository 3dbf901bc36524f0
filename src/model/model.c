/* The generic model: a family state plus target, domain and metadata; save and load through the
 * safetensors container (uniapprox/model.h). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "family.h"

#define FORMAT_NAME "uniapprox"
#define FORMAT_VERSION 1 /* bump when a reader of the old version would misread the new files */

struct ua_model {
    const ua_family *fam;
    void *state;
    char *target;
    double lo, hi;   /* a 1-D model's interval ([-inf, inf]: none) */
    size_t d;        /* the box: d intervals [blo[i], bhi[i]]; d == 0 without one */
    double *blo, *bhi;
    ua_st *meta; /* only its metadata is used: one implementation of an ordered string map */
};

static const char *const reserved[] = {"format", "format_version", "family", "target", "domain"};

static int is_reserved(const char *key)
{
    for (size_t i = 0; i < sizeof reserved / sizeof reserved[0]; i++)
        if (strcmp(key, reserved[i]) == 0) return 1;
    return 0;
}

/* A domain is a finite interval lo < hi, or [-inf, inf] for models that have none (n-D models,
 * models of samples without a stated interval). */
static int domain_ok(double lo, double hi)
{
    return (isfinite(lo) && isfinite(hi) && lo < hi) || (lo == -INFINITY && hi == INFINITY);
}

/* Copies the box lo, hi (d,) into m. */
static ua_status set_box(ua_model *m, size_t d, const double *lo, const double *hi)
{
    double *a = ua_calloc(d, sizeof *a), *b = ua_calloc(d, sizeof *b);
    if (!a || !b) {
        free(a);
        free(b);
        return UA_ENOMEM_ERR(2 * d * sizeof *a);
    }
    memcpy(a, lo, d * sizeof *a);
    memcpy(b, hi, d * sizeof *b);
    free(m->blo);
    free(m->bhi);
    m->blo = a;
    m->bhi = b;
    m->d = d;
    return UA_OK;
}

/* Builds a model around a state of a known family; frees the state on failure. */
static ua_status make(const ua_family *fam, void *state, const char *target, double lo,
                      double hi, ua_model **out)
{
    ua_model *m = calloc(1, sizeof *m);
    ua_status s = UA_OK;
    if (!m) s = UA_ENOMEM_ERR(sizeof *m);
    else if (!(m->target = ua_strdup(target ? target : "")))
        s = UA_ENOMEM_ERR(target ? strlen(target) + 1 : 1);
    else s = ua_st_alloc(&m->meta);
    if (s) {
        if (m) {
            free(m->target);
            free(m);
        }
        fam->free(state);
        return s;
    }
    m->fam = fam;
    m->state = state;
    m->lo = lo;
    m->hi = hi;
    if (isfinite(lo) && (s = set_box(m, 1, &lo, &hi))) {
        ua_model_free(m);
        return s;
    }
    *out = m;
    return UA_OK;
}

ua_status ua_model_wrap(const char *family, void *state, const char *target, double lo,
                        double hi, ua_model **out)
{
    if (!out) return UA_ERR(UA_EINVAL, "ua_model_wrap: out is NULL");
    *out = NULL;
    const ua_family *fam = ua_family_find(family);
    /* Without a family there is no way to release the state: it stays the caller's. */
    if (!fam) return UA_ERR(UA_ENOTFOUND, "unknown family '%s'", family ? family : "(null)");
    if (!state) return UA_ERR(UA_EINVAL, "ua_model_wrap: state is NULL");
    if (!domain_ok(lo, hi)) {
        fam->free(state);
        return UA_ERR(UA_EINVAL, "domain [%g, %g] is neither an interval lo < hi of finite "
                      "numbers nor [-inf, inf] (no domain)", lo, hi);
    }
    return make(fam, state, target, lo, hi, out);
}

ua_status ua_model_wrap_box(const char *family, void *state, const char *target, size_t d,
                            const double *lo, const double *hi, ua_model **out)
{
    if (!out) return UA_ERR(UA_EINVAL, "ua_model_wrap_box: out is NULL");
    *out = NULL;
    const ua_family *fam = ua_family_find(family);
    if (!fam) return UA_ERR(UA_ENOTFOUND, "unknown family '%s'", family ? family : "(null)");
    if (!state) return UA_ERR(UA_EINVAL, "ua_model_wrap_box: state is NULL");
    ua_status s = UA_OK;
    if (d == 0 || !lo || !hi) s = UA_ERR(UA_EINVAL, "ua_model_wrap_box: empty box");
    for (size_t i = 0; !s && i < d; i++)
        if (!(isfinite(lo[i]) && isfinite(hi[i]) && lo[i] < hi[i]))
            s = UA_ERR(UA_EINVAL, "box interval %zu [%g, %g] is not a finite lo < hi", i + 1,
                       lo[i], hi[i]);
    if (s) {
        fam->free(state);
        return s;
    }
    if (d == 1) return make(fam, state, target, lo[0], hi[0], out);
    ua_model *m;
    if ((s = make(fam, state, target, -INFINITY, INFINITY, &m))) return s;
    if ((s = set_box(m, d, lo, hi))) {
        ua_model_free(m);
        return s;
    }
    *out = m;
    return UA_OK;
}

ua_status ua_model_new(const ua_family *fam, ua_model **out)
{
    *out = NULL;
    ua_model *m = calloc(1, sizeof *m);
    if (!m) return UA_ENOMEM_ERR(sizeof *m);
    ua_status s = UA_OK;
    if (!(m->target = ua_strdup(""))) s = UA_ENOMEM_ERR(1);
    else s = ua_st_alloc(&m->meta);
    if (s) {
        free(m->target);
        free(m);
        return s;
    }
    m->fam = fam;
    m->lo = -INFINITY;
    m->hi = INFINITY;
    *out = m;
    return UA_OK;
}

void ua_model_attach(ua_model *m, void *state)
{
    m->fam->free(m->state);
    m->state = state;
}

/* For the engine (src/model/fit.c): the target text and the box of a model being built. */
ua_status ua_model_set_problem(ua_model *m, const char *target, size_t d, const double *lo,
                               const double *hi)
{
    char *t = ua_strdup(target ? target : "");
    if (!t) return UA_ENOMEM_ERR(target ? strlen(target) + 1 : 1);
    free(m->target);
    m->target = t;
    if (!d) {
        free(m->blo);
        free(m->bhi);
        m->blo = m->bhi = NULL;
        m->d = 0;
        m->lo = -INFINITY;
        m->hi = INFINITY;
        return UA_OK;
    }
    ua_status s = set_box(m, d, lo, hi);
    if (!s) {
        m->lo = d == 1 ? lo[0] : -INFINITY;
        m->hi = d == 1 ? hi[0] : INFINITY;
    }
    return s;
}

void ua_model_box(const ua_model *m, size_t *d, const double **lo, const double **hi)
{
    if (d) *d = m->d;
    if (lo) *lo = m->blo;
    if (hi) *hi = m->bhi;
}

ua_problem_kind ua_model_kind(const ua_model *m)
{
    const char *k = ua_model_meta(m, "problem");
    for (int i = 0; k && i <= UA_PROBLEM_PDE; i++)
        if (!strcmp(k, ua_problem_kind_name((ua_problem_kind)i))) return (ua_problem_kind)i;
    if (m->fam->predict_sequences) return UA_PROBLEM_SEQUENCES;
    if (m->fam->predict_graphs) return UA_PROBLEM_GRAPHS;
    return m->d && m->target[0] ? UA_PROBLEM_FORMULA : UA_PROBLEM_SAMPLES;
}

ua_status ua_model_predict_sequences(const ua_model *m, const double *x, size_t N, size_t len,
                                     size_t xd, double **y, size_t *nout, int *classify)
{
    if (!m || !y || !nout || !classify)
        return UA_ERR(UA_EINVAL, "ua_model_predict_sequences: NULL argument");
    *y = NULL;
    if (!m->fam->predict_sequences)
        return UA_ERR(UA_EUNSUPPORTED, "a %s model takes rows of numbers, not sequences",
                      m->fam->name);
    if (N && !x) return UA_ERR(UA_EINVAL, "ua_model_predict_sequences: x is NULL");
    return m->fam->predict_sequences(m->state, x, N, len, xd, y, nout, classify);
}

ua_status ua_model_predict_sequences_blocks(const ua_model *m, const double *x, size_t N,
                                            size_t len, size_t xd, size_t budget,
                                            ua_sequence_block_fn fn, void *ctx)
{
    if (!fn || !budget)
        return UA_ERR(UA_EINVAL, "ua_model_predict_sequences_blocks: %s",
                      fn ? "budget is 0" : "NULL callback");
    /* no sequence at all: the outputs a position, to size the blocks */
    double *y = NULL;
    size_t nout = 0;
    int classify = 0;
    ua_status s = ua_model_predict_sequences(m, x, 0, len, xd, &y, &nout, &classify);
    free(y);
    if (s) return s;
    size_t per = len * (nout ? nout : 1), chunk = per < budget ? budget / per : 1;
    size_t xstride = len * (xd ? xd : 1);
    for (size_t first = 0; first < N; first += chunk) {
        size_t c = N - first < chunk ? N - first : chunk;
        y = NULL;
        s = ua_model_predict_sequences(m, x + first * xstride, c, len, xd, &y, &nout, &classify);
        if (s == UA_EINVAL && first > 0) {
            /* the model numbered the block's sequences from 0: "sequence J, ..." is renumbered
             * from the set's start; any other message says where the block starts */
            char msg[512]; /* a copy (the new message is written where the old one is), less
                            * its " [file:line]" tag: the new one gets its own */
            ua_last_error_message(msg, sizeof msg);
            const char *q = strstr(msg, "sequence ");
            size_t j = 0;
            int at = 0;
            if (q && (q == msg || (q - msg >= 2 && q[-2] == ':' && q[-1] == ' ')) &&
                sscanf(q, "sequence %zu%n", &j, &at) == 1 && at > 0 && j < c)
                return UA_ERR(UA_EINVAL, "%.*ssequence %zu%s", (int)(q - msg), msg, first + j, q + at);
            return UA_ERR(UA_EINVAL, "in the sequences from %zu on (counted from 0; the message "
                          "counts from there): %s", first, msg);
        }
        if (s) return s;
        s = fn(ctx, first, c, y, nout, classify);
        free(y);
        if (s) return s;
    }
    return UA_OK;
}

ua_status ua_model_predict_graphs(const ua_model *m, const ua_graphs *g, double **y, size_t *nout,
                                  int *classify)
{
    if (!m || !g || !y || !nout || !classify)
        return UA_ERR(UA_EINVAL, "ua_model_predict_graphs: NULL argument");
    *y = NULL;
    if (!m->fam->predict_graphs)
        return UA_ERR(UA_EUNSUPPORTED, "a %s model does not take graphs", m->fam->name);
    return m->fam->predict_graphs(m->state, g, y, nout, classify);
}

void ua_model_free(ua_model *m)
{
    if (!m) return;
    m->fam->free(m->state);
    free(m->blo);
    free(m->bhi);
    free(m->target);
    ua_st_free(m->meta);
    free(m);
}

const char *ua_model_family(const ua_model *m) { return m->fam->name; }
const char *ua_model_target(const ua_model *m) { return m->target; }
const void *ua_model_state(const ua_model *m) { return m->state; }
const ua_family *ua_model_family_vtable(const ua_model *m) { return m->fam; }

void ua_model_domain(const ua_model *m, double *lo, double *hi)
{
    if (lo) *lo = m->lo;
    if (hi) *hi = m->hi;
}

ua_status ua_model_set_meta(ua_model *m, const char *key, const char *value)
{
    if (!m || !key || !*key) return UA_ERR(UA_EINVAL, "metadata key is NULL or empty");
    if (is_reserved(key))
        return UA_ERR(UA_EINVAL, "metadata key '%s' is reserved (set by the model itself)", key);
    return ua_st_set_meta(m->meta, key, value);
}

ua_status ua_model_del_meta(ua_model *m, const char *key)
{
    if (!m || !key || !*key) return UA_ERR(UA_EINVAL, "metadata key is NULL or empty");
    if (is_reserved(key))
        return UA_ERR(UA_EINVAL, "metadata key '%s' is reserved (set by the model itself)", key);
    (void)ua_st_del_meta(m->meta, key);
    return UA_OK;
}

const char *ua_model_meta(const ua_model *m, const char *key)
{
    return m ? ua_st_meta(m->meta, key) : NULL;
}

size_t ua_model_meta_count(const ua_model *m) { return m ? ua_st_meta_count(m->meta) : 0; }

void ua_model_meta_at(const ua_model *m, size_t i, const char **key, const char **value)
{
    ua_st_meta_at(m ? m->meta : NULL, i, key, value);
}

ua_status ua_model_predict(const ua_model *m, const double *x, size_t n, double *y)
{
    if (!m) return UA_ERR(UA_EINVAL, "ua_model_predict: model is NULL");
    if (n && (!x || !y)) return UA_ERR(UA_EINVAL, "ua_model_predict: NULL array with n = %zu", n);
    if (!n) return UA_OK;
    ua_status s = m->fam->predict(m->state, x, n, y);
    if (s) return s;
    size_t din, dout;
    ua_model_dims(m, &din, &dout);
    if (din != 1 || (m->lo == -INFINITY && m->hi == INFINITY)) return UA_OK;
    /* The contract of 1-D models is NaN outside the domain, whatever a family does near its
     * ends. */
    for (size_t i = 0; i < n; i++)
        if (!(x[i] >= m->lo && x[i] <= m->hi))
            for (size_t k = 0; k < dout; k++) y[i * dout + k] = NAN;
    return UA_OK;
}

void ua_model_dims(const ua_model *m, size_t *din, size_t *dout)
{
    size_t i = 1, o = 1;
    if (m->fam->dims) m->fam->dims(m->state, &i, &o);
    if (din) *din = i;
    if (dout) *dout = o;
}

ua_status ua_model_save(const ua_model *m, const char *path)
{
    if (!m || !path) return UA_ERR(UA_EINVAL, "ua_model_save: NULL argument");
    ua_st *st;
    ua_status s = ua_st_alloc(&st);
    if (s) return s;
    char lo[32], hi[32], version[16];
    size_t dlen = 80 * (m->d ? m->d : 1);
    char *domain = malloc(dlen);
    if (!domain) {
        ua_st_free(st);
        return UA_ENOMEM_ERR(dlen);
    }
    if (m->d <= 1) {
        snprintf(domain, dlen, "%s:%s", ua_fmt_double(lo, m->lo), ua_fmt_double(hi, m->hi));
    } else {
        domain[0] = '\0';
        for (size_t i = 0; i < m->d; i++) {
            size_t used = strlen(domain);
            snprintf(domain + used, dlen - used, "%s%s:%s", i ? "," : "",
                     ua_fmt_double(lo, m->blo[i]), ua_fmt_double(hi, m->bhi[i]));
        }
    }
    snprintf(version, sizeof version, "%d", FORMAT_VERSION);
    if ((s = ua_st_set_meta(st, "format", FORMAT_NAME)) ||
        (s = ua_st_set_meta(st, "format_version", version)) ||
        (s = ua_st_set_meta(st, "family", m->fam->name)) ||
        (s = ua_st_set_meta(st, "target", m->target)) ||
        (s = ua_st_set_meta(st, "domain", domain)))
        goto done;
    for (size_t i = 0; i < ua_st_meta_count(m->meta); i++) {
        const char *k, *v;
        ua_st_meta_at(m->meta, i, &k, &v);
        if ((s = ua_st_set_meta(st, k, v))) goto done;
    }
    if ((s = m->fam->save(m->state, st))) goto done;
    s = ua_st_write(st, path);
done:
    free(domain);
    ua_st_free(st);
    return s;
}

/* "lo:hi" with two finite doubles, lo < hi, nothing else; *end past it. */
static int parse_interval(const char *text, double *lo, double *hi, const char **after)
{
    char *end;
    errno = 0;
    *lo = strtod(text, &end);
    if (end == text || *end != ':') return 0;
    const char *second = end + 1;
    *hi = strtod(second, &end);
    if (end == second) return 0;
    *after = end;
    return domain_ok(*lo, *hi);
}

static int parse_domain(const char *text, double *lo, double *hi)
{
    const char *end;
    return parse_interval(text, lo, hi, &end) && !*end;
}

/* "a:b,c:d,..." with d >= 2 finite intervals into malloc'd lo, hi; 0 when malformed. At most
 * UA_PROBLEM_MAX_DIM intervals (the file is untrusted). */
static int parse_box(const char *text, size_t *d, double **lo, double **hi)
{
    size_t n = 1;
    for (const char *p = text; *p; p++) n += *p == ',';
    if (n < 2 || n > UA_PROBLEM_MAX_DIM) return 0;
    *lo = ua_calloc(n, sizeof **lo);
    *hi = ua_calloc(n, sizeof **hi);
    const char *p = text;
    int ok = *lo && *hi;
    for (size_t i = 0; ok && i < n; i++) {
        const char *end = p; /* parse_interval sets it only on success */
        ok = parse_interval(p, &(*lo)[i], &(*hi)[i], &end) && isfinite((*lo)[i]) &&
             (i + 1 < n ? *end == ',' : *end == '\0');
        if (ok) p = end + 1;
    }
    if (!ok) {
        free(*lo);
        free(*hi);
        *lo = *hi = NULL;
        return 0;
    }
    *d = n;
    return 1;
}

/* A positive decimal integer with no sign, spaces or trailing text; -1 otherwise. */
static long parse_version(const char *text)
{
    long v = 0;
    if (!*text) return -1;
    for (const char *p = text; *p; p++) {
        if (*p < '0' || *p > '9' || v > 100000000) return -1;
        v = v * 10 + (*p - '0');
    }
    return v;
}

ua_status ua_model_load(const char *path, ua_model **out)
{
    if (!out) return UA_ERR(UA_EINVAL, "ua_model_load: out is NULL");
    *out = NULL;
    ua_st *st;
    ua_status s = ua_st_read(path, &st);
    if (s) return s;
    const char *format = ua_st_meta(st, "format"), *version = ua_st_meta(st, "format_version");
    const char *family = ua_st_meta(st, "family"), *domain = ua_st_meta(st, "domain");
    const char *target = ua_st_meta(st, "target");
    const ua_family *fam = NULL;
    double lo = 0, hi = 0, *blo = NULL, *bhi = NULL;
    size_t bd = 0;
    void *state = NULL;
    long v;
    if (!format) {
        s = UA_ERR(UA_EFORMAT, "'%s': not a uniapprox model (no \"format\" metadata)", path);
    } else if (strcmp(format, FORMAT_NAME) != 0) {
        s = UA_ERR(UA_EFORMAT, "'%s': metadata format is '%s', expected '" FORMAT_NAME "'", path,
                   format);
    } else if (!version) {
        s = UA_ERR(UA_EFORMAT, "'%s': metadata \"format_version\" is missing", path);
    } else if ((v = parse_version(version)) < 1) {
        s = UA_ERR(UA_EFORMAT, "'%s': format_version '%s' is not a positive integer", path,
                   version);
    } else if (v > FORMAT_VERSION) {
        s = UA_ERR(UA_EFORMAT,
                   "'%s': format_version %ld is newer than this build reads (%d): upgrade "
                   "uniapprox", path, v, FORMAT_VERSION);
    } else if (!family) {
        s = UA_ERR(UA_EFORMAT, "'%s': metadata \"family\" is missing", path);
    } else if (!(fam = ua_family_find(family))) {
        s = UA_ERR(UA_ENOTFOUND, "'%s': unknown family '%s'", path, family);
    } else if (!domain) {
        s = UA_ERR(UA_EFORMAT, "'%s': metadata \"domain\" is missing", path);
    } else if (strchr(domain, ',') ? !parse_box(domain, &bd, &blo, &bhi)
                                   : !parse_domain(domain, &lo, &hi)) {
        s = UA_ERR(UA_EFORMAT, "'%s': domain '%s' is not \"lo:hi\" with finite lo < hi, nor "
                   "\"-inf:inf\", nor a box \"a:b,c:d,...\"", path, domain);
    } else if (!target) {
        s = UA_ERR(UA_EFORMAT, "'%s': metadata \"target\" is missing", path);
    }
    if (s) goto done;
    if (bd) lo = -INFINITY, hi = INFINITY;
    if ((s = fam->load(st, lo, hi, &state))) {
        if (s == UA_EFORMAT) { /* the family names what is wrong; name the file too */
            char msg[900];
            ua_last_error_message(msg, sizeof msg);
            s = UA_ERR(UA_EFORMAT, "'%s': %s", path, msg);
        }
        goto done;
    }
    ua_model *m;
    if ((s = make(fam, state, target, lo, hi, &m))) goto done; /* make freed the state */
    if (bd) {
        size_t din;
        ua_model_dims(m, &din, NULL);
        if (din != bd) s = UA_ERR(UA_EFORMAT, "'%s': the box has %zu interval%s but the "
                                  "model takes %zu input%s", path, bd, bd == 1 ? "" : "s", din,
                                  din == 1 ? "" : "s");
        if (!s) s = set_box(m, bd, blo, bhi);
        if (s) {
            ua_model_free(m);
            goto done;
        }
    }
    for (size_t i = 0; i < ua_st_meta_count(st); i++) {
        const char *k, *val;
        ua_st_meta_at(st, i, &k, &val);
        if (is_reserved(k)) continue;
        if ((s = ua_st_set_meta(m->meta, k, val))) {
            ua_model_free(m);
            goto done;
        }
    }
    *out = m;
done:
    free(blo);
    free(bhi);
    ua_st_free(st);
    return s;
}
