/* The escape settings of the reproduce experiments: the spec of one setting,
 * its theory values through the one translation (src/theory/escape_spec.c),
 * the trajectory budget, and one simulated cell (an escape run and its
 * summary). */
#include "experiments.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void sgl_exp_escape_spec(const sgl_exp_setting *x, uint32_t M, double t_max, uint64_t seed, int threads,
                         sgl_escape_spec *e)
{
    sgl_escape_spec_default(e);
    e->landscape = x->landscape;
    e->lp.L0 = x->L0;
    e->lp.q = 1.0;
    if (strcmp(x->landscape, "quadratic") == 0) e->lp.h = 1.0;
    else e->lp.a = 1.0;
    e->lp.k = x->k > 0 ? x->k : 1.0;
    e->lp.n = x->n;
    e->noise = x->noise;
    if (x->noise == SGL_ESC_ISOTROPIC) e->D = x->D;
    else e->B_over_eta = x->B_over_eta;
    e->dynamics = x->sgd ? SGL_ESC_SGD : SGL_ESC_SDE;
    e->eta = x->step;
    if (!x->sgd) e->dt = x->step;
    e->event = x->event;
    if (x->event == SGL_ESC_EV_LOSS) e->c = x->c;
    if (M) {   /* 0: the defaults, for a spec that only asks the theory */
        e->trajectories = M;
        e->t_max = t_max;
    }
    e->seed = seed;
    e->threads = threads;
}

double sgl_exp_theory(const sgl_escape_spec *e, const char *name)
{
    sgl_theory_problem p;
    int applies = 0;
    const char *why = NULL;
    sgl_err err;
    if (sgl_escape_theory_problem(e, &p, &applies, &why, &err) != SGL_OK || !applies) return NAN;
    sgl_prediction pr[64];
    size_t n = 0;
    if (sgl_theory_predict(&p, pr, 64, &n, &err) != SGL_OK) return NAN;
    for (size_t i = 0; i < n; ++i)
        if (strcmp(pr[i].name, name) == 0) return pr[i].value;
    return NAN;
}

int sgl_exp_plan_budget(double T_exp, double dt, double budget_steps, uint32_t M0, uint32_t *M, double *t_max)
{
    uint32_t m = M0;
    for (;;) {
        double tm = budget_steps * dt / m;
        if (tm > 10.0 * T_exp) tm = 10.0 * T_exp;
        double expect = m * -expm1(-tm / T_exp);
        if (expect >= 25.0) {
            *M = m;
            *t_max = tm;
            return 1;
        }
        if (m <= 100) return 0;
        m /= 2;
    }
}

sgl_status sgl_exp_escape_simulate(const sgl_escape_spec *e, uint64_t seed_boot, sgl_exp_escape_cell *c,
                                   sgl_err *err)
{
    memset(c, 0, sizeof *c);
    c->spec = *e;
    sgl_status st = sgl_record_escape(e, &c->rec, err);
    if (st != SGL_OK) return st;
    const sgl_escape_results *o = c->rec.esc;
    c->simulated = 1;
    c->M = o->M;
    c->t_max = e->t_max;
    c->seconds = o->seconds;
    c->steps = o->traj_steps;
    const sgl_rate_est *k = &c->rec.rate;
    c->escaped = k->escaped;
    c->censored = k->censored;
    c->diverged = k->diverged;
    sgl_mfpt_est m;
    if (k->censored == 0 && k->escaped >= 2 &&
        sgl_est_mfpt(o->t, o->state, o->M, 0.95, 1000, seed_boot, &m, err) == SGL_OK) {
        c->mfpt = m.mean;
        c->lo = m.ci_lo;
        c->hi = m.ci_hi;
        c->mle = 0;
    } else {
        c->mfpt = k->value > 0 ? 1.0 / k->value : INFINITY;
        c->lo = k->ci_hi > 0 ? 1.0 / k->ci_hi : INFINITY;
        c->hi = k->ci_lo > 0 ? 1.0 / k->ci_lo : INFINITY;
        c->mle = 1;
    }
    return SGL_OK;
}

void sgl_exp_escape_cell_free(sgl_exp_escape_cell *c)
{
    sgl_record_clear(&c->rec);
    memset(c, 0, sizeof *c);
}

void sgl_exp_progress(const sgl_exp_settings *s, double seconds, const char *fmt, ...)
{
    if (!s->progress) return;
    char label[160];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(label, sizeof label, fmt, ap);
    va_end(ap);
    s->progress(s->progress_ctx, label, seconds);
}
