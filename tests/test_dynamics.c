/* Dynamics, plans and ensembles: one trajectory driven by hand and whole plans.
 *
 *  - THEORY.md C1: the exact u_j v_j identity of a single-sample label-noise
 *    step, with the step's sample and label noise recomputed from the documented
 *    streams (which also pins how the noise kind consumes randomness);
 *  - one GD step by hand for every model (and C1's GD form for theta = (u, v));
 *  - the discrete Ornstein-Uhlenbeck closed form (STYLE.md section 8) for
 *    isotropic Gaussian noise under both sigma scales;
 *  - the learning-rate schedule and its splitting of advance();
 *  - every model x noise kind: advance() in one call == split anywhere
 *    (bitwise), and == a scalar-stream reference stepper (to rounding);
 *  - sgl_plan_execute == hand-driven trajectories (bitwise), and thread
 *    invariance (1, 2, 3 threads, bitwise);
 *  - divergence recorded as data, and summaries over the live trajectories;
 *  - observables recomputed from theta by their definitions;
 *  - bad input through sgl_plan_alloc, and CSV loading.
 *
 * Statistics: only the OU test is random: 4 z-tests at |z| < 4.89 (two-sided
 * 1e-6 each), so the file fails by chance with probability < 4e-6.  Everything
 * else is deterministic for the fixed seeds used. */
#include "plan.h"
#include "testutil.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static sgl_plan *make_plan(const sgl_spec *sp, const char *what)
{
    sgl_plan *p = NULL;
    sgl_err err;
    memset(&err, 0, sizeof err);
    sgl_status st = sgl_plan_alloc(sp, &p, &err);
    if (st != SGL_OK || !p) {
        check_true(0, "%s: sgl_plan_alloc status obs=%d exp=0 (%s: %s)", what, (int)st, err.field, err.msg);
        return NULL;
    }
    return p;
}

static size_t obs_index(const sgl_plan *p, const char *name)
{
    for (size_t o = 0; o < p->n_obs; ++o)
        if (strcmp(p->obs[o]->name, name) == 0) return o;
    return (size_t)-1;
}

/* ------------------------------------------------------------------ C1 */

/* Replicates a batch-1 label-noise step from the documented streams: sample
 * index from (seed, traj, k, SGL_P_BATCH) via sgl_stream_index(n), label noise
 * eps = delta * (rademacher | normal) from (seed, traj, k, SGL_P_LABEL). */
static void test_c1(const char *noise, int gauss)
{
    sgl_spec sp;
    sgl_spec_defaults(&sp);
    sp.model = "diagnet";
    sp.noise = noise;
    sp.a = 0.5;
    sp.lr = 1e-3;
    sp.data.d = 100;
    sp.data.n = 40;
    sp.data.kappa = 5;
    sp.batch = 1;
    sp.delta = 1.0;
    sp.seeds = 1;
    sp.steps = 2000;
    sp.every = 2000;
    sp.data_draw = SGL_DRAW_SHARED;
    sgl_plan *p = make_plan(&sp, "C1 plan");
    if (!p) return;
    sgl_traj *t = NULL;
    if (!check_true(sgl_traj_alloc(p, &t) == SGL_OK, "C1 [%s]: sgl_traj_alloc", noise)) {
        sgl_plan_free(p);
        return;
    }
    const uint32_t id = 0;
    sgl_traj_init(p, t, id);
    const sgl_data *D = t->data;
    const size_t ld = D->ld, d = D->d, dim = t->model.dim;
    const double a = t->model.a, eta = sp.lr;
    double *before = malloc(dim * sizeof *before);
    double *scr = malloc((t->model.scratch_len + 2 * D->n) * sizeof *scr);
    double worst_uv = 0.0, worst_coord = 0.0, min_shrink = 1.0;
    int diverged = 0;
    for (uint64_t k = 0; k < sp.steps; ++k) {
        memcpy(before, t->theta, dim * sizeof *before);
        sgl_stream bs, ls;
        sgl_stream_init(&bs, sp.seed, id, k, SGL_P_BATCH);
        sgl_stream_init(&ls, sp.seed, id, k, SGL_P_LABEL);
        uint32_t i = sgl_stream_index(&bs, (uint32_t)D->n);
        double eps = sp.delta * (gauss ? sgl_stream_normal(&ls) : (double)sgl_stream_rademacher(&ls));
        double ri;
        t->model.type->residuals(&t->model, before, &i, 1, &ri, scr);
        double g = ri - eps;
        diverged |= sgl_traj_advance(p, t, k, k + 1);
        for (size_t j = 0; j < d; ++j) {
            double z = D->Z[i * ld + j];
            double f = 1.0 - 16.0 * a * a * eta * eta * g * g * z * z;
            double uv0 = before[j] * before[ld + j], uv1 = t->theta[j] * t->theta[ld + j];
            double e_uv = fabs(uv1 - uv0 * f) / fabs(uv0 * f);
            if (!(e_uv <= worst_uv)) worst_uv = e_uv;
            if (f < min_shrink) min_shrink = f;
            /* the coordinates themselves: u <- u (1 - 4 a eta g z), v <- v (1 + 4 a eta g z) */
            double u1 = before[j] * (1.0 - 4.0 * a * eta * g * z), v1 = before[ld + j] * (1.0 + 4.0 * a * eta * g * z);
            double e_c = fmax(fabs(t->theta[j] - u1) / fabs(u1), fabs(t->theta[ld + j] - v1) / fabs(v1));
            if (!(e_c <= worst_coord)) worst_coord = e_c;
        }
    }
    check_true(!diverged, "C1 [%s]: 2000 steps at eta=1e-3 stay finite (diverged obs=%d exp=0)", noise, diverged);
    check_le(worst_uv, 1e-12,
             "C1 [%s]: u_j v_j(after) = u_j v_j(before)(1 - 16 a^2 eta^2 g^2 z_ij^2), max rel dev over 2000 steps x 100 "
             "coords (smallest factor %.17g)",
             noise, min_shrink);
    check_le(worst_coord, 1e-12, "C1 [%s]: u_j, v_j updated by (1 -/+ 4 a eta g z_ij) with the replicated (i, eps)",
             noise);
    free(before);
    free(scr);
    sgl_traj_free(t);
    sgl_plan_free(p);
}

/* ------------------------------------------------------------------ GD */

static void test_gd_step(void)
{
    for (size_t mi = 0; sgl_models[mi]; ++mi) {
        const sgl_model_type *T = sgl_models[mi];
        if (!(T->caps & SGL_CAP_RESIDUALS)) {
            printf("SKIP GD step [%s]: no SGL_CAP_RESIDUALS\n", T->name);
            continue;
        }
        sgl_spec sp;
        sgl_spec_defaults(&sp);
        sp.model = T->name;
        sp.noise = "none";
        sp.lr = 1e-3;
        sp.alpha = 0.8;
        sp.data.d = 25;   /* a square, so msense (d = m^2) runs too */
        sp.data.n = 12;
        sp.data.kappa = 3;
        sp.seeds = 1;
        sp.steps = 10;
        sp.every = 10;
        /* a data-free model starts on its minimisers with the alpha init: start off them */
        static const double off_gamma[3] = {0.8, 0.3, -0.2};
        if (T->caps & SGL_CAP_NODATA) {
            sp.init = off_gamma;
            sp.n_init = T->dim(NULL);
        }
        sgl_plan *p = make_plan(&sp, "GD plan");
        if (!p) continue;
        sgl_traj *t = NULL;
        sgl_traj_alloc(p, &t);
        sgl_traj_init(p, t, 0);
        const size_t dim = t->model.dim, ld = t->data->ld, n = t->data->n;
        double *th0 = malloc(dim * sizeof *th0), *grad = malloc(dim * sizeof *grad);
        double *scr = malloc((t->model.scratch_len + 2 * n) * sizeof *scr);
        /* move off the symmetric start first, so the checked step is generic */
        sgl_traj_advance(p, t, 0, 3);
        memcpy(th0, t->theta, dim * sizeof *th0);
        double L0 = sgl_model_loss_grad(&t->model, th0, grad, scr);
        int dv = sgl_traj_advance(p, t, 3, 4);
        double num = 0.0, den = 0.0;
        for (size_t j = 0; j < dim; ++j) {
            double e = th0[j] - sp.lr * grad[j];
            num = fmax(num, fabs(t->theta[j] - e));
            den = fmax(den, fabs(e));
        }
        check_true(!dv, "GD step [%s]: not diverged", T->name);
        check_le(num / den, 1e-14, "GD step [%s]: theta_4 vs theta_3 - eta grad L(theta_3), max rel err", T->name);
        double L1 = sgl_model_loss_grad(&t->model, t->theta, NULL, scr);
        check_true(L1 < L0, "GD step [%s]: loss decreases: %.17g -> %.17g", T->name, L0, L1);
        if (T->caps & SGL_CAP_UV) {
            /* THEORY C1, GD form: u_j v_j <- u_j v_j (1 - 16 a^2 eta^2 q_j^2), q = (1/n) Z^T r */
            double *r = scr + t->model.scratch_len;
            t->model.type->residuals(&t->model, th0, NULL, n, r, scr);
            double worst = 0.0;
            for (size_t j = 0; j < t->data->d; ++j) {
                double q = 0.0;
                for (size_t i = 0; i < n; ++i) q += t->data->Z[i * ld + j] * r[i];
                q /= (double)n;
                double f = 1.0 - 16.0 * t->model.a * t->model.a * sp.lr * sp.lr * q * q;
                double uv0 = th0[j] * th0[ld + j], uv1 = t->theta[j] * t->theta[ld + j];
                worst = fmax(worst, fabs(uv1 - uv0 * f) / fabs(uv0 * f));
            }
            check_le(worst, 1e-12, "GD step [%s]: C1 GD form u_j v_j <- u_j v_j (1 - 16 a^2 eta^2 q_j^2)", T->name);
        }
        free(th0);
        free(grad);
        free(scr);
        sgl_traj_free(t);
        sgl_plan_free(p);
    }
}

/* ------------------------------------------------------------------ OU */

/* SGD on the 1-D quadratic L = a (z x - y)^2 = (h/2)(x - x*)^2, h = 2 a z^2,
 * x* = y / z, with isotropic noise of per-step std s is the discrete OU process
 * x_{k+1} = x_k - eta h (x_k - x*) + s xi_k.  With rho = 1 - eta h:
 *   E x_k = x* + (x_0 - x*) rho^k,  Var x_k = s^2 (1 - rho^(2k)) / (1 - rho^2).
 * M independent trajectories; x_k is exactly Gaussian, so the sample mean has
 * sd sqrt(V/M) and the mean of (x - E x)^2 has sd V sqrt(2/M).
 * |z| < 4.89: two-sided false failure 1e-6 per comparison. */
static void test_ou(sgl_sigma_scale scale)
{
    const char *sname = scale == SGL_SCALE_ETA ? "eta" : "sqrt-eta";
    sgl_spec sp;
    sgl_spec_defaults(&sp);
    sp.model = "linreg";
    sp.noise = "gaussian";
    sp.sigma_scale = scale;
    sp.sigma = scale == SGL_SCALE_ETA ? 2.0 : 0.5;
    sp.data.d = 1;
    sp.data.n = 1;
    sp.data.kappa = 1;
    sp.alpha = -0.5;          /* x_0 */
    sp.data_draw = SGL_DRAW_SHARED;
    sp.seed = scale == SGL_SCALE_ETA ? 12345 : 54321;   /* independent comparisons */
    sp.steps = 50;
    sp.every = 50;
    sp.seeds = 4000;
    /* read z from the data, then pick eta so that eta h = 0.03 */
    sgl_plan *p0 = make_plan(&sp, "OU probe plan");
    if (!p0) return;
    const double z = p0->data[0]->Z[0], y = p0->data[0]->y[0];
    const double a = p0->spec.a, h = 2.0 * a * z * z, xstar = y / z;
    sgl_plan_free(p0);
    check_true(fabs(z) > 0.1, "OU [%s]: data z=%.17g y=%.17g usable (|z| > 0.1)", sname, z, y);
    sp.lr = 0.03 / h;
    sgl_plan *p = make_plan(&sp, "OU plan");
    if (!p) return;
    sgl_results *r = NULL;
    sgl_results_alloc(p, &r);
    sgl_status st = sgl_plan_execute(p, 0, r);
    check_true(st == SGL_OK, "OU [%s]: execute status obs=%d exp=0", sname, (int)st);
    const double eta = sp.lr, rho = 1.0 - eta * h, k = (double)sp.steps;
    const double s = sp.sigma * (scale == SGL_SCALE_ETA ? eta : sqrt(eta));
    const double mean = xstar + (sp.alpha - xstar) * pow(rho, k);
    const double var = s * s * (1.0 - pow(rho, 2.0 * k)) / (1.0 - rho * rho);
    const uint32_t M = sp.seeds;
    double sum = 0.0, ss = 0.0;
    for (uint32_t i = 0; i < M; ++i) sum += r->theta_final[(size_t)i * r->dim];
    for (uint32_t i = 0; i < M; ++i) {
        double x = r->theta_final[(size_t)i * r->dim];
        ss += (x - mean) * (x - mean);
    }
    printf("OU [%s]: z=%.6g h=%.6g x*=%.6g eta=%.6g s=%.6g k=%.0f M=%u\n", sname, z, h, xstar, eta, s, k, M);
    check_z(sum / M, mean, sqrt(var / M), 4.89, "OU [%s]: mean of x_50 vs x* + (x0 - x*) rho^k", sname);
    check_z(ss / M, var, var * sqrt(2.0 / M), 4.89, "OU [%s]: E (x_50 - E x_50)^2 vs s^2 (1 - rho^2k)/(1 - rho^2)",
            sname);
    /* padding coordinates get no noise */
    long pad = 0;
    for (uint32_t i = 0; i < M; ++i)
        for (size_t j = 1; j < r->dim; ++j) pad += r->theta_final[(size_t)i * r->dim + j] != 0.0;
    check_true(pad == 0, "OU [%s]: padding coordinates stay 0: %ld nonzero", sname, pad);
    sgl_results_free(r);
    sgl_plan_free(p);
}

/* ------------------------------------------------------------------ LR */

static void test_lr(void)
{
    sgl_spec sp;
    sgl_spec_defaults(&sp);
    sp.lr = 0.01;
    sp.decay_at[0] = 100;
    sp.decay_at[1] = 200;
    sp.n_decay = 2;
    sp.decay_factor = 0.1;
    check_rel(sgl_spec_lr(&sp, 0), 0.01, 1e-15, "lr schedule: eta(0)");
    check_rel(sgl_spec_lr(&sp, 99), 0.01, 1e-15, "lr schedule: eta(99)");
    check_rel(sgl_spec_lr(&sp, 100), 0.001, 1e-15, "lr schedule: eta(100)");
    check_rel(sgl_spec_lr(&sp, 199), 0.001, 1e-15, "lr schedule: eta(199)");
    check_rel(sgl_spec_lr(&sp, 200), 1e-4, 1e-15, "lr schedule: eta(200)");
    check_rel(sgl_spec_lr(&sp, 1000000), 1e-4, 1e-15, "lr schedule: eta(1e6)");

    /* advance() splits at decay steps: one call over [0, 250) equals 250 single
     * steps, and equals GD by hand with eta(k) */
    sp.model = "diagnet";
    sp.noise = "none";
    sp.lr = 0.01;
    sp.data.d = 20;
    sp.data.n = 8;
    sp.data.kappa = 2;
    sp.seeds = 1;
    sp.steps = 250;
    sp.every = 250;
    sgl_plan *p = make_plan(&sp, "LR plan");
    if (!p) return;
    sgl_traj *t1 = NULL, *t2 = NULL;
    sgl_traj_alloc(p, &t1);
    sgl_traj_alloc(p, &t2);
    sgl_traj_init(p, t1, 0);
    sgl_traj_init(p, t2, 0);
    const size_t dim = t1->model.dim;
    double *th = malloc(dim * sizeof *th), *grad = malloc(dim * sizeof *grad);
    double *scr = malloc((t1->model.scratch_len + 2 * t1->data->n) * sizeof *scr);
    memcpy(th, t1->theta, dim * sizeof *th);
    sgl_traj_advance(p, t1, 0, 250);
    for (uint64_t k = 0; k < 250; ++k) {
        sgl_traj_advance(p, t2, k, k + 1);
        sgl_model_loss_grad(&t2->model, th, grad, scr);
        double eta = sgl_spec_lr(&sp, k);
        for (size_t j = 0; j < dim; ++j) th[j] -= eta * grad[j];
    }
    check_true(memcmp(t1->theta, t2->theta, dim * sizeof *th) == 0,
               "advance(0, 250) with decays at 100, 200 is bitwise equal to 250 single steps");
    double num = 0.0, den = 0.0;
    for (size_t j = 0; j < dim; ++j) {
        num = fmax(num, fabs(t1->theta[j] - th[j]));
        den = fmax(den, fabs(th[j]));
    }
    check_le(num / den, 1e-13, "advance(0, 250) vs GD by hand with eta(k) = 0.01, 1e-3, 1e-4: max rel err");
    free(th);
    free(grad);
    free(scr);
    sgl_traj_free(t1);
    sgl_traj_free(t2);
    sgl_plan_free(p);
}

/* ------------------------------------------- reference steppers, splits */

/* A small spec that every noise kind accepts. */
static void small_spec(sgl_spec *sp, const char *model, const char *noise, size_t B, int with_repl)
{
    sgl_spec_defaults(sp);
    sp->model = model;
    sp->noise = noise;
    sp->data.d = 25;   /* a square, so msense (d = m^2) runs too */
    sp->data.n = 12;
    sp->data.kappa = 3;
    sp->alpha = 0.9;
    sp->lr = 2e-3;
    sp->delta = 0.5;
    sp->sigma = 0.1;
    sp->sigma_scale = SGL_SCALE_SQRT_ETA;
    sp->batch = B;
    sp->with_replacement = with_repl;
    sp->seeds = 3;
    sp->seed = 77;
    sp->steps = 300;
    sp->every = 300;
}

/* B sample indices of step k from stream `purpose`, as documented: with
 * replacement B calls of sgl_stream_index(n), else sgl_stream_sample. */
static void ref_batch(const sgl_spec *sp, uint32_t id, uint64_t k, unsigned purpose, uint32_t n, size_t B,
                      uint32_t *perm, uint32_t *out)
{
    sgl_stream s;
    sgl_stream_init(&s, sp->seed, id, k, purpose);
    if (sp->with_replacement)
        for (size_t b = 0; b < B; ++b) out[b] = sgl_stream_index(&s, n);
    else
        sgl_stream_sample(&s, n, (uint32_t)B, perm, out);
}

/* One step of the documented update of each noise kind, written with the
 * scalar streams and the plain model calls.  Returns 0, or -1 for a noise kind
 * this reference does not know (then the comparison is skipped). */
static int ref_step(const sgl_spec *sp, const sgl_model *m, uint32_t id, uint64_t k, double *theta, double *scr,
                    double *g, uint32_t *idx, uint32_t *perm)
{
    const sgl_data *D = m->data;
    const size_t n = D->n, B = sp->batch, dim = m->dim;
    const double eta = sgl_spec_lr(sp, k), two_a = 2.0 * m->a;
    double *r = scr + m->scratch_len, *c = r + n;   /* n + n after the model scratch */
    const char *nm = sp->noise;
    int full = strcmp(nm, "none") == 0 || strcmp(nm, "gaussian") == 0 || strcmp(nm, "lngd") == 0 ||
               strcmp(nm, "minibatch-diff") == 0;
    if (full) {
        m->type->residuals(m, theta, NULL, n, r, scr);
        for (size_t i = 0; i < n; ++i) c[i] = two_a * r[i] / (double)n;
        if (strcmp(nm, "lngd") == 0) {
            sgl_stream bs, ls;
            sgl_stream_init(&bs, sp->seed, id, k, SGL_P_BATCH);
            sgl_stream_init(&ls, sp->seed, id, k, SGL_P_LABEL);
            uint32_t i = sgl_stream_index(&bs, (uint32_t)n);
            c[i] -= two_a * sp->delta * sgl_stream_normal(&ls);
        } else if (strcmp(nm, "minibatch-diff") == 0) {
            const double w = sp->delta * two_a / (double)B;
            ref_batch(sp, id, k, SGL_P_BATCH, (uint32_t)n, B, perm, idx);
            ref_batch(sp, id, k, SGL_P_BATCH2, (uint32_t)n, B, perm, idx + B);
            for (size_t b = 0; b < B; ++b) {
                c[idx[b]] += w * r[idx[b]];
                c[idx[B + b]] -= w * r[idx[B + b]];
            }
        }
        m->type->jt(m, theta, NULL, n, c, g, scr);
        for (size_t j = 0; j < dim; ++j) theta[j] -= eta * g[j];
        if (strcmp(nm, "gaussian") == 0) {
            const double s = sp->sigma * (sp->sigma_scale == SGL_SCALE_SQRT_ETA ? sqrt(eta) : eta);
            sgl_stream ns;
            sgl_stream_init(&ns, sp->seed, id, k, SGL_P_NOISE);
            size_t nb, len, stride;
            sgl_model_layout(m, &nb, &len, &stride);
            for (size_t b = 0; b < nb; ++b)
                for (size_t j = 0; j < len; ++j) theta[b * stride + j] += s * sgl_stream_normal(&ns);
        }
        return 0;
    }
    int label = strcmp(nm, "label") == 0, lgauss = strcmp(nm, "label-gauss") == 0;
    if (!label && !lgauss && strcmp(nm, "minibatch") != 0) return -1;
    ref_batch(sp, id, k, SGL_P_BATCH, (uint32_t)n, B, perm, idx);
    m->type->residuals(m, theta, idx, B, r, scr);
    sgl_stream ls;
    sgl_stream_init(&ls, sp->seed, id, k, SGL_P_LABEL);
    for (size_t b = 0; b < B; ++b) {
        double eps = 0.0;
        if (label) eps = sp->delta * sgl_stream_rademacher(&ls);
        if (lgauss) eps = sp->delta * sgl_stream_normal(&ls);
        c[b] = -eta * two_a * (r[b] - eps) / (double)B;
    }
    if (B == 1 && m->type->step1) {
        m->type->step1(m, theta, idx[0], c[0]);
    } else {
        m->type->jt(m, theta, idx, B, c, g, scr);
        for (size_t j = 0; j < dim; ++j) theta[j] += g[j];
    }
    return 0;
}

/* For every model x noise kind (x batch 1 and 4, with and without
 * replacement where the kind samples): trajectory 2 advanced in one call over
 * [0, 300) against
 *   (a) the same trajectory advanced over the split points 1, 37, 64, 65, 200
 *       (chunk edges of vectorised randomness; the results must not depend on
 *       where a run is split for logging): bitwise;
 *   (b) the reference stepper above: max rel diff <= 1e-10 (summation order in
 *       fused kernels may differ; a wrong sample or noise draw gives O(eta)). */
static void test_reference_and_splits(void)
{
    static const uint64_t cuts[] = {0, 1, 37, 64, 65, 200, 300};
    for (size_t mi = 0; sgl_models[mi]; ++mi)
        for (size_t ni = 0; sgl_noises[ni]; ++ni) {
            const sgl_model_type *T = sgl_models[mi];
            const sgl_noise_type *N = sgl_noises[ni];
            if ((T->caps & N->needs_caps) != N->needs_caps) {
                printf("SKIP split/reference [%s, %s]: model lacks the caps the noise needs\n", T->name, N->name);
                continue;
            }
            for (int variant = 0; variant < (N->uses_batch ? 3 : 1); ++variant) {
                size_t B = variant == 0 ? 1 : 4;
                int repl = variant == 2;
                sgl_spec sp;
                small_spec(&sp, T->name, N->name, B, repl);
                char tag[96];
                snprintf(tag, sizeof tag, "[%s, %s, B=%zu%s]", T->name, N->name, B, repl ? ", with repl." : "");
                sgl_plan *p = make_plan(&sp, tag);
                if (!p) continue;
                sgl_traj *a = NULL, *b = NULL, *c = NULL;
                sgl_traj_alloc(p, &a);
                sgl_traj_alloc(p, &b);
                sgl_traj_alloc(p, &c);
                const uint32_t id = 2;
                sgl_traj_init(p, a, id);
                sgl_traj_init(p, b, id);
                sgl_traj_init(p, c, id);
                int da = sgl_traj_advance(p, a, 0, sp.steps);
                int db = 0;
                for (size_t q = 0; q + 1 < sizeof cuts / sizeof cuts[0]; ++q)
                    db |= sgl_traj_advance(p, b, cuts[q], cuts[q + 1]);
                const size_t dim = p->dim;
                check_true(!da && !db && memcmp(a->theta, b->theta, dim * sizeof(double)) == 0,
                           "split invariance %s: advance(0,300) bitwise = advance split at 1,37,64,65,200 "
                           "(diverged %d %d)", tag, da, db);
                /* reference */
                const size_t n = c->data->n;
                double *scr = malloc((c->model.scratch_len + 2 * n) * sizeof *scr);
                double *g = malloc(dim * sizeof *g);
                uint32_t *idx = malloc(2 * B * sizeof *idx), *perm = malloc(n * sizeof *perm);
                for (size_t q = 0; perm && q < n; ++q) perm[q] = (uint32_t)q;
                int known = 0;
                for (uint64_t k = 0; k < sp.steps; ++k) known = ref_step(&sp, &c->model, id, k, c->theta, scr, g, idx, perm);
                if (known == 0) {
                    double num = 0.0, den = 0.0;
                    for (size_t j = 0; j < dim; ++j) {
                        num = fmax(num, fabs(a->theta[j] - c->theta[j]));
                        den = fmax(den, fabs(c->theta[j]));
                    }
                    double moved = 0.0;   /* sanity: the run did move */
                    sgl_traj_init(p, b, id);
                    for (size_t j = 0; j < dim; ++j) moved = fmax(moved, fabs(a->theta[j] - b->theta[j]));
                    check_le(num / den, 1e-10, "reference %s: 300 steps vs scalar-stream reference, max rel diff "
                             "(moved %.3g)", tag, moved);
                } else {
                    printf("SKIP reference %s: no reference stepper for noise '%s'\n", tag, N->name);
                }
                free(scr);
                free(g);
                free(idx);
                free(perm);
                sgl_traj_free(a);
                sgl_traj_free(b);
                sgl_traj_free(c);
                sgl_plan_free(p);
            }
        }
}

/* sgl_plan_execute against trajectories driven by hand through the same log
 * schedule (traj_init, advance between log steps, observables at each): the
 * ensemble driver may batch or interleave trajectories, but each must end
 * bitwise as sgl_traj_advance leaves it. */
static void test_execute_vs_hand(const char *noise, uint32_t seeds)
{
    sgl_spec sp;
    sgl_spec_defaults(&sp);
    sp.noise = noise;
    sp.seeds = seeds;
    sp.steps = 1000;
    sp.every = 300;
    sgl_plan *p = make_plan(&sp, "execute-vs-hand plan");
    if (!p) return;
    sgl_results *r = NULL;
    sgl_results_alloc(p, &r);
    sgl_plan_execute(p, 2, r);
    sgl_traj *t = NULL;
    sgl_traj_alloc(p, &t);
    long bad_theta = 0, bad_series = 0;
    for (uint32_t id = 0; id < seeds; ++id) {
        sgl_traj_init(p, t, id);
        uint64_t k = 0;
        for (size_t l = 0; l < p->n_log; ++l) {
            if (p->log_steps[l] > k) sgl_traj_advance(p, t, k, p->log_steps[l]);
            k = p->log_steps[l];
            for (size_t o = 0; o < p->n_obs; ++o) {
                double x = t->diverged ? NAN : p->obs[o]->eval(p, t);
                double y = r->series[((size_t)id * r->n_log + l) * r->n_obs + o];
                bad_series += memcmp(&x, &y, sizeof x) != 0 && !(isnan(x) && isnan(y));
            }
        }
        bad_theta += memcmp(t->theta, r->theta_final + (size_t)id * r->dim, p->dim * sizeof(double)) != 0;
        bad_theta += r->diverged[id] != t->diverged;
    }
    check_true(bad_theta == 0 && bad_series == 0,
               "execute [diagnet, %s, %u seeds] = hand-driven sgl_traj_advance: %ld trajectories differ in "
               "theta_final/diverged, %ld series cells differ",
               noise, seeds, bad_theta, bad_series);
    sgl_traj_free(t);
    sgl_results_free(r);
    sgl_plan_free(p);
}

/* ------------------------------------------------------------ threads */

static void test_threads(void)
{
    sgl_spec sp;
    sgl_spec_defaults(&sp);
    sp.model = "diagnet";
    sp.noise = "label";
    sp.seeds = 16;
    sp.steps = 2000;
    sp.every = 500;
    sgl_plan *p = make_plan(&sp, "threads plan");
    if (!p) return;
    sgl_results *r[3] = {NULL, NULL, NULL};
    const int threads[3] = {1, 2, 3};
    for (int q = 0; q < 3; ++q) {
        sgl_results_alloc(p, &r[q]);
        sgl_status st = sgl_plan_execute(p, threads[q], r[q]);
        check_true(st == SGL_OK, "threads: execute with %d threads, status obs=%d exp=0", threads[q], (int)st);
    }
    const size_t ns = (size_t)r[0]->n_traj * r[0]->n_log * r[0]->n_obs, nt = (size_t)r[0]->n_traj * r[0]->dim;
    for (int q = 1; q < 3; ++q) {
        int same = memcmp(r[0]->series, r[q]->series, ns * sizeof(double)) == 0 &&
                   memcmp(r[0]->theta_final, r[q]->theta_final, nt * sizeof(double)) == 0 &&
                   memcmp(r[0]->diverged, r[q]->diverged, r[0]->n_traj * sizeof(int)) == 0 &&
                   memcmp(r[0]->diverged_step, r[q]->diverged_step, r[0]->n_traj * sizeof(uint64_t)) == 0;
        check_true(same, "threads: series (%zu doubles), theta_final (%zu), diverged flags: %d threads bitwise = 1 thread",
                   ns, nt, threads[q]);
    }
    /* and the trajectories are not trivially equal to each other */
    check_true(memcmp(r[0]->theta_final, r[0]->theta_final + r[0]->dim, r[0]->dim * sizeof(double)) != 0,
               "threads: trajectories 0 and 1 differ");
    for (int q = 0; q < 3; ++q) sgl_results_free(r[q]);
    sgl_plan_free(p);
}

/* ---------------------------------------------------------- divergence */

/* Divergence is data.  A trajectory counts as diverged at log point l from
 * its diverged step on (its values are NaN there), and as a normal member of
 * the ensemble before (sgl_summary: "over trajectories not (yet) diverged at
 * that log point").  At l with log_steps[l] == diverged_step either reading is
 * possible (the bound is checked after the step that logs), so there the
 * series decides. */
static void check_divergence_results(const sgl_plan *p, const sgl_results *r, const char *tag)
{
    uint32_t nd = 0;
    long finite_after = 0, bad_nonfinite = 0, bad_step = 0, nan_before = 0;
    for (uint32_t i = 0; i < r->n_traj; ++i) {
        if (r->diverged[i]) {
            ++nd;
            bad_step += r->diverged_step[i] > p->spec.steps;
        }
        for (size_t l = 0; l < r->n_log; ++l)
            for (size_t o = 0; o < r->n_obs; ++o) {
                double x = r->series[((size_t)i * r->n_log + l) * r->n_obs + o];
                if (!r->diverged[i]) bad_nonfinite += !isfinite(x);
                else if (p->log_steps[l] > r->diverged_step[i]) finite_after += !isnan(x);
                else if (p->log_steps[l] < r->diverged_step[i]) nan_before += !isfinite(x);
            }
    }
    check_true(bad_step == 0, "%s: diverged_step <= steps for every diverged trajectory (%ld bad)", tag, bad_step);
    check_true(finite_after == 0, "%s: series is NaN at log steps after divergence (%ld non-NaN)", tag, finite_after);
    check_true(nan_before == 0, "%s: diverged trajectories are finite at log steps before divergence (%ld not)", tag,
               nan_before);
    check_true(bad_nonfinite == 0, "%s: non-diverged trajectories have finite series (%ld non-finite)", tag,
               bad_nonfinite);
    for (size_t l = 0; l < r->n_log; ++l) {
        long bad = 0;
        uint64_t n_exp = 0, nd_exp = 0, n_obs = 0, nd_obs = 0;
        double worst = 0.0;
        for (size_t o = 0; o < r->n_obs; ++o) {
            double sum = 0.0, mn = INFINITY, mx = -INFINITY;
            n_exp = nd_exp = 0;
            for (uint32_t i = 0; i < r->n_traj; ++i) {
                double x = r->series[((size_t)i * r->n_log + l) * r->n_obs + o];
                int gone = r->diverged[i] && (p->log_steps[l] > r->diverged_step[i] ||
                                              (p->log_steps[l] == r->diverged_step[i] && isnan(x)));
                if (gone) ++nd_exp;
                else {
                    ++n_exp;
                    sum += x;
                    mn = fmin(mn, x);
                    mx = fmax(mx, x);
                }
            }
            double mean = n_exp ? sum / (double)n_exp : NAN, ss = 0.0;
            for (uint32_t i = 0; i < r->n_traj && n_exp; ++i) {
                double x = r->series[((size_t)i * r->n_log + l) * r->n_obs + o];
                int gone = r->diverged[i] && (p->log_steps[l] > r->diverged_step[i] ||
                                              (p->log_steps[l] == r->diverged_step[i] && isnan(x)));
                if (!gone) ss += (x - mean) * (x - mean);
            }
            /* standard error of the mean: sample sd / sqrt(n), NaN for n < 2 */
            double se = n_exp > 1 ? sqrt(ss / (double)(n_exp - 1) / (double)n_exp) : NAN;
            sgl_summary sm;
            sgl_summarize(r, l, o, &sm);
            double e = n_exp ? fabs(sm.mean - mean) / fmax(fabs(mean), 1e-300) : (isnan(sm.mean) ? 0.0 : INFINITY);
            double e_se = n_exp > 1 ? fabs(sm.std_err - se) / fmax(se, 1e-300) : (isnan(sm.std_err) ? 0.0 : INFINITY);
            if (!(e <= worst)) worst = e;
            if (!(e_se <= worst)) worst = e_se;
            bad += sm.n != n_exp || sm.n_diverged != nd_exp || !(e <= 1e-12) || !(e_se <= 1e-10) ||
                   (n_exp > 0 && !(sm.min == mn && sm.max == mx)) || (n_exp == 0 && !(isnan(sm.min) && isnan(sm.max)));
            n_obs = sm.n;
            nd_obs = sm.n_diverged;
        }
        check_true(bad == 0,
                   "%s: summaries at log step %llu, all %zu observables: n=%llu n_diverged=%llu (exp %llu %llu, "
                   "%u diverged by the end); mean, std_err, min, max over the live ones (max rel err %.2g; NaN iff none live)",
                   tag, (unsigned long long)p->log_steps[l], r->n_obs, (unsigned long long)n_obs,
                   (unsigned long long)nd_obs, (unsigned long long)n_exp, (unsigned long long)nd_exp, nd, worst);
    }
}

static void test_divergence(void)
{
    sgl_spec sp;
    sgl_spec_defaults(&sp);
    sp.model = "diagnet";
    sp.noise = "label";
    sp.lr = 0.05;              /* diverges at d = 100 (THEORY.md 8.2) */
    sp.seeds = 8;
    sp.steps = 2000;
    sp.every = 500;
    sgl_plan *p = make_plan(&sp, "divergence plan");
    if (!p) return;
    sgl_results *r = NULL;
    sgl_results_alloc(p, &r);
    sgl_status st = sgl_plan_execute(p, 2, r);
    check_true(st == SGL_OK, "divergence eta=0.05: execute status obs=%d exp=0 (divergence is data)", (int)st);
    uint32_t nd = 0;
    for (uint32_t i = 0; i < r->n_traj; ++i) nd += r->diverged[i] != 0;
    check_true(nd >= 1, "divergence eta=0.05: %u of 8 trajectories marked diverged (exp >= 1)", nd);
    check_divergence_results(p, r, "divergence eta=0.05");
    sgl_results_free(r);
    sgl_plan_free(p);

    /* A mixed ensemble: a stable step size, but a bound that a random walk of
     * std ~ sqrt(eta k) over 10 coordinates trips in about half the
     * trajectories (9 of 16 with this seed), so summaries see both kinds.
     * With another seed the split is Binomial(16, ~0.56): all-or-none has
     * probability ~1e-4, which is why the mix is checked on this fixed seed. */
    sgl_spec_defaults(&sp);
    sp.model = "linreg";
    sp.noise = "gaussian";
    sp.sigma = 1.0;
    sp.sigma_scale = SGL_SCALE_SQRT_ETA;
    sp.lr = 1e-3;
    sp.alpha = 0.0;
    sp.data.d = 10;
    sp.data.n = 20;
    sp.data.kappa = 2;
    sp.bound = 0.7;
    sp.seeds = 16;
    sp.steps = 200;
    sp.every = 50;
    p = make_plan(&sp, "bound plan");
    if (!p) return;
    sgl_results_alloc(p, &r);
    st = sgl_plan_execute(p, 2, r);
    nd = 0;
    for (uint32_t i = 0; i < r->n_traj; ++i) nd += r->diverged[i] != 0;
    check_true(st == SGL_OK, "bound 0.7: execute status obs=%d exp=0", (int)st);
    check_true(nd > 0 && nd < 16, "bound 0.7: %u of 16 trajectories exceeded the bound (exp a mix, 0 < n < 16)", nd);
    check_divergence_results(p, r, "bound 0.7");
    sgl_results_free(r);
    sgl_plan_free(p);
}

/* ---------------------------------------------------------- observables */

/* Each known observable recomputed from theta_final by its definition
 * (include/sgdlab.h, src docs), against the last logged value.  Observables
 * this test does not know are listed as SKIP, so new ones do not break it. */
static void test_observables(void)
{
    sgl_spec sp;
    sgl_spec_defaults(&sp);
    sp.noise = "label";
    sp.data.n_test = 25;
    sp.seeds = 2;
    sp.steps = 3000;
    sp.every = 1000;
    sp.threshold = 0.05;
    sgl_plan *p = make_plan(&sp, "observables plan");
    if (!p) return;
    sgl_results *r = NULL;
    sgl_results_alloc(p, &r);
    sgl_plan_execute(p, 1, r);
    const uint32_t id = 1;
    const sgl_data *D = p->data[id];
    const double *th = r->theta_final + (size_t)id * r->dim;
    sgl_model m;
    sgl_model_init(&m, p->mtype, D, p->spec.a, NULL);
    double *scr = malloc((m.scratch_len + 2 * D->n) * sizeof *scr), *w = calloc(D->ld, sizeof *w);
    m.type->weights(&m, th, w);
    const size_t l = r->n_log - 1, ld = D->ld, d = D->d;
    for (size_t o = 0; o < p->n_obs; ++o) {
        const char *nm = p->obs[o]->name;
        double got = r->series[((size_t)id * r->n_log + l) * r->n_obs + o], want = NAN;
        if (strcmp(nm, "train_loss") == 0) {
            want = sgl_model_loss_grad(&m, th, NULL, scr);
        } else if (strcmp(nm, "test_error") == 0) {
            want = 0.0;
            for (size_t j = 0; j < d; ++j) want += (w[j] - D->wstar[j]) * (w[j] - D->wstar[j]);
        } else if (strcmp(nm, "test_loss") == 0) {
            want = 0.0;
            for (size_t i = 0; i < D->n_test; ++i) {
                double f = 0.0;
                for (size_t j = 0; j < d; ++j) f += D->Zt[i * ld + j] * w[j];
                want += (f - D->yt[i]) * (f - D->yt[i]);
            }
            want *= m.a / (double)D->n_test;
        } else if (strcmp(nm, "off_support") == 0) {
            want = 0.0;
            for (size_t j = 0; j < d; ++j) want += D->wstar[j] == 0.0 && fabs(w[j]) > sp.threshold;
        } else if (strcmp(nm, "trace_hessian") == 0) {
            want = m.type->trace(&m, th, scr);
        } else if (strcmp(nm, "log_uv") == 0) {
            want = 0.0;
            for (size_t j = 0; j < d; ++j) want += log(fabs(th[j] * th[ld + j]));
            want /= (double)d;
        } else if (strcmp(nm, "norm") == 0) {
            want = 0.0;
            for (size_t j = 0; j < r->dim; ++j) want += th[j] * th[j];
            want = sqrt(want);
        } else {
            printf("SKIP observable '%s': no independent definition in this test\n", nm);
            continue;
        }
        check_rel(got, want, 1e-12, "observable %s at step %llu, recomputed from theta_final", nm,
                  (unsigned long long)p->log_steps[l]);
    }
    check_true(obs_index(p, "test_loss") != (size_t)-1, "observables: test_loss present with --n-test 25");
    free(scr);
    free(w);
    sgl_results_free(r);
    sgl_plan_free(p);

    /* the fixed-order sum */
    double x[1001];
    for (int i = 0; i < 1001; ++i) x[i] = i + 1;
    check_true(sgl_sum_fixed(x, 1001) == 501501.0 && sgl_sum_fixed(x, 0) == 0.0 && sgl_sum_fixed(x, 3) == 6.0,
               "sgl_sum_fixed: 1..1001 = %.17g (exp 501501), n=0 -> %g, n=3 -> %g", sgl_sum_fixed(x, 1001),
               sgl_sum_fixed(x, 0), sgl_sum_fixed(x, 3));
}

/* ------------------------------------------------------------ bad input */

static char tmp_csv[4][64];

static const char *write_tmp(int slot, const char *text)
{
    snprintf(tmp_csv[slot], sizeof tmp_csv[slot], "/tmp/sgl_test_csvXXXXXX");
    int fd = mkstemp(tmp_csv[slot]);
    if (fd < 0) return NULL;
    FILE *f = fdopen(fd, "w");
    fputs(text, f);
    fclose(f);
    return tmp_csv[slot];
}

static void expect_fail(const sgl_spec *sp, sgl_status want, const char *field, const char *what)
{
    sgl_plan *p = (sgl_plan *)(uintptr_t)1;   /* must be reset to NULL */
    sgl_err err;
    memset(&err, 0, sizeof err);
    sgl_status st = sgl_plan_alloc(sp, &p, &err);
    check_true(st == want && strcmp(err.field, field) == 0 && p == NULL && err.msg[0] != '\0',
               "bad input %s: status obs=%d exp=%d, field obs='%s' exp='%s', out NULL=%d, msg '%s'", what, (int)st,
               (int)want, err.field, field, p == NULL, err.msg);
    if (st == SGL_OK) sgl_plan_free(p);
}

static void test_bad_input(void)
{
    sgl_spec base, sp;
    sgl_spec_defaults(&base);
    base.steps = 100;
    base.every = 10;
    sgl_err err;
    check_true(sgl_spec_validate(&base, &err) == SGL_OK, "defaults validate");

    sp = base;
    sp.model = "no-such-model";
    expect_fail(&sp, SGL_EINVAL, "--model", "unknown model");
    {
        sgl_plan *p = NULL;
        memset(&err, 0, sizeof err);
        sgl_plan_alloc(&sp, &p, &err);
        int all = 1;
        for (size_t k = 0; sgl_models[k]; ++k) all &= strstr(err.msg, sgl_models[k]->name) != NULL;
        check_true(all, "unknown model: message lists every registered model: '%s'", err.msg);
    }
    sp = base;
    sp.noise = "no-such-noise";
    expect_fail(&sp, SGL_EINVAL, "--noise", "unknown noise");
    {
        sgl_plan *p = NULL;
        memset(&err, 0, sizeof err);
        sgl_plan_alloc(&sp, &p, &err);
        int all = 1;
        for (size_t k = 0; sgl_noises[k]; ++k) all &= strstr(err.msg, sgl_noises[k]->name) != NULL;
        check_true(all, "unknown noise: message lists every registered noise: '%s'", err.msg);
    }
    sp = base;
    sp.model = NULL;
    expect_fail(&sp, SGL_EINVAL, "--model", "model NULL");
    sp = base;
    sp.data.d = 10;
    sp.data.kappa = 11;
    expect_fail(&sp, SGL_EINVAL, "--kappa", "kappa > d");
    sp = base;
    sp.noise = "label";
    sp.batch = sp.data.n + 1;
    expect_fail(&sp, SGL_EINVAL, "--batch", "batch > n");
    sp = base;
    sp.batch = 0;
    expect_fail(&sp, SGL_EINVAL, "--batch", "batch 0");
    const double bad_lr[3] = {0.0, -1.0, NAN};
    for (int q = 0; q < 3; ++q) {
        char what[32];
        snprintf(what, sizeof what, "lr %g", bad_lr[q]);
        sp = base;
        sp.lr = bad_lr[q];
        expect_fail(&sp, SGL_EINVAL, "--lr", what);
    }
    sp = base;
    sp.steps = 0;
    expect_fail(&sp, SGL_EINVAL, "--steps", "steps 0");
    sp = base;
    sp.noise = "gaussian";
    sp.sigma = 1.0;
    expect_fail(&sp, SGL_EINVAL, "--sigma-scale", "gaussian without sigma scale");
    sp = base;
    sp.a = -0.5;
    expect_fail(&sp, SGL_EINVAL, "--loss-a", "a < 0");

    /* CSV problems */
    sp = base;
    sp.noise = "none";
    sp.data.input = SGL_INPUT_CSV;
    sp.data.csv_path = NULL;
    expect_fail(&sp, SGL_EINVAL, "--data-file", "csv without a path");
    sp.data.csv_path = "/tmp/sgl_test_this_file_does_not_exist.csv";
    expect_fail(&sp, SGL_EINVAL, "--data-file", "csv missing file");
    sp.data.csv_path = write_tmp(0, "x1,x2,y\n1,2,3\n4,5\n");
    expect_fail(&sp, SGL_EINVAL, "--data-file", "csv row with too few fields");
    sp.data.csv_path = write_tmp(1, "1,2,3\n4,abc,6\n");
    expect_fail(&sp, SGL_EINVAL, "--data-file", "csv non-numeric field");
    sp.data.csv_path = write_tmp(2, "x1,x2,y\n");
    expect_fail(&sp, SGL_EINVAL, "--data-file", "csv header only");
    /* batch > n is caught after loading */
    sp.noise = "label";
    sp.batch = 3;
    sp.data.csv_path = write_tmp(3, "1,2,3\n4,5,6\n");
    expect_fail(&sp, SGL_EINVAL, "--batch", "csv with batch > n");
    for (int q = 0; q < 4; ++q)
        if (tmp_csv[q][0]) unlink(tmp_csv[q]);
}

static void test_csv(void)
{
    static const double Zin[4][3] = {{1.5, 2.0, -3.0}, {0.0, 1e-3, 4.0}, {-2.25, 0.5, 1.0}, {3.0, -1.0, 0.125}};
    static const double yin[4] = {0.25, 7.0, -1.5, 2.0};
    char path[64];
    snprintf(path, sizeof path, "/tmp/sgl_test_okXXXXXX");
    int fd = mkstemp(path);
    if (!check_true(fd >= 0, "csv: temp file created")) return;
    FILE *f = fdopen(fd, "w");
    fprintf(f, "x1,x2,x3,y\n");
    for (int i = 0; i < 4; ++i) fprintf(f, "%.17g, %.17g ,%.17g,%.17g\n", Zin[i][0], Zin[i][1], Zin[i][2], yin[i]);
    fclose(f);

    sgl_spec sp;
    sgl_spec_defaults(&sp);
    sp.model = "linreg";
    sp.noise = "none";
    sp.lr = 0.01;
    sp.alpha = 0.0;
    sp.data.input = SGL_INPUT_CSV;
    sp.data.csv_path = path;
    sp.seeds = 2;
    sp.steps = 100;
    sp.every = 50;
    sgl_plan *p = make_plan(&sp, "csv plan");
    unlink(path);
    if (!p) return;
    const sgl_data *D = p->data[0];
    check_true(p->n_data == 1 && D->n == 4 && D->d == 3 && D->ld == 8 && D->wstar == NULL,
               "csv: one data set, n=%zu d=%zu ld=%zu wstar=%s (exp 4 3 8 NULL)", D->n, D->d, D->ld,
               D->wstar ? "set" : "NULL");
    int zok = 1, yok = 1;
    for (int i = 0; i < 4; ++i) {
        yok &= D->y[i] == yin[i];
        for (size_t j = 0; j < D->ld; ++j) zok &= D->Z[i * D->ld + j] == (j < 3 ? Zin[i][j] : 0.0);
    }
    check_true(yok, "csv: labels y = %g %g %g %g (exp 0.25 7 -1.5 2)", D->y[0], D->y[1], D->y[2], D->y[3]);
    check_true(zok, "csv: inputs read exactly, padding zero");
    check_true(obs_index(p, "test_error") == (size_t)-1 && obs_index(p, "train_loss") != (size_t)-1,
               "csv: no test_error observable without a ground truth; train_loss present");
    sgl_results *r = NULL;
    sgl_results_alloc(p, &r);
    sgl_status st = sgl_plan_execute(p, 1, r);
    size_t o = obs_index(p, "train_loss");
    double L0 = r->series[0 * r->n_obs + o], L1 = r->series[(r->n_log - 1) * r->n_obs + o];
    check_true(st == SGL_OK && !r->diverged[0] && L1 < L0,
               "csv: GD runs, status %d, train loss %.6g -> %.6g decreases", (int)st, L0, L1);
    sgl_results_free(r);
    sgl_plan_free(p);
}

static void test_log_steps(void)
{
    sgl_spec sp;
    sgl_spec_defaults(&sp);
    sp.data.d = 10;
    sp.data.n = 5;
    sp.data.kappa = 1;
    sp.steps = 1050;
    sp.every = 500;
    sp.seeds = 1;
    sgl_plan *p = make_plan(&sp, "log plan");
    if (!p) return;
    int ok = p->n_log == 4 && p->log_steps[0] == 0 && p->log_steps[1] == 500 && p->log_steps[2] == 1000 &&
             p->log_steps[3] == 1050;
    check_true(ok, "log steps for steps=1050 every=500: n_log=%zu (exp 4: 0 500 1000 1050)", p->n_log);
    sgl_plan_free(p);
}

int main(void)
{
    test_c1("label", 0);
    test_c1("label-gauss", 1);
    test_gd_step();
    test_ou(SGL_SCALE_ETA);
    test_ou(SGL_SCALE_SQRT_ETA);
    test_lr();
    test_reference_and_splits();
    test_execute_vs_hand("label", 18);
    test_execute_vs_hand("label-gauss", 7);
    test_execute_vs_hand("none", 5);
    test_threads();
    test_divergence();
    test_observables();
    test_bad_input();
    test_csv();
    test_log_steps();
    return done();
}
