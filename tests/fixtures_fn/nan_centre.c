/* NaN at the centre of [0, 1], finite elsewhere. */
#include <math.h>

double nan_centre(double x)
{
    return x == 0.5 ? NAN : x;
}
