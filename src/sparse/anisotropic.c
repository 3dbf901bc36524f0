/*
 * Anisotropic refinement of a global grid, after Tasmanian's setAnisotropicRefinement (Stoyanov &
 * Webster, "A dynamically adaptive sparse grid method for quasi-optimal interpolation of
 * multidimensional functions", Comput. Math. Appl. 71, 2016): the decay of the hierarchical
 * surpluses per direction gives anisotropic weights, and the grid grows to the next anisotropic
 * index set of those weights.
 *
 * Weights. Each block l (multi-index) has an indicator s_l, the largest |surplus| of its points.
 * For a function analytic in a polyellipse, the coefficients of a polynomial of degrees p_i decay
 * like exp(-sum_i w_i p_i) (total degree, "iptotal"); for finite smoothness like
 * prod_i (1 + p_i)^-w_i (hyperbolic cross, "iphyperbolic"). With x_i(l) = p_i or log(1 + p_i), p_i
 * the smallest polynomial degree new at level l_i of the nested Clenshaw-Curtis rule (0, 1,
 * 2^(l-1) + 1), the weights are the least-squares fit of log s_l = c - sum_i w_i x_i(l) over the
 * blocks. An exact zero (a direction the target does not depend on) counts as the rounding
 * level 2^-52 max|f| — it decays as fast as anything measurable — rather than being dropped, which
 * would leave its direction without data. A weight <= 1% of the largest (no decay seen) is raised
 * to 1% of it: that direction grows fastest, which is the safe side.
 *
 * Next set. The blocks {l : sum_i w_i x_i(l) <= L} are downward closed (x_i increases with l_i);
 * the refinement adds, in increasing cost sum_i w_i x_i(l), the admissible forward neighbours of
 * the present blocks until at least min_growth new points are planned, then every admissible
 * block of the same cost or less: the smallest anisotropic set of those weights that holds the
 * present grid and grows it by min_growth points.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* x_i(l): the smallest degree new at level l (iptotal), or its log(1 + p) (iphyperbolic). */
static double level_x(uint32_t l, ua_sparse_aniso_type type)
{
    double p = l == 0 ? 0.0 : l == 1 ? 1.0 : ldexp(1.0, (int)l - 1) + 1.0;
    return type == UA_SANISO_IPHYPERBOLIC ? log1p(p) : p;
}

/* Solves A z = b (m, m) in place by Gaussian elimination with partial pivoting; 0 if singular. */
static int solve(double *A, double *b, size_t m)
{
    for (size_t k = 0; k < m; k++) {
        size_t piv = k;
        for (size_t r = k + 1; r < m; r++)
            if (fabs(A[r * m + k]) > fabs(A[piv * m + k])) piv = r;
        if (!(fabs(A[piv * m + k]) > 0.0)) return 0;
        if (piv != k) {
            for (size_t c = 0; c < m; c++) {
                double t = A[k * m + c];
                A[k * m + c] = A[piv * m + c];
                A[piv * m + c] = t;
            }
            double t = b[k];
            b[k] = b[piv];
            b[piv] = t;
        }
        for (size_t r = k + 1; r < m; r++) {
            double f = A[r * m + k] / A[k * m + k];
            for (size_t c = k; c < m; c++) A[r * m + c] -= f * A[k * m + c];
            b[r] -= f * b[k];
        }
    }
    for (size_t k = m; k-- > 0;) {
        double s = b[k];
        for (size_t c = k + 1; c < m; c++) s -= A[k * m + c] * b[c];
        b[k] = s / A[k * m + k];
    }
    return 1;
}

ua_status ua_sparse_aniso_weights(const ua_sparse *g, const double *ind, double scale,
                                  ua_sparse_aniso_type type, double *w)
{
    const size_t d = g->d, m = d + 1;
    double *A = calloc(m * m, sizeof *A), *b = calloc(m, sizeof *b), row[UA_PROBLEM_MAX_DIM + 1];
    if (!A || !b) {
        free(A), free(b);
        return UA_ENOMEM_ERR(m * m * sizeof *A);
    }
    const double floor_s = fmax(scale, 1e-300) * 0x1p-52;
    for (size_t j = 0; j < g->nblocks; j++) {
        /* unknowns (c, w_1 .. w_d): log s = c - sum_i w_i x_i */
        row[0] = 1.0;
        for (size_t i = 0; i < d; i++) row[i + 1] = -level_x(g->blevel[j * d + i], type);
        double rhs = log(fmax(ind[j], floor_s));
        for (size_t r = 0; r < m; r++) {
            for (size_t c = 0; c < m; c++) A[r * m + c] += row[r] * row[c];
            b[r] += row[r] * rhs;
        }
    }
    /* a small ridge on the weights: a direction with a single level is still determined */
    double tr = 0.0;
    for (size_t r = 0; r < m; r++) tr += A[r * m + r];
    for (size_t r = 1; r < m; r++) A[r * m + r] += 1e-10 * tr + 1e-300;
    int ok = solve(A, b, m);
    double wmax = 0.0;
    for (size_t i = 0; i < d; i++) {
        w[i] = ok && isfinite(b[i + 1]) ? b[i + 1] : 0.0;
        wmax = fmax(wmax, w[i]);
    }
    for (size_t i = 0; i < d; i++) w[i] = wmax > 0.0 ? fmax(w[i], 0.01 * wmax) : 1.0;
    free(A), free(b);
    return UA_OK;
}

static double block_cost(const uint32_t *l, const double *w, size_t d, ua_sparse_aniso_type type)
{
    double c = 0.0;
    for (size_t i = 0; i < d; i++) c += w[i] * level_x(l[i], type);
    return c;
}

static size_t block_points(const uint32_t *l, size_t d)
{
    size_t n = 1;
    for (size_t i = 0; i < d; i++) n *= ua_sparse_nodes_new((int)l[i]);
    return n;
}

/* Whether block c (not present) is admissible: every backward neighbour present or planned. */
static int admissible(const ua_sparse *g, const ua_sparse_hash *bh, const uint32_t *plan,
                      const ua_sparse_hash *ph, uint32_t *c)
{
    const size_t d = g->d;
    for (size_t j = 0; j < d; j++) {
        if (c[j] == 0) continue;
        c[j]--;
        int ok = ua_sparse_hash_find(bh, g->blevel, d, c) != SIZE_MAX ||
                 ua_sparse_hash_find(ph, plan, d, c) != SIZE_MAX;
        c[j]++;
        if (!ok) return 0;
    }
    return 1;
}

ua_status ua_sparse_aniso_plan(const ua_sparse *g, const ua_sparse_hash *bh, const double *w,
                               ua_sparse_aniso_type type, size_t min_growth, size_t room,
                               uint32_t **plan, size_t *np, int *capped)
{
    const size_t d = g->d;
    *np = 0;
    size_t cap = 0, pts = 0;
    ua_sparse_hash ph = { 0 };
    ua_status s = UA_OK;
    double Lcost = INFINITY;
    uint32_t c[UA_PROBLEM_MAX_DIM], best[UA_PROBLEM_MAX_DIM];
    for (;;) {
        /* the cheapest admissible forward neighbour of the present and planned blocks */
        double bc = INFINITY;
        size_t total = g->nblocks + *np;
        for (size_t j = 0; j < total; j++) {
            const uint32_t *l = j < g->nblocks ? g->blevel + j * d : *plan + (j - g->nblocks) * d;
            for (size_t i = 0; i < d; i++) {
                memcpy(c, l, d * sizeof *c);
                if (++c[i] > UA_SPARSE_CC_MAX_LEVEL) {
                    *capped = 1;
                    continue;
                }
                double cost = block_cost(c, w, d, type);
                if (!(cost < bc)) continue;
                if (ua_sparse_hash_find(bh, g->blevel, d, c) != SIZE_MAX) continue;
                if (*np && ua_sparse_hash_find(&ph, *plan, d, c) != SIZE_MAX) continue;
                if (!admissible(g, bh, *plan, &ph, c)) continue;
                bc = cost;
                memcpy(best, c, d * sizeof *c);
            }
        }
        if (!isfinite(bc)) break;                     /* nothing left (largest levels) */
        if (pts >= min_growth && bc > Lcost) break;   /* the set {cost <= L} is complete */
        size_t bp = block_points(best, d);
        if (pts + bp > room) break;                   /* the budget: a prefix is admissible */
        if (*np == cap) {
            size_t nc = cap ? 2 * cap : 16;
            uint32_t *p = realloc(*plan, nc * d * sizeof *p);
            if (!p) {
                s = UA_ENOMEM_ERR(nc * d * sizeof *p);
                break;
            }
            *plan = p;
            cap = nc;
        }
        memcpy(*plan + *np * d, best, d * sizeof *best);
        if ((s = ua_sparse_hash_add(&ph, *plan, d, *np))) break;
        (*np)++;
        pts += bp;
        if (pts >= min_growth && !isfinite(Lcost)) Lcost = bc;
    }
    ua_sparse_hash_free(&ph);
    return s;
}
