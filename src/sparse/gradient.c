/*
 * The analytic gradient of a sparse grid interpolant (the vtable's gradient hook).
 *
 * clenshaw-curtis: d/dt of each level's Lagrange polynomials from the barycentric form,
 * L_j' = L_j (-1 / (t - t_j) - S' / S) with S = sum_k w_k / (t - t_k), S' = -sum_k w_k / (t - t_k)^2,
 * and at a node t_m the differentiation matrix, L_j'(t_m) = (w_j / w_m) / (t_m - t_j) for j != m
 * and -sum_{k != m} (w_k / w_m) / (t_m - t_k) for j = m (Berrut & Trefethen 2004, section 9);
 * component i is the block sum with dimension i's table replaced by its derivatives. Within about
 * 1e-8 of a node (not at it) the first form loses digits to cancellation.
 * localp: the derivative of each hat or bubble (one-sided at a kink: the side the point's t
 * falls on, the right one at the node itself), times the other factors.
 * Both scaled by dt/dx = 1 / half-width.
 */
#include <math.h>
#include <stdlib.h>

#include "internal.h"

/* dv[id] = d/dt L^{level(id)}_{id}(t) for every id of levels <= maxl. */
static void cc_derivatives(double t, int maxl, double *dv)
{
    dv[0] = 0.0;
    for (int l = 1; l <= maxl; l++) {
        const double *tk = ua_sparse_cc_level_nodes(l);
        size_t M = (size_t)1 << l, hit = SIZE_MAX;
        uint32_t first = ua_sparse_first_id(l);
        double S = 0.0, S1 = 0.0;
        for (size_t k = 0; k <= M; k++) {
            double diff = t - tk[k];
            if (fabs(diff) < 0x1p-960) {
                hit = k;
                break;
            }
            double w = (k & 1) ? -1.0 : 1.0;
            if (k == 0 || k == M) w *= 0.5;
            S += w / diff;
            S1 -= w / (diff * diff);
        }
        size_t step = l == 1 ? M : 2, k0 = l == 1 ? 0 : 1;
        for (size_t k = k0, j = 0; k <= M; k += step, j++) {
            double wk = (k & 1) ? -1.0 : 1.0;
            if (k == 0 || k == M) wk *= 0.5;
            double val;
            if (hit != SIZE_MAX) {
                double wm = (hit & 1) ? -1.0 : 1.0;
                if (hit == 0 || hit == M) wm *= 0.5;
                if (k != hit) val = (wk / wm) / (tk[hit] - tk[k]);
                else {
                    val = 0.0;
                    for (size_t q = 0; q <= M; q++) {
                        if (q == hit) continue;
                        double wq = (q & 1) ? -1.0 : 1.0;
                        if (q == 0 || q == M) wq *= 0.5;
                        val -= (wq / wm) / (tk[hit] - tk[q]);
                    }
                }
            } else {
                double L = wk / (t - tk[k]) / S;
                val = L * (-1.0 / (t - tk[k]) - S1 / S);
            }
            dv[first + j] = val;
        }
    }
}

/* d/dt of the local basis function of id at t. */
static double local_derivative(uint32_t id, int order, double t)
{
    if (id == 0) return 0.0;
    if (id == 1) return t < 0 ? -1.0 : 0.0;
    if (id == 2) return t >= 0 ? 1.0 : 0.0;
    int l = ua_sparse_node_level(id);
    double k = 2.0 * (double)(id - ua_sparse_first_id(l)) + 1.0;
    double u = ldexp(t + 1.0, l - 1) - k, scale = ldexp(1.0, l - 1);
    if (!(fabs(u) < 1.0)) return 0.0;
    if (order == 2) return -2.0 * u * scale;
    return (u < 0 ? 1.0 : -1.0) * scale;
}

ua_status ua_sparse_gradient(const void *state, const double *x, size_t n, double *grad)
{
    const ua_sparse *g = state;
    const size_t d = g->d;
    size_t ws = ua_sparse_work_size(g);
    double *v = malloc(2 * ws * sizeof *v);
    if (!v) return UA_ENOMEM_ERR(2 * ws * sizeof *v);
    double *dv = v + ws, t[UA_PROBLEM_MAX_DIM], b[UA_PROBLEM_MAX_DIM], db[UA_PROBLEM_MAX_DIM];
    for (size_t r = 0; r < n; r++) {
        const double *xr = x + r * d;
        double *gr = grad + r * d;
        if (!ua_sparse_to_t(g, xr, t)) { /* outside the box: no derivative (ua_sparse_to_t) */
            for (size_t i = 0; i < d; i++) gr[i] = NAN;
            continue;
        }
        for (size_t i = 0; i < d; i++) gr[i] = 0.0;
        if (g->rule == UA_SPARSE_CC) {
            const double *tab[UA_PROBLEM_MAX_DIM];
            size_t off = 0;
            for (size_t i = 0; i < d; i++) {
                ua_sparse_cc_values(t[i], g->maxlevel[i], v + off);
                cc_derivatives(t[i], g->maxlevel[i], dv + off);
                tab[i] = v + off;
                off += ua_sparse_nodes_upto(g->maxlevel[i]);
            }
            off = 0;
            for (size_t i = 0; i < d; i++) {
                tab[i] = dv + off;
                gr[i] = ua_sparse_cc_sum(g, tab, i);
                tab[i] = v + off;
                off += ua_sparse_nodes_upto(g->maxlevel[i]);
            }
        } else {
            for (size_t p = 0; p < g->n; p++) {
                const uint32_t *nd = g->node + p * d;
                size_t zeros = 0, zi = 0;
                for (size_t i = 0; i < d; i++) {
                    b[i] = ua_sparse_local_basis(nd[i], g->order, t[i]);
                    if (b[i] == 0.0) zeros++, zi = i;
                    if (zeros > 1) break;
                }
                if (zeros > 1) continue;
                for (size_t i = 0; i < d; i++) {
                    if (zeros == 1 && i != zi) continue;
                    db[i] = local_derivative(nd[i], g->order, t[i]);
                    if (db[i] == 0.0) continue;
                    double prod = g->surplus[p] * db[i];
                    for (size_t j = 0; j < d; j++)
                        if (j != i) prod *= b[j];
                    gr[i] += prod;
                }
            }
        }
        for (size_t i = 0; i < d; i++) gr[i] /= 0.5 * g->hi[i] - 0.5 * g->lo[i];
    }
    free(v);
    return UA_OK;
}
