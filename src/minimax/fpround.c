/* Coefficients in a floating-point format, re-optimised after each rounding: the heuristic of
 * Brisebarre & Chevillard ("Efficient polynomial L-infinity approximations", ARITH 18, 2007) in
 * its simplest, greedy form, which Sollya's fpminimax refines with lattice reduction.
 *
 * Starting from the best real polynomial sum c_k t^k, for k = n, n-1, ..., 0: both neighbours of
 * c_k in the format (rounded down and up) are tried; for each, the coefficients below k are
 * re-optimised by a Remez fit of degree k - 1 to f - sum_{j >= k} c_j t^j (the rounded part is
 * fixed), and the candidate whose re-optimised error is smaller is kept. Going from the top down
 * keeps every sub-problem a plain polynomial space {1, t, ..., t^(k-1)} (a Haar space, so the
 * Remez exchange applies). The last step rounds c_0 and measures the error of the fully rounded
 * polynomial, evaluated exactly. */
#include <math.h>
#include <stdlib.h>

#include "core/internal.h"
#include "internal.h"

/* The two neighbours of v in the format; returns how many distinct finite ones (0: out of range). */
static int neighbours(const mpfr_t v, ua_minimax_coeffs fmt, double out[2])
{
    double lo, hi;
    if (fmt == UA_MINIMAX_FLOAT) {
        lo = (double)mpfr_get_flt(v, MPFR_RNDD);
        hi = (double)mpfr_get_flt(v, MPFR_RNDU);
    } else {
        lo = mpfr_get_d(v, MPFR_RNDD);
        hi = mpfr_get_d(v, MPFR_RNDU);
    }
    if (!isfinite(lo) || !isfinite(hi)) return 0;
    out[0] = lo;
    out[1] = hi;
    return lo == hi ? 1 : 2;
}

static ua_status greedy(mm_problem *pb, size_t n, mpfr_t *mono, ua_minimax_coeffs fmt,
                        const mm_remez_opts *o, double *out, double *err)
{
    mpfr_prec_t prec = pb->prec;
    mpfr_t *cur = mm_vec_new(n, prec), *fixed = mm_vec_new(n, prec), *rest = mm_vec_new(n, prec);
    mpfr_t *best_rest = mm_vec_new(n, prec);
    int *is_fixed = ua_calloc(n, sizeof *is_fixed);
    mpfr_t alpha, beta;
    mpfr_inits2(prec, alpha, beta, (mpfr_ptr)0);
    ua_status s = UA_OK;
    if (!cur || !fixed || !rest || !best_rest || !is_fixed) {
        s = UA_ENOMEM_ERR(4 * n * sizeof(mpfr_t));
        goto done;
    }
    mm_problem_alpha_beta(pb, alpha, beta);
    for (size_t k = 0; k < n; k++) mpfr_set(cur[k], mono[k], MPFR_RNDN);
    double final_err = INFINITY;
    for (size_t k = n; k-- > 0;) {
        double cand[2];
        int nc = neighbours(cur[k], fmt, cand);
        if (nc == 0) {
            s = UA_ERR(UA_EUNSUPPORTED, "minimax: coefficient %zu (%.3e) is outside the %s range; "
                       "try the unit variable", k, mpfr_get_d(cur[k], MPFR_RNDN),
                       fmt == UA_MINIMAX_FLOAT ? "float" : "double");
            goto done;
        }
        double best = INFINITY, best_c = cand[0];
        for (int ci = 0; ci < nc; ci++) {
            is_fixed[k] = 1;
            mpfr_set_d(fixed[k], cand[ci], MPFR_RNDN);
            if ((s = mm_problem_set_fixed(pb, n, fixed, is_fixed))) goto done;
            double e;
            if (k > 0) {
                mm_result r;
                if ((s = mm_remez_poly(pb, k - 1, NULL, o, &r))) goto done;
                e = r.maxerr;
                int bad = mm_cheb_to_mono(k, r.sol.p, alpha, beta, rest, prec);
                mm_result_clear(&r);
                if (bad) {
                    s = UA_ENOMEM_ERR(k * k * sizeof(mpfr_t));
                    goto done;
                }
            } else {
                mm_sol zero = {0, 0, NULL, NULL, 0};
                mm_extrema ex;
                if ((s = mm_find_extrema(pb, &zero, &ex))) goto done;
                e = ex.maxabs;
                mm_extrema_clear(&ex);
            }
            if (e < best || ci == 0) {
                best = e;
                best_c = cand[ci];
                for (size_t j = 0; j < k; j++) mpfr_set(best_rest[j], rest[j], MPFR_RNDN);
            }
        }
        mpfr_set_d(fixed[k], best_c, MPFR_RNDN);
        for (size_t j = 0; j < k; j++) mpfr_set(cur[j], best_rest[j], MPFR_RNDN);
        out[k] = best_c;
        final_err = best;
    }
    *err = final_err;
done:
    if (pb->nfixed_len) {
        ua_status s2 = mm_problem_set_fixed(pb, 0, NULL, NULL);
        if (!s) s = s2;
    }
    mpfr_clears(alpha, beta, (mpfr_ptr)0);
    mm_vec_free(cur, cur ? n : 0);
    mm_vec_free(fixed, fixed ? n : 0);
    mm_vec_free(rest, rest ? n : 0);
    mm_vec_free(best_rest, best_rest ? n : 0);
    free(is_fixed);
    return s;
}

/* max |e| of the polynomial with coefficients c (n,) in t, evaluated exactly. */
static ua_status error_of(mm_problem *pb, const double *c, size_t n, double *err)
{
    mm_sol sol;
    if (mm_sol_init(&sol, n, 0, 0, pb->prec)) return UA_ENOMEM_ERR(n * sizeof(mpfr_t));
    for (size_t k = 0; k < n; k++) mpfr_set_d(sol.p[k], c[k], MPFR_RNDN);
    mm_extrema ex;
    ua_status s = mm_find_extrema(pb, &sol, &ex);
    if (!s) *err = ex.maxabs;
    mm_extrema_clear(&ex);
    mm_sol_clear(&sol);
    return s;
}

/* The points where the real polynomial (mono, n coefficients in t) interpolates the target: the
 * sign changes of its error on the grid, refined by the Illinois variant of regula falsi.
 * Returns how many (at most n + 1) into pts. */
static size_t interpolation_points(mm_problem *pb, size_t n, mpfr_t *mono, double *pts)
{
    mm_sol sol = {n, 0, mono, NULL, 0};
    size_t k = 0;
    double xl = pb->gx[0], el = mm_err_with(pb, &sol, xl, pb->gg[0], pb->gw[0]);
    for (size_t j = 1; j < pb->M && k <= n; j++) {
        double xr = pb->gx[j], er = mm_err_with(pb, &sol, xr, pb->gg[j], pb->gw[j]);
        if (el == 0.0) {
            pts[k++] = xl;
        } else if ((el < 0) != (er < 0) && er != 0.0) {
            double a = xl, b = xr, fa = el, fb = er;
            int side = 0;
            for (int it = 0; it < 60 && b - a > 4e-16 * (fabs(a) + fabs(b)); it++) {
                double c = (fa * b - fb * a) / (fa - fb);
                if (!(c > a && c < b)) c = 0.5 * (a + b);
                double fc = mm_err_at(pb, &sol, c);
                if (fc == 0.0) {
                    a = b = c;
                    break;
                }
                if ((fc < 0) == (fa < 0)) {
                    a = c, fa = fc;
                    if (side == -1) fb *= 0.5;
                    side = -1;
                } else {
                    b = c, fb = fc;
                    if (side == 1) fa *= 0.5;
                    side = 1;
                }
            }
            pts[k++] = 0.5 * (a + b);
        }
        xl = xr;
        el = er;
    }
    return k;
}

ua_status mm_fpround(mm_problem *pb, size_t n, mpfr_t *mono, ua_minimax_coeffs fmt,
                     const mm_remez_opts *o, double real_err, int greedy_ok, double *out,
                     double *err)
{
    /* candidates, the best one is kept: rounding to nearest; the lattice (LLL + Babai) at the
     * points where the real polynomial interpolates f (Sollya's choice) and at Chebyshev points;
     * and, only when the lattice does no better than rounding to nearest (or fails) and is not
     * within a factor 2 of the real error, the greedy descent (about 2n Remez fits: slow) */
    double *cand = ua_calloc(n, sizeof *cand), *pts = ua_calloc(n + 2, sizeof *pts);
    double best = INFINITY, e, e_nearest = INFINITY, e_lattice = INFINITY;
    int have = 0;
    ua_status s = UA_OK, last = UA_OK;
    if (!cand || !pts) {
        free(cand);
        free(pts);
        return UA_ENOMEM_ERR(2 * n * sizeof *cand);
    }
    /* a coefficient beyond the format's range cannot be rounded into it (the lattice would
     * return garbage such as zeros): refuse before trying */
    for (size_t k = 0; k < n; k++) {
        double c = fmt == UA_MINIMAX_FLOAT ? (double)mpfr_get_flt(mono[k], MPFR_RNDN)
                                           : mpfr_get_d(mono[k], MPFR_RNDN);
        if (!isfinite(c)) {
            free(cand);
            free(pts);
            return UA_ERR(UA_EUNSUPPORTED, "minimax: coefficient %zu (%.3e) is outside the %s "
                          "range", k, mpfr_get_d(mono[k], MPFR_RNDN),
                          fmt == UA_MINIMAX_FLOAT ? "float" : "double");
        }
    }
    size_t npts = interpolation_points(pb, n, mono, pts);
    for (int variant = 0; variant < 4; variant++) {
        if (variant == 1 && npts < n) continue;
        if (variant == 3 && (!greedy_ok || e_lattice < e_nearest ||
                             (have && best <= 2.0 * real_err)))
            break;
        if (variant == 0) {
            s = UA_OK;
            for (size_t k = 0; k < n && !s; k++) {
                cand[k] = fmt == UA_MINIMAX_FLOAT ? (double)mpfr_get_flt(mono[k], MPFR_RNDN)
                                                  : mpfr_get_d(mono[k], MPFR_RNDN);
                if (!isfinite(cand[k]))
                    s = UA_ERR(UA_EUNSUPPORTED, "minimax: coefficient %zu is outside the %s "
                               "range", k, fmt == UA_MINIMAX_FLOAT ? "float" : "double");
            }
            if (!s) s = error_of(pb, cand, n, &e);
            if (!s) e_nearest = e;
        } else if (variant < 3) {
            s = mm_lattice_round(pb, n, mono, fmt, variant == 1 ? pts : NULL, npts, cand);
            if (!s) s = error_of(pb, cand, n, &e);
            if (!s && e < e_lattice) e_lattice = e;
        } else s = greedy(pb, n, mono, fmt, o, cand, &e);
        if (s == UA_EUNSUPPORTED) {
            last = s;
            continue;
        }
        if (s) break;
        if (!have || e < best) {
            best = e;
            have = 1;
            for (size_t k = 0; k < n; k++) out[k] = cand[k];
        }
    }
    free(cand);
    free(pts);
    if (s && s != UA_EUNSUPPORTED) return s;
    if (!have) return last;
    *err = best;
    return UA_OK;
}
