/*
 * src/pde/train.c — the pde family's fit: a network trained on the residual and the conditions
 * (loss.c) by Adam, with the interior points resampled every resample-period steps where the
 * residual is large (RAD: density proportional to |R|^k / mean |R|^k + c, Wu, Zhu, Tan, Kartha
 * & Lu 2023, in the spirit of adversarial adaptive sampling), then L-BFGS on the last points.
 * Afterwards the model is measured against the exact or reference solution on a uniform grid
 * (relative L2 and max error), never by its training loss; the engine's ua_model_measure then
 * gives the verdict on its own points.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "core/internal.h"
#include "model/family.h"
#include "train/train.h"
#include "loss.h"
#include "plot.h"

/* Parses "32x32x32" into widths. */
static ua_status parse_hidden(const char *t, size_t *w, size_t *n)
{
    *n = 0;
    const char *p = t;
    while (*p) {
        char *end;
        long v = strtol(p, &end, 10);
        if (end == p || v < 1 || v > UA_PDE_MAX_WIDTH || *n == UA_PDE_MAX_LAYERS)
            return UA_ERR(UA_EINVAL, "--hidden '%s': expected up to %d widths in [1, %d] "
                          "joined by x, as 32x32x32", t, UA_PDE_MAX_LAYERS, UA_PDE_MAX_WIDTH);
        w[(*n)++] = (size_t)v;
        p = end;
        if (*p == 'x') p++;
        else if (*p) return UA_ERR(UA_EINVAL, "--hidden '%s': expected widths joined by x", t);
    }
    if (!*n) return UA_ERR(UA_EINVAL, "--hidden is empty: give widths such as 32x32x32");
    return UA_OK;
}

/* Parses causal-epsilon "e1,e2,...": up to 16 numbers > 0, increasing; "0": off (n = 0). */
static ua_status parse_eps(const char *t, double *e, size_t *n)
{
    *n = 0;
    char *end0;
    double v0 = strtod(t, &end0);
    if (end0 != t && !*end0 && v0 == 0) return UA_OK;
    const char *p = t;
    while (*p) {
        char *end;
        double v = strtod(p, &end);
        if (end == p || !isfinite(v) || !(v > 0) || *n == 16 || (*n && v < e[*n - 1]))
            return UA_ERR(UA_EINVAL, "--causal-epsilon '%s': expected up to 16 increasing "
                          "numbers > 0 joined by commas, as 0.01,0.1,1,10,100 (0: off)", t);
        e[(*n)++] = v;
        p = end;
        if (*p == ',') p++;
        else if (*p) return UA_ERR(UA_EINVAL, "--causal-epsilon '%s': expected numbers "
                                   "joined by commas", t);
    }
    if (!*n) return UA_ERR(UA_EINVAL, "--causal-epsilon is empty: give eps such as 10 or "
                           "0.01,0.1,1,10,100 (0: off)");
    return UA_OK;
}

/* "W_PDE,W_BC": exactly two numbers (one number, "1", was taken as both weights, and "1," as
 * 1,0: neither is what the option says). */
static ua_status parse_weights(const char *t, double *wp, double *wb)
{
    char *end, *end2 = NULL;
    *wb = NAN;
    *wp = strtod(t, &end);
    int two = end != t && *end == ',';
    if (two) *wb = strtod(end + 1, &end2);
    if (!two || end2 == end + 1 || *end2 || !isfinite(*wp) || !isfinite(*wb) || *wp < 0 ||
        *wb < 0 || *wp + *wb == 0)
        return UA_ERR(UA_EINVAL, "--loss-weights '%s': expected W_PDE,W_BC (two numbers >= 0 "
                      "joined by a comma, not both 0: the residual's weight, then the "
                      "conditions')", t);
    return UA_OK;
}

/* Resamples the interior points: candidates uniform in the box, nint of them drawn with
 * probability proportional to |R|^k / mean |R|^k + c (with replacement). */
static ua_status resample(ua_pde_loss *L, size_t ncand, double k, double c, ua_rng *r)
{
    const ua_pde_spec *s = L->s;
    ua_pde_points *pt = L->pt;
    size_t d = s->d, nint = pt->nint, C = L->jet.C, chunk = pt->n;
    double *cand = malloc(ncand * d * sizeof *cand), *w = malloc(ncand * sizeof *w);
    double *u = malloc(chunk * C * sizeof *u);
    if (!cand || !w || !u) {
        free(cand), free(w), free(u);
        return UA_ENOMEM_ERR(ncand * d * sizeof *cand);
    }
    for (size_t p = 0; p < ncand; p++)
        for (size_t i = 0; i < d; i++)
            cand[p * d + i] = s->lo[i] + (s->hi[i] - s->lo[i]) * ua_rng_uniform(r);
    double mean = 0;
    for (size_t p0 = 0; p0 < ncand; p0 += chunk) {
        size_t m = ncand - p0 < chunk ? ncand - p0 : chunk;
        ua_pde_net_forward(L->net, &L->jet, &L->w, cand + p0 * d, m, u);
        for (size_t p = 0; p < m; p++) {
            double R = fabs(ua_pde_residual(s, cand + (p0 + p) * d, u + p * C, NULL));
            w[p0 + p] = isfinite(R) ? pow(R, k) : 0;
            mean += w[p0 + p];
        }
    }
    mean /= (double)ncand;
    double total = 0;
    /* a density that vanishes everywhere (zero residual, c = 0) is the uniform one */
    if (!(mean > 0) && !(c > 0)) c = 1;
    for (size_t p = 0; p < ncand; p++) {
        w[p] = (mean > 0 ? w[p] / mean : 0) + c;
        total += w[p];
        w[p] = total; /* the cumulative sum */
    }
    for (size_t q = 0; q < nint; q++) {
        double t = ua_rng_uniform(r) * total;
        size_t lo = 0, hi = ncand - 1;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (w[mid] > t) hi = mid;
            else lo = mid + 1;
        }
        memcpy(pt->x + q * d, cand + lo * d, d * sizeof *cand);
    }
    free(cand), free(w), free(u);
    return UA_OK;
}

double ua_pde_decay_lr(ua_pde_decay kind, double lr, size_t steps, double rate, size_t t)
{
    double x = (double)t / (double)(steps ? steps : 1);
    switch (kind) {
    case UA_PDE_DECAY_INVERSE_TIME: return lr / (1 + rate * x);
    case UA_PDE_DECAY_EXPONENTIAL: return lr * pow(rate, x);
    case UA_PDE_DECAY_STEP: return lr * pow(rate, floor(x));
    case UA_PDE_DECAY_COSINE:
        return lr * (rate + (1 - rate) * 0.5 * (1 + cos(3.14159265358979323846 * fmin(x, 1))));
    default: return lr;
    }
}

static ua_status net_predict(const void *net, const double *x, size_t n, double *u)
{
    return ua_pde_net_predict(net, x, n, u);
}

/* Before training: the residual at every collocation point with the initial network (finite)
 * must be finite, else the equation is not finite there (a source term such as log(x - 0.5) on
 * part of the box): UA_EDOMAIN naming the equation and the point. A finite residual with a loss
 * that is not finite is the weights' doing (--loss-weights 1e308,1e308): UA_EINVAL. */
static ua_status check_start(ua_pde_loss *L, const ua_pde_points *pt, double wp, double wb)
{
    const ua_pde_spec *s = L->s;
    double loss = ua_pde_loss_eval(L, L->net->theta, NULL);
    if (isfinite(loss)) return UA_OK;
    for (size_t p = 0; p < pt->nint; p++) {
        if (isfinite(L->r[p])) continue;
        char at[256];
        size_t len = 0;
        for (size_t i = 0; i < s->d && len < sizeof at - 32; i++)
            len += (size_t)snprintf(at + len, sizeof at - len, "%s%.17g", i ? ", " : "",
                                    pt->x[p * s->d + i]);
        size_t n = strlen(s->equation);
        return UA_ERR(UA_EDOMAIN, "pde: the equation \"%.*s%s\" is not finite at the "
                      "collocation point (%s) of the box: it must be finite on the whole box",
                      (int)(n > 80 ? 77 : n), s->equation, n > 80 ? "..." : "", at);
    }
    return UA_ERR(UA_EINVAL, "pde: the initial loss overflows (%g): --loss-weights %g,%g are "
                  "too large for the residual and condition terms (their products overflow); "
                  "use smaller weights", loss, wp, wb);
}

static ua_status meta_num(ua_model *m, const char *key, double v)
{
    char buf[40];
    snprintf(buf, sizeof buf, "%.6g", v);
    return ua_model_set_meta(m, key, buf);
}

ua_status ua_pde_fit(const ua_problem *p, const ua_options *o, const ua_fit_hooks *hooks,
                     ua_model *meta, void **state)
{
    *state = NULL;
    const ua_pde_spec *s = ua_problem_pde_spec(p);
    if (!s) return UA_ERR(UA_EINVAL, "the pde family fits PDE problems (--pde FILE)");
    size_t hidden[UA_PDE_MAX_LAYERS], nh;
    ua_status st = parse_hidden(ua_options_get(o, "hidden"), hidden, &nh);
    double wp, wb;
    if (!st) st = parse_weights(ua_options_get(o, "loss-weights"), &wp, &wb);
    double ceps[16];
    size_t nceps = 0;
    const char *ctext = ua_options_get(o, "causal-epsilon");
    if (!st && ctext) st = parse_eps(ctext, ceps, &nceps);
    if (st) return st;
    /* ua_pde_plot writes SVG only: another extension would name a file of the wrong format,
     * found before the training (as uniapprox plot refuses what is not .png or .svg) */
    const char *plot_path = ua_options_get(o, "plot");
    size_t plot_len = plot_path ? strlen(plot_path) : 0;
    if (plot_path && (plot_len < 5 || strcmp(plot_path + plot_len - 4, ".svg")))
        return UA_ERR(UA_EINVAL, "--plot '%s': the pde plot is SVG: the file must end in .svg",
                      plot_path);
    size_t cslices = (size_t)ua_options_int(o, "causal-slices");
    double cdelta = ua_options_real(o, "causal-delta");
    ua_pde_act act = (ua_pde_act)ua_options_choice(o, "activation");
    ua_pde_arch arch = (ua_pde_arch)ua_options_choice(o, "net");
    size_t m = (size_t)ua_options_int(o, "features");
    double sigma = ua_options_real(o, "sigma");
    if (isnan(sigma)) sigma = arch == UA_PDE_NET_GAUSSIAN ? 0.1 : 1.0;
    uint64_t seed = (uint64_t)ua_options_int(o, "seed");
    size_t iters = (size_t)ua_options_int(o, "iterations");
    size_t lbfgs = (size_t)ua_options_int(o, "lbfgs-maxiter");
    double lr = ua_options_real(o, "lr");
    ua_pde_decay decay = (ua_pde_decay)ua_options_choice(o, "decay");
    /* --decay-rate and --decay-steps shape a decay: under none they would change nothing */
    if (decay == UA_PDE_DECAY_NONE &&
        (ua_options_given(o, "decay-rate") || ua_options_given(o, "decay-steps")))
        return UA_ERR(UA_EINVAL, "--%s has no effect with --decay none (the default): give "
                      "--decay inverse-time, exponential, step or cosine, or leave it out",
                      ua_options_given(o, "decay-rate") ? "decay-rate" : "decay-steps");
    /* the defaults put the last Adam step (t = iterations - 1) at the end of the decay, so that
     * it runs at lr rate (inverse-time: lr / (1 + rate)) for every count of iterations >= 2:
     * steps = iterations - 1; step: ceil(iterations / 2), floor((iterations - 1) / steps) = 1,
     * the last floor(iterations / 2) steps at lr rate. One Adam step (t = 0) runs at lr. */
    size_t dsteps = ua_options_get(o, "decay-steps") ? (size_t)ua_options_int(o, "decay-steps")
                    : decay == UA_PDE_DECAY_STEP ? (iters + 1) / 2 : iters ? iters - 1 : 0;
    if (dsteps < 1) dsteps = 1;
    double drate = ua_options_real(o, "decay-rate");
    if (isnan(drate)) drate = decay == UA_PDE_DECAY_INVERSE_TIME ? 9 : 0.1;
    /* a refused rate is named as given (1.0000001 is not "1") */
    char rate_text[64];
    const char *rate_given = ua_options_get(o, "decay-rate");
    snprintf(rate_text, sizeof rate_text, "%.40s", rate_given ? rate_given : "");
    if (!rate_given) snprintf(rate_text, sizeof rate_text, "%.17g", drate);
    if ((decay == UA_PDE_DECAY_EXPONENTIAL || decay == UA_PDE_DECAY_STEP) &&
        !(drate > 0 && drate <= 1))
        return UA_ERR(UA_EINVAL, "--decay-rate %s: the %s decay's factor gamma must be in "
                      "(0, 1]", rate_text, decay == UA_PDE_DECAY_STEP ? "step" : "exponential");
    if (decay == UA_PDE_DECAY_COSINE && !(drate >= 0 && drate <= 1))
        return UA_ERR(UA_EINVAL, "--decay-rate %s: the cosine decay's final fraction of --lr "
                      "must be in [0, 1]", rate_text);
    size_t nint = (size_t)ua_options_int(o, "num-domain");
    size_t nbnd = (size_t)ua_options_int(o, "num-boundary");
    size_t ninit = (size_t)ua_options_int(o, "num-initial");
    size_t period = (size_t)ua_options_int(o, "resample-period");
    double rk = ua_options_real(o, "resample-k"), rc = ua_options_real(o, "resample-c");
    size_t ncand = ua_options_get(o, "resample-candidates")
                       ? (size_t)ua_options_int(o, "resample-candidates") : 10 * nint;
    double tol = ua_options_real(o, "tol");
    if (ncand < nint) return UA_ERR(UA_EINVAL, "--resample-candidates %zu is below --num-domain "
                                    "%zu", ncand, nint);

    /* the work space keeps every layer's jets of every training point: refuse what cannot fit
     * before allocating (points x channels x widths x (A, Z, gradients) doubles) */
    double wsum = 2 * (double)s->d + 2;
    for (size_t l = 0; l < nh; l++) wsum += 3 * (double)hidden[l];
    double npts = (double)nint + (double)s->nconds * (double)(nbnd > ninit ? nbnd : ninit);
    double bytes = 8.0 * npts * (double)(1 + s->d + s->npairs) * wsum;
    if (bytes > 16.0 * 1024 * 1024 * 1024)
        return UA_ERR(UA_EINVAL, "pde fit: %.0f training points with --hidden %s need about "
                      "%.3g GiB of jets (at most 16): reduce --num-domain, --num-boundary or "
                      "--hidden", npts, ua_options_get(o, "hidden"), bytes / 1073741824.0);
    ua_pde_net *net = calloc(1, sizeof *net);
    if (!net) return UA_ENOMEM_ERR(sizeof *net);
    st = ua_pde_net_init(net, s->d, s->lo, s->hi, act, arch, m, hidden, nh);
    if (st) {
        free(net);
        return st;
    }
    ua_pde_net_randomize(net, seed, sigma);
    /* hard constraints: u = g + D N enforces the Dirichlet and initial conditions */
    int hard = ua_options_choice(o, "output-transform") == 0 && s->transform_g;
    if (hard && (st = ua_pde_spec_transform(s, &net->T))) {
        ua_pde_net_free(net);
        free(net);
        return st;
    }
    ua_pde_points pt;
    ua_pde_loss L;
    memset(&L, 0, sizeof L);
    st = ua_pde_points_make(s, nint, nbnd, ninit, hard, seed ^ 0x9e3779b97f4a7c15ull, &pt);
    if (!st) st = ua_pde_loss_init(&L, s, net, &pt, wp, wb);
    if (!st) st = check_start(&L, &pt, wp, wb);
    size_t P = net->P;
    double *g = malloc(P * sizeof *g), *m1 = calloc(P, sizeof *m1), *m2 = calloc(P, sizeof *m2);
    if (!st && (!g || !m1 || !m2)) st = UA_ENOMEM_ERR(P * sizeof *g);
    cJSON *curve = cJSON_CreateArray();
    if (!st && !curve) st = UA_ENOMEM_ERR(64);
    size_t total = iters + lbfgs, every = total / 100 ? total / 100 : 1;
    double t0 = ua_train_now(), loss = NAN;
    ua_rng rr;
    ua_rng_seed(&rr, seed + 7);
    size_t nres = 0, cat = 0; /* cat: the causal eps in use */
    double lr_t = lr;          /* the learning rate of the last Adam step */
    /* the GEMMs are small ((points x channels) x width x width) and the residual's OpenMP loop
     * runs between them: OpenBLAS's spinning pool and the OpenMP team competed for the cores
     * (measured on the shared 2-core machine at load 14: 300 Adam steps of Allen-Cahn 46 s
     * threaded, 19 s in one thread; docs/pde.md, "Profile") */
    int blas_prev = ua_blas_threads_quiet();
    if (!st && nceps) st = ua_pde_loss_set_causal(&L, ceps[0], cslices);
    for (size_t t = 0; !st && t < iters; t++) {
        if (period && t && t % period == 0) {
            st = resample(&L, ncand, rk, rc, &rr);
            nres++;
            if (st) break;
        }
        loss = ua_pde_loss_eval(&L, net->theta, g);
        if (!isfinite(loss)) {
            st = UA_ERR(UA_EDIVERGED, "pde: the loss is not finite at Adam step %zu (try a "
                        "smaller --lr)", t + 1);
            break;
        }
        lr_t = ua_pde_decay_lr(decay, lr, dsteps, drate, t);
        ua_train_adam_f64(net->theta, g, m1, m2, P, lr_t, 0.9, 0.999, 1e-8, 0, 0, t + 1);
        /* the paper's annealing: the next eps once every slice's weight exceeds delta */
        if (nceps && L.causal_min_w > cdelta && cat + 1 < nceps)
            st = ua_pde_loss_set_causal(&L, ceps[++cat], cslices);
        if (t % every == 0) {
            cJSON *pnt = cJSON_CreateArray();
            cJSON_AddItemToArray(pnt, cJSON_CreateNumber((double)t));
            cJSON_AddItemToArray(pnt, cJSON_CreateNumber(loss));
            cJSON_AddItemToArray(curve, pnt);
            if (hooks && hooks->epoch)
                hooks->epoch(hooks->ctx, t + 1, total, loss, NAN, lr_t, ua_train_now() - t0, 0);
        }
    }
    /* L-BFGS and the reported loss: the plain residual (weights that move with the parameters
     * would break the line search) */
    double causal_final_w = L.causal_min_w;
    if (!st) st = ua_pde_loss_set_causal(&L, 0, 0);
    size_t lbfgs_done = 0;
    if (!st && lbfgs) {
        ua_train_lbfgs lb;
        st = ua_train_lbfgs_alloc(P, 50, &lb);
        if (!st) {
            loss = ua_pde_loss_eval(&L, net->theta, g);
            for (size_t t = 0; t < lbfgs; t++) {
                int done = ua_train_lbfgs_iter(&lb, ua_pde_loss_fg, &L, net->theta, &loss, g);
                lbfgs_done++;
                if ((iters + t) % every == 0 || done) {
                    cJSON *pnt = cJSON_CreateArray();
                    cJSON_AddItemToArray(pnt, cJSON_CreateNumber((double)(iters + t)));
                    cJSON_AddItemToArray(pnt, cJSON_CreateNumber(loss));
                    cJSON_AddItemToArray(curve, pnt);
                    if (hooks && hooks->epoch)
                        hooks->epoch(hooks->ctx, iters + t + 1, total, loss, NAN, 0,
                                     ua_train_now() - t0, 0);
                }
                if (done || !isfinite(loss)) break;
            }
            ua_train_lbfgs_free(&lb);
        }
    }
    ua_blas_threads_quiet_restore(blas_prev);
    double res_rms = NAN;
    if (!st) {
        /* the final loss's parts, and the residual's RMS at the training points */
        loss = ua_pde_loss_eval(&L, net->theta, NULL);
        double ss = 0;
        for (size_t q = 0; q < pt.nint; q++) ss += L.r[q] * L.r[q];
        res_rms = sqrt(ss / (double)(pt.nint ? pt.nint : 1));
    }
    ua_pde_errors ge;
    memset(&ge, 0, sizeof ge);
    if (!st) st = ua_pde_grid_errors(s, net_predict, net, 0, &ge);
    double rel_l2 = ge.rel_l2, max_abs = ge.max_abs, umax = ge.scale;
    size_t used = ge.npoints;
    if (!st) st = meta_num(meta, "rel_l2_err", rel_l2);
    if (!st) st = meta_num(meta, "grid_max_abs_err", max_abs);
    if (!st) st = meta_num(meta, "grid_points", (double)used);
    if (!st) st = meta_num(meta, "residual_rms", res_rms);
    if (!st) st = meta_num(meta, "final_loss", loss);
    if (!st) st = meta_num(meta, "loss_pde", L.last_pde);
    if (!st) st = meta_num(meta, "loss_bc", L.last_bc);
    if (!st) st = meta_num(meta, "resamples", (double)nres);
    if (!st) st = meta_num(meta, "lbfgs_iterations_done", (double)lbfgs_done);
    if (!st) st = meta_num(meta, "parameters", (double)P);
    if (!st && iters) st = meta_num(meta, "lr_final", lr_t);
    if (!st && nceps && s->has_time) st = meta_num(meta, "causal_epsilon_reached", ceps[cat]);
    if (!st && nceps && s->has_time) st = meta_num(meta, "causal_min_weight", causal_final_w);
    if (!st) st = ua_model_set_meta(meta, "solution", s->reference_text);
    if (!st) st = ua_model_set_meta(meta, "equation", s->equation);
    if (!st) st = ua_model_set_meta(meta, "constraints", hard ? s->transform_note
                                    : s->transform_g ? "penalties (--output-transform none)"
                                    : s->transform_note);
    if (!st && hard) {
        char *t = malloc(strlen(s->transform_g) + strlen(s->transform_D) + 64);
        if (!t) st = UA_ENOMEM_ERR(64);
        else {
            sprintf(t, "u = g + D N, g = %s, D = %s", s->transform_g, s->transform_D);
            st = ua_model_set_meta(meta, "output_transform", t);
            free(t);
        }
    }
    if (!st) {
        char *txt = cJSON_PrintUnformatted(curve);
        st = txt ? ua_model_set_meta(meta, "training_curve", txt) : UA_ENOMEM_ERR(1024);
        free(txt);
    }
    const char *plot = ua_options_get(o, "plot");
    if (!st && plot && plot[0]) st = ua_pde_plot(s, net, plot);
    char worst[200] = "";
    for (size_t i = 0; i < s->d; i++) {
        size_t l = strlen(worst);
        snprintf(worst + l, sizeof worst - l, "%s%s = %.17g", i ? ", " : "", s->names[i],
                 ge.x_max_abs[i]);
    }
    int resolved = 1;
    if (!st && !isnan(tol)) {
        st = meta_num(meta, "tol_abs", 0);
        if (!st) st = meta_num(meta, "tol_scale", tol);
        if (!st) st = meta_num(meta, "tol_rel", 0);
        if (!st) st = meta_num(meta, "estimated_err", umax > 0 ? max_abs / umax : max_abs);
        resolved = max_abs <= tol * umax;
    }
    cJSON_Delete(curve);
    free(g), free(m1), free(m2);
    ua_pde_loss_free(&L);
    ua_pde_points_free(&pt);
    if (st) {
        ua_pde_net_free(net);
        free(net);
        return st;
    }
    *state = net;
    if (!isfinite(max_abs)) /* never "resolved", with or without --tol */
        return UA_ERR(UA_ENOTRESOLVED, "the measured error is not finite: u or the solution is "
                      "NaN or infinite at a point of the fit's grid (the worst at %s)", worst);
    if (!resolved) /* the reason the fit prints; the verdict is still the engine's measurement */
        return UA_ERR(UA_ENOTRESOLVED, "max |u - u_ref| %.3e on the fit's grid exceeds --tol %.3g "
                      "times max|u_ref| %.6g", max_abs, tol, umax);
    return UA_OK;
}
