/* Interpolators of an underdetermined linear system Z w = y (n < d rows):
 * the weighted min-l1 one (basis pursuit, a linear program solved by GLPK's
 * simplex) and the min-l2 one (LAPACK's dgels, LQ factorisation).  They are
 * what the Li-Wang-Arora label-noise limit (weighted l1, THEORY.md 2.7) and
 * kernel-regime GD (min-l2, C4) are compared with.  Neither uses the
 * simulator.
 *
 * GLPK is told never to print (glp_term_out) and inputs are checked first
 * (finite, sizes) so none of its fatal-error paths can be reached from here.
 * Both solvers are called from one thread at a time by the callers in this
 * project (GLPK keeps per-thread state; LAPACK through OpenBLAS may pick
 * CPU-specific kernels), see docs/INTERNALS.md. */
#include "../internal.h"

#include <glpk.h>
#include <lapacke.h>
#include <math.h>
#include <setjmp.h>
#include <string.h>

static sgl_status check_system(const double *Z, size_t ld, size_t n, size_t d, const double *y,
                               const double *c, sgl_err *err)
{
    if (n == 0 || d == 0) return sgl_fail(err, SGL_EINVAL, "data", "need n >= 1 rows and d >= 1 columns");
    if (ld < d) return sgl_fail(err, SGL_EINVAL, "data", "row stride %zu below d = %zu", ld, d);
    if (n > (size_t)INT32_MAX / 2 || d > (size_t)INT32_MAX / 4)
        return sgl_fail(err, SGL_EINVAL, "data", "system too large for the LP solver (n = %zu, d = %zu)", n, d);
    for (size_t i = 0; i < n; ++i) {
        if (!isfinite(y[i])) return sgl_fail(err, SGL_EINVAL, "data", "label %zu is not finite", i);
        for (size_t j = 0; j < d; ++j)
            if (!isfinite(Z[i * ld + j]))
                return sgl_fail(err, SGL_EINVAL, "data", "input (%zu, %zu) is not finite", i, j);
    }
    if (c)
        for (size_t j = 0; j < d; ++j)
            if (!(c[j] > 0) || !isfinite(c[j]))
                return sgl_fail(err, SGL_EINVAL, "weights", "weight %zu is %g; weights must be finite and > 0", j, c[j]);
    return SGL_OK;
}

/* GLPK reports internal failures (e.g. out of memory) through an error hook
 * and then aborts unless the hook leaves by longjmp; after that the
 * environment must be freed (glp_free_env frees every GLPK object).  Only
 * reachable on internal failure: inputs are validated first. */
static _Thread_local jmp_buf glp_jump;
static void glp_hook(void *info)
{
    (void)info;
    longjmp(glp_jump, 1);
}

/* min sum_j c_j |w_j| s.t. Z w = y, as the LP over w = p - q, p, q >= 0:
 * min c.(p + q) s.t. Z p - Z q = y.  c == NULL: all weights 1. */
sgl_status sgl_min_l1_interpolator(const double *Z, size_t ld, size_t n, size_t d, const double *y,
                                   const double *c, double *w, sgl_err *err)
{
    sgl_status st = check_system(Z, ld, n, d, y, c, err);
    if (st) return st;
    /* the constraint matrix in GLPK's 1-based triplets; 2 n d entries at most */
    size_t nz = 0;
    for (size_t i = 0; i < n; ++i)
        for (size_t j = 0; j < d; ++j) nz += Z[i * ld + j] != 0.0;
    int *ia = sgl_malloc_array(2 * nz + 1, sizeof *ia);
    int *ja = sgl_malloc_array(2 * nz + 1, sizeof *ja);
    double *ar = sgl_malloc_array(2 * nz + 1, sizeof *ar);
    if (!ia || !ja || !ar) {
        sgl_free(ia), sgl_free(ja), sgl_free(ar);
        return sgl_fail(err, SGL_ENOMEM, "data", "out of memory for the LP (%zu nonzeros)", nz);
    }
    glp_term_out(GLP_OFF);
    if (setjmp(glp_jump)) {
        glp_free_env();
        return sgl_fail(err, SGL_ENOMEM, "data", "the LP solver (GLPK) failed internally (out of memory?)");
    }
    glp_error_hook(glp_hook, NULL);
    glp_prob *volatile lp = glp_create_prob();
    glp_set_obj_dir(lp, GLP_MIN);
    glp_add_rows(lp, (int)n);
    glp_add_cols(lp, (int)(2 * d));
    for (size_t i = 0; i < n; ++i) glp_set_row_bnds(lp, (int)i + 1, GLP_FX, y[i], y[i]);
    for (size_t j = 0; j < d; ++j) {
        double cj = c ? c[j] : 1.0;
        glp_set_col_bnds(lp, (int)j + 1, GLP_LO, 0.0, 0.0);
        glp_set_col_bnds(lp, (int)(d + j) + 1, GLP_LO, 0.0, 0.0);
        glp_set_obj_coef(lp, (int)j + 1, cj);
        glp_set_obj_coef(lp, (int)(d + j) + 1, cj);
    }
    size_t k = 1;
    for (size_t i = 0; i < n; ++i)
        for (size_t j = 0; j < d; ++j) {
            double z = Z[i * ld + j];
            if (z == 0.0) continue;
            ia[k] = (int)i + 1, ja[k] = (int)j + 1, ar[k] = z, ++k;
            ia[k] = (int)i + 1, ja[k] = (int)(d + j) + 1, ar[k] = -z, ++k;
        }
    glp_load_matrix(lp, (int)(k - 1), ia, ja, ar);
    sgl_free(ia), sgl_free(ja), sgl_free(ar);
    ia = NULL, ja = NULL, ar = NULL;

    glp_smcp parm;
    glp_init_smcp(&parm);
    parm.msg_lev = GLP_MSG_OFF;
    parm.presolve = GLP_ON;
    glp_scale_prob(lp, GLP_SF_AUTO);
    int rc = glp_simplex(lp, &parm);
    int status = rc == 0 ? glp_get_status(lp) : GLP_UNDEF;
    if (rc != 0 || status != GLP_OPT) {
        glp_delete_prob(lp);
        glp_error_hook(NULL, NULL);
        if (rc == GLP_ENOPFS || status == GLP_NOFEAS || status == GLP_INFEAS)
            return sgl_fail(err, SGL_EINVAL, "data", "Z w = y has no solution (rows dependent and inconsistent)");
        return sgl_fail(err, SGL_EINVAL, "data", "the LP solver did not reach an optimum (glp_simplex %d, status %d)",
                        rc, status);
    }
    for (size_t j = 0; j < d; ++j)
        w[j] = glp_get_col_prim(lp, (int)j + 1) - glp_get_col_prim(lp, (int)(d + j) + 1);
    glp_delete_prob(lp);
    glp_error_hook(NULL, NULL);
    return SGL_OK;
}

/* w = Z^+ y: the minimum-norm solution by LAPACK's dgels (full row rank). */
sgl_status sgl_min_l2_interpolator(const double *Z, size_t ld, size_t n, size_t d, const double *y,
                                   double *w, sgl_err *err)
{
    if (n > d) return sgl_fail(err, SGL_EINVAL, "data", "min-l2 interpolator needs n <= d (n = %zu, d = %zu)", n, d);
    sgl_status st = check_system(Z, ld, n, d, y, NULL, err);
    if (st) return st;
    double *A = sgl_malloc_array(n * d, sizeof *A);
    double *b = sgl_malloc_array(d, sizeof *b);
    if (!A || !b) {
        sgl_free(A), sgl_free(b);
        return sgl_fail(err, SGL_ENOMEM, "data", "out of memory");
    }
    for (size_t i = 0; i < n; ++i) memcpy(A + i * d, Z + i * ld, d * sizeof *A);
    memcpy(b, y, n * sizeof *b);
    for (size_t j = n; j < d; ++j) b[j] = 0.0;
    lapack_int info = LAPACKE_dgels(LAPACK_ROW_MAJOR, 'N', (lapack_int)n, (lapack_int)d, 1, A, (lapack_int)d, b, 1);
    sgl_free(A);
    if (info != 0) {
        sgl_free(b);
        if (info > 0) return sgl_fail(err, SGL_EINVAL, "data", "Z is rank deficient (dgels info %d)", (int)info);
        return sgl_fail(err, SGL_EINVAL, "data", "dgels rejected argument %d", (int)-info);
    }
    memcpy(w, b, d * sizeof *w);
    sgl_free(b);
    return SGL_OK;
}
