/*
 * Evaluating a sparse grid interpolant.
 *
 * clenshaw-curtis: per dimension, the Lagrange values of every node up to the largest level at
 * t_i (barycentric formula, rule1d.c: O(2^l) per level), then per block the tensor sum
 * sum_j c_j prod_i v_i[j_i] over the dimensions of level > 0 only: an odometer over the leading
 * ones keeps their partial products and the last is an inner dot product, so a block costs about
 * one multiply-add per point. The rows (one dot product times its partial product each) are added
 * into the result by compensated summation (two_sum_add: Knuth's TwoSum on the running sum, its
 * errors summed apart and added at the end; Ogita, Rump and Oishi 2005, Sum2), so the sum of the
 * rows is off by at most u |sum| + gamma_{R-1}^2 sum |row| (R rows) instead of about u per row
 * times the running sum (bounds.c, docs/prove.md). The barycentric
 * form was chosen over Chebyshev coefficients per block because the surpluses are the fit's own
 * output in any admissible order (no transform per block after a refinement), and the exported C
 * runs the same loops on the same tables (export.c).
 *
 * localp: sum over points of c_p prod_i phi_i(t_i), each product stopped at its first zero factor;
 * ua_sparse_predict descends the tree of supports instead (tree.c), visiting only the points
 * whose support holds t, with the same sum.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

size_t ua_sparse_work_size(const ua_sparse *g)
{
    size_t w = 0;
    if (g->rule == UA_SPARSE_CC)
        for (size_t i = 0; i < g->d; i++) w += ua_sparse_nodes_upto(g->maxlevel[i]);
    return w + 1;
}

/* *s + *c += x by Knuth's TwoSum (six additions, error-free: t + e = *s + x exactly in round to
 * nearest without overflow; Knuth, TAOCP vol. 2, 4.2.2, Theorem B): *s becomes fl(*s + x) and
 * the rounding error e is added to the compensation *c. The caller's result is fl(*s + *c) after
 * the last row (Ogita, Rump and Oishi, SIAM J. Sci. Comput. 26(6), 2005, Algorithm 4.4 Sum2).
 * The order of operations is that of export.c's emitted code (bitwise the same where the
 * compiler neither contracts nor reassociates). */
static inline void two_sum_add(double *s, double *c, double x)
{
    double t = *s + x, z = t - *s;
    *c += (*s - (t - z)) + (x - z);
    *s = t;
}

/* The blocks [0, nb) (those <= below, when given; those of level > 0 in dimension skip0, when
 * skip0 < d) summed with the 1-D tables v[i] by id; the rows added by two_sum_add. */
static double cc_sum(const ua_sparse *g, const double *const *v, size_t nb, const uint32_t *below,
                     size_t skip0)
{
    const size_t d = g->d;
    double sum = 0.0, comp = 0.0, pp[UA_PROBLEM_MAX_DIM + 1];
    size_t m[UA_PROBLEM_MAX_DIM], nn[UA_PROBLEM_MAX_DIM];
    const double *vb[UA_PROBLEM_MAX_DIM];
    for (size_t b = 0; b < nb; b++) {
        const uint32_t *lv = g->blevel + b * d;
        if (below) {
            size_t i = 0;
            while (i < d && lv[i] <= below[i]) i++;
            if (i < d) continue; /* not dominated: its basis vanishes at the nodes of below */
        }
        if (skip0 < d && lv[skip0] == 0) continue; /* a derivative's table: level 0 gives 0 */
        /* the dimensions of level > 0 (level 0's only value is exactly 1) */
        size_t na = 0;
        for (size_t i = 0; i < d; i++)
            if (lv[i]) {
                vb[na] = v[i] + ua_sparse_first_id((int)lv[i]);
                nn[na++] = ua_sparse_nodes_new((int)lv[i]);
            }
        const double *c = g->surplus + g->boff[b];
        size_t cnt = g->boff[b + 1] - g->boff[b];
        if (na == 0) {
            two_sum_add(&sum, &comp, c[0]);
            continue;
        }
        /* an odometer over the leading active dimensions keeps their partial products; the last
         * (fastest in the row-major block) is an inner dot product */
        const size_t last = na - 1, nl = nn[last];
        const double *vl = vb[last];
        pp[0] = 1.0;
        for (size_t k = 0; k < last; k++) {
            m[k] = 0;
            pp[k + 1] = pp[k] * vb[k][0];
        }
        for (size_t j = 0; j < cnt; j += nl) {
            double dot = 0.0;
            for (size_t q = 0; q < nl; q++) dot += c[j + q] * vl[q];
            two_sum_add(&sum, &comp, pp[last] * dot);
            size_t k = last;
            while (k > 0 && ++m[k - 1] == nn[k - 1]) m[--k] = 0;
            if (k == 0) break;
            for (size_t r = k - 1; r < last; r++) pp[r + 1] = pp[r] * vb[r][m[r]];
        }
    }
    return sum + comp;
}

double ua_sparse_cc_sum(const ua_sparse *g, const double *const *v, size_t skip0)
{
    return cc_sum(g, v, g->nblocks, NULL, skip0);
}

static double eval_cc(const ua_sparse *g, const double *t, size_t nb, const uint32_t *below,
                      double *work)
{
    const double *v[UA_PROBLEM_MAX_DIM];
    double *w = work;
    for (size_t i = 0; i < g->d; i++) {
        int ml = g->maxlevel[i];
        if (below && (int)below[i] < ml) ml = (int)below[i];
        ua_sparse_cc_values(t[i], ml, w);
        v[i] = w;
        w += ua_sparse_nodes_upto(g->maxlevel[i]);
    }
    return cc_sum(g, v, nb, below, SIZE_MAX);
}

static double eval_local(const ua_sparse *g, const double *t, size_t np)
{
    const size_t d = g->d;
    double sum = 0.0;
    for (size_t p = 0; p < np; p++) {
        const uint32_t *nd = g->node + p * d;
        double v = g->surplus[p];
        for (size_t i = 0; i < d && v != 0.0; i++) v *= ua_sparse_local_basis(nd[i], g->order, t[i]);
        sum += v;
    }
    return sum;
}

double ua_sparse_eval_t(const ua_sparse *g, const double *t, size_t nb, size_t np, double *work)
{
    return g->rule == UA_SPARSE_CC ? eval_cc(g, t, nb, NULL, work) : eval_local(g, t, np);
}

double ua_sparse_eval_below(const ua_sparse *g, const double *t, size_t nb,
                            const uint32_t *below, double *work)
{
    return eval_cc(g, t, nb, below, work);
}

int ua_sparse_to_t(const ua_sparse *g, const double *x, double *t)
{
    /* a point within a few ulps of an edge is the edge (x = hi may map to 1 + 1 ulp); anything
     * further out is outside the box, where the interpolant means nothing: the callers answer
     * NaN, like the other families, instead of the value at the nearest edge */
    const double slack = 1.0 + 8.0 * 0x1p-52;
    int inside = 1;
    for (size_t i = 0; i < g->d; i++) {
        double mid = 0.5 * g->lo[i] + 0.5 * g->hi[i], half = 0.5 * g->hi[i] - 0.5 * g->lo[i];
        double s = (x[i] - mid) / half;
        if (!(fabs(s) <= slack)) inside = 0; /* NaN too */
        t[i] = s < -1.0 ? -1.0 : s > 1.0 ? 1.0 : s == s ? s : 0.0;
    }
    return inside;
}

/* The batch of the clenshaw-curtis evaluation: a constant, so the loops over it vectorise. */
#define CC_BATCH 32

/* clenshaw-curtis at CC_BATCH points at once: the same sum as cc_sum for each point — the blocks
 * in order, per block the odometer's partial products and the inner dot products, the same
 * operations in the same order per point, so bitwise equal — but with the points innermost:
 * V[i] is dimension i's table of Lagrange values (ids, CC_BATCH), and each surplus is loaded
 * once for the batch, whose updates the compiler vectorises. */
static void cc_sum_batch(const ua_sparse *g, const double *const *V, double *restrict sum)
{
    enum { B = CC_BATCH };
    const size_t d = g->d;
    size_t m[UA_PROBLEM_MAX_DIM], nn[UA_PROBLEM_MAX_DIM];
    const double *vb[UA_PROBLEM_MAX_DIM];
    double pp[(UA_PROBLEM_MAX_DIM + 1) * B], dot[B], comp[B];
    for (size_t r = 0; r < B; r++) sum[r] = comp[r] = 0.0;
    for (size_t b = 0; b < g->nblocks; b++) {
        const uint32_t *lv = g->blevel + b * d;
        size_t na = 0;
        for (size_t i = 0; i < d; i++)
            if (lv[i]) {
                vb[na] = V[i] + (size_t)ua_sparse_first_id((int)lv[i]) * B;
                nn[na++] = ua_sparse_nodes_new((int)lv[i]);
            }
        const double *c = g->surplus + g->boff[b];
        size_t cnt = g->boff[b + 1] - g->boff[b];
        if (na == 0) {
            for (size_t r = 0; r < B; r++) two_sum_add(sum + r, comp + r, c[0]);
            continue;
        }
        const size_t last = na - 1, nl = nn[last];
        const double *vl = vb[last];
        for (size_t r = 0; r < B; r++) pp[r] = 1.0;
        for (size_t k = 0; k < last; k++) {
            m[k] = 0;
            for (size_t r = 0; r < B; r++) pp[(k + 1) * B + r] = pp[k * B + r] * vb[k][r];
        }
        const double *pl = pp + last * B;
        for (size_t j = 0; j < cnt; j += nl) {
            /* 0 + c v is c v (up to the sign of a zero, which no sum below can see) */
            for (size_t r = 0; r < B; r++) dot[r] = c[j] * vl[r];
            for (size_t q = 1; q < nl; q++) {
                const double cq = c[j + q], *restrict vq = vl + q * B;
                for (size_t r = 0; r < B; r++) dot[r] += cq * vq[r];
            }
            for (size_t r = 0; r < B; r++) two_sum_add(sum + r, comp + r, pl[r] * dot[r]);
            size_t k = last;
            while (k > 0 && ++m[k - 1] == nn[k - 1]) m[--k] = 0;
            if (k == 0) break;
            for (size_t a = k - 1; a < last; a++) {
                const double *restrict va = vb[a] + m[a] * B;
                for (size_t r = 0; r < B; r++) pp[(a + 1) * B + r] = pp[a * B + r] * va[r];
            }
        }
    }
    for (size_t r = 0; r < B; r++) sum[r] += comp[r];
}

/* clenshaw-curtis at n points in batches (cc_sum_batch). 0 when the tables would pass 64 MiB
 * (a grid of very high levels: the caller evaluates point by point). Errors: UA_ENOMEM. */
static ua_status predict_cc(const ua_sparse *g, const double *x, size_t n, double *y, int *done)
{
    enum { B = CC_BATCH };
    const size_t d = g->d, ws = ua_sparse_work_size(g);
    *done = 0;
    if (ws > ((size_t)1 << 23) / B) return UA_OK;
    double *tab = malloc(ws * B * sizeof *tab), *one = malloc(ws * sizeof *one);
    if (!tab || !one) {
        free(tab), free(one);
        return UA_ENOMEM_ERR(ws * B * sizeof *tab);
    }
    const double *V[UA_PROBLEM_MAX_DIM];
    size_t off[UA_PROBLEM_MAX_DIM + 1];
    off[0] = 0;
    for (size_t i = 0; i < d; i++) {
        off[i + 1] = off[i] + ua_sparse_nodes_upto(g->maxlevel[i]);
        V[i] = tab + off[i] * B;
    }
    double t[UA_PROBLEM_MAX_DIM], sum[B];
    unsigned char inside[B];
    for (size_t r0 = 0; r0 < n; r0 += B) {
        size_t nb = n - r0 < B ? n - r0 : B;
        for (size_t r = 0; r < B; r++) {
            /* a short last batch repeats its first point (its results are not used) */
            size_t row = r0 + (r < nb ? r : 0);
            inside[r] = (unsigned char)ua_sparse_to_t(g, x + row * d, t);
            for (size_t i = 0; i < d; i++) {
                size_t len = off[i + 1] - off[i];
                ua_sparse_cc_values(t[i], g->maxlevel[i], one);
                double *Vi = tab + off[i] * B;
                for (size_t k = 0; k < len; k++) Vi[k * B + r] = one[k];
            }
        }
        cc_sum_batch(g, V, sum);
        for (size_t r = 0; r < nb; r++) y[r0 + r] = inside[r] ? sum[r] : NAN;
    }
    free(tab), free(one);
    *done = 1;
    return UA_OK;
}

ua_status ua_sparse_predict(const ua_sparse *g, const double *x, size_t n, double *y)
{
    double t[UA_PROBLEM_MAX_DIM];
    if (g->rule == UA_SPARSE_LOCALP) {
        /* the descent of the tree (tree.c): only the points whose support holds x */
        ua_sparse_walk w = { 0 };
        ua_status s = UA_OK;
        for (size_t r = 0; r < n && !s; r++) {
            y[r] = NAN;
            if (ua_sparse_to_t(g, x + r * g->d, t)) s = ua_sparse_local_eval(g, t, g->n, &w, y + r);
        }
        ua_sparse_walk_free(&w);
        return s;
    }
    if (g->rule == UA_SPARSE_CC && n > 1) {
        int done = 0;
        ua_status s = predict_cc(g, x, n, y, &done);
        if (s || done) return s;
    }
    double *work = malloc(ua_sparse_work_size(g) * sizeof *work);
    if (!work) return UA_ENOMEM_ERR(ua_sparse_work_size(g) * sizeof(double));
    for (size_t r = 0; r < n; r++) {
        y[r] = ua_sparse_to_t(g, x + r * g->d, t) ? ua_sparse_eval_t(g, t, g->nblocks, g->n, work)
                                                  : NAN;
    }
    free(work);
    return UA_OK;
}
