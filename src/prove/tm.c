/*
 * Multivariate Taylor models in Arb balls (src/prove/tm.h has the meaning and the sources).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "prove/tm.h"

unsigned ua_tm_degree_for(size_t d, unsigned Kmax, size_t max_terms)
{
    unsigned best = 0;
    for (unsigned K = 1; K <= Kmax; K++) {
        /* C(d + K, d) by the product formula, exact in double for these sizes */
        double n = 1;
        for (size_t i = 1; i <= d; i++) n = n * (double)(K + i) / (double)i;
        if (n > (double)max_terms) break;
        best = K;
    }
    return best;
}

/* Appends every exponent vector of d variables with sum deg (last variable fastest). */
static void enumerate(unsigned char *e, size_t d, size_t i, unsigned left, unsigned char *cur,
                      size_t *n)
{
    if (i + 1 == d) {
        cur[i] = (unsigned char)left;
        memcpy(e + *n * d, cur, d);
        (*n)++;
        return;
    }
    for (unsigned k = left + 1; k-- > 0;) {
        cur[i] = (unsigned char)k;
        enumerate(e, d, i + 1, left - k, cur, n);
    }
}

/* The index of exponent vector x, by linear search within its degree (setup only). */
static int32_t find(const ua_tm_space *sp, const unsigned char *x, unsigned deg)
{
    for (size_t j = sp->start[deg]; j < sp->start[deg + 1]; j++)
        if (!memcmp(sp->exp + j * sp->d, x, sp->d)) return (int32_t)j;
    return -1;
}

ua_status ua_tm_space_init(ua_tm_space *sp, size_t d, unsigned K, slong prec)
{
    memset(sp, 0, sizeof *sp);
    if (d < 1 || d > UA_TM_MAX_DIM || K < 1 || K > 60)
        return UA_ERR(UA_EINVAL, "Taylor models: %zu variables of degree %u (1 to %d variables, "
                      "degree 1 to 60)", d, K, UA_TM_MAX_DIM);
    if (ua_tm_degree_for(d, K, UA_TM_MAX_TERMS) < K)
        return UA_ERR(UA_EINVAL, "Taylor models: degree %u in %zu variables has more than %d "
                      "monomials", K, d, UA_TM_MAX_TERMS);
    double nn = 1;
    for (size_t i = 1; i <= d; i++) nn = nn * (double)(K + i) / (double)i;
    size_t n = (size_t)(nn + 0.5);
    sp->d = d;
    sp->K = K;
    sp->n = n;
    sp->prec = prec < 64 ? 64 : prec;
    sp->exp = calloc(n * d, 1);
    sp->deg = calloc(n, sizeof *sp->deg);
    sp->start = calloc(K + 2, sizeof *sp->start);
    sp->mul = malloc(n * n * sizeof *sp->mul);
    sp->uni = malloc(d * (K + 1) * sizeof *sp->uni);
    if (!sp->exp || !sp->deg || !sp->start || !sp->mul || !sp->uni) {
        ua_tm_space_clear(sp);
        return UA_ENOMEM_ERR(n * n * sizeof(int32_t));
    }
    unsigned char cur[UA_TM_MAX_DIM];
    size_t cnt = 0;
    for (unsigned k = 0; k <= K; k++) {
        sp->start[k] = cnt;
        enumerate(sp->exp, d, 0, k, cur, &cnt);
        for (size_t j = sp->start[k]; j < cnt; j++) sp->deg[j] = k;
    }
    sp->start[K + 1] = cnt;
    for (size_t a = 0; a < n; a++)
        for (size_t b = 0; b < n; b++) {
            unsigned dg = sp->deg[a] + sp->deg[b];
            if (dg > K) {
                sp->mul[a * n + b] = -1;
                continue;
            }
            if (b < a) {
                sp->mul[a * n + b] = sp->mul[b * n + a];
                continue;
            }
            for (size_t i = 0; i < d; i++)
                cur[i] = (unsigned char)(sp->exp[a * d + i] + sp->exp[b * d + i]);
            sp->mul[a * n + b] = find(sp, cur, dg);
        }
    for (size_t i = 0; i < d; i++)
        for (unsigned k = 0; k <= K; k++) {
            memset(cur, 0, d);
            cur[i] = (unsigned char)k;
            sp->uni[i * (K + 1) + k] = find(sp, cur, k);
        }
    return UA_OK;
}

void ua_tm_space_clear(ua_tm_space *sp)
{
    free(sp->exp);
    free(sp->deg);
    free(sp->start);
    free(sp->mul);
    free(sp->uni);
    memset(sp, 0, sizeof *sp);
}

void ua_tm_init(const ua_tm_space *sp, ua_tm *a) { a->c = _arb_vec_init((slong)sp->n); }
void ua_tm_clear(const ua_tm_space *sp, ua_tm *a)
{
    _arb_vec_clear(a->c, (slong)sp->n);
    a->c = NULL;
}
void ua_tm_zero(const ua_tm_space *sp, ua_tm *a) { _arb_vec_zero(a->c, (slong)sp->n); }
void ua_tm_set(const ua_tm_space *sp, ua_tm *r, const ua_tm *a)
{
    if (r->c != a->c) _arb_vec_set(r->c, a->c, (slong)sp->n);
}
void ua_tm_swap(ua_tm *a, ua_tm *b)
{
    arb_ptr t = a->c;
    a->c = b->c;
    b->c = t;
}

void ua_tm_add(const ua_tm_space *sp, ua_tm *r, const ua_tm *a, const ua_tm *b)
{
    _arb_vec_add(r->c, a->c, b->c, (slong)sp->n, sp->prec);
}
void ua_tm_sub(const ua_tm_space *sp, ua_tm *r, const ua_tm *a, const ua_tm *b)
{
    _arb_vec_sub(r->c, a->c, b->c, (slong)sp->n, sp->prec);
}
void ua_tm_neg(const ua_tm_space *sp, ua_tm *r, const ua_tm *a)
{
    _arb_vec_neg(r->c, a->c, (slong)sp->n);
}
void ua_tm_scalar_mul(const ua_tm_space *sp, ua_tm *r, const ua_tm *a, const arb_t s)
{
    _arb_vec_scalar_mul(r->c, a->c, (slong)sp->n, s, sp->prec);
}
void ua_tm_scalar_addmul(const ua_tm_space *sp, ua_tm *r, const ua_tm *a, const arb_t s)
{
    for (size_t j = 0; j < sp->n; j++)
        if (!arb_is_zero(a->c + j)) arb_addmul(r->c + j, a->c + j, s, sp->prec);
}

/* mags[k] = sum over the degree-k coefficients of |a| (upper bounds); the nonzero indices into
 * nz (sorted by degree), their count returned. */
static size_t by_degree(const ua_tm_space *sp, const ua_tm *a, mag_ptr mags, size_t *nz)
{
    size_t cnt = 0;
    mag_t t;
    mag_init(t);
    for (unsigned k = 0; k <= sp->K; k++) {
        mag_zero(mags + k);
        for (size_t j = sp->start[k]; j < sp->start[k + 1]; j++) {
            if (arb_is_zero(a->c + j)) continue;
            nz[cnt++] = j;
            arb_get_mag(t, a->c + j);
            mag_add(mags + k, mags + k, t);
        }
    }
    mag_clear(t);
    return cnt;
}

void ua_tm_mul(const ua_tm_space *sp, ua_tm *r, const ua_tm *a, const ua_tm *b)
{
    size_t n = sp->n, K = sp->K;
    size_t *nza = malloc(2 * n * sizeof *nza), *nzb = nza ? nza + n : NULL;
    mag_ptr A = _mag_vec_init((slong)K + 1), B = _mag_vec_init((slong)K + 1);
    _arb_vec_zero(r->c, (slong)n);
    if (!nza) { /* no memory for the index lists: every term into the remainder (still sound) */
        mag_t ma, mb;
        mag_init(ma);
        mag_init(mb);
        ua_tm_abs_bound(sp, a, 0, ma);
        ua_tm_abs_bound(sp, b, 0, mb);
        mag_mul(ma, ma, mb);
        arb_add_error_mag(r->c, ma);
        mag_clear(ma);
        mag_clear(mb);
        _mag_vec_clear(A, (slong)K + 1);
        _mag_vec_clear(B, (slong)K + 1);
        return;
    }
    size_t na = by_degree(sp, a, A, nza), nb = by_degree(sp, b, B, nzb);
    for (size_t p = 0; p < na; p++) {
        size_t ia = nza[p];
        const int32_t *row = sp->mul + ia * n;
        for (size_t q = 0; q < nb; q++) {
            int32_t k = row[nzb[q]];
            if (k < 0) break; /* b's list is sorted by degree: the rest overflow too */
            arb_addmul(r->c + k, a->c + ia, b->c + nzb[q], sp->prec);
        }
    }
    /* the dropped terms: sum over k + j > K of A_k B_j */
    mag_t tr, t, acc;
    mag_init(tr);
    mag_init(t);
    mag_init(acc);
    for (size_t k = 1; k <= K; k++) {
        mag_zero(acc);
        for (size_t j = K + 1 - k; j <= K; j++) mag_add(acc, acc, B + j);
        mag_mul(t, A + k, acc);
        mag_add(tr, tr, t);
    }
    arb_add_error_mag(r->c, tr);
    mag_clear(tr);
    mag_clear(t);
    mag_clear(acc);
    _mag_vec_clear(A, (slong)K + 1);
    _mag_vec_clear(B, (slong)K + 1);
    free(nza);
}

void ua_tm_abs_bound(const ua_tm_space *sp, const ua_tm *a, int skip0, mag_t out)
{
    mag_t t;
    mag_init(t);
    mag_zero(out);
    if (skip0) mag_set(out, arb_radref(a->c));
    for (size_t j = skip0 ? 1 : 0; j < sp->n; j++) {
        arb_get_mag(t, a->c + j);
        mag_add(out, out, t);
    }
    mag_clear(t);
}

void ua_tm_range(const ua_tm_space *sp, const ua_tm *a, arb_t out)
{
    /* t^alpha lies in [0, 1] when every exponent is even, else in [-1, 1] */
    arf_t lo, hi;
    arf_init(lo);
    arf_init(hi);
    arb_t term;
    arb_init(term);
    mag_t odd, m;
    mag_init(odd);
    mag_init(m);
    arb_set(out, a->c);
    for (size_t j = 1; j < sp->n; j++) {
        if (arb_is_zero(a->c + j)) continue;
        int even = 1;
        for (size_t i = 0; i < sp->d && even; i++) even = !(sp->exp[j * sp->d + i] & 1);
        if (!even) {
            arb_get_mag(m, a->c + j);
            mag_add(odd, odd, m);
            continue;
        }
        arb_get_lbound_arf(lo, a->c + j, sp->prec);
        arb_get_ubound_arf(hi, a->c + j, sp->prec);
        if (arf_sgn(lo) > 0) arf_zero(lo);
        if (arf_sgn(hi) < 0) arf_zero(hi);
        arb_set_interval_arf(term, lo, hi, sp->prec);
        arb_add(out, out, term, sp->prec);
    }
    arb_add_error_mag(out, odd);
    arf_clear(lo);
    arf_clear(hi);
    arb_clear(term);
    mag_clear(odd);
    mag_clear(m);
}

void ua_tm_halve(const ua_tm_space *sp, ua_tm *r, const ua_tm *a, size_t var, int upper)
{
    size_t d = sp->d, n = sp->n, K1 = sp->K + 1;
    int32_t idx[64]; /* K <= 60 */
    arb_t h;
    arb_init(h);
    ua_tm_set(sp, r, a);
    for (size_t j = 0; j < n; j++) {
        if (sp->exp[j * d + var]) continue; /* j is the base of the chain j t_var^k */
        size_t m = sp->K - sp->deg[j];
        for (size_t k = 0; k <= m; k++) idx[k] = sp->mul[j * n + (size_t)sp->uni[var * K1 + k]];
        /* p(t) = sum_k p_k t^k at t = a0 + s/2, a0 = +-1/2: first p(a0 + s) by the Taylor shift
         * p_k += a0 p_{k+1} (k from m - 1 down to j, for j = 0 .. m - 1), then p_k 2^-k */
        for (size_t jj = 0; jj < m; jj++)
            for (size_t k = m; k-- > jj;) {
                arb_ptr pk = r->c + idx[k];
                arb_srcptr pk1 = r->c + idx[k + 1];
                if (arb_is_zero(pk1)) continue;
                arb_mul_2exp_si(h, pk1, -1);
                if (upper)
                    arb_add(pk, pk, h, sp->prec);
                else
                    arb_sub(pk, pk, h, sp->prec);
            }
        for (size_t k = 1; k <= m; k++) arb_mul_2exp_si(r->c + idx[k], r->c + idx[k], -(slong)k);
    }
    arb_clear(h);
}

int ua_tm_is_finite(const ua_tm_space *sp, const ua_tm *a)
{
    return _arb_vec_is_finite(a->c, (slong)sp->n);
}

ua_status ua_tm_compose(const ua_tm_space *sp, ua_tm *r, const ua_tm *a, ua_tm_series_fn g,
                        void *ctx)
{
    slong K = (slong)sp->K, prec = sp->prec;
    arb_t u0, B;
    mag_t V, rem;
    arb_init(u0);
    arb_init(B);
    mag_init(V);
    mag_init(rem);
    arb_ptr gc = _arb_vec_init(K + 2), gB = _arb_vec_init(K + 2);
    ua_tm v, acc;
    ua_tm_init(sp, &v);
    ua_tm_init(sp, &acc);
    /* v = a - u0: the constant coefficient keeps only its radius */
    ua_tm_set(sp, &v, a);
    arf_set(arb_midref(u0), arb_midref(a->c));
    arf_zero(arb_midref(v.c));
    ua_tm_abs_bound(sp, &v, 0, V);
    arb_set(B, u0);
    arb_add_error_mag(B, V);
    /* the remainder's coefficient over the whole range first: it refuses a singular range */
    ua_status s = g(ctx, B, K + 2, prec, gB);
    if (!s) s = g(ctx, u0, K + 1, prec, gc);
    if (!s && !(arb_is_finite(gB + K + 1) && _arb_vec_is_finite(gc, K + 1)))
        s = UA_ERR(UA_EDOMAIN, "a function's Taylor coefficients are not finite on the cell");
    if (!s) {
        /* Horner: acc = g_K; acc = acc * v + g_k */
        ua_tm_zero(sp, r);
        arb_set(r->c, gc + K);
        for (slong k = K - 1; k >= 0; k--) {
            ua_tm_mul(sp, &acc, r, &v);
            ua_tm_swap(&acc, r);
            arb_add(r->c, r->c, gc + k, prec);
        }
        /* |g_{K+1}(B)| V^{K+1} */
        arb_get_mag(rem, gB + K + 1);
        for (slong k = 0; k <= K; k++) mag_mul(rem, rem, V);
        arb_add_error_mag(r->c, rem);
        if (!ua_tm_is_finite(sp, r))
            s = UA_ERR(UA_EDOMAIN, "a composed Taylor model is not finite on the cell");
    }
    ua_tm_clear(sp, &v);
    ua_tm_clear(sp, &acc);
    _arb_vec_clear(gc, K + 2);
    _arb_vec_clear(gB, K + 2);
    arb_clear(u0);
    arb_clear(B);
    mag_clear(V);
    mag_clear(rem);
    return s;
}

void ua_tm_eval(const ua_tm_space *sp, const ua_tm *a, const double *t, arb_t out)
{
    size_t d = sp->d, K = sp->K;
    arb_ptr pw = _arb_vec_init((slong)(d * (K + 1)));
    arb_t term;
    arb_init(term);
    for (size_t i = 0; i < d; i++) {
        arb_one(pw + i * (K + 1));
        for (size_t k = 1; k <= K; k++) {
            arb_set_d(term, t[i]);
            arb_mul(pw + i * (K + 1) + k, pw + i * (K + 1) + k - 1, term, sp->prec);
        }
    }
    arb_zero(out);
    for (size_t j = 0; j < sp->n; j++) {
        if (arb_is_zero(a->c + j)) continue;
        arb_set(term, a->c + j);
        for (size_t i = 0; i < d; i++)
            if (sp->exp[j * d + i]) arb_mul(term, term, pw + i * (K + 1) + sp->exp[j * d + i],
                                            sp->prec);
        arb_add(out, out, term, sp->prec);
    }
    arb_clear(term);
    _arb_vec_clear(pw, (slong)(d * (K + 1)));
}

double ua_tm_eval_mid(const ua_tm_space *sp, const ua_tm *a, const double *t)
{
    size_t d = sp->d;
    double s = 0;
    for (size_t j = 0; j < sp->n; j++) {
        double c = arf_get_d(arb_midref(a->c + j), ARF_RND_NEAR);
        if (c == 0) continue;
        for (size_t i = 0; i < d; i++)
            for (unsigned k = 0; k < sp->exp[j * d + i]; k++) c *= t[i];
        s += c;
    }
    return s;
}
