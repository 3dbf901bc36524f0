/* `uniapprox eval` for sequence models (the seq family): inputs from an n-D .npy — (N, n) tokens
 * or (N, n, d) floats, which the generic row reader does not take — and predictions written to an
 * .npy (--output: (N, n) int32 classes or (N, n, k) float32 values) or printed, one sequence per
 * line. */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"

int ua_cli_eval_seq(const ua_model *m, const char *input, const char *output)
{
    const ua_seq *sq = ua_model_state(m);
    const ua_seq_options *o = ua_seq_get_options(sq);
    ua_seq_data d;
    ua_status s = ua_seq_data_read(input, NULL, &d);
    if (s) return ua_cli_fail("eval", s);
    size_t K = o->nout, cnt = d.N * d.n;
    float *out = malloc(cnt * K * sizeof *out);
    int32_t *cls = o->classify ? malloc(cnt * sizeof *cls) : NULL;
    if (!out || (o->classify && !cls)) s = UA_ENOMEM;
    if (!s) s = ua_seq_forward(sq, &d, out);
    int rc = s == UA_EINVAL ? ua_cli_usage("eval", "%s: %s", input, ua_last_error())
           : s ? ua_cli_fail("eval", s) : 0;
    for (size_t r = 0; !rc && cls && r < cnt; r++) {
        size_t am = 0;
        for (size_t c = 1; c < K; c++)
            if (out[r * K + c] > out[r * K + am]) am = c;
        cls[r] = (int32_t)am;
    }
    if (!rc && output) {
        int64_t sh[3] = { (int64_t)d.N, (int64_t)d.n, (int64_t)K };
        s = cls ? ua_seq_npy_write(output, sh, 2, cls, NULL) : ua_seq_npy_write(output, sh, 3, NULL, out);
        if (s) rc = ua_cli_fail("eval", s);
    } else if (!rc) {
        for (size_t i = 0; i < d.N; i++)
            for (size_t t = 0; t < d.n; t++) {
                if (cls) printf("%d", (int)cls[i * d.n + t]);
                else
                    for (size_t c = 0; c < K; c++)
                        printf("%s%.9g", c ? "," : "", (double)out[(i * d.n + t) * K + c]);
                putchar(t + 1 < d.n ? ' ' : '\n');
            }
    }
    free(out);
    free(cls);
    ua_seq_data_free(&d);
    return rc;
}
