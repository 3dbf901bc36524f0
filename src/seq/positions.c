/*
 * Positions: the sinusoidal table of Vaswani et al. (2017), and the index tables of the relative
 * bias: one entry per offset j - i (2n - 1 of them), or T5's log buckets (Raffel et al. 2020,
 * "Exploring the Limits of Transfer Learning with a Unified Text-to-Text Transformer", the
 * `_relative_position_bucket` of its reference code: 64 buckets, max distance 128).
 */
#include <math.h>

#include "internal.h"

int ua_seq_t5_bucket(long rel, int bidirectional)
{
    int nb = UA_SEQ_T5_BUCKETS, ret = 0;
    long n = -rel; /* T5's n = query - memory = i - j */
    if (bidirectional) {
        nb /= 2;
        if (n < 0) ret += nb;
        n = n < 0 ? -n : n;
    } else {
        n = n > 0 ? n : 0;
    }
    int max_exact = nb / 2;
    if (n < max_exact) return ret + (int)n;
    /* computed in float32, as T5's PyTorch code does */
    float f = logf((float)n / (float)max_exact) / logf((float)UA_SEQ_T5_MAXDIST / (float)max_exact) *
              (float)(nb - max_exact);
    long v = max_exact + (long)f;
    if (v > nb - 1) v = nb - 1;
    return ret + (int)v;
}

/* The bias depends on (i, j) only through j - i, so the table is by offset: O(T), never T x T. */
void ua_seq_bias_index(int32_t *idx, size_t T, size_t n, ua_seq_rel rel, int causal)
{
    for (long o = -(long)T + 1; o <= (long)T - 1; o++)
        idx[o + (long)T - 1] = rel == UA_SEQ_REL_T5 ? ua_seq_t5_bucket(o, !causal)
                                                    : (int32_t)(o + (long)n - 1);
}

/* PE(t, 2i) = sin(t / 10000^(2i / C)), PE(t, 2i + 1) = cos(t / 10000^(2i / C)). */
void ua_seq_sinusoid_add(float *out, size_t B, size_t T, size_t C)
{
    for (size_t t = 0; t < T; t++)
        for (size_t c = 0; c < C; c++) {
            double freq = exp(-log(10000.0) * (double)(c - c % 2) / (double)C);
            float pe = (float)(c % 2 ? cos((double)t * freq) : sin((double)t * freq));
            for (size_t b = 0; b < B; b++) out[(b * T + t) * C + c] += pe;
        }
}
