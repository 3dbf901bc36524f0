/*
 * The global (clenshaw-curtis) grid: a Smolyak grid of the starting level, then dimension-adaptive
 * refinement (Gerstner & Griebel, "Dimension-adaptive tensor-product quadrature", Computing 71,
 * 2003; Tasmanian's setSurplusRefinement on a global grid): the block (multi-index) with the
 * largest error indicator — the largest |surplus| of its points — gives its forward neighbours
 * l + e_i that keep the set downward closed (every l + e_i - e_j present), all evaluated in one
 * batch, until every block not refined yet has indicator <= tol (relative to the largest |f|
 * seen, or absolute) and the grid agrees with the target at fresh check points (check.c), or the
 * budget of evaluations is spent.
 *
 * Surpluses: the point p of a new block l has c_p = f(x_p) - I(x_p), I the sum of the blocks
 * k <= l already present (the others vanish at x_p), which is (Delta_l f)(x_p) for any
 * downward-closed set (internal.h).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

typedef struct {
    ua_sparse *g;
    ua_sparse_target *f;
    size_t cap, bcap;
    ua_sparse_hash bh;  /* blocks by levels */
    double *ind;        /* (nblocks,) the largest |surplus| of each block */
    unsigned char *old; /* (nblocks,) refined already (or at the largest level) */
    double scale;       /* max |f| seen */
} global_build;

static size_t block_points(const uint32_t *lv, size_t d)
{
    size_t n = 1;
    for (size_t i = 0; i < d; i++) n *= ua_sparse_nodes_new((int)lv[i]);
    return n;
}

/* Adds k blocks lv (k, d) (downward closed with the present ones, in nondecreasing |l|_1):
 * points, one batch of evaluations, surpluses, indicators. */
static ua_status add_blocks(global_build *b, const uint32_t *lv, size_t k)
{
    ua_sparse *g = b->g;
    const size_t d = g->d, n0 = g->n, nb0 = g->nblocks;
    size_t add = 0;
    for (size_t j = 0; j < k; j++) add += block_points(lv + j * d, d);
    ua_status s = ua_sparse_reserve(g, n0 + add, &b->cap);
    if (s) return s;
    if (nb0 + k > b->bcap) {
        size_t c = b->bcap ? b->bcap : 64;
        while (c < nb0 + k) c *= 2;
        uint32_t *bl = realloc(g->blevel, c * d * sizeof *bl);
        if (bl) g->blevel = bl;
        size_t *bo = realloc(g->boff, (c + 1) * sizeof *bo);
        if (bo) g->boff = bo;
        double *ind = realloc(b->ind, c * sizeof *ind);
        if (ind) b->ind = ind;
        unsigned char *old = realloc(b->old, c);
        if (old) b->old = old;
        if (!bl || !bo || !ind || !old) return UA_ENOMEM_ERR(c * d * sizeof *bl);
        b->bcap = c;
    }
    /* the points of each block, row-major over the new nodes of each dimension */
    size_t p = n0;
    for (size_t j = 0; j < k; j++) {
        const uint32_t *l = lv + j * d;
        size_t nb = nb0 + j;
        memcpy(g->blevel + nb * d, l, d * sizeof *l);
        g->boff[nb] = p;
        size_t cnt = block_points(l, d), m[UA_PROBLEM_MAX_DIM] = { 0 };
        for (size_t r = 0; r < cnt; r++, p++) {
            for (size_t i = 0; i < d; i++)
                g->node[p * d + i] = ua_sparse_first_id((int)l[i]) + (uint32_t)m[i];
            size_t i = d;
            while (i > 0 && ++m[i - 1] == ua_sparse_nodes_new((int)l[i - 1])) m[--i] = 0;
        }
        g->boff[nb + 1] = p;
        b->old[nb] = 0;
        if ((s = ua_sparse_hash_add(&b->bh, g->blevel, d, nb))) return s;
    }
    g->n = p;
    g->nblocks = nb0 + k;
    for (size_t q = n0; q < g->n; q++)
        for (size_t i = 0; i < d; i++) {
            int l = ua_sparse_node_level(g->node[q * d + i]);
            if (l > g->maxlevel[i]) g->maxlevel[i] = l;
        }
    double *x = malloc(add * d * sizeof *x), *y = malloc(add * sizeof *y);
    double *work = malloc(ua_sparse_work_size(g) * sizeof *work);
    if (!x || !y || !work) {
        free(x), free(y), free(work);
        return UA_ENOMEM_ERR(add * d * sizeof *x);
    }
    for (size_t q = 0; q < add; q++) ua_sparse_point_x(g, n0 + q, x + q * d);
    s = ua_sparse_eval_target(b->f, x, add, d, y);
    for (size_t q = 0; !s && q < add; q++) b->scale = fmax(b->scale, fabs(y[q]));
    for (size_t j = 0; !s && j < k; j++) {
        size_t nb = nb0 + j;
        double worst = 0.0, t[UA_PROBLEM_MAX_DIM];
        for (size_t q = g->boff[nb]; q < g->boff[nb + 1]; q++) {
            for (size_t i = 0; i < d; i++) t[i] = ua_sparse_node_t(g->rule, g->node[q * d + i]);
            double c = y[q - n0] - ua_sparse_eval_below(g, t, nb, g->blevel + nb * d, work);
            g->surplus[q] = c;
            worst = fmax(worst, fabs(c));
        }
        b->ind[nb] = worst;
    }
    free(x), free(y), free(work);
    return s;
}

/* Appends to cand (*nc, d; room for *room rows, grown) the forward neighbours l + e_i of block
 * l that are new, keep the set downward closed (every l + e_i - e_j present) and are not in cand
 * already (ch indexes cand); *capped set when l + e_i passes the largest level. */
static ua_status neighbours(global_build *b, const uint32_t *l, uint32_t **cand, size_t *nc,
                            size_t *room, ua_sparse_hash *ch, int *capped)
{
    const size_t d = b->g->d;
    for (size_t i = 0; i < d; i++) {
        if (*nc == *room) {
            size_t r = *room ? 2 * *room : d + 1;
            uint32_t *c = realloc(*cand, r * d * sizeof *c);
            if (!c) return UA_ENOMEM_ERR(r * d * sizeof *c);
            *cand = c, *room = r;
        }
        uint32_t *c = *cand + *nc * d;
        memcpy(c, l, d * sizeof *c);
        if (++c[i] > UA_SPARSE_CC_MAX_LEVEL) {
            *capped = 1;
            continue;
        }
        if (ua_sparse_hash_find(&b->bh, b->g->blevel, d, c) != SIZE_MAX) continue;
        if (ua_sparse_hash_find(ch, *cand, d, c) != SIZE_MAX) continue;
        int ok = 1;
        for (size_t j = 0; j < d && ok; j++) {
            if (j == i || c[j] == 0) continue;
            c[j]--;
            ok = ua_sparse_hash_find(&b->bh, b->g->blevel, d, c) != SIZE_MAX;
            c[j]++;
        }
        if (!ok) continue;
        ua_status s = ua_sparse_hash_add(ch, *cand, d, *nc);
        if (s) return s;
        (*nc)++;
    }
    return UA_OK;
}

ua_status ua_sparse_build_global(ua_sparse_target *f, size_t d, const double *lo,
                                 const double *hi, const ua_sparse_options *o, ua_sparse **out)
{
    *out = NULL;
    if (o->level > UA_SPARSE_CC_MAX_LEVEL)
        return UA_ERR(UA_EINVAL, "--level %d: the clenshaw-curtis rule goes up to level %d",
                      o->level, UA_SPARSE_CC_MAX_LEVEL);
    size_t start = ua_sparse_smolyak_count(d, o->level, o->max_evals);
    if (start == SIZE_MAX)
        return UA_ERR(UA_EINVAL, "--level %d: the Smolyak grid in %zu dimensions has more points "
                      "than --max-evals %zu allows", o->level, d, o->max_evals);
    global_build b = { .f = f };
    ua_status s = ua_sparse_new(d, UA_SPARSE_CC, 0, lo, hi, &b.g);
    if (s) return s;
    ua_sparse *g = b.g;
    g->refinement = o->refinement;
    uint32_t *lv = NULL, *cand = NULL, *aplan = NULL;
    size_t nlv = 0;
    s = ua_sparse_smolyak_set(d, o->level, &lv, &nlv);
    if (!s) s = add_blocks(&b, lv, nlv);
    free(lv);
    if (!s) {
        for (size_t j = 0; j < g->nblocks; j++) {
            int sum = 0;
            for (size_t i = 0; i < d; i++) sum += (int)g->blevel[j * d + i];
            b.old[j] = sum < o->level;
        }
    }
    int resolved = 0, capped = 0, stuck = 0, force = 0, grow = 0;
    unsigned flat = 0; /* failed checks in a row that did not halve the check's error */
    ua_sparse_checker chk = { .factor = 1.0, .err = NAN };
    size_t need = 0, room = 0;
    double worst = 0.0, tol = 0.0, last_err = INFINITY;
    while (!s) {
        tol = (o->abs ? o->tol : o->tol * b.scale) * chk.factor;
        /* the largest indicator of the blocks not refined yet. Gerstner & Griebel's sum over
         * them was tried: in d = 10 hundreds of blocks of ~1e-5 each sum to 1e-3, and a Gaussian
         * measured at 9.6e-6 of its scale with 18117 points did not stop within 20000; the
         * check at fresh points (check.c) guards the claim instead */
        size_t best = SIZE_MAX;
        worst = 0.0;
        for (size_t j = 0; j < g->nblocks; j++)
            if (!b.old[j] && (best == SIZE_MAX || b.ind[j] > b.ind[best])) best = j;
        if (best != SIZE_MAX) worst = b.ind[best];
        if (!force && !grow && (best == SIZE_MAX || worst <= tol)) {
            if (capped || o->refinement == UA_SREF_NONE) {
                resolved = !capped;
                break;
            }
            int c = ua_sparse_check_done(&chk, f, g, o, b.scale, &s);
            if (c == 0) {
                /* The check disagrees. When the surpluses are far below its error they are not
                 * evidence of convergence: on a symmetric box exp(x y) is constant along the
                 * axes through the centre, every surplus of the level-1 blocks is exactly 0, and
                 * tightening the tolerance changes nothing (a zero block whose neighbours are
                 * unexplored is not converged). Then every block not refined yet gives its
                 * forward neighbours at once; a kink or a jump is only blamed when three checks
                 * in a row fail to halve the error. */
                flat = chk.err > 0.5 * last_err ? flat + 1 : 0;
                last_err = fmin(last_err, chk.err);
                if (flat >= 3) {
                    stuck = 1;
                    break;
                }
                force = best != SIZE_MAX && worst < 0.01 * chk.err;
                /* anisotropic: the front's surpluses say nothing of the directions the weights
                 * starved; grow to the next anisotropic set once more (the weights are
                 * re-estimated from every block) */
                if (o->refinement == UA_SREF_ANISOTROPIC) grow = 1, force = 0;
                continue;
            }
            /* no budget left for the check after one failed: the failure stands */
            resolved = c == 1 && !(chk.unchecked && chk.round > 0);
            stuck = c == -1;
            break;
        }
        if (o->refinement == UA_SREF_NONE) break;
        if (o->refinement == UA_SREF_ANISOTROPIC && !force) {
            /* Tasmanian's setAnisotropicRefinement (anisotropic.c): weights from the surpluses'
             * decay, then the next anisotropic set; the blocks it adds are the new front */
            double w[UA_PROBLEM_MAX_DIM];
            size_t np = 0, left = o->max_evals > f->evaluations ? o->max_evals - f->evaluations : 0;
            size_t growth = o->min_growth ? o->min_growth : g->n / 4;
            if (growth < 2 * d + 1) growth = 2 * d + 1;
            int top = 0; /* a neighbour past the largest level: the plan skips it */
            s = ua_sparse_aniso_weights(g, b.ind, b.scale, o->aniso_type, w);
            if (!s) s = ua_sparse_aniso_plan(g, &b.bh, w, o->aniso_type, growth, left, &aplan, &np, &top);
            /* nothing planned: the budget has no room for the cheapest block (or every
             * direction is at the largest level): not resolved, reported below */
            if (s || np == 0) {
                break;
            }
            /* the blocks added are the new front: their largest surplus is the estimate */
            for (size_t j = 0; j < g->nblocks; j++) b.old[j] = 1;
            s = add_blocks(&b, aplan, np);
            grow = 0;
            continue;
        }
        /* the forward neighbours of best (or of every block not refined yet, when forced) that
         * keep the set downward closed */
        size_t nc = 0;
        ua_sparse_hash ch = { 0 };
        for (size_t j = 0; !s && j < g->nblocks; j++)
            if (force ? !b.old[j] : j == best)
                s = neighbours(&b, g->blevel + j * d, &cand, &nc, &room, &ch, &capped);
        ua_sparse_hash_free(&ch);
        if (s) break;
        /* a plain round adds all of best's neighbours or stops on the budget; a forced round
         * takes what the budget allows, in order (each candidate is admissible on its own) */
        need = 0;
        size_t take = 0;
        for (size_t j = 0; j < nc; j++) need += block_points(cand + j * d, d);
        if (f->evaluations + need <= o->max_evals) take = nc, need = 0;
        else if (force) {
            size_t used = 0;
            while (take < nc && f->evaluations + used + block_points(cand + take * d, d) <= o->max_evals)
                used += block_points(cand + take++ * d, d);
            need = take ? 0 : block_points(cand, d);
        }
        if (need) break;
        if (force && nc == 0) {
            stuck = 1; /* nothing left to refine */
            break;
        }
        for (size_t j = 0; j < g->nblocks; j++)
            if (force ? !b.old[j] : j == best) b.old[j] = 1;
        force = 0;
        if (take) s = add_blocks(&b, cand, take);
    }
    free(cand);
    free(aplan);
    if (!s) {
        /* what is left: the largest indicator of the blocks not refined */
        double est = 0.0;
        for (size_t j = 0; j < g->nblocks; j++)
            if (!b.old[j]) est = fmax(est, b.ind[j]);
        g->estimated_err = isnan(chk.err) ? est : fmax(est, chk.err);
        g->resolved = resolved;
        g->evaluations = f->evaluations;
    }
    ua_sparse_hash_free(&b.bh);
    free(b.ind);
    free(b.old);
    if (s) {
        ua_sparse_free(g);
        return s;
    }
    *out = g;
    if (resolved) return UA_OK;
    if (o->refinement == UA_SREF_NONE)
        return UA_ERR(UA_ENOTRESOLVED, "sparse: level %d without refinement leaves an estimated error "
                      "of %.3g above the tolerance %.3g (%zu evaluations)", o->level, worst, tol,
                      f->evaluations);
    if (stuck)
        return UA_ERR(UA_ENOTRESOLVED, "sparse: the surpluses are below the tolerance but the "
                      "grid misses the target by %.3g at check points off the grid (tolerance "
                      "%.3g): a feature the polynomials do not resolve (a kink or a jump: try "
                      "--rule localp)", chk.err, o->abs ? o->tol : o->tol * b.scale);
    if (capped)
        return UA_ERR(UA_ENOTRESOLVED, "sparse: the largest level %d was reached with a surplus "
                      "of %.3g above the tolerance %.3g (%zu evaluations)",
                      UA_SPARSE_CC_MAX_LEVEL, worst, tol, f->evaluations);
    /* the user's tolerance (not the internal one the checks tightened) and the estimate the
     * report shows (largest_surplus_left: the largest indicator left or the check's error) */
    char more[64] = "";
    if (need) snprintf(more, sizeof more, "; the next refinement needs %zu more", need);
    if (o->abs)
        return UA_ERR(UA_ENOTRESOLVED, "sparse: --max-evals %zu spent (%zu evaluations%s) with an "
                      "estimated error of %.3g above the tolerance --abs-tol %.3g", o->max_evals,
                      f->evaluations, more,
                      g->estimated_err, o->tol);
    return UA_ERR(UA_ENOTRESOLVED, "sparse: --max-evals %zu spent (%zu evaluations%s) with an "
                  "estimated error of %.3g, %.3g of max|f| = %.3g, above the tolerance --tol %.3g",
                  o->max_evals, f->evaluations, more,
                  g->estimated_err, b.scale > 0 ? g->estimated_err / b.scale : INFINITY, b.scale,
                  o->tol);
}

