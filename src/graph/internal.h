/*
 * src/graph/internal.h — the GPS network of the `graph` family (not installed): its layout, one
 * minibatch of graphs, the activations kept for the backward pass, and the kernels of the files
 * of src/graph/ that build it. The data side (the reader, the encodings of encode.h, the tasks)
 * lives beside it in its own files.
 *
 * The network (Rampasek et al., "Recipe for a General, Powerful, Scalable Graph Transformer",
 * NeurIPS 2022; docs/graph.md "The network"):
 *   h0 = [Linear(x) | Linear(BN(rwse)) or Linear(lappe)]            (N, C)
 *   e  = Linear(edge features) (or a learned vector when there are none)  (E, C)
 *   per layer:  hl = BN(h + GINE(h, e)),  ha = BN(h + MHA_graph(h)),  hs = hl + ha,
 *               h  = BN(hs + Linear(ReLU(Linear(hs))))   (FFN width 2C)
 *   graph level: out = Linear(ReLU(Linear(pool(h))))     (G, nout), pool = sum or mean
 *   node level:  out = Linear(ReLU(Linear(h)))           (N, nout)
 * GINE (Hu et al. 2020): GINE(h, e)_i = MLP(h_i + sum_{edges j->i} ReLU(h_j + e_ji)), MLP =
 * Linear-ReLU-Linear. MHA_graph: PyTorch's nn.MultiheadAttention applied to each graph's nodes
 * alone (no attention across graphs). BN: BatchNorm1d over the nodes of the batch (eps 1e-5,
 * momentum 0.1; running statistics at inference).
 *
 * Shapes: G graphs, N nodes, E directed edges in a batch; C width, H heads, D = C / H, F = 2C;
 * din node features, edim edge features, K raw encoding width, P its embedding width.
 * Everything is float32, accumulated in double where a sum runs over the batch (BN statistics,
 * the loss).
 */
#ifndef UA_GRAPH_INTERNAL_H
#define UA_GRAPH_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include "core/internal.h"
#include "uniapprox/graphs.h"
#include "uniapprox/model.h"

#define UA_GPS_MAX_LAYERS 32
#define UA_GPS_MAX_TENSORS (16 + 24 * UA_GPS_MAX_LAYERS)
#define UA_GPS_BN_EPS 1e-5f
#define UA_GPS_BN_MOMENTUM 0.1
/* The largest width, heads, features, encoding width and outputs a model takes (ua_gps_build;
 * a loaded file is held to the same limits). */
#define UA_GPS_MAX_WIDTH 4096
#define UA_GPS_MAX_FEATURES (1u << 16)
#define UA_GPS_MAX_OUT (1u << 16)
#define UA_GPS_MAX_PE 1024

enum { UA_GPS_PE_NONE = 0, UA_GPS_PE_RWSE = 1, UA_GPS_PE_LAPPE = 2 };
#define UA_GPS_PE_CHOICES "none|rwse|lappe"
enum { UA_GPS_LOSS_AUTO = 0, UA_GPS_LOSS_L1 = 1, UA_GPS_LOSS_MSE = 2, UA_GPS_LOSS_CE = 3 };
#define UA_GPS_LOSS_CHOICES "auto|l1|mse|cross_entropy"
enum { UA_GPS_POOL_SUM = 0, UA_GPS_POOL_MEAN = 1 };

/* The architecture: everything the parameter layout depends on. */
typedef struct {
    size_t C, L, H;           /* width, layers, heads */
    size_t din, edim;         /* node and edge features */
    size_t K, P;              /* raw encoding width (walk length / eigenvectors), its embedding */
    size_t nout;              /* outputs (classes for a classifier) */
    int pe;                   /* UA_GPS_PE_* */
    int mpnn;                 /* 1: GINE branch, 0: none */
    int attn;                 /* 1: attention branch, 0: none */
    int pool;                 /* UA_GPS_POOL_* */
    int node_level;           /* 1: per-node outputs, 0: per-graph */
    int classify;             /* cross-entropy over nout classes; else regression */
} ua_gps_arch;

/* Offsets of one layer's tensors in the parameter buffer (SIZE_MAX: absent) and of its BN
 * running statistics in the buffer of statistics. */
typedef struct {
    size_t g1w, g1b, g2w, g2b, nlw, nlb;      /* GINE MLP, BN after it */
    size_t qkvw, qkvb, ow, ob, naw, nab;      /* attention in/out projections, BN after it */
    size_t f1w, f1b, f2w, f2b, n2w, n2b;      /* FFN, BN after it */
    size_t rl, ra, r2;                        /* running mean at r, running var at r + C */
} ua_gps_layer_off;

typedef struct {
    char name[64];      /* PyTorch state_dict name: "layers.0.attn.in_proj_weight" */
    size_t offset, ndim, shape[2], size;
    int stat;           /* 1: a BN running statistic (in stats, not trained) */
} ua_gps_tensor;

/* What training measured (metadata of the model). */
typedef struct {
    size_t epochs_run;
    double train_loss, seconds, graphs_per_second;
} ua_gps_report;

/* The model. */
typedef struct ua_gps {
    ua_gps_arch a;
    size_t off_xw, off_xb, off_pnw, off_pnb, off_pw, off_pb, off_ew, off_eb;
    size_t off_h1w, off_h1b, off_h2w, off_h2b;
    size_t st_pn;                     /* running stats of the RWSE BN (SIZE_MAX: none) */
    ua_gps_layer_off lay[UA_GPS_MAX_LAYERS];
    size_t ntensors;
    ua_gps_tensor tensors[UA_GPS_MAX_TENSORS];
    size_t nparams, nstats;
    float *params;                    /* (nparams,) the one parameter buffer */
    float *stats;                     /* (nstats,) BN running means and variances */
    double *y_mean, *y_scale;         /* (ny,) regression targets are standardised by these */
    size_t ny;                        /* regression outputs (nout); 0 for a classifier */
    ua_gps_report report;
    size_t pe_padded;                 /* graphs whose LapPE had fewer than K eigenvectors */
} ua_gps;

/* One minibatch of graphs, renumbered from 0 (built by ua_gps_batch_make). */
typedef struct {
    size_t G, N, E;
    size_t *node_off;   /* (G + 1,) */
    size_t *edge_off;   /* (G + 1,) */
    int32_t *src, *dst; /* (E,) batch-local node indices */
    float *x;           /* (N, din) */
    float *e;           /* (E, edim), NULL when edim == 0 */
    float *pe;          /* (N, K), NULL without an encoding */
    float *y;           /* (G or N, ny) standardised targets, or (G or N,) classes; NULL: none */
    size_t capN, capE, capG;
} ua_gps_batch;

/* Activations of one forward pass, kept for backward; sized for capN nodes, capE edges,
 * capG graphs and capA attention entries (sum over graphs of H n_g^2). */
typedef struct {
    size_t capN, capE, capG, capA;
    int train;                 /* batch statistics + dropout (1) or running statistics (0) */
    float *pe_in, *pe_mean, *pe_rstd; /* (N, K) BN input copy, (K,), (K,) */
    float *pe_n;               /* (N, K) normalised RWSE */
    float *eenc;               /* (E, C) encoded edges */
    float *h[UA_GPS_MAX_LAYERS + 1]; /* (N, C) entering layer l; h[L] the last output */
    /* per layer (index l * N * C ...) */
    float *z, *a1, *a1r, *go;  /* GINE: (L, N, C) aggregate, MLP hidden pre/post ReLU, output */
    float *rl, *nl, *ml, *sl;  /* (L, N, C) residual, BN output; (L, C) batch mean, rstd */
    float *qkv;                /* (L, N, 3C) */
    float *P;                  /* (L, capA) attention probabilities (after dropout: Pd) */
    float *Praw;               /* (L, capA) before attention dropout (NULL when none) */
    float *ay, *ao;            /* (L, N, C) attention output before / after out_proj */
    float *ra, *na, *ma, *sa;  /* (L, N, C) residual, BN output; (L, C) mean, rstd */
    float *hs;                 /* (L, N, C) sum of the branches */
    float *f1, *f1r, *f2;      /* (L, N, F), (L, N, F), (L, N, C) */
    float *r2, *m2, *s2;       /* (L, N, C); (L, C), (L, C) */
    float *drop;               /* dropout masks (scale 0 or 1/(1-p)): (L, 4, N, F) */
    size_t *aoff;              /* (capG + 1,) offsets of each graph's attention block */
    float *pool;               /* (R, C) readout input (R = G or N) */
    float *hd1, *hd1r;         /* (R, C) head hidden pre/post ReLU */
    float *out;                /* (R, nout) */
    float *dout;               /* (R, nout) dloss/dout */
    /* backward scratch */
    float *d1, *d2, *d3, *d4, *d5; /* (N, F) each */
    float *dqkv;               /* (N, 3C) */
    float *ascr;               /* attention scratch: nthreads * (D + 1) * capNg */
    size_t capNg;              /* the most nodes of one graph */
    int nthreads;              /* OpenMP threads the scratch is sized for */
    float *deenc;              /* (E, C) */
} ua_gps_work;

/* Training settings (from the option table). */
typedef struct {
    size_t epochs, batch_size, warmup;
    double lr, weight_decay, dropout, attn_dropout;
    int loss;                  /* UA_GPS_LOSS_*, resolved (never AUTO) */
    uint64_t seed;
    int threads;
} ua_gps_train_opts;

/* ---- dense.c ---- */
/* out (N, o) = inp (N, i) W^T + b; W (o, i), b (o,) or NULL. */
void ua_gps_linear_forward(float *out, const float *inp, const float *W, const float *b,
                           size_t N, size_t in, size_t o);
/* dinp (N, i) = dout W (overwritten; skipped when NULL), or += when accumulate; dW (o, i) +=
 * dout^T inp; db (o,) += column sums of dout (skipped when NULL). */
void ua_gps_linear_backward(float *dinp, float *dW, float *db, const float *dout,
                            const float *inp, const float *W, size_t N, size_t in, size_t o,
                            int accumulate);
/* y (n,) = max(x, 0). */
void ua_gps_relu_forward(float *y, const float *x, size_t n);
/* d (n,) *= (x > 0). */
void ua_gps_relu_backward(float *d, const float *x, size_t n);

/* ---- norm.c ---- */
/* BatchNorm1d over N rows of width C: train: out = (inp - mean) rstd w + b with the batch's
 * mean and biased variance (saved in mean, rstd (C,)), and running (2C: mean, var) updated
 * with momentum 0.1 and the unbiased variance (running NULL: not updated); eval: the running
 * statistics. */
void ua_gps_bn_forward(float *out, float *mean, float *rstd, float *running, const float *inp,
                       const float *w, const float *b, size_t N, size_t C, int train);
/* Train-mode backward: dinp (N, C) = (overwritten); dw, db (C,) +=. */
void ua_gps_bn_backward(float *dinp, float *dw, float *db, const float *dout, const float *inp,
                        const float *w, const float *mean, const float *rstd, size_t N, size_t C);

/* ---- gine.c ---- */
/* z (N, C) = h + sum over each node's in-edges of ReLU(h[src] + e). */
void ua_gps_gine_aggregate_forward(float *z, const float *h, const float *e, const ua_gps_batch *b,
                                   size_t C);
/* dh (N, C) += dz + the edge terms; de (E, C) += the edge terms. */
void ua_gps_gine_aggregate_backward(float *dh, float *de, const float *dz, const float *h,
                                    const float *e, const ua_gps_batch *b, size_t C);

/* ---- attention.c ---- */
/* Offsets of each graph's (H, n_g, n_g) block: aoff (G + 1,); returns the total. */
size_t ua_gps_attn_offsets(size_t *aoff, const ua_gps_batch *b, size_t H);
/* y (N, C) = per-graph softmax(q k^T / sqrt(D)) v from qkv (N, 3C); P (aoff[G]) the
 * probabilities; with p_drop > 0 and Praw, Praw keeps them and P holds them times a dropout
 * mask (one random stream per graph, from seed). scratch: nthreads * (D + 1) * nmax floats,
 * nmax >= the nodes of any graph of b, nthreads >= the OpenMP threads used. */
void ua_gps_attn_forward(float *y, float *P, float *Praw, const float *qkv, const ua_gps_batch *b,
                         const size_t *aoff, size_t H, size_t D, double p_drop, uint64_t seed,
                         float *scratch, size_t nmax, int nthreads);
/* dqkv (N, 3C) = (overwritten) the gradient through the attention of dy (N, C). */
void ua_gps_attn_backward(float *dqkv, const float *dy, const float *qkv, const float *P,
                          const float *Praw, const ua_gps_batch *b, const size_t *aoff, size_t H,
                          size_t D, double p_drop, float *scratch, size_t nmax, int nthreads);

/* ---- pool.c ---- */
/* out (G, C) = sum (or mean) of h over each graph's nodes. */
void ua_gps_pool_forward(float *out, const float *h, const ua_gps_batch *b, size_t C, int mean);
/* dh (N, C) = (overwritten) the pooled gradient spread back. */
void ua_gps_pool_backward(float *dh, const float *dout, const ua_gps_batch *b, size_t C, int mean);
/* The loss of out (R, K) against the batch's targets (classes or standardised values), mean
 * over rows (and outputs); dout (R, K) its gradient (NULL: not computed). *right counts
 * correct argmaxes (classification). */
double ua_gps_loss(float *dout, const float *out, const float *y, size_t R, size_t K, int loss,
                   size_t *right);

/* ---- model.c ---- */
/* Builds an untrained model of architecture a (parameters zero). Errors: UA_EINVAL (a bad
 * architecture: the message says which), UA_ENOMEM. */
ua_status ua_gps_build(const ua_gps_arch *a, ua_gps **out);
void ua_gps_free(ua_gps *m);
/* PyTorch's default initialisation (Linear: U(+-1/sqrt(in)) for weight and bias; MHA in_proj:
 * Xavier uniform, zero biases; BN: 1 and 0; running stats 0 and 1), from seed. */
void ua_gps_init_params(ua_gps *m, uint64_t seed);
/* Whether ua_gps_work_alloc's arrays for these capacities fit in 80% of the machine's memory
 * (ua_phys_memory), computed in double without allocating. Errors: UA_EINVAL naming the batch,
 * the GiB needed and the machine's GiB, with what to change. */
ua_status ua_gps_work_check(const ua_gps *m, size_t capN, size_t capE, size_t capG, size_t capA,
                            size_t capNg, double dropout, double attn_dropout);
/* Work for batches of at most capN nodes, capE edges, capG graphs, capA attention entries and
 * capNg nodes in one graph; dropout masks only when dropout > 0, a copy of the attention
 * probabilities before dropout only when attn_dropout > 0. Errors: those of ua_gps_work_check,
 * UA_ENOMEM. */
ua_status ua_gps_work_alloc(const ua_gps *m, size_t capN, size_t capE, size_t capG, size_t capA,
                            size_t capNg, double dropout, double attn_dropout, ua_gps_work *w);
void ua_gps_work_free(ua_gps_work *w);
/* Forward over batch b: training (train 1: the batch's BN statistics, dropout masks from seed,
 * running statistics in stats updated; stats NULL: not updated) or inference (train 0: m's
 * running statistics, no dropout). Outputs in w->out (R, nout), R = G, or N at node level. */
void ua_gps_forward(const ua_gps *m, ua_gps_work *w, const ua_gps_batch *b, int train,
                    double dropout, double attn_dropout, uint64_t seed, float *stats);
/* Backward from w->dout; g (nparams,) += the gradient. */
void ua_gps_backward(const ua_gps *m, ua_gps_work *w, const ua_gps_batch *b, double dropout,
                     double attn_dropout, float *g);

/* ---- batch.c ---- */
void ua_gps_batch_free(ua_gps_batch *b);
/* b <- graphs idx[0..n) of g (renumbered), with their encodings pe (nnodes of g, K) (NULL:
 * none), sign-flipped per graph and eigenvector with rng when flip (LapPE at training time),
 * and their targets (standardised by m's y_mean / y_scale) when g has them. Grows b as needed. */
ua_status ua_gps_batch_make(ua_gps_batch *b, const ua_gps *m, const ua_graphs *g,
                            const double *pe, const size_t *idx, size_t n, int flip, ua_rng *rng);

/* ---- train.c ---- */
/* Whether batches of up to batch graphs of g (the largest ones together) fit the machine, as
 * ua_gps_work_check; cheap (counts only), so a set with one huge graph is refused before its
 * encodings and batches are computed. Errors: UA_EINVAL (the message says why), UA_ENOMEM. */
ua_status ua_gps_batches_check(const ua_gps *m, const ua_graphs *g, size_t batch, double dropout,
                               double attn_dropout);
/* Trains m (initialised) on g with encodings pe; report filled. hooks may be NULL. log: the
 * JSONL training log to write (NULL: none); a write of it that fails does not fail the training:
 * the message goes to meta's "log_error" (ua_train_log_keep). */
ua_status ua_gps_train(ua_gps *m, const ua_graphs *g, const double *pe,
                       const ua_gps_train_opts *o, const ua_fit_hooks *hooks, const char *log,
                       ua_model *meta);
/* Outputs y (R, nout) for every graph (or node) of g in target units (classes: logits), in
 * inference mode, batch_size graphs at a time. */
ua_status ua_gps_predict_all(const ua_gps *m, const ua_graphs *g, const double *pe, size_t batch,
                             double *y);

/* ---- options.c: the engine's vtable (src/model/family.h) ---- */
#define UA_GPS_NOPTIONS 21
extern const ua_option_spec ua_gps_option_table[UA_GPS_NOPTIONS];
ua_status ua_gps_fit_problem(const ua_problem *p, const ua_options *o, const ua_fit_hooks *hooks,
                             ua_model *meta, void **state);
/* The C export's refusal (export.c; the vtable's export_c). */
#include <stdio.h>
ua_status ua_gps_export_c(const void *state, ua_export_type type, const char *name, FILE *out);
/* The encodings of g for model m ((nnodes, K) malloc'd into *pe; NULL without one). */
ua_status ua_gps_encodings(const ua_gps *m, const ua_graphs *g, double **pe, size_t *padded);

#endif /* UA_GRAPH_INTERNAL_H */
