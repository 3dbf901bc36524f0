/*
 * The isotropic Smolyak multi-index set {l in N^d : |l|_1 <= L} and the number of points of its
 * grid on the nested rule (1, 2, 2^(l-1) new nodes per level): the grid both rules start from.
 */
#include <stdlib.h>

#include "internal.h"

size_t ua_sparse_smolyak_count(size_t d, int L, size_t cap)
{
    if (L < 0 || d == 0) return 0;
    /* c[s]: the points of the blocks over the first i dimensions with |l|_1 = s; doubles hold
     * the counts exactly up to 2^53, and anything above cap is reported as such */
    double c[64] = { 0 }, next[64];
    if (L > 63) return SIZE_MAX;
    c[0] = 1.0;
    for (size_t i = 0; i < d; i++) {
        for (int s = 0; s <= L; s++) {
            next[s] = 0.0;
            for (int l = 0; l <= s; l++) next[s] += c[s - l] * (double)ua_sparse_nodes_new(l);
        }
        for (int s = 0; s <= L; s++) c[s] = next[s];
    }
    double total = 0.0;
    for (int s = 0; s <= L; s++) total += c[s];
    return total > (double)cap ? SIZE_MAX : (size_t)total;
}

/* Appends every l with |l|_1 == s, l_i for i >= i0 free, the rest in cur. */
static ua_status compositions(size_t d, size_t i, int left, uint32_t *cur, uint32_t **levels,
                              size_t *nb, size_t *cap)
{
    if (i + 1 == d) {
        cur[i] = (uint32_t)left;
        if (*nb == *cap) {
            size_t c = *cap ? 2 * *cap : 64;
            uint32_t *p = realloc(*levels, c * d * sizeof *p);
            if (!p) return UA_ENOMEM_ERR(c * d * sizeof *p);
            *levels = p;
            *cap = c;
        }
        for (size_t j = 0; j < d; j++) (*levels)[*nb * d + j] = cur[j];
        (*nb)++;
        return UA_OK;
    }
    for (int l = left; l >= 0; l--) {
        cur[i] = (uint32_t)l;
        ua_status s = compositions(d, i + 1, left - l, cur, levels, nb, cap);
        if (s) return s;
    }
    return UA_OK;
}

ua_status ua_sparse_smolyak_set(size_t d, int L, uint32_t **levels, size_t *nb)
{
    uint32_t cur[UA_PROBLEM_MAX_DIM];
    size_t cap = *nb;
    for (int s = 0; s <= L; s++) {
        ua_status r = compositions(d, 0, s, cur, levels, nb, &cap);
        if (r) return r;
    }
    return UA_OK;
}
