/*
 * src/mlp/compress.h — the compressed form of an mlp's dense weights (uniapprox/compress.h;
 * docs/compress.md): low-rank factors (compress.c) or power-exponent quantisation codes
 * (quant.c). A compressed network keeps its dense weights in params as the exact
 * reconstruction of the compressed form (U V in double rounded to the dtype, or the code's
 * level), so predict, the gradient and the bounds need no change; save writes the compressed
 * tensors instead of the dense ones, load rebuilds the dense ones from them, export writes C
 * that computes with the factors or the codes.
 */
#ifndef UA_MLP_COMPRESS_H
#define UA_MLP_COMPRESS_H

#include <stdint.h>
#include <stdio.h>
#include "uniapprox/compress.h"
#include "emit/emit.h"
#include "internal.h"

struct ua_mlp_comp {
    ua_compress_method method;
    int bits;                          /* quant: 8 or 4 */
    size_t rank[UA_MLP_MAX_LAYERS];    /* lowrank: r of layer l */
    double *u[UA_MLP_MAX_LAYERS];      /* lowrank: (out, r), values of the network's dtype */
    double *v[UA_MLP_MAX_LAYERS];      /* lowrank: (r, in) */
    int8_t *q[UA_MLP_MAX_LAYERS];      /* quant: (out, in) codes, |q| <= 2^(bits-1) - 1 */
    double step[UA_MLP_MAX_LAYERS];    /* quant: the uniform step of t = sign(w)|w|^a */
    double expo[UA_MLP_MAX_LAYERS];    /* quant: the exponent a */
};

void ua_mlp_comp_free(ua_mlp_comp *c);

/* The weight of code q: sign(q) (|q| step)^(1/a), rounded to float when esize is 4. */
double ua_mlp_quant_level(int q, double step, double a, size_t esize);

/* Quantises w (n,) to codes q (n,) with exponent a and bits: step = max |w|^a / qmax. */
void ua_mlp_quant_codes(const double *w, size_t n, double a, int bits, int8_t *q, double *step);

/*
 * NUPES per layer (quant.c): the exponent a from a grid on [0.25, 1.5] (plus 1 exactly) that
 * minimises || X (W - W_a)^T ||_F over the layer's calibration inputs X (nx, in) (NULL: the
 * weight error || W - W_a ||_F), W (out, in). *a, *step and q (out * in) are the chosen ones.
 */
ua_status ua_mlp_quant_search(const double *w, size_t out, size_t in, const double *X, size_t nx,
                              int bits, int search, double fixed_a, int8_t *q, double *step,
                              double *a);

/* The vtable's compress (src/model/family.h): lowrank (compress.c) or quant (quant.c). */
ua_status ua_mlp_compress(const void *state, const ua_compress_options *o, void **out,
                          ua_compress_report *rep);
ua_status ua_mlp_compress_quant(ua_mlp *m, const ua_compress_options *o, ua_compress_report *rep);

/* A copy of m (parameters, scalers, options), without optimiser state or compression. */
ua_status ua_mlp_clone(const ua_mlp *m, ua_mlp **out);

/* Writes the compressed form into m->params (the dense reconstruction). */
void ua_mlp_comp_apply(ua_mlp *m);

/* Whether tensor i of m is a dense weight that the compressed form replaces in a file. */
int ua_mlp_comp_replaces(const ua_mlp *m, size_t i);

/* Save / load the compressed tensors ("layers.{2l}.weight_u", "_v"; "_codes", "_step",
 * "_exponent") and the metadata "mlp_compress"; load validates them as untrusted input
 * (shapes, finiteness, code range, step > 0, exponent in [0.05, 4], rank <= min(out, in)) and
 * fills m->params. UA_EFORMAT on bad content. */
ua_status ua_mlp_comp_save(const ua_mlp *m, ua_st *st);
ua_status ua_mlp_comp_load(ua_mlp *m, const ua_st *st);

/* Export (export.c): the arrays of layer l's compressed weight, and the code computing z = W h
 * + b with them. */
void ua_mlp_comp_emit_arrays(const ua_emit *e, const ua_mlp *m, size_t l);
void ua_mlp_comp_emit_dense(const ua_emit *e, const ua_mlp *m, size_t l);

/* Bytes of the parameters as stored: the dtype's size per number, codes at bits / 8, and each
 * quantised layer's step and exponent as two doubles. */
size_t ua_mlp_comp_bytes(const ua_mlp *m);

#endif /* UA_MLP_COMPRESS_H */
