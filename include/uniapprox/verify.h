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
#include <stdint.h>
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

/* ------------------------------------------------------------------------------------------ */
/* Measurement over a box in d >= 1 dimensions                                                */

/*
 * The reference a box measurement compares with: either a target (MPFR at prec bits, the
 * difference formed in MPFR) or a function in double (the user's own code: the reference is the
 * function itself, rounded as it rounds). Exactly one of target and fn is set.
 */
typedef struct {
    const ua_target *target;  /* MPFR reference, or NULL */
    ua_status (*fn)(void *ctx, const double *x, size_t n, double *y); /* batch in double, or NULL;
                                 may fail (a crashed user function): the measurement fails */
    void *fn_ctx;
} ua_reference;

/*
 * Options of ua_verify_box. Start from ua_verify_box_options_default.
 * The point set (never the construction points alone):
 *   - d == 1: grid_points equispaced points (uniform in ln x with grid UA_GRID_LOG);
 *   - d == 2: a tensor grid of about grid_points points (ceil(sqrt) per side);
 *   - every d: sobol_points scrambled Sobol points (a random digital shift from seed), the 2^d
 *     corners (d <= 16), the 2d face centres and the centre;
 *   - the model's natural points (knots, breakpoints, grid nodes), extra (nextra, d) row-major.
 * The total is capped at max_points: a request above it fails with UA_EINVAL naming the cap.
 */
typedef struct {
    size_t grid_points;      /* default 100000 for d == 1, 40000 for d == 2; ignored for d >= 3 */
    size_t sobol_points;     /* default 0 for d == 1, 20000 for d == 2, 100000 for d >= 3 */
    size_t max_points;       /* default 10000000 */
    ua_grid grid;            /* d == 1: UA_GRID_UNIFORM or UA_GRID_LOG */
    long prec;               /* MPFR bits (default 128) */
    const double *extra;     /* (nextra, d) */
    size_t nextra;
    uint64_t seed;           /* scrambling of the Sobol points (default 1) */
    int threads;             /* OpenMP threads; 0 = the OpenMP default */
    /* the tolerance the verdict compares with: at every point |e| <= tol_abs + tol_scale * scale
     * + tol_rel * |f(x)| (scale = max |f| over the points); all 0: no tolerance */
    double tol_abs, tol_scale, tol_rel;
    /* progress, called from the calling thread between blocks of points: done of total */
    void (*progress)(void *ctx, size_t done, size_t total);
    void *progress_ctx;
} ua_verify_box_options;

/*
 * Errors over a box: as ua_errors, with every "where" a point of d coordinates (owned arrays,
 * released by ua_box_errors_free), and the verdict against the tolerance of the options.
 */
typedef struct {
    size_t d;
    size_t npoints;          /* points measured */
    size_t n_nonfinite_ref;  /* points skipped: reference NaN or infinite */
    double scale;            /* max |f| */
    double max_abs, max_rel, max_rel_scale, rms_abs, max_ulp64, max_ulp32;
    double *x_max_abs, *x_max_rel, *x_max_ulp64, *x_max_ulp32; /* (d,) each */
    double tol_ratio;        /* max |e| / (tol_abs + tol_scale scale + tol_rel |f|): <= 1 means
                                the tolerance is met at every point; NaN without a tolerance */
    double *x_tol_ratio;     /* (d,) where the ratio is largest */
} ua_box_errors;

/* Fills *opt with the defaults listed above for a box of d dimensions. */
void ua_verify_box_options_default(ua_verify_box_options *opt, size_t d);

/*
 * Measures approx (a function of d variables, batch form: y (n,) at x (n, d), may fail) against
 * ref on the box lo (d,), hi (d,) at the point set of opt. The result does not depend on the
 * number of threads. *out owns its arrays: free them with ua_box_errors_free.
 * A sampled maximum, never a bound: for d >= 3 the report says how many points were used.
 * Errors: UA_EINVAL (bad box, no reference, the point cap), UA_EDOMAIN (the reference function
 * failed), the approximation's status, UA_ENOMEM.
 * Cost: npoints reference evaluations (MPFR at prec bits, or the function's own cost).
 */
ua_status ua_verify_box(ua_status (*approx)(void *ctx, const double *x, size_t n, double *y),
                        void *ctx, const ua_reference *ref, size_t d, const double *lo,
                        const double *hi, const ua_verify_box_options *opt, ua_box_errors *out);

/* Releases the arrays of *e (not e itself) and zeroes it. NULL is a no-op. */
void ua_box_errors_free(ua_box_errors *e);

/* The spacing of float64 (ua_ulp64) or float32 (ua_ulp32) numbers at y, as defined above.
 * ulp of 0 is the smallest subnormal. NaN for NaN or Inf. */
double ua_ulp64(double y);
double ua_ulp32(double y);

#ifdef __cplusplus
}
#endif
#endif /* UNIAPPROX_VERIFY_H */
