/* The epoch loop's helpers (train.h): a monotonic clock, the seeded shuffle, the validation
 * split's size and early stopping's bookkeeping. */
#include <math.h>
#include <time.h>

#include "train.h"

double ua_train_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

void ua_train_shuffle(ua_rng *r, size_t *idx, size_t n)
{
    for (size_t i = n; i > 1; i--) {
        size_t j = (size_t)(ua_rng_next(r) % i), t = idx[i - 1];
        idx[i - 1] = idx[j];
        idx[j] = t;
    }
}

size_t ua_train_val_rows(double frac, size_t n)
{
    return frac > 0 ? (size_t)floor(frac * (double)n + 0.5) : 0;
}

void ua_train_stop_init(ua_train_stop *s)
{
    s->best = INFINITY;
    s->best_epoch = 0;
    s->wait = 0;
}

int ua_train_stop_update(ua_train_stop *s, size_t epoch, double crit)
{
    if (crit < s->best || s->best_epoch == 0) {
        s->best = crit;
        s->best_epoch = epoch;
        s->wait = 0;
        return 1;
    }
    s->wait++;
    return 0;
}
