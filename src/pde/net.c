/*
 * src/pde/net.c — the pde family's network and its derivatives by forward mode (Taylor mode to
 * second order) in float64, with the reverse-mode pass through it for the loss's gradient in the
 * parameters: forward/backward pairs per layer, in the manner of llm.c.
 *
 * A jet of a quantity a at a point holds a, its first derivatives a_i = da/dx_i and the second
 * derivatives a_ij of the pairs the equation reads. Through a linear layer every channel maps by
 * W (the bias only into the value); through a scalar activation s:
 *     a = s(z),  a_i = s'(z) z_i,  a_ij = s''(z) z_i z_j + s'(z) z_ij.
 * The backward pass is the adjoint of these maps (it needs s''' for the value channel). The
 * batch is stored as (n, C, width) row-major, so each linear layer is one GEMM over n C rows.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>

#include "core/internal.h"
#include "internal.h"

/* pi (PDE_PI is not C11). */
#define PDE_PI 3.14159265358979323846

ua_status ua_pde_net_init(ua_pde_net *net, size_t d, const double *lo, const double *hi,
                          ua_pde_act act, ua_pde_arch arch, size_t m, const size_t *hidden,
                          size_t nh)
{
    memset(net, 0, sizeof *net);
    if (d == 0 || d > UA_PDE_MAX_DIM || nh == 0 || nh > UA_PDE_MAX_LAYERS)
        return UA_ERR(UA_EINVAL, "pde: %zu inputs and %zu hidden layers (1..%d)", d, nh,
                      UA_PDE_MAX_LAYERS);
    net->d = d;
    memcpy(net->lo, lo, d * sizeof *lo);
    memcpy(net->hi, hi, d * sizeof *hi);
    net->act = act;
    net->arch = arch;
    net->m = arch == UA_PDE_NET_MLP ? 0 : m;
    net->nlayers = nh + 1;
    net->width[0] = arch == UA_PDE_NET_MLP ? d : arch == UA_PDE_NET_FOURIER ? 2 * m : m;
    for (size_t l = 0; l < nh; l++) net->width[l + 1] = hidden[l];
    net->width[nh + 1] = 1;
    net->nfeat_par = arch == UA_PDE_NET_GAUSSIAN ? 2 * m * d : 0;
    size_t P = net->nfeat_par;
    for (size_t l = 1; l <= net->nlayers; l++) {
        net->off_W[l - 1] = P;
        P += net->width[l] * net->width[l - 1];
        net->off_b[l - 1] = P;
        P += net->width[l];
    }
    net->P = P;
    net->theta = calloc(P, sizeof *net->theta);
    if (arch == UA_PDE_NET_FOURIER) net->B = calloc(m * d, sizeof *net->B);
    if (!net->theta || (arch == UA_PDE_NET_FOURIER && !net->B)) {
        ua_pde_net_free(net);
        return UA_ENOMEM_ERR(P * sizeof(double));
    }
    return UA_OK;
}

void ua_pde_net_free(ua_pde_net *net)
{
    if (!net) return;
    free(net->theta);
    free(net->B);
    ua_pde_transform_free(net->T);
    net->theta = net->B = NULL;
    net->T = NULL;
}

void ua_pde_net_randomize(ua_pde_net *net, uint64_t seed, double sigma)
{
    ua_rng r;
    ua_rng_seed(&r, seed);
    size_t d = net->d, m = net->m;
    if (net->arch == UA_PDE_NET_FOURIER)
        for (size_t k = 0; k < m * d; k++) net->B[k] = sigma * ua_rng_normal(&r);
    if (net->arch == UA_PDE_NET_GAUSSIAN)
        for (size_t k = 0; k < m; k++)
            for (size_t i = 0; i < d; i++) {
                net->theta[k * d + i] = 2 * ua_rng_uniform(&r) - 1;
                net->theta[m * d + k * d + i] = log(sigma);
            }
    for (size_t l = 1; l <= net->nlayers; l++) {
        size_t in = net->width[l - 1], out = net->width[l];
        double a = sqrt(6.0 / (double)(in + out)); /* Glorot & Bengio 2010 */
        double *W = net->theta + net->off_W[l - 1];
        for (size_t k = 0; k < in * out; k++) W[k] = a * (2 * ua_rng_uniform(&r) - 1);
    }
}

ua_status ua_pde_work_alloc(ua_pde_work *w, const ua_pde_net *net, const ua_pde_jet *jet,
                            size_t n)
{
    memset(w, 0, sizeof *w);
    size_t L = net->nlayers, C = jet->C, wmax = 1;
    for (size_t l = 0; l <= L; l++) wmax = net->width[l] > wmax ? net->width[l] : wmax;
    w->n = n;
    w->A = calloc(L + 1, sizeof *w->A);
    w->Z = calloc(L + 1, sizeof *w->Z);
    w->S = calloc(L + 1, sizeof *w->S);
    int bad = !w->A || !w->Z || !w->S;
    for (size_t l = 0; !bad && l <= L; l++) {
        w->A[l] = malloc(n * C * net->width[l] * sizeof(double));
        if (l) w->Z[l] = malloc(n * C * net->width[l] * sizeof(double));
        if (l) w->S[l] = malloc(n * 3 * net->width[l] * sizeof(double));
        bad = !w->A[l] || (l && (!w->Z[l] || !w->S[l]));
    }
    if (!bad && net->m) bad = !(w->F = malloc(n * C * net->m * sizeof(double)));
    if (!bad) bad = !(w->G1 = malloc(n * C * wmax * sizeof(double)));
    if (!bad) bad = !(w->G2 = malloc(n * C * wmax * sizeof(double)));
    w->cap = L;
    if (bad) {
        ua_pde_work_free(w);
        return UA_ENOMEM_ERR(n * C * wmax * sizeof(double));
    }
    return UA_OK;
}

void ua_pde_work_free(ua_pde_work *w)
{
    for (size_t l = 0; w->A && l <= w->cap; l++) free(w->A[l]);
    for (size_t l = 0; w->Z && l <= w->cap; l++) free(w->Z[l]);
    for (size_t l = 0; w->S && l <= w->cap; l++) free(w->S[l]);
    free(w->S);
    free(w->A);
    free(w->Z);
    free(w->F);
    free(w->G1);
    free(w->G2);
    memset(w, 0, sizeof *w);
}

/* s, s', s'', s''' of the activation at z. */
static void act4(ua_pde_act a, double z, double *s0, double *s1, double *s2, double *s3)
{
    if (a == UA_PDE_SIN) {
        double sn = sin(z), cs = cos(z);
        *s0 = sn, *s1 = cs, *s2 = -sn, *s3 = -cs;
        return;
    }
    double t = tanh(z), d1 = 1 - t * t, d2 = -2 * t * d1;
    *s0 = t, *s1 = d1, *s2 = d2, *s3 = -2 * (d1 * d1 + t * d2);
}

/* The input jet: z = 2 (x - lo) / (hi - lo) - 1, z_i = e_i 2 / (hi_i - lo_i), z_ij = 0. */
static void input_jet(const ua_pde_net *net, const ua_pde_jet *jet, const double *x, size_t n,
                      double *Z)
{
    size_t d = net->d, C = jet->C;
    memset(Z, 0, n * C * d * sizeof *Z);
    for (size_t p = 0; p < n; p++) {
        double *z = Z + p * C * d;
        for (size_t i = 0; i < d; i++) {
            double sc = 2 / (net->hi[i] - net->lo[i]);
            z[i] = (x[p * d + i] - net->lo[i]) * sc - 1;
            z[(1 + i) * d + i] = sc;
        }
    }
}

static double in_scale(const ua_pde_net *net, size_t i) { return 2 / (net->hi[i] - net->lo[i]); }

/* Features of the fourier and gaussian networks: A0 (n, C, width[0]) from the input jet Zin
 * (n, C, d). */
static void features_forward(const ua_pde_net *net, const ua_pde_jet *jet, const double *Zin,
                             size_t n, double *A0, double *F)
{
    size_t d = net->d, C = jet->C, m = net->m, W0 = net->width[0];
    for (size_t p = 0; p < n; p++) {
        const double *z = Zin + p * C * d;
        double *a = A0 + p * C * W0;
        if (net->arch == UA_PDE_NET_FOURIER) {
            double *f = F + p * C * m;
            for (size_t k = 0; k < m; k++) {
                double v = 0;
                for (size_t i = 0; i < d; i++) v += net->B[k * d + i] * z[i];
                v *= 2 * PDE_PI;
                double sn = sin(v), cs = cos(v);
                f[k] = v;
                a[k] = sn;
                a[m + k] = cs;
                double fi[UA_PDE_MAX_DIM];
                for (size_t i = 0; i < d; i++) {
                    fi[i] = 2 * PDE_PI * net->B[k * d + i] * in_scale(net, i);
                    a[(1 + i) * W0 + k] = cs * fi[i];
                    a[(1 + i) * W0 + m + k] = -sn * fi[i];
                }
                for (size_t q = 0; q < jet->npairs; q++) {
                    double ff = fi[jet->pi[q]] * fi[jet->pj[q]];
                    a[(1 + d + q) * W0 + k] = -sn * ff;
                    a[(1 + d + q) * W0 + m + k] = -cs * ff;
                }
            }
        } else {
            const double *mu = net->theta, *rho = net->theta + m * d;
            for (size_t k = 0; k < m; k++) {
                double E = 0, e[UA_PDE_MAX_DIM], is2[UA_PDE_MAX_DIM];
                for (size_t i = 0; i < d; i++) {
                    double s = exp(rho[k * d + i]), r = z[i] - mu[k * d + i];
                    is2[i] = 1 / (s * s);
                    e[i] = r * is2[i];
                    E += 0.5 * r * e[i];
                }
                double phi = exp(-E);
                a[k] = phi;
                for (size_t i = 0; i < d; i++) a[(1 + i) * W0 + k] = -in_scale(net, i) * phi * e[i];
                for (size_t q = 0; q < jet->npairs; q++) {
                    int i = jet->pi[q], j = jet->pj[q];
                    double H = e[i] * e[j] - (i == j ? is2[i] : 0);
                    a[(1 + d + q) * W0 + k] = phi * in_scale(net, i) * in_scale(net, j) * H;
                }
            }
        }
    }
}

/* The gaussian features' backward: gtheta's mu and rho parts += from G (n, C, m) = d loss / d A0. */
static void gaussian_backward(const ua_pde_net *net, const ua_pde_jet *jet, const double *Zin,
                              size_t n, const double *G, double *gtheta)
{
    size_t d = net->d, C = jet->C, m = net->m;
    const double *mu = net->theta, *rho = net->theta + m * d;
    double *gmu = gtheta, *grho = gtheta + m * d;
    for (size_t p = 0; p < n; p++) {
        const double *z = Zin + p * C * d, *g = G + p * C * m;
        for (size_t k = 0; k < m; k++) {
            double s[UA_PDE_MAX_DIM], r[UA_PDE_MAX_DIM], e[UA_PDE_MAX_DIM], E = 0;
            for (size_t i = 0; i < d; i++) {
                s[i] = exp(rho[k * d + i]);
                r[i] = z[i] - mu[k * d + i];
                e[i] = r[i] / (s[i] * s[i]);
                E += 0.5 * r[i] * e[i];
            }
            double phi = exp(-E);
            for (size_t i = 0; i < d; i++) {
                /* d/dmu_i and d/ds_i of phi, phi_a, phi_ab (docs/pde.md, "Gaussian features") */
                double dphi_mu = phi * e[i], dphi_s = phi * e[i] * r[i] / s[i];
                double gm = g[k] * dphi_mu, gs = g[k] * dphi_s;
                for (size_t a = 0; a < d; a++) {
                    double ga = g[(1 + a) * m + k], sa = in_scale(net, a);
                    double dmu = -sa * (dphi_mu * e[a] - (a == i ? phi / (s[a] * s[a]) : 0));
                    double ds = -sa * (dphi_s * e[a] - (a == i ? 2 * phi * e[a] / s[a] : 0));
                    gm += ga * dmu;
                    gs += ga * ds;
                }
                for (size_t q = 0; q < jet->npairs; q++) {
                    int a = jet->pi[q], b = jet->pj[q];
                    double gq = g[(1 + d + q) * m + k];
                    if (gq == 0) continue;
                    double ss = in_scale(net, a) * in_scale(net, b);
                    double H = e[a] * e[b] - (a == b ? 1 / (s[a] * s[a]) : 0);
                    double dH_mu = ((int)i == a ? -e[b] / (s[a] * s[a]) : 0) +
                                   ((int)i == b ? -e[a] / (s[b] * s[b]) : 0);
                    double dH_s = ((int)i == a ? -2 * e[a] / s[a] * e[b] : 0) +
                                  ((int)i == b ? -2 * e[b] / s[b] * e[a] : 0) +
                                  (a == b && (int)i == a ? 2 / (s[a] * s[a] * s[a]) : 0);
                    gm += gq * ss * (dphi_mu * H + phi * dH_mu);
                    gs += gq * ss * (dphi_s * H + phi * dH_s);
                }
                gmu[k * d + i] += gm;
                grho[k * d + i] += gs * s[i];
            }
        }
    }
}

void ua_pde_net_forward(const ua_pde_net *net, const ua_pde_jet *jet, ua_pde_work *w,
                        const double *x, size_t n, double *u)
{
    size_t C = jet->C, d = net->d, L = net->nlayers;
    if (net->arch == UA_PDE_NET_MLP) input_jet(net, jet, x, n, w->A[0]);
    else {
        /* the input jet goes to G2 (kept for the gaussian backward, which recomputes it) */
        input_jet(net, jet, x, n, w->G2);
        features_forward(net, jet, w->G2, n, w->A[0], w->F);
    }
    for (size_t l = 1; l <= L; l++) {
        size_t in = net->width[l - 1], out = net->width[l];
        const double *W = net->theta + net->off_W[l - 1], *b = net->theta + net->off_b[l - 1];
        double *Z = w->Z[l];
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)(n * C), (int)out, (int)in, 1.0,
                    w->A[l - 1], (int)in, W, (int)in, 0.0, Z, (int)out);
        for (size_t p = 0; p < n; p++)
            for (size_t k = 0; k < out; k++) Z[p * C * out + k] += b[k];
        if (l == L) break;
        double *A = w->A[l];
        for (size_t p = 0; p < n; p++) {
            const double *z = Z + p * C * out;
            double *a = A + p * C * out, *S = w->S[l] + p * 3 * out;
            for (size_t k = 0; k < out; k++) {
                double s0, s1, s2, s3;
                act4(net->act, z[k], &s0, &s1, &s2, &s3);
                S[k] = s1, S[out + k] = s2, S[2 * out + k] = s3;
                a[k] = s0;
                for (size_t i = 0; i < d; i++) a[(1 + i) * out + k] = s1 * z[(1 + i) * out + k];
                for (size_t q = 0; q < jet->npairs; q++)
                    a[(1 + d + q) * out + k] = s2 * z[(1 + jet->pi[q]) * out + k] *
                                                   z[(1 + jet->pj[q]) * out + k] +
                                               s1 * z[(1 + d + q) * out + k];
            }
        }
    }
    memcpy(u, w->Z[L], n * C * sizeof *u);
    if (net->T) ua_pde_transform_forward(net->T, jet, x, n, u);
}

void ua_pde_net_backward(const ua_pde_net *net, const ua_pde_jet *jet, ua_pde_work *w,
                         const double *x, size_t n, const double *gu, double *gtheta)
{
    size_t C = jet->C, d = net->d, L = net->nlayers;
    double *GZ = w->G1, *GA = w->G2;
    if (net->T) ua_pde_transform_backward(net->T, jet, x, n, gu, GZ);
    else memcpy(GZ, gu, n * C * sizeof *gu);
    for (size_t l = L; l >= 1; l--) {
        size_t in = net->width[l - 1], out = net->width[l];
        const double *W = net->theta + net->off_W[l - 1];
        double *gW = gtheta + net->off_W[l - 1], *gb = gtheta + net->off_b[l - 1];
        cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)out, (int)in, (int)(n * C), 1.0,
                    GZ, (int)out, w->A[l - 1], (int)in, 1.0, gW, (int)in);
        for (size_t p = 0; p < n; p++)
            for (size_t k = 0; k < out; k++) gb[k] += GZ[p * C * out + k];
        if (l == 1 && net->arch != UA_PDE_NET_GAUSSIAN) break;
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)(n * C), (int)in, (int)out,
                    1.0, GZ, (int)out, W, (int)in, 0.0, GA, (int)in);
        if (l == 1) {
            /* the input jet again (G2 held it in the forward pass, now GA uses G1's room) */
            double *Zin = GZ;
            input_jet(net, jet, x, n, Zin);
            gaussian_backward(net, jet, Zin, n, GA, gtheta);
            break;
        }
        /* through the activation of layer l - 1: GZ (n, C, in) from GA */
        const double *Z = w->Z[l - 1];
        for (size_t p = 0; p < n; p++) {
            const double *z = Z + p * C * in, *ga = GA + p * C * in;
            const double *S = w->S[l - 1] + p * 3 * in;
            double *gz = GZ + p * C * in;
            for (size_t k = 0; k < in; k++) {
                double s1 = S[k], s2 = S[in + k], s3 = S[2 * in + k];
                double g0 = ga[k] * s1;
                for (size_t i = 0; i < d; i++) {
                    gz[(1 + i) * in + k] = ga[(1 + i) * in + k] * s1;
                    g0 += ga[(1 + i) * in + k] * s2 * z[(1 + i) * in + k];
                }
                for (size_t q = 0; q < jet->npairs; q++) {
                    double gq = ga[(1 + d + q) * in + k];
                    size_t a = 1 + (size_t)jet->pi[q], b = 1 + (size_t)jet->pj[q];
                    double za = z[a * in + k], zb = z[b * in + k];
                    g0 += gq * (s3 * za * zb + s2 * z[(1 + d + q) * in + k]);
                    gz[a * in + k] += gq * s2 * zb;
                    gz[b * in + k] += gq * s2 * za;
                    gz[(1 + d + q) * in + k] = gq * s1;
                }
                gz[k] = g0;
            }
        }
    }
}

ua_status ua_pde_net_predict(const ua_pde_net *net, const double *x, size_t n, double *u)
{
    ua_pde_jet jet = { .d = net->d, .C = 1 + net->d, .npairs = 0 };
    size_t chunk = 4096;
    ua_pde_work w;
    ua_status s = ua_pde_work_alloc(&w, net, &jet, n < chunk ? (n ? n : 1) : chunk);
    if (s) return s;
    double *buf = malloc(chunk * jet.C * sizeof *buf);
    if (!buf) {
        ua_pde_work_free(&w);
        return UA_ENOMEM_ERR(chunk * jet.C * sizeof *buf);
    }
    for (size_t i = 0; i < n; i += chunk) {
        size_t m = n - i < chunk ? n - i : chunk;
        ua_pde_net_forward(net, &jet, &w, x + i * net->d, m, buf);
        for (size_t k = 0; k < m; k++) u[i + k] = buf[k * jet.C];
    }
    free(buf);
    ua_pde_work_free(&w);
    return UA_OK;
}
