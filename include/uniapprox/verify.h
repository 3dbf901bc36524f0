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
                                |y| in [2^e, 2^(e+1)), over points with f(x) != 0 (as max_rel:
                                at a zero of f the ULP is the smallest subnormal, and an error of
                                1e-17 there would read 2.8e306 ULP); NaN when f = 0 at every
                                point */
    double x_max_ulp64;
    double max_ulp32;        /* max |(float)p - f| / ulp32(f), ulp32(y) = 2^(max(e, -126) - 23):
                                the error of the approximation rounded to float32; over points
                                with f(x) != 0, as max_ulp64 */
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
 * fn fills y (n,) at x (n, d) row-major; it is called in batches (at most 16384 points) from the
 * calling thread only, never from OpenMP threads, so it may be a child process behind a pipe.
 * A non-UA_OK return fails the measurement with UA_EDOMAIN, its own message kept after ours.
 * A NaN or infinite y is no failure: the point is counted in n_nonfinite_ref and skipped.
 */
typedef struct {
    const ua_target *target;  /* MPFR reference (ua_target_dim == d), or NULL */
    ua_status (*fn)(void *ctx, const double *x, size_t n, double *y); /* batch in double, or NULL;
                                 may fail (a crashed user function): the measurement fails */
    void *fn_ctx;
} ua_reference;

/*
 * Options of ua_verify_box. Start from ua_verify_box_options_default(opt, d).
 * The point set (never the construction points alone), in this order (ties of a max go to the
 * first point in it):
 *   - d == 1: grid_points points as ua_verify_1d builds them (equispaced, endpoints exact; uniform
 *     in ln x with grid UA_GRID_LOG, which needs 0 < lo); 0 or >= 2;
 *   - d == 2: a tensor grid of side ceil(sqrt(grid_points)) (at least 2), endpoints exact,
 *     row-major (x1 the slow coordinate); none when grid_points == 0;
 *   - d <= 64: sobol_points Sobol points (ua_qmc_sobol: Joe & Kuo, Gray-code order) scrambled by
 *     a random digital shift from seed (seed 0: unscrambled, the first point is lo), mapped
 *     affinely onto the box;
 *   - the 2^d corners (2 <= d <= 16; for d == 1 the endpoints, only when there is no grid);
 *   - the 2d face centres (d >= 2; faces lo_1, hi_1, lo_2, ...);
 *   - the centre (lo + hi) / 2;
 *   - the rows of extra (nextra, d) inside the closed box (the model's natural points: knots,
 *     breakpoints, grid nodes); rows outside, or with a NaN, are dropped.
 * Counts with the defaults: d == 1: 100001; d == 2: 40000 + 20000 + 4 + 4 + 1 = 60009; d == 3:
 * 100015; d == 5: 100043; 3 <= d <= 16: 100000 + 2^d + 2d + 1; d > 16: 100000 + 2d + 1 (plus
 * the extra points inside).
 * The total is capped at max_points: a request above it fails with UA_EINVAL before any
 * evaluation, "the measurement needs N points (grid G, Sobol S, corners C, face centres F,
 * centre 1, extra E), more than the cap of M (max_points; --points)".
 */
typedef struct {
    size_t grid_points;      /* default 100000 for d == 1, 40000 for d == 2; 0 and ignored for
                                d >= 3 */
    size_t sobol_points;     /* default 0 for d == 1, 20000 for d == 2, 100000 for d >= 3; must
                                be 0 for d > 64 */
    size_t max_points;       /* default 10000000 */
    ua_grid grid;            /* UA_GRID_LOG only for d == 1 (else UA_EINVAL); default uniform */
    long prec;               /* MPFR bits of a target reference (default 128, >= 53) */
    const double *extra;     /* (nextra, d) */
    size_t nextra;
    uint64_t seed;           /* scrambling of the Sobol points (default 1; 0: none) */
    int threads;             /* OpenMP threads for an MPFR reference; 0 = the OpenMP default */
    /* the tolerance the verdict compares with: at every point |e| <= tol_abs + tol_scale * scale
     * + tol_rel * |f(x)| (scale = max |f| over the points); each finite and >= 0; all 0: no
     * tolerance */
    double tol_abs, tol_scale, tol_rel;
    /* progress, called from the calling thread after each batch of points: done of total
     * (total = npoints; the last call has done == total) */
    void (*progress)(void *ctx, size_t done, size_t total);
    void *progress_ctx;
    /* 1: in an MPI job (uniapprox/dist.h) split the points over the ranks, contiguous runs of
     * whole reduction blocks, and combine: collective (every rank calls with the same arguments),
     * every rank gets the result of one process, bit for bit (the same per-block sums, merged in
     * the same order; ties of a max to the first point). A failure on any rank fails every rank
     * (the others report which rank). Default 0: every rank measures everything itself. */
    int distribute;
    /* 1: every coordinate of every point is rounded to the nearest float inside [lo, hi] (one
     * float inwards where the nearest is outside; kept where no float lies in [lo, hi]), for an
     * approximation whose inputs are float (it rounds x to float itself): its error is then
     * measured at the inputs it computes on, f(float x), and the rounding of x is not counted.
     * Rounded points may coincide (each is counted). Default 0: the points as above. */
    int float_inputs;
} ua_verify_box_options;

/*
 * Errors over a box: as ua_errors, with every "where" a point of d coordinates (owned arrays,
 * released by ua_box_errors_free), and the verdict against the tolerance of the options.
 * A max over no point (every reference non-finite; f == 0 everywhere for max_rel) is NaN, with
 * its point all NaN. A non-finite approximation where the reference is finite makes every max
 * (and rms_abs, tol_ratio) +Inf.
 */
typedef struct {
    size_t d;
    size_t npoints;          /* points of the set, the skipped ones included (as ua_errors) */
    size_t n_nonfinite_ref;  /* points skipped: reference NaN or infinite (or beyond double) */
    double scale;            /* max |f| */
    double max_abs, max_rel, max_rel_scale, rms_abs, max_ulp64, max_ulp32;
    double *x_max_abs, *x_max_rel, *x_max_ulp64, *x_max_ulp32; /* (d,) each */
    double tol_ratio;        /* max over the points of |e| / max(tol_abs + tol_scale scale +
                                tol_rel |f|, 2^-1074) (0 where e == 0; the allowance is never
                                below one subnormal ULP, which no double result can beat):
                                <= 1 means the tolerance is met at every point; NaN without a
                                tolerance (all three 0) */
    double *x_tol_ratio;     /* (d,) where the ratio is largest */
} ua_box_errors;

/* Fills *opt with the defaults listed above for a box of d dimensions. */
void ua_verify_box_options_default(ua_verify_box_options *opt, size_t d);

/*
 * Measures approx (a function of d variables, batch form: y (n,) at x (n, d) row-major, may
 * fail) against ref on the box lo (d,), hi (d,) (finite, lo < hi) at the point set of opt (NULL:
 * the defaults for d). approx is called in batches of at most 16384 points from the calling
 * thread only (it need not be thread-safe); an MPFR reference is evaluated in OpenMP threads
 * (opt->threads). The result does not depend on the number of threads (fixed blocks reduced in
 * order). Memory: one batch of points (at most 16 MiB of coordinates), plus 16 bytes per point
 * when tol_scale and tol_rel are both nonzero; never a d-dimensional tensor. *out owns its
 * arrays: free them with ua_box_errors_free (on failure *out is zeroed, nothing to free).
 * A sampled maximum, never a bound: for d >= 3 the report says how many points were used.
 * Errors: UA_EINVAL (NULL arguments, d == 0, a bad box, not exactly one reference, a target with
 * another number of variables, prec < 53, a log grid for d != 1 or with lo <= 0, grid_points == 1
 * for d == 1, Sobol points for d > 64, extra NULL with nextra > 0, threads < 0, a negative or
 * non-finite tolerance, the point cap), UA_EDOMAIN (the reference function failed), the
 * approximation's status (its message stands), UA_ENOMEM.
 * Cost: npoints reference evaluations (MPFR at prec bits, or the function's own cost) and npoints
 * approximation evaluations.
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
