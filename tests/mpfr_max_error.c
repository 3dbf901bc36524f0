/*
 * tests/mpfr_max_error.c — the independent measurement the CLI tests apply to exported code:
 * the max absolute error of APPROX against MPFR (128 bits) on N + 1 equispaced points of [LO, HI],
 * divided by SCALE (default 1), printed as one number. Not linked with uniapprox: only MPFR.
 * Compiled by tests/lib_cli.sh's max_error_vs_mpfr with
 *   -DAPPROX=name -DREF(r)=<MPFR call setting r to f(r)> -DLO=a -DHI=b [-DUSE_FLOAT] [-DSCALE=s]
 */
#include <math.h>
#include <stdio.h>
#include <mpfr.h>

#ifdef USE_FLOAT
#define T float
#else
#define T double
#endif
#ifndef SCALE
#define SCALE 1.0
#endif
#ifndef N
#define N 20000
#endif

T APPROX(T x);

int main(void)
{
    mpfr_t r, y;
    int sign; /* for REF(r) = mpfr_lgamma(r, &sign, r, MPFR_RNDN) */
    (void)sign;
    mpfr_inits2(128, r, y, (mpfr_ptr)0);
    double worst = 0;
    for (int i = 0; i <= N; i++) {
        T x = (T)(LO + (HI - LO) * i / N);
        mpfr_set_d(r, (double)x, MPFR_RNDN);
        REF(r);
        mpfr_set_d(y, (double)APPROX(x), MPFR_RNDN);
        mpfr_sub(y, y, r, MPFR_RNDN);
        double e = fabs(mpfr_get_d(y, MPFR_RNDN));
        if (!(e <= worst)) worst = e;
    }
    printf("%.3e\n", worst / SCALE);
    mpfr_clears(r, y, (mpfr_ptr)0);
    return 0;
}
