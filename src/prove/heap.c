/* src/prove/heap.c — a binary max-heap on the bound (heap.h). */
#include "prove/heap.h"

void ua_heap_push(ua_heap_item *h, size_t *n, ua_heap_item v)
{
    size_t i = (*n)++;
    h[i] = v;
    while (i && h[(i - 1) / 2].bound < h[i].bound) {
        ua_heap_item t = h[i];
        h[i] = h[(i - 1) / 2];
        h[(i - 1) / 2] = t;
        i = (i - 1) / 2;
    }
}

ua_heap_item ua_heap_pop(ua_heap_item *h, size_t *n)
{
    ua_heap_item top = h[0];
    h[0] = h[--*n];
    for (size_t i = 0;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < *n && h[l].bound > h[m].bound) m = l;
        if (r < *n && h[r].bound > h[m].bound) m = r;
        if (m == i) break;
        ua_heap_item t = h[i];
        h[i] = h[m];
        h[m] = t;
        i = m;
    }
    return top;
}
