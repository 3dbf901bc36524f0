/*
 * The spline family's fits from 1-D samples other than the interpolating cubic spline
 * (`--method pchip | akima | makima | smoothing`, docs/spline.md, "From samples: pchip, akima,
 * smoothing"), behind the family's fit (src/spline/options.c). No tolerance is recorded: the
 * Hermite interpolants meet every sample, the smoothing spline does not try to; the verdict is
 * the RMSE on the rows.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/internal.h"
#include "internal.h"
#include "model/family.h" /* ua_model_set_problem */

static ua_status set_number(ua_model *m, const char *key, double v)
{
    char buf[32];
    return ua_model_set_meta(m, key, ua_fmt_double(buf, v));
}

ua_status ua_spline_fit_method(const ua_problem *p, const ua_options *o, ua_model *meta,
                               void **state)
{
    static const char *const names[] = { "cubic", "pchip", "akima", "makima", "smoothing" };
    int method = ua_options_choice(o, "method");
    if (method < 1 || method > 4) method = 0;
    if (ua_problem_kind_of(p) != UA_PROBLEM_SAMPLES)
        return UA_ERR(UA_EINVAL, "--method %s fits samples (--data); for a formula or a function "
                      "the spline family places its knots itself (AutoKnots)", names[method]);
    if (method == 0)
        return UA_ERR(UA_EINVAL, "--lam needs --method smoothing");
    static const char *const others[] = { "rtol", "fscale", "max-knots", "bc", "slopes", "map" };
    for (size_t i = 0; i < sizeof others / sizeof others[0]; i++)
        if (ua_options_given(o, others[i]))
            return UA_ERR(UA_EINVAL, "--%s does not apply to --method %s", others[i],
                          names[method]);
    if (method != 4 && ua_options_given(o, "lam"))
        return UA_ERR(UA_EINVAL, "--lam needs --method smoothing (not %s)", names[method]);
    if (ua_problem_outputs(p) != 1)
        return UA_ERR(UA_EUNSUPPORTED, "the spline family fits one output; the samples have %zu",
                      ua_problem_outputs(p));
    const double *x, *y;
    size_t n;
    ua_problem_train(p, &x, &y, &n);
    ua_spline *sp = NULL;
    ua_spline_smoothing_info info = { 0 };
    ua_status s;
    if (method == 4)
        s = ua_spline_smoothing(x, y, n, ua_options_given(o, "lam") ? ua_options_real(o, "lam")
                                                                      : -1.0, &info, &sp);
    else
        s = ua_spline_hermite_samples(x, y, n,
                                      method == 1 ? UA_SPLINE_PCHIP
                                      : method == 2 ? UA_SPLINE_AKIMA : UA_SPLINE_MAKIMA, &sp);
    const char *file = ua_problem_describe(p);
    if (s == UA_EINVAL && file && file[0]) { /* the rows named are the file's: name it too */
        char msg[512];
        ua_last_error_message(msg, sizeof msg);
        return UA_ERR(UA_EINVAL, "%s: %s", file, msg);
    }
    if (s) return s;
    /* the model's domain is the range of x, as for the interpolating spline */
    const double *knots = ua_spline_knots(sp);
    double lo = knots[0], hi = knots[ua_spline_nknots(sp) - 1];
    char buf[32];
    snprintf(buf, sizeof buf, "%zu", n);
    s = ua_model_set_problem(meta, ua_model_target(meta), 1, &lo, &hi);
    if (!s) s = ua_model_set_meta(meta, "samples", buf);
    if (!s && method == 4) {
        s = set_number(meta, "smoothing_lam", info.lam);
        if (!s) s = ua_model_set_meta(meta, "smoothing_lam_from", info.chosen ? "gcv" : "given");
        if (!s && isfinite(info.gcv)) s = set_number(meta, "gcv_score", info.gcv);
        if (!s) s = set_number(meta, "effective_dof", info.edf);
        if (!s) s = set_number(meta, "residual_rms", sqrt(info.rss / (double)n));
        char note[256];
        snprintf(note, sizeof note, "smoothing spline: lam = %.6g %s, GCV score %.6g, effective "
                 "degrees of freedom %.4g, residual RMS %.6g", info.lam,
                 info.chosen ? "chosen by GCV" : "given", info.gcv, info.edf,
                 sqrt(info.rss / (double)n));
        if (!s) s = ua_model_set_meta(meta, "fit_note", note);
    }
    if (s) {
        ua_spline_free(sp);
        return s;
    }
    *state = sp;
    return UA_OK;
}
