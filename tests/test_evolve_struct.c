/* The evolve family's structured seeds (--seeds all, src/evolve/seed.c) and the squaring
 * mutation: exact identities (a squaring chain over N(t)/N(-t) is 1 at x = 0 in double and in
 * float; the split polynomial is the Horner polynomial rewritten; operation counts and latency
 * estimates counted by hand), and the seeded front of 2^x on [0, 1] over the reals measured
 * here against MPFR below the best errors of the same structures computed independently with
 * SciPy (tests/gen/evolve_struct_ref.py -> tests/ref/evolve_struct_ref.h); the centred seeds of
 * log2 and erf in float32 measured at every float of sub-ranges against MPFR. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <mpfr.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uniapprox.h>
#include "model/family.h"
#include "evolve/internal.h"

#define TU_SCRATCH_TAG "ua_test_evolve_struct"
#include "test_util.h"
#include "ref/evolve_struct_ref.h"

#define NP 2048
/* the sub-ranges of the float32 checks (every float; where the Horner seeds are worst) */
#define LOG2_LO 0x1.ep+0f
#define LOG2_HI 0x1.e4p+0f
#define ERF_LO 0x1.ep-1f
#define ERF_HI 0x1.e4p-1f

/* Chebyshev points of [0, 1] and 2^x there (exp2: the seeds' data, not the reference). */
static void exp2_data(double *x, double *f)
{
    for (int i = 0; i < NP; i++) {
        x[i] = 0.5 - 0.5 * cos(3.14159265358979323846 * i / (NP - 1));
        f[i] = exp2(x[i]);
    }
}

/* max |g(x) - 2^x| / 2^x over n + 1 equispaced points of [0, 1], 2^x in MPFR (128 bits). */
static double rel_err_mpfr(const ev_prog *g, int n)
{
    mpfr_t r;
    mpfr_init2(r, 128);
    double worst = 0;
    for (int i = 0; i <= n; i++) {
        double x = (double)i / n;
        mpfr_set_d(r, x, MPFR_RNDN);
        mpfr_exp2(r, r, MPFR_RNDN);
        double f = mpfr_get_d(r, MPFR_RNDN);
        worst = fmax(worst, fabs(ev_eval1_f64(g, x) - f) / f);
    }
    mpfr_clear(r);
    return worst;
}

static void test_squaring_identities(void **state)
{
    (void)state;
    double *x = malloc(NP * sizeof *x), *f = malloc(NP * sizeof *f);
    assert_non_null(x);
    assert_non_null(f);
    exp2_data(x, f);
    uint32_t nofma = (1u << EV_ADD) | (1u << EV_SUB) | (1u << EV_MUL) | (1u << EV_DIV);
    for (int sq = 0; sq <= 4; sq++) {
        ev_prog g;
        /* E = t^2 + e0, O = (o0 + o1 t^2) t: t^2, E, o1 t^2, + o0, * t, N, D, N / D: 8 ops */
        assert_int_equal(ev_seed_squaring(x, f, NP, 0, 1, 1, 1, sq, nofma, &g), UA_OK);
        assert_true(ev_prog_valid(&g));
        assert_int_equal(ev_prog_ops(&g), 8 + sq);
        /* at x = 0: O = 0, N = D = E, N / D = 1 exactly, and 1 squared is 1 */
        assert_true(ev_eval1_f64(&g, 0.0) == 1.0);
        assert_true(ev_eval1_f32(&g, 0.0f) == 1.0f);
        /* E of degree 4: t^2 + e1, * t^2, + e0 (3); O 3; N, D, N / D: 10 ops; 8 with fma */
        assert_int_equal(ev_seed_squaring(x, f, NP, 0, 1, 2, 1, sq, nofma, &g), UA_OK);
        assert_int_equal(ev_prog_ops(&g), 10 + sq);
        assert_true(ev_eval1_f64(&g, 0.0) == 1.0);
        assert_int_equal(ev_seed_squaring(x, f, NP, 0, 1, 2, 1, sq, EV_OPS_ALL, &g), UA_OK);
        assert_int_equal(ev_prog_ops(&g), 8 + sq);
        assert_true(ev_eval1_f64(&g, 0.0) == 1.0);
        /* the latency along t^2, E, D, div and the squarings (mul 4, add 4, div 11): without
         * fma t^2 4, + e1 4, * t^2 4, + e0 4, D 4, div 11, squarings 4 each */
        assert_int_equal(ev_seed_squaring(x, f, NP, 0, 1, 2, 1, sq, nofma, &g), UA_OK);
        assert_int_equal(ev_prog_latency(&g), 5 * 4 + 11 + 4 * sq);
    }
    /* a target that is not positive everywhere has no squaring seed */
    f[7] = -1;
    ev_prog g;
    assert_int_equal(ev_seed_squaring(x, f, NP, 0, 1, 1, 1, 2, nofma, &g), UA_EDOMAIN);
    ua_clear_error();
    free(x);
    free(f);
}

static void test_split_is_horner_rewritten(void **state)
{
    (void)state;
    double *x = malloc(NP * sizeof *x), *f = malloc(NP * sizeof *f);
    assert_non_null(x);
    assert_non_null(f);
    exp2_data(x, f);
    ev_prog h, s;
    assert_int_equal(ev_seed_horner(x, f, NP, 0, 1, 6, EV_OPS_ALL, &h), UA_OK);
    assert_int_equal(ev_prog_ops(&h), 6);
    assert_int_equal(ev_prog_latency(&h), 24);
    /* c0 + t (r(t) + t^3 q(t)), r and q of 3 coefficients: t^2, t^3, 2 + 2 fma, fma, fma */
    assert_int_equal(ev_seed_split(x, f, NP, 0, 1, 6, 3, 1, EV_OPS_ALL, &s), UA_OK);
    assert_int_equal(ev_prog_ops(&s), 8);
    assert_int_equal(ev_prog_latency(&s), 16);
    /* the same polynomial (the same Remez coefficients): equal up to rounding */
    for (int i = 0; i <= 1000; i++) {
        double t = i / 1000.0;
        assert_true(fabs(ev_eval1_f64(&s, t) - ev_eval1_f64(&h, t)) <= 4e-16 * exp2(t));
    }
    /* every split that fits, both forms */
    for (int sp = 2; sp <= 4; sp++)
        for (int outer = 0; outer <= 2; outer++) {
            if (sp >= 6 - outer) continue; /* r and q would not both be there */
            assert_int_equal(ev_seed_split(x, f, NP, 0, 1, 6, sp, outer, EV_OPS_ALL, &s), UA_OK);
            assert_true(ev_prog_latency(&s) < 24);
            for (int i = 0; i <= 100; i++) {
                double t = i / 100.0;
                assert_true(fabs(ev_eval1_f64(&s, t) - ev_eval1_f64(&h, t)) <= 4e-16 * exp2(t));
            }
        }
    /* split out of range */
    assert_int_equal(ev_seed_split(x, f, NP, 0, 1, 3, 3, 0, EV_OPS_ALL, &s), UA_EINVAL);
    ua_clear_error();
    free(x);
    free(f);
}

/* The square mutation appends y * y and keeps the program valid. */
static void test_square_mutation(void **state)
{
    (void)state;
    ua_rng r;
    ua_rng_seed(&r, 7);
    int seen = 0;
    for (int i = 0; i < 4000 && !seen; i++) {
        ev_prog g;
        memset(&g, 0, sizeof g);
        g.n = 3;
        g.kind[0] = EV_INPUT;
        g.kind[1] = EV_CONST;
        g.val[1] = 3;
        g.kind[2] = EV_ADD, g.arg[2][1] = 1; /* x + 3 */
        if (strcmp(ev_mutate(&g, EV_OPS_ALL, 30, &r), "square")) continue;
        seen = 1;
        assert_true(ev_prog_valid(&g));
        assert_true(ev_eval1_f64(&g, 2.0) == 25.0);
        assert_true(ev_eval1_f32(&g, -1.0f) == 4.0f);
    }
    assert_true(seen);
}

/* The seeded search over the reals, no generations: the front's best programs of at most 10 and
 * 11 operations (add, sub, mul, div) are measured against MPFR on 100001 points and compared with
 * SciPy's best errors of the squaring structures (REF_*; the C fit is on 2048 points, so a
 * margin of 10%), and with the degree-5 polynomial of the same 10 operations. */
static void test_seeded_front_reals(void **state)
{
    (void)state;
    static const char *const kv[] = {"generations", "0", "seeds", "all", "operations",
                                     "add,sub,mul,div", "train-points", "256", "max-evals",
                                     "200", "degree", "5", NULL};
    ua_status fs;
    ua_measurement re;
    ua_model *m = tu_fit_measure_1d("evolve", "2^x", 0, 1, kv, &fs, &re);
    const ev_model *st = ua_model_state(m);
    double best10 = INFINITY, best11 = INFINITY;
    for (size_t i = 0; i < st->nfront; i++) {
        const ev_member *e = &st->front[i];
        if (e->ops > 11) continue;
        double err = rel_err_mpfr(&e->prog, 100000);
        if (e->ops <= 10) best10 = fmin(best10, err);
        best11 = fmin(best11, err);
    }
    print_message("best of <= 10 ops %.4g (SciPy %.4g), <= 11 ops %.4g (SciPy %.4g), degree-5 "
                  "polynomial %.4g\n", best10, REF_SQ_1_1_2, best11, REF_SQ_2_1_1, REF_POLY_5);
    ASSERT_LE(best10, 1.1 * REF_SQ_1_1_2);
    ASSERT_LE(best11, 1.1 * REF_SQ_2_1_1);
    ASSERT_LE(best10, 1e-4 * REF_POLY_5);
    ua_measurement_free(&re);
    ua_model_free(m);
}

/* max |g(x) - f(x)| / ulp32(f(x)) over every float x of [lo, hi], g in float, f = log2 (erf = 0)
 * or erf (erf = 1) of the float x in MPFR (128 bits) rounded to double. */
static double max_ulp32_mpfr(const ev_prog *g, float lo, float hi, int erf)
{
    mpfr_t r;
    mpfr_init2(r, 128);
    double worst = 0;
    for (float x = lo; x <= hi; x = nextafterf(x, INFINITY)) {
        mpfr_set_flt(r, x, MPFR_RNDN);
        if (erf) mpfr_erf(r, r, MPFR_RNDN);
        else mpfr_log2(r, r, MPFR_RNDN);
        double f = mpfr_get_d(r, MPFR_RNDN);
        if (f == 0) continue;
        int e;
        frexp(f, &e);
        double ulp = ldexp(1.0, (e - 24 < -149 ? -149 : e - 24));
        worst = fmax(worst, fabs((double)ev_eval1_f32(g, x) - f) / ulp);
    }
    mpfr_clear(r);
    return worst;
}

/* The centred seeds (ev_seed_centred) straight from the Remez exchange, constants rounded to
 * float, no tuning: log2 on [1, 2] as fma(t, c0, t q(x - 1.5)) with q of degree 9 (13
 * operations), erf on [0, 1] as fma(x, c0, x q(fma(x, x, -0.5))) with q of degree 6, scaled
 * by 2^24 for the results near 0 (10 operations); each checked at every float of a sub-range
 * against MPFR, where the Horner seed t p(t) of the same data (degree 9 for log2: 11
 * operations; degree 12 for erf) is more than 1 ULP away: the roundings of Horner's steps in t
 * near 1 add up undamped. */
static void test_centred_seeds_float32(void **state)
{
    (void)state;
    enum { N = 8192 };
    double *x = malloc(N * sizeof *x), *f = malloc(N * sizeof *f);
    assert_non_null(x);
    assert_non_null(f);
    ev_prog g, h;
    /* log2 on [1, 2]: the data in double (the seed's input), the reference in MPFR */
    for (int i = 0; i < N; i++) {
        x[i] = 1.5 - 0.5 * cos(3.14159265358979323846 * i / (N - 1));
        f[i] = log2(x[i]);
    }
    assert_int_equal(ev_seed_centred(x, f, N, 1, 2, 9, 0, 0, EV_OPS_ALL, &g), UA_OK);
    assert_int_equal(ev_prog_ops(&g), 13);
    assert_true(ev_eval1_f32(&g, 1.0f) == 0.0f);
    assert_int_equal(ev_seed_horner(x, f, N, 1, 2, 9, EV_OPS_ALL, &h), UA_OK);
    assert_int_equal(ev_prog_ops(&h), 11);
    double ec = max_ulp32_mpfr(&g, LOG2_LO, LOG2_HI, 0);
    double eh = max_ulp32_mpfr(&h, LOG2_LO, LOG2_HI, 0);
    print_message("log2 on [%a, %a]: centred degree 9 %.4f ULP, Horner degree 9 %.4f ULP\n",
                  LOG2_LO, LOG2_HI, ec, eh);
    ASSERT_LE(ec, 1.0);
    ASSERT_LE(1.0, eh);
    /* the even seed needs [0, b]; the centred one a zero at the left end */
    assert_int_equal(ev_seed_centred(x, f, N, 1, 2, 6, 1, 0, EV_OPS_ALL, &g), UA_EDOMAIN);
    ua_clear_error();
    /* erf on [0, 1] */
    for (int i = 0; i < N; i++) {
        x[i] = 0.5 - 0.5 * cos(3.14159265358979323846 * i / (N - 1));
        f[i] = erf(x[i]);
    }
    assert_int_equal(ev_seed_centred(x, f, N, 0, 1, 6, 1, 24, EV_OPS_ALL, &g), UA_OK);
    assert_int_equal(ev_prog_ops(&g), 10);
    assert_true(ev_eval1_f32(&g, 0.0f) == 0.0f);
    /* the scaling by 2^24 and back is exact where the result is normal: the unscaled seed (9
     * operations) gives the same floats there */
    ev_prog u;
    assert_int_equal(ev_seed_centred(x, f, N, 0, 1, 6, 1, 0, EV_OPS_ALL, &u), UA_OK);
    assert_int_equal(ev_prog_ops(&u), 9);
    for (float v = ERF_LO; v <= ERF_HI; v = nextafterf(v, INFINITY))
        if (ev_eval1_f32(&g, v) != ev_eval1_f32(&u, v)) fail_msg("scaled != unscaled at %a", v);
    /* near the smallest normal results, where x q would be rounded to the subnormal spacing */
    double es = max_ulp32_mpfr(&g, 0x1.cp-126f, 0x1.c1p-126f, 1);
    double eu = max_ulp32_mpfr(&u, 0x1.cp-126f, 0x1.c1p-126f, 1);
    print_message("erf on [0x1.cp-126, 0x1.c1p-126]: centred even degree 6 scaled %.4f ULP, "
                  "unscaled %.4f\n", es, eu);
    ASSERT_LE(es, 1.0);
    ASSERT_LE(1.0, eu);
    assert_int_equal(ev_seed_horner(x, f, N, 0, 1, 12, EV_OPS_ALL, &h), UA_OK);
    ec = max_ulp32_mpfr(&g, ERF_LO, ERF_HI, 1), eh = max_ulp32_mpfr(&h, ERF_LO, ERF_HI, 1);
    print_message("erf on [%a, %a]: centred even degree 6 %.4f ULP, Horner degree 12 %.4f ULP\n",
                  ERF_LO, ERF_HI, ec, eh);
    ASSERT_LE(ec, 1.0);
    ASSERT_LE(1.0, eh);
    free(x);
    free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_squaring_identities),
        cmocka_unit_test(test_split_is_horner_rewritten),
        cmocka_unit_test(test_square_mutation),
        cmocka_unit_test(test_seeded_front_reals),
        cmocka_unit_test(test_centred_seeds_float32),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
