/*
 * Clenshaw-Curtis quadrature weights at the Chebyshev points of the second kind, shared by the
 * families that integrate on those points (sparse grids' nested rules, chebnd).
 */
#include <math.h>

#include "chebtech.h"

/*
 * w_j = c_j / N (1 - sum_{k=1}^{N/2} b_k / (4k^2 - 1) cos(2 k j pi / N)), N = n - 1, with c_j = 1
 * at the ends and 2 inside, b_k = 1 for k = N/2 and 2 otherwise (Waldvogel 2006, eq. 2.4; Trefethen,
 * "Is Gauss quadrature better than Clenshaw-Curtis?", SIAM Review 50, 2008). The direct sum costs
 * O(n^2), fine for the sizes of nested rules (n <= 2^16 + 1); the weights are symmetrised so
 * w_j = w_{N-j} bitwise.
 */
void ua_cc_weights(size_t n, double *w)
{
    if (n == 0 || !w) return;
    if (n == 1) {
        w[0] = 2.0;
        return;
    }
    const size_t N = n - 1;
    const double pi = 3.14159265358979323846;
    for (size_t j = 0; j <= N / 2; j++) {
        double s = 0.0;
        for (size_t k = 1; 2 * k <= N; k++) {
            double b = 2 * k == N ? 1.0 : 2.0;
            /* cos(2 k j pi / N) with the angle reduced mod 2 pi exactly in integers */
            size_t r = (2 * k * j) % (2 * N);
            s += b / (4.0 * (double)k * (double)k - 1.0) * cos(pi * (double)r / (double)N);
        }
        double c = (j == 0) ? 1.0 : 2.0;
        w[j] = c / (double)N * (1.0 - s);
        w[N - j] = w[j];
    }
}
