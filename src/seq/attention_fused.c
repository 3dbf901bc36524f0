/*
 * Fused attention: forward and backward tile by tile, never holding a (T, T) matrix, memory
 * O(B H T) (the per-(b, h) bias gradients) instead of O(B H T^2); fixed-size tiles on the stack.
 *
 * Softmax uses the online max / sum of FlashAttention (Dao 2022; Dao 2023, FlashAttention-2):
 * blocks of up to 32 query rows meet tiles of up to 64 keys (held transposed, so a query's scores
 * against the tile are D vectorised axpys); per row the running max m and sum l are rescaled when
 * m grows, and the row's log-sum-exp lse = m + log l is the only statistic kept. The backward pass
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

#include "internal.h"

#define TILE_FLOATS 4096 /* a key tile holds BK x D floats: BK = min(64, 4096 / D) */
#define BQ_FLOATS 4096   /* a query block holds BQ x D accumulators */

size_t ua_seq_attn_fused_scratch(const ua_seq_attn *a)
{
    return a->B * a->H * ((a->bias ? a->nbias : 0) + (a->c ? a->nc : 0));
}

static size_t key_tile(size_t D)
{
    size_t bk = TILE_FLOATS / D;
    return bk > 64 ? 64 : bk ? bk : 1;
}

/* kt (D, nt) = the keys k_j0..j0+nt (rows of stride C3) transposed, so that the scores of one
 * query against the tile are D axpys over contiguous memory (they vectorise). */
static void transpose_tile(float *kt, const float *k, size_t j0, size_t nt, size_t C3, size_t D)
{
    for (size_t t = 0; t < nt; t++) {
        const float *kj = k + (j0 + t) * C3;
        for (size_t e = 0; e < D; e++) kt[e * nt + t] = kj[e];
    }
}

/* One (batch row b, head h) of the forward pass: out's columns of head h, lse (T,). */
UA_MULTIVERSION
static void fwd_head(float *out, float *lse, const float *qkv, const ua_seq_attn *a, size_t b, size_t h)
{
    size_t T = a->T, H = a->H, D = a->D, C = H * D, C3 = 3 * C;
    size_t BK = key_tile(D), BQ = BQ_FLOATS / D > 32 ? 32 : BQ_FLOATS / D;
    float scale = 1.0f / sqrtf((float)D);
    const float *q0 = qkv + b * T * C3 + h * D, *k = q0 + C, *v = q0 + 2 * C;
    const float *ch = a->c ? a->c + h * a->nc + a->cofs : NULL;
    const float *bh = a->bias ? a->bias + h * a->nbias : NULL;
    float kt[TILE_FLOATS], s[64], acc[BQ_FLOATS], m[32], l[32];
    for (size_t i0 = 0; i0 < T; i0 += BQ) {
        size_t nq = T - i0 < BQ ? T - i0 : BQ;
        size_t jend = a->causal ? i0 + nq : T;
        for (size_t r = 0; r < nq; r++) {
            m[r] = -INFINITY;
            l[r] = 0.0f;
        }
        memset(acc, 0, nq * D * sizeof *acc);
        for (size_t j0 = 0; j0 < jend; j0 += BK) {
            size_t nt = jend - j0 < BK ? jend - j0 : BK;
            transpose_tile(kt, k, j0, nt, C3, D);
            for (size_t r = 0; r < nq; r++) {
                size_t i = i0 + r;
                if (a->causal && i < j0) continue;
                size_t n = a->causal && i + 1 - j0 < nt ? i + 1 - j0 : nt;
                const float *q = q0 + i * C3;
                float *ac = acc + r * D;
                /* scores against the first n keys of the tile (kt's row stride is nt) */
                for (size_t t = 0; t < n; t++) s[t] = 0.0f;
                for (size_t e = 0; e < D; e++) {
                    float qe = q[e];
                    const float *row = kt + e * nt;
                    for (size_t t = 0; t < n; t++) s[t] += qe * row[t];
                }
                for (size_t t = 0; t < n; t++) s[t] *= scale;
                if (bh) {
                    const int32_t *bi = a->bidx + (T - 1 - i) + j0;
                    for (size_t t = 0; t < n; t++) s[t] += bh[bi[t]];
                }
                if (a->kind == 0) {
                    float bm = ua_seq_vmax(s, n);
                    if (bm > m[r]) { /* rescale what was accumulated under the old max */
                        float sc = ua_seq_exp(m[r] - bm);
                        l[r] *= sc;
                        for (size_t e = 0; e < D; e++) ac[e] *= sc;
                        m[r] = bm;
                    }
                    float mr = m[r];
                    for (size_t t = 0; t < n; t++) s[t] = ua_seq_exp(s[t] - mr);
                    l[r] += ua_seq_vsum(s, n);
                } else {
                    for (size_t t = 0; t < n; t++) s[t] = 1.0f / (1.0f + ua_seq_exp(-(s[t] + a->sig_b)));
                }
                if (ch)
                    for (size_t t = 0; t < n; t++) s[t] *= ch[(long)(j0 + t) - (long)i];
                for (size_t t = 0; t < n; t++) {
                    const float *vj = v + (j0 + t) * C3;
                    float w = s[t];
                    for (size_t e = 0; e < D; e++) ac[e] += w * vj[e];
                }
            }
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

void ua_seq_attn_fused_forward(float *out, float *lse, const float *qkv, const ua_seq_attn *a,
                               float *scratch)
{
    (void)scratch;
    size_t B = a->B, T = a->T, H = a->H, D = a->D;
#pragma omp parallel for collapse(2) schedule(dynamic, 1) if (B * H * T * T * D >= ((size_t)1 << 20))
    for (size_t b = 0; b < B; b++)
        for (size_t h = 0; h < H; h++) fwd_head(out, lse, qkv, a, b, h);
}

/* One (batch row b, head h) of the backward pass: dqkv's columns of head h; the bias and C
 * gradients into this (b, h)'s slice of the scratch. */
UA_MULTIVERSION
static void bwd_head(float *dqkv, float *scratch, const float *dout, const float *qkv, const float *out,
                     const float *lse, const ua_seq_attn *a, size_t b, size_t h)
{
    size_t T = a->T, H = a->H, D = a->D, C = H * D, C3 = 3 * C;
    size_t nb = a->bias ? a->nbias : 0, nc = a->c ? a->nc : 0, per = nb + nc;
    size_t BK = key_tile(D);
    float scale = 1.0f / sqrtf((float)D);
    const float *q0 = qkv + b * T * C3 + h * D, *k = q0 + C, *v = q0 + 2 * C;
    float *dq0 = dqkv + b * T * C3 + h * D, *dk = dq0 + C, *dv = dq0 + 2 * C;
    const float *ch = a->c ? a->c + h * a->nc + a->cofs : NULL;
    const float *bh = a->bias ? a->bias + h * a->nbias : NULL;
    float *gb = per ? scratch + (b * H + h) * per : NULL; /* (nbias,) */
    float *gc = nc ? gb + nb + a->cofs : NULL;             /* (nc,), by offset */
    float kt[TILE_FLOATS], vt[TILE_FLOATS], dK[TILE_FLOATS], dV[TILE_FLOATS];
    float s[64], u[64], ds[64], pw[64];
    for (size_t i = 0; i < T; i++) memset(dq0 + i * C3, 0, D * sizeof *dq0);
    for (size_t j0 = 0; j0 < T; j0 += BK) {
        size_t nt = T - j0 < BK ? T - j0 : BK;
        transpose_tile(kt, k, j0, nt, C3, D);
        transpose_tile(vt, v, j0, nt, C3, D);
        memset(dK, 0, nt * D * sizeof *dK);
        memset(dV, 0, nt * D * sizeof *dV);
        for (size_t i = a->causal ? j0 : 0; i < T; i++) {
            size_t n = a->causal && i + 1 - j0 < nt ? i + 1 - j0 : nt;
            const float *q = q0 + i * C3, *di = dout + (b * T + i) * C + h * D;
            float *dq = dq0 + i * C3;
            /* s = scores, u = dout_i . v_j, both vectorised over the tile */
            for (size_t t = 0; t < n; t++) s[t] = u[t] = 0.0f;
            for (size_t e = 0; e < D; e++) {
                float qe = q[e], de = di[e];
                const float *kr = kt + e * nt, *vr = vt + e * nt;
                for (size_t t = 0; t < n; t++) {
                    s[t] += qe * kr[t];
                    u[t] += de * vr[t];
                }
            }
            for (size_t t = 0; t < n; t++) s[t] *= scale;
            if (bh) {
                const int32_t *bi = a->bidx + (T - 1 - i) + j0;
                for (size_t t = 0; t < n; t++) s[t] += bh[bi[t]];
            }
            if (a->kind == 0) {
                float L = lse[(b * H + h) * T + i];
                float Di = 0.0f;
                const float *oi = out + (b * T + i) * C + h * D;
                for (size_t e = 0; e < D; e++) Di += di[e] * oi[e];
                for (size_t t = 0; t < n; t++) s[t] = ua_seq_exp(s[t] - L);
                if (ch) {
                    for (size_t t = 0; t < n; t++) {
                        long o = (long)(j0 + t) - (long)i;
                        gc[o] += u[t] * s[t];
                        pw[t] = s[t] * ch[o];
                        ds[t] = s[t] * (u[t] * ch[o] - Di);
                    }
                } else {
                    for (size_t t = 0; t < n; t++) {
                        pw[t] = s[t];
                        ds[t] = s[t] * (u[t] - Di);
                    }
                }
            } else {
                for (size_t t = 0; t < n; t++) s[t] = 1.0f / (1.0f + ua_seq_exp(-(s[t] + a->sig_b)));
                for (size_t t = 0; t < n; t++) {
                    float cw = ch ? ch[(long)(j0 + t) - (long)i] : 1.0f;
                    if (gc) gc[(long)(j0 + t) - (long)i] += u[t] * s[t];
                    pw[t] = s[t] * cw;
                    ds[t] = u[t] * cw * s[t] * (1.0f - s[t]);
                }
            }
            if (nb) {
                const int32_t *bi = a->bidx + (T - 1 - i) + j0;
                for (size_t t = 0; t < n; t++) gb[bi[t]] += ds[t];
            }
            for (size_t t = 0; t < n; t++) {
                float dss = ds[t] * scale, p = pw[t];
                const float *kj = k + (j0 + t) * C3;
                float *dKt = dK + t * D, *dVt = dV + t * D;
                for (size_t e = 0; e < D; e++) {
                    dq[e] += dss * kj[e];
                    dKt[e] += dss * q[e];
                    dVt[e] += p * di[e];
                }
            }
        }
        for (size_t t = 0; t < nt; t++) {
            memcpy(dk + (j0 + t) * C3, dK + t * D, D * sizeof *dk);
            memcpy(dv + (j0 + t) * C3, dV + t * D, D * sizeof *dv);
        }
    }
}

/* Backward, key tiles outermost (FlashAttention-2's order): a tile's keys, values and their
 * gradient accumulators stay in cache while every query row streams past once. */
void ua_seq_attn_fused_backward(float *dqkv, float *dbias, float *dc, const float *dout,
                                const float *qkv, const float *out, const float *lse,
                                const ua_seq_attn *a, float *scratch)
{
    size_t B = a->B, T = a->T, H = a->H, D = a->D;
    size_t nb = a->bias ? a->nbias : 0, nc = a->c ? a->nc : 0, per = nb + nc;
    if (per) memset(scratch, 0, B * H * per * sizeof *scratch);
#pragma omp parallel for collapse(2) schedule(dynamic, 1) if (B * H * T * T * D >= ((size_t)1 << 20))
    for (size_t b = 0; b < B; b++)
        for (size_t h = 0; h < H; h++) bwd_head(dqkv, scratch, dout, qkv, out, lse, a, b, h);
    /* reduce the per-(b, h) bias and C gradients over b, in b order */
    for (size_t h = 0; h < H; h++)
        for (size_t b = 0; b < B; b++) {
            const float *gb = scratch + (b * H + h) * per;
            for (size_t t = 0; t < nb; t++) dbias[h * a->nbias + t] += gb[t];
            for (size_t t = 0; t < nc; t++) dc[h * a->nc + t] += gb[nb + t];
        }
}
