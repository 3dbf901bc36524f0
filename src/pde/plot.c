/*
 * src/pde/plot.c — the fit's picture of a PDE model (option --plot FILE.svg): the model's u and
 * its error |u_model - u| against the exact or reference solution, side by side, as SVG.
 * d >= 2: heat maps over the first two inputs (the others at the box's centre), the error on a
 * log10 colour scale; d == 1: the two curves and the error on a log10 axis.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "plot.h"

#define CELLS 60      /* heat map cells per side */
#define PANEL 320     /* panel size in pixels */

/* A colour of the viridis-like ramp for t in [0, 1]. */
static void ramp(double t, int *r, int *g, int *b)
{
    static const double k[5][3] = { { 68, 1, 84 }, { 59, 82, 139 }, { 33, 145, 140 },
                                    { 94, 201, 98 }, { 253, 231, 37 } };
    t = t < 0 ? 0 : t > 1 ? 1 : t;
    double s = t * 4;
    int i = (int)s < 4 ? (int)s : 3;
    double f = s - i;
    *r = (int)(k[i][0] + f * (k[i + 1][0] - k[i][0]));
    *g = (int)(k[i][1] + f * (k[i + 1][1] - k[i][1]));
    *b = (int)(k[i][2] + f * (k[i + 1][2] - k[i][2]));
}

static void heat(FILE *f, int x0, const double *v, double lo, double hi, int logscale,
                 const char *title)
{
    double c = PANEL / (double)CELLS;
    fprintf(f, "<text x='%d' y='18' font-size='13'>%s: %s%.3g .. %.3g</text>\n", x0, title,
            logscale ? "log10 " : "", lo, hi);
    for (int j = 0; j < CELLS; j++)
        for (int i = 0; i < CELLS; i++) {
            double t = hi > lo ? (v[j * CELLS + i] - lo) / (hi - lo) : 0.5;
            int r, g, b;
            ramp(isfinite(t) ? t : 0, &r, &g, &b);
            /* the second input upwards */
            fprintf(f, "<rect x='%.2f' y='%.2f' width='%.2f' height='%.2f' fill='rgb(%d,%d,%d)'/>\n",
                    x0 + i * c, 28 + (CELLS - 1 - j) * c, c + 0.3, c + 0.3, r, g, b);
        }
}

static void curve(FILE *f, int x0, const double *v, size_t n, double lo, double hi,
                  const char *colour)
{
    fprintf(f, "<polyline fill='none' stroke='%s' stroke-width='1.5' points='", colour);
    for (size_t i = 0; i < n; i++) {
        double t = hi > lo ? (v[i] - lo) / (hi - lo) : 0.5;
        fprintf(f, "%.1f,%.1f ", x0 + PANEL * (double)i / (double)(n - 1), 28 + PANEL * (1 - t));
    }
    fputs("'/>\n", f);
}

ua_status ua_pde_plot(const ua_pde_spec *s, const ua_pde_net *net, const char *path)
{
    size_t d = s->d, n = d == 1 ? 400 : (size_t)CELLS * CELLS;
    double *x = malloc(n * d * sizeof *x), *u = malloc(n * sizeof *u), *v = malloc(n * sizeof *v);
    double *e = malloc(n * sizeof *e);
    ua_status st = x && u && v && e ? UA_OK : UA_ENOMEM_ERR(n * d * sizeof *x);
    for (size_t p = 0; !st && p < n; p++) {
        for (size_t a = 0; a < d; a++) x[p * d + a] = 0.5 * (s->lo[a] + s->hi[a]);
        size_t i = d == 1 ? p : p % CELLS, j = p / CELLS, m = d == 1 ? n : CELLS;
        x[p * d] = s->lo[0] + (s->hi[0] - s->lo[0]) * ((double)i + (d == 1 ? 0 : 0.5)) /
                                  (double)(d == 1 ? m - 1 : m);
        if (d > 1) x[p * d + 1] = s->lo[1] + (s->hi[1] - s->lo[1]) * ((double)j + 0.5) / CELLS;
    }
    if (!st) st = ua_pde_net_predict(net, x, n, u);
    if (!st) st = ua_pde_solution((void *)s, x, n, v);
    double ulo = INFINITY, uhi = -INFINITY, elo = INFINITY, ehi = -INFINITY;
    for (size_t p = 0; !st && p < n; p++) {
        double err = fabs(u[p] - v[p]);
        e[p] = log10(err > 1e-300 ? err : 1e-300);
        ulo = fmin(ulo, fmin(u[p], v[p]));
        uhi = fmax(uhi, fmax(u[p], v[p]));
        if (isfinite(e[p])) elo = fmin(elo, e[p]), ehi = fmax(ehi, e[p]);
    }
    FILE *f = st ? NULL : fopen(path, "w");
    if (!st && !f) st = UA_ERR(UA_EIO, "--plot: cannot write %s: %s", path, strerror(errno));
    if (!st) {
        fprintf(f, "<svg xmlns='http://www.w3.org/2000/svg' width='%d' height='%d' "
                   "font-family='sans-serif'>\n<rect width='100%%' height='100%%' fill='white'/>\n",
                2 * PANEL + 60, PANEL + 60);
        if (d == 1) {
            fprintf(f, "<text x='10' y='18' font-size='13'>u: model (blue), solution (black "
                       "dashed), %s in [%g, %g]</text>\n", s->names[0], s->lo[0], s->hi[0]);
            curve(f, 10, v, n, ulo, uhi, "black' stroke-dasharray='4 3");
            curve(f, 10, u, n, ulo, uhi, "#2060c0");
            fprintf(f, "<text x='%d' y='18' font-size='13'>log10 |error|: %.3g .. %.3g</text>\n",
                    PANEL + 40, elo, ehi);
            curve(f, PANEL + 40, e, n, elo, ehi, "#c03020");
        } else {
            heat(f, 10, u, ulo, uhi, 0, "u (model)");
            heat(f, PANEL + 40, e, elo, ehi, 1, "|error|");
            fprintf(f, "<text x='10' y='%d' font-size='12'>%s across (%g .. %g), %s upwards "
                       "(%g .. %g)%s</text>\n", PANEL + 48, s->names[0], s->lo[0], s->hi[0],
                    s->names[1], s->lo[1], s->hi[1], d > 2 ? "; other inputs at the centre" : "");
        }
        fputs("</svg>\n", f);
        if (fclose(f)) st = UA_ERR(UA_EIO, "--plot: cannot write %s", path);
    }
    free(x), free(u), free(v), free(e);
    return st;
}
