/*
 * Choosing the kernel's free hyperparameters (lambda, and gamma / the Matérn length scale / the
 * NNGP-NTK depth) honestly at scale.
 *
 * Stage 1: the scale parameter over a grid, with lambda over its grid for each scale value, on at
 * most select_max rows (a random subset; all rows when n <= select_max): one eigendecomposition
 * per scale value serves every lambda (loo.c, Rifkin & Lippert 2007). The scale grid is extended
 * by factors of 4 while its best value sits on an end (up to fixed limits), then refined by a
 * factor 2 either side; the lambda grid 1e-8 .. 1e2 is extended by decades to 1e-12 .. 1e6 while
 * its best value sits on an end.
 * Stage 2 (LOO only, lambda free): lambda again, at the chosen scale, on min(n, select_lambda_max)
 * rows — the whole data whenever one eigendecomposition of it is affordable — because lambda
 * chosen on a small subset over-regularises the full fit (the subset's noise-to-signal balance is
 * not the full data's), and so that the reported LOO error is the fitted model's own where the
 * rows allow it. What was used is recorded (ua_kernel_selection), never implied.
 * A best value still on an end of its extended grid is recorded as a warning.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "internal.h"

/* The lambda grid: the default decades 1e-8 .. 1e2 are entries LAM_LO .. LAM_HI of the extended
 * 1e-12 .. 1e6. */
#define NLAM_WIDE 19
#define LAM_LO 4
#define LAM_HI 14

/* Scale exponents: gamma = 2^e / d, e in [-16, 12], coarse -6..2; Matérn l = 2^e sqrt(d),
 * e in [-8, 10], coarse -2..4. */
typedef struct {
    int kind; /* 0 none, 1 gamma, 2 length scale, 3 depth */
    int lo, hi, c0, c1;
} scale_axis;

void ua_kspec_fill_defaults(ua_kernel_spec *s, double *lambda, size_t d)
{
    if (!(s->gamma > 0)) s->gamma = 1.0 / (double)d;
    if (!(s->length_scale > 0)) s->length_scale = sqrt((double)d);
    if (s->depth <= 0) s->depth = 2;
    if (lambda && !(*lambda > 0)) *lambda = 1.0;
}

static scale_axis axis_of(const ua_kernel_spec *s)
{
    scale_axis a = {0, 0, 0, 0, 0};
    switch (s->type) {
    case UA_KERNEL_RBF:
    case UA_KERNEL_LAPLACIAN:
        if (!(s->gamma > 0)) a = (scale_axis){1, -16, 12, -6, 2};
        break;
    case UA_KERNEL_MATERN:
        if (!(s->length_scale > 0)) a = (scale_axis){2, -8, 10, -2, 4};
        break;
    case UA_KERNEL_NNGP:
    case UA_KERNEL_NTK:
        if (s->depth <= 0) a = (scale_axis){3, 1, 5, 1, 5};
        break;
    default: break;
    }
    return a;
}

int ua_kernel_has_free_scale(const ua_kernel_spec *s) { return axis_of(s).kind != 0; }

static void set_scale(ua_kernel_spec *c, const scale_axis *a, int e, size_t d)
{
    if (a->kind == 1) c->gamma = ldexp(1.0, e) / (double)d;
    else if (a->kind == 2) c->length_scale = ldexp(sqrt((double)d), e);
    else if (a->kind == 3) c->depth = e;
}

/* The selection's working set: a subset of rows and its buffers. */
typedef struct {
    const ua_kernel_options *o;
    size_t m, d, k;
    double *x, *y, *K;
    size_t *fold;
    const double *cw;
    const double *lams; /* the lambdas evaluated */
    size_t nl;
    int wide;           /* lams is the extended default grid (window logic applies) */
} work_set;

static ua_status work_init(work_set *w, const ua_kernel_options *o, const double *x,
                           const double *y, size_t n, size_t m, size_t d, size_t k, uint64_t seed)
{
    memset(w, 0, sizeof *w);
    w->o = o;
    w->m = m;
    w->d = d;
    w->k = k;
    size_t *idx = malloc(m * sizeof *idx);
    w->fold = malloc(m * sizeof *w->fold);
    w->x = malloc(m * d * sizeof *w->x);
    w->y = malloc(m * k * sizeof *w->y);
    w->K = malloc(m * m * sizeof *w->K);
    ua_status st = UA_OK;
    if (!idx || !w->fold || !w->x || !w->y || !w->K) st = UA_ENOMEM_ERR(m * m * sizeof *w->K);
    ua_rng r;
    ua_rng_seed(&r, seed);
    if (!st && m < n) st = ua_rng_subset(&r, n, m, idx);
    else if (!st)
        for (size_t i = 0; i < m; i++) idx[i] = i;
    for (size_t i = 0; !st && i < m; i++) {
        memcpy(w->x + i * d, x + idx[i] * d, d * sizeof *w->x);
        memcpy(w->y + i * k, y + idx[i] * k, k * sizeof *w->y);
    }
    if (!st && o->select == UA_SELECT_KFOLD) {
        ua_status s2 = ua_rng_subset(&r, m, m, idx);
        if (s2) st = s2;
        for (size_t i = 0; !st && i < m; i++) w->fold[idx[i]] = i % o->folds;
    }
    free(idx);
    return st;
}

static void work_free(work_set *w)
{
    free(w->fold);
    free(w->x);
    free(w->y);
    free(w->K);
}

/* Best lambda index of errs (nl,): on the default grid, the window starts at the default decades
 * and grows by a decade on a side while the best sits on that side's end. *edge: -1 the best is
 * on the lower end of the grid as far as it goes (its end, or the next smaller lambda left K +
 * lambda I too ill-conditioned), +1 the upper end, 0 inside. */
static size_t best_lambda(const work_set *w, const double *errs, int *edge)
{
    size_t lo = w->wide ? LAM_LO : 0, hi = w->wide ? LAM_HI : w->nl - 1, b = lo;
    for (;;) {
        b = lo;
        for (size_t l = lo; l <= hi; l++)
            if (errs[l] < errs[b]) b = l;
        if (w->wide && b == lo && lo > 0 && isfinite(errs[lo - 1])) lo--;
        else if (w->wide && b == hi && hi + 1 < w->nl) hi++;
        else break;
    }
    *edge = 0;
    if (w->nl > 1 && (b == 0 || !isfinite(errs[b - 1]))) *edge = -1;
    if (w->nl > 1 && b + 1 == w->nl) *edge = 1;
    return b;
}

/* The selection error of spec c over every lambda of w: errs, errs_t (nl,). */
static ua_status eval_spec(work_set *w, const ua_kernel_spec *c, double *errs, double *errs_t)
{
    ua_status st = ua_kmat_sym_lower(c, w->x, w->m, w->d, w->K, w->m);
    if (st) return st;
    if (w->o->select == UA_SELECT_KFOLD)
        return ua_krr_kfold_grid(w->K, w->y, w->m, w->k, w->cw, w->fold, w->o->folds, w->lams,
                                 w->nl, errs, errs_t);
    return ua_krr_loo_grid(w->K, w->y, w->m, w->k, w->cw, w->lams, w->nl, errs, errs_t);
}

typedef struct {
    double err, err_t, lambda;
    int lam_edge;
} spec_score;

static ua_status score_spec(work_set *w, const ua_kernel_spec *c, spec_score *sc)
{
    double errs[NLAM_WIDE > 64 ? NLAM_WIDE : 64], errs_t[64];
    double *e = w->nl <= 64 ? errs : malloc(w->nl * sizeof *e);
    double *et = w->nl <= 64 ? errs_t : malloc(w->nl * sizeof *et);
    ua_status st = (!e || !et) ? UA_ENOMEM_ERR(w->nl * sizeof *e) : UA_OK;
    if (!st) st = eval_spec(w, c, e, et);
    if (!st) {
        size_t b = best_lambda(w, e, &sc->lam_edge);
        sc->err = e[b];
        sc->err_t = et[b];
        sc->lambda = w->lams[b];
    }
    if (e != errs) free(e);
    if (et != errs_t) free(et);
    return st;
}

size_t ua_kernel_select_rows_auto(size_t n, double max_mem)
{
    /* stage 2 keeps K (8 m^2 bytes) and dsyevd's workspace (about as much again) */
    double limit = max_mem > 0 ? max_mem : 0.5 * ua_phys_memory();
    size_t m = n < UA_KERNEL_SELECT_LAMBDA_MAX ? n : UA_KERNEL_SELECT_LAMBDA_MAX;
    while (m > 2 && limit > 0 && 16.0 * (double)m * (double)m > limit) m /= 2;
    return m;
}

ua_status ua_kernel_choose(const ua_kernel_options *o, const double *x, const double *y, size_t n,
                           size_t d, size_t k, const double *cw, ua_kernel_spec *spec,
                           double *lambda, double *err, ua_kernel_selection *sel)
{
    memset(sel, 0, sizeof *sel);
    double wide[NLAM_WIDE];
    for (int l = 0; l < NLAM_WIDE; l++) wide[l] = pow(10.0, l - 12);
    /* the decades as the default table has them (exactly the same doubles) */
    for (int l = 0; l < UA_RIDGE_N_DEFAULT_LAMBDAS; l++) wide[LAM_LO + l] = ua_ridge_default_lambdas[l];
    double fixed = *lambda;
    const double *lams = wide;
    size_t nl = NLAM_WIDE;
    int is_wide = 1;
    if (fixed > 0) {
        lams = &fixed;
        nl = 1;
        is_wide = 0;
    } else if (o->lambda_grid) {
        lams = o->lambda_grid;
        nl = o->n_lambda;
        is_wide = 0;
    }
    size_t m1 = n < o->select_max ? n : o->select_max;
    if (m1 < 2) m1 = n;
    work_set w;
    ua_status st = work_init(&w, o, x, y, n, m1, d, k, o->seed);
    w.cw = cw;
    w.lams = lams;
    w.nl = nl;
    w.wide = is_wide;
    scale_axis ax = axis_of(spec);
    spec_score best = {INFINITY, INFINITY, 0, 0};
    ua_kernel_spec best_spec = *spec;
    int best_e = 0;
    /* scores by exponent, evaluated once each */
    enum { EOFF = 20, NE = 48 };
    spec_score score[NE];
    int have[NE] = {0};
#define EVAL(e)                                                                                    \
    do {                                                                                           \
        int e_ = (e);                                                                              \
        if (!st && !have[e_ + EOFF]) {                                                             \
            ua_kernel_spec c_ = *spec;                                                             \
            set_scale(&c_, &ax, e_, d);                                                            \
            ua_kspec_fill_defaults(&c_, NULL, d);                                                  \
            st = score_spec(&w, &c_, &score[e_ + EOFF]);                                           \
            have[e_ + EOFF] = 1;                                                                   \
            if (!st && score[e_ + EOFF].err < best.err) {                                          \
                best = score[e_ + EOFF];                                                           \
                best_spec = c_;                                                                    \
                best_e = e_;                                                                       \
            }                                                                                      \
        }                                                                                          \
    } while (0)
    if (!st && ax.kind == 0) {
        ua_kernel_spec c = *spec;
        ua_kspec_fill_defaults(&c, NULL, d);
        st = score_spec(&w, &c, &best);
        best_spec = c;
    } else if (!st && ax.kind == 3) {
        for (int e = ax.c0; e <= ax.c1; e++) EVAL(e);
    } else if (!st) {
        int emin = ax.c0, emax = ax.c1;
        for (int e = emin; e <= emax; e += 2) EVAL(e);
        /* extend while the best sits on an end of the evaluated range */
        while (!st && isfinite(best.err)) {
            if (best_e == emax && emax + 2 <= ax.hi) EVAL(emax += 2);
            else if (best_e == emin && emin - 2 >= ax.lo) EVAL(emin -= 2);
            else break;
        }
        int centre = best_e;
        if (!st && isfinite(best.err)) {
            EVAL(centre - 1);
            EVAL(centre + 1);
        }
        if (!st && (best_e >= ax.hi || best_e <= ax.lo)) sel->scale_edge = best_e >= ax.hi ? 1 : -1;
    }
#undef EVAL
    if (!st && !isfinite(best.err))
        st = fixed > 0 ? UA_ERR(UA_EDOMAIN, "kernel fit: K + lambda I is not positive definite at "
                                "lambda = %g for any kernel scale tried (lambda is too small for "
                                "these data: raise --lambda; repeated rows make K singular)", fixed)
                       : UA_ERR(UA_EDOMAIN, "kernel fit: no lambda of the grid gives a positive "
                                "definite K + lambda I");
    sel->rows_scale = m1;
    sel->rows_lambda = m1;
    sel->lambda_edge = fixed > 0 ? 0 : best.lam_edge;
    work_free(&w);
    /* stage 2: lambda on the largest affordable set of rows at the chosen scale */
    size_t m2 = ua_kernel_select_rows_auto(n, o->max_memory);
    if (o->select_lambda_max && m2 > o->select_lambda_max) m2 = o->select_lambda_max;
    if (!st && !(fixed > 0) && o->select == UA_SELECT_LOO && m2 > m1) {
        st = work_init(&w, o, x, y, n, m2, d, k, o->seed ^ 0x5e1ec7ULL);
        w.cw = cw;
        w.lams = lams;
        w.nl = nl;
        w.wide = is_wide;
        spec_score s2;
        if (!st) st = score_spec(&w, &best_spec, &s2);
        if (!st && isfinite(s2.err)) {
            best = s2;
            sel->rows_lambda = m2;
            sel->lambda_edge = s2.lam_edge;
        }
        work_free(&w);
    }
    if (!st) {
        *spec = best_spec;
        *lambda = best.lambda;
        *err = best.err_t;
        sel->lambda_limit = best.lambda;
        ua_kernel_selection_warning(sel, spec, d, o->lambda_grid != NULL);
    }
    return st;
}

void ua_kernel_selection_warning(ua_kernel_selection *sel, const ua_kernel_spec *spec, size_t d,
                                 int user_grid)
{
    char *b = sel->warning;
    size_t len = sizeof sel->warning, used = 0;
    b[0] = '\0';
    if (sel->lambda_edge)
        used += (size_t)snprintf(b + used, len - used, "lambda = %g is on the %s end of %s grid",
                                 sel->lambda_limit, sel->lambda_edge < 0 ? "lower" : "upper",
                                 user_grid ? "the given" : "the extended (1e-12 .. 1e6, as far as "
                                 "K + lambda I stays well conditioned)");
    if (sel->scale_edge && used < len) {
        const char *what = spec->type == UA_KERNEL_MATERN ? "length scale" : "gamma";
        double v = spec->type == UA_KERNEL_MATERN ? spec->length_scale : spec->gamma;
        used += (size_t)snprintf(b + used, len - used, "%s%s = %g is on the %s end of its "
                                 "extended grid (%s)", used ? "; " : "", what, v,
                                 sel->scale_edge < 0 ? "lower" : "upper",
                                 spec->type == UA_KERNEL_MATERN ? "2^-8 .. 2^10 sqrt(d)"
                                                                : "2^-16 .. 2^12 / d");
        (void)d;
    }
    if (used && used < len)
        snprintf(b + used, len - used, ": the optimum may lie beyond; give the value or a grid");
}
