/* Graph data sets (uniapprox/graphs.h) and GRAPHS problems (uniapprox/problem.h): the JSON-lines
 * reader against hand-written files whose contents are known, a write/read round trip that must
 * be bitwise, the checks of untrusted input (each bad file names its line and field), and the
 * problem's copies and accessors. */
#define TU_SCRATCH_TAG "ua_test_graph_data"
#include "test_util.h"

#include <math.h>

/* Writes text to the scratch file name and returns its path (static storage: one at a time). */
static const char *put(const char *name, const char *text)
{
    const char *p = tu_path(name);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
    return p;
}

/* Reads text as a set, expecting success. */
static ua_graphs *read_ok(const char *text)
{
    ua_graphs *g = NULL;
    ua_status s = ua_graphs_read(put("ok.jsonl", text), &g);
    if (s) fail_msg("unexpected error: %s", ua_last_error());
    return g;
}

/* Reads text expecting status want and a message containing each of the NULL-terminated
 * fragments. */
static void read_bad(const char *text, ua_status want, ...)
{
    ua_graphs *g = (ua_graphs *)1;
    ua_status s = ua_graphs_read(put("bad.jsonl", text), &g);
    if (s != want) fail_msg("status %d, expected %d (%s) for: %s", s, want, ua_last_error(), text);
    assert_null(g);
    const char *msg = ua_last_error();
    assert_non_null(strstr(msg, "bad.jsonl"));
    va_list ap;
    va_start(ap, want);
    for (const char *frag; (frag = va_arg(ap, const char *));)
        if (!strstr(msg, frag)) fail_msg("message '%s' lacks '%s'", msg, frag);
    va_end(ap);
}

/* Two graphs: a triangle with 2-D node features, 1-D edge features and a graph target, and a
 * single node without edges. */
static const char two_graphs[] =
    "{\"x\": [[1, 2], [3, 4], [5, 6]], \"edge_index\": [[0, 1, 2], [1, 2, 0]],"
    " \"edge_attr\": [0.5, 1.5, 2.5], \"y\": 7.25}\n"
    "\n"
    "{\"x\": [[-1, 0.125]], \"edge_index\": [[], []], \"edge_attr\": [], \"y\": [-3]}\n";

static void test_read_known(void **state)
{
    (void)state;
    ua_graphs *g = read_ok(two_graphs);
    assert_int_equal(g->ngraphs, 2);
    assert_int_equal(g->nnodes, 4);
    assert_int_equal(g->nedges, 3);
    assert_int_equal(g->node_dim, 2);
    assert_int_equal(g->edge_dim, 1);
    assert_int_equal(g->ny, 1);
    assert_int_equal(g->nclasses, 0);
    assert_int_equal(g->level, UA_GRAPH_LEVEL_GRAPH);
    const size_t noff[] = { 0, 3, 4 }, eoff[] = { 0, 3, 3 };
    for (int i = 0; i < 3; i++) {
        assert_int_equal(g->node_off[i], noff[i]);
        assert_int_equal(g->edge_off[i], eoff[i]);
    }
    const int32_t src[] = { 0, 1, 2 }, dst[] = { 1, 2, 0 };
    for (int i = 0; i < 3; i++) {
        assert_int_equal(g->src[i], src[i]);
        assert_int_equal(g->dst[i], dst[i]);
        assert_true(g->e[i] == 0.5 + i);
    }
    const double x[] = { 1, 2, 3, 4, 5, 6, -1, 0.125 };
    for (int i = 0; i < 8; i++) assert_true(g->x[i] == x[i]);
    assert_true(g->y[0] == 7.25 && g->y[1] == -3);
    assert_int_equal(ua_graphs_check(g, "t"), UA_OK);
    ua_graphs_free(g);
}

/* Global indices: the second graph's edges point at its own nodes, offset by the first's. */
static void test_read_offsets_and_node_targets(void **state)
{
    (void)state;
    ua_graphs *g = read_ok(
        "{\"format\": \"uniapprox-graphs\", \"nclasses\": 3}\n"
        "{\"num_nodes\": 2, \"edge_index\": [[0, 1], [1, 0]], \"y_node\": [0, 2]}\n"
        "{\"num_nodes\": 3, \"edge_index\": [[2, 0], [0, 1]], \"y_node\": [[1], [1], [0]]}\n");
    assert_int_equal(g->ngraphs, 2);
    assert_int_equal(g->nnodes, 5);
    assert_int_equal(g->node_dim, 1);
    assert_int_equal(g->edge_dim, 0);
    assert_null(g->e);
    assert_int_equal(g->nclasses, 3);
    assert_int_equal(g->level, UA_GRAPH_LEVEL_NODE);
    for (size_t i = 0; i < 5; i++) assert_true(g->x[i] == 1.0); /* the column of ones */
    assert_int_equal(g->src[2], 4);
    assert_int_equal(g->dst[2], 2);
    assert_int_equal(g->src[3], 2);
    assert_int_equal(g->dst[3], 3);
    const double y[] = { 0, 2, 1, 1, 0 };
    for (int i = 0; i < 5; i++) assert_true(g->y[i] == y[i]);
    ua_graphs_free(g);
}

/* A set with awkward values: write, read back, compare every array bitwise. */
static void test_roundtrip_bitwise(void **state)
{
    (void)state;
    ua_graphs *g = NULL;
    assert_int_equal(ua_graphs_alloc(3, 7, 6, 2, 3, UA_GRAPH_LEVEL_NODE, 2, 0, &g), UA_OK);
    const size_t noff[] = { 0, 2, 3, 7 }, eoff[] = { 0, 2, 2, 6 };
    memcpy(g->node_off, noff, sizeof noff);
    memcpy(g->edge_off, eoff, sizeof eoff);
    const int32_t src[] = { 0, 1, 3, 4, 5, 6 }, dst[] = { 1, 0, 4, 5, 6, 3 };
    memcpy(g->src, src, sizeof src);
    memcpy(g->dst, dst, sizeof dst);
    for (size_t i = 0; i < 14; i++) g->x[i] = (i % 3 ? 0.1 : -1e-300) * (double)(i + 1) / 3.0;
    for (size_t i = 0; i < 18; i++) g->e[i] = nextafter(1.0 / (double)(i + 1), 2.0);
    for (size_t i = 0; i < 14; i++) g->y[i] = i % 2 ? 4.9e-324 * (double)i : 1.7976931348623157e308;
    g->x[5] = -0.0;
    assert_int_equal(ua_graphs_check(g, "t"), UA_OK);
    const char *p = tu_path("rt.jsonl");
    assert_int_equal(ua_graphs_write(p, g), UA_OK);
    ua_graphs *h = NULL;
    assert_int_equal(ua_graphs_read(p, &h), UA_OK);
    assert_int_equal(h->ngraphs, 3);
    assert_int_equal(h->nnodes, 7);
    assert_int_equal(h->nedges, 6);
    assert_int_equal(h->edge_dim, 3);
    assert_int_equal(h->ny, 2);
    assert_int_equal(h->level, UA_GRAPH_LEVEL_NODE);
    assert_memory_equal(h->node_off, g->node_off, sizeof noff);
    assert_memory_equal(h->edge_off, g->edge_off, sizeof eoff);
    assert_memory_equal(h->src, g->src, sizeof src);
    assert_memory_equal(h->dst, g->dst, sizeof dst);
    assert_memory_equal(h->x, g->x, 14 * sizeof(double));
    assert_memory_equal(h->e, g->e, 18 * sizeof(double));
    assert_memory_equal(h->y, g->y, 14 * sizeof(double));
    ua_graphs_free(h);
    ua_graphs_free(g);
}

/* Every malformed file is refused with its line and field named. */
static void test_untrusted_input(void **state)
{
    (void)state;
    read_bad("", UA_EFORMAT, "no graphs", NULL);
    read_bad("\n  \n", UA_EFORMAT, "no graphs", NULL);
    read_bad("{\"x\": [[1]]\n", UA_EFORMAT, "line 1", "not valid JSON", NULL);
    read_bad("[1, 2]\n", UA_EFORMAT, "line 1", "JSON object", NULL);
    read_bad("{\"x\": [[1]], \"y\": 1}}\n", UA_EFORMAT, "line 1", "text after", NULL);
    read_bad("{\"x\": [[1]], \"y\": 1} {\"x\": [[1]], \"y\": 1}\n", UA_EFORMAT, "line 1",
             "text after", NULL);
    read_bad("{\"x\": [[1]], \"edge_index\": [[0], [1]], \"y\": 1}\n", UA_EFORMAT, "line 1",
             "'edge_index'", "index 1", "1 nodes", NULL);
    read_bad("{\"x\": [[1]], \"y\": 1}\n{\"x\": [[1], [2]], \"edge_index\": [[0], [-1]], \"y\": 1}\n",
             UA_EFORMAT, "line 2", "'edge_index'", "index -1", NULL);
    read_bad("{\"x\": [[1], [2]], \"edge_index\": [[0.5], [1]], \"y\": 1}\n", UA_EFORMAT,
             "'edge_index'", "not an integer", NULL);
    read_bad("{\"x\": [[1], [2]], \"edge_index\": [[0, 1], [1]], \"y\": 1}\n", UA_EFORMAT,
             "'edge_index'", "2 sources but 1 targets", NULL);
    read_bad("{\"x\": [[1], [2]], \"edge_index\": [[0, 1], [1, 0], [0, 0]], \"y\": 1}\n",
             UA_EFORMAT, "'edge_index'", "two lists", NULL);
    read_bad("{\"x\": [[1, 2], [3]], \"y\": 1}\n", UA_EFORMAT, "line 1", "'x'", "node 1", NULL);
    read_bad("{\"x\": [[1, 2]], \"y\": 1}\n{\"x\": [[1, 2, 3]], \"y\": 1}\n", UA_EFORMAT,
             "line 2", "'x'", "3 values", NULL);
    read_bad("{\"x\": [[1e999]], \"y\": 1}\n", UA_EFORMAT, "'x'", "not finite", NULL);
    read_bad("{\"x\": [[\"a\"]], \"y\": 1}\n", UA_EFORMAT, "'x'", "not a number", NULL);
    read_bad("{\"x\": [], \"y\": 1}\n", UA_EFORMAT, "'x'", "at least one", NULL);
    read_bad("{\"y\": 1}\n", UA_EFORMAT, "'num_nodes'", NULL);
    read_bad("{\"num_nodes\": 0, \"y\": 1}\n", UA_EFORMAT, "'num_nodes'", "expected 1", NULL);
    read_bad("{\"num_nodes\": 1e300, \"y\": 1}\n", UA_EFORMAT, "'num_nodes'", NULL);
    read_bad("{\"num_nodes\": 3, \"x\": [[1]], \"y\": 1}\n", UA_EFORMAT, "'num_nodes'", NULL);
    read_bad("{\"x\": [[1]], \"edge_atr\": [], \"y\": 1}\n", UA_EFORMAT, "'edge_atr'",
             "unknown field", NULL);
    read_bad("{\"x\": [[1]], \"y\": 1, \"y\": 2}\n", UA_EFORMAT, "'y'", "twice", NULL);
    read_bad("{\"x\": [[1]], \"y\": 1}\n{\"x\": [[1]], \"y_node\": [1]}\n", UA_EFORMAT, "line 2",
             "'y_node'", "line 1", NULL);
    read_bad("{\"x\": [[1]], \"y\": 1}\n{\"x\": [[1]]}\n", UA_EFORMAT, "line 2", "no targets",
             NULL);
    read_bad("{\"x\": [[1]], \"y_node\": [1, 2]}\n", UA_EFORMAT, "'y_node'", "1 node", NULL);
    read_bad("{\"x\": [[1], [2]], \"edge_index\": [[0], [1]], \"edge_attr\": [1, 2], \"y\": 1}\n",
             UA_EFORMAT, "'edge_attr'", "2 rows for 1 edges", NULL);
    read_bad("{\"x\": [[1], [2]], \"edge_index\": [[0], [1]], \"edge_attr\": [[1]], \"y\": 1}\n"
             "{\"x\": [[1], [2]], \"edge_index\": [[0], [1]], \"y\": 1}\n",
             UA_EFORMAT, "line 2", "'edge_attr'", "missing", NULL);
    /* class labels */
    read_bad("{\"format\": \"uniapprox-graphs\", \"nclasses\": 3}\n{\"x\": [[1]], \"y\": 3}\n",
             UA_EFORMAT, "line 2", "'y'", "not a class label", NULL);
    read_bad("{\"format\": \"uniapprox-graphs\", \"nclasses\": 3}\n{\"x\": [[1]], \"y\": 1.5}\n",
             UA_EFORMAT, "line 2", "'y'", "1.5", NULL);
    read_bad("{\"format\": \"uniapprox-graphs\", \"nclasses\": 3}\n{\"x\": [[1]], \"y\": [1, 2]}\n",
             UA_EFORMAT, "line 2", "one label", NULL);
    read_bad("{\"format\": \"uniapprox-graphs\", \"nclasses\": 1}\n", UA_EFORMAT, "'nclasses'",
             NULL);
    read_bad("{\"format\": \"other\"}\n", UA_EFORMAT, "'format'", NULL);
    read_bad("{\"x\": [[1]], \"y\": 1}\n{\"format\": \"uniapprox-graphs\", \"nclasses\": 2}\n",
             UA_EFORMAT, "line 2", "first line", NULL);
    read_bad("{\"format\": \"uniapprox-graphs\", \"nclasses\": 2}\n", UA_EFORMAT, "no graphs",
             NULL);
    /* a NUL byte */
    {
        const char *p = tu_path("bad.jsonl");
        FILE *f = fopen(p, "wb");
        assert_non_null(f);
        fwrite("{\"x\": [[1]]\0, \"y\": 1}\n", 1, 22, f);
        fclose(f);
        ua_graphs *g = NULL;
        assert_int_equal(ua_graphs_read(p, &g), UA_EFORMAT);
        assert_non_null(strstr(ua_last_error(), "NUL"));
    }
    ua_graphs *g = NULL;
    assert_int_equal(ua_graphs_read(tu_path("missing.jsonl"), &g), UA_EINVAL);
    assert_non_null(strstr(ua_last_error(), "missing.jsonl"));
}

/* Deep nesting and huge counts stay cheap: the reader refuses them without allocating them. */
static void test_hostile_sizes(void **state)
{
    (void)state;
    /* an index beyond int32 in a graph of many declared nodes */
    read_bad("{\"num_nodes\": 3000000000, \"y\": 1}\n", UA_EFORMAT, "'num_nodes'", "at most",
             NULL);
    /* nesting beyond cJSON's limit is malformed, not a crash */
    size_t depth = 5000;
    char *deep = malloc(2 * depth + 32);
    assert_non_null(deep);
    size_t n = 0;
    n += (size_t)sprintf(deep, "{\"x\": ");
    for (size_t i = 0; i < depth; i++) deep[n++] = '[';
    for (size_t i = 0; i < depth; i++) deep[n++] = ']';
    strcpy(deep + n, "}\n");
    read_bad(deep, UA_EFORMAT, "line 1", NULL);
    free(deep);
    /* a line beyond the limit is refused while it is read */
    const char *p = tu_path("bad.jsonl");
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs("{\"x\": [[1]], \"y\": 1}\n{\"x\": [", f);
    for (size_t i = 0; i < UA_GRAPHS_MAX_LINE / 4 + 1; i++) fputs("[0],", f);
    fputs("[0]], \"y\": 1}\n", f);
    assert_int_equal(fclose(f), 0);
    ua_graphs *g = NULL;
    assert_int_equal(ua_graphs_read(p, &g), UA_EFORMAT);
    assert_non_null(strstr(ua_last_error(), "line 2 is longer than"));
}

/* ua_graphs_check on sets built in memory. */
static void test_check(void **state)
{
    (void)state;
    ua_graphs *g = read_ok(two_graphs);
    g->dst[1] = 3; /* into the second graph */
    assert_int_equal(ua_graphs_check(g, "mem"), UA_EINVAL);
    assert_non_null(strstr(ua_last_error(), "graph 0, edge 1: dst 3 is outside the graph"));
    g->dst[1] = 2;
    g->x[3] = NAN;
    assert_int_equal(ua_graphs_check(g, "mem"), UA_EINVAL);
    assert_non_null(strstr(ua_last_error(), "node 1, field 'x', column 1"));
    g->x[3] = 4;
    g->node_off[1] = 4; /* the second graph would be empty */
    assert_int_equal(ua_graphs_check(g, "mem"), UA_EINVAL);
    assert_non_null(strstr(ua_last_error(), "graph 1"));
    g->node_off[1] = 3;
    g->nclasses = 8; /* y = 7.25 is no class */
    assert_int_equal(ua_graphs_check(g, "mem"), UA_EINVAL);
    assert_non_null(strstr(ua_last_error(), "7.25"));
    g->nclasses = 0;
    assert_int_equal(ua_graphs_check(g, "mem"), UA_OK);
    ua_graphs_free(g);
    assert_int_equal(ua_graphs_alloc(0, 1, 0, 1, 0, UA_GRAPH_LEVEL_GRAPH, 1, 0, &g), UA_EINVAL);
    assert_int_equal(ua_graphs_alloc(2, 1, 0, 1, 0, UA_GRAPH_LEVEL_GRAPH, 1, 0, &g), UA_EINVAL);
    assert_int_equal(ua_graphs_alloc(1, 1, 0, 1, 0, UA_GRAPH_LEVEL_GRAPH, 2, 5, &g), UA_EINVAL);
    assert_int_equal(ua_graphs_alloc(1, (size_t)1 << 40, 0, 1, 0, UA_GRAPH_LEVEL_GRAPH, 1, 0, &g),
                     UA_EINVAL);
    assert_null(g);
}

/* The GRAPHS problem: deep copies (the caller's set may be freed), accessors, test set checks. */
static void test_problem(void **state)
{
    (void)state;
    ua_graphs *tr = read_ok(two_graphs);
    ua_graphs *te = read_ok("{\"x\": [[2, 2], [1, 1]], \"edge_index\": [[0, 1], [1, 0]],"
                            " \"edge_attr\": [[1], [1]], \"y\": 0}\n");
    ua_problem *p = NULL;
    assert_int_equal(ua_problem_graphs(tr, te, &p), UA_OK);
    assert_int_equal(ua_problem_kind_of(p), UA_PROBLEM_GRAPHS);
    assert_string_equal(ua_problem_kind_name(UA_PROBLEM_GRAPHS), "graphs");
    assert_int_equal(ua_problem_dim(p), 2);
    assert_int_equal(ua_problem_outputs(p), 1);
    assert_string_equal(ua_problem_reference(p), "none");
    const ua_graphs *a = ua_problem_graphs_data(p, 0), *b = ua_problem_graphs_data(p, 1);
    assert_non_null(a);
    assert_non_null(b);
    assert_ptr_not_equal(a, tr);
    assert_ptr_not_equal(a->x, tr->x);
    assert_int_equal(a->nnodes, 4);
    assert_int_equal(b->nnodes, 2);
    double x0 = tr->x[0];
    tr->x[0] = 99; /* the problem holds its own copy */
    assert_true(a->x[0] == x0);
    ua_problem_free(p);

    assert_int_equal(ua_problem_graphs(tr, NULL, &p), UA_OK);
    assert_null(ua_problem_graphs_data(p, 1));
    ua_problem_free(p);

    /* a test set of another width */
    ua_graphs *te3 = read_ok("{\"x\": [[2, 2, 2]], \"y\": 0}\n");
    assert_int_equal(ua_problem_graphs(tr, te3, &p), UA_EINVAL);
    assert_null(p);
    assert_non_null(strstr(ua_last_error(), "node_dim 3"));
    ua_graphs_free(te3);
    /* a test set without edges takes the training set's edge width */
    ua_graphs *te0 = read_ok("{\"x\": [[2, 2]], \"y\": 0.5}\n");
    assert_int_equal(te0->edge_dim, 0);
    assert_int_equal(ua_problem_graphs(tr, te0, &p), UA_OK);
    assert_int_equal(ua_problem_graphs_data(p, 1)->edge_dim, 1);
    ua_problem_free(p);
    ua_graphs_free(te0);
    /* node targets against graph targets */
    ua_graphs *ten = read_ok("{\"x\": [[2, 2]], \"y_node\": [0]}\n");
    assert_int_equal(ua_problem_graphs(tr, ten, &p), UA_EINVAL);
    assert_non_null(strstr(ua_last_error(), "node targets"));
    ua_graphs_free(ten);
    /* no targets */
    ua_graphs *nt = read_ok("{\"x\": [[2, 2]]}\n");
    assert_int_equal(nt->ny, 0);
    assert_null(nt->y);
    assert_int_equal(ua_problem_graphs(nt, NULL, &p), UA_EINVAL);
    assert_non_null(strstr(ua_last_error(), "no targets"));
    ua_graphs_free(nt);

    /* another kind has no graphs */
    double x[2] = { 0, 1 }, y[2] = { 1, 2 };
    assert_int_equal(ua_problem_samples(x, y, 2, 1, 1, &p), UA_OK);
    assert_null(ua_problem_graphs_data(p, 0));
    ua_problem_free(p);
    ua_graphs_free(tr);
    ua_graphs_free(te);
}

/* ua_problem_read_graphs: files, the description, and errors naming both files. */
static void test_problem_read(void **state)
{
    (void)state;
    char tr[TU_PATH_MAX], te[TU_PATH_MAX];
    snprintf(tr, sizeof tr, "%s", put("train.jsonl",
             "{\"format\": \"uniapprox-graphs\", \"nclasses\": 4}\n"
             "{\"num_nodes\": 2, \"edge_index\": [[0, 1], [1, 0]], \"y\": 3}\n"));
    snprintf(te, sizeof te, "%s", put("test.jsonl",
             "{\"format\": \"uniapprox-graphs\", \"nclasses\": 2}\n"
             "{\"num_nodes\": 1, \"y\": 1}\n"));
    ua_problem *p = NULL;
    assert_int_equal(ua_problem_read_graphs(tr, te, &p), UA_OK);
    assert_string_equal(ua_problem_describe(p), tr);
    assert_int_equal(ua_problem_outputs(p), 0); /* classes */
    assert_int_equal(ua_problem_graphs_data(p, 0)->nclasses, 4);
    ua_problem_free(p);
    snprintf(te, sizeof te, "%s", put("test.jsonl", "{\"num_nodes\": 1, \"y\": 1.5}\n"));
    assert_int_equal(ua_problem_read_graphs(tr, te, &p), UA_EINVAL);
    assert_non_null(strstr(ua_last_error(), "test.jsonl"));
    assert_non_null(strstr(ua_last_error(), "classes"));
    snprintf(te, sizeof te, "%s", put("test.jsonl", "{\"num_nodes\": 1, \"y\": [1, 2]}}\n"));
    assert_int_equal(ua_problem_read_graphs(tr, te, &p), UA_EFORMAT);
    assert_non_null(strstr(ua_last_error(), "test.jsonl: line 1"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_read_known),
        cmocka_unit_test(test_read_offsets_and_node_targets),
        cmocka_unit_test(test_roundtrip_bitwise),
        cmocka_unit_test(test_untrusted_input),
        cmocka_unit_test(test_hostile_sizes),
        cmocka_unit_test(test_check),
        cmocka_unit_test(test_problem),
        cmocka_unit_test(test_problem_read),
    };
    return cmocka_run_group_tests(tests, tu_scratch_setup, tu_scratch_teardown);
}
