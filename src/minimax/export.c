/*
 * The `minimax` family's C export (the vtable's export_c, src/model/family.h), written with the
 * shared emitter (src/emit/emit.h): `T name(T x)`, NaN outside [a, b]; the polynomial (or the
 * numerator and the denominator) by Horner or Estrin, or for the Chebyshev basis by Clenshaw's
 * recurrence (ua_emit_clenshaw, the operations of ua_cheb_clenshaw), with the operations of
 * eval.c in the same order, so the export equals ua_minimax_eval (double) and
 * ua_minimax_eval_float bitwise.
 */
#include <math.h>
#include <stdio.h>

#include "core/internal.h"
#include "emit/emit.h"
#include "internal.h"

static const char *const coeff_names[] = {"real", "double", "float"};
static const char *const scheme_names[] = {"horner", "estrin"};

/* sum c_k t^k of the array coef (n,) into `T res`, by the model's scheme */
static void put_poly(const ua_emit *e, const char *coef, size_t n, ua_minimax_scheme scheme,
                     const char *res)
{
    if (scheme == UA_MINIMAX_HORNER) ua_emit_horner(e, "    ", coef, n, "t", res);
    else ua_emit_estrin(e, "    ", coef, n, "t", res);
}

/* The Chebyshev model: t = (x - shift) * scale clamped to [-1, 1], then Clenshaw. */
static ua_status export_cheb(const ua_minimax *p, const ua_emit *e, const char *name, FILE *out)
{
    const int fl = e->fl;
    const char *T = e->T;
    fprintf(out, "\n/* minimax: %s of degree %zu", p->nden ? "rational" : "polynomial",
            p->nnum - 1);
    if (p->nden) fprintf(out, " / %zu", p->nden - 1);
    fprintf(out, " as a Chebyshev series in t = (x - shift) * scale on [-1, 1], evaluated by "
                 "Clenshaw's recurrence,\n * %s coefficients%s. */\n\n",
            coeff_names[p->coeffs], fl ? " (rounded to float here)" : "");
    ua_emit_array(e, "p", p->num, p->nnum);
    if (p->nden) ua_emit_array(e, "q", p->den, p->nden);
    fprintf(out, "\n%s %s(%s x)\n{\n", T, name, T);
    fprintf(out, "    if (!(%sx >= %a && %sx <= %a)) return NAN; /* outside [%.17g, %.17g], "
                 "or NaN */\n", fl ? "(double)" : "", p->a, fl ? "(double)" : "", p->b, p->a, p->b);
    if (fl)
        fprintf(out, "    float t = (x - %af) * %af;\n    if (t < -1.0f) t = -1.0f;\n"
                     "    if (t > 1.0f) t = 1.0f;\n",
                (double)(float)p->shift, (double)(float)p->scale);
    else
        fprintf(out, "    double t = (x - %a) * %a;\n    if (t < -1.0) t = -1.0;\n"
                     "    if (t > 1.0) t = 1.0;\n", p->shift, p->scale);
    char arr[300], top[32];
    snprintf(arr, sizeof arr, "%s_p", name);
    snprintf(top, sizeof top, "%zu", p->nnum - 1);
    ua_emit_clenshaw(e, "    ", arr, top, "t", "yp");
    if (p->nden) {
        snprintf(arr, sizeof arr, "%s_q", name);
        snprintf(top, sizeof top, "%zu", p->nden - 1);
        ua_emit_clenshaw(e, "    ", arr, top, "t", "yq");
        fputs("    return yp / yq;\n", out);
    } else fputs("    return yp;\n", out);
    fputs("}\n", out);
    if (ferror(out)) return UA_ERR(UA_EIO, "minimax export: write failed");
    return UA_OK;
}

ua_status ua_minimax_export_c(const void *state, ua_export_type type, const char *name, FILE *out)
{
    const ua_minimax *p = state;
    ua_emit e;
    ua_status st = ua_emit_start(&e, "minimax", state, type, name, out);
    if (st) return st;
    const int fl = e.fl;
    const char *T = e.T;
    if (p->basis == UA_MINIMAX_BASIS_CHEBYSHEV) return export_cheb(p, &e, name, out);
    fprintf(out, "\n/* minimax: %s of degree %zu", p->nden ? "rational" : "polynomial", p->nnum - 1);
    if (p->nden) fprintf(out, " / %zu", p->nden - 1);
    fprintf(out, " in %s, %s scheme, %s coefficients%s.\n * Each step is fma(a, b, c) where the "
                 "target has a fast fma (FP_FAST_FMA%s), a * b + c otherwise. */\n\n",
            p->shift == 0.0 && p->scale == 1.0 ? "x" : "t = (x - shift) * scale",
            scheme_names[p->scheme], coeff_names[p->coeffs],
            fl && p->coeffs != UA_MINIMAX_FLOAT ? " (rounded to float here)" : "", fl ? "F" : "");
    ua_emit_mac(&e);
    ua_emit_array(&e, "p", p->num, p->nnum);
    if (p->nden) ua_emit_array(&e, "q", p->den, p->nden);
    fprintf(out, "\n%s %s(%s x)\n{\n", T, name, T);
    fprintf(out, "    if (!(%sx >= %a && %sx <= %a)) return NAN; /* outside [%.17g, %.17g], or NaN */\n",
            fl ? "(double)" : "", p->a, fl ? "(double)" : "", p->b, p->a, p->b);
    if (p->shift == 0.0 && p->scale == 1.0) fprintf(out, "    %s t = x;\n", T);
    else if (fl)
        fprintf(out, "    float t = (x - %af) * %af;\n", (double)(float)p->shift,
                (double)(float)p->scale);
    else fprintf(out, "    double t = (x - %a) * %a;\n", p->shift, p->scale);
    char arr[300];
    snprintf(arr, sizeof arr, "%s_p", name);
    put_poly(&e, arr, p->nnum, p->scheme, "yp");
    if (p->nden) {
        snprintf(arr, sizeof arr, "%s_q", name);
        put_poly(&e, arr, p->nden, p->scheme, "yq");
        fputs("    return yp / yq;\n", out);
    } else fputs("    return yp;\n", out);
    fputs("}\n", out);
    if (ferror(out)) return UA_ERR(UA_EIO, "minimax export: write failed");
    return UA_OK;
}

