/*
 * src/seq/internal.h — the layout of a ua_seq and the kernels shared by the files of src/seq/
 * (not installed). Files, one job each: attention_naive.c and attention_fused.c (attention
 * forward/backward pairs), block.c (norms, dense layers, activation, LayerScale), embed.c (token or
 * real embedding, the head and the losses), positions.c (sinusoids, relative-offset and T5 bucket
 * tables), model.c (parameter layout, initialisation, the whole forward/backward), train.c
 * (minibatch training), data.c (.npy reading and writing, validation), tasks.c (synthetic tasks),
 * family.c (vtable, save/load), options.c (option table, the vtable's fit and predict_sequences),
 * export.c (standalone C). The optimiser, schedules, activations and epoch helpers are the lower
 * layer src/train/ (train/train.h); random numbers are the library's ua_rng.
 *
 * Shapes: B sequences, T positions, C width, H heads, D = C / H head width, F FFN width.
 */
#ifndef UA_SEQ_INTERNAL_H
#define UA_SEQ_INTERNAL_H

#include <stddef.h>
#include <math.h>
#include <stdint.h>
#include <string.h>
#include "uniapprox/seq.h"
#include "core/internal.h"
#include "uniapprox/model.h" /* ua_problem, ua_options, ua_fit_hooks */
#include "train/train.h"

#define UA_SEQ_MAX_LAYERS 32
#define UA_SEQ_NORM_EPS 1e-5f
#define UA_SEQ_T5_BUCKETS 64
#define UA_SEQ_T5_MAXDIST 128
#define UA_SEQ_MAX_TENSORS (4 + 20 * UA_SEQ_MAX_LAYERS)
/* The largest sequence length, vocabulary, input features and outputs per position a model
 * takes (ua_seq_build; the vocabulary and classes inferred from data are checked in ua_seq_fit). */
#define UA_SEQ_MAX_LEN (1u << 20)
#define UA_SEQ_MAX_VOCAB (1u << 24)
#define UA_SEQ_MAX_DIN (1u << 20)
#define UA_SEQ_MAX_NOUT (1u << 24)
/* An inferred vocabulary (classes) may exceed the training positions N * n by no more than these
 * floors: an id beyond both is a stray label (it would size the embedding / logits by itself).
 * The problem's reader (src/problem/samples.c) applies the same rule to the files it reads. */
#define UA_SEQ_FREE_TOKENS 65536u
#define UA_SEQ_FREE_CLASSES 4096u

typedef struct {
    char name[48];   /* "blocks.0.attn.qkv.weight" */
    size_t offset, ndim, shape[2], size;
    int decay;       /* AdamW decay applies (matrices only) */
} ua_seq_tensor_info;

/* Offsets of one block's tensors in the parameter buffer (SIZE_MAX: absent). */
typedef struct {
    size_t n1w, n1b, qkvw, qkvb, projw, projb, rpe, urpe, ls1;
    size_t n2w, n2b, fcw, fcb, fcpw, fcpb, ls2;
} ua_seq_block_off;

/* What the attention kernels need to know about one layer. */
typedef struct {
    size_t B, T, H, D;        /* batch, positions, heads, head width */
    int kind;                 /* 0 softmax, 1 sigmoid */
    int causal;
    const float *bias;        /* (H, nbias) relative bias, or NULL */
    const int32_t *bidx;      /* (2T - 1,) index into a head's bias row by offset: (i, j) -> bidx[j - i + T - 1] */
    size_t nbias;
    const float *c;           /* (H, nc) URPE C by offset j - i + (n - 1), or NULL */
    size_t nc, cofs;          /* nc = 2 n - 1, cofs = n - 1 */
    float sig_b;              /* sigmoid bias -log T */
} ua_seq_attn;

struct ua_seq {
    ua_seq_options opt;       /* a copy, progress cleared; rel resolved (never DEFAULT) */
    ua_seq_report report;
    size_t C, H, D, F, L, n, K;
    size_t nbias;             /* relative bias entries per head (0: none) */
    size_t off_emb_w, off_emb_b, off_pos, off_nfw, off_nfb, off_headw, off_headb;
    ua_seq_block_off blk[UA_SEQ_MAX_LAYERS];
    size_t ntensors;
    ua_seq_tensor_info tensors[UA_SEQ_MAX_TENSORS];
    size_t nparams;
    float *params;            /* (nparams,) the one parameter buffer */
    float *m1, *m2;           /* (nparams,) Adam moments, lazily */
    size_t step;
};

/* Activations of one forward pass over B sequences of T positions, kept for backward. */
typedef struct {
    size_t B, T;
    int fused;                 /* attention kernel of this workspace */
    void *arena;               /* one block holding every float array below (ua_alloc_large) */
    size_t arena_bytes;
    float *x0;                 /* (B, T, C) embedding output */
    float *res[UA_SEQ_MAX_LAYERS + 1]; /* (B, T, C) residual stream entering block l; res[L] out */
    float *ln1, *ln1_mean, *ln1_rstd;  /* per layer: (L, B, T, C), (L, B, T), (L, B, T) */
    float *qkv;                /* (L, B, T, 3C) (after QK-norm, when on) */
    float *qkv_raw, *qk_rstd;  /* QK-norm: (L, B, T, 3C) before it, (L, B, T, 2H); else NULL */
    float *att;                /* naive: (L, B, H, T, T) probabilities P; fused: (L, B, H, T) lse */
    float *atty;               /* (L, B, T, C) attention output before the projection */
    float *attp;               /* (L, B, T, C) projection output (before LayerScale) */
    float *res2;               /* (L, B, T, C) residual after the attention branch */
    float *ln2, *ln2_mean, *ln2_rstd;  /* (L, B, T, C), (L, B, T), (L, B, T) */
    float *fch, *fcha;         /* (L, B, T, F) pre- and post-activation */
    float *fcp;                /* (L, B, T, C) FFN output before LayerScale */
    float *lnf, *lnf_mean, *lnf_rstd;  /* (B, T, C), (B, T), (B, T) */
    float *out;                /* (B, T, K) logits or values */
    float *dout;               /* (B, T, K) dloss/dout */
    /* backward scratch */
    float *dres, *dbuf, *dbuf2;/* (B, T, C) x3 */
    float *dqkv;               /* (B, T, 3C) */
    float *dfc;                /* (B, T, F) */
    float *datt;               /* naive: (B, H, T, T) */
    float *scratch;            /* fused: per (b, h) bias / C gradients and row tiles */
    size_t scratch_len;
    int32_t *bidx;             /* (2T - 1,) bias index by offset j - i + T - 1 */
} ua_seq_work;

/*
 * e^x in float, vectorisable (no libm call, no branches): Cephes' expf — x = n ln 2 + r with
 * ln 2 split in two, a degree-6 polynomial for e^r on |r| <= ln 2 / 2, 2^n from the exponent bits —
 * accurate to about 1 ulp; 0 below -87 (so e^-inf = 0), overflow-free (clamped at 88), NaN for
 * NaN.
 */
static inline float ua_seq_exp(float x)
{
    /* NaN goes to -87 here (converting a NaN n to int32_t is undefined) and is returned below */
    float xc = x > 88.0f ? 88.0f : x >= -87.0f ? x : -87.0f;
    float t = xc * 1.44269504088896341f + 12582912.0f; /* round to nearest via 1.5 * 2^23 */
    float n = t - 12582912.0f;
    float r = xc - n * 0.693359375f + n * 2.12194440e-4f;
    float p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    p = p * r * r + r + 1.0f;
    union { int32_t i; float f; } e;
    e.i = ((int32_t)n + 127) << 23;
    return x < -87.0f ? 0.0f : x == x ? p * e.f : x;
}

/* max and sum of x (n,), vectorised. GCC vectorises neither reduction as written plainly (float
 * max / sum are not reassociable without -ffast-math). The max is the same whatever the order, so
 * an OpenMP simd reduction may take any; the sum keeps 8 lanes (one 8-float vector of GCC's vector
 * extension: lane k adds x[i + k]) and a fixed pairwise finish, so its bits do not depend on the
 * instruction set the caller was compiled for. */
static inline float ua_seq_vmax(const float *x, size_t n)
{
    float m = -INFINITY;
#pragma omp simd reduction(max : m)
    for (size_t i = 0; i < n; i++) m = x[i] > m ? x[i] : m;
    return m;
}

typedef float ua_seq_v8sf __attribute__((vector_size(32)));

static inline float ua_seq_vsum(const float *x, size_t n)
{
    ua_seq_v8sf s = { 0 };
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        ua_seq_v8sf v;
        memcpy(&v, x + i, sizeof v); /* an unaligned load */
        s += v;
    }
    for (; i < n; i++) s[0] += x[i];
    return ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]));
}

/* ---- positions.c ---- */
/* T5 bucket of the offset rel = j - i (bidirectional: 32 per direction; causal: 64 for j <= i). */
int ua_seq_t5_bucket(long rel, int bidirectional);
/* Fills idx (2T - 1,) with the bias index of offset o = j - i at idx[o + T - 1], for relative-bias
 * kind rel and model length n. */
void ua_seq_bias_index(int32_t *idx, size_t T, size_t n, ua_seq_rel rel, int causal);
/* out (B, T, C) += sinusoidal PE (T, C). */
void ua_seq_sinusoid_add(float *out, size_t B, size_t T, size_t C);

/* ---- attention_naive.c ---- */
/* out (B, T, C) = attention over qkv (B, T, 3C); P (B, H, T, T) saved for backward. */
void ua_seq_attn_naive_forward(float *out, float *P, const float *qkv, const ua_seq_attn *a);
/* dqkv (B, T, 3C) = (overwritten); dbias (H, nbias) +=, dc (H, nc) +=; dP (B, H, T, T) scratch. */
void ua_seq_attn_naive_backward(float *dqkv, float *dbias, float *dc, float *dP,
                                const float *dout, const float *qkv, const float *P,
                                const ua_seq_attn *a);

/* ---- attention_fused.c ---- */
/* Scratch floats the fused kernel needs (O(B H n), never n^2). */
size_t ua_seq_attn_fused_scratch(const ua_seq_attn *a);
/* out (B, T, C); lse (B, H, T) log-sum-exp of each softmax row (unused for sigmoid). */
void ua_seq_attn_fused_forward(float *out, float *lse, const float *qkv, const ua_seq_attn *a,
                               float *scratch);
/* dqkv (B, T, 3C) overwritten; dbias, dc +=; out and lse from the forward pass. */
void ua_seq_attn_fused_backward(float *dqkv, float *dbias, float *dc, const float *dout,
                                const float *qkv, const float *out, const float *lse,
                                const ua_seq_attn *a, float *scratch);

/* ---- block.c ---- */
void ua_seq_layernorm_forward(float *out, float *mean, float *rstd, const float *inp,
                              const float *w, const float *b, size_t N, size_t C);
void ua_seq_layernorm_backward(float *restrict dinp, float *restrict dw, float *restrict db,
                               const float *restrict dout, const float *restrict inp,
                               const float *restrict w, const float *mean, const float *rstd,
                               size_t N, size_t C);
void ua_seq_rmsnorm_forward(float *out, float *rstd, const float *inp, const float *w, size_t N,
                            size_t C);
void ua_seq_rmsnorm_backward(float *dinp, float *dw, const float *dout, const float *inp,
                             const float *w, const float *rstd, size_t N, size_t C);
void ua_seq_matmul_forward(float *out, const float *inp, const float *W, const float *b,
                           size_t N, size_t in, size_t outc);
void ua_seq_matmul_backward(float *dinp, float *dW, float *db, const float *dout,
                            const float *inp, const float *W, size_t N, size_t in, size_t outc);
void ua_seq_act_forward(float *y, const float *x, size_t n, ua_mlp_act a);
void ua_seq_act_backward(float *d, const float *x, size_t n, ua_mlp_act a);
/* res_out (N, C) = res_in + g * br (g (C,) or NULL for 1). */
void ua_seq_residual_forward(float *res_out, const float *res_in, const float *br,
                             const float *g, size_t N, size_t C);
/* dbr (N, C) = g * dres; dg (C,) += sum dres * br. */
void ua_seq_residual_backward(float *dbr, float *dg, const float *dres, const float *br,
                              const float *g, size_t N, size_t C);

void ua_seq_qknorm_forward(float *out, float *rstd, const float *in, size_t N, size_t H, size_t D);
void ua_seq_qknorm_backward(float *din, const float *dout, const float *in, const float *rstd,
                            size_t N, size_t H, size_t D);

/* ---- embed.c ---- */
void ua_seq_embed_forward(const ua_seq *m, float *x0, const ua_seq_data *d, size_t first,
                          size_t B, size_t T);
void ua_seq_embed_backward(const ua_seq *m, float *g, const float *dx0, const ua_seq_data *d,
                           size_t first, size_t B, size_t T);
/* Loss over out (B, T, K) against the targets of rows first..first+B of d; dout set when
 * non-NULL (scaled by 1 / norm: the whole mean's denominator). Returns the summed loss; *correct
 * counts right argmaxes (classification). */
double ua_seq_loss(const ua_seq *m, float *dout, const float *out, const ua_seq_data *d,
                   size_t first, size_t B, size_t T, double norm, size_t *correct);

/* ---- model.c ---- */
/* The activations of B sequences of T positions, one zeroed block carved into w's arrays (freed
 * by ua_seq_work_free); UA_ENOMEM names the sequences and the size. ua_seq_work_bytes: that
 * block's bytes (SIZE_MAX where they overflow), for checks before allocating. */
ua_status ua_seq_work_alloc(const ua_seq *m, size_t B, size_t T, ua_seq_work *w);
size_t ua_seq_work_bytes(const ua_seq *m, size_t B, size_t T);
void ua_seq_work_free(ua_seq_work *w);
/* Forward over rows first..first+B of d (all of length T = d->n). */
void ua_seq_model_forward(const ua_seq *m, ua_seq_work *w, const ua_seq_data *d, size_t first,
                          size_t B);
/* Backward from w->dout; accumulates (+=) into g (nparams,). */
void ua_seq_model_backward(const ua_seq *m, ua_seq_work *w, const ua_seq_data *d, size_t first,
                           size_t B, float *g);
ua_status ua_seq_build(const ua_seq_options *opt, ua_seq **out);
void ua_seq_init_params(ua_seq *m, uint64_t seed);
/* The attention description of layer l for B x T. */
void ua_seq_attn_desc(const ua_seq *m, size_t l, const ua_seq_work *w, ua_seq_attn *a);
/* Resolves DEFAULT / zero options (rel, ffn, kernel). */
void ua_seq_resolve(ua_seq_options *o);
/* Uses the fused kernel for sequences of length T. */
int ua_seq_use_fused(const ua_seq_options *o, size_t T);

/* ---- options.c: the engine's vtable (src/model/family.h) ---- */
#define UA_SEQ_NOPTIONS 27
extern const ua_option_spec ua_seq_option_table[UA_SEQ_NOPTIONS];
/* fit on a SEQUENCES problem; predict_sequences (doubles in, doubles out). */
ua_status ua_seq_fit_problem(const ua_problem *p, const ua_options *o, const ua_fit_hooks *hooks,
                             ua_model *meta, void **state);
ua_status ua_seq_predict_sequences(const void *state, const double *x, size_t N, size_t len,
                                   size_t xd, double **y, size_t *nout, int *classify);


/* The family's C export (src/seq/export.c; the vtable's export_c, src/model/family.h). */
#include <stdio.h>
ua_status ua_seq_export_c(const void *state, ua_export_type type, const char *name, FILE *out);

#endif /* UA_SEQ_INTERNAL_H */
