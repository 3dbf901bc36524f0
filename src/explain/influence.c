/*
 * ua_model_influence: checks the arguments and dispatches to the family's influence hook
 * (src/model/family.h); the closed forms live with each family (src/{kernel,rf,mlp}/influence.c).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "core/internal.h"
#include "model/family.h"
#include "uniapprox/explain.h"

ua_status ua_model_influence(const ua_model *m, const double *X, const double *y, size_t n,
                             const double *x, double *infl, int *exact)
{
    return ua_model_influence_method(m, X, y, n, x, NULL, infl, exact, NULL);
}

ua_status ua_model_influence_method(const ua_model *m, const double *X, const double *y, size_t n,
                                    const double *x, const char *method, double *infl,
                                    int *exact, const char **used)
{
    if (!m) return UA_ERR(UA_EINVAL, "ua_model_influence: model is NULL");
    if (!X || !y || !x || !infl) return UA_ERR(UA_EINVAL, "ua_model_influence: NULL arrays");
    const char *from = ua_model_meta(m, "distilled_from");
    if (from) {
        /* a student's training rows were the teacher's outputs at drawn points (ua_distill): no
         * file holds them, so no rows given here can be its own */
        const char *teacher = ua_model_meta(m, "teacher"), *src = ua_model_meta(m, "distill_source");
        const char *pts = ua_model_meta(m, "distill_points");
        int data = src && !strcmp(src, "data");
        int counted = pts && strcmp(pts, "0") != 0;
        return UA_ERR(UA_EUNSUPPORTED, "the model was distilled (its teacher: the %s model%s%s): "
                      "its training rows were %s%s distillation points (%s) with the teacher's "
                      "outputs as targets, which are in no file, so its influence cannot be "
                      "computed; compute it on the teacher, or fit a model on the data itself",
                      from, teacher ? " " : "", teacher ? teacher : "", counted ? pts : "its",
                      counted ? "" : " own",
                      data ? "training rows drawn with replacement plus random jitter"
                           : "points drawn in the box");
    }
    if (!n) return UA_ERR(UA_EINVAL, "the training data has no rows");
    size_t din = 1, dout = 1;
    ua_model_dims(m, &din, &dout);
    if (dout != 1)
        return UA_ERR(UA_EUNSUPPORTED, "the model has %zu outputs (one is needed)", dout);
    size_t bad = ua_first_nonfinite(X, n * din);
    if (bad < n * din)
        return UA_ERR(UA_EINVAL, "training row %zu has a non-finite input", bad / din + 1);
    if ((bad = ua_first_nonfinite(y, n)) < n)
        return UA_ERR(UA_EINVAL, "training row %zu has a non-finite target", bad + 1);
    if (ua_first_nonfinite(x, din) < din)
        return UA_ERR(UA_EINVAL, "the point x has a non-finite value");
    {
        /* the prediction at x first: a point where predict fails or is not finite (a network
         * that overflows there) has no influence to report, before any solve */
        double fx = NAN;
        char pt[160], msg[800];
        size_t len = (size_t)snprintf(pt, sizeof pt, "(");
        for (size_t j = 0; j < din && j < 4 && len < sizeof pt; j++)
            len += (size_t)snprintf(pt + len, sizeof pt - len, "%s%.9g", j ? ", " : "", x[j]);
        if (len < sizeof pt) snprintf(pt + len, sizeof pt - len, "%s)", din > 4 ? ", ..." : "");
        ua_status ps = ua_model_predict(m, x, 1, &fx);
        if (ps) {
            ua_last_error_message(msg, sizeof msg);
            return UA_ERR(ps == UA_ENOMEM ? ps : UA_EDOMAIN, "the point x = %s: the model's "
                          "prediction there fails (%s)", pt, msg);
        }
        if (!isfinite(fx))
            return UA_ERR(UA_EDOMAIN, "the point x = %s: the model's prediction there is not "
                          "finite (%g)", pt, fx);
    }
    /* every family alike: a model that recorded its training RMSE must reproduce it on these
     * rows and targets, so that a wrong target column (--y-col) is refused whatever the family's
     * own check (rf's normal equations, kernel's linear system; an mlp has none of its own) */
    const char *rec = ua_model_meta(m, "train_rmse");
    double want = rec ? strtod(rec, NULL) : NAN;
    if (isfinite(want)) {
        double *p = malloc(n * sizeof *p), se = 0, sy = 0;
        if (!p) return UA_ENOMEM_ERR(n * sizeof *p);
        ua_status st = ua_model_predict(m, X, n, p);
        for (size_t i = 0; !st && i < n; i++) {
            se += (p[i] - y[i]) * (p[i] - y[i]);
            sy += y[i] * y[i];
        }
        free(p);
        if (st) return st;
        double got = sqrt(se / (double)n);
        if (!(fabs(got - want) <= 1e-6 * want + 1e-12 * sqrt(sy / (double)n)))
            return UA_ERR(UA_EINVAL, "the model's RMSE on these rows and targets is "
                          "%.6g, but it recorded %.6g on its training rows: give the training "
                          "rows in their order with their target column (--y-col)", got, want);
    }
    const ua_family *f = ua_model_family_vtable(m);
    if (!f || !f->influence)
        return UA_ERR(UA_EUNSUPPORTED, "the %s family has no influence computation "
                      "(kernel, rf and mlp have one)", ua_model_family(m));
    int ex = 0;
    const char *how = NULL;
    ua_status st;
    if (f->influence_method) {
        st = f->influence_method(ua_model_state(m), X, y, n, din, x, method, infl, &ex, &how);
    } else {
        if (method && strcmp(method, "auto") && strcmp(method, "exact"))
            return UA_ERR(UA_EINVAL, "influence method '%s': the %s family has one method, its "
                          "closed form (auto or exact)", method, ua_model_family(m));
        st = f->influence(ua_model_state(m), X, y, n, din, x, infl, &ex);
    }
    size_t nb = st ? n : ua_first_nonfinite(infl, n);
    if (nb < n) /* a rounding overflow of the products at a point of huge magnitude */
        st = UA_ERR(UA_EDOMAIN, "the influence of training row %zu on the prediction at the point "
                    "x is not finite (it overflows double: the point's magnitude is too large)",
                    nb + 1);
    if (!st && !how)
        how = ex ? "exact leave-one-out (closed form)"
                 : "influence function (an approximation of retraining)";
    if (!st && exact) *exact = ex;
    if (!st && used) *used = how;
    return st;
}
