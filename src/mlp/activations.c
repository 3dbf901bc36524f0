/*
 * The mlp family's activations: the scalar ones are src/train's (shared with seq; their enum
 * values are ua_mlp_act's, checked below), PolyReLU with its initial coefficients here, and the
 * names of the enums of uniapprox/mlp.h.
 */
#include <math.h>
#include <string.h>

#include "internal.h"

#define SAME(a, b) ((int)(a) == (int)(b))
_Static_assert(SAME(UA_ACT_RELU, UA_TRAIN_RELU) && SAME(UA_ACT_LEAKY_RELU, UA_TRAIN_LEAKY_RELU) &&
                   SAME(UA_ACT_GELU, UA_TRAIN_GELU) && SAME(UA_ACT_GELU_TANH, UA_TRAIN_GELU_TANH) &&
                   SAME(UA_ACT_SILU, UA_TRAIN_SILU) && SAME(UA_ACT_TANH, UA_TRAIN_TANH) &&
                   SAME(UA_ACT_SIGMOID, UA_TRAIN_SIGMOID) &&
                   SAME(UA_ACT_SOFTPLUS, UA_TRAIN_SOFTPLUS) && SAME(UA_ACT_SIN, UA_TRAIN_SIN) &&
                   SAME(UA_ACT_POLYRELU, UA_TRAIN_NACT),
               "ua_mlp_act's scalar activations are src/train's");
_Static_assert(SAME(UA_SCHED_CONSTANT, UA_TRAIN_SCHED_CONSTANT) &&
                   SAME(UA_SCHED_COSINE, UA_TRAIN_SCHED_COSINE) &&
                   SAME(UA_SCHED_WARMUP, UA_TRAIN_SCHED_WARMUP),
               "ua_mlp_schedule is src/train's");

double ua_mlp_act_forward(ua_mlp_act a, double slope, double x)
{
    if (a == UA_ACT_POLYRELU) { /* with a_i = 1/3, the initial coefficients */
        double r = x > 0 ? x : 0.0;
        return (r + r * r + r * r * r) / 3.0;
    }
    if (a == UA_ACT_POLYNORM) return x; /* not a scalar activation: see layers_t.h */
    return ua_train_act_forward((int)a, slope, x);
}

double ua_mlp_act_backward(ua_mlp_act a, double slope, double x)
{
    if (a == UA_ACT_POLYRELU) {
        double r = x > 0 ? x : 0.0;
        return x > 0 ? (1.0 + 2.0 * r + 3.0 * r * r) / 3.0 : 0.0;
    }
    if (a == UA_ACT_POLYNORM) return 1.0;
    return ua_train_act_backward((int)a, slope, x);
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
