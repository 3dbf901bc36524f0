/*
 * tests/fuzz/fuzz_samples.c — reading a problem of samples from files (ua_problem_read_samples,
 * uniapprox/problem.h), the path `uniapprox fit --data ...` takes. Byte 0 (mod 3) chooses:
 *   0  a UCI split folder: data.txt, index_features.txt, index_target.txt, index_train_0.txt,
 *      index_test_0.txt, in that order, separated by "|UA|" (a missing part is a missing file);
 *   1  CSV tables with column lists: x_cols, y_cols (empty: not given), data.csv, test.csv;
 *   2  sequences: x.npy, y.npy, test_x.npy, test_y.npy (the test pair only when both present).
 * What reads is a problem whose shape is checked, then freed.
 */
#include <sys/stat.h>

#include "uniapprox/problem.h"
#include "fuzz_util.h"

#define MAX_PARTS 5

/* Writes part i of the input to name, or removes a stale name when the input has no part i. */
static const char *part(const char *name, size_t i, size_t parts, const uint8_t **p,
                        const size_t *n, char *path, size_t len)
{
    if (i < parts) {
        fz_write(name, p[i], n[i], path, len);
        return path;
    }
    snprintf(path, len, "%s/%s", fz_tmpdir(), name);
    unlink(path);
    return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    unsigned mode = data[0] % 3;
    const uint8_t *p[MAX_PARTS];
    size_t n[MAX_PARTS];
    size_t parts = fz_split(data + 1, size - 1, MAX_PARTS, p, n);
    char path[MAX_PARTS][512], dir[512];
    ua_sample_source src;
    memset(&src, 0, sizeof src);
    char *xc = NULL, *yc = NULL;
    if (mode == 0) {
        static const char *const names[MAX_PARTS] = {
            "split/data.txt", "split/index_features.txt", "split/index_target.txt",
            "split/index_train_0.txt", "split/index_test_0.txt"};
        snprintf(dir, sizeof dir, "%s/split", fz_tmpdir());
        mkdir(dir, 0700);
        for (size_t i = 0; i < MAX_PARTS; i++) part(names[i], i, parts, p, n, path[i], 512);
        src.split_dir = dir;
        src.format = UA_FORMAT_TEXT;
    } else if (mode == 1) {
        if (parts > 0 && n[0]) xc = fz_strndup(p[0], n[0]);
        if (parts > 1 && n[1]) yc = fz_strndup(p[1], n[1]);
        src.x_cols = xc;
        src.y_cols = yc;
        src.data = part("data.csv", 2, parts, p, n, path[2], 512);
        src.test_data = part("test.csv", 3, parts, p, n, path[3], 512);
        src.format = UA_FORMAT_CSV;
    } else {
        src.sequences = 1;
        src.data = part("x.npy", 0, parts, p, n, path[0], 512);
        src.targets = part("y.npy", 1, parts, p, n, path[1], 512);
        if (parts >= 4) {
            src.test_data = part("tx.npy", 2, parts, p, n, path[2], 512);
            src.test_targets = part("ty.npy", 3, parts, p, n, path[3], 512);
        }
        src.format = UA_FORMAT_NPY;
    }
    ua_problem *prob = NULL;
    if (ua_problem_read_samples(&src, &prob) == UA_OK) {
        if (!prob || (mode != 2 && ua_problem_dim(prob) == 0)) abort(); /* tokens: d 0 */
        (void)ua_problem_kind_of(prob);
        (void)ua_problem_describe(prob);
        ua_problem_free(prob);
    } else if (prob) {
        abort();
    }
    free(xc);
    free(yc);
    return 0;
}
