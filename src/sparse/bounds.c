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
 * sup |predict(x) - model(x)| over the box [lo, hi] (docs/prove.md, "The rounding terms"), from
 * the standard model fl(a op b) = (a op b)(1 + e), |e| <= u = 2^-53 (Higham, Accuracy and
 * Stability of Numerical Algorithms, 2002, 2.2 and 3.1). "model" is the interpolant at the exact
 * Chebyshev-Lobatto nodes t_k = -cos(pi k / n) at predict's computed t; the map's rounding to t is
 * the last term. Per dimension and level l (n = 2^l nodes, weights w_k = (-1)^k, halved at the
 * ends), with F~_k the barycentric formula in exact arithmetic on the double nodes t~_k:
 *
 * - the nodes' rounding, exactly (rounded_nodes: |t~_k - t_k| <= delta_l from Arb). With
 *   sigma = sum_m w_m / (t - t_m) and sigma~ on the double nodes, the identity
 *       F~_j - L_j = delta_j F~_j (1 - L_j) / (t - t_j) - sum_{m != j} delta_m F~_m L_j / (t - t_m)
 *   (delta_m = t~_m - t_m) holds at every t; (1 - L_j(t)) / (t - t_j) and L_j(t) / (t - t_m),
 *   m != j, are mean values of L_j' between t and the node (both vanish there), so at most
 *   a_j = min(n^2 Lambda, max(D_j, (1 + S_j) / g)) on the cell: D_j >= sup |L_j'| on the cell
 *   covers the nodes inside it, g the distance from the cell to the nearest node outside, Markov's
 *   n^2 Lambda the whole interval. Hence |F~_j - L_j| <= delta_l (S_j + E) a_j + delta_l a_j
 *   Lambda~, where E >= sup |F~_m - L_m| over [-1, 1] for every m of the level is the same identity
 *   with the crude bounds: E <= 2 delta n^2 Lambda^2 / (1 - delta (n + 2) n^2 Lambda). (F~ has no
 *   pole in [-1, 1]: the weights alternate in sign on increasing nodes; Berrut 1988.)
 * - the arithmetic, a running error bound over the cell: diff_k = fl(t - t~_k), r_k = fl(1 / diff_k)
 *   give w_k r_k = (w_k / (t - t~_k))(1 + phi_k), |phi_k| <= 2u / (1 - u) (w_k r_k is exact); the
 *   recursive sum S~ of the n + 1 terms is off by at most u / (1 - n u) times the sum of its n
 *   partial sums' magnitudes, which divided by |sigma~| are |sum_{k<=i} F~_k| (plus phi's share):
 *   as sum_k F~_k = 1 exactly, at most min(A_i, 1 + B_i) with A_i, B_i the sums of sup |L_k| over
 *   the nodes up to i and after it, plus (n + 1) E. So S~ = sigma~ (1 + rho) with
 *       |rho| <= g' Lambda~ + u / (1 - n u) (sum_i min(A_i, 1 + B_i) + n g' Lambda~),
 *   g' = 2u / (1 - u), and v~_j = fl(w_j r_j / S~) = F~_j (1 + phi_j)(1 + psi) / (1 + rho): a
 *   relative error of (1 + g')(1 + u) / (1 - |rho|) - 1, the same for every factor of the level.
 *   sup |L_k| on the cell, for every node of the level: from |L_k(t)| = d_k |(1 - t^2)
 *   U_{n-1}(t)| / (n |t - t_k|) (d_k = 1/2 at the ends, else 1), |(1 - t^2) U_{n-1}| <= 1 and its
 *   derivative at most 2n: d_k min(2, 1 / (n g_k)), g_k the node's distance from the cell;
 *   Lambda~ = min(Lambda, sum of these) + (n + 1) E, Lambda = (2 / pi) ln(n + 1) + 1 bounding the
 *   Lebesgue constant and every |L_k| (Ehlich and Zeller 1966).
 * So e_j = (S_j + E) rel_l + delta_l ((S_j + E) a_j + a_j Lambda~) bounds |v~_j - L_j| on the
 * cell, S_j >= sup |L_j| there from its Chebyshev series on the cell (at most Lambda; Lambda on
 * the whole box), D_j = sum_k k^2 |a_k| / h from the series (|T_k'| <= k^2) where it is complete
 * (2^l <= CHEB_DEG), else Markov's n^2 Lambda.
 * - the products and sums as predict orders them (cc_sum): per block, per row a dot product of the
 *   row's nl surpluses with the last active dimension's values, times the partial product of the
 *   other na - 1 factors: each term c_p prod v~ within its row off by at most
 *   |c_p| (prod (S + e) - prod S) + gamma_{nl + na} |c_p| prod (S + e); then the R rows x~_r added
 *   by compensated summation (eval.c's two_sum_add: Ogita, Rump and Oishi, "Accurate sum and dot
 *   product", SIAM J. Sci. Comput. 26(6), 2005, Algorithm 4.4 Sum2), whose result is off from
 *   s = sum x~_r by at most u |s| + gamma_{R-1}^2 sum |x~_r| (their Proposition 4.5, also with
 *   underflow; gamma_k = k u / (1 - k u)): TwoSum's errors are exact and their magnitudes sum to
 *   at most gamma_{R-1} sum |x~_r| (the recursive sum's bound), their own recursive sum is off by
 *   at most gamma_{R-2} times that, and the last addition by u |s~ + c~|. |x~_r| is bounded by the
 *   row's terms' magnitudes with their errors, and |s| by the smaller of their sum and M plus the
 *   rows' errors: M >= sup |model| on the cell is the exact model at the cell's centre (Arb) plus
 *   the half-widths times the derivative bounds below;
 * - the map to t (two roundings, |dt| <= 3u) times |d model / dt| <= sum |c_p| sum_i
 *   D_i prod_{j != i} S_j.
 * On a cell, S_j and D_j are taken over the cell widened by 2^-40 of the box (predict's t is
 * within a few ulps of the exact one). The total is padded by 2 percent for the rounding of this
 * computation itself (and for predict's unit vector where 0 < |t - t~_k| < 2^-960, off from F~ by
 * less than 2^-940).
 */

/* The largest |t~_k - t_k| over the nodes of each level l <= ml (del, ml + 1), t~_k the doubles
 * predict uses and t_k = sin(pi (2k - M) / (2M)) = -cos(pi k / M) enclosed in Arb. */
static void rounded_nodes(int ml, double *del)
{
    for (int l = 0; l <= ml; l++) del[l] = 0;
    if (ml <= 0) return;
    const double *tk = ua_sparse_cc_level_nodes(ml);
    size_t M = (size_t)1 << ml;
    arb_t e, x;
    arb_init(e);
    arb_init(x);
    fmpq_t q;
    fmpq_init(q);
    mag_t m;
    mag_init(m);
    for (size_t k = 0; k <= M; k++) {
        fmpz_set_si(fmpq_numref(q), 2 * (slong)k - (slong)M);
        fmpz_set_ui(fmpq_denref(q), 2 * (ulong)M);
        fmpq_canonicalise(q);
        arb_sin_pi_fmpq(e, q, 128);
        arb_set_d(x, tk[k]);
        arb_sub(x, x, e, 128);
        arb_get_mag(m, x);
        double r = mag_get_d(m); /* an upper bound */
        int l = 1; /* the level where node k of level ml first appears (ends and 0: level 1) */
        if (k != 0 && k != M) {
            size_t kk = k;
            l = ml;
            while (!(kk & 1)) {
                kk >>= 1;
                l--;
            }
            if (l < 1) l = 1;
        }
        for (int j = l; j <= ml; j++) del[j] = fmax(del[j], r);
    }
    mag_clear(m);
    fmpq_clear(q);
    arb_clear(e);
    arb_clear(x);
}

/* Lambda = (2 / pi) ln(n + 1) + 1 >= the Lebesgue constant of n + 1 Chebyshev-Lobatto points. */
static double lebesgue(double n)
{
    return 0.6366197723675815 * log(n + 1) * (1 + 0x1p-50) + 1; /* 2 / pi, rounded up */
}

/* Per dimension: the factors' error bounds e (nid,) on the t-interval [tl, th] (which holds every
 * computed t of the cell), given S, Dv (nid,) >= sup |L|, sup |L'| there (NULL: the whole box). */
static int factor_errors(int ml, double tl, double th, const double *S, const double *Dv,
                         double *e)
{
    const double u = 0x1p-53, gp = 2 * u / (1 - u);
    double del[UA_SPARSE_CC_MAX_LEVEL + 1];
    rounded_nodes(ml, del);
    e[0] = 0; /* level 0: the constant 1, exact */
    /* nodes inside [tin_lo, tin_hi] are inside the interval S and D are bounds on; distances
     * are taken to [tout_lo, tout_hi] (both margins far above this computation's rounding) */
    double tin_lo = tl == -1 ? -1 : tl + 0x1p-44, tin_hi = th == 1 ? 1 : th - 0x1p-44,
           tout_lo = tl - 0x1p-44, tout_hi = th + 0x1p-44; /* the ends +-1 are exact */
    for (int l = 1; l <= ml; l++) {
        size_t n = (size_t)1 << l;
        double nd = (double)n, Lam = lebesgue(nd), dl = del[l], mk = nd * nd * Lam;
        double den = 1 - dl * (nd + 2) * mk;
        if (!(den > 0.5)) return 0;
        double E = 2 * dl * mk * Lam / den;
        const double *tk = ua_sparse_cc_level_nodes(l);
        double *sk = malloc((n + 1) * sizeof *sk), tot = 0, gout = INFINITY;
        if (!sk) return 0;
        for (size_t k = 0; k <= n; k++) {
            double dk = k == 0 || k == n ? 0.5 : 1.0, g = 0;
            int inside = tk[k] - dl >= tin_lo && tk[k] + dl <= tin_hi;
            if (!inside) {
                g = tk[k] + dl < tout_lo ? tout_lo - (tk[k] + dl)
                    : tk[k] - dl > tout_hi ? tk[k] - dl - tout_hi : 0;
                gout = fmin(gout, g);
            }
            sk[k] = fmin(Lam, dk * (g > 0 ? fmin(2, 1 / (nd * g)) : 2));
            tot += sk[k];
        }
        double Lt = fmin(Lam, tot) + (nd + 1) * E, sumQ = 0, Ai = sk[0];
        for (size_t i = 1; i <= n; i++) { /* partial sum i: the nodes up to i */
            Ai += sk[i];
            sumQ += fmin(Ai + (double)(i + 1) * E, 1 + fmax(tot - Ai, 0) + (double)(n - i) * E);
        }
        free(sk);
        double rho = gp * Lt + u / (1 - nd * u) * (sumQ + nd * gp * Lt);
        if (!(rho < 0.5)) return 0;
        double rel = (1 + gp) * (1 + u) / (1 - rho) - 1;
        size_t first = ua_sparse_first_id(l), nn = ua_sparse_nodes_new(l);
        for (size_t q = first; q < first + nn; q++) {
            double Sq = S ? fmin(S[q], Lam) : Lam, Dq = Dv ? Dv[q] : INFINITY;
            double a = fmin(mk, fmax(Dq, (1 + Sq) / gout)); /* (1 + S) / 0 = inf: Markov */
            e[q] = (Sq + E) * rel + dl * ((Sq + E) * a + a * Lt);
        }
    }
    return 1;
}

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
    /* per dimension, by node id: S >= sup |L| over the cell, Dv >= sup |L'| (in t), e >= the
     * factor's error, Lc the exact value at the cell's centre (on a sub-box only) */
    double *S[UA_PROBLEM_MAX_DIM] = { NULL }, *Dv[UA_PROBLEM_MAX_DIM] = { NULL },
           *ef[UA_PROBLEM_MAX_DIM] = { NULL }, ht[UA_PROBLEM_MAX_DIM];
    arb_ptr Lc[UA_PROBLEM_MAX_DIM] = { NULL };
    ua_status st = UA_OK;
    int cell = lo && hi && d <= UA_PROBLEM_MAX_DIM;
    for (size_t i = 0; cell && i < d; i++)
        if (!(lo[i] >= g->lo[i] && hi[i] <= g->hi[i] && lo[i] <= hi[i]) || g->maxlevel[i] > 12)
            cell = 0;
    for (size_t i = 0; i < d && !st; i++) {
        int ml = g->maxlevel[i];
        size_t nid = ua_sparse_nodes_upto(ml), D;
        S[i] = malloc(3 * nid * sizeof(double));
        if (!S[i]) {
            st = UA_ENOMEM_ERR(3 * nid * sizeof(double));
            break;
        }
        Dv[i] = S[i] + nid;
        ef[i] = S[i] + 2 * nid;
        double tl = -1, th = 1;
        ht[i] = 1;
        if (cell) {
            /* the cell widened by 2^-40 of the box (within the box): predict's computed t lies
             * within a few ulps of the exact one */
            double wb = g->hi[i] - g->lo[i], xl = fmax(g->lo[i], lo[i] - 0x1p-40 * wb),
                   xh = fmin(g->hi[i], hi[i] + 0x1p-40 * wb);
            double h = (xh - xl) / wb * (1 - 4 * u); /* the half-width in t, rounded down */
            tl = fmax(-1, 2 * ((xl - g->lo[i]) / wb) - 1);
            th = fmin(1, 2 * ((xh - g->lo[i]) / wb) - 1);
            ht[i] = h * (1 + 8 * u) / (1 - 4 * u);
            arb_ptr fac = cell_factors(g, i, xl, xh, 160, &D);
            Lc[i] = _arb_vec_init((slong)nid);
            mag_t m, md, t;
            mag_init(m);
            mag_init(md);
            mag_init(t);
            for (size_t q = 0; q < nid; q++) {
                arb_srcptr a = fac + q * (D + 1);
                mag_zero(m);
                mag_zero(md);
                for (size_t k = 0; k <= D; k++) {
                    arb_get_mag(t, a + k);
                    mag_add(m, m, t);
                    mag_mul_ui(t, t, (ulong)(k * k)); /* |T_k'| <= k^2 on [-1, 1] */
                    mag_add(md, md, t);
                    if (!(k & 1)) { /* T_k(0) = (-1)^(k/2) for even k, 0 for odd */
                        if (k & 2) arb_sub(Lc[i] + q, Lc[i] + q, a + k, 160);
                        else arb_add(Lc[i] + q, Lc[i] + q, a + k, 160);
                    }
                }
                S[i][q] = mag_get_d(m);
                /* sup |L_q'| over the cell in t: the series' derivative in u over h where the
                 * series is complete (its level's 2^l <= D); else Markov (factor_errors) */
                int lq = ua_sparse_node_level((uint32_t)q);
                size_t nq = lq == 0 ? 0 : (size_t)1 << lq;
                Dv[i][q] = nq <= D && h > 0 ? mag_get_d(md) / h * (1 + 4 * u) : INFINITY;
            }
            mag_clear(m);
            mag_clear(md);
            mag_clear(t);
            _arb_vec_clear(fac, (slong)(nid * (D + 1)));
        } else {
            for (size_t q = 0; q < nid; q++) {
                int lq = ua_sparse_node_level((uint32_t)q);
                S[i][q] = lq == 0 ? 1 : lebesgue((double)((size_t)1 << lq));
                Dv[i][q] = INFINITY;
            }
        }
        if (!factor_errors(ml, tl, th, S[i], cell ? Dv[i] : NULL, ef[i]))
            st = UA_ERR(UA_EDOMAIN, "sparse bounds: the evaluation error overflows");
        /* Markov's n^2 Lambda where the series gives no derivative bound */
        for (size_t q = 1; q < nid && !st; q++) {
            double n = (double)((size_t)1 << ua_sparse_node_level((uint32_t)q));
            Dv[i][q] = fmin(Dv[i][q], n * n * lebesgue(n));
        }
        Dv[i][0] = 0; /* the constant */
    }
    /* the rows of predict's compensated sum (cc_sum): one per row of each block (a constant
     * block's one value is a row) */
    size_t rows = 0;
    for (size_t b = 0; b < g->nblocks; b++) {
        const uint32_t *lv = g->blevel + b * d;
        size_t nl = 1;
        for (size_t i = 0; i < d; i++)
            if (lv[i]) nl = ua_sparse_nodes_new((int)lv[i]); /* the last active dimension's */
        rows += (g->boff[b + 1] - g->boff[b]) / nl;
    }
    /* rowerr: the rows' errors; A >= sum |x~_r|, the computed rows' magnitudes */
    double rowerr = 0, A = 0, mapG = 0, Gd[UA_PROBLEM_MAX_DIM] = { 0 };
    arb_t mc, term;
    arb_init(mc);
    arb_init(term);
    size_t b = 0, nl = 1, na = 0;
    for (size_t p = 0; p < g->n && !st; p++) {
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
        /* the roundings within its row on the path of point p's term c_p prod v~: at most nl
         * in the row's dot product (a product, then the additions after it) and na in the
         * partial product of the other factors and its product with the dot */
        double kp = (double)(nl + na), gk = kp * u / (1 - kp * u);
        const uint32_t *nd = g->node + p * d;
        double a = fabs(g->surplus[p]), prodS = 1, prodSE = 1, Sv[UA_PROBLEM_MAX_DIM],
               Dq[UA_PROBLEM_MAX_DIM];
        size_t m = 0, dim[UA_PROBLEM_MAX_DIM];
        if (cell) arb_set_d(term, g->surplus[p]);
        for (size_t i = 0; i < d; i++) {
            if (cell) arb_mul(term, term, Lc[i] + nd[i], 128);
            if (nd[i] == 0) continue;
            prodS *= S[i][nd[i]];
            prodSE *= S[i][nd[i]] + ef[i][nd[i]];
            Dq[m] = Dv[i][nd[i]];
            dim[m] = i;
            Sv[m++] = S[i][nd[i]];
        }
        if (cell) arb_add(mc, mc, term, 128);
        rowerr += a * ((prodSE - prodS) + gk * prodSE);
        A += a * prodSE * (1 + gk);
        /* |d (c_p prod L) / dt_i| <= |c_p| sup |L_i'| prod_{j != i} sup |L_j| */
        for (size_t i = 0; i < m; i++) {
            double t = a * Dq[i];
            for (size_t j = 0; j < m; j++)
                if (j != i) t *= Sv[j];
            mapG += t;
            Gd[dim[i]] += t;
        }
    }
    double e = INFINITY;
    if (!st) {
        /* M >= sup |model| on the cell: its centre value plus the half-widths times the
         * derivative bounds (no bound on the whole box: the rows' magnitudes then) */
        double M = INFINITY;
        if (cell) {
            mag_t mm;
            mag_init(mm);
            arb_get_mag(mm, mc);
            M = mag_get_d(mm);
            mag_clear(mm);
            for (size_t i = 0; i < d; i++) M += ht[i] * Gd[i];
        }
        /* the compensated sum of the rows (Sum2): u |s| + gamma_{R-1}^2 sum |x~_r|, with
         * sum |x~_r| <= A and |s| <= min(A, M + rowerr) */
        A *= 1 + (double)g->n * u; /* A's own rounding, upwards */
        double R1 = rows > 1 ? (double)(rows - 1) : 0, gR = R1 * u / (1 - R1 * u);
        double add = u * fmin(A, M + rowerr) + gR * gR * A;
        e = 1.02 * (rowerr + add + 3 * u * mapG);
    }
    arb_clear(mc);
    arb_clear(term);
    for (size_t i = 0; i < d; i++) {
        if (Lc[i]) _arb_vec_clear(Lc[i], (slong)ua_sparse_nodes_upto(g->maxlevel[i]));
        free(S[i]);
    }
    if (st) return st;
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
