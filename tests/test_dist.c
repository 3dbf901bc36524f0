/* The MPI layer (uniapprox/dist.h) and the work split over it: the share of a range, the
 * rank-ordered sum, maxima, counters, broadcast, abort; the exhaustive check and the dense
 * verification split over the ranks against the same computation done whole; the rf solve of
 * the ranks against the single-process one.
 *
 * It runs as one process under ctest (a job of one rank: every collective copies), and under
 * `mpirun -np N test_dist` from tests/cli_mpi.sh, where each expected value is computed on every
 * rank independently (each rank knows what every rank contributes) and compared bit for bit. */
#include <float.h>
#include <math.h>
#include <sys/wait.h>

#include "test_util.h"
#include "core/internal.h"
#include "dist/internal.h"
#include "rf/internal.h"
#include "train/ridge.h"

/* ---- the share of a range ----------------------------------------------------------------- */

static void test_share_of(void **state)
{
    (void)state;
    const size_t ns[] = {0, 1, 2, 5, 7, 64, 100, 1000003, (size_t)1 << 33};
    const int sizes[] = {1, 2, 3, 4, 7, 16};
    for (size_t a = 0; a < sizeof ns / sizeof ns[0]; a++)
        for (size_t b = 0; b < sizeof sizes / sizeof sizes[0]; b++) {
            size_t n = ns[a], expect_lo = 0;
            int size = sizes[b];
            size_t prev_len = (size_t)-1;
            for (int r = 0; r < size; r++) {
                size_t lo, hi;
                ua_dist_share_of(n, r, size, &lo, &hi);
                assert_int_equal(lo, expect_lo); /* contiguous, in rank order */
                assert_true(hi >= lo);
                size_t len = hi - lo;
                /* lengths floor(n / size) or one more, the longer ones first */
                assert_true(len == n / (size_t)size || len == n / (size_t)size + 1);
                assert_true(len <= prev_len);
                assert_int_equal(len == n / (size_t)size + 1, (size_t)r < n % (size_t)size);
                prev_len = len;
                expect_lo = hi;
            }
            assert_int_equal(expect_lo, n); /* the blocks cover [0, n) */
        }
    size_t lo, hi;
    ua_dist_share(10, &lo, &hi);
    size_t lo2, hi2;
    ua_dist_share_of(10, ua_dist_rank(), ua_dist_size(), &lo2, &hi2);
    assert_int_equal(lo, lo2);
    assert_int_equal(hi, hi2);
}

/* ---- the collectives ---------------------------------------------------------------------- */

static void test_rank_size(void **state)
{
    (void)state;
    assert_int_equal(ua_dist_init(NULL, NULL), UA_OK); /* a second call is a no-op */
    int r = ua_dist_rank(), s = ua_dist_size();
    assert_true(s >= 1);
    assert_true(r >= 0 && r < s);
    assert_true(ua_dist_available() == 0 || ua_dist_available() == 1);
    if (!ua_dist_available()) assert_int_equal(s, 1);
    /* the tests' ranks all run on this machine (mpirun on localhost), one process alone */
    assert_int_equal(ua_dist_local_size(), s);
    assert_int_equal(ua_dist_barrier(), UA_OK);
}

/* What rank r contributes at i: magnitudes 1e16 and 1 mixed, so that the order of the additions
 * shows in the result (1e16 + 1 - 1e16 is 0, 1e16 - 1e16 + 1 is 1). */
static double contribution(int r, size_t i)
{
    switch ((r + (int)(i % 7)) % 4) {
    case 0: return 1e16;
    case 1: return 1.0 + (double)i * 0x1p-20;
    case 2: return -1e16;
    default: return ldexp((double)(i % 1000), -(r % 5));
    }
}

static void test_allreduce_sum_rank_order(void **state)
{
    (void)state;
    int size = ua_dist_size(), rank = ua_dist_rank();
    /* more than one chunk of the exchange (2^17 elements a call, 2^20 the largest count) */
    size_t n = ((size_t)1 << 20) + 37;
    double *buf = malloc(n * sizeof *buf);
    assert_non_null(buf);
    for (size_t i = 0; i < n; i++) buf[i] = contribution(rank, i);
    assert_int_equal(ua_dist_allreduce_sum(buf, n), UA_OK);
    for (size_t i = 0; i < n; i++) {
        double s = contribution(0, i); /* rank order 0, 1, ..., size - 1 */
        for (int r = 1; r < size; r++) s += contribution(r, i);
        if (memcmp(&s, &buf[i], sizeof s))
            fail_msg("element %zu: %.17g, the rank-ordered sum is %.17g", i, buf[i], s);
    }
    /* integers: the sum is exact whatever the order, checked against the closed form */
    for (size_t i = 0; i < 1000; i++) buf[i] = (double)(rank + 1) * (double)i;
    assert_int_equal(ua_dist_allreduce_sum(buf, 1000), UA_OK);
    for (size_t i = 0; i < 1000; i++)
        assert_true(buf[i] == (double)i * (double)size * (double)(size + 1) / 2);
    free(buf);
    assert_int_equal(ua_dist_allreduce_sum(NULL, 0), UA_OK);
    assert_int_equal(ua_dist_allreduce_sum(NULL, 3), UA_EINVAL);
}

/* The reduce-scatter: this rank's share holds the rank-ordered sum (the same bits as the full
 * sum), and the last rank's share the tail too; the rest of the buffer is untouched; then the
 * shares exchanged leave every rank the whole sum. Sizes: one element per rank and fewer, an
 * uneven split, and a share above 2^17 (the full-sum fallback). Floats through the exchange of
 * shares too. */
static void test_reduce_scatter_shares(void **state)
{
    (void)state;
    int size = ua_dist_size(), rank = ua_dist_rank();
    const size_t sizes[] = {1, 2, 3, 1000, 70403, ((size_t)1 << 18) + 5};
    for (size_t t = 0; t < sizeof sizes / sizeof *sizes; t++) {
        const size_t n = sizes[t], tail = t % 2 ? 0 : 1; /* n elements and a tail of 0 or 1 */
        size_t lo, hi;
        ua_dist_share(n, &lo, &hi);
        if (rank == size - 1) hi += tail;
        double *buf = malloc((n + tail) * sizeof *buf);
        assert_non_null(buf);
        for (size_t i = 0; i < n + tail; i++) buf[i] = contribution(rank, i);
        assert_int_equal(ua_dist_reduce_scatter_sum(buf, n, tail), UA_OK);
        /* beyond 2^17 a share, the whole sum everywhere; else the rest as it was */
        int whole = (n + (size_t)size - 1) / (size_t)size + tail > ((size_t)1 << 17);
        for (size_t i = 0; i < n + tail; i++) {
            double want = contribution(rank, i);
            if ((i >= lo && i < hi) || whole) {
                want = contribution(0, i);
                for (int r = 1; r < size; r++) want += contribution(r, i);
            }
            if (memcmp(&want, &buf[i], sizeof want))
                fail_msg("n %zu + %zu, element %zu (share [%zu, %zu)): %.17g, want %.17g", n, tail,
                         i, lo, hi, buf[i], want);
        }
        assert_int_equal(ua_dist_allgather_shares(buf, n, sizeof *buf), UA_OK);
        for (size_t i = 0; i < n; i++) {
            double want = contribution(0, i);
            for (int r = 1; r < size; r++) want += contribution(r, i);
            if (memcmp(&want, &buf[i], sizeof want))
                fail_msg("n %zu, element %zu after the exchange: %.17g, want %.17g", n, i, buf[i], want);
        }
        free(buf);
    }
    float f[37];
    size_t lo, hi;
    ua_dist_share(37, &lo, &hi);
    for (size_t i = 0; i < 37; i++) f[i] = i >= lo && i < hi ? (float)i + 0.25f : -1.0f;
    assert_int_equal(ua_dist_allgather_shares(f, 37, sizeof *f), UA_OK);
    for (size_t i = 0; i < 37; i++) assert_true(f[i] == (float)i + 0.25f);
    assert_int_equal(ua_dist_reduce_scatter_sum(NULL, 0, 0), UA_OK);
    assert_int_equal(ua_dist_reduce_scatter_sum(NULL, 3, 0), UA_EINVAL);
    assert_int_equal(ua_dist_reduce_scatter_sum(NULL, 0, 1), UA_EINVAL);
    assert_int_equal(ua_dist_allgather_shares(NULL, 3, 4), UA_EINVAL);
    assert_int_equal(ua_dist_allgather_shares(f, 3, 0), UA_EINVAL);
}

static void test_max_counters_bcast(void **state)
{
    (void)state;
    int size = ua_dist_size(), rank = ua_dist_rank();
    double mx[3] = {(double)rank, -(double)rank, rank == size - 1 ? INFINITY : 0.5};
    assert_int_equal(ua_dist_allreduce_max(mx, 3), UA_OK);
    assert_true(mx[0] == (double)(size - 1));
    assert_true(mx[1] == 0.0);
    assert_true(isinf(mx[2]) && mx[2] > 0);

    /* counters beyond 2^53, where a sum in double would round */
    unsigned long long c[2] = {(1ULL << 60) + (unsigned long long)rank, 1};
    assert_int_equal(ua_dist_allreduce_sum_u64(c, 2), UA_OK);
    assert_true(c[0] == (unsigned long long)size * (1ULL << 60) +
                        (unsigned long long)size * (unsigned long long)(size - 1) / 2);
    assert_true(c[1] == (unsigned long long)size);

    /* from the last rank: its bytes everywhere */
    unsigned char b[300];
    for (size_t i = 0; i < sizeof b; i++)
        b[i] = (unsigned char)(rank == size - 1 ? (i * 31 + 7) & 0xff : 0);
    assert_int_equal(ua_dist_bcast(b, sizeof b, size - 1), UA_OK);
    for (size_t i = 0; i < sizeof b; i++) assert_int_equal(b[i], (i * 31 + 7) & 0xff);
    assert_int_equal(ua_dist_bcast(b, sizeof b, size), UA_EINVAL);
    assert_int_equal(ua_dist_bcast(b, sizeof b, -1), UA_EINVAL);
    assert_int_equal(ua_dist_bcast(NULL, 4, 0), UA_EINVAL);
    assert_int_equal(ua_dist_allreduce_max(NULL, 1), UA_EINVAL);
    assert_int_equal(ua_dist_allreduce_sum_u64(NULL, 1), UA_EINVAL);
}

/* In a job of one rank ua_dist_abort is exit(code): seen from a forked child. (Under mpirun it
 * would end the whole job: tests/cli_mpi.sh checks that end-to-end instead.) */
static void test_abort_one_rank(void **state)
{
    (void)state;
    if (ua_dist_size() > 1) skip();
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) ua_dist_abort(7);
    int st = 0;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 7);
}

/* ---- the exhaustive check split over the ranks -------------------------------------------- */

/* Against the target x (checked through MPFR: not in the curated set): at x >= +0 two ULPs off
 * where the bits are a multiple of 5, else one ULP off where they are a multiple of 3; at x <= -0
 * one ULP off where the bits are a multiple of 3; exact elsewhere. The worst list is all ties
 * (2 ULPs), ordered by x alone, and spans the ranks' blocks. */
static float ulps_off(float x)
{
    uint32_t u;
    memcpy(&u, &x, sizeof u);
    if (!(u >> 31) && u % 5 == 0) return nextafterf(nextafterf(x, INFINITY), INFINITY);
    return u % 3 == 0 ? nextafterf(x, INFINITY) : x;
}

static void test_exhaustive_split(void **state)
{
    (void)state;
    ua_target *t = NULL;
    assert_int_equal(ua_target_parse("x", NULL, 0, &t), UA_OK);
    ua_exhaustive_options opt;
    ua_exhaustive_options_default(&opt);
    opt.threads = 1;
    opt.top = UA_EXHAUSTIVE_MAX_TOP;
    const float lo = -0x1p-140f, hi = 0x1p-139f; /* 1537 floats: both zeros, subnormals */
    ua_exhaustive_result whole, split;
    assert_int_equal(ua_exhaustive_f32(ulps_off, t, lo, hi, &opt, &whole), UA_OK);
    memset(&split, 0, sizeof split);
    float a, b;
    if (ua_exhaustive_share(lo, hi, &a, &b)) {
        assert_true(a >= lo && b <= hi);
        assert_int_equal(ua_exhaustive_f32(ulps_off, t, a, b, &opt, &split), UA_OK);
    }
    assert_int_equal(ua_exhaustive_combine(&split, opt.top), UA_OK);
    assert_int_equal(split.count, ua_f32_count(lo, hi));
    assert_int_equal(split.count, whole.count);
    assert_int_equal(split.n_not_cr, whole.n_not_cr);
    assert_int_equal(split.n_over_1ulp, whole.n_over_1ulp);
    assert_int_equal(split.n_mpfr, whole.n_mpfr);
    assert_int_equal(split.n_undecided, whole.n_undecided);
    assert_int_equal(split.n_nan_mismatch, whole.n_nan_mismatch);
    assert_int_equal(split.n_inf_mismatch, whole.n_inf_mismatch);
    assert_true(split.max_ulp == whole.max_ulp);
    assert_int_equal(split.fast_path, whole.fast_path);
    assert_int_equal(split.ntop, opt.top);
    assert_int_equal(split.ntop, whole.ntop);
    for (size_t i = 0; i < split.ntop; i++) {
        assert_true(split.top[i].x == whole.top[i].x);
        assert_true(signbit(split.top[i].x) == signbit(whole.top[i].x));
        assert_true(split.top[i].err_ulp == whole.top[i].err_ulp);
        assert_true(split.top[i].y == whole.top[i].y);
    }
    /* independently, from the bits: the counts, and the worst list (all at 2 ULPs) the
     * positive floats of bits 0, 5, 10, ... */
    uint64_t n_off = 0, n_two = 0;
    uint32_t ulo, uhi;
    memcpy(&ulo, &lo, sizeof ulo);
    memcpy(&uhi, &hi, sizeof uhi);
    for (uint32_t u = 0x80000000u; u <= ulo; u++) n_off += u % 3 == 0;
    for (uint32_t u = 0; u <= uhi; u++) {
        n_off += u % 5 == 0 || u % 3 == 0;
        n_two += u % 5 == 0;
    }
    assert_int_equal(whole.n_not_cr, n_off);
    assert_int_equal(whole.n_over_1ulp, n_two);
    assert_true(whole.max_ulp == 2.0);
    assert_int_equal(whole.ntop, UA_EXHAUSTIVE_MAX_TOP);
    for (size_t i = 0; i < whole.ntop; i++) {
        uint32_t u = 5 * (uint32_t)i;
        float x;
        memcpy(&x, &u, sizeof x);
        assert_true(whole.top[i].err_ulp == 2.0);
        assert_true(whole.top[i].x == x && !signbit(whole.top[i].x));
    }
    ua_target_free(t);
}

/* ---- the dense verification split over the ranks ------------------------------------------ */

/* sin(x) + sin(y) with a perturbation that repeats (equal errors at many points: ties) */
static ua_status approx2(void *ctx, const double *x, size_t n, double *y)
{
    (void)ctx;
    for (size_t i = 0; i < n; i++) {
        double a = x[2 * i], b = x[2 * i + 1];
        y[i] = sin(a) + sin(b) + 1e-9 * round(4 * cos(7 * a) * cos(5 * b));
    }
    return UA_OK;
}

static void same_point(const double *a, const double *b, size_t d)
{
    for (size_t j = 0; j < d; j++)
        if (memcmp(&a[j], &b[j], sizeof a[j]))
            fail_msg("coordinate %zu: %.17g vs %.17g", j, a[j], b[j]);
}

static void test_verify_box_split(void **state)
{
    (void)state;
    ua_target *t = NULL;
    assert_int_equal(ua_target_parse("sin(x) + sin(y)", (const char *[]){"x", "y"}, 2, &t), UA_OK);
    ua_reference ref = {0};
    ref.target = t;
    const double lo[2] = {-1, -2}, hi[2] = {2, 1};
    ua_verify_box_options o;
    ua_verify_box_options_default(&o, 2);
    o.grid_points = 900;
    o.sobol_points = 1500;
    o.threads = 1;
    o.tol_abs = 1e-12;
    o.tol_scale = 1e-10;
    o.tol_rel = 1e-9; /* every term: the verdict keeps |e| and |f| per point */
    ua_box_errors whole, split;
    assert_int_equal(ua_verify_box(approx2, NULL, &ref, 2, lo, hi, &o, &whole), UA_OK);
    o.distribute = 1;
    assert_int_equal(ua_verify_box(approx2, NULL, &ref, 2, lo, hi, &o, &split), UA_OK);
    assert_int_equal(split.npoints, whole.npoints);
    assert_int_equal(split.n_nonfinite_ref, whole.n_nonfinite_ref);
    const double *ws[] = {&whole.scale, &whole.max_abs, &whole.max_rel, &whole.max_rel_scale,
                          &whole.rms_abs, &whole.max_ulp64, &whole.max_ulp32, &whole.tol_ratio};
    const double *ss[] = {&split.scale, &split.max_abs, &split.max_rel, &split.max_rel_scale,
                          &split.rms_abs, &split.max_ulp64, &split.max_ulp32, &split.tol_ratio};
    for (size_t k = 0; k < sizeof ws / sizeof ws[0]; k++)
        if (memcmp(ws[k], ss[k], sizeof(double)))
            fail_msg("field %zu: %.17g split, %.17g whole", k, *ss[k], *ws[k]);
    same_point(split.x_max_abs, whole.x_max_abs, 2);
    same_point(split.x_max_rel, whole.x_max_rel, 2);
    same_point(split.x_max_ulp64, whole.x_max_ulp64, 2);
    same_point(split.x_max_ulp32, whole.x_max_ulp32, 2);
    same_point(split.x_tol_ratio, whole.x_tol_ratio, 2);
    /* the perturbation's size is what was measured: 1e-9 steps, at most 4 of them */
    assert_true(whole.max_abs >= 3e-9 && whole.max_abs <= 4e-9 + 1e-15);
    ua_box_errors_free(&whole);
    ua_box_errors_free(&split);
    ua_target_free(t);
}

/* ---- rf: the ranks' Gram matrix against the single-process solve -------------------------- */

static void test_rf_solve_split(void **state)
{
    (void)state;
    ua_rf_options o;
    ua_rf_options_default(&o);
    o.features = 120;
    o.act = UA_RF_TANH;
    ua_rf *m = NULL;
    const size_t d = 3, n = 1500;
    assert_int_equal(ua_rf_draw(&o, d, &m), UA_OK);
    double *z = malloc(n * d * sizeof *z), *y = malloc(n * sizeof *y);
    double *c1 = malloc(o.features * sizeof *c1), *c2 = malloc(o.features * sizeof *c2);
    assert_true(z && y && c1 && c2);
    ua_rng r;
    ua_rng_seed(&r, 11);
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < d; j++) z[i * d + j] = 2 * ua_rng_uniform(&r) - 1;
        y[i] = sin(3 * z[i * d]) * cos(2 * z[i * d + 1]) + z[i * d + 2] * z[i * d + 2];
    }
    /* the double-precision solve over the ranks (the fallback of the mixed-precision one under
     * mpirun) against the single process's: all features in one array, src/train/ridge.c's
     * Cholesky. At lambda 1 the system is conditioned well enough for both to be within 1e-12 of
     * its solution (at lambda 1e-3 the two agree to 3e-7 only: docs/scale.md) */
    double *phi = malloc(n * o.features * sizeof *phi), lam = 1.0;
    assert_non_null(phi);
    assert_int_equal(ua_rf_features_std(m, z, n, phi), UA_OK);
    assert_int_equal(ua_ridge_features(phi, y, n, o.features, 1, NULL, 0, 0, &lam, NULL, NULL,
                                       c1), UA_OK);
    free(phi);
    assert_int_equal(ua_rf_solve_fixed_dist(m, z, y, n, 1.0, c2), UA_OK);
    double dmax = 0, cmax = 0;
    for (size_t j = 0; j < o.features; j++) {
        dmax = fmax(dmax, fabs(c1[j] - c2[j]));
        cmax = fmax(cmax, fabs(c1[j]));
    }
    assert_true(cmax > 0);
    ASSERT_LE(dmax / cmax, 1e-10);
    assert_int_equal(ua_rf_solve_fixed_dist(m, z, y, n, 0.0, c2), UA_EINVAL);
    free(z);
    free(y);
    free(c1);
    free(c2);
    ua_rf_free(m);
}

/* The mixed-precision solve at a fixed lambda over the ranks (ua_rf_solve_fixed: each rank's
 * float32 Gram matrix, summed in pieces of rows; 400 features make a triangle of 80,200 entries,
 * more than one piece of 2^16) against the single process's double solve of the same features
 * (src/train/ridge.c), and the same bits on every rank. */
static void test_rf_solve_fixed_pieces(void **state)
{
    (void)state;
    ua_rf_options o;
    ua_rf_options_default(&o);
    o.features = 400;
    ua_rf *m = NULL;
    const size_t d = 4, n = 2000;
    assert_int_equal(ua_rf_draw(&o, d, &m), UA_OK);
    m->k = 1;
    double *z = malloc(n * d * sizeof *z), *y = malloc(n * sizeof *y);
    double *c1 = malloc(o.features * sizeof *c1), *c2 = malloc(2 * o.features * sizeof *c2);
    double *phi = malloc(n * o.features * sizeof *phi), lam = 1.0;
    assert_true(z && y && c1 && c2 && phi);
    ua_rng r;
    ua_rng_seed(&r, 5);
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < d; j++) z[i * d + j] = 2 * ua_rng_uniform(&r) - 1;
        y[i] = exp(z[i * d]) * sin(2 * z[i * d + 1]) + z[i * d + 2] * z[i * d + 3];
    }
    assert_int_equal(ua_rf_features_std(m, z, n, phi), UA_OK);
    assert_int_equal(ua_ridge_features(phi, y, n, o.features, 1, NULL, 0, 0, &lam, NULL, NULL,
                                       c1), UA_OK);
    assert_int_equal(ua_rf_solve_fixed(m, z, y, n, 1.0, c2), UA_OK);
    /* the fitted values, not the weights (400 features of 4 inputs are nearly dependent: the
     * weights are ill-conditioned), to 1e-6: the mixed solve's features are rounded to float32
     * (its system is that of the rounded features), 2.2e-8 from the double solve in one process.
     * A piece of the Gram matrix summed wrongly, or missing, is far beyond that. */
    double dmax = 0, pmax = 0;
    for (size_t i = 0; i < n; i++) {
        double p1 = 0, p2 = 0;
        for (size_t j = 0; j < o.features; j++) {
            p1 += phi[i * o.features + j] * c1[j];
            p2 += phi[i * o.features + j] * c2[j];
        }
        dmax = fmax(dmax, fabs(p1 - p2));
        pmax = fmax(pmax, fabs(p1));
    }
    free(phi);
    assert_true(pmax > 0);
    ASSERT_LE(dmax / pmax, 1e-6);
    /* every rank the same weights: the largest of c and of -c over the ranks are c and -c */
    for (size_t j = 0; j < o.features; j++) c2[o.features + j] = -c2[j];
    memcpy(c1, c2, o.features * sizeof *c1);
    assert_int_equal(ua_dist_allreduce_max(c2, 2 * o.features), UA_OK);
    for (size_t j = 0; j < o.features; j++)
        if (c2[j] != c1[j] || c2[o.features + j] != -c1[j])
            fail_msg("weight %zu differs between the ranks: %.17g here, from %.17g to %.17g", j,
                     c1[j], -c2[o.features + j], c2[j]);
    free(z);
    free(y);
    free(c1);
    free(c2);
    ua_rf_free(m);
}

int main(int argc, char **argv)
{
    if (ua_dist_init(&argc, &argv) != UA_OK) {
        fprintf(stderr, "test_dist: %s\n", ua_last_error());
        return 1;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_share_of),
        cmocka_unit_test(test_rank_size),
        cmocka_unit_test(test_allreduce_sum_rank_order),
        cmocka_unit_test(test_reduce_scatter_shares),
        cmocka_unit_test(test_max_counters_bcast),
        cmocka_unit_test(test_abort_one_rank),
        cmocka_unit_test(test_exhaustive_split),
        cmocka_unit_test(test_verify_box_split),
        cmocka_unit_test(test_rf_solve_split),
        cmocka_unit_test(test_rf_solve_fixed_pieces),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    /* a failure on one rank must not leave the others waiting in a collective */
    if (failed && ua_dist_size() > 1) ua_dist_abort(1);
    ua_dist_finalize();
    return failed;
}
