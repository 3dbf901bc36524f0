/* ua_problem_sample: training points for a learner on a FORMULA or FUNCTION problem. */
#include <math.h>
#include <stdio.h>

#include "core/internal.h"
#include "internal.h"

ua_status ua_problem_sample(const ua_problem *p, size_t n, uint64_t seed, double *x, double *y)
{
    if (!p || !x || !y) return UA_ERR(UA_EINVAL, "ua_problem_sample: NULL argument");
    if (p->kind != UA_PROBLEM_FORMULA && p->kind != UA_PROBLEM_FUNCTION)
        return UA_ERR(UA_EINVAL, "a %s problem has no box to sample",
                      ua_problem_kind_name(p->kind));
    if (n == 0) return UA_ERR(UA_EINVAL, "ua_problem_sample: no points asked for");
    size_t d = p->d;
    if (n > SIZE_MAX / sizeof(double) / d)
        return UA_ERR(UA_EINVAL, "ua_problem_sample: %zu points are too many", n);
    if (d == 1) {
        /* equispaced, both ends included (one point: the centre) */
        double a = p->lo[0], b = p->hi[0];
        for (size_t i = 0; i < n; i++) {
            double t = n == 1 ? 0.5 : (double)i / (double)(n - 1);
            x[i] = i + 1 == n && n > 1 ? b : a + (b - a) * t;
            if (x[i] > b) x[i] = b;
        }
    } else {
        ua_status s = ua_qmc_sobol(d, n, 0, seed, x);
        if (s) return s;
        for (size_t i = 0; i < n * d; i++) {
            size_t j = i % d;
            double v = p->lo[j] + (p->hi[j] - p->lo[j]) * x[i];
            /* rounding may step just outside the box */
            x[i] = v < p->lo[j] ? p->lo[j] : v > p->hi[j] ? p->hi[j] : v;
        }
    }
    ua_status s = ua_problem_eval(p, x, n, y);
    if (s) return s;
    size_t bad = ua_first_nonfinite(y, n);
    char why[1024];
    if (bad < n && y[bad] != y[bad] && ua_problem_nan_text(p, x + bad * d, why, sizeof why)[0])
        /* a formula's NaN that is (or is not, with the fill on) a removable singularity */
        return UA_ERR(UA_EDOMAIN, "%s (training point %zu)", why, bad);
    if (bad < n) {
        char pt[512], v[32];
        return UA_ERR(UA_EDOMAIN, "%s is %s at %s (training point %zu)", p->desc,
                      ua_fmt_double(v, y[bad]),
                      ua_problem_point_text(pt, sizeof pt, p->vars, x + bad * d, d), bad);
    }
    return UA_OK;
}
