/*
 * The n-D Taylor-model prover of max |m - f| over a box (ua_prove_taylor_nd, src/prove/tm.h;
 * docs/prove.md, "Low-rank and sparse-grid models").
 *
 * On a cell, the family's hook (ua_family_bounds.taylor) gives the model m in exact arithmetic as
 * a Taylor model M, ua_tm_target gives the formula's F, both in the cell's normalised offsets t in
 * [-1, 1]^d; for every x of the cell
 *     |m~(x) - f(x)| <= sup |M - F| + R,
 * m~ what predict computes, R >= sup |m~ - m| (the family's eval_error over the cell). The first
 * term is the Taylor model's range bound (ua_tm_range: t^alpha in [0, 1] when every exponent is
 * even, in [-1, 1] otherwise; at most sum_alpha |(M - F)_alpha|), rounded up, remainders included.
 * Cells are kept in a max-heap by their bound; the worst is halved along the variable whose terms
 * weigh most in M - F (sum of alpha_i |c_alpha|), until the largest bound is within target_ratio
 * of the largest measured |m~ - f| or the time or the cells run out; the proof holds at every
 * stage (the largest cell bound). A cell where f cannot be enclosed (a pole, a kink inside) has an
 * infinite bound and is split first; once such a cell is narrower than 2^-40 of the box on every
 * side, the result is "not proven" with the place and the reason. Where a cell's range bound is
 * above the goal but the radii of M - F are below it, the range is bounded again on up to
 * SUB_MAX sub-boxes of the cell (range_refine: ua_tm_halve re-expands M - F, no model is
 * recomputed).
 *
 * Measured: per cell, predict against Arb's enclosure of f (128 bits) at the centre, at the
 * worst sub-box's centre and at the point where the midpoint polynomial of M - F is largest on a
 * small grid of the cell, with a local ascent from each new largest value: sampled values, never
 * bounds.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/internal.h"
#include "model/family.h"
#include "prove/heap.h"
#include "prove/tm.h"
#include "uniapprox/lipschitz.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static double up(double v) { return nextafter(nextafter(v, INFINITY), INFINITY); }

typedef struct {
    const ua_model *m;
    const ua_target *f;
    const ua_family_bounds *b;
    const void *state;
    size_t d;
    ua_tm_space sp;
    ua_tm M, F;
    double R;        /* the model's rounding bound over the box */
    double Rmax;     /* the largest a cell used */
    double Rlast;    /* the last cell's */
    double measured; /* the largest |m~ - f| evaluated */
    double *x;       /* (d) */
    double *t;       /* (d) */
    double ratio;    /* the target ratio */
    const double *blo, *bhi; /* (d) the model's box */
    ua_tm *sub;      /* (SUB_MAX + 1) Taylor models of sub-boxes of a cell (range_refine) */
    size_t nsub;     /* how many of sub are initialised */
    char why[200];   /* the last refusal's message */
} ctx_t;

/* The most sub-boxes range_refine bounds one cell's model on. */
#define SUB_MAX 64

/* |m~(x) - f(x)| at x (d,) into *e (f's midpoint at 128 bits). */
static ua_status error_at(ctx_t *c, const double *x, double *e)
{
    double mc, fl, fu;
    ua_status s = ua_model_predict(c->m, x, 1, &mc);
    if (s) return s;
    if (!isfinite(mc)) return UA_ERR(UA_EDOMAIN, "the model is not finite at a cell's point");
    s = ua_target_enclose_taylor(c->f, x, x, 0, 0, &fl, &fu);
    if (s) return s;
    *e = fabs(mc - 0.5 * (fl + fu));
    return UA_OK;
}

/* The most evaluations of one local ascent (measure). */
#define CLIMB_EVALS 120

/* |m~(x) - f(x)| at x (d,) into c->measured; where it is the largest so far, a local ascent from
 * x (coordinate steps within the model's box, halved when none gains, at most CLIMB_EVALS
 * evaluations) looks for a larger value nearby: the measured maximum is a maximum over the points
 * evaluated, a lower bound on the true one, and the closer it is, the sooner the prover stops. */
static ua_status measure(ctx_t *c, const double *x)
{
    double e;
    ua_status s = error_at(c, x, &e);
    if (s || !(e > c->measured)) return s;
    c->measured = e;
    size_t d = c->d;
    double y[UA_TM_MAX_DIM], step = 1.0 / 64;
    memcpy(y, x, d * sizeof *y);
    for (int ev = 0; ev < CLIMB_EVALS && step > 0x1p-30;) {
        int gain = 0;
        for (size_t i = 0; i < d && ev < CLIMB_EVALS; i++)
            for (int sg = -1; sg <= 1 && ev < CLIMB_EVALS; sg += 2) {
                double old = y[i], w = c->bhi[i] - c->blo[i], v;
                y[i] = fmin(fmax(old + sg * step * w, c->blo[i]), c->bhi[i]);
                if (y[i] == old) continue;
                ev++;
                if (error_at(c, y, &v) == UA_OK && v > c->measured) {
                    c->measured = v;
                    gain = 1;
                } else {
                    y[i] = old;
                }
            }
        if (!gain) step *= 0.5;
    }
    ua_clear_error();
    return UA_OK;
}

/* The variable of the model a (on a cell or a sub-box) whose terms weigh most: sum over the
 * monomials of alpha_i (|midpoint| + radius). */
static size_t heaviest(const ua_tm_space *sp, const ua_tm *a)
{
    size_t d = sp->d, best = 0;
    double wbest = -1;
    for (size_t i = 0; i < d; i++) {
        double w = 0;
        for (size_t j = 1; j < sp->n; j++)
            if (sp->exp[j * d + i])
                w += sp->exp[j * d + i] * (mag_get_d(arb_radref(a->c + j)) +
                                           fabs(arf_get_d(arb_midref(a->c + j), ARF_RND_NEAR)));
        if (w > wbest) {
            wbest = w;
            best = i;
        }
    }
    return best;
}

/* The range bound of a as a double, rounded up. */
static double range_bound(const ua_tm_space *sp, const ua_tm *a)
{
    arb_t rg;
    arb_init(rg);
    mag_t v;
    mag_init(v);
    ua_tm_range(sp, a, rg);
    arb_get_mag(v, rg);
    double r = mag_get_d(v);
    mag_clear(v);
    arb_clear(rg);
    return r;
}

/*
 * A tighter bound on sup |a| over the cell than ua_tm_range's, from a branch and bound over
 * sub-boxes of [-1, 1]^d (in the cell's normalised variables): the worst sub-box is halved along
 * its heaviest variable (ua_tm_halve re-expands the same Taylor model there, remainder included,
 * without recomputing the family's or the formula's model), until the largest sub-box bound is
 * at most goal or SUB_MAX sub-boxes are reached; the bound is the largest over the sub-boxes (each
 * a rigorous range bound, so their maximum is one on the cell). whole: a's own range bound.
 * tbest (d,): the centre of the worst sub-box, in [-1, 1]^d (for a measurement there).
 */
static double range_refine(ctx_t *c, const ua_tm *a, double whole, double goal, double *tbest)
{
    const ua_tm_space *sp = &c->sp;
    size_t d = c->d;
    for (size_t i = 0; i < d; i++) tbest[i] = 0;
    if (!c->sub) {
        c->sub = calloc(SUB_MAX + 1, sizeof *c->sub);
        if (!c->sub) return whole;
    }
    while (c->nsub < SUB_MAX + 1) ua_tm_init(sp, &c->sub[c->nsub++]);
    /* per sub-box: its centre and half-width (a power of two) in each variable */
    double ctr[SUB_MAX + 1][UA_TM_MAX_DIM], hw[SUB_MAX + 1][UA_TM_MAX_DIM];
    ua_heap_item heap[SUB_MAX + 1];
    size_t nh = 0, used = 1;
    ua_tm_set(sp, &c->sub[0], a);
    for (size_t i = 0; i < d; i++) {
        ctr[0][i] = 0;
        hw[0][i] = 1;
    }
    ua_heap_push(heap, &nh, (ua_heap_item){ whole, 0 });
    while (heap[0].bound > goal && used < SUB_MAX) {
        ua_heap_item top = ua_heap_pop(heap, &nh);
        size_t k = heaviest(sp, &c->sub[top.slot]), slot[2] = { used++, top.slot };
        /* the lower half into a new slot first, then the upper half in place */
        ua_tm_halve(sp, &c->sub[slot[0]], &c->sub[top.slot], k, 0);
        ua_tm_halve(sp, &c->sub[SUB_MAX], &c->sub[top.slot], k, 1);
        ua_tm_swap(&c->sub[SUB_MAX], &c->sub[top.slot]);
        memcpy(ctr[slot[0]], ctr[top.slot], d * sizeof(double));
        memcpy(hw[slot[0]], hw[top.slot], d * sizeof(double));
        hw[top.slot][k] *= 0.5;
        hw[slot[0]][k] *= 0.5;
        ctr[slot[0]][k] -= hw[slot[0]][k];
        ctr[top.slot][k] += hw[top.slot][k];
        for (int h = 0; h < 2; h++) {
            double b = range_bound(sp, &c->sub[slot[h]]);
            /* a sub-box's bound never needs to exceed its parent's */
            ua_heap_push(heap, &nh, (ua_heap_item){ isfinite(b) ? fmin(b, top.bound) : top.bound,
                                                    slot[h] });
        }
    }
    memcpy(tbest, ctr[heap[0].slot], d * sizeof(double));
    return fmin(heap[0].bound, whole);
}

/* The points of the cell tried for the midpoint polynomial's largest value: per side q values
 * in [-1, 1] (q^d points), fewer in higher dimension. */
static size_t grid_side(size_t d) { return d <= 2 ? 7 : d == 3 ? 5 : d == 4 ? 3 : 2; }

/* The bound on the cell [lo, hi] (*B, +inf when f cannot be enclosed there: why set) and the
 * variable to split (*split). */
static ua_status cell_bound(ctx_t *c, const double *lo, const double *hi, double *B,
                            size_t *split)
{
    size_t d = c->d;
    /* the widest side, relative to the box, by default */
    *split = 0;
    ua_status s = c->b->taylor(c->state, lo, hi, &c->sp, &c->M);
    if (!s) s = ua_tm_target(&c->sp, c->f, lo, hi, &c->F);
    if (s == UA_EDOMAIN) {
        ua_last_error_message(c->why, sizeof c->why);
        *B = INFINITY;
        return UA_OK;
    }
    if (s) return s;
    ua_tm_sub(&c->sp, &c->M, &c->M, &c->F);
    /* even monomials in [0, 1], the others in [-1, 1] */
    double poly = range_bound(&c->sp, &c->M); /* rounded up */
    *split = heaviest(&c->sp, &c->M);
    /* the rounding bound on the cell, where the box's is not already negligible (it is a bound
     * on every cell too; the cell's costs about as much as the family's Taylor model) */
    double Rc = c->R;
    if (c->R > 0.01 * poly && (ua_model_eval_error(c->m, lo, hi, &Rc) || Rc > c->R)) Rc = c->R;
    if (Rc > c->Rmax) c->Rmax = Rc;
    c->Rlast = Rc;
    /* measured: the centre first (the goal below uses the largest measured so far) */
    for (size_t i = 0; i < d; i++) c->x[i] = 0.5 * (lo[i] + hi[i]);
    s = measure(c, c->x);
    if (s) return s;
    /* where the range bound is above the goal but the model's radii (what sub-boxes cannot
     * shrink) are well below it, bound the range on sub-boxes of the cell; where the rounding
     * bound alone exceeds the target, the goal is a quarter of it (the bound cannot go below it) */
    double goal = fmax(c->ratio * c->measured - Rc, 0.25 * Rc), rad = 0;
    for (size_t j = 0; j < c->sp.n; j++) rad += mag_get_d(arb_radref(c->M.c + j));
    if (isfinite(poly) && poly > goal && rad < 0.9 * goal) {
        poly = range_refine(c, &c->M, poly, goal, c->t);
        for (size_t i = 0; i < d; i++)
            c->x[i] = fmin(fmax(0.5 * (lo[i] + hi[i]) + 0.5 * (hi[i] - lo[i]) * c->t[i], lo[i]),
                           hi[i]);
        s = measure(c, c->x); /* the worst sub-box's centre */
        if (s) return s;
    }
    *B = isfinite(poly) ? up(poly + Rc) : INFINITY;
    if (!isfinite(poly)) snprintf(c->why, sizeof c->why, "the Taylor model's bound overflows");
    /* measured: the largest point of the midpoint polynomial on a grid */
    size_t q = grid_side(d), npt = 1;
    for (size_t i = 0; i < d; i++) npt *= q;
    double best = -1;
    size_t bestk = 0;
    for (size_t k = 0; k < npt; k++) {
        size_t r = k;
        for (size_t i = 0; i < d; i++) {
            c->t[i] = -1.0 + 2.0 * (double)(r % q) / (double)(q - 1);
            r /= q;
        }
        double v2 = fabs(ua_tm_eval_mid(&c->sp, &c->M, c->t));
        if (v2 > best) {
            best = v2;
            bestk = k;
        }
    }
    size_t r = bestk;
    for (size_t i = 0; i < d; i++) {
        double tt = -1.0 + 2.0 * (double)(r % q) / (double)(q - 1);
        r /= q;
        double xi = 0.5 * (lo[i] + hi[i]) + 0.5 * (hi[i] - lo[i]) * tt;
        c->x[i] = fmin(fmax(xi, lo[i]), hi[i]);
    }
    return measure(c, c->x);
}

static unsigned default_degree(size_t d)
{
    static const unsigned K[] = { 0, 16, 12, 10, 10, 7, 6, 5, 4, 4, 4 };
    return d <= 10 ? K[d] : 3;
}

ua_status ua_prove_taylor_nd(const ua_model *m, const ua_target *f, const ua_prove_options *o,
                             ua_proof *out)
{
    if (!m || !f || !out) return UA_ERR(UA_EINVAL, "prove: NULL argument");
    double t0 = now();
    memset(out, 0, sizeof *out);
    out->bound = INFINITY;
    snprintf(out->method, sizeof out->method, "taylor-model-nd");
    ua_prove_options opt = { 1.1, 60.0, (size_t)1 << 16, 0 };
    if (o) {
        if (o->target_ratio != 0) opt.target_ratio = o->target_ratio;
        if (o->time_limit != 0) opt.time_limit = o->time_limit;
        if (o->max_pieces != 0) opt.max_pieces = o->max_pieces;
        opt.tm_degree = o->tm_degree;
    }
    if (!(opt.target_ratio >= 1) || !(opt.time_limit > 0) || opt.max_pieces < 1)
        return UA_ERR(UA_EINVAL, "prove: target_ratio must be >= 1, time_limit > 0");
    size_t din = 1, dout = 1, d = 0;
    ua_model_dims(m, &din, &dout);
    const double *blo = NULL, *bhi = NULL;
    ua_model_box(m, &d, &blo, &bhi);
    if (ua_target_dim(f) != din)
        return UA_ERR(UA_EINVAL, "prove: the formula has %zu variables, the model %zu inputs",
                      ua_target_dim(f), din);
    const ua_family *fam = ua_model_family_vtable(m);
    if (!fam || !fam->bounds || !fam->bounds->taylor || !fam->bounds->eval_error) {
        snprintf(out->why, sizeof out->why, "the %s family has no Taylor-model form",
                 ua_model_family(m));
        return UA_OK;
    }
    if (dout != 1) {
        snprintf(out->why, sizeof out->why, "the model has %zu outputs (one is proven)", dout);
        return UA_OK;
    }
    if (d != din || !blo || d > UA_TM_MAX_DIM) {
        snprintf(out->why, sizeof out->why, d > UA_TM_MAX_DIM ?
                 "more than 10 variables (Taylor models are limited to d <= 10)" :
                 "the model has no box (fitted to samples)");
        return UA_OK;
    }
    unsigned K = opt.tm_degree ? opt.tm_degree : default_degree(d);
    unsigned Kfit = ua_tm_degree_for(d, K, UA_TM_MAX_TERMS);
    if (Kfit < 1) {
        snprintf(out->why, sizeof out->why, "no Taylor model fits in %d terms", UA_TM_MAX_TERMS);
        return UA_OK;
    }
    ctx_t c;
    memset(&c, 0, sizeof c);
    c.m = m;
    c.f = f;
    c.b = fam->bounds;
    c.state = ua_model_state(m);
    c.d = d;
    c.ratio = opt.target_ratio;
    c.blo = blo;
    c.bhi = bhi;
    ua_status s = ua_model_eval_error(m, blo, bhi, &c.R);
    if (s == UA_EUNSUPPORTED || s == UA_EDOMAIN) {
        ua_last_error_message(out->why, sizeof out->why);
        return UA_OK;
    }
    if (s) return s;
    s = ua_tm_space_init(&c.sp, d, Kfit, 128);
    if (s) return s;
    ua_tm_init(&c.sp, &c.M);
    ua_tm_init(&c.sp, &c.F);

    /* the first grid: per side the most cells with per^d <= 16 */
    size_t per = 1;
    while ((size_t)pow((double)(per + 1), (double)d) <= 16) per++;
    size_t first = 1;
    for (size_t i = 0; i < d; i++) first *= per;
    size_t cap_max = opt.max_pieces > first ? opt.max_pieces : first;
    if (cap_max > ((size_t)1 << 22)) cap_max = (size_t)1 << 22;
    size_t cap = cap_max < first + 1024 ? cap_max : first + 1024;
    size_t stride = 2 * d + 2; /* lo, hi, the variable to split, the cell's rounding bound */
    double *pool = ua_calloc(cap * stride, sizeof *pool);
    ua_heap_item *heap = ua_calloc(cap, sizeof *heap);
    c.x = ua_calloc(2 * d, sizeof *c.x);
    size_t *idx = ua_calloc(d, sizeof *idx);
    if (!pool || !heap || !c.x || !idx) {
        s = UA_ENOMEM_ERR(cap * stride * sizeof *pool);
        goto done;
    }
    c.t = c.x + d;
    size_t used = 0, nheap = 0;
    for (size_t k = 0; !s && k < first; k++) {
        double *clo = pool + used * stride, *chi = clo + d;
        size_t r = k;
        for (size_t i = 0; i < d; i++) {
            idx[i] = r % per;
            r /= per;
            double w = (bhi[i] - blo[i]) / (double)per;
            clo[i] = idx[i] == 0 ? blo[i] : blo[i] + w * (double)idx[i];
            chi[i] = idx[i] + 1 == per ? bhi[i] : blo[i] + w * (double)(idx[i] + 1);
        }
        double B;
        size_t sv;
        s = cell_bound(&c, clo, chi, &B, &sv);
        clo[2 * d] = (double)sv;
        clo[2 * d + 1] = c.Rlast;
        if (!s) ua_heap_push(heap, &nheap, (ua_heap_item){ B, used++ });
    }
    int stuck = 0;
    while (!s && nheap) {
        if (heap[0].bound <= opt.target_ratio * c.measured) break;
        if (used + 1 > cap_max || now() - t0 > opt.time_limit) break;
        if (used + 1 > cap) {
            size_t nc = 2 * cap < cap_max ? 2 * cap : cap_max;
            double *np = realloc(pool, nc * stride * sizeof *pool);
            if (np) pool = np;
            ua_heap_item *nh = np ? realloc(heap, nc * sizeof *heap) : NULL;
            if (nh) heap = nh;
            if (!np || !nh) break; /* no room: the bound so far stands */
            cap = nc;
        }
        ua_heap_item top = ua_heap_pop(heap, &nheap);
        double *clo = pool + top.slot * stride, *chi = clo + d;
        size_t k = (size_t)clo[2 * d];
        double wmax = 0;
        for (size_t i = 0; i < d; i++) wmax = fmax(wmax, (chi[i] - clo[i]) / (bhi[i] - blo[i]));
        if (!isfinite(top.bound)) {
            if (wmax < 0x1p-40) { /* f cannot be enclosed however small the cell */
                stuck = 1;
                ua_heap_push(heap, &nheap, top);
                char place[120];
                int len = 0;
                for (size_t i = 0; i < d && len < (int)sizeof place - 30; i++)
                    len += snprintf(place + len, sizeof place - (size_t)len, "%s%.6g",
                                    i ? ", " : "", 0.5 * (clo[i] + chi[i]));
                char msg[200];
                memcpy(msg, c.why, sizeof msg);
                snprintf(out->why, sizeof out->why, "near (%s): %.120s", place, msg);
                break;
            }
            double wk = -1; /* no weights yet: the widest side */
            for (size_t i = 0; i < d; i++) {
                double w = (chi[i] - clo[i]) / (bhi[i] - blo[i]);
                if (w > wk) {
                    wk = w;
                    k = i;
                }
            }
        } else if ((chi[k] - clo[k]) / (bhi[k] - blo[k]) < 0.125 * wmax) {
            /* keep cells from turning into needles: split the widest side instead */
            for (size_t i = 0; i < d; i++)
                if ((chi[i] - clo[i]) / (bhi[i] - blo[i]) == wmax) k = i;
        }
        double mid = 0.5 * (clo[k] + chi[k]);
        if (!(mid > clo[k] && mid < chi[k])) { /* a cell of one double: no further split */
            ua_heap_push(heap, &nheap, top);
            break;
        }
        double *n2 = pool + used * stride;
        memcpy(n2, clo, stride * sizeof *n2);
        chi[k] = mid;
        n2[k] = mid;
        size_t slots[2] = { top.slot, used++ };
        for (int h = 0; !s && h < 2; h++) {
            double *a = pool + slots[h] * stride, B;
            size_t sv;
            s = cell_bound(&c, a, a + d, &B, &sv);
            a[2 * d] = (double)sv;
            a[2 * d + 1] = c.Rlast;
            if (!s) ua_heap_push(heap, &nheap, (ua_heap_item){ fmin(B, top.bound), slots[h] });
        }
    }
    if (s == UA_EUNSUPPORTED) { /* the family has no Taylor-model form for this model */
        ua_last_error_message(out->why, sizeof out->why);
        s = UA_OK;
        nheap = 0;
    } else if (!s) {
        if (!stuck && nheap && !isfinite(heap[0].bound) && !out->why[0])
            snprintf(out->why, sizeof out->why, "the formula could not be enclosed on a cell "
                     "before the time or the cells ran out: %.100s", c.why);
        if (nheap && isfinite(heap[0].bound)) {
            out->proven = 1;
            out->bound = heap[0].bound;
            /* the worst cell's rounding part */
            out->rounding = fmin(pool[heap[0].slot * stride + 2 * d + 1], heap[0].bound);
        }
    }
    out->measured = c.measured;
    out->pieces = nheap;
done:
    out->seconds = now() - t0;
    free(pool);
    free(heap);
    free(c.x);
    free(idx);
    ua_tm_clear(&c.sp, &c.M);
    ua_tm_clear(&c.sp, &c.F);
    for (size_t k = 0; k < c.nsub; k++) ua_tm_clear(&c.sp, &c.sub[k]);
    free(c.sub);
    ua_tm_space_clear(&c.sp);
    return s;
}
