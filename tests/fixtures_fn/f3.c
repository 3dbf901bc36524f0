/* A 3-D user function for tests/test_problem.c (a helper with internal linkage, as users write). */
#include <math.h>

static double sq(double t)
{
    return t * t;
}

double f3(const double *x)
{
    return exp(-sq(x[0]) - sq(x[1])) + x[2] * cos(x[1]);
}
