/*
 * uniapprox/dist.h — running one job on several processes through MPI (OpenMPI).
 *
 * uniapprox is built with MPI when an MPI C library is found at configure time (UA_MPI=ON, the
 * default when found). A job started as `mpirun -np N uniapprox ...` then has N ranks that each
 * run the same command; the layers that split work (data-parallel training, the Gram matrix of
 * random features, the exhaustive check) call these functions, and everything else — parsing,
 * reading small inputs, printing, writing files — happens on every rank but only rank 0 prints
 * and writes. Without MPI (or when started without mpirun) every function below behaves as a job
 * of one rank: rank 0 of size 1, reductions copy, barriers return at once.
 *
 * Reproducibility: ua_dist_allreduce_sum does not use MPI_Allreduce's own summation (whose order
 * depends on the algorithm MPI picks); it gathers every rank's buffer and adds them in rank order
 * 0, 1, ..., N-1 on every rank, so a result is bitwise the same from run to run for a given N, and
 * the sum of N partial sums differs from the serial sum only by float rounding.
 *
 * Failure: MPI's default error handler aborts the whole job when a rank dies (OpenMPI prints which
 * one), so a collective never waits forever on a dead rank; ua_dist_abort ends every rank with
 * an exit status after printing a message on the calling one; ua_dist_agree_codes lets ranks that
 * all failed alike end normally with the same exit status.
 */
#ifndef UNIAPPROX_DIST_H
#define UNIAPPROX_DIST_H

#include <stddef.h>
#include "uniapprox/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Starts MPI if this build has it and the process was started by a launcher (mpirun's environment
 * variables are set); a no-op otherwise, so a plain run never starts MPI. Call once, first thing in main; argc/argv may be NULL. Returns UA_OK, or an error if
 * MPI was found but could not start. Thread level: MPI_THREAD_FUNNELED (only the main thread calls
 * MPI; OpenMP threads inside a rank are fine). */
ua_status ua_dist_init(int *argc, char ***argv);

/* Ends MPI if ua_dist_init started it. Call once, at the end of main (also on error paths). */
void ua_dist_finalize(void);

/* This process's rank, 0 .. size-1 (0 without MPI). */
int ua_dist_rank(void);

/* The number of ranks in the job (1 without MPI). */
int ua_dist_size(void);

/* The number of the job's ranks on this process's machine, this one included (ranks that share
 * memory: MPI_Comm_split_type with MPI_COMM_TYPE_SHARED, MPI-3), 1 without MPI or when MPI
 * cannot say. A collective call: every rank calls it, or none. */
int ua_dist_local_size(void);

/* 1 when this build has MPI support compiled in (whether or not the job has several ranks). */
int ua_dist_available(void);

/* In place: buf[i] <- sum over ranks r = 0 .. size-1, in that order, of rank r's buf[i]; every
 * rank gets the same bits. buf is (n,) doubles on every rank (n equal on every rank). Errors:
 * UA_ENOMEM for the gather buffer (size * min(n, 2^17) doubles on each rank: large buffers are
 * exchanged in chunks of 2^17 through that one buffer, so any n is accepted), UA_EINVAL for a
 * NULL buf with n > 0. */
ua_status ua_dist_allreduce_sum(double *buf, size_t n);

/* In place, this rank's share only: buf[lo, hi) <- the rank-ordered sum over ranks of their
 * buf[lo, hi), where [lo, hi) is ua_dist_share(n), and the last rank's share also takes the
 * `tail` elements after n (buf[n, n + tail): a few numbers every rank adds, e.g. a loss, summed
 * once on one rank); the rest of buf is left as it was. The same bits there as
 * ua_dist_allreduce_sum, with a rank receiving only its share of every rank's buffer (about
 * n (size - 1) / size doubles instead of n (size - 1)) and adding only it: a reduce-scatter in
 * rank order. buf is (n + tail,) doubles on every rank (n and tail equal on every rank); shares
 * above 2^17 doubles take the whole sum instead (the same bits on the share). Collective.
 * Errors: UA_ENOMEM for the gather buffer (size * share doubles), UA_EINVAL for a NULL buf with
 * n + tail > 0. */
ua_status ua_dist_reduce_scatter_sum(double *buf, size_t n, size_t tail);

/* In place: every rank's share of buf (ua_dist_share(n): elements [lo, hi), each of esize bytes)
 * copied into every other rank's buf, so that every rank ends with the same n elements, bit for
 * bit (the counterpart of ua_dist_reduce_scatter_sum: each rank updates its share, then all
 * shares are exchanged). Collective. Errors: UA_EINVAL for a NULL buf with n > 0 or esize 0,
 * UA_ENOMEM for the counts (2 size ints). */
ua_status ua_dist_allgather_shares(void *buf, size_t n, size_t esize);

/* In place, elementwise maximum over ranks (exact, order-free). buf is (n,) doubles. */
ua_status ua_dist_allreduce_max(double *buf, size_t n);

/* In place, elementwise sum over ranks of (n,) unsigned 64-bit counters (exact, order-free). */
ua_status ua_dist_allreduce_sum_u64(unsigned long long *buf, size_t n);

/* Copies `bytes` bytes at buf from rank `root` to every rank. */
ua_status ua_dist_bcast(void *buf, size_t bytes, int root);

/* Returns when every rank has called it. */
ua_status ua_dist_barrier(void);

/* The half-open share [*lo, *hi) of the index range [0, n) that belongs to this rank: contiguous
 * blocks in rank order, sizes differing by at most one (the first n % size ranks get one more). */
void ua_dist_share(size_t n, size_t *lo, size_t *hi);

/* How the job ends, agreed by every rank: each rank passes its own exit code and gets every
 * rank's in codes, (size,) ints (codes[r] = rank r's; codes[0] = code without MPI or with one
 * rank). The exchange runs on a private duplicate of the world communicator, so it cannot be
 * mistaken for a collective of the world that another rank is still in; it waits at most
 * timeout_s seconds (timeout_s < 0: without limit) for the other ranks to arrive. A command that
 * fails the same way on every rank (a bad input file read by each) then lets every rank finalize
 * and exit with that code instead of MPI_Abort. Errors: UA_EINVAL for a NULL codes, UA_EIO when
 * MPI fails or the other ranks did not arrive in time (a rank stuck in a collective waiting for
 * this one: the caller must then ua_dist_abort, the exchange stays pending). */
ua_status ua_dist_agree_codes(int code, int *codes, double timeout_s);

/* Ends every rank of the job with exit status `code` (MPI_Abort); without MPI, exit(code).
 * For the CLI only: the library itself never exits. */
void ua_dist_abort(int code);

#ifdef __cplusplus
}
#endif

#endif
