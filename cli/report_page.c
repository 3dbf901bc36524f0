/* cli/report_page.c — the tables and text of `uniapprox report` (report_page.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_page.h"
#include "svg.h"

void ua_report_text(FILE *f, const char *s) { ua_svg_escape(f, s); }

static const char style[] =
    "body{font-family:system-ui,sans-serif;max-width:1100px;margin:1.5em auto;padding:0 1em;"
    "color:#222}\n"
    "h1{font-size:1.5em}h2{font-size:1.2em;border-bottom:1px solid #ccc;padding-bottom:.2em;"
    "margin-top:1.6em}\n"
    "table{border-collapse:collapse;margin:.5em 0}td,th{padding:.15em .8em;text-align:left;"
    "border-bottom:1px solid #eee;vertical-align:top}\n"
    "td.num{font-family:ui-monospace,monospace;text-align:right}\n"
    ".verdict-resolved{color:#176317;font-weight:bold}.verdict-not{color:#a31515;"
    "font-weight:bold}\n"
    ".note{color:#555;font-size:.92em}.plots{display:flex;flex-wrap:wrap;gap:12px}\n"
    "figure.ua-figure{margin:0;max-width:530px}\n"
    "svg.ua-plot{font-size:11px;font-family:system-ui,sans-serif;background:#fafafa}\n"
    ".ua-title{font-weight:bold;font-size:12px}code{background:#f3f3f3;padding:0 .2em}\n";

void ua_report_page_head(FILE *f, const char *title)
{
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
          "<link rel=\"icon\" href=\"data:,\">\n<title>", f);
    ua_report_text(f, title);
    fprintf(f, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<h1>", style);
    ua_report_text(f, title);
    fputs("</h1>\n", f);
}

void ua_report_page_foot(FILE *f)
{
    fprintf(f, "<footer class=\"note\"><p>Written by uniapprox %s (<code>uniapprox report</code>)."
               " Every error on this page was measured against the reference by the engine's "
               "verification; a sampled maximum is not a bound.</p></footer>\n</body>\n</html>\n",
            UA_VERSION_STRING);
}

/* A point as text: "x = 0.5" or "(0.5, 1, -2)". */
static void point_text(FILE *f, const cJSON *x)
{
    if (cJSON_IsNumber(x)) {
        fprintf(f, "x = %.9g", x->valuedouble);
        return;
    }
    if (!cJSON_IsArray(x)) return;
    const cJSON *v;
    int first = 1;
    fputs("x = (", f);
    cJSON_ArrayForEach(v, x) {
        fprintf(f, "%s%.9g", first ? "" : ", ", cJSON_IsNumber(v) ? v->valuedouble : NAN);
        first = 0;
    }
    fputs(")", f);
}

/* One number row: the label, the value (%.3e, or an integer count), where it occurs. */
static void num_row(FILE *f, const cJSON *meas, const char *key, const char *label,
                    const char *where_key, int count)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(meas, key);
    if (!cJSON_IsNumber(v)) return;
    fprintf(f, "<tr data-key=\"%s\"><th>", key);
    ua_report_text(f, label);
    fprintf(f, "</th><td class=\"num\" data-key=\"%s\" data-value=\"%.17g\">", key, v->valuedouble);
    if (count) fprintf(f, "%.0f", v->valuedouble);
    else fprintf(f, "%.3e", v->valuedouble);
    fputs("</td><td>", f);
    if (where_key) {
        const cJSON *x = cJSON_GetObjectItemCaseSensitive(meas, where_key);
        if (x) {
            fputs("at ", f);
            point_text(f, x);
        }
    }
    fputs("</td></tr>\n", f);
}

void ua_report_errors_table(FILE *f, const cJSON *meas, const char *source)
{
    fputs("<p class=\"note\">", f);
    ua_report_text(f, source);
    fputs("</p>\n<table id=\"ua-errors\">\n", f);
    num_row(f, meas, "points", "points measured", NULL, 1);
    num_row(f, meas, "nonfinite_reference_points", "points skipped (reference not finite)",
            NULL, 1);
    num_row(f, meas, "scale", "scale max|f|", NULL, 0);
    num_row(f, meas, "rel_l2_err", "relative L2 error ||p - u||_2 / ||u||_2 (grid)", NULL, 0);
    num_row(f, meas, "grid_max_abs_err", "max abs error (grid)", NULL, 0);
    num_row(f, meas, "grid_points", "grid points", NULL, 1);
    num_row(f, meas, "check_points", "points measured (engine)", NULL, 1);
    num_row(f, meas, "residual_rms", "rms of the PDE residual (training points)", NULL, 0);
    num_row(f, meas, "max_abs_err", "max abs error", "max_abs_err_x", 0);
    num_row(f, meas, "max_rel_err", "max rel error", "max_rel_err_x", 0);
    num_row(f, meas, "max_rel_scale_err", "max error / scale", NULL, 0);
    num_row(f, meas, "rms_err", "rms abs error", NULL, 0);
    num_row(f, meas, "max_ulp64", "max error, float64 ULP", "max_ulp64_x", 0);
    num_row(f, meas, "max_ulp32", "max error, float32 ULP (result rounded to float)",
            "max_ulp32_x", 0);
    num_row(f, meas, "train_rmse", "train rmse (target units)", NULL, 0);
    num_row(f, meas, "test_rmse", "test rmse (target units)", NULL, 0);
    num_row(f, meas, "train_error_rate", "train error rate", NULL, 0);
    num_row(f, meas, "test_error_rate", "test error rate", NULL, 0);
    num_row(f, meas, "train_accuracy", "train accuracy", NULL, 0);
    num_row(f, meas, "test_accuracy", "test accuracy", NULL, 0);
    num_row(f, meas, "val_rmse", "validation rmse", NULL, 0);
    num_row(f, meas, "val_accuracy", "validation accuracy", NULL, 0);
    num_row(f, meas, "loo_rmse", "leave-one-out rmse", NULL, 0);
    num_row(f, meas, "estimated_err", "constructor's own estimate (not the verdict)", NULL, 0);
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(meas, "tolerance");
    if (cJSON_IsObject(t)) {
        const cJSON *a = cJSON_GetObjectItemCaseSensitive(t, "abs"),
                    *s = cJSON_GetObjectItemCaseSensitive(t, "scale"),
                    *r = cJSON_GetObjectItemCaseSensitive(t, "rel");
        if (cJSON_IsNumber(a) && cJSON_IsNumber(s) && cJSON_IsNumber(r))
            fprintf(f, "<tr data-key=\"tolerance\"><th>tolerance</th><td colspan=\"2\">|e| &lt;= "
                       "%.3g + %.3g&middot;scale + %.3g&middot;|f| at every measured point</td>"
                       "</tr>\n", a->valuedouble, s->valuedouble, r->valuedouble);
        const cJSON *ratio = cJSON_GetObjectItemCaseSensitive(t, "ratio");
        if (cJSON_IsNumber(ratio)) {
            fprintf(f, "<tr data-key=\"tolerance.ratio\"><th>share of the tolerance used</th>"
                       "<td class=\"num\" data-key=\"tolerance.ratio\" data-value=\"%.17g\">%.3e"
                       "</td><td>", ratio->valuedouble, ratio->valuedouble);
            const cJSON *x = cJSON_GetObjectItemCaseSensitive(t, "ratio_x");
            if (x) {
                fputs("worst at ", f);
                point_text(f, x);
            }
            fputs("</td></tr>\n", f);
        }
    }
    const cJSON *resolved = cJSON_GetObjectItemCaseSensitive(meas, "resolved");
    const cJSON *verdict = cJSON_GetObjectItemCaseSensitive(meas, "verdict");
    const char *vs = cJSON_IsString(verdict) ? verdict->valuestring
                     : cJSON_IsTrue(resolved) ? "resolved" : cJSON_IsFalse(resolved)
                                                                 ? "not resolved" : NULL;
    if (vs) {
        fprintf(f, "<tr data-key=\"verdict\"><th>verdict</th><td id=\"ua-verdict\" "
                   "data-resolved=\"%d\" class=\"%s\" colspan=\"2\">", cJSON_IsTrue(resolved),
                cJSON_IsTrue(resolved) ? "verdict-resolved" : "verdict-not");
        ua_report_text(f, vs);
        const cJSON *reason = cJSON_GetObjectItemCaseSensitive(meas, "reason");
        if (!cJSON_IsTrue(resolved) && cJSON_IsString(reason)) {
            fputs(": ", f);
            ua_report_text(f, reason->valuestring);
        }
        fputs("</td></tr>\n", f);
    }
    fputs("</table>\n", f);
    const cJSON *warning = cJSON_GetObjectItemCaseSensitive(meas, "warning");
    if (cJSON_IsString(warning)) {
        fputs("<p class=\"note\">warning: ", f);
        ua_report_text(f, warning->valuestring);
        fputs("</p>\n", f);
    }
}

void ua_report_options_table(FILE *f, const ua_model *m)
{
    ua_family_info info;
    if (ua_family_info_get(ua_model_family(m), &info)) {
        ua_clear_error();
        return;
    }
    fputs("<table id=\"ua-options\">\n<tr><th>option</th><th>value</th><th>default</th>"
          "<th>what it does</th></tr>\n", f);
    for (size_t i = 0; i < info.noptions; i++) {
        const ua_option_spec *o = &info.options[i];
        char key[128];
        snprintf(key, sizeof key, "%s", o->name);
        for (char *c = key; *c; c++)
            if (*c == '-') *c = '_';
        const char *v = ua_model_meta(m, key);
        int changed = v && o->def && strcmp(v, o->def);
        fputs("<tr class=\"ua-option\" data-option=\"", f);
        ua_report_text(f, o->name);
        fprintf(f, "\"%s><td><code>--", changed ? " data-changed=\"1\"" : "");
        ua_report_text(f, o->name);
        fputs("</code></td><td>", f);
        if (v) ua_report_text(f, v);
        else fputs("<span class=\"note\">not recorded</span>", f);
        if (changed) fputs(" <b>(changed)</b>", f);
        fputs("</td><td>", f);
        ua_report_text(f, o->def ? o->def : "-");
        fputs("</td><td class=\"note\">", f);
        ua_report_text(f, o->help ? o->help : "");
        if (o->source) {
            fputs(" (", f);
            ua_report_text(f, o->source);
            fputs(")", f);
        }
        fputs("</td></tr>\n", f);
    }
    fputs("</table>\n", f);
}

void ua_report_describe_table(FILE *f, const cJSON *desc)
{
    fputs("<table id=\"ua-describe\">\n", f);
    const cJSON *e;
    cJSON_ArrayForEach(e, desc) {
        if (!e->string || cJSON_IsObject(e)) continue;
        fputs("<tr data-key=\"", f);
        ua_report_text(f, e->string);
        fputs("\"><th>", f);
        ua_report_text(f, e->string);
        fputs("</th><td>", f);
        if (cJSON_IsNumber(e)) fprintf(f, "%.17g", e->valuedouble);
        else if (cJSON_IsString(e)) ua_report_text(f, e->valuestring);
        else if (cJSON_IsBool(e)) fputs(cJSON_IsTrue(e) ? "true" : "false", f);
        else if (cJSON_IsArray(e)) {
            int n = cJSON_GetArraySize(e), k = 0;
            const cJSON *v;
            if (n > 16) fprintf(f, "%d values: ", n);
            cJSON_ArrayForEach(v, e) {
                if (n <= 16 || k == 0 || k == n - 1) {
                    if (k == n - 1 && n > 16) fputs(" ... ", f);
                    else if (k) fputs(", ", f);
                    if (cJSON_IsNumber(v)) fprintf(f, "%.9g", v->valuedouble);
                    else if (cJSON_IsString(v)) ua_report_text(f, v->valuestring);
                    else fputs("[...]", f);
                }
                k++;
            }
        }
        fputs("</td></tr>\n", f);
    }
    fputs("</table>\n", f);
}

/* A pointwise relative or ULP error, which an older PDE model file may still hold: meaningless
 * where the solution is 0 (on the boundary), so never shown for one. */
static int pointwise_rel_key(const char *k)
{
    return !strncmp(k, "max_rel_err", 11) || !strncmp(k, "max_ulp", 7);
}

void ua_report_metadata(FILE *f, const ua_model *m)
{
    int pde = ua_model_kind(m) == UA_PROBLEM_PDE;
    fprintf(f, "<details id=\"ua-metadata\"><summary>every metadata entry of the model file%s"
            "</summary>\n<table>\n", pde ? " (but a pointwise relative or ULP error an older "
            "file holds: meaningless where the solution is 0)" : "");
    for (size_t i = 0; i < ua_model_meta_count(m); i++) {
        const char *k, *v;
        ua_model_meta_at(m, i, &k, &v);
        if (pde && pointwise_rel_key(k)) continue;
        fputs("<tr><th>", f);
        ua_report_text(f, k);
        fputs("</th><td>", f);
        ua_report_text(f, v);
        fputs("</td></tr>\n", f);
    }
    fputs("</table>\n</details>\n", f);
}
