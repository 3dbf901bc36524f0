/*
 * src/mlp/internal.h — the layout of a ua_mlp and the pieces shared by the files of src/mlp/
 * (not installed). The math is in docs/mlp.md.
 *
 * Files, one job each: activations.c (the PolyCom activations and the names; the scalar ones are
 * src/train's), layers_t.h (dense, activation, PolyNorm and EvoNorm-S0 layers, forward/backward,
 * templated on the scalar type), loss_t.h (MSE and softmax cross-entropy), net_t.h (the whole
 * network forward/backward, the optimiser update through src/train's steps, and the typed
 * operations table), net_f32.c / net_f64.c (instantiate the templates), model.c (allocation,
 * parameter layout, initialisation), train.c (the training loop), options.c (the option table and
 * the vtable's fit), family.c (vtable: predict, save, load, describe), export.c (standalone C).
 * The optimisers, schedules, L-BFGS and the epoch helpers are the lower layer src/train/.
 */
#ifndef UA_MLP_INTERNAL_H
#define UA_MLP_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include "uniapprox/data.h"
#include "uniapprox/mlp.h"
#include "uniapprox/model.h" /* ua_problem, ua_options, ua_fit_hooks */
#include "core/internal.h"
#include "train/train.h"

#define UA_MLP_MAX_LAYERS (UA_MLP_MAX_HIDDEN + 1)
#define UA_MLP_MAX_TENSORS (4 * UA_MLP_MAX_LAYERS)
#define UA_POLY_R 3                 /* PolyCom order r = 3: coefficients a_0 .. a_3 */
#define UA_POLYNORM_EPS 1e-6
#define UA_EVONORM_EPS 1e-5
#define UA_MLP_VAR_EPS 1e-6          /* Gaussian head: variance softplus(s) + 1e-6 */

typedef struct {
    char name[32];      /* PyTorch state_dict name, "layers.0.weight" */
    size_t offset;      /* into the parameter buffer */
    size_t ndim;        /* 1 or 2 */
    size_t shape[2];
    size_t size;
    double lr_scale;    /* muP per-tensor learning-rate factor (1 otherwise) */
    int decay;          /* weight decay applies (weights only, not biases or norms) */
} ua_mlp_tensor_info;

/* The compressed form of the dense weights (src/mlp/compress.h); freed by ua_mlp_free. */
typedef struct ua_mlp_comp ua_mlp_comp;
void ua_mlp_comp_free(ua_mlp_comp *c);

/* Per-precision operations (net_t.h), chosen by the network's dtype. */
typedef struct ua_mlp_ops ua_mlp_ops;

struct ua_mlp {
    ua_mlp_options opt;     /* a copy; progress callback cleared */
    ua_mlp_report report;
    size_t d, k, dout;      /* inputs, prediction columns, network outputs */
    size_t L;               /* dense layers (nhidden + 1) */
    size_t width[UA_MLP_MAX_LAYERS + 1]; /* width[0] = d, ..., width[L] = dout */
    double mult[UA_MLP_MAX_LAYERS];      /* forward multiplier of W_l (ntk, mup); 1 once folded */
    size_t off_w[UA_MLP_MAX_LAYERS], off_b[UA_MLP_MAX_LAYERS];
    size_t off_act[UA_MLP_MAX_LAYERS];   /* hidden layer l: PolyCom a (4,) or EvoNorm v, gamma,
                                            beta (3, width) */
    size_t groups[UA_MLP_MAX_LAYERS];    /* EvoNorm groups of hidden layer l */
    size_t ntensors;
    ua_mlp_tensor_info tensors[UA_MLP_MAX_TENSORS];
    size_t nparams;
    size_t esize;           /* 4 or 8 */
    void *params;           /* (nparams,) float or double: the one parameter buffer */
    void *m1, *m2;          /* (nparams,) optimiser state (Adam moments / SGD momentum), lazily */
    size_t step;            /* optimiser steps taken */
    const ua_mlp_ops *ops;
    ua_scaler xs, ys;       /* standardisation (identity when off: mean 0, scale 1) */
    double test_rmse;       /* set by the CLI for UCI splits (NaN when unknown) */
    ua_mlp_comp *comp;      /* compressed weights (src/mlp/compress.h); NULL: none */
    /* A deep ensemble (ensemble.c; Lakshminarayanan et al. 2017): this network is member 0 and
     * members[0 .. n_estimators - 2] are members 1 .. M-1, each a plain network (n_estimators 1)
     * trained on the same rows from seed + i. noise_var (M, k): member i's noise variance of
     * output j in target units (its mean squared residual on its validation rows, or on all
     * its rows without a split). n_estimators 1, members and noise_var NULL: one network. */
    size_t n_estimators;
    struct ua_mlp **members;
    double *noise_var;
};

/* Activations of one forward pass over a batch of B rows, kept for the backward pass. */
typedef struct {
    size_t B;               /* rows this workspace holds */
    void *z[UA_MLP_MAX_LAYERS];   /* (B, width[l+1]) pre-activations; z[L-1] the outputs */
    void *h[UA_MLP_MAX_LAYERS];   /* (B, width[l+1]) post-activations of hidden layers */
    void *stat[UA_MLP_MAX_LAYERS];/* PolyNorm: (B, 3) rms of x^i; EvoNorm: (B, groups) std */
    void *dz, *dh;          /* (B, max width) gradient buffers */
    void *xb, *yb;          /* (B, d) input batch, (B, k) target batch */
    void *out;              /* (B, dout) scratch for loss gradient */
} ua_mlp_work;

struct ua_mlp_ops {
    size_t esize;
    /* workspace for B rows */
    ua_status (*work_alloc)(const ua_mlp *m, size_t B, ua_mlp_work *w);
    void (*work_free)(ua_mlp_work *w);
    /* copies rows idx[0..B) (idx NULL: rows 0..B) of x (n, d), y (n, k) doubles into w->xb, yb */
    void (*load)(const ua_mlp *m, ua_mlp_work *w, const double *x, const double *y,
                 const size_t *idx, size_t B);
    /* forward pass on w->xb (B rows) with parameters p; outputs in w->z[L-1] */
    void (*forward)(const ua_mlp *m, const void *p, ua_mlp_work *w, size_t B);
    /* loss on the outputs against w->yb; with grad, sets w->out to dloss/doutputs */
    double (*loss)(const ua_mlp *m, ua_mlp_work *w, size_t B, int grad, size_t *correct);
    /* backward pass from w->out; accumulates (+=) into g (nparams,) */
    void (*backward)(const ua_mlp *m, const void *p, ua_mlp_work *w, size_t B, void *g);
    /* optimiser update of m->params with gradient g at learning rate lr */
    void (*update)(ua_mlp *m, const void *g, double lr);
    /* conversions between the typed buffer and doubles */
    void (*to_double)(const void *src, double *dst, size_t n);
    void (*from_double)(const double *src, void *dst, size_t n);
    /* copies outputs (B, dout) to doubles */
    void (*outputs)(const ua_mlp *m, const ua_mlp_work *w, size_t B, double *out);
    /* after forward: the first row (< B) with a non-finite pre-activation or hidden activation
     * in any layer, B when none (an overflow that ReLU's max(NaN, 0) = 0 would hide) */
    size_t (*first_nonfinite)(const ua_mlp *m, const ua_mlp_work *w, size_t B);
    /* the optimiser step of parameters [lo, hi) only, at the step m->step already counted (update
     * counts the step, then updates [0, nparams)); disjoint spans may run on threads at once */
    void (*update_span)(ua_mlp *m, const void *g, double lr, size_t lo, size_t hi);
};

extern const ua_mlp_ops ua_mlp_ops_f32, ua_mlp_ops_f64;

/* model.c */
ua_status ua_mlp_build(size_t d, size_t k, size_t dout, const ua_mlp_options *opt, ua_mlp **out);
void ua_mlp_init_params(ua_mlp *m, uint64_t seed);
double ua_mlp_critical_cw(ua_mlp_act a, double slope);
void ua_mlp_fold_multipliers(ua_mlp *m);
ua_status ua_mlp_optim_state(ua_mlp *m);
void ua_mlp_format_hidden(const ua_mlp_options *opt, char *buf, size_t size);

/* options.c: the option table of the vtable (uniapprox/options.h) */
#define UA_MLP_NOPTIONS 26
extern const ua_option_spec ua_mlp_option_table[UA_MLP_NOPTIONS];
/* The vtable's fit (src/model/family.h): a FORMULA, FUNCTION or SAMPLES problem. */
ua_status ua_mlp_fit_problem(const ua_problem *p, const ua_options *o, const ua_fit_hooks *hooks,
                             ua_model *meta, void **state);
/* The vtable's fit_blocks (options.c; the training loop: train_blocks.c). */
struct ua_blocks;
ua_status ua_mlp_fit_blocks_family(struct ua_blocks *src, size_t ycol, const ua_options *o,
                                   ua_model *meta, void **state);

/* ensemble.c: deep ensembles (docs/mlp.md, "Deep ensembles"). */
#define UA_MLP_MAX_ESTIMATORS 64
/* Member i (0 .. n_estimators - 1) of m: m itself for 0. */
const ua_mlp *ua_mlp_member(const ua_mlp *m, size_t i);
/* Trains M >= 2 networks with options opt, member i from seed opt->seed + i (else identical to
 * ua_mlp_fit), and joins them into *out (member 0 carrying the others). Errors: ua_mlp_fit's. */
ua_status ua_mlp_fit_ensemble(const double *x, const double *y, size_t n, size_t d, size_t k,
                              const ua_mlp_options *opt, size_t M, ua_mlp **out);
/* The mixture's mean (regression) or averaged class probabilities (classifier) of an ensemble:
 * out (n, k) or (n, C). The single-network forms are train.c's. */
ua_status ua_mlp_ensemble_mean(const ua_mlp *m, const double *x, size_t n, double *out, int proba);
/* The vtable's predict_std: sd (n, k) = sqrt(mean_i noise_var_i + mean_i mu_i^2 - mu^2), the
 * variance of the equally weighted Gaussian mixture of the members. UA_EUNSUPPORTED for a
 * single network or a classifier. */
ua_status ua_mlp_predict_std(const void *state, const double *x, size_t n, double *sd);
/* Saving and loading members 1 .. M-1 and noise_var (tensors "ensemble.{i}.<name>",
 * "ensemble.noise_var"; metadata "n_estimators"). */
ua_status ua_mlp_ensemble_save(const ua_mlp *m, ua_st *st);
ua_status ua_mlp_ensemble_load(ua_mlp *m, const ua_st *st);
/* Refusal of an operation defined on one network (bounds, influence, compression, hints). */
ua_status ua_mlp_single_only(const ua_mlp *m, const char *what);
/* The single network's predictions (train.c), whatever m->n_estimators. */
ua_status ua_mlp_predict_one(const ua_mlp *m, const double *x, size_t n, double *y);
ua_status ua_mlp_predict_proba_one(const ua_mlp *m, const double *x, size_t n, double *p);
/* A Gaussian-head network (UA_TASK_GAUSSIAN, train.c): mean mu (n, k) and variance var (n, k)
 * in target units at x (n, d); either may be NULL. */
ua_status ua_mlp_gaussian_one(const ua_mlp *m, const double *x, size_t n, double *mu, double *var);

/* The family's C export (src/mlp/export.c; the vtable's export_c, src/model/family.h). */
#include <stdio.h>
ua_status ua_mlp_export_c(const void *state, ua_export_type type, const char *name, FILE *out);

#endif /* UA_MLP_INTERNAL_H */
