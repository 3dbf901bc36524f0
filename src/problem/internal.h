/*
 * src/problem/internal.h — the problem module's private types (not installed).
 *
 * problem.c holds the constructors of arrays, the accessors and ua_problem_eval; box.c
 * ua_box_parse and the box check the constructors share; function.c the user's C function run in
 * a child process; samples.c ua_problem_read_samples; sample.c ua_problem_sample; sampling.c how
 * a formula is sampled (double or MPFR, --sample-prec); fill.c its removable singularities
 * (--fill-removable).
 */
#ifndef UA_PROBLEM_INTERNAL_H
#define UA_PROBLEM_INTERNAL_H

#include <stddef.h>

#include "uniapprox/problem.h"

/* A user's C function running in a child process (function.c). */
typedef struct ua_child ua_child;

/* The filled removable singularities of a FORMULA problem (fill.c). */
typedef struct ua_fill ua_fill;

/* Sampling of a FORMULA problem (sampling.c): the probe's size, the double formula's error on it
 * beyond which auto samples in MPFR, and the precision auto then uses (IEEE binary128's). */
#define UA_SAMPLE_PROBE_POINTS 64
#define UA_SAMPLE_PROBE_ULPS 4.0
#define UA_SAMPLE_PREC_AUTO_BITS 113

struct ua_problem {
    ua_problem_kind kind;
    size_t d, k;          /* inputs and outputs (SEQUENCES: xd and yk, 0 for tokens / classes) */
    char *desc;           /* ua_problem_describe */
    /* FORMULA and FUNCTION */
    double *lo, *hi;      /* (d,) */
    char **vars;          /* (d,) names */
    char **ynames;        /* SAMPLES from a table with a header: (k,) target column names */
    ua_target *target;    /* FORMULA */
    ua_fnd cb;            /* FUNCTION from ua_problem_callback */
    void *cb_ctx;
    ua_fnd_batch cb_batch; /* FUNCTION from ua_problem_callback_batch (ctx: cb_ctx) */
    ua_child *child;      /* FUNCTION from C code */
    int vector;           /* ... its 1-D signature takes const double * */
    char *cflags;         /* ... its extra compiler flags, or NULL */
    /* FORMULA: how it is sampled (sampling.c) and its filled singularities (fill.c) */
    long sample_prec;       /* 53: the double formula; more: MPFR at that many bits, rounded */
    long sample_prec_asked; /* UA_SAMPLE_PREC_AUTO (0), 53 or the bits asked for */
    double probe_ulps;      /* the double formula's largest error on the probe (NaN: no probe) */
    char sampling[192];     /* ua_problem_sampling */
    ua_fill *fill;          /* --fill-removable: NULL when off */
    /* SAMPLES and SEQUENCES: x (n, d), y (n, k); SEQUENCES (N, len, max(d, 1)) and
       (N, len, max(k, 1)) */
    double *x, *y, *tx, *ty;
    size_t n, tn, len;
    /* GRAPHS (graphs.c): the training set and the test set (NULL: none), owned */
    ua_graphs *graphs, *tgraphs;
    /* PDE (pde.c): cb_batch is the solution and cb_ctx the spec, released with ctx_free;
       reference says what the solution is */
    void (*ctx_free)(void *ctx);
    char *reference;
};

/* A new problem of kind with d variables: zeroed, desc copied (NULL: ""). With box set, lo/hi
 * are checked (finite, lo < hi: messages name the variable, using vars or "x" / "x1".."xd") and
 * copied with the names. UA_EINVAL, UA_ENOMEM; *out NULL on failure. */
ua_status ua_problem_new_box(ua_problem_kind kind, size_t d, const char *const *vars,
                             const double *lo, const double *hi, const char *desc,
                             ua_problem **out);

/* "x = 0.5" (d == 1) or "(x, y) = (0.5, 0.25)": the point x (d,) named by vars, every value to
 * 17 digits, into buf (len bytes; cut with "..." when too long). Returns buf. */
char *ua_problem_point_text(char *buf, size_t len, char *const *vars, const double *x, size_t d);

/* function.c: starts the child for the function at source ("FILE.c:SYMBOL" / "FILE.so:SYMBOL").
 * name is what messages call it. */
ua_status ua_child_start(const char *source, size_t dim, int vector, const char *cflags,
                         double timeout, ua_child **out);
/* y (n,) = f(x (n, d)) through the child; vars name the point of a failure. UA_EDOMAIN on a
 * crash, an exit or a time-out (the child is then restarted on the next call). Thread-safe. */
ua_status ua_child_eval(ua_child *c, char *const *vars, const double *x, size_t n, double *y);
void ua_child_free(ua_child *c);

/* sampling.c: decides how p (any kind) is sampled for a request of bits (UA_SAMPLE_PREC_AUTO:
 * the probe decides) and writes p->sampling. UA_ENOMEM, the probe's Sobol errors. */
ua_status ua_problem_decide_sampling(ua_problem *p, long bits);
/* The probe of a FORMULA problem (not a built-in): the double formula's largest error in ulps
 * against MPFR at UA_SAMPLE_PREC_AUTO_BITS over the probe points where MPFR is finite
 * (*n_finite of them; +Inf when the double value is not finite at *n_double_bad of them). */
ua_status ua_problem_sampling_probe(const ua_problem *p, double *max_ulps, size_t *n_double_bad,
                                    size_t *n_finite);
/* y (n,) = the FORMULA at x (n, d), sampled as p->sample_prec says. */
ua_status ua_problem_eval_formula(const ua_problem *p, const double *x, size_t n, double *y);

/* fill.c: releases the cache of limits. NULL is a no-op. */
void ua_fill_free(ua_fill *f);

#endif /* UA_PROBLEM_INTERNAL_H */
