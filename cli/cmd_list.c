/* uniapprox list — what the library offers, read from its own tables: the families (the
 * registry), the built-in targets (uniapprox/target.h) and the named choices of the families'
 * options (activations, kernels, maps, ... from each family's option table). Nothing here is
 * a copy: a new family, target or choice shows up without editing this file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char help[] =
    "usage: uniapprox list [families|targets|choices] [--json]\n"
    "\n"
    "Lists, from the library's own tables:\n"
    "  families   the approximator families: what each takes (formulas, functions, samples,\n"
    "             sequences; dimensions) and its docs page\n"
    "  targets    the built-in targets (TARGET may also be any expression, docs/expressions.md)\n"
    "  choices    the named values of the families' options: activations, kernels, maps, ...\n"
    "             (each with the families that have it)\n"
    "Without an argument, all three. A family's options with their defaults and ranges:\n"
    "uniapprox fit --family F --help.\n";

/* indexed by ua_problem_kind (uniapprox/problem.h) */
static const char *const kinds[] = { "formulas", "functions", "samples", "sequences",
                                       "graphs", "PDE problem files" };

/* "1-D", "1- to 3-D", "any dimension" and the kinds a family takes, into buf. */
static const char *takes(const ua_family_info *f, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    if (f->accepts != UA_ACCEPTS(UA_PROBLEM_SEQUENCES) && f->accepts != UA_ACCEPTS(UA_PROBLEM_GRAPHS)) {
        if (f->max_dim == f->min_dim) used = (size_t)snprintf(buf, len, "%zu-D ", f->min_dim);
        else if (f->max_dim)
            used = (size_t)snprintf(buf, len, "%zu- to %zu-D ", f->min_dim, f->max_dim);
        else used = (size_t)snprintf(buf, len, "any dimension: ");
    }
    int first = 1;
    for (int k = 0; k < (int)(sizeof kinds / sizeof *kinds) && used < len; k++)
        if (f->accepts & UA_ACCEPTS(k)) {
            used += (size_t)snprintf(buf + used, len - used, "%s%s", first ? "" : ", ", kinds[k]);
            first = 0;
        }
    return buf;
}

/* The option names of type CHOICE, each once, in the order first met (families by name). */
static size_t choice_names(const char **names, size_t cap)
{
    size_t n = 0;
    for (size_t f = 0; f < ua_family_count(); f++) {
        ua_family_info info;
        if (ua_family_info_at(f, &info)) continue;
        for (size_t i = 0; i < info.noptions; i++) {
            const ua_option_spec *o = &info.options[i];
            if (o->type != UA_OPT_CHOICE || !o->choices) continue;
            size_t k = 0;
            while (k < n && strcmp(names[k], o->name)) k++;
            if (k == n && n < cap) names[n++] = o->name;
        }
    }
    return n;
}

static void list_families(FILE *out, cJSON *json)
{
    cJSON *arr = json ? cJSON_AddArrayToObject(json, "families") : NULL;
    if (!json) fprintf(out, "families (uniapprox fit --family F --help lists F's options):\n");
    for (size_t i = 0; i < ua_family_count(); i++) {
        ua_family_info info;
        char buf[160];
        if (ua_family_info_at(i, &info)) continue;
        if (arr) {
            cJSON *o = cJSON_CreateObject();
            cJSON_AddStringToObject(o, "name", info.name);
            cJSON_AddStringToObject(o, "summary", info.summary);
            cJSON_AddStringToObject(o, "takes", takes(&info, buf, sizeof buf));
            cJSON_AddNumberToObject(o, "min_dim", (double)info.min_dim);
            cJSON_AddNumberToObject(o, "max_dim", (double)info.max_dim); /* 0: any */
            cJSON_AddStringToObject(o, "doc", info.doc);
            cJSON_AddItemToArray(arr, o);
        } else {
            fprintf(out, "  %-8s %s\n           takes %s  (%s)\n", info.name, info.summary,
                    takes(&info, buf, sizeof buf), info.doc);
        }
    }
}

static void list_targets(FILE *out, cJSON *json)
{
    cJSON *arr = json ? cJSON_AddArrayToObject(json, "targets") : NULL;
    if (!json) fprintf(out, "built-in targets (or any expression: docs/expressions.md):\n");
    for (size_t i = 0; i < ua_target_builtin_count(); i++) {
        if (arr) {
            cJSON *o = cJSON_CreateObject();
            cJSON_AddStringToObject(o, "name", ua_target_builtin_name(i));
            cJSON_AddStringToObject(o, "doc", ua_target_builtin_doc(i));
            cJSON_AddItemToArray(arr, o);
        } else {
            fprintf(out, "  %-12s %s\n", ua_target_builtin_name(i), ua_target_builtin_doc(i));
        }
    }
}

static void list_choices(FILE *out, cJSON *json)
{
    const char *names[256];
    size_t n = choice_names(names, sizeof names / sizeof names[0]);
    cJSON *obj = json ? cJSON_AddObjectToObject(json, "choices") : NULL;
    if (!json) fprintf(out, "choices of the families' options (--NAME VALUE):\n");
    for (size_t k = 0; k < n; k++) {
        /* one line per distinct list of values: families may offer different sets */
        cJSON *arr = obj ? cJSON_AddArrayToObject(obj, names[k]) : NULL;
        for (size_t f = 0; f < ua_family_count(); f++) {
            ua_family_info info;
            if (ua_family_info_at(f, &info)) continue;
            for (size_t i = 0; i < info.noptions; i++) {
                const ua_option_spec *o = &info.options[i];
                if (o->type != UA_OPT_CHOICE || !o->choices || strcmp(o->name, names[k]))
                    continue;
                if (arr) {
                    cJSON *e = cJSON_CreateObject();
                    cJSON_AddStringToObject(e, "family", info.name);
                    cJSON *vals = cJSON_AddArrayToObject(e, "values");
                    for (const char *p = o->choices; *p;) {
                        size_t len = strcspn(p, "|");
                        char v[128];
                        snprintf(v, sizeof v, "%.*s", (int)(len < sizeof v ? len : sizeof v - 1),
                                 p);
                        cJSON_AddItemToArray(vals, cJSON_CreateString(v));
                        p += len + (p[len] == '|');
                    }
                    if (o->def) cJSON_AddStringToObject(e, "default", o->def);
                    cJSON_AddItemToArray(arr, e);
                } else {
                    fprintf(out, "  --%-14s %-8s %s", o->name, info.name, o->choices);
                    if (o->def) fprintf(out, "  (default %s)", o->def);
                    fputc('\n', out);
                }
            }
        }
    }
}

int cmd_list(int argc, char **argv)
{
    int json = 0;
    const ua_opt opts[] = { { "json", 0, 0, NULL, &json } };
    char **pos;
    size_t npos;
    int rc = ua_cli_parse("list", argc, argv, opts, 1, &pos, &npos);
    if (rc == -1) {
        free(pos);
        fputs(help, stdout);
        return UA_EXIT_OK;
    }
    const char *what = npos == 1 ? pos[0] : NULL;
    free(pos);
    if (rc) return rc;
    if (npos > 1) return ua_cli_usage("list", "expected at most one of families, targets, choices");
    int all = !what, fam = all || !strcmp(what, "families"), tgt = all || !strcmp(what, "targets"),
        cho = all || !strcmp(what, "choices");
    if (!fam && !tgt && !cho)
        return ua_cli_usage("list", "'%s': expected families, targets or choices", what);
    cJSON *o = json ? cJSON_CreateObject() : NULL;
    if (json && !o) return ua_cli_usage("list", "out of memory");
    if (fam) list_families(stdout, o);
    if (fam && tgt && !json) fputc('\n', stdout);
    if (tgt) list_targets(stdout, o);
    if (cho && (fam || tgt) && !json) fputc('\n', stdout);
    if (cho) list_choices(stdout, o);
    if (o) ua_cli_print_json(o);
    return UA_EXIT_OK;
}
