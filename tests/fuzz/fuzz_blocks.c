/*
 * tests/fuzz/fuzz_blocks.c — the out-of-core block reader (uniapprox/blocks.h). The first byte of
 * the input chooses the format (bit 0: CSV or .npy) and the block size (bits 1-4: 1 .. 16 rows);
 * the rest is the file. A source that opens must give, block by block, exactly the rows of the
 * in-memory reader ua_dataset_read of the same file (the same rules, so the same table), every
 * value finite, and its statistics must lie within each column's range; a shuffled epoch must
 * visit every block once. A file the in-memory reader refuses must be refused too.
 */
#include <math.h>

#include "fuzz_util.h"
#include "uniapprox.h"
#include "uniapprox/blocks.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    int csv = data[0] & 1;
    size_t B = 1 + ((data[0] >> 1) & 15);
    char path[512];
    fz_write(csv ? "table.csv" : "table.npy", data + 1, size - 1, path, sizeof path);
    ua_blocks *b = NULL;
    ua_dataset *ds = NULL;
    ua_status sb = ua_blocks_open(path, UA_FORMAT_AUTO, B, &b);
    ua_status sd = ua_dataset_read(path, csv ? UA_FORMAT_CSV : UA_FORMAT_NPY, &ds);
    if (sb != UA_OK) {
        if (b) abort();
        /* the same file read whole may fail too; it may not succeed where the blocks fail,
         * except a .npy whose data the mapping cannot reach (not a regular file: never here) */
        if (sd == UA_OK && sb != UA_ENOMEM) abort();
        ua_dataset_free(ds);
        return 0;
    }
    if (sd != UA_OK) abort();
    size_t n = ua_blocks_rows(b), d = ua_blocks_cols(b), nb = ua_blocks_count(b);
    if (n != ua_dataset_rows(ds) || d != ua_dataset_cols(ds) || nb != (n + B - 1) / B) abort();
    const double *ref = ua_dataset_values(ds);
    double *blk = malloc(B * d * sizeof *blk), *mean = malloc(4 * d * sizeof *mean);
    size_t *order = malloc(nb * sizeof *order);
    if (!blk || !mean || !order) abort();
    ua_blocks_shuffle(size, 1, order, nb);
    unsigned char *seen = calloc(nb, 1);
    for (size_t q = 0; q < nb; q++) {
        size_t i = order[q], nr;
        if (i >= nb || seen[i]++) abort();
        if (ua_blocks_read(b, i, blk, &nr) != UA_OK || nr != ua_blocks_rows_of(b, i)) abort();
        if (memcmp(blk, ref + i * B * d, nr * d * sizeof *blk) != 0) abort();
    }
    double *sd_ = mean + d, *lo = sd_ + d, *hi = lo + d;
    ua_blocks_stats(b, mean, sd_, lo, hi);
    for (size_t j = 0; j < d; j++)
        if (!(lo[j] <= hi[j]) || !(sd_[j] >= 0) ||
            !(mean[j] >= lo[j] - 1e-9 * fabs(lo[j]) && mean[j] <= hi[j] + 1e-9 * fabs(hi[j])))
            if (isfinite(hi[j] - lo[j])) abort(); /* a range beyond double: Welford may overflow */
    free(seen);
    free(blk);
    free(mean);
    free(order);
    ua_blocks_close(b);
    ua_dataset_free(ds);
    return 0;
}
