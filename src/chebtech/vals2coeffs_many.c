/*
 * Values -> Chebyshev coefficients for many series of one length at once: one FFTW plan (a
 * DCT-I of `count` rows) instead of one per series, which is what dominates when a family
 * converts dozens of short fibers (chebnd's phase 2). The arithmetic per series is that of
 * ua_cheb_vals2coeffs (src/chebtech/points.c).
 */
#include <pthread.h>
#include <string.h>

#include <fftw3.h>

#include "core/internal.h"
#include "chebtech.h"

ua_status ua_cheb_vals2coeffs_many(size_t n, size_t count, const double *vals, double *coeffs)
{
    if (n == 0 || !vals || !coeffs) return UA_ERR(UA_EINVAL, "vals2coeffs: n must be >= 1");
    if (count == 0) return UA_OK;
    if (n == 1) {
        memcpy(coeffs, vals, count * sizeof *coeffs);
        return UA_OK;
    }
    if (n > (size_t)2147483647 || count > (size_t)2147483647 / n)
        return UA_ERR(UA_EINVAL, "vals2coeffs: %zu series of %zu values is too many", count, n);
    double *buf = fftw_malloc(n * count * sizeof *buf);
    if (!buf) return UA_ENOMEM_ERR(n * count * sizeof *buf);
    int len = (int)n;
    fftw_r2r_kind kind = FFTW_REDFT00;
    ua_cheb_fftw_plan_lock();
    fftw_plan p = fftw_plan_many_r2r(1, &len, (int)count, buf, NULL, 1, (int)n, buf, NULL, 1,
                                     (int)n, &kind, FFTW_ESTIMATE);
    ua_cheb_fftw_plan_unlock();
    if (!p) {
        fftw_free(buf);
        return UA_ERR(UA_ENOMEM, "vals2coeffs: FFTW could not plan %zu DCT-I of size %zu", count, n);
    }
    /* REDFT00 works on points cos(j pi / (n-1)), from +1 down to -1: reverse each input */
    for (size_t c = 0; c < count; c++)
        for (size_t j = 0; j < n; j++) buf[c * n + j] = vals[c * n + n - 1 - j];
    fftw_execute(p);
    const double scale = 1.0 / (double)(n - 1);
    for (size_t c = 0; c < count; c++) {
        const double *v = vals + c * n;
        double *a = coeffs + c * n;
        for (size_t k = 0; k < n; k++) a[k] = buf[c * n + k] * scale;
        a[0] *= 0.5;
        a[n - 1] *= 0.5;
        /* exactly even (odd) data: the other parity is exactly zero */
        int even = 1, odd = 1;
        for (size_t j = 0; j < n / 2 && (even || odd); j++) {
            if (v[j] != v[n - 1 - j]) even = 0;
            if (v[j] != -v[n - 1 - j]) odd = 0;
        }
        if (n % 2 == 1 && v[n / 2] != 0.0) odd = 0;
        if (even || odd)
            for (size_t k = even ? 1 : 0; k < n; k += 2) a[k] = 0.0;
    }
    ua_cheb_fftw_plan_lock();
    fftw_destroy_plan(p);
    ua_cheb_fftw_plan_unlock();
    fftw_free(buf);
    return UA_OK;
}
