/*
 * Proven bounds of a sparse-grid model (the family's bounds hook, src/model/family.h): the model
 * on a cell as a multivariate Taylor model (src/prove/tm.h) for the n-D prover
 * (src/prove/tm_prove.c), and a bound on predict's own rounding. docs/prove.md has the method.
 *
 * Global rule (clenshaw-curtis) only: the model is sum_p c_p prod_i L_{p_i}(t_i), each factor the
 * Lagrange polynomial of its level's 2^l + 1 nodes t_j = -cos(pi j / n), n = 2^l, that is 1 at the
 * point's node (level 0: the constant 1). On these (Chebyshev-Lobatto) nodes the discrete
 * orthogonality of T_k gives it in Chebyshev form (Trefethen, Approximation Theory and
 * Approximation Practice, 2013, ch. 3):
 *     L_j(t) = (2 / n) d_j sum''_{k=0..n} T_k(t_j) T_k(t),  T_k(t_j) = (-1)^k cos(pi k j / n),
 * d_j = 1/2 at the ends, sum'' halving the first and last terms. On a cell, t = s0 + h u with u in
 * [-1, 1]; every T_k(s0 + h u), k <= 2^maxlevel, is expanded exactly as a Chebyshev series in u
 * (ua_cheb_cell_basis, src/prove/chebcell.c: the recurrence T_{k+1} = 2 t T_k - T_{k-1} on series
 * with ball coefficients), kept to degree 64 (the rest's sum of |coefficients| into the
 * remainder), and each factor's series on the cell is the combination above, in full. A
 * factor's Taylor form truncates its series at the space's degree K in the Chebyshev basis of the
 * cell (|T_k(u)| <= 1: the dropped coefficients' sum into the remainder; ua_cheb_to_taylor), which
 * for a small cell is far below the sum of the dropped monomial coefficients. Per block the
 * points are contracted over shared prefixes, sum_{q_0} L_{q_0}(t_0) (sum_{q_1} L_{q_1}(t_1)
 * (... sum_{q_m} c_q L_{q_m}(t_m))), the innermost sum taken on the Chebyshev series before its
 * truncation (so the row's cancellations are kept), each outer level one univariate Taylor form
 * times the inner model (terms above total degree K bounded into the remainder).
 *
 * The exact model is the interpolant at the exact Chebyshev-Lobatto nodes; predict evaluates it
 * with the nodes rounded to double by the barycentric formula, whose error eval_error bounds.
 * localp models (piecewise polynomials on a dyadic grid) are refused (UA_EUNSUPPORTED).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <arb.h>

#include "internal.h"
#include "model/family.h"
#include "prove/tm.h"

/* The degree to which the factors' Chebyshev series on a cell are kept (the rest bounded). */
#define CHEB_DEG 64

/* Per dimension: the Chebyshev series in the cell's variable u (D + 1,) of every node id's
 * Lagrange factor, (nodes_upto(ml), D + 1), from the expansions T (2^ml + 1, D + 1) of
 * T_k(s0 + h u) (ua_cheb_cell_basis). */
static void factor_models(int ml, size_t D, slong prec, arb_srcptr T, arb_ptr out)
{
    size_t D1 = D + 1;
    _arb_vec_zero(out, (slong)D1);
    arb_one(out); /* id 0: the constant 1 */
    arb_t a, cs;
    arb_init(a);
    arb_init(cs);
    fmpq_t q;
    fmpq_init(q);
    for (int l = 1; l <= ml; l++) {
        size_t n = (size_t)1 << l, first = ua_sparse_first_id(l), nn = ua_sparse_nodes_new(l);
        arb_ptr cosv = _arb_vec_init((slong)(2 * n)); /* cos(pi r / n), r < 2n */
        for (size_t r = 0; r < 2 * n; r++) {
            fmpq_set_si(q, (slong)r, (ulong)n);
            arb_cos_pi_fmpq(cosv + r, q, prec);
        }
        size_t deg = n < D ? n : D; /* T_k for k <= n has degree <= n */
        for (size_t r = 0; r < nn; r++) {
            size_t j = l == 1 ? 2 * r : 2 * r + 1; /* position among the level's n + 1 nodes */
            arb_ptr o = out + (first + r) * D1;
            _arb_vec_zero(o, (slong)D1);
            for (size_t k = 0; k <= n; k++) {
                /* a = (2 / n) d_j (1/2 at k = 0, n) (-1)^k cos(pi k j / n) */
                arb_set(cs, cosv + (k * j) % (2 * n));
                if (k & 1) arb_neg(cs, cs);
                int halves = (k == 0 || k == n) + (j == 0 || j == n);
                arb_mul_2exp_si(a, cs, 1 - (slong)l - halves);
                size_t dk = k < deg ? k : deg;
                _arb_vec_scalar_addmul(o, T + k * D1, (slong)dk + 1, a, prec);
            }
        }
        _arb_vec_clear(cosv, (slong)(2 * n));
    }
    fmpq_clear(q);
    arb_clear(a);
    arb_clear(cs);
}

/* Dimension i's factors on the cell [xlo, xhi]: a new (nodes_upto(maxlevel_i), *D + 1) array of
 * their Chebyshev series in the cell's variable (_arb_vec_clear it with that length). */
static arb_ptr cell_factors(const ua_sparse *g, size_t i, double xlo, double xhi, slong prec,
                            size_t *Dout)
{
    int ml = g->maxlevel[i];
    size_t N = ml == 0 ? 0 : (size_t)1 << ml, nid = ua_sparse_nodes_upto(ml);
    size_t D = N < CHEB_DEG ? N : CHEB_DEG;
    *Dout = D;
    arb_ptr T = _arb_vec_init((slong)((N + 1) * (D + 1)));
    arb_t s0, h;
    arb_init(s0);
    arb_init(h);
    ua_cheb_cell_map(g->lo[i], g->hi[i], xlo, xhi, prec, s0, h);
    ua_cheb_cell_basis(s0, h, N, D, prec, T);
    arb_clear(s0);
    arb_clear(h);
    arb_ptr fac = _arb_vec_init((slong)(nid * (D + 1)));
    factor_models(ml, D, prec, T, fac);
    _arb_vec_clear(T, (slong)((N + 1) * (D + 1)));
    return fac;
}

typedef struct {
    const ua_tm_space *sp;
    uint32_t *mask;   /* (n,) the variables each monomial involves, as bits */
    size_t **list;    /* (2^d,): per set of variables, the monomials within it (built on demand) */
    size_t *count;    /* (2^d,) */
} outer_ctx;

/* The monomials whose variables all lie in the set want (cached). */
static const size_t *monomials_in(const outer_ctx *oc, uint32_t want, size_t *cnt)
{
    if (!oc->list[want]) {
        size_t *l = malloc(oc->sp->n * sizeof *l), c = 0;
        if (!l) return NULL;
        for (size_t j = 0; j < oc->sp->n; j++)
            if (!(oc->mask[j] & ~want)) l[c++] = j;
        oc->list[want] = l;
        oc->count[want] = c;
    }
    *cnt = oc->count[want];
    return oc->list[want];
}

/* One block's contraction (sparse_taylor): its coefficients cf over the active dimensions
 * act[0..na) (the last fastest), nested as sum_{q_0} L_{q_0}(t_0) (sum_{q_1} L_{q_1}(t_1) (...)),
 * the innermost sum taken on the factors' Chebyshev series on the cell, each outer level one
 * univariate model times the inner model (different variables: every product term lands on one
 * monomial; those above total degree K are bounded into the remainder). */
typedef struct {
    const ua_tm_space *sp;
    const outer_ctx *oc;
    arb_ptr const *fac, *tay;
    const size_t *Dd;
    slong prec;
    const uint32_t *lv;
    size_t na, act[UA_PROBLEM_MAX_DIM], nn[UA_PROBLEM_MAX_DIM], stride[UA_PROBLEM_MAX_DIM];
    ua_tm lvl[UA_PROBLEM_MAX_DIM];
    arb_ptr Wc, W;
} block_t;

/* The monomials within the variables act[k..na). */
static const size_t *level_monomials(const block_t *B, size_t k, size_t *cnt)
{
    uint32_t set = 0;
    for (size_t j = k; j < B->na; j++) set |= 1u << B->act[j];
    return monomials_in(B->oc, set, cnt);
}

/* B->lvl[k] = the block's part over the dimensions act[k..na) for the coefficients cf; 0 when
 * no memory for a monomial list (the caller then reports it). */
static int contract_level(block_t *B, size_t k, const double *cf)
{
    const ua_tm_space *sp = B->sp;
    size_t K1 = sp->K + 1, nl = 0;
    ua_tm *o = &B->lvl[k];
    const size_t *lst = level_monomials(B, k, &nl);
    if (!lst) return 0;
    for (size_t jj = 0; jj < nl; jj++) arb_zero(o->c + lst[jj]);
    size_t var = B->act[k];
    arb_srcptr L = NULL;
    if (k + 1 == B->na) { /* W = sum_q c_q L_q(t_var) on the Chebyshev series, truncated at K */
        size_t D1 = B->Dd[var] + 1;
        arb_t c;
        arb_init(c);
        _arb_vec_zero(B->Wc, (slong)D1);
        L = B->fac[var] + ua_sparse_first_id((int)B->lv[var]) * D1;
        for (size_t q = 0; q < B->nn[k]; q++) {
            if (cf[q] == 0) continue;
            arb_set_d(c, cf[q]);
            _arb_vec_scalar_addmul(B->Wc, L + q * D1, (slong)D1, c, B->prec);
        }
        arb_clear(c);
        ua_cheb_to_taylor(B->Wc, (slong)D1, sp->K, sp->prec, B->W);
        for (size_t p = 0; p < K1; p++) arb_set(o->c + sp->uni[var * K1 + p], B->W + p);
        return 1;
    }
    size_t ni = 0;
    const size_t *inner = level_monomials(B, k + 1, &ni);
    if (!inner) return 0;
    L = B->tay[var] + ua_sparse_first_id((int)B->lv[var]) * K1;
    mag_t tail, ma, mb, t;
    mag_struct bdeg[64]; /* K <= 60 */
    for (size_t e = 0; e < K1; e++) mag_init(bdeg + e);
    mag_init(tail);
    mag_init(ma);
    mag_init(mb);
    mag_init(t);
    const ua_tm *in = &B->lvl[k + 1];
    for (size_t q = 0; q < B->nn[k]; q++) {
        if (!contract_level(B, k + 1, cf + q * B->stride[k])) {
            for (size_t e = 0; e < K1; e++) mag_clear(bdeg + e);
            mag_clear(tail);
            mag_clear(ma);
            mag_clear(mb);
            mag_clear(t);
            return 0;
        }
        arb_srcptr a = L + q * K1;
        /* the terms above K: sum_{p + e > K} |a_p| (sum of |b_j| of degree e) */
        for (size_t e = 0; e < K1; e++) mag_zero(bdeg + e);
        for (size_t jj = 0; jj < ni; jj++) {
            size_t j = inner[jj];
            arb_srcptr bj = in->c + j;
            if (arb_is_zero(bj)) continue;
            unsigned dj = sp->deg[j];
            arb_get_mag(mb, bj);
            mag_add(bdeg + dj, bdeg + dj, mb);
            for (size_t p = 0; dj + p <= sp->K; p++) {
                int32_t r = sp->mul[j * sp->n + (size_t)sp->uni[var * K1 + p]];
                arb_addmul(o->c + r, a + p, bj, sp->prec);
            }
        }
        for (size_t p = 1; p < K1; p++) {
            mag_zero(t);
            for (size_t e = K1 - p; e < K1; e++) mag_add(t, t, bdeg + e);
            arb_get_mag(ma, a + p);
            mag_mul(t, t, ma);
            mag_add(tail, tail, t);
        }
    }
    arb_add_error_mag(o->c, tail);
    for (size_t e = 0; e < K1; e++) mag_clear(bdeg + e);
    mag_clear(tail);
    mag_clear(ma);
    mag_clear(mb);
    mag_clear(t);
    return 1;
}

static ua_status sparse_taylor(const void *state, const double *lo, const double *hi,
                               const ua_tm_space *sp, ua_tm *out)
{
    const ua_sparse *g = state;
    if (!sp || !out || !lo || !hi) return UA_ERR(UA_EINVAL, "sparse bounds: NULL argument");
    if (g->rule != UA_SPARSE_CC)
        return UA_ERR(UA_EUNSUPPORTED, "sparse bounds: a localp model is a sum of piecewise "
                      "polynomials (hat functions) with kinks at its grid lines; only the global "
                      "rule (clenshaw-curtis) has a Taylor-model form");
    size_t d = g->d, K1 = sp->K + 1;
    if (sp->d != d || d > UA_TM_MAX_DIM)
        return UA_ERR(UA_EINVAL, "sparse bounds: a %zu-variable space for a %zu-variable model",
                      sp->d, d);
    for (size_t i = 0; i < d; i++) {
        if (!(lo[i] >= g->lo[i] && hi[i] <= g->hi[i] && lo[i] <= hi[i]))
            return UA_ERR(UA_EDOMAIN, "sparse bounds: the cell leaves the model's box");
        if (g->maxlevel[i] > 12)
            return UA_ERR(UA_EUNSUPPORTED, "sparse bounds: level %d in dimension %zu (the "
                          "Taylor-model form is built up to level 12)", g->maxlevel[i], i + 1);
    }
    /* per dimension: each factor's Chebyshev series on the cell (fac, degree <= D) and its
     * Taylor form (tay, K + 1) */
    arb_ptr fac[UA_PROBLEM_MAX_DIM], tay[UA_PROBLEM_MAX_DIM];
    size_t Dd[UA_PROBLEM_MAX_DIM];
    slong prec = sp->prec + 32;
    for (size_t i = 0; i < d; i++) {
        size_t nid = ua_sparse_nodes_upto(g->maxlevel[i]), D;
        fac[i] = cell_factors(g, i, lo[i], hi[i], prec, &D);
        Dd[i] = D;
        tay[i] = _arb_vec_init((slong)(nid * K1));
        for (size_t q = 0; q < nid; q++)
            ua_cheb_to_taylor(fac[i] + q * (D + 1), (slong)D + 1, sp->K, sp->prec,
                              tay[i] + q * K1);
    }
    outer_ctx oc = { sp, calloc(sp->n, sizeof(uint32_t)), calloc((size_t)1 << d, sizeof(size_t *)),
                     calloc((size_t)1 << d, sizeof(size_t)) };
    ua_status s = UA_OK;
    if (!oc.mask || !oc.list || !oc.count) s = UA_ENOMEM_ERR(sp->n * sizeof(uint32_t));
    for (size_t j = 0; oc.mask && j < sp->n; j++)
        for (size_t i = 0; i < d; i++)
            if (sp->exp[j * d + i]) oc.mask[j] |= 1u << i;
    ua_tm_zero(sp, out);
    size_t Dmax = 0;
    for (size_t i = 0; i < d; i++) Dmax = Dd[i] > Dmax ? Dd[i] : Dmax;
    arb_ptr W = _arb_vec_init((slong)K1), Wc = _arb_vec_init((slong)Dmax + 1);
    arb_t c;
    arb_init(c);
    block_t blk;
    memset(&blk, 0, sizeof blk);
    blk.sp = sp;
    blk.oc = &oc;
    blk.fac = fac;
    blk.tay = tay;
    blk.Dd = Dd;
    blk.prec = prec;
    blk.Wc = Wc;
    blk.W = W;
    for (size_t k = 0; k < d; k++) ua_tm_init(sp, &blk.lvl[k]);
    for (size_t b = 0; !s && b < g->nblocks; b++) {
        const uint32_t *lv = g->blevel + b * d;
        size_t act[UA_PROBLEM_MAX_DIM], nn[UA_PROBLEM_MAX_DIM], na = 0;
        for (size_t i = 0; i < d; i++)
            if (lv[i]) {
                act[na] = i;
                nn[na++] = ua_sparse_nodes_new((int)lv[i]);
            }
        const double *cf = g->surplus + g->boff[b];
        size_t cnt = g->boff[b + 1] - g->boff[b];
        if (na == 0) {
            arb_set_d(c, cf[0]);
            arb_add(out->c, out->c, c, sp->prec);
            continue;
        }
        block_t *B = &blk;
        B->lv = lv;
        B->na = na;
        for (size_t k = 0; k < na; k++) {
            B->act[k] = act[k];
            B->nn[k] = nn[k];
        }
        B->stride[na - 1] = 1;
        for (size_t k = na - 1; k-- > 0;) B->stride[k] = B->stride[k + 1] * nn[k + 1];
        (void)cnt;
        size_t n0 = 0;
        const size_t *l0 = level_monomials(B, 0, &n0);
        if (!l0 || !contract_level(B, 0, cf)) {
            s = UA_ENOMEM_ERR(sp->n * sizeof(size_t));
            break;
        }
        for (size_t jj = 0; jj < n0; jj++) /* the other monomials are not the block's */
            arb_add(out->c + l0[jj], out->c + l0[jj], B->lvl[0].c + l0[jj], sp->prec);
    }
    for (size_t k = 0; k < d; k++) ua_tm_clear(sp, &blk.lvl[k]);
    arb_clear(c);
    _arb_vec_clear(W, (slong)K1);
    for (size_t k = 0; oc.list && k < ((size_t)1 << d); k++) free(oc.list[k]);
    free(oc.list);
    free(oc.count);
    free(oc.mask);
    _arb_vec_clear(Wc, (slong)Dmax + 1);
    for (size_t i = 0; i < d; i++) {
        _arb_vec_clear(fac[i], (slong)(ua_sparse_nodes_upto(g->maxlevel[i]) * (Dd[i] + 1)));
        _arb_vec_clear(tay[i], (slong)(ua_sparse_nodes_upto(g->maxlevel[i]) * K1));
    }
    if (!s && !ua_tm_is_finite(sp, out))
        s = UA_ERR(UA_EDOMAIN, "sparse bounds: the Taylor model overflows");
    return s;
}

/*
 * sup |predict(x) - model(x)| over the box [lo, hi], from the standard model
 * fl(a op b) = (a op b)(1 + e), |e| <= u = 2^-53:
 * - each 1-D factor is computed by the barycentric formula on the double nodes; Higham ("The
 *   numerical stability of barycentric Lagrange interpolation", IMA J. Numer. Anal. 24, 2004,
 *   Theorem 3.2 / 3.3) bounds the second form's error at x by (3n + 4) u sum |l_k(x) y_k| +
 *   (3n + 2) u Lambda_n(x) |p(x)|; for the basis function L_j (y the j-th unit vector) that is
 *   ((3n + 4) + (3n + 2) Lambda_n(x)) u |L_j(x)|; the nodes' own rounding (|dt| <= u) is one more
 *   relative error of each t - t_j, taken as another n u Lambda |L_j|. So e_j = (7n + 6) u
 *   Lambda S_j with Lambda = (2 / pi) ln(n + 1) + 1 >= the Lebesgue constant of the
 *   Chebyshev-Lobatto points (Ehlich and Zeller 1966), which also bounds each |L_j|, and S_j >=
 *   sup |L_j| over the cell: the sum of |coefficients| of its Chebyshev series on the cell
 *   (cell_factors), at most Lambda (on the whole box, or where it is not computed, Lambda);
 * - the factors' errors through the product: prod (S_j + e_j) - prod S_j <= prod (S_j + e_j)
 *   sum_j e_j / S_j;
 * - the products and the sums as predict orders them (cc_sum: per block, per row a dot product
 *   of the row's nl surpluses with the last active dimension's values, times the partial product
 *   of the other na - 1 factors, added to one running sum): each term c_p prod v of the computed
 *   values carries at most k_p = nl + na + (rows - r_p) roundings on its path to the result
 *   (r_p its row's index among all rows; Higham 3.1, each rounding a factor (1 + delta)), so
 *   the sum is off by at most sum_p gamma_{k_p} |c_p| prod (S + e) (formerly gamma_{P + 1} for
 *   every term);
 * - the map to t (two roundings, |dt| <= 3u) times |d model / dt| <= sum |c_p| sum_i
 *   D_i prod_{j != i} S_j, D_i >= sup |L_i'| on the cell: sum_k k^2 |a_k| / h from its
 *   Chebyshev series a in the cell's variable (|T_k'| <= k^2; h the cell's half-width in t),
 *   at most Markov's n^2 Lambda (on the whole box, or where the series is cut, that).
 * On a cell, S_j and D_i are taken over the cell widened by 2^-40 of the box (predict's t is
 * within a few ulps of the exact one).
 * The total is padded by 2 percent for the rounding of this computation itself.
 */
static ua_status sparse_eval_error(const void *state, const double *lo, const double *hi,
                                   double *err)
{
    const ua_sparse *g = state;
    if (!err) return UA_ERR(UA_EINVAL, "sparse bounds: NULL err");
    if (g->rule != UA_SPARSE_CC)
        return UA_ERR(UA_EUNSUPPORTED, "sparse bounds: a localp model is a sum of piecewise "
                      "polynomials (hat functions) with kinks at its grid lines; only the global "
                      "rule (clenshaw-curtis) is proven");
    const double u = 0x1p-53;
    size_t d = g->d;
    /* on a sub-box: S[i][id] >= sup |L_id| over the cell (the sum of |coefficients| of its
     * Chebyshev series there), else Lambda */
    double *S[UA_PROBLEM_MAX_DIM] = { NULL }, *Dv[UA_PROBLEM_MAX_DIM] = { NULL };
    int cell = lo && hi && d <= UA_PROBLEM_MAX_DIM;
    for (size_t i = 0; cell && i < d; i++)
        if (!(lo[i] >= g->lo[i] && hi[i] <= g->hi[i] && lo[i] <= hi[i]) || g->maxlevel[i] > 12)
            cell = 0;
    for (size_t i = 0; cell && i < d; i++) {
        size_t nid = ua_sparse_nodes_upto(g->maxlevel[i]), D;
        S[i] = malloc(2 * nid * sizeof(double));
        if (!S[i]) {
            cell = 0;
            break;
        }
        Dv[i] = S[i] + nid;
        /* the cell widened by 2^-40 of the box (within the box): predict's computed t lies within
         * a few ulps of the exact one */
        double wb = g->hi[i] - g->lo[i], xl = fmax(g->lo[i], lo[i] - 0x1p-40 * wb),
               xh = fmin(g->hi[i], hi[i] + 0x1p-40 * wb);
        double h = (xh - xl) / wb * (1 - 4 * u); /* the half-width in t, rounded down */
        size_t N = g->maxlevel[i] == 0 ? 0 : (size_t)1 << g->maxlevel[i];
        arb_ptr fac = cell_factors(g, i, xl, xh, 160, &D);
        mag_t m, md, t;
        mag_init(m);
        mag_init(md);
        mag_init(t);
        for (size_t q = 0; q < nid; q++) {
            mag_zero(m);
            mag_zero(md);
            for (size_t k = 0; k <= D; k++) {
                arb_get_mag(t, fac + q * (D + 1) + k);
                mag_add(m, m, t);
                mag_mul_ui(t, t, (ulong)(k * k)); /* |T_k'| <= k^2 on [-1, 1] */
                mag_add(md, md, t);
            }
            S[i][q] = mag_get_d(m);
            /* sup |L_q'| over the cell in t: the series' derivative in u over h (the series is
             * complete when N <= D; else its tail is bounded in value only: Markov below) */
            Dv[i][q] = D == N && h > 0 ? mag_get_d(md) / h * (1 + 4 * u) : INFINITY;
        }
        mag_clear(m);
        mag_clear(md);
        mag_clear(t);
        _arb_vec_clear(fac, (slong)(nid * (D + 1)));
    }
    /* the additions into predict's running sum (cc_sum): one per row of each block (a constant
     * block's one value is a row) */
    size_t rows = 0;
    for (size_t b = 0; b < g->nblocks; b++) {
        const uint32_t *lv = g->blevel + b * d;
        size_t nl = 1;
        for (size_t i = 0; i < d; i++)
            if (lv[i]) nl = ua_sparse_nodes_new((int)lv[i]); /* the last active dimension's */
        rows += (g->boff[b + 1] - g->boff[b]) / nl;
    }
    double total = 0, sumg = 0, mapG = 0;
    size_t row = 0, b = 0, nl = 1, na = 0;
    for (size_t p = 0; p < g->n; p++) {
        while (b < g->nblocks && p >= g->boff[b + 1]) b++;
        if (b < g->nblocks && p == g->boff[b]) { /* the block's row length and active count */
            const uint32_t *lv = g->blevel + b * d;
            nl = 1;
            na = 0;
            for (size_t i = 0; i < d; i++)
                if (lv[i]) {
                    nl = ua_sparse_nodes_new((int)lv[i]);
                    na++;
                }
        }
        /* the roundings on the path of point p's term c_p prod v to predict's sum: at most nl in
         * its row's dot product (a product, then the additions after it), na - 1 in the partial
         * product of the other factors and its product with the dot, and one per addition into
         * the running sum from its row's on: rows - (its row's index) */
        size_t rp = row + (p - g->boff[b]) / nl;
        double kp = (double)(nl + na + (rows - rp));
        const uint32_t *nd = g->node + p * d;
        double prodB = 1, sum_rel = 0, Sv[UA_PROBLEM_MAX_DIM], Dq[UA_PROBLEM_MAX_DIM];
        size_t m = 0;
        for (size_t i = 0; i < d; i++) {
            int l = ua_sparse_node_level(nd[i]);
            if (l == 0) continue;
            double n = (double)((size_t)1 << l), Lam = 0.6366197723675815 * log(n + 1) + 1; /* 2 / pi, rounded up */
            double Sj = cell ? fmin(S[i][nd[i]], Lam) : Lam;
            double e = (7 * n + 6) * u * Lam * Sj;
            prodB *= Sj + e;
            sum_rel += (7 * n + 6) * u * Lam;
            /* sup |L'| on the cell, or Markov's n^2 Lambda over the box */
            Dq[m] = cell ? fmin(Dv[i][nd[i]], n * n * Lam) : n * n * Lam;
            Sv[m++] = Sj;
        }
        double a = fabs(g->surplus[p]);
        total += a * prodB * sum_rel;
        sumg += a * prodB * (kp * u / (1 - kp * u));
        /* |d (c_p prod L) / dt_i| <= |c_p| sup |L_i'| prod_{j != i} sup |L_j| */
        for (size_t i = 0; i < m; i++) {
            double t = a * Dq[i];
            for (size_t j = 0; j < m; j++)
                if (j != i) t *= Sv[j];
            mapG += t;
        }
        if (p + 1 == g->boff[b + 1]) row += (g->boff[b + 1] - g->boff[b]) / nl;
    }
    for (size_t i = 0; i < d; i++) free(S[i]);
    double e = 1.02 * (total + sumg + 3 * u * mapG);
    if (!isfinite(e)) return UA_ERR(UA_EDOMAIN, "sparse bounds: the evaluation error overflows");
    *err = e;
    return UA_OK;
}

const ua_family_bounds ua_sparse_bounds = {
    .output = NULL,
    .lipschitz = NULL,
    .gradient = NULL,
    .eval_error = sparse_eval_error,
    .naive = NULL,
    .taylor = sparse_taylor,
};
