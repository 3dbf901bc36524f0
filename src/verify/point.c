/* The pieces shared by ua_verify_1d and ua_verify_box (src/verify/internal.h): the 1-D grid and
 * the errors at one point. */
#include <math.h>

#include <mpfr.h>

#include "uniapprox/verify.h"
#include "verify/internal.h"

/* Grid point i of n on [a, b]; the endpoints are exactly a and b. */
double ua_verify_grid_point(ua_grid grid, double a, double b, size_t i, size_t n)
{
    if (i == 0) return a;
    if (i == n - 1) return b;
    double t = (double)i / (double)(n - 1), x;
    if (grid == UA_GRID_LOG) {
        double la = log(a), lb = log(b);
        x = exp(la + (lb - la) * t);
    } else if (isfinite(b - a)) {
        x = a + (b - a) * t;
    } else {
        x = a * (1 - t) + b * t; /* b - a overflows for domains near +-DBL_MAX */
    }
    /* rounding may step a hair outside near the ends */
    return x < a ? a : x > b ? b : x;
}

void ua_point_errors_mpfr(double p, mpfr_srcptr f, double fd, mpfr_ptr d, mpfr_ptr t,
                          ua_point_errors *e)
{
    e->rel = -1;
    if (!isfinite(p)) {
        e->abs = e->rel = e->u64 = e->u32 = INFINITY;
        return;
    }
    mpfr_d_sub(d, p, f, MPFR_RNDN); /* the exact p - f, rounded once at prec bits */
    e->abs = fabs(mpfr_get_d(d, MPFR_RNDN));
    if (!mpfr_zero_p(f)) {
        mpfr_div(t, d, f, MPFR_RNDN);
        e->rel = fabs(mpfr_get_d(t, MPFR_RNDN));
    }
    if (mpfr_zero_p(f)) { /* no ULP error at a zero of f (as no relative error): not counted */
        e->u64 = e->u32 = -1;
        return;
    }
    mpfr_div_d(t, d, ua_ulp64(fd), MPFR_RNDN); /* a power of two: exact */
    e->u64 = fabs(mpfr_get_d(t, MPFR_RNDN));
    float pf = (float)p;
    if (!isfinite(pf)) {
        e->u32 = INFINITY; /* p overflows float32 */
    } else {
        mpfr_d_sub(t, (double)pf, f, MPFR_RNDN);
        mpfr_div_d(t, t, ua_ulp32(fd), MPFR_RNDN);
        e->u32 = fabs(mpfr_get_d(t, MPFR_RNDN));
    }
}

void ua_point_errors_double(double p, double f, ua_point_errors *e)
{
    e->rel = -1;
    if (!isfinite(p)) {
        e->abs = e->rel = e->u64 = e->u32 = INFINITY;
        return;
    }
    double diff = p - f; /* correctly rounded; overflows to Inf only past DBL_MAX, honestly */
    e->abs = fabs(diff);
    if (f != 0) e->rel = e->abs / fabs(f);
    else { /* no ULP error at a zero of f (as no relative error): not counted */
        e->u64 = e->u32 = -1;
        return;
    }
    e->u64 = e->abs / ua_ulp64(f); /* a power of two: exact unless the quotient overflows */
    float pf = (float)p;
    e->u32 = isfinite(pf) ? fabs((double)pf - f) / ua_ulp32(f) : INFINITY;
}
