/*
 * src/pde/export.c — the pde family's C export (the vtable's export_c, src/model/family.h): the
 * network's value as predict computes it (the same scaling of the inputs, features and layers;
 * the sums in index order, so the outputs agree with predict's GEMM to rounding), with the
 * parameters as exact constant tables.
 */
#include <math.h>
#include <stdio.h>

#include "core/internal.h"
#include "emit/emit.h"
#include "internal.h"

static void emit_const(const void *ctx, double v) { ua_emit_const(ctx, v); }

ua_status ua_pde_export_c(const void *state, ua_export_type type, const char *name, FILE *out)
{
    const ua_pde_net *net = state;
    ua_emit e;
    ua_status st = ua_emit_start(&e, "pde", state, type, name, out);
    if (st) return st;
    const char *T = e.T, *f = e.f;
    size_t d = net->d, m = net->m, L = net->nlayers, wmax = 1;
    for (size_t l = 0; l <= L; l++) wmax = net->width[l] > wmax ? net->width[l] : wmax;
    double sc[UA_PDE_MAX_DIM];
    for (size_t i = 0; i < d; i++) sc[i] = 2 / (net->hi[i] - net->lo[i]);
    fprintf(out, "\n/* physics-informed network (%s, %s): z = (x - lo) * sc - 1, then %zu layers "
                 "*/\n\n", net->arch == UA_PDE_NET_MLP ? "mlp" : net->arch == UA_PDE_NET_FOURIER
                 ? "fourier features" : "gaussian features",
            net->act == UA_PDE_SIN ? "sin" : "tanh", L);
    ua_emit_array(&e, "lo", net->lo, d);
    ua_emit_array(&e, "sc", sc, d);
    if (net->arch == UA_PDE_NET_FOURIER) ua_emit_array(&e, "B", net->B, m * d);
    if (net->arch == UA_PDE_NET_GAUSSIAN) {
        ua_emit_array(&e, "mu", net->theta, m * d);
        ua_emit_array(&e, "rho", net->theta + m * d, m * d);
    }
    for (size_t l = 1; l <= L; l++) {
        char sfx[16];
        snprintf(sfx, sizeof sfx, "W%zu", l);
        ua_emit_array(&e, sfx, net->theta + net->off_W[l - 1], net->width[l] * net->width[l - 1]);
        snprintf(sfx, sizeof sfx, "b%zu", l);
        ua_emit_array(&e, sfx, net->theta + net->off_b[l - 1], net->width[l]);
    }
    fputc('\n', out);
    ua_emit_eval_begin(&e);
    fprintf(out, "    %s z[%zu], a[%zu], h[%zu];\n", T, d, wmax, wmax);
    fprintf(out, "    for (int i = 0; i < %zu; i++) z[i] = (x[i] - %s_lo[i]) * %s_sc[i] - 1;\n", d,
            name, name);
    if (net->arch == UA_PDE_NET_MLP)
        fprintf(out, "    for (int i = 0; i < %zu; i++) a[i] = z[i];\n", d);
    else if (net->arch == UA_PDE_NET_FOURIER)
        fprintf(out, "    for (int k = 0; k < %zu; k++) {\n        %s v = 0;\n"
                     "        for (int i = 0; i < %zu; i++) v += %s_B[k * %zu + i] * z[i];\n"
                     "        v *= 2 * (%s)3.14159265358979323846;\n"
                     "        a[k] = sin%s(v);\n        a[%zu + k] = cos%s(v);\n    }\n",
                m, T, d, name, d, T, f, m, f);
    else
        fprintf(out, "    for (int k = 0; k < %zu; k++) {\n        %s E = 0;\n"
                     "        for (int i = 0; i < %zu; i++) {\n"
                     "            %s s = exp%s(%s_rho[k * %zu + i]), r = z[i] - %s_mu[k * %zu + i];\n"
                     "            %s is2 = 1 / (s * s);\n            E += (%s)0.5 * r * (r * is2);\n"
                     "        }\n        a[k] = exp%s(-E);\n    }\n",
                m, T, d, T, f, name, d, name, d, T, T, f);
    for (size_t l = 1; l <= L; l++) {
        size_t in = net->width[l - 1], o = net->width[l];
        fprintf(out, "    for (int k = 0; k < %zu; k++) {\n        %s s = 0;\n"
                     "        for (int j = 0; j < %zu; j++) s += %s_W%zu[k * %zu + j] * a[j];\n"
                     "        h[k] = s + %s_b%zu[k];\n    }\n",
                o, T, in, name, l, in, name, l);
        if (l < L)
            fprintf(out, "    for (int k = 0; k < %zu; k++) a[k] = %s%s(h[k]);\n", o,
                    net->act == UA_PDE_SIN ? "sin" : "tanh", f);
    }
    if (net->T) { /* hard constraints: u = g + D N */
        fprintf(out, "    %s g, D;\n", T);
        ua_pde_transform_emit(net->T, 0, out, T, f, "g", "x", emit_const, &e);
        ua_pde_transform_emit(net->T, 1, out, T, f, "D", "x", emit_const, &e);
        fputs("    y[0] = g + D * h[0];\n}\n", out);
    } else fputs("    y[0] = h[0];\n}\n", out);
    ua_emit_entry(&e, d, 1);
    return ferror(out) ? UA_ERR(UA_EIO, "pde export: write failed") : UA_OK;
}
