/*
 * uniapprox/version.h — the library's version and the versions of the libraries it was built with
 * and runs with (what `uniapprox --version` prints; a bug report should quote it).
 */
#ifndef UNIAPPROX_VERSION_H
#define UNIAPPROX_VERSION_H

#include <stddef.h>
#include "uniapprox/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The version of the library that is running, "MAJOR.MINOR.PATCH" (static storage). It equals
 * UA_VERSION_STRING of uniapprox.h when the program was compiled against the same release. */
const char *ua_version(void);

/* One library uniapprox depends on. Strings are static storage. */
typedef struct {
    const char *name;     /* "MPFR", "GMP", "OpenBLAS", "LAPACK", "FFTW", "cJSON", "OpenMP",
                             "compiler", "Arb", "FLINT" */
    const char *compiled; /* the version of its headers when uniapprox was compiled ("4.2.0");
                             "" when its headers do not say */
    const char *running;  /* the version of the library loaded now, as the library itself reports
                             it ("4.2.0"; OpenBLAS: its configuration line, "0.3.21 DYNAMIC_ARCH
                             NO_AFFINITY Haswell MAX_THREADS=64"); "" when it has no
                             call for it (OpenMP, the compiler) */
} ua_component;

/* The number of components ua_version_component lists. */
size_t ua_version_components(void);

/*
 * The i-th component (i < ua_version_components()) into *out, in the order MPFR, GMP, OpenBLAS,
 * LAPACK, FFTW, cJSON, OpenMP, compiler, Arb, FLINT. The running versions are read once, on the first call
 * (thread-safe). A compiled and a running version that differ mean the program runs against
 * other shared libraries than it was built with (no error: the caller decides).
 * Errors: UA_EINVAL (out NULL), UA_ENOTFOUND (i past the end).
 */
ua_status ua_version_component(size_t i, ua_component *out);

#ifdef __cplusplus
}
#endif
#endif /* UNIAPPROX_VERSION_H */
