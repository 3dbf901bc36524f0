/*
 * Fused attention: forward and backward tile by tile, never holding a (T, T) matrix, memory
 * O(B H T) (the per-(b, h) bias gradients) instead of O(B H T^2); fixed-size tiles on the stack.
 *
 * Softmax uses the online max / sum of FlashAttention (Dao 2022; Dao 2023, FlashAttention-2):
 * blocks of up to 128 query rows meet tiles of up to 128 keys, each tile product (Q K^T, P V, and in
 * the backward pass dout V^T, dS K, dS^T Q, P^T dout) one small sgemm; per row the running max m
 * and sum l are rescaled when m grows, and the row's log-sum-exp lse = m + log l is the only statistic kept. The backward pass
 * recomputes P_ij = exp(S_ij - lse_i) and uses D_i = dout_i . out_i = sum_j P_ij dP_ij (which
 * holds with URPE's C too, since out_i = sum_j P_ij C_ij v_j). Sigmoid attention (FlashSigmoid,
 * Ramapuram et al. 2024) needs no row statistic at all: P_ij = sigmoid(S_ij - log T) is local.
 *
 * Parallel (OpenMP) over batch x heads; each (b, h) owns its slice of dqkv and its own copy of the
 * bias / C gradients in the scratch, reduced over b at the end, so results do not depend on the
 * thread count.
 */
/* Lets GCC if-convert the float compares of the exp / relu loops so that they vectorise (FP
 * exception flags are never read by this library). Before the includes, so
 * that the inline ua_seq_exp of internal.h gets the same options and inlines. */
#pragma GCC optimize("no-trapping-math")
#include <math.h>
#include <string.h>

#include <omp.h>

#include "internal.h"

#include <cblas.h>

/* Blocks of BT query rows meet tiles of BT keys, BT = min(128, 4096 / D): the score tile S
 * (BT, BT) and the accumulators (BT, D) stay in L2, and each tile product is one small sgemm
 * (OpenBLAS's small-matrix kernels) instead of loops of short axpys. The tiles live on the stack:
 * at most 160 KiB per call (glibc's threads have 8 MiB). */
#define TILE 128
#define TILE_FLOATS 4096

size_t ua_seq_attn_fused_scratch(const ua_seq_attn *a)
{
    return a->B * a->H * ((a->bias ? a->nbias : 0) + (a->c ? a->nc : 0));
}

static size_t tile_rows(size_t D)
{
    size_t t = TILE_FLOATS / D;
    return t > TILE ? TILE : t ? t : 1;
}

/* Valid keys of query row i in the tile starting at key j0 with nt keys. */
static size_t valid_keys(const ua_seq_attn *a, size_t i, size_t j0, size_t nt)
{
    if (!a->causal) return nt;
    if (i < j0) return 0;
    return i + 1 - j0 < nt ? i + 1 - j0 : nt;
}

/* S (nq, nt) from scale Q K^T: adds head h's relative bias; for sigmoid, P = sigmoid(S + b) with
 * URPE's C applied (pw) and P kept in s; masked entries are 0. Softmax rows are left as scores
 * (masked to -inf) for the caller's running max. */
static void bias_rows(float *S, size_t nq, size_t nt, size_t i0, size_t j0, const ua_seq_attn *a,
                      size_t h)
{
    const float *bh = a->bias ? a->bias + h * a->nbias : NULL;
    for (size_t r = 0; r < nq; r++) {
        size_t i = i0 + r, n = valid_keys(a, i, j0, nt);
        float *row = S + r * nt;
        if (bh) {
            const int32_t *bi = a->bidx + (a->T - 1 - i) + j0;
            for (size_t t = 0; t < n; t++) row[t] += bh[bi[t]];
        }
        for (size_t t = n; t < nt; t++) row[t] = -INFINITY;
    }
}

/* One (batch row b, head h) of the forward pass: out's columns of head h, lse (T,). */
UA_MULTIVERSION
static void fwd_head(float *out, float *lse, const float *qkv, const ua_seq_attn *a, size_t b, size_t h)
{
    size_t T = a->T, H = a->H, D = a->D, C = H * D, C3 = 3 * C, BT = tile_rows(D);
    float scale = 1.0f / sqrtf((float)D);
    const float *q0 = qkv + b * T * C3 + h * D, *k = q0 + C, *v = q0 + 2 * C;
    const float *ch = a->c ? a->c + h * a->nc + a->cofs : NULL;
    float S[TILE * TILE], acc[TILE_FLOATS], m[TILE], l[TILE];
    for (size_t i0 = 0; i0 < T; i0 += BT) {
        size_t nq = T - i0 < BT ? T - i0 : BT, jend = a->causal ? i0 + nq : T;
        for (size_t r = 0; r < nq; r++) {
            m[r] = -INFINITY;
            l[r] = 0.0f;
        }
        memset(acc, 0, nq * D * sizeof *acc);
        for (size_t j0 = 0; j0 < jend; j0 += BT) {
            size_t nt = jend - j0 < BT ? jend - j0 : BT;
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)nq, (int)nt, (int)D, scale,
                        q0 + i0 * C3, (int)C3, k + j0 * C3, (int)C3, 0.0f, S, (int)nt);
            bias_rows(S, nq, nt, i0, j0, a, h);
            for (size_t r = 0; r < nq; r++) {
                size_t i = i0 + r, n = valid_keys(a, i, j0, nt);
                float *row = S + r * nt;
                if (!n) continue; /* the row is all masked: its -inf entries become 0 below */
                if (a->kind == 0) {
                    float bm = ua_seq_vmax(row, n);
                    if (bm > m[r]) { /* rescale what was accumulated under the old max */
                        float sc = ua_seq_exp(m[r] - bm);
                        l[r] *= sc;
                        for (size_t e = 0; e < D; e++) acc[r * D + e] *= sc;
                        m[r] = bm;
                    }
                    float mr = m[r];
                    for (size_t t = 0; t < n; t++) row[t] = ua_seq_exp(row[t] - mr);
                    l[r] += ua_seq_vsum(row, n);
                } else {
                    for (size_t t = 0; t < n; t++) row[t] = 1.0f / (1.0f + ua_seq_exp(-(row[t] + a->sig_b)));
                }
                if (ch)
                    for (size_t t = 0; t < n; t++) row[t] *= ch[(long)(j0 + t) - (long)i];
            }
            for (size_t r = 0; r < nq; r++) /* masked entries (and all-masked rows) weigh 0 */
                for (size_t t = valid_keys(a, i0 + r, j0, nt); t < nt; t++) S[r * nt + t] = 0.0f;
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)nq, (int)D, (int)nt, 1.0f, S,
                        (int)nt, v + j0 * C3, (int)C3, 1.0f, acc, (int)D);
        }
        for (size_t r = 0; r < nq; r++) {
            size_t i = i0 + r;
            float *o = out + (b * T + i) * C + h * D;
            float inv = a->kind == 0 ? 1.0f / l[r] : 1.0f;
            for (size_t e = 0; e < D; e++) o[e] = acc[r * D + e] * inv;
            if (lse) lse[(b * H + h) * T + i] = a->kind == 0 ? m[r] + logf(l[r]) : 0.0f;
        }
    }
}

/* One (batch row b, head h) of the backward pass, key tiles outermost (FlashAttention-2's order:
 * a tile's dK, dV accumulators stay in cache while the query blocks stream past): dqkv's columns
 * of head h; the bias and C gradients into this (b, h)'s slice of the scratch. */
UA_MULTIVERSION
static void bwd_head(float *dqkv, float *scratch, const float *dout, const float *qkv, const float *out,
                     const float *lse, const ua_seq_attn *a, size_t b, size_t h)
{
    size_t T = a->T, H = a->H, D = a->D, C = H * D, C3 = 3 * C, BT = tile_rows(D);
    size_t nb = a->bias ? a->nbias : 0, nc = a->c ? a->nc : 0, per = nb + nc;
    float scale = 1.0f / sqrtf((float)D);
    const float *q0 = qkv + b * T * C3 + h * D, *k = q0 + C, *v = q0 + 2 * C;
    const float *do0 = dout + b * T * C + h * D, *o0 = out + b * T * C + h * D;
    float *dq0 = dqkv + b * T * C3 + h * D, *dk = dq0 + C, *dv = dq0 + 2 * C;
    const float *ch = a->c ? a->c + h * a->nc + a->cofs : NULL;
    float *gb = per ? scratch + (b * H + h) * per : NULL; /* (nbias,) */
    float *gc = nc ? gb + nb + a->cofs : NULL;             /* (nc,), by offset */
    float S[TILE * TILE], U[TILE * TILE], dK[TILE_FLOATS], dV[TILE_FLOATS];
    for (size_t i = 0; i < T; i++) memset(dq0 + i * C3, 0, D * sizeof *dq0);
    for (size_t j0 = 0; j0 < T; j0 += BT) {
        size_t nt = T - j0 < BT ? T - j0 : BT;
        memset(dK, 0, nt * D * sizeof *dK);
        memset(dV, 0, nt * D * sizeof *dV);
        for (size_t i0 = 0; i0 < T; i0 += BT) {
            size_t nq = T - i0 < BT ? T - i0 : BT;
            if (a->causal && i0 + nq <= j0) continue; /* every query of the block precedes the tile */
            /* S = scale Q K^T (+ bias), U = dout V^T: (nq, nt) */
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)nq, (int)nt, (int)D, scale,
                        q0 + i0 * C3, (int)C3, k + j0 * C3, (int)C3, 0.0f, S, (int)nt);
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)nq, (int)nt, (int)D, 1.0f,
                        do0 + i0 * C, (int)C, v + j0 * C3, (int)C3, 0.0f, U, (int)nt);
            bias_rows(S, nq, nt, i0, j0, a, h);
            for (size_t r = 0; r < nq; r++) {
                size_t i = i0 + r, n = valid_keys(a, i, j0, nt);
                float *s = S + r * nt, *u = U + r * nt; /* s becomes P o C (pw), u becomes dS */
                if (a->kind == 0) {
                    float L = lse[(b * H + h) * T + i], dd = 0.0f;
                    const float *di = do0 + i * C, *oi = o0 + i * C;
                    for (size_t e = 0; e < D; e++) dd += di[e] * oi[e];
                    for (size_t t = 0; t < n; t++) s[t] = ua_seq_exp(s[t] - L);
                    if (ch) {
                        for (size_t t = 0; t < n; t++) {
                            long o = (long)(j0 + t) - (long)i;
                            gc[o] += u[t] * s[t];
                            u[t] = s[t] * (u[t] * ch[o] - dd);
                            s[t] *= ch[o];
                        }
                    } else {
                        for (size_t t = 0; t < n; t++) u[t] = s[t] * (u[t] - dd);
                    }
                } else {
                    for (size_t t = 0; t < n; t++) s[t] = 1.0f / (1.0f + ua_seq_exp(-(s[t] + a->sig_b)));
                    for (size_t t = 0; t < n; t++) {
                        float cw = ch ? ch[(long)(j0 + t) - (long)i] : 1.0f;
                        if (gc) gc[(long)(j0 + t) - (long)i] += u[t] * s[t];
                        u[t] = u[t] * cw * s[t] * (1.0f - s[t]);
                        s[t] *= cw;
                    }
                }
                for (size_t t = n; t < nt; t++) s[t] = u[t] = 0.0f;
                if (nb) {
                    const int32_t *bi = a->bidx + (T - 1 - i) + j0;
                    for (size_t t = 0; t < n; t++) gb[bi[t]] += u[t];
                }
            }
            /* dV += (P o C)^T dout, dK += scale dS^T Q, dQ += scale dS K */
            cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)nt, (int)D, (int)nq, 1.0f, S, (int)nt,
                        do0 + i0 * C, (int)C, 1.0f, dV, (int)D);
            cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)nt, (int)D, (int)nq, scale, U, (int)nt,
                        q0 + i0 * C3, (int)C3, 1.0f, dK, (int)D);
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)nq, (int)D, (int)nt, scale, U,
                        (int)nt, k + j0 * C3, (int)C3, 1.0f, dq0 + i0 * C3, (int)C3);
        }
        for (size_t t = 0; t < nt; t++) {
            memcpy(dk + (j0 + t) * C3, dK + t * D, D * sizeof *dk);
            memcpy(dv + (j0 + t) * C3, dV + t * D, D * sizeof *dv);
        }
    }
}

void ua_seq_attn_fused_forward(float *out, float *lse, const float *qkv, const ua_seq_attn *a,
                               float *scratch)
{
    (void)scratch;
    size_t B = a->B, T = a->T, H = a->H, D = a->D;
    int par = B * H * T * T * D >= ((size_t)1 << 20) && omp_get_max_threads() > 1 && !omp_in_parallel();
    int blas = ua_blas_threads_serial(); /* tile products are too small to split across threads */
#pragma omp parallel for collapse(2) schedule(dynamic, 1) if (par)
    for (size_t b = 0; b < B; b++)
        for (size_t h = 0; h < H; h++) fwd_head(out, lse, qkv, a, b, h);
    ua_blas_threads_restore(blas);
}

void ua_seq_attn_fused_backward(float *dqkv, float *dbias, float *dc, const float *dout,
                                const float *qkv, const float *out, const float *lse,
                                const ua_seq_attn *a, float *scratch)
{
    size_t B = a->B, T = a->T, H = a->H, D = a->D;
    size_t nb = a->bias ? a->nbias : 0, nc = a->c ? a->nc : 0, per = nb + nc;
    if (per) memset(scratch, 0, B * H * per * sizeof *scratch);
    int par = B * H * T * T * D >= ((size_t)1 << 20) && omp_get_max_threads() > 1 && !omp_in_parallel();
    int blas = ua_blas_threads_serial(); /* tile products are too small to split across threads */
#pragma omp parallel for collapse(2) schedule(dynamic, 1) if (par)
    for (size_t b = 0; b < B; b++)
        for (size_t h = 0; h < H; h++) bwd_head(dqkv, scratch, dout, qkv, out, lse, a, b, h);
    ua_blas_threads_restore(blas);
    /* reduce the per-(b, h) bias and C gradients over b, in b order */
    for (size_t h = 0; h < H; h++)
        for (size_t b = 0; b < B; b++) {
            const float *gb = scratch + (b * H + h) * per;
            for (size_t t = 0; t < nb; t++) dbias[h * a->nbias + t] += gb[t];
            for (size_t t = 0; t < nc; t++) dc[h * a->nc + t] += gb[nb + t];
        }
}
