/*
 * src/prove/tm.h — multivariate Taylor models in Arb balls (not installed): the arithmetic behind
 * the n-D prover (tm_prove.c), the expression's enclosure on a cell (tm_target.c) and the
 * families' Taylor-model hooks (ua_family_bounds.taylor: chebnd, sparse).
 *
 * A Taylor model on a cell [lo, hi] (d,) of centre c and half-widths r is a polynomial of total
 * degree <= K in the normalised offsets t_i = (x_i - c_i) / r_i in [-1, 1] whose coefficients are
 * Arb balls, with the meaning: for every t of [-1, 1]^d the function's value is
 * sum_alpha a_alpha(t) t^alpha for some choice a_alpha(t) in the ball of alpha (Berz and Makino,
 * "Verified integration of ODEs and flows using differential algebraic methods on high-order
 * Taylor models", Reliable Computing 4, 1998; Makino and Berz, "Taylor models and other validated
 * functional inclusion methods", Int. J. Pure Appl. Math. 4, 2003). The remainder interval of a
 * classic Taylor model is the radius of the constant coefficient: every bound below adds there.
 * Since |t^alpha| <= 1, the value lies within sum_alpha |a_alpha| of 0 (ua_tm_abs_bound).
 *
 * Products truncate at degree K, moving the dropped terms' bound sum_{k+j>K} A_k B_j (A_k the sum
 * of |a_alpha| over degree k) into the remainder. Functions compose through their univariate
 * Taylor series: g(u0 + v) = sum_{k<=K} g_k(u0) v^k + g_{K+1}(xi) v^{K+1}, u0 the midpoint of the
 * constant coefficient, |v| <= V, xi in the ball u0 +- V, g_k = g^(k) / k! from Arb's power series
 * routines at a ball (src/target/arb.h).
 */
#ifndef UA_PROVE_TM_H
#define UA_PROVE_TM_H

#include <stddef.h>
#include <stdint.h>

#include <arb.h>

#include "uniapprox/status.h"

/* The most monomials a space holds (its product table is n^2 32-bit entries: 4 MB). */
#define UA_TM_MAX_TERMS 1001
/* The most variables. */
#define UA_TM_MAX_DIM 10

/* The monomials of total degree <= K in d variables, in graded order (degree 0 first). */
typedef struct ua_tm_space {
    size_t d;
    unsigned K;
    size_t n;             /* C(d + K, d) */
    unsigned char *exp;   /* (n, d) exponents */
    unsigned *deg;        /* (n,) total degrees */
    size_t *start;        /* (K + 2,): the monomials of degree k are [start[k], start[k + 1]) */
    int32_t *mul;         /* (n, n): the index of alpha + beta, -1 when its degree exceeds K */
    int32_t *uni;         /* (d, K + 1): the index of t_i^k */
    slong prec;           /* Arb working precision in bits */
} ua_tm_space;

/* A Taylor model of a space: n ball coefficients (see the file comment). */
typedef struct ua_tm {
    arb_ptr c;
} ua_tm;

/* The largest K <= Kmax whose space in d variables has at most max_terms monomials (0 when even
 * K = 1 does not fit). */
unsigned ua_tm_degree_for(size_t d, unsigned Kmax, size_t max_terms);

/* A space of d variables (1 <= d <= UA_TM_MAX_DIM) and degree K, at prec bits. Errors: UA_EINVAL
 * (d, or more than UA_TM_MAX_TERMS monomials), UA_ENOMEM. */
ua_status ua_tm_space_init(ua_tm_space *sp, size_t d, unsigned K, slong prec);
void ua_tm_space_clear(ua_tm_space *sp);

void ua_tm_init(const ua_tm_space *sp, ua_tm *a);
void ua_tm_clear(const ua_tm_space *sp, ua_tm *a);
void ua_tm_zero(const ua_tm_space *sp, ua_tm *a);
void ua_tm_set(const ua_tm_space *sp, ua_tm *r, const ua_tm *a);
void ua_tm_swap(ua_tm *a, ua_tm *b);

/* r = a + b, a - b, -a, a * s (a ball). r may alias a or b. */
void ua_tm_add(const ua_tm_space *sp, ua_tm *r, const ua_tm *a, const ua_tm *b);
void ua_tm_sub(const ua_tm_space *sp, ua_tm *r, const ua_tm *a, const ua_tm *b);
void ua_tm_neg(const ua_tm_space *sp, ua_tm *r, const ua_tm *a);
void ua_tm_scalar_mul(const ua_tm_space *sp, ua_tm *r, const ua_tm *a, const arb_t s);
/* r += a * s. */
void ua_tm_scalar_addmul(const ua_tm_space *sp, ua_tm *r, const ua_tm *a, const arb_t s);

/* r = a * b truncated at degree K (the dropped terms bounded into the remainder). r must not
 * alias a or b. Only the nonzero coefficients are visited (products of models in different
 * variables are cheap). */
void ua_tm_mul(const ua_tm_space *sp, ua_tm *r, const ua_tm *a, const ua_tm *b);

/* Upper bound on sum_alpha |a_alpha| (>= sup |a| over the cell), rounded up; skip0: leave the
 * constant coefficient's midpoint out (its radius stays in). */
void ua_tm_abs_bound(const ua_tm_space *sp, const ua_tm *a, int skip0, mag_t out);

/* A ball enclosing the model's range on the cell: the constant coefficient plus, per other
 * monomial, its coefficient times [0, 1] when every exponent is even, times [-1, 1] otherwise
 * (never wider than the constant +- ua_tm_abs_bound). */
void ua_tm_range(const ua_tm_space *sp, const ua_tm *a, arb_t out);

/* r = a on one half of the cell along variable var: t_var = +-1/2 + s/2 (upper: +), s in [-1, 1]
 * the new variable, the other variables unchanged; a Taylor model of the same function on the
 * half cell (each chain of coefficients in t_var shifted by Horner's scheme in ball arithmetic,
 * then scaled by 2^-k: exact but for the additions, which Arb rounds outward). r must not alias
 * a. Used to bound a model's range on sub-boxes without recomputing it (tm_prove.c). */
void ua_tm_halve(const ua_tm_space *sp, ua_tm *r, const ua_tm *a, size_t var, int upper);

/* Whether every coefficient is finite. */
int ua_tm_is_finite(const ua_tm_space *sp, const ua_tm *a);

/*
 * The univariate Taylor coefficients of a function g at a ball: g_k (L,) with g_k enclosing
 * g^(k)(x) / k! for every x in the ball a (L = number wanted). Returns UA_EDOMAIN (with a message
 * naming the function) where g is not smooth or not defined on the ball.
 */
typedef ua_status (*ua_tm_series_fn)(void *ctx, const arb_t a, slong L, slong prec, arb_ptr g);

/*
 * r = g(a) (r must not alias a): the Taylor coefficients of g at the midpoint u0 of a's constant
 * coefficient to degree K composed with v = a - u0 by Horner's scheme in Taylor-model arithmetic,
 * plus |g_{K+1}(u0 +- V)| V^{K+1} (Lagrange's remainder; V >= |v| on the cell). Errors: those of g
 * (UA_EDOMAIN), UA_EDOMAIN when the result is not finite.
 */
ua_status ua_tm_compose(const ua_tm_space *sp, ua_tm *r, const ua_tm *a, ua_tm_series_fn g,
                        void *ctx);

/* The value of a at the normalised point t (d,) in [-1, 1]^d, as a ball (rigorous). */
void ua_tm_eval(const ua_tm_space *sp, const ua_tm *a, const double *t, arb_t out);

/* The midpoint polynomial of a at t (d,), in double (no claim of rigour: for choosing points). */
double ua_tm_eval_mid(const ua_tm_space *sp, const ua_tm *a, const double *t);

/*
 * Chebyshev series on a cell (src/prove/chebcell.c), shared by the chebnd and sparse hooks. A
 * model's series variable s in [-1, 1] maps its interval [lo, hi]; a cell [xlo, xhi] of it is
 * s = s0 + h u, u in [-1, 1]. Polynomials in u are Chebyshev series in u (coefficient k of
 * T_k(u)), so a sum of |coefficients| bounds one on the cell.
 */
/* s0 = (xlo + xhi - lo - hi) / (hi - lo), h = (xhi - xlo) / (hi - lo), as balls (exact inputs). */
void ua_cheb_cell_map(double lo, double hi, double xlo, double xhi, slong prec, arb_t s0,
                      arb_t h);
/* out (L,) = sum_{j<L} c_j T_j(s0 + h u) as a Chebyshev series in u, exactly (in balls), by
 * Clenshaw's recurrence b_j = c_j + 2 s b_{j+1} - b_{j+2}, v = c_0 + s b_1 - b_2 run on series.
 * bsup (L + 1,) or NULL: bsup[j] >= sup over the cell of |b_j(s)| (1 <= j < L), bsup[0] >= sup
 * |v|, bsup[L] = 0: for a running rounding-error bound of predict's Clenshaw. */
void ua_cheb_cell_clenshaw(const double *c, slong L, const arb_t s0, const arb_t h, slong prec,
                           arb_ptr out, mag_ptr bsup);
/* out (N + 1, D + 1): T_k(s0 + h u) for k <= N as Chebyshev series in u, computed exactly by
 * T_{k+1} = 2 s T_k - T_{k-1} and each kept to degree D, the dropped coefficients' sum of
 * magnitudes added to the radius of its coefficient 0. */
void ua_cheb_cell_basis(const arb_t s0, const arb_t h, size_t N, size_t D, slong prec,
                        arb_ptr out);
/* out (K + 1,): the Chebyshev series b (n,) in u as Taylor coefficients in u of a univariate
 * Taylor model: the terms above K bounded by their sum of |b_k| into out[0]'s radius, the rest
 * converted exactly (K <= 60, prec >= 128). */
void ua_cheb_to_taylor(arb_srcptr b, slong n, unsigned K, slong prec, arb_ptr out);

struct ua_target;
/*
 * out = the formula t (t->dim == sp->d variables) as a Taylor model on the cell [lo, hi] (d,)
 * (src/prove/tm_target.c): x_i = (lo_i + hi_i) / 2 + (hi_i - lo_i) / 2 t_i. Errors: UA_EDOMAIN
 * where t is not smooth or not defined on the cell (the message names the function: a pole, log of
 * a value reaching 0, a kink of abs/min/max), for a built-in target (no ball form); UA_EINVAL,
 * UA_ENOMEM.
 */
ua_status ua_tm_target(const ua_tm_space *sp, const struct ua_target *t, const double *lo,
                       const double *hi, ua_tm *out);

/*
 * The n-D Taylor-model prover (src/prove/tm_prove.c): max |m - f| over m's box for a model whose
 * family offers ua_family_bounds.taylor, by branch and bound over cells, each bounded by the sum
 * of |coefficients| of the Taylor model of m - f plus the model's rounding bound (eval_error).
 * out filled except seconds; UA_OK whether or not proven.
 */
#include "uniapprox/prove.h"
ua_status ua_prove_taylor_nd(const ua_model *m, const ua_target *f, const ua_prove_options *o,
                             ua_proof *out);

#endif /* UA_PROVE_TM_H */
