/*
 * uniapprox/model.h — the generic model and its file format.
 *
 * A ua_model is a fitted approximator of any family (the registry lists them: uniapprox list)
 * together with what it approximates (the target spec and domain) and string metadata (fit
 * options, measured errors). The CLI and the generic code never look inside a family: they go
 * through the family's vtable (src/model/family.h).
 *
 * File format (docs/model-file.md): safetensors — an 8-byte little-endian header length N, N bytes of
 * JSON mapping each tensor name to {"dtype", "shape", "data_offsets": [begin, end]} (offsets
 * relative to the byte after the header), an optional "__metadata__" object of string values, then
 * the raw little-endian tensor bytes. uniapprox writes __metadata__ keys "format" = "uniapprox",
 * "format_version" = "1", "family", "target", "domain" = "a:b", and the family's and the
 * caller's keys (options, measured errors).
 */
#ifndef UNIAPPROX_MODEL_H
#define UNIAPPROX_MODEL_H

#include <stddef.h>
#include <stdint.h>
#include "uniapprox/status.h"
#include "uniapprox/data.h" /* ua_scaler */
#include "uniapprox/options.h"
#include "uniapprox/problem.h"
#include "uniapprox/verify.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------------------------ */
/* safetensors container                                                                      */

/* Tensor element types, named as in safetensors ("F64", "F32", "I64", "I32", "U8"). Append only. */
typedef enum { UA_F64 = 0, UA_F32 = 1, UA_I64 = 2, UA_I32 = 3, UA_U8 = 4 } ua_dtype;

/* Size in bytes of one element of dtype d. */
size_t ua_dtype_size(ua_dtype d);

/* A set of named tensors plus string metadata, as held in one safetensors file. */
typedef struct ua_st ua_st;

/* Creates an empty set. Errors: UA_ENOMEM. Free with ua_st_free. */
ua_status ua_st_alloc(ua_st **out);

/* Releases a set and every tensor and string it holds. ua_st_free(NULL) is a no-op. */
void ua_st_free(ua_st *st);

/*
 * Adds a tensor (copies name, shape and data). shape has ndim entries (ndim <= 8; ndim 0 is a
 * scalar); data holds prod(shape) elements of dtype in host order. Errors: UA_EINVAL (duplicate
 * or empty name, name "__metadata__", negative dimension, ndim > 8), UA_ENOMEM.
 */
ua_status ua_st_add(ua_st *st, const char *name, ua_dtype dtype, size_t ndim,
                    const int64_t *shape, const void *data);

/*
 * Looks a tensor up by name. On success *dtype, *ndim, *shape (owned by st, ndim entries) and
 * *data (owned by st, host order, aligned for the dtype) are set; any out-pointer may be NULL.
 * Errors: UA_ENOTFOUND.
 */
ua_status ua_st_get(const ua_st *st, const char *name, ua_dtype *dtype, size_t *ndim,
                    const int64_t **shape, const void **data);

/* Number of tensors, and the name of tensor i (i < count; owned by st). */
size_t ua_st_count(const ua_st *st);
const char *ua_st_name(const ua_st *st, size_t i);

/*
 * For family loaders (the file is untrusted): tensor name as F64 of ndim (1 or 2) non-empty
 * dimensions (rows,) or (rows, cols), every entry finite. *rows and *cols (ndim 2) of 0 on entry
 * mean "any"; otherwise the shape must match. On success they are set and *data points into st.
 * who names the model in messages ("kernel model: tensor 'weights' ..."). Errors: UA_EFORMAT.
 */
ua_status ua_st_get_f64(const ua_st *st, const char *who, const char *name, size_t ndim,
                        size_t *rows, size_t *cols, const double **data);

/*
 * For family loaders: metadata key as a number (the whole string, strtod syntax), finite unless
 * nan_ok allows "nan". who names the model in messages. Errors: UA_EFORMAT (missing, not a number).
 */
ua_status ua_st_meta_number(const ua_st *st, const char *who, const char *key, int nan_ok,
                            double *value);

/* Sets metadata key to value (copies both; replaces an existing key). Errors: UA_EINVAL (empty
 * key), UA_ENOMEM. */
ua_status ua_st_set_meta(ua_st *st, const char *key, const char *value);

/* Removes metadata key (its key and value are freed; the order of the other entries is kept).
 * Returns 1 when the key was there, 0 when absent (or st or key NULL). Never fails. */
int ua_st_del_meta(ua_st *st, const char *key);

/* The metadata value of key, or NULL when absent (owned by st). */
const char *ua_st_meta(const ua_st *st, const char *key);

/* Number of metadata entries and entry i (i < count; strings owned by st). */
size_t ua_st_meta_count(const ua_st *st);
void ua_st_meta_at(const ua_st *st, size_t i, const char **key, const char **value);

/*
 * Serialises the set to path: written to "path.tmp.XXXXXX" in the same directory, flushed, then
 * renamed over path, so a crash never leaves a half-written file and an existing file is
 * replaced only by a complete one. Header entries are in name order (after "__metadata__"), padded
 * with spaces to a multiple of 8 bytes; the data section is contiguous (no gaps, as the reference
 * safetensors reader requires), 8-byte elements first, then 4-byte, then 1-byte, each group in name
 * order, so every tensor's offset is aligned for its dtype. Data is written little-endian on any
 * host. Errors: UA_EIO (message names the file and the system error), UA_ENOMEM.
 */
ua_status ua_st_write(const ua_st *st, const char *path);

/*
 * Parses a safetensors image held in memory (buf, len bytes). The image is untrusted: the header
 * length, the JSON, every dtype, shape (non-negative, product without overflow), data_offsets
 * (in range, begin <= end, end - begin == prod(shape) * dtype size, no overlaps) and metadata value
 * (strings only) are validated. Errors: UA_EFORMAT (message says what is wrong), UA_ENOMEM.
 */
ua_status ua_st_parse(const void *buf, size_t len, ua_st **out);

/*
 * Reads and parses the file at path (see ua_st_parse). Files larger than 1 GiB are refused
 * (UA_EFORMAT). Errors: UA_EINVAL (cannot open: the message names the file), UA_EIO, UA_EFORMAT,
 * UA_ENOMEM.
 */
ua_status ua_st_read(const char *path, ua_st **out);

/*
 * Stores the standardisation of a learner (uniapprox/data.h) as two tensors "<prefix>mean" and
 * "<prefix>scale", F64 of shape (d,), e.g. prefix "x_" and "y_". Copies. Errors: UA_EINVAL
 * (duplicate names, prefix longer than 64), UA_ENOMEM.
 */
ua_status ua_scaler_save(const ua_scaler *sc, const char *prefix, ua_st *st);

/*
 * Reads a scaler stored by ua_scaler_save, validating it as untrusted input: both tensors present,
 * F64, 1-D of the same length, equal to d when d > 0, finite, scale > 0. *sc owns new arrays
 * (ua_scaler_free). Errors: UA_EFORMAT (message names the tensor and the problem), UA_ENOMEM.
 */
ua_status ua_scaler_load(const ua_st *st, const char *prefix, size_t d, ua_scaler *sc);

/* ------------------------------------------------------------------------------------------ */
/* generic model                                                                              */

typedef struct ua_model ua_model;

/* Scalar type of exported code. */
typedef enum { UA_EXPORT_DOUBLE = 0, UA_EXPORT_FLOAT = 1 } ua_export_type;

/*
 * Wraps a fitted family state into a model, taking ownership of state (it is released with the
 * family's free, also when this call fails). family is a registered family name ("cheb"), target
 * the spec it approximates (copied; may be NULL), [lo, hi] its domain: a finite interval, or
 * lo = -INFINITY and hi = INFINITY for a model without one (n-D models, models of samples).
 * Errors: UA_ENOTFOUND (unknown family), UA_EINVAL (a bad domain), UA_ENOMEM.
 */
ua_status ua_model_wrap(const char *family, void *state, const char *target, double lo,
                        double hi, ua_model **out);

/* Releases a model and its state. ua_model_free(NULL) is a no-op. */
void ua_model_free(ua_model *m);

/* Family name, target spec ("" if none), domain. Strings owned by m. */
const char *ua_model_family(const ua_model *m);
const char *ua_model_target(const ua_model *m);
void ua_model_domain(const ua_model *m, double *lo, double *hi);

/* The family's state, for family-specific APIs (e.g. a const ua_cheb * for "cheb"). */
const void *ua_model_state(const ua_model *m);

/* Metadata stored with the model (fit options, measured errors): set (copies), get (NULL if
 * absent), enumerate. Keys "format", "format_version", "family", "target" and "domain" are
 * reserved and refused (UA_EINVAL). */
ua_status ua_model_set_meta(ua_model *m, const char *key, const char *value);
const char *ua_model_meta(const ua_model *m, const char *key);
/* Removes metadata key if present (UA_OK whether or not it was there): e.g. the "warning" of an
 * earlier measurement that a new measurement does not repeat. Errors: UA_EINVAL (m or key NULL
 * or empty, a reserved key as above). */
ua_status ua_model_del_meta(ua_model *m, const char *key);
size_t ua_model_meta_count(const ua_model *m);
void ua_model_meta_at(const ua_model *m, size_t i, const char **key, const char **value);

/* The number of inputs din and outputs dout of the model (1 and 1 for the 1-D families). */
void ua_model_dims(const ua_model *m, size_t *din, size_t *dout);

/*
 * Predictions y (n, dout) at the points x (n, din), row-major (see ua_model_dims). For 1-D
 * models with a finite domain, points outside it give NaN. Errors: UA_EINVAL (NULL arrays with
 * n > 0), or the family's. Thread-safe.
 */
ua_status ua_model_predict(const ua_model *m, const double *x, size_t n, double *y);

/*
 * The partial derivatives g (n, din) of a model's single output at the points x (n, din),
 * row-major, in units of y per unit of x_i: analytic (the family differentiates its own
 * representation, e.g. chebnd's factor series; src/model/gradient.c), NaN outside a box model's
 * box. Errors: UA_EINVAL (NULL arrays with n > 0, a model of several outputs, or "the <family>
 * family has no analytic gradient"), UA_ENOMEM. Thread-safe.
 */
ua_status ua_model_gradient(const ua_model *m, const double *x, size_t n, double *g);

/* Saves to path in the safetensors format above (atomic: temporary file, then rename).
 * Errors: UA_EIO, UA_ENOMEM. */
ua_status ua_model_save(const ua_model *m, const char *path);

/*
 * Loads a model saved by ua_model_save. The file is untrusted: besides ua_st_read's checks,
 * "format" must be "uniapprox", "format_version" one this build reads, "family" registered, and
 * the family validates its own tensors (shapes, finiteness, consistency with the domain).
 * Errors: UA_EINVAL (cannot open), UA_EIO, UA_EFORMAT, UA_ENOTFOUND (unknown family), UA_ENOMEM.
 */
ua_status ua_model_load(const char *path, ua_model **out);

/*
 * Writes a standalone C99 translation unit that evaluates the model with no dependency but
 * <math.h>. The signature follows the model's dimensions (ua_model_dims):
 *   1 input, 1 output:   `double name(double x)` (or `float name(float x)`)
 *   d inputs, 1 output:  `double name(const double *x)`, x of shape (d,)
 *   d inputs, k outputs: `void name(const double *x, double *y)`, x (d,), y (k,)
 * (float throughout with UA_EXPORT_FLOAT; a classifier's output is its class). Sequence models keep
 * `void name(const T *x, T *y)`: x one sequence, (n,) tokens or (n, d) inputs, y (n,) classes or
 * (n, k) values (docs/export.md). Every other identifier of the file starts with name ("name_c",
 * "name_eval"), so several exports link together. Constants are exact (hex floats). A comment
 * at its top gives the family, the target or data, the domain or box (with the variable names of
 * metadata "vars"), lengths or pieces, the reference and the measured errors from the model's
 * metadata (keys in docs/export.md; d > 1: "sampled maximum over N points, not a bound";
 * "measured error: not recorded" only when none is present).
 * Written atomically to path (temporary file + rename); path "-" writes to stdout. name NULL means
 * "ua_approx". Errors: UA_EINVAL (name not a C identifier, a keyword, reserved (a leading _), or declared or
 * reserved by <math.h>, <stdlib.h> or <string.h>: the check of docs/export.md, the same for every
 * family), UA_EIO,
 * UA_EUNSUPPORTED (a family without export), UA_ENOMEM.
 */
ua_status ua_model_export_c(const ua_model *m, ua_export_type type, const char *name,
                            const char *path);


/* ------------------------------------------------------------------------------------------ */
/* the engine: families, fit, measurement, verdict                                            */

/* What a family is and accepts (from its vtable; static storage). */
typedef struct {
    const char *name;                  /* "cheb" */
    const char *summary;               /* one line */
    const char *doc;                   /* its documentation page, "docs/cheb.md" */
    unsigned accepts;                  /* mask of UA_ACCEPTS(kind) */
    size_t min_dim, max_dim;           /* inputs accepted (max_dim 0: any) */
    const ua_option_spec *options;     /* the option table */
    size_t noptions;
    int out_of_core;                   /* 1: trains on block sources (ua_fit_blocks) */
} ua_family_info;

/* Number of registered families; the i-th (sorted by name) into *info. UA_ENOTFOUND past the
 * end. */
size_t ua_family_count(void);
ua_status ua_family_info_at(size_t i, ua_family_info *info);

/* The family called name into *info. Errors: UA_ENOTFOUND (the message lists the families). */
ua_status ua_family_info_get(const char *name, ua_family_info *info);

/*
 * Whether family name accepts problem p (its kind and dimension). UA_OK, or UA_EUNSUPPORTED with a
 * message saying what the family takes and naming a family that accepts p ("cheb fits 1-D
 * formulas and functions; for 3-D formulas use mlp, kernel or rf"), or UA_ENOTFOUND.
 */
ua_status ua_family_accepts(const char *name, const ua_problem *p);

/*
 * The family to fit problem p with when the caller names none ("auto"), into *name (static
 * storage), and why, into *why: one line such as "auto: a formula in 2 variables; low-rank
 * Chebyshev for d <= 3" (thread-local storage, valid until this thread's next call; why may be
 * NULL). The rule, in order (docs/engine.md, "Choosing the family"):
 *   1. a family that claims p through its vtable's auto_priority: the highest claim;
 *   2. a formula or a function of d > 1 inputs: among the constructors that take it (families
 *      that accept formulas or functions and not samples, so that they choose their own points),
 *      the one with the narrowest dimension range, the smallest max_dim (none counts as
 *      infinite), ties to the first by name;
 *   3. otherwise the first family by name that accepts p.
 * Errors: UA_EINVAL (p or name NULL), UA_EUNSUPPORTED (no family accepts p).
 */
ua_status ua_family_choose(const ua_problem *p, const char **name, const char **why);

/* A new set of option values for family name (ua_options_free). Errors: UA_ENOTFOUND,
 * UA_ENOMEM. */
ua_status ua_family_options(const char *name, ua_options **out);

/* Progress of a long fit or measurement (both optional): called from the calling thread. */
typedef struct {
    /* training: epoch e of E with losses (val NaN when none), seconds so far */
    void (*epoch)(void *ctx, size_t epoch, size_t epochs, double train_loss, double val_loss,
                  double lr, double seconds, int improved);
    /* anything else: done of total units of work, what is being done */
    void (*work)(void *ctx, double done, double total, const char *what);
    void *ctx;
} ua_fit_hooks;

/*
 * Fits problem p with family name and options opt (NULL: the defaults; a set made by
 * ua_family_options for this family). On UA_OK or UA_ENOTRESOLVED *out is the model (the best
 * one found): its metadata holds the family, the target / function / data, the box, every option
 * (as set or default), the fit time "fit_seconds", what the constructor measured on its own
 * (e.g. "estimated_err", "train_rmse", "test_rmse") and the tolerance it was asked for
 * ("tol_abs", "tol_scale", "tol_rel": the verdict's terms, see ua_verify_box_options).
 * UA_ENOTRESOLVED means the constructor itself did not meet the tolerance; UA_OK only that it
 * believes it did — the verdict is ua_model_measure's.
 * family NULL or "auto": the family of ua_family_choose (opt NULL, or a set made for that family),
 * and its why recorded as metadata "family_choice".
 * Errors: UA_ENOTFOUND (family), UA_EUNSUPPORTED (ua_family_accepts), UA_EINVAL (options that
 * exclude each other, bad data), UA_EDOMAIN (the target is NaN/Inf or the function crashed),
 * UA_EDIVERGED, UA_ENOMEM; *out NULL.
 */
ua_status ua_fit(const ua_problem *p, const char *family, const ua_options *opt,
                 const ua_fit_hooks *hooks, ua_model **out);

/* Options of ua_model_measure. Start from ua_measure_options_default. */
typedef struct {
    size_t check_points;   /* 1-D grid points, or for d >= 2 the total budget (default 100000) */
    size_t max_points;     /* the cap on check_points (default 10000000); the model's natural
                              points, the corners and face centres come on top of it */
    long prec;             /* MPFR bits of a formula's reference (default 128) */
    int threads;           /* 0: the OpenMP default */
    void (*progress)(void *ctx, size_t done, size_t total);
    void *progress_ctx;
} ua_measure_options;

/* Fills *o with the defaults listed in ua_measure_options (no progress callback). */
void ua_measure_options_default(ua_measure_options *o);

/* The measurement of a model and the verdict. */
typedef struct {
    int has_errors;        /* a FORMULA or FUNCTION problem: err is set */
    ua_box_errors err;     /* against the reference (ua_problem_reference) */
    double train_rmse;     /* SAMPLES / SEQUENCES: on the training rows (target units), NaN else */
    double test_rmse;      /* on the test rows, NaN when none */
    int has_tol;           /* the model records a tolerance */
    double tol_abs, tol_scale, tol_rel;
    int resolved;          /* has_tol: the measured error meets it at every point (tol_ratio <= 1);
                              no tolerance: 1 (nothing was asked) */
} ua_measurement;

/*
 * Measures model m on problem p — FORMULA (MPFR) or FUNCTION (double): ua_verify_box over the
 * problem's box with the model's natural points added; SAMPLES / SEQUENCES: RMSE (or accuracy)
 * on the training and test rows — and gives the verdict against the tolerance recorded in m.
 * Stores the results in m's metadata (keys in docs/model-file.md). Free with
 * ua_measurement_free.
 * Errors: UA_EINVAL (a problem of another dimension than m; SAMPLES whose column names differ
 * from the model's, see ua_model_check_columns; a tolerance term tol_abs, tol_scale or tol_rel
 * in m's metadata that is not a finite number >= 0, naming the key), UA_EDOMAIN (the reference is NaN or infinite at
 * some points: refused, as a fit refuses such a target), the point cap, UA_ENOMEM.
 */
ua_status ua_model_measure(ua_model *m, const ua_problem *p, const ua_measure_options *o,
                           ua_measurement *out);

/*
 * Whether the rows of SAMPLES problem p are the model's columns: its input and target names
 * (ua_problem_var, ua_problem_target_name, from the file's header) against the metadata
 * "input_names" and "target_names" that ua_fit recorded from the training file's header.
 * UA_OK when they agree, when either side has no names (a headerless file, rows given as arrays,
 * a model file written before "target_names" existed) or p is not SAMPLES. Errors: UA_EINVAL
 * naming the first column that differs ("cls.csv: target column 1 is 'label', the model was
 * fitted on 'y' in train.csv ..."), as fit refuses a --test-data file of other columns.
 */
ua_status ua_model_check_columns(const ua_model *m, const ua_problem *p);

/* Releases the arrays of a measurement (not r itself) and zeroes it. NULL is a no-op. */
void ua_measurement_free(ua_measurement *r);

/*
 * A description of the model as a JSON object text (malloc'd, the caller frees): family, target,
 * domain or box, dims, the family's own fields (pieces, lengths, knots, layers, ...) and the
 * measured errors from the metadata. Errors: UA_ENOMEM.
 */
ua_status ua_model_describe(const ua_model *m, char **json);

/*
 * The box of a model: *d inputs and lo, hi (d,) owned by m; *d == 0 and NULL for models without
 * one (models of samples).
 */
void ua_model_box(const ua_model *m, size_t *d, const double **lo, const double **hi);

/*
 * The model's own points where its error is worth measuring besides a grid (Chebyshev points,
 * knots, breakpoints, alternation points, grid nodes): *pts (n, din) malloc'd (the caller frees;
 * NULL and 0 when the family has none); *log_grid 1 when a 1-D model is best sampled uniformly in
 * ln x (log-mapped models). Errors: UA_ENOMEM.
 */
ua_status ua_model_natural_points(const ua_model *m, double **pts, size_t *n, int *log_grid);

/* The kind of problem the model was fitted on (UA_PROBLEM_SEQUENCES models take sequences). */
ua_problem_kind ua_model_kind(const ua_model *m);

/*
 * Re-creates the problem a model was fitted on, where it can: a FORMULA from the stored target,
 * variable names and box; a FUNCTION from the stored source, dim and cflags (compiled again).
 * Errors: UA_EUNSUPPORTED (a model of samples), the problem constructors' errors.
 */
ua_status ua_model_problem(const ua_model *m, ua_problem **out);

/*
 * Sequence models: raw outputs y (N, len, nout) for x (N, len) tokens (xd == 0) or (N, len, xd)
 * reals, as doubles; *nout receives the outputs per position and *classify whether they are
 * class logits. Errors: UA_EUNSUPPORTED (not a sequence model), UA_EINVAL (bad inputs),
 * UA_ENOMEM. y is malloc'd into *y (the caller frees).
 */
ua_status ua_model_predict_sequences(const ua_model *m, const double *x, size_t N, size_t len,
                                     size_t xd, double **y, size_t *nout, int *classify);

/*
 * The same predictions a block of sequences at a time, for sets whose outputs would not fit in
 * memory at once (a classifier's logits: N len nout doubles, and the model holds a float copy while
 * it predicts): the blocks follow each other from sequence 0, each of as many sequences as keep
 * its outputs within `budget` doubles (at least one sequence), and each is handed to
 * fn(ctx, first, count, y, nout, classify) with y (count, len, nout) as ua_model_predict_sequences
 * gives it (valid during the call only). A block's outputs equal those of predicting it alone:
 * to float rounding those of predicting the whole set (the model batches its sequences).
 * A status fn returns other than UA_OK stops the loop and is returned. An invalid input
 * (UA_EINVAL) found beyond the first block is reported with its sequence counted from the set's
 * start (a message "sequence J, ..." renumbered; any other message is told where the block
 * starts). Errors: those of ua_model_predict_sequences,
 * UA_EINVAL (fn NULL, budget 0).
 */
typedef ua_status (*ua_sequence_block_fn)(void *ctx, size_t first, size_t count, const double *y,
                                          size_t nout, int classify);
ua_status ua_model_predict_sequences_blocks(const ua_model *m, const double *x, size_t N,
                                            size_t len, size_t xd, size_t budget,
                                            ua_sequence_block_fn fn, void *ctx);

/*
 * Graph models (the graph family, docs/graph.md): outputs y (R, nout) for the graphs of g
 * (uniapprox/graphs.h), R = g->ngraphs for a model of graph targets, g->nnodes for node targets;
 * *nout receives the outputs per row and *classify whether they are class probabilities (each
 * row sums to 1) or values in target units. g is untrusted: checked as ua_graphs_check does, and
 * its node and edge feature widths must be the model's; its targets, if any, are ignored.
 * Errors: UA_EUNSUPPORTED (not a graph model), UA_EINVAL (a bad set, other feature widths,
 * NULL arguments), UA_ENOMEM. y is malloc'd into *y (the caller frees). Thread-safe.
 */
ua_status ua_model_predict_graphs(const ua_model *m, const ua_graphs *g, double **y, size_t *nout,
                                  int *classify);

/*
 * Wraps a fitted state into a model with a box of d inputs (d >= 1; lo, hi (d,), copied), as
 * ua_model_wrap does for 1-D.
 */
ua_status ua_model_wrap_box(const char *family, void *state, const char *target, size_t d,
                            const double *lo, const double *hi, ua_model **out);

#ifdef __cplusplus
}
#endif
#endif /* UNIAPPROX_MODEL_H */
