/*
 * Scalar activations and their derivatives, in forward/backward pairs (docs/mlp.md,
 * "Activations"), shared by the mlp and seq families. Written once in double; a float32 network
 * evaluates them in double and rounds the result, which keeps float32 values within half an ulp of
 * the exact ones even where a float formula would lose digits (GELU's left tail, where erfc's
 * argument error is amplified by 2 z^2). Every function is finite wherever its limit is: the tails
 * at +-inf are returned explicitly instead of computing inf * 0, and exp is only ever called on
 * -|x|, so it never overflows.
 */
#include <math.h>
#include <string.h>

#include "train.h"

#define SQRT1_2 0.70710678118654752440      /* 1/sqrt(2) */
#define INV_SQRT_2PI 0.39894228040143267794 /* 1/sqrt(2 pi) */
#define SQRT_2_PI 0.79788456080286535588    /* sqrt(2/pi) */
#define GELU_C 0.044715                     /* Hendrycks & Gimpel 2016, the tanh form */

/* sigmoid(x) = 1 / (1 + e^-x), from e^-|x| so that exp never overflows. */
static double sigmoid(double x)
{
    double e = exp(-fabs(x));
    return x >= 0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
}

/* sigmoid'(x) = sigmoid(x) sigmoid(-x) = e^-|x| / (1 + e^-|x|)^2 */
static double sigmoid_d(double x)
{
    double e = exp(-fabs(x));
    return e / ((1.0 + e) * (1.0 + e));
}

/* The tanh-GELU inner argument u(x) = sqrt(2/pi) (x + 0.044715 x^3); 1 + tanh(u) = 2 sigmoid(2u). */
static double gelu_u(double x) { return SQRT_2_PI * (x + GELU_C * x * x * x); }

double ua_train_act_forward(int a, double slope, double x)
{
    switch (a) {
    case UA_TRAIN_RELU: return x > 0 ? x : 0.0;
    case UA_TRAIN_LEAKY_RELU: return x > 0 ? x : slope * x;
    case UA_TRAIN_GELU: /* x Phi(x) = x erfc(-x / sqrt 2) / 2: erfc keeps the left tail accurate */
        if (isinf(x)) return x > 0 ? x : 0.0;
        return 0.5 * x * erfc(-x * SQRT1_2);
    case UA_TRAIN_GELU_TANH: /* x/2 (1 + tanh u) = x sigmoid(2u) */
        if (isinf(x)) return x > 0 ? x : 0.0;
        if (fabs(x) > 1e100) return x > 0 ? x : 0.0; /* u overflows; sigmoid is exactly 0 or 1 */
        return x * sigmoid(2.0 * gelu_u(x));
    case UA_TRAIN_SILU:
        if (isinf(x)) return x > 0 ? x : 0.0;
        return x * sigmoid(x);
    case UA_TRAIN_TANH: return tanh(x);
    case UA_TRAIN_SIGMOID: return sigmoid(x);
    case UA_TRAIN_SOFTPLUS: return fmax(x, 0.0) + log1p(exp(-fabs(x)));
    case UA_TRAIN_SIN: return sin(x);
    }
    return x;
}

double ua_train_act_backward(int a, double slope, double x)
{
    switch (a) {
    case UA_TRAIN_RELU: return x > 0 ? 1.0 : 0.0;
    case UA_TRAIN_LEAKY_RELU: return x > 0 ? 1.0 : slope;
    case UA_TRAIN_GELU: /* Phi(x) + x phi(x) */
        if (isinf(x)) return x > 0 ? 1.0 : 0.0;
        if (fabs(x) > 1e150) return x > 0 ? 1.0 : 0.0; /* x^2 overflows; phi is exactly 0 */
        return 0.5 * erfc(-x * SQRT1_2) + x * INV_SQRT_2PI * exp(-0.5 * x * x);
    case UA_TRAIN_GELU_TANH: /* s + 2 x u'(x) s (1 - s), s = sigmoid(2u) */
    {
        if (isinf(x) || fabs(x) > 1e100) return x > 0 ? 1.0 : 0.0;
        double u = gelu_u(x);
        double du = SQRT_2_PI * (1.0 + 3.0 * GELU_C * x * x);
        double sd = sigmoid_d(2.0 * u);
        return sigmoid(2.0 * u) + (sd == 0.0 ? 0.0 : 2.0 * x * du * sd);
    }
    case UA_TRAIN_SILU: /* s + x s (1 - s) */
        if (isinf(x)) return x > 0 ? 1.0 : 0.0;
        return sigmoid(x) + x * sigmoid_d(x);
    case UA_TRAIN_TANH: /* sech^2 x = 4 e^-2|x| / (1 + e^-2|x|)^2, accurate in the tails */
    {
        double e = exp(-2.0 * fabs(x));
        return 4.0 * e / ((1.0 + e) * (1.0 + e));
    }
    case UA_TRAIN_SIGMOID: return sigmoid_d(x);
    case UA_TRAIN_SOFTPLUS: return sigmoid(x);
    case UA_TRAIN_SIN: return cos(x);
    }
    return 1.0;
}

static const char *const act_names[UA_TRAIN_NACT] = {
    "relu", "leaky_relu", "gelu", "gelu_tanh", "silu", "tanh", "sigmoid", "softplus", "sin",
};

const char *ua_train_act_name(int a)
{
    return a >= 0 && a < UA_TRAIN_NACT ? act_names[a] : "?";
}

ua_status ua_train_act_parse(const char *name, int *a)
{
    for (int i = 0; name && i < UA_TRAIN_NACT; i++)
        if (!strcmp(act_names[i], name)) {
            *a = i;
            return UA_OK;
        }
    return UA_ERR(UA_ENOTFOUND, "unknown activation '%s' (available: %s)", name ? name : "(null)",
                  "relu, leaky_relu, gelu, gelu_tanh, silu, tanh, sigmoid, softplus, sin");
}
