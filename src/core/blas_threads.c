/*
 * OpenBLAS's thread count around OpenMP regions whose threads call BLAS themselves.
 *
 * OpenBLAS (the pthreads build Debian ships) keeps its own pool of threads that spin after each
 * call; an OpenMP team working between two BLAS calls, or calling BLAS from each of its threads,
 * then competes with that pool for the same cores. On a 2-core machine this made fits take up to
 * 3x their usual time. Inside such regions OpenBLAS is set to one thread (each OpenMP thread runs
 * its own GEMMs, as OpenBLAS's documentation recommends for multi-threaded callers) and restored
 * after. The setting is process-wide: BLAS called concurrently from the caller's own threads
 * during such a region runs single-threaded.
 */
#include <omp.h>

#include "internal.h"
#include "uniapprox/metrics.h"

void openblas_set_num_threads(int);
int openblas_get_num_threads(void);

int ua_blas_threads_serial(void)
{
    int prev = openblas_get_num_threads();
    if (prev > 1) openblas_set_num_threads(1);
    return prev;
}

void ua_blas_threads_restore(int prev)
{
    if (prev > 1) openblas_set_num_threads(prev);
}

int ua_row_threads(size_t work, size_t min_work, size_t tasks)
{
    int nt = omp_get_max_threads();
    if (nt < 1 || work < min_work) nt = 1;
    if ((size_t)nt > tasks) nt = tasks ? (int)tasks : 1;
    return nt > UA_MAX_ROW_THREADS ? UA_MAX_ROW_THREADS : nt;
}

/* ua_set_threads (uniapprox/metrics.h): the OpenMP maximum and OpenBLAS's pool, process-wide. */
int ua_set_threads(int n)
{
    int prev = omp_get_max_threads();
    if (n < 1) return prev;
    omp_set_num_threads(n);
    openblas_set_num_threads(n);
    return prev;
}
