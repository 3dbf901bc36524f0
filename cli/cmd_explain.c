/* uniapprox explain — attributions of a model's prediction to its inputs (uniapprox/explain.h),
 * at one point or as global importance over a data set. */
#include <math.h>
#include <plplot.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "svg.h"
#include "uniapprox/explain.h"

static const char help[] =
    "usage: uniapprox explain MODEL --at X1,X2,... [--baseline B1,B2,...] [--method M] [--json]\n"
    "       uniapprox explain MODEL --data FILE [--x-col C,...] [--plot FILE.svg|FILE.png]\n"
    "\n"
    "Attributes the model's prediction at x (--at) to its inputs: how much each input moved the\n"
    "prediction from the baseline x0 (default all zeros), in units of the output. Any family, any\n"
    "dimension; gradients are the family's own where it differentiates itself, else central\n"
    "differences (said in the output). Methods (docs/explain.md):\n"
    "  ig            Integrated Gradients: (x - x0) times the mean gradient on the straight path,\n"
    "                by Gauss-Legendre or a Riemann rule; sums to f(x) - f(x0) up to the\n"
    "                quadrature error, which is printed (\"completeness\")\n"
    "  smoothgrad    the gradient averaged over noisy copies of x, times (x - x0)\n"
    "  grad_x_input  the gradient at x times (x - x0)\n"
    "  kernelshap    Shapley values of switching inputs from x0 to x: exact by enumerating every\n"
    "                coalition for d <= 12, sampled beyond; sums to f(x) - f(x0) exactly\n"
    "  lime          a ridge surrogate on random coalitions, weighted by lime's kernel\n"
    "  all           every method side by side (the default)\n"
    "With --data, prints the global importance: the mean |attribution| of each input over the\n"
    "rows of FILE (CSV with a header, text or .npy; the model's input columns by name, else the\n"
    "first d columns), and --plot draws it as a bar chart.\n"
    "\n"
    "options:\n"
    "  --at X1,...          the point, d comma-separated numbers\n"
    "  --baseline B1,...    the baseline x0 (default zeros; must lie in a box model's box)\n"
    "  --method M           ig, smoothgrad, grad_x_input, kernelshap, lime or all\n"
    "  --target K           the output explained (0-based, default 0)\n"
    "  --steps N            IG nodes (captum n_steps, default 50)\n"
    "  --ig-method R        gausslegendre (default), riemann_left, riemann_right,\n"
    "                       riemann_middle, riemann_trapezoid\n"
    "  --nt-samples N       SmoothGrad samples (default 50)\n"
    "  --stdevs S           SmoothGrad noise std in input units (default 15% of the box width,\n"
    "                       1 without a box)\n"
    "  --n-samples N        KernelSHAP coalitions beyond --exact-max-dim (default 2d + 2048);\n"
    "                       LIME perturbations (default 5000)\n"
    "  --exact-max-dim D    KernelSHAP enumerates every coalition up to D inputs (default 12,\n"
    "                       at most 20)\n"
    "  --kernel-width W     LIME kernel width (default 0.75 sqrt(d))\n"
    "  --alpha A            LIME ridge penalty (default 1)\n"
    "  --seed S             noise and sampled coalitions (default 0)\n"
    "  --finite-differences use central differences even where the family has gradients\n"
    "  --data FILE          global importance over the rows of FILE\n"
    "  --x-col C,...        the columns of FILE (names or 0-based indices)\n"
    "  --plot FILE          with --data: a bar chart, SVG or PNG by FILE's extension\n"
    "  --json               print JSON\n";

/* Parses "a,b,c" into exactly d finite numbers; what names the option. 0 or the exit code. */
int ua_cli_parse_point(const char *cmd, const char *s, size_t d, double *v, const char *what)
{
    size_t k = 0;
    const char *p = s;
    for (;;) {
        char tok[128];
        size_t len = strcspn(p, ",");
        if (len == 0 || len >= sizeof tok)
            return ua_cli_usage(cmd, "%s '%s': expected %zu comma-separated numbers", what, s, d);
        memcpy(tok, p, len);
        tok[len] = '\0';
        if (k == d)
            return ua_cli_usage(cmd, "%s '%s': more than %zu numbers (the model has %zu "
                                "input%s)", what, s, d, d, d == 1 ? "" : "s");
        if (ua_cli_double(tok, &v[k]))
            return ua_cli_usage(cmd, "%s: '%s' is not a finite number", what, tok);
        k++;
        if (!p[len]) break;
        p += len + 1;
    }
    if (k != d)
        return ua_cli_usage(cmd, "%s '%s': %zu number%s, the model has %zu input%s", what, s,
                            k, k == 1 ? "" : "s", d, d == 1 ? "" : "s");
    return 0;
}

/* The model's input names (metadata "input_names" or "vars"), else x1..xd: d malloc'd strings. */
static char **input_names(const ua_model *m, size_t d)
{
    char **names = calloc(d, sizeof *names);
    if (!names) return NULL;
    const char *json = ua_model_meta(m, "input_names"), *vars = ua_model_meta(m, "vars");
    cJSON *arr = json ? cJSON_Parse(json) : NULL;
    if (cJSON_IsArray(arr) && (size_t)cJSON_GetArraySize(arr) == d) {
        for (size_t j = 0; j < d; j++) {
            const cJSON *e = cJSON_GetArrayItem(arr, (int)j);
            if (cJSON_IsString(e)) names[j] = strdup(e->valuestring);
        }
    } else if (vars) {
        const char *p = vars;
        for (size_t j = 0; j < d && *p; j++) {
            size_t len = strcspn(p, ",");
            names[j] = strndup(p, len);
            p += len + (p[len] == ',');
        }
    }
    cJSON_Delete(arr);
    for (size_t j = 0; j < d; j++)
        if (!names[j]) {
            char buf[32];
            snprintf(buf, sizeof buf, "x%zu", j + 1);
            names[j] = strdup(buf);
        }
    return names;
}

static void free_names(char **names, size_t d)
{
    for (size_t j = 0; names && j < d; j++) free(names[j]);
    free(names);
}

/* The rows of FILE: the columns of x_cols, else the model's input names, else the first din
 * (a file of more columns than din + 1 needs --x-col). *X (n, din) malloc'd. */
int ua_cli_read_rows(const char *cmd, const ua_model *m, const char *path, const char *x_cols,
                     size_t din, double **X, size_t *n, ua_dataset **keep)
{
    ua_dataset *ds;
    ua_status s = ua_dataset_read(path, UA_FORMAT_AUTO, &ds);
    if (s) return ua_cli_fail(cmd, s);
    size_t cols[256], nc = 0, rows = ua_dataset_rows(ds), ncols = ua_dataset_cols(ds);
    int rc = 0;
    if (din > 256) rc = ua_cli_usage(cmd, "the model has %zu inputs (at most 256 here)", din);
    if (!rc && x_cols) {
        const char *p = x_cols;
        while (!rc) {
            char name[256];
            size_t len = strcspn(p, ",");
            if (len == 0 || len >= sizeof name || nc == 256) {
                rc = ua_cli_usage(cmd, "bad column list '%s'", x_cols);
                break;
            }
            memcpy(name, p, len);
            name[len] = '\0';
            if ((s = ua_dataset_column(ds, name, &cols[nc++]))) rc = ua_cli_fail(cmd, s);
            if (!p[len]) break;
            p += len + 1;
        }
    } else if (!rc && ua_cli_columns_by_name(m, "input_names", ds, din, cols)) {
        nc = din; /* else a file without those names: by position */
    }
    if (!rc && !nc) {
        if (ncols != din && ncols != din + 1)
            rc = ua_cli_usage(cmd, "%s has %zu column%s and the model %zu input%s: choose the "
                              "input columns with --x-col", path, ncols, ncols == 1 ? "" : "s",
                              din, din == 1 ? "" : "s");
        for (size_t j = 0; !rc && j < din; j++) cols[nc++] = j;
    }
    if (!rc && nc != din)
        rc = ua_cli_usage(cmd, "%s: %zu input columns, the model takes %zu", path, nc, din);
    if (!rc && !rows) rc = ua_cli_usage(cmd, "%s has no rows", path);
    if (!rc) {
        *X = malloc(rows * din * sizeof **X);
        if (!*X) rc = ua_cli_usage(cmd, "out of memory");
        else if ((s = ua_dataset_select(ds, NULL, rows, cols, nc, *X))) {
            free(*X);
            *X = NULL;
            rc = ua_cli_fail(cmd, s);
        }
        *n = rows;
    }
    if (!rc && keep) *keep = ds;
    else ua_dataset_free(ds);
    return rc;
}

/* A bar chart of v (d,) with labels: SVG through cli/svg.c, PNG through PLplot's cairo driver. */
static int plot_bars(const char *path, const double *v, size_t d, char **names,
                     const char *title)
{
    const char *ext = strrchr(path, '.');
    int svg = ext && !strcmp(ext, ".svg"), png = ext && !strcmp(ext, ".png");
    if (!svg && !png) return ua_cli_usage("explain", "--plot '%s': expected a .svg or .png file", path);
    double vmax = 0;
    for (size_t j = 0; j < d; j++) vmax = fmax(vmax, v[j]);
    if (!(vmax > 0)) vmax = 1;
    if (svg) {
        FILE *f = fopen(path, "w");
        if (!f) return ua_cli_error("explain", UA_EXIT_OUTPUT, "cannot write the plot '%s'", path);
        ua_svg_plot p;
        memset(&p, 0, sizeof p);
        ua_svg_begin(&p, f, "importance", 720, 420, 0, (double)d, 0, vmax * 1.1, 0, 0, title,
                     "input", "mean |attribution|");
        double fw = p.w - p.left - p.right, fh = p.h - p.top - p.bottom;
        for (size_t j = 0; j < d; j++) {
            double x0 = p.left + ((double)j + 0.15) / (double)d * fw, bw = 0.7 / (double)d * fw;
            double bh = v[j] / (vmax * 1.1) * fh, y0 = p.top + fh - bh;
            fprintf(f, "<rect class=\"ua-bar\" data-v=\"%.17g\" x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" "
                    "height=\"%.2f\" fill=\"#1f77b4\"/>\n", v[j], x0, y0, bw, bh);
            fprintf(f, "<text x=\"%.2f\" y=\"%.2f\" font-size=\"11\" text-anchor=\"middle\">",
                    x0 + bw / 2, y0 - 4);
            ua_svg_escape(f, names[j]);
            fputs("</text>\n", f);
        }
        ua_svg_end(&p);
        int bad = ferror(f);
        if (fclose(f) || bad)
            return ua_cli_error("explain", UA_EXIT_OUTPUT, "error writing the plot '%s'", path);
        return 0;
    }
    int rc = ua_cli_check_writable("explain", "the plot", path);
    if (rc) return rc;
    plsdev("pngcairo");
    plsfnam(path);
    plspage(0, 0, 1000, 600, 0, 0);
    plscol0(0, 255, 255, 255);
    plscol0(1, 0, 0, 0);
    plscol0(2, 31, 119, 180);
    plinit();
    plfont(1);
    plschr(0, 0.9);
    plenv(0, (double)d, 0, vmax * 1.1, 0, 0);
    pllab("input", "mean |attribution|", title);
    plcol0(2);
    for (size_t j = 0; j < d; j++) {
        PLFLT bx[4] = {j + 0.15, j + 0.15, j + 0.85, j + 0.85}, by[4] = {0, v[j], v[j], 0};
        plfill(4, bx, by);
        plcol0(1);
        plptex(j + 0.5, v[j] + vmax * 0.02, 1, 0, 0.5, names[j]);
        plcol0(2);
    }
    plend();
    return 0;
}

int cmd_explain(int argc, char **argv)
{
    const char *at = NULL, *base = NULL, *method = "all", *steps = NULL, *igm = NULL,
               *nt = NULL, *stdevs = NULL, *nsamp = NULL, *emax = NULL, *kw = NULL,
               *alpha = NULL, *seed = NULL, *target = NULL, *data = NULL, *xcol = NULL,
               *plot = NULL;
    int json = 0, fd = 0;
    const ua_opt opts[] = {
        {"at", 0, 1, &at, NULL},           {"baseline", 0, 1, &base, NULL},
        {"method", 0, 1, &method, NULL},   {"steps", 0, 1, &steps, NULL},
        {"ig-method", 0, 1, &igm, NULL},   {"nt-samples", 0, 1, &nt, NULL},
        {"stdevs", 0, 1, &stdevs, NULL},   {"n-samples", 0, 1, &nsamp, NULL},
        {"exact-max-dim", 0, 1, &emax, NULL}, {"kernel-width", 0, 1, &kw, NULL},
        {"alpha", 0, 1, &alpha, NULL},     {"seed", 0, 1, &seed, NULL},
        {"target", 0, 1, &target, NULL},   {"data", 0, 1, &data, NULL},
        {"x-col", 0, 1, &xcol, NULL},      {"plot", 0, 1, &plot, NULL},
        {"json", 0, 0, NULL, &json},       {"finite-differences", 0, 0, NULL, &fd},
    };
    const char *path;
    int rc = ua_cli_parse_model("explain", help, argc, argv, opts, sizeof opts / sizeof opts[0], &path);
    if (rc || !path) return rc;
    if (!at && !data) return ua_cli_usage("explain", "give the point (--at X1,...) or a data set (--data FILE)");
    if (at && data) return ua_cli_usage("explain", "--at and --data exclude each other");
    if (plot && !data) return ua_cli_usage("explain", "--plot draws the global importance of --data");

    ua_explain_options o;
    ua_explain_options_default(&o);
    size_t sz;
    if (steps && (ua_cli_size(steps, &o.n_steps) || !o.n_steps))
        return ua_cli_usage("explain", "--steps '%s': expected a positive integer", steps);
    if (igm && ua_ig_method_parse(igm, &o.method)) return ua_cli_usage("explain", "--ig-method: %s", ua_cli_error_text());
    if (nt && (ua_cli_size(nt, &o.nt_samples) || !o.nt_samples))
        return ua_cli_usage("explain", "--nt-samples '%s': expected a positive integer", nt);
    if (stdevs && (ua_cli_double(stdevs, &o.stdevs) || !(o.stdevs > 0)))
        return ua_cli_usage("explain", "--stdevs '%s': expected a number > 0", stdevs);
    if (nsamp && (ua_cli_size(nsamp, &o.n_samples) || o.n_samples < 2))
        return ua_cli_usage("explain", "--n-samples '%s': expected an integer >= 2", nsamp);
    if (emax && (ua_cli_size(emax, &o.exact_max_dim) || o.exact_max_dim > 20))
        return ua_cli_usage("explain", "--exact-max-dim '%s': expected 0..20", emax);
    if (kw && (ua_cli_double(kw, &o.kernel_width) || !(o.kernel_width > 0)))
        return ua_cli_usage("explain", "--kernel-width '%s': expected a number > 0", kw);
    if (alpha && (ua_cli_double(alpha, &o.alpha) || !(o.alpha >= 0)))
        return ua_cli_usage("explain", "--alpha '%s': expected a number >= 0", alpha);
    if (seed && ua_cli_size(seed, &sz)) return ua_cli_usage("explain", "--seed '%s': expected an integer >= 0", seed);
    if (seed) o.seed = sz;
    if (target && ua_cli_size(target, &o.target))
        return ua_cli_usage("explain", "--target '%s': expected an output index >= 0", target);
    o.finite_differences = fd;
    ua_explain_method meths[UA_EXPLAIN_NMETHODS];
    size_t nm = 0;
    if (!strcmp(method, "all")) {
        for (int i = 0; i < UA_EXPLAIN_NMETHODS; i++) meths[nm++] = (ua_explain_method)i;
    } else if (ua_explain_method_parse(method, &meths[0])) {
        return ua_cli_usage("explain", "--method: %s (or all)", ua_cli_error_text());
    } else {
        nm = 1;
    }
    /* the plot's name and its clash with the input, before the work (they were found after it) */
    const char *ext = plot ? strrchr(plot, '.') : NULL;
    if (plot && (!ext || (strcmp(ext, ".svg") && strcmp(ext, ".png"))))
        return ua_cli_usage("explain", "--plot '%s': expected a .svg or .png file", plot);
    if (data) ua_cli_note_input("data", data);
    if (plot && (rc = ua_cli_check_writable("explain", "the plot", plot))) return rc;

    ua_model *m;
    ua_status s = ua_model_load(path, &m);
    if (s) return ua_cli_fail("explain", s);
    ua_problem_kind kind = ua_model_kind(m);
    if (kind == UA_PROBLEM_SEQUENCES || kind == UA_PROBLEM_GRAPHS) { /* before --at's count */
        rc = ua_cli_usage("explain", "a %s model takes %s, not points; attributions are defined "
                          "for models of points", ua_model_family(m),
                          kind == UA_PROBLEM_SEQUENCES ? "sequences" : "graphs");
        ua_model_free(m);
        return rc;
    }
    size_t d = 1, dout = 1;
    ua_model_dims(m, &d, &dout);
    double *x = calloc(2 * d, sizeof *x), *x0 = x + d;
    double *all = calloc(UA_EXPLAIN_NMETHODS * d, sizeof *all);
    char **names = input_names(m, d);
    ua_explain_info info[UA_EXPLAIN_NMETHODS];
    double *X = NULL;
    size_t n = 0;
    if (!x || !all || !names) rc = ua_cli_usage("explain", "out of memory");
    if (!rc && at) rc = ua_cli_parse_point("explain", at, d, x, "--at");
    if (!rc && base) rc = ua_cli_parse_point("explain", base, d, x0, "--baseline");
    if (!rc && data) rc = ua_cli_read_rows("explain", m, data, xcol, d, &X, &n, NULL);
    for (size_t k = 0; !rc && k < nm; k++) {
        s = at ? ua_explain(m, meths[k], x, x0, &o, all + k * d, &info[k])
               : ua_explain_global(m, meths[k], X, n, x0, &o, all + k * d);
        if (s) rc = ua_cli_fail("explain", s);
    }
    if (!rc && json) {
        cJSON *root = cJSON_CreateObject();
        cJSON_AddStringToObject(root, "family", ua_model_family(m));
        cJSON *nj = cJSON_AddArrayToObject(root, "inputs");
        for (size_t j = 0; j < d; j++) cJSON_AddItemToArray(nj, cJSON_CreateString(names[j]));
        if (at) cJSON_AddItemToObject(root, "x", cJSON_CreateDoubleArray(x, (int)d));
        else {
            cJSON_AddStringToObject(root, "data", data);
            cJSON_AddNumberToObject(root, "rows", (double)n);
        }
        cJSON_AddItemToObject(root, "baseline", cJSON_CreateDoubleArray(x0, (int)d));
        if (at) {
            cJSON_AddNumberToObject(root, "fx", info[0].fx);
            cJSON_AddNumberToObject(root, "fbaseline", info[0].fbase);
        }
        cJSON *mj = cJSON_AddObjectToObject(root, "methods");
        for (size_t k = 0; k < nm; k++) {
            cJSON *e = cJSON_AddObjectToObject(mj, ua_explain_method_name(meths[k]));
            cJSON_AddItemToObject(e, at ? "attributions" : "mean_abs_attribution",
                                  cJSON_CreateDoubleArray(all + k * d, (int)d));
            if (!at) continue;
            if (!isnan(info[k].completeness)) cJSON_AddNumberToObject(e, "completeness", info[k].completeness);
            cJSON_AddNumberToObject(e, "evals", (double)info[k].evals);
            if (meths[k] == UA_EXPLAIN_IG || meths[k] == UA_EXPLAIN_SMOOTHGRAD ||
                meths[k] == UA_EXPLAIN_GRAD_X_INPUT)
                cJSON_AddBoolToObject(e, "analytic_gradient", info[k].analytic_gradient);
            if (meths[k] == UA_EXPLAIN_KERNELSHAP) cJSON_AddBoolToObject(e, "exact", info[k].exact);
            if (meths[k] == UA_EXPLAIN_LIME) {
                cJSON_AddNumberToObject(e, "score", info[k].score);
                cJSON_AddNumberToObject(e, "intercept", info[k].intercept);
            }
        }
        ua_cli_print_json(root);
    } else if (!rc) {
        if (at)
            printf("f(x) = %.17g, f(baseline) = %.17g, f(x) - f(baseline) = %.17g\n", info[0].fx,
                   info[0].fbase, info[0].fx - info[0].fbase);
        else
            printf("global importance: mean |attribution| over the %zu rows of %s\n", n, data);
        printf("%-14s", "input");
        for (size_t k = 0; k < nm; k++) printf(" %24s", ua_explain_method_name(meths[k]));
        printf("\n");
        for (size_t j = 0; j < d; j++) {
            printf("%-14s", names[j]);
            for (size_t k = 0; k < nm; k++) printf(" %24.17g", all[k * d + j]);
            printf("\n");
        }
        if (at) {
            printf("%-14s", "sum");
            for (size_t k = 0; k < nm; k++) {
                double sum = 0;
                for (size_t j = 0; j < d; j++) sum += all[k * d + j];
                printf(" %24.17g", sum);
            }
            printf("\n%-14s", "completeness");
            for (size_t k = 0; k < nm; k++) {
                if (isnan(info[k].completeness)) printf(" %24s", "-");
                else printf(" %24.3g", info[k].completeness);
            }
            printf("\n");
            for (size_t k = 0; k < nm; k++) {
                ua_explain_method me = meths[k];
                if (me == UA_EXPLAIN_IG || me == UA_EXPLAIN_SMOOTHGRAD || me == UA_EXPLAIN_GRAD_X_INPUT)
                    printf("%s: %s gradients, %zu points\n", ua_explain_method_name(me),
                           info[k].analytic_gradient ? "analytic" : "finite-difference", info[k].evals);
                else if (me == UA_EXPLAIN_KERNELSHAP)
                    printf("kernelshap: %s, %zu points\n", info[k].exact ? "exact (every coalition)"
                           : "sampled coalitions (efficiency enforced)", info[k].evals);
                else
                    printf("lime: surrogate weighted R^2 %.4g, intercept %.17g, %zu points\n",
                           info[k].score, info[k].intercept, info[k].evals);
            }
        }
    }
    if (!rc && plot) {
        char title[160];
        snprintf(title, sizeof title, "global importance (%s): mean |attribution| over %zu rows",
                 ua_explain_method_name(meths[0]), n);
        rc = plot_bars(plot, all, d, names, title);
    }
    free(X);
    free(x);
    free(all);
    free_names(names, d);
    ua_model_free(m);
    if (!rc) rc = ua_cli_flush_stdout("explain");
    return rc;
}
