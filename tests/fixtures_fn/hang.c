/* Never returns for x > 0.5. */
double hang(double x)
{
    volatile int spin = 1;
    if (x > 0.5)
        while (spin) {}
    return 2 * x;
}
