/*
 * uniapprox/minimax.h — the `minimax` family: best (minimax) polynomial and rational
 * approximations by the Remez exchange, with coefficients rounded to float32 / float64.
 *
 * Given a target f on [a, b], a polynomial degree n (or a rational type (m, n)) and an error
 * measure e(x) = w(x) (R(x) - f(x)), with
 *   absolute error  w = 1,
 *   relative error  w = 1 / |f|       (f must not vanish on [a, b]),
 *   weighted error  w = a user target (must be finite and > 0 on [a, b]),
 * ua_minimax_fit finds the R minimising max |e| over [a, b]. By Chebyshev's alternation theorem
 * the best R is characterised by n + 2 (polynomial) or m + n + 2 (non-degenerate rational) points
 * where e reaches +-max|e| with alternating signs; the fit reports that levelled error |E| and
 * those alternation points.
 *
 * Algorithm (docs/minimax.md): the Remez exchange (E. Ya. Remez, 1934; as presented in E. W.
 * Cheney, "Introduction to Approximation Theory", ch. 3): solve the linear system
 * R(x_i) + (-1)^i E / w(x_i) = f(x_i) on a reference x_0 < ... < x_{N+1}, locate the extrema of
 * the new error (sampling + Brent's derivative-free refinement), exchange, repeat until the error
 * equioscillates to a relative tolerance. Everything is computed in MPFR (default 192 bits) with
 * the polynomial in the Chebyshev basis on [a, b], so that high degrees converge. Rational
 * approximations use the linearised system of Boost.Math's minimax tool / Chebfun's remez
 * (the E multiplying the denominator is taken from the previous solve and iterated).
 * Coefficient rounding (float32 / float64) follows Brisebarre & Chevillard, "Efficient
 * polynomial L-infinity approximations" (ARITH 18, 2007), the method of Sollya's fpminimax: a
 * closest-vector problem in the lattice of format-representable polynomials at the points where
 * the real best polynomial interpolates f, solved by LLL reduction and Babai's rounding; a greedy
 * descent (round the highest remaining coefficient both ways, re-optimise the lower ones by
 * Remez with the rounded ones fixed) is the fallback; the candidate with the smaller
 * re-measured error is kept.
 *
 * Representation: the stored approximation is a polynomial (or a quotient of two) in monomials of
 * the variable t = (x - shift) * scale, with shift and scale doubles:
 *   - UA_MINIMAX_VAR_X:    shift 0, scale 1: plain monomials in x (what libm kernels use on small
 *                          intervals; ill-conditioned on wide or off-centre intervals);
 *   - UA_MINIMAX_VAR_UNIT: shift = (a + b) / 2 and scale = 2 / (b - a) (each rounded to double),
 *                          so t lies in about [-1, 1];
 *   - UA_MINIMAX_VAR_AUTO: x when the evaluation condition number max sum |c_k t^k| / max |p| is
 *                          at most 16, else the unit variable.
 * The condition number of the chosen form is reported (ua_minimax_info.cond): the factor by which
 * coefficient and evaluation rounding errors are amplified relative to |p|.
 * At high degree no monomial form survives rounding to double (Runge's function at degree 100:
 * the monomials are off by 1e7); the approximation is then stored as its Chebyshev series in
 * t = (x - mid) * 2 / (b - a), evaluated by Clenshaw's recurrence (UA_MINIMAX_BASIS_CHEBYSHEV;
 * ua_minimax_options.basis, chosen automatically by default).
 *
 * Restricted bases: odd or even monomials (parity), or a chosen list (Sollya's [|1, 3, 5|]). On a
 * symmetric interval [-b, b] with a target of that parity the exchange runs on [0, b] (where the
 * monomials of one parity form a Haar system) and the alternation is mirrored; on an interval
 * inside [0, inf) any list is a Haar system (Descartes' rule of signs).
 *
 * Honest errors: every error the fit reports (except the levelled |E| of the solver) is
 * re-measured on the returned coefficients against the MPFR target, on the solver's dense grid,
 * the alternation points and the refined local extrema: with the stored coefficients evaluated
 * exactly (coeff_error, what Sollya's fpminimax reports), evaluated in double exactly as
 * ua_minimax_eval and the exported double code do (measured_error), and evaluated in float
 * arithmetic at float inputs as ua_minimax_eval_float and the exported float code do
 * (float_error).
 */
#ifndef UNIAPPROX_MINIMAX_H
#define UNIAPPROX_MINIMAX_H

#include <stddef.h>
#include "uniapprox/status.h"
#include "uniapprox/target.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The error measure that is minimised. Append only. */
typedef enum {
    UA_MINIMAX_ABS = 0,     /* e = R - f */
    UA_MINIMAX_REL = 1,     /* e = (R - f) / |f| */
    UA_MINIMAX_WEIGHTED = 2 /* e = w (R - f), w from ua_minimax_options.weight */
} ua_minimax_error;

/* What the coefficients are rounded to. Append only. */
typedef enum {
    UA_MINIMAX_REAL = 0,   /* the MPFR best approximation, each coefficient rounded to nearest
                              double once (no re-optimisation) */
    UA_MINIMAX_DOUBLE = 1, /* float64 coefficients, re-optimised after each rounding */
    UA_MINIMAX_FLOAT = 2   /* float32 coefficients, re-optimised after each rounding */
} ua_minimax_coeffs;

/* Evaluation scheme of ua_minimax_eval and of the exported code. Append only. */
typedef enum {
    UA_MINIMAX_HORNER = 0, /* y = c_n; y = y t + c_k, k = n-1..0 */
    UA_MINIMAX_ESTRIN = 1  /* pairs c_2i + c_2i+1 t, then pairs with t^2, t^4, ... */
} ua_minimax_scheme;

/* The variable the monomials are in (see the top of this header). Append only. */
typedef enum { UA_MINIMAX_VAR_AUTO = 0, UA_MINIMAX_VAR_X = 1, UA_MINIMAX_VAR_UNIT = 2 } ua_minimax_var;

/* The basis the approximation is stored, evaluated and exported in. Append only. */
typedef enum {
    UA_MINIMAX_BASIS_AUTO = 0,      /* monomials when they reproduce the best approximation in
                                       double (measured error <= 1.125 real error + 4 eps
                                       max|w f|), else the Chebyshev series; monomials always
                                       with --coeffs double|float or an explicit var */
    UA_MINIMAX_BASIS_MONOMIAL = 1,  /* sum c_k t^k, Horner or Estrin (the libm kernel form) */
    UA_MINIMAX_BASIS_CHEBYSHEV = 2  /* sum c_k T_k(s), s = (x - shift) * scale in [-1, 1],
                                       Clenshaw (ua_cheb_clenshaw): stable at any degree */
} ua_minimax_basis;

/* A restriction of the polynomial to odd or even monomials. Append only. */
typedef enum {
    UA_MINIMAX_PARITY_NONE = 0,
    UA_MINIMAX_PARITY_ODD = 1,  /* x, x^3, ..., up to the degree */
    UA_MINIMAX_PARITY_EVEN = 2  /* 1, x^2, ..., up to the degree */
} ua_minimax_parity;

/* ua_minimax_options.degree value asking for the least degree that meets tol. */
#define UA_MINIMAX_DEGREE_AUTO (-1)

/* Options of ua_minimax_fit. Start from ua_minimax_options_default. */
typedef struct {
    int degree;              /* polynomial degree n, or the numerator degree m of a rational
                                (default 8); UA_MINIMAX_DEGREE_AUTO: the least degree whose best
                                (real-coefficient) approximation meets tol, as Sollya's guessdegree */
    int den_degree;          /* denominator degree; 0 (default) for a polynomial */
    ua_minimax_error error;  /* default UA_MINIMAX_ABS */
    const ua_target *weight; /* with UA_MINIMAX_WEIGHTED: w(x), borrowed (default NULL) */
    double tol;              /* with DEGREE_AUTO: the error to meet, in the units of `error`
                                (absolute, relative or weighted); default 0 (must be set) */
    int max_degree;          /* with DEGREE_AUTO: the largest degree tried (default 64; the CLI, 128) */
    ua_minimax_coeffs coeffs;   /* default UA_MINIMAX_REAL */
    ua_minimax_scheme scheme;   /* default UA_MINIMAX_HORNER */
    ua_minimax_var var;         /* default UA_MINIMAX_VAR_AUTO */
    size_t max_iter;         /* most exchange iterations per Remez run (default 60) */
    double eq_tol;           /* converged when min |e| over the reference >= (1 - eq_tol) max |e|
                                over [a, b] (relative; default 1e-9) */
    long prec;               /* MPFR working precision in bits, >= 64 (default 192); the target is
                                evaluated at this precision (plus its own guard bits) */
    ua_minimax_basis basis;  /* default UA_MINIMAX_BASIS_AUTO */
    ua_minimax_parity parity;   /* default NONE; ODD / EVEN: the monomials of that parity up to
                                   degree (Sollya's [|1, 3, 5|]) */
    const int *monomials;    /* chosen exponents, increasing, borrowed (default NULL: all up to
                                degree); excludes parity; polynomials only */
    size_t nmonomials;
} ua_minimax_options;

/* A fitted minimax approximation. Immutable once built: evaluation is thread-safe. */
typedef struct ua_minimax ua_minimax;

/* What a fit found. Pointers are owned by the approximation. */
typedef struct {
    int degree;            /* numerator degree m (n for a polynomial); 0 for a constant */
    int den_degree;        /* denominator degree, 0 for a polynomial */
    ua_minimax_error error;
    ua_minimax_coeffs coeffs;
    ua_minimax_scheme scheme;
    ua_minimax_var var;    /* UA_MINIMAX_VAR_X or _UNIT (never AUTO) */
    double shift, scale;   /* t = (x - shift) * scale */
    double levelled_error; /* |E| of the last Remez solve, real coefficients (0 when exact) */
    double real_error;     /* max |e| of the real (MPFR) best approximation, re-measured */
    double coeff_error;    /* max |e| of the stored coefficients, evaluated exactly (MPFR) */
    double measured_error; /* max |e| with ua_minimax_eval (double), as the exported double code */
    double float_error;    /* max |e| with ua_minimax_eval_float at float inputs, as the exported
                              float code */
    double cond;           /* evaluation condition number of the stored form (>= 1) */
    size_t iterations;     /* exchange iterations of the final Remez run */
    int converged;         /* 1 when the error equioscillated to eq_tol (or the fit was exact) */
    size_t nalt;           /* alternation points of the real best approximation (N + 2;
                              m + n + 2 - k for a rational type reduced by k; 0 when exact) */
    const double *alt;     /* (nalt,) increasing, in x */
    ua_minimax_basis basis; /* MONOMIAL (coefficients of t^k) or CHEBYSHEV (of T_k(t)) */
} ua_minimax_info;

/* Fills *opt with the defaults listed in ua_minimax_options. */
void ua_minimax_options_default(ua_minimax_options *opt);

/*
 * Computes the best approximation of f (a 1-D target, borrowed) on [a, b] in the error measure
 * opt->error, rounds its coefficients as opt->coeffs asks and re-measures the error.
 * Returns UA_OK with *out set when the Remez exchange converged; UA_ENOTRESOLVED with *out still
 * set to the best approximation found (errors re-measured) when it did not equioscillate within
 * max_iter, when a rational denominator would vanish in [a, b] (the degree-m polynomial is then
 * returned), when DEGREE_AUTO found no degree <= max_degree whose stored model, evaluated in
 * double, meets tol (the model kept is then the one of least measured error among those tried:
 * degrees 0, 1, 2, 4, ..., max_degree, stopping at the first that fails or measures more than
 * twice the best; the message gives bounds on the best error from the target's Chebyshev
 * coefficients and says when tol is out of reach), or when the stored form is so
 * ill-conditioned that rounding
 * its coefficients to double, or evaluating it in double, more than doubles the error
 * (coeff_error > 2 real_error or measured_error > 2 coeff_error, each + 16 eps max|w f|; high
 * degrees on wide intervals; float coefficients are exempt from the first test).
 * Degenerate inputs return at once: f == 0 on the grid -> the zero polynomial, error 0; f a
 * polynomial of degree <= n (a rational of the type asked) -> it, error ~0, no alternation points.
 * A degenerate rational type (the best approximation of type (m, n) is of type (m - k, n - k),
 * k >= 1, e.g. a target that is a rational of a lower type): the type is reduced along the
 * diagonal, and the first result that is exact (any k) or alternates on m + n + 2 - k points
 * (k <= 2) is returned, with its reduced degree and den_degree (docs/minimax.md);
 * an interval holding fewer than 64 doubles -> the best constant over those doubles.
 * Errors: UA_EINVAL (NULL f or out, dim(f) != 1, a >= b or non-finite, degree < 0 (but AUTO),
 * degree (plus den_degree) above the limit 250 (192 bits; 250 sqrt(192 / prec) otherwise: the cost
 * of the exchange, O(N^3) per iteration), den_degree < 0, the Chebyshev basis with rounded
 * coefficients or var x, parity or monomials with a rational, monomials not increasing, a target
 * without the parity asked on [-b, b], a restricted basis on an interval that is neither
 * symmetric nor inside [0, inf), WEIGHTED without weight, AUTO without tol > 0, AUTO with a
 * rational, prec < 64, max_iter 0, eq_tol outside (0, 1)), UA_EDOMAIN (f or w not finite at a
 * sample point, f == 0 somewhere with relative error, w <= 0 somewhere; also when the exchange
 * did not converge (abs / rel error) and an edge search over [a, b] finds a pole, a point where
 * f is infinite or NaN; the message gives x),
 * UA_EUNSUPPORTED (a coefficient outside float range), UA_ENOMEM. On errors other than
 * UA_ENOTRESOLVED *out is NULL. opt NULL means the defaults.
 * Cost: per iteration O(N^3) MPFR operations for the solve, O(M N) for the error on the grid of
 * M = max(512, 48 (N + 2)) points (target values are cached), and about 20 target evaluations per
 * extremum refined; float/double rounding adds a few lattice reductions (LLL, O(N^4) MPFR
 * operations) and, when they fall short, about 2 N Remez fits of decreasing degree.
 * Large grids (> 2048 points) are sampled and measured on OpenMP threads (the target's MPFR
 * evaluator is thread-safe). Thread-safe: it only reads f (and the weight); distinct calls may
 * run concurrently.
 */
ua_status ua_minimax_fit(const ua_target *f, double a, double b, const ua_minimax_options *opt,
                         ua_minimax **out);

/*
 * The least degree n <= max_degree whose best polynomial approximation (real coefficients) has
 * max |e| <= tol (tol in the units of opt->error), found by doubling then bisection on Remez fits
 * (the minimax error decreases with n). opt's error, weight, prec, max_iter, eq_tol are used.
 * Returns UA_OK and *degree; UA_ENOTRESOLVED with *degree = max_degree when no degree meets tol.
 * Errors: as ua_minimax_fit, UA_EINVAL for tol <= 0 or max_degree < 0. Source: the role of
 * Sollya's guessdegree (which estimates; this one checks by Remez).
 */
ua_status ua_minimax_guess_degree(const ua_target *f, double a, double b, double tol,
                                  const ua_minimax_options *opt, int *degree);

/* Releases an approximation. ua_minimax_free(NULL) is a no-op. */
void ua_minimax_free(ua_minimax *p);

/*
 * R(x) evaluated in double with the stored coefficients by the stored scheme: t = (x - shift) *
 * scale (t = x when shift 0, scale 1), the numerator (and denominator) by Horner or Estrin with
 * each step fma(a, b, c) when FP_FAST_FMA is defined, a * b + c otherwise, then the quotient.
 * The exported double code performs the same operations. NaN outside [a, b] and for NaN x.
 * Thread-safe, O(N).
 */
double ua_minimax_eval(const ua_minimax *p, double x);

/* The same in float arithmetic (coefficients, shift and scale rounded to float; FP_FAST_FMAF),
 * as the exported float code. NaN outside [a, b]. */
float ua_minimax_eval_float(const ua_minimax *p, float x);

/* ua_fn1 adapter: ctx is a const ua_minimax *; returns ua_minimax_eval(ctx, x). */
double ua_minimax_fn1(double x, void *ctx);

/* Fills *info (pointers owned by p). */
void ua_minimax_get_info(const ua_minimax *p, ua_minimax_info *info);

/* The coefficients c_0..c_m of the numerator (or polynomial) in t, and of the denominator (NULL,
 * *n = 0 for a polynomial; else d_0..d_n), of t^k (the monomial basis) or of T_k(t) (the
 * Chebyshev basis; ua_minimax_info.basis says which). Owned by p. */
const double *ua_minimax_num(const ua_minimax *p, size_t *n);
const double *ua_minimax_den(const ua_minimax *p, size_t *n);

/* The domain [a, b]. */
void ua_minimax_domain(const ua_minimax *p, double *a, double *b);

#ifdef __cplusplus
}
#endif
#endif /* UNIAPPROX_MINIMAX_H */
