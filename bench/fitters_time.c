/* The uniapprox side of bench/fitters_vs_scipy.py: fits 1-D samples through the library's
 * public API (ua_problem_samples, ua_fit) and reports the median fit time over ROUNDS fits after
 * one warm-up fit, then writes the last model's values at the grid points.
 *
 * usage: fitters_time DATA.csv GRID.txt OUT.txt ROUNDS FAMILY [OPTION VALUE]...
 *   DATA.csv: a header line, then x,y rows; GRID.txt: one x per line.
 * Prints one line: "seconds S" (the median over the timed fits). Exit 1 on any error. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "uniapprox.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
    double u = *(const double *)a, v = *(const double *)b;
    return (u > v) - (u < v);
}

/* Reads the numbers of a file: pairs (x,y) after a header when pairs, else one per line. */
static double *read_numbers(const char *path, int pairs, size_t *n)
{
    FILE *f = fopen(path, "r");
    if (!f) return NULL;
    size_t cap = 1024, k = 0;
    double *v = malloc(cap * sizeof *v);
    char line[256];
    if (pairs && !fgets(line, sizeof line, f)) v = NULL;
    while (v && fgets(line, sizeof line, f)) {
        if (k + 2 > cap) v = realloc(v, (cap *= 2) * sizeof *v);
        if (!v) break;
        if (pairs) {
            if (sscanf(line, "%lf,%lf", &v[k], &v[k + 1]) == 2) k += 2;
        } else if (sscanf(line, "%lf", &v[k]) == 1) k++;
    }
    fclose(f);
    *n = pairs ? k / 2 : k;
    return v;
}

int main(int argc, char **argv)
{
    if (argc < 6 || argc % 2) {
        fprintf(stderr, "usage: fitters_time DATA.csv GRID.txt OUT.txt ROUNDS FAMILY [OPT VAL]...\n");
        return 1;
    }
    size_t n = 0, ng = 0;
    double *xy = read_numbers(argv[1], 1, &n), *grid = read_numbers(argv[2], 0, &ng);
    int rounds = atoi(argv[4]);
    if (!xy || !grid || n < 2 || rounds < 1) {
        fprintf(stderr, "fitters_time: cannot read the data or the grid\n");
        return 1;
    }
    double *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y), *t = malloc((size_t)rounds * sizeof *t);
    double *out = malloc(ng * sizeof *out);
    for (size_t i = 0; i < n; i++) {
        x[i] = xy[2 * i];
        y[i] = xy[2 * i + 1];
    }
    ua_problem *p = NULL;
    ua_options *o = NULL;
    if (ua_problem_samples(x, y, n, 1, 1, &p) || ua_family_options(argv[5], &o)) {
        fprintf(stderr, "fitters_time: %s\n", ua_last_error());
        return 1;
    }
    for (int i = 6; i + 1 < argc; i += 2)
        if (ua_options_set(o, argv[i], argv[i + 1])) {
            fprintf(stderr, "fitters_time: %s\n", ua_last_error());
            return 1;
        }
    ua_model *m = NULL;
    for (int r = -1; r < rounds; r++) { /* r = -1: the warm-up */
        ua_model_free(m);
        m = NULL;
        double t0 = now();
        ua_status s = ua_fit(p, argv[5], o, NULL, &m);
        double t1 = now();
        if (s) {
            fprintf(stderr, "fitters_time: %s\n", ua_last_error());
            return 1;
        }
        if (r >= 0) t[r] = t1 - t0;
    }
    qsort(t, (size_t)rounds, sizeof *t, cmp);
    if (ua_model_predict(m, grid, ng, out)) {
        fprintf(stderr, "fitters_time: %s\n", ua_last_error());
        return 1;
    }
    FILE *f = fopen(argv[3], "w");
    if (!f) return 1;
    for (size_t i = 0; i < ng; i++) fprintf(f, "%.17g\n", out[i]);
    fclose(f);
    printf("seconds %.9g\n", t[rounds / 2]);
    ua_model_free(m);
    ua_options_free(o);
    ua_problem_free(p);
    free(x);
    free(y);
    free(t);
    free(out);
    free(xy);
    free(grid);
    return 0;
}
