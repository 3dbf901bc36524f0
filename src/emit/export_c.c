/* ua_model_export_c: a standalone C99 file evaluating a model (uniapprox/model.h). This part
 * checks the name, gathers what the header comment says from the model (src/emit/header.c writes
 * it) and writes atomically; the family writes the code with the emitter (src/emit/emit.h). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "uniapprox.h"
#include "core/internal.h"
#include "model/atomic.h"
#include "model/family.h"
#include "emit.h"

/* The name: ua_emit_name_problem (src/emit/names.c), the check every export shares. */
static ua_status check_name(const char *name)
{
    const char *why = ua_emit_name_problem(name);
    if (why) return UA_ERR(UA_EINVAL, "'%s' %s; choose another --name", name, why);
    return UA_OK;
}

/* One " *   key: value" line per field of the family's description. */
static void put_describe(FILE *f, const cJSON *obj)
{
    for (const cJSON *c = obj ? obj->child : NULL; c; c = c->next) {
        fputs(" *   ", f);
        ua_emit_comment_text(f, c->string ? c->string : "?", 64);
        fputs(": ", f);
        if (cJSON_IsString(c)) {
            ua_emit_comment_text(f, c->valuestring, 200);
        } else {
            char *text = cJSON_PrintUnformatted(c);
            /* long lists (hundreds of breakpoints) are cut: the comment is a summary */
            if (text) ua_emit_comment_text(f, text, 200);
            cJSON_free(text);
        }
        fputc('\n', f);
    }
}

static const char *model_meta(const void *ctx, const char *key)
{
    return ua_model_meta(ctx, key);
}

/* The variable names of metadata "vars" (comma-separated), split in place into buf: up to max
 * names; returns how many. */
static size_t split_vars(const char *vars, char *buf, size_t len, const char **names, size_t max)
{
    if (!vars || !*vars || strlen(vars) >= len) return 0;
    strcpy(buf, vars);
    size_t n = 0;
    for (char *p = buf; n < max;) {
        names[n++] = p;
        char *comma = strchr(p, ',');
        if (!comma) break;
        *comma = '\0';
        p = comma + 1;
        while (*p == ' ') p++;
    }
    return n;
}

#define MAX_VARS 64

static ua_status write_all(const ua_model *m, ua_export_type type, const char *name, FILE *f)
{
    const ua_family *fam = ua_model_family_vtable(m);
    ua_emit_header h;
    memset(&h, 0, sizeof h);
    ua_model_dims(m, &h.din, &h.dout);
    ua_model_box(m, &h.d, &h.lo, &h.hi); /* d 0: a model of samples, no box */
    h.family = fam->name;
    h.target = ua_model_target(m);
    h.data = ua_model_meta(m, "data");
    h.meta = model_meta;
    h.meta_ctx = m;
    h.sequences = fam->predict_sequences != NULL;
    char varbuf[1024];
    const char *vars[MAX_VARS];
    size_t nv = split_vars(ua_model_meta(m, "vars"), varbuf, sizeof varbuf, vars, MAX_VARS);
    if (h.d && nv == h.d) h.vars = vars;

    ua_emit_header_begin(f, type, name, &h);
    if (fam->describe) {
        cJSON *obj = cJSON_CreateObject();
        if (!obj) return UA_ENOMEM_ERR(sizeof(cJSON));
        ua_status s = fam->describe(ua_model_state(m), obj);
        if (s) {
            cJSON_Delete(obj);
            return s;
        }
        put_describe(f, obj);
        cJSON_Delete(obj);
    }
    ua_emit_header_end(f, type, name, &h);
    if (ferror(f)) return UA_EIO;
    return fam->export_c(ua_model_state(m), type, name, f);
}

ua_status ua_model_export_c(const ua_model *m, ua_export_type type, const char *name,
                            const char *path)
{
    if (!m || !path) return UA_ERR(UA_EINVAL, "ua_model_export_c: NULL argument");
    if (!name) name = "ua_approx";
    if (type != UA_EXPORT_DOUBLE && type != UA_EXPORT_FLOAT)
        return UA_ERR(UA_EINVAL, "unknown export type %d", (int)type);
    ua_status s = check_name(name);
    if (s) return s;
    if (!ua_model_family_vtable(m)->export_c)
        return UA_ERR(UA_EUNSUPPORTED, "family '%s' cannot export C", ua_model_family(m));

    if (strcmp(path, "-") == 0) {
        errno = 0;
        s = write_all(m, type, name, stdout);
        if (s == UA_EIO || (!s && (fflush(stdout) != 0 || ferror(stdout))))
            return UA_ERR(UA_EIO, "cannot write to standard output: %s",
                          strerror(errno ? errno : EIO));
        return s;
    }
    ua_atomic a;
    if ((s = ua_atomic_open(&a, path))) return s;
    errno = 0;
    s = write_all(m, type, name, a.f);
    if (s == UA_EIO)
        s = UA_ERR(UA_EIO, "cannot write '%s': %s", path, strerror(errno ? errno : EIO));
    if (s) {
        ua_atomic_abort(&a); /* a half-written file never reaches path */
        return s;
    }
    return ua_atomic_commit(&a);
}
