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

#ifdef __cplusplus
}
#endif
#endif
