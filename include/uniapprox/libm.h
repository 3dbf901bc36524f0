/*
 * uniapprox/libm.h — complete float32 functions generated as C (`uniapprox libm`).
 *
 * Each generator writes one standalone C file defining `float NAME(float x)` (special inputs,
 * range reduction, a core polynomial found on the reduced interval, reconstruction) and, when
 * asked, a vector variant. The generated code is then verified by the exhaustive checker
 * (uniapprox/exhaustive.h) against the MPFR reference named by `reference`.
 */
#ifndef UNIAPPROX_LIBM_H
#define UNIAPPROX_LIBM_H

#include <stdio.h>
#include "uniapprox/status.h"

/* How accurate the generated scalar function is (and its vector variant, which has its bits). */
typedef enum {
    UA_LIBM_CR = 0,   /* correctly rounded: the exact value rounded to nearest float at every
                       * input (double evaluation, double-double tables, one rounding of an
                       * unevaluated sum); the default */
    UA_LIBM_1ULP = 1  /* within 1 ULP (SLEEF's "u10"), faster: exp2f, expf, exp10f (2^r by a
                       * degree-6 polynomial, no table) and log2f, logf, log10f (2 atanh(s),
                       * s = (z - 1)/(z + 1), no table) in double with one plain rounding to
                       * float, no rounding test; every other function writes its default code,
                       * which is already within 1 ULP */
} ua_libm_accuracy;

/* What a generator is asked for. */
typedef struct {
    const char *name;  /* the C name of the scalar function written (default: the libm name) */
    int vector;        /* 1: also write NAME_v(const float *x, float *y, size_t n): y[i] =
                        * NAME(x[i]) with the same bits (compiled with -ffp-contract=off);
                        * with GCC or Clang on x86, AVX-512F and AVX2+FMA kernels in GCC vector
                        * extensions chosen at run time (__builtin_cpu_supports), else the loop */
    ua_libm_accuracy accuracy; /* UA_LIBM_CR (0, the default) or UA_LIBM_1ULP */
} ua_libm_options;

/* One generated function. */
typedef struct ua_libm_func ua_libm_func;
struct ua_libm_func {
    const char *libm_name;  /* "expf", ... (the C99 name it replaces) */
    const char *summary;    /* one line: the reduction and the core */
    const char *reference;  /* the target expression of the exact function ("exp(x)") for the
                               MPFR reference of the checker */
    /* Writes the C source of self (called as f->emit(f, out, opt)) to out. UA_EINVAL for a NULL
     * out or bad options; an error with a message when the core cannot be found. */
    ua_status (*emit)(const ua_libm_func *self, FILE *out, const ua_libm_options *opt);
    /* The generator's own parameters for this function (base, degrees, clamps; NULL when it
     * has none): one emit serves a family of functions (src/libm/exp.c, log.c, sincos.c). */
    const void *spec;
};

/* The generators, sorted by libm_name: count and i-th. */
size_t ua_libm_count(void);
const ua_libm_func *ua_libm_at(size_t i);

/* The generator for libm_name ("expf"), or NULL. */
const ua_libm_func *ua_libm_find(const char *libm_name);

#endif
