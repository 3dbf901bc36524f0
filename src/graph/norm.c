/*
 * BatchNorm1d over the nodes of a batch (Ioffe & Szegedy 2015), as PyTorch computes it: in
 * training, the batch's mean and biased variance normalise, and the running statistics move by
 * momentum 0.1 towards the mean and the unbiased variance; at inference the running statistics
 * normalise. eps 1e-5. Column sums run in double: N is the number of nodes in the batch
 * (thousands), where a float sum would lose digits the 1e-5 parity with PyTorch needs.
 */
#include <math.h>
#include <stdlib.h>

#include "internal.h"

/* sum (C,) and sum of squares about mu (C,) of inp (N, C), in double */
UA_MULTIVERSION
static void col_moments(double *restrict sum, const float *restrict inp, size_t N, size_t C)
{
    for (size_t c = 0; c < C; c++) sum[c] = 0;
    for (size_t i = 0; i < N; i++)
        for (size_t c = 0; c < C; c++) sum[c] += inp[i * C + c];
}

UA_MULTIVERSION
static void col_sq(double *restrict sq, const double *restrict mu, const float *restrict inp,
                   size_t N, size_t C)
{
    for (size_t c = 0; c < C; c++) sq[c] = 0;
    for (size_t i = 0; i < N; i++)
        for (size_t c = 0; c < C; c++) {
            double d = (double)inp[i * C + c] - mu[c];
            sq[c] += d * d;
        }
}

UA_MULTIVERSION
static void affine_rows(float *restrict out, const float *restrict inp, const float *restrict sh,
                        const float *restrict sc, const float *restrict b, size_t N, size_t C)
{
    /* out = (inp - mean) * (rstd * w) + b */
    for (size_t i = 0; i < N; i++)
        for (size_t c = 0; c < C; c++) out[i * C + c] = (inp[i * C + c] - sh[c]) * sc[c] + b[c];
}

void ua_gps_bn_forward(float *out, float *mean, float *rstd, float *running, const float *inp,
                       const float *w, const float *b, size_t N, size_t C, int train)
{
    float sc[UA_GPS_MAX_WIDTH], sh[UA_GPS_MAX_WIDTH];
    if (train) {
        double sum[UA_GPS_MAX_WIDTH], sq[UA_GPS_MAX_WIDTH];
        col_moments(sum, inp, N, C);
        for (size_t c = 0; c < C; c++) sum[c] /= (double)(N ? N : 1);
        col_sq(sq, sum, inp, N, C);
        for (size_t c = 0; c < C; c++) {
            double var = sq[c] / (double)(N ? N : 1);
            mean[c] = (float)sum[c];
            rstd[c] = (float)(1.0 / sqrt(var + (double)UA_GPS_BN_EPS));
            sh[c] = mean[c];
            sc[c] = rstd[c] * w[c];
            if (running) {
                double unb = N > 1 ? sq[c] / (double)(N - 1) : var;
                running[c] = (float)((1 - UA_GPS_BN_MOMENTUM) * running[c] + UA_GPS_BN_MOMENTUM * sum[c]);
                running[C + c] = (float)((1 - UA_GPS_BN_MOMENTUM) * running[C + c] + UA_GPS_BN_MOMENTUM * unb);
            }
        }
    } else {
        for (size_t c = 0; c < C; c++) {
            sh[c] = running[c];
            sc[c] = (float)(1.0 / sqrt((double)running[C + c] + (double)UA_GPS_BN_EPS)) * w[c];
        }
    }
    affine_rows(out, inp, sh, sc, b, N, C);
}

UA_MULTIVERSION
void ua_gps_bn_backward(float *dinp, float *dw, float *db, const float *dout, const float *inp,
                        const float *w, const float *mean, const float *rstd, size_t N, size_t C)
{
    double sdy[UA_GPS_MAX_WIDTH], sdyx[UA_GPS_MAX_WIDTH];
    for (size_t c = 0; c < C; c++) sdy[c] = sdyx[c] = 0;
    for (size_t i = 0; i < N; i++)
        for (size_t c = 0; c < C; c++) {
            double dy = dout[i * C + c], xh = ((double)inp[i * C + c] - mean[c]) * rstd[c];
            sdy[c] += dy;
            sdyx[c] += dy * xh;
        }
    float k1[UA_GPS_MAX_WIDTH], k2[UA_GPS_MAX_WIDTH], k3[UA_GPS_MAX_WIDTH];
    for (size_t c = 0; c < C; c++) {
        db[c] += (float)sdy[c];
        dw[c] += (float)sdyx[c];
        /* dx = w rstd (dy - sdy / N - xh sdyx / N) */
        k1[c] = w[c] * rstd[c];
        k2[c] = (float)(sdy[c] / (double)N);
        k3[c] = (float)(sdyx[c] / (double)N);
    }
    for (size_t i = 0; i < N; i++)
        for (size_t c = 0; c < C; c++) {
            float xh = (inp[i * C + c] - mean[c]) * rstd[c];
            dinp[i * C + c] = k1[c] * (dout[i * C + c] - k2[c] - xh * k3[c]);
        }
}
