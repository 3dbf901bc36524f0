/* bench/graph_encode.c — the time of the graph family's node encodings (src/graph/encode.h) on a
 * graph file: one warm-up, then the median of REPS runs of RWSE (K steps) and of LapPE (k
 * eigenvectors), in seconds, on one line: "rwse_s lappe_s ngraphs nnodes padded_entries".
 * With OUT given, the RWSE values and the LapPE eigenvalues of the last run are written there as
 * raw doubles (OUT.rwse, OUT.val) for bench/graph_encode.py to compare with numpy.
 * usage: graph_encode FILE K k REPS [OUT] */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "uniapprox.h"
#include "graph/encode.h"

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

static void dump(const char *out, const char *ext, const double *v, size_t n)
{
    char path[4096];
    snprintf(path, sizeof path, "%s.%s", out, ext);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(v, sizeof *v, n, f) != n) {
        fprintf(stderr, "cannot write %s\n", path);
        exit(1);
    }
    fclose(f);
}

int main(int argc, char **argv)
{
    if (argc < 5) {
        fprintf(stderr, "usage: graph_encode FILE K k REPS [OUT]\n");
        return 2;
    }
    size_t K = strtoul(argv[2], NULL, 10), k = strtoul(argv[3], NULL, 10);
    int reps = atoi(argv[4]);
    ua_graphs *g;
    if (ua_graphs_read(argv[1], &g)) {
        fprintf(stderr, "%s\n", ua_last_error());
        return 1;
    }
    double *rw = malloc(g->nnodes * K * sizeof *rw), *vec = malloc(g->nnodes * k * sizeof *vec),
           *val = malloc(g->nnodes * k * sizeof *val), tr[64], tl[64];
    ua_graph_lappe_stats st;
    if (reps > 64) reps = 64;
    for (int r = -1; r < reps; r++) {
        double t0 = now();
        if (ua_graph_rwse(g, K, rw)) return 1;
        double t1 = now();
        if (ua_graph_lappe(g, k, vec, val, &st)) return 1;
        double t2 = now();
        if (r >= 0) {
            tr[r] = t1 - t0;
            tl[r] = t2 - t1;
        }
    }
    qsort(tr, (size_t)reps, sizeof *tr, cmp);
    qsort(tl, (size_t)reps, sizeof *tl, cmp);
    printf("%.6f %.6f %zu %zu %zu\n", tr[reps / 2], tl[reps / 2], g->ngraphs, g->nnodes,
           st.entries_padded);
    if (argc > 5) {
        dump(argv[5], "rwse", rw, g->nnodes * K);
        dump(argv[5], "val", val, g->nnodes * k);
    }
    free(rw);
    free(vec);
    free(val);
    ua_graphs_free(g);
    return 0;
}
