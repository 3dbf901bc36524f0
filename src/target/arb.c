/*
 * The expression tree in Arb balls as truncated Taylor series (src/target/arb.h), and
 * ua_target_enclose_taylor (uniapprox/prove.h) on top of it.
 *
 * Each value on the stack is a vector of L balls: the series v(eps) = sum_k v_k eps^k of the
 * subexpression at x + e_var eps. Constants and the other variables are series of length 1 padded
 * with exact zeros. Functions without an Arb series routine are built from their derivative:
 * f(v) = f(v_0) + integral (f'(v) v') (asinh, acosh, atanh), or by composing the Taylor series of
 * f at the ball v_0 with v - v_0 (the Bessel functions, whose derivatives follow from
 * J_n^(k) = 2^-k sum_j (-1)^j C(k, j) J_{n-k+2j}; DLMF 10.6.7).
 */
#include <math.h>
#include <stdlib.h>

#include <arb_hypgeom.h>

#include "core/internal.h"
#include "internal.h"
#include "arb.h"
#include "uniapprox/prove.h"

typedef struct {
    slong L, prec;
    arb_ptr tmp, tmp2, tmp3; /* (L,) scratch */
} ser_ctx;

static ua_status dom(const char *what) { return UA_ERR(UA_EDOMAIN, "%s", what); }

/* r = f(a) given the series g (L - 1,) of f'(a) and the ball f(a_0): f(a_0) + int g a'. */
static void from_derivative(ser_ctx *c, arb_ptr r, arb_srcptr a, const arb_t f0, arb_srcptr g)
{
    slong L = c->L;
    if (L > 1) {
        _arb_poly_derivative(c->tmp3, a, L, c->prec); /* (L - 1,) */
        _arb_poly_mullow(c->tmp2, g, L - 1, c->tmp3, L - 1, L - 1, c->prec);
        _arb_poly_integral(r, c->tmp2, L, c->prec);
    }
    arb_set(r, f0);
}

/* r = Z_n(a) for the cylinder function Z = J (kind 0) or Y (kind 1), n = 0 or 1: the Taylor
 * coefficients of Z_n at the ball a_0 composed with a - a_0. */
static ua_status bessel(ser_ctx *c, int kind, int n, arb_ptr r, arb_srcptr a)
{
    slong L = c->L, prec = c->prec, M = n + L; /* orders |m| <= n + L - 1 */
    if (kind == 1 && !arb_is_positive(a)) return dom("y0/y1 need x > 0 on the whole box");
    arb_ptr Z = _arb_vec_init(M), d = _arb_vec_init(L);
    arb_t nu, t, binom;
    arb_init(nu);
    arb_init(t);
    arb_init(binom);
    for (slong m = 0; m < M; m++) {
        arb_set_si(nu, m);
        if (kind == 0) arb_hypgeom_bessel_j(Z + m, nu, a, prec);
        else arb_hypgeom_bessel_y(Z + m, nu, a, prec);
    }
    /* d_k = Z_n^(k)(a0) / k! = 2^-k / k! sum_j (-1)^j C(k, j) Z_{n-k+2j} */
    for (slong k = 0; k < L; k++) {
        arb_zero(d + k);
        for (slong j = 0; j <= k; j++) {
            slong m = n - k + 2 * j, am = m < 0 ? -m : m;
            arb_bin_uiui(binom, (ulong)k, (ulong)j, prec);
            arb_mul(t, binom, Z + am, prec);
            if ((j & 1) ^ ((m < 0) && (am & 1))) arb_sub(d + k, d + k, t, prec);
            else arb_add(d + k, d + k, t, prec);
        }
        arb_mul_2exp_si(d + k, d + k, -k);
        arb_fac_ui(t, (ulong)k, prec);
        arb_div(d + k, d + k, t, prec);
    }
    if (L > 1) {
        _arb_vec_set(c->tmp, a, L);
        arb_zero(c->tmp);
        _arb_poly_compose_series(r, d, L, c->tmp, L, L, prec);
    } else {
        arb_set(r, d);
    }
    arb_clear(nu);
    arb_clear(t);
    arb_clear(binom);
    _arb_vec_clear(Z, M);
    _arb_vec_clear(d, L);
    return UA_OK;
}

/* Whether the series a is a constant (every coefficient past the first exactly 0). */
static int is_const(arb_srcptr a, slong L)
{
    for (slong k = 1; k < L; k++)
        if (!arb_is_zero(a + k)) return 0;
    return 1;
}

/* r = a ^ b (C99 pow on the reals where it is smooth): integer exponents by repeated
 * multiplication (negative bases allowed), others as exp(b log a) with a > 0. */
static ua_status power(ser_ctx *c, arb_ptr r, arb_srcptr a, arb_srcptr b)
{
    slong L = c->L, prec = c->prec;
    if (is_const(b, L) && arb_is_exact(b) && arb_is_int(b) &&
        arf_cmpabs_2exp_si(arb_midref(b), 20) < 0) {
        slong n = arf_get_si(arb_midref(b), ARF_RND_NEAR);
        if (n == 0) {
            _arb_vec_zero(r, L);
            arb_one(r);
            return UA_OK;
        }
        if (n < 0) {
            if (arb_contains_zero(a)) return dom("a negative power of a ball containing 0");
            _arb_poly_inv_series(c->tmp2, a, L, L, prec);
            _arb_poly_pow_ui_trunc_binexp(r, c->tmp2, L, (ulong)(-n), L, prec);
        } else {
            _arb_poly_pow_ui_trunc_binexp(r, a, L, (ulong)n, L, prec);
        }
        return UA_OK;
    }
    if (!arb_is_positive(a))
        return dom("a non-integer power of a base that is not > 0 on the whole box");
    if (is_const(b, L)) {
        _arb_poly_pow_arb_series(r, a, L, b, L, prec);
        return UA_OK;
    }
    _arb_poly_log_series(c->tmp2, a, L, L, prec);
    _arb_poly_mullow(c->tmp3, c->tmp2, L, b, L, L, prec);
    _arb_poly_exp_series(r, c->tmp3, L, L, prec);
    return UA_OK;
}

static ua_status fn1(ser_ctx *c, int fn, arb_ptr r, arb_srcptr a)
{
    slong L = c->L, prec = c->prec;
    arb_t f0, k;
    arb_init(f0);
    arb_init(k);
    ua_status s = UA_OK;
    switch (fn) {
    case FN_EXP: _arb_poly_exp_series(r, a, L, L, prec); break;
    case FN_EXPM1:
        _arb_poly_exp_series(r, a, L, L, prec);
        arb_expm1(r, a, prec); /* the same series past the constant term */
        break;
    case FN_LOG:
    case FN_LOG2:
    case FN_LOG10:
        if (!arb_is_positive(a)) {
            s = dom("log of a value that is not > 0 on the whole box");
            break;
        }
        _arb_poly_log_series(r, a, L, L, prec);
        if (fn != FN_LOG) {
            arb_set_ui(k, fn == FN_LOG2 ? 2 : 10);
            arb_log(k, k, prec);
            _arb_vec_scalar_div(r, r, L, k, prec);
        }
        break;
    case FN_LOG1P:
        arb_set_si(k, -1);
        if (!arb_gt(a, k)) {
            s = dom("log1p of a value that is not > -1 on the whole box");
            break;
        }
        _arb_poly_log1p_series(r, a, L, L, prec);
        break;
    case FN_SQRT:
        if (L == 1 ? !arb_is_nonnegative(a) : !arb_is_positive(a)) {
            s = dom(L == 1 ? "sqrt of a value below 0" :
                    "sqrt of a value that is not > 0 on the whole box (its derivative is "
                    "infinite at 0)");
            break;
        }
        if (L == 1) arb_sqrt(r, a, prec);
        else _arb_poly_sqrt_series(r, a, L, L, prec);
        break;
    case FN_CBRT:
        if (arb_contains_zero(a)) {
            s = dom("cbrt of a ball containing 0 (its derivative is infinite there)");
            break;
        }
        arb_set_ui(k, 3);
        arb_inv(k, k, prec);
        if (arb_is_positive(a)) {
            _arb_poly_pow_arb_series(r, a, L, k, L, prec);
        } else {
            _arb_vec_neg(c->tmp2, a, L);
            _arb_poly_pow_arb_series(r, c->tmp2, L, k, L, prec);
            _arb_vec_neg(r, r, L);
        }
        break;
    case FN_SIN: _arb_poly_sin_series(r, a, L, L, prec); break;
    case FN_COS: _arb_poly_cos_series(r, a, L, L, prec); break;
    case FN_TAN: _arb_poly_tan_series(r, a, L, L, prec); break;
    case FN_ASIN:
    case FN_ACOS:
        arb_set_si(k, -1);
        {
            arb_t one;
            arb_init(one);
            arb_one(one);
            int inside = arb_gt(a, k) && arb_lt(a, one);
            arb_clear(one);
            if (!inside) {
                s = dom("asin/acos of a value not strictly inside (-1, 1) on the whole box");
                break;
            }
        }
        if (fn == FN_ASIN) _arb_poly_asin_series(r, a, L, L, prec);
        else _arb_poly_acos_series(r, a, L, L, prec);
        break;
    case FN_ATAN: _arb_poly_atan_series(r, a, L, L, prec); break;
    case FN_SINH: _arb_poly_sinh_series(r, a, L, L, prec); break;
    case FN_COSH: _arb_poly_cosh_series(r, a, L, L, prec); break;
    case FN_TANH:
        _arb_poly_sinh_cosh_series(c->tmp2, c->tmp3, a, L, L, prec);
        _arb_poly_div_series(r, c->tmp2, L, c->tmp3, L, L, prec);
        break;
    case FN_ASINH:
    case FN_ACOSH:
    case FN_ATANH: {
        arb_t one;
        arb_init(one);
        arb_one(one);
        int ok = 1;
        if (fn == FN_ACOSH) ok = arb_gt(a, one);
        if (fn == FN_ATANH) {
            arb_abs(k, a);
            ok = arb_lt(k, one);
        }
        arb_clear(one);
        if (!ok) {
            s = dom(fn == FN_ACOSH ? "acosh of a value not > 1 on the whole box"
                                   : "atanh of a value not inside (-1, 1) on the whole box");
            break;
        }
        if (fn == FN_ASINH) arb_asinh(f0, a, prec);
        else if (fn == FN_ACOSH) arb_acosh(f0, a, prec);
        else arb_atanh(f0, a, prec);
        if (L > 1) {
            /* f'(a): 1/sqrt(1 + a^2), 1/sqrt(a^2 - 1), 1/(1 - a^2), to L - 1 terms */
            _arb_poly_mullow(c->tmp2, a, L - 1, a, L - 1, L - 1, prec);
            if (fn == FN_ASINH) arb_add_ui(c->tmp2, c->tmp2, 1, prec);
            else if (fn == FN_ACOSH) arb_sub_ui(c->tmp2, c->tmp2, 1, prec);
            else {
                _arb_vec_neg(c->tmp2, c->tmp2, L - 1);
                arb_add_ui(c->tmp2, c->tmp2, 1, prec);
            }
            if (fn == FN_ATANH) _arb_poly_inv_series(c->tmp, c->tmp2, L - 1, L - 1, prec);
            else _arb_poly_rsqrt_series(c->tmp, c->tmp2, L - 1, L - 1, prec);
            arb_ptr g = _arb_vec_init(L - 1);
            _arb_vec_set(g, c->tmp, L - 1);
            from_derivative(c, r, a, f0, g);
            _arb_vec_clear(g, L - 1);
        } else {
            arb_set(r, f0);
        }
        break;
    }
    case FN_ERF: _arb_hypgeom_erf_series(r, a, L, L, prec); break;
    case FN_ERFC: _arb_hypgeom_erfc_series(r, a, L, L, prec); break;
    case FN_TGAMMA: _arb_poly_gamma_series(r, a, L, L, prec); break;
    case FN_LGAMMA:
        if (arb_is_positive(a)) {
            _arb_poly_lgamma_series(r, a, L, L, prec);
            break;
        }
        /* log |Gamma(a)|: Gamma has no zero, so its sign is fixed between two poles */
        _arb_poly_gamma_series(c->tmp2, a, L, L, prec);
        if (arb_is_negative(c->tmp2)) _arb_vec_neg(c->tmp2, c->tmp2, L);
        if (!arb_is_positive(c->tmp2)) {
            s = dom("lgamma near a pole of Gamma on the box");
            break;
        }
        _arb_poly_log_series(r, c->tmp2, L, L, prec);
        break;
    case FN_J0: s = bessel(c, 0, 0, r, a); break;
    case FN_J1: s = bessel(c, 0, 1, r, a); break;
    case FN_Y0: s = bessel(c, 1, 0, r, a); break;
    case FN_Y1: s = bessel(c, 1, 1, r, a); break;
    case FN_ABS:
    case FN_SIGN:
        if (arb_is_positive(a) || arb_is_negative(a)) {
            int neg = arb_is_negative(a);
            if (fn == FN_ABS) {
                if (neg) _arb_vec_neg(r, a, L);
                else _arb_vec_set(r, a, L);
            } else {
                _arb_vec_zero(r, L);
                arb_set_si(r, neg ? -1 : 1);
            }
        } else if (L == 1) {
            if (fn == FN_ABS) arb_abs(r, a); /* |mid| +- rad: holds every |t| */
            else {
                /* any of -1, 0, 1 */
                arb_zero(r);
                mag_one(arb_radref(r));
            }
        } else {
            s = dom(fn == FN_ABS ? "abs of a value that changes sign on the box (no derivative "
                                   "at 0)"
                                 : "sign of a value that changes sign on the box (a jump)");
        }
        break;
    default: s = dom("a function without a ball form"); break;
    }
    arb_clear(f0);
    arb_clear(k);
    return s;
}

static ua_status fn2(ser_ctx *c, int fn, arb_ptr r, arb_srcptr a, arb_srcptr b)
{
    slong L = c->L, prec = c->prec;
    switch (fn) {
    case FN_POW: return power(c, r, a, b);
    case FN_MIN:
    case FN_MAX:
        if (arb_lt(a, b)) _arb_vec_set(r, fn == FN_MIN ? a : b, L);
        else if (arb_gt(a, b)) _arb_vec_set(r, fn == FN_MIN ? b : a, L);
        else if (L == 1) {
            if (fn == FN_MIN) arb_min(r, a, b, prec);
            else arb_max(r, a, b, prec);
        } else return dom("min/max of two values that cross on the box (no derivative there)");
        return UA_OK;
    case FN_HYPOT:
        if (L == 1) {
            arb_hypot(r, a, b, prec);
            return UA_OK;
        }
        _arb_poly_mullow(c->tmp2, a, L, a, L, L, prec);
        _arb_poly_mullow(c->tmp3, b, L, b, L, L, prec);
        _arb_vec_add(c->tmp2, c->tmp2, c->tmp3, L, prec);
        if (!arb_is_positive(c->tmp2)) return dom("hypot at (0, 0) (no derivative there)");
        _arb_poly_sqrt_series(r, c->tmp2, L, L, prec);
        return UA_OK;
    case FN_ATAN2: {
        /* atan2(a, b) = atan(a / b) for b > 0; +-pi/2 - atan(b / a) for a > 0 or a < 0; the
         * cut (b <= 0, a = 0) and the origin have no smooth series */
        if (arb_is_positive(b)) {
            _arb_poly_div_series(c->tmp2, a, L, b, L, L, prec);
            _arb_poly_atan_series(r, c->tmp2, L, L, prec);
            return UA_OK;
        }
        if (!(arb_is_positive(a) || arb_is_negative(a)))
            return dom("atan2 on its branch cut or at the origin");
        int neg = arb_is_negative(a);
        _arb_poly_div_series(c->tmp2, b, L, a, L, L, prec);
        _arb_poly_atan_series(r, c->tmp2, L, L, prec);
        _arb_vec_neg(r, r, L);
        arb_t h;
        arb_init(h);
        arb_const_pi(h, prec);
        arb_mul_2exp_si(h, h, -1);
        if (neg) arb_sub(r, r, h, prec);
        else arb_add(r, r, h, prec);
        arb_clear(h);
        return UA_OK;
    }
    default: return dom("a function without a ball form");
    }
}

ua_status ua_target_series_arb(const ua_target *t, arb_srcptr x, size_t var, slong len,
                               slong prec, arb_ptr res)
{
    if (!t || !x || !res) return UA_ERR(UA_EINVAL, "series: NULL argument");
    if (var >= t->dim)
        return UA_ERR(UA_EINVAL, "series: variable %zu of a %zu-variable target", var, t->dim);
    if (len < 1 || len > UA_TARGET_SERIES_MAX)
        return UA_ERR(UA_EINVAL, "series: %ld coefficients (1 to %d)", (long)len,
                      UA_TARGET_SERIES_MAX);
    if (prec < 53) prec = 53;
    if (t->builtin)
        return UA_ERR(UA_EDOMAIN, "the built-in target '%s' has no ball form (only expressions "
                      "are enclosed)", t->builtin->name);
    const ua_program *pg = &t->prog;
    slong L = len;
    size_t n = pg->maxstack ? pg->maxstack : 1;
    arb_ptr *st = calloc(n, sizeof *st);
    if (!st) return UA_ENOMEM_ERR(n * sizeof *st);
    for (size_t i = 0; i < n; i++) st[i] = _arb_vec_init(L);
    ser_ctx c = { L, prec, _arb_vec_init(L), _arb_vec_init(L), _arb_vec_init(L) };
    arb_ptr out = _arb_vec_init(L);
    ua_status s = UA_OK;
    size_t sp = 0;
    for (size_t i = 0; i < pg->ncode && !s; i++) {
        const ua_node *nd = &pg->code[i];
        arb_ptr *top = sp ? &st[sp - 1] : NULL;
        const char *what = NULL;
        switch ((ua_op)nd->op) {
        case OP_NUM:
            _arb_vec_zero(st[sp], L);
            if (arb_set_str(st[sp], pg->numtext[nd->arg], prec)) {
                s = UA_ERR(UA_EDOMAIN, "the number '%s' cannot be read as a ball",
                           pg->numtext[nd->arg]);
            }
            sp++;
            break;
        case OP_VAR:
            _arb_vec_zero(st[sp], L);
            arb_set(st[sp], x + nd->arg);
            if (nd->arg == var && L > 1) arb_one(st[sp] + 1);
            sp++;
            break;
        case OP_PI:
            _arb_vec_zero(st[sp], L);
            arb_const_pi(st[sp++], prec);
            break;
        case OP_E:
            _arb_vec_zero(st[sp], L);
            arb_const_e(st[sp++], prec);
            break;
        case OP_NEG: _arb_vec_neg(*top, *top, L); break;
        case OP_ADD:
        case OP_SUB:
        case OP_MUL:
        case OP_DIV:
        case OP_POW: {
            arb_ptr a = st[sp - 2], b = st[sp - 1];
            if (nd->op == OP_ADD) _arb_vec_add(out, a, b, L, prec);
            else if (nd->op == OP_SUB) _arb_vec_sub(out, a, b, L, prec);
            else if (nd->op == OP_MUL) _arb_poly_mullow(out, a, L, b, L, L, prec);
            else if (nd->op == OP_DIV) {
                if (arb_contains_zero(b)) s = dom("a division by a value that reaches 0 on the box");
                else _arb_poly_div_series(out, a, L, b, L, L, prec);
            } else s = power(&c, out, a, b);
            what = nd->op == OP_POW ? "^" : nd->op == OP_DIV ? "/" : "an arithmetic operation";
            sp--;
            _arb_vec_swap(st[sp - 1], out, L);
            break;
        }
        case OP_FN1:
            s = fn1(&c, (int)nd->arg, out, *top);
            what = ua_fn_table[nd->arg].name;
            _arb_vec_swap(*top, out, L);
            break;
        case OP_FN2:
            s = fn2(&c, (int)nd->arg, out, st[sp - 2], st[sp - 1]);
            what = ua_fn_table[nd->arg].name;
            sp--;
            _arb_vec_swap(st[sp - 1], out, L);
            break;
        }
        /* an undefined or infinite intermediate stops the enclosure at once: Arb's 0 * [nan]
         * could otherwise hide it (C and MPFR give NaN there) */
        if (!s && sp && !_arb_vec_is_finite(st[sp - 1], L))
            s = UA_ERR(UA_EDOMAIN, "%s is not finite (or not defined) on the whole box",
                       what ? what : "a value");
    }
    if (!s) {
        if (sp != 1) s = UA_ERR(UA_EINVAL, "series: malformed program");
        else _arb_vec_set(res, st[0], L);
    }
    for (size_t i = 0; i < n; i++) _arb_vec_clear(st[i], L);
    free(st);
    _arb_vec_clear(c.tmp, L);
    _arb_vec_clear(c.tmp2, L);
    _arb_vec_clear(c.tmp3, L);
    _arb_vec_clear(out, L);
    return s;
}

ua_status ua_target_enclose_taylor(const ua_target *t, const double *lo, const double *hi,
                                   size_t var, size_t order, double *clo, double *chi)
{
    if (!t || !lo || !hi || !clo || !chi)
        return UA_ERR(UA_EINVAL, "enclose_taylor: NULL argument");
    size_t d = ua_target_dim(t);
    if (var >= d) return UA_ERR(UA_EINVAL, "enclose_taylor: variable %zu of %zu", var, d);
    if (order >= UA_TARGET_SERIES_MAX)
        return UA_ERR(UA_EINVAL, "enclose_taylor: order %zu (at most %d)", order,
                      UA_TARGET_SERIES_MAX - 1);
    for (size_t i = 0; i < d; i++)
        if (!isfinite(lo[i]) || !isfinite(hi[i]) || !(lo[i] <= hi[i]))
            return UA_ERR(UA_EINVAL, "enclose_taylor: box side %zu is [%g, %g]", i, lo[i], hi[i]);
    slong L = (slong)order + 1, prec = 128;
    arb_ptr x = _arb_vec_init((slong)d), r = _arb_vec_init(L);
    arf_t a, b;
    arf_init(a);
    arf_init(b);
    for (size_t i = 0; i < d; i++) {
        arf_set_d(a, lo[i]);
        arf_set_d(b, hi[i]);
        arb_set_interval_arf(x + i, a, b, prec);
    }
    ua_status s = ua_target_series_arb(t, x, var, L, prec, r);
    for (slong k = 0; k < L && !s; k++) {
        arb_get_lbound_arf(a, r + k, prec);
        arb_get_ubound_arf(b, r + k, prec);
        clo[k] = arf_get_d(a, ARF_RND_FLOOR);
        chi[k] = arf_get_d(b, ARF_RND_CEIL);
        if (!isfinite(clo[k]) || !isfinite(chi[k]))
            s = UA_ERR(UA_EDOMAIN, "the Taylor coefficient %ld of '%s' is beyond the doubles' "
                       "range on the box", (long)k, ua_target_spec(t));
    }
    arf_clear(a);
    arf_clear(b);
    _arb_vec_clear(x, (slong)d);
    _arb_vec_clear(r, L);
    return s;
}

ua_status ua_target_fn1_series(int fn, arb_srcptr a, slong len, slong prec, arb_ptr res)
{
    if (!a || !res) return UA_ERR(UA_EINVAL, "series: NULL argument");
    if (fn < 0 || fn >= FN_COUNT || ua_fn_table[fn].nargs != 1)
        return UA_ERR(UA_EINVAL, "series: %d is no function of one argument", fn);
    if (len < 1 || len > UA_TARGET_SERIES_MAX)
        return UA_ERR(UA_EINVAL, "series: %ld coefficients (1 to %d)", (long)len,
                      UA_TARGET_SERIES_MAX);
    ser_ctx c = { len, prec < 53 ? 53 : prec, _arb_vec_init(len), _arb_vec_init(len),
                  _arb_vec_init(len) };
    ua_status s = fn1(&c, fn, res, a);
    if (!s && !_arb_vec_is_finite(res, len))
        s = UA_ERR(UA_EDOMAIN, "%s is not finite (or not defined) on the whole box",
                   ua_fn_table[fn].name);
    _arb_vec_clear(c.tmp, len);
    _arb_vec_clear(c.tmp2, len);
    _arb_vec_clear(c.tmp3, len);
    return s;
}
