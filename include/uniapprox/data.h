/*
 * uniapprox/data.h — samples: reading tables of numbers (CSV with a header row, whitespace-
 * separated text such as the UCI files, NumPy .npy), choosing columns and rows, the standard UCI
 * train/test split files, and standardisation.
 *
 * A ua_dataset is an (n, d) row-major table of doubles with d column names. Every reader treats
 * its file as untrusted: ragged rows, non-numeric cells, NaN/Inf, empty files and malformed .npy
 * headers are UA_EFORMAT errors whose message names the file, the 1-based line and the 1-based
 * column ("data.csv: line 7, column 3: 'abc' is not a number"); lines are physical lines of the
 * file (blank and comment lines count), columns are fields (1-based), and in a .npy file the
 * message names the header column or the data row and column instead.
 *
 * Numbers are read with strtod, whose decimal point is the C locale's: the library never calls
 * setlocale, so a program that keeps the default "C" locale reads '.' (one that sets LC_NUMERIC
 * to a comma locale should set it back before reading). strtod's forms are accepted (12, -1.5e3,
 * 0x1p-3); "nan", "inf", "infinity" and out-of-range values such as 1e999 are refused.
 *
 * ua_npy_read reads a .npy array of any rank and of integer or float type (the reader that
 * ua_dataset_read uses for its 1-D / 2-D float tables).
 *
 * Thread-safety: every function here may run concurrently on distinct objects; a dataset is
 * immutable, so one may be read from several threads. Docs: docs/data.md.
 */
#ifndef UNIAPPROX_DATA_H
#define UNIAPPROX_DATA_H

#include <stddef.h>
#include <stdint.h>
#include "uniapprox/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* File formats. Append only. */
typedef enum {
    UA_FORMAT_AUTO = 0,       /* by extension: .csv -> CSV, .npy -> NPY, anything else -> TEXT */
    UA_FORMAT_CSV = 1,        /* comma-separated, first row is a header of column names */
    UA_FORMAT_TEXT = 2,       /* whitespace-separated numbers, no header; columns named "0", "1", ... */
    UA_FORMAT_NPY = 3         /* NumPy .npy, float32 or float64, C order, 1-D (n,) or 2-D (n, d) */
} ua_format;

/* An (n, d) table of doubles with column names. Immutable once read. */
typedef struct ua_dataset ua_dataset;

/*
 * Reads the file at path. CSV: a header row of names, then rows of numbers separated by commas
 * (surrounding blanks allowed; blank lines and lines starting with '#' skipped; a field may be
 * quoted, "x y", with "" for a quote; a UTF-8 byte-order mark is skipped). TEXT: rows of numbers
 * separated by blanks or tabs (blank and '#' lines skipped). Both: "\n" or "\r\n" line ends, no
 * limit on line length. NPY: version 1.0-3.0 headers, '<f4' / '<f8' (and big-endian '>f4' '>f8'),
 * fortran_order False, shape (n,) (one column) or (n, d); the data size must match the shape
 * exactly. float32 values are widened exactly to double.
 * Errors: UA_EINVAL (cannot open: names the file and the system's reason; path is a directory;
 * unknown format), UA_EFORMAT (ragged row, non-numeric or non-finite cell, no data rows, empty
 * or duplicate header name, bad .npy header, dtype, order or size — file, line, column named),
 * UA_EIO (a read error), UA_ENOMEM. *out is NULL on failure.
 * Complexity: one pass, O(file size) time; memory about 8 bytes per cell (up to twice that while
 * the table grows). The caller frees *out with ua_dataset_free.
 */
ua_status ua_dataset_read(const char *path, ua_format format, ua_dataset **out);

/*
 * Builds a dataset from memory (copies values, shape (n, d), and the names; names may be NULL
 * for "0", "1", ...). Its messages call it "array".
 * Errors: UA_EINVAL (n or d zero, n * d too large, a non-finite value, a NULL, empty or repeated
 * name), UA_ENOMEM. *out is NULL on failure.
 */
ua_status ua_dataset_from_array(const double *values, size_t n, size_t d,
                                const char *const *names, ua_dataset **out);

/* Releases a dataset. NULL is a no-op. */
void ua_dataset_free(ua_dataset *ds);

/* Shape and contents. NULL ds gives 0 / NULL; colname gives NULL for j >= cols. */
size_t ua_dataset_rows(const ua_dataset *ds);
size_t ua_dataset_cols(const ua_dataset *ds);
const double *ua_dataset_values(const ua_dataset *ds);           /* (rows, cols), owned by ds */
const char *ua_dataset_colname(const ua_dataset *ds, size_t j);  /* owned by ds */

/*
 * Resolves a column given by name or by 0-based index ("3": decimal digits only); a name wins
 * over an index (in a CSV whose header has a column named "3", "3" is that column).
 * Errors: UA_ENOTFOUND ("no column 'foo' in data.csv (columns: a, b, c)"; a long list is
 * shortened), UA_EINVAL (a NULL argument). *j is unchanged on failure. O(cols).
 */
ua_status ua_dataset_column(const ua_dataset *ds, const char *name_or_index, size_t *j);

/*
 * Copies rows (nrows indices, each < rows) and cols (ncols indices, each < cols) into out,
 * shape (nrows, ncols), row-major. rows NULL means rows 0 .. nrows-1 (nrows = ua_dataset_rows
 * gives all rows in order; nrows must not exceed it); cols NULL likewise means 0 .. ncols-1.
 * Indices may repeat. Every index is checked before anything is written, so out is untouched on
 * failure.
 * Errors: UA_EINVAL (an index out of range: names its position and value; a NULL argument).
 * O(nrows * ncols); allocates nothing.
 */
ua_status ua_dataset_select(const ua_dataset *ds, const size_t *rows, size_t nrows,
                            const size_t *cols, size_t ncols, double *out);

/*
 * Reads a file of non-negative integers separated by whitespace (the UCI split files
 * index_train_K.txt, index_features.txt, ...: one 0-based index per line; values written as "12",
 * "12.0" or "12." are accepted; blank and '#' lines skipped). Every value must be < limit.
 * Order and repeats are kept as in the file. *idx is malloc'd (free with free()), *n >= 1.
 * Errors: UA_EINVAL (cannot open: names the file), UA_EFORMAT (not an integer, negative,
 * >= limit: line and column named; no indices in the file), UA_EIO, UA_ENOMEM. On failure
 * *idx is NULL and *n is 0.
 */
ua_status ua_read_indices(const char *path, size_t limit, size_t **idx, size_t *n);

/* Per-column standardisation z = (x - mean) / scale, fitted on training rows (the UCI protocol:
 * fit on the training split, apply to both splits, invert predictions back to target units).
 * A column with zero spread (all values equal) gets mean = that value exactly and scale 1, so it
 * maps to exact zeros. */
typedef struct {
    size_t d;
    double *mean;  /* (d,) */
    double *scale; /* (d,) population standard deviation, or 1 for a constant column */
} ua_scaler;

/* Fits a scaler to x (n, d), n >= 1: mean and population standard deviation (divide by n) of each
 * column, by the corrected two-pass algorithm with compensated sums (Chan, Golub & LeVeque 1983),
 * accurate to about 1 ulp. O(n d) time.
 * Errors: UA_EINVAL (x NULL, n or d zero, a non-finite value: names it), UA_ENOMEM; *sc is zeroed
 * on failure. Free with ua_scaler_free (frees the arrays, not the struct; sets them to NULL, so a
 * second call is harmless; NULL is a no-op). */
ua_status ua_scaler_fit(const double *x, size_t n, size_t d, ua_scaler *sc);
void ua_scaler_free(ua_scaler *sc);

/* In place: x (n, sc->d) <- (x - mean) / scale, and the inverse x <- z * scale + mean. invert
 * after apply returns x to within 2 ulps of max(|x|, |mean|) (most values bitwise). */
void ua_scaler_apply(const ua_scaler *sc, double *x, size_t n);
void ua_scaler_invert(const ua_scaler *sc, double *x, size_t n);

/* ---- NumPy .npy arrays of any rank ------------------------------------------------------- */

/* Element types of a .npy file. Append only. */
typedef enum {
    UA_NPY_F4 = 1, /* float32: descr '<f4' or '>f4' */
    UA_NPY_F8 = 2, /* float64: '<f8' / '>f8' */
    UA_NPY_I4 = 3, /* int32:   '<i4' / '>i4' */
    UA_NPY_I8 = 4, /* int64:   '<i8' / '>i8' */
    /* read only (ua_npy_write takes F4 .. I8): integers as token and class files often come */
    UA_NPY_I1 = 5, /* int8:    '|i1' (or '<i1', '>i1') */
    UA_NPY_I2 = 6, /* int16:   '<i2' / '>i2' */
    UA_NPY_U1 = 7, /* uint8:   '|u1' */
    UA_NPY_U2 = 8, /* uint16:  '<u2' / '>u2' */
    UA_NPY_U4 = 9, /* uint32:  '<u4' / '>u4' */
    UA_NPY_U8 = 10 /* uint64:  '<u8' / '>u8' (values beyond 2^53 refused) */
} ua_npy_dtype;

#define UA_NPY_MAX_DIMS 32 /* numpy's own limit on ndim */

/* An n-D array read from a .npy file. */
typedef struct {
    ua_npy_dtype dtype;             /* the file's element type */
    int big_endian;                 /* 1 when the file's data was big-endian ('>') */
    size_t ndim;                    /* 0 (a scalar, shape ()) .. UA_NPY_MAX_DIMS */
    size_t shape[UA_NPY_MAX_DIMS];  /* shape[0 .. ndim); entries may be 0 */
    size_t count;                   /* prod(shape): 1 for a scalar, 0 when an entry is 0 */
    double *v;                      /* (count,) C order, as double in host order; every value
                                       exact (float32 widened, integers within +-2^53); NULL when
                                       count is 0 */
} ua_npy;

/*
 * Reads the .npy file at path: versions 1.0, 2.0, 3.0; dtype float32, float64, int8/16/32/64 or
 * uint8/16/32/64 in either byte order; fortran_order False; any rank. The file is untrusted: the header must be a
 * dict with exactly the keys 'descr', 'fortran_order' and 'shape' (each once), every length is
 * checked for overflow, the data must have exactly the size the shape says, and memory grows only
 * as data arrives (a header claiming a huge shape costs nothing).
 * Errors: UA_EINVAL (path or out NULL; cannot open: names the file and the system's reason; path is
 * a directory), UA_EFORMAT (not a .npy file, empty, bad version, bad header — "x.npy: .npy header,
 * column C: ..." —, unsupported dtype, Fortran order, shape too large, truncated data or bytes
 * after it, a NaN/Inf float or a 64-bit integer beyond +-2^53 — "x.npy: row R, column C: ..." for 1-D/2-D,
 * "x.npy: element [i, j, k]: ..." otherwise, 1-based), UA_EIO (a read error), UA_ENOMEM. Every
 * message starts with path. *out is NULL on failure.
 * O(file size) time; memory 8 bytes per element plus a 64 KiB buffer. Free *out with ua_npy_free.
 */
ua_status ua_npy_read(const char *path, ua_npy **out);

/* Releases an array from ua_npy_read (the struct and its values). NULL is a no-op. */
void ua_npy_free(ua_npy *a);

/*
 * Writes a C-order .npy file, version 1.0, of shape (shape[0 .. ndim)), ndim <= UA_NPY_MAX_DIMS:
 * data holds prod(shape) elements of dtype (float, double, int32_t or int64_t) in host order, and
 * the file says the host's byte order. Atomic for a regular file: written to a temporary file in
 * the same folder and renamed over path (a symbolic link is followed and kept), so a failure
 * leaves what was at path; a device or FIFO is written in place.
 * Errors: UA_EINVAL (a NULL argument, unknown dtype, ndim too large, shape too large),
 * UA_EIO (cannot create or write: names path).
 */
ua_status ua_npy_write(const char *path, ua_npy_dtype dtype, const size_t *shape, size_t ndim,
                       const void *data);

#ifdef __cplusplus
}
#endif
#endif /* UNIAPPROX_DATA_H */
