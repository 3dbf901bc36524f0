/* The extrema of the error function e(x) = w (R - g), located in MPFR: e on the cached grid,
 * each discrete local extremum refined by Brent's derivative-free maximisation (R. P. Brent,
 * "Algorithms for Minimization without Derivatives", 1973, ch. 5, routine localmin) inside its
 * grid bracket; then the choice of an alternating reference among them. */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "internal.h"

void mm_extrema_clear(mm_extrema *ex)
{
    free(ex->x);
    free(ex->e);
    ex->x = ex->e = NULL;
    ex->n = 0;
}

/* Maximises sg * e(x) over (lo, hi) by Brent's localmin applied to -sg * e; the bracket holds a
 * discrete maximum at x0 with value e0. Returns the best point (x0 if nothing beats it). Only the
 * location is approximate: near a smooth extremum the value is flat, so a relative location error
 * of 1e-8 costs a relative value error of about 1e-16. */
static double brent_max(mm_problem *pb, const mm_sol *sol, double lo, double hi, double sg,
                        double x0, double e0, double *ebest)
{
    const double c = 0.5 * (3.0 - sqrt(5.0)), eps = 1e-11;
    const double tabs = 1e-3 * DBL_EPSILON * (fabs(lo) + fabs(hi)) + DBL_MIN;
    double a = lo, b = hi;
    double x = x0, w = x0, v = x0;
    double fx = -sg * e0, fw = fx, fv = fx;
    double d = 0.0, e = 0.0;
    for (int it = 0; it < 100; it++) {
        double m = 0.5 * (a + b), tol = eps * fabs(x) + tabs, t2 = 2.0 * tol;
        if (fabs(x - m) <= t2 - 0.5 * (b - a)) break;
        double p = 0.0, q = 0.0, r = 0.0;
        if (fabs(e) > tol) { /* parabola through x, w, v */
            r = (x - w) * (fx - fv);
            q = (x - v) * (fx - fw);
            p = (x - v) * q - (x - w) * r;
            q = 2.0 * (q - r);
            if (q > 0.0) p = -p;
            else q = -q;
            r = e;
            e = d;
        }
        if (fabs(p) < fabs(0.5 * q * r) && p > q * (a - x) && p < q * (b - x)) {
            d = p / q;
            double u = x + d;
            if (u - a < t2 || b - u < t2) d = x < m ? tol : -tol;
        } else { /* golden section */
            e = (x < m ? b : a) - x;
            d = c * e;
        }
        double u = x + (fabs(d) >= tol ? d : d > 0.0 ? tol : -tol);
        if (!(u > lo && u < hi)) break;
        double fu = -sg * mm_err_at(pb, sol, u);
        if (isnan(fu)) break;
        if (fu <= fx) {
            if (u < x) b = x;
            else a = x;
            v = w, fv = fw;
            w = x, fw = fx;
            x = u, fx = fu;
        } else {
            if (u < x) a = u;
            else b = u;
            if (fu <= fw || w == x) {
                v = w, fv = fw;
                w = u, fw = fu;
            } else if (fu <= fv || v == x || v == w) {
                v = u, fv = fu;
            }
        }
    }
    *ebest = -sg * fx;
    return x;
}

ua_status mm_find_extrema(mm_problem *pb, const mm_sol *sol, mm_extrema *ex)
{
    size_t M = pb->M;
    *ex = (mm_extrema){0};
    double *e = ua_calloc(M, sizeof *e);
    ex->x = ua_calloc(M, sizeof *ex->x);
    ex->e = ua_calloc(M, sizeof *ex->e);
    if (!e || !ex->x || !ex->e) {
        free(e);
        mm_extrema_clear(ex);
        return UA_ENOMEM_ERR(3 * M * sizeof(double));
    }
    const long Ml = (long)M;
    /* threads only where the work outweighs their start-up: this runs once per iteration */
    const int par = M * (sol->np + sol->nq + 1) > 100000;
#pragma omp parallel for schedule(static) if (par)
    for (long j = 0; j < Ml; j++) e[j] = mm_err_with(pb, sol, pb->gx[j], pb->gg[j], pb->gw[j]);
    /* the discrete extrema of the signed error, then each refined (independently, in parallel) */
    size_t *idx = ua_calloc(M, sizeof *idx);
    if (!idx) {
        free(e);
        mm_extrema_clear(ex);
        return UA_ENOMEM_ERR(M * sizeof *idx);
    }
    size_t k = 0;
    for (size_t j = 0; j < M; j++) {
        double ej = e[j];
        if (ej == 0.0 || isnan(ej)) continue;
        double prev = j > 0 ? e[j - 1] : (ej > 0 ? -INFINITY : INFINITY);
        double next = j + 1 < M ? e[j + 1] : (ej > 0 ? -INFINITY : INFINITY);
        if (ej > 0 ? (ej > prev && ej >= next) : (ej < prev && ej <= next)) idx[k++] = j;
    }
    const long kl = (long)k;
#pragma omp parallel for schedule(dynamic, 1) if (kl > 32)
    for (long i = 0; i < kl; i++) {
        size_t j = idx[i];
        double ej = e[j], xr = pb->gx[j], er = ej;
        if (j > 0 && j + 1 < M && isfinite(ej)) {
            double eb;
            double xb = brent_max(pb, sol, pb->gx[j - 1], pb->gx[j + 1], ej > 0 ? 1.0 : -1.0,
                                  pb->gx[j], ej, &eb);
            if (fabs(eb) > fabs(er) && (eb > 0) == (er > 0)) xr = xb, er = eb;
        }
        ex->x[i] = xr;
        ex->e[i] = er;
    }
    ex->n = k;
    double best = -1.0, xbest = pb->gx[0];
    for (size_t i = 0; i < k; i++)
        if (fabs(ex->e[i]) > best) best = fabs(ex->e[i]), xbest = ex->x[i];
    free(idx);
    /* the refined points stay inside their brackets, so the order is kept */
    ex->maxabs = best < 0 ? 0.0 : best;
    ex->xmax = xbest;
    free(e);
    return UA_OK;
}

size_t mm_select_reference(const mm_extrema *ex, size_t need, double *ref, double *eref)
{
    size_t n = ex->n;
    if (n == 0) return 0;
    double *x = malloc(n * sizeof *x), *e = malloc(n * sizeof *e);
    if (!x || !e) {
        free(x);
        free(e);
        return 0;
    }
    size_t k = 0;
    for (size_t i = 0; i < n; i++) { /* merge runs of one sign into their largest member */
        if (k > 0 && (e[k - 1] > 0) == (ex->e[i] > 0)) {
            if (fabs(ex->e[i]) > fabs(e[k - 1])) x[k - 1] = ex->x[i], e[k - 1] = ex->e[i];
        } else {
            x[k] = ex->x[i];
            e[k] = ex->e[i];
            k++;
        }
    }
    while (k > need) {
        size_t drop, ndrop = 1;
        if (k == need + 1) {
            drop = fabs(e[0]) < fabs(e[k - 1]) ? 0 : k - 1;
        } else {
            size_t imin = 0;
            for (size_t i = 1; i < k; i++)
                if (fabs(e[i]) < fabs(e[imin])) imin = i;
            if (imin == 0 || imin == k - 1) drop = imin;
            else {
                drop = fabs(e[imin - 1]) < fabs(e[imin + 1]) ? imin - 1 : imin;
                ndrop = 2; /* an adjacent pair: the rest still alternates */
            }
        }
        memmove(x + drop, x + drop + ndrop, (k - drop - ndrop) * sizeof *x);
        memmove(e + drop, e + drop + ndrop, (k - drop - ndrop) * sizeof *e);
        k -= ndrop;
    }
    memcpy(ref, x, k * sizeof *x);
    if (eref) memcpy(eref, e, k * sizeof *e);
    free(x);
    free(e);
    return k;
}
