/*
 * tests/fuzz/fuzz_expr.c — the expression parser (ua_target_parse, uniapprox/target.h) and both
 * evaluators of what parses.
 *
 * Input: byte 0 chooses the variables (mod 8: 0 the default "x"; 1..5 the names x1 .. xk; 6 and 7
 * names taken from the input: the text before the first "|UA|", comma-separated, up to 8 of them,
 * so that names which shadow constants or functions are tried too); the rest is the spec.
 * What parses is evaluated at three points in double (ua_target_eval) and in MPFR at 53 and 200
 * bits (ua_target_eval_mpfr), and its accessors are read back.
 */
#include <mpfr.h>

#include "uniapprox/target.h"
#include "fuzz_util.h"

#define MAX_VARS 8

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    unsigned mode = data[0] % 8;
    data++, size--;
    const char *names[MAX_VARS];
    char *namebuf = NULL, *spec;
    size_t nvars = 0;
    static const char *const x[] = {"x1", "x2", "x3", "x4", "x5"};
    if (mode >= 1 && mode <= 5) {
        nvars = mode;
        for (size_t i = 0; i < nvars; i++) names[i] = x[i];
    } else if (mode >= 6) {
        const uint8_t *p[2];
        size_t n[2];
        if (fz_split(data, size, 2, p, n) < 2) return 0;
        namebuf = fz_strndup(p[0], n[0]);
        for (char *s = namebuf; nvars < MAX_VARS;) {
            names[nvars++] = s;
            char *comma = strchr(s, ',');
            if (!comma) break;
            *comma = '\0';
            s = comma + 1;
        }
        data = p[1], size = n[1];
    }
    spec = fz_strndup(data, size);
    ua_target *t = NULL;
    ua_status s = ua_target_parse(spec, nvars ? names : NULL, nvars, &t);
    if (s == UA_OK) {
        size_t d = ua_target_dim(t);
        if (!ua_target_spec(t) || ua_target_var(t, d) != NULL) abort();
        for (size_t i = 0; i < d; i++)
            if (!ua_target_var(t, i)) abort();
        static const double pts[3] = {0.5, -1.25, 3.0};
        double *v = calloc(d ? d : 1, sizeof *v);
        mpfr_t y53, y200;
        mpfr_init2(y53, 53);
        mpfr_init2(y200, 200);
        for (size_t k = 0; k < 3; k++) {
            for (size_t i = 0; i < d; i++) v[i] = pts[k] + 0.125 * (double)i;
            volatile double r = ua_target_eval(t, v);
            (void)r;
            ua_target_eval_mpfr(t, v, y53);
            ua_target_eval_mpfr(t, v, y200);
        }
        mpfr_clear(y53);
        mpfr_clear(y200);
        free(v);
    } else if (t) {
        abort(); /* a failed parse must leave *out NULL */
    }
    ua_target_free(t);
    free(spec);
    free(namebuf);
    return 0;
}
