/*
 * ua_cheb_fit: option checks, the single-piece fit, the piecewise construction (split where a
 * piece does not converge — at a detected edge, else at the midpoint — then merge neighbours
 * that one fit resolves), following Chebfun's splitting mode, and uniform pieces (2^k equal
 * pieces of at most uniform_length coefficients, for fast evaluation) (docs/cheb.md).
 *
 * Every chopped piece is checked off its grid (scan.c) before it counts as resolved: where f and
 * the series disagree between the construction points (a narrow feature every grid missed), a
 * single piece is refitted on the next grids up to max_length, a piecewise fit is split at the
 * worst point, uniform pieces go to the next level; what still fails is not resolved and the
 * message names the place.
 */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "sample.h"
#include "scan.h"

static ua_status fit_core(ua_fn1 f, void *ctx, const ua_cheb_hp *hp, double a, double b,
                          const ua_cheb_options *o, ua_cheb **out);

void ua_cheb_options_default(ua_cheb_options *opt)
{
    if (!opt) return;
    opt->tol = 0x1p-52;
    opt->abs_tol = 0;
    opt->max_length = 65537;
    opt->map = UA_MAP_NONE;
    opt->split = 0;
    opt->split_length = 129;
    opt->max_pieces = 1024;
    opt->uniform_length = 0;
}

/* A failed check (scan.c) of a fit: where, and by how much. */
typedef struct {
    int failed;
    double t, err, thr; /* the worst point (in t), |f - p| there and the threshold */
} check_fail;

typedef struct {
    double lo, hi; /* in t */
    ua_cheb_piece_fit fit;
    check_fail fail; /* the last failed check of this piece (fit unresolved because of it) */
} piece;

typedef struct {
    ua_cheb_sampler *s;
    ua_cheb_tol tol;
    size_t split_length, max_pieces;
    double vscale; /* global scale: max |f| over every sample of every fit so far */
    double hscale; /* max(|ta|, |tb|) */
    piece *p;
    size_t count, cap;
    size_t intervals; /* pieces finished + intervals still to process */
    int ext_a, ext_b; /* extrapolate at the domain's ends too (a root factor's 0 / 0 there) */
    /* located edges where f is continuous (a kink, |x - c|^p): sampled rather than extrapolated,
     * so that the series meets f at the singular point itself (at most CONT_MAX kept) */
    double cont[64];
    size_t ncont;
    int end_check; /* check the series at continuous located edges too (split mode) */
    const ua_cheb_hp *hp; /* the target in MPFR, or NULL */
    double span; /* the whole domain's width when the sampler holds one piece of it (the scan's
                    density is per domain: --rel-tol's pieces), 0: the sampler's */
} builder;

enum { CONT_MAX = 64 };

static int is_cont(const builder *B, double t)
{
    for (size_t i = 0; i < B->ncont; i++)
        if (B->cont[i] == t) return 1;
    return 0;
}

/* Whether f at e and at the doubles on either side agree to 2^-30 of the scale: a kink or
 * |x - c|^p, not a jump (sign(x) at 0, whose value at e belongs to neither side). */
static ua_status continuous_at(builder *B, double e, int *cont)
{
    double y, yl, yr;
    ua_status st = ua_cheb_sample(B->s, e, &y);
    if (!st) st = ua_cheb_sample(B->s, nextafter(e, -INFINITY), &yl);
    if (!st) st = ua_cheb_sample(B->s, nextafter(e, INFINITY), &yr);
    if (st) return st;
    double v = fmax(B->vscale, fabs(y)) * 0x1p-30;
    *cont = fabs(yl - y) <= v && fabs(yr - y) <= v;
    return UA_OK;
}

/* Checks a chopped fit f of [lo, hi] off its grid; a failure unresolves f and is recorded in
 * *fail. A fit that is not resolved (or floored) is left as it is. */
static ua_status check_fit(builder *B, double lo, double hi, ua_cheb_piece_fit *f,
                           ua_cheb_scan *sc, check_fail *fail)
{
    if (!f->resolved) return UA_OK;
    double frac = (hi - lo) / (B->span > 0.0 ? B->span : B->s->tb - B->s->ta);
    size_t m = ua_cheb_scan_count(f->grid, frac);
    ua_cheb_check chk;
    ua_status st = ua_cheb_check_piece(B->s, lo, hi, f->coeffs, f->n, m, &B->tol,
                                       fmax(B->vscale, f->vscale), sc, &chk);
    if (st) return st;
    if (chk.pass && B->end_check) {
        /* the ends that are sampled (not extrapolated): a series chopped next to a singular
         * end (|x - c|^1.25 at c) drops a tail of small coefficients that add up there, where no
         * scan point looks (the scan's points are inside) */
        const double eps = 0x1p-52, V = fmax(fmax(B->vscale, f->vscale), chk.fmax);
        double thr = (B->tol.abs_tol ? fmax(B->tol.tol, eps * V) : B->tol.tol * V) +
                     8.0 * fmax(eps * V, 0x1p-1074); /* an ulp: at least the subnormal spacing */
        for (int end = 0; end < 2 && chk.pass; end++) {
            double t = end ? hi : lo;
            if (!(t == B->s->ta ? !B->ext_a : t == B->s->tb ? !B->ext_b : is_cont(B, t)))
                continue;
            double y;
            st = ua_cheb_sample(B->s, t, &y);
            if (st) return st;
            double se = end ? 1.0 : -1.0, p = ua_cheb_clenshaw(f->coeffs, f->n, se);
            /* plus the conditioning floor the scan allows: t is only known to half an ulp of
             * max(|lo|, |hi|), so f moves by |f'| eps max(|lo|, |hi|) (|f'| from the series
             * near the end) */
            double q = ua_cheb_clenshaw(f->coeffs, f->n, se * (1.0 - 0x1p-10));
            double slope = fabs(p - q) / (0x1p-11 * (hi - lo));
            double cond = 2.0 * slope * eps * fmax(fabs(lo), fabs(hi));
            if (fabs(p - y) > thr + cond) {
                chk.pass = 0;
                chk.t_worst = t;
                chk.err = fabs(p - y);
                chk.thr = thr;
            }
        }
    }
    if (!chk.pass) {
        f->resolved = 0;
        fail->failed = 1;
        fail->t = chk.t_worst;
        fail->err = chk.err;
        fail->thr = chk.thr;
    }
    return UA_OK;
}

static ua_status push_piece(builder *B, double lo, double hi, ua_cheb_piece_fit *f,
                            const check_fail *fail)
{
    if (B->count == B->cap) {
        size_t cap = B->cap ? 2 * B->cap : 16;
        piece *p = realloc(B->p, cap * sizeof *p);
        if (!p) return UA_ENOMEM_ERR(cap * sizeof *p);
        B->p = p;
        B->cap = cap;
    }
    B->p[B->count].lo = lo;
    B->p[B->count].hi = hi;
    B->p[B->count].fit = *f;
    B->p[B->count].fail = *fail;
    B->count++;
    f->coeffs = NULL;
    return UA_OK;
}

/* Can [lo, hi] be cut at e into two pieces with distinct grid points (in t and, for the log map,
 * in x)? */
static int cut_ok(const builder *B, double lo, double hi, double e)
{
    double scale = fmax(fabs(lo), fabs(hi));
    double gap = 64.0 * DBL_EPSILON * scale;
    if (!(e - lo > gap && hi - e > gap)) return 0;
    if (B->s->map == UA_MAP_LOG) {
        double xl = ua_cheb_sampler_x(B->s, lo), xe = exp(e), xh = ua_cheb_sampler_x(B->s, hi);
        if (!(xl < xe && xe < xh)) return 0;
    }
    return 1;
}

/* Fits [lo, hi] with at most split_length coefficients and checks it off the grid. refine
 * (single piece): while the check fails, refit on the next grid (2 grid - 1, every old sample
 * reused through the memo) up to split_length; otherwise (piecewise) a failed check leaves the
 * fit unresolved and *fail says where to cut. */
static ua_status fit_interval(builder *B, double lo, double hi, int refine, ua_cheb_piece_fit *f,
                              check_fail *fail)
{
    const int ext_lo = lo == B->s->ta ? B->ext_a : !is_cont(B, lo);
    const int ext_hi = hi == B->s->tb ? B->ext_b : !is_cont(B, hi);
    memset(fail, 0, sizeof *fail);
    ua_cheb_scan sc = { 0 };
    ua_status st = ua_cheb_fit_piece(B->s, lo, hi, B->split_length, ext_lo, ext_hi, &B->tol,
                                     B->vscale, f);
    for (;;) {
        if (st) break;
        if (f->vscale > B->vscale) B->vscale = f->vscale;
        st = check_fit(B, lo, hi, f, &sc, fail);
        if (st || f->resolved || !fail->failed || !refine) break;
        size_t next = 2 * f->grid - 1;
        if (next > B->split_length) break; /* no longer grid allowed: not resolved */
        ua_cheb_piece_fit g;
        st = ua_cheb_fit_piece_from(B->s, lo, hi, next, B->split_length, ext_lo, ext_hi, &B->tol,
                                    B->vscale, &g);
        if (st) break;
        free(f->coeffs);
        *f = g;
    }
    ua_cheb_scan_release(&sc);
    if (st) {
        free(f->coeffs);
        f->coeffs = NULL;
    }
    return st;
}

/* The cut towards a singular end of a piece (an edge located at the end, or a failed check next
 * to it), as a fraction of the piece's width: hp-grading. A power singularity |x - e|^p seen from
 * [e + h, e + h / GRADE] is analytic in a Bernstein ellipse whose parameter (33/31 + sqrt((33/31)^2
 * - 1) = 1.43) reaches 2^-52 with about 100 coefficients, within the default split_length 129. */
#define GRADE 0x1p-5

/* Finishes [lo, hi] whose fit f (owned) is given: keep it, or split and recurse. A fit whose
 * check failed (*fail) is cut at the check's worst point (the narrow feature); others at a
 * detected edge (moved onto the singular point to the ulp, locate.c), else at the midpoint.
 * sing_lo / sing_hi: that end is a located edge or an end of the domain, where f may be singular;
 * an edge found at such an end is graded towards (a cut at GRADE of the width from it), one found
 * at another end (the far side of a graded cut) is not: there the midpoint. */
static ua_status build(builder *B, double lo, double hi, ua_cheb_piece_fit *f,
                       const check_fail *fail, int sing_lo, int sing_hi)
{
    if (f->resolved || B->intervals >= B->max_pieces) return push_piece(B, lo, hi, f, fail);
    double mid = lo + (hi - lo) / 2, e = mid, g = GRADE * (hi - lo);
    int sing_e = 0; /* the cut is a located edge */
    ua_status st = UA_OK;
    if (fail->failed && (cut_ok(B, lo, hi, fail->t) || fail->t == lo || fail->t == hi)) {
        /* a failure next to an end is graded towards it (a cut at the failing point itself
         * would leave a sliver and a piece that fails again one step further in) */
        e = fail->t;
        if (e - lo < g) e = lo + g;
        else if (hi - e < g) e = hi - g;
    } else {
        int found = 0;
        st = ua_cheb_detect_edge(B->s, lo, hi, B->vscale, B->hscale, &found, &e);
        if (st) return st;
        if (found && cut_ok(B, lo, hi, e)) {
            /* a continuous edge (not a jump) is moved onto the singular point, to the ulp, and
             * sampled there rather than extrapolated */
            int cont = 0;
            if (B->s->map == UA_MAP_NONE) st = continuous_at(B, e, &cont);
            if (!st && cont) st = ua_cheb_locate_edge(B->s, B->hp, lo, hi, &e);
            if (!st && cont) st = continuous_at(B, e, &cont);
            if (st) return st;
            if (cont && B->ncont < CONT_MAX) B->cont[B->ncont++] = e;
            sing_e = 1;
        } else if (found && (e - lo < hi - e ? sing_lo : sing_hi)) {
            e = e - lo < hi - e ? lo + g : hi - g; /* an edge at a singular end: grade */
        } else {
            e = mid;
        }
    }
    if (!cut_ok(B, lo, hi, e)) return push_piece(B, lo, hi, f, fail); /* too narrow to split */
    /* the piece next to a singular end keeps that end's mark; a graded cut marks nothing */
    free(f->coeffs);
    f->coeffs = NULL;
    B->intervals++;
    ua_cheb_piece_fit left, right;
    check_fail lf, rf;
    st = fit_interval(B, lo, e, 0, &left, &lf);
    if (st) return st;
    st = fit_interval(B, e, hi, 0, &right, &rf);
    if (st) {
        free(left.coeffs);
        return st;
    }
    st = build(B, lo, e, &left, &lf, sing_lo, sing_e);
    free(left.coeffs);
    if (st) {
        free(right.coeffs);
        return st;
    }
    st = build(B, e, hi, &right, &rf, sing_e, sing_hi);
    free(right.coeffs);
    return st;
}

/* Replaces neighbours by one piece wherever a single fit over their union is resolved within
 * split_length coefficients (edge detection can cut where nothing was wrong). */
static ua_status merge(builder *B)
{
    size_t i = 0;
    while (i + 1 < B->count) {
        piece *l = &B->p[i], *r = &B->p[i + 1];
        if (!l->fit.resolved || !r->fit.resolved) {
            i++;
            continue;
        }
        ua_cheb_piece_fit u;
        check_fail uf; /* the union is checked too: a merge must not lose a narrow feature */
        ua_status st = fit_interval(B, l->lo, r->hi, 0, &u, &uf);
        if (st) return st;
        if (!u.resolved || u.n > l->fit.n + r->fit.n) { /* keep the cheaper description */
            free(u.coeffs);
            i++;
            continue;
        }
        free(l->fit.coeffs);
        free(r->fit.coeffs);
        l->hi = r->hi;
        l->fit = u;
        l->fail = uf;
        memmove(r, r + 1, (B->count - i - 2) * sizeof *r);
        B->count--;
    }
    return UA_OK;
}

static ua_status assemble(const builder *B, ua_map map, ua_cheb **out)
{
    size_t total = 0;
    for (size_t i = 0; i < B->count; i++) total += B->p[i].fit.n;
    ua_cheb *c = ua_cheb_alloc(B->count, total);
    if (!c) return UA_ENOMEM_ERR(total * sizeof(double));
    c->map = map;
    c->resolved = 1;
    c->offset[0] = 0;
    for (size_t i = 0; i < B->count; i++) {
        const piece *p = &B->p[i];
        c->breaks[i] = ua_cheb_sampler_x(B->s, p->lo);
        memcpy(c->coeffs + c->offset[i], p->fit.coeffs, p->fit.n * sizeof(double));
        c->offset[i + 1] = c->offset[i] + p->fit.n;
        if (!p->fit.resolved || p->fit.floored) c->resolved = 0;
    }
    c->breaks[B->count] = B->s->xb;
    ua_cheb_finish(c);
    *out = c;
    return UA_OK;
}

/* The largest scale of a piece whose absolute tolerance had to be raised to 2^-52 of that scale
 * (ua_cheb_fit_piece), 0 when none. */
static double floored_scale(const builder *B)
{
    double v = 0.0;
    for (size_t i = 0; i < B->count; i++)
        if (B->p[i].fit.floored && B->p[i].fit.vscale > v) v = B->p[i].fit.vscale;
    return v;
}

static void clear_pieces(builder *B)
{
    for (size_t i = 0; i < B->count; i++) free(B->p[i].fit.coeffs);
    B->count = 0;
}

/* Uniform pieces: for P = 1, 2, 4, ... fit the P equal pieces of [ta, tb] (sampling every
 * breakpoint: the target is meant to be smooth) until each is resolved with at most L
 * coefficients. A level that passes is refitted when the global scale grew while it was fitted,
 * so that every piece is chopped against the same, final, scale (the memo makes the refit free of
 * new evaluations). The last level allowed (2P would exceed max_pieces, or halving would leave
 * pieces too narrow to cut) is always fitted completely and kept, its pieces longer than L marked
 * unresolved; *ok tells whether every piece passed. */
static ua_status build_uniform(builder *B, size_t L, size_t max_pieces, size_t nmax, int *ok)
{
    const double ta = B->s->ta, tb = B->s->tb;
    *ok = 0;
    for (size_t P = 1;; P *= 2) {
        double h2 = (tb - ta) / (double)(2 * P);
        int last = 2 * P > max_pieces || !cut_ok(B, ta, ta + 2 * h2, ta + h2) ||
                   !cut_ok(B, tb - 2 * h2, tb, tb - h2);
        int all = 1;
        for (int pass = 0; pass < 8; pass++) {
            double v0 = B->vscale;
            clear_pieces(B);
            all = 1;
            for (size_t i = 0; i < P && (all || last); i++) {
                double lo = ua_cheb_uniform_break(ta, tb, P, i);
                double hi = ua_cheb_uniform_break(ta, tb, P, i + 1);
                ua_cheb_piece_fit f;
                ua_status st = ua_cheb_fit_piece(B->s, lo, hi, nmax, 0, 0, &B->tol, B->vscale, &f);
                if (st) return st;
                if (f.vscale > B->vscale) B->vscale = f.vscale;
                if (!f.resolved || f.n > L) {
                    all = 0;
                    f.resolved = 0;
                    /* the promise is at most L coefficients per piece, resolved or not: on the
                     * last level a longer piece is truncated to its first L (the best
                     * approximation of that length the series offers) */
                    if (f.n > L) f.n = L;
                }
                check_fail none = { 0 };
                st = push_piece(B, lo, hi, &f, &none);
                if (st) {
                    free(f.coeffs);
                    return st;
                }
            }
            if ((!all && !last) || B->vscale == v0) break;
        }
        if (all || last) /* the level passed the chop: each piece is checked off its grid */
            for (size_t i = 0; i < B->count; i++) {
                piece *q = &B->p[i];
                ua_cheb_scan sc = { 0 };
                ua_status st = check_fit(B, q->lo, q->hi, &q->fit, &sc, &q->fail);
                ua_cheb_scan_release(&sc);
                if (st) return st;
                if (!q->fit.resolved) all = 0;
                if (!all && !last) break; /* the next level it is */
            }
        if (all || last) {
            *ok = all;
            return UA_OK;
        }
    }
}

/* An absolute tolerance under 2^-52 of the function's scale: every piece was chopped at that
 * floor, which is the most double can deliver, and the fit is reported as not resolved. */
static ua_status floor_error(double tol, double vscale)
{
    return UA_ERR(UA_ENOTRESOLVED,
                  "the absolute tolerance %g is below double precision times the "
                  "function's scale (2^-52 * %.6g = %.3g) and cannot be met; the series is "
                  "chopped at that floor instead",
                  tol, vscale, 0x1p-52 * vscale);
}

static ua_status check_options(ua_fn1 f, double a, double b, const ua_cheb_options *o)
{
    if (!f) return UA_ERR(UA_EINVAL, "the function is NULL");
    if (!isfinite(a) || !isfinite(b))
        return UA_ERR(UA_EINVAL, "the domain [%g, %g] must be finite", a, b);
    if (!(a < b)) return UA_ERR(UA_EINVAL, "need a < b, got [%.17g, %.17g]", a, b);
    if (!(o->tol > 0.0) || !isfinite(o->tol))
        return UA_ERR(UA_EINVAL, "tol must be finite and > 0, got %g", o->tol);
    if (!o->abs_tol && o->tol < 0x1p-52)
        return UA_ERR(UA_EINVAL, "tol %g is below double precision, %.2g: a relative "
                      "tolerance that small cannot be met", o->tol, 0x1p-52);
    if (o->max_length < 17)
        return UA_ERR(UA_EINVAL, "max_length must be >= 17, got %zu", o->max_length);
    if (o->map != UA_MAP_NONE && o->map != UA_MAP_LOG)
        return UA_ERR(UA_EINVAL, "unknown map %d", (int)o->map);
    if (o->map == UA_MAP_LOG && !(a > 0.0))
        return UA_ERR(UA_EINVAL, "the log map needs 0 < a, got a = %.17g", a);
    if (o->map == UA_MAP_LOG && !(log(a) < log(b)))
        return UA_ERR(UA_EINVAL, "[%.17g, %.17g] too narrow for the log map", a, b);
    {
        /* The affine map of [ta, tb] onto [-1, 1] needs a width that is a normal double with a
         * finite reciprocal (eval computes s = ((t - lo) - (hi - t)) / (hi - lo)): a subnormal
         * domain such as [1e-320, 2e-320] has neither, and an overflowing one (-1e308:1e308) has
         * an infinite width. */
        double ta = o->map == UA_MAP_LOG ? log(a) : a, tb = o->map == UA_MAP_LOG ? log(b) : b;
        double w = tb - ta;
        if (!(w <= DBL_MAX) || !(w >= DBL_MIN) || !(1.0 / w <= DBL_MAX))
            return UA_ERR(UA_EINVAL, "domain [%.17g, %.17g]: the affine map to [-1, 1] "
                          "is not representable in double (width %.17g is %s)", a, b, w,
                          w >= DBL_MIN ? "too large" : "subnormal, narrower than what double "
                          "resolves");
    }
    if (o->split) {
        if (o->split_length < 17)
            return UA_ERR(UA_EINVAL, "split_length must be >= 17, got %zu",
                          o->split_length);
        if (o->max_pieces < 1) return UA_ERR(UA_EINVAL, "max_pieces must be >= 1");
    }
    if (o->uniform_length) {
        if (o->split)
            return UA_ERR(UA_EINVAL, "split and uniform_length exclude each other");
        if (o->uniform_length > o->max_length)
            return UA_ERR(UA_EINVAL, "uniform_length %zu exceeds max_length %zu",
                          o->uniform_length, o->max_length);
        if (o->max_pieces < 1) return UA_ERR(UA_EINVAL, "max_pieces must be >= 1");
    }
    return UA_OK;
}

/* For the not-resolved message: whether f is unbounded at e0 (in t), or, with e0 NaN, at the
 * largest |f| in [lo, hi], probing within [ta, tb]. Sets *sing and, when set, *e (the place),
 * *tpeak and *fpeak (the largest |f| seen and where). Returns UA_EDOMAIN (a non-finite sample,
 * naming x) or UA_ENOMEM; any other failure only leaves *sing 0. */
static ua_status find_singularity(ua_cheb_sampler *s, double ta, double tb, double lo, double hi,
                                  double e0, int *sing, double *e, double *tpeak, double *fpeak)
{
    int found = 0;
    double tp = 0.0, fp = 0.0;
    ua_status st = UA_OK;
    if (isnan(e0)) st = ua_cheb_locate_peak(s, lo, hi, &e0);
    if (!st) st = ua_cheb_probe_singularity(s, ta, tb, e0, &found, &tp, &fp);
    if (st == UA_EDOMAIN || st == UA_ENOMEM) return st;
    if (!st && found) {
        *sing = 1;
        *e = e0;
        *tpeak = tp;
        *fpeak = fp;
    }
    return UA_OK;
}

/* find_singularity for a piecewise result: at the largest |f| of the unresolved piece of
 * largest scale (where a pole would be), probed over the whole domain. */
static ua_status piece_singularity(builder *B, int *sing, double *e, double *tpeak, double *fpeak)
{
    size_t w = B->count;
    for (size_t i = 0; i < B->count; i++)
        if (!B->p[i].fit.resolved && (w == B->count || B->p[i].fit.vscale > B->p[w].fit.vscale))
            w = i;
    if (w == B->count) return UA_OK;
    return find_singularity(B->s, B->s->ta, B->s->tb, B->p[w].lo, B->p[w].hi, NAN, sing, e, tpeak,
                            fpeak);
}

/* The not-resolved message's tail naming a narrow feature: the unresolved piece whose failed
 * check (scan.c) was worst relative to its threshold; "" when no check failed. */
static void feature_note(char *buf, size_t size, const builder *B)
{
    const piece *w = NULL;
    for (size_t i = 0; i < B->count; i++) {
        const piece *q = &B->p[i];
        if (q->fit.resolved || !q->fail.failed) continue;
        if (!w || q->fail.err / q->fail.thr > w->fail.err / w->fail.thr) w = q;
    }
    if (!w) return;
    snprintf(buf, size, ": a narrow feature near x = %.6g is not resolved (|f - p| = %.3g there, "
             "above the allowed %.3g, at a point between the construction points)",
             ua_cheb_sampler_x(B->s, w->fail.t), w->fail.err, w->fail.thr);
}

/* The not-resolved message's tail naming a singularity (t: its place, tp, fp: the largest |f|
 * seen and where; [a, b] the domain). One located within 2^-24 (b - a) of an end is at that end
 * or just beyond it (tan(1.5707963 x) on [-1, 1]: poles at +-1.00000004): there is no "either
 * side" to fit on, only a domain that stops short of it. */
static const char *singularity_note(char *buf, size_t size, const ua_cheb_sampler *s, double t,
                                    double tp, double fp, double a, double b)
{
    double x = ua_cheb_sampler_x(s, t), near = 0x1p-24 * (b - a);
    if (fabs(x - a) <= near || fabs(x - b) <= near)
        snprintf(buf, size, ": the target appears to have a singularity at or just beyond the "
                 "end x = %.17g of the domain (|f| grows without bound there, %.3g at x = %.17g); "
                 "fit on a domain that stops short of it", fabs(x - a) <= near ? a : b, fp,
                 ua_cheb_sampler_x(s, tp));
    else
        snprintf(buf, size, ": the target appears to have a singularity near x = %.17g (|f| "
                 "grows without bound there, %.3g at x = %.17g); fit on either side of it", x, fp,
                 ua_cheb_sampler_x(s, tp));
    return buf;
}

enum { PROBE_N = 17 };

/* f / scale (scale a power of two: the division is exact), answering the first grid's points
 * from the values first_look already has, so that no point is evaluated twice. */
typedef struct {
    ua_fn1 f;
    void *ctx;
    double inv;
    double x[PROBE_N], y[PROBE_N];
} scaled_fn;

static double scaled_eval(double x, void *ctx)
{
    const scaled_fn *s = ctx;
    for (size_t j = 0; j < PROBE_N; j++)
        if (s->x[j] == x) return s->y[j] * s->inv;
    return s->f(x, s->ctx) * s->inv;
}

/* The first grid (17 Chebyshev points of [a, b], in t for the log map, placed as the
 * construction places them) evaluated once, before the construction: the scale of the values.
 * *have = 0 when a value is not finite (the construction then reports it, naming the point). */
static void first_look(const ua_cheb_options *o, double a, double b, scaled_fn *sf, int *have,
                       double *vmax)
{
    *have = 0;
    double ta = o->map == UA_MAP_LOG ? log(a) : a, tb = o->map == UA_MAP_LOG ? log(b) : b;
    ua_cheb_sampler s = {.map = o->map, .xa = a, .xb = b, .ta = ta, .tb = tb};
    double t[PROBE_N];
    ua_cheb_points_on(PROBE_N, ta, tb, t);
    double m = 0.0;
    for (size_t j = 0; j < PROBE_N; j++) {
        sf->x[j] = ua_cheb_sampler_x(&s, t[j]);
        sf->y[j] = sf->f(sf->x[j], sf->ctx);
        if (!isfinite(sf->y[j])) {
            for (size_t k = 0; k < PROBE_N; k++) sf->x[k] = NAN; /* answers nothing */
            return;
        }
        m = fmax(m, fabs(sf->y[j]));
    }
    *have = 1;
    *vmax = m;
}

ua_status ua_cheb_fit(ua_fn1 f, void *ctx, double a, double b, const ua_cheb_options *opt,
                      ua_cheb **out)
{
    return ua_cheb_fit_hp(f, ctx, NULL, a, b, opt, out);
}

ua_status ua_cheb_fit_hp(ua_fn1 f, void *ctx, const ua_cheb_hp *hp, double a, double b,
                         const ua_cheb_options *opt, ua_cheb **out)
{
    if (!out) return UA_ERR(UA_EINVAL, "out is NULL");
    *out = NULL;
    ua_cheb_options defaults;
    ua_cheb_options_default(&defaults);
    const ua_cheb_options *o = opt ? opt : &defaults;
    ua_status st = check_options(f, a, b, o);
    if (st) return st;
    int have = 0;
    double vmax = 0.0;
    scaled_fn sf = { .f = f, .ctx = ctx, .inv = 1.0 };
    first_look(o, a, b, &sf, &have, &vmax);
    double scale = 1.0;
    if (have && vmax > 0x1p960) scale = ldexp(1.0, ilogb(vmax)); /* exp on [700, 709.78] */
    sf.inv = 1.0 / scale;
    st = fit_core(scaled_eval, &sf, hp, a, b, o, out);
    if (*out && scale != 1.0) {
        char msg[1024];
        ua_last_error_message(msg, sizeof msg);
        ua_status ss = ua_cheb_set_factors(*out, scale, NULL);
        if (ss) {
            ua_cheb_free(*out);
            *out = NULL;
            return ss;
        }
        if (st) return UA_ERR(st, "%s (in units of f / %a)", msg, scale);
    }
    return st;
}

static ua_status fit_core(ua_fn1 f, void *ctx, const ua_cheb_hp *hp, double a, double b,
                          const ua_cheb_options *o, ua_cheb **out)
{
    ua_status st;

    ua_cheb_sampler s = {.f = f, .ctx = ctx, .map = o->map, .xa = a, .xb = b, .ta = a, .tb = b};
    if (o->map == UA_MAP_LOG) {
        s.ta = log(a);
        s.tb = log(b);
    }
    builder B = {.s = &s, .tol = {o->tol, o->abs_tol}, .max_pieces = o->max_pieces,
                 .hscale = fmax(fabs(s.ta), fabs(s.tb)), .intervals = 1};
    B.end_check = o->split;
    B.hp = hp;
    B.split_length = o->split ? (o->split_length < o->max_length ? o->split_length : o->max_length)
                              : o->max_length;
    if (o->split) {
        /* the piecewise search revisits points (edge detection, merging): memoise f */
        st = ua_cheb_sampler_memo(&s, 4 * B.split_length);
        if (st) return st;
    } else if (!o->uniform_length) {
        /* a refit after a failed check starts on a larger grid that holds the old one: the
         * memo keeps every sample evaluated once (a small table, grown as needed) */
        st = ua_cheb_sampler_memo(&s, 64);
        if (st) return st;
    }
    if (o->uniform_length) {
        size_t L = o->uniform_length, nmax = 17;
        while (nmax < 2 * L + 1) nmax = 2 * nmax - 1; /* a grid on which a plateau after L shows */
        if (nmax > o->max_length) nmax = o->max_length < 17 ? 17 : o->max_length;
        B.split_length = L;
        st = ua_cheb_sampler_memo(&s, 4 * nmax);
        int ok = 0;
        if (!st) st = build_uniform(&B, L, o->max_pieces, nmax, &ok);
        if (!st) st = assemble(&B, o->map, out);
        if (!st) st = ua_cheb_make_uniform(*out, 0);
        int sing = 0;
        double sing_e = 0.0, sing_t = 0.0, sing_f = 0.0;
        char note[256] = "";
        if (!st && !ok) st = piece_singularity(&B, &sing, &sing_e, &sing_t, &sing_f);
        if (!st && sing) singularity_note(note, sizeof note, &s, sing_e, sing_t, sing_f, a, b);
        char feat[320] = "";
        if (!st && !ok && !sing) feature_note(feat, sizeof feat, &B);
        double fl = floored_scale(&B);
        for (size_t i = 0; i < B.count; i++) free(B.p[i].fit.coeffs);
        free(B.p);
        ua_cheb_sampler_release(&s);
        if (st) {
            ua_cheb_free(*out);
            *out = NULL;
            return st;
        }
        if (ok && fl > 0.0)
            return floor_error(o->tol, fl);
        if (!ok)
            return UA_ERR(UA_ENOTRESOLVED,
                          "%zu uniform pieces do not all resolve to tol %g within %zu "
                          "coefficients (max_pieces %zu)%s%s",
                          (*out)->npieces, o->tol, L, o->max_pieces, note, feat);
        return UA_OK;
    }
    ua_cheb_piece_fit whole;
    check_fail wf;
    st = fit_interval(&B, s.ta, s.tb, !o->split, &whole, &wf);
    if (!st) {
        if (o->split) {
            st = build(&B, s.ta, s.tb, &whole, &wf, 1, 1);
            free(whole.coeffs);
            if (!st) st = merge(&B);
        } else {
            st = push_piece(&B, s.ta, s.tb, &whole, &wf);
            if (st) free(whole.coeffs);
        }
    }
    if (!st) st = assemble(&B, o->map, out);
    double fl = floored_scale(&B);
    int unresolved = 0, sing = 0;
    double sing_e = 0.0, sing_t = 0.0, sing_f = 0.0;
    for (size_t i = 0; i < B.count; i++) unresolved |= !B.p[i].fit.resolved;
    if (!st && unresolved && !o->split) {
        /* A single piece that does not resolve may have a pole inside: look for it as the
         * piecewise construction does (the edge detector zooms in on where the divided
         * differences blow up and, at a pole, ends up sampling an infinite value, which is
         * UA_EDOMAIN naming the point). Any other outcome leaves the not-resolved result. */
        int found = 0;
        double e = 0.0;
        ua_status se = ua_cheb_detect_edge(&s, s.ta, s.tb, B.vscale, B.hscale, &found, &e);
        if (se == UA_EDOMAIN || se == UA_ENOMEM) st = se;
        /* a target that is finite at every double but unbounded (tan(x) at pi/2) is named as
         * a singularity in the not-resolved message: probe the edge, or else the largest |f| */
        if (!st && !se && found) st = find_singularity(&s, s.ta, s.tb, s.ta, s.tb, e, &sing,
                                                       &sing_e, &sing_t, &sing_f);
        if (!st && !se && !sing) st = find_singularity(&s, s.ta, s.tb, s.ta, s.tb, NAN, &sing,
                                                       &sing_e, &sing_t, &sing_f);
    } else if (!st && unresolved) {
        st = piece_singularity(&B, &sing, &sing_e, &sing_t, &sing_f);
    }
    if (st && *out) {
        ua_cheb_free(*out);
        *out = NULL;
    }
    char feat[320] = "";
    if (!st && unresolved && !sing) feature_note(feat, sizeof feat, &B);
    for (size_t i = 0; i < B.count; i++) free(B.p[i].fit.coeffs);
    free(B.p);
    ua_cheb_sampler_release(&s);
    if (st) return st;
    if ((*out)->resolved == 0 && !unresolved && fl > 0.0) return floor_error(o->tol, fl);
    char note[256] = "";
    if (sing) singularity_note(note, sizeof note, &s, sing_e, sing_t, sing_f, a, b);
    if (!(*out)->resolved)
        return UA_ERR(UA_ENOTRESOLVED,
                      "not resolved to tol %g within %zu coefficients%s%s%s", o->tol,
                      B.split_length, o->split ? " per piece and the piece limit" : "", note,
                      feat);
    return UA_OK;
}

/* ---- pointwise relative accuracy (--rel-tol; docs/cheb.md, "Relative accuracy") ------------- */

/* A zero of f in [xl, xr] where f(xl) and f(xr) have opposite signs (or one is 0): the simplest
 * double of the bracket when f vanishes there exactly (erf and sin at 0), else bisection down to
 * adjacent doubles and the one of smaller |f|. */
static ua_status bracket_zero(ua_fn1 f, void *ctx, double xl, double yl, double xr, double yr,
                              double *root)
{
    if (yl == 0.0) { *root = xl; return UA_OK; }
    if (yr == 0.0) { *root = xr; return UA_OK; }
    for (int it = 0; it < 2200; it++) {
        double z = ua_probe_simplest_in(xl, xr);
        if (it % 8 && z > xl && z < xr) z = xl + (xr - xl) / 2; /* mostly bisection */
        if (!(z > xl && z < xr)) z = xl + (xr - xl) / 2;
        if (!(z > xl && z < xr)) break; /* adjacent doubles */
        double y = f(z, ctx);
        if (!isfinite(y))
            return UA_ERR(UA_EDOMAIN, "target is %s at x = %.17g", isnan(y) ? "NaN" : "infinite", z);
        if (y == 0.0) { *root = z; return UA_OK; }
        if ((y < 0.0) == (yl < 0.0)) { xl = z; yl = y; }
        else { xr = z; yr = y; }
    }
    *root = fabs(yl) <= fabs(yr) ? xl : xr;
    return UA_OK;
}

enum { REL_SCAN = 4096 };

/* The zeros of f on [a, b] found by sign changes and exact zeros on REL_SCAN + 1 equal steps
 * (a double zero, where f touches 0 without changing sign, is not found), at most cap of them,
 * increasing. With hint (a series of f to its scale's accuracy) the steps are the hint's values
 * (no evaluation of f: sampling in MPFR, erfc costs 635 us a point) and each sign change of the
 * hint is confirmed by f at its bracket's ends before the bisection; an exact zero of f is then
 * one the bisection meets (erf at 0: the simplest double of the bracket is tried first). */
static ua_status find_zeros(ua_fn1 f, void *ctx, const ua_cheb *hint, double a, double b,
                            double *z, size_t cap, size_t *nz)
{
    *nz = 0;
    double xp = a, yp = hint ? ua_cheb_eval(hint, a) : f(a, ctx);
    if (!isfinite(yp)) return UA_ERR(UA_EDOMAIN, "target is not finite at x = %.17g", a);
    if (hint) { /* the ends exactly (erf on [0, 4]: a root end the hint may not show) */
        double fa = f(a, ctx);
        if (!isfinite(fa)) return UA_ERR(UA_EDOMAIN, "target is not finite at x = %.17g", a);
        if (fa == 0.0) z[(*nz)++] = a;
    } else if (yp == 0.0) {
        z[(*nz)++] = a;
    }
    for (size_t k = 1; k <= REL_SCAN; k++) {
        double x = k == REL_SCAN ? b : a + (b - a) * ((double)k / REL_SCAN);
        double y = hint ? ua_cheb_eval(hint, x) : f(x, ctx);
        if (!isfinite(y))
            return UA_ERR(UA_EDOMAIN, "target is %s at x = %.17g", isnan(y) ? "NaN" : "infinite", x);
        double r = NAN;
        if (!hint && y == 0.0) r = x;
        else if (hint && (y == 0.0 || (yp != 0.0 && (y < 0.0) != (yp < 0.0)))) {
            double fl = f(xp, ctx), fr = f(x, ctx);
            if (!isfinite(fl) || !isfinite(fr))
                return UA_ERR(UA_EDOMAIN, "target is not finite at x = %.17g",
                              isfinite(fl) ? x : xp);
            if (fl == 0.0) r = xp;
            else if (fr == 0.0) r = x;
            else if ((fl < 0.0) != (fr < 0.0)) {
                ua_status st = bracket_zero(f, ctx, xp, fl, x, fr, &r);
                if (st) return st;
            }
        } else if (!hint && yp != 0.0 && (y < 0.0) != (yp < 0.0)) {
            ua_status st = bracket_zero(f, ctx, xp, yp, x, y, &r);
            if (st) return st;
        }
        if (r == r && (*nz == 0 || r > z[*nz - 1])) {
            if (*nz == cap)
                return UA_ERR(UA_ENOTRESOLVED, "more than %zu sign changes: --rel-tol needs "
                              "the zeros of f resolved (the scan has %d steps)", cap, REL_SCAN);
            z[(*nz)++] = r;
        }
        xp = x;
        yp = y;
    }
    if (hint && (*nz == 0 || z[*nz - 1] < b)) {
        double fb = f(b, ctx);
        if (!isfinite(fb)) return UA_ERR(UA_EDOMAIN, "target is not finite at x = %.17g", b);
        if (fb == 0.0) {
            if (*nz == cap)
                return UA_ERR(UA_ENOTRESOLVED, "more than %zu sign changes: --rel-tol needs "
                              "the zeros of f resolved (the scan has %d steps)", cap, REL_SCAN);
            z[(*nz)++] = b;
        }
    }
    return UA_OK;
}

/* g(x) = f(x) / ((x - r) - rlo): f with its simple zero at an end of the piece divided out. */
typedef struct {
    ua_fn1 f;
    void *ctx;
    double r, rlo; /* r NaN: g = f */
} divided_fn;

static double divided_eval(double x, void *ctx)
{
    const divided_fn *d = ctx;
    double y = d->f(x, d->ctx);
    if (d->r == d->r) y /= (x - d->r) - d->rlo;
    return y;
}

/* A piece of the relative fit: [lo, hi], its root end r (NaN: none) and the rest of the root
 * rlo, and its series. */
typedef struct {
    double lo, hi, r, rlo;
    ua_cheb_piece_fit fit;
} rel_piece;

/* Fits g = f / ((x - r) - rlo) (f itself without a root) on one piece of [a, b] to the absolute
 * tolerance rel_tol min |g|, min |g| from g at 33 Chebyshev points of the piece (its ends only
 * where they are no root; the fit reuses these values). Computes rlo first. *vanishes: min |g|
 * is 0 (a zero that is not simple); *wide: max |g| over those points exceeds min |g| rel_tol /
 * eps, so that the tolerance is below the rounding of the largest value: the piece is to be
 * halved, and is not fitted. */
static ua_status fit_rel_piece(ua_fn1 f, void *ctx, ua_fn1 ref, void *refctx, double rel_tol,
                               const ua_cheb_options *o, double span, rel_piece *pc,
                               int *vanishes, int *wide)
{
    const double lo = pc->lo, hi = pc->hi, r = pc->r;
    double rlo = 0.0;
    *vanishes = *wide = 0;
    memset(&pc->fit, 0, sizeof pc->fit);
    if (r == r) {
        /* the rest of the root beyond the double r: -f(r) / f'(r) from the best values of f
         * (the reference when there is one). f'(r) by the one-sided difference of second order
         * inside the piece: rlo must be right to a few digits of its own size, since the series'
         * points come within ~(hi - lo) / n^2 of r (a first-order quotient with a step of 2^-20
         * of the piece left exp(2/x) cos(1/x) at 3e-5 relative there). Near a zero the values
         * f(r + h) ~ f'(r) h keep their relative accuracy however small h is: a small step
         * (2^-36 of the piece, at least 2^10 ulps of r) leaves the truncation h^2 f''' / 3 far
         * below the rounding. */
        ua_fn1 g1 = ref ? ref : f;
        void *c1 = ref ? refctx : ctx;
        double fr = g1(r, c1);
        double ur = nextafter(fabs(r), INFINITY) - fabs(r);
        double h = fmax(0x1p-36 * (hi - lo), 0x1p10 * ur);
        if (r != lo) h = -h;
        /* the nodes as rounded (r + h is not exact), their distances from r exact (Sterbenz) */
        double d1 = (r + h) - r, d2 = (r + 2.0 * h) - r;
        double d = -(1.0 / d1 + 1.0 / d2) * fr + d2 / (d1 * (d2 - d1)) * g1(r + d1, c1) -
                   d1 / (d2 * (d2 - d1)) * g1(r + d2, c1);
        if (isfinite(fr) && isfinite(d) && d != 0.0) rlo = -fr / d;
        if (!(fabs(rlo) <= 0x1p-50 * fabs(r) + 0x1p-1000)) rlo = 0.0;
    }
    pc->rlo = rlo;
    divided_fn g = { f, ctx, r, rlo };
    ua_cheb_sampler s = {.f = divided_eval, .ctx = &g, .map = UA_MAP_NONE, .xa = lo, .xb = hi,
                         .ta = lo, .tb = hi};
    ua_status st = ua_cheb_sampler_memo(&s, 64);
    if (st) return st;
    enum { NG = 33 };
    double t[NG], gmin = INFINITY, gmax = 0.0;
    ua_cheb_points_on(NG, lo, hi, t);
    for (size_t j = 0; j < NG && !st; j++) {
        if ((j == 0 && r == lo) || (j == NG - 1 && r == hi)) continue; /* 0 / 0 there */
        double y;
        st = ua_cheb_sample(&s, t[j], &y);
        gmin = fmin(gmin, fabs(y));
        gmax = fmax(gmax, fabs(y));
    }
    if (!st && !(gmin > 0.0)) *vanishes = 1;
    else if (!st && gmax * 0x1p-52 > rel_tol * gmin) *wide = 1;
    builder B = {.s = &s, .split_length = o->max_length, .max_pieces = 1,
                 .hscale = fmax(fabs(lo), fabs(hi)), .intervals = 1, .span = span,
                 .ext_a = r == lo, .ext_b = r == hi};
    /* one fit at rel_tol min |g|; again once if the series' own minimum (257 points) is well
     * below the samples' */
    for (int pass = 0; pass < 2 && !st && !*vanishes && !*wide; pass++) {
        B.tol.tol = rel_tol * gmin;
        B.tol.abs_tol = 1;
        ua_cheb_piece_fit pf;
        check_fail cf;
        st = fit_interval(&B, lo, hi, 1, &pf, &cf);
        if (st) break;
        free(pc->fit.coeffs);
        pc->fit = pf;
        double pts[257], m = INFINITY;
        ua_cheb_points(257, pts);
        for (size_t j = 0; j < 257; j++)
            m = fmin(m, fabs(ua_cheb_clenshaw(pf.coeffs, pf.n, pts[j])));
        if (!(m < 0.5 * gmin)) break;
        if (!(m > 0.0)) {
            *vanishes = 1;
            pc->fit.resolved = 0;
            break;
        }
        gmin = m;
    }
    ua_cheb_sampler_release(&s);
    if (st) {
        free(pc->fit.coeffs);
        pc->fit.coeffs = NULL;
    }
    return st;
}

ua_status ua_cheb_fit_rel(ua_fn1 f, void *ctx, ua_fn1 ref, void *refctx, const ua_cheb *hint,
                          double a, double b, double rel_tol, const ua_cheb_options *o,
                          ua_cheb **out)
{
    *out = NULL;
    if (!(rel_tol >= 0x1p-52 && rel_tol < 1.0))
        return UA_ERR(UA_EINVAL, "rel_tol %g must be in [2^-52, 1)", rel_tol);
    if (o->map != UA_MAP_NONE || o->uniform_length)
        return UA_ERR(UA_EINVAL, "--rel-tol works in x (no --map log, no --uniform-length)");
    ua_status st = check_options(f, a, b, o);
    if (st) return st;
    enum { ZCAP = 256 };
    double z[ZCAP];
    size_t nz = 0;
    st = find_zeros(f, ctx, hint, a, b, z, ZCAP, &nz);
    if (st) return st;
    /* breakpoints: the ends, the zeros, and a midpoint between two zeros (a piece has at most
     * one root end); per piece the root (NaN: none) */
    size_t cap = 2 * nz + 2;
    double *br = ua_calloc(cap + 1, sizeof *br), *rt = ua_calloc(2 * cap, sizeof *rt);
    if (!br || !rt) {
        free(br);
        free(rt);
        return UA_ENOMEM_ERR((3 * cap + 1) * sizeof *br);
    }
    size_t P = 0;
    double at = a;
    int root_at_lo = nz && z[0] == a;
    for (size_t k = root_at_lo ? 1 : 0; k <= nz; k++) {
        double next = k < nz ? z[k] : b;
        if (!(next > at)) continue;
        int lo_root = (k > 0 && z[k - 1] == at) || (root_at_lo && at == a);
        int hi_root = k < nz;
        if (lo_root && hi_root) { /* two root ends: cut between them */
            double mid = at + (next - at) / 2;
            br[P] = at;
            rt[2 * P] = at;
            P++;
            at = mid;
            lo_root = 0;
        }
        br[P] = at;
        rt[2 * P] = lo_root ? at : hi_root ? next : NAN;
        P++;
        at = next;
    }
    br[P] = b;
    /* the pieces to fit, a stack (the last is fitted next); a piece whose values span more than
     * rel_tol / eps (its absolute tolerance rel_tol min |g| is below the rounding eps max |g|:
     * exp(2/x) cos(1/x) / (x - r) from 2.7e5 to 370) or that does not resolve is halved, the root
     * going with the half that has it, up to max_pieces */
    size_t cap_q = P + 64, nq = 0, nd = 0, cap_d = P + 16;
    rel_piece *q = ua_calloc(cap_q, sizeof *q), *done = ua_calloc(cap_d, sizeof *done);
    if (!q || !done) {
        free(q);
        free(done);
        free(br);
        free(rt);
        return UA_ENOMEM_ERR((cap_q + cap_d) * sizeof *q);
    }
    for (size_t i = P; i-- > 0;) q[nq++] = (rel_piece){ br[i], br[i + 1], rt[2 * i], 0.0, { 0 } };
    free(br);
    free(rt);
    int resolved = 1;
    char why[256] = "";
    while (nq > 0 && !st) {
        rel_piece pc = q[--nq];
        int vanishes = 0, wide = 0;
        st = fit_rel_piece(f, ctx, ref, refctx, rel_tol, o, b - a, &pc, &vanishes, &wide);
        if (st) break;
        int ok = pc.fit.resolved && !pc.fit.floored && !wide;
        double mid = pc.lo + (pc.hi - pc.lo) / 2;
        if (!ok && !vanishes && nd + nq + 2 <= o->max_pieces && mid > pc.lo && mid < pc.hi &&
            pc.hi - pc.lo > 64.0 * DBL_EPSILON * fmax(fabs(pc.lo), fabs(pc.hi))) {
            free(pc.fit.coeffs);
            if (nq + 2 > cap_q) {
                rel_piece *g = realloc(q, 2 * cap_q * sizeof *q);
                if (!g) {
                    st = UA_ENOMEM_ERR(2 * cap_q * sizeof *q);
                    break;
                }
                q = g;
                cap_q *= 2;
            }
            q[nq++] = (rel_piece){ mid, pc.hi, pc.r == pc.hi ? pc.r : NAN, 0.0, { 0 } };
            q[nq++] = (rel_piece){ pc.lo, mid, pc.r == pc.lo ? pc.r : NAN, 0.0, { 0 } };
            continue;
        }
        if (!ok) {
            resolved = 0;
            if (!why[0] && vanishes)
                snprintf(why, sizeof why, ": f / (x - r) vanishes on [%.17g, %.17g] (a zero "
                         "that is not simple, or one the scan missed)", pc.lo, pc.hi);
            else if (!why[0])
                snprintf(why, sizeof why, ": the piece [%.17g, %.17g] is not resolved within "
                         "%zu coefficients and %zu pieces%s", pc.lo, pc.hi, o->max_length,
                         o->max_pieces, pc.fit.floored || wide ? " (its values span more "
                         "than the relative tolerance over double precision)" : "");
        }
        if (nd == cap_d) {
            rel_piece *g = realloc(done, 2 * cap_d * sizeof *done);
            if (!g) {
                free(pc.fit.coeffs);
                st = UA_ENOMEM_ERR(2 * cap_d * sizeof *done);
                break;
            }
            done = g;
            cap_d *= 2;
        }
        done[nd++] = pc;
    }
    for (size_t i = 0; i < nq; i++) free(q[i].fit.coeffs);
    free(q);
    P = nd;
    double *rt2 = ua_calloc(2 * (P ? P : 1), sizeof *rt2);
    if (!st && !rt2) st = UA_ENOMEM_ERR(2 * P * sizeof *rt2);
    ua_cheb *c = NULL;
    if (!st) {
        size_t total = 0;
        for (size_t i = 0; i < P; i++) total += done[i].fit.n;
        c = ua_cheb_alloc(P, total);
        if (!c) st = UA_ENOMEM_ERR(total * sizeof(double));
    }
    if (!st) {
        c->map = UA_MAP_NONE;
        c->resolved = resolved;
        int any = 0;
        for (size_t i = 0; i < P; i++) {
            c->breaks[i] = done[i].lo;
            memcpy(c->coeffs + c->offset[i], done[i].fit.coeffs, done[i].fit.n * sizeof(double));
            c->offset[i + 1] = c->offset[i] + done[i].fit.n;
            rt2[2 * i] = done[i].r;
            rt2[2 * i + 1] = done[i].rlo;
            any |= done[i].r == done[i].r;
        }
        c->breaks[P] = b;
        ua_cheb_finish(c);
        st = ua_cheb_set_factors(c, 1.0, any ? rt2 : NULL);
    }
    for (size_t i = 0; i < P; i++) free(done[i].fit.coeffs);
    free(done);
    free(rt2);
    if (st) {
        ua_cheb_free(c);
        return st;
    }
    *out = c;
    if (!resolved)
        return UA_ERR(UA_ENOTRESOLVED, "not resolved to the relative tolerance %g%s", rel_tol,
                      why);
    return UA_OK;
}
