/*
 * Power-exponent quantisation of an mlp's dense weights (NUPES: Yvinec, Dapogny, Bailly,
 * "NUPES: Non-Uniform Post-Training Quantization via Power Exponent Search", 2023): per layer,
 * t = sign(w)|w|^a is quantised uniformly and symmetrically to b-bit codes with one step,
 * w' = sign(q)(|q| step)^(1/a), and the exponent a is the one of a grid that minimises the
 * layer's output error || X (W - W')^T ||_F on calibration inputs X (the inputs the original
 * network feeds that layer). a = 1 is plain uniform quantisation. docs/compress.md.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "compress.h"

double ua_mlp_quant_level(int q, double step, double a, size_t esize)
{
    if (q == 0) return 0.0;
    double v = pow(fabs((double)q) * step, 1.0 / a);
    if (q < 0) v = -v;
    return esize == 4 ? (double)(float)v : v;
}

void ua_mlp_quant_codes(const double *w, size_t n, double a, int bits, int8_t *q, double *step)
{
    int qmax = (1 << (bits - 1)) - 1;
    double tmax = 0;
    for (size_t i = 0; i < n; i++) {
        double t = pow(fabs(w[i]), a);
        if (t > tmax) tmax = t;
    }
    *step = tmax > 0 ? tmax / qmax : 1.0;
    for (size_t i = 0; i < n; i++) {
        double t = pow(fabs(w[i]), a) / *step;
        long c = lround(t);
        if (c > qmax) c = qmax;
        q[i] = (int8_t)(w[i] < 0 ? -c : c);
    }
}

/* sum over rows x of X of ||D x||^2 = sum_i D_i G D_i^T with G = X^T X (in, in); G NULL: ||D||^2. */
static double layer_error(const double *D, size_t out, size_t in, const double *G)
{
    double e = 0;
    for (size_t i = 0; i < out; i++) {
        const double *d = D + i * in;
        if (!G) {
            for (size_t j = 0; j < in; j++) e += d[j] * d[j];
            continue;
        }
        for (size_t j = 0; j < in; j++) {
            double s = 0;
            for (size_t k = 0; k < in; k++) s += G[j * in + k] * d[k];
            e += d[j] * s;
        }
    }
    return e;
}

ua_status ua_mlp_quant_search(const double *w, size_t out, size_t in, const double *X, size_t nx,
                              int bits, int search, double fixed_a, int8_t *q, double *step,
                              double *a)
{
    size_t n = out * in;
    double *G = NULL, *D = malloc(n * sizeof *D);
    int8_t *tq = malloc(n);
    ua_status s = UA_OK;
    if (!D || !tq) { s = UA_ENOMEM_ERR(n * 9); goto done; }
    if (X && nx) {
        if (!(G = calloc(in * in, sizeof *G))) { s = UA_ENOMEM_ERR(in * in * 8); goto done; }
        for (size_t r = 0; r < nx; r++)
            for (size_t j = 0; j < in; j++)
                for (size_t k = 0; k < in; k++) G[j * in + k] += X[r * in + j] * X[r * in + k];
    }
    /* the grid: 0.25 .. 1.5 by 0.05 (1 is on it exactly: 0.25 + 15 * 0.05 rounds to 1) */
    double best = INFINITY;
    size_t ncand = search ? 26 : 1;
    for (size_t c = 0; c < ncand; c++) {
        double ac = search ? (c == 15 ? 1.0 : 0.25 + 0.05 * (double)c) : fixed_a;
        double st;
        ua_mlp_quant_codes(w, n, ac, bits, tq, &st);
        for (size_t i = 0; i < n; i++) D[i] = w[i] - ua_mlp_quant_level(tq[i], st, ac, 8);
        double e = layer_error(D, out, in, G);
        if (e < best) { /* ties keep the earlier (smaller) exponent */
            best = e;
            *a = ac;
            *step = st;
            memcpy(q, tq, n);
        }
    }
done:
    free(G);
    free(D);
    free(tq);
    return s;
}

ua_status ua_mlp_compress_quant(ua_mlp *m, const ua_compress_options *o, ua_compress_report *rep)
{
    ua_mlp_comp *c = m->comp;
    size_t nx = o->x ? o->n : 0, d = m->d;
    if (nx > 4096) nx = 4096; /* calibration: the first 4096 rows are plenty for (in, in) Gram */
    ua_mlp_work w;
    memset(&w, 0, sizeof w);
    double *xs = NULL, *X = NULL, *W = NULL;
    size_t maxw = 0;
    for (size_t l = 0; l <= m->L; l++) if (m->width[l] > maxw) maxw = m->width[l];
    ua_status s = UA_OK;
    if (nx) {
        xs = malloc(nx * d * sizeof *xs);
        X = malloc(nx * maxw * sizeof *X);
        if (!xs || !X) { s = UA_ENOMEM_ERR(nx * (d + maxw) * 8); goto done; }
        for (size_t i = 0; i < nx; i++)
            for (size_t j = 0; j < d; j++) xs[i * d + j] = (o->x[i * d + j] - m->xs.mean[j]) / m->xs.scale[j];
        if ((s = m->ops->work_alloc(m, nx, &w))) goto done;
        m->ops->load(m, &w, xs, NULL, NULL, nx);
        m->ops->forward(m, m->params, &w, nx); /* the original network's activations */
    }
    for (size_t l = 0; l < m->L; l++) {
        size_t in = m->width[l], out = m->width[l + 1];
        free(W);
        if (!(W = malloc(in * out * sizeof *W)) || !(c->q[l] = malloc(in * out))) {
            s = UA_ENOMEM_ERR(in * out * 9);
            goto done;
        }
        m->ops->to_double((const char *)m->params + m->off_w[l] * m->esize, W, in * out);
        if (nx) {
            if (l == 0) memcpy(X, xs, nx * d * sizeof *X);
            else m->ops->to_double(w.h[l - 1], X, nx * in);
        }
        if ((s = ua_mlp_quant_search(W, out, in, nx ? X : NULL, nx, c->bits, o->search,
                                     o->exponent, c->q[l], &c->step[l], &c->expo[l])))
            goto done;
        if (l < 16) rep->exponent[l] = c->expo[l];
    }
done:
    if (nx && w.B) m->ops->work_free(&w);
    free(xs);
    free(X);
    free(W);
    return s;
}
