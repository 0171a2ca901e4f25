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

/* --------------------------------------------------- exponential-escape */

/* Ibayashi-Imaizumi's exponential escape (THEORY.md 6.3, 7.2-7.5, X1):
 * (1) log E[nu] against B/eta on the 2-D Mori well against the minimum-action
 * barrier; (2) nu/E[nu] against Exp(1) (KS, Kaplan-Meier); (3) the rate from
 * theta* and after a quasi-stationary burn-in; (4) the sharpness k on the 1-D
 * double well.  count = 0: 1000 trajectories per setting (quick: 200). */
enum { SGL_EXPESC_NS = 3, SGL_EXPESC_NB = 5, SGL_EXPESC_NK = 5 };
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

#ifdef __cplusplus
}
#endif
#endif
