/*
 * The d = 2 construction, Chebfun2's (Townsend & Trefethen, "An extension of Chebfun to two
 * dimensions", SIAM J. Sci. Comput. 35(6), 2013):
 *   phase 1: Gaussian elimination with complete pivoting (adaptive cross approximation) on the
 *            values of f on an n x n Chebyshev grid, n = 17, 33, 65, ...: at most (n - 1) / 4
 *            pivots; the grid grows until the elimination stops below that limit (the pivot falls
 *            under the tolerance);
 *   phase 2: the pivot columns and rows are resampled on nested 1-D Chebyshev grids until
 *            standardChop resolves each (src/chebnd/resolve.c);
 *   phase 3: a sample test against f at 32 fixed points; failing it grows the grid again.
 * The result is f ~ sum_k (1 / p_k) c_k(y) r_k(x) with the residual columns c_k and rows r_k as
 * Chebyshev series.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "chebtech/chebtech.h"
#include "internal.h"

void ua_chebnd_aca(double *A, size_t m, size_t n, size_t rmax, double thr, size_t *pi, size_t *pj,
                   double *pv, double *C, double *R, size_t *r, double *res)
{
    size_t k = 0, bi = 0, bj = 0;
    double amax = -1.0;
    for (size_t i = 0; i < m * n; i++)
        if (fabs(A[i]) > amax) {
            amax = fabs(A[i]);
            bi = i / n;
            bj = i % n;
        }
    while (k < rmax && amax > thr) {
        double p = A[bi * n + bj];
        double *c = C + k * m, *row = R + k * n;
        for (size_t i = 0; i < m; i++) c[i] = A[i * n + bj];
        memcpy(row, A + bi * n, n * sizeof *row);
        pi[k] = bi;
        pj[k] = bj;
        pv[k] = p;
        k++;
        amax = -1.0;
        for (size_t i = 0; i < m; i++) {
            double f = c[i] / p;
            double *a = A + i * n;
            for (size_t j = 0; j < n; j++) {
                a[j] -= f * row[j];
                if (fabs(a[j]) > amax) {
                    amax = fabs(a[j]);
                    bi = i;
                    bj = j;
                }
            }
        }
        /* the pivot's own row and column are zero in exact arithmetic: make them so */
        for (size_t i = 0; i < m; i++) A[i * n + pj[k - 1]] = 0.0;
        memset(A + pi[k - 1] * n, 0, n * sizeof *A);
        if (A[bi * n + bj] == 0.0) {
            amax = 0.0;
            for (size_t i = 0; i < m * n; i++)
                if (fabs(A[i]) > amax) {
                    amax = fabs(A[i]);
                    bi = i / n;
                    bj = i % n;
                }
        }
    }
    *r = k;
    *res = amax < 0.0 ? 0.0 : amax;
}

/* The largest |difference quotient| of the grid values F (n, n) along x (rows) and y
 * (columns): Chebfun2's estimate of the gradient (GetTol). */
static void grid_slopes(const double *F, size_t n, const double *xs, const double *ys, double *jx,
                        double *jy)
{
    *jx = *jy = 0.0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j + 1 < n; j++) {
            *jx = fmax(*jx, fabs(F[i * n + j + 1] - F[i * n + j]) / (xs[j + 1] - xs[j]));
            *jy = fmax(*jy, fabs(F[(j + 1) * n + i] - F[j * n + i]) / (ys[j + 1] - ys[j]));
        }
}

/* One level of the construction on the n x n grid F (row i: y_i, column j: x_j). *out the model
 * (may be not resolved: *ok 0 with the reason), *rank_fail set when the elimination hit its
 * limit; then, when may_grow, *out is NULL: the caller refines the grid before phase 2. */
static ua_status level2(ua_chebnd_fn *fn, const ua_chebnd_opts *o, const double *F, size_t n,
                        const double *xs, const double *ys, int may_grow, ua_chebnd **out,
                        int *rank_fail, ua_chebnd_report *rep, int *ok)
{
    *out = NULL;
    *ok = 0;
    *rank_fail = 0;
    double vscale = 0.0;
    for (size_t i = 0; i < n * n; i++) vscale = fmax(vscale, fabs(F[i]));
    rep->vscale = fmax(rep->vscale, vscale);
    if (vscale == 0.0) {
        if (!(*out = ua_chebnd_zero(fn->d, fn->lo, fn->hi))) return UA_ENOMEM_ERR(sizeof(ua_chebnd));
        rep->target = o->abs ? o->tol : 0.0;
        rep->floor = 0.0;
        *ok = 1;
        return UA_OK;
    }
    double jx, jy;
    grid_slopes(F, n, xs, ys, &jx, &jy);
    double hx = fmax(fabs(fn->lo[0]), fabs(fn->hi[0])), hy = fmax(fabs(fn->lo[1]), fabs(fn->hi[1]));
    /* GetTol of Chebfun2: n^(2/3) u times the larger of the values' scale and what the rounding
     * of the sample points moves f by */
    double floor = 0x1p-52 * pow((double)n, 2.0 / 3.0) * fmax(vscale, fmax(jx * hx, jy * hy));
    double target = o->abs ? o->tol : o->tol * vscale;
    double thr = fmax(target / 8.0, floor);
    rep->floor = floor;
    rep->target = target;
    size_t rmax = (n - 1) / 4;
    if (rmax > o->max_rank) rmax = o->max_rank;
    if (rmax < 1) rmax = 1;
    double *A = malloc(n * n * sizeof *A), *C = ua_calloc(rmax * n, sizeof *C),
           *R = ua_calloc(rmax * n, sizeof *R), *pv = ua_calloc(rmax, sizeof *pv);
    size_t *pi = ua_calloc(rmax, sizeof *pi), *pj = ua_calloc(rmax, sizeof *pj);
    double *Wc = NULL, *Wr = NULL, *anc = NULL, *init = NULL, *cc = NULL, *rc = NULL;
    ua_status s = UA_OK;
    if (!A || !C || !R || !pv || !pi || !pj) {
        s = UA_ENOMEM_ERR(n * n * sizeof *A);
        goto done;
    }
    memcpy(A, F, n * n * sizeof *A);
    size_t r;
    double res;
    ua_chebnd_aca(A, n, n, rmax, thr, pi, pj, pv, C, R, &r, &res);
    /* A rank that reaches the grid's limit (n-1)/4 may be the grid's, not f's
     * (1/(1+25(x^2+y^2)) at --tol 1e-12: rank 16 on 65^2, 18 on 129^2, and phase 2 on the
     * coarse grid was wasted); it is trusted there only when the last pivot cut the residual by
     * 1000 or more, the sign of an exact rank (Franke's function: rank 4 on 17^2) */
    int at_limit = r >= (n - 1) / 4 && (n - 1) / 4 < o->max_rank && r && res > 1e-3 * fabs(pv[r - 1]);
    *rank_fail = res > thr || (at_limit && may_grow);
    if (*rank_fail && may_grow) goto done; /* a finer grid first (no phase 2 here) */
    /* the elimination's weights: column k = F(:, j_k) - sum_{l<k} c_l R_l(j_k) / p_l, and
     * row k = F(i_k, :) - sum_{l<k} (C_l(i_k) / p_l) r_l */
    Wc = ua_calloc(r * r, sizeof *Wc);
    Wr = ua_calloc(r * r, sizeof *Wr);
    anc = ua_calloc(r * 2, sizeof *anc);
    init = ua_calloc(r * n, sizeof *init);
    if (!Wc || !Wr || !anc || !init) {
        s = UA_ENOMEM_ERR(r * n * sizeof *init);
        goto done;
    }
    for (size_t l = 0; l < r; l++)
        for (size_t k = l + 1; k < r; k++) {
            Wc[l * r + k] = R[l * n + pj[k]] / pv[l];
            Wr[l * r + k] = C[l * n + pi[k]] / pv[l];
        }
    /* columns: functions of y (variable 1) at x = x_{j_k} */
    for (size_t k = 0; k < r; k++) {
        anc[k * 2] = xs[pj[k]];
        for (size_t i = 0; i < n; i++) init[k * n + i] = F[i * n + pj[k]];
    }
    double tolabs = thr;
    /* the elimination failed for good: the model is not resolved whatever phase 2 does, so it
     * keeps the grid's own values (no finer 1-D grids, no large model) */
    size_t maxlen = *rank_fail && n < o->max_length ? n : o->max_length;
    size_t Ly, Lx;
    int okc, okr;
    if ((s = ua_chebnd_resolve(fn, 1, r, anc, Wc, n, init, tolabs, maxlen, &cc, &Ly, &okc)))
        goto done;
    for (size_t k = 0; k < r; k++) {
        anc[k * 2 + 1] = ys[pi[k]];
        memcpy(init + k * n, F + pi[k] * n, n * sizeof *init);
    }
    if ((s = ua_chebnd_resolve(fn, 0, r, anc, Wr, n, init, tolabs, maxlen, &rc, &Lx, &okr)))
        goto done;
    size_t rank[3] = {r, r, 0}, len[3] = {Lx, Ly, 0};
    ua_chebnd *m = ua_chebnd_alloc(2, fn->lo, fn->hi, rank, len);
    if (!m) {
        s = UA_ENOMEM_ERR(r * (Lx + Ly) * sizeof(double));
        goto done;
    }
    memcpy(m->fac[0], rc, r * Lx * sizeof(double));
    memcpy(m->fac[1], cc, r * Ly * sizeof(double));
    for (size_t k = 0; k < r; k++) m->core[k] = 1.0 / pv[k];
    m->grid = n;
    *out = m;
    if (*rank_fail)
        snprintf(rep->reason, sizeof rep->reason,
                 "rank %zu reached its limit (--max-rank %zu; the %zu x %zu grid allows %zu%s) "
                 "with a pivot %.3g above the tolerance %.3g",
                 r, o->max_rank, n, n, (n - 1) / 4,
                 fn->budget != SIZE_MAX ? "; --max-evals may have left no room for a finer grid"
                                        : "", res, thr);
    else if (!okc || !okr)
        snprintf(rep->reason, sizeof rep->reason,
                 "the %s were not resolved with %zu coefficients (--max-length %zu; phase 2 holds at most 1048576 values per variable%s)",
                 !okc ? "columns (in y)" : "rows (in x)", !okc ? Ly : Lx, o->max_length,
                 fn->over ? ", or --max-evals" : "");
    *ok = !*rank_fail && okc && okr;
done:
    free(A);
    free(C);
    free(R);
    free(pv);
    free(pi);
    free(pj);
    free(Wc);
    free(Wr);
    free(anc);
    free(init);
    free(cc);
    free(rc);
    return s;
}

ua_status ua_chebnd_build2(ua_chebnd_fn *fn, const ua_chebnd_opts *o, ua_chebnd **out,
                           ua_chebnd_report *rep)
{
    *out = NULL;
    memset(rep, 0, sizeof *rep);
    ua_chebnd *best = NULL;
    double *F = NULL, *prev = NULL, *xs = NULL, *ys = NULL, *pts = NULL, *fv = NULL;
    size_t n = 17, np = 0;
    ua_status s = UA_OK;
    for (;;) {
        /* the grid: values at the even indices come from the previous level */
        F = ua_calloc(n * n, sizeof *F);
        xs = ua_calloc(n, sizeof *xs);
        ys = ua_calloc(n, sizeof *ys);
        size_t nnew = prev ? n * n - np * np : n * n;
        pts = ua_calloc(nnew * 2, sizeof *pts);
        fv = ua_calloc(nnew, sizeof *fv);
        if (!F || !xs || !ys || !pts || !fv) {
            s = UA_ENOMEM_ERR(n * n * 3 * sizeof(double));
            break;
        }
        ua_cheb_points_on(n, fn->lo[0], fn->hi[0], xs);
        ua_cheb_points_on(n, fn->lo[1], fn->hi[1], ys);
        size_t q = 0;
        for (size_t i = 0; i < n; i++)
            for (size_t j = 0; j < n; j++)
                if (!prev || i % 2 || j % 2) {
                    pts[q * 2] = xs[j];
                    pts[q * 2 + 1] = ys[i];
                    q++;
                }
        s = ua_chebnd_eval(fn, pts, q, fv);
        if (s == UA_ENOTRESOLVED && fn->over) {
            if (best) {
                snprintf(rep->reason, sizeof rep->reason,
                         "--max-evals %zu: no budget for the %zu x %zu grid", fn->budget, n, n);
                s = UA_ENOTRESOLVED;
            } else
                s = UA_ERR(UA_EINVAL, "--max-evals %zu is below the first grid's %zu points",
                           fn->budget, q);
            break;
        }
        if (s) break;
        q = 0;
        for (size_t i = 0; i < n; i++)
            for (size_t j = 0; j < n; j++)
                F[i * n + j] = !prev || i % 2 || j % 2 ? fv[q++] : prev[(i / 2) * np + j / 2];
        ua_chebnd *m = NULL;
        int rank_fail, ok;
        size_t next = 2 * n - 1;
        /* a finer grid when the rank found reaches the grid's limit (n-1)/4, unless that is
         * already --max-rank */
        int budget_ok = fn->budget == SIZE_MAX ||
                        (fn->evals <= fn->budget && next * next - n * n <= fn->budget - fn->evals);
        int can_grow = next <= o->max_grid && (n - 1) / 4 < o->max_rank && budget_ok;
        s = level2(fn, o, F, n, xs, ys, can_grow, &m, &rank_fail, rep, &ok);
        if (s) break;
        if (m) {
            ua_chebnd_free(best);
            best = m;
            m->resolved = ok;
            if ((s = ua_chebnd_finish(m))) break;
        }
        can_grow = next <= o->max_grid && !fn->over;
        if (m && !ok) break; /* phase 2 hit --max-length or the budget: a finer grid won't help */
        if (ok) { /* phase 3 */
            char grid[64];
            int done = 0;
            snprintf(grid, sizeof grid, "the %zu x %zu grid", n, n);
            s = ua_chebnd_phase3(fn, m, rep, grid, &done);
            if (s || done) break;
        }
        if (!can_grow) break;
        free(prev);
        prev = F;
        F = NULL;
        np = n;
        n = next;
        free(xs);
        free(ys);
        free(pts);
        free(fv);
        xs = ys = pts = fv = NULL;
    }
    free(F);
    free(prev);
    free(xs);
    free(ys);
    free(pts);
    free(fv);
    if (s && s != UA_ENOTRESOLVED) {
        ua_chebnd_free(best);
        return s;
    }
    best->evaluations = (double)fn->evals;
    *out = best;
    if (!best->resolved && !rep->reason[0])
        snprintf(rep->reason, sizeof rep->reason, "not resolved");
    return best->resolved ? UA_OK : UA_ENOTRESOLVED;
}
