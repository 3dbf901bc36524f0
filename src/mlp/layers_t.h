/*
 * Layers, templated on the scalar type T (included by net_f32.c and net_f64.c with T, TS(name)
 * and GEMM defined). Forward/backward pairs; backward kernels accumulate (+=) parameter
 * gradients, so zeroing them is the caller's explicit step. Formulas: docs/mlp.md.
 */

/* Dense: z (B, out) = mult * h (B, in) W^T + b, with W (out, in), b (out,). */
static void TS(dense_forward)(T *z, const T *h, const T *W, const T *b, size_t B, size_t in,
                              size_t out, double mult)
{
    for (size_t i = 0; i < B; i++) memcpy(z + i * out, b, out * sizeof *z);
    GEMM(CblasRowMajor, CblasNoTrans, CblasTrans, (int)B, (int)out, (int)in, (T)mult, h, (int)in,
         W, (int)in, (T)1, z, (int)out);
}

/* dW (out, in) += mult dz^T h;  db (out,) += sum over rows of dz;  dh (B, in) = mult dz W
 * (overwritten; skipped when dh is NULL, i.e. for the first layer).
 * dz (B, out), h (B, in), W (out, in). */
static void TS(dense_backward)(T *dh, T *dW, T *db, const T *dz, const T *h, const T *W,
                               size_t B, size_t in, size_t out, double mult)
{
    GEMM(CblasRowMajor, CblasTrans, CblasNoTrans, (int)out, (int)in, (int)B, (T)mult, dz,
         (int)out, h, (int)in, (T)1, dW, (int)in);
    for (size_t i = 0; i < B; i++)
        for (size_t j = 0; j < out; j++) db[j] += dz[i * out + j];
    if (dh)
        GEMM(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)B, (int)in, (int)out, (T)mult, dz,
             (int)out, W, (int)in, (T)0, dh, (int)in);
}

/* Scalar activation: y (n,) = act(z (n,)). OpenMP for large arrays (elementwise, so the result
 * does not depend on the thread count). */
/* ReLU forward, a loop of its own: with restrict and simd it compiles to compare-and-mask
 * vector code; the branchy scalar loop it replaces mispredicted on every other sign. */
UA_MULTIVERSION
static void TS(relu_forward)(T *restrict y, const T *restrict z, size_t n)
{
#pragma omp simd
    for (size_t i = 0; i < n; i++) y[i] = z[i] > 0 ? z[i] : (T)0;
}

/* ReLU backward: dz = dy [z > 0], the same selection as before, bit for bit. The profile of the
 * 16 -> 256 -> 256 -> 1 network (docs/mlp.md, "Where the training time goes") had the scalar
 * branchy form at 19% of the training time, the second after sgemm. */
UA_MULTIVERSION
static void TS(relu_backward)(T *restrict dz, const T *restrict dy, const T *restrict z, size_t n)
{
#pragma omp simd
    for (size_t i = 0; i < n; i++) dz[i] = z[i] > 0 ? dy[i] : (T)0;
}

static void TS(act_forward)(T *y, const T *z, size_t n, ua_mlp_act a, double slope)
{
    if (a == UA_ACT_RELU) {
        TS(relu_forward)(y, z, n);
        return;
    }
#pragma omp parallel for schedule(static) if (n >= 65536)
    for (size_t i = 0; i < n; i++) y[i] = (T)ua_mlp_act_forward(a, slope, (double)z[i]);
}

/* dz (n,) = dy (n,) * act'(z (n,)). */
static void TS(act_backward)(T *dz, const T *dy, const T *z, size_t n, ua_mlp_act a, double slope)
{
    if (a == UA_ACT_RELU) {
        TS(relu_backward)(dz, dy, z, n);
        return;
    }
#pragma omp parallel for schedule(static) if (n >= 65536)
    for (size_t i = 0; i < n; i++) dz[i] = dy[i] * (T)ua_mlp_act_backward(a, slope, (double)z[i]);
}

/* PolyReLU: y = a0 + a1 r + a2 r^2 + a3 r^3, r = relu(z); a (4,), y, z (n,). */
static void TS(polyrelu_forward)(T *y, const T *z, const T *a, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        T r = z[i] > 0 ? z[i] : (T)0;
        y[i] = a[0] + r * (a[1] + r * (a[2] + r * a[3]));
    }
}

/* dz (n,) = dy * (a1 + 2 a2 r + 3 a3 r^2) [z > 0];  da (4,) += sum dy r^i. */
static void TS(polyrelu_backward)(T *dz, T *da, const T *dy, const T *z, const T *a, size_t n)
{
    double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (size_t i = 0; i < n; i++) {
        T r = z[i] > 0 ? z[i] : (T)0;
        dz[i] = z[i] > 0 ? dy[i] * (a[1] + r * (2 * a[2] + 3 * a[3] * r)) : (T)0;
        s0 += dy[i];
        s1 += (double)dy[i] * r;
        s2 += (double)dy[i] * r * r;
        s3 += (double)dy[i] * r * r * r;
    }
    da[0] += (T)s0;
    da[1] += (T)s1;
    da[2] += (T)s2;
    da[3] += (T)s3;
}

/* PolyNorm: y_j = a0 + sum_{i=1..3} a_i x_j^i / r_i, r_i = sqrt(mean_j x_j^{2i} + eps), per row.
 * y, x (B, w); a (4,); rms (B, 3) saved for the backward pass. */
static void TS(polynorm_forward)(T *y, T *rms, const T *x, const T *a, size_t B, size_t w)
{
    for (size_t b = 0; b < B; b++) {
        const T *xr = x + b * w;
        double m[3] = { 0, 0, 0 };
        for (size_t j = 0; j < w; j++) {
            double v = xr[j], v2 = v * v;
            m[0] += v2;
            m[1] += v2 * v2;
            m[2] += v2 * v2 * v2;
        }
        T r[3];
        for (int i = 0; i < 3; i++) r[i] = (T)sqrt(m[i] / (double)w + UA_POLYNORM_EPS);
        for (int i = 0; i < 3; i++) rms[b * 3 + i] = r[i];
        for (size_t j = 0; j < w; j++) {
            T v = xr[j];
            y[b * w + j] = a[0] + a[1] * v / r[0] + a[2] * (v * v) / r[1] + a[3] * (v * v * v) / r[2];
        }
    }
}

/* Backward of PolyNorm: with n_i = x^i / r_i and dn_i = a_i dy,
 * dx_j = sum_i i x_j^(i-1) (dn_ij - n_ij mean_k(dn_ik n_ik)) / r_i;  da_0 += sum dy,
 * da_i += sum dy n_i. dx, dy, x (B, w); rms (B, 3); a, da (4,). */
static void TS(polynorm_backward)(T *dx, T *da, const T *dy, const T *x, const T *rms,
                                  const T *a, size_t B, size_t w)
{
    double sa[4] = { 0, 0, 0, 0 };
    for (size_t b = 0; b < B; b++) {
        const T *xr = x + b * w, *g = dy + b * w;
        const T *r = rms + b * 3;
        double dot[3] = { 0, 0, 0 };
        for (size_t j = 0; j < w; j++) {
            double v = xr[j], p = v;
            sa[0] += g[j];
            for (int i = 0; i < 3; i++, p *= v) {
                double nij = p / r[i];
                dot[i] += (double)a[i + 1] * g[j] * nij;
                sa[i + 1] += g[j] * nij;
            }
        }
        for (size_t j = 0; j < w; j++) {
            double v = xr[j], p = v, pm = 1, acc = 0;
            for (int i = 0; i < 3; i++) {
                double nij = p / r[i];
                double dp = ((double)a[i + 1] * g[j] - nij * dot[i] / (double)w) / r[i];
                acc += dp * (double)(i + 1) * pm;
                pm *= v;
                p *= v;
            }
            dx[b * w + j] = (T)acc;
        }
    }
    for (int i = 0; i < 4; i++) da[i] += (T)sa[i];
}

/* EvoNorm-S0: y_j = x_j sigmoid(v_j x_j) / s_g gamma_j + beta_j, s_g the standard deviation
 * (with eps) of group g of row b. y, x (B, w); v, gamma, beta (w,); sd (B, G) saved. */
static void TS(evonorm_forward)(T *y, T *sd, const T *x, const T *v, const T *gamma,
                                const T *beta, size_t B, size_t w, size_t G)
{
    size_t c = w / G;
    for (size_t b = 0; b < B; b++)
        for (size_t g = 0; g < G; g++) {
            const T *xg = x + b * w + g * c;
            double mu = 0, var = 0;
            for (size_t j = 0; j < c; j++) mu += xg[j];
            mu /= (double)c;
            for (size_t j = 0; j < c; j++) var += (xg[j] - mu) * (xg[j] - mu);
            double s = sqrt(var / (double)c + UA_EVONORM_EPS);
            sd[b * G + g] = (T)s;
            for (size_t j = 0; j < c; j++) {
                size_t jj = g * c + j;
                double u = xg[j] * ua_mlp_act_forward(UA_ACT_SIGMOID, 0, (double)v[jj] * xg[j]);
                y[b * w + jj] = (T)(u / s * gamma[jj] + beta[jj]);
            }
        }
}

/* Backward of EvoNorm-S0 (docs/mlp.md): dx (B, w) overwritten; dv, dgamma, dbeta (w,) +=. */
static void TS(evonorm_backward)(T *dx, T *dv, T *dgamma, T *dbeta, const T *dy, const T *x,
                                 const T *sd, const T *v, const T *gamma, size_t B, size_t w,
                                 size_t G)
{
    size_t c = w / G;
    for (size_t b = 0; b < B; b++)
        for (size_t g = 0; g < G; g++) {
            const T *xg = x + b * w + g * c, *dyg = dy + b * w + g * c;
            double s = sd[b * G + g], mu = 0, ds = 0;
            for (size_t j = 0; j < c; j++) mu += xg[j];
            mu /= (double)c;
            for (size_t j = 0; j < c; j++) {
                size_t jj = g * c + j;
                double sg = ua_mlp_act_forward(UA_ACT_SIGMOID, 0, (double)v[jj] * xg[j]);
                double u = xg[j] * sg;
                ds -= (double)dyg[j] * gamma[jj] * u / (s * s);
            }
            for (size_t j = 0; j < c; j++) {
                size_t jj = g * c + j;
                double xv = xg[j], vx = (double)v[jj] * xv;
                double sg = ua_mlp_act_forward(UA_ACT_SIGMOID, 0, vx);
                double sgd = ua_mlp_act_backward(UA_ACT_SIGMOID, 0, vx);
                double u = xv * sg;
                double du = (double)dyg[j] * gamma[jj] / s;
                dgamma[jj] += (T)((double)dyg[j] * u / s);
                dbeta[jj] += dyg[j];
                dv[jj] += (T)(du * xv * xv * sgd);
                dx[b * w + jj] = (T)(du * (sg + vx * sgd) + ds * (xv - mu) / ((double)c * s));
            }
        }
}
