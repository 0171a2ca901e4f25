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
#include "gamma_ws.h"

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
static void pinv_step(const sgl_gamma_geom *g, double *x, const double *grad)
{
    const size_t D = g->D, n = g->live;
    const double l1 = g->evals[0];
    for (size_t k = 0; k < n && g->evals[k] > 1e-8 * l1; ++k) {
        double c = 0.0;
        for (size_t i = 0; i < D; ++i) c += g->evecs[i * D + k] * grad[i];
        c /= g->evals[k];
        for (size_t i = 0; i < D; ++i) x[i] -= c * g->evecs[i * D + k];
    }
}

static int newton_step(const sgl_model *m, sgl_gamma_geom *g, double *x, const double *grad)
{
    const size_t n = g->live;
    if (sgl_model_hessian(m, x, g->H, NULL) != SGL_OK) return 1;
    if (eig_live(g, g->H, g->evals, g->evecs, g->work)) return 1;
    const double l1 = n ? g->evals[0] : 0.0;
    if (!(l1 > 0.0)) return 1;
    pinv_step(g, x, grad);
    return 0;
}

/* Bogacki-Shampine 2(3) with FSAL on dx/dt = -grad L, error control
 * max_i |err_i| / (rtol (|x_i| + 1)) <= 1, until |grad L| < grad_tol. */
sgl_status sgl_gamma_ws_alloc(const sgl_model *m, sgl_gamma_ws **out)
{
    *out = NULL;
    const size_t D = m->dim, n = m->data ? m->data->n : 0;
    sgl_gamma_ws *w = sgl_calloc(1, sizeof *w);
    if (!w) return SGL_ENOMEM;
    w->buf = sgl_alloc_doubles(7 * D + m->scratch_len + n + 8);
    w->scr = sgl_alloc_doubles(m->scratch_len + n + D + 8);
    if (!w->buf || !w->scr) goto nomem;
    if (m->type->caps & SGL_CAP_HVP) {
        w->lw = sgl_alloc_doubles(sgl_lambda_max_work(m));
        w->sub = sgl_alloc_doubles(3 * D * D + 3 * D);
        if (!w->lw || !w->sub || sgl_gamma_geom_alloc(m, &w->ng) != SGL_OK) goto nomem;
    }
    *out = w;
    return SGL_OK;
nomem:
    sgl_gamma_ws_free(w);
    return SGL_ENOMEM;
}

void sgl_gamma_ws_free(sgl_gamma_ws *w)
{
    if (!w) return;
    sgl_free(w->buf); sgl_free(w->scr); sgl_free(w->lw); sgl_free(w->sub);
    sgl_gamma_geom_free(w->ng);
    sgl_free(w);
}

sgl_status sgl_gamma_project(const sgl_model *m, const double *x, const sgl_flow_opts *opts, double *phi,
                             sgl_flow_info *info, sgl_err *err)
{
    sgl_gamma_ws *w;
    if (sgl_gamma_ws_alloc(m, &w) != SGL_OK) {
        if (info) *info = (sgl_flow_info){0, 0, 0.0, NAN, NAN};
        return sgl_fail(err, SGL_ENOMEM, "Phi", "out of memory");
    }
    sgl_status st = sgl_gamma_project_ws(m, x, opts, w, NULL, phi, info, err);
    sgl_gamma_ws_free(w);
    return st;
}

sgl_status sgl_gamma_project_ws(const sgl_model *m, const double *x, const sgl_flow_opts *opts, sgl_gamma_ws *ws,
                                const sgl_gamma_geom *near, double *phi, sgl_flow_info *info, sgl_err *err)
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
    double *y = ws->buf, *k1 = y + D, *k2 = k1 + D, *k3 = k2 + D, *k4 = k3 + D, *yt = k4 + D, *y1 = yt + D,
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
    sgl_gamma_geom *ng = ws->ng;
    double *lw = ws->lw;
    uint64_t next_lam = 0;
    int newton = 0;
    /* |grad L| cannot fall below its rounding error, about eps lambda_max |x|:
     * with a large init (e.g. the kernel regime, alpha >= 30) that floor is
     * above an absolute 1e-10, so the tolerance is the larger of the two */
    double tol = o.grad_tol;
    while (1) {
        if (has_hvp && isfinite(gn) && gn >= tol && gn < 1e-6 && newton < 8) {
            ++newton;
            if (near) pinv_step(near, y, k1);   /* chord Newton: the Hessian of the nearby point */
            else newton_step(m, ng, y, k1);
            gn = grad_at(m, y, k1, scr, &L);
            ++evals;
            continue;
        }
        if (has_hvp && evals >= next_lam && isfinite(gn)) {
            double lam = near ? near->evals[0] : sgl_lambda_max_ws(m, y, lw);
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
            double sc = o.rtol * (fabs(y[j]) + 1.0), r = fabs(ej) / sc;
            if (r > e) e = r;   /* fmax(e, r) without the libm call (e is never NaN; a NaN r is skipped) */
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
    memcpy(phi, y, D * sizeof *phi);
    inf.evals = evals;
    inf.t = t;
    inf.loss = L;
    inf.grad_norm = gn;
    if (info) *info = inf;
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

/* Symmetric eigen-decomposition of the live block of the D x D matrix A
 * (LAPACK dsyev, dsyevr from 64 live coordinates): vals (descending, live
 * entries) and vecs (D x D, column j = eigenvector j, only the first `live`
 * columns used).  work: live*live doubles + live. */
static int eig_live(const sgl_gamma_geom *g, const double *A, double *vals, double *vecs, double *work)
{
    const size_t D = g->D, n = g->live;
    double *B = work, *w = work + n * n;
    for (size_t i = 0; i < n; ++i)
        for (size_t j = 0; j < n; ++j) B[i * n + j] = A[g->live_idx[i] * D + g->live_idx[j]];
    /* from 64 live coordinates dsyevr (MRRR) is the cheaper solver here (measured with reference LAPACK:
     * 0.56 vs 0.67 ms at 64, 19 vs 30 ms at 200; below that dsyev is as fast or faster) */
    double *Z = n >= 64 ? sgl_alloc_doubles(n * n) : NULL;
    lapack_int *sup = Z ? sgl_malloc_array(2 * n, sizeof *sup) : NULL;
    lapack_int info, nf = 0;
    if (sup) {
        info = LAPACKE_dsyevr(LAPACK_ROW_MAJOR, 'V', 'A', 'U', (lapack_int)n, B, (lapack_int)n, 0.0, 0.0, 0, 0, 0.0,
                              &nf, w, Z, (lapack_int)n, sup);
        if (info == 0 && nf == (lapack_int)n) memcpy(B, Z, n * n * sizeof *B);
        else info = 1;
    } else {
        info = LAPACKE_dsyev(LAPACK_ROW_MAJOR, 'V', 'U', (lapack_int)n, B, (lapack_int)n, w);
    }
    sgl_free(Z);
    sgl_free(sup);
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
    double *scr = sgl_alloc_doubles(m->scratch_len + (m->data ? m->data->n : 0) + g->D + 8);
    if (!scr) return sgl_fail(err, SGL_ENOMEM, "geometry", "out of memory");
    sgl_status st = sgl_gamma_geometry_ws(m, x, near_tol, rank_tol, g, scr, NULL, 0u, err);
    sgl_free(scr);
    return st;
}

static double dotD(const double *a, const double *b, size_t D)
{
    double s = 0.0;
    for (size_t i = 0; i < D; ++i) s += a[i] * b[i];
    return s;
}

/* v <- (v - sum_i <q_i, v> q_i) / norm, twice (classical Gram-Schmidt over
 * the k columns of Q, D apart); 0 if v lost more than 1 - 1e-8 of its norm. */
static int orthonormalise(const double *Q, size_t k, size_t D, double *v)
{
    const double n0 = sqrt(dotD(v, v, D));
    for (int pass = 0; pass < 2; ++pass)
        for (size_t i = 0; i < k; ++i) {
            const double c = dotD(Q + i * D, v, D);
            for (size_t j = 0; j < D; ++j) v[j] -= c * Q[i * D + j];
        }
    const double n1 = sqrt(dotD(v, v, D));
    if (!(n1 > 1e-8 * n0) || !isfinite(n1)) return 0;
    for (size_t j = 0; j < D; ++j) v[j] /= n1;
    return 1;
}

/* Eigen-decomposition of the symmetric M x M matrix T (row-major) by cyclic
 * Jacobi rotations, in place of dsyev where T is nearly diagonal (the
 * Rayleigh-Ritz block below for M <= 8, whose basis is the previous step's
 * eigenvectors moved by O(dt^(1/2))): rotations shrink the off-diagonal part
 * quadratically, so two or three sweeps reach the stopping rule
 * off(T) <= 1e-16 |T|_F (Frobenius norms), i.e. eigenvalues within 1e-16
 * |T|_F of T's (Weyl) and eigenvectors within that over the gap -- the
 * accuracy of dsyev's backward-stable result.  Output as dsyev's: th
 * ascending, T overwritten by the eigenvectors in its columns.  V: M*M
 * doubles.  1: no convergence in 60 sweeps (not finite). */
static int jacobi_eig(size_t M, double *T, double *th, double *V)
{
    for (size_t i = 0; i < M; ++i)
        for (size_t j = 0; j < M; ++j) V[i * M + j] = i == j ? 1.0 : 0.0;
    for (int sweep = 0;; ++sweep) {
        double off = 0.0, all = 0.0;
        for (size_t i = 0; i < M; ++i)
            for (size_t j = 0; j < M; ++j) {
                const double t2 = T[i * M + j] * T[i * M + j];
                all += t2;
                if (i != j) off += t2;
            }
        if (!isfinite(all) || sweep == 60) return 1;
        if (off <= 1e-32 * all) break;
        for (size_t p = 0; p + 1 < M; ++p)
            for (size_t q = p + 1; q < M; ++q) {
                const double apq = T[p * M + q];
                if (apq == 0.0) continue;
                /* Rutishauser's rotation zeroing T_pq: t = tan of the angle, the smaller root */
                const double th2 = (T[q * M + q] - T[p * M + p]) / (2.0 * apq);
                const double t = (th2 >= 0.0 ? 1.0 : -1.0) / (fabs(th2) + sqrt(th2 * th2 + 1.0));
                const double c = 1.0 / sqrt(t * t + 1.0), sn = t * c;
                for (size_t k = 0; k < M; ++k) {   /* columns p, q of T */
                    const double tkp = T[k * M + p], tkq = T[k * M + q];
                    T[k * M + p] = c * tkp - sn * tkq;
                    T[k * M + q] = sn * tkp + c * tkq;
                }
                for (size_t k = 0; k < M; ++k) {   /* rows p, q */
                    const double tpk = T[p * M + k], tqk = T[q * M + k];
                    T[p * M + k] = c * tpk - sn * tqk;
                    T[q * M + k] = sn * tpk + c * tqk;
                }
                T[p * M + q] = T[q * M + p] = 0.0;
                for (size_t k = 0; k < M; ++k) {
                    const double vkp = V[k * M + p], vkq = V[k * M + q];
                    V[k * M + p] = c * vkp - sn * vkq;
                    V[k * M + q] = sn * vkp + c * vkq;
                }
            }
    }
    /* ascending, by selection (M is small; ties keep their order) */
    for (size_t j = 0; j < M; ++j) th[j] = T[j * M + j];
    for (size_t j = 0; j < M; ++j) {
        size_t lo = j;
        for (size_t k = j + 1; k < M; ++k)
            if (th[k] < th[lo]) lo = k;
        if (lo != j) {
            const double tv = th[j];
            th[j] = th[lo];
            th[lo] = tv;
            for (size_t k = 0; k < M; ++k) {
                const double vv = V[k * M + j];
                V[k * M + j] = V[k * M + lo];
                V[k * M + lo] = vv;
            }
        }
    }
    memcpy(T, V, M * M * sizeof *T);
    return 0;
}

/* The normal space at x from the M normal eigenvectors in g (those of a
 * point of Gamma O(dt) away, the limit's previous step): on Gamma the
 * Hessian has rank M, so its range is spanned by H v_1..H v_M, and a
 * Rayleigh-Ritz step on that span gives its M non-zero eigenpairs: 2M + 1
 * Hessian-vector products and an M x M eigenproblem instead of D products
 * and a D x D one.  A probe orthogonal to the result must see |H z| below
 * rank_tol lambda_1 (no new normal direction), else 1: the caller then
 * takes the dense route.  Fills evals (0 beyond M), evecs, rank, gap_ratio
 * (the probe's Rayleigh quotient over lambda_M). */
static int geometry_warm(const sgl_model *m, const double *x, sgl_gamma_geom *g, size_t M, double rank_tol,
                         sgl_gamma_ws *ws)
{
    const size_t D = g->D, n = g->live;
    double *Q = ws->sub, *HQ = Q + D * M, *T = HQ + D * M, *th = T + M * M, *z = th + M, *hz = z + D,
           *V = hz + D;   /* 2 D M + 2 M^2 + M + 2 D <= 3 D^2 + 3 D doubles */
    double *hs = ws->lw;   /* Hessian-vector scratch (the Lanczos workspace is not in use here) */
    double t0 = sgl_lp_now(ws);
    for (size_t k = 0; k < M; ++k) {
        for (size_t i = 0; i < D; ++i) z[i] = g->evecs[i * D + k];
        m->type->hvp(m, x, z, Q + k * D, hs);
    }
    sgl_lp_tick(ws, SGL_LP_HVP, &t0);
    for (size_t k = 0; k < M; ++k)
        if (!orthonormalise(Q, k, D, Q + k * D)) return 1;
    sgl_lp_tick(ws, SGL_LP_EIG, &t0);
    for (size_t k = 0; k < M; ++k) m->type->hvp(m, x, Q + k * D, HQ + k * D, hs);
    sgl_lp_tick(ws, SGL_LP_HVP, &t0);
    for (size_t a = 0; a < M; ++a)
        for (size_t b = a; b < M; ++b) {
            const double t = 0.5 * (dotD(Q + a * D, HQ + b * D, D) + dotD(Q + b * D, HQ + a * D, D));
            T[a * M + b] = t;
            T[b * M + a] = t;
        }
    /* Jacobi up to 8 x 8 (1.5 vs 2.5 us at 5 here), dsyev above (187 vs 360 us at 40, reference LAPACK) */
    if (M <= 8 ? jacobi_eig(M, T, th, V) != 0
               : LAPACKE_dsyev(LAPACK_ROW_MAJOR, 'V', 'U', (lapack_int)M, T, (lapack_int)M, th) != 0)
        return 1;
    const double l1 = th[M - 1];   /* ascending */
    if (!(l1 > 0.0) || !(th[0] > rank_tol * l1)) return 1;
    /* columns M.. live - 1 of the live rows: 0 (the rest of evecs is 0 already) */
    for (size_t q = 0; q < n; ++q) memset(g->evecs + g->live_idx[q] * D + M, 0, (n - M) * sizeof *g->evecs);
    for (size_t j = 0; j < n; ++j) g->evals[j] = 0.0;
    for (size_t j = 0; j < M; ++j) {
        const size_t src = M - 1 - j;
        g->evals[j] = th[src];
        for (size_t i = 0; i < D; ++i) {
            double s = 0.0;
            for (size_t a = 0; a < M; ++a) s += Q[a * D + i] * T[a * M + src];
            g->evecs[i * D + j] = s;
        }
    }
    /* probe: 1 + a Weyl sequence on the live coordinates, off the normal space */
    memset(z, 0, D * sizeof *z);
    for (size_t q = 0; q < n; ++q) z[g->live_idx[q]] = 1.0 + fmod(0.7548776662466927 * (double)(q + 1), 1.0);
    for (size_t k = 0; k < M; ++k)
        for (size_t i = 0; i < D; ++i) HQ[k * D + i] = g->evecs[i * D + k];
    if (!orthonormalise(HQ, M, D, z)) return 1;
    sgl_lp_tick(ws, SGL_LP_EIG, &t0);
    m->type->hvp(m, x, z, hz, hs);
    sgl_lp_tick(ws, SGL_LP_HVP, &t0);
    const double hn = sqrt(dotD(hz, hz, D));
    if (!(hn <= rank_tol * l1)) return 1;
    g->rank = M;
    g->gap_ratio = fmax(dotD(z, hz, D), 0.0) / g->evals[M - 1];
    return 0;
}

/* the dense route: Hessian, full eigen-decomposition, checks, rank */
static sgl_status geometry_dense(const sgl_model *m, const double *x, double rank_tol, sgl_gamma_geom *g,
                                 sgl_gamma_ws *ws, sgl_err *err)
{
    const size_t n = g->live;
    double t0 = sgl_lp_now(ws);
    sgl_status st = sgl_model_hessian(m, x, g->H, err);
    if (st != SGL_OK) return st;
    sgl_lp_tick(ws, SGL_LP_HVP, &t0);
    const int bad = eig_live(g, g->H, g->evals, g->evecs, g->work);
    sgl_lp_tick(ws, SGL_LP_EIG, &t0);
    if (bad) return sgl_fail(err, SGL_EINVAL, "theta", "LAPACK dsyev failed on the Hessian (not finite?)");
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
    return SGL_OK;
}

sgl_status sgl_gamma_geometry_ws(const sgl_model *m, const double *x, double near_tol, double rank_tol,
                                 sgl_gamma_geom *g, double *scr, sgl_gamma_ws *ws, unsigned how, sgl_err *err)
{
    const int warm = (how & SGL_GEOM_WARM) != 0;
    const size_t D = g->D, n = g->live, M0 = g->rank;
    if (!(near_tol > 0.0) || !(rank_tol > 0.0 && rank_tol < 1.0))
        return sgl_fail(err, SGL_EINVAL, "geometry", "near_tol must be > 0 and rank_tol in (0, 1)");
    double *gr = g->work;   /* D + scratch: use a fresh block */
    double t0 = sgl_lp_now(ws);
    g->grad_norm = grad_at(m, x, gr, scr, &g->loss);
    sgl_lp_tick(ws, SGL_LP_HVP, &t0);
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
    if (!(warm && ws && ws->sub && M0 > 0 && M0 <= n && geometry_warm(m, x, g, M0, rank_tol, ws) == 0)) {
        sgl_status st = geometry_dense(m, x, rank_tol, g, ws, err);
        if (st != SGL_OK) return st;
    }
    if (how & SGL_GEOM_NO_OPS) return SGL_OK;
    t0 = sgl_lp_now(ws);
    const size_t M = g->rank;
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
    sgl_lp_tick(ws, SGL_LP_PROJ, &t0);
    return SGL_OK;
}

void sgl_gamma_par_apply(const sgl_gamma_geom *g, const double *v, double *out, double *c)
{
    const size_t D = g->D, M = g->rank;
    for (size_t k = 0; k < M; ++k) c[k] = 0.0;
    for (size_t q = 0; q < g->live; ++q) {   /* c = V^T v, row by row of evecs */
        const size_t i = g->live_idx[q];
        const double *vi = g->evecs + i * D;
        for (size_t k = 0; k < M; ++k) c[k] += vi[k] * v[i];
    }
    for (size_t i = 0; i < D; ++i) out[i] = 0.0;
    for (size_t q = 0; q < g->live; ++q) {
        const size_t i = g->live_idx[q];
        const double *vi = g->evecs + i * D;
        double s = 0.0;
        for (size_t k = 0; k < M; ++k) s += vi[k] * c[k];
        out[i] = v[i] - s;
    }
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
