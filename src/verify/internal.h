/*
 * src/verify/internal.h — helpers shared by the measurements of src/verify/ (ua_verify_1d in
 * verify.c, ua_verify_box in box.c), so that both build the same 1-D grid and compute the error
 * at a point the same way.
 */
#ifndef UA_VERIFY_INTERNAL_H
#define UA_VERIFY_INTERNAL_H

#include <stddef.h>

#include <mpfr.h>

#include "uniapprox/verify.h"

/* Grid point i of n >= 2 on [a, b] (uniform in x, or in ln x for UA_GRID_LOG with 0 < a); the
 * endpoints are exactly a and b and every point lies in [a, b]. */
double ua_verify_grid_point(ua_grid grid, double a, double b, size_t i, size_t n);

/* A sum of squares kept as scale^2 * sum (LAPACK's dlassq), so that the RMS of errors near 1e300
 * does not overflow and that of errors near 1e-300 does not underflow. Start from scale = sum = 0.
 * ua_ssq_add adds v^2 (a NaN v makes the sum NaN); ua_ssq_merge adds another such pair (s2, q2),
 * for the per-thread partial sums. The sum of squares is scale^2 * sum. */
void ua_ssq_add(double *scale, double *sum, double v);
void ua_ssq_merge(double *scale, double *sum, double s2, double q2);

/* The errors of an approximation p at one point, all >= 0: abs |p - f|, rel |p - f| / |f| (-1
 * when f == 0: no relative error there), u64 |p - f| / ulp64(f), u32 |(float)p - f| / ulp32(f)
 * (both -1 when f == 0: an error in ULPs of 0, the smallest subnormal, says nothing).
 * A non-finite p makes all four +Inf. */
typedef struct {
    double abs, rel, u64, u32;
} ua_point_errors;

/* Against an MPFR reference f whose double rounding fd is finite: the difference is formed
 * exactly in MPFR and rounded once (at the precision of d), as verify.h describes. d and t are
 * scratch numbers of the reference's precision. */
void ua_point_errors_mpfr(double p, mpfr_srcptr f, double fd, mpfr_ptr d, mpfr_ptr t,
                          ua_point_errors *e);

/* Against a finite double reference f: p - f is correctly rounded by IEEE subtraction, so abs is
 * what the MPFR path gives for the same f; rel is rounded twice (<= 1 ulp from the exact). */
void ua_point_errors_double(double p, double f, ua_point_errors *e);

#endif /* UA_VERIFY_INTERNAL_H */
