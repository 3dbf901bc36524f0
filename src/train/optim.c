/*
 * First-order optimiser steps on a flat parameter buffer (train.h), one function per scalar type:
 * Adam / AdamW in PyTorch 1.13's arithmetic (so that the tests that replay a PyTorch step match
 * to rounding) and SGD with heavy-ball momentum in PyTorch's form. A learner calls them once per
 * tensor, with that tensor's learning-rate factor (muP) and weight-decay flag.
 */
#include <math.h>

#include "train.h"

/* The same loop for float and double: T the scalar type, SQRT its square root. In float, sqrtf
 * equals the double sqrt rounded to float bit for bit (double rounding is innocuous for sqrt when
 * the wider format has >= 2p + 2 bits: 53 >= 2 * 24 + 2, Figueroa 1995), and vectorises at twice
 * the width without the conversions: the update was 8-10% of the large network's training time. */
#define ADAM_BODY(T, SQRT)                                                                  \
    double bc1 = 1.0 - pow(b1, (double)t), bc2s = sqrt(1.0 - pow(b2, (double)t));          \
    T step = (T)(lr / bc1);                                                                 \
    for (size_t i = 0; i < n; i++) {                                                        \
        T gi = g[i];                                                                        \
        if (wd != 0 && decoupled) p[i] *= (T)(1.0 - lr * wd);                              \
        else if (wd != 0) gi += (T)wd * p[i];                                               \
        m1[i] = (T)b1 * m1[i] + (T)(1.0 - b1) * gi;                                         \
        m2[i] = (T)b2 * m2[i] + (T)(1.0 - b2) * gi * gi;                                    \
        T denom = SQRT(m2[i]) / (T)bc2s + (T)eps;                                           \
        p[i] -= step * m1[i] / denom;                                                       \
    }

#define SGD_BODY(T)                                                                         \
    for (size_t i = 0; i < n; i++) {                                                        \
        T gi = g[i] + (wd != 0 ? (T)wd * p[i] : (T)0);                                      \
        if (mu != 0) {                                                                      \
            buf[i] = t == 1 ? gi : (T)mu * buf[i] + gi;                                     \
            gi = buf[i];                                                                    \
        }                                                                                   \
        p[i] -= (T)lr * gi;                                                                 \
    }

/* Built with -fno-math-errno (CMakeLists.txt): m2 >= 0 (or NaN), so sqrt never sets errno, and
 * without the errno path the loop vectorises (it was scalar, a sqrtf call per element). */
UA_MULTIVERSION
void ua_train_adam_f32(float *p, const float *g, float *m1, float *m2, size_t n, double lr,
                       double b1, double b2, double eps, double wd, int decoupled, size_t t)
{
    ADAM_BODY(float, sqrtf)
}

UA_MULTIVERSION
void ua_train_adam_f64(double *p, const double *g, double *m1, double *m2, size_t n, double lr,
                       double b1, double b2, double eps, double wd, int decoupled, size_t t)
{
    ADAM_BODY(double, sqrt)
}

void ua_train_sgd_f32(float *p, const float *g, float *buf, size_t n, double lr, double mu,
                      double wd, size_t t)
{
    SGD_BODY(float)
}

void ua_train_sgd_f64(double *p, const double *g, double *buf, size_t n, double lr, double mu,
                      double wd, size_t t)
{
    SGD_BODY(double)
}
