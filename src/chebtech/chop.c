/*
 * The plateau rule that decides where a Chebyshev series may be chopped: Aurentz & Trefethen,
 * "Chopping a Chebyshev series", ACM TOMS 43(4), 2017 (Chebfun's standardChop), written from the
 * paper's description. Indices below are 0-based; the paper's j (1-based) is j0 + 1.
 */
#include <math.h>
#include <stdlib.h>

#include "chebtech.h"

size_t ua_cheb_standard_chop(const double *coeffs, size_t n, double tol)
{
    if (!coeffs || n == 0 || !(tol > 0.0)) return 0;
    if (tol >= 1.0) return 1; /* everything is below a tolerance of 100%: keep the constant */
    if (n < 17) return 0;     /* too few coefficients to recognise a plateau */

    /* Step 1: the envelope, the reverse running maximum of |c_k|, normalised to start at 1;
     * it is nonincreasing, so "first index below a level" questions are easy. */
    double *env = malloc(n * sizeof *env);
    if (!env) return 0; /* cannot decide: report "not resolved", the caller refines or stops */
    env[n - 1] = fabs(coeffs[n - 1]);
    for (size_t k = n - 1; k-- > 0;) {
        double a = fabs(coeffs[k]);
        env[k] = a > env[k + 1] ? a : env[k + 1];
    }
    if (env[0] == 0.0) { /* the zero series */
        free(env);
        return 1;
    }
    if (!isfinite(env[0])) {
        free(env);
        return 0;
    }
    const double e0 = env[0];
    for (size_t k = 0; k < n; k++) env[k] /= e0;

    /* Step 2: the plateau point. With j (1-based) scanning from 2, j2 = round(1.25 j + 5) is a
     * point far enough to the right; the stretch j..j2 is a plateau when the envelope has
     * decreased by less than the factor r = 3 (1 - log e_j / log tol) over it (r is 3 for
     * e_j = 1 and falls to 0 as e_j reaches tol, so deeper plateaus need less flatness), or
     * when the envelope is exactly zero. */
    const double logtol = log(tol);
    size_t plateau = 0, j2 = 0; /* 1-based plateau point (j - 1) and its j2 */
    int found = 0;
    for (size_t j = 2; j <= n; j++) {
        j2 = (size_t)floor(1.25 * (double)j + 5.0 + 0.5); /* round half up, as MATLAB's round */
        if (j2 > n) break; /* no plateau within the data */
        double e1 = env[j - 1], e2 = env[j2 - 1];
        double r = 3.0 * (1.0 - log(e1) / logtol);
        if (e1 == 0.0 || e2 / e1 > r) {
            plateau = j - 1;
            found = 1;
            break;
        }
    }
    if (!found) {
        free(env);
        return 0;
    }

    size_t cutoff;
    if (env[plateau - 1] == 0.0) {
        cutoff = plateau;
    } else {
        /* Step 3: the cutoff is the index, among 1..j2, that minimises log10 of the envelope plus a
         * line rising by -log10(tol) / 3 over that range: the tilt prefers the left end when
         * the plateau is flat. Values below tol^(7/6) are treated as that level: j2 is pulled
         * back to one past the last envelope value at or above it. */
        const double floor_level = pow(tol, 7.0 / 6.0);
        size_t j3 = 0;
        while (j3 < n && env[j3] >= floor_level) j3++;
        if (j3 < j2) {
            j2 = j3 + 1;
            env[j2 - 1] = floor_level;
        }
        const double rise = -log10(tol) / 3.0;
        size_t best = 1;
        double best_val = INFINITY;
        for (size_t d = 1; d <= j2; d++) {
            double tilt = j2 > 1 ? rise * (double)(d - 1) / (double)(j2 - 1) : 0.0;
            double v = log10(env[d - 1]) + tilt;
            if (v < best_val) { /* strict: the first minimum, as MATLAB's min */
                best_val = v;
                best = d;
            }
        }
        cutoff = best > 1 ? best - 1 : 1;
    }
    free(env);
    return cutoff; /* < n whenever a plateau was found */
}
