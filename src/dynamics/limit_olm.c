/* The Li-Wang-Arora label-noise limit on the diagonal linear net (the "OLM"
 * of LWA Section 6, THEORY.md 2.7), w = u*u - v*v, L = (1/n) sum_i a r_i^2.
 *
 * Gradient flow from (u0, v0) keeps u = u0 e^{Z^T mu}, v = v0 e^{-Z^T mu}
 * (du/dt = -(4a/n) u (Z^T r), dv/dt = +(4a/n) v (Z^T r)), so its end point
 * Phi(u0, v0) on Gamma = {Z w = y} is the minimiser over mu in R^n of the
 * strictly convex
 *     F(mu) = 1/2 sum_j (u0_j^2 e^{2 s_j} + v0_j^2 e^{-2 s_j}) - y.mu,  s = Z^T mu,
 * whose gradient is Z w(mu) - y.  sgl_olm_project finds it by damped Newton
 * (the Hessian is 2 Z diag(u^2 + v^2) Z^T).  This is the exact gradient-flow
 * projection Phi, and also the eta -> 0 limit of GD (THEORY.md C3/C4).
 *
 * The limit flow on Gamma (slow time t = eta^2 k, psi = 4 a c_lab,
 * c_lab = 2 a delta^2 / B) is
 *     du/dt = -psi c u + (Z^T lambda) u,  dv/dt = -psi c v - (Z^T lambda) v,
 * lambda the multiplier that keeps Z w = y.  The lambda terms move along the
 * gradient-flow family above, so the flow is integrated by Lie splitting:
 * the exact shrink u, v <- e^{-psi c dt} (u, v), then the exact projection
 * Phi.  Consequences, both tested: u_j v_j(t) = u_j v_j(0) e^{-2 psi c_j t}
 * exactly (the projection leaves u_j v_j unchanged), and the fixed points are
 * the KKT points of min sum_j c_j |w_j| s.t. Z w = y for every dt (weighted
 * basis pursuit, LWA Lemma 6.5); the path itself is first order in dt.
 * The flow is stopped by a duality-gap certificate (duality_gap below), not
 * by u_j v_j -> 0: every u_j v_j vanishes long before the support has
 * settled (the slowest mode decays like e^{-(1 - |sigma_j|) psi c_j t},
 * sigma the dual certificate), which an earlier stopping rule got wrong.
 *
 * Linear algebra is this file's own Cholesky in a fixed order, so results do
 * not depend on a BLAS build or on threads. */
#include "../internal.h"

#include <math.h>
#include <string.h>

/* M = Z diag(q) Z^T (n x n, row-major, full), fixed order */
static void zdzt(const sgl_data *D, const double *q, double *M)
{
    const size_t n = D->n, d = D->d, ld = D->ld;
    for (size_t i = 0; i < n; ++i) {
        const double *zi = D->Z + i * ld;
        for (size_t k = 0; k <= i; ++k) {
            const double *zk = D->Z + k * ld;
            double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
            size_t j = 0;
            for (; j + 4 <= d; j += 4) {
                s0 += zi[j] * q[j] * zk[j];
                s1 += zi[j + 1] * q[j + 1] * zk[j + 1];
                s2 += zi[j + 2] * q[j + 2] * zk[j + 2];
                s3 += zi[j + 3] * q[j + 3] * zk[j + 3];
            }
            for (; j < d; ++j) s0 += zi[j] * q[j] * zk[j];
            M[i * n + k] = M[k * n + i] = (s0 + s1) + (s2 + s3);
        }
    }
}

/* in-place Cholesky M = L L^T (lower triangle); 0 on success, -1 if M is not
 * numerically positive definite */
static int cholesky(double *M, size_t n)
{
    for (size_t j = 0; j < n; ++j) {
        double s = M[j * n + j];
        for (size_t k = 0; k < j; ++k) s -= M[j * n + k] * M[j * n + k];
        if (!(s > 0) || !isfinite(s)) return -1;
        double l = sqrt(s);
        M[j * n + j] = l;
        for (size_t i = j + 1; i < n; ++i) {
            double t = M[i * n + j];
            const double *ri = M + i * n, *rj = M + j * n;
            for (size_t k = 0; k < j; ++k) t -= ri[k] * rj[k];
            M[i * n + j] = t / l;
        }
    }
    return 0;
}

static void chol_solve(const double *L, size_t n, double *x)
{
    for (size_t i = 0; i < n; ++i) {
        double t = x[i];
        for (size_t k = 0; k < i; ++k) t -= L[i * n + k] * x[k];
        x[i] = t / L[i * n + i];
    }
    for (size_t i = n; i-- > 0;) {
        double t = x[i];
        for (size_t k = i + 1; k < n; ++k) t -= L[k * n + i] * x[k];
        x[i] = t / L[i * n + i];
    }
}

/* s = Z^T mu */
static void zt_mu(const sgl_data *D, const double *mu, double *s)
{
    const size_t n = D->n, d = D->d, ld = D->ld;
    for (size_t j = 0; j < d; ++j) s[j] = 0.0;
    for (size_t i = 0; i < n; ++i) {
        const double *zi = D->Z + i * ld;
        const double m = mu[i];
        for (size_t j = 0; j < d; ++j) s[j] += zi[j] * m;
    }
}

static size_t sgl_olm_work_len(const sgl_data *D) { return D->n * D->n + 4 * D->n + 5 * D->d; }

/* F(mu) and w(mu), u2/v2 = u0^2, v0^2 */
static double olm_F(const sgl_data *D, const double *u2, const double *v2, const double *mu,
                    double *s, double *w)
{
    zt_mu(D, mu, s);
    double F = 0.0;
    for (size_t j = 0; j < D->d; ++j) {
        double ep = exp(2.0 * s[j]), em = exp(-2.0 * s[j]);
        F += 0.5 * (u2[j] * ep + v2[j] * em);
        w[j] = u2[j] * ep - v2[j] * em;
    }
    for (size_t i = 0; i < D->n; ++i) F -= D->y[i] * mu[i];
    return F;
}

static double resid_inf(const sgl_data *D, const double *w, double *g)
{
    double m = 0.0;
    for (size_t i = 0; i < D->n; ++i) {
        const double *zi = D->Z + i * D->ld;
        double t = 0.0;
        for (size_t j = 0; j < D->d; ++j) t += zi[j] * w[j];
        g[i] = t - D->y[i];
        if (fabs(g[i]) > m || g[i] != g[i]) m = fabs(g[i]);
    }
    return m;
}

/* work: sgl_olm_work_len doubles; on return work[n*n .. n*n + n) holds the
 * multiplier mu of the projection (u <- u e^{Z^T mu}, v <- v e^{-Z^T mu}) */
static sgl_status project(const sgl_data *D, double *u, double *v, double tol, unsigned *iters,
                          double *work, sgl_err *err)
{
    const size_t n = D->n, d = D->d;
    double *M = work, *mu = M + n * n, *g = mu + n, *step = g + n, *mu2 = step + n;
    double *u2 = mu2 + n, *v2 = u2 + d, *s = v2 + d, *w = s + d, *q = w + d;
    double ymax = 0.0;
    for (size_t i = 0; i < n; ++i) ymax = fmax(ymax, fabs(D->y[i]));
    const double target = tol * fmax(1.0, ymax);
    for (size_t j = 0; j < d; ++j) u2[j] = u[j] * u[j], v2[j] = v[j] * v[j];
    for (size_t i = 0; i < n; ++i) mu[i] = 0.0;
    double F = olm_F(D, u2, v2, mu, s, w);
    double r = resid_inf(D, w, g);
    unsigned it = 0;
    for (; r > target; ++it) {
        if (it == 200 || !isfinite(F))
            return sgl_fail(err, SGL_DIVERGED, "projection",
                            "gradient-flow projection onto Z w = y did not converge (max residual %.3g after %u Newton steps)",
                            r, it);
        for (size_t j = 0; j < d; ++j) q[j] = 2.0 * (u2[j] * exp(2.0 * s[j]) + v2[j] * exp(-2.0 * s[j]));
        /* Z diag(q) Z^T is singular once fewer than n coordinates are alive
         * (the flow has settled on a support smaller than n): then the
         * Levenberg-Marquardt step (M + tau I) with the smallest tau that
         * factorises; the line search keeps it a descent step */
        double tau = 0.0, tr = 0.0;
        for (;;) {
            zdzt(D, q, M);
            if (tau == 0.0)
                for (size_t i = 0; i < n; ++i) tr += M[i * n + i];
            for (size_t i = 0; i < n; ++i) M[i * n + i] += tau;
            if (cholesky(M, n) == 0) break;
            tau = tau == 0.0 ? 1e-14 * tr / (double)n : 100.0 * tau;
            if (!(tau <= tr) || !isfinite(tr))
                return sgl_fail(err, SGL_EINVAL, "data",
                                "Z diag(u^2 + v^2) Z^T is singular even with damping: the rows of Z are dependent");
        }
        for (size_t i = 0; i < n; ++i) step[i] = -g[i];
        chol_solve(M, n, step);
        double slope = 0.0;
        for (size_t i = 0; i < n; ++i) slope += g[i] * step[i];
        /* backtracking: accept a step that decreases F enough (Armijo) or, once
         * the decrease of F is below its rounding error, halves the residual */
        double a = 1.0, F2 = F, r2 = r;
        for (int bt = 0; bt < 60; ++bt, a *= 0.5) {
            for (size_t i = 0; i < n; ++i) mu2[i] = mu[i] + a * step[i];
            F2 = olm_F(D, u2, v2, mu2, s, w);
            if (!isfinite(F2)) continue;
            r2 = resid_inf(D, w, q);
            if (F2 <= F + 1e-4 * a * slope || r2 <= 0.5 * r) break;
        }
        memcpy(mu, mu2, n * sizeof *mu);
        memcpy(g, q, n * sizeof *g);
        F = F2;
        r = r2;
    }
    zt_mu(D, mu, s);
    for (size_t j = 0; j < d; ++j) {
        double e = exp(s[j]);
        u[j] *= e;
        v[j] /= e;
    }
    if (iters) *iters = it;
    return SGL_OK;
}

static sgl_status check_uv(const sgl_data *D, const double *u, const double *v, sgl_err *err)
{
    if (!D || D->n == 0 || D->d == 0) return sgl_fail(err, SGL_EINVAL, "data", "empty data set");
    for (size_t j = 0; j < D->d; ++j)
        if (!isfinite(u[j]) || !isfinite(v[j]))
            return sgl_fail(err, SGL_EINVAL, "init", "u_%zu or v_%zu is not finite", j, j);
    return SGL_OK;
}

sgl_status sgl_olm_project(const sgl_data *D, double *u, double *v, double tol, unsigned *newton_steps,
                           sgl_err *err)
{
    sgl_status st = check_uv(D, u, v, err);
    if (st) return st;
    if (!(tol > 0)) return sgl_fail(err, SGL_EINVAL, "tol", "tolerance must be > 0");
    double *work = sgl_malloc_array(sgl_olm_work_len(D), sizeof *work);
    if (!work) return sgl_fail(err, SGL_ENOMEM, "data", "out of memory");
    st = project(D, u, v, tol, newton_steps, work, err);
    sgl_free(work);
    return st;
}

void sgl_olm_opts_default(sgl_olm_opts *o)
{
    o->a = 0.5;
    o->delta = 1.0;
    o->batch = 1;
    o->dt = 0.0;        /* 0: 0.25 / (psi max_j c_j) */
    o->t_max = 1e3;
    o->gap_tol = 1e-6;
    o->proj_tol = 1e-12;

}

double sgl_olm_psi(const sgl_olm_opts *o)
{
    double c_lab = 2.0 * o->a * o->delta * o->delta / (double)o->batch;
    return 4.0 * o->a * c_lab;
}

/* Convergence of the flow, by weak duality for min sum c|w| s.t. Zw = y
 * (dual: max y.nu s.t. |Z^T nu|_j <= c_j).  A step of length h shrinks by
 * e^{-psi c h} and the projection multiplies back by e^{+-Z^T mu}; at a fixed
 * point (Z^T mu)_j = psi c_j h sign(w_j) on the support, so nu = mu/(psi h)
 * is a dual certificate.  Scaled to feasibility it gives the lower bound
 * y.nu / max(1, max_j |Z^T nu|_j / c_j) <= min sum c|w|, and the relative
 * duality gap (sum c|w| - bound) / sum c|w| bounds the suboptimality of w. */
static double duality_gap(const sgl_data *D, const double *u, const double *v, const double *mu, double psi_h,
                          double *s, double *feas)
{
    zt_mu(D, mu, s);
    double P = 0.0, scale = 1.0, yn = 0.0;
    for (size_t j = 0; j < D->d; ++j) {
        P += D->colsq[j] * fabs(u[j] * u[j] - v[j] * v[j]);
        double r = fabs(s[j]) / (psi_h * D->colsq[j]);
        if (r > scale) scale = r;
    }
    for (size_t i = 0; i < D->n; ++i) yn += D->y[i] * mu[i];
    yn /= psi_h;
    *feas = scale;
    return P > 0 ? (P - yn / scale) / P : 0.0;
}

sgl_status sgl_olm_limit(const sgl_data *D, const sgl_olm_opts *o, double *u, double *v,
                         sgl_olm_info *info, sgl_err *err)
{
    memset(info, 0, sizeof *info);
    sgl_status st = check_uv(D, u, v, err);
    if (st) return st;
    if (!(o->a > 0) || !isfinite(o->a)) return sgl_fail(err, SGL_EINVAL, "loss-a", "must be finite and > 0");
    if (!(o->delta > 0) || !isfinite(o->delta)) return sgl_fail(err, SGL_EINVAL, "delta", "label-noise std must be finite and > 0");
    if (o->batch == 0) return sgl_fail(err, SGL_EINVAL, "batch", "must be >= 1");
    if (!(o->dt >= 0) || !isfinite(o->dt)) return sgl_fail(err, SGL_EINVAL, "dt", "must be >= 0 (0: automatic)");
    if (!(o->t_max > 0) || !isfinite(o->t_max)) return sgl_fail(err, SGL_EINVAL, "T", "limit time must be finite and > 0");
    if (!(o->gap_tol >= 0)) return sgl_fail(err, SGL_EINVAL, "gap-tol", "must be >= 0");
    if (!(o->proj_tol > 0)) return sgl_fail(err, SGL_EINVAL, "proj-tol", "must be > 0");
    const double psi = sgl_olm_psi(o);
    double cmax = 0.0;
    for (size_t j = 0; j < D->d; ++j) cmax = fmax(cmax, D->colsq[j]);
    const double dt0 = o->dt > 0 ? o->dt : 0.25 / (psi * cmax);
    const size_t wl = sgl_olm_work_len(D);
    double *work = sgl_malloc_array(wl + 2 * D->d, sizeof *work);
    if (!work) return sgl_fail(err, SGL_ENOMEM, "data", "out of memory");
    double *shrink = work + wl, *zs = shrink + D->d;
    const double *mu = work + D->n * D->n;
    unsigned it = 0;
    st = project(D, u, v, o->proj_tol, &it, work, err);   /* Phi(x0): the fast phase */
    info->newton_steps += it;
    info->gap = NAN;
    info->dual_feas = NAN;
    double t = 0.0, h = dt0, h_prev = 0.0;
    uint64_t steps = 0;
    while (st == SGL_OK && t < o->t_max) {
        if (t + h > o->t_max) h = o->t_max - t;
        if (h != h_prev)
            for (size_t j = 0; j < D->d; ++j) shrink[j] = exp(-psi * D->colsq[j] * h);
        for (size_t j = 0; j < D->d; ++j) u[j] *= shrink[j], v[j] *= shrink[j];
        st = project(D, u, v, o->proj_tol, &it, work, err);
        info->newton_steps += it;
        t = (t + h >= o->t_max) ? o->t_max : t + h;
        ++steps;
        h_prev = h;
        if (st != SGL_OK) break;
        info->gap = duality_gap(D, u, v, mu, psi * h, zs, &info->dual_feas);
        if (o->gap_tol > 0 && info->gap <= o->gap_tol) {
            info->converged = 1;
            break;
        }
    }
    info->dt = dt0;   /* the nominal step (the last one may be shorter, to end at t_max) */
    info->t = t;
    info->steps = steps;
    sgl_free(work);
    return st;
}

/* Plain full-batch GD on the diagonal net (for comparisons with Phi):
 * u <- u - eta (4a/n) u (Z^T r), v <- v + eta (4a/n) v (Z^T r). */
sgl_status sgl_olm_gd(const sgl_data *D, double a, double eta, uint64_t steps, double *u, double *v,
                      sgl_err *err)
{
    sgl_status st = check_uv(D, u, v, err);
    if (st) return st;
    if (!(eta > 0) || !isfinite(eta)) return sgl_fail(err, SGL_EINVAL, "lr", "must be finite and > 0");
    double *r = sgl_malloc_array(D->n + D->d + D->d, sizeof *r);
    if (!r) return sgl_fail(err, SGL_ENOMEM, "data", "out of memory");
    double *g = r + D->n, *w = g + D->d;
    const double c = eta * 4.0 * a / (double)D->n;
    for (uint64_t k = 0; k < steps; ++k) {
        for (size_t j = 0; j < D->d; ++j) w[j] = u[j] * u[j] - v[j] * v[j];
        resid_inf(D, w, r);
        for (size_t j = 0; j < D->d; ++j) g[j] = 0.0;
        for (size_t i = 0; i < D->n; ++i) {
            const double *zi = D->Z + i * D->ld;
            for (size_t j = 0; j < D->d; ++j) g[j] += zi[j] * r[i];
        }
        for (size_t j = 0; j < D->d; ++j) {
            u[j] -= c * u[j] * g[j];
            v[j] += c * v[j] * g[j];
        }
        if (!isfinite(u[0] + v[0])) {
            sgl_free(r);
            return sgl_fail(err, SGL_DIVERGED, "lr", "GD diverged at step %llu; lower the learning rate",
                            (unsigned long long)k);
        }
    }
    sgl_free(r);
    return SGL_OK;
}
