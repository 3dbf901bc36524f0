/*
 * The seed's permutation result (docs/kernel.md): the mean of an infinite ensemble of two-layer
 * ReLU networks in the NTK regime — kernel regression with their NTK — trained only on the k
 * standard basis vectors e_i -> e_perm(i), reproduces the permutation on every one of the 2^k - 1
 * nonzero binary inputs after rounding.
 *
 *     cc -std=c11 examples/ntk_permutation.c $(pkg-config --cflags --libs uniapprox) -o perm
 *     ./perm 12
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <uniapprox.h>

int main(int argc, char **argv)
{
    int k = argc > 1 ? atoi(argv[1]) : 8;
    if (k < 2 || k > 20) {
        fprintf(stderr, "usage: ntk_permutation [k in 2..20]\n");
        return 2;
    }
    /* a fixed "random" permutation: i -> (7 i + 3) mod k when gcd(7, k) = 1, else a rotation */
    int *perm = malloc(k * sizeof *perm);
    for (int i = 0; i < k; i++) perm[i] = k % 7 ? (7 * i + 3) % k : (i + 3) % k;
    double *x = calloc((size_t)k * k, sizeof *x), *y = calloc((size_t)k * k, sizeof *y);
    for (int i = 0; i < k; i++) {
        x[i * k + i] = 1;         /* e_i */
        y[i * k + perm[i]] = 1;   /* e_perm(i) */
    }
    ua_kernel_options o;
    ua_kernel_options_default(&o);
    o.kernel.type = UA_KERNEL_NTK;   /* Dense, ReLU, Dense */
    o.kernel.depth = 1;
    o.kernel.sw = 1.5;
    o.kernel.sb = 0.0;
    o.kernel.frozen_readout = 1;     /* only the hidden layer is trained */
    o.lambda = 1e-12;                /* ridgeless: the infinite ensemble's mean */
    o.select = UA_SELECT_NONE;
    o.standardize = 0;
    ua_kernel *m;
    if (ua_kernel_fit(x, y, (size_t)k, (size_t)k, (size_t)k, &o, &m)) {
        fprintf(stderr, "error: %s\n", ua_last_error());
        return 1;
    }
    size_t n = ((size_t)1 << k) - 1, wrong = 0;
    double *in = malloc(n * k * sizeof *in), *out = malloc(n * k * sizeof *out), worst = 0;
    for (size_t v = 1; v <= n; v++)
        for (int j = 0; j < k; j++) in[(v - 1) * k + j] = (double)((v >> j) & 1);
    if (ua_kernel_predict(m, in, n, out)) {
        fprintf(stderr, "error: %s\n", ua_last_error());
        return 1;
    }
    for (size_t v = 0; v < n; v++) {
        int bad = 0;
        for (int i = 0; i < k; i++) {
            double got = out[v * k + perm[i]], want = in[v * k + i];
            if (fabs(got - want) > worst) worst = fabs(got - want);
            bad |= round(got) != want;
        }
        wrong += bad;
    }
    printf("k = %d: %zu of %zu nonzero binary inputs permuted correctly after rounding "
           "(max |f(x) - Px| = %.3f)\n", k, n - wrong, n, worst);
    ua_kernel_free(m);
    free(perm);
    free(x);
    free(y);
    free(in);
    free(out);
    return wrong != 0;
}
