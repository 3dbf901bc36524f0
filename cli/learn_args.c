/* The rows a learner's command reads beside its model (distill, compress): --data TRAIN and
 * --target-data TEST with --format, --x-col, --y-col, checked against the model's widths, and the
 * RMSE of a model on such rows. One place, so that the commands read and check rows alike. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "uniapprox/distill.h"

int ua_cli_columns_by_name(const ua_model *m, const char *key, const ua_dataset *ds,
                           size_t count, size_t *cols)
{
    const char *json = m ? ua_model_meta(m, key) : NULL;
    cJSON *arr = json ? cJSON_Parse(json) : NULL;
    int found = cJSON_IsArray(arr) && count && (size_t)cJSON_GetArraySize(arr) == count;
    for (size_t j = 0; found && j < count; j++) {
        const cJSON *e = cJSON_GetArrayItem(arr, (int)j);
        if (!cJSON_IsString(e) || ua_dataset_column(ds, e->valuestring, &cols[j])) {
            ua_clear_error();
            found = 0; /* a file without those names (no header, other columns): by position */
        }
    }
    cJSON_Delete(arr);
    return found;
}

/* Appends column j of ds to the list buf (cap bytes) for --x-col / --y-col: by its name, or by
 * its index where the name would not read back as itself (a comma, blanks at either end). */
static int append_column(char *buf, size_t cap, const ua_dataset *ds, size_t j)
{
    const char *name = ua_dataset_colname(ds, j);
    size_t len = strlen(buf), nl = name ? strlen(name) : 0;
    int plain = nl && !strchr(name, ',') && !strchr(" \t", name[0]) && !strchr(" \t", name[nl - 1]);
    int w = plain ? snprintf(buf + len, cap - len, "%s%s", len ? "," : "", name)
                  : snprintf(buf + len, cap - len, "%s%zu", len ? "," : "", j);
    return w < 0 || (size_t)w >= cap - len;
}

/* For FILE read beside model m with no --x-col / --y-col: the lists that take its columns by the
 * model's input (and target) names, as eval and explain do (ua_cli_columns_by_name), into xl and
 * yl (yl "" when the default target, the last column, is not among the inputs); 1 when the file
 * has every input name, 0 to take the columns by position (then ua_model_check_columns refuses
 * a file of other names). */
static int lists_by_name(const ua_model *m, const char *file, const char *format, size_t d,
                         size_t k, char *xl, char *yl, size_t cap)
{
    ua_format f = UA_FORMAT_AUTO;
    if (format && !strcmp(format, "csv")) f = UA_FORMAT_CSV;
    else if (format && !strcmp(format, "text")) f = UA_FORMAT_TEXT;
    else if (format && !strcmp(format, "npy")) f = UA_FORMAT_NPY;
    else if (format) return 0; /* refused by the reader, with its message */
    if (!ua_model_meta(m, "input_names") || d == 0 || d > 256 || k > 256) return 0;
    ua_dataset *ds = NULL;
    if (ua_dataset_read(file, f, &ds)) { /* the reader's message comes with the real read */
        ua_clear_error();
        return 0;
    }
    size_t xc[256], yc[256], cols = ua_dataset_cols(ds);
    int ok = ua_cli_columns_by_name(m, "input_names", ds, d, xc);
    xl[0] = yl[0] = '\0';
    for (size_t j = 0; ok && j < d; j++) ok = !append_column(xl, cap, ds, xc[j]);
    if (ok && k && ua_cli_columns_by_name(m, "target_names", ds, k, yc)) {
        for (size_t j = 0; ok && j < k; j++) ok = !append_column(yl, cap, ds, yc[j]);
    } else {
        for (size_t j = 0; ok && j < d; j++) ok = xc[j] != cols - 1;
    }
    ua_dataset_free(ds);
    return ok;
}

int ua_cli_learn_rows(const char *cmd, const ua_cli_learn_rows_args *a, size_t d, size_t k,
                      ua_problem **train, ua_problem **test)
{
    *train = *test = NULL;
    if ((a->format || a->x_col || a->y_col) && !a->data && !a->target_data)
        return ua_cli_usage(cmd, "--format, --x-col and --y-col go with --data or --target-data");
    ua_cli_problem_args pa = { 0 };
    pa.format = a->format;
    const char *files[2] = { a->data, a->target_data };
    ua_problem **out[2] = { train, test };
    char xl[8192], yl[8192];
    for (int i = 0; i < 2; i++) {
        if (!files[i]) continue;
        pa.data = files[i];
        pa.x_col = a->x_col;
        pa.y_col = a->y_col;
        if (a->model && !a->x_col && !a->y_col &&
            lists_by_name(a->model, files[i], a->format, d, k, xl, yl, sizeof xl)) {
            pa.x_col = xl;
            pa.y_col = yl[0] ? yl : NULL;
        }
        int rc = ua_cli_problem_build(cmd, &pa, out[i]);
        size_t pd = rc ? 0 : ua_problem_dim(*out[i]), pk = rc ? 0 : ua_problem_outputs(*out[i]);
        if (!rc && (pd != d || (k && pk != k)))
            rc = k ? ua_cli_usage(cmd, "%s has %zu input%s and %zu target%s; the model %zu and %zu",
                                  files[i], pd, pd == 1 ? "" : "s", pk, pk == 1 ? "" : "s", d, k)
                   : ua_cli_usage(cmd, "%s has %zu input columns; the model takes %zu", files[i],
                                  pd, d);
        ua_status s;
        /* columns the user chose by --x-col / --y-col are taken whatever their names */
        if (!rc && a->model && !a->x_col && !a->y_col && (s = ua_model_check_columns(a->model, *out[i])))
            rc = ua_cli_fail(cmd, s);
        if (rc) {
            ua_problem_free(*train);
            ua_problem_free(*test);
            *train = *test = NULL;
            return rc;
        }
    }
    return 0;
}

int ua_cli_learn_rmse(const char *cmd, const ua_model *m, const ua_problem *p, double *rmse)
{
    *rmse = NAN;
    size_t d, k;
    ua_model_dims(m, &d, &k);
    if (!p || ua_problem_outputs(p) != k) return 0;
    const double *x, *y;
    size_t n;
    ua_problem_train(p, &x, &y, &n);
    double *pred = malloc(n * k * sizeof *pred), mx;
    if (!pred) return ua_cli_fail(cmd, UA_ENOMEM);
    ua_status s = ua_model_predict(m, x, n, pred);
    if (!s) ua_distill_diff(pred, y, n * k, rmse, &mx);
    free(pred);
    return s ? ua_cli_fail(cmd, s) : 0;
}

const char *ua_cli_find_family(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--")) break;
        if (!strncmp(argv[i], "--family=", 9)) return argv[i] + 9;
        if (!strcmp(argv[i], "--family") && i + 1 < argc) return argv[i + 1];
    }
    return NULL;
}
