/*
 * Locating a jump (docs/spline.md, "Jumps"): NumCosmo's ncm_spline_func stops with an error when
 * knots come closer than its tolerance ("the function is probably discontinuous"); uniapprox
 * instead bisects on the function values until the bracket is two adjacent doubles, and calls it
 * a jump when the change across them is a good part (a quarter or more) of the change across the
 * bracket it started from: a continuous function changes by about |f'| ulp(x) there, a jump by
 * the whole jump — or by half of it when f takes a value in between at one double, as
 * sign(x) + x does at 0 (the other half is found next).
 */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "core/internal.h"
#include "internal.h"

/* The doubles in order as integers: key(x) < key(y) iff x < y (and -0 and +0 share 0). */
static int64_t key_of(double x)
{
    int64_t k;
    memcpy(&k, &x, sizeof k);
    return k < 0 ? INT64_MIN - k : k;
}

static double double_of(int64_t k)
{
    if (k < 0) k = INT64_MIN - k;
    double x;
    memcpy(&x, &k, sizeof x);
    return x;
}

ua_status ua_spline_locate_jump(ua_fn1 f, void *ctx, double xl, double yl, double xr, double yr,
                                double rtol, double fscale, ua_spline_jump *out)
{
    memset(out, 0, sizeof *out);
    const double change0 = fabs(yr - yl);
    int64_t kl = key_of(xl), kr = key_of(xr);
    /* the distance in unsigned arithmetic: across 0 it may exceed INT64_MAX */
    while ((uint64_t)kr - (uint64_t)kl > 1) {
        int64_t km = (int64_t)((uint64_t)kl + ((uint64_t)kr - (uint64_t)kl) / 2);
        double xm = double_of(km);
        double ym = f(xm, ctx);
        out->nevals++;
        if (!isfinite(ym))
            return UA_ERR(UA_EDOMAIN, "target is %s at x = %.17g", isnan(ym) ? "NaN" : "infinite",
                          xm);
        if (fabs(ym - yl) <= fabs(ym - yr)) {
            kl = km;
            xl = xm;
            yl = ym;
        } else {
            kr = km;
            xr = xm;
            yr = ym;
        }
    }
    out->xl = xl;
    out->yl = yl;
    out->xr = xr;
    out->yr = yr;
    const double change = fabs(yr - yl), big = fmax(fabs(yl), fabs(yr));
    out->found = change >= 0.25 * change0 && change > rtol * (big + fscale) &&
                 change > 256.0 * DBL_EPSILON * big;
    return UA_OK;
}
