#include <cblas.h>

/* LAPACK, which OpenBLAS ships in the same library: the symmetric eigendecomposition by divide
   and conquer (column-major, Fortran calling convention; the one-character arguments need no
   hidden lengths for this routine). */
void dsyevd_(const char *jobz, const char *uplo, const int *n, double *a, const int *lda, double *w,
             double *work, const int *lwork, int *iwork, const int *liwork, int *info);
