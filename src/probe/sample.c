/*
 * The probe's sampler: f in the variable t (x, or ln x for the log map), every value checked
 * finite, optionally memoised (an open-addressing table keyed by the bits of x) so that a
 * piecewise fit or a probe never evaluates a point twice.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "probe.h"

double ua_probe_sampler_x(const ua_probe_sampler *s, double t)
{
    if (s->map != UA_PROBE_MAP_LOG) return t;
    if (t == s->ta) return s->xa; /* exp(ln a) need not give a back */
    if (t == s->tb) return s->xb;
    return exp(t);
}

static uint64_t key_of(double x)
{
    uint64_t k;
    if (x == 0.0) x = 0.0; /* -0 and +0 are the same point */
    memcpy(&k, &x, sizeof k);
    return k;
}

static size_t slot_of(uint64_t k, size_t cap)
{
    k ^= k >> 33; /* a 64-bit finaliser (murmur3's): neighbouring doubles spread out */
    k *= 0xff51afd7ed558ccdULL;
    k ^= k >> 33;
    k *= 0xc4ceb9fe1a85ec53ULL;
    k ^= k >> 33;
    return (size_t)k & (cap - 1);
}

/* Keys are stored +1 so that 0 marks an empty slot (the key of x = +0.0 is 0). */
static ua_status memo_grow(ua_probe_sampler *s, size_t cap)
{
    uint64_t *keys = ua_calloc(cap, sizeof *keys);
    double *vals = ua_calloc(cap, sizeof *vals);
    if (!keys || !vals) {
        free(keys);
        free(vals);
        return UA_ENOMEM_ERR(cap * (sizeof *keys + sizeof *vals));
    }
    for (size_t i = 0; i < s->cap; i++) {
        if (!s->keys[i]) continue;
        size_t j = slot_of(s->keys[i] - 1, cap);
        while (keys[j]) j = (j + 1) & (cap - 1);
        keys[j] = s->keys[i];
        vals[j] = s->vals[i];
    }
    free(s->keys);
    free(s->vals);
    s->keys = keys;
    s->vals = vals;
    s->cap = cap;
    return UA_OK;
}

ua_status ua_probe_sampler_memo(ua_probe_sampler *s, size_t hint)
{
    size_t cap = 1024;
    while (cap < 2 * hint && cap < ((size_t)1 << 40)) cap *= 2;
    return memo_grow(s, cap);
}

void ua_probe_sampler_release(ua_probe_sampler *s)
{
    free(s->keys);
    free(s->vals);
    s->keys = NULL;
    s->vals = NULL;
    s->cap = s->count = 0;
}

ua_status ua_probe_sample(ua_probe_sampler *s, double t, double *y)
{
    double x = ua_probe_sampler_x(s, t);
    size_t slot = 0;
    uint64_t key = 0;
    if (s->keys) {
        key = key_of(x);
        slot = slot_of(key, s->cap);
        while (s->keys[slot]) {
            if (s->keys[slot] == key + 1) {
                *y = s->vals[slot];
                return UA_OK;
            }
            slot = (slot + 1) & (s->cap - 1);
        }
    }
    double v = s->f(x, s->ctx);
    s->nevals++;
    if (!isfinite(v))
        return UA_ERR(UA_EDOMAIN, "target is %s at x = %.17g", isnan(v) ? "NaN" : "infinite", x);
    if (s->keys) {
        s->keys[slot] = key + 1;
        s->vals[slot] = v;
        if (++s->count * 2 > s->cap) { /* keep the load under 1/2 */
            ua_status st = memo_grow(s, s->cap * 2);
            if (st) return st;
        }
    }
    *y = v;
    return UA_OK;
}
