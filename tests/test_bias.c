/* Implicit-bias known answers (THEORY.md 9.1).
 *
 *  C8  GD on the quadratic model w = v*v from v = alpha 1 keeps log(w/alpha^2)
 *      in rowspan(Z) up to O(eta) discretisation (~1e-3 at lr = 0.01).
 *  C3  the same for the diagonal net: arcsinh(w/(2 alpha^2)) in rowspan(Z).
 *  C4  kernel regime: the min-l2 interpolator's test error has the exact law
 *      ||w*||^2 Beta((d-n)/2, n/2) (mean (1 - n/d)||w*||^2 = 3), and GD on the
 *      diagonal net from a large alpha = 10 ends at the min-l2 interpolator.
 *
 * The only statistical check is the C4 mean over 64 data draws (|z| < 4.89,
 * two-sided 1e-6).  The other tolerances bound deterministic discretisation
 * errors, with the measured values printed: about 2x the observed value for
 * discretisation errors (the native and portable builds give the same bits),
 * about 20x for rounding-level residuals. */
#include "plan.h"
#include "testutil.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------- dense algebra */

/* In-place Cholesky of the n x n SPD matrix A (row-major); 0 on success. */
static int cholesky(double *A, size_t n)
{
    for (size_t j = 0; j < n; ++j) {
        double s = A[j * n + j];
        for (size_t k = 0; k < j; ++k) s -= A[j * n + k] * A[j * n + k];
        if (!(s > 0.0)) return 1;
        double l = sqrt(s);
        A[j * n + j] = l;
        for (size_t i = j + 1; i < n; ++i) {
            double t = A[i * n + j];
            for (size_t k = 0; k < j; ++k) t -= A[i * n + k] * A[j * n + k];
            A[i * n + j] = t / l;
        }
    }
    return 0;
}

/* Solve L L^T x = b in place. */
static void chol_solve(const double *L, size_t n, double *b)
{
    for (size_t i = 0; i < n; ++i) {
        double t = b[i];
        for (size_t k = 0; k < i; ++k) t -= L[i * n + k] * b[k];
        b[i] = t / L[i * n + i];
    }
    for (size_t i = n; i-- > 0;) {
        double t = b[i];
        for (size_t k = i + 1; k < n; ++k) t -= L[k * n + i] * b[k];
        b[i] = t / L[i * n + i];
    }
}

/* Least squares against the rows of Z (n x d, leading dimension ld):
 * c = (Z Z^T)^{-1} rhs_n, then out_d = Z^T c.  Used two ways:
 *   rhs = Z s   -> out = P_row s (projection onto rowspan(Z));
 *   rhs = y     -> out = min-l2 interpolator of Z w = y.
 * Returns 0 on success. */
static int row_solve(const sgl_data *D, const double *rhs, double *out)
{
    const size_t n = D->n, d = D->d, ld = D->ld;
    double *G = malloc(n * n * sizeof *G), *c = malloc(n * sizeof *c);
    for (size_t i = 0; i < n; ++i)
        for (size_t k = 0; k <= i; ++k) {
            double s = 0.0;
            for (size_t j = 0; j < d; ++j) s += D->Z[i * ld + j] * D->Z[k * ld + j];
            G[i * n + k] = G[k * n + i] = s;
        }
    memcpy(c, rhs, n * sizeof *c);
    int bad = cholesky(G, n);
    if (!bad) {
        chol_solve(G, n, c);
        for (size_t j = 0; j < d; ++j) {
            double s = 0.0;
            for (size_t i = 0; i < n; ++i) s += D->Z[i * ld + j] * c[i];
            out[j] = s;
        }
    }
    free(G);
    free(c);
    return bad;
}

/* ||(I - P_row) s|| / ||s|| over the d real coordinates */
static double rowspan_residual(const sgl_data *D, const double *s)
{
    const size_t n = D->n, d = D->d, ld = D->ld;
    double *zs = malloc(n * sizeof *zs), *ps = malloc(d * sizeof *ps);
    for (size_t i = 0; i < n; ++i) {
        double t = 0.0;
        for (size_t j = 0; j < d; ++j) t += D->Z[i * ld + j] * s[j];
        zs[i] = t;
    }
    double num = 0.0, den = 0.0;
    if (row_solve(D, zs, ps) == 0)
        for (size_t j = 0; j < d; ++j) {
            num += (s[j] - ps[j]) * (s[j] - ps[j]);
            den += s[j] * s[j];
        }
    else
        num = NAN;
    free(zs);
    free(ps);
    return sqrt(num / den);
}

static double sq_dist(const double *a, const double *b, size_t d)
{
    double s = 0.0;
    for (size_t j = 0; j < d; ++j) s += (a[j] - b[j]) * (a[j] - b[j]);
    return s;
}

/* ------------------------------------------------------- a GD run */

typedef struct {
    sgl_plan *p;
    sgl_traj *t;
    double *w, *scr;
    double loss0, loss;
    uint64_t steps;
    int diverged;
} gd_run;

/* Full-batch GD (noise "none") on data draw 0 of seed 1 (d = 100, n = 40,
 * kappa = 5, w* = 1 on the support), until the train loss is below
 * loss_stop (checked every 1000 steps) or max_steps. */
static int gd(gd_run *g, const char *model, double alpha, double lr, uint64_t max_steps, double loss_stop)
{
    memset(g, 0, sizeof *g);
    sgl_spec sp;
    sgl_spec_defaults(&sp);
    sp.model = model;
    sp.noise = "none";
    sp.alpha = alpha;
    sp.lr = lr;
    sp.data.d = 100;
    sp.data.n = 40;
    sp.data.kappa = 5;
    sp.data_draw = SGL_DRAW_SHARED;
    sp.seeds = 1;
    sp.steps = max_steps;
    sp.every = max_steps;
    sgl_err err;
    memset(&err, 0, sizeof err);
    sgl_status st = sgl_plan_alloc(&sp, &g->p, &err);
    if (!check_true(st == SGL_OK, "GD %s alpha=%g: plan status obs=%d exp=0 %s %s", model, alpha, (int)st, err.field,
                    err.msg))
        return 1;
    sgl_traj_alloc(g->p, &g->t);
    sgl_traj_init(g->p, g->t, 0);
    g->w = calloc(g->t->data->ld, sizeof *g->w);
    g->scr = malloc((g->t->model.scratch_len + 2 * g->t->data->n) * sizeof *g->scr);
    uint64_t k = 0;
    const uint64_t chunk = 1000;
    g->loss = g->loss0 = sgl_model_loss_grad(&g->t->model, g->t->theta, NULL, g->scr);
    while (k < max_steps && !(g->loss < loss_stop)) {
        uint64_t k1 = k + chunk < max_steps ? k + chunk : max_steps;
        if (sgl_traj_advance(g->p, g->t, k, k1)) {
            g->diverged = 1;
            break;
        }
        k = k1;
        g->loss = sgl_model_loss_grad(&g->t->model, g->t->theta, NULL, g->scr);
    }
    g->steps = k;
    g->t->model.type->weights(&g->t->model, g->t->theta, g->w);
    return 0;
}

static void gd_free(gd_run *g)
{
    free(g->w);
    free(g->scr);
    sgl_traj_free(g->t);
    sgl_plan_free(g->p);
}

/* ------------------------------------------------------- C8, C3 */

/* Small init (alpha = 0.1) converges slowly (rich regime: the small
 * off-support coordinates shrink only logarithmically), so it gets a larger
 * budget and a looser loss target; the rowspan property holds along the whole
 * GD path, not only at convergence. */
static double test_c8(double alpha, double lr, uint64_t max_steps, double loss_tol)
{
    gd_run g;
    if (gd(&g, "quadratic", alpha, lr, max_steps, 1e-12)) return NAN;
    const sgl_data *D = g.t->data;
    printf("C8 alpha=%g lr=%g: %llu GD steps, train loss %.3g\n", alpha, lr, (unsigned long long)g.steps, g.loss);
    check_true(!g.diverged, "C8 quadratic GD alpha=%g lr=%g: not diverged", alpha, lr);
    check_le(g.loss, loss_tol, "C8 quadratic GD alpha=%g lr=%g: train loss after %llu steps (from %.4g at k=0)",
             alpha, lr, (unsigned long long)g.steps, g.loss0);
    double *s = malloc(D->d * sizeof *s);
    long nonpos = 0;
    for (size_t j = 0; j < D->d; ++j) {
        nonpos += !(g.w[j] > 0.0);
        s[j] = log(g.w[j] / (alpha * alpha));
    }
    check_true(nonpos == 0, "C8 alpha=%g lr=%g: w = v*v > 0 on all coordinates (%ld not)", alpha, lr, nonpos);
    /* THEORY.md 9.1 C8: ~1e-3 at lr = 0.01, an O(eta) discretisation effect: observed 0.114 eta
     * (alpha = 1, both rates) and 0.118 eta (alpha = 0.1); bound 0.2 eta */
    double res = rowspan_residual(D, s);
    check_le(res, 0.2 * lr, "C8 alpha=%g lr=%g: ||(I - P_row) log(w/alpha^2)|| / ||log(w/alpha^2)|| (THEORY ~1e-3 at lr=0.01)",
             alpha, lr);
    /* THEORY C8 magnitudes: alpha = 0.1 recovers w* without noise (0.041 on its
     * draw), alpha = 1 does not (64.3, the same draw as here) */
    double te = sq_dist(g.w, D->wstar, D->d);
    if (alpha < 0.5)
        check_le(te, 0.5, "C8 alpha=%g lr=%g: small init recovers w*, test error ||w - w*||^2", alpha, lr);
    else
        check_true(te > 10.0, "C8 alpha=%g lr=%g: large init does not recover w*: test error obs=%.6g exp > 10 (THEORY.md C8: 64.3)",
                   alpha, lr, te);
    free(s);
    gd_free(&g);
    return res;
}

static void test_c3(double alpha, double lr, double tol)
{
    gd_run g;
    if (gd(&g, "diagnet", alpha, lr, 200000, 1e-12)) return;
    const sgl_data *D = g.t->data;
    printf("C3 alpha=%g lr=%g: %llu GD steps, train loss %.3g\n", alpha, lr, (unsigned long long)g.steps, g.loss);
    check_le(g.loss, 1e-10, "C3 diagnet GD alpha=%g lr=%g: train loss after %llu steps", alpha, lr,
             (unsigned long long)g.steps);
    double *s = malloc(D->d * sizeof *s);
    for (size_t j = 0; j < D->d; ++j) s[j] = asinh(g.w[j] / (2.0 * alpha * alpha));
    double res = rowspan_residual(D, s);
    check_le(res, tol, "C3 alpha=%g lr=%g: ||(I - P_row) arcsinh(w/2alpha^2)|| / ||.|| (observed 5.8e-4 at lr = 0.01)", alpha, lr);
    free(s);
    gd_free(&g);
}

/* ------------------------------------------------------- C4 */

static void test_c4_minl2(void)
{
    /* Gaussian rows: rowspan(Z) is a uniformly random n-dim subspace of R^d, so
     * for the min-l2 interpolator w = P_row w*,
     *   ||w - w*||^2 = ||(I - P_row) w*||^2 ~ ||w*||^2 Beta((d - n)/2, n/2),
     * mean (1 - n/d)||w*||^2 = 3 and variance ||w*||^4 ab/((a+b)^2(a+b+1)) with
     * a = 30, b = 20.  Mean over R = 64 independent draws: z-test, |z| < 4.89
     * (two-sided 1e-6; the mean of 64 near-symmetric Beta(30,20) is very close
     * to normal). */
    const size_t d = 100, n = 40, kappa = 5;
    const uint32_t R = 64;
    const double wsq = (double)kappa, A = (d - n) / 2.0, B = n / 2.0;
    const double mean = wsq * A / (A + B), var = wsq * wsq * A * B / ((A + B) * (A + B) * (A + B + 1.0));
    sgl_data_spec ds;
    memset(&ds, 0, sizeof ds);
    ds.input = SGL_INPUT_GAUSSIAN;
    ds.truth = SGL_TRUTH_ONES;
    ds.d = d;
    ds.n = n;
    ds.kappa = kappa;
    double sum = 0.0, interp = 0.0;
    double *w = malloc(d * sizeof *w);
    for (uint32_t r = 0; r < R; ++r) {
        sgl_data *D = NULL;
        sgl_err err;
        if (sgl_data_alloc(&ds, 1, r, &D, &err) != SGL_OK) {
            check_true(0, "C4: data draw %u: %s", r, err.msg);
            free(w);
            return;
        }
        row_solve(D, D->y, w);
        for (size_t i = 0; i < n; ++i) {
            double f = 0.0;
            for (size_t j = 0; j < d; ++j) f += D->Z[i * D->ld + j] * w[j];
            interp = fmax(interp, fabs(f - D->y[i]) / fmax(1.0, fabs(D->y[i])));
        }
        sum += sq_dist(w, D->wstar, d);
        sgl_data_free(D);
    }
    free(w);
    check_le(interp, 1e-13, "C4: min-l2 solution interpolates (max |Zw - y| / max(1,|y|) over 64 draws; observed 6e-15)");
    check_z(sum / R, mean, sqrt(var / R), 4.89, "C4: mean test error of the min-l2 interpolator over 64 draws vs (1-n/d)||w*||^2");
}

static void test_c4_gd(void)
{
    /* Large init (alpha = 10, w*_j = 1 << alpha^2): the kernel regime, where
     * GD's limit is the min-l2 interpolator up to O(|w| / alpha^2) ~ 1e-2.
     * At lr = 1e-4 the slowest kernel mode contracts by ~3% per step, so the
     * loss reaches 1e-10 in well under 30000 steps. */
    gd_run g;
    if (gd(&g, "diagnet", 10.0, 1e-4, 30000, 1e-10)) return;
    const sgl_data *D = g.t->data;
    printf("C4 GD alpha=10 lr=1e-4: %llu steps, train loss %.3g\n", (unsigned long long)g.steps, g.loss);
    check_le(g.loss, 1e-10, "C4 GD diagnet alpha=10 lr=1e-4: train loss after %llu steps",
             (unsigned long long)g.steps);
    double *wl2 = malloc(D->d * sizeof *wl2);
    if (row_solve(D, D->y, wl2) == 0) {
        double nl2 = 0.0;
        for (size_t j = 0; j < D->d; ++j) nl2 += wl2[j] * wl2[j];
        double rel = sqrt(sq_dist(g.w, wl2, D->d) / nl2);
        /* observed 4.8e-7 (the kernel-regime bound O(|w|/alpha^2) ~ 1e-2 is far from tight here) */
        check_le(rel, 1e-6, "C4 GD alpha=10: ||w_GD - w_l2|| / ||w_l2||");
        double e_gd = sq_dist(g.w, D->wstar, D->d), e_l2 = sq_dist(wl2, D->wstar, D->d);
        check_rel(e_gd, e_l2, 2e-6, "C4 GD alpha=10: test error ||w_GD - w*||^2 vs min-l2 test error (observed 7.3e-7)");
    } else {
        check_true(0, "C4 GD alpha=10: Z Z^T is not positive definite");
    }
    free(wl2);
    gd_free(&g);
}

int main(void)
{
    double r1 = test_c8(1.0, 0.01, 20000, 1e-10);
    test_c8(0.1, 0.01, 100000, 1e-5);
    double r2 = test_c8(1.0, 0.005, 40000, 1e-10);
    /* the residual is GD's O(eta) discretisation: halving eta halves it */
    /* 2 + O(eta): observed 2.037 */
    check_rel(r1 / r2, 2.0, 0.05, "C8 alpha=1: residual(lr=0.01) / residual(lr=0.005) ~ 2 (O(eta))");
    test_c3(1.0, 0.01, 1e-3);
    test_c4_minl2();
    test_c4_gd();
    return done();
}
