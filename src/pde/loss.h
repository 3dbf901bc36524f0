/*
 * src/pde/loss.h — the training points and the loss of the pde family (loss.c).
 */
#ifndef UA_PDE_LOSS_H
#define UA_PDE_LOSS_H

#include "internal.h"

/* The training batch: nint interior points, then each condition's points in order (periodic:
 * pairs, the lo face then the hi face). x (n, d); cond (n,) -1 interior, else the condition;
 * g (n,) the condition's value. */
typedef struct {
    size_t n, nint;
    double *x;
    int *cond;
    double *g;
    size_t count[UA_PDE_MAX_CONDS], start[UA_PDE_MAX_CONDS];
} ua_pde_points;

/* Uniform random points (seeded): nint interior, nbnd per boundary condition, ninit per initial
 * condition; none for the Dirichlet and initial conditions when hard (the output transform
 * enforces them). UA_EDOMAIN when a condition's value is not finite, UA_ENOMEM. */
ua_status ua_pde_points_make(const ua_pde_spec *s, size_t nint, size_t nbnd, size_t ninit,
                             int hard, uint64_t seed, ua_pde_points *pt);
void ua_pde_points_free(ua_pde_points *pt);

typedef struct {
    const ua_pde_spec *s;
    ua_pde_net *net;
    ua_pde_points *pt;
    ua_pde_jet jet;
    ua_pde_work w;
    double *u, *gu, *r;     /* (n, C), (n, C), (n,): the last evaluation's jets and residuals */
    double w_pde, w_bc;
    double last_pde, last_bc;
    /* causal training (Wang, Sankaran & Perdikaris 2022), on when causal_eps > 0 and the problem
     * has time: the interior points binned into causal_slices equal slices of the time interval,
     * slice i's mean square residual L_i weighted by w_i = exp(-eps sum_{k<i} L_k) (the weights
     * held constant in the gradient), the residual term w_pde (1/M) sum_i w_i L_i */
    double causal_eps;
    size_t causal_slices;
    double *slice_loss, *slice_w; /* (causal_slices,): the last evaluation's L_i and w_i */
    size_t *slice_n;              /* (causal_slices,): interior points per slice */
    double causal_min_w;          /* the last evaluation's smallest w_i (1 when off) */
} ua_pde_loss;

/* The causal weights of Wang, Sankaran & Perdikaris (2022): w (M,) with w_0 = 1 and
 * w_i = exp(-eps sum_{k<i} L[k]), L (M,) the slices' mean square residuals in time order,
 * eps >= 0. */
void ua_pde_causal_weights(const double *L, size_t M, double eps, double *w);

/* Turns causal training on (eps > 0, slices >= 1) or off (eps = 0) for the following
 * evaluations; a problem without time ignores it. UA_ENOMEM. */
ua_status ua_pde_loss_set_causal(ua_pde_loss *L, double eps, size_t slices);

ua_status ua_pde_loss_init(ua_pde_loss *L, const ua_pde_spec *s, ua_pde_net *net,
                           ua_pde_points *pt, double w_pde, double w_bc);
void ua_pde_loss_free(ua_pde_loss *L);

/* The loss at theta (P,), and its gradient into g (P,) when g is not NULL. */
double ua_pde_loss_eval(ua_pde_loss *L, const double *theta, double *g);

/* ua_train_fg adapter (ctx: the ua_pde_loss). */
double ua_pde_loss_fg(const double *p, double *g, void *ctx);

#endif /* UA_PDE_LOSS_H */
