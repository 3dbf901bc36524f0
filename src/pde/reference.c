/* src/pde/reference.c — dispatch of the reference solutions (src/pde/reference.h): a name picks a
 * solver (ref_burgers.c, ref_allen_cahn.c); every point is checked here, once, so that the
 * solvers see only finite (x, t) inside their domain. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "pde/ref_internal.h"

typedef ua_status (*ref_init_fn)(const double *params, size_t nparams, ua_pde_reference *r);

/* Sorted by name. */
static const struct {
    const char *name;
    ref_init_fn init;
} REFERENCES[] = {
    {"allen_cahn", ua_ref_allen_cahn_init},
    {"burgers", ua_ref_burgers_init},
};

ua_status ua_pde_reference_new(const char *name, const double *params, size_t nparams,
                               ua_pde_reference **out)
{
    if (!out) return UA_ERR(UA_EINVAL, "PDE reference: NULL output pointer");
    *out = NULL;
    if (!name) return UA_ERR(UA_EINVAL, "PDE reference: NULL name");
    if (nparams && !params) return UA_ERR(UA_EINVAL, "PDE reference '%s': NULL parameters", name);
    for (size_t i = 0; i < nparams; i++)
        if (!isfinite(params[i]))
            return UA_ERR(UA_EINVAL, "PDE reference '%s': parameter %zu is not finite", name, i);
    for (size_t k = 0; k < sizeof REFERENCES / sizeof REFERENCES[0]; k++) {
        if (strcmp(name, REFERENCES[k].name) != 0) continue;
        ua_pde_reference *r = ua_calloc(1, sizeof *r);
        if (!r) return UA_ENOMEM_ERR(sizeof *r);
        ua_status s = REFERENCES[k].init(params, nparams, r);
        if (s != UA_OK) {
            ua_pde_reference_free(r);
            return s;
        }
        *out = r;
        return UA_OK;
    }
    return UA_ERR(UA_EINVAL, "unknown PDE reference '%s' (known: allen_cahn, burgers)", name);
}

ua_status ua_pde_reference_eval(const ua_pde_reference *r, const double *pts, size_t n, double *u)
{
    if (!r) return UA_ERR(UA_EINVAL, "PDE reference: NULL reference");
    if (n == 0) return UA_OK;
    if (!pts || !u) return UA_ERR(UA_EINVAL, "PDE reference '%s': NULL arrays", r->name);
    for (size_t i = 0; i < n; i++) {
        double x = pts[2 * i], t = pts[2 * i + 1];
        if (!isfinite(x) || !isfinite(t))
            return UA_ERR(UA_EDOMAIN, "PDE reference '%s': point %zu (%g, %g) is not finite",
                          r->name, i, x, t);
        if (x < r->lo[0] || x > r->hi[0] || t < r->lo[1] || t > r->hi[1])
            return UA_ERR(UA_EDOMAIN,
                          "PDE reference '%s': point %zu (x = %.17g, t = %.17g) is outside the "
                          "domain [%g, %g] x [%g, %g]",
                          r->name, i, x, t, r->lo[0], r->hi[0], r->lo[1], r->hi[1]);
    }
    r->eval(r->state, pts, n, u);
    return UA_OK;
}

void ua_pde_reference_domain(const ua_pde_reference *r, double lo[2], double hi[2])
{
    lo[0] = r->lo[0];
    lo[1] = r->lo[1];
    hi[0] = r->hi[0];
    hi[1] = r->hi[1];
}

void ua_pde_reference_free(ua_pde_reference *r)
{
    if (!r) return;
    if (r->free_state && r->state) r->free_state(r->state);
    free(r);
}
