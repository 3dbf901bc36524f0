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
                 "coordinate u = (t - t_i) / (t_{i+1} - t_i), or past the middle w = (t_{i+1} - t) / (t_{i+1} - "
                 "t_i) from the right knot. */\n\n",
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
    const char *two = fl ? "2.0f" : "2.0", *three = fl ? "3.0f" : "3.0", *mid = fl ? "0.5f" : "0.5";
    /* u from the left knot, and w from the right one (ua_spline_local) */
    const char *tx = fn ? "tx" : "x";
    if (fn) fprintf(out, "    %s tx = %s(x);\n", T, fn);
    const char *arr = fn ? "t" : "x";
    if (s->half)
        fprintf(out, "    %s u = (%s * %s - %s_%s[lo] * %s) * %s_ih[lo];\n", T, tx, half, name, arr,
                half, name);
    else fprintf(out, "    %s u = (%s - %s_%s[lo]) * %s_ih[lo];\n", T, tx, name, arr, name);
    fprintf(out, "    if (u < %s) u = %s;\n"
                 "    if (u > %s) u = %s;\n"
                 "    const %s *c = %s_c + 3 * lo;\n"
                 "    %s p, base = %s_y[lo];\n"
                 "    if (u > %s) {\n",
            zero, zero, one, one, T, name, T, name, mid);
    if (s->half)
        fprintf(out, "        %s w = (%s_%s[lo + 1] * %s - %s * %s) * %s_ih[lo];\n", T, name, arr,
                half, tx, half, name);
    else fprintf(out, "        %s w = (%s_%s[lo + 1] - %s) * %s_ih[lo];\n", T, name, arr, tx, name);
    fprintf(out, "        if (w < %s) w = %s;\n"
                 "        if (w > %s) w = %s;\n"
                 "        base = %s_y[lo + 1];\n"
                 "        p = -(w * ((c[0] + %s * c[1] + %s * c[2]) - w * ((c[1] + %s * c[2]) - w * "
                 "c[2])));\n"
                 "    } else {\n"
                 "        p = u * (c[0] + u * (c[1] + u * c[2]));\n"
                 "    }\n",
            zero, zero, one, one, name, two, three, three);
    if (s->scale == 1.0) {
        fprintf(out, "    return base + p;\n}\n");
    } else {
        fprintf(out, "    const double sc = ");
        ua_emit_double(out, s->scale);
        fprintf(out, ", big = 0x1.fffffffffffffp+1023;\n"
                     "    double v = base + sc * p;\n"
                     "    if (!(fabs(v) <= big)) { /* finite data never give +-Inf */\n"
                     "        v = (base / sc + p) * sc;\n"
                     "        if (v > big) v = big;\n"
                     "        if (v < -big) v = -big;\n"
                     "    }\n"
                     "    return v;\n}\n");
    }
    if (ferror(out)) return UA_ERR(UA_EIO, "spline export: write failed");
    return UA_OK;
}

