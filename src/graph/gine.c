/*
 * GINE's aggregation (Hu et al., "Strategies for Pre-training Graph Neural Networks", ICLR 2020;
 * PyTorch Geometric's GINEConv with eps = 0): z_i = h_i + sum over the edges j -> i of
 * ReLU(h_j + e_ji). The MLP after it is two dense layers (dense.c). Edges only join nodes of the
 * same graph, so the graphs of a batch are independent: OpenMP splits the batch by graph and no
 * two threads write the same row (a scatter-add without atomics).
 */
#pragma GCC optimize("no-trapping-math")
#include <string.h>

#include "internal.h"

UA_MULTIVERSION
static void gine_graph_forward(float *restrict z, const float *restrict h, const float *restrict e,
                               const ua_gps_batch *b, size_t g, size_t C)
{
    size_t n0 = b->node_off[g], n1 = b->node_off[g + 1];
    memcpy(z + n0 * C, h + n0 * C, (n1 - n0) * C * sizeof *z);
    for (size_t k = b->edge_off[g]; k < b->edge_off[g + 1]; k++) {
        const float *hs = h + (size_t)b->src[k] * C, *ek = e + k * C;
        float *zd = z + (size_t)b->dst[k] * C;
        for (size_t c = 0; c < C; c++) {
            float m = hs[c] + ek[c];
            zd[c] += m > 0 ? m : 0.0f;
        }
    }
}

void ua_gps_gine_aggregate_forward(float *z, const float *h, const float *e, const ua_gps_batch *b,
                                   size_t C)
{
#pragma omp parallel for schedule(dynamic, 4) if (b->E * C >= 32768)
    for (size_t g = 0; g < b->G; g++) gine_graph_forward(z, h, e, b, g, C);
}

UA_MULTIVERSION
static void gine_graph_backward(float *restrict dh, float *restrict de, const float *restrict dz,
                                const float *restrict h, const float *restrict e,
                                const ua_gps_batch *b, size_t g, size_t C)
{
    size_t n0 = b->node_off[g], n1 = b->node_off[g + 1];
    for (size_t i = n0 * C; i < n1 * C; i++) dh[i] += dz[i];
    for (size_t k = b->edge_off[g]; k < b->edge_off[g + 1]; k++) {
        const float *hs = h + (size_t)b->src[k] * C, *ek = e + k * C;
        const float *dd = dz + (size_t)b->dst[k] * C;
        float *dhs = dh + (size_t)b->src[k] * C, *dek = de + k * C;
        for (size_t c = 0; c < C; c++) {
            float gr = hs[c] + ek[c] > 0 ? dd[c] : 0.0f;
            dhs[c] += gr;
            dek[c] += gr;
        }
    }
}

void ua_gps_gine_aggregate_backward(float *dh, float *de, const float *dz, const float *h,
                                    const float *e, const ua_gps_batch *b, size_t C)
{
#pragma omp parallel for schedule(dynamic, 4) if (b->E * C >= 32768)
    for (size_t g = 0; g < b->G; g++) gine_graph_backward(dh, de, dz, h, e, b, g, C);
}
