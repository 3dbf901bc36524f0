/* src/verify/ssq.c — the sum of squares of the measurements' RMS errors, kept scaled. */
#include <math.h>

#include "verify/internal.h"

void ua_ssq_add(double *scale, double *sum, double v)
{
    v = fabs(v);
    if (v != v) {
        *sum = NAN;
        return;
    }
    if (v == 0) return;
    if (v > *scale) {
        double r = *scale / v;
        *sum = 1 + *sum * r * r;
        *scale = v;
    } else {
        double r = v / *scale;
        *sum += r * r;
    }
}

void ua_ssq_merge(double *scale, double *sum, double s2, double q2)
{
    if (q2 == 0) return;
    if (s2 > *scale) {
        double r = *scale / s2;
        *sum = q2 + *sum * r * r;
        *scale = s2;
    } else {
        double r = s2 / *scale;
        *sum += q2 * r * r;
    }
}
