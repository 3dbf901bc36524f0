/*
 * The exact kernel ridge solve (K + lambda I) alpha = y split over the ranks of an MPI job
 * (uniapprox/dist.h) through ScaLAPACK: no rank ever holds the n x n matrix, so n can exceed
 * what one machine's memory holds.
 *
 * The ranks form a BLACS process grid pr x pc = P, as square as P allows (pr the largest divisor
 * of P not above sqrt(P): 2 ranks 1 x 2, 4 ranks 2 x 2, 6 ranks 2 x 3, a prime P 1 x P). K is
 * distributed block-cyclically in UA_KERNEL_DIST_BLOCK x UA_KERNEL_DIST_BLOCK blocks (ScaLAPACK
 * Users' Guide, 4.3): each rank computes only its own blocks, from the training inputs that every
 * rank holds, and only those on or below the diagonal (pdpotrf 'L' reads the lower triangle).
 * pdpotrf factors K + lambda I = L L^T, pdpotrs solves for y's columns (distributed over the
 * grid's rows like K's), and one rank-ordered sum (ua_dist_allreduce_sum, each entry contributed
 * by the one rank that holds it, every other adding 0: exact) gives every rank the same alpha
 * bit for bit, so every rank holds the same model and rank 0 saves it.
 *
 * Memory: a rank holds about (n / pr) x (n / pc) doubles of K (8 n^2 / P bytes), a column panel
 * of UA_KERNEL_DIST_BLOCK x (n / pr) doubles while it forms K, its rows of y and alpha (n k
 * doubles); the limit is --max-memory per rank, or by default half of the machine's physical
 * memory shared by the ranks on that machine (MPI_COMM_TYPE_SHARED), the smallest over the job,
 * so that every rank takes the same decision.
 *
 * Equality with one process: the entries of K are those of the serial solve's (the same kernel
 * code on the same standardised points; the distance kernels in up to 32 dimensions give the
 * same bits, the BLAS-based ones agree to rounding), and the Cholesky differs only in the order
 * of its operations, so the two alphas agree to about cond(K + lambda I) times the rounding unit
 * (tests/cli_mpi_kernel.sh asserts 1e-10 relative on predictions at a well-conditioned lambda).
 */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "train/ridge.h"
#include "uniapprox/dist.h"
#include "internal.h"

#ifdef UA_HAVE_MPI
#include <mpi.h>
#endif
#ifdef UA_HAVE_SCALAPACK
#include "scalapack.h"
#endif

int ua_kernel_dist_active(void)
{
#ifdef UA_HAVE_SCALAPACK
    return ua_dist_size() > 1;
#else
    return 0;
#endif
}

int ua_kernel_dist_built(void)
{
#ifdef UA_HAVE_SCALAPACK
    return 1;
#else
    return 0;
#endif
}

void ua_kernel_dist_grid(int size, int *pr, int *pc)
{
    int r = 1;
    for (int q = 1; (long)q * q <= size; q++)
        if (size % q == 0) r = q;
    *pr = r;
    *pc = size / r;
}

/* ScaLAPACK's numroc: how many of n indices in blocks of nb process p of np holds (first block on
 * process 0). Here in C so that the plan needs no library call. */
static size_t local_count(size_t n, size_t nb, size_t p, size_t np)
{
    size_t blocks = n / nb, num = (blocks / np) * nb, extra = blocks % np;
    if (p < extra) num += nb;
    else if (p == extra) num += n % nb;
    return num;
}

double ua_kernel_dist_share_bytes(size_t n, size_t k, int size)
{
    int pr, pc;
    ua_kernel_dist_grid(size, &pr, &pc);
    const size_t nb = UA_KERNEL_DIST_BLOCK;
    /* process (0, 0) holds the most: the first n mod (nb P) indices fall on the first ones */
    double rows = (double)local_count(n, nb, 0, (size_t)pr);
    double cols = (double)local_count(n, nb, 0, (size_t)pc);
    return 8.0 * (rows * cols + (double)nb * rows + rows * (double)k + (double)n * (double)k);
}

/* The ranks on this machine (1 without MPI or when MPI cannot tell). */
static int ranks_on_machine(void)
{
#ifdef UA_HAVE_MPI
    if (ua_dist_size() < 2) return 1;
    MPI_Comm node;
    if (MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node) !=
        MPI_SUCCESS)
        return 1;
    int n = 1;
    MPI_Comm_size(node, &n);
    MPI_Comm_free(&node);
    return n > 0 ? n : 1;
#else
    return 1;
#endif
}

double ua_kernel_dist_limit(double max_mem, int *per_machine)
{
    int here = ranks_on_machine();
    double phys = ua_phys_memory();
    double limit = max_mem > 0 ? max_mem : phys > 0 ? 0.5 * phys / here : INFINITY;
    /* the smallest allowance over the job, so that every rank decides alike: max of -limit */
    double v = -limit;
    if (ua_dist_allreduce_max(&v, 1)) v = -limit;
    double ranks = (double)here;
    if (ua_dist_allreduce_max(&ranks, 1)) ranks = here;
    if (per_machine) *per_machine = (int)ranks;
    return -v;
}

size_t ua_kernel_dist_memory_plan(size_t n, size_t k, double max_mem, char *note, size_t len)
{
    int here = 1;
    double limit = ua_kernel_dist_limit(max_mem, &here);
    double need = ua_kernel_dist_share_bytes(n, k, ua_dist_size());
    if (note && len) note[0] = '\0';
    if (need <= limit) return 0;
    if (max_mem > 0) return (size_t)-1;
    /* Nystrom runs in full on every rank: its 16 n M bytes against the rank's allowance */
    size_t M = n < 2000 ? n : 2000;
    while (M >= 10 && 16.0 * (double)n * (double)M > limit) M /= 2;
    if (M < 10) return (size_t)-1;
    if (note)
        snprintf(note, len, "exact KRR's %zu x %zu kernel matrix over %d ranks would need %.3g "
                 "GiB on each, more than a rank's %.3g GiB (half of its machine's memory shared "
                 "by up to %d ranks): fitted by Nystrom with M = %zu landmarks instead (more "
                 "ranks or machines, --nystrom M, or --max-memory BYTES per rank)",
                 n, n, ua_dist_size(), need / 1073741824.0, limit / 1073741824.0, here, M);
    return M;
}

ua_status ua_kernel_dist_agree(ua_status st, ua_kernel_spec *spec, double *lambda, double *err)
{
    if (ua_dist_size() < 2) return st;
    double failed = st ? 1.0 : 0.0;
    ua_status sx = ua_dist_allreduce_max(&failed, 1);
    if (sx) return st ? st : sx;
    if (failed != 0)
        return st ? st : UA_ERR(UA_ENOMEM, "kernel fit: the hyperparameter selection failed on "
                                "another rank of the job (its message is that rank's)");
    /* rank 0's choice on every rank: a selection that ended in a near tie could otherwise pick
     * different grid values on machines whose BLAS rounds differently */
    struct {
        ua_kernel_spec spec;
        double lambda, err;
    } pick = { *spec, *lambda, *err };
    sx = ua_dist_bcast(&pick, sizeof pick, 0);
    if (sx) return sx;
    *spec = pick.spec;
    *lambda = pick.lambda;
    *err = pick.err;
    return UA_OK;
}

#ifdef UA_HAVE_SCALAPACK
/* The global index of local index i of a dimension in blocks of nb over np processes, on p. */
static size_t global_index(size_t i, size_t nb, size_t p, size_t np)
{
    return ((i / nb) * np + p) * nb + i % nb;
}

/* 1 when any rank passes a nonzero flag (flags: (n,) doubles, the job's maximum in place). */
static int any_rank(double *flags, size_t n)
{
    if (ua_dist_allreduce_max(flags, n)) return 1;
    for (size_t i = 0; i < n; i++)
        if (flags[i] != 0) return 1;
    return 0;
}

/* This rank's blocks of the lower triangle of K + lambda I, column-major (lld, nloc). xr: the
 * rank's rows' points (mloc, d); tmp: (nb, mloc). Returns UA_OK, an error from the kernel, or
 * UA_EDIVERGED (*bad set) for a non-finite entry. */
static ua_status local_blocks(const ua_kernel_spec *s, const double *x, size_t n, size_t d,
                              double lambda, size_t myrow, size_t mycol, size_t pr, size_t pc,
                              const double *xr, size_t mloc, size_t nloc, double *A, size_t lld,
                              double *tmp, int *bad)
{
    const size_t nb = UA_KERNEL_DIST_BLOCK;
    *bad = 0;
    for (size_t c0 = 0; c0 < nloc; c0 += nb) {
        size_t w = nloc - c0 < nb ? nloc - c0 : nb;
        size_t g0 = global_index(c0, nb, mycol, pc); /* first global column of the block */
        size_t gb = g0 / nb;                         /* its global block index */
        /* the local rows on or below this block: local row blocks whose global block >= gb */
        size_t lb = gb > myrow ? (gb - myrow + pr - 1) / pr : 0;
        size_t i0 = lb * nb < mloc ? lb * nb : mloc, nr = mloc - i0;
        if (!nr) continue;
        /* tmp (w, nr) row-major = k(x_{g0 + j}, row point i): K's entries (g(i), g0 + j) by
         * symmetry, each column of the panel one row of tmp */
        ua_status st = ua_kernel_matrix(s, x + g0 * d, w, xr + i0 * d, nr, d, tmp);
        if (st) return st;
        if (ua_first_nonfinite(tmp, w * nr) < w * nr) {
            *bad = 1;
            return UA_EDIVERGED;
        }
        for (size_t j = 0; j < w; j++)
            memcpy(A + (c0 + j) * lld + i0, tmp + j * nr, nr * sizeof *A);
    }
    (void)n;
    /* lambda on the diagonal entries this rank holds */
    for (size_t jl = 0; jl < nloc; jl++) {
        size_t g = global_index(jl, nb, mycol, pc);
        if ((g / nb) % pr != myrow) continue;
        size_t il = (g / nb / pr) * nb + g % nb;
        A[jl * lld + il] += lambda;
    }
    return UA_OK;
}
#endif

ua_status ua_kernel_solve_dist(const ua_kernel_spec *s, const double *x, const double *y,
                               size_t n, size_t d, size_t k, double lambda, double max_mem,
                               double *alpha, char *info, size_t info_len)
{
#ifndef UA_HAVE_SCALAPACK
    (void)s, (void)x, (void)y, (void)n, (void)d, (void)k, (void)lambda, (void)max_mem;
    (void)alpha, (void)info, (void)info_len;
    return UA_ERR(UA_EINVAL, "kernel fit: the exact solve over the ranks of an MPI job needs a "
                  "build with ScaLAPACK (UA_SCALAPACK; scripts/install-deps installs "
                  "libscalapack-openmpi-dev)");
#else
    const int size = ua_dist_size();
    int pr, pc;
    ua_kernel_dist_grid(size, &pr, &pc);
    const size_t nb = UA_KERNEL_DIST_BLOCK;
    int per_machine = 1;
    double limit = ua_kernel_dist_limit(max_mem, &per_machine);
    double need = ua_kernel_dist_share_bytes(n, k, size);
    size_t most = local_count(n, nb, 0, (size_t)pr) * local_count(n, nb, 0, (size_t)pc);
    if (need > limit)
        return UA_ERR(UA_EINVAL, "kernel fit: each rank's share of the %zu x %zu kernel matrix "
                      "(%d ranks, a %d x %d grid) needs %.3g GiB, more than the %.3g GiB a rank "
                      "may take (%s); use more ranks or machines, the Nystrom approximation "
                      "(--nystrom M) or the rf family", n, n, size, pr, pc, need / 1073741824.0,
                      limit / 1073741824.0, max_mem > 0 ? "--max-memory, per rank under mpirun"
                      : "half of a machine's memory shared by its ranks");
    if (n > INT_MAX || k > INT_MAX || most > INT_MAX)
        return UA_ERR(UA_EINVAL, "kernel fit: a rank's share of the %zu x %zu kernel matrix has "
                      "%zu entries, more than ScaLAPACK's 32-bit indices address (2^31 - 1); "
                      "use more ranks", n, n, most);

    int me = 0, np = 0, ctx = 0, nprow = 0, npcol = 0, myrow = -1, mycol = -1;
    Cblacs_pinfo(&me, &np);
    Cblacs_get(-1, 0, &ctx);
    Cblacs_gridinit(&ctx, "Row", pr, pc);
    Cblacs_gridinfo(ctx, &nprow, &npcol, &myrow, &mycol);
    if (np != size || nprow != pr || npcol != pc || myrow < 0 || mycol < 0) {
        /* every rank sees the same sizes, so every rank returns here alike */
        if (myrow >= 0) Cblacs_gridexit(ctx);
        return UA_ERR(UA_EIO, "kernel fit: BLACS made a %d x %d grid of %d processes, asked for "
                      "%d x %d of %d", nprow, npcol, np, pr, pc, size);
    }
    const int N = (int)n, K = (int)k, NB = (int)nb, zero = 0, one = 1;
    int mloc = numroc_(&N, &NB, &myrow, &zero, &nprow);
    int nloc = numroc_(&N, &NB, &mycol, &zero, &npcol);
    int kloc = numroc_(&K, &NB, &mycol, &zero, &npcol);
    int lld = mloc > 1 ? mloc : 1, desca[UA_SCALAPACK_DLEN], descb[UA_SCALAPACK_DLEN], dinfo = 0;
    descinit_(desca, &N, &N, &NB, &NB, &zero, &zero, &ctx, &lld, &dinfo);
    if (!dinfo) descinit_(descb, &N, &K, &NB, &NB, &zero, &zero, &ctx, &lld, &dinfo);

    size_t ml = (size_t)mloc, nl = (size_t)nloc, kl = (size_t)kloc;
    size_t na = ml * nl, nbk = ml * kl;
    double *A = ua_alloc_large((na > 0 ? na : 1) * sizeof *A);
    double *B = malloc((nbk > 0 ? nbk : 1) * sizeof *B);
    double *xr = malloc((ml ? ml * d : 1) * sizeof *xr);
    double *tmp = malloc((ml ? nb * ml : 1) * sizeof *tmp);
    double *all = malloc(n * k * sizeof *all);
    ua_status st = UA_OK;
    int bad = 0;
    if (dinfo) st = UA_ERR(UA_EINVAL, "kernel fit: descinit: argument %d invalid", -dinfo);
    else if (!A || !B || !xr || !tmp || !all)
        st = UA_ENOMEM_ERR((ml * nl + ml * kl + ml * d + nb * ml + n * k) * sizeof(double));
    if (!st) {
        memset(A, 0, ml * nl * sizeof *A);
        for (size_t i = 0; i < ml; i++)
            memcpy(xr + i * d, x + global_index(i, nb, (size_t)myrow, (size_t)pr) * d,
                   d * sizeof *xr);
        st = local_blocks(s, x, n, d, lambda, (size_t)myrow, (size_t)mycol, (size_t)pr,
                          (size_t)pc, xr, ml, nl, A, (size_t)lld, tmp, &bad);
        /* y's columns on this rank's rows and columns of the grid, column-major (lld, kloc) */
        for (size_t t = 0; !st && t < kl; t++) {
            size_t gt = global_index(t, nb, (size_t)mycol, (size_t)pc);
            for (size_t i = 0; i < ml; i++)
                B[t * (size_t)lld + i] = y[global_index(i, nb, (size_t)myrow, (size_t)pr) * k + gt];
        }
    }
    free(tmp);
    free(xr);
    /* every rank reaches this exchange, a failed one with its flag set: then every rank stops
     * before ScaLAPACK's collectives, the message naming what failed where it did */
    double flags[2] = { st && !bad ? 1.0 : 0.0, bad ? 1.0 : 0.0 };
    if (any_rank(flags, 2)) {
        if (flags[1] != 0)
            st = UA_ERR(UA_EDIVERGED, "kernel fit: " UA_RIDGE_LEAD "the data overflow double "
                        "(the kernel matrix has a non-finite entry); rescale the samples to "
                        "moderate magnitudes (e.g. divide by a power of ten)");
        else if (!st)
            st = UA_ERR(UA_ENOMEM, "kernel fit: another rank of the job failed to form its "
                        "share of the kernel matrix (its message is that rank's)");
    }
    if (!st) {
        int pinfo = 0;
        pdpotrf_("L", &N, A, &one, &one, desca, &pinfo, 1);
        if (pinfo > 0)
            st = UA_ERR(UA_EDOMAIN, "kernel fit: K + lambda I is not positive definite (lambda = "
                        "%g is too small for this kernel; leading minor %d)", lambda, pinfo);
        else if (pinfo < 0) st = UA_ERR(UA_EINVAL, "pdpotrf: argument %d invalid", -pinfo);
        if (!st) {
            pdpotrs_("L", &N, &K, A, &one, &one, desca, B, &one, &one, descb, &pinfo, 1);
            if (pinfo) st = UA_ERR(UA_EINVAL, "pdpotrs failed (%d)", pinfo);
        }
    }
    free(A);
    if (!st) {
        /* alpha on every rank: each entry from the one rank that holds it, 0 from the others */
        memset(all, 0, n * k * sizeof *all);
        for (size_t t = 0; t < kl; t++) {
            size_t gt = global_index(t, nb, (size_t)mycol, (size_t)pc);
            for (size_t i = 0; i < ml; i++)
                all[global_index(i, nb, (size_t)myrow, (size_t)pr) * k + gt] =
                    B[t * (size_t)lld + i];
        }
        st = ua_dist_allreduce_sum(all, n * k);
        if (!st) memcpy(alpha, all, n * k * sizeof *alpha);
        if (!st) st = ua_ridge_check_finite("kernel fit", "the weights alpha", alpha, n * k, 0);
    }
    free(B);
    free(all);
    Cblacs_gridexit(ctx);
    if (!st && info && info_len)
        snprintf(info, info_len, "ScaLAPACK Cholesky over %d ranks (a %d x %d grid, blocks of "
                 "%zu); %.3g GiB of the kernel matrix a rank", size, pr, pc, nb,
                 need / 1073741824.0);
    return st;
#endif
}
