/*
 * OpenBLAS's thread count around OpenMP regions whose threads call BLAS themselves.
 *
 * OpenBLAS's pthreads build (Debian's default) keeps its own pool of threads that spin after each
 * call; an OpenMP team working between two BLAS calls, or calling BLAS from each of its threads,
 * then competes with that pool for the same cores. On a 2-core machine this made fits take up to
 * 3x their usual time. Inside such regions the pthreads build is set to one thread (each OpenMP
 * thread runs its own GEMMs, as OpenBLAS's documentation recommends for multi-threaded callers)
 * and restored after. The setting is process-wide: BLAS called concurrently from the caller's own
 * threads during such a region runs single-threaded.
 *
 * OpenBLAS's OpenMP build (CMake's UA_BLAS_OPENMP, off by default) has no pool of its own: its
 * threads are the OpenMP team's, and a call inside a parallel region runs on the calling thread
 * alone. There openblas_set_num_threads also sets OpenMP's count (omp_set_num_threads), which
 * would shrink the caller's next team to one thread, so OpenMP's count is put back after each
 * call; and since that build (0.3.21) takes OpenMP's count again at its next call, BLAS between
 * the regions then runs on the team (tests/test_metrics.c, test_blas_threads_keep_openmp).
 *
 * Held at one thread, the pthreads pool still spins for about 0.1 s after the library loads and
 * after each multi-threaded call (OpenBLAS's thread timeout) before its threads sleep. Where the
 * caller allows it (ua_set_blas_pool_stop: the command-line tool does), a long one-off region
 * stops the pool instead (ua_blas_threads_quiet), as OpenBLAS's fork handler does; OpenBLAS
 * starts it again at its next multi-threaded call.
 */
#include <omp.h>

#include "internal.h"
#include "uniapprox/metrics.h"

void openblas_set_num_threads(int);
int openblas_get_num_threads(void);
int openblas_get_parallel(void);

/* OpenBLAS's own entry that stops its pthreads pool, the one its fork handler calls: the threads
 * are told to exit and joined, and the next multi-threaded call (or a raised thread count) starts
 * them again. Weak, so that a BLAS without it still links; then the pool is never stopped. */
#if defined(__GNUC__)
int blas_thread_shutdown_(void) __attribute__((weak));
#define UA_HAVE_POOL_STOP 1
#endif

/* OpenBLAS's thread count set to n, OpenMP's left as it was (see above) */
static void set_blas_threads(int n)
{
    int omp = omp_get_max_threads();
    openblas_set_num_threads(n);
    if (omp_get_max_threads() != omp) omp_set_num_threads(omp);
}

int ua_blas_threads_serial(void)
{
    int prev = openblas_get_num_threads();
    if (prev > 1) set_blas_threads(1);
    return prev;
}

void ua_blas_threads_restore(int prev)
{
    if (prev > 1) set_blas_threads(prev);
}

/* ua_set_blas_pool_stop's setting: off unless the caller owns every thread of the process */
static int pool_stop_allowed;

int ua_set_blas_pool_stop(int on)
{
    int prev = pool_stop_allowed;
    pool_stop_allowed = on != 0;
    ua_blas_pool_stop();
    return prev;
}

void ua_blas_pool_stop(void)
{
#ifdef UA_HAVE_POOL_STOP
    /* 1: the pthreads build (0 is the sequential build, 2 the OpenMP build: no pool to stop) */
    if (pool_stop_allowed && blas_thread_shutdown_ && openblas_get_parallel() == 1) blas_thread_shutdown_();
#endif
}

int ua_blas_threads_quiet(void)
{
    int prev = ua_blas_threads_serial();
    ua_blas_pool_stop();
    return prev;
}

/* Raising OpenBLAS's count starts its pool's threads at once (they then spin for their 0.1 s):
 * stopped again, they start at the next multi-threaded call instead. */
void ua_blas_threads_quiet_restore(int prev)
{
    ua_blas_threads_restore(prev);
    if (prev > 1) ua_blas_pool_stop();
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
