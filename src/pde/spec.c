/*
 * src/pde/spec.c — a PDE problem file (docs/pde.md) read into a ua_pde_spec, every field checked
 * (the file is untrusted), and the evaluation of its residual, conditions and solution.
 *
 * The equation is parsed by the expression language (uniapprox/target.h) with the variables:
 * the inputs, the parameters, u, u_<a> for every input a and u_<a><b> for every pair a <= b in
 * the order of the inputs ("lap(u)" is replaced by the sum of the space variables' u_aa first).
 * Which jet channels it reads is found from the identifiers of its text.
 */
#include <ctype.h>
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "core/internal.h"
#include "uniapprox/pde.h"
#include "internal.h"
#include "pde/ref_internal.h"

/* Longest expression and file accepted. */
#define MAX_EXPR 4096
#define MAX_FILE (1u << 20)
/* The narrowest interval of a variable: absolute, and relative to the larger |end| (docs/pde.md). */
#define MIN_WIDTH 1e-60
#define MIN_REL_WIDTH 1e-12

void ua_pde_spec_free(void *v)
{
    ua_pde_spec *s = v;
    if (!s) return;
    ua_target_free(s->eq);
    ua_target_free(s->exact);
    for (size_t i = 0; i < s->nconds; i++) ua_target_free(s->conds[i].value);
    for (size_t i = 0; i < s->nparams; i++) free(s->pnames[i]);
    ua_pde_reference_free(s->ref);
    free(s->ref_name);
    free(s->name);
    free(s->equation);
    free(s->transform_g);
    free(s->transform_D);
    free(s);
}

static int is_ident(const char *p)
{
    if (!(isalpha((unsigned char)*p) || *p == '_')) return 0;
    for (; *p; p++)
        if (!(isalnum((unsigned char)*p) || *p == '_')) return 0;
    return 1;
}

/* The index of input name in s, or -1. */
static int input_index(const ua_pde_spec *s, const char *name)
{
    for (size_t i = 0; i < s->d; i++)
        if (!strcmp(s->names[i], name)) return (int)i;
    return -1;
}

/* Reads the box object {"x": [a, b], ...} of space or time variables. */
static ua_status read_box(ua_pde_spec *s, const cJSON *o, const char *who, const char *field)
{
    if (!cJSON_IsObject(o) || !o->child)
        return UA_ERR(UA_EFORMAT, "%s: \"%s\" must be an object of variables, {\"x\": [0, 1]}",
                      who, field);
    for (const cJSON *v = o->child; v; v = v->next) {
        const char *n = v->string;
        if (!n || strlen(n) != 1 || !islower((unsigned char)n[0]) || n[0] == 'u' || n[0] == 'e')
            return UA_ERR(UA_EFORMAT, "%s: \"%s\": variable '%s' must be one lower-case letter "
                          "other than u and e", who, field, n ? n : "");
        if (input_index(s, n) >= 0)
            return UA_ERR(UA_EFORMAT, "%s: variable '%s' is given twice", who, n);
        if (s->d == UA_PDE_MAX_DIM)
            return UA_ERR(UA_EFORMAT, "%s: at most %d variables (space and time)", who,
                          UA_PDE_MAX_DIM);
        if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) != 2 ||
            !cJSON_IsNumber(cJSON_GetArrayItem(v, 0)) || !cJSON_IsNumber(cJSON_GetArrayItem(v, 1)))
            return UA_ERR(UA_EFORMAT, "%s: variable '%s': expected an interval [a, b] of numbers",
                          who, n);
        double a = cJSON_GetArrayItem(v, 0)->valuedouble, b = cJSON_GetArrayItem(v, 1)->valuedouble;
        if (!isfinite(a) || !isfinite(b) || !(a < b))
            return UA_ERR(UA_EFORMAT, "%s: variable '%s': the interval [%.17g, %.17g] is not "
                          "a < b, both finite", who, n, a, b);
        if (!isfinite(b - a))
            return UA_ERR(UA_EFORMAT, "%s: variable '%s': the interval [%.17g, %.17g] is too "
                          "wide: its width b - a overflows a double (at most %g)", who, n, a, b,
                          DBL_MAX);
        /* the network sees (x - a) / (b - a): its second derivatives carry 1 / (b - a)^2, the
         * loss their squares, 1 / (b - a)^4, which overflows below about 1e-77; a box narrower
         * than MIN_WIDTH, or than MIN_REL_WIDTH of its ends (the grid's points a few doubles
         * apart), cannot be scaled */
        double mag = fabs(a) > fabs(b) ? fabs(a) : fabs(b);
        if (b - a < MIN_WIDTH || b - a < MIN_REL_WIDTH * mag)
            return UA_ERR(UA_EFORMAT, "%s: variable '%s': the interval [%.17g, %.17g] is too "
                          "narrow to scale: its width b - a = %.3g must be at least %g and at "
                          "least %g max(|a|, |b|)", who, n, a, b, b - a, MIN_WIDTH,
                          MIN_REL_WIDTH);
        s->names[s->d][0] = n[0];
        s->names[s->d][1] = '\0';
        s->lo[s->d] = a;
        s->hi[s->d] = b;
        s->d++;
    }
    return UA_OK;
}

/* The names of the inputs and parameters, in the order of a point's values. */
static size_t base_vars(const ua_pde_spec *s, const char **v)
{
    size_t n = 0;
    for (size_t i = 0; i < s->d; i++) v[n++] = s->names[i];
    for (size_t i = 0; i < s->nparams; i++) v[n++] = s->pnames[i];
    return n;
}

/* Parses an expression of the inputs and parameters (a condition or the exact solution). */
static ua_status parse_expr(const ua_pde_spec *s, const cJSON *v, const char *who,
                            const char *field, ua_target **out)
{
    if (!cJSON_IsString(v) && !cJSON_IsNumber(v))
        return UA_ERR(UA_EFORMAT, "%s: \"%s\" must be an expression (a string) or a number", who,
                      field);
    char num[64];
    const char *text = v->valuestring;
    if (cJSON_IsNumber(v)) {
        if (!isfinite(v->valuedouble))
            return UA_ERR(UA_EFORMAT, "%s: \"%s\" is not finite", who, field);
        snprintf(num, sizeof num, "%.17g", v->valuedouble);
        text = num;
    }
    if (strlen(text) > MAX_EXPR)
        return UA_ERR(UA_EFORMAT, "%s: \"%s\" is longer than %d characters", who, field, MAX_EXPR);
    const char *vars[UA_PDE_MAX_DIM + UA_PDE_MAX_PARAMS];
    size_t nv = base_vars(s, vars);
    ua_status st = ua_target_parse(text, vars, nv, out);
    if (st) {
        char msg[512];
        ua_last_error_message(msg, sizeof msg);
        return UA_ERR(st, "%s: \"%s\": %s", who, field, msg);
    }
    return UA_OK;
}

/* "lap(u)" replaced by (u_xx+u_yy+...) over the space variables, into a new string. */
static char *expand_lap(const ua_pde_spec *s, const char *eq)
{
    char rep[64] = "(";
    for (size_t i = 0; i < s->ns; i++) {
        size_t l = strlen(rep);
        snprintf(rep + l, sizeof rep - l, "%su_%s%s", i ? "+" : "", s->names[i], s->names[i]);
    }
    strcat(rep, ")");
    size_t count = 0;
    for (const char *p = strstr(eq, "lap(u)"); p; p = strstr(p + 6, "lap(u)")) count++;
    size_t len = strlen(eq) + count * strlen(rep) + 1;
    char *out = malloc(len), *w = out;
    if (!out) return NULL;
    for (const char *p = eq; *p;) {
        if (!strncmp(p, "lap(u)", 6)) {
            strcpy(w, rep);
            w += strlen(rep);
            p += 6;
        } else *w++ = *p++;
    }
    *w = '\0';
    return out;
}

/* Whether the identifier name occurs in text as a whole word. */
static int uses_ident(const char *text, const char *name)
{
    size_t l = strlen(name);
    for (const char *p = strstr(text, name); p; p = strstr(p + 1, name)) {
        int before = p > text && (isalnum((unsigned char)p[-1]) || p[-1] == '_');
        int after = isalnum((unsigned char)p[l]) || p[l] == '_';
        if (!before && !after) return 1;
    }
    return 0;
}

static ua_status read_equation(ua_pde_spec *s, const cJSON *v, const char *who)
{
    if (!cJSON_IsString(v) || !v->valuestring[0])
        return UA_ERR(UA_EFORMAT, "%s: \"equation\" must be a non-empty string (the residual, "
                      "e.g. \"u_xx + u_yy + f\")", who);
    if (strlen(v->valuestring) > MAX_EXPR)
        return UA_ERR(UA_EFORMAT, "%s: \"equation\" is longer than %d characters", who, MAX_EXPR);
    s->equation = ua_strdup(v->valuestring);
    char *text = s->equation ? expand_lap(s, s->equation) : NULL;
    if (!text) return UA_ENOMEM_ERR(strlen(v->valuestring) * 2);
    /* a lap that expand_lap left (not "lap(u)") is the Laplacian of something other than u:
     * name what it was given, rather than calling lap unknown ("lap(v)": v is not the unknown) */
    const char *eq = s->equation;
    for (const char *p = strstr(eq, "lap"); p; p = strstr(p + 3, "lap")) {
        if ((p > eq && (isalnum((unsigned char)p[-1]) || p[-1] == '_')) ||
            isalnum((unsigned char)p[3]) || p[3] == '_' || !strncmp(p, "lap(u)", 6))
            continue;
        const char *a = p + 3;
        while (*a == ' ' || *a == '\t') a++;
        size_t at = (size_t)(p - eq) + 1;
        free(text);
        if (*a != '(')
            return UA_ERR(UA_EFORMAT, "%s: \"equation\": column %zu: lap without an argument: "
                          "write lap(u), the Laplacian of the unknown u", who, at);
        const char *b = a + 1, *e = b + strcspn(b, ")");
        while (b < e && (*b == ' ' || *b == '\t')) b++;
        while (e > b && (e[-1] == ' ' || e[-1] == '\t')) e--;
        int len = (int)(e - b < 32 ? e - b : 32);
        const char *more = e - b > 32 ? "..." : "";
        if (e - b == 1 && *b == 'u')
            return UA_ERR(UA_EFORMAT, "%s: \"equation\": column %zu: write lap(u) without "
                          "blanks or line breaks (the Laplacian of the unknown u)", who, at);
        return UA_ERR(UA_EFORMAT, "%s: \"equation\": column %zu: lap(%.*s%s): '%.*s%s' is not "
                      "the unknown: lap takes the unknown u only, written lap(u) (the Laplacian "
                      "of anything else is not supported)", who, at, len, b, more, len, b, more);
    }
    /* the variables: inputs, parameters, u, u_a, u_ab */
    char names[1 + UA_PDE_MAX_DIM + UA_PDE_MAX_PAIRS][8];
    const char *vars[UA_PDE_MAX_DIM + UA_PDE_MAX_PARAMS + UA_PDE_MAX_CHAN];
    size_t nv = base_vars(s, vars), d = s->d, k = 0;
    strcpy(names[k++], "u");
    for (size_t a = 0; a < d; a++) snprintf(names[k++], 8, "u_%s", s->names[a]);
    size_t pair0 = k;
    for (size_t a = 0; a < d; a++)
        for (size_t b = a; b < d; b++) snprintf(names[k++], 8, "u_%s%s", s->names[a], s->names[b]);
    for (size_t i = 0; i < k; i++) vars[nv + i] = names[i];
    s->neqvars = nv + k;
    ua_status st = ua_target_parse(text, vars, nv + k, &s->eq);
    if (st) {
        char msg[512];
        ua_last_error_message(msg, sizeof msg);
        free(text);
        return UA_ERR(st, "%s: \"equation\": %s (the variables are the inputs, the parameters, u, "
                      "u_<a>, u_<ab> and lap(u))", who, msg);
    }
    for (size_t c = 0; c < 1 + d; c++) s->uses[c] = uses_ident(text, names[c]);
    s->npairs = 0;
    size_t q = 0;
    for (size_t a = 0; a < d; a++)
        for (size_t b = a; b < d; b++, q++)
            if (uses_ident(text, names[pair0 + q])) {
                s->pi[s->npairs] = (int)a;
                s->pj[s->npairs] = (int)b;
                s->pair_slot[s->npairs] = (int)(nv + pair0 + q);
                s->uses[1 + d + s->npairs] = 1;
                s->npairs++;
            }
    free(text);
    return UA_OK;
}

/* "boundary", "x=lo", "x=hi", "x=0" (a number equal to a bound). */
static ua_status read_face(const ua_pde_spec *s, const cJSON *on, const char *who, size_t k,
                           ua_pde_cond *c)
{
    if (!on || (cJSON_IsString(on) && !strcmp(on->valuestring, "boundary"))) {
        c->var = -1;
        c->side = -1;
        return UA_OK;
    }
    const char *t = cJSON_IsString(on) ? on->valuestring : NULL;
    if (!t || strlen(t) < 3 || t[1] != '=' || input_index(s, (char[]){ t[0], 0 }) < 0)
        return UA_ERR(UA_EFORMAT, "%s: condition %zu: \"on\" must be \"boundary\" or VAR=lo, "
                      "VAR=hi or VAR=VALUE for a space variable", who, k + 1);
    int v = input_index(s, (char[]){ t[0], 0 });
    if (s->has_time && (size_t)v == s->ns)
        return UA_ERR(UA_EFORMAT, "%s: condition %zu: \"on\": %s is the time variable (give the "
                      "initial condition with \"type\": \"initial\")", who, k + 1, s->names[v]);
    const char *val = t + 2;
    char *end;
    errno = 0;
    double x = strtod(val, &end);
    if (!strcmp(val, "lo")) c->side = 0;
    else if (!strcmp(val, "hi")) c->side = 1;
    else if (end != val && !*end && x == s->lo[v]) c->side = 0;
    else if (end != val && !*end && x == s->hi[v]) c->side = 1;
    else
        return UA_ERR(UA_EFORMAT, "%s: condition %zu: \"on\": '%s' is not a face of the box "
                      "(%s is in [%g, %g])", who, k + 1, t, s->names[v], s->lo[v], s->hi[v]);
    c->var = v;
    return UA_OK;
}

static ua_status read_condition(ua_pde_spec *s, const cJSON *o, const char *who, size_t k)
{
    ua_pde_cond *c = &s->conds[k];
    if (!cJSON_IsObject(o))
        return UA_ERR(UA_EFORMAT, "%s: condition %zu must be an object", who, k + 1);
    for (const cJSON *f = o->child; f; f = f->next)
        if (strcmp(f->string, "type") && strcmp(f->string, "on") && strcmp(f->string, "value") &&
            strcmp(f->string, "variable"))
            return UA_ERR(UA_EFORMAT, "%s: condition %zu: unknown field \"%s\" (type, on, value, "
                          "variable)", who, k + 1, f->string);
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(o, "type");
    const char *t = cJSON_IsString(type) ? type->valuestring : "";
    char field[48];
    snprintf(field, sizeof field, "conditions[%zu].value", k);
    if (!strcmp(t, "dirichlet") || !strcmp(t, "neumann")) {
        c->type = t[0] == 'd' ? UA_PDE_DIRICHLET : UA_PDE_NEUMANN;
        ua_status st = read_face(s, cJSON_GetObjectItemCaseSensitive(o, "on"), who, k, c);
        if (st) return st;
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, "value");
        if (!v) return UA_ERR(UA_EFORMAT, "%s: condition %zu: \"value\" is missing", who, k + 1);
        return parse_expr(s, v, who, field, &c->value);
    }
    if (!strcmp(t, "initial")) {
        if (!s->has_time)
            return UA_ERR(UA_EFORMAT, "%s: condition %zu: an initial condition needs \"time\"",
                          who, k + 1);
        c->type = UA_PDE_INITIAL;
        c->var = (int)s->ns;
        c->side = 0;
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, "value");
        if (!v) return UA_ERR(UA_EFORMAT, "%s: condition %zu: \"value\" is missing", who, k + 1);
        return parse_expr(s, v, who, field, &c->value);
    }
    if (!strcmp(t, "periodic")) {
        c->type = UA_PDE_PERIODIC;
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, "variable");
        int i = cJSON_IsString(v) ? input_index(s, v->valuestring) : -1;
        if (i < 0 || (s->has_time && (size_t)i == s->ns))
            return UA_ERR(UA_EFORMAT, "%s: condition %zu: a periodic condition needs "
                          "\"variable\": a space variable", who, k + 1);
        c->var = i;
        c->side = -1;
        return UA_OK;
    }
    return UA_ERR(UA_EFORMAT, "%s: condition %zu: \"type\" must be dirichlet, neumann, periodic "
                  "or initial", who, k + 1);
}

static ua_status read_params(ua_pde_spec *s, const cJSON *o, const char *who)
{
    if (!o) return UA_OK;
    if (!cJSON_IsObject(o))
        return UA_ERR(UA_EFORMAT, "%s: \"parameters\" must be an object of numbers", who);
    for (const cJSON *v = o->child; v; v = v->next) {
        const char *n = v->string;
        if (!is_ident(n) || strlen(n) > 32 || !strncmp(n, "u", 1) || input_index(s, n) >= 0 ||
            !strcmp(n, "pi") || !strcmp(n, "e") || !strcmp(n, "lap"))
            return UA_ERR(UA_EFORMAT, "%s: parameter '%s' must be a name of at most 32 letters, "
                          "digits and _, not starting with u, and not a variable, pi or e", who, n);
        for (size_t i = 0; i < s->nparams; i++)
            if (!strcmp(s->pnames[i], n))
                return UA_ERR(UA_EFORMAT, "%s: parameter '%s' is given twice", who, n);
        if (s->nparams == UA_PDE_MAX_PARAMS)
            return UA_ERR(UA_EFORMAT, "%s: at most %d parameters", who, UA_PDE_MAX_PARAMS);
        if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble))
            return UA_ERR(UA_EFORMAT, "%s: parameter '%s' must be a finite number", who, n);
        s->pnames[s->nparams] = ua_strdup(n);
        if (!s->pnames[s->nparams]) return UA_ENOMEM_ERR(strlen(n) + 1);
        s->pvals[s->nparams++] = v->valuedouble;
    }
    return UA_OK;
}

/* The named reference, with the problem's parameter its solver takes (burgers: nu,
 * allen_cahn: d; the solver's default when the file has none), solved on the file's box
 * [-1, 1] x [0, T]: T is the end of the time box. A parameter named T, when given, must equal
 * it; T outside the solver's range ((0, 100] for burgers, (0, 10] for allen_cahn) is refused. */
static ua_status read_reference(ua_pde_spec *s, const cJSON *v, const char *who)
{
    if (!cJSON_IsString(v))
        return UA_ERR(UA_EFORMAT, "%s: \"reference\" must be a name (burgers, allen_cahn)", who);
    const char *n = v->valuestring;
    const char *pname = !strcmp(n, "burgers") ? "nu" : !strcmp(n, "allen_cahn") ? "d" : NULL;
    if (!pname)
        return UA_ERR(UA_EFORMAT, "%s: unknown reference '%.40s' (burgers, allen_cahn)", who, n);
    if (s->d != 2 || !s->has_time || s->lo[0] != -1 || s->hi[0] != 1 || s->lo[1] != 0)
        return UA_ERR(UA_EFORMAT, "%s: reference '%s' is on x in [-1, 1] and t in [0, T]", who, n);
    int burgers = n[0] == 'b';
    double T = s->hi[1], tmax = burgers ? 100 : 10;
    double par[2] = { burgers ? UA_REF_BURGERS_NU : UA_REF_AC_D, T };
    for (size_t i = 0; i < s->nparams; i++) {
        if (!strcmp(s->pnames[i], pname)) par[0] = s->pvals[i];
        if (strcmp(s->pnames[i], "T")) continue;
        if (!(s->pvals[i] > 0 && s->pvals[i] <= tmax))
            return UA_ERR(UA_EFORMAT, "%s: reference '%s': parameter T = %.17g is outside "
                          "(0, %g] (T is the end of the time box)", who, n, s->pvals[i], tmax);
        if (s->pvals[i] != T)
            return UA_ERR(UA_EFORMAT, "%s: reference '%s': parameter T = %.17g is not the end "
                          "of the time box, %.17g (the reference is solved on t in [0, T])", who,
                          n, s->pvals[i], T);
    }
    if (!(T <= tmax))
        return UA_ERR(UA_EFORMAT, "%s: reference '%s': the time box ends at t = %.17g: T must "
                      "be in (0, %g]", who, n, T, tmax);
    ua_status st = ua_pde_reference_new(n, par, 2, &s->ref);
    if (st) {
        char msg[400];
        ua_last_error_message(msg, sizeof msg);
        return UA_ERR(st, "%s: reference '%s': %s", who, n, msg);
    }
    s->ref_name = ua_strdup(n);
    if (!s->ref_name) return UA_ENOMEM_ERR(strlen(n) + 1);
    snprintf(s->reference_text, sizeof s->reference_text, "reference: %s (%s)", n,
             !strcmp(n, "burgers") ? "Cole-Hopf transform by adaptive quadrature, about 1e-15"
                                   : "Chebyshev spectral in x, ETDRK4 in t, about 5e-11");
    return UA_OK;
}

static const char *const known_fields[] = { "name", "space", "time", "parameters", "equation",
                                            "conditions", "exact", "reference", "description",
                                            "output_transform" };

/* ---- hard constraints: the output transform u = g + D N (transform.c) -------------------- */

/* Points of condition c's faces (deterministic: the corners of each face, then a Weyl sequence
 * inside it) into x (at most TR_PTS, d); returns how many. */
#define TR_PTS 96
static size_t face_points(const ua_pde_spec *s, const ua_pde_cond *c, double *x)
{
    size_t d = s->d, n = 0;
    int faces[2 * UA_PDE_MAX_DIM][2], nf = 0;
    if (c->var >= 0) faces[nf][0] = c->var, faces[nf++][1] = c->side;
    else
        for (size_t v = 0; v < s->ns; v++)
            for (int side = 0; side < 2; side++) faces[nf][0] = (int)v, faces[nf++][1] = side;
    size_t per = TR_PTS / (size_t)nf;
    for (int f = 0; f < nf; f++)
        for (size_t m = 0; m < per; m++, n++) {
            double *p = x + n * d;
            for (size_t i = 0; i < d; i++) {
                double a = m < 2 ? (double)m : fmod(0.5 + (double)(m + 1) * (0.7548776662466927 +
                                                   0.1234567 * (double)i), 1.0);
                p[i] = m < 2 ? (a ? s->hi[i] : s->lo[i]) : s->lo[i] + (s->hi[i] - s->lo[i]) * a;
            }
            p[faces[f][0]] = faces[f][1] ? s->hi[faces[f][0]] : s->lo[faces[f][0]];
        }
    return n;
}

/* Whether u = g + D N meets every Dirichlet and initial condition of s (g equal to the value
 * and D zero on their faces, D not zero everywhere inside): else a message into why. */
static int transform_valid(const ua_pde_spec *s, const ua_pde_transform *T, char *why,
                           size_t len)
{
    double x[TR_PTS * UA_PDE_MAX_DIM], dmax = 0;
    size_t d = s->d;
    for (size_t m = 0; m < 64; m++) { /* inside the box: D's scale */
        double p[UA_PDE_MAX_DIM], g, D;
        for (size_t i = 0; i < d; i++)
            p[i] = s->lo[i] + (s->hi[i] - s->lo[i]) *
                                  (0.05 + 0.9 * fmod((double)(m + 1) * (0.6180339887 + 0.1 * (double)i), 1.0));
        ua_pde_transform_values(T, p, &g, &D);
        if (!isfinite(g) || !isfinite(D)) {
            snprintf(why, len, "g or D is not finite inside the box");
            return 0;
        }
        dmax = fabs(D) > dmax ? fabs(D) : dmax;
    }
    if (!(dmax > 0)) {
        snprintf(why, len, "D is 0 inside the box (u would not depend on the network)");
        return 0;
    }
    /* the measurement's grid (measure.c; the fit's errors are taken there): a pole of g or D
     * on it (D = .../(x - 0.5)) would make every measured error infinite */
    double *gx;
    size_t gn;
    if (ua_pde_grid(s, ua_pde_grid_default(d), &gx, &gn)) {
        snprintf(why, len, "out of memory for the check grid");
        return 0;
    }
    for (size_t p = 0; p < gn; p++) {
        double g, D;
        ua_pde_transform_values(T, gx + p * d, &g, &D);
        if (isfinite(g) && isfinite(D)) continue;
        int used = snprintf(why, len, "g or D is not finite inside the box at (");
        for (size_t i = 0; i < d && used > 0 && (size_t)used < len; i++)
            used += snprintf(why + used, len - (size_t)used, "%s%s = %.17g", i ? ", " : "",
                             s->names[i], gx[p * d + i]);
        if (used > 0 && (size_t)used < len)
            snprintf(why + used, len - (size_t)used, "): g = %g, D = %g", isnan(g) ? NAN : g,
                     isnan(D) ? NAN : D); /* NaN, not -nan */
        free(gx);
        return 0;
    }
    free(gx);
    for (size_t k = 0; k < s->nconds; k++) {
        const ua_pde_cond *c = &s->conds[k];
        if (c->type != UA_PDE_DIRICHLET && c->type != UA_PDE_INITIAL) continue;
        size_t n = face_points(s, c, x);
        for (size_t p = 0; p < n; p++) {
            double g, D, v = ua_pde_cond_value(s, c, x + p * d);
            ua_pde_transform_values(T, x + p * d, &g, &D);
            if (!(fabs(D) <= 1e-12 * dmax)) {
                snprintf(why, len, "D is not 0 on condition %zu's face", k + 1);
                return 0;
            }
            if (!(fabs(g - v) <= 1e-9 * (1 + fabs(v)))) {
                snprintf(why, len, "g differs from condition %zu's value on its face (by %.3g)",
                         k + 1, fabs(g - v));
                return 0;
            }
        }
    }
    return 1;
}

/* The transform of texts g, D over s's variables, or a status with a message. */
static ua_status transform_make(const ua_pde_spec *s, const char *g, const char *D,
                                ua_pde_transform **T)
{
    const char *vars[UA_PDE_MAX_DIM + UA_PDE_MAX_PARAMS];
    size_t nv = base_vars(s, vars);
    return ua_pde_transform_new(g, D, vars, nv, s->d, s->pvals, T);
}

/* D derived from the box: the product of (x_v - lo_v) / (hi_v - lo_v) or (hi_v - x_v) / (hi_v -
 * lo_v) over the faces of the Dirichlet conditions (4 (x_v - lo_v) (hi_v - x_v) / (hi_v - lo_v)^2
 * for both faces of v: 1 at the centre, so N stays of u's size), and (t - t0) / (T - t0) for an
 * initial one (DeepXDE's Allen-Cahn example: t (1 - x^2)); g the first condition value (initial first) that
 * matches every other condition on its faces. */
static ua_status derive_transform(ua_pde_spec *s)
{
    int face[UA_PDE_MAX_DIM][2] = { { 0 } }, any = 0;
    size_t cand[UA_PDE_MAX_CONDS], nc = 0;
    for (size_t k = 0; k < s->nconds; k++) {
        const ua_pde_cond *c = &s->conds[k];
        if (c->type == UA_PDE_INITIAL) {
            face[c->var][0] = 1, any = 1;
            memmove(cand + 1, cand, nc * sizeof *cand); /* the initial value first */
            cand[0] = k, nc++;
        } else if (c->type == UA_PDE_DIRICHLET) {
            for (size_t v = 0; v < s->ns; v++)
                for (int side = 0; side < 2; side++)
                    if ((c->var < 0) || ((size_t)c->var == v && c->side == side))
                        face[v][side] = 1;
            any = 1;
            cand[nc++] = k;
        }
    }
    if (!any) {
        snprintf(s->transform_note, sizeof s->transform_note, "penalties (no Dirichlet or "
                 "initial condition to enforce)");
        return UA_OK;
    }
    char D[1024] = "", g[MAX_EXPR + 8];
    for (size_t v = 0; v < s->d; v++)
        for (int side = 0; side < 2; side++) {
            if (!face[v][side]) continue;
            size_t l = strlen(D);
            if (side == 0 && face[v][1]) { /* both faces: 1 at the centre, as 1 - x^2 */
                snprintf(D + l, sizeof D - l, "%s(4*(%s - (%.17g))*(%.17g - %s) / %.17g)",
                         l ? "*" : "", s->names[v], s->lo[v], s->hi[v], s->names[v],
                         (s->hi[v] - s->lo[v]) * (s->hi[v] - s->lo[v]));
                break;
            }
            if (side == 0)
                snprintf(D + l, sizeof D - l, "%s((%s - (%.17g)) / %.17g)", l ? "*" : "",
                         s->names[v], s->lo[v], s->hi[v] - s->lo[v]);
            else
                snprintf(D + l, sizeof D - l, "%s((%.17g - %s) / %.17g)", l ? "*" : "",
                         s->hi[v], s->names[v], s->hi[v] - s->lo[v]);
        }
    char why[200] = "";
    for (size_t i = 0; i < nc; i++) {
        snprintf(g, sizeof g, "%s", ua_target_spec(s->conds[cand[i]].value));
        ua_pde_transform *T = NULL;
        ua_status st = transform_make(s, g, D, &T);
        if (st == UA_ENOMEM) return st;
        int ok = !st && transform_valid(s, T, why, sizeof why);
        ua_pde_transform_free(T);
        if (!ok) continue;
        s->transform_g = ua_strdup(g);
        s->transform_D = ua_strdup(D);
        if (!s->transform_g || !s->transform_D) return UA_ENOMEM_ERR(strlen(g) + strlen(D));
        snprintf(s->transform_note, sizeof s->transform_note, "hard: u = g + D N enforces the "
                 "Dirichlet and initial conditions (derived from the box, g = condition %zu's "
                 "value)", cand[i] + 1);
        return UA_OK;
    }
    snprintf(s->transform_note, sizeof s->transform_note, "penalties (no condition's value "
             "matches the others on their faces: give \"output_transform\")");
    return UA_OK;
}

/* "output_transform": "auto" (the default: derived when it can be), "none", or {"g": EXPR,
 * "D": EXPR} checked against the conditions. */
static ua_status read_transform(ua_pde_spec *s, const cJSON *v, const char *who)
{
    if (!v || (cJSON_IsString(v) && !strcmp(v->valuestring, "auto"))) return derive_transform(s);
    if (cJSON_IsString(v) && !strcmp(v->valuestring, "none")) {
        snprintf(s->transform_note, sizeof s->transform_note, "penalties (output_transform "
                 "\"none\")");
        return UA_OK;
    }
    const cJSON *g = cJSON_GetObjectItemCaseSensitive(v, "g");
    const cJSON *D = cJSON_GetObjectItemCaseSensitive(v, "D");
    if (!cJSON_IsObject(v) || !cJSON_IsString(g) || !cJSON_IsString(D) ||
        cJSON_GetArraySize(v) != 2)
        return UA_ERR(UA_EFORMAT, "%s: \"output_transform\" must be \"auto\", \"none\" or "
                      "{\"g\": EXPR, \"D\": EXPR} (u = g + D N: g the conditions' values, D 0 on "
                      "their faces)", who);
    if (strlen(g->valuestring) > MAX_EXPR || strlen(D->valuestring) > MAX_EXPR)
        return UA_ERR(UA_EFORMAT, "%s: \"output_transform\": an expression longer than %d "
                      "characters", who, MAX_EXPR);
    ua_pde_transform *T = NULL;
    ua_status st = transform_make(s, g->valuestring, D->valuestring, &T);
    if (st) {
        char msg[512];
        ua_last_error_message(msg, sizeof msg);
        return UA_ERR(st, "%s: \"output_transform\": %s", who, msg);
    }
    char why[200];
    int ok = transform_valid(s, T, why, sizeof why);
    ua_pde_transform_free(T);
    if (!ok) return UA_ERR(UA_EFORMAT, "%s: \"output_transform\": %s", who, why);
    s->transform_g = ua_strdup(g->valuestring);
    s->transform_D = ua_strdup(D->valuestring);
    if (!s->transform_g || !s->transform_D) return UA_ENOMEM_ERR(2 * MAX_EXPR);
    s->transform_given = 1;
    snprintf(s->transform_note, sizeof s->transform_note, "hard: u = g + D N enforces the "
             "Dirichlet and initial conditions (the file's output_transform)");
    return UA_OK;
}

/* The exact solution evaluated on the check grid (measure.c, endpoints and corners included)
 * when the file is read: a solution that is NaN or infinite there is refused now, naming the
 * point, rather than after the whole training (the measurement needs it finite everywhere). */
static ua_status check_exact(const ua_pde_spec *s, const char *who)
{
    double *x, *u;
    size_t n;
    ua_status st = ua_pde_grid(s, ua_pde_grid_default(s->d), &x, &n);
    if (st) return st;
    u = malloc(n * sizeof *u);
    if (!u) st = UA_ENOMEM_ERR(n * sizeof *u);
    if (!st) st = ua_pde_solution((void *)s, x, n, u);
    for (size_t p = 0; !st && p < n; p++) {
        if (isfinite(u[p])) continue;
        char at[200] = "";
        for (size_t i = 0; i < s->d; i++) {
            size_t used = strlen(at);
            snprintf(at + used, sizeof at - used, "%s%s = %.17g", i ? ", " : "", s->names[i],
                     x[p * s->d + i]);
        }
        st = UA_ERR(UA_EDOMAIN, "%s: \"exact\": not finite at %s (%g): the solution must be "
                    "finite on the box", who, at, u[p]);
    }
    free(x), free(u);
    return st;
}

/* The equation evaluated when the file is read, on a grid of about 1000 points of the box (ends
 * included), each with NJET trial jets (u and its derivatives: all 0, then values that differ
 * from channel to channel, so that 1 / (u_x - u_y) is not tried only where it is singular, of
 * both signs and of sizes up to 2, 50, 1e4 and 1e8, so that sqrt(u - 3) is tried where it is
 * defined): an equation that is NaN or infinite at every one of them ("1/0*u", "log(-1) + u")
 * has nothing to train on and is refused now, naming it, rather than failing at the first Adam
 * step. One finite value anywhere is enough to pass: a residual singular only somewhere
 * (1/x on [0, 1]) is the training's to meet. */
static ua_status check_equation(const ua_pde_spec *s, const char *who)
{
    enum { NJET = 17 };
    static const double amp[4] = { 2, 50, 1e4, 1e8 };
    double *x;
    size_t n;
    ua_status st = ua_pde_grid(s, 1000, &x, &n);
    if (st) return st;
    size_t C = 1 + s->d + s->npairs;
    for (int j = 0; j < NJET; j++) {
        double jet[UA_PDE_MAX_CHAN];
        for (size_t c = 0; c < C; c++) jet[c] = j ? amp[j % 4] * sin(1.7 + 2.3 * j + 0.91 * (double)c) : 0;
        for (size_t p = 0; p < n; p++)
            if (isfinite(ua_pde_residual(s, x + p * s->d, jet, NULL))) {
                free(x);
                return UA_OK;
            }
    }
    free(x);
    return UA_ERR(UA_EDOMAIN, "%s: \"equation\" \"%.200s\" is NaN or infinite at every point "
                  "tried (%zu points of the box, each with %d values of u and its derivatives): "
                  "nothing to train on", who, s->equation, n, NJET);
}

static ua_status parse_root(ua_pde_spec *s, const cJSON *root, const char *who)
{
    if (!cJSON_IsObject(root)) return UA_ERR(UA_EFORMAT, "%s: not a JSON object", who);
    for (const cJSON *f = root->child; f; f = f->next) {
        int ok = 0;
        for (size_t i = 0; i < sizeof known_fields / sizeof *known_fields; i++)
            ok |= !strcmp(f->string, known_fields[i]);
        if (!ok)
            return UA_ERR(UA_EFORMAT, "%s: unknown field \"%.40s\" (name, space, time, "
                          "parameters, equation, conditions, exact, reference, description, "
                          "output_transform)",
                          who, f->string);
    }
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(root, "name");
    if (name && !cJSON_IsString(name))
        return UA_ERR(UA_EFORMAT, "%s: \"name\" must be a string", who);
    s->name = ua_strdup(name ? name->valuestring : "pde");
    if (!s->name) return UA_ENOMEM_ERR(64);
    const cJSON *space = cJSON_GetObjectItemCaseSensitive(root, "space");
    if (!space) return UA_ERR(UA_EFORMAT, "%s: \"space\" is missing ({\"x\": [0, 1]})", who);
    ua_status st = read_box(s, space, who, "space");
    if (st) return st;
    s->ns = s->d;
    const cJSON *time = cJSON_GetObjectItemCaseSensitive(root, "time");
    if (time) {
        if (!cJSON_IsObject(time) || cJSON_GetArraySize(time) != 1)
            return UA_ERR(UA_EFORMAT, "%s: \"time\" must be one variable, {\"t\": [0, 1]}", who);
        if ((st = read_box(s, time, who, "time"))) return st;
        s->has_time = 1;
    }
    if ((st = read_params(s, cJSON_GetObjectItemCaseSensitive(root, "parameters"), who)))
        return st;
    if ((st = read_equation(s, cJSON_GetObjectItemCaseSensitive(root, "equation"), who)))
        return st;
    if ((st = check_equation(s, who))) return st;
    const cJSON *conds = cJSON_GetObjectItemCaseSensitive(root, "conditions");
    if (!cJSON_IsArray(conds) || cJSON_GetArraySize(conds) < 1)
        return UA_ERR(UA_EFORMAT, "%s: \"conditions\" must be a non-empty array", who);
    if (cJSON_GetArraySize(conds) > UA_PDE_MAX_CONDS)
        return UA_ERR(UA_EFORMAT, "%s: at most %d conditions", who, UA_PDE_MAX_CONDS);
    for (const cJSON *c = conds->child; c; c = c->next) {
        if ((st = read_condition(s, c, who, s->nconds))) return st;
        s->nconds++;
    }
    const cJSON *exact = cJSON_GetObjectItemCaseSensitive(root, "exact");
    const cJSON *ref = cJSON_GetObjectItemCaseSensitive(root, "reference");
    if (!exact == !ref)
        return UA_ERR(UA_EFORMAT, "%s: give one of \"exact\" (an expression of the solution) "
                      "and \"reference\" (burgers, allen_cahn) to measure against", who);
    if (exact) {
        if ((st = parse_expr(s, exact, who, "exact", &s->exact))) return st;
        snprintf(s->reference_text, sizeof s->reference_text, "exact: %.200s",
                 ua_target_spec(s->exact));
        if ((st = check_exact(s, who))) return st;
    } else if ((st = read_reference(s, ref, who))) return st;
    if ((st = read_transform(s, cJSON_GetObjectItemCaseSensitive(root, "output_transform"), who)))
        return st;
    const cJSON *desc = cJSON_GetObjectItemCaseSensitive(root, "description");
    if (desc && !cJSON_IsString(desc))
        return UA_ERR(UA_EFORMAT, "%s: \"description\" must be a string", who);
    return UA_OK;
}

static int cmp_key(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A key that appears twice in one object, anywhere in v (cJSON keeps both and the reader would
 * see only the first): UA_EFORMAT naming it and its object (field: the key holding v, NULL at
 * the top). The depth is bounded by cJSON's nesting limit. */
static ua_status check_duplicates(const cJSON *v, const char *who, const char *field)
{
    if (cJSON_IsObject(v) && v->child && v->child->next) {
        size_t n = 0;
        for (const cJSON *c = v->child; c; c = c->next) n++;
        const char **keys = malloc(n * sizeof *keys);
        if (!keys) return UA_ENOMEM_ERR(n * sizeof *keys);
        n = 0;
        for (const cJSON *c = v->child; c; c = c->next) keys[n++] = c->string ? c->string : "";
        qsort(keys, n, sizeof *keys, cmp_key);
        for (size_t i = 1; i < n; i++)
            if (!strcmp(keys[i - 1], keys[i])) {
                ua_status st = field ? UA_ERR(UA_EFORMAT, "%s: the key \"%.40s\" appears twice "
                                              "in \"%.40s\"", who, keys[i], field)
                                     : UA_ERR(UA_EFORMAT, "%s: the field \"%.40s\" appears "
                                              "twice", who, keys[i]);
                free(keys);
                return st;
            }
        free(keys);
    }
    for (const cJSON *c = v->child; c; c = c->next) {
        const char *f = cJSON_IsObject(v) ? c->string : field;
        ua_status st = check_duplicates(c, who, f);
        if (st) return st;
    }
    return UA_OK;
}

ua_status ua_pde_spec_parse(const char *text, size_t len, const char *who, ua_pde_spec **out)
{
    *out = NULL;
    if (!text) return UA_ERR(UA_EINVAL, "%s: no text", who);
    if (len > MAX_FILE) return UA_ERR(UA_EFORMAT, "%s: larger than %u bytes", who, MAX_FILE);
    /* "\u0000" in a string: cJSON's strings end at the NUL, so the text after it would be cut
     * off silently; refused (an escaped backslash before "u0000" is no escape) */
    for (size_t i = 0; i + 6 <= len; i++) {
        if (text[i] != '\\') continue;
        if (text[i + 1] == '\\') { i++; continue; }
        if ((text[i + 1] == 'u') && !memcmp(text + i + 2, "0000", 4))
            return UA_ERR(UA_EFORMAT, "%s: a NUL character (\\u0000) in a string at byte %zu: "
                          "strings may not hold NUL", who, i);
    }
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(text, len, &end, 0);
    if (!root) {
        size_t off = end && end >= text ? (size_t)(end - text) : 0;
        return UA_ERR(UA_EFORMAT, "%s: not valid JSON (near byte %zu)", who, off);
    }
    /* only white space may follow the JSON value (as the safetensors header and the graph
     * reader): trailing text or NUL bytes mean the file is not what its writer meant */
    ua_status st = UA_OK;
    for (const char *q = end; q && q < text + len && !st; q++)
        if (*q != ' ' && *q != '\t' && *q != '\n' && *q != '\r')
            st = UA_ERR(UA_EFORMAT, "%s: text after the JSON object at byte %zu (%s)", who,
                        (size_t)(q - text), *q ? "one JSON object per file" : "a NUL byte");
    if (!st) st = check_duplicates(root, who, NULL);
    if (st) {
        cJSON_Delete(root);
        return st;
    }
    ua_pde_spec *s = calloc(1, sizeof *s);
    if (!s) {
        cJSON_Delete(root);
        return UA_ENOMEM_ERR(sizeof *s);
    }
    snprintf(s->who, sizeof s->who, "%s", who ? who : "pde");
    st = parse_root(s, root, who);
    cJSON_Delete(root);
    if (st) {
        ua_pde_spec_free(s);
        return st;
    }
    *out = s;
    return UA_OK;
}

/* The values of a point: inputs, then parameters. */
static size_t point_values(const ua_pde_spec *s, const double *x, double *v)
{
    memcpy(v, x, s->d * sizeof *x);
    memcpy(v + s->d, s->pvals, s->nparams * sizeof *v);
    return s->d + s->nparams;
}

double ua_pde_residual(const ua_pde_spec *s, const double *x, const double *jet, double *dr)
{
    double v[UA_PDE_MAX_DIM + UA_PDE_MAX_PARAMS + UA_PDE_MAX_CHAN];
    size_t nb = point_values(s, x, v), d = s->d;
    for (size_t i = nb; i < s->neqvars; i++) v[i] = 0;
    size_t slot[UA_PDE_MAX_CHAN];
    for (size_t c = 0; c < 1 + d; c++) slot[c] = nb + c;
    for (size_t q = 0; q < s->npairs; q++) slot[1 + d + q] = (size_t)s->pair_slot[q];
    size_t C = 1 + d + s->npairs;
    for (size_t c = 0; c < C; c++) v[slot[c]] = jet[c];
    double r = ua_target_eval(s->eq, v);
    if (!dr) return r;
    for (size_t c = 0; c < C; c++) {
        dr[c] = 0;
        if (!s->uses[c]) continue;
        double x0 = v[slot[c]], h = 1e-4 * (fabs(x0) > 1 ? fabs(x0) : 1);
        volatile double xp = x0 + h, xm = x0 - h; /* the steps as rounded */
        v[slot[c]] = xp;
        double rp = ua_target_eval(s->eq, v);
        v[slot[c]] = xm;
        double rm = ua_target_eval(s->eq, v);
        v[slot[c]] = x0;
        dr[c] = (rp - rm) / (xp - xm);
    }
    return r;
}

double ua_pde_cond_value(const ua_pde_spec *s, const ua_pde_cond *c, const double *x)
{
    if (!c->value) return 0;
    double v[UA_PDE_MAX_DIM + UA_PDE_MAX_PARAMS];
    point_values(s, x, v);
    return ua_target_eval(c->value, v);
}

ua_status ua_pde_solution(void *spec, const double *x, size_t n, double *y)
{
    const ua_pde_spec *s = spec;
    if (s->ref) return ua_pde_reference_eval(s->ref, x, n, y);
    double v[UA_PDE_MAX_DIM + UA_PDE_MAX_PARAMS];
    for (size_t i = 0; i < n; i++) {
        point_values(s, x + i * s->d, v);
        y[i] = ua_target_eval(s->exact, v);
    }
    return UA_OK;
}

ua_status ua_pde_spec_transform(const ua_pde_spec *s, ua_pde_transform **T)
{
    *T = NULL;
    if (!s->transform_g) return UA_OK;
    return transform_make(s, s->transform_g, s->transform_D, T);
}

/* ---- the public reader (uniapprox/pde.h) ---------------------------------------------------- */

ua_status ua_pde_problem_parse(const char *text, size_t len, const char *name, ua_problem **out)
{
    if (!out) return UA_ERR(UA_EINVAL, "ua_pde_problem_parse: out is NULL");
    *out = NULL;
    const char *who = name ? name : "problem";
    ua_pde_spec *s;
    ua_status st = ua_pde_spec_parse(text, len, who, &s);
    if (st) return st;
    const char *vars[UA_PDE_MAX_DIM];
    for (size_t i = 0; i < s->d; i++) vars[i] = s->names[i];
    char ref[256];
    snprintf(ref, sizeof ref, "%s", s->reference_text);
    size_t d = s->d;
    double lo[UA_PDE_MAX_DIM], hi[UA_PDE_MAX_DIM];
    memcpy(lo, s->lo, d * sizeof *lo);
    memcpy(hi, s->hi, d * sizeof *hi);
    return ua_problem_pde(vars, d, lo, hi, ua_pde_solution, s, ua_pde_spec_free, who, ref, out);
}

ua_status ua_pde_problem_read(const char *path, ua_problem **out)
{
    if (!out) return UA_ERR(UA_EINVAL, "ua_pde_problem_read: out is NULL");
    *out = NULL;
    if (!path) return UA_ERR(UA_EINVAL, "ua_pde_problem_read: no path");
    FILE *f = fopen(path, "rb");
    if (!f) return UA_ERR(UA_EINVAL, "cannot open %s: %s", path, strerror(errno));
    char *buf = malloc(MAX_FILE + 1);
    if (!buf) {
        fclose(f);
        return UA_ENOMEM_ERR(MAX_FILE + 1);
    }
    errno = 0;
    size_t len = fread(buf, 1, MAX_FILE + 1, f);
    int err = ferror(f);
    int e = errno;
    fclose(f);
    errno = e;
    ua_status st;
    if (err && errno == EISDIR) st = UA_ERR(UA_EINVAL, "cannot read %s: it is a directory", path);
    else if (err) st = UA_ERR(UA_EIO, "cannot read %s: %s", path, strerror(errno));
    else if (len > MAX_FILE) st = UA_ERR(UA_EFORMAT, "%s: larger than %u bytes", path, MAX_FILE);
    else st = ua_pde_problem_parse(buf, len, path, out);
    free(buf);
    return st;
}

ua_status ua_pde_problem_residual(const ua_problem *p, const double *x, const double *jet,
                                  size_t n, double *r)
{
    const ua_pde_spec *s = ua_problem_pde_spec(p);
    if (!s) return UA_ERR(UA_EINVAL, "ua_pde_problem_residual: not a PDE problem");
    size_t d = s->d, full = 1 + d + d * (d + 1) / 2;
    for (size_t i = 0; i < n; i++) {
        double j[UA_PDE_MAX_CHAN];
        const double *J = jet + i * full;
        for (size_t c = 0; c < 1 + d; c++) j[c] = J[c];
        for (size_t q = 0; q < s->npairs; q++) {
            size_t a = (size_t)s->pi[q], b = (size_t)s->pj[q], k = 0;
            for (size_t i2 = 0; i2 < a; i2++) k += d - i2;
            j[1 + d + q] = J[1 + d + k + (b - a)];
        }
        r[i] = ua_pde_residual(s, x + i * d, j, NULL);
    }
    return UA_OK;
}
