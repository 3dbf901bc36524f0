/* MPFR vectors, the dense linear solve of the Remez systems, and the change of basis from the
 * Chebyshev series in s (where the systems are well conditioned) to monomials in t. */
#include <stdlib.h>

#include "internal.h"

mpfr_t *mm_vec_new(size_t n, mpfr_prec_t prec)
{
    mpfr_t *v = malloc((n ? n : 1) * sizeof *v);
    if (!v) return NULL;
    for (size_t i = 0; i < n; i++) mpfr_init2(v[i], prec), mpfr_set_zero(v[i], 1);
    return v;
}

void mm_vec_free(mpfr_t *v, size_t n)
{
    if (!v) return;
    for (size_t i = 0; i < n; i++) mpfr_clear(v[i]);
    free(v);
}

int mm_solve(size_t n, mpfr_t *A, mpfr_t *r, mpfr_prec_t prec)
{
    mpfr_t f, t;
    mpfr_inits2(prec, f, t, (mpfr_ptr)0);
    int rc = 0;
    for (size_t k = 0; k < n && !rc; k++) {
        size_t piv = k;
        for (size_t i = k + 1; i < n; i++)
            if (mpfr_cmpabs(A[i * n + k], A[piv * n + k]) > 0) piv = i;
        if (mpfr_zero_p(A[piv * n + k])) {
            rc = -1;
            break;
        }
        if (piv != k) {
            for (size_t j = k; j < n; j++) mpfr_swap(A[k * n + j], A[piv * n + j]);
            mpfr_swap(r[k], r[piv]);
        }
        for (size_t i = k + 1; i < n; i++) {
            if (mpfr_zero_p(A[i * n + k])) continue;
            mpfr_div(f, A[i * n + k], A[k * n + k], MPFR_RNDN);
            for (size_t j = k + 1; j < n; j++) {
                mpfr_mul(t, f, A[k * n + j], MPFR_RNDN);
                mpfr_sub(A[i * n + j], A[i * n + j], t, MPFR_RNDN);
            }
            mpfr_mul(t, f, r[k], MPFR_RNDN);
            mpfr_sub(r[i], r[i], t, MPFR_RNDN);
            mpfr_set_zero(A[i * n + k], 1);
        }
    }
    for (size_t k = n; k-- > 0 && !rc;) {
        for (size_t j = k + 1; j < n; j++) {
            mpfr_mul(t, A[k * n + j], r[j], MPFR_RNDN);
            mpfr_sub(r[k], r[k], t, MPFR_RNDN);
        }
        mpfr_div(r[k], r[k], A[k * n + k], MPFR_RNDN);
    }
    mpfr_clears(f, t, (mpfr_ptr)0);
    return rc;
}

void mm_cheb_values(size_t n, const mpfr_t s, mpfr_t *T)
{
    if (n > 0) mpfr_set_ui(T[0], 1, MPFR_RNDN);
    if (n > 1) mpfr_set(T[1], s, MPFR_RNDN);
    for (size_t k = 2; k < n; k++) { /* T_k = 2 s T_{k-1} - T_{k-2} */
        mpfr_mul(T[k], s, T[k - 1], MPFR_RNDN);
        mpfr_mul_2ui(T[k], T[k], 1, MPFR_RNDN);
        mpfr_sub(T[k], T[k], T[k - 2], MPFR_RNDN);
    }
}

int mm_cheb_to_mono(size_t n, mpfr_t *c, const mpfr_t alpha, const mpfr_t beta, mpfr_t *out,
                    mpfr_prec_t prec)
{
    if (n == 0) return 0;
    int rc = -1;
    /* monomial coefficients in s: T_k rows built by T_{k+1} = 2 s T_k - T_{k-1} */
    mpfr_t *prev = mm_vec_new(n, prec), *cur = mm_vec_new(n, prec), *nxt = mm_vec_new(n, prec);
    mpfr_t *ms = mm_vec_new(n, prec), *res = mm_vec_new(n + 1, prec);
    mpfr_t t;
    mpfr_init2(t, prec);
    if (!prev || !cur || !nxt || !ms || !res) goto done;
    mpfr_set_ui(prev[0], 1, MPFR_RNDN);                  /* T_0 */
    mpfr_set(ms[0], c[0], MPFR_RNDN);
    if (n > 1) {
        mpfr_set_ui(cur[1], 1, MPFR_RNDN); /* T_1 */
        for (size_t j = 0; j < n; j++) {
            mpfr_mul(t, c[1], cur[j], MPFR_RNDN);
            mpfr_add(ms[j], ms[j], t, MPFR_RNDN);
        }
    }
    for (size_t k = 2; k < n; k++) {
        for (size_t j = 0; j < n; j++) {
            if (j > 0) mpfr_mul_2ui(nxt[j], cur[j - 1], 1, MPFR_RNDN);
            else mpfr_set_zero(nxt[j], 1);
            mpfr_sub(nxt[j], nxt[j], prev[j], MPFR_RNDN);
        }
        for (size_t j = 0; j < n; j++) {
            mpfr_mul(t, c[k], nxt[j], MPFR_RNDN);
            mpfr_add(ms[j], ms[j], t, MPFR_RNDN);
        }
        mpfr_t *tmp = prev;
        prev = cur;
        cur = nxt;
        nxt = tmp;
    }
    /* compose with s = alpha + beta t by Horner on polynomials: res = res (alpha + beta t) + ms_k */
    for (size_t j = 0; j <= n; j++) mpfr_set_zero(res[j], 1);
    for (size_t k = n; k-- > 0;) {
        size_t deg = k < n - 1 ? n - 2 - k : 0; /* degree of res before this step */
        if (k < n - 1) {
            /* new[j] = alpha res[j] + beta res[j-1], j = deg+1 .. 0 */
            mpfr_mul(res[deg + 1], res[deg], beta, MPFR_RNDN);
            for (size_t j = deg; j >= 1; j--) {
                mpfr_mul(res[j], res[j], alpha, MPFR_RNDN);
                mpfr_mul(t, res[j - 1], beta, MPFR_RNDN);
                mpfr_add(res[j], res[j], t, MPFR_RNDN);
            }
            mpfr_mul(res[0], res[0], alpha, MPFR_RNDN);
        }
        mpfr_add(res[0], res[0], ms[k], MPFR_RNDN);
    }
    for (size_t j = 0; j < n; j++) mpfr_set(out[j], res[j], MPFR_RNDN);
    rc = 0;
done:
    mpfr_clear(t);
    mm_vec_free(prev, n);
    mm_vec_free(cur, n);
    mm_vec_free(nxt, n);
    mm_vec_free(ms, n);
    mm_vec_free(res, n + 1);
    return rc;
}

int mm_cheb_affine(size_t n, mpfr_t *c, const mpfr_t alpha, const mpfr_t beta, mpfr_t *out,
                   mpfr_prec_t prec)
{
    if (n == 0) return 0;
    mpfr_t *T = mm_vec_new(n, prec);
    mpfr_t pi, t, s, y, b0, b1, b2;
    if (!T) return -1;
    mpfr_inits2(prec, pi, t, s, y, b0, b1, b2, (mpfr_ptr)0);
    mpfr_const_pi(pi, MPFR_RNDN);
    for (size_t k = 0; k < n; k++) mpfr_set_zero(out[k], 1);
    for (size_t j = 0; j < n; j++) {
        /* t_j = cos(pi (2j + 1) / (2n)) */
        mpfr_mul_ui(t, pi, 2 * j + 1, MPFR_RNDN);
        mpfr_div_ui(t, t, 2 * n, MPFR_RNDN);
        mpfr_cos(t, t, MPFR_RNDN);
        mpfr_mul(s, beta, t, MPFR_RNDN);
        mpfr_add(s, s, alpha, MPFR_RNDN);
        /* y = sum c_k T_k(s) by Clenshaw */
        mpfr_set_zero(b1, 1);
        mpfr_set_zero(b2, 1);
        for (size_t k = n - 1; k >= 1; k--) {
            mpfr_mul(b0, s, b1, MPFR_RNDN);
            mpfr_mul_2ui(b0, b0, 1, MPFR_RNDN);
            mpfr_sub(b0, b0, b2, MPFR_RNDN);
            mpfr_add(b0, b0, c[k], MPFR_RNDN);
            mpfr_swap(b2, b1);
            mpfr_swap(b1, b0);
        }
        mpfr_mul(y, s, b1, MPFR_RNDN);
        mpfr_sub(y, y, b2, MPFR_RNDN);
        mpfr_add(y, y, c[0], MPFR_RNDN);
        mm_cheb_values(n, t, T);
        for (size_t k = 0; k < n; k++) {
            mpfr_mul(b0, y, T[k], MPFR_RNDN);
            mpfr_add(out[k], out[k], b0, MPFR_RNDN);
        }
    }
    for (size_t k = 0; k < n; k++) {
        mpfr_mul_2ui(out[k], out[k], k ? 1 : 0, MPFR_RNDN);
        mpfr_div_ui(out[k], out[k], n, MPFR_RNDN);
    }
    if (mpfr_zero_p(alpha)) { /* p(beta t) has the parity of p: keep its zeros exact */
        for (size_t par = 0; par < 2; par++) {
            int all_zero = 1;
            for (size_t k = par; k < n; k += 2) all_zero = all_zero && mpfr_zero_p(c[k]);
            if (all_zero)
                for (size_t k = par; k < n; k += 2) mpfr_set_zero(out[k], 1);
        }
    }
    mpfr_clears(pi, t, s, y, b0, b1, b2, (mpfr_ptr)0);
    mm_vec_free(T, n);
    return 0;
}

void mm_add_power_as_cheb(unsigned e, const mpfr_t w, mpfr_t *acc, mpfr_prec_t prec)
{
    /* s^e = 2^(1-e) sum_{j < e/2} binom(e, j) T_{e-2j} + [e even] 2^-e binom(e, e/2) T_0 */
    mpfr_t bin, t;
    mpfr_inits2(prec, bin, t, (mpfr_ptr)0);
    mpfr_set_ui(bin, 1, MPFR_RNDN); /* binom(e, 0) */
    for (unsigned j = 0; 2 * j <= e; j++) {
        if (j) { /* binom(e, j) = binom(e, j - 1) (e - j + 1) / j */
            mpfr_mul_ui(bin, bin, e - j + 1, MPFR_RNDN);
            mpfr_div_ui(bin, bin, j, MPFR_RNDN);
        }
        mpfr_mul(t, w, bin, MPFR_RNDN);
        if (2 * j == e) mpfr_div_2ui(t, t, e, MPFR_RNDN);
        else if (e >= 1) mpfr_div_2ui(t, t, e - 1, MPFR_RNDN);
        mpfr_add(acc[e - 2 * j], acc[e - 2 * j], t, MPFR_RNDN);
    }
    mpfr_clears(bin, t, (mpfr_ptr)0);
}
