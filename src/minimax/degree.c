/* The degree: its upper limit, --degree auto (the least degree whose stored model meets a
 * tolerance, by measurement: the role of Sollya's guessdegree), the estimate that explains a
 * tolerance no allowed degree can reach, and ua_minimax_guess_degree. The minimax error E(n)
 * does not increase with n, so doubling finds a degree that meets tol and bisection the least
 * one. */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "internal.h"
#include "uniapprox/chebtech.h"

int mm_degree_limit(long prec)
{
    double lim = 250.0 * sqrt(192.0 / (double)(prec > 0 ? prec : 192));
    return lim < 40.0 ? 40 : lim > 1000.0 ? 1000 : (int)lim;
}

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
    if (o->prec < 64 || o->prec > 100000)
        return UA_ERR(UA_EINVAL, "minimax: precision %ld must be in 64..100000 bits", o->prec);
    int lim = mm_degree_limit(o->prec);
    int top = o->monomials && o->nmonomials ? o->monomials[o->nmonomials - 1] : o->degree;
    if (top + o->den_degree > lim)
        return UA_ERR(UA_EINVAL, "minimax: degree %d is above the limit %d at %ld-bit working "
                      "precision: each Remez iteration costs O(N^3) MPFR operations (abs(x) at "
                      "degree 200 takes 45 s, at 1000 it would take over an hour); for a "
                      "polynomial of that degree use the cheb family (Chebyshev interpolation, "
                      "within a small factor of the best)", top + o->den_degree, lim, o->prec);
    if ((int)o->basis < 0 || o->basis > UA_MINIMAX_BASIS_CHEBYSHEV)
        return UA_ERR(UA_EINVAL, "minimax: unknown basis %d", (int)o->basis);
    if ((int)o->parity < 0 || o->parity > UA_MINIMAX_PARITY_EVEN)
        return UA_ERR(UA_EINVAL, "minimax: unknown parity %d", (int)o->parity);
    if (o->basis == UA_MINIMAX_BASIS_CHEBYSHEV && o->coeffs != UA_MINIMAX_REAL)
        return UA_ERR(UA_EINVAL, "minimax: --coeffs double|float re-optimise monomial "
                      "coefficients (fpminimax); the Chebyshev basis takes --coeffs real");
    if (o->basis == UA_MINIMAX_BASIS_CHEBYSHEV && o->var == UA_MINIMAX_VAR_X)
        return UA_ERR(UA_EINVAL, "minimax: --var x is a monomial variable; the Chebyshev basis "
                      "is in s = (x - mid) * 2 / (b - a)");
    int restricted = o->parity != UA_MINIMAX_PARITY_NONE || (o->monomials && o->nmonomials);
    if (o->parity != UA_MINIMAX_PARITY_NONE && o->monomials && o->nmonomials)
        return UA_ERR(UA_EINVAL, "minimax: --parity and --monomials exclude each other");
    if (restricted && o->den_degree)
        return UA_ERR(UA_EINVAL, "minimax: --parity / --monomials are for polynomials, not "
                      "--rational");
    if (o->monomials && o->nmonomials) {
        if (o->degree == UA_MINIMAX_DEGREE_AUTO)
            return UA_ERR(UA_EINVAL, "minimax: --monomials fixes the degree; it excludes "
                          "--degree auto (use --parity odd|even with auto)");
        for (size_t k = 0; k < o->nmonomials; k++)
            if (o->monomials[k] < 0 || (k && o->monomials[k] <= o->monomials[k - 1]))
                return UA_ERR(UA_EINVAL, "minimax: monomial exponents must be >= 0 and "
                              "increasing");
    }
    if (o->parity == UA_MINIMAX_PARITY_ODD && o->degree == 0)
        return UA_ERR(UA_EINVAL, "minimax: odd monomials need degree >= 1");
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

/* ---- what the Chebyshev coefficients say about the degree a tolerance needs ---------------- */

enum { EST_N = 4097, EST_TRUST = 1024 }; /* points; coefficients up to EST_TRUST are free of
                                             aliasing to the accuracy needed here */

typedef struct {
    int ok;           /* the estimate could be made (absolute or relative error, finite f) */
    double lower;     /* at degree maxd: a lower bound on the best error, w_min |c_k| / 2 for
                         k > maxd */
    double upper;     /* at degree maxd: the Chebyshev truncation error sum_{k > maxd} |c_k|, an
                         upper bound (extrapolated beyond EST_TRUST), INFINITY when no decay */
    double decay;     /* p in |c_k| ~ k^-p, fitted on the envelope over [64, 512]; 0 when the
                         coefficients reach the rounding level first (fast decay) */
    double need_lo, need_hi; /* the degrees the bounds ask for (the truth lies between) */
} mm_estimate;

/* Chebyshev coefficients of f at 4097 points of [a, b] (double evaluation), their envelope
 * env(k) = max_{j >= k} |c_j|, and bounds on the best error E_n of degree n: the Chebyshev
 * coefficients of f - p are those of f above n and |c_k(g)| <= 2 max |g|, so E_n >= |c_k| / 2 for
 * every k > n; the truncated series is a polynomial of degree n, so E_n <= sum_{k > n} |c_k|
 * (relative error: times 1 / max |f|). Bernstein: for |x| on [-1, 1], E_n ~ 0.2802 / n, between the
 * two. Weighted error: no estimate. */
static void estimate(const ua_target *f, double a, double b, ua_minimax_error kind, int maxd,
                     double tol, mm_estimate *est)
{
    *est = (mm_estimate){0};
    est->need_lo = est->need_hi = NAN;
    if (kind == UA_MINIMAX_WEIGHTED || maxd + 2 >= EST_TRUST) return;
    double *v = ua_calloc(EST_N, sizeof *v), *c = ua_calloc(EST_N, sizeof *c);
    if (!v || !c) goto done;
    ua_cheb_points(EST_N, v);
    double fmax = 0.0;
    for (size_t j = 0; j < EST_N; j++) {
        double x = 0.5 * a + 0.5 * b + (0.5 * b - 0.5 * a) * v[j];
        x = x < a ? a : x > b ? b : x;
        v[j] = ua_target_fn1(x, (void *)f);
        if (!isfinite(v[j])) goto done;
        if (fabs(v[j]) > fmax) fmax = fabs(v[j]);
    }
    if (fmax == 0.0 || ua_cheb_vals2coeffs(EST_N, v, c)) goto done;
    double wmin = kind == UA_MINIMAX_REL ? 1.0 / fmax : 1.0, noise = 1e3 * DBL_EPSILON * fmax;
    c[EST_N - 1] = fabs(c[EST_N - 1]);
    for (size_t k = EST_N - 1; k-- > 0;) c[k] = fabs(c[k]) > c[k + 1] ? fabs(c[k]) : c[k + 1];
    est->ok = 1;
    est->lower = wmin * c[maxd + 1] / 2.0;
    if (c[512] > noise && c[64] > c[512]) est->decay = log(c[64] / c[512]) / log(8.0);
    double sum = 0.0;
    for (size_t k = (size_t)maxd + 1; k < EST_TRUST; k++) sum += c[k];
    if (c[EST_TRUST] <= noise) est->upper = wmin * sum;
    else if (est->decay > 1.05)
        est->upper = wmin * (sum + c[EST_TRUST] * EST_TRUST / (est->decay - 1.0));
    else est->upper = INFINITY;
    /* the degrees the bounds ask for: the lower bound falls like n^-p, the upper like n^(1-p) */
    if (est->decay > 0.0 && est->lower > tol)
        est->need_lo = (maxd + 1) * pow(est->lower / tol, 1.0 / est->decay);
    if (est->decay > 1.05 && isfinite(est->upper) && est->upper > tol)
        est->need_hi = (maxd + 1) * pow(est->upper / tol, 1.0 / (est->decay - 1.0));
done:
    free(v);
    free(c);
}

/* ---- --degree auto ------------------------------------------------------------------------- */

/* Appends printf-style text to buf (size n) at *len, if there is room. */
static void append(char *buf, size_t n, int *len, const char *fmt, double x, double y)
{
    if (*len < 0 || (size_t)*len >= n) return;
    int k = snprintf(buf + *len, n - (size_t)*len, fmt, x, y);
    if (k > 0) *len += k;
}

ua_status mm_fit_auto(const ua_target *f, double a, double b, const ua_minimax_options *opt,
                      ua_minimax **out)
{
    ua_minimax_options o = *opt;
    const double tol = o.tol;
    int lim = mm_degree_limit(o.prec);
    int maxd = o.max_degree < lim ? o.max_degree : lim;
    int odd = o.parity == UA_MINIMAX_PARITY_ODD, even = o.parity == UA_MINIMAX_PARITY_EVEN;
    *out = NULL;
    mm_estimate est;
    estimate(f, a, b, o.error, maxd, tol, &est);
    ua_minimax *best = NULL;
    int best_d = -1, lo = -1, hi = -1, stopped = -1;
    char stop_msg[300] = "";
    ua_status s = UA_OK;
    /* the ladder 0, 1, 2, 4, ..., maxd (odd: 1, 3, 7, 15, ...; even: 0, 2, 4, 8, ...), each
     * degree fitted, stored and measured */
    if (odd && maxd % 2 == 0) maxd--;
    if (even && maxd % 2) maxd--;
    for (int d = odd ? 1 : 0; d <= maxd;) {
        ua_minimax *p = NULL;
        o.degree = d;
        ua_status fs = mm_fit_fixed(f, a, b, &o, &p);
        if (fs != UA_OK && fs != UA_ENOTRESOLVED) {
            s = fs;
            goto fail;
        }
        int meets = fs == UA_OK && p->measured_err <= tol, worse = 0;
        if (!best || meets || p->measured_err < best->measured_err) {
            ua_minimax_free(best);
            best = p;
            best_d = d;
        } else {
            worse = p->measured_err > 2.0 * best->measured_err;
            ua_minimax_free(p);
        }
        if (meets) {
            hi = d;
            break;
        }
        lo = d;
        if (fs != UA_OK) { /* not converged, or not representable: higher degrees will not do */
            stopped = d;
            snprintf(stop_msg, sizeof stop_msg, "%s", ua_last_error());
            break;
        }
        if (worse) { /* measurably worse than a lower degree: the limit of the arithmetic */
            stopped = d;
            snprintf(stop_msg, sizeof stop_msg, "it measures more than twice the error of "
                     "degree %d", best_d);
            break;
        }
        if (d == maxd) break;
        int next = odd ? 2 * d + 1 : even ? (d ? 2 * d : 2) : (d ? 2 * d : 1);
        d = next > maxd ? maxd : next;
    }
    if (hi >= 0) { /* bisection: lo misses tol, hi (kept in best) meets it */
        int step = odd || even ? 2 : 1;
        while (hi - lo > step) {
            int mid = lo + (hi - lo) / 2;
            if (step == 2 && (mid - hi) % 2) mid++;
            if (mid >= hi || mid <= lo) break;
            ua_minimax *p = NULL;
            o.degree = mid;
            ua_status fs = mm_fit_fixed(f, a, b, &o, &p);
            if (fs != UA_OK && fs != UA_ENOTRESOLVED) {
                s = fs;
                goto fail;
            }
            if (fs == UA_OK && p->measured_err <= tol) {
                ua_minimax_free(best);
                best = p;
                best_d = hi = mid;
            } else {
                ua_minimax_free(p);
                lo = mid;
            }
        }
        *out = best;
        return UA_OK;
    }
    if (!best)
        return UA_ERR(UA_EINVAL, "minimax: no %s degree <= %d to try", odd ? "odd" : "even", maxd);
    best->resolved = 0;
    *out = best;
    char why[400] = "", bounds[700] = "";
    if (stopped >= 0)
        snprintf(why, sizeof why, "; stopped climbing at degree %d: %.200s", stopped, stop_msg);
    if (est.ok) {
        int len = 0;
        if (est.decay > 0.0)
            append(bounds, sizeof bounds, &len, "; from the target's Chebyshev coefficients "
                   "(decaying like k^-%.2f) the best error at degree %.0f", est.decay,
                   (double)maxd);
        else
            append(bounds, sizeof bounds, &len, "; from the target's Chebyshev coefficients "
                   "(decaying geometrically) the best error at degree %.0f", (double)maxd, 0);
        append(bounds, sizeof bounds, &len, " is at least %.3g", est.lower, 0);
        if (isfinite(est.upper))
            append(bounds, sizeof bounds, &len, " and at most %.3g", est.upper, 0);
        if (est.lower > tol && est.decay > 0.0 && est.decay <= 1.05) {
            append(bounds, sizeof bounds, &len, ": as for a jump, where the best error stays "
                   "above half the jump at every degree, the tolerance is not reachable", 0, 0);
        } else if (est.lower > tol) {
            append(bounds, sizeof bounds, &len, ": the tolerance is not reachable up to degree "
                   "%.0f (--max-degree; it goes up to %.0f, as a fixed --degree)", (double)maxd,
                   (double)lim);
            if (isfinite(est.need_lo))
                append(bounds, sizeof bounds, &len, "; it would need a degree of about %.2g",
                       est.need_lo, 0);
            if (isfinite(est.need_lo) && isfinite(est.need_hi))
                append(bounds, sizeof bounds, &len, " to %.2g", est.need_hi, 0);
        }
    }
    return UA_ERR(UA_ENOTRESOLVED, "minimax: no degree <= %d meets the tolerance %g; kept the "
                  "best measured, degree %d (max error %.3e evaluated in double)%s%s", maxd, tol,
                  best_d, best->measured_err, bounds, why);
fail:
    ua_minimax_free(best);
    return s;
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
