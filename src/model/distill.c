/*
 * Distillation (uniapprox/distill.h): a student of any family fitted to a teacher model through
 * the public API only — the teacher is a black box behind ua_model_predict.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "uniapprox/distill.h"
#include "core/internal.h"
#include "model/family.h"

void ua_distill_options_default(ua_distill_options *o)
{
    memset(o, 0, sizeof *o);
    o->points = 4000;
    o->jitter = 0.05;
    o->seed = 1;
    o->check_points = 10000;
}

void ua_distill_diff(const double *a, const double *b, size_t nk, double *rmse, double *max_abs)
{
    double s = 0, mx = 0;
    for (size_t i = 0; i < nk; i++) {
        double e = fabs(a[i] - b[i]);
        if (!(e == e)) e = INFINITY; /* NaN: as bad as it gets */
        s += e * e;
        if (e > mx) mx = e;
    }
    *rmse = nk ? sqrt(s / (double)nk) : NAN;
    *max_abs = mx;
}

/* The teacher as a batch function (one output), for students that take FUNCTION problems. */
static ua_status teacher_batch(void *ctx, const double *x, size_t n, double *y)
{
    return ua_model_predict((const ua_model *)ctx, x, n, y);
}

/* n points (n, d) into x: Sobol points skip .. skip + n - 1 mapped to the box, or rows of data
 * drawn with replacement plus N(0, (jitter * column std)^2) noise, reflected into the box. */
static ua_status draw(const ua_distill_options *o, size_t d, const double *lo, const double *hi,
                      const double *colstd, size_t n, size_t skip, uint64_t seed, double *x)
{
    if (!o->data_x) {
        ua_status s = ua_qmc_sobol(d, n, skip, seed, x);
        if (s) return s;
        for (size_t i = 0; i < n; i++)
            for (size_t j = 0; j < d; j++)
                x[i * d + j] = lo[j] + (hi[j] - lo[j]) * x[i * d + j];
        return UA_OK;
    }
    ua_rng r;
    ua_rng_seed(&r, seed ^ (uint64_t)skip);
    for (size_t i = 0; i < n; i++) {
        size_t row = (size_t)(ua_rng_uniform(&r) * (double)o->data_n);
        if (row >= o->data_n) row = o->data_n - 1;
        for (size_t j = 0; j < d; j++) {
            double v = o->data_x[row * d + j] + o->jitter * colstd[j] * ua_rng_normal(&r);
            /* reflected at the box's faces, not clamped onto them: clamping piles points on
             * the same value, which a 1-D spline (distinct x) refuses */
            v = v < lo[j] ? 2 * lo[j] - v : v > hi[j] ? 2 * hi[j] - v : v;
            x[i * d + j] = v < lo[j] ? lo[j] : v > hi[j] ? hi[j] : v;
        }
    }
    return UA_OK;
}

/* The bytes of the drawn points, the teacher's and the student's outputs for the larger of
 * points and check_points; as a double so that a huge count cannot wrap. */
static double distill_bytes(const ua_distill_options *o, size_t d, size_t k)
{
    double n = (double)(o->points > o->check_points ? o->points : o->check_points);
    return n * (double)(d + 2 * k) * (double)sizeof(double);
}

static ua_status check_options(const ua_distill_options *o, size_t d, size_t k)
{
    if (o->points < 1) return UA_ERR(UA_EINVAL, "--points must be >= 1");
    /* refused up front, before any allocation: the drawn arrays alone may take at most half the
     * physical memory (the student's fit needs its own on top) */
    size_t nmax = o->points > o->check_points ? o->points : o->check_points;
    if (nmax > UA_DISTILL_MAX_POINTS)
        return UA_ERR(UA_EINVAL, "%zu points (--points / --check-points): at most %d "
                      "(%.3g GB of points and outputs here)", nmax, UA_DISTILL_MAX_POINTS,
                      distill_bytes(o, d, k) / 1e9);
    double need = distill_bytes(o, d, k), mem = ua_phys_memory();
    if (mem > 0 ? need > 0.5 * mem : need > 0x1p40)
        return UA_ERR(UA_EINVAL, "%zu points of %zu inputs and %zu outputs need %.3g GB "
                      "for the points and outputs alone, more than half of the %.3g GB of memory; "
                      "give fewer --points / --check-points",
                      o->points > o->check_points ? o->points : o->check_points, d, k,
                      need / 1e9, mem / 1e9);
    if (o->check_points < 1) return UA_ERR(UA_EINVAL, "check points must be >= 1");
    if (!(o->jitter >= 0) || !isfinite(o->jitter))
        return UA_ERR(UA_EINVAL, "jitter %g must be finite and >= 0", o->jitter);
    if (o->data_x) {
        if (o->data_n < 1) return UA_ERR(UA_EINVAL, "the data has no rows");
        size_t bad = ua_first_nonfinite(o->data_x, o->data_n * d);
        if (bad < o->data_n * d)
            return UA_ERR(UA_EINVAL, "data row %zu, column %zu is not finite",
                          bad / d + 1, bad % d + 1);
    }
    if ((o->lo == NULL) != (o->hi == NULL)) return UA_ERR(UA_EINVAL, "give both lo and hi");
    for (size_t j = 0; o->lo && j < d; j++)
        if (!(o->lo[j] < o->hi[j]) || !isfinite(o->lo[j]) || !isfinite(o->hi[j]))
            return UA_ERR(UA_EINVAL, "box variable %zu: need finite lo < hi (%g, %g)", j,
                          o->lo[j], o->hi[j]);
    return UA_OK;
}

/* The box of the distillation into lo, hi (d,); colstd (d,) the data's column spreads. */
static ua_status find_box(const ua_model *t, const ua_distill_options *o, size_t d, double *lo,
                          double *hi, double *colstd)
{
    size_t bd = 0;
    const double *blo = NULL, *bhi = NULL;
    double a = NAN, b = NAN;
    ua_model_box(t, &bd, &blo, &bhi);
    if (bd == 0 && d == 1) {
        ua_model_domain(t, &a, &b);
        if (isfinite(a) && isfinite(b) && a < b) { bd = 1; blo = &a; bhi = &b; }
    }
    for (size_t j = 0; j < d; j++) {
        double mean = 0, m2 = 0, mn = INFINITY, mx = -INFINITY;
        for (size_t i = 0; o->data_x && i < o->data_n; i++) {
            double v = o->data_x[i * d + j], dl = v - mean;
            mean += dl / (double)(i + 1);
            m2 += dl * (v - mean);
            if (v < mn) mn = v;
            if (v > mx) mx = v;
        }
        colstd[j] = o->data_n > 1 ? sqrt(m2 / (double)(o->data_n - 1)) : 0;
        if (o->lo) { lo[j] = o->lo[j]; hi[j] = o->hi[j]; }
        else if (bd == d) { lo[j] = blo[j]; hi[j] = bhi[j]; }
        else if (o->data_x) {
            /* the data's bounding box, widened by the jitter so jittered rows are not all
               clamped onto its faces; a constant column gets a unit-free margin */
            double pad = 3 * o->jitter * colstd[j];
            if (!(mx - mn + 2 * pad > 0)) pad = fabs(mn) > 0 ? 1e-6 * fabs(mn) : 1e-6;
            lo[j] = mn - pad;
            hi[j] = mx + pad;
        } else {
            return UA_ERR(UA_EUNSUPPORTED, "the %s teacher has no box (a model of "
                          "samples): give the box (--domain a:b,c:d,...) or its training inputs "
                          "(--data TRAIN)", ua_model_family(t));
        }
    }
    return UA_OK;
}

ua_status ua_distill_points(const ua_model *teacher, const ua_distill_options *o, size_t n,
                            int fresh, double *x)
{
    if (!teacher || !o || !x) return UA_ERR(UA_EINVAL, "ua_distill_points: NULL argument");
    size_t d, k;
    ua_model_dims(teacher, &d, &k);
    if (d < 1 || d > UA_QMC_MAX_DIM)
        return UA_ERR(UA_EUNSUPPORTED, "the teacher has %zu inputs (distillation takes 1 .. %d)", d,
                      UA_QMC_MAX_DIM);
    ua_status s = check_options(o, d, k);
    if (s) return s;
    double *lo = malloc(3 * d * sizeof *lo);
    if (!lo) return UA_ENOMEM_ERR(3 * d * sizeof *lo);
    double *hi = lo + d, *colstd = hi + d;
    s = find_box(teacher, o, d, lo, hi, colstd);
    if (!s) s = fresh ? draw(o, d, lo, hi, colstd, n, o->points + 1, o->seed + 0x9e3779b97f4a7c15ull, x)
                      : draw(o, d, lo, hi, colstd, n, 0, o->seed, x);
    free(lo);
    return s;
}

/* UA_EDOMAIN when the teacher's predictions y (n, k) at x (n, d) are not all finite: names the
 * first such point and, where the teacher has a box, whether the point lies outside it (a
 * teacher is often NaN beyond the box it was made on) and the box to give instead. */
static ua_status check_teacher(const ua_model *teacher, const double *x, const double *y,
                               size_t n, size_t d, size_t k)
{
    size_t bad = ua_first_nonfinite(y, n * k);
    if (bad >= n * k) return UA_OK;
    const double *pt = x + (bad / k) * d;
    char at[256] = "", box[256] = "";
    size_t bd, len = 0;
    const double *blo, *bhi;
    ua_model_box(teacher, &bd, &blo, &bhi);
    int outside = 0;
    for (size_t j = 0; j < d && len < sizeof at - 40; j++)
        len += (size_t)snprintf(at + len, sizeof at - len, "%s%.17g", j ? ", " : "", pt[j]);
    for (size_t j = 0, bl = 0; bd == d && j < d && bl < sizeof box - 60; j++) {
        outside |= !(pt[j] >= blo[j] && pt[j] <= bhi[j]);
        bl += (size_t)snprintf(box + bl, sizeof box - bl, "%s[%.17g, %.17g]", j ? " x " : "",
                               blo[j], bhi[j]);
    }
    const char *open = d > 1 ? "(" : "", *close = d > 1 ? ")" : "";
    if (bd == d && outside)
        return UA_ERR(UA_EDOMAIN, "the %s teacher is %g at x = %s%s%s, outside its box %s: give "
                      "--domain within it (the teacher's values beyond its box are not defined)",
                      ua_model_family(teacher), y[bad], open, at, close, box);
    if (bd == d)
        return UA_ERR(UA_EDOMAIN, "the %s teacher is %g at x = %s%s%s, inside its box %s: it "
                      "cannot be distilled there", ua_model_family(teacher), y[bad], open, at,
                      close, box);
    return UA_ERR(UA_EDOMAIN, "the %s teacher is %g at x = %s%s%s: give --domain or --data "
                  "where it is finite", ua_model_family(teacher), y[bad], open, at, close);
}

ua_status ua_distill(const ua_model *teacher, const char *family, const ua_options *opt,
                     const ua_distill_options *o, const ua_fit_hooks *hooks, ua_model **student,
                     ua_distill_report *rep)
{
    if (!student || !rep) return UA_ERR(UA_EINVAL, "NULL output");
    *student = NULL;
    memset(rep, 0, sizeof *rep);
    if (!teacher || !family) return UA_ERR(UA_EINVAL, "NULL teacher or family");
    ua_distill_options def;
    if (!o) { ua_distill_options_default(&def); o = &def; }
    ua_problem_kind tk = ua_model_kind(teacher);
    if (tk == UA_PROBLEM_SEQUENCES || tk == UA_PROBLEM_GRAPHS)
        return UA_ERR(UA_EUNSUPPORTED, "the teacher is a %s model; a model file keeps "
                      "no distribution of %s to draw the student's inputs from (%s), so "
                      "distillation takes box and samples models only", ua_problem_kind_name(tk),
                      ua_problem_kind_name(tk), tk == UA_PROBLEM_SEQUENCES ? "token range, lengths"
                                                                           : "sizes, features, edges");
    ua_family_info info;
    ua_status s = ua_family_info_get(family, &info);
    if (s) return s;
    size_t d, k;
    ua_model_dims(teacher, &d, &k);
    if (d < 1 || d > UA_QMC_MAX_DIM)
        return UA_ERR(UA_EUNSUPPORTED, "the teacher has %zu inputs (distillation takes 1 .. %d)", d,
                      UA_QMC_MAX_DIM);
    if ((s = check_options(o, d, k))) return s;
    int as_samples = (info.accepts & UA_ACCEPTS(UA_PROBLEM_SAMPLES)) != 0;
    if (!as_samples && !(info.accepts & UA_ACCEPTS(UA_PROBLEM_FUNCTION)))
        return UA_ERR(UA_EUNSUPPORTED, "the %s family takes neither samples nor "
                      "functions of a box", family);
    if (!as_samples && k != 1)
        return UA_ERR(UA_EUNSUPPORTED, "the %s family fits one output; the teacher "
                      "has %zu", family, k);

    double *lo = malloc(3 * d * sizeof *lo);
    size_t nmax = o->points > o->check_points ? o->points : o->check_points;
    double *x = malloc(nmax * d * sizeof *x), *y = malloc(nmax * k * sizeof *y);
    double *ys = malloc(nmax * k * sizeof *ys);
    ua_problem *p = NULL;
    ua_model *st = NULL;
    if (!lo || !x || !y || !ys) { s = UA_ENOMEM_ERR(nmax * (d + 2 * k) * sizeof(double)); goto done; }
    double *hi = lo + d, *colstd = hi + d;
    if ((s = find_box(teacher, o, d, lo, hi, colstd))) goto done;

    if (as_samples) {
        if ((s = draw(o, d, lo, hi, colstd, o->points, 0, o->seed, x))) goto done;
        /* a 1-D student of samples (cheb, spline) is defined on the hull of its points: the
         * box's two ends are among them, so that it covers the whole box it is checked on */
        if (d == 1 && o->points >= 2) {
            x[0] = lo[0];
            x[1] = hi[0];
        }
        if ((s = ua_model_predict(teacher, x, o->points, y))) goto done;
        if ((s = check_teacher(teacher, x, y, o->points, d, k))) goto done;
        if ((s = ua_problem_samples(x, y, o->points, d, k, &p))) goto done;
    } else {
        if ((s = ua_problem_callback_batch(teacher_batch, (void *)teacher, d, lo, hi,
                                           "the teacher model", &p)))
            goto done;
    }
    ua_status fs = ua_fit(p, family, opt, hooks, &st);
    if (fs != UA_OK && fs != UA_ENOTRESOLVED) { s = fs; goto done; }

    /* fresh points: later Sobol points (skip past the training ones), other resampled rows */
    size_t nc = o->check_points;
    if ((s = draw(o, d, lo, hi, colstd, nc, o->points + 1, o->seed + 0x9e3779b97f4a7c15ull, x)))
        goto done;
    if ((s = ua_model_predict(teacher, x, nc, y))) goto done;
    if ((s = check_teacher(teacher, x, y, nc, d, k))) goto done;
    if ((s = ua_model_predict(st, x, nc, ys))) goto done;
    ua_distill_diff(ys, y, nc * k, &rep->rmse, &rep->max_abs);
    size_t bad = ua_first_nonfinite(ys, nc * k);
    if (bad < nc * k || !isfinite(rep->rmse)) {
        /* never "resolved" on a non-finite measurement: the student is kept and says why */
        if (bad < nc * k)
            fs = UA_ERR(UA_ENOTRESOLVED, "the %s student's prediction is not finite at "
                        "check point %zu (x1 = %.17g) of the box", family, bad / k + 1,
                        x[(bad / k) * d]);
        else
            fs = UA_ERR(UA_ENOTRESOLVED, "the student's error against the teacher is "
                        "not finite (rmse %g)", rep->rmse);
    }
    double t2 = 0;
    for (size_t i = 0; i < nc * k; i++) t2 += y[i] * y[i];
    rep->teacher_rms = sqrt(t2 / (double)(nc * k));
    rep->points = nc;
    rep->source = o->data_x ? "data" : "box";
    rep->problem = as_samples ? "samples" : "function";

    char buf[64];
    if ((s = ua_model_set_meta(st, "distilled_from", ua_model_family(teacher)))) goto done;
    if ((s = ua_model_set_meta(st, "distill_source", rep->source))) goto done;
    snprintf(buf, sizeof buf, "%zu", as_samples ? o->points : (size_t)0);
    if ((s = ua_model_set_meta(st, "distill_points", buf))) goto done;
    if ((s = ua_model_set_meta(st, "distill_rmse", ua_fmt_double(buf, rep->rmse)))) goto done;
    if ((s = ua_model_set_meta(st, "distill_max_abs", ua_fmt_double(buf, rep->max_abs)))) goto done;
    *student = st;
    st = NULL;
    s = fs;
done:
    ua_model_free(st);
    ua_problem_free(p);
    free(lo);
    free(x);
    free(y);
    free(ys);
    return s;
}
