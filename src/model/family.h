/*
 * src/model/family.h — the family vtable (internal). A family plugs in with one ua_family constant
 * and one line in the registry (src/model/registry.c); the generic code never sees its internals.
 */
#ifndef UA_MODEL_FAMILY_H
#define UA_MODEL_FAMILY_H

#include <stdio.h>
#include <cjson/cJSON.h>
#include "uniapprox/model.h"

typedef struct ua_family {
    const char *name; /* "cheb", ... */

    /* Releases a state. Must accept NULL. */
    void (*free)(void *state);

    /* y (n, dout) at x (n, din), row-major (see dims). */
    ua_status (*predict)(const void *state, const double *x, size_t n, double *y);

    /* Adds the family's tensors (and family metadata keys, if any) to st. */
    ua_status (*save)(const void *state, ua_st *st);

    /* Builds a state from st's tensors, validating every shape and value (untrusted input);
     * lo, hi is the domain read from the metadata. UA_EFORMAT with a message on bad content. */
    ua_status (*load)(const ua_st *st, double lo, double hi, void **state);

    /* Writes C99 code defining `T name(T x)` (T double or float) to out; the generic exporter has
     * already written the header comment and `#include <math.h>`. */
    ua_status (*export_c)(const void *state, ua_export_type type, const char *name, FILE *out);

    /* Adds a human-oriented description (pieces, breakpoints, lengths, integral, ...) as fields of
     * obj; `info` prints them as text or JSON. */
    ua_status (*describe)(const void *state, cJSON *obj);

    /* Optional (NULL: none). The model's own points where its error is worth measuring besides a
     * uniform grid (Chebyshev points, knots, breakpoints), malloc'd into *pts (the caller frees);
     * *log_grid set to 1 when the dense grid should be uniform in ln x (log-mapped models). */
    ua_status (*natural_points)(const void *state, double **pts, size_t *n, int *log_grid);

    /* Optional (NULL: 1 and 1). The number of inputs and outputs of the model. */
    void (*dims)(const void *state, size_t *din, size_t *dout);
} ua_family;

/* The registered family called name, or NULL. */
const ua_family *ua_family_find(const char *name);

/* The family of a model (for the CLI's family-specific commands). */
const ua_family *ua_model_family_vtable(const ua_model *m);

/* Families, defined in their folders. */
extern const ua_family ua_family_cheb;
extern const ua_family ua_family_kernel;
extern const ua_family ua_family_minimax;
extern const ua_family ua_family_mlp;
extern const ua_family ua_family_rf;
extern const ua_family ua_family_seq;
extern const ua_family ua_family_spline;

#endif /* UA_MODEL_FAMILY_H */
