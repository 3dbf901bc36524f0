/*
 * bench/libm_trig_check.c — one function of the sinf / cosf / tanhf / erff table checked at every
 * float (all 2^32 bit patterns but the NaNs; NaN inputs are checked by tests/test_libm_trig.c) by
 * the exhaustive checker against the correctly rounded reference: the uniapprox-generated
 * function, glibc's, or SLEEF's u10 scalar function, each compiled with ua_compile_c.
 * usage: libm_trig_check FUNC ua|glibc|sleef THREADS
 *        libm_trig_check FUNC emit CNAME    (writes the generated C of FUNC, named CNAME, with CNAME_v, to stdout)
 * The generated function is the default (correctly rounded where it can be) code, or the
 * `--accuracy 1ulp` code when the environment has ACCURACY=1ulp; with FMA=1 in the environment,
 * its `--fma` code where FUNC has one at that accuracy (ua_libm_has_fma; else the plain code),
 * compiled with -mfma where this CPU has FMA (the same bits either way: fma is exactly rounded);
 * with PRECISION=single as well (and ACCURACY=1ulp FMA=1), the float-lane code (`--working-precision
 * single --fma`) of the functions that have it (sinf, cosf; the others as without it).
 * Output, one line: FUNC KIND floats max_ulp not_cr over_1ulp nan_mismatch inf_mismatch seconds
 * worst_x (KIND "ua+fma" for the --fma code).
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "uniapprox.h"
#include "uniapprox/libm.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: libm_trig_check FUNC ua|glibc|sleef THREADS\n");
        return 2;
    }
    const char *fn = argv[1], *kind = argv[2];
    const ua_libm_func *g = ua_libm_find(fn);
    if (!g) {
        fprintf(stderr, "no generator %s\n", fn);
        return 2;
    }
    const char *acc_env = getenv("ACCURACY");
    ua_libm_accuracy acc = acc_env && strcmp(acc_env, "1ulp") == 0 ? UA_LIBM_1ULP : UA_LIBM_CR;
    const char *fma_env = getenv("FMA");
    int want_fma = fma_env && strcmp(fma_env, "1") == 0;
    const char *prec_env = getenv("PRECISION");
    ua_libm_precision wp = UA_LIBM_WP_DOUBLE;
    ua_libm_options so = {NULL, 0, acc, UA_LIBM_WP_SINGLE, 0};
    if (prec_env && strcmp(prec_env, "single") == 0 && want_fma && ua_libm_has_single(g) &&
        ua_libm_has_fma(g, &so))
        wp = UA_LIBM_WP_SINGLE;
    ua_libm_options fo = {NULL, 0, acc, wp, 0};
    int fma = want_fma && ua_libm_has_fma(g, &fo);
    if (strcmp(kind, "emit") == 0) {
        /* with the vector variant CNAME_v */
        ua_libm_options opt = {argv[3], 1, acc, wp, fma};
        if (g->emit(g, stdout, &opt) == UA_OK) return 0;
        fprintf(stderr, "%s\n", ua_last_error());
        return 1;
    }
    const char *tmp = getenv("TMPDIR");
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/ua_libm_trig_XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir)) return 1;
    char path[4200];
    snprintf(path, sizeof path, "%s/k.c", dir);
    FILE *out = fopen(path, "w");
    if (!out) return 1;
    const char *extra[] = {NULL, NULL};
    if (strcmp(kind, "ua") == 0) {
        ua_libm_options opt = {"k", 0, acc, wp, fma};
        if (g->emit(g, out, &opt) != UA_OK) {
            fprintf(stderr, "%s\n", ua_last_error());
            return 1;
        }
        __builtin_cpu_init();
        if (fma && __builtin_cpu_supports("fma")) extra[0] = "-mfma"; /* fma inlined */
    } else if (strcmp(kind, "glibc") == 0) {
        fprintf(out, "#include <math.h>\nfloat k(float x) { return %s(x); }\n", fn);
    } else if (strcmp(kind, "sleef") == 0) {
        /* Sleef_sinf_u10 ... Sleef_erff_u10: the scalar functions within 1.0 ULP, declared here
         * and linked by the library's file name, so that the runtime package libsleef3 suffices
         * (no sleef.h, no libsleef.so link needed) */
        fprintf(out, "float Sleef_%s_u10(float);\nfloat k(float x) { return Sleef_%s_u10(x); }\n",
                fn, fn);
        extra[0] = "-l:libsleef.so.3";
    } else {
        fprintf(stderr, "kind must be ua, glibc or sleef\n");
        return 2;
    }
    fclose(out);
    ua_compiled *c = NULL;
    if (ua_compile_c(path, extra, &c) != UA_OK) {
        fprintf(stderr, "%s\n", ua_last_error());
        return 1;
    }
    remove(path);
    remove(dir);
    void *sym = NULL;
    ua_compiled_symbol(c, "k", &sym);
    ua_target *t = NULL;
    ua_target_parse(g->reference, NULL, 0, &t);
    ua_exhaustive_options o;
    ua_exhaustive_options_default(&o);
    o.threads = atoi(argv[3]);
    ua_exhaustive_result r;
    double t0 = now();
    if (ua_exhaustive_f32((ua_f32_fn)sym, t, -INFINITY, INFINITY, &o, &r) != UA_OK) {
        fprintf(stderr, "%s\n", ua_last_error());
        return 1;
    }
    printf("%s %s%s %llu %.4f %llu %llu %llu %llu %.1f %a\n", fn, kind,
           strcmp(kind, "ua") == 0 && fma ? (wp == UA_LIBM_WP_SINGLE ? "+fma+single" : "+fma") : "",
           (unsigned long long)r.count, r.max_ulp, (unsigned long long)r.n_not_cr,
           (unsigned long long)r.n_over_1ulp, (unsigned long long)r.n_nan_mismatch,
           (unsigned long long)r.n_inf_mismatch, now() - t0, r.ntop ? (double)r.top[0].x : 0.0);
    ua_target_free(t);
    ua_compiled_free(c);
    return 0;
}
