/* The dataset object: construction, accessors, column lookup, row/column selection
 * (uniapprox/data.h). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "internal.h"

void ua_data_free_names(char **names, size_t d)
{
    if (!names) return;
    for (size_t j = 0; j < d; j++) free(names[j]);
    free(names);
}

ua_status ua_data_make(double *x, size_t n, size_t d, char **names, const char *source,
                       ua_dataset **out)
{
    ua_dataset *ds = calloc(1, sizeof *ds);
    if (!ds) goto nomem;
    if (!names) {
        names = ua_calloc(d, sizeof *names);
        if (!names) goto nomem;
        for (size_t j = 0; j < d; j++) {
            char buf[32];
            snprintf(buf, sizeof buf, "%zu", j);
            if (!(names[j] = ua_strdup(buf))) goto nomem;
        }
    }
    ds->source = ua_strdup(source ? source : "array");
    if (!ds->source) goto nomem;
    ds->n = n;
    ds->d = d;
    ds->x = x;
    ds->names = names;
    *out = ds;
    return UA_OK;
nomem:
    if (ds) free(ds->source);
    free(ds);
    free(x);
    ua_data_free_names(names, d);
    return UA_ENOMEM_ERR(sizeof *ds);
}

typedef struct {
    const char *name;
    size_t col;
} named;

static int cmp_named(const void *a, const void *b)
{
    const named *p = a, *q = b;
    int c = strcmp(p->name, q->name);
    return c ? c : (p->col > q->col) - (p->col < q->col);
}

int ua_data_find_dup(const char *const *names, size_t d, size_t *first, size_t *second)
{
    named *v = ua_calloc(d, sizeof *v);
    if (!v) return -1;
    for (size_t j = 0; j < d; j++) v[j] = (named){names[j], j};
    qsort(v, d, sizeof *v, cmp_named);
    /* Among the equal runs, report the pair whose second member comes first in the file, so the
     * message points at the earliest offending column. */
    int found = 0;
    for (size_t k = 1; k < d; k++) {
        if (strcmp(v[k - 1].name, v[k].name) != 0) continue;
        if (!found || v[k].col < *second) { /* v[k - 1], v[k]: the first two of this run */
            *first = v[k - 1].col;
            *second = v[k].col;
            found = 1;
        }
        while (k + 1 < d && strcmp(v[k].name, v[k + 1].name) == 0) k++; /* skip the run */
    }
    free(v);
    return found;
}

ua_status ua_dataset_from_array(const double *values, size_t n, size_t d,
                                const char *const *names, ua_dataset **out)
{
    if (!out) return UA_ERR(UA_EINVAL, "ua_dataset_from_array: out is NULL");
    *out = NULL;
    if (!values || n == 0 || d == 0)
        return UA_ERR(UA_EINVAL, "ua_dataset_from_array: need values and n, d > 0 (got n = %zu, "
                                 "d = %zu)", n, d);
    if (n > SIZE_MAX / sizeof(double) / d)
        return UA_ERR(UA_EINVAL, "ua_dataset_from_array: shape (%zu, %zu) too large", n, d);
    for (size_t i = 0; i < n * d; i++)
        if (!isfinite(values[i]))
            return UA_ERR(UA_EINVAL, "ua_dataset_from_array: value at row %zu, column %zu is not "
                                     "finite", i / d, i % d);
    if (names) {
        for (size_t j = 0; j < d; j++)
            if (!names[j] || !*names[j])
                return UA_ERR(UA_EINVAL, "ua_dataset_from_array: column %zu has no name", j);
        size_t a, b;
        int dup = ua_data_find_dup(names, d, &a, &b);
        if (dup < 0) return UA_ENOMEM_ERR(d * sizeof(named));
        if (dup)
            return UA_ERR(UA_EINVAL, "ua_dataset_from_array: columns %zu and %zu are both "
                                     "named '%s'", a, b, names[a]);
    }
    double *x = malloc(n * d * sizeof *x);
    char **nm = NULL;
    if (!x) return UA_ENOMEM_ERR(n * d * sizeof *x);
    memcpy(x, values, n * d * sizeof *x);
    if (names) {
        if (!(nm = ua_calloc(d, sizeof *nm))) {
            free(x);
            return UA_ENOMEM_ERR(d * sizeof *nm);
        }
        for (size_t j = 0; j < d; j++)
            if (!(nm[j] = ua_strdup(names[j]))) {
                free(x);
                ua_data_free_names(nm, d);
                return UA_ENOMEM_ERR(strlen(names[j]) + 1);
            }
    }
    return ua_data_make(x, n, d, nm, "array", out);
}

void ua_dataset_free(ua_dataset *ds)
{
    if (!ds) return;
    free(ds->x);
    ua_data_free_names(ds->names, ds->d);
    free(ds->source);
    free(ds);
}

size_t ua_dataset_rows(const ua_dataset *ds) { return ds ? ds->n : 0; }
size_t ua_dataset_cols(const ua_dataset *ds) { return ds ? ds->d : 0; }
const double *ua_dataset_values(const ua_dataset *ds) { return ds ? ds->x : NULL; }

const char *ua_dataset_colname(const ua_dataset *ds, size_t j)
{
    return ds && j < ds->d ? ds->names[j] : NULL;
}

/* "a, b, c" into buf, shortened to ", ... (N columns)" when it does not fit. */
static const char *column_list(const ua_dataset *ds, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t j = 0; j < ds->d; j++) {
        size_t len = strlen(ds->names[j]) + (j ? 2 : 0);
        if (used + len + 32 >= size) {
            snprintf(buf + used, size - used, "%s... (%zu columns)", j ? ", " : "", ds->d);
            break;
        }
        used += (size_t)snprintf(buf + used, size - used, "%s%s", j ? ", " : "", ds->names[j]);
    }
    return buf;
}

ua_status ua_dataset_column(const ua_dataset *ds, const char *name_or_index, size_t *j)
{
    if (!ds || !name_or_index || !j)
        return UA_ERR(UA_EINVAL, "ua_dataset_column: NULL argument");
    for (size_t k = 0; k < ds->d; k++)
        if (strcmp(ds->names[k], name_or_index) == 0) {
            *j = k;
            return UA_OK;
        }
    /* Not a name: a plain decimal index (digits only, no sign or blanks). */
    const char *s = name_or_index;
    size_t idx = 0;
    int ok = *s != '\0';
    for (; *s && ok; s++) {
        if (*s < '0' || *s > '9' || idx > (SIZE_MAX - 9) / 10) ok = 0;
        else idx = 10 * idx + (size_t)(*s - '0');
    }
    if (ok && idx < ds->d) {
        *j = idx;
        return UA_OK;
    }
    char list[600], shown[64];
    return UA_ERR(UA_ENOTFOUND, "no column '%s' in %s (columns: %s)",
                  ua_data_clip(shown, sizeof shown, name_or_index), ds->source,
                  column_list(ds, list, sizeof list));
}

ua_status ua_dataset_select(const ua_dataset *ds, const size_t *rows, size_t nrows,
                            const size_t *cols, size_t ncols, double *out)
{
    if (!ds || (!out && nrows && ncols))
        return UA_ERR(UA_EINVAL, "ua_dataset_select: NULL argument");
    if (!rows && nrows > ds->n)
        return UA_ERR(UA_EINVAL, "ua_dataset_select: %zu rows asked for, %s has %zu", nrows,
                      ds->source, ds->n);
    if (!cols && ncols > ds->d)
        return UA_ERR(UA_EINVAL, "ua_dataset_select: %zu columns asked for, %s has %zu", ncols,
                      ds->source, ds->d);
    /* Check every index first, so that out is untouched on failure. */
    for (size_t i = 0; rows && i < nrows; i++)
        if (rows[i] >= ds->n)
            return UA_ERR(UA_EINVAL, "ua_dataset_select: row index rows[%zu] = %zu out of range "
                                     "(%s has %zu rows)", i, rows[i], ds->source, ds->n);
    for (size_t k = 0; cols && k < ncols; k++)
        if (cols[k] >= ds->d)
            return UA_ERR(UA_EINVAL, "ua_dataset_select: column index cols[%zu] = %zu out of "
                                     "range (%s has %zu columns)", k, cols[k], ds->source, ds->d);
    for (size_t i = 0; i < nrows; i++) {
        const double *src = ds->x + (rows ? rows[i] : i) * ds->d; /* (d,) */
        double *dst = out + i * ncols;                            /* (ncols,) */
        for (size_t k = 0; k < ncols; k++) dst[k] = src[cols ? cols[k] : k];
    }
    return UA_OK;
}
