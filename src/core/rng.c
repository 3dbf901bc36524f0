/* The one seeded generator of the library (src/core/internal.h): xoshiro256** (Blackman & Vigna
 * 2018) seeded by splitmix64; normals by Box-Muller. Reproducible across platforms: subsets,
 * landmarks, random features, initialisation, shuffling and the scrambling of quasi-random points
 * all draw from it. */
#include <math.h>
#include <stdlib.h>

#include "internal.h"

static uint64_t splitmix(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

void ua_rng_seed(ua_rng *r, uint64_t seed)
{
    for (int i = 0; i < 4; i++) r->s[i] = splitmix(&seed);
}

static inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

uint64_t ua_rng_next(ua_rng *r)
{
    uint64_t *s = r->s, out = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return out;
}

double ua_rng_uniform(ua_rng *r) { return (double)(ua_rng_next(r) >> 11) * 0x1p-53; }

double ua_rng_normal(ua_rng *r)
{
    double u = 1.0 - ua_rng_uniform(r), v = ua_rng_uniform(r); /* u in (0, 1] */
    return sqrt(-2.0 * log(u)) * cos(2.0 * 3.14159265358979323846 * v);
}

ua_status ua_rng_subset(ua_rng *r, size_t n, size_t m, size_t *idx)
{
    size_t *perm = malloc(n * sizeof *perm);
    if (!perm) return UA_ENOMEM_ERR(n * sizeof *perm);
    for (size_t i = 0; i < n; i++) perm[i] = i;
    for (size_t i = 0; i < m; i++) {
        size_t j = i + (size_t)(ua_rng_uniform(r) * (double)(n - i));
        if (j >= n) j = n - 1;
        size_t t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
        idx[i] = perm[i];
    }
    free(perm);
    return UA_OK;
}
