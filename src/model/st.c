/* The safetensors container in memory: named tensors plus string metadata (uniapprox/model.h). */
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "st_internal.h"

static const char *const dtype_names[] = {"F64", "F32", "I64", "I32", "U8"};
static const size_t dtype_sizes[] = {8, 4, 8, 4, 1};
#define NDTYPES (sizeof dtype_names / sizeof dtype_names[0])

size_t ua_dtype_size(ua_dtype d)
{
    return (unsigned)d < NDTYPES ? dtype_sizes[d] : 0;
}

const char *ua_st_dtype_name(ua_dtype d)
{
    return (unsigned)d < NDTYPES ? dtype_names[d] : NULL;
}

int ua_st_dtype_from_name(const char *s)
{
    for (size_t i = 0; s && i < NDTYPES; i++)
        if (strcmp(s, dtype_names[i]) == 0) return (int)i;
    return -1;
}

int ua_st_host_is_le(void)
{
    const uint16_t one = 1;
    unsigned char first;
    memcpy(&first, &one, 1);
    return first == 1;
}

void ua_st_bswap(void *buf, size_t n, size_t esize)
{
    unsigned char *p = buf;
    if (esize < 2) return;
    for (size_t i = 0; i < n; i++, p += esize)
        for (size_t j = 0; j < esize / 2; j++) {
            unsigned char c = p[j];
            p[j] = p[esize - 1 - j];
            p[esize - 1 - j] = c;
        }
}

ua_status ua_st_nbytes(ua_dtype dtype, size_t ndim, const int64_t *shape, size_t *nbytes)
{
    size_t total = ua_dtype_size(dtype);
    if (!total) return UA_ERR(UA_EINVAL, "unknown dtype %d", (int)dtype);
    if (ndim > UA_ST_MAX_DIMS)
        return UA_ERR(UA_EINVAL, "%zu dimensions, at most %d allowed", ndim, UA_ST_MAX_DIMS);
    int empty = 0;
    for (size_t i = 0; i < ndim; i++) {
        if (shape[i] < 0)
            return UA_ERR(UA_EINVAL, "dimension %zu is negative (%lld)", i, (long long)shape[i]);
        if ((uint64_t)shape[i] > SIZE_MAX) return UA_ERR(UA_EINVAL, "dimension %zu too large", i);
        size_t d = (size_t)shape[i];
        /* A zero dimension does not excuse the others: the product of the non-zero ones must
         * still fit, so that no accepted shape wraps when multiplied in another order. */
        if (d == 0) { empty = 1; continue; }
        if (total > SIZE_MAX / d) return UA_ERR(UA_EINVAL, "shape has too many elements");
        total *= d;
    }
    if (empty) total = 0;
    *nbytes = total;
    return UA_OK;
}

ua_status ua_st_alloc(ua_st **out)
{
    *out = calloc(1, sizeof **out);
    return *out ? UA_OK : UA_ENOMEM_ERR(sizeof **out);
}

void ua_st_free(ua_st *st)
{
    if (!st) return;
    for (size_t i = 0; i < st->n; i++) {
        free(st->t[i].name);
        free(st->t[i].data);
    }
    for (size_t i = 0; i < st->nmeta; i++) {
        free(st->keys[i]);
        free(st->vals[i]);
    }
    free(st->t);
    free(st->keys);
    free(st->vals);
    free(st);
}

ua_status ua_st_add_nocheck(ua_st *st, const char *name, ua_dtype dtype, size_t ndim,
                            const int64_t *shape, const void *data)
{
    size_t nbytes;
    ua_status s = ua_st_nbytes(dtype, ndim, shape, &nbytes);
    if (s) return s;
    if (nbytes && !data) return UA_ERR(UA_EINVAL, "tensor '%s': data is NULL", name);
    if (st->n == st->cap) {
        size_t cap = st->cap ? 2 * st->cap : 8;
        ua_st_tensor *t = realloc(st->t, cap * sizeof *t);
        if (!t) return UA_ENOMEM_ERR(cap * sizeof *t);
        st->t = t;
        st->cap = cap;
    }
    ua_st_tensor *t = &st->t[st->n];
    memset(t, 0, sizeof *t);
    t->name = ua_strdup(name);
    /* malloc's alignment suits every dtype; one extra byte keeps zero-size tensors non-NULL. */
    t->data = malloc(nbytes ? nbytes : 1);
    if (!t->name || !t->data) {
        free(t->name);
        free(t->data);
        return UA_ENOMEM_ERR(nbytes);
    }
    if (nbytes) memcpy(t->data, data, nbytes);
    t->dtype = dtype;
    t->ndim = ndim;
    for (size_t i = 0; i < ndim; i++) t->shape[i] = shape[i];
    t->nbytes = nbytes;
    st->n++;
    return UA_OK;
}

ua_status ua_st_add(ua_st *st, const char *name, ua_dtype dtype, size_t ndim,
                    const int64_t *shape, const void *data)
{
    if (!st || !name || !*name) return UA_ERR(UA_EINVAL, "tensor name is NULL or empty");
    if (strcmp(name, "__metadata__") == 0)
        return UA_ERR(UA_EINVAL, "'__metadata__' is reserved and cannot name a tensor");
    if (ndim && !shape) return UA_ERR(UA_EINVAL, "tensor '%s': shape is NULL", name);
    for (size_t i = 0; i < st->n; i++)
        if (strcmp(st->t[i].name, name) == 0)
            return UA_ERR(UA_EINVAL, "duplicate tensor name '%s'", name);
    return ua_st_add_nocheck(st, name, dtype, ndim, shape, data);
}

ua_status ua_st_get(const ua_st *st, const char *name, ua_dtype *dtype, size_t *ndim,
                    const int64_t **shape, const void **data)
{
    for (size_t i = 0; st && name && i < st->n; i++) {
        const ua_st_tensor *t = &st->t[i];
        if (strcmp(t->name, name) != 0) continue;
        if (dtype) *dtype = t->dtype;
        if (ndim) *ndim = t->ndim;
        if (shape) *shape = t->shape;
        if (data) *data = t->data;
        return UA_OK;
    }
    return UA_ERR(UA_ENOTFOUND, "no tensor named '%s'", name ? name : "(null)");
}

size_t ua_st_count(const ua_st *st) { return st ? st->n : 0; }

const char *ua_st_name(const ua_st *st, size_t i)
{
    return st && i < st->n ? st->t[i].name : NULL;
}

static ua_status set_meta(ua_st *st, const char *key, const char *value, int replace)
{
    if (!st || !key || !*key) return UA_ERR(UA_EINVAL, "metadata key is NULL or empty");
    if (!value) return UA_ERR(UA_EINVAL, "metadata '%s': value is NULL", key);
    char *v = ua_strdup(value);
    if (!v) return UA_ENOMEM_ERR(strlen(value) + 1);
    for (size_t i = 0; replace && i < st->nmeta; i++)
        if (strcmp(st->keys[i], key) == 0) {
            free(st->vals[i]);
            st->vals[i] = v;
            return UA_OK;
        }
    if (st->nmeta == st->capmeta) {
        size_t cap = st->capmeta ? 2 * st->capmeta : 8;
        char **k = realloc(st->keys, cap * sizeof *k);
        if (!k) { free(v); return UA_ENOMEM_ERR(cap * sizeof *k); }
        st->keys = k;
        char **vv = realloc(st->vals, cap * sizeof *vv);
        if (!vv) { free(v); return UA_ENOMEM_ERR(cap * sizeof *vv); }
        st->vals = vv;
        st->capmeta = cap;
    }
    char *k = ua_strdup(key);
    if (!k) { free(v); return UA_ENOMEM_ERR(strlen(key) + 1); }
    st->keys[st->nmeta] = k;
    st->vals[st->nmeta] = v;
    st->nmeta++;
    return UA_OK;
}

ua_status ua_st_set_meta(ua_st *st, const char *key, const char *value)
{
    return set_meta(st, key, value, 1);
}

ua_status ua_st_meta_append(ua_st *st, const char *key, const char *value)
{
    return set_meta(st, key, value, 0);
}

int ua_st_del_meta(ua_st *st, const char *key)
{
    for (size_t i = 0; st && key && i < st->nmeta; i++)
        if (strcmp(st->keys[i], key) == 0) {
            free(st->keys[i]);
            free(st->vals[i]);
            memmove(st->keys + i, st->keys + i + 1, (st->nmeta - i - 1) * sizeof *st->keys);
            memmove(st->vals + i, st->vals + i + 1, (st->nmeta - i - 1) * sizeof *st->vals);
            st->nmeta--;
            return 1;
        }
    return 0;
}

const char *ua_st_meta(const ua_st *st, const char *key)
{
    for (size_t i = 0; st && key && i < st->nmeta; i++)
        if (strcmp(st->keys[i], key) == 0) return st->vals[i];
    return NULL;
}

size_t ua_st_meta_count(const ua_st *st) { return st ? st->nmeta : 0; }

void ua_st_meta_at(const ua_st *st, size_t i, const char **key, const char **value)
{
    int ok = st && i < st->nmeta;
    if (key) *key = ok ? st->keys[i] : NULL;
    if (value) *value = ok ? st->vals[i] : NULL;
}
