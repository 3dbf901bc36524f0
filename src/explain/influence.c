/*
 * ua_model_influence: checks the arguments and dispatches to the family's influence hook
 * (src/model/family.h); the closed forms live with each family (src/{kernel,rf,mlp}/influence.c).
 */
#include <math.h>
#include "core/internal.h"
#include "model/family.h"
#include "uniapprox/explain.h"

ua_status ua_model_influence(const ua_model *m, const double *X, const double *y, size_t n,
                             const double *x, double *infl, int *exact)
{
    if (!m) return UA_ERR(UA_EINVAL, "ua_model_influence: model is NULL");
    if (!X || !y || !x || !infl) return UA_ERR(UA_EINVAL, "ua_model_influence: NULL arrays");
    if (!n) return UA_ERR(UA_EINVAL, "influence: the training data has no rows");
    size_t din = 1, dout = 1;
    ua_model_dims(m, &din, &dout);
    if (dout != 1)
        return UA_ERR(UA_EUNSUPPORTED, "influence: the model has %zu outputs (one is needed)", dout);
    size_t bad = ua_first_nonfinite(X, n * din);
    if (bad < n * din)
        return UA_ERR(UA_EINVAL, "influence: training row %zu has a non-finite input", bad / din + 1);
    if ((bad = ua_first_nonfinite(y, n)) < n)
        return UA_ERR(UA_EINVAL, "influence: training row %zu has a non-finite target", bad + 1);
    if (ua_first_nonfinite(x, din) < din)
        return UA_ERR(UA_EINVAL, "influence: the point x has a non-finite value");
    const ua_family *f = ua_model_family_vtable(m);
    if (!f || !f->influence)
        return UA_ERR(UA_EUNSUPPORTED, "influence: the %s family has no influence computation "
                      "(kernel, rf and mlp have one)", ua_model_family(m));
    int ex = 0;
    ua_status st = f->influence(ua_model_state(m), X, y, n, din, x, infl, &ex);
    if (!st && exact) *exact = ex;
    return st;
}
