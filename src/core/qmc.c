/*
 * Sobol points (src/core/internal.h: ua_qmc_sobol). The sequence of Sobol (1967) with the
 * direction numbers of Joe & Kuo (2008), file new-joe-kuo-6.21201, in Gray-code order (Antonov &
 * Saleev 1979): point i is the XOR of the direction numbers of the bits set in i ^ (i >> 1), so
 * point 0 is the origin and any index can be reached directly (skip). Coordinates carry 52 bits:
 * the integer k of each coordinate gives k / 2^52, exact in double and < 1. For indices below 2^30
 * the points equal scipy.stats.qmc.Sobol(scramble=False) (whose default is 30 bits), because the
 * first 30 direction numbers have no bits below the 30th.
 *
 * Scrambling is a random digital shift: every coordinate XORed with one random 52-bit word per
 * dimension drawn from ua_rng. It keeps every (t, m, s)-net property of the sequence (a shift maps
 * each elementary interval onto another), and it makes the points random (each uniform on [0,1))
 * so that a measurement at them is not tied to the dyadic rationals.
 */
#include "internal.h"

#define QMC_BITS 52

/* Joe & Kuo's dimensions 2..64: degree s of the primitive polynomial, its inner coefficients a
 * (bits a_1 .. a_{s-1}, a_1 the most significant) and the initial odd m_1 .. m_s (m_k < 2^k).
 * Dimension 1 is van der Corput's (every m_k = 1). */
typedef struct {
    unsigned char s;
    unsigned char a;
    unsigned short m[9];
} jk_row;

static const jk_row jk[UA_QMC_MAX_DIM - 1] = {
    {1, 0, {1}},
    {2, 1, {1, 3}},
    {3, 1, {1, 3, 1}},
    {3, 2, {1, 1, 1}},
    {4, 1, {1, 1, 3, 3}},
    {4, 4, {1, 3, 5, 13}},
    {5, 2, {1, 1, 5, 5, 17}},
    {5, 4, {1, 1, 5, 5, 5}},
    {5, 7, {1, 1, 7, 11, 19}},
    {5, 11, {1, 1, 5, 1, 1}},
    {5, 13, {1, 1, 1, 3, 11}},
    {5, 14, {1, 3, 5, 5, 31}},
    {6, 1, {1, 3, 3, 9, 7, 49}},
    {6, 13, {1, 1, 1, 15, 21, 21}},
    {6, 16, {1, 3, 1, 13, 27, 49}},
    {6, 19, {1, 1, 1, 15, 7, 5}},
    {6, 22, {1, 3, 1, 15, 13, 25}},
    {6, 25, {1, 1, 5, 5, 19, 61}},
    {7, 1, {1, 3, 7, 11, 23, 15, 103}},
    {7, 4, {1, 3, 7, 13, 13, 15, 69}},
    {7, 7, {1, 1, 3, 13, 7, 35, 63}},
    {7, 8, {1, 3, 5, 9, 1, 25, 53}},
    {7, 14, {1, 3, 1, 13, 9, 35, 107}},
    {7, 19, {1, 3, 1, 5, 27, 61, 31}},
    {7, 21, {1, 1, 5, 11, 19, 41, 61}},
    {7, 28, {1, 3, 5, 3, 3, 13, 69}},
    {7, 31, {1, 1, 7, 13, 1, 19, 1}},
    {7, 32, {1, 3, 7, 5, 13, 19, 59}},
    {7, 37, {1, 1, 3, 9, 25, 29, 41}},
    {7, 41, {1, 3, 5, 13, 23, 1, 55}},
    {7, 42, {1, 3, 7, 3, 13, 59, 17}},
    {7, 50, {1, 3, 1, 3, 5, 53, 69}},
    {7, 55, {1, 1, 5, 5, 23, 33, 13}},
    {7, 56, {1, 1, 7, 7, 1, 61, 123}},
    {7, 59, {1, 1, 7, 9, 13, 61, 49}},
    {7, 62, {1, 3, 3, 5, 3, 55, 33}},
    {8, 14, {1, 3, 1, 15, 31, 13, 49, 245}},
    {8, 21, {1, 3, 5, 15, 31, 59, 63, 97}},
    {8, 22, {1, 3, 1, 11, 11, 11, 77, 249}},
    {8, 38, {1, 3, 1, 11, 27, 43, 71, 9}},
    {8, 47, {1, 1, 7, 15, 21, 11, 81, 45}},
    {8, 49, {1, 3, 7, 3, 25, 31, 65, 79}},
    {8, 50, {1, 3, 1, 1, 19, 11, 3, 205}},
    {8, 52, {1, 1, 5, 9, 19, 21, 29, 157}},
    {8, 56, {1, 3, 7, 11, 1, 33, 89, 185}},
    {8, 67, {1, 3, 3, 3, 15, 9, 79, 71}},
    {8, 70, {1, 3, 7, 11, 15, 39, 119, 27}},
    {8, 84, {1, 1, 3, 1, 11, 31, 97, 225}},
    {8, 97, {1, 1, 1, 3, 23, 43, 57, 177}},
    {8, 103, {1, 3, 7, 7, 17, 17, 37, 71}},
    {8, 115, {1, 3, 1, 5, 27, 63, 123, 213}},
    {8, 122, {1, 1, 3, 5, 11, 43, 53, 133}},
    {9, 8, {1, 3, 5, 5, 29, 17, 47, 173, 479}},
    {9, 13, {1, 3, 3, 11, 3, 1, 109, 9, 69}},
    {9, 16, {1, 1, 1, 5, 17, 39, 23, 5, 343}},
    {9, 22, {1, 3, 1, 5, 25, 15, 31, 103, 499}},
    {9, 25, {1, 1, 1, 11, 11, 17, 63, 105, 183}},
    {9, 44, {1, 1, 5, 11, 9, 29, 97, 231, 363}},
    {9, 47, {1, 1, 5, 15, 19, 45, 41, 7, 383}},
    {9, 52, {1, 3, 7, 7, 31, 19, 83, 137, 221}},
    {9, 55, {1, 1, 1, 3, 23, 15, 111, 223, 83}},
    {9, 59, {1, 1, 5, 13, 31, 15, 55, 25, 161}},
    {9, 62, {1, 1, 3, 13, 25, 47, 39, 87, 257}},
};

/* Direction numbers v[k] = m_k * 2^(52 - k - 1) of dimension j (0-based), k = 0 .. 51, by the
 * recurrence m_k = 2 a_1 m_{k-1} ^ 4 a_2 m_{k-2} ^ ... ^ 2^s m_{k-s} ^ m_{k-s}, written on the
 * scaled numbers (Bratley & Fox 1988). */
static void direction_numbers(size_t j, uint64_t v[QMC_BITS])
{
    if (j == 0) {
        for (int k = 0; k < QMC_BITS; k++) v[k] = (uint64_t)1 << (QMC_BITS - 1 - k);
        return;
    }
    const jk_row *r = &jk[j - 1];
    int s = r->s;
    for (int k = 0; k < s && k < QMC_BITS; k++) v[k] = (uint64_t)r->m[k] << (QMC_BITS - 1 - k);
    for (int k = s; k < QMC_BITS; k++) {
        uint64_t x = v[k - s] ^ (v[k - s] >> s);
        for (int i = 1; i < s; i++)
            if ((r->a >> (s - 1 - i)) & 1) x ^= v[k - i];
        v[k] = x;
    }
}

ua_status ua_qmc_sobol(size_t d, size_t n, size_t skip, uint64_t seed, double *u)
{
    if (d == 0 || d > UA_QMC_MAX_DIM)
        return UA_ERR(UA_EINVAL, "Sobol points: dimension must be 1..%d, got %zu", UA_QMC_MAX_DIM,
                      d);
    /* 2^52 points exhaust the 52 bits: beyond, the sequence would repeat. */
    const uint64_t limit = (uint64_t)1 << QMC_BITS;
    if ((uint64_t)skip > limit || (uint64_t)n > limit - (uint64_t)skip)
        return UA_ERR(UA_EINVAL, "Sobol points: indices %zu + %zu exceed the 2^%d points of the "
                      "sequence", skip, n, QMC_BITS);
    if (n == 0) return UA_OK;
    if (!u) return UA_ERR(UA_EINVAL, "Sobol points: no output array");

    ua_rng rng;
    ua_rng_seed(&rng, seed);
    const double scale = 0x1p-52;
    for (size_t j = 0; j < d; j++) {
        uint64_t v[QMC_BITS];
        direction_numbers(j, v);
        /* the shift of dimension j: the j-th draw, so that the first d' dimensions of a d-point
         * set equal a d'-dimensional set with the same seed */
        uint64_t shift = seed ? ua_rng_next(&rng) >> (64 - QMC_BITS) : 0;
        uint64_t g = (uint64_t)skip ^ ((uint64_t)skip >> 1), x = 0;
        for (int k = 0; g; k++, g >>= 1)
            if (g & 1) x ^= v[k];
        for (size_t i = 0; i < n; i++) {
            u[i * d + j] = (double)(x ^ shift) * scale;
            /* Gray code: index i+1 differs from i in the bit of the lowest zero bit of i */
            uint64_t next = (uint64_t)skip + i + 1;
            if (next < limit) x ^= v[__builtin_ctzll(next)];
        }
    }
    return UA_OK;
}
