/* The float instantiation of the network kernels (layers_t.h, loss_t.h, net_t.h). */
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
#include "net_t.h"

