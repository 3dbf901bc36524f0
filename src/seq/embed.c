/*
 * Embedding in, head out: token embedding (a (V, C) table) or a dense map of real inputs
 * (C, d) + (C,), plus learned or sinusoidal absolute positions; and the losses on the head's
 * outputs — softmax cross-entropy over K classes per position, or squared error — with their
 * gradients, in PyTorch's "mean" reduction.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>

#include "internal.h"

/* x0 (B, T, C) from rows first..first+B of d. */
void ua_seq_embed_forward(const ua_seq *m, float *x0, const ua_seq_data *d, size_t first,
                          size_t B, size_t T)
{
    size_t C = m->C;
    const float *p = m->params;
    if (m->opt.vocab) {
        const float *wte = p + m->off_emb_w; /* (V, C) */
        for (size_t b = 0; b < B; b++)
            for (size_t t = 0; t < T; t++) {
                int32_t tok = d->tok[(first + b) * d->n + t];
                memcpy(x0 + (b * T + t) * C, wte + (size_t)tok * C, C * sizeof *x0);
            }
    } else {
        ua_seq_matmul_forward(x0, d->x + first * d->n * d->d, p + m->off_emb_w, p + m->off_emb_b,
                              B * T, d->d, C);
    }
    if (m->opt.positions == UA_SEQ_POS_LEARNED) {
        const float *wpe = p + m->off_pos; /* (n, C) */
        for (size_t b = 0; b < B; b++)
            for (size_t i = 0; i < T * C; i++) x0[b * T * C + i] += wpe[i];
    } else if (m->opt.positions == UA_SEQ_POS_SINUSOIDAL) {
        ua_seq_sinusoid_add(x0, B, T, C);
    }
}

/* g (P,) += gradients of the embedding (and learned positions) from dx0 (B, T, C). */
void ua_seq_embed_backward(const ua_seq *m, float *g, const float *dx0, const ua_seq_data *d,
                           size_t first, size_t B, size_t T)
{
    size_t C = m->C;
    if (m->opt.vocab) {
        float *dwte = g + m->off_emb_w;
        for (size_t b = 0; b < B; b++)
            for (size_t t = 0; t < T; t++) {
                int32_t tok = d->tok[(first + b) * d->n + t];
                const float *src = dx0 + (b * T + t) * C;
                float *dst = dwte + (size_t)tok * C;
                for (size_t c = 0; c < C; c++) dst[c] += src[c];
            }
    } else {
        ua_seq_matmul_backward(NULL, g + m->off_emb_w, g + m->off_emb_b, dx0,
                               d->x + first * d->n * d->d, m->params + m->off_emb_w, B * T, d->d, C);
    }
    if (m->opt.positions == UA_SEQ_POS_LEARNED) {
        float *dwpe = g + m->off_pos;
        for (size_t b = 0; b < B; b++)
            for (size_t i = 0; i < T * C; i++) dwpe[i] += dx0[b * T * C + i];
    }
}

double ua_seq_loss(const ua_seq *m, float *dout, const float *out, const ua_seq_data *d,
                   size_t first, size_t B, size_t T, double norm, size_t *correct)
{
    size_t K = m->K;
    double total = 0;
    size_t right = 0;
    /* eb (K,): o - max, ex its exp (ua_vexp, vectorised) — computed once per row */
    double *eb = m->opt.classify ? malloc(2 * K * sizeof *eb) : NULL, *ex = eb ? eb + K : NULL;
    if (m->opt.classify && !eb) return NAN; /* out of memory: the caller reports a non-finite loss */
    for (size_t r = 0; r < B * T; r++) {
        const float *o = out + r * K;
        size_t b = r / T, t = r % T, row = (first + b) * d->n + t;
        if (m->opt.classify) {
            /* CE = logsumexp(o) - o[y], in double */
            double mx = o[0];
            size_t am = 0;
            for (size_t c = 1; c < K; c++)
                if (o[c] > mx) {
                    mx = o[c];
                    am = c;
                }
            double s = 0;
            for (size_t c = 0; c < K; c++) eb[c] = (double)o[c] - mx;
            ua_vexp(eb, ex, K);
            for (size_t c = 0; c < K; c++) s += ex[c];
            size_t y = (size_t)d->cls[row];
            total += mx + log(s) - o[y];
            right += am == y;
            if (dout)
                for (size_t c = 0; c < K; c++) dout[r * K + c] = (float)((ex[c] / s - (c == y)) / norm);
        } else {
            const float *y = d->y + row * K;
            for (size_t c = 0; c < K; c++) {
                double e = (double)o[c] - y[c];
                total += e * e;
                if (dout) dout[r * K + c] = (float)(2.0 * e / norm);
            }
        }
    }
    free(eb);
    if (correct) *correct = right;
    return total;
}
