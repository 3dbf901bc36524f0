/* Node encodings of sets of graphs (encode.h): RWSE by sparse propagation of blocks of walk
 * distributions, LapPE by one dense LAPACKE_dsyevd per graph. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <lapacke.h>
#include <omp.h>

#include "core/internal.h"
#include "encode.h"

/* Start nodes propagated together by RWSE: T is (n, RWSE_BLOCK), so a pass over the edges moves
 * RWSE_BLOCK probabilities per edge in one contiguous row (vectorised). */
#define RWSE_BLOCK 256

/* The largest graph of g, in nodes. */
static size_t max_nodes(const ua_graphs *g)
{
    size_t m = 0;
    for (size_t k = 0; k < g->ngraphs; k++) {
        size_t n = g->node_off[k + 1] - g->node_off[k];
        if (n > m) m = n;
    }
    return m;
}

/* Scratch of one thread for RWSE. */
typedef struct {
    double *t, *u;     /* (n, B) walk distributions: row v, column s = P(at v | start s) */
    double *winv;      /* (n,) 1 / out-degree, 0 without out-edges */
} rwse_scratch;

/* RWSE of graph gi into out. */
UA_MULTIVERSION
static void rwse_graph(const ua_graphs *g, size_t gi, size_t K, size_t block, rwse_scratch *w,
                       double *out)
{
    size_t a = g->node_off[gi], n = g->node_off[gi + 1] - a;
    size_t ea = g->edge_off[gi], eb = g->edge_off[gi + 1];
    const int32_t *src = g->src, *dst = g->dst;
    memset(w->winv, 0, n * sizeof *w->winv);
    for (size_t j = ea; j < eb; j++) w->winv[(size_t)src[j] - a] += 1.0;
    for (size_t v = 0; v < n; v++) w->winv[v] = w->winv[v] > 0 ? 1.0 / w->winv[v] : 0.0;
    for (size_t b0 = 0; b0 < n; b0 += block) {
        size_t B = n - b0 < block ? n - b0 : block;
        double *t = w->t, *u = w->u;
        /* T: the one-hot start distributions of nodes b0 .. b0+B-1 */
        memset(t, 0, n * B * sizeof *t);
        for (size_t s = 0; s < B; s++) t[(b0 + s) * B + s] = 1.0;
        for (size_t k = 0; k < K; k++) {
            memset(u, 0, n * B * sizeof *u);
            /* U[v] += T[u] / deg(u) for every edge u -> v: one step of every walk */
            for (size_t j = ea; j < eb; j++) {
                size_t from = (size_t)src[j] - a, to = (size_t)dst[j] - a;
                const double wt = w->winv[from];
                const double *tr = t + from * B;
                double *ur = u + to * B;
                for (size_t s = 0; s < B; s++) ur[s] += wt * tr[s];
            }
            for (size_t s = 0; s < B; s++) out[(a + b0 + s) * K + k] = u[(b0 + s) * B + s];
            double *x = t;
            t = u;
            u = x;
        }
    }
}

ua_status ua_graph_rwse(const ua_graphs *g, size_t K, double *out)
{
    if (!g || !out) return UA_ERR(UA_EINVAL, "ua_graph_rwse: NULL argument");
    if (K == 0 || K > UA_GRAPH_RWSE_MAX_K)
        return UA_ERR(UA_EINVAL, "RWSE walk length %zu: expected 1 .. %d", K,
                      UA_GRAPH_RWSE_MAX_K);
    ua_status s = ua_graphs_check(g, "graphs");
    if (s) return s;
    /* a block of B start nodes holds 2 n B doubles: fewer starts per block for a huge graph,
     * so that a thread's scratch stays within 2 x 64 MiB */
    size_t nmax = max_nodes(g), B = nmax < RWSE_BLOCK ? nmax : RWSE_BLOCK;
    if (nmax * B > ((size_t)1 << 23)) B = ((size_t)1 << 23) / nmax ? ((size_t)1 << 23) / nmax : 1;
    /* work: K passes over every edge for every start node; threads when it is worth it */
    size_t work = K * (g->nedges + g->nnodes) * B;
    int nt = ua_row_threads(work, (size_t)1 << 20, g->ngraphs);
    ua_status st[UA_MAX_ROW_THREADS] = { UA_OK };
#pragma omp parallel num_threads(nt)
    {
        int me = omp_get_thread_num();
        rwse_scratch w;
        w.t = ua_calloc(nmax * B, sizeof *w.t);
        w.u = ua_calloc(nmax * B, sizeof *w.u);
        w.winv = ua_calloc(nmax, sizeof *w.winv);
        int ok = w.t && w.u && w.winv;
        if (!ok) st[me] = UA_ENOMEM_ERR(2 * nmax * B * sizeof(double));
#pragma omp for schedule(dynamic, 1)
        for (size_t gi = 0; gi < g->ngraphs; gi++)
            if (ok) rwse_graph(g, gi, K, B, &w, out);
        free(w.t);
        free(w.u);
        free(w.winv);
    }
    for (int i = 0; i < nt; i++)
        if (st[i]) return st[i];
    return UA_OK;
}

/* ---- LapPE ---------------------------------------------------------------------------------- */

/* Scratch of one thread for LapPE. */
typedef struct {
    double *L;     /* (n, n) column-major: the Laplacian, then its eigenvectors */
    double *w;     /* (n,) eigenvalues */
    double *d;     /* (n,) D^-1/2 (0 for an isolated node) */
    double *work;  /* dsyevd's workspace for the largest graph, allocated once per thread */
    lapack_int *iwork, lwork, liwork;
} lappe_scratch;

/* The eigenpairs of graph gi into vec, val. Returns the dsyevd info (0: converged). */
static lapack_int lappe_graph(const ua_graphs *g, size_t gi, size_t k, lappe_scratch *w,
                              double *vec, double *val)
{
    size_t a = g->node_off[gi], n = g->node_off[gi + 1] - a;
    size_t ea = g->edge_off[gi], eb = g->edge_off[gi + 1];
    double *L = w->L;
    memset(L, 0, n * n * sizeof *L);
    /* A_s = (A + A^T) / 2 into L, then the degrees */
    for (size_t j = ea; j < eb; j++) {
        size_t u = (size_t)g->src[j] - a, v = (size_t)g->dst[j] - a;
        L[u + v * n] += 0.5;
        L[v + u * n] += 0.5;
    }
    for (size_t u = 0; u < n; u++) {
        double deg = 0;
        for (size_t v = 0; v < n; v++) deg += L[u + v * n];
        w->d[u] = deg > 0 ? 1.0 / sqrt(deg) : 0.0;
    }
    /* L = I - D^-1/2 A_s D^-1/2 (an isolated node: a 1 on the diagonal) */
    for (size_t v = 0; v < n; v++)
        for (size_t u = 0; u < n; u++) L[u + v * n] = -w->d[u] * L[u + v * n] * w->d[v];
    for (size_t u = 0; u < n; u++) L[u + u * n] += 1.0;
    lapack_int info = LAPACKE_dsyevd_work(LAPACK_COL_MAJOR, 'V', 'U', (lapack_int)n, L,
                                          (lapack_int)n, w->w, w->work, w->lwork, w->iwork,
                                          w->liwork);
    if (info) return info;
    size_t kk = k < n ? k : n;
    for (size_t j = 0; j < kk; j++) {
        double *col = L + j * n, big = 0;
        for (size_t i = 0; i < n; i++) big = fmax(big, fabs(col[i]));
        size_t first = 0;
        while (first < n && fabs(col[first]) < big * (1 - 1e-6)) first++;
        double sign = first < n && col[first] < 0 ? -1.0 : 1.0;
        for (size_t i = 0; i < n; i++) {
            vec[(a + i) * k + j] = sign * col[i] + 0.0; /* + 0.0: no negative zeros */
            val[(a + i) * k + j] = w->w[j];
        }
    }
    for (size_t i = 0; i < n; i++)
        for (size_t j = kk; j < k; j++) vec[(a + i) * k + j] = val[(a + i) * k + j] = 0.0;
    return 0;
}

ua_status ua_graph_lappe(const ua_graphs *g, size_t k, double *vec, double *val,
                         ua_graph_lappe_stats *stats)
{
    if (!g || !vec || !val || !stats)
        return UA_ERR(UA_EINVAL, "ua_graph_lappe: NULL argument (the statistics are required: "
                      "they count the padding)");
    memset(stats, 0, sizeof *stats);
    if (k == 0 || k > UA_GRAPH_LAPPE_MAX_K)
        return UA_ERR(UA_EINVAL, "LapPE eigenvectors %zu: expected 1 .. %d", k,
                      UA_GRAPH_LAPPE_MAX_K);
    ua_status s = ua_graphs_check(g, "graphs");
    if (s) return s;
    size_t nmax = max_nodes(g), nmin = SIZE_MAX;
    for (size_t gi = 0; gi < g->ngraphs; gi++) {
        size_t n = g->node_off[gi + 1] - g->node_off[gi];
        if (n > UA_GRAPH_LAPPE_MAX_NODES)
            return UA_ERR(UA_EINVAL, "graph %zu has %zu nodes: LapPE decomposes each graph's "
                          "dense Laplacian, at most %d nodes (use RWSE for larger graphs)", gi, n,
                          UA_GRAPH_LAPPE_MAX_NODES);
        if (n < nmin) nmin = n;
        if (n < k) {
            stats->graphs_padded++;
            stats->entries_padded += n * (k - n);
        }
    }
    stats->min_nodes = nmin;
    stats->max_nodes = nmax;
    size_t work = 0;
    for (size_t gi = 0; gi < g->ngraphs; gi++) {
        size_t n = g->node_off[gi + 1] - g->node_off[gi];
        work += n * n * n;
    }
    int nt = ua_row_threads(work, (size_t)1 << 18, g->ngraphs);
    int prev = ua_blas_threads_serial();
    ua_status st[UA_MAX_ROW_THREADS] = { UA_OK };
    size_t repeated[UA_MAX_ROW_THREADS] = { 0 };
#pragma omp parallel num_threads(nt)
    {
        int me = omp_get_thread_num();
        lappe_scratch w;
        /* dsyevd with eigenvectors needs 1 + 6 n + 2 n^2 doubles and 3 + 5 n integers (LAPACK's
         * documented minimum for JOBZ = 'V', n > 1) */
        w.lwork = (lapack_int)(1 + 6 * nmax + 2 * nmax * nmax);
        w.liwork = (lapack_int)(3 + 5 * nmax);
        w.L = ua_calloc(nmax * nmax, sizeof *w.L);
        w.w = ua_calloc(nmax, sizeof *w.w);
        w.d = ua_calloc(nmax, sizeof *w.d);
        w.work = ua_calloc((size_t)w.lwork, sizeof *w.work);
        w.iwork = ua_calloc((size_t)w.liwork, sizeof *w.iwork);
        if (!w.L || !w.w || !w.d || !w.work || !w.iwork)
            st[me] = UA_ENOMEM_ERR((3 * nmax * nmax + 9 * nmax) * sizeof(double));
#pragma omp for schedule(dynamic, 4)
        for (size_t gi = 0; gi < g->ngraphs; gi++) {
            if (st[me]) continue;
            lapack_int info = lappe_graph(g, gi, k, &w, vec, val);
            if (info) {
                st[me] = UA_ERR(UA_EDOMAIN, "LapPE: dsyevd did not converge on graph %zu (info "
                                "%d)", gi, (int)info);
                continue;
            }
            size_t n = g->node_off[gi + 1] - g->node_off[gi], kk = k < n ? k : n;
            int rep = 0;
            for (size_t j = 0; j + 1 < n && j < kk; j++) rep |= w.w[j + 1] - w.w[j] <= 1e-9;
            repeated[me] += (size_t)rep;
        }
        free(w.L);
        free(w.w);
        free(w.d);
        free(w.work);
        free(w.iwork);
    }
    ua_blas_threads_restore(prev);
    for (int i = 0; i < nt; i++) {
        if (st[i]) return st[i];
        stats->repeated += repeated[i];
    }
    return UA_OK;
}
