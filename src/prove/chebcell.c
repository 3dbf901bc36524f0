/*
 * Chebyshev series mapped onto a cell, in Arb balls (src/prove/tm.h, "Chebyshev series on a
 * cell"): the one place where the affine map s = s0 + h u of a cell onto a model's series
 * variable and its recurrences are written, for the chebnd and sparse Taylor-model hooks.
 *
 * Polynomials in u are kept as Chebyshev series in u (sum_k a_k T_k(u)), where multiplication
 * by u is u T_0 = T_1, u T_k = (T_{k+1} + T_{k-1}) / 2: every |T_k(u)| <= 1 on [-1, 1], so the
 * sum of |a_k| bounds the polynomial on the cell, and dropping the terms above K costs their
 * sum of magnitudes, which for a smooth polynomial on a small cell decays geometrically (the
 * Chebyshev truncation is within a small factor of the best approximation; Trefethen,
 * Approximation Theory and Approximation Practice, 2013, ch. 8 and 16), where a truncation of
 * monomials of u costs the much larger sum of the dropped monomial coefficients.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "prove/tm.h"

void ua_cheb_cell_map(double lo, double hi, double xlo, double xhi, slong prec, arb_t s0,
                      arb_t h)
{
    arb_t w, t;
    arb_init(w);
    arb_init(t);
    arb_set_d(w, hi);
    arb_set_d(t, lo);
    arb_sub(w, w, t, prec); /* hi - lo */
    arb_set_d(s0, xlo);
    arb_set_d(t, xhi);
    arb_add(s0, s0, t, prec);
    arb_set_d(t, lo);
    arb_sub(s0, s0, t, prec);
    arb_set_d(t, hi);
    arb_sub(s0, s0, t, prec);
    arb_div(s0, s0, w, prec);
    arb_set_d(h, xhi);
    arb_set_d(t, xlo);
    arb_sub(h, h, t, prec);
    arb_div(h, h, w, prec);
    arb_clear(w);
    arb_clear(t);
}

/* r = f (s0 + h u) a - g b for the series a (na,), b (nb,): r (max(na + 1, nb),) zeroed first;
 * f = 1 or 2. r must not alias a or b. */
static void mul_s_sub(arb_ptr r, slong nr, arb_srcptr a, slong na, arb_srcptr b, slong nb,
                      const arb_t s0, const arb_t h, int f, slong prec)
{
    arb_t hh;
    arb_init(hh);
    arb_mul_2exp_si(hh, h, -1); /* u T_k = (T_{k+1} + T_{k-1}) / 2 */
    _arb_vec_zero(r, nr);
    for (slong k = 0; k < na; k++) {
        arb_addmul(r + k, a + k, s0, prec);
        if (k == 0) arb_addmul(r + 1, a, h, prec);
        else {
            arb_addmul(r + k + 1, a + k, hh, prec);
            arb_addmul(r + k - 1, a + k, hh, prec);
        }
    }
    if (f == 2)
        for (slong k = 0; k <= na && k < nr; k++) arb_mul_2exp_si(r + k, r + k, 1);
    for (slong k = 0; k < nb; k++) arb_sub(r + k, r + k, b + k, prec);
    arb_clear(hh);
}

/* Upper bound on the sum of |a_k| (>= sup over u in [-1, 1]). */
static void abs_sum(arb_srcptr a, slong n, mag_t out)
{
    mag_t t;
    mag_init(t);
    mag_zero(out);
    for (slong k = 0; k < n; k++) {
        arb_get_mag(t, a + k);
        mag_add(out, out, t);
    }
    mag_clear(t);
}

void ua_cheb_cell_clenshaw(const double *c, slong L, const arb_t s0, const arb_t h, slong prec,
                           arb_ptr out, mag_ptr bsup)
{
    if (L <= 0) return;
    arb_ptr b1 = _arb_vec_init(L + 1), b2 = _arb_vec_init(L + 1), bn = _arb_vec_init(L + 1);
    arb_t t;
    arb_init(t);
    slong n1 = 0, n2 = 0; /* the lengths of b1 = b_{j+1}, b2 = b_{j+2} */
    if (bsup)
        for (slong j = 0; j <= L; j++) mag_zero(bsup + j);
    for (slong j = L - 1; j >= 1; j--) {
        /* b_j = c_j + 2 s b_{j+1} - b_{j+2}, of degree L - 1 - j */
        slong nn = L - j;
        mul_s_sub(bn, nn, b1, n1, b2, n2, s0, h, 2, prec);
        arb_set_d(t, c[j]);
        arb_add(bn, bn, t, prec);
        if (bsup) abs_sum(bn, nn, bsup + j);
        arb_ptr tmp = b2;
        b2 = b1;
        b1 = bn;
        bn = tmp;
        n2 = n1;
        n1 = nn;
    }
    /* v = c_0 + s b_1 - b_2 */
    mul_s_sub(out, L, b1, n1, b2, n2, s0, h, 1, prec);
    arb_set_d(t, c[0]);
    arb_add(out, out, t, prec);
    if (bsup) abs_sum(out, L, bsup);
    arb_clear(t);
    _arb_vec_clear(b1, L + 1);
    _arb_vec_clear(b2, L + 1);
    _arb_vec_clear(bn, L + 1);
}

void ua_cheb_cell_basis(const arb_t s0, const arb_t h, size_t N, size_t D, slong prec,
                        arb_ptr out)
{
    slong L = (slong)N + 2, D1 = (slong)D + 1;
    arb_ptr a = _arb_vec_init(L), b = _arb_vec_init(L), c = _arb_vec_init(L);
    mag_t tail, mt;
    mag_init(tail);
    mag_init(mt);
    arb_one(a);           /* T_0 */
    arb_set(b, s0);       /* T_1 = s0 T_0(u) + h T_1(u) */
    arb_set(b + 1, h);
    for (size_t k = 0; k <= N; k++) {
        arb_srcptr Tk = k == 0 ? a : b;
        arb_ptr o = out + k * (size_t)D1;
        mag_zero(tail);
        for (slong q = 0; q <= (slong)k; q++) {
            if (q < D1) arb_set_round(o + q, Tk + q, prec);
            else {
                arb_get_mag(mt, Tk + q);
                mag_add(tail, tail, mt);
            }
        }
        for (slong q = (slong)k + 1; q < D1; q++) arb_zero(o + q);
        arb_add_error_mag(o, tail);
        if (k == 0 || k == N) continue;
        /* c = T_{k+1} = 2 (s0 + h u) T_k - T_{k-1}; then a = T_k, b = T_{k+1} */
        mul_s_sub(c, (slong)k + 2, b, (slong)k + 1, a, (slong)k, s0, h, 2, prec);
        arb_ptr tmp = a;
        a = b;
        b = c;
        c = tmp;
    }
    mag_clear(tail);
    mag_clear(mt);
    _arb_vec_clear(a, L);
    _arb_vec_clear(b, L);
    _arb_vec_clear(c, L);
}

void ua_cheb_to_taylor(arb_srcptr b, slong n, unsigned K, slong prec, arb_ptr out)
{
    slong K1 = (slong)K + 1, m = n < K1 ? n : K1;
    _arb_vec_zero(out, K1);
    /* T_j's monomial coefficients, j < m, row by row: integers below 2^53 for j <= 30 (exact
     * in double); above, in balls */
    if (m <= 31) {
        double T[31][31];
        memset(T, 0, sizeof T);
        T[0][0] = 1;
        if (m > 1) T[1][1] = 1;
        for (slong j = 2; j < m; j++)
            for (slong q = 0; q <= j; q++) T[j][q] = (q ? 2 * T[j - 1][q - 1] : 0) - T[j - 2][q];
        for (slong j = 0; j < m; j++)
            for (slong q = 0; q <= j; q++)
                if (T[j][q] != 0) arb_addmul_si(out + q, b + j, (slong)T[j][q], prec);
    } else {
        slong M = m;
        arb_ptr T = _arb_vec_init(M * M);
        arb_one(T);
        arb_one(T + M + 1);
        for (slong j = 2; j < m; j++)
            for (slong q = 0; q <= j; q++) {
                if (q) arb_mul_2exp_si(T + j * M + q, T + (j - 1) * M + q - 1, 1);
                arb_sub(T + j * M + q, T + j * M + q, T + (j - 2) * M + q, prec);
            }
        for (slong j = 0; j < m; j++)
            for (slong q = 0; q <= j; q++)
                if (!arb_is_zero(T + j * M + q)) arb_addmul(out + q, b + j, T + j * M + q, prec);
        _arb_vec_clear(T, M * M);
    }
    if (n > K1) {
        mag_t s;
        mag_init(s);
        abs_sum(b + K1, n - K1, s);
        arb_add_error_mag(out, s);
        mag_clear(s);
    }
}
