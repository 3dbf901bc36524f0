/*
 * uniapprox/explain.h — explanations and influence for a fitted model of any family
 * (docs/explain.md).
 *
 * Attributions say how much each input of x moved the prediction away from a baseline x0. They
 * use only the public model API (ua_model_predict, and ua_model_gradient where the family has an
 * analytic gradient; central finite differences otherwise), so they work for every family and
 * every dimension, 1-D models included. The methods and their options are named as captum, shap
 * and lime name them:
 *   - Integrated Gradients (Sundararajan, Taly & Yan 2017; captum IntegratedGradients):
 *     attr_i = (x_i - x0_i) * integral_0^1 df/dx_i(x0 + a (x - x0)) da, by Gauss-Legendre or a
 *     Riemann rule of n_steps nodes. Completeness: sum attr = f(x) - f(x0) up to the quadrature
 *     error, which is reported.
 *   - SmoothGrad (Smilkov et al. 2017; captum NoiseTunnel nt_type="smoothgrad"): the gradient
 *     averaged over nt_samples points x + N(0, stdevs^2), times (x - x0) (so that it is an
 *     attribution in units of y).
 *   - gradient x input (Shrikumar et al. 2016): grad f(x) * (x - x0).
 *   - KernelSHAP (Lundberg & Lee 2017; captum KernelShap with one baseline): the Shapley values of
 *     the game v(S) = f(x on S, x0 elsewhere). Exact by enumeration of all 2^d coalitions when
 *     d <= exact_max_dim (12 by default); beyond, n_samples coalitions drawn from the Shapley
 *     kernel (paired with their complements) and the kernel's weighted least squares solved with
 *     the efficiency constraint sum attr = f(x) - f(x0) enforced exactly.
 *   - LIME (Ribeiro, Singh & Guestrin 2016): n_samples random coalitions z in {0,1}^d (captum
 *     Lime's interpretable representation: input i is x_i where z_i = 1, x0_i where 0), weighted
 *     by lime's kernel sqrt(exp(-D^2 / kernel_width^2)) with D the Euclidean distance of z from
 *     all ones, and a weighted ridge regression with intercept (alpha, lime's Ridge(alpha=1));
 *     attr_i is the coefficient of z_i: the prediction change of switching input i from x0_i to
 *     x_i in the local linear surrogate. Its weighted R^2 (lime's "score") is reported.
 *
 * Influence (ua_model_influence): which training rows move a prediction most, from the family's
 * own closed form (src/model/family.h, the influence hook).
 */
#ifndef UNIAPPROX_EXPLAIN_H
#define UNIAPPROX_EXPLAIN_H

#include <stddef.h>
#include <stdint.h>
#include "uniapprox/model.h"
#include "uniapprox/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    UA_EXPLAIN_IG = 0,           /* "ig" */
    UA_EXPLAIN_SMOOTHGRAD = 1,   /* "smoothgrad" */
    UA_EXPLAIN_GRAD_X_INPUT = 2, /* "grad_x_input" */
    UA_EXPLAIN_KERNELSHAP = 3,   /* "kernelshap" */
    UA_EXPLAIN_LIME = 4          /* "lime" */
} ua_explain_method;
#define UA_EXPLAIN_NMETHODS 5

/* Integrated Gradients' quadrature rules, captum's names: "gausslegendre", "riemann_left",
 * "riemann_right", "riemann_middle", "riemann_trapezoid". */
typedef enum {
    UA_IG_GAUSS_LEGENDRE = 0,
    UA_IG_RIEMANN_LEFT = 1,
    UA_IG_RIEMANN_RIGHT = 2,
    UA_IG_RIEMANN_MIDDLE = 3,
    UA_IG_RIEMANN_TRAPEZOID = 4
} ua_ig_method;

typedef struct {
    size_t target;          /* captum "target": the output explained (0 for one-output models) */
    /* Integrated Gradients */
    ua_ig_method method;    /* default gausslegendre (captum's default) */
    size_t n_steps;         /* quadrature nodes, default 50 (captum) */
    /* SmoothGrad */
    size_t nt_samples;      /* noisy samples, default 50 (Smilkov et al.'s choice; captum: 5) */
    double stdevs;          /* noise standard deviation in input units; 0 (default): 15% of each
                               input's box width (Smilkov et al.), 1 for a model without a box */
    /* KernelSHAP and LIME */
    size_t exact_max_dim;   /* KernelSHAP: enumerate every coalition up to this d (default 12,
                               at most 20) */
    size_t n_samples;       /* KernelSHAP beyond exact_max_dim: coalitions (0: shap's "auto",
                               2 d + 2048); LIME: perturbations (0: lime's 5000) */
    double kernel_width;    /* LIME kernel width (0: lime's 0.75 sqrt(d)) */
    double alpha;           /* LIME ridge penalty (default 1, lime's Ridge(alpha=1)) */
    uint64_t seed;          /* SmoothGrad noise, sampled coalitions (default 0) */
    /* gradients */
    int finite_differences; /* 1: central differences even where the family has an analytic
                               gradient (default 0) */
} ua_explain_options;

/* What an explanation measured beside the attributions. */
typedef struct {
    double fx, fbase;       /* f(x) and f(x0) of the explained output */
    double completeness;    /* sum attr - (f(x) - f(x0)): IG's quadrature error, rounding for
                               KernelSHAP, the surrogate's gap for LIME; NaN for SmoothGrad and
                               gradient x input (which claim no completeness) */
    size_t evals;           /* points predicted (a gradient counts as one point when analytic,
                               2 d points by finite differences) */
    int analytic_gradient;  /* the gradients came from the family (1) or differences (0) */
    int exact;              /* KernelSHAP: by enumeration (1) or sampled (0) */
    double score;           /* LIME: weighted R^2 of the surrogate; NaN otherwise */
    double intercept;       /* LIME: the surrogate's intercept (its f at z = 0); NaN otherwise */
} ua_explain_info;

/* Fills *o with the defaults listed in ua_explain_options. */
void ua_explain_options_default(ua_explain_options *o);

/* Names <-> values ("ig", ...; "gausslegendre", ...). UA_ENOTFOUND (the message lists the names). */
ua_status ua_explain_method_parse(const char *name, ua_explain_method *m);
const char *ua_explain_method_name(ua_explain_method m);
ua_status ua_ig_method_parse(const char *name, ua_ig_method *m);
const char *ua_ig_method_name(ua_ig_method m);

/*
 * Attributions attr (din,) of the model's output o->target at x (din,) against the baseline
 * x0 (din,; NULL: all zeros), by method (see the top of this header), in units of y. info (may be
 * NULL) receives f(x), f(x0), the completeness gap and what was used. o NULL: the defaults.
 * A model with a box (or a 1-D interval) gives NaN outside it: x and x0 must lie in it, and noisy
 * SmoothGrad points and finite-difference steps are kept inside it (clamped).
 * Errors: UA_EINVAL (NULL arrays, NaN/Inf in x or x0, x or x0 outside the model's box, target
 * not an output, n_steps 0, exact_max_dim > 20, a sequence or graph model), UA_EDOMAIN (a
 * prediction is not finite), UA_ENOMEM, the model's errors.
 * Cost: IG n_steps gradients; SmoothGrad nt_samples gradients; KernelSHAP 2^d predictions
 * (exact) or n_samples + 2; LIME n_samples + 1.
 */
ua_status ua_explain(const ua_model *m, ua_explain_method method, const double *x,
                     const double *x0, const ua_explain_options *o, double *attr,
                     ua_explain_info *info);

/*
 * Global importance: imp (din,) = the mean over the n rows of X (n, din) of |attr_i| of method
 * against x0 (NULL: zeros); rows outside a box model's box are refused. Errors: those of
 * ua_explain (the message names the row), UA_EINVAL for n == 0.
 */
ua_status ua_explain_global(const ua_model *m, ua_explain_method method, const double *X,
                            size_t n, const double *x0, const ua_explain_options *o, double *imp);

/*
 * Influence of each training row on the prediction at x (din,): infl (n,) with
 * infl[i] = f(x) - f_{-i}(x), the prediction of the model as fitted minus that of the model fitted
 * without row i (hyperparameters and the scalers kept), in target units: positive when row i
 * pulls the prediction up. X (n, din) and y (n,) are the training rows the model was fitted on, in
 * the same order. Exact (the closed-form leave-one-out of ridge) for the kernel family (exact fit,
 * not Nystrom) and the rf family; for mlp a damped Gauss-Newton Newton step with the leverage
 * correction, the exact inverse when min(n, P) <= 5000 and EK-FAC beyond (docs/explain.md;
 * *exact is set to 0). exact may be NULL.
 * Errors: UA_EUNSUPPORTED (a family without the influence hook, or a model it cannot handle: a
 * classifier, several outputs, Nystrom; a distilled model — metadata "distilled_from" —, whose
 * training rows were drawn distillation points held in no file), UA_EINVAL (NULL arrays, n == 0, non-finite values, rows
 * that are not the model's training rows — their count or, where the model keeps them, their
 * values), UA_ENOMEM.
 */
ua_status ua_model_influence(const ua_model *m, const double *X, const double *y, size_t n,
                             const double *x, double *infl, int *exact);

/*
 * As ua_model_influence, with the method named: NULL or "auto" (the family's choice, as
 * ua_model_influence); a family with one method (kernel, rf: the exact closed form) also takes
 * "exact"; mlp takes "gauss-newton" (the exact damped Gauss-Newton inverse: Cholesky of a
 * min(n, P) x min(n, P) matrix), "ekfac" (its eigenvalue-corrected Kronecker-factored
 * approximation, Grosse et al. 2023, "Studying Large Language Model Generalization with Influence
 * Functions"; the first-order term, without the exact inverse's leverage factor; memory
 * O(sum over layers of width^2), not O(n P)) and "diagonal" (its diagonal);
 * "auto" is gauss-newton when min(n, P) <= 5000, else ekfac. *used (may be NULL) receives a
 * static description of the method used (for output). Errors: those of ua_model_influence;
 * UA_EINVAL for a method the family does not have (the message lists its methods); UA_ENOMEM
 * where gauss-newton would need more than a quarter of the machine's memory.
 */
ua_status ua_model_influence_method(const ua_model *m, const double *X, const double *y, size_t n,
                                    const double *x, const char *method, double *infl,
                                    int *exact, const char **used);

#ifdef __cplusplus
}
#endif

#endif /* UNIAPPROX_EXPLAIN_H */
