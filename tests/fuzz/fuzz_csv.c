/*
 * tests/fuzz/fuzz_csv.c — the CSV table reader (ua_dataset_read with UA_FORMAT_CSV,
 * uniapprox/data.h): the input is the file; what reads is checked and used (fuzz_data.h).
 */
#include "fuzz_data.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[512];
    fz_write("table.csv", data, size, path, sizeof path);
    fz_use_dataset(path, UA_FORMAT_CSV);
    return 0;
}
