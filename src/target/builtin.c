/*
 * Built-in targets, selected by name instead of an expression.
 *
 * nfw-sigma — the projected surface density of a Navarro-Frenk-White halo in units of
 * 2 rho_s r_s, as a function of X = R / r_s (the AutoKnots benchmark, arXiv 2412.13423),
 * with u = X^2 - 1:
 *   X > 1:  Sigma_hat = 2/u [1 - arctan(sqrt(u)) / sqrt(u)]
 *   X < 1:  Sigma_hat = 2/u [1 - 2 artanh(sqrt((1-X)/(1+X))) / sqrt(-u)]
 *   X = 1:  Sigma_hat = 2/3
 * Both closed forms cancel catastrophically near X = 1, where they equal the series
 *   Sigma_hat = 2 sum_{k>=0} (-u)^k / (2k+3)
 * (expand arctan(s)/s = sum (-s^2)^k/(2k+1), resp. artanh(w)/w = sum w^(2k)/(2k+1) with
 * w^2 = -u; the identity 2 artanh(sqrt((1-X)/(1+X))) = artanh(sqrt(1-X^2)) = acosh(1/X)
 * = log1p(w) - log(X) turns the X < 1 form into one that stays accurate as X -> 0).
 */
#include <math.h>
#include <string.h>

#include "internal.h"

/* Series band |u| <= 1/8: there the closed forms lose up to log2(3/|u|) bits, and 24 terms
 * of the series leave a truncation error below (1/8)^24 / 51 ~ 2^-77 relative. Outside it the
 * closed forms lose at most log2(24) < 5 bits, which the 11 extra bits of x87 long double
 * absorb (on targets where long double is double, expect up to ~10 ulp near |u| = 1/8). */
#define NFW_SERIES_U 0.125L
#define NFW_SERIES_TERMS 24

double ua_nfw_sigma(double X)
{
    if (!(X > 0)) return NAN; /* X <= 0 and NaN */
    long double x = X;
    long double u = (x - 1) * (x + 1); /* X-1 and X+1 are exact here, so u has one rounding */
    if (fabsl(u) <= NFW_SERIES_U) {
        long double v = -u, s = 0;
        for (int k = NFW_SERIES_TERMS - 1; k >= 0; k--) s = s * v + 1.0L / (2 * k + 3);
        return (double)(2 * s);
    }
    if (u > 0) {
        long double s = sqrtl(u);
        return (double)(2 / u * (1 - atanl(s) / s)); /* X = Inf gives 0 */
    }
    long double w = sqrtl(-u);
    return (double)(2 / u * (1 - (log1pl(w) - logl(x)) / w));
}

/* Guard bits: the closed forms cancel by up to log2(3/|u|) bits and |u| >= 2^-53 for a double
 * X != 1, so 128 extra bits leave more than 64 bits beyond the output precision. */
#define NFW_GUARD_BITS 128

void ua_nfw_sigma_mpfr(mpfr_t y, double X)
{
    const mpfr_rnd_t N = MPFR_RNDN;
    if (!(X > 0)) {
        mpfr_set_nan(y);
        return;
    }
    if (X == 1) { /* exactly 2/3, rounded once */
        mpfr_set_ui(y, 2, N);
        mpfr_div_ui(y, y, 3, N);
        return;
    }
    mpfr_prec_t wp = mpfr_get_prec(y) + NFW_GUARD_BITS;
    mpfr_t u, s, t;
    mpfr_inits2(wp, u, s, t, (mpfr_ptr)0);
    mpfr_set_d(u, X, N);
    mpfr_sqr(u, u, N); /* exact: 106 bits at most */
    mpfr_sub_ui(u, u, 1, N);
    if (X > 1) {
        mpfr_sqrt(s, u, N);
        mpfr_atan(t, s, N);
        mpfr_div(t, t, s, N); /* X = Inf: pi/2 / Inf = 0 */
    } else {
        mpfr_neg(s, u, N);
        mpfr_sqrt(s, s, N); /* w = sqrt(1 - X^2) */
        mpfr_log1p(t, s, N);
        mpfr_t lx;
        mpfr_init2(lx, wp);
        mpfr_set_d(lx, X, N);
        mpfr_log(lx, lx, N);
        mpfr_sub(t, t, lx, N); /* acosh(1/X) = 2 artanh(sqrt((1-X)/(1+X))) */
        mpfr_clear(lx);
        mpfr_div(t, t, s, N);
    }
    mpfr_ui_sub(t, 1, t, N);
    mpfr_ui_div(s, 2, u, N);
    mpfr_mul(y, s, t, N);
    mpfr_clears(u, s, t, (mpfr_ptr)0);
}

static const ua_builtin builtins[] = {
    { "nfw-sigma",
      "NFW projected surface density Sigma_hat(X), X = R/r_s > 0 (AutoKnots benchmark, "
      "arXiv 2412.13423); NaN for X <= 0",
      ua_nfw_sigma, ua_nfw_sigma_mpfr },
};

#define NBUILTIN (sizeof builtins / sizeof builtins[0])

const ua_builtin *ua_builtin_lookup(const char *name)
{
    const char *b = name;
    while (*b == ' ' || *b == '\t' || *b == '\n' || *b == '\r') b++;
    size_t n = strlen(b);
    while (n && (b[n - 1] == ' ' || b[n - 1] == '\t' || b[n - 1] == '\n' || b[n - 1] == '\r')) n--;
    for (size_t i = 0; i < NBUILTIN; i++)
        if (strlen(builtins[i].name) == n && memcmp(builtins[i].name, b, n) == 0)
            return &builtins[i];
    return NULL;
}

size_t ua_target_builtin_count(void) { return NBUILTIN; }

const char *ua_target_builtin_name(size_t i) { return i < NBUILTIN ? builtins[i].name : NULL; }

const char *ua_target_builtin_doc(size_t i) { return i < NBUILTIN ? builtins[i].doc : NULL; }
