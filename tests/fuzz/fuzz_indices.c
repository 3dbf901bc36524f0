/*
 * tests/fuzz/fuzz_indices.c — the reader of the UCI split and column files (ua_read_indices,
 * uniapprox/data.h): byte 0 chooses the limit (1 .. 256, or SIZE_MAX when it is 255), the rest
 * is the file. Every index read must be below the limit.
 */
#include "uniapprox/data.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    size_t limit = data[0] == 255 ? SIZE_MAX : (size_t)data[0] + 1;
    char path[512];
    fz_write("index_train_0.txt", data + 1, size - 1, path, sizeof path);
    size_t *idx = NULL, n = 0;
    if (ua_read_indices(path, limit, &idx, &n) == UA_OK) {
        if (!n || !idx) abort();
        for (size_t i = 0; i < n; i++)
            if (idx[i] >= limit) abort();
    } else if (idx || n) {
        abort();
    }
    free(idx);
    return 0;
}
