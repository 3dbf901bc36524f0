/*
 * The evolve family's C export: the chosen program as straight-line code, one statement per
 * vertex in topological order, constants as exact hex floats (src/emit/emit.h). A float32
 * program computes in float whatever the export type (the double entry point rounds x to float
 * first and returns the float result), so the export equals predict bitwise; a double program
 * computes in the export's type. fma is C99's fma / fmaf (exact: one rounding), never a * b + c.
 */
#include <math.h>
#include <stdio.h>

#include "emit/emit.h"
#include "internal.h"

void ev_write_c(const ev_prog *g, ev_precision prec, const char *name, const char *T_in, FILE *out,
                double a, double b)
{
    int fl = prec == EV_FLOAT32;
    const char *T = fl ? "float" : "double", *suf = fl ? "f" : "";
    fprintf(out, "static %s %s_prog(%s v0)\n{\n", T, name, T);
    for (int i = 1; i < g->n; i++) {
        const uint8_t *r = g->arg[i];
        fprintf(out, "    const %s v%d = ", T, i);
        switch (g->kind[i]) {
        case EV_CONST:
            if (fl) ua_emit_float(out, g->val[i]);
            else ua_emit_double(out, g->val[i]);
            break;
        case EV_ADD: fprintf(out, "v%d + v%d", r[0], r[1]); break;
        case EV_SUB: fprintf(out, "v%d - v%d", r[0], r[1]); break;
        case EV_MUL: fprintf(out, "v%d * v%d", r[0], r[1]); break;
        case EV_DIV: fprintf(out, "v%d / v%d", r[0], r[1]); break;
        case EV_SQRT: fprintf(out, "sqrt%s(v%d)", suf, r[0]); break;
        case EV_FMA: fprintf(out, "fma%s(v%d, v%d, v%d)", suf, r[0], r[1], r[2]); break;
        default: fputs("NAN", out); break;
        }
        fputs(";\n", out);
    }
    fprintf(out, "    return v%d;\n}\n\n", g->n - 1);
    fprintf(out, "%s %s(%s x)\n{\n", T_in, name, T_in);
    fprintf(out, "    if (!((double)x >= %a && (double)x <= %a)) return NAN; /* outside [%.17g, "
                 "%.17g], or NaN */\n", a, b, a, b);
    fprintf(out, "    return (%s)%s_prog((%s)x);\n}\n", T_in, name, T);
}

ua_status ev_export_c(const void *state, ua_export_type type, const char *name, FILE *out)
{
    const ev_model *m = state;
    ua_emit e;
    ua_status st = ua_emit_start(&e, "evolve", state, type, name, out);
    if (st) return st;
    const ev_member *c = &m->front[m->chosen];
    ev_precision prec = m->precision == EV_FLOAT32 || e.fl ? EV_FLOAT32 : EV_DOUBLE;
    fprintf(out, "\n/* evolve: the chosen program of the Pareto front (%d operations, latency "
                 "estimate %d cycles),\n * computed in %s%s; its checked error: %.6g %s%s. */\n\n",
            c->ops, c->latency, prec == EV_FLOAT32 ? "float" : "double",
            m->precision == EV_DOUBLE && e.fl ? " (a double program rounded to float here)" : "",
            c->err, m->precision == EV_FLOAT32 ? "ULP" : "relative",
            c->verified ? " over every float of the interval" : "");
    ev_write_c(&c->prog, prec, name, e.T, out, m->a, m->b);
    if (ferror(out)) return UA_ERR(UA_EIO, "evolve export: write failed");
    return UA_OK;
}
