/* Small dense symmetric eigen-solver for the theory modules (cyclic Jacobi:
 * exact to rounding for the few-dimensional matrices theory needs). */
#ifndef SGL_THEORY_LINALG_H
#define SGL_THEORY_LINALG_H
#include <stddef.h>
/* A: n x n symmetric (row-major, destroyed); lambda: n eigenvalues; V (may be
 * NULL): n x n, column j the eigenvector of lambda[j].  Returns 0, or -1 if not
 * converged (never in practice for n <= 64). */
int sgl_jacobi_eig(size_t n, double *A, double *lambda, double *V);
#endif
