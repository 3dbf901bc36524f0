/*
 * src/model/family.h — the family vtable (internal). A family plugs in with one ua_family constant
 * and one line in the registry (src/model/registry.c); the generic code never sees its internals.
 */
#ifndef UA_MODEL_FAMILY_H
#define UA_MODEL_FAMILY_H

#include <stdio.h>
#include <cjson/cJSON.h>
#include "uniapprox/model.h"
#include "uniapprox/compress.h"

/*
 * One piece of a model that is a polynomial on intervals (the `pieces` hook): on [a, b] the model
 * is, in exact real arithmetic,
 *     scale * R(x) * sum_k coeffs[k] B_k(s),   s = (xmul * x - (shift1 + shift2)) * mul - offset,
 * with B_k = T_k (Chebyshev, chebyshev = 1) or s^k (monomial), R(x) = (x - root) - root_lo when
 * root is not NaN (a zero factored out, src/cheb/) and 1 otherwise. These are the numbers predict
 * uses, so the polynomial differs from predict's doubles only by the rounding of predict's own
 * operations (the map, Clenshaw or Horner, a clamp of s to its range by a few ulps).
 */
typedef struct {
    double a, b;                 /* the piece's interval of x, a <= b */
    double xmul, shift1, shift2; /* the affine map to s (xmul 1 or 2: exact) */
    double mul, offset;
    int chebyshev;
    int horner;                  /* monomials evaluated in Horner's order (not Estrin's) */
    const double *coeffs;        /* (ncoeffs,), borrowed from the model's state */
    size_t ncoeffs;
    double root, root_lo;        /* NaN: no factor */
    double scale;                /* a power of two (1 for most models) */
    double own[4];               /* room for coefficients the hook assembles (a spline's cubic);
                                    coeffs may point here */
} ua_poly_piece;

struct ua_blocks; /* uniapprox/blocks.h: out-of-core tables (fit_blocks) */

typedef struct ua_family {
    const char *name;    /* "cheb", ... */
    const char *summary; /* one line for `fit --help` and docs */
    const char *doc;     /* its page, "docs/cheb.md" */

    /* What it accepts: a mask of UA_ACCEPTS(kind), and the inputs d of a box or table
     * (max_dim 0: any). ua_family_accepts refuses the rest, naming a family that takes it. */
    unsigned accepts;
    size_t min_dim, max_dim;

    /* The option table (uniapprox/options.h): declared once; --help, parsing, validation and the
     * metadata all come from it. */
    const ua_option_spec *options;
    size_t noptions;

    /*
     * Fits problem p (a kind and dimension it accepts: checked before the call) with option values
     * o (a set for this table). Returns UA_OK or UA_ENOTRESOLVED with *state set (the best found),
     * or an error with *state NULL. The family may record what it measured on its own (its error
     * estimate "estimated_err", "train_rmse", "test_rmse", ...) and the tolerance it was asked for
     * ("tol_abs", "tol_scale", "tol_rel": the verdict's terms) with ua_model_set_meta on meta, a
     * model that holds no state yet (use it for metadata only). hooks may be NULL.
     * Options are read from o; nothing is kept in statics.
     */
    ua_status (*fit)(const ua_problem *p, const ua_options *o, const ua_fit_hooks *hooks,
                     ua_model *meta, void **state);

    /* Releases a state. Must accept NULL. */
    void (*free)(void *state);

    /* y (n, dout) at x (n, din), row-major (see dims). */
    ua_status (*predict)(const void *state, const double *x, size_t n, double *y);

    /* Adds the family's tensors (and family metadata keys, if any) to st. */
    ua_status (*save)(const void *state, ua_st *st);

    /* Builds a state from st's tensors, validating every shape and value (untrusted input);
     * lo, hi is the domain read from the metadata. UA_EFORMAT with a message on bad content. */
    ua_status (*load)(const ua_st *st, double lo, double hi, void **state);

    /* Writes C99 code defining the entry point of ua_model_export_c's signature rule for the
     * model's dims (T double or float) to out, with the emitter (src/emit/emit.h); the generic
     * exporter has already written the header comment and `#include <math.h>`. */
    ua_status (*export_c)(const void *state, ua_export_type type, const char *name, FILE *out);

    /* Adds a human-oriented description (pieces, breakpoints, lengths, integral, ...) as fields of
     * obj; `info` prints them as text or JSON. */
    ua_status (*describe)(const void *state, cJSON *obj);

    /* Optional (NULL: none). The model's own points where its error is worth measuring besides a
     * uniform grid (Chebyshev points, knots, breakpoints, grid nodes), shape (n, din), malloc'd
     * into *pts (the caller frees); *log_grid set to 1 when the dense grid should be uniform in
     * ln x (log-mapped 1-D models). */
    ua_status (*natural_points)(const void *state, double **pts, size_t *n, int *log_grid);

    /* Optional (NULL: not a polynomial on pieces). The model's exact polynomial form on its
     * whole domain (1-D models): *n pieces in increasing order, malloc'd into *pieces (the
     * caller frees; their coeffs borrow the state, or the piece's own room). UA_EUNSUPPORTED
     * for a model of the family that is no polynomial in x (a log map, a rational function),
     * with the reason. Used by the proven bounds (uniapprox/prove.h). */
    ua_status (*pieces)(const void *state, ua_poly_piece **pieces, size_t *n);

    /* Optional (NULL: 1 and 1). The number of inputs and outputs of the model. */
    void (*dims)(const void *state, size_t *din, size_t *dout);

    /* Optional (NULL: not a sequence model). y (N, len, nout) for x (N, len) tokens (xd == 0) or
     * (N, len, xd) reals; *nout and *classify describe the outputs; y malloc'd into *y. */
    ua_status (*predict_sequences)(const void *state, const double *x, size_t N, size_t len,
                                   size_t xd, double **y, size_t *nout, int *classify);

    /* Optional (NULL: not a graph model). y (R, nout) for the graphs of g (R = g->ngraphs for a
     * graph-level model, g->nnodes for a node-level one): class probabilities when *classify,
     * else values in target units; g is untrusted (checked); its targets, if any, are not read.
     * y malloc'd into *y (ua_model_predict_graphs). */
    ua_status (*predict_graphs)(const void *state, const ua_graphs *g, double **y, size_t *nout,
                                int *classify);

    /* Optional (NULL: no claim). How strongly the family asks to fit problem p (a kind and
     * dimension it accepts: checked before the call) when the user gives no family or
     * --family auto: 0 no claim; otherwise a priority, the highest claim wins (ties: first by
     * name). *why is set to one static phrase saying why, as the report shows it after the
     * problem ("low-rank Chebyshev for d <= 3"). ua_family_choose (src/model/choose.c) holds the
     * rule used where no family claims. */
    int (*auto_priority)(const ua_problem *p, const char **why);

    /* Optional (NULL: no analytic gradient). g (n, din): the partial derivatives of the single
     * output at x (n, din), row-major, in units of y per unit of x (ua_model_gradient). */
    ua_status (*gradient)(const void *state, const double *x, size_t n, double *g);

    /* Optional (NULL: none). Proven bounds by bound propagation (uniapprox/lipschitz.h): the
     * hooks of ua_model_bound_output and ua_model_lipschitz (struct ua_family_bounds below). */
    const struct ua_family_bounds *bounds;

    /* Optional (NULL: no influence). The influence of each training row on the prediction at
     * x (d,): infl (n,) with infl[i] = f(x) - f_{-i}(x), f_{-i} the model fitted without row i
     * with the hyperparameters and scalers kept, in target units. X (n, d), y (n,) are the rows
     * the model was fitted on, in order (checked against the state where it keeps them: n_train,
     * stored points). *exact: 1 for the exact refit's value (a closed-form leave-one-out), 0 for
     * an approximation (an influence function). UA_EUNSUPPORTED for a model of the family it
     * cannot handle (a classifier, several outputs), with the reason; UA_EINVAL for rows that are
     * not the training rows. Called by ua_model_influence (uniapprox/explain.h). */
    ua_status (*influence)(const void *state, const double *X, const double *y, size_t n,
                           size_t d, const double *x, double *infl, int *exact);

    /* Optional (NULL: the influence hook is the family's one method). As influence, with the
     * method named (NULL or "auto": the family's choice; otherwise one of the family's own
     * names, UA_EINVAL for another, the message listing them); *used (may be NULL) a static
     * description of the method used. Called by ua_model_influence_method. */
    ua_status (*influence_method)(const void *state, const double *X, const double *y, size_t n,
                                  size_t d, const double *x, const char *method, double *infl,
                                  int *exact, const char **used);

    /* Optional (NULL: the family has no compression). A compressed copy of state into *out
     * (uniapprox/compress.h: o the method and its options, rep filled), which predicts, saves,
     * loads and exports in compressed form with the family's own vtable. UA_EUNSUPPORTED for a
     * method or a model the family cannot compress (the message says why). Called by
     * ua_model_compress (src/model/compress.c). */
    ua_status (*compress)(const void *state, const ua_compress_options *o, void **out,
                          ua_compress_report *rep);

    /* Optional (NULL: no predictive uncertainty). sd (n, dout): the predictive standard
     * deviation of a new observation at x (n, din), in target units (the kernel family: the
     * Gaussian-process posterior with its noise, uniapprox/kernel.h ua_kernel_predict_std).
     * UA_EUNSUPPORTED for a model of the family that has none (the message says why). Called by
     * ua_model_predict_std (uniapprox/metrics.h). */
    ua_status (*predict_std)(const void *state, const double *x, size_t n, double *sd);

    /* Optional (NULL: no out-of-core training). Fits the table of src (uniapprox/blocks.h), read
     * block by block and never whole: inputs every column but ycol, target column ycol; options
     * o from the family's table (an option meaningless out of core is refused with the reason);
     * metadata recorded on meta as fit does. Called by ua_fit_blocks (src/model/fit_blocks.c). */
    ua_status (*fit_blocks)(struct ua_blocks *src, size_t ycol, const ua_options *o,
                            ua_model *meta, void **state);

    /* Optional (NULL: no class probabilities). A classifier's number of classes C in *nclasses
     * and, when p is not NULL, p (n, C): column c the probability of label c at x (n, din), rows
     * summing to 1 (scikit-learn's predict_proba). UA_EUNSUPPORTED for a model of the family
     * that has none (a regressor: the message says so). Called by ua_model_predict_proba
     * (uniapprox/metrics.h). */
    ua_status (*predict_proba)(const void *state, const double *x, size_t n, double *p,
                               size_t *nclasses);
} ua_family;

/*
 * Bound propagation through a family's model (uniapprox/lipschitz.h is the manual). Every box is
 * lo, hi (din,) in the model's input units; every bound is rigorous for the model as written in
 * exact real arithmetic (the weights as stored), with the double rounding of the bound's own
 * computation covered outward, and eval_error covers the gap to what predict computes. A hook
 * returns UA_EDOMAIN for a box (gradient: a point) where predict overflows or may overflow (a
 * float32 network beyond float's range), since no bound there describes what predict returns.
 */
struct ua_tm_space; /* src/prove/tm.h */
struct ua_tm;
typedef struct ua_family_bounds {
    /* out_lo, out_hi (dout,): every output of the model over the box lies in them. method:
     * UA_BOUND_IBP or UA_BOUND_CROWN (uniapprox/lipschitz.h). UA_EUNSUPPORTED for a model the
     * family cannot bound (the message says why: an activation, a kernel). */
    ua_status (*output)(const void *state, const double *lo, const double *hi, int method,
                        double *out_lo, double *out_hi);
    /* For a model of one output: jlo, jhi (din,) enclose each partial derivative over the box
     * (either may be NULL), and *L >= sup over the box of ||diag(w) grad||_q, q = 1 for
     * norm UA_NORM_INF, q = 2 for UA_NORM_2 (w (din,) nonnegative, NULL: all ones). */
    ua_status (*lipschitz)(const void *state, const double *lo, const double *hi, int norm,
                           const double *w, double *L, double *jlo, double *jhi);
    /* g (n, din): the gradient of the single output at x (n, din), as predict computes it (for
     * the lower bounds of ua_model_lipschitz; NULL: the vtable's gradient). */
    ua_status (*gradient)(const void *state, const double *x, size_t n, double *g);
    /* *err >= sup over the box of |predict(x) - model(x)|: the model's own floating-point
     * evaluation error (float32 networks: the larger part), summed over the outputs' maximum. */
    ua_status (*eval_error)(const void *state, const double *lo, const double *hi, double *err);
    /* *L: the global Lipschitz constant by the naive product of the layers' operator norms
     * (UA_NORM_INF: induced inf-norms; UA_NORM_2: spectral norms, by LAPACK's SVD) times the
     * activations' largest slopes, for comparison (NULL: the family has no layers). */
    ua_status (*naive)(const void *state, int norm, double *L);
    /* Optional (NULL: none). The model on the sub-box lo, hi (din,) as a multivariate Taylor
     * model in the normalised offsets t_i = (x_i - (lo_i + hi_i) / 2) / ((hi_i - lo_i) / 2) of
     * the space sp (src/prove/tm.h: ball coefficients, remainder in the constant's radius),
     * rigorous for the model in exact arithmetic; out initialised by the caller. Used by the n-D
     * Taylor-model prover (src/prove/tm_prove.c) with eval_error for the rounding. */
    ua_status (*taylor)(const void *state, const double *lo, const double *hi,
                        const struct ua_tm_space *sp, struct ua_tm *out);
} ua_family_bounds;

/* For the engine (src/model/fit.c): a model without state yet, for the family's fit to record
 * metadata on; ua_model_attach gives it its state (ownership passes to the model). */
ua_status ua_model_new(const ua_family *fam, ua_model **out);
void ua_model_attach(ua_model *m, void *state);
/* The target text (copied) and the box lo, hi (d,) of a model being built; d == 0: none. */
ua_status ua_model_set_problem(ua_model *m, const char *target, size_t d, const double *lo,
                               const double *hi);

/* Replaces every number under v by raw text of 15 to 17 digits that reads back bitwise (NaN and
 * infinities by null), so that JSON printed by cJSON loses no bit (src/model/json_exact.c). */
void ua_json_exact_numbers(cJSON *v);

/* The removable singularities p has filled so far (ua_problem_fill_text) under the metadata key
 * "filled"; nothing when none (src/model/fit.c; measure.c calls it again after measuring). */
ua_status ua_model_store_filled(ua_model *m, const ua_problem *p);

/* FNV-1a hash of a source file in hex (src/model/fit.c): 1, or 0 when it cannot be read. */
int ua_model_source_hash(const char *path, char hex[17]);

/* The registered families, sorted by name: count and i-th. */
size_t ua_family_registry_count(void);
const ua_family *ua_family_registry_at(size_t i);

/* The registered family called name, or NULL. */
const ua_family *ua_family_find(const char *name);

/* The family of a model (for the CLI's family-specific commands). */
const ua_family *ua_model_family_vtable(const ua_model *m);

/* Families, defined in their folders. */
extern const ua_family ua_family_cheb;
extern const ua_family ua_family_chebnd;
extern const ua_family ua_family_evolve;
extern const ua_family ua_family_graph;
extern const ua_family ua_family_kernel;
extern const ua_family ua_family_minimax;
extern const ua_family ua_family_mlp;
extern const ua_family ua_family_pde;
extern const ua_family ua_family_rf;
extern const ua_family ua_family_seq;
extern const ua_family ua_family_sparse;
extern const ua_family ua_family_spline;

/* Bound propagation hooks, defined in their families' folders (bounds*.c). */
extern const ua_family_bounds ua_mlp_bounds;
extern const ua_family_bounds ua_rf_bounds;
extern const ua_family_bounds ua_kernel_bounds;
extern const ua_family_bounds ua_chebnd_bounds;
extern const ua_family_bounds ua_sparse_bounds;

/* Influence hooks (the vtable's influence), defined in their families' folders (influence.c). */
ua_status ua_kernel_influence(const void *state, const double *X, const double *y, size_t n,
                              size_t d, const double *x, double *infl, int *exact);
ua_status ua_rf_influence(const void *state, const double *X, const double *y, size_t n, size_t d,
                          const double *x, double *infl, int *exact);
ua_status ua_mlp_influence_method(const void *state, const double *X, const double *y, size_t n,
                                  size_t d, const double *x, const char *method, double *infl,
                                  int *exact, const char **used);
ua_status ua_mlp_influence(const void *state, const double *X, const double *y, size_t n,
                           size_t d, const double *x, double *infl, int *exact);

#endif /* UA_MODEL_FAMILY_H */
