/* Does not compile: a missing semicolon. */
double bad(double x)
{
    return x * 2
}
