/* cli/svg.c — the small inline-SVG plot writer of `uniapprox report` (svg.h). Coordinates are
 * written with 2 decimals (a hundredth of a pixel); tick positions follow the usual 1-2-5 rule on
 * linear axes and whole decades on log axes. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "svg.h"

void ua_svg_escape(FILE *f, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '&': fputs("&amp;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&#39;", f); break;
        default: fputc(*s, f);
        }
    }
}

void ua_svg_range(const double *v, size_t n, int positive, double *lo, double *hi)
{
    *lo = INFINITY;
    *hi = -INFINITY;
    for (size_t i = 0; i < n; i++)
        if (isfinite(v[i]) && (!positive || v[i] > 0)) {
            if (v[i] < *lo) *lo = v[i];
            if (v[i] > *hi) *hi = v[i];
        }
}

/* The window coordinate of a data value (log10 on a log axis); NaN when it cannot be drawn. */
static double wx(const ua_svg_plot *p, double x) { return p->xlog ? (x > 0 ? log10(x) : NAN) : x; }
static double wy(const ua_svg_plot *p, double y) { return p->ylog ? (y > 0 ? log10(y) : NAN) : y; }

static double px(const ua_svg_plot *p, double x)
{
    double a = wx(p, p->xlo), b = wx(p, p->xhi);
    return p->left + (wx(p, x) - a) / (b - a) * (p->w - p->left - p->right);
}

static double py(const ua_svg_plot *p, double y)
{
    double a = wy(p, p->ylo), b = wy(p, p->yhi);
    double v = wy(p, y);
    if (p->ylog && !(y > 0)) v = a; /* at the floor */
    return p->h - p->bottom - (v - a) / (b - a) * (p->h - p->top - p->bottom);
}

/* Makes [*lo, *hi] a usable window: finite, lo < hi, positive on a log axis. */
static void fix_window(double *lo, double *hi, int lg)
{
    if (lg) {
        if (!(*lo > 0) || !isfinite(*lo)) *lo = *hi > 0 && isfinite(*hi) ? *hi / 10 : 1e-17;
        if (!(*hi > 0) || !isfinite(*hi)) *hi = *lo * 10;
        if (*hi <= *lo * 1.0000001) {
            *lo /= 3.16;
            *hi *= 3.16;
        }
        return;
    }
    if (!isfinite(*lo) || !isfinite(*hi) || *lo > *hi) *lo = 0, *hi = 1;
    if (*hi - *lo <= 1e-12 * fmax(fabs(*lo), fabs(*hi)) || *hi == *lo) {
        double pad = fabs(*hi) > 0 ? 0.01 * fabs(*hi) : 1;
        *lo -= pad;
        *hi += pad;
    }
}

/* A tick label: "1e-12" style on log axes, %g on linear ones. */
static void tick_text(char *buf, size_t len, double v, int lg)
{
    double k = round(log10(v));
    if (lg && fabs(log10(v) - k) < 1e-9) snprintf(buf, len, "1e%d", (int)k);
    else if (lg) snprintf(buf, len, "%.2g", v);
    else snprintf(buf, len, "%.4g", fabs(v) < 1e-300 ? 0.0 : v);
}

/* Tick values of an axis into t (at most 24), their number returned. */
static size_t ticks(double lo, double hi, int lg, double *t)
{
    size_t n = 0;
    if (lg) {
        double a = ceil(log10(lo) - 1e-9), b = floor(log10(hi) + 1e-9);
        double step = ceil((b - a) / 7);
        if (step < 1) step = 1;
        for (double k = a; k <= b && n < 24; k += step) t[n++] = pow(10, k);
        if (n == 0) { /* less than a decade with no power of 10 inside: label near the ends */
            t[n++] = lo * pow(hi / lo, 0.1);
            t[n++] = lo * pow(hi / lo, 0.9);
        }
        return n;
    }
    double raw = (hi - lo) / 6, mag = pow(10, floor(log10(raw))), r = raw / mag;
    double step = (r < 1.5 ? 1 : r < 3.5 ? 2 : r < 7.5 ? 5 : 10) * mag;
    for (double v = ceil(lo / step) * step; v <= hi + 1e-9 * step && n < 24; v += step)
        t[n++] = fabs(v) < 1e-9 * step ? 0 : v;
    return n;
}

void ua_svg_begin(ua_svg_plot *p, FILE *f, const char *id, double w, double h, double xlo,
                  double xhi, double ylo, double yhi, int xlog, int ylog, const char *title,
                  const char *xlabel, const char *ylabel)
{
    double right = p->right > 0 ? p->right : 16; /* a wider margin asked for (a colour bar) */
    memset(p, 0, sizeof *p);
    p->f = f;
    p->w = w;
    p->h = h;
    p->left = 72;
    p->right = right;
    p->top = title ? 26 : 10;
    p->bottom = 44;
    fix_window(&xlo, &xhi, xlog);
    fix_window(&ylo, &yhi, ylog);
    p->xlo = xlo, p->xhi = xhi, p->ylo = ylo, p->yhi = yhi;
    p->xlog = xlog, p->ylog = ylog;
    fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"ua-plot\" id=\"");
    ua_svg_escape(f, id);
    fprintf(f, "\" width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" "
               "data-xlo=\"%.17g\" data-xhi=\"%.17g\" data-ylo=\"%.17g\" data-yhi=\"%.17g\" "
               "data-xlog=\"%d\" data-ylog=\"%d\" role=\"img\">\n", w, h, w, h, xlo, xhi, ylo,
            yhi, xlog, ylog);
    if (title) {
        fputs("<title>", f);
        ua_svg_escape(f, title);
        fprintf(f, "</title>\n<text class=\"ua-title\" x=\"%.2f\" y=\"17\">", p->left);
        ua_svg_escape(f, title);
        fputs("</text>\n", f);
    }
    double x0 = p->left, x1 = w - p->right, y0 = p->top, y1 = h - p->bottom;
    fprintf(f, "<rect class=\"ua-frame\" x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" "
               "fill=\"#fff\" stroke=\"#444\"/>\n", x0, y0, x1 - x0, y1 - y0);
    double t[24];
    char buf[64];
    size_t n = ticks(xlo, xhi, xlog, t);
    for (size_t i = 0; i < n; i++) {
        double x = px(p, t[i]);
        tick_text(buf, sizeof buf, t[i], xlog);
        fprintf(f, "<line class=\"ua-grid\" x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" "
                   "stroke=\"#ddd\"/><text class=\"ua-tick\" x=\"%.2f\" y=\"%.2f\" "
                   "text-anchor=\"middle\">%s</text>\n", x, y0, x, y1, x, y1 + 15, buf);
    }
    n = ticks(ylo, yhi, ylog, t);
    for (size_t i = 0; i < n; i++) {
        double y = py(p, t[i]);
        tick_text(buf, sizeof buf, t[i], ylog);
        fprintf(f, "<line class=\"ua-grid\" x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" "
                   "stroke=\"#ddd\"/><text class=\"ua-tick\" x=\"%.2f\" y=\"%.2f\" "
                   "text-anchor=\"end\">%s</text>\n", x0, y, x1, y, x0 - 5, y + 4, buf);
    }
    if (xlabel) {
        fprintf(f, "<text class=\"ua-label\" x=\"%.2f\" y=\"%.2f\" text-anchor=\"middle\">",
                (x0 + x1) / 2, h - 8);
        ua_svg_escape(f, xlabel);
        fputs("</text>\n", f);
    }
    if (ylabel) {
        fprintf(f, "<text class=\"ua-label\" transform=\"translate(14 %.2f) rotate(-90)\" "
                   "text-anchor=\"middle\">", (y0 + y1) / 2);
        ua_svg_escape(f, ylabel);
        fputs("</text>\n", f);
    }
    /* the curves are clipped to the frame */
    fprintf(f, "<clipPath id=\"");
    ua_svg_escape(f, id);
    fprintf(f, "-clip\"><rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\"/></clipPath>\n"
               "<g clip-path=\"url(#", x0, y0, x1 - x0, y1 - y0);
    ua_svg_escape(f, id);
    fputs("-clip)\">\n", f);
}

static int drawable(const ua_svg_plot *p, double x, double y)
{
    return isfinite(wx(p, x)) && (isfinite(wy(p, y)) || (p->ylog && isfinite(y)));
}

void ua_svg_series(ua_svg_plot *p, const double *x, const double *y, size_t n, const char *cls,
                   const char *colour, double width, int dashed)
{
    size_t drawn = 0;
    double ymax = -INFINITY;
    for (size_t i = 0; i < n; i++)
        if (drawable(p, x[i], y[i])) {
            drawn++;
            if (y[i] > ymax) ymax = y[i];
        }
    fprintf(p->f, "<g class=\"ua-series %s\" data-n=\"%zu\" data-ymax=\"%.17g\">", cls, drawn,
            ymax);
    for (size_t i = 0; i < n;) {
        while (i < n && !drawable(p, x[i], y[i])) i++;
        size_t j = i;
        while (j < n && drawable(p, x[j], y[j])) j++;
        if (j > i) {
            fprintf(p->f, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"%.2g\"%s "
                          "points=\"", colour, width, dashed ? " stroke-dasharray=\"6 4\"" : "");
            for (size_t k = i; k < j; k++)
                fprintf(p->f, "%s%.2f,%.2f", k > i ? " " : "", px(p, x[k]), py(p, y[k]));
            fputs(j == i + 1 ? " " : "", p->f);
            fputs("\"/>", p->f);
        }
        i = j;
    }
    fputs("</g>\n", p->f);
}

void ua_svg_dots(ua_svg_plot *p, const double *x, const double *y, size_t n, const char *cls,
                 const char *colour)
{
    fprintf(p->f, "<g class=\"ua-dots %s\" fill=\"%s\">", cls, colour);
    for (size_t i = 0; i < n; i++)
        if (drawable(p, x[i], y[i]))
            fprintf(p->f, "<circle cx=\"%.2f\" cy=\"%.2f\" r=\"1.6\"/>", px(p, x[i]), py(p, y[i]));
    fputs("</g>\n", p->f);
}

void ua_svg_vmarks(ua_svg_plot *p, const double *x, size_t n, const char *cls)
{
    fprintf(p->f, "<g class=\"%s\" stroke=\"#888\" stroke-dasharray=\"2 3\">", cls);
    double lo = fmin(p->xlo, p->xhi), hi = fmax(p->xlo, p->xhi);
    for (size_t i = 0; i < n; i++)
        if (x[i] >= lo && x[i] <= hi && isfinite(wx(p, x[i])))
            fprintf(p->f, "<line class=\"ua-mark\" data-x=\"%.17g\" x1=\"%.2f\" y1=\"%.2f\" "
                          "x2=\"%.2f\" y2=\"%.2f\"/>", x[i], px(p, x[i]), p->top, px(p, x[i]),
                    p->h - p->bottom);
    fputs("</g>\n", p->f);
}

/* Viridis at 9 stops (matplotlib's colour map, sampled), interpolated linearly: dark blue for
 * small errors, yellow for large ones; readable in grey and by the colour-blind. */
static void colour_of(double u, char *buf, size_t len)
{
    static const unsigned char stops[9][3] = {
        { 68, 1, 84 },    { 71, 44, 122 },  { 59, 81, 139 },  { 44, 113, 142 }, { 33, 144, 141 },
        { 39, 173, 129 }, { 92, 200, 99 },  { 170, 220, 50 }, { 253, 231, 37 },
    };
    if (!(u >= 0)) u = 0;
    if (u > 1) u = 1;
    double s = u * 8;
    int k = (int)s;
    if (k > 7) k = 7;
    double t = s - k;
    int c[3];
    for (int i = 0; i < 3; i++) c[i] = (int)lround(stops[k][i] * (1 - t) + stops[k + 1][i] * t);
    snprintf(buf, len, "#%02x%02x%02x", c[0], c[1], c[2]);
}

void ua_svg_heatmap(ua_svg_plot *p, const double *v, size_t nx, size_t ny, double vlo, double vhi,
                    const char *label)
{
    double x0 = p->left, x1 = p->w - p->right, y0 = p->top, y1 = p->h - p->bottom;
    double cw = (x1 - x0) / (double)nx, ch = (y1 - y0) / (double)ny;
    if (!(vlo > 0)) vlo = 1e-300;
    if (!(vhi > vlo)) vhi = vlo * 10;
    double a = log10(vlo), b = log10(vhi);
    char col[16];
    fprintf(p->f, "<g class=\"ua-heatmap\" data-nx=\"%zu\" data-ny=\"%zu\">", nx, ny);
    for (size_t j = 0; j < ny; j++)
        for (size_t i = 0; i < nx; i++) {
            double val = v[j * nx + i];
            if (isnan(val)) snprintf(col, sizeof col, "#bbbbbb");
            else colour_of(val > 0 ? (log10(val) - a) / (b - a) : 0, col, sizeof col);
            /* cells overlap by a quarter pixel so that no seam shows */
            fprintf(p->f, "<rect class=\"ua-cell\" data-v=\"%.17g\" x=\"%.2f\" y=\"%.2f\" "
                          "width=\"%.2f\" height=\"%.2f\" fill=\"%s\"/>", val, x0 + (double)i * cw,
                    y1 - (double)(j + 1) * ch, cw + 0.25, ch + 0.25, col);
        }
    fputs("</g>\n", p->f);
    /* the colour bar sits in the right margin (the caller leaves room with a wider margin) */
    fputs("</g>\n", p->f); /* out of the clip group */
    double bx = x1 + 14, bw = 14;
    fputs("<g class=\"ua-colourbar\">", p->f);
    for (int k = 0; k < 64; k++) {
        colour_of((k + 0.5) / 64, col, sizeof col);
        fprintf(p->f, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"%s\"/>",
                bx, y1 - (k + 1) * (y1 - y0) / 64, bw, (y1 - y0) / 64 + 0.25, col);
    }
    double t[24];
    char buf[64];
    size_t n = ticks(vlo, vhi, 1, t);
    if (n < 2) { /* less than two decades: the ends labelled as well */
        t[n++] = vlo;
        t[n++] = vhi;
    }
    for (size_t i = 0; i < n; i++) {
        double y = y1 - (log10(t[i]) - a) / (b - a) * (y1 - y0);
        tick_text(buf, sizeof buf, t[i], 1);
        fprintf(p->f, "<text class=\"ua-tick\" x=\"%.2f\" y=\"%.2f\">%s</text>", bx + bw + 4,
                y + 4, buf);
    }
    if (label) {
        fprintf(p->f, "<text class=\"ua-label\" transform=\"translate(%.2f %.2f) rotate(-90)\" "
                      "text-anchor=\"middle\">", p->w - 6, (y0 + y1) / 2);
        ua_svg_escape(p->f, label);
        fputs("</text>", p->f);
    }
    fputs("</g>\n<g>\n", p->f); /* reopens a group for ua_svg_end to close */
}

void ua_svg_legend(ua_svg_plot *p, size_t n, const char *const *names,
                   const char *const *colours, const int *dashed)
{
    double x = p->w - p->right - 190, y = p->top + 8;
    fprintf(p->f, "<g class=\"ua-legend\"><rect x=\"%.2f\" y=\"%.2f\" width=\"182\" "
                  "height=\"%.2f\" fill=\"#fff\" fill-opacity=\"0.85\" stroke=\"#bbb\"/>",
            x, y, 8 + 16.0 * (double)n);
    for (size_t i = 0; i < n; i++) {
        double yy = y + 12 + 16.0 * (double)i;
        fprintf(p->f, "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" stroke=\"%s\" "
                      "stroke-width=\"2\"%s/><text x=\"%.2f\" y=\"%.2f\">", x + 6, yy, x + 30, yy,
                colours[i], dashed && dashed[i] ? " stroke-dasharray=\"6 4\"" : "", x + 36,
                yy + 4);
        ua_svg_escape(p->f, names[i]);
        fputs("</text>", p->f);
    }
    fputs("</g>\n", p->f);
}

void ua_svg_end(ua_svg_plot *p) { fputs("</g>\n</svg>\n", p->f); }
