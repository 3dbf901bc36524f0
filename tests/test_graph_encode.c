/* Node encodings of the graph family (src/graph/encode.h) against exact values: the return
 * probabilities of simple random walks on cycles (a binomial sum), complete graphs and stars
 * (closed forms) and paths (an independent dense matrix power); the normalised Laplacian spectra
 * of cycles (1 - cos(2 pi j / n)), paths (1 - cos(pi j / (n - 1))), complete graphs and stars;
 * padding of graphs with fewer nodes than eigenvectors asked for; and numpy/scipy's values on
 * random graphs (tests/gen/graph_encode_ref.py, fixtures in tests/data). */
#include "test_util.h"

#include <math.h>
#include <cjson/cJSON.h>

#include "graph/encode.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

/* ---- building sets ------------------------------------------------------------------------ */

enum { MAXG = 16, MAXN = 256, MAXE = 4096 };

typedef struct {
    size_t ng, nn, ne;
    size_t noff[MAXG + 1], eoff[MAXG + 1];
    int32_t src[MAXE], dst[MAXE];
} builder;

static void b_graph(builder *b, size_t n)
{
    assert_true(b->ng < MAXG && b->nn + n <= MAXN);
    b->noff[b->ng] = b->nn;
    b->eoff[b->ng] = b->ne;
    b->ng++;
    b->nn += n;
    b->noff[b->ng] = b->nn;
    b->eoff[b->ng] = b->ne;
}

/* An undirected edge u - v (local indices of the last graph), stored both ways. */
static void b_edge(builder *b, size_t u, size_t v)
{
    size_t a = b->noff[b->ng - 1];
    assert_true(b->ne + 2 <= MAXE);
    b->src[b->ne] = (int32_t)(a + u);
    b->dst[b->ne++] = (int32_t)(a + v);
    b->src[b->ne] = (int32_t)(a + v);
    b->dst[b->ne++] = (int32_t)(a + u);
    b->eoff[b->ng] = b->ne;
}

static void b_cycle(builder *b, size_t n)
{
    b_graph(b, n);
    for (size_t i = 0; i < n; i++) b_edge(b, i, (i + 1) % n);
}

static void b_path(builder *b, size_t n)
{
    b_graph(b, n);
    for (size_t i = 0; i + 1 < n; i++) b_edge(b, i, i + 1);
}

static void b_complete(builder *b, size_t n)
{
    b_graph(b, n);
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++) b_edge(b, i, j);
}

/* A star: centre 0 and n - 1 leaves. */
static void b_star(builder *b, size_t n)
{
    b_graph(b, n);
    for (size_t i = 1; i < n; i++) b_edge(b, 0, i);
}

static ua_graphs *b_done(const builder *b)
{
    ua_graphs *g = NULL;
    assert_int_equal(ua_graphs_alloc(b->ng, b->nn, b->ne, 1, 0, UA_GRAPH_LEVEL_GRAPH, 1, 0, &g),
                     UA_OK);
    memcpy(g->node_off, b->noff, (b->ng + 1) * sizeof *g->node_off);
    memcpy(g->edge_off, b->eoff, (b->ng + 1) * sizeof *g->edge_off);
    memcpy(g->src, b->src, b->ne * sizeof *g->src);
    memcpy(g->dst, b->dst, b->ne * sizeof *g->dst);
    for (size_t i = 0; i < b->nn; i++) g->x[i] = 1;
    assert_int_equal(ua_graphs_check(g, "built"), UA_OK);
    return g;
}

static double binom(unsigned n, unsigned k)
{
    double c = 1;
    for (unsigned i = 1; i <= k; i++) c = c * (double)(n - k + i) / (double)i;
    return c;
}

/* The probability that a simple random walk on the cycle C_n is back at its start after k steps:
 * walks with j steps one way and k - j the other, (2j - k) = 0 mod n, each of probability 2^-k. */
static double cycle_return(unsigned n, unsigned k)
{
    double p = 0;
    for (unsigned j = 0; j <= k; j++) {
        long disp = 2 * (long)j - (long)k;
        if (((disp % (long)n) + (long)n) % (long)n == 0) p += binom(k, j);
    }
    return ldexp(p, -(int)k);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Checks eigenpairs of graph gi against the definition: for every kept column j, |L v - lambda v|
 * small, v of unit norm and orthogonal to the other kept columns, the sign convention, and the
 * eigenvalue equal to want[j]. L is built here from the edges (A_s = A for these undirected
 * graphs). */
static void check_eigen(const ua_graphs *g, size_t gi, size_t k, const double *vec,
                        const double *val, const double *want, double tol)
{
    size_t a = g->node_off[gi], n = g->node_off[gi + 1] - a, kk = k < n ? k : n;
    double *A = calloc(n * n, sizeof *A), *d = calloc(n, sizeof *d);
    assert_non_null(A);
    assert_non_null(d);
    for (size_t e = g->edge_off[gi]; e < g->edge_off[gi + 1]; e++)
        A[(size_t)(g->src[e] - (int32_t)a) * n + (size_t)(g->dst[e] - (int32_t)a)] += 1;
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < n; j++) d[i] += A[i * n + j];
        d[i] = d[i] > 0 ? 1 / sqrt(d[i]) : 0;
    }
    for (size_t j = 0; j < kk; j++) {
        double lam = val[a * k + j];
        if (fabs(lam - want[j]) > tol) fail_msg("graph %zu eigenvalue %zu: %.17g, expected %.17g",
                                                gi, j, lam, want[j]);
        double big = 0, norm = 0;
        for (size_t i = 0; i < n; i++) {
            assert_true(val[(a + i) * k + j] == lam); /* the same on every node */
            double v = vec[(a + i) * k + j], lv = v;
            for (size_t m = 0; m < n; m++) lv -= d[i] * A[i * n + m] * d[m] * vec[(a + m) * k + j];
            ASSERT_LE(fabs(lv - lam * v), tol);
            big = fmax(big, fabs(v));
            norm += v * v;
        }
        ASSERT_LE(fabs(norm - 1), tol);
        for (size_t i = 0; i < n; i++) {
            double v = vec[(a + i) * k + j];
            if (fabs(v) >= big * (1 - 1e-6)) {
                assert_true(v > 0); /* the first entry of largest magnitude is positive */
                break;
            }
        }
        for (size_t j2 = 0; j2 < j; j2++) {
            double dot = 0;
            for (size_t i = 0; i < n; i++) dot += vec[(a + i) * k + j] * vec[(a + i) * k + j2];
            ASSERT_LE(fabs(dot), tol);
        }
    }
    for (size_t i = 0; i < n; i++)
        for (size_t j = kk; j < k; j++) {
            assert_true(vec[(a + i) * k + j] == 0.0);
            assert_true(val[(a + i) * k + j] == 0.0);
        }
    free(A);
    free(d);
}

/* ---- RWSE ---------------------------------------------------------------------------------- */

static void test_rwse_cycles(void **state)
{
    (void)state;
    const unsigned ns[] = { 3, 4, 5, 7, 10, 41 };
    const size_t K = 24;
    builder b = { 0 };
    for (size_t c = 0; c < 6; c++) b_cycle(&b, ns[c]);
    ua_graphs *g = b_done(&b);
    double *out = calloc(g->nnodes * K, sizeof *out);
    assert_int_equal(ua_graph_rwse(g, K, out), UA_OK);
    for (size_t c = 0; c < 6; c++)
        for (size_t i = g->node_off[c]; i < g->node_off[c + 1]; i++)
            for (unsigned k = 1; k <= K; k++) {
                double want = cycle_return(ns[c], k), got = out[i * K + k - 1];
                if (fabs(got - want) > 1e-15 * (1 + want))
                    fail_msg("C_%u node %zu k %u: %.17g, expected %.17g", ns[c], i, k, got, want);
            }
    /* C_41 (CSL's cycle): nothing returns before 41 steps except the even back-and-forth walks */
    assert_true(out[g->node_off[5] * K + 0] == 0.0);
    assert_true(out[g->node_off[5] * K + 1] == 0.5);
    free(out);
    ua_graphs_free(g);
}

static void test_rwse_complete_star_path(void **state)
{
    (void)state;
    const size_t K = 12;
    builder b = { 0 };
    b_complete(&b, 6);
    b_star(&b, 9);
    b_path(&b, 7);
    b_graph(&b, 1); /* an isolated node: its walk stops */
    ua_graphs *g = b_done(&b);
    double *out = calloc(g->nnodes * K, sizeof *out);
    assert_int_equal(ua_graph_rwse(g, K, out), UA_OK);
    for (size_t i = 0; i < 6; i++)
        for (size_t k = 1; k <= K; k++) { /* K_n: 1/n + (n-1)/n (-1/(n-1))^k */
            double want = 1.0 / 6 + 5.0 / 6 * pow(-1.0 / 5, (double)k);
            ASSERT_LE(fabs(out[i * K + k - 1] - want), 1e-15);
        }
    for (size_t i = 0; i < 9; i++) /* star: the centre returns at every even step, a leaf with 1/8 */
        for (size_t k = 1; k <= K; k++) {
            double want = k % 2 ? 0.0 : i == 0 ? 1.0 : 1.0 / 8;
            ASSERT_LE(fabs(out[(6 + i) * K + k - 1] - want), 1e-15);
        }
    /* the path: an independent dense power of P in long double */
    long double P[7][7] = { { 0 } }, M[7][7], T[7][7];
    for (int i = 0; i < 7; i++) {
        int deg = (i > 0) + (i < 6);
        if (i > 0) P[i][i - 1] = 1.0L / deg;
        if (i < 6) P[i][i + 1] = 1.0L / deg;
    }
    memcpy(M, P, sizeof M);
    for (size_t k = 1; k <= K; k++) {
        for (int i = 0; i < 7; i++) ASSERT_LE(fabsl(out[(15 + i) * K + k - 1] - M[i][i]), 1e-15);
        for (int i = 0; i < 7; i++)
            for (int j = 0; j < 7; j++) {
                T[i][j] = 0;
                for (int m = 0; m < 7; m++) T[i][j] += M[i][m] * P[m][j];
            }
        memcpy(M, T, sizeof M);
    }
    for (size_t k = 0; k < K; k++) assert_true(out[22 * K + k] == 0.0);
    free(out);
    ua_graphs_free(g);
}

/* ---- LapPE --------------------------------------------------------------------------------- */

static void test_lappe_cycles_paths(void **state)
{
    (void)state;
    const size_t k = 8;
    builder b = { 0 };
    b_cycle(&b, 5);
    b_cycle(&b, 12);
    b_cycle(&b, 41);
    b_path(&b, 6);
    b_path(&b, 30);
    ua_graphs *g = b_done(&b);
    double *vec = calloc(g->nnodes * k, sizeof *vec), *val = calloc(g->nnodes * k, sizeof *val);
    ua_graph_lappe_stats st;
    assert_int_equal(ua_graph_lappe(g, k, vec, val, &st), UA_OK);
    assert_int_equal(st.graphs_padded, 2); /* C_5 and P_6 */
    assert_int_equal(st.entries_padded, 5 * 3 + 6 * 2);
    assert_int_equal(st.min_nodes, 5);
    assert_int_equal(st.max_nodes, 41);
    assert_int_equal(st.repeated, 3); /* the cycles' eigenvalues come in pairs; a path's are simple */
    double want[64];
    const size_t cyc[] = { 5, 12, 41 };
    for (size_t c = 0; c < 3; c++) {
        size_t n = cyc[c];
        for (size_t j = 0; j < n; j++) want[j] = 1 - cos(2 * M_PI * (double)j / (double)n);
        qsort(want, n, sizeof *want, cmp_double);
        check_eigen(g, c, k, vec, val, want, 1e-13);
    }
    const size_t path[] = { 6, 30 };
    for (size_t c = 0; c < 2; c++) {
        size_t n = path[c];
        for (size_t j = 0; j < n; j++) want[j] = 1 - cos(M_PI * (double)j / (double)(n - 1));
        check_eigen(g, 3 + c, k, vec, val, want, 1e-13);
    }
    free(vec);
    free(val);
    ua_graphs_free(g);
}

static void test_lappe_complete_star_padding(void **state)
{
    (void)state;
    const size_t k = 6;
    builder b = { 0 };
    b_complete(&b, 7);
    b_star(&b, 10);
    b_graph(&b, 1);  /* one node: L = [1] */
    b_path(&b, 2);   /* eigenvalues 0 and 2 */
    b_graph(&b, 3);  /* three isolated nodes: L = I */
    ua_graphs *g = b_done(&b);
    double *vec = calloc(g->nnodes * k, sizeof *vec), *val = calloc(g->nnodes * k, sizeof *val);
    ua_graph_lappe_stats st;
    assert_int_equal(ua_graph_lappe(g, k, vec, val, &st), UA_OK);
    assert_int_equal(st.graphs_padded, 3);
    assert_int_equal(st.entries_padded, 1 * 5 + 2 * 4 + 3 * 3);
    assert_int_equal(st.min_nodes, 1);
    double want[16];
    want[0] = 0;
    for (size_t j = 1; j < 7; j++) want[j] = 7.0 / 6; /* K_n: n/(n-1), n - 1 times */
    check_eigen(g, 0, k, vec, val, want, 1e-13);
    want[0] = 0;
    for (size_t j = 1; j < 9; j++) want[j] = 1; /* star: 0, 1 (n - 2 times), 2 */
    want[9] = 2;
    check_eigen(g, 1, k, vec, val, want, 1e-13);
    want[0] = 1;
    check_eigen(g, 2, k, vec, val, want, 1e-15);
    assert_true(vec[17 * k] == 1.0);
    want[0] = 0;
    want[1] = 2;
    check_eigen(g, 3, k, vec, val, want, 1e-15);
    want[0] = want[1] = want[2] = 1;
    check_eigen(g, 4, k, vec, val, want, 1e-15);
    free(vec);
    free(val);
    ua_graphs_free(g);
}

static void test_errors(void **state)
{
    (void)state;
    builder b = { 0 };
    b_cycle(&b, 4);
    ua_graphs *g = b_done(&b);
    double out[4 * 8], val[4 * 8];
    ua_graph_lappe_stats st;
    assert_int_equal(ua_graph_rwse(g, 0, out), UA_EINVAL);
    assert_int_equal(ua_graph_rwse(g, UA_GRAPH_RWSE_MAX_K + 1, out), UA_EINVAL);
    assert_int_equal(ua_graph_rwse(NULL, 4, out), UA_EINVAL);
    assert_int_equal(ua_graph_lappe(g, 0, out, val, &st), UA_EINVAL);
    assert_int_equal(ua_graph_lappe(g, 4, out, val, NULL), UA_EINVAL);
    assert_non_null(strstr(ua_last_error(), "padding"));
    g->dst[3] = 7; /* outside the set */
    assert_int_equal(ua_graph_rwse(g, 4, out), UA_EINVAL);
    assert_int_equal(ua_graph_lappe(g, 4, out, val, &st), UA_EINVAL);
    ua_graphs_free(g);
    /* a graph too large for a dense eigendecomposition is refused before any work */
    assert_int_equal(ua_graphs_alloc(1, UA_GRAPH_LAPPE_MAX_NODES + 1, 0, 1, 0,
                                     UA_GRAPH_LEVEL_GRAPH, 0, 0, &g), UA_OK);
    g->node_off[1] = g->nnodes;
    double *big = calloc(g->nnodes, sizeof *big);
    assert_int_equal(ua_graph_lappe(g, 1, big, big, &st), UA_EINVAL);
    assert_non_null(strstr(ua_last_error(), "4097 nodes"));
    free(big);
    ua_graphs_free(g);
}

/* ---- numpy / scipy on random graphs ------------------------------------------------------ */

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) fail_msg("cannot open %s", path);
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)len + 1);
    assert_non_null(s);
    assert_int_equal(fread(s, 1, (size_t)len, f), (size_t)len);
    s[len] = '\0';
    fclose(f);
    return s;
}

static double at2(const cJSON *m, size_t i, size_t j)
{
    return cJSON_GetArrayItem(cJSON_GetArrayItem(m, (int)i), (int)j)->valuedouble;
}

static void test_against_scipy(void **state)
{
    (void)state;
    ua_graphs *g = NULL;
    assert_int_equal(ua_graphs_read(UA_TEST_DIR "/data/graph_encode_graphs.jsonl", &g), UA_OK);
    char *text = slurp(UA_TEST_DIR "/data/graph_encode_ref.json");
    cJSON *ref = cJSON_Parse(text);
    assert_non_null(ref);
    const cJSON *graphs = cJSON_GetObjectItem(ref, "graphs");
    size_t K = (size_t)cJSON_GetObjectItem(ref, "K")->valuedouble;
    assert_int_equal((size_t)cJSON_GetArraySize(graphs), g->ngraphs);
    const size_t k = 10;
    double *rw = calloc(g->nnodes * K, sizeof *rw);
    double *vec = calloc(g->nnodes * k, sizeof *vec), *val = calloc(g->nnodes * k, sizeof *val);
    assert_int_equal(ua_graph_rwse(g, K, rw), UA_OK);
    ua_graph_lappe_stats st;
    assert_int_equal(ua_graph_lappe(g, k, vec, val, &st), UA_OK);
    size_t compared_vectors = 0, compared_spaces = 0;
    for (size_t gi = 0; gi < g->ngraphs; gi++) {
        const cJSON *r = cJSON_GetArrayItem(graphs, (int)gi);
        size_t a = g->node_off[gi], n = g->node_off[gi + 1] - a;
        assert_int_equal((size_t)cJSON_GetObjectItem(r, "n")->valuedouble, n);
        const cJSON *rr = cJSON_GetObjectItem(r, "rwse"), *w = cJSON_GetObjectItem(r, "eigenvalues"),
                    *V = cJSON_GetObjectItem(r, "eigenvectors");
        for (size_t i = 0; i < n; i++)
            for (size_t kk = 0; kk < K; kk++) {
                double want = at2(rr, i, kk), got = rw[(a + i) * K + kk];
                if (fabs(got - want) > 1e-14)
                    fail_msg("graph %zu node %zu k %zu: RWSE %.17g, numpy %.17g", gi, i, kk + 1,
                             got, want);
            }
        size_t kk = k < n ? k : n;
        for (size_t j = 0; j < kk; j++) {
            double lam = cJSON_GetArrayItem(w, (int)j)->valuedouble;
            if (fabs(val[a * k + j] - lam) > 1e-13)
                fail_msg("graph %zu eigenvalue %zu: %.17g, scipy %.17g", gi, j, val[a * k + j], lam);
        }
        /* eigenvectors: clusters of equal eigenvalues (within 1e-8) wholly among the kept ones
         * are compared as projectors V V^T (a basis of a repeated eigenvalue is not unique), a
         * simple eigenvalue's vector up to sign */
        for (size_t j0 = 0; j0 < kk;) {
            size_t j1 = j0 + 1;
            while (j1 < n && cJSON_GetArrayItem(w, (int)j1)->valuedouble -
                                 cJSON_GetArrayItem(w, (int)(j1 - 1))->valuedouble < 1e-8)
                j1++;
            if (j1 > kk) break; /* the cluster is cut by k: the kept part is a basis choice */
            for (size_t i = 0; i < n; i++)
                for (size_t m = 0; m < n; m++) {
                    double p = 0, q = 0;
                    for (size_t j = j0; j < j1; j++) {
                        p += vec[(a + i) * k + j] * vec[(a + m) * k + j];
                        q += at2(V, i, j) * at2(V, m, j);
                    }
                    if (fabs(p - q) > 1e-10)
                        fail_msg("graph %zu eigenvalues %zu..%zu: projector (%zu, %zu) %.17g, "
                                 "scipy %.17g", gi, j0, j1 - 1, i, m, p, q);
                }
            if (j1 == j0 + 1) compared_vectors++;
            else compared_spaces++;
            j0 = j1;
        }
    }
    /* the fixture exercises both kinds of comparison */
    assert_true(compared_vectors >= 30);
    assert_true(compared_spaces >= 2);
    cJSON_Delete(ref);
    free(text);
    free(rw);
    free(vec);
    free(val);
    ua_graphs_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rwse_cycles),
        cmocka_unit_test(test_rwse_complete_star_path),
        cmocka_unit_test(test_lappe_cycles_paths),
        cmocka_unit_test(test_lappe_complete_star_padding),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_against_scipy),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
