/* src/libm/internal.h — the generators of `uniapprox libm` (one file per function family). */
#ifndef UA_LIBM_INTERNAL_H
#define UA_LIBM_INTERNAL_H

#include <stdint.h>
#include "uniapprox/libm.h"

/* Defined in their files; each has one line in registry.c's sorted table. */
extern const ua_libm_func ua_libm_exp10f, ua_libm_exp2f, ua_libm_expf, ua_libm_expm1f;
extern const ua_libm_func ua_libm_log10f, ua_libm_log1pf, ua_libm_log2f, ua_libm_logf;

/* ---- shared helpers (src/libm/common.c); used by every generator ---- */

/* The most coefficients ua_libm_fit_core returns (degree + 1). */
#define UA_LIBM_MAX_COEFFS 16

/*
 * The core polynomial of a generated function: the minimax polynomial (uniapprox/minimax.h,
 * Remez exchange) of degree `degree` in plain monomials of x, best in RELATIVE error, with
 * coefficients rounded to double and re-optimised (Brisebarre-Chevillard, as Sollya's
 * fpminimax), of the target expression expr on [a, b]. expr must not vanish on [a, b]; a
 * quotient such as "expm1(x)/x" (whose 0/0 at x = 0 the exchange never samples exactly) is the
 * usual form, the generated code then evaluating x * q(x). c (degree + 1,) receives c_0..c_n
 * of q(x) = sum c_k x^k; *rel_err, when not NULL, the relative error of the stored double
 * coefficients evaluated in double (ua_minimax_info.measured_error, re-measured against MPFR on
 * the solver's grid: a sampled maximum, not a bound).
 * Errors: UA_EINVAL (degree outside 0..UA_LIBM_MAX_COEFFS-1), the fit's errors (a parse error,
 * UA_EDOMAIN, UA_ENOTRESOLVED when the exchange did not converge), with its message.
 */
ua_status ua_libm_fit_core(const char *expr, double a, double b, int degree, double *c,
                           double *rel_err);

/* The start of every generator: *cname = ua_libm_c_name(f, opt), checked. UA_EINVAL
 * for a NULL out, a C name that is not an identifier, opt->working_precision single where it
 * does not apply (not UA_LIBM_1ULP, or ua_libm_has_single(f) == 0; the message names the
 * functions that have it) or out of range, or opt->fma where ua_libm_has_fma(f, opt) is 0 (the
 * message: ua_libm_fma_where). A generator that writes fused code gets a row in common.c's
 * fma_rows (the query's table) and reads opt->fma. */
ua_status ua_libm_begin(const ua_libm_func *f, FILE *out, const ua_libm_options *opt,
                        const char **cname);

/* Writes the body of a vector kernel (src/libm/common.c, ua_libm_emit_entry_points): statements
 * that read `VF x` (V_W floats) and define `VF res`, the scalar lane function's operations lane
 * by lane in the generic vector names (VD, VF, VI, VUI, VL, VU: V_W doubles, floats, int32,
 * uint32, int64, uint64; V_SPLAT, V_GATHER32 / V_GATHER64 (table, index vector), V_SELD / V_SELF
 * / V_SELI (mask, a, b), V_MAXF / V_MINF (a, b): a > b ? a : b, a < b ? a : b on VF, b where
 * either is NaN, V_F2D(a): VF to VD (one vcvtps2pd; GCC's __builtin_convertvector
 * splits it for 4 lanes), V_I2D(a): VI to VD (vcvtdq2pd), V_(ua_vrnd2)(hi, lo), V_(ua_vtwo_sum)(a, b, &e)); ctx is the
 * generator's own. Called once per width. */
typedef void (*ua_libm_vbody)(FILE *out, const void *ctx);

/* The end of the exp/log generators: the entry points (ua_libm_emit_entry_points, with the
 * vector body vbody and its ctx), then UA_EIO when out has had a write error, else UA_OK. */
ua_status ua_libm_end(const ua_libm_func *f, FILE *out, const char *cname,
                      const ua_libm_options *opt, ua_libm_vbody vbody, const void *ctx);

/* Writes the comment above a core: "q(r) ~ expr on [a, b], degree n, double coefficients,
 * relative error err measured by the minimax fit (sampled)". */
void ua_libm_emit_core_note(FILE *out, const char *expr, double a, double b, int degree,
                            double err);

/* The longest C name accepted (C99 5.2.4.1: 63 significant initial characters in an internal
 * identifier; an external one, such as the function's, is guaranteed only 31, and GCC and Clang
 * take any length). */
#define UA_LIBM_NAME_MAX 63

/* Why s cannot name the generated function, as a phrase following the name ("is a C keyword
 * ..."), or NULL when it can: s must be a C identifier ([A-Za-z_][A-Za-z0-9_]*) of at most
 * UA_LIBM_NAME_MAX characters, not a keyword, main, a name the file's headers declare or that
 * C99 7.26.8 / 7.26.11 and POSIX (_t) reserve to them, a name starting with _ (reserved at file
 * scope, C99 7.1.3), a name GCC treats as returns-twice or no-return (setjmp, vfork, ...), nor one
 * of the helpers, tables and macros every vector file has (ua_f2u, UA_VT, ...). Static string.
 * The complete check against the generated text is ua_libm_emit_named's. */
const char *ua_libm_c_name_problem(const char *s);

/* What every generator's emit (ua_libm_func.emit) is: gen, the generator proper, writes the file
 * with a placeholder for the C name into memory; the name (ua_libm_c_name(f, opt)) is then
 * refused, UA_EINVAL with the reason, when it is an identifier that text uses (any variable,
 * parameter, helper, table, type or macro, the names ## makes included) or when a name the file
 * defines from it (NAME_lane, NAME_v, NAME_k4, ...) is one, or not a valid name; else the text
 * is written to out with the name in place. Checked first: ua_libm_begin(f, out, opt). gen's
 * errors as they are; UA_ENOMEM; UA_EIO for a write error on out (nothing is written on any
 * other error). */
ua_status ua_libm_emit_named(const ua_libm_func *f, FILE *out, const ua_libm_options *opt,
                             ua_status (*gen)(const ua_libm_func *, FILE *,
                                              const ua_libm_options *));

/* ua_libm_c_name_problem(s) == NULL: 1 or 0. */
int ua_libm_valid_c_name(const char *s);

/* The C name a generator writes: opt->name, else f->libm_name. */
const char *ua_libm_c_name(const ua_libm_func *f, const ua_libm_options *opt);

/* Writes the head of a generated file: a comment naming the function, its reduction and core
 * (f->summary) and that it was generated by uniapprox, and the #includes every generator
 * uses (stddef.h, stdint.h, string.h), the bit-cast helpers ua_f2u / ua_u2f / ua_d2u /
 * ua_u2d (static inline, memcpy), ua_two_sum(a, b, &e) (TwoSum: s + e = a + b exactly), and
 * ua_rnd2(a, b): the float nearest to the exact sum a + b
 * of two finite doubles, rounded once (TwoSum, then round-to-odd, then to float). */
void ua_libm_emit_head(FILE *out, const ua_libm_func *f, const char *cname);
/* As ua_libm_emit_head, the head saying "Arithmetic in ARITH" ("double", "float"):
 * ua_libm_emit_head is this with "double". */
void ua_libm_emit_head_arith(FILE *out, const ua_libm_func *f, const char *cname,
                             const char *arith);

/* The includes every generated file starts with, and a guard: under -ffast-math / -Ofast (GCC
 * and Clang define __FAST_MATH__), GCC's -fassociative-math (__ASSOCIATIVE_MATH__) or
 * -ffinite-math-only (__FINITE_MATH_ONLY__ 1) the compiler may fold away the files' exact
 * rounding steps (the 1.5 2^52 shift, TwoSum, round-to-odd) and their NaN / Inf tests: measured,
 * expf wrong by 180,716 ULP and sinf(4) = -1. The file then refuses to compile, saying why.
 * Clang defines no macro for -fassociative-math (or -funsafe-math-optimizations): there the
 * file asks for precise semantics itself (#pragma float_control(precise, on), Clang 11 and later;
 * checked: clang 14 with those flags gives the bits of gcc -O2 -ffp-contract=off). */
#define UA_LIBM_INCLUDES                                                                            \
    "#include <stddef.h>\n#include <stdint.h>\n#include <string.h>\n\n"                          \
    "#if defined(__FAST_MATH__) || defined(__ASSOCIATIVE_MATH__) || \\\n"                           \
    "    (defined(__FINITE_MATH_ONLY__) && __FINITE_MATH_ONLY__)\n"                                  \
    "#error \"a uniapprox libm file: compile it without -ffast-math, -Ofast, -fassociative-math " \
    "and -ffinite-math-only (e.g. -fno-fast-math -ffp-contract=off for this file): its exact "     \
    "rounding steps and special inputs need IEEE arithmetic as written\"\n"                        \
    "#endif\n"                                                                                      \
    "#if defined(__clang__) && __clang_major__ >= (defined(__apple_build_version__) ? 13 : 11)\n"   \
    "#pragma float_control(precise, on) /* Clang: no macro tells -funsafe-math-optimizations */\n" \
    "#endif\n"                                                                                      \
    "#if defined(__cplusplus) && defined(__GNUC__) && !defined(__clang__)\n"                        \
    "/* g++: GCC's AVX-512 intrinsics start from an undefined vector, of which C++ warns\n"          \
    " * (-Wmaybe-uninitialized); the warning is the header's, popped at the end of the file */\n"   \
    "#pragma GCC diagnostic push\n"                                                                 \
    "#pragma GCC diagnostic ignored \"-Wmaybe-uninitialized\"\n"                                    \
    "#endif\n\n"

/* Writes the macro UA_FMAF(a, b, c) of the --fma files: fmaf (GCC / Clang: __builtin_fmaf; else
 * the C99 function, declared without math.h so that no other name of math.h is declared). */
void ua_libm_emit_fmaf(FILE *out);

/* Writes the macro UA_FMA(a, b, c) of the double-arithmetic --fma files (sinf, cosf, tanhf): fma
 * (GCC / Clang: __builtin_fma, one instruction where the compiler targets FMA; else the C99
 * function, declared without math.h), under #ifndef UA_FMA so that files may be concatenated. */
void ua_libm_emit_fma(FILE *out);

/* Writes c[0] + v (c[1] + v (... + v c[n-1])) (n >= 1) with every step fused: F(v, F(v, ...,
 * c[1]), c[0]), F the name of the fused multiply-add (UA_FMA in the scalar code, the kernels'
 * vfmadd macro), each product and sum rounded once; with splat the constants as V_SPLAT(c). */
void ua_libm_emit_horner_fma(FILE *out, const char *var, const double *c, size_t n, const char *F,
                             int splat);

/* Writes `static const double NAME[n] = { ... };` with each value in C99 hexadecimal
 * (exact), four per line. */
void ua_libm_emit_table(FILE *out, const char *name, const double *v, size_t n);

/* Writes the Horner evaluation `double VAR = c_n; VAR = VAR * X + c_{n-1}; ...` of the
 * polynomial c (n + 1 coefficients) in the double expression X (a variable name), one
 * statement per line, each indented by four spaces, constants in hexadecimal. */
void ua_libm_emit_horner(FILE *out, const char *var, const char *x, const double *c, int n);

/* As ua_libm_emit_horner, in vectors: `VD VAR = V_SPLAT(c_n); VAR = VAR * X + c_{n-1}; ...`. */
void ua_libm_emit_vhorner(FILE *out, const char *var, const char *x, const double *c, int n);

/*
 * Writes the scalar function `float CNAME(float x) { return CNAME_lane(x); }` (the lane
 * function `static inline float CNAME_lane(float x)`, the scalar code, must already be written:
 * every generator writes its scalar code so) and, with
 * opt->vector, `void CNAME_v(const float *x, float *y, size_t n)`: explicit GCC vector code,
 * the kernel body written by vbody(out, ctx) for 4 doubles per vector (target AVX2+FMA) and 8
 * (AVX-512F) (with opt->working_precision UA_LIBM_WP_SINGLE: ua_libm_emit_vector_f32's float
 * kernels), two vectors per loop step, the tail through a zero-padded block; the scalar loop
 * as the baseline; the variant chosen once at run time by __builtin_cpu_supports. With
 * -ffp-contract=off (as ua_compile_c compiles) the kernels perform the scalar function's
 * operations and return its bits. On other compilers than GCC/Clang on x86 the vector
 * function is the plain loop. The vector code (the scalar loop, and any kernel body that falls
 * back to the scalar code, as sinf's for Payne-Hanek) calls the static CNAME_lane, never CNAME:
 * in a shared library CNAME may be interposed (libm's sinf bound in its place). Last, the end
 * of the file: the pop of UA_LIBM_INCLUDES's diagnostic push (g++ only), so every file must end
 * with this call.
 */
void ua_libm_emit_entry_points(FILE *out, const char *cname, const ua_libm_options *opt,
                               ua_libm_vbody vbody, const void *ctx);
/* The vector part of ua_libm_emit_entry_points alone: CNAME_v, its kernels (vbody per width), the
 * run-time choice, and the loop of CNAME_lane (already written) as the baseline and on other
 * compilers. */
void ua_libm_emit_vector(FILE *out, const char *cname, ua_libm_vbody vbody, const void *ctx);

/* The vector part for a float-arithmetic lane function (opt->working_precision
 * UA_LIBM_WP_SINGLE; ua_libm_emit_entry_points calls it then): CNAME_v with kernels of 8 floats
 * per vector (target AVX2+FMA) and 16 (AVX-512F), vbody writing statements that read `VF x`
 * (V_W floats) and define `VF res`, in the generic names VF, VI, VUI (V_W floats, int32,
 * uint32), V_MAXF / V_MINF (a, b): a > b ? a : b, a < b ? a : b, b where either is NaN,
 * V_PERM8(t, i): t[i] lane by lane for a table t of 8 floats and i in 0..7 (one vpermps),
 * V_PERM16(t, i): the same for 16 floats and i in 0..15 (AVX2: two vpermps and a blend),
 * V_SELF / V_SELI (mask, a, b): m ? a : b lane by lane on VF / VUI, V_FMA(a, b, c): a b + c
 * rounded once lane by lane (vfmadd, the scalar's fmaf);
 * two vectors per loop step, the tail through a zero-padded block, the run-time choice and the
 * scalar loop of CNAME_lane as the baseline and on other compilers. */
void ua_libm_emit_vector_f32(FILE *out, const char *cname, ua_libm_vbody vbody, const void *ctx);

/* log_b(v) (base 0: natural) = *hi + *lo: *hi rounded to hi_bits (<= 53) bits, *lo the rest
 * rounded to double (MPFR, 200 bits). */
void ua_libm_log_split(double v, double base, int hi_bits, double *hi, double *lo);
/* 2^(num/den) = *hi + *lo: *hi its correctly rounded double, *lo the rest rounded to double. */
void ua_libm_exp2_split(long num, long den, double *hi, double *lo);
extern const ua_libm_func ua_libm_sinf, ua_libm_cosf; /* sincos.c */
extern const ua_libm_func ua_libm_tanhf;              /* tanh.c */
extern const ua_libm_func ua_libm_erff;               /* erf.c */

/* ---- the cores of the sin/cos, tanh and erf generators (trig_fit.c) ---- */
#define UA_LIBM_TRIG_MAXC 24
/* A polynomial sum c[i] t^monos[i], t = (x - shift) * scale (shift 0, scale 1: t = x), with
 * double coefficients; error: its max error measured by the minimax family (double evaluation;
 * absolute or relative as fitted). */
typedef struct {
    size_t n;
    double c[UA_LIBM_TRIG_MAXC];
    double shift, scale;
    double error;
} ua_libm_trig_poly;
/* Fits the minimax polynomial of expr (in x) on [a, b] over the exponents monos (increasing;
 * 0..n-1 on an interval away from 0 gets the unit variable), relative or absolute error, double
 * coefficients. UA_ENOTRESOLVED with a message when the measured error exceeds tol. */
ua_status ua_libm_trig_fit(const char *expr, double a, double b, const int *monos, size_t nmono,
                           int relative, double tol, ua_libm_trig_poly *out);
/* Writes c[0..n-1] as C99 hexadecimal double literals separated by ", " (exact). */
void ua_libm_trig_print_coeffs(FILE *out, const double *c, size_t n);
/* Writes the Horner expression c[0] + var * (c[1] + ... + var * c[n-1]) (n >= 1). */
void ua_libm_trig_horner(FILE *out, const char *var, const double *c, size_t n);
/* The least-degree polynomial of expr on [a, b] over the exponents start, start + step, ...:
 * ua_libm_trig_fit with nmin, nmin + 1, ... nmax terms until one meets tol (relative error
 * when rel). The last UA_ENOTRESOLVED when none does; other errors at once. */
ua_status ua_libm_trig_fit_least(const char *expr, double a, double b, int start, int step,
                                 size_t nmin, size_t nmax, int rel, double tol,
                                 ua_libm_trig_poly *p);
/* Writes the start of an odd function's scalar code `static inline float NAME_lane(float x)`
 * (tanhf, erff: f(-x) = -f(x), |f| rounding to 1 at and above the float sat, whose bits are
 * satb; ua_libm_emit_entry_points then writes NAME) computed on |x| in double: the signature, NaN
 * -> NaN, |x| >= sat -> +-1, and, for |x| < small, the opening of "return (float)(s * (ax * "
 * that the caller completes with its odd polynomial in z = ax^2. fname names f in a comment. */
void ua_libm_emit_odd_head(FILE *out, const char *name, const char *fname, uint32_t satb,
                           float sat, double small);
/* The vector form of ua_libm_emit_odd_head, for a kernel body: from `VF x`, defines VUI ub (|x|'s
 * bits), VD s (+-1, x's sign), VD ax (|x|), VD z = ax^2. */
void ua_libm_emit_odd_vhead(FILE *out);
/* The end of an odd function's kernel body: VF res = (float)(s * (ax < small ? lo : hi)) (lo,
 * hi: the VD expressions of the two ranges), then +-1 where |x| >= sat (bits satb) and x + x
 * for NaN, as the scalar function. */
void ua_libm_emit_odd_vtail(FILE *out, const char *lo, const char *hi, double small,
                            uint32_t satb);
/* The least float x in [lo, hi] with RN(f(x)) >= 1 (f increasing, RN(f(hi)) >= 1), f an MPFR
 * function (mpfr_tanh, mpfr_erf) rounded correctly to 24 bits: where tanhf / erff saturate. */
#include <mpfr.h>
float ua_libm_trig_saturation(int (*f)(mpfr_ptr, mpfr_srcptr, mpfr_rnd_t), float lo, float hi);

#endif
