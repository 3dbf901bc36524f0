/* The README's C API example: fit, measure against MPFR, integrate. Built and run by the tests. */
#include <math.h>
#include <stdio.h>
#include <uniapprox.h>

int main(void)
{
    ua_target *f;
    ua_cheb *p;
    ua_errors err;
    double integral;
    if (ua_target_parse("exp(-x^2)", NULL, 0, &f) ||
        ua_cheb_fit(ua_target_fn1, f, -4, 4, NULL, &p) ||          /* NULL: default options */
        ua_verify_1d(ua_cheb_fn1, p, f, -4, 4, NULL, &err) ||      /* against MPFR, 1e5 points */
        ua_cheb_integral(p, &integral)) {
        fprintf(stderr, "error: %s\n", ua_last_error());
        return 1;
    }
    double exact = sqrt(acos(-1.0)) * erf(4.0);                     /* int_{-4}^{4} e^{-x^2} dx */
    printf("%zu coefficients, max error %.2e at x = %g, integral error %.1e\n",
           ua_cheb_total_length(p), err.max_abs, err.x_max_abs, fabs(integral - exact));
    ua_cheb_free(p);
    ua_target_free(f);
    return err.max_abs < 1e-15 && fabs(integral - exact) < 1e-14 ? 0 : 1;
}
