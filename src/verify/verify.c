/* ua_verify_1d: errors of an approximation against the MPFR reference on a dense grid
 * (uniapprox/verify.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <mpfr.h>
#include <omp.h>

#include "core/internal.h"
#include "uniapprox/verify.h"
#include "verify/internal.h"

/* Points are processed in fixed blocks and the per-block results reduced in block order: the
 * partition, and so every sum and tie-break, is the same whatever the number of threads. */
#define BLOCK 256

void ua_verify_options_default(ua_verify_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->npoints = 100000;
    opt->grid = UA_GRID_UNIFORM;
    opt->prec = 128;
    opt->extra = NULL;
    opt->nextra = 0;
    opt->threads = 0;
}

typedef struct {
    double max, x; /* max = -1 while empty: every error is >= 0 */
} argmax;

typedef struct {
    size_t nonfinite, nfinite;
    double scale;
    double ss_scale, ss_sum; /* the errors' sum of squares, ss_scale^2 ss_sum (ua_ssq_add) */
    argmax abs, rel, u64, u32;
} partial;

/* Larger error wins; on a tie the smaller x, so the result does not depend on visiting order. */
static void take(argmax *m, double e, double x)
{
    if (e > m->max || (e == m->max && x < m->x)) {
        m->max = e;
        m->x = x;
    }
}

static void partial_init(partial *p)
{
    memset(p, 0, sizeof *p);
    p->abs.max = p->rel.max = p->u64.max = p->u32.max = -1;
    p->abs.x = p->rel.x = p->u64.x = p->u32.x = NAN;
}

static void measure_point(ua_fn1 approx, void *ctx, const ua_target *ref, double x, mpfr_t f,
                          mpfr_t d, mpfr_t t, partial *acc)
{
    ua_target_eval_mpfr(ref, &x, f);
    double fd = mpfr_get_d(f, MPFR_RNDN);
    /* A reference beyond the double range has no float64 ULP either: treat as not finite. */
    if (!mpfr_number_p(f) || !isfinite(fd)) {
        acc->nonfinite++;
        return;
    }
    acc->nfinite++;
    double p = approx(x, ctx);
    if (fabs(fd) > acc->scale) acc->scale = fabs(fd);
    ua_point_errors e;
    ua_point_errors_mpfr(p, f, fd, d, t, &e);
    double eabs = e.abs, erel = e.rel, e64 = e.u64, e32 = e.u32;
    ua_ssq_add(&acc->ss_scale, &acc->ss_sum, eabs);
    take(&acc->abs, eabs, x);
    if (erel >= 0) take(&acc->rel, erel, x);
    take(&acc->u64, e64, x);
    take(&acc->u32, e32, x);
}

static void merge(partial *into, const partial *p)
{
    into->nonfinite += p->nonfinite;
    into->nfinite += p->nfinite;
    if (p->scale > into->scale) into->scale = p->scale;
    ua_ssq_merge(&into->ss_scale, &into->ss_sum, p->ss_scale, p->ss_sum);
    take(&into->abs, p->abs.max, p->abs.x);
    take(&into->rel, p->rel.max, p->rel.x);
    take(&into->u64, p->u64.max, p->u64.x);
    take(&into->u32, p->u32.max, p->u32.x);
}

ua_status ua_verify_1d(ua_fn1 approx, void *ctx, const ua_target *ref, double a, double b,
                       const ua_verify_options *opt, ua_errors *out)
{
    ua_verify_options def;
    if (!opt) {
        ua_verify_options_default(&def);
        opt = &def;
    }
    if (!approx || !ref || !out) return UA_ERR(UA_EINVAL, "ua_verify_1d: NULL argument");
    if (!(isfinite(a) && isfinite(b))) return UA_ERR(UA_EINVAL, "bounds must be finite");
    if (!(a < b)) return UA_ERR(UA_EINVAL, "need a < b, got [%g, %g]", a, b);
    if (ua_target_dim(ref) != 1)
        return UA_ERR(UA_EINVAL, "target has %zu variables, ua_verify_1d needs 1",
                      ua_target_dim(ref));
    if (opt->npoints < 2) return UA_ERR(UA_EINVAL, "npoints must be >= 2, got %zu", opt->npoints);
    if (opt->grid != UA_GRID_UNIFORM && opt->grid != UA_GRID_LOG)
        return UA_ERR(UA_EINVAL, "unknown grid %d", (int)opt->grid);
    if (opt->grid == UA_GRID_LOG && !(a > 0))
        return UA_ERR(UA_EINVAL, "a log grid needs 0 < a, got a = %g", a);
    if (opt->prec < 53 || opt->prec > MPFR_PREC_MAX)
        return UA_ERR(UA_EINVAL, "prec must be >= 53 bits, got %ld", opt->prec);
    if (opt->nextra && !opt->extra)
        return UA_ERR(UA_EINVAL, "nextra = %zu but extra is NULL", opt->nextra);
    if (opt->threads < 0) return UA_ERR(UA_EINVAL, "threads must be >= 0, got %d", opt->threads);

    /* All points in one array: the grid, then the extra points inside [a, b]. */
    size_t n = opt->npoints;
    for (size_t j = 0; j < opt->nextra; j++)
        if (opt->extra[j] >= a && opt->extra[j] <= b) n++;
    double *xs = ua_calloc(n, sizeof *xs);
    size_t nblocks = (n + BLOCK - 1) / BLOCK;
    partial *parts = ua_calloc(nblocks, sizeof *parts);
    if (!xs || !parts) {
        free(xs);
        free(parts);
        return UA_ENOMEM_ERR(n * sizeof *xs);
    }
    for (size_t i = 0; i < opt->npoints; i++)
        xs[i] = ua_verify_grid_point(opt->grid, a, b, i, opt->npoints);
    for (size_t j = 0, k = opt->npoints; j < opt->nextra; j++)
        if (opt->extra[j] >= a && opt->extra[j] <= b) xs[k++] = opt->extra[j];

    int nthreads = opt->threads > 0 ? opt->threads : omp_get_max_threads();
    mpfr_prec_t prec = (mpfr_prec_t)opt->prec;
#pragma omp parallel num_threads(nthreads)
    {
        /* per-thread temporaries: MPFR numbers are not shareable between threads */
        mpfr_t f, d, t;
        mpfr_inits2(prec, f, d, t, (mpfr_ptr)0);
#pragma omp for schedule(dynamic, 1)
        for (size_t blk = 0; blk < nblocks; blk++) {
            partial *p = &parts[blk];
            partial_init(p);
            size_t end = (blk + 1) * BLOCK < n ? (blk + 1) * BLOCK : n;
            for (size_t i = blk * BLOCK; i < end; i++)
                measure_point(approx, ctx, ref, xs[i], f, d, t, p);
        }
        mpfr_clears(f, d, t, (mpfr_ptr)0);
        mpfr_free_cache2(MPFR_FREE_LOCAL_CACHE);
    }

    partial tot;
    partial_init(&tot);
    for (size_t blk = 0; blk < nblocks; blk++) merge(&tot, &parts[blk]);
    free(parts);
    free(xs);

    memset(out, 0, sizeof *out);
    out->npoints = n;
    out->n_nonfinite_ref = tot.nonfinite;
    out->scale = tot.scale;
    /* Nothing measured (every reference non-finite, or f == 0 everywhere for the relative
     * error): NaN says so rather than a misleading 0. */
    out->max_abs = tot.abs.max >= 0 ? tot.abs.max : NAN;
    out->x_max_abs = tot.abs.x;
    out->max_rel = tot.rel.max >= 0 ? tot.rel.max : NAN;
    out->x_max_rel = tot.rel.x;
    out->max_ulp64 = tot.u64.max >= 0 ? tot.u64.max : NAN;
    out->x_max_ulp64 = tot.u64.x;
    out->max_ulp32 = tot.u32.max >= 0 ? tot.u32.max : NAN;
    out->x_max_ulp32 = tot.u32.x;
    out->rms_abs = tot.nfinite ? tot.ss_scale * sqrt(tot.ss_sum / (double)tot.nfinite) : NAN;
    if (!tot.nfinite) out->max_rel_scale = NAN;
    else if (tot.scale > 0) out->max_rel_scale = out->max_abs / tot.scale;
    else out->max_rel_scale = out->max_abs == 0 ? 0 : INFINITY;
    return UA_OK;
}
