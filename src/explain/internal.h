/*
 * src/explain/internal.h — what the files of the explanation layer share (not installed): a
 * model seen as one scalar output of din inputs, evaluated in batches and differentiated
 * (analytic through ua_model_gradient where the family has it, central differences otherwise),
 * with the model's box kept in view so that no point leaves it.
 */
#ifndef UA_EXPLAIN_INTERNAL_H
#define UA_EXPLAIN_INTERNAL_H

#include <stddef.h>
#include "uniapprox/explain.h"
#include "core/internal.h"

typedef struct {
    const ua_model *m;
    size_t d, dout, target;
    const double *lo, *hi;  /* (d,) the box, or NULL without one */
    double lo1, hi1;        /* storage for a 1-D model's interval */
    int analytic;           /* ua_model_gradient works for this model (and is wanted) */
    double eps;             /* the unit roundoff of the model's arithmetic: FLT_EPSILON for a
                               float32 model (its description says "dtype": "f32"), else
                               DBL_EPSILON; sets the finite-difference step */
    size_t evals;           /* points predicted so far */
} ua_xmodel;

/* Sets up x for model m and output target; force_fd: differences even where analytic exists.
 * UA_EINVAL for a sequence or graph model, or target >= dout. */
ua_status ua_xmodel_init(ua_xmodel *x, const ua_model *m, size_t target, int force_fd);

/* f (n,) := the target output at X (n, d); UA_EDOMAIN when one is not finite. */
ua_status ua_xmodel_eval(ua_xmodel *x, const double *X, size_t n, double *f);

/* G (n, d) := the gradient of the target output at X (n, d). */
ua_status ua_xmodel_grad(ua_xmodel *x, const double *X, size_t n, double *G);

/* UA_EINVAL naming what ("x", "baseline", "row 3") when p (d,) is not finite or outside the box. */
ua_status ua_xmodel_check_point(const ua_xmodel *x, const double *p, const char *what);

/* Clamps p (d,) into the box (no-op without one). */
void ua_xmodel_clamp(const ua_xmodel *x, double *p);

/* Solves the symmetric positive definite system A (n, n) a = b in place (b overwritten by a);
 * UA_EDOMAIN when A is not positive definite (LAPACK dposv). */
ua_status ua_xsolve_spd(double *A, double *b, size_t n);

/* The methods (ig.c, shap.c, lime.c); x, x0 checked, info filled except fx, fbase, evals. */
ua_status ua_explain_ig(ua_xmodel *xm, const double *x, const double *x0,
                        const ua_explain_options *o, double *attr, ua_explain_info *info);
ua_status ua_explain_smoothgrad(ua_xmodel *xm, const double *x, const double *x0,
                                const ua_explain_options *o, double *attr, ua_explain_info *info);
ua_status ua_explain_gxi(ua_xmodel *xm, const double *x, const double *x0,
                         const ua_explain_options *o, double *attr, ua_explain_info *info);
ua_status ua_explain_kernelshap(ua_xmodel *xm, const double *x, const double *x0,
                                const ua_explain_options *o, double *attr, ua_explain_info *info);
ua_status ua_explain_lime(ua_xmodel *xm, const double *x, const double *x0,
                          const ua_explain_options *o, double *attr, ua_explain_info *info);

/* Gauss-Legendre nodes t (n,) and weights w (n,) on [0, 1] (Newton on P_n from Chebyshev-like
 * guesses; nodes to about 1e-15). */
void ua_gauss_legendre01(size_t n, double *t, double *w);

#endif /* UA_EXPLAIN_INTERNAL_H */
