/* Columnar reads of a results store (src/store_columns.c) and whole arrays
 * of a run's results (src/results_bulk.c), for bindings that want them at once (python/sgdlab's Store: numpy arrays without a
 * per-row Python step).  Like the queries of "reading a store" in sgdlab.h,
 * no SQL outside the library; every value is data. */
#ifndef SGDLAB_COLUMNS_H
#define SGDLAB_COLUMNS_H
#include "sgdlab.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One column of n_rows values, of the type the schema gives it:
 * SGL_VAL_INT: i (SQL NULL: 0), SGL_VAL_REAL: x (NULL, and a non-number
 * stored in it: NaN), SGL_VAL_TEXT: code, an index into the column's
 * dictionary dict[0..n_dict) of distinct strings in order of first
 * appearance (NULL: code UINT32_MAX).  null[r] is 1 where the value is SQL
 * NULL.  seed (a 64-bit key) comes as INT with the stored bits: read it as
 * unsigned. */
typedef struct {
    const char *name;
    sgl_val_type type;
    int64_t *i;
    double *x;
    uint32_t *code;
    char **dict;
    size_t n_dict;
    unsigned char *null;
} sgl_column;
typedef struct {
    size_t n_rows, n_cols;
    sgl_column *col;
    size_t cap;           /* rows allocated (internal) */
} sgl_columns;

/* Table "runs" (every run: run_key, run_kind, command, status, seed, n_traj,
 * sweep_id, sweep_index, version, git, counter_layout, threads, ranks,
 * started_at, finished_at, seconds, params), "series" (finished
 * runs: run_key, run_kind, observable, traj, step, t_eta, t_eta2, value),
 * "estimates" (run_key, run_kind, name, method, step, time, time_unit, mean,
 * se, ci_lo, ci_hi, min, max, n, n_diverged, n_censored, n_nonfinite) or
 * "events" (run_key, run_kind, traj, kind, time, time_unit, censored,
 * value), in the order of `sgdlab export`; kind "run", "limit", "escape" or
 * NULL (all).  Release with sgl_columns_free (also after a failure). */
sgl_status sgl_store_columns(sgl_store *st, const char *table, const char *kind, sgl_columns *out, sgl_err *err);
void sgl_columns_free(sgl_columns *c);

/* Whole arrays of a run's results (src/results_bulk.c), the values of the
 * per-point calls: out[o * n_log + l] = sgl_summarize(r, l, o) for every
 * observable o and logged point l; and at each of n steps the clocks of
 * sgl_spec_clock and the learning rate of sgl_spec_lr. */
void sgl_summarize_all(const sgl_results *r, sgl_summary *out);
void sgl_spec_clocks(const sgl_spec *s, const uint64_t *steps, size_t n, double *t_eta, double *t_eta2, double *lr);

#ifdef __cplusplus
}
#endif
#endif
