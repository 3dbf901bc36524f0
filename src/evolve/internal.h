/*
 * src/evolve/internal.h — the `evolve` family (internal): programs of float operations found by
 * evolution, after AutoNumerics-Zero (E. Real, Y. Chen, M. Rossini, C. de Souza, M. Garg,
 * A. Verghese, M. Firsching, Q. V. Le, E. D. Cubuk, D. H. Park, "AutoNumerics-Zero: Automated
 * Discovery of State-of-the-Art Mathematical Functions", arXiv 2312.08472, 2023).
 *
 * A program is a small directed acyclic graph stored in topological order: vertex 0 is the input
 * x, a vertex is a learnable constant or an operation whose operands are earlier vertices, and
 * the last vertex is the output. Acyclicity therefore holds by construction (every operand index
 * is below its vertex's index); ev_prog_valid checks it for programs read from files.
 */
#ifndef UA_EVOLVE_INTERNAL_H
#define UA_EVOLVE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/internal.h"
#include "model/family.h"

/* The most vertices a program holds (the paper's limit). */
#define EV_MAX_VERTICES 100

/* Vertex kinds. The values are stored in model files: append only. */
typedef enum {
    EV_INPUT = 0, /* x (vertex 0 only) */
    EV_CONST = 1, /* a learnable constant, value in val[] */
    EV_ADD = 2,   /* a + b */
    EV_SUB = 3,   /* a - b */
    EV_MUL = 4,   /* a * b */
    EV_DIV = 5,   /* a / b */
    EV_SQRT = 6,  /* sqrt(a) */
    EV_FMA = 7,   /* fma(a, b, c): a * b + c rounded once */
    EV_NKINDS = 8
} ev_kind;

/* Operands of kind k (0 for the input and constants). */
int ev_arity(int k);
/* The name of kind k ("add", ...). */
const char *ev_kind_name(int k);
/* Latency in cycles of kind k on a current x86-64 core (add/sub/mul/fma 4, div 11, sqrt 12:
 * Intel's optimization reference manual and Agner Fog's instruction tables, Skylake, scalar
 * single precision); 0 for the input and constants. */
int ev_latency(int k);

/* A program: n vertices, kind[i], operands arg[i][0..2] (< i), val[i] for constants. */
typedef struct {
    int n;
    uint8_t kind[EV_MAX_VERTICES];
    uint8_t arg[EV_MAX_VERTICES][3];
    double val[EV_MAX_VERTICES];
} ev_prog;

/* Number of operation vertices (the op count). */
int ev_prog_ops(const ev_prog *g);
/* The latency estimate: the longest dependency path from the input or a constant to the output,
 * in cycles of ev_latency. */
int ev_prog_latency(const ev_prog *g);
/* Number of constants. */
int ev_prog_nconst(const ev_prog *g);
/* 1 when g is well formed: 2 <= n <= EV_MAX_VERTICES (or n == 1: the program y = x), vertex 0
 * the input and only it, known kinds, every operand of an op below its vertex, unused operand
 * slots 0, constants finite. */
int ev_prog_valid(const ev_prog *g);
/* g as one line of text into buf (at most len - 1 characters and a terminating 0; cut when
 * longer): an expression in x with C's operators and precedence, constants with digits
 * significant digits (9 for float32, 17 for double: each reads back as the same value), the
 * operations used more than once named first: "v2 = x + 2; return fma(sqrt(v2 * v2), 2, x)".
 * Returns the length of the whole text (as snprintf). src/evolve/text.c. */
size_t ev_prog_text(const ev_prog *g, int digits, char *buf, size_t len);
/* Removes vertices the output does not depend on (except the input), keeping the order. */
void ev_prog_compact(ev_prog *g);

/* y (n,) = g at x (n,), every operation in double (fused for fma). work: (g->n * n) doubles. */
void ev_eval_f64(const ev_prog *g, const double *x, size_t n, double *y, double *work);
/* y (n,) = g at x (n,) (floats), every operation in float, constants rounded to float (fmaf,
 * sqrtf). work: (g->n * n) floats. */
void ev_eval_f32(const ev_prog *g, const float *x, size_t n, float *y, float *work);
/* One point, as ev_eval_f64 / ev_eval_f32 compute it (bitwise the same). */
double ev_eval1_f64(const ev_prog *g, double x);
float ev_eval1_f32(const ev_prog *g, float x);

/* v rounded to float, saturating: beyond the float range it becomes +-Inf (the rounding of
 * IEEE 754, which a C cast leaves undefined); NaN stays NaN. */
float ev_to_float(double v);

/* Which operations mutations may insert: a mask of 1u << kind. */
#define EV_OPS_ALL ((1u << EV_ADD) | (1u << EV_SUB) | (1u << EV_MUL) | (1u << EV_DIV) | \
                    (1u << EV_SQRT) | (1u << EV_FMA))

/* One random mutation of g in place (insert, remove, rewire, change an operation, perturb a
 * constant, square the output: y -> y * y, the step of range halving), chosen with rng; the result is valid, compacted, and has at most max_vertices
 * vertices. ops: the allowed operations mask. Returns the mutation's name. */
const char *ev_mutate(ev_prog *g, uint32_t ops, int max_vertices, ua_rng *rng);

/* ---- NSGA-II (Deb, Pratap, Agarwal, Meyarivan, IEEE TEC 6(2), 2002) ----------------------- */

/* rank (n,) = the non-dominated front of each point (0 = the first), minimising both
 * objectives f (n, 2) row-major; NaN counts as +Inf. */
void ev_nondominated_sort(const double *f, size_t n, int *rank);
/* crowd (n,) = the crowding distance of each point within its front (rank): +Inf at each
 * front's extremes of either objective. */
void ev_crowding(const double *f, const int *rank, size_t n, double *crowd);
/* idx (k,) = the k best of n points by (rank, then larger crowding). */
void ev_select(const int *rank, const double *crowd, size_t n, size_t k, size_t *idx);

/* ---- CMA-ES (Hansen, "The CMA Evolution Strategy: A Tutorial", arXiv 1604.00772) ------------ */

/* Objective to minimise at the n parameters p. */
typedef double (*ev_objective)(const double *p, void *ctx);

/* Minimises f from x (n,) in place with initial step sigma0 per coordinate scaled by
 * scale (n,) (the search is in units of scale), lambda offspring per generation (0: the
 * default 4 + 3 ln n), at most max_evals evaluations, seeded rng. Returns the best value found
 * (x holds its point). n <= EV_MAX_VERTICES. */
double ev_cmaes(ev_objective f, void *ctx, double *x, const double *scale, size_t n,
                double sigma0, size_t lambda, size_t max_evals, ua_rng *rng);

/* Gauss-Newton with Lawson's reweighting on g's constants (src/evolve/polish.c): minimises
 * max_k |g(x_k) - f_k| inv_k over the points x (m,) with reference f and scale inv (m,), the
 * model evaluated in double; objective(g, ctx) is the caller's measure (float32 ULPs, ...),
 * which each accepted step must decrease. At most steps Gauss-Newton steps. Returns the final
 * objective; g holds the best constants. */
double ev_polish(ev_prog *g, const double *x, const double *f, const double *inv, size_t m,
                 double (*objective)(const ev_prog *g, void *ctx), void *ctx, int steps);

/* ---- the search ---------------------------------------------------------------------------- */

typedef enum { EV_FLOAT32 = 0, EV_DOUBLE = 1 } ev_precision;
typedef enum { EV_COST_OPS = 0, EV_COST_LATENCY = 1 } ev_cost;

/* One program of the front with its measurements. err: float32 ULPs or relative error, the
 * most of the search's sample (1024 points) and of the final check (every float of the interval
 * when verified, else a dense grid); verified: 1 when err is the exhaustive checker's max ULP. */
typedef struct {
    ev_prog prog;
    double err;
    double sample_err; /* the search's 1024-point error */
    int ops, latency;
    int verified;
} ev_member;

/* The model: the final Pareto front (sorted by increasing cost), the chosen program. */
typedef struct {
    double a, b;           /* the domain */
    ev_precision precision;
    ev_cost cost;
    double tol;            /* the tolerance the chosen program was selected by */
    size_t nfront;
    ev_member *front;      /* (nfront,) */
    size_t chosen;         /* index into front */
} ev_model;

void ev_model_free(ev_model *m);

/* The cost of a member under the model's cost measure. */
double ev_member_cost(const ev_member *m, ev_cost cost);

/* The chosen program at x (double; float32 models round x to float and compute in float). NaN
 * outside [a, b]. */
double ev_model_eval(const ev_model *m, double x);

/* Seed: a polynomial p of degree deg in t = x - shift, y = t^k p(t) (k = 1 when the target is 0
 * at the left end, else 0), in Horner form (fma when allowed in ops, else mul + add), with
 * coefficients from a Remez exchange for the relative error in double on xs (n,) with f values
 * fs (n,). Returns UA_OK or UA_EDOMAIN (the exchange failed: singular system). */
ua_status ev_seed_horner(const double *xs, const double *fs, size_t n, double a, double b,
                         int deg, uint32_t ops, ev_prog *out);

/* Seed (--seeds all): the same minimax polynomial of degree deg as ev_seed_horner, evaluated
 * with a shorter dependency chain: p(t) = r(t) + t^split q(t) (outer 0), or
 * p(t) = c_0 + t (r(t) + t^split q(t)) (outer 1: the last step is Horner's, so the largest
 * term is rounded once, as in Horner), or c_0 + t (c_1 + t (r + t^split q)) (outer 2); split 2,
 * 3 or 4 (< deg - outer); r (split coefficients)
 * and q (the rest) in Horner form side by side, t^split by squaring (t^3 = t^2 t). The degree-6
 * polynomial with split 3 has a latency estimate of 16 cycles against Horner's 24 (Estrin's
 * scheme, one level). Errors as ev_seed_horner. */
ua_status ev_seed_split(const double *xs, const double *fs, size_t n, double a, double b,
                        int deg, int split, int outer, uint32_t ops, ev_prog *out);

/* Seed (--seeds all): range halving by repeated squaring over a rational core of the
 * exponential's symmetry, y = (N / D)^(2^sq), N = E(t) + O(t), D = E(t) - O(t), with
 * t = x - shift (shift as ev_seed_horner), E a monic polynomial of degree ne in t^2 and O = t
 * times a polynomial of degree no in t^2 (Pade's form of e^z: N(t) / N(-t)). The constants come
 * from linear least squares on E (1 - g) + O (1 + g) = 0, g = f^(1/2^sq), over xs (n,); the
 * caller's inner loop then tunes them. Needs f > 0 on xs (UA_EDOMAIN otherwise). Operations:
 * 1 + (2 ne - 1) + 2 no + 1 + 3 + sq (+1 for the shift) without fma. */
ua_status ev_seed_squaring(const double *xs, const double *fs, size_t n, double a, double b,
                           int ne, int no, int sq, uint32_t ops, ev_prog *out);

/* Seed (--seeds all) for a target that is 0 at the left end (log2 on [1, 2], erf on [0, 1]):
 * y = fma(t, c0, t q(v)), t = x - shift (shift as ev_seed_horner), where p = c0 + q is the
 * minimax polynomial of degree deg for the relative error of t p, in a centred variable whose
 * powers stay small: v = x - c, c the interval's midpoint rounded to float (x - c exact for float
 * x in [c/2, 2c]), or (even = 1, only on [0, b]: a target odd in x) v = x^2 - z0 = fma(x, x, -z0),
 * z0 the middle of [a^2, b^2]. c0 is the float nearest p's constant term, so the largest term,
 * t c0, is rounded once and q is small: Horner in t = x - 1 on [0, 1] adds up the roundings of
 * its steps undamped (log2 on [1, 2]: 2.45 ULP at best whatever the degree), here they are
 * damped by |v| <= 1/2. scale_exp > 0: c0 and q times 2^scale_exp, y times 2^-scale_exp at the
 * end (exact where y is a normal float; for float32 results near 0, where t q would be rounded
 * to the subnormal spacing before the fma and the fma again: erf on [0, 1], 1.01 ULP at x near
 * 2^-126 unscaled, 0.82 scaled with 2^24); not applied where the scaled values could overflow.
 * Operations: deg + 3 with fma (+1 for the shift, +1 scaled, +1 per step without fma).
 * Errors as ev_seed_horner; UA_EDOMAIN when the target is not 0 at the left end (only) or, even,
 * the interval does not start at 0. */
ua_status ev_seed_centred(const double *xs, const double *fs, size_t n, double a, double b,
                          int deg, int even, int scale_exp, uint32_t ops, ev_prog *out);

/* The family's fit (vtable). */
ua_status ev_family_fit(const ua_problem *p, const ua_options *o, const ua_fit_hooks *hooks,
                        ua_model *meta, void **state);

/* Writes member g as C (the body of `T name(T x)` with T the float type of precision) to out:
 * straight-line code, one statement per operation, constants as exact hex floats. The export
 * of the family writes it for the chosen program. */
void ev_write_c(const ev_prog *g, ev_precision prec, const char *name, const char *T_in, FILE *out,
                double a, double b);

/* ua_family vtable export. */
ua_status ev_export_c(const void *state, ua_export_type type, const char *name, FILE *out);

/* The exhaustive check of g over every float of [a, b] against target t (the export compiled
 * and run by uniapprox/exhaustive.h): *max_ulp. Errors from the compiler or the checker. */
ua_status ev_verify_exhaustive(const ev_prog *g, const ua_target *t, float a, float b,
                               double *max_ulp);

extern const ua_option_spec ev_option_spec[];
extern const size_t ev_noptions;

#endif /* UA_EVOLVE_INTERNAL_H */
