/* cli/report.c — printing a measurement and its verdict (text or JSON), the measurement options,
 * and the progress lines of long fits and measurements. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "uniapprox/metrics.h"

static struct timespec progress_start;
static int progress_drawn;

static void measure_progress(void *ctx, size_t done, size_t total)
{
    (void)ctx;
    if (!progress_drawn) clock_gettime(CLOCK_MONOTONIC, &progress_start);
    progress_drawn = 1;
    ua_cli_progress(done, total, &progress_start, "measuring against the reference");
    if (done >= total) progress_drawn = 0;
}

static void epoch_progress(void *ctx, size_t epoch, size_t epochs, double train_loss,
                           double val_loss, double lr, double seconds, int improved)
{
    (void)ctx;
    (void)lr;
    (void)improved;
    double eta = epoch ? seconds / (double)epoch * (double)(epochs - epoch) : 0;
    FILE *f = ua_cli_notes();
    fprintf(f, "\r\033[Kepoch %zu/%zu  train %.4g  val %.4g  %.1fs  ETA %.0fs", epoch,
            epochs, train_loss, val_loss, seconds, eta);
    fflush(f);
    progress_drawn = 1;
}

static void work_progress(void *ctx, double done, double total, const char *what)
{
    (void)ctx;
    if (!progress_drawn) clock_gettime(CLOCK_MONOTONIC, &progress_start);
    progress_drawn = 1;
    ua_cli_progress((size_t)done, (size_t)total, &progress_start, what);
    if (done >= total) progress_drawn = 0;
}

void ua_cli_progress_done(void)
{
    if (progress_drawn) {
        fputs("\r\033[K", ua_cli_notes());
        fflush(ua_cli_notes());
    }
    progress_drawn = 0;
}

void ua_cli_fit_hooks(ua_fit_hooks *h)
{
    memset(h, 0, sizeof *h);
    if (!isatty(2)) return;
    h->epoch = epoch_progress;
    h->work = work_progress;
}

int ua_cli_measure_options(const char *cmd, const char *points, const char *prec,
                           ua_measure_options *o)
{
    ua_measure_options_default(o);
    double precd, cp;
    if (points && (ua_cli_double(points, &cp) || cp != floor(cp) || cp < 2))
        return ua_cli_usage(cmd, "--points '%s' must be a count >= 2", points);
    if (points && cp > (double)o->max_points)
        return ua_cli_usage(cmd, "--points %s exceeds the cap of %zu points (memory and "
                            "time of the measurement grow with it)", points, o->max_points);
    if (points) o->check_points = (size_t)cp;
    if (prec && (ua_cli_double(prec, &precd) || precd < 53 || precd > 100000 ||
                 precd != (long)precd))
        return ua_cli_usage(cmd, "--prec '%s' must be an integer number of bits in [53, 100000]",
                            prec);
    if (prec) o->prec = (long)precd;
    if (isatty(2)) o->progress = measure_progress;
    return 0;
}

/* "x = 0.5" (1-D) or "x = (0.5, 1, -2)" into buf. */
static const char *point_text(char *buf, size_t len, const double *x, size_t d)
{
    if (!x) {
        snprintf(buf, len, "-");
        return buf;
    }
    if (d == 1) {
        snprintf(buf, len, "x = %.17g", x[0]);
        return buf;
    }
    size_t used = (size_t)snprintf(buf, len, "x = (");
    for (size_t i = 0; i < d && used < len; i++)
        used += (size_t)snprintf(buf + used, len - used, "%s%.9g", i ? ", " : "", x[i]);
    if (used < len) snprintf(buf + used, len - used, ")");
    return buf;
}

static cJSON *point_json(const double *x, size_t d)
{
    if (d == 1) return cJSON_CreateNumber(x ? x[0] : NAN);
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; x && i < d; i++) cJSON_AddItemToArray(a, cJSON_CreateNumber(x[i]));
    return a;
}

/* A metadata number, or NaN. */
static double meta_num(const ua_model *m, const char *key)
{
    const char *v = ua_model_meta(m, key);
    double x;
    return v && !ua_cli_double(v, &x) ? x : NAN;
}

/* Adds key to o, replacing what a family's description may have put there under that name. */
static void set_item(cJSON *o, const char *key, cJSON *v)
{
    cJSON_DeleteItemFromObjectCaseSensitive(o, key);
    cJSON_AddItemToObject(o, key, v);
}
static void set_num(cJSON *o, const char *key, double v) { set_item(o, key, cJSON_CreateNumber(v)); }
static void set_str(cJSON *o, const char *key, const char *v) { set_item(o, key, cJSON_CreateString(v)); }

/* The reference the measurement of m on p was taken against (p's: check --against measures
 * against another target than the model's), and, only when p is the model's own problem, how
 * the fit sampled it and the removable singularities it filled (NULL otherwise, and where the
 * model does not say). Without p: what the model records. */
static const char *measured_reference(const ua_model *m, const ua_problem *p,
                                      const char **sampling, const char **filled)
{
    int own = !p || (ua_problem_kind_of(p) == ua_model_kind(m) &&
                     !strcmp(ua_problem_describe(p), ua_model_target(m)));
    *sampling = own ? ua_model_meta(m, "sampling") : NULL;
    *filled = own ? ua_model_meta(m, "filled") : NULL;
    return p ? ua_problem_reference(p) : ua_model_meta(m, "reference");
}

const char *ua_cli_ratio_text(char *buf, size_t len, double ratio)
{
    for (int digits = 3; digits <= 17; digits++) {
        snprintf(buf, len, "%.*g", digits, ratio);
        double shown = strtod(buf, NULL);
        if ((ratio > 1) == (shown > 1) && (ratio < 1) == (shown < 1)) break;
    }
    return buf;
}

/* Whether the model computes at float inputs (it rounds x to float itself): the measurement's
 * points were rounded to float (src/model/measure.c). */
static int float_inputs(const ua_model *m)
{
    const char *t = ua_model_meta(m, "input_type");
    return t && !strcmp(t, "float32");
}

void ua_cli_measurement_json(cJSON *o, const ua_model *m, const ua_problem *p,
                             const ua_measurement *r)
{
    /* how a formula was sampled for the fit; the removable singularities filled */
    const char *sampling, *filled, *ref = measured_reference(m, p, &sampling, &filled);
    if (ref) set_str(o, "reference", ref);
    if (sampling) set_str(o, "sampling", sampling);
    if (filled) set_str(o, "filled", filled);
    if (r->has_errors) {
        const ua_box_errors *e = &r->err;
        set_num(o, "points", (double)e->npoints);
        cJSON_AddBoolToObject(o, "sampled_maximum", 1); /* never a bound */
        if (float_inputs(m)) cJSON_AddBoolToObject(o, "float_inputs", 1);
        set_num(o, "nonfinite_reference_points", (double)e->n_nonfinite_ref);
        set_num(o, "scale", e->scale);
        set_num(o, "max_abs_err", e->max_abs);
        set_item(o, "max_abs_err_x", point_json(e->x_max_abs, e->d));
        set_num(o, "max_rel_err", e->max_rel);
        set_item(o, "max_rel_err_x", point_json(e->x_max_rel, e->d));
        set_num(o, "max_rel_scale_err", e->max_rel_scale);
        set_num(o, "rms_err", e->rms_abs);
        set_num(o, "max_ulp64", e->max_ulp64);
        set_item(o, "max_ulp64_x", point_json(e->x_max_ulp64, e->d));
        set_num(o, "max_ulp32", e->max_ulp32);
        set_item(o, "max_ulp32_x", point_json(e->x_max_ulp32, e->d));
    }
    /* a classifier's score is its error rate (train_error_rate, test_error_rate below), not an
     * RMSE: no "rmse" key claims it */
    int classify = ua_model_is_classifier(m);
    if (!isnan(r->train_rmse)) set_num(o, classify ? "train_error_rate" : "train_rmse", r->train_rmse);
    if (!isnan(r->test_rmse)) set_num(o, classify ? "test_error_rate" : "test_rmse", r->test_rmse);
    static const char *const extra[] = { "train_error_rate", "test_error_rate",
                                         "train_accuracy", "test_accuracy", "loo_rmse",
                                         "train_mae", "test_mae", "train_mae_rel", "test_mae_rel",
                                         "select_rmse", "estimated_err" };
    for (size_t i = 0; i < sizeof extra / sizeof extra[0]; i++) {
        double v = meta_num(m, extra[i]);
        if (!isnan(v) && !cJSON_GetObjectItemCaseSensitive(o, extra[i])) set_num(o, extra[i], v);
    }
    if (r->has_tol) {
        cJSON *t = cJSON_AddObjectToObject(o, "tolerance");
        cJSON_AddNumberToObject(t, "abs", r->tol_abs);
        cJSON_AddNumberToObject(t, "scale", r->tol_scale);
        cJSON_AddNumberToObject(t, "rel", r->tol_rel);
        if (r->has_errors) {
            cJSON_AddNumberToObject(t, "ratio", r->err.tol_ratio);
            cJSON_AddItemToObject(t, "ratio_x", point_json(r->err.x_tol_ratio, r->err.d));
        }
    }
    const char *verdict = ua_model_meta(m, "verdict"), *reason = ua_model_meta(m, "fit_reason");
    /* "resolved" is the verdict: a family's own word (in its description) is "fit_resolved" */
    cJSON_DeleteItemFromObjectCaseSensitive(o, "resolved");
    cJSON_AddBoolToObject(o, "resolved", r->resolved);
    if (verdict) set_str(o, "verdict", verdict);
    if (reason) set_str(o, "reason", reason);
    const char *warning = ua_model_meta(m, "warning"); /* relative error large where |f| small */
    if (warning) set_str(o, "warning", warning);
}

void ua_cli_measurement_text(FILE *f, const ua_model *m, const ua_problem *p,
                             const ua_measurement *r, int fitted_rows)
{
    char buf[1024], rbuf[32];
    const char *sampling, *filled, *ref = measured_reference(m, p, &sampling, &filled);
    const char *prec = ua_model_meta(m, "check_prec");
    if (r->has_errors) {
        const ua_box_errors *e = &r->err;
        if (ref && !strcmp(ref, "MPFR") && prec)
            fprintf(f, "errors against the reference: MPFR, %s bits\n", prec);
        else fprintf(f, "errors against the reference: %s\n", ref ? ref : "-");
        if (sampling) fprintf(f, "  sampling: %s\n", sampling);
        if (filled) fprintf(f, "  %s\n", filled);
        if (e->d == 1) fprintf(f, "  points measured      %zu (a sampled maximum, not a bound)\n",
                               e->npoints);
        else fprintf(f, "  points measured      %zu in %zu dimensions (a sampled maximum, not a "
                     "bound)\n", e->npoints, e->d);
        if (float_inputs(m))
            fprintf(f, "  inputs               rounded to float, where the model computes (it "
                    "rounds x to float itself; that rounding is not counted)\n");
        fprintf(f, "  scale max|f|         %.6g\n", e->scale);
        fprintf(f, "  max abs error        %.3e  at %s\n", e->max_abs,
                point_text(buf, sizeof buf, e->x_max_abs, e->d));
        if (e->max_rel == e->max_rel)
            fprintf(f, "  max rel error        %.3e  at %s\n", e->max_rel,
                    point_text(buf, sizeof buf, e->x_max_rel, e->d));
        else fprintf(f, "  max rel error        -  (the target is 0 at every point)\n");
        fprintf(f, "  max error / scale    %.3e\n", e->max_rel_scale);
        fprintf(f, "  rms abs error        %.3e\n", e->rms_abs);
        /* ULPs are measured where f != 0 (at a zero the ULP is the smallest subnormal) */
        if (e->max_ulp64 == e->max_ulp64)
            fprintf(f, "  max error, f64 ULP   %.3g  at %s  (where f != 0)\n", e->max_ulp64,
                    point_text(buf, sizeof buf, e->x_max_ulp64, e->d));
        else fprintf(f, "  max error, f64 ULP   n/a  (f = 0 at every point)\n");
        if (e->max_ulp32 == e->max_ulp32)
            fprintf(f, "  max error, f32 ULP   %.3g  at %s  (result rounded to float; where f "
                    "!= 0)\n", e->max_ulp32, point_text(buf, sizeof buf, e->x_max_ulp32, e->d));
        else fprintf(f, "  max error, f32 ULP   n/a  (f = 0 at every point)\n");
    }
    if ((!isnan(r->train_rmse) || !isnan(r->test_rmse)) && ua_model_is_classifier(m)) {
        /* a classifier is scored by the fraction of rows whose class is wrong, not an RMSE */
        fprintf(f, "measured on the samples (fraction of rows misclassified):\n");
        if (!isnan(r->train_rmse) && !fitted_rows)
            fprintf(f, "  error rate on %s  %.6g  (accuracy %.6g)\n", ua_problem_describe(p),
                    r->train_rmse, 1 - r->train_rmse);
        else if (!isnan(r->train_rmse))
            fprintf(f, "  train error rate     %.6g  (accuracy %.6g)\n", r->train_rmse,
                    1 - r->train_rmse);
        if (!isnan(r->test_rmse))
            fprintf(f, "  test error rate      %.6g  (accuracy %.6g)\n", r->test_rmse,
                    1 - r->test_rmse);
    } else if (!isnan(r->train_rmse) || !isnan(r->test_rmse)) {
        fprintf(f, "measured on the %s (target units):\n",
                p && ua_problem_kind_of(p) == UA_PROBLEM_SEQUENCES ? "sequences" : "samples");
        if (!isnan(r->train_rmse) && !fitted_rows)
            fprintf(f, "  rmse on %s  %.6g\n", ua_problem_describe(p), r->train_rmse);
        else if (!isnan(r->train_rmse)) fprintf(f, "  train rmse           %.6g\n", r->train_rmse);
        if (!isnan(r->test_rmse)) fprintf(f, "  test rmse            %.6g\n", r->test_rmse);
    }
    if (p && ua_problem_kind_of(p) == UA_PROBLEM_SEQUENCES && ua_model_is_classifier(m)) {
        /* sequence classifiers (src/model/measure.c): the accuracy over every position */
        double tr = meta_num(m, "train_accuracy"), te = meta_num(m, "test_accuracy");
        if (!isnan(tr) || !isnan(te))
            fprintf(f, "measured on the sequences (fraction of positions classified right):\n");
        if (!isnan(tr) && !fitted_rows)
            fprintf(f, "  accuracy on %s  %.6g\n", ua_problem_describe(p), tr);
        else if (!isnan(tr)) fprintf(f, "  train accuracy       %.6g\n", tr);
        if (!isnan(te)) fprintf(f, "  test accuracy        %.6g\n", te);
    }
    if (p && ua_problem_kind_of(p) == UA_PROBLEM_GRAPHS) {
        /* graph models (src/model/measure.c): accuracy, or MAE and MAE / mean |target| */
        static const char *const keys[][2] = {
            { "train_accuracy", "train accuracy" }, { "test_accuracy", "test accuracy" },
            { "train_mae", "train MAE" }, { "train_mae_rel", "train MAE / mean |y|" },
            { "test_mae", "test MAE" }, { "test_mae_rel", "test MAE / mean |y|" } };
        for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
            double v = meta_num(m, keys[i][0]);
            if (!isnan(v)) fprintf(f, "  %-20s %.6g\n", keys[i][1], v);
        }
    }
    double est = meta_num(m, "estimated_err");
    if (!isnan(est)) fprintf(f, "  constructor's estimate %.3e  (its own check; the verdict is "
                             "the measurement above)\n", est);
    if (r->has_tol && r->has_errors)
        fprintf(f, "tolerance              |e| <= %.3g + %.3g*scale + %.3g*|f| at every measured "
                "point: %s of it used (worst at %s)\n", r->tol_abs, r->tol_scale, r->tol_rel,
                ua_cli_ratio_text(rbuf, sizeof rbuf, r->err.tol_ratio),
                point_text(buf, sizeof buf, r->err.x_tol_ratio, r->err.d));
    if (r->has_tol && r->has_errors && r->tol_abs + r->tol_scale * r->err.scale < 0x1p-1074)
        fprintf(f, "  (the allowance is never below one subnormal ULP, 4.9e-324: no double result "
                "can be nearer)\n");
    const char *verdict = ua_model_meta(m, "verdict"), *reason = ua_model_meta(m, "fit_reason");
    const char *warning = ua_model_meta(m, "warning"); /* relative error large where |f| small */
    if (warning) fprintf(f, "warning                %s\n", warning);
    fprintf(f, "verdict                %s\n", verdict ? verdict : r->resolved ? "resolved"
                                                                            : "not resolved");
    if (!r->resolved && reason) fprintf(f, "  reason               %s\n", reason);
    else if (!r->resolved && r->has_tol && r->has_errors)
        fprintf(f, "  reason               the measured error exceeds the tolerance (%s of it) "
                "at %s\n", ua_cli_ratio_text(rbuf, sizeof rbuf, r->err.tol_ratio),
                point_text(buf, sizeof buf, r->err.x_tol_ratio, r->err.d));
}
