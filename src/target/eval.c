/* Double-precision evaluation of a parsed expression: C99 libm semantics throughout. */
#define _DEFAULT_SOURCE /* lgamma_r (reentrant: lgamma writes the global signgam) and j0..y1 */
#include <math.h>
#include <stdlib.h>

#include "internal.h"

static double sign_d(double a) { return a > 0 ? 1.0 : a < 0 ? -1.0 : a; /* keeps +-0 and NaN */ }

static double fn1(int fn, double a)
{
    int sg;
    switch (fn) {
    case FN_EXP: return exp(a);
    case FN_EXPM1: return expm1(a);
    case FN_LOG: return log(a);
    case FN_LOG1P: return log1p(a);
    case FN_LOG2: return log2(a);
    case FN_LOG10: return log10(a);
    case FN_SQRT: return sqrt(a);
    case FN_CBRT: return cbrt(a);
    case FN_SIN: return sin(a);
    case FN_COS: return cos(a);
    case FN_TAN: return tan(a);
    case FN_ASIN: return asin(a);
    case FN_ACOS: return acos(a);
    case FN_ATAN: return atan(a);
    case FN_SINH: return sinh(a);
    case FN_COSH: return cosh(a);
    case FN_TANH: return tanh(a);
    case FN_ASINH: return asinh(a);
    case FN_ACOSH: return acosh(a);
    case FN_ATANH: return atanh(a);
    case FN_ERF: return erf(a);
    case FN_ERFC: return erfc(a);
    case FN_TGAMMA: return tgamma(a);
    case FN_LGAMMA: return lgamma_r(a, &sg);
    case FN_J0: return j0(a);
    case FN_J1: return j1(a);
    case FN_Y0: return y0(a);
    case FN_Y1: return y1(a);
    case FN_ABS: return fabs(a);
    case FN_SIGN: return sign_d(a);
    default: return NAN;
    }
}

static double fn2(int fn, double a, double b)
{
    switch (fn) {
    case FN_ATAN2: return atan2(a, b);
    case FN_MIN: return fmin(a, b);
    case FN_MAX: return fmax(a, b);
    case FN_POW: return pow(a, b);
    case FN_HYPOT: return hypot(a, b);
    default: return NAN;
    }
}

/* Small expressions use a stack array; deeper ones a per-call heap block (thread-safe). */
#define LOCAL_STACK 64

double ua_program_eval(const ua_program *prog, const double *x)
{
    double local[LOCAL_STACK];
    double *st = local;
    if (prog->maxstack > LOCAL_STACK) {
        st = malloc(prog->maxstack * sizeof *st);
        if (!st) return NAN;
    }
    size_t sp = 0;
    for (size_t i = 0; i < prog->ncode; i++) {
        const ua_node *n = &prog->code[i];
        switch ((ua_op)n->op) {
        case OP_NUM: st[sp++] = prog->num[n->arg]; break;
        case OP_VAR: st[sp++] = x[n->arg]; break;
        case OP_PI: st[sp++] = 3.14159265358979323846; break;
        case OP_E: st[sp++] = 2.71828182845904523536; break;
        case OP_NEG: st[sp - 1] = -st[sp - 1]; break;
        case OP_ADD: sp--; st[sp - 1] += st[sp]; break;
        case OP_SUB: sp--; st[sp - 1] -= st[sp]; break;
        case OP_MUL: sp--; st[sp - 1] *= st[sp]; break;
        case OP_DIV: sp--; st[sp - 1] /= st[sp]; break;
        case OP_POW: sp--; st[sp - 1] = pow(st[sp - 1], st[sp]); break;
        case OP_FN1: st[sp - 1] = fn1((int)n->arg, st[sp - 1]); break;
        case OP_FN2: sp--; st[sp - 1] = fn2((int)n->arg, st[sp - 1], st[sp]); break;
        }
    }
    double r = sp ? st[0] : NAN;
    if (st != local) free(st);
    return r;
}
