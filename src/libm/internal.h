/* src/libm/internal.h — the generators of `uniapprox libm` (one file per function family). */
#ifndef UA_LIBM_INTERNAL_H
#define UA_LIBM_INTERNAL_H

#include "uniapprox/libm.h"

/* Defined in their files; each has one line in registry.c's sorted table. */

#endif
