/*
 * Losses, templated on T (see layers_t.h). Reduction "mean" as PyTorch's MSELoss and
 * CrossEntropyLoss: MSE = sum (p - y)^2 / (B k); CE = -sum_b log softmax(p_b)[y_b] / B.
 */

/* MSE of p (B, k) against y (B, k); dp (B, k) = 2 (p - y) / (B k) when dp is not NULL. */
static double TS(mse_forward_backward)(T *dp, const T *p, const T *y, size_t B, size_t k)
{
    double sum = 0, scale = 2.0 / (double)(B * k);
    for (size_t i = 0; i < B * k; i++) {
        double e = (double)p[i] - (double)y[i];
        sum += e * e;
        if (dp) dp[i] = (T)(scale * e);
    }
    return sum / (double)(B * k);
}

/* Softmax cross-entropy of logits p (B, C) against labels y (B,) (integers stored as T);
 * dp (B, C) = (softmax(p) - onehot(y)) / B when dp is not NULL; *correct counts argmax hits. */
static double TS(xent_forward_backward)(T *dp, const T *p, const T *y, size_t B, size_t C,
                                        size_t *correct)
{
    double sum = 0;
    size_t hits = 0;
    for (size_t b = 0; b < B; b++) {
        const T *pr = p + b * C;
        size_t lab = (size_t)y[b], arg = 0;
        double mx = pr[0];
        for (size_t c = 1; c < C; c++)
            if (pr[c] > mx) {
                mx = pr[c];
                arg = c;
            }
        hits += arg == lab;
        double se = 0;
        for (size_t c = 0; c < C; c++) se += exp((double)pr[c] - mx);
        double lse = mx + log(se);
        sum += lse - (double)pr[lab];
        if (dp)
            for (size_t c = 0; c < C; c++)
                dp[b * C + c] = (T)((exp((double)pr[c] - lse) - (c == lab)) / (double)B);
    }
    if (correct) *correct = hits;
    return sum / (double)B;
}

/* Gaussian negative log-likelihood of p (B, 2k) = (mu, s) against y (B, k), variance
 * v = softplus(s) + 1e-6: mean over the B k values of log(v) / 2 + (y - mu)^2 / (2 v) (PyTorch's
 * GaussianNLLLoss, full = False, reduction "mean"); dp = d/dp of that mean when dp is not NULL:
 * (mu - y) / (v B k) and (1 / v - (y - mu)^2 / v^2) sigmoid(s) / (2 B k). */
static double TS(gauss_forward_backward)(T *dp, const T *p, const T *y, size_t B, size_t k)
{
    double sum = 0, scale = 1.0 / (double)(B * k);
    for (size_t b = 0; b < B; b++)
        for (size_t j = 0; j < k; j++) {
            double mu = (double)p[b * 2 * k + j], s = (double)p[b * 2 * k + k + j];
            double e = mu - (double)y[b * k + j];
            double sp = fmax(s, 0.0) + log1p(exp(-fabs(s))), v = sp + UA_MLP_VAR_EPS;
            double sig = s >= 0 ? 1.0 / (1.0 + exp(-s)) : exp(s) / (1.0 + exp(s));
            sum += 0.5 * log(v) + 0.5 * e * e / v;
            if (dp) {
                dp[b * 2 * k + j] = (T)(scale * e / v);
                dp[b * 2 * k + k + j] = (T)(scale * 0.5 * (1.0 / v - e * e / (v * v)) * sig);
            }
        }
    return sum * scale;
}
