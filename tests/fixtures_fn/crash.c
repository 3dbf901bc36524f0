/* Crashes (a write through a null pointer the compiler cannot see) for x > 0.5. */
double crash(double x)
{
    volatile double *volatile p = 0;
    if (x > 0.5) *p = x;
    return x * x;
}
