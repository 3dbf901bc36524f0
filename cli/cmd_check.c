/* uniapprox check — re-measure a model's errors against the MPFR reference. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "uniapprox/metrics.h"
#include "uniapprox/prove.h"
#include "uniapprox/pde.h"

static const char help[] =
    "usage: uniapprox check MODEL [--against EXPR] [--points N] [--prec BITS] [--prove] [--json]\n"
    "       uniapprox check MODEL --data FILE [--x-col C --y-col C] [--tol T] [--json]\n"
    "       uniapprox check MODEL --graphs FILE [--test-graphs FILE] [--json]\n"
    "       uniapprox check MODEL --pde FILE [--points N] [--tol T] [--json]\n"
    "\n"
    "Measures the model again, independently of how it was built: a model of a formula against\n"
    "MPFR, a model of your own C function (--function) against that function in double (compiled\n"
    "again from the source the model records), over its whole domain or box — a dense grid (1-D,\n"
    "uniform or uniform in ln x for log-mapped models; 2-D tensor grid), scrambled Sobol points,\n"
    "the box's corners and face centres, plus the model's own natural points (Chebyshev points,\n"
    "knots, breakpoints) — and reports max absolute, max relative, max relative to the scale,\n"
    "RMS and ULP errors, each with where it occurs, and the verdict against the tolerance the\n"
    "model was fitted to. A model of samples is measured on --data (RMSE in the target's units).\n"
    "A graph model is measured on --graphs (accuracy, or MAE and MAE / mean |y|, as fit reports;\n"
    "\"train\" names the --graphs file, \"test\" the --test-graphs file). A sequence model is\n"
    "measured on --data (RMSE, or the accuracy over every position for a classifier).\n"
    "A pde model is measured against the solution its problem file gives (--pde; the model\n"
    "does not hold it): relative L2 and max absolute errors.\n"
    "Exit 1 when the verdict is \"not resolved\" or --tol is exceeded.\n"
    "\n"
    "options:\n"
    "  --against EXPR   measure against EXPR (in the model's variables) instead of its target\n"
    "  --points N       points of the measurement (default 100000; --check-points is an old\n"
    "                   name for it); with --pde also the uniform grid of the printed errors\n"
    "                   (floor(N^(1/d))^d points; default 10001, 201^2, 41^3 in 1-3 D)\n"
    "  --prec BITS      MPFR precision of the reference (default 128)\n"
    "  --tol T          the verdict against T too: \"not resolved\" (exit 1) when the max error\n"
    "                   relative to the scale exceeds T, with the figure; with --data, max\n"
    "                   |prediction - y| over the rows given (and --test-data) over the scale\n"
    "                   max |y| of those rows (a regressor; refused for a classifier, sequences\n"
    "                   and graphs)\n"
    "  --data FILE ...  samples to measure a learner on (the options of uniapprox fit --help)\n"
    "  --pde FILE       the PDE problem file (docs/pde.md) whose exact or reference solution\n"
    "                   a pde model is measured against (as in uniapprox fit --pde)\n"
    "  --prove          also prove a bound on max |model - f| over the whole domain, in ball\n"
    "                   arithmetic (Arb), beside the measured maximum: \"proven: max |model - f|\n"
    "                   <= B\" or \"not proven: WHY\" (docs/prove.md); exit 1 when not proven, or\n"
    "                   when the model has a tolerance and the bound is not within it\n"
    "  --json           machine-readable output\n"
    "\n"
    "exhaustive float32 check:\n"
    "  uniapprox check MODEL --exhaustive [--lo A --hi B] [--threads N] [--top K] [--max-ulp U]\n"
    "  uniapprox check --kernel FILE.c --symbol NAME --against EXPR --lo A --hi B [...]\n"
    "Exports the model as float code (or takes a hand-written `float NAME(float)`), compiles it\n"
    "with the system compiler (cc or $CC; -O2 -ffp-contract=off), loads it, and evaluates it at\n"
    "every float in the model's domain (or [A, B]) against the correctly rounded reference: libm\n"
    "in double for single-function targets such as exp(x) or 2^x, MPFR with increasing precision\n"
    "near rounding boundaries and for every other target. Reports the max error in ULPs of the\n"
    "exact value, how many results are not correctly rounded, NaN/Inf mismatches and the worst\n"
    "inputs. The check runs in a child process: a kernel that crashes or runs past --timeout\n"
    "ends it with a message and exit 1. Exit 1 when --max-ulp U is given and exceeded, and\n"
    "(\"not correct\") on any NaN / Inf mismatch, whatever --max-ulp allows.\n"
    "  --exhaustive     check every float (instead of the grid above)\n"
    "  --kernel FILE.c  check a hand-written kernel (needs --symbol, --against, --lo, --hi)\n"
    "  --symbol NAME    the kernel's function name\n"
    "  --lo A, --hi B   the interval (default: the model's domain, rounded inwards to floats)\n"
    "  --threads N      OpenMP threads (default: all cores)\n"
    "  --top K          worst inputs to list (default 10, at most 64)\n"
    "  --cflags \"...\"   extra compiler arguments, e.g. \"-march=native -lsleef\"\n"
    "  --max-ulp U      exit 1 when the max error exceeds U ULP\n"
    "  --timeout S      kill the check after S seconds and exit 1 (\"kernel timed out\"), e.g.\n"
    "                   for a kernel that never returns; 0 = no limit (default: 600, or 20 us\n"
    "                   per float per thread when that is longer)\n";

/* The problem to measure m on: the samples given, --against EXPR on the model's box, or the
 * problem the model records. Prints and returns an exit code on failure. */
static int problem_for(const char *path, const ua_model *m, const char *against,
                       ua_cli_problem_args *pa, ua_problem **p)
{
    if (ua_model_kind(m) == UA_PROBLEM_SEQUENCES && pa->data && !pa->targets)
        return ua_cli_usage("check", "%s is a sequence model: give --data X.npy and --targets "
                            "Y.npy (the sequences and their targets)", path);
    if (pa->data || pa->split_dir || pa->targets || pa->graphs || pa->test_graphs || pa->pde) {
        pa->measure_only = 1;
        return ua_cli_problem_build("check", pa, p);
    }
    size_t d;
    const double *lo, *hi;
    ua_model_box(m, &d, &lo, &hi);
    if (against) {
        if (!d) return ua_cli_usage("check", "the model has no domain to measure --against on");
        ua_target *t;
        ua_status s = ua_cli_parse_on_model(m, against, &t);
        if (!s && ua_target_dim(t) != d) {
            size_t td = ua_target_dim(t);
            ua_target_free(t);
            return ua_cli_usage("check", "--against '%s' has %zu variables; the model %zu",
                                against, td, d);
        }
        if (!s) s = ua_problem_formula(t, lo, hi, p);
        ua_target_free(t);
        return s ? ua_cli_fail("check", s) : 0;
    }
    ua_status s = ua_model_problem(m, p);
    if (s == UA_EUNSUPPORTED && ua_model_kind(m) == UA_PROBLEM_PDE)
        return ua_cli_usage("check", "%s: a pde model is measured against its problem's "
                            "solution: give --pde FILE (docs/pde.md)", path);
    if (s == UA_EUNSUPPORTED && ua_model_kind(m) == UA_PROBLEM_GRAPHS)
        return ua_cli_usage("check", "%s: a graph model is measured on graphs: give --graphs "
                            "FILE (JSON lines, docs/graph.md)", path);
    if (s == UA_EUNSUPPORTED)
        return ua_cli_usage("check", "%s: give --against EXPR, or --data FILE for a model of "
                            "samples", ua_cli_error_text());
    if (s) { /* what the model stores is at fault: name it */
        return ua_cli_error("check", ua_cli_exit_code(s), "%s: the problem the model records: %s",
                            path, ua_cli_error_text());
    }
    return 0;
}

/* The fewest grid points a side check --pde --points accepts (docs/pde.md). */
#define PDE_MIN_AXIS 8u

/* A PDE problem: the field's measures against the file's solution (relative L2, max abs error;
 * a pointwise relative error or ULP count means nothing where u = 0) on a uniform grid of about
 * npoints points (--points; 0: the default grid) into *e. A max error that is not finite (the
 * model, or its output transform, NaN or infinite at a grid point) is never "resolved": r's
 * verdict becomes "not resolved" with the reason naming the point (metadata verdict and
 * fit_reason, which the text and the JSON show). Returns an exit code on errors, else 0. */
static int pde_measure(ua_model *m, const ua_problem *p, size_t npoints, ua_pde_errors *e,
                       ua_measurement *r)
{
    ua_status s = ua_pde_model_errors(m, p, npoints, e);
    if (s) return ua_cli_fail("check", s);
    if (isfinite(e->max_abs)) return 0;
    char why[400];
    int used = snprintf(why, sizeof why, "the measured error is not finite: the model is NaN or "
                        "infinite at a point of the grid (the first at (");
    for (size_t i = 0; i < e->d && used > 0 && (size_t)used < sizeof why; i++)
        used += snprintf(why + used, sizeof why - (size_t)used, "%s%.17g", i ? ", " : "",
                         e->x_max_abs[i]);
    if (used > 0 && (size_t)used < sizeof why)
        snprintf(why + used, sizeof why - (size_t)used, "))");
    r->resolved = 0;
    if (ua_model_set_meta(m, "verdict", "not resolved") || ua_model_set_meta(m, "fit_reason", why))
        return ua_cli_fail("check", UA_ENOMEM);
    return 0;
}

/* The PDE errors e (pde_measure) into o (JSON) or printed, with a warning when the file's box
 * is not the model's. The engine's measurement r keeps the verdict. */
static void pde_errors(const ua_pde_errors *e, const ua_problem *p, cJSON *o, ua_measurement *r)
{
    char buf[2048];
    ua_pde_errors_format(e, ua_problem_describe(p), buf, sizeof buf);
    for (const char *w = buf; !strncmp(w, "warning: ", 9) && strchr(w, '\n');
         w = strchr(w, '\n') + 1) /* the warnings are the first lines; on stderr as well */
        fprintf(ua_cli_notes(), "uniapprox check: %.*s\n", (int)(strchr(w, '\n') - w), w);
    if (o) {
        ua_cli_pde_errors_json(o, e);
        cJSON_AddBoolToObject(o, "box_differs", e->box_differs);
        cJSON_AddBoolToObject(o, "vars_differ", e->vars_differ);
        return;
    }
    fputs(buf, stdout);
    r->has_errors = 0; /* the engine's verdict follows, without its pointwise lines */
}

/* After the PDE lines (which replace the engine's pointwise ones): the reason of a "not
 * resolved" verdict when the model's tolerance is exceeded (unless the model gives one; --tol
 * has its own line) and the measured figure against that tolerance, as the engine's lines say
 * them. */
static void pde_tol_text(const ua_model *m, const ua_measurement *r)
{
    char rbuf[32];
    const char *ratio = ua_cli_ratio_text(rbuf, sizeof rbuf, r->err.tol_ratio);
    if (!r->resolved && !ua_model_meta(m, "fit_reason") && r->err.tol_ratio > 1) {
        printf("  reason               the measured error exceeds the tolerance (%s of it) at ",
               ratio);
        for (size_t i = 0; r->err.x_tol_ratio && i < r->err.d; i++)
            printf("%s%.9g", i ? ", " : "x = (", r->err.x_tol_ratio[i]);
        printf("%s\n", r->err.x_tol_ratio && r->err.d ? ")" : "-");
    }
    printf("  against tolerance    max error / scale %.3e, tolerance %.3e: %s of it\n",
           r->err.max_rel_scale, r->tol_scale, ratio);
}

/* --tol T with samples (--data): the regressor's max |prediction - y| over every row given,
 * training and test, and every output, into *err; the scale max |y| over the same values into
 * *scale; the number of rows into *rows. A non-finite prediction makes *err NaN (never met).
 * Returns an exit code on errors, else 0. */
static int samples_max_error(const ua_model *m, const ua_problem *p, double *err, double *scale,
                             size_t *rows)
{
    *err = 0;
    *scale = 0;
    *rows = 0;
    size_t k = ua_problem_outputs(p);
    for (int set = 0; set < 2; set++) {
        const double *x, *y;
        size_t n;
        if (set) ua_problem_test(p, &x, &y, &n);
        else ua_problem_train(p, &x, &y, &n);
        if (!n) continue;
        double *pred = malloc(n * k * sizeof *pred);
        if (!pred) return ua_cli_fail("check", UA_ENOMEM);
        ua_status s = ua_model_predict(m, x, n, pred);
        if (s) {
            free(pred);
            return ua_cli_fail("check", s);
        }
        for (size_t i = 0; i < n * k; i++) {
            double e = fabs(pred[i] - y[i]);
            if (!(e <= *err)) *err = isnan(e) || isnan(*err) ? NAN : e;
            *scale = fmax(*scale, fabs(y[i]));
        }
        free(pred);
        *rows += n;
    }
    return 0;
}

/* --tol T: the verdict (printed and in JSON) is also the measurement against T, max error /
 * scale <= T — over the domain (r's errors), or with samples (data_rows > 0) max |prediction -
 * y| / max |y| over the rows given (data_err, data_scale; all targets 0: met only by no error);
 * a model's own "not resolved" stays. The figure against T into why (len bytes). Returns 1
 * when T is not met. */
static int tol_verdict(ua_model *m, ua_measurement *r, double told, double data_err,
                       double data_scale, size_t data_rows, char *why, size_t len)
{
    double e = r->has_errors ? r->err.max_rel_scale : NAN;
    if (data_rows) e = data_err > 0 || isnan(data_err) ? data_err / data_scale : 0.0;
    int met = e <= told;
    int used = snprintf(why, len, "max error / scale %.3e %s --tol %.3e", e,
                        met ? "<=" : "exceeds", told);
    if (data_rows && used > 0 && (size_t)used < len)
        snprintf(why + used, len - (size_t)used, " (max |prediction - y| %.3e over the %zu "
                 "rows, scale max |y| %.3e)", data_err, data_rows, data_scale);
    if (!met) r->resolved = 0;
    (void)ua_model_set_meta(m, "verdict", r->resolved ? "resolved" : "not resolved");
    return !met;
}

/* --prove: a proof of max |m - f| for the formula problem p (uniapprox/prove.h); a problem of
 * another kind gets proven = 0 with the reason. Returns an exit code on errors, else 0. */
static int prove_model(const ua_model *m, const ua_problem *p, ua_proof *pf)
{
    memset(pf, 0, sizeof *pf);
    pf->bound = INFINITY;
    if (ua_problem_kind_of(p) != UA_PROBLEM_FORMULA) {
        snprintf(pf->why, sizeof pf->why, "a proof needs a formula target (this model is "
                 "measured against samples or a function)");
        return 0;
    }
    ua_status s = ua_model_prove(m, ua_problem_target(p), NULL, pf);
    return s ? ua_cli_fail("check", s) : 0;
}

/* A proof held against the model's tolerance (has_tol). At a point x the tolerance allows
 * tol_abs + tol_scale scale + tol_rel |f(x)| (scale: max |f| over the measured points, as the
 * verdict defines it), so at least allow = tol_abs + tol_scale scale anywhere and at most
 * allow_hi = allow + tol_rel scale. within: the bound is at most allow, so the tolerance holds
 * everywhere on the box; over: the prover's own points (MPFR reference) found an error above
 * allow_hi, which breaks the tolerance there. Between the two, with a relative term (rel), the
 * proof neither proves nor breaks the tolerance (it gives no lower bound on |f|); without one,
 * the tolerance is not proven. */
typedef struct {
    int asked;       /* a proof, a tolerance and errors to compare */
    int rel;         /* the tolerance has a relative term */
    double allow;    /* tol_abs + tol_scale scale */
    double allow_hi; /* allow + tol_rel scale */
    int within;      /* bound <= allow */
    int over;        /* the prover's measured max > allow_hi */
} proof_vs_tol;

static proof_vs_tol proof_against_tol(ua_model *m, const ua_proof *pf, ua_measurement *r)
{
    proof_vs_tol t = {0, 0, 0.0, 0.0, 0, 0};
    if (!pf->proven || !r->has_tol || !r->has_errors) return t;
    t.asked = 1;
    t.rel = r->tol_rel > 0;
    t.allow = r->tol_abs + r->tol_scale * r->err.scale;
    t.allow_hi = t.allow + r->tol_rel * r->err.scale;
    t.within = pf->bound <= t.allow;
    t.over = pf->measured > t.allow_hi;
    if (t.over) { /* the prover's points are measurements too: the verdict counts them */
        char why[300];
        snprintf(why, sizeof why, "the prover's points, between the measured ones, reach an error "
                 "of %.3e, %.3g times the most the tolerance allows anywhere (%.3e)", pf->measured,
                 t.allow_hi > 0 ? pf->measured / t.allow_hi : INFINITY, t.allow_hi);
        r->resolved = 0;
        (void)ua_model_set_meta(m, "verdict", "not resolved");
        (void)ua_model_set_meta(m, "fit_reason", why);
    }
    return t;
}

/* 1 when the proof fails the command: not within a tolerance it can be held against */
static int proof_short_of_tol(const proof_vs_tol *t)
{
    return t->asked && !t->within && (t->over || !t->rel);
}

/* The largest error seen: the measurement's or the prover's own points. */
static double seen_max(const ua_proof *pf, const ua_measurement *r)
{
    double e = r->has_errors ? r->err.max_abs : 0.0;
    return pf->measured > e ? pf->measured : e;
}

static void proof_text(const ua_model *m, const ua_proof *pf, const ua_measurement *r,
                       const proof_vs_tol *t)
{
    if (!pf->proven) {
        printf("not proven: %s\n", pf->why);
        return;
    }
    size_t d;
    const double *lo, *hi;
    ua_model_box(m, &d, &lo, &hi);
    double mx = seen_max(pf, r);
    if (d == 1) printf("proven: max |model - f| <= %.3e on [%.17g, %.17g]\n", pf->bound, lo[0], hi[0]);
    else printf("proven: max |model - f| <= %.3e on the model's box\n", pf->bound);
    printf("          measured max %.3e, bound / measured %.3f; %s, %zu %s, "
           "%.2f s; of the bound %.2e covers the double evaluation's rounding\n", mx,
           mx > 0 ? pf->bound / mx : INFINITY, pf->method, pf->pieces,
           d == 1 ? "subintervals" : "cells", pf->seconds, pf->rounding);
    if (!t->asked) return;
    if (t->within)
        printf("          within the tolerance everywhere: bound %.3e <= %.3e (tol_abs + tol_scale "
               "* scale)\n", pf->bound, t->allow);
    else if (t->over)
        printf("          NOT within the tolerance: the prover's points reach %.3e > %.3e "
               "(tol_abs + tol_scale * scale + tol_rel * scale)\n", pf->measured, t->allow_hi);
    else if (t->rel)
        printf("          (the bound is absolute: with the tolerance's relative term %.3g*|f| it is "
               "not compared; it would need a lower bound on |f|)\n", r->tol_rel);
    else
        printf("          the tolerance is not proven: bound %.3e > %.3e (tol_abs + tol_scale * "
               "scale)\n", pf->bound, t->allow);
}

static void proof_json(cJSON *o, const ua_proof *pf, const ua_measurement *r, const proof_vs_tol *t)
{
    cJSON *q = cJSON_AddObjectToObject(o, "proof");
    cJSON_AddBoolToObject(q, "proven", pf->proven);
    if (pf->proven) {
        double mx = seen_max(pf, r);
        cJSON_AddNumberToObject(q, "bound", pf->bound);
        cJSON_AddNumberToObject(q, "rounding", pf->rounding);
        cJSON_AddNumberToObject(q, "measured", mx);
        if (mx > 0) cJSON_AddNumberToObject(q, "ratio", pf->bound / mx);
        if (t->asked) {
            cJSON_AddNumberToObject(q, "allowance", t->allow);
            cJSON_AddBoolToObject(q, "within_tol", t->within);
            if (t->rel) cJSON_AddNumberToObject(q, "allowance_max", t->allow_hi);
        }
    } else {
        cJSON_AddStringToObject(q, "why", pf->why);
    }
    cJSON_AddStringToObject(q, "method", pf->method);
    cJSON_AddNumberToObject(q, "pieces", (double)pf->pieces);
    cJSON_AddNumberToObject(q, "seconds", pf->seconds);
}

int cmd_check(int argc, char **argv)
{
    const char *against = NULL, *points = NULL, *old_points = NULL, *prec = NULL, *tol = NULL;
    int json = 0, exhaustive = 0, prove = 0;
    ua_cli_exhaustive_args ex = { 0 };
    ua_cli_problem_args pa = { 0 };
    ua_opt popts[16];
    size_t npopts = ua_cli_problem_input_opts(&pa, popts);
    const ua_opt base[] = {
        { "check-points", 0, 1, &old_points, NULL }, /* the old name of --points */
        { "against", 0, 1, &against, NULL }, { "points", 0, 1, &points, NULL },
        { "prec", 0, 1, &prec, NULL },       { "tol", 0, 1, &tol, NULL },
        { "json", 0, 0, NULL, &json },         { "prove", 0, 0, NULL, &prove },
        { "exhaustive", 0, 0, NULL, &exhaustive }, { "kernel", 0, 1, &ex.kernel, NULL },
        { "symbol", 0, 1, &ex.symbol, NULL },      { "lo", 0, 1, &ex.lo, NULL },
        { "hi", 0, 1, &ex.hi, NULL },              { "threads", 0, 1, &ex.threads, NULL },
        { "top", 0, 1, &ex.top, NULL },            { "cflags", 0, 1, &ex.cflags, NULL },
        { "max-ulp", 0, 1, &ex.max_ulp, NULL },    { "timeout", 0, 1, &ex.timeout, NULL },
    };
    /* the samples options of the problem (--data ...), not its formula / function ones, which
     * check reads from the model (--timeout and --cflags are the exhaustive check's here) */
    ua_opt opts[48];
    size_t nopts = sizeof base / sizeof base[0];
    memcpy(opts, base, sizeof base);
    memcpy(opts + nopts, popts, npopts * sizeof *popts);
    nopts += npopts;
    const char *split = NULL;
    if (ua_cli_split_is_problem(argc, argv)) opts[nopts++] = (ua_opt){ "split", 0, 1, &split, NULL };
    char **pos;
    size_t npos;
    int rc = ua_cli_parse("check", argc, argv, opts, nopts, &pos, &npos);
    pa.split = split;
    if (rc == -1) {
        free(pos);
        fputs(help, stdout);
        return UA_EXIT_OK;
    }
    const char *path = npos == 1 ? pos[0] : NULL;
    free(pos);
    if (rc) return rc;
    if (old_points && (rc = ua_cli_points_alias("check", old_points, &points))) return rc;
    if (exhaustive || ex.kernel) {
        if (npos > 1) return ua_cli_usage("check", "expected at most one MODEL (see --help)");
        ex.model = path;
        ex.against = against;
        ex.json = json;
        return ua_cli_check_exhaustive(&ex);
    }
    if (ex.symbol || ex.lo || ex.hi || ex.threads || ex.top || ex.cflags || ex.max_ulp ||
        ex.timeout)
        return ua_cli_usage("check", "--symbol, --lo, --hi, --threads, --top, --cflags, "
                                     "--max-ulp and --timeout go with --exhaustive or --kernel");
    if (!path) return ua_cli_usage("check", "expected one MODEL (see --help)");
    double told = 0;
    ua_measure_options mo;
    if ((rc = ua_cli_measure_options("check", points, prec, &mo))) return rc;
    size_t pde_points = points ? mo.check_points : 0; /* --points sizes a PDE's grid too */
    if (tol && (ua_cli_double(tol, &told) || !(told > 0)))
        return ua_cli_usage("check", "--tol '%s' must be a positive number", tol);

    ua_model *m;
    ua_status s = ua_model_load(path, &m);
    if (s) return ua_cli_fail("check", s);
    ua_problem *p = NULL;
    if ((rc = problem_for(path, m, against, &pa, &p))) {
        ua_model_free(m);
        return rc;
    }
    ua_problem_kind kind = ua_problem_kind_of(p);
    if (tol && (kind == UA_PROBLEM_SEQUENCES || kind == UA_PROBLEM_GRAPHS ||
                (kind == UA_PROBLEM_SAMPLES && ua_model_is_classifier(m)))) {
        ua_problem_free(p);
        ua_model_free(m);
        return ua_cli_usage("check", "--tol T checks max |prediction - y| / max |y| of a regressor "
                            "on its rows; %s is measured by its %s instead (printed without "
                            "--tol)", kind == UA_PROBLEM_SAMPLES ? "a classifier"
                            : kind == UA_PROBLEM_GRAPHS ? "a graph model" : "a sequence model",
                            kind == UA_PROBLEM_SAMPLES ? "accuracy" : "accuracy or RMSE");
    }
    if (ua_problem_kind_of(p) == UA_PROBLEM_PDE && pde_points) {
        /* the grid is floor(N^(1/d))^d points: below PDE_MIN_AXIS a side, the grid and the
         * engine's few points can fall on the solution's zeros only (every point of a 3 x 3
         * grid of sin(pi x) sin(2 pi y) is 0 to rounding: a scale of 2e-16, relative errors of
         * 1e13-1e14), which measures nothing */
        size_t d = ua_problem_dim(p), need = 1;
        for (size_t i = 0; i < d; i++) need *= PDE_MIN_AXIS;
        size_t g = (size_t)floor(pow((double)pde_points, 1.0 / (double)d) + 1e-9);
        if (g < PDE_MIN_AXIS) {
            ua_problem_free(p);
            ua_model_free(m);
            return ua_cli_usage("check", "--points %zu with --pde: the grid is floor(N^(1/d))^d "
                                "points, at least %u a side (--points %zu or more in %zu-D), so "
                                "that the solution is measured off its zeros", pde_points,
                                PDE_MIN_AXIS, need, d);
        }
    }
    ua_measurement r;
    if (ua_problem_kind_of(p) == UA_PROBLEM_GRAPHS || ua_problem_kind_of(p) == UA_PROBLEM_SEQUENCES) {
        /* only what is measured now is shown, not the figures the fit stored */
        static const char *const fitted[] = { "train_accuracy", "test_accuracy", "train_mae",
                                              "test_mae", "train_mae_rel", "test_mae_rel",
                                              "train_rmse", "test_rmse" };
        for (size_t i = 0; i < sizeof fitted / sizeof fitted[0]; i++)
            if (ua_model_meta(m, fitted[i])) (void)ua_model_set_meta(m, fitted[i], "");
    }
    if (against) /* the constructor's word is about its own target, not this one */
        for (size_t i = 0; !s && i < 3; i++)
            s = ua_model_del_meta(m, (const char *[]){ "estimated_err", "fit_resolved",
                                                       "fit_reason" }[i]);
    if (!s) s = ua_model_measure(m, p, &mo, &r);
    ua_cli_progress_done();
    if (s) {
        ua_problem_free(p);
        ua_model_free(m);
        return ua_cli_fail("check", s);
    }
    ua_pde_errors pe;
    if (ua_problem_kind_of(p) == UA_PROBLEM_PDE && (rc = pde_measure(m, p, pde_points, &pe, &r))) {
        ua_measurement_free(&r);
        ua_problem_free(p);
        ua_model_free(m);
        return rc;
    }
    double data_err = NAN, data_scale = NAN;
    size_t data_rows = 0;
    if (tol && kind == UA_PROBLEM_SAMPLES &&
        (rc = samples_max_error(m, p, &data_err, &data_scale, &data_rows))) {
        ua_measurement_free(&r);
        ua_problem_free(p);
        ua_model_free(m);
        return rc;
    }
    char tol_why[320] = "";
    int tol_failed = tol ? tol_verdict(m, &r, told, data_err, data_scale, data_rows, tol_why,
                                       sizeof tol_why) : 0;
    ua_proof pf;
    int proof_rc = prove ? prove_model(m, p, &pf) : 0;
    if (proof_rc) {
        ua_measurement_free(&r);
        ua_problem_free(p);
        ua_model_free(m);
        return proof_rc;
    }
    proof_vs_tol pt = {0, 0, 0.0, 0.0, 0, 0};
    if (prove) pt = proof_against_tol(m, &pf, &r); /* before the verdict is printed */
    if (json) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "model", path);
        cJSON_AddStringToObject(o, "family", ua_model_family(m));
        cJSON_AddStringToObject(o, "against", ua_problem_describe(p));
        size_t d;
        const double *lo, *hi;
        ua_model_box(m, &d, &lo, &hi);
        if (d == 1) {
            cJSON *dom = cJSON_AddArrayToObject(o, "domain");
            cJSON_AddItemToArray(dom, cJSON_CreateNumber(lo[0]));
            cJSON_AddItemToArray(dom, cJSON_CreateNumber(hi[0]));
        }
        if (ua_problem_kind_of(p) == UA_PROBLEM_FORMULA)
            cJSON_AddNumberToObject(o, "reference_prec", (double)mo.prec);
        ua_cli_measurement_json(o, m, p, &r);
        if (ua_problem_kind_of(p) == UA_PROBLEM_PDE) pde_errors(&pe, p, o, &r);
        if (ua_problem_kind_of(p) >= UA_PROBLEM_SAMPLES) { /* the rows given, not the training rows */
            cJSON *t = cJSON_DetachItemFromObjectCaseSensitive(o, "train_rmse");
            if (t) cJSON_AddItemToObject(o, "rmse", t);
            /* a classifier: the error rate on the rows given (kept under its old key too) */
            cJSON *er = cJSON_GetObjectItemCaseSensitive(o, "train_error_rate");
            if (er && cJSON_IsNumber(er) && ua_model_is_classifier(m)) {
                cJSON_AddNumberToObject(o, "error_rate", er->valuedouble);
                cJSON_AddNumberToObject(o, "accuracy", 1 - er->valuedouble);
            }
            /* a sequence classifier: the accuracy over the positions of the sequences given
             * ("train" would name the fit's training set) */
            if (ua_problem_kind_of(p) == UA_PROBLEM_SEQUENCES &&
                !cJSON_GetObjectItemCaseSensitive(o, "accuracy")) {
                cJSON *ac = cJSON_DetachItemFromObjectCaseSensitive(o, "train_accuracy");
                if (ac) cJSON_AddItemToObject(o, "accuracy", ac);
            }
        }
        if (prove) proof_json(o, &pf, &r, &pt);
        if (tol) {
            cJSON_AddNumberToObject(o, "tol", told);
            cJSON_AddStringToObject(o, "tol_check", tol_why);
            if (data_rows) {
                cJSON_AddNumberToObject(o, "tol_max_abs_err", data_err);
                cJSON_AddNumberToObject(o, "tol_scale_max_abs_y", data_scale);
            }
        }
        (void)ua_cli_learn_metrics(NULL, o, "check", m, p, "data", NULL);
        ua_cli_print_json(o);
    } else {
        printf("model     %s (%s)\n", path, ua_model_family(m));
        printf("against   %s\n", ua_problem_describe(p));
        ua_measurement shown = r;
        if (ua_problem_kind_of(p) == UA_PROBLEM_PDE) pde_errors(&pe, p, NULL, &shown);
        ua_cli_measurement_text(stdout, m, p, &shown, 0);
        if (!shown.has_errors && r.has_errors && r.has_tol) /* the pde lines replaced them */
            pde_tol_text(m, &r);
        if (tol) printf("  against --tol        %s\n", tol_why);
        (void)ua_cli_learn_metrics(stdout, NULL, "check", m, p, "data", NULL);
        if (prove) proof_text(m, &pf, &r, &pt);
    }
    /* with --prove: the bound proven, and within the tolerance when the model has one */
    int fail = !r.resolved || (prove && (!pf.proven || proof_short_of_tol(&pt)));
    if (tol_failed) {
        ua_cli_error("check", UA_EXIT_FAIL, "%s", tol_why);
        fail = 1;
    }
    ua_measurement_free(&r);
    ua_problem_free(p);
    ua_model_free(m);
    return fail ? UA_EXIT_FAIL : UA_EXIT_OK;
}
