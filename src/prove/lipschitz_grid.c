/*
 * The grid-and-Lipschitz prover of max |m - f| over a box for networks and other smooth learners
 * (uniapprox/prove.h, ua_prove_lipschitz_grid; docs/prove.md, "Networks").
 *
 * On a cell with centre c and half-widths r_i, for every x in the cell
 *     |m~(x) - f(x)| <= |m~(c) - f(c)| + sum_i r_i sup_cell |d_i m - d_i f| + 2 R,
 * m~ the model as predict computes it, m the same model in exact arithmetic, R >= sup |m~ - m|
 * over the cell (the family's bound on its own evaluation error, ua_model_eval_error, over the
 * cell, or over the whole box where that is smaller): the mean value theorem
 * applied to m - f, plus the rounding at x and at c. The three parts are all proven:
 * - f(c) is enclosed in Arb balls (ua_target_enclose_taylor at a point, order 0), so the
 *   measured term |m~(c) - f(c)| is bounded above by the far end of f(c)'s enclosure;
 * - sup_cell |d_i m - d_i f| <= max(|jlo_i - fhi_i|, |jhi_i - flo_i|) with [jlo_i, jhi_i] the
 *   family's enclosure of d_i m over the cell (bound propagation through the backward graph,
 *   ua_model_lipschitz_box) and [flo_i, fhi_i] Arb's of d_i f (the order-1 Taylor coefficient
 *   over the cell). This is never more than (L_f + L_model) r, and much less where the model
 *   follows f: the slope of the error, not of either function, multiplies r.
 * Cells are kept in a heap by their bound; the worst one is halved along its widest side (relative
 * to the box) until the largest bound is within target_ratio of the largest measured error, or the
 * time or the cell budget runs out. The proof holds at every stage: the reported bound is the
 * largest cell bound whenever it stops.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/internal.h"
#include "model/family.h"
#include "prove/heap.h"
#include "uniapprox/lipschitz.h"
#include "uniapprox/prove.h"

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
    size_t d;
    double R;         /* the model's evaluation-error bound over the box */
    double measured;  /* the largest |m~(c) - f(c)| (midpoint of f's enclosure) */
    double Rmax;      /* the largest rounding bound a cell used */
    double *work;     /* (5 d) */
} ctx_t;

/* The bound on the cell [lo, hi]; UA_EDOMAIN when f is not enclosed there (the why is set). */
static ua_status cell_bound(ctx_t *c, const double *lo, const double *hi, double *B)
{
    size_t d = c->d;
    double *x = c->work, *jl = x + d, *ju = jl + d, fl[2], fu[2];
    for (size_t i = 0; i < d; i++) x[i] = 0.5 * (lo[i] + hi[i]);
    double mc;
    ua_status s = ua_model_predict(c->m, x, 1, &mc);
    if (s) return s;
    if (!isfinite(mc)) return UA_ERR(UA_EDOMAIN, "the model is not finite at a cell centre");
    s = ua_target_enclose_taylor(c->f, x, x, 0, 0, fl, fu);
    if (s) return s;
    double e = fmax(fabs(mc - fl[0]), fabs(fu[0] - mc));
    double mid = 0.5 * (fl[0] + fu[0]);
    if (fabs(mc - mid) > c->measured) c->measured = fabs(mc - mid);
    double L;
    s = ua_model_lipschitz_box(c->m, lo, hi, UA_NORM_INF, NULL, &L, jl, ju);
    if (s) return s;
    double sum = 0;
    for (size_t i = 0; i < d; i++) {
        s = ua_target_enclose_taylor(c->f, lo, hi, i, 1, fl, fu);
        if (s) return s;
        /* d_i f over the cell is in [fl[1], fu[1]] (the first coefficient is the derivative) */
        double slope = fmax(fabs(jl[i] - fu[1]), fabs(ju[i] - fl[1]));
        double r = fmax(hi[i] - x[i], x[i] - lo[i]);
        sum = up(sum + up(up(slope) * r));
    }
    /* the model's rounding over this cell (its derivative-weighted form is much smaller on a
     * small cell than over the whole box) */
    double Rc = c->R;
    if (!ua_model_eval_error(c->m, lo, hi, &Rc) && Rc > c->R) Rc = c->R;
    if (Rc > c->Rmax) c->Rmax = Rc;
    *B = up(up(e) + sum + 2 * Rc);
    return UA_OK;
}

ua_status ua_prove_lipschitz_grid(const ua_model *m, const ua_target *f,
                                  const ua_prove_options *o, ua_proof *out)
{
    if (!m || !f || !out) return UA_ERR(UA_EINVAL, "prove: NULL argument");
    double t0 = now();
    memset(out, 0, sizeof *out);
    out->bound = INFINITY;
    snprintf(out->method, sizeof out->method, "lipschitz-grid");
    ua_prove_options opt = { 1.1, 60.0, (size_t)1 << 16, 0 };
    if (o) {
        if (o->target_ratio != 0) opt.target_ratio = o->target_ratio;
        if (o->time_limit != 0) opt.time_limit = o->time_limit;
        if (o->max_pieces != 0) opt.max_pieces = o->max_pieces;
    }
    if (!(opt.target_ratio >= 1) || !(opt.time_limit > 0) || opt.max_pieces < 1)
        return UA_ERR(UA_EINVAL, "prove: target_ratio must be >= 1, time_limit > 0");
    size_t din = 1, dout = 1, d = 0;
    ua_model_dims(m, &din, &dout);
    const double *blo = NULL, *bhi = NULL;
    ua_model_box(m, &d, &blo, &bhi);
    double lo1, hi1;
    if (d == 0 && din == 1) { /* a 1-D model keeps its domain apart from the box */
        ua_model_domain(m, &lo1, &hi1);
        if (isfinite(lo1) && isfinite(hi1)) {
            d = 1;
            blo = &lo1;
            bhi = &hi1;
        }
    }
    if (ua_target_dim(f) != din)
        return UA_ERR(UA_EINVAL, "prove: the formula has %zu variable%s, the model %zu input%s",
                      ua_target_dim(f), ua_target_dim(f) == 1 ? "" : "s", din,
                      din == 1 ? "" : "s");
    const ua_family *fam = ua_model_family_vtable(m);
    if (!fam || !fam->bounds || !fam->bounds->lipschitz || !fam->bounds->eval_error) {
        snprintf(out->why, sizeof out->why, "the %s family has neither a polynomial form nor "
                 "bound propagation", ua_model_family(m));
        return UA_OK;
    }
    if (dout != 1) {
        snprintf(out->why, sizeof out->why, "the model has %zu outputs (one is proven)", dout);
        return UA_OK;
    }
    if (d != din || !blo) {
        snprintf(out->why, sizeof out->why, "the model has no box (fitted to samples)");
        return UA_OK;
    }
    ctx_t c = { m, f, d, 0, 0, 0, NULL };
    ua_status s = ua_model_eval_error(m, blo, bhi, &c.R);
    if (s == UA_EUNSUPPORTED) {
        ua_last_error_message(out->why, sizeof out->why);
        return UA_OK;
    }
    if (s) return s;

    /* the first grid: about 64 cells */
    size_t per = 1;
    while (d <= 16 && (size_t)pow((double)(per + 1), (double)d) <= 64) per++;
    size_t first = 1;
    for (size_t i = 0; i < d; i++) first *= per;
    size_t cap_max = opt.max_pieces > first ? opt.max_pieces : first;
    if (cap_max > ((size_t)1 << 24)) cap_max = (size_t)1 << 24;
    size_t cap = cap_max < first + 1024 ? cap_max : first + 1024; /* grows below */
    double *pool = ua_calloc(cap * 2 * d, sizeof *pool);
    ua_heap_item *heap = ua_calloc(cap, sizeof *heap);
    c.work = ua_calloc(5 * d, sizeof *c.work);
    size_t *idx = ua_calloc(d, sizeof *idx);
    if (!pool || !heap || !c.work || !idx) {
        free(pool);
        free(heap);
        free(c.work);
        free(idx);
        return UA_ENOMEM_ERR(cap * 2 * d * sizeof *pool);
    }
    size_t used = 0, nheap = 0;
    for (size_t k = 0; !s && k < first; k++) {
        double *clo = pool + used * 2 * d, *chi = clo + d;
        size_t r = k;
        for (size_t i = 0; i < d; i++) {
            idx[i] = r % per;
            r /= per;
            double w = (bhi[i] - blo[i]) / (double)per;
            clo[i] = idx[i] == 0 ? blo[i] : blo[i] + w * (double)idx[i];
            chi[i] = idx[i] + 1 == per ? bhi[i] : blo[i] + w * (double)(idx[i] + 1);
        }
        double B;
        s = cell_bound(&c, clo, chi, &B);
        if (!s) ua_heap_push(heap, &nheap, (ua_heap_item){ B, used++ });
    }
    while (!s && nheap) {
        if (heap[0].bound <= opt.target_ratio * c.measured) break;
        if (used + 1 > cap_max || now() - t0 > opt.time_limit) break;
        if (used + 1 > cap) {
            size_t nc = 2 * cap < cap_max ? 2 * cap : cap_max;
            double *np = realloc(pool, nc * 2 * d * sizeof *pool);
            if (np) pool = np;
            ua_heap_item *nh = np ? realloc(heap, nc * sizeof *heap) : NULL;
            if (nh) heap = nh;
            if (!np || !nh) break; /* no room: the bound so far stands */
            cap = nc;
        }
        ua_heap_item top = ua_heap_pop(heap, &nheap);
        double *clo = pool + top.slot * 2 * d, *chi = clo + d;
        size_t k = 0;
        double wk = -1;
        for (size_t i = 0; i < d; i++) {
            double w = (chi[i] - clo[i]) / (bhi[i] - blo[i]);
            if (w > wk) {
                wk = w;
                k = i;
            }
        }
        double mid = 0.5 * (clo[k] + chi[k]);
        if (!(mid > clo[k] && mid < chi[k])) { /* a cell of one double: no further split */
            ua_heap_push(heap, &nheap, top);
            break;
        }
        double *n2 = pool + used * 2 * d;
        memcpy(n2, clo, 2 * d * sizeof *n2);
        chi[k] = mid;
        n2[k] = mid;
        size_t slots[2] = { top.slot, used++ };
        for (int h = 0; !s && h < 2; h++) {
            double *a = pool + slots[h] * 2 * d, B;
            s = cell_bound(&c, a, a + d, &B);
            if (!s) ua_heap_push(heap, &nheap, (ua_heap_item){ fmin(B, top.bound), slots[h] });
        }
    }
    if (s == UA_EDOMAIN) {
        ua_last_error_message(out->why, sizeof out->why);
        s = UA_OK;
    } else if (!s) {
        out->proven = 1;
        out->bound = heap[0].bound;
        out->rounding = 2 * c.Rmax; /* the largest a cell added */
    }
    out->measured = c.measured;
    out->pieces = nheap;
    out->seconds = now() - t0;
    free(pool);
    free(heap);
    free(c.work);
    free(idx);
    return s;
}
