/*
 * Lipschitz bounds of an mlp over a box (bounds.h; uniapprox/lipschitz.h is the manual): the
 * Jacobian W_0^T D_0 W_1^T ... D_{L-2} w_{L-1} in interval arithmetic, each D_l the enclosure of
 * the activation's derivative over layer l's CROWN bounds (the backward graph of Shi et al.,
 * NeurIPS 2022, with interval bounds on its nodes); the inf-norm taken exactly over the last
 * product by enumerating sign vectors. Also the gradient at points (lower bounds), the bound on
 * predict's own rounding, and the naive product of operator norms.
 */
#include <cblas.h>
#include <lapacke.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bounds.h"
#include "uniapprox/lipschitz.h"

#define U53 1.1102230246251565e-16

/* [*lo, *hi] contains [a, b] * [c, d]. */
static void imul(double a, double b, double c, double d, double *lo, double *hi)
{
    double p1 = a * c, p2 = a * d, p3 = b * c, p4 = b * d;
    *lo = ua_bnd_down(fmin(fmin(p1, p2), fmin(p3, p4)));
    *hi = ua_bnd_up(fmax(fmax(p1, p2), fmax(p3, p4)));
}

/* [gl, gu] (in,) contains W^T [ul, uu] for W (out, in), [ul, uu] (out,). */
static void imatvec_t(const double *W, size_t out, size_t in, const double *ul, const double *uu,
                      double *gl, double *gu)
{
    double g = ua_bnd_gamma(out + 2);
    for (size_t i = 0; i < in; i++) {
        double c = 0, r = 0, mag = 0;
        for (size_t m = 0; m < out; m++) {
            double w = W[m * in + i], uc = 0.5 * (ul[m] + uu[m]);
            double ur = fmax(uu[m] - uc, uc - ul[m]) * (1 + 4 * U53);
            c += w * uc;
            r += fabs(w) * ur;
            mag += fabs(w) * (fabs(uc) + ur);
        }
        double s = 2 * g * mag + UA_BND_TINY;
        gl[i] = ua_bnd_down(c - r - s);
        gu[i] = ua_bnd_up(c + r + s);
    }
}

/* The Lipschitz hook: the interval Jacobian of the single output, and the bound on the norm. */
static ua_status mlp_lipschitz(const void *state, const double *lo, const double *hi, int norm,
                               const double *wt, double *Lout, double *jlo, double *jhi)
{
    ua_mlp_net64 n;
    ua_status s = ua_mlp_net64_get(state, &n);
    if (s) return s;
    if (n.k != 1) {
        ua_mlp_net64_free(&n);
        return UA_ERR(UA_EINVAL, "Lipschitz bound: the model has %zu outputs (one is bounded)", n.k);
    }
    size_t d = n.d, L = n.L, mw = n.maxw;
    double *buf = ua_calloc(6 * mw + 4 * d, sizeof *buf);
    double *zl[UA_MLP_MAX_LAYERS], *zu[UA_MLP_MAX_LAYERS];
    zl[0] = NULL;
    if (!buf) s = UA_ENOMEM_ERR((6 * mw + 4 * d) * sizeof *buf);
    double *gl = buf, *gu = buf + mw, *ul = buf + 2 * mw, *uu = buf + 3 * mw;
    double *xl = buf + 6 * mw, *xu = xl + d, *Jl = xl + 2 * d, *Ju = xl + 3 * d;
    if (!s) {
        ua_mlp_box_std(&n, lo, hi, xl, xu);
        s = ua_mlp_bounds_layers(&n, xl, xu, 1, zl, zu);
    }
    if (s) goto done;
    /* g = the last layer's row; then through each hidden layer from the top */
    size_t top = n.width[L - 1];
    memcpy(gl, n.W[L - 1], top * sizeof *gl);
    memcpy(gu, n.W[L - 1], top * sizeof *gu);
    if (L == 1) {
        memcpy(Jl, gl, d * sizeof *Jl);
        memcpy(Ju, gu, d * sizeof *Ju);
    }
    for (size_t l = L - 1; l-- > 0;) {
        size_t w = n.width[l + 1];
        for (size_t m = 0; m < w; m++) {
            double dl, du;
            ua_mlp_dact_range(n.act, n.slope, zl[l][m], zu[l][m], &dl, &du);
            imul(gl[m], gu[m], dl, du, &ul[m], &uu[m]);
        }
        if (l == 0) imatvec_t(n.W[0], w, d, ul, uu, Jl, Ju);
        else imatvec_t(n.W[l], w, n.width[l], ul, uu, gl, gu);
    }
    /* model units: dy/dx_i = ys / xs_i dz_out/dz_i */
    double *cf = gl; /* reuse: (d,) the factors ys w_i / xs_i */
    double simple = 0, sq = 0;
    for (size_t i = 0; i < d; i++) {
        double c = n.yscale[0] / n.xscale[i];
        c = ua_bnd_up(c);
        double a, b;
        imul(Jl[i], Ju[i], c, c, &a, &b);
        double wi = wt ? wt[i] : 1.0;
        if (jlo) jlo[i] = a;
        if (jhi) jhi[i] = b;
        double mx = ua_bnd_up(wi * fmax(fabs(a), fabs(b)));
        simple += mx;
        sq += mx * mx;
        cf[i] = ua_bnd_up(wi * c);
    }
    double bound;
    if (norm == UA_NORM_2) {
        bound = ua_bnd_up(sqrt(ua_bnd_up(sq * (1 + ua_bnd_gamma(d)))));
    } else {
        bound = ua_bnd_up(simple * (1 + ua_bnd_gamma(d)));
        /* max over sign vectors s of sum_m u_m (sum_i s_i cf_i W0[m][i]), u_m in [ul, uu] */
        if (L >= 2 && d <= 12) {
            size_t w0 = n.width[1];
            double best = 0;
            for (unsigned long sv = 0; sv < (1ul << d); sv++) {
                double v = 0, mag = 0;
                for (size_t m = 0; m < w0; m++) {
                    const double *row = n.W[0] + m * d;
                    double cm = 0, cmag = 0;
                    for (size_t i = 0; i < d; i++) {
                        double t = cf[i] * row[i];
                        cm += (sv >> i & 1) ? -t : t;
                        cmag += fabs(t);
                    }
                    v += cm >= 0 ? cm * uu[m] : cm * ul[m];
                    mag += cmag * fmax(fabs(ul[m]), fabs(uu[m]));
                }
                double e = ua_bnd_up(v + ua_bnd_gamma(w0 + d + 2) * 2 * mag + UA_BND_TINY);
                if (e > best) best = e;
            }
            if (best < bound) bound = best;
        }
    }
    *Lout = bound;
done:
    if (zl[0]) free(zl[0]);
    free(buf);
    ua_mlp_net64_free(&n);
    return s;
}

/* Gradient of the single output at points, in double from the stored weights. UA_EDOMAIN where
 * a float32 network's predict refuses a point (it overflows there) or a gradient is not finite. */
static ua_status mlp_gradient(const void *state, const double *x, size_t npts, double *g)
{
    ua_mlp_net64 n;
    ua_status s = ua_mlp_net64_get(state, &n);
    if (s) return s;
    if (n.k != 1) {
        ua_mlp_net64_free(&n);
        return UA_ERR(UA_EINVAL, "mlp gradient: the model has %zu outputs", n.k);
    }
    size_t tot = 0;
    for (size_t l = 0; l < n.L; l++) tot += n.width[l + 1];
    double *z = ua_calloc(tot + 2 * n.maxw + n.d, sizeof *z);
    if (!z) {
        ua_mlp_net64_free(&n);
        return UA_ENOMEM_ERR((tot + 2 * n.maxw) * sizeof *z);
    }
    double *ga = z + tot, *gb = ga + n.maxw, *h0 = gb + n.maxw;
    /* a float32 network whose predict overflows at a point (and refuses it) has no gradient
     * there that describes what it computes: the same refusal, with predict's message */
    const ua_mlp *mm = state;
    if (mm->esize == 4) {
        double *y = malloc((npts ? npts : 1) * sizeof *y);
        s = y ? ua_mlp_predict_one(mm, x, npts, y) : UA_ENOMEM_ERR(npts * sizeof *y);
        free(y);
    }
    for (size_t p = 0; !s && p < npts; p++) {
        for (size_t j = 0; j < n.d; j++) h0[j] = (x[p * n.d + j] - n.xmean[j]) / n.xscale[j];
        const double *h = h0;
        double *zp = z, *zs[UA_MLP_MAX_LAYERS];
        /* forward: keep the pre-activations; h of layer l is recomputed from z (act) */
        for (size_t l = 0; l < n.L; l++) {
            size_t in = n.width[l], out = n.width[l + 1];
            zs[l] = zp;
            for (size_t i = 0; i < out; i++) {
                double v = n.b[l][i];
                for (size_t j = 0; j < in; j++) v += n.W[l][i * in + j] * h[j];
                zp[i] = v;
            }
            if (l + 1 < n.L) {
                double *hn = ga;
                for (size_t i = 0; i < out; i++) hn[i] = ua_mlp_act_forward(n.act, n.slope, zp[i]);
                memcpy(gb, hn, out * sizeof *gb);
                h = gb;
            }
            zp += out;
        }
        /* backward */
        size_t top = n.width[n.L - 1];
        memcpy(ga, n.W[n.L - 1], top * sizeof *ga);
        for (size_t l = n.L - 1; l-- > 0;) {
            size_t w = n.width[l + 1], in = n.width[l];
            for (size_t m = 0; m < w; m++) ga[m] *= ua_mlp_act_backward(n.act, n.slope, zs[l][m]);
            for (size_t i = 0; i < in; i++) {
                double v = 0;
                for (size_t m = 0; m < w; m++) v += n.W[l][m * in + i] * ga[m];
                gb[i] = v;
            }
            memcpy(ga, gb, in * sizeof *ga);
        }
        for (size_t i = 0; i < n.d; i++) g[p * n.d + i] = ga[i] * n.yscale[0] / n.xscale[i];
        if (ua_first_nonfinite(g + p * n.d, n.d) < n.d) {
            s = UA_ERR(UA_EDOMAIN, "mlp gradient: the gradient at point %zu is not finite (the "
                       "network overflows double there: its magnitude is too large)", p);
            break;
        }
    }
    free(z);
    ua_mlp_net64_free(&n);
    return s;
}

/* A bound on |predict(x) - m(x)| over the box, in the network's precision (unit roundoff uf).
 * Forward: each dense layer's sum of n terms is off by gamma_n |W| |h| (its local error dz), each
 * activation by uf |h| after its double evaluation (dh), the input by (4u + uf) |z| (dx); the
 * accumulated errors ez, eh (carried through |W| and the largest |act'|) widen each interval.
 * Two bounds, the smaller is kept (both proven):
 * - the worst case: the accumulated output error ez of the last layer;
 * - the sum over layers of sup|d out / d z_l| dz_l + sup|d out / d h_l| dh_l (+ the input's),
 *   the derivatives enclosed by interval back-propagation over the widened intervals: the
 *   computed network is the exact one with these perturbations inserted, and the mean value
 *   theorem on the exact rest of the network bounds each one's effect (its points stay in the
 *   widened intervals by the forward analysis). Single-output networks only.
 * Then the destandardisation in double (4u |y|). */
static ua_status mlp_eval_error(const void *state, const double *lo, const double *hi,
                                double *err)
{
    ua_mlp_net64 n;
    ua_status s = ua_mlp_net64_get(state, &n);
    if (s) return s;
    size_t d = n.d, mw = n.maxw, L = n.L, tot = 0;
    for (size_t l = 0; l < L; l++) tot += n.width[l + 1];
    /* per layer: ez (accumulated z error), dz (local), dh (local, hidden); work vectors */
    double *buf = ua_calloc(3 * tot + 8 * mw + 3 * d, sizeof *buf);
    double *zl[UA_MLP_MAX_LAYERS], *zu[UA_MLP_MAX_LAYERS];
    zl[0] = NULL;
    if (!buf) s = UA_ENOMEM_ERR((3 * tot + 8 * mw + 3 * d) * sizeof *buf);
    double *EZ[UA_MLP_MAX_LAYERS], *DZ[UA_MLP_MAX_LAYERS], *DH[UA_MLP_MAX_LAYERS];
    double *p = buf;
    for (size_t l = 0; !s && l < L; l++) {
        EZ[l] = p;
        DZ[l] = p + n.width[l + 1];
        DH[l] = p + 2 * n.width[l + 1];
        p += 3 * n.width[l + 1];
    }
    double *e = p, *hm = p + mw, *hn = p + 2 * mw, *gl = p + 3 * mw, *gu = p + 4 * mw;
    double *hl2 = p + 5 * mw, *hu2 = p + 6 * mw;
    double *xl = p + 8 * mw, *xu = xl + d, *dx = xu + d;
    if (!s) {
        ua_mlp_box_std(&n, lo, hi, xl, xu);
        s = ua_mlp_bounds_layers(&n, xl, xu, 1, zl, zu);
    }
    if (s) goto done;
    double uf = n.unit;
    for (size_t j = 0; j < d; j++) {
        hm[j] = fmax(fabs(xl[j]), fabs(xu[j]));
        e[j] = dx[j] = (4 * U53 + uf) * hm[j] + UA_BND_TINY;
    }
    double worst = 0;
    for (size_t l = 0; l < L; l++) {
        size_t in = n.width[l], out = n.width[l + 1];
        for (size_t i = 0; i < out; i++) {
            const double *w = n.W[l] + i * in;
            double prop = 0, mag = fabs(n.b[l][i]);
            for (size_t j = 0; j < in; j++) {
                prop += fabs(w[j]) * e[j];
                mag += fabs(w[j]) * (hm[j] + e[j]);
            }
            /* gamma in the network's precision, plus the multiplier's rounding */
            DZ[l][i] = ua_bnd_up((double)(in + 6) * uf * mag * (1 + 1e-10)) + UA_BND_TINY;
            EZ[l][i] = ua_bnd_up((prop * (1 + 1e-10) + DZ[l][i])) + UA_BND_TINY;
        }
        if (l + 1 == L) {
            for (size_t i = 0; i < out; i++) worst = fmax(worst, EZ[l][i] * n.yscale[i]);
            break;
        }
        for (size_t i = 0; i < out; i++) {
            double dl, du, yl, yu;
            ua_mlp_dact_range(n.act, n.slope, zl[l][i] - EZ[l][i], zu[l][i] + EZ[l][i], &dl, &du);
            ua_mlp_act_range(n.act, n.slope, zl[l][i] - EZ[l][i], zu[l][i] + EZ[l][i], &yl, &yu);
            double D = fmax(fabs(dl), fabs(du)), hmag = fmax(fabs(yl), fabs(yu));
            DH[l][i] = ua_bnd_up((uf + UA_BND_REL) * hmag) + UA_BND_TINY;
            hn[i] = ua_bnd_up(D * EZ[l][i] + DH[l][i]) + UA_BND_TINY;
            hm[i] = hmag;
        }
        memcpy(e, hn, out * sizeof *e);
    }
    if (n.k == 1) { /* the derivative-weighted sum, from the output down */
        double sum = DZ[L - 1][0];
        size_t top = n.width[L - 1];
        for (size_t l = L; l-- > 0;) {
            size_t in = n.width[l], out = n.width[l + 1];
            /* [gl, gu] (out,): d out / d z_l; at the top, 1 */
            if (l == L - 1) gl[0] = gu[0] = 1.0;
            else
                for (size_t i = 0; i < out; i++)
                    sum += ua_bnd_up(fmax(fabs(gl[i]), fabs(gu[i])) * DZ[l][i]);
            /* d out / d h_{l-1} (in,) = W_l^T g */
            imatvec_t(n.W[l], out, in, gl, gu, hl2, hu2);
            if (l == 0) {
                for (size_t j = 0; j < d; j++) sum += ua_bnd_up(fmax(fabs(hl2[j]), fabs(hu2[j])) * dx[j]);
                break;
            }
            for (size_t m = 0; m < in; m++) {
                sum += ua_bnd_up(fmax(fabs(hl2[m]), fabs(hu2[m])) * DH[l - 1][m]);
                double dl, du;
                ua_mlp_dact_range(n.act, n.slope, zl[l - 1][m] - EZ[l - 1][m],
                                  zu[l - 1][m] + EZ[l - 1][m], &dl, &du);
                imul(hl2[m], hu2[m], dl, du, &gl[m], &gu[m]);
            }
        }
        (void)top;
        sum = ua_bnd_up(sum * (1 + ua_bnd_gamma(tot + d)) * n.yscale[0]);
        if (sum < worst) worst = sum;
    }
    /* the destandardisation y = z ys + ym in double */
    double ymax = 0;
    for (size_t i = 0; i < n.k; i++)
        ymax = fmax(ymax, fmax(fabs(zl[L - 1][i]), fabs(zu[L - 1][i])) * n.yscale[i] +
                              fabs(n.ymean[i]));
    *err = ua_bnd_up(worst * (1 + 1e-10) + 4 * U53 * (ymax + worst));
done:
    if (zl[0]) free(zl[0]);
    free(buf);
    ua_mlp_net64_free(&n);
    return s;
}

/* A proven upper bound on ||W||_2, W (out, in): LAPACK's largest singular value s, then
 * mu = s^2 (1 + 1e-10) + 2 gamma_out R (R the largest row sum of |W|^T |W|, which bounds the
 * rounding of the computed W^T W in the 2-norm) is certified above lambda_max(W^T W) by a
 * floating-point Cholesky factorisation of mu I - W^T W - c I succeeding, with c covering the
 * factorisation's own rounding (Rump, "Verification of positive definiteness", BIT 46, 2006:
 * c >= gamma_{n+1} / (1 - 2 gamma_{n+1}) trace; here 2 (n + 2) u trace + the forming of the
 * matrix). Without the certificate: sqrt(||W||_1 ||W||_inf), rounded up. */
static ua_status spectral_upper(const double *W, size_t out, size_t in, double *nrm)
{
    size_t mn = in < out ? in : out;
    double *a = ua_calloc(in * out + mn + 2 * in * in + in * out, sizeof *a);
    if (!a) return UA_ENOMEM_ERR((in * out + mn + 2 * in * in) * sizeof *a);
    double *sv = a + in * out, *G = sv + mn, *H = G + in * in, *absw = H + in * in;
    memcpy(a, W, in * out * sizeof *a);
    lapack_int info = LAPACKE_dgesdd(LAPACK_ROW_MAJOR, 'N', (lapack_int)out, (lapack_int)in, a,
                                     (lapack_int)in, sv, NULL, (lapack_int)out, NULL,
                                     (lapack_int)in);
    double r1 = 0, rinf = 0;
    for (size_t j = 0; j < in; j++) {
        double c = 0;
        for (size_t i = 0; i < out; i++) c += fabs(W[i * in + j]);
        r1 = fmax(r1, c);
    }
    for (size_t i = 0; i < out; i++) {
        double r = 0;
        for (size_t j = 0; j < in; j++) r += fabs(W[i * in + j]);
        rinf = fmax(rinf, r);
    }
    double fallback = ua_bnd_up(sqrt(ua_bnd_up(r1 * rinf * (1 + 2 * ua_bnd_gamma(in + out)))));
    *nrm = fallback;
    if (info == 0) {
        for (size_t i = 0; i < in * out; i++) absw[i] = fabs(W[i]);
        cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)in, (int)in, (int)out, 1.0, W,
                    (int)in, W, (int)in, 0.0, G, (int)in);
        cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)in, (int)in, (int)out, 1.0, absw,
                    (int)in, absw, (int)in, 0.0, H, (int)in);
        double R = 0;
        for (size_t i = 0; i < in; i++) {
            double r = 0;
            for (size_t j = 0; j < in; j++) r += H[i * in + j];
            R = fmax(R, r);
        }
        R *= 1 + ua_bnd_gamma(in + out);
        double mu = sv[0] * sv[0] * (1 + 1e-10) + 2 * ua_bnd_gamma(out) * R + 1e-300;
        double tr = 0, gmax = 0;
        for (size_t i = 0; i < in; i++) {
            tr += mu - G[i * in + i];
            gmax = fmax(gmax, fabs(G[i * in + i]));
        }
        double c = 2 * (double)(in + 2) * 1.1102230246251565e-16 * fabs(tr) * 1.01 +
                   4 * 1.1102230246251565e-16 * (mu + gmax) + 1e-290 * (double)in;
        for (size_t i = 0; i < in; i++)
            for (size_t j = 0; j < in; j++) G[i * in + j] = (i == j ? mu - c : 0.0) - G[i * in + j];
        if (LAPACKE_dpotrf(LAPACK_ROW_MAJOR, 'L', (lapack_int)in, G, (lapack_int)in) == 0) {
            double v = ua_bnd_up(sqrt(ua_bnd_up(mu)));
            if (v < *nrm) *nrm = v;
        }
    }
    free(a);
    return UA_OK;
}

/* The product of the layers' operator norms times the largest |act'| per hidden layer and the
 * scalers' factors: a global Lipschitz constant, the naive comparison; proven (the inf-norms
 * summed with their rounding slack, the spectral norms certified by spectral_upper). */
static ua_status mlp_naive(const void *state, int norm, double *Lout)
{
    ua_mlp_net64 n;
    ua_status s = ua_mlp_net64_get(state, &n);
    if (s) return s;
    double L = 1;
    double dl, du;
    ua_mlp_dact_range(n.act, n.slope, -1e3, 1e3, &dl, &du);
    double ds = fmax(fabs(dl), fabs(du));
    if (n.act == UA_ACT_TANH || n.act == UA_ACT_SIN || n.act == UA_ACT_SOFTPLUS) ds = fmin(ds, 1.0);
    if (n.act == UA_ACT_SIGMOID) ds = fmin(ds, 0.25);
    for (size_t l = 0; !s && l < n.L; l++) {
        size_t in = n.width[l], out = n.width[l + 1];
        double nl = 0;
        if (norm == UA_NORM_2) {
            s = spectral_upper(n.W[l], out, in, &nl);
        } else {
            for (size_t i = 0; i < out; i++) {
                double r = 0;
                for (size_t j = 0; j < in; j++) r += fabs(n.W[l][i * in + j]);
                nl = fmax(nl, ua_bnd_up(r * (1 + ua_bnd_gamma(in))));
            }
        }
        L = ua_bnd_up(L * nl * (l + 1 < n.L ? ds : 1.0));
    }
    double xf = 0;
    for (size_t j = 0; j < n.d; j++) xf = fmax(xf, ua_bnd_up(1.0 / n.xscale[j]));
    *Lout = ua_bnd_up(ua_bnd_up(L * xf) * n.yscale[0]);
    ua_mlp_net64_free(&n);
    return s;
}

const ua_family_bounds ua_mlp_bounds = {
    .output = ua_mlp_bound_output,
    .lipschitz = mlp_lipschitz,
    .gradient = mlp_gradient,
    .eval_error = mlp_eval_error,
    .naive = mlp_naive,
};
