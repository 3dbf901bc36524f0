/*
 * tests/fuzz/fuzz_seq.c — the sequence-data reader (ua_seq_data_read, uniapprox/seq.h): the
 * input is the inputs' .npy, then "|UA|" and the targets' .npy (without a separator there are no
 * targets). What reads is checked: N, n >= 1, the arrays its shape says present, tokens and
 * classes non-negative, reals finite.
 */
#include <math.h>
#include "uniapprox/seq.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *p[2];
    size_t n[2];
    size_t parts = fz_split(data, size, 2, p, n);
    char xp[512], yp[512];
    fz_write("x.npy", p[0], n[0], xp, sizeof xp);
    if (parts > 1) fz_write("y.npy", p[1], n[1], yp, sizeof yp);
    ua_seq_data d;
    memset(&d, 0, sizeof d);
    if (ua_seq_data_read(xp, parts > 1 ? yp : NULL, &d) != UA_OK) return 0;
    if (!d.N || !d.n || (d.d ? !d.x : !d.tok)) abort();
    size_t pos = d.N * d.n;
    for (size_t i = 0; i < pos; i++) {
        if (!d.d && d.tok[i] < 0) abort();
        for (size_t j = 0; j < d.d; j++)
            if (!isfinite(d.x[i * d.d + j])) abort();
    }
    if (parts > 1) {
        if (d.k ? !d.y : !d.cls) abort();
        for (size_t i = 0; i < pos; i++) {
            if (!d.k && d.cls[i] < 0) abort();
            for (size_t j = 0; j < d.k; j++)
                if (!isfinite(d.y[i * d.k + j])) abort();
        }
    }
    ua_seq_data_free(&d);
    return 0;
}
