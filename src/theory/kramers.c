/* Kramers, Eyring-Kramers (THEORY 7.1) and frozen-noise Arrhenius (5.5), plus
 * the small Jacobi eigen-solver shared by the theory modules. */
#include "../internal.h"
#include "linalg.h"

#include <math.h>
#include <string.h>

int sgl_jacobi_eig(size_t n, double *A, double *lambda, double *V)
{
    if (V) { memset(V, 0, n * n * sizeof *V); for (size_t i = 0; i < n; ++i) V[i * n + i] = 1.0; }
    for (int sweep = 0; sweep < 100; ++sweep) {
        double off = 0.0, tot = 0.0;
        for (size_t i = 0; i < n; ++i)
            for (size_t j = 0; j < n; ++j) { double a = A[i * n + j] * A[i * n + j]; tot += a; if (i != j) off += a; }
        if (off <= 1e-30 * tot || off == 0.0) {
            for (size_t i = 0; i < n; ++i) lambda[i] = A[i * n + i];
            return 0;
        }
        for (size_t p = 0; p < n; ++p)
            for (size_t q = p + 1; q < n; ++q) {
                double apq = A[p * n + q];
                if (apq == 0.0) continue;
                double theta = (A[q * n + q] - A[p * n + p]) / (2.0 * apq);
                double t = (theta >= 0 ? 1.0 : -1.0) / (fabs(theta) + sqrt(theta * theta + 1.0));
                double cs = 1.0 / sqrt(t * t + 1.0), sn = t * cs;
                for (size_t k = 0; k < n; ++k) {   /* A <- A J (columns p, q) */
                    double akp = A[k * n + p], akq = A[k * n + q];
                    A[k * n + p] = cs * akp - sn * akq;
                    A[k * n + q] = sn * akp + cs * akq;
                }
                for (size_t k = 0; k < n; ++k) {   /* A <- J^T A (rows p, q) */
                    double apk = A[p * n + k], aqk = A[q * n + k];
                    A[p * n + k] = cs * apk - sn * aqk;
                    A[q * n + k] = sn * apk + cs * aqk;
                }
                if (V)
                    for (size_t k = 0; k < n; ++k) {
                        double vkp = V[k * n + p], vkq = V[k * n + q];
                        V[k * n + p] = cs * vkp - sn * vkq;
                        V[k * n + q] = sn * vkp + cs * vkq;
                    }
            }
    }
    for (size_t i = 0; i < n; ++i) lambda[i] = A[i * n + i];
    return -1;
}

double sgl_theory_kramers1d(double h_min, double h_sad, double dV, double D)
{
    if (!(h_min > 0.0) || !(h_sad < 0.0) || !(D > 0.0)) return NAN;
    return sqrt(h_min * -h_sad) / (2.0 * M_PI) * exp(-dV / D);
}

double sgl_theory_arrhenius_frozen(double h_star, double h_sad, double dL, double L_star, double eta_over_B)
{
    return sgl_theory_kramers1d(h_star, h_sad, dL, eta_over_B * h_star * L_star);
}

sgl_status sgl_theory_eyring_kramers(size_t n, const double *H_min, const double *H_sad, double dV,
                                     double eps, double *mean_time, double *rate, sgl_err *err)
{
    if (n < 1 || n > 64) return sgl_fail(err, SGL_EINVAL, "n", "dimension %zu; allowed 1..64", n);
    if (!(eps > 0.0)) return sgl_fail(err, SGL_EINVAL, "eps", "noise strength %g; must be > 0", eps);
    double *A = sgl_malloc_array(n * n, sizeof *A), *lm = sgl_malloc_array(n, sizeof *lm),
           *ls = sgl_malloc_array(n, sizeof *ls);
    if (!A || !lm || !ls) { sgl_free(A); sgl_free(lm); sgl_free(ls); return sgl_fail(err, SGL_ENOMEM, "eyring_kramers", "out of memory"); }
    memcpy(A, H_min, n * n * sizeof *A);
    sgl_jacobi_eig(n, A, lm, NULL);
    memcpy(A, H_sad, n * n * sizeof *A);
    sgl_jacobi_eig(n, A, ls, NULL);
    sgl_free(A);
    double ldet_min = 0.0, ldet_sad = 0.0, neg = 0.0;
    int nneg = 0, bad_min = 0;
    for (size_t i = 0; i < n; ++i) {
        if (!(lm[i] > 0.0)) bad_min = 1; else ldet_min += log(lm[i]);
        if (ls[i] < 0.0) { ++nneg; neg = ls[i]; }
        if (ls[i] == 0.0) nneg = -100;
        else ldet_sad += log(fabs(ls[i]));
    }
    sgl_free(lm); sgl_free(ls);
    if (bad_min) return sgl_fail(err, SGL_EINVAL, "H_min", "the Hessian at the minimum must be positive definite");
    if (nneg != 1) return sgl_fail(err, SGL_EINVAL, "H_sad", "the Hessian at the saddle must have exactly one negative and no zero eigenvalue");
    double lt = log(2.0 * M_PI / fabs(neg)) + 0.5 * (ldet_sad - ldet_min) + dV / eps;
    *mean_time = exp(lt);
    *rate = exp(-lt);
    return SGL_OK;
}
