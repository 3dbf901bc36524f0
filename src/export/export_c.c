/* ua_model_export_c: a standalone C99 file evaluating a model (uniapprox/model.h). The generic
 * part writes the header comment and #include; the family writes the code. */
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

/* C11 keywords: a function may not be called any of these. */
static const char *const keywords[] = {
    "auto", "break", "case", "char", "const", "continue", "default", "do", "double", "else",
    "enum", "extern", "float", "for", "goto", "if", "inline", "int", "long", "register",
    "restrict", "return", "short", "signed", "sizeof", "static", "struct", "switch", "typedef",
    "union", "unsigned", "void", "volatile", "while", "_Alignas", "_Alignof", "_Atomic", "_Bool",
    "_Complex", "_Generic", "_Imaginary", "_Noreturn", "_Static_assert", "_Thread_local"};

/* Names the emitted file would clash with: main, and what <math.h> (included by every export)
 * declares in C99 — a function called sin would redefine libm's. */
static const char *const taken[] = {
    "main", "acos", "acosh", "asin", "asinh", "atan", "atan2", "atanh", "cbrt", "ceil",
    "copysign", "cos", "cosh", "erf", "erfc", "exp", "exp2", "expm1", "fabs", "fdim", "floor",
    "fma", "fmax", "fmin", "fmod", "frexp", "hypot", "ilogb", "ldexp", "lgamma", "llrint",
    "llround", "log", "log10", "log1p", "log2", "logb", "lrint", "lround", "modf", "nan",
    "nearbyint", "nextafter", "nexttoward", "pow", "remainder", "remquo", "rint", "round",
    "scalbln", "scalbn", "sin", "sinh", "sqrt", "tan", "tanh", "tgamma", "trunc", "j0", "j1",
    "jn", "y0", "y1", "yn", "signbit", "isnan", "isinf", "isfinite", "fpclassify"};

static ua_status check_name(const char *name)
{
    const char *p = name;
    int ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || *p == '_';
    for (p++; ok && *p; p++)
        ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
             *p == '_';
    if (!ok) return UA_ERR(UA_EINVAL, "'%s' is not a C identifier", name);
    for (size_t i = 0; i < sizeof keywords / sizeof keywords[0]; i++)
        if (strcmp(name, keywords[i]) == 0)
            return UA_ERR(UA_EINVAL, "'%s' is a C keyword and cannot name a function", name);
    for (size_t i = 0; i < sizeof taken / sizeof taken[0]; i++)
        if (strcmp(name, taken[i]) == 0 || (strlen(name) == strlen(taken[i]) + 1 &&
                                             !strncmp(name, taken[i], strlen(taken[i])) &&
                                             (name[strlen(name) - 1] == 'f' ||
                                              name[strlen(name) - 1] == 'l')))
            return UA_ERR(UA_EINVAL, "'%s' would clash with %s in the exported file; choose "
                          "another --name", name, strcmp(name, "main") ? "<math.h>" : "main()");
    /* Identifiers starting with __ or _X belong to the implementation (C11 7.1.3). */
    if (name[0] == '_' && (name[1] == '_' || (name[1] >= 'A' && name[1] <= 'Z')))
        return UA_ERR(UA_EINVAL, "'%s' is a reserved identifier (starts with __ or _X)", name);
    return UA_OK;
}

/* Writes s inside a block comment: no "*" "/" pair may close it early (nor "/" "*" start a nested
 * one, which compilers warn about), and control characters
 * (a newline in a target spec) would break the layout. At most max bytes, then "...". */
static void put_comment_text(FILE *f, const char *s, size_t max)
{
    size_t n = 0;
    for (const char *p = s; *p; p++, n++) {
        if (n == max) {
            fputs("...", f);
            return;
        }
        unsigned char c = (unsigned char)*p;
        if (c < 0x20 || c == 0x7f) fputc(' ', f);
        else if (c == '*' && p[1] == '/') fputs("* ", f);
        else if (c == '/' && p[1] == '*') fputs("/ ", f); /* compilers warn on a nested "/" "*" */
        else fputc(c, f);
    }
}

/* One "key: value" line per field of the family's description. */
static void put_describe(FILE *f, const cJSON *obj)
{
    for (const cJSON *c = obj ? obj->child : NULL; c; c = c->next) {
        fputs(" *   ", f);
        put_comment_text(f, c->string ? c->string : "?", 64);
        fputs(": ", f);
        if (cJSON_IsString(c)) {
            put_comment_text(f, c->valuestring, 200);
        } else {
            char *text = cJSON_PrintUnformatted(c);
            /* long lists (hundreds of breakpoints) are cut: the comment is a summary */
            if (text) put_comment_text(f, text, 200);
            cJSON_free(text);
        }
        fputc('\n', f);
    }
}

static const char *const error_keys[][2] = {
    {"max_abs_err", "max |p - f|"},
    {"max_rel_err", "max |p - f| / |f|"},
    {"max_rel_scale_err", "max |p - f| / max |f|"},
    {"max_ulp64", "max error in float64 ULP"},
    {"max_ulp32", "max error in float32 ULP"},
};

static ua_status write_all(const ua_model *m, ua_export_type type, const char *name, FILE *f)
{
    const ua_family *fam = ua_model_family_vtable(m);
    const char *T = type == UA_EXPORT_FLOAT ? "float" : "double";
    double lo, hi;
    char slo[32], shi[32];
    size_t din, dout;
    char sig[160];
    ua_model_dims(m, &din, &dout);
    ua_model_domain(m, &lo, &hi);
    /* 1-D models export `T name(T x)`; n-D models `void name(const T *x, T *y)`, x of shape
     * (din,) and y of shape (dout,). */
    if (din == 1 && dout == 1) snprintf(sig, sizeof sig, "%s %s(%s x)", T, name, T);
    else snprintf(sig, sizeof sig, "void %s(const %s *x, %s *y)", name, T, T);
    fprintf(f, "/*\n * %s\n", sig);
    if (din != 1 || dout != 1) fprintf(f, " *   x: %zu inputs, y: %zu outputs\n", din, dout);
    fputs(" *\n", f);
    fputs(" * Generated by uniapprox " UA_VERSION_STRING ". Standalone C99: needs only <math.h>.\n"
          " *\n * target: ", f);
    put_comment_text(f, ua_model_target(m)[0] ? ua_model_target(m) : "(not recorded)", 500);
    if (isfinite(lo))
        fprintf(f, "\n * domain: [%s, %s] (NaN outside)\n", ua_fmt_double(slo, lo),
                ua_fmt_double(shi, hi));
    else fputs("\n", f);
    fprintf(f, " * family: %s\n", fam->name);
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
    int any = 0;
    for (size_t i = 0; i < sizeof error_keys / sizeof error_keys[0]; i++) {
        const char *v = ua_model_meta(m, error_keys[i][0]);
        if (!v) continue;
        if (!any) fputs(" *\n * measured error (against the MPFR reference, at fit time):\n", f);
        any = 1;
        fprintf(f, " *   %-18s ", error_keys[i][0]);
        put_comment_text(f, v, 64);
        fprintf(f, "   (%s)\n", error_keys[i][1]);
    }
    if (!any) fputs(" *\n * measured error: not recorded in the model\n", f);
    if (type == UA_EXPORT_FLOAT)
        fputs(" * (float export: coefficients rounded to float; measure it again with `check`)\n",
              f);
    fprintf(f, " *\n * Use: add this file to your build (link with -lm) and declare\n"
               " *     %s;\n */\n#include <math.h>\n\n", sig);
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
