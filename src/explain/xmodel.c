/*
 * A model as one scalar output for the explanation methods: batched predictions of the explained
 * output, gradients (the family's analytic one through ua_model_gradient, else central
 * differences kept inside the model's box), point checks. Public model API only.
 */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <lapacke.h>
#include <cjson/cJSON.h>
#include "internal.h"

/* The machine epsilon of m's arithmetic, from its description's "dtype" (f32: float). */
static double model_eps(const ua_model *m)
{
    char *desc = NULL;
    double eps = DBL_EPSILON;
    if (ua_model_describe(m, &desc)) {
        ua_clear_error();
        return eps;
    }
    cJSON *o = cJSON_Parse(desc);
    const cJSON *dt = cJSON_GetObjectItemCaseSensitive(o, "dtype");
    if (cJSON_IsString(dt) && (!strcmp(dt->valuestring, "f32") || !strcmp(dt->valuestring, "float32")))
        eps = FLT_EPSILON;
    cJSON_Delete(o);
    free(desc);
    return eps;
}

ua_status ua_xmodel_init(ua_xmodel *x, const ua_model *m, size_t target, int force_fd)
{
    memset(x, 0, sizeof *x);
    if (!m) return UA_ERR(UA_EINVAL, "explain: model is NULL");
    ua_problem_kind k = ua_model_kind(m);
    if (k == UA_PROBLEM_SEQUENCES || k == UA_PROBLEM_GRAPHS)
        return UA_ERR(UA_EINVAL, "explain: a %s model takes %s, not points; attributions are "
                      "defined for models of points", ua_model_family(m),
                      k == UA_PROBLEM_SEQUENCES ? "sequences" : "graphs");
    x->m = m;
    ua_model_dims(m, &x->d, &x->dout);
    if (!x->d || !x->dout) return UA_ERR(UA_EINVAL, "explain: the model has no inputs or outputs");
    if (target >= x->dout)
        return UA_ERR(UA_EINVAL, "explain: target output %zu does not exist (the model has %zu "
                      "output%s, 0-based)", target, x->dout, x->dout == 1 ? "" : "s");
    x->target = target;
    size_t bd = 0;
    const double *lo = NULL, *hi = NULL;
    ua_model_box(m, &bd, &lo, &hi);
    if (bd == x->d && lo && hi) {
        x->lo = lo;
        x->hi = hi;
    } else if (x->d == 1) {
        ua_model_domain(m, &x->lo1, &x->hi1);
        if (isfinite(x->lo1) && isfinite(x->hi1)) {
            x->lo = &x->lo1;
            x->hi = &x->hi1;
        }
    }
    /* analytic only for one output; whether the family has it is found on the first call */
    x->analytic = !force_fd && x->dout == 1;
    x->eps = model_eps(m);
    return UA_OK;
}

ua_status ua_xmodel_eval(ua_xmodel *x, const double *X, size_t n, double *f)
{
    if (!n) return UA_OK;
    double *y = f;
    if (x->dout > 1 && !(y = malloc(n * x->dout * sizeof *y))) return UA_ENOMEM_ERR(n * x->dout * sizeof *y);
    ua_status st = ua_model_predict(x->m, X, n, y);
    if (!st && x->dout > 1)
        for (size_t i = 0; i < n; i++) f[i] = y[i * x->dout + x->target];
    if (y != f) free(y);
    if (st) return st;
    x->evals += n;
    size_t bad = ua_first_nonfinite(f, n);
    if (bad < n)
        return UA_ERR(UA_EDOMAIN, "explain: the model's prediction is not finite at a point it was "
                      "asked about (%zu of the batch)", bad);
    return UA_OK;
}

/* one row by central differences, each step clamped into the box */
static ua_status fd_row(ua_xmodel *x, const double *p, double *g, double *work)
{
    size_t d = x->d;
    double *P = work, *f = work + 2 * d * d;
    for (size_t j = 0; j < d; j++) {
        double scale = x->lo ? x->hi[j] - x->lo[j] : fmax(1.0, fabs(p[j]));
        /* central differences: truncation h^2 |f'''| / 6 against rounding eps |f| / h, balanced
         * at h = cbrt(eps) times the scale, eps the model's own precision (a float32 network's
         * rounding would swamp the double step, 6e-6 of the scale) */
        double h = cbrt(x->eps) * scale;
        double *a = P + 2 * j * d, *b = a + d;
        memcpy(a, p, d * sizeof *a);
        memcpy(b, p, d * sizeof *b);
        a[j] += h;
        b[j] -= h;
        ua_xmodel_clamp(x, a);
        ua_xmodel_clamp(x, b);
    }
    ua_status st = ua_xmodel_eval(x, P, 2 * d, f);
    if (st) return st;
    for (size_t j = 0; j < d; j++) {
        double den = P[2 * j * d + j] - P[(2 * j + 1) * d + j];
        g[j] = den > 0 ? (f[2 * j] - f[2 * j + 1]) / den : 0.0;
    }
    return UA_OK;
}

ua_status ua_xmodel_grad(ua_xmodel *x, const double *X, size_t n, double *G)
{
    if (!n) return UA_OK;
    if (x->analytic) {
        ua_status st = ua_model_gradient(x->m, X, n, G);
        if (!st && ua_first_nonfinite(G, n * x->d) == n * x->d) {
            x->evals += n;
            return UA_OK;
        }
        if (!st || st == UA_EINVAL || st == UA_EUNSUPPORTED)
            x->analytic = 0; /* no analytic gradient here (or NaN): differences from now on */
        else
            return st;
    }
    size_t d = x->d;
    double *work = malloc((2 * d * d + 2 * d) * sizeof *work);
    if (!work) return UA_ENOMEM_ERR((2 * d * d + 2 * d) * sizeof *work);
    ua_status st = UA_OK;
    for (size_t i = 0; i < n && !st; i++) st = fd_row(x, X + i * d, G + i * d, work);
    free(work);
    return st;
}

ua_status ua_xmodel_check_point(const ua_xmodel *x, const double *p, const char *what)
{
    for (size_t j = 0; j < x->d; j++) {
        if (!isfinite(p[j]))
            return UA_ERR(UA_EINVAL, "explain: %s has a non-finite value at input %zu", what, j + 1);
        if (x->lo && (p[j] < x->lo[j] || p[j] > x->hi[j]))
            return UA_ERR(UA_EINVAL, "explain: %s input %zu = %g is outside the model's box "
                          "[%g, %g]", what, j + 1, p[j], x->lo[j], x->hi[j]);
    }
    return UA_OK;
}

void ua_xmodel_clamp(const ua_xmodel *x, double *p)
{
    if (!x->lo) return;
    for (size_t j = 0; j < x->d; j++) p[j] = fmin(fmax(p[j], x->lo[j]), x->hi[j]);
}

ua_status ua_xsolve_spd(double *A, double *b, size_t n)
{
    lapack_int info = LAPACKE_dposv(LAPACK_ROW_MAJOR, 'L', (lapack_int)n, 1, A, (lapack_int)n, b, 1);
    if (info)
        return UA_ERR(UA_EDOMAIN, "explain: a normal-equations matrix is not positive definite "
                      "(LAPACK dposv info %d)", (int)info);
    return UA_OK;
}
