/*
 * uniapprox.h — universal function approximation in C11.
 *
 * Hand uniapprox a function (an expression, a built-in, your own C code, or samples); it builds an
 * approximation that meets the accuracy asked for, measures that accuracy against an MPFR
 * reference, and emits a standalone C implementation.
 *
 * A whole path through the library:
 *
 *     ua_target *t;   ua_target_parse("erf(x)", NULL, 0, &t);
 *     ua_cheb *c;     ua_cheb_fit(ua_target_fn1, t, -4, 4, NULL, &c);
 *     ua_errors err;  ua_verify_1d(ua_cheb_fn1, c, t, -4, 4, NULL, &err);
 *     ua_model *m;    ua_model_wrap("cheb", c, "erf(x)", -4, 4, &m);   // m owns c now
 *     ua_model_save(m, "erf.safetensors");
 *     ua_model_export_c(m, UA_EXPORT_DOUBLE, "erf_approx", "erf_approx.c");
 *     ua_model_free(m); ua_target_free(t);
 *
 * Conventions (every module):
 *   - functions that can fail return ua_status (UA_OK == 0) and write results through trailing
 *     out-pointers; ua_last_error() gives the message. The library never prints or exits.
 *   - arrays are row-major; a 2-D array of n points in d dimensions has shape (n, d).
 *   - inputs are const and borrowed unless a comment says "copies" or "takes ownership";
 *     objects made by ua_x_alloc / _fit / _parse / _load are released by ua_x_free, which
 *     accepts NULL.
 *   - enums grow by appending only.
 *
 * Modules: status (errors), target (expressions, built-ins, MPFR reference), cheb (adaptive
 * Chebyshev), verify (error measurement), exhaustive (every float32 against the correctly
 * rounded reference; compiling C kernels), model (generic model, safetensors file, C export),
 * data (sample files, splits, standardisation), mlp (multilayer perceptrons fitted to
 * samples), spline (cubic splines with adaptive knots, AutoKnots; splines through samples),
 * kernel (kernel ridge regression with rbf ... NTK / NNGP kernels, Nystrom), rf (random-feature
 * networks: frozen random hidden layer, ridge output layer), seq (sequence models), graphs
 * (graph data), pde (PDE problems), prove (proven error bounds, Arb), distill (a model fitted to
 * another's predictions), compress (smaller networks), libm (complete float32 functions
 * generated as C), and the rest listed below: every public header is included here.
 */
#ifndef UNIAPPROX_H
#define UNIAPPROX_H

#define UA_VERSION_MAJOR 0
#define UA_VERSION_MINOR 1
#define UA_VERSION_PATCH 0
#define UA_VERSION_STRING "0.1.0"

#include "uniapprox/status.h"
#include "uniapprox/version.h"
#include "uniapprox/target.h"
#include "uniapprox/options.h"
#include "uniapprox/problem.h"
#include "uniapprox/chebtech.h"
#include "uniapprox/cheb.h"
#include "uniapprox/verify.h"
#include "uniapprox/exhaustive.h"
#include "uniapprox/minimax.h"
#include "uniapprox/mlp.h"
#include "uniapprox/model.h"
#include "uniapprox/data.h"
#include "uniapprox/blocks.h"
#include "uniapprox/spline.h"
#include "uniapprox/kernel.h"
#include "uniapprox/rf.h"
#include "uniapprox/seq.h"
#include "uniapprox/lipschitz.h"
#include "uniapprox/explain.h"
#include "uniapprox/metrics.h"
#include "uniapprox/holdout.h"
#include "uniapprox/dist.h"
#include "uniapprox/graphs.h"
#include "uniapprox/pde.h"
#include "uniapprox/prove.h"
#include "uniapprox/distill.h"
#include "uniapprox/compress.h"
#include "uniapprox/libm.h"

#endif /* UNIAPPROX_H */
