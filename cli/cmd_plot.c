/* uniapprox plot — the target and the approximant over the domain, and the error below them on a
 * log scale, with the model's breakpoints / knots marked. Drawn with PLplot's cairo driver
 * (pngcairo, svgcairo): real axes, log scales and labels, no hand-drawn code. */
#include <math.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <mpfr.h>
#include <plplot.h>

#include "cli.h"
#include "model/atomic.h"

static const char help[] =
    "usage: uniapprox plot MODEL -o FILE.png|FILE.svg [--error abs|rel|ulp] [--points N]\n"
    "                      [--against EXPR]\n"
    "\n"
    "Draws two panels: on top the target (evaluated in MPFR, rounded to double) and the\n"
    "approximant over the model's domain; below, the error on a log scale. Breakpoints and knots\n"
    "of the model are marked by dotted vertical lines. The x axis is logarithmic for models\n"
    "fitted in ln x (--map log). The format follows the extension (PNG or SVG, PLplot's cairo\n"
    "driver).\n"
    "\n"
    "options:\n"
    "  -o FILE          output file, .png or .svg (required)\n"
    "  --error KIND     abs: |p - f|; rel: |p - f| / |f|; ulp: |p - f| / ulp64(f), the error of\n"
    "                   the double evaluation in float64 ULPs (default abs)\n"
    "  --points N       points across the domain (default 2000, at least 10)\n"
    "  --against EXPR   compare with EXPR instead of the model's target\n";

/* Error values of exactly 0 cannot go on a log axis: they are drawn at this floor. */
#define ERR_FLOOR 1e-300

/* Whether PLplot has the device (so plinit never falls back to asking on stdin). */
static int have_device(const char *dev)
{
    const char *menu_buf[128], *name_buf[128];
    const char **menu = menu_buf, **names = name_buf; /* PLplot fills the caller's arrays */
    int n = 128;
    plgDevs(&menu, &names, &n);
    for (int i = 0; i < n; i++)
        if (!strcmp(names[i], dev)) return 1;
    return 0;
}

/* Interior breakpoints or knots from the family's description ("breakpoints" or "knots"),
 * malloc'd into *out (cli.h; `uniapprox report` marks them too). */
size_t ua_cli_model_marks(const ua_model *m, double lo, double hi, double **out)
{
    *out = NULL;
    char *desc = NULL;
    cJSON *obj = ua_model_describe(m, &desc) ? NULL : cJSON_Parse(desc);
    free(desc);
    if (!obj) return 0;
    const cJSON *arr = cJSON_GetObjectItemCaseSensitive(obj, "breakpoints");
    if (!cJSON_IsArray(arr)) arr = cJSON_GetObjectItemCaseSensitive(obj, "knots");
    size_t n = 0;
    if (cJSON_IsArray(arr) && (*out = malloc((size_t)cJSON_GetArraySize(arr) * sizeof **out + 1))) {
        const cJSON *v;
        cJSON_ArrayForEach(v, arr)
            if (cJSON_IsNumber(v) && v->valuedouble > lo && v->valuedouble < hi)
                (*out)[n++] = v->valuedouble;
    }
    cJSON_Delete(obj);
    return n;
}

static void minmax(const double *v, size_t n, double *lo, double *hi)
{
    *lo = INFINITY;
    *hi = -INFINITY;
    for (size_t i = 0; i < n; i++)
        if (isfinite(v[i])) {
            if (v[i] < *lo) *lo = v[i];
            if (v[i] > *hi) *hi = v[i];
        }
    if (!(*lo <= *hi)) *lo = 0, *hi = 1;
    if (*hi - *lo < 1e-300 + 1e-12 * fabs(*hi)) { /* a flat line still gets a visible range */
        double pad = fabs(*hi) > 0 ? 0.01 * fabs(*hi) : 1;
        *lo -= pad;
        *hi += pad;
    } else {
        double pad = 0.04 * (*hi - *lo);
        *lo -= pad;
        *hi += pad;
    }
}

/* Which axes hold log10 values, for the tick labels. */
typedef struct {
    int log_x, log_y;
} axes_kind;

/* PLplot label callback: "10^k" (PLplot's #u ... #d superscript) on log axes, plain numbers
 * elsewhere. Major ticks of log axes are placed by decade_step, so many decades stay legible. */
static void label_fn(PLINT axis, PLFLT value, char *label, PLINT length, PLPointer data)
{
    const axes_kind *k = data;
    int lg = axis == PL_X_AXIS ? k->log_x : k->log_y;
    if (lg) snprintf(label, (size_t)length, "10#u%.0f#d", value);
    else snprintf(label, (size_t)length, "%g", fabs(value) < 1e-12 ? 0.0 : value);
}

/* Major tick spacing, in decades, for a log axis spanning span decades: about 8 labels. */
static double decade_step(double span)
{
    double step = ceil(span / 8);
    return step < 1 ? 1 : step;
}

static const char *error_label(const char *kind)
{
    if (!strcmp(kind, "rel")) return "relative error |p - f| / |f|";
    if (!strcmp(kind, "ulp")) return "error in float64 ULP";
    return "absolute error |p - f|";
}

int cmd_plot(int argc, char **argv)
{
    const char *output = NULL, *kind = "abs", *points = "2000", *against = NULL;
    const ua_opt opts[] = {
        { "output", 'o', 1, &output, NULL }, { "error", 0, 1, &kind, NULL },
        { "points", 0, 1, &points, NULL },   { "against", 0, 1, &against, NULL },
    };
    const char *path;
    int rc = ua_cli_parse_model("plot", help, argc, argv, opts, sizeof opts / sizeof opts[0], &path);
    if (rc || !path) return rc;
    if (!output) return ua_cli_usage("plot", "give the output file with -o FILE.png or FILE.svg");
    const char *ext = strrchr(output, '.'), *dev;
    if (ext && !strcmp(ext, ".png")) dev = "pngcairo";
    else if (ext && !strcmp(ext, ".svg")) dev = "svgcairo";
    else return ua_cli_usage("plot", "output '%s' must end in .png or .svg", output);
    if ((rc = ua_cli_check_writable("plot", "the plot", output))) return rc;
    if (strcmp(kind, "abs") && strcmp(kind, "rel") && strcmp(kind, "ulp"))
        return ua_cli_usage("plot", "--error '%s' must be abs, rel or ulp", kind);
    size_t n;
    if (ua_cli_size(points, &n) || n < 10 || n > 10000000)
        return ua_cli_usage("plot", "--points '%s' must be a count in [10, 1e7]", points);
    if (!have_device(dev)) {
        return ua_cli_error("plot", UA_EXIT_FAIL, "PLplot has no '%s' device (install "
                            "plplot-driver-cairo)", dev);
    }

    ua_model *m;
    ua_status s = ua_model_load(path, &m);
    if (s) return ua_cli_fail("plot", s);
    if (!ua_cli_model_is_1d("plot", m)) {
        ua_model_free(m);
        return UA_EXIT_USAGE;
    }
    const char *spec = against ? against : ua_model_target(m);
    ua_target *t = NULL;
    if (!*spec) {
        ua_model_free(m);
        return ua_cli_usage("plot", "the model stores no target: give one with --against");
    }
    if ((s = ua_target_parse(spec, NULL, 0, &t))) {
        /* the model's own target: what the model file stores is at fault, so name it */
        rc = against ? ua_cli_fail("plot", s)
                     : ua_cli_error("plot", ua_cli_exit_code(s), "%s: the model's recorded target "
                                    "'%s' does not parse: %s", path, spec, ua_cli_error_text());
        ua_model_free(m);
        return rc;
    }
    double lo, hi;
    ua_model_domain(m, &lo, &hi);
    int log_x = 0;
    {
        double *pts = NULL;
        size_t np = 0;
        if (ua_model_natural_points(m, &pts, &np, &log_x) == UA_OK) free(pts);
    }
    if (log_x && !(lo > 0)) log_x = 0;

    double *x = malloc(n * sizeof *x), *f = malloc(n * sizeof *f), *p = malloc(n * sizeof *p),
           *e = malloc(n * sizeof *e), *px = malloc(n * sizeof *px), *pe = malloc(n * sizeof *pe);
    double *brk = NULL;
    if (!x || !f || !p || !e || !px || !pe) {
        rc = ua_cli_usage("plot", "out of memory");
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        double u = (double)i / (double)(n - 1);
        x[i] = i == 0 ? lo : i == n - 1 ? hi : log_x ? exp(log(lo) + (log(hi) - log(lo)) * u)
                                                     : lo + (hi - lo) * u;
    }
    if ((s = ua_model_predict(m, x, n, p))) {
        rc = ua_cli_fail("plot", s);
        goto done;
    }
    /* the target in MPFR; the error formed in MPFR before rounding, as `check` does */
    double emin = INFINITY, emax = 0;
    {
        mpfr_t fr, d;
        mpfr_inits2(128, fr, d, (mpfr_ptr)0);
        for (size_t i = 0; i < n; i++) {
            ua_target_eval_mpfr(t, &x[i], fr);
            f[i] = mpfr_get_d(fr, MPFR_RNDN);
            if (!isfinite(f[i]) || !isfinite(p[i])) {
                e[i] = NAN;
                continue;
            }
            mpfr_d_sub(d, p[i], fr, MPFR_RNDN);
            if (!strcmp(kind, "rel")) mpfr_div(d, d, fr, MPFR_RNDN);
            else if (!strcmp(kind, "ulp")) mpfr_div_d(d, d, ua_ulp64(f[i]), MPFR_RNDN);
            e[i] = fabs(mpfr_get_d(d, MPFR_RNDN));
            if (isfinite(e[i]) && e[i] > 0 && e[i] < emin) emin = e[i];
            if (isfinite(e[i]) && e[i] > emax) emax = e[i];
        }
        mpfr_clears(fr, d, (mpfr_ptr)0);
    }
    if (!(emax > 0)) emin = emax = 1e-17; /* exact everywhere: an empty-looking but valid axis */
    double efloor = emin / 10 > ERR_FLOOR ? emin / 10 : ERR_FLOOR;
    for (size_t i = 0; i < n; i++) {
        px[i] = log_x ? log10(x[i]) : x[i];
        pe[i] = isfinite(e[i]) ? log10(e[i] > efloor ? e[i] : efloor) : NAN;
    }
    size_t nb = ua_cli_model_marks(m, lo, hi, &brk);

    /* ---- drawing ---- */
    /* PLplot writes to a temporary file and the result is installed by the atomic writer
     * (model/atomic.h): beside the output (a symbolic link's target), renamed into place at the
     * end, so an unwritable path is a clean error here (PLplot itself would abort) and an existing
     * plot is replaced only by a complete one. A device or FIFO at the output is written directly:
     * PLplot then draws into a temporary file in $TMPDIR that is copied to it. */
    ua_atomic out;
    if ((s = ua_atomic_open(&out, output))) {
        rc = ua_cli_fail_output("plot", s);
        goto done;
    }
    char tmpbuf[4200];
    const char *tmp = out.tmp;
    if (out.direct) {
        const char *td = getenv("TMPDIR");
        snprintf(tmpbuf, sizeof tmpbuf, "%.4000s/uniapprox-plot-XXXXXX", td && *td ? td : "/tmp");
        int fd = mkstemp(tmpbuf);
        if (fd < 0) {
            rc = ua_cli_error("plot", UA_EXIT_FAIL, "cannot create a temporary file in '%s': %s",
                              td && *td ? td : "/tmp", strerror(errno));
            ua_atomic_abort(&out);
            goto done;
        }
        close(fd);
        tmp = tmpbuf;
    }
    plsdev(dev);
    plsfnam(tmp);
    plspage(0, 0, 1000, 800, 0, 0);
    plscmap0n(16);
    plscol0(0, 255, 255, 255);  /* background */
    plscol0(1, 0, 0, 0);        /* axes and labels */
    plscol0(2, 31, 119, 180);   /* target */
    plscol0(3, 214, 39, 40);    /* approximant */
    plscol0(4, 120, 120, 120);  /* breakpoints */
    plscol0(5, 44, 160, 44);    /* error */
    plinit();
    axes_kind axes = {log_x, 0};
    plslabelfunc(label_fn, &axes);
    plfont(1);
    plschr(0, 0.9);
    double xmin = log_x ? log10(lo) : lo, xmax = log_x ? log10(hi) : hi;
    /* custom labels ("o") on every axis; log axes get no (misleading linear) minor ticks */
    const char *xopt = log_x ? "bcnot" : "bcnost";
    double xstep = log_x ? decade_step(xmax - xmin) : 0;
    char title[300];
    snprintf(title, sizeof title, "%.120s  (%s model)", spec, ua_model_family(m));

    /* top panel: f and p */
    /* values that are all positive and span more than six decades go on a log axis too */
    double fmin_, fmax_;
    minmax(f, n, &fmin_, &fmax_);
    int log_y = 1;
    double posmin = INFINITY, posmax = 0;
    for (size_t i = 0; i < n; i++) {
        if (isfinite(f[i]) && !(f[i] > 0)) log_y = 0;
        if (isfinite(f[i]) && f[i] > 0 && f[i] < posmin) posmin = f[i];
        if (isfinite(f[i]) && f[i] > posmax) posmax = f[i];
    }
    log_y = log_y && posmax > 1e6 * posmin;
    double *pf = f, *pp = p;
    if (log_y) { /* plot log10 values in place: f and p are not needed in linear form below */
        for (size_t i = 0; i < n; i++) {
            f[i] = f[i] > 0 ? log10(f[i]) : NAN;
            p[i] = p[i] > 0 ? log10(p[i]) : NAN;
        }
    }
    double ylo, yhi;
    minmax(pf, n, &ylo, &yhi);
    yhi += 0.12 * (yhi - ylo); /* headroom for the legend */
    /* the legend goes in the upper corner where the curve is lower (mean over the outer 15%) */
    double left = 0, right = 0;
    size_t m15 = n * 15 / 100, cl = 0, cr = 0;
    for (size_t i = 0; i < m15; i++) {
        if (isfinite(pf[i])) left += pf[i], cl++;
        if (isfinite(pf[n - 1 - i])) right += pf[n - 1 - i], cr++;
    }
    int legend_left = cl && cr && left / (double)cl > right / (double)cr ? 0 : cl && cr;
    pladv(0);
    plcol0(1);
    plvpor(0.11, 0.95, 0.55, 0.93);
    plwind(xmin, xmax, ylo, yhi);
    axes.log_y = log_y;
    plbox(xopt, xstep, 0, log_y ? "bcnotv" : "bcnostv", log_y ? decade_step(yhi - ylo) : 0, 0);
    pllab("", "value", title);
    plcol0(4);
    pllsty(3);
    for (size_t i = 0; i < nb; i++) {
        double bx = log_x ? log10(brk[i]) : brk[i];
        pljoin(bx, ylo, bx, yhi);
    }
    pllsty(1);
    plwidth(4);
    plcol0(2);
    plline((PLINT)n, px, pf);
    plwidth(1.5);
    plcol0(3);
    pllsty(2);
    plline((PLINT)n, px, pp);
    pllsty(1);
    plwidth(1);
    {
        const char *text[3] = {"target f (MPFR)", "approximant p", "breakpoints / knots"};
        PLINT opt_array[3] = {PL_LEGEND_LINE, PL_LEGEND_LINE, PL_LEGEND_LINE};
        PLINT text_colors[3] = {1, 1, 1}, line_colors[3] = {2, 3, 4}, line_styles[3] = {1, 2, 3};
        PLFLT line_widths[3] = {4, 1.5, 1};
        PLFLT lw, lh;
        PLINT nl = nb ? 3 : 2;
        pllegend(&lw, &lh, PL_LEGEND_BACKGROUND | PL_LEGEND_BOUNDING_BOX,
                 PL_POSITION_TOP | (legend_left ? PL_POSITION_LEFT : PL_POSITION_RIGHT) |
                     PL_POSITION_INSIDE, 0.01, 0.01, 0.08, 0, 1,
                 1, 0, 0, nl, opt_array, 1.0, 0.8, 2.0, 0.0, text_colors, text, NULL, NULL, NULL,
                 NULL, line_colors, line_styles, line_widths, NULL, NULL, NULL, NULL);
    }

    /* bottom panel: the error, log scale */
    double elo = log10(efloor), ehi = log10(emax);
    if (ehi - elo < 1) elo = ehi - 1;
    ehi += 0.05 * (ehi - elo);
    plcol0(1);
    plvpor(0.11, 0.95, 0.08, 0.44);
    plwind(xmin, xmax, elo, ehi);
    axes.log_y = 1;
    plbox(xopt, xstep, 0, "bcnotv", decade_step(ehi - elo), 0);
    pllab("x", error_label(kind), "");
    plcol0(4);
    pllsty(3);
    for (size_t i = 0; i < nb; i++) {
        double bx = log_x ? log10(brk[i]) : brk[i];
        pljoin(bx, elo, bx, ehi);
    }
    pllsty(1);
    plcol0(5);
    /* NaN errors (reference not finite) break the curve into runs */
    for (size_t i = 0; i < n;) {
        while (i < n && isnan(pe[i])) i++;
        size_t j = i;
        while (j < n && !isnan(pe[j])) j++;
        if (j - i >= 2) plline((PLINT)(j - i), px + i, pe + i);
        i = j;
    }
    plend();
    struct stat st;
    errno = 0;
    if (stat(tmp, &st) != 0 || st.st_size == 0) {
        rc = ua_cli_error("plot", UA_EXIT_OUTPUT, "'%s' was not written: %s", output,
                          errno ? strerror(errno) : "the plot is empty");
        if (out.direct) unlink(tmp);
        ua_atomic_abort(&out);
        goto done;
    }
    if (out.direct) { /* copy the drawing to the device or FIFO */
        FILE *in = fopen(tmp, "rb");
        char buf[65536];
        size_t k;
        int ce = in ? 0 : errno;
        const char *what = tmp;
        while (!ce && (k = fread(buf, 1, sizeof buf, in)) > 0)
            if (fwrite(buf, 1, k, out.f) != k) ce = errno ? errno : EIO, what = output;
        if (!ce && ferror(in)) ce = EIO;
        if (in) fclose(in);
        unlink(tmp);
        if (ce) {
            rc = ua_cli_error("plot", UA_EXIT_OUTPUT, "cannot %s '%s': %s",
                              what == tmp ? "read" : "write", what, strerror(ce));
            ua_atomic_abort(&out);
            goto done;
        }
    }
    s = ua_atomic_commit(&out);
    if (s) {
        rc = ua_cli_fail_output("plot", s);
    } else {
        fprintf(ua_cli_notes(), "uniapprox plot: wrote %s (%zu points, max %s %.3e)\n", output, n, kind,
                emax);
    }
done:
    free(x);
    free(f);
    free(p);
    free(e);
    free(px);
    free(pe);
    free(brk);
    ua_target_free(t);
    ua_model_free(m);
    return rc;
}
