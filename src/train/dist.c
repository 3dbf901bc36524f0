/*
 * Data-parallel training over the ranks of a job (train.h, "dist.c"; the MPI layer is
 * uniapprox/dist.h). Each rank computes the gradient of its share of a minibatch; the gradients
 * of every rank, in the parameter buffer's layout, and a few extra numbers of the step (the loss
 * summed over the share, the right answers) travel in one buffer of doubles through one
 * ua_dist_allreduce_sum a step. That sum adds the ranks in rank order, so a run is bitwise
 * reproducible for a given number of ranks; accumulating a float network's gradients in double
 * makes the sum of the shares differ from the serial full-batch gradient by float rounding only.
 * With one rank nothing is copied and nothing is rounded: the serial arithmetic is untouched.
 * ua_train_dist_sum_share is the same sum for one share of the parameters (a reduce-scatter),
 * for a caller that steps its share and then exchanges the parameters.
 */
#include <stdlib.h>
#include <string.h>

#include "uniapprox/dist.h"
#include "train.h"

ua_status ua_train_dist_alloc(ua_train_dist *d, size_t n, size_t extra)
{
    memset(d, 0, sizeof *d);
    d->n = n;
    d->extra = extra;
    if (ua_dist_size() < 2) return UA_OK; /* one rank: nothing is reduced */
    if (n + extra < n) return UA_ERR(UA_EINVAL, "data-parallel training: %zu parameters are too many", n);
    if (!(d->buf = ua_calloc(n + extra, sizeof *d->buf)))
        return UA_ENOMEM_ERR((n + extra) * sizeof *d->buf);
    return UA_OK;
}

void ua_train_dist_free(ua_train_dist *d)
{
    if (!d) return;
    free(d->buf);
    memset(d, 0, sizeof *d);
}

void ua_train_dist_pack(ua_train_dist *d, const void *g, size_t esize, double w,
                        const double *extra)
{
    double *b = d->buf;
    if (esize == sizeof(float)) {
        const float *gf = g;
        for (size_t i = 0; i < d->n; i++) b[i] = w * (double)gf[i];
    } else {
        const double *gd = g;
        for (size_t i = 0; i < d->n; i++) b[i] = w * gd[i];
    }
    for (size_t i = 0; i < d->extra; i++) b[d->n + i] = extra[i];
}

void ua_train_dist_unpack(const ua_train_dist *d, void *g, size_t esize, double div,
                          double *extra)
{
    const double *b = d->buf;
    if (esize == sizeof(float)) {
        float *gf = g;
        for (size_t i = 0; i < d->n; i++) gf[i] = (float)(b[i] / div);
    } else {
        double *gd = g;
        for (size_t i = 0; i < d->n; i++) gd[i] = b[i] / div;
    }
    for (size_t i = 0; i < d->extra; i++) extra[i] = b[d->n + i];
}

ua_status ua_train_dist_sum(ua_train_dist *d, void *g, size_t esize, double w, double div,
                            double *extra)
{
    if (!d->buf) return UA_OK; /* one rank */
    ua_train_dist_pack(d, g, esize, w, extra);
    ua_status s = ua_dist_allreduce_sum(d->buf, d->n + d->extra);
    if (s) return s;
    ua_train_dist_unpack(d, g, esize, div, extra);
    return UA_OK;
}

ua_status ua_train_dist_sum_share(ua_train_dist *d, void *g, size_t esize, double w, double div,
                                  double *extra, size_t *lo, size_t *hi)
{
    *lo = 0;
    *hi = d->n;
    if (!d->buf) return UA_OK; /* one rank */
    ua_train_dist_pack(d, g, esize, w, extra);
    ua_dist_share(d->n, lo, hi);
    ua_status s = ua_dist_reduce_scatter_sum(d->buf, d->n, d->extra);
    if (s) return s;
    const double *b = d->buf;
    if (esize == sizeof(float)) {
        float *gf = g;
        for (size_t i = *lo; i < *hi; i++) gf[i] = (float)(b[i] / div);
    } else {
        double *gd = g;
        for (size_t i = *lo; i < *hi; i++) gd[i] = b[i] / div;
    }
    if (ua_dist_rank() == ua_dist_size() - 1)
        for (size_t i = 0; i < d->extra; i++) extra[i] = b[d->n + i];
    return UA_OK;
}
