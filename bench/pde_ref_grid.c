/* bench/pde_ref_grid.c — writes a PDE reference solution (src/pde/reference.h) on a uniform
 * G x G grid of [-1, 1] x [0, T] as raw little-endian doubles, x varying fastest (the order of the
 * pde family's own measurement grid), for bench/pde_torch.py to measure a PyTorch PINN against.
 * usage: pde_ref_grid NAME PARAM T G OUT.bin        (NAME: burgers | allen_cahn) */
#include <stdio.h>
#include <stdlib.h>

#include "uniapprox/status.h"
#include "pde/reference.h"

int main(int argc, char **argv)
{
    if (argc != 6) {
        fprintf(stderr, "usage: %s NAME PARAM T G OUT.bin\n", argv[0]);
        return 2;
    }
    double par[2] = {atof(argv[2]), atof(argv[3])};
    long g = atol(argv[4]);
    if (g < 2 || g > 4000) {
        fprintf(stderr, "G must be in [2, 4000]\n");
        return 2;
    }
    ua_pde_reference *r = NULL;
    if (ua_pde_reference_new(argv[1], par, 2, &r) != UA_OK) {
        fprintf(stderr, "%s\n", ua_last_error());
        return 2;
    }
    size_t n = (size_t)g * (size_t)g;
    double *p = malloc(2 * n * sizeof *p), *u = malloc(n * sizeof *u);
    if (!p || !u) return 1;
    for (long j = 0; j < g; j++)
        for (long i = 0; i < g; i++) {
            size_t k = (size_t)(j * g + i);
            p[2 * k] = i + 1 == g ? 1.0 : -1.0 + 2.0 * (double)i / (double)(g - 1);
            p[2 * k + 1] = j + 1 == g ? par[1] : par[1] * (double)j / (double)(g - 1);
        }
    if (ua_pde_reference_eval(r, p, n, u) != UA_OK) {
        fprintf(stderr, "%s\n", ua_last_error());
        return 1;
    }
    FILE *f = fopen(argv[5], "wb");
    if (!f || fwrite(u, sizeof *u, n, f) != n || fclose(f) != 0) {
        perror(argv[5]);
        return 1;
    }
    ua_pde_reference_free(r);
    free(p);
    free(u);
    return 0;
}
