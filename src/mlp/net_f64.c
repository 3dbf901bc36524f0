/* The double instantiation of the network kernels (layers_t.h, loss_t.h, net_t.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>

#include "internal.h"

#define T double
#define TS(name) name##_f64
#define GEMM cblas_dgemm
#include "layers_t.h"
#include "loss_t.h"
#include "net_t.h"
