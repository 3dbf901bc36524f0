/*
 * The calls of f during a chebnd construction: batches through ua_problem_eval (a FORMULA in
 * parallel, a user's function in its child process), counted against --max-evals, every value
 * checked finite; and the sample test of the finished model.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "internal.h"

/* "(x, y) = (0.5, -1)" for the point x of fn's problem, into buf. */
static void name_point(const ua_chebnd_fn *fn, const double *x, char *buf, size_t len)
{
    size_t used = 0;
    used += (size_t)snprintf(buf + used, len - used, "(");
    for (size_t i = 0; i < fn->d && used < len; i++)
        used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? ", " : "",
                                 ua_problem_var(fn->p, i));
    for (size_t i = 0; i < fn->d && used < len; i++)
        used += (size_t)snprintf(buf + used, len - used, "%s%.17g", i ? ", " : ") = (", x[i]);
    if (used < len) snprintf(buf + used, len - used, ")");
}

ua_status ua_chebnd_eval(ua_chebnd_fn *fn, const double *x, size_t n, double *y)
{
    if (n == 0) return UA_OK;
    if (fn->budget != SIZE_MAX && (fn->evals > fn->budget || n > fn->budget - fn->evals)) {
        fn->over = 1;
        return UA_ENOTRESOLVED;
    }
    ua_status s = UA_OK;
    if (ua_problem_kind_of(fn->p) == UA_PROBLEM_FORMULA && n >= 4096) {
        /* formulas are thread-safe (uniapprox/problem.h): split the batch */
        int nt = ua_row_threads(n, 4096, n / 1024 + 1);
        ua_status st[UA_MAX_ROW_THREADS] = {0};
#pragma omp parallel for num_threads(nt) schedule(static)
        for (size_t t = 0; t < (size_t)nt; t++) {
            size_t a = n * t / (size_t)nt, b = n * (t + 1) / (size_t)nt;
            st[t] = ua_problem_eval(fn->p, x + a * fn->d, b - a, y + a);
        }
        for (int t = 0; t < nt && !s; t++) s = st[t];
    } else {
        s = ua_problem_eval(fn->p, x, n, y);
    }
    fn->evals += n;
    if (s) return s;
    size_t bad = ua_first_nonfinite(y, n);
    if (bad < n) {
        char where[400];
        name_point(fn, x + bad * fn->d, where, sizeof where);
        return UA_ERR(UA_EDOMAIN, "%s is %s at %s", ua_problem_describe(fn->p),
                      isnan(y[bad]) ? "nan" : "inf", where);
    }
    return UA_OK;
}

ua_status ua_chebnd_sample_test(ua_chebnd_fn *fn, const ua_chebnd *m, double *err, size_t *n)
{
    enum { NS = 32 };
    const size_t d = m->d;
    double u[NS * UA_CHEBND_MAXD], x[NS * UA_CHEBND_MAXD], f[NS], g[NS];
    ua_status s = ua_qmc_sobol(d, NS, 0, 0x5eed, u);
    if (s) return s;
    for (size_t k = 0; k < NS; k++)
        for (size_t i = 0; i < d; i++)
            x[k * d + i] = m->lo[i] + (m->hi[i] - m->lo[i]) * u[k * d + i];
    *err = 0.0;
    *n = 0;
    if ((s = ua_chebnd_eval(fn, x, NS, f))) return s;
    if ((s = ua_chebnd_predict(m, x, NS, g))) return s;
    for (size_t k = 0; k < NS; k++) *err = fmax(*err, fabs(f[k] - g[k]));
    *n = NS;
    return UA_OK;
}

ua_status ua_chebnd_phase3(ua_chebnd_fn *fn, ua_chebnd *m, ua_chebnd_report *rep,
                           const char *grid, int *done)
{
    double err;
    size_t ns;
    *done = 0;
    ua_status s = ua_chebnd_sample_test(fn, m, &err, &ns);
    if (s == UA_ENOTRESOLVED && fn->over) {
        snprintf(rep->reason, sizeof rep->reason, "--max-evals %zu: no budget for the sample test",
                 fn->budget);
        m->resolved = 0;
        return UA_ENOTRESOLVED;
    }
    if (s) return s;
    rep->sample_err = err;
    rep->sample_n = ns;
    double claim = rep->target + ua_chebnd_allowance(m, rep->floor);
    if (err <= claim) {
        *done = 1;
        return UA_OK;
    }
    m->resolved = 0;
    snprintf(rep->reason, sizeof rep->reason,
             "the sample test found an error %.3g above the tolerance %.3g on %s", err, claim, grid);
    return UA_OK;
}
