/*
 * Minibatches: the chosen graphs of a set copied into one CSR batch with node indices renumbered
 * from 0 (as PyTorch Geometric's Batch), features and encodings in float, and the targets
 * (regression targets standardised by the model's y_mean and y_scale). LapPE eigenvectors are
 * defined up to sign; at training time each graph's eigenvector k gets a random sign
 * (Dwivedi et al., "Benchmarking Graph Neural Networks", 2020), so the network cannot learn one.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

void ua_gps_batch_free(ua_gps_batch *b)
{
    free(b->node_off);
    free(b->edge_off);
    free(b->src);
    free(b->dst);
    free(b->x);
    free(b->e);
    free(b->pe);
    free(b->y);
    memset(b, 0, sizeof *b);
}

/* grows *p to n elements of size sz when cap < n */
static int grow(void **p, size_t n, size_t sz)
{
    void *q = realloc(*p, (n ? n : 1) * sz);
    if (!q) return 0;
    *p = q;
    return 1;
}

static ua_status reserve(ua_gps_batch *b, const ua_gps *m, size_t G, size_t N, size_t E, size_t ny)
{
    const ua_gps_arch *a = &m->a;
    int ok = 1;
    if (G > b->capG || !b->node_off) {
        ok &= grow((void **)&b->node_off, G + 1, sizeof(size_t));
        ok &= grow((void **)&b->edge_off, G + 1, sizeof(size_t));
        if (ok) b->capG = G;
    }
    size_t R = a->node_level ? N : G;
    if (N > b->capN || !b->x) {
        ok &= grow((void **)&b->x, N * a->din, sizeof(float));
        if (a->K) ok &= grow((void **)&b->pe, N * a->K, sizeof(float));
        if (ok) b->capN = N;
    }
    /* the targets: resized every call (R changes between graph and node level) */
    if (ny) ok &= grow((void **)&b->y, R * ny, sizeof(float));
    if (E > b->capE || !b->src) {
        ok &= grow((void **)&b->src, E, sizeof(int32_t));
        ok &= grow((void **)&b->dst, E, sizeof(int32_t));
        if (a->edim) ok &= grow((void **)&b->e, E * a->edim, sizeof(float));
        if (ok) b->capE = E;
    }
    return ok ? UA_OK : UA_ENOMEM_ERR((N * (a->din + a->K) + E * (a->edim + 2)) * sizeof(float));
}

ua_status ua_gps_batch_make(ua_gps_batch *b, const ua_gps *m, const ua_graphs *g,
                            const double *pe, const size_t *idx, size_t n, int flip, ua_rng *rng)
{
    const ua_gps_arch *a = &m->a;
    size_t N = 0, E = 0;
    for (size_t i = 0; i < n; i++) {
        size_t k = idx[i];
        N += g->node_off[k + 1] - g->node_off[k];
        E += g->edge_off[k + 1] - g->edge_off[k];
    }
    int has_y = g->y && g->ny;
    size_t ny = has_y ? (a->classify ? 1 : a->nout) : 0;
    ua_status s = reserve(b, m, n, N, E, ny);
    if (s) return s;
    b->G = n;
    b->N = N;
    b->E = E;
    b->node_off[0] = b->edge_off[0] = 0;
    size_t K = a->K;
    for (size_t i = 0; i < n; i++) {
        size_t k = idx[i], v0 = g->node_off[k], v1 = g->node_off[k + 1];
        size_t e0 = g->edge_off[k], e1 = g->edge_off[k + 1];
        size_t nb = b->node_off[i], eb = b->edge_off[i];
        b->node_off[i + 1] = nb + (v1 - v0);
        b->edge_off[i + 1] = eb + (e1 - e0);
        for (size_t v = v0; v < v1; v++)
            for (size_t c = 0; c < a->din; c++)
                b->x[(nb + v - v0) * a->din + c] = (float)g->x[v * g->node_dim + c];
        for (size_t e = e0; e < e1; e++) {
            b->src[eb + e - e0] = (int32_t)(nb + (size_t)g->src[e] - v0);
            b->dst[eb + e - e0] = (int32_t)(nb + (size_t)g->dst[e] - v0);
            for (size_t c = 0; c < a->edim; c++)
                b->e[(eb + e - e0) * a->edim + c] = (float)g->e[e * g->edge_dim + c];
        }
        if (K && pe) {
            float sign[UA_GPS_MAX_PE];
            for (size_t c = 0; c < K; c++)
                sign[c] = flip && a->pe == UA_GPS_PE_LAPPE && c < K / 2 && (ua_rng_next(rng) >> 63)
                              ? -1.0f : 1.0f; /* LapPE: eigenvectors, then eigenvalues (unflipped) */
            for (size_t v = v0; v < v1; v++)
                for (size_t c = 0; c < K; c++)
                    b->pe[(nb + v - v0) * K + c] = sign[c] * (float)pe[v * K + c];
        }
        if (has_y) {
            size_t r0 = a->node_level ? v0 : k, r1 = a->node_level ? v1 : k + 1;
            size_t rb = a->node_level ? nb : i;
            for (size_t r = r0; r < r1; r++)
                for (size_t c = 0; c < ny; c++) {
                    double y = g->y[r * g->ny + c];
                    b->y[(rb + r - r0) * ny + c] =
                        (float)(a->classify ? y : (y - m->y_mean[c]) / m->y_scale[c]);
                }
        }
    }
    return UA_OK;
}
