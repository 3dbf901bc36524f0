/* ua_fit: a problem handed to a family through its vtable (uniapprox/model.h). The engine checks
 * that the family accepts the problem, gives the family a model to record its metadata on, times
 * the fit, and stores the problem and every option value with the model. The verdict is not made
 * here: it is ua_model_measure's (src/model/measure.c). */
#define _XOPEN_SOURCE 700 /* realpath */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "core/internal.h"
#include "family.h"

static double seconds_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0->tv_nsec);
}

/* FNV-1a (64 bits) of the bytes of the file at path into hex (17 bytes); 0 when it cannot be read.
 * Not a cryptographic hash: it tells `check` that the source changed since the fit. */
int ua_model_source_hash(const char *path, char hex[17])
{
    FILE *f = fopen(path, "rb");
    if (!f) return 0;
    uint64_t h = 0xcbf29ce484222325ULL;
    unsigned char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        for (size_t i = 0; i < n; i++) h = (h ^ buf[i]) * 0x100000001b3ULL;
    int ok = !ferror(f);
    fclose(f);
    if (ok) snprintf(hex, 17, "%016llx", (unsigned long long)h);
    return ok;
}

/* The source "FILE:SYMBOL" with FILE made absolute (so that `check` finds it from anywhere),
 * malloc'd; NULL when FILE cannot be resolved (then the text as given is kept). */
static char *absolute_source(const char *src)
{
    const char *colon = strrchr(src, ':');
    if (!colon || colon == src) return NULL;
    size_t flen = (size_t)(colon - src);
    char *file = malloc(flen + 1);
    if (!file) return NULL;
    memcpy(file, src, flen);
    file[flen] = '\0';
    char *abs = realpath(file, NULL);
    free(file);
    if (!abs) return NULL;
    size_t len = strlen(abs) + strlen(colon) + 1;
    char *out = malloc(len);
    if (out) snprintf(out, len, "%s%s", abs, colon);
    free(abs);
    return out;
}

/* What the model must remember of the problem to be measured again (`check`), exported with an
 * honest header, and described: kind, reference, variable names, the function's source. */
static ua_status store_problem(ua_model *m, const ua_problem *p)
{
    ua_problem_kind kind = ua_problem_kind_of(p);
    size_t d = ua_problem_dim(p);
    int box = kind == UA_PROBLEM_FORMULA || kind == UA_PROBLEM_FUNCTION || kind == UA_PROBLEM_PDE;
    ua_status s = ua_model_set_problem(m, box ? ua_problem_describe(p) : "", box ? d : 0,
                                       box ? ua_problem_lo(p) : NULL,
                                       box ? ua_problem_hi(p) : NULL);
    if (!s) s = ua_model_set_meta(m, "problem", ua_problem_kind_name(kind));
    if (!s) s = ua_model_set_meta(m, "reference", ua_problem_reference(p));
    /* how a formula was sampled, and whether its removable singularities were filled */
    if (!s && kind == UA_PROBLEM_FORMULA) s = ua_model_set_meta(m, "sampling", ua_problem_sampling(p));
    if (!s && ua_problem_fill_removable(p)) s = ua_model_set_meta(m, "fill_removable", "1");
    if (!s && box) {
        size_t len = 1;
        for (size_t i = 0; i < d; i++) len += strlen(ua_problem_var(p, i)) + 1;
        char *vars = malloc(len);
        if (!vars) return UA_ENOMEM_ERR(len);
        vars[0] = '\0';
        for (size_t i = 0; i < d; i++) {
            if (i) strcat(vars, ",");
            strcat(vars, ua_problem_var(p, i));
        }
        s = ua_model_set_meta(m, "vars", vars);
        free(vars);
    }
    if (!s && kind == UA_PROBLEM_FUNCTION) {
        const char *src = NULL, *cflags = NULL;
        int vector = 0;
        /* a function given as a pointer (ua_problem_callback) has no source to remember */
        if (ua_problem_function_source(p, &src, &vector, &cflags) != UA_OK) ua_clear_error();
        else if (src) {
            char *abs = absolute_source(src), hash[17];
            s = ua_model_set_meta(m, "function", abs ? abs : src);
            if (!s && abs) {
                *strrchr(abs, ':') = '\0';
                if (ua_model_source_hash(abs, hash)) s = ua_model_set_meta(m, "function_hash", hash);
            }
            free(abs);
            if (!s) s = ua_model_set_meta(m, "function_vector", vector ? "1" : "0");
            if (!s && cflags) s = ua_model_set_meta(m, "function_cflags", cflags);
        }
    }
    if (!s && !box && ua_problem_describe(p)[0]) {
        s = ua_model_set_meta(m, "data", ua_problem_describe(p));
        /* the data file (or split folder) made absolute too: the commands that write refuse an
         * output onto it from any directory, where "data" is the path as it was given */
        char *abs = s ? NULL : realpath(ua_problem_describe(p), NULL);
        if (abs) s = ua_model_set_meta(m, "data_path", abs);
        free(abs);
    }
    /* a table with a header: its input columns by name, so that eval --input can find them in
     * another file by name (a JSON array: a CSV name may hold a comma) */
    if (!s && kind == UA_PROBLEM_SAMPLES && ua_problem_var(p, 0)) {
        cJSON *names = cJSON_CreateArray();
        for (size_t i = 0; names && i < d; i++)
            cJSON_AddItemToArray(names, cJSON_CreateString(ua_problem_var(p, i)));
        char *text = names ? cJSON_PrintUnformatted(names) : NULL;
        cJSON_Delete(names);
        if (!text) return UA_ENOMEM_ERR(d * 16);
        s = ua_model_set_meta(m, "input_names", text);
        free(text);
    }
    /* and its target columns by name, so that rows measured later are refused when their target
     * is another column (check --data of a file whose last column is not the target) */
    if (!s && kind == UA_PROBLEM_SAMPLES && ua_problem_target_name(p, 0)) {
        size_t k = ua_problem_outputs(p);
        cJSON *names = cJSON_CreateArray();
        for (size_t j = 0; names && j < k; j++)
            cJSON_AddItemToArray(names, cJSON_CreateString(ua_problem_target_name(p, j)));
        char *text = names ? cJSON_PrintUnformatted(names) : NULL;
        cJSON_Delete(names);
        if (!text) return UA_ENOMEM_ERR(k * 16);
        s = ua_model_set_meta(m, "target_names", text);
        free(text);
    }
    return s;
}

ua_status ua_model_store_filled(ua_model *m, const ua_problem *p)
{
    if (!ua_problem_filled(p, 0, NULL, NULL, NULL)) return UA_OK;
    char *text;
    ua_status s = ua_problem_fill_text(p, &text);
    if (!s) s = ua_model_set_meta(m, "filled", text);
    free(text);
    return s;
}

/* Every option with a value (set or default) under its metadata key ('-' -> '_'). */
static ua_status store_options(ua_model *m, const ua_options *o)
{
    size_t n;
    const ua_option_spec *spec = ua_options_spec(o, &n);
    for (size_t i = 0; i < n; i++) {
        const char *v = ua_options_get(o, spec[i].name);
        if (!v) continue;
        if (spec[i].type == UA_OPT_FLAG && !ua_options_flag(o, spec[i].name)) continue;
        char key[128];
        snprintf(key, sizeof key, "%s", spec[i].name);
        for (char *c = key; *c; c++)
            if (*c == '-') *c = '_';
        if (ua_model_meta(m, key)) continue; /* the family recorded its own (resolved) value */
        ua_status s = ua_model_set_meta(m, key, v);
        if (s) return s;
    }
    return UA_OK;
}

ua_status ua_fit(const ua_problem *p, const char *family, const ua_options *opt,
                 const ua_fit_hooks *hooks, ua_model **out)
{
    if (!out) return UA_ERR(UA_EINVAL, "ua_fit: out is NULL");
    *out = NULL;
    if (!p) return UA_ERR(UA_EINVAL, "ua_fit: problem is NULL");
    /* no family named, or "auto": the library's choice (src/model/choose.c), recorded with why */
    const char *choice = NULL;
    if (!family || !strcmp(family, "auto")) {
        ua_status cs = ua_family_choose(p, &family, &choice);
        if (cs) return cs;
    }
    ua_status s = ua_family_accepts(family, p);
    if (s) return s;
    const ua_family *fam = ua_family_find(family);
    ua_options *defaults = NULL;
    if (!opt) {
        if ((s = ua_options_alloc(fam->options, fam->noptions, &defaults))) return s;
        opt = defaults;
    } else if (ua_options_spec(opt, NULL) != fam->options) {
        return UA_ERR(UA_EINVAL, "ua_fit: the options were made for another family than %s "
                      "(use ua_family_options)", fam->name);
    }
    ua_model *m = NULL;
    s = ua_model_new(fam, &m);
    if (!s) s = store_problem(m, p);
    if (!s && choice) s = ua_model_set_meta(m, "family_choice", choice);
    if (s) {
        ua_model_free(m);
        ua_options_free(defaults);
        return s;
    }
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    void *state = NULL;
    ua_status fs = fam->fit(p, opt, hooks, m, &state);
    double secs = seconds_since(&t0);
    if (fs != UA_OK && fs != UA_ENOTRESOLVED) {
        fam->free(state);
        ua_model_free(m);
        ua_options_free(defaults);
        return fs;
    }
    if (!state) {
        ua_model_free(m);
        ua_options_free(defaults);
        return UA_ERR(UA_EINVAL, "the %s family returned no model", fam->name);
    }
    /* the message of a not-resolved fit must survive the bookkeeping below */
    char reason[512] = "";
    if (fs == UA_ENOTRESOLVED) ua_last_error_message(reason, sizeof reason);
    ua_model_attach(m, state);
    char buf[32];
    snprintf(buf, sizeof buf, "%.6g", secs);
    s = ua_model_set_meta(m, "fit_seconds", buf);
    if (!s) s = ua_model_set_meta(m, "fit_resolved", fs == UA_OK ? "1" : "0");
    if (!s && reason[0]) s = ua_model_set_meta(m, "fit_reason", reason);
    if (!s) s = store_options(m, opt);
    if (!s) s = ua_model_store_filled(m, p);
    ua_options_free(defaults);
    if (s) {
        ua_model_free(m);
        return s;
    }
    *out = m;
    if (fs == UA_ENOTRESOLVED) return UA_ERR(UA_ENOTRESOLVED, "%s", reason);
    return UA_OK;
}
