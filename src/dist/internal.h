/* src/dist/internal.h — the MPI layer's arithmetic, testable without a job (not installed). */
#ifndef UA_DIST_INTERNAL_H
#define UA_DIST_INTERNAL_H

#include <stddef.h>

/* [*lo, *hi): rank's block of [0, n) among size ranks (0 <= rank < size): contiguous blocks in
 * rank order, the first n % size of them one longer. ua_dist_share is this with the job's rank
 * and size. */
void ua_dist_share_of(size_t n, int rank, int size, size_t *lo, size_t *hi);

#endif
