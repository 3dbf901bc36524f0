/*
 * One side of bench/kernel_vs_sklearn.sh: times uniapprox's kernel ridge (or rf) fit + predict on
 * the .npy files written by bench/kernel_sklearn.py, and reports peak memory (getrusage max RSS).
 * usage: kernel_bench krr|rf|gemm|chol DIR N GAMMA LAMBDA [FEATURES]
 *   krr / rf : fits DIR/xtrN.npy, ytrN.npy, predicts DIR/xte.npy; writes DIR/pred_ua_<mode>N.npy
 *              as text; prints "fit_s predict_s rss_before_mb rss_peak_mb"
 *   gemm     : the machine's dgemm rate on N x N (GFLOP/s, best of 3); sgemm: the same in float32
 *   chol     : dpotrf of the N x N rbf kernel matrix + lambda I (seconds, GFLOP/s at n^3/3 flops);
 *   schol    : spotrf of the same matrix rounded to float32 (the first step of the fit's solve)
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>

#include <cblas.h>
#include <lapacke.h>

#include "uniapprox.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static double rss_mb(void)
{
    struct rusage r;
    getrusage(RUSAGE_SELF, &r);
    return (double)r.ru_maxrss / 1024.0;
}

static ua_dataset *load(const char *dir, const char *name)
{
    char p[4096];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    ua_dataset *ds;
    if (ua_dataset_read(p, UA_FORMAT_NPY, &ds)) {
        fprintf(stderr, "kernel_bench: %s\n", ua_last_error());
        exit(1);
    }
    return ds;
}

int main(int argc, char **argv)
{
    if (argc < 6) {
        fprintf(stderr, "usage: kernel_bench krr|rf|gemm|sgemm|chol|schol DIR N GAMMA LAMBDA [FEATURES]\n");
        return 2;
    }
    /* as the command-line tool does (its threads are all its own): OpenBLAS's pool stopped
     * around the fits rather than spinning; UA_BENCH_KEEP_POOL=1 leaves it (the library default) */
    const char *keep = getenv("UA_BENCH_KEEP_POOL");
    ua_set_blas_pool_stop(!(keep && atoi(keep)));
    const char *mode = argv[1], *dir = argv[2];
    size_t n = (size_t)atol(argv[3]);
    double gamma = atof(argv[4]), lambda = atof(argv[5]);
    if (!strcmp(mode, "gemm")) {
        double *a = malloc(n * n * sizeof *a), *b = malloc(n * n * sizeof *b), *c = malloc(n * n * sizeof *c);
        for (size_t i = 0; i < n * n; i++) a[i] = b[i] = 1.0 / (1.0 + (double)(i % 97));
        double best = 1e300;
        for (int r = 0; r < 3; r++) {
            double t0 = now();
            cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)n, (int)n, (int)n, 1.0, a, (int)n, b, (int)n, 0.0, c, (int)n);
            double t = now() - t0;
            if (t < best) best = t;
        }
        printf("%.2f\n", 2.0 * (double)n * n * n / best / 1e9);
        return 0;
    }
    if (!strcmp(mode, "sgemm")) {
        float *a = malloc(n * n * sizeof *a), *b = malloc(n * n * sizeof *b), *c = malloc(n * n * sizeof *c);
        for (size_t i = 0; i < n * n; i++) a[i] = b[i] = 1.0f / (1.0f + (float)(i % 97));
        double best = 1e300;
        for (int r = 0; r < 3; r++) {
            double t0 = now();
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)n, (int)n, (int)n, 1.0f, a, (int)n, b, (int)n, 0.0f, c, (int)n);
            double t = now() - t0;
            if (t < best) best = t;
        }
        printf("%.2f\n", 2.0 * (double)n * n * n / best / 1e9);
        return 0;
    }
    char name[64];
    snprintf(name, sizeof name, "xtr%zu.npy", n);
    ua_dataset *xs = load(dir, name);
    snprintf(name, sizeof name, "ytr%zu.npy", n);
    ua_dataset *ys = load(dir, name);
    ua_dataset *xt = load(dir, "xte.npy");
    size_t d = ua_dataset_cols(xs), nt = ua_dataset_rows(xt);
    if (!strcmp(mode, "chol")) {
        ua_kernel_spec s;
        ua_kernel_spec_default(&s);
        s.gamma = gamma;
        double *K = malloc(n * n * sizeof *K);
        ua_kernel_matrix(&s, ua_dataset_values(xs), n, ua_dataset_values(xs), n, d, K);
        for (size_t i = 0; i < n; i++) K[i * n + i] += lambda;
        double t0 = now();
        int info = LAPACKE_dpotrf(LAPACK_COL_MAJOR, 'U', (int)n, K, (int)n);
        double t = now() - t0;
        printf("%.3f %.2f %d\n", t, (double)n * n * n / 3.0 / t / 1e9, info);
        return 0;
    }
    if (!strcmp(mode, "schol")) {
        ua_kernel_spec s;
        ua_kernel_spec_default(&s);
        s.gamma = gamma;
        double *K = malloc(n * n * sizeof *K);
        float *F = malloc(n * n * sizeof *F);
        ua_kernel_matrix(&s, ua_dataset_values(xs), n, ua_dataset_values(xs), n, d, K);
        for (size_t i = 0; i < n; i++) K[i * n + i] += lambda;
        for (size_t i = 0; i < n * n; i++) F[i] = (float)K[i];
        double t0 = now();
        int info = LAPACKE_spotrf_work(LAPACK_COL_MAJOR, 'U', (int)n, F, (int)n);
        double t = now() - t0;
        printf("%.3f %.2f %d\n", t, (double)n * n * n / 3.0 / t / 1e9, info);
        return 0;
    }
    double before = rss_mb();
    double *p = malloc(nt * sizeof *p);
    double t0 = now(), t1, t2;
    if (!strcmp(mode, "krr")) {
        ua_kernel_options o;
        ua_kernel_options_default(&o);
        o.kernel.gamma = gamma;
        o.lambda = lambda;
        o.select = UA_SELECT_NONE;
        o.standardize = 0;
        ua_kernel *m;
        if (ua_kernel_fit(ua_dataset_values(xs), ua_dataset_values(ys), n, d, 1, &o, &m)) {
            fprintf(stderr, "kernel_bench: %s\n", ua_last_error());
            return 1;
        }
        t1 = now();
        ua_kernel_predict(m, ua_dataset_values(xt), nt, p);
        t2 = now();
        ua_kernel_free(m);
    } else {
        ua_rf_options o;
        ua_rf_options_default(&o);
        o.dist = UA_RF_FOURIER;
        o.gamma = gamma;
        o.lambda = lambda;
        o.features = argc > 6 ? (size_t)atol(argv[6]) : 1000;
        o.standardize = 0;
        ua_rf *m;
        if (ua_rf_fit(ua_dataset_values(xs), ua_dataset_values(ys), n, d, 1, &o, &m)) {
            fprintf(stderr, "kernel_bench: %s\n", ua_last_error());
            return 1;
        }
        t1 = now();
        ua_rf_predict(m, ua_dataset_values(xt), nt, p);
        t2 = now();
        ua_rf_free(m);
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/pred_ua_%s%zu.txt", dir, mode, n);
    FILE *f = fopen(path, "w");
    for (size_t i = 0; f && i < nt; i++) fprintf(f, "%.17g\n", p[i]);
    if (f) fclose(f);
    printf("%.4f %.4f %.1f %.1f\n", t1 - t0, t2 - t1, before, rss_mb());
    return 0;
}
