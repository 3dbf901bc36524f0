/*
 * Multi-head self-attention inside each graph of a batch (the global branch of a GPS layer):
 * for graph g with nodes n0..n1-1 and head h, S = q k^T / sqrt(D), P = softmax(S) by rows,
 * y = P v, with q, k, v the head's columns of qkv (PyTorch's nn.MultiheadAttention packs them as
 * [q | k | v], each C wide, head h at columns h D .. h D + D - 1). GraphGPS reaches the same
 * result by padding the batch to dense (G, n_max) blocks with a key padding mask; here each graph
 * is its own block, so no work is spent on padding. Attention dropout (PyTorch's dropout on the
 * weights) multiplies P by a mask of 0 and 1/(1-p). OpenMP splits the batch by graph.
 */
#pragma GCC optimize("no-trapping-math")
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#ifdef _OPENMP
#include <omp.h>
#endif

size_t ua_gps_attn_offsets(size_t *aoff, const ua_gps_batch *b, size_t H)
{
    aoff[0] = 0;
    for (size_t g = 0; g < b->G; g++) {
        size_t n = b->node_off[g + 1] - b->node_off[g];
        aoff[g + 1] = aoff[g] + H * n * n;
    }
    return aoff[b->G];
}

static int thread_id(void)
{
#ifdef _OPENMP
    return omp_get_thread_num();
#else
    return 0;
#endif
}

/* tr (D, n) = the columns c0 .. c0 + D - 1 of rows (n, ld) */
static void transpose_cols(float *restrict tr, const float *restrict rows, size_t n, size_t ld,
                           size_t c0, size_t D)
{
    for (size_t j = 0; j < n; j++)
        for (size_t d = 0; d < D; d++) tr[d * n + j] = rows[j * ld + c0 + d];
}

UA_MULTIVERSION
static void graph_forward(float *restrict y, float *restrict P, float *restrict Praw,
                          const float *restrict qkv, size_t n, size_t H, size_t D, double p_drop,
                          ua_rng *rng, float *restrict kT)
{
    size_t C = H * D, C3 = 3 * C;
    float scale = 1.0f / sqrtf((float)D);
    float keep = p_drop > 0 ? (float)(1.0 / (1.0 - p_drop)) : 1.0f;
    for (size_t h = 0; h < H; h++) {
        transpose_cols(kT, qkv, n, C3, C + h * D, D);
        float *Ph = P + h * n * n;
        for (size_t i = 0; i < n; i++) {
            const float *q = qkv + i * C3 + h * D;
            float *s = Ph + i * n;
            for (size_t j = 0; j < n; j++) s[j] = 0;
            for (size_t d = 0; d < D; d++) {
                float qd = q[d] * scale;
                const float *kd = kT + d * n;
                for (size_t j = 0; j < n; j++) s[j] += qd * kd[j];
            }
            float mx = s[0];
            for (size_t j = 1; j < n; j++) mx = s[j] > mx ? s[j] : mx;
            double sum = 0;
            for (size_t j = 0; j < n; j++) {
                s[j] = expf(s[j] - mx);
                sum += s[j];
            }
            float inv = (float)(1.0 / sum);
            for (size_t j = 0; j < n; j++) s[j] *= inv;
            if (Praw) {
                memcpy(Praw + h * n * n + i * n, s, n * sizeof *s);
                for (size_t j = 0; j < n; j++) s[j] = ua_rng_uniform(rng) < p_drop ? 0.0f : s[j] * keep;
            }
            float *yi = y + i * C + h * D;
            for (size_t d = 0; d < D; d++) yi[d] = 0;
            for (size_t j = 0; j < n; j++) {
                const float *v = qkv + j * C3 + 2 * C + h * D;
                float pj = s[j];
                for (size_t d = 0; d < D; d++) yi[d] += pj * v[d];
            }
        }
    }
}

void ua_gps_attn_forward(float *y, float *P, float *Praw, const float *qkv, const ua_gps_batch *b,
                         const size_t *aoff, size_t H, size_t D, double p_drop, uint64_t seed,
                         float *scratch, size_t nmax, int nthreads)
{
    size_t C = H * D;
    int drop = p_drop > 0 && Praw;
#pragma omp parallel for schedule(dynamic, 2) num_threads(nthreads) if (b->N * C >= 8192)
    for (size_t g = 0; g < b->G; g++) {
        size_t n0 = b->node_off[g], n = b->node_off[g + 1] - n0;
        ua_rng r;
        ua_rng_seed(&r, seed + 0x9E3779B97F4A7C15ull * (g + 1));
        if (n)
            graph_forward(y + n0 * C, P + aoff[g], drop ? Praw + aoff[g] : NULL,
                          qkv + n0 * 3 * C, n, H, D, drop ? p_drop : 0, &r,
                          scratch + (size_t)thread_id() * (D + 1) * nmax);
    }
}

UA_MULTIVERSION
static void graph_backward(float *restrict dqkv, float *restrict dP, const float *restrict dy,
                           const float *restrict qkv, const float *restrict P,
                           const float *restrict Praw, size_t n, size_t H, size_t D,
                           double p_drop, float *restrict vT)
{
    size_t C = H * D, C3 = 3 * C;
    float scale = 1.0f / sqrtf((float)D);
    float keep = p_drop > 0 ? (float)(1.0 / (1.0 - p_drop)) : 1.0f;
    memset(dqkv, 0, n * C3 * sizeof *dqkv);
    for (size_t h = 0; h < H; h++) {
        transpose_cols(vT, qkv, n, C3, 2 * C + h * D, D);
        const float *Ph = P + h * n * n, *Pr = Praw ? Praw + h * n * n : Ph;
        for (size_t i = 0; i < n; i++) {
            const float *dyi = dy + i * C + h * D;
            const float *pi = Ph + i * n, *pri = Pr + i * n;
            float *dp = dP;
            /* dP_ij = dy_i . v_j; dv_j += P_ij dy_i */
            for (size_t j = 0; j < n; j++) dp[j] = 0;
            for (size_t d = 0; d < D; d++) {
                float g = dyi[d];
                const float *vd = vT + d * n;
                for (size_t j = 0; j < n; j++) dp[j] += g * vd[j];
            }
            for (size_t j = 0; j < n; j++) {
                float *dv = dqkv + j * C3 + 2 * C + h * D;
                float pj = pi[j];
                for (size_t d = 0; d < D; d++) dv[d] += pj * dyi[d];
            }
            if (Praw)
                for (size_t j = 0; j < n; j++) dp[j] = pi[j] != 0 ? dp[j] * keep : 0.0f;
            /* softmax backward: dS_ij = Pr_ij (dP_ij - sum_k Pr_ik dP_ik) */
            double dot = 0;
            for (size_t j = 0; j < n; j++) dot += (double)pri[j] * dp[j];
            float fdot = (float)dot;
            for (size_t j = 0; j < n; j++) dp[j] = pri[j] * (dp[j] - fdot) * scale;
            /* dq_i = sum_j dS_ij k_j; dk_j += dS_ij q_i */
            const float *q = qkv + i * C3 + h * D;
            float *dq = dqkv + i * C3 + h * D;
            for (size_t j = 0; j < n; j++) {
                const float *k = qkv + j * C3 + C + h * D;
                float *dk = dqkv + j * C3 + C + h * D;
                float sj = dp[j];
                for (size_t d = 0; d < D; d++) {
                    dq[d] += sj * k[d];
                    dk[d] += sj * q[d];
                }
            }
        }
    }
}

void ua_gps_attn_backward(float *dqkv, const float *dy, const float *qkv, const float *P,
                          const float *Praw, const ua_gps_batch *b, const size_t *aoff, size_t H,
                          size_t D, double p_drop, float *scratch, size_t nmax, int nthreads)
{
    size_t C = H * D;
    int drop = p_drop > 0 && Praw;
#pragma omp parallel for schedule(dynamic, 2) num_threads(nthreads) if (b->N * C >= 8192)
    for (size_t g = 0; g < b->G; g++) {
        size_t n0 = b->node_off[g], n = b->node_off[g + 1] - n0;
        float *scr = scratch + (size_t)thread_id() * (D + 1) * nmax;
        if (n)
            graph_backward(dqkv + n0 * 3 * C, scr + D * nmax, dy + n0 * C, qkv + n0 * 3 * C,
                           P + aoff[g], drop ? Praw + aoff[g] : NULL, n, H, D,
                           drop ? p_drop : 0, scr);
    }
}
