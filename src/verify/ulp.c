/* ULP of float64 and float32 at a value (uniapprox/verify.h). */
#include <math.h>

#include "uniapprox/verify.h"

/* The spacing 2^(max(e, emin) - p) of a binary format with p + 1 significand bits and minimum
 * normal exponent emin at |y| in [2^e, 2^(e+1)); below 2^emin it is the subnormal spacing, so
 * ulp(0) is the smallest subnormal. Computed from frexp, which is exact. */
static double ulp(double y, int emin, int p)
{
    if (!isfinite(y)) return NAN;
    if (y == 0) return ldexp(1.0, emin - p);
    int k;
    frexp(y, &k); /* |y| = m 2^k with m in [0.5, 1), so e = k - 1 */
    int e = k - 1;
    return ldexp(1.0, (e > emin ? e : emin) - p);
}

double ua_ulp64(double y) { return ulp(y, -1022, 52); }
double ua_ulp32(double y) { return ulp(y, -126, 23); }
