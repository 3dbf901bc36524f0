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

#ifdef __cplusplus
extern "C" {
#endif

/* How accurate the generated scalar function is (and its vector variant, which has its bits). */
typedef enum {
    UA_LIBM_CR = 0,   /* the most accurate code, the default: correctly rounded (the exact
                       * value rounded to nearest float at every input: double evaluation,
                       * double-double tables, one rounding of an unevaluated sum) for the
                       * exponentials and logarithms; sinf, cosf, tanhf, erff within 0.5017 ULP
                       * (measured over all 2^32 inputs), not correctly rounded everywhere */
    UA_LIBM_1ULP = 1  /* within 1 ULP (SLEEF's "u10"), faster: exp2f, expf, exp10f (a
                       * 128-entry table of 2^(j/128), 2^r by a quadratic), expm1f (x p(x)
                       * below 1/8, else (2^k - 1) + 2^k r q(r), no table), log2f, logf,
                       * log10f (a 256-entry table, log(1 + r) by a cubic), log1pf (2 atanh(s),
                       * s = (z - 1)/(z + 1), z from 1 + x in double; no table), sinf, cosf
                       * (the same degrees as the default, one polynomial whose coefficients
                       * are read by quadrant, no branch on it) in double with one plain
                       * rounding to float, no rounding test; tanhf and erff write their
                       * default code, which is already within 1 ULP */
} ua_libm_accuracy;

/* The arithmetic the generated function (scalar and vector) evaluates in. */
typedef enum {
    UA_LIBM_WP_DOUBLE = 0, /* double, one rounding to float at the end; the default (the code
                            * of every function and accuracy) */
    UA_LIBM_WP_SINGLE = 1  /* float throughout (--working-precision single), no FMA unless
                            * ua_libm_options.fma (fused multiply-adds, --fma): only at
                            * UA_LIBM_1ULP and only where ua_libm_has_single is 1: exp2f, expf,
                            * exp10f (b^x = 2^(K/8) b^r, a float hi + lo table of 2^(j/8), a
                            * degree-3 core with float coefficients) and log2f, logf, log10f (a
                            * 16-entry table, r = z c - 1 formed exactly in float, a degree-4
                            * core), and, with ua_libm_options.fma only, sinf and cosf (below
                            * |x| = 400: a three-part Cody-Waite reduction by pi/2 kept as a
                            * float pair, sin and cos cores with float coefficients; above, the
                            * double code of UA_LIBM_1ULP); the vector kernels 8 floats
                            * per AVX2 vector (16 per
                            * AVX-512F) with the scalar function's bits. Within 1 ULP as measured
                            * over all 2^32 inputs (docs/libm.md); any other function or
                            * accuracy: UA_EINVAL from emit, with a message */
} ua_libm_precision;

/* What a generator is asked for. */
typedef struct {
    const char *name;  /* the C name of the scalar function written (default: the libm name);
                        * emit refuses (UA_EINVAL, with the reason) a name that is not a C
                        * identifier, is a keyword or a name its headers declare or reserve, or
                        * is an identifier the generated code uses for these options (a local
                        * variable, parameter, helper, table, type or macro) */
    int vector;        /* 1: also write NAME_v(const float *x, float *y, size_t n): y[i] =
                        * NAME(x[i]) with the same bits (compiled with -ffp-contract=off);
                        * with GCC or Clang on x86, AVX-512F and AVX2+FMA kernels in GCC vector
                        * extensions chosen at run time (__builtin_cpu_supports), else the loop */
    ua_libm_accuracy accuracy; /* UA_LIBM_CR (0, the default) or UA_LIBM_1ULP */
    ua_libm_precision working_precision; /* UA_LIBM_WP_DOUBLE (0, the default) or
                                          * UA_LIBM_WP_SINGLE (with UA_LIBM_1ULP only) */
    int fma;           /* 1: the generated code uses explicit fused multiply-adds (C99 fmaf /
                        * fma in the scalar function, _mm256_fmadd_ps / _mm512_fmadd_ps in the
                        * kernels) where they save work: exactly rounded everywhere, so the bits
                        * are the same on every machine and the kernels keep the scalar's bits;
                        * the scalar is fast only where the compiler inlines fma (-mfma,
                        * -march=x86-64-v3 or native), else it calls libm's. Double-lane kernels
                        * use _mm256_fmadd_pd / _mm512_fmadd_pd. Only where
                        * ua_libm_has_fma(f, opt) is 1; elsewhere UA_EINVAL from emit, with a
                        * message naming where it is accepted. 0: no FMA (the default) */
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

/* 1 when f has the float-arithmetic variant (UA_LIBM_WP_SINGLE, at UA_LIBM_1ULP): exp2f, expf,
 * exp10f, log2f, logf, log10f, and sinf, cosf (with ua_libm_options.fma only: emit refuses
 * them without it); else 0 (also for NULL). */
int ua_libm_has_single(const ua_libm_func *f);

/* 1 when f has the fused multiply-add variant (ua_libm_options.fma) at opt's accuracy and
 * working precision, else 0; with opt NULL, 1 when f has it at some accuracy and precision;
 * 0 for a NULL f. One table in the library answers it (a row per function, accuracy and working
 * precision): exp2f, expf, exp10f, log2f, logf, log10f, sinf, cosf at UA_LIBM_1ULP with
 * UA_LIBM_WP_SINGLE;
 * sinf, cosf and tanhf at UA_LIBM_CR and UA_LIBM_1ULP with UA_LIBM_WP_DOUBLE. */
int ua_libm_has_fma(const ua_libm_func *f, const ua_libm_options *opt);

/* Writes into buf (size n, NUL-terminated, truncated to fit) where fma is accepted, as
 * "exp2f expf ... (--accuracy 1ulp --working-precision single)" phrases separated by "; ", one
 * per accuracy and working precision that has rows; returns buf. For the messages of the
 * refusals (emit and the CLI). */
const char *ua_libm_fma_where(char *buf, size_t n);

#ifdef __cplusplus
}
#endif
#endif
