/*
 * The mlp family's influence hook (src/model/family.h): an influence function (Koh & Liang 2017,
 * "Understanding Black-box Predictions via Influence Functions"; Grosse et al. 2023, "Studying
 * Large Language Model Generalization with Influence Functions", for the damped Gauss-Newton
 * form). The training loss is the mean of (f_i - y_i)^2 over the n rows (standardised units)
 * plus the L2 weight decay wd |theta|^2 / 2 (Adam, SGD); removing row i moves the minimiser by
 * one Newton step, and with the Gauss-Newton matrix G = sum_j J_j J_j^T + mu I in place of the
 * Hessian
 *     f(x) - f_{-i}(x) ~= J(x)^T G^-1 J_i (y_i - f_i) / (1 - h_i),   h_i = J_i^T G^-1 J_i,
 * the exact leave-one-out of the network linearised at its weights: the leverage factor
 * 1 / (1 - h_i) is what the Sherman-Morrison update of G without row i adds to Koh & Liang's
 * first-order term (it makes the result exact for a network without hidden layers, up to the
 * damping). With more parameters than rows the linearised network nearly interpolates, h_i
 * tends to 1 and the factor would explode where early-stopped training does not: there only the
 * first-order term is used. J_j = d f(x_j) / d theta (P,); mu = n wd / 2 plus a damping of 0.1
 * times the mean eigenvalue (trace / P) of sum_j J_j J_j^T, Grosse et al.'s choice (the GN
 * matrix of a network is singular: P may exceed n, and ReLU units can be
 * dead on every row). The inverse is exact (Cholesky) when min(n, P) <= 5000: on the P x P matrix,
 * or through the n x n matrix J J^T + mu I by the push-through identity
 * (J^T J + mu I)^-1 J^T = J^T (J J^T + mu I)^-1 when n < P. Beyond, the GN matrix is replaced by
 * its diagonal (a cheap stand-in for EK-FAC, which this file does not implement). The result is
 * an approximation of retraining: *exact = 0 (tests/test_influence.c measures the rank
 * correlation with actual retraining).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <cblas.h>
#include <lapacke.h>
#include "core/internal.h"
#include "model/family.h"
#include "internal.h"
#include "influence.h"

#define UA_MLP_INFL_EXACT_MAX 5000

/* J (P,) := d output / d params at the standardised row z (d,); *f the output (network units) */
static void row_jacobian(const ua_mlp *m, ua_mlp_work *w, void *gt, const double *z, double *J,
                         double *f)
{
    double ydummy = 0;
    m->ops->load(m, w, z, &ydummy, NULL, 1);
    m->ops->forward(m, m->params, w, 1);
    m->ops->outputs(m, w, 1, f);
    if (m->esize == 4) ((float *)w->out)[0] = 1.0f;
    else ((double *)w->out)[0] = 1.0;
    memset(gt, 0, m->nparams * m->esize);
    m->ops->backward(m, m->params, w, 1, gt);
    m->ops->to_double(gt, J, m->nparams);
}

ua_status ua_mlp_influence(const void *state, const double *X, const double *y, size_t n,
                           size_t d, const double *x, double *infl, int *exact)
{
    return ua_mlp_influence_limit(state, X, y, n, d, x, infl, exact, UA_MLP_INFL_EXACT_MAX);
}

ua_status ua_mlp_influence_limit(const void *state, const double *X, const double *y, size_t n,
                                 size_t d, const double *x, double *infl, int *exact,
                                 size_t exact_max)
{
    const ua_mlp *m = state;
    ua_status es = ua_mlp_single_only(m, "influence");
    if (es) return es;
    if (m->opt.task == UA_TASK_GAUSSIAN)
        return UA_ERR(UA_EUNSUPPORTED, "a network with a variance head (--task gaussian) is not "
                      "supported (its loss is not the squared error)");
    if (m->opt.task == UA_TASK_CLASSIFY)
        return UA_ERR(UA_EUNSUPPORTED, "an mlp classifier is not supported (only "
                      "regression models of one output)");
    if (m->k != 1 || m->dout != 1)
        return UA_ERR(UA_EUNSUPPORTED, "the model has %zu outputs (one is needed)", m->k);
    if (d != m->d) return UA_ERR(UA_EINVAL, "the data has %zu input%s, the model %zu", d,
                                 d == 1 ? "" : "s", m->d);
    size_t P = m->nparams, small = n < P ? n : P;
    int dense = small <= exact_max && (double)n * (double)P * 8.0 <= 0.25 * ua_phys_memory();
    ua_mlp_work w;
    ua_status st = m->ops->work_alloc(m, 1, &w);
    if (st) return st;
    void *gt = ua_calloc(P, m->esize);
    double *z = malloc(d * sizeof *z), *Jx = malloc(P * sizeof *Jx), *r = malloc(n * sizeof *r);
    double *J = dense ? malloc(n * P * sizeof *J) : malloc(P * sizeof *J);
    double *diag = ua_calloc(P, sizeof *diag), *G = NULL;
    if (!gt || !z || !Jx || !r || !J || !diag) st = UA_ENOMEM_ERR(dense ? n * P * 8 : P * 8);
    const double ys = m->ys.scale ? m->ys.scale[0] : 1, ym = m->ys.mean ? m->ys.mean[0] : 0;
    double fx = 0;
    /* pass 1: the rows' Jacobians (kept when dense), residuals and the GN diagonal */
    for (size_t i = 0; !st && i < n; i++) {
        memcpy(z, X + i * d, d * sizeof *z);
        if (m->xs.mean) ua_scaler_apply(&m->xs, z, 1);
        double *Ji = dense ? J + i * P : J, fi;
        row_jacobian(m, &w, gt, z, Ji, &fi);
        r[i] = (y[i] - ym) / ys - fi;
        for (size_t j = 0; j < P; j++) diag[j] += Ji[j] * Ji[j];
    }
    if (!st) {
        memcpy(z, x, d * sizeof *z);
        if (m->xs.mean) ua_scaler_apply(&m->xs, z, 1);
        row_jacobian(m, &w, gt, z, Jx, &fx);
        double tr = 0;
        for (size_t j = 0; j < P; j++) tr += diag[j];
        /* L2 weight decay enters the loss of Adam and SGD (L-BFGS fits the plain loss) */
        double wd = m->opt.optim == UA_OPTIM_LBFGS ? 0.0 : m->opt.weight_decay;
        double mu = 0.1 * tr / (double)P + (double)n * wd / 2;
        if (!(mu > 0)) mu = 1e-12;
        if (!dense) {
            /* diagonal GN: infl_i = sum_j Jx_j J_ij / (diag_j + mu) r_i; a second pass */
            for (size_t j = 0; j < P; j++) Jx[j] /= diag[j] + mu;
            for (size_t i = 0; !st && i < n; i++) {
                memcpy(z, X + i * d, d * sizeof *z);
                if (m->xs.mean) ua_scaler_apply(&m->xs, z, 1);
                double fi;
                row_jacobian(m, &w, gt, z, J, &fi);
                double h = 0;
                for (size_t j = 0; P < n && j < P; j++) h += J[j] * J[j] / (diag[j] + mu);
                infl[i] = cblas_ddot((int)P, J, 1, Jx, 1) * r[i] / (1 - (h < 0.99 ? h : 0.99)) * ys;
            }
        } else if (P <= n) {
            /* G = J^T J + mu I = L L^T; u = G^-1 Jx; h_i = |L^-1 J_i|^2; infl_i = J_i . u r_i / (1 - h_i) */
            if (!(G = malloc((P * P + P) * sizeof *G))) st = UA_ENOMEM_ERR((P * P + P) * sizeof *G);
            if (!st) {
                cblas_dsyrk(CblasRowMajor, CblasLower, CblasTrans, (int)P, (int)n, 1.0, J, (int)P,
                            0.0, G, (int)P);
                for (size_t j = 0; j < P; j++) G[j * P + j] += mu;
                lapack_int info = LAPACKE_dposv(LAPACK_ROW_MAJOR, 'L', (lapack_int)P, 1, G,
                                                (lapack_int)P, Jx, 1);
                if (info) st = UA_ERR(UA_EDOMAIN, "the damped Gauss-Newton matrix is not "
                                      "positive definite (LAPACK info %d)", (int)info);
            }
            double *v = G + P * P;
            for (size_t i = 0; !st && i < n; i++) {
                memcpy(v, J + i * P, P * sizeof *v);
                cblas_dtrsv(CblasRowMajor, CblasLower, CblasNoTrans, CblasNonUnit, (int)P, G,
                            (int)P, v, 1);
                double h = cblas_ddot((int)P, v, 1, v, 1);
                infl[i] = cblas_ddot((int)P, J + i * P, 1, Jx, 1) * r[i] / (1 - h) * ys;
            }
        } else {
            /* push-through: with K = J J^T + mu I, J_i^T G^-1 Jx = [K^-1 J Jx]_i and
             * h_i = J_i^T G^-1 J_i = [J J^T K^-1]_ii = 1 - mu [K^-1]_ii */
            if (!(G = malloc(n * n * sizeof *G))) st = UA_ENOMEM_ERR(n * n * sizeof *G);
            if (!st) {
                cblas_dsyrk(CblasRowMajor, CblasLower, CblasNoTrans, (int)n, (int)P, 1.0, J, (int)P,
                            0.0, G, (int)n);
                for (size_t i = 0; i < n; i++) G[i * n + i] += mu;
                cblas_dgemv(CblasRowMajor, CblasNoTrans, (int)n, (int)P, 1.0, J, (int)P, Jx, 1, 0.0,
                            infl, 1);
                lapack_int info = LAPACKE_dpotrf(LAPACK_ROW_MAJOR, 'L', (lapack_int)n, G, (lapack_int)n);
                if (!info) info = LAPACKE_dpotrs(LAPACK_ROW_MAJOR, 'L', (lapack_int)n, 1, G,
                                                 (lapack_int)n, infl, 1);
                if (!info) info = LAPACKE_dpotri(LAPACK_ROW_MAJOR, 'L', (lapack_int)n, G, (lapack_int)n);
                if (info) st = UA_ERR(UA_EDOMAIN, "the damped Gauss-Newton matrix is not "
                                      "positive definite (LAPACK info %d)", (int)info);
            }
            /* more parameters than rows: the linearised network (nearly) interpolates, h_i -> 1
             * and the leverage factor would blow up what early-stopped training never does: the
             * first-order term alone (Koh & Liang) */
            for (size_t i = 0; !st && i < n; i++) infl[i] *= r[i] * ys;
        }
        if (!st && exact) *exact = 0;
    }
    m->ops->work_free(&w);
    free(gt);
    free(z);
    free(Jx);
    free(r);
    free(J);
    free(diag);
    free(G);
    return st;
}
