/*
 * How a FORMULA problem is sampled for fitting (--sample-prec): in double (the formula evaluated
 * operation by operation in IEEE double, fast), or in MPFR at a chosen precision and rounded once
 * to double, so that the samples carry the accuracy of the reference rather than the rounding
 * errors of the double formula (erfc(x)*exp(x^2) at x = 10 loses 83 ulp in double: the product
 * of a tiny and a huge factor amplifies the relative errors of both).
 *
 * Auto (the default) decides with a probe: the formula at UA_SAMPLE_PROBE_POINTS points of the
 * box (Chebyshev points of the first kind in 1-D, Sobol points in d >= 2), in double and in MPFR
 * at UA_SAMPLE_PREC_AUTO_BITS bits; when the double values are off by more than
 * UA_SAMPLE_PROBE_ULPS ulps somewhere (or not finite where MPFR is), the problem samples in MPFR.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "internal.h"
#include "target/internal.h"

/* The spacing of doubles at y (finite, nonzero): 2^(e - 53) for |y| in [2^(e-1), 2^e), at
 * least the smallest subnormal (as ua_ulp64 of the measurement). */
static double ulp_of(double y)
{
    int e;
    frexp(y, &e);
    double u = ldexp(1.0, e - 53);
    return u > 0x1p-1074 ? u : 0x1p-1074;
}

/* The probe points: (UA_SAMPLE_PROBE_POINTS, d) into x. */
static ua_status probe_points(const ua_problem *p, double *x)
{
    size_t n = UA_SAMPLE_PROBE_POINTS, d = p->d;
    if (d == 1) {
        /* Chebyshev points of the first kind: interior, denser at the ends, where a formula
         * often misbehaves (and never exactly the centre, where a removable 0/0 often sits) */
        for (size_t k = 0; k < n; k++) {
            double t = cos(3.14159265358979323846 * (2.0 * (double)k + 1.0) / (2.0 * (double)n));
            double v = 0.5 * (p->lo[0] + p->hi[0]) + 0.5 * (p->hi[0] - p->lo[0]) * t;
            x[k] = v < p->lo[0] ? p->lo[0] : v > p->hi[0] ? p->hi[0] : v;
        }
        return UA_OK;
    }
    /* Sobol points 1 .. n (point 0 is the corner lo) */
    ua_status s = ua_qmc_sobol(d, n, 1, 0, x);
    if (s) return s;
    for (size_t i = 0; i < n * d; i++) {
        size_t j = i % d;
        double v = p->lo[j] + (p->hi[j] - p->lo[j]) * x[i];
        x[i] = v < p->lo[j] ? p->lo[j] : v > p->hi[j] ? p->hi[j] : v;
    }
    return UA_OK;
}

ua_status ua_problem_sampling_probe(const ua_problem *p, double *max_ulps, size_t *n_double_bad,
                                    size_t *n_finite)
{
    *max_ulps = 0;
    *n_double_bad = *n_finite = 0;
    if (p->kind != UA_PROBLEM_FORMULA || p->target->builtin) return UA_OK;
    enum { N = UA_SAMPLE_PROBE_POINTS };
    double x[N * UA_PROBLEM_MAX_DIM], fd[N], fr[N];
    ua_status s = probe_points(p, x);
    if (s) return s;
    mpfr_t f[N], t;
    double scale = 0;
    for (size_t k = 0; k < N; k++) {
        const double *xk = x + k * p->d;
        mpfr_init2(f[k], UA_SAMPLE_PREC_AUTO_BITS);
        /* the expression's evaluators, without the fill: a NaN point is skipped, not filled */
        fd[k] = ua_program_eval(&p->target->prog, xk);
        ua_program_eval_mpfr(&p->target->prog, xk, f[k]);
        fr[k] = mpfr_get_d(f[k], MPFR_RNDN);
        if (mpfr_number_p(f[k]) && isfinite(fr[k]) && fabs(fr[k]) > scale) scale = fabs(fr[k]);
    }
    mpfr_init2(t, UA_SAMPLE_PREC_AUTO_BITS);
    for (size_t k = 0; k < N; k++) {
        if (!mpfr_number_p(f[k]) || !isfinite(fr[k])) continue; /* no reference: no evidence */
        (*n_finite)++;
        if (!isfinite(fd[k])) {
            /* an intermediate overflow of the double formula (exp(x^2)*erfc(x), x > 26.6) */
            (*n_double_bad)++;
            *max_ulps = INFINITY;
            continue;
        }
        /* |fd - f| / ulp(f rounded), formed in MPFR as the measurement forms it; where f is
         * exactly 0 (no relative error exists) in ulps of the probe's scale max|f| (of 1 when
         * f is 0 at every probe point: (x+1)-x-1 is rounding noise, not inaccuracy to fix) */
        double u = fr[k] != 0 ? ulp_of(fr[k]) : ulp_of(scale > 0 ? scale : 1.0);
        mpfr_d_sub(t, fd[k], f[k], MPFR_RNDN);
        mpfr_div_d(t, t, u, MPFR_RNDN);
        double e = fabs(mpfr_get_d(t, MPFR_RNDN));
        if (e > *max_ulps) *max_ulps = e;
    }
    mpfr_clear(t);
    for (size_t k = 0; k < N; k++) mpfr_clear(f[k]);
    mpfr_free_cache2(MPFR_FREE_LOCAL_CACHE);
    return UA_OK;
}

/* Decides the sampling of p for a request of bits (0: auto) and writes the sentence. */
ua_status ua_problem_decide_sampling(ua_problem *p, long bits)
{
    p->sample_prec_asked = bits;
    p->probe_ulps = NAN;
    if (p->kind != UA_PROBLEM_FORMULA) {
        p->sample_prec = 53;
        snprintf(p->sampling, sizeof p->sampling, "%s",
                 p->kind == UA_PROBLEM_FUNCTION ? "the function, double" : "none");
        return UA_OK;
    }
    if (bits == 53) {
        p->sample_prec = 53;
        snprintf(p->sampling, sizeof p->sampling, "double (--sample-prec 53)");
        return UA_OK;
    }
    if (bits > 53) {
        p->sample_prec = bits;
        snprintf(p->sampling, sizeof p->sampling, "MPFR %ld bits (--sample-prec %ld)", bits, bits);
        return UA_OK;
    }
    /* a built-in target has a careful double implementation of its own and its MPFR one costs
     * far more (nfw-sigma: 128 guard bits): sampled in double, as it was designed to be */
    if (p->target->builtin) {
        p->sample_prec = 53;
        snprintf(p->sampling, sizeof p->sampling, "double (a built-in target)");
        return UA_OK;
    }
    double ulps;
    size_t bad, finite;
    ua_status s = ua_problem_sampling_probe(p, &ulps, &bad, &finite);
    if (s) return s;
    p->probe_ulps = ulps;
    if (finite == 0) {
        p->sample_prec = 53;
        snprintf(p->sampling, sizeof p->sampling, "double (the probe found no finite value)");
    } else if (bad) {
        p->sample_prec = UA_SAMPLE_PREC_AUTO_BITS;
        snprintf(p->sampling, sizeof p->sampling, "MPFR %d bits (double evaluation not finite at "
                 "%zu of %zu probe points where MPFR is)", UA_SAMPLE_PREC_AUTO_BITS, bad, finite);
    } else if (ulps > UA_SAMPLE_PROBE_ULPS) {
        p->sample_prec = UA_SAMPLE_PREC_AUTO_BITS;
        snprintf(p->sampling, sizeof p->sampling, "MPFR %d bits (double evaluation off by %.3g ulp "
                 "on the probe)", UA_SAMPLE_PREC_AUTO_BITS, ulps);
    } else {
        p->sample_prec = 53;
        snprintf(p->sampling, sizeof p->sampling, "double (within %.3g ulp of MPFR on the probe)",
                 ulps);
    }
    return UA_OK;
}

ua_status ua_problem_set_sample_prec(ua_problem *p, long bits)
{
    if (!p) return UA_ERR(UA_EINVAL, "ua_problem_set_sample_prec: the problem is NULL");
    if (p->kind != UA_PROBLEM_FORMULA)
        return UA_ERR(UA_EINVAL, "--sample-prec applies to a formula (TARGET); a %s problem is "
                      "sampled as it is", ua_problem_kind_name(p->kind));
    if (bits != UA_SAMPLE_PREC_AUTO && (bits < 53 || bits > UA_SAMPLE_PREC_MAX))
        return UA_ERR(UA_EINVAL, "--sample-prec %ld: expected auto (0), 53 (double) or MPFR bits "
                      "in [54, %d]", bits, UA_SAMPLE_PREC_MAX);
    return ua_problem_decide_sampling(p, bits);
}

long ua_problem_sample_prec(const ua_problem *p)
{
    if (!p || p->kind == UA_PROBLEM_SAMPLES || p->kind == UA_PROBLEM_SEQUENCES ||
        p->kind == UA_PROBLEM_GRAPHS) return 0;
    return p->kind == UA_PROBLEM_FORMULA ? p->sample_prec : 53;
}

const char *ua_problem_sampling(const ua_problem *p)
{
    if (!p || p->kind == UA_PROBLEM_SAMPLES || p->kind == UA_PROBLEM_SEQUENCES ||
        p->kind == UA_PROBLEM_GRAPHS) return "none";
    return p->kind == UA_PROBLEM_FORMULA ? p->sampling : "the function, double";
}

ua_status ua_problem_eval_formula(const ua_problem *p, const double *x, size_t n, double *y)
{
    if (p->sample_prec <= 53) {
        for (size_t i = 0; i < n; i++) y[i] = ua_target_eval(p->target, x + i * p->d);
        return UA_OK;
    }
    /* one MPFR evaluation per point, rounded once to nearest double; a batch (a learner's
     * training points) over the OpenMP threads, each with its own MPFR number and caches */
    int threads = ua_row_threads(n, 64, n);
#pragma omp parallel num_threads(threads)
    {
        mpfr_t v;
        mpfr_init2(v, (mpfr_prec_t)p->sample_prec);
#pragma omp for schedule(dynamic, 16)
        for (size_t i = 0; i < n; i++) {
            ua_target_eval_mpfr(p->target, x + i * p->d, v);
            y[i] = mpfr_get_d(v, MPFR_RNDN);
        }
        mpfr_clear(v);
        if (threads > 1) mpfr_free_cache2(MPFR_FREE_LOCAL_CACHE);
    }
    return UA_OK;
}
