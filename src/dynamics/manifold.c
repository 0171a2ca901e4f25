/* Geometry of the manifold of minimisers Gamma (THEORY.md 1.4, 2.3):
 * the gradient-flow projection Phi(x), and at a point of Gamma the Hessian's
 * eigen-decomposition (LAPACK dsyev), its rank by a reported relative
 * eigen-gap rule, H^+, P_perp = H H^+, P_par = I - P_perp (= dPhi on Gamma)
 * and the inverse of the Lyapunov operator L_H(X) = H X + X H on symmetric
 * matrices supported in the normal space.
 *
 * Everything works on the model's live coordinates (sgl_model_layout);
 * padding rows and columns of every matrix are 0. */
#include "../plan.h"

#include <lapacke.h>
#include <math.h>
#include <string.h>

void sgl_flow_opts_default(sgl_flow_opts *o)
{
    o->grad_tol = 1e-10;
    o->rtol = 1e-8;
    o->max_evals = 2000000;
}

static size_t live_index(size_t q, size_t len, size_t stride) { return (q / len) * stride + q % len; }

/* grad into g, returns |grad L| (NaN when not finite); *loss */
static double grad_at(const sgl_model *m, const double *x, double *g, double *scratch, double *loss)
{
    double L = sgl_model_loss_grad(m, x, g, scratch);
    double s = 0.0;
    for (size_t j = 0; j < m->dim; ++j) s += g[j] * g[j];
    if (loss) *loss = L;
    return isfinite(s) && isfinite(L) ? sqrt(s) : NAN;
}

static int eig_live(const sgl_gamma_geom *g, const double *A, double *vals, double *vecs, double *work);

/* One Gauss-Newton polish step x <- x - H^+ grad L (H^+ over eigenvalues above
 * 1e-8 lambda_1): near Gamma it lands within O(|x - Phi(x)|^2) of Phi(x). */
static int newton_step(const sgl_model *m, sgl_gamma_geom *g, double *x, const double *grad)
{
    const size_t D = g->D, n = g->live;
    if (sgl_model_hessian(m, x, g->H, NULL) != SGL_OK) return 1;
    if (eig_live(g, g->H, g->evals, g->evecs, g->work)) return 1;
    const double l1 = n ? g->evals[0] : 0.0;
    if (!(l1 > 0.0)) return 1;
    for (size_t k = 0; k < n && g->evals[k] > 1e-8 * l1; ++k) {
        double c = 0.0;
        for (size_t i = 0; i < D; ++i) c += g->evecs[i * D + k] * grad[i];
        c /= g->evals[k];
        for (size_t i = 0; i < D; ++i) x[i] -= c * g->evecs[i * D + k];
    }
    return 0;
}

/* Bogacki-Shampine 2(3) with FSAL on dx/dt = -grad L, error control
 * max_i |err_i| / (rtol (|x_i| + 1)) <= 1, until |grad L| < grad_tol. */
sgl_status sgl_gamma_project(const sgl_model *m, const double *x, const sgl_flow_opts *opts, double *phi,
                             sgl_flow_info *info, sgl_err *err)
{
    sgl_flow_opts o;
    if (opts) o = *opts;
    else sgl_flow_opts_default(&o);
    sgl_flow_info inf = {0, 0, 0.0, NAN, NAN};
    if (!(o.grad_tol > 0.0) || !(o.rtol > 0.0) || o.max_evals == 0) {
        if (info) *info = inf;
        return sgl_fail(err, SGL_EINVAL, "Phi", "grad_tol and rtol must be > 0 and max_evals >= 1");
    }
    const size_t D = m->dim;
    double *buf = sgl_alloc_doubles(7 * D + m->scratch_len + (m->data ? m->data->n : 0) + 8);
    if (!buf) return sgl_fail(err, SGL_ENOMEM, "Phi", "out of memory");
    double *y = buf, *k1 = y + D, *k2 = k1 + D, *k3 = k2 + D, *k4 = k3 + D, *yt = k4 + D, *y1 = yt + D,
           *scr = y1 + D;
    memcpy(y, x, D * sizeof *y);
    double L, gn = grad_at(m, y, k1, scr, &L);
    uint64_t evals = 1;
    double t = 0.0, h = 1e-3, hmax = INFINITY;
    sgl_status st = SGL_OK;
    /* with a Hessian: cap h below the explicit method's stability limit
     * (|h lambda| < 2.5 on the real axis), re-estimated as the flow moves, and
     * finish with Newton steps once |grad L| < 1e-6 */
    const int has_hvp = (m->type->caps & SGL_CAP_HVP) != 0;
    sgl_gamma_geom *ng = NULL;
    double *lw = NULL;
    if (has_hvp) {
        lw = sgl_alloc_doubles(sgl_lambda_max_work(m));
        if (!lw || sgl_gamma_geom_alloc(m, &ng) != SGL_OK) {
            sgl_free(lw);
            sgl_gamma_geom_free(ng);
            sgl_free(buf);
            return sgl_fail(err, SGL_ENOMEM, "Phi", "out of memory");
        }
    }
    uint64_t next_lam = 0;
    int newton = 0;
    /* |grad L| cannot fall below its rounding error, about eps lambda_max |x|:
     * with a large init (e.g. the kernel regime, alpha >= 30) that floor is
     * above an absolute 1e-10, so the tolerance is the larger of the two */
    double tol = o.grad_tol;
    while (1) {
        if (has_hvp && isfinite(gn) && gn >= tol && gn < 1e-6 && newton < 8) {
            ++newton;
            newton_step(m, ng, y, k1);
            gn = grad_at(m, y, k1, scr, &L);
            ++evals;
            continue;
        }
        if (has_hvp && evals >= next_lam && isfinite(gn)) {
            double lam = sgl_lambda_max_ws(m, y, lw);
            if (isfinite(lam) && lam > 0.0) {
                hmax = 2.0 / lam;
                double xn = 0.0;
                for (size_t j = 0; j < D; ++j) xn += y[j] * y[j];
                tol = fmax(o.grad_tol, 64.0 * 2.220446049250313e-16 * lam * (sqrt(xn) + 1.0));
            }
            next_lam = evals + 64;
            if (h > hmax) h = hmax;
        }
        if (!isfinite(gn)) {
            st = sgl_fail(err, SGL_EINVAL, "Phi",
                          "gradient flow became non-finite at flow time %.6g (the point is not in the basin of a "
                          "minimiser)", t);
            break;
        }
        if (gn < tol) {
            inf.converged = 1;
            break;
        }
        if (evals + 3 > o.max_evals) {
            st = sgl_fail(err, SGL_EINVAL, "Phi",
                          "gradient flow did not reach |grad L| < %.3g within %llu gradient evaluations (flow time "
                          "%.6g, |grad L| = %.3g, L = %.6g): not near the manifold of minimisers",
                          tol, (unsigned long long)o.max_evals, t, gn, L);
            break;
        }
        /* k1 holds grad L(y) (the flow is -grad) */
        for (size_t j = 0; j < D; ++j) yt[j] = y[j] - 0.5 * h * k1[j];
        grad_at(m, yt, k2, scr, NULL);
        for (size_t j = 0; j < D; ++j) yt[j] = y[j] - 0.75 * h * k2[j];
        grad_at(m, yt, k3, scr, NULL);
        for (size_t j = 0; j < D; ++j)
            y1[j] = y[j] - h * (2.0 / 9.0 * k1[j] + 1.0 / 3.0 * k2[j] + 4.0 / 9.0 * k3[j]);
        double L1, gn1 = grad_at(m, y1, k4, scr, &L1);
        evals += 3;
        double e = 0.0;
        for (size_t j = 0; j < D; ++j) {
            double ej = h * (-5.0 / 72.0 * k1[j] + 1.0 / 12.0 * k2[j] + 1.0 / 9.0 * k3[j] - 1.0 / 8.0 * k4[j]);
            double sc = o.rtol * (fabs(y[j]) + 1.0);
            e = fmax(e, fabs(ej) / sc);
        }
        if (!isfinite(e)) e = 1e300;
        if (e <= 1.0 && isfinite(gn1)) {
            t += h;
            memcpy(y, y1, D * sizeof *y);
            memcpy(k1, k4, D * sizeof *k1);
            gn = gn1;
            L = L1;
        }
        double f = e > 0.0 ? 0.9 * pow(e, -1.0 / 3.0) : 5.0;
        h *= fmin(5.0, fmax(0.2, f));
        if (h > hmax) h = hmax;
        if (!(h > 0.0) || !isfinite(h)) h = 1e-12;
    }
    sgl_free(lw);
    sgl_gamma_geom_free(ng);
    memcpy(phi, y, D * sizeof *phi);
    inf.evals = evals;
    inf.t = t;
    inf.loss = L;
    inf.grad_norm = gn;
    if (info) *info = inf;
    sgl_free(buf);
    return st;
}

/* OpenBLAS, when it is the LAPACK underneath, is pinned to one thread when
 * the library loads (src/status.c): its pool is slower than serial on these
 * small eigenproblems and its reductions could depend on its thread count. */

sgl_status sgl_gamma_geom_alloc(const sgl_model *m, sgl_gamma_geom **out)
{
    *out = NULL;
    const size_t D = m->dim;
    sgl_gamma_geom *g = sgl_calloc(1, sizeof *g);
    if (!g) return SGL_ENOMEM;
    size_t nb, len, stride;
    sgl_model_layout(m, &nb, &len, &stride);
    g->D = D;
    g->live = nb * len;
    g->live_idx = sgl_malloc_array(g->live ? g->live : 1, sizeof *g->live_idx);
    g->evals = sgl_alloc_doubles(D);
    g->evecs = sgl_alloc_doubles(D * D);
    g->H = sgl_alloc_doubles(D * D);
    g->Hpinv = sgl_alloc_doubles(D * D);
    g->Pperp = sgl_alloc_doubles(D * D);
    g->Ppar = sgl_alloc_doubles(D * D);
    g->work = sgl_alloc_doubles(2 * D * D + D);
    if (!g->live_idx || !g->evals || !g->evecs || !g->H || !g->Hpinv || !g->Pperp || !g->Ppar || !g->work) {
        sgl_gamma_geom_free(g);
        return SGL_ENOMEM;
    }
    for (size_t q = 0; q < g->live; ++q) g->live_idx[q] = live_index(q, len, stride);
    *out = g;
    return SGL_OK;
}

void sgl_gamma_geom_free(sgl_gamma_geom *g)
{
    if (!g) return;
    sgl_free(g->live_idx); sgl_free(g->evals); sgl_free(g->evecs); sgl_free(g->H); sgl_free(g->Hpinv);
    sgl_free(g->Pperp); sgl_free(g->Ppar); sgl_free(g->work);
    sgl_free(g);
}

/* Symmetric eigen-decomposition of the live block of the D x D matrix A:
 * vals (descending, live entries) and vecs (D x D, column j = eigenvector j,
 * only the first `live` columns used).  work: live*live doubles + live. */
static int eig_live(const sgl_gamma_geom *g, const double *A, double *vals, double *vecs, double *work)
{
    const size_t D = g->D, n = g->live;
    double *B = work, *w = work + n * n;
    for (size_t i = 0; i < n; ++i)
        for (size_t j = 0; j < n; ++j) B[i * n + j] = A[g->live_idx[i] * D + g->live_idx[j]];
    lapack_int info = LAPACKE_dsyev(LAPACK_ROW_MAJOR, 'V', 'U', (lapack_int)n, B, (lapack_int)n, w);
    if (info != 0) return 1;
    memset(vecs, 0, D * D * sizeof *vecs);
    for (size_t j = 0; j < D; ++j) vals[j] = 0.0;
    for (size_t j = 0; j < n; ++j) {   /* dsyev is ascending: reverse */
        const size_t src = n - 1 - j;
        vals[j] = w[src];
        for (size_t i = 0; i < n; ++i) vecs[g->live_idx[i] * D + j] = B[i * n + src];
    }
    return 0;
}

sgl_status sgl_gamma_geometry(const sgl_model *m, const double *x, double near_tol, double rank_tol,
                              sgl_gamma_geom *g, sgl_err *err)
{
    const size_t D = g->D, n = g->live;
    if (!(near_tol > 0.0) || !(rank_tol > 0.0 && rank_tol < 1.0))
        return sgl_fail(err, SGL_EINVAL, "geometry", "near_tol must be > 0 and rank_tol in (0, 1)");
    double *gr = g->work;   /* D + scratch: use a fresh block */
    double *scr = sgl_alloc_doubles(m->scratch_len + (m->data ? m->data->n : 0) + D + 8);
    if (!scr) return sgl_fail(err, SGL_ENOMEM, "geometry", "out of memory");
    g->grad_norm = grad_at(m, x, gr, scr, &g->loss);
    sgl_free(scr);
    g->rank = 0;
    g->gap_ratio = NAN;
    g->rank_tol = rank_tol;
    if (!isfinite(g->grad_norm))
        return sgl_fail(err, SGL_EINVAL, "theta", "loss or gradient is not finite at this point");
    if (g->grad_norm > near_tol)
        return sgl_fail(err, SGL_EINVAL, "theta",
                        "not near the manifold of minimisers: |grad L| = %.3g > %.3g (L = %.6g); project with Phi "
                        "first",
                        g->grad_norm, near_tol, g->loss);
    sgl_status st = sgl_model_hessian(m, x, g->H, err);
    if (st != SGL_OK) return st;
    if (eig_live(g, g->H, g->evals, g->evecs, g->work))
        return sgl_fail(err, SGL_EINVAL, "theta", "LAPACK dsyev failed on the Hessian (not finite?)");
    const double lmax = n ? g->evals[0] : 0.0;
    if (!(lmax > 0.0))
        return sgl_fail(err, SGL_EINVAL, "theta",
                        "the Hessian has no positive eigenvalue here (lambda_1 = %.3g): no normal space", lmax);
    if (g->evals[n - 1] < -1e3 * rank_tol * lmax)
        return sgl_fail(err, SGL_EINVAL, "theta",
                        "not a minimiser: the Hessian has eigenvalue %.3g < 0 (lambda_1 = %.3g)", g->evals[n - 1],
                        lmax);
    /* rank: eigenvalues above rank_tol * lambda_1; reported with the gap ratio
     * lambda_{M+1} / lambda_M (0 when M = live; small = a clean gap) */
    size_t M = 0;
    while (M < n && g->evals[M] > rank_tol * lmax) ++M;
    g->rank = M;
    g->gap_ratio = M < n ? fmax(g->evals[M], 0.0) / g->evals[M - 1] : 0.0;
    memset(g->Hpinv, 0, D * D * sizeof *g->Hpinv);
    memset(g->Pperp, 0, D * D * sizeof *g->Pperp);
    memset(g->Ppar, 0, D * D * sizeof *g->Ppar);
    for (size_t k = 0; k < M; ++k) {
        const double il = 1.0 / g->evals[k];
        for (size_t i = 0; i < D; ++i) {
            const double vi = g->evecs[i * D + k];
            if (vi == 0.0) continue;
            for (size_t j = 0; j < D; ++j) {
                const double vv = vi * g->evecs[j * D + k];
                g->Pperp[i * D + j] += vv;
                g->Hpinv[i * D + j] += vv * il;
            }
        }
    }
    for (size_t q = 0; q < n; ++q) {
        const size_t i = g->live_idx[q];
        for (size_t r = 0; r < n; ++r) {
            const size_t j = g->live_idx[r];
            g->Ppar[i * D + j] = (i == j ? 1.0 : 0.0) - g->Pperp[i * D + j];
        }
    }
    return SGL_OK;
}

/* X = sum over normal eigenpairs i, j: v_i v_i^T S v_j v_j^T / (lambda_i + lambda_j) */
void sgl_gamma_lyap_inv(const sgl_gamma_geom *g, const double *S, double *X)
{
    const size_t D = g->D, M = g->rank;
    double *C = g->work;              /* D x M: S V_M */
    double *Q = g->work + D * D;      /* M x M */
    for (size_t i = 0; i < D; ++i)
        for (size_t k = 0; k < M; ++k) {
            double s = 0.0;
            for (size_t j = 0; j < D; ++j) s += S[i * D + j] * g->evecs[j * D + k];
            C[i * M + k] = s;
        }
    for (size_t a = 0; a < M; ++a)
        for (size_t b = 0; b < M; ++b) {
            double s = 0.0;
            for (size_t i = 0; i < D; ++i) s += g->evecs[i * D + a] * C[i * M + b];
            Q[a * M + b] = s / (g->evals[a] + g->evals[b]);
        }
    /* X = V_M Q V_M^T */
    for (size_t i = 0; i < D; ++i)
        for (size_t b = 0; b < M; ++b) {
            double s = 0.0;
            for (size_t a = 0; a < M; ++a) s += g->evecs[i * D + a] * Q[a * M + b];
            C[i * M + b] = s;
        }
    for (size_t i = 0; i < D; ++i)
        for (size_t j = 0; j < D; ++j) {
            double s = 0.0;
            for (size_t b = 0; b < M; ++b) s += C[i * M + b] * g->evecs[j * D + b];
            X[i * D + j] = s;
        }
}

/* Symmetric PSD square root of the live block of S (negative rounding
 * eigenvalues clipped to 0): R with R R^T = S.  work: 2 D*D + D doubles. */
sgl_status sgl_gamma_sqrt_psd(const sgl_gamma_geom *g, const double *S, double *R, double *work)
{
    const size_t D = g->D, n = g->live;
    double *vals = work, *vecs = work + D, *w2 = vecs + D * D;
    /* eig_live needs n*n + n doubles: vecs (D*D) is filled from w2 (D*D >= n*n + n? use separate) */
    double *tmp = sgl_alloc_doubles(n * n + n + 1);
    if (!tmp) return SGL_ENOMEM;
    int bad = eig_live(g, S, vals, vecs, tmp);
    sgl_free(tmp);
    if (bad) return SGL_EINVAL;
    (void)w2;
    memset(R, 0, D * D * sizeof *R);
    for (size_t k = 0; k < n; ++k) {
        if (!(vals[k] > 0.0)) continue;
        const double s = sqrt(vals[k]);
        for (size_t i = 0; i < D; ++i) {
            const double vi = vecs[i * D + k];
            if (vi == 0.0) continue;
            for (size_t j = 0; j < D; ++j) R[i * D + j] += s * vi * vecs[j * D + k];
        }
    }
    return SGL_OK;
}
