/* What the experiments in src/experiments/ share (library-private). */
#ifndef SGL_EXPERIMENTS_INTERNAL_H
#define SGL_EXPERIMENTS_INTERNAL_H
#include "../internal.h"
#include "sgdlab_experiments.h"

#define SGL_Z95 1.959963984540054

/* An escape setting as the reproduce experiments describe it: landscape
 * (a = 1 for the wells, h = 1 for the quadratic), noise, dynamics "sgd" (step
 * eta) or "sde" (Euler-Maruyama, step dt = eta), an event (c or nothing). */
typedef struct {
    const char *landscape;
    double L0, k;
    unsigned n;
    sgl_escape_noise noise;
    double B_over_eta, D;        /* B/eta (mori, xie-frozen) or D (isotropic) */
    int sgd;
    double step;
    sgl_escape_event event;
    double c;                    /* loss event */
} sgl_exp_setting;
/* M = 0: the default trajectories and t_max (a spec for the theory only) */
void sgl_exp_escape_spec(const sgl_exp_setting *x, uint32_t M, double t_max, uint64_t seed, int threads,
                         sgl_escape_spec *e);
/* the prediction `name` of the theory for e (sgl_escape_theory_problem, then
 * sgl_theory_predict); NaN if it does not apply */
double sgl_exp_theory(const sgl_escape_spec *e, const char *name);
/* run e (sgl_record_escape) into c and summarise: the sample mean with a
 * bootstrap CI (key seed_boot) when nothing is censored, else 1/kappa */
sgl_status sgl_exp_escape_simulate(const sgl_escape_spec *e, uint64_t seed_boot, sgl_exp_escape_cell *c,
                                   sgl_err *err);
void sgl_exp_escape_cell_free(sgl_exp_escape_cell *c);
void sgl_exp_progress(const sgl_exp_settings *s, double seconds, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
#endif
