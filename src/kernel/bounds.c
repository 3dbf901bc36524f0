/*
 * Bound propagation through an RBF kernel model (src/model/family.h, ua_family_bounds;
 * uniapprox/lipschitz.h is the manual): y = ys sum_j w_j exp(-gamma |z - p_j|^2) + ym, z the
 * standardised x, a sum of Gaussians. Over a box each squared distance lies between the sums of
 * the per-side nearest and farthest squared gaps, so each Gaussian k_j in [klo_j, khi_j] (IBP of
 * the output); each partial derivative -2 gamma w_j (z_i - p_ji) k_j is enclosed by the interval
 * product of (z_i - p_ji) and k_j, capped by the Gaussian's own derivative bound
 * |t| e^{-gamma t^2} <= 1 / sqrt(2 e gamma) times the other sides' nearest factor. Only the rbf
 * kernel (the smooth one with this closed form); other kernels are refused. The linear (CROWN)
 * output bound is not offered: UA_EUNSUPPORTED.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "internal.h"
#include "model/family.h"
#include "uniapprox/lipschitz.h"

#define U53 1.1102230246251565e-16

static double gam(size_t n) { return (double)(n + 4) * U53; }
static double dn(double v) { return v - (fabs(v) * 1e-15 + 1e-300); }
static double upw(double v) { return v + (fabs(v) * 1e-15 + 1e-300); }

static ua_status supported(const ua_kernel *m, int one)
{
    if (m->spec.type != UA_KERNEL_RBF)
        return UA_ERR(UA_EUNSUPPORTED, "bound propagation: the %s kernel is not supported (the "
                      "rbf kernel is)", ua_kernel_type_name(m->spec.type));
    if (m->classify)
        return UA_ERR(UA_EUNSUPPORTED, "bound propagation: the model is a classifier");
    if (one && m->k != 1)
        return UA_ERR(UA_EINVAL, "Lipschitz bound: the model has %zu outputs (one is bounded)", m->k);
    return UA_OK;
}

static void box_std(const ua_kernel *m, const double *lo, const double *hi, double *zl, double *zu)
{
    for (size_t i = 0; i < m->d; i++) {
        double mu = m->standardize ? m->xs.mean[i] : 0, sc = m->standardize ? m->xs.scale[i] : 1;
        zl[i] = dn((lo[i] - mu) / sc);
        zu[i] = upw((hi[i] - mu) / sc);
    }
}

/* Per side the nearest and farthest squared gaps of p (d,) to [zl, zu]. */
static void gaps(const double *p, const double *zl, const double *zu, size_t d, double *nmin,
                 double *nmax)
{
    for (size_t i = 0; i < d; i++) {
        double a = zl[i] - p[i], b = zu[i] - p[i];
        double near = a > 0 ? a : b < 0 ? -b : 0.0, far = fmax(fabs(a), fabs(b));
        nmin[i] = near * near * (1 - 4 * U53);
        nmax[i] = far * far * (1 + 4 * U53);
    }
}

static ua_status k_output(const void *state, const double *lo, const double *hi, int method,
                          double *out_lo, double *out_hi)
{
    const ua_kernel *m = state;
    ua_status s = supported(m, 0);
    if (s) return s;
    if (method == UA_BOUND_CROWN)
        return UA_ERR(UA_EUNSUPPORTED, "the kernel family bounds its output by intervals (IBP) only");
    size_t d = m->d, k = m->k;
    double *buf = ua_calloc(4 * d + 3 * k, sizeof *buf);
    if (!buf) return UA_ENOMEM_ERR((4 * d + 3 * k) * sizeof *buf);
    double *zl = buf, *zu = zl + d, *nmin = zu + d, *nmax = nmin + d, *c = nmax + d, *r = c + k,
           *mag = r + k;
    box_std(m, lo, hi, zl, zu);
    double g = m->spec.gamma;
    for (size_t j = 0; j < m->m; j++) {
        gaps(m->pts + j * d, zl, zu, d, nmin, nmax);
        double smin = 0, smax = 0;
        for (size_t i = 0; i < d; i++) {
            smin += nmin[i];
            smax += nmax[i];
        }
        double khi = fmin(1.0, upw(exp(-g * smin * (1 - gam(d))))), klo = dn(exp(-g * smax * (1 + gam(d))));
        if (klo < 0) klo = 0;
        double kc = 0.5 * (klo + khi), kr = (khi - klo) * 0.5 * (1 + 4 * U53);
        for (size_t o = 0; o < k; o++) {
            double w = m->w[j * k + o];
            c[o] += w * kc;
            r[o] += fabs(w) * kr;
            mag[o] += fabs(w) * (kc + kr);
        }
    }
    for (size_t o = 0; o < k; o++) {
        double e = 2 * gam(m->m + 2) * mag[o] + 1e-300;
        double ys = m->standardize ? m->ys.scale[o] : 1, ym = m->standardize ? m->ys.mean[o] : 0;
        out_lo[o] = dn(dn((c[o] - r[o] - e) * ys) + ym);
        out_hi[o] = upw(upw((c[o] + r[o] + e) * ys) + ym);
    }
    free(buf);
    return UA_OK;
}

/* The centred enclosure [gl, gu] (d,) of the gradient in standardised units over [zl, zu]
 * (d <= 64): the gradient at the centre zc plus the Hessian's enclosure times the half-widths. */
static void centred(const ua_kernel *m, const double *zl, const double *zu, double *zc,
                    double *gl, double *gu)
{
    size_t d = m->d;
    double g = m->spec.gamma, hr[64], gc[64], gm[64], a[64], b[64], nmin[64], nmax[64];
    for (size_t i = 0; i < d; i++) {
        zc[i] = 0.5 * (zl[i] + zu[i]);
        hr[i] = fmax(zu[i] - zc[i], zc[i] - zl[i]) * (1 + 4 * U53);
        gc[i] = gm[i] = 0;
    }
    /* hm[i] accumulates sum_l sup|H_il| hr_l */
    double hm[64];
    for (size_t i = 0; i < d; i++) hm[i] = 0;
    for (size_t j = 0; j < m->m; j++) {
        const double *p = m->pts + j * d;
        double r2 = 0;
        for (size_t i = 0; i < d; i++) r2 += (zc[i] - p[i]) * (zc[i] - p[i]);
        double kc = exp(-g * r2), w = m->w[j];
        for (size_t i = 0; i < d; i++) {
            double t = -2 * g * w * kc * (zc[i] - p[i]);
            gc[i] += t;
            gm[i] += fabs(t);
        }
        gaps(p, zl, zu, d, nmin, nmax);
        double smin = 0;
        for (size_t i = 0; i < d; i++) smin += nmin[i];
        double khi = fmin(1.0, upw(exp(-g * smin * (1 - gam(d)))));
        for (size_t i = 0; i < d; i++) {
            a[i] = fmax(fabs(zl[i] - p[i]), fabs(zu[i] - p[i])) * (1 + 4 * U53);
            b[i] = a[i];
        }
        for (size_t i = 0; i < d; i++) {
            double s = 0;
            for (size_t l = 0; l < d; l++) {
                double h = 4 * g * g * a[i] * b[l] + (i == l ? 2 * g : 0.0);
                s += h * hr[l];
            }
            hm[i] += fabs(w) * khi * s * (1 + gam(d + 4));
        }
    }
    for (size_t i = 0; i < d; i++) {
        double e = 2 * gam(m->m + 4) * gm[i] + 1e-300 + (1e-15 * gm[i]);
        double rad = upw(hm[i] * (1 + gam(m->m + 4)) + e);
        gl[i] = dn(gc[i] - rad);
        gu[i] = upw(gc[i] + rad);
    }
}

static ua_status k_lipschitz(const void *state, const double *lo, const double *hi, int norm,
                             const double *wt, double *Lout, double *jlo, double *jhi)
{
    const ua_kernel *m = state;
    ua_status s = supported(m, 1);
    if (s) return s;
    size_t d = m->d;
    double *buf = ua_calloc(7 * d, sizeof *buf);
    if (!buf) return UA_ENOMEM_ERR(7 * d * sizeof *buf);
    double *zl = buf, *zu = zl + d, *nmin = zu + d, *nmax = nmin + d, *c = nmax + d, *r = c + d,
           *mag = r + d;
    box_std(m, lo, hi, zl, zu);
    double g = m->spec.gamma, cap1 = 1.0 / sqrt(2 * 2.71828182845904523536 * g) * (1 + 1e-12);
    for (size_t j = 0; j < m->m; j++) {
        const double *p = m->pts + j * d;
        gaps(p, zl, zu, d, nmin, nmax);
        double smin = 0, smax = 0;
        for (size_t i = 0; i < d; i++) {
            smin += nmin[i];
            smax += nmax[i];
        }
        double khi = fmin(1.0, upw(exp(-g * smin * (1 - gam(d))))), klo = dn(exp(-g * smax * (1 + gam(d))));
        if (klo < 0) klo = 0;
        double wj = -2 * g * m->w[j];
        for (size_t i = 0; i < d; i++) {
            /* (z_i - p_i) k_j: the interval product, within the cap */
            double a = dn(zl[i] - p[i]), b = upw(zu[i] - p[i]);
            double pl = fmin(fmin(a * klo, a * khi), fmin(b * klo, b * khi));
            double ph = fmax(fmax(a * klo, a * khi), fmax(b * klo, b * khi));
            double rest = smin - nmin[i];
            double cap = upw(cap1 * fmin(1.0, exp(-g * (rest > 0 ? rest : 0) * (1 - gam(d)))));
            pl = fmax(dn(pl), -cap);
            ph = fmin(upw(ph), cap);
            double tc = 0.5 * (pl + ph), tr = (ph - pl) * 0.5 * (1 + 4 * U53);
            c[i] += wj * tc;
            r[i] += fabs(wj) * tr;
            mag[i] += fabs(wj) * (fabs(tc) + tr);
        }
    }
    /* the centred (mean-value) form: grad(z) in grad(zc) + H(box) (z - zc), H the Hessian
     * sum_j w_j k_j (4 gamma^2 D_i D_l - 2 gamma delta_il) enclosed over the box: its
     * overestimate shrinks with the box's square, where the direct one only with its side */
    double *cl = ua_calloc(3 * d, sizeof *cl);
    if (!cl) {
        free(buf);
        return UA_ENOMEM_ERR(3 * d * sizeof *cl);
    }
    double *cu = cl + d, *zc = cu + d;
    if (d <= 64) centred(m, zl, zu, zc, cl, cu);
    double ys = m->standardize ? m->ys.scale[0] : 1, simple = 0, sq = 0;
    for (size_t i = 0; i < d; i++) {
        double f = upw(ys / (m->standardize ? m->xs.scale[i] : 1));
        double e = 2 * gam(m->m + 2) * mag[i] + 1e-300;
        double lo_ = c[i] - r[i] - e, hi_ = c[i] + r[i] + e;
        if (d <= 64) {
            lo_ = fmax(lo_, cl[i]);
            hi_ = fmin(hi_, cu[i]);
        }
        double a = dn(lo_ * f), b = upw(hi_ * f);
        if (jlo) jlo[i] = a;
        if (jhi) jhi[i] = b;
        double w = wt ? wt[i] : 1.0, mx = upw(w * fmax(fabs(a), fabs(b)));
        simple += mx;
        sq += mx * mx;
    }
    *Lout = norm == UA_NORM_2 ? upw(sqrt(upw(sq * (1 + gam(d))))) : upw(simple * (1 + gam(d)));
    free(cl);
    free(buf);
    return UA_OK;
}

static ua_status k_gradient(const void *state, const double *x, size_t n, double *gr)
{
    const ua_kernel *m = state;
    ua_status s = supported(m, 1);
    if (s) return s;
    size_t d = m->d;
    double *z = ua_calloc(d, sizeof *z);
    if (!z) return UA_ENOMEM_ERR(d * sizeof *z);
    double g = m->spec.gamma, ys = m->standardize ? m->ys.scale[0] : 1;
    for (size_t q = 0; q < n; q++) {
        for (size_t i = 0; i < d; i++)
            z[i] = m->standardize ? (x[q * d + i] - m->xs.mean[i]) / m->xs.scale[i] : x[q * d + i];
        double *out = gr + q * d;
        memset(out, 0, d * sizeof *out);
        for (size_t j = 0; j < m->m; j++) {
            const double *p = m->pts + j * d;
            double r2 = 0;
            for (size_t i = 0; i < d; i++) r2 += (z[i] - p[i]) * (z[i] - p[i]);
            double t = -2 * g * m->w[j] * exp(-g * r2);
            for (size_t i = 0; i < d; i++) out[i] += t * (z[i] - p[i]);
        }
        for (size_t i = 0; i < d; i++) out[i] *= ys / (m->standardize ? m->xs.scale[i] : 1);
    }
    free(z);
    return UA_OK;
}

/* predict's own error: the squared distance off by at most gamma_{d+4} 2 (|z|^2 + |p|^2) either
 * way it is computed (directly, or from the norms where that lost at most 6 bits), exp by
 * 1e-15 relative, the readout gamma_{m+2} sum |w| k, the destandardisation 4u |y|. */
static ua_status k_eval_error(const void *state, const double *lo, const double *hi, double *err)
{
    const ua_kernel *m = state;
    ua_status s = supported(m, 0);
    if (s) return s;
    size_t d = m->d, k = m->k;
    double *buf = ua_calloc(4 * d + 2 * k, sizeof *buf);
    if (!buf) return UA_ENOMEM_ERR((4 * d + 2 * k) * sizeof *buf);
    double *zl = buf, *zu = zl + d, *nmin = zu + d, *nmax = nmin + d, *e = nmax + d, *mag = e + k;
    box_std(m, lo, hi, zl, zu);
    double g = m->spec.gamma, z2 = 0;
    for (size_t i = 0; i < d; i++) {
        double zm = fmax(fabs(zl[i]), fabs(zu[i]));
        z2 += zm * zm;
    }
    for (size_t j = 0; j < m->m; j++) {
        const double *p = m->pts + j * d;
        gaps(p, zl, zu, d, nmin, nmax);
        double smin = 0, p2 = 0;
        for (size_t i = 0; i < d; i++) {
            smin += nmin[i];
            p2 += p[i] * p[i];
        }
        /* the standardised z itself is off by 2u |z| per side: |dr2| <= 2 |z - p| 2u |z| */
        double dr = gam(d + 4) * 2 * (z2 + p2) + 8 * U53 * (z2 + sqrt(z2 * (z2 + p2)));
        double khi = fmin(1.0, exp(-g * (smin - dr > 0 ? smin - dr : 0)));
        double ek = khi * (expm1(g * dr) + 2e-15) + 1e-300;
        for (size_t o = 0; o < k; o++) {
            e[o] += fabs(m->w[j * k + o]) * ek;
            mag[o] += fabs(m->w[j * k + o]) * khi;
        }
    }
    double worst = 0;
    for (size_t o = 0; o < k; o++) {
        double eo = upw(e[o] + gam(m->m + 2) * mag[o]);
        double ys = m->standardize ? m->ys.scale[o] : 1, ym = m->standardize ? m->ys.mean[o] : 0;
        worst = fmax(worst, upw(eo * ys * (1 + 1e-12) + 4 * U53 * ((mag[o] + eo) * ys + fabs(ym))));
    }
    *err = worst;
    free(buf);
    return UA_OK;
}

const ua_family_bounds ua_kernel_bounds = {
    .output = k_output,
    .lipschitz = k_lipschitz,
    .gradient = k_gradient,
    .eval_error = k_eval_error,
    .naive = NULL,
};
