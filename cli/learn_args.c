/* The rows a learner's command reads beside its model (distill, compress): --data TRAIN and
 * --target-data TEST with --format, --x-col, --y-col, checked against the model's widths, and the
 * RMSE of a model on such rows. One place, so that the commands read and check rows alike. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "uniapprox/distill.h"

int ua_cli_learn_rows(const char *cmd, const ua_cli_learn_rows_args *a, size_t d, size_t k,
                      ua_problem **train, ua_problem **test)
{
    *train = *test = NULL;
    if ((a->format || a->x_col || a->y_col) && !a->data && !a->target_data)
        return ua_cli_usage(cmd, "--format, --x-col and --y-col go with --data or --target-data");
    ua_cli_problem_args pa = { 0 };
    pa.format = a->format;
    pa.x_col = a->x_col;
    pa.y_col = a->y_col;
    const char *files[2] = { a->data, a->target_data };
    ua_problem **out[2] = { train, test };
    for (int i = 0; i < 2; i++) {
        if (!files[i]) continue;
        pa.data = files[i];
        int rc = ua_cli_problem_build(cmd, &pa, out[i]);
        size_t pd = rc ? 0 : ua_problem_dim(*out[i]), pk = rc ? 0 : ua_problem_outputs(*out[i]);
        if (!rc && (pd != d || (k && pk != k)))
            rc = k ? ua_cli_usage(cmd, "%s has %zu input%s and %zu target%s; the model %zu and %zu",
                                  files[i], pd, pd == 1 ? "" : "s", pk, pk == 1 ? "" : "s", d, k)
                   : ua_cli_usage(cmd, "%s has %zu input columns; the model takes %zu", files[i],
                                  pd, d);
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
