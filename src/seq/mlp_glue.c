/*
 * The mlp family's optimiser and schedule, reused (never copied): the Adam/AdamW update template
 * of src/mlp/optim_t.h instantiated for float, and ua_mlp_lr_at through a ua_mlp_options holding
 * the seq options' learning-rate fields. (To move: once src/mlp exposes a float Adam step as a
 * function, call it here instead of instantiating the template.)
 */
#include <math.h>
#include <stddef.h>
#include <string.h>

#include "internal.h"
#include "mlp/internal.h"

#define T float
#define TS(name) name##_seq
#include "mlp/optim_t.h"
#undef T
#undef TS

void ua_seq_adam_update(float *p, const float *g, float *m1, float *m2, size_t n, double lr,
                        double b1, double b2, double eps, double wd, int decoupled, size_t t)
{
    adam_update_seq(p, g, m1, m2, n, lr, b1, b2, eps, wd, decoupled, t);
    (void)sgd_update_seq; /* instantiated with the template, unused here */
}

double ua_seq_lr_at(const ua_seq_options *o, size_t t, size_t T_)
{
    ua_mlp_options mo;
    memset(&mo, 0, sizeof mo);
    mo.lr = o->lr;
    mo.schedule = o->schedule;
    mo.warmup = o->warmup;
    return ua_mlp_lr_at(&mo, t, T_);
}
