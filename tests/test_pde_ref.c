/* Tests of the PDE reference solutions (src/pde/reference.h): Burgers by Cole-Hopf against mpmath
 * at 30 digits (tests/gen/pde_ref.py), its exact symmetries, the convergence of its quadrature in
 * the node count and the published shock steepness (Basdevant et al. 1986); Allen-Cahn by
 * Chebyshev / ETDRK4 against scipy's BDF on 767 Chebyshev points (same script), its boundary value,
 * symmetry, initial value and maximum principle, and its self-convergence in N and dt; bad names,
 * parameters and points; a problem file's reference solved on the file's time box [0, T]. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "uniapprox.h"
#include "uniapprox/pde.h"
#include "pde/ref_internal.h"
#include "ref/pde_ref.h"
#include "test_util.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

/* Measured (Release, x86-64): Burgers against mpmath 1.4e-15 over the 84 fixture points (the
 * exponent, up to 50 in size, carries ~5e-15 relative roundoff into each integrand value); the
 * bound leaves a 3.5x margin for other libm's and compilers. */
#define BURGERS_FIXTURE_TOL 5e-15
/* Measured 6.5e-11 against scipy's BDF (rtol 1e-12 on 767 points, no symmetry folding, another
 * time integrator); about 8x margin. */
#define AC_FIXTURE_TOL 5e-10

static ua_pde_reference *ref_new(const char *name)
{
    ua_pde_reference *r = NULL;
    ua_status s = ua_pde_reference_new(name, NULL, 0, &r);
    if (s != UA_OK) fail_msg("%s: %s", name, ua_last_error());
    return r;
}

static double eval1(const ua_pde_reference *r, double x, double t)
{
    double p[2] = {x, t}, u = NAN;
    assert_int_equal(ua_pde_reference_eval(r, p, 1, &u), UA_OK);
    return u;
}

/* ---- Burgers --------------------------------------------------------------------------------- */

static void test_burgers_fixture(void **state)
{
    (void)state;
    ua_pde_reference *r = ref_new("burgers");
    double u[PDE_BURGERS_N], worst = 0.0;
    assert_int_equal(ua_pde_reference_eval(r, PDE_BURGERS_PTS, PDE_BURGERS_N, u), UA_OK);
    for (int i = 0; i < PDE_BURGERS_N; i++) worst = fmax(worst, fabs(u[i] - PDE_BURGERS_U[i]));
    printf("burgers vs mpmath: max |diff| = %.3g over %d points\n", worst, PDE_BURGERS_N);
    ASSERT_LE(worst, BURGERS_FIXTURE_TOL);
    ua_pde_reference_free(r);
}

/* u is odd in x, zero at x = +-1 for all t, -sin(pi x) at t = 0, and |u| <= 1 (the maximum
 * principle). */
static void test_burgers_identities(void **state)
{
    (void)state;
    ua_pde_reference *r = ref_new("burgers");
    double odd = 0.0, bnd = 0.0, ic = 0.0, big = 0.0;
    for (int j = 0; j <= 10; j++) {
        double t = 0.1 * j;
        bnd = fmax(bnd, fmax(fabs(eval1(r, 1.0, t)), fabs(eval1(r, -1.0, t))));
        for (int i = 0; i <= 40; i++) {
            double x = 0.0123 + 0.0246 * i, up = eval1(r, x, t), um = eval1(r, -x, t);
            odd = fmax(odd, fabs(up + um));
            big = fmax(big, fabs(up));
            if (j == 0) ic = fmax(ic, fabs(up + sin(M_PI * x)));
        }
    }
    printf("burgers: |u(x)+u(-x)| <= %.3g, |u(+-1)| <= %.3g, IC %.3g, max |u| %.17g\n", odd, bnd,
           ic, big);
    ASSERT_LE(odd, 4e-15); /* measured 1.8e-15: two evaluations' roundoff */
    ASSERT_LE(bnd, 1e-15);
    assert_true(ic == 0.0);
    ASSERT_LE(big, 1.0);
    ua_pde_reference_free(r);
}

/* The fixed composite rule converges to the adaptive value as the panels double, down to
 * roundoff, at points in the smooth part and across the shock. */
static void test_burgers_node_convergence(void **state)
{
    (void)state;
    double nu = 0.01 / M_PI;
    const double pts[][2] = {{0.3, 0.2}, {1e-3, 0.5}, {0.01, 0.75}, {-0.6, 1.0}, {2e-3, 1.0}};
    for (size_t k = 0; k < sizeof pts / sizeof pts[0]; k++) {
        double x = pts[k][0], t = pts[k][1], ua = ua_ref_burgers_u(nu, x, t, NULL);
        double e2 = fabs(ua_ref_burgers_u_panels(nu, x, t, 2) - ua);
        double e8 = fabs(ua_ref_burgers_u_panels(nu, x, t, 8) - ua);
        double e64 = fabs(ua_ref_burgers_u_panels(nu, x, t, 64) - ua);
        printf("burgers (%g, %g): 2 panels %.2e, 8: %.2e, 64: %.2e\n", x, t, e2, e8, e64);
        ASSERT_LE(e64, 3e-15);
        ASSERT_LE(e8, fmax(e2, 3e-15));
        assert_true(e2 > 1e-6); /* 30 nodes do not resolve the peaks: the check has teeth */
    }
}

/* Basdevant et al. (1986): for nu = 0.01/pi the slope at x = 0 is steepest at t = 1.6037/pi, where
 * du/dx = -152.00516 (the figure every later paper quotes). The quadrature's du/dx, a central
 * difference of u, and a golden-section search of the steepest time. */
static void test_burgers_shock_steepness(void **state)
{
    (void)state;
    double nu = 0.01 / M_PI, ts = 1.6037 / M_PI, ux;
    ua_ref_burgers_u(nu, 0.0, ts, &ux);
    printf("burgers: u_x(0, 1.6037/pi) = %.10f (published -152.00516)\n", ux);
    ASSERT_LE(fabs(ux + 152.00516), 5e-6);
    double h = 1e-7; /* truncation u_xxx h^2 / 6 ~ 1e-8 here, roundoff ~ 1e-9 */
    double fd = (ua_ref_burgers_u(nu, h, ts, NULL) - ua_ref_burgers_u(nu, -h, ts, NULL)) / (2 * h);
    ASSERT_LE(fabs(fd - ux), 1e-7);
    /* the steepest time: golden section of u_x(0, t) on [0.45, 0.6] */
    double a = 0.45, b = 0.6, g = 0.5 * (sqrt(5.0) - 1.0);
    double c = b - g * (b - a), d = a + g * (b - a), fc, fdd;
    ua_ref_burgers_u(nu, 0.0, c, &fc);
    ua_ref_burgers_u(nu, 0.0, d, &fdd);
    for (int it = 0; it < 60; it++) {
        if (fc < fdd) { /* u_x most negative: keep [a, d] */
            b = d;
            d = c;
            fdd = fc;
            c = b - g * (b - a);
            ua_ref_burgers_u(nu, 0.0, c, &fc);
        } else {
            a = c;
            c = d;
            fc = fdd;
            d = a + g * (b - a);
            ua_ref_burgers_u(nu, 0.0, d, &fdd);
        }
    }
    double tmax = 0.5 * (a + b), umax;
    ua_ref_burgers_u(nu, 0.0, tmax, &umax);
    printf("burgers: steepest at pi t = %.6f, u_x = %.8f\n", M_PI * tmax, umax);
    ASSERT_LE(fabs(M_PI * tmax - 1.6037), 5e-5);
    ASSERT_LE(fabs(umax + 152.00516), 5e-6);
}

/* ---- Allen-Cahn ------------------------------------------------------------------------------ */

static ua_pde_reference *ac_default;

static int ac_setup(void **state)
{
    (void)state;
    ac_default = ref_new("allen_cahn");
    return 0;
}

static int ac_teardown(void **state)
{
    (void)state;
    ua_pde_reference_free(ac_default);
    ac_default = NULL;
    return 0;
}

static void test_ac_fixture(void **state)
{
    (void)state;
    double u[PDE_AC_N], worst = 0.0;
    assert_int_equal(ua_pde_reference_eval(ac_default, PDE_AC_PTS, PDE_AC_N, u), UA_OK);
    for (int i = 0; i < PDE_AC_N; i++) worst = fmax(worst, fabs(u[i] - PDE_AC_U[i]));
    printf("allen_cahn vs scipy BDF: max |diff| = %.3g over %d points\n", worst, PDE_AC_N);
    ASSERT_LE(worst, AC_FIXTURE_TOL);
}

/* u(+-1, t) = -1 (the boundary condition), u even in x, u(x, 0) = x^2 cos(pi x), and
 * -1 <= u <= 1 (the maximum principle: |u(x, 0)| <= 1 and +-1 are equilibria of the reaction). */
static void test_ac_properties(void **state)
{
    (void)state;
    const ua_pde_reference *r = ac_default;
    double bnd = 0.0, even = 0.0, ic = 0.0, big = 0.0;
    for (int j = 0; j <= 20; j++) {
        double t = 0.05 * j + (j % 2) * 3.7e-4; /* between steps too */
        bnd = fmax(bnd, fmax(fabs(eval1(r, 1.0, t) + 1.0), fabs(eval1(r, -1.0, t) + 1.0)));
        for (int i = 0; i <= 60; i++) {
            double x = 0.0161 * i + 0.0007, up = eval1(r, x, t);
            even = fmax(even, fabs(up - eval1(r, -x, t)));
            big = fmax(big, fabs(up));
            if (j == 0) ic = fmax(ic, fabs(up - x * x * cos(M_PI * x)));
        }
    }
    printf("allen_cahn: |u(+-1)+1| %.3g, |u(x)-u(-x)| %.3g, IC %.3g, max |u| %.17g\n", bnd, even,
           ic, big);
    assert_true(bnd == 0.0);
    ASSERT_LE(even, 5e-14); /* measured 1.2e-14 */
    ASSERT_LE(ic, 1e-13);
    ASSERT_LE(big, 1.0 + 1e-12);
}

/* A coarser solve (N = 512, dt = 2e-3) agrees with the default (N = 768, dt = 1e-3) to 1e-8 over
 * the domain, step times and between them: the default's own error is far below (it converges
 * geometrically in N and as dt^4: docs/pde.md). */
static void test_ac_self_convergence(void **state)
{
    (void)state;
    ua_pde_reference coarse = {0};
    assert_int_equal(ua_ref_allen_cahn_solve(0.001, 1.0, 512, 2e-3, &coarse), UA_OK);
    double worst = 0.0;
    for (int j = 0; j <= 40; j++) {
        double t = 0.025 * j + (j % 3) * 4.1e-4;
        if (t > 1.0) t = 1.0;
        for (int i = 0; i <= 200; i++) {
            double p[2] = {-1.0 + 0.01 * i + 0.0003 * (i % 5), t}, uc;
            if (p[0] > 1.0) p[0] = 1.0;
            coarse.eval(coarse.state, p, 1, &uc);
            worst = fmax(worst, fabs(uc - eval1(ac_default, p[0], p[1])));
        }
    }
    printf("allen_cahn: N = 512, dt = 2e-3 against the default: %.3g\n", worst);
    ASSERT_LE(worst, 1e-8);
    assert_true(worst > 0.0);
    coarse.free_state(coarse.state);
}

/* ---- bad input ------------------------------------------------------------------------------- */

static void test_bad_input(void **state)
{
    (void)state;
    ua_pde_reference *r = (ua_pde_reference *)1;
    assert_int_equal(ua_pde_reference_new("heat", NULL, 0, &r), UA_EINVAL);
    assert_null(r);
    assert_int_equal(ua_pde_reference_new(NULL, NULL, 0, &r), UA_EINVAL);
    double zero = 0.0, nan_ = NAN, three[3] = {0.01, 1.0, 2.0}, negT[2] = {0.01, -1.0};
    assert_int_equal(ua_pde_reference_new("burgers", &zero, 1, &r), UA_EINVAL);
    assert_int_equal(ua_pde_reference_new("burgers", &nan_, 1, &r), UA_EINVAL);
    assert_int_equal(ua_pde_reference_new("burgers", three, 3, &r), UA_EINVAL);
    assert_int_equal(ua_pde_reference_new("burgers", negT, 2, &r), UA_EINVAL);
    assert_int_equal(ua_pde_reference_new("burgers", NULL, 1, &r), UA_EINVAL);
    assert_int_equal(ua_pde_reference_new("allen_cahn", &zero, 1, &r), UA_EINVAL);
    assert_int_equal(ua_pde_reference_new("allen_cahn", three, 3, &r), UA_EINVAL);
    assert_null(r);
    ua_pde_reference tmp = {0};
    assert_int_equal(ua_ref_allen_cahn_solve(0.001, 1.0, 15, 1e-3, &tmp), UA_EINVAL);
    assert_int_equal(ua_ref_allen_cahn_solve(0.001, 1.0, 64, 0.0, &tmp), UA_EINVAL);

    double params[2] = {0.01 / M_PI, 0.5};
    assert_int_equal(ua_pde_reference_new("burgers", params, 2, &r), UA_OK);
    double lo[2], hi[2];
    ua_pde_reference_domain(r, lo, hi);
    assert_true(lo[0] == -1.0 && hi[0] == 1.0 && lo[1] == 0.0 && hi[1] == 0.5);
    const double bad[][2] = {{1.5, 0.1}, {0.0, -0.1}, {0.0, 0.6}, {NAN, 0.1}, {0.0, INFINITY}};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        double pts[4] = {0.0, 0.1, bad[k][0], bad[k][1]}, u[2];
        assert_int_equal(ua_pde_reference_eval(r, pts, 2, u), UA_EDOMAIN);
        assert_non_null(strstr(ua_last_error(), "point 1"));
    }
    double u1;
    assert_int_equal(ua_pde_reference_eval(r, NULL, 1, &u1), UA_EINVAL);
    assert_int_equal(ua_pde_reference_eval(NULL, params, 1, &u1), UA_EINVAL);
    assert_int_equal(ua_pde_reference_eval(r, NULL, 0, NULL), UA_OK);
    ua_pde_reference_free(r);
    ua_pde_reference_free(NULL);
}

/* ---- a problem file's named reference past t = 1 ---------------------------------------------- */

static ua_status parse_ref(const char *ref, const char *time, const char *params, ua_problem **p)
{
    char text[1024];
    snprintf(text, sizeof text,
             "{\"space\":{\"x\":[-1,1]},\"time\":{\"t\":%s},\"parameters\":%s,"
             "\"equation\":\"u_t+u\",\"conditions\":[{\"type\":\"initial\",\"value\":0}],"
             "\"reference\":\"%s\"}", time, params, ref);
    return ua_pde_problem_parse(text, strlen(text), "f.json", p);
}

/* The reference is solved on the file's time box [0, T] (T its end, docs/pde.md): a file with
 * t in [0, 2] gets the same values as the reference built directly with {d, 2} (the same steps:
 * identical), defined up to t = 2 (the defect: the file's T was dropped, t > 1 refused); Burgers
 * at t = 1.5 is the pointwise Cole-Hopf value. A parameter T must equal the box's end, and T
 * outside the solver's range is refused naming it. */
static void test_file_time_box(void **state)
{
    (void)state;
    ua_problem *p = NULL;
    assert_int_equal(parse_ref("allen_cahn", "[0,2]", "{\"d\":0.001,\"T\":2}", &p), UA_OK);
    double par[2] = {0.001, 2.0};
    ua_pde_reference *r = NULL;
    assert_int_equal(ua_pde_reference_new("allen_cahn", par, 2, &r), UA_OK);
    const double pts[] = {-1, 2, 0.3, 1.01, -0.7, 1.7, 0.0, 2.0, 0.5, 0.4};
    double u[5], v[5];
    assert_int_equal(ua_problem_eval(p, pts, 5, u), UA_OK);
    assert_int_equal(ua_pde_reference_eval(r, pts, 5, v), UA_OK);
    for (int i = 0; i < 5; i++) {
        assert_true(isfinite(u[i]));
        assert_true(u[i] == v[i]);
    }
    assert_true(fabs(u[0] + 1) <= 1e-12); /* u(-1, 2) = -1, the boundary value */
    ua_pde_reference_free(r);
    ua_problem_free(p);
    /* no T parameter, no d: the defaults (d = 0.001) on the box's [0, 2] */
    assert_int_equal(parse_ref("allen_cahn", "[0,2]", "{}", &p), UA_OK);
    double w[5];
    assert_int_equal(ua_problem_eval(p, pts, 5, w), UA_OK);
    for (int i = 0; i < 5; i++) assert_true(w[i] == v[i]);
    ua_problem_free(p);

    assert_int_equal(parse_ref("burgers", "[0,2]", "{\"nu\":0.01}", &p), UA_OK);
    double b[2] = {0.4, 1.5}, ub;
    assert_int_equal(ua_problem_eval(p, b, 1, &ub), UA_OK);
    assert_true(fabs(ub - ua_ref_burgers_u(0.01, 0.4, 1.5, NULL)) <= 1e-15);
    ua_problem_free(p);

    struct { const char *ref, *time, *params, *msg; } bad[] = {
        {"allen_cahn", "[0,2]", "{\"d\":0.001,\"T\":0}", "parameter T = 0 is outside (0, 10]"},
        {"allen_cahn", "[0,2]", "{\"d\":0.001,\"T\":-5}", "parameter T = -5 is outside (0, 10]"},
        {"allen_cahn", "[0,2]", "{\"d\":0.001,\"T\":3}", "parameter T = 3 is not the end of the time box, 2"},
        {"allen_cahn", "[0,20]", "{}", "the time box ends at t = 20: T must be in (0, 10]"},
        {"burgers", "[0,1e6]", "{}", "the time box ends at t = 1000000: T must be in (0, 100]"},
        {"burgers", "[0,1]", "{\"T\":1e6}", "parameter T = 1000000 is outside (0, 100]"},
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        p = (ua_problem *)1;
        assert_int_equal(parse_ref(bad[k].ref, bad[k].time, bad[k].params, &p), UA_EFORMAT);
        assert_null(p);
        if (!strstr(ua_last_error(), bad[k].msg))
            fail_msg("case %zu: '%s' lacks '%s'", k, ua_last_error(), bad[k].msg);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_burgers_fixture),
        cmocka_unit_test(test_burgers_identities),
        cmocka_unit_test(test_burgers_node_convergence),
        cmocka_unit_test(test_burgers_shock_steepness),
        cmocka_unit_test(test_ac_fixture),
        cmocka_unit_test(test_ac_properties),
        cmocka_unit_test(test_ac_self_convergence),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_file_time_box),
    };
    return cmocka_run_group_tests(tests, ac_setup, ac_teardown);
}
