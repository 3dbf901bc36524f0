/*
 * uniapprox/compress.h — smaller models with a measured loss of accuracy (docs/compress.md).
 *
 * Methods (a family implements them through its vtable's compress hook; today the mlp family):
 *   lowrank  each dense weight W (out, in) replaced by factors U (out, r), V (r, in) from its SVD
 *            truncated to a rank or to a fraction of its energy, then optionally fine-tuned on
 *            data with a nuclear-norm regulariser, truncating again after every epoch (Trained
 *            Rank Pruning: Xu et al., "TRP: Trained Rank Pruning for Efficient Deep Neural
 *            Networks", IJCAI 2020).
 *   quant8,  each dense weight stored as b-bit signed codes q in [-(2^(b-1) - 1), 2^(b-1) - 1]
 *   quant4   with one step and one exponent a per layer: t = sign(w) |w|^a is quantised
 *            uniformly, q = round(t / step), and w' = sign(q) (|q| step)^(1/a); a is searched per
 *            layer to minimise the layer's output error on calibration inputs (NUPES: Yvinec et
 *            al., "NUPES: Non-Uniform Post-Training Quantization via Power Exponent Search",
 *            2023). a = 1 is plain symmetric uniform quantisation. Biases stay in the
 *            network's dtype.
 */
#ifndef UNIAPPROX_COMPRESS_H
#define UNIAPPROX_COMPRESS_H

#include <stddef.h>
#include <stdint.h>
#include "uniapprox/model.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum { UA_COMPRESS_LOWRANK = 0, UA_COMPRESS_QUANT8 = 1, UA_COMPRESS_QUANT4 = 2 } ua_compress_method;

/* Start from ua_compress_options_default. */
typedef struct ua_compress_options_s {
    ua_compress_method method;
    size_t rank;             /* lowrank: the rank of every layer (0: by energy); capped at
                                min(out, in) */
    double energy;           /* lowrank, rank 0: the least r with sum_{i<r} s_i^2 >= energy *
                                sum s_i^2 (default 0.99) */
    size_t epochs;           /* lowrank: fine-tuning epochs on x, y (0: none; default 0) */
    double nuclear;          /* lowrank: weight of the nuclear-norm regulariser while
                                fine-tuning, per unit of the standardised loss (default 1e-4) */
    double lr;               /* lowrank: fine-tuning Adam learning rate (default 1e-3) */
    int search;              /* quant: search the exponent per layer (NUPES, default 1);
                                0: exponent below for every layer */
    double exponent;         /* quant without search (default 1: uniform) */
    const double *x, *y;     /* (n, d), (n, k) data in the model's units: calibration inputs
                                (quant; NULL: the search minimises the weight error instead),
                                fine-tuning rows (lowrank) */
    size_t n;
    uint64_t seed;           /* fine-tuning minibatches (default 1) */
} ua_compress_options;

void ua_compress_options_default(ua_compress_options *o);

/* What a compression did. */
typedef struct ua_compress_report_s {
    size_t params_before, params_after;  /* stored numbers (codes count as one each) */
    size_t bytes_before, bytes_after;    /* bytes of parameters: the network's dtype, codes at
                                            bits / 8, per-layer step and exponent as doubles */
    size_t layers;
    size_t rank[16];                     /* lowrank: each layer's rank (first 16 layers) */
    double exponent[16];                 /* quant: each layer's exponent a */
} ua_compress_report;

/*
 * A compressed copy of m into *out (m is unchanged): same family, dims, box and metadata, plus
 * "compress" (the method), "compressed_bytes" and "original_bytes". The copy predicts with the
 * compressed weights, saves them in compressed form (and loads them, validated) and exports C
 * that uses them. Errors: UA_EUNSUPPORTED ("the kernel family has no compression"; a method the
 * family lacks), UA_EINVAL (bad options: energy not in (0, 1], nuclear < 0, lr <= 0, exponent
 * not in [0.05, 4], data of the wrong width or not finite, epochs without data), UA_ENOMEM.
 */
ua_status ua_model_compress(const ua_model *m, const ua_compress_options *o, ua_model **out,
                            ua_compress_report *rep);

/* The method's name ("lowrank", "quant8", "quant4") and the reverse (UA_EINVAL). */
const char *ua_compress_method_name(ua_compress_method m);
ua_status ua_compress_method_parse(const char *s, ua_compress_method *m);

#ifdef __cplusplus
}
#endif
#endif /* UNIAPPROX_COMPRESS_H */
