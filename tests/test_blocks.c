/* Tests of the out-of-core block reader (uniapprox/blocks.h) and the out-of-core fits of rf and
 * mlp: the blocks return exactly the file's rows (numpy-written .npy float32 and big-endian
 * float64, a CSV with comments, blanks and CRLF; tests/gen/blocks_fixtures.py), the streaming
 * statistics equal numpy's mean and std, an epoch's shuffled order visits every row once, bad
 * files are refused with messages, rf's out-of-core normal equations equal Phi^T Phi of the
 * in-memory features, and an out-of-core mlp reaches the in-memory fit's accuracy. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TU_SCRATCH_TAG "ua_test_blocks"
#include "test_util.h"
#include "uniapprox/blocks.h"
#include "core/internal.h"
#include "rf/internal.h"
#include "data/blocks_ref.h"

static const char *fixture(const char *name)
{
    static char p[512];
    snprintf(p, sizeof p, "%s/data/%s", UA_TEST_DIR, name);
    return p;
}

/* Reads every block of path in file order and compares with ref (n, d) exactly; the statistics
 * with numpy's to 1e-13 relative (Welford against numpy's pairwise two-pass sums). */
static void check_rows(const char *path, size_t B, const double *ref, size_t n, size_t d,
                       const double *mean, const double *sd)
{
    ua_blocks *b;
    assert_int_equal(ua_blocks_open(path, UA_FORMAT_AUTO, B, &b), UA_OK);
    assert_int_equal(ua_blocks_rows(b), n);
    assert_int_equal(ua_blocks_cols(b), d);
    assert_int_equal(ua_blocks_count(b), (n + B - 1) / B);
    double *blk = malloc(B * d * sizeof *blk);
    size_t at = 0;
    for (size_t i = 0; i < ua_blocks_count(b); i++) {
        size_t nr;
        assert_int_equal(ua_blocks_read(b, i, blk, &nr), UA_OK);
        assert_int_equal(nr, ua_blocks_rows_of(b, i));
        assert_memory_equal(blk, ref + at * d, nr * d * sizeof *blk);
        at += nr;
    }
    assert_int_equal(at, n);
    /* a block read again, out of order, gives the same rows */
    size_t nr;
    assert_int_equal(ua_blocks_read(b, 0, blk, &nr), UA_OK);
    assert_memory_equal(blk, ref, nr * d * sizeof *blk);
    double mu[8], s[8], lo[8], hi[8];
    ua_blocks_stats(b, mu, s, lo, hi);
    for (size_t j = 0; j < d; j++) {
        ASSERT_LE(fabs(mu[j] - mean[j]), 1e-13 * (fabs(mean[j]) + sd[j]));
        ASSERT_LE(fabs(s[j] - sd[j]), 1e-13 * (fabs(mean[j]) + sd[j]));
        assert_true(lo[j] <= hi[j]);
    }
    assert_float_equal(lo[0], 0.0, 0.0);
    assert_float_equal(hi[0], (double)(n - 1), 0.0);
    free(blk);
    ua_blocks_close(b);
}

static void test_rows_npy_csv(void **state)
{
    (void)state;
    size_t sizes[] = {1, 4, 5, 22, 23, 100};
    for (size_t t = 0; t < sizeof sizes / sizeof *sizes; t++) {
        check_rows(fixture("blocks_f4.npy"), sizes[t], ref_f4, REF_F4_N, REF_F4_D, ref_f4_mean,
                   ref_f4_std);
        check_rows(fixture("blocks_f8be.npy"), sizes[t], ref_f8be, REF_F8BE_N, REF_F8BE_D,
                   ref_f8be_mean, ref_f8be_std);
        check_rows(fixture("blocks.csv"), sizes[t], ref_csv, REF_CSV_N, REF_CSV_D, ref_csv_mean,
                   ref_csv_std);
    }
    ua_blocks *b;
    assert_int_equal(ua_blocks_open(fixture("blocks.csv"), UA_FORMAT_CSV, 4, &b), UA_OK);
    assert_string_equal(ua_blocks_colname(b, 3), "y");
    assert_null(ua_blocks_colname(b, 4));
    ua_blocks_close(b);
    assert_int_equal(ua_blocks_open(fixture("blocks_f4.npy"), UA_FORMAT_NPY, 4, &b), UA_OK);
    assert_string_equal(ua_blocks_colname(b, 2), "2");
    ua_blocks_close(b);
}

/* Two epochs of the shuffled order (block order by epoch, rows inside a block by epoch and block)
 * visit every row exactly once each, and the order is not the file's. */
static void test_epoch_is_permutation(void **state)
{
    (void)state;
    const char *files[] = {"blocks_f4.npy", "blocks_f8be.npy", "blocks.csv"};
    for (size_t f = 0; f < 3; f++) {
        ua_blocks *b;
        assert_int_equal(ua_blocks_open(fixture(files[f]), UA_FORMAT_AUTO, 4, &b), UA_OK);
        size_t n = ua_blocks_rows(b), d = ua_blocks_cols(b), nb = ua_blocks_count(b);
        double *blk = malloc(4 * d * sizeof *blk);
        size_t *order = malloc(nb * sizeof *order), perm[4], *seen = calloc(n, sizeof *seen);
        int moved = 0;
        for (uint64_t epoch = 1; epoch <= 2; epoch++) {
            ua_blocks_shuffle(7, epoch, order, nb);
            size_t pos = 0;
            for (size_t q = 0; q < nb; q++) {
                size_t nr;
                assert_int_equal(ua_blocks_read(b, order[q], blk, &nr), UA_OK);
                ua_blocks_shuffle(8, epoch * nb + order[q], perm, nr);
                for (size_t i = 0; i < nr; i++, pos++) {
                    size_t row = (size_t)blk[perm[i] * d]; /* column 0 is the row number */
                    assert_true(row < n);
                    seen[row]++;
                    moved |= row != pos;
                }
            }
            assert_int_equal(pos, n);
        }
        for (size_t i = 0; i < n; i++) assert_int_equal(seen[i], 2);
        assert_true(moved);
        free(blk);
        free(order);
        free(seen);
        ua_blocks_close(b);
    }
}

static void test_split_whole_blocks(void **state)
{
    (void)state;
    ua_blocks *b;
    assert_int_equal(ua_blocks_open(fixture("blocks_f4.npy"), UA_FORMAT_AUTO, 2, &b), UA_OK);
    size_t nb = ua_blocks_count(b), tr[12], va[12], nt, nv;
    assert_int_equal(nb, 12);
    assert_int_equal(ua_blocks_split(b, 0.25, 3, tr, &nt, va, &nv), UA_OK);
    assert_int_equal(nv, 3);
    assert_int_equal(nt + nv, nb);
    unsigned char hit[12] = {0};
    for (size_t i = 0; i < nt; i++) hit[tr[i]]++;
    for (size_t i = 0; i < nv; i++) hit[va[i]]++;
    for (size_t i = 0; i < nb; i++) assert_int_equal(hit[i], 1);
    assert_int_equal(ua_blocks_split(b, 0, 3, tr, &nt, va, &nv), UA_OK);
    assert_int_equal(nv, 0);
    assert_int_equal(ua_blocks_split(b, 1.0, 3, tr, &nt, va, &nv), UA_EINVAL);
    ua_blocks_close(b);
    /* one block cannot be split */
    assert_int_equal(ua_blocks_open(fixture("blocks_f4.npy"), UA_FORMAT_AUTO, 100, &b), UA_OK);
    assert_int_equal(ua_blocks_split(b, 0.1, 3, tr, &nt, va, &nv), UA_EINVAL);
    assert_non_null(strstr(ua_last_error(), "--block-rows"));
    ua_blocks_close(b);
}

static void write_bytes(const char *path, const void *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(p, 1, n, f), n);
    fclose(f);
}

/* Opening path fails with want and a message containing what. */
static void refused(const char *path, size_t B, ua_status want, const char *what)
{
    ua_blocks *b = (ua_blocks *)1;
    ua_status s = ua_blocks_open(path, UA_FORMAT_AUTO, B, &b);
    if (s != want) fail_msg("%s: status %d, want %d (%s)", path, (int)s, (int)want, ua_last_error());
    assert_null(b);
    if (!strstr(ua_last_error(), what)) fail_msg("'%s' lacks '%s'", ua_last_error(), what);
}

static void test_bad_files(void **state)
{
    (void)state;
    size_t len;
    unsigned char *npy = tu_slurp(fixture("blocks_f4.npy"), &len);
    write_bytes(tu_path("trunc.npy"), npy, len - 3);
    refused(tu_path("trunc.npy"), 4, UA_EFORMAT, "truncated");
    write_bytes(tu_path("hdr.npy"), npy, 40);
    refused(tu_path("hdr.npy"), 4, UA_EFORMAT, "header");
    unsigned char *big = malloc(len + 5);
    memcpy(big, npy, len);
    memset(big + len, 0, 5);
    write_bytes(tu_path("extra.npy"), big, len + 5);
    refused(tu_path("extra.npy"), 4, UA_EFORMAT, "5 bytes after the data");
    float nan = NAN;
    memcpy(big + len - 4 * 4, &nan, 4); /* row 22, column 3 (1-based) */
    write_bytes(tu_path("nan.npy"), big, len);
    refused(tu_path("nan.npy"), 4, UA_EFORMAT, "row 22, column 3: non-finite");
    write_bytes(tu_path("empty.npy"), "", 0);
    refused(tu_path("empty.npy"), 4, UA_EFORMAT, "empty");
    free(big);
    free(npy);
    size_t shape3[3] = {2, 2, 2};
    double v8[8] = {0};
    assert_int_equal(ua_npy_write(tu_path("rank3.npy"), UA_NPY_F8, shape3, 3, v8), UA_OK);
    refused(tu_path("rank3.npy"), 4, UA_EFORMAT, "3 dimensions");
    const char ragged[] = "a,b\n1,2\n3,4\n5\n";
    write_bytes(tu_path("ragged.csv"), ragged, sizeof ragged - 1);
    refused(tu_path("ragged.csv"), 2, UA_EFORMAT, "line 4 has 1 columns, expected 2");
    const char word[] = "a,b\n1,2\n3,x\n";
    write_bytes(tu_path("word.csv"), word, sizeof word - 1);
    refused(tu_path("word.csv"), 2, UA_EFORMAT, "line 3, column 2: 'x' is not a number");
    const char inf[] = "a,b\n1,inf\n";
    write_bytes(tu_path("inf.csv"), inf, sizeof inf - 1);
    refused(tu_path("inf.csv"), 2, UA_EFORMAT, "non-finite");
    write_bytes(tu_path("header.csv"), "a,b\n", 4);
    refused(tu_path("header.csv"), 2, UA_EFORMAT, "no data rows");
    refused(fixture("blocks.csv"), 0, UA_EINVAL, "block size");
    refused(fixture("small.txt"), 4, UA_EINVAL, ".npy (float32 or float64) or a .csv");
    refused(tu_path("missing.npy"), 4, UA_EINVAL, "cannot open");
}

/* rows (n, 4): three inputs in [-1, 1] and y = sin(2 x0) + x1 x2 + 0.5 */
static double *make_table(size_t n, uint64_t seed)
{
    double *t = malloc(n * 4 * sizeof *t);
    ua_rng r;
    ua_rng_seed(&r, seed);
    for (size_t i = 0; i < n; i++) {
        double *row = t + i * 4;
        for (int j = 0; j < 3; j++) row[j] = 2 * ua_rng_uniform(&r) - 1;
        row[3] = sin(2 * row[0]) + row[1] * row[2] + 0.5;
    }
    return t;
}

/* The out-of-core normal equations over the blocks in file order equal Phi^T Phi and Phi^T y of
 * the whole table's features (long double sums) to 1e-12 relative; the weights agree with the
 * in-memory fit at the same lambda to the float32 rounding of its features. */
static void test_rf_normal_equations(void **state)
{
    (void)state;
    size_t n = 3000, M = 80;
    double *t = make_table(n, 11);
    size_t shape[2] = {n, 4};
    assert_int_equal(ua_npy_write(tu_path("rf.npy"), UA_NPY_F8, shape, 2, t), UA_OK);
    ua_blocks *src;
    assert_int_equal(ua_blocks_open(tu_path("rf.npy"), UA_FORMAT_AUTO, 700, &src), UA_OK);
    ua_rf_options o;
    ua_rf_options_default(&o);
    o.features = M;
    o.lambda = 1e-3;
    ua_rf *m;
    assert_int_equal(ua_rf_fit_blocks(src, 3, 0, &o, &m), UA_OK);
    size_t nb = ua_blocks_count(src), all[8];
    for (size_t i = 0; i < nb; i++) all[i] = i;
    double *work = malloc((700 * 4 + 1024 * (4 + M + 1)) * sizeof *work);
    double *G = malloc(M * M * sizeof *G), *b = malloc(M * sizeof *b), yy;
    size_t rows;
    assert_int_equal(ua_rf_normal_blocks(m, src, 3, all, nb, work, G, b, &yy, &rows), UA_OK);
    assert_int_equal(rows, n);
    /* the reference: all rows in memory, standardised by the model's scalers */
    double *x = malloc(n * 3 * sizeof *x), *y = malloc(n * sizeof *y), *phi = malloc(n * M * sizeof *phi);
    ua_blocks_xy(t, n, 4, 3, x, y);
    ua_scaler_apply(&m->xs, x, n);
    ua_scaler_apply(&m->ys, y, n);
    assert_int_equal(ua_rf_features_std(m, x, n, phi), UA_OK);
    double gmax = 0, gerr = 0, bmax = 0, berr = 0;
    for (size_t j = 0; j < M; j++) {
        for (size_t l = 0; l < M; l++) {
            long double s = 0;
            for (size_t i = 0; i < n; i++) s += (long double)phi[i * M + j] * phi[i * M + l];
            gmax = fmax(gmax, fabs((double)s));
            gerr = fmax(gerr, fabs(G[j * M + l] - (double)s));
        }
        long double s = 0;
        for (size_t i = 0; i < n; i++) s += (long double)phi[i * M + j] * y[i];
        bmax = fmax(bmax, fabs((double)s));
        berr = fmax(berr, fabs(b[j] - (double)s));
    }
    ASSERT_LE(gerr, 1e-12 * gmax);
    ASSERT_LE(berr, 1e-12 * bmax);
    /* the in-memory fit: same hidden layer, weights from float32 features refined in double */
    double *xr = malloc(n * 3 * sizeof *xr), *yr = malloc(n * sizeof *yr);
    ua_blocks_xy(t, n, 4, 3, xr, yr);
    ua_rf *mi;
    assert_int_equal(ua_rf_fit(xr, yr, n, 3, 1, &o, &mi), UA_OK);
    double *p1 = malloc(n * sizeof *p1), *p2 = malloc(n * sizeof *p2), worst = 0;
    assert_int_equal(ua_rf_predict(m, xr, n, p1), UA_OK);
    assert_int_equal(ua_rf_predict(mi, xr, n, p2), UA_OK);
    for (size_t i = 0; i < n; i++) worst = fmax(worst, fabs(p1[i] - p2[i]));
    print_message("rf: out-of-core vs in-memory predictions differ by %.3g (target sd %.3g)\n", worst, m->ys.scale[0]);
    ASSERT_LE(worst, 1e-5 * m->ys.scale[0]);
    /* and the fit is a fit: RMSE well below the target's spread */
    double se = 0;
    for (size_t i = 0; i < n; i++) se += (p1[i] - yr[i]) * (p1[i] - yr[i]);
    ASSERT_LE(sqrt(se / (double)n), 0.1 * m->ys.scale[0]);
    /* lambda chosen on held-out validation blocks */
    ua_rf *mv;
    o.lambda = 0;
    assert_int_equal(ua_rf_fit_blocks(src, 3, 0.25, &o, &mv), UA_OK);
    assert_true(isfinite(mv->select_rmse) && mv->lambda > 0);
    ASSERT_LE(mv->select_rmse, 0.1 * m->ys.scale[0]);
    ua_rf_free(mv);
    free(p1);
    free(p2);
    free(xr);
    free(yr);
    ua_rf_free(mi);
    free(x);
    free(y);
    free(phi);
    free(work);
    free(G);
    free(b);
    ua_rf_free(m);
    ua_blocks_close(src);
    free(t);
}

/* The out-of-core mlp reaches the in-memory fit's test RMSE within 25% + 0.01 (same network,
 * optimiser, epochs and batch; a different shuffle and validation split, so not the same run). */
static void test_mlp_accuracy(void **state)
{
    (void)state;
    size_t n = 4000, nt = 2000;
    double *t = make_table(n, 21), *test = make_table(nt, 22);
    size_t shape[2] = {n, 4};
    assert_int_equal(ua_npy_write(tu_path("mlp.npy"), UA_NPY_F8, shape, 2, t), UA_OK);
    ua_mlp_options o;
    ua_mlp_options_default(&o);
    assert_int_equal(ua_mlp_hidden_parse("32x32", &o), UA_OK);
    o.epochs = 40;
    o.batch = 32;
    o.val_frac = 0.1;
    o.seed = 5;
    o.threads = 1;
    double *x = malloc(n * 3 * sizeof *x), *y = malloc(n * sizeof *y);
    ua_blocks_xy(t, n, 4, 3, x, y);
    ua_mlp *mi, *mo;
    assert_int_equal(ua_mlp_fit(x, y, n, 3, 1, &o, &mi), UA_OK);
    ua_blocks *src;
    assert_int_equal(ua_blocks_open(tu_path("mlp.npy"), UA_FORMAT_AUTO, 400, &src), UA_OK);
    assert_int_equal(ua_mlp_fit_blocks(src, 3, &o, &mo), UA_OK);
    double *xt = malloc(nt * 3 * sizeof *xt), *yt = malloc(nt * sizeof *yt);
    double *p = malloc(nt * sizeof *p), rmse[2];
    ua_blocks_xy(test, nt, 4, 3, xt, yt);
    for (int k = 0; k < 2; k++) {
        assert_int_equal(ua_mlp_predict(k ? mo : mi, xt, nt, p), UA_OK);
        double se = 0;
        for (size_t i = 0; i < nt; i++) se += (p[i] - yt[i]) * (p[i] - yt[i]);
        rmse[k] = sqrt(se / (double)nt);
    }
    print_message("mlp test RMSE: in memory %.4g, out of core %.4g\n", rmse[0], rmse[1]);
    ASSERT_LE(rmse[0], 0.1);
    ASSERT_LE(rmse[1], 1.25 * rmse[0] + 0.01);
    /* not offered out of core: L-BFGS, classification */
    ua_mlp *bad = (ua_mlp *)1;
    o.optim = UA_OPTIM_LBFGS;
    assert_int_equal(ua_mlp_fit_blocks(src, 3, &o, &bad), UA_EINVAL);
    assert_null(bad);
    ua_blocks_close(src);
    ua_mlp_free(mi);
    ua_mlp_free(mo);
    free(x);
    free(y);
    free(xt);
    free(yt);
    free(p);
    free(t);
    free(test);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rows_npy_csv),
        cmocka_unit_test(test_epoch_is_permutation),
        cmocka_unit_test(test_split_whole_blocks),
        cmocka_unit_test(test_bad_files),
        cmocka_unit_test(test_rf_normal_equations),
        cmocka_unit_test(test_mlp_accuracy),
    };
    return cmocka_run_group_tests(tests, tu_scratch_setup, tu_scratch_teardown);
}
