/*
 * Mutations of the evolve family (AutoNumerics-Zero, arXiv 2312.08472, section 3: insert a vertex,
 * remove a vertex, rewire an operand; we add changing an operation's kind and squaring the
 * output, the step of range halving that insertions alone reach only by a lucky pair). Vertices stay in
 * topological order, so a mutation keeps the graph acyclic by only pointing operands at earlier
 * vertices; the result is compacted (dead vertices dropped) and checked against the size limit.
 */
#include <math.h>
#include <string.h>

#include "internal.h"

static int rnd(ua_rng *r, int n) { return n > 0 ? (int)(ua_rng_next(r) % (uint64_t)n) : 0; }

/* A random allowed operation. */
static int pick_op(uint32_t ops, ua_rng *r)
{
    int k[EV_NKINDS], m = 0;
    for (int i = EV_ADD; i < EV_NKINDS; i++)
        if (ops & (1u << i)) k[m++] = i;
    return m ? k[rnd(r, m)] : EV_ADD;
}

/* Makes room at position p: vertices p.. move up by one, operands follow them. */
static void open_slot(ev_prog *g, int p)
{
    for (int i = g->n; i > p; i--) {
        g->kind[i] = g->kind[i - 1];
        g->val[i] = g->val[i - 1];
        memcpy(g->arg[i], g->arg[i - 1], 3);
    }
    g->n++;
    for (int i = p + 1; i < g->n; i++)
        for (int j = 0; j < ev_arity(g->kind[i]); j++)
            if (g->arg[i][j] >= p) g->arg[i][j]++;
}

/* Removes vertex v, whose uses are redirected to vertex to (< v). */
static void close_slot(ev_prog *g, int v, int to)
{
    for (int i = v + 1; i < g->n; i++)
        for (int j = 0; j < ev_arity(g->kind[i]); j++) {
            if (g->arg[i][j] == v) g->arg[i][j] = (uint8_t)to;
            else if (g->arg[i][j] > v) g->arg[i][j]--;
        }
    for (int i = v; i + 1 < g->n; i++) {
        g->kind[i] = g->kind[i + 1];
        g->val[i] = g->val[i + 1];
        memcpy(g->arg[i], g->arg[i + 1], 3);
    }
    g->n--;
}

/* A new vertex at p (1 <= p <= n) of kind k with operands below p; one operand slot of a later
 * vertex is pointed at it (at the end: it becomes the output and takes the old output as its
 * first operand). */
static int insert(ev_prog *g, uint32_t ops, ua_rng *r)
{
    if (g->n >= EV_MAX_VERTICES) return 0;
    int p = 1 + rnd(r, g->n), k = rnd(r, 4) == 0 ? EV_CONST : pick_op(ops, r);
    if (k == EV_CONST && p == g->n) p = g->n - 1 > 0 ? g->n - 1 : 1;
    open_slot(g, p);
    g->kind[p] = (uint8_t)k;
    g->val[p] = k == EV_CONST ? (rnd(r, 2) ? 1.0 : 0.5) * (rnd(r, 2) ? 1 : -1) : 0.0;
    memset(g->arg[p], 0, 3);
    for (int j = 0; j < ev_arity(k); j++) g->arg[p][j] = (uint8_t)rnd(r, p);
    if (p == g->n - 1) {
        if (ev_arity(k) == 0) return 0;
        g->arg[p][0] = (uint8_t)(p - 1);
        return 1;
    }
    /* a later operation uses it */
    int cand[EV_MAX_VERTICES], m = 0;
    for (int i = p + 1; i < g->n; i++)
        if (ev_arity(g->kind[i])) cand[m++] = i;
    if (!m) return 0;
    int i = cand[rnd(r, m)];
    g->arg[i][rnd(r, ev_arity(g->kind[i]))] = (uint8_t)p;
    return 1;
}

/* Removes an operation; its uses take one of its operands. The output can go only when one of
 * its operands is the vertex just before it (which then becomes the output). */
static int remove_op(ev_prog *g, ua_rng *r)
{
    int cand[EV_MAX_VERTICES], m = 0;
    for (int i = 1; i < g->n; i++)
        if (g->kind[i] >= EV_ADD) cand[m++] = i;
    if (!m) return 0;
    int v = cand[rnd(r, m)], ar = ev_arity(g->kind[v]);
    if (v == g->n - 1) {
        for (int j = 0; j < ar; j++)
            if (g->arg[v][j] == v - 1) {
                g->n--;
                return 1;
            }
        return 0;
    }
    close_slot(g, v, g->arg[v][rnd(r, ar)]);
    return 1;
}

static int rewire(ev_prog *g, ua_rng *r)
{
    int cand[EV_MAX_VERTICES], m = 0;
    for (int i = 1; i < g->n; i++)
        if (g->kind[i] >= EV_ADD) cand[m++] = i;
    if (!m) return 0;
    int i = cand[rnd(r, m)];
    g->arg[i][rnd(r, ev_arity(g->kind[i]))] = (uint8_t)rnd(r, i);
    return 1;
}

static int change_op(ev_prog *g, uint32_t ops, ua_rng *r)
{
    int cand[EV_MAX_VERTICES], m = 0;
    for (int i = 1; i < g->n; i++)
        if (g->kind[i] >= EV_ADD) cand[m++] = i;
    if (!m) return 0;
    int i = cand[rnd(r, m)], k = pick_op(ops, r), old = ev_arity(g->kind[i]);
    g->kind[i] = (uint8_t)k;
    for (int j = old; j < ev_arity(k); j++) g->arg[i][j] = (uint8_t)rnd(r, i);
    for (int j = ev_arity(k); j < 3; j++) g->arg[i][j] = 0;
    return 1;
}

/* The output squared: y -> y * y (range halving's step, 2^x = (2^(x/2))^2); the inner loop
 * then tunes the constants towards the square root of the target. */
static int square_out(ev_prog *g)
{
    if (g->n >= EV_MAX_VERTICES || g->n < 2) return 0;
    int o = g->n - 1;
    g->kind[g->n] = EV_MUL;
    g->arg[g->n][0] = (uint8_t)o;
    g->arg[g->n][1] = (uint8_t)o;
    g->arg[g->n][2] = 0;
    g->val[g->n] = 0;
    g->n++;
    return 1;
}

static int perturb_const(ev_prog *g, ua_rng *r)
{
    int cand[EV_MAX_VERTICES], m = 0;
    for (int i = 1; i < g->n; i++)
        if (g->kind[i] == EV_CONST) cand[m++] = i;
    if (!m) return 0;
    int i = cand[rnd(r, m)];
    g->val[i] *= 1.0 + 0.5 * ua_rng_normal(r);
    return 1;
}

const char *ev_mutate(ev_prog *g, uint32_t ops, int max_vertices, ua_rng *r)
{
    static const char *const what[] = {"insert", "remove", "rewire", "change", "perturb",
                                       "square"};
    if (max_vertices > EV_MAX_VERTICES) max_vertices = EV_MAX_VERTICES;
    for (int attempt = 0; attempt < 32; attempt++) {
        ev_prog h = *g;
        int w = rnd(r, 21), ok;
        w = w < 6 ? 0 : w < 10 ? 1 : w < 14 ? 2 : w < 18 ? 3 : w < 20 ? 4 : 5;
        switch (w) {
        case 0: ok = insert(&h, ops, r); break;
        case 1: ok = remove_op(&h, r); break;
        case 2: ok = rewire(&h, r); break;
        case 3: ok = change_op(&h, ops, r); break;
        case 4: ok = perturb_const(&h, r); break;
        default: ok = square_out(&h); break;
        }
        if (!ok) continue;
        ev_prog_compact(&h);
        if (h.n > max_vertices || !ev_prog_valid(&h)) continue;
        *g = h;
        return what[w];
    }
    return "none";
}
