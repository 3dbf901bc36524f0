/* uniapprox info — describe a model: family, target, domain, pieces, errors, options. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "model/family.h"

static const char help[] =
    "usage: uniapprox info MODEL [--json]\n"
    "\n"
    "Shows the model's family, target and domain, what the family reports about it (for cheb:\n"
    "pieces, breakpoints, lengths, the integral over the domain), the errors measured when it\n"
    "was fitted, and the options it was fitted with.\n";

int cmd_info(int argc, char **argv)
{
    int json = 0;
    const ua_opt opts[] = { { "json", 0, 0, NULL, &json } };
    char **pos;
    size_t npos;
    int rc = ua_cli_parse("info", argc, argv, opts, 1, &pos, &npos);
    if (rc == -1) {
        free(pos);
        fputs(help, stdout);
        return UA_EXIT_OK;
    }
    const char *path = npos == 1 ? pos[0] : NULL;
    free(pos);
    if (rc) return rc;
    if (!path) return ua_cli_usage("info", "expected one MODEL (see --help)");

    ua_model *m;
    ua_status s = ua_model_load(path, &m);
    if (s) return ua_cli_fail("info", s);
    cJSON *o = cJSON_CreateObject();
    double lo, hi;
    ua_model_domain(m, &lo, &hi);
    cJSON_AddStringToObject(o, "family", ua_model_family(m));
    cJSON_AddStringToObject(o, "target", ua_model_target(m));
    cJSON *d = cJSON_AddArrayToObject(o, "domain");
    cJSON_AddItemToArray(d, cJSON_CreateNumber(lo));
    cJSON_AddItemToArray(d, cJSON_CreateNumber(hi));
    s = ua_model_family_vtable(m)->describe(ua_model_state(m), o);
    if (s) {
        cJSON_Delete(o);
        ua_model_free(m);
        return ua_cli_fail("info", s);
    }
    cJSON *meta = cJSON_AddObjectToObject(o, "metadata");
    for (size_t i = 0; i < ua_model_meta_count(m); i++) {
        const char *k, *v;
        ua_model_meta_at(m, i, &k, &v);
        cJSON_AddStringToObject(meta, k, v);
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
