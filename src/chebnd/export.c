/*
 * The chebnd family's C export (the vtable's export_c), written with the shared emitter
 * (src/emit/emit.h): `T name(const T *x)` with x (d,), NaN outside the box. Each variable's
 * factor columns are a constant table of Chebyshev coefficients evaluated by Clenshaw's
 * recurrence (the library's operations), then contracted with the core in the order of
 * ua_chebnd_contract, so the double export equals the model's prediction bitwise.
 */
#include <math.h>
#include <stdio.h>

#include "core/internal.h"
#include "emit/emit.h"
#include "internal.h"

ua_status ua_chebnd_export_c(const void *state, ua_export_type type, const char *name, FILE *out)
{
    const ua_chebnd *m = state;
    ua_emit e;
    ua_status st = ua_emit_start(&e, "chebnd", state, type, name, out);
    if (st) return st;
    const char *T = e.T, *one = e.fl ? "1.0f" : "1.0";
    const size_t d = m->d;
    if (d == 2)
        fprintf(out, "\n/* chebnd: f(x) = sum_k core[k] u0_k(s0) u1_k(s1), rank %zu, factor "
                     "columns of %zu and %zu Chebyshev coefficients in s_i in [-1, 1], evaluated by "
                     "Clenshaw's recurrence. */\n\n", m->rank[0], m->len[0], m->len[1]);
    else
        fprintf(out, "\n/* chebnd: f(x) = sum_abc core[a][b][c] u0_a(s0) u1_b(s1) u2_c(s2), Tucker "
                     "ranks (%zu, %zu, %zu), factor columns of %zu, %zu and %zu Chebyshev "
                     "coefficients in s_i in [-1, 1], evaluated by Clenshaw's recurrence. */\n\n",
                m->rank[0], m->rank[1], m->rank[2], m->len[0], m->len[1], m->len[2]);
    if (e.fl)
        fprintf(out, "/* float: coefficients, the map to s and the sums are rounded to float: about "
                     "2^-24 relative to the scale sum |core| prod sum |c|, not pointwise "
                     "relative. */\n\n");
    ua_emit_array(&e, "lo", m->lo, d);
    ua_emit_array(&e, "hi", m->hi, d);
    ua_emit_array(&e, "iw", m->iw, d);
    for (size_t i = 0; i < d; i++) {
        char suffix[32];
        snprintf(suffix, sizeof suffix, "f%zu", i);
        ua_emit_table(&e, suffix, m->fac[i], m->rank[i], m->len[i]);
    }
    size_t ncore = d == 2 ? m->rank[0] : m->rank[0] * m->rank[1] * m->rank[2];
    ua_emit_array(&e, "core", m->core, ncore);
    /* one factor column at s */
    fprintf(out, "\nstatic inline %s %s_cs(const %s *c, int n, %s s)\n{\n", T, name, T, T);
    ua_emit_clenshaw(&e, "    ", "c", "n - 1", "s", "r");
    fputs("    return r;\n}\n\n", out);
    ua_emit_eval_begin(&e);
    for (size_t i = 0; i < d; i++) fprintf(out, "    %s v%zu[%zu];\n", T, i, m->rank[i]);
    fprintf(out, "    for (int i = 0; i < %zu; i++)\n"
                 "        if (!(x[i] >= %s_lo[i] && x[i] <= %s_hi[i])) { /* outside, or NaN */\n"
                 "            y[0] = NAN;\n            return;\n        }\n",
            d, name, name);
    for (size_t i = 0; i < d; i++) {
        fprintf(out, "    {\n        %s s = ((x[%zu] - %s_lo[%zu]) - (%s_hi[%zu] - x[%zu])) * %s_iw[%zu];\n"
                     "        if (s < -%s) s = -%s;\n        if (s > %s) s = %s;\n"
                     "        for (int k = 0; k < %zu; k++) v%zu[k] = %s_cs(%s_f%zu[k], %zu, s);\n    }\n",
                T, i, name, i, name, i, i, name, i, one, one, one, one, m->rank[i], i, name, name, i,
                m->len[i]);
    }
    fprintf(out, "    %s sum = 0;\n", T);
    if (d == 2) {
        fprintf(out, "    for (int k = 0; k < %zu; k++) sum += %s_core[k] * v0[k] * v1[k];\n",
                m->rank[0], name);
    } else {
        fprintf(out,
                "    for (int a = 0; a < %zu; a++) {\n"
                "        %s sa = 0;\n"
                "        for (int b = 0; b < %zu; b++) {\n"
                "            const %s *g = %s_core + (a * %zu + b) * %zu;\n"
                "            %s sb = 0;\n"
                "            for (int c = 0; c < %zu; c++) sb += g[c] * v2[c];\n"
                "            sa += sb * v1[b];\n"
                "        }\n"
                "        sum += sa * v0[a];\n"
                "    }\n",
                m->rank[0], T, m->rank[1], T, name, m->rank[1], m->rank[2], T, m->rank[2]);
    }
    fputs("    y[0] = sum;\n}\n", out);
    ua_emit_entry(&e, d, 1);
    return ferror(out) ? UA_ERR(UA_EIO, "chebnd export: write failed") : UA_OK;
}
