/* src/libm/internal.h — the generators of `uniapprox libm` (one file per function family). */
#ifndef UA_LIBM_INTERNAL_H
#define UA_LIBM_INTERNAL_H

#include "uniapprox/libm.h"

/* Defined in their files; each has one line in registry.c's sorted table. */
extern const ua_libm_func ua_libm_sinf, ua_libm_cosf; /* sincos.c */
extern const ua_libm_func ua_libm_tanhf;              /* tanh.c */
extern const ua_libm_func ua_libm_erff;               /* erf.c */

/* ---- the cores of the sin/cos, tanh and erf generators (trig_fit.c) ---- */
#define UA_LIBM_TRIG_MAXC 24
/* A polynomial sum c[i] t^monos[i], t = (x - shift) * scale (shift 0, scale 1: t = x), with
 * double coefficients; error: its max error measured by the minimax family (double evaluation;
 * absolute or relative as fitted). */
typedef struct {
    size_t n;
    double c[UA_LIBM_TRIG_MAXC];
    double shift, scale;
    double error;
} ua_libm_trig_poly;
/* Fits the minimax polynomial of expr (in x) on [a, b] over the exponents monos (increasing;
 * 0..n-1 on an interval away from 0 gets the unit variable), relative or absolute error, double
 * coefficients. UA_ENOTRESOLVED with a message when the measured error exceeds tol. */
ua_status ua_libm_trig_fit(const char *expr, double a, double b, const int *monos, size_t nmono,
                           int relative, double tol, ua_libm_trig_poly *out);
/* Writes c[0..n-1] as C99 hexadecimal double literals separated by ", " (exact). */
void ua_libm_trig_print_coeffs(FILE *out, const double *c, size_t n);
/* Writes the Horner expression c[0] + var * (c[1] + ... + var * c[n-1]) (n >= 1). */
void ua_libm_trig_horner(FILE *out, const char *var, const double *c, size_t n);
/* *name = opt->name or dflt, checked to be a C identifier (UA_EINVAL otherwise). */
ua_status ua_libm_trig_name(const ua_libm_options *opt, const char *dflt, const char **name);
/* With opt->vector, writes NAME_v(const float *x, float *y, size_t n), the scalar per element. */
void ua_libm_trig_vector(FILE *out, const char *name, const ua_libm_options *opt);
/* The least float x in [lo, hi] with RN(f(x)) >= 1 (f increasing, RN(f(hi)) >= 1), f an MPFR
 * function (mpfr_tanh, mpfr_erf) rounded correctly to 24 bits: where tanhf / erff saturate. */
#include <mpfr.h>
float ua_libm_trig_saturation(int (*f)(mpfr_ptr, mpfr_srcptr, mpfr_rnd_t), float lo, float hi);

#endif
