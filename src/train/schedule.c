/* Learning-rate schedules (docs/mlp.md, "Schedules"): constant, cosine, linear warm-up + cosine. */
#include <math.h>

#include "train.h"

double ua_train_lr(double lr, int schedule, size_t warmup, size_t t, size_t T)
{
    if (T < 2 || schedule == UA_TRAIN_SCHED_CONSTANT) return lr;
    size_t W = 0;
    if (schedule == UA_TRAIN_SCHED_WARMUP) {
        W = warmup ? warmup : (T / 20 ? T / 20 : 1);
        if (W >= T) W = T - 1;
        if (t < W) return lr * (double)(t + 1) / (double)W;
    }
    double frac = (double)(t - W) / (double)(T - W);
    return lr * 0.5 * (1.0 + cos(3.14159265358979323846 * frac));
}
