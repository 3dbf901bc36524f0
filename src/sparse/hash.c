/*
 * Lookup of a grid's points (node-id rows) and of a global grid's blocks (level rows): open
 * addressing with linear probing on an FNV-1a hash of the row, kept at most half full.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static uint64_t row_hash(const uint32_t *k, size_t d)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < d; i++) {
        h ^= k[i];
        h *= 1099511628211ull;
    }
    return h ^ (h >> 29);
}

static void place(size_t *slot, size_t cap, const uint32_t *keys, size_t d, size_t idx)
{
    size_t j = (size_t)row_hash(keys + idx * d, d) & (cap - 1);
    while (slot[j]) j = (j + 1) & (cap - 1);
    slot[j] = idx + 1;
}

ua_status ua_sparse_hash_add(ua_sparse_hash *h, const uint32_t *keys, size_t d, size_t idx)
{
    if (2 * (h->count + 1) > h->cap) {
        size_t cap = h->cap ? 2 * h->cap : 64;
        size_t *slot = calloc(cap, sizeof *slot);
        if (!slot) return UA_ENOMEM_ERR(cap * sizeof *slot);
        for (size_t j = 0; j < h->cap; j++)
            if (h->slot[j]) place(slot, cap, keys, d, h->slot[j] - 1);
        free(h->slot);
        h->slot = slot;
        h->cap = cap;
    }
    place(h->slot, h->cap, keys, d, idx);
    h->count++;
    return UA_OK;
}

size_t ua_sparse_hash_find(const ua_sparse_hash *h, const uint32_t *keys, size_t d,
                           const uint32_t *key)
{
    if (!h->cap) return SIZE_MAX;
    size_t j = (size_t)row_hash(key, d) & (h->cap - 1);
    while (h->slot[j]) {
        size_t idx = h->slot[j] - 1;
        if (!memcmp(keys + idx * d, key, d * sizeof *key)) return idx;
        j = (j + 1) & (h->cap - 1);
    }
    return SIZE_MAX;
}

void ua_sparse_hash_free(ua_sparse_hash *h)
{
    free(h->slot);
    h->slot = NULL;
    h->cap = h->count = 0;
}
