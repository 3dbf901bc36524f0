/* uniapprox influence — the training rows with the largest influence on a prediction
 * (ua_model_influence, uniapprox/explain.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "uniapprox/explain.h"

static const char help[] =
    "usage: uniapprox influence MODEL --data TRAIN --at X1,X2,... [--top K] [--method M] [--json]\n"
    "\n"
    "Lists the training rows that move the model's prediction at x the most: for each row i,\n"
    "f(x) - f_{-i}(x), the prediction minus that of the model fitted without row i (its\n"
    "hyperparameters and scalers kept), in the target's units; positive when the row pulls the\n"
    "prediction up. TRAIN must hold the rows the model was fitted on, in the same order (CSV\n"
    "with a header, text or .npy; inputs by the model's column names, else the first d columns,\n"
    "the target the last column). kernel (exact fits) and rf: exact, by the closed-form\n"
    "leave-one-out of ridge regression; mlp: a damped Gauss-Newton influence function\n"
    "(an approximation of retraining, said in the output; docs/explain.md), with the exact\n"
    "inverse when min(rows, parameters) <= 5000 and its EK-FAC approximation beyond.\n"
    "\n"
    "options:\n"
    "  --data FILE     the training rows\n"
    "  --at X1,...     the point whose prediction is explained (d numbers)\n"
    "  --top K         rows listed (default 10)\n"
    "  --method M      auto (default), or the family's own: exact (kernel, rf); gauss-newton,\n"
    "                  ekfac or diagonal (mlp: the exact damped Gauss-Newton inverse, its\n"
    "                  eigenvalue-corrected Kronecker-factored approximation, its diagonal)\n"
    "  --x-col C,...   the input columns of FILE (names or 0-based indices)\n"
    "  --y-col C       the target column (default: the last)\n"
    "  --json          print JSON\n";

static const double *g_abs_key;
static int by_abs_desc(const void *a, const void *b)
{
    double u = fabs(g_abs_key[*(const size_t *)a]), v = fabs(g_abs_key[*(const size_t *)b]);
    return u < v ? 1 : u > v ? -1 : (*(const size_t *)a > *(const size_t *)b) - (*(const size_t *)a < *(const size_t *)b);
}

int cmd_influence(int argc, char **argv)
{
    const char *data = NULL, *at = NULL, *top = NULL, *xcol = NULL, *ycol = NULL, *method = NULL;
    int json = 0;
    const ua_opt opts[] = {
        {"data", 0, 1, &data, NULL}, {"at", 0, 1, &at, NULL},     {"top", 0, 1, &top, NULL},
        {"x-col", 0, 1, &xcol, NULL}, {"y-col", 0, 1, &ycol, NULL}, {"json", 0, 0, NULL, &json},
        {"method", 0, 1, &method, NULL},
    };
    const char *path;
    int rc = ua_cli_parse_model("influence", help, argc, argv, opts, sizeof opts / sizeof opts[0], &path);
    if (rc || !path) return rc;
    if (!data || !at) return ua_cli_usage("influence", "give the training rows (--data FILE) and the point (--at X1,...)");
    size_t k = 10;
    if (top && (ua_cli_size(top, &k) || !k)) return ua_cli_usage("influence", "--top '%s': expected a positive integer", top);

    ua_model *m;
    ua_status s = ua_model_load(path, &m);
    if (s) return ua_cli_fail("influence", s);
    if ((rc = ua_cli_points_model_only("influence", m, path))) {
        ua_model_free(m);
        return rc;
    }
    size_t d = 1, dout = 1, n = 0;
    ua_model_dims(m, &d, &dout);
    double *x = calloc(d, sizeof *x), *X = NULL, *y = NULL, *infl = NULL;
    size_t *order = NULL;
    ua_dataset *ds = NULL;
    if (!x) rc = ua_cli_usage("influence", "out of memory");
    if (!rc) rc = ua_cli_parse_point("influence", at, d, x, "--at");
    if (!rc) rc = ua_cli_read_rows("influence", m, data, xcol, d, &X, &n, &ds);
    if (!rc) {
        size_t yc = ua_dataset_cols(ds) - 1;
        if (ycol && (s = ua_dataset_column(ds, ycol, &yc))) rc = ua_cli_fail("influence", s);
        else if (!ycol && ua_dataset_cols(ds) <= d)
            rc = ua_cli_usage("influence", "%s has %zu column%s, the model's %zu input%s and no "
                              "target: give the training rows with their target (the last "
                              "column, or --y-col)", data, ua_dataset_cols(ds),
                              ua_dataset_cols(ds) == 1 ? "" : "s", d, d == 1 ? "" : "s");
        /* the target column by name, where the model and the file both name it (as fit does
         * with --test-data); a headerless file's default names "0", "1", ... match anything */
        const char *tn = ua_model_meta(m, "target_names");
        cJSON *arr = !rc && tn ? cJSON_Parse(tn) : NULL;
        const cJSON *want = cJSON_IsArray(arr) && cJSON_GetArraySize(arr) == 1
                                ? cJSON_GetArrayItem(arr, 0) : NULL;
        char dflt[32];
        snprintf(dflt, sizeof dflt, "%zu", yc);
        const char *have = rc ? NULL : ua_dataset_colname(ds, yc);
        if (cJSON_IsString(want) && have && strcmp(have, dflt) && strcmp(have, want->valuestring))
            rc = ua_cli_usage("influence", "%s: the target column is '%s', the model was fitted "
                              "on '%s' (choose it with --y-col)", data, have, want->valuestring);
        cJSON_Delete(arr);
        y = malloc(n * sizeof *y);
        infl = malloc(n * sizeof *infl);
        order = malloc(n * sizeof *order);
        if (!rc && (!y || !infl || !order)) rc = ua_cli_usage("influence", "out of memory");
        if (!rc && (s = ua_dataset_select(ds, NULL, n, &yc, 1, y))) rc = ua_cli_fail("influence", s);
    }
    int exact = 0;
    double fx = NAN;
    const char *how = NULL;
    if (!rc && (s = ua_model_influence_method(m, X, y, n, x, method, infl, &exact, &how)))
        rc = ua_cli_fail("influence", s);
    if (!rc && (s = ua_model_predict(m, x, 1, &fx))) rc = ua_cli_fail("influence", s);
    if (!rc) {
        for (size_t i = 0; i < n; i++) order[i] = i;
        g_abs_key = infl;
        qsort(order, n, sizeof *order, by_abs_desc);
        if (k > n) k = n;
        if (json) {
            cJSON *root = cJSON_CreateObject();
            cJSON_AddStringToObject(root, "family", ua_model_family(m));
            cJSON_AddItemToObject(root, "x", cJSON_CreateDoubleArray(x, (int)d));
            cJSON_AddNumberToObject(root, "fx", fx);
            cJSON_AddBoolToObject(root, "exact", exact);
            cJSON_AddStringToObject(root, "method", how);
            cJSON_AddNumberToObject(root, "rows", (double)n);
            cJSON *arr = cJSON_AddArrayToObject(root, "top");
            for (size_t t = 0; t < k; t++) {
                size_t i = order[t];
                cJSON *e = cJSON_CreateObject();
                cJSON_AddNumberToObject(e, "row", (double)(i + 1));
                cJSON_AddItemToObject(e, "x", cJSON_CreateDoubleArray(X + i * d, (int)d));
                cJSON_AddNumberToObject(e, "y", y[i]);
                cJSON_AddNumberToObject(e, "influence", infl[i]);
                cJSON_AddItemToArray(arr, e);
            }
            ua_cli_print_json(root);
        } else {
            printf("f(x) = %.17g; influence f(x) - f_without_row(x): %s, %zu rows\n", fx, how, n);
            printf("%6s %24s %24s  %s\n", "row", "influence", "y", "x");
            for (size_t t = 0; t < k; t++) {
                size_t i = order[t];
                printf("%6zu %24.17g %24.17g ", i + 1, infl[i], y[i]);
                for (size_t j = 0; j < d; j++) printf(" %.17g", X[i * d + j]);
                printf("\n");
            }
        }
    }
    ua_dataset_free(ds);
    free(x);
    free(X);
    free(y);
    free(infl);
    free(order);
    ua_model_free(m);
    if (!rc) rc = ua_cli_flush_stdout("influence");
    return rc;
}
