/*
 * ua_model_prove (uniapprox/prove.h): the defaults, the checks, and the choice of the prover from
 * what the model's family offers — its exact polynomial form (ua_family.pieces: Taylor models,
 * src/prove/taylor.c), an n-D Taylor-model form (ua_family_bounds.taylor: chebnd, sparse;
 * src/prove/tm_prove.c) or else the Lipschitz grid of the networks (ua_prove_lipschitz_grid).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/internal.h"
#include "taylor.h"
#include "prove/tm.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

ua_status ua_model_prove(const ua_model *m, const ua_target *f, const ua_prove_options *o,
                         ua_proof *out)
{
    if (!m || !f || !out) return UA_ERR(UA_EINVAL, "prove: NULL argument");
    memset(out, 0, sizeof *out);
    out->bound = INFINITY;
    ua_prove_options opt = { 1.1, 60.0, (size_t)1 << 16, 0 };
    if (o) {
        opt.tm_degree = o->tm_degree;
        if (o->target_ratio != 0.0) opt.target_ratio = o->target_ratio;
        if (o->time_limit != 0.0) opt.time_limit = o->time_limit;
        if (o->max_pieces != 0) opt.max_pieces = o->max_pieces;
    }
    if (!(opt.target_ratio >= 1.0) || !(opt.time_limit > 0.0) || !isfinite(opt.target_ratio))
        return UA_ERR(UA_EINVAL, "prove: target_ratio must be >= 1 and time_limit > 0 (got %g, %g)",
                      opt.target_ratio, opt.time_limit);
    size_t din = 1, dout = 1;
    ua_model_dims(m, &din, &dout);
    if (ua_target_dim(f) != din)
        return UA_ERR(UA_EINVAL, "prove: the formula has %zu variable%s, the model %zu input%s",
                      ua_target_dim(f), ua_target_dim(f) == 1 ? "" : "s", din,
                      din == 1 ? "" : "s");
    if (dout != 1) {
        snprintf(out->why, sizeof out->why, "the model has %zu outputs (one is proven)", dout);
        return UA_OK;
    }
    double t0 = now();
    const ua_family *fam = ua_model_family_vtable(m);
    ua_status s = UA_OK;
    if (fam && fam->pieces && din == 1) {
        ua_poly_piece *pc = NULL;
        size_t npc = 0;
        s = fam->pieces(ua_model_state(m), &pc, &npc);
        if (s == UA_EUNSUPPORTED) {
            snprintf(out->method, sizeof out->method, "taylor-model");
            ua_last_error_message(out->why, sizeof out->why);
            s = UA_OK;
        } else if (!s) {
            s = ua_prove_taylor_pieces(m, f, pc, npc, &opt, out);
        }
        free(pc);
    } else if (fam && fam->bounds && fam->bounds->taylor && din >= 2) {
        s = ua_prove_taylor_nd(m, f, &opt, out);
    } else {
        s = ua_prove_lipschitz_grid(m, f, &opt, out);
    }
    out->seconds = now() - t0;
    if (!out->proven) out->bound = INFINITY;
    return s;
}
