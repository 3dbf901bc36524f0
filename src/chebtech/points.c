/*
 * Chebyshev points of the second kind, and values -> coefficients by a DCT-I (FFTW).
 */
#include <math.h>
#include <pthread.h>
#include <string.h>

#include <fftw3.h>

#include "core/internal.h"
#include "chebtech.h"

void ua_cheb_points(size_t n, double *out)
{
    if (n == 0 || !out) return;
    if (n == 1) { /* not a grid; the midpoint is the only sensible answer */
        out[0] = 0.0;
        return;
    }
    /* -cos(j pi / m) = sin(pi (2j - m) / (2m)) with m = n - 1: the sine form is odd in
     * (2j - m), so x_{m-j} = -x_j holds bitwise and the middle point is exactly 0. */
    const double m = (double)(n - 1);
    const double pi = 3.14159265358979323846;
    for (size_t j = 0; j < n; j++) {
        double k = 2.0 * (double)j - m;
        out[j] = sin(pi * k / (2.0 * m));
    }
    out[0] = -1.0; /* sin(-pi/2) is -1 already; set it so no libm can differ */
    out[n - 1] = 1.0;
}

void ua_cheb_points_on(size_t n, double lo, double hi, double *out)
{
    ua_cheb_points(n, out);
    double mid = 0.5 * lo + 0.5 * hi, half = 0.5 * hi - 0.5 * lo; /* no overflow for huge ends */
    for (size_t j = 1; j + 1 < n; j++) out[j] = mid + half * out[j];
    out[0] = lo;
    out[n - 1] = hi;
}

/* FFTW's planner keeps global state: creating and destroying plans must be serialised
 * (executing a plan is thread-safe). */
static pthread_mutex_t plan_lock = PTHREAD_MUTEX_INITIALIZER;

void ua_cheb_fftw_plan_lock(void) { pthread_mutex_lock(&plan_lock); }
void ua_cheb_fftw_plan_unlock(void) { pthread_mutex_unlock(&plan_lock); }

ua_status ua_cheb_vals2coeffs(size_t n, const double *vals, double *coeffs)
{
    if (n == 0 || !vals || !coeffs) return UA_ERR(UA_EINVAL, "vals2coeffs: n must be >= 1");
    if (n == 1) { /* the constant interpolant */
        coeffs[0] = vals[0];
        return UA_OK;
    }
    if (n > (size_t)2147483647) return UA_ERR(UA_EINVAL, "vals2coeffs: n = %zu too large", n);
    double *buf = fftw_malloc(n * sizeof *buf);
    if (!buf) return UA_ENOMEM_ERR(n * sizeof *buf);
    /* REDFT00 works on points cos(j pi / (n-1)), i.e. from +1 down to -1: reverse the input. */
    pthread_mutex_lock(&plan_lock);
    fftw_plan p = fftw_plan_r2r_1d((int)n, buf, buf, FFTW_REDFT00, FFTW_ESTIMATE);
    pthread_mutex_unlock(&plan_lock);
    if (!p) {
        fftw_free(buf);
        return UA_ERR(UA_ENOMEM, "vals2coeffs: FFTW could not plan a DCT-I of size %zu", n);
    }
    for (size_t j = 0; j < n; j++) buf[j] = vals[n - 1 - j];
    fftw_execute(p);
    /* Y_k = f_0 + (-1)^k f_{n-1} + 2 sum_{j=1}^{n-2} f_j cos(pi j k / (n-1)) is 2 (n-1) times
     * the trapezoidal (Clenshaw-Curtis) projection, so c_k = Y_k / (n-1), halved at both ends. */
    const double scale = 1.0 / (double)(n - 1);
    for (size_t k = 0; k < n; k++) coeffs[k] = buf[k] * scale;
    coeffs[0] *= 0.5;
    coeffs[n - 1] *= 0.5;
    /* Exactly even (odd) data has an exactly even (odd) interpolant: zero the other parity
     * instead of keeping the DCT's rounding noise there (Chebfun does the same). */
    int even = 1, odd = 1;
    for (size_t j = 0; j < n / 2 && (even || odd); j++) {
        if (vals[j] != vals[n - 1 - j]) even = 0;
        if (vals[j] != -vals[n - 1 - j]) odd = 0;
    }
    if (n % 2 == 1 && vals[n / 2] != 0.0) odd = 0;
    if (even || odd)
        for (size_t k = even ? 1 : 0; k < n; k += 2) coeffs[k] = 0.0;
    pthread_mutex_lock(&plan_lock);
    fftw_destroy_plan(p);
    pthread_mutex_unlock(&plan_lock);
    fftw_free(buf);
    return UA_OK;
}
