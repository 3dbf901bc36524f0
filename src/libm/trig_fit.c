/* src/libm/trig_fit.c — the cores of the sin/cos, tanh and erf generators: a minimax polynomial
 * with double coefficients found on a reduced interval through the minimax family's public API
 * (uniapprox/minimax.h), and the C text of its coefficients. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <mpfr.h>
#include "uniapprox/minimax.h"
#include "uniapprox/target.h"
#include "core/internal.h"
#include "libm/internal.h"

ua_status ua_libm_trig_fit(const char *expr, double a, double b, const int *monos, size_t nmono,
                           int relative, double tol, ua_libm_trig_poly *out)
{
    if (!expr || !out || nmono == 0 || nmono > UA_LIBM_TRIG_MAXC || !(a < b))
        return UA_ERR(UA_EINVAL, "core polynomial: bad arguments");
    ua_target *f = NULL;
    ua_status st = ua_target_parse(expr, NULL, 0, &f);
    if (st != UA_OK) return st;
    ua_minimax_options o;
    ua_minimax_options_default(&o);
    o.degree = monos[nmono - 1];
    o.error = relative ? UA_MINIMAX_REL : UA_MINIMAX_ABS;
    o.coeffs = UA_MINIMAX_DOUBLE;
    o.basis = UA_MINIMAX_BASIS_MONOMIAL;
    /* a plain variable on intervals touching 0 (the libm form x (c1 + c3 x^2 ...)); the unit
     * variable t = (x - mid) 2 / (b - a) on the pieces away from 0 */
    int contiguous = 1;
    for (size_t i = 0; i < nmono; i++)
        if (monos[i] != (int)i) contiguous = 0;
    o.var = contiguous && a > 0 ? UA_MINIMAX_VAR_UNIT : UA_MINIMAX_VAR_X;
    if (!contiguous) {
        o.monomials = monos;
        o.nmonomials = nmono;
    }
    ua_minimax *p = NULL;
    st = ua_minimax_fit(f, a, b, &o, &p);
    ua_target_free(f);
    if (st != UA_OK && st != UA_ENOTRESOLVED) return st;
    ua_minimax_info info;
    ua_minimax_get_info(p, &info);
    size_t n = 0;
    const double *c = ua_minimax_num(p, &n);
    out->n = nmono;
    out->shift = info.shift;
    out->scale = info.scale;
    out->error = info.measured_error;
    for (size_t i = 0; i < nmono; i++)
        out->c[i] = (size_t)monos[i] < n ? c[monos[i]] : 0.0;
    ua_minimax_free(p);
    if (!(out->error <= tol))
        return UA_ERR(UA_ENOTRESOLVED,
                      "core polynomial %s on [%g, %g]: degree %d reaches %.3g, above the %.3g needed",
                      expr, a, b, monos[nmono - 1], out->error, tol);
    return UA_OK;
}

void ua_libm_trig_print_coeffs(FILE *out, const double *c, size_t n)
{
    for (size_t i = 0; i < n; i++)
        fprintf(out, "%s%a", i ? ", " : "", c[i]);
}

void ua_libm_trig_horner(FILE *out, const char *var, const double *c, size_t n)
{
    /* c0 + v * (c1 + v * (... + v * c[n-1])) */
    for (size_t i = 0; i + 1 < n; i++)
        fprintf(out, "(%a + %s * ", c[i], var);
    fprintf(out, "%a", c[n - 1]);
    for (size_t i = 0; i + 1 < n; i++)
        fputc(')', out);
}

void ua_libm_emit_odd_vhead(FILE *out)
{
    fprintf(out,
            "    VUI u = (VUI)x;\n"
            "    VUI ub = u & 0x7fffffffu;\n"
            "    VL neg = __builtin_convertvector((VI)u < 0, VL);\n"
            "    VD s = V_SELD(neg, V_SPLAT(-1.0), V_SPLAT(1.0));\n"
            "    VD ax = V_F2D((VF)ub);\n"
            "    VD z = ax * ax;\n");
}

void ua_libm_emit_odd_vtail(FILE *out, const char *lo, const char *hi, double small,
                            uint32_t satb)
{
    fprintf(out,
            "    VF res = __builtin_convertvector(s * V_SELD(ax < %a, %s, %s), VF);\n"
            "    res = V_SELF(ub >= 0x%08xu, __builtin_convertvector(s, VF), res);\n"
            "    res = V_SELF(ub > 0x7f800000u, x + x, res);\n",
            small, lo, hi, (unsigned)satb);
}

float ua_libm_trig_saturation(int (*f)(mpfr_ptr, mpfr_srcptr, mpfr_rnd_t), float lo, float hi)
{
    /* mpfr at 24 bits rounds f(x) correctly to float's precision (float's exponent range is
     * not reached by these values near 1) */
    mpfr_t v, xm;
    mpfr_init2(v, 24);
    mpfr_init2(xm, 24);
    uint32_t a, b;
    memcpy(&a, &lo, sizeof a);
    memcpy(&b, &hi, sizeof b);
    while (a < b) { /* invariant: RN(f(hi)) == 1; find the least such float */
        uint32_t m = a + (b - a) / 2;
        float x;
        memcpy(&x, &m, sizeof x);
        mpfr_set_flt(xm, x, MPFR_RNDN);
        f(v, xm, MPFR_RNDN);
        if (mpfr_cmp_ui(v, 1) >= 0) b = m;
        else a = m + 1;
    }
    mpfr_clears(v, xm, (mpfr_ptr)0);
    float x;
    memcpy(&x, &a, sizeof x);
    return x;
}
