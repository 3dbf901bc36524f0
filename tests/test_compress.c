/*
 * Compression of mlp networks (uniapprox/compress.h, src/mlp/compress.c, quant.c): exact
 * identities — a network whose weights have rank <= r is reproduced at rank r to rounding; the
 * codes of known weights computed by hand; exponent 1 is uniform quantisation; the exported C
 * computes what predict does; the compressed file loads back to the same predictions and is
 * validated as untrusted; other families are refused.
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
#include "uniapprox/compress.h"
#include "model/family.h"
#include "mlp/compress.h"
#define TU_SCRATCH_TAG "ua_test_compress"
#include "test_util.h"

/* splitmix64 in [-1, 1): the test's own numbers */
static double rnd(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    z ^= z >> 31;
    return (double)(z >> 11) * 0x1p-52 - 1.0;
}

/* An f64 tanh network 3 -> 16 -> 16 -> 1 whose weights are products A B of rank <= r (rank
 * exactly r for the hidden ones, generically), wrapped as a model on [-1, 1]^3. */
static ua_model *rank_net(size_t r, int f32)
{
    ua_mlp_options o;
    ua_mlp_options_default(&o);
    o.nhidden = 2;
    o.hidden[0] = o.hidden[1] = 16;
    o.act = UA_ACT_TANH;
    o.dtype = f32 ? UA_MLP_F32 : UA_MLP_F64;
    ua_mlp *m;
    assert_int_equal(ua_mlp_alloc(3, 1, &o, &m), UA_OK);
    size_t P = ua_mlp_nparams(m);
    double *p = calloc(P, sizeof *p);
    assert_non_null(p);
    uint64_t seed = 7;
    for (size_t t = 0; t < ua_mlp_ntensors(m); t++) {
        const char *name;
        size_t off, ndim, sh[2];
        ua_mlp_tensor(m, t, &name, &off, &ndim, sh);
        if (ndim == 1) {
            for (size_t i = 0; i < sh[0]; i++) p[off + i] = 0.1 * rnd(&seed);
            continue;
        }
        size_t rr = r < sh[0] && r < sh[1] ? r : (sh[0] < sh[1] ? sh[0] : sh[1]);
        double A[16 * 16], B[16 * 16];
        for (size_t i = 0; i < sh[0] * rr; i++) A[i] = rnd(&seed);
        for (size_t i = 0; i < rr * sh[1]; i++) B[i] = rnd(&seed) / sqrt((double)sh[1]);
        for (size_t i = 0; i < sh[0]; i++)
            for (size_t j = 0; j < sh[1]; j++) {
                double s = 0;
                for (size_t k = 0; k < rr; k++) s += A[i * rr + k] * B[k * sh[1] + j];
                p[off + i * sh[1] + j] = s;
            }
    }
    assert_int_equal(ua_mlp_set_params(m, p), UA_OK);
    free(p);
    double lo[3] = { -1, -1, -1 }, hi[3] = { 1, 1, 1 };
    ua_model *mod;
    assert_int_equal(ua_model_wrap_box("mlp", m, NULL, 3, lo, hi, &mod), UA_OK);
    return mod;
}

static double *points(size_t n, uint64_t seed)
{
    double *x = malloc(n * 3 * sizeof *x);
    assert_non_null(x);
    for (size_t i = 0; i < 3 * n; i++) x[i] = rnd(&seed);
    return x;
}

/* max |a - b| / max |b| */
static double rel_diff(const ua_model *a, const ua_model *b, const double *x, size_t n)
{
    double *ya = malloc(n * sizeof *ya), *yb = malloc(n * sizeof *yb);
    assert_int_equal(ua_model_predict(a, x, n, ya), UA_OK);
    assert_int_equal(ua_model_predict(b, x, n, yb), UA_OK);
    double e = 0, s = 0;
    for (size_t i = 0; i < n; i++) {
        if (fabs(ya[i] - yb[i]) > e) e = fabs(ya[i] - yb[i]);
        if (fabs(yb[i]) > s) s = fabs(yb[i]);
    }
    free(ya);
    free(yb);
    return e / s;
}

/* A weight of rank r is reproduced at rank r: the truncated SVD drops only rounding. */
static void test_lowrank_exact_at_rank(void **state)
{
    (void)state;
    ua_model *m = rank_net(3, 0);
    assert_int_equal(ua_model_set_meta(m, "test_rmse", "0.5"), UA_OK);
    assert_int_equal(ua_model_set_meta(m, "hidden", "16x16"), UA_OK);
    ua_compress_options o;
    ua_compress_options_default(&o);
    o.method = UA_COMPRESS_LOWRANK;
    o.rank = 3;
    ua_model *c;
    ua_compress_report rep;
    assert_int_equal(ua_model_compress(m, &o, &c, &rep), UA_OK);
    assert_int_equal(rep.layers, 3);
    assert_int_equal(rep.rank[1], 3);       /* 16x16 at rank 3: 96 numbers instead of 256 */
    assert_int_equal(rep.rank[2], 0);       /* 1x16: factors would not shrink it, kept dense */
    assert_int_equal(rep.bytes_before, ua_mlp_nparams(ua_model_state(m)) * 8);
    /* 3*16 + 16 + (16*3 + 3*16) + 16 + 16 + 1 numbers: layer 0 (16x3) at rank 3 stays dense */
    assert_int_equal(rep.params_after, 48 + 16 + 96 + 16 + 16 + 1);
    assert_int_equal(rep.bytes_after, rep.params_after * 8);
    /* the copy keeps what the original is (options) but not what was measured on it */
    assert_null(ua_model_meta(c, "test_rmse"));
    assert_string_equal(ua_model_meta(c, "hidden"), "16x16");
    assert_string_equal(ua_model_meta(c, "compress"), "lowrank");
    double *x = points(2000, 11);
    ASSERT_LE(rel_diff(c, m, x, 2000), 1e-13);
    /* one rank less loses a singular value that is not small */
    ua_model *c2;
    o.rank = 2;
    assert_int_equal(ua_model_compress(m, &o, &c2, &rep), UA_OK);
    ASSERT_LE(1e-3, rel_diff(c2, m, x, 2000));
    free(x);
    ua_model_free(c2);
    ua_model_free(c);
    ua_model_free(m);
}

/* Codes of known weights, computed by hand (qmax 127 or 7, step = max|w|^a / qmax). */
static void test_quant_codes_by_hand(void **state)
{
    (void)state;
    const double w[6] = { 0.5, -0.25, 0.1, 1.0, -1.0, 0.0 };
    int8_t q[6];
    double step;
    ua_mlp_quant_codes(w, 6, 1.0, 8, q, &step);
    assert_true(step == 1.0 / 127);
    const int8_t q8[6] = { 64, -32, 13, 127, -127, 0 }; /* 63.5 -> 64, 31.75, 12.7 */
    assert_memory_equal(q, q8, 6);
    ua_mlp_quant_codes(w, 6, 1.0, 4, q, &step);
    const int8_t q4[6] = { 4, -2, 1, 7, -7, 0 };      /* 3.5 -> 4, 1.75, 0.7 */
    assert_memory_equal(q, q4, 6);
    ua_mlp_quant_codes(w, 6, 0.5, 4, q, &step);       /* sqrt|w| * 7: 4.95, 3.5, 2.21, 7 */
    const int8_t q4h[6] = { 5, -4, 2, 7, -7, 0 };
    assert_memory_equal(q, q4h, 6);
    /* level of code 5 at a = 1/2: (5 / 7)^2 */
    assert_true(fabs(ua_mlp_quant_level(5, step, 0.5, 8) - 25.0 / 49) < 1e-15);
    assert_true(ua_mlp_quant_level(-4, step, 0.5, 8) == -ua_mlp_quant_level(4, step, 0.5, 8));
}

/* Exponent 1 (no search) is symmetric uniform quantisation: every weight becomes
 * round(w / s) s with s = max |w| / 127, computed here independently. */
static void test_exponent_one_is_uniform(void **state)
{
    (void)state;
    ua_model *m = rank_net(16, 0);
    ua_compress_options o;
    ua_compress_options_default(&o);
    o.method = UA_COMPRESS_QUANT8;
    o.search = 0;
    o.exponent = 1;
    ua_model *c;
    ua_compress_report rep;
    assert_int_equal(ua_model_compress(m, &o, &c, &rep), UA_OK);
    const ua_mlp *a = ua_model_state(m), *b = ua_model_state(c);
    size_t P = ua_mlp_nparams(a);
    double *pa = malloc(P * sizeof *pa), *pb = malloc(P * sizeof *pb);
    ua_mlp_get_params(a, pa);
    ua_mlp_get_params(b, pb);
    for (size_t t = 0; t < ua_mlp_ntensors(a); t++) {
        const char *name;
        size_t off, ndim, sh[2];
        ua_mlp_tensor(a, t, &name, &off, &ndim, sh);
        size_t n = sh[0] * (ndim == 2 ? sh[1] : 1);
        if (ndim == 1) { /* biases unchanged */
            assert_memory_equal(pa + off, pb + off, n * sizeof *pa);
            continue;
        }
        double mx = 0;
        for (size_t i = 0; i < n; i++) if (fabs(pa[off + i]) > mx) mx = fabs(pa[off + i]);
        double s = mx / 127;
        for (size_t i = 0; i < n; i++) {
            double want = (double)lround(pa[off + i] / s) * s;
            ASSERT_LE(fabs(pb[off + i] - want), 1e-15 * mx);
        }
    }
    for (size_t l = 0; l < 3; l++) assert_true(rep.exponent[l] == 1.0);
    /* 8-bit codes: a quarter of the f64 bytes of each weight, plus step and exponent */
    assert_int_equal(rep.bytes_after, (16 + 16 + 1) * 8 + (48 + 256 + 16) + 3 * 16);
    free(pa);
    free(pb);
    ua_model_free(c);
    ua_model_free(m);
}

/* The search never does worse than a = 1 on the calibration data (1 is on its grid), and on
 * heavy-tailed weights at 4 bits it picks a < 1 and does strictly better. */
static void test_nupes_search(void **state)
{
    (void)state;
    size_t out = 12, in = 20, n = out * in, nx = 200;
    double *w = malloc(n * sizeof *w), *X = malloc(nx * in * sizeof *X);
    uint64_t s = 3;
    for (size_t i = 0; i < n; i++) { /* Laplace-like: sign * -log(u) cubed tails */
        double u = 0.5 * (rnd(&s) + 1.0) * 0.999 + 0.0005;
        w[i] = (rnd(&s) < 0 ? -1 : 1) * pow(-log(u), 2.0) * 0.05;
    }
    for (size_t i = 0; i < nx * in; i++) X[i] = rnd(&s);
    int8_t *q = malloc(n), *q1 = malloc(n);
    double st, a, st1, a1;
    assert_int_equal(ua_mlp_quant_search(w, out, in, X, nx, 4, 1, 1.0, q, &st, &a), UA_OK);
    assert_int_equal(ua_mlp_quant_search(w, out, in, X, nx, 4, 0, 1.0, q1, &st1, &a1), UA_OK);
    assert_true(a1 == 1.0);
    assert_true(a < 1.0);
    double e = 0, e1 = 0;
    for (size_t r = 0; r < nx; r++)
        for (size_t i = 0; i < out; i++) {
            double d = 0, d1 = 0;
            for (size_t j = 0; j < in; j++) {
                d += (w[i * in + j] - ua_mlp_quant_level(q[i * in + j], st, a, 8)) * X[r * in + j];
                d1 += (w[i * in + j] - ua_mlp_quant_level(q1[i * in + j], st1, a1, 8)) * X[r * in + j];
            }
            e += d * d;
            e1 += d1 * d1;
        }
    ASSERT_LE(e, 0.9 * e1);
    free(w); free(X); free(q); free(q1);
}

/* The exported C uses the compressed form and computes what predict does. */
static void check_export(ua_compress_method meth, int f32, double tol)
{
    ua_model *m = rank_net(4, f32);
    ua_compress_options o;
    ua_compress_options_default(&o);
    o.method = meth;
    o.rank = 4;
    ua_model *c;
    ua_compress_report rep;
    assert_int_equal(ua_model_compress(m, &o, &c, &rep), UA_OK);
    ua_compiled *so;
    char *text;
    double (*fn)(const double *) =
        (double (*)(const double *))tu_compile_export(&ua_family_mlp, ua_model_state(c),
                                                      UA_EXPORT_DOUBLE, "cz", &so, &text);
    /* the compressed form, not the dense weights */
    if (meth == UA_COMPRESS_LOWRANK) assert_non_null(strstr(text, "cz_u1["));
    else assert_non_null(strstr(text, meth == UA_COMPRESS_QUANT8 ? "signed char cz_q1[256]"
                                                                : "unsigned char cz_q1[128]"));
    assert_null(strstr(text, "cz_w1["));
    double *x = points(500, 5), y[500];
    assert_int_equal(ua_model_predict(c, x, 500, y), UA_OK);
    double e = 0, sc = 0;
    for (size_t i = 0; i < 500; i++) {
        double v = fn(x + 3 * i);
        if (fabs(v - y[i]) > e) e = fabs(v - y[i]);
        if (fabs(y[i]) > sc) sc = fabs(y[i]);
    }
    ASSERT_LE(e, tol * sc);
    free(x);
    free(text);
    ua_compiled_free(so);
    ua_model_free(c);
    ua_model_free(m);
}

static void test_export_matches_predict(void **state)
{
    (void)state;
    check_export(UA_COMPRESS_LOWRANK, 0, 1e-13); /* U (V h) against (U V) h: rounding only */
    check_export(UA_COMPRESS_QUANT8, 0, 1e-13);
    check_export(UA_COMPRESS_QUANT4, 0, 1e-13);
    check_export(UA_COMPRESS_QUANT8, 1, 1e-5);   /* float network: float sums */
    check_export(UA_COMPRESS_LOWRANK, 1, 1e-5);
}

/* Save and load give the same predictions bit for bit; the file holds the compressed tensors. */
static void test_save_load(void **state)
{
    (void)state;
    ua_compress_method ms[3] = { UA_COMPRESS_LOWRANK, UA_COMPRESS_QUANT8, UA_COMPRESS_QUANT4 };
    ua_model *m = rank_net(4, 1);
    double *x = points(300, 9), y0[300], y1[300];
    for (int k = 0; k < 3; k++) {
        ua_compress_options o;
        ua_compress_options_default(&o);
        o.method = ms[k];
        o.rank = 4;
        ua_model *c, *back;
        ua_compress_report rep;
        assert_int_equal(ua_model_compress(m, &o, &c, &rep), UA_OK);
        assert_int_equal(ua_model_save(c, tu_path("c.safetensors")), UA_OK);
        assert_int_equal(ua_model_load(tu_path("c.safetensors"), &back), UA_OK);
        assert_int_equal(ua_model_predict(c, x, 300, y0), UA_OK);
        assert_int_equal(ua_model_predict(back, x, 300, y1), UA_OK);
        assert_memory_equal(y0, y1, sizeof y0);
        assert_string_equal(ua_model_meta(back, "compress"), ua_compress_method_name(ms[k]));
        ua_st *st;
        assert_int_equal(ua_st_read(tu_path("c.safetensors"), &st), UA_OK);
        assert_int_equal(ua_st_get(st, "layers.2.weight", NULL, NULL, NULL, NULL), UA_ENOTFOUND);
        if (k > 0) {
            /* a tampered exponent is refused as bad content */
            ua_st *bad;
            assert_int_equal(ua_st_alloc(&bad), UA_OK);
            for (size_t i = 0; i < ua_st_count(st); i++) {
                const char *name = ua_st_name(st, i);
                ua_dtype dt;
                size_t nd;
                const int64_t *sh;
                const void *data;
                assert_int_equal(ua_st_get(st, name, &dt, &nd, &sh, &data), UA_OK);
                double nine = 9.0;
                if (!strcmp(name, "layers.2.weight_exponent")) data = &nine;
                assert_int_equal(ua_st_add(bad, name, dt, nd, sh, data), UA_OK);
            }
            for (size_t i = 0; i < ua_st_meta_count(st); i++) {
                const char *key, *val;
                ua_st_meta_at(st, i, &key, &val);
                assert_int_equal(ua_st_set_meta(bad, key, val), UA_OK);
            }
            assert_int_equal(ua_st_write(bad, tu_path("bad.safetensors")), UA_OK);
            ua_model *b2 = NULL;
            assert_int_equal(ua_model_load(tu_path("bad.safetensors"), &b2), UA_EFORMAT);
            assert_null(b2);
            ua_st_free(bad);
        }
        ua_st_free(st);
        ua_model_free(back);
        ua_model_free(c);
    }
    free(x);
    ua_model_free(m);
}

/* Other families, bad options and compressing twice are refused with a status. */
static void test_refusals(void **state)
{
    (void)state;
    ua_problem *p = tu_formula_1d("exp(x)", -1, 1);
    ua_model *cheb = NULL, *c = NULL;
    assert_int_equal(ua_fit(p, "cheb", NULL, NULL, &cheb), UA_OK);
    ua_compress_options o;
    ua_compress_options_default(&o);
    ua_compress_report rep;
    assert_int_equal(ua_model_compress(cheb, &o, &c, &rep), UA_EUNSUPPORTED);
    assert_null(c);
    ua_model *m = rank_net(4, 0);
    o.energy = 0;
    assert_int_equal(ua_model_compress(m, &o, &c, &rep), UA_EINVAL);
    o.energy = 0.99;
    o.epochs = 3; /* fine-tuning without data */
    assert_int_equal(ua_model_compress(m, &o, &c, &rep), UA_EINVAL);
    o.epochs = 0;
    o.method = UA_COMPRESS_QUANT8;
    o.search = 0;
    o.exponent = 5;
    assert_int_equal(ua_model_compress(m, &o, &c, &rep), UA_EINVAL);
    o.exponent = 1;
    assert_int_equal(ua_model_compress(m, &o, &c, &rep), UA_OK);
    ua_model *c2 = NULL;
    assert_int_equal(ua_model_compress(c, &o, &c2, &rep), UA_EUNSUPPORTED);
    ua_compress_method meth;
    assert_int_equal(ua_compress_method_parse("quant2", &meth), UA_EINVAL);
    ua_model_free(c);
    ua_model_free(m);
    ua_model_free(cheb);
    ua_problem_free(p);
}

/* Fine-tuning with the nuclear-norm regulariser on data of the original network recovers
 * accuracy lost by a hard truncation: measured on the same rows, lower error than without. */
static void test_finetune_helps(void **state)
{
    (void)state;
    ua_model *m = rank_net(8, 0);
    size_t n = 512;
    double *x = points(n, 21), *y = malloc(n * sizeof *y);
    assert_int_equal(ua_model_predict(m, x, n, y), UA_OK);
    ua_compress_options o;
    ua_compress_options_default(&o);
    o.method = UA_COMPRESS_LOWRANK;
    o.rank = 3;
    ua_model *c0, *c1;
    ua_compress_report rep;
    assert_int_equal(ua_model_compress(m, &o, &c0, &rep), UA_OK);
    o.epochs = 30;
    o.x = x;
    o.y = y;
    o.n = n;
    o.lr = 3e-3;
    assert_int_equal(ua_model_compress(m, &o, &c1, &rep), UA_OK);
    assert_int_equal(rep.rank[1], 3);
    double e0 = rel_diff(c0, m, x, n), e1 = rel_diff(c1, m, x, n);
    ASSERT_LE(e1, 0.7 * e0);
    free(x);
    free(y);
    ua_model_free(c0);
    ua_model_free(c1);
    ua_model_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lowrank_exact_at_rank),
        cmocka_unit_test(test_quant_codes_by_hand),
        cmocka_unit_test(test_exponent_one_is_uniform),
        cmocka_unit_test(test_nupes_search),
        cmocka_unit_test(test_export_matches_predict),
        cmocka_unit_test(test_save_load),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_finetune_helps),
    };
    return cmocka_run_group_tests(tests, tu_scratch_setup, tu_scratch_teardown);
}
