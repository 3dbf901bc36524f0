/*
 * src/chebnd/internal.h — the layout of a chebnd model and what the files of src/chebnd/ share
 * (not installed). docs/chebnd.md gives the mathematics.
 *
 * A chebnd model approximates f on a box [lo_0, hi_0] x ... (d = 2 or 3) by a low-rank sum of
 * products of Chebyshev series, each factor column a series in the variable's own s_i in [-1, 1]
 * (s_i = ((x_i - lo_i) - (hi_i - x_i)) / (hi_i - lo_i)):
 *   d = 2: f ~ sum_k core[k] u0_k(s_0) u1_k(s_1)                  (rank r: rank[0] = rank[1] = r)
 *   d = 3: f ~ sum_{a,b,c} core[a,b,c] u0_a(s_0) u1_b(s_1) u2_c(s_2)   (Tucker ranks r0, r1, r2)
 * The d = 2 form comes from Gaussian elimination with complete pivoting on a Chebyshev grid
 * (Townsend & Trefethen 2013, Chebfun2), the d = 3 one from the same elimination on the three
 * unfoldings of a grid tensor and an interpolating Tucker core (Oseledets, Savostyanov &
 * Tyrtyshnikov 2008).
 */
#ifndef UA_CHEBND_INTERNAL_H
#define UA_CHEBND_INTERNAL_H

#include <stddef.h>
#include <stdio.h>

#include "uniapprox/model.h"
#include "uniapprox/options.h"
#include "uniapprox/problem.h"

#define UA_CHEBND_MAXD 3

typedef struct {
    size_t d;                       /* 2 or 3 */
    double lo[UA_CHEBND_MAXD], hi[UA_CHEBND_MAXD];
    double iw[UA_CHEBND_MAXD];      /* 1 / (hi - lo): the map to s, shared with the export */
    size_t rank[UA_CHEBND_MAXD];    /* factor columns per variable (d = 2: both r) */
    size_t len[UA_CHEBND_MAXD];     /* coefficients per factor column, per variable */
    double *fac[UA_CHEBND_MAXD];    /* (rank[i], len[i]) row-major: the series of variable i */
    double *core;                   /* d = 2: (r,); d = 3: (r0, r1, r2) row-major */
    /* Derived (not saved): the series of d/dx_i and d^2/dx_i^2 of each factor column, in x's
     * units (chain rule ds/dx = 2 / (hi - lo) folded in), (rank[i], len[i]) zero-padded. */
    double *dfac[UA_CHEBND_MAXD], *d2fac[UA_CHEBND_MAXD];
    /* Derived: fac, dfac, d2fac transposed, (len[i], rank[i]), so that Clenshaw's recurrence
     * runs over all of a variable's columns at once (contiguous, vectorised). */
    double *tser[3][UA_CHEBND_MAXD];
    int resolved;                   /* the constructor met its tolerance */
    double evaluations;             /* calls of f spent by the fit (an integer) */
    size_t grid;                    /* the side of the last phase-1 grid (0: unknown) */
} ua_chebnd;

/* ---- model.c: allocation, derived series, evaluation -------------------------------------- */

/* A model of d variables with the given ranks and lengths (fac, core uninitialised).
 * NULL when out of memory. */
ua_chebnd *ua_chebnd_alloc(size_t d, const double *lo, const double *hi, const size_t *rank,
                           const size_t *len);
void ua_chebnd_free(ua_chebnd *m);

/* The zero function: ranks 1, lengths 1, a zero core (resolved). NULL when out of memory. */
ua_chebnd *ua_chebnd_zero(size_t d, const double *lo, const double *hi);

/* The most factor columns per variable (the evaluation keeps Clenshaw's state on the stack). */
#define UA_CHEBND_MAX_RANK 1024

/* Fills dfac, d2fac and tser from fac (after fit or load). UA_ENOMEM. */
ua_status ua_chebnd_finish(ua_chebnd *m);

/* The map of x_i to s_i in [-1, 1], clamped; shared with the exporter. */
static inline double ua_chebnd_to_s(double x, double lo, double hi, double iw)
{
    double s = ((x - lo) - (hi - x)) * iw;
    if (s < -1.0) s = -1.0;
    if (s > 1.0) s = 1.0;
    return s;
}

/* The factor values of variable i at x_i, v (rank[i],): the columns themselves (order 0), or
 * their first or second derivatives in x (order 1, 2). Clenshaw's recurrence with the operations
 * of ua_cheb_clenshaw for each column (bitwise the same), all columns at once. */
void ua_chebnd_factor_values(const ua_chebnd *m, int order, size_t i, double x, double *v);

/* The contraction of the core with one vector per variable, v[i] of length rank[i], in the
 * order the exporter writes it (bitwise equal results). */
double ua_chebnd_contract(const ua_chebnd *m, const double *const *v);

/* f at one point x (d,): NaN outside the box or for NaN input. work holds at least
 * ua_chebnd_work(m) doubles. */
size_t ua_chebnd_work(const ua_chebnd *m);
double ua_chebnd_value(const ua_chebnd *m, const double *x, double *work);

/* y (n,) at x (n, d), threaded for large n. UA_ENOMEM. */
ua_status ua_chebnd_predict(const ua_chebnd *m, const double *x, size_t n, double *y);

/* g (n, d): the partial derivatives at x (n, d) (NaN outside the box). UA_ENOMEM. */
ua_status ua_chebnd_gradient(const ua_chebnd *m, const double *x, size_t n, double *g);

/* sum_k |c_k| of a series: a bound on max |series| over [-1, 1]. */
double ua_chebnd_abs_sum(const double *c, size_t n);

/* sum over the core of |core| times the product of ser's per-variable abs sums, where variable
 * `which` uses alt[which] instead of fac (NULL: fac everywhere): a bound on max |f| (alt NULL) or
 * on max |df/dx_which| (alt = dfac). */
double ua_chebnd_abs_bound(const ua_chebnd *m, double *const *alt, size_t which);

/* ---- calculus.c ------------------------------------------------------------------------------ */

/* The integral over the box: each factor column integrated exactly (Clenshaw-Curtis of the
 * series, int T_k = 2 / (1 - k^2) for even k), times the half-widths. */
double ua_chebnd_integral(const ua_chebnd *m);

/* The largest (want_max) or smallest value of the model on the box and where: the best point of
 * a tensor grid of Chebyshev points refined by projected Newton steps on the series. x (d,). */
ua_status ua_chebnd_extremum(const ua_chebnd *m, int want_max, double *x, double *value);

/* ---- sample.c: the calls of f ------------------------------------------------------------- */

typedef struct {
    const ua_problem *p;
    size_t d;
    double lo[UA_CHEBND_MAXD], hi[UA_CHEBND_MAXD];
    size_t evals;  /* calls of f so far */
    size_t budget; /* --max-evals (SIZE_MAX: none) */
    int over;      /* a batch was refused by the budget */
} ua_chebnd_fn;

/* y (n,) = f at x (n, d), counting the calls. When the batch would pass the budget nothing is
 * evaluated, fn->over is set and UA_ENOTRESOLVED returned. A value that is NaN or infinite is
 * UA_EDOMAIN naming the point ("exp(1/x)*y is inf at (x, y) = (0, 0.5)"); a crash of the user's
 * function is its UA_EDOMAIN. */
ua_status ua_chebnd_eval(ua_chebnd_fn *fn, const double *x, size_t n, double *y);

/* ---- the construction (aca2.c, tucker3.c, resolve.c, fit.c) ------------------------------- */

typedef struct {
    double tol;          /* relative to max|f| (abs == 0) or absolute (abs == 1) */
    int abs;
    size_t max_rank;     /* per variable */
    size_t max_length;   /* coefficients per factor column */
    size_t max_grid;     /* side of the phase-1 grid */
} ua_chebnd_opts;

/* What a construction reports besides the model. */
typedef struct {
    double vscale;       /* max |f| seen on the grids */
    double floor;        /* the rounding floor of the elimination (abs units) */
    double target;       /* the tolerance asked for, absolute: tol * vscale or tol */
    double sample_err;   /* max |model - f| at the sample-test points */
    size_t sample_n;     /* how many */
    char reason[256];    /* not resolved: why */
} ua_chebnd_report;

/* 1-D resolution of r fibers along variable var (phase 2 of both constructions): fiber k is f
 * along var through anchor (r, d) (coordinate var ignored), minus sum_{l<k} fiber_l W[l*r+k]
 * (the elimination, W (r, r) strictly upper). init (r, n0): the raw f values on the n0-point
 * Chebyshev grid, or NULL. Grows the grid 2n-1 until standardChop resolves every fiber at the
 * absolute level tolabs (relative per fiber to its own max), or max_length (or
 * UA_CHEBND_MAX_FIBER_VALUES values in all). On return *coeffs
 * (r, *len) malloc'd, *resolved. The budget ends it early (not resolved). */
/* The most values (fibers x grid points) phase 2 holds per variable: 2^20, 8 MiB an array. */
#define UA_CHEBND_MAX_FIBER_VALUES ((size_t)1 << 20)

ua_status ua_chebnd_resolve(ua_chebnd_fn *fn, size_t var, size_t r, const double *anchor,
                            const double *W, size_t n0, const double *init, double tolabs,
                            size_t max_length, double **coeffs, size_t *len, int *resolved);

/* Gaussian elimination with complete pivoting on A (m, n) (overwritten with the residual): at
 * most rmax steps, stopping when the largest residual is <= thr. Pivots (*r of them) in
 * pi, pj (rmax,), values pv (rmax,); residual columns C (rmax, m) and rows R (rmax, n) at each
 * step (before the update). *res: the largest residual left. */
void ua_chebnd_aca(double *A, size_t m, size_t n, size_t rmax, double thr, size_t *pi, size_t *pj,
                   double *pv, double *C, double *R, size_t *r, double *res);

ua_status ua_chebnd_build2(ua_chebnd_fn *fn, const ua_chebnd_opts *o, ua_chebnd **out,
                           ua_chebnd_report *rep);
ua_status ua_chebnd_build3(ua_chebnd_fn *fn, const ua_chebnd_opts *o, ua_chebnd **out,
                           ua_chebnd_report *rep);

/* The rounding allowance of a model in the units of f (docs/chebnd.md): Clenshaw's and the
 * contraction's rounding, 16 u V (V = ua_chebnd_abs_bound), plus 4 times the elimination's floor
 * (Chebfun2's GetTol: n^(2/3) u max(max|f|, |x|_max |df/dx|) on the n-point grid). */
double ua_chebnd_allowance(const ua_chebnd *m, double floor);

/* Sample test (Chebfun2's sampleTest): max |model - f| at a few fixed scrambled Sobol points of
 * the box. *err, *n. */
ua_status ua_chebnd_sample_test(ua_chebnd_fn *fn, const ua_chebnd *m, double *err, size_t *n);

/* Phase 3 of both constructions: the sample test of m against the tolerance rep->target plus the
 * model's allowance. Resolved: UA_OK, *done = 1. Failed: UA_OK, *done = 0, m->resolved = 0 and
 * rep->reason naming grid ("the 33 x 33 grid"): the caller grows its grid. No budget left for the
 * test: UA_ENOTRESOLVED (m->resolved = 0, reason set). Other errors as the sample test's. */
ua_status ua_chebnd_phase3(ua_chebnd_fn *fn, ua_chebnd *m, ua_chebnd_report *rep,
                           const char *grid, int *done);

/* ---- the vtable's pieces ------------------------------------------------------------------ */

enum { UA_CHEBND_NOPTIONS = 5 };
extern const ua_option_spec ua_chebnd_option_spec[UA_CHEBND_NOPTIONS];

ua_status ua_chebnd_family_fit(const ua_problem *p, const ua_options *o, const ua_fit_hooks *hooks,
                               ua_model *meta, void **state);
ua_status ua_chebnd_export_c(const void *state, ua_export_type type, const char *name, FILE *out);
ua_status ua_chebnd_save(const void *state, ua_st *st);
ua_status ua_chebnd_load(const ua_st *st, double lo, double hi, void **state);

#endif /* UA_CHEBND_INTERNAL_H */
