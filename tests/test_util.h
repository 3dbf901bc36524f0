/* Helpers shared by the cmocka tests (tests/test_*.c): ASSERT_LE, a scratch directory, reading a
 * file whole, and compiling an exported C file and looking up a symbol in it (through
 * ua_compile_c).
 *
 * Everything is static inline, so a test that includes this header and uses only part of it gets
 * no unused-function warnings. Failures of the helpers themselves fail the running test (cmocka's
 * fail_msg / assert_*), so callers need not check their results.
 *
 * Usage, for a test that wants the scratch directory:
 *     #define TU_SCRATCH_TAG "ua_test_model"   (optional: the directory's name prefix)
 *     #include "test_util.h"
 *     ...
 *     return cmocka_run_group_tests(tests, tu_scratch_setup, tu_scratch_teardown);
 * and then tu_path("m.safetensors") names a file in it. Not thread-safe: call the helpers from
 * the test's main thread only. */
#ifndef UA_TEST_UTIL_H
#define UA_TEST_UTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "uniapprox.h"

/* ---- assertions ---------------------------------------------------------------------------- */

/* Fails the test unless a <= b (as doubles; NaN on either side fails), printing both expressions
 * and their values to 17 digits. */
#define ASSERT_LE(a, b)                                                                       \
    do {                                                                                      \
        double a_ = (a), b_ = (b);                                                            \
        if (!(a_ <= b_)) fail_msg("%s = %.17g > %s = %.17g", #a, a_, #b, b_);                \
    } while (0)

/* ---- the scratch directory ----------------------------------------------------------------- */

/* The name prefix of the scratch directory; a test may define it before including this header. */
#ifndef TU_SCRATCH_TAG
#define TU_SCRATCH_TAG "ua_test"
#endif

/* The system's temporary directory when $TMPDIR is unset: P_tmpdir where <stdio.h> declares it
 * (XSI), else the POSIX default. */
#ifdef P_tmpdir
#define TU_SYSTEM_TMPDIR P_tmpdir
#else
#define TU_SYSTEM_TMPDIR "/tmp"
#endif

enum { TU_PATH_MAX = 4096 };

/* The storage of the scratch directory's path (internal). */
static inline char *tu_scratch_buf(void)
{
    static char dir[TU_PATH_MAX];
    return dir;
}

/* The scratch directory's path ("" before tu_scratch_setup and after tu_scratch_teardown). The
 * string belongs to this header: do not free or modify it. */
static inline const char *tu_scratch_dir(void)
{
    return tu_scratch_buf();
}

/* Where temporary files go: $TMPDIR if it is set and not empty, else the system's default. The
 * string is the environment's or a literal: do not free it. */
static inline const char *tu_tmp_base(void)
{
    const char *t = getenv("TMPDIR");
    return t && *t ? t : TU_SYSTEM_TMPDIR;
}

/* cmocka group setup: creates a new private directory (mkdtemp, mode 0700)
 * <tu_tmp_base()>/<TU_SCRATCH_TAG>.XXXXXX and makes it the scratch directory. Returns 0, or -1
 * (with the reason on stderr, which makes cmocka fail the group) if it cannot. */
static inline int tu_scratch_setup(void **state)
{
    (void)state;
    char *dir = tu_scratch_buf();
    const char *base = tu_tmp_base();
    int n = snprintf(dir, TU_PATH_MAX, "%s/%s.XXXXXX", base, TU_SCRATCH_TAG);
    if (n < 0 || n >= TU_PATH_MAX || !mkdtemp(dir)) {
        fprintf(stderr, "cannot create a scratch directory in '%s': %s\n", base,
                n < 0 || n >= TU_PATH_MAX ? "path too long" : strerror(errno));
        dir[0] = '\0';
        return -1;
    }
    return 0;
}

/* Removes path and, if it is a directory, everything below it, depth first. Symbolic links are
 * removed, never followed. It goes on past a failure and removes what it can; returns 0 if all
 * went, else -1. */
static inline int tu_remove_tree(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0) return -1;
    if (!S_ISDIR(st.st_mode)) return unlink(path);
    int rc = 0;
    DIR *d = opendir(path);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d))) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
            size_t len = strlen(path) + strlen(e->d_name) + 2;
            char *sub = malloc(len);
            if (!sub) {
                rc = -1;
                continue;
            }
            snprintf(sub, len, "%s/%s", path, e->d_name);
            if (tu_remove_tree(sub) != 0) rc = -1;
            free(sub);
        }
        closedir(d);
    }
    return rmdir(path) == 0 ? rc : -1;
}

/* cmocka group teardown: removes the scratch directory and everything in it (tu_remove_tree).
 * A failure to clean up is reported on stderr but does not fail the run; returns 0. */
static inline int tu_scratch_teardown(void **state)
{
    (void)state;
    char *dir = tu_scratch_buf();
    if (dir[0] && tu_remove_tree(dir) != 0)
        fprintf(stderr, "warning: could not remove all of the scratch directory '%s'\n", dir);
    dir[0] = '\0';
    return 0;
}

/* "<scratch directory>/<name>" (name may contain '/' for a deeper path). The result lives in one
 * of 8 static buffers used in turn: it stays valid until the 8th call after this one; copy it to
 * keep it longer. Do not free it. Fails the test if there is no scratch directory or the path is
 * too long. */
static inline const char *tu_path(const char *name)
{
    static char buf[8][TU_PATH_MAX];
    static unsigned k;
    const char *dir = tu_scratch_dir();
    if (!dir[0]) fail_msg("tu_path(\"%s\"): no scratch directory (tu_scratch_setup)", name);
    k = (k + 1) % 8;
    int n = snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
    if (n < 0 || (size_t)n >= sizeof buf[k]) fail_msg("tu_path(\"%s\"): path too long", name);
    return buf[k];
}

/* The number of entries in the scratch directory (besides "." and "..") whose name contains sub;
 * tu_scratch_count("") counts them all, so 0 means the directory is empty. */
static inline int tu_scratch_count(const char *sub)
{
    DIR *d = opendir(tu_scratch_dir());
    assert_non_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") && strstr(e->d_name, sub)) n++;
    closedir(d);
    return n;
}

/* ---- files --------------------------------------------------------------------------------- */

/* Reads the whole file at path into a new buffer with a NUL byte after the contents (so a text
 * file can be used as a string); *len (if len is not NULL) gets the size without that NUL. Fails
 * the test if the file cannot be opened or read. The caller owns the buffer: free() it. */
static inline void *tu_slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) fail_msg("cannot open '%s': %s", path, strerror(errno));
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    long n = ftell(f);
    assert_true(n >= 0);
    assert_int_equal(fseek(f, 0, SEEK_SET), 0);
    unsigned char *b = malloc((size_t)n + 1);
    assert_non_null(b);
    assert_int_equal(fread(b, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    b[n] = '\0';
    if (len) *len = (size_t)n;
    return b;
}

/* ---- compiling C ----------------------------------------------------------------------------- */

/* The address of symbol name in c, or NULL if c does not define it (like dlsym). Valid until
 * ua_compiled_free(c). */
static inline void *tu_symbol(const ua_compiled *c, const char *name)
{
    void *p = NULL;
    ua_status s = ua_compiled_symbol(c, name, &p);
    if (s != UA_OK && s != UA_ENOTFOUND) fail_msg("ua_compiled_symbol: %s", ua_last_error());
    return p;
}

/* Compiles the C file src into a shared object with ua_compile_c (loaded into *out, which the
 * caller owns: ua_compiled_free(*out)). The compiler is the project's (UA_C_COMPILER, defined by
 * CMake; $CC or cc without it), handed to ua_compile_c through $CC, which is restored afterwards.
 * On top of ua_compile_c's flags (-std=c99 -O2 -ffp-contract=off -fPIC -shared ... -lm) the code
 * must compile without warnings: -Wall -Wextra -Werror, and extra (e.g. "-mfma"; NULL: none).
 * Returns ua_compile_c's status (its message quotes the compiler's diagnostics): the caller
 * decides whether a failure fails the test. */
static inline ua_status tu_compile_flags(const char *src, const char *extra, ua_compiled **out)
{
    const char *flags[] = {"-Wall", "-Wextra", "-Werror", extra, NULL};
    *out = NULL;
#ifdef UA_C_COMPILER
    const char *old = getenv("CC");
    char *saved = old ? strdup(old) : NULL;
    assert_true(!old || saved);
    assert_int_equal(setenv("CC", UA_C_COMPILER, 1), 0);
#endif
    ua_status s = ua_compile_c(src, flags, out);
#ifdef UA_C_COMPILER
    if (saved) setenv("CC", saved, 1);
    else unsetenv("CC");
    free(saved);
#endif
    return s;
}

/* tu_compile_flags with no extra flag, failing the test if compiling or loading fails; returns
 * the address of symbol name (the test fails if src does not define it); *out as there. */
static inline void *tu_compile_symbol(const char *src, const char *name, ua_compiled **out)
{
    ua_status s = tu_compile_flags(src, NULL, out);
    if (s != UA_OK) fail_msg("compiling '%s' failed: %s", src, ua_last_error());
    void *sym = tu_symbol(*out, name);
    if (!sym) fail_msg("'%s' does not define '%s'", src, name);
    return sym;
}

/* With the model families' vtables (include "model/family.h" before this header): writes
 * "#include <math.h>" and fam->export_c(state, type, name) to the scratch file <name>.c, compiles
 * it with tu_compile_symbol and returns the address of name; *out as there (the caller frees it
 * with ua_compiled_free). If text is not NULL, *text receives the source (the caller frees it).
 * The source file is removed again. */
#ifdef UA_MODEL_FAMILY_H
static inline void *tu_compile_export(const ua_family *fam, const void *state, ua_export_type type,
                                      const char *name, ua_compiled **out, char **text)
{
    char src[TU_PATH_MAX];
    char file[256];
    snprintf(file, sizeof file, "%s.c", name);
    snprintf(src, sizeof src, "%s", tu_path(file));
    FILE *f = fopen(src, "w");
    assert_non_null(f);
    fputs("#include <math.h>\n", f);
    assert_int_equal(fam->export_c(state, type, name, f), UA_OK);
    assert_int_equal(fclose(f), 0);
    void *sym = tu_compile_symbol(src, name, out);
    if (text) *text = tu_slurp(src, NULL);
    unlink(src);
    return sym;
}
/* ---- the families behind the engine's vtable ------------------------------------------------- */

/* The FORMULA problem spec (in x) on [a, b]; the caller frees it. */
static inline ua_problem *tu_formula_1d(const char *spec, double a, double b)
{
    ua_target *t = NULL;
    ua_problem *p = NULL;
    assert_int_equal(ua_target_parse(spec, NULL, 0, &t), UA_OK);
    assert_int_equal(ua_problem_formula(t, &a, &b, &p), UA_OK);
    ua_target_free(t);
    return p;
}

/* Fits p with family name through its vtable fit, as the engine does (the family alone, without
 * ua_fit's bookkeeping), with the options given as name, value pairs (kv, NULL-terminated).
 * Returns the fit's status; *meta holds what the family recorded (ua_model_free), *state the
 * fitted state (NULL on errors; the family's free releases it). */
static inline ua_status tu_family_fit(const char *name, const ua_problem *p,
                                      const char *const *kv, ua_model **meta, void **state)
{
    const ua_family *fam = ua_family_find(name);
    assert_non_null(fam);
    assert_non_null(fam->fit);
    ua_options *o = NULL;
    assert_int_equal(ua_family_options(name, &o), UA_OK);
    for (size_t i = 0; kv && kv[i]; i += 2)
        assert_int_equal(ua_options_set(o, kv[i], kv[i + 1]), UA_OK);
    assert_int_equal(ua_model_new(fam, meta), UA_OK);
    *state = NULL;
    ua_status s = fam->fit(p, o, NULL, *meta, state);
    ua_options_free(o);
    return s;
}

/* Fits the 1-D formula spec on [a, b] with family name through the engine (ua_fit; options as
 * name, value pairs, kv NULL-terminated) and measures it against MPFR on 20000 points into *r;
 * *fs is the fit's status (UA_OK or UA_ENOTRESOLVED, else the test fails). The caller frees the
 * model. */
static inline ua_model *tu_fit_measure_1d(const char *name, const char *spec, double a, double b,
                                          const char *const *kv, ua_status *fs, ua_measurement *r)
{
    ua_problem *p = tu_formula_1d(spec, a, b);
    ua_options *o = NULL;
    assert_int_equal(ua_family_options(name, &o), UA_OK);
    for (size_t i = 0; kv && kv[i]; i += 2)
        assert_int_equal(ua_options_set(o, kv[i], kv[i + 1]), UA_OK);
    ua_model *m = NULL;
    *fs = ua_fit(p, name, o, NULL, &m);
    ua_options_free(o);
    if (*fs != UA_OK && *fs != UA_ENOTRESOLVED) fail_msg("%s: %s", spec, ua_last_error());
    ua_measure_options mo;
    ua_measure_options_default(&mo);
    mo.check_points = 20000;
    assert_int_equal(ua_model_measure(m, p, &mo, r), UA_OK);
    ua_problem_free(p);
    return m;
}

/* A number the family recorded in the metadata; fails the test when it is absent. */
static inline double tu_meta_number(const ua_model *m, const char *key)
{
    const char *v = ua_model_meta(m, key);
    if (!v) fail_msg("metadata '%s' not recorded", key);
    return strtod(v, NULL);
}
#endif

/* ---- a learner on a user function (with the library's generator: include "core/internal.h") */
#ifdef UA_CORE_INTERNAL_H
/* The user's function in 4 variables exp(-|x|^2), counting its calls in *ctx (an int). */
static inline double tu_gauss4(const double *x, void *ctx)
{
    (*(int *)ctx)++;
    return exp(-(x[0] * x[0] + x[1] * x[1] + x[2] * x[2] + x[3] * x[3]));
}

/* Fits family (a learner) to tu_gauss4 on [-1,1]^4 as a FUNCTION problem (ua_problem_callback)
 * from 1500 drawn points; checks the function was called at least for them and the model has
 * 4 inputs and 1 output; returns the max error at 300 independent points (seeded ua_rng) against
 * the function itself. */
static inline double tu_learner_gauss4_error(const char *family)
{
    const double lo[] = {-1, -1, -1, -1}, hi[] = {1, 1, 1, 1};
    int calls = 0;
    ua_problem *p = NULL;
    ua_options *o = NULL;
    ua_model *m = NULL;
    assert_int_equal(ua_problem_callback(tu_gauss4, &calls, 4, lo, hi, "gauss4", &p), UA_OK);
    assert_int_equal(ua_family_options(family, &o), UA_OK);
    assert_int_equal(ua_options_set(o, "samples", "1500"), UA_OK);
    if (ua_fit(p, family, o, NULL, &m)) fail_msg("%s", ua_last_error());
    assert_int_equal(ua_problem_kind_of(p), UA_PROBLEM_FUNCTION);
    if (calls < 1500) fail_msg("%s: the function was called %d times for 1500 points", family, calls);
    size_t din = 0, dout = 0;
    ua_model_dims(m, &din, &dout);
    assert_int_equal(din, 4);
    assert_int_equal(dout, 1);
    enum { NT = 300 };
    double x[NT * 4], y[NT], worst = 0;
    ua_rng r;
    ua_rng_seed(&r, 5);
    for (size_t i = 0; i < NT * 4; i++) x[i] = 2 * ua_rng_uniform(&r) - 1;
    assert_int_equal(ua_model_predict(m, x, NT, y), UA_OK);
    for (size_t i = 0; i < NT; i++) {
        double f = tu_gauss4(x + i * 4, &calls), e = fabs(y[i] - f);
        worst = e > worst ? e : worst;
    }
    print_message("%s on a 4-D function, 1500 points: max error %.3g\n", family, worst);
    ua_model_free(m);
    ua_options_free(o);
    ua_problem_free(p);
    return worst;
}
#endif

#endif /* UA_TEST_UTIL_H */
