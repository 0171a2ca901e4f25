/* The plan / trajectory / results seam, private to the library (and its
 * white-box tests): how the ensemble (src/ensemble.c), the trajectory loops
 * (src/dynamics/sgd.c), the noise kinds' step loops and the limit
 * (src/dynamics/limit.c) share trajectories and the per-trajectory results
 * layout, and the layout of the plan and trajectory types themselves.  Public
 * code runs a plan with sgl_plan_execute / sgl_limit_execute. */
#ifndef SGL_PLAN_H
#define SGL_PLAN_H
#include "internal.h"

/* ------------------------------------------------------ the opaque types
 * (typedef'd in sgdlab.h; public code reads a plan through sgl_plan_spec &
 * co., src/ensemble.c) */

struct sgl_traj {
    uint32_t id;
    const sgl_data *data;
    sgl_model model;       /* bound to this trajectory's data */
    double *theta;         /* D */
    double *g;             /* D, gradient scratch */
    double *scratch;       /* model scratch (scratch_len) | residuals (n) | coefficients (n, >= B), + 2 B,
                              and >= D + 2; Gaussian noise reuses it for Philox words */
    uint32_t *idx;         /* 2*B sample indices */
    uint32_t *perm;        /* n + 1, the identity between draws (sgl_stream_sample) */
    double *work;          /* sgl_lambda_max_work doubles for the lambda_max observable (NULL without hvp) */
    int diverged;
    uint64_t diverged_step;
};

struct sgl_plan {
    sgl_spec spec;
    const sgl_model_type *mtype;
    const sgl_noise_type *noise;
    size_t n_obs;
    const sgl_observable_type *obs[16];
    size_t n_data;
    sgl_data **data;        /* n_data draws (1 if shared, else seeds) */
    size_t n_log;           /* logged steps per trajectory */
    uint64_t *log_steps;    /* n_log */
    size_t dim;
};

/* ------------------------------------------------------------ trajectories
 * (src/dynamics/sgd.c) */

sgl_status sgl_traj_alloc(const sgl_plan *p, sgl_traj **out);
void sgl_traj_free(sgl_traj *t);
/* bind trajectory id to the plan and set theta to its initial value */
void sgl_traj_init(const sgl_plan *p, sgl_traj *t, uint32_t id);
/* advance from step k0 to k1 (k1 > k0); returns 1 if the trajectory diverged */
int sgl_traj_advance(const sgl_plan *p, sgl_traj *t, uint64_t k0, uint64_t k1);
/* advance count trajectories from k0 to k1; with count == SGL_ILP and a noise
 * kind that has run_n they go through the interleaved kernels.  Each ends
 * bitwise as sgl_traj_advance would leave it. */
void sgl_traj_advance_n(const sgl_plan *p, sgl_traj *const *t, size_t count, uint64_t k0, uint64_t k1);

/* ------------------------------------------------------------- results
 * (src/ensemble.c): the one owner of sgl_results' layout, used by
 * sgl_plan_execute and sgl_limit_execute. */

/* Results for n_traj trajectories logged at the n_log steps log_steps (copied),
 * n_obs observables, dim parameters; series uninitialised, the rest zero.
 * SGL_ENOMEM when an allocation fails (nothing is kept). */
sgl_status sgl_results_make(uint32_t n_traj, size_t n_log, const uint64_t *log_steps, size_t n_obs, size_t dim,
                            sgl_results **out);
/* Row (t->id, log point l) of r: the plan's observables at t's current state,
 * NaN once t has diverged. */
void sgl_results_log(sgl_results *r, const sgl_plan *p, sgl_traj *t, size_t l);
/* t's end: its divergence flag and step, and its final parameters theta (dim). */
void sgl_results_end(sgl_results *r, const sgl_traj *t, const double *theta);

/* ---------------------------------------------------- registry plumbing */

/* does the comma-separated list contain name? (spec.observe) */
int sgl_name_in_list(const char *list, const char *name);
/* doubles of scratch a model's d3 slot may use: scratch_len + n + 3 D */
size_t sgl_model_d3_scratch(const sgl_model *m);
/* Largest Hessian eigenvalue with caller-provided workspace of
 * sgl_lambda_max_work(m) doubles (no allocation; the hot path for the
 * lambda_max observable): lambda_1, NaN if the Hessian is not finite.  Needs
 * SGL_CAP_HVP (not checked).  sgl_model_lambda_max is the public form. */
size_t sgl_lambda_max_work(const sgl_model *m);
double sgl_lambda_max_ws(const sgl_model *m, const double *theta, double *work);
#endif
