/* The experiments behind `sgdlab reproduce NAME` as library calls
 * (src/experiments/).  Each takes the common settings (replicates, seed,
 * threads, quick) and fills a result structure -- cells with mean, standard
 * error, counts, the theory values and verdicts -- doing no I/O: progress goes
 * through an optional callback; the CLI (cli/reproduce_*.c) renders the table,
 * the JSON and the plot from the structure, and writes the cells to a store.
 * Release a result with its _free function (safe on a zeroed or half-filled
 * one). */
#ifndef SGDLAB_EXPERIMENTS_H
#define SGDLAB_EXPERIMENTS_H
#include "sgdlab.h"

#ifdef __cplusplus
extern "C" {
#endif

/* called after each cell with a short label of it and its wall time */
typedef void (*sgl_exp_progress_fn)(void *ctx, const char *label, double seconds);

typedef struct {
    uint32_t count;              /* replicates: seeds (shape-matters) or trajectories per setting (escape) */
    uint64_t seed;
    int threads;                 /* 0: OpenMP's default */
    int quick;                   /* smaller budgets (smoke test) */
    sgl_exp_progress_fn progress;   /* NULL: none */
    void *progress_ctx;
} sgl_exp_settings;

/* ---------------------------------------------------------- shape-matters */

/* HaoChen, Wei, Lee, Ma, "Shape Matters" (THEORY.md 3): GD, SGD with
 * minibatch-difference noise, LNGD, SGLD on the quadratic model and label-noise
 * SGD on the diagonal net, each one ensemble run (count seeds). */
enum { SGL_SHAPE_GD, SGL_SHAPE_SGD, SGL_SHAPE_LNGD, SGL_SHAPE_SGLD, SGL_SHAPE_DIAG, SGL_SHAPE_N };
typedef struct {
    const char *name;            /* "GD", "SGD-minibatch-diff", ... (JSON key and table label) */
    const char *expected;        /* the check, as text */
    const char *reference;       /* what THEORY.md 3.6 measured */
    sgl_spec spec;               /* the run's spec (its store key) */
    sgl_plan *plan;              /* owned; parameters for the renderers and the store */
    sgl_results *res;            /* owned */
    size_t n_obs;                /* the observables res holds, in its order (for a record of the run) */
    const sgl_observable_type *obs[16];
    sgl_summary test, off, train;   /* test error, off-support mass, train loss at the final step */
    size_t n_log;                /* the test-error curve: */
    uint64_t *steps;             /* n_log logged steps */
    sgl_summary *curve;          /* n_log summaries of the test error */
    int uses_delta, uses_sigma;  /* whether the noise reads delta / sigma */
    double loss_a;               /* the loss scale a the model resolved */
    double seconds;
    int verdict;                 /* 1 PASS, 0 DIFFERS, -1 no published target */
} sgl_shape_cell;
typedef struct {
    sgl_shape_cell cell[SGL_SHAPE_N];
    int ordering;                /* LNGD < SGD-minibatch-diff < min(GD, SGLD) on the final means */
    double seconds;
} sgl_shape_result;
/* count = 0: 8 seeds.  A failed variant: its name in err->field. */
sgl_status sgl_exp_shape_matters(const sgl_exp_settings *s, sgl_shape_result *r, sgl_err *err);
void sgl_shape_result_free(sgl_shape_result *r);

/* ------------------------------------------------------ escape experiments */

/* One simulated escape setting = one escape run (sgl_record_escape): its spec
 * (the store's run), the record (trajectories and the store's estimates) and
 * the summary the reproduce tables print. */
typedef struct {
    int simulated;               /* 0: not simulated (beyond the budget or skipped by quick): theory only */
    sgl_escape_spec spec;
    sgl_record rec;              /* owned */
    uint64_t M, escaped, censored, diverged;
    double t_max, mfpt, lo, hi;  /* MFPT in t and its 95% CI */
    int mle;                     /* 1: 1/kappa from the censored MLE (LR interval); 0: sample mean, bootstrap CI */
    double seconds, steps;       /* engine wall time, integrator steps */
} sgl_exp_escape_cell;

/* The trajectory budget of an escape setting whose expected MFPT is T_exp (in
 * t) at step dt: M <= M0 (halved down to 100) and t_max <= 10 T_exp inside
 * budget_steps trajectory-steps, so that >= 25 escapes are expected; 0 if
 * hopeless (the setting is then not simulated). */
int sgl_exp_plan_budget(double T_exp, double dt, double budget_steps, uint32_t M0, uint32_t *M, double *t_max);

/* --------------------------------------------------- exponential-escape */

/* Ibayashi-Imaizumi's exponential escape (THEORY.md 6.3, 7.2-7.5, X1):
 * (1) log E[nu] against B/eta on the 2-D Mori well against the minimum-action
 * barrier (direct simulation, then splitting up to E[nu] ~ 1e20 steps; quick:
 * the Mori SDE at B/eta = 64 and 128 only); (2) nu/E[nu] against Exp(1) (KS, Kaplan-Meier); (3) the rate from
 * theta* and after a quasi-stationary burn-in; (4) the sharpness k on the 1-D
 * double well.  count = 0: 1000 trajectories per setting (quick: 200). */
enum { SGL_EXPESC_NS = 3, SGL_EXPESC_NB = 5, SGL_EXPESC_NK = 5, SGL_EXPESC_NX = 6 };
typedef struct {
    const char *label;           /* "Mori noise, SDE", ... */
    const char *theory_name;     /* the prediction compared: "mori_mfpt" / "kramers_mfpt" / "exact_mfpt" */
    double x[SGL_EXPESC_NB];     /* B/eta (1) or k (4) */
    double theory[SGL_EXPESC_NB];
    sgl_exp_escape_cell sim[SGL_EXPESC_NB];
    double barrier, barrier_closed;   /* (1): minimum-action and closed-form quasi-potential barrier */
    int have_fit;                /* >= 3 simulated points */
    sgl_wls_est fit;             /* (1) log MFPT vs B/eta; (4) log(k MFPT) vs 1/k */
    sgl_wls_est fit_log;         /* (4): log(k MFPT) vs log k */
    /* (1) beyond direct simulation: adaptive multilevel splitting (sgl_escape_ams, default options) at B/eta =
     * x_ams[j], j < nx, up to the first point where the theory's E[nu] (steps of 0.005) exceeds 1e20; the slope
     * of log MFPT over the simulated and the splitting points together */
    unsigned nx;
    double x_ams[SGL_EXPESC_NX], theory_ams[SGL_EXPESC_NX];
    sgl_ams_result ams[SGL_EXPESC_NX];
    int have_fit_all;
    sgl_wls_est fit_all;
} sgl_expesc_series;
typedef struct {
    sgl_expesc_series be[SGL_EXPESC_NS];      /* (1) */
    sgl_exp_escape_cell start[2];             /* (2, 3): from theta*, after the burn-in */
    double burn_in, t0;                       /* burn-in length; left truncation of the tail rate */
    sgl_rate_est rate[2], tail[2];
    sgl_mfpt_est mfpt[2];
    int have_ks[2];
    sgl_ks_est ks[2];
    size_t km_n;                              /* Kaplan-Meier of the quasi-stationary start: */
    double *km_t, *km_S, *km_se;              /* km_n times, survival, Greenwood se */
    double rate_ratio, rate_ratio_se, tail_ratio, tail_ratio_se;
    sgl_expesc_series sharp[SGL_EXPESC_NS];   /* (4) */
    double seconds;
} sgl_expesc_result;
sgl_status sgl_exp_exponential_escape(const sgl_exp_settings *s, sgl_expesc_result *r, sgl_err *err);
void sgl_expesc_result_free(sgl_expesc_result *r);

/* ----------------------------------------------------------- lwa-sparse */

/* Li-Wang-Arora's sparse recovery (THEORY.md 2.7, 9.1): over count data draws
 * per (d, n) (count = 0: 20; quick: 6), the success probability
 * P(|w - w*|/|w*| < 0.1) of each method below against n, kappa = 5, d in
 * {100, 200, 400} (quick: {40, 80}; sgl_exp_lwa_sparse_dims: any 2 to
 * SGL_LWA_MAX_DIMS ascending values in [20, SGL_LWA_D_MAX]); the threshold n*
 * where it crosses 1/2 and n* fitted against kappa ln d and against d.  A d
 * above SGL_LWA_D_DENSE ("wide") gets a grid of n from 20 to 100 around the
 * sparse thresholds and only the weighted min-l1 interpolator (the label-noise
 * limit's end point, THEORY.md 2.7) and min-l2: the others are "not run"
 * there.  Only the label-SGD cells are runs of a kind (ensemble runs, kept for
 * the store). */
enum { SGL_LWA_LIM1, SGL_LWA_LIM10, SGL_LWA_SGD, SGL_LWA_GD10, SGL_LWA_L1, SGL_LWA_WL1, SGL_LWA_L2, SGL_LWA_N };
enum { SGL_LWA_KAPPA = 5, SGL_LWA_MAX_DIMS = 8, SGL_LWA_MAX_GRID = 20 };
enum { SGL_LWA_D_DENSE = 400, SGL_LWA_D_MAX = 10000 };
#define SGL_LWA_SUCCESS_TOL 0.1
extern const char *const sgl_lwa_method_names[SGL_LWA_N];   /* "label-limit-a1", ... */
extern const char *const sgl_lwa_method_docs[SGL_LWA_N];
typedef struct {
    int run[SGL_LWA_N];          /* draws run (0: the method does not run at this n) */
    int succ[SGL_LWA_N];         /* of which recovered w* */
    double err_sum[SGL_LWA_N];   /* sum of the relative errors */
} sgl_lwa_cell;
typedef struct {
    double n_star, se;
    int bound;                   /* 0 crossing found, -1 n* <= first grid point, +1 n* > last grid point, 2 not run */
} sgl_lwa_threshold;
/* n* = A + B x over the crossings: least squares (slope, intercept, r2 as before), and the law's goodness of
 * fit with the thresholds' binomial SEs: chi2 of the SE-weighted fit on points - 2 degrees of freedom.  Two laws
 * with two parameters each: exp((chi2_other - chi2) / 2) is the likelihood ratio of this one to the other. */
typedef struct {
    int ok;
    double slope, slope_se, intercept, r2;
    size_t points;
    double chi2;                 /* NaN when fewer than 3 points or an SE is missing */
} sgl_lwa_fit;
typedef struct {
    uint32_t draws;
    size_t nd;                                   /* dimensions */
    size_t d[SGL_LWA_MAX_DIMS], ngrid[SGL_LWA_MAX_DIMS];
    size_t n[SGL_LWA_MAX_DIMS][SGL_LWA_MAX_GRID];
    sgl_lwa_cell cell[SGL_LWA_MAX_DIMS][SGL_LWA_MAX_GRID];
    sgl_lwa_threshold th[SGL_LWA_N][SGL_LWA_MAX_DIMS];
    sgl_lwa_fit fit_kappa_ln_d[SGL_LWA_N], fit_d[SGL_LWA_N];
    long unconverged[2];                         /* limit runs (a = 1, a = 10) stopped at t = 5000 */
    int threads;                                 /* the thread count used */
    double seconds;
    /* the label-SGD cells as ensemble runs (sgd_rec[i][k].res non-NULL where run): spec and record */
    sgl_spec sgd_spec[SGL_LWA_MAX_DIMS][SGL_LWA_MAX_GRID];
    sgl_record sgd_rec[SGL_LWA_MAX_DIMS][SGL_LWA_MAX_GRID];
} sgl_lwa_result;
sgl_status sgl_exp_lwa_sparse(const sgl_exp_settings *s, sgl_lwa_result *r, sgl_err *err);
/* the same over the nd dimensions dims (NULL: the defaults above); bad dims (sgl_lwa_dims_check, nothing run):
 * SGL_EINVAL, field "--dims" */
sgl_status sgl_lwa_dims_check(const size_t *dims, size_t nd, sgl_err *err);
sgl_status sgl_exp_lwa_sparse_dims(const sgl_exp_settings *s, const size_t *dims, size_t nd, sgl_lwa_result *r,
                                   sgl_err *err);
void sgl_lwa_result_free(sgl_lwa_result *r);

/* ---------------------------------------------------------- mori-escape */

/* Mori, Ziyin, Liu, Ueda, power-law escape (THEORY.md 5, M1-M4): (a) the
 * escape time of the double well L0 + (theta^2 - 1)^2 under Mori's noise at
 * equal Delta L = 1 against L^s/L* (simulation -- by adaptive multilevel
 * splitting where direct simulation is beyond the budget or skipped by
 * quick --, Eq. 16, frozen-noise Arrhenius, exact quadrature) and the
 * power-law fit; (b) the n-dependence of
 * Eq. 17; (c) the stationary exponent phi (M1), SDE and discrete SGD; (d) phi
 * under true minibatch SGD on Gaussian linear regression.  count = 0: 1000
 * trajectories per setting (quick: 200).  (d)'s first passages (fp) run on
 * the escape engine's linreg landscape (N Gaussian samples, B = 1, eta =
 * 0.1): true minibatch SGD, and the exact minibatch noise as an SDE and as
 * Gaussian-noise SGD; their theory is the population limit (quadratic well,
 * Gaussian-data noise), which the escape-spec translation does not cover. */
enum { SGL_MORI_NA = 11, SGL_MORI_NB = 7, SGL_MORI_NB2 = 11, SGL_MORI_NC = 6, SGL_MORI_ND = 2 };
typedef struct {
    double B_over_eta, L0, ratio;     /* ratio = L^s/L* = 1 + 1/L0 */
    double validity, exact, saddle, mori, arrhenius, gld;   /* theory: dU/T and the MFPTs */
    int series;                       /* the B/eta = 16 series of the fit */
    int quick_skip;                   /* not simulated because of quick (else: beyond the budget) */
    sgl_exp_escape_cell sim;
    /* rows not simulated directly: adaptive multilevel splitting (sgl_escape_ams, default options, t_max 1e4),
     * and the direct simulation it replaces: trajectory-steps for the same relative SE,
     * (mfpt / mfpt_se)^2 trajectories of exact / dt steps each */
    int ams_run;
    sgl_ams_result ams;
    double ams_brute_steps;
} sgl_mori_row_a;
typedef struct {
    unsigned n;
    double mori, exact, validity;
    sgl_exp_escape_cell sim;
    /* the rare series (b2) where direct simulation is beyond the budget: splitting (default options, t_max
     * 1e4) and the direct simulation it replaces, (mfpt / mfpt_se)^2 trajectories of mfpt / dt steps each */
    int quick_skip;
    int ams_run;
    sgl_ams_result ams;
    double ams_brute_steps;
} sgl_mori_row_b;
typedef struct {
    const char *dynamics;
    double B_over_eta, step;
    int ok;                           /* 0: the fit failed (why) */
    double phi, se;
    double theory, theory_disc;       /* 1 + B/(eta h); discrete (c) or true-SGD core (d) */
    uint64_t samples;
    double seconds;
    char why[256];
    sgl_exp_escape_cell sim;          /* (c): the run the losses come from */
} sgl_mori_row_phi;
typedef struct {
    double c;                         /* exit L >= c L* from theta* */
    double ideal, data, gld;          /* exact MFPTs: Mori noise, Gaussian-data noise, isotropic (frozen) */
    sgl_exp_escape_cell s, sde, gsgd; /* true minibatch SGD; data noise as SDE (dt 0.001), as SGD (eta 0.1) */
} sgl_mori_row_fp;
typedef struct {
    double dt, budget;                /* Euler-Maruyama step; trajectory-steps per setting */
    sgl_mori_row_a a[SGL_MORI_NA];
    int have_fit_a;
    sgl_wls_est fit_a, fit_a_exact;   /* log MFPT vs log(L^s/L*) at B/eta = 16: simulation, quadrature */
    sgl_mori_row_b b[SGL_MORI_NB];
    int have_fit_b;
    sgl_wls_est fit_b;                /* log MFPT per extra dimension */
    double dt_b2;                     /* (b2) the rare n-series B/eta = 40, L0 = 0.05 up to n_c - 1 = 11: its step */
    sgl_mori_row_b b2[SGL_MORI_NB2];
    sgl_mori_row_phi c[SGL_MORI_NC], d[SGL_MORI_ND];
    uint32_t fp_n_data;               /* (d) first passage: samples N */
    sgl_mori_row_fp fp[3];
    char fp_why[512];                 /* non-empty: the first passages stopped here (reported, not an error) */
    double seconds;
} sgl_mori_result;
sgl_status sgl_exp_mori_escape(const sgl_exp_settings *s, sgl_mori_result *r, sgl_err *err);
void sgl_mori_result_free(sgl_mori_result *r);

#ifdef __cplusplus
}
#endif
#endif
