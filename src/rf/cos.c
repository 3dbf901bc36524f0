/*
 * Vectorised cosine for random Fourier features: phi_j = s cos(t_j - b_j) over a row of features.
 *
 * libm's scalar cos costs about 20 ns a call, which made the feature map, not the ridge solve,
 * the most expensive part of an rf fit. This loop has no calls and no branches, so the compiler
 * vectorises it (function multiversioning picks AVX-512 or AVX2 at run time):
 *   q = round(t 2/pi),  r = t - q pi/2 (Cody-Waite, pi/2 split in three parts whose products with
 *   q are exact for |q| < 2^20),  cos t = (cos r, -sin r, -cos r, sin r)[q mod 4],
 * with the Taylor series of sin and cos on |r| <= pi/4 carried to r^17 and r^18, where the
 * truncation is below 5e-17. Arguments beyond UA_RF_COS_MAX (where the reduction would lose
 * bits) and infinite ones fall back to libm. Absolute error < 2.5e-16 (tests/test_rf.c, against
 * MPFR).
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "core/internal.h"
#include "internal.h"

/* pi/2 = P1 + P2 + P3: P1 and P2 have 33 significant bits, so q P1 and q P2 are exact for
 * |q| < 2^20 (Cody & Waite 1980) */
#define P1 1.5707963267341256141662597656250
#define P2 6.0771005065061922267799973633e-11
#define P3 2.0222662487959506770911e-21
#define UA_RF_COS_MAX 1.0e5


UA_MULTIVERSION
static double max_abs_arg(const double *restrict v, const double *restrict b, size_t n)
{
    double worst = 0;
#pragma omp simd reduction(max : worst)
    for (size_t j = 0; j < n; j++) {
        double a = fabs(v[j] - b[j]);
        worst = a > worst ? a : worst;
    }
    return worst;
}

UA_MULTIVERSION
static void cos_row(double *restrict v, const double *restrict b, double s, size_t n)
{
    const double shifter = 0x1.8p52; /* t + shifter rounds t to an integer, kept in the low bits */
#pragma omp simd
    for (size_t j = 0; j < n; j++) {
        double t = v[j] - b[j];
        double big = t * 0.63661977236758134308 + shifter;
        double qf = big - shifter;
        uint64_t q;
        memcpy(&q, &big, sizeof q); /* low bits: q mod 4, two's complement */
        double r = ((t - qf * P1) - qf * P2) - qf * P3;
        double r2 = r * r;
        double sn = r + r * r2 * (-1.0 / 6 + r2 * (1.0 / 120 + r2 * (-1.0 / 5040 + r2 * (1.0 / 362880 +
                    r2 * (-1.0 / 39916800 + r2 * (1.0 / 6227020800.0 + r2 * (-1.0 / 1307674368000.0 +
                    r2 * (1.0 / 355687428096000.0))))))));
        double cs = 1.0 + r2 * (-0.5 + r2 * (1.0 / 24 + r2 * (-1.0 / 720 + r2 * (1.0 / 40320 +
                    r2 * (-1.0 / 3628800 + r2 * (1.0 / 479001600 + r2 * (-1.0 / 87178291200.0 +
                    r2 * (1.0 / 20922789888000.0 + r2 * (-1.0 / 6402373705728000.0)))))))));
        double c = (q & 1) ? sn : cs;           /* odd quadrants take sin r */
        uint64_t cb;
        memcpy(&cb, &c, sizeof cb);
        cb ^= ((q + 1) & 2) << 62;               /* quadrants 1 and 2 are negative */
        memcpy(&c, &cb, sizeof c);
        v[j] = s * c;
    }
}

void ua_rf_cos_row(double *v, const double *b, double s, size_t n)
{
    if (max_abs_arg(v, b, n) < UA_RF_COS_MAX) cos_row(v, b, s, n);
    else /* rare, or a non-finite argument: the whole row with libm */
        for (size_t j = 0; j < n; j++) v[j] = s * cos(v[j] - b[j]);
}
