/*
 * Standalone C inference for an mlp (the family's export_c): the weights as hex-float arrays, the
 * standardisation, the dense layers as plain loops and the activation written out with the same
 * formulas and tail handling as activations.c (evaluated in double and rounded, like the library),
 * so the exported function's outputs equal ua_mlp_predict's within float rounding (only the order
 * of the dot-product sums differs from BLAS). Written with the shared emitter (src/emit/emit.h):
 * `static void NAME_eval(const T *x, T *y)`, x (d,) in the caller's units, y (k,) predictions (a
 * classifier, k = 1, gets the most probable class index), wrapped in the signature of
 * ua_model_export_c's rule (`T NAME(T x)`, `T NAME(const T *x)` or `void NAME(const T *x, T *y)`).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emit/emit.h"
#include "model/family.h"
#include "internal.h"
#include "compress.h" /* a compressed network exports its factors or codes */

/* Parameters off .. off + n of the network as `static const name_tag[n]`: float parameters as a
 * float array (exact, promoted exactly where the code computes in double), double parameters in
 * the export type. */
static void put_params(const ua_emit *e, const ua_mlp *m, const char *tag, size_t off, size_t n)
{
    if (m->esize == 4) ua_emit_array_f32(e, tag, (const float *)m->params + off, n);
    else ua_emit_array(e, tag, (const double *)m->params + off, n);
}

/* The scalar activation as a static double function (formulas of activations.c). */
static void put_activation(const ua_emit *e, const ua_mlp *m)
{
    FILE *f = e->out;
    const char *name = e->name;
    ua_mlp_act a = m->opt.act;
    int poly = a == UA_ACT_POLYRELU || a == UA_ACT_POLYNORM;
    if (m->L > 1 && (m->opt.evonorm || a == UA_ACT_GELU_TANH || a == UA_ACT_SILU || a == UA_ACT_SIGMOID))
        fprintf(f, "static double %s_sigmoid(double x)\n{\n"
                   "    double e = exp(-fabs(x));\n    return x >= 0 ? 1.0 / (1.0 + e) : e / (1.0 + e);\n}\n\n",
                name);
    if (m->L == 1 || m->opt.evonorm || poly) return; /* no scalar activation in the code */
    fprintf(f, "static double %s_act(double x)\n{\n", name);
    switch (m->opt.act) {
    case UA_ACT_RELU: fputs("    return x > 0 ? x : 0.0;\n", f); break;
    case UA_ACT_LEAKY_RELU:
        fputs("    return x > 0 ? x : ", f);
        ua_emit_double(f, m->opt.leaky_slope);
        fputs(" * x;\n", f);
        break;
    case UA_ACT_GELU:
        fputs("    if (isinf(x)) return x > 0 ? x : 0.0;\n"
              "    return 0.5 * x * erfc(-x * 0.70710678118654752440);\n", f);
        break;
    case UA_ACT_GELU_TANH:
        fprintf(f, "    if (isinf(x) || fabs(x) > 1e100) return x > 0 ? x : 0.0;\n"
                   "    return x * %s_sigmoid(2.0 * (0.79788456080286535588 * (x + 0.044715 * x * x * x)));\n",
                name);
        break;
    case UA_ACT_SILU:
        fprintf(f, "    if (isinf(x)) return x > 0 ? x : 0.0;\n    return x * %s_sigmoid(x);\n", name);
        break;
    case UA_ACT_TANH: fputs("    return tanh(x);\n", f); break;
    case UA_ACT_SIGMOID: fprintf(f, "    return %s_sigmoid(x);\n", name); break;
    case UA_ACT_SOFTPLUS: fputs("    return fmax(x, 0.0) + log1p(exp(-fabs(x)));\n", f); break;
    case UA_ACT_SIN: fputs("    return sin(x);\n", f); break;
    default: fputs("    return x;\n", f); break;
    }
    fputs("}\n\n", f);
}

/* The arrays of network m: standardisation, weights, biases, activation parameters, each tagged
 * with the prefix pre ("" for a single network, "m1_" ... for ensemble members). */
static void put_arrays(const ua_emit *e, const ua_mlp *m, const char *pre)
{
    char tag[48];
    snprintf(tag, sizeof tag, "%sx_mean", pre);
    ua_emit_array_f64(e, tag, m->xs.mean, m->d);
    snprintf(tag, sizeof tag, "%sx_scale", pre);
    ua_emit_array_f64(e, tag, m->xs.scale, m->d);
    snprintf(tag, sizeof tag, "%sy_mean", pre);
    ua_emit_array_f64(e, tag, m->ys.mean, m->k);
    snprintf(tag, sizeof tag, "%sy_scale", pre);
    ua_emit_array_f64(e, tag, m->ys.scale, m->k);
    for (size_t l = 0; l < m->L; l++) {
        snprintf(tag, sizeof tag, "%sw%zu", pre, l);
        if (m->comp) ua_mlp_comp_emit_arrays(e, m, l);
        else put_params(e, m, tag, m->off_w[l], m->width[l] * m->width[l + 1]);
        snprintf(tag, sizeof tag, "%sb%zu", pre, l);
        put_params(e, m, tag, m->off_b[l], m->width[l + 1]);
        if (l + 1 < m->L && (m->opt.evonorm || m->opt.act == UA_ACT_POLYRELU || m->opt.act == UA_ACT_POLYNORM)) {
            snprintf(tag, sizeof tag, "%sa%zu", pre, l);
            put_params(e, m, tag, m->off_act[l],
                       m->opt.evonorm ? 3 * m->width[l + 1] : UA_POLY_R + 1);
        }
    }
}

/* The forward pass of m from x into y as statements (arrays tagged pre): y (k,) predictions, or
 * for a classifier the most probable class (proba 0) or the C class probabilities (proba 1,
 * an ensemble member's share of the mean). */
static void put_forward(const ua_emit *e, const ua_mlp *m, const char *pre, int proba)
{
    FILE *f = e->out;
    const char *T = e->T, *name = e->name;
    size_t maxw = m->d;
    for (size_t l = 0; l < m->L; l++)
        if (m->width[l + 1] > maxw) maxw = m->width[l + 1];
    fprintf(f, "    %s h[%zu], z[%zu]; /* activations of the current and the next layer */\n",
            T, maxw, maxw);
    fprintf(f, "    for (int j = 0; j < %zu; j++)\n"
               "        h[j] = (%s)(((double)x[j] - %s_%sx_mean[j]) / %s_%sx_scale[j]);\n",
            m->d, T, name, pre, name, pre);
    for (size_t l = 0; l < m->L; l++) {
        size_t in = m->width[l], out = m->width[l + 1];
        fprintf(f, "    /* layer %zu: dense %zu -> %zu */\n", l, in, out);
        if (m->comp) ua_mlp_comp_emit_dense(e, m, l);
        else fprintf(f, "    for (int i = 0; i < %zu; i++) {\n        %s s = 0;\n"
                   "        for (int j = 0; j < %zu; j++) s += %s_%sw%zu[i * %zu + j] * h[j];\n"
                   "        z[i] = s + %s_%sb%zu[i];\n    }\n",
                out, T, in, name, pre, l, in, name, pre, l);
        if (l + 1 == m->L) break;
        if (m->opt.evonorm) {
            size_t G = m->groups[l], c = out / G;
            fprintf(f, "    for (int g = 0; g < %zu; g++) { /* EvoNorm-S0, groups of %zu */\n"
                       "        double mu = 0, var = 0;\n"
                       "        for (int j = 0; j < %zu; j++) mu += z[g * %zu + j];\n"
                       "        mu /= %zu;\n"
                       "        for (int j = 0; j < %zu; j++) var += (z[g * %zu + j] - mu) * (z[g * %zu + j] - mu);\n"
                       "        double sd = (%s)sqrt(var / %zu + %a);\n"
                       "        for (int j = g * %zu; j < (g + 1) * %zu; j++)\n"
                       "            h[j] = (%s)(z[j] * %s_sigmoid((double)%s_%sa%zu[j] * z[j]) / sd * %s_%sa%zu[%zu + j] + %s_%sa%zu[%zu + j]);\n"
                       "    }\n",
                    G, c, c, c, c, c, c, c, T, c, UA_EVONORM_EPS, c, c, T, name, name, pre, l,
                    name, pre, l, out, name, pre, l, 2 * out);
        } else if (m->opt.act == UA_ACT_POLYRELU) {
            fprintf(f, "    for (int i = 0; i < %zu; i++) { /* PolyReLU */\n"
                       "        %s r = z[i] > 0 ? z[i] : 0;\n"
                       "        h[i] = %s_%sa%zu[0] + r * (%s_%sa%zu[1] + r * (%s_%sa%zu[2] + r * %s_%sa%zu[3]));\n    }\n",
                    out, T, name, pre, l, name, pre, l, name, pre, l, name, pre, l);
        } else if (m->opt.act == UA_ACT_POLYNORM) {
            fprintf(f, "    { /* PolyNorm */\n        double m1 = 0, m2 = 0, m3 = 0;\n"
                       "        for (int i = 0; i < %zu; i++) {\n"
                       "            double v = z[i], v2 = v * v;\n"
                       "            m1 += v2; m2 += v2 * v2; m3 += v2 * v2 * v2;\n        }\n"
                       "        %s r1 = (%s)sqrt(m1 / %zu + %a), r2 = (%s)sqrt(m2 / %zu + %a), r3 = (%s)sqrt(m3 / %zu + %a);\n"
                       "        for (int i = 0; i < %zu; i++) {\n            %s v = z[i];\n"
                       "            h[i] = %s_%sa%zu[0] + %s_%sa%zu[1] * v / r1 + %s_%sa%zu[2] * (v * v) / r2 + %s_%sa%zu[3] * (v * v * v) / r3;\n"
                       "        }\n    }\n",
                    out, T, T, out, UA_POLYNORM_EPS, T, out, UA_POLYNORM_EPS, T, out,
                    UA_POLYNORM_EPS, out, T, name, pre, l, name, pre, l, name, pre, l, name, pre, l);
        } else {
            fprintf(f, "    for (int i = 0; i < %zu; i++) h[i] = (%s)%s_act((double)z[i]);\n", out, T, name);
        }
    }
    if (m->opt.task == UA_TASK_CLASSIFY && proba) {
        fprintf(f, "    double mx = z[0], sum = 0;\n"
                   "    for (int i = 1; i < %zu; i++) if (z[i] > mx) mx = z[i];\n"
                   "    for (int i = 0; i < %zu; i++) sum += exp((double)z[i] - mx);\n"
                   "    for (int i = 0; i < %zu; i++) y[i] = (%s)(exp((double)z[i] - mx) / sum);\n",
                m->dout, m->dout, m->dout, T);
    } else if (m->opt.task == UA_TASK_CLASSIFY) {
        fprintf(f, "    int arg = 0;\n    for (int i = 1; i < %zu; i++) if (z[i] > z[arg]) arg = i;\n"
                   "    y[0] = (%s)arg;\n",
                m->dout, T);
    } else {
        fprintf(f, "    for (int j = 0; j < %zu; j++) y[j] = (%s)((double)z[j] * %s_%sy_scale[j] + %s_%sy_mean[j]);\n",
                m->k, T, name, pre, name, pre);
    }
}

/* A deep ensemble (ensemble.c): one static function per member, and the entry's body averages
 * them (regression: the mixture mean; classifier: the mean class probabilities' argmax), in
 * member order as ua_mlp_predict does. */
static void put_ensemble(ua_emit *e, const ua_mlp *m)
{
    FILE *f = e->out;
    const char *T = e->T, *name = e->name;
    size_t M = m->n_estimators, w = m->opt.task == UA_TASK_CLASSIFY ? m->dout : m->k;
    char pre[24];
    for (size_t i = 0; i < M; i++) {
        snprintf(pre, sizeof pre, "m%zu_", i);
        put_arrays(e, ua_mlp_member(m, i), pre);
    }
    fputc('\n', f);
    put_activation(e, m);
    for (size_t i = 0; i < M; i++) {
        snprintf(pre, sizeof pre, "m%zu_", i);
        fprintf(f, "static void %s_m%zu(const %s *x, %s *y)\n{\n", name, i, T, T);
        put_forward(e, ua_mlp_member(m, i), pre, 1);
        fputs("}\n\n", f);
    }
    ua_emit_eval_begin(e);
    fprintf(f, "    %s t[%zu];\n    double acc[%zu] = {0};\n", T, w, w);
    for (size_t i = 0; i < M; i++)
        fprintf(f, "    %s_m%zu(x, t);\n    for (int j = 0; j < %zu; j++) acc[j] += t[j];\n",
                name, i, w);
    if (m->opt.task == UA_TASK_CLASSIFY)
        fprintf(f, "    int arg = 0;\n    for (int i = 1; i < %zu; i++) if (acc[i] > acc[arg]) arg = i;\n"
                   "    y[0] = (%s)arg;\n", w, T);
    else
        fprintf(f, "    for (int j = 0; j < %zu; j++) y[j] = (%s)(acc[j] / %zu);\n", w, T, M);
    fputs("}\n", f);
}

ua_status ua_mlp_export_c(const void *state, ua_export_type type, const char *name, FILE *f)
{
    const ua_mlp *m = state;
    ua_emit e;
    ua_status st = ua_emit_start(&e, "mlp", state, type, name, f);
    if (st) return st;
    fprintf(f, "/* mlp: %zu layers; x (%zu,) in the units of the training samples, y (%zu,) %s. */\n",
            m->L, m->d, m->k,
            m->opt.task == UA_TASK_CLASSIFY ? "the most probable class index" : "predictions");
    if (m->n_estimators > 1) {
        fprintf(f, "/* a deep ensemble of %zu networks: y is their mean (a classifier: the class "
                   "of the largest mean probability) */\n\n", m->n_estimators);
        put_ensemble(&e, m);
    } else {
        fputc('\n', f);
        put_arrays(&e, m, "");
        fputc('\n', f);
        put_activation(&e, m);
        ua_emit_eval_begin(&e);
        put_forward(&e, m, "", 0);
        fputs("}\n", f);
    }
    ua_emit_entry(&e, m->d, m->k);
    return ferror(f) ? UA_EIO : UA_OK;
}
