/* Polynomial evaluation as straight-line C (src/emit/emit.h): Horner, Estrin, Clenshaw. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emit.h"

void ua_emit_mac(const ua_emit *e)
{
    fprintf(e->out,
            "static inline %s %s_mac(%s a, %s b, %s c)\n{\n#ifdef FP_FAST_FMA%s\n"
            "    return fma%s(a, b, c);\n#else\n    return a * b + c;\n#endif\n}\n\n",
            e->T, e->name, e->T, e->T, e->T, e->fl ? "F" : "", e->f);
}

void ua_emit_horner(const ua_emit *e, const char *indent, const char *coef, size_t n,
                    const char *t, const char *res)
{
    fprintf(e->out, "%s%s %s = %s[%zu];\n", indent, e->T, res, coef, n - 1);
    for (size_t k = n - 1; k-- > 0;)
        fprintf(e->out, "%s%s = %s_mac(%s, %s, %s[%zu]);\n", indent, res, e->name, res, t, coef,
                k);
}

/* A value of Estrin's current level: coefficient i (level 0) or the temporary res_<level>_<i>,
 * or, for an odd element carried up unchanged, whatever it was at the level it was made. */
typedef struct {
    int level; /* -1: the coefficient coef[index] */
    size_t index;
} term;

static void put_term(const ua_emit *e, term v, const char *coef, const char *res)
{
    if (v.level < 0) fprintf(e->out, "%s[%zu]", coef, v.index);
    else fprintf(e->out, "%s_%d_%zu", res, v.level, v.index);
}

void ua_emit_estrin(const ua_emit *e, const char *indent, const char *coef, size_t n,
                    const char *t, const char *res)
{
    if (n < 3) {
        ua_emit_horner(e, indent, coef, n, t, res);
        return;
    }
    /* the values of one level are at most n terms; they are computed in place (v[i] from
     * v[2i], v[2i+1], i < 2i for i >= 1), so one array of n is enough; it lives on the emitter's
     * stack for the usual degrees and would be silly beyond (n is a polynomial length) */
    term small[64], *v = small;
    term *big = NULL;
    if (n > 64) {
        big = malloc(n * sizeof *big);
        if (!big) {
            fprintf(e->out, "#error out of memory while exporting\n");
            return;
        }
        v = big;
    }
    for (size_t i = 0; i < n; i++) v[i] = (term){-1, i};
    size_t L = n;
    int lev = 0;
    char p[64];
    snprintf(p, sizeof p, "%s", t);
    while (L > 1) {
        for (size_t i = 0; i < L / 2; i++) {
            fprintf(e->out, "%sconst %s %s_%d_%zu = %s_mac(", indent, e->T, res, lev, i, e->name);
            put_term(e, v[2 * i + 1], coef, res);
            fprintf(e->out, ", %s, ", p);
            put_term(e, v[2 * i], coef, res);
            fputs(");\n", e->out);
            v[i] = (term){lev, i};
        }
        if (L % 2) v[L / 2] = v[L - 1];
        L = (L + 1) / 2;
        if (L > 1) { /* the next level's power: p * p */
            char q[64];
            snprintf(q, sizeof q, "%s_t%d", res, lev + 1);
            fprintf(e->out, "%sconst %s %s = %s * %s;\n", indent, e->T, q, p, p);
            memcpy(p, q, sizeof p);
        }
        lev++;
    }
    fprintf(e->out, "%s%s %s = ", indent, e->T, res);
    put_term(e, v[0], coef, res);
    fputs(";\n", e->out);
    free(big);
}

void ua_emit_clenshaw(const ua_emit *e, const char *indent, const char *coef, const char *top,
                      const char *s, const char *res)
{
    const char *T = e->T, *zero = e->fl ? "0.0f" : "0.0";
    fprintf(e->out,
            "%s%s %s;\n"
            "%s{\n"
            "%s    %s b1 = %s, b2 = %s, s2 = (%s) + (%s);\n"
            "%s    for (int k = %s; k >= 1; k--) {\n"
            "%s        %s b0 = %s[k] + s2 * b1 - b2;\n"
            "%s        b2 = b1;\n"
            "%s        b1 = b0;\n"
            "%s    }\n"
            "%s    %s = %s[0] + (%s) * b1 - b2;\n"
            "%s}\n",
            indent, T, res, indent, indent, T, zero, zero, s, s, indent, top, indent, T, coef,
            indent, indent, indent, indent, res, coef, s, indent);
}
