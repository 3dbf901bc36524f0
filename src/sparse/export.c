/*
 * Standalone C for a sparse grid (the vtable's export_c), written with the shared emitter
 * (src/emit/emit.h): the grid's tables (surpluses as exact constants, node ids and block levels
 * as integers) and the loops of eval.c and rule1d.c — the same operations in the same order, so
 * a double export agrees with ua_sparse_predict bitwise where the compiler does not contract.
 * The rows' compensated sum (eval.c's two_sum_add) needs the additions as written: compiled with
 * -ffast-math (reassociation) its compensation can vanish, and the rounding bound of
 * `check --prove` no longer describes the export.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "emit/emit.h"
#include "internal.h"

static void emit_uints(FILE *out, const char *name, const char *suffix, const uint32_t *v, size_t n)
{
    fprintf(out, "static const unsigned %s_%s[%zu] = {", name, suffix, n);
    for (size_t j = 0; j < n; j++)
        fprintf(out, "%s%u", j == 0 ? "\n    " : j % 16 ? ", " : ",\n    ", v[j]);
    fputs("\n};\n", out);
}

/* The map to t of eval.c (ua_sparse_to_t) and the node-id helpers of internal.h. */
static void emit_common(const ua_emit *e, const ua_sparse *g)
{
    FILE *out = e->out;
    const char *T = e->T, *nm = e->name;
    ua_emit_array(e, "lo", g->lo, g->d);
    ua_emit_array(e, "hi", g->hi, g->d);
    ua_emit_array(e, "c", g->surplus, g->n);
    fprintf(out, "static unsigned %s_first(int l) { return l == 0 ? 0u : l == 1 ? 1u : (1u << (l - 1)) + 1u; }\n", nm);
    /* 0 outside the box (beyond 8 ulps of an edge) or at NaN: the caller answers NaN */
    fprintf(out, "static int %s_to_t(const %s *x, %s *t)\n{\n    int inside = 1;\n"
                 "    for (int i = 0; i < %zu; i++) {\n"
                 "        %s mid = (%s)0.5 * %s_lo[i] + (%s)0.5 * %s_hi[i], half = (%s)0.5 * %s_hi[i] - (%s)0.5 * %s_lo[i];\n"
                 "        %s s = (x[i] - mid) / half;\n"
                 "        if (!(fabs%s(s) <= (%s)1 + (%s)8 * %s)) inside = 0;\n"
                 "        t[i] = s < -1 ? -1 : s > 1 ? 1 : s == s ? s : 0;\n    }\n    return inside;\n}\n",
            nm, T, T, g->d, T, T, nm, T, nm, T, nm, T, nm, T, e->f, T, T,
            e->fl ? "0x1p-23f" : "0x1p-52");
}

static void emit_local(const ua_emit *e, const ua_sparse *g)
{
    FILE *out = e->out;
    const char *T = e->T, *nm = e->name, *f = e->f;
    emit_uints(out, nm, "nd", g->node, g->n * g->d);
    fprintf(out, "static int %s_level(unsigned id)\n{\n    if (id == 0) return 0;\n"
                 "    if (id <= 2) return 1;\n    int l = 0;\n"
                 "    for (unsigned v = id - 1; v; v >>= 1) l++;\n    return l;\n}\n", nm);
    fprintf(out, "static %s %s_basis(unsigned id, %s t)\n{\n    if (id == 0) return 1;\n"
                 "    if (id == 1) return t < 0 ? -t : 0;\n    if (id == 2) return t > 0 ? t : 0;\n"
                 "    int l = %s_level(id);\n    unsigned long long k = 2ull * (id - %s_first(l)) + 1ull;\n"
                 "    %s s = fabs%s(ldexp%s(t + 1, l - 1) - (%s)k);\n    if (!(s < 1)) return 0;\n"
                 "    return %s;\n}\n",
            T, nm, T, nm, nm, T, f, f, T, g->order == 2 ? "(1 - s) * (1 + s)" : "1 - s");
    ua_emit_eval_begin(e);
    fprintf(out, "    %s t[%zu], sum = 0;\n    if (!%s_to_t(x, t)) { y[0] = NAN; return; }\n"
                 "    for (unsigned long p = 0; p < %zuul; p++) {\n"
                 "        const unsigned *nd = %s_nd + p * %zu;\n        %s v = %s_c[p];\n"
                 "        for (int i = 0; i < %zu && v != 0; i++) v *= %s_basis(nd[i], t[i]);\n"
                 "        sum += v;\n    }\n    y[0] = sum;\n}\n",
            T, g->d, nm, g->n, nm, g->d, T, nm, g->d, nm);
}

static void emit_cc(const ua_emit *e, const ua_sparse *g)
{
    FILE *out = e->out;
    const char *T = e->T, *nm = e->name, *f = e->f;
    const size_t d = g->d;
    int top = 0;
    for (size_t i = 0; i < d; i++) top = g->maxlevel[i] > top ? g->maxlevel[i] : top;
    /* the nodes of levels 1..top, level by level, and where each level starts */
    size_t total = 1;
    for (int l = 1; l <= top; l++) total += ua_sparse_nodes_upto(l);
    double *tn = malloc(total * sizeof *tn);
    uint32_t toff[UA_SPARSE_CC_MAX_LEVEL + 1] = { 0 }, voff[UA_PROBLEM_MAX_DIM + 1] = { 0 };
    if (!tn) return; /* the caller's ferror check cannot see this: report by an empty body */
    tn[0] = 0.0;
    size_t at = 1;
    for (int l = 1; l <= top; l++) {
        toff[l] = (uint32_t)at;
        const double *lv = ua_sparse_cc_level_nodes(l);
        for (size_t k = 0; k < ua_sparse_nodes_upto(l); k++) tn[at++] = lv ? lv[k] : NAN;
    }
    ua_emit_array(e, "tn", tn, total);
    free(tn);
    emit_uints(out, nm, "toff", toff, (size_t)top + 1);
    uint32_t ml[UA_PROBLEM_MAX_DIM];
    for (size_t i = 0; i < d; i++) {
        ml[i] = (uint32_t)g->maxlevel[i];
        voff[i + 1] = voff[i] + (uint32_t)ua_sparse_nodes_upto(g->maxlevel[i]);
    }
    emit_uints(out, nm, "ml", ml, d);
    emit_uints(out, nm, "voff", voff, d + 1);
    emit_uints(out, nm, "bl", g->blevel, g->nblocks * d);
    uint32_t *bo = malloc((g->nblocks + 1) * sizeof *bo);
    if (!bo) return;
    for (size_t b = 0; b <= g->nblocks; b++) bo[b] = (uint32_t)g->boff[b];
    emit_uints(out, nm, "bo", bo, g->nblocks + 1);
    free(bo);
    /* rule1d.c's ua_sparse_cc_values */
    fprintf(out,
            "static void %s_vals(%s t, int maxl, %s *v)\n{\n    v[0] = 1;\n"
            "    for (int l = 1; l <= maxl; l++) {\n"
            "        const %s *tk = %s_tn + %s_toff[l];\n"
            "        unsigned long M = 1ul << l, hit = (unsigned long)-1, first = %s_first(l);\n"
            "        %s S = 0;\n"
            "        for (unsigned long k = 0; k <= M; k++) {\n"
            "            %s diff = t - tk[k];\n"
            "            if (fabs%s(diff) < %s) { hit = k; break; }\n"
            "            %s w = (k & 1) ? -1 : 1;\n"
            "            if (k == 0 || k == M) w *= (%s)0.5;\n"
            "            S += w / diff;\n        }\n"
            "        unsigned long step = l == 1 ? M : 2, k0 = l == 1 ? 0 : 1;\n"
            "        for (unsigned long k = k0, j = 0; k <= M; k += step, j++) {\n"
            "            %s val;\n"
            "            if (hit != (unsigned long)-1) val = k == hit ? 1 : 0;\n"
            "            else {\n"
            "                %s w = (k & 1) ? -1 : 1;\n"
            "                if (k == 0 || k == M) w *= (%s)0.5;\n"
            "                val = w / (t - tk[k]) / S;\n            }\n"
            "            v[first + j] = val;\n        }\n    }\n}\n",
            nm, T, T, T, nm, nm, nm, T, T, f, e->fl ? "0x1p-126f" : "0x1p-960", T, T, T, T, T);
    fprintf(out, "static unsigned long %s_new(int l) { return l == 0 ? 1ul : l == 1 ? 2ul : 1ul << (l - 1); }\n", nm);
    /* eval.c's two_sum_add: the rows' compensated sum (TwoSum, the errors summed apart) */
    fprintf(out, "static void %s_add(%s *s, %s *c, %s x)\n{\n"
                 "    %s t = *s + x, z = t - *s;\n    *c += (*s - (t - z)) + (x - z);\n    *s = t;\n}\n",
            nm, T, T, T, T);
    ua_emit_eval_begin(e);
    fprintf(out,
            "    %s t[%zu], v[%u], pp[%zu], sum = 0, comp = 0;\n"
            "    unsigned long m[%zu] = {0}, nn[%zu] = {0};\n    const %s *vb[%zu];\n"
            "    if (!%s_to_t(x, t)) { y[0] = NAN; return; }\n"
            "    for (int i = 0; i < %zu; i++) %s_vals(t[i], (int)%s_ml[i], v + %s_voff[i]);\n"
            "    for (unsigned long b = 0; b < %zuul; b++) {\n"
            "        const unsigned *lv = %s_bl + b * %zu;\n"
            "        unsigned long na = 0;\n"
            "        for (int i = 0; i < %zu; i++)\n"
            "            if (lv[i]) {\n"
            "                vb[na] = v + %s_voff[i] + %s_first((int)lv[i]);\n"
            "                nn[na++] = %s_new((int)lv[i]);\n            }\n"
            "        const %s *c = %s_c + %s_bo[b];\n"
            "        unsigned long cnt = %s_bo[b + 1] - %s_bo[b];\n"
            "        if (na == 0) { %s_add(&sum, &comp, c[0]); continue; }\n"
            "        unsigned long last = na - 1, nl = nn[last];\n"
            "        const %s *vl = vb[last];\n"
            "        pp[0] = 1;\n"
            "        for (unsigned long k = 0; k < last; k++) { m[k] = 0; pp[k + 1] = pp[k] * vb[k][0]; }\n"
            "        for (unsigned long j = 0; j < cnt; j += nl) {\n"
            "            %s dot = 0;\n"
            "            for (unsigned long q = 0; q < nl; q++) dot += c[j + q] * vl[q];\n"
            "            %s_add(&sum, &comp, pp[last] * dot);\n"
            "            unsigned long k = last;\n"
            "            while (k > 0 && ++m[k - 1] == nn[k - 1]) m[--k] = 0;\n"
            "            if (k == 0) break;\n"
            "            for (unsigned long r = k - 1; r < last; r++) pp[r + 1] = pp[r] * vb[r][m[r]];\n"
            "        }\n    }\n    y[0] = sum + comp;\n}\n",
            T, d, voff[d], d + 1, d, d, T, d, nm, d, nm, nm, nm, g->nblocks, nm, d, d, nm, nm, nm,
            T, nm, nm, nm, nm, nm, T, T, nm);
}

ua_status ua_sparse_export_c(const void *state, ua_export_type type, const char *name, FILE *out)
{
    ua_emit e;
    ua_status s = ua_emit_start(&e, "sparse export", state, type, name, out);
    if (s) return s;
    const ua_sparse *g = state;
    emit_common(&e, g);
    if (g->rule == UA_SPARSE_CC) emit_cc(&e, g);
    else emit_local(&e, g);
    ua_emit_entry(&e, g->d, 1);
    return UA_OK;
}
