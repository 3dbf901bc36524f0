/*
 * tests/fuzz/fuzz_st.c — the safetensors parser (ua_st_parse, uniapprox/model.h): the input is
 * the image itself. What parses is walked: every tensor looked up by name and its bytes read,
 * every metadata pair read, the family loaders' helpers ua_st_get_f64 and ua_st_meta_number
 * applied to each entry, and the set written back (ua_st_write) and parsed again, which must
 * succeed and give the same tensors.
 */
#include "uniapprox/model.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ua_st *st = NULL;
    if (ua_st_parse(data, size, &st) != UA_OK) {
        if (st) abort(); /* a failed parse must leave *out NULL */
        return 0;
    }
    volatile unsigned sum = 0;
    size_t n = ua_st_count(st);
    for (size_t i = 0; i < n; i++) {
        const char *name = ua_st_name(st, i);
        ua_dtype dt;
        size_t ndim, rows = 0, cols = 0;
        const int64_t *shape;
        const void *p;
        if (!name || ua_st_get(st, name, &dt, &ndim, &shape, &p) != UA_OK) abort();
        size_t count = 1;
        for (size_t k = 0; k < ndim; k++) count *= (size_t)shape[k];
        if (count && p) sum += ((const unsigned char *)p)[0];
        const double *v;
        if (ua_st_get_f64(st, "fuzz", name, ndim == 2 ? 2 : 1, &rows, &cols, &v) == UA_OK)
            sum += (unsigned)(rows + cols);
    }
    for (size_t i = 0; i < ua_st_meta_count(st); i++) {
        const char *k, *v;
        double x;
        ua_st_meta_at(st, i, &k, &v);
        if (!k || !v || ua_st_meta(st, k) == NULL) abort();
        (void)ua_st_meta_number(st, "fuzz", k, i & 1, &x);
    }
    /* the writer must accept whatever the parser accepted, and the round trip must parse */
    char path[512];
    fz_write("rt.safetensors", "", 0, path, sizeof path);
    if (ua_st_write(st, path) != UA_OK) abort();
    ua_st *back = NULL;
    if (ua_st_read(path, &back) != UA_OK || ua_st_count(back) != n ||
        ua_st_meta_count(back) != ua_st_meta_count(st))
        abort();
    ua_st_free(back);
    ua_st_free(st);
    (void)sum;
    return 0;
}
