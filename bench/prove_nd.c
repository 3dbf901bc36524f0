/* One proof of an n-D model (chebnd or sparse) against its formula, for bench/prove_nd.sh and
 * profiling: fits FAMILY to EXPR on [-1, 1]^d (or lo:hi) with --tol TOL (and any extra option
 * pairs), runs ua_model_prove with the time limit, and prints the proven bound, the measured
 * maximum (the larger of the prover's points and 20000 random points against MPFR at 128 bits),
 * their ratio, the cells, the rounding part and the time.
 * usage: prove_nd FAMILY EXPR D TOL SECONDS [BOX_LO BOX_HI [OPTION VALUE]...] */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "uniapprox/model.h"
#include "uniapprox/options.h"
#include "uniapprox/problem.h"
#include "uniapprox/prove.h"
#include "uniapprox/target.h"

int main(int argc, char **argv)
{
    if (argc < 6) {
        fprintf(stderr, "usage: prove_nd FAMILY EXPR D TOL SECONDS [LO HI [OPT VAL]...]\n");
        return 2;
    }
    static const char *vars[] = { "x", "y", "z", "w" };
    size_t d = (size_t)atoi(argv[3]);
    if (d < 1 || d > 4) return 2;
    double lo[4], hi[4], blo = argc > 7 ? atof(argv[6]) : -1, bhi = argc > 7 ? atof(argv[7]) : 1;
    for (size_t i = 0; i < d; i++) {
        lo[i] = blo;
        hi[i] = bhi;
    }
    ua_target *t;
    ua_problem *p;
    ua_options *o;
    ua_model *m = NULL;
    if (ua_target_parse(argv[2], vars, d, &t) || ua_problem_formula(t, lo, hi, &p) ||
        ua_family_options(argv[1], &o) || ua_options_set(o, "tol", argv[4])) {
        fprintf(stderr, "prove_nd: %s\n", ua_last_error());
        return 2;
    }
    for (int a = 8; a + 1 < argc; a += 2)
        if (ua_options_set(o, argv[a], argv[a + 1])) {
            fprintf(stderr, "prove_nd: %s\n", ua_last_error());
            return 2;
        }
    ua_status s = ua_fit(p, argv[1], o, NULL, &m);
    if (!m) {
        fprintf(stderr, "prove_nd: fit: %s (%d)\n", ua_last_error(), (int)s);
        return 1;
    }
    ua_prove_options po = { .target_ratio = 1.1, .time_limit = atof(argv[5]) };
    ua_proof pf;
    if (ua_model_prove(m, t, &po, &pf)) {
        fprintf(stderr, "prove_nd: %s\n", ua_last_error());
        return 1;
    }
    size_t n = 20000;
    double *x = malloc(n * d * sizeof *x), *y = malloc(n * sizeof *y), worst = 0;
    unsigned long long st = 12345;
    for (size_t i = 0; i < n * d; i++) {
        st = st * 6364136223846793005ULL + 1442695040888963407ULL;
        x[i] = lo[i % d] + (hi[i % d] - lo[i % d]) * (double)(st >> 11) * 0x1p-53;
    }
    ua_model_predict(m, x, n, y);
    for (size_t i = 0; i < n; i++)
        worst = fmax(worst, fabs(y[i] - ua_target_eval_ref(t, x + d * i, 128)));
    double meas = fmax(worst, pf.measured);
    if (pf.proven)
        printf("%s %s tol %s: bound %.4g measured %.4g (prover %.4g, sampled %.4g) ratio %.4g "
               "cells %zu rounding %.3g time %.1f s%s\n", argv[1], argv[2], argv[4], pf.bound,
               meas, pf.measured, worst, pf.bound / meas, pf.pieces, pf.rounding, pf.seconds,
               worst > pf.bound ? " UNSOUND" : "");
    else
        printf("%s %s tol %s: not proven: %s\n", argv[1], argv[2], argv[4], pf.why);
    free(x);
    free(y);
    ua_model_free(m);
    ua_options_free(o);
    ua_problem_free(p);
    ua_target_free(t);
    return worst > pf.bound && pf.proven ? 1 : 0;
}
