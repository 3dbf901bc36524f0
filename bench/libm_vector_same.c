/*
 * bench/libm_vector_same.c — a generated function's vector variant against its scalar function
 * at every one of the 2^32 bit patterns (or every STRIDE-th), bit for bit (NaNs included).
 * Usage: libm_vector_same LIB.so C_NAME [STRIDE]
 *   where LIB.so is the file written by `uniapprox libm NAME -o f.c --vector --name C_NAME`,
 *   compiled with `cc -std=c99 -O2 -ffp-contract=off -fPIC -shared f.c -o LIB.so`.
 * C_NAME_v runs on blocks of up to 65536 consecutive patterns (the last block's tail through the
 * variant's padded block). Prints "C_NAME: D of N bit patterns differ (first 0x...)" and exits 1
 * when D > 0. Built with: cc -O2 bench/libm_vector_same.c -o libm_vector_same -ldl
 * (docs/libm.md, "The vector variant").
 */
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { B = 1 << 16 };
static float x[B], y[B];

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: %s LIB.so C_NAME [STRIDE]\n", argv[0]);
        return 2;
    }
    void *h = dlopen(argv[1], RTLD_NOW);
    if (!h) {
        fprintf(stderr, "%s\n", dlerror());
        return 2;
    }
    char vname[300];
    snprintf(vname, sizeof vname, "%s_v", argv[2]);
    void *ps = dlsym(h, argv[2]), *pv = dlsym(h, vname);
    if (!ps || !pv) {
        fprintf(stderr, "%s or %s not found in %s\n", argv[2], vname, argv[1]);
        return 2;
    }
    float (*f)(float);
    void (*v)(const float *, float *, size_t);
    memcpy(&f, &ps, sizeof f);
    memcpy(&v, &pv, sizeof v);
    uint64_t stride = argc > 3 ? strtoull(argv[3], NULL, 0) : 1;
    if (stride < 1) stride = 1;
    uint64_t bad = 0, total = 0;
    uint32_t first = 0;
    for (uint64_t b0 = 0; b0 < (1ull << 32); b0 += (uint64_t)B * stride) {
        size_t n = 0;
        for (uint64_t u = b0; u < (1ull << 32) && n < B; u += stride) {
            uint32_t w = (uint32_t)u;
            memcpy(&x[n++], &w, 4);
        }
        v(x, y, n);
        total += n;
        for (size_t i = 0; i < n; i++) {
            float s = f(x[i]);
            if (memcmp(&s, &y[i], 4) != 0) {
                if (!bad) memcpy(&first, &x[i], 4);
                bad++;
            }
        }
    }
    printf("%s: %llu of %llu bit patterns differ (first 0x%08x)\n", argv[2],
           (unsigned long long)bad, (unsigned long long)total, (unsigned)first);
    return bad ? 1 : 0;
}
