/*
 * Gradient methods: Integrated Gradients (Sundararajan, Taly & Yan 2017, "Axiomatic Attribution
 * for Deep Networks"), SmoothGrad (Smilkov et al. 2017) and gradient x input (Shrikumar et al.
 * 2016). The quadrature rules are captum's (IntegratedGradients' method= names).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"

void ua_gauss_legendre01(size_t n, double *t, double *w)
{
    const double pi = 3.14159265358979323846;
    for (size_t k = 0; k < (n + 1) / 2; k++) {
        double z = cos(pi * ((double)k + 0.75) / ((double)n + 0.5)), dp = 1;
        for (int it = 0; it < 100; it++) {
            double p0 = 1, p1 = z; /* P_0, P_1, then the three-term recurrence up to P_n */
            for (size_t j = 2; j <= n; j++) {
                double p2 = ((2.0 * (double)j - 1) * z * p1 - ((double)j - 1) * p0) / (double)j;
                p0 = p1;
                p1 = p2;
            }
            if (n == 1) p0 = 1;
            dp = (double)n * (z * p1 - p0) / (z * z - 1);
            double dz = p1 / dp;
            z -= dz;
            if (fabs(dz) < 1e-16) break;
        }
        /* recompute the derivative at the converged node for the weight */
        double p0 = 1, p1 = z;
        for (size_t j = 2; j <= n; j++) {
            double p2 = ((2.0 * (double)j - 1) * z * p1 - ((double)j - 1) * p0) / (double)j;
            p0 = p1;
            p1 = p2;
        }
        if (n == 1) p0 = 1;
        dp = (double)n * (z * p1 - p0) / (z * z - 1);
        double wk = 1.0 / ((1 - z * z) * dp * dp); /* 2 / (...) on [-1, 1], halved for [0, 1] */
        t[k] = (1 - z) / 2;
        t[n - 1 - k] = (1 + z) / 2;
        w[k] = w[n - 1 - k] = wk;
    }
    if (n % 2) t[n / 2] = 0.5; /* the middle node is exactly 0 on [-1, 1] */
}

/* nodes a (n,) on [0, 1] and weights w (n,) of a captum rule */
static void rule(ua_ig_method m, size_t n, double *a, double *w)
{
    double dn = (double)n;
    switch (m) {
    case UA_IG_GAUSS_LEGENDRE: ua_gauss_legendre01(n, a, w); return;
    case UA_IG_RIEMANN_LEFT:
        for (size_t k = 0; k < n; k++) a[k] = (double)k / dn, w[k] = 1 / dn;
        return;
    case UA_IG_RIEMANN_RIGHT:
        for (size_t k = 0; k < n; k++) a[k] = (double)(k + 1) / dn, w[k] = 1 / dn;
        return;
    case UA_IG_RIEMANN_MIDDLE:
        for (size_t k = 0; k < n; k++) a[k] = ((double)k + 0.5) / dn, w[k] = 1 / dn;
        return;
    case UA_IG_RIEMANN_TRAPEZOID:
        if (n == 1) { a[0] = 0.5; w[0] = 1; return; }
        for (size_t k = 0; k < n; k++) a[k] = (double)k / (dn - 1), w[k] = 1 / (dn - 1);
        w[0] /= 2;
        w[n - 1] /= 2;
        return;
    }
}

ua_status ua_explain_ig(ua_xmodel *xm, const double *x, const double *x0,
                        const ua_explain_options *o, double *attr, ua_explain_info *info)
{
    size_t d = xm->d, n = o->n_steps;
    if (n == 0 || n > 100000)
        return UA_ERR(UA_EINVAL, "integrated gradients: n_steps must be 1..100000, got %zu", n);
    if (o->method == UA_IG_RIEMANN_TRAPEZOID && n < 2)
        return UA_ERR(UA_EINVAL, "integrated gradients: riemann_trapezoid needs n_steps >= 2");
    double *a = malloc(n * (2 + 2 * d) * sizeof *a);
    if (!a) return UA_ENOMEM_ERR(n * (2 + 2 * d) * sizeof *a);
    double *w = a + n, *P = w + n, *G = P + n * d;
    rule(o->method, n, a, w);
    for (size_t k = 0; k < n; k++)
        for (size_t j = 0; j < d; j++) P[k * d + j] = x0[j] + a[k] * (x[j] - x0[j]);
    ua_status st = ua_xmodel_grad(xm, P, n, G);
    if (!st)
        for (size_t j = 0; j < d; j++) {
            double s = 0;
            for (size_t k = 0; k < n; k++) s += w[k] * G[k * d + j];
            attr[j] = (x[j] - x0[j]) * s;
        }
    free(a);
    (void)info;
    return st;
}

ua_status ua_explain_smoothgrad(ua_xmodel *xm, const double *x, const double *x0,
                                const ua_explain_options *o, double *attr, ua_explain_info *info)
{
    size_t d = xm->d, n = o->nt_samples;
    if (n == 0 || n > 1000000)
        return UA_ERR(UA_EINVAL, "SmoothGrad: nt_samples must be 1..1000000, got %zu", n);
    if (!(o->stdevs >= 0) || !isfinite(o->stdevs))
        return UA_ERR(UA_EINVAL, "SmoothGrad: stdevs must be >= 0 and finite, got %g", o->stdevs);
    double *P = malloc(2 * n * d * sizeof *P);
    if (!P) return UA_ENOMEM_ERR(2 * n * d * sizeof *P);
    double *G = P + n * d;
    ua_rng r;
    ua_rng_seed(&r, o->seed);
    for (size_t k = 0; k < n; k++) {
        for (size_t j = 0; j < d; j++) {
            double sd = o->stdevs > 0 ? o->stdevs : xm->lo ? 0.15 * (xm->hi[j] - xm->lo[j]) : 1.0;
            P[k * d + j] = x[j] + sd * ua_rng_normal(&r);
        }
        ua_xmodel_clamp(xm, P + k * d);
    }
    ua_status st = ua_xmodel_grad(xm, P, n, G);
    if (!st)
        for (size_t j = 0; j < d; j++) {
            double s = 0;
            for (size_t k = 0; k < n; k++) s += G[k * d + j];
            attr[j] = (x[j] - x0[j]) * s / (double)n;
        }
    free(P);
    (void)info;
    return st;
}

ua_status ua_explain_gxi(ua_xmodel *xm, const double *x, const double *x0,
                         const ua_explain_options *o, double *attr, ua_explain_info *info)
{
    ua_status st = ua_xmodel_grad(xm, x, 1, attr);
    if (st) return st;
    for (size_t j = 0; j < xm->d; j++) attr[j] *= x[j] - x0[j];
    (void)o;
    (void)info;
    return UA_OK;
}
