/*
 * The encodings a model takes, for a set of graphs, from the data side's encoders (encode.h):
 * RWSE (nnodes, K) return probabilities, or LapPE (nnodes, 2k): the node's entries of the k
 * eigenvectors, then their k eigenvalues (as GraphGPS's LapPE encoder takes both, Kreuzer et
 * al. 2021: the eigenvalues are a graph invariant the eigenvectors' arbitrary signs and, for a
 * repeated eigenvalue, rotations cannot hide). Graphs of fewer than k nodes have only as many
 * eigenvectors as nodes; their missing columns are zeros, and how many graphs that concerned is
 * passed up to the report.
 */
#include <stdlib.h>

#include "encode.h"
#include "internal.h"

ua_status ua_gps_encodings(const ua_gps *m, const ua_graphs *g, double **pe, size_t *padded)
{
    *pe = NULL;
    *padded = 0;
    size_t K = m->a.K;
    if (m->a.pe == UA_GPS_PE_NONE) return UA_OK;
    double *out = ua_calloc(g->nnodes * K + 1, sizeof *out);
    if (!out) return UA_ENOMEM_ERR(g->nnodes * K * sizeof *out);
    ua_status s;
    if (m->a.pe == UA_GPS_PE_RWSE) {
        s = ua_graph_rwse(g, K, out);
    } else {
        size_t k = K / 2;
        double *vec = ua_calloc(g->nnodes * k + 1, sizeof *vec), *val = ua_calloc(g->nnodes * k + 1, sizeof *val);
        ua_graph_lappe_stats st = { 0 };
        s = vec && val ? ua_graph_lappe(g, k, vec, val, &st) : UA_ENOMEM_ERR(2 * g->nnodes * k * sizeof *val);
        for (size_t i = 0; !s && i < g->nnodes; i++)
            for (size_t j = 0; j < k; j++) {
                out[i * K + j] = vec[i * k + j];
                out[i * K + k + j] = val[i * k + j];
            }
        *padded = st.graphs_padded;
        free(vec);
        free(val);
    }
    if (s) {
        free(out);
        return s;
    }
    *pe = out;
    return UA_OK;
}
