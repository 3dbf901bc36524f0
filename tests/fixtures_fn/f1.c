/* A 1-D user function for tests/test_problem.c: the same formula is computed in the test. */
#include <math.h>

double f1(double x)
{
    return exp(-x * x) * sin(3 * x);
}
