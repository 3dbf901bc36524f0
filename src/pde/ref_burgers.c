/*
 * src/pde/ref_burgers.c — the exact solution of viscous Burgers u_t + u u_x = nu u_xx on
 * [-1, 1] x [0, T], u(x, 0) = -sin(pi x), u(+-1, t) = 0, by the Cole-Hopf transform.
 *
 * Cole-Hopf (u = -2 nu phi_x / phi, phi solving the heat equation) gives, with the substitution
 * y = x - eta (Basdevant et al., Computers & Fluids 14 (1986) 23-41, section 2),
 *     u(x, t) = -∫ sin(pi y) f(y) G(x - y) dy / ∫ f(y) G(x - y) dy,
 *     f(y) = exp(-cos(pi y) / (2 pi nu)),   G(z) = exp(-z^2 / (4 nu t)).
 * The odd, 2-periodic initial value makes u odd about 0 and about +-1, so u(+-1, t) = 0 holds
 * exactly and the whole-line formula is the boundary-value problem's solution.
 *
 * For nu = 0.01/pi, 1/(2 pi nu) = 50: f spans e^-50 .. e^50 and is sharp near y = +-1, and for
 * small t the Gaussian is narrow (width sqrt(4 nu t)). Both factors are combined into one exponent
 * E(y), shifted by its maximum (no overflow even for nu = 1e-4, where f reaches e^1592), and the
 * integrals are taken over the interval where E is within 40 of its peak (outside, the integrand
 * is below e^-40 = 4e-18 of the peak times a bounded length) by globally adaptive Gauss-Kronrod
 * (7/15 points), bisecting the panel with the largest |K15 - G7| until the sum is below 1e-15 of
 * the denominator. Double precision suffices: both integrals are sums of positive (denominator) or
 * bounded-by-it (numerator) terms, so the absolute error of u stays near the unit roundoff even at
 * the shock, where the numerator is the small difference of two lobes (checked against mpmath at
 * 30 digits in tests/test_pde_ref.c, fixture tests/ref/pde_ref.h).
 */
#include <math.h>
#include <stdlib.h>

#include "core/internal.h"
#include "pde/ref_internal.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

/* Kronrod 15-point nodes on [-1, 1] (the positive half, descending; xk[7] = 0) and weights, and
 * the weights of the embedded 7-point Gauss rule at xk[1], xk[3], xk[5], xk[7] (Piessens et al.,
 * QUADPACK, 1983: the tabulated constants). */
static const double XK[8] = {
    0.991455371120812639206854697526329, 0.949107912342758524526189684047851,
    0.864864423359769072789712788640926, 0.741531185599394439863864773280788,
    0.586087235467691130294144845693013, 0.405845151377397166906606412076961,
    0.207784955007898467600689403773245, 0.0};
static const double WK[8] = {
    0.022935322010529224963732008058970, 0.063092092629978553290700663189204,
    0.104790010322250183839876322541518, 0.140653259715525918745189590510238,
    0.169004726639267902826583426598550, 0.190350578064785409913256402421014,
    0.204432940075298892414161999234649, 0.209482141084727828012999174891714};
static const double WG[4] = {
    0.129484966168869693270611432679082, 0.279705391489276667901467771423780,
    0.381830050505118944950369775488975, 0.417959183673469387755102040816327};

/* The integrands share one exponent: E(y) = -K cos(pi y) - (x - y)^2 / c, shifted by S. */
typedef struct {
    double K, c, x, S;
} ch_params;

enum { NQ = 4 }; /* integrands: e^E, sin(pi y) e^E, and the same times -2 (y - x)/c ... (d/dx) */

/* The four integrand values at y: den, num, d(den)/dx, d(num)/dx (x enters only through G). */
static void ch_integrands(const ch_params *p, double y, double v[NQ])
{
    double z = p->x - y;
    double w = exp(-p->K * cos(M_PI * y) - z * z / p->c - p->S);
    double s = sin(M_PI * y);
    double dg = -2.0 * z / p->c; /* d/dx of -(x - y)^2 / c */
    v[0] = w;
    v[1] = s * w;
    v[2] = dg * w;
    v[3] = dg * s * w;
}

/* K15 and G7 over [a, b] for the NQ integrands: res (K15) and err (|K15 - G7|, the largest of
 * the four after scaling the derivative pair by c / 2, i.e. to the size of the values). */
static void ch_gk15(const ch_params *p, double a, double b, int nq, double res[NQ], double *err)
{
    double h = 0.5 * (b - a), m = 0.5 * (a + b);
    double rk[NQ] = {0}, rg[NQ] = {0}, v[NQ], w[NQ];
    ch_integrands(p, m, v);
    for (int q = 0; q < nq; q++) {
        rk[q] = WK[7] * v[q];
        rg[q] = WG[3] * v[q];
    }
    for (int j = 0; j < 7; j++) {
        ch_integrands(p, m - h * XK[j], v);
        ch_integrands(p, m + h * XK[j], w);
        for (int q = 0; q < nq; q++) {
            rk[q] += WK[j] * (v[q] + w[q]);
            if (j & 1) rg[q] += WG[j / 2] * (v[q] + w[q]);
        }
    }
    double e = 0.0;
    for (int q = 0; q < nq; q++) {
        res[q] = h * rk[q];
        double d = fabs(h * (rk[q] - rg[q]));
        if (q >= 2) d *= 0.5 * sqrt(p->c); /* derivative terms: one kernel width ~ sqrt(c) */
        if (d > e) e = d;
    }
    *err = e;
}

/* The shift S (the maximum of E, approximately) and the half-width R of the integration window
 * around x. E's maximum is found on a grid of the window where it can lie, then polished by a few
 * Newton steps; an approximate S only changes the scale, which cancels in u. */
static void ch_setup(ch_params *p, double nu, double x, double t, double *lo, double *hi)
{
    p->K = 1.0 / (2.0 * M_PI * nu);
    p->c = 4.0 * nu * t;
    p->x = x;
    p->S = 0.0;
    /* E <= K - (x-y)^2/c and max E >= E(x) >= -K: the peak lies within sqrt(2 K c) of x */
    double R0 = sqrt(p->c * (2.0 * p->K + 1.0));
    int ng = 400;
    double best = -HUGE_VAL, ybest = x;
    for (int i = 0; i <= ng; i++) {
        double y = x - R0 + 2.0 * R0 * i / ng;
        double z = x - y, E = -p->K * cos(M_PI * y) - z * z / p->c;
        if (E > best) {
            best = E;
            ybest = y;
        }
    }
    double y = ybest;
    for (int it = 0; it < 20; it++) { /* Newton on E'(y) = 0 */
        double d1 = p->K * M_PI * sin(M_PI * y) + 2.0 * (x - y) / p->c;
        double d2 = p->K * M_PI * M_PI * cos(M_PI * y) - 2.0 / p->c;
        if (!(d2 < 0)) break;
        double yn = y - d1 / d2;
        if (fabs(yn - ybest) > 2.0 * R0 / ng) break; /* stay in the grid cell's neighbourhood */
        y = yn;
    }
    double z = x - y, Ey = -p->K * cos(M_PI * y) - z * z / p->c;
    p->S = Ey > best ? Ey : best;
    double R = sqrt(p->c * (p->K - p->S + 40.0));
    *lo = x - R;
    *hi = x + R;
}

enum { CH_MAX_PANELS = 1000 };

/* Globally adaptive GK15 of the nq integrands over [lo, hi]; out (nq,). */
static void ch_adaptive(const ch_params *p, double lo, double hi, int nq, double out[NQ])
{
    double a[CH_MAX_PANELS], b[CH_MAX_PANELS], err[CH_MAX_PANELS], res[CH_MAX_PANELS][NQ];
    int np = 16;
    for (int i = 0; i < np; i++) {
        a[i] = lo + (hi - lo) * i / np;
        b[i] = lo + (hi - lo) * (i + 1) / np;
        ch_gk15(p, a[i], b[i], nq, res[i], &err[i]);
    }
    for (;;) {
        double tot[NQ] = {0}, etot = 0.0;
        int worst = 0;
        for (int i = 0; i < np; i++) {
            for (int q = 0; q < nq; q++) tot[q] += res[i][q];
            etot += err[i];
            if (err[i] > err[worst]) worst = i;
        }
        if (etot <= 1e-15 * tot[0] || np + 1 >= CH_MAX_PANELS || b[worst] - a[worst] < 1e-14) {
            for (int q = 0; q < nq; q++) out[q] = tot[q];
            return;
        }
        double mid = 0.5 * (a[worst] + b[worst]);
        a[np] = mid;
        b[np] = b[worst];
        b[worst] = mid;
        ch_gk15(p, a[worst], b[worst], nq, res[worst], &err[worst]);
        ch_gk15(p, a[np], b[np], nq, res[np], &err[np]);
        np++;
    }
}

double ua_ref_burgers_u(double nu, double x, double t, double *ux)
{
    if (t <= 0.0) {
        if (ux) *ux = -M_PI * cos(M_PI * x);
        return -sin(M_PI * x);
    }
    ch_params p;
    double lo, hi, I[NQ];
    ch_setup(&p, nu, x, t, &lo, &hi);
    int nq = ux ? 4 : 2;
    ch_adaptive(&p, lo, hi, nq, I);
    double u = -I[1] / I[0];
    if (ux) *ux = -(I[3] * I[0] - I[1] * I[2]) / (I[0] * I[0]);
    return u;
}

double ua_ref_burgers_u_panels(double nu, double x, double t, int npanels)
{
    if (t <= 0.0) return -sin(M_PI * x);
    ch_params p;
    double lo, hi, I[NQ] = {0}, r[NQ], e;
    ch_setup(&p, nu, x, t, &lo, &hi);
    for (int i = 0; i < npanels; i++) {
        ch_gk15(&p, lo + (hi - lo) * i / npanels, lo + (hi - lo) * (i + 1) / npanels, 2, r, &e);
        I[0] += r[0];
        I[1] += r[1];
    }
    return -I[1] / I[0];
}

/* ---- the reference object -------------------------------------------------------------------- */

typedef struct {
    double nu;
} burgers_state;

static void burgers_eval(const void *state, const double *pts, size_t n, double *u)
{
    const burgers_state *b = state;
    long nn = (long)n;
#pragma omp parallel for schedule(dynamic, 16) if (n > 64)
    for (long i = 0; i < nn; i++) u[i] = ua_ref_burgers_u(b->nu, pts[2 * i], pts[2 * i + 1], NULL);
}

ua_status ua_ref_burgers_init(const double *params, size_t nparams, ua_pde_reference *r)
{
    if (nparams > 2)
        return UA_ERR(UA_EINVAL, "PDE reference 'burgers': at most 2 parameters (nu, T), got %zu",
                      nparams);
    double nu = nparams > 0 ? params[0] : UA_REF_BURGERS_NU;
    double T = nparams > 1 ? params[1] : 1.0;
    if (!(nu >= 1e-4 && nu <= 10.0))
        return UA_ERR(UA_EINVAL, "PDE reference 'burgers': nu must be in [1e-4, 10], got %g", nu);
    if (!(T > 0.0 && T <= 100.0))
        return UA_ERR(UA_EINVAL, "PDE reference 'burgers': T must be in (0, 100], got %g", T);
    burgers_state *b = malloc(sizeof *b);
    if (!b) return UA_ENOMEM_ERR(sizeof *b);
    b->nu = nu;
    r->name = "burgers";
    r->lo[0] = -1.0;
    r->hi[0] = 1.0;
    r->lo[1] = 0.0;
    r->hi[1] = T;
    r->eval = burgers_eval;
    r->free_state = free;
    r->state = b;
    return UA_OK;
}
