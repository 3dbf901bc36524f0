/*
 * The minimax family behind the engine's vtable (src/model/family.h): its option table, and fit
 * on a 1-D FORMULA problem (the Remez exchange works in MPFR on the target itself, so a FUNCTION
 * problem is refused by accepts), recording the tolerance the verdict will check
 * (docs/minimax.md, "Options and the verdict").
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "internal.h"

#define REMEZ "Remez 1934; Cheney, Introduction to Approximation Theory, ch. 3"
#define FPMINIMAX "Sollya fpminimax; Brisebarre & Chevillard, ARITH 18 (2007)"

const ua_option_spec ua_minimax_option_spec[] = {
    { "degree", UA_OPT_STRING, "8", 0, 0, 0, NULL,
      "polynomial degree 0..250 (the limit at 192 bits), or auto: the least degree whose "
      "stored model meets --tol, by measurement (like Sollya's guessdegree)", REMEZ },
    { "max-degree", UA_OPT_INT, "128", 0, 1000, 0, NULL,
      "with --degree auto: the largest degree tried (at most 250 at the default --work-prec; "
      "the ladder 0, 1, 2, 4, ... stops there)", "Sollya guessdegree's bound" },
    { "rational", UA_OPT_STRING, NULL, 0, 0, 0, NULL,
      "best rational M/N: numerator degree M, denominator degree N, M + N <= 250 at 192 bits "
      "(unset: a polynomial; excludes --degree)", "Remez; Boost.Math minimax; Chebfun remez" },
    { "error", UA_OPT_CHOICE, "abs", 0, 0, 0, "abs|rel|weighted",
      "error measure: absolute, relative (f must not vanish), or weighted (needs --weight)",
      REMEZ },
    { "weight", UA_OPT_STRING, NULL, 0, 0, 0, NULL,
      "minimise max |w(x) (p(x) - f(x))| with w = EXPR > 0 on the domain (unset: none; implies "
      "--error weighted)", REMEZ },
    { "tol", UA_OPT_REAL, NULL, 0, 1e300, 1, NULL,
      "with --degree auto: the error to meet, in the --error measure (unset: needed by auto "
      "only)", "Sollya guessdegree" },
    { "coeffs", UA_OPT_CHOICE, "real", 0, 0, 0, "real|double|float",
      "coefficients: real (rounded once to double), or rounded to double / float and "
      "re-optimised", FPMINIMAX },
    { "scheme", UA_OPT_CHOICE, "horner", 0, 0, 0, "horner|estrin",
      "evaluation scheme of eval and export", NULL },
    { "var", UA_OPT_CHOICE, "auto", 0, 0, 0, "auto|x|unit",
      "monomials in x, or in t = (x - mid) * 2 / (b - a); auto picks x when that form is well "
      "conditioned", NULL },
    { "max-iter", UA_OPT_INT, "60", 1, 100000, 0, NULL, "most Remez iterations", REMEZ },
    { "work-prec", UA_OPT_INT, "192", 64, 100000, 0, NULL,
      "MPFR working precision of the solver, in bits", "MPFR" },
    { "basis", UA_OPT_CHOICE, "auto", 0, 0, 0, "auto|monomial|chebyshev",
      "stored basis: monomials (Horner / Estrin), or the Chebyshev series (Clenshaw, stable at "
      "any degree); auto: monomials when they reproduce the best approximation in double",
      "Clenshaw 1955; Trefethen, ATAP ch. 3" },
    { "parity", UA_OPT_CHOICE, NULL, 0, 0, 0, "odd|even",
      "only the odd (x, x^3, ...) or even (1, x^2, ...) monomials up to --degree, for a target "
      "of that parity on [-b, b] (unset: all)", "Sollya remez monomial list" },
    { "monomials", UA_OPT_STRING, NULL, 0, 0, 0, NULL,
      "the exponents to use, e.g. 1,3,5 or [|1,3,5|] (unset: 0..degree; excludes --degree "
      "and --parity)", "Sollya remez monomial list" },
};

_Static_assert(sizeof ua_minimax_option_spec / sizeof ua_minimax_option_spec[0] ==
                   UA_MINIMAX_NOPTIONS,
               "UA_MINIMAX_NOPTIONS must count the table");

/* A whole decimal number 0..1000 into *v; -1 when s is not one. */
static int parse_degree(const char *s, int *v)
{
    if (!*s || strlen(s) > 4) return -1;
    int d = 0;
    for (const char *c = s; *c; c++) {
        if (*c < '0' || *c > '9') return -1;
        d = 10 * d + (*c - '0');
    }
    if (d > 1000) return -1;
    *v = d;
    return 0;
}

/* A monomial list "1,3,5" or Sollya's "[|1,3,5|]" into expo (room for cap), *n set. -1 when
 * malformed. */
static int parse_monomials(const char *s, int *expo, size_t cap, size_t *n)
{
    char buf[512];
    size_t len = strlen(s);
    if (len >= sizeof buf) return -1;
    if (len >= 4 && !strncmp(s, "[|", 2) && !strcmp(s + len - 2, "|]")) {
        memcpy(buf, s + 2, len - 4);
        buf[len - 4] = '\0';
    } else snprintf(buf, sizeof buf, "%s", s);
    *n = 0;
    char *save = NULL;
    for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        while (*tok == ' ') tok++;
        size_t tl = strlen(tok);
        while (tl && tok[tl - 1] == ' ') tok[--tl] = '\0';
        int v;
        if (*n >= cap || parse_degree(tok, &v)) return -1;
        expo[(*n)++] = v;
    }
    return *n ? 0 : -1;
}

/* The option values as ua_minimax_options (weight left NULL: the caller parses it), with the
 * exclusions the table cannot express. *auto_degree: --degree auto. */
static ua_status read_options(const ua_options *o, ua_minimax_options *mo, int *auto_degree,
                              int *expo, size_t cap)
{
    ua_minimax_options_default(mo);
    *auto_degree = 0;
    int given_degree = ua_options_given(o, "degree");
    const char *degree = ua_options_get(o, "degree"), *rational = ua_options_get(o, "rational");
    if (given_degree && rational)
        return UA_ERR(UA_EINVAL, "--degree and --rational exclude each other");
    if (rational) {
        char m[8], n[8];
        const char *slash = strchr(rational, '/');
        size_t lm = slash ? (size_t)(slash - rational) : 0;
        if (!slash || lm >= sizeof m || strlen(slash + 1) >= sizeof n)
            return UA_ERR(UA_EINVAL, "--rational '%s': expected M/N (degrees 0..1000)", rational);
        memcpy(m, rational, lm);
        m[lm] = '\0';
        snprintf(n, sizeof n, "%s", slash + 1);
        if (parse_degree(m, &mo->degree) || parse_degree(n, &mo->den_degree))
            return UA_ERR(UA_EINVAL, "--rational '%s': expected M/N (degrees 0..1000)", rational);
    } else if (!strcmp(degree, "auto")) {
        mo->degree = UA_MINIMAX_DEGREE_AUTO;
        *auto_degree = 1;
    } else if (parse_degree(degree, &mo->degree)) {
        return UA_ERR(UA_EINVAL, "--degree '%s': expected a degree 0..1000 or auto", degree);
    }
    static const ua_minimax_error errs[] = { UA_MINIMAX_ABS, UA_MINIMAX_REL,
                                             UA_MINIMAX_WEIGHTED };
    int e = ua_options_choice(o, "error");
    mo->error = errs[e < 0 ? 0 : e];
    if (ua_options_get(o, "weight")) {
        if (ua_options_given(o, "error") && mo->error != UA_MINIMAX_WEIGHTED)
            return UA_ERR(UA_EINVAL, "--weight needs --error weighted (or no --error)");
        mo->error = UA_MINIMAX_WEIGHTED;
    } else if (mo->error == UA_MINIMAX_WEIGHTED) {
        return UA_ERR(UA_EINVAL, "--error weighted needs --weight EXPR");
    }
    int tol = ua_options_get(o, "tol") != NULL;
    if (*auto_degree && !tol) return UA_ERR(UA_EINVAL, "--degree auto needs --tol T");
    if (tol && !*auto_degree) return UA_ERR(UA_EINVAL, "--tol is for --degree auto");
    if (tol) mo->tol = ua_options_real(o, "tol");
    if (ua_options_given(o, "max-degree") && !*auto_degree)
        return UA_ERR(UA_EINVAL, "--max-degree is for --degree auto");
    mo->max_degree = (int)ua_options_int(o, "max-degree");
    static const ua_minimax_coeffs cfs[] = { UA_MINIMAX_REAL, UA_MINIMAX_DOUBLE, UA_MINIMAX_FLOAT };
    int c = ua_options_choice(o, "coeffs");
    mo->coeffs = cfs[c < 0 ? 0 : c];
    mo->scheme = ua_options_choice(o, "scheme") == 1 ? UA_MINIMAX_ESTRIN : UA_MINIMAX_HORNER;
    static const ua_minimax_var vars[] = { UA_MINIMAX_VAR_AUTO, UA_MINIMAX_VAR_X,
                                           UA_MINIMAX_VAR_UNIT };
    int v = ua_options_choice(o, "var");
    mo->var = vars[v < 0 ? 0 : v];
    static const ua_minimax_basis bases[] = { UA_MINIMAX_BASIS_AUTO, UA_MINIMAX_BASIS_MONOMIAL,
                                              UA_MINIMAX_BASIS_CHEBYSHEV };
    int bi = ua_options_choice(o, "basis");
    mo->basis = bases[bi < 0 ? 0 : bi];
    if (ua_options_get(o, "parity"))
        mo->parity = ua_options_choice(o, "parity") == 1 ? UA_MINIMAX_PARITY_EVEN
                                                         : UA_MINIMAX_PARITY_ODD;
    const char *mono = ua_options_get(o, "monomials");
    if (mono) {
        if (parse_monomials(mono, expo, cap, &mo->nmonomials))
            return UA_ERR(UA_EINVAL, "--monomials '%s': expected exponents 0..1000 separated by "
                          "commas, e.g. 1,3,5 or [|1,3,5|]", mono);
        if (given_degree || rational || ua_options_get(o, "parity"))
            return UA_ERR(UA_EINVAL, "--monomials excludes --degree, --rational and --parity "
                          "(the largest exponent is the degree)");
        mo->monomials = expo;
        mo->degree = expo[mo->nmonomials - 1];
    }
    if (ua_options_get(o, "parity") && rational)
        return UA_ERR(UA_EINVAL, "--parity is for polynomials, not --rational");
    mo->max_iter = (size_t)ua_options_int(o, "max-iter");
    mo->prec = (long)ua_options_int(o, "work-prec");
    return UA_OK;
}

static ua_status set_number(ua_model *m, const char *key, double v)
{
    char buf[32];
    return ua_model_set_meta(m, key, ua_fmt_double(buf, v));
}

/*
 * The verdict's tolerance (docs/minimax.md). base: --tol with --degree auto; else the levelled
 * error |E| of the equioscillation (real coefficients) or the rounded coefficients' own error
 * (double / float), times 1 + 2^-20 (converged means max |e| <= |E| / (1 - eq_tol), eq_tol
 * 1e-9). Rounding: twice what double evaluation added on the solver's own points, r =
 * measured_error - that (the noise seen at 100000 points is larger than on the solver's grid),
 * but at most ref, plus 16 ulps of the scale: the constructor's own limit (measured_error <=
 * 2 coeff_error + 16 eps max|f|, else "ill-conditioned", not resolved), so that the verdict agrees
 * with it. A missed extremum is not in that margin: the measurement catches it. The weighted
 * measure has no such form: no tolerance.
 */
static ua_status record(ua_model *meta, const ua_minimax *p, int auto_degree, double tol)
{
    ua_minimax_info in;
    ua_minimax_get_info(p, &in);
    ua_status s = set_number(meta, "estimated_err", in.levelled_error);
    if (s || in.error == UA_MINIMAX_WEIGHTED) return s;
    /* what the stored polynomial was built to reach, before evaluation in double */
    double ref = in.coeffs == UA_MINIMAX_REAL ? in.levelled_error : in.coeff_error;
    double base = auto_degree ? tol : ref * (1.0 + 0x1p-20);
    double rounding = fmin(2.0 * fmax(0.0, in.measured_error - ref), ref);
    if (!isfinite(rounding)) rounding = 0.0;
    int rel = in.error == UA_MINIMAX_REL;
    s = set_number(meta, rel ? "tol_rel" : "tol_abs", base + rounding);
    if (!s) s = set_number(meta, rel ? "tol_abs" : "tol_rel", 0.0);
    if (!s) s = set_number(meta, "tol_scale", 16.0 * 0x1p-52);
    return s;
}

ua_status ua_minimax_family_fit(const ua_problem *p, const ua_options *o,
                                const ua_fit_hooks *hooks, ua_model *meta, void **state)
{
    (void)hooks;
    *state = NULL;
    if (ua_problem_kind_of(p) != UA_PROBLEM_FORMULA || ua_problem_dim(p) != 1)
        return UA_ERR(UA_EUNSUPPORTED, "the minimax family fits 1-D formulas (its Remez "
                      "exchange evaluates the target in MPFR); for a function use cheb");
    ua_minimax_options mo;
    int auto_degree;
    int expo[128];
    ua_status s = read_options(o, &mo, &auto_degree, expo, sizeof expo / sizeof expo[0]);
    if (s) return s;
    const ua_target *t = ua_problem_target(p);
    ua_target *w = NULL;
    const char *weight = ua_options_get(o, "weight");
    if (weight) {
        const char *var = ua_target_var(t, 0);
        if ((s = ua_target_parse(weight, &var, 1, &w))) return s;
        mo.weight = w;
    }
    ua_minimax *mm = NULL;
    ua_status fs = ua_minimax_fit(t, ua_problem_lo(p)[0], ua_problem_hi(p)[0], &mo, &mm);
    ua_target_free(w);
    if (fs != UA_OK && fs != UA_ENOTRESOLVED) {
        ua_minimax_free(mm);
        return fs;
    }
    char reason[1024] = ""; /* the not-resolved message must outlive the metadata calls */
    if (fs == UA_ENOTRESOLVED) ua_last_error_message(reason, sizeof reason);
    /* Remez evaluates the target in MPFR itself (at --work-prec), whatever the problem's
     * --sample-prec: the report must not say "double" */
    char how[96];
    snprintf(how, sizeof how, "MPFR %ld bits (the minimax family evaluates the formula in MPFR "
             "itself)", mo.prec);
    if ((s = record(meta, mm, auto_degree, mo.tol)) ||
        (s = ua_model_set_meta(meta, "sampling", how))) {
        ua_minimax_free(mm);
        return s;
    }
    *state = mm;
    if (fs == UA_ENOTRESOLVED) return UA_ERR(UA_ENOTRESOLVED, "%s", reason);
    return UA_OK;
}
