/*
 * The ranges, derivative ranges and linear relaxations of the mlp's scalar activations over an
 * interval, for bound propagation (bounds.h). A range is the hull of the values at the ends and
 * at the critical points inside; the critical points of gelu, gelu_tanh and silu (where act' = 0,
 * and where act'' = 0) are found once by bisection, and the values there are widened by more
 * than the second-order error of a point off by a few ulps.
 */
#include <math.h>
#include <pthread.h>

#include "bounds.h"

#define PI 3.14159265358979323846

static double fwd(ua_mlp_act a, double s, double z) { return ua_mlp_act_forward(a, s, z); }
static double bwd(ua_mlp_act a, double s, double z) { return ua_mlp_act_backward(a, s, z); }

/* act'' by a central difference, for the sign changes only. */
static double d2(ua_mlp_act a, double z) { return bwd(a, 0, z + 1e-6) - bwd(a, 0, z - 1e-6); }

/* A root of g on [lo, hi] where g(lo), g(hi) differ in sign, by bisection to the last bit. */
static double bisect(double (*g)(ua_mlp_act, double), ua_mlp_act a, double lo, double hi)
{
    double glo = g(a, lo);
    for (int i = 0; i < 200 && hi - lo > 1e-15 * (fabs(lo) + fabs(hi)); i++) {
        double mid = 0.5 * (lo + hi), gm = g(a, mid);
        if ((gm > 0) == (glo > 0)) {
            lo = mid;
            glo = gm;
        } else {
            hi = mid;
        }
    }
    return 0.5 * (lo + hi);
}

static double d1(ua_mlp_act a, double z) { return bwd(a, 0, z); }

/* Critical points of gelu (0), gelu_tanh (1), silu (2): the minimum of act, and the two
 * extrema of act' (left, right). */
static double crit_min[3], crit_d_lo[3], crit_d_hi[3];
static pthread_once_t crit_once = PTHREAD_ONCE_INIT;

static void crit_init(void)
{
    const ua_mlp_act acts[3] = { UA_ACT_GELU, UA_ACT_GELU_TANH, UA_ACT_SILU };
    for (int i = 0; i < 3; i++) {
        crit_min[i] = bisect(d1, acts[i], -3.0, -0.1);
        crit_d_lo[i] = bisect(d2, acts[i], -4.0, -0.5);
        crit_d_hi[i] = bisect(d2, acts[i], 0.5, 4.0);
    }
}

static int smooth_index(ua_mlp_act a)
{
    return a == UA_ACT_GELU ? 0 : a == UA_ACT_GELU_TANH ? 1 : a == UA_ACT_SILU ? 2 : -1;
}

/* The hull of g over [l, u] from the ends and the points c[0..nc) inside; the interior values are
 * widened by 1e-12 (relative and absolute) for the error of the critical point. */
static void hull(double (*g)(ua_mlp_act, double, double), ua_mlp_act a, double s, double l,
                 double u, const double *c, size_t nc, double *lo, double *hi)
{
    double gl = g(a, s, l), gu = g(a, s, u);
    double mn = fmin(gl, gu), mx = fmax(gl, gu);
    for (size_t i = 0; i < nc; i++)
        if (c[i] > l && c[i] < u) {
            double v = g(a, s, c[i]), w = 1e-12 * (1 + fabs(v));
            mn = fmin(mn, v - w);
            mx = fmax(mx, v + w);
        }
    *lo = ua_bnd_down(mn);
    *hi = ua_bnd_up(mx);
}

/* The points k pi + phase inside (l, u), at most 4 (callers handle u - l >= 2 pi). */
static size_t periodic_points(double l, double u, double phase, double *c)
{
    size_t n = 0;
    double k0 = ceil((l - phase) / PI);
    for (double k = k0; n < 4 && k * PI + phase < u; k++) c[n++] = k * PI + phase;
    return n;
}

void ua_mlp_act_range(ua_mlp_act a, double s, double l, double u, double *yl, double *yu)
{
    double c[4] = { 0, 0, 0, 0 };
    size_t nc = 0;
    int i = smooth_index(a);
    if (i >= 0) {
        pthread_once(&crit_once, crit_init);
        c[nc++] = crit_min[i];
    } else if (a == UA_ACT_SIN) {
        if (u - l >= 2 * PI) {
            *yl = -1;
            *yu = 1;
            return;
        }
        nc = periodic_points(l, u, PI / 2, c);
    } else if (a == UA_ACT_LEAKY_RELU && s < 0) {
        c[nc++] = 0.0; /* not monotone: the kink is the extremum */
    }
    if (a == UA_ACT_RELU) { /* exact */
        *yl = l > 0 ? l : 0.0;
        *yu = u > 0 ? u : 0.0;
        return;
    }
    hull(ua_mlp_act_forward, a, s, l, u, c, nc, yl, yu);
    if (a == UA_ACT_SIN) { /* the margin of the interior extrema never beyond sin's range */
        *yl = fmax(*yl, -1.0);
        *yu = fmin(*yu, 1.0);
    }
    if (a == UA_ACT_LEAKY_RELU && s < 0 && l < 0 && u > 0) { /* the kink's value 0 */
        *yl = fmin(*yl, 0.0);
        *yu = fmax(*yu, 0.0);
    }
}

void ua_mlp_dact_range(ua_mlp_act a, double s, double l, double u, double *dl, double *du)
{
    if (a == UA_ACT_RELU || a == UA_ACT_LEAKY_RELU) {
        double neg = a == UA_ACT_RELU ? 0.0 : s;
        if (l > 0) *dl = *du = 1.0;
        else if (u < 0) *dl = *du = neg;
        else {
            *dl = fmin(neg, 1.0);
            *du = fmax(neg, 1.0);
        }
        return;
    }
    double c[4] = { 0, 0, 0, 0 };
    size_t nc = 0;
    int i = smooth_index(a);
    if (i >= 0) {
        pthread_once(&crit_once, crit_init);
        c[nc++] = crit_d_lo[i];
        c[nc++] = crit_d_hi[i];
    } else if (a == UA_ACT_TANH || a == UA_ACT_SIGMOID) {
        c[nc++] = 0.0;
    } else if (a == UA_ACT_SIN) {
        if (u - l >= 2 * PI) {
            *dl = -1;
            *du = 1;
            return;
        }
        nc = periodic_points(l, u, 0.0, c);
    }
    hull(ua_mlp_act_backward, a, s, l, u, c, nc, dl, du);
    if (a == UA_ACT_SIN) {
        *dl = fmax(*dl, -1.0);
        *du = fmin(*du, 1.0);
    }
}

/* sup |act''| over the reals, with a margin (tanh: 4 / (3 sqrt 3); sigmoid: sqrt 3 / 18;
 * softplus: 1/4; silu: 1/2 at 0; gelu: 2 phi(0); gelu_tanh: about gelu's; sin: 1). */
static double act_m2(ua_mlp_act a)
{
    switch (a) {
    case UA_ACT_TANH: return 0.7699;
    case UA_ACT_SIGMOID: return 0.0963;
    case UA_ACT_SOFTPLUS: return 0.2501;
    case UA_ACT_SILU: return 0.5001;
    case UA_ACT_GELU: return 0.7980;
    case UA_ACT_GELU_TANH: return 0.85;
    case UA_ACT_SIN: return 1.0;
    default: return INFINITY;
    }
}

/* Upper and lower lines of a piecewise-linear activation with slopes sn (z < 0) and 1 (z > 0)
 * over an interval around the kink: the chord on the convex side, a tangent piece on the other
 * (its slope by CROWN's rule: the larger side of the interval). */
static void relax_kink(double sn, double l, double u, double *al, double *bl, double *au,
                       double *bu)
{
    double fl = sn * l, k = (u - fl) / (u - l);
    double b = u - k * u;
    double slack = 4 * 1.1102230246251565e-16 * (fabs(k) * (fabs(l) + fabs(u)) + fabs(u)) + UA_BND_TINY;
    double piece = u >= -l ? 1.0 : sn;
    if (sn <= 1) { /* convex: max(sn z, z) */
        *au = k;
        *bu = b + slack;
        *al = piece;
        *bl = 0;
    } else { /* concave: min(sn z, z) */
        *al = k;
        *bl = b - slack;
        *au = piece;
        *bu = 0;
    }
}

void ua_mlp_act_relax(ua_mlp_act a, double s, double l, double u, double *al, double *bl,
                      double *au, double *bu)
{
    if (a == UA_ACT_RELU || a == UA_ACT_LEAKY_RELU) {
        double sn = a == UA_ACT_RELU ? 0.0 : s;
        if (l >= 0) {
            *al = *au = 1.0;
            *bl = *bu = 0.0;
        } else if (u <= 0) {
            *al = *au = sn;
            *bl = *bu = 0.0;
        } else {
            relax_kink(sn, l, u, al, bl, au, bu);
        }
        return;
    }
    double w = u - l;
    double k;
    if (w <= 1e-9 * (1 + fabs(l))) k = bwd(a, s, 0.5 * (l + u));
    else k = (fwd(a, s, u) - fwd(a, s, l)) / w;
    /* act(z) - k z over [l, u]: its extremes on 33 points, corrected by m2 h^2 / 8 */
    enum { NP = 33 };
    double h = w / (NP - 1), mn = INFINITY, mx = -INFINITY, mag = 0;
    for (int i = 0; i < NP; i++) {
        double z = i == NP - 1 ? u : l + h * i;
        double f = fwd(a, s, z), g = f - k * z;
        mn = fmin(mn, g);
        mx = fmax(mx, g);
        mag = fmax(mag, fabs(f) + fabs(k * z));
    }
    /* the grid points themselves carry rounding (l + h i is not exact): h is enlarged by it in
     * the correction, and every computed value by UA_BND_REL of the magnitudes */
    double corr = act_m2(a) * (h * (1 + 1e-12)) * (h * (1 + 1e-12)) / 8;
    double err = 4 * UA_BND_REL * mag + UA_BND_TINY;
    /* the points l + h i cover [l, u] up to 1e-15 relative of |l| + |u|: the slope of g, at most
     * sup|act'| + |k| (<= 2 sup|act'|), times that gap */
    double gap = 1e-15 * (fabs(l) + fabs(u)) * (2 * fmax(fabs(k), 1.0) + 2);
    *al = *au = k;
    *bl = mn - corr - err - gap;
    *bu = mx + corr + err + gap;
    /* on a wide interval the scan's correction can exceed the range itself: then the constant
     * lines of the range are the tighter band */
    double yl, yu;
    ua_mlp_act_range(a, s, l, u, &yl, &yu);
    if (!(*bu - *bl < yu - yl)) {
        *al = *au = 0.0;
        *bl = yl;
        *bu = yu;
    }
}
