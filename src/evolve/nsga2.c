/*
 * NSGA-II's selection for two objectives (Deb, Pratap, Agarwal and Meyarivan, "A fast and elitist
 * multiobjective genetic algorithm: NSGA-II", IEEE Trans. Evol. Comput. 6(2), 2002): fast
 * non-dominated sorting, crowding distance, and the truncation of the merged parents and
 * children by (rank, larger crowding). Populations here are tens of programs, so the O(n^2)
 * dominance test is the simple choice.
 */
#include <math.h>
#include <stdlib.h>

#include "internal.h"

static double obj(const double *f, size_t i, int k)
{
    double v = f[2 * i + k];
    return isnan(v) ? INFINITY : v;
}

/* i dominates j: no worse in both, better in one. */
static int dominates(const double *f, size_t i, size_t j)
{
    double a0 = obj(f, i, 0), a1 = obj(f, i, 1), b0 = obj(f, j, 0), b1 = obj(f, j, 1);
    return a0 <= b0 && a1 <= b1 && (a0 < b0 || a1 < b1);
}

void ev_nondominated_sort(const double *f, size_t n, int *rank)
{
    for (size_t i = 0; i < n; i++) rank[i] = -1;
    size_t done = 0;
    for (int r = 0; done < n; r++) {
        /* the points not ranked yet that no other unranked point dominates */
        size_t start = done;
        for (size_t i = 0; i < n; i++) {
            if (rank[i] >= 0) continue;
            int dom = 0;
            for (size_t j = 0; j < n && !dom; j++)
                if (j != i && (rank[j] < 0 || rank[j] == r) && dominates(f, j, i)) dom = 1;
            if (!dom) rank[i] = r, done++;
        }
        if (done == start) /* cannot happen (dominance is a strict partial order) */
            for (size_t i = 0; i < n; i++)
                if (rank[i] < 0) rank[i] = r, done++;
    }
}

typedef struct {
    double v;
    size_t i;
} keyed;

static int by_v(const void *a, const void *b)
{
    const keyed *x = a, *y = b;
    return x->v < y->v ? -1 : x->v > y->v ? 1 : (x->i > y->i) - (x->i < y->i);
}

void ev_crowding(const double *f, const int *rank, size_t n, double *crowd)
{
    keyed *k = malloc((n ? n : 1) * sizeof *k);
    for (size_t i = 0; i < n; i++) crowd[i] = 0;
    if (!k) return;
    int maxr = -1;
    for (size_t i = 0; i < n; i++)
        if (rank[i] > maxr) maxr = rank[i];
    for (int r = 0; r <= maxr; r++)
        for (int o = 0; o < 2; o++) {
            size_t m = 0;
            for (size_t i = 0; i < n; i++)
                if (rank[i] == r) k[m].v = obj(f, i, o), k[m++].i = i;
            if (!m) continue;
            qsort(k, m, sizeof *k, by_v);
            crowd[k[0].i] = crowd[k[m - 1].i] = INFINITY;
            double span = k[m - 1].v - k[0].v;
            if (!(span > 0) || !isfinite(span)) continue;
            for (size_t j = 1; j + 1 < m; j++)
                crowd[k[j].i] += (k[j + 1].v - k[j - 1].v) / span;
        }
    free(k);
}

void ev_select(const int *rank, const double *crowd, size_t n, size_t k, size_t *idx)
{
    /* selection sort by (rank asc, crowding desc, index asc): n is tens */
    unsigned char *used = calloc(n ? n : 1, 1);
    if (!used) return;
    for (size_t s = 0; s < k && s < n; s++) {
        size_t best = n;
        for (size_t i = 0; i < n; i++) {
            if (used[i]) continue;
            if (best == n || rank[i] < rank[best] ||
                (rank[i] == rank[best] && crowd[i] > crowd[best]))
                best = i;
        }
        used[best] = 1;
        idx[s] = best;
    }
    free(used);
}
