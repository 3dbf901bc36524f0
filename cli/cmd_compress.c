/* uniapprox compress — a smaller model with a measured loss of accuracy (docs/compress.md). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "uniapprox/compress.h"
#include "uniapprox/distill.h"

static const char help[] =
    "usage: uniapprox compress MODEL -o OUT --method lowrank|quant8|quant4\n"
    "                          [--rank R | --energy E] [--epochs N --nuclear L --lr LR]\n"
    "                          [--exponent A] [--data TRAIN] [--target-data TEST]\n"
    "                          [--points N] [--seed S] [--export-speed] [--json]\n"
    "\n"
    "Writes a compressed copy of MODEL (today: mlp networks; other families are refused):\n"
    "  lowrank  every dense weight W replaced by factors U (out, r) V (r, in) from its SVD,\n"
    "           truncated to rank R or to the least rank holding a fraction E of the energy\n"
    "           (sum of squared singular values; default 0.99); with --epochs N and --data, then\n"
    "           fine-tuned N epochs with a nuclear-norm regulariser (weight L, default 1e-4) and\n"
    "           truncated after every epoch (Trained Rank Pruning)\n"
    "  quant8,  every dense weight as 8- or 4-bit codes with one step and one exponent a per\n"
    "  quant4   layer: sign(w)|w|^a quantised uniformly; a searched per layer on [0.25, 1.5]\n"
    "           to minimise the layer's output error on the --data inputs (NUPES), or fixed by\n"
    "           --exponent A (A = 1: uniform quantisation). Biases stay in the network's dtype.\n"
    "The copy predicts, saves, loads and exports C (uniapprox export) in its compressed form.\n"
    "Reported, all measured: bytes of parameters before and after; the RMSE and sampled maximum\n"
    "of compressed - original on the --data rows (or N random points of MODEL's box); the RMSE\n"
    "of both against the targets of --data and --target-data; the time of one predict call per\n"
    "row for both (median of 5 alternating rounds); with --export-speed, the same for the C of\n"
    "`uniapprox export` of both (compiled with $CC or cc -O2), which computes with the\n"
    "compressed form where predict uses the reconstructed dense weights.\n"
    "\n"
    "options:\n"
    "  -o, --output FILE   the compressed model (required)\n"
    "  --method M          lowrank, quant8 or quant4 (required)\n"
    "  --rank R            lowrank: rank of every layer (capped at min(out, in))\n"
    "  --energy E          lowrank without --rank: energy fraction kept, in (0, 1] (0.99)\n"
    "                      (a layer whose factors would not be smaller stays dense: its rank\n"
    "                      prints as \"dense\"; when every layer does, nothing is compressed)\n"
    "  --epochs N          lowrank: fine-tuning epochs on --data (default 0: none)\n"
    "  --nuclear L         lowrank: nuclear-norm weight while fine-tuning (default 1e-4)\n"
    "  --lr LR             lowrank: fine-tuning Adam learning rate (default 1e-3)\n"
    "  --exponent A        quant: one exponent for every layer, in [0.05, 4] (no search)\n"
    "  --data TRAIN        calibration / fine-tuning rows (--x-col, --y-col, --format as fit;\n"
    "                      without them, the columns named as the model's inputs, as eval)\n"
    "  --target-data TEST  held-out rows (same columns)\n"
    "  --points N          random points of the box when no --data is given (default 10000)\n"
    "  --seed S            fine-tuning minibatches and the random points (default 1)\n"
    "  --export-speed      also time the exported C of both models (needs a C compiler; on the\n"
    "                      --data rows, else random points of the box: a model without a box\n"
    "                      needs --data or --target-data)\n"
    "  --json              print the results as one JSON object\n"
    "\n"
    "exit status: 0 written, 1 a runtime failure or a non-finite measured error (nothing is\n"
    "written), 2 bad usage or input (a family without compression, a bad option, --export-speed\n"
    "without rows to time on), 3 OUT cannot be written\n";

#ifdef P_tmpdir
#define SYSTEM_TMPDIR P_tmpdir
#else
#define SYSTEM_TMPDIR "/tmp" /* POSIX's default when TMPDIR is unset */
#endif

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* Seconds per row of one predict call over x (n rows), the call repeated until 50 ms pass. */
static double time_predict(const ua_model *m, const double *x, size_t n, double *y)
{
    size_t reps = 0;
    double t0 = now(), t;
    do {
        ua_model_predict(m, x, n, y);
        reps++;
    } while ((t = now() - t0) < 0.05);
    return t / (double)reps / (double)n;
}

/* The exported C of m compiled (ua_compile_c: $CC or cc, -O2) into *so, in folder dir as
 * tag.c; *fn its entry point. */
static ua_status compile_export(const ua_model *m, const char *dir, const char *tag,
                                ua_compiled **so, void **fn)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s.c", dir, tag);
    ua_status s = ua_model_export_c(m, UA_EXPORT_DOUBLE, tag, path);
    if (!s) s = ua_compile_c(path, NULL, so);
    if (!s) s = ua_compiled_symbol(*so, tag, fn);
    remove(path);
    return s;
}

/* Seconds per row of the exported function over x (n, d) rows, repeated until 50 ms pass. */
static double time_export(void *fn, size_t d, size_t k, const double *x, size_t n)
{
    double sink = 0, t, y[64];
    size_t reps = 0;
    double t0 = now();
    do {
        for (size_t i = 0; i < n; i++) {
            if (k > 1) ((void (*)(const double *, double *))fn)(x + i * d, y), sink += y[0];
            else if (d == 1) sink += ((double (*)(double))fn)(x[i]);
            else sink += ((double (*)(const double *))fn)(x + i * d);
        }
        reps++;
    } while ((t = now() - t0) < 0.05);
    if (sink == 12345.6789) fputc(' ', stderr); /* keeps the calls from being optimised away */
    return t / (double)reps / (double)n;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int cmd_compress(int argc, char **argv)
{
    const char *output = NULL, *method = NULL, *rank = NULL, *energy = NULL, *epochs = NULL;
    const char *nuclear = NULL, *lr = NULL, *exponent = NULL, *data = NULL, *target_data = NULL;
    const char *points = NULL, *seed = NULL, *format = NULL, *x_col = NULL, *y_col = NULL;
    int json = 0, export_speed = 0;
    const ua_opt opts[] = {
        { "output", 'o', 1, &output, NULL },  { "method", 0, 1, &method, NULL },
        { "rank", 0, 1, &rank, NULL },        { "energy", 0, 1, &energy, NULL },
        { "epochs", 0, 1, &epochs, NULL },    { "nuclear", 0, 1, &nuclear, NULL },
        { "lr", 0, 1, &lr, NULL },            { "exponent", 0, 1, &exponent, NULL },
        { "data", 0, 1, &data, NULL },        { "target-data", 0, 1, &target_data, NULL },
        { "points", 0, 1, &points, NULL },    { "seed", 0, 1, &seed, NULL },
        { "format", 0, 1, &format, NULL },    { "x-col", 0, 1, &x_col, NULL },
        { "y-col", 0, 1, &y_col, NULL },      { "json", 0, 0, NULL, &json },
        { "export-speed", 0, 0, NULL, &export_speed },
    };
    const char *path;
    int rc = ua_cli_parse_model("compress", help, argc, argv, opts, sizeof opts / sizeof opts[0], &path);
    if (rc || !path) return rc;
    ua_compress_options o;
    ua_compress_options_default(&o);
    size_t npts = 10000, sv = 1;
    if (!output) return ua_cli_usage("compress", "give the output file with -o OUT");
    if (!method) return ua_cli_usage("compress", "give --method lowrank, quant8 or quant4");
    if (ua_compress_method_parse(method, &o.method))
        return ua_cli_usage("compress", "--method '%s': expected lowrank, quant8 or quant4", method);
    int lowrank = o.method == UA_COMPRESS_LOWRANK;
    if (!lowrank && (rank || energy || epochs || nuclear || lr))
        return ua_cli_usage("compress", "--rank, --energy, --epochs, --nuclear and --lr go with "
                            "--method lowrank");
    if (lowrank && exponent) return ua_cli_usage("compress", "--exponent goes with quant8 or quant4");
    if (rank && energy) return ua_cli_usage("compress", "give --rank or --energy, not both");
    if (rank && (ua_cli_size(rank, &o.rank) || o.rank < 1))
        return ua_cli_usage("compress", "--rank '%s': expected a count >= 1", rank);
    if (energy && (ua_cli_double(energy, &o.energy) || !(o.energy > 0 && o.energy <= 1)))
        return ua_cli_usage("compress", "--energy '%s': expected a number in (0, 1]", energy);
    if (epochs && ua_cli_size(epochs, &o.epochs))
        return ua_cli_usage("compress", "--epochs '%s': expected a count", epochs);
    if (nuclear && (ua_cli_double(nuclear, &o.nuclear) || o.nuclear < 0))
        return ua_cli_usage("compress", "--nuclear '%s': expected a number >= 0", nuclear);
    if (lr && (ua_cli_double(lr, &o.lr) || !(o.lr > 0)))
        return ua_cli_usage("compress", "--lr '%s': expected a number > 0", lr);
    if (exponent) {
        if (ua_cli_double(exponent, &o.exponent) || !(o.exponent >= 0.05 && o.exponent <= 4))
            return ua_cli_usage("compress", "--exponent '%s': expected a number in [0.05, 4]", exponent);
        o.search = 0;
    }
    if (o.epochs && !data) return ua_cli_usage("compress", "--epochs needs --data TRAIN");
    if (points && (ua_cli_size(points, &npts) || npts < 1))
        return ua_cli_usage("compress", "--points '%s': expected a count >= 1", points);
    if (seed && ua_cli_size(seed, &sv)) return ua_cli_usage("compress", "--seed '%s': expected a count", seed);
    o.seed = sv;
    if ((rc = ua_cli_check_model_output("compress", "the model", output))) return rc;

    ua_model *m = NULL, *c = NULL;
    ua_problem *train = NULL, *test = NULL;
    double *px = NULL, *y0 = NULL, *y1 = NULL;
    ua_status s = ua_model_load(path, &m);
    if (s) return ua_cli_fail("compress", s);
    if ((rc = ua_cli_points_model_only("compress", m, path)) ||
        (rc = ua_cli_check_not_model_source("compress", m, "-o", output))) {
        ua_model_free(m);
        return rc;
    }
    size_t d, k;
    ua_model_dims(m, &d, &k);
    const ua_cli_learn_rows_args ra = { data, target_data, format, x_col, y_col, m };
    if ((rc = ua_cli_learn_rows("compress", &ra, d, k, &train, &test))) goto done;
    if (train) ua_problem_train(train, &o.x, &o.y, &o.n);
    size_t bd;
    const double *blo, *bhi;
    ua_model_box(m, &bd, &blo, &bhi);
    if (export_speed && !train && !test && bd != d) {
        rc = ua_cli_usage("compress", "--export-speed times the exported C on rows: the %s model "
                          "has no box to draw them from, so give --data TRAIN or --target-data "
                          "TEST", ua_model_family(m));
        goto done;
    }
    ua_compress_report rep;
    if ((s = ua_model_compress(m, &o, &c, &rep))) {
        rc = ua_cli_fail("compress", s);
        goto done;
    }
    /* the points of the comparison: the data rows, else random points of the box */
    const double *cx = NULL;
    size_t cn = 0;
    const char *where = NULL;
    if (train) { ua_problem_train(train, &cx, NULL, &cn); where = "the --data rows"; }
    else if (test) { ua_problem_train(test, &cx, NULL, &cn); where = "the --target-data rows"; }
    else if (bd == d) {
        px = malloc(npts * d * sizeof *px);
        if (!px) { rc = ua_cli_fail("compress", UA_ENOMEM); goto done; }
        uint64_t st = 0x9e3779b97f4a7c15ull * (sv + 1);
        for (size_t i = 0; i < npts * d; i++) {
            st ^= st << 13; st ^= st >> 7; st ^= st << 17; /* xorshift64 */
            size_t j = i % d;
            px[i] = blo[j] + (bhi[j] - blo[j]) * ((double)(st >> 11) * 0x1p-53);
        }
        cx = px;
        cn = npts;
        where = "random points of the box";
    }
    double d_rmse = NAN, d_max = NAN, t0 = NAN, t1 = NAN;
    if (cn) {
        y0 = malloc(cn * k * sizeof *y0);
        y1 = malloc(cn * k * sizeof *y1);
        if (!y0 || !y1) { rc = ua_cli_fail("compress", UA_ENOMEM); goto done; }
        if ((s = ua_model_predict(m, cx, cn, y0)) || (s = ua_model_predict(c, cx, cn, y1))) {
            rc = ua_cli_fail("compress", s);
            goto done;
        }
        ua_distill_diff(y1, y0, cn * k, &d_rmse, &d_max);
        double a[5], b[5];
        for (int r = 0; r < 5; r++) { /* alternating rounds: drift hits both alike */
            a[r] = time_predict(m, cx, cn, y0);
            b[r] = time_predict(c, cx, cn, y1);
        }
        qsort(a, 5, sizeof *a, cmp_double);
        qsort(b, 5, sizeof *b, cmp_double);
        t0 = a[2];
        t1 = b[2];
    }
    double e0 = NAN, e1 = NAN;
    if (export_speed && cn && k <= 64) {
        const char *tmp = getenv("TMPDIR");
        char tdir[4096];
        snprintf(tdir, sizeof tdir, "%s/ua_compress_XXXXXX", tmp && *tmp ? tmp : SYSTEM_TMPDIR);
        char *made = mkdtemp(tdir);
        ua_compiled *so0 = NULL, *so1 = NULL;
        void *f0 = NULL, *f1 = NULL;
        if (!made) { rc = ua_cli_error("compress", UA_EXIT_FAIL, "cannot make a temporary folder"); goto done; }
        ua_cli_remove_on_signal(made, NULL);
        s = compile_export(m, made, "ua_orig", &so0, &f0);
        if (!s) s = compile_export(c, made, "ua_comp", &so1, &f1);
        rmdir(made);
        ua_cli_remove_on_signal(NULL, NULL);
        if (s) {
            ua_compiled_free(so0);
            ua_compiled_free(so1);
            rc = ua_cli_fail("compress", s);
            goto done;
        }
        double a[5], b[5];
        for (int r = 0; r < 5; r++) {
            a[r] = time_export(f0, d, k, cx, cn);
            b[r] = time_export(f1, d, k, cx, cn);
        }
        qsort(a, 5, sizeof *a, cmp_double);
        qsort(b, 5, sizeof *b, cmp_double);
        e0 = a[2];
        e1 = b[2];
        ua_compiled_free(so0);
        ua_compiled_free(so1);
    }
    double tr0 = NAN, tr1 = NAN, te0 = NAN, te1 = NAN;
    if ((rc = ua_cli_learn_rmse("compress", m, train, &tr0)) ||
        (rc = ua_cli_learn_rmse("compress", c, train, &tr1)) ||
        (rc = ua_cli_learn_rmse("compress", m, test, &te0)) ||
        (rc = ua_cli_learn_rmse("compress", c, test, &te1)))
        goto done;
    /* a non-finite measurement is a failure, never a silent "written" */
    if ((cn && !isfinite(d_rmse)) || (train && !isfinite(tr1)) || (test && !isfinite(te1))) {
        rc = ua_cli_error("compress", UA_EXIT_FAIL, "the compressed model's error is not finite "
                          "(rmse against the original %g, on --data %g, on --target-data %g); "
                          "nothing was written", d_rmse, tr1, te1);
        goto done;
    }
    char num[40];
    if (train) snprintf(num, sizeof num, "%.17g", tr1), s = ua_model_set_meta(c, "train_rmse", num);
    if (!s && test) snprintf(num, sizeof num, "%.17g", te1), s = ua_model_set_meta(c, "test_rmse", num);
    if (s) { rc = ua_cli_fail("compress", s); goto done; }
    if ((s = ua_model_save(c, output))) { rc = ua_cli_fail_output("compress", s); goto done; }
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "model", path);
    cJSON_AddStringToObject(j, "output", output);
    cJSON_AddStringToObject(j, "method", ua_compress_method_name(o.method));
    cJSON_AddNumberToObject(j, "bytes_before", (double)rep.bytes_before);
    cJSON_AddNumberToObject(j, "bytes_after", (double)rep.bytes_after);
    cJSON_AddNumberToObject(j, "size_ratio", (double)rep.bytes_after / (double)rep.bytes_before);
    cJSON_AddNumberToObject(j, "params_before", (double)rep.params_before);
    cJSON_AddNumberToObject(j, "params_after", (double)rep.params_after);
    /* lowrank: a layer's rank, or "dense" where factors would not be smaller (rank 0 in the
     * report: a 0 would read as a zero matrix) */
    cJSON *per = cJSON_AddArrayToObject(j, lowrank ? "ranks" : "exponents");
    for (size_t l = 0; l < rep.layers && l < 16; l++)
        cJSON_AddItemToArray(per, !lowrank ? cJSON_CreateNumber(rep.exponent[l])
                                  : rep.rank[l] ? cJSON_CreateNumber((double)rep.rank[l])
                                                : cJSON_CreateString("dense"));
    if (cn) {
        cJSON_AddStringToObject(j, "compared_on", where);
        cJSON_AddNumberToObject(j, "compared_points", (double)cn);
        cJSON_AddNumberToObject(j, "rmse_vs_original", d_rmse);
        cJSON_AddNumberToObject(j, "max_abs_vs_original", d_max);
        cJSON_AddNumberToObject(j, "predict_ns_per_row_before", 1e9 * t0);
        cJSON_AddNumberToObject(j, "predict_ns_per_row_after", 1e9 * t1);
    }
    if (!isnan(e0)) {
        cJSON_AddNumberToObject(j, "export_ns_per_row_before", 1e9 * e0);
        cJSON_AddNumberToObject(j, "export_ns_per_row_after", 1e9 * e1);
    }
    if (train) {
        cJSON_AddNumberToObject(j, "train_rmse_before", tr0);
        cJSON_AddNumberToObject(j, "train_rmse_after", tr1);
    }
    if (test) {
        cJSON_AddNumberToObject(j, "test_rmse_before", te0);
        cJSON_AddNumberToObject(j, "test_rmse_after", te1);
    }
    if (json) ua_cli_print_json(j);
    else {
        ua_cli_print_fields(stdout, j, NULL);
        if (cn) printf("(max_abs_vs_original is a sampled maximum over %zu points, not a bound; "
                       "predict evaluates the reconstructed dense weights, the exported C the "
                       "compressed form)\n", cn);
        else printf("(no --data and no box: the error change is not measured)\n");
        cJSON_Delete(j);
        fprintf(ua_cli_notes(), "uniapprox compress: wrote %s\n", output);
    }
    if (lowrank && rep.bytes_after >= rep.bytes_before) /* every layer stayed dense */
        fprintf(ua_cli_notes(), "uniapprox compress: nothing was compressed: at this %s every "
                "layer's factors would be no smaller than its dense weights, so every layer stays "
                "dense (ranks \"dense\") and %s holds the same network as %s; give a smaller "
                "--rank or --energy\n", rank ? "--rank" : energy ? "--energy" : "--energy (default 0.99)",
                output, path);
done:
    free(px);
    free(y0);
    free(y1);
    ua_model_free(m);
    ua_model_free(c);
    ua_problem_free(train);
    ua_problem_free(test);
    return rc;
}
