/*
 * cli/svg.h — a small writer of inline SVG plots for `uniapprox report` (docs/report.md says why
 * our own: a self-contained page with no script, plots whose elements a test can read from the
 * DOM, numbers that are the measured ones, nothing to vendor).
 *
 * A plot is a frame of w x h pixels with a data window [xlo, xhi] x [ylo, yhi] on linear or
 * log10 axes (on a log axis the window and the data are given in the data's own units and must
 * be > 0; values <= 0 are drawn at the axis floor). Everything is written to a FILE as it is
 * called: begin, then series / marks / cells, then end. Elements carry classes ("ua-frame",
 * "ua-series", "ua-mark", "ua-cell") and data-* attributes so that tests can check them.
 */
#ifndef UA_CLI_SVG_H
#define UA_CLI_SVG_H

#include <stddef.h>
#include <stdio.h>

typedef struct {
    FILE *f;
    double w, h;                  /* pixels of the whole SVG */
    double left, right, top, bottom; /* margins in pixels */
    double xlo, xhi, ylo, yhi;    /* the data window (data units) */
    int xlog, ylog;               /* log10 axes */
} ua_svg_plot;

/* Writes "<svg ...>" with id (p->right, when set > 0 before the call, is the right margin in
 * pixels: room for a heat map's colour bar; else 16), a title (text above the frame; may be NULL), the frame, the grid
 * lines with tick labels and the axis labels (xlabel, ylabel; may be NULL). The window is widened
 * when empty or NaN (a flat curve still gets a range). */
void ua_svg_begin(ua_svg_plot *p, FILE *f, const char *id, double w, double h, double xlo,
                  double xhi, double ylo, double yhi, int xlog, int ylog, const char *title,
                  const char *xlabel, const char *ylabel);

/* A polyline of n points (x, y) in data units, with CSS class cls ("ua-target") and a stroke
 * colour; points with a NaN or (on a log axis) non-positive coordinate break the line. dashed:
 * a dashed stroke. Writes data-n (the points drawn) and data-ymax (the largest y drawn, 17
 * digits; -inf when none). */
void ua_svg_series(ua_svg_plot *p, const double *x, const double *y, size_t n, const char *cls,
                   const char *colour, double width, int dashed);

/* Dots of n points, for the positions of measured maxima. */
void ua_svg_dots(ua_svg_plot *p, const double *x, const double *y, size_t n, const char *cls,
                 const char *colour);

/* Dotted vertical lines at x[0..n) (breakpoints, knots), inside the window only. */
void ua_svg_vmarks(ua_svg_plot *p, const double *x, size_t n, const char *cls);

/* A heat map of nx x ny cells over the window: v (ny, nx) row-major (row j: y cell j from ylo),
 * coloured by log10 v between vlo and vhi (> 0; NaN cells grey), each cell a <rect> with
 * class "ua-cell" and data-v its value (17 digits); then a colour bar at the right labelled
 * with decades and label. */
void ua_svg_heatmap(ua_svg_plot *p, const double *v, size_t nx, size_t ny, double vlo, double vhi,
                    const char *label);

/* A legend in the upper right corner: n entries of a name and a colour (dashed[i]: dashed). */
void ua_svg_legend(ua_svg_plot *p, size_t n, const char *const *names,
                   const char *const *colours, const int *dashed);

/* Closes the SVG. */
void ua_svg_end(ua_svg_plot *p);

/* Writes s with the five XML special characters escaped. */
void ua_svg_escape(FILE *f, const char *s);

/* The smallest and largest finite values of v (n), positive only when positive is set; *lo > *hi
 * when there are none. */
void ua_svg_range(const double *v, size_t n, int positive, double *lo, double *hi);

#endif /* UA_CLI_SVG_H */
