/*
 * Sequence data: reading inputs and targets with the library's .npy reader (ua_npy_read,
 * uniapprox/data.h, which checks the file itself), writing them (ua_npy_write), and the
 * validation of ranks, shapes, tokens and classes against a model's shapes. Messages name the file.
 */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "uniapprox/data.h"
#include "internal.h"

ua_status ua_seq_npy_write(const char *path, const int64_t *shape, size_t ndim,
                           const int32_t *ints, const float *floats)
{
    size_t sh[UA_NPY_MAX_DIMS];
    if (ndim > UA_NPY_MAX_DIMS)
        return UA_ERR(UA_EINVAL, "%s: %zu dimensions (at most %d)", path, ndim, UA_NPY_MAX_DIMS);
    for (size_t i = 0; i < ndim; i++) {
        if (shape[i] < 0) return UA_ERR(UA_EINVAL, "%s: negative shape entry", path);
        sh[i] = (size_t)shape[i];
    }
    return ints ? ua_npy_write(path, UA_NPY_I4, sh, ndim, ints)
                : ua_npy_write(path, UA_NPY_F4, sh, ndim, floats);
}

void ua_seq_data_free(ua_seq_data *d)
{
    if (!d) return;
    free(d->tok);
    free(d->x);
    free(d->cls);
    free(d->y);
    memset(d, 0, sizeof *d);
}

/* Integer-valued doubles to int32 (for tokens / classes). */
static ua_status to_ints(const char *path, const double *v, size_t count, int32_t **out)
{
    int32_t *t = malloc(count * sizeof *t);
    if (!t) return UA_ENOMEM_ERR(count * sizeof *t);
    for (size_t i = 0; i < count; i++) {
        if (v[i] != floor(v[i]) || v[i] < 0 || v[i] > 2147483647.0) {
            free(t);
            return UA_ERR(UA_EFORMAT, "%s: element %zu (%g) is not a non-negative integer token", path,
                          i, v[i]);
        }
        t[i] = (int32_t)v[i];
    }
    *out = t;
    return UA_OK;
}

/* Doubles to float (inputs / targets); a value beyond the float range would become +-Inf, which
 * the file format promises to refuse (-3.1e231 in a float64 .npy became -Inf). */
static ua_status to_floats(const char *path, const double *v, size_t count, float **out)
{
    float *t = malloc(count * sizeof *t);
    if (!t) return UA_ENOMEM_ERR(count * sizeof *t);
    for (size_t i = 0; i < count; i++) {
        if (fabs(v[i]) > FLT_MAX) {
            free(t);
            return UA_ERR(UA_EFORMAT, "%s: element %zu (%g) is beyond the float range (+-%g)",
                          path, i, v[i], (double)FLT_MAX);
        }
        t[i] = (float)v[i];
    }
    *out = t;
    return UA_OK;
}

ua_status ua_seq_data_read(const char *x_path, const char *y_path, ua_seq_data *out)
{
    memset(out, 0, sizeof *out);
    ua_npy *x = NULL, *y = NULL;
    ua_status s = ua_npy_read(x_path, &x);
    if (s) return s;
    if (x->ndim != 2 && x->ndim != 3) {
        s = UA_ERR(UA_EFORMAT, "%s: inputs have %zu dimensions; expected (N, n) tokens or (N, n, d) "
                               "floats", x_path, x->ndim);
        goto done;
    }
    if (x->count == 0) {
        s = UA_ERR(UA_EFORMAT, "%s: the inputs are empty (a zero in the shape)", x_path);
        goto done;
    }
    out->N = x->shape[0];
    out->n = x->shape[1];
    out->d = x->ndim == 3 ? x->shape[2] : 0;
    if (x->ndim == 2) s = to_ints(x_path, x->v, out->N * out->n, &out->tok);
    else s = to_floats(x_path, x->v, out->N * out->n * out->d, &out->x);
    if (s || !y_path) goto done;
    if ((s = ua_npy_read(y_path, &y))) goto done;
    if ((y->ndim != 2 && y->ndim != 3) || y->shape[0] != out->N || y->shape[1] != out->n) {
        char sh[64] = "";
        for (size_t i = 0; i < y->ndim && i < 3; i++) {
            char t[24];
            snprintf(t, sizeof t, i ? ", %zu" : "%zu", y->shape[i]);
            strncat(sh, t, sizeof sh - strlen(sh) - 1);
        }
        s = UA_ERR(UA_EFORMAT, "%s: targets of shape (%s) do not match the inputs' (%zu, %zu); "
                               "expected (N, n) classes or (N, n, k) values", y_path, sh, out->N,
                   out->n);
        goto done;
    }
    if (y->count == 0) {
        s = UA_ERR(UA_EFORMAT, "%s: the targets are empty (a zero in the shape)", y_path);
        goto done;
    }
    out->k = y->ndim == 3 ? y->shape[2] : 0;
    if (y->ndim == 2) s = to_ints(y_path, y->v, out->N * out->n, &out->cls);
    else s = to_floats(y_path, y->v, out->N * out->n * out->k, &out->y);
done:
    ua_npy_free(x);
    ua_npy_free(y);
    if (s) ua_seq_data_free(out);
    return s;
}

ua_status ua_seq_data_check(const ua_seq_data *d, const ua_seq_options *o)
{
    if (!d || d->N == 0 || d->n == 0) return UA_ERR(UA_EINVAL, "no sequences");
    if (o->n && d->n > o->n)
        return UA_ERR(UA_EINVAL, "sequences of length %zu are longer than the model's %zu", d->n, o->n);
    if (o->vocab) {
        if (!d->tok) return UA_ERR(UA_EINVAL, "the model takes tokens (N, n); the inputs are real (N, n, d)");
        for (size_t i = 0; i < d->N * d->n; i++)
            if (d->tok[i] < 0 || (size_t)d->tok[i] >= o->vocab)
                return UA_ERR(UA_EINVAL, "sequence %zu, position %zu: token %d is outside the "
                                         "vocabulary 0..%zu", i / d->n, i % d->n, (int)d->tok[i],
                              o->vocab - 1);
    } else if (o->din) {
        if (!d->x || d->d != o->din)
            return UA_ERR(UA_EINVAL, "the model takes real inputs (N, n, %zu); got %s", o->din,
                          d->x ? "another feature count" : "tokens");
        for (size_t i = 0; i < d->N * d->n * d->d; i++)
            if (!isfinite(d->x[i])) return UA_ERR(UA_EINVAL, "input %zu is not finite", i);
    }
    if (o->classify) {
        if (d->k || !d->cls) {
            if (d->y) return UA_ERR(UA_EINVAL, "a classifier needs (N, n) class targets; got real (N, n, k)");
            return UA_OK; /* inputs only */
        }
        for (size_t i = 0; i < d->N * d->n; i++)
            if (d->cls[i] < 0 || (o->nout && (size_t)d->cls[i] >= o->nout))
                return UA_ERR(UA_EINVAL, "sequence %zu, position %zu: class %d is outside 0..%zu",
                              i / d->n, i % d->n, (int)d->cls[i], o->nout - 1);
    } else if (d->y) {
        if (o->nout && d->k != o->nout)
            return UA_ERR(UA_EINVAL, "targets have %zu values per position; the model has %zu", d->k, o->nout);
        for (size_t i = 0; i < d->N * d->n * d->k; i++)
            if (!isfinite(d->y[i])) return UA_ERR(UA_EINVAL, "target %zu is not finite", i);
    } else if (d->cls) {
        return UA_ERR(UA_EINVAL, "a regression model needs (N, n, k) real targets; got classes");
    }
    return UA_OK;
}
