/*
 * Calculus on a Chebyshev series on [-1, 1]: the series of its derivative and its definite
 * integral (Mason & Handscomb, "Chebyshev Polynomials", 2003, sections 2.4.4-2.4.5).
 */
#include <stddef.h>

#include "chebtech.h"

void ua_cheb_deriv_coeffs(const double *c, size_t n, double *d)
{
    if (!c || !d || n == 0) return;
    d[n - 1] = 0.0;
    if (n == 1) return;
    /* T_k' = k U_{k-1} expands in the T_j, j < k, of opposite parity: the backward recurrence
     * d_{k-1} = d_{k+1} + 2 k c_k (d_n = d_{n+1} = 0), with d_0 halved. */
    double dk1 = 0.0, dk2 = 0.0; /* d_k, d_{k+1} */
    for (size_t k = n - 1; k >= 1; k--) {
        double v = dk2 + 2.0 * (double)k * c[k];
        d[k - 1] = v;
        dk2 = dk1;
        dk1 = v;
    }
    d[0] *= 0.5;
}

double ua_cheb_integral_coeffs(const double *c, size_t n)
{
    if (!c || n == 0) return 0.0;
    double sum = 0.0; /* small terms first */
    for (size_t k = (n - 1) - ((n - 1) % 2);; k -= 2) {
        sum += 2.0 * c[k] / (1.0 - (double)k * (double)k);
        if (k < 2) break;
    }
    return sum;
}
