/*
 * Distillation of an mlp into an mlp with intermediate-representation matching
 * (ua_distill_mlp_hidden, uniapprox/distill.h; FitNets hints, Romero et al. 2015): the student's
 * last hidden layer, through a linear projection P trained alongside, is pulled towards the
 * teacher's last hidden layer. The projection is a "probe" network — the student's hidden layers
 * followed by a linear layer of the teacher's hidden width — whose first layers share the
 * student's parameters (the parameter layouts agree up to the last hidden layer, model.c), so
 * the hint's gradient is the probe's ordinary loss gradient (ua_mlp_loss_grad) and train.c needs
 * no hook. docs/compress.md reports the measurement with and without.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "uniapprox/distill.h"
#include "model/family.h"
#include "internal.h"

/* The student's options from the mlp option set: the ones this loop uses. */
static ua_status student_options(const ua_options *so, ua_mlp_options *opt)
{
    ua_mlp_options_default(opt);
    opt->val_frac = 0;
    if (!so) return UA_OK;
    ua_status s = ua_mlp_hidden_parse(ua_options_get(so, "hidden"), opt);
    if (s) return s;
    opt->act = (ua_mlp_act)ua_options_choice(so, "activation");
    opt->dtype = (ua_mlp_dtype)ua_options_choice(so, "dtype");
    opt->epochs = (size_t)ua_options_int(so, "epochs");
    opt->lr = ua_options_real(so, "lr");
    opt->batch = (size_t)ua_options_int(so, "batch");
    opt->seed = (uint64_t)ua_options_int(so, "seed");
    return ua_mlp_options_check(opt);
}

/* Column means and spreads of a (n, w) (spread 1 for a constant column: a dead unit). */
static void standardise(double *a, size_t n, size_t w)
{
    for (size_t j = 0; j < w; j++) {
        double mu = 0, v = 0;
        for (size_t i = 0; i < n; i++) mu += a[i * w + j];
        mu /= (double)n;
        for (size_t i = 0; i < n; i++) v += (a[i * w + j] - mu) * (a[i * w + j] - mu);
        double sd = sqrt(v / (double)n);
        if (!(sd > 1e-12)) sd = 1;
        for (size_t i = 0; i < n; i++) a[i * w + j] = (a[i * w + j] - mu) / sd;
    }
}

ua_status ua_distill_mlp_hidden(const ua_model *teacher, const ua_options *student_opt,
                                const ua_distill_options *o, double weight, ua_model **student,
                                ua_distill_report *rep)
{
    if (!teacher || !student || !rep) return UA_ERR(UA_EINVAL, "distill: NULL argument");
    *student = NULL;
    memset(rep, 0, sizeof *rep);
    ua_distill_options def;
    if (!o) { ua_distill_options_default(&def); o = &def; }
    if (ua_model_family_vtable(teacher) != &ua_family_mlp)
        return UA_ERR(UA_EUNSUPPORTED, "distill: hidden-layer matching takes an mlp teacher (this "
                      "one is %s)", ua_model_family(teacher));
    const ua_mlp *t = ua_model_state(teacher);
    ua_status es = ua_mlp_single_only(t, "distill's hidden-layer matching");
    if (es) return es;
    if (t->L < 2) return UA_ERR(UA_EUNSUPPORTED, "distill: the teacher has no hidden layer");
    if (!(weight >= 0) || !isfinite(weight))
        return UA_ERR(UA_EINVAL, "distill: hidden-matching weight %g must be finite and >= 0", weight);
    if (t->opt.task != UA_TASK_REGRESS)
        return UA_ERR(UA_EUNSUPPORTED, "distill: hidden-layer matching of a classifier");
    size_t nspec;
    if (student_opt && ua_options_spec(student_opt, &nspec) != ua_mlp_option_table)
        return UA_ERR(UA_EUNSUPPORTED, "distill: hidden-layer matching trains an mlp student "
                      "(give --family mlp)");
    ua_mlp_options so;
    ua_status s = student_options(student_opt, &so);
    if (s) return s;
    if (so.nhidden < 1) return UA_ERR(UA_EUNSUPPORTED, "distill: the student has no hidden layer");
    size_t d = t->d, k = t->k, n = o->points, wt = t->width[t->L - 1];
    ua_mlp *m = NULL, *probe = NULL;
    ua_mlp_work w;
    memset(&w, 0, sizeof w);
    double *x = malloc(n * d * sizeof *x), *y = malloc(n * k * sizeof *y);
    double *ht = malloc(n * wt * sizeof *ht), *xz = malloc(n * d * sizeof *xz);
    ua_model *out = NULL;
    double *p = NULL, *pp = NULL, *g = NULL, *gp = NULL, *m1 = NULL, *m2 = NULL, *bx = NULL,
           *by = NULL, *bh = NULL;
    size_t *perm = NULL;
    if (!x || !y || !ht || !xz) { s = UA_ENOMEM_ERR(n * (2 * d + k + wt) * 8); goto done; }
    if ((s = ua_distill_points(teacher, o, n, 0, x))) goto done;
    if ((s = ua_model_predict(teacher, x, n, y))) goto done;
    /* the teacher's last hidden layer at the points, standardised per unit */
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < d; j++) xz[i * d + j] = (x[i * d + j] - t->xs.mean[j]) / t->xs.scale[j];
    if ((s = t->ops->work_alloc(t, n, &w))) goto done;
    t->ops->load(t, &w, xz, NULL, NULL, n);
    t->ops->forward(t, t->params, &w, n);
    t->ops->to_double(w.h[t->L - 2], ht, n * wt);
    t->ops->work_free(&w);
    memset(&w, 0, sizeof w);
    standardise(ht, n, wt);

    /* the student, standardised on the points, and its probe */
    if ((s = ua_mlp_alloc(d, k, &so, &m))) goto done;
    ua_mlp_fold_multipliers(m);
    ua_scaler_free(&m->xs);
    ua_scaler_free(&m->ys);
    if ((s = ua_scaler_fit(x, n, d, &m->xs)) || (s = ua_scaler_fit(y, n, k, &m->ys))) goto done;
    memcpy(xz, x, n * d * sizeof *xz);
    ua_scaler_apply(&m->xs, xz, n);
    ua_scaler_apply(&m->ys, y, n);
    ua_mlp_options po = so;
    if ((s = ua_mlp_alloc(d, wt, &po, &probe))) goto done;
    ua_mlp_fold_multipliers(probe);
    size_t P = m->nparams, shared = m->off_w[m->L - 1], tail = probe->nparams - shared;
    size_t B = so.batch < n ? so.batch : n, T = P + tail;
    p = malloc(T * sizeof *p);
    pp = malloc(probe->nparams * sizeof *pp);
    g = malloc(P * sizeof *g);
    gp = malloc(probe->nparams * sizeof *gp);
    m1 = calloc(T, sizeof *m1);
    m2 = calloc(T, sizeof *m2);
    bx = malloc(B * d * sizeof *bx);
    by = malloc(B * k * sizeof *by);
    bh = malloc(B * wt * sizeof *bh);
    perm = malloc(n * sizeof *perm);
    if (!p || !pp || !g || !gp || !m1 || !m2 || !bx || !by || !bh || !perm) {
        s = UA_ENOMEM_ERR(4 * T * 8);
        goto done;
    }
    ua_mlp_get_params(m, p);
    ua_mlp_get_params(probe, pp);
    memcpy(p + P, pp + shared, tail * sizeof *p); /* P and c start from the probe's init */
    for (size_t i = 0; i < n; i++) perm[i] = i;
    ua_rng rng;
    ua_rng_seed(&rng, so.seed ^ 0x5bd1e995u);
    size_t step = 0, steps = so.epochs * (n / B);
    for (size_t ep = 0; ep < so.epochs; ep++) {
        for (size_t i = n; i > 1; i--) {
            size_t j = (size_t)(ua_rng_uniform(&rng) * (double)i);
            if (j >= i) j = i - 1;
            size_t tmp = perm[i - 1]; perm[i - 1] = perm[j]; perm[j] = tmp;
        }
        for (size_t b0 = 0; b0 + B <= n; b0 += B) {
            for (size_t i = 0; i < B; i++) {
                memcpy(bx + i * d, xz + perm[b0 + i] * d, d * sizeof *bx);
                memcpy(by + i * k, y + perm[b0 + i] * k, k * sizeof *by);
                memcpy(bh + i * wt, ht + perm[b0 + i] * wt, wt * sizeof *bh);
            }
            double loss;
            if ((s = ua_mlp_set_params(m, p))) goto done;
            if ((s = ua_mlp_loss_grad(m, bx, by, B, k, &loss, g, NULL))) goto done;
            if (weight > 0) {
                memcpy(pp, p, shared * sizeof *pp);
                memcpy(pp + shared, p + P, tail * sizeof *pp);
                if ((s = ua_mlp_set_params(probe, pp))) goto done;
                if ((s = ua_mlp_loss_grad(probe, bx, bh, B, wt, &loss, gp, NULL))) goto done;
            }
            step++;
            /* Adam with the cosine schedule of train.c's default */
            double lr = so.lr * 0.5 * (1 + cos(3.14159265358979323846 * (double)step / (double)(steps + 1)));
            double c1 = 1 - pow(0.9, (double)step), c2 = 1 - pow(0.999, (double)step);
            for (size_t i = 0; i < T; i++) {
                double gi = i < P ? g[i] + (i < shared && weight > 0 ? weight * gp[i] : 0)
                                  : (weight > 0 ? weight * gp[shared + (i - P)] : 0);
                m1[i] = 0.9 * m1[i] + 0.1 * gi;
                m2[i] = 0.999 * m2[i] + 0.001 * gi * gi;
                p[i] -= lr * (m1[i] / c1) / (sqrt(m2[i] / c2) + 1e-8);
            }
        }
    }
    if ((s = ua_mlp_set_params(m, p))) goto done;
    m->report.epochs_run = so.epochs;

    /* fresh points: the student against the teacher */
    size_t nc = o->check_points;
    free(x);
    free(y);
    x = malloc(nc * d * sizeof *x);
    y = malloc(2 * nc * k * sizeof *y);
    if (!x || !y) { s = UA_ENOMEM_ERR(nc * (d + 2 * k) * 8); goto done; }
    if ((s = ua_distill_points(teacher, o, nc, 1, x))) goto done;
    if ((s = ua_model_predict(teacher, x, nc, y))) goto done;
    if ((s = ua_mlp_predict(m, x, nc, y + nc * k))) goto done;
    ua_distill_diff(y + nc * k, y, nc * k, &rep->rmse, &rep->max_abs);
    double t2 = 0;
    for (size_t i = 0; i < nc * k; i++) t2 += y[i] * y[i];
    rep->teacher_rms = sqrt(t2 / (double)(nc * k));
    rep->points = nc;
    rep->source = o->data_x ? "data" : "box";
    rep->problem = "samples";
    size_t bd;
    const double *blo, *bhi;
    ua_model_box(teacher, &bd, &blo, &bhi);
    ua_mlp *owned = m;
    m = NULL;
    s = bd ? ua_model_wrap_box("mlp", owned, NULL, bd, blo, bhi, &out)
           : ua_model_wrap("mlp", owned, NULL, -INFINITY, INFINITY, &out);
    if (s) goto done;
    char buf[64];
    s = ua_model_set_meta(out, "distilled_from", "mlp");
    if (!s) s = ua_model_set_meta(out, "distill_source", rep->source);
    snprintf(buf, sizeof buf, "%zu", n);
    if (!s) s = ua_model_set_meta(out, "distill_points", buf);
    if (!s) s = ua_model_set_meta(out, "distill_hidden_weight", ua_fmt_double(buf, weight));
    if (!s) s = ua_model_set_meta(out, "distill_rmse", ua_fmt_double(buf, rep->rmse));
    if (!s) s = ua_model_set_meta(out, "distill_max_abs", ua_fmt_double(buf, rep->max_abs));
    if (!s) { *student = out; out = NULL; }
done:
    if (w.B) t->ops->work_free(&w);
    ua_model_free(out);
    ua_mlp_free(m);
    ua_mlp_free(probe);
    free(x); free(y); free(ht); free(xz); free(p); free(pp); free(g); free(gp); free(m1);
    free(m2); free(bx); free(by); free(bh); free(perm);
    return s;
}
