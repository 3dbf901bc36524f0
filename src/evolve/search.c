/*
 * The evolve family's search (AutoNumerics-Zero, arXiv 2312.08472): an outer NSGA-II loop over
 * programs with two objectives (the error, and the cost: the op count or the latency estimate)
 * and mutations, an inner CMA-ES loop that tunes each child's constants on npts points of the
 * interval, an archive of every non-dominated program seen, and the final check of that front
 * (every float of the interval by the exhaustive checker in float32; a dense grid in double).
 *
 * Errors: float32: max over the points of |program(x) - f(x)| / ulp32(f(x)) with the program
 * computed in float at float x; double: max |program(x) - f(x)| / |f(x)| with the program in
 * double. f is the MPFR reference (128 bits) rounded to double.
 *
 * Determinism: every child has its own generator seeded from (seed, generation, child), so the
 * result is the same for any number of OpenMP threads.
 */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "uniapprox/exhaustive.h"
#include "uniapprox/target.h"
#include "uniapprox/verify.h"
#include "internal.h"

/* The most structured seeds (--seeds all). */
#define MAX_STRUCT_SEEDS 64

typedef struct {
    ev_precision prec;
    size_t n;
    const double *x, *f;   /* (n,) points and reference */
    const float *xf;       /* (n,) the points as floats (float32) */
    const double *inv_ulp; /* (n,) 1 / ulp32(f) or 1 / |f| */
} ev_data;

/* The error of g on the data: max, and max + mean / 1000 as the objective (ties broken towards
 * the smaller mean, which gives the rank-based CMA-ES a slope on plateaus of the max). */
static double prog_error(const ev_prog *g, const ev_data *d, double *objective)
{
    double mx = 0, sum = 0;
    if (d->prec == EV_FLOAT32) {
        float *w = malloc(((size_t)g->n + 1) * d->n * sizeof *w);
        if (!w) return INFINITY;
        float *y = w + (size_t)g->n * d->n;
        ev_eval_f32(g, d->xf, d->n, y, w);
        for (size_t i = 0; i < d->n; i++) {
            double e = fabs((double)y[i] - d->f[i]) * d->inv_ulp[i];
            if (!(e <= 1e300)) e = INFINITY;
            mx = fmax(mx, e);
            sum += e;
        }
        free(w);
    } else {
        double *w = malloc(((size_t)g->n + 1) * d->n * sizeof *w);
        if (!w) return INFINITY;
        double *y = w + (size_t)g->n * d->n;
        ev_eval_f64(g, d->x, d->n, y, w);
        for (size_t i = 0; i < d->n; i++) {
            double e = fabs(y[i] - d->f[i]) * d->inv_ulp[i];
            if (!(e <= 1e300)) e = INFINITY;
            mx = fmax(mx, e);
            sum += e;
        }
        free(w);
    }
    if (objective) *objective = mx + 1e-3 * sum / (double)d->n;
    return mx;
}

typedef struct {
    ev_prog *g;
    const ev_data *d;
    int idx[EV_MAX_VERTICES];
    int nc;
} tune_ctx;

static double tune_obj(const double *p, void *ctx)
{
    tune_ctx *t = ctx;
    for (int i = 0; i < t->nc; i++)
        t->g->val[t->idx[i]] = t->d->prec == EV_FLOAT32 ? (double)ev_to_float(p[i]) : p[i];
    double obj;
    prog_error(t->g, t->d, &obj);
    return obj;
}

static double polish_obj(const ev_prog *g, void *ctx)
{
    const ev_data *d = ctx;
    ev_prog h = *g;
    if (d->prec == EV_FLOAT32)
        for (int i = 0; i < h.n; i++) h.val[i] = (double)ev_to_float(h.val[i]);
    double obj;
    prog_error(&h, d, &obj);
    return obj;
}

/* The inner loop on g's constants: Gauss-Newton with Lawson's weights (fast where the program
 * is nearly linear in them), then CMA-ES from there (robust where it is not, and for float
 * rounding); g gets the best constants; returns the max error. */
static double tune(ev_prog *g, const ev_data *d, double sigma, size_t evals, ua_rng *rng)
{
    ev_polish(g, d->x, d->f, d->inv_ulp, d->n, polish_obj, (void *)d, 8);
    if (d->prec == EV_FLOAT32)
        for (int i = 0; i < g->n; i++) g->val[i] = (double)ev_to_float(g->val[i]);
    tune_ctx t = {.g = g, .d = d, .nc = 0};
    double x[EV_MAX_VERTICES], scale[EV_MAX_VERTICES];
    for (int i = 0; i < g->n; i++)
        if (g->kind[i] == EV_CONST) {
            t.idx[t.nc] = i;
            x[t.nc] = g->val[i];
            scale[t.nc] = g->val[i] != 0 ? fabs(g->val[i]) : 1e-2;
            t.nc++;
        }
    if (t.nc) ev_cmaes(tune_obj, &t, x, scale, (size_t)t.nc, sigma, 0, evals, rng);
    for (int i = 0; i < t.nc; i++)
        g->val[t.idx[i]] = d->prec == EV_FLOAT32 ? (double)ev_to_float(x[i]) : x[i];
    return prog_error(g, d, NULL);
}

double ev_member_cost(const ev_member *m, ev_cost cost)
{
    return cost == EV_COST_OPS ? (double)m->ops : (double)m->latency;
}

static void measure_member(ev_member *m, const ev_data *d)
{
    m->sample_err = m->err = prog_error(&m->prog, d, NULL);
    m->ops = ev_prog_ops(&m->prog);
    m->latency = ev_prog_latency(&m->prog);
    m->verified = 0;
}

/* Adds c to the archive (the non-dominated set of (err, cost)), dropping members it dominates.
 * At most cap members: a full archive drops its most expensive member. */
static void archive_add(ev_member *arc, size_t *n, size_t cap, const ev_member *c, ev_cost cost)
{
    double cc = ev_member_cost(c, cost);
    if (!isfinite(c->err) || !ev_prog_valid(&c->prog)) return; /* an infinite constant */
    for (size_t i = 0; i < *n; i++) {
        double ci = ev_member_cost(&arc[i], cost);
        if (ci <= cc && arc[i].err <= c->err) return; /* dominated or equal */
    }
    size_t m = 0;
    for (size_t i = 0; i < *n; i++) {
        double ci = ev_member_cost(&arc[i], cost);
        if (!(cc <= ci && c->err <= arc[i].err)) arc[m++] = arc[i];
    }
    *n = m;
    if (*n == cap) {
        size_t worst = 0;
        for (size_t i = 1; i < *n; i++)
            if (ev_member_cost(&arc[i], cost) > ev_member_cost(&arc[worst], cost)) worst = i;
        arc[worst] = arc[--*n];
    }
    arc[(*n)++] = *c;
}

/* The allowed operations from "add,sub,mul,div,sqrt,fma". */
static ua_status parse_ops(const char *s, uint32_t *mask)
{
    *mask = 0;
    char buf[128];
    if (!s || strlen(s) >= sizeof buf) return UA_ERR(UA_EINVAL, "--operations: expected a list "
                                                     "such as add,sub,mul,div,sqrt,fma");
    strcpy(buf, s);
    for (char *tok = strtok(buf, ","); tok; tok = strtok(NULL, ",")) {
        int k = -1;
        for (int i = EV_ADD; i < EV_NKINDS; i++)
            if (!strcmp(tok, ev_kind_name(i))) k = i;
        if (k < 0)
            return UA_ERR(UA_EINVAL, "--operations '%s': unknown operation '%s' (add, sub, mul, "
                          "div, sqrt, fma)", s, tok);
        *mask |= 1u << k;
    }
    if (!(*mask & ((1u << EV_ADD) | (1u << EV_FMA))) || !(*mask & ((1u << EV_MUL) | (1u << EV_FMA))))
        return UA_ERR(UA_EINVAL, "--operations '%s': needs add and mul, or fma (the seed "
                      "polynomial's Horner steps)", s);
    return UA_OK;
}

/* Sorts the front by cost (then error) without a file-level variable: insertion sort. */
static void sort_front(ev_member *m, size_t n, ev_cost cost)
{
    for (size_t i = 1; i < n; i++) {
        ev_member t = m[i];
        size_t j = i;
        while (j > 0) {
            double cj = ev_member_cost(&m[j - 1], cost), ct = ev_member_cost(&t, cost);
            if (cj < ct || (cj == ct && m[j - 1].err <= t.err)) break;
            m[j] = m[j - 1];
            j--;
        }
        m[j] = t;
    }
}

/* Points: n Chebyshev points of the second kind on [a, b] (they cluster at the ends, where a
 * best approximation's error peaks), as floats in float32 mode. */
static void make_points(double a, double b, size_t n, ev_precision prec, double *x)
{
    for (size_t i = 0; i < n; i++) {
        double c = -cos(3.14159265358979323846 * (double)i / (double)(n - 1));
        double v = i == 0 ? a : i == n - 1 ? b : 0.5 * (a + b) + 0.5 * (b - a) * c;
        if (prec == EV_FLOAT32) {
            float fv = ev_to_float(v);
            if ((double)fv < a) fv = nextafterf(fv, INFINITY);
            if ((double)fv > b) fv = nextafterf(fv, -INFINITY);
            v = fv;
        }
        x[i] = v;
    }
}

/* x in the fewest digits (at most 17) that read back as x, into buf (at least 32 bytes). */
static char *shortest(char *buf, double x)
{
    for (int p = 6; p <= 17; p++) {
        snprintf(buf, 32, "%.*g", p, x);
        if (strtod(buf, NULL) == x) break;
    }
    return buf;
}

/* A float32 target beyond the float range between the points lo (|f| <= FLT_MAX) and hi (|f| >
 * FLT_MAX): bisection for a point where |f| first exceeds it, up to the spacing of doubles. */
static double overflow_point(const ua_target *t, double lo, double hi)
{
    for (int it = 0; it < 200; it++) {
        double mid = 0.5 * (lo + hi);
        if (!(mid > lo && mid < hi)) break;
        double fm = ua_target_eval_ref(t, &mid, 128);
        if (fabs(fm) > FLT_MAX) hi = mid;
        else lo = mid;
    }
    return hi;
}

/* The reference at the points (increasing), and 1 / ulp32(f) or 1 / |f| (0 where f = 0: the
 * program is measured only where the error is defined). Refused (UA_EDOMAIN): a non-finite
 * value, a change of sign, and in float32 a value beyond the float range (a float program
 * cannot return it: its ULP error is not defined), each naming where. */
static ua_status reference(const ua_target *t, const double *x, size_t n, ev_precision prec,
                           double *f, double *inv)
{
    for (size_t i = 0; i < n; i++) {
        f[i] = ua_target_eval_ref(t, &x[i], 128);
        if (!isfinite(f[i]))
            return UA_ERR(UA_EDOMAIN, "evolve: the target is %g at x = %.17g", f[i], x[i]);
        if (prec == EV_FLOAT32 && fabs(f[i]) > FLT_MAX) {
            double xo = i && fabs(f[i - 1]) <= FLT_MAX ? overflow_point(t, x[i - 1], x[i]) : x[i];
            char bx[32], bf[32];
            return UA_ERR(UA_EDOMAIN, "evolve: the target exceeds the float range at x = %s "
                          "(f = %s, |f| > FLT_MAX = 3.40282347e+38): a float32 program cannot "
                          "return it; shorten the interval to where |f| <= FLT_MAX, or use "
                          "--precision double", shortest(bx, xo),
                          shortest(bf, ua_target_eval_ref(t, &xo, 128)));
        }
        inv[i] = f[i] == 0 ? 0 : prec == EV_FLOAT32 ? 1 / ua_ulp32(f[i]) : 1 / fabs(f[i]);
        if (i && ((f[i] > 0 && f[i - 1] < 0) || (f[i] < 0 && f[i - 1] > 0)))
            return UA_ERR(UA_EDOMAIN, "evolve: the target changes sign between x = %.17g and "
                          "%.17g: its relative error (and ULPs) are not defined at the zero; "
                          "split the interval there", x[i - 1], x[i]);
    }
    return UA_OK;
}

typedef struct {
    size_t population, offspring, generations, evals, npts, max_vertices;
    int degree, degree_given;
    uint64_t seed;
    ev_precision prec;
    ev_cost cost;
    double tol;
    int tol_given;
    uint32_t ops;
    int exhaustive; /* 0 front, 1 chosen, 2 none */
    int seeds;      /* 0 horner, 1 all */
} ev_settings;

static ua_status read_settings(const ua_options *o, ev_settings *s)
{
    s->population = (size_t)ua_options_int(o, "population");
    s->offspring = (size_t)ua_options_int(o, "offspring");
    s->generations = (size_t)ua_options_int(o, "generations");
    s->evals = (size_t)ua_options_int(o, "max-evals");
    s->npts = (size_t)ua_options_int(o, "train-points");
    s->max_vertices = (size_t)ua_options_int(o, "max-vertices");
    s->seed = (uint64_t)ua_options_int(o, "seed");
    s->prec = ua_options_choice(o, "precision") == 1 ? EV_DOUBLE : EV_FLOAT32;
    s->cost = ua_options_choice(o, "cost") == 1 ? EV_COST_LATENCY : EV_COST_OPS;
    s->exhaustive = ua_options_choice(o, "exhaustive");
    s->seeds = ua_options_choice(o, "seeds");
    s->degree_given = ua_options_get(o, "degree") != NULL;
    s->degree = s->degree_given ? (int)ua_options_int(o, "degree")
                                : s->prec == EV_FLOAT32 ? 6 : 10;
    s->tol_given = ua_options_get(o, "tol") != NULL;
    s->tol = s->tol_given ? ua_options_real(o, "tol") : 1.0;
    return parse_ops(ua_options_get(o, "operations"), &s->ops);
}

/* One child: a tournament-picked parent, 1 to 3 mutations, constants tuned. */
static void make_child(const ev_member *pop, const int *rank, const double *crowd, size_t np,
                       const ev_settings *s, const ev_data *d, uint64_t seed, ev_member *child)
{
    ua_rng r;
    ua_rng_seed(&r, seed);
    size_t i = ua_rng_next(&r) % np, j = ua_rng_next(&r) % np;
    size_t p = (rank[i] < rank[j] || (rank[i] == rank[j] && crowd[i] >= crowd[j])) ? i : j;
    child->prog = pop[p].prog;
    int nm = 1 + (int)(ua_rng_next(&r) % 3);
    for (int k = 0; k < nm; k++) ev_mutate(&child->prog, s->ops, (int)s->max_vertices, &r);
    /* two starts of the inner loop: close to the inherited constants (a mutation that kept
     * the parent's function nearly intact), then wide (one that changed it) */
    ev_prog wide = child->prog;
    double e1 = tune(&child->prog, d, 1e-3, s->evals / 2, &r);
    double e2 = tune(&wide, d, 0.1, s->evals - s->evals / 2, &r);
    if (e2 < e1) child->prog = wide;
    measure_member(child, d);
}

/* The error of g at one point x against the MPFR reference (double mode: relative). */
static double point_error(const ev_prog *g, const ua_target *t, double x, ev_precision prec)
{
    double f = ua_target_eval_ref(t, &x, 128);
    if (prec == EV_FLOAT32) {
        float xf = ev_to_float(x);
        double fx = ua_target_eval_ref(t, &(double){xf}, 128);
        return fabs((double)ev_eval1_f32(g, xf) - fx) / ua_ulp32(fx);
    }
    return f == 0 ? 0 : fabs(ev_eval1_f64(g, x) - f) / fabs(f);
}

/* The largest error of g near the grid's local maxima: each of the (at most 48) largest local
 * maxima of the dense grid refined by golden-section search between its neighbours, so that the
 * error reported is the peak, not the nearest grid point's value. */
static double refine_peaks(const ev_prog *g, const ev_data *dense, const ua_target *t)
{
    size_t n = dense->n;
    double *e = malloc(n * sizeof *e), *w = malloc(((size_t)g->n + 1) * n * sizeof *w);
    if (!e || !w) {
        free(e), free(w);
        return INFINITY;
    }
    ev_eval_f64(g, dense->x, n, w + (size_t)g->n * n, w);
    for (size_t i = 0; i < n; i++)
        e[i] = fabs(w[(size_t)g->n * n + i] - dense->f[i]) * dense->inv_ulp[i];
    free(w);
    double best = 0;
    for (int round = 0; round < 48; round++) {
        size_t top = n;
        for (size_t i = 1; i + 1 < n; i++)
            if (e[i] >= e[i - 1] && e[i] >= e[i + 1] && e[i] > 0 && (top == n || e[i] > e[top]))
                top = i;
        if (top == n) break;
        double lo = dense->x[top - 1], hi = dense->x[top + 1];
        const double r = 0.6180339887498949;
        double c = hi - r * (hi - lo), d = lo + r * (hi - lo);
        double fc = point_error(g, t, c, dense->prec), fd = point_error(g, t, d, dense->prec);
        for (int it = 0; it < 40 && hi - lo > 4e-16 * fmax(fabs(lo), fabs(hi)); it++) {
            if (fc >= fd) {
                hi = d, d = c, fd = fc;
                c = hi - r * (hi - lo);
                fc = point_error(g, t, c, dense->prec);
            } else {
                lo = c, c = d, fc = fd;
                d = lo + r * (hi - lo);
                fd = point_error(g, t, d, dense->prec);
            }
            best = fmax(best, fmax(fc, fd));
        }
        best = fmax(best, fmax(fc, fd));
        e[top] = 0;
    }
    free(e);
    return best;
}

/* The final check of a member: exhaustive (float32, a float interval, a formula), else the
 * dense grid with its peaks refined (double). */
static ua_status final_check(ev_member *m, const ev_data *dense, const ua_target *t, double a,
                             double b, int exhaustive)
{
    double e = prog_error(&m->prog, dense, NULL);
    m->err = fmax(m->sample_err, e);
    if (dense->prec == EV_DOUBLE) m->err = fmax(m->err, refine_peaks(&m->prog, dense, t));
    if (exhaustive && dense->prec == EV_FLOAT32 && (double)ev_to_float(a) == a &&
        (double)ev_to_float(b) == b) {
        double mu;
        ua_status s = ev_verify_exhaustive(&m->prog, t, ev_to_float(a), ev_to_float(b), &mu);
        if (s) return s;
        m->err = mu;
        m->verified = 1;
    }
    return UA_OK;
}

/* The margin of the default tolerance in double over the seed's checked error: 4 double ulps
 * of relative error, 4 x 2^-52 = 8.9e-16 (rounding noise, not a bound). The check's grid and the
 * verdict's points see different rounding noise of a program (exp(x) on [0, 1], degree 10:
 * 1.2718e-14 at the engine's points against 1.2702e-14 on the check's grid), so errors a few
 * ulps apart on the check's grid are not told apart. It also keeps the default above 0 where the
 * seed is exact on the check's points (x^2 on [0, 1]), which the loader refuses. */
#define EV_NOISE_MARGIN (4 * DBL_EPSILON)

/* The default tolerance in double is the seed's checked error plus EV_NOISE_MARGIN, so the
 * seed meets it; but the archive may have dropped the seed for a child with a lower error on
 * the search's points and a higher one on the check's grid. When no member of m's checked
 * front is within tol, the checked seed joins the front (replacing the members it dominates)
 * and it stays sorted. */
static ua_status seed_rejoins(ev_model *m, const ev_member *seed, double tol)
{
    for (size_t i = 0; i < m->nfront; i++)
        if (m->front[i].err <= tol) return UA_OK;
    ev_member *f = realloc(m->front, (m->nfront + 1) * sizeof *f);
    if (!f) return UA_ENOMEM_ERR((m->nfront + 1) * sizeof *f);
    m->front = f;
    double cs = ev_member_cost(seed, m->cost);
    size_t n = 0;
    for (size_t i = 0; i < m->nfront; i++)
        if (!(ev_member_cost(&f[i], m->cost) >= cs && f[i].err >= seed->err)) f[n++] = f[i];
    f[n++] = *seed;
    m->nfront = n;
    sort_front(f, n, m->cost);
    return UA_OK;
}

static ua_status record(ua_model *meta, const ev_model *m, const ev_settings *s, double seconds,
                        double check_seconds)
{
    char buf[64];
    const ev_member *c = &m->front[m->chosen];
    /* the verdict's tolerance: float32 ULPs imply a relative error <= tol * 2^-23 (ulp32(y) <=
     * 2^-23 |y| for normal y), and the engine measures a float32 model at float inputs
     * (input_type), as the exhaustive check does. In double the verdict's tolerance is the
     * selection's, the default included (the seed's checked error plus EV_NOISE_MARGIN). */
    double rel = s->prec == EV_FLOAT32 ? m->tol * 0x1p-23 : m->tol;
    ua_status st = ua_model_set_meta(meta, "tol_abs", "0");
    if (!st) st = ua_model_set_meta(meta, "tol_scale", "0");
    if (!st) st = ua_model_set_meta(meta, "tol_rel", ua_fmt_double(buf, rel));
    if (!st) st = ua_model_set_meta(meta, "estimated_err",
                                    ua_fmt_double(buf, s->prec == EV_FLOAT32 ? c->err * 0x1p-23
                                                                             : c->err));
    if (!st) st = ua_model_set_meta(meta, "evolve_search_seconds", ua_fmt_double(buf, seconds));
    if (!st) st = ua_model_set_meta(meta, "evolve_check_seconds", ua_fmt_double(buf, check_seconds));
    if (!st) st = ua_model_set_meta(meta, "sampling", "MPFR 128 bits (the evolve family "
                                    "evaluates the formula in MPFR itself)");
    if (!st && s->prec == EV_FLOAT32) st = ua_model_set_meta(meta, "input_type", "float32");
    /* the program computes in float: its float export is the model (src/emit/header.c) */
    if (!st && s->prec == EV_FLOAT32) st = ua_model_set_meta(meta, "compute_type", "float32");
    return st;
}

/* The number of doubles (float32: floats) in [a, b], a <= b finite; in double once it is
 * beyond 2^53. */
static double count_values(double a, double b, ev_precision prec)
{
    if (prec == EV_FLOAT32) {
        float fa = ev_to_float(a), fb = ev_to_float(b);
        if ((double)fa < a) fa = nextafterf(fa, INFINITY);
        if ((double)fb > b) fb = nextafterf(fb, -INFINITY);
        if (!((double)fa <= (double)fb)) return 0;
        uint32_t ua, ub;
        memcpy(&ua, &fa, sizeof ua);
        memcpy(&ub, &fb, sizeof ub);
        /* the order of floats as unsigned integers (-0 and +0 adjacent) */
        ua = ua >> 31 ? ~ua : ua | 0x80000000u;
        ub = ub >> 31 ? ~ub : ub | 0x80000000u;
        return (double)(ub - ua) + 1;
    }
    uint64_t ua, ub;
    memcpy(&ua, &a, sizeof ua);
    memcpy(&ub, &b, sizeof ub);
    ua = ua >> 63 ? ~ua : ua | 0x8000000000000000u;
    ub = ub >> 63 ? ~ub : ub | 0x8000000000000000u;
    return (double)(ub - ua) + 1;
}

/* The interval [a, b] wide enough for the seed polynomial of s's degree, checked before the
 * search (UA_EINVAL, naming the interval and the degree that fits):
 *  - at least 4 (degree + 2) distinct numbers of the precision: the Remez exchange needs
 *    degree + 2 distinct reference points among the rounded grid (measured: exp(x) at 1, degree
 *    6 in float32 failed with 11 floats and ran with 13; degree 10 in double failed with 25
 *    doubles and ran with 29; degree 12 in float32 failed with 31 and ran with 41);
 *  - (2 / (b - a))^degree within the double range: the seed's coefficients in t scale so (the
 *    interval [-1, 1] of its Chebyshev basis is the width's), and beyond it they are not finite
 *    (exp(x) on [0, 1e-300]). */
static ua_status check_width(double a, double b, const ev_settings *s)
{
    int fl = s->prec == EV_FLOAT32;
    const char *what = fl ? "floats" : "doubles";
    char ba[32], bb[32];
    shortest(ba, a), shortest(bb, b);
    double cnt = count_values(a, b, s->prec);
    int need = 4 * (s->degree + 2);
    if (cnt < need) {
        int fit = (int)(cnt / 4) - 2;
        if (fit >= 0)
            return UA_ERR(UA_EINVAL, "evolve: the interval [%s, %s] is too narrow for the seed "
                          "polynomial of degree %d: it holds %.0f distinct %s, and degree d "
                          "needs at least 4 (d + 2) (%d here); widen the interval, or lower "
                          "--degree (at most %d here)", ba, bb, s->degree, cnt, what, need, fit);
        return UA_ERR(UA_EINVAL, "evolve: the interval [%s, %s] is too narrow: it holds %.0f "
                      "distinct %s, and the seed polynomials need at least 8 (degree 0) to %d "
                      "(degree %d); widen the interval", ba, bb, cnt,
                      cnt == 1 ? (fl ? "float" : "double") : what, need, s->degree);
    }
    double alpha = 2 / (b - a);
    if (!(pow(alpha, s->degree) <= DBL_MAX)) {
        int fit = 0;
        while (fit < s->degree && pow(alpha, fit + 1) <= DBL_MAX) fit++;
        return UA_ERR(UA_EINVAL, "evolve: the interval [%s, %s] is too narrow for the seed "
                      "polynomial of degree %d: its coefficients scale as (2 / width)^%d = "
                      "(%.3g)^%d, beyond the double range; widen the interval, or lower --degree "
                      "(at most %d keeps that scale in range)", ba, bb, s->degree, s->degree,
                      alpha, s->degree, fit);
    }
    return UA_OK;
}

ua_status ev_family_fit(const ua_problem *p, const ua_options *o, const ua_fit_hooks *hooks,
                        ua_model *meta, void **state)
{
    *state = NULL;
    if (ua_problem_kind_of(p) != UA_PROBLEM_FORMULA || ua_problem_dim(p) != 1)
        return UA_ERR(UA_EUNSUPPORTED, "the evolve family fits 1-D formulas (its error is "
                      "measured against the MPFR reference); for a function use cheb");
    ev_settings s;
    ua_status st = read_settings(o, &s);
    if (st) return st;
    if (s.population < 1 || s.offspring < 1)
        return UA_ERR(UA_EINVAL, "evolve: --population and --offspring must be >= 1");
    const ua_target *t = ua_problem_target(p);
    double a = ua_problem_lo(p)[0], b = ua_problem_hi(p)[0];
    if (!(a < b)) return UA_ERR(UA_EINVAL, "evolve: the interval [%g, %g] is empty", a, b);
    if (s.prec == EV_FLOAT32 && !(fabs(a) <= FLT_MAX && fabs(b) <= FLT_MAX))
        return UA_ERR(UA_EINVAL, "evolve: --precision float32 needs an interval inside the float "
                      "range, not [%g, %g]", a, b);
    if ((st = check_width(a, b, &s))) return st;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);

    /* the search points and a dense grid (4x, for the seed's Remez and the final check) */
    size_t n = s.npts, nd = 8 * s.npts;
    double *buf = malloc((3 * n + 3 * nd) * sizeof *buf);
    float *xf = malloc((n + nd) * sizeof *xf);
    /* the population array holds the parents and children, or every seed */
    size_t npop = s.population + s.offspring + (s.seeds ? MAX_STRUCT_SEEDS : 0);
    ev_member *pop = calloc(npop, sizeof *pop);
    size_t cap = 64, narc = 0;
    ev_member *arc = calloc(cap, sizeof *arc);
    ev_model *m = calloc(1, sizeof *m);
    double *f2 = malloc(2 * npop * sizeof *f2);
    int *rank = malloc(npop * sizeof *rank);
    double *crowd = malloc(npop * sizeof *crowd);
    size_t *idx = malloc(npop * sizeof *idx);
    if (!buf || !xf || !pop || !arc || !m || !f2 || !rank || !crowd || !idx) {
        st = UA_ENOMEM_ERR((3 * n + 3 * nd) * sizeof *buf);
        goto done;
    }
    double *x = buf, *f = x + n, *inv = f + n, *xd = inv + n, *fd = xd + nd, *invd = fd + nd;
    make_points(a, b, n, s.prec, x);
    make_points(a, b, nd, s.prec, xd);
    for (size_t i = 0; i < n; i++) xf[i] = ev_to_float(x[i]);
    for (size_t i = 0; i < nd; i++) xf[n + i] = ev_to_float(xd[i]);
    if ((st = reference(t, x, n, s.prec, f, inv)) || (st = reference(t, xd, nd, s.prec, fd, invd)))
        goto done;
    ev_data d = {s.prec, n, x, f, xf, inv}, dd = {s.prec, nd, xd, fd, xf + n, invd};

    /* the seeds: the minimax polynomial of each degree 0..degree (Horner) that fits in
     * --max-vertices, their constants polished for the error measure of the search; the front
     * starts as the polynomials' front. The one of the highest degree is "the seed" (the
     * default tolerance in double). A --degree given whose seed does not fit is refused; the
     * default degree steps down to the highest that fits (degree 0, the input and one
     * constant, always does: max-vertices >= 2). */
    ev_member seed;
    memset(&seed, 0, sizeof seed);
    int have_seed = 0, seed_degree = 0;
    ua_rng r0;
    ua_rng_seed(&r0, s.seed);
    size_t np = 0;
    for (int deg = s.degree; deg >= 0; deg--) {
        ev_member sd;
        memset(&sd, 0, sizeof sd);
        if ((st = ev_seed_horner(xd, fd, nd, a, b, deg, s.ops, &sd.prog))) {
            /* past check_width, still no seed (a narrow interval at the limit): name it */
            const char *msg = ua_last_error();
            if (st != UA_ENOMEM && !strncmp(msg, "evolve seed: ", 13)) {
                char why[512];
                snprintf(why, sizeof why, "%s", msg + 13);
                char ba[32], bb[32];
                st = UA_ERR(st, "evolve: no seed polynomial of degree %d on [%s, %s] (%s); "
                            "widen the interval, or lower --degree", deg, shortest(ba, a),
                            shortest(bb, b), why);
            }
            goto done;
        }
        if ((size_t)sd.prog.n > s.max_vertices) {
            if (deg == s.degree && s.degree_given) {
                st = UA_ERR(UA_EINVAL, "evolve: the seed of --degree %d has %d vertices, more "
                            "than --max-vertices %zu (lower --degree or raise --max-vertices)",
                            deg, sd.prog.n, s.max_vertices);
                goto done;
            }
            continue;
        }
        if (s.prec == EV_FLOAT32) {
            /* rounding the coefficients to float: re-tune them for the float error (as
             * Sollya's fpminimax re-optimises rounded coefficients), on the dense grid (the
             * search's 1024 points overfit: a lower maximum there, a higher one over every
             * float); keep the better */
            ev_prog before = sd.prog;
            double e0 = prog_error(&before, &dd, NULL);
            double e1 = tune(&sd.prog, &dd, 1e-6, 4 * s.evals, &r0);
            if (!(e1 <= e0)) sd.prog = before;
        }
        measure_member(&sd, &d);
        if (!have_seed) seed = sd, have_seed = 1, seed_degree = deg;
        if (np < s.population + s.offspring) pop[np++] = sd;
        archive_add(arc, &narc, cap, &sd, s.cost);
    }
    /* --seeds all: the structured seeds (split polynomials of degree seed_degree - 2 ..
     * seed_degree + 1, squaring chains over rational cores), polished on the dense grid; one
     * that does not fit or whose construction fails (f <= 0 somewhere: no squaring) is skipped */
    if (s.seeds) {
        ev_prog cand[MAX_STRUCT_SEEDS];
        int nc = 0;
        for (int deg = seed_degree - 2 < 3 ? 3 : seed_degree - 2; deg <= seed_degree + 1; deg++)
            for (int sp = 2; sp <= 4; sp++)
                for (int outer = 0; outer <= 2 && nc < MAX_STRUCT_SEEDS; outer++)
                    if (sp < deg - outer &&
                        !ev_seed_split(xd, fd, nd, a, b, deg, sp, outer, s.ops, &cand[nc]))
                        nc++;
        static const int shapes[][2] = {{1, 0}, {1, 1}, {2, 1}, {2, 2}};
        for (int sh = 0; sh < 4; sh++)
            for (int sq = 0; sq <= 4 && nc < MAX_STRUCT_SEEDS; sq++)
                if (!ev_seed_squaring(xd, fd, nd, a, b, shapes[sh][0], shapes[sh][1], sq, s.ops,
                                      &cand[nc]))
                    nc++;
        /* a target 0 at the left end: the centred seeds, y = fma(t, c0, t q(x - c)) of degree
         * seed_degree - 2 .. seed_degree + 2 and y = fma(x, c0, x q(x^2 - z0)) (on [0, b]) of
         * degree seed_degree - 4 .. seed_degree + 1 in x^2 (a degree in x^2 is twice in x);
         * in float32 with the zero at x = 0 (results down to the subnormals) scaled by 2^24 */
        int sc = s.prec == EV_FLOAT32 && a <= 0 && b >= 0 ? 24 : 0;
        for (int deg = seed_degree - 2 < 2 ? 2 : seed_degree - 2; deg <= seed_degree + 2; deg++)
            if (nc < MAX_STRUCT_SEEDS &&
                !ev_seed_centred(xd, fd, nd, a, b, deg, 0, sc, s.ops, &cand[nc]))
                nc++;
        for (int deg = seed_degree - 4 < 2 ? 2 : seed_degree - 4; deg <= seed_degree + 1; deg++)
            if (nc < MAX_STRUCT_SEEDS &&
                !ev_seed_centred(xd, fd, nd, a, b, deg, 1, sc, s.ops, &cand[nc]))
                nc++;
        ua_clear_error();
        for (int i = 0; i < nc; i++) {
            if ((size_t)cand[i].n > s.max_vertices) continue;
            ev_member sd;
            memset(&sd, 0, sizeof sd);
            sd.prog = cand[i];
            ev_polish(&sd.prog, dd.x, dd.f, dd.inv_ulp, dd.n, polish_obj, &dd, 40);
            ev_prog before = sd.prog;
            double e0 = prog_error(&before, &dd, NULL);
            double e1 = tune(&sd.prog, &dd, 1e-6, 4 * s.evals, &r0);
            if (!(e1 <= e0)) sd.prog = before;
            measure_member(&sd, &d);
            if (!isfinite(sd.err)) continue;
            pop[np++] = sd;
            archive_add(arc, &narc, cap, &sd, s.cost);
        }
    }
    if (np > s.population) {
        for (size_t i = 0; i < np; i++) {
            f2[2 * i] = pop[i].err;
            f2[2 * i + 1] = ev_member_cost(&pop[i], s.cost);
        }
        ev_nondominated_sort(f2, np, rank);
        ev_crowding(f2, rank, np, crowd);
        ev_select(rank, crowd, np, s.population, idx);
        ev_member *tmp = malloc(s.population * sizeof *tmp);
        if (!tmp) {
            st = UA_ENOMEM_ERR(s.population * sizeof *tmp);
            goto done;
        }
        for (size_t i = 0; i < s.population; i++) tmp[i] = pop[idx[i]];
        memcpy(pop, tmp, s.population * sizeof *tmp);
        free(tmp);
        np = s.population;
    }

    for (size_t gen = 0; gen < s.generations; gen++) {
        for (size_t i = 0; i < np; i++) {
            f2[2 * i] = pop[i].err;
            f2[2 * i + 1] = ev_member_cost(&pop[i], s.cost);
        }
        ev_nondominated_sort(f2, np, rank);
        ev_crowding(f2, rank, np, crowd);
        ev_member *kids = pop + np;
        size_t no = s.offspring;
#pragma omp parallel for schedule(dynamic, 1)
        for (size_t c = 0; c < no; c++)
            make_child(pop, rank, crowd, np, &s, &d,
                       s.seed * 0x9E3779B97F4A7C15ull + gen * 1000003ull + c + 1, &kids[c]);
        for (size_t c = 0; c < no; c++) archive_add(arc, &narc, cap, &kids[c], s.cost);
        size_t nall = np + no;
        for (size_t i = 0; i < nall; i++) {
            f2[2 * i] = pop[i].err;
            f2[2 * i + 1] = ev_member_cost(&pop[i], s.cost);
        }
        ev_nondominated_sort(f2, nall, rank);
        ev_crowding(f2, rank, nall, crowd);
        size_t keep = s.population < nall ? s.population : nall;
        ev_select(rank, crowd, nall, keep, idx);
        ev_member *tmp = malloc(keep * sizeof *tmp);
        if (!tmp) {
            st = UA_ENOMEM_ERR(keep * sizeof *tmp);
            goto done;
        }
        for (size_t i = 0; i < keep; i++) tmp[i] = pop[idx[i]];
        memcpy(pop, tmp, keep * sizeof *tmp);
        free(tmp);
        np = keep;
        if (hooks && hooks->work) hooks->work(hooks->ctx, (double)gen + 1, (double)s.generations,
                                              "evolve generation");
    }

    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    double search_secs = (double)(ts.tv_sec - t0.tv_sec) + 1e-9 * (double)(ts.tv_nsec - t0.tv_nsec);
    /* the front, checked; sorted by cost */
    sort_front(arc, narc, s.cost);
    m->a = a;
    m->b = b;
    m->precision = s.prec;
    m->cost = s.cost;
    m->nfront = narc;
    m->front = calloc(narc, sizeof *m->front);
    if (!m->front) {
        st = UA_ENOMEM_ERR(narc * sizeof *m->front);
        goto done;
    }
    memcpy(m->front, arc, narc * sizeof *arc);
    for (size_t i = 0; i < narc; i++) {
        int ex = s.exhaustive == 0 || (s.exhaustive == 1 && i + 1 == narc);
        if ((st = final_check(&m->front[i], &dd, t, a, b, ex))) goto done;
    }
    /* the tolerance: given, or 1 ULP (float32), or the seed's checked error plus
     * EV_NOISE_MARGIN (double) */
    int no_default = 0;
    if (!s.tol_given && s.prec == EV_DOUBLE) {
        if ((st = final_check(&seed, &dd, t, a, b, 0))) goto done;
        /* a seed whose relative error is 1/2 or more is no yardstick (y = 0 has error 1): no
         * polynomial follows f in relative error there, e.g. sqrt(x) on [0, 1], where
         * |x p(x) - sqrt(x)| / sqrt(x) -> 1 as x -> 0 whatever p; the user must say */
        no_default = !(seed.err < 0.5);
        if (!no_default && (st = seed_rejoins(m, &seed, seed.err + EV_NOISE_MARGIN)))
            goto done;
        narc = m->nfront;
    }
    m->tol = s.tol_given || s.prec == EV_FLOAT32 ? s.tol : seed.err + EV_NOISE_MARGIN;
    m->chosen = narc;
    for (size_t i = 0; i < narc && m->chosen == narc && !no_default; i++)
        if (m->front[i].err <= m->tol) m->chosen = i;
    int resolved = m->chosen < narc;
    if (!resolved) {
        m->chosen = 0;
        for (size_t i = 1; i < narc; i++)
            if (m->front[i].err < m->front[m->chosen].err) m->chosen = i;
    }
    /* with --exhaustive chosen, the chosen one is checked too; when its error over every float
     * exceeds the tolerance (the grid missed the peak), the next cheapest within the tolerance
     * on the grid is checked, and so on */
    while (s.exhaustive == 1) {
        ev_member *c = &m->front[m->chosen];
        if (!c->verified && (st = final_check(c, &dd, t, a, b, 1))) goto done;
        if (!resolved || !c->verified || c->err <= m->tol) break;
        size_t next = narc;
        for (size_t i = m->chosen + 1; i < narc && next == narc; i++)
            if (m->front[i].err <= m->tol) next = i;
        if (next == narc) {
            resolved = 0;
            m->chosen = 0;
            for (size_t i = 1; i < narc; i++)
                if (m->front[i].err < m->front[m->chosen].err) m->chosen = i;
        } else {
            m->chosen = next;
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
    if ((st = record(meta, m, &s, search_secs, secs - search_secs))) goto done;
    *state = m;
    m = NULL;
    if (!resolved && no_default) {
        const ev_model *got = *state;
        st = UA_ERR(UA_ENOTRESOLVED, "evolve: no default tolerance on [%g, %g]: the seed "
                    "polynomial of degree %d has a relative error of %.6g, and the default is "
                    "that error only below 1/2 (no polynomial follows the target in relative "
                    "error there: a zero at an end of non-integer order, as sqrt(x) at 0, or too "
                    "wide a range of magnitudes); give --tol (the most accurate program found: "
                    "%.6g relative, %d ops)", a, b, seed_degree,
                    seed.err, got->front[got->chosen].err, got->front[got->chosen].ops);
    } else if (!resolved) {
        const ev_model *got = *state;
        st = UA_ERR(UA_ENOTRESOLVED, "evolve: no program of the front is within the tolerance "
                    "%g (the best: %g %s)", got->tol, got->front[got->chosen].err,
                    s.prec == EV_FLOAT32 ? "ULP" : "relative");
    }
done:
    ev_model_free(m);
    free(buf);
    free(xf);
    free(pop);
    free(arc);
    free(f2);
    free(rank);
    free(crowd);
    free(idx);
    return st;
}

void ev_model_free(ev_model *m)
{
    if (!m) return;
    free(m->front);
    free(m);
}

double ev_model_eval(const ev_model *m, double x)
{
    if (!(x >= m->a && x <= m->b)) return NAN;
    const ev_prog *g = &m->front[m->chosen].prog;
    if (m->precision == EV_FLOAT32) return (double)ev_eval1_f32(g, ev_to_float(x));
    return ev_eval1_f64(g, x);
}
