/* Coefficients in a floating-point format by lattice reduction: the method of Brisebarre &
 * Chevillard ("Efficient polynomial L-infinity approximations", ARITH 18, 2007), the one behind
 * Sollya's fpminimax.
 *
 * Each coefficient c_k of the real best polynomial is given the exponent of its format's ulp,
 * 2^e_k, so that a format number near c_k is m_k 2^e_k with an integer m_k. On d points x_j
 * (Chebyshev points of the first kind on [a, b]; t_j their images) the vectors
 * v_k = (w_j 2^e_k t_j^k)_j span a lattice, and the rounded polynomial whose values are closest to
 * the real one's, (w_j p*(x_j))_j, is a closest-vector problem: solved approximately by reducing
 * the basis with LLL (Lenstra, Lenstra & Lovasz 1982; delta = 0.99, Cohen's "A Course in
 * Computational Algebraic Number Theory", algorithm 2.6.3, in MPFR) and Babai's nearest-plane
 * rounding. */
#include <math.h>
#include <stdlib.h>

#include "core/internal.h"
#include "internal.h"

#define MU(i, j) mu[(i) * m + (j)]

typedef struct {
    size_t m, dim;
    mpfr_t *b, *u, *mu, *bn; /* basis (m, dim), transform (m, m), GS coefficients (m, m), |b*|^2 */
    mpfr_t q, t, r;
} lat;

static void gram_schmidt(lat *L, mpfr_t *bs)
{
    size_t m = L->m, dim = L->dim;
    mpfr_t *mu = L->mu;
    for (size_t i = 0; i < m; i++) {
        for (size_t c = 0; c < dim; c++) mpfr_set(bs[i * dim + c], L->b[i * dim + c], MPFR_RNDN);
        for (size_t j = 0; j < i; j++) {
            mpfr_set_zero(L->r, 1);
            for (size_t c = 0; c < dim; c++) {
                mpfr_mul(L->t, L->b[i * dim + c], bs[j * dim + c], MPFR_RNDN);
                mpfr_add(L->r, L->r, L->t, MPFR_RNDN);
            }
            mpfr_div(MU(i, j), L->r, L->bn[j], MPFR_RNDN);
            for (size_t c = 0; c < dim; c++) {
                mpfr_mul(L->t, MU(i, j), bs[j * dim + c], MPFR_RNDN);
                mpfr_sub(bs[i * dim + c], bs[i * dim + c], L->t, MPFR_RNDN);
            }
        }
        mpfr_set_zero(L->bn[i], 1);
        for (size_t c = 0; c < dim; c++) {
            mpfr_sqr(L->t, bs[i * dim + c], MPFR_RNDN);
            mpfr_add(L->bn[i], L->bn[i], L->t, MPFR_RNDN);
        }
    }
}

/* b_k -= round(mu_kl) b_l, and the matching updates. */
static void size_reduce(lat *L, size_t k, size_t l)
{
    size_t m = L->m, dim = L->dim;
    mpfr_t *mu = L->mu;
    mpfr_rint(L->q, MU(k, l), MPFR_RNDN);
    if (mpfr_zero_p(L->q)) return;
    for (size_t c = 0; c < dim; c++) {
        mpfr_mul(L->t, L->q, L->b[l * dim + c], MPFR_RNDN);
        mpfr_sub(L->b[k * dim + c], L->b[k * dim + c], L->t, MPFR_RNDN);
    }
    for (size_t c = 0; c < m; c++) {
        mpfr_mul(L->t, L->q, L->u[l * m + c], MPFR_RNDN);
        mpfr_sub(L->u[k * m + c], L->u[k * m + c], L->t, MPFR_RNDN);
    }
    mpfr_sub(MU(k, l), MU(k, l), L->q, MPFR_RNDN);
    for (size_t i = 0; i < l; i++) {
        mpfr_mul(L->t, L->q, MU(l, i), MPFR_RNDN);
        mpfr_sub(MU(k, i), MU(k, i), L->t, MPFR_RNDN);
    }
}

static void swap_rows(mpfr_t *v, size_t n, size_t i, size_t j)
{
    for (size_t c = 0; c < n; c++) mpfr_swap(v[i * n + c], v[j * n + c]);
}

/* LLL with delta = 0.99 (Cohen, algorithm 2.6.3, with the floating Gram-Schmidt data). */
static void lll(lat *L, mpfr_prec_t prec)
{
    size_t m = L->m;
    mpfr_t *mu = L->mu;
    mpfr_t *bs = mm_vec_new(m * L->dim, prec);
    mpfr_t mk, bt, tt;
    mpfr_inits2(prec, mk, bt, tt, (mpfr_ptr)0);
    if (!bs) goto done;
    gram_schmidt(L, bs);
    size_t k = 1, guard = 0;
    while (k < m && guard++ < 100000) {
        size_reduce(L, k, k - 1);
        /* Lovasz condition: bn_k >= (0.99 - mu_{k,k-1}^2) bn_{k-1} */
        mpfr_sqr(tt, MU(k, k - 1), MPFR_RNDN);
        mpfr_d_sub(tt, 0.99, tt, MPFR_RNDN);
        mpfr_mul(tt, tt, L->bn[k - 1], MPFR_RNDN);
        if (mpfr_less_p(L->bn[k], tt)) {
            swap_rows(L->b, L->dim, k, k - 1);
            swap_rows(L->u, m, k, k - 1);
            for (size_t j = 0; j + 1 < k; j++) mpfr_swap(MU(k, j), MU(k - 1, j));
            mpfr_set(mk, MU(k, k - 1), MPFR_RNDN);
            mpfr_sqr(bt, mk, MPFR_RNDN); /* B = bn_k + mu^2 bn_{k-1} */
            mpfr_mul(bt, bt, L->bn[k - 1], MPFR_RNDN);
            mpfr_add(bt, bt, L->bn[k], MPFR_RNDN);
            mpfr_mul(MU(k, k - 1), mk, L->bn[k - 1], MPFR_RNDN);
            mpfr_div(MU(k, k - 1), MU(k, k - 1), bt, MPFR_RNDN);
            mpfr_mul(L->bn[k], L->bn[k - 1], L->bn[k], MPFR_RNDN);
            mpfr_div(L->bn[k], L->bn[k], bt, MPFR_RNDN);
            mpfr_set(L->bn[k - 1], bt, MPFR_RNDN);
            for (size_t i = k + 1; i < m; i++) {
                mpfr_set(tt, MU(i, k), MPFR_RNDN);
                mpfr_mul(MU(i, k), mk, tt, MPFR_RNDN);
                mpfr_sub(MU(i, k), MU(i, k - 1), MU(i, k), MPFR_RNDN);
                mpfr_mul(MU(i, k - 1), MU(k, k - 1), MU(i, k), MPFR_RNDN);
                mpfr_add(MU(i, k - 1), MU(i, k - 1), tt, MPFR_RNDN);
            }
            if (k > 1) k--;
        } else {
            for (size_t l = k - 1; l-- > 0;) size_reduce(L, k, l);
            k++;
        }
    }
done:
    mpfr_clears(mk, bt, tt, (mpfr_ptr)0);
    mm_vec_free(bs, bs ? m * L->dim : 0);
}

static ua_status lattice_once(mm_problem *pb, size_t n, mpfr_t *mono, ua_minimax_coeffs fmt,
                              const double *pts, size_t npts, const long *exps, double *out)
{
    mpfr_prec_t prec = pb->prec > 256 ? pb->prec : 256;
    int mant = fmt == UA_MINIMAX_FLOAT ? 24 : 53;
    /* active coefficients: the others are (relatively) zero and stay 0 */
    size_t *idx = ua_calloc(n, sizeof *idx), m = 0;
    long *ex = ua_calloc(n, sizeof *ex);
    if (!idx || !ex) {
        free(idx);
        free(ex);
        return UA_ENOMEM_ERR(n * sizeof *idx);
    }
    double big = 0.0;
    for (size_t k = 0; k < n; k++)
        if (fabs(mpfr_get_d(mono[k], MPFR_RNDN)) > big) big = fabs(mpfr_get_d(mono[k], MPFR_RNDN));
    for (size_t k = 0; k < n; k++) {
        out[k] = 0.0;
        if (mpfr_zero_p(mono[k]) || fabs(mpfr_get_d(mono[k], MPFR_RNDN)) < 0x1p-200 * big) continue;
        ex[m] = exps ? exps[k] : mpfr_get_exp(mono[k]) - mant; /* c in [2^(E-1), 2^E): ulp 2^(E - mant) */
        idx[m++] = k;
    }
    size_t dim = pts ? npts : n;
    if (dim < m) dim = m;
    lat L = {.m = m, .dim = dim};
    L.b = mm_vec_new(m * dim, prec);
    L.u = mm_vec_new(m * m, prec);
    L.mu = mm_vec_new(m * m, prec);
    L.bn = mm_vec_new(m, prec);
    mpfr_t *y = mm_vec_new(dim, prec), *tj = mm_vec_new(dim, prec), *wj = mm_vec_new(dim, prec);
    mpfr_t *bs = mm_vec_new(m * dim, prec), *c = mm_vec_new(m, prec);
    mpfr_inits2(prec, L.q, L.t, L.r, (mpfr_ptr)0);
    ua_status s = UA_OK;
    if (!L.b || !L.u || !L.mu || !L.bn || !y || !tj || !wj || !bs || !c) {
        s = UA_ENOMEM_ERR(m * dim * sizeof(mpfr_t));
        goto done;
    }
    if (m == 0) goto done;
    /* the points: Chebyshev points of the first kind, their t and weights, the target values */
    const double PI = 3.14159265358979323846;
    mpfr_t g, pv;
    mpfr_inits2(prec, g, pv, (mpfr_ptr)0);
    for (size_t j = 0; j < dim; j++) {
        double x = pts && j < npts ? pts[j]
                   : 0.5 * pb->a + 0.5 * pb->b -
                         (0.5 * pb->b - 0.5 * pb->a) * cos(PI * (2.0 * (double)j + 1.0) / (2.0 * (double)dim));
        mm_problem_target(pb, x, g, wj[j]);
        mm_problem_t(pb, x, tj[j]);
        mpfr_set_zero(pv, 1); /* p*(x_j) by Horner in t */
        for (size_t k = n; k-- > 0;) {
            mpfr_mul(pv, pv, tj[j], MPFR_RNDN);
            mpfr_add(pv, pv, mono[k], MPFR_RNDN);
        }
        mpfr_mul(y[j], pv, wj[j], MPFR_RNDN);
    }
    mpfr_clears(g, pv, (mpfr_ptr)0);
    for (size_t i = 0; i < m; i++) {
        mpfr_set_ui(L.u[i * m + i], 1, MPFR_RNDN);
        for (size_t j = 0; j < dim; j++) {
            mpfr_pow_ui(L.t, tj[j], idx[i], MPFR_RNDN);
            mpfr_mul(L.t, L.t, wj[j], MPFR_RNDN);
            mpfr_mul_2si(L.b[i * dim + j], L.t, ex[i], MPFR_RNDN);
        }
    }
    lll(&L, prec);
    /* Babai's nearest plane on the reduced basis */
    gram_schmidt(&L, bs);
    for (size_t i = m; i-- > 0;) {
        mpfr_set_zero(L.r, 1);
        for (size_t j = 0; j < dim; j++) {
            mpfr_mul(L.t, y[j], bs[i * dim + j], MPFR_RNDN);
            mpfr_add(L.r, L.r, L.t, MPFR_RNDN);
        }
        mpfr_div(L.r, L.r, L.bn[i], MPFR_RNDN);
        mpfr_rint(c[i], L.r, MPFR_RNDN);
        for (size_t j = 0; j < dim; j++) {
            mpfr_mul(L.t, c[i], L.b[i * dim + j], MPFR_RNDN);
            mpfr_sub(y[j], y[j], L.t, MPFR_RNDN);
        }
    }
    /* integer coordinates in the original basis: m_k = sum_i c_i U_ik */
    for (size_t k = 0; k < m && !s; k++) {
        mpfr_set_zero(L.r, 1);
        for (size_t i = 0; i < m; i++) {
            mpfr_mul(L.t, c[i], L.u[i * m + k], MPFR_RNDN);
            mpfr_add(L.r, L.r, L.t, MPFR_RNDN);
        }
        mpfr_mul_2si(L.r, L.r, ex[k], MPFR_RNDN);
        double v = fmt == UA_MINIMAX_FLOAT ? (double)mpfr_get_flt(L.r, MPFR_RNDN)
                                           : mpfr_get_d(L.r, MPFR_RNDN);
        if (!isfinite(v))
            s = UA_ERR(UA_EUNSUPPORTED, "minimax: coefficient %zu is outside the format's range",
                       idx[k]);
        out[idx[k]] = v;
    }
done:
    mpfr_clears(L.q, L.t, L.r, (mpfr_ptr)0);
    mm_vec_free(L.b, L.b ? m * dim : 0);
    mm_vec_free(L.u, L.u ? m * m : 0);
    mm_vec_free(L.mu, L.mu ? m * m : 0);
    mm_vec_free(L.bn, L.bn ? m : 0);
    mm_vec_free(y, y ? dim : 0);
    mm_vec_free(tj, tj ? dim : 0);
    mm_vec_free(wj, wj ? dim : 0);
    mm_vec_free(bs, bs ? m * dim : 0);
    mm_vec_free(c, c ? m : 0);
    free(idx);
    free(ex);
    return s;
}

ua_status mm_lattice_round(mm_problem *pb, size_t n, mpfr_t *mono, ua_minimax_coeffs fmt,
                           const double *pts, size_t npts, double *out)
{
    /* The exponents start as those of the real coefficients; when a rounded coefficient lands in
     * another binade, its exponent is updated and the lattice solved again (as Sollya does). */
    int mant = fmt == UA_MINIMAX_FLOAT ? 24 : 53;
    long *exps = ua_calloc(n, sizeof *exps);
    if (!exps) return UA_ENOMEM_ERR(n * sizeof *exps);
    for (size_t k = 0; k < n; k++) /* a zero coefficient (a restricted basis) stays zero */
        exps[k] = mpfr_zero_p(mono[k]) ? 0 : mpfr_get_exp(mono[k]) - mant;
    ua_status s = UA_OK;
    for (int round = 0; round < 5; round++) {
        if ((s = lattice_once(pb, n, mono, fmt, pts, npts, exps, out))) break;
        int changed = 0;
        for (size_t k = 0; k < n; k++) {
            if (out[k] == 0.0 || mpfr_zero_p(mono[k])) continue;
            int e;
            frexp(out[k], &e);
            if ((long)e - mant != exps[k]) {
                exps[k] = (long)e - mant;
                changed = 1;
            }
        }
        if (!changed) break;
    }
    free(exps);
    return s;
}
