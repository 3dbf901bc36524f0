/*
 * src/sparse/internal.h — the sparse family's state and the helpers its files share (not
 * installed). docs/sparse.md has the math.
 *
 * Coordinates. Variable i of the box [lo_i, hi_i] is mapped to t in [-1, 1] (x = mid + half t).
 * Both rules use the same nested 1-D node sequence, numbered by a node id:
 *   id 0            level 0: t = 0 (the midpoint)
 *   ids 1, 2        level 1: t = -1, +1
 *   ids 2^(l-1)+1 .. 2^l   level l >= 2: the 2^(l-1) nodes new at level l, k = 1, 3, ..., 2^l - 1
 *                   in increasing order, at t = -cos(pi k / 2^l) (Clenshaw-Curtis, rule "clenshaw-
 *                   curtis") or t = -1 + 2 k / 2^l (equispaced dyadic, rule "localp").
 * Level l holds 2^l + 1 nodes (1 at level 0): 1, 3, 5, 9, 17, ...
 *
 * Global rule (clenshaw-curtis): the interpolant is a sum over a downward-closed set of
 * multi-indices (blocks) l in N^d of the hierarchical difference operators
 * Delta_l = (U^{l_1} - U^{l_1 - 1}) x ... x (U^{l_d} - U^{l_d - 1}); block l holds the tensor
 * product of the nodes new at each l_i, and the coefficient (surplus) of its point p multiplies
 * prod_i L^{l_i}_{p_i}(t_i), the Lagrange polynomial of the level-l_i nodes that is 1 at p_i
 * (Barthelmann, Novak & Ritter 2000; Klimke & Wohlmuth 2005). Points of a block are stored
 * row-major over the new nodes of each dimension.
 *
 * Local rule (localp): a point-wise set, closed under hierarchical parents, with the hat (order 1)
 * or quadratic (order 2, from level 2 on) hierarchical basis (Pflueger 2010; Tasmanian's localp).
 */
#ifndef UA_SPARSE_INTERNAL_H
#define UA_SPARSE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "core/internal.h"
#include <stdio.h>
#include "uniapprox/model.h"
#include "uniapprox/problem.h"

/* The largest level per dimension: clenshaw-curtis 2^16 + 1 nodes (the 1-D Lagrange values cost
 * O(2^l) per evaluation), localp 2^30 + 1 (node ids fit in 32 bits). */
#define UA_SPARSE_CC_MAX_LEVEL 16
#define UA_SPARSE_LOCAL_MAX_LEVEL 30
/* The most points a model may hold (a model file or a fit): 2^27, 1 GiB of surpluses. */
#define UA_SPARSE_MAX_POINTS ((size_t)1 << 27)

typedef enum { UA_SPARSE_CC = 0, UA_SPARSE_LOCALP = 1 } ua_sparse_rule;

/* Refinement types (Tasmanian's names; "surplus" is the dimension-adaptive refinement of a
 * global grid, Gerstner & Griebel 2003). */
typedef enum {
    UA_SREF_SURPLUS = 0,
    UA_SREF_CLASSIC = 1,
    UA_SREF_PARENTS_FIRST = 2,
    UA_SREF_DIRECTION_SELECTIVE = 3,
    UA_SREF_FDS = 4,
    UA_SREF_NONE = 5,
    UA_SREF_ANISOTROPIC = 6 /* Tasmanian's setAnisotropicRefinement (anisotropic.c) */
} ua_sparse_refinement;

/* The anisotropic index sets of setAnisotropicRefinement (Tasmanian's type_iptotal and
 * type_iphyperbolic). */
typedef enum { UA_SANISO_IPTOTAL = 0, UA_SANISO_IPHYPERBOLIC = 1 } ua_sparse_aniso_type;

/* A sparse grid interpolant (the family's state). */
typedef struct {
    size_t d;
    ua_sparse_rule rule;
    int order;            /* localp: 1 or 2; clenshaw-curtis: 0 */
    double *lo, *hi;      /* the box (d,) */
    size_t n;             /* points */
    uint32_t *node;       /* (n, d) node ids */
    double *surplus;      /* (n,) hierarchical surpluses */
    /* clenshaw-curtis only: the blocks, (nblocks, d) levels, and where each starts in the points
     * (nblocks + 1 offsets) */
    size_t nblocks;
    uint32_t *blevel;
    size_t *boff;
    int *maxlevel;        /* (d,) the largest level per dimension (derived) */
    /* what the fit found (saved; NaN / 0 when unknown) */
    size_t evaluations;
    int refinement;       /* ua_sparse_refinement */
    double estimated_err; /* the largest surplus left (not resolved) or of the last refinement */
    int resolved;
    /* localp: the tree of the points (tree.c), children by direction, (n, d, 2) point indices,
     * UA_SPARSE_NONE where absent; NULL with flat set when the points are not closed under
     * parents or repeat one (a model file's): then evaluation visits every point */
    uint32_t *kid;
    size_t kidcap, root;
    int flat;
} ua_sparse;

#define UA_SPARSE_NONE UINT32_MAX

/* ---- 1-D nodes (rule1d.c) ------------------------------------------------------------------- */

/* Level of node id (id < 2^30 + 1). */
int ua_sparse_node_level(uint32_t id);
/* Number of nodes of levels <= l: 1 (l = 0), else 2^l + 1. */
static inline size_t ua_sparse_nodes_upto(int l) { return l == 0 ? 1 : ((size_t)1 << l) + 1; }
/* Number of nodes new at level l: 1, 2, 2^(l-1). */
static inline size_t ua_sparse_nodes_new(int l) { return l == 0 ? 1 : l == 1 ? 2 : (size_t)1 << (l - 1); }
/* First id of level l. */
static inline uint32_t ua_sparse_first_id(int l) { return l == 0 ? 0 : l == 1 ? 1 : (1u << (l - 1)) + 1; }
/* t of node id in [-1, 1] for the rule. */
double ua_sparse_node_t(ua_sparse_rule rule, uint32_t id);
/* x of node id on [lo, hi]: the ends exact. */
double ua_sparse_node_x(ua_sparse_rule rule, uint32_t id, double lo, double hi);

/* clenshaw-curtis: v[id] = L^{level(id)}_{id}(t) for every id of levels <= maxl (ua_sparse_nodes_upto
 * entries): the barycentric formula on the 2^l + 1 nodes of each level (weights (-1)^k, halved at
 * the ends; Berrut & Trefethen 2004), exactly 1 / 0 when t is a node. */
void ua_sparse_cc_values(double t, int maxl, double *v);
/* clenshaw-curtis: the 2^l + 1 nodes t of level l (1 <= l <= UA_SPARSE_CC_MAX_LEVEL) in
 * increasing order, computed once (static storage); NULL when memory ran out. */
const double *ua_sparse_cc_level_nodes(int l);

/* localp: the 1-D basis function of node id at t in [-1, 1] for order 1 or 2. */
double ua_sparse_local_basis(uint32_t id, int order, double t);

/* The integral over [-1, 1] of node id's basis function, divided by 2 (so the weights of a level sum to
 * 1): clenshaw-curtis, the CC weight of the node in its level's rule; localp, the area of its hat. */
double ua_sparse_node_weight(ua_sparse_rule rule, int order, uint32_t id);

/* localp: the parent of node id (level >= 1) and its children (ids; *nc = 1 or 2; none past the
 * largest level). */
uint32_t ua_sparse_local_parent(uint32_t id);
void ua_sparse_local_children(uint32_t id, uint32_t *c, int *nc);

/* ---- the model (grid.c) --------------------------------------------------------------------- */

/* A new empty grid on the box (copied). Errors: UA_ENOMEM. */
ua_status ua_sparse_new(size_t d, ua_sparse_rule rule, int order, const double *lo,
                        const double *hi, ua_sparse **out);
void ua_sparse_free(ua_sparse *g);
/* Makes room for n points in total (grows node and surplus). Errors: UA_EINVAL beyond
 * UA_SPARSE_MAX_POINTS, UA_ENOMEM. */
ua_status ua_sparse_reserve(ua_sparse *g, size_t n, size_t *cap);
/* Sets g->maxlevel from the nodes. Errors: UA_ENOMEM. */
ua_status ua_sparse_update_levels(ua_sparse *g);
/* The point's coordinates x (d,) in the box. */
void ua_sparse_point_x(const ua_sparse *g, size_t p, double *x);
/* Largest sum of levels over the points (the Smolyak level reached). */
int ua_sparse_level(const ua_sparse *g);

/* ---- multi-index sets (smolyak.c) ----------------------------------------------------------- */

/* The number of points of the clenshaw-curtis (or localp: the same counts) Smolyak grid of level
 * L in d dimensions, sum over |l|_1 <= L of prod_i new(l_i); SIZE_MAX when above cap. */
size_t ua_sparse_smolyak_count(size_t d, int L, size_t cap);
/* Appends the blocks of the Smolyak set {|l|_1 <= L} (in order of |l|_1) to *levels ((*nb, d),
 * realloc'd). Errors: UA_ENOMEM. */
ua_status ua_sparse_smolyak_set(size_t d, int L, uint32_t **levels, size_t *nb);

/* ---- lookup of points and blocks (hash.c) --------------------------------------------------- */

/* An open-addressing table of indices into an external array of keys (rows of d uint32). */
typedef struct {
    size_t *slot; /* index + 1; 0 empty */
    size_t cap, count;
} ua_sparse_hash;
/* Adds row idx of keys (n, d). Errors: UA_ENOMEM. */
ua_status ua_sparse_hash_add(ua_sparse_hash *h, const uint32_t *keys, size_t d, size_t idx);
/* The row of keys equal to key, or SIZE_MAX. */
size_t ua_sparse_hash_find(const ua_sparse_hash *h, const uint32_t *keys, size_t d,
                           const uint32_t *key);
void ua_sparse_hash_free(ua_sparse_hash *h);

/* localp: the id of the node k (0 .. 2^l) of level l's nodes. */
uint32_t ua_sparse_local_id(int l, uint64_t k);

/* ---- the local tree (tree.c) ---------------------------------------------------------------- */

/* Records the children of points [from, n) with their parents (h holds every point [0, n) of g):
 * after it, the descent below visits exactly the points whose basis is nonzero at t. A point with
 * a missing parent or a repeated point sets g->flat (and frees the tree). Errors: UA_ENOMEM. */
ua_status ua_sparse_tree_extend(ua_sparse *g, const ua_sparse_hash *h, size_t from);
/* The tree of every point of a local grid, built afresh (a loaded model). Errors: UA_ENOMEM. */
ua_status ua_sparse_tree_build(ua_sparse *g);
/* Work space of the descent (grown as needed). */
typedef struct {
    uint32_t *stack;
    unsigned char *dir;
    uint32_t *hit;
    double *val;
    size_t cap;
    size_t nhit; /* after ua_sparse_local_eval: hit[0 .. nhit) the points visited (0 when flat) */
} ua_sparse_walk;
void ua_sparse_walk_free(ua_sparse_walk *w);
/* localp: the interpolant at t over the points [0, limit) by descending the tree from the root
 * (only the basis functions whose support holds t are visited: Tasmanian's evaluation of local
 * grids), summed in the order of the points, so bitwise equal to the sum over every point. The
 * points [0, limit) must be closed under parents with parents first (the fit's order). Falls back
 * to the sum over every point when g->flat. w->hit[0 .. w->nhit) are then the points whose basis
 * is nonzero at t, by index (none recorded when flat). Errors: UA_ENOMEM (*y untouched). */
ua_status ua_sparse_local_eval(const ua_sparse *g, const double *t, size_t limit,
                               ua_sparse_walk *w, double *y);

/* ---- evaluation (eval.c) -------------------------------------------------------------------- */

/* Per-call work space for evaluating g: (sum_i nodes_upto(maxlevel_i)) doubles + d. */
size_t ua_sparse_work_size(const ua_sparse *g);
/* The interpolant at t (d,) in [-1, 1]^d (clamped), using blocks [0, nb) (clenshaw-curtis) or
 * points [0, np) (localp); work has ua_sparse_work_size entries. clenshaw-curtis (here, in
 * ua_sparse_eval_below, ua_sparse_cc_sum and predict) adds the rows of its blocks by compensated
 * summation (eval.c: TwoSum, Ogita-Rump-Oishi Sum2); localp by a plain running sum. */
double ua_sparse_eval_t(const ua_sparse *g, const double *t, size_t nb, size_t np, double *work);
/* clenshaw-curtis: the sum of the blocks [0, nb) whose levels are <= below componentwise (the only
 * ones that do not vanish at a node of the block below). */
double ua_sparse_eval_below(const ua_sparse *g, const double *t, size_t nb,
                            const uint32_t *below, double *work);
/* clenshaw-curtis: the sum of every block with the 1-D tables v[i] (indexed by node id); the
 * blocks of level 0 in dimension skip0 left out (skip0 >= d: none) — the sum leaves level-0
 * factors out as exactly 1, so a derivative table in skip0 needs them skipped. */
double ua_sparse_cc_sum(const ua_sparse *g, const double *const *v, size_t skip0);
/* gradient.c: g (n, d), the partial derivatives in x at x (n, d) (the vtable's gradient).
 * Errors: UA_ENOMEM. */
ua_status ua_sparse_gradient(const void *state, const double *x, size_t n, double *grad);
/* t (d,) in [-1, 1]^d of x (d,) in the box: 1 when x is in the box (a coordinate within 8 ulps
 * of an edge counts as on it, and t is clamped to [-1, 1]); 0 when x is outside or NaN (t is then
 * finite but meaningless: the callers answer NaN). */
int ua_sparse_to_t(const ua_sparse *g, const double *x, double *t);
/* y (n,) at x (n, d); NaN where x is outside the box (ua_sparse_to_t). Errors: UA_ENOMEM. */
ua_status ua_sparse_predict(const ua_sparse *g, const double *x, size_t n, double *y);

/* ---- quadrature (quad.c) -------------------------------------------------------------------- */

/* The integral of the interpolant over the box: sum_p surplus_p prod_i w(node_pi) times the
 * box's volume. */
double ua_sparse_integral(const ua_sparse *g);

/* ---- construction (refine.c, localp.c) ------------------------------------------------------ */

/* What the constructor is asked. */
typedef struct {
    ua_sparse_rule rule;
    int order;
    int level;           /* the starting Smolyak level */
    ua_sparse_refinement refinement;
    double tol;          /* relative to the scale max |f| seen, or absolute (abs) */
    int abs;
    size_t max_evals;
    ua_sparse_aniso_type aniso_type; /* refinement anisotropic only */
    size_t min_growth;               /* anisotropic: new points per step at least (0: n / 4) */
} ua_sparse_options;

/* The target: n points x (n, d) to y (n,), batched. Errors: the problem's (UA_EDOMAIN ...), and
 * UA_EDOMAIN for a NaN or infinite value (the message names the point). */
typedef struct {
    const ua_problem *p;
    size_t evaluations;
} ua_sparse_target;
ua_status ua_sparse_eval_target(ua_sparse_target *f, const double *x, size_t n, size_t d,
                                double *y);

/* The constructor's check at fresh points (check.c). factor starts at 1 and multiplies the
 * refinement tolerance. */
typedef struct {
    double factor;   /* the refinement tolerance's multiplier, tightened by failed checks */
    size_t last_n;   /* points at the last failed check */
    unsigned round;  /* failed checks so far */
    double err;      /* the last check's max |grid - f| (NaN: none) */
    size_t points;   /* check points evaluated in all */
    int unchecked;   /* the budget left no room for the check */
    /* set keep to have a failed check record its points: bad (nbad, d) the check points x whose
     * |grid - f| passed the tolerance, the worst first (malloc'd and grown here; the caller
     * frees bad). Unset (the global grid), nothing is kept. */
    int keep;
    double *bad;
    size_t nbad, badcap;
} ua_sparse_checker;
/* When the refinement believes it is done: compares g with f at max(32, n/16) fresh Sobol points.
 * 1: within the tolerance (or no budget left for the check: unchecked set), accept; 0: tightened,
 * refine on (with keep, the failing points in bad); -1: stuck (no point added since the last
 * failed check) or *s set. */
int ua_sparse_check_done(ua_sparse_checker *c, ua_sparse_target *f, const ua_sparse *g,
                         const ua_sparse_options *o, double scale, ua_status *s);

/* Builds the grid for the options (global: Smolyak level then dimension-adaptive refinement;
 * localp: Smolyak level then surplus refinement). UA_OK, UA_ENOTRESOLVED (*out the best found),
 * or an error (*out NULL). */
ua_status ua_sparse_build_global(ua_sparse_target *f, size_t d, const double *lo,
                                 const double *hi, const ua_sparse_options *o, ua_sparse **out);
ua_status ua_sparse_build_local(ua_sparse_target *f, size_t d, const double *lo,
                                const double *hi, const ua_sparse_options *o, ua_sparse **out);

/* ---- anisotropic refinement (anisotropic.c) -------------------------------------------------- */

/* w (d,): the anisotropic weights of a global grid from its blocks' indicators ind (nblocks,) —
 * the least-squares fit of log ind_l = c - sum_i w_i x_i(l), x_i the smallest polynomial degree
 * new at level l_i (iptotal) or its log(1 + p) (iphyperbolic); zeros count as 2^-52 scale, and
 * weights are raised to at least 1% of the largest (all 1 when none is positive). Errors:
 * UA_ENOMEM. */
ua_status ua_sparse_aniso_weights(const ua_sparse *g, const double *ind, double scale,
                                  ua_sparse_aniso_type type, double *w);
/* The blocks (*np, d; realloc'd in *plan) to add: the admissible forward neighbours of the present
 * blocks (bh indexes g->blevel) in increasing cost sum_i w_i x_i(l), until at least min_growth
 * points, then every one of cost <= that of the last (the next anisotropic set); at most room
 * points in all (a prefix: each block is admissible after those before it). *capped set when a
 * neighbour passes the largest level. Errors: UA_ENOMEM. */
ua_status ua_sparse_aniso_plan(const ua_sparse *g, const ua_sparse_hash *bh, const double *w,
                               ua_sparse_aniso_type type, size_t min_growth, size_t room,
                               uint32_t **plan, size_t *np, int *capped);

/* ---- vtable pieces ------------------------------------------------------------------------- */
/* save / load (io.c): tensors "lo", "hi" (d,), "nodes" (n, d) and "surplus" (n,), for
 * clenshaw-curtis "blocks" (nblocks, d); metadata "rule", "order", "evaluations", "refinement",
 * "estimated_err", "resolved". load validates everything (untrusted input). */
ua_status ua_sparse_save(const void *state, ua_st *st);
ua_status ua_sparse_load(const ua_st *st, double lo, double hi, void **state);
/* C export (export.c), see the vtable's export_c. */
ua_status ua_sparse_export_c(const void *state, ua_export_type type, const char *name, FILE *out);

#endif /* UA_SPARSE_INTERNAL_H */
