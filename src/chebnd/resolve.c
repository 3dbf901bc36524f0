/*
 * Phase 2 of both constructions (Townsend & Trefethen 2013, section 2.2; Hashemi & Trefethen
 * 2017, section 3): the r pivot fibers found on the coarse grid are sampled along their variable
 * on nested Chebyshev grids n, 2n - 1, 4n - 3, ... (each level reuses every value of the one
 * before, so only the new points cost calls of f), the elimination of the coarse grid is applied
 * to them again (fiber_k minus sum_{l<k} fiber_l W[l, k]), and the grid stops growing when
 * standardChop (Aurentz & Trefethen 2017) resolves every fiber.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "chebtech/chebtech.h"
#include "internal.h"

/* res (r, n) := the eliminated fibers of vals (r, n), and the chopped length of each in *lens
 * (0: not resolved) at the absolute level tolabs; cf (r, n) their coefficients. */
static ua_status chop_all(size_t r, size_t n, const double *vals, const double *W, double tolabs,
                          double *res, double *cf, size_t *lens)
{
    for (size_t k = 0; k < r; k++) {
        double *rk = res + k * n;
        memcpy(rk, vals + k * n, n * sizeof *rk);
        for (size_t l = 0; l < k; l++) {
            double w = W[l * r + k];
            if (w == 0.0) continue;
            const double *rl = res + l * n;
            for (size_t j = 0; j < n; j++) rk[j] -= rl[j] * w;
        }
    }
    ua_status s = ua_cheb_vals2coeffs_many(n, r, res, cf);
    if (s) return s;
    for (size_t k = 0; k < r; k++) {
        const double *rk = res + k * n;
        double amax = 0.0;
        for (size_t j = 0; j < n; j++) amax = fmax(amax, fabs(rk[j]));
        if (amax == 0.0) {
            lens[k] = 1;
            continue;
        }
        /* relative to the fiber's own size: its chop error enters f scaled by about 1 (complete
         * pivoting keeps the other factor and the pivot of the same size) */
        double tau = tolabs / amax;
        if (tau < 0x1p-52) tau = 0x1p-52;
        if (tau > 0.5) tau = 0.5;
        lens[k] = ua_cheb_standard_chop(cf + k * n, n, tau);
    }
    return UA_OK;
}

ua_status ua_chebnd_resolve(ua_chebnd_fn *fn, size_t var, size_t r, const double *anchor,
                            const double *W, size_t n0, const double *init, double tolabs,
                            size_t max_length, double **coeffs, size_t *len, int *resolved)
{
    *coeffs = NULL;
    *len = 0;
    *resolved = 0;
    const size_t d = fn->d;
    size_t n = n0, cap = n0;
    double *vals = NULL, *res = NULL, *cf = NULL, *pts = NULL, *fv = NULL, *grid = NULL;
    size_t *lens = ua_calloc(r, sizeof *lens);
    ua_status s = UA_OK;
    if (!lens) return UA_ENOMEM_ERR(r * sizeof *lens);
    if (!(vals = ua_calloc(r * n, sizeof *vals))) goto nomem;
    if (init) memcpy(vals, init, r * n * sizeof *vals);
    else {
        if (!(grid = ua_calloc(n, sizeof *grid)) || !(pts = ua_calloc(r * n * d, sizeof *pts)))
            goto nomem;
        ua_cheb_points_on(n, fn->lo[var], fn->hi[var], grid);
        for (size_t k = 0; k < r; k++)
            for (size_t j = 0; j < n; j++) {
                memcpy(pts + (k * n + j) * d, anchor + k * d, d * sizeof *pts);
                pts[(k * n + j) * d + var] = grid[j];
            }
        if ((s = ua_chebnd_eval(fn, pts, r * n, vals))) goto fail;
        free(grid);
        free(pts);
        grid = pts = NULL;
    }
    for (;;) {
        free(res);
        free(cf);
        res = ua_calloc(r * n, sizeof *res);
        cf = ua_calloc(r * n, sizeof *cf);
        if (!res || !cf) goto nomem;
        if ((s = chop_all(r, n, vals, W, tolabs, res, cf, lens))) goto fail;
        int all = 1;
        size_t L = 1;
        for (size_t k = 0; k < r; k++) {
            if (!lens[k]) all = 0;
            if (lens[k] > L) L = lens[k];
        }
        size_t m = 2 * n - 1;
        /* --max-length, and a bound on the work arrays (r m doubles each, four of them): a
         * kink makes every fiber unresolvable, and 256 fibers of 65537 would take 0.5 GB */
        int stop = all || m > max_length || r * m > UA_CHEBND_MAX_FIBER_VALUES;
        double *nv = NULL;
        if (!stop) { /* the next level: even points from this one, odd ones new */
            size_t nnew = n - 1;
            if (!(nv = ua_calloc(r * m, sizeof *nv)) || !(grid = ua_calloc(m, sizeof *grid)) ||
                !(pts = ua_calloc(r * nnew * d, sizeof *pts)) ||
                !(fv = ua_calloc(r * nnew, sizeof *fv))) {
                free(nv);
                goto nomem;
            }
            ua_cheb_points_on(m, fn->lo[var], fn->hi[var], grid);
            for (size_t k = 0; k < r; k++)
                for (size_t j = 0; j < nnew; j++) {
                    memcpy(pts + (k * nnew + j) * d, anchor + k * d, d * sizeof *pts);
                    pts[(k * nnew + j) * d + var] = grid[2 * j + 1];
                }
            s = ua_chebnd_eval(fn, pts, r * nnew, fv);
            if (s == UA_ENOTRESOLVED && fn->over) { /* the budget: keep this level */
                free(nv);
                stop = 1;
                s = UA_OK;
            } else if (s) {
                free(nv);
                goto fail;
            } else {
                for (size_t k = 0; k < r; k++)
                    for (size_t j = 0; j < m; j++)
                        nv[k * m + j] = j % 2 ? fv[k * nnew + j / 2] : vals[k * n + j / 2];
            }
            free(grid);
            free(pts);
            free(fv);
            grid = pts = fv = NULL;
        }
        if (stop) {
            if (!all) L = n; /* not resolved: every coefficient there is */
            double *out = ua_calloc(r * L, sizeof *out);
            if (!out) goto nomem;
            for (size_t k = 0; k < r; k++) memcpy(out + k * L, cf + k * n, L * sizeof *out);
            *coeffs = out;
            *len = L;
            *resolved = all;
            break;
        }
        free(vals);
        vals = nv;
        n = m;
        if (n > cap) cap = n;
    }
    free(vals);
    free(res);
    free(cf);
    free(lens);
    return UA_OK;
nomem:
    s = UA_ENOMEM_ERR(r * cap * 2 * sizeof(double));
fail:
    free(vals);
    free(res);
    free(cf);
    free(pts);
    free(fv);
    free(grid);
    free(lens);
    return s;
}
