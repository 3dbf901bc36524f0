/* src/pde/reference.c — dispatch of the reference solutions (src/pde/reference.h). Being written:
 * every name is refused until its solver lands. */
#include <stdlib.h>
#include "core/internal.h"
#include "pde/reference.h"

ua_status ua_pde_reference_new(const char *name, const double *params, size_t nparams,
                               ua_pde_reference **out)
{
    (void)params;
    (void)nparams;
    *out = NULL;
    return UA_ERR(UA_EINVAL, "unknown PDE reference '%s'", name ? name : "(null)");
}

ua_status ua_pde_reference_eval(const ua_pde_reference *r, const double *pts, size_t n, double *u)
{
    (void)r; (void)pts; (void)n; (void)u;
    return UA_ERR(UA_EINVAL, "no PDE reference");
}

void ua_pde_reference_free(ua_pde_reference *r)
{
    (void)r;
}
