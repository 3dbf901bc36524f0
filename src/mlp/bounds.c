/*
 * Output bounds of an mlp over a box (bounds.h): the network in double, interval bound
 * propagation (IBP: Gowal et al., "On the Effectiveness of Interval Bound Propagation for
 * Training Verifiably Robust Models", 2018) and linear bound propagation (CROWN: Zhang et al.,
 * NeurIPS 2018) with CROWN's own bounds for every hidden layer, each intersected with IBP's so
 * that the linear bounds are never looser than the interval ones.
 *
 * CROWN, backwards from layer k: the bound c + A h_j of z_k is carried through h_j = act(z_j) by
 * the relaxation of each neuron (the upper line where the coefficient is >= 0 for an upper
 * bound, the lower line where it is < 0), then through z_j = W_j h_{j-1} + b_j (A <- A W_j,
 * c <- c + A b_j), down to the input box, where c + A x is maximised (minimised) exactly. The
 * rounding of every product is charged to a slack: A W_j computed in double differs from the
 * exact product by at most gamma |A| |W_j| elementwise, which moves c + A h by at most
 * gamma |A| (|W_j| max|h_{j-1}|).
 */
#include <cblas.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bounds.h"

void ua_mlp_net64_free(ua_mlp_net64 *n)
{
    if (!n) return;
    free(n->W[0]);
    memset(n, 0, sizeof *n);
}

ua_status ua_mlp_net64_get(const ua_mlp *m, ua_mlp_net64 *n)
{
    memset(n, 0, sizeof *n);
    ua_status es = ua_mlp_single_only(m, "bound propagation");
    if (es) return es;
    if (m->opt.evonorm)
        return UA_ERR(UA_EUNSUPPORTED, "bound propagation: EvoNorm-S0 layers are not supported "
                      "(a normalisation over the layer, not an activation per neuron)");
    if (m->opt.act == UA_ACT_POLYNORM || m->opt.act == UA_ACT_POLYRELU)
        return UA_ERR(UA_EUNSUPPORTED, "bound propagation: the %s activation is not supported",
                      ua_mlp_act_name(m->opt.act));
    if (m->opt.task == UA_TASK_GAUSSIAN)
        return UA_ERR(UA_EUNSUPPORTED, "bound propagation: the model has a variance head (--task "
                      "gaussian)");
    if (m->opt.task == UA_TASK_CLASSIFY)
        return UA_ERR(UA_EUNSUPPORTED, "bound propagation: the model is a classifier (its output "
                      "is a class, not a value to bound)");
    n->L = m->L;
    n->d = m->d;
    n->k = m->k;
    n->act = m->opt.act;
    n->slope = m->opt.leaky_slope;
    n->unit = m->esize == 4 ? 0x1p-24 : 0x1p-53;
    size_t total = 2 * (m->d + m->k), maxw = m->d;
    for (size_t l = 0; l <= m->L; l++) {
        n->width[l] = m->width[l];
        if (m->width[l] > maxw) maxw = m->width[l];
    }
    n->maxw = maxw;
    for (size_t l = 0; l < m->L; l++) total += m->width[l + 1] * (m->width[l] + 1);
    double *buf = ua_calloc(total, sizeof *buf);
    if (!buf) return UA_ENOMEM_ERR(total * sizeof *buf);
    double *p = buf;
    for (size_t l = 0; l < m->L; l++) {
        size_t nw = m->width[l + 1] * m->width[l], nb = m->width[l + 1];
        n->W[l] = p;
        m->ops->to_double((const char *)m->params + m->off_w[l] * m->esize, p, nw);
        if (m->mult[l] != 1.0)
            for (size_t i = 0; i < nw; i++) p[i] *= m->mult[l];
        p += nw;
        n->b[l] = p;
        m->ops->to_double((const char *)m->params + m->off_b[l] * m->esize, p, nb);
        p += nb;
    }
    double *xm = p, *xs = p + m->d, *ym = p + 2 * m->d, *ys = p + 2 * m->d + m->k;
    for (size_t j = 0; j < m->d; j++) {
        xm[j] = m->xs.mean ? m->xs.mean[j] : 0.0;
        xs[j] = m->xs.scale ? m->xs.scale[j] : 1.0;
    }
    for (size_t j = 0; j < m->k; j++) {
        ym[j] = m->ys.mean ? m->ys.mean[j] : 0.0;
        ys[j] = m->ys.scale ? m->ys.scale[j] : 1.0;
    }
    n->xmean = xm;
    n->xscale = xs;
    n->ymean = ym;
    n->yscale = ys;
    return UA_OK;
}

void ua_mlp_box_std(const ua_mlp_net64 *n, const double *lo, const double *hi, double *zl,
                    double *zu)
{
    for (size_t j = 0; j < n->d; j++) {
        zl[j] = ua_bnd_down((lo[j] - n->xmean[j]) / n->xscale[j]);
        zu[j] = ua_bnd_up((hi[j] - n->xmean[j]) / n->xscale[j]);
    }
}

/* IBP through z = W h + b, W (out, in), in centre-radius form: z in c +- r with c = W hc + b,
 * r = |W| hr, plus twice gamma_{in+2} (|W| (|hc| + hr) + |b|) for the rounding of both sums. */
static void ibp_dense(const double *W, const double *b, size_t in, size_t out, const double *hl,
                      const double *hu, double *zl, double *zu, double *work)
{
    double *hc = work, *hr = work + in;
    for (size_t j = 0; j < in; j++) {
        hc[j] = 0.5 * (hl[j] + hu[j]);
        hr[j] = fmax(hu[j] - hc[j], hc[j] - hl[j]) * (1 + 4 * 1.1102230246251565e-16);
    }
    double g = ua_bnd_gamma(in + 2);
    for (size_t i = 0; i < out; i++) {
        const double *w = W + i * in;
        double c = b[i], r = 0, mag = fabs(b[i]);
        for (size_t j = 0; j < in; j++) {
            c += w[j] * hc[j];
            r += fabs(w[j]) * hr[j];
            mag += fabs(w[j]) * (fabs(hc[j]) + hr[j]);
        }
        double s = 2 * g * mag + UA_BND_TINY;
        zl[i] = ua_bnd_down(c - r - s);
        zu[i] = ua_bnd_up(c + r + s);
    }
}

/* The relaxation of one hidden layer: lines al z + bl <= h <= au z + bu per neuron, and the
 * largest |z| (for the slack of the relaxation's products). */
typedef struct {
    double *al, *bl, *au, *bu, *zmag;
    double *vmag; /* (width,) |W_j| max|h_{j-1}| + |b_j|: the slack of the dense step into it */
} relax_t;

/* CROWN bounds of z_k (rows = width[k+1]) over the standardised box [xl, xu], with the
 * relaxations rx[0..k) of the hidden layers below it. */
static ua_status crown_layer(const ua_mlp_net64 *n, size_t k, const double *xl, const double *xu,
                             const relax_t *rx, double *outl, double *outu)
{
    size_t rows = n->width[k + 1], maxw = n->maxw;
    double *A = ua_calloc(rows * maxw, sizeof *A), *B = ua_calloc(rows * maxw, sizeof *B);
    double *c = ua_calloc(rows, sizeof *c), *err = ua_calloc(rows, sizeof *err);
    if (!A || !B || !c || !err) {
        free(A);
        free(B);
        free(c);
        free(err);
        return UA_ENOMEM_ERR(2 * rows * maxw * sizeof *A);
    }
    double u = 1.1102230246251565e-16;
    for (int side = 1; side >= -1; side -= 2) {
        size_t cols = n->width[k];
        memcpy(A, n->W[k], rows * cols * sizeof *A);
        memcpy(c, n->b[k], rows * sizeof *c);
        /* W_k and b_k are copied exactly: the slack starts at 0 */
        for (size_t i = 0; i < rows; i++) err[i] = 0;
        for (size_t j = k; j-- > 0;) {
            /* A (rows, width[j+1]) multiplies h_j: relax it to A' z_j + c' */
            size_t nj = n->width[j + 1], prev = n->width[j];
            const relax_t *r = &rx[j];
            for (size_t i = 0; i < rows; i++) {
                double *a = A + i * nj, cs = c[i], mag = fabs(c[i]), pm = 0;
                for (size_t m = 0; m < nj; m++) {
                    double lam = a[m];
                    int up = side * lam >= 0;
                    double sl = up ? r->au[m] : r->al[m], of = up ? r->bu[m] : r->bl[m];
                    a[m] = lam * sl;
                    cs += lam * of;
                    mag += fabs(lam * of);
                    pm += fabs(a[m]) * r->zmag[m];
                }
                c[i] = cs;
                err[i] += ua_bnd_gamma(nj + 2) * mag + 2 * u * pm;
            }
            /* through z_j = W_j h_{j-1} + b_j: c += A b_j, A <- A W_j */
            for (size_t i = 0; i < rows; i++) {
                const double *a = A + i * nj;
                double cs = c[i], mag = fabs(c[i]), sm = 0;
                for (size_t m = 0; m < nj; m++) {
                    cs += a[m] * n->b[j][m];
                    sm += fabs(a[m]) * r->vmag[m];
                }
                c[i] = cs;
                err[i] += ua_bnd_gamma(nj + prev + 2) * (mag + sm);
            }
            cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)rows, (int)prev, (int)nj,
                        1.0, A, (int)nj, n->W[j], (int)prev, 0.0, B, (int)prev);
            double *t = A;
            A = B;
            B = t;
        }
        /* c + A x over the box: each term at the end that maximises (side 1) or minimises it */
        size_t d = n->d;
        for (size_t i = 0; i < rows; i++) {
            const double *a = A + i * d;
            double v = c[i], mag = fabs(c[i]);
            for (size_t p = 0; p < d; p++) {
                double x = (side * a[p] >= 0) ? xu[p] : xl[p];
                v += a[p] * x;
                mag += fabs(a[p]) * fmax(fabs(xl[p]), fabs(xu[p]));
            }
            double e = err[i] + ua_bnd_gamma(d + 2) * mag + UA_BND_TINY;
            if (side > 0) outu[i] = ua_bnd_up(v + e);
            else outl[i] = ua_bnd_down(v - e);
        }
    }
    free(A);
    free(B);
    free(c);
    free(err);
    return UA_OK;
}

ua_status ua_mlp_f32_fits(const ua_mlp_net64 *n, const double *xl, const double *xu)
{
    if (n->unit != 0x1p-24) return UA_OK;
    double uf = n->unit, big = (double)FLT_MAX;
    double *H = ua_calloc(2 * n->maxw, sizeof *H), *Hn = H ? H + n->maxw : NULL;
    if (!H) return UA_ENOMEM_ERR(2 * n->maxw * sizeof *H);
    ua_status s = UA_OK;
    /* H: a bound on |x| rounded to float (the box is standardised outward already) */
    for (size_t j = 0; j < n->d; j++) {
        H[j] = fmax(fabs(xl[j]), fabs(xu[j])) * (1 + uf);
        if (!(H[j] <= big)) {
            s = UA_ERR(UA_EDOMAIN, "bound propagation: side %zu of the box reaches %.3g after the "
                       "model's input scaling, beyond the largest float32 %.3g: the float32 "
                       "network cannot take those inputs (predict refuses them), so no bound over "
                       "this box is proven; give a box of smaller magnitude (or fit with --dtype "
                       "f64)", j + 1,
                       fmax(fabs(xl[j]), fabs(xu[j])), big);
            goto done;
        }
    }
    for (size_t l = 0; l < n->L; l++) {
        size_t in = n->width[l], out = n->width[l + 1];
        /* every partial sum of a dot product in float, in any order, is at most (1 + gamma_in)
         * times |b| + sum |W| |h| (Higham 3.5); the sum here in double, rounded up */
        double gf = (double)(in + 6) * uf;
        for (size_t i = 0; i < out; i++) {
            const double *w = n->W[l] + i * in;
            double v = fabs(n->b[l][i]);
            for (size_t j = 0; j < in; j++) v += fabs(w[j]) * H[j];
            v = ua_bnd_up(v * (1 + ua_bnd_gamma(in + 2)) * (1 + gf));
            if (!(v <= big)) {
                s = UA_ERR(UA_EDOMAIN, "bound propagation: the float32 network may overflow on "
                           "this box: the values of its dense layer %zu of %zu are bounded only by "
                           "%.3g, beyond the largest float32 %.3g (where they overflow, predict "
                           "refuses the input), so no bound over this box is proven; give a box "
                           "of smaller magnitude (or fit with --dtype f64)", l + 1, n->L, v, big);
                goto done;
            }
            if (l + 1 == n->L) continue;
            double yl, yu; /* the activation over [-v, v], evaluated in float */
            ua_mlp_act_range(n->act, n->slope, -v, v, &yl, &yu);
            Hn[i] = ua_bnd_up(fmax(fabs(yl), fabs(yu)) * (1 + 4 * uf));
            if (!(Hn[i] <= big)) {
                s = UA_ERR(UA_EDOMAIN, "bound propagation: the float32 network may overflow on "
                           "this box: the activations of its hidden layer %zu are bounded only by "
                           "%.3g, beyond the largest float32 %.3g (where they overflow, predict "
                           "refuses the input), so no bound over this box is proven; give a box "
                           "of smaller magnitude (or fit with --dtype f64)", l + 1, Hn[i], big);
                goto done;
            }
        }
        memcpy(H, Hn, out * sizeof *H);
    }
done:
    free(H);
    return s;
}

ua_status ua_mlp_bounds_layers(const ua_mlp_net64 *n, const double *xl, const double *xu,
                               int crown, double **zl, double **zu)
{
    ua_status fs = ua_mlp_f32_fits(n, xl, xu);
    if (fs) return fs;
    size_t L = n->L, sum = 0, hid = 0;
    for (size_t l = 0; l < L; l++) sum += n->width[l + 1];
    for (size_t l = 0; l + 1 < L; l++) hid += n->width[l + 1];
    /* zl, zu (sum each); hl, hu (hid each); relaxations al, bl, au, bu, zmag, vmag (hid each);
     * crown's outputs (2 maxw); work (2 maxw) */
    size_t total = 2 * sum + 8 * hid + 4 * n->maxw;
    double *buf = ua_calloc(total, sizeof *buf);
    relax_t *rx = ua_calloc(L, sizeof *rx);
    if (!buf || !rx) {
        free(buf);
        free(rx);
        return UA_ENOMEM_ERR(total * sizeof *buf);
    }
    double *p = buf, *hl[UA_MLP_MAX_LAYERS], *hu[UA_MLP_MAX_LAYERS];
    for (size_t l = 0; l < L; l++) {
        zl[l] = p;
        zu[l] = p + n->width[l + 1];
        p += 2 * n->width[l + 1];
    }
    for (size_t l = 0; l + 1 < L; l++) {
        size_t w = n->width[l + 1];
        hl[l] = p;
        hu[l] = p + w;
        rx[l].al = p + 2 * w;
        rx[l].bl = p + 3 * w;
        rx[l].au = p + 4 * w;
        rx[l].bu = p + 5 * w;
        rx[l].zmag = p + 6 * w;
        rx[l].vmag = p + 7 * w;
        p += 8 * w;
    }
    double *cl = p, *cu = p + n->maxw, *work = p + 2 * n->maxw;
    ua_status s = UA_OK;
    for (size_t l = 0; !s && l < L; l++) {
        size_t in = n->width[l], out = n->width[l + 1];
        const double *il = l ? hl[l - 1] : xl, *iu = l ? hu[l - 1] : xu;
        ibp_dense(n->W[l], n->b[l], in, out, il, iu, zl[l], zu[l], work);
        if (l + 1 < L) { /* |W_l| max|h_{l-1}| + |b_l|: the slack of a dense step (crown) */
            for (size_t i = 0; i < out; i++) {
                double v = fabs(n->b[l][i]);
                for (size_t j = 0; j < in; j++)
                    v += fabs(n->W[l][i * in + j]) * fmax(fabs(il[j]), fabs(iu[j]));
                rx[l].vmag[i] = v * (1 + ua_bnd_gamma(in + 2));
            }
        }
        if (crown && l >= 1) {
            s = crown_layer(n, l, xl, xu, rx, cl, cu);
            for (size_t i = 0; !s && i < out; i++) {
                zl[l][i] = fmax(zl[l][i], cl[i]);
                zu[l][i] = fmin(zu[l][i], cu[i]);
            }
        }
        for (size_t i = 0; !s && i < out; i++)
            if (!isfinite(zl[l][i]) || !isfinite(zu[l][i]) || zl[l][i] > zu[l][i])
                s = UA_ERR(UA_EDOMAIN, "bound propagation: the bounds of layer %zu overflow double "
                           "(weights or box too large)", l + 1);
        if (s || l + 1 == L) break;
        for (size_t i = 0; i < out; i++) {
            ua_mlp_act_range(n->act, n->slope, zl[l][i], zu[l][i], &hl[l][i], &hu[l][i]);
            if (crown)
                ua_mlp_act_relax(n->act, n->slope, zl[l][i], zu[l][i], &rx[l].al[i], &rx[l].bl[i],
                                 &rx[l].au[i], &rx[l].bu[i]);
            rx[l].zmag[i] = fmax(fabs(zl[l][i]), fabs(zu[l][i]));
        }
    }
    /* the output arrays live at the start of buf: move nothing, keep buf as zl[0]'s block */
    free(rx);
    if (s) {
        free(buf);
        for (size_t l = 0; l < L; l++) zl[l] = zu[l] = NULL;
    }
    return s;
}

/* The vtable hook (src/model/family.h): every output over the box in model units. */
ua_status ua_mlp_bound_output(const void *state, const double *lo, const double *hi, int method,
                              double *out_lo, double *out_hi)
{
    ua_mlp_net64 n;
    ua_status s = ua_mlp_net64_get(state, &n);
    if (s) return s;
    double *xl = ua_calloc(2 * n.d, sizeof *xl);
    double *zl[UA_MLP_MAX_LAYERS], *zu[UA_MLP_MAX_LAYERS];
    if (!xl) s = UA_ENOMEM_ERR(2 * n.d * sizeof *xl);
    if (!s) {
        ua_mlp_box_std(&n, lo, hi, xl, xl + n.d);
        s = ua_mlp_bounds_layers(&n, xl, xl + n.d, method != 0, zl, zu);
    }
    if (!s && method != 0) { /* intersected with a pure IBP run, which rounds differently */
        double *il[UA_MLP_MAX_LAYERS], *iu[UA_MLP_MAX_LAYERS];
        s = ua_mlp_bounds_layers(&n, xl, xl + n.d, 0, il, iu);
        for (size_t j = 0; !s && j < n.k; j++) {
            zl[n.L - 1][j] = fmax(zl[n.L - 1][j], il[n.L - 1][j]);
            zu[n.L - 1][j] = fmin(zu[n.L - 1][j], iu[n.L - 1][j]);
        }
        if (!s) free(il[0]);
        else free(zl[0]);
    }
    if (!s) {
        const double *ol = zl[n.L - 1], *ou = zu[n.L - 1];
        for (size_t j = 0; j < n.k; j++) {
            out_lo[j] = ua_bnd_down(ua_bnd_down(ol[j] * n.yscale[j]) + n.ymean[j]);
            out_hi[j] = ua_bnd_up(ua_bnd_up(ou[j] * n.yscale[j]) + n.ymean[j]);
        }
        free(zl[0]);
    }
    free(xl);
    ua_mlp_net64_free(&n);
    return s;
}
