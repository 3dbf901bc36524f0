/*
 * The nested 1-D nodes both rules share (internal.h: ids, levels), the 1-D basis functions at a
 * point — Lagrange polynomials by the barycentric formula for clenshaw-curtis, hats and quadratic
 * bubbles for localp — and the hierarchy (parents, children) of the local rule.
 */
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

#include "internal.h"
#include "uniapprox/chebtech.h"

int ua_sparse_node_level(uint32_t id)
{
    if (id == 0) return 0;
    if (id <= 2) return 1;
#if defined(__GNUC__)
    return 32 - __builtin_clz(id - 1);
#else
    int l = 0;
    for (uint32_t v = id - 1; v; v >>= 1) l++;
    return l;
#endif
}

/* Level l and k of id in the level's 2^l + 1 nodes (k = 0 .. 2^l). */
static void level_k(uint32_t id, int *l, uint64_t *k)
{
    *l = ua_sparse_node_level(id);
    if (*l == 0) *k = 0; /* a single node; the caller treats level 0 apart */
    else if (*l == 1) *k = id == 1 ? 0 : 2;
    else *k = 2 * (uint64_t)(id - ua_sparse_first_id(*l)) + 1;
}

/* -cos(pi k / M) as sin(pi (2k - M) / (2M)): odd in 2k - M (symmetric bitwise), and the same
 * double for (l, k) and (l + 1, 2k) since both the product and the quotient scale by 2 exactly:
 * the nested nodes agree bitwise across levels. */
static double cc_t(uint64_t k, uint64_t M)
{
    if (k == 0) return -1.0;
    if (k == M) return 1.0;
    const double pi = 3.14159265358979323846;
    return sin(pi * ((double)(2 * k) - (double)M) / (2.0 * (double)M));
}

double ua_sparse_node_t(ua_sparse_rule rule, uint32_t id)
{
    int l;
    uint64_t k;
    level_k(id, &l, &k);
    if (l == 0) return 0.0;
    uint64_t M = (uint64_t)1 << l;
    if (rule == UA_SPARSE_CC) return cc_t(k, M);
    return ((double)(2 * k) - (double)M) / (double)M; /* exact: M <= 2^30 */
}

double ua_sparse_node_x(ua_sparse_rule rule, uint32_t id, double lo, double hi)
{
    double t = ua_sparse_node_t(rule, id);
    if (t == -1.0) return lo;
    if (t == 1.0) return hi;
    double mid = 0.5 * lo + 0.5 * hi, half = 0.5 * hi - 0.5 * lo;
    return mid + half * t;
}

/* The clenshaw-curtis nodes of every level up to the cap, level by level (t of (l, k) at
 * tlev[off[l] + k]), computed once: the barycentric sums read them in order. */
static double *tlev;
static size_t tlev_off[UA_SPARSE_CC_MAX_LEVEL + 2];
static pthread_once_t tlev_once = PTHREAD_ONCE_INIT;

static void tlev_init(void)
{
    size_t total = 0;
    for (int l = 0; l <= UA_SPARSE_CC_MAX_LEVEL; l++) {
        tlev_off[l] = total;
        total += ua_sparse_nodes_upto(l);
    }
    tlev_off[UA_SPARSE_CC_MAX_LEVEL + 1] = total;
    tlev = malloc(total * sizeof *tlev); /* 2^17 doubles; NULL checked by the callers */
    if (!tlev) return;
    tlev[0] = 0.0;
    for (int l = 1; l <= UA_SPARSE_CC_MAX_LEVEL; l++) {
        uint64_t M = (uint64_t)1 << l;
        for (uint64_t k = 0; k <= M; k++) tlev[tlev_off[l] + k] = cc_t(k, M);
    }
}

const double *ua_sparse_cc_level_nodes(int l)
{
    pthread_once(&tlev_once, tlev_init);
    return tlev ? tlev + tlev_off[l] : NULL;
}

/* The node id of node k (0 .. 2^l) of level l, per level (idlev + tlev_off[l]), computed once. */
static uint32_t *idlev;
static pthread_once_t idlev_once = PTHREAD_ONCE_INIT;

static void idlev_init(void)
{
    pthread_once(&tlev_once, tlev_init);
    idlev = malloc(tlev_off[UA_SPARSE_CC_MAX_LEVEL + 1] * sizeof *idlev);
    if (!idlev) return;
    idlev[0] = 0;
    for (int l = 1; l <= UA_SPARSE_CC_MAX_LEVEL; l++) {
        uint64_t M = (uint64_t)1 << l;
        for (uint64_t k = 0; k <= M; k++) idlev[tlev_off[l] + k] = ua_sparse_local_id(l, k);
    }
}

/* The barycentric formula per level, L^l_k(t) = (w_k / (t - t_k)) / S_l with
 * S_l = sum_k w_k / (t - t_k) over the level's nodes in increasing order. The nodes are nested and
 * bitwise equal across levels, so every 1 / (t - t_k) is computed once, at the finest level (one
 * division per node instead of one per node and level), and w_k / (t - t_k) is w_k * (1 / (t - t_k))
 * exactly (w_k is +-1 or +-1/2, and |1 / (t - t_k)| >= 1/2 is far from the subnormals): the same
 * doubles, in the same order, as dividing at every level. */
void ua_sparse_cc_values(double t, int maxl, double *v)
{
    v[0] = 1.0;
    if (maxl <= 0) return;
    pthread_once(&idlev_once, idlev_init);
    const double *tk = ua_sparse_cc_level_nodes(maxl);
    const uint32_t *ik = idlev + tlev_off[maxl];
    const size_t M = (size_t)1 << maxl;
    /* v[id] holds 1 / (t - t_id) for now; hit: the node t is on (or within 2^-960 of) */
    uint32_t hit = UA_SPARSE_NONE;
    for (size_t k = 0; k <= M; k++) {
        double diff = t - tk[k];
        if (fabs(diff) < 0x1p-960) {
            hit = ik[k];
            v[ik[k]] = 0.0;
        } else {
            v[ik[k]] = 1.0 / diff;
        }
    }
    const int hitl = hit == UA_SPARSE_NONE ? INT32_MAX : ua_sparse_node_level(hit);
    double S[UA_SPARSE_CC_MAX_LEVEL + 1];
    for (int l = 1; l <= maxl; l++) {
        if (hitl <= l) continue; /* the level's values are 1 / 0 */
        const uint32_t *il = idlev + tlev_off[l];
        size_t Ml = (size_t)1 << l;
        double sum = 0.0;
        for (size_t k = 0; k <= Ml; k++) {
            double w = (k & 1) ? -1.0 : 1.0;
            if (k == 0 || k == Ml) w *= 0.5;
            sum += w * v[il[k]];
        }
        S[l] = sum;
    }
    /* the nodes new at each level: k = 0 and M at level 1, the odd k above; each reads only its
     * own reciprocal, so overwriting in place is safe */
    for (int l = 1; l <= maxl; l++) {
        const uint32_t *il = idlev + tlev_off[l];
        size_t Ml = (size_t)1 << l, step = l == 1 ? Ml : 2, k0 = l == 1 ? 0 : 1;
        for (size_t k = k0; k <= Ml; k += step) {
            uint32_t id = il[k];
            if (hitl <= l) {
                v[id] = id == hit ? 1.0 : 0.0;
            } else {
                double w = (k & 1) ? -1.0 : 1.0;
                if (k == 0 || k == Ml) w *= 0.5;
                v[id] = w * v[id] / S[l];
            }
        }
    }
    v[0] = 1.0; /* level 0 (the centre held its reciprocal meanwhile) */
}

double ua_sparse_local_basis(uint32_t id, int order, double t)
{
    if (id == 0) return 1.0;
    if (id == 1) return t < 0 ? -t : 0.0;
    if (id == 2) return t > 0 ? t : 0.0;
    int l;
    uint64_t k;
    level_k(id, &l, &k);
    /* s = |u 2^l - k| with u = (t + 1) / 2: the distance from the node in units of the half
     * support 2^-l */
    double s = fabs((t + 1.0) * (double)(1u << (l - 1)) - (double)k); /* exact, as ldexp */
    if (!(s < 1.0)) return 0.0;
    return order == 2 ? (1.0 - s) * (1.0 + s) : 1.0 - s;
}

double ua_sparse_node_weight(ua_sparse_rule rule, int order, uint32_t id)
{
    int l;
    uint64_t k;
    level_k(id, &l, &k);
    if (l == 0) return 1.0;
    if (rule == UA_SPARSE_LOCALP) {
        if (l == 1) return 0.25;
        double h = ldexp(1.0, -l);
        return order == 2 ? 4.0 / 3.0 * h : h;
    }
    /* the node's weight in its level's Clenshaw-Curtis rule, halved (the rule is on [-1, 1]) */
    size_t n = ((size_t)1 << l) + 1;
    double *w = malloc(n * sizeof *w);
    if (!w) return NAN;
    ua_cc_weights(n, w);
    double r = 0.5 * w[k];
    free(w);
    return r;
}

uint32_t ua_sparse_local_parent(uint32_t id)
{
    int l = ua_sparse_node_level(id);
    if (l <= 1) return 0;
    if (l == 2) return id == 3 ? 1 : 2;
    return ua_sparse_first_id(l - 1) + (id - ua_sparse_first_id(l)) / 2;
}

void ua_sparse_local_children(uint32_t id, uint32_t *c, int *nc)
{
    int l = ua_sparse_node_level(id);
    *nc = 0;
    if (l >= UA_SPARSE_LOCAL_MAX_LEVEL) return;
    if (l == 0) {
        c[0] = 1, c[1] = 2, *nc = 2;
    } else if (l == 1) {
        c[0] = id == 1 ? 3 : 4, *nc = 1;
    } else {
        uint32_t m = id - ua_sparse_first_id(l), f = ua_sparse_first_id(l + 1);
        c[0] = f + 2 * m, c[1] = f + 2 * m + 1, *nc = 2;
    }
}

uint32_t ua_sparse_local_id(int l, uint64_t k)
{
    while (l > 1 && k % 2 == 0) {
        k /= 2;
        l--;
    }
    if (l <= 1) return k == 0 ? 1 : k == 2 ? 2 : 0;
    return ua_sparse_first_id(l) + (uint32_t)((k - 1) / 2);
}
