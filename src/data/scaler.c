/* Per-column standardisation z = (x - mean) / scale (uniapprox/data.h, docs/data.md). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "uniapprox/data.h"

/* Neumaier's compensated sum: the running error of each addition is kept in c, so the result
 * is accurate to about one rounding regardless of n (plain summation loses up to n roundings). */
typedef struct {
    double s, c;
} csum;

static void csum_add(csum *a, double v)
{
    double t = a->s + v;
    a->c += fabs(a->s) >= fabs(v) ? (a->s - t) + v : (v - t) + a->s;
    a->s = t;
}

static double csum_value(const csum *a) { return a->s + a->c; }

/*
 * Two passes per column (Chan, Golub & LeVeque's "corrected two-pass" algorithm, with
 * compensated sums): the mean, corrected by the mean of the residuals, then the population
 * variance from the residuals. A
 * column whose values are all equal gets exactly that value as mean and scale 1, so it maps to
 * exact zeros instead of rounding noise divided by a tiny spread.
 */
ua_status ua_scaler_fit(const double *x, size_t n, size_t d, ua_scaler *sc)
{
    if (!sc) return UA_ERR(UA_EINVAL, "ua_scaler_fit: sc is NULL");
    memset(sc, 0, sizeof *sc);
    if (!x || n == 0 || d == 0)
        return UA_ERR(UA_EINVAL, "ua_scaler_fit: need x and n, d > 0 (got n = %zu, d = %zu)", n,
                      d);
    for (size_t i = 0; i < n * d; i++)
        if (!isfinite(x[i]))
            return UA_ERR(UA_EINVAL, "ua_scaler_fit: x[%zu][%zu] is not finite", i / d, i % d);
    double *mean = ua_calloc(d, sizeof *mean), *scale = ua_calloc(d, sizeof *scale);
    if (!mean || !scale) {
        free(mean);
        free(scale);
        return UA_ENOMEM_ERR(2 * d * sizeof(double));
    }
    for (size_t j = 0; j < d; j++) {
        double lo = x[j], hi = x[j];
        csum sum = {0, 0};
        for (size_t i = 0; i < n; i++) {
            double v = x[i * d + j];
            csum_add(&sum, v);
            lo = v < lo ? v : lo;
            hi = v > hi ? v : hi;
        }
        if (lo == hi) {
            mean[j] = lo;
            scale[j] = 1;
            continue;
        }
        double m = csum_value(&sum) / (double)n;
        csum rs = {0, 0}, r2s = {0, 0};
        for (size_t i = 0; i < n; i++) {
            double e = x[i * d + j] - m;
            csum_add(&rs, e);
            csum_add(&r2s, e * e);
        }
        double r = csum_value(&rs), r2 = csum_value(&r2s);
        /* sum (x - m')^2 with m' = m + r/n equals r2 - r^2/n exactly in real arithmetic. */
        double var = (r2 - r * r / (double)n) / (double)n;
        m += r / (double)n;
        mean[j] = m < lo ? lo : m > hi ? hi : m;
        double sd = var > 0 ? sqrt(var) : 0;
        scale[j] = sd > 0 && isfinite(sd) ? sd : 1;
    }
    sc->d = d;
    sc->mean = mean;
    sc->scale = scale;
    return UA_OK;
}

void ua_scaler_free(ua_scaler *sc)
{
    if (!sc) return;
    free(sc->mean);
    free(sc->scale);
    sc->mean = sc->scale = NULL;
    sc->d = 0;
}

void ua_scaler_apply(const ua_scaler *sc, double *x, size_t n)
{
    const size_t d = sc->d;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < d; j++) x[i * d + j] = (x[i * d + j] - sc->mean[j]) / sc->scale[j];
}

void ua_scaler_invert(const ua_scaler *sc, double *x, size_t n)
{
    const size_t d = sc->d;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < d; j++) x[i * d + j] = x[i * d + j] * sc->scale[j] + sc->mean[j];
}
