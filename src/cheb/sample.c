/*
 * The adaptive fit of one piece: nested grids of 2^k + 1 Chebyshev points of the second kind,
 * DCT-I, standardChop (docs/cheb.md). The sampler itself is the probe's (src/probe/sample.c).
 */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "sample.h"

/* Values at s = -1 and s = +1 of the polynomial through the interior points of an n-point grid
 * (n >= 4): these are the zeros of U_{n-2}, whose barycentric weights are
 * (-1)^j sin^2(j pi / (n-1)) (Berrut & Trefethen, SIAM Review 2004). */
static void extrapolate_ends(size_t n, const double *pts, double *vals, int lo, int hi)
{
    const double pi = 3.14159265358979323846;
    for (int side = 0; side < 2; side++) {
        if (!(side ? hi : lo)) continue;
        double s = side ? 1.0 : -1.0, num = 0.0, den = 0.0;
        for (size_t j = 1; j + 1 < n; j++) {
            double w = sin(pi * (double)j / (double)(n - 1));
            w *= w;
            if (j % 2) w = -w;
            double q = w / (s - pts[j]);
            num += q * vals[j];
            den += q;
        }
        vals[side ? n - 1 : 0] = num / den;
    }
}

ua_status ua_cheb_fit_piece(ua_cheb_sampler *s, double lo, double hi, size_t nmax, int ext_lo,
                            int ext_hi, const ua_cheb_tol *tol, double vscale_global,
                            ua_cheb_piece_fit *out)
{
    return ua_cheb_fit_piece_from(s, lo, hi, 17, nmax, ext_lo, ext_hi, tol, vscale_global, out);
}

ua_status ua_cheb_fit_piece_from(ua_cheb_sampler *s, double lo, double hi, size_t nmin,
                                 size_t nmax, int ext_lo, int ext_hi, const ua_cheb_tol *tol,
                                 double vscale_global, ua_cheb_piece_fit *out)
{
    memset(out, 0, sizeof *out);
    size_t nlast = 17;
    while (nlast - 1 <= (nmax - 1) / 2) nlast = 2 * nlast - 1; /* largest 2^k + 1 <= nmax */
    size_t nfirst = 17; /* the first grid: the least 2^k + 1 >= nmin, at most nlast */
    while (nfirst < nmin && nfirst < nlast) nfirst = 2 * nfirst - 1;
    double *vals = NULL, *coeffs = NULL, *pts = NULL, *spts = NULL;
    ua_status st = UA_OK;
    size_t n = 0;
    for (;;) {
        size_t nn = n ? 2 * n - 1 : nfirst;
        double *v2 = realloc(vals, nn * sizeof *v2);
        if (!v2) { st = UA_ENOMEM_ERR(nn * sizeof *v2); break; }
        vals = v2;
        double *c2 = realloc(coeffs, nn * sizeof *c2), *p2 = NULL, *s2 = NULL;
        if (c2) coeffs = c2;
        if (c2) p2 = realloc(pts, nn * sizeof *p2);
        if (p2) pts = p2;
        if (p2) s2 = realloc(spts, nn * sizeof *s2);
        if (s2) spts = s2;
        if (!c2 || !p2 || !s2) { st = UA_ENOMEM_ERR(nn * sizeof *v2); break; }
        ua_cheb_points_on(nn, lo, hi, pts);
        ua_cheb_points(nn, spts);
        if (n) /* the old grid is the even-indexed half of the new one: spread, back to front */
            for (size_t j = n; j-- > 0;) vals[2 * j] = vals[j];
        for (size_t j = 0; j < nn && !st; j++) {
            if (n && j % 2 == 0) continue; /* already sampled */
            if ((j == 0 && ext_lo) || (j == nn - 1 && ext_hi)) continue;
            st = ua_cheb_sample(s, pts[j], &vals[j]);
        }
        if (st) break;
        n = nn;
        extrapolate_ends(n, spts, vals, ext_lo, ext_hi);
        double vscale = 0.0;
        for (size_t j = 0; j < n; j++)
            if (fabs(vals[j]) > vscale) vscale = fabs(vals[j]);
        st = ua_cheb_vals2coeffs(n, vals, coeffs);
        if (st) break;
        out->vscale = vscale;
        size_t keep = 0;
        int floored = 0;
        if (vscale == 0.0) {
            keep = 1; /* the zero function */
        } else {
            /* Relative: tol refers to the larger of the global and this piece's scale, and the
             * chop measures against this piece's coefficients, hence the ratio. Absolute: the
             * chop is relative, so divide by the scale. */
            double t = tol->abs_tol ? tol->tol / vscale
                                    : tol->tol * (vscale_global > vscale ? vscale_global / vscale : 1.0);
            /* An absolute tolerance below 2^-52 times the scale cannot be met in double (the
             * samples themselves are only known to that): chop at that floor rather than refine
             * in vain up to nmax, and let the caller report the fit as not resolved. (A relative
             * tol below 2^-52 is refused by ua_cheb_fit.) */
            if (tol->abs_tol && t < 0x1p-52) {
                t = 0x1p-52;
                floored = 1;
            }
            /* Conditioning: a grid point t_j is only known to half an ulp of |t_j|, which moves
             * the sample by |f'| ulp / 2. standardChop absorbs such noise up to about tol^(2/3);
             * beyond that (pieces far from 0 relative to their width: [1e6, 1e6 + 1]) the target
             * cannot be resolved to tol here, so the tolerance is raised to the noise floor —
             * but never beyond sqrt(tol): a larger "noise" is a jump the differences ran into,
             * not rounding, and must be split instead. */
            double noise = 0.0;
            for (size_t j = 0; j + 1 < n; j++) {
                double slope = fabs(vals[j + 1] - vals[j]) / (pts[j + 1] - pts[j]);
                double mag = fmax(fabs(pts[j]), fabs(pts[j + 1]));
                noise = fmax(noise, slope * 0.5 * DBL_EPSILON * mag);
            }
            noise /= vscale;
            if (noise > 0.25 * pow(t, 2.0 / 3.0) && noise > t && noise < sqrt(t)) t = noise;
            keep = ua_cheb_standard_chop(coeffs, n, t);
        }
        out->grid = n;
        if (keep) {
            out->resolved = 1;
            out->floored = floored;
            out->n = keep;
            break;
        }
        if (n >= nlast) { /* give up: keep everything we have */
            out->n = n;
            break;
        }
    }
    free(vals);
    free(pts);
    free(spts);
    if (st) {
        free(coeffs);
        memset(out, 0, sizeof *out);
        return st;
    }
    double *shrunk = realloc(coeffs, out->n * sizeof *shrunk);
    out->coeffs = shrunk ? shrunk : coeffs;
    return UA_OK;
}
