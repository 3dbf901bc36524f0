/*
 * tests/fuzz/fuzz_graphs.c — the graph data-set reader (ua_graphs_read, uniapprox/graphs.h): the
 * input is a JSON-lines file. A set that reads must pass ua_graphs_check, copy, be written with
 * ua_graphs_write and read back with the same sizes and bitwise-equal arrays, and make a GRAPHS
 * problem (ua_problem_read_graphs) with itself as the test set when it has targets.
 */
#include "uniapprox/graphs.h"
#include "uniapprox/problem.h"
#include "fuzz_util.h"

static int same(const ua_graphs *a, const ua_graphs *b)
{
    if (a->ngraphs != b->ngraphs || a->nnodes != b->nnodes || a->nedges != b->nedges ||
        a->node_dim != b->node_dim || a->edge_dim != b->edge_dim || a->level != b->level ||
        a->ny != b->ny || a->nclasses != b->nclasses)
        return 0;
    size_t rows = a->level == UA_GRAPH_LEVEL_GRAPH ? a->ngraphs : a->nnodes;
    return !memcmp(a->node_off, b->node_off, (a->ngraphs + 1) * sizeof *a->node_off) &&
           !memcmp(a->edge_off, b->edge_off, (a->ngraphs + 1) * sizeof *a->edge_off) &&
           (!a->nedges || (!memcmp(a->src, b->src, a->nedges * sizeof *a->src) &&
                           !memcmp(a->dst, b->dst, a->nedges * sizeof *a->dst))) &&
           !memcmp(a->x, b->x, a->nnodes * a->node_dim * sizeof *a->x) &&
           (!a->edge_dim || !a->nedges ||
            !memcmp(a->e, b->e, a->nedges * a->edge_dim * sizeof *a->e)) &&
           (!a->ny || !memcmp(a->y, b->y, rows * a->ny * sizeof *a->y));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[512], back[512];
    fz_write("graphs.jsonl", data, size, path, sizeof path);
    ua_graphs *g = NULL;
    if (ua_graphs_read(path, &g) != UA_OK) {
        if (g) abort(); /* a failed read must leave *out NULL */
        return 0;
    }
    if (ua_graphs_check(g, "fuzz") != UA_OK) abort(); /* the reader checks as much */
    ua_graphs *c = NULL;
    if (ua_graphs_copy(g, &c) != UA_OK || !same(g, c)) abort();
    ua_graphs_free(c);
    fz_write("back.jsonl", "", 0, back, sizeof back);
    if (ua_graphs_write(back, g) != UA_OK) abort();
    ua_graphs *r = NULL;
    if (ua_graphs_read(back, &r) != UA_OK || !same(g, r)) abort(); /* written bitwise */
    ua_graphs_free(r);
    if (g->ny) {
        ua_problem *p = NULL;
        if (ua_problem_read_graphs(path, path, &p) != UA_OK) abort();
        ua_problem_free(p);
    }
    ua_graphs_free(g);
    return 0;
}
