/*
 * The sparse family: adaptive sparse grids on a box in any dimension, for formulas and the
 * user's own C functions. Its option table (named after Tasmanian's terms), the vtable's fit —
 * options to a construction (refine.c for the global Clenshaw-Curtis rule, localp.c for the local
 * rule), the tolerance the verdict checks — and the small vtable pieces (predict, describe,
 * natural points, dims). docs/sparse.md has the math and measured results.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model/family.h"
#include "internal.h"

#define TASM "Tasmanian (Stoyanov 2015)"

static const ua_option_spec sparse_options[] = {
    { "rule", UA_OPT_CHOICE, "clenshaw-curtis", 0, 0, 0, "clenshaw-curtis|localp",
      "the 1-D rule: clenshaw-curtis (global polynomials on nested Clenshaw-Curtis points, for "
      "smooth targets) or localp (piecewise linear / quadratic hierarchical basis on equispaced "
      "dyadic points, for kinks and jumps)", TASM " rules rule_clenshawcurtis, rule_localp" },
    { "order", UA_OPT_INT, NULL, 1, 2, 0, NULL,
      "localp basis order: 1 hats, 2 quadratic bubbles from level 2 on (unset: 1; not with "
      "clenshaw-curtis)", TASM " makeLocalPolynomialGrid order" },
    { "level", UA_OPT_INT, NULL, 0, 30, 0, NULL,
      "the starting Smolyak level: all blocks with |l|_1 <= level (unset: 1 for clenshaw-curtis, "
      "2 for localp); clenshaw-curtis goes up to 16",
      TASM " depth with type_level; Smolyak 1963" },
    { "refinement", UA_OPT_CHOICE, NULL, 0, 0, 0,
      "surplus|classic|parents_first|direction_selective|fds|none|anisotropic",
      "surplus: dimension-adaptive refinement of a global grid (Gerstner-Griebel); classic, "
      "parents_first, direction_selective, fds: local surplus refinement; none: the starting "
      "grid only; anisotropic: a global grid grown to the next anisotropic index set of weights "
      "estimated from the surpluses' decay per direction (unset: surplus for clenshaw-curtis, "
      "classic for localp)",
      TASM " setSurplusRefinement, setAnisotropicRefinement; Gerstner & Griebel 2003" },
    { "anisotropic-type", UA_OPT_CHOICE, NULL, 0, 0, 0, "iptotal|iphyperbolic",
      "refinement anisotropic: the index set, total degree sum_i w_i p_i <= L (iptotal: "
      "exponential decay of the coefficients) or hyperbolic cross prod_i (1 + p_i)^w_i <= L "
      "(iphyperbolic: algebraic decay) (unset: iptotal)",
      TASM " setAnisotropicRefinement type_iptotal, type_iphyperbolic" },
    { "min-growth", UA_OPT_INT, NULL, 1, 1e8, 0, NULL,
      "refinement anisotropic: new points per refinement step at least (unset: a quarter of "
      "the grid, at least 2d + 1)", TASM " setAnisotropicRefinement min_growth" },
    { "tol", UA_OPT_REAL, "1e-6", 1e-14, 1, 0, NULL,
      "refine until every surplus left is <= tol times max|f| over the grid; the verdict asks the "
      "same of the measured error relative to max|f|", TASM " setSurplusRefinement tolerance" },
    { "abs-tol", UA_OPT_REAL, NULL, 0, 1e300, 1, NULL,
      "absolute tolerance instead of --tol (unset: --tol)", NULL },
    { "max-evals", UA_OPT_INT, "50000", 1, 1e8, 0, NULL,
      "the budget of evaluations of the target; spent before the tolerance is met: not resolved, "
      "the best grid found is kept", NULL },
};
#define NOPTIONS (sizeof sparse_options / sizeof sparse_options[0])

static ua_status read_options(const ua_options *o, ua_sparse_options *so)
{
    memset(so, 0, sizeof *so);
    so->rule = ua_options_choice(o, "rule") == 1 ? UA_SPARSE_LOCALP : UA_SPARSE_CC;
    const int local = so->rule == UA_SPARSE_LOCALP;
    if (ua_options_get(o, "order") && !local)
        return UA_ERR(UA_EINVAL, "--order is for --rule localp (clenshaw-curtis grids are global "
                      "polynomials)");
    so->order = ua_options_get(o, "order") ? (int)ua_options_int(o, "order") : local ? 1 : 0;
    so->level = ua_options_get(o, "level") ? (int)ua_options_int(o, "level") : local ? 2 : 1;
    int ref = ua_options_get(o, "refinement") ? ua_options_choice(o, "refinement")
                                              : local ? UA_SREF_CLASSIC : UA_SREF_SURPLUS;
    so->refinement = (ua_sparse_refinement)ref;
    if ((ua_options_get(o, "anisotropic-type") || ua_options_get(o, "min-growth")) &&
        ref != UA_SREF_ANISOTROPIC)
        return UA_ERR(UA_EINVAL, "--anisotropic-type and --min-growth are for --refinement "
                      "anisotropic");
    so->aniso_type = ua_options_get(o, "anisotropic-type")
                         ? (ua_sparse_aniso_type)ua_options_choice(o, "anisotropic-type")
                         : UA_SANISO_IPTOTAL;
    so->min_growth = ua_options_get(o, "min-growth") ? (size_t)ua_options_int(o, "min-growth") : 0;
    if (local && ref == UA_SREF_ANISOTROPIC)
        return UA_ERR(UA_EINVAL, "--refinement anisotropic refines a global grid (Tasmanian's "
                      "setAnisotropicRefinement): use it with --rule clenshaw-curtis");
    if (!local && ref != UA_SREF_SURPLUS && ref != UA_SREF_NONE && ref != UA_SREF_ANISOTROPIC)
        return UA_ERR(UA_EINVAL, "--refinement %s is a local refinement: use it with --rule localp "
                      "(clenshaw-curtis takes surplus or none)", ua_options_get(o, "refinement"));
    if (local && ref == UA_SREF_SURPLUS)
        return UA_ERR(UA_EINVAL, "--refinement surplus is the dimension-adaptive refinement of "
                      "--rule clenshaw-curtis; localp takes classic, parents_first, "
                      "direction_selective, fds or none");
    int tol = ua_options_given(o, "tol"), abs = ua_options_get(o, "abs-tol") != NULL;
    if (tol && abs) return UA_ERR(UA_EINVAL, "--tol and --abs-tol exclude each other");
    so->abs = abs;
    so->tol = ua_options_real(o, abs ? "abs-tol" : "tol");
    so->max_evals = (size_t)ua_options_int(o, "max-evals");
    if (!local && so->level > UA_SPARSE_CC_MAX_LEVEL)
        return UA_ERR(UA_EINVAL, "--level %d: clenshaw-curtis goes up to level %d", so->level,
                      UA_SPARSE_CC_MAX_LEVEL);
    return UA_OK;
}

static ua_status set_number(ua_model *m, const char *key, double v)
{
    char buf[32];
    return ua_model_set_meta(m, key, ua_fmt_double(buf, v));
}

static ua_status sparse_fit(const ua_problem *p, const ua_options *o, const ua_fit_hooks *hooks,
                            ua_model *meta, void **state)
{
    (void)hooks;
    *state = NULL;
    ua_problem_kind kind = ua_problem_kind_of(p);
    if (kind != UA_PROBLEM_FORMULA && kind != UA_PROBLEM_FUNCTION)
        return UA_ERR(UA_EUNSUPPORTED, "the sparse family fits formulas and functions on a box");
    ua_sparse_options so;
    ua_status s = read_options(o, &so);
    if (s) return s;
    size_t d = ua_problem_dim(p);
    ua_sparse_target f = { .p = p };
    ua_sparse *g = NULL;
    s = so.rule == UA_SPARSE_CC
            ? ua_sparse_build_global(&f, d, ua_problem_lo(p), ua_problem_hi(p), &so, &g)
            : ua_sparse_build_local(&f, d, ua_problem_lo(p), ua_problem_hi(p), &so, &g);
    if (s != UA_OK && s != UA_ENOTRESOLVED) return s;
    char reason[512] = "";
    if (s == UA_ENOTRESOLVED) ua_last_error_message(reason, sizeof reason);
    /* The verdict's terms: the tolerance asked, plus the rounding of a sum of n terms
     * (16 ulps of the scale: the tolerances start at 1e-14). */
    const double rounding = 16.0 * 0x1p-52;
    ua_status r = set_number(meta, "tol_abs", so.abs ? so.tol : 0.0);
    if (!r) r = set_number(meta, "tol_scale", so.abs ? rounding : so.tol + rounding);
    if (!r) r = set_number(meta, "tol_rel", 0.0);
    if (!r && isfinite(g->estimated_err)) r = set_number(meta, "estimated_err", g->estimated_err);
    if (!r) r = set_number(meta, "evaluations", (double)g->evaluations);
    if (!r) r = set_number(meta, "points", (double)g->n);
    if (r) {
        ua_sparse_free(g);
        return r;
    }
    *state = g;
    if (s == UA_ENOTRESOLVED) return UA_ERR(UA_ENOTRESOLVED, "%s", reason);
    return UA_OK;
}

static void sparse_free(void *state) { ua_sparse_free(state); }

static ua_status sparse_predict(const void *state, const double *x, size_t n, double *y)
{
    return ua_sparse_predict(state, x, n, y);
}

static const char *const refinement_names[] = { "surplus", "classic", "parents_first",
                                                "direction_selective", "fds", "none", "anisotropic" };

static ua_status sparse_describe(const void *state, cJSON *obj)
{
    const ua_sparse *g = state;
    int ok = cJSON_AddStringToObject(obj, "rule", g->rule == UA_SPARSE_CC ? "clenshaw-curtis"
                                                                          : "localp") != NULL;
    if (g->rule == UA_SPARSE_LOCALP) ok = ok && cJSON_AddNumberToObject(obj, "order", g->order);
    ok = ok && cJSON_AddNumberToObject(obj, "inputs", (double)g->d);
    ok = ok && cJSON_AddNumberToObject(obj, "points", (double)g->n);
    ok = ok && cJSON_AddNumberToObject(obj, "evaluations", (double)g->evaluations);
    ok = ok && cJSON_AddNumberToObject(obj, "level", ua_sparse_level(g));
    if (g->rule == UA_SPARSE_CC) ok = ok && cJSON_AddNumberToObject(obj, "blocks", (double)g->nblocks);
    cJSON *ml = cJSON_AddArrayToObject(obj, "max_level");
    ok = ok && ml;
    for (size_t i = 0; ok && i < g->d; i++)
        ok = cJSON_AddItemToArray(ml, cJSON_CreateNumber(g->maxlevel[i]));
    if (ok && g->refinement >= 0 && g->refinement <= UA_SREF_ANISOTROPIC)
        ok = cJSON_AddStringToObject(obj, "refinement", refinement_names[g->refinement]) != NULL;
    if (ok && isfinite(g->estimated_err))
        ok = cJSON_AddNumberToObject(obj, "largest_surplus_left", g->estimated_err) != NULL;
    double q = ua_sparse_integral(g);
    if (ok && isfinite(q)) ok = cJSON_AddNumberToObject(obj, "integral", q) != NULL;
    return ok ? UA_OK : UA_ENOMEM_ERR(64);
}

static ua_status sparse_natural_points(const void *state, double **pts, size_t *n, int *log_grid)
{
    const ua_sparse *g = state;
    *log_grid = 0;
    *pts = malloc((g->n ? g->n : 1) * g->d * sizeof **pts);
    if (!*pts) return UA_ENOMEM_ERR(g->n * g->d * sizeof **pts);
    for (size_t p = 0; p < g->n; p++) ua_sparse_point_x(g, p, *pts + p * g->d);
    *n = g->n;
    return UA_OK;
}

static void sparse_dims(const void *state, size_t *din, size_t *dout)
{
    *din = ((const ua_sparse *)state)->d;
    *dout = 1;
}

const ua_family ua_family_sparse = {
    .name = "sparse",
    .summary = "adaptive sparse grids: global Clenshaw-Curtis polynomials or local hierarchical "
               "bases (Tasmanian's localp), dimension- or surplus-adaptive",
    .doc = "docs/sparse.md",
    .accepts = UA_ACCEPTS(UA_PROBLEM_FORMULA) | UA_ACCEPTS(UA_PROBLEM_FUNCTION),
    .min_dim = 1,
    .max_dim = 0,
    .options = sparse_options,
    .noptions = NOPTIONS,
    .fit = sparse_fit,
    .free = sparse_free,
    .predict = sparse_predict,
    .save = ua_sparse_save,
    .load = ua_sparse_load,
    .export_c = ua_sparse_export_c,
    .describe = sparse_describe,
    .natural_points = sparse_natural_points,
    .dims = sparse_dims,
    .gradient = ua_sparse_gradient,
    .bounds = &ua_sparse_bounds, /* proven bounds (bounds.c): Taylor models, clenshaw-curtis */
};
