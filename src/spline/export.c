/*
 * The `spline` family's C export (the vtable's export_c, src/model/family.h), written with the
 * shared emitter (src/emit/emit.h): `T name(T x)`, NaN outside the knots; the knot search and the
 * operations of ua_spline_local (src/spline/internal.h) in the same order, so the double export
 * equals the library bitwise.
 */
#include <float.h>
#include <limits.h>
#include <math.h>

#include "core/internal.h"
#include "emit/emit.h"
#include "internal.h"

ua_status ua_spline_export_c(const void *state, ua_export_type type, const char *name, FILE *out)
{
    const ua_spline *s = state;
    ua_emit e;
    ua_status st = ua_emit_start(&e, "spline", state, type, name, out);
    if (st) return st;
    if (s->n > INT_MAX / 3)
        return UA_ERR(UA_EUNSUPPORTED, "spline export: too many knots (%zu)", s->n);
    const int fl = e.fl;
    if (fl) {
        for (size_t k = 0; k < s->n; k++) {
            const double *c = s->cf + 3 * k;
            double big = fmax(fabs(s->y[k]), s->scale * (fabs(c[0]) + fabs(c[1]) + fabs(c[2])));
            if (!(big <= FLT_MAX) || !(fabs(s->x[k]) <= FLT_MAX))
                return UA_ERR(UA_EUNSUPPORTED, "spline export: knot %zu (x = %g, y = %g) is beyond "
                              "the float range; export as double", k, s->x[k], s->y[k]);
        }
    }
    const char *T = fl ? "float" : "double", *zero = fl ? "0.0f" : "0.0";
    const char *one = fl ? "1.0f" : "1.0";
    const char *fn = s->map == UA_SPLINE_MAP_LOG ? (fl ? "logf" : "log")
                   : s->map == UA_SPLINE_MAP_ASINH ? (fl ? "asinhf" : "asinh") : NULL;
    const size_t n = s->n;
    fprintf(out, "\n/* spline: %zu knots, %zu piece%s, cubic in %s, each interval in the local "
                 "coordinate u = (t - t_i) / (t_{i+1} - t_i). */\n\n",
            n, s->npieces, s->npieces == 1 ? "" : "s",
            s->map == UA_SPLINE_MAP_LOG     ? "t = ln x"
            : s->map == UA_SPLINE_MAP_ASINH ? "t = asinh x"
                                            : "t = x");
    ua_emit_array(&e, "x", s->x, n);
    if (fn) ua_emit_array(&e, "t", s->t, n);
    ua_emit_array(&e, "y", s->y, n);
    ua_emit_array(&e, "ih", s->ih, n);
    ua_emit_array(&e, "c", s->cf, 3 * n); /* scale != 1: double only (float refused above) */
    /* The operations of ua_spline_local (src/spline/internal.h), in the same order. */
    fprintf(out, "\n%s %s(%s x)\n{\n", T, name, T);
    fprintf(out, "    if (!(x >= %s_x[0] && x <= %s_x[%zu])) return NAN; /* outside, or NaN */\n",
            name, name, n - 1);
    fprintf(out, "    int lo = 0, hi = %zu; /* the largest i with x_i <= x */\n"
                 "    while (hi - lo > 1) {\n"
                 "        int mid = lo + (hi - lo) / 2;\n"
                 "        if (%s_x[mid] <= x) lo = mid;\n"
                 "        else hi = mid;\n"
                 "    }\n", n, name);
    const char *half = fl ? "0.0625f" : "0.0625"; /* UA_SPLINE_TSHRINK */
    if (s->half && fn) /* knots near +-DBL_MAX: the halved coordinate of ua_spline_local */
        fprintf(out, "    %s u = (%s(x) * %s - %s_t[lo] * %s) * %s_ih[lo];\n", T, fn, half, name,
                half, name);
    else if (s->half)
        fprintf(out, "    %s u = (x * %s - %s_x[lo] * %s) * %s_ih[lo];\n", T, half, name, half,
                name);
    else if (fn) fprintf(out, "    %s u = (%s(x) - %s_t[lo]) * %s_ih[lo];\n", T, fn, name, name);
    else fprintf(out, "    %s u = (x - %s_x[lo]) * %s_ih[lo];\n", T, name, name);
    fprintf(out, "    if (u < %s) u = %s;\n"
                 "    if (u > %s) u = %s;\n"
                 "    const %s *c = %s_c + 3 * lo;\n"
                 "    %s p = u * (c[0] + u * (c[1] + u * c[2]));\n",
            zero, zero, one, one, T, name, T);
    if (s->scale == 1.0) {
        fprintf(out, "    return %s_y[lo] + p;\n}\n", name);
    } else {
        fprintf(out, "    const double sc = ");
        ua_emit_double(out, s->scale);
        fprintf(out, ", big = 0x1.fffffffffffffp+1023;\n"
                     "    double v = %s_y[lo] + sc * p;\n"
                     "    if (!(fabs(v) <= big)) { /* finite data never give +-Inf */\n"
                     "        v = (%s_y[lo] / sc + p) * sc;\n"
                     "        if (v > big) v = big;\n"
                     "        if (v < -big) v = -big;\n"
                     "    }\n"
                     "    return v;\n}\n", name, name);
    }
    if (ferror(out)) return UA_ERR(UA_EIO, "spline export: write failed");
    return UA_OK;
}

