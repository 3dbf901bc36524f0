/* ua_st_write: serialise a tensor set to a safetensors file, atomically (uniapprox/model.h). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "core/internal.h"
#include "atomic.h"
#include "st_internal.h"

/* Order of the data section: larger elements first, then by name. Laying tensors out
 * contiguously in this order keeps every tensor aligned for its dtype (the data section starts at
 * a multiple of 8) without gaps, and the reference safetensors reader rejects gaps. */
static int by_name(const void *a, const void *b)
{
    const ua_st_tensor *x = *(const ua_st_tensor *const *)a, *y = *(const ua_st_tensor *const *)b;
    return strcmp(x->name, y->name);
}
static int by_layout(const void *a, const void *b)
{
    const ua_st_tensor *x = *(const ua_st_tensor *const *)a, *y = *(const ua_st_tensor *const *)b;
    size_t sx = ua_dtype_size(x->dtype), sy = ua_dtype_size(y->dtype);
    if (sx != sy) return sx > sy ? -1 : 1;
    return strcmp(x->name, y->name);
}

/* An integer as raw JSON text: cJSON would print it through a double with %.15g, which turns
 * large values into exponent notation that strict readers (serde's usize) refuse. */
static cJSON *json_uint(uint64_t v)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%" PRIu64, v);
    return cJSON_CreateRaw(buf);
}

/* Builds the header text (unpadded) with offsets from the layout order. */
static ua_status build_header(const ua_st *st, const ua_st_tensor *const *name_order,
                              const uint64_t *begin,
                              char **text)
{
    cJSON *root = cJSON_CreateObject();
    if (!root) return UA_ENOMEM_ERR(sizeof(cJSON));
    if (st->nmeta) {
        cJSON *meta = cJSON_AddObjectToObject(root, "__metadata__");
        if (!meta) goto nomem;
        for (size_t i = 0; i < st->nmeta; i++)
            if (!cJSON_AddStringToObject(meta, st->keys[i], st->vals[i])) goto nomem;
    }
    for (size_t k = 0; k < st->n; k++) {
        const ua_st_tensor *t = name_order[k];
        size_t i = (size_t)(t - st->t);
        cJSON *e = cJSON_AddObjectToObject(root, t->name);
        if (!e || !cJSON_AddStringToObject(e, "dtype", ua_st_dtype_name(t->dtype))) goto nomem;
        cJSON *shape = cJSON_AddArrayToObject(e, "shape");
        if (!shape) goto nomem;
        for (size_t d = 0; d < t->ndim; d++) {
            cJSON *v = json_uint((uint64_t)t->shape[d]);
            if (!v || !cJSON_AddItemToArray(shape, v)) { cJSON_Delete(v); goto nomem; }
        }
        cJSON *off = cJSON_AddArrayToObject(e, "data_offsets");
        if (!off) goto nomem;
        cJSON *b = json_uint(begin[i]), *en = json_uint(begin[i] + t->nbytes);
        if (!b || !cJSON_AddItemToArray(off, b)) { cJSON_Delete(b); cJSON_Delete(en); goto nomem; }
        if (!en || !cJSON_AddItemToArray(off, en)) { cJSON_Delete(en); goto nomem; }
    }
    *text = cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    return *text ? UA_OK : UA_ENOMEM_ERR(0);
nomem:
    cJSON_Delete(root);
    return UA_ENOMEM_ERR(sizeof(cJSON));
}

static ua_status write_all(ua_atomic *a, const void *p, size_t n)
{
    if (n && fwrite(p, 1, n, a->f) != n)
        return UA_EIO; /* the message is made by the caller, which knows errno is still fresh */
    return UA_OK;
}

ua_status ua_st_write(const ua_st *st, const char *path)
{
    if (!st || !path) return UA_ERR(UA_EINVAL, "ua_st_write: NULL argument");
    size_t n = st->n;
    const ua_st_tensor **name_order = ua_calloc(n, sizeof *name_order);
    const ua_st_tensor **layout = ua_calloc(n, sizeof *layout);
    uint64_t *begin = ua_calloc(n, sizeof *begin);
    char *header = NULL;
    ua_status s = UA_OK;
    ua_atomic a = {0};
    if (!name_order || !layout || !begin) { s = UA_ENOMEM_ERR(n * sizeof *begin); goto done; }
    for (size_t i = 0; i < n; i++) name_order[i] = layout[i] = &st->t[i];
    qsort(name_order, n, sizeof *name_order, by_name);
    qsort(layout, n, sizeof *layout, by_layout);
    uint64_t off = 0;
    for (size_t k = 0; k < n; k++) {
        begin[layout[k] - st->t] = off;
        off += layout[k]->nbytes;
    }
    if ((s = build_header(st, name_order, begin, &header))) goto done;

    /* Pad with spaces so that the data section starts 8-byte aligned, as safetensors does. */
    size_t hlen = strlen(header), padded = (hlen + 7) / 8 * 8;
    unsigned char len8[8];
    for (int i = 0; i < 8; i++) len8[i] = (unsigned char)((uint64_t)padded >> (8 * i));

    if ((s = ua_atomic_open(&a, path))) goto done;
    errno = 0;
    static const char spaces[8] = "        ";
    if (write_all(&a, len8, 8) || write_all(&a, header, hlen) ||
        write_all(&a, spaces, padded - hlen))
        goto ioerr;
    int le = ua_st_host_is_le();
    for (size_t k = 0; k < n; k++) {
        const ua_st_tensor *t = layout[k];
        size_t es = ua_dtype_size(t->dtype);
        if (le || es == 1) {
            if (write_all(&a, t->data, t->nbytes)) goto ioerr;
        } else {
            /* Big-endian host: swap through a small buffer rather than copying the tensor. */
            unsigned char buf[4096];
            for (size_t o = 0; o < t->nbytes; o += sizeof buf) {
                size_t m = t->nbytes - o < sizeof buf ? t->nbytes - o : sizeof buf;
                memcpy(buf, (const unsigned char *)t->data + o, m);
                ua_st_bswap(buf, m / es, es);
                if (write_all(&a, buf, m)) goto ioerr;
            }
        }
    }
    s = ua_atomic_commit(&a);
    goto done;
ioerr:
    s = UA_ERR(UA_EIO, "cannot write '%s': %s", path, strerror(errno ? errno : EIO));
    ua_atomic_abort(&a);
done:
    cJSON_free(header);
    free((void *)name_order);
    free((void *)layout);
    free(begin);
    return s;
}
