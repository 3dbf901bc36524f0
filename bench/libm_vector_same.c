/*
 * bench/libm_vector_same.c — a generated function's vector variant against its scalar function
 * at every one of the 2^32 bit patterns (or every STRIDE-th), bit for bit (NaNs included).
 * Two ways to build it:
 *   dlopen:   cc -O2 bench/libm_vector_same.c -o libm_vector_same -ldl
 *             usage: libm_vector_same LIB.so C_NAME [STRIDE]
 *             where LIB.so is the file written by `uniapprox libm NAME -o f.c --vector --name
 *             C_NAME`, compiled with `cc -std=c99 -O2 -ffp-contract=off -fPIC -shared f.c -o
 *             LIB.so`; compares C_NAME_v, the kernel the file's dispatch picks on this CPU.
 *   included: cc -std=c99 -O2 -ffp-contract=off [-mfma] -DUA_SAME_FILE='"f.c"' -DUA_SAME_NAME=C_NAME
 *             bench/libm_vector_same.c -o same
 *             usage: same KERNEL [STRIDE], KERNEL avx2, avx512 or base (the file's static
 *             C_NAME_v_avx2 / _v_avx512 / _v_base called directly, whichever the CPU picks), so
 *             that each kernel is compared on a CPU that has both (exit 2 when it lacks it).
 * The variant runs on blocks of up to 65536 consecutive patterns (the last block's tail through
 * its padded block). Prints "C_NAME: D of N bit patterns differ (first 0x...)" and exits 1 when
 * D > 0 (docs/libm.md, "The vector variant").
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef UA_SAME_FILE
#include UA_SAME_FILE
#define UA_CAT_(a, b) a##b
#define UA_CAT(a, b) UA_CAT_(a, b)
#define UA_STR_(a) #a
#define UA_STR(a) UA_STR_(a)
#else
#include <dlfcn.h>
#endif

enum { B = 1 << 16 };
static float x[B], y[B];

int main(int argc, char **argv)
{
    float (*f)(float);
    void (*v)(const float *, float *, size_t) = NULL;
    const char *name;
#ifdef UA_SAME_FILE
    if (argc < 2) {
        fprintf(stderr, "usage: %s avx2|avx512|base [STRIDE]\n", argv[0]);
        return 2;
    }
    name = UA_STR(UA_SAME_NAME);
    f = UA_SAME_NAME;
    if (!strcmp(argv[1], "avx2") && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
        v = UA_CAT(UA_SAME_NAME, _v_avx2);
    else if (!strcmp(argv[1], "avx512") && __builtin_cpu_supports("avx512f"))
        v = UA_CAT(UA_SAME_NAME, _v_avx512);
    else if (!strcmp(argv[1], "base"))
        v = UA_CAT(UA_SAME_NAME, _v_base);
    else {
        fprintf(stderr, "%s: no kernel '%s' on this CPU (avx2 needs AVX2 and FMA, avx512 AVX-512F)\n",
                argv[0], argv[1]);
        return 2;
    }
    const char *stride_arg = argc > 2 ? argv[2] : NULL;
#else
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
    memcpy(&f, &ps, sizeof f);
    memcpy(&v, &pv, sizeof v);
    name = argv[2];
    const char *stride_arg = argc > 3 ? argv[3] : NULL;
#endif
    uint64_t stride = stride_arg ? strtoull(stride_arg, NULL, 0) : 1;
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
    printf("%s: %llu of %llu bit patterns differ (first 0x%08x)\n", name,
           (unsigned long long)bad, (unsigned long long)total, (unsigned)first);
    return bad ? 1 : 0;
}
