/*
 * Models without an exact polynomial form (src/prove/taylor.h): handed to the grid-and-Lipschitz
 * prover of the networks. Until that prover is in the library (ua_prove_lipschitz_grid,
 * src/prove/lipschitz_grid.c), such models get proven = 0 with the reason.
 */
#include <stdio.h>

#include "taylor.h"

ua_status ua_prove_other(const ua_model *m, const ua_target *f, const ua_prove_options *o,
                         ua_proof *out)
{
    (void)f;
    (void)o;
    snprintf(out->why, sizeof out->why, "the family '%s' has no polynomial form, and the "
             "Lipschitz-grid prover is not in this build", ua_model_family(m));
    return UA_OK;
}
