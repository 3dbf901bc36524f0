/*
 * src/pde/transform.c — hard constraints by an output transform (DeepXDE's
 * apply_output_transform; Lagaris, Likas & Fotiadis 1998): the network's output N becomes
 *     u(x) = g(x) + D(x) N(x),
 * g an expression equal to the Dirichlet and initial values on their faces, D an expression that
 * vanishes on those faces, so u satisfies those conditions exactly whatever N is and the loss
 * keeps only the residual (and the Neumann or periodic conditions). The jets of g and D (value,
 * first and second derivatives) are computed exactly by Taylor mode over the expression's postfix
 * program, and u's jets by the product rule:
 *     u_i = g_i + D_i N + D N_i,   u_ij = g_ij + D_ij N + D_i N_j + D_j N_i + D N_ij;
 * the backward pass is the adjoint of that linear map in N's jet.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "target/internal.h"
#include "internal.h"

/* The deepest value stack a transform expression may use (a fixed array per point). */
#define TR_MAX_STACK 48
#define TR_PI 3.14159265358979323846
#define TR_E 2.71828182845904523536
#define TR_LN2 0.69314718055994530942
#define TR_LN10 2.30258509299404568402

/* Whether the expression's program holds only what the jets can differentiate. */
static int jet_supported(const ua_target *t, const char **bad)
{
    if (t->builtin) {
        *bad = "a built-in target";
        return 0;
    }
    if (t->prog.maxstack > TR_MAX_STACK) {
        *bad = "an expression nested too deeply";
        return 0;
    }
    for (size_t i = 0; i < t->prog.ncode; i++) {
        const ua_node *n = &t->prog.code[i];
        if (n->op == OP_FN1 && (n->arg == FN_TGAMMA || n->arg == FN_LGAMMA || n->arg == FN_J0 ||
                                n->arg == FN_J1 || n->arg == FN_Y0 || n->arg == FN_Y1)) {
            *bad = ua_fn_table[n->arg].name;
            return 0;
        }
        if (n->op == OP_FN2 && n->arg != FN_POW) {
            *bad = ua_fn_table[n->arg].name;
            return 0;
        }
    }
    return 1;
}

/* r = f(a) for a jet a, given f(a0), f'(a0), f''(a0). */
static void chain(const ua_pde_jet *J, const double *a, double f0, double f1, double f2, double *r)
{
    size_t d = J->d;
    double a1[UA_PDE_MAX_DIM];
    for (size_t i = 0; i < d; i++) a1[i] = a[1 + i];
    r[0] = f0;
    for (size_t i = 0; i < d; i++) r[1 + i] = f1 * a1[i];
    for (size_t q = 0; q < J->npairs; q++)
        r[1 + d + q] = f2 * a1[J->pi[q]] * a1[J->pj[q]] + f1 * a[1 + d + q];
}

static void jet_mul(const ua_pde_jet *J, const double *a, const double *b, double *r)
{
    size_t d = J->d;
    double t[UA_PDE_MAX_CHAN];
    t[0] = a[0] * b[0];
    for (size_t i = 0; i < d; i++) t[1 + i] = a[1 + i] * b[0] + a[0] * b[1 + i];
    for (size_t q = 0; q < J->npairs; q++) {
        size_t i = 1 + (size_t)J->pi[q], j = 1 + (size_t)J->pj[q], k = 1 + d + q;
        t[k] = a[k] * b[0] + a[i] * b[j] + a[j] * b[i] + a[0] * b[k];
    }
    memcpy(r, t, J->C * sizeof *r);
}

static void jet_div(const ua_pde_jet *J, const double *a, const double *b, double *r)
{
    size_t d = J->d;
    double t[UA_PDE_MAX_CHAN];
    t[0] = a[0] / b[0];
    for (size_t i = 0; i < d; i++) t[1 + i] = (a[1 + i] - t[0] * b[1 + i]) / b[0];
    for (size_t q = 0; q < J->npairs; q++) {
        size_t i = 1 + (size_t)J->pi[q], j = 1 + (size_t)J->pj[q], k = 1 + d + q;
        t[k] = (a[k] - t[i] * b[j] - t[j] * b[i] - t[0] * b[k]) / b[0];
    }
    memcpy(r, t, J->C * sizeof *r);
}

static int is_const(const ua_pde_jet *J, const double *a)
{
    for (size_t c = 1; c < J->C; c++)
        if (a[c] != 0) return 0;
    return 1;
}

/* a^b: a constant exponent by the power rule (exact at a = 0 for integer b), else exp(b log a). */
static void jet_pow(const ua_pde_jet *J, const double *a, const double *b, double *r)
{
    if (is_const(J, b)) {
        double c = b[0], f1 = c == 0 ? 0 : c * pow(a[0], c - 1);
        double f2 = c == 0 || c == 1 ? 0 : c * (c - 1) * pow(a[0], c - 2);
        chain(J, a, pow(a[0], c), f1, f2, r);
        return;
    }
    double l[UA_PDE_MAX_CHAN], v = pow(a[0], b[0]);
    chain(J, a, log(a[0]), 1 / a[0], -1 / (a[0] * a[0]), l);
    jet_mul(J, b, l, l);
    chain(J, l, v, v, v, r); /* exp(b log a), its value as pow rounds it */
}

static void jet_fn1(const ua_pde_jet *J, int fn, const double *a, double *r)
{
    double x = a[0], f0, f1, f2;
    switch (fn) {
    case FN_EXP: f0 = f1 = f2 = exp(x); break;
    case FN_EXPM1: f0 = expm1(x), f1 = f2 = exp(x); break;
    case FN_LOG: f0 = log(x), f1 = 1 / x, f2 = -1 / (x * x); break;
    case FN_LOG1P: f0 = log1p(x), f1 = 1 / (1 + x), f2 = -f1 * f1; break;
    case FN_LOG2: f0 = log2(x), f1 = 1 / (x * TR_LN2), f2 = -f1 / x; break;
    case FN_LOG10: f0 = log10(x), f1 = 1 / (x * TR_LN10), f2 = -f1 / x; break;
    case FN_SQRT: f0 = sqrt(x), f1 = 0.5 / f0, f2 = -0.25 / (f0 * x); break;
    case FN_CBRT: f0 = cbrt(x), f1 = 1 / (3 * f0 * f0), f2 = -2 * f1 / (3 * x); break;
    case FN_SIN: f0 = sin(x), f1 = cos(x), f2 = -f0; break;
    case FN_COS: f0 = cos(x), f1 = -sin(x), f2 = -f0; break;
    case FN_TAN: f0 = tan(x), f1 = 1 + f0 * f0, f2 = 2 * f0 * f1; break;
    case FN_ASIN: f0 = asin(x), f1 = 1 / sqrt(1 - x * x), f2 = x * f1 * f1 * f1; break;
    case FN_ACOS: f0 = acos(x), f1 = -1 / sqrt(1 - x * x), f2 = x * f1 * f1 * f1; break;
    case FN_ATAN: f0 = atan(x), f1 = 1 / (1 + x * x), f2 = -2 * x * f1 * f1; break;
    case FN_SINH: f0 = sinh(x), f1 = cosh(x), f2 = f0; break;
    case FN_COSH: f0 = cosh(x), f1 = sinh(x), f2 = f0; break;
    case FN_TANH: f0 = tanh(x), f1 = 1 - f0 * f0, f2 = -2 * f0 * f1; break;
    case FN_ASINH: f0 = asinh(x), f1 = 1 / sqrt(1 + x * x), f2 = -x * f1 * f1 * f1; break;
    case FN_ACOSH: f0 = acosh(x), f1 = 1 / sqrt(x * x - 1), f2 = -x * f1 * f1 * f1; break;
    case FN_ATANH: f0 = atanh(x), f1 = 1 / (1 - x * x), f2 = 2 * x * f1 * f1; break;
    case FN_ERF: f0 = erf(x), f1 = 1.1283791670955126 * exp(-x * x), f2 = -2 * x * f1; break;
    case FN_ERFC: f0 = erfc(x), f1 = -1.1283791670955126 * exp(-x * x), f2 = -2 * x * f1; break;
    case FN_ABS: f0 = fabs(x), f1 = x > 0 ? 1 : x < 0 ? -1 : 0, f2 = 0; break;
    case FN_SIGN: f0 = x > 0 ? 1 : x < 0 ? -1 : 0, f1 = f2 = 0; break;
    default: f0 = f1 = f2 = NAN; break; /* refused when the transform is made */
    }
    chain(J, a, f0, f1, f2, r);
}

/* The jet r (C,) of expression t at the point v (its variables: the d inputs first, then
 * constants), in the layout J. */
static void expr_jet(const ua_target *t, const ua_pde_jet *J, const double *v, double *r)
{
    size_t C = J->C, sp = 0;
    double st[TR_MAX_STACK][UA_PDE_MAX_CHAN];
    const ua_program *pr = &t->prog;
    for (size_t i = 0; i < pr->ncode; i++) {
        const ua_node *n = &pr->code[i];
        double *a = sp >= 2 ? st[sp - 2] : NULL, *b = sp >= 1 ? st[sp - 1] : NULL;
        switch ((ua_op)n->op) {
        case OP_NUM:
        case OP_PI:
        case OP_E:
        case OP_VAR:
            memset(st[sp], 0, C * sizeof(double));
            st[sp][0] = n->op == OP_NUM ? pr->num[n->arg] : n->op == OP_PI ? TR_PI
                      : n->op == OP_E ? TR_E : v[n->arg];
            if (n->op == OP_VAR && n->arg < J->d) st[sp][1 + n->arg] = 1;
            sp++;
            break;
        case OP_NEG:
            for (size_t c = 0; c < C; c++) b[c] = -b[c];
            break;
        case OP_ADD:
            for (size_t c = 0; c < C; c++) a[c] += b[c];
            sp--;
            break;
        case OP_SUB:
            for (size_t c = 0; c < C; c++) a[c] -= b[c];
            sp--;
            break;
        case OP_MUL: jet_mul(J, a, b, a), sp--; break;
        case OP_DIV: jet_div(J, a, b, a), sp--; break;
        case OP_POW: jet_pow(J, a, b, a), sp--; break;
        case OP_FN1: jet_fn1(J, (int)n->arg, b, b); break;
        case OP_FN2: jet_pow(J, a, b, a), sp--; break; /* pow: the only one accepted */
        }
    }
    memcpy(r, st[0], C * sizeof *r);
}

void ua_pde_transform_free(ua_pde_transform *T)
{
    if (!T) return;
    ua_target_free(T->g);
    ua_target_free(T->D);
    free(T->vars);
    free(T);
}

ua_status ua_pde_transform_new(const char *g, const char *D, const char *const *vars,
                               size_t nvars, size_t d, const double *params,
                               ua_pde_transform **out)
{
    *out = NULL;
    if (d == 0 || d > UA_PDE_MAX_DIM || nvars < d || nvars - d > UA_PDE_MAX_PARAMS)
        return UA_ERR(UA_EINVAL, "output transform: %zu variables with %zu inputs", nvars, d);
    ua_pde_transform *T = calloc(1, sizeof *T);
    if (!T) return UA_ENOMEM_ERR(sizeof *T);
    T->d = d;
    T->nvars = nvars;
    for (size_t i = d; i < nvars; i++) T->vals[i] = params[i - d];
    size_t len = 1;
    for (size_t i = 0; i < nvars; i++) len += strlen(vars[i]) + 1;
    T->vars = malloc(len);
    if (!T->vars) {
        free(T);
        return UA_ENOMEM_ERR(len);
    }
    T->vars[0] = '\0';
    for (size_t i = 0; i < nvars; i++) {
        if (i) strcat(T->vars, ",");
        strcat(T->vars, vars[i]);
    }
    const char *which = "g";
    ua_status st = ua_target_parse(g, vars, nvars, &T->g);
    if (!st) which = "D", st = ua_target_parse(D, vars, nvars, &T->D);
    const char *bad = NULL;
    if (!st && (!jet_supported(T->g, &bad) || (which = "D", !jet_supported(T->D, &bad))))
        st = UA_ERR(UA_EFORMAT, "output transform: %s uses %s, which its jets cannot "
                    "differentiate (use elementary functions)", which, bad);
    else if (st) {
        char msg[400];
        ua_last_error_message(msg, sizeof msg);
        st = UA_ERR(st, "output transform: %s: %s", which, msg);
    }
    if (st) {
        ua_pde_transform_free(T);
        return st;
    }
    *out = T;
    return UA_OK;
}

const char *ua_pde_transform_text(const ua_pde_transform *T, int which)
{
    return ua_target_spec(which ? T->D : T->g);
}

void ua_pde_transform_values(const ua_pde_transform *T, const double *x, double *g, double *D)
{
    double v[UA_PDE_MAX_DIM + UA_PDE_MAX_PARAMS];
    memcpy(v, x, T->d * sizeof *x);
    memcpy(v + T->d, T->vals + T->d, (T->nvars - T->d) * sizeof *v);
    *g = ua_target_eval(T->g, v);
    *D = ua_target_eval(T->D, v);
}

void ua_pde_transform_jets(const ua_pde_transform *T, const ua_pde_jet *J, const double *x,
                           double *G, double *Dj)
{
    double v[UA_PDE_MAX_DIM + UA_PDE_MAX_PARAMS];
    memcpy(v, x, T->d * sizeof *x);
    memcpy(v + T->d, T->vals + T->d, (T->nvars - T->d) * sizeof *v);
    expr_jet(T->g, J, v, G);
    expr_jet(T->D, J, v, Dj);
}

void ua_pde_transform_forward(const ua_pde_transform *T, const ua_pde_jet *J, const double *x,
                              size_t n, double *u)
{
    size_t C = J->C, d = J->d;
    for (size_t p = 0; p < n; p++) {
        double G[UA_PDE_MAX_CHAN], D[UA_PDE_MAX_CHAN], N[UA_PDE_MAX_CHAN];
        double *up = u + p * C;
        ua_pde_transform_jets(T, J, x + p * d, G, D);
        memcpy(N, up, C * sizeof *N);
        jet_mul(J, D, N, up);
        for (size_t c = 0; c < C; c++) up[c] += G[c];
    }
}

void ua_pde_transform_backward(const ua_pde_transform *T, const ua_pde_jet *J, const double *x,
                               size_t n, const double *gu, double *gN)
{
    size_t C = J->C, d = J->d;
    for (size_t p = 0; p < n; p++) {
        double G[UA_PDE_MAX_CHAN], D[UA_PDE_MAX_CHAN];
        const double *g = gu + p * C;
        double *r = gN + p * C;
        ua_pde_transform_jets(T, J, x + p * d, G, D);
        /* the adjoint of N -> D N (the product rule above) */
        double r0 = D[0] * g[0];
        for (size_t i = 0; i < d; i++) {
            r0 += D[1 + i] * g[1 + i];
            r[1 + i] = D[0] * g[1 + i];
        }
        for (size_t q = 0; q < J->npairs; q++) {
            size_t i = 1 + (size_t)J->pi[q], j = 1 + (size_t)J->pj[q], k = 1 + d + q;
            r0 += D[k] * g[k];
            r[j] += D[i] * g[k];
            r[i] += D[j] * g[k];
            r[k] = D[0] * g[k];
        }
        r[0] = r0;
    }
}

/* ---- the export: the expressions as C statements ---------------------------------------- */

static const char *c_name(int fn)
{
    static const char *const names[FN_COUNT] = {
        [FN_EXP] = "exp", [FN_EXPM1] = "expm1", [FN_LOG] = "log", [FN_LOG1P] = "log1p",
        [FN_LOG2] = "log2", [FN_LOG10] = "log10", [FN_SQRT] = "sqrt", [FN_CBRT] = "cbrt",
        [FN_SIN] = "sin", [FN_COS] = "cos", [FN_TAN] = "tan", [FN_ASIN] = "asin",
        [FN_ACOS] = "acos", [FN_ATAN] = "atan", [FN_SINH] = "sinh", [FN_COSH] = "cosh",
        [FN_TANH] = "tanh", [FN_ASINH] = "asinh", [FN_ACOSH] = "acosh", [FN_ATANH] = "atanh",
        [FN_ERF] = "erf", [FN_ERFC] = "erfc", [FN_ABS] = "fabs", [FN_POW] = "pow" };
    return fn >= 0 && fn < FN_COUNT ? names[fn] : NULL;
}

void ua_pde_transform_emit(const ua_pde_transform *T, int which, FILE *out, const char *Tname,
                           const char *f, const char *var, const char *in,
                           void (*emit_const)(const void *ctx, double v), const void *ctx)
{
    const ua_target *t = which ? T->D : T->g;
    const ua_program *pr = &t->prog;
    size_t sp = 0;
    fprintf(out, "    {\n        %s s[%zu];\n", Tname, pr->maxstack ? pr->maxstack : 1);
    for (size_t i = 0; i < pr->ncode; i++) {
        const ua_node *n = &pr->code[i];
        switch ((ua_op)n->op) {
        case OP_NUM:
        case OP_PI:
        case OP_E:
            fprintf(out, "        s[%zu] = ", sp++);
            emit_const(ctx, n->op == OP_NUM ? pr->num[n->arg] : n->op == OP_PI ? TR_PI : TR_E);
            fputs(";\n", out);
            break;
        case OP_VAR:
            if (n->arg < T->d) fprintf(out, "        s[%zu] = %s[%u];\n", sp++, in, n->arg);
            else {
                fprintf(out, "        s[%zu] = ", sp++);
                emit_const(ctx, T->vals[n->arg]);
                fputs(";\n", out);
            }
            break;
        case OP_NEG: fprintf(out, "        s[%zu] = -s[%zu];\n", sp - 1, sp - 1); break;
        case OP_ADD:
        case OP_SUB:
        case OP_MUL:
        case OP_DIV:
            fprintf(out, "        s[%zu] = s[%zu] %c s[%zu];\n", sp - 2, sp - 2,
                    "+-*/"[n->op - OP_ADD], sp - 1);
            sp--;
            break;
        case OP_POW:
        case OP_FN2:
            fprintf(out, "        s[%zu] = pow%s(s[%zu], s[%zu]);\n", sp - 2, f, sp - 2, sp - 1);
            sp--;
            break;
        case OP_FN1:
            if (n->arg == FN_SIGN)
                fprintf(out, "        s[%zu] = (%s)((s[%zu] > 0) - (s[%zu] < 0));\n", sp - 1,
                        Tname, sp - 1, sp - 1);
            else
                fprintf(out, "        s[%zu] = %s%s(s[%zu]);\n", sp - 1, c_name((int)n->arg), f,
                        sp - 1);
            break;
        }
    }
    fprintf(out, "        %s = s[0];\n    }\n", var);
}
