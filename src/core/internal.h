/*
 * src/core/internal.h — helpers shared by every module of the library (not installed).
 */
#ifndef UA_CORE_INTERNAL_H
#define UA_CORE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include "uniapprox/status.h"

/*
 * Records a printf-style message as this thread's last error, tagged with file and line, and
 * returns s, so that a failure path reads `return UA_ERR(UA_EINVAL, "tol must be > 0, got %g", tol);`.
 */
ua_status ua_set_error(ua_status s, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
#define UA_ERR(status, ...) ua_set_error((status), __FILE__, __LINE__, __VA_ARGS__)

/* This thread's last error message without the " [src/file.c:N]" tag UA_ERR appends, into buf
 * (len bytes): for a message that is recorded again, or shown to a user (src/core/status.c). */
void ua_last_error_message(char *buf, size_t len);

/* An out-of-memory failure with the size that was asked for. */
#define UA_ENOMEM_ERR(bytes) UA_ERR(UA_ENOMEM, "out of memory (asked for %zu bytes)", (size_t)(bytes))

/* strdup that returns NULL on NULL input or failure (C11 has no strdup). */
char *ua_strdup(const char *s);

/* calloc(n, size) that checks n * size for overflow; NULL on overflow or failure. */
void *ua_calloc(size_t n, size_t size);

/* Sets OpenBLAS to one thread before an OpenMP region whose threads call BLAS (or that runs
 * between BLAS calls), so that OpenBLAS's spinning pool and the OpenMP team do not compete for the
 * cores (src/core/blas_threads.c). Returns the previous count, for ua_blas_threads_restore.
 * OpenMP's own thread count is left as it was, in OpenBLAS's OpenMP build too (where BLAS
 * follows OpenMP's count again at its next call: only the pthreads build is held at one). */
int ua_blas_threads_serial(void);
void ua_blas_threads_restore(int prev);

/* ua_blas_threads_serial for a long one-off region (a fit's passes, a solve, a training run; not
 * a per-batch call), which also stops OpenBLAS's pthreads pool where ua_set_blas_pool_stop allows
 * it, so that none of its threads spins through the region; ua_blas_threads_quiet_restore puts
 * the count back and leaves the pool stopped (OpenBLAS starts it again at its next
 * multi-threaded call). Stopping and restarting the pool costs about 0.1-0.2 ms. */
int ua_blas_threads_quiet(void);
void ua_blas_threads_quiet_restore(int prev);

/* Stops OpenBLAS's pthreads pool now where ua_set_blas_pool_stop allows it (nothing otherwise):
 * before a long OpenMP region that runs on the threaded BLAS count. */
void ua_blas_pool_stop(void);

/* Threads for splitting tasks (row blocks) over OpenMP: omp_get_max_threads(), but 1 when the
 * work is below min_work, never more than the tasks, at most UA_MAX_ROW_THREADS (so that per-thread
 * status arrays can live on the stack). */
#define UA_MAX_ROW_THREADS 64
int ua_row_threads(size_t work, size_t min_work, size_t tasks);

/* y (n,) = exp(x) elementwise, vectorised (src/core/vexp.c): relative error < 4e-16, libm's exp
 * outside [-708, 709] and for NaN. y must not overlap x. */
void ua_vexp(const double *x, double *y, size_t n);

/* Bytes of physical memory (sysconf), or 0 when unknown: the default memory caps of the learners
 * (80% of it) come from here (src/core/alloc_large.c). */
double ua_phys_memory(void);

/* malloc for a large work array: 2 MiB-aligned and backed by transparent huge pages where the
 * kernel allows (src/core/alloc_large.c), so that first touch faults once per 2 MiB. Free with
 * free(). NULL on failure. */
void *ua_alloc_large(size_t bytes);

/* Faults in the pages of [p, p + bytes) for writing in one system call (MADV_POPULATE_WRITE,
 * Linux 5.14; about half the cost of faulting them one by one on first touch), widened to whole
 * pages, contents unchanged. Advice only: nothing happens where the call is unavailable or fails.
 * The range must lie in memory this process owns (src/core/alloc_large.c). */
void ua_prefault(void *p, size_t bytes);

/* The number of rows of x (n, d) whose values equal an earlier row's exactly (-0 = +0; a row
 * with a NaN equals none): rows given twice count once, three times twice. 0 when n < 2, d = 0
 * or memory is short (16 n bytes; src/core/repeats.c). For the selection's warning: leave-one-out
 * on repeated rows favours models that interpolate. */
size_t ua_count_repeated_rows(const double *x, size_t n, size_t d);

/* Formats a double so that it reads back bitwise identical ("%.17g", with "inf"/"nan" spelled
 * out). buf must hold at least 32 bytes. Returns buf. */
char *ua_fmt_double(char *buf, double x);

/* Checks class labels y (n,) of a classifier: every one an integer in [0, 2^20) (nonneg) or in
 * (-2^20, 2^20). UA_EINVAL naming who, the label and its 0-based row, else UA_OK. Shared by the
 * mlp (--task classify) and kernel (--classify) families. */
ua_status ua_check_labels(const char *who, const double *y, size_t n, int nonneg);

/* The first index i < n with a[i] not finite, or n when every value is finite. */
size_t ua_first_nonfinite(const double *a, size_t n);

/* UA_EDOMAIN "WHO: x row R, column C is NaN: the input is not finite" (R, C 1-based, as the
 * command line's messages) for the first non-finite value of x (n, d) row-major; UA_OK when
 * every value is finite. For the predict functions of learners, whose output at a NaN or infinite
 * input would otherwise be a misleading overflow message or a number. */
ua_status ua_check_finite_inputs(const char *who, const double *x, size_t n, size_t d);

/* After standardisation, z (n, d) of "x" or "y" (what) must be of moderate size (|z| <= 1e150:
 * squares and products stay finite). A larger value means the spread of the raw column overflowed
 * double and the scaler fell back to scale 1. UA_EDIVERGED ("<who>: <lead>the data overflow double
 * after standardisation (...)", the first such row and column counted from 1), else UA_OK. */
ua_status ua_check_standardised(const char *who, const char *lead, const char *what,
                                const double *z, size_t n, size_t d);

/* UA_MULTIVERSION before a hot loop's function: the library is built for the baseline x86-64
 * (SSE2), so GCC compiles AVX-512 and AVX2 clones too and the loader picks the best one the CPU
 * has (function multiversioning). Elsewhere it is empty. */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__)
#define UA_MULTIVERSION __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define UA_MULTIVERSION
#endif

/* The one seeded random number generator (src/core/rng.c): xoshiro256** seeded by splitmix64,
 * Box-Muller normals. Same seed, same stream on every platform. */
typedef struct { uint64_t s[4]; } ua_rng;
void ua_rng_seed(ua_rng *r, uint64_t seed);
uint64_t ua_rng_next(ua_rng *r);
double ua_rng_uniform(ua_rng *r);  /* [0, 1) with 53 bits */
double ua_rng_normal(ua_rng *r);   /* standard normal */
/* m distinct indices of 0..n-1 (a partial Fisher-Yates shuffle) into idx (m,). UA_ENOMEM. */
ua_status ua_rng_subset(ua_rng *r, size_t n, size_t m, size_t *idx);

/* Quasi-random points (src/core/qmc.c): u (n, d) in [0, 1)^d, points skip .. skip + n - 1 of a
 * Sobol sequence (Joe & Kuo's direction numbers, d <= UA_QMC_MAX_DIM) scrambled by a random
 * digital shift drawn from seed (seed 0: no shift, the plain sequence). UA_EINVAL for d == 0 or
 * d > UA_QMC_MAX_DIM. */
#define UA_QMC_MAX_DIM 64
ua_status ua_qmc_sobol(size_t d, size_t n, size_t skip, uint64_t seed, double *u);

#endif /* UA_CORE_INTERNAL_H */
