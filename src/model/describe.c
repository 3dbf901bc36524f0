/* ua_model_describe and ua_model_problem (uniapprox/model.h): what a model is, as JSON, and the
 * problem it was fitted on, re-created from its metadata so that `check` can measure it again. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "core/internal.h"
#include "family.h"

ua_status ua_model_describe(const ua_model *m, char **json)
{
    if (!m || !json) return UA_ERR(UA_EINVAL, "ua_model_describe: NULL argument");
    *json = NULL;
    cJSON *o = cJSON_CreateObject();
    if (!o) return UA_ENOMEM_ERR(64);
    const char *target = ua_model_target(m), *data = ua_model_meta(m, "data");
    cJSON_AddStringToObject(o, "family", ua_model_family(m));
    if (target[0]) cJSON_AddStringToObject(o, "target", target);
    else if (data) cJSON_AddStringToObject(o, "data", data);
    const char *problem = ua_model_meta(m, "problem"), *vars = ua_model_meta(m, "vars");
    if (problem) cJSON_AddStringToObject(o, "problem", problem);
    size_t d, din, dout;
    const double *lo, *hi;
    ua_model_box(m, &d, &lo, &hi);
    ua_model_dims(m, &din, &dout);
    if (d == 1) {
        cJSON *a = cJSON_AddArrayToObject(o, "domain");
        cJSON_AddItemToArray(a, cJSON_CreateNumber(lo[0]));
        cJSON_AddItemToArray(a, cJSON_CreateNumber(hi[0]));
    } else if (d > 1) {
        cJSON *a = cJSON_AddArrayToObject(o, "box");
        for (size_t i = 0; i < d; i++) {
            cJSON *pair = cJSON_CreateArray();
            cJSON_AddItemToArray(pair, cJSON_CreateNumber(lo[i]));
            cJSON_AddItemToArray(pair, cJSON_CreateNumber(hi[i]));
            cJSON_AddItemToArray(a, pair);
        }
    }
    if (vars && d > 1) cJSON_AddStringToObject(o, "vars", vars);
    ua_status s = ua_model_family_vtable(m)->describe(ua_model_state(m), o);
    const char *note = ua_model_meta(m, "fit_note"); /* what the constructor wants said */
    if (!s && note) cJSON_AddStringToObject(o, "note", note);
    if (!cJSON_GetObjectItemCaseSensitive(o, "inputs"))
        cJSON_AddNumberToObject(o, "inputs", (double)din);
    if (!cJSON_GetObjectItemCaseSensitive(o, "outputs"))
        cJSON_AddNumberToObject(o, "outputs", (double)dout);
    if (!s) ua_json_exact_numbers(o);
    char *text = s ? NULL : cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    if (s) return s;
    if (!text) return UA_ENOMEM_ERR(256);
    *json = text;
    return UA_OK;
}

/* Splits the comma-separated names of "vars" into a malloc'd array of d pointers into *copy. */
static ua_status split_vars(const char *vars, size_t d, char **copy, const char ***names)
{
    *copy = ua_strdup(vars);
    *names = ua_calloc(d, sizeof **names);
    if (!*copy || !*names) {
        free(*copy);
        free(*names);
        *copy = NULL, *names = NULL; /* the caller frees them too */
        return UA_ENOMEM_ERR(strlen(vars) + d * sizeof **names);
    }
    size_t n = 0;
    for (char *p = *copy; n < d; n++) {
        (*names)[n] = p;
        char *c = strchr(p, ',');
        if (!c) {
            n++;
            break;
        }
        *c = '\0';
        p = c + 1;
    }
    if (n != d) {
        free(*copy);
        free(*names);
        *copy = NULL, *names = NULL; /* the caller frees them too (a hostile "vars" freed twice) */
        return UA_ERR(UA_EFORMAT, "the model's variables '%s' are not %zu names", vars, d);
    }
    return UA_OK;
}

ua_status ua_model_problem(const ua_model *m, ua_problem **out)
{
    if (!m || !out) return UA_ERR(UA_EINVAL, "ua_model_problem: NULL argument");
    *out = NULL;
    size_t d;
    const double *lo, *hi;
    ua_model_box(m, &d, &lo, &hi);
    ua_problem_kind kind = ua_model_kind(m);
    if (kind == UA_PROBLEM_FUNCTION) {
        const char *src = ua_model_meta(m, "function"), *vec = ua_model_meta(m, "function_vector");
        if (!src || !d)
            return UA_ERR(UA_EUNSUPPORTED, "the model does not record the function it was "
                          "fitted to (give it again)");
        /* measured against other code the errors would mean nothing: refuse a changed source */
        const char *want = ua_model_meta(m, "function_hash"), *colon = strrchr(src, ':');
        if (want && colon) {
            char file[4096], hash[17];
            size_t flen = (size_t)(colon - src);
            if (flen < sizeof file) {
                memcpy(file, src, flen);
                file[flen] = '\0';
                if (ua_model_source_hash(file, hash) && strcmp(hash, want))
                    return UA_ERR(UA_EINVAL, "the source '%s' has changed since the model was "
                                  "fitted to it: the measurement would be against other code "
                                  "(fit again, or restore the file)", file);
            }
        }
        return ua_problem_function(src, d, vec && !strcmp(vec, "1"),
                                   ua_model_meta(m, "function_cflags"), lo, hi, 0, out);
    }
    if (kind != UA_PROBLEM_FORMULA || !d || !ua_model_target(m)[0])
        return UA_ERR(UA_EUNSUPPORTED, "a %s model of %s has no formula or function to measure "
                      "against", ua_model_family(m), ua_problem_kind_name(kind));
    const char *vars = ua_model_meta(m, "vars");
    char *copy = NULL;
    const char **names = NULL;
    ua_status s = UA_OK;
    if (vars && !(d == 1 && !strcmp(vars, "x"))) s = split_vars(vars, d, &copy, &names);
    ua_target *t = NULL;
    if (!s) s = ua_target_parse(ua_model_target(m), names, names ? d : 0, &t);
    if (!s && ua_target_dim(t) != d)
        s = UA_ERR(UA_EFORMAT, "the model's target '%s' has %zu variables but its box %zu",
                   ua_model_target(m), ua_target_dim(t), d);
    if (!s) s = ua_problem_formula(t, lo, hi, out);
    /* the same values at the singular points as the fit had (--fill-removable) */
    const char *fill = ua_model_meta(m, "fill_removable");
    if (!s && fill && !strcmp(fill, "1") && (s = ua_problem_set_fill_removable(*out, 1))) {
        ua_problem_free(*out);
        *out = NULL;
    }
    ua_target_free(t);
    free(copy);
    free(names);
    return s;
}

ua_status ua_model_natural_points(const ua_model *m, double **pts, size_t *n, int *log_grid)
{
    if (!m || !pts || !n) return UA_ERR(UA_EINVAL, "ua_model_natural_points: NULL argument");
    *pts = NULL;
    *n = 0;
    int lg = 0;
    const ua_family *fam = ua_model_family_vtable(m);
    ua_status s = fam->natural_points ? fam->natural_points(ua_model_state(m), pts, n, &lg)
                                      : UA_OK;
    if (log_grid) *log_grid = lg;
    return s;
}
