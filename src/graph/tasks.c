/* The generated graph tasks (tasks.h): CSL, substructure counting, molecule-like regression, and
 * the exact cycle counter their targets use. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "tasks.h"

/* ---- one small undirected graph while it is built ----------------------------------------- */

enum { SMALL_MAXN = 64, SMALL_MAXM = SMALL_MAXN * (SMALL_MAXN - 1) / 2 };

typedef struct {
    size_t n, m;
    int u[SMALL_MAXM], v[SMALL_MAXM];  /* undirected edges */
    int bond[SMALL_MAXM];              /* molecule: 0 single, 1 double, 2 triple */
    int type[SMALL_MAXN];              /* molecule: 0 C, 1 N, 2 O, 3 F */
    uint64_t adj[SMALL_MAXN];          /* adjacency bitmasks */
} small;

static void small_edge(small *s, int u, int v, int bond)
{
    s->u[s->m] = u;
    s->v[s->m] = v;
    s->bond[s->m++] = bond;
    s->adj[u] |= (uint64_t)1 << v;
    s->adj[v] |= (uint64_t)1 << u;
}

/* Paths from s through nodes above s: the path ends at v and has len nodes, visited as a mask. */
static void cycles_dfs(const uint64_t *adj, int s, int v, uint64_t visited, size_t len,
                       size_t lmax, double *cnt)
{
    if (len >= 3 && ((adj[v] >> s) & 1)) cnt[len - 3] += 1;
    if (len == lmax) return;
    uint64_t above = s + 1 < 64 ? ~(uint64_t)0 << (s + 1) : 0;
    uint64_t cand = adj[v] & ~visited & above;
    while (cand) {
        int w = __builtin_ctzll(cand);
        cand &= cand - 1;
        cycles_dfs(adj, s, w, visited | (uint64_t)1 << w, len + 1, lmax, cnt);
    }
}

/* Exact simple-cycle counts of lengths 3 .. lmax of the graph with adjacency adj (n nodes). */
static void count_cycles(const uint64_t *adj, size_t n, size_t lmax, double *counts)
{
    for (size_t l = 3; l <= lmax; l++) counts[l - 3] = 0;
    for (size_t s = 0; s < n; s++) {
        uint64_t above = s + 1 < 64 ? ~(uint64_t)0 << (s + 1) : 0;
        uint64_t nb = adj[s] & above;
        while (nb) {
            int w = __builtin_ctzll(nb);
            nb &= nb - 1;
            cycles_dfs(adj, (int)s, w, (uint64_t)1 << s | (uint64_t)1 << w, 2, lmax, counts);
        }
    }
    for (size_t l = 3; l <= lmax; l++) counts[l - 3] /= 2; /* each cycle, both directions */
}

ua_status ua_graph_count_cycles(const ua_graphs *g, size_t gi, size_t lmax, double *counts)
{
    if (!g || !counts) return UA_ERR(UA_EINVAL, "ua_graph_count_cycles: NULL argument");
    if (gi >= g->ngraphs) return UA_ERR(UA_EINVAL, "graph %zu of %zu", gi, g->ngraphs);
    if (lmax < 3 || lmax > UA_GRAPH_CYCLES_MAX_LEN)
        return UA_ERR(UA_EINVAL, "cycle length %zu: expected 3 .. %d", lmax,
                      UA_GRAPH_CYCLES_MAX_LEN);
    size_t a = g->node_off[gi], n = g->node_off[gi + 1] - a;
    if (n > UA_GRAPH_CYCLES_MAX_NODES)
        return UA_ERR(UA_EINVAL, "graph %zu has %zu nodes: cycles are counted in graphs of at most "
                      "%d", gi, n, UA_GRAPH_CYCLES_MAX_NODES);
    uint64_t adj[UA_GRAPH_CYCLES_MAX_NODES] = { 0 };
    for (size_t j = g->edge_off[gi]; j < g->edge_off[gi + 1]; j++) {
        size_t u = (size_t)g->src[j] - a, v = (size_t)g->dst[j] - a;
        if (u >= n || v >= n) return UA_ERR(UA_EINVAL, "graph %zu, edge %zu leaves the graph", gi, j);
        if (u == v) continue;
        adj[u] |= (uint64_t)1 << v;
        adj[v] |= (uint64_t)1 << u;
    }
    count_cycles(adj, n, lmax, counts);
    return UA_OK;
}

/* ---- the set being generated ------------------------------------------------------------- */

/* A growing array: p holds cap elements. */
typedef struct {
    void *p;
    size_t cap;
} buf;

/* Room for count elements of size elem (doubling; the old contents kept). */
static ua_status need(buf *b, size_t count, size_t elem)
{
    if (count <= b->cap) return UA_OK;
    size_t c = b->cap ? b->cap : 256;
    while (c < count) c *= 2;
    void *q = ua_calloc(c, elem);
    if (!q) return UA_ENOMEM_ERR(c * elem);
    if (b->p) memcpy(q, b->p, b->cap * elem);
    free(b->p);
    b->p = q;
    b->cap = c;
    return UA_OK;
}

typedef struct {
    size_t ng, nn, ne;
    size_t node_dim, edge_dim, ny;
    buf noff, eoff, src, dst, x, e, y;
} set;

/* Appends s (both directions of each edge, sorted by (src, dst)) with node features x (n,
 * node_dim), edge features one-hot in its bonds (when edge_dim > 0) and target y (ny,). */
static ua_status set_add(set *t, const small *s, const double *x, const double *y)
{
    size_t m2 = 2 * s->m;
    ua_status st;
    if ((st = need(&t->noff, t->ng + 2, sizeof(size_t))) ||
        (st = need(&t->eoff, t->ng + 2, sizeof(size_t))) ||
        (st = need(&t->y, (t->ng + 1) * t->ny, sizeof(double))) ||
        (st = need(&t->x, (t->nn + s->n) * t->node_dim, sizeof(double))) ||
        (st = need(&t->src, t->ne + m2, sizeof(int32_t))) ||
        (st = need(&t->dst, t->ne + m2, sizeof(int32_t))) ||
        (t->edge_dim && (st = need(&t->e, (t->ne + m2) * t->edge_dim, sizeof(double)))))
        return st;
    size_t *noff = t->noff.p, *eoff = t->eoff.p;
    int32_t *src = t->src.p, *dst = t->dst.p;
    double *e = t->e.p;
    if (t->ng == 0) noff[0] = eoff[0] = 0;
    int bond_of[SMALL_MAXN][SMALL_MAXN];
    for (size_t k = 0; k < s->m; k++)
        bond_of[s->u[k]][s->v[k]] = bond_of[s->v[k]][s->u[k]] = s->bond[k];
    /* each node's neighbours in increasing order: the edges come out sorted by (src, dst) */
    size_t at = t->ne;
    for (size_t u = 0; u < s->n; u++)
        for (uint64_t nb = s->adj[u]; nb; nb &= nb - 1) {
            int v = __builtin_ctzll(nb);
            src[at] = (int32_t)(t->nn + u);
            dst[at] = (int32_t)(t->nn + (size_t)v);
            if (t->edge_dim) {
                double *row = e + at * t->edge_dim;
                memset(row, 0, t->edge_dim * sizeof *row);
                row[bond_of[u][v]] = 1.0;
            }
            at++;
        }
    memcpy((double *)t->x.p + t->nn * t->node_dim, x, s->n * t->node_dim * sizeof *x);
    memcpy((double *)t->y.p + t->ng * t->ny, y, t->ny * sizeof *y);
    t->nn += s->n;
    t->ne = at;
    t->ng++;
    noff[t->ng] = t->nn;
    eoff[t->ng] = t->ne;
    return UA_OK;
}

static void set_free(set *t)
{
    free(t->noff.p);
    free(t->eoff.p);
    free(t->src.p);
    free(t->dst.p);
    free(t->x.p);
    free(t->e.p);
    free(t->y.p);
}

/* The finished set as a ua_graphs of exact sizes. */
static ua_status set_finish(set *t, size_t nclasses, ua_graphs **out)
{
    ua_graphs *g;
    ua_status s = ua_graphs_alloc(t->ng, t->nn, t->ne, t->node_dim, t->edge_dim,
                                  UA_GRAPH_LEVEL_GRAPH, t->ny, nclasses, &g);
    if (s) return s;
    memcpy(g->node_off, t->noff.p, (t->ng + 1) * sizeof *g->node_off);
    memcpy(g->edge_off, t->eoff.p, (t->ng + 1) * sizeof *g->edge_off);
    if (t->ne) {
        memcpy(g->src, t->src.p, t->ne * sizeof *g->src);
        memcpy(g->dst, t->dst.p, t->ne * sizeof *g->dst);
        if (t->edge_dim) memcpy(g->e, t->e.p, t->ne * t->edge_dim * sizeof *g->e);
    }
    memcpy(g->x, t->x.p, t->nn * t->node_dim * sizeof *g->x);
    memcpy(g->y, t->y.p, t->ng * t->ny * sizeof *g->y);
    *out = g;
    return UA_OK;
}

/* A uniform integer in [0, m). */
static size_t uniform_int(ua_rng *r, size_t m)
{
    size_t k = (size_t)(ua_rng_uniform(r) * (double)m);
    return k < m ? k : m - 1;
}

/* ---- the tasks ------------------------------------------------------------------------------ */

static ua_status gen_csl(size_t n, ua_rng *r, set *t)
{
    static const int skips[] = UA_GRAPH_CSL_SKIPS;
    enum { N = 41 };
    double ones[N];
    for (int i = 0; i < N; i++) ones[i] = 1.0;
    small *s = malloc(sizeof *s);
    if (!s) return UA_ENOMEM_ERR(sizeof *s);
    ua_status st = UA_OK;
    for (size_t k = 0; k < n && !st; k++) {
        int cls = (int)(k % 10), perm[N];
        for (int i = 0; i < N; i++) perm[i] = i;
        for (int i = N - 1; i > 0; i--) { /* Fisher-Yates */
            int j = (int)uniform_int(r, (size_t)i + 1), x = perm[i];
            perm[i] = perm[j];
            perm[j] = x;
        }
        memset(s, 0, sizeof *s);
        s->n = N;
        for (int i = 0; i < N; i++) {
            small_edge(s, perm[i], perm[(i + 1) % N], 0);
            small_edge(s, perm[i], perm[(i + skips[cls]) % N], 0);
        }
        double y = cls;
        st = set_add(t, s, ones, &y);
    }
    free(s);
    return st;
}

static ua_status gen_cycles(size_t n, ua_rng *r, set *t)
{
    double ones[20];
    for (int i = 0; i < 20; i++) ones[i] = 1.0;
    small *s = malloc(sizeof *s);
    if (!s) return UA_ENOMEM_ERR(sizeof *s);
    ua_status st = UA_OK;
    for (size_t k = 0; k < n && !st; k++) {
        memset(s, 0, sizeof *s);
        s->n = 10 + uniform_int(r, 11);
        double p = 0.1 + 0.2 * ua_rng_uniform(r);
        for (size_t u = 0; u < s->n; u++)
            for (size_t v = u + 1; v < s->n; v++)
                if (ua_rng_uniform(r) < p) small_edge(s, (int)u, (int)v, 0);
        double y[3];
        count_cycles(s->adj, s->n, 5, y);
        st = set_add(t, s, ones, y);
    }
    free(s);
    return st;
}

/* Breadth-first distance from u to v in s (SMALL_MAXN when unreachable). */
static size_t distance(const small *s, int u, int v)
{
    uint64_t seen = (uint64_t)1 << u, front = seen;
    for (size_t d = 1; front; d++) {
        uint64_t next = 0;
        for (uint64_t f = front; f; f &= f - 1) next |= s->adj[__builtin_ctzll(f)];
        next &= ~seen;
        if ((next >> v) & 1) return d;
        seen |= next;
        front = next;
    }
    return SMALL_MAXN;
}

/* A draw from the discrete distribution p (k entries summing to 1). */
static int draw(ua_rng *r, const double *p, int k)
{
    double u = ua_rng_uniform(r), c = 0;
    for (int i = 0; i < k - 1; i++)
        if (u < (c += p[i])) return i;
    return k - 1;
}

static ua_status gen_molecule(size_t n, ua_rng *r, set *t)
{
    static const double alpha[] = UA_GRAPH_MOL_ALPHA, beta[] = UA_GRAPH_MOL_BETA,
                        gamma_[] = UA_GRAPH_MOL_GAMMA, rho[] = UA_GRAPH_MOL_RHO;
    /* atom types by degree 1 .. 4 (C, N, O, F), bond types */
    static const double by_degree[4][4] = { { 0.5, 0.15, 0.15, 0.2 }, { 0.6, 0.2, 0.2, 0 },
                                            { 0.75, 0.25, 0, 0 }, { 1, 0, 0, 0 } };
    static const double bonds[3] = { 0.75, 0.2, 0.05 };
    small *s = malloc(sizeof *s);
    if (!s) return UA_ENOMEM_ERR(sizeof *s);
    ua_status st = UA_OK;
    double x[24 * 4];
    for (size_t k = 0; k < n && !st; k++) {
        memset(s, 0, sizeof *s);
        s->n = 6 + uniform_int(r, 19);
        int deg[24] = { 0 };
        for (size_t v = 1; v < s->n; v++) { /* a tree of degree <= 4 */
            int cand[24], nc = 0;
            for (size_t u = 0; u < v; u++)
                if (deg[u] < 4) cand[nc++] = (int)u;
            int u = cand[uniform_int(r, (size_t)nc)];
            small_edge(s, u, (int)v, draw(r, bonds, 3));
            deg[u]++;
            deg[v]++;
        }
        size_t rings = uniform_int(r, 4);
        for (size_t c = 0, tries = 0; c < rings && tries < 40; tries++) {
            int u = (int)uniform_int(r, s->n), v = (int)uniform_int(r, s->n);
            if (u == v || deg[u] >= 4 || deg[v] >= 4 || ((s->adj[u] >> v) & 1)) continue;
            size_t d = distance(s, u, v);
            if (d < 2 || d > 5) continue; /* a ring of d + 1 atoms: 3 .. 6 */
            small_edge(s, u, v, draw(r, bonds, 3));
            deg[u]++;
            deg[v]++;
            c++;
        }
        double y = 0;
        memset(x, 0, sizeof x);
        for (size_t v = 0; v < s->n; v++) {
            s->type[v] = draw(r, by_degree[deg[v] - 1], 4);
            x[v * 4 + (size_t)s->type[v]] = 1.0;
            y += alpha[s->type[v]];
        }
        for (size_t e = 0; e < s->m; e++)
            y += beta[s->bond[e]] * gamma_[s->type[s->u[e]]] * gamma_[s->type[s->v[e]]];
        double cyc[4];
        count_cycles(s->adj, s->n, 6, cyc);
        for (int l = 0; l < 4; l++) y += rho[l] * cyc[l];
        st = set_add(t, s, x, &y);
    }
    free(s);
    return st;
}

const char *ua_graph_task_names(void) { return "csl, cycles, molecule"; }

ua_status ua_graph_task(const char *name, size_t n, uint64_t seed, ua_graphs **out)
{
    if (!out) return UA_ERR(UA_EINVAL, "ua_graph_task: out is NULL");
    *out = NULL;
    if (!name) return UA_ERR(UA_EINVAL, "ua_graph_task: name is NULL");
    int csl = !strcmp(name, "csl"), cyc = !strcmp(name, "cycles"), mol = !strcmp(name, "molecule");
    if (!csl && !cyc && !mol)
        return UA_ERR(UA_ENOTFOUND, "no graph task '%s' (tasks: %s)", name, ua_graph_task_names());
    if (n == 0) n = csl ? 150 : 1000;
    if (n > 10000000) return UA_ERR(UA_EINVAL, "%zu graphs: at most 10^7", n);
    set t;
    memset(&t, 0, sizeof t);
    t.node_dim = mol ? 4 : 1;
    t.edge_dim = mol ? 3 : 0;
    t.ny = cyc ? 3 : 1;
    ua_rng r;
    ua_rng_seed(&r, seed);
    ua_status s = csl ? gen_csl(n, &r, &t) : cyc ? gen_cycles(n, &r, &t) : gen_molecule(n, &r, &t);
    if (!s) s = set_finish(&t, csl ? 10 : 0, out);
    set_free(&t);
    return s;
}
