/*
 * Least-squares Chebyshev series from 1-D samples (docs/cheb.md, "Least squares from samples"):
 * numpy.polynomial.Chebyshev.fit's procedure — x mapped from [min x, max x] to [-1, 1], the
 * Chebyshev-Vandermonde matrix V (n, N + 1) with T_0 = 1, T_1 = s, T_k = 2 s T_{k-1} - T_{k-2},
 * its columns scaled to unit 2-norm, and the minimum-norm least-squares solution by LAPACK's
 * dgelsd (SVD, divide and conquer) with singular values below n eps of the largest treated as
 * zero — and the degree chosen by k-fold cross-validation (Hastie, Tibshirani & Friedman, The
 * Elements of Statistical Learning, 2nd ed., 7.10): the samples sorted by x, sample i of the
 * sorted order in fold i mod k (deterministic, and every fold spans the range), each fold
 * predicted by the fit on the others with the same map, the root mean square of the
 * held-out errors per degree, the degree with the least.
 */
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lapacke.h>

#include "core/internal.h"
#include "internal.h"
#include "model/family.h" /* ua_model_set_problem */

/* The fit of degree N on m samples (xs, ys) whose map is s = off + scl x. c (N + 1,). work:
 * (m (N + 1) + m + N + 1) doubles. Errors: UA_EINVAL (LAPACK failed to converge). */
static ua_status lsq_solve(const double *xs, const double *ys, size_t m, size_t N, double off,
                           double scl, double *c, double *work)
{
    size_t k = N + 1;
    double *a = work, *b = a + m * k, *norm = b + (m > k ? m : k);
    for (size_t j = 0; j < k; j++) norm[j] = 0.0;
    for (size_t i = 0; i < m; i++) {
        double s = off + scl * xs[i], *row = a + i; /* column-major (m, k) */
        row[0] = 1.0;
        if (k > 1) row[m] = s;
        for (size_t j = 2; j < k; j++) row[j * m] = 2.0 * s * row[(j - 1) * m] - row[(j - 2) * m];
        for (size_t j = 0; j < k; j++) norm[j] += row[j * m] * row[j * m];
        b[i] = ys[i];
    }
    for (size_t j = 0; j < k; j++) {
        norm[j] = sqrt(norm[j]);
        if (norm[j] == 0.0) norm[j] = 1.0;
        for (size_t i = 0; i < m; i++) a[j * m + i] /= norm[j];
    }
    double *sv = ua_calloc(k, sizeof *sv);
    if (!sv) return UA_ENOMEM_ERR(k * sizeof *sv);
    lapack_int rank = 0;
    lapack_int info = LAPACKE_dgelsd(LAPACK_COL_MAJOR, (lapack_int)m, (lapack_int)k, 1, a,
                                     (lapack_int)m, b, (lapack_int)(m > k ? m : k), sv,
                                     (double)m * DBL_EPSILON, &rank);
    free(sv);
    if (info != 0)
        return UA_ERR(UA_EINVAL, "the least-squares solve (LAPACK dgelsd) failed: info %d",
                      (int)info);
    for (size_t j = 0; j < k; j++) c[j] = b[j] / norm[j];
    return UA_OK;
}

/* The map of [a, b] to [-1, 1] as numpy's mapparms: s = off + scl x. */
static void map_of(double a, double b, double *off, double *scl)
{
    *off = (-b - a) / (b - a);
    *scl = 2.0 / (b - a);
}

/* The Vandermonde matrix of n samples and k columns must fit in half the physical memory (a
 * refusal naming the sizes rather than an allocation the system cannot back). */
static ua_status check_size(size_t n, size_t k)
{
    double bytes = 8.0 * (double)n * (double)(k + 2), cap = 0.5 * ua_phys_memory();
    if (cap > 0 && bytes > cap)
        return UA_ERR(UA_EINVAL, "a least-squares fit of %zu samples and degree %zu needs %.3g GB "
                      "for its matrix, more than half the memory (%.3g GB): lower --degree or "
                      "--max-degree", n, k - 1, bytes / 1e9, cap / 1e9);
    return UA_OK;
}

static ua_status check_samples(const double *x, const double *y, size_t n, size_t need)
{
    if (n && (!x || !y)) return UA_ERR(UA_EINVAL, "NULL arrays");
    for (size_t k = 0; k < n; k++) {
        if (!isfinite(x[k])) return UA_ERR(UA_EINVAL, "row %zu: x = %g is not finite", k + 1, x[k]);
        if (!isfinite(y[k])) return UA_ERR(UA_EINVAL, "row %zu: y = %g is not finite", k + 1, y[k]);
    }
    if (n < need)
        return UA_ERR(UA_EINVAL, "a least-squares fit of degree %zu needs at least %zu samples, "
                      "got %zu", need - 1, need, n);
    double lo = x[0], hi = x[0];
    for (size_t k = 1; k < n; k++) {
        lo = fmin(lo, x[k]);
        hi = fmax(hi, x[k]);
    }
    if (!(hi > lo)) return UA_ERR(UA_EINVAL, "every sample has x = %.17g: no interval to fit on", lo);
    if (!isfinite(hi - lo))
        return UA_ERR(UA_EINVAL, "the range of x [%g, %g] overflows a double", lo, hi);
    return UA_OK;
}

ua_status ua_cheb_lsq(const double *x, const double *y, size_t n, size_t degree, ua_cheb **out)
{
    if (!out) return UA_ERR(UA_EINVAL, "out is NULL");
    *out = NULL;
    if (degree > UA_CHEB_LSQ_MAX_DEGREE)
        return UA_ERR(UA_EINVAL, "degree %zu is above the most, %d", degree,
                      UA_CHEB_LSQ_MAX_DEGREE);
    ua_status s = check_samples(x, y, n, degree + 1);
    if (!s) s = check_size(n, degree + 1);
    if (s) return s;
    double a = x[0], b = x[0];
    for (size_t k = 1; k < n; k++) {
        a = fmin(a, x[k]);
        b = fmax(b, x[k]);
    }
    size_t k = degree + 1, len = n * k + (n > k ? n : k) + k;
    if (n > ((size_t)-1) / sizeof(double) / (k + 2)) return UA_ENOMEM_ERR((size_t)-1);
    double *work = ua_calloc(len + k, sizeof *work);
    if (!work) return UA_ENOMEM_ERR((len + k) * sizeof *work);
    double off, scl, *c = work + len;
    map_of(a, b, &off, &scl);
    s = lsq_solve(x, y, n, degree, off, scl, c, work);
    double breaks[2] = { a, b };
    if (!s) s = ua_cheb_from_parts(1, breaks, &k, c, UA_MAP_NONE, out);
    free(work);
    return s;
}

typedef struct {
    double x, y;
    size_t row;
} sample;

static int by_x(const void *pa, const void *pb)
{
    const sample *a = pa, *b = pb;
    if (a->x < b->x) return -1;
    if (a->x > b->x) return 1;
    return (a->row > b->row) - (a->row < b->row);
}

ua_status ua_cheb_lsq_cv(const double *x, const double *y, size_t n, size_t max_degree,
                         size_t folds, double *cv_rmse, size_t *ndeg, size_t *best)
{
    *ndeg = 0;
    *best = 0;
    if (folds < 2 || folds > n)
        return UA_ERR(UA_EINVAL, "%zu-fold cross-validation (--degree cv, the default) needs "
                      "2 <= folds <= samples (%zu): give --folds or a fixed --degree", folds, n);
    ua_status s = check_samples(x, y, n, 2);
    if (s) return s;
    /* the smallest training set has n - ceil(n / folds) samples */
    size_t train_min = n - (n + folds - 1) / folds;
    if (train_min < 1) return UA_ERR(UA_EINVAL, "too few samples for %zu folds", folds);
    if (max_degree > train_min - 1) max_degree = train_min - 1;
    if (max_degree > UA_CHEB_LSQ_MAX_DEGREE) max_degree = UA_CHEB_LSQ_MAX_DEGREE;
    size_t k = max_degree + 1, len = n * k + (n > k ? n : k) + k;
    s = check_size(n, k);
    if (s) return s;
    sample *sm = ua_calloc(n, sizeof *sm);
    double *work = ua_calloc(len + k + 4 * n, sizeof *work);
    if (!sm || !work) {
        free(sm);
        free(work);
        return UA_ENOMEM_ERR(n * sizeof *sm + (len + k + 4 * n) * sizeof *work);
    }
    for (size_t i = 0; i < n; i++) sm[i] = (sample){ x[i], y[i], i };
    qsort(sm, n, sizeof *sm, by_x);
    double off, scl;
    map_of(sm[0].x, sm[n - 1].x, &off, &scl);
    double *c = work + len, *tx = c + k, *ty = tx + n, *hx = ty + n, *hy = hx + n;
    for (size_t d = 0; d <= max_degree && !s; d++) {
        double se = 0.0;
        for (size_t f = 0; f < folds && !s; f++) {
            size_t nt = 0, nh = 0;
            for (size_t i = 0; i < n; i++) {
                if (i % folds == f) {
                    hx[nh] = sm[i].x;
                    hy[nh++] = sm[i].y;
                } else {
                    tx[nt] = sm[i].x;
                    ty[nt++] = sm[i].y;
                }
            }
            s = lsq_solve(tx, ty, nt, d, off, scl, c, work);
            for (size_t i = 0; i < nh && !s; i++) {
                double e = ua_cheb_clenshaw(c, d + 1, off + scl * hx[i]) - hy[i];
                se += e * e;
            }
        }
        cv_rmse[d] = sqrt(se / (double)n);
        if (!s && (d == 0 || cv_rmse[d] < cv_rmse[*best])) *best = d;
    }
    if (!s) *ndeg = max_degree + 1;
    free(sm);
    free(work);
    return s;
}

static ua_status set_number(ua_model *m, const char *key, double v)
{
    char buf[32];
    return ua_model_set_meta(m, key, ua_fmt_double(buf, v));
}

ua_status ua_cheb_lsq_family_fit(const ua_problem *p, const ua_options *o, ua_model *meta,
                                 void **state)
{
    *state = NULL;
    if (ua_problem_kind_of(p) != UA_PROBLEM_SAMPLES)
        return UA_ERR(UA_EINVAL, "--degree, --folds and --max-degree fit samples (--data); for a "
                      "formula or a function the cheb family chooses its length itself");
    static const char *const others[] = { "tol", "abs-tol", "max-length", "map", "split",
                                          "split-length", "max-pieces", "uniform-length" };
    for (size_t i = 0; i < sizeof others / sizeof others[0]; i++)
        if (ua_options_given(o, others[i]))
            return UA_ERR(UA_EINVAL, "--%s is an option of the cheb fit of formulas and "
                          "functions; from samples the fit is least squares (--degree)",
                          others[i]);
    if (ua_problem_outputs(p) != 1)
        return UA_ERR(UA_EUNSUPPORTED, "the cheb family fits one output; the samples have %zu",
                      ua_problem_outputs(p));
    const char *deg = ua_options_get(o, "degree");
    int cv = !deg || !strcmp(deg, "cv");
    size_t degree = 0;
    if (!cv) {
        char *end;
        errno = 0;
        long long v = strtoll(deg, &end, 10);
        if (end == deg || *end || v < 0 || v > UA_CHEB_LSQ_MAX_DEGREE || errno)
            return UA_ERR(UA_EINVAL, "--degree '%s': expected an integer in [0, %d] or 'cv'",
                          deg, UA_CHEB_LSQ_MAX_DEGREE);
        degree = (size_t)v;
        if (ua_options_given(o, "folds") || ua_options_given(o, "max-degree"))
            return UA_ERR(UA_EINVAL, "--folds and --max-degree go with --degree cv, not a fixed "
                          "degree");
    }
    const double *x, *y;
    size_t n;
    ua_problem_train(p, &x, &y, &n);
    ua_status s = UA_OK;
    char list[4096] = "", brief[1024] = "";
    if (cv) {
        size_t maxd = (size_t)ua_options_int(o, "max-degree"), folds = (size_t)ua_options_int(o, "folds");
        /* fewer samples than the default folds: leave-one-out (a --folds given is kept, and
         * refused if too many) */
        if (!ua_options_given(o, "folds") && folds > n && n >= 2) folds = n;
        double *rmse = ua_calloc(maxd + 1, sizeof *rmse);
        if (!rmse) return UA_ENOMEM_ERR((maxd + 1) * sizeof *rmse);
        size_t nd = 0;
        s = ua_cheb_lsq_cv(x, y, n, maxd, folds, rmse, &nd, &degree);
        size_t used = 0, used2 = 0;
        for (size_t d = 0; d < nd && used + 32 < sizeof list; d++) {
            char num[32];
            used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", d ? "," : "",
                                     ua_fmt_double(num, rmse[d]));
            if (used2 + 16 < sizeof brief)
                used2 += (size_t)snprintf(brief + used2, sizeof brief - used2, "%s%.4g",
                                          d ? " " : "", rmse[d]);
        }
        if (!s) s = set_number(meta, "cv_rmse", rmse[degree]);
        free(rmse);
        if (!s) s = ua_model_set_meta(meta, "cv_rmse_by_degree", list);
        if (!s) {
            char buf[32];
            snprintf(buf, sizeof buf, "%zu", folds);
            s = ua_model_set_meta(meta, "cv_folds", buf);
        }
    }
    const char *file = ua_problem_describe(p);
    ua_cheb *c = NULL;
    if (!s) s = ua_cheb_lsq(x, y, n, degree, &c);
    if (s == UA_EINVAL && file && file[0]) {
        char msg[512];
        ua_last_error_message(msg, sizeof msg);
        return UA_ERR(UA_EINVAL, "%s: %s", file, msg);
    }
    if (s) return s;
    double lo = c->breaks[0], hi = c->breaks[1], se = 0.0;
    for (size_t i = 0; i < n; i++) {
        double e = ua_cheb_eval(c, x[i]) - y[i];
        se += e * e;
    }
    char buf[32];
    s = ua_model_set_problem(meta, ua_model_target(meta), 1, &lo, &hi);
    snprintf(buf, sizeof buf, "%zu", n);
    if (!s) s = ua_model_set_meta(meta, "samples", buf);
    snprintf(buf, sizeof buf, "%zu", degree);
    if (!s) s = ua_model_set_meta(meta, "lsq_degree", buf);
    if (!s) s = set_number(meta, "residual_rms", sqrt(se / (double)n));
    char note[1200];
    if (cv)
        snprintf(note, sizeof note, "least squares of degree %zu, chosen by %s-fold "
                 "cross-validation (CV RMSE by degree from 0: %s)", degree,
                 ua_model_meta(meta, "cv_folds"), brief);
    else snprintf(note, sizeof note, "least squares of degree %zu", degree);
    if (!s) s = ua_model_set_meta(meta, "fit_note", note);
    if (s) {
        ua_cheb_free(c);
        return s;
    }
    *state = c;
    return UA_OK;
}
