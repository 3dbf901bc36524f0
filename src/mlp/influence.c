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
 * (J^T J + mu I)^-1 J^T = J^T (J J^T + mu I)^-1 when n < P. Beyond, G is replaced by its EK-FAC
 * approximation (ekfac_influence below; Grosse et al. 2023, section 2.2.3, after George et al.
 * 2018, "Fast Approximate Natural Gradient Descent in a Kronecker-factored Eigenbasis"), or on
 * request by its diagonal. The result is an approximation of retraining: *exact = 0
 * (tests/test_influence.c measures the rank correlation with actual retraining, and EK-FAC
 * against the exact inverse and against a PyTorch computation).
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

/* g (out,) := the gradient of the output at the pre-activations of dense layer l and
 * ab (in + 1,) := [mult_l a, 1], a the layer's input, after row_jacobian: with one row the layer's
 * block of J is g ab^T (its weight part mult g a^T row-major (out, in), its bias part g). */
static void layer_vectors(const ua_mlp *m, const ua_mlp_work *w, const double *J, size_t l,
                          double *g, double *ab)
{
    size_t in = m->width[l], out = m->width[l + 1];
    memcpy(g, J + m->off_b[l], out * sizeof *g);
    m->ops->to_double(l ? w->h[l - 1] : w->xb, ab, in);
    for (size_t j = 0; j < in; j++) ab[j] *= m->mult[l];
    ab[in] = 1;
}

/* The standardised row x (d,) into z and its Jacobian into J, output into *f */
static void row_at(const ua_mlp *m, ua_mlp_work *w, void *gt, const double *x, size_t d,
                   double *z, double *J, double *f)
{
    memcpy(z, x, d * sizeof *z);
    if (m->xs.mean) ua_scaler_apply(&m->xs, z, 1);
    row_jacobian(m, w, gt, z, J, f);
}

/* The point x (d,) before any solve: predict must accept it (an input that fits the network's
 * dtype, no overflow in any layer), and the output and its gradient with respect to the
 * parameters there must be finite. UA_EDOMAIN naming the point otherwise; UA_ENOMEM. */
static ua_status point_check(const ua_mlp *m, const double *x, size_t d)
{
    double f = NAN;
    ua_status st = ua_mlp_predict_one(m, x, 1, &f);
    if (st) return st;
    ua_mlp_work w;
    if ((st = m->ops->work_alloc(m, 1, &w))) return st;
    void *gt = ua_calloc(m->nparams, m->esize);
    double *J = malloc(m->nparams * sizeof *J), *z = malloc((d ? d : 1) * sizeof *z);
    if (!gt || !J || !z) st = UA_ENOMEM_ERR(m->nparams * (8 + m->esize));
    if (!st) {
        row_at(m, &w, gt, x, d, z, J, &f);
        size_t bad = ua_first_nonfinite(J, m->nparams);
        if (!isfinite(f) || bad < m->nparams)
            st = UA_ERR(UA_EDOMAIN, "influence at the point x (x1 = %.9g%s): the network's %s is "
                        "not finite there (it overflows: the point's magnitude is too large)",
                        x[0], d > 1 ? ", ..." : "", isfinite(f) ? "gradient with respect to "
                        "its parameters" : "output");
    }
    m->ops->work_free(&w);
    free(gt);
    free(J);
    free(z);
    return st;
}

/* The training row i's output f and Jacobian J (P,) must be finite. */
static ua_status row_check(const ua_mlp *m, size_t i, double f, const double *J)
{
    if (isfinite(f) && ua_first_nonfinite(J, m->nparams) == m->nparams) return UA_OK;
    return UA_ERR(UA_EDOMAIN, "training row %zu: the network's %s is not finite there (it "
                  "overflows: the row's magnitude is too large)", i + 1,
                  isfinite(f) ? "gradient with respect to its parameters" : "output");
}

/*
 * EK-FAC (Grosse et al. 2023, section 2.2.3; George et al. 2018): G is taken block-diagonal over
 * the dense layers, the block of layer l (its weights and bias, sum_i (ab_i ab_i^T) x (g_i g_i^T)
 * exactly) is rotated into the eigenbasis Q_A x Q_S of K-FAC's factors A_l = sum_i ab_i ab_i^T and
 * S_l = sum_i g_i g_i^T, and its diagonal there is kept exactly:
 *     Lambda_kj = sum_i ((Q_S^T g_i)_k (Q_A^T ab_i)_j)^2,
 * so G_l^-1 v = Q (Lambda + mu)^-1 Q^T v. Parameters outside the dense layers (PolyCom
 * coefficients, EvoNorm's) are given the diagonal of G. mu is the exact inverse's (the file's
 * comment); the influence is the first-order term, without the leverage factor. For a network
 * without hidden layers and one output, g_i = 1, Q_A diagonalises A = sum_i ab_i ab_i^T = G and
 * Lambda is its spectrum: EK-FAC equals the exact inverse's first-order term (tests/test_influence.c,
 * with n < P). Three passes over the rows (factors; Lambda; influence), each
 * one forward and backward per row; memory O(sum_l (in_l + 1)^2 + out_l^2 + P), not O(n P).
 */
static ua_status ekfac_influence(const ua_mlp *m, const double *X, const double *y, size_t n,
                                 size_t d, const double *x, double *infl)
{
    size_t P = m->nparams, L = m->L, maxo = 1, maxa = 1, fac = 0;
    for (size_t l = 0; l < L; l++) {
        size_t ma = m->width[l] + 1, out = m->width[l + 1];
        if (ma > maxa) maxa = ma;
        if (out > maxo) maxo = out;
        fac += ma * ma + out * out + 2 * out * ma + ma + out;
    }
    double bytes = ((double)fac + 4.0 * (double)P + (double)n + 3.0 * (double)(maxo + maxa)) * 8.0;
    if (bytes > 0.25 * ua_phys_memory())
        return UA_ERR(UA_ENOMEM, "EK-FAC's factors need %.3g GB, more than a quarter of this "
                      "machine's memory: use the diagonal method", bytes * 1e-9);
    ua_mlp_work w;
    ua_status st = m->ops->work_alloc(m, 1, &w);
    if (st) return st;
    void *gt = ua_calloc(P, m->esize);
    double *buf = ua_calloc(fac, sizeof *buf), *J = malloc(P * sizeof *J);
    double *Jx = malloc(P * sizeof *Jx), *diag = ua_calloc(P, sizeof *diag);
    double *r = malloc(n * sizeof *r), *z = malloc((d ? d : 1) * sizeof *z);
    double *g = malloc(maxo * sizeof *g), *ab = malloc(maxa * sizeof *ab);
    double *gr = malloc(maxo * sizeof *gr), *ar = malloc(maxa * sizeof *ar);
    double *t = malloc(maxo * maxa * sizeof *t);
    char *dense = ua_calloc(P, 1);
    if (!gt || !buf || !J || !Jx || !diag || !r || !z || !g || !ab || !gr || !ar || !t || !dense)
        st = UA_ENOMEM_ERR((size_t)bytes);
    /* per layer in buf: A (ma, ma) -> Q_A, S (out, out) -> Q_S, Lambda (out, ma), U (out, ma),
     * eigenvalues of A (ma,) and S (out,) */
    double *QA[UA_MLP_MAX_LAYERS], *QS[UA_MLP_MAX_LAYERS], *Lam[UA_MLP_MAX_LAYERS];
    double *U[UA_MLP_MAX_LAYERS], *eA[UA_MLP_MAX_LAYERS], *eS[UA_MLP_MAX_LAYERS];
    for (size_t l = 0, o = 0; !st && l < L; l++) {
        size_t in = m->width[l], ma = in + 1, out = m->width[l + 1];
        QA[l] = buf + o, o += ma * ma;
        QS[l] = buf + o, o += out * out;
        Lam[l] = buf + o, o += out * ma;
        U[l] = buf + o, o += out * ma;
        eA[l] = buf + o, o += ma;
        eS[l] = buf + o, o += out;
        memset(dense + m->off_w[l], 1, out * in);
        memset(dense + m->off_b[l], 1, out);
    }
    const double ys = m->ys.scale ? m->ys.scale[0] : 1, ym = m->ys.mean ? m->ys.mean[0] : 0;
    double tr = 0, f;
    /* pass 1: residuals, the trace and diagonal of sum_i J_i J_i^T, K-FAC's factors */
    for (size_t i = 0; !st && i < n; i++) {
        row_at(m, &w, gt, X + i * d, d, z, J, &f);
        if ((st = row_check(m, i, f, J))) break;
        r[i] = (y[i] - ym) / ys - f;
        for (size_t j = 0; j < P; j++) {
            tr += J[j] * J[j];
            if (!dense[j]) diag[j] += J[j] * J[j];
        }
        for (size_t l = 0; l < L; l++) {
            size_t ma = m->width[l] + 1, out = m->width[l + 1];
            layer_vectors(m, &w, J, l, g, ab);
            cblas_dsyr(CblasRowMajor, CblasUpper, (int)ma, 1.0, ab, 1, QA[l], (int)ma);
            cblas_dsyr(CblasRowMajor, CblasUpper, (int)out, 1.0, g, 1, QS[l], (int)out);
        }
    }
    for (size_t l = 0; !st && l < L; l++) {
        size_t ma = m->width[l] + 1, out = m->width[l + 1];
        lapack_int info = LAPACKE_dsyevd(LAPACK_ROW_MAJOR, 'V', 'U', (lapack_int)ma, QA[l],
                                         (lapack_int)ma, eA[l]);
        if (!info) info = LAPACKE_dsyevd(LAPACK_ROW_MAJOR, 'V', 'U', (lapack_int)out, QS[l],
                                         (lapack_int)out, eS[l]);
        if (info) st = UA_ERR(UA_EDOMAIN, "EK-FAC: the eigendecomposition of layer %zu's "
                              "Kronecker factors failed (LAPACK info %d)", l, (int)info);
    }
    /* pass 2: Lambda, the diagonal of each block in its Kronecker eigenbasis */
    for (size_t i = 0; !st && i < n; i++) {
        row_at(m, &w, gt, X + i * d, d, z, J, &f);
        for (size_t l = 0; l < L; l++) {
            size_t ma = m->width[l] + 1, out = m->width[l + 1];
            layer_vectors(m, &w, J, l, g, ab);
            cblas_dgemv(CblasRowMajor, CblasTrans, (int)out, (int)out, 1.0, QS[l], (int)out, g, 1,
                        0.0, gr, 1);
            cblas_dgemv(CblasRowMajor, CblasTrans, (int)ma, (int)ma, 1.0, QA[l], (int)ma, ab, 1,
                        0.0, ar, 1);
            for (size_t k = 0; k < out; k++)
                for (size_t j = 0; j < ma; j++) Lam[l][k * ma + j] += gr[k] * gr[k] * ar[j] * ar[j];
        }
    }
    if (!st) {
        /* L2 weight decay enters the loss of Adam and SGD (L-BFGS fits the plain loss) */
        double wd = m->opt.optim == UA_OPTIM_LBFGS ? 0.0 : m->opt.weight_decay;
        double mu = 0.1 * tr / (double)P + (double)n * wd / 2;
        if (!(mu > 0)) mu = 1e-12;
        row_at(m, &w, gt, x, d, z, Jx, &f);
        /* U_l = (Lambda_l + mu)^-1 .* (Q_S^T Jx_l Q_A), Jx_l the layer's block as (out, ma) */
        for (size_t l = 0; l < L; l++) {
            size_t in = m->width[l], ma = in + 1, out = m->width[l + 1];
            for (size_t k = 0; k < out; k++) {
                memcpy(U[l] + k * ma, Jx + m->off_w[l] + k * in, in * sizeof *Jx);
                U[l][k * ma + in] = Jx[m->off_b[l] + k];
            }
            cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)out, (int)ma, (int)out, 1.0,
                        QS[l], (int)out, U[l], (int)ma, 0.0, t, (int)ma);
            cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)out, (int)ma, (int)ma, 1.0,
                        t, (int)ma, QA[l], (int)ma, 0.0, U[l], (int)ma);
            for (size_t k = 0; k < out * ma; k++) U[l][k] /= Lam[l][k] + mu;
        }
        for (size_t j = 0; j < P; j++)
            if (!dense[j]) Jx[j] /= diag[j] + mu;
        /* pass 3: infl_i = J_i^T G^-1 Jx r_i, the first-order term (Koh & Liang; Grosse et
         * al.) without the exact inverse's leverage factor 1 / (1 - h_i): EK-FAC's h_i
         * overshoots 1 on some rows, and the factor (capped at 100) measured worse than none
         * against the exact inverse (docs/explain.md, UCI power plant) */
        for (size_t i = 0; i < n; i++) {
            row_at(m, &w, gt, X + i * d, d, z, J, &f);
            double dot = 0;
            for (size_t l = 0; l < L; l++) {
                size_t ma = m->width[l] + 1, out = m->width[l + 1];
                layer_vectors(m, &w, J, l, g, ab);
                cblas_dgemv(CblasRowMajor, CblasTrans, (int)out, (int)out, 1.0, QS[l], (int)out, g,
                            1, 0.0, gr, 1);
                cblas_dgemv(CblasRowMajor, CblasTrans, (int)ma, (int)ma, 1.0, QA[l], (int)ma, ab, 1,
                            0.0, ar, 1);
                for (size_t k = 0; k < out; k++) {
                    double su = 0;
                    for (size_t j = 0; j < ma; j++) su += U[l][k * ma + j] * ar[j];
                    dot += gr[k] * su;
                }
            }
            for (size_t j = 0; j < P; j++)
                if (!dense[j]) dot += J[j] * Jx[j];
            infl[i] = dot * r[i] * ys;
        }
    }
    m->ops->work_free(&w);
    free(gt);
    free(buf);
    free(J);
    free(Jx);
    free(diag);
    free(r);
    free(z);
    free(g);
    free(ab);
    free(gr);
    free(ar);
    free(t);
    free(dense);
    return st;
}

ua_status ua_mlp_influence(const void *state, const double *X, const double *y, size_t n,
                           size_t d, const double *x, double *infl, int *exact)
{
    return ua_mlp_influence_run(state, X, y, n, d, x, UA_MLP_INFL_AUTO, UA_MLP_INFL_EXACT_MAX,
                                infl, exact, NULL);
}

ua_status ua_mlp_influence_limit(const void *state, const double *X, const double *y, size_t n,
                                 size_t d, const double *x, double *infl, int *exact,
                                 size_t exact_max)
{
    return ua_mlp_influence_run(state, X, y, n, d, x, UA_MLP_INFL_AUTO, exact_max, infl, exact,
                                NULL);
}

static const char *const method_names[] = {"auto", "gauss-newton", "ekfac", "diagonal"};
static const char *const method_desc[] = {
    "",
    "damped Gauss-Newton influence function, exact inverse (an approximation of retraining)",
    "damped Gauss-Newton influence function, EK-FAC inverse (an approximation of retraining)",
    "damped Gauss-Newton influence function, diagonal inverse (an approximation of retraining)",
};

ua_status ua_mlp_influence_method(const void *state, const double *X, const double *y, size_t n,
                                  size_t d, const double *x, const char *method, double *infl,
                                  int *exact, const char **used)
{
    ua_mlp_infl_method k = UA_MLP_INFL_AUTO;
    if (method) {
        size_t i = 0;
        while (i < 4 && strcmp(method, method_names[i])) i++;
        if (i == 4)
            return UA_ERR(UA_EINVAL, "influence method '%s': the mlp family has auto, "
                          "gauss-newton, ekfac and diagonal", method);
        k = (ua_mlp_infl_method)i;
    }
    return ua_mlp_influence_run(state, X, y, n, d, x, k, UA_MLP_INFL_EXACT_MAX, infl, exact, used);
}

ua_status ua_mlp_influence_run(const void *state, const double *X, const double *y, size_t n,
                               size_t d, const double *x, ua_mlp_infl_method method,
                               size_t exact_max, double *infl, int *exact, const char **used)
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
    double mem = ua_phys_memory();
    int fits = (double)n * (double)P * 8.0 + (double)small * (double)small * 8.0 <= 0.25 * mem;
    if (method == UA_MLP_INFL_AUTO)
        method = small <= exact_max && fits ? UA_MLP_INFL_GN : UA_MLP_INFL_EKFAC;
    if (method == UA_MLP_INFL_GN && !fits)
        return UA_ERR(UA_ENOMEM, "the exact Gauss-Newton inverse needs the %zu x %zu Jacobian and "
                      "a %zu x %zu matrix (%.3g GB), more than a quarter of this machine's memory: "
                      "use the ekfac or diagonal method", n, P, small, small,
                      ((double)n * (double)P + (double)small * (double)small) * 8e-9);
    if (used) *used = method_desc[method];
    ua_status pc = point_check(m, x, d);
    if (pc) return pc;
    if (method == UA_MLP_INFL_EKFAC) {
        ua_status se = ekfac_influence(m, X, y, n, d, x, infl);
        if (!se && exact) *exact = 0;
        return se;
    }
    int dense = method == UA_MLP_INFL_GN;
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
        if ((st = row_check(m, i, fi, Ji))) break;
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
