/* Chebyshev series mapped onto a cell (src/prove/chebcell.c, shared by the chebnd and sparse
 * Taylor-model hooks): for random series c (40 coefficients of mixed sizes) and cells
 * [xlo, xhi] of [lo, hi], the cell's series in u from Clenshaw's recurrence contains the MPFR
 * value (200 bits) of sum c_j cos(j acos(s)) at s = (2x - lo - hi) / (hi - lo), x = the cell's
 * point of u, at 200 points per cell; its Taylor form truncated at K = 8 (terms above bounded into
 * the remainder) contains it too, and its remainder is the sum of the dropped Chebyshev
 * coefficients (checked against a direct sum); the bounds on |b_j| over the cell hold at every
 * point (b_j by the recurrence in MPFR); every T_k(s0 + h u), k <= 48, stored to degree 20,
 * contains cos(k acos(s)) from MPFR. A helper that lost a term, a coefficient of the map or the
 * truncation's remainder fails these containments. */
#include <math.h>
#include <mpfr.h>
#include "test_util.h"
#include "core/internal.h" /* ua_rng */
#include "prove/tm.h"

/* The value of the Chebyshev series b (n,) in u at u, as a ball (Clenshaw in balls). */
static void cheb_eval(arb_srcptr b, slong n, double u, arb_t out)
{
    arb_t b1, b2, bn, uu;
    arb_init(b1);
    arb_init(b2);
    arb_init(bn);
    arb_init(uu);
    arb_set_d(uu, u);
    for (slong j = n - 1; j >= 1; j--) {
        arb_mul(bn, b1, uu, 256);
        arb_mul_2exp_si(bn, bn, 1);
        arb_sub(bn, bn, b2, 256);
        arb_add(bn, bn, b + j, 256);
        arb_swap(b2, b1);
        arb_swap(b1, bn);
    }
    arb_mul(out, b1, uu, 256);
    arb_sub(out, out, b2, 256);
    arb_add(out, out, b, 256);
    arb_clear(b1);
    arb_clear(b2);
    arb_clear(bn);
    arb_clear(uu);
}

/* The value of the monomial coefficients a (n,) at u (Horner in balls). */
static void poly_eval(arb_srcptr a, slong n, double u, arb_t out)
{
    arb_t uu;
    arb_init(uu);
    arb_set_d(uu, u);
    arb_zero(out);
    for (slong q = n - 1; q >= 0; q--) {
        arb_mul(out, out, uu, 256);
        arb_add(out, out, a + q, 256);
    }
    arb_clear(uu);
}

/* s = (2x - lo - hi) / (hi - lo) with x = (xlo + xhi) / 2 + u (xhi - xlo) / 2, in MPFR. */
static void s_of(double lo, double hi, double xlo, double xhi, double u, mpfr_t s)
{
    mpfr_t x, t;
    mpfr_inits2(200, x, t, (mpfr_ptr)0);
    mpfr_set_d(x, xhi, MPFR_RNDN);
    mpfr_sub_d(x, x, xlo, MPFR_RNDN);
    mpfr_mul_d(x, x, u, MPFR_RNDN);
    mpfr_add_d(x, x, xlo, MPFR_RNDN);
    mpfr_add_d(x, x, xhi, MPFR_RNDN); /* 2x */
    mpfr_sub_d(x, x, lo, MPFR_RNDN);
    mpfr_sub_d(x, x, hi, MPFR_RNDN);
    mpfr_set_d(t, hi, MPFR_RNDN);
    mpfr_sub_d(t, t, lo, MPFR_RNDN);
    mpfr_div(s, x, t, MPFR_RNDN);
    mpfr_clears(x, t, (mpfr_ptr)0);
}

static void assert_contains(const arb_t b, const mpfr_t v, const char *what)
{
    arb_t e;
    arb_init(e);
    arf_set_mpfr(arb_midref(e), v);
    mag_set_d(arb_radref(e), 1e-50); /* MPFR's own rounding at 200 bits */
    if (!arb_overlaps(b, e)) {
        char *bs = arb_get_str(b, 20, 0);
        fail_msg("%s: %s does not contain %.20g", what, bs, mpfr_get_d(v, MPFR_RNDN));
    }
    arb_clear(e);
}

static void test_series_on_cells(void **state)
{
    (void)state;
    ua_rng rng;
    ua_rng_seed(&rng, 11);
    const slong L = 40;
    double c[40];
    for (slong j = 0; j < L; j++) c[j] = (2 * ua_rng_uniform(&rng) - 1) * pow(0.7, (double)j);
    const double lo = -2, hi = 3;
    const double cells[][2] = { { -2, 3 }, { -2, -1.5 }, { 0.1, 0.35 }, { 2.9, 3 },
                                { 1.2345, 1.2346 } };
    mpfr_t s, acc, tj, th, b1, b2, bn, bm;
    mpfr_inits2(200, s, acc, tj, th, b1, b2, bn, bm, (mpfr_ptr)0);
    for (size_t ci = 0; ci < sizeof cells / sizeof cells[0]; ci++) {
        double xlo = cells[ci][0], xhi = cells[ci][1];
        arb_t s0, h, v;
        arb_init(s0);
        arb_init(h);
        arb_init(v);
        ua_cheb_cell_map(lo, hi, xlo, xhi, 256, s0, h);
        arb_ptr ser = _arb_vec_init(L), tay = _arb_vec_init(9);
        mag_ptr bs = _mag_vec_init(L + 1);
        ua_cheb_cell_clenshaw(c, L, s0, h, 256, ser, bs);
        ua_cheb_to_taylor(ser, L, 8, 256, tay);
        /* the remainder in tay[0] is at least the dropped coefficients' sum */
        mag_t drop, mt;
        mag_init(drop);
        mag_init(mt);
        for (slong k = 9; k < L; k++) {
            arb_get_mag_lower(mt, ser + k);
            mag_add_lower(drop, drop, mt);
        }
        assert_true(mag_cmp(arb_radref(tay), drop) >= 0);
        for (int p = 0; p < 200; p++) {
            double u = p == 0 ? -1 : p == 1 ? 1 : 2 * ua_rng_uniform(&rng) - 1;
            s_of(lo, hi, xlo, xhi, u, s);
            /* sum c_j cos(j acos s), and Clenshaw's b_j in MPFR */
            mpfr_acos(th, s, MPFR_RNDN);
            mpfr_set_zero(acc, 1);
            for (slong j = 0; j < L; j++) {
                mpfr_mul_si(tj, th, (long)j, MPFR_RNDN);
                mpfr_cos(tj, tj, MPFR_RNDN);
                mpfr_mul_d(tj, tj, c[j], MPFR_RNDN);
                mpfr_add(acc, acc, tj, MPFR_RNDN);
            }
            cheb_eval(ser, L, u, v);
            assert_contains(v, acc, "the cell's Chebyshev series");
            poly_eval(tay, 9, u, v);
            assert_contains(v, acc, "the truncated Taylor form");
            mpfr_set_zero(b1, 1);
            mpfr_set_zero(b2, 1);
            for (slong j = L - 1; j >= 1; j--) {
                mpfr_mul(bn, s, b1, MPFR_RNDN);
                mpfr_mul_2ui(bn, bn, 1, MPFR_RNDN);
                mpfr_sub(bn, bn, b2, MPFR_RNDN);
                mpfr_add_d(bn, bn, c[j], MPFR_RNDN);
                mpfr_abs(bm, bn, MPFR_RNDN);
                if (mpfr_get_d(bm, MPFR_RNDD) > mag_get_d(bs + j))
                    fail_msg("|b_%ld| = %.17g above its bound %.17g", (long)j,
                             mpfr_get_d(bm, MPFR_RNDN), mag_get_d(bs + j));
                mpfr_swap(b2, b1);
                mpfr_swap(b1, bn);
            }
            mpfr_abs(bm, acc, MPFR_RNDN);
            assert_true(mpfr_get_d(bm, MPFR_RNDD) <= mag_get_d(bs + 0));
        }
        mag_clear(drop);
        mag_clear(mt);
        _arb_vec_clear(ser, L);
        _arb_vec_clear(tay, 9);
        _mag_vec_clear(bs, L + 1);
        arb_clear(s0);
        arb_clear(h);
        arb_clear(v);
    }
    mpfr_clears(s, acc, tj, th, b1, b2, bn, bm, (mpfr_ptr)0);
}

static void test_basis(void **state)
{
    (void)state;
    ua_rng rng;
    ua_rng_seed(&rng, 5);
    const size_t N = 48, D = 20;
    const double lo = -1, hi = 1, cells[][2] = { { -1, 1 }, { 0.5, 0.5625 }, { -1, -0.9 } };
    mpfr_t s, th, tk;
    mpfr_inits2(200, s, th, tk, (mpfr_ptr)0);
    for (size_t ci = 0; ci < 3; ci++) {
        arb_t s0, h, v;
        arb_init(s0);
        arb_init(h);
        arb_init(v);
        ua_cheb_cell_map(lo, hi, cells[ci][0], cells[ci][1], 256, s0, h);
        arb_ptr T = _arb_vec_init((slong)((N + 1) * (D + 1)));
        ua_cheb_cell_basis(s0, h, N, D, 256, T);
        for (int p = 0; p < 50; p++) {
            double u = p == 0 ? -1 : p == 1 ? 1 : 2 * ua_rng_uniform(&rng) - 1;
            s_of(lo, hi, cells[ci][0], cells[ci][1], u, s);
            mpfr_acos(th, s, MPFR_RNDN);
            for (size_t k = 0; k <= N; k++) {
                mpfr_mul_si(tk, th, (long)k, MPFR_RNDN);
                mpfr_cos(tk, tk, MPFR_RNDN);
                cheb_eval(T + k * (D + 1), (slong)D + 1, u, v);
                assert_contains(v, tk, "T_k on the cell");
            }
        }
        _arb_vec_clear(T, (slong)((N + 1) * (D + 1)));
        arb_clear(s0);
        arb_clear(h);
        arb_clear(v);
    }
    mpfr_clears(s, th, tk, (mpfr_ptr)0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_series_on_cells),
        cmocka_unit_test(test_basis),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
