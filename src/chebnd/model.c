/*
 * A chebnd model in memory: allocation, the derivative series, and evaluation (values and
 * partial derivatives) by Clenshaw's recurrence on each factor column and a contraction with the
 * core in a fixed order that the exported C repeats (src/chebnd/export.c).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "chebtech/chebtech.h"
#include "internal.h"

ua_chebnd *ua_chebnd_alloc(size_t d, const double *lo, const double *hi, const size_t *rank,
                           const size_t *len)
{
    if (d < 2 || d > UA_CHEBND_MAXD) return NULL;
    ua_chebnd *m = calloc(1, sizeof *m);
    if (!m) return NULL;
    m->d = d;
    size_t ncore = d == 2 ? rank[0] : rank[0] * rank[1] * rank[2];
    for (size_t i = 0; i < d; i++) {
        m->lo[i] = lo[i];
        m->hi[i] = hi[i];
        m->iw[i] = 1.0 / (hi[i] - lo[i]);
        m->rank[i] = rank[i];
        m->len[i] = len[i];
        if (!(m->fac[i] = ua_calloc(rank[i] * len[i], sizeof(double)))) {
            ua_chebnd_free(m);
            return NULL;
        }
    }
    if (!(m->core = ua_calloc(ncore, sizeof(double)))) {
        ua_chebnd_free(m);
        return NULL;
    }
    return m;
}

ua_chebnd *ua_chebnd_zero(size_t d, const double *lo, const double *hi)
{
    size_t rank[3] = {1, 1, 1}, len[3] = {1, 1, 1};
    ua_chebnd *m = ua_chebnd_alloc(d, lo, hi, rank, len);
    if (!m) return NULL;
    for (size_t i = 0; i < d; i++) m->fac[i][0] = 1.0;
    m->core[0] = 0.0;
    m->resolved = 1;
    return m;
}

void ua_chebnd_free(ua_chebnd *m)
{
    if (!m) return;
    for (size_t i = 0; i < UA_CHEBND_MAXD; i++) {
        free(m->fac[i]);
        free(m->dfac[i]);
        free(m->d2fac[i]);
        for (int o = 0; o < 3; o++) free(m->tser[o][i]);
    }
    free(m->core);
    free(m);
}

ua_status ua_chebnd_finish(ua_chebnd *m)
{
    for (size_t i = 0; i < m->d; i++) {
        size_t r = m->rank[i], L = m->len[i];
        free(m->dfac[i]);
        free(m->d2fac[i]);
        m->dfac[i] = ua_calloc(r * L, sizeof(double));
        m->d2fac[i] = ua_calloc(r * L, sizeof(double));
        if (!m->dfac[i] || !m->d2fac[i]) return UA_ENOMEM_ERR(2 * r * L * sizeof(double));
        double ds = 2.0 / (m->hi[i] - m->lo[i]); /* ds/dx */
        for (size_t k = 0; k < r; k++) {
            double *d1 = m->dfac[i] + k * L, *d2 = m->d2fac[i] + k * L;
            ua_cheb_deriv_coeffs(m->fac[i] + k * L, L, d1);
            ua_cheb_deriv_coeffs(d1, L, d2);
            for (size_t j = 0; j < L; j++) {
                d1[j] *= ds;
                d2[j] *= ds * ds;
            }
        }
        const double *src[3] = {m->fac[i], m->dfac[i], m->d2fac[i]};
        for (int o = 0; o < 3; o++) {
            free(m->tser[o][i]);
            if (!(m->tser[o][i] = ua_calloc(r * L, sizeof(double))))
                return UA_ENOMEM_ERR(r * L * sizeof(double));
            for (size_t k = 0; k < r; k++)
                for (size_t j = 0; j < L; j++) m->tser[o][i][j * r + k] = src[o][k * L + j];
        }
    }
    return UA_OK;
}

void ua_chebnd_factor_values(const ua_chebnd *m, int order, size_t i, double x, double *v)
{
    double s = ua_chebnd_to_s(x, m->lo[i], m->hi[i], m->iw[i]), s2 = s + s;
    const size_t r = m->rank[i], L = m->len[i];
    const double *c = m->tser[order][i];
    double b2[UA_CHEBND_MAX_RANK]; /* v holds b1 */
    for (size_t k = 0; k < r; k++) v[k] = b2[k] = 0.0;
    for (size_t j = L - 1; j >= 1; j--) {
        const double *cj = c + j * r;
        for (size_t k = 0; k < r; k++) {
            double b0 = cj[k] + s2 * v[k] - b2[k];
            b2[k] = v[k];
            v[k] = b0;
        }
    }
    for (size_t k = 0; k < r; k++) v[k] = c[k] + s * v[k] - b2[k];
}

double ua_chebnd_contract(const ua_chebnd *m, const double *const *v)
{
    double sum = 0.0;
    if (m->d == 2) {
        for (size_t k = 0; k < m->rank[0]; k++) sum += m->core[k] * v[0][k] * v[1][k];
        return sum;
    }
    size_t r0 = m->rank[0], r1 = m->rank[1], r2 = m->rank[2];
    for (size_t a = 0; a < r0; a++) {
        double sa = 0.0;
        for (size_t b = 0; b < r1; b++) {
            const double *g = m->core + (a * r1 + b) * r2;
            double sb = 0.0;
            for (size_t c = 0; c < r2; c++) sb += g[c] * v[2][c];
            sa += sb * v[1][b];
        }
        sum += sa * v[0][a];
    }
    return sum;
}

size_t ua_chebnd_work(const ua_chebnd *m)
{
    size_t w = 0;
    for (size_t i = 0; i < m->d; i++) w += m->rank[i];
    return w;
}

/* Whether x (d,) lies in the box (NaN coordinates do not). */
static int inside(const ua_chebnd *m, const double *x)
{
    for (size_t i = 0; i < m->d; i++)
        if (!(x[i] >= m->lo[i] && x[i] <= m->hi[i])) return 0;
    return 1;
}

double ua_chebnd_value(const ua_chebnd *m, const double *x, double *work)
{
    if (!inside(m, x)) return NAN;
    const double *v[UA_CHEBND_MAXD];
    double *w = work;
    for (size_t i = 0; i < m->d; i++) {
        ua_chebnd_factor_values(m, 0, i, x[i], w);
        v[i] = w;
        w += m->rank[i];
    }
    return ua_chebnd_contract(m, v);
}

ua_status ua_chebnd_predict(const ua_chebnd *m, const double *x, size_t n, double *y)
{
    size_t W = ua_chebnd_work(m);
    size_t cost = W;
    for (size_t i = 0; i < m->d; i++) cost += m->rank[i] * m->len[i];
    int nt = ua_row_threads(n * cost, 1 << 18, n);
    /* Each thread's scratch starts on its own 64-byte cache line, a line apart: a few doubles
     * of two threads sharing one line made 2 threads 3.6x slower than 1 (false sharing). */
    W = (W + 7) / 8 * 8 + 8;
    double *work = ua_calloc((size_t)nt * W, sizeof *work);
    if (!work) return UA_ENOMEM_ERR((size_t)nt * W * sizeof *work);
#pragma omp parallel for num_threads(nt) schedule(static)
    for (size_t t = 0; t < (size_t)nt; t++) {
        size_t a = n * t / (size_t)nt, b = n * (t + 1) / (size_t)nt;
        for (size_t i = a; i < b; i++) y[i] = ua_chebnd_value(m, x + i * m->d, work + t * W);
    }
    free(work);
    return UA_OK;
}

ua_status ua_chebnd_gradient(const ua_chebnd *m, const double *x, size_t n, double *g)
{
    size_t W = ua_chebnd_work(m);
    double *work = ua_calloc(2 * W, sizeof *work);
    if (!work) return UA_ENOMEM_ERR(2 * W * sizeof *work);
    const size_t d = m->d;
    for (size_t p = 0; p < n; p++) {
        const double *xp = x + p * d;
        if (!inside(m, xp)) {
            for (size_t i = 0; i < d; i++) g[p * d + i] = NAN;
            continue;
        }
        double *val = work, *der = work + W;
        const double *vals[UA_CHEBND_MAXD], *ders[UA_CHEBND_MAXD];
        for (size_t i = 0, off = 0; i < d; off += m->rank[i], i++) {
            ua_chebnd_factor_values(m, 0, i, xp[i], val + off);
            ua_chebnd_factor_values(m, 1, i, xp[i], der + off);
            vals[i] = val + off;
            ders[i] = der + off;
        }
        for (size_t i = 0; i < d; i++) {
            const double *v[UA_CHEBND_MAXD];
            for (size_t j = 0; j < d; j++) v[j] = j == i ? ders[j] : vals[j];
            g[p * d + i] = ua_chebnd_contract(m, v);
        }
    }
    free(work);
    return UA_OK;
}

double ua_chebnd_abs_sum(const double *c, size_t n)
{
    double s = 0.0;
    for (size_t k = 0; k < n; k++) s += fabs(c[k]);
    return s;
}

double ua_chebnd_abs_bound(const ua_chebnd *m, double *const *alt, size_t which)
{
    double sums[UA_CHEBND_MAXD][1024], *heap[UA_CHEBND_MAXD] = {NULL, NULL, NULL};
    double *s[UA_CHEBND_MAXD];
    for (size_t i = 0; i < m->d; i++) {
        size_t r = m->rank[i], L = m->len[i];
        s[i] = r <= 1024 ? sums[i] : (heap[i] = malloc(r * sizeof(double)));
        if (!s[i]) {
            for (size_t j = 0; j < i; j++) free(heap[j]);
            return INFINITY;
        }
        const double *ser = alt && i == which ? alt[i] : m->fac[i];
        for (size_t k = 0; k < r; k++) s[i][k] = ua_chebnd_abs_sum(ser + k * L, L);
    }
    double total = 0.0;
    if (m->d == 2) {
        for (size_t k = 0; k < m->rank[0]; k++) total += fabs(m->core[k]) * s[0][k] * s[1][k];
    } else {
        size_t r0 = m->rank[0], r1 = m->rank[1], r2 = m->rank[2];
        for (size_t a = 0; a < r0; a++)
            for (size_t b = 0; b < r1; b++)
                for (size_t c = 0; c < r2; c++)
                    total += fabs(m->core[(a * r1 + b) * r2 + c]) * s[0][a] * s[1][b] * s[2][c];
    }
    for (size_t i = 0; i < m->d; i++) free(heap[i]);
    return total;
}
