/*
 * First-order optimiser updates, templated on T (see layers_t.h): one loop over the flat
 * parameter buffer per tensor (each tensor has its own muP learning-rate factor and weight-decay
 * flag). L-BFGS is in optim.c.
 */

/* Adam / AdamW (PyTorch 1.13's arithmetic): m1 = b1 m1 + (1-b1) g, m2 = b2 m2 + (1-b2) g^2,
 * p -= lr / (1 - b1^t) * m1 / (sqrt(m2) / sqrt(1 - b2^t) + eps); AdamW first p *= 1 - lr wd,
 * Adam adds wd p to g. p, g, m1, m2 (n,). */
UA_MULTIVERSION
static void TS(adam_update)(T *p, const T *g, T *m1, T *m2, size_t n, double lr, double b1,
                            double b2, double eps, double wd, int decoupled, size_t t)
{
    double bc1 = 1.0 - pow(b1, (double)t), bc2s = sqrt(1.0 - pow(b2, (double)t));
    T step = (T)(lr / bc1);
    for (size_t i = 0; i < n; i++) {
        T gi = g[i];
        if (wd != 0 && decoupled) p[i] *= (T)(1.0 - lr * wd);
        else if (wd != 0) gi += (T)wd * p[i];
        m1[i] = (T)b1 * m1[i] + (T)(1.0 - b1) * gi;
        m2[i] = (T)b2 * m2[i] + (T)(1.0 - b2) * gi * gi;
        T denom = (T)sqrt((double)m2[i]) / (T)bc2s + (T)eps;
        p[i] -= step * m1[i] / denom;
    }
}

/* SGD with momentum (PyTorch's form): buf = g on the first step, then mu buf + g; p -= lr buf.
 * L2 weight decay adds wd p to g. p, g, buf (n,). */
static void TS(sgd_update)(T *p, const T *g, T *buf, size_t n, double lr, double mu, double wd,
                           size_t t)
{
    for (size_t i = 0; i < n; i++) {
        T gi = g[i] + (wd != 0 ? (T)wd * p[i] : (T)0);
        if (mu != 0) {
            buf[i] = t == 1 ? gi : (T)mu * buf[i] + gi;
            gi = buf[i];
        }
        p[i] -= (T)lr * gi;
    }
}
