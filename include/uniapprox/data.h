/*
 * uniapprox/data.h — samples: reading tables of numbers (CSV with a header row, whitespace-
 * separated text such as the UCI files, NumPy .npy), choosing columns and rows, the standard UCI
 * train/test split files, and standardisation.
 *
 * A ua_dataset is an (n, d) row-major table of doubles with d column names. Every reader treats
 * its file as untrusted: ragged rows, non-numeric cells, NaN/Inf, empty files and malformed .npy
 * headers are UA_EFORMAT errors whose message names the file, the 1-based line and the 1-based
 * column ("data.csv: line 7, column 3: 'abc' is not a number").
 */
#ifndef UNIAPPROX_DATA_H
#define UNIAPPROX_DATA_H

#include <stddef.h>
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
 * (surrounding blanks allowed; blank lines and lines starting with '#' skipped). TEXT: rows of
 * numbers separated by blanks or tabs (blank and '#' lines skipped). NPY: version 1.0-3.0 headers,
 * '<f4' / '<f8' (and big-endian '>f4' '>f8'), fortran_order False.
 * Errors: UA_EINVAL (cannot open: names the file), UA_EFORMAT (ragged row, non-numeric or
 * non-finite cell, no data rows, bad header — file, line, column named), UA_EIO, UA_ENOMEM.
 * The caller frees *out with ua_dataset_free.
 */
ua_status ua_dataset_read(const char *path, ua_format format, ua_dataset **out);

/*
 * Builds a dataset from memory (copies values, shape (n, d); names may be NULL for "0", "1", ...).
 * Errors: UA_EINVAL (n or d zero, non-finite value), UA_ENOMEM.
 */
ua_status ua_dataset_from_array(const double *values, size_t n, size_t d,
                                const char *const *names, ua_dataset **out);

/* Releases a dataset. NULL is a no-op. */
void ua_dataset_free(ua_dataset *ds);

size_t ua_dataset_rows(const ua_dataset *ds);
size_t ua_dataset_cols(const ua_dataset *ds);
const double *ua_dataset_values(const ua_dataset *ds);           /* (rows, cols), owned by ds */
const char *ua_dataset_colname(const ua_dataset *ds, size_t j);  /* owned by ds */

/*
 * Resolves a column given by name or by 0-based index ("3"); a name wins over an index.
 * Errors: UA_ENOTFOUND ("no column 'foo' in data.csv (columns: a, b, c)").
 */
ua_status ua_dataset_column(const ua_dataset *ds, const char *name_or_index, size_t *j);

/*
 * Copies rows (nrows indices, each < rows; NULL means all rows in order) and cols (ncols
 * indices) into out, shape (nrows, ncols), row-major.
 * Errors: UA_EINVAL (an index out of range: names it), UA_ENOMEM.
 */
ua_status ua_dataset_select(const ua_dataset *ds, const size_t *rows, size_t nrows,
                            const size_t *cols, size_t ncols, double *out);

/*
 * Reads a file of non-negative integers separated by whitespace (the UCI split files
 * index_train_K.txt, index_features.txt, ...; values written as "12" or "12.0"). Every value must
 * be < limit. *idx is malloc'd (free with free()).
 * Errors: UA_EINVAL (cannot open), UA_EFORMAT (not an integer, negative, >= limit: line named;
 * empty file), UA_ENOMEM.
 */
ua_status ua_read_indices(const char *path, size_t limit, size_t **idx, size_t *n);

/* Per-column standardisation z = (x - mean) / scale, fitted on training rows. A column with zero
 * spread gets scale 1 (it is only centred). */
typedef struct {
    size_t d;
    double *mean;  /* (d,) */
    double *scale; /* (d,) population standard deviation, or 1 for a constant column */
} ua_scaler;

/* Fits a scaler to x (n, d), n >= 1. Errors: UA_EINVAL (n or d zero), UA_ENOMEM. Free with
 * ua_scaler_free (frees the arrays, not the struct). */
ua_status ua_scaler_fit(const double *x, size_t n, size_t d, ua_scaler *sc);
void ua_scaler_free(ua_scaler *sc);

/* In place: x (n, d) <- (x - mean) / scale, and the inverse. */
void ua_scaler_apply(const ua_scaler *sc, double *x, size_t n);
void ua_scaler_invert(const ua_scaler *sc, double *x, size_t n);

#ifdef __cplusplus
}
#endif
#endif /* UNIAPPROX_DATA_H */
