/*
 * Scalar activations and their derivatives, in forward/backward pairs (docs/mlp.md, "Activations").
 * Written once in double; an f32 network evaluates them in double and rounds the result, which
 * keeps float32 values within half an ulp of the exact ones even where a float formula would lose
 * digits (GELU's left tail, where erfc's argument error is amplified by 2 z^2). Every function is
 * finite wherever its limit is: the tails at +-inf are returned explicitly instead of computing
 * inf * 0, and exp is only ever called on -|x|, so it never overflows.
 */
#include <math.h>
#include <string.h>

#include "internal.h"

#define SQRT1_2 0.70710678118654752440  /* 1/sqrt(2) */
#define INV_SQRT_2PI 0.39894228040143267794 /* 1/sqrt(2 pi) */
#define SQRT_2_PI 0.79788456080286535588 /* sqrt(2/pi) */
#define GELU_C 0.044715

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

/* The tanh-GELU inner argument u(x) = sqrt(2/pi) (x + 0.044715 x^3), and 1 + tanh(u) = 2 sigmoid(2u). */
static double gelu_u(double x) { return SQRT_2_PI * (x + GELU_C * x * x * x); }

double ua_mlp_act_forward(ua_mlp_act a, double slope, double x)
{
    switch (a) {
    case UA_ACT_RELU: return x > 0 ? x : 0.0;
    case UA_ACT_LEAKY_RELU: return x > 0 ? x : slope * x;
    case UA_ACT_GELU: /* x Phi(x) = x erfc(-x / sqrt 2) / 2: erfc keeps the left tail accurate */
        if (isinf(x)) return x > 0 ? x : 0.0;
        return 0.5 * x * erfc(-x * SQRT1_2);
    case UA_ACT_GELU_TANH: /* x/2 (1 + tanh u) = x sigmoid(2u) */
        if (isinf(x)) return x > 0 ? x : 0.0;
        if (fabs(x) > 1e100) return x > 0 ? x : 0.0; /* u overflows; sigmoid is exactly 0 or 1 */
        return x * sigmoid(2.0 * gelu_u(x));
    case UA_ACT_SILU:
        if (isinf(x)) return x > 0 ? x : 0.0;
        return x * sigmoid(x);
    case UA_ACT_TANH: return tanh(x);
    case UA_ACT_SIGMOID: return sigmoid(x);
    case UA_ACT_SOFTPLUS: return fmax(x, 0.0) + log1p(exp(-fabs(x)));
    case UA_ACT_SIN: return sin(x);
    case UA_ACT_POLYRELU: /* with a_i = 1/3, the initial coefficients */
    {
        double r = x > 0 ? x : 0.0;
        return (r + r * r + r * r * r) / 3.0;
    }
    case UA_ACT_POLYNORM: return x; /* not a scalar activation: see layers_t.h */
    }
    return x;
}

double ua_mlp_act_backward(ua_mlp_act a, double slope, double x)
{
    switch (a) {
    case UA_ACT_RELU: return x > 0 ? 1.0 : 0.0;
    case UA_ACT_LEAKY_RELU: return x > 0 ? 1.0 : slope;
    case UA_ACT_GELU: /* Phi(x) + x phi(x) */
        if (isinf(x)) return x > 0 ? 1.0 : 0.0;
        if (fabs(x) > 1e150) return x > 0 ? 1.0 : 0.0; /* x^2 overflows; phi is exactly 0 */
        return 0.5 * erfc(-x * SQRT1_2) + x * INV_SQRT_2PI * exp(-0.5 * x * x);
    case UA_ACT_GELU_TANH: /* s + 2 x u'(x) s (1 - s), s = sigmoid(2u) */
    {
        if (isinf(x) || fabs(x) > 1e100) return x > 0 ? 1.0 : 0.0;
        double u = gelu_u(x);
        double du = SQRT_2_PI * (1.0 + 3.0 * GELU_C * x * x);
        double sd = sigmoid_d(2.0 * u);
        return sigmoid(2.0 * u) + (sd == 0.0 ? 0.0 : 2.0 * x * du * sd);
    }
    case UA_ACT_SILU: /* s + x s (1 - s) */
        if (isinf(x)) return x > 0 ? 1.0 : 0.0;
        return sigmoid(x) + x * sigmoid_d(x);
    case UA_ACT_TANH: /* sech^2 x = 4 e^-2|x| / (1 + e^-2|x|)^2, accurate in the tails */
    {
        double e = exp(-2.0 * fabs(x));
        return 4.0 * e / ((1.0 + e) * (1.0 + e));
    }
    case UA_ACT_SIGMOID: return sigmoid_d(x);
    case UA_ACT_SOFTPLUS: return sigmoid(x);
    case UA_ACT_SIN: return cos(x);
    case UA_ACT_POLYRELU:
    {
        double r = x > 0 ? x : 0.0;
        return x > 0 ? (1.0 + 2.0 * r + 3.0 * r * r) / 3.0 : 0.0;
    }
    case UA_ACT_POLYNORM: return 1.0;
    }
    return 1.0;
}

float ua_mlp_act_forward_f32(ua_mlp_act a, float slope, float x)
{
    return (float)ua_mlp_act_forward(a, (double)slope, (double)x);
}

float ua_mlp_act_backward_f32(ua_mlp_act a, float slope, float x)
{
    return (float)ua_mlp_act_backward(a, (double)slope, (double)x);
}

/* ---- names ---------------------------------------------------------------------------------- */

static const char *const act_names[] = {
    "relu", "leaky_relu", "gelu", "gelu_tanh", "silu", "tanh",
    "sigmoid", "softplus", "sin", "polyrelu", "polynorm",
};
static const char *const param_names[] = { "sp", "ntk", "mup" };
static const char *const optim_names[] = { "adam", "adamw", "sgd", "lbfgs" };
static const char *const sched_names[] = { "constant", "cosine", "warmup" };

#define NELEM(a) (sizeof a / sizeof a[0])

static ua_status parse_name(const char *what, const char *const *names, size_t n,
                            const char *name, int *v)
{
    for (size_t i = 0; name && i < n; i++)
        if (strcmp(names[i], name) == 0) {
            *v = (int)i;
            return UA_OK;
        }
    char list[256] = "";
    for (size_t i = 0; i < n; i++) {
        if (i) strncat(list, ", ", sizeof list - strlen(list) - 1);
        strncat(list, names[i], sizeof list - strlen(list) - 1);
    }
    return UA_ERR(UA_ENOTFOUND, "unknown %s '%s' (available: %s)", what, name ? name : "(null)",
                  list);
}

ua_status ua_mlp_act_parse(const char *name, ua_mlp_act *a)
{
    int v = 0;
    ua_status s = parse_name("activation", act_names, NELEM(act_names), name, &v);
    if (!s) *a = (ua_mlp_act)v;
    return s;
}
const char *ua_mlp_act_name(ua_mlp_act a)
{
    return (unsigned)a < NELEM(act_names) ? act_names[a] : "?";
}
ua_status ua_mlp_param_parse(const char *name, ua_mlp_param *p)
{
    int v = 0;
    ua_status s = parse_name("parametrisation", param_names, NELEM(param_names), name, &v);
    if (!s) *p = (ua_mlp_param)v;
    return s;
}
const char *ua_mlp_param_name(ua_mlp_param p)
{
    return (unsigned)p < NELEM(param_names) ? param_names[p] : "?";
}
ua_status ua_mlp_optim_parse(const char *name, ua_mlp_optim *o)
{
    int v = 0;
    ua_status s = parse_name("optimiser", optim_names, NELEM(optim_names), name, &v);
    if (!s) *o = (ua_mlp_optim)v;
    return s;
}
const char *ua_mlp_optim_name(ua_mlp_optim o)
{
    return (unsigned)o < NELEM(optim_names) ? optim_names[o] : "?";
}
ua_status ua_mlp_schedule_parse(const char *name, ua_mlp_schedule *sc)
{
    int v = 0;
    ua_status s = parse_name("schedule", sched_names, NELEM(sched_names), name, &v);
    if (!s) *sc = (ua_mlp_schedule)v;
    return s;
}
const char *ua_mlp_schedule_name(ua_mlp_schedule s)
{
    return (unsigned)s < NELEM(sched_names) ? sched_names[s] : "?";
}
