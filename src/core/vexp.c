/*
 * Vectorised exp over an array, for the kernel matrices of rbf and Matérn kernels (millions of
 * exps per fit, where libm's scalar exp was a fifth of the time).
 *
 *   x = k ln 2 + r,  k = round(x / ln 2),  |r| <= ln 2 / 2  (ln 2 in two parts, Cody & Waite 1980:
 *   the first has 32 significant bits, so k * LN2_HI is exact for |k| < 2^21),
 *   e^r by its Taylor series to r^13 (truncation below 2e-17 relative on |r| <= 0.347), Horner,
 *   2^k by building the exponent bits.
 *
 * No calls and no branches in the loop, so it vectorises (AVX-512 / AVX2 clones chosen at run
 * time). Arguments outside [-708, 709] (where 2^k leaves the normal range), and NaN, are
 * recomputed with libm, so the result is correct everywhere: relative error below 4e-16 against
 * MPFR (tests/test_kernel.c).
 *
 * The kernel family's C export emits these operations, in this order, as its exp
 * (src/kernel/export.c, emit_exp), so that exported rbf and Matérn models give predict's bits:
 * change both together (tests/test_kernel.c compares them).
 */
/* Lets GCC if-convert the float compares so that the loop vectorises (FP exception flags are
 * never read by this library). */
#pragma GCC optimize("no-trapping-math")
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "internal.h"

#define LN2_HI 0.693147180369123816490   /* 32 significant bits */
#define LN2_LO 1.90821492927058770002e-10 /* ln 2 - LN2_HI */
#define LO_LIMIT (-708.0)
#define HI_LIMIT 709.0

UA_MULTIVERSION
static int vexp_core(const double *restrict x, double *restrict y, size_t n)
{
    const double shifter = 0x1.8p52;
    int outside = 0;
#pragma omp simd reduction(| : outside)
    for (size_t j = 0; j < n; j++) {
        double xi = x[j];
        outside |= (xi < LO_LIMIT) | (xi > HI_LIMIT) | (xi != xi);
        double xc = xi < LO_LIMIT ? LO_LIMIT : xi;
        xc = xc > HI_LIMIT ? HI_LIMIT : xc;
        double big = xc * 1.44269504088896340736 + shifter, kf = big - shifter;
        double r = (xc - kf * LN2_HI) - kf * LN2_LO;
        double p = 1.0 / 6227020800.0;
        p = p * r + 1.0 / 479001600.0;
        p = p * r + 1.0 / 39916800.0;
        p = p * r + 1.0 / 3628800.0;
        p = p * r + 1.0 / 362880.0;
        p = p * r + 1.0 / 40320.0;
        p = p * r + 1.0 / 5040.0;
        p = p * r + 1.0 / 720.0;
        p = p * r + 1.0 / 120.0;
        p = p * r + 1.0 / 24.0;
        p = p * r + 1.0 / 6.0;
        p = p * r + 0.5;
        p = p * r * r + r + 1.0;
        uint64_t bits;
        memcpy(&bits, &big, sizeof bits); /* k in the low bits, two's complement */
        bits = (bits + 1023) << 52;        /* 2^k: k + 1023 in [1, 2046] after the clamp */
        double scale;
        memcpy(&scale, &bits, sizeof scale);
        y[j] = p * scale;
    }
    return outside;
}

void ua_vexp(const double *x, double *y, size_t n)
{
    if (!vexp_core(x, y, n)) return;
    for (size_t j = 0; j < n; j++) /* rare: the tails and NaN, by libm */
        if (!(x[j] >= LO_LIMIT && x[j] <= HI_LIMIT)) y[j] = exp(x[j]);
}
