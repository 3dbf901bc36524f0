/*
 * Out-of-core fits through the registry (uniapprox/blocks.h ua_fit_blocks): the family's
 * fit_blocks on a block source, wrapped into a model whose box is the inputs' range; and the
 * streamed measurement of a model on every row of a source (ua_model_measure_blocks).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "uniapprox/blocks.h"
#include "core/internal.h"
#include "family.h"

/* "rf, mlp": the registered families with fit_blocks, into buf. */
static const char *ooc_families(char *buf, size_t size)
{
    buf[0] = '\0';
    for (size_t i = 0; ua_family_registry_at(i); i++) {
        const ua_family *f = ua_family_registry_at(i);
        if (!f->fit_blocks) continue;
        size_t used = strlen(buf);
        snprintf(buf + used, size - used, "%s%s", used ? ", " : "", f->name);
    }
    return buf;
}

ua_status ua_fit_blocks(ua_blocks *src, size_t ycol, const char *family, const ua_options *opt,
                        ua_model **out)
{
    if (!out) return UA_ERR(UA_EINVAL, "ua_fit_blocks: out is NULL");
    *out = NULL;
    if (!src || !family) return UA_ERR(UA_EINVAL, "ua_fit_blocks: NULL argument");
    const ua_family *fam = ua_family_find(family);
    if (!fam) return UA_ERR(UA_ENOTFOUND, "unknown family '%s'", family);
    char who[200];
    if (!fam->fit_blocks)
        return UA_ERR(UA_EUNSUPPORTED, "the %s family does not train out of core (those that "
                      "do: %s)", family, ooc_families(who, sizeof who));
    size_t d = ua_blocks_cols(src);
    if (d < 2 || ycol >= d)
        return UA_ERR(UA_EINVAL, "out-of-core fit: target column %zu of a table of %zu column%s "
                      "(the inputs are the other columns; at least one)", ycol, d,
                      d == 1 ? "" : "s");
    ua_options *own = NULL;
    if (!opt) {
        ua_status s = ua_options_alloc(fam->options, fam->noptions, &own);
        if (s) return s;
        opt = own;
    }
    double *lo = malloc(d * sizeof *lo), *hi = malloc(d * sizeof *hi);
    ua_model *m = NULL;
    ua_status s = lo && hi ? ua_model_new(fam, &m) : UA_ENOMEM_ERR(2 * d * sizeof *lo);
    if (!s) {
        ua_blocks_stats(src, NULL, NULL, lo, hi);
        for (size_t j = 0, t = 0; j < d; j++) /* the inputs' box: every column but ycol */
            if (j != ycol) {
                lo[t] = lo[j];
                hi[t++] = hi[j];
            }
        s = ua_model_set_problem(m, "", d - 1, lo, hi);
    }
    void *state = NULL;
    if (!s) s = fam->fit_blocks(src, ycol, opt, m, &state);
    if (!s) ua_model_attach(m, state);
    free(lo);
    free(hi);
    ua_options_free(own);
    if (s) {
        ua_model_free(m);
        return s;
    }
    *out = m;
    return UA_OK;
}

ua_status ua_model_measure_blocks(const ua_model *m, ua_blocks *src, size_t ycol, double *rmse,
                                  double *max_abs)
{
    if (!m || !src) return UA_ERR(UA_EINVAL, "ua_model_measure_blocks: NULL argument");
    size_t d = ua_blocks_cols(src), din = 0, dout = 0, B = ua_blocks_block_rows(src);
    ua_model_dims(m, &din, &dout);
    if (ycol >= d || din + 1 != d || dout != 1)
        return UA_ERR(UA_EINVAL, "measure: the model takes %zu input%s and gives %zu output%s; the "
                      "table has %zu column%s (target column %zu)", din, din == 1 ? "" : "s", dout,
                      dout == 1 ? "" : "s", d, d == 1 ? "" : "s", ycol);
    double *blk = malloc(B * d * sizeof *blk), *x = malloc(B * din * sizeof *x);
    double *y = malloc(B * sizeof *y), *p = malloc(B * sizeof *p);
    ua_status s = blk && x && y && p ? UA_OK : UA_ENOMEM_ERR(B * (2 * d + 2) * sizeof *blk);
    /* the sum of squares scaled by the running maximum, so that huge errors do not overflow */
    double mx = 0, acc = 0;
    size_t n = 0;
    for (size_t i = 0; !s && i < ua_blocks_count(src); i++) {
        size_t nr;
        if ((s = ua_blocks_read(src, i, blk, &nr))) break;
        ua_blocks_xy(blk, nr, d, ycol, x, y);
        if ((s = ua_model_predict(m, x, nr, p))) break;
        for (size_t r = 0; r < nr; r++) {
            double e = fabs(p[r] - y[r]);
            if (!isfinite(e)) {
                s = UA_ERR(UA_EDOMAIN, "measure: the prediction for row %zu is not finite",
                           n + r + 1);
                break;
            }
            if (e > mx) {
                acc = acc * (mx / e) * (mx / e);
                mx = e;
            }
            if (mx > 0) acc += (e / mx) * (e / mx);
        }
        n += nr;
    }
    free(blk);
    free(x);
    free(y);
    free(p);
    if (s) return s;
    if (rmse) *rmse = n ? mx * sqrt(acc / (double)n) : NAN;
    if (max_abs) *max_abs = mx;
    return UA_OK;
}
