/*
 * src/emit/emit.h — the C emitter shared by every family's export (internal, not installed).
 *
 * One place writes what every exported file needs, so that the families' exports differ only in
 * their model's code:
 *   - exact constants: a double as a C99 hex float ("%a": glibc prints every bit, so the compiler
 *     reads back the same double); a float as the hex float of (float)v with the f suffix (exact
 *     in float). Infinities and NaN become INFINITY / NAN (<math.h>), never "inf", which is not C.
 *   - arrays and (rows, cols) tables of such constants;
 *   - polynomial evaluation as straight-line code: Horner and Estrin with a multiply-add that is
 *     fma() where the target has a fast one (FP_FAST_FMA / FP_FAST_FMAF) — the operations and the
 *     order of src/minimax/eval.c, so a library evaluating that way agrees bitwise — and
 *     Clenshaw's recurrence for a Chebyshev series (the operations of uniapprox/chebtech.h);
 *   - the entry point of ua_model_export_c's signature rule (uniapprox/model.h): `T name(T x)`,
 *     `T name(const T *x)` or `void name(const T *x, T *y)` around the family's
 *     `static void name_eval(const T *x, T *y)`;
 *   - the header comment (family, target or data, domain or box, reference, measured errors),
 *     safe inside a block comment whatever the model's strings hold.
 *
 * Every emitted identifier starts with the function's name (name_p, name_mac, name_eval), so two
 * exported files link together. Write errors are not reported per call: the caller checks
 * ferror(out) once at the end (all functions here only fprintf).
 */
#ifndef UA_EMIT_EMIT_H
#define UA_EMIT_EMIT_H

#include <stddef.h>
#include <stdio.h>
#include "uniapprox/model.h"

/* What every emitting call needs: the stream, the function's name (prefix of every identifier),
 * the scalar type. Made by ua_emit_begin; plain data, nothing to free. */
typedef struct {
    FILE *out;
    const char *name; /* the exported function's name */
    int fl;           /* 1: float export, 0: double */
    const char *T;    /* "float" or "double" */
    const char *f;    /* libm suffix of T: "f" or "" (expf, exp) */
} ua_emit;

/* The context for writing type's code for function name to out. */
ua_emit ua_emit_begin(FILE *out, ua_export_type type, const char *name);

/* Why name cannot name an exported function, as a phrase following the quoted name ("is a C
 * keyword ...", "would clash with <string.h>"), or NULL when it can (src/emit/names.c): name must
 * be a C identifier that is not a keyword (C11, C23, asm), not main, not reserved at file scope
 * (a leading _), and not declared or reserved by the headers exported files include — <math.h>
 * (every export; its functions also with the suffix f or l), <stdlib.h> and <string.h> (seq) —
 * as C11 and glibc in GCC's default mode declare them, the str / mem / wcs + lowercase names and
 * the _t suffix included. The same check for every family. Static string. */
const char *ua_emit_name_problem(const char *name);

/* The start of every family's export_c: checks the arguments (state, name and out not NULL, type
 * double or float) and fills *e. Errors: UA_EINVAL, the message starting with who ("cheb
 * export: NULL argument"). */
ua_status ua_emit_start(ua_emit *e, const char *who, const void *state, ua_export_type type,
                        const char *name, FILE *out);

/* ---- constants and arrays (src/emit/const.c) ----------------------------------------------- */

/* v as a double constant that reads back bitwise ("0x1.921fb54442d18p+1"). */
void ua_emit_double(FILE *out, double v);

/* v rounded to float, as a float constant that reads back bitwise ("0x1.921fb6p+1f"). A finite v
 * beyond the float range is written as +-FLT_MAX (the largest float), not as an infinity: the
 * exports use it for reciprocal widths, whose overflow must not turn 0 * Inf into NaN. */
void ua_emit_float(FILE *out, double v);

/* v in the context's type (ua_emit_float or ua_emit_double). */
void ua_emit_const(const ua_emit *e, double v);

/* `static const T name_suffix[n] = {...};` from v (n,), n >= 1, four values a line. */
void ua_emit_array(const ua_emit *e, const char *suffix, const double *v, size_t n);

/* The same with element type float whatever the export type (float parameters of a learner:
 * exact in float, and promoted exactly where the code computes in double). */
void ua_emit_array_f32(const ua_emit *e, const char *suffix, const float *v, size_t n);

/* The same with element type double whatever the export type (a standardisation the code applies
 * in double also in a float export). */
void ua_emit_array_f64(const ua_emit *e, const char *suffix, const double *v, size_t n);

/* `static const T name_suffix[rows][cols] = {{...}, ...};` from v (rows, cols) row-major. */
void ua_emit_table(const ua_emit *e, const char *suffix, const double *v, size_t rows,
                   size_t cols);

/* ---- polynomials (src/emit/poly.c) --------------------------------------------------------- */

/* `static inline T name_mac(T a, T b, T c)`: a * b + c, as fma(a, b, c) where the target defines
 * FP_FAST_FMA (FP_FAST_FMAF for float). Emit once before ua_emit_horner / ua_emit_estrin. */
void ua_emit_mac(const ua_emit *e);

/* Statements leaving sum_{k<n} c[k] t^k (n >= 1) in a new variable `T res`, by Horner:
 * res = c[n-1]; res = mac(res, t, c[k]) for k = n-2 .. 0. coef is a C expression indexable by
 * [k] ("name_p", "m"), t an expression of type T; indent is the leading blank space. */
void ua_emit_horner(const ua_emit *e, const char *indent, const char *coef, size_t n,
                    const char *t, const char *res);

/*
 * The same sum by Estrin's scheme: level by level, v_i = mac(v_{2i+1}, p, v_{2i}) with
 * p = t, t^2, t^4, ... (p squared between levels), an odd element left over moving up unchanged;
 * depth ceil(log2 n) instead of n - 1, so the multiply-adds of one call overlap. n < 3 is Horner
 * (the same operations). Temporaries are named res_<level>_<i> and res_t<level>.
 */
void ua_emit_estrin(const ua_emit *e, const char *indent, const char *coef, size_t n,
                    const char *t, const char *res);

/*
 * Statements leaving sum_{k<n} c[k] T_k(s) in a new variable `T res` by Clenshaw's recurrence
 * (b_k = c[k] + 2s b_{k+1} - b_{k+2}; res = c[0] + s b_1 - b_2), the operations and order of
 * ua_cheb_clenshaw (uniapprox/chebtech.h), so the double code agrees with the library bitwise.
 * top is a C expression for n - 1 (a number or "n - 1"); s an expression of type T.
 */
void ua_emit_clenshaw(const ua_emit *e, const char *indent, const char *coef, const char *top,
                      const char *s, const char *res);

/* ---- the entry point (src/emit/entry.c) ---------------------------------------------------- */

/* The public signature for din inputs and dout outputs (uniapprox/model.h), without the ';':
 * "double name(double x)", "double name(const double *x)", "void name(const double *x,
 * double *y)". Into buf (at most len bytes, truncated). */
void ua_emit_signature(char *buf, size_t len, ua_export_type type, const char *name, size_t din,
                       size_t dout);

/* Starts the family's evaluation `static void name_eval(const T *x, T *y)\n{\n`: x (din,), y
 * (dout,); the family writes the body and the closing brace, then calls ua_emit_entry. */
void ua_emit_eval_begin(const ua_emit *e);

/* Writes the public function of ua_emit_signature, calling name_eval. */
void ua_emit_entry(const ua_emit *e, size_t din, size_t dout);

/* ---- the header comment (src/emit/header.c) ------------------------------------------------ */

/* Writes s inside a block comment: control characters become spaces, "*" "/" and "/" "*" are
 * broken up; at most max bytes of s, then "...". */
void ua_emit_comment_text(FILE *out, const char *s, size_t max);

/* Looks a metadata key up (NULL when absent); ctx is passed back. */
typedef const char *(*ua_emit_meta_fn)(const void *ctx, const char *key);

/* What the header comment says. Strings may be NULL (left out). */
typedef struct {
    const char *family;
    const char *target;     /* the spec ("" or NULL: none) */
    const char *data;       /* the data file of a learner of samples, or NULL */
    size_t din, dout;
    /* the domain or box: d intervals lo[i], hi[i] (d 0: none); names, when not NULL, d variable
     * names, else "x" (d = 1) or "x1".."xd" */
    size_t d;
    const double *lo, *hi;
    const char *const *vars;
    int sequences;          /* a sequence model: `void name(const T *x, T *y)` whatever the
                               dims (x one sequence, y its outputs; docs/export.md) */
    ua_emit_meta_fn meta;   /* the model's metadata */
    const void *meta_ctx;
} ua_emit_header;

/*
 * Writes the opening of an exported file's comment: the signature, the generator, the family,
 * the target or data, the domain or box and the reference. The caller may then add family lines
 * (" *   key: value", e.g. from its describe) and finishes with ua_emit_header_end.
 */
void ua_emit_header_begin(FILE *out, ua_export_type type, const char *name,
                          const ua_emit_header *h);

/*
 * Writes the measured errors from the metadata (docs/export.md): for formula / function models
 * max_abs_err (at max_abs_err_x), max_rel_err, max_rel_scale_err with scale, rms_err, max_ulp64,
 * max_ulp32 and check_points (d > 1: "sampled maximum over N points, not a bound"); for learners
 * of samples train_rmse, test_rmse and loo_rmse in the target's units; "measured error: not
 * recorded" only when none of these keys is present. With UA_EXPORT_FLOAT the errors are
 * labelled as the double model's, and the float function as not measured (it was not: its
 * constants and arithmetic are rounded to float), unless the metadata compute_type is float32
 * (the model computes in float: the float function is the model, and the errors are labelled
 * as its own). Then the usage lines, the end of the comment and `#include <math.h>`.
 */
void ua_emit_header_end(FILE *out, ua_export_type type, const char *name, const ua_emit_header *h);

#endif /* UA_EMIT_EMIT_H */
