/* GRAPHS problems (uniapprox/problem.h): a checked deep copy of a training set of graphs and an
 * optional test set, or both read from JSON-lines files (uniapprox/graphs.h, docs/graph.md). */
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "internal.h"

/* A test set is measured by the model of the training set: same widths, level and targets (a
 * held-out set without targets measures nothing). */
static ua_status check_test(const ua_graphs *tr, const ua_graphs *te)
{
    if (te->node_dim != tr->node_dim || (te->edge_dim != tr->edge_dim && te->nedges))
        return UA_ERR(UA_EINVAL, "the test graphs have node_dim %zu and edge_dim %zu, the "
                      "training graphs %zu and %zu", te->node_dim, te->edge_dim, tr->node_dim,
                      tr->edge_dim);
    if (te->level != tr->level)
        return UA_ERR(UA_EINVAL, "the test graphs have %s targets, the training graphs %s targets",
                      te->level == UA_GRAPH_LEVEL_NODE ? "node" : "graph",
                      tr->level == UA_GRAPH_LEVEL_NODE ? "node" : "graph");
    if (te->ny != tr->ny)
        return UA_ERR(UA_EINVAL, "the test graphs have %zu target columns, the training graphs "
                      "%zu", te->ny, tr->ny);
    if ((te->nclasses == 0) != (tr->nclasses == 0) || te->nclasses > tr->nclasses)
        return UA_ERR(UA_EINVAL, "the test graphs have %zu classes, the training graphs %zu (0: "
                      "a regression)", te->nclasses, tr->nclasses);
    return UA_OK;
}

/* The problem around train and test (NULL: none), checked; takes ownership of both sets, even
 * on failure. */
static ua_status adopt(ua_graphs *train, ua_graphs *test, const char *desc, ua_problem **out)
{
    ua_status s = UA_OK;
    if (train->ny == 0)
        s = UA_ERR(UA_EINVAL, "%s%sthe training graphs have no targets (\"y\" or \"y_node\")",
                   desc, *desc ? ": " : "");
    if (!s && test) s = check_test(train, test);
    if (!s && test && test->edge_dim != train->edge_dim) {
        /* a test set without any edge cannot tell its edge width: it takes the training set's */
        free(test->e);
        test->e = NULL;
        test->edge_dim = train->edge_dim;
        if (test->edge_dim && !(test->e = calloc(1, sizeof *test->e)))
            s = UA_ENOMEM_ERR(sizeof *test->e);
    }
    ua_problem *p = s ? NULL : calloc(1, sizeof *p);
    if (!s && !p) s = UA_ENOMEM_ERR(sizeof *p);
    if (s) {
        ua_graphs_free(train);
        ua_graphs_free(test);
        return s;
    }
    p->kind = UA_PROBLEM_GRAPHS;
    p->d = train->node_dim;
    p->k = train->nclasses ? 0 : train->ny;
    p->graphs = train;
    p->tgraphs = test;
    p->n = train->ngraphs;
    p->tn = test ? test->ngraphs : 0;
    if (!(p->desc = ua_strdup(desc))) s = UA_ENOMEM_ERR(strlen(desc) + 1);
    if (!s) s = ua_problem_decide_sampling(p, UA_SAMPLE_PREC_AUTO); /* "none" */
    if (s) {
        ua_problem_free(p);
        return s;
    }
    *out = p;
    return UA_OK;
}

ua_status ua_problem_graphs(const ua_graphs *train, const ua_graphs *test, ua_problem **out)
{
    if (!out) return UA_ERR(UA_EINVAL, "ua_problem_graphs: out is NULL");
    *out = NULL;
    if (!train) return UA_ERR(UA_EINVAL, "ua_problem_graphs: the training set is NULL");
    ua_status s = ua_graphs_check(train, "training graphs");
    if (!s && test) s = ua_graphs_check(test, "test graphs");
    if (s) return s;
    ua_graphs *tr = NULL, *te = NULL;
    if ((s = ua_graphs_copy(train, &tr))) return s;
    if (test && (s = ua_graphs_copy(test, &te))) {
        ua_graphs_free(tr);
        return s;
    }
    return adopt(tr, te, "", out);
}

ua_status ua_problem_read_graphs(const char *train, const char *test, ua_problem **out)
{
    if (!out) return UA_ERR(UA_EINVAL, "ua_problem_read_graphs: out is NULL");
    *out = NULL;
    if (!train) return UA_ERR(UA_EINVAL, "no graphs: give a training file");
    ua_graphs *tr = NULL, *te = NULL;
    ua_status s = ua_graphs_read(train, &tr);
    if (!s && test && (s = ua_graphs_read(test, &te))) {
        ua_graphs_free(tr);
        return s;
    }
    if (s) return s;
    if (te && (s = check_test(tr, te))) {
        char msg[1024];
        ua_last_error_message(msg, sizeof msg);
        ua_graphs_free(tr);
        ua_graphs_free(te);
        return UA_ERR(s, "%s and %s: %s", train, test, msg);
    }
    return adopt(tr, te, train, out);
}

const ua_graphs *ua_problem_graphs_data(const ua_problem *p, int test)
{
    if (!p || p->kind != UA_PROBLEM_GRAPHS) return NULL;
    return test ? p->tgraphs : p->graphs;
}
