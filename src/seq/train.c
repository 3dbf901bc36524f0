/*
 * Training: minibatches of whole sequences, reshuffled every epoch, src/train's Adam(W) step and
 * learning-rate schedules (ua_train_adam_f32, ua_train_lr), a held-out validation fraction, and a
 * per-epoch progress record (ua_mlp_progress, uniapprox/mlp.h's public type) for the progress hook
 * and the training log. Under mpirun the training is data-parallel across ranks too (docs/mlp.md,
 * "Data-parallel training"): every rank draws the same batches, runs its share of each one through
 * the threads below, and one allreduce a step (src/train/dist.c) sums the gradients, the loss and
 * the right answers; the validation sequences are shared the same way.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifdef _OPENMP
#include <omp.h>
#endif
#include <cblas.h>

#include "uniapprox/dist.h"
#include "internal.h"
#include "train/train.h"

void openblas_set_num_threads(int);

/* Data parallelism: P threads each run the forward and backward passes of a slice of the
 * minibatch through their own work buffers into their own gradient, with single-threaded BLAS;
 * the gradients are then summed and (one rank) the Adam step taken, each thread over its own slice
 * of the parameters (dp_step). One fork and one barrier a step, instead of a parallel region
 * (and OpenBLAS's thread hand-off) in every layer: at this model size the per-layer threading
 * cost more than it gained. The sum runs in a fixed order, so results do not depend on timing. */
typedef struct {
    int P;
    ua_seq_work *w;  /* (P,) */
    float *g;        /* (P - 1, nparams): the gradients of threads 1..P-1 */
    double *loss;    /* (P,) */
    size_t *right;   /* (P,) */
} dp_state;

static void dp_free(dp_state *dp)
{
    for (int p = 0; dp->w && p < dp->P; p++) ua_seq_work_free(&dp->w[p]);
    free(dp->w);
    free(dp->g);
    free(dp->loss);
    free(dp->right);
    memset(dp, 0, sizeof *dp);
}

static ua_status dp_alloc(const ua_seq *m, int P, size_t B, size_t T, dp_state *dp)
{
    memset(dp, 0, sizeof *dp);
    dp->P = P;
    dp->w = calloc((size_t)P, sizeof *dp->w);
    dp->g = malloc(((size_t)P - 1) * m->nparams * sizeof *dp->g + 1);
    dp->loss = calloc((size_t)P, sizeof *dp->loss);
    dp->right = calloc((size_t)P, sizeof *dp->right);
    ua_status s = UA_OK;
    if (!dp->w || !dp->g || !dp->loss || !dp->right) s = UA_ENOMEM_ERR((size_t)P * m->nparams * sizeof(float));
    size_t rows = (B + (size_t)P - 1) / (size_t)P;
    for (int p = 0; !s && p < P; p++) s = ua_seq_work_alloc(m, rows, T, &dp->w[p]);
    if (s) dp_free(dp);
    return s;
}

/* The Adam(W) step of parameters [lo, hi) of m at step m->step (already counted) with gradient g:
 * each tensor's part of the span with that tensor's decay flag. The step is per parameter, so
 * disjoint spans that cover [0, nparams) give the bits of one whole step. */
static void adam_span(ua_seq *m, const float *g, double lr, size_t lo, size_t hi)
{
    const ua_seq_options *o = &m->opt;
    for (size_t i = 0; i < m->ntensors; i++) {
        const ua_seq_tensor_info *t = &m->tensors[i];
        size_t a = t->offset > lo ? t->offset : lo, e = t->offset + t->size;
        if (e > hi) e = hi;
        if (a >= e) continue;
        ua_train_adam_f32(m->params + a, g + a, m->m1 + a, m->m2 + a, e - a, lr, o->beta1,
                          o->beta2, o->eps, t->decay ? o->weight_decay : 0.0,
                          o->optim == UA_OPTIM_ADAMW, m->step);
    }
}

/* Loss (summed, divided by norm) and gradient g (nparams,) of the b sequences of batch: slice p
 * of the sequences on thread p into its own gradient, one barrier, then thread p sums slice p of
 * the parameters (rounded to 16) over the P gradients in thread order (the same order for every
 * parameter, so a run is reproducible for a given thread count) and, with lr >= 0 (one rank:
 * nothing to reduce between the gradient and the step), takes the Adam step of that slice at
 * step m->step, counted by the caller. One fork and one barrier a step; the step on one thread
 * after the join held the others idle. */
static double dp_step(ua_seq *m, dp_state *dp, const ua_seq_data *batch, size_t b, double norm,
                      float *g, size_t *right, double lr)
{
    int P = dp->P;
    size_t np = m->nparams;
#pragma omp parallel num_threads(P)
    {
        /* a team smaller than P (a nested region) shares the P slices: each is still one task */
#pragma omp for schedule(static)
        for (int p = 0; p < P; p++) {
            size_t f0 = b * (size_t)p / (size_t)P, f1 = b * (size_t)(p + 1) / (size_t)P;
            float *gp = p ? dp->g + (size_t)(p - 1) * np : g;
            ua_seq_work *w = &dp->w[p];
            memset(gp, 0, np * sizeof *gp);
            dp->loss[p] = 0;
            dp->right[p] = 0;
            if (f1 > f0) {
                ua_seq_model_forward(m, w, batch, f0, f1 - f0);
                dp->loss[p] = ua_seq_loss(m, w->dout, w->out, batch, f0, f1 - f0, batch->n, norm, &dp->right[p]);
                ua_seq_model_backward(m, w, batch, f0, f1 - f0, gp);
            }
        } /* the barrier: every slice's gradient is complete */
#pragma omp for schedule(static) nowait
        for (int p = 0; p < P; p++) {
            size_t lo = p ? (np * (size_t)p / (size_t)P) & ~(size_t)15 : 0;
            size_t hi = p + 1 < P ? (np * (size_t)(p + 1) / (size_t)P) & ~(size_t)15 : np;
            for (int q = 1; q < P; q++) {
                const float *gq = dp->g + (size_t)(q - 1) * np;
                for (size_t i = lo; i < hi; i++) g[i] += gq[i];
            }
            if (lr >= 0 && hi > lo) adam_span(m, g, lr, lo, hi);
        }
    }
    double sum = 0;
    for (int p = 0; p < P; p++) {
        sum += dp->loss[p];
        *right += dp->right[p];
    }
    return sum;
}

/* The loss over d (its mean, as ua_seq_evaluate) and, classifying, the fraction of right
 * positions, each rank of a job evaluating its share of the sequences and the sums added across
 * ranks, so every rank gets the same values (one rank: ua_seq_evaluate itself). */
static ua_status evaluate_shared(const ua_seq *m, const ua_seq_data *d, double *loss, double *acc)
{
    if (ua_dist_size() < 2) return ua_seq_evaluate(m, d, loss, acc);
    size_t lo = 0, hi = d->N, bs = 16, T = d->n;
    ua_dist_share(d->N, &lo, &hi);
    ua_seq_work w;
    ua_status s = ua_seq_work_alloc(m, bs, T, &w);
    if (s) return s;
    double norm = (double)d->N * (double)T * (m->opt.classify ? 1.0 : (double)m->K), sum[2] = { 0, 0 };
    for (size_t first = lo; first < hi; first += bs) {
        size_t B = hi - first < bs ? hi - first : bs, c = 0;
        ua_seq_model_forward(m, &w, d, first, B);
        sum[0] += ua_seq_loss(m, NULL, w.out, d, first, B, T, norm, &c);
        sum[1] += (double)c;
    }
    ua_seq_work_free(&w);
    if ((s = ua_dist_allreduce_sum(sum, 2))) return s;
    *loss = sum[0] / norm;
    *acc = m->opt.classify ? sum[1] / ((double)d->N * (double)T) : sqrt(sum[0] / norm);
    return UA_OK;
}

/* dst <- rows idx[0..B) of src (inputs and targets). */
static void gather(ua_seq_data *dst, const ua_seq_data *src, const size_t *idx, size_t B)
{
    size_t n = src->n;
    dst->N = B;
    for (size_t b = 0; b < B; b++) {
        size_t r = idx[b];
        if (src->tok) memcpy(dst->tok + b * n, src->tok + r * n, n * sizeof *dst->tok);
        if (src->x) memcpy(dst->x + b * n * src->d, src->x + r * n * src->d, n * src->d * sizeof *dst->x);
        if (src->cls) memcpy(dst->cls + b * n, src->cls + r * n, n * sizeof *dst->cls);
        if (src->y) memcpy(dst->y + b * n * src->k, src->y + r * n * src->k, n * src->k * sizeof *dst->y);
    }
}

static ua_status alloc_like(ua_seq_data *dst, const ua_seq_data *src, size_t N)
{
    memset(dst, 0, sizeof *dst);
    dst->N = N;
    dst->n = src->n;
    dst->d = src->d;
    dst->k = src->k;
    size_t c = N * src->n;
    int ok = 1;
    if (src->tok) ok &= (dst->tok = malloc(c * sizeof *dst->tok)) != NULL;
    if (src->x) ok &= (dst->x = malloc(c * src->d * sizeof *dst->x)) != NULL;
    if (src->cls) ok &= (dst->cls = malloc(c * sizeof *dst->cls)) != NULL;
    if (src->y) ok &= (dst->y = malloc(c * src->k * sizeof *dst->y)) != NULL;
    if (!ok) {
        ua_seq_data_free(dst);
        return UA_ENOMEM_ERR(c * 16);
    }
    return UA_OK;
}

ua_status ua_seq_fit(const ua_seq_data *data, const ua_seq_options *opt, ua_seq **out)
{
    if (!out) return UA_ERR(UA_EINVAL, "out is NULL");
    *out = NULL;
    if (!data || !opt) return UA_ERR(UA_EINVAL, "data or options are NULL");
    ua_seq_options o = *opt;
    if (!o.n) o.n = data->n;
    if (!o.vocab && !o.din) {
        if (data->tok) {
            int32_t mx = 0;
            size_t at = 0;
            for (size_t i = 0; i < data->N * data->n; i++)
                if (data->tok[i] > mx) mx = data->tok[i], at = i;
            o.vocab = (size_t)mx + 1;
            /* the vocabulary is the largest token + 1 and sizes the embedding: one stray token
             * beyond the data's positions is refused before anything is allocated */
            size_t pos = data->N * data->n, lim = pos > UA_SEQ_FREE_TOKENS ? pos : UA_SEQ_FREE_TOKENS;
            if (o.vocab > lim && o.vocab <= UA_SEQ_MAX_VOCAB)
                return UA_ERR(UA_EINVAL, "the inputs' sequence %zu, position %zu: token %d is far "
                              "beyond what the data needs (%zu positions): tokens must be below "
                              "max(%u, the number of positions) = %zu, or give the vocabulary",
                              at / data->n, at % data->n, (int)mx, pos, UA_SEQ_FREE_TOKENS, lim);
            /* say which token made it too large */
            if (o.vocab > UA_SEQ_MAX_VOCAB)
                return UA_ERR(UA_EINVAL, "the inputs' sequence %zu, position %zu: token %d makes the "
                              "vocabulary (the largest token + 1) %zu, more than the limit %u; "
                              "tokens must be 0 .. %u", at / data->n, at % data->n, (int)mx,
                              o.vocab, UA_SEQ_MAX_VOCAB, UA_SEQ_MAX_VOCAB - 1);
        } else {
            o.din = data->d;
        }
    }
    if (data->cls) o.classify = 1;
    else if (data->y) o.classify = 0;
    else return UA_ERR(UA_EINVAL, "no targets to fit");
    if (!o.nout) {
        if (o.classify) {
            int32_t mx = 0;
            size_t at = 0;
            for (size_t i = 0; i < data->N * data->n; i++)
                if (data->cls[i] > mx) mx = data->cls[i], at = i;
            o.nout = (size_t)mx + 1;
            size_t pos = data->N * data->n, lim = pos > UA_SEQ_FREE_CLASSES ? pos : UA_SEQ_FREE_CLASSES;
            if (o.nout > lim && o.nout <= UA_SEQ_MAX_NOUT)
                return UA_ERR(UA_EINVAL, "the targets' sequence %zu, position %zu: class %d is far "
                              "beyond what the data needs (%zu positions): classes must be below "
                              "max(%u, the number of positions) = %zu", at / data->n, at % data->n,
                              (int)mx, pos, UA_SEQ_FREE_CLASSES, lim);
            if (o.nout > UA_SEQ_MAX_NOUT)
                return UA_ERR(UA_EINVAL, "the targets' sequence %zu, position %zu: class %d makes "
                              "the outputs (the largest class + 1) %zu, more than the limit %u; "
                              "classes must be 0 .. %u", at / data->n, at % data->n, (int)mx,
                              o.nout, UA_SEQ_MAX_NOUT, UA_SEQ_MAX_NOUT - 1);
        } else {
            o.nout = data->k;
        }
    }
    ua_status s = ua_seq_options_check(&o);
    if (!s) s = ua_seq_data_check(data, &o);
    if (s) return s;
    size_t nval = o.val_frac > 0 ? (size_t)floor(o.val_frac * (double)data->N) : 0;
    if (o.val_frac > 0 && nval < 1) nval = 1;
    if (nval >= data->N) return UA_ERR(UA_EINVAL, "val_frac %g leaves no training sequence", o.val_frac);
    size_t ntr = data->N - nval;
    if (o.threads > 0) {
        openblas_set_num_threads(o.threads);
#ifdef _OPENMP
        omp_set_num_threads(o.threads);
#endif
    }
    ua_seq *m = NULL;
    if ((s = ua_seq_build(&o, &m))) return s;
    /* training holds four floats a parameter (weights, gradient, Adam's two moments): a model
     * that cannot fit them in this machine's memory is refused before any is written */
    double need = 4.0 * (double)m->nparams * sizeof(float), phys = ua_phys_memory();
    if (phys > 0 && need > phys) {
        s = UA_ERR(UA_EINVAL, "seq: the model has %zu parameters (--width %zu, --layers %zu, --ffn "
                   "%zu, vocabulary %zu, %zu outputs a position): training holds 16 bytes each "
                   "(weights, gradient, Adam's two moments), %.3g GB, more than this machine's "
                   "%.3g GB of memory; choose a smaller model", m->nparams, m->opt.width,
                   m->opt.layers, m->opt.ffn, m->opt.vocab, m->opt.nout, need / 1e9, phys / 1e9);
        ua_seq_free(m);
        return s;
    }
    ua_seq_init_params(m, o.seed);
    size_t *perm = malloc(data->N * sizeof *perm);
    float *g = malloc(m->nparams * sizeof *g);
    ua_seq_data batch = { 0 }, val = { 0 };
    size_t B = o.batch < ntr ? o.batch : ntr;
    /* this rank's share of a batch holds at most Bl sequences (all B with one rank) */
    size_t Bl = (B + (size_t)ua_dist_size() - 1) / (size_t)ua_dist_size();
    dp_state dp;
    memset(&dp, 0, sizeof dp);
    ua_train_dist dist;
    memset(&dist, 0, sizeof dist);
    int P = 1;
#ifdef _OPENMP
    P = omp_get_max_threads();
#endif
    if (P < 1) P = 1;
    if ((size_t)P > Bl) P = (int)Bl;
    /* beside the model, each thread holds the activations of its share of a batch (zeroed when
     * allocated) and each thread past the first a gradient: refused before any of it is written */
    size_t rows = (Bl + (size_t)P - 1) / (size_t)P, wb = ua_seq_work_bytes(m, rows, data->n);
    double act = (double)P * (wb == SIZE_MAX ? INFINITY : (double)wb);
    if (phys > 0 && need + act + (double)(P - 1) * (double)m->nparams * sizeof(float) > phys) {
        s = UA_ERR(UA_EINVAL, "seq: training holds the activations of %zu sequence%s of %zu "
                   "positions on each of %d thread%s, %.3g GB in all (--batch %zu, --width %zu, "
                   "--ffn %zu, --layers %zu set them), beside the model's %.3g GB: more than this "
                   "machine's %.3g GB of memory; choose a smaller --batch or model", rows,
                   rows > 1 ? "s" : "", data->n, P, P > 1 ? "s" : "", act / 1e9, o.batch,
                   m->opt.width, m->opt.ffn, m->opt.layers, need / 1e9, phys / 1e9);
        goto done;
    }
    m->m1 = ua_calloc(m->nparams, sizeof(float));
    m->m2 = ua_calloc(m->nparams, sizeof(float));
    if (!perm || !g || !m->m1 || !m->m2) {
        s = UA_ENOMEM_ERR(m->nparams * 12);
        goto done;
    }
    if ((s = alloc_like(&batch, data, Bl)) || (nval && (s = alloc_like(&val, data, nval))) ||
        (s = dp_alloc(m, P, Bl, data->n, &dp)) || (s = ua_train_dist_alloc(&dist, m->nparams, 2)))
        goto done;
    ua_rng r;
    ua_rng_seed(&r, o.seed ^ 0x2545f4914f6cdd1dull);
    for (size_t i = 0; i < data->N; i++) perm[i] = i;
    ua_train_shuffle(&r, perm, data->N); /* the validation rows are the tail */
    if (nval) gather(&val, data, perm + ntr, nval);
    size_t steps_per_epoch = (ntr + B - 1) / B, Ttot = steps_per_epoch * o.epochs;
    double t0 = ua_train_now(), T = (double)data->n;
    size_t tokens = 0;
    int blas_threads = 1;
    for (size_t ep = 0; ep < o.epochs; ep++) {
        ua_train_shuffle(&r, perm, ntr);
        double sum = 0, lr = o.lr;
        size_t right = 0, seen = 0;
        if (P > 1) blas_threads = ua_blas_threads_quiet(); /* each thread's GEMMs on that thread */
        for (size_t first = 0; first < ntr; first += B) {
            size_t b = ntr - first < B ? ntr - first : B, lo = 0, hi = b, step_right = 0;
            ua_dist_share(b, &lo, &hi); /* this rank's sequences of the batch */
            gather(&batch, data, perm + first + lo, hi - lo);
            double norm = (double)b * T * (o.classify ? 1.0 : (double)m->K);
            /* the gradient is already divided by the whole batch's norm: the shares just add;
             * with one rank the threads take the Adam step too (dp_step), else it follows the
             * reduction */
            int fused = ua_dist_size() < 2;
            lr = ua_train_lr(o.lr, (int)o.schedule, o.warmup, m->step, Ttot);
            if (fused) m->step++;
            double part[2] = { dp_step(m, &dp, &batch, hi - lo, norm, g, &step_right, fused ? lr : -1.0), 0 };
            part[1] = (double)step_right;
            if ((s = ua_train_dist_sum(&dist, g, sizeof *g, 1.0, 1.0, part))) {
                ua_blas_threads_quiet_restore(blas_threads);
                goto done;
            }
            sum += part[0];
            right += (size_t)part[1];
            seen += b;
            if (!fused) {
                m->step++;
                adam_span(m, g, lr, 0, m->nparams);
            }
            tokens += b * data->n;
        }
        ua_blas_threads_quiet_restore(blas_threads);
        double denom = (double)seen * T * (o.classify ? 1.0 : (double)m->K);
        m->report.train_loss = sum / denom;
        m->report.train_accuracy = o.classify ? (double)right / ((double)seen * T) : NAN;
        m->report.val_loss = m->report.val_accuracy = NAN;
        if (nval && (s = evaluate_shared(m, &val, &m->report.val_loss, &m->report.val_accuracy)))
            goto done;
        if (!o.classify) m->report.val_accuracy = NAN;
        m->report.epochs_run = ep + 1;
        m->report.steps = m->step;
        m->report.seconds = ua_train_now() - t0;
        if (!isfinite(m->report.train_loss)) {
            s = UA_ERR(UA_EDIVERGED, "seq: training diverged at epoch %zu (loss %g); try a smaller lr", ep + 1,
                       m->report.train_loss);
            goto done;
        }
        if (o.progress) {
            ua_mlp_progress p = { ep + 1, o.epochs, m->report.train_loss, m->report.val_loss, lr,
                                  m->report.seconds, 0 };
            o.progress(&p, o.progress_ctx);
        }
    }
    m->report.tokens_per_second = (double)tokens / (m->report.seconds > 0 ? m->report.seconds : 1e-9);
done:
    dp_free(&dp);
    ua_train_dist_free(&dist);
    ua_seq_data_free(&batch);
    ua_seq_data_free(&val);
    free(perm);
    free(g);
    if (s) {
        ua_seq_free(m);
        return s;
    }
    *out = m;
    return UA_OK;
}
