/*
 * The tree of a local (localp) grid and its evaluation by descent.
 *
 * A local basis function is nonzero only on its support, and the support of a child (the next
 * level in one direction) lies inside its parent's: the hat of node id at level l >= 2 is
 * nonzero on (t_k - 2^(1-l), t_k + 2^(1-l)), its two children's on the halves; level 1's
 * half-hats on [-1, 0) and (0, 1]; level 0 everywhere. So the points whose basis is nonzero at t
 * form a subtree that a descent from the root finds without looking at any other point — how
 * Tasmanian evaluates its local polynomial grids. Profiling showed why it matters: before, every
 * evaluation (and every surplus of a new point during the fit, c_q = f(x_q) - I(x_q)) visited
 * all n points, so the fit cost O(n^2 d) and a 50000-point 2-D fit ran for minutes.
 *
 * Each point is visited once: a point q is reached only from its canonical parent — q with its
 * last nonzero direction i moved to the parent node — i.e. from a point p one descends only in
 * the directions i >= the last nonzero direction of p. The contributions are then summed in the
 * order of the points (sorted by index), with the products formed as before (surplus times the
 * 1-D factors in dimension order), so the result is bitwise the old sum over every point: the
 * points left out contribute exact zeros.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Which child of parent id the node c is (0 or 1). */
static int child_slot(uint32_t parent, uint32_t c)
{
    uint32_t ch[2];
    int nc;
    ua_sparse_local_children(parent, ch, &nc);
    return nc == 2 && ch[1] == c;
}

static void go_flat(ua_sparse *g)
{
    free(g->kid);
    g->kid = NULL;
    g->kidcap = 0;
    g->flat = 1;
}

ua_status ua_sparse_tree_extend(ua_sparse *g, const ua_sparse_hash *h, size_t from)
{
    const size_t d = g->d, n = g->n;
    if (g->flat) return UA_OK;
    if (n > g->kidcap) {
        size_t c = g->kidcap ? g->kidcap : 64;
        while (c < n) c *= 2;
        uint32_t *k = realloc(g->kid, c * d * 2 * sizeof *k);
        if (!k) return UA_ENOMEM_ERR(c * d * 2 * sizeof *k);
        g->kid = k;
        g->kidcap = c;
    }
    for (size_t j = from * d * 2; j < n * d * 2; j++) g->kid[j] = UA_SPARSE_NONE;
    uint32_t par[UA_PROBLEM_MAX_DIM];
    for (size_t q = from; q < n; q++) {
        const uint32_t *nd = g->node + q * d;
        int root = 1;
        for (size_t j = 0; j < d; j++) {
            if (nd[j] == 0) continue;
            root = 0;
            memcpy(par, nd, d * sizeof *nd);
            par[j] = ua_sparse_local_parent(nd[j]);
            size_t p = ua_sparse_hash_find(h, g->node, d, par);
            if (p == SIZE_MAX) { /* not closed under parents: no descent */
                go_flat(g);
                return UA_OK;
            }
            uint32_t *slot = g->kid + (p * d + j) * 2 + child_slot(par[j], nd[j]);
            if (*slot != UA_SPARSE_NONE) { /* the point twice */
                go_flat(g);
                return UA_OK;
            }
            *slot = (uint32_t)q;
        }
        if (root) {
            if (q != ua_sparse_hash_find(h, g->node, d, nd)) { /* the root twice */
                go_flat(g);
                return UA_OK;
            }
            g->root = q;
        }
    }
    return UA_OK;
}

ua_status ua_sparse_tree_build(ua_sparse *g)
{
    ua_sparse_hash h = { 0 };
    ua_status s = UA_OK;
    free(g->kid); /* from scratch */
    g->kid = NULL;
    g->kidcap = 0;
    g->flat = 0;
    g->root = UA_SPARSE_NONE;
    for (size_t p = 0; p < g->n && !s; p++) s = ua_sparse_hash_add(&h, g->node, g->d, p);
    if (!s) s = ua_sparse_tree_extend(g, &h, 0);
    ua_sparse_hash_free(&h);
    return s;
}

void ua_sparse_walk_free(ua_sparse_walk *w)
{
    free(w->stack);
    free(w->dir);
    free(w->hit);
    free(w->val);
    memset(w, 0, sizeof *w);
}

static ua_status walk_reserve(ua_sparse_walk *w, size_t n)
{
    if (n <= w->cap) return UA_OK;
    size_t c = w->cap ? w->cap : 64;
    while (c < n) c *= 2;
    uint32_t *st = realloc(w->stack, c * sizeof *st);
    if (st) w->stack = st;
    unsigned char *dr = realloc(w->dir, c);
    if (dr) w->dir = dr;
    uint32_t *hi = realloc(w->hit, c * sizeof *hi);
    if (hi) w->hit = hi;
    double *v = realloc(w->val, c * sizeof *v);
    if (v) w->val = v;
    if (!st || !dr || !hi || !v) return UA_ENOMEM_ERR(c * 17);
    w->cap = c;
    return UA_OK;
}

/* Sorts hit[0..k) (with val) by point index: insertion sort for the short runs, else a heap sort
 * (no recursion, no allocation). */
static void sort_hits(uint32_t *hit, double *val, size_t k)
{
    if (k < 32) {
        for (size_t a = 1; a < k; a++) {
            uint32_t h = hit[a];
            double v = val[a];
            size_t b = a;
            while (b > 0 && hit[b - 1] > h) {
                hit[b] = hit[b - 1];
                val[b] = val[b - 1];
                b--;
            }
            hit[b] = h;
            val[b] = v;
        }
        return;
    }
    /* heap sort */
    size_t n = k;
    for (size_t start = n / 2; start-- > 0;) {
        size_t r = start;
        for (;;) {
            size_t c = 2 * r + 1;
            if (c >= n) break;
            if (c + 1 < n && hit[c + 1] > hit[c]) c++;
            if (hit[r] >= hit[c]) break;
            uint32_t th = hit[r]; hit[r] = hit[c]; hit[c] = th;
            double tv = val[r]; val[r] = val[c]; val[c] = tv;
            r = c;
        }
    }
    for (size_t end = n - 1; end > 0; end--) {
        uint32_t th = hit[0]; hit[0] = hit[end]; hit[end] = th;
        double tv = val[0]; val[0] = val[end]; val[end] = tv;
        size_t r = 0;
        for (;;) {
            size_t c = 2 * r + 1;
            if (c >= end) break;
            if (c + 1 < end && hit[c + 1] > hit[c]) c++;
            if (hit[r] >= hit[c]) break;
            th = hit[r]; hit[r] = hit[c]; hit[c] = th;
            tv = val[r]; val[r] = val[c]; val[c] = tv;
            r = c;
        }
    }
}

ua_status ua_sparse_local_eval(const ua_sparse *g, const double *t, size_t limit,
                               ua_sparse_walk *w, double *y)
{
    const size_t d = g->d;
    if (limit > g->n) limit = g->n;
    w->nhit = 0;
    if (g->flat || !g->kid) {
        double sum = 0.0;
        for (size_t p = 0; p < limit; p++) {
            const uint32_t *nd = g->node + p * d;
            double v = g->surplus[p];
            for (size_t i = 0; i < d && v != 0.0; i++) v *= ua_sparse_local_basis(nd[i], g->order, t[i]);
            sum += v;
        }
        *y = sum;
        return UA_OK;
    }
    if (g->root == UA_SPARSE_NONE || g->root >= limit) {
        *y = 0.0;
        return UA_OK;
    }
    ua_status s = walk_reserve(w, limit);
    if (s) return s;
    size_t top = 0, k = 0;
    w->stack[top] = (uint32_t)g->root;
    w->dir[top++] = 0;
    while (top) {
        top--;
        const uint32_t p = w->stack[top];
        const size_t from = w->dir[top];
        const uint32_t *nd = g->node + (size_t)p * d;
        /* the same product as the sum over every point (every factor here is nonzero) */
        double v = g->surplus[p];
        for (size_t i = 0; i < d && v != 0.0; i++) v *= ua_sparse_local_basis(nd[i], g->order, t[i]);
        w->hit[k] = p;
        w->val[k++] = v;
        const uint32_t *kp = g->kid + (size_t)p * d * 2;
        for (size_t i = from; i < d; i++)
            for (int c = 0; c < 2; c++) {
                uint32_t q = kp[2 * i + c];
                if (q == UA_SPARSE_NONE || q >= limit) continue;
                if (ua_sparse_local_basis(g->node[(size_t)q * d + i], g->order, t[i]) == 0.0) continue;
                w->stack[top] = q;
                w->dir[top++] = (unsigned char)i;
            }
    }
    sort_hits(w->hit, w->val, k);
    w->nhit = k;
    double sum = 0.0;
    for (size_t j = 0; j < k; j++) sum += w->val[j];
    *y = sum;
    return UA_OK;
}
