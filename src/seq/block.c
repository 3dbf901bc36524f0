/*
 * The parts of a Transformer block other than attention, in forward/backward pairs (llm.c's
 * kernels): LayerNorm and RMSNorm (eps 1e-5), dense layers (OpenBLAS sgemm), the FFN activation
 * (src/train's scalar activations), and the residual add with optional LayerScale (Touvron
 * et al. 2021). Backward kernels accumulate (+=) parameter gradients.
 */
/* Lets GCC if-convert the float compares of the exp / relu loops so that they vectorise (FP
 * exception flags are never read by this library). Before the includes, so
 * that the inline ua_seq_exp of internal.h gets the same options and inlines. */
#pragma GCC optimize("no-trapping-math")
#include <math.h>
#include <string.h>

#include <cblas.h>

#include "internal.h"


/* one row of ua_seq_layernorm_forward (outside the OpenMP loop so that it is multiversioned) */
UA_MULTIVERSION
static void layernorm_row(float *o, float *mean, float *rstd, const float *x, const float *w,
                          const float *b, size_t C)
{
    float m = 0, v = 0; /* the sums vectorise in 16 partial sums (order as PyTorch's, roughly) */
#pragma omp simd reduction(+ : m)
    for (size_t c = 0; c < C; c++) m += x[c];
    m /= (float)C;
#pragma omp simd reduction(+ : v)
    for (size_t c = 0; c < C; c++) v += (x[c] - m) * (x[c] - m);
    v /= (float)C;
    float s = 1.0f / sqrtf(v + UA_SEQ_NORM_EPS);
    for (size_t c = 0; c < C; c++) o[c] = (x[c] - m) * s * w[c] + b[c];
    *mean = m;
    *rstd = s;
}

/* out (N, C) = (inp - mean) * rstd * w + b; mean, rstd (N,). */
void ua_seq_layernorm_forward(float *out, float *mean, float *rstd, const float *inp,
                              const float *w, const float *b, size_t N, size_t C)
{
#pragma omp parallel for schedule(static) if (N * C >= 65536)
    for (size_t i = 0; i < N; i++) layernorm_row(out + i * C, mean + i, rstd + i, inp + i * C, w, b, C);
}

/* dinp (N, C) += ; dw, db (C,) += . */
UA_MULTIVERSION
void ua_seq_layernorm_backward(float *restrict dinp, float *restrict dw, float *restrict db,
                               const float *restrict dout, const float *restrict inp,
                               const float *restrict w, const float *mean, const float *rstd,
                               size_t N, size_t C)
{
    for (size_t i = 0; i < N; i++) {
        const float *dy = dout + i * C, *x = inp + i * C;
        float m = mean[i], s = rstd[i], dmean = 0, dnx = 0;
#pragma omp simd reduction(+ : dmean, dnx)
        for (size_t c = 0; c < C; c++) {
            float xh = (x[c] - m) * s, dn = w[c] * dy[c];
            dmean += dn;
            dnx += dn * xh;
        }
        dmean /= (float)C;
        dnx /= (float)C;
        float *dx = dinp + i * C;
        for (size_t c = 0; c < C; c++) {
            float xh = (x[c] - m) * s, dn = w[c] * dy[c];
            db[c] += dy[c];
            dw[c] += xh * dy[c];
            dx[c] += (dn - dmean - xh * dnx) * s;
        }
    }
}

/* out (N, C) = inp * rstd * w, rstd = 1 / sqrt(mean(inp^2) + eps). */
UA_MULTIVERSION
void ua_seq_rmsnorm_forward(float *out, float *rstd, const float *inp, const float *w, size_t N,
                            size_t C)
{
    for (size_t i = 0; i < N; i++) {
        const float *x = inp + i * C;
        float v = 0;
        for (size_t c = 0; c < C; c++) v += x[c] * x[c];
        float s = 1.0f / sqrtf(v / (float)C + UA_SEQ_NORM_EPS);
        for (size_t c = 0; c < C; c++) out[i * C + c] = x[c] * s * w[c];
        rstd[i] = s;
    }
}

UA_MULTIVERSION
void ua_seq_rmsnorm_backward(float *dinp, float *dw, const float *dout, const float *inp,
                             const float *w, const float *rstd, size_t N, size_t C)
{
    for (size_t i = 0; i < N; i++) {
        const float *dy = dout + i * C, *x = inp + i * C;
        float s = rstd[i], dnx = 0;
        for (size_t c = 0; c < C; c++) dnx += w[c] * dy[c] * x[c] * s;
        dnx /= (float)C;
        for (size_t c = 0; c < C; c++) {
            float xh = x[c] * s;
            dw[c] += xh * dy[c];
            dinp[i * C + c] += (w[c] * dy[c] - xh * dnx) * s;
        }
    }
}

/* out (N, c) = b (c,) on every row, one vectorised pass: GCC would otherwise turn the inner loop
 * into a memcpy call per row, which perf showed slower than the old add pass it replaces. */
#if defined(__GNUC__) && !defined(__clang__)
__attribute__((optimize("no-tree-loop-distribute-patterns")))
#endif
UA_MULTIVERSION
static void bias_rows(float *restrict out, const float *restrict b, size_t N, size_t c)
{
    for (size_t i = 0; i < N; i++)
        for (size_t j = 0; j < c; j++) out[i * c + j] = b[j];
}

/* out (N, outc) = inp (N, in) W^T + b, W (outc, in), b (outc,) or NULL. With a bias the rows are
 * first set to b and the product accumulates onto them (beta = 1): OpenBLAS's beta = 0 would
 * clear out first and a second pass add b, two passes over out instead of one. The sum is the
 * same, b + (the product), rounded once where the product's depth fits one of OpenBLAS's blocks. */
void ua_seq_matmul_forward(float *out, const float *inp, const float *W, const float *b,
                           size_t N, size_t in, size_t outc)
{
    if (b) bias_rows(out, b, N, outc);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)N, (int)outc, (int)in, 1.0f, inp,
                (int)in, W, (int)in, b ? 1.0f : 0.0f, out, (int)outc);
}

/* dinp (N, in) = dout W (overwritten; skipped when NULL); dW (outc, in) += dout^T inp;
 * db (outc,) += column sums of dout (skipped when NULL). */
UA_MULTIVERSION
void ua_seq_matmul_backward(float *dinp, float *dW, float *db, const float *dout,
                            const float *inp, const float *W, size_t N, size_t in, size_t outc)
{
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)outc, (int)in, (int)N, 1.0f, dout,
                (int)outc, inp, (int)in, 1.0f, dW, (int)in);
    if (db)
        for (size_t i = 0; i < N; i++)
            for (size_t j = 0; j < outc; j++) db[j] += dout[i * outc + j];
    if (dinp)
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)N, (int)in, (int)outc, 1.0f,
                    dout, (int)outc, W, (int)in, 0.0f, dinp, (int)in);
}

/* y (n,) = act(x); relu inline, others through src/train's activations (double, rounded). */
UA_MULTIVERSION
void ua_seq_act_forward(float *y, const float *x, size_t n, ua_mlp_act a)
{
    if (a == UA_ACT_RELU) {
        for (size_t i = 0; i < n; i++) y[i] = x[i] > 0 ? x[i] : 0.0f;
        return;
    }
#pragma omp parallel for schedule(static) if (n >= 65536)
    for (size_t i = 0; i < n; i++) y[i] = (float)ua_train_act_forward((int)a, 0.01, (double)x[i]);
}

/* d (n,) *= act'(x), in place (one written array, so the relu loop vectorises). */
UA_MULTIVERSION
void ua_seq_act_backward(float *d, const float *x, size_t n, ua_mlp_act a)
{
    if (a == UA_ACT_RELU) {
        for (size_t i = 0; i < n; i++) d[i] = x[i] > 0 ? d[i] : 0.0f;
        return;
    }
#pragma omp parallel for schedule(static) if (n >= 65536)
    for (size_t i = 0; i < n; i++) d[i] *= (float)ua_train_act_backward((int)a, 0.01, (double)x[i]);
}

UA_MULTIVERSION
void ua_seq_residual_forward(float *res_out, const float *res_in, const float *br,
                             const float *g, size_t N, size_t C)
{
    for (size_t i = 0; i < N; i++)
        for (size_t c = 0; c < C; c++)
            res_out[i * C + c] = res_in[i * C + c] + (g ? g[c] : 1.0f) * br[i * C + c];
}

UA_MULTIVERSION
void ua_seq_residual_backward(float *dbr, float *dg, const float *dres, const float *br,
                              const float *g, size_t N, size_t C)
{
    for (size_t i = 0; i < N; i++)
        for (size_t c = 0; c < C; c++) {
            dbr[i * C + c] = (g ? g[c] : 1.0f) * dres[i * C + c];
            if (g) dg[c] += dres[i * C + c] * br[i * C + c];
        }
}

/* QK-norm (Ramapuram et al. 2024 stabilise sigmoid attention with it): each head's q and k
 * vectors divided by their RMS over the head width (eps 1e-5, no gain). out (N, 3C) from
 * in (N, 3C); v copied; rstd (N, 2H) kept for the backward pass. */
UA_MULTIVERSION
void ua_seq_qknorm_forward(float *out, float *rstd, const float *in, size_t N, size_t H, size_t D)
{
    size_t C = H * D;
    for (size_t i = 0; i < N; i++) {
        const float *x = in + i * 3 * C;
        float *y = out + i * 3 * C;
        for (size_t g = 0; g < 2 * H; g++) {
            const float *xv = x + g * D;
            float ss = 0;
            for (size_t e = 0; e < D; e++) ss += xv[e] * xv[e];
            float r = 1.0f / sqrtf(ss / (float)D + UA_SEQ_NORM_EPS);
            for (size_t e = 0; e < D; e++) y[g * D + e] = xv[e] * r;
            rstd[i * 2 * H + g] = r;
        }
        memcpy(y + 2 * C, x + 2 * C, C * sizeof *y);
    }
}

/* din (N, 3C) overwritten from dout (N, 3C): dx = r (dy - y mean(dy y)) for q and k, v copied. */
UA_MULTIVERSION
void ua_seq_qknorm_backward(float *din, const float *dout, const float *in, const float *rstd,
                            size_t N, size_t H, size_t D)
{
    size_t C = H * D;
    for (size_t i = 0; i < N; i++) {
        const float *x = in + i * 3 * C, *dy = dout + i * 3 * C;
        float *dx = din + i * 3 * C;
        for (size_t g = 0; g < 2 * H; g++) {
            float r = rstd[i * 2 * H + g], dot = 0;
            for (size_t e = 0; e < D; e++) dot += dy[g * D + e] * x[g * D + e] * r;
            dot /= (float)D;
            for (size_t e = 0; e < D; e++) dx[g * D + e] = r * (dy[g * D + e] - x[g * D + e] * r * dot);
        }
        memcpy(dx + 2 * C, dy + 2 * C, C * sizeof *dx);
    }
}
