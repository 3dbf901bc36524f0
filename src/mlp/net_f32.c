/* The float instantiation of the network kernels (layers_t.h, loss_t.h, optim_t.h, net_t.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>

#include "internal.h"

#define T float
#define TS(name) name##_f32
#define GEMM cblas_sgemm
#include "layers_t.h"
#include "loss_t.h"
#include "optim_t.h"
#include "net_t.h"

void ua_mlp_adam_f32(float *p, const float *g, float *m1, float *m2, size_t n, double lr,
                     double b1, double b2, double eps, double wd, int decoupled, size_t t)
{
    adam_update_f32(p, g, m1, m2, n, lr, b1, b2, eps, wd, decoupled, t);
}
