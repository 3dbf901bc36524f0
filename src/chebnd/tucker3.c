/*
 * The d = 3 construction: a Tucker cross of Chebyshev series (Oseledets, Savostyanov &
 * Tyrtyshnikov, "Tucker dimensionality reduction of three-dimensional arrays in linear time",
 * SIAM J. Matrix Anal. Appl. 30(3), 2008), run as Chebfun3 runs its slice-Tucker construction
 * (Hashemi & Trefethen, "Chebfun in three dimensions", SIAM J. Sci. Comput. 39(5), 2017):
 *   phase 1: f on an n x n x n Chebyshev grid, n = 17, 33, 65, 129; Gaussian elimination with
 *            complete pivoting on each of the three unfoldings (n, n^2) gives the pivot fibers of
 *            each variable and their indices I_0, I_1, I_2, at most (n - 1) / 4 per variable; the
 *            grid grows until every elimination stops below that limit;
 *   phase 2: each variable's pivot fibers are resolved in 1-D (src/chebnd/resolve.c);
 *   core:    G = f(I_0, I_1, I_2) x_0 M_0^{-1} x_1 M_1^{-1} x_2 M_2^{-1}, with M_i the fibers'
 *            values at the pivot indices (lower triangular with the pivots on the diagonal), so
 *            the model interpolates f on the cross I_0 x I_1 x I_2: samples already on the grid;
 *   phase 3: the sample test of d = 2.
 * Why not Chebfun3's slices: the same elimination as d = 2 on all three unfoldings treats the
 * variables alike, needs no 2-D eliminations per slice, and its core costs no call of f.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "chebtech/chebtech.h"
#include "internal.h"

/* The unfolding of T (n, n, n) along mode: A (n, n^2), row t the mode's index, column the other
 * two indices in order (o1 * n + o2). */
static void unfold(const double *T, size_t n, size_t mode, double *A)
{
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++)
            for (size_t k = 0; k < n; k++) {
                double v = T[(i * n + j) * n + k];
                if (mode == 0) A[i * n * n + j * n + k] = v;
                else if (mode == 1) A[j * n * n + i * n + k] = v;
                else A[k * n * n + i * n + j] = v;
            }
}

/* The two other variables of mode, in order. */
static void others(size_t mode, size_t *o1, size_t *o2)
{
    *o1 = mode == 0 ? 1 : 0;
    *o2 = mode == 2 ? 1 : 2;
}

typedef struct {
    size_t r;
    size_t *pi, *pj;
    double *pv, *C, *R;
    double res;
} mode_aca;

static void mode_free(mode_aca *a)
{
    free(a->pi);
    free(a->pj);
    free(a->pv);
    free(a->C);
    free(a->R);
    memset(a, 0, sizeof *a);
}

/* Forward substitution along one mode of G (r0, r1, r2): every fiber t of that mode becomes z
 * with M z = t, M (r, r) lower triangular, M[b][a] = C_a(pivot row b). */
static void solve_mode(double *G, const size_t *r, size_t mode, const mode_aca *a, size_t n)
{
    size_t rm = r[mode];
    size_t stride = mode == 0 ? r[1] * r[2] : mode == 1 ? r[2] : 1;
    for (size_t p = 0; p < r[0] * r[1] * r[2]; p++) {
        if ((p / stride) % rm) continue; /* p starts a fiber when its mode index is 0 */
        double *t = G + p;
        for (size_t b = 0; b < rm; b++) {
            double s = t[b * stride];
            for (size_t c = 0; c < b; c++) s -= a->C[c * n + a->pi[b]] * t[c * stride];
            t[b * stride] = s / a->pv[b];
        }
    }
}

/* One level on the grid T (n^3) with grids g[3]. As level2 of aca2.c. */
static ua_status level3(ua_chebnd_fn *fn, const ua_chebnd_opts *o, const double *T, size_t n,
                        double *const *g, int may_grow, ua_chebnd **out, int *rank_fail,
                        ua_chebnd_report *rep, int *ok)
{
    *out = NULL;
    *ok = 0;
    *rank_fail = 0;
    const size_t n2 = n * n, n3 = n2 * n;
    double vscale = 0.0;
    for (size_t i = 0; i < n3; i++) vscale = fmax(vscale, fabs(T[i]));
    rep->vscale = fmax(rep->vscale, vscale);
    if (vscale == 0.0) {
        if (!(*out = ua_chebnd_zero(3, fn->lo, fn->hi))) return UA_ENOMEM_ERR(sizeof(ua_chebnd));
        rep->target = o->abs ? o->tol : 0.0;
        rep->floor = 0.0;
        *ok = 1;
        return UA_OK;
    }
    /* Chebfun's GetTol, as in d = 2 */
    double slope = 0.0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++)
            for (size_t k = 0; k + 1 < n; k++) {
                size_t ix[3][2] = {{(k * n + i) * n + j, ((k + 1) * n + i) * n + j},
                                   {(i * n + k) * n + j, (i * n + k + 1) * n + j},
                                   {(i * n + j) * n + k, (i * n + j) * n + k + 1}};
                for (size_t v = 0; v < 3; v++) {
                    double h = fmax(fabs(fn->lo[v]), fabs(fn->hi[v]));
                    slope = fmax(slope, h * fabs(T[ix[v][1]] - T[ix[v][0]]) / (g[v][k + 1] - g[v][k]));
                }
            }
    double floor = 0x1p-52 * pow((double)n, 2.0 / 3.0) * fmax(vscale, slope);
    double target = o->abs ? o->tol : o->tol * vscale;
    double thr = fmax(target / 8.0, floor);
    rep->floor = floor;
    rep->target = target;
    size_t rmax = (n - 1) / 4;
    if (rmax > o->max_rank) rmax = o->max_rank;
    if (rmax < 1) rmax = 1;
    mode_aca a[3];
    memset(a, 0, sizeof a);
    double *A = malloc(n3 * sizeof *A), *W = NULL, *anc = NULL, *init = NULL, *cf[3] = {0, 0, 0};
    size_t L[3] = {0, 0, 0};
    int okm[3] = {1, 1, 1};
    ua_status s = UA_OK;
    if (!A) {
        s = UA_ENOMEM_ERR(n3 * sizeof *A);
        goto done;
    }
    for (size_t m = 0; m < 3; m++) {
        a[m].pi = ua_calloc(rmax, sizeof(size_t));
        a[m].pj = ua_calloc(rmax, sizeof(size_t));
        a[m].pv = ua_calloc(rmax, sizeof(double));
        a[m].C = ua_calloc(rmax * n, sizeof(double));
        a[m].R = ua_calloc(rmax * n2, sizeof(double));
        if (!a[m].pi || !a[m].pj || !a[m].pv || !a[m].C || !a[m].R) {
            s = UA_ENOMEM_ERR(rmax * n2 * sizeof(double));
            goto done;
        }
        unfold(T, n, m, A);
        ua_chebnd_aca(A, n, n2, rmax, thr, a[m].pi, a[m].pj, a[m].pv, a[m].C, a[m].R, &a[m].r,
                      &a[m].res);
        /* a rank at the grid's limit may be the grid's (as in d = 2) */
        int at_limit = a[m].r >= (n - 1) / 4 && (n - 1) / 4 < o->max_rank && a[m].r &&
                       a[m].res > 1e-3 * fabs(a[m].pv[a[m].r - 1]);
        if (a[m].res > thr || (at_limit && may_grow)) *rank_fail = 1;
    }
    if (*rank_fail && may_grow) goto done;
    /* phase 2: each variable's fibers (after a failed elimination, only the grid's values:
     * the model is not resolved whatever phase 2 does) */
    size_t maxlen = *rank_fail && n < o->max_length ? n : o->max_length;
    for (size_t m = 0; m < 3; m++) {
        size_t r = a[m].r, o1, o2;
        others(m, &o1, &o2);
        free(W);
        free(anc);
        free(init);
        W = ua_calloc(r * r, sizeof *W);
        anc = ua_calloc(r * 3, sizeof *anc);
        init = ua_calloc(r * n, sizeof *init);
        if (!W || !anc || !init) {
            s = UA_ENOMEM_ERR(r * n * sizeof *init);
            goto done;
        }
        for (size_t l = 0; l < r; l++)
            for (size_t k = l + 1; k < r; k++) W[l * r + k] = a[m].R[l * n2 + a[m].pj[k]] / a[m].pv[l];
        unfold(T, n, m, A);
        for (size_t k = 0; k < r; k++) {
            size_t c = a[m].pj[k];
            anc[k * 3 + o1] = g[o1][c / n];
            anc[k * 3 + o2] = g[o2][c % n];
            for (size_t t = 0; t < n; t++) init[k * n + t] = A[t * n2 + c];
        }
        if ((s = ua_chebnd_resolve(fn, m, r, anc, W, n, init, thr, maxlen, &cf[m], &L[m],
                                   &okm[m])))
            goto done;
    }
    size_t rank[3] = {a[0].r, a[1].r, a[2].r};
    ua_chebnd *md = ua_chebnd_alloc(3, fn->lo, fn->hi, rank, L);
    if (!md) {
        s = UA_ENOMEM_ERR(rank[0] * rank[1] * rank[2] * sizeof(double));
        goto done;
    }
    for (size_t m = 0; m < 3; m++) memcpy(md->fac[m], cf[m], rank[m] * L[m] * sizeof(double));
    for (size_t x = 0; x < rank[0]; x++)
        for (size_t y = 0; y < rank[1]; y++)
            for (size_t z = 0; z < rank[2]; z++)
                md->core[(x * rank[1] + y) * rank[2] + z] =
                    T[(a[0].pi[x] * n + a[1].pi[y]) * n + a[2].pi[z]];
    for (size_t m = 0; m < 3; m++) solve_mode(md->core, rank, m, &a[m], n);
    md->grid = n;
    *out = md;
    if (*rank_fail)
        snprintf(rep->reason, sizeof rep->reason,
                 "Tucker ranks (%zu, %zu, %zu) reached their limit (--max-rank %zu; the %zu^3 grid "
                 "allows %zu%s) above the tolerance %.3g", rank[0], rank[1], rank[2], o->max_rank,
                 n, (n - 1) / 4,
                 fn->budget != SIZE_MAX ? "; --max-evals may have left no room for a finer grid"
                                        : "", thr);
    else
        for (size_t m = 0; m < 3; m++)
            if (!okm[m]) {
                snprintf(rep->reason, sizeof rep->reason,
                         "the factor columns of variable %zu were not resolved with %zu "
                         "coefficients (--max-length %zu; phase 2 holds at most 1048576 values per variable%s)", m + 1, L[m], o->max_length,
                         fn->over ? ", or --max-evals" : "");
                break;
            }
    *ok = !*rank_fail && okm[0] && okm[1] && okm[2];
done:
    for (size_t m = 0; m < 3; m++) {
        mode_free(&a[m]);
        free(cf[m]);
    }
    free(A);
    free(W);
    free(anc);
    free(init);
    return s;
}

ua_status ua_chebnd_build3(ua_chebnd_fn *fn, const ua_chebnd_opts *o, ua_chebnd **out,
                           ua_chebnd_report *rep)
{
    *out = NULL;
    memset(rep, 0, sizeof *rep);
    ua_chebnd *best = NULL;
    double *T = NULL, *prev = NULL, *pts = NULL, *fv = NULL, *g[3] = {NULL, NULL, NULL};
    size_t n = 17, np = 0;
    ua_status s = UA_OK;
    for (;;) {
        size_t n3 = n * n * n, nnew = prev ? n3 - np * np * np : n3;
        T = ua_calloc(n3, sizeof *T);
        pts = ua_calloc(nnew * 3, sizeof *pts);
        fv = ua_calloc(nnew, sizeof *fv);
        for (size_t v = 0; v < 3; v++) g[v] = ua_calloc(n, sizeof(double));
        if (!T || !pts || !fv || !g[0] || !g[1] || !g[2]) {
            s = UA_ENOMEM_ERR(n3 * 5 * sizeof(double));
            break;
        }
        for (size_t v = 0; v < 3; v++) ua_cheb_points_on(n, fn->lo[v], fn->hi[v], g[v]);
        size_t q = 0;
        for (size_t i = 0; i < n; i++)
            for (size_t j = 0; j < n; j++)
                for (size_t k = 0; k < n; k++)
                    if (!prev || i % 2 || j % 2 || k % 2) {
                        pts[q * 3] = g[0][i];
                        pts[q * 3 + 1] = g[1][j];
                        pts[q * 3 + 2] = g[2][k];
                        q++;
                    }
        s = ua_chebnd_eval(fn, pts, q, fv);
        if (s == UA_ENOTRESOLVED && fn->over) {
            if (best) {
                snprintf(rep->reason, sizeof rep->reason,
                         "--max-evals %zu: no budget for the %zu^3 grid", fn->budget, n);
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
                for (size_t k = 0; k < n; k++)
                    T[(i * n + j) * n + k] = !prev || i % 2 || j % 2 || k % 2
                                                 ? fv[q++]
                                                 : prev[((i / 2) * np + j / 2) * np + k / 2];
        free(pts);
        free(fv);
        pts = fv = NULL;
        size_t next = 2 * n - 1;
        int budget_ok = fn->budget == SIZE_MAX ||
                        (fn->evals <= fn->budget &&
                         next * next * next - n3 <= fn->budget - fn->evals);
        int can_grow = next <= o->max_grid && (n - 1) / 4 < o->max_rank && budget_ok;
        ua_chebnd *m = NULL;
        int rank_fail, ok;
        s = level3(fn, o, T, n, g, can_grow, &m, &rank_fail, rep, &ok);
        if (s) break;
        if (m) {
            ua_chebnd_free(best);
            best = m;
            m->resolved = ok;
            if ((s = ua_chebnd_finish(m))) break;
        }
        can_grow = next <= o->max_grid && !fn->over;
        if (m && !ok) break;
        if (ok) {
            char grid[64];
            int done = 0;
            snprintf(grid, sizeof grid, "the %zu^3 grid", n);
            s = ua_chebnd_phase3(fn, m, rep, grid, &done);
            if (s || done) break;
        }
        if (!can_grow) break;
        free(prev);
        prev = T;
        T = NULL;
        np = n;
        n = next;
        for (size_t v = 0; v < 3; v++) {
            free(g[v]);
            g[v] = NULL;
        }
    }
    free(T);
    free(prev);
    free(pts);
    free(fv);
    for (size_t v = 0; v < 3; v++) free(g[v]);
    if (s && s != UA_ENOTRESOLVED) {
        ua_chebnd_free(best);
        return s;
    }
    best->evaluations = (double)fn->evals;
    *out = best;
    if (!best->resolved && !rep->reason[0]) snprintf(rep->reason, sizeof rep->reason, "not resolved");
    return best->resolved ? UA_OK : UA_ENOTRESOLVED;
}
