/*
 * The `minimax` family vtable: predict, save / load through the safetensors container, C export
 * (Horner or Estrin, fma where the target has a fast one) and description (src/model/family.h).
 *
 * Tensors: "num" F64 (m + 1,) coefficients in t (of t^k, or of T_k(t) with the Chebyshev basis);
 * "den" F64 (n + 1,) for a rational;
 * "variable" F64 (2,) = [shift, scale] (t = (x - shift) * scale); "alternation" F64 (k,) when
 * there are alternation points.
 * Metadata (strings): "minimax_error" abs|rel|weighted, "minimax_coeffs" real|double|float,
 * "minimax_scheme" horner|estrin, "minimax_var" x|unit, "minimax_basis" monomial|chebyshev
 * (absent in older files: monomial), "minimax_converged" 0|1,
 * "minimax_resolved" 0|1 (the fit returned UA_OK; absent in older files: = converged),
 * "minimax_iterations", and the numbers "minimax_levelled_error", "minimax_real_error",
 * "minimax_coeff_error", "minimax_measured_error", "minimax_float_error", "minimax_cond"
 * (written with 17 significant digits, so they read back bitwise).
 */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "model/family.h"
#include "internal.h"

static const char *const error_names[] = {"abs", "rel", "weighted"};
static const char *const coeff_names[] = {"real", "double", "float"};
static const char *const scheme_names[] = {"horner", "estrin"};
static const char *const basis_names[] = {"auto", "monomial", "chebyshev"};

static void mm_family_free(void *state) { ua_minimax_free(state); }

static ua_status mm_predict(const void *state, const double *x, size_t n, double *y)
{
    if (n && (!x || !y)) return UA_ERR(UA_EINVAL, "minimax predict: NULL arrays");
    for (size_t i = 0; i < n; i++) y[i] = ua_minimax_eval(state, x[i]);
    return UA_OK;
}

static ua_status set_num(ua_st *st, const char *key, double v)
{
    char buf[32];
    return ua_st_set_meta(st, key, ua_fmt_double(buf, v));
}

static ua_status mm_save(const void *state, ua_st *st)
{
    const ua_minimax *p = state;
    int64_t sn = (int64_t)p->nnum, sd = (int64_t)p->nden, sa = (int64_t)p->nalt, s2 = 2;
    double var[2] = {p->shift, p->scale};
    char buf[32];
    ua_status s = ua_st_add(st, "num", UA_F64, 1, &sn, p->num);
    if (!s && p->nden) s = ua_st_add(st, "den", UA_F64, 1, &sd, p->den);
    if (!s && p->nalt) s = ua_st_add(st, "alternation", UA_F64, 1, &sa, p->alt);
    if (!s) s = ua_st_add(st, "variable", UA_F64, 1, &s2, var);
    if (!s) s = ua_st_set_meta(st, "minimax_error", error_names[p->error]);
    if (!s) s = ua_st_set_meta(st, "minimax_coeffs", coeff_names[p->coeffs]);
    if (!s) s = ua_st_set_meta(st, "minimax_scheme", scheme_names[p->scheme]);
    if (!s) s = ua_st_set_meta(st, "minimax_var", p->var == UA_MINIMAX_VAR_UNIT ? "unit" : "x");
    if (!s) s = ua_st_set_meta(st, "minimax_basis", basis_names[p->basis]);
    if (!s) s = ua_st_set_meta(st, "minimax_converged", p->converged ? "1" : "0");
    if (!s) s = ua_st_set_meta(st, "minimax_resolved", p->resolved ? "1" : "0");
    snprintf(buf, sizeof buf, "%zu", p->iterations);
    if (!s) s = ua_st_set_meta(st, "minimax_iterations", buf);
    if (!s) s = set_num(st, "minimax_levelled_error", p->levelled);
    if (!s) s = set_num(st, "minimax_real_error", p->real_err);
    if (!s) s = set_num(st, "minimax_coeff_error", p->coeff_err);
    if (!s) s = set_num(st, "minimax_measured_error", p->measured_err);
    if (!s) s = set_num(st, "minimax_float_error", p->float_err);
    if (!s) s = set_num(st, "minimax_cond", p->cond);
    return s;
}

/* A 1-D F64 tensor (optional: *n = 0 when absent and !required). */
static ua_status get_f64(const ua_st *st, const char *name, int required, size_t *n,
                         const double **data)
{
    ua_dtype dt = UA_F64;
    size_t ndim = 0;
    const int64_t *shape = NULL;
    const void *d = NULL;
    *n = 0;
    *data = NULL;
    if (ua_st_get(st, name, &dt, &ndim, &shape, &d) != UA_OK)
        return required ? UA_ERR(UA_EFORMAT, "minimax model: tensor '%s' is missing", name) : UA_OK;
    if (dt != UA_F64 || ndim != 1 || shape[0] < 0)
        return UA_ERR(UA_EFORMAT, "minimax model: tensor '%s' must be a 1-D F64 tensor", name);
    *n = (size_t)shape[0];
    *data = d;
    for (size_t i = 0; i < *n; i++)
        if (!isfinite((*data)[i]))
            return UA_ERR(UA_EFORMAT, "minimax model: tensor '%s' holds a non-finite value", name);
    return UA_OK;
}

static int pick(const char *v, const char *const *names, int count)
{
    for (int i = 0; v && i < count; i++)
        if (!strcmp(v, names[i])) return i;
    return -1;
}

/* A non-negative number (or inf) from metadata key; UA_EFORMAT when absent or malformed. */
static ua_status meta_num(const ua_st *st, const char *key, double *v)
{
    const char *s = ua_st_meta(st, key);
    char *end = NULL;
    if (!s) return UA_ERR(UA_EFORMAT, "minimax model: metadata '%s' is missing", key);
    *v = strtod(s, &end);
    if (end == s || *end || isnan(*v) || *v < 0)
        return UA_ERR(UA_EFORMAT, "minimax model: metadata '%s' = '%s' is not a number >= 0", key, s);
    return UA_OK;
}

static ua_status mm_load(const ua_st *st, double lo, double hi, void **state)
{
    if (!state) return UA_ERR(UA_EINVAL, "minimax load: state is NULL");
    *state = NULL;
    size_t nn, nd, na, nv;
    const double *num, *den, *alt, *var;
    ua_status s = get_f64(st, "num", 1, &nn, &num);
    if (!s) s = get_f64(st, "den", 0, &nd, &den);
    if (!s) s = get_f64(st, "alternation", 0, &na, &alt);
    if (!s) s = get_f64(st, "variable", 1, &nv, &var);
    if (s) return s;
    if (nn < 1 || nn > 1001)
        return UA_ERR(UA_EFORMAT, "minimax model: %zu numerator coefficients (need 1..1001)", nn);
    if (ua_st_get(st, "den", NULL, NULL, NULL, NULL) == UA_OK && (nd < 1 || nd > 1001))
        return UA_ERR(UA_EFORMAT, "minimax model: %zu denominator coefficients (need 1..1001)", nd);
    if (nv != 2 || !(var[1] != 0.0))
        return UA_ERR(UA_EFORMAT, "minimax model: 'variable' must be [shift, scale], scale != 0");
    for (size_t i = 0; i < na; i++)
        if (alt[i] < lo || alt[i] > hi || (i && !(alt[i] > alt[i - 1])))
            return UA_ERR(UA_EFORMAT, "minimax model: alternation points must increase inside "
                          "the domain");
    int err = pick(ua_st_meta(st, "minimax_error"), error_names, 3);
    int co = pick(ua_st_meta(st, "minimax_coeffs"), coeff_names, 3);
    int sc = pick(ua_st_meta(st, "minimax_scheme"), scheme_names, 2);
    const char *vs = ua_st_meta(st, "minimax_var"), *cv = ua_st_meta(st, "minimax_converged");
    const char *its = ua_st_meta(st, "minimax_iterations");
    if (err < 0 || co < 0 || sc < 0)
        return UA_ERR(UA_EFORMAT, "minimax model: metadata minimax_error / minimax_coeffs / "
                      "minimax_scheme missing or unknown");
    if (!vs || (strcmp(vs, "x") && strcmp(vs, "unit")))
        return UA_ERR(UA_EFORMAT, "minimax model: metadata 'minimax_var' must be x or unit");
    if (!cv || (strcmp(cv, "0") && strcmp(cv, "1")))
        return UA_ERR(UA_EFORMAT, "minimax model: metadata 'minimax_converged' must be 0 or 1");
    char *end = NULL;
    unsigned long long iters = its ? strtoull(its, &end, 10) : 0;
    if (!its || end == its || *end)
        return UA_ERR(UA_EFORMAT, "minimax model: metadata 'minimax_iterations' is not a count");
    const char *bs = ua_st_meta(st, "minimax_basis");
    int basis = bs ? pick(bs, basis_names, 3) : UA_MINIMAX_BASIS_MONOMIAL;
    if (basis < UA_MINIMAX_BASIS_MONOMIAL)
        return UA_ERR(UA_EFORMAT, "minimax model: metadata 'minimax_basis' must be monomial or "
                      "chebyshev");
    if (basis == UA_MINIMAX_BASIS_CHEBYSHEV &&
        !(fabs((lo - var[0]) * var[1]) <= 1.0 + 1e-12 &&
          fabs((hi - var[0]) * var[1]) <= 1.0 + 1e-12))
        return UA_ERR(UA_EFORMAT, "minimax model: a Chebyshev model's variable must map the "
                      "domain into [-1, 1]");
    double v[6];
    const char *keys[6] = {"minimax_levelled_error", "minimax_real_error", "minimax_coeff_error",
                           "minimax_measured_error", "minimax_float_error", "minimax_cond"};
    for (int i = 0; i < 6; i++)
        if ((s = meta_num(st, keys[i], &v[i]))) return s;
    if (co == UA_MINIMAX_FLOAT)
        for (size_t k = 0; k < nn + nd; k++) {
            double c = k < nn ? num[k] : den[k - nn];
            if ((double)(float)c != c)
                return UA_ERR(UA_EFORMAT, "minimax model: float coefficients must be floats");
        }
    ua_minimax *p = mm_alloc(nn, nd, na);
    if (!p) return UA_ENOMEM_ERR(sizeof *p);
    memcpy(p->num, num, nn * sizeof *num);
    if (nd) memcpy(p->den, den, nd * sizeof *den);
    if (na) memcpy(p->alt, alt, na * sizeof *alt);
    p->a = lo;
    p->b = hi;
    p->shift = var[0];
    p->scale = var[1];
    p->var = strcmp(vs, "unit") ? UA_MINIMAX_VAR_X : UA_MINIMAX_VAR_UNIT;
    p->error = (ua_minimax_error)err;
    p->coeffs = (ua_minimax_coeffs)co;
    p->scheme = (ua_minimax_scheme)sc;
    p->basis = (ua_minimax_basis)basis;
    p->converged = cv[0] == '1';
    /* "minimax_resolved" (absent from older files: then the convergence flag stands in) */
    const char *rv = ua_st_meta(st, "minimax_resolved");
    if (rv && strcmp(rv, "0") && strcmp(rv, "1")) {
        ua_minimax_free(p);
        return UA_ERR(UA_EFORMAT, "minimax model: metadata 'minimax_resolved' must be 0 or 1");
    }
    p->resolved = rv ? rv[0] == '1' : p->converged;
    p->iterations = (size_t)iters;
    p->levelled = v[0];
    p->real_err = v[1];
    p->coeff_err = v[2];
    p->measured_err = v[3];
    p->float_err = v[4];
    p->cond = v[5];
    *state = p;
    return UA_OK;
}

/* ---- describe ------------------------------------------------------------------------------ */

static cJSON *number_array(const double *v, size_t n)
{
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; a && i < n; i++) {
        cJSON *x = cJSON_CreateNumber(v[i]);
        if (!x || !cJSON_AddItemToArray(a, x)) {
            cJSON_Delete(x);
            cJSON_Delete(a);
            return NULL;
        }
    }
    return a;
}

static int add_array(cJSON *obj, const char *key, const double *v, size_t n)
{
    cJSON *a = number_array(v, n);
    if (!a) return 0;
    if (!cJSON_AddItemToObject(obj, key, a)) {
        cJSON_Delete(a);
        return 0;
    }
    return 1;
}

static ua_status mm_describe(const void *state, cJSON *obj)
{
    const ua_minimax *p = state;
    if (!p || !obj) return UA_ERR(UA_EINVAL, "minimax describe: NULL argument");
    int ok = cJSON_AddNumberToObject(obj, "degree", (double)(p->nnum - 1)) != NULL;
    if (p->nden) ok = ok && cJSON_AddNumberToObject(obj, "den_degree", (double)(p->nden - 1));
    ok = ok && cJSON_AddStringToObject(obj, "error_measure", error_names[p->error]);
    ok = ok && cJSON_AddStringToObject(obj, "coeffs", coeff_names[p->coeffs]);
    int cheb = p->basis == UA_MINIMAX_BASIS_CHEBYSHEV;
    ok = ok && cJSON_AddStringToObject(obj, "basis", basis_names[p->basis]);
    ok = ok && cJSON_AddStringToObject(obj, "scheme", cheb ? "clenshaw" : scheme_names[p->scheme]);
    ok = ok && cJSON_AddStringToObject(obj, "variable", p->var == UA_MINIMAX_VAR_UNIT
                                                            ? "t = (x - shift) * scale" : "x");
    ok = ok && cJSON_AddStringToObject(obj, "coefficients_of", cheb ? "T_k(t)" : "t^k");
    if (p->var == UA_MINIMAX_VAR_UNIT) {
        ok = ok && cJSON_AddNumberToObject(obj, "shift", p->shift);
        ok = ok && cJSON_AddNumberToObject(obj, "scale", p->scale);
    }
    /* resolved: the state of this approximation as returned (rounded coefficients, measured in
     * double), the same as the fit's status; converged: the Remez exchange alone */
    ok = ok && cJSON_AddBoolToObject(obj, "resolved", p->resolved);
    ok = ok && cJSON_AddBoolToObject(obj, "converged", p->converged);
    ok = ok && cJSON_AddNumberToObject(obj, "iterations", (double)p->iterations);
    ok = ok && cJSON_AddNumberToObject(obj, "levelled_error", p->levelled);
    ok = ok && cJSON_AddNumberToObject(obj, "alternation_count", (double)p->nalt);
    ok = ok && add_array(obj, "alternation_points", p->alt, p->nalt);
    ok = ok && cJSON_AddNumberToObject(obj, "real_error", p->real_err);
    ok = ok && cJSON_AddNumberToObject(obj, "coeff_error", p->coeff_err);
    ok = ok && cJSON_AddNumberToObject(obj, "measured_error", p->measured_err);
    ok = ok && cJSON_AddNumberToObject(obj, "float_error", p->float_err);
    ok = ok && cJSON_AddNumberToObject(obj, "condition", p->cond);
    ok = ok && add_array(obj, "coefficients", p->num, p->nnum);
    if (p->nden) ok = ok && add_array(obj, "den_coefficients", p->den, p->nden);
    return ok ? UA_OK : UA_ENOMEM_ERR(64);
}

/* ---- natural points: the alternation points ------------------------------------------------ */

static ua_status mm_natural_points(const void *state, double **pts, size_t *n, int *log_grid)
{
    const ua_minimax *p = state;
    if (!p || !pts || !n) return UA_ERR(UA_EINVAL, "minimax natural_points: NULL argument");
    *pts = ua_calloc(p->nalt ? p->nalt : 1, sizeof **pts);
    if (!*pts) return UA_ENOMEM_ERR(p->nalt * sizeof **pts);
    if (p->nalt) memcpy(*pts, p->alt, p->nalt * sizeof **pts);
    *n = p->nalt;
    if (log_grid) *log_grid = 0;
    return UA_OK;
}

const ua_family ua_family_minimax = {
    .name = "minimax",
    .summary = "best (minimax) polynomial and rational approximations of 1-D formulas by the "
               "Remez exchange in MPFR, coefficients optionally rounded to double / float",
    .doc = "docs/minimax.md",
    .accepts = UA_ACCEPTS(UA_PROBLEM_FORMULA),
    .min_dim = 1,
    .max_dim = 1,
    .options = ua_minimax_option_spec,
    .noptions = UA_MINIMAX_NOPTIONS,
    .fit = ua_minimax_family_fit,
    .free = mm_family_free,
    .predict = mm_predict,
    .save = mm_save,
    .load = mm_load,
    .export_c = ua_minimax_export_c,
    .describe = mm_describe,
    .natural_points = mm_natural_points,
    .pieces = ua_minimax_pieces,
};
