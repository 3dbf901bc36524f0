/*
 * src/spline/internal.h — the layout of a ua_spline and the helpers shared by the files of
 * src/spline/ (not installed). See docs/spline.md for the mathematics.
 */
#ifndef UA_SPLINE_INTERNAL_H
#define UA_SPLINE_INTERNAL_H

#include <float.h>
#include <math.h>
#include <stddef.h>
#include "uniapprox/spline.h"

struct ua_spline {
    size_t n;            /* knots */
    size_t npieces;      /* 1 + jumps */
    ua_spline_map map;
    ua_spline_bc bc;
    double slope_a, slope_b; /* clamped end slopes df/dx (0 otherwise) */
    int resolved;
    double err_est;      /* AutoKnots' last-sweep error estimate */
    size_t nevals;       /* AutoKnots' evaluations of f */
    double scale;        /* power of two multiplying the polynomial part (1 unless |y| > 2^960) */
    int half;            /* knots beyond 2^1021 in |t| (+-1e308): widths in t would overflow, so
                            the local coordinate is u = (t s - t_i s) * ih with s =
                            UA_SPLINE_TSHRINK and ih the reciprocal of the shrunk width
                            (ua_spline_half_t); 0 otherwise */
    double *x;           /* (n,) knots in x, strictly increasing */
    double *t;           /* (n,) map(x_i) */
    double *y;           /* (n,) values */
    double *ih;          /* (n,) 1 / (t_{i+1} - t_i); 0 at the last knot of a piece */
    double *cf;          /* (n, 3) B_i, C_i, D_i in units of scale; 0 at a piece's last knot */
    size_t *first;       /* (npieces + 1,) piece p owns knots [first[p], first[p+1]) */
    double *breaks;      /* (npieces + 1,) x[first[p]] for p < npieces, then x[n-1] */
};

/* t = map(x): the spline variable. Shared by eval, AutoKnots and the exported C. */
static inline double ua_spline_map_x(ua_spline_map map, double x)
{
    switch (map) {
    case UA_SPLINE_MAP_LOG: return log(x);
    case UA_SPLINE_MAP_ASINH: return asinh(x);
    default: return x;
    }
}

/* The factor t is shrunk by where knots reach +-DBL_MAX (struct ua_spline, half): a power of
 * two, exact on doubles that large, and small enough that the spline system's rows (2 (h0 + h1),
 * 3 h delta) stay finite. */
#define UA_SPLINE_TSHRINK 0.0625

/* Whether knots t (n,) need the shrunk local coordinate: some |t| beyond 2^1021, where a width
 * t_{i+1} - t_i can overflow. */
static inline int ua_spline_half_t(const double *t, size_t n)
{
    for (size_t k = 0; k < n; k++)
        if (fabs(t[k]) > 0x1p1021) return 1;
    return 0;
}

/* x = map^-1(t). */
static inline double ua_spline_unmap_t(ua_spline_map map, double t)
{
    switch (map) {
    case UA_SPLINE_MAP_LOG: return exp(t);
    case UA_SPLINE_MAP_ASINH: return sinh(t);
    default: return t;
    }
}

/* The local cubic of knot i at t: y_i + scale * u (B + u (C + u D)) with u clamped to [0, 1];
 * past the middle of the interval (u > 1/2) the same cubic expanded at the right knot,
 * y_{i+1} - scale * w ((B + 2C + 3D) - w ((C + 3D) - w D)) with w = (t_{i+1} - t) / h computed
 * from t_{i+1} itself (not 1 - u), so that next to a small y_{i+1} (a zero of f, --rel-tol) the
 * value keeps its relative accuracy and its sign instead of being the cancellation of y_i
 * against the cubic (erf at -2e-150 from a knot at 0). Where that overflows although the data
 * are finite, (y / scale + p) scale clamped to +-DBL_MAX. The exported C repeats exactly these
 * operations. */
static inline double ua_spline_local(const ua_spline *s, size_t i, double t)
{
    double u = s->half ? (t * UA_SPLINE_TSHRINK - s->t[i] * UA_SPLINE_TSHRINK) * s->ih[i]
                       : (t - s->t[i]) * s->ih[i];
    if (u < 0.0) u = 0.0;
    if (u > 1.0) u = 1.0;
    const double *c = s->cf + 3 * i;
    double p, base = s->y[i];
    if (u > 0.5) { /* then ih[i] != 0: knot i + 1 is in the same piece */
        double w = s->half ? (s->t[i + 1] * UA_SPLINE_TSHRINK - t * UA_SPLINE_TSHRINK) * s->ih[i]
                           : (s->t[i + 1] - t) * s->ih[i];
        if (w < 0.0) w = 0.0;
        if (w > 1.0) w = 1.0;
        base = s->y[i + 1];
        p = -(w * ((c[0] + 2.0 * c[1] + 3.0 * c[2]) - w * ((c[1] + 3.0 * c[2]) - w * c[2])));
    } else {
        p = u * (c[0] + u * (c[1] + u * c[2]));
    }
    double v = base + s->scale * p;
    if (!(fabs(v) <= DBL_MAX)) {
        v = (base / s->scale + p) * s->scale;
        if (v > DBL_MAX) v = DBL_MAX;
        if (v < -DBL_MAX) v = -DBL_MAX;
    }
    return v;
}

/*
 * The most knots a fit may take (--max-knots, ua_spline_options.max_knots): memory, measured as
 * the peak resident size of `uniapprox fit 'sin(x)' --family spline --rtol 1e-16` with
 * --max-knots 1e6 and 2e6 (both run out): 181 MB and 332 MB, about 150 bytes per knot (the
 * knots being placed, 27 bytes each, twice during a sweep with room for 3 more per interval; the
 * spline, 56; its build's work, 48; then the measurement's 2 points per knot). 4e6 knots is
 * ~0.6 GB at worst and ~1 min of fitting, far above what any --rtol >= 2^-52 took in the
 * measurements (docs/spline.md).
 */
enum { UA_SPLINE_MAX_KNOTS = 4000000 };

/* The least rtol: the spline at a point is rounded to double, an error of one ulp, which is up
 * to 2^-52 |f|; a relative tolerance below that cannot be met (docs/spline.md). */
#define UA_SPLINE_MIN_RTOL 0x1p-52

/* Index of the knot interval holding x (x_0 <= x <= x_{n-1} assumed): the largest i with
 * x_i <= x. */
size_t ua_spline_find(const ua_spline *s, double x);

/* End condition of one end of one piece (cubic.c). */
typedef struct {
    ua_spline_bc kind; /* UA_SPLINE_NOT_A_KNOT, _NATURAL or _CLAMPED */
    double slope;      /* CLAMPED: ds/dt at that end, in units of the scale */
} ua_spline_end;

/*
 * Cubic spline coefficients of one piece: n knots t (n,) strictly increasing, values y (n,)
 * already divided by the scale; writes cf (n, 3) (B, C, D of each interval, zeros for the last
 * knot) and ih (n,) (1 / width, 0 for the last knot). work holds 6 n doubles. n = 1 is a
 * constant, n = 2 a line unless both ends are clamped, n = 3 with not-a-knot at both ends the
 * parabola. Errors: UA_EINVAL (a singular system: coincident knots).
 */
ua_status ua_spline_piece_coeffs(size_t n, const double *t, const double *y, ua_spline_end left,
                                 ua_spline_end right, double *cf, double *ih, double *work);

/*
 * Builds a spline from knots x (n,) strictly increasing and finite, values y (n,) finite, and
 * the pieces: npieces >= 1 and first (npieces + 1,) with first[0] = 0, first[npieces] = n and
 * first strictly increasing (copies everything). bc applies at x_0 and x_{n-1}; the inner ends
 * of pieces (at jumps) are not-a-knot, or natural when bc is natural. slope_a, slope_b are the
 * clamped slopes df/dx. Errors: UA_EINVAL (bad layout, non-finite or non-increasing values, log
 * map with x_0 <= 0), UA_ENOMEM.
 */
ua_status ua_spline_build(size_t n, const double *x, const double *y, size_t npieces,
                          const size_t *first, ua_spline_map map, ua_spline_bc bc,
                          double slope_a, double slope_b, ua_spline **out);

/* ua_spline_fit starting from its uniform knots plus extra (nextra, increasing, inside (a, b);
 * NULL: none), which stay knots (unless one maps to the t of a neighbour). */
ua_status ua_spline_fit_knots(ua_fn1 f, void *ctx, double a, double b,
                              const ua_spline_options *opt, const double *extra, size_t nextra,
                              ua_spline **out);

/*
 * ua_spline_fit for a pointwise relative tolerance (rtol with fscale 0, --rel-tol;
 * src/spline/zeros.c): the zeros of f inside (a, b) are found (sign changes and exact zeros on
 * 4097 equal steps, bisected to adjacent doubles) and become knots (ua_spline_local then
 * evaluates next to a zero from the knot at it, keeping sign and relative accuracy).
 * Errors: as ua_spline_fit; UA_ENOTRESOLVED also for more than 256 sign changes (*out NULL).
 */
ua_status ua_spline_fit_rel(ua_fn1 f, void *ctx, double a, double b, const ua_spline_options *opt,
                            ua_spline **out);

/*
 * Builds a spline from stored coefficients (the model loader): like ua_spline_build, but cf
 * (n, 3) and scale are taken as given instead of solved for. Errors: UA_EINVAL (as
 * ua_spline_build, non-finite coefficients, nonzero coefficients at a piece's last knot, scale not
 * a positive power of two), UA_ENOMEM.
 */
ua_status ua_spline_from_parts(size_t n, const double *x, const double *y, const double *cf,
                               double scale, size_t npieces, const size_t *first,
                               ua_spline_map map, ua_spline_bc bc, double slope_a,
                               double slope_b, ua_spline **out);

/* Allocates a spline with room for n knots and npieces pieces (arrays uninitialised). NULL on
 * failure (no error recorded). */
ua_spline *ua_spline_alloc(size_t n, size_t npieces);

/* The power-of-two scale for values y (n,): 1 unless max |y| > 2^960, then 2^ilogb(max |y|). */
double ua_spline_value_scale(const double *y, size_t n);

/* Name of a map or an end condition ("none", "log", "asinh"; "not-a-knot", "natural",
 * "clamped"). */
const char *ua_spline_map_name(ua_spline_map map);
const char *ua_spline_bc_name(ua_spline_bc bc);

/* Jump locator (jump.c). */
typedef struct {
    int found;     /* 1: a jump between xl and xr (adjacent doubles) */
    double xl, yl; /* last point on the left branch */
    double xr, yr; /* first point on the right branch */
    size_t nevals; /* evaluations of f made */
} ua_spline_jump;

/*
 * Bisects [xl, xr] (f(xl) = yl, f(xr) = yr already known, xl < xr) on the function values: the
 * midpoint (in the ordering of doubles, so at most 64 steps) joins the side whose value it is
 * closer to, until xl and xr are adjacent doubles. A jump is reported when the change across
 * them is at least a quarter of the change across the starting bracket and larger than both
 * rtol (max(|yl|, |yr|) + fscale) and 256 eps max(|yl|, |yr|). Errors: UA_EDOMAIN (f not finite
 * at a bisection point, naming x).
 */
ua_status ua_spline_locate_jump(ua_fn1 f, void *ctx, double xl, double yl, double xr, double yr,
                                double rtol, double fscale, ua_spline_jump *out);

/* Singularities (singular.c): the places where AutoKnots located a jump (the bracketing double
 * with the larger |f|) or accepted an interval at the precision limit (cluster: the knot with the
 * largest |f| there), kept by |f| (the largest UA_SPLINE_SING_CANDS). */
enum { UA_SPLINE_SING_CANDS = 64 };
typedef struct {
    size_t n;
    double x[UA_SPLINE_SING_CANDS], mag[UA_SPLINE_SING_CANDS];
    unsigned char cluster[UA_SPLINE_SING_CANDS];
} ua_spline_sing_cands;

/* Adds the place x where f = y (when full, it replaces the smallest |f| if |y| is larger).
 * cluster: x is a knot near which the largest |f| is still to be located. */
void ua_spline_sing_add(ua_spline_sing_cands *c, double x, double y, int cluster);

typedef struct {
    int found;           /* 1: |f| grows without bound at x */
    double x;            /* the place */
    double xpeak, fpeak; /* the largest |f| the probe saw, and where */
    double err;          /* found: the largest |f - s| / (|f| + fscale) at the probe's samples */
    size_t nevals;       /* evaluations of f made */
} ua_spline_singularity;

/*
 * Whether f is unbounded at one of the candidate places: probes them in x over [a, b], largest
 * |f| first, at most 16 places more than 2^-24 (b - a) apart (a cluster candidate is first moved
 * to the largest |f| between the knots on either side of it, ua_probe_locate_peak), with the
 * probe's ua_probe_singularity (src/probe; |f| at e +- (b - a) 2^-k keeps growing over the last 20 halvings of
 * the distance, down to 64 ulps of e), and stops at the first that is. sp is the fitted spline
 * (for out->err), fscale the tolerance's. Errors: UA_EDOMAIN (f not finite at a probed point,
 * naming x), UA_ENOMEM.
 */
ua_status ua_spline_probe_singularity(ua_fn1 f, void *ctx, double a, double b,
                                      const ua_spline *sp, double fscale,
                                      const ua_spline_sing_cands *c, ua_spline_singularity *out);

/* ---- fits from samples other than the interpolating spline (docs/spline.md, "From samples:
 * pchip, akima, smoothing") ---------------------------------------------------------------- */

/*
 * The samples (x[k], y[k]), k < n, sorted by x into *xs, *ys (one allocation: *ys = *xs + n;
 * free(*xs)). Errors: UA_EINVAL (n < min_n, naming `what`; NULL arrays; a non-finite x or y,
 * naming its row; two rows with the same x, naming both, 1-based), UA_ENOMEM. (src/spline/pchip.c)
 */
ua_status ua_spline_sort_samples(const double *x, const double *y, size_t n, size_t min_n,
                                 const char *what, double **xs, double **ys);

/*
 * The piecewise cubic Hermite interpolant with values y (n,) and slopes d (n,) at knots x (n,),
 * strictly increasing, n >= 2, one piece, no map: on [x_i, x_{i+1}], with h = x_{i+1} - x_i and
 * m = (y_{i+1} - y_i) / h, B = h d_i, C = h (3 m - 2 d_i - d_{i+1}), D = h (d_i + d_{i+1} - 2 m)
 * (scipy's CubicHermiteSpline coefficients, in the local u of internal.h). The spline records
 * the end condition bc (only a label: Hermite interpolants have none of their own).
 * Errors: UA_EINVAL (non-finite slopes or coefficients, naming the knot), UA_ENOMEM.
 */
ua_status ua_spline_hermite(size_t n, const double *x, const double *y, const double *d,
                            ua_spline **out);

/* PCHIP slopes d (n,) for sorted distinct x (n,), n >= 2: Fritsch & Carlson 1980 with the
 * weighted harmonic mean of Fritsch & Butland 1984 inside and the shape-preserving three-point
 * end formula (Moler, Numerical Computing with MATLAB, 3.6) — scipy.interpolate
 * PchipInterpolator's rule exactly (src/spline/pchip.c). */
void ua_spline_pchip_slopes(size_t n, const double *x, const double *y, double *d);

/* Akima (1970) slopes d (n,) for sorted distinct x (n,), n >= 3, as scipy.interpolate
 * Akima1DInterpolator: two slopes extrapolated linearly at each end, the weights |m_{i+1} - m_i|,
 * the mean of the outer slopes where both weights are below 1e-9 of the largest weight sum.
 * modified: MATLAB's makima weights |m_{i+1} - m_i| + |m_{i+1} + m_i| / 2 (C. Ionita 2019), with
 * the same threshold and fill value, as scipy >= 1.13's method="makima" (src/spline/akima.c).
 * work holds n + 3 doubles. */
void ua_spline_akima_slopes(size_t n, const double *x, const double *y, int modified,
                            double *d, double *work);

/* The slope rules of ua_spline_hermite_samples. */
typedef enum { UA_SPLINE_PCHIP, UA_SPLINE_AKIMA, UA_SPLINE_MAKIMA } ua_spline_hermite_rule;

/* The Hermite interpolant through samples (x[k], y[k]), k < n, in any order, with the slopes of
 * rule (pchip: n >= 2; akima, makima: n >= 3; two samples give the line). Errors: as
 * ua_spline_sort_samples and ua_spline_hermite. (src/spline/pchip.c) */
ua_status ua_spline_hermite_samples(const double *x, const double *y, size_t n,
                                    ua_spline_hermite_rule rule, ua_spline **out);

/* The smoothing spline's report (src/spline/smoothing.c). */
typedef struct {
    double lam;     /* the lambda used (given, or chosen by GCV) */
    double gcv;     /* GCV(lambda) = (RSS / n) / (1 - tr(A) / n)^2 */
    double rss;     /* sum of (y_k - g(x_k))^2 */
    double edf;     /* tr(A): the effective degrees of freedom */
    int chosen;     /* 1: lambda chosen by GCV */
} ua_spline_smoothing_info;

/*
 * The cubic smoothing spline of the samples: the g minimising
 *     sum_k (y_k - g(x_k))^2 + lam * integral (g'')^2 dx   over [min x, max x]
 * (Reinsch 1967; Green & Silverman 1994, ch. 2: a natural cubic spline with knots at the x_k;
 * the penalty and lam are scipy.interpolate.make_smoothing_spline's with unit weights). lam < 0:
 * lam minimising the generalized cross-validation score GCV(lam) (Craven & Wahba 1979), searched
 * over ln lam (a grid then golden-section refinement); the hat matrix's trace comes from the
 * band inverse of Hutchinson & de Hoog (1985). Needs n >= 3 distinct x (the input order does not
 * matter). Errors: UA_EINVAL (as ua_spline_sort_samples; lam not finite), UA_ENOMEM. Cost
 * O(n) per lambda, about 200 lambdas for GCV.
 */
ua_status ua_spline_smoothing(const double *x, const double *y, size_t n, double lam,
                              ua_spline_smoothing_info *info, ua_spline **out);

/* The family's C export (src/spline/export.c; the vtable's export_c, src/model/family.h). */
#include <stdio.h>
#include "uniapprox/model.h"
ua_status ua_spline_export_c(const void *state, ua_export_type type, const char *name, FILE *out);

/* The family's option table and its vtable fit (src/spline/options.c; src/model/family.h). */
#include "uniapprox/options.h"
enum { UA_SPLINE_NOPTIONS = 9 };
extern const ua_option_spec ua_spline_option_spec[UA_SPLINE_NOPTIONS];
ua_status ua_spline_family_fit(const ua_problem *p, const ua_options *o,
                               const ua_fit_hooks *hooks, ua_model *meta, void **state);

/* The fit of --method pchip, akima, makima or smoothing (or --lam) on 1-D SAMPLES: refuses
 * formulas, functions and the AutoKnots / interpolating-spline options; records the domain
 * [min x, max x], "samples", and for smoothing "smoothing_lam", "smoothing_lam_from" (gcv |
 * given), "gcv_score", "effective_dof", "residual_rms" (src/spline/methods.c). */
ua_status ua_spline_fit_method(const ua_problem *p, const ua_options *o, ua_model *meta,
                               void **state);

/* The model (ua_spline) as exact polynomials on pieces for the proven bounds (ua_family.pieces,
 * src/model/family.h; pieces.c): *pieces malloc'd, the caller frees. */
#include "model/family.h"
ua_status ua_spline_pieces(const void *state, ua_poly_piece **pieces, size_t *n);

#endif /* UA_SPLINE_INTERNAL_H */
