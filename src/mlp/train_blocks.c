/*
 * Out-of-core training (uniapprox/mlp.h ua_mlp_fit_blocks, docs/data.md "Out-of-core data"): the
 * minibatch loop of train.c over a table read in blocks (uniapprox/blocks.h). Each epoch visits
 * the training blocks in a seeded random order and, inside a block, the rows in a seeded random
 * order, drawing minibatches from the current block; validation is whole blocks held out. Only
 * one block (and the network) is in memory. The steps themselves are the network's own
 * operations (load, forward, loss, backward, update), as in train.c.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "uniapprox/blocks.h"
#include "internal.h"

typedef struct {
    ua_mlp *m;
    ua_blocks *src;
    size_t ycol, d, dx, B;
    double *blk, *x, *y;   /* (B, d) a block as read; (B, d - 1), (B,) standardised */
    size_t *perm;          /* (B,) row order inside a block */
    ua_mlp_work wt, we;
} ooc_ctx;

/* Reads block i into c->x, c->y (standardised); *nr its rows. */
static ua_status load_block(ooc_ctx *c, size_t i, size_t *nr)
{
    ua_status s = ua_blocks_read(c->src, i, c->blk, nr);
    if (s) return s;
    ua_blocks_xy(c->blk, *nr, c->d, c->ycol, c->x, c->y);
    ua_scaler_apply(&c->m->xs, c->x, *nr);
    ua_scaler_apply(&c->m->ys, c->y, *nr);
    return UA_OK;
}

/* Mean loss over the blocks list[0 .. nb) in chunks of the evaluation workspace. */
static ua_status eval_blocks(ooc_ctx *c, const size_t *list, size_t nb, double *loss)
{
    ua_mlp *m = c->m;
    double sum = 0;
    size_t rows = 0;
    for (size_t q = 0; q < nb; q++) {
        size_t nr;
        ua_status s = load_block(c, list[q], &nr);
        if (s) return s;
        for (size_t i = 0; i < nr; i += c->we.B) {
            size_t b = nr - i < c->we.B ? nr - i : c->we.B;
            m->ops->load(m, &c->we, c->x + i * c->dx, c->y + i, NULL, b);
            m->ops->forward(m, m->params, &c->we, b);
            sum += m->ops->loss(m, &c->we, b, 0, NULL) * (double)b;
        }
        rows += nr;
    }
    *loss = rows ? sum / (double)rows : NAN;
    return UA_OK;
}

ua_status ua_mlp_fit_blocks(ua_blocks *src, size_t ycol, const ua_mlp_options *opt, ua_mlp **out)
{
    ua_mlp_options def;
    if (!out) return UA_ERR(UA_EINVAL, "ua_mlp_fit_blocks: out is NULL");
    *out = NULL;
    if (!opt) {
        ua_mlp_options_default(&def);
        opt = &def;
    }
    if (!src) return UA_ERR(UA_EINVAL, "ua_mlp_fit_blocks: src is NULL");
    size_t d = ua_blocks_cols(src), nbk = ua_blocks_count(src), B = ua_blocks_block_rows(src);
    if (d < 2)
        return UA_ERR(UA_EINVAL, "mlp: out-of-core data needs at least 2 columns (inputs and the "
                      "target), got %zu", d);
    if (ycol >= d) return UA_ERR(UA_EINVAL, "mlp: target column %zu of %zu", ycol, d);
    if (opt->task != UA_TASK_REGRESS)
        return UA_ERR(UA_EINVAL, "mlp: out-of-core training is regression only (--task regress)");
    if (opt->optim == UA_OPTIM_LBFGS)
        return UA_ERR(UA_EINVAL, "mlp: L-BFGS takes full batches of every training row; "
                      "out-of-core training takes a minibatch optimiser (adam, adamw, sgd)");
    ua_status s = ua_mlp_options_check(opt);
    if (s) return s;
    size_t *train = malloc(nbk * sizeof *train), *val = malloc(nbk * sizeof *val), ntr = 0, nva = 0;
    if (!train || !val) {
        free(train);
        free(val);
        return UA_ENOMEM_ERR(2 * nbk * sizeof *train);
    }
    s = ua_blocks_split(src, opt->val_frac, opt->seed, train, &ntr, val, &nva);
    ua_mlp *m = NULL;
    if (!s) s = ua_mlp_alloc(d - 1, 1, opt, &m);
    ooc_ctx c;
    memset(&c, 0, sizeof c);
    c.m = m;
    c.src = src;
    c.ycol = ycol;
    c.d = d;
    c.dx = d - 1;
    c.B = B;
    void *g = NULL, *best = NULL;
    size_t *order = NULL;
    if (!s) {
        m->opt.progress = opt->progress;
        m->opt.progress_ctx = opt->progress_ctx;
        if (opt->standardize) {
            size_t *xc = malloc((d - 1) * sizeof *xc);
            if (!xc) s = UA_ENOMEM_ERR((d - 1) * sizeof *xc);
            for (size_t j = 0, t = 0; !s && j < d; j++)
                if (j != ycol) xc[t++] = j;
            ua_scaler_free(&m->xs);
            ua_scaler_free(&m->ys);
            if (!s) s = ua_blocks_scaler(src, xc, d - 1, &m->xs);
            if (!s) s = ua_blocks_scaler(src, &ycol, 1, &m->ys);
            free(xc);
        }
    }
    if (!s) {
        c.blk = malloc(B * d * sizeof *c.blk);
        c.x = malloc(B * c.dx * sizeof *c.x);
        c.y = malloc(B * sizeof *c.y);
        c.perm = malloc(B * sizeof *c.perm);
        order = malloc(nbk * sizeof *order);
        g = ua_calloc(m->nparams, m->esize);
        best = ua_calloc(m->nparams, m->esize);
        if (!c.blk || !c.x || !c.y || !c.perm || !order || !g || !best)
            s = UA_ENOMEM_ERR(B * (2 * d + 2) * sizeof(double) + 2 * m->nparams * m->esize);
    }
    size_t Bt = opt->batch < B ? opt->batch : B;
    if (!s) s = m->ops->work_alloc(m, Bt, &c.wt);
    if (!s) s = m->ops->work_alloc(m, B < 1024 ? B : 1024, &c.we);
    if (!s) s = ua_mlp_optim_state(m);
    /* the schedule's step count: every training block's minibatches, every epoch */
    size_t per_epoch = 0, ntrain_rows = 0, t = 0, diverged = 0;
    for (size_t q = 0; q < ntr; q++) {
        size_t r = ua_blocks_rows_of(src, train[q]);
        per_epoch += (r + Bt - 1) / Bt;
        ntrain_rows += r;
    }
    size_t T = per_epoch * opt->epochs, samples = 0;
    double lr = opt->lr, t0 = ua_train_now(), diverged_loss = NAN;
    ua_train_stop stop;
    ua_train_stop_init(&stop);
    for (size_t epoch = 1; !s && epoch <= opt->epochs; epoch++) {
        ua_blocks_shuffle(opt->seed, epoch, order, ntr);
        double sum = 0;
        for (size_t q = 0; !s && q < ntr; q++) {
            size_t blk = train[order[q]], nr;
            if ((s = load_block(&c, blk, &nr))) break;
            ua_blocks_shuffle(opt->seed ^ 0x5851f42d4c957f2dull, epoch * nbk + blk, c.perm, nr);
            for (size_t i = 0; i < nr; i += Bt, t++) {
                size_t b = nr - i < Bt ? nr - i : Bt;
                m->ops->load(m, &c.wt, c.x, c.y, c.perm + i, b);
                m->ops->forward(m, m->params, &c.wt, b);
                sum += m->ops->loss(m, &c.wt, b, 1, NULL) * (double)b;
                memset(g, 0, m->nparams * m->esize);
                m->ops->backward(m, m->params, &c.wt, b, g);
                lr = ua_train_lr(opt->lr, (int)opt->schedule, opt->warmup, t, T);
                m->ops->update(m, g, lr);
                samples += b;
            }
        }
        if (s) break;
        double train_loss = sum / (double)ntrain_rows, vloss = NAN;
        if (nva && (s = eval_blocks(&c, val, nva, &vloss))) break;
        double crit = nva ? vloss : train_loss;
        if (!isfinite(train_loss) || !isfinite(crit)) {
            diverged = epoch;
            diverged_loss = isfinite(train_loss) ? crit : train_loss;
            m->report.epochs_run = epoch;
            break;
        }
        int improved = ua_train_stop_update(&stop, epoch, crit);
        if (improved) {
            memcpy(best, m->params, m->nparams * m->esize);
            m->report.best_epoch = epoch;
            m->report.train_loss = train_loss;
            m->report.val_loss = vloss;
        }
        m->report.epochs_run = epoch;
        if (opt->progress) {
            ua_mlp_progress p = { epoch, opt->epochs, train_loss, vloss, lr, ua_train_now() - t0,
                                  improved };
            opt->progress(&p, opt->progress_ctx);
        }
        if (nva && stop.wait >= opt->patience) break;
    }
    if (m) {
        m->report.steps = t;
        m->report.seconds = ua_train_now() - t0;
        m->report.samples_per_second = m->report.seconds > 0 ? (double)samples / m->report.seconds : 0;
    }
    if (!s && diverged)
        s = UA_ERR(UA_EDIVERGED, "mlp: training diverged at epoch %zu (loss %g); try a smaller --lr",
                   diverged, diverged_loss);
    if (!s) {
        memcpy(m->params, best, m->nparams * m->esize);
        ua_mlp_fold_multipliers(m);
        double *pd = ua_calloc(m->nparams, sizeof *pd);
        if (!pd) s = UA_ENOMEM_ERR(m->nparams * sizeof *pd);
        else {
            m->ops->to_double(m->params, pd, m->nparams);
            size_t bad = ua_first_nonfinite(pd, m->nparams);
            if (bad < m->nparams)
                s = UA_ERR(UA_EDIVERGED, "mlp: training diverged (parameter %zu is not finite)", bad);
            free(pd);
        }
    }
    if (m) {
        if (c.wt.B) m->ops->work_free(&c.wt);
        if (c.we.B) m->ops->work_free(&c.we);
        free(m->m1);
        free(m->m2);
        m->m1 = m->m2 = NULL;
        m->step = 0;
        m->opt.progress = NULL;
        m->opt.progress_ctx = NULL;
    }
    free(c.blk);
    free(c.x);
    free(c.y);
    free(c.perm);
    free(order);
    free(g);
    free(best);
    free(train);
    free(val);
    if (s) {
        ua_mlp_free(m);
        return s;
    }
    *out = m;
    return UA_OK;
}
