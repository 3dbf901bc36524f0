/*
 * The `rf` family's C export (the vtable's export_c, src/model/family.h), written with the shared
 * emitter (src/emit/emit.h): the weights as exact constant tables, h = act(A z - b), y = c^T h in
 * index order, in `static void name_eval(const T *x, T *y)` (x (d,), y (k,)), wrapped in the
 * signature of ua_model_export_c's rule (`T name(T x)`, `T name(const T *x)` or
 * `void name(const T *x, T *y)`). Outputs match ua_rf_predict to rounding.
 */
#include <math.h>
#include <stdio.h>

#include "core/internal.h"
#include "emit/emit.h"
#include "internal.h"

ua_status ua_rf_export_c(const void *state, ua_export_type type, const char *name, FILE *out)
{
    const ua_rf *m = state;
    ua_emit e;
    ua_status st = ua_emit_start(&e, "rf", state, type, name, out);
    if (st) return st;
    const char *T = e.T, *f = e.f;
    size_t M = m->m, d = m->d, k = m->k;
    fprintf(out, "\n/* random-feature network (%s weights, %s): %zu hidden units, h = act(A z - b),\n"
                 " * y = c^T h, z the standardised x. */\n\n",
            ua_rf_dist_name(m->dist), ua_rf_act_name(m->act), M);
    ua_emit_array(&e, "A", m->A, M * d);
    ua_emit_array(&e, "b", m->b, M);
    ua_emit_array(&e, "c", m->c, M * k);
    if (m->standardize) {
        ua_emit_array(&e, "xm", m->xs.mean, d);
        ua_emit_array(&e, "xs", m->xs.scale, d);
        ua_emit_array(&e, "ym", m->ys.mean, k);
        ua_emit_array(&e, "ys", m->ys.scale, k);
    }
    fputc('\n', out);
    ua_emit_eval_begin(&e);
    fprintf(out, "    %s z[%zu], s[%zu];\n", T, d, k);
    if (m->standardize) fprintf(out, "    for (int j = 0; j < %zu; j++) z[j] = (x[j] - %s_xm[j]) / %s_xs[j];\n", d, name, name);
    else fprintf(out, "    for (int j = 0; j < %zu; j++) z[j] = x[j];\n", d);
    fprintf(out, "    for (int t = 0; t < %zu; t++) s[t] = 0;\n    for (int i = 0; i < %zu; i++) {\n"
                 "        %s a = 0;\n        for (int j = 0; j < %zu; j++) a += z[j] * %s_A[(long)i * %zu + j];\n"
                 "        a -= %s_b[i];\n",
            k, M, T, d, name, d, name);
    switch (m->act) {
    case UA_RF_RELU: fputs("        a = a > 0 ? a : 0;\n", out); break;
    case UA_RF_TANH: fprintf(out, "        a = tanh%s(a);\n", f); break;
    case UA_RF_SIGMOID: fprintf(out, "        a = 1 / (1 + exp%s(-a));\n", f); break;
    default: fprintf(out, "        a = cos%s(a);\n", f);
    }
    if (m->out_scale != 1.0) {
        fputs("        a *= ", out);
        ua_emit_const(&e, m->out_scale);
        fputs(";\n", out);
    }
    fprintf(out, "        for (int t = 0; t < %zu; t++) s[t] += a * %s_c[(long)i * %zu + t];\n    }\n", k, name, k);
    if (m->standardize) fprintf(out, "    for (int t = 0; t < %zu; t++) y[t] = s[t] * %s_ys[t] + %s_ym[t];\n}\n", k, name, name);
    else fprintf(out, "    for (int t = 0; t < %zu; t++) y[t] = s[t];\n}\n", k);
    ua_emit_entry(&e, d, k);
    return ferror(out) ? UA_ERR(UA_EIO, "rf export: write failed") : UA_OK;
}
