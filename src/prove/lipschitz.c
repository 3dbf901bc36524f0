/*
 * The public bound-propagation API (uniapprox/lipschitz.h): the box checks, the dispatch to the
 * family's hooks (src/model/family.h, ua_family_bounds), the branch and bound on the box for the
 * local Lipschitz constant, and the lower bound by multi-start gradient ascent.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/internal.h"
#include "model/family.h"
#include "prove/heap.h"
#include "uniapprox/lipschitz.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* The family's hooks and the box (the model's when lo, hi are NULL), checked. */
static ua_status setup(const ua_model *m, const double **lo, const double **hi,
                       const ua_family_bounds **b, size_t *din, size_t *dout, double dom[2])
{
    if (!m) return UA_ERR(UA_EINVAL, "bound propagation: the model is NULL");
    const ua_family *f = ua_model_family_vtable(m);
    if (!f || !f->bounds)
        return UA_ERR(UA_EUNSUPPORTED, "the %s family has no bound propagation (the mlp, rf and "
                      "kernel families have)", f ? f->name : ua_model_family(m));
    *b = f->bounds;
    ua_model_dims(m, din, dout);
    if ((*lo == NULL) != (*hi == NULL))
        return UA_ERR(UA_EINVAL, "bound propagation: give both ends of the box or neither");
    if (!*lo) {
        size_t d = 0;
        ua_model_box(m, &d, lo, hi);
        if ((d == 0 || !*lo) && *din == 1) { /* a 1-D model keeps its domain apart */
            ua_model_domain(m, &dom[0], &dom[1]);
            *lo = &dom[0];
            *hi = &dom[1];
            d = 1;
        }
        if (d == 0 || !*lo)
            return UA_ERR(UA_EINVAL, "the model has no box (it was fitted to samples): give one");
        if (d != *din)
            return UA_ERR(UA_EINVAL, "the model's box has %zu sides for %zu inputs", d, *din);
    }
    for (size_t i = 0; i < *din; i++) {
        double a = (*lo)[i], c = (*hi)[i];
        if (!isfinite(a) || !isfinite(c))
            return UA_ERR(UA_EINVAL, "bound propagation: side %zu of the box is not finite", i + 1);
        if (a > c)
            return UA_ERR(UA_EINVAL, "bound propagation: side %zu of the box is empty (%g > %g)",
                          i + 1, a, c);
    }
    return UA_OK;
}

ua_status ua_model_bound_output(const ua_model *m, const double *lo, const double *hi,
                                ua_bound_method method, double *out_lo, double *out_hi)
{
    const ua_family_bounds *b = NULL;
    size_t din, dout;
    double dom[2];
    ua_status s = setup(m, &lo, &hi, &b, &din, &dout, dom);
    if (s) return s;
    if (!out_lo || !out_hi) return UA_ERR(UA_EINVAL, "ua_model_bound_output: NULL outputs");
    if (method != UA_BOUND_IBP && method != UA_BOUND_CROWN)
        return UA_ERR(UA_EINVAL, "ua_model_bound_output: unknown method %d", (int)method);
    if (!b->output) return UA_ERR(UA_EUNSUPPORTED, "the %s family has no output bounds",
                                  ua_model_family(m));
    s = b->output(ua_model_state(m), lo, hi, (int)method, out_lo, out_hi);
    for (size_t j = 0; !s && j < dout; j++)
        if (!isfinite(out_lo[j]) || !isfinite(out_hi[j])) /* NaN is no bound: never "proven" */
            s = UA_ERR(UA_EDOMAIN, "bound propagation: the bound of output %zu over this box is "
                       "not finite ([%g, %g]): the model overflows there (its magnitude is too "
                       "large), so no bound over this box is proven", j + 1, out_lo[j], out_hi[j]);
    return s;
}

ua_status ua_model_lipschitz_box(const ua_model *m, const double *lo, const double *hi,
                                 ua_lip_norm norm, const double *w, double *L, double *jlo,
                                 double *jhi)
{
    const ua_family_bounds *b = NULL;
    size_t din, dout;
    double dom[2];
    ua_status s = setup(m, &lo, &hi, &b, &din, &dout, dom);
    if (s) return s;
    if (!L) return UA_ERR(UA_EINVAL, "ua_model_lipschitz_box: L is NULL");
    if (norm != UA_NORM_INF && norm != UA_NORM_2)
        return UA_ERR(UA_EINVAL, "Lipschitz bound: unknown norm %d", (int)norm);
    if (dout != 1)
        return UA_ERR(UA_EINVAL, "Lipschitz bound: the model has %zu outputs (one is bounded)", dout);
    if (!b->lipschitz) return UA_ERR(UA_EUNSUPPORTED, "the %s family has no Lipschitz bound",
                                     ua_model_family(m));
    return b->lipschitz(ua_model_state(m), lo, hi, (int)norm, w, L, jlo, jhi);
}

ua_status ua_model_eval_error(const ua_model *m, const double *lo, const double *hi, double *err)
{
    const ua_family_bounds *b = NULL;
    size_t din, dout;
    double dom[2];
    ua_status s = setup(m, &lo, &hi, &b, &din, &dout, dom);
    if (s) return s;
    if (!err) return UA_ERR(UA_EINVAL, "ua_model_eval_error: err is NULL");
    if (!b->eval_error) return UA_ERR(UA_EUNSUPPORTED, "the %s family has no evaluation-error "
                                      "bound", ua_model_family(m));
    return b->eval_error(ua_model_state(m), lo, hi, err);
}

/* ---- the lower bound: gradient norms at points ------------------------------------------- */

typedef struct {
    const ua_model *m;
    const ua_family_bounds *b;
    size_t d;
    int norm;
} gctx;

static ua_status grad(const gctx *c, const double *x, size_t n, double *g)
{
    if (c->b->gradient) return c->b->gradient(ua_model_state(c->m), x, n, g);
    return ua_model_gradient(c->m, x, n, g);
}

static double gnorm(const gctx *c, const double *g)
{
    double s = 0;
    for (size_t i = 0; i < c->d; i++) s += c->norm == UA_NORM_2 ? g[i] * g[i] : fabs(g[i]);
    return c->norm == UA_NORM_2 ? sqrt(s) : s;
}

/* Multi-start projected ascent on ||grad m(x)||_q from the n points x (n, d) (overwritten):
 * the direction H v (v = sign(g) for q = 1, g / |g| for q = 2: the gradient of the norm) from a
 * finite difference of the gradient, a random direction where it vanishes (ReLU networks are
 * piecewise linear), steps that grow on success and shrink on failure. The best norm into *best. */
static ua_status ascend(const gctx *c, const double *lo, const double *hi, double *x, size_t n,
                        size_t steps, ua_rng *rng, double *best)
{
    size_t d = c->d;
    double *g = ua_calloc(4 * n * d + 2 * n, sizeof *g);
    if (!g) return UA_ENOMEM_ERR((4 * n * d + 2 * n) * sizeof *g);
    double *xp = g + n * d, *gp = g + 2 * n * d, *dir = g + 3 * n * d, *val = g + 4 * n * d;
    double *eta = val + n;
    ua_status s = grad(c, x, n, g);
    for (size_t i = 0; !s && i < n; i++) {
        val[i] = gnorm(c, g + i * d);
        eta[i] = 0.1;
        if (val[i] > *best) *best = val[i];
    }
    for (size_t it = 0; !s && it < steps; it++) {
        /* the finite difference of the gradient along v */
        for (size_t i = 0; i < n; i++) {
            const double *gi = g + i * d;
            double gn = gnorm(c, gi);
            for (size_t j = 0; j < d; j++) {
                double v = c->norm == UA_NORM_2 ? (gn > 0 ? gi[j] / gn : 0) : (gi[j] > 0) - (gi[j] < 0);
                double w = hi[j] - lo[j], e = 1e-6 * w;
                double xj = x[i * d + j] + e * v;
                if (xj > hi[j]) xj = x[i * d + j] - e * v;
                xp[i * d + j] = xj;
            }
        }
        s = grad(c, xp, n, gp);
        for (size_t i = 0; !s && i < n; i++) {
            double mx = 0;
            for (size_t j = 0; j < d; j++) {
                dir[i * d + j] = gp[i * d + j] - g[i * d + j];
                mx = fmax(mx, fabs(dir[i * d + j]));
            }
            if (!(mx > 1e-12 * (1 + gnorm(c, g + i * d)))) { /* flat: a random direction */
                mx = 0;
                for (size_t j = 0; j < d; j++) {
                    dir[i * d + j] = ua_rng_normal(rng);
                    mx = fmax(mx, fabs(dir[i * d + j]));
                }
            }
            for (size_t j = 0; j < d; j++) {
                double w = hi[j] - lo[j], v = x[i * d + j] + eta[i] * w * dir[i * d + j] / mx;
                xp[i * d + j] = fmin(fmax(v, lo[j]), hi[j]);
            }
        }
        if (!s) s = grad(c, xp, n, gp);
        for (size_t i = 0; !s && i < n; i++) {
            double v = gnorm(c, gp + i * d);
            if (v > val[i]) {
                val[i] = v;
                memcpy(x + i * d, xp + i * d, d * sizeof *x);
                memcpy(g + i * d, gp + i * d, d * sizeof *g);
                eta[i] = fmin(eta[i] * 1.5, 0.5);
                if (v > *best) *best = v;
            } else {
                eta[i] *= 0.5;
                if (eta[i] < 1e-4) eta[i] = 0.05;
            }
        }
    }
    free(g);
    return s;
}

/* ---- branch and bound ------------------------------------------------------------------------ */

ua_status ua_model_lipschitz(const ua_model *m, const double *lo, const double *hi,
                             const ua_lipschitz_options *o, ua_lipschitz_result *out)
{
    double t0 = now();
    const ua_family_bounds *b = NULL;
    size_t d, dout;
    double dom[2];
    ua_status s = setup(m, &lo, &hi, &b, &d, &dout, dom);
    if (s) return s;
    if (!out) return UA_ERR(UA_EINVAL, "ua_model_lipschitz: out is NULL");
    memset(out, 0, sizeof *out);
    ua_lipschitz_options op = { 0 };
    if (o) op = *o;
    if (op.norm != UA_NORM_INF && op.norm != UA_NORM_2)
        return UA_ERR(UA_EINVAL, "Lipschitz bound: unknown norm %d", (int)op.norm);
    if (!(op.time_limit >= 0) || !(op.target_ratio >= 0) || (op.target_ratio > 0 && op.target_ratio < 1))
        return UA_ERR(UA_EINVAL, "Lipschitz bound: time limit must be >= 0 and target ratio >= 1");
    if (op.time_limit == 0) op.time_limit = 2.0;
    if (op.max_boxes == 0) op.max_boxes = 4096;
    if (op.max_boxes > ((size_t)1 << 24)) return UA_ERR(UA_EINVAL, "Lipschitz bound: at most 2^24 boxes");
    if (op.target_ratio == 0) op.target_ratio = 1.01;
    if (op.starts == 0) op.starts = 16;
    if (op.starts > 4096) return UA_ERR(UA_EINVAL, "Lipschitz bound: at most 4096 starts");
    if (op.steps == 0) op.steps = 40;
    if (op.seed == 0) op.seed = 1;
    if (dout != 1)
        return UA_ERR(UA_EINVAL, "Lipschitz bound: the model has %zu outputs (one is bounded)", dout);
    if (!b->lipschitz) return UA_ERR(UA_EUNSUPPORTED, "the %s family has no Lipschitz bound",
                                     ua_model_family(m));
    const void *st = ua_model_state(m);
    gctx c = { m, b, d, (int)op.norm };
    out->naive = NAN;
    if (b->naive && b->naive(st, (int)op.norm, &out->naive)) out->naive = NAN;

    /* the bound over the whole box first: a box the family refuses (a float32 network that may
     * overflow there) is refused with its reason before any point is evaluated */
    double L0;
    s = b->lipschitz(st, lo, hi, (int)op.norm, NULL, &L0, NULL, NULL);
    if (s) return s;

    /* the lower bound: ascent from scrambled Sobol points */
    size_t ns = op.starts;
    double *x = ua_calloc(ns * d, sizeof *x);
    if (!x) return UA_ENOMEM_ERR(ns * d * sizeof *x);
    ua_rng rng;
    ua_rng_seed(&rng, op.seed);
    if (d <= UA_QMC_MAX_DIM) s = ua_qmc_sobol(d, ns, 0, op.seed, x);
    else
        for (size_t i = 0; i < ns * d; i++) x[i] = ua_rng_uniform(&rng);
    for (size_t i = 0; !s && i < ns; i++)
        for (size_t j = 0; j < d; j++) x[i * d + j] = lo[j] + x[i * d + j] * (hi[j] - lo[j]);
    double lower = 0;
    if (!s) s = ascend(&c, lo, hi, x, ns, op.steps, &rng, &lower);
    free(x);
    if (s) return s;

    /* the branch and bound */
    /* the pool grows as boxes are made (a large --boxes allocates nothing up front) */
    size_t cap_max = op.max_boxes + 2, cap = cap_max < 1024 ? cap_max : 1024;
    double *pool = ua_calloc(cap * 2 * d, sizeof *pool);
    ua_heap_item *heap = ua_calloc(cap, sizeof *heap);
    double *ctr = ua_calloc(3 * d, sizeof *ctr);
    if (!pool || !heap || !ctr) {
        free(pool);
        free(heap);
        free(ctr);
        return UA_ENOMEM_ERR(cap * 2 * d * sizeof *pool);
    }
    double *g = ctr + d;
    size_t nheap = 0, used = 1, boxes = 1;
    memcpy(pool, lo, d * sizeof *pool);
    memcpy(pool + d, hi, d * sizeof *pool);
    out->first_bound = L0;
    ua_heap_push(heap, &nheap, (ua_heap_item){ L0, 0 });
    /* boxes too small to split (2^-40 of the box: a point where many neurons switch at once,
     * as the origin of a network without biases, keeps its interval bound at every scale) are
     * set aside with their bound */
    double aside = 0;
    while (!s && nheap) {
        double top = fmax(heap[0].bound, aside);
        if (top <= op.target_ratio * lower) break;
        if (boxes + 2 > op.max_boxes || now() - t0 > op.time_limit) break;
        if (used + 1 >= cap) {
            size_t nc = 2 * cap < cap_max ? 2 * cap : cap_max;
            double *np = nc > cap ? realloc(pool, nc * 2 * d * sizeof *pool) : NULL;
            if (np) pool = np;
            ua_heap_item *nh = np ? realloc(heap, nc * sizeof *heap) : NULL;
            if (nh) heap = nh;
            if (!np || !nh) break; /* no room: the bound so far stands */
            cap = nc;
        }
        ua_heap_item nd = ua_heap_pop(heap, &nheap);
        double *blo = pool + nd.slot * 2 * d, *bhi = blo + d;
        size_t k = 0;
        double wk = -1;
        for (size_t j = 0; j < d; j++) {
            double w = (bhi[j] - blo[j]) / (hi[j] - lo[j] > 0 ? hi[j] - lo[j] : 1);
            if (w > wk) {
                wk = w;
                k = j;
            }
        }
        double mid = 0.5 * (blo[k] + bhi[k]);
        if (!(wk > 0x1p-40) || !(mid > blo[k] && mid < bhi[k])) {
            aside = fmax(aside, nd.bound);
            continue;
        }
        /* the two halves: the parent's slot and a new one */
        size_t slots[2] = { nd.slot, used++ };
        double *c2 = pool + slots[1] * 2 * d;
        memcpy(c2, blo, 2 * d * sizeof *c2);
        bhi[k] = mid;
        c2[k] = mid;
        for (int h = 0; !s && h < 2; h++) {
            double *clo = pool + slots[h] * 2 * d, *chi = clo + d, Lc;
            s = b->lipschitz(st, clo, chi, (int)op.norm, NULL, &Lc, NULL, NULL);
            if (s) break;
            boxes++;
            if (Lc > nd.bound) Lc = nd.bound; /* the parent's bound holds on its halves */
            ua_heap_push(heap, &nheap, (ua_heap_item){ Lc, slots[h] });
            for (size_t j = 0; j < d; j++) ctr[j] = 0.5 * (clo[j] + chi[j]);
            if (!grad(&c, ctr, 1, g)) lower = fmax(lower, gnorm(&c, g));
        }
    }
    if (!s) {
        out->bound = fmax(nheap ? heap[0].bound : 0, aside);
        /* the naive product is proven too (the family's hook): never report more */
        if (isfinite(out->naive) && out->naive < out->bound) out->bound = out->naive;
        out->lower = lower;
        out->boxes = boxes;
        out->seconds = now() - t0;
    }
    free(pool);
    free(heap);
    free(ctr);
    return s;
}
