/*
 * Honest family selection on a reusable holdout (uniapprox/holdout.h, ua_choose_by_holdout): each
 * candidate's cross-validated training estimate and its holdout error go to Thresholdout, so that
 * comparing many candidates does not overfit the holdout and the chosen one's error estimate is
 * not the minimum of many noisy holdout errors (Dwork et al., Science 2015).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "uniapprox/holdout.h"
#include "uniapprox/metrics.h"
#include "uniapprox/model.h"
#include "core/internal.h"

/* The candidates, as data: a family and a setting named by its value only ("matern"); the option
 * that takes it is found in the family's own option table (uniapprox/options.h), so that no
 * option is spelt here and a renamed option cannot silently drop a candidate. */
typedef struct {
    const char *family, *value; /* value NULL: the family's defaults */
    int regress_only;
} candidate;

static const candidate candidates[] = {
    {"kernel", NULL, 0},   {"kernel", "matern", 1}, {"kernel", "laplacian", 1},
    {"rf", NULL, 1}, /* random features: regression */
    {"mlp", NULL, 0},
};

/* Whether word is one of the '|'-separated names of choices. */
static int has_choice(const char *choices, const char *word)
{
    size_t len = strlen(word);
    for (const char *p = choices; p && *p;) {
        size_t n = strcspn(p, "|");
        if (n == len && !strncmp(p, word, len)) return 1;
        p += n + (p[n] == '|');
    }
    return 0;
}

/* The option of family f's table that takes value: a CHOICE among whose names it is, else a
 * FLAG of that name (value "classify": mlp's --task classify, kernel's --classify). NULL when
 * the table has none; *flag says which kind was found. */
static const char *option_taking(const ua_family_info *f, const char *value, int *flag)
{
    for (size_t i = 0; i < f->noptions; i++)
        if (f->options[i].type == UA_OPT_CHOICE && has_choice(f->options[i].choices, value)) {
            *flag = 0;
            return f->options[i].name;
        }
    for (size_t i = 0; i < f->noptions; i++)
        if (f->options[i].type == UA_OPT_FLAG && !strcmp(f->options[i].name, value)) {
            *flag = 1;
            return f->options[i].name;
        }
    return NULL;
}

/* Sets value through the option of the family's table that takes it. */
static ua_status set_by_value(const ua_family_info *f, ua_options *o, const char *value,
                              char *setting, size_t len)
{
    int flag = 0;
    const char *name = option_taking(f, value, &flag);
    if (!name)
        return UA_ERR(UA_EUNSUPPORTED, "--compare: the %s family has no option that takes '%s'",
                      f->name, value);
    if (setting) snprintf(setting, len, flag ? "%s" : "%s=%s", name, value);
    return ua_options_set(o, name, flag ? NULL : value);
}

static ua_status make_options(const candidate *c, int classify, ua_options **o, char *setting,
                              size_t len)
{
    ua_family_info f;
    ua_status s = ua_family_info_get(c->family, &f);
    if (!s) s = ua_family_options(c->family, o);
    if (setting) setting[0] = '\0';
    if (!s && c->value) s = set_by_value(&f, *o, c->value, setting, len);
    if (!s && classify) s = set_by_value(&f, *o, "classify", NULL, 0);
    return s;
}

/* the error a metric gives: RMSE / sd (regression) or error rate (classification) */
static double err_of(const ua_metrics *m, int classify, double sd)
{
    return classify ? 1.0 - m->accuracy : m->rmse / sd;
}

ua_status ua_choose_by_holdout(const ua_problem *p, int classify, uint64_t seed,
                               ua_holdout_choice *out)
{
    if (!p || !out) return UA_ERR(UA_EINVAL, "ua_choose_by_holdout: NULL argument");
    memset(out, 0, sizeof *out);
    out->estimate = NAN;
    if (ua_problem_kind_of(p) != UA_PROBLEM_SAMPLES)
        return UA_ERR(UA_EINVAL, "--compare chooses among the learners of a table of samples");
    const double *x, *y;
    size_t n;
    ua_problem_train(p, &x, &y, &n);
    size_t d = ua_problem_dim(p), k = ua_problem_outputs(p);
    if (n < 20) return UA_ERR(UA_EINVAL, "--compare needs at least 20 rows (a holdout of 6), got %zu", n);
    size_t nh = (3 * n) / 10, nt = n - nh;
    size_t *perm = malloc(n * sizeof *perm);
    double *xt = malloc(nt * d * sizeof *xt), *yt = malloc(nt * k * sizeof *yt);
    double *xh = malloc(nh * d * sizeof *xh), *yh = malloc(nh * k * sizeof *yh);
    ua_status st = (!perm || !xt || !yt || !xh || !yh) ? UA_ENOMEM_ERR(n * (d + k) * sizeof(double)) : UA_OK;
    ua_rng r;
    ua_rng_seed(&r, seed);
    if (!st) st = ua_rng_subset(&r, n, n, perm);
    for (size_t j = 0; !st && j < n; j++) {
        size_t i = perm[j];
        int h = j < nh;
        size_t row = h ? j : j - nh;
        memcpy((h ? xh : xt) + row * d, x + i * d, d * sizeof *x);
        memcpy((h ? yh : yt) + row * k, y + i * k, k * sizeof *y);
    }
    /* the scale of the normalised error: the training part's standard deviation of y */
    double sd = 0, mean = 0;
    for (size_t i = 0; !st && i < nt * k; i++) mean += yt[i] / (double)(nt * k);
    for (size_t i = 0; !st && i < nt * k; i++) sd += (yt[i] - mean) * (yt[i] - mean);
    sd = sqrt(sd / (double)(nt * k));
    if (!(sd > 0)) sd = 1;
    ua_problem *q = NULL;
    if (!st) st = ua_problem_samples(xt, yt, nt, d, k, &q);
    size_t nc = sizeof candidates / sizeof candidates[0];
    ua_thresholdout *to = NULL;
    if (!st) st = ua_thresholdout_new(2.0 / sqrt((double)nh), 0.5 / sqrt((double)nh), nc, seed ^ 0x7401dULL, &to);
    double best = INFINITY;
    for (size_t c = 0; !st && c < nc; c++) {
        const candidate *cd = &candidates[c];
        if (classify && cd->regress_only) continue;
        out->candidates++;
        ua_options *o = NULL;
        ua_model *m = NULL;
        ua_cv_result cv;
        ua_metrics mh;
        char setting[sizeof out->settings];
        ua_status s = make_options(cd, classify, &o, setting, sizeof setting);
        if (s) { /* a candidate the tables cannot express is a defect here, never skipped */
            ua_options_free(o);
            st = s;
            break;
        }
        s = ua_cross_validate(q, cd->family, o, 3, seed, &cv, NULL);
        if (!s) {
            s = ua_fit(q, cd->family, o, NULL, &m);
            if (s == UA_ENOTRESOLVED) s = UA_OK;
        }
        if (!s) s = ua_model_metrics(m, xh, yh, nh, &mh);
        ua_model_free(m);
        ua_options_free(o);
        if (s == UA_ENOMEM) st = s;
        if (s) { /* a candidate that cannot fit these data is skipped, and counted */
            out->failed++;
            ua_clear_error();
            continue;
        }
        double a;
        st = ua_thresholdout_query(to, err_of(&cv.mean, classify, sd), err_of(&mh, classify, sd), &a, NULL);
        if (!st && a < best) {
            best = a;
            snprintf(out->family, sizeof out->family, "%s", cd->family);
            snprintf(out->settings, sizeof out->settings, "%s", setting);
        }
    }
    if (!st && !isfinite(best))
        st = UA_ERR(UA_EDOMAIN, "--compare: none of the %zu candidates could be fitted", out->candidates);
    if (!st) {
        out->estimate = classify ? best : best * sd;
        out->classify = classify;
        ua_thresholdout_counts(to, &out->queries, &out->spent);
        out->n_train = nt;
        out->n_holdout = nh;
    }
    ua_thresholdout_free(to);
    ua_problem_free(q);
    free(perm);
    free(xt);
    free(yt);
    free(xh);
    free(yh);
    return st;
}
