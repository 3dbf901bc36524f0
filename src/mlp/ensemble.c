/*
 * Deep ensembles (Lakshminarayanan, Pritzel & Blundell, "Simple and Scalable Predictive
 * Uncertainty Estimation using Deep Ensembles", NeurIPS 2017): M networks of the same
 * architecture, each initialised, shuffled and split from its own seed (seed + i) and trained on
 * the same rows, combined as the equally weighted mixture of their Gaussian predictives
 * N(mu_i(x), sigma_i^2):
 *
 *     mu(x)      = (1/M) sum_i mu_i(x)
 *     sigma^2(x) = (1/M) sum_i sigma_i^2 + (1/M) sum_i (mu_i(x) - mu(x))^2
 *
 * (the paper's section 2.4: the mixture's variance, "mean of variances + variance of means").
 * The paper's members have a second output head for sigma_i^2(x) trained by the Gaussian NLL;
 * here each member is the family's ordinary MSE network and sigma_i^2 is homoscedastic: the
 * member's mean squared residual on its own validation rows (the early-stopping split it was
 * trained without), in target units, per output; without a split (val_frac 0), on all its rows.
 * A classifier ensemble averages the members' class probabilities (the paper's section 2.4 for
 * classification) and predicts the most probable class. docs/mlp.md, "Deep ensembles".
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

const ua_mlp *ua_mlp_member(const ua_mlp *m, size_t i)
{
    return i == 0 ? m : m->members[i - 1];
}

ua_status ua_mlp_single_only(const ua_mlp *m, const char *what)
{
    if (m && m->n_estimators > 1)
        return UA_ERR(UA_EUNSUPPORTED, "%s: the model is a deep ensemble of %zu networks "
                      "(n-estimators); %s is defined on one network: fit with --n-estimators 1",
                      what, m->n_estimators, what);
    return UA_OK;
}

/* Member m's noise variance per output (k,) in target units: the mean squared residual on the
 * validation rows ua_mlp_fit held out with the same options (the first nval of the permutation
 * train.c draws from seed ^ 0x9e3779b97f4a7c15: the same draw, repeated here), or on all rows
 * when it held out none. */
static ua_status member_noise(const ua_mlp *m, const ua_mlp_options *o, const double *x,
                              const double *y, size_t n, size_t d, size_t k, double *var)
{
    size_t nval = ua_train_val_rows(o->val_frac, n);
    size_t *rows = ua_calloc(n, sizeof *rows);
    size_t use = nval ? nval : n;
    double *xr = ua_calloc(use * d, sizeof *xr), *pr = ua_calloc(use * k, sizeof *pr);
    ua_status s = rows && xr && pr ? UA_OK : UA_ENOMEM_ERR(use * (d + k) * sizeof(double));
    if (!s) {
        ua_rng r;
        ua_rng_seed(&r, o->seed ^ 0x9e3779b97f4a7c15ull);
        for (size_t i = 0; i < n; i++) rows[i] = i;
        if (nval) ua_train_shuffle(&r, rows, n);
        for (size_t i = 0; i < use; i++) memcpy(xr + i * d, x + rows[i] * d, d * sizeof *xr);
        s = ua_mlp_predict_one(m, xr, use, pr);
    }
    for (size_t j = 0; !s && j < k; j++) {
        double acc = 0;
        for (size_t i = 0; i < use; i++) {
            double e = pr[i * k + j] - y[rows[i] * k + j];
            acc += e * e;
        }
        var[j] = acc / (double)use;
    }
    free(rows);
    free(xr);
    free(pr);
    return s;
}

ua_status ua_mlp_fit_ensemble(const double *x, const double *y, size_t n, size_t d, size_t k,
                              const ua_mlp_options *opt, size_t M, ua_mlp **out)
{
    *out = NULL;
    if (M < 2 || M > UA_MLP_MAX_ESTIMATORS)
        return UA_ERR(UA_EINVAL, "mlp: n_estimators %zu not in 2..%d", M, UA_MLP_MAX_ESTIMATORS);
    ua_mlp *lead = NULL;
    ua_status s = UA_OK;
    int reg = opt->task == UA_TASK_REGRESS;
    ua_mlp **members = ua_calloc(M - 1, sizeof *members);
    double *noise = reg ? ua_calloc(M * k, sizeof *noise) : NULL;
    if (!members || (reg && !noise)) s = UA_ENOMEM_ERR(M * (k + 1) * sizeof(double));
    for (size_t i = 0; !s && i < M; i++) {
        ua_mlp_options o = *opt;
        o.seed = opt->seed + i; /* member i is the single network fitted with seed + i */
        ua_mlp *mi = NULL;
        s = ua_mlp_fit(x, y, n, d, k, &o, &mi);
        if (s) break;
        if (i == 0) lead = mi;
        else members[i - 1] = mi;
        if (reg) s = member_noise(mi, &o, x, y, n, d, k, noise + i * k);
    }
    if (!s && lead->dout != members[0]->dout) /* a classifier's classes come from the labels */
        s = UA_ERR(UA_EINVAL, "mlp: ensemble members disagree on the number of classes");
    if (s) {
        for (size_t i = 0; members && i + 1 < M; i++) ua_mlp_free(members[i]);
        free(members);
        free(noise);
        ua_mlp_free(lead);
        return s;
    }
    lead->n_estimators = M;
    lead->members = members;
    lead->noise_var = noise;
    *out = lead;
    return UA_OK;
}

ua_status ua_mlp_ensemble_mean(const ua_mlp *m, const double *x, size_t n, double *out, int proba)
{
    if (!n) return UA_OK;
    size_t M = m->n_estimators, w = proba || m->opt.task == UA_TASK_CLASSIFY ? m->dout : m->k;
    int cls = m->opt.task == UA_TASK_CLASSIFY;
    double *acc = cls && !proba ? ua_calloc(n * w, sizeof *acc) : out;
    double *t = ua_calloc(n * w, sizeof *t);
    ua_status s = t && acc ? UA_OK : UA_ENOMEM_ERR(2 * n * w * sizeof(double));
    /* the sum in member order, then one division: the average of the M single predictions */
    for (size_t i = 0; !s && i < M; i++) {
        const ua_mlp *mi = ua_mlp_member(m, i);
        s = cls ? ua_mlp_predict_proba_one(mi, x, n, i ? t : acc)
                : ua_mlp_predict_one(mi, x, n, i ? t : acc);
        for (size_t j = 0; !s && i && j < n * w; j++) acc[j] += t[j];
    }
    for (size_t j = 0; !s && j < n * w; j++) acc[j] /= (double)M;
    if (!s && cls && !proba)
        for (size_t r = 0; r < n; r++) {
            size_t arg = 0;
            for (size_t c = 1; c < w; c++)
                if (acc[r * w + c] > acc[r * w + arg]) arg = c;
            out[r] = (double)arg;
        }
    if (acc != out) free(acc);
    free(t);
    return s;
}

ua_status ua_mlp_predict_std(const void *state, const double *x, size_t n, double *sd)
{
    const ua_mlp *m = state;
    if (m->opt.task == UA_TASK_CLASSIFY)
        return UA_ERR(UA_EUNSUPPORTED, "the mlp model is a classifier: it has class "
                      "probabilities (eval --proba), not a predictive standard deviation");
    int gauss = m->opt.task == UA_TASK_GAUSSIAN;
    if (!gauss && (m->n_estimators < 2 || !m->noise_var))
        return UA_ERR(UA_EUNSUPPORTED, "a single mlp network has no predictive uncertainty: fit "
                      "a deep ensemble (--n-estimators M, M >= 2) or a variance head (--task "
                      "gaussian; docs/mlp.md)");
    if (!n) return UA_OK;
    size_t M = m->n_estimators, k = m->k;
    double *mu = ua_calloc(2 * M * n * k, sizeof *mu), *v = mu + M * n * k;
    if (!mu) return UA_ENOMEM_ERR(2 * M * n * k * sizeof *mu);
    ua_status s = UA_OK;
    for (size_t i = 0; !s && i < M; i++)
        s = gauss ? ua_mlp_gaussian_one(ua_mlp_member(m, i), x, n, mu + i * n * k, v + i * n * k)
                  : ua_mlp_predict_one(ua_mlp_member(m, i), x, n, mu + i * n * k);
    for (size_t r = 0; !s && r < n * k; r++) {
        size_t j = r % k;
        double mean = 0, var = 0, noise = 0;
        for (size_t i = 0; i < M; i++) mean += mu[i * n * k + r];
        mean /= (double)M;
        for (size_t i = 0; i < M; i++) {
            double e = mu[i * n * k + r] - mean;
            var += e * e;
            noise += gauss ? v[i * n * k + r] : m->noise_var[i * k + j];
        }
        sd[r] = sqrt((noise + var) / (double)M);
    }
    free(mu);
    return s;
}

/* ---- files ---------------------------------------------------------------------------------- */

ua_status ua_mlp_ensemble_save(const ua_mlp *m, ua_st *st)
{
    if (m->n_estimators < 2) return UA_OK;
    char key[96], buf[32];
    snprintf(buf, sizeof buf, "%zu", m->n_estimators);
    ua_status s = ua_st_set_meta(st, "ensemble_members", buf);
    for (size_t i = 1; !s && i < m->n_estimators; i++) {
        const ua_mlp *mi = m->members[i - 1];
        for (size_t t = 0; !s && t < mi->ntensors; t++) {
            const ua_mlp_tensor_info *ti = &mi->tensors[t];
            int64_t shape[2] = { (int64_t)ti->shape[0], (int64_t)ti->shape[1] };
            snprintf(key, sizeof key, "ensemble.%zu.%s", i, ti->name);
            s = ua_st_add(st, key, mi->esize == 4 ? UA_F32 : UA_F64, ti->ndim, shape,
                          (const char *)mi->params + ti->offset * mi->esize);
        }
        snprintf(key, sizeof key, "ensemble.%zu.x_", i);
        if (!s) s = ua_scaler_save(&mi->xs, key, st);
        snprintf(key, sizeof key, "ensemble.%zu.y_", i);
        if (!s) s = ua_scaler_save(&mi->ys, key, st);
    }
    if (!s && m->noise_var) {
        int64_t shape[2] = { (int64_t)m->n_estimators, (int64_t)m->k };
        s = ua_st_add(st, "ensemble.noise_var", UA_F64, 2, shape, m->noise_var);
    }
    return s;
}

/* Member i's tensors from st into mi (built with the lead's options), validated as untrusted. */
static ua_status load_member(ua_mlp *mi, const ua_st *st, size_t i)
{
    char key[96];
    ua_dtype want = mi->esize == 4 ? UA_F32 : UA_F64;
    for (size_t l = 0; l < mi->L; l++) mi->mult[l] = 1.0; /* folded into the stored weights */
    for (size_t t = 0; t < mi->ntensors; t++) {
        const ua_mlp_tensor_info *ti = &mi->tensors[t];
        ua_dtype dt;
        size_t ndim;
        const int64_t *shape;
        const void *data;
        snprintf(key, sizeof key, "ensemble.%zu.%s", i, ti->name);
        if (ua_st_get(st, key, &dt, &ndim, &shape, &data))
            return UA_ERR(UA_EFORMAT, "mlp model: ensemble tensor '%s' is missing", key);
        if (dt != want || ndim != ti->ndim || shape[0] != (int64_t)ti->shape[0] ||
            (ndim == 2 && shape[1] != (int64_t)ti->shape[1]))
            return UA_ERR(UA_EFORMAT, "mlp model: ensemble tensor '%s' must be %s of shape "
                          "(%zu, %zu) like member 0's", key, want == UA_F32 ? "F32" : "F64",
                          ti->shape[0], ti->shape[1]);
        for (size_t j = 0; j < ti->size; j++) {
            double v = mi->esize == 4 ? (double)((const float *)data)[j] : ((const double *)data)[j];
            if (!isfinite(v))
                return UA_ERR(UA_EFORMAT, "mlp model: ensemble tensor '%s' element %zu is not "
                              "finite", key, j);
        }
        memcpy((char *)mi->params + ti->offset * mi->esize, data, ti->size * mi->esize);
    }
    ua_scaler_free(&mi->xs);
    ua_scaler_free(&mi->ys);
    snprintf(key, sizeof key, "ensemble.%zu.x_", i);
    ua_status s = ua_scaler_load(st, key, mi->d, &mi->xs);
    snprintf(key, sizeof key, "ensemble.%zu.y_", i);
    if (!s) s = ua_scaler_load(st, key, mi->k, &mi->ys);
    return s;
}

ua_status ua_mlp_ensemble_load(ua_mlp *m, const ua_st *st)
{
    const char *v = ua_st_meta(st, "ensemble_members");
    if (!v) return UA_OK;
    char *end;
    unsigned long long M = strtoull(v, &end, 10);
    if (!*v || *end || v[0] == '-' || M < 1 || M > UA_MLP_MAX_ESTIMATORS)
        return UA_ERR(UA_EFORMAT, "mlp model: metadata 'ensemble_members' = '%s' is not a count in 1..%d", v,
                      UA_MLP_MAX_ESTIMATORS);
    if (M == 1) return UA_OK;
    if (m->comp) return UA_ERR(UA_EFORMAT, "mlp model: a compressed network cannot be an ensemble");
    int reg = m->opt.task == UA_TASK_REGRESS;
    m->members = ua_calloc((size_t)M - 1, sizeof *m->members);
    if (!m->members) return UA_ENOMEM_ERR((size_t)M * sizeof *m->members);
    m->n_estimators = (size_t)M; /* ua_mlp_free frees the members built so far */
    ua_status s = UA_OK;
    for (size_t i = 1; !s && i < M; i++) {
        s = ua_mlp_build(m->d, m->k, m->dout, &m->opt, &m->members[i - 1]);
        if (!s) s = load_member(m->members[i - 1], st, i);
    }
    if (!s && reg) {
        ua_dtype dt;
        size_t ndim;
        const int64_t *shape;
        const void *data;
        if (ua_st_get(st, "ensemble.noise_var", &dt, &ndim, &shape, &data) || dt != UA_F64 ||
            ndim != 2 || shape[0] != (int64_t)M || shape[1] != (int64_t)m->k)
            return UA_ERR(UA_EFORMAT, "mlp model: tensor 'ensemble.noise_var' must be F64 of "
                          "shape (%llu, %zu)", M, m->k);
        m->noise_var = ua_calloc((size_t)M * m->k, sizeof *m->noise_var);
        if (!m->noise_var) return UA_ENOMEM_ERR((size_t)M * m->k * sizeof(double));
        memcpy(m->noise_var, data, (size_t)M * m->k * sizeof *m->noise_var);
        for (size_t j = 0; j < (size_t)M * m->k; j++)
            if (!(m->noise_var[j] >= 0) || !isfinite(m->noise_var[j]))
                return UA_ERR(UA_EFORMAT, "mlp model: ensemble.noise_var element %zu is not a "
                              "finite variance >= 0", j);
    }
    return s;
}
