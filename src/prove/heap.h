/*
 * src/prove/heap.h — the max-heap of boxes by bound that the provers' branch and bound shares
 * (the Lipschitz bound of ua_model_lipschitz and the cells of ua_prove_lipschitz_grid): the box
 * with the largest bound is split first. The caller owns the array h (capacity for every push).
 */
#ifndef UA_PROVE_HEAP_H
#define UA_PROVE_HEAP_H

#include <stddef.h>

typedef struct {
    double bound;
    size_t slot; /* the box's index in the caller's pool */
} ua_heap_item;

/* Adds v to the heap h of *n items (h has room for one more); O(log n). */
void ua_heap_push(ua_heap_item *h, size_t *n, ua_heap_item v);

/* Removes and returns the item with the largest bound; *n >= 1. O(log n). */
ua_heap_item ua_heap_pop(ua_heap_item *h, size_t *n);

#endif
