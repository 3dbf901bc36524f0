/* src/problem/pde.c — PDE problems (uniapprox/problem.h, ua_problem_pde): a box whose function is
 * the exact or reference solution of the equation held in an opaque spec of the pde module, so
 * that the engine measures a model of u against it as it measures a FUNCTION. */
#include <stdlib.h>

#include "core/internal.h"
#include "internal.h"

ua_status ua_problem_pde(const char *const *vars, size_t d, const double *lo, const double *hi,
                         ua_fnd_batch solution, void *spec, void (*spec_free)(void *spec),
                         const char *desc, const char *reference, ua_problem **out)
{
    if (!out) {
        if (spec && spec_free) spec_free(spec);
        return UA_ERR(UA_EINVAL, "ua_problem_pde: out is NULL");
    }
    *out = NULL;
    if (!solution || !spec) {
        if (spec && spec_free) spec_free(spec);
        return UA_ERR(UA_EINVAL, "ua_problem_pde: the solution or the spec is NULL");
    }
    ua_problem *p = NULL;
    ua_status s = ua_problem_new_box(UA_PROBLEM_PDE, d, vars, lo, hi, desc, &p);
    if (s) {
        if (spec_free) spec_free(spec);
        return s;
    }
    p->cb_batch = solution;
    p->cb_ctx = spec;
    p->ctx_free = spec_free;
    p->reference = ua_strdup(reference ? reference : "the solution, double");
    if (!p->reference) {
        ua_problem_free(p);
        return UA_ENOMEM_ERR(64);
    }
    *out = p;
    return UA_OK;
}

const void *ua_problem_pde_spec(const ua_problem *p)
{
    return p && p->kind == UA_PROBLEM_PDE ? p->cb_ctx : NULL;
}
