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
 * [-1, 1]; every T_k(s0 + h u), k <= 2^maxlevel, is expanded exactly in u by the recurrence
 * T_{k+1} = 2 t T_k - T_{k-1} on polynomials with ball coefficients and truncated at the space's
 * degree K (the dropped terms' sum of |coefficients| into the remainder), so each factor's model
 * is a short sum of them. Per block, each row of points (the last active dimension fastest) is
 * first summed into one univariate model, then multiplied out with the other factors' models
 * (terms above total degree K bounded by a convolution of the coefficient magnitudes).
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

/* Per dimension on a cell: the truncated expansions of T_k(s0 + h u), k <= N, (N + 1, K + 1),
 * remainders in [0]'s radius. */
static void chebyshev_expansions(double lo_m, double hi_m, double xlo, double xhi, size_t N,
                                 unsigned K, slong prec0, arb_ptr out)
{
    slong L = (slong)N + 1, prec = 128 + 2 * L;
    arb_t s0, h, w, t;
    arb_init(s0);
    arb_init(h);
    arb_init(w);
    arb_init(t);
    arb_set_d(w, hi_m);
    arb_set_d(t, lo_m);
    arb_sub(w, w, t, prec); /* hi_m - lo_m */
    arb_set_d(s0, xlo);
    arb_set_d(t, xhi);
    arb_add(s0, s0, t, prec);
    arb_set_d(t, lo_m);
    arb_sub(s0, s0, t, prec);
    arb_set_d(t, hi_m);
    arb_sub(s0, s0, t, prec);
    arb_div(s0, s0, w, prec);
    arb_set_d(h, xhi);
    arb_set_d(t, xlo);
    arb_sub(h, h, t, prec);
    arb_div(h, h, w, prec);
    arb_ptr a = _arb_vec_init(L + 1), b = _arb_vec_init(L + 1), c = _arb_vec_init(L + 1);
    mag_t tail, mt;
    mag_init(tail);
    mag_init(mt);
    arb_one(a); /* T_0 */
    arb_set(b, s0); /* T_1 = s0 + h u */
    arb_set(b + 1, h);
    for (size_t k = 0; k <= N; k++) {
        arb_srcptr Tk = k == 0 ? a : b;
        arb_ptr o = out + k * (K + 1);
        mag_zero(tail);
        for (slong q = 0; q <= (slong)k; q++) {
            if (q <= (slong)K) arb_set_round(o + q, Tk + q, prec0);
            else {
                arb_get_mag(mt, Tk + q);
                mag_add(tail, tail, mt);
            }
        }
        for (slong q = (slong)k + 1; q <= (slong)K; q++) arb_zero(o + q);
        arb_add_error_mag(o, tail);
        if (k == 0 || k == N) continue;
        /* c = T_{k+1} = 2 (s0 + h u) T_k - T_{k-1}; then a = T_k, b = T_{k+1} */
        for (slong q = (slong)k + 1; q >= 0; q--) {
            arb_zero(c + q);
            if (q <= (slong)k) arb_mul(c + q, b + q, s0, prec);
            if (q >= 1) arb_addmul(c + q, b + q - 1, h, prec);
            arb_mul_2exp_si(c + q, c + q, 1);
            if (q <= (slong)k - 1) arb_sub(c + q, c + q, a + q, prec);
        }
        arb_ptr tmp = a;
        a = b;
        b = c;
        c = tmp;
    }
    mag_clear(tail);
    mag_clear(mt);
    _arb_vec_clear(a, L + 1);
    _arb_vec_clear(b, L + 1);
    _arb_vec_clear(c, L + 1);
    arb_clear(s0);
    arb_clear(h);
    arb_clear(w);
    arb_clear(t);
}

/* Per dimension: the model (K + 1,) of every node id's Lagrange factor, (nodes_upto(ml), K + 1),
 * from the expansions T (2^ml + 1, K + 1). */
static void factor_models(int ml, unsigned K, slong prec, arb_srcptr T, arb_ptr out)
{
    size_t K1 = K + 1;
    arb_one(out); /* id 0: the constant 1 */
    arb_t a, cs;
    arb_init(a);
    arb_init(cs);
    fmpq_t q;
    fmpq_init(q);
    mag_t tail, mt;
    mag_init(tail);
    mag_init(mt);
    for (int l = 1; l <= ml; l++) {
        size_t n = (size_t)1 << l, first = ua_sparse_first_id(l), nn = ua_sparse_nodes_new(l);
        arb_ptr cosv = _arb_vec_init((slong)(2 * n)); /* cos(pi r / n), r < 2n */
        for (size_t r = 0; r < 2 * n; r++) {
            fmpq_set_si(q, (slong)r, (ulong)n);
            arb_cos_pi_fmpq(cosv + r, q, prec);
        }
        for (size_t r = 0; r < nn; r++) {
            size_t j = l == 1 ? 2 * r : 2 * r + 1; /* position among the level's n + 1 nodes */
            arb_ptr o = out + (first + r) * K1;
            _arb_vec_zero(o, (slong)K1);
            mag_zero(tail);
            for (size_t k = 0; k <= n; k++) {
                /* a = (2 / n) d_j (1/2 at k = 0, n) (-1)^k cos(pi k j / n) */
                arb_set(cs, cosv + (k * j) % (2 * n));
                if (k & 1) arb_neg(cs, cs);
                int halves = (k == 0 || k == n) + (j == 0 || j == n);
                arb_mul_2exp_si(a, cs, 1 - (slong)l - halves);
                _arb_vec_scalar_addmul(o, T + k * K1, (slong)K1, a, prec);
            }
        }
        _arb_vec_clear(cosv, (slong)(2 * n));
    }
    (void)tail;
    mag_clear(tail);
    mag_clear(mt);
    fmpq_clear(q);
    arb_clear(a);
    arb_clear(cs);
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

/* out += the product of the univariate models u[k] (K + 1,) of the m variables var[k], truncated
 * at total degree K (the rest bounded by the convolution of their coefficient magnitudes). */
static void add_outer(const outer_ctx *oc, size_t m, const size_t *var, arb_srcptr const *u,
                      ua_tm *out)
{
    const ua_tm_space *sp = oc->sp;
    size_t d = sp->d, K = sp->K;
    uint32_t want = 0;
    for (size_t k = 0; k < m; k++) want |= 1u << var[k];
    arb_t p;
    arb_init(p);
    size_t nl = 0;
    const size_t *lst = monomials_in(oc, want, &nl);
    for (size_t jj = 0; jj < nl; jj++) {
        size_t j = lst[jj];
        const unsigned char *e = sp->exp + j * d;
        arb_set(p, u[0] + e[var[0]]);
        for (size_t k = 1; k < m; k++) arb_mul(p, p, u[k] + e[var[k]], sp->prec);
        arb_add(out->c + j, out->c + j, p, sp->prec);
    }
    arb_clear(p);
    if (m < 2 && lst) return;
    /* magnitudes convolved: conv[t] >= sum over k_1 + ... + k_m = t of prod |u_i[k_i]| */
    size_t len = m * K + 1;
    mag_ptr conv = _mag_vec_init((slong)len), nxt = _mag_vec_init((slong)len),
            mg = _mag_vec_init((slong)K + 1);
    mag_t t, tail;
    mag_init(t);
    mag_init(tail);
    for (size_t q = 0; q <= K; q++) arb_get_mag(conv + q, u[0] + q);
    size_t cur = K;
    for (size_t k = 1; k < m; k++) {
        for (size_t q = 0; q <= K; q++) arb_get_mag(mg + q, u[k] + q);
        for (size_t q = 0; q <= cur + K; q++) mag_zero(nxt + q);
        for (size_t a = 0; a <= cur; a++)
            for (size_t b = 0; b <= K; b++) {
                mag_mul(t, conv + a, mg + b);
                mag_add(nxt + a + b, nxt + a + b, t);
            }
        cur += K;
        mag_ptr sw = conv;
        conv = nxt;
        nxt = sw;
    }
    /* without the monomial list (no memory) every term is in the remainder */
    for (size_t q = lst ? K + 1 : 0; q <= cur; q++) mag_add(tail, tail, conv + q);
    arb_add_error_mag(out->c, tail);
    mag_clear(t);
    mag_clear(tail);
    _mag_vec_clear(conv, (slong)len);
    _mag_vec_clear(nxt, (slong)len);
    _mag_vec_clear(mg, (slong)K + 1);
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
    arb_ptr fac[UA_PROBLEM_MAX_DIM];
    for (size_t i = 0; i < d; i++) {
        int ml = g->maxlevel[i];
        size_t N = ml == 0 ? 0 : (size_t)1 << ml, nid = ua_sparse_nodes_upto(ml);
        arb_ptr T = _arb_vec_init((slong)((N + 1) * K1));
        chebyshev_expansions(g->lo[i], g->hi[i], lo[i], hi[i], N, sp->K, sp->prec, T);
        fac[i] = _arb_vec_init((slong)(nid * K1));
        factor_models(ml, sp->K, sp->prec, T, fac[i]);
        _arb_vec_clear(T, (slong)((N + 1) * K1));
    }
    outer_ctx oc = { sp, calloc(sp->n, sizeof(uint32_t)), calloc((size_t)1 << d, sizeof(size_t *)),
                     calloc((size_t)1 << d, sizeof(size_t)) };
    ua_status s = UA_OK;
    if (!oc.mask || !oc.list || !oc.count) s = UA_ENOMEM_ERR(sp->n * sizeof(uint32_t));
    for (size_t j = 0; oc.mask && j < sp->n; j++)
        for (size_t i = 0; i < d; i++)
            if (sp->exp[j * d + i]) oc.mask[j] |= 1u << i;
    ua_tm_zero(sp, out);
    arb_ptr W = _arb_vec_init((slong)K1);
    arb_t c;
    arb_init(c);
    for (size_t b = 0; !s && b < g->nblocks; b++) {
        const uint32_t *lv = g->blevel + b * d;
        size_t act[UA_PROBLEM_MAX_DIM], nn[UA_PROBLEM_MAX_DIM], m[UA_PROBLEM_MAX_DIM], na = 0;
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
        size_t last = na - 1, nl = nn[last];
        for (size_t k = 0; k < na; k++) m[k] = 0;
        arb_srcptr u[UA_PROBLEM_MAX_DIM];
        for (size_t j = 0; j < cnt; j += nl) {
            /* the row: W = sum_q c_q L_q(t_last) */
            _arb_vec_zero(W, (slong)K1);
            const arb_srcptr Ul = fac[act[last]] + ua_sparse_first_id((int)lv[act[last]]) * K1;
            for (size_t q = 0; q < nl; q++) {
                if (cf[j + q] == 0) continue;
                arb_set_d(c, cf[j + q]);
                _arb_vec_scalar_addmul(W, Ul + q * K1, (slong)K1, c, sp->prec);
            }
            for (size_t k = 0; k < last; k++)
                u[k] = fac[act[k]] + (ua_sparse_first_id((int)lv[act[k]]) + m[k]) * K1;
            u[last] = W;
            add_outer(&oc, na, act, u, out);
            size_t k = last;
            while (k > 0 && ++m[k - 1] == nn[k - 1]) m[--k] = 0;
            if (k == 0) break;
        }
    }
    arb_clear(c);
    _arb_vec_clear(W, (slong)K1);
    for (size_t k = 0; oc.list && k < ((size_t)1 << d); k++) free(oc.list[k]);
    free(oc.list);
    free(oc.count);
    free(oc.mask);
    for (size_t i = 0; i < d; i++)
        _arb_vec_clear(fac[i], (slong)(ua_sparse_nodes_upto(g->maxlevel[i]) * K1));
    if (!s && !ua_tm_is_finite(sp, out))
        s = UA_ERR(UA_EDOMAIN, "sparse bounds: the Taylor model overflows");
    return s;
}

/*
 * sup |predict(x) - model(x)| over the box (a worst case, the same for every cell), from the
 * standard model fl(a op b) = (a op b)(1 + e), |e| <= u = 2^-53:
 * - each 1-D factor is computed by the barycentric formula on the double nodes; Higham ("The
 *   numerical stability of barycentric Lagrange interpolation", IMA J. Numer. Anal. 24, 2004,
 *   Theorem 3.2 / 3.3) bounds the second form's error by (3n + 4) u Lambda_n + (3n + 2) u
 *   Lambda_n^2 for data of size 1; the nodes' own rounding (|dt| <= u) is one more relative error
 *   of each t - t_j, taken as another n u Lambda_n^2. So e_l = (7n + 6) u Lambda^2 with
 *   Lambda = (2 / pi) ln(n + 1) + 1 >= the Lebesgue constant of the Chebyshev-Lobatto points
 *   (Ehlich and Zeller 1966), which also bounds each |L_j|;
 * - a product of m factors: sum_i e_i prod_{j != i} (Lambda_j + e_j) plus m u prod (Lambda_j + e_j);
 * - the sum over the points: gamma_{P + 1} sum |c_p| prod (Lambda + e);
 * - the map to t (two roundings, |dt| <= 3u) times |d model / dt| <= sum |c_p| sum_i
 *   n_i^2 prod_j Lambda_j (Markov: |L_j'| <= n^2 Lambda on [-1, 1]).
 * The total is padded by 2 percent for the rounding of this computation itself.
 */
static ua_status sparse_eval_error(const void *state, const double *lo, const double *hi,
                                   double *err)
{
    (void)lo;
    (void)hi;
    const ua_sparse *g = state;
    if (!err) return UA_ERR(UA_EINVAL, "sparse bounds: NULL err");
    if (g->rule != UA_SPARSE_CC)
        return UA_ERR(UA_EUNSUPPORTED, "sparse bounds: a localp model is a sum of piecewise "
                      "polynomials (hat functions) with kinks at its grid lines; only the global "
                      "rule (clenshaw-curtis) is proven");
    const double u = 0x1p-53;
    size_t d = g->d;
    double total = 0, sumc = 0, map = 0;
    for (size_t p = 0; p < g->n; p++) {
        const uint32_t *nd = g->node + p * d;
        double prodB = 1, sum_rel = 0, marg = 0;
        size_t mact = 0;
        for (size_t i = 0; i < d; i++) {
            int l = ua_sparse_node_level(nd[i]);
            if (l == 0) continue;
            double n = (double)((size_t)1 << l), Lam = 0.6366197723675815 * log(n + 1) + 1; /* 2 / pi, rounded up */
            double e = (7 * n + 6) * u * Lam * Lam;
            prodB *= Lam + e;
            sum_rel += e / Lam;
            marg += n * n;
            mact++;
        }
        double a = fabs(g->surplus[p]);
        total += a * prodB * (sum_rel + (double)mact * u);
        sumc += a * prodB;
        map += a * prodB * marg;
    }
    double P = (double)g->n;
    double gam = (P + 1) * u / (1 - (P + 1) * u);
    double e = 1.02 * (total + gam * sumc + 3 * u * map);
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
