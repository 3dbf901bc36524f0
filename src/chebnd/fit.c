/*
 * The chebnd family's option table and its vtable fit: reads the options, runs the d = 2 or
 * d = 3 construction, and records the tolerance the verdict checks (docs/chebnd.md, "Options
 * and the verdict").
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/internal.h"
#include "internal.h"

#define C2 "Chebfun2; Townsend & Trefethen 2013"

const ua_option_spec ua_chebnd_option_spec[] = {
    { "tol", UA_OPT_REAL, "2.220446049250313e-16", 0, 1, 1, NULL,
      "tolerance relative to the function's scale max|f| (Chebfun's eps by default); the verdict "
      "adds the model's rounding allowance (docs/chebnd.md)", C2 },
    { "abs-tol", UA_OPT_REAL, NULL, 0, 1e300, 1, NULL,
      "absolute tolerance instead of --tol (unset: --tol)", C2 },
    { "max-rank", UA_OPT_INT, NULL, 1, 1024, 0, NULL,
      "most pivots per variable (unset: 256 for d = 2, 32 for d = 3); the grid of phase 1 has at "
      "least 4 points per pivot", C2 },
    { "max-length", UA_OPT_INT, "65537", 17, 1048577, 0, NULL,
      "most Chebyshev coefficients per factor column", "Chebfun (maxLength)" },
    { "max-evals", UA_OPT_INT, NULL, 1, 1e15, 0, NULL,
      "most calls of f (unset: no limit); beyond it the best model so far, not resolved", NULL },
};

_Static_assert(sizeof ua_chebnd_option_spec / sizeof ua_chebnd_option_spec[0] ==
                   UA_CHEBND_NOPTIONS,
               "UA_CHEBND_NOPTIONS must count the table");

double ua_chebnd_allowance(const ua_chebnd *m, double floor)
{
    const double u = 0x1p-52;
    /* Clenshaw on each factor column and the contraction: a few u of sum |core| prod sum |c| */
    double a = 16.0 * u * ua_chebnd_abs_bound(m, NULL, 0);
    /* the elimination stops at the floor on the grid (which holds the rounding of the sample
     * points, Chebfun2's GetTol); between the grid points the residual is interpolated (a
     * Lebesgue constant per variable) */
    return a + 4.0 * floor;
}

static ua_status set_number(ua_model *m, const char *key, double v)
{
    char buf[32];
    return ua_model_set_meta(m, key, ua_fmt_double(buf, v));
}

ua_status ua_chebnd_family_fit(const ua_problem *p, const ua_options *o, const ua_fit_hooks *hooks,
                               ua_model *meta, void **state)
{
    (void)hooks;
    *state = NULL;
    ua_problem_kind kind = ua_problem_kind_of(p);
    size_t d = ua_problem_dim(p);
    if ((kind != UA_PROBLEM_FORMULA && kind != UA_PROBLEM_FUNCTION) || d < 2 || d > 3)
        return UA_ERR(UA_EUNSUPPORTED, "the chebnd family fits 2-D and 3-D formulas and functions");
    int tol_given = ua_options_given(o, "tol"), abs = ua_options_get(o, "abs-tol") != NULL;
    if (tol_given && abs) return UA_ERR(UA_EINVAL, "--tol and --abs-tol exclude each other");
    ua_chebnd_opts co = {0};
    co.abs = abs;
    co.tol = ua_options_real(o, abs ? "abs-tol" : "tol");
    if (!abs && co.tol < 0x1p-52)
        return UA_ERR(UA_EINVAL, "--tol %g is below double precision relative to max|f| (2^-52 = "
                      "2.2e-16): it cannot be met (the default is 2^-52)", co.tol);
    co.max_rank = ua_options_get(o, "max-rank") ? (size_t)ua_options_int(o, "max-rank")
                                                : (d == 2 ? 256 : 32);
    co.max_length = (size_t)ua_options_int(o, "max-length");
    co.max_grid = d == 2 ? 1025 : 129;
    ua_chebnd_fn fn = {0};
    fn.p = p;
    fn.d = d;
    fn.budget = ua_options_get(o, "max-evals") ? (size_t)ua_options_int(o, "max-evals") : SIZE_MAX;
    for (size_t i = 0; i < d; i++) {
        fn.lo[i] = ua_problem_lo(p)[i];
        fn.hi[i] = ua_problem_hi(p)[i];
    }
    ua_chebnd *m = NULL;
    ua_chebnd_report rep;
    ua_status fs = d == 2 ? ua_chebnd_build2(&fn, &co, &m, &rep) : ua_chebnd_build3(&fn, &co, &m, &rep);
    if (fs != UA_OK && fs != UA_ENOTRESOLVED) return fs;
    /* The elimination divides by pivots of the size of f: the 2-D core holds 1 / |f|, the 3-D
     * core about 1 / |f|^2 (three factor inverses times the values). Beyond these ranges it
     * overflows or loses its bits, and the model could not be saved and read back. */
    const int range = d == 2 ? 960 : 300;
    if (rep.vscale > 0 && (rep.vscale < ldexp(1.0, -range) || rep.vscale > ldexp(1.0, range))) {
        ua_chebnd_free(m);
        return UA_ERR(UA_EDOMAIN, "chebnd: the values reach |f| = %g, outside 2^-%d .. 2^%d "
                      "where the elimination's pivots and their reciprocals stay finite in %zu-D: "
                      "scale the target (fit f * 2^k and divide)", rep.vscale, range, range, d);
    }
    /* The verdict's tolerance: the one asked for plus the model's rounding allowance (the
     * elimination's floor, Clenshaw's rounding, the rounding of the sample points). */
    double allow = ua_chebnd_allowance(m, rep.floor);
    ua_status s = set_number(meta, "tol_abs", (co.abs ? co.tol : 0.0) + allow);
    if (!s) s = set_number(meta, "tol_scale", co.abs ? 0.0 : co.tol);
    if (!s) s = set_number(meta, "tol_rel", 0.0);
    if (!s && rep.sample_n) s = set_number(meta, "estimated_err", rep.sample_err);
    if (s) {
        ua_chebnd_free(m);
        return s;
    }
    *state = m;
    if (fs == UA_ENOTRESOLVED)
        return UA_ERR(UA_ENOTRESOLVED, "chebnd: %s (%zu evaluations)", rep.reason, fn.evals);
    return UA_OK;
}
