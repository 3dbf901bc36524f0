/* The generated graph tasks (src/graph/tasks.h) and the cycle counter behind their targets,
 * checked independently: cycle counts against closed forms (complete graphs, the Petersen graph,
 * cycles), against the trace formulas of Harary & Manvel (triangles tr(A^3)/6; 4-cycles
 * (tr(A^4) - 2m - 2 sum d(d-1)) / 8; 5-cycles (tr(A^5) - 5 tr(A^3) - 5 sum (d_i - 2)(A^3)_ii) /
 * 10) and against a brute force over vertex subsets with a Held-Karp count of Hamiltonian cycles;
 * CSL's structure (41 nodes, 4-regular, 15 graphs per class, relabelled) and its classes told
 * apart by the random-walk encoding; the molecule targets recomputed from the written features
 * by the documented formula. */
#include "test_util.h"

#include <math.h>

#include "graph/encode.h"
#include "graph/tasks.h"

/* Adjacency bitmasks of graph gi (underlying simple undirected graph); returns n. */
static size_t adjacency(const ua_graphs *g, size_t gi, uint64_t *adj)
{
    size_t a = g->node_off[gi], n = g->node_off[gi + 1] - a;
    assert_true(n <= 64);
    memset(adj, 0, 64 * sizeof *adj);
    for (size_t j = g->edge_off[gi]; j < g->edge_off[gi + 1]; j++) {
        size_t u = (size_t)g->src[j] - a, v = (size_t)g->dst[j] - a;
        if (u == v) continue;
        adj[u] |= (uint64_t)1 << v;
        adj[v] |= (uint64_t)1 << u;
    }
    return n;
}

/* Simple k-cycles by brute force: every k-subset of nodes in which each node has two neighbours,
 * the Hamiltonian cycles of its induced subgraph counted by Held-Karp (paths from the subset's
 * first node, closed back to it, halved for the two directions). */
static double brute_cycles(const uint64_t *adj, size_t n, size_t k)
{
    double total = 0;
    if (k > n) return 0;
    uint64_t last = (uint64_t)1 << n;
    for (uint64_t S = ((uint64_t)1 << k) - 1; S < last;) {
        int ok = 1;
        for (uint64_t f = S; f && ok; f &= f - 1) ok = __builtin_popcountll(adj[__builtin_ctzll(f)] & S) >= 2;
        if (ok) {
            int node[8], m = 0;
            for (uint64_t f = S; f; f &= f - 1) node[m++] = __builtin_ctzll(f);
            double dp[1 << 8][8];
            memset(dp, 0, sizeof dp);
            dp[1][0] = 1;
            for (int mask = 1; mask < (1 << m); mask++)
                for (int v = 0; v < m; v++) {
                    if (!dp[mask][v]) continue;
                    for (int w = 1; w < m; w++)
                        if (!(mask >> w & 1) && (adj[node[v]] >> node[w] & 1))
                            dp[mask | 1 << w][w] += dp[mask][v];
                }
            double c = 0;
            for (int v = 1; v < m; v++)
                if (adj[node[v]] >> node[0] & 1) c += dp[(1 << m) - 1][v];
            total += c / 2;
        }
        uint64_t lo = S & -S, r = S + lo; /* the next subset of k nodes (Gosper) */
        S = (((r ^ S) >> 2) / lo) | r;
    }
    return total;
}

/* Triangles, 4-cycles and 5-cycles from traces of powers of A (n <= 64). */
static void trace_cycles(const uint64_t *adj, size_t n, double *c)
{
    double *A = calloc(n * n, sizeof *A), *A2 = calloc(n * n, sizeof *A2),
           *A3 = calloc(n * n, sizeof *A3), *A4 = calloc(n * n, sizeof *A4);
    assert_true(A && A2 && A3 && A4);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) A[i * n + j] = (double)(adj[i] >> j & 1);
    double *pw[3] = { A2, A3, A4 };
    const double *prev = A;
    for (int p = 0; p < 3; p++) {
        for (size_t i = 0; i < n; i++)
            for (size_t j = 0; j < n; j++) {
                double s = 0;
                for (size_t m = 0; m < n; m++) s += prev[i * n + m] * A[m * n + j];
                pw[p][i * n + j] = s;
            }
        prev = pw[p];
    }
    double t3 = 0, t4 = 0, t5 = 0, sdd = 0, m2 = 0, s5 = 0;
    for (size_t i = 0; i < n; i++) {
        double d = __builtin_popcountll(adj[i]), a5 = 0;
        for (size_t m = 0; m < n; m++) a5 += A4[i * n + m] * A[m * n + i];
        t3 += A3[i * n + i];
        t4 += A4[i * n + i];
        t5 += a5;
        sdd += d * (d - 1);
        m2 += d;
        s5 += (d - 2) * A3[i * n + i];
    }
    c[0] = t3 / 6;
    c[1] = (t4 - m2 - 2 * sdd) / 8;
    c[2] = (t5 - 5 * t3 - 5 * s5) / 10;
    free(A);
    free(A2);
    free(A3);
    free(A4);
}

/* A set of one graph from undirected edges (pairs). */
static ua_graphs *one_graph(size_t n, const int *pairs, size_t m)
{
    ua_graphs *g = NULL;
    assert_int_equal(ua_graphs_alloc(1, n, 2 * m, 1, 0, UA_GRAPH_LEVEL_GRAPH, 0, 0, &g), UA_OK);
    g->node_off[1] = n;
    g->edge_off[1] = 2 * m;
    for (size_t k = 0; k < m; k++) {
        g->src[2 * k] = g->dst[2 * k + 1] = pairs[2 * k];
        g->dst[2 * k] = g->src[2 * k + 1] = pairs[2 * k + 1];
    }
    return g;
}

static void test_count_known_graphs(void **state)
{
    (void)state;
    int pairs[2 * 64];
    size_t m = 0;
    for (int i = 0; i < 7; i++) /* K_7: C(7, L) (L - 1)! / 2 cycles of length L */
        for (int j = i + 1; j < 7; j++) {
            pairs[2 * m] = i;
            pairs[2 * m++ + 1] = j;
        }
    ua_graphs *g = one_graph(7, pairs, m);
    double c[6];
    assert_int_equal(ua_graph_count_cycles(g, 0, 8, c), UA_OK);
    const double k7[] = { 35, 105, 252, 420, 360 };
    for (int l = 0; l < 5; l++) assert_true(c[l] == k7[l]);
    assert_true(c[5] == 0);
    ua_graphs_free(g);
    /* Petersen: outer 5-cycle, inner pentagram, spokes: girth 5, 12 pentagons, 10 hexagons,
     * no 7-cycles, 15 8-cycles */
    m = 0;
    for (int i = 0; i < 5; i++) {
        int e[3][2] = { { i, (i + 1) % 5 }, { 5 + i, 5 + (i + 2) % 5 }, { i, 5 + i } };
        for (int k = 0; k < 3; k++) {
            pairs[2 * m] = e[k][0];
            pairs[2 * m++ + 1] = e[k][1];
        }
    }
    g = one_graph(10, pairs, m);
    assert_int_equal(ua_graph_count_cycles(g, 0, 8, c), UA_OK);
    const double pet[] = { 0, 0, 12, 10, 0, 15 };
    for (int l = 0; l < 6; l++) assert_true(c[l] == pet[l]);
    ua_graphs_free(g);
    /* errors */
    g = one_graph(10, pairs, m);
    assert_int_equal(ua_graph_count_cycles(g, 0, 2, c), UA_EINVAL);
    assert_int_equal(ua_graph_count_cycles(g, 0, 9, c), UA_EINVAL);
    assert_int_equal(ua_graph_count_cycles(g, 1, 5, c), UA_EINVAL);
    ua_graphs_free(g);
}

static void test_csl(void **state)
{
    (void)state;
    ua_graphs *g = NULL;
    assert_int_equal(ua_graph_task("csl", 0, 7, &g), UA_OK);
    assert_int_equal(g->ngraphs, 150);
    assert_int_equal(g->nclasses, 10);
    assert_int_equal(g->node_dim, 1);
    assert_int_equal(g->edge_dim, 0);
    assert_int_equal(g->ny, 1);
    assert_int_equal(ua_graphs_check(g, "csl"), UA_OK);
    size_t per[10] = { 0 };
    for (size_t k = 0; k < 150; k++) {
        per[(size_t)g->y[k]]++;
        assert_int_equal(g->node_off[k + 1] - g->node_off[k], 41);
        assert_int_equal(g->edge_off[k + 1] - g->edge_off[k], 164);
        uint64_t adj[64];
        size_t n = adjacency(g, k, adj);
        for (size_t v = 0; v < n; v++) assert_int_equal(__builtin_popcountll(adj[v]), 4);
        double c[3];
        assert_int_equal(ua_graph_count_cycles(g, k, 3, c), UA_OK);
        /* C_41(1, 2) has 41 triangles (i, i+1, i+2); no other skip makes any */
        assert_true(c[0] == (g->y[k] == 0 ? 41 : 0));
    }
    for (int c = 0; c < 10; c++) assert_int_equal(per[c], 15);
    for (size_t i = 0; i < g->nnodes; i++) assert_true(g->x[i] == 1.0);
    /* relabelled: two graphs of one class differ as edge lists */
    assert_true(memcmp(g->dst, g->dst + 10 * 164, 164 * sizeof *g->dst) != 0);
    /* RWSE tells the classes apart: within a class every node of every graph has the same
     * return probabilities (circulant graphs are vertex-transitive), across classes they
     * differ by at least 1e-4 at some k <= 16 */
    const size_t K = 16;
    double *rw = calloc(g->nnodes * K, sizeof *rw);
    assert_int_equal(ua_graph_rwse(g, K, rw), UA_OK);
    for (size_t i = 0; i < g->nnodes; i++) {
        size_t cls = (size_t)g->y[i / 41], ref = cls * 41; /* graph cls is the first of its class */
        for (size_t k = 0; k < K; k++) ASSERT_LE(fabs(rw[i * K + k] - rw[ref * K + k]), 1e-14);
    }
    for (size_t a = 0; a < 10; a++)
        for (size_t b = a + 1; b < 10; b++) {
            double diff = 0;
            for (size_t k = 0; k < K; k++) diff = fmax(diff, fabs(rw[a * 41 * K + k] - rw[b * 41 * K + k]));
            if (!(diff >= 1e-4)) fail_msg("CSL classes %zu and %zu: RWSE differs by %g only", a, b, diff);
        }
    free(rw);
    /* deterministic for a seed */
    ua_graphs *h = NULL;
    assert_int_equal(ua_graph_task("csl", 0, 7, &h), UA_OK);
    assert_memory_equal(h->dst, g->dst, g->nedges * sizeof *g->dst);
    ua_graphs_free(h);
    assert_int_equal(ua_graph_task("csl", 0, 8, &h), UA_OK);
    assert_true(memcmp(h->dst, g->dst, g->nedges * sizeof *g->dst) != 0);
    ua_graphs_free(h);
    ua_graphs_free(g);
}

static void test_cycles(void **state)
{
    (void)state;
    ua_graphs *g = NULL;
    assert_int_equal(ua_graph_task("cycles", 400, 3, &g), UA_OK);
    assert_int_equal(g->ngraphs, 400);
    assert_int_equal(g->ny, 3);
    assert_int_equal(g->nclasses, 0);
    assert_int_equal(ua_graphs_check(g, "cycles"), UA_OK);
    double sum[3] = { 0 };
    for (size_t k = 0; k < g->ngraphs; k++) {
        uint64_t adj[64];
        size_t n = adjacency(g, k, adj);
        assert_true(n >= 10 && n <= 20);
        double c[3];
        trace_cycles(adj, n, c);
        for (int l = 0; l < 3; l++) {
            if (g->y[k * 3 + l] != c[l])
                fail_msg("graph %zu: %d-cycles %.17g, trace formula %.17g", k, l + 3,
                         g->y[k * 3 + l], c[l]);
            sum[l] += c[l];
        }
        if (k < 40)
            for (int l = 0; l < 3; l++) assert_true(g->y[k * 3 + l] == brute_cycles(adj, n, (size_t)l + 3));
    }
    /* not a degenerate set: every kind of cycle occurs */
    for (int l = 0; l < 3; l++) assert_true(sum[l] > 400);
    ua_graphs_free(g);
}

static void test_molecule(void **state)
{
    (void)state;
    static const double alpha[] = UA_GRAPH_MOL_ALPHA, beta[] = UA_GRAPH_MOL_BETA,
                        gam[] = UA_GRAPH_MOL_GAMMA, rho[] = UA_GRAPH_MOL_RHO;
    ua_graphs *g = NULL;
    assert_int_equal(ua_graph_task("molecule", 150, 11, &g), UA_OK);
    assert_int_equal(g->node_dim, 4);
    assert_int_equal(g->edge_dim, 3);
    assert_int_equal(g->ny, 1);
    assert_int_equal(ua_graphs_check(g, "molecule"), UA_OK);
    size_t rings = 0;
    for (size_t k = 0; k < g->ngraphs; k++) {
        size_t a = g->node_off[k], n = g->node_off[k + 1] - a;
        assert_true(n >= 6 && n <= 24);
        uint64_t adj[64];
        adjacency(g, k, adj);
        double y = 0;
        int type[24];
        for (size_t v = 0; v < n; v++) {
            const double *x = g->x + (a + v) * 4;
            int t = -1, ones = 0;
            for (int c = 0; c < 4; c++)
                if (x[c] == 1) {
                    t = c;
                    ones++;
                } else {
                    assert_true(x[c] == 0);
                }
            assert_int_equal(ones, 1);
            type[v] = t;
            int d = __builtin_popcountll(adj[v]);
            assert_true(d >= 1 && d <= 4);
            assert_true(d <= 4 - t); /* C 4, N 3, O 2, F 1 */
            y += alpha[t];
        }
        size_t m = g->edge_off[k + 1] - g->edge_off[k];
        assert_true(m % 2 == 0);
        for (size_t j = g->edge_off[k]; j < g->edge_off[k + 1]; j++) {
            const double *e = g->e + j * 3;
            int b = e[0] == 1 ? 0 : e[1] == 1 ? 1 : 2;
            assert_true(e[0] + e[1] + e[2] == 1 && e[b] == 1);
            /* the reverse edge carries the same bond */
            size_t u = (size_t)g->src[j] - a, v = (size_t)g->dst[j] - a, r;
            for (r = g->edge_off[k]; r < g->edge_off[k + 1]; r++)
                if ((size_t)g->src[r] - a == v && (size_t)g->dst[r] - a == u) break;
            assert_true(r < g->edge_off[k + 1]);
            assert_memory_equal(g->e + r * 3, e, 3 * sizeof *e);
            if (u < v) y += beta[b] * gam[type[u]] * gam[type[v]];
        }
        /* connected: a tree plus closures */
        uint64_t seen = 1, front = 1;
        while (front) {
            uint64_t next = 0;
            for (uint64_t f = front; f; f &= f - 1) next |= adj[__builtin_ctzll(f)];
            front = next & ~seen;
            seen |= next;
        }
        assert_int_equal(__builtin_popcountll(seen), n);
        for (size_t l = 3; l <= 6; l++) {
            double c = brute_cycles(adj, n, l);
            y += rho[l - 3] * c;
            rings += c > 0;
        }
        if (fabs(g->y[k] - y) > 1e-12 * (1 + fabs(y)))
            fail_msg("molecule %zu: target %.17g, formula %.17g", k, g->y[k], y);
    }
    assert_true(rings >= 50); /* rings occur */
    ua_graphs_free(g);
}

static void test_errors(void **state)
{
    (void)state;
    ua_graphs *g = (ua_graphs *)1;
    assert_int_equal(ua_graph_task("zinc", 10, 0, &g), UA_ENOTFOUND);
    assert_null(g);
    assert_non_null(strstr(ua_last_error(), "csl, cycles, molecule"));
    assert_int_equal(ua_graph_task("csl", 20000000, 0, &g), UA_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_count_known_graphs),
        cmocka_unit_test(test_csl),
        cmocka_unit_test(test_cycles),
        cmocka_unit_test(test_molecule),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
