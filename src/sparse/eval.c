/*
 * Evaluating a sparse grid interpolant.
 *
 * clenshaw-curtis: per dimension, the Lagrange values of every node up to the largest level at
 * t_i (barycentric formula, rule1d.c: O(2^l) per level), then per block the tensor sum
 * sum_j c_j prod_i v_i[j_i] over the dimensions of level > 0 only: an odometer over the leading
 * ones keeps their partial products and the last is an inner dot product, so a block costs about
 * one multiply-add per point. The barycentric
 * form was chosen over Chebyshev coefficients per block because the surpluses are the fit's own
 * output in any admissible order (no transform per block after a refinement), and the exported C
 * runs the same loops on the same tables (export.c).
 *
 * localp: sum over points of c_p prod_i phi_i(t_i), each product stopped at its first zero factor
 * (most points' supports miss t).
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

/* The blocks [0, nb) (those <= below, when given; those of level > 0 in dimension skip0, when
 * skip0 < d) summed with the 1-D tables v[i] by id. */
static double cc_sum(const ua_sparse *g, const double *const *v, size_t nb, const uint32_t *below,
                     size_t skip0)
{
    const size_t d = g->d;
    double sum = 0.0, pp[UA_PROBLEM_MAX_DIM + 1];
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
            sum += c[0];
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
            sum += pp[last] * dot;
            size_t k = last;
            while (k > 0 && ++m[k - 1] == nn[k - 1]) m[--k] = 0;
            if (k == 0) break;
            for (size_t r = k - 1; r < last; r++) pp[r + 1] = pp[r] * vb[r][m[r]];
        }
    }
    return sum;
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

/* The local rule at many points: the same sum as eval_local, in the same order and with the same
 * products (so bitwise equal to it and to the export), but each point's 1-D basis values come
 * from a table per dimension over the distinct node ids of that dimension, computed once per
 * evaluation point (a few dozen ids) instead of once per grid point and dimension. The tables'
 * index of every grid point, cidx (n, d), is found once per call by binary search. */
typedef struct {
    uint32_t *uid[UA_PROBLEM_MAX_DIM]; /* the distinct ids of dimension i, sorted */
    size_t nu[UA_PROBLEM_MAX_DIM];
    double *b[UA_PROBLEM_MAX_DIM];     /* (nu[i],) basis values at the current point */
    uint32_t *cidx;                    /* (n, d) */
} local_tables;

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

static void local_tables_free(local_tables *lt, size_t d)
{
    for (size_t i = 0; i < d; i++) {
        free(lt->uid[i]);
        free(lt->b[i]);
    }
    free(lt->cidx);
}

static ua_status local_tables_make(const ua_sparse *g, local_tables *lt)
{
    const size_t d = g->d, n = g->n;
    memset(lt, 0, sizeof *lt);
    lt->cidx = malloc(n * d * sizeof *lt->cidx);
    if (!lt->cidx) return UA_ENOMEM_ERR(n * d * sizeof *lt->cidx);
    for (size_t i = 0; i < d; i++) {
        uint32_t *u = malloc(n * sizeof *u);
        lt->uid[i] = u;
        if (!u) return UA_ENOMEM_ERR(n * sizeof *u);
        for (size_t p = 0; p < n; p++) u[p] = g->node[p * d + i];
        qsort(u, n, sizeof *u, cmp_u32);
        size_t m = 0;
        for (size_t p = 0; p < n; p++)
            if (m == 0 || u[p] != u[m - 1]) u[m++] = u[p];
        lt->nu[i] = m;
        lt->b[i] = malloc(m * sizeof *lt->b[i]);
        if (!lt->b[i]) return UA_ENOMEM_ERR(m * sizeof *lt->b[i]);
        for (size_t p = 0; p < n; p++) {
            uint32_t id = g->node[p * d + i];
            size_t lo = 0, hi = m; /* u[lo] <= id < u[hi] */
            while (hi - lo > 1) {
                size_t mid = lo + (hi - lo) / 2;
                if (u[mid] <= id) lo = mid;
                else hi = mid;
            }
            lt->cidx[p * d + i] = (uint32_t)lo;
        }
    }
    return UA_OK;
}

static double eval_local_tables(const ua_sparse *g, const local_tables *lt, const double *t)
{
    const size_t d = g->d;
    for (size_t i = 0; i < d; i++)
        for (size_t k = 0; k < lt->nu[i]; k++)
            lt->b[i][k] = ua_sparse_local_basis(lt->uid[i][k], g->order, t[i]);
    double sum = 0.0;
    for (size_t p = 0; p < g->n; p++) {
        const uint32_t *c = lt->cidx + p * d;
        double v = g->surplus[p];
        for (size_t i = 0; i < d && v != 0.0; i++) v *= lt->b[i][c[i]];
        sum += v;
    }
    return sum;
}

ua_status ua_sparse_predict(const ua_sparse *g, const double *x, size_t n, double *y)
{
    double t[UA_PROBLEM_MAX_DIM];
    if (g->rule == UA_SPARSE_LOCALP && n > 1) {
        local_tables lt;
        ua_status s = local_tables_make(g, &lt);
        if (s == UA_OK)
            for (size_t r = 0; r < n; r++) {
                y[r] = ua_sparse_to_t(g, x + r * g->d, t) ? eval_local_tables(g, &lt, t) : NAN;
            }
        local_tables_free(&lt, g->d);
        return s;
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
