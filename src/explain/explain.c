/*
 * ua_explain and ua_explain_global: check the points, evaluate f(x) and f(x0), dispatch to the
 * method (ig.c, shap.c, lime.c) and report the completeness gap (uniapprox/explain.h).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"

static const char *const method_names[UA_EXPLAIN_NMETHODS] = {
    "ig", "smoothgrad", "grad_x_input", "kernelshap", "lime"};
static const char *const ig_names[] = {"gausslegendre", "riemann_left", "riemann_right",
                                       "riemann_middle", "riemann_trapezoid"};

void ua_explain_options_default(ua_explain_options *o)
{
    memset(o, 0, sizeof *o);
    o->method = UA_IG_GAUSS_LEGENDRE;
    o->n_steps = 50;
    o->nt_samples = 50;
    o->stdevs = 0;
    o->exact_max_dim = 12;
    o->n_samples = 0;
    o->kernel_width = 0;
    o->alpha = 1.0;
}

ua_status ua_explain_method_parse(const char *name, ua_explain_method *m)
{
    for (int i = 0; name && i < UA_EXPLAIN_NMETHODS; i++)
        if (strcmp(name, method_names[i]) == 0) {
            *m = (ua_explain_method)i;
            return UA_OK;
        }
    return UA_ERR(UA_ENOTFOUND, "unknown explanation method '%s' (ig, smoothgrad, grad_x_input, "
                  "kernelshap, lime)", name ? name : "(null)");
}

const char *ua_explain_method_name(ua_explain_method m)
{
    return (unsigned)m < UA_EXPLAIN_NMETHODS ? method_names[m] : "?";
}

ua_status ua_ig_method_parse(const char *name, ua_ig_method *m)
{
    for (int i = 0; name && i < 5; i++)
        if (strcmp(name, ig_names[i]) == 0) {
            *m = (ua_ig_method)i;
            return UA_OK;
        }
    return UA_ERR(UA_ENOTFOUND, "unknown integration method '%s' (gausslegendre, riemann_left, "
                  "riemann_right, riemann_middle, riemann_trapezoid)", name ? name : "(null)");
}

const char *ua_ig_method_name(ua_ig_method m)
{
    return (unsigned)m < 5 ? ig_names[m] : "?";
}

static ua_status explain_one(ua_xmodel *xm, ua_explain_method method, const double *x,
                             const double *x0, const ua_explain_options *o, double *attr,
                             ua_explain_info *info)
{
    ua_status st = ua_xmodel_check_point(xm, x, "x");
    if (!st) st = ua_xmodel_check_point(xm, x0, "the baseline");
    if (st) return st;
    size_t d = xm->d;
    info->completeness = NAN;
    info->score = info->intercept = NAN;
    info->exact = 0;
    size_t e0 = xm->evals;
    double *P = malloc(2 * d * sizeof *P), f[2];
    if (!P) return UA_ENOMEM_ERR(2 * d * sizeof *P);
    memcpy(P, x, d * sizeof *P);
    memcpy(P + d, x0, d * sizeof *P);
    st = ua_xmodel_eval(xm, P, 2, f);
    free(P);
    if (st) return st;
    info->fx = f[0];
    info->fbase = f[1];
    switch (method) {
    case UA_EXPLAIN_IG: st = ua_explain_ig(xm, x, x0, o, attr, info); break;
    case UA_EXPLAIN_SMOOTHGRAD: st = ua_explain_smoothgrad(xm, x, x0, o, attr, info); break;
    case UA_EXPLAIN_GRAD_X_INPUT: st = ua_explain_gxi(xm, x, x0, o, attr, info); break;
    case UA_EXPLAIN_KERNELSHAP: st = ua_explain_kernelshap(xm, x, x0, o, attr, info); break;
    case UA_EXPLAIN_LIME: st = ua_explain_lime(xm, x, x0, o, attr, info); break;
    default: return UA_ERR(UA_EINVAL, "explain: unknown method %d", (int)method);
    }
    if (st) return st;
    if (method == UA_EXPLAIN_IG || method == UA_EXPLAIN_KERNELSHAP || method == UA_EXPLAIN_LIME) {
        double s = 0;
        for (size_t j = 0; j < d; j++) s += attr[j];
        info->completeness = s - (info->fx - info->fbase);
    }
    info->analytic_gradient = xm->analytic;
    info->evals = xm->evals - e0;
    return UA_OK;
}

ua_status ua_explain(const ua_model *m, ua_explain_method method, const double *x,
                     const double *x0, const ua_explain_options *o, double *attr,
                     ua_explain_info *info)
{
    ua_explain_options def;
    if (!o) {
        ua_explain_options_default(&def);
        o = &def;
    }
    if (!x || !attr) return UA_ERR(UA_EINVAL, "ua_explain: x and attr must not be NULL");
    ua_xmodel xm;
    ua_status st = ua_xmodel_init(&xm, m, o->target, o->finite_differences);
    if (st) return st;
    double *zero = NULL;
    if (!x0 && !(x0 = zero = ua_calloc(xm.d, sizeof *zero))) return UA_ENOMEM_ERR(xm.d * sizeof *zero);
    ua_explain_info tmp;
    st = explain_one(&xm, method, x, x0, o, attr, info ? info : &tmp);
    free(zero);
    return st;
}

ua_status ua_explain_global(const ua_model *m, ua_explain_method method, const double *X,
                            size_t n, const double *x0, const ua_explain_options *o, double *imp)
{
    ua_explain_options def;
    if (!o) {
        ua_explain_options_default(&def);
        o = &def;
    }
    if (!X || !imp) return UA_ERR(UA_EINVAL, "ua_explain_global: X and imp must not be NULL");
    if (!n) return UA_ERR(UA_EINVAL, "explain: the data set has no rows");
    ua_xmodel xm;
    ua_status st = ua_xmodel_init(&xm, m, o->target, o->finite_differences);
    if (st) return st;
    size_t d = xm.d;
    double *buf = ua_calloc(2 * d, sizeof *buf);
    if (!buf) return UA_ENOMEM_ERR(2 * d * sizeof *buf);
    double *attr = buf + d, *zero = NULL;
    if (!x0 && !(x0 = zero = ua_calloc(d, sizeof *zero))) {
        free(buf);
        return UA_ENOMEM_ERR(d * sizeof *zero);
    }
    for (size_t j = 0; j < d; j++) imp[j] = 0;
    for (size_t i = 0; i < n && !st; i++) {
        char what[48];
        snprintf(what, sizeof what, "row %zu", i + 1);
        st = ua_xmodel_check_point(&xm, X + i * d, what);
        ua_explain_info info;
        if (!st) st = explain_one(&xm, method, X + i * d, x0, o, attr, &info);
        for (size_t j = 0; !st && j < d; j++) imp[j] += fabs(attr[j]);
    }
    for (size_t j = 0; j < d; j++) imp[j] /= (double)n;
    free(buf);
    free(zero);
    return st;
}
