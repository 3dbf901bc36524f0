/*
 * Calculus on a chebnd model: the integral over the box (each factor column integrated exactly,
 * Clenshaw-Curtis of the series: int_{-1}^{1} T_k = 2 / (1 - k^2) for even k, 0 for odd k), and
 * the maximum and minimum (a tensor grid of Chebyshev points, then projected Newton steps on the
 * series with the analytic gradient and Hessian).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "chebtech/chebtech.h"
#include "internal.h"

double ua_chebnd_integral(const ua_chebnd *m)
{
    const size_t d = m->d;
    double *w[UA_CHEBND_MAXD] = {NULL, NULL, NULL};
    double total = NAN;
    for (size_t i = 0; i < d; i++) {
        if (!(w[i] = ua_calloc(m->rank[i], sizeof(double)))) goto done;
        for (size_t k = 0; k < m->rank[i]; k++)
            w[i][k] = ua_cheb_integral_coeffs(m->fac[i] + k * m->len[i], m->len[i]);
    }
    total = ua_chebnd_contract(m, (const double *const *)w);
    for (size_t i = 0; i < d; i++) total *= 0.5 * (m->hi[i] - m->lo[i]);
done:
    for (size_t i = 0; i < d; i++) free(w[i]);
    return total;
}

/* f, gradient g (d,) and Hessian H (d, d) of the model at x (inside the box). work holds
 * 3 ua_chebnd_work(m) doubles. */
static double value_grad_hess(const ua_chebnd *m, const double *x, double *g, double *H,
                              double *work)
{
    const size_t d = m->d;
    size_t W = ua_chebnd_work(m);
    double *v0 = work, *v1 = work + W, *v2 = work + 2 * W;
    const double *val[UA_CHEBND_MAXD], *der[UA_CHEBND_MAXD], *sec[UA_CHEBND_MAXD];
    for (size_t i = 0, off = 0; i < d; off += m->rank[i], i++) {
        ua_chebnd_factor_values(m, 0, i, x[i], v0 + off);
        ua_chebnd_factor_values(m, 1, i, x[i], v1 + off);
        ua_chebnd_factor_values(m, 2, i, x[i], v2 + off);
        val[i] = v0 + off;
        der[i] = v1 + off;
        sec[i] = v2 + off;
    }
    const double *v[UA_CHEBND_MAXD];
    for (size_t i = 0; i < d; i++) {
        for (size_t j = 0; j < d; j++) v[j] = j == i ? der[j] : val[j];
        g[i] = ua_chebnd_contract(m, v);
        for (size_t k = i; k < d; k++) {
            for (size_t j = 0; j < d; j++)
                v[j] = (j == i && j == k) ? sec[j] : (j == i || j == k) ? der[j] : val[j];
            H[i * d + k] = H[k * d + i] = ua_chebnd_contract(m, v);
        }
    }
    return ua_chebnd_contract(m, val);
}

/* Solves the n x n system A z = b (n <= 3) by elimination with partial pivoting; 0 when
 * singular. */
static int solve_small(double *A, double *b, size_t n, double *z)
{
    for (size_t c = 0; c < n; c++) {
        size_t p = c;
        for (size_t r = c + 1; r < n; r++)
            if (fabs(A[r * n + c]) > fabs(A[p * n + c])) p = r;
        if (A[p * n + c] == 0.0) return 0;
        if (p != c) {
            for (size_t k = 0; k < n; k++) {
                double t = A[c * n + k];
                A[c * n + k] = A[p * n + k];
                A[p * n + k] = t;
            }
            double t = b[c];
            b[c] = b[p];
            b[p] = t;
        }
        for (size_t r = c + 1; r < n; r++) {
            double f = A[r * n + c] / A[c * n + c];
            for (size_t k = c; k < n; k++) A[r * n + k] -= f * A[c * n + k];
            b[r] -= f * b[c];
        }
    }
    for (size_t c = n; c-- > 0;) {
        double s = b[c];
        for (size_t k = c + 1; k < n; k++) s -= A[c * n + k] * z[k];
        z[c] = s / A[c * n + c];
    }
    for (size_t c = 0; c < n; c++)
        if (!isfinite(z[c])) return 0;
    return 1;
}

/* Projected Newton from x (d,) towards a larger (sgn = 1) or smaller (sgn = -1) value: the
 * coordinates at a bound whose gradient points out of the box are held; the step on the others
 * solves H z = -g, is projected into the box and halved until it improves sgn * f. */
static double refine(const ua_chebnd *m, double *x, double sgn, double *work)
{
    const size_t d = m->d;
    double g[UA_CHEBND_MAXD], H[UA_CHEBND_MAXD * UA_CHEBND_MAXD];
    double f = value_grad_hess(m, x, g, H, work);
    for (int it = 0; it < 20; it++) {
        size_t free_ix[UA_CHEBND_MAXD], nf = 0;
        for (size_t i = 0; i < d; i++) {
            int at_lo = x[i] <= m->lo[i], at_hi = x[i] >= m->hi[i];
            if ((at_hi && sgn * g[i] > 0) || (at_lo && sgn * g[i] < 0)) continue;
            free_ix[nf++] = i;
        }
        if (!nf) break;
        double A[9], b[3], z[3], step[UA_CHEBND_MAXD] = {0, 0, 0};
        for (size_t a = 0; a < nf; a++) {
            b[a] = -g[free_ix[a]];
            for (size_t c = 0; c < nf; c++) A[a * nf + c] = H[free_ix[a] * d + free_ix[c]];
        }
        int newton = solve_small(A, b, nf, z);
        /* a Newton step that heads the wrong way (a saddle or the other extremum): gradient
         * step instead, scaled to a tenth of the box */
        double dir = 0.0;
        for (size_t a = 0; a < nf && newton; a++) dir += z[a] * g[free_ix[a]];
        if (!newton || sgn * dir <= 0) {
            double gn = 0.0;
            for (size_t a = 0; a < nf; a++) gn = fmax(gn, fabs(g[free_ix[a]]) * (m->hi[free_ix[a]] - m->lo[free_ix[a]]));
            if (gn == 0.0) break;
            for (size_t a = 0; a < nf; a++) {
                size_t i = free_ix[a];
                z[a] = sgn * 0.1 * g[i] * (m->hi[i] - m->lo[i]) * (m->hi[i] - m->lo[i]) / gn;
            }
        }
        for (size_t a = 0; a < nf; a++) step[free_ix[a]] = z[a];
        int improved = 0;
        for (int h = 0; h < 8 && !improved; h++) {
            double y[UA_CHEBND_MAXD], gy[UA_CHEBND_MAXD], Hy[UA_CHEBND_MAXD * UA_CHEBND_MAXD];
            for (size_t i = 0; i < d; i++) {
                y[i] = x[i] + step[i];
                if (y[i] < m->lo[i]) y[i] = m->lo[i];
                if (y[i] > m->hi[i]) y[i] = m->hi[i];
            }
            double fy = value_grad_hess(m, y, gy, Hy, work);
            if (sgn * fy > sgn * f) {
                improved = 1;
                memcpy(x, y, d * sizeof *x);
                memcpy(g, gy, d * sizeof *g);
                memcpy(H, Hy, d * d * sizeof *H);
                f = fy;
            }
            for (size_t i = 0; i < d; i++) step[i] *= 0.5;
        }
        if (!improved) break;
    }
    return f;
}

ua_status ua_chebnd_extremum(const ua_chebnd *m, int want_max, double *x, double *value)
{
    const size_t d = m->d, cap = d == 2 ? 513 : 65;
    const double sgn = want_max ? 1.0 : -1.0;
    size_t k[UA_CHEBND_MAXD] = {1, 1, 1}, total = 1, W = ua_chebnd_work(m);
    double *g[UA_CHEBND_MAXD] = {NULL, NULL, NULL}, *fv[UA_CHEBND_MAXD] = {NULL, NULL, NULL};
    double *work = ua_calloc(3 * W, sizeof *work);
    ua_status s = work ? UA_OK : UA_ENOMEM_ERR(3 * W * sizeof *work);
    for (size_t i = 0; i < d && !s; i++) {
        k[i] = 2 * m->len[i] + 1;
        if (k[i] < 17) k[i] = 17;
        if (k[i] > cap) k[i] = cap;
        total *= k[i];
        g[i] = ua_calloc(k[i], sizeof(double));
        fv[i] = ua_calloc(k[i] * m->rank[i], sizeof(double));
        if (!g[i] || !fv[i]) {
            s = UA_ENOMEM_ERR(k[i] * m->rank[i] * sizeof(double));
            break;
        }
        ua_cheb_points_on(k[i], m->lo[i], m->hi[i], g[i]);
        for (size_t j = 0; j < k[i]; j++) { /* fv[i] (k_i, rank_i) */
            ua_chebnd_factor_values(m, 0, i, g[i][j], fv[i] + j * m->rank[i]);
        }
    }
    /* the four best grid points (by sgn * f) */
    enum { NC = 4 };
    double best[NC];
    size_t where[NC], nb = 0;
    for (size_t p = 0; p < total && !s; p++) {
        size_t q = p, ix[UA_CHEBND_MAXD] = {0, 0, 0};
        for (size_t i = d; i-- > 0;) {
            ix[i] = q % k[i];
            q /= k[i];
        }
        const double *v[UA_CHEBND_MAXD];
        for (size_t i = 0; i < d; i++) v[i] = fv[i] + ix[i] * m->rank[i];
        double f = sgn * ua_chebnd_contract(m, v);
        size_t pos = nb;
        while (pos > 0 && best[pos - 1] < f) pos--;
        if (pos >= NC) continue;
        size_t last = nb < NC ? nb : NC - 1;
        for (size_t j = last; j > pos; j--) {
            best[j] = best[j - 1];
            where[j] = where[j - 1];
        }
        best[pos] = f;
        where[pos] = p;
        if (nb < NC) nb++;
    }
    double bestf = -INFINITY;
    for (size_t c = 0; c < nb && !s; c++) {
        double y[UA_CHEBND_MAXD];
        size_t q = where[c];
        for (size_t i = d; i-- > 0;) {
            y[i] = g[i][q % k[i]];
            q /= k[i];
        }
        double f = sgn * refine(m, y, sgn, work);
        if (f > bestf) {
            bestf = f;
            memcpy(x, y, d * sizeof *x);
        }
    }
    if (!s) *value = sgn * bestf;
    for (size_t i = 0; i < d; i++) {
        free(g[i]);
        free(fv[i]);
    }
    free(work);
    return s;
}
