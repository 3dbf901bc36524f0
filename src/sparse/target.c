/*
 * The target as the constructors see it: batches of points through ua_problem_eval (a user
 * function's child process answers a batch in one round trip), counted, and refused when not
 * finite.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

ua_status ua_sparse_eval_target(ua_sparse_target *f, const double *x, size_t n, size_t d,
                                double *y)
{
    if (n == 0) return UA_OK;
    ua_status s = ua_problem_eval(f->p, x, n, y);
    if (s) return s;
    f->evaluations += n;
    for (size_t r = 0; r < n; r++) {
        if (isfinite(y[r])) continue;
        char at[512] = "";
        size_t used = 0;
        for (size_t i = 0; i < d && used + 40 < sizeof at; i++)
            used += (size_t)snprintf(at + used, sizeof at - used, "%s%s = %.17g", i ? ", " : "",
                                     ua_problem_var(f->p, i), x[r * d + i]);
        return UA_ERR(UA_EDOMAIN, "%s is %s at %s (sparse grid point %zu): the target must be "
                      "finite on the box", ua_problem_describe(f->p),
                      isnan(y[r]) ? "nan" : "infinite", at, f->evaluations - n + r + 1);
    }
    return UA_OK;
}
