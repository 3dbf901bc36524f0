/*
 * uniapprox/verify.h — honest error measurement against the MPFR reference.
 *
 * The approximation is evaluated in double at every point of a dense grid; the target is evaluated
 * in MPFR (ua_target_eval_mpfr, default 128 bits) at the same, exact double points, and the
 * difference is formed in MPFR before rounding, so the measured error is not polluted by the
 * rounding of the reference.
 */
#ifndef UNIAPPROX_VERIFY_H
#define UNIAPPROX_VERIFY_H

#include <stddef.h>
#include "uniapprox/status.h"
#include "uniapprox/target.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Grid spacing of the measurement. Append only. */
typedef enum {
    UA_GRID_UNIFORM = 0, /* n points equally spaced in x, endpoints included */
    UA_GRID_LOG = 1      /* n points equally spaced in ln x (needs 0 < a) */
} ua_grid;

/* Options of ua_verify_1d. Start from ua_verify_options_default. */
typedef struct {
    size_t npoints;      /* grid points (default 100000) */
    ua_grid grid;        /* default UA_GRID_UNIFORM */
    long prec;           /* MPFR precision of the reference in bits (default 128) */
    const double *extra; /* extra points to measure at as well (e.g. Chebyshev points, breakpoints) */
    size_t nextra;
    int threads;         /* OpenMP threads; 0 = the OpenMP default */
} ua_verify_options;

/*
 * Errors of an approximation against the reference, all in the target's units. Points where the
 * reference is NaN or +-Inf are counted in n_nonfinite_ref and skipped; points where the
 * approximation is not finite but the reference is make every max infinite.
 */
typedef struct {
    size_t npoints;          /* points measured (grid + extra, inside the domain) */
    size_t n_nonfinite_ref;  /* points skipped because the reference is not finite */
    double scale;            /* max |f(x)| over the points (the function's scale) */
    double max_abs;          /* max |p(x) - f(x)| */
    double x_max_abs;        /* where it occurs */
    double max_rel;          /* max |p(x) - f(x)| / |f(x)| over points with f(x) != 0 */
    double x_max_rel;
    double max_rel_scale;    /* max_abs / scale: the error relative to the function's scale */
    double rms_abs;          /* sqrt(mean (p - f)^2) */
    double max_ulp64;        /* max |p - f| / ulp64(f), ulp64(y) = 2^(max(e, -1022) - 52) for
                                |y| in [2^e, 2^(e+1)) */
    double x_max_ulp64;
    double max_ulp32;        /* max |(float)p - f| / ulp32(f), ulp32(y) = 2^(max(e, -126) - 23):
                                the error of the approximation rounded to float32 */
    double x_max_ulp32;
} ua_errors;

/* Fills *opt with the defaults listed in ua_verify_options. */
void ua_verify_options_default(ua_verify_options *opt);

/*
 * Measures approx (a function of one variable, ctx passed through) against ref on [a, b].
 * Errors: UA_EINVAL (a >= b, non-finite bounds, ref->dim != 1, npoints < 2, log grid with a <= 0,
 * prec < 53), UA_ENOMEM. Cost: npoints MPFR evaluations of ref; OpenMP parallel: approx is called
 * from several threads at once unless opt->threads == 1, so it must be thread-safe. The result
 * does not depend on the number of threads (points are reduced in fixed blocks, in order; ties of
 * a max go to the smallest x). A max over no point (every reference non-finite, or f == 0
 * everywhere for max_rel) is NaN, with its x NaN. References that overflow double count as
 * non-finite. opt NULL means the defaults.
 */
ua_status ua_verify_1d(ua_fn1 approx, void *ctx, const ua_target *ref, double a, double b,
                       const ua_verify_options *opt, ua_errors *out);

/* The spacing of float64 (ua_ulp64) or float32 (ua_ulp32) numbers at y, as defined above.
 * ulp of 0 is the smallest subnormal. NaN for NaN or Inf. */
double ua_ulp64(double y);
double ua_ulp32(double y);

#ifdef __cplusplus
}
#endif
#endif /* UNIAPPROX_VERIFY_H */
