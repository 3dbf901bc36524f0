/*
 * KernelSHAP (Lundberg & Lee 2017, "A Unified Approach to Interpreting Model Predictions") with
 * one baseline, as captum's KernelShap: the game is v(S) = f(x on S, x0 elsewhere).
 *   d <= exact_max_dim: every coalition is evaluated and the Shapley values are the weighted
 *     sums phi_i = sum_{S not containing i} |S|! (d - |S| - 1)! / d! (v(S + i) - v(S)) — the
 *     values the Shapley-kernel regression over all coalitions also gives, here without a solve.
 *   beyond: coalitions drawn from the Shapley kernel's distribution over sizes,
 *     p(s) ~ (d - 1) / (s (d - s)), s = 1..d-1, each with its complement (paired sampling,
 *     Covert & Lee 2021); under that sampling the kernel regression is unweighted, and it is
 *     solved with the efficiency constraint sum phi = v(N) - v(empty) by its KKT system.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <lapacke.h>
#include "internal.h"

#define SHAP_CHUNK 4096

static ua_status exact(ua_xmodel *xm, const double *x, const double *x0, double *attr)
{
    size_t d = xm->d, N = (size_t)1 << d;
    double *v = malloc(N * sizeof *v), *P = malloc(SHAP_CHUNK * d * sizeof *P);
    ua_status st = UA_OK;
    if (!v || !P) st = UA_ENOMEM_ERR(N * sizeof *v + SHAP_CHUNK * d * sizeof *P);
    for (size_t c0 = 0; !st && c0 < N; c0 += SHAP_CHUNK) {
        size_t nb = N - c0 < SHAP_CHUNK ? N - c0 : SHAP_CHUNK;
        for (size_t s = 0; s < nb; s++)
            for (size_t j = 0; j < d; j++) P[s * d + j] = ((c0 + s) >> j) & 1 ? x[j] : x0[j];
        st = ua_xmodel_eval(xm, P, nb, v + c0);
    }
    if (!st) {
        /* w[s] = s! (d - s - 1)! / d! = 1 / (d C(d - 1, s)) */
        double w[64];
        double c = 1; /* C(d - 1, s) */
        for (size_t s = 0; s < d; s++) {
            w[s] = 1.0 / ((double)d * c);
            c = c * (double)(d - 1 - s) / (double)(s + 1);
        }
        for (size_t i = 0; i < d; i++) attr[i] = 0;
        for (size_t S = 0; S < N; S++) {
            size_t s = (size_t)__builtin_popcountll((unsigned long long)S);
            for (size_t i = 0; i < d; i++)
                if (!((S >> i) & 1)) attr[i] += w[s] * (v[S | ((size_t)1 << i)] - v[S]);
        }
    }
    free(v);
    free(P);
    return st;
}

static ua_status sampled(ua_xmodel *xm, const double *x, const double *x0, double v0, double v1,
                         const ua_explain_options *o, double *attr)
{
    size_t d = xm->d, n = o->n_samples ? o->n_samples : 2 * d + 2048;
    if (n > 10000000) return UA_ERR(UA_EINVAL, "explain kernelshap: n_samples %zu is more than 1e7", n);
    n += n % 2; /* pairs */
    /* the distribution of coalition sizes: p(s) ~ 1 / (s (d - s)) */
    double *cdf = malloc((d + 1) * sizeof *cdf);
    unsigned char *Z = malloc(n * d);
    double *P = malloc(n * d * sizeof *P), *v = malloc(n * sizeof *v);
    size_t *perm = malloc(d * sizeof *perm);
    double *K = malloc((d + 1) * (d + 2) * sizeof *K);
    ua_status st = UA_OK;
    if (!cdf || !Z || !P || !v || !perm || !K) st = UA_ENOMEM_ERR(n * d * (sizeof *P + 1));
    if (!st) {
        double tot = 0;
        cdf[0] = 0;
        for (size_t s = 1; s < d; s++) tot += 1.0 / ((double)s * (double)(d - s)), cdf[s] = tot;
        ua_rng r;
        ua_rng_seed(&r, o->seed);
        for (size_t k = 0; k < n; k += 2) {
            double u = ua_rng_uniform(&r) * tot;
            size_t s = 1;
            while (s < d - 1 && cdf[s] < u) s++;
            ua_rng_subset(&r, d, s, perm);
            unsigned char *z = Z + k * d, *zc = z + d;
            memset(z, 0, d);
            for (size_t j = 0; j < s; j++) z[perm[j]] = 1;
            for (size_t j = 0; j < d; j++) zc[j] = !z[j];
        }
        for (size_t k = 0; k < n; k++)
            for (size_t j = 0; j < d; j++) P[k * d + j] = Z[k * d + j] ? x[j] : x0[j];
        st = ua_xmodel_eval(xm, P, n, v);
    }
    if (!st) {
        /* KKT: [Z'Z 1; 1' 0] [phi; mu] = [Z'(v - v0); v1 - v0] */
        size_t D = d + 1;
        double *A = K, *b = K + D * D;
        memset(K, 0, D * (D + 1) * sizeof *K);
        for (size_t k = 0; k < n; k++) {
            const unsigned char *z = Z + k * d;
            double r = v[k] - v0;
            for (size_t i = 0; i < d; i++) {
                if (!z[i]) continue;
                b[i] += r;
                for (size_t j = 0; j < d; j++) A[i * D + j] += z[j];
            }
        }
        for (size_t i = 0; i < d; i++) A[i * D + d] = A[d * D + i] = 1;
        b[d] = v1 - v0;
        lapack_int *ipiv = malloc(D * sizeof *ipiv);
        if (!ipiv) st = UA_ENOMEM_ERR(D * sizeof *ipiv);
        lapack_int info = st ? 0 : LAPACKE_dgesv(LAPACK_ROW_MAJOR, (lapack_int)D, 1, A,
                                                 (lapack_int)D, ipiv, b, 1);
        free(ipiv);
        if (!st && info)
            st = UA_ERR(UA_EDOMAIN, "explain kernelshap: the sampled coalitions leave the "
                        "regression singular (LAPACK dgesv info %d); raise n_samples", (int)info);
        if (!st) memcpy(attr, b, d * sizeof *attr);
    }
    free(cdf);
    free(Z);
    free(P);
    free(v);
    free(perm);
    free(K);
    return st;
}

ua_status ua_explain_kernelshap(ua_xmodel *xm, const double *x, const double *x0,
                                const ua_explain_options *o, double *attr, ua_explain_info *info)
{
    if (o->exact_max_dim > 20)
        return UA_ERR(UA_EINVAL, "explain kernelshap: exact_max_dim must be <= 20 (2^20 "
                      "coalitions), got %zu", o->exact_max_dim);
    if (xm->d == 1) { /* one player: v(N) - v(empty) */
        attr[0] = info->fx - info->fbase;
        info->exact = 1;
        return UA_OK;
    }
    if (xm->d <= o->exact_max_dim) {
        info->exact = 1;
        return exact(xm, x, x0, attr);
    }
    info->exact = 0;
    return sampled(xm, x, x0, info->fbase, info->fx, o, attr);
}
