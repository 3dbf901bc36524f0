/* The learner's metrics in fit's and check's output (uniapprox/metrics.h): RMSE, MAE and R² of a
 * regressor, accuracy and (with class probabilities) log-loss of a classifier, on the training rows and the test rows (fit) or on the
 * rows given (check --data), and the k-fold summary of fit --cv K. Names no family. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "uniapprox/metrics.h"

static void add_json(cJSON *o, const char *name, const ua_metrics *mt, const ua_metrics *sd)
{
    cJSON *e = cJSON_AddObjectToObject(o, name);
    if (!e) return;
    cJSON_AddNumberToObject(e, "n", (double)mt->n);
    const char *keys[] = {"rmse", "mae", "r2", "accuracy", "log_loss"};
    const double v[] = {mt->rmse, mt->mae, mt->r2, mt->accuracy, mt->log_loss};
    const double s[] = {sd ? sd->rmse : NAN, sd ? sd->mae : NAN, sd ? sd->r2 : NAN,
                        sd ? sd->accuracy : NAN, sd ? sd->log_loss : NAN};
    for (int i = 0; i < 5; i++) {
        if (!isfinite(v[i])) continue;
        cJSON_AddNumberToObject(e, keys[i], v[i]);
        if (sd && isfinite(s[i])) {
            char k[32];
            snprintf(k, sizeof k, "%s_sd", keys[i]);
            cJSON_AddNumberToObject(e, k, s[i]);
        }
    }
}

/* Whether the model being reported has no class probabilities (set per report). */
static int no_proba;

static void print_text(FILE *f, const char *name, const ua_metrics *mt, const ua_metrics *sd)
{
    fprintf(f, "  %-8s n %-7zu", name, mt->n);
    if (mt->classify) {
        fprintf(f, " accuracy %.6g", mt->accuracy);
        if (sd) fprintf(f, " ± %.3g", sd->accuracy);
        if (isfinite(mt->log_loss)) {
            fprintf(f, "  log-loss %.6g", mt->log_loss);
            if (sd && isfinite(sd->log_loss)) fprintf(f, " ± %.3g", sd->log_loss);
        } else {
            fputs(no_proba ? "  log-loss n/a (the model has no class probabilities)"
                           : "  log-loss n/a (a label here is not one of the model's classes)", f);
        }
    } else {
        fprintf(f, " rmse %.6g", mt->rmse);
        if (sd) fprintf(f, " ± %.3g", sd->rmse);
        fprintf(f, "  mae %.6g", mt->mae);
        if (sd) fprintf(f, " ± %.3g", sd->mae);
        if (isfinite(mt->r2)) {
            fprintf(f, "  r2 %.6g", mt->r2);
            if (sd) fprintf(f, " ± %.3g", sd->r2);
        } else fputs("  r2 n/a (a fold of one row has none)", f);
    }
    fputc('\n', f);
}

int ua_cli_learn_metrics(FILE *f, cJSON *o, const char *cmd, const ua_model *m,
                         const ua_problem *p, const char *train_name, const ua_cv_result *cv)
{
    if (ua_problem_kind_of(p) != UA_PROBLEM_SAMPLES) return 0;
    const double *x, *y, *tx, *ty;
    size_t n, tn;
    ua_problem_train(p, &x, &y, &n);
    ua_problem_test(p, &tx, &ty, &tn);
    ua_metrics tr, te;
    size_t nclasses = 0;
    no_proba = ua_model_predict_proba(m, NULL, 0, NULL, &nclasses) != UA_OK;
    ua_clear_error();
    ua_status s = ua_model_metrics(m, x, y, n, &tr);
    if (!s && tn) s = ua_model_metrics(m, tx, ty, tn, &te);
    if (s) return ua_cli_fail(cmd, s);
    cJSON *mo = o ? cJSON_AddObjectToObject(o, "metrics") : NULL;
    if (mo) {
        add_json(mo, train_name, &tr, NULL);
        if (tn) add_json(mo, "test", &te, NULL);
        if (cv) {
            add_json(mo, "cv", &cv->mean, &cv->sd);
            cJSON *c = cJSON_GetObjectItemCaseSensitive(mo, "cv");
            if (c) cJSON_AddNumberToObject(c, "folds", (double)cv->folds);
            if (c) add_json(c, "pooled", &cv->pooled, NULL);
        }
    }
    if (f) {
        fprintf(f, "metrics (scikit-learn's definitions, target units):\n");
        print_text(f, train_name, &tr, NULL);
        if (tn) print_text(f, "test", &te, NULL);
        if (cv) {
            char name[32];
            snprintf(name, sizeof name, "cv %zu", cv->folds);
            print_text(f, name, &cv->mean, &cv->sd);
            fprintf(f, "           (mean ± sd over %zu folds, each refitted on the others)\n",
                    cv->folds);
            print_text(f, "pooled", &cv->pooled, NULL);
            fprintf(f, "           (every row predicted by the fold model that did not see it, "
                    "measured together: cross_val_predict)\n");
        }
    }
    return 0;
}

/* 0 when model m predicts the n rows x (n, d) of the file path (given as option opt) finitely;
 * else prints the first bad row (1-based) and, for a 1-D model, its interval: UA_EXIT_USAGE. */
static int check_rows(const char *cmd, const ua_model *m, const double *x, size_t n,
                      const char *opt, const char *path)
{
    size_t d = 0, k = 0;
    ua_model_dims(m, &d, &k);
    double *pred = malloc(n * k * sizeof *pred);
    if (!pred) return ua_cli_fail(cmd, UA_ENOMEM);
    ua_status s = ua_model_predict(m, x, n, pred);
    size_t bad = n * k;
    for (size_t i = 0; !s && i < n * k; i++)
        if (!isfinite(pred[i])) { bad = i; break; }
    free(pred);
    if (s) return ua_cli_fail(cmd, s);
    if (bad == n * k) return 0;
    size_t row = bad / k;
    double a = NAN, b = NAN;
    if (d == 1) ua_model_domain(m, &a, &b);
    const char *file = path ? path : "(the rows)";
    if (d == 1 && isfinite(a) && isfinite(b) && (x[row] < a || x[row] > b))
        return ua_cli_usage(cmd, "%s %s: row %zu (x = %.17g) lies outside [%.17g, %.17g], the "
                            "interval the %s model is defined on; it does not extrapolate. "
                            "Nothing was written", opt, file, row + 1, x[row], a, b,
                            ua_model_family(m));
    return ua_cli_usage(cmd, "%s %s: the %s model's prediction at row %zu is not finite. Nothing "
                        "was written", opt, file, ua_model_family(m), row + 1);
}

int ua_cli_check_test_rows(const char *cmd, const ua_model *m, const ua_problem *p,
                           const char *path)
{
    if (!p || ua_problem_kind_of(p) != UA_PROBLEM_SAMPLES) return 0;
    const double *tx, *ty;
    size_t tn;
    ua_problem_test(p, &tx, &ty, &tn);
    return tn ? check_rows(cmd, m, tx, tn, "--test-data", path) : 0;
}

int ua_cli_check_rows(const char *cmd, const ua_model *m, const ua_problem *p, const char *opt,
                      const char *path)
{
    if (!p || ua_problem_kind_of(p) != UA_PROBLEM_SAMPLES) return 0;
    const double *x, *y;
    size_t n;
    ua_problem_train(p, &x, &y, &n);
    return n ? check_rows(cmd, m, x, n, opt, path) : 0;
}
