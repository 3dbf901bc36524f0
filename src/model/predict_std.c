/*
 * ua_model_predict_std (uniapprox/metrics.h): checks the arguments and dispatches to the family's
 * predict_std hook (src/model/family.h).
 */
#include "core/internal.h"
#include "model/family.h"
#include "uniapprox/metrics.h"

ua_status ua_model_predict_std(const ua_model *m, const double *x, size_t n, double *sd)
{
    if (!m) return UA_ERR(UA_EINVAL, "ua_model_predict_std: model is NULL");
    const ua_family *f = ua_model_family_vtable(m);
    if (!f || !f->predict_std)
        return UA_ERR(UA_EUNSUPPORTED, "the %s family has no predictive uncertainty (the kernel "
                      "family has: its Gaussian-process variance)", ua_model_family(m));
    if (!n) return UA_OK;
    if (!x || !sd) return UA_ERR(UA_EINVAL, "ua_model_predict_std: NULL array with n = %zu", n);
    size_t din = 1, dout = 1;
    ua_model_dims(m, &din, &dout);
    size_t bad = ua_first_nonfinite(x, n * din);
    if (bad < n * din)
        return UA_ERR(UA_EINVAL, "predictive std: row %zu has a non-finite input", bad / din + 1);
    return f->predict_std(ua_model_state(m), x, n, sd);
}
