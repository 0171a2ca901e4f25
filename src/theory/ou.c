/* Ornstein-Uhlenbeck loss moments (Zhu et al.; THEORY 7.5, Z1), exact.
 * In the eigenbasis H = Q diag(l) Q^T, S~ = Q^T S Q, the covariance of
 * theta(t) from theta(0) = 0 is C~_ij = S~_ij (1 - e^{-(l_i+l_j) t}) / (l_i + l_j)
 * (t where l_i + l_j = 0); E L = 1/2 Tr(H C), Var L = 1/2 Tr(H C H C). */
#include "../internal.h"
#include "linalg.h"

#include <math.h>
#include <string.h>

sgl_status sgl_theory_ou_loss(size_t n, const double *H, const double *S, double t, double *mean,
                              double *var, double *cov, sgl_err *err)
{
    if (n < 1 || n > 64) return sgl_fail(err, SGL_EINVAL, "n", "dimension %zu; allowed 1..64", n);
    if (!(t >= 0.0 && t < INFINITY)) return sgl_fail(err, SGL_EINVAL, "t", "time %g; must be finite and >= 0", t);
    double *A = sgl_malloc_array(n * n, sizeof *A), *Q = sgl_malloc_array(n * n, sizeof *Q),
           *l = sgl_malloc_array(n, sizeof *l), *C = sgl_malloc_array(n * n, sizeof *C),
           *T = sgl_malloc_array(n * n, sizeof *T);
    if (!A || !Q || !l || !C || !T) {
        sgl_free(A); sgl_free(Q); sgl_free(l); sgl_free(C); sgl_free(T);
        return sgl_fail(err, SGL_ENOMEM, "ou", "out of memory");
    }
    memcpy(A, H, n * n * sizeof *A);
    sgl_jacobi_eig(n, A, l, Q);
    sgl_status st = SGL_OK;
    for (size_t i = 0; i < n; ++i)
        if (l[i] < -1e-12 * (fabs(l[0]) + 1.0)) st = sgl_fail(err, SGL_EINVAL, "H", "H must be positive semidefinite (eigenvalue %g)", l[i]);
    if (st == SGL_OK) {
        /* S~ = Q^T S Q */
        for (size_t i = 0; i < n; ++i)
            for (size_t j = 0; j < n; ++j) {
                double s = 0.0;
                for (size_t k = 0; k < n; ++k) s += S[i * n + k] * Q[k * n + j];
                T[i * n + j] = s;               /* S Q */
            }
        for (size_t i = 0; i < n; ++i)
            for (size_t j = 0; j < n; ++j) {
                double s = 0.0;
                for (size_t k = 0; k < n; ++k) s += Q[k * n + i] * T[k * n + j];
                double ls = l[i] + l[j];
                double f = ls > 0.0 ? -expm1(-ls * t) / ls : t;
                C[i * n + j] = s * f;           /* C~ */
            }
        double m = 0.0, v = 0.0;
        for (size_t i = 0; i < n; ++i) {
            m += 0.5 * l[i] * C[i * n + i];
            for (size_t j = 0; j < n; ++j) v += 0.5 * l[i] * C[i * n + j] * l[j] * C[j * n + i];
        }
        *mean = m;
        if (var) *var = v;
        if (cov) {   /* C = Q C~ Q^T */
            for (size_t i = 0; i < n; ++i)
                for (size_t j = 0; j < n; ++j) {
                    double s = 0.0;
                    for (size_t k = 0; k < n; ++k) s += C[i * n + k] * Q[j * n + k];
                    T[i * n + j] = s;
                }
            for (size_t i = 0; i < n; ++i)
                for (size_t j = 0; j < n; ++j) {
                    double s = 0.0;
                    for (size_t k = 0; k < n; ++k) s += Q[i * n + k] * T[k * n + j];
                    cov[i * n + j] = s;
                }
        }
    }
    sgl_free(A); sgl_free(Q); sgl_free(l); sgl_free(C); sgl_free(T);
    return st;
}
