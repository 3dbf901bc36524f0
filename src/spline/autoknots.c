/*
 * AutoKnots (arXiv 2412.13423; NumCosmo's ncm_spline_func): adaptive knot placement for a cubic
 * spline of f on [a, b]. docs/spline.md, "AutoKnots", has the algorithm; in short:
 *
 *   knots <- init_knots uniform in t = map(x)
 *   repeat (a sweep):
 *     build the spline (separate pieces across located jumps)
 *     for every untested interval [t_i, t_{i+1}]: x_m at the midpoint in t, f(x_m) becomes a
 *       knot; the interval passes when the point test and the integral test both hold, and its
 *       halves are done; otherwise its halves are tested next sweep (and a jump is looked for)
 *     no failure: refine pass — re-test every interval wider than mean + refine_sd sd; stop when
 *       a refine pass finds no failure
 */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "internal.h"
#include "scan.h"

enum { ST_TODO = 0, ST_DONE = 1, ST_BREAK = 2 };

/* The knots while they are being placed: x, t = map(x), y = f(x), and for the interval that
 * starts at each knot its state, whether early jump detection is off for it (a locator run in its
 * ancestry found the function continuous) and its depth (how many times in a row its ancestors
 * failed). */
typedef struct {
    size_t n, cap;
    double *x, *t, *y;
    unsigned char *st, *nojump, *depth;
} knots;

static void knots_free(knots *k)
{
    free(k->x);
    free(k->t);
    free(k->y);
    free(k->st);
    free(k->nojump);
    free(k->depth);
    memset(k, 0, sizeof *k);
}

static ua_status knots_alloc(knots *k, size_t cap)
{
    memset(k, 0, sizeof *k);
    k->cap = cap;
    k->x = ua_calloc(cap, sizeof *k->x);
    k->t = ua_calloc(cap, sizeof *k->t);
    k->y = ua_calloc(cap, sizeof *k->y);
    k->st = ua_calloc(cap, 1);
    k->nojump = ua_calloc(cap, 1);
    k->depth = ua_calloc(cap, 1);
    if (!k->x || !k->t || !k->y || !k->st || !k->nojump || !k->depth) {
        knots_free(k);
        return UA_ENOMEM_ERR(cap * 5 * sizeof(double));
    }
    return UA_OK;
}

/* Appends a knot and the state of the interval it starts. */
static void knots_push(knots *k, double x, double t, double y, int st, int nojump, int depth)
{
    k->x[k->n] = x;
    k->t[k->n] = t;
    k->y[k->n] = y;
    k->st[k->n] = (unsigned char)st;
    k->nojump[k->n] = (unsigned char)nojump;
    k->depth[k->n] = (unsigned char)(depth < 255 ? depth : 255);
    k->n++;
}

/* The state of an interval made of two: a break wins, then "untested". */
static unsigned char merge_state(unsigned char a, unsigned char b)
{
    if (a == ST_BREAK || b == ST_BREAK) return ST_BREAK;
    if (a == ST_TODO || b == ST_TODO) return ST_TODO;
    return ST_DONE;
}

static void knots_remove(knots *k, size_t j)
{
    size_t m = k->n - j - 1;
    memmove(k->x + j, k->x + j + 1, m * sizeof *k->x);
    memmove(k->t + j, k->t + j + 1, m * sizeof *k->t);
    memmove(k->y + j, k->y + j + 1, m * sizeof *k->y);
    memmove(k->st + j, k->st + j + 1, m);
    memmove(k->nojump + j, k->nojump + j + 1, m);
    memmove(k->depth + j, k->depth + j + 1, m);
    k->n--;
}

/* A knot at a domain end or at either end of a piece. */
static int is_protected(const knots *k, size_t j)
{
    return j == 0 || j + 1 == k->n || k->st[j] == ST_BREAK || k->st[j - 1] == ST_BREAK;
}

/*
 * Within a piece, neighbouring knots must have distinct t. Midpoints are only taken strictly
 * inside their interval, but a jump's bracketing doubles may map (ln x, asinh x) to the t of a
 * knot next to them; then one of the two goes: a knot that is not an end of the domain or of a
 * piece, else the one that keeps the breakpoint where it was located.
 */
static void knots_fix_collisions(knots *k)
{
    for (size_t j = 0; j + 1 < k->n;) {
        if (k->st[j] == ST_BREAK || k->t[j + 1] > k->t[j]) {
            j++;
            continue;
        }
        int drop_next;
        if (!is_protected(k, j + 1)) drop_next = 1;
        else if (!is_protected(k, j)) drop_next = 0;
        else if (j == 0 && j + 2 == k->n) { /* only the domain's ends: cannot happen, as the */
            j++;                             /* first knots have distinct t */
            continue;
        } else drop_next = j + 2 != k->n; /* keep the domain's last knot */
        if (drop_next) {
            k->st[j] = merge_state(k->st[j], k->st[j + 1]);
            k->nojump[j] |= k->nojump[j + 1];
            knots_remove(k, j + 1);
        } else {
            k->st[j - 1] = merge_state(k->st[j - 1], k->st[j]);
            k->nojump[j - 1] |= k->nojump[j];
            knots_remove(k, j);
            j--;
        }
    }
}

/* The spline through the current knots, one piece per run of intervals without a break. */
static ua_status build(const knots *k, const ua_spline_options *o, ua_spline **out)
{
    size_t np = 1;
    for (size_t j = 0; j + 1 < k->n; j++) np += k->st[j] == ST_BREAK;
    size_t *first = ua_calloc(np + 1, sizeof *first);
    if (!first) return UA_ENOMEM_ERR((np + 1) * sizeof *first);
    size_t p = 1;
    for (size_t j = 0; j + 1 < k->n; j++)
        if (k->st[j] == ST_BREAK) first[p++] = j + 1;
    first[np] = k->n;
    ua_status s = ua_spline_build(k->n, k->x, k->y, np, first, o->map, o->bc, o->slope_a,
                                  o->slope_b, out);
    free(first);
    return s;
}

static ua_status eval_f(ua_fn1 f, void *ctx, double x, double *y)
{
    *y = f(x, ctx);
    if (!isfinite(*y))
        return UA_ERR(UA_EDOMAIN, "target is %s at x = %.17g", isnan(*y) ? "NaN" : "infinite", x);
    return UA_OK;
}

void ua_spline_options_default(ua_spline_options *opt)
{
    opt->rtol = 1e-8;
    opt->fscale = 0.0;
    opt->bc = UA_SPLINE_NOT_A_KNOT;
    opt->slope_a = 0.0;
    opt->slope_b = 0.0;
    opt->map = UA_SPLINE_MAP_NONE;
    opt->max_knots = 100000;
    opt->init_knots = 6;
    opt->refine = 1;
    opt->refine_sd = 1.0;
}

static ua_status check_options(double a, double b, const ua_spline_options *o)
{
    if (!(isfinite(a) && isfinite(b) && a < b))
        return UA_ERR(UA_EINVAL, "domain [%g, %g] is not an interval a < b of finite numbers", a,
                      b);
    if (o->map != UA_SPLINE_MAP_NONE && o->map != UA_SPLINE_MAP_LOG &&
        o->map != UA_SPLINE_MAP_ASINH)
        return UA_ERR(UA_EINVAL, "unknown spline map %d", (int)o->map);
    if (o->map == UA_SPLINE_MAP_LOG && !(a > 0))
        return UA_ERR(UA_EINVAL, "the log map needs 0 < a, got a = %g", a);
    if (!(o->rtol > 0 && isfinite(o->rtol)))
        return UA_ERR(UA_EINVAL, "rtol must be a positive number, got %g", o->rtol);
    if (o->rtol < UA_SPLINE_MIN_RTOL)
        return UA_ERR(UA_EINVAL, "rtol %g is below double precision, 2^-52 = %.3g: the spline's "
                      "value at a point is rounded to double, one ulp is up to 2^-52 |f|, so a "
                      "smaller relative tolerance cannot be met (the knots would multiply "
                      "until they run out)", o->rtol, UA_SPLINE_MIN_RTOL);
    if (!(o->fscale >= 0 && isfinite(o->fscale)))
        return UA_ERR(UA_EINVAL, "fscale must be >= 0 and finite, got %g", o->fscale);
    if (o->init_knots < 2)
        return UA_ERR(UA_EINVAL, "init_knots must be >= 2, got %zu", o->init_knots);
    if (o->max_knots > UA_SPLINE_MAX_KNOTS)
        return UA_ERR(UA_EINVAL, "max_knots %zu is above %d: a fit takes about 150 bytes of "
                      "memory per knot, and more knots than that would not help a tolerance "
                      "double can meet", o->max_knots, (int)UA_SPLINE_MAX_KNOTS);
    if (o->max_knots < o->init_knots)
        return UA_ERR(UA_EINVAL, "max_knots (%zu) must be >= init_knots (%zu)", o->max_knots,
                      o->init_knots);
    if (!(o->refine_sd >= 0 && isfinite(o->refine_sd)))
        return UA_ERR(UA_EINVAL, "refine_sd must be >= 0, got %g", o->refine_sd);
    if (o->bc != UA_SPLINE_NOT_A_KNOT && o->bc != UA_SPLINE_NATURAL && o->bc != UA_SPLINE_CLAMPED)
        return UA_ERR(UA_EINVAL, "unknown spline end condition %d", (int)o->bc);
    if (o->bc == UA_SPLINE_CLAMPED && !(isfinite(o->slope_a) && isfinite(o->slope_b)))
        return UA_ERR(UA_EINVAL, "clamped end slopes must be finite");
    return UA_OK;
}

/* The first knots: init_knots uniform in t, the ends exactly a and b. */
static ua_status initial_knots(ua_fn1 f, void *ctx, double a, double b,
                               const ua_spline_options *o, const double *extra, size_t nextra,
                               knots *k, size_t *nevals)
{
    ua_status s = knots_alloc(k, o->init_knots + nextra);
    if (s) return s;
    double ta = ua_spline_map_x(o->map, a), tb = ua_spline_map_x(o->map, b);
    size_t e = 0; /* the next of the extra knots (increasing, inside (a, b)) */
    for (size_t j = 0; j < o->init_knots; j++) {
        double frac = (double)j / (double)(o->init_knots - 1);
        int last = j + 1 == o->init_knots;
        double x = j == 0 ? a : last ? b : ua_spline_unmap_t(o->map, ta + (tb - ta) * frac);
        if (j > 0 && e < nextra && extra[e] <= x) { /* an extra knot first, then x again */
            x = extra[e++];
            last = 0;
            j--;
        }
        double t = ua_spline_map_x(o->map, x);
        if (last) { /* b is a knot: interior knots too close to it in t go */
            while (k->n > 1 && !(t > k->t[k->n - 1])) k->n--;
            if (!(t > k->t[0]))
                return UA_ERR(UA_EINVAL, "domain [%.17g, %.17g] is too narrow for the %s map", a,
                              b, ua_spline_map_name(o->map));
        } else if (j > 0 && !(x > k->x[k->n - 1] && t > k->t[k->n - 1] && x < b)) {
            continue; /* a domain only a few doubles wide */
        }
        double y;
        if ((s = eval_f(f, ctx, x, &y))) return s;
        (*nevals)++;
        knots_push(k, x, t, y, ST_TODO, 0, 0);
    }
    return UA_OK;
}

/* Marks for re-testing every finished interval wider (in t) than mean + sd_mult * sd of the
 * widths of all intervals inside pieces. Returns how many were marked. */
static size_t refine_mark(knots *k, double sd_mult)
{
    double sum = 0, sum2 = 0;
    size_t m = 0;
    for (size_t j = 0; j + 1 < k->n; j++)
        if (k->st[j] != ST_BREAK) {
            double w = k->t[j + 1] - k->t[j];
            sum += w;
            m++;
        }
    if (m < 2) return 0;
    double mean = sum / (double)m;
    for (size_t j = 0; j + 1 < k->n; j++)
        if (k->st[j] != ST_BREAK) {
            double d = (k->t[j + 1] - k->t[j]) - mean;
            sum2 += d * d;
        }
    double cut = mean + sd_mult * sqrt(sum2 / (double)(m - 1));
    size_t marked = 0;
    for (size_t j = 0; j + 1 < k->n; j++)
        if (k->st[j] == ST_DONE && k->t[j + 1] - k->t[j] > cut) {
            k->st[j] = ST_TODO;
            marked++;
        }
    return marked;
}

/* The largest change of f across the neighbouring intervals of interval j (same piece). */
static double neighbour_change(const knots *k, size_t j)
{
    double c = 0.0;
    if (j > 0 && k->st[j - 1] != ST_BREAK) c = fabs(k->y[j] - k->y[j - 1]);
    if (j + 2 < k->n && k->st[j + 1] != ST_BREAK) c = fmax(c, fabs(k->y[j + 2] - k->y[j + 1]));
    return c;
}

typedef struct {
    ua_fn1 f;
    void *ctx;
    const ua_spline_options *o;
    double lim_scale;    /* max(|t_a|, |t_b|, t_b - t_a): the precision limit is 64 eps of it */
    size_t nevals, njumps;
    double err_pass;     /* largest relative point-test error of a passed test (all sweeps) */
    size_t failures;
    int out_of_knots;
    ua_spline_sing_cands cands; /* jumps and precision-limit acceptances: poles? (singular.c) */
} sweep_ctx;

/*
 * Tests interval j of old (its midpoint is a new knot of nk) against the spline sp built on old.
 * Appends the knots strictly inside the interval to nk and sets the states of the intervals
 * they start (and of the one nk's last knot, old's knot j, starts).
 */
static ua_status test_interval(sweep_ctx *c, const knots *old, size_t j, const ua_spline *sp,
                               knots *nk)
{
    const ua_spline_options *o = c->o;
    const ua_spline_map map = o->map;
    const double x0 = old->x[j], x1 = old->x[j + 1], t0 = old->t[j], t1 = old->t[j + 1];
    const size_t self = nk->n - 1; /* old knot j, already appended */
    double xm = ua_spline_unmap_t(map, t0 + 0.5 * (t1 - t0));
    if (!(xm > x0 && xm < x1)) xm = x0 + 0.5 * (x1 - x0);
    double tm = ua_spline_map_x(map, xm);
    if (!(xm > x0 && xm < x1 && tm > t0 && tm < t1)) { /* adjacent doubles: nothing to split */
        nk->st[self] = ST_DONE;
        return UA_OK;
    }
    double ym;
    ua_status s = eval_f(c->f, c->ctx, xm, &ym);
    if (s) return s;
    c->nevals++;

    /* The tests, in units of the spline's value scale (so that nothing overflows). */
    const double sc = sp->scale, fs = o->fscale / sc, h = t1 - t0;
    const double y0 = old->y[j] / sc, y1 = old->y[j + 1] / sc, yms = ym / sc;
    const double *cf = sp->cf + 3 * j;
    double u = (tm - t0) * sp->ih[j];
    double sm = y0 + u * (cf[0] + u * (cf[1] + u * cf[2]));
    double i_simpson = h * (y0 + 4.0 * yms + y1) / 6.0;
    double i_spline = h * (y0 + cf[0] / 2.0 + cf[1] / 3.0 + cf[2] / 4.0);
    double diff = fabs(yms - sm);
    int pass_point = diff <= o->rtol * (fabs(yms) + fs);
    int pass_integral = fabs(i_simpson - i_spline) <= o->rtol * (fabs(i_simpson) + fs * h);
    const int nojump = old->nojump[j], depth = old->depth[j] + 1;
    double den = fabs(yms) + fs;
    double err = den > 0 ? diff / den : (diff > 0 ? INFINITY : 0.0);
    if (pass_point && pass_integral) {
        if (err > c->err_pass) c->err_pass = err;
        nk->st[self] = ST_DONE;
        knots_push(nk, xm, tm, ym, ST_DONE, nojump, depth);
        return UA_OK;
    }
    c->failures++;

    /* A jump? At the precision limit always look; earlier when the change across one half
     * dwarfs the other half's and the neighbours', or the other half's alone once the interval
     * has failed 6 times in a row (two jumps side by side hide each other from the first). */
    const int at_limit = h <= 64.0 * DBL_EPSILON * fmax(fmax(fabs(t0), fabs(t1)), c->lim_scale);
    const double da = fabs(ym - old->y[j]), db = fabs(old->y[j + 1] - ym);
    const double big = fmax(da, db);
    const double fmag = fmax(fmax(fabs(old->y[j]), fabs(old->y[j + 1])), fabs(ym));
    const int early = !nojump && big > o->rtol * (fmag + o->fscale) &&
                      (big > 8.0 * fmax(fmin(da, db), neighbour_change(old, j)) ||
                       (depth >= 6 && big > 8.0 * fmin(da, db)));
    if (at_limit || early) {
        ua_spline_jump J;
        if (da >= db)
            s = ua_spline_locate_jump(c->f, c->ctx, x0, old->y[j], xm, ym, o->rtol, o->fscale, &J);
        else
            s = ua_spline_locate_jump(c->f, c->ctx, xm, ym, x1, old->y[j + 1], o->rtol, o->fscale,
                                      &J);
        if (s) return s;
        c->nevals += J.nevals;
        if (J.found) {
            /* the points inside (x0, x1) in order: xm, xl, xr (some may coincide) */
            double px[3] = { xm, J.xl, J.xr }, py[3] = { ym, J.yl, J.yr };
            if (da >= db) { /* xl, xr in [x0, xm]: order xl, xr, xm */
                px[0] = J.xl; py[0] = J.yl;
                px[1] = J.xr; py[1] = J.yr;
                px[2] = xm;   py[2] = ym;
            }
            nk->st[self] = ST_TODO;
            nk->depth[self] = 0;
            for (int q = 0; q < 3; q++) {
                double xq = px[q];
                if (xq == nk->x[nk->n - 1]) continue; /* already there (x0, or a repeat) */
                if (xq == x1) continue;
                knots_push(nk, xq, ua_spline_map_x(map, xq), py[q], ST_TODO, 0, 0);
            }
            /* the break: from xl to xr */
            for (size_t q = self; q < nk->n; q++)
                if (nk->x[q] == J.xl) nk->st[q] = ST_BREAK;
            c->njumps++;
            /* a pole between two doubles looks like a jump: probed once the knots are placed */
            if (fabs(J.yl) >= fabs(J.yr)) ua_spline_sing_add(&c->cands, J.xl, J.yl, 0);
            else ua_spline_sing_add(&c->cands, J.xr, J.yr, 0);
            return UA_OK;
        }
        if (at_limit) { /* continuous, and as resolved as doubles allow */
            /* (or knots clustering at an even pole or a logarithm: probed later) */
            double cx = x0, cy = old->y[j];
            if (fabs(ym) > fabs(cy)) cx = xm, cy = ym;
            if (fabs(old->y[j + 1]) > fabs(cy)) cx = x1, cy = old->y[j + 1];
            ua_spline_sing_add(&c->cands, cx, cy, 1);
            nk->st[self] = ST_DONE;
            knots_push(nk, xm, tm, ym, ST_DONE, 1, depth);
            return UA_OK;
        }
        nk->st[self] = ST_TODO;
        nk->nojump[self] = 1;
        nk->depth[self] = (unsigned char)(depth < 255 ? depth : 255);
        knots_push(nk, xm, tm, ym, ST_TODO, 1, depth);
        return UA_OK;
    }
    nk->st[self] = ST_TODO;
    nk->depth[self] = (unsigned char)(depth < 255 ? depth : 255);
    knots_push(nk, xm, tm, ym, ST_TODO, nojump, depth);
    return UA_OK;
}

/* Adds the scan's failing places (scan.c; sorted by x, each strictly inside a knot interval
 * of its own) as knots: the interval each splits and the new one are tested again. */
static ua_status insert_knots(knots *k, ua_spline_map map, const ua_spline_scan_fail *fails,
                              size_t nfail)
{
    knots nk;
    ua_status s = knots_alloc(&nk, k->n + nfail);
    if (s) return s;
    size_t q = 0;
    for (size_t j = 0; j < k->n; j++) {
        int split = q < nfail && j + 1 < k->n && k->st[j] != ST_BREAK && fails[q].x > k->x[j] &&
                    fails[q].x < k->x[j + 1];
        knots_push(&nk, k->x[j], k->t[j], k->y[j], split ? ST_TODO : k->st[j], k->nojump[j],
                   split ? 0 : k->depth[j]);
        while (q < nfail && j + 1 < k->n && fails[q].x < k->x[j + 1]) {
            if (split) knots_push(&nk, fails[q].x, ua_spline_map_x(map, fails[q].x), fails[q].y,
                                  ST_TODO, 0, 0);
            split = 0; /* one per interval (the scan gives one) */
            q++;
        }
    }
    knots_free(k);
    *k = nk;
    knots_fix_collisions(k);
    return UA_OK;
}

/* A place the final check found failing: where, f there, and |f - s| against the threshold
 * (the scan's record, scan.h). */
static int worse(const ua_spline_scan_fail *p, const ua_spline_scan_fail *q)
{
    return p->err > 0.0 && (q->err == 0.0 || p->err * q->thr > q->err * p->thr);
}

/* A failure's |f - s| / (|f| + fscale); where that is 0 (f = 0, fscale = 0), relative to the
 * scale V of the threshold's rounding allowance 8 eps V instead of an infinite ratio. */
static double rel_err(const ua_spline_scan_fail *p, double fscale)
{
    double den = fabs(p->y) + fscale;
    if (!(den > 0.0)) den = p->thr / (8.0 * DBL_EPSILON);
    return den > 0.0 ? p->err / den : INFINITY;
}

/*
 * The check of the spline that is returned when the knots ran out: the sweeps' last failures
 * were measured on an earlier spline (their midpoints have become knots since), so they say
 * nothing about this one. Every interval still to be tested gets its midpoint tested against sp
 * (built on k), and the scan runs over sp, both with the scan's criterion
 * |f - s| <= rtol (|f| + fscale) + 8 eps V (scan.h); *worst is the worst failure of either
 * (worst->err = 0 when nothing fails), *err_rel the largest |f - s| / (|f| + fscale) of a
 * failure (0 when none).
 */
static ua_status final_check(sweep_ctx *c, const knots *k, const ua_spline *sp,
                             ua_spline_scan_fail *worst, double *err_rel)
{
    const ua_spline_options *o = c->o;
    *err_rel = 0.0;
    size_t todo = 0;
    for (size_t j = 0; j + 1 < k->n; j++) todo += k->st[j] == ST_TODO;
    ua_spline_scan_fail *mid = todo ? ua_calloc(todo, sizeof *mid) : NULL;
    ua_spline_scan_fail *fails = ua_calloc(k->n, sizeof *fails);
    if ((todo && !mid) || !fails) {
        free(mid);
        free(fails);
        return UA_ENOMEM_ERR((todo + k->n) * sizeof *fails);
    }
    double V = 0.0;
    for (size_t j = 0; j < k->n; j++) V = fmax(V, fabs(k->y[j]));
    size_t nm = 0;
    ua_status s = UA_OK;
    for (size_t j = 0; j + 1 < k->n && !s; j++) {
        if (k->st[j] != ST_TODO) continue;
        double t0 = k->t[j], t1 = k->t[j + 1], x0 = k->x[j], x1 = k->x[j + 1];
        double xm = ua_spline_unmap_t(o->map, t0 + 0.5 * (t1 - t0));
        if (!(xm > x0 && xm < x1)) xm = x0 + 0.5 * (x1 - x0);
        double tm = ua_spline_map_x(o->map, xm);
        if (!(xm > x0 && xm < x1 && tm > t0 && tm < t1)) continue;
        double ym;
        if ((s = eval_f(c->f, c->ctx, xm, &ym))) break;
        c->nevals++;
        V = fmax(V, fabs(ym));
        mid[nm++] = (ua_spline_scan_fail){ xm, ym, fabs(ym - ua_spline_local(sp, j, tm)), 0.0 };
    }
    size_t nfail = 0;
    if (!s) s = ua_spline_scan(c->f, c->ctx, sp, o->rtol, o->fscale, fails, k->n, &nfail, worst,
                               &c->nevals);
    if (!s && worst->err > 0.0) *err_rel = rel_err(worst, o->fscale);
    for (size_t q = 0; q < nm && !s; q++) {
        mid[q].thr = o->rtol * (fabs(mid[q].y) + o->fscale) + 8.0 * DBL_EPSILON * V;
        if (!(mid[q].err > mid[q].thr)) continue;
        *err_rel = fmax(*err_rel, rel_err(&mid[q], o->fscale));
        if (worse(&mid[q], worst)) *worst = mid[q];
    }
    free(mid);
    free(fails);
    return s;
}

ua_status ua_spline_fit(ua_fn1 f, void *ctx, double a, double b, const ua_spline_options *opt,
                        ua_spline **out)
{
    return ua_spline_fit_knots(f, ctx, a, b, opt, NULL, 0, out);
}

ua_status ua_spline_fit_knots(ua_fn1 f, void *ctx, double a, double b,
                              const ua_spline_options *opt, const double *extra, size_t nextra,
                              ua_spline **out)
{
    if (!out) return UA_ERR(UA_EINVAL, "out is NULL");
    *out = NULL;
    if (!f) return UA_ERR(UA_EINVAL, "f is NULL");
    ua_spline_options o;
    if (opt) o = *opt;
    else ua_spline_options_default(&o);
    ua_status s = check_options(a, b, &o);
    if (s) return s;

    knots k = { 0 }, nk = { 0 };
    ua_spline *sp = NULL;
    sweep_ctx c = { .f = f, .ctx = ctx, .o = &o };
    double ta = ua_spline_map_x(o.map, a), tb = ua_spline_map_x(o.map, b);
    c.lim_scale = fmax(fmax(fabs(ta), fabs(tb)), tb - ta);
    if ((s = initial_knots(f, ctx, a, b, &o, extra, nextra, &k, &c.nevals))) goto fail;

    /* the sweeps; after convergence the check off the knots (scan.c), whose failing places
     * become knots, and the sweeps again */
    ua_spline_scan_fail scan_worst = { 0 };
    int scan_failed = 0;
    for (int scan_round = 0;; scan_round++) {
    int refining = 0;
    size_t refine_rounds = 0;
    for (;;) {
        ua_spline_free(sp);
        sp = NULL;
        if ((s = build(&k, &o, &sp))) goto fail;
        size_t todo = 0;
        for (size_t j = 0; j + 1 < k.n; j++) todo += k.st[j] == ST_TODO;
        if (todo == 0) {
            /* converged; the refine pass re-tests the widest intervals, until a refine sweep
             * finds nothing to improve */
            if (!o.refine || refining || refine_rounds >= 64 || refine_mark(&k, o.refine_sd) == 0)
                break;
            refining = 1;
            refine_rounds++;
            continue;
        }
        /* room for every midpoint, plus two per interval for a jump's bracketing doubles */
        size_t cap = k.n + 3 * todo;
        if ((s = knots_alloc(&nk, cap))) goto fail;
        c.failures = 0;
        for (size_t j = 0; j < k.n; j++) {
            knots_push(&nk, k.x[j], k.t[j], k.y[j], k.st[j], k.nojump[j], k.depth[j]);
            if (j + 1 == k.n || k.st[j] != ST_TODO) continue;
            /* the knots this interval may add, and those still to come, must fit */
            if (nk.n + 3 + (k.n - 1 - j) > o.max_knots) {
                c.out_of_knots = 1;
                continue;
            }
            if ((s = test_interval(&c, &k, j, sp, &nk))) goto fail;
        }
        knots_fix_collisions(&nk);
        knots_free(&k);
        k = nk;
        memset(&nk, 0, sizeof nk);
        if (c.failures) refining = 0;
        if (c.out_of_knots) {
            ua_spline_free(sp);
            sp = NULL;
            if ((s = build(&k, &o, &sp))) goto fail;
            break;
        }
    }
    if (c.out_of_knots) break;
    size_t nfail = 0;
    ua_spline_scan_fail *fails = ua_calloc(k.n, sizeof *fails);
    if (!fails) {
        s = UA_ENOMEM_ERR(k.n * sizeof *fails);
        goto fail;
    }
    s = ua_spline_scan(f, ctx, sp, o.rtol, o.fscale, fails, k.n, &nfail, &scan_worst, &c.nevals);
    if (!s && nfail && (scan_round >= 64 || k.n + nfail > o.max_knots)) scan_failed = 1;
    if (!s && nfail && !scan_failed) s = insert_knots(&k, o.map, fails, nfail);
    free(fails);
    if (s) goto fail;
    if (!nfail || scan_failed) break;
    }
    /* Where a jump was located or an interval accepted at the precision limit, |f| may grow
     * without bound (a pole between two doubles): probe those places, as the cheb family does
     * (singular.c). Without either, nothing is probed and nothing is evaluated. */
    ua_spline_singularity sing = { 0 };
    if ((s = ua_spline_probe_singularity(f, ctx, a, b, sp, o.fscale, &c.cands, &sing))) goto fail;
    c.nevals += sing.nevals;
    /* Out of knots: what failed last was an earlier spline; the one returned is checked again
     * and only what still fails is reported (final_check). */
    double final_rel = 0.0;
    if (c.out_of_knots) {
        if ((s = final_check(&c, &k, sp, &scan_worst, &final_rel))) goto fail;
        scan_failed = scan_worst.err > 0.0;
    }
    sp->resolved = !sing.found && !scan_failed;
    /* the error of the spline before each tested midpoint was added: an estimate from above of
     * where the spline stands (not a bound); out of knots, the final check's worst failure;
     * next to a singularity, its error at the probe's samples */
    sp->err_est = fmax(c.err_pass, final_rel);
    if (sing.found) sp->err_est = fmax(sp->err_est, sing.err);
    if (scan_failed) /* the scan's worst point, relative as the tests' */
        sp->err_est = fmax(sp->err_est, scan_worst.err / (fabs(scan_worst.y) + o.fscale));
    sp->nevals = c.nevals;
    if (o.bc == UA_SPLINE_CLAMPED) {
        sp->slope_a = o.slope_a;
        sp->slope_b = o.slope_b;
    }
    knots_free(&k);
    *out = sp;
    char note[256] = ""; /* the same words as the cheb family uses for a pole */
    const double near = 0x1p-24 * (b - a); /* at an end: no "either side" (as cheb says) */
    if (sing.found && (fabs(sing.x - a) <= near || fabs(sing.x - b) <= near))
        snprintf(note, sizeof note, ": the target appears to have a singularity at or just "
                 "beyond the end x = %.17g of the domain (|f| grows without bound there, %.3g at "
                 "x = %.17g); fit on a domain that stops short of it",
                 fabs(sing.x - a) <= near ? a : b, sing.fpeak, sing.xpeak);
    else if (sing.found)
        snprintf(note, sizeof note, ": the target appears to have a singularity near x = %.17g "
                 "(|f| grows without bound there, %.3g at x = %.17g); fit on either side of it",
                 sing.x, sing.fpeak, sing.xpeak);
    char feat[320] = "";
    if (scan_failed) {
        if (c.out_of_knots)
            snprintf(feat, sizeof feat, ": the error is largest near x = %.6g (|f - s| = %.3g "
                     "there, above the allowed %.3g)", scan_worst.x, scan_worst.err,
                     scan_worst.thr);
        else
            snprintf(feat, sizeof feat, ": a narrow feature near x = %.6g is not resolved "
                     "(|f - s| = %.3g there, above the allowed %.3g, at a point between the "
                     "knots)", scan_worst.x, scan_worst.err, scan_worst.thr);
        return UA_ERR(UA_ENOTRESOLVED, "spline not resolved to rtol %g within %zu knots "
                      "(estimated relative error %.3g)%s%s", o.rtol, o.max_knots, sp->err_est,
                      note, feat);
    }
    if (sing.found)
        return UA_ERR(UA_ENOTRESOLVED, "spline not resolved to rtol %g (estimated relative "
                      "error %.3g)%s", o.rtol, sp->err_est, note);
    return UA_OK;

fail:
    ua_spline_free(sp);
    knots_free(&k);
    knots_free(&nk);
    return s;
}
