/*
 * The formula's expression tree as a multivariate Taylor model on a cell (src/prove/tm.h,
 * ua_tm_target): the postfix program walked with a stack of Taylor models. Variables are
 * x_i = c_i + r_i t_i; +, -, * are Taylor-model arithmetic; every function of one argument, 1 / b
 * and b^p for a constant non-integer p compose through their univariate Taylor series at a ball
 * (Arb's power-series routines, src/target/arb.c, ua_target_fn1_series), which also refuse the
 * non-smooth points and poles (UA_EDOMAIN naming the function); integer powers are repeated
 * products; a^b with b not constant is exp(b log a); hypot(a, b) = sqrt(a^2 + b^2);
 * atan2(a, b) = atan(a / b) for b > 0, +-pi/2 - atan(b / a) where a keeps its sign; min and max
 * where the two ranges do not overlap pick one, else refuse.
 */
#include <math.h>
#include <stdlib.h>

#include <arb_poly.h>

#include "core/internal.h"
#include "prove/tm.h"
#include "target/arb.h"
#include "target/internal.h"

typedef struct {
    int fn;          /* a ua_fn_id, or one of the two below */
    arb_srcptr p;    /* the exponent of POWC */
} series_ctx;

#define SER_INV (-1)  /* 1 / x */
#define SER_POWC (-2) /* x^p, p a constant ball */

static ua_status series(void *vctx, const arb_t a, slong L, slong prec, arb_ptr g)
{
    series_ctx *c = vctx;
    arb_ptr in = _arb_vec_init(L);
    arb_set(in, a);
    if (L > 1) arb_one(in + 1);
    ua_status s = UA_OK;
    if (c->fn == SER_INV) {
        if (arb_contains_zero(a)) s = UA_ERR(UA_EDOMAIN, "a division by a value that reaches 0 "
                                             "on the cell");
        else _arb_poly_inv_series(g, in, L, L, prec);
    } else if (c->fn == SER_POWC) {
        if (!arb_is_positive(a))
            s = UA_ERR(UA_EDOMAIN, "a non-integer power of a base that is not > 0 on the cell");
        else _arb_poly_pow_arb_series(g, in, L, c->p, L, prec);
    } else {
        s = ua_target_fn1_series(c->fn, in, L, prec, g);
    }
    if (!s && !_arb_vec_is_finite(g, L))
        s = UA_ERR(UA_EDOMAIN, "a function's Taylor coefficients are not finite on the cell");
    _arb_vec_clear(in, L);
    return s;
}

static ua_status compose(const ua_tm_space *sp, ua_tm *r, const ua_tm *a, int fn, arb_srcptr p)
{
    series_ctx c = { fn, p };
    return ua_tm_compose(sp, r, a, series, &c);
}

/* Whether a is a constant: no coefficient past the first, and an exact constant. */
static int is_const(const ua_tm_space *sp, const ua_tm *a)
{
    for (size_t j = 1; j < sp->n; j++)
        if (!arb_is_zero(a->c + j)) return 0;
    return 1;
}

/* r = a^n for n >= 1 by binary powering (r must not alias a). */
static void pow_ui(const ua_tm_space *sp, ua_tm *r, const ua_tm *a, unsigned long n, ua_tm *t1,
                   ua_tm *t2)
{
    ua_tm_set(sp, t1, a); /* t1: a^(2^k) */
    int have = 0;
    while (n) {
        if (n & 1) {
            if (!have) {
                ua_tm_set(sp, r, t1);
                have = 1;
            } else {
                ua_tm_mul(sp, t2, r, t1);
                ua_tm_swap(t2, r);
            }
        }
        n >>= 1;
        if (n) {
            ua_tm_mul(sp, t2, t1, t1);
            ua_tm_swap(t2, t1);
        }
    }
}

/* r = a ^ b, as C's pow where it is smooth. tmp: three scratch models. */
static ua_status power(const ua_tm_space *sp, ua_tm *r, const ua_tm *a, const ua_tm *b,
                       ua_tm *tmp)
{
    if (is_const(sp, b) && arb_is_exact(b->c) && arb_is_int(b->c) &&
        arf_cmpabs_2exp_si(arb_midref(b->c), 20) < 0) {
        slong n = arf_get_si(arb_midref(b->c), ARF_RND_NEAR);
        if (n == 0) {
            ua_tm_zero(sp, r);
            arb_one(r->c);
            return UA_OK;
        }
        if (n < 0) {
            ua_status s = compose(sp, tmp + 2, a, SER_INV, NULL);
            if (s) return s;
            pow_ui(sp, r, tmp + 2, (unsigned long)(-n), tmp, tmp + 1);
        } else {
            pow_ui(sp, r, a, (unsigned long)n, tmp, tmp + 1);
        }
        return UA_OK;
    }
    if (is_const(sp, b)) return compose(sp, r, a, SER_POWC, b->c);
    ua_status s = compose(sp, tmp, a, FN_LOG, NULL);
    if (s) return s;
    ua_tm_mul(sp, tmp + 1, tmp, b);
    return compose(sp, r, tmp + 1, FN_EXP, NULL);
}

static ua_status fn2(const ua_tm_space *sp, int fn, ua_tm *r, const ua_tm *a, const ua_tm *b,
                     ua_tm *tmp)
{
    slong prec = sp->prec;
    switch (fn) {
    case FN_POW: return power(sp, r, a, b, tmp);
    case FN_MIN:
    case FN_MAX: {
        arb_t ra, rb;
        arb_init(ra);
        arb_init(rb);
        ua_tm_range(sp, a, ra);
        ua_tm_range(sp, b, rb);
        int lt = arb_lt(ra, rb), gt = arb_gt(ra, rb);
        arb_clear(ra);
        arb_clear(rb);
        if (!lt && !gt)
            return UA_ERR(UA_EDOMAIN, "min/max of two values that may cross on the cell (no "
                          "derivative there)");
        ua_tm_set(sp, r, ((fn == FN_MIN) == lt) ? a : b);
        return UA_OK;
    }
    case FN_HYPOT: {
        ua_tm_mul(sp, tmp, a, a);
        ua_tm_mul(sp, tmp + 1, b, b);
        ua_tm_add(sp, tmp, tmp, tmp + 1);
        ua_status s = compose(sp, r, tmp, FN_SQRT, NULL);
        if (s) return UA_ERR(UA_EDOMAIN, "hypot near (0, 0) on the cell (no derivative there)");
        return UA_OK;
    }
    case FN_ATAN2: {
        arb_t ra, rb;
        arb_init(ra);
        arb_init(rb);
        ua_tm_range(sp, a, ra);
        ua_tm_range(sp, b, rb);
        int bpos = arb_is_positive(rb), apos = arb_is_positive(ra), aneg = arb_is_negative(ra);
        arb_clear(ra);
        arb_clear(rb);
        ua_status s;
        if (bpos) {
            s = compose(sp, tmp, b, SER_INV, NULL);
            if (s) return s;
            ua_tm_mul(sp, tmp + 1, a, tmp);
            return compose(sp, r, tmp + 1, FN_ATAN, NULL);
        }
        if (!apos && !aneg) return UA_ERR(UA_EDOMAIN, "atan2 on its branch cut or at the origin");
        s = compose(sp, tmp, a, SER_INV, NULL);
        if (s) return s;
        ua_tm_mul(sp, tmp + 1, b, tmp);
        s = compose(sp, r, tmp + 1, FN_ATAN, NULL);
        if (s) return s;
        ua_tm_neg(sp, r, r);
        arb_t h;
        arb_init(h);
        arb_const_pi(h, prec);
        arb_mul_2exp_si(h, h, -1);
        if (aneg) arb_sub(r->c, r->c, h, prec);
        else arb_add(r->c, r->c, h, prec);
        arb_clear(h);
        return UA_OK;
    }
    default: return UA_ERR(UA_EDOMAIN, "a function without a Taylor-model form");
    }
}

ua_status ua_tm_target(const ua_tm_space *sp, const ua_target *t, const double *lo,
                       const double *hi, ua_tm *out)
{
    if (!sp || !t || !lo || !hi || !out) return UA_ERR(UA_EINVAL, "tm_target: NULL argument");
    if (t->dim != sp->d)
        return UA_ERR(UA_EINVAL, "tm_target: a %zu-variable formula in a %zu-variable space",
                      t->dim, sp->d);
    if (t->builtin)
        return UA_ERR(UA_EDOMAIN, "the built-in target '%s' has no ball form (only expressions "
                      "are enclosed)", t->builtin->name);
    const ua_program *pg = &t->prog;
    slong prec = sp->prec;
    size_t n = pg->maxstack ? pg->maxstack : 1;
    ua_tm *st = calloc(n, sizeof *st), tmp[4];
    if (!st) return UA_ENOMEM_ERR(n * sizeof *st);
    for (size_t i = 0; i < n; i++) ua_tm_init(sp, st + i);
    for (int i = 0; i < 4; i++) ua_tm_init(sp, tmp + i);
    arb_t cen, rad;
    arb_init(cen);
    arb_init(rad);
    ua_status s = UA_OK;
    size_t sp_ = 0;
    for (size_t i = 0; i < pg->ncode && !s; i++) {
        const ua_node *nd = &pg->code[i];
        const char *what = NULL;
        switch ((ua_op)nd->op) {
        case OP_NUM:
            ua_tm_zero(sp, st + sp_);
            if (arb_set_str(st[sp_].c, pg->numtext[nd->arg], prec))
                s = UA_ERR(UA_EDOMAIN, "the number '%s' cannot be read as a ball",
                           pg->numtext[nd->arg]);
            sp_++;
            break;
        case OP_VAR: {
            size_t v = nd->arg;
            ua_tm_zero(sp, st + sp_);
            /* x_v = (lo + hi) / 2 + (hi - lo) / 2 t_v, both balls from exact doubles */
            arb_set_d(cen, lo[v]);
            arb_set_d(rad, hi[v]);
            arb_add(st[sp_].c, cen, rad, prec);
            arb_mul_2exp_si(st[sp_].c, st[sp_].c, -1);
            arb_sub(rad, rad, cen, prec);
            arb_mul_2exp_si(rad, rad, -1);
            arb_set(st[sp_].c + sp->uni[v * (sp->K + 1) + 1], rad);
            sp_++;
            break;
        }
        case OP_PI:
            ua_tm_zero(sp, st + sp_);
            arb_const_pi(st[sp_++].c, prec);
            break;
        case OP_E:
            ua_tm_zero(sp, st + sp_);
            arb_const_e(st[sp_++].c, prec);
            break;
        case OP_NEG: ua_tm_neg(sp, st + sp_ - 1, st + sp_ - 1); break;
        case OP_ADD:
        case OP_SUB:
        case OP_MUL:
        case OP_DIV:
        case OP_POW: {
            ua_tm *a = st + sp_ - 2, *b = st + sp_ - 1;
            if (nd->op == OP_ADD) ua_tm_add(sp, tmp + 3, a, b);
            else if (nd->op == OP_SUB) ua_tm_sub(sp, tmp + 3, a, b);
            else if (nd->op == OP_MUL) ua_tm_mul(sp, tmp + 3, a, b);
            else if (nd->op == OP_DIV) {
                s = compose(sp, tmp, b, SER_INV, NULL);
                if (!s) ua_tm_mul(sp, tmp + 3, a, tmp);
            } else s = power(sp, tmp + 3, a, b, tmp);
            what = nd->op == OP_POW ? "^" : nd->op == OP_DIV ? "/" : "an arithmetic operation";
            sp_--;
            ua_tm_swap(st + sp_ - 1, tmp + 3);
            break;
        }
        case OP_FN1:
            s = compose(sp, tmp + 3, st + sp_ - 1, (int)nd->arg, NULL);
            what = ua_fn_table[nd->arg].name;
            ua_tm_swap(st + sp_ - 1, tmp + 3);
            break;
        case OP_FN2:
            s = fn2(sp, (int)nd->arg, tmp + 3, st + sp_ - 2, st + sp_ - 1, tmp);
            what = ua_fn_table[nd->arg].name;
            sp_--;
            ua_tm_swap(st + sp_ - 1, tmp + 3);
            break;
        }
        if (!s && sp_ && !ua_tm_is_finite(sp, st + sp_ - 1))
            s = UA_ERR(UA_EDOMAIN, "%s is not finite (or not defined) on the whole cell",
                       what ? what : "a value");
    }
    if (!s) {
        if (sp_ != 1) s = UA_ERR(UA_EINVAL, "tm_target: malformed program");
        else ua_tm_set(sp, out, st);
    }
    for (size_t i = 0; i < n; i++) ua_tm_clear(sp, st + i);
    for (int i = 0; i < 4; i++) ua_tm_clear(sp, tmp + i);
    free(st);
    arb_clear(cen);
    arb_clear(rad);
    return s;
}
