/*
 * uniapprox/exhaustive.h — exhaustive float32 verification: every float of an interval, against
 * the correctly rounded reference; and compiling a C kernel to call it.
 *
 * A float32 kernel float k(float) is exact at x when k(x) is the correctly rounded value
 * RN(f(x)) of the target f (round to nearest, ties to even, with float's subnormals and its
 * overflow to +-Inf). Its error at x is measured in float32 ULPs of the exact value,
 *     err(x) = |k(x) - f(x)| / ulp32(f(x)),
 *     ulp32(y) = 2^(max(e, -126) - 23) for |y| in [2^e, 2^(e+1)),
 * the definition of ua_ulp32 in uniapprox/verify.h (ulp32(0) = 2^-149), formed from the reference
 * value f(x) itself, not from its rounding RN(f(x)): a correctly rounded kernel has err <= 0.5.
 * Where RN(f(x)) overflows to +-Inf, a kernel returning that infinity has err 0 (it is correctly
 * rounded); a non-finite output where the reference is finite has err +Inf. The accuracy of err
 * is that of the reference value: about 2^-16 ULP in the worst case of the fast path below
 * (in practice 2^-28), far better through MPFR.
 *
 * Deciding RN(f(x)) (the strategy of Ziv, "Fast evaluation of elementary mathematical functions
 * with correctly rounded last bit", ACM TOMS 17(3), 1991, and of CORE-MATH's exhaustive checks):
 * compute an approximation y of f(x) with a known error bound; if no rounding boundary of float
 * (the midpoint between two consecutive floats) lies within the bound of y, RN(f(x)) = RN(y).
 *   - fast path: for a curated set of targets, y is the double value computed by glibc's libm,
 *     trusted to a relative error of 2^-40 (4096 double ULPs; glibc documents at most a few ULPs
 *     for these functions). The curated targets are exactly one of these functions applied to
 *     the variable x: exp expm1 log log1p log2 log10 sqrt cbrt sin cos tan asin acos atan sinh
 *     cosh tanh asinh acosh atanh erf erfc abs, or 2^x / pow(2, x) (exp2), e^x / pow(e, x)
 *     (exp) and 10^x / pow(10, x) (glibc's exp10: 2 ULP in glibc's own list, 2.95 * 2^-53
 *     relative at most where measured against MPFR; src/verify/exhaustive.c says how).
 *     tgamma, lgamma and the Bessel functions are not curated (their double versions lose
 *     relative accuracy near zeros and poles), nor is any composite expression.
 *   - otherwise, and whenever the double value is within the bound of a midpoint: the MPFR
 *     reference (ua_target_eval_mpfr) at 64 bits, then 128, 256, ... 4096 bits until the
 *     rounding is decided, each result trusted to 16 units in its last place. Targets outside the
 *     curated set therefore go entirely through MPFR: correct, but about 100 times slower.
 *     A value that is still undecided at 4096 bits (the exact value is a midpoint, as x^2 can
 *     be, or the formula cancels catastrophically) is rounded from the 4096-bit value and
 *     counted in n_undecided.
 * The trust in the MPFR evaluator's error is that of ua_target_eval_mpfr (each operation carries
 * 32 guard bits; formulas that cancel lose accuracy): not a proof for arbitrary expressions.
 */
#ifndef UNIAPPROX_EXHAUSTIVE_H
#define UNIAPPROX_EXHAUSTIVE_H

#include <stddef.h>
#include <stdint.h>
#include "uniapprox/status.h"
#include "uniapprox/target.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A float32 kernel: one float in, one float out. Called from several threads at once. */
typedef float (*ua_f32_fn)(float x);

/* The most worst inputs an exhaustive check keeps. */
#define UA_EXHAUSTIVE_MAX_TOP 64

/* Options of ua_exhaustive_f32. Start from ua_exhaustive_options_default. */
typedef struct {
    int threads;     /* OpenMP threads; 0 = the OpenMP default */
    size_t top;      /* how many worst inputs to keep, 0 .. UA_EXHAUSTIVE_MAX_TOP (default 10) */
    int force_mpfr;  /* 1: skip the double fast path, decide every point with MPFR (slow; the
                        independent path the tests compare against). Default 0. */
} ua_exhaustive_options;

/* One checked input: x, the kernel's output y, the reference f(x) rounded to double, its
 * correctly rounded float, and err (ULPs of the reference, as defined above). */
typedef struct {
    float x;
    float y;
    double ref;
    float ref_rn;
    double err_ulp;
} ua_exhaustive_point;

/*
 * The result of an exhaustive check. Counts are over the floats of [lo, hi]; the worst inputs
 * are ordered by err_ulp, largest first, ties by increasing x (with -0 before +0), so the whole
 * result is the same for any number of threads.
 */
typedef struct {
    uint64_t count;          /* floats checked */
    uint64_t n_not_cr;       /* outputs that differ from RN(f(x)) (bitwise: -0 != +0; any NaN
                                matches any NaN) */
    uint64_t n_over_1ulp;    /* outputs with err_ulp > 1 */
    uint64_t n_nan_mismatch; /* exactly one of k(x), RN(f(x)) is NaN */
    uint64_t n_inf_mismatch; /* RN(f(x)) is +-Inf and k(x) is not that infinity, or k(x) is
                                +-Inf and RN(f(x)) is not */
    uint64_t n_mpfr;         /* points decided by MPFR (all of them with force_mpfr) */
    uint64_t n_undecided;    /* points still undecided at 4096 bits (see above) */
    double max_ulp;          /* max err_ulp over points whose reference is not NaN (+Inf when
                                the kernel is not finite where f is, or the reference exceeds
                                the double range); 0 when every reference is NaN */
    int fast_path;           /* 1 when the target is in the curated set and force_mpfr is 0 */
    size_t ntop;             /* entries of top */
    ua_exhaustive_point top[UA_EXHAUSTIVE_MAX_TOP]; /* the worst inputs (only err_ulp > 0 ones) */
} ua_exhaustive_result;

/* Fills *opt with the defaults listed in ua_exhaustive_options. */
void ua_exhaustive_options_default(ua_exhaustive_options *opt);

/*
 * Checks fn at every float x in [lo, hi], both ends included, against the correctly rounded
 * float of ref (a 1-D target), as described at the top of this header. The floats are taken in
 * the order of their values with -0 just below +0: [-1, 1] and [-0, 1] hold both zeros,
 * [+0, 1] only +0. lo and hi may be +-Inf (the infinities are then checked too).
 * Errors: UA_EINVAL (NULL fn/ref/out, lo or hi NaN, lo > hi, ref->dim != 1, threads < 0,
 * top > UA_EXHAUSTIVE_MAX_TOP), UA_ENOMEM. On failure *out is zeroed.
 * Cost: about 10-40 ns per float on the fast path (dominated by the libm call and the kernel),
 * 1-5 us per float through MPFR; OpenMP over fixed blocks of 2^16 floats; fn and ref are called
 * from several threads at once unless threads == 1. The float32 range [-87.3, 88.7] holds about
 * 2.24e9 floats; [0, 1] about 1.07e9.
 */
ua_status ua_exhaustive_f32(ua_f32_fn fn, const ua_target *ref, float lo, float hi,
                            const ua_exhaustive_options *opt, ua_exhaustive_result *out);

/*
 * Jobs of several ranks (mpirun, uniapprox/dist.h): each rank checks its share of [lo, hi] with
 * ua_exhaustive_f32, then ua_exhaustive_combine makes every rank's result the whole interval's.
 *
 * ua_exhaustive_share: the floats of [lo, hi] (in the order above) split into contiguous blocks
 * by ua_dist_share; sets [*sub_lo, *sub_hi] to this rank's block and returns 1, or returns 0 when
 * the block is empty (more ranks than floats; also for NaN bounds or lo > hi). With one rank the
 * block is [lo, hi] itself.
 *
 * ua_exhaustive_combine: collective (every rank calls it, each with its own result; a rank with
 * an empty share passes a zeroed result). Counts are summed, max_ulp is the largest, the worst
 * inputs are merged under the total order of the result (larger error, then smaller x) and the
 * first top kept (top as in the options, <= UA_EXHAUSTIVE_MAX_TOP), fast_path is that of the
 * ranks that checked something: the same result, bit for bit, as one process checking all of
 * [lo, hi], on every rank. A no-op in a job of one rank. Errors: UA_EINVAL (NULL r, top too
 * large), an MPI failure (UA_EIO; a dead rank ends the job instead).
 */
int ua_exhaustive_share(float lo, float hi, float *sub_lo, float *sub_hi);
ua_status ua_exhaustive_combine(ua_exhaustive_result *r, size_t top);

/* Whether ref is in the curated set of the fast path (see the top of this header): 1 or 0. */
int ua_exhaustive_fast_target(const ua_target *ref);

/*
 * The correctly rounded float32 value of ref at x, decided as described at the top of this
 * header (fast path when ref is curated, else MPFR with increasing precision). *exact, when not
 * NULL, receives the reference rounded to double. Thread-safe. Errors: UA_EINVAL (NULL ref or
 * out, ref->dim != 1).
 */
ua_status ua_exhaustive_ref_f32(const ua_target *ref, float x, float *out, double *exact);

/* The number of floats with value in [lo, hi] (-0 below +0, as above); 0 when lo > hi or either
 * is NaN. At most 2^32 - 2^24 + 2 (every float but the NaNs). */
uint64_t ua_f32_count(float lo, float hi);

/* ------------------------------------------------------------------------------------------ */
/* compiling a C kernel                                                                       */

/* A shared object compiled from C source and loaded with dlopen. */
typedef struct ua_compiled ua_compiled;

/*
 * Compiles the C file at source_path into a shared object with the system compiler and loads it:
 *     $CC -std=c99 -O2 -ffp-contract=off -fPIC -shared [options...] -o TMP/k.so -x c source
 *         -x none [-l...] -lm
 * (the source compiled as C whatever its name ends in; a name starting with '-' is passed as
 * ./name) where $CC is cc (or the compiler named by the environment variable CC, which may hold several
 * words such as "ccache gcc"). extra_args (NULL-terminated, may be NULL) are passed as they are,
 * those starting with "-l" after the source (where the linker looks for libraries), the others
 * before it (e.g. "-mfma", "-march=native", "-lsleef"). No shell is involved. The object lives
 * in a private temporary directory (mkdtemp under $TMPDIR or /tmp) that is removed once it is
 * loaded. -ffp-contract=off
 * keeps the compiler from fusing a*b+c into an FMA, so the kernel computes what its source says.
 * Errors: UA_EINVAL (NULL argument, cannot read source_path), UA_EIO (temporary directory, the
 * compiler cannot be run or fails: the message holds the start of its diagnostics; dlopen
 * fails), UA_ENOMEM. On failure *out is NULL. The caller frees with ua_compiled_free.
 * Not thread-safe with respect to CC changing in the environment.
 */
ua_status ua_compile_c(const char *source_path, const char *const *extra_args, ua_compiled **out);

/*
 * Removes the temporary directory of a ua_compile_c in progress (the object, the compiler's log,
 * the directory), if any; a no-op otherwise. Async-signal-safe (unlink and rmdir on fixed
 * buffers): a program calls it from its SIGINT / SIGTERM handler so that an interrupted
 * compilation leaves nothing behind. The library installs no handler itself.
 */
void ua_compile_remove_temps(void);

/* The address of symbol name in the compiled object (dlsym). Errors: UA_EINVAL (NULL argument),
 * UA_ENOTFOUND (no such symbol). The address is valid until ua_compiled_free. */
ua_status ua_compiled_symbol(const ua_compiled *c, const char *name, void **addr);

/* Unloads the object (dlclose). ua_compiled_free(NULL) is a no-op. */
void ua_compiled_free(ua_compiled *c);

#ifdef __cplusplus
}
#endif
#endif /* UNIAPPROX_EXHAUSTIVE_H */
