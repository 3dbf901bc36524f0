/*
 * tests/fuzz/fuzz_data.h — what the table harnesses (fuzz_csv, fuzz_text, fuzz_npy) do with a
 * dataset that was read: check its shape and names, look columns up by name and by index, and
 * select rows and columns, as ua_problem_read_samples does.
 */
#ifndef UA_FUZZ_DATA_H
#define UA_FUZZ_DATA_H

#include <math.h>
#include "uniapprox/data.h"
#include "fuzz_util.h"

static inline void fz_use_dataset(const char *path, ua_format format)
{
    ua_dataset *ds = NULL;
    if (ua_dataset_read(path, format, &ds) != UA_OK) {
        if (ds) abort(); /* a failed read must leave *out NULL */
        return;
    }
    size_t n = ua_dataset_rows(ds), d = ua_dataset_cols(ds);
    const double *v = ua_dataset_values(ds);
    if (!n || !d || !v) abort(); /* the readers refuse empty tables */
    for (size_t i = 0; i < n * d; i++)
        if (!isfinite(v[i])) abort(); /* ... and non-finite cells */
    for (size_t j = 0; j < d; j++) {
        const char *name = ua_dataset_colname(ds, j);
        size_t k;
        if (!name || ua_dataset_column(ds, name, &k) != UA_OK || k != j) abort();
    }
    size_t k;
    (void)ua_dataset_column(ds, "0", &k);
    (void)ua_dataset_column(ds, "no such column", &k);
    size_t rows[2] = {n - 1, 0}, cols[2] = {d - 1, 0};
    double out[4];
    if (ua_dataset_select(ds, rows, 2, cols, 2, out) != UA_OK) abort();
    ua_dataset_free(ds);
}

#endif
