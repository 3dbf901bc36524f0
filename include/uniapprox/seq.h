/*
 * uniapprox/seq.h — functions of sequences: a Transformer encoder trained on sequence data (the
 * `seq` family).
 *
 * The model maps a sequence of n positions to n outputs. Inputs are integer tokens x (N, n) in
 * 0..vocab-1 (a token embedding) or real vectors x (N, n, d) (a linear embedding); outputs are
 * per-position class logits (N, n, K) trained with the softmax cross-entropy on targets y (N, n)
 * in 0..K-1, or real values (N, n, k) trained with the mean squared error. All arrays are
 * row-major, batch first: (B, n, C) means B sequences of n positions of C features.
 *
 * Architecture (Vaswani et al. 2017, pre-norm): x0 = embed(x) [+ absolute positions], then
 * `layers` blocks r <- r + g1 * Attn(Norm1(r)), r <- r + g2 * FFN(Norm2(r)) (g1, g2 the optional
 * LayerScale vectors, otherwise 1), then Norm(r) and a linear head. Norm is LayerNorm or RMSNorm
 * (eps 1e-5); FFN(h) = W2 act(W1 h + b1) + b2 with any scalar activation of the mlp family.
 *
 * Attention per head, with S = Q K^T / sqrt(d_head) + B, B_ij = b_(j-i) the relative bias (RPE;
 * absent unless enabled), masked to j <= i when causal:
 *   softmax: softmax(S) V
 *   sigmoid: sigmoid(S - log n) V                       (Ramapuram et al. 2024)
 *   rpe:     softmax(S) V with the RPE bias on           (Shaw et al. 2018; Raffel et al. 2020)
 *   urpe:    (softmax(S) o C) V, C_ij = c_(j-i) a learnable Toeplitz matrix per head initialised
 *            to ones, so training starts from plain RPE (Luo et al. 2022, "Your Transformer May
 *            Not be as Powerful as You Expect")
 * The relative bias is one parameter per offset j - i in -(n-1)..n-1, or T5's log buckets (64
 * buckets, max distance 128; Raffel et al. 2020, "Exploring the Limits of Transfer Learning").
 *
 * Two attention kernels compute the same thing: the naive one holds the (n, n) matrix of each
 * head (OpenBLAS GEMMs, memory O(B H n^2)); the fused one runs tile by tile with the online
 * max/sum of the softmax (Dao 2022, "FlashAttention"; Dao 2023, "FlashAttention-2") or, for
 * sigmoid attention, with no normalisation at all (FlashSigmoid, Ramapuram et al. 2024), in
 * O(B H n) memory, OpenMP over batch and heads.
 *
 * Arithmetic is float32. One parameter buffer holds every tensor (PyTorch-style names, see
 * ua_seq_tensor); gradients and Adam's moments share its layout. Training uses the library's
 * shared training layer (Adam/AdamW steps, learning-rate schedules, the scalar activations) and its
 * one generator; the enums of activations, optimisers and schedules and the per-epoch progress
 * record are the public types of uniapprox/mlp.h.
 *
 * Through the engine (uniapprox/model.h): ua_fit(problem, "seq", options, hooks, &model) on a
 * SEQUENCES problem, with the option table listed in docs/seq.md ("Options"); it records
 * train_accuracy / train_rmse and, with a test set, test_loss and test_accuracy / test_rmse on the
 * model's metadata, calls hooks->epoch after every epoch and writes the "log" option's JSONL
 * curve itself. ua_model_predict_sequences gives the raw outputs of ua_seq_forward as doubles.
 *
 * Errors: every function that can fail returns a ua_status and sets ua_last_error(); the library
 * never prints or exits. Thread-safety: a trained ua_seq is read-only for ua_seq_predict, which
 * may run concurrently.
 */
#ifndef UNIAPPROX_SEQ_H
#define UNIAPPROX_SEQ_H

#include <stddef.h>
#include <stdint.h>
#include "uniapprox/mlp.h"
#include "uniapprox/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Attention variants (see above). Append only. */
typedef enum { UA_SEQ_SOFTMAX = 0, UA_SEQ_SIGMOID = 1, UA_SEQ_RPE = 2, UA_SEQ_URPE = 3 } ua_seq_attention;

/* Absolute positions added to the embedding. Append only. */
typedef enum {
    UA_SEQ_POS_NONE = 0,       /* none (the seed's synthetic tasks) */
    UA_SEQ_POS_SINUSOIDAL = 1, /* PE(t, 2i) = sin(t / 10000^(2i/C)), PE(t, 2i+1) = cos(...) */
    UA_SEQ_POS_LEARNED = 2     /* a learned (n, C) table */
} ua_seq_positions;

/* The relative bias. DEFAULT: OFFSET for rpe / urpe attention, NONE otherwise. Append only. */
typedef enum {
    UA_SEQ_REL_DEFAULT = 0, UA_SEQ_REL_NONE = 1, UA_SEQ_REL_OFFSET = 2, UA_SEQ_REL_T5 = 3
} ua_seq_rel;

typedef enum { UA_SEQ_LAYERNORM = 0, UA_SEQ_RMSNORM = 1 } ua_seq_norm;

/* Attention kernel. AUTO: naive below n = 64, fused from n = 64. Append only. */
typedef enum { UA_SEQ_KERNEL_AUTO = 0, UA_SEQ_KERNEL_NAIVE = 1, UA_SEQ_KERNEL_FUSED = 2 } ua_seq_kernel;

typedef struct {
    /* data shape */
    size_t vocab;        /* input vocabulary (tokens 0..vocab-1); 0: real inputs of `din` features */
    size_t din;          /* real input features per position (vocab == 0) */
    size_t n;            /* the longest sequence (learned positions and offset biases span it) */
    size_t nout;         /* classes (classification) or outputs per position (regression) */
    int classify;        /* 1: cross-entropy on class targets; 0: mean squared error */
    /* architecture */
    size_t width;        /* model width C (default 64) */
    size_t heads;        /* attention heads H, dividing C (default 4) */
    size_t layers;       /* blocks (default 2) */
    size_t ffn;          /* FFN hidden width (0: 4 C) */
    ua_mlp_act act;      /* FFN activation, a scalar one of the mlp family (default relu) */
    ua_seq_norm norm;
    int layerscale;      /* 1: LayerScale vectors g1, g2 initialised to layerscale_init */
    double layerscale_init; /* default 0.1 */
    int causal;          /* 1: position i attends to j <= i only */
    ua_seq_positions positions;
    ua_seq_attention attention;
    ua_seq_rel rel;
    ua_seq_kernel kernel;
    int qk_norm;         /* 1: each head's q and k divided by their RMS (eps 1e-5, no gain) before
                            the scores — the stabiliser Ramapuram et al. use for sigmoid attention */
    /* training */
    ua_mlp_optim optim;  /* adam or adamw */
    double lr;           /* default 1e-3 */
    double beta1, beta2, eps, weight_decay;
    ua_mlp_schedule schedule; /* default cosine */
    size_t warmup;
    size_t batch;        /* sequences per minibatch (default 16) */
    size_t epochs;       /* default 20 */
    double val_frac;     /* fraction of sequences held out (0: none; default 0.1) */
    uint64_t seed;
    int threads;         /* > 0: OpenMP and OpenBLAS threads (process-wide settings, set by fit) */
    void (*progress)(const ua_mlp_progress *p, void *ctx); /* after every epoch, or NULL */
    void *progress_ctx;
} ua_seq_options;

/* Sequence data: inputs and targets of N sequences of n positions. */
typedef struct {
    size_t N, n;
    size_t d;        /* 0: token inputs in tok; else real inputs in x */
    int32_t *tok;    /* (N, n) tokens, or NULL */
    float *x;        /* (N, n, d), or NULL */
    size_t k;        /* 0: class targets in cls; else real targets in y */
    int32_t *cls;    /* (N, n) classes, or NULL */
    float *y;        /* (N, n, k), or NULL */
} ua_seq_data;

typedef struct ua_seq ua_seq;

/* What a fit did. */
typedef struct {
    size_t epochs_run, steps;
    double train_loss, val_loss;        /* last epoch (val NaN without validation) */
    double train_accuracy, val_accuracy;/* classification: fraction of positions right */
    double seconds, tokens_per_second;  /* training time; positions processed per second */
    double test_loss, test_metric;      /* set by ua_seq_set_test (NaN when unknown): the loss and
                                           the accuracy (classification) or RMSE on held-out data */
} ua_seq_report;

/* Fills *opt with the defaults listed above (shape fields zero). */
void ua_seq_options_default(ua_seq_options *opt);

/* UA_EINVAL with a message naming the bad option, else UA_OK. */
ua_status ua_seq_options_check(const ua_seq_options *opt);

/* Names <-> enums: "softmax" "sigmoid" "rpe" "urpe"; "none" "sinusoidal" "learned";
 * "default" "none" "offset" "t5"; "layernorm" "rmsnorm"; "auto" "naive" "fused".
 * Parsers: UA_ENOTFOUND listing the names. */
ua_status ua_seq_attention_parse(const char *s, ua_seq_attention *a);
const char *ua_seq_attention_name(ua_seq_attention a);
ua_status ua_seq_positions_parse(const char *s, ua_seq_positions *p);
const char *ua_seq_positions_name(ua_seq_positions p);
ua_status ua_seq_rel_parse(const char *s, ua_seq_rel *r);
const char *ua_seq_rel_name(ua_seq_rel r);
ua_status ua_seq_norm_parse(const char *s, ua_seq_norm *n);
const char *ua_seq_norm_name(ua_seq_norm n);
ua_status ua_seq_kernel_parse(const char *s, ua_seq_kernel *k);

/* Builds an initialised, untrained model (matrices N(0, 1/fan_in), token embeddings N(0, 1),
 * learned positions N(0, 0.02^2), biases 0, norms 1, LayerScale layerscale_init, URPE C = 1, RPE
 * biases 0; seeded by opt->seed). opt->n, nout and vocab or din must be set. Free with
 * ua_seq_free. Errors: UA_EINVAL (bad options), UA_ENOMEM. */
ua_status ua_seq_alloc(const ua_seq_options *opt, ua_seq **out);

/* Releases a model; NULL is a no-op. */
void ua_seq_free(ua_seq *m);

/* Checks data against a model's (or options') shapes: inputs of the right kind, tokens in the
 * vocabulary, classes < nout, n <= opt->n, finite values. UA_EINVAL naming the first bad entry. */
ua_status ua_seq_data_check(const ua_seq_data *data, const ua_seq_options *opt);

/*
 * Trains a model on data (opt->n, vocab / din and nout are taken from data when zero).
 * Minibatches of opt->batch sequences, reshuffled each epoch (seed), Adam or AdamW with the
 * schedule; the last val_frac of a seeded permutation is held out and reported.
 * In a job of several ranks (uniapprox/dist.h) the training is data-parallel: every rank must call
 * it with the same arguments and gets the same model (docs/mlp.md, "Data-parallel training").
 * Errors: UA_EINVAL (bad data or options), UA_EDIVERGED (a non-finite training loss), UA_ENOMEM.
 * *out NULL on failure.
 * Complexity: O(epochs N n (L C^2 + L n C)).
 */
ua_status ua_seq_fit(const ua_seq_data *data, const ua_seq_options *opt, ua_seq **out);

/*
 * Raw outputs out (N, n, nout): logits (classification) or values (regression) for the inputs of
 * data (targets ignored). Errors: UA_EINVAL (bad inputs), UA_ENOMEM. Thread-safe.
 */
ua_status ua_seq_forward(const ua_seq *m, const ua_seq_data *data, float *out);

/*
 * The loss (mean cross-entropy over positions, or mean squared error over all N n k values —
 * PyTorch's "mean" reductions) on data, its gradient g (P,) with respect to the parameters (may be
 * NULL) and the raw outputs out (N, n, nout) (may be NULL). Errors: as ua_seq_forward.
 */
ua_status ua_seq_loss_grad(const ua_seq *m, const ua_seq_data *data, double *loss, float *g,
                           float *out);

/* One optimiser step at learning rate opt.lr on data (a minibatch). */
ua_status ua_seq_step(ua_seq *m, const ua_seq_data *data, double *loss);

/* Accuracy (classification: fraction of positions whose argmax is the target) or RMSE on data. */
ua_status ua_seq_evaluate(const ua_seq *m, const ua_seq_data *data, double *loss, double *metric);

/* The parameters: count, tensors (name "blocks.0.attn.qkv.weight", offset into the buffer,
 * shape up to 2 dims), and copies to / from p (P,). set refuses non-finite values. */
size_t ua_seq_nparams(const ua_seq *m);
size_t ua_seq_ntensors(const ua_seq *m);
void ua_seq_tensor(const ua_seq *m, size_t i, const char **name, size_t *offset, size_t *ndim,
                   size_t shape[2]);
void ua_seq_get_params(const ua_seq *m, float *p);
ua_status ua_seq_set_params(ua_seq *m, const float *p);

/* The options the model was built with (owned by m). */
const ua_seq_options *ua_seq_get_options(const ua_seq *m);

/* Records the loss and metric (ua_seq_evaluate) measured on held-out data; saved with the model
 * ("test_loss", "test_accuracy" or "test_rmse") and shown by describe. */
void ua_seq_set_test(ua_seq *m, double loss, double metric);
const ua_seq_report *ua_seq_get_report(const ua_seq *m);

/* ---- data ---------------------------------------------------------------------------------- */

/*
 * Reads inputs (N, n) integer tokens or (N, n, d) floats and targets (N, n) integer classes or
 * (N, n, k) floats from NumPy .npy files, read by ua_npy_read (uniapprox/data.h: int32, int64,
 * float32, float64 in either byte order, C order; its errors are this function's; 2-D
 * integer-valued floats count as tokens). y_path may be NULL (inputs only). The files are
 * untrusted: wrong rank, empty arrays, ragged shapes (targets not (N, n, ...) of the inputs),
 * non-integer tokens, negative tokens, non-finite values are UA_EFORMAT with a message naming the
 * file. Free with ua_seq_data_free.
 */
ua_status ua_seq_data_read(const char *x_path, const char *y_path, ua_seq_data *out);
void ua_seq_data_free(ua_seq_data *d);

/* Writes a C-order .npy (version 1.0) of shape (ndim entries): int32 from ints when not NULL,
 * else float32 from floats (ua_npy_write, uniapprox/data.h). Not atomic. Errors: UA_EIO (cannot
 * write; the message names path), UA_EINVAL (a negative or too large shape). */
ua_status ua_seq_npy_write(const char *path, const int64_t *shape, size_t ndim,
                           const int32_t *ints, const float *floats);

/* The limits of the synthetic tasks: sequence length n, sequences N, vocabulary, and N * n
 * values (each of the inputs and targets holds N * n 4-byte values: 2^28 is 2 GiB in all). */
#define UA_SEQ_TASK_MAX_LENGTH (1u << 20)
#define UA_SEQ_TASK_MAX_SEQUENCES (1u << 26)
#define UA_SEQ_TASK_MAX_VOCAB (1u << 24)
#define UA_SEQ_TASK_MAX_VALUES ((size_t)1 << 28)

/*
 * Whether ua_seq_task_generate(task, N, n, vocab, ...) is accepted, without generating: the task
 * name known and N, n, vocab positive and within the limits above (a caller checks before it
 * creates any output). Errors: UA_ENOTFOUND (unknown task: the message lists them), UA_EINVAL
 * (a count zero or above its limit: the message names the value and the limit).
 */
ua_status ua_seq_task_check(const char *task, size_t N, size_t n, size_t vocab);

/*
 * The synthetic tasks (`uniapprox data`): N sequences of length n, seeded.
 *   even        tokens uniform in 0..vocab-1; target y_i = x_(2i mod n) (the token at the even
 *               position 2i, wrapping) — the URPE paper's even-token prediction (n = 128, vocab
 *               1000 there)
 *   position    tokens uniform; target y_i = i (classes 0..n-1) — position identification
 *   copy        y_i = x_i; reverse: y_i = x_(n-1-i); sort: y = sorted x (tokens)
 *   cumsum      real x_i ~ U(-1, 1) (d = 1); y_i = sum_{j<=i} x_j / sqrt(n)
 *   movavg      real; y_i = mean of x_(i-2..i) (window 3, shorter at the start)
 *   sortreal    real; y = sorted x
 * Errors: those of ua_seq_task_check (unknown task; N, n or vocab zero or above its limit),
 * UA_ENOMEM.
 */
ua_status ua_seq_task_generate(const char *task, size_t N, size_t n, size_t vocab, uint64_t seed,
                               ua_seq_data *out);

/* The task names, comma-separated (static storage). */
const char *ua_seq_task_names(void);

#ifdef __cplusplus
}
#endif
#endif /* UNIAPPROX_SEQ_H */
