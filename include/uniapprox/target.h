/*
 * uniapprox/target.h — the function to approximate: an expression or a built-in, evaluated in
 * double (fast) and in MPFR at any precision (the reference every error is measured against).
 *
 * Expression language (docs/expressions.md):
 *   numbers      1, 2.5, 1e-3, .5
 *   variables    x for 1-D targets, or the names passed in vars (x1, x2, ... by convention)
 *   constants    pi, e
 *   operators    + - * / ^ (right associative: 2^3^2 = 512), unary minus binds looser than ^
 *                (-2^2 = -4), parentheses
 *   functions    exp expm1 log log1p log2 log10 sqrt cbrt sin cos tan asin acos atan sinh cosh
 *                tanh asinh acosh atanh erf erfc tgamma lgamma j0 j1 y0 y1 abs sign (1 arg);
 *                atan2 min max pow hypot (2 args)
 * Built-in targets are selected by name (see ua_target_builtin_name); "nfw-sigma" is the NFW
 * projected surface density Sigma_hat(X) (Navarro, Frenk & White 1996; docs/spline.md).
 *
 * Details (docs/expressions.md): variable names given by the caller shadow the constants pi and
 * e; a name followed by '(' is always a function call; there is no implicit multiplication
 * ("2x" is an error). Number literals are read by the double evaluator as the nearest double
 * (strtod) and by the MPFR evaluator as their exact decimal value rounded at the working
 * precision (mpfr_set_str), so "0.1" is 1/10 in the reference, not the double 0.1. Specs longer
 * than 1 MiB (UA_EINVAL) or nested deeper than 1000 levels (UA_EPARSE) are refused.
 */
#ifndef UNIAPPROX_TARGET_H
#define UNIAPPROX_TARGET_H

#include <stddef.h>
#include <mpfr.h>
#include "uniapprox/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A scalar function of one variable, as the fitters and the error measurement take it; ctx is
 * passed through untouched. ua_target_fn1 adapts a 1-D ua_target to it. */
typedef double (*ua_fn1)(double x, void *ctx);

/* A parsed target function R^dim -> R. Immutable once built: evaluation is thread-safe. */
typedef struct ua_target ua_target;

/*
 * Builds a target from spec: the name of a built-in ("nfw-sigma") or an expression.
 *   vars, nvars  variable names, in the order of the input vector x; vars == NULL (nvars 0)
 *                means the single variable "x".
 *   *out         receives the target, owned by the caller (ua_target_free).
 * Errors: UA_EINVAL (spec NULL or empty/blank), UA_EPARSE (syntax error, unknown function or
 * variable, wrong argument count: the message gives the 1-based column and what was expected,
 * e.g. "column 5: unknown function 'foo'"), UA_ENOMEM. On failure *out is NULL.
 * Complexity: O(length of spec).
 */
ua_status ua_target_parse(const char *spec, const char *const *vars, size_t nvars,
                          ua_target **out);

/* Releases a target. ua_target_free(NULL) is a no-op. */
void ua_target_free(ua_target *t);

/* The number of input variables. */
size_t ua_target_dim(const ua_target *t);

/* The spec the target was built from (owned by the target). */
const char *ua_target_spec(const ua_target *t);

/* The name of variable i < ua_target_dim(t), as given to ua_target_parse ("x" for the default
 * and for a built-in), owned by the target; NULL when i is out of range. */
const char *ua_target_var(const ua_target *t, size_t i);

/*
 * Evaluates the target in double precision at x (shape (dim,)). Follows C99 libm semantics:
 * returns NaN or +-Inf where the function is undefined or overflows (the caller decides whether
 * that is an error). Thread-safe.
 */
double ua_target_eval(const ua_target *t, const double *x);

/*
 * Evaluates the target in MPFR at the precision of y (mpfr_get_prec(y)); each intermediate
 * operation is rounded to nearest at that precision plus 32 guard bits (at least 85 bits; the
 * built-in nfw-sigma uses 128 guard bits), so the result carries a relative error of a few units
 * in its last bit except where the formula itself cancels. The inputs x (shape (dim,))
 * are exact doubles. NaN / Inf as in ua_target_eval; sin, cos, tan, j0, j1, y0 and y1 of an
 * argument of magnitude 2^1024 or more (beyond the double range) are NaN, not computed (their
 * argument reduction would take hours). Thread-safe (temporaries are per call).
 */
void ua_target_eval_mpfr(const ua_target *t, const double *x, mpfr_t y);

/*
 * Convenience: the reference value at x, computed with ua_target_eval_mpfr at prec bits and
 * rounded to nearest double.
 */
double ua_target_eval_ref(const ua_target *t, const double *x, mpfr_prec_t prec);

/* ua_fn1 adapter: ctx is a const ua_target * of dimension 1; returns ua_target_eval(ctx, &x). */
double ua_target_fn1(double x, void *ctx);

/* Built-in targets: count, name (e.g. "nfw-sigma") and a one-line description, i < count. */
size_t ua_target_builtin_count(void);
const char *ua_target_builtin_name(size_t i);
const char *ua_target_builtin_doc(size_t i);

#ifdef __cplusplus
}
#endif
#endif /* UNIAPPROX_TARGET_H */
