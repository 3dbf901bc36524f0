/*
 * tests/fuzz/fuzz_pde.c — the PDE problem-file reader (ua_pde_problem_parse, uniapprox/pde.h): the
 * input is the file's text. A file that reads must make a PDE problem of 1 to 4 inputs on a
 * finite box whose solution and residual can be evaluated at the box's centre (any value, NaN
 * included: a finite value is not the reader's promise), and be released without a leak.
 */
#include <math.h>

#include "uniapprox/pde.h"
#include "uniapprox/problem.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ua_problem *p = NULL;
    if (ua_pde_problem_parse((const char *)data, size, "fuzz.json", &p) != UA_OK) {
        if (p) abort(); /* a failed read must leave *out NULL */
        return 0;
    }
    size_t d = ua_problem_dim(p);
    if (ua_problem_kind_of(p) != UA_PROBLEM_PDE || d < 1 || d > 4) abort();
    const double *lo = ua_problem_lo(p), *hi = ua_problem_hi(p);
    double x[4], jet[1 + 4 + 10] = { 0 }, y, r;
    for (size_t i = 0; i < d; i++) {
        if (!(lo[i] < hi[i]) || !isfinite(lo[i]) || !isfinite(hi[i])) abort();
        x[i] = 0.5 * lo[i] + 0.5 * hi[i];
    }
    (void)ua_problem_eval(p, x, 1, &y); /* a named reference may refuse a point */
    if (ua_pde_problem_residual(p, x, jet, 1, &r) != UA_OK) abort();
    ua_problem_free(p);
    return 0;
}
