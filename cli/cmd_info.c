/* uniapprox info — describe a model: family, target, domain, pieces, errors, options. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char help[] =
    "usage: uniapprox info MODEL [--json]\n"
    "\n"
    "Shows the model's family, target (or data) and domain or box, what the family reports about\n"
    "it (for cheb: pieces, breakpoints, lengths, the integral over the domain; for a network its\n"
    "layers), the errors measured when it was fitted with the verdict, and the options it was\n"
    "fitted with.\n";

/* A metadata value (always a string in the file) as JSON: a number when it is one (so that a
 * reader of --json gets numbers, not strings), an array or object when it holds JSON
 * ("input_names"), else the string. Integers of more than 15 digits or with a leading zero
 * stay strings (a hash, an identifier), since a double would not keep them. */
static cJSON *meta_json(const char *v)
{
    double x;
    if (!ua_cli_double(v, &x) && !strchr(v, ' ') && !strchr(v, '\t')) {
        size_t digits = strspn(v + (*v == '-'), "0123456789");
        int integer = v[(*v == '-') + digits] == '\0';
        const char *d = v + (*v == '-');
        if (!integer || (digits <= 15 && !(d[0] == '0' && digits > 1)))
            return cJSON_CreateNumber(x);
    }
    if (v[0] == '[' || v[0] == '{') {
        cJSON *j = cJSON_Parse(v);
        if (j) return j;
    }
    return cJSON_CreateString(v);
}

int cmd_info(int argc, char **argv)
{
    int json = 0;
    const ua_opt opts[] = { { "json", 0, 0, NULL, &json } };
    const char *path;
    int rc = ua_cli_parse_model("info", help, argc, argv, opts, 1, &path);
    if (rc || !path) return rc;

    ua_model *m;
    ua_status s = ua_model_load(path, &m);
    if (s) return ua_cli_fail("info", s);
    char *desc = NULL;
    s = ua_model_describe(m, &desc);
    cJSON *o = s ? NULL : cJSON_Parse(desc);
    free(desc);
    if (!o) {
        ua_model_free(m);
        return ua_cli_fail("info", s ? s : UA_ENOMEM);
    }
    cJSON *meta = cJSON_AddObjectToObject(o, "metadata");
    /* a PDE's solution is 0 on (parts of) the boundary: the pointwise relative and ULP errors an
     * older model file holds mean nothing there (1e12, 1e28) and are not shown; its measures are
     * rel_l2_err, grid_max_abs_err, max_abs_err, rms_err */
    int pde = ua_model_kind(m) == UA_PROBLEM_PDE;
    for (size_t i = 0; i < ua_model_meta_count(m); i++) {
        const char *k, *v;
        ua_model_meta_at(m, i, &k, &v);
        if (pde && (!strncmp(k, "max_rel_err", 11) || !strncmp(k, "max_ulp", 7))) continue;
        cJSON_AddItemToObject(meta, k, json ? meta_json(v) : cJSON_CreateString(v));
    }
    if (json) {
        ua_cli_print_json(o);
    } else {
        const cJSON *e;
        printf("%-18s %s\n", "model", path);
        ua_cli_print_fields(stdout, o, meta);
        printf("measured errors and fit options:\n");
        cJSON_ArrayForEach(e, meta) printf("  %-16s %s\n", e->string, e->valuestring);
        cJSON_Delete(o);
    }
    ua_model_free(m);
    return UA_EXIT_OK;
}
