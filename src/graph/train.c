/*
 * Training and batched inference of the GPS network: minibatches of whole graphs reshuffled every
 * epoch, AdamW (src/train's PyTorch arithmetic) with linear warm-up then cosine decay per step
 * (GraphGPS's schedule), BatchNorm running statistics updated in place, and a per-epoch record
 * for the progress hook and the JSONL log.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "train/train.h"

/* Capacities for any batch of at most B graphs of g: the B largest node, edge and attention
 * counts summed, and the largest graph. */
typedef struct {
    size_t N, E, A, Ng;
} caps;

static int cmp_desc(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? 1 : x > y ? -1 : 0;
}

static ua_status batch_caps(const ua_graphs *g, size_t B, size_t H, caps *c)
{
    size_t n = g->ngraphs;
    size_t *v = malloc((n ? n : 1) * sizeof *v);
    if (!v) return UA_ENOMEM_ERR(n * sizeof *v);
    if (B > n) B = n;
    memset(c, 0, sizeof *c);
    for (size_t i = 0; i < n; i++) v[i] = g->node_off[i + 1] - g->node_off[i];
    qsort(v, n, sizeof *v, cmp_desc);
    c->Ng = n ? v[0] : 1;
    double A = 0;
    for (size_t i = 0; i < B; i++) {
        c->N += v[i];
        A += (double)H * (double)v[i] * (double)v[i];
    }
    if (A > 0x1p50) { /* beyond any memory: refused here, before size_t could wrap */
        free(v);
        return UA_ERR(UA_EINVAL, "graph: attention over graphs of up to %zu nodes needs %.3g "
                      "numbers per layer; use --attention none or smaller graphs", c->Ng, A);
    }
    c->A = (size_t)A;
    for (size_t i = 0; i < n; i++) v[i] = g->edge_off[i + 1] - g->edge_off[i];
    qsort(v, n, sizeof *v, cmp_desc);
    for (size_t i = 0; i < B; i++) c->E += v[i];
    free(v);
    return UA_OK;
}

/*
 * PreciseBN (Wu & Johnson, "Rethinking 'Batch' in BatchNorm", 2021): after training, the running
 * statistics are recomputed with the final parameters, as the population mean and variance over
 * the nodes of the training graphs, in chunks of up to UA_GPS_PRECISE_NODES nodes (a set that
 * fits in one chunk gets exactly the statistics that inference then uses; chunks are combined by
 * the law of total variance). The moving averages of training lag behind parameters that keep
 * changing, and they average batch variances, which leave out how much batch means differ: where
 * a feature is nearly constant over the nodes (graphs without node features, vertex-transitive
 * graphs such as CSL's) 1 / sqrt(var + eps) reaches 316, and those two effects alone moved
 * inference outputs by several target units in our tests.
 * Each forward pass starts from zero statistics, so that momentum 0.1 leaves 0.1 x the chunk's
 * mean and unbiased variance.
 */
#define UA_GPS_PRECISE_NODES 2048

static ua_status precise_bn(ua_gps *m, const ua_graphs *g, const double *pe, const size_t *idx)
{
    size_t n = g->ngraphs, S = m->nstats, cap = UA_GPS_PRECISE_NODES, Ntot = 0;
    /* chunks: consecutive graphs of idx up to cap nodes (a larger graph alone) */
    size_t maxN = 0, maxE = 0, maxG = 0, maxA = 0, maxNg = 0;
    for (size_t f0 = 0; f0 < n;) {
        size_t N = 0, E = 0, A = 0, f1 = f0;
        while (f1 < n) {
            size_t k = idx[f1], v = g->node_off[k + 1] - g->node_off[k];
            if (f1 > f0 && N + v > cap) break;
            N += v;
            E += g->edge_off[k + 1] - g->edge_off[k];
            A += m->a.H * v * v;
            maxNg = v > maxNg ? v : maxNg;
            f1++;
        }
        maxN = N > maxN ? N : maxN;
        maxE = E > maxE ? E : maxE;
        maxA = A > maxA ? A : maxA;
        maxG = f1 - f0 > maxG ? f1 - f0 : maxG;
        f0 = f1;
    }
    ua_gps_work w;
    ua_gps_batch b = { 0 };
    ua_status s = ua_gps_work_alloc(m, maxN, maxE, maxG, maxA, maxNg, 0, 0, &w);
    if (s) return s;
    float *tmp = ua_calloc(S + 1, sizeof *tmp);
    double *sum = ua_calloc(S + 1, sizeof *sum), *sq = ua_calloc(S + 1, sizeof *sq);
    if (!tmp || !sum || !sq) s = UA_ENOMEM_ERR(S * (sizeof *tmp + 2 * sizeof *sum));
    for (size_t f0 = 0; !s && f0 < n;) {
        size_t N = 0, f1 = f0;
        while (f1 < n) {
            size_t k = idx[f1], v = g->node_off[k + 1] - g->node_off[k];
            if (f1 > f0 && N + v > cap) break;
            N += v;
            f1++;
        }
        if ((s = ua_gps_batch_make(&b, m, g, pe, idx + f0, f1 - f0, 0, NULL))) break;
        memset(tmp, 0, S * sizeof *tmp);
        ua_gps_forward(m, &w, &b, 1, 0, 0, 0, tmp);
        /* per BN column: sum of x and of x^2 over the chunk's N nodes */
        for (size_t i = 0; i < m->ntensors; i++) {
            const ua_gps_tensor *t = &m->tensors[i];
            if (!t->stat || !strstr(t->name, "running_mean")) continue;
            for (size_t c = 0; c < t->size; c++) {
                size_t im = t->offset + c, iv = t->offset + t->size + c;
                double mu = tmp[im] / UA_GPS_BN_MOMENTUM;
                double var = N > 1 ? tmp[iv] / UA_GPS_BN_MOMENTUM * (double)(N - 1) / (double)N : 0;
                sum[im] += (double)N * mu;
                sq[im] += (double)N * (var + mu * mu);
            }
        }
        Ntot += N;
        f0 = f1;
    }
    for (size_t i = 0; !s && i < m->ntensors; i++) {
        const ua_gps_tensor *t = &m->tensors[i];
        if (!t->stat || !strstr(t->name, "running_mean")) continue;
        for (size_t c = 0; c < t->size; c++) {
            size_t im = t->offset + c, iv = t->offset + t->size + c;
            double mu = sum[im] / (double)Ntot, var = sq[im] / (double)Ntot - mu * mu;
            m->stats[im] = (float)mu;
            /* unbiased, as PyTorch's running_var */
            m->stats[iv] = (float)(var > 0 ? var * (double)Ntot / (double)(Ntot > 1 ? Ntot - 1 : 1) : 0);
        }
    }
    free(tmp);
    free(sum);
    free(sq);
    ua_gps_batch_free(&b);
    ua_gps_work_free(&w);
    return s;
}

ua_status ua_gps_batches_check(const ua_gps *m, const ua_graphs *g, size_t batch, double dropout,
                               double attn_dropout)
{
    size_t B = batch < g->ngraphs ? batch : g->ngraphs;
    caps c;
    ua_status s = batch_caps(g, B, m->a.attn ? m->a.H : 0, &c);
    return s ? s : ua_gps_work_check(m, c.N, c.E, B, c.A, c.Ng, dropout, attn_dropout);
}

ua_status ua_gps_train(ua_gps *m, const ua_graphs *g, const double *pe,
                       const ua_gps_train_opts *o, const ua_fit_hooks *hooks, const char *log,
                       ua_model *meta)
{
    size_t n = g->ngraphs, B = o->batch_size < n ? o->batch_size : n;
    size_t steps = (n + B - 1) / B, T = o->epochs * steps;
    caps c;
    ua_status s = batch_caps(g, B, m->a.attn ? m->a.H : 0, &c);
    if (s) return s;
    ua_gps_work w;
    ua_gps_batch b = { 0 };
    if ((s = ua_gps_work_alloc(m, c.N, c.E, B, c.A, c.Ng, o->dropout, o->attn_dropout, &w)))
        return s;
    size_t *idx = malloc(n * sizeof *idx);
    float *grad = ua_calloc(m->nparams, sizeof *grad), *m1 = ua_calloc(m->nparams, sizeof *m1),
          *m2 = ua_calloc(m->nparams, sizeof *m2);
    ua_train_report rep = { hooks, { 0 } };
    if (!idx || !grad || !m1 || !m2) s = UA_ENOMEM_ERR(3 * m->nparams * sizeof(float));
    if (!s) s = ua_train_log_open(&rep.log, log, 0);
    ua_rng rng;
    ua_rng_seed(&rng, o->seed ^ 0x6A09E667F3BCC908ull);
    for (size_t i = 0; !s && i < n; i++) idx[i] = i;
    double t0 = ua_train_now(), last = NAN;
    size_t t = 0, seen = 0;
    for (size_t ep = 0; !s && ep < o->epochs; ep++) {
        ua_train_shuffle(&rng, idx, n);
        double sum = 0;
        double lr = o->lr;
        for (size_t st = 0; !s && st < steps; st++, t++) {
            size_t f0 = st * B, nb = f0 + B <= n ? B : n - f0;
            if ((s = ua_gps_batch_make(&b, m, g, pe, idx + f0, nb, 1, &rng))) break;
            ua_gps_forward(m, &w, &b, 1, o->dropout, o->attn_dropout, ua_rng_next(&rng), m->stats);
            size_t R = m->a.node_level ? b.N : b.G;
            double L = ua_gps_loss(w.dout, w.out, b.y, R, m->a.nout, o->loss, NULL);
            if (!isfinite(L)) {
                s = UA_ERR(UA_EDIVERGED, "graph: the training loss became %g at epoch %zu (try a "
                           "smaller --lr than %g)", L, ep + 1, o->lr);
                break;
            }
            memset(grad, 0, m->nparams * sizeof *grad);
            ua_gps_backward(m, &w, &b, o->dropout, o->attn_dropout, grad);
            lr = ua_train_lr(o->lr, UA_TRAIN_SCHED_WARMUP, o->warmup * steps, t, T);
            ua_train_adam_f32(m->params, grad, m1, m2, m->nparams, lr, 0.9, 0.999, 1e-8,
                              o->weight_decay, 1, t + 1);
            sum += L * (double)nb;
            seen += nb;
        }
        if (s) break;
        last = sum / (double)n;
        m->report.epochs_run = ep + 1;
        ua_train_report_epoch(&rep, ep + 1, o->epochs, last, NAN, lr, ua_train_now() - t0, 0);
    }
    if (!s && o->epochs) s = precise_bn(m, g, pe, idx);
    /* a log that could not be written does not lose the trained model (metadata log_error) */
    ua_status sc = ua_train_log_close(&rep.log);
    if (!s) s = ua_train_log_keep(sc, meta);
    double secs = ua_train_now() - t0;
    m->report.train_loss = last;
    m->report.seconds = secs;
    m->report.graphs_per_second = secs > 0 ? (double)seen / secs : 0;
    free(idx);
    free(grad);
    free(m1);
    free(m2);
    ua_gps_batch_free(&b);
    ua_gps_work_free(&w);
    return s;
}

ua_status ua_gps_predict_all(const ua_gps *m, const ua_graphs *g, const double *pe, size_t batch,
                             double *y)
{
    size_t n = g->ngraphs, B = batch < n ? batch : n, K = m->a.nout;
    if (!n) return UA_OK;
    caps c;
    ua_status s = batch_caps(g, B, m->a.attn ? m->a.H : 0, &c);
    if (s) return s;
    ua_gps_work w;
    ua_gps_batch b = { 0 };
    if ((s = ua_gps_work_alloc(m, c.N, c.E, B, c.A, c.Ng, 0, 0, &w))) return s;
    size_t *idx = malloc(B * sizeof *idx);
    if (!idx) s = UA_ENOMEM_ERR(B * sizeof *idx);
    size_t row = 0;
    for (size_t f0 = 0; !s && f0 < n; f0 += B) {
        size_t nb = f0 + B <= n ? B : n - f0;
        for (size_t i = 0; i < nb; i++) idx[i] = f0 + i;
        if ((s = ua_gps_batch_make(&b, m, g, pe, idx, nb, 0, NULL))) break;
        ua_gps_forward(m, &w, &b, 0, 0, 0, 0, NULL);
        size_t R = m->a.node_level ? b.N : b.G;
        for (size_t r = 0; r < R; r++, row++) {
            const float *o = w.out + r * K;
            double *yr = y + row * K;
            if (m->a.classify) { /* softmax probabilities */
                double mx = o[0], sum = 0;
                for (size_t k = 1; k < K; k++) mx = o[k] > mx ? o[k] : mx;
                for (size_t k = 0; k < K; k++) sum += (yr[k] = exp((double)o[k] - mx));
                for (size_t k = 0; k < K; k++) yr[k] /= sum;
            } else {
                for (size_t k = 0; k < K; k++) yr[k] = (double)o[k] * m->y_scale[k] + m->y_mean[k];
            }
        }
    }
    free(idx);
    ua_gps_batch_free(&b);
    ua_gps_work_free(&w);
    return s;
}
