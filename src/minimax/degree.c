/* The least degree that meets a tolerance (the role of Sollya's guessdegree): the minimax error
 * E(n) of degree n does not increase with n, so after checking n = 0, doubling finds a degree
 * that meets tol and bisection the least one; every E(n) is the max error of a Remez fit,
 * re-measured on the grid and the refined extrema. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "core/internal.h"
#include "internal.h"

size_t mm_grid_size(size_t N) { return N * 48 > 512 ? N * 48 : 512; }

uint64_t mm_doubles_between(double a, double b)
{
    int64_t ia, ib;
    memcpy(&ia, &a, sizeof ia);
    memcpy(&ib, &b, sizeof ib);
    if (ia < 0) ia = INT64_MIN - ia; /* order-preserving map of doubles to integers */
    if (ib < 0) ib = INT64_MIN - ib;
    return (uint64_t)ib - (uint64_t)ia + 1u;
}

ua_status mm_check_options(const ua_target *f, double a, double b, const ua_minimax_options *o)
{
    if (!f) return UA_ERR(UA_EINVAL, "minimax: target is NULL");
    if (ua_target_dim(f) != 1)
        return UA_ERR(UA_EINVAL, "minimax: the target has %zu variables; minimax takes one",
                      ua_target_dim(f));
    if (!(isfinite(a) && isfinite(b) && a < b))
        return UA_ERR(UA_EINVAL, "minimax: [%g, %g] is not an interval a < b of finite numbers", a, b);
    if (o->degree != UA_MINIMAX_DEGREE_AUTO && (o->degree < 0 || o->degree > 1000))
        return UA_ERR(UA_EINVAL, "minimax: degree %d must be in 0..1000 (or auto)", o->degree);
    if (o->den_degree < 0 || o->den_degree > 1000)
        return UA_ERR(UA_EINVAL, "minimax: denominator degree %d must be in 0..1000", o->den_degree);
    if ((int)o->error < 0 || o->error > UA_MINIMAX_WEIGHTED)
        return UA_ERR(UA_EINVAL, "minimax: unknown error measure %d", (int)o->error);
    if (o->error == UA_MINIMAX_WEIGHTED && !o->weight)
        return UA_ERR(UA_EINVAL, "minimax: the weighted error needs a weight");
    if (o->error == UA_MINIMAX_WEIGHTED && ua_target_dim(o->weight) != 1)
        return UA_ERR(UA_EINVAL, "minimax: the weight must be a function of one variable");
    if ((int)o->coeffs < 0 || o->coeffs > UA_MINIMAX_FLOAT)
        return UA_ERR(UA_EINVAL, "minimax: unknown coefficient format %d", (int)o->coeffs);
    if ((int)o->scheme < 0 || o->scheme > UA_MINIMAX_ESTRIN)
        return UA_ERR(UA_EINVAL, "minimax: unknown scheme %d", (int)o->scheme);
    if ((int)o->var < 0 || o->var > UA_MINIMAX_VAR_UNIT)
        return UA_ERR(UA_EINVAL, "minimax: unknown variable %d", (int)o->var);
    if (o->prec < 64 || o->prec > 100000)
        return UA_ERR(UA_EINVAL, "minimax: precision %ld must be in 64..100000 bits", o->prec);
    if (o->max_iter == 0) return UA_ERR(UA_EINVAL, "minimax: max_iter must be >= 1");
    if (!(o->eq_tol > 0 && o->eq_tol < 1))
        return UA_ERR(UA_EINVAL, "minimax: eq_tol %g must be in (0, 1)", o->eq_tol);
    if (o->degree == UA_MINIMAX_DEGREE_AUTO) {
        if (o->den_degree)
            return UA_ERR(UA_EINVAL, "minimax: auto degree is for polynomials only");
        if (!(o->tol > 0 && isfinite(o->tol)))
            return UA_ERR(UA_EINVAL, "minimax: auto degree needs a tolerance > 0");
        if (o->max_degree < 0 || o->max_degree > 1000)
            return UA_ERR(UA_EINVAL, "minimax: max_degree %d must be in 0..1000", o->max_degree);
    }
    return UA_OK;
}

/* max |e| of the degree-n fit, or INFINITY when the interval has too few doubles for it. */
static ua_status error_of(mm_problem *pb, size_t n, const mm_remez_opts *ro, double *err)
{
    if (mm_doubles_between(pb->a, pb->b) < n + 2) {
        *err = INFINITY;
        return UA_OK;
    }
    mm_result r;
    ua_status s = mm_remez_poly(pb, n, NULL, ro, &r);
    if (s) return s;
    *err = r.maxerr;
    mm_result_clear(&r);
    return UA_OK;
}

ua_status ua_minimax_guess_degree(const ua_target *f, double a, double b, double tol,
                                  const ua_minimax_options *opt, int *degree)
{
    ua_minimax_options o;
    if (opt) o = *opt;
    else ua_minimax_options_default(&o);
    if (!degree) return UA_ERR(UA_EINVAL, "minimax: degree is NULL");
    o.degree = UA_MINIMAX_DEGREE_AUTO;
    o.den_degree = 0;
    o.tol = tol;
    ua_status s = mm_check_options(f, a, b, &o);
    if (s) return s;
    int maxd = o.max_degree;
    mm_problem pb;
    s = mm_problem_init(&pb, f, o.error == UA_MINIMAX_WEIGHTED ? o.weight : NULL, o.error, a, b,
                        0.0, 1.0, (mpfr_prec_t)o.prec, mm_grid_size((size_t)maxd + 2));
    if (s) return s;
    mm_remez_opts ro = {o.max_iter, o.eq_tol};
    double e;
    int lo = 0, hi = 0, found = 0;
    if ((s = error_of(&pb, 0, &ro, &e))) goto done;
    if (e <= tol) {
        *degree = 0;
        goto done;
    }
    for (hi = 1;; hi = hi * 2 > maxd ? maxd : hi * 2) {
        if (hi > maxd) break;
        if ((s = error_of(&pb, (size_t)hi, &ro, &e))) goto done;
        if (e <= tol) {
            found = 1;
            break;
        }
        lo = hi;
        if (hi == maxd) break;
    }
    if (!found) {
        *degree = maxd;
        s = UA_ERR(UA_ENOTRESOLVED, "minimax: no degree <= %d meets the tolerance %g (degree %d "
                   "reaches %.3e)", maxd, tol, maxd, e);
        goto done;
    }
    while (hi - lo > 1) { /* E(lo) > tol >= E(hi) */
        int mid = lo + (hi - lo) / 2;
        if ((s = error_of(&pb, (size_t)mid, &ro, &e))) goto done;
        if (e <= tol) hi = mid;
        else lo = mid;
    }
    *degree = hi;
done:
    mm_problem_clear(&pb);
    return s;
}
