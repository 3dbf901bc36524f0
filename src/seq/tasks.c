/*
 * The synthetic sequence tasks of `uniapprox data` (uniapprox/seq.h): the URPE paper's
 * even-token prediction and position identification (Luo et al. 2022, section 5.1: n = 128,
 * vocabulary 1000, no absolute positions), and copy / reverse / sort on tokens, cumulative sum /
 * moving average / sort on reals. Deterministic for a seed (the library's generator, ua_rng).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "core/internal.h"

static const char *const names[] = { "copy", "cumsum", "even", "movavg", "position", "reverse",
                                     "sort", "sortreal" };

const char *ua_seq_task_names(void) { return "copy, cumsum, even, movavg, position, reverse, sort, sortreal"; }

static int cmp_i32(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y);
}
static int cmp_f(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

/* The index of task in names, or -1. */
static int task_index(const char *task)
{
    for (size_t i = 0; task && i < sizeof names / sizeof names[0]; i++)
        if (!strcmp(task, names[i])) return (int)i;
    return -1;
}

ua_status ua_seq_task_check(const char *task, size_t N, size_t n, size_t vocab)
{
    if (task_index(task) < 0)
        return UA_ERR(UA_ENOTFOUND, "unknown task '%s' (available: %s)", task ? task : "(null)",
                      ua_seq_task_names());
    if (!N || !n || !vocab)
        return UA_ERR(UA_EINVAL, "the sequences N = %zu, their length n = %zu and the vocabulary "
                      "%zu must be positive", N, n, vocab);
    if (n > UA_SEQ_TASK_MAX_LENGTH)
        return UA_ERR(UA_EINVAL, "the sequence length n = %zu is above the limit %u", n,
                      UA_SEQ_TASK_MAX_LENGTH);
    if (N > UA_SEQ_TASK_MAX_SEQUENCES)
        return UA_ERR(UA_EINVAL, "N = %zu sequences is above the limit %u", N,
                      UA_SEQ_TASK_MAX_SEQUENCES);
    if (vocab > UA_SEQ_TASK_MAX_VOCAB)
        return UA_ERR(UA_EINVAL, "the vocabulary %zu is above the limit %u", vocab,
                      UA_SEQ_TASK_MAX_VOCAB);
    if (N * n > UA_SEQ_TASK_MAX_VALUES) /* no overflow: N <= 2^26, n <= 2^20 */
        return UA_ERR(UA_EINVAL, "N * n = %zu * %zu = %zu values is above the limit %llu (%.3g GB "
                      "for the inputs and targets)", N, n, N * n,
                      (unsigned long long)UA_SEQ_TASK_MAX_VALUES, (double)N * (double)n * 8e-9);
    return UA_OK;
}

ua_status ua_seq_task_generate(const char *task, size_t N, size_t n, size_t vocab, uint64_t seed,
                               ua_seq_data *out)
{
    memset(out, 0, sizeof *out);
    ua_status st = ua_seq_task_check(task, N, n, vocab);
    if (st) return st;
    int t = task_index(task);
    int real = t == 1 || t == 3 || t == 7;
    out->N = N;
    out->n = n;
    size_t cnt = N * n;
    if (real) {
        out->d = out->k = 1;
        out->x = malloc(cnt * sizeof *out->x);
        out->y = malloc(cnt * sizeof *out->y);
        if (!out->x || !out->y) goto oom;
    } else {
        out->tok = malloc(cnt * sizeof *out->tok);
        out->cls = malloc(cnt * sizeof *out->cls);
        if (!out->tok || !out->cls) goto oom;
    }
    ua_rng r;
    ua_rng_seed(&r, seed ^ 0xd1b54a32d192ed03ull);
    for (size_t s = 0; s < N; s++) {
        if (real) {
            float *x = out->x + s * n, *y = out->y + s * n;
            for (size_t i = 0; i < n; i++) x[i] = (float)(2.0 * ua_rng_uniform(&r) - 1.0);
            if (t == 1) { /* cumsum / sqrt(n) */
                double acc = 0;
                for (size_t i = 0; i < n; i++) y[i] = (float)((acc += x[i]) / sqrt((double)n));
            } else if (t == 3) { /* moving average, window 3 */
                for (size_t i = 0; i < n; i++) {
                    size_t lo = i >= 2 ? i - 2 : 0;
                    double acc = 0;
                    for (size_t j = lo; j <= i; j++) acc += x[j];
                    y[i] = (float)(acc / (double)(i - lo + 1));
                }
            } else {
                memcpy(y, x, n * sizeof *y);
                qsort(y, n, sizeof *y, cmp_f);
            }
        } else {
            int32_t *x = out->tok + s * n, *y = out->cls + s * n;
            for (size_t i = 0; i < n; i++) x[i] = (int32_t)(ua_rng_next(&r) % vocab);
            for (size_t i = 0; i < n; i++) {
                switch (t) {
                case 0: y[i] = x[i]; break;                         /* copy */
                case 2: y[i] = x[(2 * i) % n]; break;               /* even */
                case 4: y[i] = (int32_t)i; break;                   /* position */
                case 5: y[i] = x[n - 1 - i]; break;                 /* reverse */
                default: y[i] = x[i]; break;                        /* sort, below */
                }
            }
            if (t == 6) qsort(y, n, sizeof *y, cmp_i32);
        }
    }
    return UA_OK;
oom:
    ua_seq_data_free(out);
    return UA_ENOMEM_ERR(cnt * 8);
}
