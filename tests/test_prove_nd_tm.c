/* Multivariate Taylor models in Arb balls (src/prove/tm.h, tm_target.c): a polynomial's model is
 * exact (its coefficients from the multinomial theorem, radius 0) and, truncated below its
 * degree, its remainder covers the dropped terms; exp(x + y) and exp(x) exp(y) give models whose
 * enclosures contain the MPFR value (200 bits) at random points of several cells and are narrow;
 * every function of the expression language composes soundly (the enclosure holds at random
 * points against MPFR); poles and kinks inside a cell are refused with UA_EDOMAIN naming the
 * function; a model re-expanded on half of its cell (ua_tm_halve) stays exact for a polynomial and
 * contains MPFR on the half. A model that forgot a remainder or a truncated term fails the
 * containment checks. */
#include <math.h>
#include "test_util.h"
#include "core/internal.h" /* ua_rng */
#include "prove/tm.h"
#include "target/internal.h" /* ua_target_eval_mpfr_at */

static const char *vars[] = { "x", "y", "z" };

/* Checks the model of expr on the cell [lo, hi] against MPFR (200 bits) at n random points t
 * (the first 2^d the corners), x = c + r t formed exactly in MPFR; returns the largest radius of
 * the point enclosures. */
static double check_cell(const ua_tm_space *sp, const char *expr, const double *lo,
                         const double *hi, size_t n, unsigned seed)
{
    size_t d = sp->d;
    ua_target *t;
    assert_int_equal(ua_target_parse(expr, vars, d, &t), UA_OK);
    ua_tm a;
    ua_tm_init(sp, &a);
    ua_status s = ua_tm_target(sp, t, lo, hi, &a);
    if (s) fail_msg("%s: %s", expr, ua_last_error());
    ua_rng rng;
    ua_rng_seed(&rng, seed);
    arb_t b, yb;
    arb_init(b);
    arb_init(yb);
    mpfr_t xs[3], y, q;
    mpfr_srcptr xp[3];
    for (int i = 0; i < 3; i++) {
        mpfr_init2(xs[i], 200);
        xp[i] = xs[i];
    }
    mpfr_init2(y, 200);
    mpfr_init2(q, 200);
    double worst = 0, tt[3];
    for (size_t k = 0; k < n; k++) {
        for (size_t i = 0; i < d; i++) {
            tt[i] = k < ((size_t)1 << d) ? ((k >> i) & 1 ? 1.0 : -1.0)
                                         : 2 * ua_rng_uniform(&rng) - 1;
            mpfr_set_d(xs[i], hi[i], MPFR_RNDN);
            mpfr_sub_d(xs[i], xs[i], lo[i], MPFR_RNDN);
            mpfr_mul_d(xs[i], xs[i], tt[i], MPFR_RNDN);
            mpfr_add_d(xs[i], xs[i], lo[i], MPFR_RNDN);
            mpfr_add_d(xs[i], xs[i], hi[i], MPFR_RNDN);
            mpfr_div_2ui(xs[i], xs[i], 1, MPFR_RNDN); /* (lo + hi + (hi - lo) t) / 2, exact */
        }
        ua_target_eval_mpfr_at(t, xp, y);
        ua_tm_eval(sp, &a, tt, b);
        arf_set_mpfr(arb_midref(yb), y);
        mag_zero(arb_radref(yb));
        arb_add_error_2exp_si(yb, -150); /* MPFR's own error at 200 bits */
        if (!arb_overlaps(b, yb))
            fail_msg("%s at t = (%.17g, %.17g): MPFR %.17g outside %.17g +- %.3g", expr, tt[0],
                     tt[1], mpfr_get_d(y, MPFR_RNDN), arf_get_d(arb_midref(b), ARF_RND_NEAR),
                     mag_get_d(arb_radref(b)));
        worst = fmax(worst, mag_get_d(arb_radref(b)));
    }
    for (int i = 0; i < 3; i++) mpfr_clear(xs[i]);
    mpfr_clear(y);
    mpfr_clear(q);
    arb_clear(b);
    arb_clear(yb);
    ua_tm_clear(sp, &a);
    ua_target_free(t);
    return worst;
}

static void test_polynomial_exact(void **state)
{
    (void)state;
    ua_tm_space sp;
    assert_int_equal(ua_tm_space_init(&sp, 2, 3, 128), UA_OK);
    assert_int_equal(sp.n, 10);
    ua_target *t;
    assert_int_equal(ua_target_parse("(x+2*y)^3", vars, 2, &t), UA_OK);
    const double lo[] = { 0, 0 }, hi[] = { 1, 1 };
    ua_tm a;
    ua_tm_init(&sp, &a);
    assert_int_equal(ua_tm_target(&sp, t, lo, hi, &a), UA_OK);
    /* x + 2y = 1.5 + 0.5 t0 + t1: the coefficient of t0^i t1^j is 3! / (i! j! k!) 0.5^i 1.5^k */
    const double fact[] = { 1, 1, 2, 6 };
    for (size_t j = 0; j < sp.n; j++) {
        unsigned e0 = sp.exp[2 * j], e1 = sp.exp[2 * j + 1], e2 = 3 - e0 - e1;
        double want = 6 / (fact[e0] * fact[e1] * fact[e2]) * pow(0.5, e0) * pow(1.5, e2);
        assert_true(arb_is_exact(a.c + j));
        assert_true(arf_equal_d(arb_midref(a.c + j), want));
    }
    ua_tm_clear(&sp, &a);
    ua_tm_space_clear(&sp);
    /* degree 2: the cubic's top terms (sum 3.375) dropped into the remainder, which must cover
     * them at every point */
    assert_int_equal(ua_tm_space_init(&sp, 2, 2, 128), UA_OK);
    ua_tm_init(&sp, &a);
    assert_int_equal(ua_tm_target(&sp, t, lo, hi, &a), UA_OK);
    ASSERT_LE(3.375, mag_get_d(arb_radref(a.c)));
    ua_tm_clear(&sp, &a);
    check_cell(&sp, "(x+2*y)^3", lo, hi, 2000, 1);
    ua_tm_space_clear(&sp);
    ua_target_free(t);
}

static void test_exp_identity(void **state)
{
    (void)state;
    ua_tm_space sp;
    assert_int_equal(ua_tm_space_init(&sp, 2, 12, 128), UA_OK);
    const double cells[][4] = { { -1, -1, -0.75, -0.75 }, { 0.1, 0.2, 0.35, 0.45 },
                                { -2, 1, 2, 3 }, { 0.5, -0.5, 0.5, 0.5 } };
    for (int c = 0; c < 4; c++) {
        const double lo[] = { cells[c][0], cells[c][1] }, hi[] = { cells[c][2], cells[c][3] };
        double r1 = check_cell(&sp, "exp(x+y)", lo, hi, 1500, 2 + c);
        double r2 = check_cell(&sp, "exp(x)*exp(y)", lo, hi, 1500, 2 + c);
        print_message("cell %d: radius %.3g (exp(x+y)), %.3g (exp(x) exp(y))\n", c, r1, r2);
        if (c != 2) { /* the small cells: the enclosures are narrow */
            ASSERT_LE(r1, 1e-13);
            ASSERT_LE(r2, 1e-13);
        }
        /* the two models of the same function overlap coefficient by coefficient */
        ua_target *t1, *t2;
        assert_int_equal(ua_target_parse("exp(x+y)", vars, 2, &t1), UA_OK);
        assert_int_equal(ua_target_parse("exp(x)*exp(y)", vars, 2, &t2), UA_OK);
        ua_tm a, b;
        ua_tm_init(&sp, &a);
        ua_tm_init(&sp, &b);
        assert_int_equal(ua_tm_target(&sp, t1, lo, hi, &a), UA_OK);
        assert_int_equal(ua_tm_target(&sp, t2, lo, hi, &b), UA_OK);
        for (size_t j = 1; j < sp.n; j++) assert_true(arb_overlaps(a.c + j, b.c + j));
        ua_tm_clear(&sp, &a);
        ua_tm_clear(&sp, &b);
        ua_target_free(t1);
        ua_target_free(t2);
    }
    ua_tm_space_clear(&sp);
}

/* Every function of the language on a cell where it is smooth, in 2-D (K = 8) and 3-D (K = 6). */
static void test_functions(void **state)
{
    (void)state;
    static const struct {
        const char *e;
        double lo[3], hi[3];
    } cases[] = {
        { "sin(3*x)*cos(2*y)", { -0.5, 0.2 }, { 0.0, 0.6 } },
        { "log(1+x^2+y)", { -0.3, 0.1 }, { 0.2, 0.5 } },
        { "log2(x+y)+log10(x*y)", { 0.5, 0.5 }, { 0.9, 0.7 } },
        { "atan2(y, x+3)+atan2(x+1, y-2)", { -0.2, -0.2 }, { 0.1, 0.1 } },
        { "atan2(y+2, x)", { -0.4, -0.4 }, { 0.3, 0.1 } },
        { "sqrt(2+x*y)+cbrt(x-2)", { -1, -1 }, { -0.5, -0.5 } },
        { "erf(x-y)*erfc(y)", { -0.25, 0.5 }, { 0.25, 0.75 } },
        { "x^y", { 0.5, -1.5 }, { 1.5, 0.5 } },
        { "x^2.5-(x+y)^-2", { 0.5, 0.5 }, { 0.7, 0.75 } },
        { "hypot(x+2, y)", { -0.5, -0.5 }, { 0.5, 0.5 } },
        { "1/(x-1.05)", { 0.9, 0 }, { 1.0, 1 } },
        { "tanh(3*x)*j0(y)+j1(x)*y0(y+2)-y1(x+3)", { -0.3, -0.2 }, { 0.1, 0.4 } },
        { "tgamma(x+2)+lgamma(y+0.5)", { 0.1, 0.1 }, { 0.3, 0.4 } },
        { "min(x, y+3)+max(x, y-3)+abs(x-2)+sign(y+5)", { -1, -1 }, { 1, 1 } },
        { "asin(x/2)+acos(y/3)+atan(x*y)", { -0.5, -0.5 }, { 0.5, 0.5 } },
        { "sinh(x)+cosh(y)+asinh(x*y)+acosh(2+x)+atanh(y/2)", { -0.5, -0.5 }, { 0.5, 0.5 } },
        { "expm1(x*y)+log1p(x+y)+tan(x)", { -0.3, -0.3 }, { 0.3, 0.3 } },
        { "exp(-(x-0.3)^2/0.001)", { 0.2, 0 }, { 0.4, 1 } },
        { "pi*e*x/y", { 0.1, 1 }, { 0.2, 2 } },
    };
    ua_tm_space sp;
    assert_int_equal(ua_tm_space_init(&sp, 2, 8, 128), UA_OK);
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        double r = check_cell(&sp, cases[c].e, cases[c].lo, cases[c].hi, 400, 10 + (unsigned)c);
        print_message("%-50s largest radius %.3g\n", cases[c].e, r);
    }
    ua_tm_space_clear(&sp);
    assert_int_equal(ua_tm_space_init(&sp, 3, 6, 128), UA_OK);
    const double lo[] = { -0.2, 0.1, 0.3 }, hi[] = { 0.1, 0.4, 0.5 };
    double r = check_cell(&sp, "cos(x+2*y)*exp(z)/(1+x*y*z)", lo, hi, 1000, 40);
    ASSERT_LE(r, 1e-3); /* 5.9e-5 at K = 6 */
    ua_tm_space_clear(&sp);
}

static void expect_refused(const ua_tm_space *sp, const char *expr, const double *lo,
                           const double *hi, const char *word)
{
    ua_target *t;
    assert_int_equal(ua_target_parse(expr, vars, sp->d, &t), UA_OK);
    ua_tm a;
    ua_tm_init(sp, &a);
    assert_int_equal(ua_tm_target(sp, t, lo, hi, &a), UA_EDOMAIN);
    if (!strstr(ua_last_error(), word))
        fail_msg("%s: '%s' does not name '%s'", expr, ua_last_error(), word);
    ua_tm_clear(sp, &a);
    ua_target_free(t);
}

static void test_refusals(void **state)
{
    (void)state;
    ua_tm_space sp;
    assert_int_equal(ua_tm_space_init(&sp, 2, 6, 128), UA_OK);
    const double lo[] = { -1, -1 }, hi[] = { 1, 1 };
    expect_refused(&sp, "1/(x-0.3)", lo, hi, "division");
    expect_refused(&sp, "log(x+1.5)+log(y)", lo, hi, "log");
    expect_refused(&sp, "abs(x)*y", lo, hi, "abs");
    expect_refused(&sp, "sqrt(y+1)", lo, hi, "sqrt");
    expect_refused(&sp, "tan(2*x)", lo, hi, "tan");
    expect_refused(&sp, "min(x, y)", lo, hi, "min");
    expect_refused(&sp, "atan2(y, x)", lo, hi, "atan2");
    expect_refused(&sp, "tgamma(x)", lo, hi, "gamma");
    /* a built-in target has no ball form */
    ua_target *t;
    assert_int_equal(ua_target_parse("nfw-sigma", NULL, 0, &t), UA_OK);
    ua_tm_space s1;
    assert_int_equal(ua_tm_space_init(&s1, 1, 4, 128), UA_OK);
    ua_tm a;
    ua_tm_init(&s1, &a);
    assert_int_equal(ua_tm_target(&s1, t, lo, hi, &a), UA_EDOMAIN);
    ua_tm_clear(&s1, &a);
    ua_tm_space_clear(&s1);
    ua_target_free(t);
    /* bad spaces */
    assert_int_equal(ua_tm_space_init(&s1, 0, 4, 128), UA_EINVAL);
    assert_int_equal(ua_tm_space_init(&s1, 11, 2, 128), UA_EINVAL);
    assert_int_equal(ua_tm_space_init(&s1, 3, 20, 128), UA_EINVAL); /* 1771 terms */
    assert_int_equal(ua_tm_degree_for(3, 20, UA_TM_MAX_TERMS), 16); /* C(19, 3) = 969 */
    ua_tm_space_clear(&sp);
}

/* ua_tm_halve: the model of a cell re-expanded on each half along each variable. A polynomial's
 * exact model stays exact (radius 0) and equal to the original at the mapped points
 * (t_var = +-1/2 + s/2); the model of exp(x) sin(3y) + 1/(2 + x) on a cell, halved, contains
 * the MPFR value (200 bits) at dyadic points of the half, and its range bound is at most the
 * whole cell's plus the rounding. A shift that forgot the 2^-k scaling or the sign of the
 * half fails both. */
static void test_halve(void **state)
{
    (void)state;
    ua_tm_space sp;
    assert_int_equal(ua_tm_space_init(&sp, 2, 8, 128), UA_OK);
    const double lo[] = { -0.25, 0.125 }, hi[] = { 0.5, 0.875 }; /* dyadic: (x+2y)^3 exact */
    const char *ex[] = { "(x+2*y)^3", "exp(x)*sin(3*y)+1/(2+x)" };
    ua_rng rng;
    ua_rng_seed(&rng, 11);
    arb_t b, b0, yb;
    arb_init(b);
    arb_init(b0);
    arb_init(yb);
    mpfr_t xs[2], y;
    mpfr_srcptr xp[2] = { xs[0], xs[1] };
    mpfr_init2(xs[0], 200);
    mpfr_init2(xs[1], 200);
    mpfr_init2(y, 200);
    for (int e = 0; e < 2; e++) {
        ua_target *t;
        assert_int_equal(ua_target_parse(ex[e], vars, 2, &t), UA_OK);
        ua_tm a, r;
        ua_tm_init(&sp, &a);
        ua_tm_init(&sp, &r);
        assert_int_equal(ua_tm_target(&sp, t, lo, hi, &a), UA_OK);
        for (size_t var = 0; var < 2; var++)
            for (int up = 0; up < 2; up++) {
                ua_tm_halve(&sp, &r, &a, var, up);
                for (int k = 0; k < 200; k++) {
                    double sv[2], tv[2];
                    for (size_t i = 0; i < 2; i++) /* dyadic: t below is exact */
                        sv[i] = k < 4 ? ((k >> i) & 1 ? 1.0 : -1.0)
                                      : (double)((int)(129 * ua_rng_uniform(&rng)) - 64) / 64;
                    tv[0] = sv[0];
                    tv[1] = sv[1];
                    tv[var] = (up ? 0.5 : -0.5) + 0.5 * sv[var];
                    ua_tm_eval(&sp, &r, sv, b);
                    if (e == 0) { /* exact: equal to the original at the mapped point */
                        ua_tm_eval(&sp, &a, tv, b0);
                        assert_true(mag_is_zero(arb_radref(b)));
                        assert_true(arb_equal(b, b0));
                        continue;
                    }
                    for (size_t i = 0; i < 2; i++) { /* (lo + hi + (hi - lo) t) / 2 */
                        mpfr_set_d(xs[i], hi[i], MPFR_RNDN);
                        mpfr_sub_d(xs[i], xs[i], lo[i], MPFR_RNDN);
                        mpfr_mul_d(xs[i], xs[i], tv[i], MPFR_RNDN);
                        mpfr_add_d(xs[i], xs[i], lo[i], MPFR_RNDN);
                        mpfr_add_d(xs[i], xs[i], hi[i], MPFR_RNDN);
                        mpfr_div_2ui(xs[i], xs[i], 1, MPFR_RNDN);
                    }
                    ua_target_eval_mpfr_at(t, xp, y);
                    arf_set_mpfr(arb_midref(yb), y);
                    mag_zero(arb_radref(yb));
                    arb_add_error_2exp_si(yb, -150);
                    if (!arb_overlaps(b, yb))
                        fail_msg("halve var %zu upper %d at s = (%g, %g): MPFR %.17g outside "
                                 "%.17g +- %.3g", var, up, sv[0], sv[1], mpfr_get_d(y, MPFR_RNDN),
                                 arf_get_d(arb_midref(b), ARF_RND_NEAR),
                                 mag_get_d(arb_radref(b)));
                }
                arb_t ra, rr;
                arb_init(ra);
                arb_init(rr);
                ua_tm_range(&sp, &a, ra);
                ua_tm_range(&sp, &r, rr);
                mag_t ma, mr;
                mag_init(ma);
                mag_init(mr);
                arb_get_mag(ma, ra);
                arb_get_mag(mr, rr);
                ASSERT_LE(mag_get_d(mr), mag_get_d(ma) * (1 + 1e-12));
                mag_clear(ma);
                mag_clear(mr);
                arb_clear(ra);
                arb_clear(rr);
            }
        ua_tm_clear(&sp, &a);
        ua_tm_clear(&sp, &r);
        ua_target_free(t);
    }
    mpfr_clear(xs[0]);
    mpfr_clear(xs[1]);
    mpfr_clear(y);
    arb_clear(b);
    arb_clear(b0);
    arb_clear(yb);
    ua_tm_space_clear(&sp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_polynomial_exact),
        cmocka_unit_test(test_exp_identity),
        cmocka_unit_test(test_functions),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_halve),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
