/*
 * The rf family's options, declared once as data (uniapprox/options.h), and its vtable fit: a
 * FORMULA or FUNCTION problem in any dimension is sampled (option "samples", quasi-random points
 * of the box), a SAMPLES problem gives its training rows; the fit records what it measured on its
 * own rows (train / test RMSE, the LOO or GCV RMSE of the chosen lambda) and the values it chose
 * (lambda, the fourier gamma) on the model's metadata.
 *
 * Sources: random features (Rahimi & Recht 2007, 2008), bandlimited random weights (the seed's
 * uniform weights in a box), ridge with LOO / GCV (Golub, Heath & Wahba 1979); lambda is also
 * called alpha as in scikit-learn's Ridge.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "train/learn.h"
#include "model/family.h"
#include "uniapprox/blocks.h"
#include "uniapprox/dist.h"
#include "internal.h"

/* Training points drawn from a formula or function when "samples" is not given: 20 per hidden
 * unit of the default 500, so that the ridge fit is well over-determined; O(n m^2) stays a few
 * seconds. */
#define UA_RF_DEFAULT_SAMPLES 10000

const ua_option_spec ua_rf_option_spec[UA_RF_NOPTIONS] = {
    {"features", UA_OPT_INT, "500", 1, 1000000, 0, NULL, "hidden units m",
     "Rahimi & Recht 2008"},
    {"dist", UA_OPT_CHOICE, "gaussian", 0, 0, 0, "gaussian|uniform|fourier",
     "hidden weights: gaussian, uniform (bandlimited, --bandwidth), fourier (random Fourier "
     "features of the rbf kernel exp(-gamma r^2))",
     "Rahimi & Recht 2007 (fourier), 2008; the seed's bandlimited networks (uniform)"},
    {"act", UA_OPT_CHOICE, "relu", 0, 0, 0, "relu|tanh|sigmoid|cos",
     "activation (fourier: always cos; not with --dist fourier)", NULL},
    {"scale", UA_OPT_REAL, "1", 0, INFINITY, 1, NULL,
     "gaussian: standard deviation of the pre-activation a.z", "Rahimi & Recht 2008"},
    {"bandwidth", UA_OPT_REAL, "1", 0, INFINITY, 1, NULL,
     "uniform: weights in [-B, B], so every unit's frequency is at most B sqrt(d)",
     "the seed's bandlimited random weights"},
    {"gamma", UA_OPT_REAL, NULL, 0, INFINITY, 1, NULL,
     "fourier: the rbf gamma (default 1/d; only with --dist fourier)", "Rahimi & Recht 2007"},
    {"lambda", UA_OPT_REAL, NULL, 0, INFINITY, 1, NULL,
     "ridge of the output layer (default: chosen by --select over 1e-8 .. 1e2 by decades)",
     "scikit-learn Ridge alpha"},
    {"alpha", UA_OPT_REAL, NULL, 0, INFINITY, 1, NULL, "the same as --lambda (give one)",
     "scikit-learn Ridge alpha"},
    {"select", UA_OPT_CHOICE, "loo", 0, 0, 0, "loo|gcv",
     "how lambda is chosen: exact leave-one-out or GCV (not with --lambda)",
     "Golub, Heath & Wahba 1979"},
    {"no-standardize", UA_OPT_FLAG, NULL, 0, 0, 0, NULL, "use raw columns", NULL},
    {"seed", UA_OPT_INT, "1", 0, 9007199254740991.0, 0, NULL,
     "the random weights and the drawn training points", NULL},
    {"samples", UA_OPT_INT, NULL, 2, 1e7, 0, NULL,
     "formula / function problems: training points drawn in the box (Sobol; default 10000)",
     "Joe & Kuo 2008 (Sobol points)"},
    {"max-memory", UA_OPT_REAL, NULL, 0, INFINITY, 1, NULL,
     "bytes the n x m features and m x m Gram matrices may take (default: 80% of the physical "
     "memory); a larger fit is refused before allocating", NULL},
};

_Static_assert(sizeof ua_rf_option_spec / sizeof ua_rf_option_spec[0] == UA_RF_NOPTIONS,
               "UA_RF_NOPTIONS");

/*
 * ua_rf_options from the option values. Options that the given others make meaningless are
 * refused rather than silently ignored, only when both were given (a default is never an error),
 * with the messages the command line had.
 */
static ua_status read_options(const ua_options *o, ua_rf_options *opt)
{
    ua_rf_options_default(opt);
    int lam = ua_options_given(o, "lambda"), alpha = ua_options_given(o, "alpha");
    int dist_given = ua_options_given(o, "dist");
    opt->features = (size_t)ua_options_int(o, "features");
    opt->dist = (ua_rf_dist)ua_options_choice(o, "dist");
    opt->act = (ua_rf_act)ua_options_choice(o, "act");
    if (lam && alpha) return UA_ERR(UA_EINVAL, "--lambda and --alpha are the same option; give one");
    if (ua_options_given(o, "act") && dist_given && opt->dist == UA_RF_FOURIER && opt->act != UA_RF_COS)
        return UA_ERR(UA_EINVAL, "--act %s is not used with --dist fourier (random Fourier "
                      "features are cos features)", ua_rf_act_name(opt->act));
    if (ua_options_given(o, "gamma") && opt->dist != UA_RF_FOURIER) /* given or the default */
        return UA_ERR(UA_EINVAL, "--gamma is not used with --dist %s%s (gamma is the rbf kernel's "
                      "parameter of --dist fourier: add --dist fourier for scikit-learn's "
                      "RBFSampler)", ua_rf_dist_name(opt->dist), dist_given ? "" : ", the default");
    if ((lam || alpha) && ua_options_given(o, "select"))
        return UA_ERR(UA_EINVAL, "--%s is not used with --select %s (--select chooses lambda; "
                      "a fixed lambda is not selected): give one of them",
                      lam ? "lambda" : "alpha", ua_options_get(o, "select"));
    opt->scale = ua_options_real(o, "scale");
    opt->bandwidth = ua_options_real(o, "bandwidth");
    if (ua_options_given(o, "gamma")) opt->gamma = ua_options_real(o, "gamma");
    if (lam || alpha) opt->lambda = ua_options_real(o, lam ? "lambda" : "alpha");
    opt->gcv = ua_options_choice(o, "select") == 1;
    opt->standardize = !ua_options_flag(o, "no-standardize");
    opt->seed = (uint64_t)ua_options_int(o, "seed");
    if (ua_options_given(o, "max-memory")) opt->max_memory = ua_options_real(o, "max-memory");
    return UA_OK;
}

static ua_status rf_predict_fn(const void *state, const double *x, size_t n, double *y)
{
    return ua_rf_predict(state, x, n, y);
}

/* The RMSE of m's predictions at x (n, d) against y (n, k) over all n k values, in a job of several
 * MPI ranks (uniapprox/dist.h): each rank predicts its share of the rows (ua_dist_share) and sums
 * its squared errors; the sums are added in rank order (ua_dist_allreduce_sum), so every rank gets
 * the same bits, equal to the single process's figure (ua_learn_error) but for the rounding of the
 * sum's order. Collective: every rank calls it with the same table. A prediction that is not finite
 * on any rank fails every rank alike with ua_rf_predict's message, naming the first such row of the
 * whole table; memory failing on one rank fails every rank (UA_ENOMEM). */
static ua_status rmse_dist(const ua_rf *m, const double *x, const double *y, size_t n, double *err)
{
    *err = NAN;
    size_t lo, hi, k = m->k;
    ua_dist_share(n, &lo, &hi);
    size_t cnt = (hi - lo) * k;
    double *pred = malloc((cnt ? cnt : 1) * sizeof *pred);
    ua_status s = pred ? ua_rf_predict(m, x + lo * m->d, hi - lo, pred) : UA_ENOMEM_ERR(cnt * sizeof *pred);
    double sse = 0, flags[2] = {0, -INFINITY}; /* out of memory; minus the first row not finite */
    if (s == UA_EDOMAIN) flags[1] = -(double)(lo + ua_first_nonfinite(pred, cnt) / k);
    else if (s) flags[0] = 1;
    else
        for (size_t i = 0; i < cnt; i++) {
            double e = pred[i] - y[lo * k + i];
            sse += e * e;
        }
    free(pred);
    ua_status sx = ua_dist_allreduce_sum(&sse, 1);
    if (!sx) sx = ua_dist_allreduce_max(flags, 2);
    if (sx) return s ? s : sx;
    if (flags[0] != 0)
        return s && s != UA_EDOMAIN ? s : UA_ERR(UA_ENOMEM, "rf fit: another rank of the job ran "
                                                 "out of memory predicting its rows (its message "
                                                 "is that rank's)");
    if (flags[1] > -INFINITY) return ua_rf_nonfinite_error((size_t)-flags[1]);
    *err = sqrt(sse / (double)(n * k));
    return UA_OK;
}

/* ua_learn_record_errors for the rf family ("train_rmse", and "test_rmse" for a table with test
 * rows). After a fit split over the ranks of a job (split: a fixed lambda, solve.c) the
 * predictions are split too (rmse_dist), collectively, instead of every rank predicting every row;
 * otherwise (one process, or lambda chosen over a grid, which every rank fits in full and alone)
 * it is ua_learn_record_errors itself, which involves no other rank. */
static ua_status record_errors(ua_model *meta, const ua_problem *p, const ua_learn_data *t, const ua_rf *m,
                               int split)
{
    if (!split || ua_dist_size() <= 1)
        return ua_learn_record_errors(meta, p, t, m, rf_predict_fn, 0, NULL, NULL);
    /* both collectives first (their failures are every rank's alike), then the metadata, whose
     * failure on one rank can then leave no other rank waiting */
    const double *tx = NULL, *ty = NULL;
    size_t tn = 0;
    if (ua_problem_kind_of(p) == UA_PROBLEM_SAMPLES) ua_problem_test(p, &tx, &ty, &tn);
    double tr, te = NAN;
    ua_status s = rmse_dist(m, t->x, t->y, t->n, &tr);
    if (!s && tn) s = rmse_dist(m, tx, ty, tn, &te);
    if (!s) s = ua_learn_set_number(meta, "train_rmse", tr);
    if (!s && tn) s = ua_learn_set_number(meta, "test_rmse", te);
    return s;
}

static void work(const ua_fit_hooks *h, double done, const char *what)
{
    if (h && h->work) h->work(h->ctx, done, 1.0, what);
}

ua_status ua_rf_family_fit(const ua_problem *p, const ua_options *o, const ua_fit_hooks *hooks,
                           ua_model *meta, void **state)
{
    *state = NULL;
    ua_rf_options opt;
    ua_status s = read_options(o, &opt);
    if (s) return s;
    int given = ua_options_given(o, "samples");
    size_t samples = given ? (size_t)ua_options_int(o, "samples") : UA_RF_DEFAULT_SAMPLES;
    /* points to draw: refuse a fit that cannot fit in memory before evaluating the target there */
    ua_problem_kind kind = ua_problem_kind_of(p);
    if (kind == UA_PROBLEM_FORMULA || kind == UA_PROBLEM_FUNCTION) {
        s = ua_rf_check_memory(samples, ua_problem_dim(p), 1, opt.features, opt.lambda > 0,
                               opt.max_memory, 1);
        if (s) return s;
    }
    ua_learn_data t;
    s = ua_learn_data_get(p, "rf fit", samples, given, opt.seed, &t);
    if (s) return s;
    work(hooks, 0.0, "random-feature fit");
    ua_rf *m = NULL;
    s = ua_rf_fit(t.x, t.y, t.n, t.d, t.k, &opt, &m);
    work(hooks, 0.9, "random features: errors on the training rows");
    if (!s) s = record_errors(meta, p, &t, m, opt.lambda > 0);
    ua_rf_info in;
    ua_rf_get_info(m, &in);
    if (!s) s = ua_learn_set_number(meta, "lambda", in.lambda);
    if (!s && in.dist == UA_RF_FOURIER) s = ua_learn_set_number(meta, "gamma", in.gamma);
    if (!s && isfinite(in.select_rmse)) s = ua_learn_set_number(meta, "select_rmse", in.select_rmse);
    if (!s) s = ua_learn_set_number(meta, "n_train", (double)in.n_train);
    if (!s && t.drawn) s = ua_learn_set_number(meta, "samples", (double)t.n);
    ua_learn_data_free(&t);
    if (s) {
        ua_rf_free(m);
        return s;
    }
    work(hooks, 1.0, "random-feature fit");
    *state = m;
    return UA_OK;
}

/* The vtable's fit_blocks (src/model/family.h): out-of-core fit (fit_blocks.c). lambda over the
 * grid is chosen on 10% of the blocks held out whole (at least one), or by GCV when there is a
 * single block or --select gcv is given; exact LOO needs every row's leverage and is refused. */
ua_status ua_rf_family_fit_blocks(struct ua_blocks *src, size_t ycol, const ua_options *o,
                                  ua_model *meta, void **state)
{
    *state = NULL;
    ua_rf_options opt;
    ua_status s = read_options(o, &opt);
    if (s) return s;
    if (ua_options_given(o, "samples"))
        return UA_ERR(UA_EINVAL, "rf fit: --samples applies to formula and function problems; "
                      "out-of-core data are the file's rows");
    if (ua_options_given(o, "select") && !opt.gcv)
        return UA_ERR(UA_EINVAL, "rf fit: --select loo needs every row's leverage, which an "
                      "out-of-core fit does not keep; lambda is chosen on held-out blocks (or "
                      "give --select gcv, or --lambda)");
    int gcv = opt.gcv || ua_blocks_count(src) < 2;
    double val_frac = opt.lambda > 0 || gcv ? 0 : 0.1;
    ua_rf *m = NULL;
    s = ua_rf_fit_blocks(src, ycol, val_frac, &opt, &m);
    if (!s) s = ua_learn_set_number(meta, "lambda", m->lambda);
    if (!s && m->dist == UA_RF_FOURIER) s = ua_learn_set_number(meta, "gamma", m->gamma);
    if (!s && isfinite(m->select_rmse)) s = ua_learn_set_number(meta, "select_rmse", m->select_rmse);
    if (!s && isfinite(m->select_rmse))
        s = ua_model_set_meta(meta, "select_by", val_frac > 0 ? "held-out blocks" : "gcv");
    if (!s) s = ua_learn_set_number(meta, "n_train", (double)m->n_train);
    if (s) {
        ua_rf_free(m);
        return s;
    }
    *state = m;
    return UA_OK;
}
