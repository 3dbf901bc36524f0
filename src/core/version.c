/*
 * The library's version and its dependencies' versions (uniapprox/version.h): each one as its
 * headers said when this file was compiled, and as the loaded library reports it now.
 */
#include <arb.h>
#include <cblas.h>
#include <cjson/cJSON.h>
#include <fftw3.h>
#include <flint/flint.h>
#include <gmp.h>
#include <lapack.h>
#include <mpfr.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "uniapprox/version.h"

/* The version of the project (CMake's project(VERSION)), passed by the build; uniapprox.h holds
 * the same string for programs compiled against it. */
#ifndef UA_LIBRARY_VERSION
#define UA_LIBRARY_VERSION "0.1.0"
#endif

#define STR_(x) #x
#define STR(x) STR_(x)
#ifdef UA_HAVE_MPI
#include <mpi.h>
#ifdef UA_HAVE_SCALAPACK
#define NCOMPONENTS 12 /* and ScaLAPACK, in a build with it (src/kernel/dist.c) */
#else
#define NCOMPONENTS 11 /* and MPI, in a build with it (uniapprox/dist.h) */
#endif
#else
#define NCOMPONENTS 10
#endif

static ua_component components[NCOMPONENTS];
static char openblas_compiled[32], openblas_running[160], lapack_running[32], cjson_running[32];
static char fftw_running[64], openmp_compiled[32];
static pthread_once_t once = PTHREAD_ONCE_INIT;

/* Copies s into buf without the blanks around it (OpenBLAS's macro is " OpenBLAS 0.3.21 ", its
 * configuration line ends with a blank). */
static const char *trimmed(char *buf, size_t len, const char *s)
{
    if (!s) s = "";
    while (*s == ' ') s++;
    snprintf(buf, len, "%s", s);
    size_t n = strlen(buf);
    while (n && (buf[n - 1] == ' ' || buf[n - 1] == '\n')) buf[--n] = '\0';
    return buf;
}

static void fill(void)
{
#ifdef OPENBLAS_VERSION
    trimmed(openblas_compiled, sizeof openblas_compiled, OPENBLAS_VERSION);
    /* "OpenBLAS 0.3.21" -> "0.3.21", like the others */
    if (!strncmp(openblas_compiled, "OpenBLAS ", 9))
        memmove(openblas_compiled, openblas_compiled + 9, strlen(openblas_compiled + 9) + 1);
#endif
    const char *config = openblas_get_config();
    if (config && !strncmp(config, "OpenBLAS ", 9)) config += 9;
    trimmed(openblas_running, sizeof openblas_running, config);
    int major = 0, minor = 0, patch = 0;
    LAPACK_ilaver(&major, &minor, &patch);
    snprintf(lapack_running, sizeof lapack_running, "%d.%d.%d", major, minor, patch);
    trimmed(cjson_running, sizeof cjson_running, cJSON_Version());
    /* "fftw-3.3.10-sse2-avx" -> "3.3.10-sse2-avx" */
    trimmed(fftw_running, sizeof fftw_running,
            strncmp(fftw_version, "fftw-", 5) ? fftw_version : fftw_version + 5);
#ifdef _OPENMP
    snprintf(openmp_compiled, sizeof openmp_compiled, "%d", (int)_OPENMP);
#endif
    components[0] = (ua_component){"MPFR", MPFR_VERSION_STRING, mpfr_get_version()};
    components[1] = (ua_component){"GMP", STR(__GNU_MP_VERSION) "." STR(__GNU_MP_VERSION_MINOR)
                                   "." STR(__GNU_MP_VERSION_PATCHLEVEL), gmp_version};
    components[2] = (ua_component){"OpenBLAS", openblas_compiled, openblas_running};
    components[3] = (ua_component){"LAPACK", "", lapack_running};
    components[4] = (ua_component){"FFTW", "", fftw_running};
    components[5] = (ua_component){"cJSON", STR(CJSON_VERSION_MAJOR) "." STR(CJSON_VERSION_MINOR)
                                   "." STR(CJSON_VERSION_PATCH), cjson_running};
    components[6] = (ua_component){"OpenMP", openmp_compiled, ""};
#if defined(__clang__)
    components[7] = (ua_component){"compiler", "clang " __clang_version__, ""};
#elif defined(__GNUC__)
    components[7] = (ua_component){"compiler", "gcc " __VERSION__, ""};
#else
    components[7] = (ua_component){"compiler", "", ""};
#endif
    /* the ball arithmetic of the proofs (check --prove, lipschitz, report --prove) */
    components[8] = (ua_component){"Arb", ARB_VERSION, arb_version};
    components[9] = (ua_component){"FLINT", FLINT_VERSION, flint_version};
#ifdef UA_HAVE_MPI
    /* jobs of several ranks (uniapprox/dist.h); MPI_Get_library_version may be called before
     * MPI_Init. "Open MPI v4.1.4, package: ..." -> "Open MPI v4.1.4" */
    static char mpi_compiled[32], mpi_running[MPI_MAX_LIBRARY_VERSION_STRING];
#ifdef OMPI_MAJOR_VERSION
    snprintf(mpi_compiled, sizeof mpi_compiled, "Open MPI v%d.%d.%d", OMPI_MAJOR_VERSION,
             OMPI_MINOR_VERSION, OMPI_RELEASE_VERSION);
#else
    snprintf(mpi_compiled, sizeof mpi_compiled, "MPI %d.%d", MPI_VERSION, MPI_SUBVERSION);
#endif
    int mpi_len = 0;
    if (MPI_Get_library_version(mpi_running, &mpi_len) != MPI_SUCCESS) mpi_running[0] = '\0';
    mpi_running[strcspn(mpi_running, ",\n")] = '\0';
    components[10] = (ua_component){"MPI", mpi_compiled, mpi_running};
#endif
#ifdef UA_HAVE_SCALAPACK
    /* the kernel family's exact solve over the ranks; ScaLAPACK has no version call: the
     * version pkg-config gave at configure time ("" when it gave none) */
#ifndef UA_SCALAPACK_VERSION
#define UA_SCALAPACK_VERSION ""
#endif
    components[11] = (ua_component){"ScaLAPACK", UA_SCALAPACK_VERSION, ""};
#endif
}

const char *ua_version(void) { return UA_LIBRARY_VERSION; }

size_t ua_version_components(void) { return NCOMPONENTS; }

ua_status ua_version_component(size_t i, ua_component *out)
{
    if (!out) return UA_ERR(UA_EINVAL, "ua_version_component: out is NULL");
    if (i >= NCOMPONENTS)
        return UA_ERR(UA_ENOTFOUND, "no component %zu (there are %d)", i, NCOMPONENTS);
    pthread_once(&once, fill);
    *out = components[i];
    return UA_OK;
}
