/*
 * The supremum of |d| on [-1, 1] for a polynomial d with ball coefficients (src/prove/taylor.h):
 * branch and bound over cells, each bounded by its end values when d is monotone on it (d' has no
 * zero in the cell's ball) and otherwise by the ends plus the linear interpolation error
 * h^2/8 sup |d''| (h the cell's width). Near a maximum the second term shrinks as h^2, so a few
 * splits give a bound within a fraction of a percent of the value attained.
 */
#include <math.h>
#include <stdlib.h>

#include <arb_poly.h>

#include "taylor.h"

typedef struct {
    double u, v;   /* the cell [u, v] of [-1, 1] (dyadic: exact balls) */
    double fu, fv; /* upper bounds of |d| at u and v */
} cell;

static double abs_up(const arb_t x)
{
    arf_t t;
    arf_init(t);
    arb_get_abs_ubound_arf(t, x, 64);
    double v = arf_get_d(t, ARF_RND_CEIL);
    arf_clear(t);
    return v;
}

static double abs_lo(const arb_t x)
{
    arf_t t;
    arf_init(t);
    arb_get_abs_lbound_arf(t, x, 64);
    double v = arf_get_d(t, ARF_RND_FLOOR);
    arf_clear(t);
    return v;
}

/* Rounds a sum of a few positive doubles (each rounded to nearest) up past its exact value. */
static double up(double x) { return x * (1.0 + 0x1p-50) + 0x1p-1070; }

typedef struct {
    arb_srcptr d;
    slong len, prec;
    arb_t x, y;
    double lower, argmax;
} ctx;

/* The upper bound of |d(s)| at the dyadic s; updates the lower bound and its point. */
static double value_at(ctx *c, double s)
{
    arb_set_d(c->x, s);
    _arb_poly_evaluate(c->y, c->d, c->len, c->x, c->prec);
    double lo = abs_lo(c->y);
    if (lo > c->lower) {
        c->lower = lo;
        c->argmax = s;
    }
    return abs_up(c->y);
}

int ua_prove_poly_sup(arb_srcptr d, slong len, double enough, size_t max_cells, slong prec,
                      double *upper, double *lower, double *argmax)
{
    *upper = INFINITY;
    *lower = 0.0;
    *argmax = 0.0;
    if (len < 1 || !_arb_vec_is_finite(d, len)) return -1;
    ctx c;
    c.d = d;
    c.len = len;
    c.prec = prec;
    c.lower = 0.0;
    c.argmax = 0.0;
    arb_init(c.x);
    arb_init(c.y);
    /* the values at the ends and the middle, and the first test sum |d_k| */
    double e_lo = value_at(&c, -1.0), e_hi = value_at(&c, 1.0);
    (void)value_at(&c, 0.0);
    arb_t acc, t;
    arb_init(acc);
    arb_init(t);
    for (slong k = 0; k < len; k++) {
        arb_abs(t, d + k);
        arb_add(acc, acc, t, prec);
    }
    double S = abs_up(acc);
    int rc = 0;
    if (len <= 2 || S <= enough) {
        /* linear: the larger end; otherwise the sum is enough */
        *upper = len <= 2 ? fmax(e_lo, e_hi) : S;
        goto done;
    }
    {
        slong l1 = len - 1, l2 = len - 2;
        arb_ptr d1 = _arb_vec_init(l1), d2 = _arb_vec_init(l2);
        _arb_poly_derivative(d1, d, len, prec);
        _arb_poly_derivative(d2, d1, l1, prec);
        size_t K0 = 4;
        while (K0 < (size_t)(2 * len) && K0 < 1024) K0 *= 2;
        size_t cap = K0 + 2 * max_cells + 8, sp = 0, count = 0;
        cell *st = malloc(cap * sizeof *st);
        if (!st) {
            rc = -1;
            _arb_vec_clear(d1, l1);
            _arb_vec_clear(d2, l2);
            goto done;
        }
        double prev = e_lo;
        for (size_t i = 0; i < K0; i++) {
            double v = -1.0 + 2.0 * (double)(i + 1) / (double)K0;
            double fv = i + 1 == K0 ? e_hi : value_at(&c, v);
            st[sp++] = (cell){ -1.0 + 2.0 * (double)i / (double)K0, v, prev, fv };
            prev = fv;
        }
        double best = 0.0;
        arb_t ball, w;
        arb_init(ball);
        arb_init(w);
        while (sp) {
            cell q = st[--sp];
            count++;
            double h = q.v - q.u, m = q.u + 0.5 * h;
            arb_set_d(ball, m);
            mag_set_d(arb_radref(ball), 0.5 * h);
            double e = fmax(q.fu, q.fv), cb = e;
            _arb_poly_evaluate(w, d1, l1, ball, prec);
            if (arb_contains_zero(w)) {
                _arb_poly_evaluate(w, d2, l2, ball, prec);
                cb = up(e + up(h * h * 0.125 * abs_up(w)));
            }
            double accept = fmax(enough, c.lower * (1.0 + 0x1p-10));
            if (cb <= accept || count >= max_cells || h < 0x1p-40 || sp + 2 > cap) {
                if (cb > best) best = cb;
                continue;
            }
            double fm = value_at(&c, m);
            st[sp++] = (cell){ m, q.v, fm, q.fv };
            st[sp++] = (cell){ q.u, m, q.fu, fm };
        }
        arb_clear(ball);
        arb_clear(w);
        free(st);
        _arb_vec_clear(d1, l1);
        _arb_vec_clear(d2, l2);
        *upper = fmin(best, S);
        if (!isfinite(*upper)) rc = -1;
    }
done:
    *lower = c.lower;
    *argmax = c.argmax;
    arb_clear(acc);
    arb_clear(t);
    arb_clear(c.x);
    arb_clear(c.y);
    return rc;
}
