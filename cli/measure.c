/* cli/measure.c — measuring a model against its target, and recording the result. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/internal.h"
#include "model/family.h"

typedef struct {
    const ua_model *m;
} model_ctx;

static double model_fn1(double x, void *ctx)
{
    double y;
    if (ua_model_predict(((model_ctx *)ctx)->m, &x, 1, &y) != UA_OK) return NAN;
    return y;
}

ua_status ua_cli_measure(const ua_model *m, const ua_target *t, size_t npoints, long prec,
                         ua_errors *err)
{
    ua_verify_options opt;
    ua_verify_options_default(&opt);
    opt.npoints = npoints;
    opt.prec = prec;
    double *extra = NULL;
    size_t nextra = 0;
    const ua_family *fam = ua_model_family_vtable(m);
    if (fam->natural_points) {
        int log_grid = 0;
        ua_status s = fam->natural_points(ua_model_state(m), &extra, &nextra, &log_grid);
        if (s) return s;
        if (log_grid) opt.grid = UA_GRID_LOG;
    }
    opt.extra = extra;
    opt.nextra = nextra;
    double lo, hi;
    ua_model_domain(m, &lo, &hi);
    model_ctx ctx = { m };
    ua_status s = ua_verify_1d(model_fn1, &ctx, t, lo, hi, &opt, err);
    free(extra);
    /* An error measured against a reference that is NaN or infinite somewhere is no measurement
     * there: refuse, as fit refuses such a target. */
    if (!s && err->n_nonfinite_ref)
        s = UA_ERR(UA_EDOMAIN, "the reference '%s' is NaN or infinite at %zu points of "
                   "[%.17g, %.17g]", ua_target_spec(t), err->n_nonfinite_ref, lo, hi);
    return s;
}

ua_status ua_cli_store_errors(ua_model *m, const ua_errors *e, size_t npoints, long prec)
{
    char buf[64];
    struct { const char *key; double v; } rows[] = {
        { "max_abs_err", e->max_abs },       { "max_abs_err_x", e->x_max_abs },
        { "max_rel_err", e->max_rel },       { "max_rel_err_x", e->x_max_rel },
        { "max_rel_scale_err", e->max_rel_scale }, { "scale", e->scale },
        { "rms_err", e->rms_abs },           { "max_ulp64", e->max_ulp64 },
        { "max_ulp32", e->max_ulp32 },
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        ua_status s = ua_model_set_meta(m, rows[i].key, ua_fmt_double(buf, rows[i].v));
        if (s) return s;
    }
    snprintf(buf, sizeof buf, "%zu", e->npoints);
    ua_status s = ua_model_set_meta(m, "check_points", buf);
    if (!s) {
        snprintf(buf, sizeof buf, "%ld", prec);
        s = ua_model_set_meta(m, "check_prec", buf);
    }
    (void)npoints;
    return s;
}

void ua_cli_errors_json(cJSON *obj, const ua_errors *e)
{
    cJSON_AddNumberToObject(obj, "points", (double)e->npoints);
    cJSON_AddNumberToObject(obj, "nonfinite_reference_points", (double)e->n_nonfinite_ref);
    cJSON_AddNumberToObject(obj, "scale", e->scale);
    cJSON_AddNumberToObject(obj, "max_abs_err", e->max_abs);
    cJSON_AddNumberToObject(obj, "max_abs_err_x", e->x_max_abs);
    cJSON_AddNumberToObject(obj, "max_rel_err", e->max_rel);
    cJSON_AddNumberToObject(obj, "max_rel_err_x", e->x_max_rel);
    cJSON_AddNumberToObject(obj, "max_rel_scale_err", e->max_rel_scale);
    cJSON_AddNumberToObject(obj, "rms_err", e->rms_abs);
    cJSON_AddNumberToObject(obj, "max_ulp64", e->max_ulp64);
    cJSON_AddNumberToObject(obj, "max_ulp64_x", e->x_max_ulp64);
    cJSON_AddNumberToObject(obj, "max_ulp32", e->max_ulp32);
    cJSON_AddNumberToObject(obj, "max_ulp32_x", e->x_max_ulp32);
}

void ua_cli_errors_text(FILE *f, const ua_errors *e)
{
    fprintf(f, "  points measured      %zu\n", e->npoints);
    fprintf(f, "  scale max|f|         %.6g\n", e->scale);
    fprintf(f, "  max abs error        %.3e  at x = %.17g\n", e->max_abs, e->x_max_abs);
    if (e->max_rel == e->max_rel)
        fprintf(f, "  max rel error        %.3e  at x = %.17g\n", e->max_rel, e->x_max_rel);
    else
        fprintf(f, "  max rel error        -  (the target is 0 at every point)\n");
    fprintf(f, "  max error / scale    %.3e\n", e->max_rel_scale);
    fprintf(f, "  rms abs error        %.3e\n", e->rms_abs);
    fprintf(f, "  max error, f64 ULP   %.3g  at x = %.17g\n", e->max_ulp64, e->x_max_ulp64);
    fprintf(f, "  max error, f32 ULP   %.3g  at x = %.17g  (result rounded to float)\n",
            e->max_ulp32, e->x_max_ulp32);
}

int ua_cli_model_is_1d(const char *cmd, const ua_model *m)
{
    size_t din, dout;
    double lo, hi;
    ua_model_dims(m, &din, &dout);
    ua_model_domain(m, &lo, &hi);
    if (din == 1 && dout == 1 && isfinite(lo) && isfinite(hi)) return 1;
    fprintf(stderr, "uniapprox %s: works on 1-D models with a domain; this %s model has %zu "
            "input%s and %zu output%s%s\n", cmd, ua_model_family(m), din, din == 1 ? "" : "s",
            dout, dout == 1 ? "" : "s", isfinite(lo) ? "" : " and no domain");
    return 0;
}
