/* The MPI layer (uniapprox/dist.h): rank and size, the rank-ordered reproducible sum, exact
 * maxima and counters, broadcast, barrier, a rank's share of a range, the exchange of exit codes,
 * abort.
 *
 * MPI is started only when the process was started by a launcher (mpirun, mpiexec, srun: it
 * leaves its rank in the environment) or when the program already started MPI itself. A plain
 * `uniapprox ...` therefore never touches MPI: it pays nothing (OpenMPI's MPI_Init of a singleton
 * takes a few hundred milliseconds and starts a helper daemon) and behaves as rank 0 of 1, as a
 * build without MPI does.
 *
 * Large buffers move in chunks of CHUNK elements: MPI counts are ints. The rank-ordered sum
 * gathers in smaller chunks of SUM_CHUNK, into one buffer of size * SUM_CHUNK doubles reused for
 * every chunk: its memory stays bounded however large n is, and it is touched once. (Fresh memory
 * costs more than the exchange on a virtual machine: 10-20 us a 4 KiB page at its first touch, so
 * gathering a 4 MB sum over 2 ranks into a fresh 8 MB buffer took 90-110 ms where the exchange
 * itself, warm, takes 0.6 ms.) */
#include <limits.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/internal.h"
#include "uniapprox/dist.h"
#include "internal.h"

#ifdef UA_HAVE_MPI
#include <mpi.h>
#endif

/* Elements per collective call: 2^20 doubles (8 MiB) per rank, far below INT_MAX. */
#define CHUNK ((size_t)1 << 20)
/* Doubles per rank per call of the rank-ordered sum: 2^17 (1 MiB; the gather buffer is size times
 * that), above a 16 -> 256 -> 256 -> 1 network's gradient (70,402 doubles: one call a step), and
 * large enough that a call's latency (a few microseconds) is small against its copy. */
#define SUM_CHUNK ((size_t)1 << 17)

static int g_rank = 0, g_size = 1;
static int g_active = 0;  /* MPI calls go through (MPI is initialized, by us or by the program) */
static int g_started = 0; /* we called MPI_Init_thread, so we call MPI_Finalize */
#ifdef UA_HAVE_MPI
/* A private copy of the world for ua_dist_agree_codes: its exchange can never be matched with a
 * collective of the world that another rank is still in. */
static MPI_Comm g_agree = MPI_COMM_NULL;
#endif

#ifdef UA_HAVE_MPI
/* The variables a launcher sets in each rank's environment: OpenMPI's mpirun (OMPI_COMM_WORLD_*),
 * PMIx (PMIX_RANK), MPICH's Hydra and Slurm's PMI (PMI_RANK). */
static int launched_by_mpirun(void)
{
    static const char *const vars[] = { "OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK",
                                        "PMI_SIZE" };
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++)
        if (getenv(vars[i])) return 1;
    return 0;
}

/* The text of an MPI error code, for a message. */
static ua_status mpi_fail(int rc, const char *what)
{
    char text[MPI_MAX_ERROR_STRING];
    int len = 0;
    if (MPI_Error_string(rc, text, &len) != MPI_SUCCESS) snprintf(text, sizeof text, "code %d", rc);
    return UA_ERR(UA_EIO, "MPI %s failed: %s", what, text);
}
#endif

ua_status ua_dist_init(int *argc, char ***argv)
{
#ifdef UA_HAVE_MPI
    if (g_active) return UA_OK;
    int initialized = 0, finalized = 0;
    MPI_Initialized(&initialized);
    MPI_Finalized(&finalized);
    if (finalized) return UA_ERR(UA_EINVAL, "MPI was already finalized: it cannot start again");
    if (!initialized) {
        if (!launched_by_mpirun()) return UA_OK; /* one rank, no MPI */
        int provided = 0;
        int rc = MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided);
        if (rc != MPI_SUCCESS) return mpi_fail(rc, "initialization");
        g_started = 1;
    }
    /* A failed collective (a dead peer) ends the whole job rather than returning an error that
     * one rank handles while the others wait forever. This is MPI's default on the world
     * communicator; set it explicitly in case the program changed it. */
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_ARE_FATAL);
    MPI_Comm_rank(MPI_COMM_WORLD, &g_rank);
    MPI_Comm_size(MPI_COMM_WORLD, &g_size);
    if (g_agree == MPI_COMM_NULL) MPI_Comm_dup(MPI_COMM_WORLD, &g_agree);
    g_active = 1;
#else
    (void)argc;
    (void)argv;
#endif
    return UA_OK;
}

void ua_dist_finalize(void)
{
#ifdef UA_HAVE_MPI
    if (g_started) {
        int finalized = 0;
        MPI_Finalized(&finalized);
        if (!finalized) {
            if (g_agree != MPI_COMM_NULL) MPI_Comm_free(&g_agree);
            MPI_Finalize();
        }
    }
    g_agree = MPI_COMM_NULL;
#endif
    g_started = g_active = 0;
    g_rank = 0;
    g_size = 1;
}

int ua_dist_rank(void) { return g_rank; }

int ua_dist_size(void) { return g_size; }

int ua_dist_local_size(void)
{
#ifdef UA_HAVE_MPI
    if (!g_active || g_size < 2) return 1;
    MPI_Comm node;
    if (MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node) != MPI_SUCCESS)
        return 1;
    int n = 1;
    if (MPI_Comm_size(node, &n) != MPI_SUCCESS || n < 1) n = 1;
    MPI_Comm_free(&node);
    return n;
#else
    return 1;
#endif
}

int ua_dist_available(void)
{
#ifdef UA_HAVE_MPI
    return 1;
#else
    return 0;
#endif
}

ua_status ua_dist_allreduce_sum(double *buf, size_t n)
{
    if (n && !buf) return UA_ERR(UA_EINVAL, "allreduce: NULL buffer of %zu doubles", n);
    if (!g_active || g_size == 1 || n == 0) return UA_OK;
#ifdef UA_HAVE_MPI
    size_t chunk = n < SUM_CHUNK ? n : SUM_CHUNK;
    size_t size = (size_t)g_size;
    double *all = malloc(size * chunk * sizeof *all);
    if (!all) return UA_ENOMEM_ERR(size * chunk * sizeof *all);
    for (size_t off = 0; off < n; off += chunk) {
        size_t m = n - off < chunk ? n - off : chunk;
        /* every rank receives every rank's part, then adds them in rank order itself: the same
         * operations in the same order on every rank, so the same bits everywhere and in every
         * run, whatever algorithm MPI picks for the exchange */
        int rc = MPI_Allgather(buf + off, (int)m, MPI_DOUBLE, all, (int)m, MPI_DOUBLE,
                               MPI_COMM_WORLD);
        if (rc != MPI_SUCCESS) {
            free(all);
            return mpi_fail(rc, "allgather");
        }
        for (size_t i = 0; i < m; i++) {
            double s = all[i];
            for (size_t r = 1; r < size; r++) s += all[r * m + i];
            buf[off + i] = s;
        }
    }
    free(all);
#endif
    return UA_OK;
}

ua_status ua_dist_reduce_scatter_sum(double *buf, size_t n, size_t tail)
{
    if ((n || tail) && !buf) return UA_ERR(UA_EINVAL, "reduce-scatter: NULL buffer of %zu doubles", n + tail);
    if (n + tail < n) return UA_ERR(UA_EINVAL, "reduce-scatter: %zu + %zu doubles overflow", n, tail);
    if (!g_active || g_size == 1 || n + tail == 0) return UA_OK;
#ifdef UA_HAVE_MPI
    size_t size = (size_t)g_size, lo, hi;
    ua_dist_share(n, &lo, &hi);
    if (g_rank == g_size - 1) hi += tail;
    size_t most = (n + size - 1) / size + tail; /* the longest share */
    /* shares beyond one chunk: the whole sum, whose bits on this share are the same */
    if (most > SUM_CHUNK) return ua_dist_allreduce_sum(buf, n + tail);
    int *cnt = malloc(4 * size * sizeof *cnt);
    double *all = malloc(size * (hi - lo ? hi - lo : 1) * sizeof *all);
    if (!cnt || !all) {
        free(cnt);
        free(all);
        return UA_ENOMEM_ERR(size * most * sizeof *all);
    }
    int *sdisp = cnt + size, *rcnt = cnt + 2 * size, *rdisp = cnt + 3 * size;
    for (size_t r = 0; r < size; r++) {
        size_t a, b;
        ua_dist_share_of(n, (int)r, g_size, &a, &b);
        cnt[r] = (int)(b - a + (r == size - 1 ? tail : 0));
        sdisp[r] = (int)a;
        rcnt[r] = (int)(hi - lo);
        rdisp[r] = (int)(r * (hi - lo));
    }
    /* rank r's part of every rank's buffer goes to rank r, which adds the parts in rank order:
     * each element the same operations in the same order as ua_dist_allreduce_sum's */
    int rc = MPI_Alltoallv(buf, cnt, sdisp, MPI_DOUBLE, all, rcnt, rdisp, MPI_DOUBLE, MPI_COMM_WORLD);
    if (rc == MPI_SUCCESS) {
        size_t m = hi - lo;
        for (size_t i = 0; i < m; i++) {
            double t = all[i];
            for (size_t r = 1; r < size; r++) t += all[r * m + i];
            buf[lo + i] = t;
        }
    }
    free(cnt);
    free(all);
    if (rc != MPI_SUCCESS) return mpi_fail(rc, "reduce-scatter");
#endif
    return UA_OK;
}

ua_status ua_dist_allgather_shares(void *buf, size_t n, size_t esize)
{
    if (n && !buf) return UA_ERR(UA_EINVAL, "allgather: NULL buffer of %zu elements", n);
    if (n && !esize) return UA_ERR(UA_EINVAL, "allgather: elements of 0 bytes");
    if (!g_active || g_size == 1 || n == 0) return UA_OK;
#ifdef UA_HAVE_MPI
    size_t size = (size_t)g_size;
    if (n > (size_t)INT_MAX / esize) { /* counts in bytes beyond an int: a broadcast a share */
        for (int r = 0; r < g_size; r++) {
            size_t a, b;
            ua_dist_share_of(n, r, g_size, &a, &b);
            ua_status s = ua_dist_bcast((char *)buf + a * esize, (b - a) * esize, r);
            if (s) return s;
        }
        return UA_OK;
    }
    int *cnt = malloc(2 * size * sizeof *cnt);
    if (!cnt) return UA_ENOMEM_ERR(2 * size * sizeof *cnt);
    for (size_t r = 0; r < size; r++) {
        size_t a, b;
        ua_dist_share_of(n, (int)r, g_size, &a, &b);
        cnt[r] = (int)((b - a) * esize);
        cnt[size + r] = (int)(a * esize);
    }
    int rc = MPI_Allgatherv(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, buf, cnt, cnt + size, MPI_BYTE,
                            MPI_COMM_WORLD);
    free(cnt);
    if (rc != MPI_SUCCESS) return mpi_fail(rc, "allgather");
#endif
    return UA_OK;
}

#ifdef UA_HAVE_MPI
/* In place, MPI's own reduction op over n elements of `size` bytes, in chunks that fit an int
 * count: for the exact, order-free reductions (a maximum, a sum of integer counters). */
static ua_status allreduce_exact(void *buf, size_t n, size_t size, MPI_Datatype type, MPI_Op op,
                                 const char *what)
{
    for (size_t off = 0; off < n; off += CHUNK) {
        size_t m = n - off < CHUNK ? n - off : CHUNK;
        int rc = MPI_Allreduce(MPI_IN_PLACE, (char *)buf + off * size, (int)m, type, op,
                               MPI_COMM_WORLD);
        if (rc != MPI_SUCCESS) return mpi_fail(rc, what);
    }
    return UA_OK;
}
#endif

ua_status ua_dist_allreduce_max(double *buf, size_t n)
{
    if (n && !buf) return UA_ERR(UA_EINVAL, "allreduce: NULL buffer of %zu doubles", n);
    if (!g_active || g_size == 1 || n == 0) return UA_OK;
#ifdef UA_HAVE_MPI
    return allreduce_exact(buf, n, sizeof *buf, MPI_DOUBLE, MPI_MAX, "allreduce (max)");
#else
    return UA_OK;
#endif
}

ua_status ua_dist_allreduce_sum_u64(unsigned long long *buf, size_t n)
{
    if (n && !buf) return UA_ERR(UA_EINVAL, "allreduce: NULL buffer of %zu counters", n);
    if (!g_active || g_size == 1 || n == 0) return UA_OK;
#ifdef UA_HAVE_MPI
    return allreduce_exact(buf, n, sizeof *buf, MPI_UNSIGNED_LONG_LONG, MPI_SUM,
                           "allreduce (sum of counters)");
#else
    return UA_OK;
#endif
}

ua_status ua_dist_bcast(void *buf, size_t bytes, int root)
{
    if (root < 0 || root >= g_size)
        return UA_ERR(UA_EINVAL, "broadcast: root %d is not a rank of this job (size %d)", root,
                      g_size);
    if (bytes && !buf) return UA_ERR(UA_EINVAL, "broadcast: NULL buffer of %zu bytes", bytes);
    if (!g_active || g_size == 1 || bytes == 0) return UA_OK;
#ifdef UA_HAVE_MPI
    unsigned char *p = buf;
    size_t chunk = CHUNK * sizeof(double);
    for (size_t off = 0; off < bytes; off += chunk) {
        size_t m = bytes - off < chunk ? bytes - off : chunk;
        int rc = MPI_Bcast(p + off, (int)m, MPI_BYTE, root, MPI_COMM_WORLD);
        if (rc != MPI_SUCCESS) return mpi_fail(rc, "broadcast");
    }
#endif
    return UA_OK;
}

ua_status ua_dist_barrier(void)
{
    if (!g_active || g_size == 1) return UA_OK;
#ifdef UA_HAVE_MPI
    int rc = MPI_Barrier(MPI_COMM_WORLD);
    if (rc != MPI_SUCCESS) return mpi_fail(rc, "barrier");
#endif
    return UA_OK;
}

void ua_dist_share(size_t n, size_t *lo, size_t *hi)
{
    ua_dist_share_of(n, g_rank, g_size, lo, hi);
}

void ua_dist_share_of(size_t n, int rank, int nranks, size_t *lo, size_t *hi)
{
    size_t size = (size_t)nranks, r = (size_t)rank;
    size_t q = n / size, extra = n % size;
    /* the first `extra` ranks hold q + 1 indices, the others q */
    size_t start = r * q + (r < extra ? r : extra);
    *lo = start;
    *hi = start + q + (r < extra ? 1 : 0);
}

ua_status ua_dist_agree_codes(int code, int *codes, double timeout_s)
{
    if (!codes) return UA_ERR(UA_EINVAL, "ua_dist_agree_codes: codes is NULL");
    codes[0] = code;
#ifdef UA_HAVE_MPI
    if (!g_active || g_size == 1) return UA_OK;
    MPI_Request req;
    int rc = MPI_Iallgather(&code, 1, MPI_INT, codes, 1, MPI_INT, g_agree, &req);
    if (rc != MPI_SUCCESS) return mpi_fail(rc, "exchange of exit codes");
    struct timespec t0, now, nap = { 0, 1000000 }; /* polls every millisecond */
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
        int done = 0;
        rc = MPI_Test(&req, &done, MPI_STATUS_IGNORE);
        if (rc != MPI_SUCCESS) return mpi_fail(rc, "exchange of exit codes");
        if (done) return UA_OK;
        clock_gettime(CLOCK_MONOTONIC, &now);
        double waited = (double)(now.tv_sec - t0.tv_sec) + 1e-9 * (double)(now.tv_nsec - t0.tv_nsec);
        /* the request stays pending: the caller ends the job (ua_dist_abort) */
        if (timeout_s >= 0 && waited > timeout_s)
            return UA_ERR(UA_EIO, "the other ranks did not reach the end of the command within "
                                  "%g s", timeout_s);
        nanosleep(&nap, NULL);
    }
#else
    (void)timeout_s;
    return UA_OK;
#endif
}

void ua_dist_abort(int code)
{
#ifdef UA_HAVE_MPI
    if (g_active) MPI_Abort(MPI_COMM_WORLD, code);
#endif
    exit(code);
}
