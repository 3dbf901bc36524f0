/*
 * The local grid (localp, order 1 or 2): a Smolyak grid of the starting level on the equispaced
 * dyadic nodes, then surplus refinement with Tasmanian's refinement types (setSurplusRefinement):
 *   classic              every point with |surplus| > tol gets its children in every direction;
 *   parents_first        the same, but a child whose hierarchical parents (in the other
 *                        directions) are missing waits: the parents are added first;
 *   direction_selective  children only in the directions whose 1-D surplus (the point's value
 *                        minus the linear interpolant of the ends of its support in that
 *                        direction) is > tol;
 *   fds                  parents_first and direction_selective together.
 * Whatever the type, the set is kept closed under parents (a child comes with its missing
 * ancestors, added first), which is what makes the surplus c_q = f(x_q) - I(x_q), with I over the
 * points present, the hierarchical coefficient (internal.h). One batch of evaluations per round;
 * rounds go on until no point with |surplus| > tol lacks a child, or the budget is spent.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

typedef struct {
    ua_sparse *g;
    ua_sparse_target *f;
    const ua_sparse_options *o;
    size_t cap, ycap;
    ua_sparse_hash ph; /* the points present */
    double *y;         /* (n,) f at each point */
    double scale;
    /* the round's queue of new points */
    uint32_t *qn;
    size_t nq, qcap;
    ua_sparse_hash qh;
    size_t room;       /* evaluations left for this round */
    int capped;        /* a point above tol had no children (largest level) */
    int cellcap;       /* a cell to refine had no children (largest level) */
    ua_sparse_walk walk; /* the descent's work space (tree.c) */
    /* order 2: the probes of the suspect cells (probe_suspects) */
    unsigned char *probed; /* (n,) the point's cell probed already */
    size_t probedcap;
    double *pbad;          /* (npbad, d) the probes that missed, the worst first */
    size_t npbad;
} local_build;

static int level_sum(const uint32_t *nd, size_t d)
{
    int s = 0;
    for (size_t i = 0; i < d; i++) s += ua_sparse_node_level(nd[i]);
    return s;
}

/* (key, index) pairs sorted by key then index: no context needed, so two fits may run at once. */
typedef struct {
    double key;
    size_t idx;
} keyed;
static int by_key(const void *a, const void *b)
{
    const keyed *x = a, *y = b;
    if (x->key != y->key) return x->key < y->key ? -1 : 1;
    return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* Appends k new points nd (k, d) (closed with the present ones): sorted by level sum, one batch
 * of evaluations, then each surplus against the points before it. */
static ua_status add_points(local_build *b, const uint32_t *nd, size_t k)
{
    ua_sparse *g = b->g;
    const size_t d = g->d, n0 = g->n;
    if (!k) return UA_OK;
    ua_status s = ua_sparse_reserve(g, n0 + k, &b->cap);
    if (s) return s;
    if (n0 + k > b->ycap) {
        double *y = realloc(b->y, b->cap * sizeof *y);
        if (!y) return UA_ENOMEM_ERR(b->cap * sizeof *y);
        b->y = y;
        b->ycap = b->cap;
    }
    keyed *ord = malloc(k * sizeof *ord);
    double *x = malloc(k * d * sizeof *x), *y = malloc(k * sizeof *y);
    if (!ord || !x || !y) {
        free(ord), free(x), free(y);
        return UA_ENOMEM_ERR(k * d * sizeof *x);
    }
    for (size_t j = 0; j < k; j++) ord[j] = (keyed){ (double)level_sum(nd + j * d, d), j };
    qsort(ord, k, sizeof *ord, by_key);
    for (size_t j = 0; j < k; j++)
        memcpy(g->node + (n0 + j) * d, nd + ord[j].idx * d, d * sizeof *nd);
    free(ord);
    g->n = n0 + k;
    for (size_t j = 0; j < k && !s; j++) s = ua_sparse_hash_add(&b->ph, g->node, d, n0 + j);
    /* the new points' places in the tree: their surpluses below only visit the points whose
     * support holds them (tree.c), not all n */
    if (!s) s = ua_sparse_tree_extend(g, &b->ph, n0);
    for (size_t j = 0; j < k; j++) ua_sparse_point_x(g, n0 + j, x + j * d);
    if (!s) s = ua_sparse_eval_target(b->f, x, k, d, y);
    double t[UA_PROBLEM_MAX_DIM];
    for (size_t j = 0; j < k && !s; j++) {
        size_t q = n0 + j;
        b->y[q] = y[j];
        b->scale = fmax(b->scale, fabs(y[j]));
        for (size_t i = 0; i < d; i++) t[i] = ua_sparse_node_t(g->rule, g->node[q * d + i]);
        double iq = 0.0;
        s = ua_sparse_local_eval(g, t, q, &b->walk, &iq);
        g->surplus[q] = y[j] - iq;
    }
    free(x), free(y);
    if (!s) s = ua_sparse_update_levels(g);
    return s;
}

static int present(const local_build *b, const uint32_t *nd)
{
    return ua_sparse_hash_find(&b->ph, b->g->node, b->g->d, nd) != SIZE_MAX ||
           ua_sparse_hash_find(&b->qh, b->qn, b->g->d, nd) != SIZE_MAX;
}

/* Queues nd after its missing ancestors (depth first, so the queue is closed at every moment).
 * Returns 1 when the round's room ran out (nd not queued), 0 when queued or present. */
static int ensure(local_build *b, const uint32_t *nd, ua_status *s)
{
    const size_t d = b->g->d;
    if (present(b, nd)) return 0;
    uint32_t par[UA_PROBLEM_MAX_DIM];
    for (size_t j = 0; j < d; j++) {
        if (nd[j] == 0) continue;
        memcpy(par, nd, d * sizeof *nd);
        par[j] = ua_sparse_local_parent(nd[j]);
        if (ensure(b, par, s) || *s) return 1;
    }
    if (b->room == 0) return 1;
    if (b->nq == b->qcap) {
        size_t c = b->qcap ? 2 * b->qcap : 64;
        uint32_t *q = realloc(b->qn, c * d * sizeof *q);
        if (!q) {
            *s = UA_ENOMEM_ERR(c * d * sizeof *q);
            return 1;
        }
        b->qn = q;
        b->qcap = c;
    }
    memcpy(b->qn + b->nq * d, nd, d * sizeof *nd);
    if ((*s = ua_sparse_hash_add(&b->qh, b->qn, d, b->nq))) return 1;
    b->nq++;
    b->room--;
    return 0;
}

/* Whether every hierarchical parent of nd is present or queued. */
static int parents_present(const local_build *b, const uint32_t *nd)
{
    const size_t d = b->g->d;
    uint32_t par[UA_PROBLEM_MAX_DIM];
    for (size_t j = 0; j < d; j++) {
        if (nd[j] == 0) continue;
        memcpy(par, nd, d * sizeof *nd);
        par[j] = ua_sparse_local_parent(nd[j]);
        if (!present(b, par)) return 0;
    }
    return 1;
}

/* The value at point nd, or NaN when it is not present. */
static double value_at(const local_build *b, const uint32_t *nd)
{
    size_t i = ua_sparse_hash_find(&b->ph, b->g->node, b->g->d, nd);
    return i == SIZE_MAX ? NAN : b->y[i];
}

/* The 1-D surplus of point p in direction i (order 1): its value minus the linear interpolant
 * of the values at the ends of its support in that direction; the full surplus at level 0 or
 * when an end is missing. */
static double directional_surplus(const local_build *b, size_t p, size_t i)
{
    const ua_sparse *g = b->g;
    const size_t d = g->d;
    const uint32_t *nd = g->node + p * d;
    int l = ua_sparse_node_level(nd[i]);
    double full = fabs(g->surplus[p]);
    if (l == 0) return full;
    uint32_t e[UA_PROBLEM_MAX_DIM];
    memcpy(e, nd, d * sizeof *nd);
    double r;
    if (l == 1) {
        e[i] = 0;
        r = fabs(b->y[p] - value_at(b, e));
    } else {
        uint64_t k = 2 * (uint64_t)(nd[i] - ua_sparse_first_id(l)) + 1;
        e[i] = ua_sparse_local_id(l, k - 1);
        double left = value_at(b, e);
        e[i] = ua_sparse_local_id(l, k + 1);
        double right = value_at(b, e);
        r = fabs(b->y[p] - 0.5 * (left + right));
    }
    return isnan(r) ? full : r;
}

/* One round: queues the children (and what they need) of the points above tol. Returns 1 when
 * the budget stopped it. */
static int plan_round(local_build *b, double tol, ua_status *s)
{
    ua_sparse *g = b->g;
    const size_t d = g->d;
    const ua_sparse_refinement ref = b->o->refinement;
    const int pf = ref == UA_SREF_PARENTS_FIRST || ref == UA_SREF_FDS;
    const int ds = ref == UA_SREF_DIRECTION_SELECTIVE || ref == UA_SREF_FDS;
    size_t nf = 0;
    keyed *flag = malloc((g->n ? g->n : 1) * sizeof *flag);
    if (!flag) {
        *s = UA_ENOMEM_ERR(g->n * sizeof *flag);
        return 0;
    }
    /* the largest surpluses first (key -|c|), so a budget cut keeps the most important */
    for (size_t p = 0; p < g->n; p++)
        if (fabs(g->surplus[p]) > tol) flag[nf++] = (keyed){ -fabs(g->surplus[p]), p };
    qsort(flag, nf, sizeof *flag, by_key);
    int stopped = 0;
    uint32_t q[UA_PROBLEM_MAX_DIM], par[UA_PROBLEM_MAX_DIM];
    for (size_t a = 0; a < nf && !stopped && !*s; a++) {
        size_t p = flag[a].idx;
        const uint32_t *nd = g->node + p * d;
        for (size_t i = 0; i < d && !stopped && !*s; i++) {
            if (ds && !(directional_surplus(b, p, i) > tol)) continue;
            uint32_t ch[2];
            int nc;
            ua_sparse_local_children(nd[i], ch, &nc);
            if (nc == 0) b->capped = 1;
            for (int c = 0; c < nc && !stopped && !*s; c++) {
                memcpy(q, g->node + p * d, d * sizeof *q);
                q[i] = ch[c];
                if (present(b, q)) continue;
                if (pf && !parents_present(b, q)) {
                    /* the missing parents first; the child comes in a later round */
                    for (size_t j = 0; j < d && !stopped && !*s; j++) {
                        if (q[j] == 0) continue;
                        memcpy(par, q, d * sizeof *q);
                        par[j] = ua_sparse_local_parent(q[j]);
                        stopped = ensure(b, par, s);
                    }
                } else {
                    stopped = ensure(b, q, s);
                }
            }
        }
    }
    free(flag);
    return stopped && !*s;
}

/* Queues the children, towards t (d,) in [-1, 1]^d, of the points whose support holds t — the
 * cells that contain t, one level finer in every direction (with their missing ancestors,
 * ensure). A cell at the largest level sets b->cellcap. Returns 1 when the round's room ran out. */
static int refine_cells(local_build *b, const double *t, ua_status *s)
{
    ua_sparse *g = b->g;
    const size_t d = g->d;
    double y;
    if ((*s = ua_sparse_local_eval(g, t, g->n, &b->walk, &y))) return 0;
    size_t nh = b->walk.nhit;
    const uint32_t *hit = b->walk.hit;
    uint32_t *all = NULL;
    if (g->flat || !g->kid) { /* no tree (not in a fit, which keeps the set closed): every point */
        if (!(all = malloc((g->n ? g->n : 1) * sizeof *all))) {
            *s = UA_ENOMEM_ERR(g->n * sizeof *all);
            return 0;
        }
        nh = 0;
        for (size_t p = 0; p < g->n; p++) {
            int in = 1;
            for (size_t i = 0; i < d && in; i++)
                in = ua_sparse_local_basis(g->node[p * d + i], g->order, t[i]) != 0.0;
            if (in) all[nh++] = (uint32_t)p;
        }
        hit = all;
    }
    int stopped = 0;
    uint32_t q[UA_PROBLEM_MAX_DIM];
    for (size_t a = 0; a < nh && !stopped && !*s; a++) {
        const uint32_t *nd = g->node + (size_t)hit[a] * d;
        for (size_t i = 0; i < d && !stopped && !*s; i++) {
            uint32_t ch[2];
            int nc;
            ua_sparse_local_children(nd[i], ch, &nc);
            if (nc == 0) b->cellcap = 1;
            for (int c = 0; c < nc && !stopped && !*s; c++) {
                if (ua_sparse_local_basis(ch[c], g->order, t[i]) == 0.0) continue;
                memcpy(q, nd, d * sizeof *q);
                q[i] = ch[c];
                stopped = ensure(b, q, s);
            }
        }
    }
    free(all);
    return stopped && !*s;
}

/* Probes' distance from the point, in half-widths of its support: 1 - 1/phi, off every dyadic
 * node, so a probe cannot land where the next levels would put a point. */
#define PROBE_AT 0.38196601125010515
/* A child whose surplus is below its parent's by more than this is a suspect (order 2: the
 * surpluses of a smooth target shrink by about 8 a level, a kink's by about 2). */
#define SUSPECT_RATIO 256.0

/* Order 2's own check of the cells the surpluses cannot see. A quadratic bubble's surplus is the
 * error at one point: next to a kink the parabola through the ends of a support and its parent's
 * node can pass exactly (or nearly) through the target at the node, so the point gets no
 * children although its cell misses the kink (abs(x - 0.3) on [0, 1]: the point x = 0.3046875 has
 * surplus -2.8e-8 where its parent's is 9.4e-3, and the grid misses by 3e-3 at x = 0.3). So every
 * leaf q (no children in direction j) whose surplus is <= tol while its parent in direction j
 * has one > tol and SUSPECT_RATIO times |c_q| is probed at the two points t_q,j +- PROBE_AT h
 * (h the half-width of its support; one point, inwards, at level 1), each point once; the probes
 * that miss the target by more than tol_user are kept in b->pbad, the worst first. The caller
 * passes a quarter of the user's tolerance: two probes see a fraction of the cell's error
 * (abs(x - 0.3) + y at --tol 1e-3: probes 1.65e-3 and 7.3e-4 off, the cell 3e-3 at the kink, the
 * tolerance 1.7e-3), and a smooth suspect's probes are off by about its own tiny surplus.
 * Counted as evaluations; skipped where the budget has no room. */
static ua_status probe_suspects(local_build *b, double tol, double tol_user)
{
    ua_sparse *g = b->g;
    const size_t d = g->d, n = g->n;
    b->npbad = 0;
    if (n > b->probedcap) {
        unsigned char *pr = realloc(b->probed, n);
        if (!pr) return UA_ENOMEM_ERR(n);
        memset(pr + b->probedcap, 0, n - b->probedcap);
        b->probed = pr;
        b->probedcap = n;
    }
    size_t room = b->o->max_evals > b->f->evaluations ? b->o->max_evals - b->f->evaluations : 0;
    size_t k = 0, cap = 0;
    double *x = NULL;
    uint32_t par[UA_PROBLEM_MAX_DIM];
    ua_status s = UA_OK;
    for (size_t q = 0; q < n && !s; q++) {
        const uint32_t *nd = g->node + q * d;
        if (b->probed[q] || !(fabs(g->surplus[q]) <= tol)) continue;
        for (size_t j = 0; j < d && !s; j++) {
            if (nd[j] == 0) continue;
            if (g->kid && (g->kid[(q * d + j) * 2] != UA_SPARSE_NONE ||
                           g->kid[(q * d + j) * 2 + 1] != UA_SPARSE_NONE))
                continue;
            memcpy(par, nd, d * sizeof *nd);
            par[j] = ua_sparse_local_parent(nd[j]);
            size_t pp = ua_sparse_hash_find(&b->ph, g->node, d, par);
            if (pp == SIZE_MAX) continue;
            double cp = fabs(g->surplus[pp]);
            if (!(cp > tol && cp > SUSPECT_RATIO * fabs(g->surplus[q]))) continue;
            {
                uint32_t ch[2];
                int nc;
                ua_sparse_local_children(par[j], ch, &nc);
                if (nc == 2) {
                    par[j] = ch[0] == nd[j] ? ch[1] : ch[0];
                    size_t sb = ua_sparse_hash_find(&b->ph, g->node, d, par);
                    if (sb != SIZE_MAX && !(fabs(g->surplus[sb]) > SUSPECT_RATIO * fabs(g->surplus[q])))
                        continue;
                }
            }
            int l = ua_sparse_node_level(nd[j]);
            double tq = ua_sparse_node_t(g->rule, nd[j]);
            double at[2];
            int na = 0;
            if (l == 1) {
                at[na++] = tq < 0 ? -1.0 + PROBE_AT : 1.0 - PROBE_AT;
            } else {
                double h = ldexp(1.0, 1 - l);
                at[na++] = tq - PROBE_AT * h;
                at[na++] = tq + PROBE_AT * h;
            }
            if (k + (size_t)na > room) break; /* the budget: the rest unprobed */
            if (k + 2 > cap) {
                size_t c = cap ? 2 * cap : 64;
                double *nx = realloc(x, c * d * sizeof *nx);
                if (!nx) {
                    s = UA_ENOMEM_ERR(c * d * sizeof *nx);
                    break;
                }
                x = nx, cap = c;
            }
            for (int a = 0; a < na; a++, k++) {
                ua_sparse_point_x(g, q, x + k * d);
                double mid = 0.5 * g->lo[j] + 0.5 * g->hi[j], half = 0.5 * g->hi[j] - 0.5 * g->lo[j];
                x[k * d + j] = mid + half * at[a];
            }
            b->probed[q] = 1;
        }
    }
    double *y = NULL, *p = NULL;
    keyed *ord = NULL;
    if (!s && k) {
        y = malloc(k * sizeof *y), p = malloc(k * sizeof *p), ord = malloc(k * sizeof *ord);
        if (!y || !p || !ord) s = UA_ENOMEM_ERR(k * d * sizeof *x);
    }
    if (!s && k) s = ua_sparse_eval_target(b->f, x, k, d, y);
    if (!s && k) s = ua_sparse_predict(g, x, k, p);
    size_t m = 0;
    for (size_t r = 0; !s && r < k; r++)
        if (fabs(p[r] - y[r]) > tol_user) ord[m++] = (keyed){ -fabs(p[r] - y[r]), r };
    if (!s && m) {
        qsort(ord, m, sizeof *ord, by_key);
        double *pb = realloc(b->pbad, m * d * sizeof *pb);
        if (!pb) s = UA_ENOMEM_ERR(m * d * sizeof *pb);
        else {
            b->pbad = pb;
            for (size_t a = 0; a < m; a++) memcpy(pb + a * d, x + ord[a].idx * d, d * sizeof *x);
            b->npbad = m;
        }
    }
    free(x), free(y), free(p), free(ord);
    return s;
}

ua_status ua_sparse_build_local(ua_sparse_target *f, size_t d, const double *lo,
                                const double *hi, const ua_sparse_options *o, ua_sparse **out)
{
    *out = NULL;
    size_t start = ua_sparse_smolyak_count(d, o->level, o->max_evals);
    if (start == SIZE_MAX)
        return UA_ERR(UA_EINVAL, "--level %d: the Smolyak grid in %zu dimensions has more points "
                      "than --max-evals %zu allows", o->level, d, o->max_evals);
    local_build b = { .f = f, .o = o };
    ua_status s = ua_sparse_new(d, UA_SPARSE_LOCALP, o->order, lo, hi, &b.g);
    if (s) return s;
    ua_sparse *g = b.g;
    g->refinement = o->refinement;
    /* the starting grid: every node of the Smolyak blocks, closed by construction */
    uint32_t *lv = NULL, *nd = NULL;
    size_t nlv = 0;
    s = ua_sparse_smolyak_set(d, o->level, &lv, &nlv);
    if (!s && !(nd = malloc(start * d * sizeof *nd))) s = UA_ENOMEM_ERR(start * d * sizeof *nd);
    size_t p = 0;
    for (size_t j = 0; !s && j < nlv; j++) {
        const uint32_t *l = lv + j * d;
        size_t cnt = 1, m[UA_PROBLEM_MAX_DIM] = { 0 };
        for (size_t i = 0; i < d; i++) cnt *= ua_sparse_nodes_new((int)l[i]);
        for (size_t r = 0; r < cnt; r++, p++) {
            for (size_t i = 0; i < d; i++) nd[p * d + i] = ua_sparse_first_id((int)l[i]) + (uint32_t)m[i];
            size_t i = d;
            while (i > 0 && ++m[i - 1] == ua_sparse_nodes_new((int)l[i - 1])) m[--i] = 0;
        }
    }
    if (!s) s = add_points(&b, nd, p);
    free(lv);
    free(nd);
    int resolved = 0, stopped = 0, stuck = 0;
    int pending = 0; /* the last check failed and its tightened tolerance added no point yet */
    ua_sparse_checker chk = { .factor = 1.0, .err = NAN, .keep = 1 };
    double tol = 0.0;
    size_t last_from = 0; /* the points of the last round (at first: of the top level) */
    while (!s && last_from < g->n && level_sum(g->node + last_from * d, d) < o->level) last_from++;
    while (!s) {
        tol = (o->abs ? o->tol : o->tol * b.scale) * chk.factor;
        if (o->refinement == UA_SREF_NONE) {
            /* without refinement: resolved when the last level's surpluses are below tol */
            resolved = 1;
            for (size_t q = last_from; q < g->n; q++)
                if (fabs(g->surplus[q]) > tol) resolved = 0;
            break;
        }
        b.nq = 0;
        ua_sparse_hash_free(&b.qh);
        b.room = o->max_evals > f->evaluations ? o->max_evals - f->evaluations : 0;
        stopped = plan_round(&b, tol, &s);
        if (s) break;
        if (b.nq == 0) {
            if (stopped || b.capped || b.cellcap) break;
            /* The surpluses are all below tol. Off-grid points that miss the target are refined
             * where they lie: the cells containing them get their children (refine_cells), and
             * the refinement goes on from there, until the check passes or the budget (or the
             * largest level) is hit. They come from the check, once its tightened tolerance
             * added no point (exactly zero surpluses next to a kink: tightening cannot move
             * them), and at order 2 from the probes of the suspect cells first. */
            const double *bad = NULL;
            size_t nbad = 0;
            if (pending) {
                bad = chk.bad, nbad = chk.nbad;
                pending = 0;
            } else if (o->order == 2) {
                s = probe_suspects(&b, tol, 0.25 * (o->abs ? o->tol : o->tol * b.scale));
                if (s) break;
                bad = b.pbad, nbad = b.npbad;
                b.room = o->max_evals > f->evaluations ? o->max_evals - f->evaluations : 0;
            }
            for (size_t r = 0; r < nbad && !stopped && !s; r++) {
                double t[UA_PROBLEM_MAX_DIM];
                ua_sparse_to_t(g, bad + r * d, t);
                stopped = refine_cells(&b, t, &s);
            }
            if (s) break;
            if (b.nq == 0) {
                if (b.cellcap) break;
                int c = ua_sparse_check_done(&chk, f, g, o, b.scale, &s);
                if (c == 0) {
                    pending = 1;
                    continue;
                }
                resolved = c == 1;
                stuck = c == -1;
                break;
            }
        } else {
            pending = 0;
        }
        last_from = g->n;
        s = add_points(&b, b.qn, b.nq);
        if (stopped) break;
    }
    if (!s) {
        /* the constructor's estimate: the largest surplus of the last round's points */
        double est = 0.0;
        for (size_t q = last_from; q < g->n; q++) est = fmax(est, fabs(g->surplus[q]));
        g->estimated_err = isnan(chk.err) ? est : fmax(est, chk.err);
        g->resolved = resolved;
        g->evaluations = f->evaluations;
    }
    ua_sparse_hash_free(&b.ph);
    ua_sparse_hash_free(&b.qh);
    free(b.qn);
    free(b.y);
    ua_sparse_walk_free(&b.walk);
    free(b.probed);
    free(b.pbad);
    free(chk.bad);
    if (s) {
        ua_sparse_free(g);
        return s;
    }
    *out = g;
    if (resolved) return UA_OK;
    if (o->refinement == UA_SREF_NONE)
        return UA_ERR(UA_ENOTRESOLVED, "sparse: level %d without refinement leaves surpluses above "
                      "the tolerance %.3g (%zu evaluations)", o->level, tol, f->evaluations);
    if (stuck)
        return UA_ERR(UA_ENOTRESOLVED, "sparse: the surpluses are below the tolerance but the "
                      "grid misses the target by %.3g at check points off the grid (tolerance "
                      "%.3g)", chk.err, o->abs ? o->tol : o->tol * b.scale);
    if (b.cellcap && !b.capped && !stopped)
        return UA_ERR(UA_ENOTRESOLVED, "sparse: the largest level %d was reached in a cell where "
                      "the grid misses the target at points off the grid (%zu evaluations)",
                      UA_SPARSE_LOCAL_MAX_LEVEL, f->evaluations);
    if (b.capped && !stopped)
        return UA_ERR(UA_ENOTRESOLVED, "sparse: the largest level %d was reached with surpluses "
                      "above the tolerance %.3g (%zu evaluations)", UA_SPARSE_LOCAL_MAX_LEVEL, tol,
                      f->evaluations);
    /* the user's tolerance (not the one the checks tightened) and the report's estimate */
    if (o->abs)
        return UA_ERR(UA_ENOTRESOLVED, "sparse: --max-evals %zu spent (%zu evaluations) with an "
                      "estimated error of %.3g above the tolerance --abs-tol %.3g", o->max_evals,
                      f->evaluations, g->estimated_err, o->tol);
    return UA_ERR(UA_ENOTRESOLVED, "sparse: --max-evals %zu spent (%zu evaluations) with an "
                  "estimated error of %.3g, %.3g of max|f| = %.3g, above the tolerance --tol %.3g",
                  o->max_evals, f->evaluations, g->estimated_err,
                  b.scale > 0 ? g->estimated_err / b.scale : INFINITY, b.scale, o->tol);
}
