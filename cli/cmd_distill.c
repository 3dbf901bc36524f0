/* uniapprox distill — fit a student model of any family to a teacher model (docs/compress.md). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "uniapprox/distill.h"

static const char help[] =
    "usage: uniapprox distill TEACHER -o STUDENT --family F [F's options] [--points N]\n"
    "                         [--data TRAIN [--jitter J] | --domain BOX] [--target-data TEST]\n"
    "                         [--points-seed S] [--check-points N] [--match-hidden W] [--json]\n"
    "\n"
    "Fits a model of family F to the predictions of the model TEACHER (knowledge distillation).\n"
    "A family that takes samples is fitted to the teacher's outputs at N drawn points: scrambled\n"
    "Sobol points in the box (default: the teacher's box, or --domain a:b,c:d,...), or, with\n"
    "--data TRAIN, training inputs resampled with Gaussian jitter (J times each column's\n"
    "standard deviation); a 1-D student (cheb, spline) has the box's two ends among them, so its\n"
    "interval is the box. A family that takes only functions (chebnd, sparse) gets the teacher\n"
    "as a function on the box and samples it where it wants.\n"
    "Reported: the student's error against the teacher on fresh points drawn the same way (RMSE\n"
    "and a sampled maximum, not a bound); with --data and/or --target-data TEST, the RMSE of the\n"
    "student and of the teacher against those rows' targets. The student's metadata records its\n"
    "teacher (\"teacher\", \"distilled_from\") and these errors.\n"
    "Sequence and graph teachers are refused: a model file keeps no distribution of sequences or\n"
    "graphs to draw the student's inputs from.\n"
    "\n"
    "options:\n"
    "  -o, --output FILE    the student model (required)\n"
    "  --family F           the student's family (required); its options follow as for fit\n"
    "  --points N           drawn points for a samples student (default 4000, at most 1e8)\n"
    "  --data TRAIN         draw points from these training inputs (--x-col, --y-col, --format\n"
    "                       as for fit); their targets are the \"original data\" errors\n"
    "  --jitter J           jitter of resampled inputs, in column standard deviations (0.05)\n"
    "  --domain BOX         the box to draw from (a:b or a:b,c:d,... one per input)\n"
    "  --target-data TEST   held-out rows (same columns): RMSE of student and teacher\n"
    "  --points-seed S      the drawn points and the jitter (default 1); --seed is the\n"
    "                       student's own option where its family has one\n"
    "  --check-points N     fresh points for the error against the teacher (default 10000)\n"
    "  --match-hidden W     mlp teacher and student: add W times the error of a linear\n"
    "                       projection of the student's last hidden layer against the\n"
    "                       teacher's (standardised) to the loss (FitNets hints); the student\n"
    "                       is trained by Adam with its hidden, activation, dtype, epochs, lr,\n"
    "                       batch and seed (W = 0: the same loop without the hint)\n"
    "  --json               print the results as one JSON object\n"
    "\n"
    "exit status: 0 fitted, 1 the student's fit did not resolve its own tolerance (it is saved\n"
    "and reported) or a runtime failure, 2 bad usage or bad input, 3 STUDENT cannot be written\n";

typedef struct {
    const char *family;
    struct { char name[64]; const char *value; } opts[64];
    size_t n;
} distill_ctx;

/* The first row of p (given as option) where the teacher t is not finite, said as a note with the
 * teacher's box: the rows' RMSE of the teacher is then not defined (the student was distilled
 * on points where the teacher is finite). Nothing when every row is finite or the prediction
 * fails (the RMSE lines say the rest). */
static void note_teacher_nonfinite(const ua_model *t, const ua_problem *p, const char *option)
{
    const double *x, *y;
    size_t n, d = ua_problem_dim(p), k, bd;
    ua_problem_train(p, &x, &y, &n);
    ua_model_dims(t, NULL, &k);
    double *pred = n && k ? malloc(n * k * sizeof *pred) : NULL;
    if (!pred || ua_model_predict(t, x, n, pred)) {
        free(pred);
        return;
    }
    size_t bad = 0;
    while (bad < n * k && isfinite(pred[bad])) bad++;
    if (bad < n * k) {
        size_t row = bad / k;
        const double *blo, *bhi;
        ua_model_box(t, &bd, &blo, &bhi);
        int outside = 0;
        for (size_t j = 0; bd == d && j < d; j++) outside |= !(x[row * d + j] >= blo[j] && x[row * d + j] <= bhi[j]);
        char box[96] = "";
        if (outside && d == 1) snprintf(box, sizeof box, " [%.17g, %.17g]", blo[0], bhi[0]);
        fprintf(ua_cli_notes(), "uniapprox distill: note: the %s teacher is %g at row %zu of %s "
                "(%s = %.17g)%s%s: its RMSE on those rows is not defined; the student was distilled "
                "on points where the teacher is finite\n", ua_model_family(t), pred[bad], row + 1,
                option, d == 1 ? "x" : "x1", x[row * d], outside ? ", outside its box" : "", box);
    }
    free(pred);
}

static int family_option(void *vctx, const char *name, size_t len, const char *inline_value,
                         int *i, int argc, char **argv)
{
    distill_ctx *c = vctx;
    char opt[64];
    if (len >= sizeof opt) return ua_cli_usage("distill", "unknown option '--%.*s'", (int)len, name);
    memcpy(opt, name, len);
    opt[len] = '\0';
    ua_family_info info;
    if (!c->family || ua_family_info_get(c->family, &info))
        return ua_cli_usage("distill", "unknown option '--%s' (give --family first to use a "
                            "family's options)", opt);
    int kind = 0;
    for (size_t k = 0; k < info.noptions; k++)
        if (!strcmp(info.options[k].name, opt)) kind = info.options[k].type == UA_OPT_FLAG ? 1 : 2;
    if (!kind)
        return ua_cli_usage("distill", "--%s is not an option of the %s family (see uniapprox "
                            "fit --family %s --help)", opt, c->family, c->family);
    if (c->n == sizeof c->opts / sizeof c->opts[0]) return ua_cli_usage("distill", "too many options");
    snprintf(c->opts[c->n].name, sizeof c->opts[c->n].name, "%s", opt);
    if (kind == 1 || inline_value) c->opts[c->n].value = inline_value;
    else if (*i + 1 < argc) c->opts[c->n].value = argv[++*i];
    else return ua_cli_usage("distill", "option '--%s' needs a value", opt);
    c->n++;
    return 0;
}

int cmd_distill(int argc, char **argv)
{
    const char *output = NULL, *family = NULL, *points = NULL, *jitter = NULL, *domain = NULL;
    const char *target_data = NULL, *seed = NULL, *check_points = NULL;
    const char *data = NULL, *format = NULL, *x_col = NULL, *y_col = NULL, *match = NULL;
    int json = 0;
    const ua_opt opts[] = {
        { "output", 'o', 1, &output, NULL },  { "family", 0, 1, &family, NULL },
        { "points", 0, 1, &points, NULL },    { "jitter", 0, 1, &jitter, NULL },
        { "domain", 0, 1, &domain, NULL },    { "target-data", 0, 1, &target_data, NULL },
        { "points-seed", 0, 1, &seed, NULL },        { "check-points", 0, 1, &check_points, NULL },
        { "data", 0, 1, &data, NULL },        { "format", 0, 1, &format, NULL },
        { "x-col", 0, 1, &x_col, NULL },      { "y-col", 0, 1, &y_col, NULL },
        { "match-hidden", 0, 1, &match, NULL }, { "json", 0, 0, NULL, &json },
    };
    distill_ctx *c = calloc(1, sizeof *c);
    if (!c) return ua_cli_usage("distill", "out of memory");
    c->family = ua_cli_find_family(argc, argv);
    char **pos;
    size_t npos;
    int rc = ua_cli_parse_ex("distill", argc, argv, opts, sizeof opts / sizeof opts[0],
                             family_option, c, &pos, &npos);
    if (rc == -1) {
        free(pos);
        free(c);
        fputs(help, stdout);
        return UA_EXIT_OK;
    }
    const char *tpath = npos == 1 ? pos[0] : NULL;
    free(pos);
    ua_cli_note_input(NULL, tpath);
    ua_distill_options o;
    ua_distill_options_default(&o);
    if (!rc && npos != 1) rc = ua_cli_usage("distill", "expected one TEACHER model, got %zu", npos);
    if (!rc && !output) rc = ua_cli_usage("distill", "give the student's file with -o STUDENT");
    if (!rc && !family) rc = ua_cli_usage("distill", "give the student's family with --family F");
    if (!rc && points && (ua_cli_size(points, &o.points) || o.points < 1))
        rc = ua_cli_usage("distill", "--points '%s': expected a count >= 1", points);
    if (!rc && check_points && (ua_cli_size(check_points, &o.check_points) || o.check_points < 1))
        rc = ua_cli_usage("distill", "--check-points '%s': expected a count >= 1", check_points);
    if (!rc && jitter && (ua_cli_double(jitter, &o.jitter) || o.jitter < 0))
        rc = ua_cli_usage("distill", "--jitter '%s': expected a number >= 0", jitter);
    size_t sv = 0;
    if (!rc && seed && ua_cli_size(seed, &sv)) rc = ua_cli_usage("distill", "--points-seed '%s': expected a count", seed);
    o.seed = seed ? (uint64_t)sv : o.seed;
    if (!rc && jitter && !data) rc = ua_cli_usage("distill", "--jitter applies to --data");
    if (!rc && domain && data) rc = ua_cli_usage("distill", "give --data or --domain, not both");
    double mw = 0;
    if (!rc && match && (ua_cli_double(match, &mw) || mw < 0))
        rc = ua_cli_usage("distill", "--match-hidden '%s': expected a number >= 0", match);
    ua_family_info fi;
    if (!rc && ua_family_info_get(family, &fi)) rc = ua_cli_usage("distill", "%s", ua_cli_error_text());
    if (!rc) rc = ua_cli_check_model_output("distill", "the student", output);

    ua_model *t = NULL;
    ua_status s = UA_OK;
    if (!rc && (s = ua_model_load(tpath, &t))) rc = ua_cli_fail("distill", s);
    if (!rc) rc = ua_cli_points_model_only("distill", t, tpath);
    if (!rc) rc = ua_cli_check_not_model_source("distill", t, "-o", output);
    size_t d = 0, k = 0;
    if (!rc) ua_model_dims(t, &d, &k);
    double lo[UA_PROBLEM_MAX_DIM], hi[UA_PROBLEM_MAX_DIM];
    if (!rc && domain) {
        if (d > UA_PROBLEM_MAX_DIM) rc = ua_cli_usage("distill", "--domain: the teacher has %zu inputs", d);
        else if ((s = ua_box_parse(domain, NULL, d, lo, hi)))
            rc = ua_cli_usage("distill", "%s", ua_cli_error_text()); /* it names --domain */
        o.lo = lo;
        o.hi = hi;
    }
    ua_problem *train = NULL, *test = NULL;
    const ua_cli_learn_rows_args ra = { data, target_data, format, x_col, y_col, NULL };
    if (!rc) rc = ua_cli_learn_rows("distill", &ra, d, 0, &train, &test);
    /* rows of the teacher's columns (by name, where both have a header), unless the user chose
     * the columns by --x-col / --y-col */
    int chosen = x_col || y_col;
    if (!rc && train && !chosen && (s = ua_model_check_columns(t, train))) rc = ua_cli_fail("distill", s);
    if (!rc && test && !chosen && (s = ua_model_check_columns(t, test))) rc = ua_cli_fail("distill", s);
    if (!rc && train) {
        const double *tx, *ty;
        ua_problem_train(train, &tx, &ty, &o.data_n);
        o.data_x = tx;
    }
    ua_options *fo = NULL;
    if (!rc && (s = ua_family_options(family, &fo))) rc = ua_cli_fail("distill", s);
    for (size_t i = 0; !rc && i < c->n; i++)
        if ((s = ua_options_set(fo, c->opts[i].name, c->opts[i].value))) rc = ua_cli_fail("distill", s);
    free(c);
    if (!rc) rc = ua_cli_check_option_outputs("distill", fo); /* --log: before the fit */

    ua_model *st = NULL;
    ua_distill_report rep;
    ua_status fs = UA_OK;
    if (!rc) {
        ua_fit_hooks hooks;
        ua_cli_fit_hooks(&hooks);
        fs = match ? ua_distill_mlp_hidden(t, fo, &o, mw, &st, &rep)
                   : ua_distill(t, family, fo, &o, &hooks, &st, &rep);
        ua_cli_progress_done();
        if (fs && fs != UA_ENOTRESOLVED) rc = ua_cli_fail("distill", fs);
    }
    /* a non-finite measurement is never "resolved" (the library says so too) */
    char why[1024] = "";
    if (!rc && fs == UA_ENOTRESOLVED) snprintf(why, sizeof why, "%s", ua_cli_error_text());
    if (!rc && fs == UA_OK && !isfinite(rep.rmse)) {
        fs = UA_ENOTRESOLVED;
        snprintf(why, sizeof why, "the student's error against the teacher is not finite");
    }
    /* against the original rows: the student and the teacher side by side */
    double rs_train = NAN, rt_train = NAN, rs_test = NAN, rt_test = NAN;
    if (!rc) rc = ua_cli_check_rows("distill", st, train, "--data", data);
    if (!rc) rc = ua_cli_check_rows("distill", st, test, "--target-data", target_data);
    if (!rc && train && !(rc = ua_cli_learn_rmse("distill", st, train, &rs_train)))
        rc = ua_cli_learn_rmse("distill", t, train, &rt_train);
    if (!rc && test && !(rc = ua_cli_learn_rmse("distill", st, test, &rs_test)))
        rc = ua_cli_learn_rmse("distill", t, test, &rt_test);
    if (!rc && train && !isfinite(rt_train)) note_teacher_nonfinite(t, train, "--data");
    if (!rc && test && !isfinite(rt_test)) note_teacher_nonfinite(t, test, "--target-data");
    char buf[64];
    if (!rc && (s = ua_model_set_meta(st, "teacher", tpath))) rc = ua_cli_fail("distill", s);
    if (!rc && !isnan(rs_test) && (s = ua_model_set_meta(st, "distill_target_rmse", (snprintf(buf, sizeof buf, "%.17g", rs_test), buf))))
        rc = ua_cli_fail("distill", s);
    if (!rc && (s = ua_model_save(st, output))) rc = ua_cli_fail_output("distill", s);
    if (!rc) {
        cJSON *j = cJSON_CreateObject();
        cJSON_AddStringToObject(j, "teacher", tpath);
        cJSON_AddStringToObject(j, "teacher_family", ua_model_family(t));
        cJSON_AddStringToObject(j, "student", output);
        cJSON_AddStringToObject(j, "student_family", family);
        cJSON_AddStringToObject(j, "points_from", rep.source);
        cJSON_AddStringToObject(j, "fitted_on", rep.problem);
        if (!strcmp(rep.problem, "samples")) cJSON_AddNumberToObject(j, "points", (double)o.points);
        cJSON_AddNumberToObject(j, "check_points", (double)rep.points);
        cJSON_AddNumberToObject(j, "rmse_vs_teacher", rep.rmse);
        cJSON_AddNumberToObject(j, "max_abs_vs_teacher", rep.max_abs);
        cJSON_AddNumberToObject(j, "teacher_rms", rep.teacher_rms);
        if (!isnan(rs_train)) {
            cJSON_AddNumberToObject(j, "student_train_rmse", rs_train);
            cJSON_AddNumberToObject(j, "teacher_train_rmse", rt_train);
        }
        if (!isnan(rs_test)) {
            cJSON_AddNumberToObject(j, "student_test_rmse", rs_test);
            cJSON_AddNumberToObject(j, "teacher_test_rmse", rt_test);
        }
        /* "resolved" means a tolerance was met: with none asked the verdict says so (as fit's
         * does), and the text shows the verdict, not a bare "yes" */
        const char *verdict = ua_model_meta(st, "verdict");
        int asked = ua_model_meta(st, "tol_abs") || ua_model_meta(st, "tol_scale") ||
                    ua_model_meta(st, "tol_rel"); /* as ua_model_measure reads a tolerance */
        if (!verdict) verdict = fs != UA_OK ? "not resolved" : asked ? "resolved"
                                                                    : "no tolerance asked";
        if (json || asked || fs != UA_OK) cJSON_AddBoolToObject(j, "student_resolved", fs == UA_OK);
        cJSON_AddStringToObject(j, "student_verdict", verdict);
        if (json) ua_cli_print_json(j);
        else {
            ua_cli_print_fields(stdout, j, NULL);
            printf("(max_abs_vs_teacher is a sampled maximum over %zu fresh points, not a bound)\n",
                   rep.points);
            cJSON_Delete(j);
            fprintf(ua_cli_notes(), "uniapprox distill: wrote %s\n", output);
        }
        if (fs == UA_ENOTRESOLVED)
            ua_cli_error("distill", UA_EXIT_FAIL, "not resolved: %s", why);
        rc = ua_cli_log_error("distill", st, output, 1);
    }
    ua_options_free(fo);
    ua_model_free(st);
    ua_model_free(t);
    ua_problem_free(train);
    ua_problem_free(test);
    if (rc) return rc;
    return fs == UA_OK ? UA_EXIT_OK : UA_EXIT_FAIL;
}
