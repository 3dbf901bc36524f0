/*
 * src/kernel/internal.h — what the files of the kernel family share (not installed). The
 * ridge-on-features solver Nyström shares with the rf family is in src/train/ridge.h, the
 * seeded generator (ua_rng) in src/core/internal.h.
 */
#ifndef UA_KERNEL_INTERNAL_H
#define UA_KERNEL_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include "uniapprox/kernel.h"
#include "train/ridge.h"

#define UA_PI 3.14159265358979323846

struct ua_kernel {
    ua_kernel_spec spec;     /* every parameter resolved (no 0 = choose left) */
    size_t d;                /* inputs */
    size_t k;                /* columns of the weights: outputs, or classes (one-hot) */
    size_t m;                /* stored points: training rows (exact) or landmarks (Nyström) */
    double *pts;             /* (m, d) stored points, standardised when standardize */
    double *w;               /* (m, k) weights: alpha (exact) or W^{+1/2} c (Nyström) */
    int standardize, classify, nystrom;
    ua_scaler xs;            /* inputs (when standardize) */
    ua_scaler ys;            /* targets (when standardize and not classify) */
    double *classes;         /* (k,) class labels, increasing (classify) */
    double lambda, loo_rmse;
    size_t n_train;
    ua_kernel_select select;
    size_t select_rows_scale, select_rows_lambda; /* rows the selection used (0: nothing chosen) */
    char select_warning[800]; /* a chosen value on its grid's end, repeated rows, or "" */
    char note[400];                               /* why the fit is not what was asked ("": it is) */
    char solve[200]; /* how a job of several ranks solved it (dist.c), or "" (one process) */
};

/* What the hyperparameter selection used and found (select.c). */
typedef struct {
    size_t rows_scale, rows_lambda; /* rows the scale value and lambda were chosen on */
    int lambda_edge, scale_edge;    /* -1 / +1: the best value is on the lower / upper end of its
                                       (extended) grid; 0 inside */
    double lambda_limit;            /* the chosen lambda (for the message) */
    char warning[400];              /* the edges in words, or "" */
} ua_kernel_selection;

/* Rows stage 2 of the selection takes by default: one eigendecomposition of m rows (about
 * 9 m^3 flops: 9 s at m = 4000 on one 2-core machine of 2026) and 16 m^2 bytes. */
#define UA_KERNEL_SELECT_LAMBDA_MAX 4000

/* The selection's lambdas keep K + lambda I's condition number below 1e14 (loo.c). */
#define UA_KERNEL_MAX_COND_INV 1e-14

/* Unset gamma (1/d), length scale (sqrt(d)), depth (2) and, when lambda is not NULL, lambda (1). */
void ua_kspec_fill_defaults(ua_kernel_spec *s, double *lambda, size_t d);

/* 1 when spec leaves its scale parameter (gamma, length scale or depth) to be chosen. */
int ua_kernel_has_free_scale(const ua_kernel_spec *s);

/* Rows of stage 2 (lambda at the chosen scale) for n rows under the memory limit max_mem bytes
 * (0: half the physical memory): min(n, UA_KERNEL_SELECT_LAMBDA_MAX), halved until 16 m^2 fits. */
size_t ua_kernel_select_rows_auto(size_t n, double max_mem);

/*
 * Chooses the free hyperparameters of spec (and lambda when *lambda is 0) for the standardised
 * x (n, d), y (n, k) by LOO or k-fold (o->select), in two stages (select.c's header): the scale on
 * min(n, select_max) rows, lambda again on min(n, select_lambda_max or the memory's allowance)
 * rows. *err: the selection RMSE of the choice in target units (cw as ua_krr_loo_grid's); *sel
 * what was used and any grid edge. Errors: UA_ENOMEM, UA_EDOMAIN (no lambda gives a positive
 * definite matrix).
 */
ua_status ua_kernel_choose(const ua_kernel_options *o, const double *x, const double *y, size_t n,
                           size_t d, size_t k, const double *cw, ua_kernel_spec *spec,
                           double *lambda, double *err, ua_kernel_selection *sel);

/* sel->warning from sel's edges (user_grid: lambda came from the user's grid, never extended). */
void ua_kernel_selection_warning(ua_kernel_selection *sel, const ua_kernel_spec *spec, size_t d,
                                 int user_grid);

/*
 * The memory plan of an exact fit of n rows: 0 when the n x n matrix (8 n^2 bytes) fits the limit
 * (max_mem, or half of phys bytes when max_mem is 0). Otherwise, when max_mem is 0 (the default),
 * the Nyström landmarks M to use instead (min(n, 2000), fewer when 16 n M bytes would exceed the
 * limit, halving 2000 to at least 250) with the reason in note; when max_mem was given, (size_t)-1
 * (refuse: solve_exact names the limit); when no M >= 250 fits, (size_t)-1 with note holding the
 * refusal (the need in GiB and the options: --samples, --nystrom).
 */
size_t ua_kernel_memory_plan(size_t n, double max_mem, double phys, char *note, size_t len);

/* Checks that a resolved spec is usable (gamma, length scale, depth > 0, nu in {.5,1.5,2.5},
 * degree >= 1, order 0..2, sw > 0, sb >= 0). */
ua_status ua_kspec_check(const ua_kernel_spec *s);

/* Lower triangle (row-major: out[i*ld + j], j <= i) of the symmetric kernel matrix of a (n, d);
 * the upper triangle is left untouched (it is the column-major 'U' triangle LAPACK reads). */
ua_status ua_kmat_sym_lower(const ua_kernel_spec *s, const double *a, size_t n, size_t d,
                            double *out, size_t ld);

/* out (na, nb) := k(a_i, b_j) for the points a (na, d) and the first nb points of bT (d, ld),
 * held transposed (column j is point j), on the calling thread alone, with the formulas and
 * order of ua_kernel_matrix's direct path (the same bits); tmp: 2 min(nb, UA_KERNEL_ROW_CHUNK)
 * doubles of scratch. For the distance kernels (rbf, matern) in d <= 32, where ua_kernel_matrix
 * sums directly (ua_kernel_has_direct_rows): returns 1; otherwise returns 0 and writes nothing
 * (the caller uses ua_kernel_matrix). Saves that function's transposed copy and its allocation
 * on every call, for callers that form the same matrix again block by block (the mixed-precision
 * solve's products) or a row at a time (predict). Columns go UA_KERNEL_ROW_CHUNK at a time, so
 * that the distances and exps stay in the first-level cache. */
int ua_kernel_rows_direct(const ua_kernel_spec *s, const double *a, size_t na, const double *bT,
                          size_t ld, size_t nb, size_t d, double *out, double *tmp);
enum { UA_KERNEL_ROW_CHUNK = 512 };

/* 1 when ua_kernel_rows_direct applies to the kernel s in d dimensions, 0 otherwise */
int ua_kernel_has_direct_rows(const ua_kernel_spec *s, size_t d);

/* Squared distances of nearby points: true when |a|^2 + |b|^2 - 2 a.b (centred) lost more than
 * 6 bits, so that the caller recomputes sum (a - b)^2 directly. */
#define UA_KDIST_RECOMPUTE(dist2, norms) ((dist2) < (norms) * 0x1p-6)

/* One-pair kernel value by the direct formulas (no BLAS): the reference the exported C mirrors. */
double ua_kernel_pair(const ua_kernel_spec *s, const double *a, const double *b, size_t d);

/* NNGP / NTK of one pair from the input products s12 = a.b / d, q11 = a.a / d, q22 = b.b / d. */
void ua_ntk_pair(const ua_kernel_spec *s, double q11, double q22, double s12, double *nngp,
                 double *ntk);

/* Closed-form selection of lambda on a kernel matrix: kmat (n, n) symmetric, lower triangle
 * row-major given (it is overwritten by eigenvectors); y (n, k). For each of the nl lambdas the
 * LOO RMSE (or, when folds > 1, k-fold RMSE on the given fold assignment fold[i] in 0..folds-1,
 * with kmat then needing its full lower triangle kept — the k-fold path copies). err (nl,): the
 * RMSE in y's units (over all n k residuals). err_t (nl,), when not NULL: the same RMSE after
 * scaling column t's residuals by cw[t] (cw (k,), the target scaler's scales: the error in the
 * target's own units; cw NULL: err_t = err). */
ua_status ua_krr_loo_grid(double *kmat, const double *y, size_t n, size_t k, const double *cw,
                          const double *lambdas, size_t nl, double *err, double *err_t);
ua_status ua_krr_kfold_grid(const double *kmat, const double *y, size_t n, size_t k,
                            const double *cw, const size_t *fold, size_t folds,
                            const double *lambdas, size_t nl, double *err, double *err_t);

/* ---- the exact solve over the ranks of an MPI job (dist.c, ScaLAPACK) -------------------- */

/* Block size of the block-cyclic distribution (rows and columns): ScaLAPACK's usual 64 keeps
 * pdpotrf's panels in cache and its updates in BLAS 3. */
#define UA_KERNEL_DIST_BLOCK 64

/* 1 when the exact solve is split over the ranks: a job of several ranks in a build with
 * ScaLAPACK (UA_HAVE_SCALAPACK); 0 otherwise (then every rank solves the whole system). */
int ua_kernel_dist_active(void);

/* 1 when this build has ScaLAPACK. */
int ua_kernel_dist_built(void);

/* The process grid of size ranks: pr the largest divisor of size with pr^2 <= size, pc = size/pr. */
void ua_kernel_dist_grid(int size, int *pr, int *pc);

/* Bytes the largest rank's share takes for n rows and k right-hand sides over size ranks: its
 * blocks of K, a panel of UA_KERNEL_DIST_BLOCK columns, its rows of y and the gathered alpha. */
double ua_kernel_dist_share_bytes(size_t n, size_t k, int size);

/* What one rank may take, the same on every rank (collective): max_mem when > 0 (--max-memory
 * is per rank under mpirun), else half of the physical memory over the ranks on that machine,
 * the smallest over the job (INFINITY when unknown). *per_machine: the most ranks on a machine. */
double ua_kernel_dist_limit(double max_mem, int *per_machine);

/* ua_kernel_memory_plan for the distributed solve (collective): 0 when each rank's share fits;
 * else, by default (max_mem 0), the Nystrom landmarks M to use instead (16 n M bytes on each
 * rank) with the reason in note; (size_t)-1 to refuse (ua_kernel_solve_dist says why). */
size_t ua_kernel_dist_memory_plan(size_t n, size_t k, double max_mem, char *note, size_t len);

/* After every rank chose the hyperparameters (each repeats the selection in full): the job's
 * status (st, or UA_ENOMEM when another rank failed) and rank 0's spec, lambda and err on every
 * rank (collective; a no-op returning st in one process). */
ua_status ua_kernel_dist_agree(ua_status st, ua_kernel_spec *spec, double *lambda, double *err);

/* alpha (n, k) = (K + lambda I)^-1 y over the ranks (collective): K block-cyclic, pdpotrf +
 * pdpotrs, alpha gathered on every rank (the same bits). x (n, d), y (n, k) on every rank.
 * info (info_len bytes, may be NULL): the grid, block size and memory a rank, for the model.
 * Errors: UA_EINVAL (a rank's share above the limit, or beyond ScaLAPACK's 32-bit indices; a
 * build without ScaLAPACK), UA_ENOMEM, UA_EDOMAIN (not positive definite), UA_EDIVERGED. */
ua_status ua_kernel_solve_dist(const ua_kernel_spec *s, const double *x, const double *y,
                               size_t n, size_t d, size_t k, double lambda, double max_mem,
                               double *alpha, char *info, size_t info_len);

/* Family vtable hooks shared by family.c and export.c. */
#include <stdio.h>
#include "uniapprox/model.h"
ua_status ua_kernel_export_c(const void *state, ua_export_type type, const char *name, FILE *out);

/* The option table and the vtable fit (options.c): formula, function and samples problems. */
#define UA_KERNEL_NOPTIONS 24
extern const ua_option_spec ua_kernel_option_spec[UA_KERNEL_NOPTIONS];
ua_status ua_kernel_family_fit(const ua_problem *p, const ua_options *o, const ua_fit_hooks *hooks,
                               ua_model *meta, void **state);

#endif /* UA_KERNEL_INTERNAL_H */
