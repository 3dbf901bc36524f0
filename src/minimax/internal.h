/*
 * src/minimax/internal.h — the layout of a ua_minimax and the MPFR machinery shared by the files
 * of src/minimax/ (not installed). The mathematics is in docs/minimax.md.
 *
 *   basis.c    Chebyshev <-> monomial conversion, dense linear solve (MPFR)
 *   problem.c  the problem: target, weight, fixed part, cached grid; the error e(x) in MPFR
 *   extrema.c  local extrema of the error (grid + Brent), choice of an alternating reference
 *   remez.c    polynomial Remez exchange
 *   rational.c rational Remez exchange
 *   fpround.c  coefficient rounding with re-optimisation (greedy, and the choice of the best)
 *   lattice.c  coefficient rounding by lattice reduction (LLL + Babai)
 *   degree.c   least degree meeting a tolerance
 *   fit.c      ua_minimax_fit: options, degenerate cases, variable choice, orchestration
 *   eval.c     evaluation (double, float; Horner, Estrin) and the re-measurement of the error
 *   family.c   the model vtable (save, load, export, describe)
 */
#ifndef UA_MINIMAX_INTERNAL_H
#define UA_MINIMAX_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <mpfr.h>
#include "uniapprox/minimax.h"

struct ua_minimax {
    double a, b;
    double shift, scale;     /* t = (x - shift) * scale */
    ua_minimax_var var;
    ua_minimax_error error;
    ua_minimax_coeffs coeffs;
    ua_minimax_scheme scheme;
    ua_minimax_basis basis;  /* MONOMIAL: num/den are coefficients of t^k; CHEBYSHEV: of T_k(t),
                                t clamped to [-1, 1], evaluated by Clenshaw */
    size_t nnum, nden;       /* coefficient counts; nden 0 for a polynomial */
    double *num, *den;       /* (nnum,), (nden,) in the basis above, in t */
    double levelled, real_err, coeff_err, measured_err, float_err, cond;
    size_t iterations;
    int converged;           /* the Remez exchange equioscillated (or the fit was exact) */
    int resolved;            /* the fit returned UA_OK: converged, and the returned (rounded,
                                re-measured) approximation passed every check; describe()'s
                                "resolved" */
    size_t nalt;
    double *alt;             /* (nalt,) */
};

/* Allocates an approximation with room for nnum + nden coefficients and nalt points (zeroed).
 * NULL on failure (no error recorded). */
ua_minimax *mm_alloc(size_t nnum, size_t nden, size_t nalt);

/* ---- basis.c ------------------------------------------------------------------------------- */

/* Array of n MPFR numbers at precision prec, set to 0; NULL on failure. mm_vec_free(v, n). */
mpfr_t *mm_vec_new(size_t n, mpfr_prec_t prec);
void mm_vec_free(mpfr_t *v, size_t n);

/* Solves A z = r in place (A (n, n) row-major, destroyed; r (n,) becomes z) by Gaussian
 * elimination with partial pivoting. Returns 0, or -1 when a pivot is exactly zero. */
int mm_solve(size_t n, mpfr_t *A, mpfr_t *r, mpfr_prec_t prec);

/* Chebyshev coefficients c (n,) of a polynomial in s -> its monomial coefficients in t, where
 * s = alpha + beta t. out (n,) initialised by the caller. Returns 0, -1 when out of memory. */
int mm_cheb_to_mono(size_t n, mpfr_t *c, const mpfr_t alpha, const mpfr_t beta, mpfr_t *out,
                    mpfr_prec_t prec);

/* The Chebyshev coefficients out (n,) in t of the series c (n,) in s, where s = alpha + beta t:
 * p(alpha + beta t) sampled at the n Chebyshev points of the first kind and projected by the
 * discrete orthogonality of T_0..T_{n-1} there (exact for degree < n). With alpha == 0 the
 * parity of c is kept exactly (coefficients of a parity that is all zero in c stay zero).
 * out initialised by the caller. Returns 0, -1 when out of memory. O(n^2) MPFR operations. */
int mm_cheb_affine(size_t n, mpfr_t *c, const mpfr_t alpha, const mpfr_t beta, mpfr_t *out,
                   mpfr_prec_t prec);

/* s^e as a Chebyshev series: adds w * s^e = w 2^(1-e) sum_j binom(e, j) T_{e-2j} (the j = e/2
 * term halved) into acc (at least e + 1 entries). */
void mm_add_power_as_cheb(unsigned e, const mpfr_t w, mpfr_t *acc, mpfr_prec_t prec);

/* T_0(s) .. T_{n-1}(s) into T (n,). */
void mm_cheb_values(size_t n, const mpfr_t s, mpfr_t *T);

/* ---- problem.c ----------------------------------------------------------------------------- */

/* The approximant in the error function: sum p_k B_k / sum q_k B_k (nq 0: denominator 1), with
 * B_k = T_k(s) (cheb 1), t^k (cheb 0: monomials in t) or T_k(t) (cheb 2: a stored Chebyshev
 * model, t = (x - shift) * scale). np == 0 is the zero function. */
typedef struct {
    size_t np, nq;
    mpfr_t *p, *q;
    int cheb;
} mm_sol;

typedef struct {
    const ua_target *f, *w;
    ua_minimax_error kind;
    double a, b;
    mpfr_prec_t prec;
    mpfr_t mid, half;        /* s = (x - mid) / half */
    mpfr_t shift, scale;     /* t = (x - shift) * scale: the variable of fixed parts and of
                                monomial solutions */
    /* fixed part subtracted from f (fpround): sum fixed[k] t^k over k < nfixed_len with
     * is_fixed[k]; nfixed_len 0 for none */
    size_t nfixed_len;
    mpfr_t *fixed;
    int *is_fixed;
    size_t M;                /* grid size */
    double *gx;              /* (M,) grid, increasing, endpoints a and b */
    mpfr_t *gf;              /* (M,) f(x_j) (without the fixed part) */
    mpfr_t *gw;              /* (M,) weight w(x_j) */
    mpfr_t *gg;              /* (M,) f(x_j) - fixed(x_j) */
    double fscale;           /* max_j |w_j f_j| */
    mpfr_t tmp[6];           /* scratch for the error function */
} mm_problem;

/* Builds the problem: samples f (and w) on a Chebyshev-distributed grid of M points.
 * Errors: UA_EDOMAIN (non-finite f or w, f == 0 with relative error, w <= 0), UA_ENOMEM. */
ua_status mm_problem_init(mm_problem *pb, const ua_target *f, const ua_target *w,
                          ua_minimax_error kind, double a, double b, double shift, double scale,
                          mpfr_prec_t prec, size_t M);
void mm_problem_clear(mm_problem *pb);

/* The same, where with the relative error f may be odd through 0 (odd_rel): f(x) / x keeps one
 * sign on the grid instead of f (f must still not vanish at a grid point). */
ua_status mm_problem_init_odd(mm_problem *pb, const ua_target *f, const ua_target *w,
                              ua_minimax_error kind, double a, double b, double shift,
                              double scale, mpfr_prec_t prec, size_t M, int odd_rel);

/* Sets the fixed part (copies; n coefficients, is_fixed flags) and refreshes gg. n 0 removes
 * it. Errors: UA_ENOMEM. */
ua_status mm_problem_set_fixed(mm_problem *pb, size_t n, mpfr_t *coef, const int *is_fixed);

/* g(x) = f(x) - fixed(x) and w(x) at a double point x (gv, wv initialised by the caller). */
void mm_problem_target(mm_problem *pb, double x, mpfr_t gv, mpfr_t wv);

/* s(x) and t(x) in MPFR. */
void mm_problem_s(mm_problem *pb, double x, mpfr_t s);
void mm_problem_t(mm_problem *pb, double x, mpfr_t t);

/* s = alpha + beta t (to convert Chebyshev series in s to monomials in t). */
void mm_problem_alpha_beta(mm_problem *pb, mpfr_t alpha, mpfr_t beta);

/* R(x) of a solution (value into y). Returns 0, or -1 when the denominator is 0. */
int mm_sol_eval(mm_problem *pb, const mm_sol *sol, double x, mpfr_t y);

/* e(x) = w (R - g) given g and w at x; as a double (+-Inf on a pole). */
double mm_err_with(mm_problem *pb, const mm_sol *sol, double x, const mpfr_t g, const mpfr_t w);

/* e(x) at any double x (evaluates the target). */
double mm_err_at(mm_problem *pb, const mm_sol *sol, double x);

/* Frees a solution's arrays. */
void mm_sol_clear(mm_sol *sol);
/* Allocates a solution with np, nq zeroed coefficients. -1 on failure. */
int mm_sol_init(mm_sol *sol, size_t np, size_t nq, int cheb, mpfr_prec_t prec);

/* ---- extrema.c ----------------------------------------------------------------------------- */

/* Candidate extrema of e, sorted by x. */
typedef struct {
    size_t n;
    double *x, *e;
    double maxabs, xmax; /* the largest |e| found, and where */
} mm_extrema;

/* Locates the local extrema of e for sol: e on the cached grid, then Brent's derivative-free
 * maximisation of +-e in each grid bracket around a discrete extremum. Errors: UA_ENOMEM. */
ua_status mm_find_extrema(mm_problem *pb, const mm_sol *sol, mm_extrema *ex);
void mm_extrema_clear(mm_extrema *ex);

/* From sorted candidates, the alternating subsequence: runs of equal sign merged to their
 * largest |e|, then reduced to `need` points by dropping the smallest (an end point alone, an
 * interior one with its smaller neighbour), keeping the largest. Writes up to need points into
 * ref/eref and returns how many it has (< need: not enough alternations). */
size_t mm_select_reference(const mm_extrema *ex, size_t need, double *ref, double *eref);

/* ---- remez.c / rational.c ------------------------------------------------------------------ */

typedef struct {
    size_t max_iter;
    double eq_tol;
} mm_remez_opts;

typedef struct {
    mm_sol sol;          /* Chebyshev basis in s */
    double E;            /* levelled error, |E| */
    double maxerr;       /* max |e| re-measured on the grid + refined extrema */
    size_t nref;
    double *ref;         /* (nref,) alternation points (the last reference) */
    size_t iterations;
    int converged;
    int exact;           /* max |e| at rounding level: R reproduces the target */
    int pole;            /* rational: the denominator vanished */
} mm_result;

void mm_result_clear(mm_result *r);

/* Solves the system of one exchange step on the reference ref into sol, with the signed levelled
 * error into *h (e(x_i) = -(-1)^i h). Returns 0, -1 (singular system), -2 (pole). */
typedef int (*mm_solve_fn)(mm_problem *pb, const double *ref, void *ctx, mm_sol *sol, double *h);

/* The exchange loop on N-point references (remez.c), starting from ref (N,; overwritten).
 * res->sol must be allocated by the caller; res->ref is allocated here. */
ua_status mm_remez_drive(mm_problem *pb, size_t N, double *ref, mm_solve_fn solve, void *ctx,
                         const mm_remez_opts *o, mm_result *res);

/* Best polynomial of degree n (n >= 0) of g = f - fixed in the error measure of pb. init (n + 2
 * points) or NULL for the Chebyshev extrema. Returns UA_OK (res->converged says whether it
 * equioscillated), UA_ENOMEM. */
ua_status mm_remez_poly(mm_problem *pb, size_t n, const double *init, const mm_remez_opts *o,
                        mm_result *res);

/* Best polynomial in the span of the monomials s^expo[k] (k < m, increasing exponents), s = x /
 * half with pb's mid set to 0 (the caller's pb is on [0, b] or a part of [0, inf)); the
 * solution is returned as a Chebyshev series in s of length expo[m-1] + 1 (zeros outside the
 * span). When the exponents are every one of a parity from 0 or 1 up, the basis is T_expo[k](s)
 * itself (the same span, well conditioned at any degree: T_k(2 u - 1) = T_2k(sqrt u)); otherwise
 * the monomials, converted. half_start: the Chebyshev start mirrored to x >= 0 (the positive
 * extrema of T_{2N-1} for odd, T_{2N-2} for even exponents), for the half of a symmetric
 * interval. The Haar condition holds on (0, b] by Descartes' rule of signs. */
ua_status mm_remez_restricted(mm_problem *pb, const int *expo, size_t m, int half_start,
                              const mm_remez_opts *o, mm_result *res);

/* Best rational of type (m, n), n >= 1. res->pole when no pole-free solution was found. */
ua_status mm_remez_rational(mm_problem *pb, size_t m, size_t n, const mm_remez_opts *o,
                            mm_result *res);

/* The Chebyshev extrema -cos(pi i / (k - 1)), i = 0..k-1, mapped onto [a, b] and rounded to
 * doubles (k >= 2); returns 0, -1 when they are not strictly increasing (interval too short). */
int mm_cheb_reference(double a, double b, size_t k, double *out);

/* ---- fpround.c ----------------------------------------------------------------------------- */

/* Rounds the monomial coefficients mono (n,) in t to double (fmt UA_MINIMAX_DOUBLE) or float
 * (UA_MINIMAX_FLOAT): the best of rounding to nearest, the lattice method (two point sets) and,
 * when the lattice does no better than rounding to nearest and nothing is within 2 real_err, the
 * greedy descent that re-optimises the lower coefficients after each rounding (only when
 * greedy_ok: it refits every lower monomial, so a restricted basis turns it off; rounding to
 * nearest and the lattice keep zero coefficients zero); writes the rounded values into out (n,)
 * and the max |e| of the result (exact evaluation) into *err.
 * Errors: UA_EUNSUPPORTED (coefficient outside the format's range), UA_ENOMEM. */
ua_status mm_fpround(mm_problem *pb, size_t n, mpfr_t *mono, ua_minimax_coeffs fmt,
                     const mm_remez_opts *o, double real_err, int greedy_ok, double *out,
                     double *err);

/* ---- lattice.c ----------------------------------------------------------------------------- */

/* Rounds the monomial coefficients mono (n,) to the format by lattice reduction (LLL + Babai)
 * into out (n,), fitting at the points pts (npts,), or at n Chebyshev points when pts is NULL.
 * Errors: UA_EUNSUPPORTED (out of range), UA_ENOMEM. */
ua_status mm_lattice_round(mm_problem *pb, size_t n, mpfr_t *mono, ua_minimax_coeffs fmt,
                           const double *pts, size_t npts, double *out);

/* ---- degree.c ------------------------------------------------------------------------------ */

/* The highest polynomial degree (or m + n of a rational) a fit is allowed at working precision
 * prec: the Remez exchange costs O(N^3) MPFR operations per iteration (|x| at degree 200 took 45 s
 * in 17 iterations at 192 bits), so the limit is 250 at 192 bits, scaled by (192 / prec)^(1/2)
 * for the cost of the wider arithmetic, and at least 40. */
int mm_degree_limit(long prec);

/* The fit at a fixed degree (o->degree >= 0), fit.c. */
ua_status mm_fit_fixed(const ua_target *f, double a, double b, const ua_minimax_options *o,
                       ua_minimax **out);

/* --degree auto (degree.c): the candidates by measurement. */
ua_status mm_fit_auto(const ua_target *f, double a, double b, const ua_minimax_options *o,
                      ua_minimax **out);

/* Grid size for N reference points: max(512, 48 N). */
size_t mm_grid_size(size_t N);
/* How many doubles lie in [a, b] (a <= b). */
uint64_t mm_doubles_between(double a, double b);
/* Validates f, [a, b] and the options (UA_EINVAL with a message). */
ua_status mm_check_options(const ua_target *f, double a, double b, const ua_minimax_options *o);

/* ---- eval.c -------------------------------------------------------------------------------- */

/* Re-measures p against pb (no fixed part): coeff_err (exact evaluation of the stored
 * coefficients), measured_err (double evaluation), float_err (float evaluation at float inputs),
 * on the grid, the alternation points and the refined extrema. Errors: UA_ENOMEM. */
ua_status mm_measure(mm_problem *pb, ua_minimax *p);

/* Evaluation condition number of the stored form on pb's grid: max sum |c_k t^k| / max |p| for
 * monomials, sum |c_k| / max |p| for a Chebyshev series (|T_k| <= 1). */
double mm_condition(const mm_problem *pb, const double *c, size_t n, double shift, double scale);
double mm_condition_cheb(const mm_problem *pb, const double *c, size_t n, double shift,
                         double scale);

/* The family's C export (src/minimax/export.c; the vtable's export_c, src/model/family.h). */
#include <stdio.h>
#include "uniapprox/model.h"
ua_status ua_minimax_export_c(const void *state, ua_export_type type, const char *name, FILE *out);

/* The family's option table and its vtable fit (src/minimax/options.c; src/model/family.h). */
#include "uniapprox/options.h"
enum { UA_MINIMAX_NOPTIONS = 14 };
extern const ua_option_spec ua_minimax_option_spec[UA_MINIMAX_NOPTIONS];
ua_status ua_minimax_family_fit(const ua_problem *p, const ua_options *o,
                                const ua_fit_hooks *hooks, ua_model *meta, void **state);

/* The model (ua_minimax) as exact polynomials on pieces for the proven bounds (ua_family.pieces,
 * src/model/family.h; pieces.c): *pieces malloc'd, the caller frees. */
#include "model/family.h"
ua_status ua_minimax_pieces(const void *state, ua_poly_piece **pieces, size_t *n);

#endif /* UA_MINIMAX_INTERNAL_H */
