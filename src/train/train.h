/*
 * src/train/train.h — the training pieces the learners share (internal, not installed): the
 * scalar activations, first-order optimiser steps on a flat parameter buffer (Adam, AdamW, SGD
 * with momentum), full-batch L-BFGS, learning-rate schedules, the epoch loop's helpers (shuffle,
 * early stopping, clock) and the JSONL training log.
 *
 * A lower layer: it includes no family header, so a family (mlp, seq) depends on it and never
 * on another family. Random numbers come from the library's one generator (ua_rng,
 * src/core/internal.h).
 *
 * Files, one job each: activations.c, optim.c, lbfgs.c, schedule.c, epochs.c, log.c, dist.c
 * (data-parallel training over MPI ranks); and, for the
 * closed-form learners (kernel, rf), ridge.c (ridge.h: ridge least squares on features) and
 * learn.c (learn.h: their training table from a problem, and their train / test errors).
 */
#ifndef UA_TRAIN_H
#define UA_TRAIN_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "uniapprox/status.h"
#include "core/internal.h"
#include "uniapprox/model.h" /* ua_fit_hooks */

/* ---- activations.c ---------------------------------------------------------------------- */

/* The scalar activations (formulas in docs/mlp.md, "Activations"). Their values equal the public
 * ua_mlp_act values 0..8 (uniapprox/mlp.h checks it at compile time in src/mlp/activations.c), so
 * a family's enum converts by a cast. Append only. */
typedef enum {
    UA_TRAIN_RELU = 0,
    UA_TRAIN_LEAKY_RELU = 1,
    UA_TRAIN_GELU = 2,
    UA_TRAIN_GELU_TANH = 3,
    UA_TRAIN_SILU = 4,
    UA_TRAIN_TANH = 5,
    UA_TRAIN_SIGMOID = 6,
    UA_TRAIN_SOFTPLUS = 7,
    UA_TRAIN_SIN = 8
} ua_train_act;
#define UA_TRAIN_NACT 9

/* The names, '|'-separated in enum order ("relu|leaky_relu|...|sin"), for option tables. */
#define UA_TRAIN_ACT_CHOICES "relu|leaky_relu|gelu|gelu_tanh|silu|tanh|sigmoid|softplus|sin"

/* act(x) and act'(x) in double (slope: leaky_relu's for x < 0). Finite wherever the limit is:
 * the tails at +-inf are returned as limits, exp is only called on -|x|. An unknown a gives x
 * and 1. */
double ua_train_act_forward(int a, double slope, double x);
double ua_train_act_backward(int a, double slope, double x);

/* "relu", ... ("?" out of range); parse: UA_OK and *a, or UA_ENOTFOUND listing the names. */
const char *ua_train_act_name(int a);
ua_status ua_train_act_parse(const char *name, int *a);

/* ---- optim.c: one step on a flat buffer --------------------------------------------------- */

/*
 * Adam / AdamW (Kingma & Ba 2015; Loshchilov & Hutter 2019) with PyTorch 1.13's arithmetic:
 * m1 = b1 m1 + (1-b1) g, m2 = b2 m2 + (1-b2) g^2, p -= lr / (1 - b1^t) m1 / (sqrt(m2) /
 * sqrt(1 - b2^t) + eps). decoupled (AdamW): p *= 1 - lr wd first; else (Adam) wd p is added to g.
 * p, g, m1, m2 (n,); t >= 1 the step count. The f32 version rounds the constants to float as
 * PyTorch does for a float32 tensor.
 */
void ua_train_adam_f32(float *p, const float *g, float *m1, float *m2, size_t n, double lr,
                       double b1, double b2, double eps, double wd, int decoupled, size_t t);
void ua_train_adam_f64(double *p, const double *g, double *m1, double *m2, size_t n, double lr,
                       double b1, double b2, double eps, double wd, int decoupled, size_t t);

/* SGD with (heavy-ball) momentum in PyTorch's form: buf = g on step t == 1, then mu buf + g;
 * p -= lr buf (mu 0: p -= lr g). L2 weight decay adds wd p to g. p, g, buf (n,). */
void ua_train_sgd_f32(float *p, const float *g, float *buf, size_t n, double lr, double mu,
                      double wd, size_t t);
void ua_train_sgd_f64(double *p, const double *g, double *buf, size_t n, double lr, double mu,
                      double wd, size_t t);

/* ---- lbfgs.c: full-batch L-BFGS (Nocedal & Wright, 2nd ed., algorithms 7.4 and 3.1) --------- */

/* The objective: returns f(p) and fills g (P,) with its gradient. */
typedef double (*ua_train_fg)(const double *p, double *g, void *ctx);

typedef struct {
    size_t P, history;
    double *s, *y, *rho;                  /* (history, P), (history, P), (history,) */
    double *d, *q, *pnew, *gnew, *alpha;  /* (P,) x4, (history,) */
    size_t count, head;
} ua_train_lbfgs;

/* Errors: UA_ENOMEM (the size asked for). */
ua_status ua_train_lbfgs_alloc(size_t P, size_t history, ua_train_lbfgs *lb);
void ua_train_lbfgs_free(ua_train_lbfgs *lb);

/* One iteration from p (loss *f, gradient g): updates p, *f, g in place. Returns 0 on progress,
 * 1 when the line search found no decrease (converged to rounding). Set lb->count = 0 to forget
 * the curvature pairs (a restart). */
int ua_train_lbfgs_iter(ua_train_lbfgs *lb, ua_train_fg fg, void *ctx, double *p, double *f,
                        double *g);

/* ---- schedule.c -------------------------------------------------------------------------- */

/* Schedules; the values equal ua_mlp_schedule's (constant, cosine, warmup). Append only. */
enum { UA_TRAIN_SCHED_CONSTANT = 0, UA_TRAIN_SCHED_COSINE = 1, UA_TRAIN_SCHED_WARMUP = 2 };
#define UA_TRAIN_SCHED_CHOICES "constant|cosine|warmup"

/* The learning rate at step t (0-based) of T steps for base rate lr: constant; cosine
 * lr (1 + cos(pi t / T)) / 2 (Loshchilov & Hutter 2017, without restarts); warmup: linear over
 * `warmup` steps (0: 5% of T, at least 1) then cosine over the rest. */
double ua_train_lr(double lr, int schedule, size_t warmup, size_t t, size_t T);

/* ---- epochs.c ---------------------------------------------------------------------------- */

/* Seconds on a monotonic clock (for the epoch record's "seconds since the fit started"). */
double ua_train_now(void);

/* Shuffles idx (n,) in place (Fisher-Yates) with r. */
void ua_train_shuffle(ua_rng *r, size_t *idx, size_t n);

/* Rows of n held out for validation: round(frac n) (frac 0: none). */
size_t ua_train_val_rows(double frac, size_t n);

/* Early stopping on a criterion (the validation loss, else the training loss). */
typedef struct {
    double best;       /* the best criterion so far (INFINITY at the start) */
    size_t best_epoch; /* its epoch (0: none yet) */
    size_t wait;       /* epochs since it */
} ua_train_stop;

void ua_train_stop_init(ua_train_stop *s);

/* Records epoch's criterion; returns 1 when it improves on the best (always for the first
 * epoch), which the caller answers by keeping a copy of its parameters. */
int ua_train_stop_update(ua_train_stop *s, size_t epoch, double crit);

/* ---- dist.c: data-parallel training over the ranks of a job (uniapprox/dist.h) ------------ */

/*
 * Each rank computes the gradient of its share of a minibatch (ua_dist_share over the batch's
 * rows; the batch order is the same on every rank, drawn from the same seed), and
 * ua_train_dist_sum adds them: the typed gradient (n,) in the parameter buffer's layout, weighted
 * and converted to double, followed by `extra` numbers of the step (loss sums, counts), in one
 * buffer and one ua_dist_allreduce_sum (ranks added in rank order: bitwise reproducible for a
 * given number of ranks, equal to the serial sum to rounding). With one rank buf is NULL and
 * every call is a no-op, so a serial run's arithmetic is unchanged.
 */
typedef struct {
    double *buf;       /* (n + extra,) doubles; NULL with one rank */
    size_t n, extra;
} ua_train_dist;

/* Errors: UA_ENOMEM (the size asked for), UA_EINVAL (n + extra overflows). */
ua_status ua_train_dist_alloc(ua_train_dist *d, size_t n, size_t extra);
void ua_train_dist_free(ua_train_dist *d);

/* In place across the ranks: g (n,) of esize 4 (float) or 8 (double) <- (sum over ranks r of
 * w_r g_r) / div, rounded once to g's type; extra (d->extra,) <- sum over ranks of extra_r. A
 * share's mean gradient over its b_r rows of a batch of b becomes the batch mean with w = b_r and
 * div = b; a gradient already divided by the whole batch's denominator takes w = div = 1. Errors:
 * ua_dist_allreduce_sum's (then g and extra are left as they were). One rank: returns at once. */
ua_status ua_train_dist_sum(ua_train_dist *d, void *g, size_t esize, double w, double div,
                            double *extra);

/* ua_train_dist_sum for this rank's share of the parameters only: g[*lo, *hi) (the share of
 * ua_dist_share(n)) <- (sum over ranks r of w_r g_r) / div there, rounded once to g's type, the
 * same bits as ua_train_dist_sum gives there; the rest of g is left unsummed (this rank's own
 * gradient). extra <- the sum over ranks on the last rank only (ua_dist_size() - 1; the others'
 * extra is left as it was). One reduce-scatter (ua_dist_reduce_scatter_sum): each rank then takes
 * the optimiser step of its share and the shares are exchanged (ua_dist_allgather_shares), which
 * leaves every rank the parameters of one whole step, bit for bit, for a fraction of the traffic
 * and of the optimiser's work. One rank: *lo = 0, *hi = n, nothing done. Errors: the
 * collective's (g and extra then undefined). */
ua_status ua_train_dist_sum_share(ua_train_dist *d, void *g, size_t esize, double w, double div,
                                  double *extra, size_t *lo, size_t *hi);

/* The two halves of ua_train_dist_sum around the allreduce (exposed for the one-process test of
 * the sliced sum): buf <- (w g, extra); g <- buf / div rounded to g's type, extra <- the tail.
 * d->buf must be allocated (by hand when the job has one rank). */
void ua_train_dist_pack(ua_train_dist *d, const void *g, size_t esize, double w,
                        const double *extra);
void ua_train_dist_unpack(const ua_train_dist *d, void *g, size_t esize, double div,
                          double *extra);

/* ---- log.c: the JSONL training curve ------------------------------------------------------ */

/* One JSON object a line per epoch:
 * {"epoch": E, "train_loss": L, "val_loss": V|null, "lr": R, "seconds": S[, "improved": B]}
 * ("improved" only when the learner has early stopping). Flushed after every line, so a killed
 * fit leaves the curve so far. */
typedef struct {
    FILE *f;
    int improved;      /* write the "improved" field */
    int failed;        /* a write failed (reported by close) */
    int err;           /* the errno of the first failed write, 0 when unknown */
    char *path;
} ua_train_log;

/* Opens path for writing (NULL or "": no log, every call is a no-op; on ranks other than 0 of a
 * job of several, also no log: the curve is written once). Errors: UA_EIO naming the file and the
 * system error, UA_ENOMEM. */
ua_status ua_train_log_open(ua_train_log *log, const char *path, int improved);
void ua_train_log_epoch(ua_train_log *log, size_t epoch, double train_loss, double val_loss,
                        double lr, double seconds, int improved);
/* Closes; UA_EIO when a write or the close failed (the message names the file and the system
 * error). A learner does not fail its fit for it: what it trained is kept, and the message goes
 * to the model's metadata "log_error" (ua_train_log_keep), which the command line reports after
 * saving the model (exit 3). */
ua_status ua_train_log_close(ua_train_log *log);

/* The status of ua_train_log_close, ls, kept rather than returned: UA_OK when ls is UA_OK;
 * otherwise close's message (ua_last_error without its source tag: call this at once) goes to
 * meta's "log_error", and UA_OK, or the error of setting it (UA_ENOMEM), is returned. */
ua_status ua_train_log_keep(ua_status ls, ua_model *meta);

/* What a learner reports after each epoch: the --log line and the engine's epoch hook (hooks may
 * be NULL, the log closed). */
typedef struct {
    const ua_fit_hooks *hooks;
    ua_train_log log;
} ua_train_report;
void ua_train_report_epoch(ua_train_report *r, size_t epoch, size_t epochs, double train_loss,
                           double val_loss, double lr, double seconds, int improved);

#endif /* UA_TRAIN_H */
