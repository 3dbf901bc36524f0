/*
 * src/pde/internal.h — the pde family's private types (not installed).
 *
 * spec.c reads a problem file (docs/pde.md) into a ua_pde_spec and evaluates its residual;
 * net.c is the network and its Taylor-mode jets (value, first derivatives, the second
 * derivatives the equation uses), forward and backward; points.c draws collocation and boundary
 * points; loss.c the weighted loss and its gradient; train.c Adam, residual-based resampling and
 * L-BFGS; family.c the vtable, options.c the option table, export.c the C export.
 */
#ifndef UA_PDE_INTERNAL_H
#define UA_PDE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include <stdio.h>

#include "uniapprox/model.h"
#include "uniapprox/problem.h"
#include "uniapprox/options.h"
#include "uniapprox/target.h"
#include "pde/reference.h"
#include "uniapprox/pde.h"

typedef struct ua_pde_transform ua_pde_transform; /* transform.c */

/* Inputs (space + time), hidden layers, parameters, conditions of a problem file. */
#define UA_PDE_MAX_DIM 4
#define UA_PDE_MAX_LAYERS 8
#define UA_PDE_MAX_WIDTH 1024
#define UA_PDE_MAX_PARAMS 16
#define UA_PDE_MAX_CONDS 16
/* Second-derivative pairs (i <= j) of UA_PDE_MAX_DIM inputs. */
#define UA_PDE_MAX_PAIRS (UA_PDE_MAX_DIM * (UA_PDE_MAX_DIM + 1) / 2)
/* Jet channels: the value, d first derivatives, the pairs. */
#define UA_PDE_MAX_CHAN (1 + UA_PDE_MAX_DIM + UA_PDE_MAX_PAIRS)

typedef enum { UA_PDE_DIRICHLET = 0, UA_PDE_NEUMANN, UA_PDE_PERIODIC, UA_PDE_INITIAL } ua_pde_cond_type;

/* One boundary or initial condition. */
typedef struct {
    ua_pde_cond_type type;
    int var;          /* the variable of the face (-1: every space face); PERIODIC: its variable;
                         INITIAL: the time variable */
    int side;         /* 0: the face var = lo, 1: var = hi, -1: both */
    ua_target *value; /* g(inputs, parameters); NULL for PERIODIC */
} ua_pde_cond;

/* A problem file, parsed and checked. */
typedef struct ua_pde_spec {
    size_t d, ns;                  /* inputs; space variables (the time variable is input ns) */
    int has_time;
    char names[UA_PDE_MAX_DIM][2]; /* single-letter names, space first */
    double lo[UA_PDE_MAX_DIM], hi[UA_PDE_MAX_DIM];
    size_t nparams;
    char *pnames[UA_PDE_MAX_PARAMS];
    double pvals[UA_PDE_MAX_PARAMS];
    /* the residual: variables inputs, parameters, u, u_<a> (d), u_<ab> (every pair a <= b) */
    ua_target *eq;
    size_t neqvars;
    int uses[UA_PDE_MAX_CHAN];     /* which jet channels the equation reads */
    size_t npairs;                 /* the pairs the equation reads, in channel order */
    int pi[UA_PDE_MAX_PAIRS], pj[UA_PDE_MAX_PAIRS];
    int pair_slot[UA_PDE_MAX_PAIRS]; /* the pair's variable among the equation's (all pairs) */
    size_t nconds;
    ua_pde_cond conds[UA_PDE_MAX_CONDS];
    ua_target *exact;              /* exact solution (inputs, parameters), or NULL */
    ua_pde_reference *ref;         /* named reference, or NULL */
    char *ref_name;
    char *name;                    /* the problem's name */
    char *equation;                /* as written */
    char who[256];                 /* the file (as given to the reader), for messages */
    char reference_text[256];      /* what the solution is */
    /* hard constraints (transform.c): u = g + D N enforces every Dirichlet and initial
     * condition; NULL texts: none (the conditions are penalties) */
    char *transform_g, *transform_D;
    int transform_given;           /* 1: the file's "output_transform"; 0: derived */
    char transform_note[320];      /* what enforces the conditions, for reports */
} ua_pde_spec;

void ua_pde_spec_free(void *spec);

/* Parses a problem file's text (untrusted: every field checked); who names it in messages.
 * UA_EFORMAT / UA_EPARSE / UA_EINVAL with a message, UA_ENOMEM. */
ua_status ua_pde_spec_parse(const char *text, size_t len, const char *who, ua_pde_spec **out);

/* The spec's output transform (a new object the caller frees), *T NULL when it has none. */
ua_status ua_pde_spec_transform(const ua_pde_spec *s, ua_pde_transform **T);

/* The solution (exact or reference) at x (n, d). */
ua_status ua_pde_solution(void *spec, const double *x, size_t n, double *y);

/* The residual at one point x (d,) given the jet of u there (jet (C,): value, d first
 * derivatives, the spec's pairs); dr (C,) receives dR/d(jet) when not NULL (central differences
 * of the expression in each jet variable it reads: exact for expressions of degree <= 2 in it). */
double ua_pde_residual(const ua_pde_spec *s, const double *x, const double *jet, double *dr);

/* A condition's value g at x (d,). */
double ua_pde_cond_value(const ua_pde_spec *s, const ua_pde_cond *c, const double *x);

/* ---- measure.c: errors on a uniform grid of the box (uniapprox/pde.h) ------------------- */

/* The default grid size of the fit's and check's measurement for d inputs. */
size_t ua_pde_grid_default(size_t d);
/* A uniform tensor grid of about npts points of s's box, endpoints exact: *x (n, d) malloc'd. */
ua_status ua_pde_grid(const ua_pde_spec *s, size_t npts, double **x, size_t *n);
/* u (n,) at x (n, d) of a model or a network (ctx). */
typedef ua_status (*ua_pde_predict_fn)(const void *ctx, const double *x, size_t n, double *u);
/* The errors of f against s's solution on the grid of npts points (0: the default); the model
 * box is recorded as s's. */
ua_status ua_pde_grid_errors(const ua_pde_spec *s, ua_pde_predict_fn f, const void *ctx,
                             size_t npts, ua_pde_errors *e);

/* ---- net.c ------------------------------------------------------------------------------- */

typedef enum { UA_PDE_TANH = 0, UA_PDE_SIN = 1 } ua_pde_act;
typedef enum { UA_PDE_NET_MLP = 0, UA_PDE_NET_FOURIER = 1, UA_PDE_NET_GAUSSIAN = 2 } ua_pde_arch;

/*
 * u(x) = MLP(features(z)), z = 2 (x - lo) / (hi - lo) - 1 in [-1, 1]^d. features: z itself
 * (mlp), [sin(2 pi B z), cos(2 pi B z)] with B (m, d) fixed (fourier: Tancik et al. 2020), or
 * phi_k = exp(-1/2 sum_i ((z_i - mu_ki) / s_ki)^2) with trainable centres mu (m, d) and widths
 * s = exp(rho) (m, d) (gaussian: PIG, Kang et al. 2024). The MLP has nlayers linear layers
 * (width[0] = the feature count .. width[nlayers] = 1) with act between them.
 * theta: [gaussian: mu (m, d), rho (m, d)], then per layer W (out, in) row-major and b (out,).
 */
typedef struct {
    size_t d;
    double lo[UA_PDE_MAX_DIM], hi[UA_PDE_MAX_DIM];
    ua_pde_act act;
    ua_pde_arch arch;
    size_t m;            /* features (fourier: m frequencies, 2m features; gaussian: m) */
    double *B;           /* fourier: (m, d), fixed */
    size_t nlayers;
    size_t width[UA_PDE_MAX_LAYERS + 2];
    size_t off_W[UA_PDE_MAX_LAYERS + 1], off_b[UA_PDE_MAX_LAYERS + 1];
    size_t nfeat_par;    /* gaussian: 2 m d parameters before the layers */
    size_t P;
    double *theta;       /* (P,) */
    ua_pde_transform *T; /* u = g + D N (owned), or NULL: u = N */
} ua_pde_net;

/* Allocates the layout for widths hidden[0..nh-1]; theta zeroed. */
ua_status ua_pde_net_init(ua_pde_net *net, size_t d, const double *lo, const double *hi,
                          ua_pde_act act, ua_pde_arch arch, size_t m, const size_t *hidden,
                          size_t nh);
/* Glorot-uniform weights, zero biases; fourier B ~ N(0, sigma^2); gaussian centres uniform in
 * [-1, 1]^d, widths sigma. */
void ua_pde_net_randomize(ua_pde_net *net, uint64_t seed, double sigma);
void ua_pde_net_free(ua_pde_net *net);

/* Jet layout: C = 1 + d + npairs channels; pair q is (pi[q], pj[q]), pi <= pj. */
typedef struct {
    size_t d, C, npairs;
    int pi[UA_PDE_MAX_PAIRS], pj[UA_PDE_MAX_PAIRS];
} ua_pde_jet;

/* The work space of a batch of n points: every layer's jets, kept for the backward pass. */
typedef struct {
    size_t n, cap;
    double **A, **Z;   /* A[l] (n, C, width[l]) l = 0..nlayers; Z[l] l = 1..nlayers */
    double **S;        /* S[l] (n, 3, width[l]): s', s'', s''' of layer l's activation, kept
                          by the forward pass for the backward one */
    double *F;         /* feature pre-activations (n, C, m) for fourier / gaussian */
    double *G1, *G2;   /* gradient buffers (n C max width) */
} ua_pde_work;

ua_status ua_pde_work_alloc(ua_pde_work *w, const ua_pde_net *net, const ua_pde_jet *jet,
                            size_t n);
void ua_pde_work_free(ua_pde_work *w);

/* Forward: the jets of u at x (n, d) into u (n, C). */
void ua_pde_net_forward(const ua_pde_net *net, const ua_pde_jet *jet, ua_pde_work *w,
                        const double *x, size_t n, double *u);
/* Backward after ua_pde_net_forward on the same batch: gtheta (P,) += d loss / d theta given
 * gu (n, C) = d loss / d u's jet. */
void ua_pde_net_backward(const ua_pde_net *net, const ua_pde_jet *jet, ua_pde_work *w,
                         const double *x, size_t n, const double *gu, double *gtheta);

/* The jets G, Dj (C,) of T's g and D at x (d,), exact (Taylor mode over the expressions). */
void ua_pde_transform_jets(const ua_pde_transform *T, const ua_pde_jet *J, const double *x,
                           double *G, double *Dj);
/* u (n, C): the jets of N on entry, of g + D N on return, at x (n, d). */
void ua_pde_transform_forward(const ua_pde_transform *T, const ua_pde_jet *J, const double *x,
                              size_t n, double *u);
/* gN (n, C) = d loss / d N's jet from gu (n, C) = d loss / d u's jet (the adjoint). */
void ua_pde_transform_backward(const ua_pde_transform *T, const ua_pde_jet *J, const double *x,
                               size_t n, const double *gu, double *gN);
/* C statements computing g (which 0) or D (1) of the inputs in[] into var, in type Tname with
 * libm suffix f; constants written by emit_const(ctx, v). */
void ua_pde_transform_emit(const ua_pde_transform *T, int which, FILE *out, const char *Tname,
                           const char *f, const char *var, const char *in,
                           void (*emit_const)(const void *ctx, double v), const void *ctx);

/* u (n,) at x (n, d): the value only (predict), through the transform when there is one. */
ua_status ua_pde_net_predict(const ua_pde_net *net, const double *x, size_t n, double *u);

/* ---- transform.c: hard constraints, u = g + D N (DeepXDE's output transform) ------------ */

/* g and D: expressions of the inputs (the first d of their variables) and of parameters whose
 * values are fixed here (vals[d..nvars-1]). */
typedef struct ua_pde_transform {
    size_t d, nvars;
    ua_target *g, *D;
    char *vars;                                   /* the variables' names joined by commas */
    double vals[UA_PDE_MAX_DIM + UA_PDE_MAX_PARAMS]; /* the parameters' values from index d */
} ua_pde_transform;

/* Parses g and D over vars (nvars names: d inputs, then parameters of values params (nvars - d,))
 * and checks that the jets can differentiate them (elementary functions and pow only; no gamma,
 * Bessel, atan2, min, max, hypot). UA_EPARSE / UA_EFORMAT with a message, UA_ENOMEM. */
ua_status ua_pde_transform_new(const char *g, const char *D, const char *const *vars,
                               size_t nvars, size_t d, const double *params,
                               ua_pde_transform **out);
void ua_pde_transform_free(ua_pde_transform *T);
/* The text of g (which 0) or D (1). */
const char *ua_pde_transform_text(const ua_pde_transform *T, int which);
/* g and D at x (d,). */
void ua_pde_transform_values(const ua_pde_transform *T, const double *x, double *g, double *D);

/* ---- the model ----------------------------------------------------------------------------- */

typedef ua_pde_net ua_pde_model;

/* The vtable's fit (train.c) and export_c (export.c), src/model/family.h. */
ua_status ua_pde_fit(const ua_problem *p, const ua_options *o, const ua_fit_hooks *hooks,
                     ua_model *meta, void **state);
ua_status ua_pde_export_c(const void *state, ua_export_type type, const char *name, FILE *out);

/* Learning-rate decays of the Adam phase (option "decay"; the order of its choices). */
typedef enum {
    UA_PDE_DECAY_NONE = 0,
    UA_PDE_DECAY_INVERSE_TIME = 1,
    UA_PDE_DECAY_EXPONENTIAL = 2,
    UA_PDE_DECAY_STEP = 3,
    UA_PDE_DECAY_COSINE = 4
} ua_pde_decay;

/* The learning rate of Adam step t (0-based: step t + 1 uses it) for the base rate lr:
 *   none          lr
 *   inverse-time  lr / (1 + rate t / steps)                      (DeepXDE "inverse time",
 *                                                                 TensorFlow InverseTimeDecay)
 *   exponential   lr rate^(t / steps)                            (TensorFlow ExponentialDecay;
 *                                                                 PyTorch ExponentialLR: steps 1)
 *   step          lr rate^floor(t / steps)                       (PyTorch StepLR, gamma = rate)
 *   cosine        lr (rate + (1 - rate) (1 + cos(pi min(t, steps) / steps)) / 2)
 *                                                                (TensorFlow CosineDecay, alpha =
 *                                                                 rate; Loshchilov & Hutter 2017)
 * steps >= 1; the caller checks rate's range (docs/pde.md). */
double ua_pde_decay_lr(ua_pde_decay kind, double lr, size_t steps, double rate, size_t t);

#define UA_PDE_NOPTIONS 26
extern const ua_option_spec ua_pde_option_spec[UA_PDE_NOPTIONS];

#endif /* UA_PDE_INTERNAL_H */
