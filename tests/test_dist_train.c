/*
 * Data-parallel training's arithmetic in one process (src/train/dist.c): the gradients of the
 * shares of a minibatch, each weighted as the training loops weight them and added in rank order
 * as ua_dist_allreduce_sum adds them, equal the gradient of the whole batch computed at once —
 * for the mlp family (float and double networks, MSE and cross-entropy; a share's gradient is the
 * mean over its rows, weighted by its rows, the sum divided by the batch) and the seq family (a
 * share's gradient already divided by the whole batch's denominator, weight 1), with 1 to 5 shares
 * including empty ones. The tolerance is the rounding of the two summation orders: the terms add
 * in another grouping, in double for double networks (1e-12 of the largest entry) and in float
 * for float ones (1e-5). Also: with one rank, ua_train_dist_sum leaves the gradient's bits alone.
 * The multi-rank runs themselves are tests/cli_mpi_train.sh.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "uniapprox.h"
#include "uniapprox/dist.h"
#include "core/internal.h"
#include "mlp/internal.h"
#include "seq/internal.h"
#include "train/train.h"

/* The share [lo, hi) of rank r of S in a range of n: contiguous, in rank order, the first n % S
 * ranks one more (the rule uniapprox/dist.h states for ua_dist_share). */
static void share_of(size_t n, size_t r, size_t S, size_t *lo, size_t *hi)
{
    size_t q = n / S, e = n % S;
    *lo = r * q + (r < e ? r : e);
    *hi = *lo + q + (r < e);
}

/* The largest |a_i - b_i| over the largest |b_i|. */
static double rel_diff(const double *a, const double *b, size_t n)
{
    double d = 0, m = 0;
    for (size_t i = 0; i < n; i++) {
        d = fmax(d, fabs(a[i] - b[i]));
        m = fmax(m, fabs(b[i]));
    }
    return m > 0 ? d / m : d;
}

/* ---- mlp ---- */

/* The mean loss over rows [lo, hi) of (x, y) and its gradient g (zeroed first), as the training
 * loop's batch_grad; no rows give 0. */
static double mlp_grad(ua_mlp *m, const double *x, const double *y, const size_t *idx, size_t lo,
                       size_t hi, void *g)
{
    memset(g, 0, m->nparams * m->esize);
    if (hi == lo) return 0;
    ua_mlp_work w;
    assert_int_equal(m->ops->work_alloc(m, hi - lo, &w), UA_OK);
    m->ops->load(m, &w, x, y, idx + lo, hi - lo);
    m->ops->forward(m, m->params, &w, hi - lo);
    double loss = m->ops->loss(m, &w, hi - lo, 1, NULL);
    m->ops->backward(m, m->params, &w, hi - lo, g);
    m->ops->work_free(&w);
    return loss;
}

static void check_mlp(ua_mlp_dtype dtype, ua_mlp_task task, double tol)
{
    const size_t d = 3, b = 37, classes = 3;
    ua_mlp_options o;
    ua_mlp_options_default(&o);
    o.dtype = dtype;
    o.task = task;
    o.nhidden = 2;
    o.hidden[0] = 8;
    o.hidden[1] = 6;
    o.act = UA_ACT_TANH;
    size_t k = task == UA_TASK_CLASSIFY ? 1 : 2, dout = task == UA_TASK_CLASSIFY ? classes : 2;
    ua_mlp *m;
    assert_int_equal(ua_mlp_alloc(d, dout, &o, &m), UA_OK);
    double x[b * 3], y[b * 2];
    size_t idx[b];
    ua_rng r;
    ua_rng_seed(&r, 11);
    for (size_t i = 0; i < b * d; i++) x[i] = 2 * ua_rng_uniform(&r) - 1;
    for (size_t i = 0; i < b * k; i++)
        y[i] = task == UA_TASK_CLASSIFY ? (double)(ua_rng_next(&r) % classes) : sin(3 * x[i]);
    for (size_t i = 0; i < b; i++) idx[i] = (i * 7) % b; /* a shuffled batch */
    size_t P = m->nparams;
    void *gfull = calloc(P, m->esize), *gpart = calloc(P, m->esize), *gsum = calloc(P, m->esize);
    double *full = calloc(P, sizeof *full), *sum = calloc(P, sizeof *sum);
    ua_train_dist dist = { calloc(P + 1, sizeof(double)), P, 1 };
    double *acc = calloc(P + 1, sizeof *acc);
    assert_true(gfull && gpart && gsum && full && sum && dist.buf && acc);
    double loss_full = mlp_grad(m, x, y, idx, 0, b, gfull);
    m->ops->to_double(gfull, full, P);
    for (size_t S = 1; S <= 5; S++) {
        memset(acc, 0, (P + 1) * sizeof *acc);
        for (size_t rk = 0; rk < S; rk++) { /* the ranks, added in rank order */
            size_t lo, hi;
            share_of(b, rk, S, &lo, &hi);
            double part = mlp_grad(m, x, y, idx, lo, hi, gpart) * (double)(hi - lo);
            ua_train_dist_pack(&dist, gpart, m->esize, (double)(hi - lo), &part);
            for (size_t i = 0; i <= P; i++) acc[i] += dist.buf[i];
        }
        memcpy(dist.buf, acc, (P + 1) * sizeof *acc);
        double loss_sum;
        ua_train_dist_unpack(&dist, gsum, m->esize, (double)b, &loss_sum);
        m->ops->to_double(gsum, sum, P);
        double e = rel_diff(sum, full, P);
        if (!(e <= tol)) fail_msg("mlp %s %s, %zu shares: gradient off by %.3g of its largest entry",
                                  dtype == UA_MLP_F32 ? "f32" : "f64",
                                  task == UA_TASK_CLASSIFY ? "classify" : "regress", S, e);
        assert_true(fabs(loss_sum / (double)b - loss_full) <= tol * fabs(loss_full));
        if (S == 1) assert_true(e <= 4e-16); /* one share: the same rows, scaled by b then 1 / b */
    }
    free(gfull);
    free(gpart);
    free(gsum);
    free(full);
    free(sum);
    free(acc);
    ua_train_dist_free(&dist);
    ua_mlp_free(m);
}

static void test_mlp_shares(void **state)
{
    (void)state;
    check_mlp(UA_MLP_F64, UA_TASK_REGRESS, 1e-12);
    check_mlp(UA_MLP_F64, UA_TASK_CLASSIFY, 1e-12);
    check_mlp(UA_MLP_F32, UA_TASK_REGRESS, 1e-5);
    check_mlp(UA_MLP_F32, UA_TASK_CLASSIFY, 1e-5);
}

/* ---- seq ---- */

/* Loss summed over sequences [lo, hi) of d and their gradient g (zeroed first), divided by the
 * whole batch's norm, as the training loop's share. */
static double seq_grad(const ua_seq *m, const ua_seq_data *d, size_t lo, size_t hi, double norm,
                       float *g)
{
    memset(g, 0, m->nparams * sizeof *g);
    if (hi == lo) return 0;
    ua_seq_work w;
    assert_int_equal(ua_seq_work_alloc(m, hi - lo, d->n, &w), UA_OK);
    ua_seq_model_forward(m, &w, d, lo, hi - lo);
    double loss = ua_seq_loss(m, w.dout, w.out, d, lo, hi - lo, d->n, norm, NULL);
    ua_seq_model_backward(m, &w, d, lo, hi - lo, g);
    ua_seq_work_free(&w);
    return loss;
}

static void check_seq(int classify)
{
    const size_t N = 11, n = 6, vocab = 7;
    ua_seq_options o;
    ua_seq_options_default(&o);
    o.vocab = vocab;
    o.n = n;
    o.width = 16;
    o.heads = 2;
    o.layers = 2;
    o.classify = classify;
    o.nout = classify ? vocab : 2;
    ua_seq *m;
    assert_int_equal(ua_seq_alloc(&o, &m), UA_OK);
    ua_seq_data d = { 0 };
    d.N = N;
    d.n = n;
    d.tok = calloc(N * n, sizeof *d.tok);
    if (classify) d.cls = calloc(N * n, sizeof *d.cls);
    else {
        d.k = 2;
        d.y = calloc(N * n * 2, sizeof *d.y);
    }
    assert_true(d.tok && (d.cls || d.y));
    ua_rng r;
    ua_rng_seed(&r, 5);
    for (size_t i = 0; i < N * n; i++) {
        d.tok[i] = (int32_t)(ua_rng_next(&r) % vocab);
        if (classify) d.cls[i] = (int32_t)(ua_rng_next(&r) % vocab);
        else for (int c = 0; c < 2; c++) d.y[2 * i + c] = (float)sin(d.tok[i] + c);
    }
    size_t P = m->nparams;
    double norm = (double)N * (double)n * (classify ? 1.0 : 2.0);
    float *gfull = calloc(P, sizeof *gfull), *gpart = calloc(P, sizeof *gpart), *gsum = calloc(P, sizeof *gsum);
    double *full = calloc(P, sizeof *full), *sum = calloc(P, sizeof *sum), *acc = calloc(P + 1, sizeof *acc);
    ua_train_dist dist = { calloc(P + 1, sizeof(double)), P, 1 };
    assert_true(gfull && gpart && gsum && full && sum && acc && dist.buf);
    double loss_full = seq_grad(m, &d, 0, N, norm, gfull);
    for (size_t i = 0; i < P; i++) full[i] = gfull[i];
    for (size_t S = 1; S <= 5; S++) {
        memset(acc, 0, (P + 1) * sizeof *acc);
        for (size_t rk = 0; rk < S; rk++) {
            size_t lo, hi;
            share_of(N, rk, S, &lo, &hi);
            double part = seq_grad(m, &d, lo, hi, norm, gpart);
            ua_train_dist_pack(&dist, gpart, sizeof *gpart, 1.0, &part);
            for (size_t i = 0; i <= P; i++) acc[i] += dist.buf[i];
        }
        memcpy(dist.buf, acc, (P + 1) * sizeof *acc);
        double loss_sum;
        ua_train_dist_unpack(&dist, gsum, sizeof *gsum, 1.0, &loss_sum);
        for (size_t i = 0; i < P; i++) sum[i] = gsum[i];
        double e = rel_diff(sum, full, P);
        if (!(e <= 1e-5)) fail_msg("seq %s, %zu shares: gradient off by %.3g of its largest entry",
                                   classify ? "classify" : "regress", S, e);
        /* float forward passes over other row counts round differently (the GEMMs block
         * otherwise): the loss agrees to float rounding */
        assert_true(fabs(loss_sum - loss_full) <= 1e-5 * fabs(loss_full));
    }
    free(gfull);
    free(gpart);
    free(gsum);
    free(full);
    free(sum);
    free(acc);
    ua_train_dist_free(&dist);
    ua_seq_data_free(&d);
    ua_seq_free(m);
}

static void test_seq_shares(void **state)
{
    (void)state;
    check_seq(1);
    check_seq(0);
}

/* One rank (this process): no buffer, and the gradient and the extras keep their bits. */
static void test_one_rank_is_a_no_op(void **state)
{
    (void)state;
    assert_int_equal(ua_dist_size(), 1);
    ua_train_dist dist;
    assert_int_equal(ua_train_dist_alloc(&dist, 3, 1), UA_OK);
    assert_null(dist.buf);
    float g[3] = { 0.1f, -3e-38f, 7.0f };
    double extra = 1.0 / 3.0;
    assert_int_equal(ua_train_dist_sum(&dist, g, sizeof *g, 3.0, 7.0, &extra), UA_OK);
    assert_true(g[0] == 0.1f && g[1] == -3e-38f && g[2] == 7.0f && extra == 1.0 / 3.0);
    ua_train_dist_free(&dist);
}

/* pack / unpack: the weight multiplies in double before the one rounding to the gradient's type. */
static void test_pack_unpack(void **state)
{
    (void)state;
    ua_train_dist dist = { calloc(3, sizeof(double)), 2, 1 };
    assert_non_null(dist.buf);
    float g[2] = { 16777215.0f, 1.0f }; /* 2^24 - 1: times 3 is not a float, divided by 3 it is */
    double extra = 5;
    ua_train_dist_pack(&dist, g, sizeof *g, 3.0, &extra);
    assert_true(dist.buf[0] == 50331645.0 && dist.buf[1] == 3.0 && dist.buf[2] == 5.0);
    float back[2];
    double e2;
    ua_train_dist_unpack(&dist, back, sizeof *back, 3.0, &e2);
    assert_true(back[0] == 16777215.0f && back[1] == 1.0f && e2 == 5.0);
    double gd[2] = { 0.1, -0.3 }, bd[2];
    ua_train_dist_pack(&dist, gd, sizeof *gd, 1.0, &extra);
    ua_train_dist_unpack(&dist, bd, sizeof *bd, 1.0, &e2);
    assert_true(bd[0] == 0.1 && bd[1] == -0.3);
    ua_train_dist_free(&dist);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mlp_shares),
        cmocka_unit_test(test_seq_shares),
        cmocka_unit_test(test_one_rank_is_a_no_op),
        cmocka_unit_test(test_pack_unpack),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
