/*
 * Standalone C for a kernel model (the vtable's export_c), written with the shared emitter
 * (src/emit/emit.h): `static void name_eval(const T *x, T *y)` with x (d,) and y (dout,), T double
 * or float, wrapped in the signature of ua_model_export_c's rule (`T name(T x)` for 1 input and 1
 * output, `T name(const T *x)` for d inputs and 1 output, else `void name(const T *x, T *y)`).
 * The stored points and weights become constant tables (in double also for a float export,
 * which computes in double behind its float interface); the kernel is the direct formula of
 * ua_kernel_pair (distances summed as sum (a - b)^2, so no cancellation), the sum over stored
 * points runs in index order. Outputs match ua_kernel_predict to rounding.
 */
#include <math.h>
#include <stdio.h>

#include "core/internal.h"
#include "emit/emit.h"
#include "internal.h"

/* Emits `static T name_kern(const T *a, const T *b)`: the kernel of spec on d inputs. */
static void emit_kernel(const ua_emit *e, const ua_kernel_spec *s, size_t d)
{
    FILE *out = e->out;
    const char *T = e->T, *name = e->name, *f = e->f;
    const int fl = e->fl;
    fprintf(out, "static %s %s_kern(const %s *a, const %s *b)\n{\n", T, name, T, T);
    switch (s->type) {
    case UA_KERNEL_RBF:
    case UA_KERNEL_MATERN:
        fprintf(out, "    %s r2 = 0;\n    for (int j = 0; j < %zu; j++) r2 += (a[j] - b[j]) * (a[j] - b[j]);\n", T, d);
        if (s->type == UA_KERNEL_RBF) {
            fprintf(out, "    return exp%s(-(", f);
            ua_emit_const(e, s->gamma);
            fputs(") * r2);\n", out);
        } else {
            fprintf(out, "    %s r = sqrt%s(r2) / (", T, f);
            ua_emit_const(e, s->length_scale);
            fputs(");\n", out);
            if (s->nu == 0.5) fprintf(out, "    return exp%s(-r);\n", f);
            else if (s->nu == 1.5)
                fprintf(out, "    %s t = sqrt%s(3.0%s) * r;\n    return t > 1000 ? 0 : (1 + t) * exp%s(-t);\n", T, f, f, f);
            else
                fprintf(out, "    %s t = sqrt%s(5.0%s) * r;\n    return t > 1000 ? 0 : (1 + t + t * t / 3) * exp%s(-t);\n", T, f, f, f);
        }
        break;
    case UA_KERNEL_LAPLACIAN:
        fprintf(out, "    %s r1 = 0;\n    for (int j = 0; j < %zu; j++) r1 += fabs%s(a[j] - b[j]);\n"
                     "    return exp%s(-(", T, d, f, f);
        ua_emit_const(e, s->gamma);
        fputs(") * r1);\n", out);
        break;
    default:
        fprintf(out, "    %s ab = 0, aa = 0, bb = 0;\n    for (int j = 0; j < %zu; j++) {\n"
                     "        ab += a[j] * b[j];\n        aa += a[j] * a[j];\n        bb += b[j] * b[j];\n    }\n",
                T, d);
        if (s->type == UA_KERNEL_POLYNOMIAL) {
            fprintf(out, "    %s base = (", T);
            ua_emit_const(e, s->gamma);
            fputs(") * ab + (", out);
            ua_emit_const(e, s->coef0);
            fprintf(out, "), r = 1;\n    for (int i = 0; i < %d; i++) r *= base;\n    return r;\n", s->degree);
        } else if (s->type == UA_KERNEL_ARCCOS) {
            const char *pi = fl ? "3.14159265358979f" : "3.14159265358979323846";
            fprintf(out, "    %s na = sqrt%s(aa), nb = sqrt%s(bb);\n"
                         "    if (na == 0 || nb == 0) return %s;\n"
                         "    %s c = ab / (na * nb);\n    if (c > 1) c = 1;\n    if (c < -1) c = -1;\n"
                         "    %s t = acos%s(c), sn = sin%s(t), pt = %s - t;\n",
                    T, f, f, s->order == 0 ? "0.5" : "0", T, T, f, f, pi);
            if (s->order == 0) fprintf(out, "    return pt / %s;\n", pi);
            else if (s->order == 1) fprintf(out, "    return na * nb * (sn + pt * c) / %s;\n", pi);
            else fprintf(out, "    return aa * bb * (3 * sn * c + pt * (1 + 2 * c * c)) / %s;\n", pi);
        } else {
            const char *pi = fl ? "3.14159265358979f" : "3.14159265358979323846";
            fprintf(out, "    const %s w2 = ", T);
            ua_emit_const(e, s->sw * s->sw);
            fprintf(out, ", b2 = ");
            ua_emit_const(e, s->sb * s->sb);
            fprintf(out, ";\n    %s q11 = aa / %zu, q22 = bb / %zu, S = ab / %zu, T = 0;\n"
                         "    for (int l = 0; l < %d; l++) {\n"
                         "        S = w2 * S + b2;\n        q11 = w2 * q11 + b2;\n        q22 = w2 * q22 + b2;\n"
                         "        T = S + w2 * T;\n",
                    T, d, d, d, s->depth);
            if (s->act == UA_KACT_RELU)
                fprintf(out, "        %s nn = sqrt%s(q11 * q22), c = nn > 0 ? S / nn : 0;\n"
                             "        if (c > 1) c = 1;\n        if (c < -1) c = -1;\n"
                             "        %s t = acos%s(c);\n"
                             "        T *= (%s - t) / (2 * %s);\n"
                             "        S = nn * (sin%s(t) + (%s - t) * c) / (2 * %s);\n"
                             "        q11 = q11 / 2;\n        q22 = q22 / 2;\n",
                        T, f, T, f, pi, pi, f, pi, pi);
            else
                fprintf(out, "        %s a1 = 1 + 2 * q11, a2 = 1 + 2 * q22, r = 2 * S / sqrt%s(a1 * a2);\n"
                             "        if (r > 1) r = 1;\n        if (r < -1) r = -1;\n"
                             "        %s det = a1 * a2 - 4 * S * S;\n"
                             "        T *= (4 / %s) / sqrt%s(det > 0 ? det : %s);\n"
                             "        S = (2 / %s) * asin%s(r);\n"
                             "        q11 = (2 / %s) * asin%s(2 * q11 / a1);\n"
                             "        q22 = (2 / %s) * asin%s(2 * q22 / a2);\n",
                        T, f, T, pi, f, fl ? "0x1p-126f" : "0x1p-1000", pi, f, pi, f, pi, f);
            fprintf(out, "    }\n    S = w2 * S + b2;\n    T = %s + w2 * T;\n    return %s;\n",
                    s->frozen_readout ? "0" : "S", s->type == UA_KERNEL_NTK ? "T" : "S");
        }
    }
    fputs("}\n\n", out);
}

ua_status ua_kernel_export_c(const void *state, ua_export_type type, const char *name, FILE *out)
{
    const ua_kernel *m = state;
    ua_emit e;
    ua_status st = ua_emit_start(&e, "kernel", state, type, name, out);
    if (st) return st;
    /* A float export keeps its float interface but computes in double: with a small lambda
     * (the selection goes down to 1e-12) the weights are large and cancel, and float weights,
     * kernel values and sums lost 0.8% of the output scale (measured, d = k = 1); in double the
     * only float rounding left is the output's own. */
    ua_emit ed = e;
    ed.fl = 0;
    ed.T = "double";
    ed.f = "";
    const char *T = ed.T;
    size_t d = m->d, k = m->k, dout = m->classify ? 1 : k;
    fprintf(out, "\n/* kernel ridge (%s): %zu stored points of %zu inputs; f(x) = sum_i k(z, p_i) w_i "
                 "with z the standardised x%s. */\n\n",
            ua_kernel_type_name(m->spec.type), m->m, d,
            m->classify ? "; y is the class label" : "");
    ua_emit_array(&ed, "p", m->pts, m->m * d);
    ua_emit_array(&ed, "w", m->w, m->m * k);
    if (m->standardize) {
        ua_emit_array(&ed, "xm", m->xs.mean, d);
        ua_emit_array(&ed, "xs", m->xs.scale, d);
        if (!m->classify) {
            ua_emit_array(&ed, "ym", m->ys.mean, k);
            ua_emit_array(&ed, "ys", m->ys.scale, k);
        }
    }
    if (m->classify) ua_emit_array(&ed, "cl", m->classes, k);
    fputc('\n', out);
    emit_kernel(&ed, &m->spec, d);
    ua_emit_eval_begin(&e);
    fprintf(out, "    %s z[%zu], s[%zu];\n", T, d, k);
    if (m->standardize)
        fprintf(out, "    for (int j = 0; j < %zu; j++) z[j] = ((double)x[j] - %s_xm[j]) / %s_xs[j];\n", d, name, name);
    else fprintf(out, "    for (int j = 0; j < %zu; j++) z[j] = (double)x[j];\n", d);
    fprintf(out, "    for (int t = 0; t < %zu; t++) s[t] = 0;\n"
                 "    for (int i = 0; i < %zu; i++) {\n"
                 "        %s kv = %s_kern(z, %s_p + (long)i * %zu);\n"
                 "        for (int t = 0; t < %zu; t++) s[t] += kv * %s_w[(long)i * %zu + t];\n    }\n",
            k, m->m, T, name, name, d, k, name, k);
    if (m->classify)
        fprintf(out, "    int best = 0;\n    for (int t = 1; t < %zu; t++)\n        if (s[t] > s[best]) best = t;\n"
                     "    y[0] = (%s)%s_cl[best];\n}\n", k, e.T, name);
    else if (m->standardize)
        fprintf(out, "    for (int t = 0; t < %zu; t++) y[t] = (%s)(s[t] * %s_ys[t] + %s_ym[t]);\n}\n", k, e.T, name, name);
    else fprintf(out, "    for (int t = 0; t < %zu; t++) y[t] = (%s)s[t];\n}\n", k, e.T);
    ua_emit_entry(&e, d, dout);
    return ferror(out) ? UA_ERR(UA_EIO, "kernel export: write failed") : UA_OK;
}
