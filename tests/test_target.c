/*
 * Tests of the target module (include/uniapprox/target.h): the expression language, its double
 * and MPFR evaluators and the built-in nfw-sigma.
 *
 * Independent reference: tests/ref/target_ref.csv, written by tests/gen/target_ref.py with
 * mpmath (not MPFR, not libm) at 45 significant digits.
 */
#define _DEFAULT_SOURCE /* M_PI, M_E */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <mpfr.h>

#include "uniapprox/target.h"

/* ---------------------------------------------------------------- helpers */

static ua_target *parse_ok(const char *spec, const char *const *vars, size_t nvars)
{
    ua_target *t = NULL;
    ua_status st = ua_target_parse(spec, vars, nvars, &t);
    if (st != UA_OK) print_error("parse of '%s' failed: %s\n", spec, ua_last_error());
    assert_int_equal(st, UA_OK);
    assert_non_null(t);
    return t;
}

/* Distance of a from ref in units of the spacing of doubles at |ref| (the ulp of ref). */
static double ulps(double a, double ref)
{
    if (isnan(a) || isnan(ref)) return isnan(a) && isnan(ref) ? 0 : INFINITY;
    if (a == ref) return 0;
    if (isinf(a) || isinf(ref)) return INFINITY;
    double r = fabs(ref);
    double ulp = nextafter(r, INFINITY) - r;
    return fabs(a - ref) / ulp;
}

static double eval_mpfr_d(const ua_target *t, const double *x, mpfr_prec_t prec)
{
    mpfr_t y;
    mpfr_init2(y, prec);
    ua_target_eval_mpfr(t, x, y);
    double d = mpfr_get_d(y, MPFR_RNDN);
    mpfr_clear(y);
    return d;
}

/* ---------------------------------------------------------------- grammar */

typedef struct {
    const char *expr;
    double want; /* exact */
} exact_case;

/* Exact identities: each value is exact in binary, so double and MPFR must both hit it. */
static const exact_case exact_cases[] = {
    { "2^3^2", 512 },        /* ^ is right associative */
    { "(2^3)^2", 64 },
    { "-2^2", -4 },          /* unary minus binds looser than ^ */
    { "(-2)^2", 4 },
    { "-3^2", -9 },
    { "2^-1", 0.5 },         /* a signed exponent parses */
    { "2^-2^2", 0.0625 },    /* 2^(-(2^2)) */
    { "2^(1+1)^3", 256 },
    { "1-2-3", -4 },         /* - is left associative */
    { "2-3+4", 3 },
    { "8/4/2", 1 },          /* / is left associative */
    { "1/2/2", 0.25 },
    { "2*3+4*5", 26 },       /* * before + */
    { "2+3*4", 14 },
    { "(2+3)*4", 20 },
    { "2^3*2", 16 },         /* ^ before * */
    { "2*3^2", 18 },
    { "2*-3", -6 },
    { "-2*-2", 4 },
    { "--2", 2 },
    { "-+-2", 2 },
    { "+2", 2 },
    { "  7\t", 7 },
    { ".5+1e-3*1E+3", 1.5 }, /* number forms */
    { "1.5e1", 15 },
    { "2.", 2 },
    { "1e0", 1 },
    { "0.25E1", 2.5 },
    { "min(1, 2) + max(1, 2)", 3 },
    { "min(-0.5, 3)", -0.5 },
    { "abs(-2) + abs(2)", 4 },
    { "sign(-3) + 10*sign(0) + 100*sign(5)", 99 },
    { "pow(2, 10)", 1024 },
    { "sqrt(16)", 4 },
    { "hypot(5, 12)", 13 },
    { "atan2(0, 1)", 0 },
    { "cbrt(-8)", -2 },
    { "exp(0) + log(1) + sin(0) + cos(0)", 2 },
    { "((((((1))))))", 1 },
    { "1e999999999999999999", INFINITY }, /* huge exponents saturate */
    { "1e-999999999999999999", 0 },
    { "-1/0", -INFINITY },
};

static void test_precedence_and_literals(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof exact_cases / sizeof exact_cases[0]; i++) {
        ua_target *t = parse_ok(exact_cases[i].expr, NULL, 0);
        double x = 0.0;
        double d = ua_target_eval(t, &x);
        double m = eval_mpfr_d(t, &x, 200);
        if (d != exact_cases[i].want || m != exact_cases[i].want)
            print_error("%s: double %.17g, mpfr %.17g, want %.17g\n", exact_cases[i].expr, d, m,
                        exact_cases[i].want);
        assert_true(d == exact_cases[i].want);
        assert_true(m == exact_cases[i].want);
        assert_int_equal(ua_target_dim(t), 1);
        assert_string_equal(ua_target_spec(t), exact_cases[i].expr);
        ua_target_free(t);
    }
}

static void test_constants_and_decimal_literals(void **state)
{
    (void)state;
    ua_target *t = parse_ok("pi", NULL, 0);
    double x = 0;
    assert_true(ua_target_eval(t, &x) == M_PI);
    mpfr_t y, r;
    mpfr_inits2(200, y, r, (mpfr_ptr)0);
    ua_target_eval_mpfr(t, &x, y);
    mpfr_const_pi(r, MPFR_RNDN);
    /* pi is computed at 232 bits and rounded once more to 200: within 1 ulp at 200 bits */
    mpfr_sub(r, r, y, MPFR_RNDN);
    assert_true(mpfr_get_d(r, MPFR_RNDN) == 0 || fabs(mpfr_get_d(r, MPFR_RNDN)) <= ldexp(1, -198));
    ua_target_free(t);

    t = parse_ok("e", NULL, 0);
    assert_true(ua_target_eval(t, &x) == M_E);
    assert_true(ua_target_eval_ref(t, &x, 53) == M_E);
    ua_target_free(t);

    /* "0.1" is 1/10 in the reference, not the double 0.1 (which is 0.1000000000000000055...) */
    t = parse_ok("0.1", NULL, 0);
    ua_target_eval_mpfr(t, &x, y);
    mpfr_set_str(r, "0.1", 10, MPFR_RNDN);
    mpfr_sub(r, r, y, MPFR_RNDN);
    mpfr_div(r, r, y, MPFR_RNDN);
    assert_true(fabs(mpfr_get_d(r, MPFR_RNDN)) <= ldexp(1, -199));
    mpfr_set_d(r, 0.1, MPFR_RNDN);
    assert_true(mpfr_cmp(r, y) > 0); /* the double 0.1 is above 1/10 */
    ua_target_free(t);

    /* 0.1*3: the double evaluator gives 0.30000000000000004, the reference rounds to 0.3 */
    t = parse_ok("0.1*x", NULL, 0);
    x = 3;
    assert_true(ua_target_eval(t, &x) == 0.1 * 3);
    assert_true(ua_target_eval_ref(t, &x, 53) == 0.3);
    assert_true(ua_target_eval(t, &x) != 0.3);
    /* ua_target_fn1 is ua_target_eval */
    assert_true(ua_target_fn1(3.0, t) == ua_target_eval(t, &x));
    ua_target_free(t);
    mpfr_clears(y, r, (mpfr_ptr)0);
}

static void test_variables(void **state)
{
    (void)state;
    const char *const v2[] = { "x1", "x2" };
    ua_target *t = parse_ok("hypot(x1, x2)", v2, 2);
    assert_int_equal(ua_target_dim(t), 2);
    double p[2] = { 3, 4 };
    assert_true(ua_target_eval(t, p) == 5);
    assert_true(eval_mpfr_d(t, p, 200) == 5);
    ua_target_free(t);

    /* order of the input vector is the order of the names */
    t = parse_ok("x2 - x1 / 4", v2, 2);
    assert_true(ua_target_eval(t, p) == 3.25);
    assert_true(eval_mpfr_d(t, p, 64) == 3.25);
    ua_target_free(t);

    /* a user variable named e or pi shadows the constant */
    const char *const ve[] = { "e", "pi" };
    t = parse_ok("e*2 + pi", ve, 2);
    double q[2] = { 5, 0.5 };
    assert_true(ua_target_eval(t, q) == 10.5);
    assert_true(eval_mpfr_d(t, q, 100) == 10.5);
    ua_target_free(t);

    /* a variable may be named like a function: a call needs '(' */
    const char *const vs[] = { "sin" };
    t = parse_ok("sin + sin(0)", vs, 1);
    double s = 2;
    assert_true(ua_target_eval(t, &s) == 2);
    ua_target_free(t);

    /* vars == NULL means x; x is not known when other names are given */
    t = parse_ok("x*x", NULL, 0);
    double x = -1.5;
    assert_true(ua_target_eval(t, &x) == 2.25);
    ua_target_free(t);
}

/* ---------------------------------------------------------------- errors */

typedef struct {
    const char *spec;
    int nvars; /* 0: x; 2: x1, x2 */
    ua_status status;
    const char *must[3]; /* substrings of ua_last_error() */
} error_case;

static const error_case error_cases[] = {
    { "", 0, UA_EINVAL, { "empty expression" } },
    { " \t\n", 0, UA_EINVAL, { "empty expression" } },
    { "foo(x)", 0, UA_EPARSE, { "column 1:", "unknown function 'foo'" } },
    { "1 + foo(2)", 0, UA_EPARSE, { "column 5:", "unknown function 'foo'" } },
    { "y + 1", 0, UA_EPARSE, { "column 1:", "unknown variable 'y'", "(variables: x)" } },
    { "x1 + x3", 2, UA_EPARSE, { "column 6:", "unknown variable 'x3'", "(variables: x1, x2)" } },
    { "x", 2, UA_EPARSE, { "column 1:", "unknown variable 'x'" } },
    { "atan2(1)", 0, UA_EPARSE, { "column 1:", "'atan2' takes 2 arguments, got 1" } },
    { "2 + sin(1, 2)", 0, UA_EPARSE, { "column 5:", "'sin' takes 1 argument, got 2" } },
    { "exp()", 0, UA_EPARSE, { "column 1:", "'exp' takes 1 argument, got 0" } },
    { "2*(3+4", 0, UA_EPARSE, { "column 7: expected ')' to close '(' opened at column 3",
                                "end of expression" } },
    { "atan2(1 2)", 0, UA_EPARSE, { "column 9: expected ')' to close '(' opened at column 6",
                                    "number '2'" } },
    { "1 + ", 0, UA_EPARSE, { "column 5:", "unexpected end of expression" } },
    { "-", 0, UA_EPARSE, { "column 2:", "unexpected end of expression" } },
    { "2^", 0, UA_EPARSE, { "column 3:", "unexpected end of expression" } },
    { "1 2", 0, UA_EPARSE, { "column 3:", "expected an operator", "number '2'" } },
    { "2x", 0, UA_EPARSE, { "column 2:", "expected an operator", "name 'x'" } }, /* no implicit * */
    { "x y", 0, UA_EPARSE, { "column 3:", "expected an operator", "name 'y'" } },
    { "(1))", 0, UA_EPARSE, { "column 4:", "unmatched ')'" } },
    { "2 $ 3", 0, UA_EPARSE, { "column 3:", "unexpected character '$'" } },
    { "1e+", 0, UA_EPARSE, { "column 1:", "malformed number '1e+'" } },
    { "3 * 2e", 0, UA_EPARSE, { "column 5:", "malformed number '2e'" } },
    { "*2", 0, UA_EPARSE, { "column 1:", "expected a number, a variable, a function call or '('",
                            "found '*'" } },
    { "2 + ()", 0, UA_EPARSE, { "column 6:", "found ')'" } },
    { "sin x", 0, UA_EPARSE, { "column 1:", "'sin' is a function" } },
    { "min(1,)", 0, UA_EPARSE, { "column 7:", "found ')'" } },
    { "1,2", 0, UA_EPARSE, { "column 2:", "expected an operator", "','" } },
};

static void test_parse_errors(void **state)
{
    (void)state;
    const char *const v2[] = { "x1", "x2" };
    for (size_t i = 0; i < sizeof error_cases / sizeof error_cases[0]; i++) {
        const error_case *c = &error_cases[i];
        ua_target *t = (ua_target *)&t; /* must be overwritten with NULL */
        ua_status st = ua_target_parse(c->spec, c->nvars ? v2 : NULL, (size_t)c->nvars, &t);
        const char *msg = ua_last_error();
        int ok = st == c->status && t == NULL;
        for (int k = 0; k < 3 && c->must[k]; k++) ok = ok && strstr(msg, c->must[k]) != NULL;
        if (!ok) print_error("'%s': status %d, message \"%s\"\n", c->spec, (int)st, msg);
        assert_true(ok);
    }

    /* NULL spec and bad variable lists */
    ua_target *t = NULL;
    assert_int_equal(ua_target_parse(NULL, NULL, 0, &t), UA_EINVAL);
    assert_null(t);
    const char *const bad1[] = { "1x" };
    assert_int_equal(ua_target_parse("1", bad1, 1, &t), UA_EINVAL);
    const char *const bad2[] = { "a", "a" };
    assert_int_equal(ua_target_parse("a", bad2, 2, &t), UA_EINVAL);
    assert_non_null(strstr(ua_last_error(), "twice"));
    assert_int_equal(ua_target_parse("a", NULL, 2, &t), UA_EINVAL);
    assert_null(t);
}

static void test_limits(void **state)
{
    (void)state;
    ua_target *t = NULL;
    /* deep nesting is refused with a message, not a stack overflow */
    size_t n = 5000;
    char *s = malloc(2 * n + 2);
    assert_non_null(s);
    memset(s, '(', n);
    s[n] = '1';
    memset(s + n + 1, ')', n);
    s[2 * n + 1] = '\0';
    assert_int_equal(ua_target_parse(s, NULL, 0, &t), UA_EPARSE);
    assert_non_null(strstr(ua_last_error(), "nested too deeply"));
    assert_null(t);
    memset(s, '-', 2 * n + 1); /* 10001 unary minus signs, then "1" */
    s[2 * n] = '1';
    assert_int_equal(ua_target_parse(s, NULL, 0, &t), UA_EPARSE);
    assert_non_null(strstr(ua_last_error(), "nested too deeply"));
    free(s);

    /* 900 levels are fine and evaluate (a deep value stack in both evaluators) */
    n = 900;
    s = malloc(4 * n + 8);
    assert_non_null(s);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) { s[k++] = '1'; s[k++] = '+'; s[k++] = '('; }
    s[k++] = '1';
    for (size_t i = 0; i < n; i++) s[k++] = ')';
    s[k] = '\0';
    t = parse_ok(s, NULL, 0);
    double x = 0;
    assert_true(ua_target_eval(t, &x) == (double)(n + 1));
    assert_true(eval_mpfr_d(t, &x, 64) == (double)(n + 1));
    ua_target_free(t);
    free(s);

    /* a long flat expression is fine: 1+1+...+1 with 100000 terms */
    n = 100000;
    s = malloc(2 * n);
    assert_non_null(s);
    for (size_t i = 0; i < n; i++) { s[2 * i] = '1'; s[2 * i + 1] = '+'; }
    s[2 * n - 1] = '\0';
    t = parse_ok(s, NULL, 0);
    assert_true(ua_target_eval(t, &x) == (double)n);
    ua_target_free(t);
    free(s);

    /* inputs above 1 MiB are refused */
    n = (1u << 20) + 1;
    s = malloc(n + 1);
    assert_non_null(s);
    memset(s, ' ', n);
    s[0] = '1';
    s[n] = '\0';
    assert_int_equal(ua_target_parse(s, NULL, 0, &t), UA_EINVAL);
    assert_non_null(strstr(ua_last_error(), "too long"));
    free(s);

    ua_target_free(NULL); /* no-op */
}

/* ---------------------------------------------------------------- reference values */

/*
 * Tolerance of the double evaluator (glibc libm) in ulps of the reference, per function.
 * Sources: glibc's measured maxima for x86_64 double (sysdeps/x86_64/fpu/libm-test-ulps, the
 * table in the glibc manual "Known Maximum Errors in Math Functions"): exp, log, sin, cos, tan,
 * asin, acos, atan, atan2, log1p, expm1, pow, hypot 1; acosh, asinh, atanh, cosh, sinh, tanh,
 * log10, log2 2; cbrt 4; erfc 5; lgamma 4; tgamma 9; j0, j1, y0, y1 up to 4 away from zeros;
 * sqrt, fabs, fmin, fmax are exact (IEEE 754 correctly rounded).
 * Rows the CSV marks as near a zero of a Bessel function are held to an absolute bound instead
 * (see bessel_abs_tol): there glibc's j0/j1/y0/y1 (Hankel asymptotics / rational fits that
 * subtract two O(1) quantities) lose all relative accuracy — documented glibc behaviour, not
 * something this module can fix in double.
 */
typedef struct {
    const char *name;
    double ulps;
} tol_entry;

static const tol_entry dtol[] = {
    { "exp", 1 },    { "expm1", 1 },  { "log", 1 },    { "log1p", 1 },   { "log2", 2 },
    { "log10", 2 },  { "sqrt", 0 },   { "cbrt", 4 },   { "sin", 1 },     { "cos", 1 },
    { "tan", 1 },    { "asin", 1 },   { "acos", 1 },   { "atan", 1 },    { "sinh", 2 },
    { "cosh", 2 },   { "tanh", 2 },   { "asinh", 2 },  { "acosh", 2 },   { "atanh", 2 },
    { "erf", 1 },    { "erfc", 5 },   { "tgamma", 9 }, { "lgamma", 4 },  { "j0", 4 },
    { "j1", 4 },     { "y0", 4 },     { "y1", 4 },     { "abs", 0 },     { "sign", 0 },
    { "atan2", 1 },  { "min", 0 },    { "max", 0 },    { "pow", 1 },     { "hypot", 1 },
    /* expressions: a few roundings of correctly rounded-ish operations */
    { "expr", 4 },
    /* nfw-sigma: long-double closed forms / series (src/target/builtin.c) */
    { "nfw-sigma", 1 },
};

static double tol_for(const char *name)
{
    for (size_t i = 0; i < sizeof dtol / sizeof dtol[0]; i++)
        if (strcmp(dtol[i].name, name) == 0) return dtol[i].ulps;
    fail_msg("no tolerance for '%s'", name);
    return 0;
}

/* The arguments of the Bessel rows that sit on a zero of the function (first zeros of J0, J1,
 * Y0, Y1 rounded to double): the function value there is ~1e-17, and the double evaluator is
 * held to an absolute error of 2^-54 (~5.6e-17; glibc 2.36 is off by ~2e-17 there, i.e.
 * ~1e15 ulps) instead of a relative one. */
static int near_bessel_zero(const char *name, double x)
{
    return (strcmp(name, "j0") == 0 && x == 2.404825557695773) ||
           (strcmp(name, "j1") == 0 && x == 3.8317059702075125) ||
           (strcmp(name, "y0") == 0 && x == 0.8935769662791675) ||
           (strcmp(name, "y1") == 0 && x == 2.197141326031017);
}

static const double bessel_abs_tol = 0x1p-54;

/* Splits one CSV line into at most nf fields in place; handles "quoted, fields". */
static int split_csv(char *line, char **f, int nf)
{
    int n = 0;
    char *p = line;
    while (n < nf) {
        if (*p == '"') {
            f[n++] = ++p;
            while (*p && *p != '"') p++;
            if (*p == '"') *p++ = '\0';
        } else {
            f[n++] = p;
            while (*p && *p != ',' && *p != '\n' && *p != '\r') p++;
        }
        if (*p == ',') {
            *p++ = '\0';
        } else {
            *p = '\0';
            break;
        }
    }
    return n;
}

static void test_reference_values(void **state)
{
    (void)state;
    const char *path = UA_TEST_DIR "/ref/target_ref.csv";
    FILE *fh = fopen(path, "r");
    if (!fh) fail_msg("cannot open %s", path);
    char line[1024];
    assert_non_null(fgets(line, sizeof line, fh)); /* header */
    assert_non_null(strstr(line, "name,expr,x,y,ref"));
    const char *const vxy[] = { "x", "y" };
    mpfr_t ref, got, diff;
    mpfr_inits2(200, ref, got, diff, (mpfr_ptr)0);
    int rows = 0, dbl_exact = 0, failures = 0;
    double worst_mpfr_rel = 0;
    while (fgets(line, sizeof line, fh)) {
        char *f[5];
        if (split_csv(line, f, 5) != 5) fail_msg("bad CSV line: %s", line);
        const char *name = f[0], *expr = f[1];
        double xy[2] = { strtod(f[2], NULL), f[3][0] ? strtod(f[3], NULL) : 0 };
        int two = f[3][0] != '\0';
        ua_target *t = parse_ok(expr, two ? vxy : NULL, two ? 2 : 0);
        assert_int_equal(mpfr_set_str(ref, f[4], 10, MPFR_RNDN), 0);
        double ref_d = mpfr_get_d(ref, MPFR_RNDN);

        /* MPFR at 200 bits: agrees with the 45-digit mpmath value to its last digits, and
         * rounded to double it is the correctly rounded value. */
        ua_target_eval_mpfr(t, xy, got);
        mpfr_sub(diff, got, ref, MPFR_RNDN);
        if (!mpfr_zero_p(ref)) mpfr_div(diff, diff, ref, MPFR_RNDN);
        double rel = fabs(mpfr_get_d(diff, MPFR_RNDN));
        if (rel > worst_mpfr_rel) worst_mpfr_rel = rel;
        double m = mpfr_get_d(got, MPFR_RNDN);
        if (!(rel <= 1e-40) || m != ref_d) {
            print_error("MPFR %s at (%s, %s): rel err %.3g, %.17g vs %.17g\n", expr, f[2], f[3],
                        rel, m, ref_d);
            failures++;
        }
        /* ua_target_eval_ref at 53 bits: within 1 ulp (double rounding of the 85-bit value) */
        double r53 = ua_target_eval_ref(t, xy, 53);
        if (!(ulps(r53, ref_d) <= 1)) {
            print_error("eval_ref(53) %s at %s: %.17g vs %.17g\n", expr, f[2], r53, ref_d);
            failures++;
        }

        /* double evaluator: glibc's bound for the function */
        double d = ua_target_eval(t, xy);
        double e = ulps(d, ref_d);
        int ok;
        if (near_bessel_zero(name, xy[0])) ok = fabs(d - ref_d) <= bessel_abs_tol;
        else ok = e <= tol_for(name);
        if (!ok) {
            print_error("double %s at (%s, %s): %.17g vs %.17g (%.3g ulps, tolerance %g)\n", expr,
                        f[2], f[3], d, ref_d, e, tol_for(name));
            failures++;
        }
        if (getenv("UA_TEST_VERBOSE"))
            print_message("%-10s %-24s x=%-22s y=%-8s double %.3g ulps, abs err %.3g\n", name,
                          expr, f[2], f[3], e, fabs(d - ref_d));
        dbl_exact += e == 0;
        rows++;
        ua_target_free(t);
    }
    fclose(fh);
    mpfr_clears(ref, got, diff, (mpfr_ptr)0);
    print_message("%d reference rows; MPFR worst relative error %.3g; double exact on %d\n", rows,
                  worst_mpfr_rel, dbl_exact);
    assert_true(rows >= 150);
    assert_int_equal(failures, 0);
}

/* ---------------------------------------------------------------- built-ins */

static void test_builtins(void **state)
{
    (void)state;
    size_t n = ua_target_builtin_count();
    assert_true(n >= 1);
    int found = 0;
    for (size_t i = 0; i < n; i++) {
        assert_non_null(ua_target_builtin_name(i));
        assert_non_null(ua_target_builtin_doc(i));
        assert_true(strlen(ua_target_builtin_doc(i)) > 10);
        found += strcmp(ua_target_builtin_name(i), "nfw-sigma") == 0;
    }
    assert_int_equal(found, 1);
    assert_null(ua_target_builtin_name(n));

    ua_target *t = parse_ok(" nfw-sigma ", NULL, 0);
    assert_int_equal(ua_target_dim(t), 1);
    assert_string_equal(ua_target_spec(t), " nfw-sigma ");
    ua_target_free(t);
    const char *const v2[] = { "a", "b" };
    assert_int_equal(ua_target_parse("nfw-sigma", v2, 2, &t), UA_EINVAL);
    assert_null(t);
}

static void test_nfw_sigma(void **state)
{
    (void)state;
    ua_target *t = parse_ok("nfw-sigma", NULL, 0);

    /* exactly 2/3 at X = 1 in both evaluators */
    double one = 1;
    assert_true(ua_target_eval(t, &one) == 2.0 / 3.0);
    mpfr_t y, r;
    mpfr_inits2(300, y, r, (mpfr_ptr)0);
    ua_target_eval_mpfr(t, &one, y);
    mpfr_set_ui(r, 2, MPFR_RNDN);
    mpfr_div_ui(r, r, 3, MPFR_RNDN);
    assert_int_equal(mpfr_cmp(y, r), 0);

    /* X <= 0 and NaN give NaN */
    double bad[] = { 0.0, -1.0, NAN };
    for (int i = 0; i < 3; i++) {
        assert_true(isnan(ua_target_eval(t, &bad[i])));
        ua_target_eval_mpfr(t, &bad[i], y);
        assert_true(mpfr_nan_p(y));
    }

    /* continuity and monotony across X = 1: Sigma_hat decreases, with slope -4/5 at X = 1
     * (d/du of 2/3 - 2u/5 + ... is -2/5, du/dX = 2) */
    for (int k = 1; k <= 52; k++) {
        double xs[2] = { 1 - ldexp(1, -k), 1 + ldexp(1, -k) };
        double lo = ua_target_eval(t, &xs[0]), hi = ua_target_eval(t, &xs[1]);
        assert_true(lo >= 2.0 / 3.0 && hi <= 2.0 / 3.0);
        if (k >= 20) { /* f(1 -+ h) = 2/3 +- 4h/5 + O(h^2) */
            double h = ldexp(1, -k);
            assert_true(fabs(lo - 2.0 / 3.0 - 0.8 * h) <= 4 * h * h + 0x1p-53);
            assert_true(fabs(2.0 / 3.0 - hi - 0.8 * h) <= 4 * h * h + 0x1p-53);
        }
    }

    /* double vs MPFR: log-spaced over [1e-4, 1e4] and dense on both sides of 1 */
    double worst = 0, worst_x = 0;
    for (int i = 0; i <= 20000; i++) {
        double xs[3];
        xs[0] = pow(10, -4 + 8.0 * i / 20000);
        double h = pow(10, -16 + 15.7 * i / 20000); /* 1e-16 ... 0.5 */
        xs[1] = 1 + h;
        xs[2] = 1 - h;
        for (int j = 0; j < 3; j++) {
            double d = ua_target_eval(t, &xs[j]);
            double ref = ua_target_eval_ref(t, &xs[j], 113);
            double e = ulps(d, ref);
            if (e > worst) { worst = e; worst_x = xs[j]; }
        }
    }
    print_message("nfw-sigma double vs MPFR: worst %.3g ulps at X = %.17g\n", worst, worst_x);
    assert_true(worst <= 1);
    mpfr_clears(y, r, (mpfr_ptr)0);
    ua_target_free(t);
}

/* ---------------------------------------------------------------- threads */

static void test_concurrent_evaluation(void **state)
{
    (void)state;
    ua_target *t = parse_ok("lgamma(x) + erf(x)*j0(x) + 0.1^x + pi*e", NULL, 0);
    ua_target *nfw = parse_ok("nfw-sigma", NULL, 0);
    enum { N = 2000 };
    double *serial = malloc(4 * N * sizeof *serial), *par = malloc(4 * N * sizeof *par);
    assert_non_null(serial);
    assert_non_null(par);
    for (int i = 0; i < N; i++) {
        double x = -3.3 + 10.0 * i / N;
        serial[4 * i] = ua_target_eval(t, &x);
        serial[4 * i + 1] = ua_target_eval_ref(t, &x, 100);
        double X = 0.5 + 1.0 * i / N;
        serial[4 * i + 2] = ua_target_eval(nfw, &X);
        serial[4 * i + 3] = ua_target_eval_ref(nfw, &X, 80);
    }
#pragma omp parallel for schedule(dynamic, 16)
    for (int i = 0; i < N; i++) {
        double x = -3.3 + 10.0 * i / N;
        par[4 * i] = ua_target_eval(t, &x);
        par[4 * i + 1] = ua_target_eval_ref(t, &x, 100);
        double X = 0.5 + 1.0 * i / N;
        par[4 * i + 2] = ua_target_eval(nfw, &X);
        par[4 * i + 3] = ua_target_eval_ref(nfw, &X, 80);
    }
    for (int i = 0; i < 4 * N; i++)
        assert_true(memcmp(&serial[i], &par[i], sizeof(double)) == 0);
    free(serial);
    free(par);
    ua_target_free(t);
    ua_target_free(nfw);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_precedence_and_literals),
        cmocka_unit_test(test_constants_and_decimal_literals),
        cmocka_unit_test(test_variables),
        cmocka_unit_test(test_parse_errors),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_reference_values),
        cmocka_unit_test(test_builtins),
        cmocka_unit_test(test_nfw_sigma),
        cmocka_unit_test(test_concurrent_evaluation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
