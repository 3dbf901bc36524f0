/*
 * LIME (Ribeiro, Singh & Guestrin 2016, "Why Should I Trust You?") on captum Lime's
 * interpretable representation: z in {0,1}^d switches input i between x_i (1) and the
 * baseline x0_i (0), drawn as fair coins (captum's default perturbation), the first sample the
 * instance itself (as lime does); lime's exponential kernel sqrt(exp(-D^2 / width^2)) on the
 * Euclidean distance D of z from all ones, width 0.75 sqrt(d) by default (lime's); and lime's
 * surrogate, a ridge regression with intercept (scikit-learn's Ridge(alpha) with sample weights:
 * weighted centring, unweighted penalty).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"

ua_status ua_explain_lime(ua_xmodel *xm, const double *x, const double *x0,
                          const ua_explain_options *o, double *attr, ua_explain_info *info)
{
    size_t d = xm->d, n = o->n_samples ? o->n_samples : 5000;
    if (n < 2 || n > 10000000)
        return UA_ERR(UA_EINVAL, "explain lime: n_samples must be 2..1e7, got %zu", n);
    double width = o->kernel_width > 0 ? o->kernel_width : 0.75 * sqrt((double)d);
    if (!(o->kernel_width >= 0) || !isfinite(o->kernel_width))
        return UA_ERR(UA_EINVAL, "explain lime: kernel_width must be > 0 (0: lime's default), got %g",
                      o->kernel_width);
    if (!(o->alpha >= 0) || !isfinite(o->alpha))
        return UA_ERR(UA_EINVAL, "explain lime: alpha must be >= 0, got %g", o->alpha);
    unsigned char *Z = malloc(n * d);
    double *P = malloc(n * d * sizeof *P), *v = malloc(n * sizeof *v), *wt = malloc(n * sizeof *wt);
    double *A = malloc((d * d + 2 * d) * sizeof *A);
    ua_status st = UA_OK;
    if (!Z || !P || !v || !wt || !A) st = UA_ENOMEM_ERR(n * d * (1 + sizeof *P));
    if (!st) {
        ua_rng r;
        ua_rng_seed(&r, o->seed);
        for (size_t k = 0; k < n; k++)
            for (size_t j = 0; j < d; j++) Z[k * d + j] = k == 0 ? 1 : (ua_rng_next(&r) >> 63) & 1;
        for (size_t k = 0; k < n; k++) {
            size_t off = 0;
            for (size_t j = 0; j < d; j++) {
                P[k * d + j] = Z[k * d + j] ? x[j] : x0[j];
                off += !Z[k * d + j];
            }
            wt[k] = sqrt(exp(-(double)off / (width * width)));
        }
        st = ua_xmodel_eval(xm, P, n, v);
    }
    if (!st) {
        double *b = A + d * d, *zbar = b + d, sw = 0, ybar = 0;
        memset(A, 0, (d * d + 2 * d) * sizeof *A);
        for (size_t k = 0; k < n; k++) {
            sw += wt[k];
            ybar += wt[k] * v[k];
            for (size_t j = 0; j < d; j++) zbar[j] += wt[k] * Z[k * d + j];
        }
        ybar /= sw;
        for (size_t j = 0; j < d; j++) zbar[j] /= sw;
        for (size_t k = 0; k < n; k++) {
            double ry = v[k] - ybar;
            for (size_t i = 0; i < d; i++) {
                double zi = Z[k * d + i] - zbar[i];
                b[i] += wt[k] * zi * ry;
                for (size_t j = 0; j <= i; j++) A[i * d + j] += wt[k] * zi * (Z[k * d + j] - zbar[j]);
            }
        }
        for (size_t i = 0; i < d; i++) A[i * d + i] += o->alpha;
        /* a coalition pattern that never varies (tiny n) leaves A singular without a penalty */
        st = ua_xsolve_spd(A, b, d);
        if (st)
            st = UA_ERR(UA_EDOMAIN, "explain lime: the surrogate's normal equations are singular "
                        "(%zu samples, alpha %g): raise n_samples or alpha", n, o->alpha);
        if (!st) {
            double icpt = ybar, sse = 0, sst = 0;
            for (size_t j = 0; j < d; j++) icpt -= zbar[j] * b[j];
            for (size_t k = 0; k < n; k++) {
                double yh = icpt;
                for (size_t j = 0; j < d; j++) yh += b[j] * Z[k * d + j];
                sse += wt[k] * (v[k] - yh) * (v[k] - yh);
                sst += wt[k] * (v[k] - ybar) * (v[k] - ybar);
            }
            memcpy(attr, b, d * sizeof *attr);
            info->intercept = icpt;
            info->score = sst > 0 ? 1 - sse / sst : 1.0;
        }
    }
    free(Z);
    free(P);
    free(v);
    free(wt);
    free(A);
    return st;
}
