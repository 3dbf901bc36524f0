/*
 * The network object: options, the parameter layout (one buffer sliced into named tensors with
 * PyTorch state_dict names), initialisation at criticality under the three parametrisations, and
 * the lower-level API (parameters, loss and gradient, one optimiser step). docs/mlp.md.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

void ua_mlp_options_default(ua_mlp_options *o)
{
    memset(o, 0, sizeof *o);
    /* defaults measured on the UCI suite (docs/mlp.md, "Defaults") */
    o->nhidden = 2;
    o->hidden[0] = 64;
    o->hidden[1] = 64;
    o->act = UA_ACT_RELU;
    o->leaky_slope = 0.01;
    o->param = UA_PARAM_SP;
    o->mup_base_width = 64;
    o->dtype = UA_MLP_F32;
    o->task = UA_TASK_REGRESS;
    o->optim = UA_OPTIM_ADAM;
    o->lr = 3e-3;
    o->momentum = 0.9;
    o->beta1 = 0.9;
    o->beta2 = 0.999;
    o->eps = 1e-8;
    o->weight_decay = 0;
    o->schedule = UA_SCHED_COSINE;
    o->batch = 32;
    o->epochs = 400;
    o->val_frac = 0.1;
    o->patience = 50;
    o->lbfgs_history = 20;
    o->standardize = 1;
    o->seed = 0;
    o->threads = 0;
}

ua_status ua_mlp_options_check(const ua_mlp_options *o)
{
    if (!o) return UA_ERR(UA_EINVAL, "mlp: options are NULL");
    if (o->nhidden > UA_MLP_MAX_HIDDEN)
        return UA_ERR(UA_EINVAL, "mlp: %zu hidden layers (at most %d)", o->nhidden, UA_MLP_MAX_HIDDEN);
    for (size_t i = 0; i < o->nhidden; i++)
        if (o->hidden[i] < 1 || o->hidden[i] > (1u << 20))
            return UA_ERR(UA_EINVAL, "mlp: hidden layer %zu has width %zu (1 .. 2^20)", i, o->hidden[i]);
    if ((unsigned)o->act > UA_ACT_POLYNORM) return UA_ERR(UA_EINVAL, "mlp: unknown activation");
    if ((unsigned)o->param > UA_PARAM_MUP) return UA_ERR(UA_EINVAL, "mlp: unknown parametrisation");
    if ((unsigned)o->optim > UA_OPTIM_LBFGS) return UA_ERR(UA_EINVAL, "mlp: unknown optimiser");
    if ((unsigned)o->schedule > UA_SCHED_WARMUP) return UA_ERR(UA_EINVAL, "mlp: unknown schedule");
    if ((unsigned)o->dtype > UA_MLP_F64) return UA_ERR(UA_EINVAL, "mlp: unknown dtype");
    if ((unsigned)o->task > UA_TASK_GAUSSIAN) return UA_ERR(UA_EINVAL, "mlp: unknown task");
    if (!isfinite(o->leaky_slope)) return UA_ERR(UA_EINVAL, "mlp: leaky_relu slope must be finite");
    if (o->evonorm && (o->act == UA_ACT_POLYRELU || o->act == UA_ACT_POLYNORM))
        return UA_ERR(UA_EINVAL, "mlp: EvoNorm-S0 replaces the activation; it excludes %s",
                      ua_mlp_act_name(o->act));
    for (size_t i = 0; o->evonorm && o->evonorm_groups && i < o->nhidden; i++)
        if (o->hidden[i] % o->evonorm_groups)
            return UA_ERR(UA_EINVAL, "mlp: %zu EvoNorm groups do not divide width %zu",
                          o->evonorm_groups, o->hidden[i]);
    if (!(o->lr > 0) || !isfinite(o->lr)) return UA_ERR(UA_EINVAL, "mlp: learning rate %g must be > 0", o->lr);
    if (!(o->momentum >= 0 && o->momentum < 1)) return UA_ERR(UA_EINVAL, "mlp: momentum %g not in [0, 1)", o->momentum);
    if (!(o->beta1 >= 0 && o->beta1 < 1) || !(o->beta2 >= 0 && o->beta2 < 1))
        return UA_ERR(UA_EINVAL, "mlp: Adam betas must lie in [0, 1)");
    if (!(o->eps > 0)) return UA_ERR(UA_EINVAL, "mlp: Adam eps must be > 0");
    if (!(o->weight_decay >= 0) || !isfinite(o->weight_decay))
        return UA_ERR(UA_EINVAL, "mlp: weight decay %g must be >= 0", o->weight_decay);
    if (o->batch < 1) return UA_ERR(UA_EINVAL, "mlp: batch size must be >= 1");
    if (o->epochs < 1) return UA_ERR(UA_EINVAL, "mlp: epochs must be >= 1");
    if (!(o->val_frac >= 0 && o->val_frac < 1))
        return UA_ERR(UA_EINVAL, "mlp: validation fraction %g not in [0, 1)", o->val_frac);
    if (o->mup_base_width < 1) return UA_ERR(UA_EINVAL, "mlp: muP base width must be >= 1");
    if (o->lbfgs_history < 1) return UA_ERR(UA_EINVAL, "mlp: L-BFGS history must be >= 1");
    return UA_OK;
}

void ua_mlp_format_hidden(const ua_mlp_options *o, char *buf, size_t size)
{
    size_t len = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < o->nhidden && len < size; i++)
        len += (size_t)snprintf(buf + len, size - len, "%s%zu", i ? "x" : "", o->hidden[i]);
}

ua_status ua_mlp_hidden_parse(const char *s, ua_mlp_options *o)
{
    size_t n = 0;
    if (!s) return UA_ERR(UA_EINVAL, "hidden sizes are NULL");
    if (!*s || !strcmp(s, "0") || !strcmp(s, "none")) {
        o->nhidden = 0;
        return UA_OK;
    }
    const char *p = s;
    for (;;) {
        if (*p < '0' || *p > '9') return UA_ERR(UA_EINVAL, "hidden sizes '%s': expected W or WxWx...", s);
        char *end;
        unsigned long long w = strtoull(p, &end, 10);
        if (w < 1 || w > (1u << 20)) return UA_ERR(UA_EINVAL, "hidden sizes '%s': width %llu not in 1 .. 2^20", s, w);
        if (n == UA_MLP_MAX_HIDDEN) return UA_ERR(UA_EINVAL, "hidden sizes '%s': more than %d layers", s, UA_MLP_MAX_HIDDEN);
        o->hidden[n++] = (size_t)w;
        if (!*end) break;
        if (*end != 'x' && *end != ',') return UA_ERR(UA_EINVAL, "hidden sizes '%s': expected W or WxWx...", s);
        p = end + 1;
    }
    o->nhidden = n;
    return UA_OK;
}

/* ---- layout and initialisation ---------------------------------------------------------------- */

/* C_W at criticality (Roberts & Yaida ch. 5; C_b = 0): 2 for the scale-invariant ReLU family
 * (2 / (1 + s^2) for leaky ReLU) and its smooth relatives (GELU, SiLU, softplus, PolyReLU, EvoNorm's
 * x sigmoid(vx)); 1 for the K* = 0 class with sigma'(0) = 1 (tanh, sin) and for PolyNorm, whose
 * output is normalised; sigmoid has no critical point at C_b = 0 and gets 1 (docs/mlp.md). */
double ua_mlp_critical_cw(ua_mlp_act a, double slope)
{
    switch (a) {
    case UA_ACT_LEAKY_RELU: return 2.0 / (1.0 + slope * slope);
    case UA_ACT_TANH: case UA_ACT_SIN: case UA_ACT_SIGMOID: case UA_ACT_POLYNORM: return 1.0;
    default: return 2.0;
    }
}

static void add_tensor(ua_mlp *m, const char *name, size_t ndim, size_t s0, size_t s1,
                       double lr_scale, int decay)
{
    ua_mlp_tensor_info *t = &m->tensors[m->ntensors++];
    snprintf(t->name, sizeof t->name, "%s", name);
    t->offset = m->nparams;
    t->ndim = ndim;
    t->shape[0] = s0;
    t->shape[1] = ndim == 2 ? s1 : 1;
    t->size = s0 * t->shape[1];
    t->lr_scale = lr_scale;
    t->decay = decay;
    m->nparams += t->size;
}

ua_status ua_mlp_build(size_t d, size_t k, size_t dout, const ua_mlp_options *opt, ua_mlp **out)
{
    *out = NULL;
    ua_status s = ua_mlp_options_check(opt);
    if (s) return s;
    if (d < 1 || k < 1 || dout < 1) return UA_ERR(UA_EINVAL, "mlp: inputs and outputs must be >= 1");
    if (d > (1u << 24) || dout > (1u << 24)) return UA_ERR(UA_EINVAL, "mlp: too many inputs or outputs");
    ua_mlp *m = ua_calloc(1, sizeof *m);
    if (!m) return UA_ENOMEM_ERR(sizeof *m);
    m->opt = *opt;
    m->opt.progress = NULL;
    m->opt.progress_ctx = NULL;
    m->test_rmse = NAN;
    m->n_estimators = 1;
    m->d = d;
    m->k = k;
    m->dout = dout;
    m->L = opt->nhidden + 1;
    m->width[0] = d;
    for (size_t l = 0; l < opt->nhidden; l++) m->width[l + 1] = opt->hidden[l];
    m->width[m->L] = dout;
    int mup = opt->param == UA_PARAM_MUP && m->L > 1, sgd = opt->optim == UA_OPTIM_SGD;
    double base = (double)opt->mup_base_width;
    for (size_t l = 0; l < m->L; l++) {
        size_t in = m->width[l], outw = m->width[l + 1];
        char name[32];
        double lrw = 1, lrb = 1;
        m->mult[l] = opt->param == UA_PARAM_NTK ? 1.0 / sqrt((double)in) : 1.0;
        if (mup) {
            double wm_in = (double)in / base, wm_out = (double)outw / base;
            if (l + 1 == m->L) { /* readout: multiplier 1/wm, zero init; SGD lr / wm */
                m->mult[l] = 1.0 / wm_in;
                lrw = sgd ? 1.0 / wm_in : 1.0;
            } else if (l == 0) { /* input layer: SGD lr * wm */
                lrw = sgd ? wm_out : 1.0;
            } else { /* hidden: Adam lr / wm */
                lrw = sgd ? 1.0 : 1.0 / wm_in;
            }
            lrb = sgd ? wm_out : 1.0;
        }
        snprintf(name, sizeof name, "layers.%zu.weight", 2 * l);
        m->off_w[l] = m->nparams;
        add_tensor(m, name, 2, outw, in, lrw, 1);
        snprintf(name, sizeof name, "layers.%zu.bias", 2 * l);
        m->off_b[l] = m->nparams;
        add_tensor(m, name, 1, outw, 0, lrb, 0);
        if (l + 1 == m->L) break;
        m->off_act[l] = m->nparams;
        if (opt->evonorm) {
            size_t G = opt->evonorm_groups;
            if (!G) /* default: the most groups of {8, 4, 2, 1} that leave >= 16 features each */
                for (G = 8; G > 1 && (outw % G || outw / G < 16); G /= 2) {}
            m->groups[l] = G;
            snprintf(name, sizeof name, "layers.%zu.v", 2 * l + 1);
            add_tensor(m, name, 1, outw, 0, 1, 0);
            snprintf(name, sizeof name, "layers.%zu.weight", 2 * l + 1);
            add_tensor(m, name, 1, outw, 0, 1, 0);
            snprintf(name, sizeof name, "layers.%zu.bias", 2 * l + 1);
            add_tensor(m, name, 1, outw, 0, 1, 0);
        } else if (opt->act == UA_ACT_POLYRELU || opt->act == UA_ACT_POLYNORM) {
            snprintf(name, sizeof name, "layers.%zu.weight", 2 * l + 1);
            add_tensor(m, name, 1, UA_POLY_R + 1, 0, 1, 0);
        }
    }
    m->esize = opt->dtype == UA_MLP_F64 ? 8 : 4;
    m->ops = opt->dtype == UA_MLP_F64 ? &ua_mlp_ops_f64 : &ua_mlp_ops_f32;
    m->params = ua_calloc(m->nparams, m->esize);
    m->xs.d = d;
    m->ys.d = k;
    m->xs.mean = ua_calloc(d, sizeof(double));
    m->xs.scale = ua_calloc(d, sizeof(double));
    m->ys.mean = ua_calloc(k, sizeof(double));
    m->ys.scale = ua_calloc(k, sizeof(double));
    if (!m->params || !m->xs.mean || !m->xs.scale || !m->ys.mean || !m->ys.scale) {
        ua_mlp_free(m);
        return UA_ENOMEM_ERR(m->nparams * 8);
    }
    for (size_t j = 0; j < d; j++) m->xs.scale[j] = 1;
    for (size_t j = 0; j < k; j++) m->ys.scale[j] = 1;
    *out = m;
    return UA_OK;
}

void ua_mlp_init_params(ua_mlp *m, uint64_t seed)
{
    ua_rng r;
    ua_rng_seed(&r, seed ^ 0x2545f4914f6cdd1dull); /* a stream of its own per purpose */
    double *p = ua_calloc(m->nparams, sizeof *p);
    if (!p) return; /* callers allocate first; see ua_mlp_alloc */
    double cw = m->opt.evonorm ? 2.0 : ua_mlp_critical_cw(m->opt.act, m->opt.leaky_slope);
    for (size_t l = 0; l < m->L; l++) {
        size_t in = m->width[l], outw = m->width[l + 1];
        double c = cw;
        double sd = m->opt.param == UA_PARAM_NTK ? sqrt(c) : sqrt(c / (double)in);
        int zero = m->opt.param == UA_PARAM_MUP && l + 1 == m->L && m->L > 1;
        for (size_t i = 0; i < outw * in; i++) p[m->off_w[l] + i] = zero ? 0.0 : sd * ua_rng_normal(&r);
        if (l + 1 == m->L) break;
        double *a = p + m->off_act[l];
        if (m->opt.evonorm) {
            for (size_t j = 0; j < outw; j++) {
                a[j] = 1.0;        /* v */
                a[outw + j] = 1.0; /* gamma */
            }
        } else if (m->opt.act == UA_ACT_POLYRELU || m->opt.act == UA_ACT_POLYNORM) {
            a[0] = 0.0;
            for (int i = 1; i <= UA_POLY_R; i++) a[i] = 1.0 / UA_POLY_R;
        }
    }
    m->ops->from_double(p, m->params, m->nparams);
    free(p);
}

ua_status ua_mlp_alloc(size_t d, size_t dout, const ua_mlp_options *opt, ua_mlp **out)
{
    ua_mlp_options def;
    if (!out) return UA_ERR(UA_EINVAL, "ua_mlp_alloc: out is NULL");
    if (!opt) {
        ua_mlp_options_default(&def);
        opt = &def;
    }
    size_t k = opt->task == UA_TASK_CLASSIFY ? 1 : opt->task == UA_TASK_GAUSSIAN ? dout / 2 : dout;
    if (opt->task == UA_TASK_GAUSSIAN && (dout < 2 || dout % 2))
        return UA_ERR(UA_EINVAL, "mlp: a Gaussian head has 2 k outputs (mean, variance), got %zu", dout);
    if (opt->task == UA_TASK_CLASSIFY && dout < 2)
        return UA_ERR(UA_EINVAL, "mlp: a classifier needs >= 2 classes, got %zu", dout);
    ua_status s = ua_mlp_build(d, k, dout, opt, out);
    if (s) return s;
    ua_mlp_init_params(*out, opt->seed);
    return UA_OK;
}

void ua_mlp_free(ua_mlp *m)
{
    if (!m) return;
    free(m->params);
    free(m->m1);
    free(m->m2);
    ua_scaler_free(&m->xs);
    ua_scaler_free(&m->ys);
    ua_mlp_comp_free(m->comp);
    for (size_t i = 0; m->members && i + 1 < m->n_estimators; i++) ua_mlp_free(m->members[i]);
    free(m->members);
    free(m->noise_var);
    free(m);
}

void ua_mlp_fold_multipliers(ua_mlp *m)
{
    for (size_t l = 0; l < m->L; l++) {
        if (m->mult[l] == 1.0) continue;
        size_t n = m->width[l] * m->width[l + 1];
        if (m->esize == 4) {
            float *w = (float *)m->params + m->off_w[l];
            for (size_t i = 0; i < n; i++) w[i] = (float)((double)w[i] * m->mult[l]);
        } else {
            double *w = (double *)m->params + m->off_w[l];
            for (size_t i = 0; i < n; i++) w[i] *= m->mult[l];
        }
        m->mult[l] = 1.0;
    }
}

ua_status ua_mlp_optim_state(ua_mlp *m)
{
    if (!m->m1) m->m1 = ua_calloc(m->nparams, m->esize);
    if (!m->m2) m->m2 = ua_calloc(m->nparams, m->esize);
    if (!m->m1 || !m->m2) return UA_ENOMEM_ERR(2 * m->nparams * m->esize);
    return UA_OK;
}

/* ---- accessors -------------------------------------------------------------------------------- */

void ua_mlp_dims(const ua_mlp *m, size_t *d, size_t *k, size_t *dout)
{
    if (d) *d = m ? m->d : 0;
    if (k) *k = m ? m->k : 0;
    if (dout) *dout = m ? m->dout : 0;
}
void ua_mlp_set_test_rmse(ua_mlp *m, double rmse)
{
    if (m) m->test_rmse = rmse;
}
const ua_mlp_options *ua_mlp_get_options(const ua_mlp *m) { return m ? &m->opt : NULL; }
const ua_mlp_report *ua_mlp_get_report(const ua_mlp *m) { return m ? &m->report : NULL; }
size_t ua_mlp_nparams(const ua_mlp *m) { return m ? m->nparams : 0; }
size_t ua_mlp_ntensors(const ua_mlp *m) { return m ? m->ntensors : 0; }

void ua_mlp_tensor(const ua_mlp *m, size_t i, const char **name, size_t *offset, size_t *ndim,
                   size_t shape[2])
{
    const ua_mlp_tensor_info *t = &m->tensors[i];
    if (name) *name = t->name;
    if (offset) *offset = t->offset;
    if (ndim) *ndim = t->ndim;
    if (shape) {
        shape[0] = t->shape[0];
        shape[1] = t->shape[1];
    }
}

void ua_mlp_get_params(const ua_mlp *m, double *p) { m->ops->to_double(m->params, p, m->nparams); }

ua_status ua_mlp_set_params(ua_mlp *m, const double *p)
{
    if (!m || !p) return UA_ERR(UA_EINVAL, "ua_mlp_set_params: NULL argument");
    for (size_t i = 0; i < m->nparams; i++)
        if (!isfinite(p[i])) return UA_ERR(UA_EINVAL, "mlp: parameter %zu is not finite", i);
    m->ops->from_double(p, m->params, m->nparams);
    return UA_OK;
}

/* Checks y (n, k) against the network: k outputs, labels in range. */
static ua_status check_targets(const ua_mlp *m, const double *y, size_t n, size_t k)
{
    if (k != m->k)
        return UA_ERR(UA_EINVAL, "mlp: targets have %zu columns, the network predicts %zu "
                      "(no broadcasting)", k, m->k);
    for (size_t i = 0; i < n * k; i++) {
        if (!isfinite(y[i])) return UA_ERR(UA_EINVAL, "mlp: target row %zu is not finite", i / k);
        if (m->opt.task == UA_TASK_CLASSIFY &&
            (y[i] < 0 || y[i] != floor(y[i]) || y[i] >= (double)m->dout))
            return UA_ERR(UA_EINVAL, "mlp: label %g in row %zu is not a class 0..%zu", y[i], i,
                          m->dout - 1);
    }
    return UA_OK;
}

ua_status ua_mlp_loss_grad(const ua_mlp *m, const double *x, const double *y, size_t n,
                           size_t k, double *loss, double *g, double *out)
{
    if (!m || !x || !y || !loss || n == 0) return UA_ERR(UA_EINVAL, "ua_mlp_loss_grad: NULL argument or n = 0");
    ua_status s = check_targets(m, y, n, k);
    if (s) return s;
    ua_mlp_work w;
    if ((s = m->ops->work_alloc(m, n, &w))) return s;
    void *gt = g ? ua_calloc(m->nparams, m->esize) : NULL;
    if (g && !gt) {
        m->ops->work_free(&w);
        return UA_ENOMEM_ERR(m->nparams * m->esize);
    }
    m->ops->load(m, &w, x, y, NULL, n);
    m->ops->forward(m, m->params, &w, n);
    *loss = m->ops->loss(m, &w, n, g != NULL, NULL);
    if (g) {
        m->ops->backward(m, m->params, &w, n, gt);
        m->ops->to_double(gt, g, m->nparams);
    }
    if (out) m->ops->outputs(m, &w, n, out);
    free(gt);
    m->ops->work_free(&w);
    return UA_OK;
}

ua_status ua_mlp_step(ua_mlp *m, const double *x, const double *y, size_t n, size_t k,
                      double *loss)
{
    if (!m || !x || !y || n == 0) return UA_ERR(UA_EINVAL, "ua_mlp_step: NULL argument or n = 0");
    if (m->opt.optim == UA_OPTIM_LBFGS) return UA_ERR(UA_EUNSUPPORTED, "ua_mlp_step: L-BFGS has no single step");
    ua_status s = check_targets(m, y, n, k);
    if (!s) s = ua_mlp_optim_state(m);
    if (s) return s;
    ua_mlp_work w;
    if ((s = m->ops->work_alloc(m, n, &w))) return s;
    void *gt = ua_calloc(m->nparams, m->esize);
    if (!gt) {
        m->ops->work_free(&w);
        return UA_ENOMEM_ERR(m->nparams * m->esize);
    }
    m->ops->load(m, &w, x, y, NULL, n);
    m->ops->forward(m, m->params, &w, n);
    double l = m->ops->loss(m, &w, n, 1, NULL);
    if (loss) *loss = l;
    m->ops->backward(m, m->params, &w, n, gt);
    m->ops->update(m, gt, m->opt.lr);
    free(gt);
    m->ops->work_free(&w);
    return UA_OK;
}
