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

ua_status ua_seq_task_generate(const char *task, size_t N, size_t n, size_t vocab, uint64_t seed,
                               ua_seq_data *out)
{
    memset(out, 0, sizeof *out);
    int t = -1;
    for (size_t i = 0; task && i < sizeof names / sizeof names[0]; i++)
        if (!strcmp(task, names[i])) t = (int)i;
    if (t < 0)
        return UA_ERR(UA_ENOTFOUND, "unknown task '%s' (available: %s)", task ? task : "(null)",
                      ua_seq_task_names());
    if (!N || !n || !vocab || vocab > (1u << 24) || n > (1u << 20) || N > (1u << 26))
        return UA_ERR(UA_EINVAL, "N, n and vocab must be positive (and not huge)");
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
