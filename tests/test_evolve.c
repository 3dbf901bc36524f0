/* The evolve family (src/evolve/, docs/evolve.md): program evaluation against values computed by
 * hand, mutations keep programs valid, NSGA-II's ranks and crowding on a hand-made set, the seed
 * against the minimax family at equal degree, a short float32 search on 2^x checked at every
 * float of [0, 1] by the exhaustive checker ([0.5, 1] under the sanitizers), the export against predict bit for bit, and the
 * loader's refusal of corrupted files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uniapprox.h>
#include "model/family.h"
#include "evolve/internal.h"

#define TU_SCRATCH_TAG "ua_test_evolve"
#include "test_util.h"

/* v0 = x; v1 = 2; v2 = v0 + v1; v3 = v2 * v2; v4 = sqrt(v3); v5 = v4 / v1; v6 = v5 - v0;
 * v7 = fma(v6, v1, v0). At x = 3: 5, 25, 5, 2.5, -0.5, 2 (every step exact). */
static ev_prog hand_program(void)
{
    ev_prog g;
    memset(&g, 0, sizeof g);
    g.n = 8;
    g.kind[0] = EV_INPUT;
    g.kind[1] = EV_CONST;
    g.val[1] = 2;
    g.kind[2] = EV_ADD, g.arg[2][0] = 0, g.arg[2][1] = 1;
    g.kind[3] = EV_MUL, g.arg[3][0] = 2, g.arg[3][1] = 2;
    g.kind[4] = EV_SQRT, g.arg[4][0] = 3;
    g.kind[5] = EV_DIV, g.arg[5][0] = 4, g.arg[5][1] = 1;
    g.kind[6] = EV_SUB, g.arg[6][0] = 5, g.arg[6][1] = 0;
    g.kind[7] = EV_FMA, g.arg[7][0] = 6, g.arg[7][1] = 1, g.arg[7][2] = 0;
    return g;
}

static void test_eval_by_hand(void **state)
{
    (void)state;
    ev_prog g = hand_program();
    assert_true(ev_prog_valid(&g));
    assert_int_equal(ev_prog_ops(&g), 6);
    assert_int_equal(ev_prog_nconst(&g), 1);
    /* add 4 + mul 4 + sqrt 12 + div 11 + sub 4 + fma 4 along the one path */
    assert_int_equal(ev_prog_latency(&g), 39);
    assert_true(ev_eval1_f64(&g, 3.0) == 2.0);
    assert_true(ev_eval1_f32(&g, 3.0f) == 2.0f);
    /* at x = 0.1: ((0.1 + 2)^2)^(1/2) / 2 - 0.1, times 2, plus 0.1, each step rounded */
    double x = 0.1, v2 = x + 2, v3 = v2 * v2, v4 = sqrt(v3), v5 = v4 / 2, v6 = v5 - x;
    assert_true(ev_eval1_f64(&g, x) == fma(v6, 2, x));
    float xf = 0.1f, w2 = xf + 2, w3 = w2 * w2, w4 = sqrtf(w3), w5 = w4 / 2, w6 = w5 - xf;
    assert_true(ev_eval1_f32(&g, xf) == fmaf(w6, 2, xf));
    /* the vector evaluation gives the same bits as the scalar one */
    double xs[3] = {3, 0.1, -7.25}, ys[3], work[8 * 3];
    ev_eval_f64(&g, xs, 3, ys, work);
    for (int i = 0; i < 3; i++) assert_memory_equal(&ys[i], &(double){ev_eval1_f64(&g, xs[i])}, 8);
    /* an operand at or after its vertex, an input elsewhere, a NaN constant: invalid */
    ev_prog h = g;
    h.arg[3][1] = 3;
    assert_false(ev_prog_valid(&h));
    h = g;
    h.kind[4] = EV_INPUT;
    assert_false(ev_prog_valid(&h));
    h = g;
    h.val[1] = NAN;
    assert_false(ev_prog_valid(&h));
}

static void test_mutations_keep_valid(void **state)
{
    (void)state;
    ev_prog g = hand_program();
    ua_rng r;
    ua_rng_seed(&r, 42);
    int kinds_seen[6] = {0};
    const char *names[6] = {"insert", "remove", "rewire", "change", "perturb", "square"};
    for (int i = 0; i < 20000; i++) {
        const char *what = ev_mutate(&g, EV_OPS_ALL, 30, &r);
        for (int k = 0; k < 6; k++) kinds_seen[k] += !strcmp(what, names[k]);
        assert_true(ev_prog_valid(&g)); /* acyclic: every operand before its vertex */
        assert_true(g.n >= 1 && g.n <= 30);
        /* compacted: every vertex but the input is used by a later one or is the output */
        for (int v = 1; v + 1 < g.n; v++) {
            int used = 0;
            for (int u = v + 1; u < g.n && !used; u++)
                for (int j = 0; j < ev_arity(g.kind[u]); j++) used |= g.arg[u][j] == v;
            assert_true(used);
        }
        if (i % 500 == 499) g = hand_program(); /* restart now and then, away from tiny graphs */
    }
    for (int k = 0; k < 6; k++) assert_true(kinds_seen[k] > 100);
    /* the vertex limit of the paper (100) holds with max_vertices 100 */
    for (int i = 0; i < 5000; i++) {
        ev_mutate(&g, EV_OPS_ALL, 100, &r);
        assert_true(ev_prog_valid(&g) && g.n <= EV_MAX_VERTICES);
    }
}

/* Points (error, cost): A(1,5) B(2,3) C(3,1) are the first front; D(2,5) (dominated by A) and
 * E(4,4) (by B) the second; F(5,6) the third. Crowding in the first front: A and C are
 * extremes (inf), B gets (3-1)/(3-1) + (5-1)/(5-1) = 2. In the second: D and E both extremes. */
static void test_nsga2_hand_set(void **state)
{
    (void)state;
    double f[] = {1, 5, 2, 3, 3, 1, 2, 5, 4, 4, 5, 6};
    int rank[6];
    double crowd[6];
    ev_nondominated_sort(f, 6, rank);
    int want[6] = {0, 0, 0, 1, 1, 2};
    for (int i = 0; i < 6; i++) assert_int_equal(rank[i], want[i]);
    ev_crowding(f, rank, 6, crowd);
    assert_true(isinf(crowd[0]) && isinf(crowd[2]));
    assert_true(crowd[1] == 2.0);
    assert_true(isinf(crowd[3]) && isinf(crowd[4]) && isinf(crowd[5]));
    size_t idx[4];
    ev_select(rank, crowd, 6, 4, idx);
    /* the first front whole (infinite crowding first, by index), then D (the first of rank 1) */
    assert_int_equal(idx[0], 0);
    assert_int_equal(idx[1], 2);
    assert_int_equal(idx[2], 1);
    assert_int_equal(idx[3], 3);
    /* a NaN error counts as +Inf: dominated by anything of equal or lower cost */
    double g[] = {NAN, 1, 1, 1};
    int rg[2];
    ev_nondominated_sort(g, 2, rg);
    assert_int_equal(rg[0], 1);
    assert_int_equal(rg[1], 0);
}

/* CMA-ES on a shifted ellipsoid reaches the minimum. */
static double ellipsoid(const double *p, void *ctx)
{
    (void)ctx;
    double s = 0;
    for (int i = 0; i < 5; i++) s += pow(10, i) * (p[i] - i) * (p[i] - i);
    return s;
}

static void test_cmaes(void **state)
{
    (void)state;
    double x[5] = {1, 1, 1, 1, 1}, sc[5] = {1, 1, 1, 1, 1};
    ua_rng r;
    ua_rng_seed(&r, 7);
    double best = ev_cmaes(ellipsoid, NULL, x, sc, 5, 1.0, 0, 20000, &r);
    ASSERT_LE(best, 1e-12);
    for (int i = 0; i < 5; i++) ASSERT_LE(fabs(x[i] - i), 1e-5);
}

/* The seed (no generations) against the minimax family at the same degree, both measured by the
 * engine against MPFR on the same 20000 points: relative error, 2^x on [0, 1], degree 5. The
 * seed's Remez runs in double on a grid, so it may trail the MPFR Remez by rounding: 1%. */
static void test_seed_vs_minimax(void **state)
{
    (void)state;
    static const char *const ev[] = {"generations", "0", "degree", "5", "operations",
                                     "add,sub,mul,div", NULL};
    static const char *const mm[] = {"degree", "5", "error", "rel", NULL};
    ua_status fs;
    ua_measurement re, rm;
    ua_model *e = tu_fit_measure_1d("evolve", "2^x", 0, 1, ev, &fs, &re);
    ua_model *m = tu_fit_measure_1d("minimax", "2^x", 0, 1, mm, &fs, &rm);
    print_message("seed %.6g, minimax %.6g (relative)\n", re.err.max_rel, rm.err.max_rel);
    ASSERT_LE(re.err.max_rel, rm.err.max_rel * 1.01);
    /* the seed costs 2 * 5 = 10 operations without fma */
    const ev_model *st = ua_model_state(e);
    assert_int_equal(st->front[st->chosen].ops, 10);
    ua_measurement_free(&re);
    ua_measurement_free(&rm);
    ua_model_free(e);
    ua_model_free(m);
}

/* A short float32 search on 2^x over [0, 1]: the chosen program is within 1 ULP at every float of
 * [0, 1], as the exhaustive checker measures it; the export (float and double) compiles without
 * warnings and equals predict bit for bit; save, load and the same predictions. */
static void test_float32_search(void **state)
{
    (void)state;
    static const char *const kv[] = {"precision", "float32", "generations", "3", "offspring", "4",
                                     "max-evals", "300", "exhaustive", "chosen", "seed", "3",
                                     NULL};
#ifdef __SANITIZE_ADDRESS__
    /* under the sanitizers (an unoptimised, instrumented checker) the 1.07e9 floats of [0, 1]
     * take many minutes: the 8.4e6 floats of [0.5, 1] there, the whole of [0, 1] in Release */
    const double lo = 0.5;
#else
    const double lo = 0;
#endif
    ua_problem *p = tu_formula_1d("2^x", lo, 1);
    ua_model *meta = NULL;
    void *st = NULL;
    ua_status s = tu_family_fit("evolve", p, kv, &meta, &st);
    assert_int_equal(s, UA_OK);
    const ev_model *m = st;
    const ev_member *c = &m->front[m->chosen];
    print_message("chosen: %d ops, latency %d, %.4f ULP (exhaustive %d), front of %zu\n", c->ops,
                  c->latency, c->err, c->verified, m->nfront);
    assert_true(c->verified);
    ASSERT_LE(c->err, 1.0);
    /* the front is sorted by cost, and no member dominates another */
    for (size_t i = 1; i < m->nfront; i++) assert_true(m->front[i].ops >= m->front[i - 1].ops);

    const ua_family *fam = ua_family_find("evolve");
    ua_compiled *cf, *cd;
    void *sf = tu_compile_export(fam, st, UA_EXPORT_FLOAT, "ev_f", &cf, NULL);
    void *sd = tu_compile_export(fam, st, UA_EXPORT_DOUBLE, "ev_d", &cd, NULL);
    float (*ff)(float);
    double (*fd)(double);
    memcpy(&ff, &sf, sizeof ff);
    memcpy(&fd, &sd, sizeof fd);
    for (int i = 0; i <= 20000; i++) {
        float x = (float)(lo + (1 - lo) * i / 20000.0);
        double y;
        assert_int_equal(fam->predict(st, &(double){x}, 1, &y), UA_OK);
        float yf = ff(x);
        double yd = fd((double)x);
        assert_memory_equal(&yd, &y, sizeof y);
        assert_true((double)yf == y);
    }
    assert_true(isnan(fd(1.5)) && isnan(ff(-0.25f)) && isnan(fd(NAN)));
    ua_compiled_free(cf);
    ua_compiled_free(cd);

    /* through the engine's model: save, load, predict */
    ua_model *wm = NULL;
    assert_int_equal(ua_model_wrap("evolve", st, "2^x", lo, 1, &wm), UA_OK);
    assert_int_equal(ua_model_save(wm, tu_path("e.safetensors")), UA_OK);
    ua_model *back = NULL;
    assert_int_equal(ua_model_load(tu_path("e.safetensors"), &back), UA_OK);
    double xs[101], y1[101], y2[101];
    for (int i = 0; i <= 100; i++) xs[i] = lo + (1 - lo) * i / 100.0;
    assert_int_equal(ua_model_predict(wm, xs, 101, y1), UA_OK);
    assert_int_equal(ua_model_predict(back, xs, 101, y2), UA_OK);
    assert_memory_equal(y1, y2, sizeof y1);
    ua_model_free(back);
    ua_model_free(wm);
    ua_model_free(meta);
    ua_problem_free(p);
}

/* A saved model with one tensor replaced, written back: load must refuse it (UA_EFORMAT). */
static ua_status load_modified(const char *src, const char *tensor, size_t elem, double value,
                               const char *key, const char *mval)
{
    ua_st *in = NULL, *out = NULL;
    assert_int_equal(ua_st_read(src, &in), UA_OK);
    assert_int_equal(ua_st_alloc(&out), UA_OK);
    for (size_t i = 0; i < ua_st_meta_count(in); i++) {
        const char *k, *v;
        ua_st_meta_at(in, i, &k, &v);
        assert_int_equal(ua_st_set_meta(out, k, key && !strcmp(k, key) ? mval : v), UA_OK);
    }
    for (size_t i = 0; i < ua_st_count(in); i++) {
        const char *name = ua_st_name(in, i);
        ua_dtype dt;
        size_t nd;
        const int64_t *shape;
        const void *data;
        assert_int_equal(ua_st_get(in, name, &dt, &nd, &shape, &data), UA_OK);
        size_t count = 1;
        for (size_t k = 0; k < nd; k++) count *= (size_t)shape[k];
        size_t bytes = count * ua_dtype_size(dt);
        unsigned char *copy = malloc(bytes ? bytes : 1);
        memcpy(copy, data, bytes);
        if (tensor && !strcmp(name, tensor)) {
            assert_true(elem < count);
            if (dt == UA_I32) ((int32_t *)copy)[elem] = (int32_t)value;
            else ((double *)copy)[elem] = value;
        }
        assert_int_equal(ua_st_add(out, name, dt, nd, shape, copy), UA_OK);
        free(copy);
    }
    const char *dst = tu_path("bad.safetensors");
    assert_int_equal(ua_st_write(out, dst), UA_OK);
    ua_st_free(in);
    ua_st_free(out);
    ua_model *m = NULL;
    ua_status s = ua_model_load(dst, &m);
    if (s == UA_OK) ua_model_free(m);
    return s;
}

static void test_load_rejects(void **state)
{
    (void)state;
    static const char *const kv[] = {"generations", "2", "offspring", "3", "max-evals", "200",
                                     "degree", "4", NULL};
    ua_status fs;
    ua_measurement r;
    ua_model *m = tu_fit_measure_1d("evolve", "exp(x)", 0, 1, kv, &fs, &r);
    ua_measurement_free(&r);
    const char *good = tu_path("good.safetensors");
    assert_int_equal(ua_model_save(m, good), UA_OK);
    ua_model_free(m);
    assert_int_equal(load_modified(good, NULL, 0, 0, NULL, NULL), UA_OK); /* the copy loads */
    /* vertex 0 of program 0 is the input; an operand at its own index; an unknown kind */
    assert_int_equal(load_modified(good, "front_nodes", 0, EV_CONST, NULL, NULL), UA_EFORMAT);
    assert_int_equal(load_modified(good, "front_nodes", 4 * 2 + 1, 2, NULL, NULL), UA_EFORMAT);
    assert_int_equal(load_modified(good, "front_nodes", 4 * 2, 99, NULL, NULL), UA_EFORMAT);
    assert_int_equal(load_modified(good, "front_nodes", 4 * 2 + 1, -1, NULL, NULL), UA_EFORMAT);
    /* a size that does not add up, one over the limit */
    assert_int_equal(load_modified(good, "front_sizes", 0, 1000, NULL, NULL), UA_EFORMAT);
    assert_int_equal(load_modified(good, "front_sizes", 0, 0, NULL, NULL), UA_EFORMAT);
    /* metrics that contradict the program (its op count), a negative error */
    assert_int_equal(load_modified(good, "front_metrics", 2, 77, NULL, NULL), UA_EFORMAT);
    assert_int_equal(load_modified(good, "front_metrics", 0, -1, NULL, NULL), UA_EFORMAT);
    /* a chosen index past the front, an unknown precision, a non-finite constant */
    assert_int_equal(load_modified(good, NULL, 0, 0, "evolve_chosen", "100000"), UA_EFORMAT);
    assert_int_equal(load_modified(good, NULL, 0, 0, "evolve_chosen", "-1"), UA_EFORMAT);
    assert_int_equal(load_modified(good, NULL, 0, 0, "evolve_precision", "half"), UA_EFORMAT);
    assert_int_equal(load_modified(good, "front_values", 1, NAN, NULL, NULL), UA_EFORMAT);
    /* a truncated file */
    size_t len = 0;
    char *bytes = tu_slurp(good, &len);
    FILE *f = fopen(tu_path("cut.safetensors"), "wb");
    assert_non_null(f);
    fwrite(bytes, 1, len / 2, f);
    fclose(f);
    free(bytes);
    ua_model *none = NULL;
    assert_int_equal(ua_model_load(tu_path("cut.safetensors"), &none), UA_EFORMAT);
    assert_null(none);
}

/* Option checks: an unknown operation, a list without multiply-add. */
static void test_bad_options(void **state)
{
    (void)state;
    ua_problem *p = tu_formula_1d("2^x", 0, 1);
    static const char *const a[] = {"operations", "add,pow", NULL};
    static const char *const b[] = {"operations", "add,sub", NULL};
    ua_model *meta;
    void *st;
    assert_int_equal(tu_family_fit("evolve", p, a, &meta, &st), UA_EINVAL);
    assert_non_null(strstr(ua_last_error(), "pow"));
    ua_model_free(meta);
    assert_int_equal(tu_family_fit("evolve", p, b, &meta, &st), UA_EINVAL);
    ua_model_free(meta);
    ua_problem_free(p);
    /* a target that vanishes inside the interval: relative error undefined there */
    ua_problem *q = tu_formula_1d("x - 0.5", 0, 1);
    static const char *const c[] = {"generations", "0", NULL};
    assert_int_equal(tu_family_fit("evolve", q, c, &meta, &st), UA_EDOMAIN);
    ua_model_free(meta);
    ua_problem_free(q);
}

/* The program as text: C's precedence, a vertex used twice named first, a right operand of
 * equal precedence in parentheses (float addition is not associative). Written by hand from
 * hand_program's vertices. */
static void test_program_text(void **state)
{
    (void)state;
    ev_prog g = hand_program();
    char buf[256];
    size_t n = ev_prog_text(&g, 17, buf, sizeof buf);
    assert_string_equal(buf, "v2 = x + 2; return fma(sqrt(v2 * v2) / 2 - x, 2, x)");
    assert_int_equal(n, strlen(buf));
    /* cut to a short buffer: terminated, the full length still returned */
    char small[8];
    assert_int_equal(ev_prog_text(&g, 17, small, sizeof small), n);
    assert_string_equal(small, "v2 = x ");
    /* x - (0.5 - x * x), and (x - 0.5) * 0.25 */
    ev_prog h;
    memset(&h, 0, sizeof h);
    h.n = 5;
    h.kind[1] = EV_CONST, h.val[1] = 0.5;
    h.kind[2] = EV_MUL, h.arg[2][0] = 0, h.arg[2][1] = 0;
    h.kind[3] = EV_SUB, h.arg[3][0] = 1, h.arg[3][1] = 2;
    h.kind[4] = EV_SUB, h.arg[4][0] = 0, h.arg[4][1] = 3;
    assert_true(ev_prog_valid(&h));
    ev_prog_text(&h, 9, buf, sizeof buf);
    assert_string_equal(buf, "return x - (0.5 - x * x)");
    h.kind[2] = EV_SUB, h.arg[2][0] = 0, h.arg[2][1] = 1;
    h.kind[3] = EV_CONST, h.val[3] = 0.25, h.arg[3][0] = h.arg[3][1] = 0;
    h.kind[4] = EV_MUL, h.arg[4][0] = 2, h.arg[4][1] = 3;
    assert_true(ev_prog_valid(&h));
    ev_prog_text(&h, 9, buf, sizeof buf);
    assert_string_equal(buf, "return (x - 0.5) * 0.25");
    /* the program y = x, and a constant program */
    h.n = 1;
    ev_prog_text(&h, 9, buf, sizeof buf);
    assert_string_equal(buf, "return x");
}

/* --max-vertices caps the seeds too (they used to enter the population whatever their size):
 * with 8 vertices the Horner seeds stop at degree 3 (x, 4 constants, 3 fma), every program of
 * the front fits, and the default tolerance (double) is that degree-3 seed's error, which must
 * match the minimax family's relative minimax polynomial of degree 3 (MPFR Remez) within 1%.
 * A --degree whose seed cannot fit is refused. */
static void test_max_vertices_caps_seeds(void **state)
{
    (void)state;
    static const char *const kv[] = {"generations", "1", "offspring", "3", "max-evals", "100",
                                     "max-vertices", "8", NULL};
    ua_problem *p = tu_formula_1d("exp(x)", 0, 1);
    ua_model *meta = NULL;
    void *st = NULL;
    assert_int_equal(tu_family_fit("evolve", p, kv, &meta, &st), UA_OK);
    const ev_model *m = st;
    int most_ops = 0;
    for (size_t i = 0; i < m->nfront; i++) {
        assert_true(m->front[i].prog.n <= 8);
        if (m->front[i].ops > most_ops) most_ops = m->front[i].ops;
    }
    assert_int_equal(most_ops, 3);
    static const char *const mm[] = {"degree", "3", "error", "rel", NULL};
    ua_status fs;
    ua_measurement rm;
    ua_model *mmod = tu_fit_measure_1d("minimax", "exp(x)", 0, 1, mm, &fs, &rm);
    print_message("tol (degree-3 seed) %.6g, minimax degree 3 %.6g\n", m->tol, rm.err.max_rel);
    ASSERT_LE(m->tol, rm.err.max_rel * 1.01);
    ASSERT_LE(rm.err.max_rel, m->tol * 1.01);
    ua_measurement_free(&rm);
    ua_model_free(mmod);
    ua_family_find("evolve")->free(st);
    ua_model_free(meta);
    static const char *const big[] = {"generations", "0", "max-vertices", "8", "degree", "6",
                                      NULL};
    assert_int_equal(tu_family_fit("evolve", p, big, &meta, &st), UA_EINVAL);
    assert_non_null(strstr(ua_last_error(), "--max-vertices 8"));
    assert_null(st);
    ua_model_free(meta);
    ua_problem_free(p);
}

/* The inner loop's point count is --train-points (fit's own --points sets the engine's
 * measurement and used to hide the family's option of the same name): no option of the family
 * is called points, and train-points sets the search sample: with 16 points the seed's sample
 * error (on those points) is below its error checked on 8 x 16 points. */
static void test_train_points_option(void **state)
{
    (void)state;
    const ua_family *fam = ua_family_find("evolve");
    int found = 0;
    for (size_t i = 0; i < fam->noptions; i++) {
        assert_string_not_equal(fam->options[i].name, "points");
        if (!strcmp(fam->options[i].name, "train-points")) {
            found = 1;
            assert_string_equal(fam->options[i].def, "1024"); /* the paper's 1024 points */
        }
    }
    assert_true(found);
    static const char *const kv[] = {"generations", "0", "train-points", "16", "degree", "4",
                                     NULL};
    ua_problem *p = tu_formula_1d("exp(x)", 0, 1);
    ua_model *meta = NULL;
    void *st = NULL;
    assert_int_equal(tu_family_fit("evolve", p, kv, &meta, &st), UA_OK);
    const ev_model *m = st;
    const ev_member *c = &m->front[m->chosen];
    print_message("degree-4 seed: %.6g on 16 points, %.6g checked\n", c->sample_err, c->err);
    assert_true(c->sample_err < c->err);
    fam->free(st);
    ua_model_free(meta);
    ua_problem_free(p);
}

/* sqrt(x) on [0, 1]: |x p(x) - sqrt(x)| / sqrt(x) -> 1 as x -> 0 for every polynomial p, so the
 * seed's relative error (the double default tolerance) is about 1 and means nothing: without
 * --tol the fit is not resolved and says so (it used to report "resolved" or chase a tolerance
 * of 0.99999 it could not meet). With --tol and no sqrt program (generations 0) it is the
 * ordinary "no program within the tolerance". exp(x) keeps its default (the seed's error). */
static void test_default_tol_without_yardstick(void **state)
{
    (void)state;
    static const char *const kv[] = {"generations", "0", "degree", "6", NULL};
    ua_problem *p = tu_formula_1d("sqrt(x)", 0, 1);
    ua_model *meta = NULL;
    void *st = NULL;
    assert_int_equal(tu_family_fit("evolve", p, kv, &meta, &st), UA_ENOTRESOLVED);
    const char *msg = ua_last_error();
    assert_non_null(strstr(msg, "no default tolerance"));
    assert_non_null(strstr(msg, "give --tol"));
    const ev_model *m = st;
    ASSERT_LE(0.5, m->tol); /* the seed's error, recorded, near 1 */
    ASSERT_LE(m->tol, 1.0);
    ua_family_find("evolve")->free(st);
    ua_model_free(meta);
    static const char *const kt[] = {"generations", "0", "degree", "6", "tol", "1e-3", NULL};
    assert_int_equal(tu_family_fit("evolve", p, kt, &meta, &st), UA_ENOTRESOLVED);
    assert_non_null(strstr(ua_last_error(), "within the tolerance"));
    ua_family_find("evolve")->free(st);
    ua_model_free(meta);
    ua_problem_free(p);
    ua_problem *q = tu_formula_1d("exp(x)", 0, 1);
    assert_int_equal(tu_family_fit("evolve", q, kv, &meta, &st), UA_OK);
    /* the degree-6 seed's relative error, 2.41e-8 measured (a minimax polynomial of degree 6
     * for e^x on [0, 1]: the ratio of consecutive degrees is about 1/13) */
    ASSERT_LE(((const ev_model *)st)->tol, 3e-8);
    ua_family_find("evolve")->free(st);
    ua_model_free(meta);
    ua_problem_free(q);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_eval_by_hand),    cmocka_unit_test(test_mutations_keep_valid),
        cmocka_unit_test(test_nsga2_hand_set),  cmocka_unit_test(test_cmaes),
        cmocka_unit_test(test_seed_vs_minimax), cmocka_unit_test(test_float32_search),
        cmocka_unit_test(test_load_rejects),    cmocka_unit_test(test_bad_options),
        cmocka_unit_test(test_program_text),    cmocka_unit_test(test_max_vertices_caps_seeds),
        cmocka_unit_test(test_train_points_option),
        cmocka_unit_test(test_default_tol_without_yardstick),
    };
    return cmocka_run_group_tests(tests, tu_scratch_setup, tu_scratch_teardown);
}
