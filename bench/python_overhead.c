/*
 * The C side of bench/python_overhead.sh: ua_model_predict on N points, called directly.
 * usage: python_overhead MODEL N REPS [alloc]
 * The points are those bench/python_overhead.py builds (lo + (hi - lo) (i + 0.5) / m on a grid of
 * m = N^(1/d) per axis ... for d = 1 simply i + 0.5 over N), so both sides evaluate the same
 * values. Prints the median of REPS calls in seconds; with "alloc" every call mallocs its output
 * (as numpy's predict(x) without out= does), else one buffer is reused.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <uniapprox.h>

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: %s MODEL N REPS [alloc]\n", argv[0]);
        return 2;
    }
    size_t n = (size_t)strtoull(argv[2], NULL, 10), reps = (size_t)strtoull(argv[3], NULL, 10);
    int alloc = argc > 4 && !strcmp(argv[4], "alloc");
    ua_model *m;
    if (ua_model_load(argv[1], &m)) {
        fprintf(stderr, "%s\n", ua_last_error());
        return 1;
    }
    size_t din, dout, d;
    const double *lo, *hi;
    ua_model_dims(m, &din, &dout);
    ua_model_box(m, &d, &lo, &hi);
    double *x = malloc(n * din * sizeof *x), *y = malloc(n * dout * sizeof *y);
    double *t = malloc(reps * sizeof *t);
    if (!x || !y || !t || d != din) return 1;
    /* point i, coordinate j: a deterministic spread over the box (bench/python_overhead.py) */
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < din; j++) {
            double u = din == 1 ? ((double)i + 0.5) / (double)n
                                : (double)((i * (2 * j + 3) + j) % 1000003) / 1000003.0;
            x[i * din + j] = lo[j] + (hi[j] - lo[j]) * u;
        }
    double sum = 0;
    for (size_t r = 0; r < reps; r++) {
        double t0 = now();
        double *out = alloc ? malloc(n * dout * sizeof *out) : y;
        if (!out || ua_model_predict(m, x, n, out)) return 1;
        sum += out[n / 2];
        if (alloc) free(out);
        t[r] = now() - t0;
    }
    qsort(t, reps, sizeof *t, cmp);
    printf("%.6e %.17g\n", t[reps / 2], sum / (double)reps);
    free(x); free(y); free(t);
    ua_model_free(m);
    return 0;
}
