/*
 * The UCI regression suite for the kernel family (docs/kernel.md): for each data set and each of
 * the 20 standard splits, standardise on the training split, fit kernel ridge (hyperparameters by
 * closed-form LOO), and measure the test RMSE in target units; print mean +- standard error over
 * the splits beside the published numbers (PBP: Hernández-Lobato & Adams, ICML 2015;
 * MC-dropout: Gal & Ghahramani, ICML 2016; MC-dropout tuned: Mukhoti et al., 2018).
 * usage: kernel_uci UCI_DIR [KERNELS [SETS [SPLITS]]]   e.g. kernel_uci ../shared/data/uci rbf,ntk
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "uniapprox.h"

static const struct {
    const char *name;
    double pbp, dropout, tuned;
} sets[] = {
    {"concrete", 5.67, 5.23, 4.82},  {"energy", 1.80, 1.66, 0.54},
    {"kin8nm", 0.10, 0.10, 0.08},    {"power-plant", 4.12, 4.02, 4.01},
    {"wine-quality-red", 0.64, 0.62, 0.62}, {"yacht", 1.02, 1.11, 0.67},
};

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int die(const char *what)
{
    fprintf(stderr, "kernel_uci: %s: %s\n", what, ua_last_error());
    exit(1);
}

/* rows idx of columns cols into out */
static double *take(const ua_dataset *ds, const size_t *rows, size_t nr, const size_t *cols, size_t nc)
{
    double *out = malloc(nr * nc * sizeof *out);
    if (!out || ua_dataset_select(ds, rows, nr, cols, nc, out)) die("select");
    return out;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: kernel_uci UCI_DIR [KERNELS [SETS [SPLITS]]]\n");
        return 2;
    }
    const char *dir = argv[1], *kernels = argc > 2 ? argv[2] : "rbf,ntk";
    const char *want = argc > 3 ? argv[3] : "all";
    int nsplits = argc > 4 ? atoi(argv[4]) : 20;
    printf("| data set | n | d | kernel | test RMSE (mean ± s.e., %d splits) | PBP | MC-dropout | dropout tuned | chosen (split 0) | seconds |\n", nsplits);
    printf("|---|---|---|---|---|---|---|---|---|---|\n");
    for (size_t s = 0; s < sizeof sets / sizeof sets[0]; s++) {
        if (strcmp(want, "all") && !strstr(want, sets[s].name)) continue;
        char path[4096];
        ua_dataset *ds;
        snprintf(path, sizeof path, "%s/%s/data.txt", dir, sets[s].name);
        if (ua_dataset_read(path, UA_FORMAT_TEXT, &ds)) die(path);
        size_t *fc, nf, *tc, nt;
        snprintf(path, sizeof path, "%s/%s/index_features.txt", dir, sets[s].name);
        if (ua_read_indices(path, ua_dataset_cols(ds), &fc, &nf)) die(path);
        snprintf(path, sizeof path, "%s/%s/index_target.txt", dir, sets[s].name);
        if (ua_read_indices(path, ua_dataset_cols(ds), &tc, &nt)) die(path);
        char klist[256];
        snprintf(klist, sizeof klist, "%s", kernels);
        for (char *tok = strtok(klist, ","); tok; tok = strtok(NULL, ",")) {
            ua_kernel_options o;
            ua_kernel_options_default(&o);
            if (ua_kernel_type_parse(tok, &o.kernel.type)) die(tok);
            double sum = 0, sum2 = 0, t0 = now();
            char chosen[160] = "";
            for (int k = 0; k < nsplits; k++) {
                size_t *tr, ntr, *te, nte;
                snprintf(path, sizeof path, "%s/%s/index_train_%d.txt", dir, sets[s].name, k);
                if (ua_read_indices(path, ua_dataset_rows(ds), &tr, &ntr)) die(path);
                snprintf(path, sizeof path, "%s/%s/index_test_%d.txt", dir, sets[s].name, k);
                if (ua_read_indices(path, ua_dataset_rows(ds), &te, &nte)) die(path);
                double *xtr = take(ds, tr, ntr, fc, nf), *ytr = take(ds, tr, ntr, tc, 1);
                double *xte = take(ds, te, nte, fc, nf), *yte = take(ds, te, nte, tc, 1);
                double *p = malloc(nte * sizeof *p);
                ua_kernel *m;
                if (ua_kernel_fit(xtr, ytr, ntr, nf, 1, &o, &m)) die("fit");
                if (ua_kernel_predict(m, xte, nte, p)) die("predict");
                double e = 0;
                for (size_t i = 0; i < nte; i++) e += (p[i] - yte[i]) * (p[i] - yte[i]);
                e = sqrt(e / (double)nte);
                sum += e;
                sum2 += e * e;
                if (k == 0) {
                    ua_kernel_info in;
                    ua_kernel_get_info(m, &in);
                    if (in.spec.type == UA_KERNEL_NTK || in.spec.type == UA_KERNEL_NNGP)
                        snprintf(chosen, sizeof chosen, "depth %d, λ %g", in.spec.depth, in.lambda);
                    else if (in.spec.type == UA_KERNEL_MATERN)
                        snprintf(chosen, sizeof chosen, "l %.3g, λ %g", in.spec.length_scale, in.lambda);
                    else snprintf(chosen, sizeof chosen, "γ %.3g, λ %g", in.spec.gamma, in.lambda);
                }
                ua_kernel_free(m);
                free(tr);
                free(te);
                free(xtr);
                free(ytr);
                free(xte);
                free(yte);
                free(p);
                fprintf(stderr, "\r%s %s split %d: %.4g   ", sets[s].name, tok, k, e);
            }
            double mean = sum / nsplits, var = nsplits > 1 ? (sum2 - nsplits * mean * mean) / (nsplits - 1) : 0;
            double se = sqrt(var > 0 ? var : 0) / sqrt((double)nsplits);
            fprintf(stderr, "\n");
            printf("| %s | %zu | %zu | %s | %.3g ± %.2g | %.2f | %.2f | %.2f | %s | %.0f |\n", sets[s].name,
                   ua_dataset_rows(ds), nf, tok, mean, se, sets[s].pbp, sets[s].dropout, sets[s].tuned,
                   chosen, now() - t0);
            fflush(stdout);
        }
        free(fc);
        free(tc);
        ua_dataset_free(ds);
    }
    return 0;
}
