/*
 * Removable singularities of a FORMULA problem (--fill-removable): where the formula is NaN at a
 * point (0/0, 0*inf, inf-inf), the value used there is the limit of f(x + s h v) as h -> 0 from
 * every side s = +-1 along each direction v, evaluated in MPFR at points that are no doubles
 * (h down to 2^-116 of the box's width, at 320+ bits so that x + h is exact and the cancellation
 * of 0/0 costs no accuracy). The limit is accepted only when every side converges and all sides
 * agree to UA_FILL_TOL relative; a jump (the sides differ), a pole (|f| grows without bound) or a
 * NaN on one side inside the box is refused, and the point stays NaN (the caller's error names
 * it, with the reason from ua_problem_limit).
 *
 * The problem's target gets a fill hook (ua_target_set_fill), so that every evaluation of it
 * uses the same limit: the double and MPFR sampling of the families, and the MPFR reference of
 * the measurement (ua_model_measure reads ua_problem_target). Limits are cached per point, behind
 * a mutex: the measurement evaluates from OpenMP threads.
 */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "internal.h"
#include "target/internal.h"

/* The steps: h_k = 2^-(FIRST + STEP k) times the box's width along each variable, k < STEPS. */
#define FILL_FIRST 8
#define FILL_STEP 12
#define FILL_STEPS 10
/* every side must converge, and all sides agree, to this relative to the largest |value| seen
 * at the first or the last step: below half an ulp of double (2^-53), so the limit rounds to the
 * right double */
#define UA_FILL_TOL 0x1p-60
/* ua_problem_fill_text lists at most this many points, and summarises more */
#define UA_FILL_LIST 4

typedef struct {
    double *x;      /* (d,) */
    int ok;         /* 1: filled with the limit value; 0: refused (why) */
    mpfr_t value;   /* the limit, at the precision it was computed at */
    double agree;   /* how closely the sides agree (absolute) at the smallest step */
    int sides;      /* how many sides took part */
    char why[256];
} fill_entry;

struct ua_fill {
    pthread_mutex_t mu;
    fill_entry *e;
    size_t n, cap;
};

/* ---- the limit ------------------------------------------------------------------------------ */

typedef struct {
    mpfr_t last, prev; /* the values at the smallest two steps */
    mpfr_t first;      /* at the largest step */
    int usable;        /* finite at every step */
    int inside;        /* the side stays in the box */
    int all_nan;       /* NaN at every step */
} side_values;

/* The values of one side s along v (d,) into sv, at precision prec. */
static void walk_side(const ua_problem *p, const double *x, const double *v, int s,
                      mpfr_prec_t prec, side_values *sv)
{
    size_t d = p->d;
    mpfr_t xs[UA_PROBLEM_MAX_DIM], y, h;
    mpfr_srcptr xp[UA_PROBLEM_MAX_DIM];
    for (size_t j = 0; j < d; j++) {
        mpfr_init2(xs[j], prec);
        xp[j] = xs[j];
    }
    mpfr_inits2(prec, y, h, (mpfr_ptr)0);
    sv->usable = 1;
    sv->all_nan = 1;
    sv->inside = 1;
    for (int k = 0; k < FILL_STEPS; k++) {
        int ex = -(FILL_FIRST + FILL_STEP * k);
        for (size_t j = 0; j < d; j++) {
            /* x_j + s 2^ex v_j: exact at this precision */
            mpfr_set_d(h, v[j], MPFR_RNDN);
            mpfr_mul_2si(h, h, ex, MPFR_RNDN);
            if (s < 0) mpfr_neg(h, h, MPFR_RNDN);
            mpfr_add_d(xs[j], h, x[j], MPFR_RNDN);
            if (k == FILL_STEPS - 1 &&
                (mpfr_cmp_d(xs[j], p->lo[j]) < 0 || mpfr_cmp_d(xs[j], p->hi[j]) > 0))
                sv->inside = 0;
        }
        ua_target_eval_mpfr_at(p->target, xp, y);
        if (!mpfr_number_p(y)) sv->usable = 0;
        if (!mpfr_nan_p(y)) sv->all_nan = 0;
        if (k == 0) mpfr_set(sv->first, y, MPFR_RNDN);
        if (k == FILL_STEPS - 2) mpfr_set(sv->prev, y, MPFR_RNDN);
        if (k == FILL_STEPS - 1) mpfr_set(sv->last, y, MPFR_RNDN);
    }
    for (size_t j = 0; j < d; j++) mpfr_clear(xs[j]);
    mpfr_clears(y, h, (mpfr_ptr)0);
}

/* The working precision: x + h exact for the smallest h, with room for the cancellation of 0/0
 * (which costs about as many bits as h is small) and a double's worth of bits left over. */
static mpfr_prec_t limit_prec(const ua_problem *p, const double *x)
{
    double r = 1;
    for (size_t j = 0; j < p->d; j++) {
        double q = fabs(x[j]) / (p->hi[j] - p->lo[j]);
        if (q > r) r = q;
    }
    int e;
    frexp(r, &e);
    long prec = 2L * (FILL_FIRST + FILL_STEP * (FILL_STEPS - 1)) + 64 + e;
    if (prec < 320) prec = 320;
    if (prec > 4096) prec = 4096;
    return (mpfr_prec_t)prec;
}

/* Computes the limit at x into e (e->x already set): e->ok, e->value (initialised here), e->agree,
 * e->sides, e->why. */
static void compute_limit(const ua_problem *p, fill_entry *e)
{
    const double *x = e->x;
    size_t d = p->d;
    mpfr_prec_t prec = limit_prec(p, x);
    mpfr_init2(e->value, prec);
    mpfr_set_nan(e->value);
    e->ok = 0;
    e->agree = NAN;
    e->sides = 0;
    if (p->target->builtin) {
        snprintf(e->why, sizeof e->why, "a built-in target is evaluated at doubles only, so no "
                 "limit can be taken");
        return;
    }
    /* directions, scaled by the box: the diagonal, and in d >= 2 each axis too (a limit that
     * depends on the direction, such as x*y/(x^2+y^2) at 0, is then caught) */
    size_t ndir = d == 1 ? 1 : d + 1;
    size_t nsides = 2 * ndir;
    side_values *sv = ua_calloc(nsides, sizeof *sv);
    double *v = ua_calloc(d, sizeof *v);
    if (!sv || !v) {
        free(sv);
        free(v);
        snprintf(e->why, sizeof e->why, "out of memory");
        return;
    }
    for (size_t i = 0; i < nsides; i++) mpfr_inits2(prec, sv[i].last, sv[i].prev, sv[i].first,
                                                   (mpfr_ptr)0);
    for (size_t dir = 0; dir < ndir; dir++) {
        for (size_t j = 0; j < d; j++)
            v[j] = dir == 0 || dir - 1 == j ? p->hi[j] - p->lo[j] : 0.0;
        walk_side(p, x, v, +1, prec, &sv[2 * dir]);
        walk_side(p, x, v, -1, prec, &sv[2 * dir + 1]);
    }
    /* which sides count: a side that leaves the box counts only where it is finite; in d >= 2 a
     * direction NaN on both sides runs along the singular set (sin(x)/x*y along y at x = 0) */
    int used[2 * (UA_PROBLEM_MAX_DIM + 1)];
    size_t nused = 0;
    const char *bad = NULL;
    int bad_side = 0;
    for (size_t i = 0; i < nsides; i++) {
        used[i] = 0;
        side_values *a = &sv[i], *b = &sv[i ^ 1];
        if (d > 1 && a->all_nan && b->all_nan) continue;
        if (!a->inside && !a->usable) continue;
        if (!a->usable) {
            if (!bad) {
                bad = "is not finite on one side of the point, inside the box";
                bad_side = (int)i;
            }
            continue;
        }
        used[i] = 1;
        nused++;
    }
    mpfr_t diff, scale, sum;
    mpfr_inits2(prec, diff, scale, sum, (mpfr_ptr)0);
    mpfr_set_zero(scale, 1);
    /* the scale of f near the point: the largest |value| at the first and the last step (a
     * limit of 0, as x^2/sinh(x^2) + y at (0, -1), has sides of size O(h) at the last step: their
     * difference is measured against the size of f around the point, not against O(h)) */
    for (size_t i = 0; i < nsides; i++) {
        if (!used[i]) continue;
        mpfr_abs(diff, sv[i].last, MPFR_RNDN);
        if (mpfr_cmp(diff, scale) > 0) mpfr_set(scale, diff, MPFR_RNDN);
        mpfr_abs(diff, sv[i].first, MPFR_RNDN);
        if (mpfr_cmp(diff, scale) > 0) mpfr_set(scale, diff, MPFR_RNDN);
    }
    char a[32], b[32];
    if (bad) {
        if (d == 1)
            snprintf(e->why, sizeof e->why, "the formula %s (at %s %s h)", bad, p->vars[0],
                     bad_side % 2 ? "-" : "+");
        else
            snprintf(e->why, sizeof e->why, "the formula %s (the %s side along %s)", bad,
                     bad_side % 2 ? "-" : "+", bad_side / 2 == 0 ? "the diagonal"
                     : p->vars[bad_side / 2 - 1]);
    } else if (nused == 0) {
        snprintf(e->why, sizeof e->why, "the formula is not finite on any side of the point");
    } else {
        /* convergence: every side's last two values agree; a side whose |f| grew more than
         * 2^24-fold over the steps has a pole (or a logarithm) there */
        int grows = 0, converged = 1;
        double worst = 0;
        for (size_t i = 0; i < nsides; i++) {
            if (!used[i]) continue;
            mpfr_sub(diff, sv[i].last, sv[i].prev, MPFR_RNDN);
            mpfr_abs(diff, diff, MPFR_RNDN);
            mpfr_mul_2si(sum, scale, -60, MPFR_RNDN); /* UA_FILL_TOL * scale */
            if (mpfr_cmp(diff, sum) > 0) converged = 0;
            mpfr_abs(sum, sv[i].first, MPFR_RNDN);
            mpfr_mul_2si(sum, sum, 24, MPFR_RNDN);
            mpfr_abs(diff, sv[i].last, MPFR_RNDN);
            if (mpfr_cmp(diff, sum) > 0) grows = 1;
        }
        /* agreement: the largest difference between two sides at the smallest step */
        int first = -1;
        for (size_t i = 0; i < nsides; i++) {
            if (!used[i]) continue;
            if (first < 0) first = (int)i;
            for (size_t k = i + 1; k < nsides; k++) {
                if (!used[k]) continue;
                mpfr_sub(diff, sv[i].last, sv[k].last, MPFR_RNDN);
                double dd = fabs(mpfr_get_d(diff, MPFR_RNDU));
                if (dd > worst) worst = dd;
            }
        }
        if (nused == 1) {
            mpfr_sub(diff, sv[first].last, sv[first].prev, MPFR_RNDN);
            worst = fabs(mpfr_get_d(diff, MPFR_RNDU));
        }
        double sc = mpfr_get_d(scale, MPFR_RNDN);
        double hmin = ldexp(1.0, -(FILL_FIRST + FILL_STEP * (FILL_STEPS - 1)));
        if (grows) {
            snprintf(e->why, sizeof e->why, "|f| grows without bound towards the point (%s at "
                     "%s of the box's width from it): a pole, not a removable singularity",
                     ua_fmt_double(a, sc), ua_fmt_double(b, hmin));
        } else if (nused > 1 && !(worst <= UA_FILL_TOL * sc)) {
            /* the two values that differ most, for the message */
            double lo = INFINITY, hi = -INFINITY;
            for (size_t i = 0; i < nsides; i++) {
                if (!used[i]) continue;
                double t = mpfr_get_d(sv[i].last, MPFR_RNDN);
                if (t < lo) lo = t;
                if (t > hi) hi = t;
            }
            snprintf(e->why, sizeof e->why, "the limits from the %s differ (%.6g and %.6g): a "
                     "jump, not a removable singularity", nused == 2 ? "two sides" : "sides",
                     lo, hi);
        } else if (!converged) {
            snprintf(e->why, sizeof e->why, "the values do not settle as the point is approached "
                     "(they still change by %.2g relative at %s of the box's width)",
                     sc > 0 ? worst / sc : worst, ua_fmt_double(b, hmin));
        } else {
            /* the limit: the mean of the sides (for two opposite sides of a smooth function
             * the first-order terms cancel) */
            mpfr_set_zero(sum, 1);
            for (size_t i = 0; i < nsides; i++)
                if (used[i]) mpfr_add(sum, sum, sv[i].last, MPFR_RNDN);
            mpfr_div_ui(e->value, sum, (unsigned long)nused, MPFR_RNDN);
            e->ok = 1;
            e->agree = worst;
            e->sides = (int)nused;
            e->why[0] = '\0';
        }
    }
    mpfr_clears(diff, scale, sum, (mpfr_ptr)0);
    for (size_t i = 0; i < nsides; i++) mpfr_clears(sv[i].last, sv[i].prev, sv[i].first,
                                                    (mpfr_ptr)0);
    free(sv);
    free(v);
}

/* ---- the cache ------------------------------------------------------------------------------ */

/* The entry of x, computed when new; NULL when out of memory. Called with f->mu held. */
static fill_entry *entry_at(const ua_problem *p, ua_fill *f, const double *x)
{
    size_t d = p->d;
    for (size_t i = 0; i < f->n; i++) {
        size_t j = 0;
        while (j < d && f->e[i].x[j] == x[j]) j++; /* -0 and +0 are one point */
        if (j == d) return &f->e[i];
    }
    if (f->n == f->cap) {
        size_t cap = f->cap ? 2 * f->cap : 8;
        fill_entry *e = realloc(f->e, cap * sizeof *e);
        if (!e) return NULL;
        f->e = e;
        f->cap = cap;
    }
    fill_entry *e = &f->e[f->n];
    memset(e, 0, sizeof *e);
    e->x = ua_calloc(d, sizeof *e->x);
    if (!e->x) return NULL;
    memcpy(e->x, x, d * sizeof *x);
    compute_limit(p, e);
    f->n++;
    return e;
}

/* The target's fill hook: the cached (or new) limit at x, when accepted. */
static int fill_hook(void *ctx, const double *x, mpfr_t y)
{
    const ua_problem *p = ctx;
    /* NaN in double but a number in MPFR (x^2/sinh(x^2) at x = 5e-324: x^2 underflows in double
     * only; erfc(x)*exp(x^2) beyond 26.6: inf * 0): no singularity, MPFR's value is the value,
     * and nothing is cached or reported (there may be many such points) */
    if (p->target->builtin) p->target->builtin->eval_mpfr(y, x[0]);
    else ua_program_eval_mpfr(&p->target->prog, x, y); /* not through the fill */
    if (mpfr_number_p(y)) return 1;
    ua_fill *f = p->fill;
    pthread_mutex_lock(&f->mu);
    fill_entry *e = entry_at(p, f, x);
    int ok = e && e->ok;
    if (ok) mpfr_set(y, e->value, MPFR_RNDN);
    pthread_mutex_unlock(&f->mu);
    return ok;
}

void ua_fill_free(ua_fill *f)
{
    if (!f) return;
    for (size_t i = 0; i < f->n; i++) {
        mpfr_clear(f->e[i].value);
        free(f->e[i].x);
    }
    free(f->e);
    pthread_mutex_destroy(&f->mu);
    free(f);
}

/* ---- the public functions ------------------------------------------------------------------- */

ua_status ua_problem_set_fill_removable(ua_problem *p, int on)
{
    if (!p) return UA_ERR(UA_EINVAL, "ua_problem_set_fill_removable: the problem is NULL");
    if (p->kind != UA_PROBLEM_FORMULA)
        return UA_ERR(UA_EINVAL, "--fill-removable applies to a formula (TARGET): a %s problem "
                      "has no MPFR evaluation to take a limit with", ua_problem_kind_name(p->kind));
    if (!on) {
        ua_target_set_fill(p->target, NULL, NULL);
        ua_fill_free(p->fill);
        p->fill = NULL;
        return UA_OK;
    }
    if (p->fill) return UA_OK;
    ua_fill *f = calloc(1, sizeof *f);
    if (!f) return UA_ENOMEM_ERR(sizeof *f);
    pthread_mutex_init(&f->mu, NULL);
    p->fill = f;
    ua_target_set_fill(p->target, fill_hook, p);
    return UA_OK;
}

int ua_problem_fill_removable(const ua_problem *p) { return p && p->fill; }

ua_status ua_problem_limit(const ua_problem *p, const double *x, double *limit, double *agree)
{
    if (!p || !x) return UA_ERR(UA_EINVAL, "ua_problem_limit: NULL argument");
    if (p->kind != UA_PROBLEM_FORMULA)
        return UA_ERR(UA_EINVAL, "a limit is taken of a formula, not of a %s problem",
                      ua_problem_kind_name(p->kind));
    for (size_t j = 0; j < p->d; j++)
        if (!isfinite(x[j]))
            return UA_ERR(UA_EINVAL, "ua_problem_limit: the point is not finite");
    fill_entry tmp, *e = &tmp;
    ua_fill *f = p->fill;
    if (f) {
        pthread_mutex_lock(&f->mu);
        e = entry_at(p, f, x);
        if (!e) {
            pthread_mutex_unlock(&f->mu);
            return UA_ENOMEM_ERR(p->d * sizeof(double));
        }
    } else {
        memset(&tmp, 0, sizeof tmp);
        tmp.x = (double *)x;
        compute_limit(p, &tmp);
    }
    ua_status s = UA_OK;
    char pt[512];
    if (e->ok) {
        if (limit) *limit = mpfr_get_d(e->value, MPFR_RNDN);
        if (agree) *agree = e->agree;
    } else {
        if (limit) *limit = NAN;
        if (agree) *agree = NAN;
        s = UA_ERR(UA_EDOMAIN, "no limit of %s at %s: %s", p->desc,
                   ua_problem_point_text(pt, sizeof pt, p->vars, x, p->d), e->why);
    }
    if (f) pthread_mutex_unlock(&f->mu);
    else mpfr_clear(tmp.value);
    return s;
}

size_t ua_problem_filled(const ua_problem *p, size_t i, double *x, double *value, double *agree)
{
    if (!p || !p->fill) return 0;
    ua_fill *f = p->fill;
    pthread_mutex_lock(&f->mu);
    size_t count = 0;
    for (size_t k = 0; k < f->n; k++) {
        if (!f->e[k].ok) continue;
        if (count == i) {
            if (x) memcpy(x, f->e[k].x, p->d * sizeof *x);
            if (value) *value = mpfr_get_d(f->e[k].value, MPFR_RNDN);
            if (agree) *agree = f->e[k].agree;
        }
        count++;
    }
    pthread_mutex_unlock(&f->mu);
    return count;
}

/* "at POINT: limit V (both sides agree to A)" of one filled entry into buf. */
static int entry_text(const ua_problem *p, const fill_entry *e, char *buf, size_t len)
{
    char pt[512], num[32];
    const char *sides = e->sides == 1 ? "one side, the box ends there; converged to"
                      : e->sides == 2 ? "both sides agree to" : "all sides agree to";
    return snprintf(buf, len, "at %s: limit %s (%s %.2g)",
                    ua_problem_point_text(pt, sizeof pt, p->vars, e->x, p->d),
                    ua_fmt_double(num, mpfr_get_d(e->value, MPFR_RNDN)), sides, e->agree);
}

ua_status ua_problem_fill_text(const ua_problem *p, char **text)
{
    if (!text) return UA_ERR(UA_EINVAL, "ua_problem_fill_text: text is NULL");
    *text = NULL;
    size_t n = ua_problem_filled(p, 0, NULL, NULL, NULL);
    /* a few points are listed; a line of them (sin(x*y)/(x*y) on an axis) is summarised */
    size_t len = 1 + (n <= UA_FILL_LIST ? n : 1) * 800 + 200;
    char *buf = malloc(len);
    if (!buf) return UA_ENOMEM_ERR(len);
    buf[0] = '\0';
    size_t at = 0, k = 0;
    double worst = 0, vmin = INFINITY, vmax = -INFINITY;
    ua_fill *f = p ? p->fill : NULL;
    if (f) pthread_mutex_lock(&f->mu);
    for (size_t i = 0; f && i < f->n; i++) {
        const fill_entry *e = &f->e[i];
        if (!e->ok) continue;
        double v = mpfr_get_d(e->value, MPFR_RNDN);
        if (v < vmin) vmin = v;
        if (v > vmax) vmax = v;
        if (e->agree > worst) worst = e->agree;
        if (n <= UA_FILL_LIST || k == 0) {
            if (n <= UA_FILL_LIST) {
                int w = snprintf(buf + at, len - at, "%sfilled removable singularity ",
                                 at ? "; " : "");
                if (w > 0) at += (size_t)w;
            } else {
                int w = snprintf(buf + at, len - at, "filled removable singularities at %zu "
                                 "points, the first ", n);
                if (w > 0) at += (size_t)w;
            }
            if (at < len) {
                int w = entry_text(p, e, buf + at, len - at);
                if (w > 0) at += (size_t)w;
            }
        }
        k++;
    }
    if (f) pthread_mutex_unlock(&f->mu);
    if (n > UA_FILL_LIST && at < len)
        snprintf(buf + at, len - at, "; limits in [%.17g, %.17g], the sides agree to %.2g or "
                 "better at every point", vmin, vmax, worst);
    *text = buf;
    return UA_OK;
}

char *ua_problem_nan_text(const ua_problem *p, const double *x, char *buf, size_t len)
{
    char pt[512], v[32];
    if (!buf || !len) return buf;
    buf[0] = '\0';
    if (!p || !x || p->kind != UA_PROBLEM_FORMULA) return buf;
    if (ua_target_eval(p->target, x) == ua_target_eval(p->target, x)) return buf; /* not NaN */
    ua_problem_point_text(pt, sizeof pt, p->vars, x, p->d);
    double lim, agree;
    ua_status s = ua_problem_limit(p, x, &lim, &agree);
    if (s == UA_OK) {
        /* (with the fill on, this point would not be NaN) */
        snprintf(buf, len, "%s is NaN at %s, but has a limit there (%s, the sides agree to "
                 "%.2g): a removable singularity; --fill-removable fills it", p->desc, pt,
                 ua_fmt_double(v, lim), agree);
    } else if (p->fill) {
        char why[700];
        ua_last_error_message(why, sizeof why);
        /* "no limit of F at X: WHY": keep WHY */
        const char *at = strstr(why, pt);
        const char *reason = at && strlen(at) > strlen(pt) + 2 ? at + strlen(pt) + 2 : why;
        snprintf(buf, len, "%s is NaN at %s, and --fill-removable cannot fill it: %s", p->desc,
                 pt, reason);
    }
    /* without the fill and without a limit (log(x) at x < 0): nothing to add */
    ua_clear_error();
    return buf;
}
