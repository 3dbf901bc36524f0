/*
 * tests/fuzz/fuzz_text.c — the TEXT table reader (ua_dataset_read with UA_FORMAT_TEXT,
 * uniapprox/data.h): the input is the file; what reads is checked and used (fuzz_data.h).
 */
#include "fuzz_data.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[512];
    fz_write("table.txt", data, size, path, sizeof path);
    fz_use_dataset(path, UA_FORMAT_TEXT);
    return 0;
}
