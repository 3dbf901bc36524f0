/*
 * Bound propagation through a random-feature model (src/model/family.h, ua_family_bounds;
 * uniapprox/lipschitz.h is the manual): y = ys s sum_j c_j act(t_j) + ym, t_j = a_j . z - b_j,
 * z = (x - xm) / xs, one hidden layer, so
 * - the pre-activations' intervals are exact (a linear function of the box, up to rounding);
 * - IBP sums c_j times each activation's range; CROWN replaces each activation by linear bounds
 *   over its interval (the triangle for ReLU; for tanh, sigmoid and cos the chord's slope with
 *   offsets from a 33-point scan corrected by sup|act''| h^2 / 8) and maximises the resulting
 *   linear function of z over the box exactly, intersected with IBP;
 * - the gradient is ys s / xs_i sum_j c_j act'(t_j) a_ji in closed form, and its enclosure
 *   sums c_j a_ji times the enclosure of act' over t_j's interval (for cos, -sin: its extremes
 *   where t = pi/2 + k pi); the inf-norm by enumerating sign vectors (d <= 12).
 * Rounding: every sum of n products is widened by gamma_{n+2} times its magnitude (Higham 3.5),
 * libm values by 1e-15 relative; the feature map's own error (the vectorised cos is within
 * 2.5e-16 absolute) is in eval_error.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "internal.h"
#include "model/family.h"
#include "uniapprox/lipschitz.h"

#define U53 1.1102230246251565e-16
#define RF_PI 3.14159265358979323846

static double gam(size_t n) { return (double)(n + 4) * U53; }
static double dn(double v) { return v - (fabs(v) * 1e-15 + 1e-300); }
static double upw(double v) { return v + (fabs(v) * 1e-15 + 1e-300); }

static double act(ua_rf_act a, double t)
{
    switch (a) {
    case UA_RF_RELU: return t > 0 ? t : 0.0;
    case UA_RF_TANH: return tanh(t);
    case UA_RF_SIGMOID: return 1.0 / (1.0 + exp(-t));
    default: return cos(t);
    }
}

static double dact(ua_rf_act a, double t)
{
    switch (a) {
    case UA_RF_RELU: return t > 0 ? 1.0 : 0.0;
    case UA_RF_TANH: {
        double h = tanh(t);
        return 1 - h * h;
    }
    case UA_RF_SIGMOID: {
        double s = 1.0 / (1.0 + exp(-t));
        return s * (1 - s);
    }
    default: return -sin(t);
    }
}

/* The hull of g over [l, u]: the ends and the points k pi + phase inside (for cos and -sin: the
 * extremes), or 0 (tanh' and sigmoid' peak there); monotone activations need only the ends. */
static void range(ua_rf_act a, int deriv, double l, double u, double *lo, double *hi)
{
    if (a == UA_RF_RELU) {
        if (deriv) {
            *lo = l > 0 ? 1.0 : 0.0;
            *hi = u > 0 ? 1.0 : 0.0;
        } else {
            *lo = l > 0 ? l : 0.0;
            *hi = u > 0 ? u : 0.0;
        }
        return;
    }
    double (*g)(ua_rf_act, double) = deriv ? dact : act;
    double gl = g(a, l), gu = g(a, u), mn = fmin(gl, gu), mx = fmax(gl, gu);
    if (a == UA_RF_COS) {
        if (u - l >= 2 * RF_PI) {
            mn = -1;
            mx = 1;
        } else {
            double phase = deriv ? RF_PI / 2 : 0.0; /* extremes of cos at k pi, of -sin at pi/2 + k pi */
            for (double k = ceil((l - phase) / RF_PI); k * RF_PI + phase < u; k++) {
                double v = g(a, k * RF_PI + phase);
                mn = fmin(mn, v - 1e-12);
                mx = fmax(mx, v + 1e-12);
            }
        }
        *lo = fmax(dn(mn), -1.0);
        *hi = fmin(upw(mx), 1.0);
        return;
    }
    if (deriv && l < 0 && u > 0) mx = g(a, 0.0);
    *lo = dn(mn);
    *hi = upw(mx);
}

/* Linear bounds al t + bl <= act(t) <= au t + bu on [l, u]. */
static void relax(ua_rf_act a, double l, double u, double *al, double *bl, double *au, double *bu)
{
    if (a == UA_RF_RELU) {
        if (l >= 0) {
            *al = *au = 1;
            *bl = *bu = 0;
        } else if (u <= 0) {
            *al = *au = 0;
            *bl = *bu = 0;
        } else {
            double k = u / (u - l);
            *au = k;
            *bu = -k * l + 4 * U53 * (k * (fabs(l) + u)) + 1e-300;
            *al = u >= -l ? 1.0 : 0.0;
            *bl = 0;
        }
        return;
    }
    double m2 = a == UA_RF_TANH ? 0.7699 : a == UA_RF_SIGMOID ? 0.0963 : 1.0;
    double w = u - l, k = w > 1e-9 * (1 + fabs(l)) ? (act(a, u) - act(a, l)) / w : dact(a, 0.5 * (l + u));
    enum { NP = 33 };
    double h = w / (NP - 1), mn = INFINITY, mx = -INFINITY, mag = 0;
    for (int i = 0; i < NP; i++) {
        double t = i == NP - 1 ? u : l + h * i, f = act(a, t), g = f - k * t;
        mn = fmin(mn, g);
        mx = fmax(mx, g);
        mag = fmax(mag, fabs(f) + fabs(k * t));
    }
    double corr = m2 * h * h * (1 + 1e-12) / 8 + 4e-15 * mag + 1e-15 * (fabs(l) + fabs(u)) * (2 * fmax(fabs(k), 1) + 2) + 1e-300;
    *al = *au = k;
    *bl = mn - corr;
    *bu = mx + corr;
    double yl, yu;
    range(a, 0, l, u, &yl, &yu);
    if (!(*bu - *bl < yu - yl)) {
        *al = *au = 0;
        *bl = yl;
        *bu = yu;
    }
}

/* The standardised box and the pre-activation intervals tl, tu (m,). */
static void preact(const ua_rf *m, const double *lo, const double *hi, double *zl, double *zu,
                   double *tl, double *tu)
{
    size_t d = m->d;
    for (size_t i = 0; i < d; i++) {
        double mu = m->standardize ? m->xs.mean[i] : 0, sc = m->standardize ? m->xs.scale[i] : 1;
        zl[i] = dn((lo[i] - mu) / sc);
        zu[i] = upw((hi[i] - mu) / sc);
    }
    for (size_t j = 0; j < m->m; j++) {
        const double *a = m->A + j * d;
        double c = -m->b[j], r = 0, mag = fabs(m->b[j]);
        for (size_t i = 0; i < d; i++) {
            double zc = 0.5 * (zl[i] + zu[i]), zr = (zu[i] - zl[i]) * 0.5 * (1 + 4 * U53);
            c += a[i] * zc;
            r += fabs(a[i]) * zr;
            mag += fabs(a[i]) * (fabs(zc) + zr);
        }
        double s = 2 * gam(d + 2) * mag + 1e-300;
        tl[j] = dn(c - r - s);
        tu[j] = upw(c + r + s);
    }
}

static ua_status need_one(const ua_rf *m)
{
    if (m->k != 1) return UA_ERR(UA_EINVAL, "rf bounds: the model has %zu outputs (one is bounded)", m->k);
    return UA_OK;
}

static ua_status rf_output(const void *state, const double *lo, const double *hi, int method,
                           double *out_lo, double *out_hi)
{
    const ua_rf *m = state;
    size_t d = m->d, M = m->m, k = m->k;
    double *buf = ua_calloc(2 * d + 6 * M, sizeof *buf);
    if (!buf) return UA_ENOMEM_ERR((2 * d + 6 * M) * sizeof *buf);
    double *zl = buf, *zu = zl + d, *tl = zu + d, *tu = tl + M, *al = tu + M, *bl = al + M,
           *au = bl + M, *bu = au + M;
    preact(m, lo, hi, zl, zu, tl, tu);
    for (size_t o = 0; o < k; o++) {
        /* IBP */
        double c = 0, r = 0, mag = 0;
        for (size_t j = 0; j < M; j++) {
            double yl, yu, cj = m->c[j * k + o];
            range(m->act, 0, tl[j], tu[j], &yl, &yu);
            double yc = 0.5 * (yl + yu), yr = (yu - yl) * 0.5 * (1 + 4 * U53);
            c += cj * yc;
            r += fabs(cj) * yr;
            mag += fabs(cj) * (fabs(yc) + yr);
        }
        double e = 2 * gam(M + 2) * mag + 1e-300, lo_ = c - r - e, hi_ = c + r + e;
        if (method == UA_BOUND_CROWN) { /* sum_j c_j act(t_j) with t_j = a_j . z - b_j */
            for (int side = 1; side >= -1; side -= 2) {
                double cs = 0, cmag = 0, err = 0;
                double coef[64];
                double *cf = d <= 64 ? coef : ua_calloc(d, sizeof *cf);
                if (!cf) {
                    free(buf);
                    return UA_ENOMEM_ERR(d * sizeof *cf);
                }
                memset(cf, 0, d * sizeof *cf);
                for (size_t j = 0; j < M; j++) {
                    double cj = m->c[j * k + o];
                    relax(m->act, tl[j], tu[j], &al[j], &bl[j], &au[j], &bu[j]);
                    int up = side * cj >= 0;
                    double sl = up ? au[j] : al[j], of = up ? bu[j] : bl[j], lam = cj * sl;
                    cs += cj * of - lam * m->b[j];
                    cmag += fabs(cj * of) + fabs(lam * m->b[j]);
                    for (size_t i = 0; i < d; i++) cf[i] += lam * m->A[j * d + i];
                    err += 2 * U53 * fabs(lam) * fmax(fabs(tl[j]), fabs(tu[j]));
                }
                double v = cs, vm = cmag;
                for (size_t i = 0; i < d; i++) {
                    double z = side * cf[i] >= 0 ? zu[i] : zl[i];
                    v += cf[i] * z;
                    vm += fabs(cf[i]) * fmax(fabs(zl[i]), fabs(zu[i]));
                }
                /* cf's sums: gamma_M over sum |lam a| |z| */
                double sl2 = 0;
                for (size_t j = 0; j < M; j++) {
                    double cj = m->c[j * k + o];
                    double s2 = 0;
                    for (size_t i = 0; i < d; i++) s2 += fabs(m->A[j * d + i]) * fmax(fabs(zl[i]), fabs(zu[i]));
                    sl2 += fabs(cj) * fmax(fabs(al[j]), fabs(au[j])) * s2;
                }
                double tot = err + gam(M + d + 2) * (vm + sl2) + 1e-300;
                if (side > 0) hi_ = fmin(hi_, v + tot);
                else lo_ = fmax(lo_, v - tot);
                if (cf != coef) free(cf);
            }
        }
        double s = m->out_scale, ys = m->standardize ? m->ys.scale[o] : 1, ym = m->standardize ? m->ys.mean[o] : 0;
        out_lo[o] = dn(dn(dn(lo_ * s) * ys) + ym);
        out_hi[o] = upw(upw(upw(hi_ * s) * ys) + ym);
    }
    free(buf);
    return UA_OK;
}

static ua_status rf_lipschitz(const void *state, const double *lo, const double *hi, int norm,
                              const double *wt, double *Lout, double *jlo, double *jhi)
{
    const ua_rf *m = state;
    ua_status s = need_one(m);
    if (s) return s;
    size_t d = m->d, M = m->m;
    double *buf = ua_calloc(4 * d + 4 * M, sizeof *buf);
    if (!buf) return UA_ENOMEM_ERR((4 * d + 4 * M) * sizeof *buf);
    double *zl = buf, *zu = zl + d, *cf = zu + d, *J = cf + d, *tl = J + d, *tu = tl + M,
           *dl = tu + M, *du = dl + M;
    preact(m, lo, hi, zl, zu, tl, tu);
    double ys = m->standardize ? m->ys.scale[0] : 1;
    for (size_t j = 0; j < M; j++) range(m->act, 1, tl[j], tu[j], &dl[j], &du[j]);
    double simple = 0, sq = 0;
    for (size_t i = 0; i < d; i++) {
        double xs = m->standardize ? m->xs.scale[i] : 1;
        double f = upw(upw(ys * m->out_scale) / xs), c = 0, r = 0, mag = 0;
        for (size_t j = 0; j < M; j++) {
            double g = m->c[j] * m->A[j * d + i], uc = 0.5 * (dl[j] + du[j]);
            double ur = (du[j] - dl[j]) * 0.5 * (1 + 4 * U53);
            c += g * uc;
            r += fabs(g) * ur;
            mag += fabs(g) * (fabs(uc) + ur);
        }
        double e = 3 * gam(M + 2) * mag + 1e-300;
        double a = dn((c - r - e) * f), b = upw((c + r + e) * f);
        if (jlo) jlo[i] = fmin(a, b);
        if (jhi) jhi[i] = fmax(a, b);
        double w = wt ? wt[i] : 1.0, mx = upw(w * fmax(fabs(a), fabs(b)));
        simple += mx;
        sq += mx * mx;
        cf[i] = upw(w * f);
    }
    double bound = norm == UA_NORM_2 ? upw(sqrt(upw(sq * (1 + gam(d))))) : upw(simple * (1 + gam(d)));
    if (norm != UA_NORM_2 && d <= 12) { /* max over signs of sum_j c_j act'(t_j) (sum_i s_i cf_i a_ji) */
        double best = 0;
        for (unsigned long sv = 0; sv < (1ul << d); sv++) {
            double v = 0, mag = 0;
            for (size_t j = 0; j < M; j++) {
                double cm = 0, cmag = 0;
                for (size_t i = 0; i < d; i++) {
                    double t = cf[i] * m->A[j * d + i] * m->c[j];
                    cm += (sv >> i & 1) ? -t : t;
                    cmag += fabs(t);
                }
                v += cm >= 0 ? cm * du[j] : cm * dl[j];
                mag += cmag * fmax(fabs(dl[j]), fabs(du[j]));
            }
            best = fmax(best, upw(v + 3 * gam(M + d + 2) * mag + 1e-300));
        }
        bound = fmin(bound, best);
    }
    *Lout = bound;
    free(buf);
    return UA_OK;
}

static ua_status rf_gradient(const void *state, const double *x, size_t n, double *g)
{
    const ua_rf *m = state;
    ua_status s = need_one(m);
    if (s) return s;
    size_t d = m->d, M = m->m;
    double ys = m->standardize ? m->ys.scale[0] : 1;
    double *z = ua_calloc(d, sizeof *z);
    if (!z) return UA_ENOMEM_ERR(d * sizeof *z);
    for (size_t p = 0; p < n; p++) {
        for (size_t i = 0; i < d; i++)
            z[i] = m->standardize ? (x[p * d + i] - m->xs.mean[i]) / m->xs.scale[i] : x[p * d + i];
        for (size_t i = 0; i < d; i++) g[p * d + i] = 0;
        for (size_t j = 0; j < M; j++) {
            double t = -m->b[j];
            for (size_t i = 0; i < d; i++) t += m->A[j * d + i] * z[i];
            double w = m->c[j] * dact(m->act, t);
            for (size_t i = 0; i < d; i++) g[p * d + i] += w * m->A[j * d + i];
        }
        for (size_t i = 0; i < d; i++)
            g[p * d + i] *= ys * m->out_scale / (m->standardize ? m->xs.scale[i] : 1);
    }
    free(z);
    return UA_OK;
}

/* predict's own error: z in double (2u |z|), t_j = a_j . z - b_j (gamma_{d+2}), the feature
 * (s act(t) with |act'| <= 1: the error of t, plus 2.5e-16 for the vectorised cos or 1e-15 |act|
 * for libm), the readout (gamma_{M+2} sum |c| |phi|), the destandardisation (4u |y|). */
static ua_status rf_eval_error(const void *state, const double *lo, const double *hi, double *err)
{
    const ua_rf *m = state;
    size_t d = m->d, M = m->m, k = m->k;
    double *buf = ua_calloc(2 * d + 2 * M, sizeof *buf);
    if (!buf) return UA_ENOMEM_ERR((2 * d + 2 * M) * sizeof *buf);
    double *zl = buf, *zu = zl + d, *tl = zu + d, *tu = tl + M;
    preact(m, lo, hi, zl, zu, tl, tu);
    double worst = 0;
    for (size_t o = 0; o < k; o++) {
        double e = 0, mag = 0;
        for (size_t j = 0; j < M; j++) {
            double et = gam(d + 2) * fabs(m->b[j]);
            for (size_t i = 0; i < d; i++) {
                double zm = fmax(fabs(zl[i]), fabs(zu[i]));
                et += fabs(m->A[j * d + i]) * (zm * (gam(d + 2) + 4 * U53));
            }
            double yl, yu;
            range(m->act, 0, tl[j] - et, tu[j] + et, &yl, &yu);
            double am = fmax(fabs(yl), fabs(yu));
            double ef = m->out_scale * (et + 2.5e-16 + 2e-15 * am) + 2 * U53 * m->out_scale * am;
            e += fabs(m->c[j * k + o]) * ef;
            mag += fabs(m->c[j * k + o]) * m->out_scale * am;
        }
        e = upw(e + gam(M + 2) * mag);
        double ys = m->standardize ? m->ys.scale[o] : 1, ym = m->standardize ? m->ys.mean[o] : 0;
        double ymax = (mag + e) * ys + fabs(ym);
        worst = fmax(worst, upw(e * ys * (1 + 1e-12) + 4 * U53 * ymax));
    }
    *err = worst;
    free(buf);
    return UA_OK;
}

const ua_family_bounds ua_rf_bounds = {
    .output = rf_output,
    .lipschitz = rf_lipschitz,
    .gradient = rf_gradient,
    .eval_error = rf_eval_error,
    .naive = NULL,
};
