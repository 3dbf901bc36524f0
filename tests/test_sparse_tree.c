/* The sparse family's fast paths against their definitions: the local grid's evaluation by
 * descent of the tree of supports (tree.c) and its incremental surpluses are bitwise the sums
 * over every point that define them; a loaded grid that is not closed under parents falls back
 * to that sum; an order-1 local grid reproduces a piecewise-multilinear function with kinks on its
 * nodes to rounding; the batched clenshaw-curtis evaluation is bitwise the per-point one, whose
 * 1-D Lagrange values are bitwise the barycentric formula evaluated level by level; and
 * anisotropic refinement (Tasmanian's setAnisotropicRefinement) needs fewer points than the
 * isotropic Smolyak grid of the same measured error on a function that varies mostly in x1. */
#define TU_SCRATCH_TAG "ua_test_sparse_tree"
#include <math.h>

#include "core/internal.h"
#include "model/family.h"
#include "sparse/internal.h"
#include "test_util.h"

static const double zeros[4] = { 0 }, ones[4] = { 1, 1, 1, 1 };

/* exp(-|x - 0.3| - |y - 0.6|) (1 + z): kinks off the dyadic nodes, so refinement goes deep. */
static double kinked(const double *x, void *ctx)
{
    (void)ctx;
    return exp(-fabs(x[0] - 0.3) - fabs(x[1] - 0.6)) * (1.0 + x[2]);
}

/* |x - 1/4| |y - 3/4| + 2 max(0, z - 1/2) + x y z: kinks on nodes of level 2 and 1, products of
 * levels summing to at most 4: in the span of the order-1 local grid of level 4 on [0, 1]^3. */
static double multilinear(const double *x, void *ctx)
{
    (void)ctx;
    return fabs(x[0] - 0.25) * fabs(x[1] - 0.75) + 2.0 * fmax(0.0, x[2] - 0.5) + x[0] * x[1] * x[2];
}

/* cos(6 x1 + 1) / (1 + 0.05 (x2 + x3 + x4)): strong in x1, weak in the others. */
static double mostly_x1(const double *x, void *ctx)
{
    (void)ctx;
    return cos(6.0 * x[0] + 1.0) / (1.0 + 0.05 * (x[1] + x[2] + x[3]));
}

static ua_problem *callback(ua_fnd f, size_t d)
{
    ua_problem *p = NULL;
    assert_int_equal(ua_problem_callback(f, NULL, d, zeros, ones, "test target", &p), UA_OK);
    return p;
}

static ua_sparse *fit(const ua_problem *p, const char *const *kv, ua_model **meta)
{
    void *state = NULL;
    ua_status s = tu_family_fit("sparse", p, kv, meta, &state);
    if (s != UA_OK && s != UA_ENOTRESOLVED) fail_msg("fit: status %d: %s", s, ua_last_error());
    return state;
}

/* The definition: sum over the points [0, np) in order of c_p prod_i phi_i(t_i). */
static double flat_sum(const ua_sparse *g, const double *t, size_t np)
{
    double sum = 0.0;
    for (size_t p = 0; p < np; p++) {
        double v = g->surplus[p];
        for (size_t i = 0; i < g->d && v != 0.0; i++)
            v *= ua_sparse_local_basis(g->node[p * g->d + i], g->order, t[i]);
        sum += v;
    }
    return sum;
}

/* n points of a Weyl sequence in [0, 1]^d (x) and their t in [-1, 1]^d. */
static void weyl(size_t n, size_t d, double *x)
{
    for (size_t r = 0; r < n; r++)
        for (size_t i = 0; i < d; i++)
            x[r * d + i] = fmod(0.5 + (double)(r + 1) * sqrt((double)(2 * i + 3)), 1.0);
}

/* Every surplus of a local fit is bitwise f(x_q) minus the sum over the points before q, and
 * every prediction bitwise the sum over every point, for the refinement types and orders. */
static void test_local_tree_is_the_sum(void **state)
{
    (void)state;
    ua_problem *p = callback(kinked, 3);
    const char *types[][2] = { { "classic", "1" }, { "fds", "2" }, { "parents_first", "1" } };
    for (size_t k = 0; k < 3; k++) {
        const char *kv[] = { "rule", "localp", "refinement", types[k][0], "order", types[k][1],
                             "tol", "1e-4", "max-evals", "3000", NULL };
        ua_model *meta;
        ua_sparse *g = fit(p, kv, &meta);
        assert_non_null(g->kid);
        assert_false(g->flat);
        assert_true(g->n > 1000);
        double t[3], x[3];
        size_t bad = 0;
        for (size_t q = 0; q < g->n; q++) {
            for (size_t i = 0; i < 3; i++) t[i] = ua_sparse_node_t(g->rule, g->node[q * 3 + i]);
            ua_sparse_point_x(g, q, x);
            if (g->surplus[q] != kinked(x, NULL) - flat_sum(g, t, q)) bad++;
        }
        assert_int_equal(bad, 0);
        enum { N = 2000 };
        double *xs = malloc(N * 3 * sizeof *xs), y[N];
        assert_non_null(xs);
        weyl(N, 3, xs);
        assert_int_equal(ua_sparse_predict(g, xs, N, y), UA_OK);
        for (size_t r = 0; r < N; r++) {
            ua_sparse_to_t(g, xs + r * 3, t);
            if (y[r] != flat_sum(g, t, g->n)) bad++;
        }
        assert_int_equal(bad, 0);
        /* the tree rebuilt from the points alone (a loaded model) gives the same */
        ua_sparse *h = NULL;
        assert_int_equal(ua_sparse_new(3, UA_SPARSE_LOCALP, g->order, g->lo, g->hi, &h), UA_OK);
        size_t cap = 0;
        assert_int_equal(ua_sparse_reserve(h, g->n, &cap), UA_OK);
        h->n = g->n;
        memcpy(h->node, g->node, g->n * 3 * sizeof *h->node);
        memcpy(h->surplus, g->surplus, g->n * sizeof *h->surplus);
        assert_int_equal(ua_sparse_tree_build(h), UA_OK);
        assert_false(h->flat);
        double yh[N];
        assert_int_equal(ua_sparse_predict(h, xs, N, yh), UA_OK);
        assert_memory_equal(y, yh, sizeof y);
        /* drop the root's first child in x: the set is no longer closed under parents, the
         * tree is refused and the evaluation is the sum over every point again */
        uint32_t one[3] = { 1, 0, 0 };
        for (size_t q = 0; q < h->n; q++)
            if (!memcmp(h->node + q * 3, one, sizeof one)) {
                memmove(h->node + q * 3, h->node + (q + 1) * 3, (h->n - q - 1) * 3 * sizeof *h->node);
                memmove(h->surplus + q, h->surplus + q + 1, (h->n - q - 1) * sizeof *h->surplus);
                h->n--;
                break;
            }
        assert_int_equal(h->n, g->n - 1);
        assert_int_equal(ua_sparse_tree_build(h), UA_OK);
        assert_true(h->flat);
        assert_null(h->kid);
        assert_int_equal(ua_sparse_predict(h, xs, N, yh), UA_OK);
        for (size_t r = 0; r < N; r++) {
            ua_sparse_to_t(h, xs + r * 3, t);
            if (yh[r] != flat_sum(h, t, h->n)) bad++;
        }
        assert_int_equal(bad, 0);
        print_message("localp %s order %s: %zu points, surpluses and %d predictions bitwise the "
                      "sums over every point\n", types[k][0], types[k][1], g->n, N);
        ua_sparse_free(h);
        free(xs);
        ua_sparse_free(g);
        ua_model_free(meta);
    }
    ua_problem_free(p);
}

/* The order-1 grid of level 4 in d = 3 reproduces a piecewise-multilinear function whose kinks
 * are its nodes: to rounding off the grid, exactly at the grid points. */
static void test_local_reproduces_multilinear(void **state)
{
    (void)state;
    ua_problem *p = callback(multilinear, 3);
    const char *kv[] = { "rule", "localp", "level", "4", "refinement", "none", "abs-tol", "1e300", NULL };
    ua_model *meta;
    ua_sparse *g = fit(p, kv, &meta);
    enum { N = 5000 };
    double *xs = malloc((N + g->n) * 3 * sizeof *xs), *y = malloc((N + g->n) * sizeof *y);
    assert_non_null(xs);
    assert_non_null(y);
    weyl(N, 3, xs);
    for (size_t q = 0; q < g->n; q++) ua_sparse_point_x(g, q, xs + (N + q) * 3);
    assert_int_equal(ua_sparse_predict(g, xs, N + g->n, y), UA_OK);
    double worst = 0.0, at_nodes = 0.0;
    for (size_t r = 0; r < N + g->n; r++) {
        double e = fabs(y[r] - multilinear(xs + r * 3, NULL));
        if (r < N) worst = fmax(worst, e);
        else at_nodes = fmax(at_nodes, e);
    }
    print_message("level-4 localp grid (%zu points) on a multilinear target: max error %.3g off "
                  "the grid, %.3g at its points\n", g->n, worst, at_nodes);
    ASSERT_LE(worst, 16 * 0x1p-52 * 3.0); /* max |f| < 3 */
    ASSERT_LE(at_nodes, 16 * 0x1p-52 * 3.0);
    free(xs);
    free(y);
    ua_sparse_free(g);
    ua_model_free(meta);
    ua_problem_free(p);
}

/* The barycentric formula level by level, dividing at every node (the definition). */
static void cc_values_direct(double t, int maxl, double *v)
{
    v[0] = 1.0;
    for (int l = 1; l <= maxl; l++) {
        const double *tk = ua_sparse_cc_level_nodes(l);
        size_t M = (size_t)1 << l, hit = SIZE_MAX;
        double S = 0.0;
        for (size_t k = 0; k <= M; k++) {
            double diff = t - tk[k];
            if (fabs(diff) < 0x1p-960) {
                hit = k;
                break;
            }
            double w = (k & 1) ? -1.0 : 1.0;
            if (k == 0 || k == M) w *= 0.5;
            S += w / diff;
        }
        size_t step = l == 1 ? M : 2, k0 = l == 1 ? 0 : 1;
        for (size_t k = k0, j = 0; k <= M; k += step, j++) {
            double w = (k & 1) ? -1.0 : 1.0;
            if (k == 0 || k == M) w *= 0.5;
            v[ua_sparse_first_id(l) + j] = hit != SIZE_MAX ? (k == hit ? 1.0 : 0.0) : w / (t - tk[k]) / S;
        }
    }
}

/* clenshaw-curtis: the 1-D values bitwise the direct formula (at nodes too), and the batched
 * predict bitwise the per-point evaluation. */
static void test_cc_batch_is_pointwise(void **state)
{
    (void)state;
    enum { L = 9 };
    double v[(1 << L) + 1], w[(1 << L) + 1];
    for (int r = 0; r < 600; r++) {
        /* Weyl points, then every node of level 5 and the ends */
        double t = r < 500 ? 2.0 * fmod((r + 1) * 0.6180339887498949, 1.0) - 1.0
                 : r < 533 ? ua_sparse_cc_level_nodes(5)[r - 500] : (r & 1 ? -1.0 : 1.0);
        ua_sparse_cc_values(t, L, v);
        cc_values_direct(t, L, w);
        assert_memory_equal(v, w, sizeof v);
    }
    ua_problem *p = callback(mostly_x1, 4);
    const char *kv[] = { "tol", "1e-7", NULL };
    ua_model *meta;
    ua_sparse *g = fit(p, kv, &meta);
    enum { N = 777 }; /* not a multiple of the batch */
    double *xs = malloc(N * 4 * sizeof *xs), y[N], one;
    assert_non_null(xs);
    weyl(N, 4, xs);
    xs[0] = 7.0; /* outside the box: NaN */
    assert_int_equal(ua_sparse_predict(g, xs, N, y), UA_OK);
    assert_true(isnan(y[0]));
    for (size_t r = 1; r < N; r++) {
        assert_int_equal(ua_sparse_predict(g, xs + r * 4, 1, &one), UA_OK);
        assert_memory_equal(&one, y + r, sizeof one);
    }
    print_message("clenshaw-curtis, %zu points in %zu blocks: %d batched predictions bitwise the "
                  "per-point ones\n", g->n, g->nblocks, N);
    free(xs);
    ua_sparse_free(g);
    ua_model_free(meta);
    ua_problem_free(p);
}

static double max_error(const ua_sparse *g, size_t n)
{
    double *xs = malloc(n * 4 * sizeof *xs), *y = malloc(n * sizeof *y), worst = 0.0;
    assert_non_null(xs);
    assert_non_null(y);
    weyl(n, 4, xs);
    assert_int_equal(ua_sparse_predict(g, xs, n, y), UA_OK);
    for (size_t r = 0; r < n; r++) worst = fmax(worst, fabs(y[r] - mostly_x1(xs + r * 4, NULL)));
    free(xs);
    free(y);
    return worst;
}

/* Anisotropic refinement (iptotal) on cos(6 x1 + 1) / (1 + 0.05 (x2 + x3 + x4)): the weights
 * see the slow decay in x1, and the grid reaches a measured error with fewer points than the
 * smallest isotropic Smolyak grid that measures as accurate. */
static void test_anisotropic_vs_isotropic(void **state)
{
    (void)state;
    ua_problem *p = callback(mostly_x1, 4);
    const char *kv[] = { "refinement", "anisotropic", "tol", "1e-6", NULL };
    ua_model *meta;
    ua_sparse *g = fit(p, kv, &meta);
    assert_true(g->resolved);
    double err = max_error(g, 20000);
    ASSERT_LE(err, 1e-6);
    /* more levels in x1 than in any other direction */
    for (size_t i = 1; i < 4; i++) assert_true(g->maxlevel[0] > g->maxlevel[i]);
    size_t iso = 0;
    double iso_err = NAN;
    for (int L = 1; L <= 8 && !iso; L++) {
        char lv[8];
        snprintf(lv, sizeof lv, "%d", L);
        const char *ki[] = { "level", lv, "refinement", "none", "abs-tol", "1e300", NULL };
        ua_model *mi;
        ua_sparse *gi = fit(p, ki, &mi);
        double e = max_error(gi, 20000);
        if (e <= err) iso = gi->n, iso_err = e;
        ua_sparse_free(gi);
        ua_model_free(mi);
    }
    print_message("mostly x1, d = 4, tol 1e-6: anisotropic %zu points (max level %d %d %d %d), "
                  "measured %.3g; the first isotropic grid as accurate has %zu points (%.3g)\n",
                  g->n, g->maxlevel[0], g->maxlevel[1], g->maxlevel[2], g->maxlevel[3], err, iso,
                  iso_err);
    assert_true(iso > 0);
    assert_true(g->n < iso);
    /* iphyperbolic also resolves it; and the options are refused where they mean nothing */
    const char *kh[] = { "refinement", "anisotropic", "anisotropic-type", "iphyperbolic", "tol",
                         "1e-4", NULL };
    ua_model *mh;
    ua_sparse *gh = fit(p, kh, &mh);
    assert_true(gh->resolved);
    ASSERT_LE(max_error(gh, 20000), 1e-4);
    ua_sparse_free(gh);
    ua_model_free(mh);
    const char *bad1[] = { "anisotropic-type", "iptotal", NULL };
    const char *bad2[] = { "rule", "localp", "refinement", "anisotropic", NULL };
    ua_model *mb = NULL;
    void *st = NULL;
    assert_int_equal(tu_family_fit("sparse", p, bad1, &mb, &st), UA_EINVAL);
    ua_model_free(mb);
    mb = NULL;
    assert_int_equal(tu_family_fit("sparse", p, bad2, &mb, &st), UA_EINVAL);
    ua_model_free(mb);
    ua_sparse_free(g);
    ua_model_free(meta);
    ua_problem_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_local_tree_is_the_sum),
        cmocka_unit_test(test_local_reproduces_multilinear),
        cmocka_unit_test(test_cc_batch_is_pointwise),
        cmocka_unit_test(test_anisotropic_vs_isotropic),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
