/*
 * src/cheb/internal.h — the layout of a ua_cheb and the helpers shared by the files of src/cheb/
 * (not installed). See docs/cheb.md for the mathematics.
 */
#ifndef UA_CHEB_INTERNAL_H
#define UA_CHEB_INTERNAL_H

#include <stddef.h>
#include "uniapprox/cheb.h"

struct ua_cheb {
    size_t npieces;
    ua_map map;
    int resolved;
    double *breaks; /* (npieces + 1,) in x */
    /* Per piece, the endpoints in the variable the series lives in (x, or ln x for the log map),
     * and 1 / (hi - lo); kept so that eval and the exported C compute s with the same operations
     * (bitwise equal results). */
    double *lo, *hi, *inv_width;
    size_t *offset; /* (npieces + 1,): piece i owns coeffs[offset[i] .. offset[i+1]) */
    double *coeffs;
    /* Uniform pieces (ua_cheb_options.uniform_length): the pieces are equal in t and the piece
     * of t is located by arithmetic (ua_cheb_uniform_locate) with u_t0 = t_a and
     * u_scale = P / (t_b - t_a); the exporter repeats the same operations. 0 otherwise. */
    int uniform;
    double u_t0, u_scale;
    /* A power of two multiplying every piece's value (1 unless the target's values reach
     * 2^960: the series is then that of f / scale, so that no coefficient overflows; exp on
     * [700, 709.78]). Saved as the metadata "value_scale". */
    double scale;
    /* (npieces, 2) or NULL: piece i is (x - roots[2i]) - roots[2i+1] times its series when
     * roots[2i] is not NaN — a simple zero of f at an end of the piece, as a double and the rest
     * of it (pointwise relative accuracy near the zero, --rel-tol; docs/cheb.md). */
    double *roots;
};

/* The value of piece i at x from the value p of its series: times the root factor when the
 * piece has one, times the scale, and an overflow held at +-DBL_MAX (a value that rounds past the
 * largest double is still the largest double, not Inf). Shared with the exporter, which repeats
 * the same operations. */
static inline double ua_cheb_apply(const ua_cheb *c, size_t i, double x, double p)
{
    if (c->roots && c->roots[2 * i] == c->roots[2 * i]) /* not NaN */
        p *= (x - c->roots[2 * i]) - c->roots[2 * i + 1];
    if (c->scale != 1.0) {
        p *= c->scale;
        if (p > 0x1.fffffffffffffp1023) p = 0x1.fffffffffffffp1023;
        if (p < -0x1.fffffffffffffp1023) p = -0x1.fffffffffffffp1023;
    }
    return p;
}

/* Sets the scale (a power of two, > 0) and the roots ((npieces, 2) copied; NULL: none) of c.
 * UA_EINVAL for a scale that is not a positive finite power of two or a root outside its piece,
 * UA_ENOMEM. */
ua_status ua_cheb_set_factors(ua_cheb *c, double scale, const double *roots);

/*
 * Pointwise relative accuracy (--rel-tol; docs/cheb.md, "Relative accuracy"): the zeros of f on
 * [a, b] are found (sign changes and exact zeros on 4097 equal steps, bisected to adjacent
 * doubles; a zero exactly representable — erf and sin at 0 — is found exactly), the domain is cut
 * at them (and between two of them), and each piece with a simple zero r at an end is fitted as
 * g = f / ((x - r) - rlo) (rlo: the rest of the root beyond the double r, -f(r) / f'(r) with f(r)
 * from ref when given), the ends' values extrapolated rather than sampled, to the absolute
 * tolerance rel_tol * min |g|; the piece stores (r, rlo) and evaluates ((x - r) - rlo) p(x).
 * UA_OK, UA_ENOTRESOLVED (a piece needs more than max_length coefficients, or f / (x - r) has a
 * zero: a double zero), UA_EINVAL (rel_tol outside [2^-52, 1), the log map or uniform pieces),
 * UA_EDOMAIN, UA_ENOMEM. Double zeros (f touches 0 without a sign change) are not found.
 * hint (NULL: none): a series of f on [a, b] (a fit to the scale's tolerance) whose sign changes
 * stand in for f's on the scan (each confirmed by f), so that the scan evaluates f only at
 * brackets. A piece whose g spans more than rel_tol / eps, or that does not resolve, is halved
 * (the root going with its half), up to max_pieces.
 */
ua_status ua_cheb_fit_rel(ua_fn1 f, void *ctx, ua_fn1 ref, void *refctx, const ua_cheb *hint,
                          double a, double b, double rel_tol, const ua_cheb_options *o,
                          ua_cheb **out);

/* The target evaluated in MPFR at the precision of y (a formula's reference), for the location of
 * a singular point to the ulp (src/cheb/locate.c): values of f rounded to double cannot place a
 * kink on top of a value of 1 closer than a few ulps of x. */
#include <mpfr.h>
typedef struct {
    void (*eval)(double x, mpfr_t y, void *ctx);
    void *ctx;
} ua_cheb_hp;

/* ua_cheb_fit with the target's MPFR evaluation hp (NULL: none) for the location of singular
 * points in piecewise mode; otherwise the same (ua_cheb_fit calls it with NULL). */
ua_status ua_cheb_fit_hp(ua_fn1 f, void *ctx, const ua_cheb_hp *hp, double a, double b,
                         const ua_cheb_options *opt, ua_cheb **out);

/* Uniform pieces: u = (t - t0) * scale in [0, P], i = (int)u capped at P - 1, and
 * s = 2 (u - i) - 1 (u - i is exact, so is the doubling). No clamp: beyond the ends by rounding,
 * s leaves [-1, 1] by a few ulps only. Shared with the exporter. */
static inline size_t ua_cheb_uniform_locate(double t, double t0, double scale, size_t npieces,
                                            double *s)
{
    double u = (t - t0) * scale;
    int i = (int)u;
    if (i > (int)npieces - 1) i = (int)npieces - 1;
    if (i < 0) i = 0;
    *s = (u - (double)i) * 2.0 - 1.0;
    return (size_t)i;
}

/* Sets the uniform fields of c from its domain (breaks[0], breaks[P], map). When check is
 * nonzero the interior breakpoints must be the uniform ones (in t, within 1e-9 of a piece's
 * width), else UA_EFORMAT. */
ua_status ua_cheb_make_uniform(ua_cheb *c, int check);

/* The i-th of P equal breakpoints of [t0, t1] in t: t0 + i h with h = (t1 - t0) / P, and t1
 * exactly for i = P. */
static inline double ua_cheb_uniform_break(double t0, double t1, size_t P, size_t i)
{
    if (i >= P) return t1;
    return t0 + (double)i * ((t1 - t0) / (double)P);
}

/* The map of x (in piece i's variable t) to s in [-1, 1], clamped so that rounding never leaves
 * the interval: s = ((t - lo) - (hi - t)) * inv_width. Shared with the exporter. */
static inline double ua_cheb_to_s(double t, double lo, double hi, double inv_width)
{
    double s = ((t - lo) - (hi - t)) * inv_width;
    if (s < -1.0) s = -1.0;
    if (s > 1.0) s = 1.0;
    return s;
}

/* Index of the piece holding x (breaks[0] <= x <= breaks[P] assumed): the largest i with
 * breaks[i] <= x, capped at P - 1, so a breakpoint belongs to the piece on its right. */
size_t ua_cheb_find_piece(const double *breaks, size_t npieces, double x);

/* y[i] = ua_cheb_eval(c, x[i]) for n points, bitwise, evaluating several points of a piece at
 * once and over OpenMP threads when the work is large (src/cheb/eval.c). */
void ua_cheb_eval_many(const ua_cheb *c, const double *x, size_t n, double *y);

/* Value of piece i at t (in the piece's variable: x, or ln x for the log map). */
double ua_cheb_eval_piece_t(const ua_cheb *c, size_t i, double t);

/* Allocates an approximant with room for npieces pieces and total coefficients (uninitialised
 * breaks / coeffs; offset[0] = 0). NULL on failure (no error recorded). */
ua_cheb *ua_cheb_alloc(size_t npieces, size_t total);

/* Fills lo / hi / inv_width from breaks and map. */
void ua_cheb_finish(ua_cheb *c);

#include "chebtech/chebtech.h" /* points on [lo, hi], the FFTW planner lock */

/* ---- least squares from samples (src/cheb/lsq.c; docs/cheb.md, "Least squares from samples") */

/* The highest degree of a least-squares series from samples (the Vandermonde matrix is n by
 * degree + 1 doubles). */
#define UA_CHEB_LSQ_MAX_DEGREE 10000

/*
 * The least-squares Chebyshev series of degree `degree` of samples (x[k], y[k]), k < n, in any
 * order, as numpy.polynomial.Chebyshev.fit: one piece on [min x, max x], x mapped to [-1, 1],
 * the Chebyshev-Vandermonde matrix with columns scaled to unit norm, LAPACK dgelsd with rcond
 * n eps (minimum-norm where rank-deficient). Errors: UA_EINVAL (n < degree + 1, a non-finite x or
 * y naming its row, all x equal, degree above UA_CHEB_LSQ_MAX_DEGREE, LAPACK failure),
 * UA_ENOMEM. Cost O(n degree^2).
 */
ua_status ua_cheb_lsq(const double *x, const double *y, size_t n, size_t degree, ua_cheb **out);

/*
 * k-fold cross-validation of the degree: cv_rmse[d] (at least max_degree + 1 entries) the root
 * mean square held-out error of degree d for d < *ndeg (max_degree capped at the smallest
 * training set - 1), *best the degree with the least (the lowest on ties). Folds: the samples
 * sorted by x, sample i in fold i mod folds; each fold predicted by the fit on the others, all
 * mapped with [min x, max x] of all the samples. Errors: UA_EINVAL (folds < 2 or > n, as
 * ua_cheb_lsq), UA_ENOMEM. Cost O(folds n max_degree^3).
 */
ua_status ua_cheb_lsq_cv(const double *x, const double *y, size_t n, size_t max_degree,
                         size_t folds, double *cv_rmse, size_t *ndeg, size_t *best);

/* The family's fit of 1-D SAMPLES (options degree, folds, max-degree; the formula options are
 * refused): records the domain [min x, max x], "samples", "lsq_degree", "residual_rms" and, for
 * --degree cv, "cv_rmse" (the chosen degree's), "cv_rmse_by_degree" (comma-separated, degree 0
 * first) and "cv_folds". No tolerance: the verdict is the RMSE on the rows. */
#include "uniapprox/model.h"
#include "uniapprox/options.h"
ua_status ua_cheb_lsq_family_fit(const ua_problem *p, const ua_options *o, ua_model *meta,
                                 void **state);

/* The family's C export (src/cheb/export.c; the vtable's export_c, src/model/family.h). */
#include <stdio.h>
#include "uniapprox/model.h"
ua_status ua_cheb_export_c(const void *state, ua_export_type type, const char *name, FILE *out);

/* The model (ua_cheb) as exact polynomials on pieces for the proven bounds (ua_family.pieces,
 * src/model/family.h; pieces.c): *pieces malloc'd, the caller frees. */
#include "model/family.h"
ua_status ua_cheb_pieces(const void *state, ua_poly_piece **pieces, size_t *n);

#endif /* UA_CHEB_INTERNAL_H */
