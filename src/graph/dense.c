/*
 * Dense layers and ReLU of the GPS network (internal.h), in forward/backward pairs: PyTorch's
 * nn.Linear layout (W (out, in)), products by OpenBLAS's sgemm as PyTorch does on the CPU.
 * Backward kernels accumulate (+=) parameter gradients.
 */
#pragma GCC optimize("no-trapping-math") /* lets the ReLU compares vectorise */
#include <string.h>

#include <cblas.h>

#include "internal.h"

/* out (N, o) += b (o,) on every row */
UA_MULTIVERSION
static void add_bias_rows(float *restrict out, const float *restrict b, size_t N, size_t o)
{
    for (size_t i = 0; i < N; i++)
        for (size_t j = 0; j < o; j++) out[i * o + j] += b[j];
}

void ua_gps_linear_forward(float *out, const float *inp, const float *W, const float *b,
                           size_t N, size_t in, size_t o)
{
    if (!N) return;
    if (in == 0) {
        memset(out, 0, N * o * sizeof *out);
    } else {
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)N, (int)o, (int)in, 1.0f, inp,
                    (int)in, W, (int)in, 0.0f, out, (int)o);
    }
    if (b) add_bias_rows(out, b, N, o);
}

/* db (o,) += column sums of dout (N, o), summed in double (N reaches thousands of nodes) */
UA_MULTIVERSION
static void column_sums(float *restrict db, const float *restrict dout, size_t N, size_t o)
{
    double acc[256];
    for (size_t j0 = 0; j0 < o; j0 += 256) {
        size_t w = o - j0 < 256 ? o - j0 : 256;
        for (size_t j = 0; j < w; j++) acc[j] = 0;
        for (size_t i = 0; i < N; i++)
            for (size_t j = 0; j < w; j++) acc[j] += dout[i * o + j0 + j];
        for (size_t j = 0; j < w; j++) db[j0 + j] += (float)acc[j];
    }
}

void ua_gps_linear_backward(float *dinp, float *dW, float *db, const float *dout,
                            const float *inp, const float *W, size_t N, size_t in, size_t o,
                            int accumulate)
{
    if (!N) return;
    if (in)
        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)o, (int)in, (int)N, 1.0f, dout,
                    (int)o, inp, (int)in, 1.0f, dW, (int)in);
    if (db) column_sums(db, dout, N, o);
    if (dinp && in)
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)N, (int)in, (int)o, 1.0f, dout,
                    (int)o, W, (int)in, accumulate ? 1.0f : 0.0f, dinp, (int)in);
}

UA_MULTIVERSION
void ua_gps_relu_forward(float *y, const float *x, size_t n)
{
    for (size_t i = 0; i < n; i++) y[i] = x[i] > 0 ? x[i] : 0.0f;
}

UA_MULTIVERSION
void ua_gps_relu_backward(float *d, const float *x, size_t n)
{
    for (size_t i = 0; i < n; i++) d[i] = x[i] > 0 ? d[i] : 0.0f;
}
