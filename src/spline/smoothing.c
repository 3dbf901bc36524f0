/*
 * The cubic smoothing spline with its smoothing chosen by generalized cross-validation
 * (docs/spline.md, "From samples: pchip, akima, smoothing").
 *
 * The minimiser of sum_k (y_k - g(x_k))^2 + lam * integral (g'')^2 is the natural cubic spline
 * with knots at the x_k whose values g and interior second derivatives gamma satisfy
 * (Reinsch 1967; P. J. Green and B. W. Silverman, Nonparametric Regression and Generalized
 * Linear Models, 1994, sections 2.3 and 2.6):
 *     (R + lam Q^T Q) gamma = Q^T y,    g = y - lam Q gamma,
 * with h_i = x_{i+1} - x_i, Q (n, n-2) the second divided differences (column j: 1/h_j,
 * -1/h_j - 1/h_{j+1}, 1/h_{j+1} in rows j, j+1, j+2) and R (n-2, n-2) tridiagonal
 * ((h_j + h_{j+1}) / 3 on the diagonal, h_{j+1} / 6 beside it). M = R + lam Q^T Q is
 * pentadiagonal and positive definite: one band LDL^T per lambda.
 *
 * The hat matrix A (g = A y) is I - lam Q M^-1 Q^T, so n - tr A = lam tr(M^-1 Q^T Q), which
 * needs only the three central bands of M^-1: from the LDL^T factors by the recurrence of
 * M. F. Hutchinson and F. R. de Hoog, "Smoothing noisy data with spline functions", Numer.
 * Math. 47 (1985) 99-106. GCV(lam) = (RSS / n) / ((n - tr A) / n)^2 (P. Craven and G. Wahba,
 * Numer. Math. 31 (1979) 377-403) is minimised over ln lam: a grid of 8 points per decade from
 * 1e-4 lam0 to 1e2 n^4 lam0 (lam0 = tr R / tr Q^T Q, the lambda where the two terms of M
 * weigh the same), then golden-section search between the grid neighbours of the best point.
 * The fitted values g then define the natural interpolating spline (ua_spline_build), which is
 * the smoothing spline itself.
 */
#include <math.h>
#include <stdlib.h>

#include "core/internal.h"
#include "internal.h"

typedef struct {
    size_t n, m;               /* samples, m = n - 2 */
    const double *x, *y;       /* sorted samples */
    double *q0, *q1, *q2;      /* (m,) the nonzeros of Q's column j (rows j, j+1, j+2) */
    double *r0, *r1;           /* (m,) R's diagonal and first superdiagonal */
    double *t0, *t1, *t2;      /* (m,) Q^T Q's bands 0, 1, 2 */
    double *qty;               /* (m,) Q^T y */
    double *dd, *l1, *l2;      /* (m,) the LDL^T factors: D, L's subdiagonals 1 and 2 */
    double *gam;               /* (m,) gamma */
    double *s0, *s1, *s2;      /* (m,) the central bands of M^-1 */
} smoother;

/* Factors M = R + lam Q^T Q = L D L^T (band 2). 0, or -1 when a pivot is not positive. */
static int factor(smoother *w, double lam)
{
    size_t m = w->m;
    for (size_t i = 0; i < m; i++) {
        double di = w->r0[i] + lam * w->t0[i];
        if (i >= 1) di -= w->l1[i - 1] * w->l1[i - 1] * w->dd[i - 1];
        if (i >= 2) di -= w->l2[i - 2] * w->l2[i - 2] * w->dd[i - 2];
        if (!(di > 0.0) || !isfinite(di)) return -1;
        w->dd[i] = di;
        if (i + 1 < m) {
            double mi1 = w->r1[i] + lam * w->t1[i];
            if (i >= 1) mi1 -= w->l2[i - 1] * w->l1[i - 1] * w->dd[i - 1];
            w->l1[i] = mi1 / di;
        } else w->l1[i] = 0.0;
        w->l2[i] = i + 2 < m ? lam * w->t2[i] / di : 0.0;
    }
    return 0;
}

/* gamma = M^-1 Q^T y from the factors. */
static void solve(smoother *w)
{
    size_t m = w->m;
    double *z = w->gam;
    for (size_t i = 0; i < m; i++) {
        double v = w->qty[i];
        if (i >= 1) v -= w->l1[i - 1] * z[i - 1];
        if (i >= 2) v -= w->l2[i - 2] * z[i - 2];
        z[i] = v;
    }
    for (size_t i = 0; i < m; i++) z[i] /= w->dd[i];
    for (size_t i = m; i-- > 0;) {
        if (i + 1 < m) z[i] -= w->l1[i] * z[i + 1];
        if (i + 2 < m) z[i] -= w->l2[i] * z[i + 2];
    }
}

/* tr(M^-1 Q^T Q) from the central bands of M^-1 (Hutchinson & de Hoog): with M = L D L^T,
 * S = M^-1 satisfies S = D^-1 L^-1 + (I - L^T) S, solved from the last row up. */
static double trace_term(smoother *w)
{
    size_t m = w->m;
    double *s0 = w->s0, *s1 = w->s1, *s2 = w->s2; /* s_k[i] = S[i][i+k] */
    for (size_t i = m; i-- > 0;) {
        double a = i + 1 < m ? w->l1[i] : 0.0, b = i + 2 < m ? w->l2[i] : 0.0;
        /* S[i][i+2] = -a S[i+1][i+2] - b S[i+2][i+2] */
        s2[i] = i + 2 < m ? -a * s1[i + 1] - b * s0[i + 2] : 0.0;
        /* S[i][i+1] = -a S[i+1][i+1] - b S[i+2][i+1] */
        s1[i] = i + 1 < m ? -a * s0[i + 1] - (i + 2 < m ? b * s1[i + 1] : 0.0) : 0.0;
        /* S[i][i] = 1/D_i - a S[i+1][i] - b S[i+2][i] */
        s0[i] = 1.0 / w->dd[i] - a * s1[i] - b * s2[i];
    }
    double tr = 0.0;
    for (size_t i = 0; i < m; i++) {
        tr += s0[i] * w->t0[i];
        if (i + 1 < m) tr += 2.0 * s1[i] * w->t1[i];
        if (i + 2 < m) tr += 2.0 * s2[i] * w->t2[i];
    }
    return tr;
}

/* Q gamma at sample k (the rows of Q touch gamma[k-2 .. k]). */
static double q_gamma(const smoother *w, size_t k)
{
    double v = 0.0;
    if (k < w->m) v += w->q0[k] * w->gam[k];
    if (k >= 1 && k - 1 < w->m) v += w->q1[k - 1] * w->gam[k - 1];
    if (k >= 2 && k - 2 < w->m) v += w->q2[k - 2] * w->gam[k - 2];
    return v;
}

/* The fit at lam: gamma, RSS, edf = tr A, GCV. -1 when M cannot be factored. */
static int evaluate(smoother *w, double lam, double *rss, double *edf, double *gcv)
{
    if (factor(w, lam)) return -1;
    solve(w);
    double sum = 0.0;
    for (size_t k = 0; k < w->n; k++) {
        double r = lam * q_gamma(w, k);
        sum += r * r;
    }
    double n = (double)w->n, tt = lam * trace_term(w); /* n - tr A */
    *rss = sum;
    *edf = n - tt;
    *gcv = (sum / n) / ((tt / n) * (tt / n));
    return 0;
}

static void set_up(smoother *w)
{
    const double *x = w->x, *y = w->y;
    for (size_t j = 0; j < w->m; j++) {
        double h0 = x[j + 1] - x[j], h1 = x[j + 2] - x[j + 1];
        w->q0[j] = 1.0 / h0;
        w->q2[j] = 1.0 / h1;
        w->q1[j] = -w->q0[j] - w->q2[j];
        w->r0[j] = (h0 + h1) / 3.0;
        w->r1[j] = h1 / 6.0;
        w->qty[j] = (y[j + 2] - y[j + 1]) / h1 - (y[j + 1] - y[j]) / h0;
    }
    for (size_t j = 0; j < w->m; j++) {
        w->t0[j] = w->q0[j] * w->q0[j] + w->q1[j] * w->q1[j] + w->q2[j] * w->q2[j];
        w->t1[j] = j + 1 < w->m ? w->q1[j] * w->q0[j + 1] + w->q2[j] * w->q1[j + 1] : 0.0;
        w->t2[j] = j + 2 < w->m ? w->q2[j] * w->q0[j + 2] : 0.0;
    }
}

/* GCV at ln lam; +Inf where the system cannot be solved or the score is not a number. */
static double gcv_at(smoother *w, double loglam)
{
    double rss, edf, g;
    if (evaluate(w, exp(loglam), &rss, &edf, &g) || !isfinite(g)) return INFINITY;
    return g;
}

/* The lambda minimising GCV (see the file comment). */
static double choose_lambda(smoother *w)
{
    double tr = 0.0, tq = 0.0;
    for (size_t j = 0; j < w->m; j++) {
        tr += w->r0[j];
        tq += w->t0[j];
    }
    double base = log(tr / tq), step = log(10.0) / 8.0, nn = (double)w->n;
    double lo = base - 4.0 * log(10.0), hi = base + 2.0 * log(10.0) + 4.0 * log(nn);
    size_t steps = (size_t)ceil((hi - lo) / step);
    size_t best = 0;
    double bestv = INFINITY;
    for (size_t k = 0; k <= steps; k++) {
        double v = gcv_at(w, lo + (double)k * step);
        if (v < bestv) {
            bestv = v;
            best = k;
        }
    }
    if (!isfinite(bestv)) return exp(base);
    /* golden section on [best - 1, best + 1] in ln lam */
    double a = lo + (double)(best ? best - 1 : 0) * step, b = lo + (double)(best + 1) * step;
    const double r = 0.5 * (sqrt(5.0) - 1.0);
    double c = b - r * (b - a), d = a + r * (b - a);
    double fc = gcv_at(w, c), fd = gcv_at(w, d);
    for (int it = 0; it < 80 && b - a > 1e-10 * (1.0 + fabs(a)); it++) {
        if (fc <= fd) {
            b = d;
            d = c;
            fd = fc;
            c = b - r * (b - a);
            fc = gcv_at(w, c);
        } else {
            a = c;
            c = d;
            fc = fd;
            d = a + r * (b - a);
            fd = gcv_at(w, d);
        }
    }
    double xm = fc <= fd ? c : d, fm = fmin(fc, fd);
    return exp(fm <= bestv ? xm : lo + (double)best * step);
}

ua_status ua_spline_smoothing(const double *x, const double *y, size_t n, double lam,
                              ua_spline_smoothing_info *info, ua_spline **out)
{
    if (!out) return UA_ERR(UA_EINVAL, "out is NULL");
    *out = NULL;
    if (isnan(lam) || isinf(lam))
        return UA_ERR(UA_EINVAL, "the smoothing parameter lam = %g is not finite", lam);
    double *xs, *ys;
    ua_status s = ua_spline_sort_samples(x, y, n, 3, "a smoothing spline", &xs, &ys);
    if (s) return s;
    size_t m = n - 2;
    double *buf = ua_calloc(m, 17 * sizeof *buf), *g = ua_calloc(n, sizeof *g);
    if (!buf || !g) {
        free(buf);
        free(g);
        free(xs);
        return UA_ENOMEM_ERR((17 * m + n) * sizeof *buf);
    }
    smoother w = { .n = n, .m = m, .x = xs, .y = ys };
    double **arrays[] = { &w.q0, &w.q1, &w.q2, &w.r0, &w.r1, &w.t0, &w.t1, &w.t2, &w.qty,
                          &w.dd, &w.l1, &w.l2, &w.gam, &w.s0, &w.s1, &w.s2 };
    for (size_t i = 0; i < sizeof arrays / sizeof arrays[0]; i++) *arrays[i] = buf + i * m;
    set_up(&w);
    ua_spline_smoothing_info in = { .lam = lam, .chosen = lam < 0 };
    if (lam < 0) in.lam = choose_lambda(&w);
    if (evaluate(&w, in.lam, &in.rss, &in.edf, &in.gcv)) {
        s = UA_ERR(UA_EINVAL, "the smoothing spline's system with lam = %g cannot be solved "
                   "(x spacing too uneven for double precision?)", in.lam);
    } else {
        for (size_t k = 0; k < n; k++) g[k] = ys[k] - in.lam * q_gamma(&w, k);
        if (in.lam == 0.0) { /* interpolation: GCV is 0 / 0 */
            in.gcv = NAN;
            in.edf = (double)n;
        }
        size_t first[2] = { 0, n };
        s = ua_spline_build(n, xs, g, 1, first, UA_SPLINE_MAP_NONE, UA_SPLINE_NATURAL, 0.0,
                            0.0, out);
    }
    if (!s && info) *info = in;
    free(buf);
    free(g);
    free(xs);
    return s;
}
