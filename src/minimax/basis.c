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
