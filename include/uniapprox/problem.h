/*
 * uniapprox/problem.h — what to approximate, whatever the family: a ua_problem.
 *
 * Five kinds (ua_problem_kind):
 *
 *   FORMULA    a target (an expression or a built-in, uniapprox/target.h) of d >= 1 variables on a
 *              box [lo_1, hi_1] x ... x [lo_d, hi_d]. Evaluated for fitting in double, or in
 *              MPFR rounded once to double where a probe finds the double formula inaccurate
 *              (ua_problem_set_sample_prec); its reference is MPFR (ua_target_eval_mpfr), so
 *              every error is measured against it.
 *   FUNCTION   the user's own C function on a box: `double f(double)` (d = 1) or
 *              `double f(const double *x)` (any d), from a C source compiled with the system
 *              compiler or from a shared object, called in a child process so that a crash, an
 *              abort or a hang in it is reported, never fatal. Its reference is itself, in double:
 *              every report says "reference: the function, double".
 *   SAMPLES    a table: inputs x (n, d) and outputs y (n, k), row-major, optionally a held-out
 *              test table of the same widths. No reference: learners report RMSE on the rows.
 *   SEQUENCES  sequence data for the seq family: inputs (N, len) integer tokens or (N, len, d)
 *              reals, targets (N, len) integer classes or (N, len, k) reals, stored as doubles;
 *              optionally a test set of the same layout.
 *   GRAPHS     a data set of graphs (uniapprox/graphs.h: node and edge features, a target per
 *              graph or per node), optionally a held-out test set of the same widths; for the
 *              graph family (docs/graph.md). No reference: learners report errors on the sets.
 *
 * A family says which kinds and dimensions it accepts (ua_family_info); a learner handed a
 * FORMULA or FUNCTION problem draws its own training points with ua_problem_sample.
 *
 * Thread-safety: a problem is immutable once built; ua_problem_eval and ua_problem_fn may be
 * called from several threads at once (a FUNCTION problem serialises the calls to its child).
 * Ownership: constructors copy their array and string arguments; the problem is released with
 * ua_problem_free (NULL is a no-op).
 */
#ifndef UNIAPPROX_PROBLEM_H
#define UNIAPPROX_PROBLEM_H

#include <stddef.h>
#include <stdint.h>
#include "uniapprox/status.h"
#include "uniapprox/target.h"
#include "uniapprox/data.h"
#include "uniapprox/graphs.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Kinds of problem. Append only; a family's accepted kinds are a mask of (1u << kind). */
typedef enum {
    UA_PROBLEM_FORMULA = 0,
    UA_PROBLEM_FUNCTION = 1,
    UA_PROBLEM_SAMPLES = 2,
    UA_PROBLEM_SEQUENCES = 3,
    UA_PROBLEM_GRAPHS = 4,
    UA_PROBLEM_PDE = 5
} ua_problem_kind;

#define UA_ACCEPTS(kind) (1u << (kind))

/* The most variables of a FORMULA or FUNCTION problem (a box). Samples have no such limit. */
#define UA_PROBLEM_MAX_DIM 64

/* A scalar function of d variables: x has shape (d,); ctx is passed through. */
typedef double (*ua_fnd)(const double *x, void *ctx);

typedef struct ua_problem ua_problem;

/*
 * A FORMULA problem: target t (the problem keeps its own parse of ua_target_spec(t) with the
 * same variable names, ua_target_var, so t may be freed afterwards) on the box lo (d,), hi (d,)
 * with d = ua_target_dim(t). Every lo[i] < hi[i], all finite.
 * Errors: UA_EINVAL (NULL arguments, a bound not finite or lo[i] >= hi[i] — the message names the
 * variable: "domain: variable y: a >= b (2 >= 1)" —, d > UA_PROBLEM_MAX_DIM), UA_ENOMEM.
 */
ua_status ua_problem_formula(const ua_target *t, const double *lo, const double *hi,
                             ua_problem **out);

/*
 * A FUNCTION problem from C code. source is "FILE.c:SYMBOL" (compiled with the system compiler
 * through ua_compile_c, uniapprox/exhaustive.h: $CC or cc, -std=c99 -O2 -ffp-contract=off
 * -shared -fPIC, plus cflags, a blank-separated list, may be NULL; "-lNAME" words go after the
 * source) or "FILE.so:SYMBOL" (dlopen'ed as it is; a name without '/' is taken in the current
 * directory). dim is the number of variables: dim == 1 takes the signature
 * `double SYMBOL(double)` unless vector is set, dim > 1 always `double SYMBOL(const double *x)`.
 * For a .c file the signature is checked when compiling (a generated file includes FILE.c and
 * takes SYMBOL's address into a pointer of that type, -Werror=incompatible-pointer-types), so
 * SYMBOL may also be static; a .so cannot be checked.
 *
 * The function runs in a child process forked from this one, fed in batches of points through a
 * socket pair (the calls of one problem are serialised by a mutex). The child has the default
 * action for every signal, no core files, stdin from /dev/null and stdout sent to stderr (so a
 * function that prints cannot corrupt the caller's output), and it is killed (SIGKILL) when the
 * thread that forked it dies (PR_SET_PDEATHSIG, Linux) and by ua_problem_free, which also reaps
 * it: no zombies. A call of the function that has not returned after timeout seconds (0: 60 s;
 * the clock restarts whenever a call returns) counts as a hang: the child is killed.
 * lo, hi: the box (dim,), as for ua_problem_formula.
 * Errors: UA_EINVAL (bad source syntax — "'f.c' is not FILE.c:SYMBOL or FILE.so:SYMBOL" —,
 * a file that cannot be read or loaded, "f.c:g: wrong signature: expected double g(double)" or
 * "... expected double g(const double *x)", a box error, dim 0 or > UA_PROBLEM_MAX_DIM, timeout
 * negative or NaN), UA_EPARSE ("f.c does not compile: <the compiler's first lines>"),
 * UA_ENOTFOUND ("f.c defines no function 'g'"), UA_EDOMAIN (a first call at the box's centre
 * crashes, exits, hangs — message as in ua_problem_eval — or returns NaN/Inf: "f.c:g is nan at
 * the centre of the box, x = 0.5"), UA_EIO (the compiler cannot be run, fork fails), UA_ENOMEM.
 * *out is NULL on failure. Cost: one or two runs of the compiler (about 0.1 s each).
 */
ua_status ua_problem_function(const char *source, size_t dim, int vector, const char *cflags,
                              const double *lo, const double *hi, double timeout,
                              ua_problem **out);

/*
 * A FUNCTION problem from a function pointer in this process (no child process, no crash
 * protection, no first call): for library users and tests. desc names it in reports (copied;
 * NULL: ""). The variables are named "x" (dim 1) or "x1" .. "xd". f must be thread-safe if
 * ua_problem_eval is called from several threads.
 * Errors: UA_EINVAL (f NULL, a box error as for ua_problem_formula), UA_ENOMEM.
 */
ua_status ua_problem_callback(ua_fnd f, void *ctx, size_t dim, const double *lo,
                              const double *hi, const char *desc, ua_problem **out);

/* A batch of a function of d variables: y (n,) at the points x (n, d), row-major; ctx is passed
 * through. Returns UA_OK, or any other status when the function failed (a NaN or infinite y is
 * no failure: the caller decides). */
typedef ua_status (*ua_fnd_batch)(void *ctx, const double *x, size_t n, double *y);

/*
 * A FUNCTION problem from a batch function in this process, as ua_problem_callback, but every
 * evaluation of the problem (ua_problem_eval: the measurement's batches of up to 16384 points,
 * a learner's training points, chebnd's and sparse's grids) is one call of f on the whole batch:
 * for callers whose per-call cost dominates (an interpreter such as Python with NumPy, a GPU).
 * The 1-D constructors (cheb, spline, minimax) still ask for one point at a time (n == 1).
 * A failing call (f returns other than UA_OK) fails ua_problem_eval with that status and the
 * message "DESC failed on a batch of N points (the first at x = ...)"; the caller keeps its own
 * reason (the Python exception) itself. No crash protection (no child process); f must be
 * thread-safe if ua_problem_eval is called from several threads (the library calls a FUNCTION
 * problem from the calling thread only).
 * Errors: UA_EINVAL (f NULL, a box error as for ua_problem_formula), UA_ENOMEM.
 */
ua_status ua_problem_callback_batch(ua_fnd_batch f, void *ctx, size_t dim, const double *lo,
                                    const double *hi, const char *desc, ua_problem **out);

/*
 * A SAMPLES problem: x (n, d), y (n, k), copied. Every value finite, n >= 1, d >= 1, k >= 1.
 * Errors: UA_EINVAL (the message names the first non-finite value's row and column), UA_ENOMEM.
 */
ua_status ua_problem_samples(const double *x, const double *y, size_t n, size_t d, size_t k,
                             ua_problem **out);

/*
 * A SEQUENCES problem: x of shape (N, len) (tokens: xd == 0, integer values >= 0) or (N, len, xd);
 * y of shape (N, len) (classes: yk == 0, integer values >= 0) or (N, len, yk). Copied.
 * Errors: UA_EINVAL (non-finite values, negative or fractional tokens/classes), UA_ENOMEM.
 */
ua_status ua_problem_sequences(const double *x, const double *y, size_t N, size_t len,
                               size_t xd, size_t yk, ua_problem **out);

/*
 * Adds (or replaces) a held-out test set of a SAMPLES problem (x (n, d), y (n, k) with the
 * problem's d and k) or a SEQUENCES problem (n sequences of the same len, xd, yk). Copied.
 * Errors: UA_EINVAL (wrong kind, widths that differ from the training set, non-finite values),
 * UA_ENOMEM.
 */
ua_status ua_problem_set_test(ua_problem *p, const double *x, const double *y, size_t n);

/* What ua_problem_read_samples reads. Strings are borrowed; NULL means "not given". */
typedef struct {
    const char *data;       /* a CSV / text / .npy file (for SEQUENCES: an .npy of inputs) */
    ua_format format;       /* of data and test_data; UA_FORMAT_AUTO: by extension (so
                               /dev/stdin needs a format) */
    const char *x_cols;     /* comma-separated names or 0-based indices (default: all but y) */
    const char *y_cols;     /* comma-separated (default: the last column) */
    const char *split_dir;  /* a UCI-style folder: data.txt, index_features.txt,
                               index_target.txt, index_train_K.txt, index_test_K.txt */
    size_t split;           /* K of the split (default 0) */
    const char *test_data;  /* a held-out file with the same columns (or an .npy of inputs);
                               not with split_dir */
    const char *targets;      /* SEQUENCES: the .npy of targets */
    const char *test_targets; /* SEQUENCES: the .npy of test targets */
    int sequences;          /* read SEQUENCES (--targets given) instead of a table */
    int ids_unbounded;      /* SEQUENCES read to measure an existing model (check): tokens and
                             * classes are not bounded by max(65536 / 4096, positions), the guard
                             * against one stray id sizing a model fitted on the file */
} ua_sample_source;

/*
 * Reads a SAMPLES (or, with src->sequences, SEQUENCES) problem from files (ua_dataset_read,
 * ua_read_indices, ua_npy_read of uniapprox/data.h).
 * Tables: with split_dir, split_dir/data.txt (or src->data), the columns of index_features.txt /
 * index_target.txt (or x_cols / y_cols), the training rows of index_train_K.txt and the test
 * rows of index_test_K.txt (K = src->split) as the test set; the two lists must hold distinct
 * rows (no index twice in a file, no test index among the training ones: UA_EFORMAT naming the
 * file, the index and its 1-based entries). Without it: every row of data;
 * test_data, when given, must have as many columns, with the same names where both files name
 * them (a headerless file's "0", "1", ... match anything), and the same columns are taken from
 * it. A column list is given by names or 0-based indices ("y,3"); each column at most once.
 * ua_problem_describe gives src->data, or split_dir when data.txt was implied.
 * Sequences: data (N, len) integer tokens or (N, len, d) values and targets (N, len) integer
 * classes or (N, len, k) values, as the seq family reads them; test_data and test_targets
 * likewise, of the same len, d and k (both or neither). A model infers its vocabulary (classes)
 * as the largest id + 1, so a token must be below max(65536, N len) and a class below
 * max(4096, N len) (UA_EINVAL naming the file, sequence and position); test ids below the same
 * bound with the training set's N len; no bound with ids_unbounded. Columns and split folders are refused.
 * Every message names the file (and line / column / element) at fault.
 * Errors: UA_EINVAL (no data, cannot open a file, an unknown column — "no column 'foo' in
 * data.csv (columns: a, b, c)" —, a column both input and target — "data.csv: column 'y' is both
 * an input and a target" —, no input columns left, a test file of other columns, split_dir with
 * test_data, a test set of sequences of another length or width), UA_EFORMAT (malformed file;
 * sequence shapes that do not match: "y.npy: targets of shape (3, 4) do not match the inputs'
 * (2, 3); ..."; a token or class that is not a non-negative integer: "x.npy: sequence 1,
 * position 2: 1.5 is not a non-negative integer token"), UA_EIO, UA_ENOMEM. *out is NULL on
 * failure.
 */
ua_status ua_problem_read_samples(const ua_sample_source *src, ua_problem **out);

/* Releases a problem (and stops a FUNCTION problem's child). NULL is a no-op. */
void ua_problem_free(ua_problem *p);

/* The kind; the number of inputs d (for SEQUENCES: xd, 0 for tokens; for GRAPHS the node feature
 * width node_dim); outputs k (1 for FORMULA and FUNCTION; for SEQUENCES yk, 0 for classes; for
 * GRAPHS the target width ny, 0 for classes). */
ua_problem_kind ua_problem_kind_of(const ua_problem *p);
size_t ua_problem_dim(const ua_problem *p);
size_t ua_problem_outputs(const ua_problem *p);

/* "formula", "function", "samples", "sequences", "graphs". */
const char *ua_problem_kind_name(ua_problem_kind k);

/* FORMULA and FUNCTION: the box, lo (d,) and hi (d,), owned by p. NULL for the other kinds. */
const double *ua_problem_lo(const ua_problem *p);
const double *ua_problem_hi(const ua_problem *p);

/* FORMULA: the target (owned by p); NULL for the other kinds. */
const ua_target *ua_problem_target(const ua_problem *p);

/* Variable names of a box problem (d strings owned by p: the target's, or "x" / "x1".."xd"). */
const char *ua_problem_var(const ua_problem *p, size_t i);

/* SAMPLES read from a table with a header (ua_problem_read_samples): the name of target column
 * j < k (owned by p), which ua_fit records as the model's "target_names" and ua_model_measure
 * compares; NULL otherwise (a headerless file, rows given as arrays, j out of range). */
const char *ua_problem_target_name(const ua_problem *p, size_t j);

/*
 * A one-line description (owned by p): the spec for FORMULA ("exp(-x^2-y^2)"), "FILE.c:SYMBOL"
 * for FUNCTION, the file for SAMPLES / SEQUENCES ("" for arrays).
 */
const char *ua_problem_describe(const ua_problem *p);

/* The reference a measurement of this problem uses: "MPFR" (FORMULA), "the function, double"
 * (FUNCTION), "none" (SAMPLES, SEQUENCES). Static storage. */
const char *ua_problem_reference(const ua_problem *p);

/*
 * FORMULA and FUNCTION: y[i] = f(x[i]) for n points x (n, d), in double.
 * A value that is NaN or infinite is returned as it is (the caller decides). For a FUNCTION
 * problem from C code a crash, an exit or a time-out of the child fails the call with UA_EDOMAIN
 * naming the function, what happened and the exact point whose call it was, to 17 digits:
 *     "f.c:g crashed (signal SIGSEGV, segmentation fault) at x = 0.75"
 *     "f.c:g exited (status 3) at (x1, x2) = (0.5, -1)"
 *     "f.c:g did not return within 60 s at x = 0.875"
 * y is then partly written; a new child is started by the next call.
 * Errors: UA_EINVAL (wrong kind, NULL arguments), UA_EDOMAIN, UA_EIO (fork fails). Thread-safe.
 */
ua_status ua_problem_eval(const ua_problem *p, const double *x, size_t n, double *y);

/* ------------------------------------------------------------------------------------------ */
/* How a FORMULA is sampled for fitting, and its removable singularities (docs/engine.md)      */

/* ua_problem_set_sample_prec: let a probe decide (the default of every FORMULA problem). */
#define UA_SAMPLE_PREC_AUTO 0
/* The largest MPFR precision ua_problem_set_sample_prec takes. */
#define UA_SAMPLE_PREC_MAX 4096

/*
 * How ua_problem_eval (and so ua_problem_sample and every family that samples the problem: cheb,
 * spline, the learners) evaluates a FORMULA:
 *   bits == 53   in double, operation by operation (fast; rounding errors of the formula stay);
 *   bits in [54, UA_SAMPLE_PREC_MAX]   in MPFR at bits bits (ua_target_eval_mpfr: every
 *                operation rounded at bits + 32) and rounded once to the nearest double, so a
 *                sample is within about half an ulp of the exact value wherever the MPFR
 *                reference is (erfc(x)*exp(x^2) at x = 10: 83 ulp in double, 0.5 in MPFR);
 *   UA_SAMPLE_PREC_AUTO   a probe decides (the default, run by ua_problem_formula): the formula
 *                in double and in MPFR at 113 bits at 64 points of the box (Chebyshev points of
 *                the first kind in 1-D, Sobol points 1..64 in d >= 2); when the double values are
 *                off by more than 4 ulps (|f_double - f_MPFR| / ulp(f); where f is exactly 0,
 *                in ulps of the probe's max|f|, or of 1) at some point, or are not
 *                finite where MPFR is, the problem samples in MPFR at 113 bits, else in double.
 *                A built-in target (nfw-sigma) is sampled in double. A probe point where MPFR is
 *                not finite is skipped.
 * ua_problem_sampling says which and why, e.g. "MPFR 113 bits (double evaluation off by 83 ulp
 * on the probe)" or "double (within 0.5 ulp of MPFR on the probe)".
 * Cost: the probe, 64 double and 64 MPFR evaluations (well under a millisecond for a short
 * formula); MPFR sampling, a few microseconds per point and operation (docs/engine.md).
 * Call before evaluating p, never concurrently with an evaluation.
 * Errors: UA_EINVAL (NULL, a problem other than FORMULA, bits outside {0} u [53, 4096]).
 */
ua_status ua_problem_set_sample_prec(ua_problem *p, long bits);

/* The precision a FORMULA is sampled at: 53 (double) or the MPFR bits. 53 for FUNCTION, 0 for
 * SAMPLES and SEQUENCES. */
long ua_problem_sample_prec(const ua_problem *p);

/* How p is sampled, and why, as one line (owned by p): "double (within 0.5 ulp of MPFR on the
 * probe)", "MPFR 113 bits (double evaluation off by 83 ulp on the probe)", "double
 * (--sample-prec 53)", "MPFR 200 bits (--sample-prec 200)"; "the function, double" (FUNCTION);
 * "none" (SAMPLES, SEQUENCES). */
const char *ua_problem_sampling(const ua_problem *p);

/*
 * Turns the filling of removable singularities of a FORMULA on (on != 0) or off. When on, a
 * point where the formula is NaN (0/0, 0*inf, inf-inf: x^2/sinh(x^2) at 0) gets the limit
 * there instead, as ua_problem_limit computes it, when that limit exists; everywhere else
 * nothing changes. Every evaluation of the problem's target uses it (ua_problem_target): the
 * double and MPFR sampling of the families and the MPFR reference of ua_model_measure, so the fit
 * and its verdict see the same values. A point whose limit is refused stays NaN (the fit then
 * fails as it would without the option, naming the point, with the reason). A point where only
 * the double formula is NaN (x^2/sinh(x^2) at 5e-324, where x^2 underflows) gets MPFR's value
 * there, and is not counted as filled. Limits are computed once per point and cached
 * (thread-safe). Off by default. Call before evaluating p.
 * Errors: UA_EINVAL (NULL, a problem other than FORMULA), UA_ENOMEM.
 */
ua_status ua_problem_set_fill_removable(ua_problem *p, int on);

/* Whether ua_problem_set_fill_removable is on. */
int ua_problem_fill_removable(const ua_problem *p);

/*
 * The limit of the FORMULA of p at the point x (d,), whatever the value there: f is evaluated in
 * MPFR at x + s 2^-k w (component-wise, w the box's widths) for k = 8, 20, ..., 116, on both
 * sides s = +-1 of x along the box's diagonal and, in d >= 2, along each axis too, at a
 * precision of at least 320 bits (x + h exact; the cancellation of 0/0 costs as many bits as h
 * is small). Accepted when every side converges (its last two values agree to 2^-60 relative to
 * the largest |value| at the first or last step: the size of f around x, so that a limit of 0
 * is not judged against its own O(h) neighbours) and all sides agree to 2^-60 of that at the
 * last step; then *limit is
 * their mean rounded to double and *agree the largest absolute difference between two sides at
 * the last step (for a single side, its last change). A side that leaves the box counts only
 * where it is finite; in d >= 2 a direction NaN on both sides (along a line of NaN) is skipped.
 * Refused (UA_EDOMAIN, *limit and *agree NaN) with the reason in the message: "no limit of
 * sign(x)*x/x at x = 0: the limits from the two sides differ (-1 and 1): a jump, not a
 * removable singularity"; "... |f| grows without bound towards the point ...: a pole"; "... the
 * formula is not finite on one side of the point, inside the box (at x - h)"; "... do not
 * settle ...". A built-in target is refused (it is evaluated at doubles only).
 * Cost: 20 (1-D) to 20 (2 d + 2) MPFR evaluations at 320+ bits (about a millisecond in 1-D).
 * Errors: UA_EINVAL (NULL, not FORMULA, x not finite), UA_EDOMAIN (no limit), UA_ENOMEM.
 */
ua_status ua_problem_limit(const ua_problem *p, const double *x, double *limit, double *agree);

/* The points filled so far (ua_problem_set_fill_removable): returns their number; when i is
 * below it, x (d,) (may be NULL), *value and *agree (may be NULL) get the i-th (in the order
 * they were met). */
size_t ua_problem_filled(const ua_problem *p, size_t i, double *x, double *value, double *agree);

/* The points filled so far as one line, malloc'd into *text (free it; "" when none): "filled
 * removable singularity at x = 1: limit 0.25 (both sides agree to 1.5e-36)", joined by "; ";
 * more than 4 points are summarised: "filled removable singularities at 57 points, the first at
 * (x, y) = (-1, 0): limit 1 (all sides agree to 0); limits in [1, 1], the sides agree to 0 or
 * better at every point".
 * Errors: UA_EINVAL (text NULL), UA_ENOMEM. */
ua_status ua_problem_fill_text(const ua_problem *p, char **text);

/*
 * Whether the NaN of a FORMULA at the point x (d,) is a removable singularity, as one line into
 * buf (len bytes; returns buf), for the message of a fit that met it (ua_problem_limit):
 *   "x^2/sinh(x^2) is NaN at x = 0, but has a limit there (1, the sides agree to 0): a removable
 *    singularity; --fill-removable fills it"
 *   "sign(x)*x/x is NaN at x = 0, and --fill-removable cannot fill it: the limits from the two
 *    sides differ (-1 and 1): a jump, not a removable singularity"   (the fill on, refused)
 * "" (nothing to add) when the value is not NaN, the problem is no FORMULA, or the fill is off
 * and there is no limit (log(x) at x = -1). Costs one limit (about a millisecond in 1-D).
 * Leaves no error recorded.
 */
char *ua_problem_nan_text(const ua_problem *p, const double *x, char *buf, size_t len);

/* ua_fnd adapter: ctx is a const ua_problem * (FORMULA or FUNCTION); NaN when the call fails. */
double ua_problem_fn(const double *x, void *ctx);

/* ua_fn1 adapter for 1-D problems: ctx is a const ua_problem * with d == 1. */
double ua_problem_fn1(double x, void *ctx);

/*
 * Training points for a learner on a FORMULA or FUNCTION problem: x (n, d) quasi-random in the
 * box (points 0 .. n-1 of a Sobol sequence, ua_qmc_sobol: Joe & Kuo's direction numbers,
 * scrambled by a random digital shift from seed, seed 0 none; mapped affinely to the box and
 * clamped into it), for d == 1 equispaced with both ends (lo + (hi - lo) i / (n - 1), the last
 * exactly hi; n == 1: the centre; seed unused), y (n,) = f(x) by ua_problem_eval. Every value
 * must be finite.
 * Errors: UA_EINVAL (wrong kind, n == 0), UA_EDOMAIN (f NaN or infinite at a point: "exp(1/x) is
 * inf at x = 0 (training point 50)"; or a crash as in ua_problem_eval), UA_ENOMEM.
 */
ua_status ua_problem_sample(const ua_problem *p, size_t n, uint64_t seed, double *x, double *y);

/*
 * SAMPLES: the training table x (n, d), y (n, k) and the test table (NULL and 0 when none),
 * owned by p. SEQUENCES: the same arrays in their (N, len, ...) layout, *n = N. Pointers may be
 * NULL when not wanted.
 */
void ua_problem_train(const ua_problem *p, const double **x, const double **y, size_t *n);
void ua_problem_test(const ua_problem *p, const double **x, const double **y, size_t *n);

/* FUNCTION problems from C code: the source "FILE.c:SYMBOL" as given, whether the 1-D signature is
 * the vector one, and the extra compiler flags (NULL when none); all owned by p. UA_EINVAL for
 * other kinds (and for ua_problem_callback problems, which have no source). */
ua_status ua_problem_function_source(const ua_problem *p, const char **source, int *vector,
                                     const char **cflags);

/* SEQUENCES: the sequence length (0 for other kinds). */
size_t ua_problem_seq_len(const ua_problem *p);

/*
 * A GRAPHS problem from a training set and an optional held-out test set (NULL: none), both
 * copied (deeply: the problem owns its sets). The sets are checked as ua_graphs_read checks a
 * file (ua_graphs_check, uniapprox/graphs.h): the training set must have targets, a test set the
 * same node_dim, edge_dim, level, ny and nclasses. ua_problem_describe gives "" (the CLI's reader
 * sets the file name through ua_problem_read_graphs).
 * Errors: UA_EINVAL (NULL train or out, a set without graphs or targets, a test set of other
 * widths, level or classes, an inconsistent set: the message names the graph, node or edge),
 * UA_ENOMEM. *out is NULL on failure.
 */
ua_status ua_problem_graphs(const ua_graphs *train, const ua_graphs *test, ua_problem **out);

/*
 * A GRAPHS problem read from files (ua_graphs_read): train (required) and test (NULL: none).
 * ua_problem_describe gives the training file's name. Errors: those of ua_graphs_read (UA_EIO,
 * UA_EFORMAT naming file, line and field, UA_EINVAL, UA_ENOMEM) and of ua_problem_graphs.
 */
ua_status ua_problem_read_graphs(const char *train, const char *test, ua_problem **out);

/* GRAPHS: the training set (test == 0) or the test set (test != 0), owned by p. NULL when p is
 * not a GRAPHS problem or has no test set. */
const ua_graphs *ua_problem_graphs_data(const ua_problem *p, int test);

/*
 * A PDE problem (the pde family, docs/pde.md; read from a problem file by ua_pde_problem_read,
 * uniapprox/pde.h): the unknown u on the box lo (d,), hi (d,) of the variables vars (d names:
 * space, then time), the equation and conditions in spec (an opaque object of the pde module,
 * owned by the problem from the call on, released with spec_free, also when this call fails),
 * and solution, the exact or reference solution in batches (ctx: spec), which ua_problem_eval
 * calls: so a model of u is measured against it like a FUNCTION problem (ua_model_measure).
 * desc names the problem file; reference says what solution is ("exact: sin(pi*x)*sin(2*pi*y)",
 * "reference: burgers (Cole-Hopf)"), both copied. Errors: UA_EINVAL (NULL solution or spec,
 * a box error as for ua_problem_formula), UA_ENOMEM; *out NULL on failure.
 */
ua_status ua_problem_pde(const char *const *vars, size_t d, const double *lo, const double *hi,
                         ua_fnd_batch solution, void *spec, void (*spec_free)(void *spec),
                         const char *desc, const char *reference, ua_problem **out);

/* PDE: the spec given to ua_problem_pde (owned by p); NULL for other kinds. */
const void *ua_problem_pde_spec(const ua_problem *p);

/* Parses a box "a:b" (every variable), "a:b,c:d,..." (one interval per variable, in order) or
 * "x=a:b,y=c:d" (by name, every variable once, any order) for the d variables vars (NULL: "x",
 * or "x1" .. "xd"), into lo (d,), hi (d,). A bound is a number ("-4", "1e-3") or a constant
 * expression ("-pi", "2*pi"); blanks around parts are ignored. The separator of an interval is
 * its first ':' after the first character. lo and hi are untouched on failure.
 * Errors: UA_EINVAL naming the bad part, every message starting with "--domain 'TEXT': ":
 * "variable y: a >= b (2 >= 1)" (an interval applied to every variable: "a >= b (2 >= 1)"),
 * "variable y: 'inf' is not a finite number", "variable y: '5' is not an interval a:b",
 * "unknown variable 'w' (variables: x, y)", "3 intervals for 2 variables",
 * "variable x is given twice", "variable y is not given", "'0:1' names no variable (give every
 * interval as name=a:b)"; "--domain is empty: give a:b"; d == 0 or > UA_PROBLEM_MAX_DIM. */
ua_status ua_box_parse(const char *s, const char *const *vars, size_t d, double *lo, double *hi);

#ifdef __cplusplus
}
#endif
#endif /* UNIAPPROX_PROBLEM_H */
