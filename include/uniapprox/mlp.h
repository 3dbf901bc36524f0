/*
 * uniapprox/mlp.h — multilayer perceptrons fitted to samples or to functions on a box (the `mlp`
 * family).
 *
 * A network of L dense layers y = m_l W_l h + b_l (W_l of shape (out, in), m_l the forward
 * multiplier of the parametrisation, 1 for the standard one) with an activation (or an
 * EvoNorm-S0 layer) after every hidden layer, trained on samples x (n, d) -> y (n, k) by
 * minibatch SGD / Adam / AdamW or full-batch L-BFGS, with early stopping on a validation fraction.
 * Regression minimises the mean squared error; classification the softmax cross-entropy.
 * Inputs and targets are standardised on the training rows by default and the scaling is part of
 * the model, so predictions are in the units of the samples.
 *
 * Arithmetic: float32 by default (OpenBLAS sgemm for the dense layers), float64 on request;
 * elementwise work runs under OpenMP for large batches. One parameter buffer holds every tensor
 * (layout: for each dense layer l, W_l then b_l; then for each hidden layer the parameters of its
 * activation, if any); gradients and optimiser state share that layout.
 *
 * Sources: criticality initialisation — D. A. Roberts, S. Yaida, "The Principles of Deep
 * Learning Theory" (2022), ch. 5; muP — G. Yang et al., "Tensor Programs V: Tuning Large Neural
 * Networks via Zero-Shot Hyperparameter Transfer" (2022), table 3; NTK parametrisation — Jacot,
 * Gabriel & Hongler (2018); PolyCom (PolyReLU, PolyNorm) — Zhuo et al., "Polynomial Composition
 * Activations" (2024); EvoNorm-S0 — Liu et al., "Evolving Normalization-Activation Layers"
 * (2020); Adam — Kingma & Ba (2015); AdamW — Loshchilov & Hutter (2019); L-BFGS — Nocedal &
 * Wright, "Numerical Optimization", 2nd ed., algorithm 7.4 (two-loop recursion) and 7.5, with a
 * backtracking Armijo line search (algorithm 3.1). The math, defaults and measurements:
 * docs/mlp.md.
 *
 * Through the engine (uniapprox/model.h): ua_fit(problem, "mlp", options, hooks, &model) takes a
 * FORMULA or FUNCTION problem in any dimension (training points drawn in the box; option
 * "samples", default 2000 per dimension, at most 100000) or a SAMPLES problem (with a test set:
 * "test_rmse" on its rows, target units), with the option table listed in docs/mlp.md ("Options"):
 * the same names and defaults as the fields below. It calls hooks->epoch after every epoch and
 * writes the "log" option's JSONL curve itself. The optimiser steps, schedules, L-BFGS and scalar
 * activations are the library's shared training layer; random numbers its one generator.
 *
 * Thread-safety: a ua_mlp is immutable after ua_mlp_fit; predict may run concurrently on one
 * network. ua_mlp_fit sets OpenBLAS's thread count when options.threads > 0 (a process-wide
 * setting).
 */
#ifndef UNIAPPROX_MLP_H
#define UNIAPPROX_MLP_H

#include <stddef.h>
#include <stdint.h>
#include "uniapprox/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Activations (docs/mlp.md gives each formula). Append only. */
typedef enum {
    UA_ACT_RELU = 0,       /* max(x, 0) */
    UA_ACT_LEAKY_RELU = 1, /* x for x > 0, slope * x otherwise */
    UA_ACT_GELU = 2,       /* x Phi(x), Phi the normal CDF (erf form) */
    UA_ACT_GELU_TANH = 3,  /* x/2 (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))) */
    UA_ACT_SILU = 4,       /* x sigmoid(x) */
    UA_ACT_TANH = 5,
    UA_ACT_SIGMOID = 6,    /* 1 / (1 + e^-x) */
    UA_ACT_SOFTPLUS = 7,   /* log(1 + e^x) = max(x, 0) + log1p(e^-|x|) */
    UA_ACT_SIN = 8,
    UA_ACT_POLYRELU = 9,   /* PolyCom: sum_{i=0..3} a_i relu(x)^i, a learnable */
    UA_ACT_POLYNORM = 10   /* PolyCom: a_0 + sum_{i=1..3} a_i x^i / rms(x^i), rms over features */
} ua_mlp_act;

/* Parametrisations. Append only. */
typedef enum {
    UA_PARAM_SP = 0,  /* standard: W ~ N(0, C_W / fan_in), multiplier 1 */
    UA_PARAM_NTK = 1, /* NTK: W ~ N(0, C_W), multiplier 1 / sqrt(fan_in) in the forward pass */
    UA_PARAM_MUP = 2  /* muP (Tensor Programs V, table 3): readout multiplier 1/width_mult and a
                         zero readout at init; Adam: hidden-weight learning rate / width_mult;
                         SGD: input weights and biases lr * width_mult, readout lr / width_mult */
} ua_mlp_param;

/* Optimisers. Append only. */
typedef enum {
    UA_OPTIM_ADAM = 0,  /* Adam, L2 weight decay added to the gradient */
    UA_OPTIM_ADAMW = 1, /* Adam with decoupled weight decay */
    UA_OPTIM_SGD = 2,   /* SGD with (heavy-ball) momentum, PyTorch's form */
    UA_OPTIM_LBFGS = 3  /* full-batch L-BFGS with a backtracking line search */
} ua_mlp_optim;

/* Learning-rate schedules over the total number of steps T. Append only. */
typedef enum {
    UA_SCHED_CONSTANT = 0, /* lr */
    UA_SCHED_COSINE = 1,   /* lr (1 + cos(pi t / T)) / 2 */
    UA_SCHED_WARMUP = 2    /* linear warm-up over `warmup` steps, then cosine decay */
} ua_mlp_schedule;

/* UA_TASK_GAUSSIAN: regression with a mean and a variance head (2 k network outputs: mu, then s
 * with variance softplus(s) + 1e-6, standardised units), trained by the Gaussian negative
 * log-likelihood (Nix & Weigend 1994; Lakshminarayanan et al. 2017; PyTorch's GaussianNLLLoss
 * without its constant): predictions are mu, docs/mlp.md "Deep ensembles". */
typedef enum { UA_TASK_REGRESS = 0, UA_TASK_CLASSIFY = 1, UA_TASK_GAUSSIAN = 2 } ua_mlp_task;
typedef enum { UA_MLP_F32 = 0, UA_MLP_F64 = 1 } ua_mlp_dtype;

/* The most hidden layers. */
#define UA_MLP_MAX_HIDDEN 16

/* One line of the training curve, passed to options.progress after every epoch (an L-BFGS
 * iteration counts as an epoch). */
typedef struct {
    size_t epoch, epochs;  /* 1-based epoch, and the most epochs */
    double train_loss;     /* mean loss over the epoch's minibatches (standardised units) */
    double val_loss;       /* loss on the validation rows, NaN without validation */
    double lr;             /* learning rate at the end of the epoch */
    double seconds;        /* since the fit started */
    int improved;          /* the validation loss is the best so far */
} ua_mlp_progress;

typedef struct {
    /* architecture */
    size_t nhidden;                      /* number of hidden layers (0: a linear model) */
    size_t hidden[UA_MLP_MAX_HIDDEN];    /* their widths */
    ua_mlp_act act;
    double leaky_slope;                  /* leaky_relu slope for x < 0 (default 0.01) */
    int evonorm;                         /* 1: EvoNorm-S0 after each hidden dense layer, in place
                                            of the activation */
    size_t evonorm_groups;               /* groups of EvoNorm's std (0: the most of 8, 4, 2, 1
                                            that divide the width into groups of >= 16) */
    ua_mlp_param param;
    size_t mup_base_width;               /* muP: the width at which muP equals SP (default 64) */
    ua_mlp_dtype dtype;
    ua_mlp_task task;
    /* optimisation */
    ua_mlp_optim optim;
    double lr;                           /* base learning rate (default 1e-3 for Adam) */
    double momentum;                     /* SGD (default 0.9) */
    double beta1, beta2, eps;            /* Adam (0.9, 0.999, 1e-8, PyTorch's) */
    double weight_decay;                 /* L2 (Adam, SGD) or decoupled (AdamW); default 0 */
    ua_mlp_schedule schedule;
    size_t warmup;                       /* warm-up steps (0: 5% of all steps) */
    size_t batch;                        /* minibatch size (ignored by L-BFGS) */
    size_t epochs;                       /* most epochs (L-BFGS: most iterations) */
    double val_frac;                     /* fraction of rows held out for early stopping (0: none) */
    size_t patience;                     /* stop after this many epochs without improvement */
    size_t lbfgs_history;                /* L-BFGS memory m (default 20) */
    int standardize;                     /* standardise x and y on the training rows (default 1) */
    uint64_t seed;                       /* initialisation, shuffling and validation split */
    int threads;                         /* > 0: set OpenBLAS's and OpenMP's thread counts */
    /* a callback after every epoch (NULL: none); ctx is passed through */
    void (*progress)(const ua_mlp_progress *p, void *ctx);
    void *progress_ctx;
} ua_mlp_options;

/* What a fit did. */
typedef struct {
    size_t epochs_run, best_epoch, steps;
    double train_loss, val_loss;         /* at the best epoch, standardised units */
    double seconds, samples_per_second;  /* training time and throughput (rows per second) */
    size_t nclasses;                     /* classification: number of classes */
    double train_accuracy, val_accuracy; /* classification */
} ua_mlp_report;

typedef struct ua_mlp ua_mlp;

/* Fills *opt with the defaults (docs/mlp.md: chosen by measurement on the UCI suite). */
void ua_mlp_options_default(ua_mlp_options *opt);

/* Checks options: UA_EINVAL with a message naming the bad one, else UA_OK. */
ua_status ua_mlp_options_check(const ua_mlp_options *opt);

/* Parses hidden widths "64x64" (or "64,64"; "0" or "" for none) into opt->nhidden / hidden.
 * Errors: UA_EINVAL (not W or WxW..., a width outside 1..2^20, more than UA_MLP_MAX_HIDDEN). */
ua_status ua_mlp_hidden_parse(const char *s, ua_mlp_options *opt);

/* Name <-> value for the enums ("relu", "leaky_relu", "gelu", "gelu_tanh", "silu", "tanh",
 * "sigmoid", "softplus", "sin", "polyrelu", "polynorm"; "sp", "ntk", "mup"; "adam", "adamw",
 * "sgd", "lbfgs"; "constant", "cosine", "warmup"). Parsers return UA_ENOTFOUND (the message lists
 * the names) for an unknown name. */
ua_status ua_mlp_act_parse(const char *name, ua_mlp_act *a);
const char *ua_mlp_act_name(ua_mlp_act a);
ua_status ua_mlp_param_parse(const char *name, ua_mlp_param *p);
const char *ua_mlp_param_name(ua_mlp_param p);
ua_status ua_mlp_optim_parse(const char *name, ua_mlp_optim *o);
const char *ua_mlp_optim_name(ua_mlp_optim o);
ua_status ua_mlp_schedule_parse(const char *name, ua_mlp_schedule *s);
const char *ua_mlp_schedule_name(ua_mlp_schedule s);

/*
 * Builds and initialises a network of d inputs and dout outputs (classification: dout classes)
 * without training it (criticality initialisation, docs/mlp.md). Scalers are identities.
 * Errors: UA_EINVAL (d or dout zero, a zero width, too many layers, a bad option), UA_ENOMEM.
 */
ua_status ua_mlp_alloc(size_t d, size_t dout, const ua_mlp_options *opt, ua_mlp **out);

/*
 * Fits a network to x (n, d) -> y (n, k), row-major doubles in the caller's units (opt NULL:
 * defaults). Regression: k outputs. Classification: k must be 1 and y holds class labels
 * 0, 1, ..., C-1 (integers, C >= 2). The scalers are fitted on all n rows (standardize on), the
 * validation rows (val_frac of n, at least 2, chosen by the seed) are held out of training and
 * the weights of the epoch with the lowest validation loss are restored at the end.
 * With threads == 1 the result is bitwise reproducible for a given seed.
 * In a job of several ranks (uniapprox/dist.h) the training is data-parallel: every rank must call
 * it with the same arguments; each computes the gradients of its share of every batch and the
 * network returned is the same on every rank (equal to one process's to rounding; docs/mlp.md).
 * Errors: UA_EINVAL (NULL arrays, n, d or k zero, a non-finite value, labels that are not
 * integers in [0, 2^20), a validation fraction that leaves fewer than 2 validation rows or no
 * training row, bad options — the message says which), UA_ENOMEM, UA_EDIVERGED (the training or
 * validation loss or a parameter became NaN or infinite — a learning rate too large, or data
 * whose spread overflows double; early stopping does not fall back to an earlier epoch).
 * *out is NULL on failure.
 * Complexity: O(epochs n P) with P the number of parameters.
 */
ua_status ua_mlp_fit(const double *x, const double *y, size_t n, size_t d, size_t k,
                     const ua_mlp_options *opt, ua_mlp **out);

/*
 * Out-of-core training (docs/data.md, "Out-of-core data") on a table read in blocks from src
 * (uniapprox/blocks.h): inputs every column but ycol, target column ycol (regression, k = 1).
 * Standardisation from the source's streaming statistics over all rows (ua_blocks_scaler);
 * opt->val_frac of the blocks, whole, held out for early stopping (ua_blocks_split with
 * opt->seed; 0: none, the training loss decides); every epoch visits the training blocks in a
 * seeded random order and the rows of each block in a seeded random order, in minibatches of
 * opt->batch rows drawn from the current block (the last of a block may be shorter); the
 * learning-rate schedule counts every minibatch of every epoch. The weights of the best epoch
 * are restored. Not the same run as ua_mlp_fit (other shuffles and split): it reaches the same
 * accuracy, not the same weights. Memory: one block (block_rows x (2 d + 2) doubles), the network
 * and its optimiser state, whatever the number of rows.
 * Errors: UA_EINVAL (NULL arguments, ycol out of range, fewer than 2 columns, classification or
 * L-BFGS — not offered out of core —, bad options, a split leaving no training block),
 * UA_EFORMAT / UA_EIO (reading a block), UA_EDIVERGED, UA_ENOMEM. *out is NULL on failure.
 */
struct ua_blocks; /* uniapprox/blocks.h */
ua_status ua_mlp_fit_blocks(struct ua_blocks *src, size_t ycol, const ua_mlp_options *opt, ua_mlp **out);

/* Releases a network. NULL is a no-op. */
void ua_mlp_free(ua_mlp *m);

/*
 * Predictions y (n, k) at x (n, d) in the caller's units (k outputs for regression; 1 for
 * classification: the most probable class, as a double). The network computes in its dtype:
 * Errors: UA_EINVAL (NULL arrays), UA_EDOMAIN (the message names the first such row and its
 * input: an input not finite, or beyond the dtype's range after the input scaling — |x| >
 * FLT_MAX for float32 —, or a pre-activation or hidden value of any layer, or the prediction,
 * not finite: the network overflows there; never a finite wrong value), UA_ENOMEM (a work
 * buffer). Thread-safe.
 */
ua_status ua_mlp_predict(const ua_mlp *m, const double *x, size_t n, double *y);

/* Class probabilities p (n, C) of a classifier (softmax of the outputs). Errors: UA_EINVAL (not a
 * classifier, NULL arrays), UA_EDOMAIN (as ua_mlp_predict), UA_ENOMEM. */
ua_status ua_mlp_predict_proba(const ua_mlp *m, const double *x, size_t n, double *p);

/* Records a test RMSE the caller measured on held-out rows (target units); it is saved in the
 * model's metadata ("test_rmse") and shown by describe. NaN clears it. */
void ua_mlp_set_test_rmse(ua_mlp *m, double rmse);

/* Inputs d, prediction columns k, and network outputs (k, or the number of classes). */
void ua_mlp_dims(const ua_mlp *m, size_t *d, size_t *k, size_t *dout);

/* The options the network was built with, and what its fit did (zeros for ua_mlp_alloc). */
const ua_mlp_options *ua_mlp_get_options(const ua_mlp *m);
const ua_mlp_report *ua_mlp_get_report(const ua_mlp *m);

/* ---- lower level: the parameter buffer, loss and gradient, one optimiser step -------------- */

/* Number of parameters P, and the name, offset into the buffer and shape (at most 2 dims) of
 * tensor i < ua_mlp_ntensors (PyTorch state_dict names: "layers.0.weight" (out, in),
 * "layers.0.bias" (out,), "layers.1.weight" (4,) for PolyCom coefficients, "layers.1.v",
 * "layers.1.weight", "layers.1.bias" (width,) for EvoNorm-S0). */
size_t ua_mlp_nparams(const ua_mlp *m);
size_t ua_mlp_ntensors(const ua_mlp *m);
void ua_mlp_tensor(const ua_mlp *m, size_t i, const char **name, size_t *offset, size_t *ndim,
                   size_t shape[2]);

/* Copies the parameters to / from p (P,) doubles (converted from / rounded to float32 for an f32
 * network). set refuses non-finite values (UA_EINVAL). */
void ua_mlp_get_params(const ua_mlp *m, double *p);
ua_status ua_mlp_set_params(ua_mlp *m, const double *p);

/*
 * The loss (mean over the n rows, and for regression over the k outputs: PyTorch's
 * MSELoss / CrossEntropyLoss with reduction "mean") of the network on x (n, d) -> y (n, k), raw
 * network units (no scaling), and its gradient g (P,) with respect to the parameters (g may be
 * NULL), and the outputs out (n, dout) (may be NULL). Errors: UA_EINVAL (k different from the
 * network's outputs — never a silent broadcast —, labels out of range, NULL arrays), UA_ENOMEM.
 */
ua_status ua_mlp_loss_grad(const ua_mlp *m, const double *x, const double *y, size_t n,
                           size_t k, double *loss, double *g, double *out);

/* One optimiser step (options.optim other than lbfgs, learning rate options.lr, step count kept in
 * the network) on the minibatch x (n, d) -> y (n, k), raw units. Errors: as ua_mlp_loss_grad. */
ua_status ua_mlp_step(ua_mlp *m, const double *x, const double *y, size_t n, size_t k,
                      double *loss);

/* The activation and its derivative at one point, in double, for tests and the C export. Finite
 * wherever the limit is (the tails at +-inf are returned as limits). polyrelu uses its initial
 * coefficients a = (0, 1/3, 1/3, 1/3); polynorm is not a scalar function (x and 1 are returned). */
double ua_mlp_act_forward(ua_mlp_act a, double slope, double x);
double ua_mlp_act_backward(ua_mlp_act a, double slope, double x);
/* The same rounded to float: what an f32 network computes. */
float ua_mlp_act_forward_f32(ua_mlp_act a, float slope, float x);
float ua_mlp_act_backward_f32(ua_mlp_act a, float slope, float x);

#ifdef __cplusplus
}
#endif
#endif /* UNIAPPROX_MLP_H */
