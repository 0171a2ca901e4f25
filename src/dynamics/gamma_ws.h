/* Reusable workspaces for the projection onto Gamma and the geometry there
 * (src/dynamics/manifold.c), private to manifold.c and limit.c: the limit
 * calls both once per Euler-Maruyama step, and allocating (and zeroing) their
 * buffers each time cost about a fifth of a step on small models. */
#ifndef SGL_GAMMA_WS_H
#define SGL_GAMMA_WS_H
#include "../plan.h"

#include <omp.h>

/* Phase timers of the limit's steps, for bench/bench_limit.c only
 * (sgl_limit_profile): seconds, summed over trajectories. */
enum {
    SGL_LP_HVP,    /* gradients at zeta, the dense Hessian or the Hessian-vector products */
    SGL_LP_EIG,    /* eigen-solvers: dsyev, the Rayleigh-Ritz step and its orthonormalisation */
    SGL_LP_PROJ,   /* the normal-space operators (H^+, P_perp, P_par) */
    SGL_LP_COEF,   /* drift and noise factor (third derivatives, covariance, square root) */
    SGL_LP_PHI,    /* the projection Phi after each Euler-Maruyama step */
    SGL_LP_START,  /* Phi of the initial point (once per trajectory) */
    SGL_LP_REST,   /* Brownian increments, the Euler-Maruyama update, logging */
    SGL_LP_N
};

typedef struct sgl_gamma_ws {
    double *buf;         /* the flow's stages: 7 D + scratch_len + n + 8 */
    double *scr;         /* model scratch for one gradient: scratch_len + n + D + 8 */
    double *lw;          /* sgl_lambda_max_ws workspace (models with a Hessian) */
    sgl_gamma_geom *ng;  /* the Newton polish's Hessian and eigenvectors */
    double *sub;         /* the warm-started normal space: 3 D^2 + 3 D */
    double *prof;        /* SGL_LP_N phase timers, or NULL: not timed */
} sgl_gamma_ws;

/* add the seconds since *t0 to phase ph and restart *t0 (no-op when not timed) */
static inline void sgl_lp_tick(sgl_gamma_ws *w, int ph, double *t0)
{
    if (!w || !w->prof) return;
    const double t = omp_get_wtime();
    w->prof[ph] += t - *t0;
    *t0 = t;
}
static inline double sgl_lp_now(const sgl_gamma_ws *w) { return w && w->prof ? omp_get_wtime() : 0.0; }
/* on: reset and start the phase timers of sgl_limit_execute; off: stop them
 * and copy the totals into out (SGL_LP_N seconds; may be NULL) */
void sgl_limit_profile(int on, double *out);

sgl_status sgl_gamma_ws_alloc(const sgl_model *m, sgl_gamma_ws **out);
void sgl_gamma_ws_free(sgl_gamma_ws *w);
/* sgl_gamma_project with the workspace; with near == NULL the same results.
 * near: the geometry (sgl_gamma_geometry) at a point of Gamma close to x (the
 * limit's previous point, O(dt) away): its lambda_1 stands in for the
 * Lanczos estimate that caps the flow's step, and its eigenpairs replace
 * the Hessian in the Newton polish (chord Newton, linear rate O(|x - near|)
 * instead of a dense Hessian and eigen-decomposition per polish step).  The
 * stopping rule (|grad L| < tol) is unchanged, so the result moves only
 * within that tolerance. */
sgl_status sgl_gamma_project_ws(const sgl_model *m, const double *x, const sgl_flow_opts *opts, sgl_gamma_ws *ws,
                                const sgl_gamma_geom *near, double *phi, sgl_flow_info *info, sgl_err *err);
/* how: bits of sgl_gamma_geometry_ws */
enum {
    SGL_GEOM_WARM = 1u,     /* start from the normal space in g (below) */
    SGL_GEOM_NO_OPS = 2u    /* eigenpairs, rank and gap only: H, Hpinv, Pperp, Ppar are left as they were (apply
                               P_par with sgl_gamma_par_apply) */
};
/* sgl_gamma_geometry with model scratch of scratch_len + n + D + 8 doubles;
 * ws (may be NULL): its timers and, with SGL_GEOM_WARM, its buffers; how == 0:
 * the same results as sgl_gamma_geometry.  With SGL_GEOM_WARM, g must hold the geometry of a
 * point of Gamma close to x (the limit's previous step): its normal space
 * seeds a Rayleigh-Ritz step on Hessian-vector products (2M + 1 of them, M
 * = rank; the M x M block by Jacobi rotations up to M = 8, dsyev above) instead of the dense Hessian
 * and its D x D eigen-decomposition;
 * where the rank may have changed (a probe says so) the dense route runs.
 * The eigenpairs then agree with the dense ones to rounding and the
 * O(residual) curvature the Gauss-Newton range leaves out; evals beyond M
 * are 0 and gap_ratio is the probe's estimate. */
sgl_status sgl_gamma_geometry_ws(const sgl_model *m, const double *x, double near_tol, double rank_tol,
                                 sgl_gamma_geom *g, double *scr, sgl_gamma_ws *ws, unsigned how, sgl_err *err);
/* out = P_par v = v - V V^T v on the live coordinates (0 on padding), V the
 * rank normal eigenvectors of g, in O(rank live) instead of the dense
 * P_par's O(D^2); c: rank doubles of scratch */
void sgl_gamma_par_apply(const sgl_gamma_geom *g, const double *v, double *out, double *c);
#endif
