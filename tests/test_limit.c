/* Geometry of Gamma and the Li-Wang-Arora limit (src/dynamics/manifold.c,
 * limit.c): known answers on the sphere, Phi against an independent
 * integrator, the Lyapunov inverse by its defining equation, closed forms
 * against the general four-term form, and THEORY.md checks C5, C6, C9/C2,
 * C10, C11 (limit vs closed form; SGD vs limit); the limit's fast paths
 * (warm-started normal space, chord Newton in Phi) against the dense ones.
 * Statistical checks state their false-failure probability; nothing is
 * retried. */
#include "plan.h"
#include "dynamics/gamma_ws.h"
#include "testutil.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static sgl_plan *plan(const char *model, const char *noise, void (*tweak)(sgl_spec *))
{
    sgl_spec s;
    sgl_spec_defaults(&s);
    s.model = model;
    s.noise = noise;
    s.steps = 1;
    s.every = 1;
    s.seeds = 1;
    if (tweak) tweak(&s);
    sgl_plan *p = NULL;
    sgl_err e = {{0}, {0}};
    if (sgl_plan_alloc(&s, &p, &e) != SGL_OK) {
        printf("FAIL plan %s/%s: %s: %s\n", model, noise, e.field, e.msg);
        exit(1);
    }
    return p;
}

static void bind(const sgl_plan *p, sgl_model *m)
{
    sgl_model_init(m, p->mtype, p->data[0], isnan(p->spec.a) ? p->mtype->default_a : p->spec.a, NULL);
}

static double maxabs_diff(const double *a, const double *b, size_t n)
{
    double d = 0.0;
    for (size_t i = 0; i < n; ++i) d = fmax(d, fabs(a[i] - b[i]));
    return d;
}
static double maxabs(const double *a, size_t n)
{
    double d = 0.0;
    for (size_t i = 0; i < n; ++i) d = fmax(d, fabs(a[i]));
    return d;
}

/* ---------------------------------------------------------------- geometry */

static void t_sphere_geometry(void)
{
    sgl_plan *p = plan("sphere", "none", NULL);
    sgl_model m;
    bind(p, &m);
    sgl_gamma_geom *g = NULL;
    sgl_gamma_geom_alloc(&m, &g);
    sgl_err e = {{0}, {0}};
    const double x[3] = {0.6, 0.8, 0.0};
    sgl_status st = sgl_gamma_geometry(&m, x, 1e-6, 1e-8, g, &e);
    check_true(st == SGL_OK && g->rank == 1, "sphere: rank of H on Gamma is 1 (got %zu, status %d)", g->rank, st);
    check_le(g->gap_ratio, 1e-12, "sphere: reported gap ratio lambda_2/lambda_1 ~ 0");
    /* a = 1/2: H = 4 x x^T, P_perp = x x^T, H^+ = x x^T / 4 */
    double Pp[9], Hp[9], Pa[9];
    for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 3; ++j) {
            Pp[i * 3 + j] = x[i] * x[j];
            Hp[i * 3 + j] = x[i] * x[j] / 4.0;
            Pa[i * 3 + j] = (i == j) - x[i] * x[j];
        }
    check_le(maxabs_diff(g->Pperp, Pp, 9), 1e-14, "sphere: P_perp = x x^T");
    check_le(maxabs_diff(g->Ppar, Pa, 9), 1e-14, "sphere: P_par = I - x x^T");
    check_le(maxabs_diff(g->Hpinv, Hp, 9), 1e-14, "sphere: H^+ = x x^T / 4");
    check_rel(g->evals[0], 4.0, 1e-14, "sphere: lambda_1 = 4 (= 8a)");
    /* off Gamma: a reported status, not a crash */
    const double off[3] = {1.5, 0.0, 0.0};
    st = sgl_gamma_geometry(&m, off, 1e-6, 1e-8, g, &e);
    check_true(st == SGL_EINVAL && strcmp(e.field, "theta") == 0 && strstr(e.msg, "not near"),
               "sphere: a point off Gamma is SGL_EINVAL, field theta (%s: %s)", e.field, e.msg);
    /* Phi on the sphere is the radial projection (the flow is radial) */
    const double y[3] = {1.3, -0.4, 0.7};
    double phi[3];
    sgl_flow_info fi;
    st = sgl_gamma_project(&m, y, NULL, phi, &fi, &e);
    const double ny = sqrt(1.3 * 1.3 + 0.4 * 0.4 + 0.7 * 0.7);
    double rad[3] = {y[0] / ny, y[1] / ny, y[2] / ny};
    check_true(st == SGL_OK && fi.converged, "sphere: Phi converged (%llu evaluations, |grad| %.3g)",
               (unsigned long long)fi.evals, fi.grad_norm);
    check_le(maxabs_diff(phi, rad, 3), 1e-9, "sphere: Phi(x) = x/|x|");
    /* a budget too small: the status and message, not a crash */
    sgl_flow_opts fo;
    sgl_flow_opts_default(&fo);
    fo.max_evals = 10;
    st = sgl_gamma_project(&m, y, &fo, phi, &fi, &e);
    check_true(st == SGL_EINVAL && strcmp(e.field, "Phi") == 0 && !fi.converged && strstr(e.msg, "did not reach"),
               "Phi: non-convergence within the budget is reported (%s: %s)", e.field, e.msg);
    sgl_gamma_geom_free(g);
    sgl_plan_free(p);
}

/* Phi on the toy L = 1/2 (1 + x^2) y^2 against classical RK4 with a tiny
 * fixed step (an independent integrator) */
static void rk4_grad(const sgl_model *m, double *x, double h, int n)
{
    double k[4][2], t[2];
    sgl_err e;
    double L;
    for (int s = 0; s < n; ++s) {
        sgl_model_loss(m, x, &L, k[0], &e);
        for (int j = 0; j < 2; ++j) t[j] = x[j] - 0.5 * h * k[0][j];
        sgl_model_loss(m, t, &L, k[1], &e);
        for (int j = 0; j < 2; ++j) t[j] = x[j] - 0.5 * h * k[1][j];
        sgl_model_loss(m, t, &L, k[2], &e);
        for (int j = 0; j < 2; ++j) t[j] = x[j] - h * k[2][j];
        sgl_model_loss(m, t, &L, k[3], &e);
        for (int j = 0; j < 2; ++j) x[j] -= h / 6.0 * (k[0][j] + 2 * k[1][j] + 2 * k[2][j] + k[3][j]);
    }
}

static void t_toy_phi(void)
{
    sgl_plan *p = plan("toy2d", "none", NULL);
    sgl_model m;
    bind(p, &m);
    const double x0[2] = {1.0, 0.8};
    double phi[2], ref[2] = {1.0, 0.8};
    sgl_flow_info fi;
    sgl_err e = {{0}, {0}};
    sgl_status st = sgl_gamma_project(&m, x0, NULL, phi, &fi, &e);
    rk4_grad(&m, ref, 1e-3, 40000);   /* flow time 40: |y| ~ e^{-40} */
    check_true(st == SGL_OK && fi.converged, "toy: Phi converged (%llu evaluations, flow time %.3g)",
               (unsigned long long)fi.evals, fi.t);
    check_le(maxabs_diff(phi, ref, 2), 1e-7, "toy: Phi(1, 0.8) equals RK4 (h = 1e-3) to 1e-7");
    sgl_plan_free(p);
}

/* L_H^{-1}: H X + X H = P_perp S P_perp with X supported in the normal space */
static void t_lyapunov(void)
{
    sgl_plan *p = plan("diagnet", "label", NULL);   /* defaults: d 100, n 40 */
    sgl_model m;
    bind(p, &m);
    const size_t D = m.dim;
    double *x = calloc(D, sizeof *x), *phi = calloc(D, sizeof *phi), *S = calloc(D * D, sizeof *S),
           *X = calloc(D * D, sizeof *X), *T1 = calloc(D * D, sizeof *T1), *T2 = calloc(D * D, sizeof *T2);
    sgl_traj *t;
    sgl_traj_alloc(p, &t);
    sgl_traj_init(p, t, 0);
    memcpy(x, t->theta, D * sizeof *x);
    sgl_err e = {{0}, {0}};
    sgl_status st = sgl_gamma_project(&m, x, NULL, phi, NULL, &e);
    check_true(st == SGL_OK, "diagnet: Phi(alpha init) converged (%s)", e.msg);
    sgl_gamma_geom *g = NULL;
    sgl_gamma_geom_alloc(&m, &g);
    st = sgl_gamma_geometry(&m, phi, 1e-6, 1e-8, g, &e);
    check_true(st == SGL_OK && g->rank == p->data[0]->n,
               "diagnet d=100 n=40: rank of H on Gamma = n (got %zu, gap ratio %.3g)", g->rank, g->gap_ratio);
    check_le(g->gap_ratio, 1e-8, "diagnet: clean eigen-gap at the rank");
    /* a symmetric S from a fixed pattern, on the live coordinates */
    for (size_t q = 0; q < g->live; ++q)
        for (size_t r = 0; r <= q; ++r) {
            const size_t i = g->live_idx[q], j = g->live_idx[r];
            double v = sin(1.0 + 0.37 * (double)q + 0.11 * (double)r * (double)r);
            S[i * D + j] = S[j * D + i] = v;
        }
    sgl_gamma_lyap_inv(g, S, X);
    /* T1 = P S P */
    for (size_t i = 0; i < D; ++i)
        for (size_t j = 0; j < D; ++j) {
            double s = 0.0;
            for (size_t k = 0; k < D; ++k) s += g->Pperp[i * D + k] * S[k * D + j];
            T2[i * D + j] = s;
        }
    for (size_t i = 0; i < D; ++i)
        for (size_t j = 0; j < D; ++j) {
            double s = 0.0;
            for (size_t k = 0; k < D; ++k) s += T2[i * D + k] * g->Pperp[k * D + j];
            T1[i * D + j] = s;
        }
    double res = 0.0, scale = maxabs(T1, D * D), par = 0.0;
    for (size_t i = 0; i < D; ++i)
        for (size_t j = 0; j < D; ++j) {
            double s = 0.0, s2 = 0.0;
            for (size_t k = 0; k < D; ++k) {
                s += g->H[i * D + k] * X[k * D + j] + X[i * D + k] * g->H[k * D + j];
                s2 += g->Ppar[i * D + k] * X[k * D + j];
            }
            res = fmax(res, fabs(s - T1[i * D + j]));
            par = fmax(par, fabs(s2));
        }
    check_le(res / scale, 1e-10, "diagnet: |H X + X H - P S P| / |P S P| for X = L_H^{-1}(S)");
    check_le(par / maxabs(X, D * D), 1e-10, "diagnet: P_par X = 0 (X lives in the normal space)");
    /* label noise: Sigma = c H exactly on Gamma (c = 2 a delta^2 / B = 1 here) */
    st = sgl_noise_cov(p, &m, phi, S, &e);
    check_le(maxabs_diff(S, g->H, D * D) / maxabs(g->H, D * D), 1e-9, "diagnet label noise: Sigma = c H on Gamma");
    sgl_gamma_geom_free(g);
    sgl_traj_free(t);
    free(x); free(phi); free(S); free(X); free(T1); free(T2);
    sgl_plan_free(p);
}

/* ------------------------------------------- closed form vs general form */

static void small_diag(sgl_spec *s)
{
    s->data.d = 10;
    s->data.n = 5;
    s->data.kappa = 1;
    s->data_draw = SGL_DRAW_SHARED;
}
static void iso(sgl_spec *s)
{
    s->sigma = 0.7;
    s->sigma_scale = SGL_SCALE_ETA;
}
static void iso_diag(sgl_spec *s)
{
    small_diag(s);
    iso(s);
}
static void label_b2(sgl_spec *s)
{
    s->delta = 1.3;
    s->batch = 1;
}

static void compare_forms(const char *model, const char *noise, void (*tweak)(sgl_spec *), double tol)
{
    sgl_plan *p = plan(model, noise, tweak);
    sgl_model m;
    bind(p, &m);
    const size_t D = m.dim;
    sgl_traj *t;
    sgl_traj_alloc(p, &t);
    sgl_traj_init(p, t, 0);
    double *phi = calloc(D, sizeof *phi), *b1 = calloc(D, sizeof *b1), *b2 = calloc(D, sizeof *b2),
           *R1 = calloc(D * D, sizeof *R1), *R2 = calloc(D * D, sizeof *R2);
    sgl_err e = {{0}, {0}};
    /* a start off Gamma, so the point of Gamma is generic */
    for (size_t j = 0; j < D; ++j) t->theta[j] += 0.05 * sin(3.0 * (double)j + 1.0) * (t->theta[j] != 0.0 || D <= 3);
    sgl_status st = sgl_gamma_project(&m, t->theta, NULL, phi, NULL, &e);
    sgl_gamma_geom *g = NULL;
    sgl_gamma_geom_alloc(&m, &g);
    if (st == SGL_OK) st = sgl_gamma_geometry(&m, phi, 1e-6, 1e-8, g, &e);
    sgl_limit_form f1, f2;
    if (st == SGL_OK) st = sgl_limit_coeffs(p, &m, phi, g, SGL_LIMIT_CLOSED, b1, R1, &f1, &e);
    if (st == SGL_OK) st = sgl_limit_coeffs(p, &m, phi, g, SGL_LIMIT_GENERAL, b2, R2, &f2, &e);
    check_true(st == SGL_OK, "%s/%s: closed and general coefficients computed (%s: %s)", model, noise, e.field, e.msg);
    const double sb = fmax(maxabs(b1, D), 1e-300);
    check_le(maxabs_diff(b1, b2, D) / sb, tol, "%s/%s: drift, closed form vs four-term form (relative)", model, noise);
    /* noise factors: compare R R^T (a square root is unique only up to rotation) */
    double dRR = 0.0, sRR = 0.0;
    for (size_t i = 0; i < D; ++i)
        for (size_t j = 0; j < D; ++j) {
            double a = 0.0, c = 0.0;
            for (size_t k = 0; k < D; ++k) {
                a += R1[i * D + k] * R1[j * D + k];
                c += R2[i * D + k] * R2[j * D + k];
            }
            dRR = fmax(dRR, fabs(a - c));
            sRR = fmax(sRR, fabs(a));
        }
    check_le(dRR / fmax(sRR, 1.0), tol, "%s/%s: tangent noise R R^T, closed vs four-term", model, noise);
    sgl_gamma_geom_free(g);
    sgl_traj_free(t);
    free(phi); free(b1); free(b2); free(R1); free(R2);
    sgl_plan_free(p);
}

static void tweak_toy_label(sgl_spec *s) { s->delta = 1.0; }

/* the same seed through both forms: the same trajectory */
static void same_seed(const char *model, const char *noise, void (*tweak)(sgl_spec *), double T, double dt,
                      double tol)
{
    sgl_plan *p = plan(model, noise, tweak);
    sgl_limit_opts o;
    sgl_limit_opts_default(&o);
    o.T = T;
    o.dt = dt;
    o.n_log = 1;
    sgl_results *r1 = NULL, *r2 = NULL;
    sgl_err e = {{0}, {0}};
    o.form = SGL_LIMIT_CLOSED;
    sgl_status s1 = sgl_limit_execute(p, &o, 1, &r1, NULL, &e);
    o.form = SGL_LIMIT_GENERAL;
    sgl_status s2 = sgl_limit_execute(p, &o, 1, &r2, NULL, &e);
    check_true(s1 == SGL_OK && s2 == SGL_OK, "%s/%s: both forms ran (%s)", model, noise, e.msg);
    if (s1 == SGL_OK && s2 == SGL_OK)
        check_le(maxabs_diff(r1->theta_final, r2->theta_final, p->dim), tol,
                 "%s/%s: same seed, closed vs general form, |theta(T) difference|", model, noise);
    sgl_results_free(r1);
    sgl_results_free(r2);
    sgl_plan_free(p);
}

/* ------------------------------------------------------------ C5, C6 */

static double c5_delta = 1.0;
static size_t c5_batch = 1;
static uint32_t c5_seeds = 1;
static double c5_lr = 0.01;
static void tweak_c5(sgl_spec *s)
{
    s->delta = c5_delta;
    s->batch = c5_batch;
    s->alpha = 1.0;
    s->seeds = c5_seeds;
    s->lr = c5_lr;
}

static void t_c5(void)
{
    /* c = 2 a delta^2 / B: (delta 1, B 1) c = 1; (delta 2, B 2) c = 2.  x(t) = e^{-ct/2}.
     * Euler's own error: x_N = (1 - c dt/2)^N, relative ~ c^2 T dt / 8. */
    const double deltas[2] = {1.0, 2.0};
    const size_t batches[2] = {1, 2};
    for (int k = 0; k < 2; ++k) {
        c5_delta = deltas[k];
        c5_batch = batches[k];
        c5_seeds = 1;
        sgl_plan *p = plan("toy2d", "label", tweak_c5);
        sgl_limit_opts o;
        sgl_limit_opts_default(&o);
        o.T = 1.0;
        o.dt = 1e-3;
        o.n_log = 1;
        sgl_results *r = NULL;
        sgl_err e = {{0}, {0}};
        sgl_limit_info info;
        sgl_status st = sgl_limit_execute(p, &o, 1, &r, &info, &e);
        const double c = 2.0 * 0.5 * deltas[k] * deltas[k] / (double)batches[k];
        check_true(st == SGL_OK && info.form_used == SGL_LIMIT_CLOSED && fabs(info.label_c - c) < 1e-15,
                   "C5: toy limit ran with the closed label form, c = %g (reported %g)", c, info.label_c);
        if (st == SGL_OK)
            check_rel(r->theta_final[0], exp(-c * 0.5), 1e-3 * c * c, "C5: toy limit x(1) = e^{-c/2}, c = %g", c);
        sgl_results_free(r);
        sgl_plan_free(p);
    }
    /* SGD vs limit: 200 trajectories of label-noise SGD at eta = 0.01, 1e4
     * steps (t = 1).  The SGD mean carries an O(eta) bias (measured ~0.15
     * eta at eta = 0.025-0.1); allowance 0.5 eta = 0.005 plus 5 SE
     * (false-failure probability of the statistical part 6e-7). */
    c5_delta = 1.0;
    c5_batch = 1;
    c5_seeds = 200;
    c5_lr = 0.01;
    sgl_plan *p = NULL;
    sgl_spec s;
    sgl_spec_defaults(&s);
    s.model = "toy2d";
    s.noise = "label";
    tweak_c5(&s);
    s.steps = 10000;
    s.every = 10000;
    sgl_err e = {{0}, {0}};
    sgl_results *r = NULL;
    if (sgl_plan_alloc(&s, &p, &e) != SGL_OK || sgl_results_alloc(p, &r) != SGL_OK ||
        sgl_plan_execute(p, 0, r) != SGL_OK) {
        check_true(0, "C5: SGD run (%s)", e.msg);
        return;
    }
    double sum = 0.0, sq = 0.0;
    for (uint32_t i = 0; i < s.seeds; ++i) sum += r->theta_final[(size_t)i * r->dim];
    const double mean = sum / s.seeds;
    for (uint32_t i = 0; i < s.seeds; ++i) {
        double d = r->theta_final[(size_t)i * r->dim] - mean;
        sq += d * d;
    }
    const double se = sqrt(sq / (s.seeds - 1) / s.seeds);
    const double lim = exp(-0.5);
    check_le(fabs(mean - lim), 5.0 * se + 0.5 * s.lr, "C5: SGD (eta 0.01, k 1e4, 200 runs) mean x vs the limit e^{-1/2}: |diff| <= 5 SE + 0.5 eta");
    sgl_results_free(r);
    sgl_plan_free(p);
}

static uint32_t c6_seeds = 300;
static double c6_lr = 0.01;
static void tweak_c6(sgl_spec *s)
{
    s->sigma = 1.0;
    s->sigma_scale = SGL_SCALE_ETA;
    s->alpha = 1.0;
    s->seeds = c6_seeds;
    s->lr = c6_lr;
    s->seed = 7;
}

static void t_c6(void)
{
    sgl_plan *p = plan("sphere", "gaussian", tweak_c6);
    sgl_limit_opts o;
    sgl_limit_opts_default(&o);
    o.T = 1.0;
    o.dt = 0.01;
    o.n_log = 1;
    sgl_results *r = NULL;
    sgl_err e = {{0}, {0}};
    sgl_status st = sgl_limit_execute(p, &o, 0, &r, NULL, &e);
    check_true(st == SGL_OK, "C6: sphere limit ran (%s)", e.msg);
    if (st != SGL_OK) return;
    const uint32_t M = p->spec.seeds;
    double mean[3] = {0, 0, 0}, var[3] = {0, 0, 0}, dn = 0.0;
    for (uint32_t i = 0; i < M; ++i) {
        const double *x = r->theta_final + (size_t)i * 3;
        dn = fmax(dn, fabs(sqrt(x[0] * x[0] + x[1] * x[1] + x[2] * x[2]) - 1.0));
        for (int j = 0; j < 3; ++j) mean[j] += x[j] / M;
    }
    for (uint32_t i = 0; i < M; ++i)
        for (int j = 0; j < 3; ++j) {
            double d = r->theta_final[(size_t)i * 3 + j] - mean[j];
            var[j] += d * d / (M - 1);
        }
    check_le(dn, 1e-9, "C6: the limit stays on the unit sphere, max ||x| - 1|");
    /* E[x(1)] = x0 e^{-sigma^2 t} = (e^{-1}, 0, 0).  Euler dt = 0.01 with
     * projection: bias O(dt) ~ 0.004, below 0.2 SE.  |z| < 4.5 per
     * coordinate: false-failure probability 3 x 6.8e-6 = 2e-5. */
    const double ex[3] = {exp(-1.0), 0.0, 0.0};
    for (int j = 0; j < 3; ++j)
        check_z(mean[j], ex[j], sqrt(var[j] / M), 4.5, "C6: limit E[x_%d(1)] vs x0 e^{-sigma^2 t} (300 runs)", j + 1);
    double limit_mean0 = mean[0], limit_se0 = sqrt(var[0] / M);
    sgl_results_free(r);
    sgl_plan_free(p);
    /* SGD at eta = 0.01 for 1e4 steps (t = 1), other seed: its mean x_1 vs
     * the limit's, two-sample z with |z| < 4.5 (probability 6.8e-6) plus an
     * O(eta) allowance of 0.5 eta; and |x| = 1 + O(sqrt eta) */
    sgl_spec s;
    sgl_spec_defaults(&s);
    s.model = "sphere";
    s.noise = "gaussian";
    tweak_c6(&s);
    s.seed = 8;
    s.steps = 10000;
    s.every = 10000;
    r = NULL;
    if (sgl_plan_alloc(&s, &p, &e) != SGL_OK || sgl_results_alloc(p, &r) != SGL_OK ||
        sgl_plan_execute(p, 0, r) != SGL_OK) {
        check_true(0, "C6: SGD run (%s)", e.msg);
        return;
    }
    double m0 = 0.0, v0 = 0.0, nrm = 0.0;
    for (uint32_t i = 0; i < M; ++i) m0 += r->theta_final[(size_t)i * 3] / M;
    for (uint32_t i = 0; i < M; ++i) {
        const double *x = r->theta_final + (size_t)i * 3;
        double d = x[0] - m0;
        v0 += d * d / (M - 1);
        nrm += sqrt(x[0] * x[0] + x[1] * x[1] + x[2] * x[2]) / M;
    }
    const double se = sqrt(v0 / M + limit_se0 * limit_se0);
    check_le(fabs(m0 - limit_mean0), 4.5 * se + 0.5 * s.lr, "C6: SGD (eta 0.01) E[x_1(1)] vs the limit: |diff| <= 4.5 SE + 0.5 eta");
    check_le(fabs(nrm - 1.0), 0.05, "C6: SGD mean |x| = 1 + O(sqrt eta)");
    sgl_results_free(r);
    sgl_plan_free(p);
}

/* -------------------------------------------------------- C9/C2, C10, C11 */

static size_t c9_batch = 1;
static void tweak_c9(sgl_spec *s)
{
    small_diag(s);
    s->delta = 1.0;
    s->batch = c9_batch;
    s->alpha = 1.0;
}

/* limit from Phi(x0): returns theta(T) (D) and Phi(x0) (D) */
static int limit_end(const sgl_plan *p, double T, double dt, double *phi0, double *end)
{
    sgl_model m;
    bind(p, &m);
    sgl_traj *t;
    sgl_traj_alloc(p, &t);
    sgl_traj_init(p, t, 0);
    sgl_err e = {{0}, {0}};
    sgl_limit_opts o;
    sgl_limit_opts_default(&o);
    sgl_status st = sgl_gamma_project(&m, t->theta, &o.flow, phi0, NULL, &e);
    sgl_traj_free(t);
    o.T = T;
    o.dt = dt;
    o.n_log = 1;
    sgl_results *r = NULL;
    if (st == SGL_OK) st = sgl_limit_execute(p, &o, 1, &r, NULL, &e);
    if (st == SGL_OK) memcpy(end, r->theta_final, p->dim * sizeof *end);
    else printf("limit_end: %s: %s\n", e.field, e.msg);
    sgl_results_free(r);
    return st == SGL_OK;
}

static void t_c9(void)
{
    c9_batch = 1;
    sgl_plan *p = plan("diagnet", "label", tweak_c9);
    const size_t D = p->dim, ld = p->data[0]->ld, d = p->data[0]->d;
    double *phi0 = calloc(D, sizeof *phi0), *end = calloc(D, sizeof *end);
    const double T = 0.25, dt = 2.5e-4;
    if (!limit_end(p, T, dt, phi0, end)) {
        check_true(0, "C9: limit ran");
        return;
    }
    /* u_j v_j(t) = u_j v_j(0) exp(-8 a c c_j t), a = 1/2, c = 1: rate 4 c_j.
     * Euler with dt: per-coordinate log error ~ r^2 dt T / 2 relative r T:
     * r dt / 2 <= 0.5%. */
    double worst = 0.0;
    for (size_t j = 0; j < d; ++j) {
        const double rate = 4.0 * p->data[0]->colsq[j];
        const double got = log(fabs(end[j] * end[ld + j] / (phi0[j] * phi0[ld + j]))) / T;
        worst = fmax(worst, fabs(got + rate) / rate);
    }
    check_le(worst, 0.01, "C9/C2: diagnet limit, max_j relative error of d log(u_j v_j)/dt vs -8 a c c_j");
    /* C11 (b): full-batch label noise (B = n, all labels every step): c/n, so
     * the limit at time n T equals the batch-1 limit at T (same Euler steps
     * with dt n) */
    c9_batch = p->data[0]->n;
    const size_t n = p->data[0]->n;
    sgl_plan *q = plan("diagnet", "label", tweak_c9);
    double *phi1 = calloc(D, sizeof *phi1), *end1 = calloc(D, sizeof *end1);
    if (limit_end(q, T * (double)n, dt * (double)n, phi1, end1))
        check_le(maxabs_diff(end, end1, D) / maxabs(end, D), 1e-9,
                 "C11: full-batch label-noise limit at n T equals batch-1 at T (decays n x slower)");
    free(phi1); free(end1);
    sgl_plan_free(q);
    free(phi0); free(end);
    sgl_plan_free(p);
}

static void tweak_c10(sgl_spec *s)
{
    small_diag(s);
    s->batch = 2;
    s->alpha = 1.0;
}

static void t_c10(void)
{
    sgl_plan *p = plan("diagnet", "minibatch", tweak_c10);
    const size_t D = p->dim;
    double *phi0 = calloc(D, sizeof *phi0), *end = calloc(D, sizeof *end), *b = calloc(D, sizeof *b);
    sgl_model m;
    bind(p, &m);
    /* the general form evaluates the exact minibatch covariance on Gamma */
    sgl_limit_opts o;
    sgl_limit_opts_default(&o);
    sgl_traj *t;
    sgl_traj_alloc(p, &t);
    sgl_traj_init(p, t, 0);
    sgl_err e = {{0}, {0}};
    sgl_gamma_project(&m, t->theta, NULL, phi0, NULL, &e);
    sgl_traj_free(t);
    sgl_gamma_geom *g = NULL;
    sgl_gamma_geom_alloc(&m, &g);
    double *S = calloc(D * D, sizeof *S), *R = calloc(D * D, sizeof *R);
    sgl_status st = sgl_gamma_geometry(&m, phi0, 1e-6, 1e-8, g, &e);
    if (st == SGL_OK) st = sgl_noise_cov(p, &m, phi0, S, &e);
    if (st == SGL_OK) st = sgl_limit_coeffs(p, &m, phi0, g, SGL_LIMIT_GENERAL, b, R, NULL, &e);
    check_true(st == SGL_OK, "C10: minibatch covariance and general coefficients on Gamma (%s)", e.msg);
    check_le(maxabs(S, D * D), 1e-18, "C10: minibatch Sigma = 0 on Gamma (max entry)");
    check_le(maxabs(b, D) + maxabs(R, D * D), 1e-9, "C10: general-form drift and noise vanish on Gamma");
    sgl_gamma_geom_free(g);
    free(S); free(R);
    /* and the limit does not move; nor does minibatch SGD started on Gamma */
    if (limit_end(p, 1.0, 0.01, phi0, end))
        check_le(maxabs_diff(phi0, end, D), 1e-9, "C10: the minibatch limit stays at Phi(x0) up to t = 1");
    sgl_spec s = p->spec;
    s.init = NULL;
    s.n_init = 0;
    /* live coordinates of phi0 in layout order for --init */
    size_t nb, len, stride;
    sgl_model_layout(&m, &nb, &len, &stride);
    double *init = calloc(nb * len, sizeof *init);
    for (size_t q = 0; q < nb * len; ++q) init[q] = phi0[(q / len) * stride + q % len];
    s.init = init;
    s.n_init = nb * len;
    s.lr = 0.01;
    s.steps = 10000;
    s.every = 10000;
    sgl_plan *q = NULL;
    sgl_results *r = NULL;
    if (sgl_plan_alloc(&s, &q, &e) == SGL_OK && sgl_results_alloc(q, &r) == SGL_OK &&
        sgl_plan_execute(q, 1, r) == SGL_OK)
        check_le(maxabs_diff(phi0, r->theta_final, D), 1e-9,
                 "C10: minibatch SGD from a point of Gamma does not move (eta 0.01, t = 1 = 1e4 steps)");
    else
        check_true(0, "C10: SGD run (%s)", e.msg);
    sgl_results_free(r);
    sgl_plan_free(q);
    free(init);
    free(phi0); free(end); free(b);
    sgl_plan_free(p);
}

/* C11 (a): halving eta needs 4x the steps.  Label-noise SGD on the diagonal
 * net started at Phi(x0): the change of mean_j log|u_j v_j| after T/eta^2
 * steps at eta = 0.002 and 0.001 against the limit's change over t = T, and
 * eta = 0.001 for only T/0.002^2 steps (a quarter of the limit time), which
 * must give about a quarter of the change.  SGD's bias is O(eta) (THEORY
 * C2: the residual adds 4 eta^2 E[r^2] to the per-step rate, E[r^2] = O(eta)).
 * Bounds: the gap to the limit shrinks when eta halves (by a factor > 1.5,
 * with 5 SE of slack), the eta = 0.001 gap is below 10% of the change, and
 * the quarter-time run is within 0.25 +- 0.05 of it (plus 5 SE); 5 SE:
 * false-failure probability 6e-7 per comparison. */
static double sgd_dluv(const sgl_plan *p, const double *init, size_t n_init, double eta, uint64_t steps, double l0,
                       uint64_t seed, double *se_out)
{
    const size_t D = p->dim, ld = p->data[0]->ld, d = p->data[0]->d;
    sgl_spec s = p->spec;
    s.init = init;
    s.n_init = n_init;
    s.lr = eta;
    s.steps = steps;
    s.every = steps;
    s.seeds = 64;
    (void)seed;   /* the spec's seed also draws the shared data set: keep it (the limit used that data) */
    sgl_plan *q = NULL;
    sgl_results *r = NULL;
    sgl_err e = {{0}, {0}};
    if (sgl_plan_alloc(&s, &q, &e) != SGL_OK || sgl_results_alloc(q, &r) != SGL_OK ||
        sgl_plan_execute(q, 0, r) != SGL_OK) {
        check_true(0, "C11: SGD run (%s)", e.msg);
        *se_out = NAN;
        return NAN;
    }
    double sum = 0.0, sq = 0.0, *v = calloc(s.seeds, sizeof *v);
    for (uint32_t i = 0; i < s.seeds; ++i) {
        const double *x = r->theta_final + (size_t)i * D;
        double l = 0.0;
        for (size_t j = 0; j < d; ++j) l += log(fabs(x[j] * x[ld + j])) / d;
        v[i] = l - l0;
        sum += v[i];
    }
    const double m = sum / s.seeds;
    for (uint32_t i = 0; i < s.seeds; ++i) sq += (v[i] - m) * (v[i] - m);
    *se_out = sqrt(sq / (s.seeds - 1) / s.seeds);
    free(v);
    printf("  C11: eta %g, %llu steps: change of mean log|u v| = %.5f +- %.5f\n", eta, (unsigned long long)steps, m,
           *se_out);
    sgl_results_free(r);
    sgl_plan_free(q);
    return m;
}

static void t_c11(void)
{
    c9_batch = 1;
    sgl_plan *p = plan("diagnet", "label", tweak_c9);
    const size_t D = p->dim, ld = p->data[0]->ld, d = p->data[0]->d;
    double *phi0 = calloc(D, sizeof *phi0), *end = calloc(D, sizeof *end);
    const double T = 0.125;
    if (!limit_end(p, T, 1e-4, phi0, end)) return;
    double l0 = 0.0, l1 = 0.0;
    for (size_t j = 0; j < d; ++j) {
        l0 += log(fabs(phi0[j] * phi0[ld + j])) / d;
        l1 += log(fabs(end[j] * end[ld + j])) / d;
    }
    const double dlim = l1 - l0;
    printf("  C11: limit change of mean log|u v| over t = %g: %.5f\n", T, dlim);
    sgl_model m;
    bind(p, &m);
    size_t nb, len, stride;
    sgl_model_layout(&m, &nb, &len, &stride);
    double *init = calloc(nb * len, sizeof *init);
    for (size_t q = 0; q < nb * len; ++q) init[q] = phi0[(q / len) * stride + q % len];
    double se1, se2, se3;
    const double d1 = sgd_dluv(p, init, nb * len, 0.002, (uint64_t)nearbyint(T / 4e-6), l0, 21, &se1);
    const double d2 = sgd_dluv(p, init, nb * len, 0.001, (uint64_t)nearbyint(T / 1e-6), l0, 22, &se2);
    const double d3 = sgd_dluv(p, init, nb * len, 0.001, (uint64_t)nearbyint(T / 4e-6), l0, 23, &se3);
    check_le(fabs(d2 - dlim), fabs(d1 - dlim) / 1.5 + 5.0 * (se1 + se2),
             "C11: the SGD-limit gap shrinks when eta halves with 4x the steps (eta 0.002 -> 0.001)");
    check_le(fabs(d2 - dlim), 0.1 * fabs(dlim) + 5.0 * se2, "C11: SGD at eta 0.001 within 10%% of the limit's change");
    check_le(fabs(d3 / d2 - 0.25), 0.05 + 5.0 * (se3 / fabs(d2) + se2 / fabs(d2)),
             "C11: eta 0.001 for T/0.002^2 steps (a quarter of the limit time) gives a quarter of the change");
    free(init);
    free(phi0); free(end);
    sgl_plan_free(p);
}

/* bad specs: a deterministic kind in the general form; sqrt-eta scaling */
static void sqrt_scale(sgl_spec *s)
{
    s->sigma = 1.0;
    s->sigma_scale = SGL_SCALE_SQRT_ETA;
}
static void t_bad(void)
{
    sgl_plan *p = plan("sphere", "gaussian", sqrt_scale);
    sgl_limit_opts o;
    sgl_limit_opts_default(&o);
    sgl_results *r = NULL;
    sgl_err e = {{0}, {0}};
    sgl_status st = sgl_limit_execute(p, &o, 1, &r, NULL, &e);
    check_true(st != SGL_OK && r == NULL && strcmp(e.field, "--sigma-scale") == 0,
               "limit with --sigma-scale sqrt-eta is refused (%d, %s: %s)", st, e.field, e.msg);
    sgl_plan_free(p);
    p = plan("sphere", "sqrt-loss", NULL);
    o.form = SGL_LIMIT_GENERAL;
    st = sgl_limit_execute(p, &o, 1, &r, NULL, &e);
    check_true(st == SGL_EINVAL && strcmp(e.field, "--form") == 0,
               "sqrt-loss in the general form is refused (%s: %s)", e.field, e.msg);
    sgl_plan_free(p);
    p = plan("toy2d", "label", NULL);
    o.form = SGL_LIMIT_AUTO;
    o.dt = 0.0;
    st = sgl_limit_execute(p, &o, 1, &r, NULL, &e);
    check_true(st == SGL_EINVAL && strcmp(e.field, "--dt") == 0, "dt = 0 is refused (%s: %s)", e.field, e.msg);
    sgl_plan_free(p);
}

/* Item 3: the lambda_1-lowering flow (THEORY 2.8) on the toy, lambda_1 =
 * 2a (1 + x^2) = 1 + x^2 on Gamma = {y = 0}:
 *   GD on sqrt L:   dx/dt = -(1/8) d lambda_1/dx = -x/4     -> x(t) = x(0) e^{-t/4}
 *   normalised GD:  dx/dt = -(1/4) d log lambda_1/dx = -x/(2(1 + x^2))
 * x(0) = Phi(1, 0.1).  The limit (Euler dt = 1e-3) against these, and the
 * discrete dynamics (deterministic) at eta = 0.01 for T/eta^2 steps against
 * the limit: within 2e-3 (the constant matters: 1/4 instead of 1/8 would move
 * x(1) by 0.17). */
static double lam_x0 = 0.0;
static void tweak_lam(sgl_spec *s)
{
    static const double init[2] = {1.0, 0.1};
    s->init = init;
    s->n_init = 2;
    s->lr = 0.01;
}
static void t_lambda1_flow(void)
{
    const char *kinds[2] = {"sqrt-loss", "normalized"};
    for (int k = 0; k < 2; ++k) {
        sgl_plan *p = plan("toy2d", kinds[k], tweak_lam);
        sgl_model m;
        bind(p, &m);
        double x0[2] = {1.0, 0.1}, phi[2];
        sgl_err e = {{0}, {0}};
        sgl_gamma_project(&m, x0, NULL, phi, NULL, &e);
        lam_x0 = phi[0];
        double ref = lam_x0;
        if (k == 0) ref = lam_x0 * exp(-0.25);
        else   /* RK4 on dx/dt = -x/(2(1+x^2)), h = 1e-3 */
            for (int i = 0; i < 1000; ++i) {
                const double h = 1e-3;
                double x = ref, k1 = -x / (2 * (1 + x * x)), x2 = x + 0.5 * h * k1, k2 = -x2 / (2 * (1 + x2 * x2)),
                       x3 = x + 0.5 * h * k2, k3 = -x3 / (2 * (1 + x3 * x3)), x4 = x + h * k3,
                       k4 = -x4 / (2 * (1 + x4 * x4));
                ref = x + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4);
            }
        sgl_limit_opts o;
        sgl_limit_opts_default(&o);
        o.T = 1.0;
        o.dt = 1e-3;
        o.n_log = 1;
        sgl_results *r = NULL;
        sgl_limit_info info;
        sgl_status st = sgl_limit_execute(p, &o, 1, &r, &info, &e);
        check_true(st == SGL_OK && info.form_used == SGL_LIMIT_CLOSED, "lambda_1 flow (%s) ran (%s)", kinds[k], e.msg);
        if (st != SGL_OK) continue;
        const double xl = r->theta_final[0];
        check_rel(xl, ref, 2e-4, "lambda_1 flow (%s): limit x(1) vs the closed form", kinds[k]);
        sgl_results_free(r);
        sgl_spec s = p->spec;
        s.steps = 10000;
        s.every = 10000;
        sgl_plan *q = NULL;
        if (sgl_plan_alloc(&s, &q, &e) == SGL_OK && sgl_results_alloc(q, &r) == SGL_OK &&
            sgl_plan_execute(q, 1, r) == SGL_OK)
            check_abs(r->theta_final[0], xl, 2e-3, "lambda_1 flow: discrete %s at eta 0.01, 1e4 steps, vs the limit",
                      kinds[k]);
        else
            check_true(0, "lambda_1 flow: discrete %s ran (%s)", kinds[k], e.msg);
        sgl_results_free(r);
        sgl_plan_free(q);
        sgl_plan_free(p);
    }
}

/* thread-count invariance of the limit (sphere, isotropic: random) */
static void t_threads(void)
{
    c6_seeds = 6;
    sgl_plan *p = plan("sphere", "gaussian", tweak_c6);
    sgl_limit_opts o;
    sgl_limit_opts_default(&o);
    o.T = 0.2;
    o.dt = 0.02;
    o.n_log = 2;
    sgl_results *r1 = NULL, *r2 = NULL;
    sgl_err e = {{0}, {0}};
    sgl_limit_execute(p, &o, 1, &r1, NULL, &e);
    sgl_limit_execute(p, &o, 2, &r2, NULL, &e);
    check_true(r1 && r2 && memcmp(r1->theta_final, r2->theta_final, 6 * 3 * sizeof(double)) == 0 &&
                   memcmp(r1->series, r2->series, r1->n_traj * r1->n_log * r1->n_obs * sizeof(double)) == 0,
               "limit: bitwise identical with 1 and 2 threads");
    sgl_results_free(r1);
    sgl_results_free(r2);
    sgl_plan_free(p);
    c6_seeds = 300;
}

/* The limit's per-step shortcuts (src/dynamics/gamma_ws.h) against the dense
 * routes at a nearby point of Gamma on diagnet d = 10, n = 5 (rank 5 of 20):
 * the warm-started normal space (Rayleigh-Ritz on H V_prev), its fallback
 * when the seed misses a normal direction, and Phi with chord Newton. */
static void t_warm_geometry(void)
{
    sgl_plan *p = plan("diagnet", "label", small_diag);
    sgl_model m;
    bind(p, &m);
    const size_t D = m.dim;
    sgl_traj *t = NULL;
    sgl_traj_alloc(p, &t);
    sgl_traj_init(p, t, 0);
    double *phi0 = calloc(D, sizeof(double)), *phi1 = calloc(D, sizeof(double)), *y = calloc(D, sizeof(double)),
           *pa = calloc(D, sizeof(double)), *pb = calloc(D, sizeof(double)),
           *scr = calloc(m.scratch_len + m.data->n + D + 8, sizeof(double));
    sgl_gamma_geom *gw = NULL, *gd = NULL;
    sgl_gamma_ws *ws = NULL;
    sgl_gamma_geom_alloc(&m, &gw);
    sgl_gamma_geom_alloc(&m, &gd);
    sgl_gamma_ws_alloc(&m, &ws);
    sgl_err e = {{0}, {0}};
    sgl_status st = sgl_gamma_project(&m, t->theta, NULL, phi0, NULL, &e);
    for (size_t j = 0; j < D; ++j) y[j] = phi0[j] * (1.0 + 0.02 * sin((double)j));
    if (st == SGL_OK) st = sgl_gamma_project(&m, y, NULL, phi1, NULL, &e);
    if (st == SGL_OK) st = sgl_gamma_geometry(&m, phi0, 1e-6, 1e-8, gw, &e);
    if (st == SGL_OK) st = sgl_gamma_geometry(&m, phi1, 1e-6, 1e-8, gd, &e);
    if (st == SGL_OK) st = sgl_gamma_geometry_ws(&m, phi1, 1e-6, 1e-8, gw, scr, ws, SGL_GEOM_WARM, &e);
    if (!check_true(st == SGL_OK && gd->rank == 5, "warm geometry: setup (status %d: %s %s), dense rank %zu (exp 5)",
                    (int)st, e.field, e.msg, gd ? gd->rank : 0))
        goto out;
    const size_t M = gd->rank;
    double de = 0.0;
    for (size_t k = 0; k < M; ++k) de = fmax(de, fabs(gw->evals[k] - gd->evals[k]) / gd->evals[k]);
    check_true(gw->rank == M, "warm geometry: rank %zu == dense %zu", gw->rank, M);
    check_le(de, 1e-9, "warm geometry: normal eigenvalues vs dense, max relative difference");
    check_le(maxabs_diff(gw->Pperp, gd->Pperp, D * D), 1e-9, "warm geometry: P_perp vs dense, max |difference|");
    check_le(maxabs_diff(gw->Hpinv, gd->Hpinv, D * D) / maxabs(gd->Hpinv, D * D), 1e-9,
             "warm geometry: H^+ vs dense, max |difference| / max |H^+|");
    /* a seed one normal direction short: the probe sees it, the dense route runs (same bits) */
    st = sgl_gamma_geometry(&m, phi0, 1e-6, 1e-8, gw, &e);
    gw->rank = M - 1;
    if (st == SGL_OK) st = sgl_gamma_geometry_ws(&m, phi1, 1e-6, 1e-8, gw, scr, ws, SGL_GEOM_WARM, &e);
    check_true(st == SGL_OK && gw->rank == M && memcmp(gw->Pperp, gd->Pperp, D * D * sizeof(double)) == 0,
               "warm geometry: a seed of rank %zu falls back to the dense route (rank %zu, P_perp bitwise)", M - 1,
               gw->rank);
    /* Phi from a point O(1e-2) off Gamma, with chord Newton (the geometry at
     * phi1) and with full Newton, against classical RK4 with step 0.1 /
     * lambda_1 to flow time 40 (normal components decay as exp(-lambda_M t),
     * lambda_M = 1.75 here: far below rounding).  Measured: chord 4e-10, full
     * Newton 1e-7 (it also inverts the curvature directions off Gamma). */
    for (size_t j = 0; j < D; ++j) y[j] = phi1[j] * (1.0 + 0.01 * cos((double)j));
    st = sgl_gamma_project(&m, y, NULL, pa, NULL, &e);
    if (st == SGL_OK) st = sgl_gamma_project_ws(&m, y, NULL, ws, gd, pb, NULL, &e);
    check_true(st == SGL_OK, "Phi with chord Newton: status %d", (int)st);
    {
        double *x = calloc(5 * D, sizeof(double)), *k[4] = {x + D, x + 2 * D, x + 3 * D, x + 4 * D}, tt[64], L;
        memcpy(x, y, D * sizeof(double));
        const double h = 0.1 / gd->evals[0];
        for (long it = 0; D <= 64 && it < (long)(40.0 / h); ++it) {
            sgl_model_loss(&m, x, &L, k[0], &e);
            for (size_t j = 0; j < D; ++j) tt[j] = x[j] - 0.5 * h * k[0][j];
            sgl_model_loss(&m, tt, &L, k[1], &e);
            for (size_t j = 0; j < D; ++j) tt[j] = x[j] - 0.5 * h * k[1][j];
            sgl_model_loss(&m, tt, &L, k[2], &e);
            for (size_t j = 0; j < D; ++j) tt[j] = x[j] - h * k[2][j];
            sgl_model_loss(&m, tt, &L, k[3], &e);
            for (size_t j = 0; j < D; ++j) x[j] -= h / 6.0 * (k[0][j] + 2 * k[1][j] + 2 * k[2][j] + k[3][j]);
        }
        check_le(maxabs_diff(pb, x, D) / maxabs(x, D), 1e-8, "Phi with chord Newton vs RK4, max relative difference");
        check_le(maxabs_diff(pa, x, D) / maxabs(x, D), 1e-6, "Phi with full Newton vs RK4, max relative difference");
        free(x);
    }
out:
    sgl_gamma_ws_free(ws);
    sgl_gamma_geom_free(gw);
    sgl_gamma_geom_free(gd);
    free(phi0); free(phi1); free(y); free(pa); free(pb); free(scr);
    sgl_traj_free(t);
    sgl_plan_free(p);
}

/* The iterative eigen path (the default) against the dense one, same seed,
 * on every model with a Hessian and every form the limit has: the
 * trajectories agree to 1e-7 relative (|difference| / max(1, |theta|)).  Why
 * that bound: both stop Phi at the same |grad L| tolerance; Jacobi stops at
 * off(T) <= 1e-16 |T| (dsyev's rounding level); the Rayleigh-Ritz space
 * misses the normal space by at most the probe's rank_tol = 1e-8 relative
 * (|H z| <= 1e-8 lambda_1 off it), so the drift moves by <= 1e-8 times the
 * conditioning lambda_1 / lambda_M (<= 30 here) per step, relative, over the
 * 20 steps below.  Measured: closed forms <= 8e-15; the general form
 * 7e-9 (diagnet label) and 7e-10 (quadratic lngd): its noise factor is
 * P_par Sigma^(1/2), and Sigma's rounding-level eigenvalues (1e-16 lambda_1)
 * enter as their square roots, so any rounding change moves it by
 * O(eps^(1/2)) -- the dense path itself is only that reproducible. */
static void tweak_tiny(sgl_spec *s)
{
    s->data.d = 4;
    s->data.n = 3;
    s->data.kappa = 1;
    s->data_draw = SGL_DRAW_SHARED;
}
static void tweak_tiny_tanh(sgl_spec *s)
{
    tweak_tiny(s);
    s->data.width = 3;
}
static void tweak_msense(sgl_spec *s)
{
    tweak_tiny(s);
    s->data.d = 9;   /* m = 3 */
    s->data.n = 5;
    s->data.kappa = 2;
}
static void tweak_tiny_iso(sgl_spec *s)
{
    tweak_tiny(s);
    iso(s);
}
static void tweak_d40(sgl_spec *s)
{
    small_diag(s);
    s->data.d = 40;
    s->data.n = 10;
    s->data.kappa = 2;
}

/* The dense route from 64 live coordinates (dsyevr): every normal eigenpair
 * satisfies |H v - lambda v| <= 1e-12 lambda_1 with Hessian-vector products
 * (dsyevr's residuals are O(eps |H|)), the eigenvectors are orthonormal to
 * 1e-12, and lambda_M / lambda_1 is far above rank_tol (a clean rank 10). */
static void t_dsyevr(void)
{
    sgl_plan *p = plan("diagnet", "label", tweak_d40);
    sgl_model m;
    bind(p, &m);
    const size_t D = m.dim;
    sgl_traj *t = NULL;
    sgl_traj_alloc(p, &t);
    sgl_traj_init(p, t, 0);
    double *phi = calloc(D, sizeof(double)), *v = calloc(D, sizeof(double)), *hv = calloc(D, sizeof(double));
    sgl_gamma_geom *g = NULL;
    sgl_gamma_geom_alloc(&m, &g);
    sgl_err e = {{0}, {0}};
    sgl_status st = sgl_gamma_project(&m, t->theta, NULL, phi, NULL, &e);
    if (st == SGL_OK) st = sgl_gamma_geometry(&m, phi, 1e-6, 1e-8, g, &e);
    if (check_true(st == SGL_OK && g->live == 80 && g->rank == 10, "dsyevr geometry: live %zu (exp 80), rank %zu "
                   "(exp 10) (%s)", g->live, g->rank, e.msg)) {
        double res = 0.0, orth = 0.0;
        for (size_t k = 0; k < g->rank; ++k) {
            for (size_t i = 0; i < D; ++i) v[i] = g->evecs[i * D + k];
            sgl_model_hvp(&m, phi, v, hv, &e);
            for (size_t i = 0; i < D; ++i) res = fmax(res, fabs(hv[i] - g->evals[k] * v[i]));
            for (size_t l = 0; l <= k; ++l) {
                double s = 0.0;
                for (size_t i = 0; i < D; ++i) s += v[i] * g->evecs[i * D + l];
                orth = fmax(orth, fabs(s - (l == k)));
            }
        }
        check_le(res / g->evals[0], 1e-12, "dsyevr geometry: max |H v - lambda v| / lambda_1 over the normal pairs");
        check_le(orth, 1e-12, "dsyevr geometry: normal eigenvectors orthonormal");
    }
    sgl_gamma_geom_free(g);
    sgl_traj_free(t);
    free(phi); free(v); free(hv);
    sgl_plan_free(p);
}

static void t_eig_paths(void)
{
    static const struct {
        const char *model, *noise;
        void (*tweak)(sgl_spec *);
        sgl_limit_form form;
    } cases[] = {
        {"diagnet", "label", small_diag, SGL_LIMIT_AUTO},
        {"diagnet", "label", small_diag, SGL_LIMIT_GENERAL},
        {"diagnet", "gaussian", iso_diag, SGL_LIMIT_AUTO},
        {"diagnet", "minibatch-diff", small_diag, SGL_LIMIT_GENERAL},
        {"quadratic", "label", tweak_tiny, SGL_LIMIT_AUTO},
        {"quadratic", "lngd", tweak_tiny, SGL_LIMIT_GENERAL},
        {"linreg", "gaussian", tweak_tiny_iso, SGL_LIMIT_AUTO},
        {"toy2d", "label", tweak_toy_label, SGL_LIMIT_AUTO},
        {"toy2d", "sqrt-loss", tweak_lam, SGL_LIMIT_AUTO},
        {"toy2d", "normalized", tweak_lam, SGL_LIMIT_AUTO},
        {"sphere", "gaussian", iso, SGL_LIMIT_AUTO},
        {"msense", "label", tweak_msense, SGL_LIMIT_AUTO},
        {"tanhnet", "label", tweak_tiny_tanh, SGL_LIMIT_AUTO},
        {"diagnet", "label", tweak_d40, SGL_LIMIT_AUTO},   /* 80 live: dsyevr in the dense route */
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; ++c) {
        sgl_plan *p = plan(cases[c].model, cases[c].noise, cases[c].tweak);
        sgl_limit_opts o;
        sgl_limit_opts_default(&o);
        o.T = 0.02;
        o.dt = 0.001;
        o.n_log = 2;
        o.form = cases[c].form;
        sgl_results *r[2] = {NULL, NULL};
        sgl_limit_info inf[2];
        sgl_err e = {{0}, {0}};
        sgl_status st = SGL_OK;
        for (int k = 0; k < 2 && st == SGL_OK; ++k) {
            o.eig = k ? SGL_LIMIT_EIG_DENSE : SGL_LIMIT_EIG_ITERATIVE;
            st = sgl_limit_execute(p, &o, 1, &r[k], &inf[k], &e);
        }
        if (check_true(st == SGL_OK, "eig paths %s/%s form %d: both ran (%s: %s)", cases[c].model, cases[c].noise,
                       (int)o.form, e.field, e.msg)) {
            const size_t n = r[0]->n_traj * p->dim;
            double d = 0.0;
            int div = 0;
            for (size_t i = 0; i < n; ++i)
                d = fmax(d, fabs(r[0]->theta_final[i] - r[1]->theta_final[i]) / fmax(1.0, fabs(r[1]->theta_final[i])));
            for (uint32_t t = 0; t < r[0]->n_traj; ++t) div += r[0]->diverged[t] + r[1]->diverged[t];
            check_true(div == 0 && inf[0].rank == inf[1].rank && inf[0].form_used == inf[1].form_used,
                       "eig paths %s/%s: no divergence, rank %zu = %zu", cases[c].model, cases[c].noise, inf[0].rank,
                       inf[1].rank);
            check_le(d, 1e-7, "eig paths %s/%s form %s: iterative vs dense, max relative |theta(T) difference| "
                     "(rank %zu of D = %zu)", cases[c].model, cases[c].noise, sgl_limit_form_names[inf[0].form_used],
                     inf[0].rank, p->dim);
        }
        sgl_results_free(r[0]);
        sgl_results_free(r[1]);
        sgl_plan_free(p);
    }
    /* an unknown solver is refused */
    sgl_plan *p = plan("toy2d", "label", NULL);
    sgl_limit_opts o;
    sgl_limit_opts_default(&o);
    o.eig = (sgl_limit_eig)7;
    sgl_results *r = NULL;
    sgl_err e = {{0}, {0}};
    check_true(sgl_limit_execute(p, &o, 1, &r, NULL, &e) == SGL_EINVAL && r == NULL, "limit: eig 7 refused (%s)",
               e.msg);
    sgl_plan_free(p);
}

int main(void)
{
    t_sphere_geometry();
    t_warm_geometry();
    t_eig_paths();
    t_dsyevr();
    t_toy_phi();
    t_lyapunov();
    compare_forms("toy2d", "label", tweak_toy_label, 1e-9);
    compare_forms("sphere", "gaussian", iso, 1e-9);
    compare_forms("diagnet", "gaussian", iso_diag, 1e-8);
    compare_forms("diagnet", "label", label_b2, 1e-6);
    same_seed("toy2d", "label", tweak_toy_label, 1.0, 0.01, 1e-9);
    same_seed("sphere", "gaussian", iso, 0.5, 0.01, 1e-8);
    t_c5();
    t_c6();
    t_c9();
    t_c10();
    t_c11();
    t_lambda1_flow();
    t_bad();
    t_threads();
    return done();
}
