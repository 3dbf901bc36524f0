/* ua_model_measure: the independent measurement of a model on its problem, and the verdict
 * (uniapprox/model.h). A formula is measured against MPFR, a user's function against itself in
 * double, over the problem's box with ua_verify_box (never the construction points alone); a model
 * of samples by its RMSE on the training and test rows. "resolved" means the measured error meets
 * the tolerance the model records, at every measured point. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "core/internal.h"
#include "family.h"

void ua_measure_options_default(ua_measure_options *o)
{
    memset(o, 0, sizeof *o);
    o->check_points = 100000;
    o->max_points = 10000000;
    o->prec = 128;
}

void ua_measurement_free(ua_measurement *r)
{
    if (!r) return;
    ua_box_errors_free(&r->err);
    memset(r, 0, sizeof *r);
}

/* A tolerance term of the model's metadata (tol_abs, tol_scale, tol_rel) into *v: NaN when the
 * key is absent; a value that is not a finite number >= 0 (NaN, inf, "abc", "", -1: a damaged or
 * hand-edited file) is refused with UA_EINVAL naming the key, never read as 0. */
static ua_status tol_number(const ua_model *m, const char *key, double *v)
{
    const char *t = ua_model_meta(m, key);
    *v = NAN;
    if (!t) return UA_OK;
    char *end;
    double x = strtod(t, &end);
    if (end == t || *end || !isfinite(x) || !(x >= 0))
        return UA_ERR(UA_EINVAL, "the model's metadata %s must be finite and >= 0, got '%.40s'",
                      key, t);
    *v = x;
    return UA_OK;
}

static ua_status approx_batch(void *ctx, const double *x, size_t n, double *y)
{
    return ua_model_predict(ctx, x, n, y);
}

static ua_status reference_batch(void *ctx, const double *x, size_t n, double *y)
{
    return ua_problem_eval(ctx, x, n, y);
}

static ua_status set_number(ua_model *m, const char *key, double v)
{
    char buf[32];
    return ua_model_set_meta(m, key, ua_fmt_double(buf, v));
}

/* A point as "x" (1-D) or "x1,x2,..." into the metadata. */
static ua_status set_point(ua_model *m, const char *key, const double *x, size_t d)
{
    size_t len = 32 * d + 1;
    char *buf = malloc(len), num[32];
    if (!buf) return UA_ENOMEM_ERR(len);
    buf[0] = '\0';
    for (size_t i = 0; i < d; i++) {
        if (i) strcat(buf, ",");
        strcat(buf, ua_fmt_double(num, x ? x[i] : NAN));
    }
    ua_status s = ua_model_set_meta(m, key, buf);
    free(buf);
    return s;
}

/* A 1-D model whose tolerance is not pointwise relative (tol_rel 0) but whose measured relative
 * error is large somewhere — above 100 times its tolerance relative to the scale (tol_abs +
 * tol_scale * scale, over scale) — gets the metadata "warning" saying where. The explanation
 * "|f| small there" is given only when it is true: |f| at that point at most 1/100 of max|f| (erf
 * near 0, a function near its zeros), known either from |f(x)| = |e(x)| / rel <= max_abs / rel or
 * from the reference evaluated there; then --rel-tol is named when the family has it. Where |f|
 * is not small the relative error is about the scale-relative one, and the warning says so. */
static ua_status store_rel_warning(ua_model *m, const ua_measurement *r, const ua_problem *p)
{
    const ua_box_errors *e = &r->err;
    double tol = r->tol_scale;
    if (e->scale > 0 && isfinite(e->scale)) tol += r->tol_abs / e->scale;
    tol = fmax(tol, 0x1p-52);
    if (e->d != 1 || !r->has_tol || r->tol_rel > 0.0 || !(e->max_rel > 100.0 * tol) ||
        !e->x_max_rel) /* no warning from this measurement: an earlier one's is not kept */
        return ua_model_del_meta(m, "warning");
    double small = 0.01 * e->scale, fx = NAN;
    if (!(e->max_abs / e->max_rel <= small)) { /* not known small: the reference at that point */
        size_t k = ua_problem_outputs(p);
        double *y = k ? calloc(k, sizeof *y) : NULL;
        if (y && ua_problem_eval(p, e->x_max_rel, 1, y) == UA_OK) {
            fx = 0;
            for (size_t j = 0; j < k; j++) fx = fmax(fx, fabs(y[j]));
        } else if (y) ua_clear_error(); /* unknown |f|: the warning below does not claim it */
        free(y);
    }
    char buf[320];
    if (!(fx > small)) {
        const ua_family *f = ua_model_family_vtable(m);
        int has = 0;
        for (size_t i = 0; f && i < f->noptions; i++)
            if (!strcmp(f->options[i].name, "rel-tol")) has = 1;
        snprintf(buf, sizeof buf, "relative error %.3e near x = %.6g (|f| small there: the "
                 "tolerance is relative to the scale max|f|)%s", e->max_rel, e->x_max_rel[0],
                 has ? "; use --rel-tol" : "");
    } else
        snprintf(buf, sizeof buf, "relative error %.3e near x = %.6g, where |f| = %.3g is not "
                 "small against the scale max|f| = %.3g: the error itself is large there",
                 e->max_rel, e->x_max_rel[0], fx, e->scale);
    return ua_model_set_meta(m, "warning", buf);
}

static ua_status store_box_errors(ua_model *m, const ua_measurement *r, long prec,
                                  const ua_problem *p)
{
    const ua_box_errors *e = &r->err;
    struct { const char *key; double v; const double *x; } rows[] = {
        { "max_abs_err", e->max_abs, e->x_max_abs },
        { "max_rel_err", e->max_rel, e->x_max_rel },
        { "max_rel_scale_err", e->max_rel_scale, NULL },
        { "scale", e->scale, NULL },
        { "rms_err", e->rms_abs, NULL },
        { "max_ulp64", e->max_ulp64, e->x_max_ulp64 },
        { "max_ulp32", e->max_ulp32, e->x_max_ulp32 },
        { "tol_ratio", e->tol_ratio, e->x_tol_ratio },
    };
    /* A PDE's solution is typically 0 on the boundary: a pointwise relative error or ULP count
     * there is meaningless (1e12, 1e28), so none is stored; the family stores the field's
     * measures (relative L2 over a grid, docs/pde.md). */
    int pde = ua_problem_kind_of(p) == UA_PROBLEM_PDE;
    ua_status s = UA_OK;
    for (size_t i = 0; !s && i < sizeof rows / sizeof rows[0]; i++) {
        if (pde && (!strcmp(rows[i].key, "max_rel_err") || !strncmp(rows[i].key, "max_ulp", 7)))
            continue;
        s = set_number(m, rows[i].key, rows[i].v);
        if (!s && rows[i].x) {
            char key[64];
            snprintf(key, sizeof key, "%s_x", rows[i].key);
            s = set_point(m, key, rows[i].x, e->d);
        }
    }
    char buf[32];
    snprintf(buf, sizeof buf, "%zu", e->npoints);
    if (!s) s = ua_model_set_meta(m, "check_points", buf);
    if (!s && ua_problem_kind_of(p) == UA_PROBLEM_FORMULA) {
        snprintf(buf, sizeof buf, "%ld", prec);
        s = ua_model_set_meta(m, "check_prec", buf);
    }
    if (!s && !pde) s = store_rel_warning(m, r, p);
    return s;
}

/* The box measurement of a FORMULA or FUNCTION problem. */
static ua_status measure_box(ua_model *m, const ua_problem *p, const ua_measure_options *o,
                             ua_measurement *r)
{
    size_t d = ua_problem_dim(p), din, dout;
    ua_model_dims(m, &din, &dout);
    if (din != d || dout != 1)
        return UA_ERR(UA_EINVAL, "the model takes %zu input%s and gives %zu output%s; the problem "
                      "has %zu variable%s and one value", din, din == 1 ? "" : "s", dout,
                      dout == 1 ? "" : "s", d, d == 1 ? "" : "s");
    ua_verify_box_options vo;
    ua_verify_box_options_default(&vo, d);
    if (d == 1) vo.grid_points = o->check_points;
    else if (d == 2) {
        vo.grid_points = o->check_points * 2 / 5;
        vo.sobol_points = o->check_points / 5;
    } else vo.sobol_points = o->check_points;
    /* the cap is on the points asked for; the model's natural points, the corners and face
     * centres come on top of it */
    vo.max_points = o->max_points;
    vo.prec = o->prec;
    vo.threads = o->threads;
    vo.progress = o->progress;
    vo.progress_ctx = o->progress_ctx;
    vo.distribute = 1; /* under mpirun the ranks share the points (uniapprox/dist.h) */
    /* a model that rounds its inputs to float itself (metadata input_type float32: evolve in
     * float32) is measured at float inputs, where it computes, as its exhaustive check is */
    const char *itype = ua_model_meta(m, "input_type");
    vo.float_inputs = itype && !strcmp(itype, "float32");
    ua_status ts = tol_number(m, "tol_abs", &r->tol_abs);
    if (!ts) ts = tol_number(m, "tol_scale", &r->tol_scale);
    if (!ts) ts = tol_number(m, "tol_rel", &r->tol_rel);
    if (ts) return ts;
    r->has_tol = isfinite(r->tol_abs) || isfinite(r->tol_scale) || isfinite(r->tol_rel);
    if (!isfinite(r->tol_abs)) r->tol_abs = 0;
    if (!isfinite(r->tol_scale)) r->tol_scale = 0;
    if (!isfinite(r->tol_rel)) r->tol_rel = 0;
    vo.tol_abs = r->tol_abs;
    vo.tol_scale = r->tol_scale;
    vo.tol_rel = r->tol_rel;

    const ua_family *fam = ua_model_family_vtable(m);
    double *extra = NULL;
    size_t nextra = 0;
    if (fam->natural_points) {
        int log_grid = 0;
        ua_status s = fam->natural_points(ua_model_state(m), &extra, &nextra, &log_grid);
        if (s) return s;
        if (log_grid && d == 1) vo.grid = UA_GRID_LOG;
    }
    vo.extra = extra;
    vo.nextra = nextra;
    if (vo.max_points < (size_t)-1 / 2) vo.max_points = 2 * vo.max_points + nextra;
    ua_reference ref = { 0 };
    if (ua_problem_kind_of(p) == UA_PROBLEM_FORMULA) ref.target = ua_problem_target(p);
    else {
        ref.fn = reference_batch;
        ref.fn_ctx = (void *)p;
    }
    ua_status s = ua_verify_box(approx_batch, m, &ref, d, ua_problem_lo(p), ua_problem_hi(p),
                                &vo, &r->err);
    free(extra);
    if (s) return s;
    r->has_errors = 1;
    /* An error measured against a reference that is NaN or infinite somewhere is no measurement
     * there: refused, as fit refuses such a target. */
    if (r->err.n_nonfinite_ref)
        return UA_ERR(UA_EDOMAIN, "the reference '%s' is NaN or infinite at %zu of the %zu "
                      "measured points of the domain%s", ua_problem_describe(p),
                      r->err.n_nonfinite_ref, r->err.npoints,
                      ua_problem_kind_of(p) == UA_PROBLEM_FORMULA && !ua_problem_fill_removable(p)
                      ? " (where a NaN is 0/0 with a limit, a removable singularity, "
                        "--fill-removable fills it)" : "");
    r->resolved = !r->has_tol || r->err.tol_ratio <= 1.0;
    ua_status st = store_box_errors(m, r, o->prec, p);
    /* the measurement may have met a removable singularity the fit did not */
    return st ? st : ua_model_store_filled(m, p);
}

/* A model that predicts class labels (its metadata says so): then error rates, not RMSE. */
static int is_classifier(const ua_model *m)
{
    const char *task = ua_model_meta(m, "task"), *cls = ua_model_meta(m, "classify");
    return (task && !strcmp(task, "classify")) || (cls && !strcmp(cls, "1"));
}

/* RMSE (or error rate) of m's predictions on rows x (n, d) against y (n, k). */
static ua_status score_rows(const ua_model *m, const double *x, const double *y, size_t n,
                            size_t k, int classify, double *out)
{
    double *pred = ua_calloc(n * k, sizeof *pred);
    if (!pred) return UA_ENOMEM_ERR(n * k * sizeof *pred);
    ua_status s = ua_model_predict(m, x, n, pred);
    if (!s && classify) {
        double wrong = 0;
        for (size_t i = 0; i < n * k; i++) wrong += pred[i] != y[i];
        *out = wrong / (double)(n * k);
    } else if (!s) {
        /* scaled sums: huge targets do not overflow */
        double big = 0, acc = 0;
        for (size_t i = 0; i < n * k; i++) {
            double e = fabs(pred[i] - y[i]);
            if (e != e) big = NAN;
            else if (e > big) big = e;
        }
        if (big > 0) {
            for (size_t i = 0; i < n * k; i++) {
                double e = (pred[i] - y[i]) / big;
                acc += e * e;
            }
            *out = big * sqrt(acc / (double)(n * k));
        } else *out = big; /* 0 or NaN */
    }
    free(pred);
    return s;
}

/* The model's column names (metadata key, a JSON array written by ua_fit from the training
 * file's header) against the rows' (name(p, j), j < count): UA_EINVAL naming both at the first
 * difference, the way fit refuses a --test-data file of other columns. Nothing is compared when
 * either side has no names (a headerless file, rows given as arrays, a model file older than
 * the key). */
static ua_status check_names(const ua_model *m, const ua_problem *p, const char *key,
                             const char *what, size_t count,
                             const char *(*name)(const ua_problem *, size_t))
{
    const char *json = ua_model_meta(m, key);
    if (!json || !name(p, 0)) return UA_OK;
    cJSON *arr = cJSON_Parse(json);
    ua_status s = UA_OK;
    if (cJSON_IsArray(arr) && (size_t)cJSON_GetArraySize(arr) == count)
        for (size_t j = 0; !s && j < count; j++) {
            const cJSON *e = cJSON_GetArrayItem(arr, (int)j);
            const char *have = name(p, j), *data = ua_model_meta(m, "data");
            if (cJSON_IsString(e) && have && strcmp(e->valuestring, have) != 0)
                s = UA_ERR(UA_EINVAL, "%s: %s column %zu is '%s', the model was fitted on '%s'"
                           "%s%s (choose the columns with --x-col / --y-col)",
                           ua_problem_describe(p), what, j + 1, have, e->valuestring,
                           data ? " in " : "", data ? data : "");
        }
    cJSON_Delete(arr);
    return s;
}

ua_status ua_model_check_columns(const ua_model *m, const ua_problem *p)
{
    if (!m || !p) return UA_ERR(UA_EINVAL, "ua_model_check_columns: NULL argument");
    if (ua_problem_kind_of(p) != UA_PROBLEM_SAMPLES) return UA_OK;
    ua_status s = check_names(m, p, "input_names", "input", ua_problem_dim(p), ua_problem_var);
    if (!s) s = check_names(m, p, "target_names", "target", ua_problem_outputs(p),
                            ua_problem_target_name);
    return s;
}

static ua_status measure_samples(ua_model *m, const ua_problem *p, ua_measurement *r)
{
    size_t din, dout;
    ua_model_dims(m, &din, &dout);
    size_t d = ua_problem_dim(p), k = ua_problem_outputs(p);
    if (din != d || dout != k)
        return UA_ERR(UA_EINVAL, "the model takes %zu input%s and gives %zu output%s; the samples "
                      "have %zu input%s and %zu output%s", din, din == 1 ? "" : "s", dout,
                      dout == 1 ? "" : "s", d, d == 1 ? "" : "s", k, k == 1 ? "" : "s");
    ua_status s = ua_model_check_columns(m, p);
    if (s) return s;
    int classify = is_classifier(m);
    const char *what = classify ? "error_rate" : "rmse";
    const double *x, *y;
    size_t n;
    char key[32];
    ua_problem_train(p, &x, &y, &n);
    if (n && !(s = score_rows(m, x, y, n, k, classify, &r->train_rmse))) {
        snprintf(key, sizeof key, "train_%s", what);
        s = set_number(m, key, r->train_rmse);
    }
    ua_problem_test(p, &x, &y, &n);
    if (!s && n && !(s = score_rows(m, x, y, n, k, classify, &r->test_rmse))) {
        snprintf(key, sizeof key, "test_%s", what);
        s = set_number(m, key, r->test_rmse);
    }
    r->resolved = 1;
    return s;
}

/* Accuracy (classes) or RMSE (values) of a sequence model on N sequences of len positions (x:
 * (N, len) tokens when xd is 0, else (N, len, xd); y: (N, len) classes or (N, len, nout) values),
 * predicted a block at a time (SEQ_SCORE_VALUES outputs): a classifier's logits for a whole set
 * can be far larger than the model and its training (1.5 MB a sequence for 128 positions of
 * 1,000 classes), and only the count of right positions or the sum of squares is kept. */
enum { SEQ_SCORE_VALUES = 1 << 24 };

typedef struct {
    const double *y; /* the targets */
    size_t len, right;
    double sse;
} seq_score;

static ua_status score_block(void *ctx, size_t first, size_t count, const double *out, size_t nout,
                             int classify)
{
    seq_score *sc = ctx;
    size_t pos = count * sc->len;
    if (classify) {
        const double *yc = sc->y + first * sc->len;
        for (size_t r = 0; r < pos; r++) {
            size_t am = 0;
            for (size_t k = 1; k < nout; k++)
                if (out[r * nout + k] > out[r * nout + am]) am = k;
            sc->right += (double)am == yc[r];
        }
    } else {
        const double *yc = sc->y + first * sc->len * nout;
        for (size_t i = 0; i < pos * nout; i++) sc->sse += (out[i] - yc[i]) * (out[i] - yc[i]);
    }
    return UA_OK;
}

static ua_status score_sequences(const ua_model *m, const double *x, const double *y, size_t N,
                                 size_t len, size_t xd, size_t yk, double *metric, int *classify)
{
    seq_score sc = { y, len, 0, 0 };
    double *none = NULL;
    size_t nout = 0;
    ua_status s = ua_model_predict_sequences(m, x, 0, len, xd, &none, &nout, classify);
    free(none);
    if (s) return s;
    /* the targets must be what the model predicts: classes (N, len) within its classes, or
     * (N, len, nout) values ((N, len) for one value a position) */
    if (*classify && yk)
        return UA_ERR(UA_EINVAL, "the model classifies (%zu classes a position); the targets are "
                      "%zu value%s a position, not (N, n) classes", nout, yk, yk == 1 ? "" : "s");
    if (!*classify && yk != nout && !(yk == 0 && nout == 1))
        return UA_ERR(UA_EINVAL, "the model gives %zu value%s a position; the targets have %zu%s",
                      nout, nout == 1 ? "" : "s", yk, yk ? "" : " (classes, (N, n))");
    if (*classify)
        for (size_t r = 0; r < N * len; r++)
            if (!(y[r] >= 0 && y[r] < (double)nout))
                return UA_ERR(UA_EINVAL, "the targets' sequence %zu, position %zu: class %.17g is "
                              "outside the model's classes 0..%zu", r / len, r % len, y[r],
                              nout - 1);
    s = ua_model_predict_sequences_blocks(m, x, N, len, xd, SEQ_SCORE_VALUES, score_block, &sc);
    if (s) return s;
    double cnt = (double)N * (double)len;
    *metric = *classify ? (double)sc.right / cnt : sqrt(sc.sse / (cnt * (double)nout));
    return UA_OK;
}

static ua_status measure_sequences(ua_model *m, const ua_problem *p, ua_measurement *r)
{
    const double *x, *y;
    size_t n, len = ua_problem_seq_len(p), xd = ua_problem_dim(p), yk = ua_problem_outputs(p);
    int classify = 0;
    double v;
    ua_status s = UA_OK;
    ua_problem_train(p, &x, &y, &n);
    if (n && !(s = score_sequences(m, x, y, n, len, xd, yk, &v, &classify))) {
        r->train_rmse = classify ? NAN : v;
        s = set_number(m, classify ? "train_accuracy" : "train_rmse", v);
    }
    ua_problem_test(p, &x, &y, &n);
    if (!s && n && !(s = score_sequences(m, x, y, n, len, xd, yk, &v, &classify))) {
        r->test_rmse = classify ? NAN : v;
        s = set_number(m, classify ? "test_accuracy" : "test_rmse", v);
    }
    r->resolved = 1;
    return s;
}

/* A graph model on one set: accuracy (classes: the most probable class against the label), or
 * the mean absolute error over every target, its ratio to the mean |target| (for counts: the
 * "MAE / mean count" of substructure counting) and the RMSE. Keys "<set>_accuracy" or
 * "<set>_mae", "<set>_mae_rel", "<set>_rmse". */
static ua_status score_graphs(ua_model *m, const ua_graphs *g, const char *set, double *rmse)
{
    double *out = NULL;
    size_t nout = 0;
    int classify = 0;
    ua_status s = ua_model_predict_graphs(m, g, &out, &nout, &classify);
    if (s) return s;
    size_t R = g->level == UA_GRAPH_LEVEL_NODE ? g->nnodes : g->ngraphs;
    char key[48];
    if (classify) {
        size_t right = 0;
        for (size_t r = 0; r < R; r++) {
            size_t am = 0;
            for (size_t c = 1; c < nout; c++)
                if (out[r * nout + c] > out[r * nout + am]) am = c;
            right += (double)am == g->y[r];
        }
        snprintf(key, sizeof key, "%s_accuracy", set);
        s = set_number(m, key, (double)right / (double)R);
    } else {
        double ae = 0, se = 0, ay = 0;
        for (size_t i = 0; i < R * nout; i++) {
            double d = out[i] - g->y[i];
            ae += fabs(d);
            se += d * d;
            ay += fabs(g->y[i]);
        }
        double n = (double)(R * nout);
        *rmse = sqrt(se / n);
        snprintf(key, sizeof key, "%s_mae", set);
        s = set_number(m, key, ae / n);
        snprintf(key, sizeof key, "%s_mae_rel", set);
        if (!s && ay > 0) s = set_number(m, key, ae / ay);
        snprintf(key, sizeof key, "%s_rmse", set);
        if (!s) s = set_number(m, key, *rmse);
    }
    free(out);
    return s;
}

static ua_status measure_graphs(ua_model *m, const ua_problem *p, ua_measurement *r)
{
    const ua_graphs *tr = ua_problem_graphs_data(p, 0), *te = ua_problem_graphs_data(p, 1);
    ua_status s = UA_OK;
    if (tr && tr->y) s = score_graphs(m, tr, "train", &r->train_rmse);
    if (!s && te && te->y) s = score_graphs(m, te, "test", &r->test_rmse);
    r->resolved = 1;
    return s;
}

ua_status ua_model_measure(ua_model *m, const ua_problem *p, const ua_measure_options *o,
                           ua_measurement *out)
{
    if (!m || !p || !out) return UA_ERR(UA_EINVAL, "ua_model_measure: NULL argument");
    memset(out, 0, sizeof *out);
    out->train_rmse = out->test_rmse = NAN;
    ua_measure_options defaults;
    if (!o) {
        ua_measure_options_default(&defaults);
        o = &defaults;
    }
    /* every warning in the metadata is this measurement's: an earlier one's is dropped */
    ua_status s = ua_model_del_meta(m, "warning");
    if (s) return s;
    switch (ua_problem_kind_of(p)) {
    case UA_PROBLEM_FORMULA:
    case UA_PROBLEM_FUNCTION:
    case UA_PROBLEM_PDE: s = measure_box(m, p, o, out); break;
    case UA_PROBLEM_SAMPLES: s = measure_samples(m, p, out); break;
    case UA_PROBLEM_SEQUENCES: s = measure_sequences(m, p, out); break;
    case UA_PROBLEM_GRAPHS: s = measure_graphs(m, p, out); break;
    default: s = UA_ERR(UA_EINVAL, "ua_model_measure: unknown problem kind"); break;
    }
    /* the verdict: the measurement, and the constructor's own word only when it says "not
     * resolved" (it knows limits the points may not show) */
    const char *fr = ua_model_meta(m, "fit_resolved");
    if (!s && fr && !strcmp(fr, "0")) out->resolved = 0;
    if (!s) s = ua_model_set_meta(m, "verdict", !out->resolved ? "not resolved"
                                  : out->has_tol ? "resolved" : "no tolerance asked");
    if (s) ua_measurement_free(out);
    return s;
}
