/*
 * tests/fuzz/fuzz_npy.c — the NumPy .npy reader (uniapprox/data.h): the input is the file, read
 * both by ua_npy_read (any rank and dtype; shape, count and values checked) and as a table by
 * ua_dataset_read (UA_FORMAT_NPY: float 1-D / 2-D), whose result is used as in fuzz_data.h. An
 * array that reads is written back with ua_npy_write and must read again with the same shape.
 */
#include "fuzz_data.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[512];
    fz_write("array.npy", data, size, path, sizeof path);
    ua_npy *a = NULL;
    if (ua_npy_read(path, &a) == UA_OK) {
        size_t count = 1;
        if (a->ndim > UA_NPY_MAX_DIMS) abort();
        for (size_t i = 0; i < a->ndim; i++) count *= a->shape[i];
        if (count != a->count || (count && !a->v)) abort();
        for (size_t i = 0; i < count; i++)
            if (!isfinite(a->v[i])) abort();
        /* write back as float64 and read again */
        char back[512];
        fz_write("back.npy", "", 0, back, sizeof back);
        static const double zero = 0;
        if (ua_npy_write(back, UA_NPY_F8, a->shape, a->ndim, a->v ? a->v : &zero) != UA_OK) abort();
        ua_npy *b = NULL;
        if (ua_npy_read(back, &b) != UA_OK || b->count != a->count || b->ndim != a->ndim ||
            (count && memcmp(a->v, b->v, count * sizeof *a->v) != 0))
            abort();
        ua_npy_free(b);
    } else if (a) {
        abort();
    }
    ua_npy_free(a);
    fz_use_dataset(path, UA_FORMAT_NPY);
    return 0;
}
