/*
 * The cubic spline system of one piece (docs/spline.md, "The cubic spline"): the slopes m_i =
 * s'(t_i) solve a tridiagonal system — the continuity of s'' at the interior knots plus one end
 * condition at each end (not-a-knot, natural or clamped) — by Gaussian elimination with partial
 * pivoting (the not-a-knot rows are not diagonally dominant), as LAPACK's dgtsv does. Then each
 * interval gets its cubic in the local coordinate u in [0, 1] (Hermite form):
 *     s = y_i + B u + C u^2 + D u^3,  B = h m_i,  C = 3 dy - h (2 m_i + m_{i+1}),
 *     D = h (m_i + m_{i+1}) - 2 dy,   h = t_{i+1} - t_i,  dy = y_{i+1} - y_i.
 */
#include <math.h>
#include <string.h>

#include "core/internal.h"
#include "internal.h"

/*
 * Solves the tridiagonal system with sub-diagonal dl (n - 1), diagonal d (n) and super-diagonal
 * du (n - 1) for the right-hand side b (n), in place (b receives the solution); du2 (n) is
 * scratch for the second super-diagonal that row interchanges create. Returns 0, or -1 for an
 * exactly singular matrix. All arrays are overwritten.
 */
static int solve_tridiagonal(size_t n, double *dl, double *d, double *du, double *du2, double *b)
{
    for (size_t i = 0; i + 1 < n; i++) {
        if (fabs(d[i]) >= fabs(dl[i])) { /* no interchange */
            if (d[i] == 0.0) return -1;
            double f = dl[i] / d[i];
            d[i + 1] -= f * du[i];
            b[i + 1] -= f * b[i];
            du2[i] = 0.0;
        } else { /* interchange rows i and i + 1 */
            double f = d[i] / dl[i];
            d[i] = dl[i];
            double tmp = d[i + 1];
            d[i + 1] = du[i] - f * tmp;
            if (i + 2 < n) {
                du2[i] = du[i + 1];
                du[i + 1] = -f * du2[i];
            } else {
                du2[i] = 0.0;
            }
            du[i] = tmp;
            tmp = b[i];
            b[i] = b[i + 1];
            b[i + 1] = tmp - f * b[i + 1];
        }
    }
    if (d[n - 1] == 0.0) return -1;
    b[n - 1] /= d[n - 1];
    if (n > 1) b[n - 2] = (b[n - 2] - du[n - 2] * b[n - 1]) / d[n - 2];
    for (size_t k = n - 2; k-- > 0;)
        b[k] = (b[k] - du[k] * b[k + 1] - du2[k] * b[k + 2]) / d[k];
    for (size_t k = 0; k < n; k++)
        if (!isfinite(b[k])) return -1;
    return 0;
}

/* The slopes of the parabola through three points (not-a-knot at both ends with n = 3). */
static void parabola_slopes(const double *t, const double *y, double *m)
{
    double h0 = t[1] - t[0], h1 = t[2] - t[1];
    double d0 = (y[1] - y[0]) / h0, d1 = (y[2] - y[1]) / h1;
    double c = (d1 - d0) / (h0 + h1); /* second divided difference */
    m[0] = d0 - c * h0;
    m[1] = d0 + c * h0;
    m[2] = d1 + c * h1;
}

ua_status ua_spline_piece_coeffs(size_t n, const double *t, const double *y, ua_spline_end left,
                                 ua_spline_end right, double *cf, double *ih, double *work)
{
    if (n == 0) return UA_ERR(UA_EINVAL, "spline piece without knots");
    for (size_t k = 0; k + 1 < n; k++)
        if (!(t[k + 1] > t[k]))
            return UA_ERR(UA_EINVAL, "spline knots not strictly increasing in t at %zu "
                          "(%.17g, %.17g)", k, t[k], t[k + 1]);
    cf[3 * (n - 1)] = cf[3 * (n - 1) + 1] = cf[3 * (n - 1) + 2] = 0.0;
    ih[n - 1] = 0.0;
    if (n == 1) return UA_OK;

    double *m = work, *dl = work + n, *d = work + 2 * n, *du = work + 3 * n, *du2 = work + 4 * n;
    /* With two knots not-a-knot says nothing: use the natural condition (a line unless an end
     * is clamped). */
    if (n == 2) {
        if (left.kind == UA_SPLINE_NOT_A_KNOT) left.kind = UA_SPLINE_NATURAL;
        if (right.kind == UA_SPLINE_NOT_A_KNOT) right.kind = UA_SPLINE_NATURAL;
    }
    if (n == 3 && left.kind == UA_SPLINE_NOT_A_KNOT && right.kind == UA_SPLINE_NOT_A_KNOT) {
        parabola_slopes(t, y, m);
    } else {
        /* Interior rows (continuity of s''), scaled by nothing: h_i m_{i-1} + 2 (h_{i-1} + h_i) m_i
         * + h_{i-1} m_{i+1} = 3 (h_i delta_{i-1} + h_{i-1} delta_i). */
        for (size_t i = 1; i + 1 < n; i++) {
            double h0 = t[i] - t[i - 1], h1 = t[i + 1] - t[i];
            double d0 = (y[i] - y[i - 1]) / h0, d1 = (y[i + 1] - y[i]) / h1;
            dl[i - 1] = h1;
            d[i] = 2.0 * (h0 + h1);
            du[i] = h0;
            m[i] = 3.0 * (h1 * d0 + h0 * d1);
        }
        /* First row; rows are scaled to the size of the interior ones (lengths) so that the
         * pivoting compares like with like. */
        double h0 = t[1] - t[0], dd0 = (y[1] - y[0]) / h0;
        switch (left.kind) {
        case UA_SPLINE_CLAMPED:
            d[0] = h0;
            du[0] = 0.0;
            m[0] = h0 * left.slope;
            break;
        case UA_SPLINE_NATURAL: /* s''(t_0) = 0: 2 m_0 + m_1 = 3 delta_0 */
            d[0] = 2.0 * h0;
            du[0] = h0;
            m[0] = 3.0 * h0 * dd0;
            break;
        default: { /* not-a-knot: s''' continuous at t_1, with m_2 eliminated by row 1 */
            double h1 = t[2] - t[1], dd1 = (y[2] - y[1]) / h1, s = h0 + h1;
            d[0] = h1;
            du[0] = s;
            m[0] = ((3.0 * h0 + 2.0 * h1) * h1 * dd0 + h0 * h0 * dd1) / s;
        }
        }
        /* Last row. */
        double hl = t[n - 1] - t[n - 2], ddl = (y[n - 1] - y[n - 2]) / hl;
        switch (right.kind) {
        case UA_SPLINE_CLAMPED:
            dl[n - 2] = 0.0;
            d[n - 1] = hl;
            m[n - 1] = hl * right.slope;
            break;
        case UA_SPLINE_NATURAL: /* s''(t_{n-1}) = 0: m_{n-2} + 2 m_{n-1} = 3 delta_{n-2} */
            dl[n - 2] = hl;
            d[n - 1] = 2.0 * hl;
            m[n - 1] = 3.0 * hl * ddl;
            break;
        default: { /* not-a-knot at t_{n-2}, with m_{n-3} eliminated by row n - 2 */
            double ha = t[n - 2] - t[n - 3], dda = (y[n - 2] - y[n - 3]) / ha, s = ha + hl;
            dl[n - 2] = s;
            d[n - 1] = ha;
            m[n - 1] = (hl * hl * dda + ha * (2.0 * ha + 3.0 * hl) * ddl) / s;
        }
        }
        if (solve_tridiagonal(n, dl, d, du, du2, m))
            return UA_ERR(UA_EINVAL, "spline system is singular (%zu knots from t = %.17g)", n,
                          t[0]);
    }
    for (size_t i = 0; i + 1 < n; i++) {
        double h = t[i + 1] - t[i], dy = y[i + 1] - y[i];
        double *c = cf + 3 * i;
        c[0] = h * m[i];
        c[1] = 3.0 * dy - h * (2.0 * m[i] + m[i + 1]);
        c[2] = h * (m[i] + m[i + 1]) - 2.0 * dy;
        ih[i] = 1.0 / h;
        if (!(isfinite(c[0]) && isfinite(c[1]) && isfinite(c[2]) && isfinite(ih[i])))
            return UA_ERR(UA_EINVAL, "spline coefficients overflow on [%.17g, %.17g] in t "
                          "(knots too close for the values)", t[i], t[i + 1]);
    }
    return UA_OK;
}
