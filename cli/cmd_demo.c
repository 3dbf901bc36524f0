/* uniapprox demo — the main job on its embedded default: one engine, five kinds of problem. Each
 * row goes through the same path as `uniapprox fit` (ua_fit, then the independent measurement
 * ua_model_measure, then ua_model_export_c); `make demo` runs this. The rows name their families
 * as data: the showcase picks one per problem. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "demo.h"

static const char help[] =
    "usage: uniapprox demo [--json]\n"
    "\n"
    "Runs five problems through the one engine, each fitted, measured independently and\n"
    "exported as standalone C:\n"
    "  1. a special function, J0(x) on [0, 100], by adaptive Chebyshev interpolation (cheb),\n"
    "     measured against MPFR;\n"
    "  2. a 3-D formula, exp(-x^2-y^2)*cos(z) on [-1,1]x[-1,1]x[0,3], by low-rank Chebyshev\n"
    "     approximation (chebnd, the automatic choice for 2 or 3 variables), measured against\n"
    "     MPFR at 100000 points;\n"
    "  3. your own C code: the eccentric anomaly E(M) of Kepler's equation E - 0.5 sin E = M,\n"
    "     solved by Newton's method, on [0, pi], by cheb, measured against the function itself;\n"
    "  4. a UCI regression set, Yacht Hydrodynamics (split 0 of the standard 20: 277 training\n"
    "     and 31 test rows), by kernel ridge regression, with its test RMSE;\n"
    "  5. a float32 kernel, 2^x on [1, 2] by a degree-6 minimax polynomial with float\n"
    "     coefficients in t = 2x - 3, checked at every one of its 8388609 floats against the\n"
    "     correctly rounded value (compiled with -mfma where the processor has FMA; without it\n"
    "     the last rounding costs about 0.3 ULP more and the row reports it).\n"
    "For each: the family, the measured error, the verdict, the fit time and the size of the\n"
    "exported C.\n"
    "\n"
    "options:\n"
    "  --json       machine-readable output\n";

/* The user's own code of row 3, written to a temporary file and compiled as `fit --function`
 * does. */
static const char kepler_c[] =
    "#include <math.h>\n"
    "/* The eccentric anomaly E of Kepler's equation E - e sin E = M (e = 0.5), by Newton. */\n"
    "double kepler(double M)\n"
    "{\n"
    "    double E = M + 0.5 * sin(M);\n"
    "    for (int i = 0; i < 60; i++) {\n"
    "        double dE = (E - 0.5 * sin(E) - M) / (1 - 0.5 * cos(E));\n"
    "        E -= dE;\n"
    "        if (fabs(dE) < 1e-17) break;\n"
    "    }\n"
    "    return E;\n"
    "}\n";

typedef struct {
    const char *what;     /* the problem, in words */
    const char *family;
    char error[96];       /* the measured error, in words */
    const char *verdict;
    int ok;               /* resolved (or no tolerance asked) */
    double fit_s, total_s;
    long c_bytes;         /* size of the exported C */
    double value;         /* the headline number of the error column */
    int fma;              /* row 5: compiled with -mfma */
} demo_row;

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* Fits p with family and options (name=value pairs), measures, exports to dir; fills row. */
static ua_status run(const char *dir, ua_problem *p, const char *family,
                     const char *const *opts, size_t nopts, demo_row *row, ua_model **keep,
                     ua_export_type et)
{
    double t0 = now();
    ua_options *o = NULL;
    ua_status s = ua_family_options(family, &o);
    for (size_t i = 0; !s && i < 2 * nopts; i += 2)
        s = ua_options_set(o, opts[i], opts[i + 1]);
    ua_model *m = NULL;
    if (!s) {
        s = ua_fit(p, family, o, NULL, &m);
        if (s == UA_ENOTRESOLVED) s = UA_OK;
    }
    ua_options_free(o);
    if (s) return s;
    row->fit_s = now() - t0;
    ua_measurement r;
    if ((s = ua_model_measure(m, p, NULL, &r))) {
        ua_model_free(m);
        return s;
    }
    row->ok = r.resolved;
    row->verdict = r.resolved ? (r.has_tol ? "resolved" : "fitted") : "not resolved";
    if (r.has_errors) {
        row->value = r.err.max_rel_scale;
        snprintf(row->error, sizeof row->error, "%.1e max |error|/max|f| (%zu pts)",
                 r.err.max_rel_scale, r.err.npoints);
    } else if (!isnan(r.test_rmse)) {
        row->value = r.test_rmse;
        snprintf(row->error, sizeof row->error, "test RMSE %.3g (train %.3g)", r.test_rmse,
                 r.train_rmse);
    }
    ua_measurement_free(&r);
    char path[4200];
    snprintf(path, sizeof path, "%s/%s.c", dir, family);
    struct stat st;
    if (!(s = ua_model_export_c(m, et, "approx", path)) && stat(path, &st) == 0)
        row->c_bytes = (long)st.st_size;
    row->total_s = now() - t0;
    if (keep && !s) *keep = m;
    else ua_model_free(m);
    return s;
}

static float (*demo_kernel)(float);
static float call_kernel(float x) { return demo_kernel(x); }

/* Row 5: the float export compiled and checked at every float of [1, 2]. */
static ua_status check_every_float(const char *dir, const ua_model *m, demo_row *row)
{
    double t0 = now();
    char path[4200];
    snprintf(path, sizeof path, "%s/minimax.c", dir);
    ua_compiled *c = NULL;
    ua_target *t = NULL;
    void *sym = NULL;
    ua_exhaustive_result res;
    /* the kernel's last rounding needs a fused multiply-add to stay below 1 ULP
     * (docs/float32-kernels.md): use the processor's when it has one */
    static const char *const fma_args[] = { "-mfma", NULL };
    const char *const *args = NULL;
#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
    if (__builtin_cpu_supports("fma")) args = fma_args;
#endif
    row->fma = args != NULL;
    ua_status s = ua_compile_c(path, args, &c);
    if (!s) s = ua_compiled_symbol(c, "approx", &sym);
    if (!s) s = ua_target_parse(ua_model_target(m), NULL, 0, &t);
    if (!s) {
        memcpy(&demo_kernel, &sym, sizeof sym);
        s = ua_exhaustive_f32(call_kernel, t, 1.0f, 2.0f, NULL, &res);
    }
    if (!s) {
        row->value = res.max_ulp;
        row->ok = res.max_ulp < 1.0;
        row->verdict = row->ok ? "< 1 ULP" : ">= 1 ULP";
        snprintf(row->error, sizeof row->error, "%.3f ULP max, every float (%llu)%s",
                 res.max_ulp, (unsigned long long)res.count, row->fma ? "" : " no FMA");
    }
    ua_target_free(t);
    ua_compiled_free(c);
    row->total_s += now() - t0;
    return s;
}

static ua_status yacht_problem(ua_problem **p)
{
    size_t d = ua_demo_yacht_d, w = d + 1, ntr = ua_demo_yacht_ntrain, nte = ua_demo_yacht_ntest;
    double *x = malloc((ntr + nte) * d * sizeof *x), *y = malloc((ntr + nte) * sizeof *y);
    ua_status s = x && y ? UA_OK : UA_ENOMEM;
    for (size_t i = 0; !s && i < ntr + nte; i++) {
        size_t r = i < ntr ? ua_demo_yacht_train[i] : ua_demo_yacht_test[i - ntr];
        memcpy(x + i * d, ua_demo_yacht + r * w, d * sizeof *x);
        y[i] = ua_demo_yacht[r * w + d];
    }
    if (!s) s = ua_problem_samples(x, y, ntr, d, 1, p);
    if (!s) s = ua_problem_set_test(*p, x + ntr * d, y + ntr, nte);
    free(x);
    free(y);
    return s;
}

static ua_status formula(const char *spec, const char *const *vars, size_t nv, const double *lo,
                         const double *hi, ua_problem **p)
{
    ua_target *t;
    ua_status s = ua_target_parse(spec, vars, nv, &t);
    if (!s) s = ua_problem_formula(t, lo, hi, p);
    ua_target_free(t);
    return s;
}

int cmd_demo(int argc, char **argv)
{
    int json = 0;
    const ua_opt opts[] = { { "json", 0, 0, NULL, &json } };
    char **pos;
    size_t npos;
    int rc = ua_cli_parse("demo", argc, argv, opts, 1, &pos, &npos);
    free(pos);
    if (rc == -1) {
        fputs(help, stdout);
        return UA_EXIT_OK;
    }
    if (rc) return rc;
    if (npos) return ua_cli_usage("demo", "takes no arguments (see --help)");
    const char *tmp = getenv("TMPDIR");
    char dirbuf[4096];
    snprintf(dirbuf, sizeof dirbuf, "%s/uniapprox-demo-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dirbuf)) return ua_cli_usage("demo", "cannot make a temporary directory");

    demo_row rows[5];
    memset(rows, 0, sizeof rows);
    ua_status s = UA_OK;
    ua_problem *p = NULL;
    double t_all = now();
    if (isatty(2)) fprintf(stderr, "uniapprox demo: 5 problems, about half a minute\n");

    /* 1. a special function */
    rows[0].what = "J0(x) on [0, 100]";
    rows[0].family = "cheb";
    {
        double lo = 0, hi = 100;
        if (!(s = formula("j0(x)", NULL, 0, &lo, &hi, &p)))
            s = run(dirbuf, p, "cheb", NULL, 0, &rows[0], NULL, UA_EXPORT_DOUBLE);
        ua_problem_free(p);
        p = NULL;
    }
    /* 2. a 3-D formula, resolved by the low-rank constructor, measured against MPFR */
    rows[1].what = "exp(-x^2-y^2)*cos(z), 3-D";
    rows[1].family = "chebnd";
    if (!s) {
        static const char *const vars[] = { "x", "y", "z" };
        const double lo[] = { -1, -1, 0 }, hi[] = { 1, 1, 3 };
        if (!(s = formula("exp(-x^2-y^2)*cos(z)", vars, 3, lo, hi, &p)))
            s = run(dirbuf, p, "chebnd", NULL, 0, &rows[1], NULL, UA_EXPORT_DOUBLE);
        ua_problem_free(p);
        p = NULL;
    }
    /* 3. the user's own C code */
    rows[2].what = "kepler.c: E(M), Newton";
    rows[2].family = "cheb";
    if (!s) {
        char src[4200], spec[4300];
        snprintf(src, sizeof src, "%s/kepler.c", dirbuf);
        FILE *f = fopen(src, "w");
        if (!f || fputs(kepler_c, f) == EOF || fclose(f)) s = UA_EIO;
        snprintf(spec, sizeof spec, "%s:kepler", src);
        const double lo = 0, hi = 3.141592653589793;
        if (!s && !(s = ua_problem_function(spec, 1, 0, NULL, &lo, &hi, 0, &p)))
            s = run(dirbuf, p, "cheb", NULL, 0, &rows[2], NULL, UA_EXPORT_DOUBLE);
        remove(src);
        ua_problem_free(p);
        p = NULL;
    }
    /* 4. a UCI regression set */
    rows[3].what = "UCI yacht, split 0";
    rows[3].family = "kernel";
    if (!s && !(s = yacht_problem(&p)))
        s = run(dirbuf, p, "kernel", NULL, 0, &rows[3], NULL, UA_EXPORT_DOUBLE);
    ua_problem_free(p);
    p = NULL;
    /* 5. a float32 kernel, every float checked */
    rows[4].what = "2^x on [1, 2], float32";
    rows[4].family = "minimax";
    ua_model *mm = NULL;
    if (!s) {
        const double lo = 1, hi = 2;
        static const char *const o[] = { "degree", "6", "coeffs", "float", "var", "unit" };
        if (!(s = formula("2^x", NULL, 0, &lo, &hi, &p)))
            s = run(dirbuf, p, "minimax", o, 3, &rows[4], &mm, UA_EXPORT_FLOAT);
        if (!s) s = check_every_float(dirbuf, mm, &rows[4]);
        ua_model_free(mm);
        ua_problem_free(p);
        p = NULL;
    }
    /* the exported files (FAMILY.c, one a row: run's names) go with the temporary directory */
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char path[4200];
        snprintf(path, sizeof path, "%s/%s.c", dirbuf, rows[i].family);
        remove(path);
    }
    rmdir(dirbuf);
    if (s) return ua_cli_fail("demo", s);
    double total = now() - t_all;
    int all_ok = 1;
    for (size_t i = 0; i < 5; i++) all_ok &= rows[i].ok;
    if (json) {
        cJSON *arr = cJSON_CreateArray();
        for (size_t i = 0; i < 5; i++) {
            cJSON *o = cJSON_CreateObject();
            cJSON_AddStringToObject(o, "problem", rows[i].what);
            cJSON_AddStringToObject(o, "family", rows[i].family);
            cJSON_AddStringToObject(o, "error", rows[i].error);
            cJSON_AddNumberToObject(o, "value", rows[i].value);
            cJSON_AddStringToObject(o, "verdict", rows[i].verdict ? rows[i].verdict : "");
            cJSON_AddNumberToObject(o, "fit_seconds", rows[i].fit_s);
            cJSON_AddNumberToObject(o, "seconds", rows[i].total_s);
            cJSON_AddNumberToObject(o, "c_bytes", (double)rows[i].c_bytes);
            cJSON_AddItemToArray(arr, o);
        }
        ua_cli_print_json(arr);
    } else {
        printf("%-27s %-8s %-38s %-12s %7s %8s\n", "problem", "family", "measured error",
               "verdict", "fit s", "C bytes");
        for (size_t i = 0; i < 5; i++)
            printf("%-27s %-8s %-38s %-12s %7.2f %8ld\n", rows[i].what, rows[i].family,
                   rows[i].error, rows[i].verdict ? rows[i].verdict : "-", rows[i].fit_s,
                   rows[i].c_bytes);
        /* rows 1-3 are maxima over sampled points; row 4 an RMSE; row 5 checked every float of
         * its interval, so its maximum is the exact one there (not a sample) */
        printf("\nEach error is measured independently of the fit: 1-2 against MPFR (128 bits), "
               "3 against the\nfunction itself in double (1-3: sampled maxima, not bounds), 4 "
               "on held-out rows (an RMSE),\n5 at every float of [1, 2] against the correctly "
               "rounded value (the exact maximum there:\nevery float was checked). Total %.1f "
               "s.\n", total);
    }
    return all_ok ? UA_EXIT_OK : UA_EXIT_FAIL;
}
