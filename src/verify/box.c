/* ua_verify_box: errors of an approximation over a box in d dimensions (uniapprox/verify.h).
 *
 * The point set is indexable: point i of the set (grid, Sobol, corners, face centres, centre,
 * extra, in that order) is computed from i alone, so the points are generated batch by batch and
 * never stored (memory: one batch of points, plus two doubles per point only for a tolerance with
 * both a scale and a relative term, whose verdict needs the final scale). Each batch goes to the
 * approximation (and to a double reference) from the calling thread; an MPFR reference is then
 * evaluated over fixed blocks of the batch in OpenMP threads. Block results are merged in block
 * order, so every sum and every tie (the first point of the set wins) is the same whatever the
 * number of threads. */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mpfr.h>
#include <omp.h>

#include "core/internal.h"
#include "uniapprox/dist.h"
#include "uniapprox/verify.h"
#include "verify/internal.h"

#define BLOCK 256                /* points per reduction block */
#define BATCH (64 * BLOCK)       /* points per call of the approximation / reference function */
#define BATCH_DOUBLES ((size_t)1 << 21) /* at most 16 MiB of coordinates per batch (large d) */

void ua_verify_box_options_default(ua_verify_box_options *opt, size_t d)
{
    memset(opt, 0, sizeof *opt);
    opt->grid_points = d == 1 ? 100000 : d == 2 ? 40000 : 0;
    opt->sobol_points = d == 1 ? 0 : d == 2 ? 20000 : 100000;
    opt->max_points = 10000000;
    opt->grid = UA_GRID_UNIFORM;
    opt->prec = 128;
    opt->extra = NULL;
    opt->nextra = 0;
    opt->seed = 1;
    opt->threads = 0;
}

void ua_box_errors_free(ua_box_errors *e)
{
    if (!e) return;
    free(e->x_max_abs);
    free(e->x_max_rel);
    free(e->x_max_ulp64);
    free(e->x_max_ulp32);
    free(e->x_tol_ratio);
    memset(e, 0, sizeof *e);
}

/* ---- the point set ------------------------------------------------------------------------ */

typedef struct {
    size_t d;
    const double *lo, *hi;
    double *mid;           /* (d,) the centre */
    ua_grid grid;
    size_t ngrid, side;    /* grid points; d == 2: points per side (ngrid = side^2) */
    size_t nsobol;
    uint64_t seed;
    size_t ncorner, nface; /* 2^d (d <= 16) and 2d; for d == 1 with a grid, 0: its endpoints */
    const double *extra;   /* (rows, d) of the options */
    size_t *inside;        /* rows of extra inside the box, in order */
    size_t nextra;         /* how many */
    size_t n;              /* the total */
    int float_inputs;      /* round every coordinate to a float of the box (the options') */
} pointset;

/* a + b, or SIZE_MAX when it overflows: counts that large fail the cap anyway */
static size_t sat_add(size_t a, size_t b) { return a > SIZE_MAX - b ? SIZE_MAX : a + b; }

/* The point between lo and hi at fraction u in [0, 1), inside [lo, hi] despite rounding. */
static double lerp(double lo, double hi, double u)
{
    double x = isfinite(hi - lo) ? lo + (hi - lo) * u : lo * (1 - u) + hi * u;
    return x < lo ? lo : x > hi ? hi : x;
}

/* x rounded to the nearest float, stepped one float inwards when that leaves [lo, hi]; x itself
 * when no float lies in [lo, hi] (or x is beyond float's range). */
static double float_inside(double x, double lo, double hi)
{
    if (!(fabs(x) <= FLT_MAX)) return x;
    float f = (float)x;
    if ((double)f < lo) f = nextafterf(f, INFINITY);
    if ((double)f > hi) f = nextafterf(f, -INFINITY);
    return (double)f >= lo && (double)f <= hi ? (double)f : x;
}

static ua_status fill_points_raw(const pointset *ps, size_t i0, size_t c, double *x);

/* Points i0 .. i0 + c - 1 of the set into x (c, d); with float_inputs, each coordinate rounded
 * to a float of the box. */
static ua_status fill_points(const pointset *ps, size_t i0, size_t c, double *x)
{
    ua_status s = fill_points_raw(ps, i0, c, x);
    if (s || !ps->float_inputs) return s;
    for (size_t k = 0; k < c; k++)
        for (size_t j = 0; j < ps->d; j++)
            x[k * ps->d + j] = float_inside(x[k * ps->d + j], ps->lo[j], ps->hi[j]);
    return UA_OK;
}

static ua_status fill_points_raw(const pointset *ps, size_t i0, size_t c, double *x)
{
    const size_t d = ps->d;
    size_t b_sobol = ps->ngrid, b_corner = b_sobol + ps->nsobol, b_face = b_corner + ps->ncorner;
    size_t b_centre = b_face + ps->nface, b_extra = b_centre + 1;
    size_t k = 0;
    while (k < c) {
        size_t i = i0 + k;
        double *row = x + k * d;
        if (i >= b_sobol && i < b_corner) {
            /* a run of Sobol points in one call: the Gray-code recurrence is cheap per point */
            size_t run = b_corner - i < c - k ? b_corner - i : c - k;
            ua_status s = ua_qmc_sobol(d, run, i - b_sobol, ps->seed, row);
            if (s) return s;
            for (size_t r = 0; r < run; r++)
                for (size_t j = 0; j < d; j++)
                    row[r * d + j] = lerp(ps->lo[j], ps->hi[j], row[r * d + j]);
            k += run;
            continue;
        }
        if (i < b_sobol) {
            if (d == 1) {
                row[0] = ua_verify_grid_point(ps->grid, ps->lo[0], ps->hi[0], i, ps->ngrid);
            } else { /* d == 2: row-major, the first coordinate the slow one */
                row[0] = ua_verify_grid_point(UA_GRID_UNIFORM, ps->lo[0], ps->hi[0], i / ps->side,
                                              ps->side);
                row[1] = ua_verify_grid_point(UA_GRID_UNIFORM, ps->lo[1], ps->hi[1], i % ps->side,
                                              ps->side);
            }
        } else if (i < b_face) {
            size_t bits = i - b_corner; /* bit j set: coordinate j at hi */
            for (size_t j = 0; j < d; j++) row[j] = (bits >> j) & 1 ? ps->hi[j] : ps->lo[j];
        } else if (i < b_centre) {
            size_t f = i - b_face, j0 = f / 2; /* faces lo_0, hi_0, lo_1, hi_1, ... */
            memcpy(row, ps->mid, d * sizeof *row);
            row[j0] = f % 2 ? ps->hi[j0] : ps->lo[j0];
        } else if (i < b_extra) {
            memcpy(row, ps->mid, d * sizeof *row);
        } else {
            memcpy(row, ps->extra + ps->inside[i - b_extra] * d, d * sizeof *row);
        }
        k++;
    }
    return UA_OK;
}

/* ---- reduction ---------------------------------------------------------------------------- */

typedef struct {
    double max; /* -1 while empty: every error is >= 0 */
    size_t i;   /* the point's index in the set */
} argmax;

typedef struct {
    size_t nonfinite, nfinite;
    double scale;
    double ss_scale, ss_sum; /* the errors' sum of squares, ss_scale^2 ss_sum (ua_ssq_add) */
    argmax abs, rel, u64, u32, tol;
} partial;

/* Strictly larger wins: blocks are visited in order, so on a tie the first point of the set. */
static void take(argmax *m, double e, size_t i)
{
    if (e > m->max) {
        m->max = e;
        m->i = i;
    }
}

static void partial_init(partial *p)
{
    memset(p, 0, sizeof *p);
    p->abs.max = p->rel.max = p->u64.max = p->u32.max = p->tol.max = -1;
}

static void merge(partial *into, const partial *p)
{
    into->nonfinite += p->nonfinite;
    into->nfinite += p->nfinite;
    if (p->scale > into->scale) into->scale = p->scale;
    ua_ssq_merge(&into->ss_scale, &into->ss_sum, p->ss_scale, p->ss_sum);
    take(&into->abs, p->abs.max, p->abs.i);
    take(&into->rel, p->rel.max, p->rel.i);
    take(&into->u64, p->u64.max, p->u64.i);
    take(&into->u32, p->u32.max, p->u32.i);
    take(&into->tol, p->tol.max, p->tol.i);
}

/* How the verdict is reduced. Without a scale term the allowance at a point is known at once;
 * without a relative term it is one number once the scale is known (the ratio is max_abs over
 * it); with both, |e| and |f| are kept per point and the ratio is taken after the scale. */
typedef enum { TOL_NONE, TOL_POINTWISE, TOL_FROM_MAX, TOL_STORED } tol_mode;

typedef struct {
    tol_mode mode;
    double abs, scale, rel;
    double *e, *f; /* (n,) for TOL_STORED: |e| and |f| at each point, e NaN where skipped */
} tolerance;

/* |e| over its allowance: 0 for no error. The allowance is at least one subnormal ULP, 2^-1074:
 * a double result cannot come nearer a real value than half that spacing (the reference itself
 * rounded to double may be that far off), so no tolerance can ask for less ("1e-320*x" with one
 * subnormal ULP of error meets its tolerance). */
static double ratio(double e, double allow)
{
    if (e == 0) return 0;
    return e / fmax(allow, 0x1p-1074);
}

static void account(partial *acc, size_t i, double fd, const ua_point_errors *e,
                    const tolerance *tol)
{
    acc->nfinite++;
    if (fabs(fd) > acc->scale) acc->scale = fabs(fd);
    ua_ssq_add(&acc->ss_scale, &acc->ss_sum, e->abs);
    take(&acc->abs, e->abs, i);
    if (e->rel >= 0) take(&acc->rel, e->rel, i);
    take(&acc->u64, e->u64, i);
    take(&acc->u32, e->u32, i);
    if (tol->mode == TOL_POINTWISE)
        take(&acc->tol, ratio(e->abs, tol->abs + tol->rel * fabs(fd)), i);
    if (tol->mode == TOL_STORED) {
        tol->e[i] = e->abs;
        tol->f[i] = fabs(fd);
    }
}

static void skip_point(partial *acc, size_t i, const tolerance *tol)
{
    acc->nonfinite++;
    if (tol->mode == TOL_STORED) tol->e[i] = NAN;
}

/* ---- checks -------------------------------------------------------------------------------- */

static ua_status check_args(const ua_reference *ref, size_t d, const double *lo, const double *hi,
                            const ua_verify_box_options *opt)
{
    if (d == 0) return UA_ERR(UA_EINVAL, "the box has no dimension (d = 0)");
    if (!lo || !hi) return UA_ERR(UA_EINVAL, "the box bounds lo and hi are NULL");
    for (size_t j = 0; j < d; j++)
        if (!(isfinite(lo[j]) && isfinite(hi[j]) && lo[j] < hi[j]))
            return UA_ERR(UA_EINVAL, "the box needs finite lo < hi in every dimension; "
                          "dimension %zu is [%g, %g]", j + 1, lo[j], hi[j]);
    if ((ref->target != NULL) == (ref->fn != NULL))
        return UA_ERR(UA_EINVAL, "the reference needs exactly one of a target and a function");
    if (ref->target) {
        if (ua_target_dim(ref->target) != d)
            return UA_ERR(UA_EINVAL, "the target has %zu variable%s, the box %zu dimension%s",
                          ua_target_dim(ref->target), ua_target_dim(ref->target) == 1 ? "" : "s",
                          d, d == 1 ? "" : "s");
        if (opt->prec < 53 || opt->prec > MPFR_PREC_MAX)
            return UA_ERR(UA_EINVAL, "prec must be >= 53 bits, got %ld", opt->prec);
    }
    if (opt->grid != UA_GRID_UNIFORM && opt->grid != UA_GRID_LOG)
        return UA_ERR(UA_EINVAL, "unknown grid %d", (int)opt->grid);
    if (opt->grid == UA_GRID_LOG && d != 1)
        return UA_ERR(UA_EINVAL, "a log grid is for one dimension only; the box has %zu", d);
    if (opt->grid == UA_GRID_LOG && opt->grid_points && !(lo[0] > 0))
        return UA_ERR(UA_EINVAL, "a log grid needs 0 < lo, got lo = %g", lo[0]);
    if (d == 1 && opt->grid_points == 1)
        return UA_ERR(UA_EINVAL, "grid_points must be 0 or >= 2, got 1");
    if (opt->sobol_points && d > UA_QMC_MAX_DIM)
        return UA_ERR(UA_EINVAL, "Sobol points go up to %d dimensions, the box has %zu (set "
                      "sobol_points to 0)", UA_QMC_MAX_DIM, d);
    if (opt->nextra && !opt->extra)
        return UA_ERR(UA_EINVAL, "nextra = %zu but extra is NULL", opt->nextra);
    if (opt->threads < 0) return UA_ERR(UA_EINVAL, "threads must be >= 0, got %d", opt->threads);
    const double tols[3] = {opt->tol_abs, opt->tol_scale, opt->tol_rel};
    const char *names[3] = {"tol_abs", "tol_scale", "tol_rel"};
    for (int k = 0; k < 3; k++)
        if (!(tols[k] >= 0 && isfinite(tols[k])))
            return UA_ERR(UA_EINVAL, "%s must be finite and >= 0, got %g", names[k], tols[k]);
    return UA_OK;
}

/* Counts the set and checks it against the cap; fills everything of ps but mid and inside. */
static ua_status count_points(pointset *ps, const ua_verify_box_options *opt)
{
    const size_t d = ps->d;
    size_t g = opt->grid_points;
    if (d == 1) {
        ps->ngrid = g;
    } else if (d == 2 && g) {
        /* ceil(sqrt(g)) per side, at least 2 (the corners); sqrt in double may be off by one */
        size_t s = (size_t)ceil(sqrt((double)g));
        if (s < 2) s = 2;
        while (s > 2 && (s - 1) <= SIZE_MAX / (s - 1) && (s - 1) * (s - 1) >= g) s--;
        while (s <= SIZE_MAX / s && s * s < g) s++;
        ps->side = s;
        ps->ngrid = s <= SIZE_MAX / s ? s * s : SIZE_MAX;
    }
    ps->nsobol = opt->sobol_points;
    if (d == 1) {
        /* the corners of an interval are its face centres, and the grid's endpoints */
        ps->ncorner = ps->ngrid ? 0 : 2;
        ps->nface = 0;
    } else {
        ps->ncorner = d <= 16 ? (size_t)1 << d : 0;
        ps->nface = 2 * d;
    }
    ps->nextra = 0;
    for (size_t r = 0; r < opt->nextra; r++) {
        size_t j = 0;
        while (j < d && opt->extra[r * d + j] >= ps->lo[j] && opt->extra[r * d + j] <= ps->hi[j])
            j++;
        if (j == d) ps->nextra++; /* NaN coordinates fail the comparisons: outside */
    }
    size_t n = sat_add(sat_add(sat_add(ps->ngrid, ps->nsobol), sat_add(ps->ncorner, ps->nface)),
                       sat_add(1, ps->nextra));
    if (n > opt->max_points)
        return UA_ERR(UA_EINVAL, "the measurement needs %zu points (grid %zu, Sobol %zu, corners "
                      "%zu, face centres %zu, centre 1, extra %zu), more than the cap of %zu "
                      "(--points)", n, ps->ngrid, ps->nsobol, ps->ncorner,
                      ps->nface, ps->nextra, opt->max_points);
    ps->n = n;
    return UA_OK;
}

/* ---- the measurement ----------------------------------------------------------------------- */

/* One batch against the MPFR target: blocks of the batch over the threads. */
static void batch_mpfr(const ua_target *target, mpfr_prec_t prec, int nthreads, size_t d,
                       size_t i0, size_t c, const double *x, const double *p, partial *parts,
                       const tolerance *tol)
{
    size_t nblocks = (c + BLOCK - 1) / BLOCK;
#pragma omp parallel num_threads(nthreads)
    {
        /* per-thread temporaries: MPFR numbers are not shareable between threads */
        mpfr_t f, df, t;
        mpfr_inits2(prec, f, df, t, (mpfr_ptr)0);
#pragma omp for schedule(dynamic, 1)
        for (size_t blk = 0; blk < nblocks; blk++) {
            partial *acc = &parts[blk];
            partial_init(acc);
            size_t end = (blk + 1) * BLOCK < c ? (blk + 1) * BLOCK : c;
            for (size_t k = blk * BLOCK; k < end; k++) {
                ua_target_eval_mpfr(target, x + k * d, f);
                double fd = mpfr_get_d(f, MPFR_RNDN);
                /* a reference beyond the double range has no float64 ULP: not finite */
                if (!mpfr_number_p(f) || !isfinite(fd)) {
                    skip_point(acc, i0 + k, tol);
                    continue;
                }
                ua_point_errors e;
                ua_point_errors_mpfr(p[k], f, fd, df, t, &e);
                account(acc, i0 + k, fd, &e, tol);
            }
        }
        mpfr_clears(f, df, t, (mpfr_ptr)0);
        mpfr_free_cache2(MPFR_FREE_LOCAL_CACHE);
    }
}

/* One batch against reference values in double: cheap, in the calling thread, same blocks. */
static void batch_double(size_t i0, size_t c, const double *fv, const double *p, partial *parts,
                         const tolerance *tol)
{
    size_t nblocks = (c + BLOCK - 1) / BLOCK;
    for (size_t blk = 0; blk < nblocks; blk++) {
        partial *acc = &parts[blk];
        partial_init(acc);
        size_t end = (blk + 1) * BLOCK < c ? (blk + 1) * BLOCK : c;
        for (size_t k = blk * BLOCK; k < end; k++) {
            if (!isfinite(fv[k])) {
                skip_point(acc, i0 + k, tol);
                continue;
            }
            ua_point_errors e;
            ua_point_errors_double(p[k], fv[k], &e);
            account(acc, i0 + k, fv[k], &e, tol);
        }
    }
}

/* The coordinates of point i of the set into a new array (d,), or NaNs when i is none. */
static ua_status point_at(const pointset *ps, const argmax *m, double **out)
{
    double *x = ua_calloc(ps->d, sizeof *x);
    if (!x) return UA_ENOMEM_ERR(ps->d * sizeof *x);
    *out = x;
    if (m->max < 0) {
        for (size_t j = 0; j < ps->d; j++) x[j] = NAN;
        return UA_OK;
    }
    return fill_points(ps, m->i, 1, x);
}

/* ---- jobs of several ranks (uniapprox/dist.h) --------------------------------------------- */

/* A rank's summary in the exchange: counts, scale, five (max, index) pairs, its status. */
enum { SUM_NONFINITE, SUM_NFINITE, SUM_SCALE, SUM_ARGMAX, SUM_STATUS = SUM_ARGMAX + 10, SUM_K };

static void put_argmax(double *v, const argmax *m)
{
    v[0] = m->max;
    v[1] = (double)m->i; /* exact: indices stay far below 2^53 (the point cap) */
}

static void get_argmax(argmax *into, const double *v)
{
    take(into, v[0], (size_t)v[1]);
}

/* Exchanges every rank's tot (and status s) and the sums of squares of every block, and folds
 * them as one process does: counts summed, maxima in rank order (ties to the first point, as
 * ranks hold increasing runs of blocks), the sums of squares block by block in the set's order.
 * The exchange is one ua_dist_allreduce_sum of a buffer where each rank fills only its own slots
 * (zeros elsewhere): x + 0 is x, so the sum is an exact gather. Returns UA_OK, the exchange's
 * failure, or, when another rank failed, an error naming it (a rank's own failure is left to the
 * caller, which reports its own message). */
static ua_status combine_ranks(partial *tot, ua_status s, const double *ssq, size_t bl0,
                               size_t bl1, size_t nb_all)
{
    size_t size = (size_t)ua_dist_size(), rank = (size_t)ua_dist_rank();
    size_t n = size * SUM_K + 2 * nb_all;
    double *g = ua_calloc(n, sizeof *g);
    if (!g) return UA_ENOMEM_ERR(n * sizeof *g); /* the others then wait: an MPI job aborts */
    double *mine = g + rank * SUM_K;
    mine[SUM_NONFINITE] = (double)tot->nonfinite;
    mine[SUM_NFINITE] = (double)tot->nfinite;
    mine[SUM_SCALE] = tot->scale;
    put_argmax(mine + SUM_ARGMAX, &tot->abs);
    put_argmax(mine + SUM_ARGMAX + 2, &tot->rel);
    put_argmax(mine + SUM_ARGMAX + 4, &tot->u64);
    put_argmax(mine + SUM_ARGMAX + 6, &tot->u32);
    put_argmax(mine + SUM_ARGMAX + 8, &tot->tol);
    mine[SUM_STATUS] = (double)s;
    memcpy(g + size * SUM_K + 2 * bl0, ssq, 2 * (bl1 - bl0) * sizeof *ssq);
    ua_status st = ua_dist_allreduce_sum(g, n);
    if (st) {
        free(g);
        return st;
    }
    partial all;
    partial_init(&all);
    for (size_t r = 0; r < size; r++) {
        const double *v = g + r * SUM_K;
        if (v[SUM_STATUS] != 0 && r != rank && !s) {
            st = UA_ERR((ua_status)v[SUM_STATUS], "the measurement failed on rank %zu of %zu "
                        "(its message is that rank's)", r, size);
            break;
        }
        all.nonfinite += (size_t)v[SUM_NONFINITE];
        all.nfinite += (size_t)v[SUM_NFINITE];
        if (v[SUM_SCALE] > all.scale) all.scale = v[SUM_SCALE];
        get_argmax(&all.abs, v + SUM_ARGMAX);
        get_argmax(&all.rel, v + SUM_ARGMAX + 2);
        get_argmax(&all.u64, v + SUM_ARGMAX + 4);
        get_argmax(&all.u32, v + SUM_ARGMAX + 6);
        get_argmax(&all.tol, v + SUM_ARGMAX + 8);
    }
    const double *blocks = g + size * SUM_K;
    for (size_t b = 0; b < nb_all; b++)
        ua_ssq_merge(&all.ss_scale, &all.ss_sum, blocks[2 * b], blocks[2 * b + 1]);
    free(g);
    if (!st) *tot = all;
    return st;
}

/* The largest of every rank's (max, index), in rank order (ties to the first point). */
static ua_status combine_argmax(argmax *m)
{
    size_t size = (size_t)ua_dist_size(), rank = (size_t)ua_dist_rank();
    double *g = ua_calloc(2 * size, sizeof *g);
    if (!g) return UA_ENOMEM_ERR(2 * size * sizeof *g);
    put_argmax(g + 2 * rank, m);
    ua_status s = ua_dist_allreduce_sum(g, 2 * size);
    if (!s) {
        argmax all = {-1, 0};
        for (size_t r = 0; r < size; r++) get_argmax(&all, g + 2 * r);
        *m = all;
    }
    free(g);
    return s;
}

ua_status ua_verify_box(ua_status (*approx)(void *ctx, const double *x, size_t n, double *y),
                        void *ctx, const ua_reference *ref, size_t d, const double *lo,
                        const double *hi, const ua_verify_box_options *opt, ua_box_errors *out)
{
    if (!out) return UA_ERR(UA_EINVAL, "ua_verify_box: out is NULL");
    memset(out, 0, sizeof *out);
    if (!approx) return UA_ERR(UA_EINVAL, "ua_verify_box: no approximation");
    if (!ref) return UA_ERR(UA_EINVAL, "ua_verify_box: no reference");
    ua_verify_box_options def;
    if (!opt) {
        ua_verify_box_options_default(&def, d);
        opt = &def;
    }
    ua_status s = check_args(ref, d, lo, hi, opt);
    if (s) return s;

    pointset ps = {0};
    ps.d = d;
    ps.lo = lo;
    ps.hi = hi;
    ps.grid = opt->grid;
    ps.seed = opt->seed;
    ps.float_inputs = opt->float_inputs;
    ps.extra = opt->extra;
    s = count_points(&ps, opt);
    if (s) return s;

    tolerance tol = {TOL_NONE, opt->tol_abs, opt->tol_scale, opt->tol_rel, NULL, NULL};
    if (tol.abs == 0 && tol.scale == 0 && tol.rel == 0) tol.mode = TOL_NONE;
    else if (tol.scale == 0) tol.mode = TOL_POINTWISE;
    else if (tol.rel == 0) tol.mode = TOL_FROM_MAX;
    else tol.mode = TOL_STORED;

    /* the batch size depends on d and the count only, never on the threads */
    size_t batch = BATCH;
    if (batch * d > BATCH_DOUBLES) batch = BATCH_DOUBLES / d / BLOCK * BLOCK;
    if (batch < BLOCK) batch = BLOCK;
    if (batch > ps.n) batch = ps.n;
    size_t nblocks = (batch + BLOCK - 1) / BLOCK;
    ps.mid = ua_calloc(d, sizeof *ps.mid);
    ps.inside = ua_calloc(ps.nextra ? ps.nextra : 1, sizeof *ps.inside);
    double *x = ua_calloc(batch * d, sizeof *x);
    double *p = ua_calloc(batch, sizeof *p);
    double *fv = ref->fn ? ua_calloc(batch, sizeof *fv) : NULL;
    partial *parts = ua_calloc(nblocks, sizeof *parts);
    if (tol.mode == TOL_STORED) {
        tol.e = ua_calloc(ps.n, sizeof *tol.e);
        tol.f = ua_calloc(ps.n, sizeof *tol.f);
    }
    if (!ps.mid || !ps.inside || !x || !p || (ref->fn && !fv) || !parts ||
        (tol.mode == TOL_STORED && (!tol.e || !tol.f))) {
        s = UA_ENOMEM_ERR((batch * (d + 2) + (tol.mode == TOL_STORED ? 2 * ps.n : 0)) *
                          sizeof(double));
        goto done;
    }
    for (size_t j = 0; j < d; j++) ps.mid[j] = 0.5 * lo[j] + 0.5 * hi[j]; /* no overflow */
    for (size_t r = 0, k = 0; r < opt->nextra; r++) {
        size_t j = 0;
        while (j < d && opt->extra[r * d + j] >= lo[j] && opt->extra[r * d + j] <= hi[j]) j++;
        if (j == d) ps.inside[k++] = r;
    }

    int nthreads = opt->threads > 0 ? opt->threads : omp_get_max_threads();
    /* In an MPI job with opt->distribute: this rank's run of whole blocks [bl0, bl1) of the set,
     * points [ib, ie). Blocks are the serial run's blocks (batches start at multiples of BLOCK),
     * so each block's partial is the same bits as in one process. */
    int dist = opt->distribute && ua_dist_size() > 1;
    size_t nb_all = (ps.n + BLOCK - 1) / BLOCK, bl0 = 0, bl1 = nb_all;
    if (dist) ua_dist_share(nb_all, &bl0, &bl1);
    size_t ib = bl0 * BLOCK < ps.n ? bl0 * BLOCK : ps.n;
    size_t ie = bl1 * BLOCK < ps.n ? bl1 * BLOCK : ps.n;
    double *ssq = dist ? ua_calloc(2 * (bl1 - bl0) + 1, sizeof *ssq) : NULL;
    if (dist && !ssq) {
        s = UA_ENOMEM_ERR((2 * (bl1 - bl0) + 1) * sizeof *ssq);
        goto done;
    }
    partial tot;
    partial_init(&tot);
    for (size_t i0 = ib; i0 < ie; i0 += batch) {
        size_t c = ie - i0 < batch ? ie - i0 : batch;
        if ((s = fill_points(&ps, i0, c, x))) break;
        if ((s = approx(ctx, x, c, p))) break; /* its own message stands */
        if (ref->fn) {
            if ((s = ref->fn(ref->fn_ctx, x, c, fv))) {
                char why[512];
                snprintf(why, sizeof why, "%s", ua_last_error());
                s = UA_ERR(UA_EDOMAIN, "the reference function failed on points %zu..%zu of the "
                           "measurement: %s", i0, i0 + c - 1, why);
                break;
            }
            batch_double(i0, c, fv, p, parts, &tol);
        } else {
            batch_mpfr(ref->target, (mpfr_prec_t)opt->prec, nthreads, d, i0, c, x, p, parts, &tol);
        }
        for (size_t blk = 0; blk < (c + BLOCK - 1) / BLOCK; blk++) {
            merge(&tot, &parts[blk]);
            if (dist) { /* the block's sum of squares, folded in global order below */
                size_t g = (i0 - ib) / BLOCK + blk;
                ssq[2 * g] = parts[blk].ss_scale;
                ssq[2 * g + 1] = parts[blk].ss_sum;
            }
        }
        if (opt->progress) /* this rank's share done, as a part of the whole */
            opt->progress(opt->progress_ctx, i0 + c == ie ? ps.n :
                          (size_t)((double)ps.n * (double)(i0 + c - ib) / (double)(ie - ib)), ps.n);
    }
    /* every rank reaches the combination, also after a failure of its own: the others would
     * otherwise wait for it forever */
    if (dist) {
        ua_status sc = combine_ranks(&tot, s, ssq, bl0, bl1, nb_all);
        free(ssq);
        ssq = NULL;
        if (s) goto done;
        if ((s = sc)) goto done;
    } else if (s) {
        goto done;
    }

    out->d = d;
    out->npoints = ps.n;
    out->n_nonfinite_ref = tot.nonfinite;
    out->scale = tot.scale;
    /* a max over no point (every reference non-finite; f == 0 everywhere for max_rel): NaN */
    out->max_abs = tot.abs.max >= 0 ? tot.abs.max : NAN;
    out->max_rel = tot.rel.max >= 0 ? tot.rel.max : NAN;
    out->max_ulp64 = tot.u64.max >= 0 ? tot.u64.max : NAN;
    out->max_ulp32 = tot.u32.max >= 0 ? tot.u32.max : NAN;
    out->rms_abs = tot.nfinite ? tot.ss_scale * sqrt(tot.ss_sum / (double)tot.nfinite) : NAN;
    if (!tot.nfinite) out->max_rel_scale = NAN;
    else if (tot.scale > 0) out->max_rel_scale = out->max_abs / tot.scale;
    else out->max_rel_scale = out->max_abs == 0 ? 0 : INFINITY;

    /* the verdict */
    argmax tm = {-1, 0};
    if (tol.mode == TOL_POINTWISE) {
        tm = tot.tol;
    } else if (tol.mode == TOL_FROM_MAX) {
        if (tot.abs.max >= 0) {
            tm.max = ratio(tot.abs.max, tol.abs + tol.scale * tot.scale);
            tm.i = tot.abs.i;
        }
    } else if (tol.mode == TOL_STORED) {
        for (size_t i = ib; i < ie; i++) /* the rank's own points (all of them in one process) */
            if (!isnan(tol.e[i]))
                take(&tm, ratio(tol.e[i], tol.abs + tol.scale * tot.scale + tol.rel * tol.f[i]), i);
        if (dist && (s = combine_argmax(&tm))) goto done;
    }
    out->tol_ratio = tm.max >= 0 ? tm.max : NAN;

    if ((s = point_at(&ps, &tot.abs, &out->x_max_abs)) ||
        (s = point_at(&ps, &tot.rel, &out->x_max_rel)) ||
        (s = point_at(&ps, &tot.u64, &out->x_max_ulp64)) ||
        (s = point_at(&ps, &tot.u32, &out->x_max_ulp32)) ||
        (s = point_at(&ps, &tm, &out->x_tol_ratio)))
        goto done;

done:
    if (s) ua_box_errors_free(out);
    free(tol.e);
    free(tol.f);
    free(parts);
    free(fv);
    free(p);
    free(x);
    free(ps.inside);
    free(ps.mid);
    return s;
}
