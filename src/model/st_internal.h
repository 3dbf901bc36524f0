/*
 * src/model/st_internal.h — the inside of ua_st (internal), shared by the container (st.c), the
 * writer (st_write.c) and the parser (st_parse.c).
 */
#ifndef UA_MODEL_ST_INTERNAL_H
#define UA_MODEL_ST_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include "uniapprox/model.h"

/* safetensors allows any rank; 8 is plenty for every family and bounds untrusted input. */
#define UA_ST_MAX_DIMS 8

typedef struct {
    char *name;
    ua_dtype dtype;
    size_t ndim;
    int64_t shape[UA_ST_MAX_DIMS];
    size_t nbytes; /* prod(shape) * dtype size */
    void *data;    /* host order; from malloc, so aligned for every dtype */
} ua_st_tensor;

struct ua_st {
    ua_st_tensor *t;
    size_t n, cap;
    char **keys, **vals; /* metadata, in insertion order */
    size_t nmeta, capmeta;
};

/* "F64", ... for a valid dtype, NULL otherwise; and the reverse (-1 when unknown). */
const char *ua_st_dtype_name(ua_dtype d);
int ua_st_dtype_from_name(const char *s);

/* Number of bytes of a tensor of this shape, or an error when a dimension is negative or the
 * product overflows size_t. */
ua_status ua_st_nbytes(ua_dtype dtype, size_t ndim, const int64_t *shape, size_t *nbytes);

/* ua_st_add without the duplicate-name scan (the parser checks duplicates itself by sorting,
 * which stays O(n log n) on hostile headers with very many entries). */
ua_status ua_st_add_nocheck(ua_st *st, const char *name, ua_dtype dtype, size_t ndim,
                            const int64_t *shape, const void *data);

/* ua_st_set_meta without the scan for an existing key (the parser has rejected duplicates). */
ua_status ua_st_meta_append(ua_st *st, const char *key, const char *value);

/* 1 on a little-endian host. A runtime test rather than a macro: it is portable C and the
 * compiler folds it to a constant anyway. */
int ua_st_host_is_le(void);

/* Reverses the byte order of each of the n elements of size esize in buf (1 is a no-op). */
void ua_st_bswap(void *buf, size_t n, size_t esize);

#endif /* UA_MODEL_ST_INTERNAL_H */
