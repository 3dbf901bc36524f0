/* The public face of the target module: construction, accessors, evaluation entry points. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "internal.h"

static int is_blank(const char *s)
{
    for (; *s; s++)
        if (!(*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' || *s == '\f' || *s == '\v'))
            return 0;
    return 1;
}

/* A variable name must be a lexer identifier, or no expression could ever refer to it. */
static int is_ident(const char *s)
{
    if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_')) return 0;
    for (s++; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              *s == '_'))
            return 0;
    return 1;
}

ua_status ua_target_parse(const char *spec, const char *const *vars, size_t nvars,
                          ua_target **out)
{
    if (!out) return UA_ERR(UA_EINVAL, "ua_target_parse: out is NULL");
    *out = NULL;
    if (!spec) return UA_ERR(UA_EINVAL, "ua_target_parse: spec is NULL");
    if (is_blank(spec)) return UA_ERR(UA_EINVAL, "empty expression");
    size_t len = strlen(spec);
    if (len > UA_EXPR_MAX_LEN)
        return UA_ERR(UA_EINVAL, "expression too long (%zu characters, limit %zu)", len,
                      UA_EXPR_MAX_LEN);
    if (nvars > 0 && !vars)
        return UA_ERR(UA_EINVAL, "ua_target_parse: %zu variables but vars is NULL", nvars);
    for (size_t i = 0; i < nvars; i++) {
        if (!vars[i] || !is_ident(vars[i]))
            return UA_ERR(UA_EINVAL, "variable %zu: '%.40s' is not a name (letters, digits, '_', "
                          "not starting with a digit)", i + 1, vars[i] ? vars[i] : "(null)");
        for (size_t j = 0; j < i; j++)
            if (strcmp(vars[i], vars[j]) == 0)
                return UA_ERR(UA_EINVAL, "variable '%.40s' is given twice", vars[i]);
    }
    static const char *const default_vars[] = { "x" };
    if (nvars == 0) {
        vars = default_vars;
        nvars = 1;
    }

    ua_target *t = calloc(1, sizeof *t);
    if (!t) return UA_ENOMEM_ERR(sizeof *t);
    t->spec = ua_strdup(spec);
    if (!t->spec) {
        free(t);
        return UA_ENOMEM_ERR(len + 1);
    }
    t->builtin = ua_builtin_lookup(spec);
    if (t->builtin) {
        if (nvars != 1) {
            const char *name = t->builtin->name; /* static storage: outlives t */
            ua_target_free(t);
            return UA_ERR(UA_EINVAL, "built-in '%s' is a function of 1 variable, got %zu names",
                          name, nvars);
        }
        t->dim = 1;
    } else {
        ua_status st = ua_parse_program(spec, vars, nvars, &t->prog);
        if (st != UA_OK) {
            ua_target_free(t);
            return st;
        }
        t->dim = nvars;
    }
    /* the names are kept so that a box or a report can name a variable (ua_target_var) */
    t->vars = ua_calloc(t->dim, sizeof *t->vars);
    for (size_t i = 0; t->vars && i < t->dim; i++)
        if (!(t->vars[i] = ua_strdup(vars[i]))) {
            ua_target_free(t);
            return UA_ENOMEM_ERR(strlen(vars[i]) + 1);
        }
    if (!t->vars) {
        ua_target_free(t);
        return UA_ENOMEM_ERR(nvars * sizeof(char *));
    }
    *out = t;
    return UA_OK;
}

void ua_target_free(ua_target *t)
{
    if (!t) return;
    ua_program_clear(&t->prog);
    for (size_t i = 0; t->vars && i < t->dim; i++) free(t->vars[i]);
    free(t->vars);
    free(t->spec);
    free(t);
}

size_t ua_target_dim(const ua_target *t) { return t ? t->dim : 0; }

const char *ua_target_spec(const ua_target *t) { return t ? t->spec : NULL; }

const char *ua_target_var(const ua_target *t, size_t i)
{
    return t && t->vars && i < t->dim ? t->vars[i] : NULL;
}

double ua_target_eval(const ua_target *t, const double *x)
{
    if (!t) return NAN;
    double v = t->builtin ? t->builtin->eval(x[0]) : ua_program_eval(&t->prog, x);
    if (v != v && t->fill) {
        /* the fill is rare (a removable singularity): its cost does not matter */
        mpfr_t y;
        mpfr_init2(y, 53);
        if (t->fill(t->fill_ctx, x, y)) v = mpfr_get_d(y, MPFR_RNDN);
        mpfr_clear(y);
    }
    return v;
}

void ua_target_eval_mpfr(const ua_target *t, const double *x, mpfr_t y)
{
    if (!t) {
        mpfr_set_nan(y);
        return;
    }
    if (t->builtin) t->builtin->eval_mpfr(y, x[0]);
    else ua_program_eval_mpfr(&t->prog, x, y);
    if (mpfr_nan_p(y) && t->fill && !t->fill(t->fill_ctx, x, y)) mpfr_set_nan(y);
}

void ua_target_set_fill(ua_target *t, ua_target_fill_fn fn, void *ctx)
{
    if (!t) return;
    t->fill = fn;
    t->fill_ctx = fn ? ctx : NULL;
}

void ua_target_eval_mpfr_at(const ua_target *t, mpfr_srcptr const *x, mpfr_t y)
{
    if (!t || t->builtin) mpfr_set_nan(y);
    else ua_program_eval_mpfr_at(&t->prog, x, y);
}

double ua_target_eval_ref(const ua_target *t, const double *x, mpfr_prec_t prec)
{
    if (prec < MPFR_PREC_MIN) prec = MPFR_PREC_MIN;
    mpfr_t y;
    mpfr_init2(y, prec);
    ua_target_eval_mpfr(t, x, y);
    double r = mpfr_get_d(y, MPFR_RNDN);
    mpfr_clear(y);
    return r;
}

double ua_target_fn1(double x, void *ctx) { return ua_target_eval((const ua_target *)ctx, &x); }
