/* Checks shared by the learners: class labels, finite arrays (src/core/internal.h). */
#include <math.h>

#include "internal.h"

ua_status ua_check_labels(const char *who, const double *y, size_t n, int nonneg)
{
    for (size_t i = 0; i < n; i++) {
        double v = y[i];
        if (!(v == floor(v) && v < 1048576 && (nonneg ? v >= 0 : v > -1048576)))
            return UA_ERR(UA_EINVAL, "%s: label %.17g in row %zu is not %s", who, v, i,
                          nonneg ? "a class 0, 1, 2, ..." :
                                   "an integer class label (classification takes integer labels; "
                                   "for real-valued targets fit a regression)");
    }
    return UA_OK;
}

size_t ua_first_nonfinite(const double *a, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(a[i])) return i;
    return n;
}

ua_status ua_check_standardised(const char *who, const char *lead, const char *what,
                                const double *z, size_t n, size_t d)
{
    for (size_t i = 0; i < n * d; i++)
        if (!(fabs(z[i]) <= 1e150))
            return UA_ERR(UA_EDIVERGED, "%s: %sthe data overflow double after standardisation (%s "
                          "row %zu, column %zu: the column's values are too large for its mean "
                          "and spread to be computed in double, whose squares overflow beyond "
                          "about 1e154); rescale the samples to moderate magnitudes (e.g. divide "
                          "by a power of ten)", who, lead, what, i / d + 1, i % d + 1);
    return UA_OK;
}

ua_status ua_check_finite_inputs(const char *who, const double *x, size_t n, size_t d)
{
    size_t bad = ua_first_nonfinite(x, n * d);
    if (bad == n * d) return UA_OK;
    double v = x[bad];
    return UA_ERR(UA_EDOMAIN, "%s: x row %zu, column %zu is %s: the input is not finite", who,
                  bad / d + 1, bad % d + 1, isnan(v) ? "NaN" : v > 0 ? "+Inf" : "-Inf");
}
