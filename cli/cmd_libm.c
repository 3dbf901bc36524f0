/* uniapprox libm — generate a complete float32 libm function as C (uniapprox/libm.h) and, with
 * --check, compile it and check it at every float against the correctly rounded MPFR value
 * (uniapprox/exhaustive.h). */
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <omp.h>

#include "cli.h"
#include "model/atomic.h"
#include "uniapprox/exhaustive.h"
#include "uniapprox/libm.h"

static const char help[] =
    "usage: uniapprox libm NAME -o FILE.c [--name C_NAME] [--vector] [--accuracy cr|1ulp]\n"
    "                      [--working-precision double|single] [--fma]\n"
    "                      [--check [--range LO:HI]]\n"
    "       uniapprox libm --list [--json]\n"
    "\n"
    "Writes a complete float32 function NAME (a C99 libm name such as expf or logf) as one\n"
    "standalone C file: special inputs, range reduction, a core polynomial found now by the\n"
    "minimax family on the reduced interval, reconstruction, all in double with one rounding\n"
    "to float. --list shows the functions and how each is built.\n"
    "\n"
    "With --check the file is compiled (cc -O2 -ffp-contract=off; with --fma also -mfma where\n"
    "the CPU has FMA) and the function is called at every float (all 2^32 bit patterns: every\n"
    "finite float, +-Inf, and every NaN) or at every\n"
    "float of --range, and compared with the correctly rounded value of the MPFR reference:\n"
    "max error in ULPs, the count not correctly rounded, and special-value mismatches (a NaN,\n"
    "Inf or signed zero where the correctly rounded result has none, or the other way round,\n"
    "and any mismatch at +-0, +-Inf, NaN, the subnormal and normal boundaries and the overflow\n"
    "/ underflow thresholds). Exit 1 when the max error exceeds 1 ULP or a special value\n"
    "mismatches.\n"
    "\n"
    "options:\n"
    "  -o, --output FILE    the C file (written atomically; - is standard output); required\n"
    "  --name C_NAME        the C name of the function (default: NAME); exit 2 for a name\n"
    "                       the generated code already uses (a local variable such as x,\n"
    "                       a helper, type or macro such as ua_f2u or VD), a keyword, a\n"
    "                       name its headers declare or reserve, a name starting with _,\n"
    "                       or setjmp, vfork and the like\n"
    "  --vector             also write C_NAME_v(const float *x, float *y, size_t n): C_NAME's\n"
    "                       bits, in explicit vector code (GCC vector extensions: AVX-512F and\n"
    "                       AVX2+FMA kernels, chosen at run time; else the scalar loop)\n"
    "  --accuracy cr|1ulp   cr (default): the most accurate code (correctly rounded at every\n"
    "                       input for the exponentials and logarithms; sinf, cosf, tanhf, erff\n"
    "                       within 0.502 ULP, measured over all 2^32); 1ulp: within 1 ULP,\n"
    "                       faster, no rounding test (exp2f expf exp10f log2f logf log10f:\n"
    "                       smaller tables and polynomials; expm1f log1pf: no table; sinf\n"
    "                       cosf: one polynomial for every quadrant; tanhf erff write their\n"
    "                       default code, within 1 ULP)\n"
    "  --working-precision double|single\n"
    "                       double (default): the arithmetic above; single (with --accuracy\n"
    "                       1ulp; exp2f expf exp10f log2f logf log10f, and sinf cosf with\n"
    "                       --fma, only): every operation in float (sinf cosf: below |x| =\n"
    "                       400), no FMA (unless --fma), the vector kernels 8 floats per\n"
    "                       AVX2 vector (16 per AVX-512F); within 1 ULP as measured over all\n"
    "                       2^32 inputs\n"
    "  --fma                explicit fused multiply-adds (C99 fma / fmaf in the scalar\n"
    "                       function, vfmadd in the kernels; the same bits on every machine):\n"
    "                       exp2f expf exp10f log2f logf log10f sinf cosf with\n"
    "                       --accuracy 1ulp --working-precision single; sinf cosf\n"
    "                       tanhf at either accuracy in double (--list --json: where\n"
    "                       each function takes it). The scalar function is fast where\n"
    "                       the compiler inlines fma (-mfma, -march=x86-64-v3 or\n"
    "                       native); else it calls libm's fma (the same bits, slower:\n"
    "                       link with -lm)\n"
    "  --check              compile and check, as above (all floats: minutes)\n"
    "  --range LO:HI        with --check: only the floats of [LO, HI]\n"
    "  --threads N          with --check: OpenMP threads; 0 or unset: the OpenMP default\n"
    "                       (all cores), as check --exhaustive\n"
    "  --list               list the functions\n"
    "  --json               with --check: the result as one JSON object; with --list: an\n"
    "                       array, per function name, reference, summary, the --accuracy\n"
    "                       values and, for each, the --working-precision values it takes\n"
    "                       and those that take --fma\n";

/* The functions, one line each; with json an array of objects: name, reference, summary, the
 * --accuracy values accepted and, for each, the --working-precision values accepted, and "fma":
 * per --accuracy value, the --working-precision values that take --fma (ua_libm_has_fma). */
static int list_funcs(int json)
{
    if (!json) {
        for (size_t i = 0; i < ua_libm_count(); i++) {
            const ua_libm_func *f = ua_libm_at(i);
            printf("%-8s %-10s %s\n", f->libm_name, f->reference, f->summary);
        }
        return ua_cli_flush_stdout("libm");
    }
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; i < ua_libm_count(); i++) {
        const ua_libm_func *f = ua_libm_at(i);
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "name", f->libm_name);
        cJSON_AddStringToObject(o, "reference", f->reference);
        cJSON_AddStringToObject(o, "summary", f->summary);
        cJSON *acc = cJSON_AddArrayToObject(o, "accuracy");
        cJSON_AddItemToArray(acc, cJSON_CreateString("cr"));
        cJSON_AddItemToArray(acc, cJSON_CreateString("1ulp"));
        cJSON *wp = cJSON_AddObjectToObject(o, "working_precision");
        cJSON *cr = cJSON_AddArrayToObject(wp, "cr"), *u1 = cJSON_AddArrayToObject(wp, "1ulp");
        cJSON_AddItemToArray(cr, cJSON_CreateString("double"));
        cJSON_AddItemToArray(u1, cJSON_CreateString("double"));
        if (ua_libm_has_single(f)) cJSON_AddItemToArray(u1, cJSON_CreateString("single"));
        cJSON *fm = cJSON_AddObjectToObject(o, "fma");
        static const char *const accn[] = {"cr", "1ulp"}, *const wpn[] = {"double", "single"};
        for (int ai = 0; ai < 2; ai++) {
            cJSON *fa = cJSON_AddArrayToObject(fm, accn[ai]);
            for (int wi = 0; wi < 2; wi++) {
                ua_libm_options q = {NULL, 0, (ua_libm_accuracy)ai, (ua_libm_precision)wi, 1};
                if (ua_libm_has_fma(f, &q)) cJSON_AddItemToArray(fa, cJSON_CreateString(wpn[wi]));
            }
        }
        cJSON_AddItemToArray(a, o);
    }
    ua_cli_print_json(a);
    return ua_cli_flush_stdout("libm");
}

static int bad_name(const char *name)
{
    char buf[1024] = "";
    size_t len = 0;
    for (size_t i = 0; i < ua_libm_count() && len < sizeof buf - 16; i++)
        len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%s", i ? " " : "",
                                ua_libm_at(i)->libm_name);
    char shown[200]; /* the name as typed, control bytes and non-ASCII as \xNN, at most 40 */
    size_t k = 0;
    for (const unsigned char *p = (const unsigned char *)name; *p && k < sizeof shown - 8; p++) {
        if (p - (const unsigned char *)name >= 40) {
            k += (size_t)snprintf(shown + k, sizeof shown - k, "...");
            break;
        }
        k += (size_t)snprintf(shown + k, sizeof shown - k, *p >= 0x20 && *p < 0x7f ? "%c" : "\\x%02x",
                              *p);
    }
    shown[k] = 0;
    return ua_cli_usage("libm", "unknown function '%s'; available: %s", shown, buf);
}

/* Writes the generated C with the writer fit, export and report use (model/atomic.h): a
 * temporary file beside path renamed into place, an existing file's mode kept (0644 for a new
 * one); "-" writes to standard output, as export -o -. */
static int write_source(const ua_libm_func *f, const ua_libm_options *opt, const char *path)
{
    ua_status s;
    if (!strcmp(path, "-")) {
        errno = 0;
        s = f->emit(f, stdout, opt);
        if (s == UA_EIO || (!s && fflush(stdout))) {
            ua_cli_stdout_reported();
            return ua_cli_error("libm", UA_EXIT_OUTPUT, "cannot write to standard output: %s",
                                strerror(errno ? errno : EIO));
        }
        return s ? ua_cli_fail("libm", s) : UA_EXIT_OK;
    }
    ua_atomic out;
    if ((s = ua_atomic_open(&out, path))) return ua_cli_fail_output("libm", s);
    if (out.tmp) ua_cli_remove_on_signal(NULL, out.tmp);
    errno = 0;
    if ((s = f->emit(f, out.f, opt))) {
        int e = errno ? errno : EIO; /* the failed write's reason, before the cleanup's calls */
        ua_atomic_abort(&out);
        ua_cli_remove_on_signal(NULL, NULL);
        /* a write error (a full disk) is the output's failure, exit 3, worded as export's: the
         * file and the reason (the emitter's own text names the function only) */
        if (s == UA_EIO)
            return ua_cli_error("libm", UA_EXIT_OUTPUT, "cannot write '%s': %s", path,
                                strerror(e));
        return ua_cli_fail("libm", s);
    }
    s = ua_atomic_commit(&out);
    ua_cli_remove_on_signal(NULL, NULL);
    if (s) return ua_cli_fail_output("libm", s);
    return UA_EXIT_OK;
}

/* Bitwise equality of float results, any NaN matching any NaN. */
static int same(float a, float b)
{
    if (a != a || b != b) return a != a && b != b;
    return memcmp(&a, &b, sizeof a) == 0;
}

static float key_to_float(int64_t k) /* the order of ua_f32_count: -0 just below +0 */
{
    uint32_t u = k >= 0 ? (uint32_t)k : (uint32_t)(-1 - k) | 0x80000000u;
    float f;
    memcpy(&f, &u, 4);
    return f;
}

/* The least float key in [a, b] whose reference value has pred true, for pred monotone
 * (false ... true) over [a, b]; b + 1 when none. */
static int64_t first_key(const ua_target *t, int64_t a, int64_t b, int (*pred)(float))
{
    float y;
    int64_t lo = a, hi = b + 1;
    while (lo < hi) {
        int64_t mid = lo + (hi - lo) / 2;
        if (ua_exhaustive_ref_f32(t, key_to_float(mid), &y, NULL)) return b + 1;
        if (pred(y)) hi = mid;
        else lo = mid + 1;
    }
    return lo;
}
static float tail_const; /* set before each first_key call below (single thread) */
static int differs_from_tail(float y) { return !same(y, tail_const); }
static int same_as_tail(float y) { return same(y, tail_const); }
static int is_pos_inf(float y) { return isinf(y) && y > 0; }
static int is_nonzero(float y) { return y != 0 && !isnan(y); }
static int is_normal_mag(float y) { return fabsf(y) >= FLT_MIN; }

/*
 * The special inputs: +-0, +-Inf, +-min subnormal, +-max subnormal, +-FLT_MIN, +-FLT_MAX, +-1,
 * and for these increasing functions the thresholds found on the reference by bisection, with
 * their neighbours: the first x whose result rounds to +Inf, the first whose result is not 0,
 * the first whose result is normal. Counts outputs that differ bitwise (NaN ~ NaN) from the
 * correctly rounded value; *n gets how many inputs were tried. Also every NaN input (2^24 - 2
 * patterns) must give a NaN, counted in *nan_in_bad: in a job of several ranks each rank tries its
 * share of them and *nan_in_bad is the job's sum (collective; *s = UA_EIO when the sum failed).
 * The other inputs are few: every rank tries them all.
 */
static uint64_t check_specials(ua_f32_fn fn, const ua_target *t, float lo, float hi,
                               uint64_t *n, uint64_t *nan_in_bad, int json, ua_status *s)
{
    *s = UA_OK;
    float xs[64];
    size_t m = 0;
    const float fixed[] = {0.0f, INFINITY, 0x1p-149f, 0x1.fffffcp-127f, FLT_MIN, FLT_MAX, 1.0f};
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++) {
        xs[m++] = fixed[i];
        xs[m++] = -fixed[i];
    }
    const int64_t kmin = -1 - 0x7f7fffff, kmax = 0x7f7fffff; /* -FLT_MAX .. FLT_MAX */
    int64_t ks[3] = {first_key(t, kmin, kmax, is_pos_inf), first_key(t, kmin, kmax, is_nonzero),
                     first_key(t, kmin, kmax, is_normal_mag)};
    for (int j = 0; j < 3; j++)
        if (ks[j] > kmin && ks[j] <= kmax) {
            xs[m++] = key_to_float(ks[j] - 1);
            xs[m++] = key_to_float(ks[j]);
        }
    uint64_t bad = 0;
    *n = 0;
    for (size_t i = 0; i < m; i++) {
        if (!(xs[i] >= lo && xs[i] <= hi)) continue;
        float ref, y = fn(xs[i]);
        if (ua_exhaustive_ref_f32(t, xs[i], &ref, NULL)) continue;
        (*n)++;
        if (!same(y, ref)) {
            bad++;
            if (!json)
                fprintf(ua_cli_notes(), "uniapprox libm: special input %a: got %a, correctly rounded %a\n",
                        (double)xs[i], (double)y, (double)ref);
        }
    }
    *nan_in_bad = 0;
    if (isinf(lo) && isinf(hi)) {
        uint64_t nb = 0;
        size_t ka, kb; /* this rank's share of the payloads (all of them in one process) */
        ua_dist_share((size_t)1 << 23, &ka, &kb);
#pragma omp parallel for reduction(+ : nb) schedule(static)
        for (int64_t k = (int64_t)ka; k < (int64_t)kb; k++) {
            for (uint32_t sgn = 0; sgn < 2; sgn++) {
                uint32_t u = (sgn << 31) | 0x7f800000u | (uint32_t)k;
                if (k == 0) continue; /* that is Inf */
                float x;
                memcpy(&x, &u, 4);
                float y = fn(x);
                nb += y == y;
            }
        }
        unsigned long long sum = nb;
        if (ua_dist_size() > 1 && ua_dist_allreduce_sum_u64(&sum, 1)) *s = UA_EIO;
        *nan_in_bad = sum;
        *n += 2 * ((1u << 23) - 1);
    }
    return bad;
}

/* --range LO:HI as the floats [*lo, *hi] it holds, and --threads N; checked before anything is
 * written (exit 2 naming the option). */
static int parse_check_options(const char *range, const char *threads_s, float *lo, float *hi,
                               size_t *threads)
{
    *lo = -INFINITY;
    *hi = INFINITY;
    if (range) {
        /* the separator is the first ':' after the first character: "-4:4", "1e-4:1e4" */
        const char *colon = *range ? strchr(range + 1, ':') : NULL;
        char left[128];
        size_t n = colon ? (size_t)(colon - range) : 0;
        double a, b;
        if (!colon || n >= sizeof left)
            return ua_cli_usage("libm", "--range '%s' is not of the form LO:HI", range);
        memcpy(left, range, n);
        left[n] = '\0';
        if (ua_cli_double(left, &a) || ua_cli_double(colon + 1, &b))
            return ua_cli_usage("libm", "--range '%s': LO and HI must be finite numbers", range);
        if (!(a < b)) return ua_cli_usage("libm", "--range '%s': need LO < HI", range);
        *lo = (float)a;
        *hi = (float)b;
        if ((double)*lo < a) *lo = nextafterf(*lo, INFINITY);
        if ((double)*hi > b) *hi = nextafterf(*hi, -INFINITY);
        if (!(*lo <= *hi)) return ua_cli_usage("libm", "--range '%s': no float lies in it", range);
    }
    *threads = 0;
    if (threads_s && (ua_cli_size(threads_s, threads) || *threads > 4096))
        return ua_cli_usage("libm", "--threads '%s' must be a count up to 4096 (0 = the "
                            "OpenMP default, all cores)", threads_s);
    return 0;
}

/* Whether any rank of the job failed (collective; 0 in one process): every rank learns it
 * before the next collective, so that a rank that failed alone (its own message, cli/dist_output.c)
 * does not leave the others waiting in a collective it never reaches. *s gets UA_EIO when the
 * exchange itself failed. */
static int any_rank_failed(int failed, ua_status *s)
{
    *s = UA_OK;
    if (ua_dist_size() <= 1) return failed;
    double v = failed ? 1.0 : 0.0;
    if ((*s = ua_dist_allreduce_sum(&v, 1))) return 1;
    return v > 0;
}

/* The largest v over the ranks (collective; v itself in one process). */
static ua_status max_over_ranks(double *v)
{
    return ua_dist_size() > 1 ? ua_dist_allreduce_max(v, 1) : UA_OK;
}

/* In a job of several ranks: rank 0's C file, as it wrote it, copied over each other rank's own
 * (the scratch copy of cli/dist_output.c), so that every rank compiles and checks the same code
 * (the core polynomial is fitted on each rank; a machine with another libm could fit other bits).
 * Collective; no-op in one process. */
static int share_source(const char *path)
{
    if (ua_dist_size() <= 1) return UA_EXIT_OK;
    int rank = ua_dist_rank();
    double size = -1; /* -1: rank 0 could not read it back */
    char *buf = NULL;
    if (rank == 0) {
        FILE *in = fopen(path, "rb");
        long n = -1;
        if (in && !fseek(in, 0, SEEK_END) && (n = ftell(in)) >= 0 && !fseek(in, 0, SEEK_SET) &&
            (buf = malloc((size_t)n + 1)) && fread(buf, 1, (size_t)n, in) == (size_t)n)
            size = (double)n;
        if (in) fclose(in);
    }
    ua_status s = ua_dist_bcast(&size, sizeof size, 0), ds;
    if (s) {
        free(buf);
        return ua_cli_fail("libm", s);
    }
    if (size < 0) {
        free(buf);
        return ua_cli_error("libm", UA_EXIT_FAIL, "cannot read back '%s' to share it with the "
                            "other ranks", path);
    }
    if (rank > 0) buf = malloc((size_t)size + 1);
    /* every rank has its buffer before the broadcast, or none takes part in it */
    if (any_rank_failed(!buf, &ds)) {
        int mine = !buf; /* this rank's own failure (else another rank's, which says why) */
        free(buf);
        if (ds) return ua_cli_fail("libm", ds);
        return mine ? ua_cli_error("libm", UA_EXIT_FAIL, "out of memory") : UA_EXIT_FAIL;
    }
    if ((s = ua_dist_bcast(buf, (size_t)size, 0))) {
        free(buf);
        return ua_cli_fail("libm", s);
    }
    int rc = UA_EXIT_OK;
    if (rank > 0) {
        errno = 0;
        FILE *out = fopen(path, "wb");
        int ok = out && fwrite(buf, 1, (size_t)size, out) == (size_t)size;
        if (out && fclose(out)) ok = 0;
        if (!ok)
            rc = ua_cli_error("libm", UA_EXIT_OUTPUT, "cannot write this rank's copy of the C "
                              "file: %s", strerror(errno ? errno : EIO));
    }
    free(buf);
    return rc;
}

/* The compiler options of --check: with --fma, -mfma where this CPU has FMA (fmaf inlined as
 * one instruction; the same bits as libm's fmaf, which is exactly rounded: only faster), else
 * none. */
static const char *const *fma_args(int fma)
{
    static const char *const mfma[] = {"-mfma", NULL};
#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
    __builtin_cpu_init();
    if (fma && __builtin_cpu_supports("fma")) return mfma;
#else
    (void)mfma;
    (void)fma;
#endif
    return NULL;
}

/*
 * Compiles the written file and checks it at every float of [lo, hi]. In a job of several ranks
 * (mpirun) each rank checks its share of the floats (ua_exhaustive_share, as check --exhaustive),
 * of the saturated tails and of the NaN inputs, and the results are combined
 * (ua_exhaustive_combine, sums of the counts): the same result as one process, printed by rank 0.
 */
static int run_check(const ua_libm_func *f, const char *cname, const char *path, float lo,
                     float hi, size_t threads, int json, int fma)
{
    ua_target *t = NULL;
    ua_compiled *so = NULL;
    ua_status s, ds;
    void *sym;
    int rc = share_source(path);
    if (any_rank_failed(rc != 0, &ds)) return rc ? rc : ds ? ua_cli_fail("libm", ds) : 0;
    if ((s = ua_target_parse(f->reference, NULL, 0, &t)) ||
        (s = ua_compile_c(path, fma_args(fma), &so)) || (s = ua_compiled_symbol(so, cname, &sym))) {
        ua_target_free(t);
        ua_compiled_free(so);
        rc = ua_cli_fail("libm", s);
        /* the other ranks learn it (they return at once; the job exits with this code) */
        any_rank_failed(1, &ds);
        return rc;
    }
    if (any_rank_failed(0, &ds)) { /* another rank failed: it says why */
        ua_target_free(t);
        ua_compiled_free(so);
        return ds ? ua_cli_fail("libm", ds) : UA_EXIT_OK;
    }
    ua_f32_fn fn;
    memcpy(&fn, &sym, sizeof fn);
    if (threads) omp_set_num_threads((int)threads);
    ua_exhaustive_options opt;
    ua_exhaustive_options_default(&opt);
    opt.threads = (int)threads;
    ua_exhaustive_result r;
    uint64_t count = ua_f32_count(lo, hi) + (isinf(lo) && isinf(hi) ? 2 * ((1u << 23) - 1) : 0);
    int nranks = ua_dist_size();
    int nthreads = threads ? (int)threads : omp_get_max_threads();
    if (!json) {
        fprintf(ua_cli_notes(), "uniapprox libm: checking %s at %llu floats", cname,
                (unsigned long long)count);
        if (nranks > 1)
            fprintf(ua_cli_notes(), " on %d thread%s x %d ranks", nthreads,
                    nthreads == 1 ? "" : "s", nranks);
        fprintf(ua_cli_notes(), "...\n");
    }
    double t0 = omp_get_wtime();
    /* Over the whole line, the tails where the (increasing) function's correctly rounded value
     * is one constant (+0 or +Inf for the exponentials, -1 for expm1, NaN below 0 for the
     * logarithms) are compared with that constant directly: the checker's fast path cannot
     * decide there (its double reference overflows or underflows), and MPFR for a billion
     * floats takes hours. Ends found by bisection on the reference; each tail checked bitwise
     * (NaN ~ NaN); a mismatch there counts as not correctly rounded and as special. */
    uint64_t tail_bad = 0;
    float tail_x = 0, tail_want = 0; /* the least mismatching input of a tail, its value */
    float clo = lo, chi = hi;
    if (isinf(lo) && isinf(hi)) {
        const int64_t kmin = -1 - 0x7f7fffff, kmax = 0x7f7fffff;
        float vlo, vhi;
        if (ua_exhaustive_ref_f32(t, -FLT_MAX, &vlo, NULL) == UA_OK &&
            ua_exhaustive_ref_f32(t, FLT_MAX, &vhi, NULL) == UA_OK) {
            tail_const = vlo;
            int64_t k1 = first_key(t, kmin, kmax, differs_from_tail);
            tail_const = vhi;
            int64_t k2 = first_key(t, k1, kmax, same_as_tail);
            if (k1 > kmin + 1 && k2 <= kmax && k1 < k2) {
                clo = key_to_float(k1);
                chi = key_to_float(k2 - 1);
                uint64_t nb = 0;
                int64_t first = INT64_MAX; /* the least mismatching key, whatever the threads */
                /* this rank's share of each tail (all of it in one process) */
                size_t a1, b1, a2, b2;
                ua_dist_share((size_t)(k1 - kmin), &a1, &b1);
                ua_dist_share((size_t)(kmax - k2 + 1), &a2, &b2);
#pragma omp parallel for reduction(+ : nb) reduction(min : first) schedule(static)
                for (int64_t k = kmin + (int64_t)a1; k < kmin + (int64_t)b1; k++) /* +-Inf too */
                    if (!same(fn(key_to_float(k)), vlo)) nb++, first = k < first ? k : first;
#pragma omp parallel for reduction(+ : nb) reduction(min : first) schedule(static)
                for (int64_t k = k2 + (int64_t)a2; k < k2 + (int64_t)b2; k++)
                    if (!same(fn(key_to_float(k)), vhi)) nb++, first = k < first ? k : first;
                /* the job's: the sum of the counts, the least key (keys are below 2^32 in
                 * magnitude: exact as doubles) */
                unsigned long long sum = nb;
                double neg_first = first == INT64_MAX ? -0x1p40 : -(double)first;
                if (nranks > 1 && ((s = ua_dist_allreduce_sum_u64(&sum, 1)) ||
                                   (s = max_over_ranks(&neg_first)))) {
                    ua_target_free(t);
                    ua_compiled_free(so);
                    return ua_cli_fail("libm", s);
                }
                nb = sum;
                first = neg_first <= -0x1p40 ? INT64_MAX : (int64_t)-neg_first;
                tail_bad = nb;
                if (nb) {
                    tail_x = key_to_float(first);
                    tail_want = first < k1 ? vlo : vhi;
                }
                if (nb && !json)
                    fprintf(ua_cli_notes(), "uniapprox libm: saturated tail: %llu input%s differ%s from "
                            "the tail's value; the least, %a: got %a, correctly rounded %a\n",
                            (unsigned long long)nb, nb == 1 ? "" : "s", nb == 1 ? "s" : "",
                            (double)tail_x, (double)fn(tail_x),
                            (double)tail_want);
            }
        }
    }
    /* this rank's share of the floats, then the job's result on every rank */
    float sub_lo = clo, sub_hi = chi;
    int has_share = ua_exhaustive_share(clo, chi, &sub_lo, &sub_hi);
    memset(&r, 0, sizeof r);
    s = has_share ? ua_exhaustive_f32(fn, t, sub_lo, sub_hi, &opt, &r) : UA_OK;
    rc = s ? ua_cli_fail("libm", s) : UA_EXIT_OK; /* held back on a rank > 0 */
    if (any_rank_failed(s != UA_OK, &ds) || (s = ua_exhaustive_combine(&r, opt.top))) {
        /* a rank that failed said why; the others return (the job exits with its code) */
        ua_target_free(t);
        ua_compiled_free(so);
        if (!rc && (ds || s)) rc = ua_cli_fail("libm", ds ? ds : s);
        return rc;
    }
    uint64_t nspec = 0, nan_in_bad = 0;
    uint64_t spec_bad = check_specials(fn, t, lo, hi, &nspec, &nan_in_bad, json, &s);
    double secs = omp_get_wtime() - t0;
    if (s) {
        ua_target_free(t);
        ua_compiled_free(so);
        return ua_cli_fail("libm", s);
    }
    uint64_t special = r.n_nan_mismatch + r.n_inf_mismatch + spec_bad + nan_in_bad + tail_bad;
    r.n_not_cr += tail_bad;
    if (tail_bad) r.max_ulp = INFINITY; /* a saturated value missed: counted as the worst */
    if (json) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "function", f->libm_name);
        cJSON_AddStringToObject(o, "symbol", cname);
        cJSON_AddStringToObject(o, "reference", f->reference);
        cJSON_AddNumberToObject(o, "count", (double)count);
        if (isfinite(r.max_ulp)) cJSON_AddNumberToObject(o, "max_ulp", r.max_ulp);
        else cJSON_AddStringToObject(o, "max_ulp", "inf");
        if (r.ntop) cJSON_AddNumberToObject(o, "max_ulp_at", r.top[0].x);
        cJSON_AddNumberToObject(o, "not_correctly_rounded", (double)r.n_not_cr);
        cJSON_AddNumberToObject(o, "over_1ulp", (double)r.n_over_1ulp);
        cJSON_AddNumberToObject(o, "special_mismatches", (double)special);
        cJSON_AddNumberToObject(o, "nan_mismatch", (double)r.n_nan_mismatch);
        cJSON_AddNumberToObject(o, "inf_mismatch", (double)r.n_inf_mismatch);
        cJSON_AddNumberToObject(o, "special_inputs_checked", (double)nspec);
        cJSON_AddNumberToObject(o, "tail_mismatches", (double)tail_bad);
        if (tail_bad) {
            char hx[3][64];
            snprintf(hx[0], sizeof hx[0], "%a", (double)tail_x);
            snprintf(hx[1], sizeof hx[1], "%a", (double)fn(tail_x));
            snprintf(hx[2], sizeof hx[2], "%a", (double)tail_want);
            cJSON *p = cJSON_AddObjectToObject(o, "tail_first_mismatch");
            cJSON_AddStringToObject(p, "x", hx[0]);
            cJSON_AddStringToObject(p, "got", hx[1]);
            cJSON_AddStringToObject(p, "correctly_rounded", hx[2]);
        }
        cJSON_AddNumberToObject(o, "decided_by_mpfr", (double)r.n_mpfr);
        cJSON_AddNumberToObject(o, "threads", nthreads);
        cJSON_AddNumberToObject(o, "ranks", nranks);
        cJSON_AddNumberToObject(o, "seconds", secs);
        cJSON *w = cJSON_AddArrayToObject(o, "worst");
        for (size_t i = 0; i < r.ntop; i++) {
            cJSON *p = cJSON_CreateObject();
            char hex[64];
            snprintf(hex, sizeof hex, "%a", (double)r.top[i].x);
            cJSON_AddStringToObject(p, "x", hex);
            cJSON_AddNumberToObject(p, "err_ulp", r.top[i].err_ulp);
            cJSON_AddItemToArray(w, p);
        }
        ua_cli_print_json(o);
    } else {
        printf("function  %s (%s), reference %s\n", cname, f->libm_name, f->reference);
        printf("  floats checked        %llu%s\n", (unsigned long long)count,
               isinf(lo) && isinf(hi) ? " (all 2^32 bit patterns)" : "");
        if (r.ntop)
            printf("  max error             %.10g ULP at x = %a\n", r.max_ulp, (double)r.top[0].x);
        else
            printf("  max error             %.10g ULP\n", r.max_ulp);
        printf("  not correctly rounded %llu\n", (unsigned long long)r.n_not_cr);
        printf("  over 1 ULP            %llu\n", (unsigned long long)r.n_over_1ulp);
        printf("  special mismatches    %llu (NaN %llu, Inf %llu, special inputs %llu of %llu, "
               "NaN inputs %llu)\n",
               (unsigned long long)special, (unsigned long long)r.n_nan_mismatch,
               (unsigned long long)r.n_inf_mismatch, (unsigned long long)spec_bad,
               (unsigned long long)nspec, (unsigned long long)nan_in_bad);
        printf("  time                  %.1f s", secs);
        if (nranks > 1)
            printf(" on %d thread%s x %d ranks", nthreads, nthreads == 1 ? "" : "s", nranks);
        printf("\n");
    }
    ua_target_free(t);
    ua_compiled_free(so);
    rc = ua_cli_flush_stdout("libm");
    if (rc) return rc;
    if (!(r.max_ulp <= 1.0) || special)
        return ua_cli_error("libm", UA_EXIT_FAIL, "%s: max error %.6g ULP, %llu special "
                            "mismatches (goal: <= 1 ULP, none)", cname, r.max_ulp,
                            (unsigned long long)special);
    return UA_EXIT_OK;
}

int cmd_libm(int argc, char **argv)
{
    const char *output = NULL, *cname = NULL, *range = NULL, *threads = NULL, *accuracy = NULL,
               *wprec = NULL;
    int vector = 0, check = 0, list = 0, json = 0, fma = 0;
    const ua_opt opts[] = {
        { "output", 'o', 1, &output, NULL }, { "name", 0, 1, &cname, NULL },
        { "vector", 0, 0, NULL, &vector },   { "check", 0, 0, NULL, &check },
        { "range", 0, 1, &range, NULL },     { "threads", 0, 1, &threads, NULL },
        { "list", 0, 0, NULL, &list },       { "json", 0, 0, NULL, &json },
        { "accuracy", 0, 1, &accuracy, NULL }, { "working-precision", 0, 1, &wprec, NULL },
        { "fma", 0, 0, NULL, &fma },
    };
    char **pos = NULL;
    size_t npos = 0;
    int rc = ua_cli_parse("libm", argc, argv, opts, sizeof opts / sizeof opts[0], &pos, &npos);
    if (rc == -1) {
        free(pos);
        fputs(help, stdout);
        return ua_cli_flush_stdout("libm");
    }
    if (rc) {
        free(pos);
        return rc;
    }
    const char *name = npos ? pos[0] : NULL;
    size_t np = npos;
    free(pos);
    if (list) {
        if (np) return ua_cli_usage("libm", "--list takes no NAME");
        if (output || cname || vector || check || range || threads || accuracy || wprec || fma)
            return ua_cli_usage("libm", "--list takes no other option than --json");
        return list_funcs(json);
    }
    if (np != 1) return ua_cli_usage("libm", "expected one NAME (uniapprox libm --list)");
    const ua_libm_func *f = ua_libm_find(name);
    if (!f) return bad_name(name);
    if (!output) return ua_cli_usage("libm", "-o FILE.c is required");
    if (range && !check) return ua_cli_usage("libm", "--range needs --check");
    if (threads && !check) return ua_cli_usage("libm", "--threads needs --check");
    if (json && !check)
        return ua_cli_usage("libm", "--json needs --check or --list (it prints the check's "
                            "result or the list; writing the file prints nothing)");
    ua_libm_accuracy acc = UA_LIBM_CR;
    if (accuracy && strcmp(accuracy, "1ulp") == 0) acc = UA_LIBM_1ULP;
    else if (accuracy && strcmp(accuracy, "cr") != 0)
        return ua_cli_usage("libm", "--accuracy '%s': expected cr (correctly rounded) or 1ulp",
                            accuracy);
    ua_libm_precision wp = UA_LIBM_WP_DOUBLE;
    if (wprec && strcmp(wprec, "single") == 0) wp = UA_LIBM_WP_SINGLE;
    else if (wprec && strcmp(wprec, "double") != 0)
        return ua_cli_usage("libm", "--working-precision '%s': expected double or single", wprec);
    if (wp == UA_LIBM_WP_SINGLE && acc != UA_LIBM_1ULP)
        return ua_cli_usage("libm", "--working-precision single needs --accuracy 1ulp (the "
                            "correctly rounded code evaluates in double)");
    if (wp == UA_LIBM_WP_SINGLE && !ua_libm_has_single(f)) {
        char buf[256] = "";
        size_t len = 0;
        for (size_t i = 0; i < ua_libm_count() && len < sizeof buf - 16; i++)
            if (ua_libm_has_single(ua_libm_at(i)))
                len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%s", len ? " " : "",
                                        ua_libm_at(i)->libm_name);
        return ua_cli_usage("libm", "--working-precision single: %s has no float variant "
                            "(available: %s)", f->libm_name, buf);
    }
    ua_libm_options opt = { cname, vector, acc, wp, fma };
    if (fma && !ua_libm_has_fma(f, &opt)) {
        char where[512];
        return ua_cli_usage("libm", "--fma: %s has no fused multiply-add variant at --accuracy %s "
                            "--working-precision %s (--fma is accepted for: %s)", f->libm_name,
                            acc == UA_LIBM_1ULP ? "1ulp" : "cr",
                            wp == UA_LIBM_WP_SINGLE ? "single" : "double",
                            ua_libm_fma_where(where, sizeof where));
    }
    if (check && !strcmp(output, "-"))
        return ua_cli_usage("libm", "--check compiles the file: -o - (standard output) cannot be "
                            "checked; give a FILE.c");
    float lo = -INFINITY, hi = INFINITY;
    size_t nthreads = 0;
    if (check && (rc = parse_check_options(range, threads, &lo, &hi, &nthreads))) return rc;
    if (!(rc = ua_cli_check_writable("libm", "the C file", output)))
        rc = write_source(f, &opt, output);
    if (!check) return rc;
    /* under mpirun only rank 0 writes the user's file (the others a scratch copy): a failure
     * there is rank 0's alone, and the others must not go on into the check's collectives */
    ua_status ds;
    if (any_rank_failed(rc != 0, &ds)) return rc ? rc : ds ? ua_cli_fail("libm", ds) : 0;
    return run_check(f, cname ? cname : f->libm_name, output, lo, hi, nthreads, json, fma);
}
