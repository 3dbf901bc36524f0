/*
 * src/kernel/scalapack.h — the few BLACS and ScaLAPACK routines the distributed kernel solve
 * (dist.c) calls, declared here because Debian's libscalapack-openmpi-dev ships the library
 * alone, no C header. Included only in a build with ScaLAPACK (UA_HAVE_SCALAPACK).
 *
 * BLACS has a C interface (the Cblacs_* functions, ints by value). ScaLAPACK's routines are
 * Fortran: every argument by reference, INTEGER = int (Debian builds with 32-bit integers), and
 * gfortran appends the length of each CHARACTER argument as a hidden trailing size_t argument,
 * passed explicitly here. A descriptor is DLEN_ = 9 ints (ScaLAPACK Users' Guide, 4.3.3).
 */
#ifndef UA_KERNEL_SCALAPACK_H
#define UA_KERNEL_SCALAPACK_H

#include <stddef.h>

#define UA_SCALAPACK_DLEN 9

/* This process's number and the number of processes (initialises BLACS on first use). */
void Cblacs_pinfo(int *mypnum, int *nprocs);
/* what = 0: the system context of MPI_COMM_WORLD into *val. */
void Cblacs_get(int icontxt, int what, int *val);
/* A nprow x npcol grid over the processes, numbered in order ("Row": rank = row * npcol + col). */
void Cblacs_gridinit(int *icontxt, const char *order, int nprow, int npcol);
void Cblacs_gridinfo(int icontxt, int *nprow, int *npcol, int *myrow, int *mycol);
void Cblacs_gridexit(int icontxt);

/* Rows (or columns) of an n-long dimension in blocks of nb that process iproc of nprocs holds,
 * the first block on process isrcproc. */
int numroc_(const int *n, const int *nb, const int *iproc, const int *isrcproc,
            const int *nprocs);
/* The descriptor of an m x n matrix in mb x nb blocks, first block on (irsrc, icsrc), local
 * leading dimension lld. */
void descinit_(int *desc, const int *m, const int *n, const int *mb, const int *nb,
               const int *irsrc, const int *icsrc, const int *ictxt, const int *lld, int *info);
/* Cholesky factor of the distributed symmetric positive definite A (uplo 'L': A = L L^T from the
 * lower triangle). info > 0: the leading minor of that order is not positive definite. */
void pdpotrf_(const char *uplo, const int *n, double *a, const int *ia, const int *ja,
              const int *desca, int *info, size_t uplo_len);
/* Solves A X = B with the factor of pdpotrf; B (n, nrhs) is overwritten by X. */
void pdpotrs_(const char *uplo, const int *n, const int *nrhs, const double *a, const int *ia,
              const int *ja, const int *desca, double *b, const int *ib, const int *jb,
              const int *descb, int *info, size_t uplo_len);

#endif /* UA_KERNEL_SCALAPACK_H */
