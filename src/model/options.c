/* Option values checked against a family's option table (uniapprox/options.h): one parser and
 * one message style for every family. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "uniapprox/options.h"

struct ua_options {
    const ua_option_spec *spec; /* (n,), the family's static table */
    size_t n;
    char **value;               /* (n,) the value set, or NULL */
};

ua_status ua_options_alloc(const ua_option_spec *spec, size_t n, ua_options **out)
{
    if (!out) return UA_ERR(UA_EINVAL, "ua_options_alloc: out is NULL");
    *out = NULL;
    if (n && !spec) return UA_ERR(UA_EINVAL, "ua_options_alloc: spec is NULL");
    ua_options *o = calloc(1, sizeof *o);
    if (!o) return UA_ENOMEM_ERR(sizeof *o);
    o->spec = spec;
    o->n = n;
    if (n && !(o->value = ua_calloc(n, sizeof *o->value))) {
        free(o);
        return UA_ENOMEM_ERR(n * sizeof(char *));
    }
    *out = o;
    return UA_OK;
}

void ua_options_free(ua_options *o)
{
    if (!o) return;
    for (size_t i = 0; i < o->n; i++) free(o->value[i]);
    free(o->value);
    free(o);
}

const ua_option_spec *ua_options_spec(const ua_options *o, size_t *n)
{
    if (n) *n = o ? o->n : 0;
    return o ? o->spec : NULL;
}

static long find(const ua_options *o, const char *name)
{
    if (!o || !name) return -1;
    for (size_t i = 0; i < o->n; i++)
        if (!strcmp(o->spec[i].name, name)) return (long)i;
    return -1;
}

char *ua_option_choice_name(const char *choices, int i, char *buf, size_t len)
{
    if (!len) return buf;
    buf[0] = '\0';
    if (!choices || i < 0) return buf;
    const char *p = choices;
    for (int k = 0; k < i; k++) {
        p = strchr(p, '|');
        if (!p) return buf;
        p++;
    }
    size_t m = strcspn(p, "|");
    if (m >= len) m = len - 1;
    memcpy(buf, p, m);
    buf[m] = '\0';
    return buf;
}

/* The index of value in the '|'-separated list, or -1. */
static int choice_index(const char *choices, const char *value)
{
    const char *p = choices;
    size_t vlen = strlen(value);
    for (int i = 0; p && *p; i++) {
        size_t m = strcspn(p, "|");
        if (m == vlen && !strncmp(p, value, m)) return i;
        p = p[m] ? p + m + 1 : NULL;
    }
    return -1;
}

/* "1" for "1"/"true"/NULL, "0" for "0"/"false"; NULL otherwise. */
static const char *flag_value(const char *v)
{
    if (!v || !strcmp(v, "1") || !strcmp(v, "true")) return "1";
    if (!strcmp(v, "0") || !strcmp(v, "false")) return "0";
    return NULL;
}

/* Strict number: the whole string, finite. */
static int parse_real(const char *s, double *x)
{
    char *end;
    errno = 0;
    *x = strtod(s, &end);
    return end != s && !*end && isfinite(*x) && !(errno == ERANGE && fabs(*x) > 1);
}

char *ua_option_range_text(const ua_option_spec *sp, char *buf, size_t len)
{
    if (!buf || !len) return buf;
    buf[0] = '\0';
    if (!sp || (sp->type != UA_OPT_INT && sp->type != UA_OPT_REAL)) return buf;
    /* only finite values are accepted (parse_real): an infinite bound is never reached */
    int lo_open = isinf(sp->lo) || (sp->type == UA_OPT_REAL && sp->lo_open);
    int hi_open = isinf(sp->hi);
    snprintf(buf, len, "%c%.15g, %.15g%c", lo_open ? '(' : '[', sp->lo, sp->hi,
             hi_open ? ')' : ']');
    return buf;
}

static ua_status range_error(const ua_option_spec *sp, const char *value)
{
    char range[80];
    ua_option_range_text(sp, range, sizeof range);
    return UA_ERR(UA_EINVAL, "--%s '%s': expected %s in %s", sp->name, value,
                  sp->type == UA_OPT_INT ? "an integer" : "a number", range);
}

/* Validates value for sp; UA_OK, or UA_EINVAL with the one message style. */
static ua_status check_value(const ua_option_spec *sp, const char *value)
{
    double x;
    switch (sp->type) {
    case UA_OPT_FLAG:
        if (!flag_value(value))
            return UA_ERR(UA_EINVAL, "--%s takes no value (or 1/0, true/false), got '%s'",
                          sp->name, value);
        return UA_OK;
    case UA_OPT_INT:
        if (!value || !parse_real(value, &x) || x != floor(x) || x < sp->lo || x > sp->hi)
            return range_error(sp, value ? value : "");
        return UA_OK;
    case UA_OPT_REAL:
        if (!value || !parse_real(value, &x) || x > sp->hi || x < sp->lo ||
            (sp->lo_open && x == sp->lo))
            return range_error(sp, value ? value : "");
        return UA_OK;
    case UA_OPT_CHOICE:
        if (!value || choice_index(sp->choices, value) < 0) {
            char alts[256];
            snprintf(alts, sizeof alts, "%s", sp->choices ? sp->choices : "");
            for (char *p = alts; *p; p++)
                if (*p == '|') *p = ' ';
            return UA_ERR(UA_EINVAL, "--%s '%s': expected one of %s", sp->name,
                          value ? value : "", alts);
        }
        return UA_OK;
    case UA_OPT_STRING:
        if (!value || !*value) return UA_ERR(UA_EINVAL, "--%s needs a value", sp->name);
        return UA_OK;
    }
    return UA_ERR(UA_EINVAL, "--%s: unknown option type", sp->name);
}

ua_status ua_options_set(ua_options *o, const char *name, const char *value)
{
    if (!o || !name) return UA_ERR(UA_EINVAL, "ua_options_set: NULL argument");
    long i = find(o, name);
    if (i < 0) {
        char list[1024] = "";
        for (size_t k = 0; k < o->n; k++) {
            size_t used = strlen(list);
            snprintf(list + used, sizeof list - used, "%s--%s", k ? ", " : "", o->spec[k].name);
        }
        return UA_ERR(UA_ENOTFOUND, "unknown option --%s (options: %s)", name,
                      o->n ? list : "none");
    }
    const ua_option_spec *sp = &o->spec[i];
    ua_status s = check_value(sp, value);
    if (s) return s;
    char *copy = ua_strdup(sp->type == UA_OPT_FLAG ? flag_value(value) : value);
    if (!copy) return UA_ENOMEM_ERR(strlen(value) + 1);
    free(o->value[i]);
    o->value[i] = copy;
    return UA_OK;
}

int ua_options_given(const ua_options *o, const char *name)
{
    long i = find(o, name);
    return i >= 0 && o->value[i] != NULL;
}

const char *ua_options_get(const ua_options *o, const char *name)
{
    long i = find(o, name);
    if (i < 0) return NULL;
    return o->value[i] ? o->value[i] : o->spec[i].def;
}

double ua_options_real(const ua_options *o, const char *name)
{
    const char *v = ua_options_get(o, name);
    double x;
    return v && parse_real(v, &x) ? x : NAN;
}

long long ua_options_int(const ua_options *o, const char *name)
{
    const char *v = ua_options_get(o, name);
    double x;
    return v && parse_real(v, &x) ? (long long)x : 0;
}

int ua_options_flag(const ua_options *o, const char *name)
{
    const char *v = ua_options_get(o, name);
    return v && !strcmp(v, "1");
}

int ua_options_choice(const ua_options *o, const char *name)
{
    long i = find(o, name);
    const char *v = ua_options_get(o, name);
    return i >= 0 && v ? choice_index(o->spec[i].choices, v) : -1;
}
