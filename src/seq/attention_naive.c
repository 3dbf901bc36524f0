/*
 * Naive attention (Vaswani et al. 2017; variants in uniapprox/seq.h): each head's (T, T) score
 * matrix is formed with OpenBLAS GEMMs and kept for the backward pass, memory O(B H T^2).
 * The reference the fused kernel (attention_fused.c) is tested against.
 *
 * Layout (llm.c's): qkv (B, T, 3C) holds q, k, v side by side; head h of q is columns
 * [h D, (h+1) D), of k [C + h D, ...), of v [2C + h D, ...). Scores S = q k^T / sqrt(D) + bias,
 * masked to j <= i when causal; softmax: P = softmax(S) (rows), sigmoid: P = sigmoid(S + b) with
 * b = -log T; URPE multiplies P elementwise by C_ij = c_(j-i) before P V.
 */
/* Lets GCC if-convert the float compares of the exp / relu loops so that they vectorise (FP
 * exception flags are never read by this library). Before the includes, so
 * that the inline ua_seq_exp of internal.h gets the same options and inlines. */
#pragma GCC optimize("no-trapping-math")
#include <math.h>
#include <string.h>

#include <omp.h>

#include <cblas.h>

#include "internal.h"

/* S (T, T), head h: scores to probabilities in place, row by row (bias, softmax or sigmoid, the
 * causal mask's zeros). Multiversioned: the exp loops run 16 lanes wide on AVX-512. */
UA_MULTIVERSION
static void probs_rows(float *S, const ua_seq_attn *a, size_t h)
{
    size_t T = a->T;
    for (size_t i = 0; i < T; i++) {
        float *row = S + i * T;
        size_t jmax = a->causal ? i + 1 : T;
        if (a->bias) {
            const float *bh = a->bias + h * a->nbias;
            const int32_t *bi = a->bidx + (T - 1 - i);
            for (size_t j = 0; j < jmax; j++) row[j] += bh[bi[j]];
        }
        if (a->kind == 0) { /* softmax, max-subtracted */
            float mx = ua_seq_vmax(row, jmax);
            for (size_t j = 0; j < jmax; j++) row[j] = ua_seq_exp(row[j] - mx); /* vectorises */
            float sum = ua_seq_vsum(row, jmax);
            float inv = 1.0f / sum;
            for (size_t j = 0; j < jmax; j++) row[j] *= inv;
        } else {
            for (size_t j = 0; j < jmax; j++) row[j] = 1.0f / (1.0f + ua_seq_exp(-(row[j] + a->sig_b)));
        }
        for (size_t j = jmax; j < T; j++) row[j] = 0.0f;
    }
}

/* dS (T, T), head h: dP to dS in place given P (T, T); the bias gradient dbias accumulates. */
UA_MULTIVERSION
static void dscores_rows(float *dS, const float *Pb, float *dbias, const ua_seq_attn *a, size_t h)
{
    size_t T = a->T;
    for (size_t i = 0; i < T; i++) {
        float *r = dS + i * T;
        const float *p = Pb + i * T;
        size_t jmax = a->causal ? i + 1 : T;
        if (a->kind == 0) { /* dS = P (dP - sum_j P dP) */
            float dot = 0;
            for (size_t j = 0; j < jmax; j++) dot += p[j] * r[j];
            for (size_t j = 0; j < jmax; j++) r[j] = p[j] * (r[j] - dot);
        } else { /* dS = dP P (1 - P) */
            for (size_t j = 0; j < jmax; j++) r[j] *= p[j] * (1.0f - p[j]);
        }
        for (size_t j = jmax; j < T; j++) r[j] = 0.0f;
        if (a->bias) {
            float *db = dbias + h * a->nbias;
            const int32_t *bi = a->bidx + (T - 1 - i);
            for (size_t j = 0; j < jmax; j++) db[bi[j]] += r[j];
        }
    }
}


/* out (B, T, C) and P (B, H, T, T) from qkv (B, T, 3C). */
void ua_seq_attn_naive_forward(float *out, float *P, const float *qkv, const ua_seq_attn *a)
{
    size_t B = a->B, T = a->T, H = a->H, D = a->D, C = H * D, C3 = 3 * C;
    float scale = 1.0f / sqrtf((float)D);
    int par = B * H * T * T * D >= ((size_t)1 << 20) && omp_get_max_threads() > 1 && !omp_in_parallel();
    int blas = par ? ua_blas_threads_serial() : 1; /* each thread runs its own sgemms */
#pragma omp parallel for collapse(2) schedule(static) if (par)
    for (size_t b = 0; b < B; b++)
        for (size_t h = 0; h < H; h++) {
            const float *q = qkv + b * T * C3 + h * D, *k = q + C, *v = q + 2 * C;
            float *S = P + (b * H + h) * T * T; /* (T, T) */
            float *o = out + b * T * C + h * D;  /* rows of stride C */
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)T, (int)T, (int)D, scale,
                        q, (int)C3, k, (int)C3, 0.0f, S, (int)T);
            probs_rows(S, a, h);
            if (!a->c) {
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)T, (int)D, (int)T, 1.0f,
                            S, (int)T, v, (int)C3, 0.0f, o, (int)C);
            } else { /* (P o C) V, C Toeplitz: c_(j-i) */
                const float *ch = a->c + h * a->nc + a->cofs;
                for (size_t i = 0; i < T; i++) {
                    float *oi = o + i * C;
                    memset(oi, 0, D * sizeof *oi);
                    size_t jmax = a->causal ? i + 1 : T;
                    for (size_t j = 0; j < jmax; j++) {
                        float w = S[i * T + j] * ch[(long)j - (long)i];
                        const float *vj = v + j * C3;
                        for (size_t e = 0; e < D; e++) oi[e] += w * vj[e];
                    }
                }
            }
        }
    ua_blas_threads_restore(blas);
}

/* dqkv (B, T, 3C) overwritten from dout (B, T, C); dbias (H, nbias) and dc (H, nc) accumulate;
 * dP (B, H, T, T) scratch. Parallel over heads only, so the per-head bias gradients need no
 * reduction. */
void ua_seq_attn_naive_backward(float *dqkv, float *dbias, float *dc, float *dP,
                                const float *dout, const float *qkv, const float *P,
                                const ua_seq_attn *a)
{
    size_t B = a->B, T = a->T, H = a->H, D = a->D, C = H * D, C3 = 3 * C;
    float scale = 1.0f / sqrtf((float)D);
    int par = B * H * T * T * D >= ((size_t)1 << 20) && omp_get_max_threads() > 1 && !omp_in_parallel();
    int blas = par ? ua_blas_threads_serial() : 1; /* each thread runs its own sgemms */
#pragma omp parallel for schedule(static) if (par)
    for (size_t h = 0; h < H; h++)
        for (size_t b = 0; b < B; b++) {
            const float *q = qkv + b * T * C3 + h * D, *k = q + C, *v = q + 2 * C;
            float *dq = dqkv + b * T * C3 + h * D, *dk = dq + C, *dv = dq + 2 * C;
            const float *Pb = P + (b * H + h) * T * T; /* (T, T) */
            float *dS = dP + (b * H + h) * T * T;      /* (T, T) */
            const float *dob = dout + b * T * C + h * D;
            /* dA = dout V^T */
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)T, (int)T, (int)D, 1.0f,
                        dob, (int)C, v, (int)C3, 0.0f, dS, (int)T);
            if (!a->c) { /* dV = P^T dout */
                cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)T, (int)D, (int)T, 1.0f,
                            Pb, (int)T, dob, (int)C, 0.0f, dv, (int)C3);
            } else {
                const float *ch = a->c + h * a->nc + a->cofs;
                float *dch = dc + h * a->nc + a->cofs;
                for (size_t j = 0; j < T; j++) memset(dv + j * C3, 0, D * sizeof *dv);
                for (size_t i = 0; i < T; i++) {
                    size_t jmax = a->causal ? i + 1 : T;
                    for (size_t j = 0; j < jmax; j++) {
                        long o = (long)j - (long)i;
                        float p = Pb[i * T + j], w = p * ch[o];
                        const float *di = dob + i * C;
                        float *dvj = dv + j * C3;
                        for (size_t e = 0; e < D; e++) dvj[e] += w * di[e];
                        dch[o] += dS[i * T + j] * p;   /* dC = dA o P */
                        dS[i * T + j] *= ch[o];        /* dP = dA o C */
                    }
                }
            }
            dscores_rows(dS, Pb, dbias, a, h);
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)T, (int)D, (int)T, scale,
                        dS, (int)T, k, (int)C3, 0.0f, dq, (int)C3);
            cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)T, (int)D, (int)T, scale,
                        dS, (int)T, q, (int)C3, 0.0f, dk, (int)C3);
        }
    ua_blas_threads_restore(blas);
}
