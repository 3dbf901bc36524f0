/*
 * ua_model_gradient: the partial derivatives of a model of one output, from its family's
 * analytic gradient hook (src/model/family.h); a family without one says so.
 */
#include "core/internal.h"
#include "family.h"

ua_status ua_model_gradient(const ua_model *m, const double *x, size_t n, double *g)
{
    if (!m) return UA_ERR(UA_EINVAL, "ua_model_gradient: model is NULL");
    if (n && (!x || !g)) return UA_ERR(UA_EINVAL, "ua_model_gradient: NULL arrays");
    const ua_family *f = ua_model_family_vtable(m);
    /* a family with bound propagation has its gradient there (uniapprox/lipschitz.h) */
    ua_status (*gfn)(const void *, const double *, size_t, double *) =
        f ? (f->gradient ? f->gradient : f->bounds ? f->bounds->gradient : NULL) : NULL;
    if (!gfn)
        return UA_ERR(UA_EINVAL, "the %s family has no analytic gradient",
                      f ? f->name : ua_model_family(m));
    size_t din = 1, dout = 1;
    ua_model_dims(m, &din, &dout);
    if (dout != 1)
        return UA_ERR(UA_EINVAL, "ua_model_gradient: the model has %zu outputs (the gradient is "
                      "of a single output)", dout);
    if (!n) return UA_OK;
    return gfn(ua_model_state(m), x, n, g);
}
