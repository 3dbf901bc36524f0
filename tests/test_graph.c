/* The graph family through the engine (ua_fit, ua_model_measure, save / load,
 * ua_model_predict_graphs) on sets built here, whose targets are known exactly: graph-level
 * counts (nodes and undirected edges: sum pooling of GINE states reaches them), node-level classes
 * (a node's degree), and the refusals: graphs of other feature widths, options that contradict
 * each other, corrupted model files, export. */
#define TU_SCRATCH_TAG "ua_test_graph"
#include <math.h>

#include "test_util.h"

/* n graphs of 4..11 nodes: a ring plus chords (i, i + 2) at every third node, both directions
 * stored; node feature 1; targets per level: graph (nodes, undirected edges), or node class
 * (degree 2 or more). */
static ua_graphs *ring_set(size_t n, uint64_t seed, ua_graph_level level)
{
    size_t *sz = malloc(n * sizeof *sz), N = 0, E = 0;
    assert_non_null(sz);
    for (size_t i = 0; i < n; i++) {
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        sz[i] = 4 + (size_t)(seed >> 33) % 8;
        N += sz[i];
        E += 2 * (sz[i] + (sz[i] + 2) / 3);
    }
    ua_graphs *g;
    int node = level == UA_GRAPH_LEVEL_NODE;
    assert_int_equal(ua_graphs_alloc(n, N, E, 1, 0, level, node ? 1 : 2, node ? 2 : 0, &g), UA_OK);
    size_t v = 0, e = 0;
    for (size_t i = 0; i < n; i++) {
        size_t m = sz[i], e0 = e;
        g->node_off[i] = v;
        g->edge_off[i] = e;
        int *deg = calloc(m, sizeof *deg);
        assert_non_null(deg);
        for (size_t a = 0; a < m; a++) {
            size_t pairs[2][2] = { { a, (a + 1) % m }, { a, (a + 2) % m } };
            for (int k = 0; k < (a % 3 == 0 ? 2 : 1); k++) {
                size_t p = pairs[k][0], q = pairs[k][1];
                g->src[e] = (int32_t)(v + p);
                g->dst[e++] = (int32_t)(v + q);
                g->src[e] = (int32_t)(v + q);
                g->dst[e++] = (int32_t)(v + p);
                deg[p]++;
                deg[q]++;
            }
        }
        for (size_t a = 0; a < m; a++) {
            g->x[v + a] = 1;
            if (node) g->y[v + a] = deg[a] > 2;
        }
        if (!node) {
            g->y[2 * i] = (double)m;
            g->y[2 * i + 1] = (double)(e - e0) / 2;
        }
        free(deg);
        v += m;
    }
    g->node_off[n] = v;
    g->edge_off[n] = e;
    g->nnodes = v;
    g->nedges = e;
    free(sz);
    assert_int_equal(ua_graphs_check(g, "ring_set"), UA_OK);
    return g;
}

static ua_options *graph_options(const char *const *kv)
{
    ua_options *o;
    assert_int_equal(ua_family_options("graph", &o), UA_OK);
    for (; kv && kv[0]; kv += 2)
        if (ua_options_set(o, kv[0], kv[1])) fail_msg("--%s %s: %s", kv[0], kv[1], ua_last_error());
    return o;
}

static ua_model *fit(const ua_graphs *tr, const ua_graphs *te, const char *const *kv)
{
    ua_problem *p;
    assert_int_equal(ua_problem_graphs(tr, te, &p), UA_OK);
    ua_options *o = graph_options(kv);
    ua_model *m = NULL;
    ua_status s = ua_fit(p, "graph", o, NULL, &m);
    if (s) fail_msg("fit: %s", ua_last_error());
    ua_measurement r;
    assert_int_equal(ua_model_measure(m, p, NULL, &r), UA_OK);
    ua_measurement_free(&r);
    ua_options_free(o);
    ua_problem_free(p);
    return m;
}

static double meta_num(const ua_model *m, const char *key)
{
    const char *v = ua_model_meta(m, key);
    if (!v) fail_msg("metadata %s missing", key);
    return strtod(v, NULL);
}

/* Graph-level counts: the test MAE of the node and edge counts (sizes 4..11) is a small fraction
 * of a node; the saved model predicts the same bits. */
static void test_counts(void **state)
{
    (void)state;
    ua_graphs *tr = ring_set(96, 1, UA_GRAPH_LEVEL_GRAPH), *te = ring_set(32, 2, UA_GRAPH_LEVEL_GRAPH);
    static const char *const kv[] = { "pe", "none", "dim-hidden", "32", "layers", "2", "epochs",
                                      "120", "lr", "0.003", "threads", "1", NULL };
    ua_model *m = fit(tr, te, kv);
    double mae = meta_num(m, "test_mae"), rel = meta_num(m, "test_mae_rel");
    print_message("counts: train MAE %.3g, test MAE %.3g (%.3g of the mean count)\n",
                  meta_num(m, "train_mae"), mae, rel);
    /* against the MAE of predicting the training mean of each count */
    double mu[2] = { 0, 0 }, base = 0;
    for (size_t i = 0; i < tr->ngraphs * 2; i++) mu[i % 2] += tr->y[i] / (double)tr->ngraphs;
    for (size_t i = 0; i < te->ngraphs * 2; i++) base += fabs(te->y[i] - mu[i % 2]) / (double)(te->ngraphs * 2);
    print_message("counts: predicting the mean scores MAE %.3g\n", base);
    ASSERT_LE(mae, 0.5);
    ASSERT_LE(mae, 0.2 * base);
    double *y1, *y2;
    size_t k1, k2;
    int c1, c2;
    assert_int_equal(ua_model_predict_graphs(m, te, &y1, &k1, &c1), UA_OK);
    assert_int_equal(k1, 2);
    assert_false(c1);
    assert_int_equal(ua_model_save(m, tu_path("counts.safetensors")), UA_OK);
    ua_model *back;
    assert_int_equal(ua_model_load(tu_path("counts.safetensors"), &back), UA_OK);
    assert_int_equal(ua_model_predict_graphs(back, te, &y2, &k2, &c2), UA_OK);
    assert_memory_equal(y1, y2, te->ngraphs * 2 * sizeof *y1);
    /* a graph model takes no rows of numbers, and is not exported as C */
    double x = 0, y;
    assert_int_equal(ua_model_predict(back, &x, 1, &y), UA_EUNSUPPORTED);
    assert_int_equal(ua_model_export_c(back, UA_EXPORT_DOUBLE, "f", tu_path("g.c")), UA_EUNSUPPORTED);
    assert_non_null(strstr(ua_last_error(), "--graphs"));
    free(y1);
    free(y2);
    ua_model_free(back);
    ua_model_free(m);
    ua_graphs_free(tr);
    ua_graphs_free(te);
}

/* Node-level classes (degree 2 or more than 2): right on every test node. */
static void test_node_classes(void **state)
{
    (void)state;
    ua_graphs *tr = ring_set(64, 3, UA_GRAPH_LEVEL_NODE), *te = ring_set(16, 4, UA_GRAPH_LEVEL_NODE);
    static const char *const kv[] = { "pe", "none", "dim-hidden", "16", "layers", "1", "epochs",
                                      "40", "lr", "0.003", "attention", "none", NULL };
    ua_model *m = fit(tr, te, kv);
    double acc = meta_num(m, "test_accuracy");
    print_message("node classes: test accuracy %.4f\n", acc);
    ASSERT_LE(0.999, acc);
    double *y;
    size_t k;
    int c;
    assert_int_equal(ua_model_predict_graphs(m, te, &y, &k, &c), UA_OK);
    assert_int_equal(k, 2);
    assert_true(c);
    for (size_t r = 0; r < te->nnodes; r++) ASSERT_LE(fabs(y[2 * r] + y[2 * r + 1] - 1), 1e-12);
    free(y);
    ua_model_free(m);
    ua_graphs_free(tr);
    ua_graphs_free(te);
}

/* Refusals with a message: contradicting options, graphs of other widths, a corrupted file. */
static void test_refusals(void **state)
{
    (void)state;
    ua_graphs *tr = ring_set(8, 5, UA_GRAPH_LEVEL_GRAPH);
    ua_problem *p;
    assert_int_equal(ua_problem_graphs(tr, NULL, &p), UA_OK);
    struct {
        const char *const kv[8];
        const char *msg;
    } bad[] = {
        { { "pe", "rwse", "pe-dim", "16", "dim-hidden", "16", NULL }, "--pe-dim 16 must be below" },
        { { "dim-hidden", "30", "heads", "4", NULL }, "not a multiple of --heads" },
        { { "mpnn", "none", "attention", "none", NULL }, "nothing to do" },
        { { "loss", "cross_entropy", NULL }, "does not fit real targets" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ua_options *o = graph_options(bad[i].kv);
        ua_model *m = (ua_model *)1;
        assert_int_equal(ua_fit(p, "graph", o, NULL, &m), UA_EINVAL);
        assert_null(m);
        if (!strstr(ua_last_error(), bad[i].msg)) fail_msg("case %zu: %s", i, ua_last_error());
        ua_options_free(o);
    }
    static const char *const kv[] = { "pe", "none", "dim-hidden", "8", "heads", "2", "layers",
                                      "1", "epochs", "2", NULL };
    ua_options *o = graph_options(kv);
    ua_model *m;
    assert_int_equal(ua_fit(p, "graph", o, NULL, &m), UA_OK);
    ua_options_free(o);
    /* other node features */
    ua_graphs *two;
    assert_int_equal(ua_graphs_alloc(1, 2, 0, 2, 0, UA_GRAPH_LEVEL_GRAPH, 0, 0, &two), UA_OK);
    two->node_off[1] = 2;
    double *y = (double *)1;
    size_t k;
    int c;
    assert_int_equal(ua_model_predict_graphs(m, two, &y, &k, &c), UA_EINVAL);
    assert_null(y);
    assert_non_null(strstr(ua_last_error(), "node and 0 edge features"));
    ua_graphs_free(two);
    /* a saved model whose tensor is not finite, or whose metadata lies, is refused */
    assert_int_equal(ua_model_save(m, tu_path("m.safetensors")), UA_OK);
    ua_st *st;
    assert_int_equal(ua_st_read(tu_path("m.safetensors"), &st), UA_OK);
    const void *data;
    assert_int_equal(ua_st_get(st, "head.2.bias", NULL, NULL, NULL, &data), UA_OK);
    ((float *)data)[0] = NAN;
    assert_int_equal(ua_st_write(st, tu_path("nan.safetensors")), UA_OK);
    ua_model *back = (ua_model *)1;
    assert_int_equal(ua_model_load(tu_path("nan.safetensors"), &back), UA_EFORMAT);
    assert_non_null(strstr(ua_last_error(), "head.2.bias"));
    ((float *)data)[0] = 0;
    assert_int_equal(ua_st_set_meta(st, "graph_width", "9"), UA_OK);
    assert_int_equal(ua_st_write(st, tu_path("w.safetensors")), UA_OK);
    assert_int_equal(ua_model_load(tu_path("w.safetensors"), &back), UA_EFORMAT);
    assert_int_equal(ua_st_set_meta(st, "graph_width", "99999999999999999999"), UA_OK);
    assert_int_equal(ua_st_write(st, tu_path("w.safetensors")), UA_OK);
    assert_int_equal(ua_model_load(tu_path("w.safetensors"), &back), UA_EFORMAT);
    ua_st_free(st);
    ua_model_free(m);
    ua_problem_free(p);
    ua_graphs_free(tr);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_counts),
        cmocka_unit_test(test_node_classes),
        cmocka_unit_test(test_refusals),
    };
    return cmocka_run_group_tests(tests, tu_scratch_setup, tu_scratch_teardown);
}
