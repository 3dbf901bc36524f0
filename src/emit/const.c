/* Exact constants, arrays and tables of the C emitter (src/emit/emit.h). */
#include <float.h>
#include <math.h>
#include <stdio.h>

#include "core/internal.h"
#include "emit.h"

ua_emit ua_emit_begin(FILE *out, ua_export_type type, const char *name)
{
    ua_emit e;
    e.out = out;
    e.name = name;
    e.fl = type == UA_EXPORT_FLOAT;
    e.T = e.fl ? "float" : "double";
    e.f = e.fl ? "f" : "";
    return e;
}

ua_status ua_emit_start(ua_emit *e, const char *who, const void *state, ua_export_type type,
                        const char *name, FILE *out)
{
    if (!state || !name || !out) return UA_ERR(UA_EINVAL, "%s export: NULL argument", who);
    if (type != UA_EXPORT_DOUBLE && type != UA_EXPORT_FLOAT)
        return UA_ERR(UA_EINVAL, "%s export: unknown scalar type %d", who, (int)type);
    *e = ua_emit_begin(out, type, name);
    return UA_OK;
}

/* Infinities and NaN through <math.h>'s macros ("%a" would print "inf", which is not C). */
static int put_nonfinite(FILE *out, double v, const char *cast)
{
    if (isnan(v)) fprintf(out, "%sNAN", cast);
    else if (isinf(v)) fprintf(out, "%s%sINFINITY", v < 0 ? "-" : "", cast);
    else return 0;
    return 1;
}

void ua_emit_double(FILE *out, double v)
{
    /* C99 hex float: glibc's %a prints the exact binary value, so it reads back bitwise */
    if (!put_nonfinite(out, v, "(double)")) fprintf(out, "%a", v);
}

void ua_emit_float(FILE *out, double v)
{
    if (put_nonfinite(out, v, "(float)")) return;
    if (v > FLT_MAX) v = FLT_MAX;
    if (v < -FLT_MAX) v = -FLT_MAX;
    fprintf(out, "%af", (double)(float)v);
}

void ua_emit_const(const ua_emit *e, double v)
{
    if (e->fl) ua_emit_float(e->out, v);
    else ua_emit_double(e->out, v);
}

static void put_values(const ua_emit *e, int fl, const double *vd, const float *vf, size_t n,
                       const char *first, const char *sep)
{
    for (size_t k = 0; k < n; k++) {
        fputs(k == 0 ? first : k % 4 ? " " : sep, e->out);
        double v = vd ? vd[k] : (double)vf[k];
        if (fl) ua_emit_float(e->out, v);
        else ua_emit_double(e->out, v);
        if (k + 1 < n) fputc(',', e->out);
    }
}

void ua_emit_array(const ua_emit *e, const char *suffix, const double *v, size_t n)
{
    fprintf(e->out, "static const %s %s_%s[%zu] = {", e->T, e->name, suffix, n);
    put_values(e, e->fl, v, NULL, n, "\n    ", "\n    ");
    fputs("\n};\n", e->out);
}

void ua_emit_array_f32(const ua_emit *e, const char *suffix, const float *v, size_t n)
{
    fprintf(e->out, "static const float %s_%s[%zu] = {", e->name, suffix, n);
    put_values(e, 1, NULL, v, n, "\n    ", "\n    ");
    fputs("\n};\n", e->out);
}

void ua_emit_array_f64(const ua_emit *e, const char *suffix, const double *v, size_t n)
{
    fprintf(e->out, "static const double %s_%s[%zu] = {", e->name, suffix, n);
    put_values(e, 0, v, NULL, n, "\n    ", "\n    ");
    fputs("\n};\n", e->out);
}

void ua_emit_table(const ua_emit *e, const char *suffix, const double *v, size_t rows,
                   size_t cols)
{
    fprintf(e->out, "static const %s %s_%s[%zu][%zu] = {", e->T, e->name, suffix, rows, cols);
    for (size_t i = 0; i < rows; i++) {
        fputs("\n    {", e->out);
        put_values(e, e->fl, v + i * cols, NULL, cols, "", "\n     ");
        fputs(i + 1 < rows ? "}," : "}", e->out);
    }
    fputs("\n};\n", e->out);
}
