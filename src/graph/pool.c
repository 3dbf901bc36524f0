/*
 * The readout: sum or mean pooling of node states over each graph of a batch (GraphGPS's
 * graph_pooling), and the losses of the outputs — L1 and MSE (mean over rows and outputs, as
 * PyTorch's l1_loss and mse_loss) and cross-entropy (mean over rows, log-softmax in double).
 */
#include <math.h>
#include <string.h>

#include "internal.h"

void ua_gps_pool_forward(float *out, const float *h, const ua_gps_batch *b, size_t C, int mean)
{
    for (size_t g = 0; g < b->G; g++) {
        size_t n0 = b->node_off[g], n1 = b->node_off[g + 1];
        float *o = out + g * C;
        for (size_t c = 0; c < C; c++) {
            double acc = 0;
            for (size_t i = n0; i < n1; i++) acc += h[i * C + c];
            o[c] = (float)(mean && n1 > n0 ? acc / (double)(n1 - n0) : acc);
        }
    }
}

void ua_gps_pool_backward(float *dh, const float *dout, const ua_gps_batch *b, size_t C, int mean)
{
    for (size_t g = 0; g < b->G; g++) {
        size_t n0 = b->node_off[g], n1 = b->node_off[g + 1];
        float s = mean && n1 > n0 ? 1.0f / (float)(n1 - n0) : 1.0f;
        for (size_t i = n0; i < n1; i++)
            for (size_t c = 0; c < C; c++) dh[i * C + c] = dout[g * C + c] * s;
    }
}

double ua_gps_loss(float *dout, const float *out, const float *y, size_t R, size_t K, int loss,
                   size_t *right)
{
    double total = 0;
    if (right) *right = 0;
    if (!R) return 0;
    if (loss == UA_GPS_LOSS_CE) {
        for (size_t r = 0; r < R; r++) {
            const float *o = out + r * K;
            size_t cls = (size_t)y[r], am = 0;
            double mx = o[0], sum = 0;
            for (size_t c = 1; c < K; c++) {
                if (o[c] > mx) mx = o[c];
                if (o[c] > o[am]) am = c;
            }
            for (size_t c = 0; c < K; c++) sum += exp((double)o[c] - mx);
            double lse = mx + log(sum);
            total += lse - o[cls];
            if (right && am == cls) ++*right;
            if (dout)
                for (size_t c = 0; c < K; c++)
                    dout[r * K + c] = (float)((exp((double)o[c] - lse) - (c == cls)) / (double)R);
        }
        return total / (double)R;
    }
    double n = (double)(R * K);
    for (size_t i = 0; i < R * K; i++) {
        double d = (double)out[i] - (double)y[i];
        if (loss == UA_GPS_LOSS_L1) {
            total += fabs(d);
            if (dout) dout[i] = (float)((d > 0) - (d < 0)) / (float)n;
        } else {
            total += d * d;
            if (dout) dout[i] = (float)(2 * d / n);
        }
    }
    return total / n;
}
