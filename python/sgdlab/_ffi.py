"""The C side: a cffi (ABI mode) declaration of the parts of include/sgdlab.h the package uses, and the
shared library (libsgdlab.so, built by CMake) it is loaded from.

The struct layouts below must match include/sgdlab.h; the test suite checks every size and offset used here
against the C compiler's (test_0_layout.py, which runs first), so a change in the header that is not made here
fails a test instead of reading the wrong bytes.
"""
import os

import cffi

CDEF = r"""
typedef struct { char field[64]; char msg[448]; } sgl_err;
const char *sgl_strerror(int s);
const char *sgl_version(void);
const char *sgl_git_hash(void);

typedef struct {
    int input; int truth;
    size_t d, n, kappa, n_test;
    double label_noise;
    const char *csv_path;
    size_t width;
    uint64_t hash;
    const char *truth_path;
    uint64_t truth_hash;
} sgl_data_spec;

typedef struct {
    const char *model; const char *noise;
    sgl_data_spec data;
    int data_draw;
    double a; double alpha;
    const double *init; size_t n_init;
    double delta; double sigma; int sigma_scale;
    size_t batch; int with_replacement;
    double lr;
    uint64_t decay_at[16]; size_t n_decay; double decay_factor;
    uint64_t steps; uint64_t every; uint32_t seeds; uint64_t seed;
    double bound; double threshold;
    const char *observe;
    const char *model_plugin; uint64_t plugin_hash; char plugin_param[256];
} sgl_spec;

typedef struct { sgl_spec run; double T; double dt; int form; int eig; } sgl_limit_spec;

typedef struct {
    double L0; double a; double h; double q; double k; unsigned n;
    uint32_t n_data; uint64_t data_seed; double stats[8];
} sgl_landscape_params;

typedef struct {
    uint32_t replicas; uint32_t kill; uint32_t runs; uint32_t cycles; double z_A; double z_sigma; int coordinate;
} sgl_ams_opts;
extern const char *const sgl_ams_coordinate_names[4];

typedef struct {
    const char *landscape;
    sgl_landscape_params lp;
    int noise; double D; double B_over_eta; uint32_t batch; double eta;
    int dynamics; double dt;
    int bridge;
    int event; double offset, c, r;
    int start; double burn_in;
    const double *x0;
    uint32_t trajectories; double t_max; uint64_t seed;
    int threads; unsigned lanes;
    int method;
    sgl_ams_opts ams;
    const char *landscape_plugin; uint64_t landscape_hash;
} sgl_escape_spec;

typedef struct {
    int kind;
    union { sgl_spec run; sgl_limit_spec limit; sgl_escape_spec escape; } u;
    uint64_t given;
    double *vec;
    size_t vec_cap, n_vec;
} sgl_any_spec;

typedef struct sgl_param {
    const char *name; int type; size_t off;
    const char *const *choices;
    const char *help; const char *def; const char *unit; const char *range;
    const void *kinds;
    unsigned long long max;
    unsigned use; unsigned flags;
    const char *key;
    const char *alias;
} sgl_param;

void sgl_any_spec_default(sgl_any_spec *s, int kind);
int sgl_any_spec_set(sgl_any_spec *s, const char *name, const char *text, sgl_err *err);
int sgl_any_spec_validate(const sgl_any_spec *s, sgl_err *err);
int sgl_any_spec_check_given(const sgl_any_spec *s, sgl_err *err);
int sgl_any_spec_given(const sgl_any_spec *s, const char *name);
size_t sgl_any_spec_canonical(const sgl_any_spec *s, char *buf, size_t len);
void sgl_any_spec_run_key(const sgl_any_spec *s, char key[17]);
const sgl_param *sgl_param_table(int kind);
int sgl_spec_resolve_data(sgl_spec *s, sgl_err *err);
int sgl_spec_resolve_plugin(sgl_spec *s, sgl_err *err);
int sgl_escape_spec_resolve_plugin(sgl_escape_spec *s, sgl_err *err);
void sgl_spec_clock(const sgl_spec *s, uint64_t k, double *t_eta, double *t_eta2);
double sgl_spec_lr(const sgl_spec *s, uint64_t k);

typedef struct { const char *name; const char *doc; } sgl_observable_type;   /* leading fields only */

typedef struct {
    uint32_t n_traj;
    size_t n_log, n_obs;
    uint64_t *log_steps;
    double *series;
    int *diverged;
    uint64_t *diverged_step;
    double *theta_final;
    size_t dim;
} sgl_results;

typedef struct {
    double mean, std_err, min, max;
    uint64_t n, n_diverged, n_nonfinite;
} sgl_summary;
void sgl_summarize(const sgl_results *r, size_t l, size_t o, sgl_summary *out);

typedef struct {
    double value, se, ci_lo, ci_hi, level; double exposure;
    uint64_t n, escaped, censored, diverged;
} sgl_rate_est;
typedef struct {
    double mean, se, ci_lo, ci_hi, level; double mle_mean;
    uint32_t n_boot; int lower_bound;
    uint64_t n, escaped, censored, diverged;
} sgl_mfpt_est;

typedef struct {
    size_t M; unsigned n;
    double *t; uint64_t *steps; int *state; double *L; double *x;
    uint64_t escaped, censored, diverged;
    double traj_steps; double seconds;
} sgl_escape_results;

typedef struct {
    int form_used; size_t rank; double gap_ratio; uint64_t em_steps; double dt; double label_c;
} sgl_limit_info;

typedef struct {
    double p, p_se, p_ci[2];
    double t_first, t_first_se;
    double t_loop, t_loop_se;
    double t_reactive, t_reactive_se;
    double mfpt, mfpt_se, mfpt_ci[2];
    double rate, rate_se, rate_ci[2];
    uint32_t runs, extinct;
    uint64_t iterations, clones, evaluations, capped, direct_escapes;
    double z_A, z_sigma;
    double seconds;
} sgl_ams_result;
typedef struct {
    double p, t_first, t_loop, t_reactive;
    uint64_t iterations, clones, evaluations, capped, direct_escapes;
    int extinct;
} sgl_ams_run;

typedef struct {
    char key[17];
    size_t n_obs;
    const sgl_observable_type *obs[16];
    sgl_results *res;
    double seconds;
    int threads;
    int kind;
    sgl_limit_info limit;
    sgl_escape_results *esc;
    sgl_rate_est rate;
    sgl_mfpt_est mfpt;
    sgl_ams_result *ams;
    sgl_ams_run *ams_run;
} sgl_record;
int sgl_record_run(const sgl_spec *spec, int threads, sgl_record *rec, sgl_err *err);
int sgl_record_escape(const sgl_escape_spec *s, sgl_record *rec, sgl_err *err);
int sgl_record_run_any(const sgl_any_spec *s, int threads, sgl_record *rec, sgl_err *err);
void sgl_record_clear(sgl_record *rec);

typedef struct {
    double x_min[16], x_sad[16], x_next[16];
    double L_min, L_sad, h_min0, h_sad0;
    double hstar[16];
    double step; double x_exit; int dir; uint64_t k_max;
} sgl_escape_info;
int sgl_escape_describe(const sgl_escape_spec *s, sgl_escape_info *info, sgl_err *err);

typedef struct { char name[40]; double value; char unit[24]; char note[200]; } sgl_prediction;

typedef struct sgl_sweep sgl_sweep;
int sgl_sweep_parse(const char *buf, size_t len, const char *path, sgl_sweep **out, sgl_err *err);
int sgl_sweep_load(const char *path, sgl_sweep **out, sgl_err *err);
void sgl_sweep_free(sgl_sweep *w);
size_t sgl_sweep_size(const sgl_sweep *w);
const char *sgl_sweep_name(const sgl_sweep *w);
const char *sgl_sweep_text(const sgl_sweep *w);
const char *sgl_sweep_deprecated(const sgl_sweep *w);
int sgl_sweep_any_spec(const sgl_sweep *w, size_t i, sgl_any_spec *out, sgl_err *err);
int sgl_record_sweep_run(const sgl_sweep *w, size_t i, int threads, sgl_record *rec, sgl_err *err);

typedef struct sgl_store sgl_store;
int sgl_store_open(const char *path, unsigned flags, int busy_ms, sgl_store **out, sgl_err *err);
int sgl_store_close(sgl_store *st, sgl_err *err);
int sgl_store_count_runs(sgl_store *st, int64_t *n, sgl_err *err);
int sgl_store_add_sweep(sgl_store *st, const char *name, const char *path, const char *text, int64_t *id,
                        sgl_err *err);
typedef struct {
    size_t n;
    size_t skipped;
    size_t done;
    size_t redone;
    size_t finished_elsewhere;
    size_t running_elsewhere;
    uint64_t traj;
    double t_store;
} sgl_sweep_progress;
typedef struct {
    const char *path;
    const char *db_path;
    int resume;
    int threads;
    int ranks;
    void (*progress)(void *user, const sgl_sweep_progress *p);
    void *user;
} sgl_sweep_exec_opts;
typedef struct sgl_sweep_exec sgl_sweep_exec;
int sgl_sweep_exec_open(const sgl_sweep *w, sgl_store *db, const sgl_sweep_exec_opts *o, sgl_sweep_exec **out,
                        sgl_err *err);
int sgl_sweep_exec_run(sgl_sweep_exec *x, void *dispatch, sgl_err *err);
const sgl_sweep_progress *sgl_sweep_exec_progress(const sgl_sweep_exec *x);
void sgl_sweep_exec_free(sgl_sweep_exec *x);
typedef struct {
    const char *key; const char *command; const char *params;
    uint64_t seed; uint64_t n_traj;
    int64_t sweep_id; int64_t sweep_index;
    int threads, ranks;
} sgl_run_info;
int sgl_store_claim_any(sgl_store *st, const sgl_any_spec *s, const sgl_run_info *info, unsigned flags,
                        int64_t *run_id, int *outcome, sgl_err *err);
int sgl_store_write_any(sgl_store *st, int64_t run_id, const sgl_any_spec *s, const sgl_record *rec, sgl_err *err);
int sgl_store_run_any(sgl_store *st, const sgl_any_spec *s, const sgl_run_info *info, const void *plan,
                      sgl_record *rec, int *outcome, sgl_err *err);
int sgl_theory_escape(const sgl_escape_spec *s, sgl_prediction *out, size_t cap, size_t *n_out, sgl_err *err);
"""

# ------------------------------------------------- include/sgdlab_experiments.h, include/sgdlab_columns.h
CDEF_EXP = r"""
typedef struct sgl_plan sgl_plan;
typedef struct { double D, p_value, p_asym, kappa; uint32_t n_sim; uint64_t n_used; } sgl_ks_est;
typedef struct { double slope, slope_se, intercept, intercept_se, cov, chi2; size_t n, dof; } sgl_wls_est;

typedef void (*sgl_exp_progress_fn)(void *ctx, const char *label, double seconds);
typedef struct {
    uint32_t count; uint64_t seed; int threads; int quick;
    sgl_exp_progress_fn progress; void *progress_ctx;
} sgl_exp_settings;

typedef struct {
    const char *name; const char *expected; const char *reference;
    sgl_spec spec;
    sgl_plan *plan;
    sgl_results *res;
    size_t n_obs;
    const sgl_observable_type *obs[16];
    sgl_summary test, off, train;
    size_t n_log;
    uint64_t *steps;
    sgl_summary *curve;
    int uses_delta, uses_sigma;
    double loss_a;
    double seconds;
    int verdict;
} sgl_shape_cell;
typedef struct { sgl_shape_cell cell[5]; int ordering; double seconds; } sgl_shape_result;
int sgl_exp_shape_matters(const sgl_exp_settings *s, sgl_shape_result *r, sgl_err *err);
void sgl_shape_result_free(sgl_shape_result *r);

typedef struct {
    int simulated;
    sgl_escape_spec spec;
    sgl_record rec;
    uint64_t M, escaped, censored, diverged;
    double t_max, mfpt, lo, hi;
    int mle;
    double seconds, steps;
} sgl_exp_escape_cell;

typedef struct {
    const char *label; const char *theory_name;
    double x[5]; double theory[5];
    sgl_exp_escape_cell sim[5];
    double barrier, barrier_closed;
    int have_fit;
    sgl_wls_est fit; sgl_wls_est fit_log;
    unsigned nx;
    double x_ams[6], theory_ams[6];
    sgl_ams_result ams[6];
    int have_fit_all;
    sgl_wls_est fit_all;
} sgl_expesc_series;
typedef struct {
    sgl_expesc_series be[3];
    sgl_exp_escape_cell start[2];
    double burn_in, t0;
    sgl_rate_est rate[2], tail[2];
    sgl_mfpt_est mfpt[2];
    int have_ks[2];
    sgl_ks_est ks[2];
    size_t km_n;
    double *km_t, *km_S, *km_se;
    double rate_ratio, rate_ratio_se, tail_ratio, tail_ratio_se;
    sgl_expesc_series sharp[3];
    double seconds;
} sgl_expesc_result;
int sgl_exp_exponential_escape(const sgl_exp_settings *s, sgl_expesc_result *r, sgl_err *err);
void sgl_expesc_result_free(sgl_expesc_result *r);

extern const char *const sgl_lwa_method_names[7];
extern const char *const sgl_lwa_method_docs[7];
typedef struct { int run[7]; int succ[7]; double err_sum[7]; } sgl_lwa_cell;
typedef struct { double n_star, se; int bound; } sgl_lwa_threshold;
typedef struct { int ok; double slope, slope_se, intercept, r2; size_t points; double chi2; } sgl_lwa_fit;
typedef struct {
    uint32_t draws;
    size_t nd;
    size_t d[8], ngrid[8];
    size_t n[8][20];
    sgl_lwa_cell cell[8][20];
    sgl_lwa_threshold th[7][8];
    sgl_lwa_fit fit_kappa_ln_d[7], fit_d[7];
    long unconverged[2];
    int threads;
    double seconds;
    sgl_spec sgd_spec[8][20];
    sgl_record sgd_rec[8][20];
} sgl_lwa_result;
int sgl_exp_lwa_sparse(const sgl_exp_settings *s, sgl_lwa_result *r, sgl_err *err);
void sgl_lwa_result_free(sgl_lwa_result *r);

typedef struct {
    double B_over_eta, L0, ratio;
    double validity, exact, saddle, mori, arrhenius, gld;
    int series;
    int quick_skip;
    sgl_exp_escape_cell sim;
    int ams_run;
    sgl_ams_result ams;
    double ams_brute_steps;
} sgl_mori_row_a;
typedef struct {
    unsigned n; double mori, exact, validity; sgl_exp_escape_cell sim;
    int quick_skip; int ams_run; sgl_ams_result ams; double ams_brute_steps;
} sgl_mori_row_b;
typedef struct {
    const char *dynamics;
    double B_over_eta, step;
    int ok;
    double phi, se;
    double theory, theory_disc;
    uint64_t samples;
    double seconds;
    char why[256];
    sgl_exp_escape_cell sim;
} sgl_mori_row_phi;
typedef struct {
    double c;
    double ideal, data, gld;
    sgl_exp_escape_cell s, sde, gsgd;
} sgl_mori_row_fp;
typedef struct {
    double dt, budget;
    sgl_mori_row_a a[11];
    int have_fit_a;
    sgl_wls_est fit_a, fit_a_exact;
    sgl_mori_row_b b[7];
    int have_fit_b;
    sgl_wls_est fit_b;
    double dt_b2;
    sgl_mori_row_b b2[11];
    sgl_mori_row_phi c[6], d[2];
    uint32_t fp_n_data;
    sgl_mori_row_fp fp[3];
    char fp_why[512];
    double seconds;
} sgl_mori_result;
int sgl_exp_mori_escape(const sgl_exp_settings *s, sgl_mori_result *r, sgl_err *err);
void sgl_mori_result_free(sgl_mori_result *r);
"""
CDEF_COLUMNS = r"""
typedef struct {
    const char *name; int type;
    int64_t *i; double *x; uint32_t *code; char **dict; size_t n_dict; unsigned char *null;
} sgl_column;
typedef struct { size_t n_rows, n_cols; sgl_column *col; size_t cap; } sgl_columns;
int sgl_store_columns(sgl_store *st, const char *table, const char *kind, sgl_columns *out, sgl_err *err);
void sgl_columns_free(sgl_columns *c);
void sgl_summarize_all(const sgl_results *r, sgl_summary *out);
void sgl_spec_clocks(const sgl_spec *s, const uint64_t *steps, size_t n, double *t_eta, double *t_eta2, double *lr);
"""
# experiment structs: every field (sizes and offsets checked against sgdlab_experiments.h)
LAYOUT_EXP = ["sgl_ks_est", "sgl_wls_est", "sgl_exp_settings", "sgl_shape_cell", "sgl_shape_result",
              "sgl_exp_escape_cell", "sgl_expesc_series", "sgl_expesc_result", "sgl_lwa_cell", "sgl_lwa_threshold",
              "sgl_lwa_fit", "sgl_lwa_result", "sgl_mori_row_a", "sgl_mori_row_b", "sgl_mori_row_phi",
              "sgl_mori_row_fp", "sgl_mori_result", "sgl_column", "sgl_columns"]
# array lengths written as numbers above, and the header's names for them (checked by test_0_layout.py)
EXP_CONSTANTS = {"SGL_SHAPE_N": 5, "SGL_EXPESC_NS": 3, "SGL_EXPESC_NB": 5, "SGL_EXPESC_NK": 5, "SGL_EXPESC_NX": 6, "SGL_LWA_N": 7,
                 "SGL_LWA_MAX_DIMS": 8, "SGL_LWA_MAX_GRID": 20, "SGL_MORI_NA": 11, "SGL_MORI_NB": 7,
                 "SGL_MORI_NB2": 11, "SGL_MORI_NC": 6, "SGL_MORI_ND": 2, "SGL_PLUGIN_ABI_VERSION": 1, "SGL_ESC_MAX_DIM": 16,
                 "SGL_CHECK_MAX": 8}

# struct name -> fields whose offsets tests/test_0_layout.py compares with the C compiler's
LAYOUT = {
    "sgl_err": ["field", "msg"],
    "sgl_data_spec": ["input", "truth", "d", "n", "kappa", "n_test", "label_noise", "csv_path", "width", "hash",
                      "truth_path", "truth_hash"],
    "sgl_spec": ["model", "noise", "data", "data_draw", "a", "alpha", "init", "n_init", "delta", "sigma",
                 "sigma_scale", "batch", "with_replacement", "lr", "decay_at", "n_decay", "decay_factor", "steps",
                 "every", "seeds", "seed", "bound", "threshold", "observe", "model_plugin", "plugin_hash",
                 "plugin_param"],
    "sgl_limit_spec": ["run", "T", "dt", "form", "eig"],
    "sgl_landscape_params": ["L0", "a", "h", "q", "k", "n", "n_data", "data_seed", "stats"],
    "sgl_escape_spec": ["landscape", "lp", "noise", "D", "B_over_eta", "batch", "eta", "dynamics", "dt", "bridge", "event", "offset",
                        "c", "r", "start", "burn_in", "x0", "trajectories", "t_max", "seed", "threads", "lanes",
                        "method", "ams", "landscape_plugin", "landscape_hash"],
    "sgl_any_spec": ["kind", "u", "given", "vec", "vec_cap", "n_vec"],
    "sgl_param": ["name", "type", "off", "choices", "help", "def", "unit", "range", "kinds", "max", "use", "flags",
                  "key", "alias"],
    "sgl_results": ["n_traj", "n_log", "n_obs", "log_steps", "series", "diverged", "diverged_step", "theta_final",
                    "dim"],
    "sgl_summary": ["mean", "std_err", "min", "max", "n", "n_diverged", "n_nonfinite"],
    "sgl_rate_est": ["value", "se", "ci_lo", "ci_hi", "level", "exposure", "n", "escaped", "censored", "diverged"],
    "sgl_mfpt_est": ["mean", "se", "ci_lo", "ci_hi", "level", "mle_mean", "n_boot", "lower_bound", "n", "escaped",
                     "censored", "diverged"],
    "sgl_escape_results": ["M", "n", "t", "steps", "state", "L", "x", "escaped", "censored", "diverged",
                           "traj_steps", "seconds"],
    "sgl_limit_info": ["form_used", "rank", "gap_ratio", "em_steps", "dt", "label_c"],
    "sgl_record": ["key", "n_obs", "obs", "res", "seconds", "threads", "kind", "limit", "esc", "rate", "mfpt", "ams",
                   "ams_run"],
    "sgl_ams_opts": ["replicas", "kill", "runs", "cycles", "z_A", "z_sigma", "coordinate"],
    "sgl_ams_result": ["p", "p_se", "p_ci", "t_first", "t_first_se", "t_loop", "t_loop_se", "t_reactive",
                       "t_reactive_se", "mfpt", "mfpt_se", "mfpt_ci", "rate", "rate_se", "rate_ci", "runs", "extinct",
                       "iterations", "clones", "evaluations", "capped", "direct_escapes", "z_A", "z_sigma", "seconds"],
    "sgl_ams_run": ["p", "t_first", "t_loop", "t_reactive", "iterations", "clones", "evaluations", "capped",
                    "direct_escapes", "extinct"],
    "sgl_escape_info": ["x_min", "x_sad", "x_next", "L_min", "L_sad", "h_min0", "h_sad0", "hstar", "step", "x_exit",
                        "dir", "k_max"],
    "sgl_prediction": ["name", "value", "unit", "note"],
    "sgl_run_info": ["key", "command", "params", "seed", "n_traj", "sweep_id", "sweep_index", "threads", "ranks"],
    "sgl_sweep_progress": ["n", "skipped", "done", "redone", "finished_elsewhere", "running_elsewhere", "traj",
                           "t_store"],
    "sgl_sweep_exec_opts": ["path", "db_path", "resume", "threads", "ranks", "progress", "user"],
    # include/sgdlab_plugin.h and the checks, declared by _landscape.py, _model.py and _check.py
    "sgl_plugin_lparams": ["n", "L0", "a", "h", "q", "k"],
    "sgl_plugin_data": ["n", "d", "ld", "X", "y"],
    "sgl_plugin_param": ["key", "value"],
    "sgl_model_plugin": ["abi_version", "size", "name", "doc", "flags", "default_a", "create", "destroy", "dim",
                         "scratch", "init", "residuals", "jt", "hvp", "label", "trace", "d3", "layout"],
    "sgl_check_result": ["name", "against", "ran", "ok", "coord", "observed", "expected", "err", "tol"],
    "sgl_check_report": ["n", "c", "ok"],
    "sgl_check_info": ["model", "dim", "n", "a", "at_init"],
    "sgl_landscape_plugin": ["abi_version", "size", "name", "doc", "reads", "has_saddle", "max_dim", "value", "grad",
                             "hess", "critical"],
}
# structs declared with their leading fields only (never allocated here): offsets checked, size not
PARTIAL = {"sgl_observable_type": ["name", "doc"]}

ffi = cffi.FFI()
ffi.cdef(CDEF)
ffi.cdef(CDEF_EXP)
ffi.cdef(CDEF_COLUMNS)
for _name in LAYOUT_EXP:
    LAYOUT[_name] = [f for f, _ in ffi.typeof(_name).fields]

_HERE = os.path.dirname(os.path.abspath(__file__))


def _candidates():
    env = os.environ.get("SGDLAB_LIB")
    if env:
        return [env]
    return [os.path.join(_HERE, "libsgdlab.so"),                                  # installed next to the package
            os.path.join(os.path.dirname(os.path.dirname(_HERE)), "build", "libsgdlab.so")]   # repository build/


def _load():
    tried = _candidates()
    for path in tried:
        if os.path.isfile(path):
            return ffi.dlopen(path), path
    raise ImportError("sgdlab: cannot find libsgdlab.so (looked at %s); build it first (bash scripts/bootstrap.sh "
                      "build) or set SGDLAB_LIB to its path" % ", ".join(tried))


lib, LIB_PATH = _load()


def has(name):
    """Does the loaded library export this declared function (e.g. one added in a later release)?"""
    try:
        getattr(lib, name)
        return True
    except AttributeError:
        return False
