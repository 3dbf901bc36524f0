/* uniapprox report — one self-contained HTML page about a model: the target and the approximant,
 * the error curves (abs, rel, ULP on log axes), knots or pieces, the measured errors (the same
 * measurement as `uniapprox check`), a proven bound (--prove, or recorded), the fit options, the
 * training curve of a learner, and for n-D models slices through the centre and an error heat
 * map. Plots are inline SVG from cli/svg.c; docs/report.md says why and what each plot shows. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "cli.h"
#include "model/atomic.h"
#include "uniapprox/prove.h"
#include "report_page.h"
#include "svg.h"

static const char help[] =
    "usage: uniapprox report MODEL -o FILE.html [--against EXPR] [--points N] [--prec BITS]\n"
    "                        [--bins N] [--log FILE] [--prove]\n"
    "\n"
    "Writes one self-contained HTML page about MODEL (inline SVG plots, no script, nothing\n"
    "fetched): the target and the approximant; the error on log axes (absolute, relative and in\n"
    "float64 ULPs), as the largest error in each of N bins measured against the reference by the\n"
    "engine (MPFR for a formula, the function itself for --function); the knots or breakpoints;\n"
    "the measured errors with the verdict (the measurement of uniapprox check, same points, same\n"
    "numbers); with --prove a proven bound (or why there is none); the fit options; the training\n"
    "curve of a learner (from its --log file); and for n-D models a slice through the box's\n"
    "centre along each variable and a heat map of the error over the first two variables. A model\n"
    "of samples has no reference: its page shows the errors measured when it was fitted. A PDE\n"
    "model's page shows its problem and the errors measured when it was fitted against the\n"
    "solution (relative L2, max and rms abs error; no relative or ULP error, meaningless where\n"
    "u = 0), and plots of the absolute error when the solution is an exact expression.\n"
    "\n"
    "options:\n"
    "  -o, --output FILE  the page to write (required; atomically; - for standard output)\n"
    "  --against EXPR     measure against EXPR (in the model's variables) instead of its target\n"
    "  --points N         points of the measurement (default 100000), as uniapprox check\n"
    "  --prec BITS        MPFR precision of the reference (default 128)\n"
    "  --bins N           bins of the 1-D error curves (default 400), cells per side of the\n"
    "                     heat map (default: up to 32, by the budget of 40000 points)\n"
    "  --log FILE         the JSONL training log to draw the training curve from (default: the\n"
    "                     file the model's \"log\" option names, when it can be read); a FILE\n"
    "                     that cannot be read, or with a line that is not a log entry, is an\n"
    "                     error (exit 2); a last line cut off is skipped with a warning\n"
    "  --prove            also prove a bound on max |model - f| over the whole domain (ball\n"
    "                     arithmetic, as uniapprox check --prove) and show it, or why not\n";

/* What the plots need: the model, the problem (the reference), the measurement options. */
typedef struct {
    const ua_model *m;
    const ua_problem *p;
    long prec;
    double *nat; /* the model's natural points (nnat, d) */
    size_t nnat;
    int log_grid;
    int abs_only; /* only the absolute error (a PDE's solution is 0 on the boundary: a relative
                     or ULP error there means nothing) */
} rctx;

static ua_status approx_fn(void *ctx, const double *x, size_t n, double *y)
{
    return ua_model_predict(ctx, x, n, y);
}

static ua_status ref_fn(void *ctx, const double *x, size_t n, double *y)
{
    return ua_problem_eval(ctx, x, n, y);
}

/* The largest errors in the box [lo, hi] (d,), measured by ua_verify_box against the problem's
 * reference on a few points per cell (1-D: 17 grid points; 2-D: a 3 x 3 grid; more: 8 Sobol
 * points) plus the corners, face centres, centre and the model's natural points inside. */
static ua_status cell_errors(const rctx *c, const double *lo, const double *hi, ua_box_errors *e)
{
    size_t d = ua_problem_dim(c->p);
    ua_verify_box_options o;
    ua_verify_box_options_default(&o, d);
    o.prec = c->prec;
    o.threads = 1; /* a few points per cell: a team of threads would cost more than it saves
                      (5 s instead of 0.4 s for a 2-D page on a loaded machine) */
    o.grid_points = d == 1 ? 17 : d == 2 ? 9 : 0;
    o.sobol_points = d >= 3 ? 8 : 0;
    if (d == 1 && c->log_grid && lo[0] > 0) o.grid = UA_GRID_LOG;
    o.extra = c->nat;
    o.nextra = c->nnat;
    ua_reference ref = { 0 };
    if (ua_problem_target(c->p)) ref.target = ua_problem_target(c->p);
    else {
        ref.fn = ref_fn;
        ref.fn_ctx = (void *)c->p;
    }
    return ua_verify_box(approx_fn, (void *)c->m, &ref, d, lo, hi, &o, e);
}

/* Points per cell of cell_errors in d dimensions (without natural points). */
static size_t cell_points(size_t d)
{
    size_t corners = d <= 16 ? (size_t)1 << d : 0;
    if (d == 1) return 17;
    if (d == 2) return 9 + 4 + 4 + 1;
    return 8 + corners + 2 * d + 1;
}

/* The edges of at most nb bins over [lo, hi] (lo < hi), evenly spaced (in log on a log axis);
 * edges (nb + 1,) is filled, the count of bins returned. A box a few ulps wide holds fewer
 * doubles than bins: the bins are then runs of consecutive doubles (fewer bins, each with
 * lo < hi), as evenly spaced values would round onto each other. */
static size_t bin_edges(double lo, double hi, size_t nb, int xlog, double *edges)
{
    size_t steps = 0; /* the doubles after lo up to hi, counted up to 4 nb */
    for (double x = lo; x < hi && steps < 4 * nb; x = nextafter(x, hi)) steps++;
    if (steps >= 4 * nb) { /* a bin spans at least 2 ulps of hi: the rounded edges increase */
        for (size_t b = 0; b <= nb; b++) {
            double u = (double)b / (double)nb;
            edges[b] = b == 0 ? lo : b == nb ? hi
                       : xlog ? exp(log(lo) + (log(hi) - log(lo)) * u) : lo + (hi - lo) * u;
        }
        return nb;
    }
    size_t per = (steps + nb - 1) / nb, n = (steps + per - 1) / per;
    edges[0] = lo;
    for (size_t b = 1; b <= n; b++) {
        double x = edges[b - 1];
        for (size_t k = 0; k < per && x < hi; k++) x = nextafter(x, hi);
        edges[b] = b == n ? hi : x;
    }
    return n;
}

/* The slab of one bin's relative width (1 / nb) around the centre of [lo, hi], or the whole
 * [lo, hi] where that slab is narrower than a double's spacing. */
static void centre_slab(double lo, double hi, size_t nb, double *clo, double *chi)
{
    double mid = 0.5 * (lo + hi), half = 0.5 * (hi - lo) / (double)nb;
    *clo = mid - half;
    *chi = mid + half;
    if (!(*clo < *chi)) *clo = lo, *chi = hi;
}

/* A figure around one plot; p_close adds its caption. */
static void p_open(FILE *f, const char *id)
{
    fprintf(f, "<figure class=\"ua-figure\" id=\"%s-fig\">\n", id);
}

static void p_close(FILE *f, const char *caption)
{
    fputs("<figcaption class=\"note\">", f);
    ua_report_text(f, caption);
    fputs("</figcaption></figure>\n", f);
}

static const char *const C_TARGET = "#1f77b4", *const C_APPROX = "#d62728",
                         *const C_ERR = "#2ca02c", *const C_VAL = "#ff7f0e";

/* Target and approximant along one line of the box: x (n, d) points, t the plotted coordinate. */
static int values_plot(FILE *f, const rctx *c, const char *id, const char *title,
                       const char *xlabel, const double *x, const double *t, size_t n, int xlog,
                       const double *marks, size_t nmarks)
{
    double *fv = malloc(n * sizeof *fv), *pv = malloc(n * sizeof *pv);
    int rc = 0;
    if (!fv || !pv) rc = ua_cli_error("report", UA_EXIT_FAIL, "out of memory");
    ua_status s = UA_OK;
    if (!rc && (s = ua_problem_eval(c->p, x, n, fv))) rc = ua_cli_fail("report", s);
    if (!rc && (s = ua_model_predict(c->m, x, n, pv))) rc = ua_cli_fail("report", s);
    if (!rc) {
        double a, b, a2, b2;
        ua_svg_range(fv, n, 0, &a, &b);
        ua_svg_range(pv, n, 0, &a2, &b2);
        a = fmin(a, a2);
        b = fmax(b, b2);
        /* a target that is positive and spans more than six decades goes on a log axis (as
         * uniapprox plot does) */
        int ylog = a > 0 && b > 1e6 * a;
        double pad = 0.05 * (b - a), ylo = a - pad, yhi = b + 0.25 * (b - a) + pad;
        if (ylog) ylo = a / 2, yhi = b * 8;
        ua_svg_plot pl;
        pl.right = 0;
        p_open(f, id);
        ua_svg_begin(&pl, f, id, 520, 290, t[0], t[n - 1], ylo, yhi, xlog, ylog, title, xlabel,
                     "value");
        if (marks) ua_svg_vmarks(&pl, marks, nmarks, "ua-marks");
        ua_svg_series(&pl, t, fv, n, "ua-target", C_TARGET, 3, 0);
        ua_svg_series(&pl, t, pv, n, "ua-approx", C_APPROX, 1.5, 1);
        const char *names[] = { "target f", "approximant p" };
        const char *cols[] = { C_TARGET, C_APPROX };
        const int dash[] = { 0, 1 };
        ua_svg_legend(&pl, 2, names, cols, dash);
        ua_svg_end(&pl);
        p_close(f, nmarks ? "The target (the problem's evaluation) and the approximant at "
                            "evenly spaced points; dotted lines: breakpoints or knots."
                          : "The target (the problem's evaluation) and the approximant at "
                            "evenly spaced points.");
    }
    free(fv);
    free(pv);
    return rc;
}

/* The error along axis ax of the box lo..hi, the other variables in a slab of one bin's relative
 * width around the centre: nb bins, each measured by cell_errors. Three plots (abs, rel, ULP) on
 * log axes, each point the largest error of a bin at the place it occurs. */
static int error_plots(FILE *f, const rctx *c, const char *id, size_t ax, size_t nb,
                       const double *lo, const double *hi, int xlog, const double *marks,
                       size_t nmarks, const char *xlabel)
{
    size_t d = ua_problem_dim(c->p);
    double *xs[3], *es[3];
    int rc = 0;
    for (int k = 0; k < 3; k++) {
        xs[k] = malloc(nb * sizeof **xs);
        es[k] = malloc(nb * sizeof **es);
        if (!xs[k] || !es[k]) rc = ua_cli_error("report", UA_EXIT_FAIL, "out of memory");
    }
    double clo[UA_PROBLEM_MAX_DIM], chi[UA_PROBLEM_MAX_DIM];
    for (size_t i = 0; i < d; i++) centre_slab(lo[i], hi[i], nb, &clo[i], &chi[i]);
    double *edges = rc ? NULL : malloc((nb + 1) * sizeof *edges);
    if (!rc && !edges) rc = ua_cli_error("report", UA_EXIT_FAIL, "out of memory");
    if (!rc) nb = bin_edges(lo[ax], hi[ax], nb, xlog, edges);
    for (size_t b = 0; !rc && b < nb; b++) {
        clo[ax] = edges[b];
        chi[ax] = edges[b + 1];
        ua_box_errors e;
        ua_status s = cell_errors(c, clo, chi, &e);
        if (s) {
            rc = ua_cli_fail("report", s);
            break;
        }
        xs[0][b] = e.x_max_abs[ax], es[0][b] = e.max_abs;
        xs[1][b] = e.x_max_rel[ax], es[1][b] = e.max_rel;
        xs[2][b] = e.x_max_ulp64[ax], es[2][b] = e.max_ulp64;
        for (int k = 0; k < 3; k++)
            if (isnan(xs[k][b])) xs[k][b] = 0.5 * (clo[ax] + chi[ax]);
        ua_box_errors_free(&e);
    }
    static const char *const kinds[3] = { "abs", "rel", "ulp" };
    static const char *const labels[3] = { "|p - f|", "|p - f| / |f|", "|p - f| / ulp64(f)" };
    for (int k = 0; !rc && k < (c->abs_only ? 1 : 3); k++) {
        double a, b;
        ua_svg_range(es[k], nb, 1, &a, &b);
        if (!(a <= b)) a = 1e-17, b = 1e-16; /* exact everywhere: an empty but valid axis */
        char pid[96], title[160];
        snprintf(pid, sizeof pid, "%s-%s", id, kinds[k]);
        char in_bins[64];
        if (nb == 1) snprintf(in_bins, sizeof in_bins, "the largest: the box holds one bin");
        else snprintf(in_bins, sizeof in_bins, "largest in each of %zu bins", nb);
        snprintf(title, sizeof title, "%s error %s (%s)",
                 k == 0 ? "absolute" : k == 1 ? "relative" : "ULP", labels[k], in_bins);
        ua_svg_plot pl;
        pl.right = 0;
        p_open(f, pid);
        ua_svg_begin(&pl, f, pid, 520, 250, lo[ax], hi[ax], a / 3, b * 3, xlog, 1, title,
                     xlabel, labels[k]);
        if (marks) ua_svg_vmarks(&pl, marks, nmarks, "ua-marks");
        ua_svg_series(&pl, xs[k], es[k], nb, "ua-error", C_ERR, 1.5, 0);
        ua_svg_dots(&pl, xs[k], es[k], nb, "ua-error-max", C_ERR);
        ua_svg_end(&pl);
        char cap[512];
        snprintf(cap, sizeof cap, "Measured against the reference (%s) by the engine "
                 "(ua_verify_box), %zu points per bin plus the model's natural points: each dot "
                 "is the largest error in its bin, where it occurs; bins with no error above 0%s "
                 "are left out. A sampled maximum, not a bound.", ua_problem_reference(c->p),
                 cell_points(d), c->abs_only ? "" : ", or an infinite one (an error in ULPs "
                 "where f is 0),");
        p_close(f, cap);
    }
    for (int k = 0; k < 3; k++) {
        free(xs[k]);
        free(es[k]);
    }
    free(edges);
    return rc;
}

/* The heat map of the max abs error over variables (0, 1), the others in a slab around the
 * centre: k x k cells, each measured by cell_errors. */
static int heat_map(FILE *f, const rctx *c, const double *lo, const double *hi, size_t k)
{
    size_t d = ua_problem_dim(c->p);
    double *v = malloc(k * k * sizeof *v), *ex = malloc((k + 1) * sizeof *ex),
           *ey = malloc((k + 1) * sizeof *ey);
    if (!v || !ex || !ey) {
        free(v), free(ex), free(ey);
        return ua_cli_error("report", UA_EXIT_FAIL, "out of memory");
    }
    double clo[UA_PROBLEM_MAX_DIM], chi[UA_PROBLEM_MAX_DIM];
    for (size_t i = 2; i < d; i++) centre_slab(lo[i], hi[i], k, &clo[i], &chi[i]);
    /* a side a few ulps wide gets fewer cells */
    size_t kx = bin_edges(lo[0], hi[0], k, 0, ex), ky = bin_edges(lo[1], hi[1], k, 0, ey);
    int rc = 0;
    for (size_t j = 0; !rc && j < ky; j++)
        for (size_t i = 0; !rc && i < kx; i++) {
            clo[0] = ex[i];
            chi[0] = ex[i + 1];
            clo[1] = ey[j];
            chi[1] = ey[j + 1];
            ua_box_errors e;
            ua_status s = cell_errors(c, clo, chi, &e);
            if (s) {
                rc = ua_cli_fail("report", s);
                break;
            }
            v[j * kx + i] = e.max_abs;
            ua_box_errors_free(&e);
        }
    if (!rc) {
        double a, b;
        ua_svg_range(v, kx * ky, 1, &a, &b);
        if (!(a <= b)) a = 1e-17, b = 1e-16;
        char title[200], xl[80], yl[80];
        snprintf(title, sizeof title, "max abs error per cell, %zu x %zu cells", kx, ky);
        snprintf(xl, sizeof xl, "%.60s", ua_problem_var(c->p, 0));
        snprintf(yl, sizeof yl, "%.60s", ua_problem_var(c->p, 1));
        ua_svg_plot pl;
        pl.right = 90;
        p_open(f, "ua-heatmap");
        ua_svg_begin(&pl, f, "ua-heatmap", 560, 480, lo[0], hi[0], lo[1], hi[1], 0, 0, title, xl,
                     yl);
        ua_svg_heatmap(&pl, v, kx, ky, a, b, "max |p - f| in the cell");
        ua_svg_end(&pl);
        char cap[512];
        snprintf(cap, sizeof cap, "Each cell: the largest |p - f| measured by the engine "
                 "(ua_verify_box against %s) at %zu points of the cell%s. A sampled maximum, not "
                 "a bound.", ua_problem_reference(c->p), cell_points(d),
                 d > 2 ? ", the other variables in a slab of one cell's relative width around "
                         "the box's centre" : "");
        p_close(f, cap);
    }
    free(v);
    free(ex);
    free(ey);
    return rc;
}

/* The training curve from a JSONL log (one {"epoch", "train_loss", "val_loss"} per line). 1 when
 * drawn, 0 when the file cannot be read or holds no epoch. */
static int training_curve(FILE *f, const char *path)
{
    FILE *in = fopen(path, "r");
    if (!in) return 0;
    size_t n = 0, cap = 0;
    double *ep = NULL, *tr = NULL, *va = NULL;
    char line[4096];
    int any_val = 0;
    while (fgets(line, sizeof line, in)) {
        cJSON *o = cJSON_Parse(line);
        const cJSON *e = cJSON_GetObjectItemCaseSensitive(o, "epoch"),
                    *t = cJSON_GetObjectItemCaseSensitive(o, "train_loss"),
                    *v = cJSON_GetObjectItemCaseSensitive(o, "val_loss");
        if (cJSON_IsNumber(e) && cJSON_IsNumber(t) && n < 10000000) {
            if (n == cap) {
                cap = cap ? 2 * cap : 256;
                double *a = realloc(ep, cap * sizeof *a);
                if (a) ep = a;
                double *b = realloc(tr, cap * sizeof *b);
                if (b) tr = b;
                double *c = realloc(va, cap * sizeof *c);
                if (c) va = c;
                if (!a || !b || !c) {
                    cJSON_Delete(o);
                    break;
                }
            }
            ep[n] = e->valuedouble;
            tr[n] = t->valuedouble;
            va[n] = cJSON_IsNumber(v) ? v->valuedouble : NAN;
            any_val |= cJSON_IsNumber(v);
            n++;
        }
        cJSON_Delete(o);
    }
    fclose(in);
    int drawn = 0;
    if (n >= 1) {
        double a, b, a2, b2;
        ua_svg_range(tr, n, 1, &a, &b);
        ua_svg_range(va, n, 1, &a2, &b2);
        a = fmin(a, a2);
        b = fmax(b, b2);
        if (!(a <= b)) a = 1e-17, b = 1;
        ua_svg_plot pl;
        pl.right = 0;
        p_open(f, "ua-training");
        ua_svg_begin(&pl, f, "ua-training", 560, 300, ep[0], ep[n - 1] > ep[0] ? ep[n - 1]
                     : ep[0] + 1, a / 2, b * 2, 0, 1, "training curve", "epoch", "loss");
        ua_svg_series(&pl, ep, tr, n, "ua-train-loss", C_TARGET, 1.5, 0);
        if (any_val) ua_svg_series(&pl, ep, va, n, "ua-val-loss", C_VAL, 1.5, 1);
        const char *names[] = { "train loss", "validation loss" };
        const char *cols[] = { C_TARGET, C_VAL };
        const int dash[] = { 0, 1 };
        ua_svg_legend(&pl, any_val ? 2 : 1, names, cols, dash);
        ua_svg_end(&pl);
        char caption[300];
        snprintf(caption, sizeof caption, "The losses the trainer recorded at each of %zu epochs "
                 "(the training log); the losses are the trainer's, on the training scale.", n);
        p_close(f, caption);
        drawn = 1;
    }
    free(ep);
    free(tr);
    free(va);
    return drawn;
}

/* A training log given by name (--log FILE) is one a fit wrote (src/train/log.c): every line a
 * JSON object with numbers "epoch" and "train_loss". A line that is not: exit 2 naming the file
 * and the line, no page. A last line without its newline that opens an object but does not parse
 * is a write cut off
 * (a fit killed mid-line): the complete lines are drawn and one warning line on stderr says so.
 * Blank lines are skipped; an empty file (a fit stopped before its first epoch) is accepted. */
static int check_log(const char *path)
{
    FILE *in = fopen(path, "r");
    if (!in) return ua_cli_usage("report", "--log '%s': cannot read it: %s", path, strerror(errno));
    char *line = NULL;
    size_t cap = 0, lineno = 0;
    ssize_t len;
    int rc = 0;
    while (!rc && (len = getline(&line, &cap, in)) >= 0) {
        lineno++;
        int complete = len > 0 && line[len - 1] == '\n';
        size_t k = strspn(line, " \t\r\n");
        if (line[k] == '\0') continue;
        cJSON *o = cJSON_Parse(line);
        int ok = cJSON_IsObject(o) &&
                 cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(o, "epoch")) &&
                 cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(o, "train_loss"));
        cJSON_Delete(o);
        if (ok) continue;
        if (!complete && line[k] == '{') /* the last line (no newline), cut off mid-object */
            fprintf(stderr, "uniapprox report: warning: --log '%s': its last line (line %zu) is "
                    "cut off (an unfinished write); the %zu lines before it are drawn\n", path,
                    lineno, lineno - 1);
        else
            rc = ua_cli_usage("report", "--log '%s': line %zu is not a training log entry (a JSON "
                              "object with numbers \"epoch\" and \"train_loss\", as fit --log "
                              "writes)", path, lineno);
        break;
    }
    if (!rc && ferror(in))
        rc = ua_cli_usage("report", "--log '%s': cannot read it: %s", path, strerror(errno));
    free(line);
    fclose(in);
    return rc;
}

/* The formula expr in the model's variables (its "vars" metadata) on the model's box (d > 0)
 * into *out; *dim the expression's variables (0 when it does not parse). UA_EINVAL when they
 * are not the model's d. */
static ua_status formula_on_box(const ua_model *m, const char *expr, ua_problem **out,
                                size_t *dim)
{
    size_t d;
    const double *lo, *hi;
    ua_model_box(m, &d, &lo, &hi);
    *out = NULL;
    *dim = 0;
    ua_target *t;
    ua_status s = ua_cli_parse_on_model(m, expr, &t);
    if (s) return s;
    *dim = ua_target_dim(t);
    if (*dim != d) s = UA_EINVAL;
    else s = ua_problem_formula(t, lo, hi, out); /* the problem keeps its own copy */
    ua_target_free(t);
    return s;
}

/* A PDE model's exact solution (its metadata "solution": "exact: EXPR") as a formula problem on
 * its box, for the plots; NULL (no error) when the solution is a reference computed when it was
 * fitted ("reference: NAME"), which the page cannot evaluate again. */
static ua_problem *pde_solution(const ua_model *m)
{
    const char *sol = ua_model_meta(m, "solution");
    size_t d, dim;
    const double *lo, *hi;
    ua_model_box(m, &d, &lo, &hi);
    ua_problem *p = NULL;
    if (!sol || strncmp(sol, "exact: ", 7) || !d || formula_on_box(m, sol + 7, &p, &dim))
        ua_clear_error();
    return p;
}

/* The problem to measure m on: --against EXPR on the model's box, or the one it records. NULL
 * (and no error) for a model of samples or a PDE; *rc an exit code on failure. */
static ua_problem *problem_of(const ua_model *m, const char *path, const char *against, int *rc)
{
    *rc = 0;
    size_t d;
    const double *lo, *hi;
    ua_model_box(m, &d, &lo, &hi);
    ua_problem *p = NULL;
    ua_status s;
    if (against) {
        if (!d) {
            *rc = ua_cli_usage("report", "the model has no domain to measure --against on");
            return NULL;
        }
        size_t dim;
        s = formula_on_box(m, against, &p, &dim);
        if (s && dim && dim != d) {
            ua_clear_error();
            *rc = ua_cli_usage("report", "--against '%s' has %zu variables; the model %zu",
                               against, dim, d);
        } else if (s) *rc = ua_cli_fail("report", s);
        return p;
    }
    s = ua_model_problem(m, &p);
    if (s == UA_EUNSUPPORTED) {
        ua_clear_error();
        return NULL;
    }
    /* what the model file stores is at fault: name the file and what in it */
    if (s && ua_model_kind(m) == UA_PROBLEM_FORMULA)
        *rc = ua_cli_error("report", ua_cli_exit_code(s), "%s: the model's recorded target '%s' "
                           "does not parse: %s", path, ua_model_target(m), ua_cli_error_text());
    else if (s)
        *rc = ua_cli_error("report", ua_cli_exit_code(s), "%s: the problem the model records: %s",
                           path, ua_cli_error_text());
    return s ? NULL : p;
}

/* The measurement as recorded in m's metadata (a model of samples: what fit measured; a PDE
 * model: its errors against the solution, measured when it was fitted, with no pointwise
 * relative or ULP error, meaningless where the solution is 0). */
static cJSON *recorded_measurement(const ua_model *m)
{
    cJSON *o = cJSON_CreateObject();
    static const char *const keys[] = { "train_rmse", "test_rmse", "train_error_rate",
                                         "test_error_rate", "train_accuracy", "test_accuracy",
                                         "val_rmse", "val_accuracy", "loo_rmse",
                                         "estimated_err" };
    static const char *const pde_keys[] = { "rel_l2_err", "grid_max_abs_err", "grid_points",
                                             "check_points", "max_abs_err", "rms_err", "scale",
                                             "residual_rms" };
    int pde = ua_model_kind(m) == UA_PROBLEM_PDE;
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        const char *v = ua_model_meta(m, keys[i]);
        double x;
        if (v && !ua_cli_double(v, &x)) cJSON_AddNumberToObject(o, keys[i], x);
    }
    for (size_t i = 0; pde && i < sizeof pde_keys / sizeof pde_keys[0]; i++) {
        const char *v = ua_model_meta(m, pde_keys[i]);
        double x;
        if (v && !ua_cli_double(v, &x)) cJSON_AddNumberToObject(o, pde_keys[i], x);
    }
    const char *verdict = ua_model_meta(m, "verdict");
    if (verdict) {
        cJSON_AddStringToObject(o, "verdict", verdict);
        /* as ua_measurement's resolved: 1 also when no tolerance was asked */
        cJSON_AddBoolToObject(o, "resolved", strncmp(verdict, "not resolved", 12) != 0);
    }
    return o;
}

/* The section on proofs: the proof of --prove (pf, NULL when not asked), else a bound recorded
 * in the metadata ("proven_bound", "proof_method"), else how to get one. A sampled maximum is
 * never shown as a bound. */
static void proof_section(FILE *f, const ua_model *m, const ua_proof *pf)
{
    fputs("<h2 id=\"proof\">Proven bound</h2>\n", f);
    const char *b = ua_model_meta(m, "proven_bound");
    double bound;
    const char *method = NULL;
    int have = 0;
    if (pf && pf->proven) {
        bound = pf->bound;
        method = pf->method;
        have = 1;
    } else if (!pf && b && !ua_cli_double(b, &bound)) {
        method = ua_model_meta(m, "proof_method");
        have = 1;
    }
    if (have) {
        fprintf(f, "<table id=\"ua-proof\" data-proven=\"1\"><tr data-key=\"proven_bound\"><th>"
                   "max |p - f| over the whole %s is at most</th><td class=\"num\" "
                   "data-key=\"proven_bound\" data-value=\"%.17g\">%.3e</td><td>",
                ua_model_kind(m) == UA_PROBLEM_FORMULA ? "domain" : "box", bound, bound);
        if (method) {
            fputs("method: ", f);
            ua_report_text(f, method);
        }
        size_t din = 0, dout = 0;
        ua_model_dims(m, &din, &dout);
        if (pf) /* the words of check --prove: subintervals in 1-D, cells in n-D */
            fprintf(f, "; %zu %s, %.2f s; of the bound %.2e covers the double evaluation's "
                       "rounding", pf->pieces, din == 1 ? "subintervals" : "cells", pf->seconds,
                    pf->rounding);
        fputs("</td></tr></table>\n", f);
    } else if (pf) {
        fputs("<p id=\"ua-proof\" data-proven=\"0\">Not proven: ", f);
        ua_report_text(f, pf->why);
        fputs(". The errors above are sampled maxima, not bounds.</p>\n", f);
    } else {
        fputs("<p id=\"ua-proof\" data-proven=\"0\" class=\"note\">No proof was asked for: the "
              "errors above are sampled maxima. <code>uniapprox report --prove</code> (as "
              "<code>uniapprox check --prove</code>) proves a bound over the whole domain in ball "
              "arithmetic and shows it here; a bound stored in the model's metadata "
              "(<code>proven_bound</code>, <code>proof_method</code>) is shown too.</p>\n", f);
    }
}

/* The plots (SVG in HTML) of m against p into f: 1-D, the values and the three error curves
 * (abs_only: the absolute one only); n-D, the heat map and the slices. Returns 0 or an exit
 * code. */
static int plots_section(FILE *f, const ua_model *m, const ua_problem *p, long prec, size_t bins,
                         int abs_only)
{
    size_t din, dout, d;
    ua_model_dims(m, &din, &dout);
    const double *lo, *hi;
    ua_model_box(m, &d, &lo, &hi);
    int rc = 0;
    rctx c = { m, p, prec, NULL, 0, 0, abs_only };
    /* the cells' Sobol points exist up to 64 dimensions (uniapprox/verify.h) */
    if (p && dout == 1 && din == ua_problem_dim(p) && d == din && d <= 64) {
        if (ua_model_natural_points(m, &c.nat, &c.nnat, &c.log_grid)) {
            ua_clear_error();
            c.nat = NULL, c.nnat = 0;
        }
        int xlog = d == 1 && c.log_grid && lo[0] > 0;
        fputs("<h2 id=\"plots\">The approximation and its error</h2>\n<div class=\"plots\">\n", f);
        if (d == 1) {
            double *marks = NULL;
            size_t nm = ua_cli_model_marks(m, lo[0], hi[0], &marks);
            size_t n = 1000;
            double *x = malloc(n * sizeof *x);
            if (!x) rc = ua_cli_error("report", UA_EXIT_FAIL, "out of memory");
            for (size_t i = 0; !rc && i < n; i++) {
                double u = (double)i / (double)(n - 1);
                x[i] = i == 0 ? lo[0] : i == n - 1 ? hi[0]
                       : xlog ? exp(log(lo[0]) + (log(hi[0]) - log(lo[0])) * u)
                              : lo[0] + (hi[0] - lo[0]) * u;
            }
            if (!rc) rc = values_plot(f, &c, "ua-values", "target and approximant",
                                      ua_problem_var(p, 0), x, x, n, xlog, marks, nm);
            if (!rc) rc = error_plots(f, &c, "ua-error", 0, bins ? bins : 400, lo, hi, xlog,
                                      marks, nm, ua_problem_var(p, 0));
            free(x);
            free(marks);
        } else {
            /* the heat map: as many cells as the budget of 40000 points allows, 6 to 32 a side */
            size_t k = bins;
            if (!k) {
                k = (size_t)sqrt(40000.0 / (double)cell_points(d));
                k = k < 6 ? 6 : k > 32 ? 32 : k;
            }
            rc = heat_map(f, &c, lo, hi, k);
            /* slices through the centre along each variable (the first 6) */
            size_t nax = d < 6 ? d : 6, n = 400;
            size_t nb = (size_t)(40000.0 / (double)(cell_points(d) * nax));
            nb = nb < 16 ? 16 : nb > 200 ? 200 : nb;
            double *x = malloc(n * d * sizeof *x), *t = malloc(n * sizeof *t);
            if (!rc && (!x || !t)) rc = ua_cli_error("report", UA_EXIT_FAIL, "out of memory");
            for (size_t ax = 0; !rc && ax < nax; ax++) {
                for (size_t i = 0; i < n; i++) {
                    for (size_t j = 0; j < d; j++) x[i * d + j] = 0.5 * (lo[j] + hi[j]);
                    t[i] = i == n - 1 ? hi[ax]
                           : lo[ax] + (hi[ax] - lo[ax]) * (double)i / (double)(n - 1);
                    x[i * d + ax] = t[i];
                }
                char id[64], ttl[200];
                snprintf(id, sizeof id, "ua-slice-%zu", ax);
                snprintf(ttl, sizeof ttl, "slice along %.60s through the centre",
                         ua_problem_var(p, ax));
                rc = values_plot(f, &c, id, ttl, ua_problem_var(p, ax), x, t, n, 0, NULL, 0);
                snprintf(id, sizeof id, "ua-slice-%zu-error", ax);
                if (!rc) rc = error_plots(f, &c, id, ax, nb, lo, hi, 0, NULL, 0,
                                          ua_problem_var(p, ax));
            }
            free(x);
            free(t);
        }
        fputs("</div>\n", f);
        free(c.nat);
    } else {
        fputs("<h2 id=\"plots\">The approximation and its error</h2>\n<p class=\"note\">No "
              "plots of the error: the model has several outputs or more than 64 inputs (the "
              "table above measures it all the same).</p>\n", f);
    }
    return rc;
}

/* The page: every section in order. Returns 0 or an exit code. */
static int write_page(FILE *f, const char *path, ua_model *m, const ua_problem *p,
                      const ua_problem *sol, const cJSON *meas, const ua_measure_options *mo,
                      const char *plots, const char *log_path, const ua_proof *pf)
{
    int pde = !p && ua_model_kind(m) == UA_PROBLEM_PDE;
    char title[512];
    const char *target = ua_model_target(m);
    snprintf(title, sizeof title, "uniapprox report: %.300s (%s)",
             *target ? target : p ? ua_problem_describe(p) : path, ua_model_family(m));
    ua_report_page_head(f, title);
    size_t din, dout, d;
    ua_model_dims(m, &din, &dout);
    const double *lo, *hi;
    ua_model_box(m, &d, &lo, &hi);

    /* summary */
    fputs("<table id=\"ua-summary\">\n<tr><th>model file</th><td>", f);
    ua_report_text(f, path);
    fputs("</td></tr>\n<tr><th>family</th><td id=\"ua-family\">", f);
    ua_report_text(f, ua_model_family(m));
    const char *choice = ua_model_meta(m, "family_choice");
    if (choice) {
        fputs(" <span class=\"note\">(", f);
        ua_report_text(f, choice);
        fputs(")</span>", f);
    }
    fputs("</td></tr>\n<tr><th>target</th><td id=\"ua-target\"><code>", f);
    ua_problem_kind kind_t = ua_model_kind(m);
    ua_report_text(f, *target ? target : p ? ua_problem_describe(p)
                      : pde ? "(a PDE's solution u)"
                      : kind_t == UA_PROBLEM_GRAPHS ? "(graphs: the training set's targets)"
                      : kind_t == UA_PROBLEM_SEQUENCES ? "(sequences: the training set's targets)"
                      : "(samples)");
    fputs("</code></td></tr>\n", f);
    /* a PDE model: the problem it solves, as its metadata records it */
    static const char *const pde_rows[][2] = {
        { "equation", "equation (residual = 0)" }, { "solution", "solution measured against" },
        { "constraints", "boundary and initial conditions" },
        { "output_transform", "output transform" } };
    for (size_t i = 0; pde && i < sizeof pde_rows / sizeof pde_rows[0]; i++) {
        const char *v = ua_model_meta(m, pde_rows[i][0]);
        if (!v) continue;
        fprintf(f, "<tr><th>%s</th><td id=\"ua-pde-%s\"><code>", pde_rows[i][1], pde_rows[i][0]);
        ua_report_text(f, v);
        fputs("</code></td></tr>\n", f);
    }
    if (d) {
        const ua_problem *vp = p ? p : sol;
        fputs("<tr><th>domain</th><td id=\"ua-domain\">", f);
        for (size_t i = 0; i < d; i++) {
            if (vp) fprintf(f, "%s%s in ", i ? ", " : "", ua_problem_var(vp, i));
            else if (i) fputs(", ", f);
            fprintf(f, "[%.17g, %.17g]", lo[i], hi[i]);
        }
        fputs("</td></tr>\n", f);
    }
    fprintf(f, "<tr><th>inputs, outputs</th><td>%zu, %zu</td></tr>\n</table>\n", din, dout);

    /* measured errors */
    fputs("<h2 id=\"errors\">Measured errors</h2>\n", f);
    char src[512];
    if (p)
        snprintf(src, sizeof src, "Measured now by the engine (ua_model_measure, the measurement "
                 "of uniapprox check) against %s%s over the whole %s: a sampled maximum, not a "
                 "bound.", ua_problem_reference(p),
                 ua_problem_target(p) ? (mo->prec == 128 ? " at 128 bits" : " at the given "
                                         "precision") : "", d > 1 ? "box" : "domain");
    else if (pde)
        snprintf(src, sizeof src, "Measured when the model was fitted (its metadata) against the "
                 "PDE's solution (above) on a uniform grid of its box: the relative L2 error "
                 "||p - u||_2 / ||u||_2 and the max abs error over the grid, and the engine's "
                 "max and rms abs error; sampled, not bounds. No pointwise relative or ULP "
                 "error: u is 0 on parts of the boundary, where they mean nothing. uniapprox "
                 "check MODEL --pde FILE measures it again.");
    else
        snprintf(src, sizeof src, "A model of %s has no reference: these are the errors "
                 "measured when it was fitted (its metadata); uniapprox check MODEL %s measures "
                 "it again.", ua_model_kind(m) == UA_PROBLEM_GRAPHS ? "graphs" : "samples",
                 ua_model_kind(m) == UA_PROBLEM_GRAPHS ? "--graphs FILE" : "--data FILE");
    ua_report_errors_table(f, meas, src);
    proof_section(f, m, pf);

    fputs(plots, f);

    /* pieces, knots, layers */
    /* the heading by what the model is (its problem's kind, not its family's name): pieces and
     * knots of a 1-D approximant of a function, the architecture of a sequence or graph model,
     * the structure of the rest */
    ua_problem_kind kind = ua_model_kind(m);
    const char *what = kind == UA_PROBLEM_SEQUENCES || kind == UA_PROBLEM_GRAPHS
                           ? "architecture and size"
                       : din == 1 && kind != UA_PROBLEM_SAMPLES ? "pieces, knots, lengths"
                       : "structure and size";
    fprintf(f, "<h2 id=\"pieces\">The model: %s</h2>\n", what);
    char *desc = NULL;
    cJSON *dj = ua_model_describe(m, &desc) ? NULL : cJSON_Parse(desc);
    free(desc);
    if (dj) ua_report_describe_table(f, dj);
    cJSON_Delete(dj);

    fputs("<h2 id=\"options\">Fit options</h2>\n", f);
    ua_report_options_table(f, m);

    /* the training curve of a learner */
    const char *ep = ua_model_meta(m, "epochs_run");
    const char *lp = log_path ? log_path : ua_model_meta(m, "log");
    if (ep || lp) {
        fputs("<h2 id=\"training\">Training</h2>\n", f);
        if (!(lp && *lp && training_curve(f, lp))) {
            fputs("<p id=\"ua-training-none\" class=\"note\">No per-epoch curve: ", f);
            if (lp && *lp) {
                fputs("the training log <code>", f);
                ua_report_text(f, lp);
                fputs("</code> cannot be read (give it with --log FILE).", f);
            } else
                fputs("the model was fitted without <code>--log FILE</code> (fit with it, then "
                      "give the file to <code>report --log</code>).", f);
            fputs("</p>\n", f);
        }
        static const char *const keys[] = { "epochs_run", "best_epoch", "train_loss", "val_loss",
                                             "stop_reason" };
        fputs("<table id=\"ua-training-final\">\n", f);
        for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
            const char *v = ua_model_meta(m, keys[i]);
            if (!v) continue;
            fprintf(f, "<tr><th>%s</th><td>", keys[i]);
            ua_report_text(f, v);
            fputs("</td></tr>\n", f);
        }
        fputs("</table>\n", f);
    }
    ua_report_metadata(f, m);
    ua_report_page_foot(f);
    return 0;
}

int cmd_report(int argc, char **argv)
{
    const char *output = NULL, *against = NULL, *points = NULL, *prec = NULL, *bins_s = NULL,
               *log_path = NULL;
    int prove = 0;
    const ua_opt opts[] = {
        { "output", 'o', 1, &output, NULL }, { "against", 0, 1, &against, NULL },
        { "points", 0, 1, &points, NULL },   { "prec", 0, 1, &prec, NULL },
        { "bins", 0, 1, &bins_s, NULL },     { "log", 0, 1, &log_path, NULL },
        { "prove", 0, 0, NULL, &prove },
    };
    const char *path;
    int rc = ua_cli_parse_model("report", help, argc, argv, opts, sizeof opts / sizeof opts[0], &path);
    if (rc || !path) return rc;
    if (!output) return ua_cli_usage("report", "give the page to write with -o FILE.html");
    size_t bins = 0;
    if (bins_s && (ua_cli_size(bins_s, &bins) || bins < 2 || bins > 4096))
        return ua_cli_usage("report", "--bins '%s' must be a count in [2, 4096]", bins_s);
    ua_measure_options mo;
    if ((rc = ua_cli_measure_options("report", points, prec, &mo))) return rc;
    if ((rc = ua_cli_check_writable("report", "the report", output))) return rc;
    if (log_path) { /* a log asked for by name is read, or the page is not written */
        FILE *lf = fopen(log_path, "r");
        int bad = !lf || (fgetc(lf) == EOF && ferror(lf)); /* a folder opens, but is not read */
        int err = errno;
        if (lf) fclose(lf);
        if (bad) return ua_cli_usage("report", "--log '%s': cannot read it: %s", log_path,
                                     strerror(err));
        if ((rc = check_log(log_path))) return rc;
    }

    ua_model *m;
    ua_status s = ua_model_load(path, &m);
    if (s) return ua_cli_fail("report", s);
    if ((rc = ua_cli_check_not_model_source("report", m, "-o", output))) {
        ua_model_free(m);
        return rc;
    }
    ua_problem *p = problem_of(m, path, against, &rc);
    if (rc) {
        ua_model_free(m);
        return rc;
    }
    /* a PDE model: plots of the absolute error against its exact solution, when it has one */
    ua_problem *sol = !p && ua_model_kind(m) == UA_PROBLEM_PDE ? pde_solution(m) : NULL;
    /* the plots first, on one thread (thousands of cells of a few points each: waking a team
     * of threads for every cell cost 80% of the time on a loaded machine, and idle threads left
     * by the measurement spin), then the measurement on every thread */
    char *plots = NULL;
    size_t plots_len = 0;
    FILE *pf = open_memstream(&plots, &plots_len);
    if (!pf) {
        ua_problem_free(p);
        ua_model_free(m);
        return ua_cli_error("report", UA_EXIT_FAIL, "out of memory");
    }
#ifdef _OPENMP
    int threads = omp_get_max_threads();
    omp_set_num_threads(1);
#endif
    if (p) rc = plots_section(pf, m, p, mo.prec, bins, 0);
    else if (sol) rc = plots_section(pf, m, sol, mo.prec, bins, 1);
    else if (ua_model_kind(m) == UA_PROBLEM_PDE)
        fputs("<h2 id=\"plots\">The approximation and its error</h2>\n<p class=\"note\">No "
              "plots of the error: the PDE's solution is a reference computed when the model was "
              "fitted (no expression to evaluate here); the table above shows the errors "
              "measured against it then.</p>\n", pf);
    else fputs("<h2 id=\"plots\">The approximation and its error</h2>\n<p class=\"note\">No "
               "plots of the error: the model has no reference to measure against (a model of "
               "samples or sequences).</p>\n", pf);
#ifdef _OPENMP
    omp_set_num_threads(threads);
#endif
    if (fclose(pf) && !rc) rc = ua_cli_error("report", UA_EXIT_FAIL, "out of memory");
    cJSON *meas = NULL;
    if (!rc && p) { /* the measurement of `check`, and its JSON, so that the page shows its numbers */
        ua_measurement r;
        s = ua_model_measure(m, p, &mo, &r);
        ua_cli_progress_done();
        if (s) rc = ua_cli_fail("report", s);
        else {
            meas = cJSON_CreateObject();
            ua_cli_measurement_json(meas, m, p, &r);
            ua_measurement_free(&r);
        }
    } else if (!rc) {
        meas = recorded_measurement(m);
    }
    /* --prove: the prover of uniapprox/prove.h against the formula (as check --prove) */
    ua_proof proof;
    memset(&proof, 0, sizeof pf);
    proof.bound = INFINITY;
    if (!rc && prove) {
        if (!p || ua_problem_kind_of(p) != UA_PROBLEM_FORMULA)
            snprintf(proof.why, sizeof proof.why, "a proof needs a formula target (this model is "
                     "measured against samples or a function)");
        else if ((s = ua_model_prove(m, ua_problem_target(p), NULL, &proof)))
            rc = ua_cli_fail("report", s);
    }
    ua_atomic out;
    if (rc) {
    } else if (!strcmp(output, "-")) { /* standard output, as export -o - */
        rc = write_page(stdout, path, m, p, sol, meas, &mo, plots, log_path, prove ? &proof : NULL);
        if (!rc && fflush(stdout)) {
            ua_cli_stdout_reported();
            rc = ua_cli_error("report", UA_EXIT_OUTPUT, "cannot write to standard output: %s",
                              strerror(errno));
        }
    } else if ((s = ua_atomic_open(&out, output))) {
        rc = ua_cli_fail_output("report", s);
    } else {
        rc = write_page(out.f, path, m, p, sol, meas, &mo, plots, log_path, prove ? &proof : NULL);
        if (rc) ua_atomic_abort(&out);
        else if ((s = ua_atomic_commit(&out))) rc = ua_cli_fail_output("report", s);
        else fprintf(ua_cli_notes(), "uniapprox report: wrote %s\n", output);
    }
    free(plots);
    cJSON_Delete(meas);
    ua_problem_free(sol);
    ua_problem_free(p);
    ua_model_free(m);
    return rc;
}
