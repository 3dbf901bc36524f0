/* The learner's metrics (uniapprox/metrics.h) against scikit-learn's (tests/gen/metrics_ref.py ->
 * tests/ref/metrics_ref.h), and k-fold cross-validation (src/model/cv.c) against an exact
 * identity: with K = n folds and fixed hyperparameters, each fold's error is that row's
 * leave-one-out residual, which kernel ridge has in closed form (ua_kernel_loo_residuals).
 * Also the thread settings: ua_set_threads, and BLAS set to one thread around OpenMP regions
 * without touching OpenMP's own count, whichever OpenBLAS build is linked, and its pthreads
 * pool stopped around long regions only where allowed (ua_set_blas_pool_stop). */
#include <dirent.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>
#include <omp.h>

#include "test_util.h"
#include "core/internal.h"
#include "ref/metrics_ref.h"
#include "ref/cv_pooled_ref.h"

static int close_rel(double a, double b, double tol) { return fabs(a - b) <= tol * fabs(b); }

static void test_regression_vs_sklearn(void **state)
{
    (void)state;
    ua_metrics m;
    assert_int_equal(ua_metrics_regression(mref_y1, mref_p1, MREF_N1, 1, &m), UA_OK);
    assert_true(close_rel(m.rmse, mref_rmse1, 1e-13));
    assert_true(close_rel(m.mae, mref_mae1, 1e-13));
    assert_true(close_rel(m.r2, mref_r21, 1e-13));
    assert_true(isnan(m.accuracy));
    assert_int_equal(ua_metrics_regression(mref_y2, mref_p2, MREF_N2, 2, &m), UA_OK);
    assert_true(close_rel(m.rmse, mref_rmse2, 1e-13));
    assert_true(close_rel(m.mae, mref_mae2, 1e-13));
    assert_true(close_rel(m.r2, mref_r22, 1e-13));
    /* bad input: a NaN, no rows */
    double y[2] = {1, NAN}, p[2] = {1, 2};
    assert_int_equal(ua_metrics_regression(y, p, 2, 1, &m), UA_EINVAL);
    assert_int_equal(ua_metrics_regression(y, p, 0, 1, &m), UA_EINVAL);
}

static void test_classification_vs_sklearn(void **state)
{
    (void)state;
    ua_metrics m;
    assert_int_equal(ua_metrics_classification(mref_yc, mref_pc, MREF_N3, mref_proba, mref_classes,
                                               3, &m), UA_OK);
    assert_true(close_rel(m.accuracy, mref_accuracy, 1e-15));
    print_message("log-loss %.17g vs scikit-learn %.17g\n", m.log_loss, mref_log_loss);
    assert_true(close_rel(m.log_loss, mref_log_loss, 1e-12));
    double bad = 7;
    assert_int_equal(ua_metrics_classification(&bad, mref_pc, 1, mref_proba, mref_classes, 3, &m),
                     UA_EINVAL); /* a label that is no class */
}

/* K = n: cross-validation's fold i holds row i alone; with lambda and gamma fixed and raw columns
 * each refit is exact KRR without row i, so its |error| is |e_i|, the closed-form LOO residual.
 * The mean MAE over the folds is then mean |e_i| and the mean RMSE the same; R² of one row is
 * scikit-learn's force_finite 0 (a constant column not fitted exactly). */
static void test_cv_leave_one_out_identity(void **state)
{
    (void)state;
    enum { n = 40, d = 2 };
    double x[n * d], y[n], K[n * n], res[n];
    for (size_t i = 0; i < n; i++) {
        x[i * d] = sin(1.7 * (double)i);
        x[i * d + 1] = cos(0.9 * (double)i * (double)i);
        y[i] = x[i * d] * x[i * d + 1] + 0.3 * sin(5.0 * (double)i);
    }
    ua_problem *p = NULL;
    assert_int_equal(ua_problem_samples(x, y, n, d, 1, &p), UA_OK);
    ua_options *o = NULL;
    assert_int_equal(ua_family_options("kernel", &o), UA_OK);
    assert_int_equal(ua_options_set(o, "lambda", "0.01"), UA_OK);
    assert_int_equal(ua_options_set(o, "gamma", "0.5"), UA_OK);
    assert_int_equal(ua_options_set(o, "no-standardize", NULL), UA_OK);
    ua_cv_result cv;
    ua_metrics folds[n];
    assert_int_equal(ua_cross_validate(p, "kernel", o, n, 3, &cv, folds), UA_OK);
    ua_kernel_spec s;
    ua_kernel_spec_default(&s);
    s.gamma = 0.5;
    assert_int_equal(ua_kernel_matrix(&s, x, n, x, n, d, K), UA_OK);
    assert_int_equal(ua_kernel_loo_residuals(K, y, n, 1, 0.01, res), UA_OK);
    double mean_abs = 0;
    for (size_t i = 0; i < n; i++) mean_abs += fabs(res[i]) / n;
    /* each fold is one row: match its |error| to the row's residual (the order is the shuffle's) */
    for (size_t f = 0; f < n; f++) {
        int found = 0;
        for (size_t i = 0; i < n && !found; i++) found = close_rel(folds[f].mae, fabs(res[i]), 1e-8);
        if (!found) fail_msg("fold %zu: |error| %.17g is no row's LOO residual", f, folds[f].mae);
    }
    print_message("cv K = n: mean |e| %.10g, closed-form LOO mean |e| %.10g\n", cv.mean.mae, mean_abs);
    /* a fold of one row has no R² (scikit-learn: not defined for one sample); the pooled
     * out-of-fold predictions have, and match scikit-learn's cross_val_predict + r2_score
     * (tests/gen/cv_pooled_ref.py) */
    assert_true(isnan(cv.mean.r2));
    print_message("pooled out-of-fold r2 %.17g, scikit-learn %.17g\n", cv.pooled.r2, cvref_r2);
    assert_true(close_rel(cv.pooled.r2, cvref_r2, 1e-8));
    assert_true(close_rel(cv.pooled.rmse, cvref_rmse, 1e-8));
    assert_true(close_rel(cv.pooled.mae, cvref_mae, 1e-8));
    assert_int_equal(cv.pooled.n, n);
    assert_true(close_rel(cv.mean.mae, mean_abs, 1e-8));
    assert_true(close_rel(cv.mean.rmse, mean_abs, 1e-8));
    assert_int_equal(cv.folds, n);
    /* sd is the sample standard deviation of the folds' values */
    double q = 0;
    for (size_t f = 0; f < n; f++) q += (folds[f].mae - cv.mean.mae) * (folds[f].mae - cv.mean.mae);
    assert_true(close_rel(cv.sd.mae, sqrt(q / (n - 1)), 1e-12));
    /* K out of range, a family that does not exist */
    assert_int_equal(ua_cross_validate(p, "kernel", o, 1, 3, &cv, NULL), UA_EINVAL);
    assert_int_equal(ua_cross_validate(p, "kernel", o, n + 1, 3, &cv, NULL), UA_EINVAL);
    ua_options_free(o);
    ua_problem_free(p);
}

/* A 5-fold run of a classifier reports accuracy (and no RMSE) for every fold. */
static void test_cv_classifier(void **state)
{
    (void)state;
    enum { n = 60, d = 2 };
    double x[n * d], y[n];
    for (size_t i = 0; i < n; i++) {
        x[i * d] = sin(2.3 * (double)i);
        x[i * d + 1] = cos(1.1 * (double)i);
        y[i] = x[i * d] + x[i * d + 1] > 0 ? 1 : 0;
    }
    ua_problem *p = NULL;
    assert_int_equal(ua_problem_samples(x, y, n, d, 1, &p), UA_OK);
    ua_options *o = NULL;
    assert_int_equal(ua_family_options("kernel", &o), UA_OK);
    assert_int_equal(ua_options_set(o, "classify", NULL), UA_OK);
    ua_cv_result cv;
    assert_int_equal(ua_cross_validate(p, "kernel", o, 5, 1, &cv, NULL), UA_OK);
    print_message("5-fold accuracy %.4f ± %.4f\n", cv.mean.accuracy, cv.sd.accuracy);
    assert_true(cv.mean.classify);
    assert_true(isnan(cv.mean.rmse));
    assert_true(cv.mean.accuracy > 0.85 && cv.mean.accuracy <= 1.0);
    ua_options_free(o);
    ua_problem_free(p);
}

int openblas_get_num_threads(void);
int openblas_get_parallel(void);

/* c (N, N) := a a for a of ones: every entry N, exactly; large enough for OpenBLAS to use its
 * threads */
static int product_of_ones_is_exact(void)
{
    enum { N = 400 };
    double *a = malloc(N * N * sizeof *a), *c = malloc(N * N * sizeof *c);
    int ok = a && c;
    for (size_t i = 0; ok && i < N * N; i++) a[i] = 1.0;
    if (ok) cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, N, N, N, 1.0, a, N, a, N, 0.0, c, N);
    for (size_t i = 0; ok && i < N * N; i++) ok = c[i] == N;
    free(a);
    free(c);
    return ok;
}

/* ua_blas_threads_serial / restore: OpenBLAS to one thread and back, OpenMP's count untouched
 * (OpenBLAS's OpenMP build sets OpenMP's count when its own is set, and takes OpenMP's count
 * again at its next call; openblas_get_parallel: 0 sequential, 1 pthreads, 2 OpenMP build) */
static void test_blas_threads_keep_openmp(void **state)
{
    (void)state;
    int before = ua_set_threads(2);
    assert_int_equal(omp_get_max_threads(), 2);
    if (openblas_get_parallel() == 0) skip(); /* a sequential OpenBLAS has one thread */
    assert_int_equal(openblas_get_num_threads(), 2);
    int prev = ua_blas_threads_serial();
    assert_int_equal(prev, 2);
    assert_int_equal(openblas_get_num_threads(), 1);
    assert_int_equal(omp_get_max_threads(), 2); /* the next team keeps its two threads */
    int team = 0;
#pragma omp parallel
#pragma omp single
    team = omp_get_num_threads();
    assert_int_equal(team, 2);
    /* a product between the regions, large enough for OpenBLAS to ask for its threads: the
     * pthreads build stays on one thread, the OpenMP build follows OpenMP's count again */
    assert_true(product_of_ones_is_exact());
    assert_int_equal(openblas_get_num_threads(), openblas_get_parallel() == 2 ? 2 : 1);
    ua_blas_threads_restore(prev);
    assert_int_equal(openblas_get_num_threads(), 2);
    assert_int_equal(omp_get_max_threads(), 2);
    /* already one thread: nothing to set or restore */
    ua_set_threads(1);
    prev = ua_blas_threads_serial();
    assert_int_equal(prev, 1);
    ua_blas_threads_restore(prev);
    assert_int_equal(openblas_get_num_threads(), 1);
    assert_int_equal(omp_get_max_threads(), 1);
    ua_set_threads(before);
}

/* threads of this process (Linux's /proc/self/task), -1 where that is not available */
static int count_threads(void)
{
    DIR *d = opendir("/proc/self/task");
    if (!d) return -1;
    int n = 0;
    for (struct dirent *e; (e = readdir(d));)
        if (e->d_name[0] != '.') n++;
    closedir(d);
    return n;
}

/* ua_set_blas_pool_stop / ua_blas_threads_quiet: off (the default), the pthreads build's pool
 * keeps its thread through a quiet region; allowed, its one thread (two BLAS threads) exits, stays
 * out after the count is restored, and OpenBLAS starts it again at its next multi-threaded call,
 * whose result is unchanged */
static void test_blas_pool_stop(void **state)
{
    (void)state;
    int before = ua_set_threads(2);
    if (openblas_get_parallel() != 1) skip(); /* no pool: the sequential or the OpenMP build */
    assert_true(product_of_ones_is_exact()); /* the pool is running */
    int t0 = count_threads();
    if (t0 < 0) skip();
    int prev = ua_blas_threads_quiet();
    assert_int_equal(prev, 2);
    assert_int_equal(count_threads(), t0); /* not allowed: left running */
    ua_blas_threads_quiet_restore(prev);
    assert_int_equal(openblas_get_num_threads(), 2);
    assert_int_equal(ua_set_blas_pool_stop(1), 0); /* allowed: stopped at once */
    assert_int_equal(count_threads(), t0 - 1);
    prev = ua_blas_threads_quiet();
    assert_int_equal(openblas_get_num_threads(), 1);
    ua_blas_threads_quiet_restore(prev);
    assert_int_equal(openblas_get_num_threads(), 2);
    assert_int_equal(count_threads(), t0 - 1); /* raising the count started it: stopped again */
    assert_true(product_of_ones_is_exact());
    assert_int_equal(count_threads(), t0); /* started again by the threaded call */
    assert_int_equal(ua_set_blas_pool_stop(0), 1);
    assert_int_equal(count_threads(), t0); /* forbidden again: not stopped */
    ua_set_threads(before);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_regression_vs_sklearn),
        cmocka_unit_test(test_classification_vs_sklearn),
        cmocka_unit_test(test_cv_leave_one_out_identity),
        cmocka_unit_test(test_cv_classifier),
        cmocka_unit_test(test_blas_threads_keep_openmp),
        cmocka_unit_test(test_blas_pool_stop),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
