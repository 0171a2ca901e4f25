/* GD on sqrt(L) (--noise sqrt-loss) and normalised GD (--noise normalized),
 * issue 4 item 3, THEORY.md 2.8:
 *  - one step against the update rule written out by hand, for every model;
 *  - no step at a minimiser (L = 0, grad L = 0);
 *  - the sharpness lambda_max (observable, --observe lambda_max) decreases over
 *    a run where it should: the 2-D toy L = (1 + x^2) y^2 / 2 from (1, 0.05),
 *    eta = 0.01, 20000 steps (slow time t = eta^2 k = 2), where lambda_1 on
 *    Gamma = {y = 0} is 1 + x^2;
 *  - the slow drift along Gamma against the flows derived for the toy (y
 *    settles into a period-2 cycle of amplitude eta s / 2, resp. eta / 2):
 *      sqrt-loss:  dx/dt = -(1/8) d/dx lambda_1       = -x/4   => x = x0 e^{-t/4}
 *      normalized: dx/dt = -(1/4) d/dx log lambda_1   = -x / (2 (1 + x^2))
 *    (t = eta^2 k), to 1% (the cycle approximation's error is O(eta)).
 * Deterministic: no statistical checks. */
#include "plan.h"
#include "testutil.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static sgl_plan *plan(sgl_spec *sp)
{
    sgl_plan *p = NULL;
    sgl_err err;
    memset(&err, 0, sizeof err);
    sgl_status st = sgl_plan_alloc(sp, &p, &err);
    if (!check_true(st == SGL_OK, "plan %s/%s: status %d (%s: %s)", sp->model, sp->noise, (int)st, err.field, err.msg))
        return NULL;
    return p;
}

static void one_step(const char *noise, int normalized)
{
    for (size_t mi = 0; sgl_models[mi]; ++mi) {
        const sgl_model_type *T = sgl_models[mi];
        sgl_spec sp;
        sgl_spec_defaults(&sp);
        sp.model = T->name;
        sp.noise = noise;
        sp.lr = 0.01;
        sp.alpha = 0.7;
        sp.data.d = 9;
        sp.data.n = 12;
        sp.data.kappa = 2;
        sp.seeds = 1;
        sp.steps = 4;
        sp.every = 4;
        static const double off_gamma[3] = {0.8, 0.3, -0.2};
        if (T->caps & SGL_CAP_NODATA) {
            sp.init = off_gamma;
            sp.n_init = T->dim(NULL);
        }
        sgl_plan *p = plan(&sp);
        if (!p) continue;
        sgl_traj *t = NULL;
        if (sgl_traj_alloc(p, &t) != SGL_OK) { sgl_plan_free(p); continue; }
        sgl_traj_init(p, t, 0);
        const size_t D = t->model.dim;
        double *th = malloc(D * sizeof *th), *g = malloc(D * sizeof *g), L;
        sgl_traj_advance(p, t, 0, 2);   /* a generic point */
        memcpy(th, t->theta, D * sizeof *th);
        sgl_model_loss(&t->model, th, &L, g, NULL);
        double gn = 0.0;
        for (size_t j = 0; j < D; ++j) gn += g[j] * g[j];
        gn = sqrt(gn);
        const double c = normalized ? sp.lr / gn : sp.lr / (2.0 * sqrt(L));
        sgl_traj_advance(p, t, 2, 3);
        double num = 0.0, den = 0.0;
        for (size_t j = 0; j < D; ++j) {
            double e = th[j] - c * g[j];
            num = fmax(num, fabs(t->theta[j] - e));
            den = fmax(den, fabs(e));
        }
        check_le(num / den, 1e-13, "%s [%s]: step vs theta - eta grad L / %s, max rel err", noise, T->name,
                 normalized ? "|grad L|" : "(2 sqrt L)");
        free(th);
        free(g);
        sgl_traj_free(t);
        sgl_plan_free(p);
    }
}

/* at a minimiser the step is skipped, not a division by zero */
static void stationary(const char *noise)
{
    sgl_spec sp;
    sgl_spec_defaults(&sp);
    sp.model = "toy2d";
    sp.noise = noise;
    static const double on_gamma[2] = {0.5, 0.0};
    sp.init = on_gamma;
    sp.n_init = 2;
    sp.lr = 0.1;
    sp.seeds = 1;
    sp.steps = 10;
    sp.every = 10;
    sgl_plan *p = plan(&sp);
    if (!p) return;
    sgl_results *r = NULL;
    sgl_results_alloc(p, &r);
    sgl_plan_execute(p, 1, r);
    check_true(r->diverged[0] == 0 && r->theta_final[0] == 0.5 && r->theta_final[1] == 0.0,
               "%s: at (0.5, 0) on Gamma theta stays put: (%.17g, %.17g), diverged %d", noise, r->theta_final[0],
               r->theta_final[1], r->diverged[0]);
    sgl_results_free(r);
    sgl_plan_free(p);
}

/* x(t) of dx/dt = -x / (2 (1 + x^2)) by RK4 (step 1e-3) */
static double normalized_flow(double x, double t)
{
    const int n = (int)(t / 1e-3 + 0.5);
    const double h = t / n;
    for (int i = 0; i < n; ++i) {
#define F(z) (-(z) / (2.0 * (1.0 + (z) * (z))))
        double k1 = F(x), k2 = F(x + 0.5 * h * k1), k3 = F(x + 0.5 * h * k2), k4 = F(x + h * k3);
#undef F
        x += h / 6.0 * (k1 + 2.0 * k2 + 2.0 * k3 + k4);
    }
    return x;
}

static void sharpness(const char *noise, int normalized)
{
    sgl_spec sp;
    sgl_spec_defaults(&sp);
    sp.model = "toy2d";
    sp.noise = noise;
    static const double x0[2] = {1.0, 0.05};
    sp.init = x0;
    sp.n_init = 2;
    sp.lr = 0.01;
    sp.seeds = 1;
    sp.steps = 20000;
    sp.every = 5000;
    sp.observe = "lambda_max";
    sgl_plan *p = plan(&sp);
    if (!p) return;
    size_t o = p->n_obs;
    for (size_t i = 0; i < p->n_obs; ++i)
        if (strcmp(p->obs[i]->name, "lambda_max") == 0) o = i;
    check_true(o < p->n_obs, "%s: lambda_max is logged with observe=lambda_max", noise);
    sgl_results *r = NULL;
    sgl_results_alloc(p, &r);
    sgl_plan_execute(p, 1, r);
    if (o < p->n_obs) {
        int mono = 1;
        for (size_t l = 1; l < r->n_log; ++l) mono &= r->series[l * r->n_obs + o] < r->series[(l - 1) * r->n_obs + o];
        double l0 = r->series[o], l1 = r->series[(r->n_log - 1) * r->n_obs + o];
        check_true(mono, "%s: lambda_max decreases at every log point (%.6g -> %.6g)", noise, l0, l1);
        check_le(l1, 0.75 * l0, "%s: lambda_max at t = 2 vs 0.75 x its start", noise);
    }
    const double t = 2.0, x = r->theta_final[0];
    const double want = normalized ? normalized_flow(1.0, t) : exp(-t / 4.0);
    check_rel(x, want, 0.01, "%s: x at t = eta^2 k = 2 vs the derived flow on Gamma", noise);
    check_le(fabs(r->theta_final[1]), 2.0 * sp.lr, "%s: |y| at the end <= 2 eta (the period-2 cycle near Gamma)", noise);
    sgl_results_free(r);
    sgl_plan_free(p);
}

int main(void)
{
    one_step("sqrt-loss", 0);
    one_step("normalized", 1);
    stationary("sqrt-loss");
    stationary("normalized");
    sharpness("sqrt-loss", 0);
    sharpness("normalized", 1);
    return done();
}
