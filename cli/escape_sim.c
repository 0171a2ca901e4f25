/* INTERIM scalar simulator used until the library's escape engine is on main
 * (development only; replaced by sgl_escape_run). */
#include "reproduce.h"

#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

static double kk(const sgl_theory_problem *p) { return p->k > 0 ? p->k : 1.0; }
static double lossf(const sgl_theory_problem *p, const double *x)
{
    double L, k = kk(p);
    if (p->landscape == SGL_TL_QUADRATIC) { L = p->L0; for (unsigned i = 0; i < p->n; ++i) L += 0.5 * p->h * k * x[i] * x[i]; return L; }
    double u = k * x[0] * x[0] - 1.0;
    L = p->L0 + p->a * u * u;
    for (unsigned i = 1; i < p->n; ++i) L += 4.0 * p->a * k * x[i] * x[i];
    return L;
}
static void gradf(const sgl_theory_problem *p, const double *x, double *g)
{
    double k = kk(p);
    if (p->landscape == SGL_TL_QUADRATIC) { for (unsigned i = 0; i < p->n; ++i) g[i] = p->h * k * x[i]; return; }
    g[0] = 4.0 * p->a * k * x[0] * (k * x[0] * x[0] - 1.0);
    for (unsigned i = 1; i < p->n; ++i) g[i] = 8.0 * p->a * k * x[i];
}

int sgl_rep_sim_escape(const rep_sim *s, rep_sim_out *o, char *why, size_t len)
{
    const sgl_theory_problem *p = &s->prob;
    if (s->true_minibatch) { snprintf(why, len, "true minibatch SGD is not simulated by the interim engine"); return -1; }
    o->n = s->M;
    o->t = malloc(sizeof *o->t * s->M);
    o->state = malloc(sizeof *o->state * s->M);
    o->L_final = malloc(sizeof *o->L_final * s->M);
    double t0 = omp_get_wtime(), steps = 0;
    const double h = s->dt;
    const uint64_t kmax = (uint64_t)ceil(s->t_max / h);
    const double hs = (p->landscape == SGL_TL_QUADRATIC ? p->h : 8.0 * p->a) * kk(p);
#pragma omp parallel for schedule(dynamic, 8) reduction(+ : steps) num_threads(s->threads > 0 ? s->threads : omp_get_max_threads())
    for (uint32_t m = 0; m < s->M; ++m) {
        double x[16] = {0}, g[16];
        if (p->landscape != SGL_TL_QUADRATIC) x[0] = 1.0 / sqrt(kk(p));
        const double Lc = p->c * p->L0;
        uint64_t k = 0;
        int st = SGL_FP_CENSORED;
        if (s->start_qs) {   /* burn-in conditioned on no exit: restart from theta* on an exit */
            uint64_t kb = (uint64_t)ceil(s->burn_in / h);
            for (uint64_t j = 0, tries = 0; j < kb; ++j) {
                sgl_stream r;
                sgl_stream_init(&r, s->seed ^ 0x5bd1e995u, m, j + tries * kb, SGL_P_NOISE);
                double L = lossf(p, x);
                double D = p->noise == SGL_TN_ISOTROPIC ? p->D : p->noise == SGL_TN_MORI ? hs * L / p->B_over_eta
                           : p->noise == SGL_TN_XIE ? hs / (2.0 * p->B_over_eta) : (2.0 * x[0] * x[0] + 1.0) / (2.0 * p->B_over_eta);
                double sd = sqrt(2.0 * D * h);
                gradf(p, x, g);
                for (unsigned i = 0; i < p->n; ++i) x[i] += -h * g[i] + sd * sgl_stream_normal(&r);
                if (p->event == SGL_TE_HYPERPLANE ? x[0] <= p->x_exit : lossf(p, x) >= Lc) {
                    memset(x, 0, sizeof x);
                    if (p->landscape != SGL_TL_QUADRATIC) x[0] = 1.0 / sqrt(kk(p));
                    j = 0; ++tries;
                }
            }
        }
        for (; k < kmax; ++k) {
            sgl_stream r;
            sgl_stream_init(&r, s->seed, m, k, SGL_P_NOISE);
            double L = lossf(p, x);
            double D = p->noise == SGL_TN_ISOTROPIC ? p->D : p->noise == SGL_TN_MORI ? hs * L / p->B_over_eta
                       : p->noise == SGL_TN_XIE ? hs / (2.0 * p->B_over_eta) : (2.0 * x[0] * x[0] + 1.0) / (2.0 * p->B_over_eta);
            double sd = sqrt(2.0 * D * h);
            gradf(p, x, g);
            for (unsigned i = 0; i < p->n; ++i) x[i] += -h * g[i] + sd * sgl_stream_normal(&r);
            if (!isfinite(x[0])) { st = SGL_FP_DIVERGED; break; }
            if (p->event == SGL_TE_HYPERPLANE ? x[0] <= p->x_exit : lossf(p, x) >= Lc) { st = SGL_FP_ESCAPED; ++k; break; }
        }
        steps += (double)k;
        o->state[m] = st;
        o->t[m] = st == SGL_FP_CENSORED ? s->t_max : (double)k * h;
        o->L_final[m] = lossf(p, x);
    }
    o->seconds = omp_get_wtime() - t0;
    o->traj_steps = steps;
    return 0;
}

void sgl_rep_sim_free(rep_sim_out *o)
{
    free(o->t); free(o->state); free(o->L_final);
    memset(o, 0, sizeof *o);
}
