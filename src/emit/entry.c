/* The exported function's public signature and entry point (src/emit/emit.h; the rule is
 * ua_model_export_c's, uniapprox/model.h). */
#include <stdio.h>

#include "emit.h"

void ua_emit_signature(char *buf, size_t len, ua_export_type type, const char *name, size_t din,
                       size_t dout)
{
    const char *T = type == UA_EXPORT_FLOAT ? "float" : "double";
    if (din == 1 && dout == 1) snprintf(buf, len, "%s %s(%s x)", T, name, T);
    else if (dout == 1) snprintf(buf, len, "%s %s(const %s *x)", T, name, T);
    else snprintf(buf, len, "void %s(const %s *x, %s *y)", name, T, T);
}

void ua_emit_eval_begin(const ua_emit *e)
{
    fprintf(e->out, "static void %s_eval(const %s *x, %s *y)\n{\n", e->name, e->T, e->T);
}

void ua_emit_entry(const ua_emit *e, size_t din, size_t dout)
{
    const char *T = e->T, *n = e->name;
    char sig[256];
    ua_emit_signature(sig, sizeof sig, e->fl ? UA_EXPORT_FLOAT : UA_EXPORT_DOUBLE, n, din, dout);
    /* the family's code works on arrays; the wrapper gives the scalar forms (inlined) */
    if (din == 1 && dout == 1)
        fprintf(e->out, "\n%s\n{\n    %s y;\n    %s_eval(&x, &y);\n    return y;\n}\n", sig, T, n);
    else if (dout == 1)
        fprintf(e->out, "\n%s\n{\n    %s y;\n    %s_eval(x, &y);\n    return y;\n}\n", sig, T, n);
    else fprintf(e->out, "\n%s\n{\n    %s_eval(x, y);\n}\n", sig, n);
}
