/*
 * The training loop (docs/mlp.md, "Training"): standardisation on the training rows, a seeded
 * validation split, minibatch epochs with a learning-rate schedule (SGD, Adam, AdamW) or full-batch
 * L-BFGS iterations, early stopping that restores the best weights, a progress callback per epoch.
 * Under mpirun the training is data-parallel (docs/mlp.md, "Data-parallel training"): every rank
 * draws the same batches, computes the gradient of its share of each one, and the shares are
 * summed by one allreduce a step (src/train/dist.c); the validation rows are shared the same way,
 * so every rank takes the same steps and the same early-stopping decisions.
 */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <cblas.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "uniapprox/dist.h"
#include "internal.h"

typedef struct {
    ua_mlp *m;
    const double *x, *y;   /* (n, d), (n, k) standardised */
    const size_t *train;   /* (ntrain,) row indices */
    const size_t *val;     /* (nval,) */
    size_t ntrain, nval;
    ua_mlp_work wt, we;    /* training batch and evaluation workspaces */
    void *g;               /* (P,) gradient, typed */
    void *best;            /* (P,) best parameters, typed */
    double t0;
    size_t samples;        /* rows pushed through forward + backward */
    size_t diverged;       /* the epoch whose loss became non-finite (0: none) */
    double diverged_loss;  /* that loss */
    ua_train_dist dist;    /* the per-step reduction across ranks (nothing with one rank) */
    ua_status dist_status; /* a failed reduction (the job cannot go on) */
    int P;                 /* threads sharing each batch (batch_grad_threads); 1: none */
    ua_mlp_work *wp;       /* (P - 1,) workspaces of threads 1..P-1 (thread 0 uses wt) */
    void *gp;              /* (P - 1, nparams) their gradients, typed */
    int updated;           /* the last batch_grad took the optimiser step too */
} fit_ctx;

/* Mean loss over rows idx (n of them) in chunks of the evaluation workspace; each rank of a job
 * evaluates its share of the rows and the sums are added across ranks (the same value on all). */
static double eval_loss(fit_ctx *c, const size_t *idx, size_t n, size_t *correct)
{
    ua_mlp *m = c->m;
    double sum = 0;
    size_t hits = 0, lo = 0, hi = n;
    ua_dist_share(n, &lo, &hi);
    for (size_t i = lo; i < hi; i += c->we.B) {
        size_t B = hi - i < c->we.B ? hi - i : c->we.B, h = 0;
        m->ops->load(m, &c->we, c->x, c->y, idx + i, B);
        m->ops->forward(m, m->params, &c->we, B);
        sum += m->ops->loss(m, &c->we, B, 0, &h) * (double)B;
        hits += h;
    }
    if (ua_dist_size() > 1) {
        double both[2] = { sum, (double)hits }; /* counts below 2^53 add exactly */
        ua_status s = ua_dist_allreduce_sum(both, 2);
        if (s && !c->dist_status) c->dist_status = s;
        sum = s ? NAN : both[0];
        hits = (size_t)both[1];
    }
    if (correct) *correct = hits;
    return sum / (double)n;
}

/* Threads of one process share a batch the way ranks do (docs/mlp.md, "Where the training time
 * goes"): thread p takes rows [b p / P, b (p + 1) / P) through its own workspace into its own
 * gradient with single-threaded BLAS; then, after one barrier, thread p takes parameters
 * [np p / P, np (p + 1) / P) (rounded to 16) and sums the P gradients there, weighted by their
 * rows in thread order (the same expression per parameter whichever thread runs it, so a run is
 * reproducible for a given thread count), into c->g. With lr >= 0 (one rank: nothing to reduce
 * between the gradient and the step) the same thread then takes the optimiser step of those
 * parameters (m->step counted once, before the fork): one fork and one barrier a step, where the
 * sum and the step on thread 0 alone held the second thread idle for a quarter of its time
 * (profile in docs/mlp.md). Leaving the threading to OpenBLAS inside each product of a 256-row
 * batch gained nothing: the second core then did a third of the work and spent the rest waiting
 * at the hand-offs. Returns the mean loss over the b rows. */
static double batch_grad_threads(fit_ctx *c, const double *x, const double *y, const size_t *idx,
                                 size_t b, double lr)
{
    ua_mlp *m = c->m;
    const int P = c->P;
    const size_t np = m->nparams, es = m->esize;
    double part[UA_MAX_ROW_THREADS], wgt[UA_MAX_ROW_THREADS];
    if (lr >= 0) m->step++;
#pragma omp parallel num_threads(P)
    {
        /* a team smaller than P (a nested region) shares the P slices: each is still one task */
#pragma omp for schedule(static)
        for (int p = 0; p < P; p++) {
            size_t r0 = b * (size_t)p / (size_t)P, r1 = b * (size_t)(p + 1) / (size_t)P;
            ua_mlp_work *w = p ? &c->wp[p - 1] : &c->wt;
            void *g = p ? (char *)c->gp + (size_t)(p - 1) * np * es : c->g;
            memset(g, 0, np * es);
            part[p] = 0;
            if (r1 > r0) {
                m->ops->load(m, w, x, y, idx + r0, r1 - r0);
                m->ops->forward(m, m->params, w, r1 - r0);
                part[p] = m->ops->loss(m, w, r1 - r0, 1, NULL) * (double)(r1 - r0);
                m->ops->backward(m, m->params, w, r1 - r0, g);
            }
            wgt[p] = (double)(r1 - r0) / (double)b;
        } /* the barrier: every slice's gradient is complete */
#pragma omp for schedule(static) nowait
        for (int p = 0; p < P; p++) {
            size_t lo = p ? (np * (size_t)p / (size_t)P) & ~(size_t)15 : 0;
            size_t hi = p + 1 < P ? (np * (size_t)(p + 1) / (size_t)P) & ~(size_t)15 : np;
            /* in chunks through a double accumulator, so that each pass vectorises: the
             * per-parameter order of the additions is the thread order either way */
            for (size_t i0 = lo; i0 < hi; i0 += 256) {
                size_t n = hi - i0 < 256 ? hi - i0 : 256;
                double acc[256];
                if (es == sizeof(float)) {
                    float *g0 = (float *)c->g + i0;
                    for (size_t i = 0; i < n; i++) acc[i] = wgt[0] * (double)g0[i];
                    for (int q = 1; q < P; q++) {
                        const float *gq = (const float *)c->gp + (size_t)(q - 1) * np + i0;
                        for (size_t i = 0; i < n; i++) acc[i] += wgt[q] * (double)gq[i];
                    }
                    for (size_t i = 0; i < n; i++) g0[i] = (float)acc[i];
                } else {
                    double *g0 = (double *)c->g + i0;
                    for (size_t i = 0; i < n; i++) acc[i] = wgt[0] * g0[i];
                    for (int q = 1; q < P; q++) {
                        const double *gq = (const double *)c->gp + (size_t)(q - 1) * np + i0;
                        for (size_t i = 0; i < n; i++) acc[i] += wgt[q] * gq[i];
                    }
                    for (size_t i = 0; i < n; i++) g0[i] = acc[i];
                }
            }
            if (lr >= 0 && hi > lo) m->ops->update_span(m, c->g, lr, lo, hi);
        }
    }
    double sum = 0;
    for (int p = 0; p < P; p++) sum += part[p];
    return sum / (double)b;
}

/* The mean loss over rows idx[0..b) of the training data and its gradient in c->g; no rows (a
 * rank's empty share of a small batch) give 0 and a zero gradient. With lr >= 0 and threads
 * sharing the batch, the optimiser step is taken too (batch_grad_threads) and c->updated set. */
static double batch_grad(fit_ctx *c, const double *x, const double *y, const size_t *idx, size_t b,
                         double lr)
{
    ua_mlp *m = c->m;
    c->updated = 0;
    if (c->P > 1 && b >= (size_t)c->P * 32) {
        c->updated = lr >= 0;
        return batch_grad_threads(c, x, y, idx, b, lr);
    }
    memset(c->g, 0, m->nparams * m->esize);
    if (!b) return 0;
    m->ops->load(m, &c->wt, x, y, idx, b);
    m->ops->forward(m, m->params, &c->wt, b);
    double loss = m->ops->loss(m, &c->wt, b, 1, NULL);
    m->ops->backward(m, m->params, &c->wt, b, c->g);
    return loss;
}

/* Rows idx[0..b) of one step, shared over the ranks: this rank's share's gradient, then the sum
 * of the shares' gradients weighted by their rows, over b, in c->g on every rank (lr < 0: the
 * L-BFGS objective). With lr >= 0 the optimiser step at lr may be taken too (c->updated says
 * whether): with one rank by threads that share the batch; with ranks, after the reduction, by
 * each rank for its share of the parameters (ua_train_dist_sum_share), the shares exchanged
 * after; c->g is then summed on this rank's share only, and the loss returned is the batch's on
 * the last rank only (the others: their own share's). Returns the loss summed over the b rows
 * (NaN when the reduction failed: c->dist_status says why). */
static double step_grad(fit_ctx *c, const double *x, const double *y, const size_t *idx, size_t b,
                        double lr)
{
    size_t lo = 0, hi = b;
    ua_dist_share(b, &lo, &hi);
    double part = batch_grad(c, x, y, idx + lo, hi - lo, ua_dist_size() > 1 ? -1.0 : lr) * (double)(hi - lo);
    ua_mlp *m = c->m;
    ua_status s = c->dist_status;
    if (!s && lr >= 0 && c->dist.buf) {
        /* ranks and a first-order step: each rank sums its share of the parameters' gradient,
         * steps that share and sends it to the others (the bits of a whole step on every rank;
         * a rank adds, steps and receives 1 / N of the parameters instead of all of them) */
        size_t plo, phi;
        s = ua_train_dist_sum_share(&c->dist, c->g, m->esize, (double)(hi - lo), (double)b, &part,
                                    &plo, &phi);
        if (!s) {
            m->step++;
            m->ops->update_span(m, c->g, lr, plo, phi);
            s = ua_dist_allgather_shares(m->params, m->nparams, m->esize);
        }
        c->updated = !s;
    } else if (!s) {
        s = ua_train_dist_sum(&c->dist, c->g, m->esize, (double)(hi - lo), (double)b, &part);
    }
    if (s && !c->dist_status) c->dist_status = s;
    return s ? NAN : part;
}

/* L-BFGS objective: the full-batch training loss and its gradient at p (doubles). */
static double lbfgs_fg(const double *p, double *g, void *ctxv)
{
    fit_ctx *c = ctxv;
    ua_mlp *m = c->m;
    m->ops->from_double(p, m->params, m->nparams);
    double f = ua_dist_size() > 1 ? step_grad(c, c->x, c->y, c->train, c->ntrain, -1.0) / (double)c->ntrain
                                  : batch_grad(c, c->x, c->y, c->train, c->ntrain, -1.0);
    m->ops->to_double(c->g, g, m->nparams);
    c->samples += c->ntrain;
    return f;
}

/* Shared epoch bookkeeping: validation, best weights, progress. Returns 1 to stop. */
static int end_epoch(fit_ctx *c, size_t epoch, double train_loss, double lr, ua_train_stop *stop)
{
    ua_mlp *m = c->m;
    const ua_mlp_options *o = &m->opt;
    double val = c->nval ? eval_loss(c, c->val, c->nval, NULL) : NAN;
    double crit = c->nval ? val : train_loss;
    if (!isfinite(train_loss) || !isfinite(crit)) { /* diverged: the fit fails (docs/mlp.md) */
        c->diverged = epoch;
        c->diverged_loss = isfinite(train_loss) ? crit : train_loss;
        m->report.epochs_run = epoch;
        return 1;
    }
    int improved = ua_train_stop_update(stop, epoch, crit);
    if (improved) {
        memcpy(c->best, m->params, m->nparams * m->esize);
        m->report.best_epoch = epoch;
        m->report.train_loss = train_loss;
        m->report.val_loss = val;
    }
    m->report.epochs_run = epoch;
    if (o->progress) {
        ua_mlp_progress p = { epoch, o->epochs, train_loss, val, lr, ua_train_now() - c->t0, improved };
        o->progress(&p, o->progress_ctx);
    }
    return !isfinite(train_loss) || (c->nval && stop->wait >= o->patience);
}

static ua_status run_first_order(fit_ctx *c)
{
    ua_mlp *m = c->m;
    const ua_mlp_options *o = &m->opt;
    ua_rng r;
    ua_rng_seed(&r, o->seed ^ 0x5851f42d4c957f2dull);
    size_t *perm = ua_calloc(c->ntrain, sizeof *perm);
    if (!perm) return UA_ENOMEM_ERR(c->ntrain * sizeof *perm);
    memcpy(perm, c->train, c->ntrain * sizeof *perm);
    size_t B = o->batch < c->ntrain ? o->batch : c->ntrain;
    size_t per_epoch = (c->ntrain + B - 1) / B, T = per_epoch * o->epochs, t = 0;
    double lr = o->lr;
    ua_train_stop stop;
    ua_train_stop_init(&stop);
    ua_status s = ua_mlp_optim_state(m);
    if (!s) s = ua_train_dist_alloc(&c->dist, m->nparams, 1);
    for (size_t epoch = 1; !s && !c->dist_status && epoch <= o->epochs; epoch++) {
        ua_train_shuffle(&r, perm, c->ntrain);
        double sum = 0;
        for (size_t i = 0; i < c->ntrain; i += B, t++) {
            size_t b = c->ntrain - i < B ? c->ntrain - i : B;
            lr = ua_train_lr(o->lr, (int)o->schedule, o->warmup, t, T);
            sum += step_grad(c, c->x, c->y, perm + i, b, lr); /* this rank's share, summed */
            if (c->dist_status) break;
            if (!c->updated) m->ops->update(m, c->g, lr);
            c->samples += b;
        }
        /* with ranks the steps' losses were summed on the last rank only (step_grad) */
        if (c->dist.buf && !c->dist_status)
            c->dist_status = ua_dist_bcast(&sum, sizeof sum, ua_dist_size() - 1);
        if (c->dist_status || end_epoch(c, epoch, sum / (double)c->ntrain, lr, &stop)) break;
    }
    m->report.steps = t;
    free(perm);
    ua_train_dist_free(&c->dist);
    return s ? s : c->dist_status;
}

static ua_status run_lbfgs(fit_ctx *c)
{
    ua_mlp *m = c->m;
    size_t P = m->nparams;
    ua_train_stop stop;
    ua_train_stop_init(&stop);
    ua_train_lbfgs lb;
    ua_status s = ua_train_lbfgs_alloc(P, m->opt.lbfgs_history, &lb);
    if (s) return s;
    if ((s = ua_train_dist_alloc(&c->dist, P, 1))) {
        ua_train_lbfgs_free(&lb);
        return s;
    }
    double *p = ua_calloc(P, sizeof *p), *g = ua_calloc(P, sizeof *g);
    if (!p || !g) {
        free(p);
        free(g);
        ua_train_lbfgs_free(&lb);
        ua_train_dist_free(&c->dist);
        return UA_ENOMEM_ERR(2 * P * sizeof *p);
    }
    m->ops->to_double(m->params, p, P);
    double f = lbfgs_fg(p, g, c);
    int stalls = 0;
    for (size_t it = 1; it <= m->opt.epochs; it++) {
        int stalled = ua_train_lbfgs_iter(&lb, lbfgs_fg, c, p, &f, g);
        m->ops->from_double(p, m->params, P); /* the accepted point */
        m->report.steps = it;
        if (c->dist_status || end_epoch(c, it, f, 1.0, &stop)) break;
        if (stalled) {
            if (++stalls >= 2 || lb.count == 0) break;
            lb.count = 0; /* restart the memory once before giving up */
        } else {
            stalls = 0;
        }
    }
    free(p);
    free(g);
    ua_train_lbfgs_free(&lb);
    ua_train_dist_free(&c->dist);
    return c->dist_status;
}

/* A target column that is constant on the training rows is predicted exactly: its readout row
 * and bias are set to zero, so the prediction is the scaler's mean, i.e. the constant itself
 * (with standardisation), instead of a network output that only approximates it. */
static void zero_constant_outputs(ua_mlp *m, const double *y, size_t n)
{
    size_t L = m->L, in = m->width[L - 1];
    for (size_t j = 0; j < m->k; j++) {
        int constant = m->opt.standardize;
        for (size_t i = 1; constant && i < n; i++) constant = y[i * m->k + j] == y[j];
        if (!constant) continue;
        if (m->esize == 4) {
            float *p = m->params;
            memset(p + m->off_w[L - 1] + j * in, 0, in * sizeof *p);
            p[m->off_b[L - 1] + j] = 0;
        } else {
            double *p = m->params;
            memset(p + m->off_w[L - 1] + j * in, 0, in * sizeof *p);
            p[m->off_b[L - 1] + j] = 0;
        }
    }
}

/*
 * Refuses (UA_EINVAL) a fit whose parameters and buffers cannot fit in 80% of the physical
 * memory, before anything is allocated (a 10^5 x 10^5 network asked for 80 GB and failed with
 * "out of memory"). The estimate: the parameters times (params, gradient, best, two optimiser
 * moments in the network's dtype, one double copy; L-BFGS: 2 history + 2 doubles per parameter),
 * the activations of one batch (ntrain rows for L-BFGS) and of the validation chunk (four
 * buffers of the widest layer per row and one per layer), and the standardised copy of the data.
 */
static ua_status check_memory(const ua_mlp_options *o, size_t n, size_t d, size_t k, size_t dout,
                              size_t nval)
{
    double es = o->dtype == UA_MLP_F64 ? 8 : 4, P = 0, sumw = 0, maxw = (double)(d > dout ? d : dout);
    size_t in = d;
    for (size_t l = 0; l <= o->nhidden; l++) {
        size_t w = l < o->nhidden ? o->hidden[l] : dout;
        P += (double)in * (double)w + 4.0 * (double)w; /* weights, bias, at most 3 per-unit */
        sumw += (double)w;
        if ((double)w > maxw) maxw = (double)w;
        in = w;
    }
    double per_param = o->optim == UA_OPTIM_LBFGS ? 3 * es + 8.0 * (2.0 * (double)o->lbfgs_history + 3)
                                                  : 5 * es + 8;
    size_t ntrain = n - nval;
    double Be = nval ? (nval < 1024 ? (double)nval : 1024) : 1; /* the validation chunk */
    double Bt = o->optim == UA_OPTIM_LBFGS ? (double)ntrain
                                           : (double)(o->batch < ntrain ? o->batch : ntrain);
    double row = es * (3 * sumw + 2 * maxw + (double)(d + k + dout)); /* one row's activations */
    double params = P * per_param, acts = (Bt + Be) * row, data = 8.0 * (double)n * (double)(d + k + 1);
    double need = params + acts + data, limit = 0.8 * ua_phys_memory();
    if ((limit > 0 && need > limit) || need > 0.5 * (double)SIZE_MAX) {
        size_t widest = 0;
        for (size_t l = 0; l < o->nhidden; l++) widest = o->hidden[l] > widest ? o->hidden[l] : widest;
        return UA_ERR(UA_EINVAL, "mlp: the fit needs about %.3g GiB (%.3g parameters over %zu hidden "
                      "layers of up to %zu units: %.3g GiB; the activations of a batch of %.0f rows%s and a validation chunk: "
                      "%.3g GiB), more than 80%% of the physical memory (%.3g GiB); reduce --hidden%s",
                      need / 1073741824.0, P, o->nhidden, widest, params / 1073741824.0, Bt,
                      o->optim == UA_OPTIM_LBFGS ? " (L-BFGS: every training row)" : "",
                      acts / 1073741824.0, limit / 1073741824.0,
                      o->optim == UA_OPTIM_LBFGS ? " or --samples (the training rows)" : " or --batch");
    }
    return UA_OK;
}

ua_status ua_mlp_fit(const double *x, const double *y, size_t n, size_t d, size_t k,
                     const ua_mlp_options *opt, ua_mlp **out)
{
    ua_mlp_options def;
    if (!out) return UA_ERR(UA_EINVAL, "ua_mlp_fit: out is NULL");
    *out = NULL;
    if (!opt) {
        ua_mlp_options_default(&def);
        opt = &def;
    }
    if (!x || !y) return UA_ERR(UA_EINVAL, "ua_mlp_fit: NULL samples");
    if (n == 0 || d == 0 || k == 0) return UA_ERR(UA_EINVAL, "ua_mlp_fit: no samples (n = %zu, d = %zu, k = %zu)", n, d, k);
    for (size_t i = 0; i < n * d; i++)
        if (!isfinite(x[i])) return UA_ERR(UA_EINVAL, "mlp: input row %zu, column %zu is not finite", i / d, i % d);
    size_t dout = opt->task == UA_TASK_GAUSSIAN ? 2 * k : k; /* Gaussian: mean and variance heads */
    if (opt->task == UA_TASK_CLASSIFY) {
        if (k != 1) return UA_ERR(UA_EINVAL, "mlp: classification takes one label column, got %zu", k);
        ua_status ls = ua_check_labels("mlp", y, n, 1);
        if (ls) return ls;
        double mx = 0;
        for (size_t i = 0; i < n; i++)
            if (y[i] > mx) mx = y[i];
        dout = (size_t)mx + 1;
        if (dout < 2) return UA_ERR(UA_EINVAL, "mlp: every label is 0; a classifier needs >= 2 classes");
    } else {
        for (size_t i = 0; i < n * k; i++)
            if (!isfinite(y[i])) return UA_ERR(UA_EINVAL, "mlp: target row %zu is not finite", i / k);
    }
    size_t nval = ua_train_val_rows(opt->val_frac, n);
    if (opt->val_frac > 0 && nval < 2)
        return UA_ERR(UA_EINVAL, "mlp: validation fraction %g of %zu rows leaves %zu validation "
                      "row%s; early stopping needs >= 2 (or a validation fraction of 0)",
                      opt->val_frac, n, nval, nval == 1 ? "" : "s");
    if (nval >= n)
        return UA_ERR(UA_EINVAL, "mlp: validation fraction %g of %zu rows leaves no training row",
                      opt->val_frac, n);
    ua_mlp *m;
    ua_status s = check_memory(opt, n, d, k, dout, nval);
    if (s) return s;
    s = ua_mlp_alloc(d, dout, opt, &m);
    if (s) return s;
    if (opt->threads > 0) {
        openblas_set_num_threads(opt->threads);
#ifdef _OPENMP
        omp_set_num_threads(opt->threads);
#endif
    }
    fit_ctx c;
    memset(&c, 0, sizeof c);
    c.m = m;
    m->opt.progress = opt->progress;
    m->opt.progress_ctx = opt->progress_ctx;
    double *xz = ua_calloc(n * d, sizeof *xz), *yz = ua_calloc(n * k, sizeof *yz);
    size_t *rows = ua_calloc(n, sizeof *rows);
    if (!xz || !yz || !rows) s = UA_ENOMEM_ERR(n * (d + k + 1) * sizeof(double));
    if (!s) {
        memcpy(xz, x, n * d * sizeof *xz);
        memcpy(yz, y, n * k * sizeof *yz);
        if (opt->standardize) {
            ua_scaler_free(&m->xs);
            s = ua_scaler_fit(x, n, d, &m->xs);
            if (!s) ua_scaler_apply(&m->xs, xz, n);
            if (!s) s = ua_check_standardised("mlp", "", "x", xz, n, d);
            if (!s && opt->task != UA_TASK_CLASSIFY) {
                ua_scaler_free(&m->ys);
                s = ua_scaler_fit(y, n, k, &m->ys);
                if (!s) ua_scaler_apply(&m->ys, yz, n);
                if (!s) s = ua_check_standardised("mlp", "", "y", yz, n, k);
            }
        }
    }
    if (!s) { /* the validation rows: the first nval of a seeded permutation */
        ua_rng r;
        ua_rng_seed(&r, opt->seed ^ 0x9e3779b97f4a7c15ull);
        for (size_t i = 0; i < n; i++) rows[i] = i;
        if (nval) ua_train_shuffle(&r, rows, n);
        c.x = xz;
        c.y = yz;
        c.val = rows;
        c.nval = nval;
        c.train = rows + nval;
        c.ntrain = n - nval;
        size_t Bt = opt->optim == UA_OPTIM_LBFGS ? c.ntrain : (opt->batch < c.ntrain ? opt->batch : c.ntrain);
        Bt = (Bt + (size_t)ua_dist_size() - 1) / (size_t)ua_dist_size(); /* the largest share */
        size_t Be = nval ? (nval < 1024 ? nval : 1024) : 1;
        s = m->ops->work_alloc(m, Bt, &c.wt);
        if (!s) s = m->ops->work_alloc(m, Be, &c.we);
        c.g = ua_calloc(m->nparams, m->esize);
        c.best = ua_calloc(m->nparams, m->esize);
        if (!s && (!c.g || !c.best)) s = UA_ENOMEM_ERR(2 * m->nparams * m->esize);
        /* threads share a batch when each gets >= 32 rows and the batch holds >= 4 Mi
         * multiply-adds (below that the fork costs more than it saves); first-order steps only,
         * so that L-BFGS's whole-set batch is not held twice */
        size_t macs = 0;
        for (size_t l = 0; l < m->L; l++) macs += m->width[l] * m->width[l + 1];
        c.P = opt->optim == UA_OPTIM_LBFGS ? 1 : ua_row_threads(Bt * macs, (size_t)4 << 20, Bt / 32);
        if (!s && c.P > 1) {
            c.wp = ua_calloc((size_t)c.P - 1, sizeof *c.wp);
            c.gp = ua_calloc(((size_t)c.P - 1) * m->nparams, m->esize);
            if (!c.wp || !c.gp) s = UA_ENOMEM_ERR(((size_t)c.P - 1) * m->nparams * m->esize);
            for (int p = 1; !s && p < c.P; p++) s = m->ops->work_alloc(m, (Bt + (size_t)c.P - 1) / (size_t)c.P, &c.wp[p - 1]);
        }
    }
    int blas_threads = 1; /* each thread's products on that thread (ua_blas_threads_quiet) */
    if (!s && c.P > 1) blas_threads = ua_blas_threads_quiet();
    if (!s) {
        c.t0 = ua_train_now();
        s = opt->optim == UA_OPTIM_LBFGS ? run_lbfgs(&c) : run_first_order(&c);
        m->report.seconds = ua_train_now() - c.t0;
        m->report.samples_per_second = m->report.seconds > 0 ? (double)c.samples / m->report.seconds : 0;
        if (!s && c.diverged)
            s = UA_ERR(UA_EDIVERGED, "mlp: training diverged at epoch %zu (loss %g); try a smaller "
                       "--lr%s", c.diverged, isnan(c.diverged_loss) ? NAN : c.diverged_loss,
                       opt->standardize ? "" : " or standardised data (drop --no-standardize)");
        if (m->report.epochs_run) memcpy(m->params, c.best, m->nparams * m->esize);
        if (opt->task == UA_TASK_CLASSIFY && !s) {
            size_t hits = 0;
            m->report.nclasses = dout;
            eval_loss(&c, c.train, c.ntrain, &hits);
            m->report.train_accuracy = (double)hits / (double)c.ntrain;
            if (nval) {
                eval_loss(&c, c.val, nval, &hits);
                m->report.val_accuracy = (double)hits / (double)nval;
            } else {
                m->report.val_accuracy = NAN;
            }
        }
        if (!s && c.dist_status) s = c.dist_status; /* a failed reduction in the evaluations */
        if (!s) {
            ua_mlp_fold_multipliers(m);
            if (opt->task == UA_TASK_REGRESS) zero_constant_outputs(m, y, n);
            /* (Gaussian: a constant column keeps its learned mean and variance: zeroing the mean
             * row would leave the variance head fitted to residuals that no longer exist) */
        }
    }
    if (!s) { /* finite parameters, finite predictions in target units: else nothing is returned */
        double *pd = ua_calloc(m->nparams, sizeof *pd);
        if (!pd) s = UA_ENOMEM_ERR(m->nparams * sizeof *pd);
        else {
            m->ops->to_double(m->params, pd, m->nparams);
            size_t bad = ua_first_nonfinite(pd, m->nparams);
            if (bad < m->nparams)
                s = UA_ERR(UA_EDIVERGED, "mlp: training diverged (parameter %zu is not finite after "
                           "%zu epochs); try a smaller --lr", bad, m->report.epochs_run);
            free(pd);
        }
    }
    if (c.P > 1) ua_blas_threads_quiet_restore(blas_threads);
    for (int p = 1; c.wp && p < c.P; p++) m->ops->work_free(&c.wp[p - 1]);
    free(c.wp);
    free(c.gp);
    m->ops->work_free(&c.wt);
    m->ops->work_free(&c.we);
    free(c.g);
    free(c.best);
    free(xz);
    free(yz);
    free(rows);
    free(m->m1);
    free(m->m2);
    m->m1 = m->m2 = NULL;
    m->step = 0;
    m->opt.progress = NULL;
    m->opt.progress_ctx = NULL;
    if (s) {
        ua_mlp_free(m);
        return s;
    }
    *out = m;
    return UA_OK;
}

/* ---- prediction ------------------------------------------------------------------------------- */

/* " (x = 1e+39, 0, ...)": the first columns of input row x (d,), for a message. */
static void fmt_row(const double *x, size_t d, char *buf, size_t size)
{
    size_t len = (size_t)snprintf(buf, size, " (x = ");
    for (size_t j = 0; j < d && j < 4 && len < size; j++)
        len += (size_t)snprintf(buf + len, size - len, "%s%.9g", j ? ", " : "", x[j]);
    if (len < size) snprintf(buf + len, size - len, "%s)", d > 4 ? ", ..." : "");
}

/* Network outputs (n, dout) at raw x (n, d): standardise, forward in chunks. The network
 * computes in its dtype: a standardised input beyond its range (FLT_MAX for float32) and a
 * non-finite pre-activation or hidden value in any layer are errors (UA_EDOMAIN naming the row
 * and its input), never a finite wrong value (ReLU maps the NaN of an overflowed sum to 0). */
static ua_status outputs(const ua_mlp *m, const double *x, size_t n, double *o)
{
    size_t chunk = n < 1024 ? n : 1024;
    ua_mlp_work w;
    ua_status s = m->ops->work_alloc(m, chunk, &w);
    double *xz = s ? NULL : ua_calloc(chunk * m->d, sizeof *xz);
    if (!s && !xz) s = UA_ENOMEM_ERR(chunk * m->d * sizeof *xz);
    const double big = m->esize == 4 ? (double)FLT_MAX : DBL_MAX;
    const char *dt = m->esize == 4 ? "float32" : "float64";
    char row[160];
    for (size_t i = 0; !s && i < n; i += chunk) {
        size_t B = n - i < chunk ? n - i : chunk;
        memcpy(xz, x + i * m->d, B * m->d * sizeof *xz);
        ua_scaler_apply(&m->xs, xz, B);
        /* the first row whose input does not fit; the rows before it run (an overflow of their
         * hidden features is reported first: the error names the first bad row) */
        size_t q = 0;
        while (q < B * m->d && fabs(xz[q]) <= big) q++;
        size_t ok = q / m->d;
        if (ok) {
            m->ops->load(m, &w, xz, NULL, NULL, ok);
            m->ops->forward(m, m->params, &w, ok);
            size_t bad = m->ops->first_nonfinite(m, &w, ok);
            if (bad < ok) {
                fmt_row(x + (i + bad) * m->d, m->d, row, sizeof row);
                s = UA_ERR(UA_EDOMAIN, "mlp predict: the prediction for row %zu%s is not finite: "
                           "the hidden features overflow %s at that input (its magnitude is too "
                           "large)", i + bad + 1, row, dt);
                break;
            }
            m->ops->outputs(m, &w, ok, o + i * m->dout);
        }
        if (ok < B) {
            size_t r = i + ok, j = q % m->d;
            fmt_row(x + r * m->d, m->d, row, sizeof row);
            if (!isfinite(x[r * m->d + j]))
                s = UA_ERR(UA_EDOMAIN, "mlp predict: input %zu of row %zu%s is not finite", j + 1,
                           r + 1, row);
            else
                s = UA_ERR(UA_EDOMAIN, "mlp predict: input %zu of row %zu%s does not fit in the "
                           "network's %s: after the model's input scaling it is %.9g, beyond the "
                           "largest %s %.9g (its magnitude is too large)", j + 1, r + 1, row, dt,
                           xz[q], dt, big);
        }
    }
    free(xz);
    if (chunk) m->ops->work_free(&w);
    return s;
}

ua_status ua_mlp_predict(const ua_mlp *m, const double *x, size_t n, double *y)
{
    if (!m || (n && (!x || !y))) return UA_ERR(UA_EINVAL, "ua_mlp_predict: NULL argument");
    if (m->n_estimators > 1) return ua_mlp_ensemble_mean(m, x, n, y, 0);
    return ua_mlp_predict_one(m, x, n, y);
}

/* Softplus, overflow-free: log(1 + e^s). */
static double softplus(double s) { return fmax(s, 0.0) + log1p(exp(-fabs(s))); }

ua_status ua_mlp_gaussian_one(const ua_mlp *m, const double *x, size_t n, double *mu, double *var)
{
    if (!n) return UA_OK;
    size_t k = m->k;
    double *o = ua_calloc(n * 2 * k, sizeof *o);
    if (!o) return UA_ENOMEM_ERR(n * 2 * k * sizeof *o);
    ua_status s = outputs(m, x, n, o);
    for (size_t i = 0; !s && i < n; i++)
        for (size_t j = 0; j < k; j++) {
            if (mu) mu[i * k + j] = o[i * 2 * k + j];
            if (var) var[i * k + j] = (softplus(o[i * 2 * k + k + j]) + UA_MLP_VAR_EPS) *
                                      m->ys.scale[j] * m->ys.scale[j];
        }
    if (!s && mu) ua_scaler_invert(&m->ys, mu, n);
    free(o);
    return s;
}

ua_status ua_mlp_predict_one(const ua_mlp *m, const double *x, size_t n, double *y)
{
    if (!n) return UA_OK;
    if (m->opt.task == UA_TASK_GAUSSIAN) return ua_mlp_gaussian_one(m, x, n, y, NULL);
    if (m->opt.task == UA_TASK_REGRESS) {
        ua_status s = outputs(m, x, n, y);
        if (!s) ua_scaler_invert(&m->ys, y, n);
        size_t bad = s ? n * m->k : ua_first_nonfinite(y, n * m->k);
        if (bad < n * m->k)
            s = UA_ERR(UA_EDOMAIN, "mlp predict: the prediction for row %zu overflows double after "
                       "the model's output scaling (its magnitude is too large)", bad / m->k + 1);
        return s;
    }
    double *p = ua_calloc(n * m->dout, sizeof *p);
    if (!p) return UA_ENOMEM_ERR(n * m->dout * sizeof *p);
    ua_status s = outputs(m, x, n, p);
    for (size_t i = 0; !s && i < n; i++) {
        size_t arg = 0;
        for (size_t c = 1; c < m->dout; c++)
            if (p[i * m->dout + c] > p[i * m->dout + arg]) arg = c;
        y[i] = (double)arg;
    }
    free(p);
    return s;
}

ua_status ua_mlp_predict_proba(const ua_mlp *m, const double *x, size_t n, double *p)
{
    if (!m || (n && (!x || !p))) return UA_ERR(UA_EINVAL, "ua_mlp_predict_proba: NULL argument");
    if (m->opt.task != UA_TASK_CLASSIFY) return UA_ERR(UA_EINVAL, "mlp: not a classifier");
    if (m->n_estimators > 1) return ua_mlp_ensemble_mean(m, x, n, p, 1);
    return ua_mlp_predict_proba_one(m, x, n, p);
}

ua_status ua_mlp_predict_proba_one(const ua_mlp *m, const double *x, size_t n, double *p)
{
    if (!n) return UA_OK;
    ua_status s = outputs(m, x, n, p);
    for (size_t i = 0; !s && i < n; i++) {
        double *r = p + i * m->dout, mx = r[0], sum = 0;
        for (size_t c = 1; c < m->dout; c++) mx = fmax(mx, r[c]);
        for (size_t c = 0; c < m->dout; c++) sum += (r[c] = exp(r[c] - mx));
        for (size_t c = 0; c < m->dout; c++) r[c] /= sum;
    }
    return s;
}
