/*
 * Standalone C for a kernel model (the vtable's export_c), written with the shared emitter
 * (src/emit/emit.h): `static void name_eval(const T *x, T *y)` with x (d,) and y (dout,), T double
 * or float, wrapped in the signature of ua_model_export_c's rule (`T name(T x)` for 1 input and 1
 * output, `T name(const T *x)` for d inputs and 1 output, else `void name(const T *x, T *y)`).
 * The stored points and weights become constant tables (in double also for a float export,
 * which computes in double behind its float interface); the kernel is the direct formula of
 * ua_kernel_pair (distances summed as sum (a - b)^2, so no cancellation), rbf and Matérn with the
 * library's own exp (src/core/vexp.c, emitted as name_exp) and Matérn's polynomial in the order of
 * src/kernel/kernels.c, so the kernel values are the library's bits (where the compiler does not
 * fuse multiply-adds: -ffp-contract=off, or -std=c99 with GCC); the sum over stored points is
 * compensated (TwoSum) as ua_kernel_predict's. A small lambda makes the weights large and cancel
 * (sum |k w| 1e5 |f|), which amplifies any difference in the kernel values or the order of a plain
 * sum 1e5 times: with both, the export agrees with ua_kernel_predict to about 1e-16 of |f|
 * (tests/cli_kernel.sh). Polynomial, arc-cosine, nngp and ntk form a.b, |a|^2, |b|^2 in one loop
 * in index order and then the formula of src/kernel/kernels.c (from_dot, ua_ntk_pair) in its
 * order, as the library does for d <= 32: the same bits there; above 32 inputs the library's a.b
 * is BLAS's, and they agree to rounding amplified by that condition.
 */
#include <math.h>
#include <stdio.h>

#include "core/internal.h"
#include "emit/emit.h"
#include "internal.h"

/* Emits `static double name_exp(double x)`: ua_vexp's exp (src/core/vexp.c), the same
 * operations in the same order, so the same bits: x = k ln 2 + r (ln 2 in two parts), e^r by its
 * Taylor series to r^13 (Horner), 2^k from the exponent bits; libm's exp outside [-708, 709]. */
static void emit_exp(FILE *out, const char *name)
{
    fprintf(out,
            "/* exp as the library computes it (its vectorised exp): the same bits as uniapprox eval */\n"
            "static double %s_exp(double x)\n{\n"
            "    if (!(x >= -708.0 && x <= 709.0)) return exp(x);\n"
            "    const double shifter = 0x1.8p52;\n"
            "    double big = x * 1.44269504088896340736 + shifter, kf = big - shifter;\n"
            "    double r = (x - kf * 0.693147180369123816490) - kf * 1.90821492927058770002e-10;\n"
            "    double p = 1.0 / 6227020800.0;\n"
            "    p = p * r + 1.0 / 479001600.0;\n    p = p * r + 1.0 / 39916800.0;\n"
            "    p = p * r + 1.0 / 3628800.0;\n    p = p * r + 1.0 / 362880.0;\n"
            "    p = p * r + 1.0 / 40320.0;\n    p = p * r + 1.0 / 5040.0;\n"
            "    p = p * r + 1.0 / 720.0;\n    p = p * r + 1.0 / 120.0;\n"
            "    p = p * r + 1.0 / 24.0;\n    p = p * r + 1.0 / 6.0;\n"
            "    p = p * r + 0.5;\n    p = p * r * r + r + 1.0;\n"
            "    union { double d; unsigned long long u; } b;\n"
            "    b.d = big;\n"
            "    b.u = (b.u + 1023) << 52; /* 2^k: k in the low bits of big */\n"
            "    return p * b.d;\n}\n\n", name);
}

/* Emits `static T name_kern(const T *a, const T *b)`: the kernel of spec on d inputs. */
static void emit_kernel(const ua_emit *e, const ua_kernel_spec *s, size_t d)
{
    FILE *out = e->out;
    const char *T = e->T, *name = e->name, *f = e->f;
    const int fl = e->fl;
    if (s->type == UA_KERNEL_RBF || s->type == UA_KERNEL_MATERN) emit_exp(out, name);
    fprintf(out, "static %s %s_kern(const %s *a, const %s *b)\n{\n", T, name, T, T);
    switch (s->type) {
    case UA_KERNEL_RBF:
    case UA_KERNEL_MATERN:
        fprintf(out, "    %s r2 = 0;\n    for (int j = 0; j < %zu; j++) r2 += (a[j] - b[j]) * (a[j] - b[j]);\n", T, d);
        if (s->type == UA_KERNEL_RBF) { /* as dist_kernel_row: exp(-gamma * r2) */
            fprintf(out, "    return %s_exp(-(", name);
            ua_emit_const(e, s->gamma);
            fputs(") * r2);\n", out);
        } else { /* as dist_kernel_row: t = -c r, c = sqrt(2 nu) / length scale */
            double c = (s->nu == 0.5 ? 1.0 : s->nu == 1.5 ? sqrt(3.0) : sqrt(5.0)) / s->length_scale;
            fprintf(out, "    %s t = -(", T);
            ua_emit_const(e, c);
            fprintf(out, ") * sqrt%s(r2), ex = %s_exp(t);\n", f, name);
            if (s->nu == 0.5) fputs("    return ex;\n", out);
            else if (s->nu == 1.5) fputs("    return t < -1000 ? 0 : ex * (1.0 - t);\n", out);
            else fputs("    return t < -1000 ? 0 : ex * (1.0 - t + t * t / 3.0);\n", out);
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
    /* the sum compensated (TwoSum), as ua_kernel_predict's: large weights cancel */
    fprintf(out, "    %s c[%zu];\n"
                 "    for (int t = 0; t < %zu; t++) s[t] = c[t] = 0;\n"
                 "    for (int i = 0; i < %zu; i++) {\n"
                 "        %s kv = %s_kern(z, %s_p + (long)i * %zu);\n"
                 "        for (int t = 0; t < %zu; t++) {\n"
                 "            %s p = kv * %s_w[(long)i * %zu + t], a = s[t] + p, bp = a - s[t];\n"
                 "            c[t] += (s[t] - (a - bp)) + (p - bp);\n"
                 "            s[t] = a;\n        }\n    }\n"
                 "    for (int t = 0; t < %zu; t++) s[t] += c[t];\n",
            T, k, k, m->m, T, name, name, d, k, T, name, k, k);
    if (m->classify)
        fprintf(out, "    int best = 0;\n    for (int t = 1; t < %zu; t++)\n        if (s[t] > s[best]) best = t;\n"
                     "    y[0] = (%s)%s_cl[best];\n}\n", k, e.T, name);
    else if (m->standardize)
        fprintf(out, "    for (int t = 0; t < %zu; t++) y[t] = (%s)(s[t] * %s_ys[t] + %s_ym[t]);\n}\n", k, e.T, name, name);
    else fprintf(out, "    for (int t = 0; t < %zu; t++) y[t] = (%s)s[t];\n}\n", k, e.T);
    ua_emit_entry(&e, d, dout);
    return ferror(out) ? UA_ERR(UA_EIO, "kernel export: write failed") : UA_OK;
}
