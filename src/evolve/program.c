/*
 * Programs of the evolve family: counts, latency, validation, compaction and evaluation in
 * double or float (src/evolve/internal.h). Evaluation is vertex by vertex over all points (so
 * the inner loop of each operation vectorises); one point at a time gives the same bits, because
 * each operation is one IEEE operation either way.
 */
#include <float.h>
#include <math.h>
#include <string.h>

#include "internal.h"

static const char *const names[EV_NKINDS] = {"x", "const", "add", "sub", "mul", "div", "sqrt",
                                             "fma"};
static const int arity[EV_NKINDS] = {0, 0, 2, 2, 2, 2, 1, 3};
static const int latency[EV_NKINDS] = {0, 0, 4, 4, 4, 11, 12, 4};

float ev_to_float(double v)
{
    if (v > (double)FLT_MAX || v < -(double)FLT_MAX) {
        /* round to nearest: beyond FLT_MAX + half an ulp it is infinite */
        double lim = (double)FLT_MAX + 0x1p103;
        if (fabs(v) < lim) return v > 0 ? FLT_MAX : -FLT_MAX;
        return v > 0 ? INFINITY : -INFINITY;
    }
    return (float)v;
}

int ev_arity(int k) { return k >= 0 && k < EV_NKINDS ? arity[k] : 0; }
const char *ev_kind_name(int k) { return k >= 0 && k < EV_NKINDS ? names[k] : "?"; }
int ev_latency(int k) { return k >= 0 && k < EV_NKINDS ? latency[k] : 0; }

int ev_prog_ops(const ev_prog *g)
{
    int c = 0;
    for (int i = 0; i < g->n; i++) c += g->kind[i] >= EV_ADD;
    return c;
}

int ev_prog_nconst(const ev_prog *g)
{
    int c = 0;
    for (int i = 0; i < g->n; i++) c += g->kind[i] == EV_CONST;
    return c;
}

int ev_prog_latency(const ev_prog *g)
{
    int t[EV_MAX_VERTICES];
    for (int i = 0; i < g->n; i++) {
        int k = g->kind[i], m = 0;
        for (int j = 0; j < ev_arity(k); j++)
            if (t[g->arg[i][j]] > m) m = t[g->arg[i][j]];
        t[i] = m + ev_latency(k);
    }
    return g->n ? t[g->n - 1] : 0;
}

int ev_prog_valid(const ev_prog *g)
{
    if (!g || g->n < 1 || g->n > EV_MAX_VERTICES || g->kind[0] != EV_INPUT) return 0;
    for (int i = 0; i < g->n; i++) {
        int k = g->kind[i];
        if (k >= EV_NKINDS || (i && k == EV_INPUT)) return 0;
        for (int j = 0; j < 3; j++) {
            if (j < ev_arity(k) ? g->arg[i][j] >= i : g->arg[i][j] != 0) return 0;
        }
        if (k == EV_CONST ? !isfinite(g->val[i]) : g->val[i] != 0.0) return 0;
    }
    return 1;
}

void ev_prog_compact(ev_prog *g)
{
    int live[EV_MAX_VERTICES] = {0}, map[EV_MAX_VERTICES];
    live[0] = 1;
    live[g->n - 1] = 1;
    for (int i = g->n - 1; i > 0; i--)
        if (live[i])
            for (int j = 0; j < ev_arity(g->kind[i]); j++) live[g->arg[i][j]] = 1;
    int m = 0;
    for (int i = 0; i < g->n; i++) {
        if (!live[i]) continue;
        map[i] = m;
        g->kind[m] = g->kind[i];
        g->val[m] = g->val[i];
        for (int j = 0; j < 3; j++)
            g->arg[m][j] = (uint8_t)(j < ev_arity(g->kind[i]) ? map[g->arg[i][j]] : 0);
        m++;
    }
    g->n = m;
}

void ev_eval_f64(const ev_prog *g, const double *x, size_t n, double *y, double *w)
{
    for (int i = 0; i < g->n; i++) {
        double *o = w + (size_t)i * n;
        const double *a = w + (size_t)g->arg[i][0] * n, *b = w + (size_t)g->arg[i][1] * n,
                     *c = w + (size_t)g->arg[i][2] * n;
        double v = g->val[i];
        switch (g->kind[i]) {
        case EV_INPUT: memcpy(o, x, n * sizeof *o); break;
        case EV_CONST: for (size_t k = 0; k < n; k++) o[k] = v; break;
        case EV_ADD: for (size_t k = 0; k < n; k++) o[k] = a[k] + b[k]; break;
        case EV_SUB: for (size_t k = 0; k < n; k++) o[k] = a[k] - b[k]; break;
        case EV_MUL: for (size_t k = 0; k < n; k++) o[k] = a[k] * b[k]; break;
        case EV_DIV: for (size_t k = 0; k < n; k++) o[k] = a[k] / b[k]; break;
        case EV_SQRT: for (size_t k = 0; k < n; k++) o[k] = sqrt(a[k]); break;
        case EV_FMA: for (size_t k = 0; k < n; k++) o[k] = fma(a[k], b[k], c[k]); break;
        default: for (size_t k = 0; k < n; k++) o[k] = NAN; break;
        }
    }
    memcpy(y, w + (size_t)(g->n - 1) * n, n * sizeof *y);
}

void ev_eval_f32(const ev_prog *g, const float *x, size_t n, float *y, float *w)
{
    for (int i = 0; i < g->n; i++) {
        float *o = w + (size_t)i * n;
        const float *a = w + (size_t)g->arg[i][0] * n, *b = w + (size_t)g->arg[i][1] * n,
                    *c = w + (size_t)g->arg[i][2] * n;
        float v = ev_to_float(g->val[i]);
        switch (g->kind[i]) {
        case EV_INPUT: memcpy(o, x, n * sizeof *o); break;
        case EV_CONST: for (size_t k = 0; k < n; k++) o[k] = v; break;
        case EV_ADD: for (size_t k = 0; k < n; k++) o[k] = a[k] + b[k]; break;
        case EV_SUB: for (size_t k = 0; k < n; k++) o[k] = a[k] - b[k]; break;
        case EV_MUL: for (size_t k = 0; k < n; k++) o[k] = a[k] * b[k]; break;
        case EV_DIV: for (size_t k = 0; k < n; k++) o[k] = a[k] / b[k]; break;
        case EV_SQRT: for (size_t k = 0; k < n; k++) o[k] = sqrtf(a[k]); break;
        case EV_FMA: for (size_t k = 0; k < n; k++) o[k] = fmaf(a[k], b[k], c[k]); break;
        default: for (size_t k = 0; k < n; k++) o[k] = NAN; break;
        }
    }
    memcpy(y, w + (size_t)(g->n - 1) * n, n * sizeof *y);
}

double ev_eval1_f64(const ev_prog *g, double x)
{
    double w[EV_MAX_VERTICES], y;
    ev_eval_f64(g, &x, 1, &y, w);
    return y;
}

float ev_eval1_f32(const ev_prog *g, float x)
{
    float w[EV_MAX_VERTICES], y;
    ev_eval_f32(g, &x, 1, &y, w);
    return y;
}
