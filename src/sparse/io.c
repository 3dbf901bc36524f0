/*
 * Saving and loading a sparse grid through the model file (safetensors). The file is untrusted:
 * load checks every shape, every node id (an integer of a level the rule allows), the blocks of a
 * global grid against its points, and the box, before building a state.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static const char *const refinement_names[] = { "surplus", "classic", "parents_first",
                                                "direction_selective", "fds", "none", "anisotropic" };

static ua_status set_num(ua_st *st, const char *key, double v)
{
    char buf[32];
    return ua_st_set_meta(st, key, ua_fmt_double(buf, v));
}

ua_status ua_sparse_save(const void *state, ua_st *st)
{
    const ua_sparse *g = state;
    const size_t d = g->d;
    double *nd = malloc(g->n * d * sizeof *nd), *bl = NULL;
    if (!nd) return UA_ENOMEM_ERR(g->n * d * sizeof *nd);
    for (size_t j = 0; j < g->n * d; j++) nd[j] = (double)g->node[j];
    int64_t sd = (int64_t)d, sn[2] = { (int64_t)g->n, (int64_t)d }, s1 = (int64_t)g->n;
    ua_status r = ua_st_add(st, "lo", UA_F64, 1, &sd, g->lo);
    if (!r) r = ua_st_add(st, "hi", UA_F64, 1, &sd, g->hi);
    if (!r) r = ua_st_add(st, "nodes", UA_F64, 2, sn, nd);
    if (!r) r = ua_st_add(st, "surplus", UA_F64, 1, &s1, g->surplus);
    if (!r && g->rule == UA_SPARSE_CC) {
        int64_t sb[2] = { (int64_t)g->nblocks, (int64_t)d };
        if (!(bl = malloc(g->nblocks * d * sizeof *bl))) r = UA_ENOMEM_ERR(g->nblocks * d * 8);
        for (size_t j = 0; !r && j < g->nblocks * d; j++) bl[j] = (double)g->blevel[j];
        if (!r) r = ua_st_add(st, "blocks", UA_F64, 2, sb, bl);
    }
    free(nd);
    free(bl);
    if (!r) r = ua_st_set_meta(st, "rule", g->rule == UA_SPARSE_CC ? "clenshaw-curtis" : "localp");
    if (!r && g->rule == UA_SPARSE_LOCALP) r = set_num(st, "order", g->order);
    if (!r) r = set_num(st, "evaluations", (double)g->evaluations);
    if (!r && g->refinement >= 0 && g->refinement <= UA_SREF_ANISOTROPIC)
        r = ua_st_set_meta(st, "refinement", refinement_names[g->refinement]);
    if (!r && isfinite(g->estimated_err)) r = set_num(st, "estimated_err", g->estimated_err);
    return r;
}

/* An F64 tensor of non-negative integers <= top as uint32 (n entries). */
static ua_status integers(const double *v, size_t n, double top, const char *name, uint32_t *out)
{
    for (size_t j = 0; j < n; j++) {
        if (!(v[j] >= 0 && v[j] <= top && v[j] == floor(v[j])))
            return UA_ERR(UA_EFORMAT, "sparse model: tensor '%s' entry %zu (%.17g) is not an "
                          "integer in [0, %.0f]", name, j, v[j], top);
        out[j] = (uint32_t)v[j];
    }
    return UA_OK;
}

/* The blocks must produce exactly the stored points, in the order add_blocks writes them. */
static ua_status check_blocks(ua_sparse *g)
{
    const size_t d = g->d;
    size_t p = 0;
    for (size_t b = 0; b < g->nblocks; b++) {
        const uint32_t *l = g->blevel + b * d;
        size_t cnt = 1;
        for (size_t i = 0; i < d; i++) {
            size_t k = ua_sparse_nodes_new((int)l[i]);
            if (cnt > g->n / k + 1) return UA_ERR(UA_EFORMAT, "sparse model: block %zu is larger than the grid", b);
            cnt *= k;
        }
        g->boff[b] = p;
        if (cnt > g->n - p) return UA_ERR(UA_EFORMAT, "sparse model: the blocks hold more points than the %zu stored", g->n);
        size_t m[UA_PROBLEM_MAX_DIM] = { 0 };
        for (size_t r = 0; r < cnt; r++, p++) {
            for (size_t i = 0; i < d; i++)
                if (g->node[p * d + i] != ua_sparse_first_id((int)l[i]) + (uint32_t)m[i])
                    return UA_ERR(UA_EFORMAT, "sparse model: point %zu does not belong to block %zu", p, b);
            size_t i = d;
            while (i > 0 && ++m[i - 1] == ua_sparse_nodes_new((int)l[i - 1])) m[--i] = 0;
        }
    }
    g->boff[g->nblocks] = p;
    if (p != g->n) return UA_ERR(UA_EFORMAT, "sparse model: the blocks hold %zu points, not the %zu stored", p, g->n);
    return UA_OK;
}

ua_status ua_sparse_load(const ua_st *st, double lo, double hi, void **state)
{
    (void)hi; /* the box is the model's own tensors; a 1-D model's domain is the same interval */
    *state = NULL;
    const char *rule = ua_st_meta(st, "rule"), *ref = ua_st_meta(st, "refinement");
    ua_sparse_rule r;
    if (rule && !strcmp(rule, "clenshaw-curtis")) r = UA_SPARSE_CC;
    else if (rule && !strcmp(rule, "localp")) r = UA_SPARSE_LOCALP;
    else return UA_ERR(UA_EFORMAT, "sparse model: metadata 'rule' must be clenshaw-curtis or localp");
    double order = 0, evals = 0, est = NAN;
    ua_status s = UA_OK;
    if (r == UA_SPARSE_LOCALP) {
        s = ua_st_meta_number(st, "sparse model", "order", 0, &order);
        if (!s && order != 1 && order != 2) s = UA_ERR(UA_EFORMAT, "sparse model: order must be 1 or 2");
    }
    if (!s) s = ua_st_meta_number(st, "sparse model", "evaluations", 0, &evals);
    if (!s && !(evals >= 0 && evals <= 1e15)) s = UA_ERR(UA_EFORMAT, "sparse model: evaluations out of range");
    if (!s && ua_st_meta(st, "estimated_err")) s = ua_st_meta_number(st, "sparse model", "estimated_err", 1, &est);
    const double *blo, *bhi, *nodes, *sur, *blocks = NULL;
    size_t d = 0, d2 = 0, n = 0, zero = 0, nb = 0;
    if (!s) s = ua_st_get_f64(st, "sparse model", "lo", 1, &d, &zero, &blo);
    if (!s) s = ua_st_get_f64(st, "sparse model", "hi", 1, &d, &zero, &bhi);
    if (!s && d > UA_PROBLEM_MAX_DIM) s = UA_ERR(UA_EFORMAT, "sparse model: %zu inputs (at most %d)", d, UA_PROBLEM_MAX_DIM);
    for (size_t i = 0; !s && i < d; i++)
        if (!(blo[i] < bhi[i])) s = UA_ERR(UA_EFORMAT, "sparse model: box variable %zu has lo >= hi", i + 1);
    if (!s && d > 1 && isfinite(lo)) s = UA_ERR(UA_EFORMAT, "sparse model: a model of %zu inputs has no interval domain", d);
    d2 = d;
    if (!s) s = ua_st_get_f64(st, "sparse model", "nodes", 2, &n, &d2, &nodes);
    if (!s && n > UA_SPARSE_MAX_POINTS) s = UA_ERR(UA_EFORMAT, "sparse model: %zu points (at most %zu)", n, UA_SPARSE_MAX_POINTS);
    if (!s) s = ua_st_get_f64(st, "sparse model", "surplus", 1, &n, &zero, &sur);
    d2 = d;
    if (!s && r == UA_SPARSE_CC) s = ua_st_get_f64(st, "sparse model", "blocks", 2, &nb, &d2, &blocks);
    if (!s && nb > n) s = UA_ERR(UA_EFORMAT, "sparse model: more blocks than points");
    if (s) return s;
    ua_sparse *g = NULL;
    if ((s = ua_sparse_new(d, r, r == UA_SPARSE_LOCALP ? (int)order : 0, blo, bhi, &g))) return s;
    size_t cap = 0;
    s = ua_sparse_reserve(g, n, &cap);
    if (!s) {
        g->n = n;
        memcpy(g->surplus, sur, n * sizeof *sur);
        double top = r == UA_SPARSE_CC ? (double)(ua_sparse_nodes_upto(UA_SPARSE_CC_MAX_LEVEL) - 1)
                                       : (double)(ua_sparse_nodes_upto(UA_SPARSE_LOCAL_MAX_LEVEL) - 1);
        s = integers(nodes, n * d, top, "nodes", g->node);
    }
    if (!s && r == UA_SPARSE_CC) {
        g->nblocks = nb;
        size_t *bo = realloc(g->boff, (nb + 1) * sizeof *bo);
        if (bo) g->boff = bo;
        if (!bo || !(g->blevel = malloc(nb * d * sizeof *g->blevel))) s = UA_ENOMEM_ERR(nb * d * 8);
        if (!s) s = integers(blocks, nb * d, UA_SPARSE_CC_MAX_LEVEL, "blocks", g->blevel);
        if (!s) s = check_blocks(g);
    }
    if (!s) s = ua_sparse_update_levels(g);
    if (!s && r == UA_SPARSE_LOCALP) s = ua_sparse_tree_build(g);
    if (s) {
        ua_sparse_free(g);
        return s;
    }
    g->evaluations = (size_t)evals;
    g->estimated_err = est;
    g->refinement = UA_SREF_NONE;
    for (int k = 0; ref && k <= UA_SREF_ANISOTROPIC; k++)
        if (!strcmp(ref, refinement_names[k])) g->refinement = k;
    *state = g;
    return UA_OK;
}
