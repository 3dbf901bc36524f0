/*
 * Standalone C inference for a seq model (the family's export_c): the parameters as one hex-float
 * array, the architecture as constants, and the forward pass written out plainly (dense layers as
 * loops, the naive attention of one sequence, the activation's formula as in src/mlp/activations.c),
 * computed in the export type, so outputs equal ua_seq_forward's within float rounding. Signature:
 *     void NAME(const T *x, T *y);
 * (the generic n-D signature) x: one sequence, (n,) tokens (as T) or (n, d) inputs; y: (n,) most
 * probable classes or (n, k) values, all NaN when a token is outside the vocabulary or memory
 * runs out. Needs only
 * <math.h>, <stdlib.h>, <string.h>; thread-safe (one malloc'd workspace per call).
 */
#include <stdio.h>
#include <string.h>

#include "emit/emit.h"
#include "model/family.h"
#include "internal.h"

/* Writes s with "@" replaced by the function name and "$" by the scalar type. */
static void put(FILE *f, const char *s, const char *name, const char *T)
{
    for (; *s; s++) {
        if (*s == '@') fputs(name, f);
        else if (*s == '$') fputs(T, f);
        else fputc(*s, f);
    }
}

static const char *act_code(ua_mlp_act a)
{
    switch (a) {
    case UA_ACT_RELU: return "return x > 0 ? x : 0;";
    case UA_ACT_LEAKY_RELU: return "return x > 0 ? x : 0.01 * x;";
    case UA_ACT_GELU: return "return 0.5 * x * erfc(-x * 0.70710678118654752440);";
    case UA_ACT_GELU_TANH:
        return "double u = 0.79788456080286535588 * (x + 0.044715 * x * x * x); return x * 0.5 * (1.0 + tanh(u));";
    case UA_ACT_SILU: return "return x / (1.0 + exp(-x));";
    case UA_ACT_TANH: return "return tanh(x);";
    case UA_ACT_SIGMOID: return "return 1.0 / (1.0 + exp(-x));";
    case UA_ACT_SOFTPLUS: return "return fmax(x, 0.0) + log1p(exp(-fabs(x)));";
    case UA_ACT_SIN: return "return sin(x);";
    default: return "return x;";
    }
}

static const char body[] =
    "\n"
    "static $ @_act($ x) { return ($)@_act_d((double)x); }\n"
    "\n"
    "static int @_t5(long rel, int bidir)\n"
    "{\n"
    "    int nb = 64, ret = 0; long n = -rel;\n"
    "    if (bidir) { nb /= 2; if (n < 0) ret += nb; n = n < 0 ? -n : n; } else { n = n > 0 ? n : 0; }\n"
    "    int me = nb / 2;\n"
    "    if (n < me) return ret + (int)n;\n"
    "    float fl = logf((float)n / (float)me) / logf(128.0f / (float)me) * (float)(nb - me);\n"
    "    long v = me + (long)fl;\n"
    "    return ret + (int)(v > nb - 1 ? nb - 1 : v);\n"
    "}\n"
    "\n"
    "/* out (n, oc) = in (n, ic) W^T + b, W = P[ow] (oc, ic), b = P[ob] (oc,) */\n"
    "static void @_lin($ *out, const $ *in, size_t ow, size_t ob, size_t n, size_t ic, size_t oc)\n"
    "{\n"
    "    for (size_t i = 0; i < n; i++)\n"
    "        for (size_t o = 0; o < oc; o++) {\n"
    "            $ s = ($)@_P[ob + o];\n"
    "            for (size_t e = 0; e < ic; e++) s += ($)@_P[ow + o * ic + e] * in[i * ic + e];\n"
    "            out[i * oc + o] = s;\n"
    "        }\n"
    "}\n"
    "\n"
    "/* LayerNorm (ob != NONE) or RMSNorm, eps 1e-5, over rows of C */\n"
    "static void @_norm($ *out, const $ *in, size_t ow, size_t ob, size_t n, size_t C)\n"
    "{\n"
    "    for (size_t i = 0; i < n; i++) {\n"
    "        const $ *x = in + i * C; $ m = 0, v = 0;\n"
    "        if (ob != @_NONE) { for (size_t c = 0; c < C; c++) m += x[c]; m /= ($)C; }\n"
    "        for (size_t c = 0; c < C; c++) v += (x[c] - m) * (x[c] - m);\n"
    "        $ s = ($)1 / sqrt(v / ($)C + ($)1e-5);\n"
    "        for (size_t c = 0; c < C; c++)\n"
    "            out[i * C + c] = (x[c] - m) * s * ($)@_P[ow + c] + (ob != @_NONE ? ($)@_P[ob + c] : 0);\n"
    "    }\n"
    "}\n"
    "\n"
    "void @(const $ *x, $ *y)\n"
    "{\n"
    "    const size_t N = @_N, C = @_C, H = @_H, D = @_C / @_H, F = @_F, K = @_K;\n"
    "    $ *w = malloc(sizeof($) * (5 * N * C + 3 * N * C + N * F + N * K + N));\n"
    "    if (!w) { for (size_t i = 0; i < N * (@_CLASSIFY ? 1 : K); i++) y[i] = ($)NAN; return; }\n"
    "    $ *r = w, *h = r + N * C, *ao = h + N * C, *tmp = ao + N * C, *qkv = tmp + N * C;\n"
    "    $ *f = qkv + 3 * N * C, *out = f + N * F, *s = out + N * K;\n"
    "    /* embedding */\n"
    "    for (size_t t = 0; t < N; t++) {\n"
    "        if (@_V) {\n"
    "            $ tk = x[t];\n"
    "            if (!(tk >= 0 && tk < @_V) || tk != floor(tk)) {\n"
    "                for (size_t i = 0; i < N * (@_CLASSIFY ? 1 : K); i++) y[i] = ($)NAN;\n"
    "                free(w);\n"
    "                return;\n"
    "            }\n"
    "            for (size_t c = 0; c < C; c++) r[t * C + c] = ($)@_P[@_EMBW + (size_t)tk * C + c];\n"
    "        } else {\n"
    "            @_lin(r + t * C, x + t * @_DIN, @_EMBW, @_EMBB, 1, @_DIN, C);\n"
    "        }\n"
    "        for (size_t c = 0; c < C; c++) {\n"
    "            if (@_POS == 2) r[t * C + c] += ($)@_P[@_POSW + t * C + c];\n"
    "            if (@_POS == 1) {\n"
    "                double fr = exp(-log(10000.0) * (double)(c - c % 2) / (double)C);\n"
    "                r[t * C + c] += ($)(float)(c % 2 ? cos((double)t * fr) : sin((double)t * fr));\n"
    "            }\n"
    "        }\n"
    "    }\n"
    "    for (size_t l = 0; l < @_L; l++) {\n"
    "        const size_t *o = @_OFF[l];\n"
    "        @_norm(h, r, o[0], o[1], N, C);\n"
    "        @_lin(qkv, h, o[2], o[3], N, C, 3 * C);\n"
    "        if (@_QKNORM)\n"
    "            for (size_t i = 0; i < N; i++)\n"
    "                for (size_t g = 0; g < 2 * H; g++) {\n"
    "                    $ *v = qkv + i * 3 * C + g * D, ss = 0;\n"
    "                    for (size_t e = 0; e < D; e++) ss += v[e] * v[e];\n"
    "                    $ rr = ($)1 / sqrt(ss / ($)D + ($)1e-5);\n"
    "                    for (size_t e = 0; e < D; e++) v[e] *= rr;\n"
    "                }\n"
    "        for (size_t hd = 0; hd < H; hd++)\n"
    "            for (size_t i = 0; i < N; i++) {\n"
    "                size_t jmax = @_CAUSAL ? i + 1 : N;\n"
    "                $ mx = -INFINITY, sum = 0;\n"
    "                for (size_t j = 0; j < jmax; j++) {\n"
    "                    $ d = 0;\n"
    "                    for (size_t e = 0; e < D; e++) d += qkv[i * 3 * C + hd * D + e] * qkv[j * 3 * C + C + hd * D + e];\n"
    "                    d /= sqrt(($)D);\n"
    "                    long off = (long)j - (long)i;\n"
    "                    if (@_REL == 2) d += ($)@_P[o[6] + hd * @_NBIAS + (size_t)(off + (long)@_N - 1)];\n"
    "                    if (@_REL == 3) d += ($)@_P[o[6] + hd * @_NBIAS + (size_t)@_t5(off, !@_CAUSAL)];\n"
    "                    s[j] = d;\n"
    "                    mx = d > mx ? d : mx;\n"
    "                }\n"
    "                for (size_t j = 0; j < jmax; j++) {\n"
    "                    s[j] = @_SIGMOID ? ($)1 / (1 + exp(-(s[j] - log(($)N)))) : exp(s[j] - mx);\n"
    "                    sum += s[j];\n"
    "                }\n"
    "                for (size_t e = 0; e < D; e++) ao[i * C + hd * D + e] = 0;\n"
    "                for (size_t j = 0; j < jmax; j++) {\n"
    "                    $ p = @_SIGMOID ? s[j] : s[j] / sum;\n"
    "                    if (@_URPE) p *= ($)@_P[o[7] + hd * (2 * @_N - 1) + (size_t)((long)j - (long)i + (long)@_N - 1)];\n"
    "                    for (size_t e = 0; e < D; e++) ao[i * C + hd * D + e] += p * qkv[j * 3 * C + 2 * C + hd * D + e];\n"
    "                }\n"
    "            }\n"
    "        @_lin(tmp, ao, o[4], o[5], N, C, C);\n"
    "        for (size_t i = 0; i < N * C; i++) r[i] += (o[8] != @_NONE ? ($)@_P[o[8] + i % C] : 1) * tmp[i];\n"
    "        @_norm(h, r, o[9], o[10], N, C);\n"
    "        @_lin(f, h, o[11], o[12], N, C, F);\n"
    "        for (size_t i = 0; i < N * F; i++) f[i] = @_act(f[i]);\n"
    "        @_lin(tmp, f, o[13], o[14], N, F, C);\n"
    "        for (size_t i = 0; i < N * C; i++) r[i] += (o[15] != @_NONE ? ($)@_P[o[15] + i % C] : 1) * tmp[i];\n"
    "    }\n"
    "    @_norm(h, r, @_NFW, @_NFB, N, C);\n"
    "    @_lin(out, h, @_HW, @_HB, N, C, K);\n"
    "    for (size_t t = 0; t < N; t++) {\n"
    "        if (@_CLASSIFY) {\n"
    "            size_t am = 0;\n"
    "            for (size_t c = 1; c < K; c++) if (out[t * K + c] > out[t * K + am]) am = c;\n"
    "            y[t] = ($)am;\n"
    "        } else {\n"
    "            for (size_t c = 0; c < K; c++) y[t * K + c] = out[t * K + c];\n"
    "        }\n"
    "    }\n"
    "    free(w);\n"
    "}\n";

ua_status ua_seq_export_c(const void *state, ua_export_type type, const char *name, FILE *f)
{
    const ua_seq *m = state;
    ua_emit e;
    ua_status st = ua_emit_start(&e, "seq", state, type, name, f);
    if (st) return st;
    const ua_seq_options *o = &m->opt;
    const char *T = e.T;
    fprintf(f, "#include <stdlib.h>\n#include <string.h>\n\n");
    char xs[48], ys[48], nan[96];
    snprintf(xs, sizeof xs, o->vocab ? " tokens" : " x %zu", o->din);
    snprintf(ys, sizeof ys, o->classify ? " classes" : " x %zu", m->K);
    if (o->vocab)
        snprintf(nan, sizeof nan, "for a token outside 0..%zu (or when memory runs out)", o->vocab - 1);
    else snprintf(nan, sizeof nan, "when memory runs out");
    fprintf(f, "/* seq model: %s attention, %s relative bias, %s positions, %zu layers, width %zu, "
               "%zu heads, FFN %zu, n = %zu.\n * void %s(const %s *x, %s *y): x (%zu%s), y (%zu%s); "
               "y all NaN %s. */\n",
            ua_seq_attention_name(o->attention), ua_seq_rel_name(o->rel),
            ua_seq_positions_name(o->positions), m->L, m->C, m->H, m->F, m->n, name, T, T, m->n,
            xs, m->n, ys, nan);
    fprintf(f, "#define %s_NONE ((size_t)-1)\n", name);
#define DEF(key, v) fprintf(f, "#define %s_%s ((size_t)%zuu)\n", name, key, (size_t)(v))
    DEF("N", m->n); DEF("C", m->C); DEF("H", m->H); DEF("F", m->F); DEF("K", m->K);
    DEF("L", m->L); DEF("V", o->vocab); DEF("DIN", o->din); DEF("NBIAS", m->nbias ? m->nbias : 1);
    DEF("CLASSIFY", o->classify); DEF("CAUSAL", o->causal); DEF("POS", o->positions);
    DEF("REL", o->rel); DEF("URPE", o->attention == UA_SEQ_URPE);
    DEF("SIGMOID", o->attention == UA_SEQ_SIGMOID); DEF("QKNORM", o->qk_norm);
    DEF("EMBW", m->off_emb_w); DEF("EMBB", m->off_emb_b); DEF("POSW", m->off_pos);
    DEF("NFW", m->off_nfw); DEF("NFB", m->off_nfb); DEF("HW", m->off_headw); DEF("HB", m->off_headb);
#undef DEF
    fprintf(f, "\nstatic const size_t %s_OFF[%zu][16] = {\n", name, m->L);
    for (size_t l = 0; l < m->L; l++) {
        const ua_seq_block_off *b = &m->blk[l];
        size_t v[16] = { b->n1w, b->n1b, b->qkvw, b->qkvb, b->projw, b->projb, b->rpe, b->urpe,
                         b->ls1, b->n2w, b->n2b, b->fcw, b->fcb, b->fcpw, b->fcpb, b->ls2 };
        fputs("    {", f);
        for (int i = 0; i < 16; i++) fprintf(f, " (size_t)%zuu,", v[i]);
        fputs(" },\n", f);
    }
    fputs("};\n\n", f);
    ua_emit_array_f32(&e, "P", m->params, m->nparams);
    fputc('\n', f);
    fprintf(f, "static double %s_act_d(double x) { %s }\n", name, act_code(o->act));
    put(f, body, name, T);
    return ferror(f) ? UA_ERR(UA_EIO, "write error in the C export") : UA_OK;
}
