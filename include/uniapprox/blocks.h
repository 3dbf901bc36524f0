/*
 * uniapprox/blocks.h — out-of-core training data: a table too large for memory, read in blocks
 * of rows (docs/data.md, "Out-of-core data").
 *
 * A block source is a 2-D table of n rows and d columns on disk, split into consecutive blocks
 * of B rows (the last one shorter). Two formats:
 *   - NumPy .npy, float32 or float64 (either byte order), C order, shape (n, d) or (n,): the file
 *     is memory-mapped; reading a block touches only its pages, and they are released
 *     (madvise MADV_DONTNEED) after the copy, so the resident memory stays about one block.
 *   - CSV with a header row (the rules of ua_dataset_read): not random-access, so opening it
 *     makes one sequential pass that checks every row and records the byte offset of the first
 *     line of each block (an index of n / B offsets); a block is then read by seeking to its
 *     offset and parsing B rows.
 * The same opening pass (for .npy a pass over the mapped data) computes the per-column mean,
 * population standard deviation (Welford's streaming update, Welford 1962; Chan, Golub &
 * LeVeque 1983 for the combination), minimum and maximum, and refuses NaN/Inf. Memory is
 * O(d + n / B) besides one block, whatever n.
 *
 * Shuffling without random access: an epoch visits the blocks in a seeded random order
 * (ua_blocks_shuffle over the block numbers) and, inside a block, the rows in a seeded random
 * order — every row exactly once per epoch, a permutation of all n rows, but not a uniform one
 * (rows of one block stay together). This is the shuffle of streaming loaders (PyTorch's
 * IterableDataset with a shuffle buffer of one block; TensorFlow's shuffle buffer).
 *
 * Validation is a set of whole blocks held out (ua_blocks_split), so that training never reads
 * a validation row and no per-row index of n entries is needed.
 *
 * Thread-safety: a source may be read from one thread at a time (the CSV reader seeks a shared
 * FILE); distinct sources are independent. A file must not be changed while its source is open:
 * a CSV block that no longer parses is an error, but a mapped .npy truncated by another process
 * raises SIGBUS on the missing pages, as with any memory-mapped reader.
 */
#ifndef UNIAPPROX_BLOCKS_H
#define UNIAPPROX_BLOCKS_H

#include <stddef.h>
#include <stdint.h>
#include "uniapprox/data.h"
#include "uniapprox/model.h"
#include "uniapprox/options.h"
#include "uniapprox/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A table on disk read in blocks of rows. */
typedef struct ua_blocks ua_blocks;

/*
 * Opens the table at path: format UA_FORMAT_NPY or UA_FORMAT_CSV, or UA_FORMAT_AUTO (by the
 * extension: .npy, .csv; anything else is refused). block_rows B >= 1 is the rows of every block
 * but the last (a B beyond the table's rows is lowered to them: one block). Makes the one checking and statistics pass described above.
 * Errors: UA_EINVAL (NULL arguments, B = 0, an unsupported format, cannot open: names the file
 * and the system's reason), UA_EFORMAT (the messages of ua_dataset_read: a bad .npy header or
 * dtype, truncated data or bytes after it, a ragged CSV row, a non-number, NaN/Inf — file, line or
 * row, and column named; no data rows), UA_EIO, UA_ENOMEM. *out is NULL on failure.
 * Complexity: O(file size) time, O(d + n / B) memory. Free with ua_blocks_close.
 */
ua_status ua_blocks_open(const char *path, ua_format format, size_t block_rows, ua_blocks **out);

/* Unmaps / closes the file and frees the source. NULL is a no-op. */
void ua_blocks_close(ua_blocks *b);

/* Shape: n rows, d columns, the number of blocks ceil(n / B), B, and the rows of block i (0 for
 * i out of range). NULL b gives 0. */
size_t ua_blocks_rows(const ua_blocks *b);
size_t ua_blocks_cols(const ua_blocks *b);
size_t ua_blocks_count(const ua_blocks *b);
size_t ua_blocks_block_rows(const ua_blocks *b);
size_t ua_blocks_rows_of(const ua_blocks *b, size_t i);

/* Column j's name (CSV header; "0", "1", ... for .npy), owned by b; NULL for j >= d. */
const char *ua_blocks_colname(const ua_blocks *b, size_t j);

/*
 * The statistics of the opening pass, each (d,): mean, population standard deviation (divide by
 * n; 0 for a constant column, whose mean is then that value exactly), minimum, maximum. Any
 * pointer may be NULL. Welford's update in double: relative error about n * 1e-16 at worst,
 * typically far less; not bitwise equal to ua_scaler_fit's two-pass values.
 */
void ua_blocks_stats(const ua_blocks *b, double *mean, double *sd, double *min, double *max);

/*
 * Copies block i, file order, into out (ua_blocks_rows_of(b, i), d) row-major doubles (float32
 * widened exactly) and sets *nrows. For .npy the block's pages are released after the copy.
 * Errors: UA_EINVAL (i out of range, NULL arguments), UA_EIO (a read error, or the file changed
 * since it was opened: a CSV block whose rows no longer parse gives UA_EFORMAT with line and
 * column), UA_ENOMEM (CSV line buffer).
 */
ua_status ua_blocks_read(ua_blocks *b, size_t i, double *out, size_t *nrows);

/*
 * perm (n,) := a seeded uniform random permutation of 0 .. n-1 (Fisher-Yates with the library's
 * xoshiro256** generator seeded by (seed, stream)): the block order of an epoch (stream = the
 * epoch) or the row order inside a block (stream = a hash of epoch and block). Deterministic for
 * a given (seed, stream, n).
 */
void ua_blocks_shuffle(uint64_t seed, uint64_t stream, size_t *perm, size_t n);

/*
 * Splits the blocks into training and validation blocks: nval = round(val_frac * count) blocks
 * (at least 1 when val_frac > 0), chosen by a seeded permutation; both lists ascending.
 * train (count,) and val (count,) are the caller's; *ntrain + *nval = count.
 * Errors: UA_EINVAL (val_frac outside [0, 1); val_frac > 0 with fewer than 2 blocks, or leaving
 * no training block: the message suggests a smaller block size or --val-frac 0).
 */
ua_status ua_blocks_split(const ua_blocks *b, double val_frac, uint64_t seed, size_t *train,
                          size_t *ntrain, size_t *val, size_t *nval);

/*
 * The standardisation of the columns cols[0 .. ncols) from the opening pass's statistics, as
 * ua_scaler_fit gives it for an in-memory table (uniapprox/data.h): mean and population standard
 * deviation, scale 1 for a constant column. sc->d = ncols; free with ua_scaler_free.
 * Errors: UA_EINVAL (a column out of range, NULL arguments), UA_ENOMEM.
 */
ua_status ua_blocks_scaler(const ua_blocks *b, const size_t *cols, size_t ncols, ua_scaler *sc);

/*
 * Splits rows (n, d) of a block into inputs x (n, d - 1), every column but ycol in order, and the
 * target y (n,), column ycol < d. In place is not allowed (x, y distinct from rows).
 */
void ua_blocks_xy(const double *rows, size_t n, size_t d, size_t ycol, double *x, double *y);

/* ---- fitting and measuring a model on a block source (src/model/fit_blocks.c) ------------- */

/*
 * Fits family (a registered name: "rf", "mlp") out of core to src: inputs every column but ycol,
 * target column ycol; opt the family's option set (ua_family_options; NULL: defaults). The model's
 * box is the inputs' [min, max] from the opening pass. The families that train out of core have
 * the vtable's fit_blocks (src/model/family.h): rf (ua_rf_fit_blocks) and mlp (ua_mlp_fit_blocks).
 * Errors: UA_ENOTFOUND (unknown family), UA_EUNSUPPORTED (a family that does not train out of
 * core: the message lists those that do), the family's errors; *out is NULL on failure.
 */
ua_status ua_fit_blocks(ua_blocks *src, size_t ycol, const char *family, const ua_options *opt,
                        ua_model **out);

/*
 * Measures m on every row of src, block by block in file order (the blocks a fit held out
 * included): *rmse the root-mean-square and *max_abs the largest absolute error of the prediction
 * against column ycol, in the target's units (either pointer may be NULL). Memory: one block and
 * its predictions.
 * Errors: UA_EINVAL (NULL arguments, ycol out of range, a model whose inputs are not the other
 * d - 1 columns), the reader's and the model's errors, UA_ENOMEM.
 */
ua_status ua_model_measure_blocks(const ua_model *m, ua_blocks *src, size_t ycol, double *rmse,
                                  double *max_abs);

#ifdef __cplusplus
}
#endif
#endif /* UNIAPPROX_BLOCKS_H */
