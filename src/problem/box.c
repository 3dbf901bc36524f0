/* ua_box_parse: a box from its text, "a:b", "a:b,c:d" or "x=a:b,y=c:d" (uniapprox/problem.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "internal.h"

#define MAX_PART 512

static const char *skip_blank(const char *s)
{
    while (*s == ' ' || *s == '\t') s++;
    return s;
}

/* Copies s[0..n) without surrounding blanks into buf (MAX_PART bytes); 0 when too long. */
static int copy_trimmed(char *buf, const char *s, size_t n)
{
    while (n && (*s == ' ' || *s == '\t')) s++, n--;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t')) n--;
    if (n >= MAX_PART) return 0;
    memcpy(buf, s, n);
    buf[n] = '\0';
    return 1;
}

/* A bound: a number (strtod) or a constant expression ("pi", "-2*pi", "exp(1)"). NaN when it is
 * neither or not finite. */
static double bound_value(const char *text)
{
    if (!*text) return NAN;
    char *end;
    double v = strtod(text, &end);
    if (end != text && !*skip_blank(end)) return v;
    ua_target *t;
    /* a variable name nobody writes, so that any name in the bound is an error (NaN) */
    static const char *const none[] = {"ua_no_variable_"};
    if (ua_target_parse(text, none, 1, &t) != UA_OK) {
        ua_clear_error();
        return NAN;
    }
    double x = NAN;
    v = ua_target_eval(t, &x);
    ua_target_free(t);
    return v;
}

/* Parses the interval "a:b" of part for variable name (NULL: every variable) into *a, *b. */
static ua_status parse_interval(const char *spec, const char *name, const char *part, double *a,
                                double *b)
{
    char who[100] = "";
    if (name) snprintf(who, sizeof who, "variable %.60s: ", name);
    /* the separator is the first ':' after the first character, so "-4:4" reads as -4 and 4 */
    const char *colon = *part ? strchr(part + 1, ':') : NULL;
    if (!colon)
        return UA_ERR(UA_EINVAL, "--domain '%.100s': %s'%.100s' is not an interval a:b", spec,
                      who, part);
    char left[MAX_PART], right[MAX_PART];
    copy_trimmed(left, part, (size_t)(colon - part));
    copy_trimmed(right, colon + 1, strlen(colon + 1));
    *a = bound_value(left);
    *b = bound_value(right);
    if (!isfinite(*a) || !isfinite(*b))
        return UA_ERR(UA_EINVAL, "--domain '%.100s': %s'%.100s' is not a finite number", spec,
                      who, !isfinite(*a) ? left : right);
    if (!(*a < *b))
        return UA_ERR(UA_EINVAL, "--domain '%.100s': %sa >= b (%.17g >= %.17g)", spec, who, *a,
                      *b);
    return UA_OK;
}

ua_status ua_box_parse(const char *s, const char *const *vars, size_t d, double *lo, double *hi)
{
    if (!s || !lo || !hi) return UA_ERR(UA_EINVAL, "ua_box_parse: NULL argument");
    if (d == 0 || d > UA_PROBLEM_MAX_DIM)
        return UA_ERR(UA_EINVAL, "a box has 1 to %d variables, got %zu", UA_PROBLEM_MAX_DIM, d);
    char defaults[UA_PROBLEM_MAX_DIM][8];
    const char *names[UA_PROBLEM_MAX_DIM];
    for (size_t i = 0; i < d; i++) {
        if (vars) {
            names[i] = vars[i];
            continue;
        }
        if (d == 1) snprintf(defaults[i], sizeof defaults[i], "x");
        else snprintf(defaults[i], sizeof defaults[i], "x%zu", i + 1);
        names[i] = defaults[i];
    }
    if (!*skip_blank(s)) return UA_ERR(UA_EINVAL, "--domain is empty: give a:b");

    size_t nparts = 1;
    int named = strchr(s, '=') != NULL;
    for (const char *c = s; *c; c++) nparts += *c == ',';
    if (!named && nparts != 1 && nparts != d)
        return UA_ERR(UA_EINVAL, "--domain '%.100s': %zu intervals for %zu variable%s", s, nparts,
                      d, d == 1 ? "" : "s");

    double a[UA_PROBLEM_MAX_DIM], b[UA_PROBLEM_MAX_DIM];
    int seen[UA_PROBLEM_MAX_DIM] = {0};
    const char *p = s;
    for (size_t k = 0; k < nparts; k++) {
        size_t len = strcspn(p, ",");
        char part[MAX_PART];
        if (!copy_trimmed(part, p, len))
            return UA_ERR(UA_EINVAL, "--domain '%.100s': interval %zu is too long", s, k + 1);
        p += len + (p[len] == ',');
        size_t i = k;
        const char *interval = part;
        if (named) {
            char *eq = strchr(part, '=');
            if (!eq)
                return UA_ERR(UA_EINVAL, "--domain '%.100s': '%.100s' names no variable (give "
                              "every interval as name=a:b)", s, part);
            *eq = '\0';
            char name[MAX_PART];
            copy_trimmed(name, part, strlen(part));
            for (i = 0; i < d && strcmp(names[i], name) != 0; i++) {}
            if (i == d) {
                char list[256] = "";
                for (size_t j = 0; j < d; j++) {
                    size_t at = strlen(list);
                    if (at + 40 >= sizeof list) {
                        snprintf(list + at, sizeof list - at, ", ...");
                        break;
                    }
                    snprintf(list + at, sizeof list - at, "%s%.30s", j ? ", " : "", names[j]);
                }
                return UA_ERR(UA_EINVAL, "--domain '%.100s': unknown variable '%.60s' (variables: "
                              "%s)", s, name, list);
            }
            if (seen[i])
                return UA_ERR(UA_EINVAL, "--domain '%.100s': variable %s is given twice", s,
                              names[i]);
            interval = eq + 1;
            while (*interval == ' ' || *interval == '\t') interval++;
        } else if (nparts == 1) {
            i = 0;
        }
        ua_status st = parse_interval(s, nparts == 1 && !named && d > 1 ? NULL : names[i],
                                      interval, &a[i], &b[i]);
        if (st) return st;
        seen[i] = 1;
    }
    for (size_t i = 0; i < d; i++) {
        if (!named && nparts == 1) {
            a[i] = a[0];
            b[i] = b[0];
        } else if (!seen[i]) {
            return UA_ERR(UA_EINVAL, "--domain '%.100s': variable %s is not given", s, names[i]);
        }
    }
    memcpy(lo, a, d * sizeof *lo);
    memcpy(hi, b, d * sizeof *hi);
    return UA_OK;
}
