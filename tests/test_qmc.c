/* Tests of ua_qmc_sobol (src/core/qmc.c): the unscrambled points against scipy's
 * (tests/ref/sobol_ref.txt, written by tests/gen/sobol_ref.py), the net property of every 1-D
 * projection, skip equals a longer run sliced, the digital shift, and bad arguments. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/internal.h"
#include "uniapprox.h"

/* Every block of the reference file agrees bitwise with ua_qmc_sobol(d, n, skip, 0): scipy's
 * points at 30 bits are the 52-bit points for indices below 2^30 (the first 30 direction numbers
 * have no bits below the 30th); the 52-bit blocks start beyond 2^30. */
static void test_scipy_points(void **state)
{
    (void)state;
    FILE *f = fopen(UA_TEST_DIR "/ref/sobol_ref.txt", "r");
    assert_non_null(f);
    int blocks = 0;
    size_t d, n, skip;
    int bits;
    while (fscanf(f, " # %zu %zu %zu %d", &d, &n, &skip, &bits) == 4) {
        double *u = malloc(n * d * sizeof *u);
        assert_non_null(u);
        assert_int_equal(ua_qmc_sobol(d, n, skip, 0, u), UA_OK);
        for (size_t i = 0; i < n; i++)
            for (size_t j = 0; j < d; j++) {
                double r;
                assert_int_equal(fscanf(f, "%lf", &r), 1);
                if (u[i * d + j] != r)
                    fail_msg("block %d (skip %zu): point %zu coordinate %zu is %.17g, scipy %.17g",
                             blocks, skip, i, j, u[i * d + j], r);
            }
        free(u);
        blocks++;
    }
    fclose(f);
    assert_int_equal(blocks, 4);
}

/* The first points by hand: 0, then 1/2 in every dimension, then Joe & Kuo's m_2 shows in
 * dimension 3 (m = 1, 3: point 2 is (0.75, 0.25, 0.25)). */
static void test_first_points(void **state)
{
    (void)state;
    double u[4 * 3];
    assert_int_equal(ua_qmc_sobol(3, 4, 0, 0, u), UA_OK);
    const double want[12] = {0, 0, 0, 0.5, 0.5, 0.5, 0.75, 0.25, 0.25, 0.25, 0.75, 0.75};
    for (int i = 0; i < 12; i++) assert_true(u[i] == want[i]);
}

/* Sobol points are a (t, s)-sequence in base 2: in each dimension the first 2^k points fall one
 * in each dyadic cell [c/2^k, (c+1)/2^k) — with or without a digital shift, which permutes the
 * cells. Checked for k = 0..12 in all 64 dimensions, and for the block 2^k .. 2^(k+1) - 1 too. */
static void test_projections_are_permutations(void **state)
{
    (void)state;
    const size_t d = 64, kmax = 12, n = (size_t)1 << kmax;
    double *u = malloc(2 * n * d * sizeof *u);
    unsigned char *seen = malloc(n);
    assert_non_null(u);
    assert_non_null(seen);
    for (uint64_t seed = 0; seed < 3; seed++) {
        assert_int_equal(ua_qmc_sobol(d, 2 * n, 0, seed, u), UA_OK);
        for (size_t k = 0; k <= kmax; k++) {
            size_t m = (size_t)1 << k;
            for (size_t start = 0; start <= m; start += m) { /* points 0..m-1 and m..2m-1 */
                for (size_t j = 0; j < d; j++) {
                    memset(seen, 0, m);
                    for (size_t i = start; i < start + m; i++) {
                        double x = u[i * d + j];
                        assert_true(x >= 0 && x < 1);
                        size_t c = (size_t)(x * (double)m); /* exact: m is a power of 2 */
                        if (seen[c]) fail_msg("seed %lu, k %zu, dim %zu: cell %zu twice",
                                              (unsigned long)seed, k, j, c);
                        seen[c] = 1;
                    }
                }
            }
        }
    }
    free(seen);
    free(u);
}

/* skip is the same as drawing more and dropping the first ones; the shift of dimension j does
 * not depend on d (so a d' < d prefix of the coordinates is the d'-dimensional set). */
static void test_skip_and_prefix(void **state)
{
    (void)state;
    const size_t d = 7, n = 1000, skip = 777;
    double *all = malloc((skip + n) * d * sizeof *all), *part = malloc(n * d * sizeof *part);
    double *low = malloc(n * 3 * sizeof *low);
    assert_non_null(all);
    assert_non_null(part);
    assert_non_null(low);
    assert_int_equal(ua_qmc_sobol(d, skip + n, 0, 42, all), UA_OK);
    assert_int_equal(ua_qmc_sobol(d, n, skip, 42, part), UA_OK);
    assert_memory_equal(all + skip * d, part, n * d * sizeof *part);
    assert_int_equal(ua_qmc_sobol(3, n, skip, 42, low), UA_OK);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < 3; j++) assert_true(low[i * 3 + j] == part[i * d + j]);
    free(low);
    free(part);
    free(all);
}

/* The shift is an XOR with a 52-bit word per dimension: point 0 (the origin unshifted) becomes
 * the shift itself, and every shifted point XOR the unshifted one is that same word; different
 * seeds give different shifts, the same seed the same points. */
static void test_digital_shift(void **state)
{
    (void)state;
    const size_t d = 5, n = 300;
    double plain[300 * 5], s1[300 * 5], s1b[300 * 5], s2[300 * 5];
    assert_int_equal(ua_qmc_sobol(d, n, 0, 0, plain), UA_OK);
    assert_int_equal(ua_qmc_sobol(d, n, 0, 1, s1), UA_OK);
    assert_int_equal(ua_qmc_sobol(d, n, 0, 1, s1b), UA_OK);
    assert_int_equal(ua_qmc_sobol(d, n, 0, 2, s2), UA_OK);
    assert_memory_equal(s1, s1b, sizeof s1);
    int differ = 0;
    for (size_t j = 0; j < d; j++) {
        uint64_t w = (uint64_t)ldexp(s1[j], 52); /* point 0 shifted = the shift word */
        assert_true(w != 0);
        for (size_t i = 0; i < n; i++) {
            double x = s1[i * d + j];
            assert_true(x >= 0 && x < 1);
            uint64_t a = (uint64_t)ldexp(plain[i * d + j], 52), b = (uint64_t)ldexp(x, 52);
            assert_true(ldexp((double)b, -52) == x); /* on the 2^-52 lattice */
            assert_true((a ^ b) == w);
        }
        if (s2[j] != s1[j]) differ++;
    }
    assert_int_equal(differ, (int)d);
}

static void test_bad_arguments(void **state)
{
    (void)state;
    double u[130];
    assert_int_equal(ua_qmc_sobol(0, 1, 0, 0, u), UA_EINVAL);
    assert_int_equal(ua_qmc_sobol(65, 1, 0, 0, u), UA_EINVAL);
    assert_non_null(strstr(ua_last_error(), "1..64"));
    assert_int_equal(ua_qmc_sobol(64, 2, 0, 0, u), UA_OK); /* the largest dimension is fine */
    assert_int_equal(ua_qmc_sobol(1, 2, ((size_t)1 << 52) - 1, 0, u), UA_EINVAL);
    assert_non_null(strstr(ua_last_error(), "2^52"));
    assert_int_equal(ua_qmc_sobol(1, 1, ((size_t)1 << 52) - 1, 0, u), UA_OK);
    assert_true(u[0] < 1);
    assert_int_equal(ua_qmc_sobol(2, 0, 0, 0, NULL), UA_OK); /* nothing to write */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scipy_points),
        cmocka_unit_test(test_first_points),
        cmocka_unit_test(test_projections_are_permutations),
        cmocka_unit_test(test_skip_and_prefix),
        cmocka_unit_test(test_digital_shift),
        cmocka_unit_test(test_bad_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
