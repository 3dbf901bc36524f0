/*
 * The seq family: PyTorch 1.13 reference values (outputs, loss and every gradient for softmax,
 * sigmoid, RPE (offset and T5 buckets) and URPE attention, tests/gen/seq_torch_ref.py), with both
 * attention kernels; gradient checks against central differences for every attention variant and
 * position scheme; the fused kernel against the naive one; the fused kernel's memory on a long
 * sequence; bad sequence data; training on a synthetic task; save / load.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "uniapprox.h"
#include "seq/internal.h"
#define TU_SCRATCH_TAG "ua_test_seq"
#include "test_util.h"

/* ---- helpers -------------------------------------------------------------------------------- */

/* ||a - b|| / ||b|| (absolute when b is ~0). */
static double rel_err_f(const float *a, const double *b, size_t n)
{
    double num = 0, den = 0;
    for (size_t i = 0; i < n; i++) {
        num += ((double)a[i] - b[i]) * ((double)a[i] - b[i]);
        den += b[i] * b[i];
    }
    return sqrt(num) / (den > 1e-30 ? sqrt(den) : 1.0);
}

static double rel_err_ff(const float *a, const float *b, size_t n)
{
    double num = 0, den = 0;
    for (size_t i = 0; i < n; i++) {
        num += ((double)a[i] - b[i]) * ((double)a[i] - b[i]);
        den += (double)b[i] * b[i];
    }
    return sqrt(num) / (den > 1e-30 ? sqrt(den) : 1.0);
}

static uint64_t rng_s = 12345;
static double urand(void) /* [0, 1) */
{
    rng_s = rng_s * 6364136223846793005ull + 1442695040888963407ull;
    return (double)(rng_s >> 11) * 0x1p-53;
}
static double nrand(void)
{
    double u = 1.0 - urand(), v = urand();
    return sqrt(-2 * log(u)) * cos(6.283185307179586 * v);
}

/* ---- PyTorch reference ---------------------------------------------------------------------- */

static const double *ref(const ua_st *st, const char *cs, const char *name, size_t *n,
                         const int64_t **shape)
{
    char key[160];
    snprintf(key, sizeof key, "%s/%s", cs, name);
    ua_dtype dt;
    size_t nd;
    const int64_t *sh;
    const void *data;
    if (ua_st_get(st, key, &dt, &nd, &sh, &data)) fail_msg("fixture lacks %s", key);
    size_t c = 1;
    for (size_t i = 0; i < nd; i++) c *= (size_t)sh[i];
    if (n) *n = c;
    if (shape) *shape = sh;
    return data;
}

/* Options from "key=value ..." (the fixture's metadata). */
static void parse_case(const char *spec, ua_seq_options *o)
{
    ua_seq_options_default(o);
    char buf[512];
    snprintf(buf, sizeof buf, "%s", spec);
    for (char *tok = strtok(buf, " "); tok; tok = strtok(NULL, " ")) {
        char *eq = strchr(tok, '=');
        assert_non_null(eq);
        *eq = '\0';
        const char *k = tok, *v = eq + 1;
        size_t z = strtoul(v, NULL, 10);
        if (!strcmp(k, "vocab")) o->vocab = z;
        else if (!strcmp(k, "din")) o->din = z;
        else if (!strcmp(k, "n")) o->n = z;
        else if (!strcmp(k, "nout")) o->nout = z;
        else if (!strcmp(k, "classify")) o->classify = (int)z;
        else if (!strcmp(k, "width")) o->width = z;
        else if (!strcmp(k, "heads")) o->heads = z;
        else if (!strcmp(k, "layers")) o->layers = z;
        else if (!strcmp(k, "ffn")) o->ffn = z;
        else if (!strcmp(k, "layerscale")) o->layerscale = (int)z;
        else if (!strcmp(k, "causal")) o->causal = (int)z;
        else if (!strcmp(k, "qk_norm")) o->qk_norm = (int)z;
        else if (!strcmp(k, "act")) assert_int_equal(ua_mlp_act_parse(v, &o->act), UA_OK);
        else if (!strcmp(k, "norm")) assert_int_equal(ua_seq_norm_parse(v, &o->norm), UA_OK);
        else if (!strcmp(k, "positions")) assert_int_equal(ua_seq_positions_parse(v, &o->positions), UA_OK);
        else if (!strcmp(k, "attention")) assert_int_equal(ua_seq_attention_parse(v, &o->attention), UA_OK);
        else if (!strcmp(k, "rel")) assert_int_equal(ua_seq_rel_parse(v, &o->rel), UA_OK);
        else fail_msg("unknown fixture key %s", k);
    }
}

static void test_torch_reference(void **state)
{
    (void)state;
    ua_st *st;
    assert_int_equal(ua_st_read(UA_TEST_DIR "/ref/seq_torch_ref.bin", &st), UA_OK);
    const char *cases[] = { "rpe", "rpe_t5", "sigmoid", "sigmoid_qknorm", "sigmoid_rpe", "softmax",
                            "urpe", "urpe_causal" };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        const char *spec = ua_st_meta(st, cases[c]);
        assert_non_null(spec);
        for (int kern = UA_SEQ_KERNEL_NAIVE; kern <= UA_SEQ_KERNEL_FUSED; kern++) {
            ua_seq_options o;
            parse_case(spec, &o);
            o.kernel = (ua_seq_kernel)kern;
            o.batch = 2; /* two chunks: the gradient accumulates across them */
            ua_seq *m;
            assert_int_equal(ua_seq_alloc(&o, &m), UA_OK);
            size_t P = ua_seq_nparams(m);
            float *p = malloc(P * sizeof *p), *g = malloc(P * sizeof *g);
            for (size_t i = 0; i < ua_seq_ntensors(m); i++) {
                const char *name;
                size_t off, nd, sh[2], cnt;
                ua_seq_tensor(m, i, &name, &off, &nd, sh);
                char key[96];
                snprintf(key, sizeof key, "param/%s", name);
                const double *v = ref(st, cases[c], key, &cnt, NULL);
                assert_int_equal(cnt, nd > 1 ? sh[0] * sh[1] : sh[0]);
                for (size_t j = 0; j < cnt; j++) p[off + j] = (float)v[j];
            }
            assert_int_equal(ua_seq_set_params(m, p), UA_OK);
            size_t nx, ny, nout;
            const int64_t *xs;
            const double *x = ref(st, cases[c], "x", &nx, &xs);
            const double *y = ref(st, cases[c], "y", &ny, NULL);
            const double *out_ref = ref(st, cases[c], "out", &nout, NULL);
            const double *loss_ref = ref(st, cases[c], "loss", NULL, NULL);
            ua_seq_data d = { 0 };
            d.N = (size_t)xs[0];
            d.n = (size_t)xs[1];
            if (o.vocab) {
                d.tok = malloc(nx * sizeof *d.tok);
                for (size_t i = 0; i < nx; i++) d.tok[i] = (int32_t)x[i];
            } else {
                d.d = o.din;
                d.x = malloc(nx * sizeof *d.x);
                for (size_t i = 0; i < nx; i++) d.x[i] = (float)x[i];
            }
            if (o.classify) {
                d.cls = malloc(ny * sizeof *d.cls);
                for (size_t i = 0; i < ny; i++) d.cls[i] = (int32_t)y[i];
            } else {
                d.k = o.nout;
                d.y = malloc(ny * sizeof *d.y);
                for (size_t i = 0; i < ny; i++) d.y[i] = (float)y[i];
            }
            float *out = malloc(nout * sizeof *out);
            double loss;
            assert_int_equal(ua_seq_loss_grad(m, &d, &loss, g, out), UA_OK);
            double eo = rel_err_f(out, out_ref, nout), el = fabs(loss - loss_ref[0]) / fabs(loss_ref[0]);
            double eg_max = 0;
            if (eo > 1e-5 || el > 1e-5)
                fail_msg("%s (%s): outputs rel err %.3g, loss %.9g vs %.9g", cases[c],
                         kern == UA_SEQ_KERNEL_FUSED ? "fused" : "naive", eo, loss, loss_ref[0]);
            for (size_t i = 0; i < ua_seq_ntensors(m); i++) {
                const char *name;
                size_t off, cnt;
                ua_seq_tensor(m, i, &name, &off, NULL, NULL);
                char key[96];
                snprintf(key, sizeof key, "grad/%s", name);
                const double *gr = ref(st, cases[c], key, &cnt, NULL);
                double e = rel_err_f(g + off, gr, cnt);
                eg_max = e > eg_max ? e : eg_max;
                if (e > 1e-5)
                    fail_msg("%s (%s): gradient of %s: rel err %.3g", cases[c],
                             kern == UA_SEQ_KERNEL_FUSED ? "fused" : "naive", name, e);
            }
            if (getenv("UA_TEST_VERBOSE"))
                fprintf(stderr, "  %-14s %s: outputs %.2e, loss %.2e, worst gradient %.2e\n", cases[c],
                        kern == UA_SEQ_KERNEL_FUSED ? "fused" : "naive", eo, el, eg_max);
            free(out);
            free(p);
            free(g);
            ua_seq_data_free(&d);
            ua_seq_free(m);
        }
    }
    ua_st_free(st);
}

/* ---- gradient checks ------------------------------------------------------------------------ */

/* Directional central differences, per tensor, along the gradient (maximal signal) and a random
 * direction; loss in float32, so step 1e-2 / 1e-3 and a 2% tolerance: a missing or wrong term is
 * an O(1) error. */
static void gradcheck(ua_seq_options *o, const char *what)
{
    o->n = 7;
    o->width = 8;
    o->heads = 2;
    o->layers = 2;
    o->ffn = 12;
    o->batch = 8;
    ua_seq *m;
    assert_int_equal(ua_seq_alloc(o, &m), UA_OK);
    size_t P = ua_seq_nparams(m), B = 2, T = 6;
    float *p = malloc(P * sizeof *p), *g = malloc(P * sizeof *g), *q = malloc(P * sizeof *q);
    ua_seq_get_params(m, p);
    for (size_t i = 0; i < P; i++) p[i] += (float)(0.2 * nrand()); /* away from the symmetric init */
    assert_int_equal(ua_seq_set_params(m, p), UA_OK);
    ua_seq_data d = { 0 };
    d.N = B;
    d.n = T;
    if (o->vocab) {
        d.tok = malloc(B * T * sizeof *d.tok);
        for (size_t i = 0; i < B * T; i++) d.tok[i] = (int32_t)(urand() * (double)o->vocab);
    } else {
        d.d = o->din;
        d.x = malloc(B * T * d.d * sizeof *d.x);
        for (size_t i = 0; i < B * T * d.d; i++) d.x[i] = (float)nrand();
    }
    if (o->classify) {
        d.cls = malloc(B * T * sizeof *d.cls);
        for (size_t i = 0; i < B * T; i++) d.cls[i] = (int32_t)(urand() * (double)o->nout);
    } else {
        d.k = o->nout;
        d.y = malloc(B * T * d.k * sizeof *d.y);
        for (size_t i = 0; i < B * T * d.k; i++) d.y[i] = (float)nrand();
    }
    double loss;
    assert_int_equal(ua_seq_loss_grad(m, &d, &loss, g, NULL), UA_OK);
    for (size_t t = 0; t < ua_seq_ntensors(m); t++) {
        const char *name;
        size_t off, nd, sh[2];
        ua_seq_tensor(m, t, &name, &off, &nd, sh);
        size_t cnt = nd > 1 ? sh[0] * sh[1] : sh[0];
        double gn = 0;
        for (size_t i = 0; i < cnt; i++) gn += (double)g[off + i] * g[off + i];
        gn = sqrt(gn);
        if (gn < 1e-4) continue; /* e.g. embedding rows of tokens that do not occur */
        for (int dir = 0; dir < 2; dir++) {
            double *u = malloc(cnt * sizeof *u), un = 0, gu = 0;
            for (size_t i = 0; i < cnt; i++) {
                u[i] = dir == 0 ? g[off + i] : nrand();
                un += u[i] * u[i];
            }
            un = sqrt(un);
            for (size_t i = 0; i < cnt; i++) {
                u[i] /= un;
                gu += u[i] * g[off + i];
            }
            double h = dir == 0 ? 1e-2 : 3e-2, lp, lm;
            memcpy(q, p, P * sizeof *q);
            for (size_t i = 0; i < cnt; i++) q[off + i] = (float)(p[off + i] + h * u[i]);
            ua_seq_set_params(m, q);
            ua_seq_loss_grad(m, &d, &lp, NULL, NULL);
            for (size_t i = 0; i < cnt; i++) q[off + i] = (float)(p[off + i] - h * u[i]);
            ua_seq_set_params(m, q);
            ua_seq_loss_grad(m, &d, &lm, NULL, NULL);
            ua_seq_set_params(m, p);
            double fd = (lp - lm) / (2 * h);
            double err = fabs(fd - gu) / (dir == 0 ? gn : fmax(gn, 1e-2));
            if (err > 2e-2)
                fail_msg("%s: tensor %s, direction %d: analytic %.6g, differences %.6g (|g| %.3g)",
                         what, name, dir, gu, fd, gn);
            free(u);
        }
    }
    free(p);
    free(g);
    free(q);
    ua_seq_data_free(&d);
    ua_seq_free(m);
}

static void test_gradcheck(void **state)
{
    (void)state;
    const ua_seq_attention atts[] = { UA_SEQ_SOFTMAX, UA_SEQ_SIGMOID, UA_SEQ_RPE, UA_SEQ_URPE };
    const ua_seq_positions poss[] = { UA_SEQ_POS_NONE, UA_SEQ_POS_SINUSOIDAL, UA_SEQ_POS_LEARNED };
    for (size_t a = 0; a < 4; a++)
        for (size_t pi = 0; pi < 3; pi++)
            for (int rel = 0; rel < 2; rel++) {
                ua_seq_options o;
                ua_seq_options_default(&o);
                o.attention = atts[a];
                o.positions = poss[pi];
                o.rel = a >= 2 ? (rel ? UA_SEQ_REL_T5 : UA_SEQ_REL_OFFSET)
                               : (rel ? UA_SEQ_REL_OFFSET : UA_SEQ_REL_NONE);
                /* spread the other options over the cases */
                size_t k = a * 6 + pi * 2 + (size_t)rel;
                o.causal = k % 2;
                o.norm = (k / 2) % 2 ? UA_SEQ_RMSNORM : UA_SEQ_LAYERNORM;
                o.layerscale = (k / 3) % 2;
                o.act = k % 3 == 0 ? UA_ACT_GELU : k % 3 == 1 ? UA_ACT_TANH : UA_ACT_SILU;
                o.kernel = k % 4 < 2 ? UA_SEQ_KERNEL_NAIVE : UA_SEQ_KERNEL_FUSED;
                o.qk_norm = o.attention == UA_SEQ_SIGMOID && pi != 1; /* QK-norm with sigmoid */
                if (k % 5 == 0) {
                    o.din = 3;
                    o.nout = 2;
                } else {
                    o.vocab = 5;
                    o.nout = 4;
                    o.classify = 1;
                }
                char what[160];
                snprintf(what, sizeof what, "%s / %s / %s%s%s", ua_seq_attention_name(o.attention),
                         ua_seq_positions_name(o.positions), ua_seq_rel_name(o.rel),
                         o.causal ? " / causal" : "", o.qk_norm ? " / qk-norm" : "");
                gradcheck(&o, what);
            }
}

/* ---- fused vs naive kernels ----------------------------------------------------------------- */

typedef struct {
    float *qkv, *out, *dout, *dqkv, *P, *dP, *lse, *bias, *c, *dbias, *dc, *scratch;
    int32_t *bidx;
} bufs;

static void attn_case(size_t B, size_t T, size_t H, size_t D, int kind, ua_seq_rel rel, int urpe,
                      int causal)
{
    size_t C = H * D, n = T + 3, nbias = rel == UA_SEQ_REL_T5 ? 64 : 2 * n - 1, nc = 2 * n - 1;
    ua_seq_attn a = { B, T, H, D, kind, causal, NULL, NULL, 0, NULL, 0, 0, -logf((float)T) };
    float *qkv = malloc(B * T * 3 * C * sizeof *qkv), *dout = malloc(B * T * C * sizeof *dout);
    float *bias = malloc(H * nbias * sizeof *bias), *c = malloc(H * nc * sizeof *c);
    int32_t *bidx = malloc(2 * T * sizeof *bidx);
    for (size_t i = 0; i < B * T * 3 * C; i++) qkv[i] = (float)(1.5 * nrand());
    for (size_t i = 0; i < B * T * C; i++) dout[i] = (float)nrand();
    for (size_t i = 0; i < H * nbias; i++) bias[i] = (float)nrand();
    for (size_t i = 0; i < H * nc; i++) c[i] = (float)(1 + 0.5 * nrand());
    if (rel != UA_SEQ_REL_NONE) {
        ua_seq_bias_index(bidx, T, n, rel, causal);
        a.bias = bias;
        a.bidx = bidx;
        a.nbias = nbias;
    }
    if (urpe) {
        a.c = c;
        a.nc = nc;
        a.cofs = n - 1;
    }
    float *o1 = malloc(B * T * C * sizeof *o1), *o2 = malloc(B * T * C * sizeof *o2);
    float *g1 = malloc(B * T * 3 * C * sizeof *g1), *g2 = malloc(B * T * 3 * C * sizeof *g2);
    float *P = malloc(B * H * T * T * sizeof *P), *dP = malloc(B * H * T * T * sizeof *dP);
    float *lse = malloc(B * H * T * sizeof *lse);
    float *db1 = calloc(H * nbias, sizeof *db1), *db2 = calloc(H * nbias, sizeof *db2);
    float *dc1 = calloc(H * nc, sizeof *dc1), *dc2 = calloc(H * nc, sizeof *dc2);
    size_t ns = ua_seq_attn_fused_scratch(&a);
    float *scratch = malloc((ns ? ns : 1) * sizeof *scratch);
    ua_seq_attn_naive_forward(o1, P, qkv, &a);
    ua_seq_attn_naive_backward(g1, db1, dc1, dP, dout, qkv, P, &a);
    ua_seq_attn_fused_forward(o2, lse, qkv, &a, scratch);
    ua_seq_attn_fused_backward(g2, db2, dc2, dout, qkv, o2, lse, &a, scratch);
    double eo = rel_err_ff(o2, o1, B * T * C), eg = rel_err_ff(g2, g1, B * T * 3 * C);
    double eb = a.bias ? rel_err_ff(db2, db1, H * nbias) : 0, ec = urpe ? rel_err_ff(dc2, dc1, H * nc) : 0;
    if (eo > 1e-5 || eg > 1e-5 || eb > 1e-5 || ec > 1e-5)
        fail_msg("fused vs naive (T %zu, kind %d, rel %d, urpe %d, causal %d): out %.3g, dqkv %.3g, "
                 "dbias %.3g, dc %.3g", T, kind, (int)rel, urpe, causal, eo, eg, eb, ec);
    free(qkv); free(dout); free(bias); free(c); free(bidx); free(o1); free(o2); free(g1);
    free(g2); free(P); free(dP); free(lse); free(db1); free(db2); free(dc1); free(dc2); free(scratch);
}

static void test_fused_matches_naive(void **state)
{
    (void)state;
    for (int kind = 0; kind < 2; kind++)
        for (int rel = 0; rel < 3; rel++)
            for (int causal = 0; causal < 2; causal++) {
                ua_seq_rel r = rel == 0 ? UA_SEQ_REL_NONE : rel == 1 ? UA_SEQ_REL_OFFSET : UA_SEQ_REL_T5;
                attn_case(2, 150, 3, 8, kind, r, 0, causal); /* 150: tiles of 64, a partial one */
                if (r != UA_SEQ_REL_NONE) attn_case(2, 70, 2, 16, kind, r, 1, causal);
            }
    attn_case(1, 1, 1, 4, 0, UA_SEQ_REL_NONE, 0, 0); /* one position */
    attn_case(1, 90, 2, 128, 0, UA_SEQ_REL_OFFSET, 1, 1); /* wide heads: key tiles of 32 */
    attn_case(1, 90, 1, 256, 1, UA_SEQ_REL_T5, 0, 0);     /* key tiles of 16, query blocks of 16 */
}

/* The softmax's row max and sum (ua_seq_vmax, ua_seq_vsum) at every length 0 .. 70 (whole vectors
 * of 8 and tails): integer values, so every partial sum is exact in float and the sum must be the
 * exact one whatever the order; the max placed at each position in turn; empty rows give -inf and
 * 0, rows of -inf give -inf (a fully masked row). */
static void test_row_reductions(void **state)
{
    (void)state;
    float x[70];
    for (size_t n = 0; n <= 70; n++) {
        long exact = 0;
        for (size_t i = 0; i < n; i++) {
            x[i] = (float)((long)((i * 7919u) % 2001u) - 1000); /* -1000 .. 1000 */
            exact += (long)x[i];
        }
        assert_true(ua_seq_vsum(x, n) == (float)exact);
        for (size_t at = 0; at < n; at++) {
            float keep = x[at];
            x[at] = 4096.5f;
            assert_true(ua_seq_vmax(x, n) == 4096.5f);
            x[at] = keep;
        }
    }
    assert_true(ua_seq_vmax(x, 0) == -INFINITY);
    assert_true(ua_seq_vsum(x, 0) == 0.0f);
    for (size_t i = 0; i < 70; i++) x[i] = -INFINITY;
    assert_true(ua_seq_vmax(x, 70) == -INFINITY && ua_seq_vmax(x, 13) == -INFINITY);
}

/* The fused kernel on a long sequence: its only memory besides the O(T D) inputs and outputs is
 * the scratch ua_seq_attn_fused_scratch reports, linear in T (ASan catches any write past it),
 * and the resident set grows by far less than one T x T matrix. Rows are checked against a direct
 * double-precision evaluation. */
static long maxrss_kb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

/* OpenBLAS's sgemm mallocs and frees a small workspace on every call for some shapes (one malloc
 * per call for the 128 x 8 x 128 tile products here, a few KiB each); under AddressSanitizer
 * freed memory sits in a quarantine instead of being reused, so the resident set grows with the
 * number of tile products (about 6 MiB at T = 4096). The growth bound is therefore checked in the
 * Release run only; ASan checks the bounds of every access. */
#if defined(__SANITIZE_ADDRESS__)
#define UA_TEST_ASAN 1
#else
#define UA_TEST_ASAN 0
#endif

static void test_fused_memory(void **state)
{
    (void)state;
    size_t B = 1, H = 1, D = 8, C = H * D, T = 4096, n = T;
    ua_seq_attn a = { B, T, H, D, 1, 0, NULL, NULL, 2 * n - 1, NULL, 0, 0, -logf((float)T) };
    /* with the relative offset bias on: its index table is by offset (2T - 1), its gradient per
     * (b, h) (2n - 1) */
    float *bias = malloc(H * (2 * n - 1) * sizeof *bias), *dbias = calloc(H * (2 * n - 1), sizeof *dbias);
    int32_t *bidx = malloc((2 * T - 1) * sizeof *bidx);
    for (size_t i = 0; i < H * (2 * n - 1); i++) bias[i] = (float)(0.1 * nrand());
    ua_seq_bias_index(bidx, T, n, UA_SEQ_REL_OFFSET, 0);
    a.bias = bias;
    a.bidx = bidx;
    ua_seq_attn a2 = a;
    a2.T = 2 * T;
    a2.nbias = 4 * n - 1;
    size_t s1 = ua_seq_attn_fused_scratch(&a), s2 = ua_seq_attn_fused_scratch(&a2);
    assert_true(s1 > 0 && s2 <= 2 * s1 + 16); /* linear in T */
    float *qkv = malloc(B * T * 3 * C * sizeof *qkv), *dout = malloc(B * T * C * sizeof *dout);
    float *out = malloc(B * T * C * sizeof *out), *dqkv = malloc(B * T * 3 * C * sizeof *dqkv);
    float *lse = malloc(B * H * T * sizeof *lse), *scratch = malloc((s1 ? s1 : 1) * sizeof *scratch);
    for (size_t i = 0; i < B * T * 3 * C; i++) qkv[i] = (float)nrand();
    for (size_t i = 0; i < B * T * C; i++) dout[i] = (float)nrand();
    memset(out, 0, B * T * C * sizeof *out);
    memset(dqkv, 0, B * T * 3 * C * sizeof *dqkv);
    memset(lse, 0, B * H * T * sizeof *lse);
    /* warm-up on a short sequence: the OpenMP threads and OpenBLAS's per-thread buffers (and,
     * under ASan, their shadow memory) are set up once, outside the measurement; a kernel that
     * allocated T x T would still show 64 MiB of growth below */
    ua_seq_attn warm = a;
    warm.T = 512;
    warm.bias = NULL;
    warm.bidx = NULL;
    warm.nbias = 0;
    ua_seq_attn_fused_forward(out, lse, qkv, &warm, scratch);
    ua_seq_attn_fused_backward(dqkv, NULL, NULL, dout, qkv, out, lse, &warm, scratch);
    for (int kind = 0; kind < 2; kind++) {
        a.kind = kind;
        long before = maxrss_kb();
        ua_seq_attn_fused_forward(out, lse, qkv, &a, scratch);
        ua_seq_attn_fused_backward(dqkv, dbias, NULL, dout, qkv, out, lse, &a, scratch);
        long grown = maxrss_kb() - before;
        long matrix_kb = (long)(T * T * sizeof(float) / 1024); /* 64 MiB */
        if (grown > matrix_kb / 8 && !UA_TEST_ASAN)
            fail_msg("fused kernel grew the resident set by %ld KiB (one T x T matrix: %ld KiB)",
                     grown, matrix_kb);
        /* rows i = 0, T/2, T-1 of the output against double precision */
        size_t rows[] = { 0, T / 2, T - 1 };
        for (size_t r = 0; r < 3; r++)
            for (size_t h = 0; h < H; h++) {
                size_t i = rows[r];
                double s[4096], mx = -INFINITY, sum = 0, o[8] = { 0 };
                for (size_t j = 0; j < T; j++) {
                    double dd = 0;
                    for (size_t e = 0; e < D; e++)
                        dd += (double)qkv[i * 3 * C + h * D + e] * qkv[j * 3 * C + C + h * D + e];
                    s[j] = dd / sqrt((double)D) + bias[h * (2 * n - 1) + (j - i + n - 1)];
                    mx = s[j] > mx ? s[j] : mx;
                }
                for (size_t j = 0; j < T; j++) {
                    double p = kind == 0 ? exp(s[j] - mx) : 1 / (1 + exp(-(s[j] - log((double)T))));
                    sum += p;
                    for (size_t e = 0; e < D; e++) o[e] += p * qkv[j * 3 * C + 2 * C + h * D + e];
                }
                for (size_t e = 0; e < D; e++) {
                    double want = kind == 0 ? o[e] / sum : o[e];
                    double got = out[i * C + h * D + e];
                    if (fabs(got - want) > 1e-4 * (1 + fabs(want)))
                        fail_msg("row %zu head %zu: %.9g vs %.9g", i, h, got, want);
                }
            }
    }
    free(qkv); free(dout); free(out); free(dqkv); free(lse); free(scratch); free(bias); free(dbias);
    free(bidx);
}

/* The workspace is one block carved into arrays: every array has the length its shape comment in
 * src/seq/internal.h gives, starts on a 64-byte line, is zeroed, and overlaps no other (each is
 * filled with its own index and read back after all are filled). Naive and fused attention,
 * QK-norm on and off, 1 and 3 layers. */
static void test_workspace_layout(void **state)
{
    (void)state;
    for (int cfg = 0; cfg < 4; cfg++) {
        ua_seq_options o;
        ua_seq_options_default(&o);
        o.vocab = 7;
        o.nout = 5;
        o.classify = 1;
        o.layers = cfg < 2 ? 1 : 3;
        o.kernel = cfg % 2 ? UA_SEQ_KERNEL_FUSED : UA_SEQ_KERNEL_NAIVE;
        o.attention = cfg == 3 ? UA_SEQ_SIGMOID : UA_SEQ_RPE;
        o.rel = cfg == 3 ? UA_SEQ_REL_NONE : UA_SEQ_REL_OFFSET;
        o.qk_norm = cfg == 3;
        o.n = 9;
        ua_seq *m = NULL;
        assert_int_equal(ua_seq_alloc(&o, &m), UA_OK);
        size_t B = 3, T = 9, N = B * T, L = m->L, C = m->C, F = m->F, H = m->H, K = m->K;
        ua_seq_work w;
        assert_int_equal(ua_seq_work_alloc(m, B, T, &w), UA_OK);
        assert_int_equal(w.fused, cfg % 2);
        size_t att = w.fused ? L * B * H * T : L * B * H * T * T;
        struct { float *p; size_t n; } a[64];
        size_t na = 0;
#define ARR(ptr, count) (a[na].p = (ptr), a[na++].n = (count))
        ARR(w.x0, N * C);
        for (size_t l = 1; l <= L; l++) ARR(w.res[l], N * C);
        ARR(w.ln1, L * N * C); ARR(w.ln1_mean, L * N); ARR(w.ln1_rstd, L * N);
        ARR(w.qkv, L * N * 3 * C);
        if (o.qk_norm) {
            ARR(w.qkv_raw, L * N * 3 * C);
            ARR(w.qk_rstd, L * N * 2 * H);
        } else {
            assert_null(w.qkv_raw);
            assert_null(w.qk_rstd);
        }
        ARR(w.att, att);
        ARR(w.atty, L * N * C); ARR(w.attp, L * N * C); ARR(w.res2, L * N * C);
        ARR(w.ln2, L * N * C); ARR(w.ln2_mean, L * N); ARR(w.ln2_rstd, L * N);
        ARR(w.fch, L * N * F); ARR(w.fcha, L * N * F); ARR(w.fcp, L * N * C);
        ARR(w.lnf, N * C); ARR(w.lnf_mean, N); ARR(w.lnf_rstd, N);
        ARR(w.out, N * K); ARR(w.dout, N * K);
        ARR(w.dres, N * C); ARR(w.dbuf, N * C); ARR(w.dbuf2, N * C);
        ARR(w.dqkv, N * 3 * C); ARR(w.dfc, N * F);
        if (!w.fused) ARR(w.datt, B * H * T * T);
        else assert_null(w.datt);
        ARR(w.scratch, w.scratch_len ? w.scratch_len : 1);
#undef ARR
        assert_ptr_equal(w.res[0], w.x0);
        for (size_t i = 0; i < na; i++) {
            assert_non_null(a[i].p);
            assert_int_equal((uintptr_t)a[i].p % 64, 0);
            for (size_t j = 0; j < a[i].n; j++) assert_true(a[i].p[j] == 0.0f);
            for (size_t j = 0; j < a[i].n; j++) a[i].p[j] = (float)(i + 1);
        }
        for (size_t i = 0; i < na; i++)
            for (size_t j = 0; j < a[i].n; j++)
                if (a[i].p[j] != (float)(i + 1))
                    fail_msg("config %d: array %zu element %zu overwritten by array %g", cfg, i, j,
                             (double)a[i].p[j] - 1);
        ua_seq_work_free(&w);
        assert_null(w.arena);
        ua_seq_free(m);
    }
}

/* ---- data ----------------------------------------------------------------------------------- */

static void test_bad_data(void **state)
{
    (void)state;
    char px[TU_PATH_MAX], py[TU_PATH_MAX];
    snprintf(px, sizeof px, "%s", tu_path("x.npy"));
    snprintf(py, sizeof py, "%s", tu_path("y.npy"));
    int32_t tok[12] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 };
    float fl[24];
    for (int i = 0; i < 24; i++) fl[i] = (float)i * 0.5f;
    ua_seq_data d;
    /* wrong rank: 1-D inputs */
    int64_t s1[1] = { 12 };
    assert_int_equal(ua_seq_npy_write(px, s1, 1, tok, NULL), UA_OK);
    assert_int_equal(ua_seq_data_read(px, NULL, &d), UA_EFORMAT);
    assert_non_null(strstr(ua_last_error(), "expected (N, n) tokens"));
    /* ragged: targets (3, 4) for inputs (2, 6) */
    int64_t s2[2] = { 2, 6 }, s3[2] = { 3, 4 };
    assert_int_equal(ua_seq_npy_write(px, s2, 2, tok, NULL), UA_OK);
    assert_int_equal(ua_seq_npy_write(py, s3, 2, tok, NULL), UA_OK);
    assert_int_equal(ua_seq_data_read(px, py, &d), UA_EFORMAT);
    assert_non_null(strstr(ua_last_error(), "do not match the inputs"));
    /* non-integer tokens (2-D floats) */
    assert_int_equal(ua_seq_npy_write(px, s2, 2, NULL, fl), UA_OK);
    assert_int_equal(ua_seq_data_read(px, NULL, &d), UA_EFORMAT);
    assert_non_null(strstr(ua_last_error(), "not a non-negative integer token"));
    /* a good pair, then a token out of the vocabulary at the model */
    int64_t s4[3] = { 2, 6, 2 };
    assert_int_equal(ua_seq_npy_write(px, s2, 2, tok, NULL), UA_OK);
    assert_int_equal(ua_seq_npy_write(py, s4, 3, NULL, fl), UA_OK);
    assert_int_equal(ua_seq_data_read(px, py, &d), UA_OK);
    assert_int_equal(d.N, 2);
    assert_int_equal(d.n, 6);
    assert_int_equal(d.k, 2);
    assert_true(d.tok[7] == 7 && d.y[3] == 1.5f);
    ua_seq_options o;
    ua_seq_options_default(&o);
    o.vocab = 10; /* token 11 is outside */
    o.nout = 2;
    o.n = 6;
    assert_int_equal(ua_seq_data_check(&d, &o), UA_EINVAL);
    assert_non_null(strstr(ua_last_error(), "sequence 1, position 4: token 10 is outside the vocabulary 0..9"));
    o.vocab = 12;
    assert_int_equal(ua_seq_data_check(&d, &o), UA_OK);
    o.n = 5;
    assert_int_equal(ua_seq_data_check(&d, &o), UA_EINVAL); /* longer than the model */
    /* a classifier asked for a loss on data without class targets */
    o.n = 6;
    o.classify = 1;
    o.nout = 3;
    ua_seq *m;
    assert_int_equal(ua_seq_alloc(&o, &m), UA_OK);
    double loss;
    assert_int_equal(ua_seq_loss_grad(m, &d, &loss, NULL, NULL), UA_EINVAL);
    assert_non_null(strstr(ua_last_error(), "no class (N, n) targets"));
    ua_seq_free(m);
    ua_seq_data_free(&d);
    /* truncated file */
    FILE *f = fopen(px, "r+b");
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fclose(f);
    assert_int_equal(truncate(px, len - 3), 0);
    assert_int_equal(ua_seq_data_read(px, NULL, &d), UA_EFORMAT);
    assert_int_equal(ua_seq_data_read("/nonexistent/x.npy", NULL, &d), UA_EINVAL);
    remove(px);
    remove(py);
}

/* Sizes beyond the model's limits name the quantity, its value and the limit: a token of 2^31 - 1
 * (the user's report) makes the inferred vocabulary 2^31, and the message says where it is. */
static void test_too_large(void **state)
{
    (void)state;
    int32_t tok[12] = { 0, 1, 2, 3, 4, 5, 6, 7, 2147483647, 1, 0, 1 }, cls[12] = { 0 };
    ua_seq_data d = { .N = 2, .n = 6, .tok = tok, .cls = cls };
    ua_seq_options o;
    ua_seq_options_default(&o);
    o.epochs = 1;
    ua_seq *m = NULL;
    assert_int_equal(ua_seq_fit(&d, &o, &m), UA_EINVAL);
    assert_null(m);
    print_message("%s\n", ua_last_error());
    assert_non_null(strstr(ua_last_error(), "the inputs' sequence 1, position 2: token 2147483647 makes "
                                            "the vocabulary (the largest token + 1) 2147483648, more "
                                            "than the limit 16777216"));
    /* a class of 2^24 makes 2^24 + 1 outputs, one more than the limit */
    tok[8] = 8;
    cls[11] = 16777216;
    assert_int_equal(ua_seq_fit(&d, &o, &m), UA_EINVAL);
    assert_non_null(strstr(ua_last_error(), "the targets' sequence 1, position 5: class 16777216 makes "
                                            "the outputs (the largest class + 1) 16777217, more than "
                                            "the limit 16777216"));
    /* each size at the model: its own message, value and limit */
    ua_seq_options_default(&o);
    o.vocab = 16;
    o.nout = 2;
    o.n = (1u << 20) + 1;
    assert_int_equal(ua_seq_alloc(&o, &m), UA_EINVAL);
    assert_non_null(strstr(ua_last_error(), "the sequence length n = 1048577 is more than the limit 1048576"));
    o.n = 4;
    o.vocab = 0;
    o.din = (1u << 20) + 1;
    assert_int_equal(ua_seq_alloc(&o, &m), UA_EINVAL);
    assert_non_null(strstr(ua_last_error(), "din = 1048577 are more than the limit 1048576"));
    o.din = 0;
    o.vocab = (1u << 24) + 1;
    ua_status st = ua_seq_alloc(&o, &m);
    assert_int_equal(st, UA_EINVAL);
    assert_non_null(strstr(ua_last_error(), "16777217"));
    /* every size within its limit, the whole beyond any machine: width 65536, 32 layers, FFN
     * 2^20 are 32 (4 2^32 + 2^37) + ... > 4.9e12 parameters, 19.7 TB of float32: refused before
     * it is asked for, naming the sizes */
    o.vocab = 16;
    o.width = 65536;
    o.heads = 128;
    o.layers = 32;
    o.ffn = 1u << 20;
    assert_int_equal(ua_seq_alloc(&o, &m), UA_EINVAL);
    assert_null(m);
    print_message("%s\n", ua_last_error());
    assert_non_null(strstr(ua_last_error(), "width 65536, 32 layers, FFN 1048576"));
    assert_non_null(strstr(ua_last_error(), "more than this machine's"));
    /* a small model (17.8M parameters) whose activations are not: one sequence of 2^20 positions
     * through an FFN of 2^20 holds three arrays of 2^40 floats (13.2 TB), refused before any is
     * allocated */
    size_t n = (size_t)1 << 20;
    int32_t *longtok = calloc(n, sizeof *longtok), *longcls = calloc(n, sizeof *longcls);
    assert_non_null(longtok);
    assert_non_null(longcls);
    longcls[1] = 1;
    ua_seq_data dl = { .N = 1, .n = n, .tok = longtok, .cls = longcls };
    ua_seq_options_default(&o);
    o.epochs = 1;
    o.val_frac = 0;
    o.width = 8;
    o.heads = 1;
    o.layers = 1;
    o.ffn = n;
    assert_int_equal(ua_seq_fit(&dl, &o, &m), UA_EINVAL);
    assert_null(m);
    print_message("%s\n", ua_last_error());
    assert_non_null(strstr(ua_last_error(), "the activations of 1 sequence of 1048576 positions on "
                                            "each of 1 thread,"));
    assert_non_null(strstr(ua_last_error(), "--ffn 1048576, --layers 1"));
    assert_non_null(strstr(ua_last_error(), "more than this machine's"));
    free(longtok);
    free(longcls);
}

/* The task sizes are checked before anything is generated (uniapprox data checks them before it
 * creates its folder): each limit is accepted at its value and refused one above, by name. */
static void test_task_check(void **state)
{
    (void)state;
    assert_int_equal(ua_seq_task_check("position", 1000, 128, 1000), UA_OK);
    assert_int_equal(ua_seq_task_check("copy", 1, 1u << 20, 1u << 24), UA_OK);
    assert_int_equal(ua_seq_task_check("copy", 1u << 8, 1u << 20, 2), UA_OK); /* N n = 2^28 */
    assert_int_equal(ua_seq_task_check("nope", 1, 1, 1), UA_ENOTFOUND);
    assert_non_null(strstr(ua_last_error(), "unknown task 'nope' (available: copy, cumsum"));
    static const struct { size_t N, n, vocab; const char *msg; } bad[] = {
        { 0, 8, 8, "the sequences N = 0, their length n = 8 and the vocabulary 8 must be positive" },
        { 10, 100000000, 8, "the sequence length n = 100000000 is above the limit 1048576" },
        { (1u << 26) + 1, 1, 8, "N = 67108865 sequences is above the limit 67108864" },
        { 10, 8, (1u << 24) + 1, "the vocabulary 16777217 is above the limit 16777216" },
        { (1u << 8) + 1, 1u << 20, 2, "N * n = 257 * 1048576 = 269484032 values is above the "
                                       "limit 268435456" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(ua_seq_task_check("position", bad[i].N, bad[i].n, bad[i].vocab), UA_EINVAL);
        if (!strstr(ua_last_error(), bad[i].msg))
            fail_msg("'%s' does not say '%s'", ua_last_error(), bad[i].msg);
        ua_seq_data d;
        assert_int_equal(ua_seq_task_generate("position", bad[i].N, bad[i].n, bad[i].vocab, 1, &d),
                         UA_EINVAL);
        assert_null(d.tok);
    }
}

/* ---- training, save / load ------------------------------------------------------------------ */

static void test_train_and_save_load(void **state)
{
    (void)state;
    ua_seq_data d;
    assert_int_equal(ua_seq_task_generate("reverse", 512, 8, 8, 1, &d), UA_OK);
    assert_true(d.cls[0] == d.tok[7] && d.cls[7] == d.tok[0]);
    ua_seq_options o;
    ua_seq_options_default(&o);
    o.width = 32;
    o.heads = 2;
    o.layers = 1;
    o.positions = UA_SEQ_POS_SINUSOIDAL;
    o.epochs = 30;
    o.batch = 16;
    o.lr = 3e-3;
    o.threads = 1;
    ua_seq *m;
    assert_int_equal(ua_seq_fit(&d, &o, &m), UA_OK);
    const ua_seq_report *r = ua_seq_get_report(m);
    if (!(r->val_accuracy > 0.9))
        fail_msg("reverse: validation accuracy %.3f after %zu epochs", r->val_accuracy, r->epochs_run);
    /* save, load, same predictions bitwise */
    ua_model *mod, *back;
    assert_int_equal(ua_model_wrap("seq", m, "reverse", -INFINITY, INFINITY, &mod), UA_OK);
    char path[TU_PATH_MAX];
    snprintf(path, sizeof path, "%s", tu_path("reverse.safetensors"));
    assert_int_equal(ua_model_save(mod, path), UA_OK);
    assert_int_equal(ua_model_load(path, &back), UA_OK);
    size_t din, dout;
    ua_model_dims(back, &din, &dout);
    assert_int_equal(din, 8);
    assert_int_equal(dout, 8);
    double x[16], y1[16], y2[16];
    for (int i = 0; i < 16; i++) x[i] = d.tok[i];
    assert_int_equal(ua_model_predict(mod, x, 2, y1), UA_OK);
    assert_int_equal(ua_model_predict(back, x, 2, y2), UA_OK);
    assert_memory_equal(y1, y2, sizeof y1);
    x[3] = 8; /* outside the vocabulary */
    assert_int_equal(ua_model_predict(back, x, 2, y2), UA_EINVAL);
    ua_model_free(mod);
    ua_model_free(back);
    remove(path);
    ua_seq_data_free(&d);
}

/* Data-parallel training (src/seq/train.c): with 3 threads each runs a slice of every minibatch of
 * 16 (5, 5 and 6 sequences) and the gradients are summed; the parameters after 12 Adam steps
 * equal single-threaded training's up to float rounding in the sums. A lost or double-counted
 * slice would move them by the size of the updates themselves. */
static void test_data_parallel_matches_serial(void **state)
{
    (void)state;
    ua_seq_data d;
    assert_int_equal(ua_seq_task_generate("sort", 64, 12, 10, 3, &d), UA_OK);
    ua_seq_options o;
    ua_seq_options_default(&o);
    o.width = 16;
    o.heads = 2;
    o.layers = 2;
    o.epochs = 3;
    o.batch = 16;
    o.lr = 0.3;
    o.eps = 1.0; /* Adam close to momentum SGD: its sign-like steps would magnify rounding noise
                  * in near-zero gradients into differences of a whole step */
    o.n = 12; /* what ua_seq_fit would resolve from the data, so that ua_seq_alloc can build it */
    o.vocab = 10;
    o.nout = 10;
    o.classify = 1;
    float *p[2] = { NULL, NULL }, *p0 = NULL;
    size_t np = 0;
    for (int c = 0; c < 2; c++) {
        o.threads = c ? 3 : 1;
        ua_seq *m;
        assert_int_equal(ua_seq_fit(&d, &o, &m), UA_OK);
        np = ua_seq_nparams(m);
        p[c] = malloc(np * sizeof **p);
        ua_seq_get_params(m, p[c]);
        if (!c) { /* the initial parameters, to measure how far training moved them */
            ua_seq *m0;
            assert_int_equal(ua_seq_alloc(&o, &m0), UA_OK);
            p0 = malloc(np * sizeof *p0);
            ua_seq_get_params(m0, p0);
            ua_seq_free(m0);
        }
        ua_seq_free(m);
    }
    double diff = 0, moved = 0;
    for (size_t i = 0; i < np; i++) {
        diff = fmax(diff, fabs((double)p[1][i] - p[0][i]));
        moved = fmax(moved, fabs((double)p[0][i] - p0[i]));
    }
    print_message("data parallel vs serial: max |dp| %.3g, training moved the parameters by up to %.3g\n",
                  diff, moved);
    assert_true(moved > 1e-3);
    assert_true(diff < 1e-3 * moved);
    free(p[0]);
    free(p[1]);
    free(p0);
    ua_seq_data_free(&d);
}

static void test_options(void **state)
{
    (void)state;
    ua_seq_options o;
    ua_seq_options_default(&o);
    o.width = 30;
    o.heads = 4;
    assert_int_equal(ua_seq_options_check(&o), UA_EINVAL);
    ua_seq_attention a;
    assert_int_equal(ua_seq_attention_parse("flash", &a), UA_ENOTFOUND);
    assert_non_null(strstr(ua_last_error(), "softmax, sigmoid, rpe, urpe"));
    ua_seq_options_default(&o);
    o.attention = UA_SEQ_URPE;
    o.rel = UA_SEQ_REL_NONE;
    assert_int_equal(ua_seq_options_check(&o), UA_EINVAL);
    /* T5 buckets: exact below 16, log-spaced up to 128, sign-split when bidirectional */
    assert_int_equal(ua_seq_t5_bucket(0, 1), 0);
    assert_int_equal(ua_seq_t5_bucket(-5, 1), 5);
    assert_int_equal(ua_seq_t5_bucket(5, 1), 37);
    assert_int_equal(ua_seq_t5_bucket(-1000, 1), 31);
    assert_int_equal(ua_seq_t5_bucket(-1000, 0), 63);
    assert_int_equal(ua_seq_t5_bucket(7, 0), 0);
}

static struct timespec t_start;
static int t_setup(void **state)
{
    (void)state;
    clock_gettime(CLOCK_MONOTONIC, &t_start);
    return 0;
}
static int t_teardown(void **state)
{
    (void)state;
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    if (getenv("UA_TEST_TIMES"))
        fprintf(stderr, "  %.2f s\n", (double)(t.tv_sec - t_start.tv_sec) + 1e-9 * (double)(t.tv_nsec - t_start.tv_nsec));
    return 0;
}

/* ---- the engine: ua_fit, predict_sequences, option messages -------------------------------- */

/* A generated task as doubles: x (N, n[, d]), y (N, n[, k]) (malloc'd). */
static void task_doubles(const char *task, size_t N, size_t n, size_t vocab, uint64_t seed,
                         double **x, double **y, ua_seq_data *keep)
{
    assert_int_equal(ua_seq_task_generate(task, N, n, vocab, seed, keep), UA_OK);
    size_t cx = N * n * (keep->d ? keep->d : 1), cy = N * n * (keep->k ? keep->k : 1);
    *x = malloc(cx * sizeof **x);
    *y = malloc(cy * sizeof **y);
    for (size_t i = 0; i < cx; i++) (*x)[i] = keep->tok ? (double)keep->tok[i] : (double)keep->x[i];
    for (size_t i = 0; i < cy; i++) (*y)[i] = keep->cls ? (double)keep->cls[i] : (double)keep->y[i];
}

static ua_options *seq_opts(const char *const *kv)
{
    ua_options *o = NULL;
    assert_int_equal(ua_family_options("seq", &o), UA_OK);
    for (size_t i = 0; kv && kv[i]; i += 2)
        if (ua_options_set(o, kv[i], kv[i + 1])) fail_msg("%s=%s: %s", kv[i], kv[i + 1], ua_last_error());
    return o;
}

static size_t hook_calls;
static void on_epoch(void *ctx, size_t epoch, size_t epochs, double train_loss, double val_loss,
                     double lr, double seconds, int improved)
{
    (void)ctx, (void)epochs, (void)train_loss, (void)val_loss, (void)lr, (void)seconds, (void)improved;
    assert_int_equal(epoch, ++hook_calls);
}

/* The copy task through ua_fit: the recorded test accuracy is the fraction of test positions whose
 * predicted class (from ua_model_predict_sequences, the vtable's predict_sequences) is the
 * target; and predict_sequences equals ua_seq_forward on the same inputs. */
/* ua_model_predict_sequences_blocks' callback in test_fit_vtable: the blocks come in order, and
 * their outputs are compared with the whole set's (whole). */
typedef struct {
    const double *whole;
    size_t n;            /* whole's values */
    size_t next, blocks; /* the first sequence expected next; blocks seen */
    double maxdiff;
} blocks_seen;

static ua_status check_block(void *ctx, size_t first, size_t count, const double *y, size_t nout,
                             int classify)
{
    blocks_seen *b = ctx;
    assert_int_equal(first, b->next);
    assert_true(classify);
    enum { L = 8 }; /* the test's sequence length */
    for (size_t i = 0; i < count * L * nout; i++) {
        double d = fabs(y[i] - b->whole[first * L * nout + i]);
        if (d > b->maxdiff) b->maxdiff = d;
    }
    b->next += count;
    b->blocks++;
    return UA_OK;
}

static void test_fit_vtable(void **state)
{
    (void)state;
    enum { N = 128, NT = 32, L = 8, V = 6 };
    double *x, *y, *xt, *yt;
    ua_seq_data tr, te;
    task_doubles("copy", N, L, V, 1, &x, &y, &tr);
    task_doubles("copy", NT, L, V, 2, &xt, &yt, &te);
    ua_problem *p = NULL;
    assert_int_equal(ua_problem_sequences(x, y, N, L, 0, 0, &p), UA_OK);
    assert_int_equal(ua_problem_set_test(p, xt, yt, NT), UA_OK);
    static const char *const kv[] = { "width", "32", "heads", "2", "layers", "1", "epochs", "30",
                                      "lr", "3e-3", "threads", "1", "positions", "learned", NULL };
    ua_options *o = seq_opts(kv);
    const char *log = tu_path("seq_fit.jsonl");
    assert_int_equal(ua_options_set(o, "log", log), UA_OK);
    ua_fit_hooks hooks = { on_epoch, NULL, NULL };
    hook_calls = 0;
    ua_model *m = NULL;
    if (ua_fit(p, "seq", o, &hooks, &m)) fail_msg("ua_fit: %s", ua_last_error());
    assert_int_equal(hook_calls, 30);
    size_t len = 0, lines = 0;
    char *text = tu_slurp(log, &len);
    for (size_t i = 0; i < len; i++) lines += text[i] == '\n';
    free(text);
    assert_int_equal(lines, 30);

    double *out = NULL;
    size_t nout = 0;
    int classify = 0;
    assert_int_equal(ua_model_predict_sequences(m, xt, NT, L, 0, &out, &nout, &classify), UA_OK);
    assert_int_equal(nout, V);
    assert_true(classify);
    size_t right = 0;
    for (size_t r = 0; r < NT * L; r++) {
        size_t am = 0;
        for (size_t c = 1; c < nout; c++)
            if (out[r * nout + c] > out[r * nout + am]) am = c;
        right += (double)am == yt[r];
    }
    double acc = (double)right / (NT * L);
    const char *ta = ua_model_meta(m, "test_accuracy");
    assert_non_null(ta);
    print_message("seq copy through ua_fit: test accuracy %s (recomputed %g)\n", ta, acc);
    assert_true(strtod(ta, NULL) == acc);
    /* measured 1 (seed 0, 30 epochs); chance is 1/6 */
    ASSERT_LE(0.9, acc);
    assert_non_null(ua_model_meta(m, "train_accuracy"));
    assert_non_null(ua_model_meta(m, "test_loss"));

    /* predict_sequences is ua_seq_forward, widened to double */
    const ua_seq *sq = ua_model_state(m);
    float *f = malloc(NT * L * V * sizeof *f);
    assert_int_equal(ua_seq_forward(sq, &te, f), UA_OK);
    for (size_t i = 0; i < NT * L * V; i++) assert_true(out[i] == (double)f[i]);
    free(f);
    /* in blocks of 3 sequences (the budget 3 L V outputs): every sequence once, in order, each
     * block's outputs those of the whole set to float rounding; a bad token in sequence 7 (the
     * third block) is reported as sequence 7 */
    blocks_seen bs = { out, NT * L * V, 0, 0, 0 };
    assert_int_equal(ua_model_predict_sequences_blocks(m, xt, NT, L, 0, 3 * L * V, check_block, &bs),
                     UA_OK);
    assert_int_equal(bs.next, NT);
    assert_int_equal(bs.blocks, (NT + 2) / 3);
    print_message("blocks of 3 against the whole set: max |difference| %.3g\n", bs.maxdiff);
    ASSERT_LE(bs.maxdiff, 1e-5);
    double bad = xt[7 * L + 2];
    xt[7 * L + 2] = V + 40;
    bs.next = 0;
    assert_int_equal(ua_model_predict_sequences_blocks(m, xt, NT, L, 0, 3 * L * V, check_block, &bs),
                     UA_EINVAL);
    assert_non_null(strstr(ua_last_error(), "sequence 7, position 2"));
    xt[7 * L + 2] = bad;
    assert_int_equal(ua_model_predict_sequences_blocks(m, xt, NT, L, 0, 0, check_block, &bs), UA_EINVAL);
    free(out);
    /* measured on other sequences: the targets must be the model's kind of output — a class
     * beyond its V classes, or values (N, n, 1) for a classifier, are refused, not scored 0 */
    {
        ua_problem *q = NULL;
        ua_measurement mr;
        double keep = yt[5 * L + 3];
        yt[5 * L + 3] = V;
        assert_int_equal(ua_problem_sequences(xt, yt, NT, L, 0, 0, &q), UA_OK);
        assert_int_equal(ua_model_measure(m, q, NULL, &mr), UA_EINVAL);
        assert_non_null(strstr(ua_last_error(), "sequence 5, position 3: class 6 is outside the "
                                                "model's classes 0..5"));
        ua_problem_free(q);
        yt[5 * L + 3] = keep;
        assert_int_equal(ua_problem_sequences(xt, yt, NT, L, 0, 1, &q), UA_OK);
        assert_int_equal(ua_model_measure(m, q, NULL, &mr), UA_EINVAL);
        assert_non_null(strstr(ua_last_error(), "the model classifies (6 classes a position); the "
                                                "targets are 1 value a position"));
        ua_problem_free(q);
    }
    /* shorter sequences are taken; longer ones, reals for a token model and bad tokens are not */
    assert_int_equal(ua_model_predict_sequences(m, xt, 2, L / 2, 0, &out, &nout, &classify), UA_OK);
    free(out);
    assert_int_equal(ua_model_predict_sequences(m, xt, 1, L + 1, 0, &out, &nout, &classify), UA_EINVAL);
    assert_int_equal(ua_model_predict_sequences(m, xt, 2, L, 1, &out, &nout, &classify), UA_EINVAL);
    xt[3] = 2.5;
    assert_int_equal(ua_model_predict_sequences(m, xt, 2, L, 0, &out, &nout, &classify), UA_EINVAL);
    assert_non_null(strstr(ua_last_error(), "sequence 0, position 3: 2.5 is not a token"));

    ua_model_free(m);
    ua_options_free(o);
    ua_problem_free(p);
    ua_seq_data_free(&tr);
    ua_seq_data_free(&te);
    free(x);
    free(y);
    free(xt);
    free(yt);
}

/* Real inputs and outputs: predict_sequences of an untrained model equals ua_seq_forward. */
static void test_predict_sequences_real(void **state)
{
    (void)state;
    ua_seq_options o;
    ua_seq_options_default(&o);
    o.din = 1;
    o.nout = 1;
    o.n = 12;
    o.width = 16;
    o.heads = 2;
    o.layers = 1;
    o.attention = UA_SEQ_URPE;
    o.seed = 3;
    ua_seq *sq = NULL;
    assert_int_equal(ua_seq_alloc(&o, &sq), UA_OK);
    ua_model *m = NULL;
    assert_int_equal(ua_model_wrap("seq", sq, NULL, -INFINITY, INFINITY, &m), UA_OK);
    double *x, *y;
    ua_seq_data d;
    task_doubles("cumsum", 5, 12, 1, 4, &x, &y, &d);
    double *out = NULL;
    size_t nout = 0;
    int classify = 1;
    assert_int_equal(ua_model_predict_sequences(m, x, 5, 12, 1, &out, &nout, &classify), UA_OK);
    assert_int_equal(nout, 1);
    assert_false(classify);
    float f[5 * 12];
    assert_int_equal(ua_seq_forward(ua_model_state(m), &d, f), UA_OK);
    for (size_t i = 0; i < 5 * 12; i++) assert_true(out[i] == (double)f[i]);
    free(out);
    assert_int_equal(ua_model_predict_sequences(m, x, 5, 12, 0, &out, &nout, &classify), UA_EINVAL);
    ua_model_free(m);
    ua_seq_data_free(&d);
    free(x);
    free(y);
}

/* The option table's messages and the checks across options. */
static void test_option_messages(void **state)
{
    (void)state;
    ua_options *o = seq_opts(NULL);
    assert_int_equal(ua_options_set(o, "optim", "sgd"), UA_EINVAL);
    assert_non_null(strstr(ua_last_error(), "--optim 'sgd': expected one of adam adamw"));
    assert_int_equal(ua_options_set(o, "layers", "33"), UA_EINVAL);
    assert_non_null(strstr(ua_last_error(), "--layers '33': expected an integer in [1, 32]"));
    assert_int_equal(ua_options_set(o, "activation", "polyrelu"), UA_EINVAL);
    assert_int_equal(ua_options_int(o, "epochs"), 20);
    assert_true(ua_options_real(o, "lr") == 1e-3);
    ua_options_free(o);
    double x[2 * 4] = { 0, 1, 2, 3, 3, 2, 1, 0 }, y[2 * 4] = { 0, 1, 2, 3, 3, 2, 1, 0 };
    ua_problem *p = NULL;
    assert_int_equal(ua_problem_sequences(x, y, 2, 4, 0, 0, &p), UA_OK);
    static const struct { const char *kv[5]; const char *msg; } bad[] = {
        { { "width", "30", "heads", "4" }, "--width 30 must be a multiple of --heads 4" },
        { { "layerscale-init", "0.5", NULL }, "--layerscale-init applies with --layerscale" },
        { { "warmup", "5", NULL }, "--warmup applies with --schedule warmup" },
        { { "attention", "urpe", "rel", "none" }, "--attention urpe needs a relative bias" },
        { { "val-frac", "1", NULL }, "--val-frac 1: expected a number in [0, 1)" },
        { { "vocab", "3", NULL }, "sequence 0, position 3: token 3 is outside the" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        o = seq_opts(bad[i].kv);
        ua_model *m = NULL;
        assert_int_equal(ua_fit(p, "seq", o, NULL, &m), UA_EINVAL);
        assert_null(m);
        if (!strstr(ua_last_error(), bad[i].msg))
            fail_msg("case %zu: '%s' lacks '%s'", i, ua_last_error(), bad[i].msg);
        ua_options_free(o);
    }
    ua_problem_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_options, t_setup, t_teardown),
        cmocka_unit_test_setup_teardown(test_torch_reference, t_setup, t_teardown),
        cmocka_unit_test_setup_teardown(test_gradcheck, t_setup, t_teardown),
        cmocka_unit_test_setup_teardown(test_fused_matches_naive, t_setup, t_teardown),
        cmocka_unit_test(test_row_reductions),
        cmocka_unit_test(test_data_parallel_matches_serial),
        cmocka_unit_test_setup_teardown(test_fused_memory, t_setup, t_teardown),
        cmocka_unit_test(test_workspace_layout),
        cmocka_unit_test_setup_teardown(test_bad_data, t_setup, t_teardown),
        cmocka_unit_test(test_too_large),
        cmocka_unit_test(test_task_check),
        cmocka_unit_test_setup_teardown(test_train_and_save_load, t_setup, t_teardown),
        cmocka_unit_test(test_fit_vtable),
        cmocka_unit_test(test_predict_sequences_real),
        cmocka_unit_test(test_option_messages),
    };
    return cmocka_run_group_tests(tests, tu_scratch_setup, tu_scratch_teardown);
}
