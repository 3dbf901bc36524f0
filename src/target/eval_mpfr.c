/*
 * MPFR evaluation of a parsed expression: every operation is rounded to nearest at a working
 * precision of the output precision + 32 bits (at least 85), so the final rounding to the
 * caller's precision dominates the error except where the formula itself cancels.
 */
#include <stdlib.h>

#include "internal.h"

#define GUARD_BITS 32

/* Beyond this binary exponent (|a| >= 2^1024, past the largest double) the periodic and
 * oscillating functions are not computed: their argument reduction needs about as many bits of
 * pi as the exponent, so sin(1e55555555) (a literal MPFR reads exactly) ran for hours. The double
 * evaluator meets such an argument as +-Inf and gives NaN (sin, cos, tan); NaN here too, which
 * the engine refuses as a reference instead of hanging. */
#define MAX_REDUCED_EXP 1024

static int reduces_argument(int fn)
{
    return fn == FN_SIN || fn == FN_COS || fn == FN_TAN || fn == FN_J0 || fn == FN_J1 ||
           fn == FN_Y0 || fn == FN_Y1;
}

static void fn1(int fn, mpfr_t r, mpfr_t a)
{
    const mpfr_rnd_t N = MPFR_RNDN;
    int sg;
    if (reduces_argument(fn) && mpfr_regular_p(a) && mpfr_get_exp(a) > MAX_REDUCED_EXP) {
        mpfr_set_nan(r);
        return;
    }
    switch (fn) {
    case FN_EXP: mpfr_exp(r, a, N); break;
    case FN_EXPM1: mpfr_expm1(r, a, N); break;
    case FN_LOG: mpfr_log(r, a, N); break;
    case FN_LOG1P: mpfr_log1p(r, a, N); break;
    case FN_LOG2: mpfr_log2(r, a, N); break;
    case FN_LOG10: mpfr_log10(r, a, N); break;
    case FN_SQRT: mpfr_sqrt(r, a, N); break;
    case FN_CBRT: mpfr_cbrt(r, a, N); break;
    case FN_SIN: mpfr_sin(r, a, N); break;
    case FN_COS: mpfr_cos(r, a, N); break;
    case FN_TAN: mpfr_tan(r, a, N); break;
    case FN_ASIN: mpfr_asin(r, a, N); break;
    case FN_ACOS: mpfr_acos(r, a, N); break;
    case FN_ATAN: mpfr_atan(r, a, N); break;
    case FN_SINH: mpfr_sinh(r, a, N); break;
    case FN_COSH: mpfr_cosh(r, a, N); break;
    case FN_TANH: mpfr_tanh(r, a, N); break;
    case FN_ASINH: mpfr_asinh(r, a, N); break;
    case FN_ACOSH: mpfr_acosh(r, a, N); break;
    case FN_ATANH: mpfr_atanh(r, a, N); break;
    case FN_ERF: mpfr_erf(r, a, N); break;
    case FN_ERFC: mpfr_erfc(r, a, N); break;
    case FN_TGAMMA: mpfr_gamma(r, a, N); break;
    /* mpfr_lgamma is log|Gamma(a)| like C's lgamma; mpfr_lngamma would give NaN where
     * Gamma(a) < 0. */
    case FN_LGAMMA: mpfr_lgamma(r, &sg, a, N); break;
    case FN_J0: mpfr_j0(r, a, N); break;
    case FN_J1: mpfr_j1(r, a, N); break;
    case FN_Y0: mpfr_y0(r, a, N); break;
    case FN_Y1: mpfr_y1(r, a, N); break;
    case FN_ABS: mpfr_abs(r, a, N); break;
    case FN_SIGN:
        /* {-1, 0, 1}; zeros keep their sign and NaN stays NaN, as in the double evaluator */
        if (!mpfr_nan_p(a) && !mpfr_zero_p(a)) mpfr_set_si(r, mpfr_sgn(a), N);
        else mpfr_set(r, a, N);
        break;
    default: mpfr_set_nan(r); break;
    }
}

static void fn2(int fn, mpfr_t r, mpfr_t a, mpfr_t b)
{
    const mpfr_rnd_t N = MPFR_RNDN;
    switch (fn) {
    case FN_ATAN2: mpfr_atan2(r, a, b, N); break;
    case FN_MIN: mpfr_min(r, a, b, N); break; /* like fmin: a NaN operand loses */
    case FN_MAX: mpfr_max(r, a, b, N); break;
    case FN_POW: mpfr_pow(r, a, b, N); break; /* C99 pow special cases */
    case FN_HYPOT: mpfr_hypot(r, a, b, N); break;
    default: mpfr_set_nan(r); break;
    }
}

/* The evaluator: variables from the doubles xd or, when xd is NULL, from the MPFR numbers xm
 * (held at the working precision: an input with more bits than it is rounded once). */
static void eval_core(const ua_program *prog, const double *xd, mpfr_srcptr const *xm, mpfr_t y)
{
    mpfr_prec_t prec = mpfr_get_prec(y);
    /* at least 53 bits so that every double input is held exactly */
    mpfr_prec_t wp = (prec < 53 ? 53 : prec) + GUARD_BITS;
    size_t n = prog->maxstack ? prog->maxstack : 1;
    mpfr_t *st = malloc(n * sizeof *st);
    if (!st) {
        mpfr_set_nan(y);
        return;
    }
    for (size_t i = 0; i < n; i++) mpfr_init2(st[i], wp);
    const mpfr_rnd_t N = MPFR_RNDN;
    size_t sp = 0;
    for (size_t i = 0; i < prog->ncode; i++) {
        const ua_node *nd = &prog->code[i];
        switch ((ua_op)nd->op) {
        case OP_NUM:
            /* the literal's exact decimal value, so 0.1 means 1/10 here, not the double 0.1 */
            mpfr_set_str(st[sp++], prog->numtext[nd->arg], 10, N);
            break;
        case OP_VAR:
            if (xd) mpfr_set_d(st[sp++], xd[nd->arg], N);
            else mpfr_set(st[sp++], xm[nd->arg], N);
            break;
        case OP_PI: mpfr_const_pi(st[sp++], N); break;
        case OP_E: mpfr_set_ui(st[sp], 1, N); mpfr_exp(st[sp], st[sp], N); sp++; break;
        case OP_NEG: mpfr_neg(st[sp - 1], st[sp - 1], N); break;
        case OP_ADD: sp--; mpfr_add(st[sp - 1], st[sp - 1], st[sp], N); break;
        case OP_SUB: sp--; mpfr_sub(st[sp - 1], st[sp - 1], st[sp], N); break;
        case OP_MUL: sp--; mpfr_mul(st[sp - 1], st[sp - 1], st[sp], N); break;
        case OP_DIV: sp--; mpfr_div(st[sp - 1], st[sp - 1], st[sp], N); break;
        case OP_POW: sp--; mpfr_pow(st[sp - 1], st[sp - 1], st[sp], N); break;
        case OP_FN1: fn1((int)nd->arg, st[sp - 1], st[sp - 1]); break;
        case OP_FN2: sp--; fn2((int)nd->arg, st[sp - 1], st[sp - 1], st[sp]); break;
        }
    }
    if (sp) mpfr_set(y, st[0], N);
    else mpfr_set_nan(y);
    for (size_t i = 0; i < n; i++) mpfr_clear(st[i]);
    free(st);
}

void ua_program_eval_mpfr(const ua_program *prog, const double *x, mpfr_t y)
{
    eval_core(prog, x, NULL, y);
}

void ua_program_eval_mpfr_at(const ua_program *prog, mpfr_srcptr const *x, mpfr_t y)
{
    eval_core(prog, NULL, x, y);
}
