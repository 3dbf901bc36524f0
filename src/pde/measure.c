/*
 * src/pde/measure.c — a model of u measured against a PDE problem's solution on a uniform grid:
 * the relative L2 error ||u_model - u||_2 / ||u||_2 and the max absolute error, the measures
 * PINN papers and DeepXDE report (a pointwise relative error or a ULP count is meaningless where
 * the solution is 0, as on every Dirichlet face of the shipped problems). The fit (train.c)
 * records the same numbers for its network; `check --pde` and `fit --pde` print them.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "core/internal.h"
#include "uniapprox/pde.h"
#include "internal.h"

size_t ua_pde_grid_default(size_t d)
{
    return d == 1 ? 10001 : d == 2 ? 40401 : 68921;
}

ua_status ua_pde_grid(const ua_pde_spec *s, size_t npts, double **xout, size_t *nout)
{
    size_t d = s->d, g = (size_t)floor(pow((double)npts, 1.0 / (double)d) + 1e-9);
    if (g < 2) g = 2;
    size_t n = 1;
    for (size_t i = 0; i < d; i++) n *= g;
    double *x = malloc(n * d * sizeof *x);
    if (!x) return UA_ENOMEM_ERR(n * d * sizeof *x);
    for (size_t p = 0; p < n; p++) {
        size_t q = p;
        for (size_t i = 0; i < d; i++) {
            size_t j = q % g;
            q /= g;
            /* lo (1 - f) + hi f: finite for every finite box (hi - lo may overflow) */
            double f = (double)j / (double)(g - 1);
            x[p * d + i] = j + 1 == g ? s->hi[i] : j == 0 ? s->lo[i]
                                                          : s->lo[i] * (1 - f) + s->hi[i] * f;
        }
    }
    *xout = x;
    *nout = n;
    return UA_OK;
}

ua_status ua_pde_grid_errors(const ua_pde_spec *s, ua_pde_predict_fn f, const void *ctx,
                             size_t npts, ua_pde_errors *e)
{
    memset(e, 0, sizeof *e);
    size_t d = s->d, n;
    double *x;
    ua_status st = ua_pde_grid(s, npts ? npts : ua_pde_grid_default(d), &x, &n);
    if (st) return st;
    double *u = malloc(n * sizeof *u), *v = malloc(n * sizeof *v);
    if (!u || !v) st = UA_ENOMEM_ERR(n * sizeof *u);
    if (!st) st = f(ctx, x, n, u);
    if (!st) st = ua_pde_solution((void *)s, x, n, v);
    double se = 0, sv = 0, mx = -1, um = 0;
    size_t at = 0;
    for (size_t p = 0; !st && p < n; p++) { /* the maxima first: the sums are scaled by them */
        if (!isfinite(v[p])) {
            char pt[200] = "";
            for (size_t i = 0; i < d; i++) {
                size_t used = strlen(pt);
                snprintf(pt + used, sizeof pt - used, "%s%s = %.17g", i ? ", " : "", s->names[i],
                         x[p * d + i]);
            }
            st = UA_ERR(UA_EDOMAIN, "pde: the solution (%s) is not finite at %s",
                        s->reference_text, pt);
            break;
        }
        double err = fabs(u[p] - v[p]);
        if (isnan(err)) err = INFINITY; /* a model value that is not finite */
        if (err > mx) mx = err, at = p;
        if (fabs(v[p]) > um) um = fabs(v[p]);
    }
    /* sum (err / mx)^2 and sum (v / um)^2: no overflow for solutions near DBL_MAX (the squares
     * of the raw values would be infinite) nor underflow for tiny ones */
    for (size_t p = 0; !st && isfinite(mx) && mx > 0 && p < n; p++) {
        double r = fabs(u[p] - v[p]) / mx;
        se += r * r;
    }
    for (size_t p = 0; !st && um > 0 && p < n; p++) {
        double r = v[p] / um;
        sv += r * r;
    }
    if (!st) {
        e->d = d;
        e->npoints = n;
        /* ||u - v||_2 / ||v||_2 = (mx / um) sqrt(se / sv) */
        e->rel_l2 = !(um > 0) ? NAN : !isfinite(mx) ? INFINITY : mx > 0 ? (mx / um) * sqrt(se / sv)
                                                                        : 0;
        e->max_abs = mx;
        for (size_t i = 0; i < d; i++) e->x_max_abs[i] = x[at * d + i];
        e->rms_abs = !isfinite(mx) ? INFINITY : mx > 0 ? mx * sqrt(se / (double)n) : 0;
        e->scale = um;
        memcpy(e->lo, s->lo, d * sizeof *s->lo);
        memcpy(e->hi, s->hi, d * sizeof *s->hi);
        memcpy(e->model_lo, s->lo, d * sizeof *s->lo);
        memcpy(e->model_hi, s->hi, d * sizeof *s->hi);
        snprintf(e->solution, sizeof e->solution, "%s", s->reference_text);
    }
    free(x), free(u), free(v);
    return st;
}

static ua_status model_predict(const void *m, const double *x, size_t n, double *u)
{
    return ua_model_predict(m, x, n, u);
}

/* The model's d input names joined by "," into *out (malloc'd; NULL when the model records
 * none): its metadata "vars" (a model of a formula, a function or a PDE problem), else
 * "input_names" (a JSON array of d strings: a model of samples, from its training file's
 * header; another shape is ignored). Errors: UA_ENOMEM. */
static ua_status model_names(const ua_model *m, size_t d, char **out)
{
    *out = NULL;
    const char *mv = ua_model_meta(m, "vars");
    if (mv) {
        size_t n = strlen(mv) + 1;
        if (!(*out = malloc(n))) return UA_ENOMEM_ERR(n);
        memcpy(*out, mv, n);
        return UA_OK;
    }
    const char *json = ua_model_meta(m, "input_names");
    cJSON *arr = json ? cJSON_Parse(json) : NULL;
    if (!cJSON_IsArray(arr) || (size_t)cJSON_GetArraySize(arr) != d) {
        cJSON_Delete(arr);
        return UA_OK;
    }
    size_t n = 1;
    for (const cJSON *e = arr->child; e; e = e->next) {
        if (!cJSON_IsString(e)) {
            cJSON_Delete(arr);
            return UA_OK;
        }
        n += strlen(e->valuestring) + 1;
    }
    char *buf = malloc(n);
    if (!buf) {
        cJSON_Delete(arr);
        return UA_ENOMEM_ERR(n);
    }
    buf[0] = '\0';
    for (const cJSON *e = arr->child; e; e = e->next) {
        if (e != arr->child) strcat(buf, ",");
        strcat(buf, e->valuestring);
    }
    cJSON_Delete(arr);
    *out = buf;
    return UA_OK;
}

ua_status ua_pde_model_errors(const ua_model *m, const ua_problem *p, size_t npoints,
                              ua_pde_errors *out)
{
    if (!m || !p || !out) return UA_ERR(UA_EINVAL, "ua_pde_model_errors: NULL argument");
    memset(out, 0, sizeof *out);
    const ua_pde_spec *s = ua_problem_pde_spec(p);
    if (!s) return UA_ERR(UA_EINVAL, "ua_pde_model_errors: not a PDE problem");
    size_t din, dout;
    ua_model_dims(m, &din, &dout);
    if (din != s->d || dout != 1)
        return UA_ERR(UA_EINVAL, "the model has %zu inputs and %zu outputs; the problem %zu inputs "
                      "and 1 output", din, dout, s->d);
    ua_status st = ua_pde_grid_errors(s, model_predict, m, npoints, out);
    if (st) return st;
    /* the names: a model's inputs are positional, so other names are measured with a warning;
     * compared in full, shown cut to the struct's buffers */
    size_t len = 1;
    for (size_t i = 0; i < s->d; i++) len += strlen(s->names[i]) + 1;
    char *pv = malloc(len), *mv = NULL;
    if (!pv) return UA_ENOMEM_ERR(len);
    pv[0] = '\0';
    for (size_t i = 0; i < s->d; i++) {
        if (i) strcat(pv, ",");
        strcat(pv, s->names[i]);
    }
    snprintf(out->vars, sizeof out->vars, "%s", pv);
    if ((st = model_names(m, s->d, &mv))) {
        free(pv);
        return st;
    }
    if (mv) {
        snprintf(out->model_vars, sizeof out->model_vars, "%s", mv);
        out->vars_differ = strcmp(mv, pv) != 0;
    }
    free(pv), free(mv);
    size_t d;
    const double *lo, *hi;
    ua_model_box(m, &d, &lo, &hi);
    if (d == s->d) {
        for (size_t i = 0; i < d; i++) {
            out->model_lo[i] = lo[i];
            out->model_hi[i] = hi[i];
            double tol = 1e-12 * (s->hi[i] - s->lo[i]);
            if (fabs(lo[i] - s->lo[i]) > tol || fabs(hi[i] - s->hi[i]) > tol) out->box_differs = 1;
        }
    }
    return UA_OK;
}

/* "[a, b] x [c, d]" of a box into buf. */
static void box_text(char *buf, size_t len, const double *lo, const double *hi, size_t d)
{
    buf[0] = '\0';
    for (size_t i = 0; i < d; i++) {
        size_t used = strlen(buf);
        snprintf(buf + used, len - used, "%s[%.6g, %.6g]", i ? " x " : "", lo[i], hi[i]);
    }
}

size_t ua_pde_errors_format(const ua_pde_errors *e, const char *name, char *buf, size_t len)
{
    char at[160] = "(", b1[200], b2[200];
    for (size_t i = 0; i < e->d; i++) {
        size_t used = strlen(at);
        snprintf(at + used, sizeof at - used, "%s%.9g", i ? ", " : "", e->x_max_abs[i]);
    }
    strcat(at, ")");
    char warn[1000] = "";
    if (e->box_differs) {
        box_text(b1, sizeof b1, e->model_lo, e->model_hi, e->d);
        box_text(b2, sizeof b2, e->lo, e->hi, e->d);
        snprintf(warn, sizeof warn, "warning: the model was fitted on the box %s, %s is on %s: "
                 "measured on the file's box\n", b1, name ? name : "the problem", b2);
    }
    if (e->vars_differ) {
        size_t used = strlen(warn);
        snprintf(warn + used, sizeof warn - used, "warning: the model's variables are (%s), "
                 "%s's are (%s): measured by position, input i of the model taken as the "
                 "problem's variable i\n", e->model_vars, name ? name : "the problem", e->vars);
    }
    char rel[120];
    if (e->rel_l2 == e->rel_l2) snprintf(rel, sizeof rel, "%.3e", e->rel_l2);
    else snprintf(rel, sizeof rel, "-  (the solution is 0 at every point)");
    return (size_t)snprintf(buf, len,
                            "%serrors against the solution (%s)\n"
                            "  points measured      %zu, a uniform grid of the box (a sampled "
                            "maximum, not a bound)\n"
                            "  relative L2 error    %s  (||u - u_ref||_2 / ||u_ref||_2)\n"
                            "  max abs error        %.3e  at %s\n"
                            "  rms abs error        %.3e\n"
                            "  scale max|u_ref|     %.6g\n",
                            warn, e->solution, e->npoints, rel, e->max_abs, at, e->rms_abs,
                            e->scale);
}
