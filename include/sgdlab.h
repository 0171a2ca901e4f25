/* sgdlab: simulate SGD and its SDE limits under a chosen noise geometry.
 *
 * One public header, grouped by concept (DESIGN.md).  Every function that can
 * fail returns an sgl_status; the library never aborts, exits or prints.
 * Names: sgl_<module>_<verb>, SGL_ macros and enum constants.
 *
 * Time units: integer steps are "k"; GD time t = eta*k; slow time t = eta^2*k.
 */
#ifndef SGDLAB_H
#define SGDLAB_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ status */

#define SGL_STATUS_LIST(X)                                        \
    X(SGL_OK,         0, "success")                               \
    X(SGL_DIVERGED,   2, "state became NaN, Inf or exceeded the bound") \
    X(SGL_EINVAL,    -1, "invalid input")                         \
    X(SGL_ENOMEM,    -2, "allocation failed")                     \
    X(SGL_EIO,       -3, "input/output error")                    \
    X(SGL_ECAPS,     -4, "model cannot supply what the noise or observable needs") \
    X(SGL_ECANCELED, -5, "cancelled (sgl_set_cancel)")

#define SGL_AS_ENUM_(name, code, text) name = code,
typedef enum { SGL_STATUS_LIST(SGL_AS_ENUM_) } sgl_status;
#undef SGL_AS_ENUM_

const char *sgl_strerror(sgl_status s);

/* Detailed message for the caller: which field, and what is allowed. */
typedef struct {
    char field[64];
    char msg[448];
} sgl_err;

/* Fill err (may be NULL) and return s.  printf-style message. */
sgl_status sgl_fail(sgl_err *err, sgl_status s, const char *field,
                    const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

const char *sgl_version(void);      /* "0.1.0" */
const char *sgl_git_hash(void);     /* short commit of the build, or "unknown" */

/* ------------------------------------------------------------ randomness */

/* Philox4x32-10 (Random123).  Counter layout v1 (stored with every result):
 *   key   = seed (low 32 bits, high 32 bits)
 *   c[0]  = draw index within (trajectory, step, purpose)
 *   c[1]  = step, bits 0..31
 *   c[2]  = trajectory id
 *   c[3]  = purpose << 24 | step bits 32..55                                  */
#define SGL_COUNTER_LAYOUT 1
enum sgl_purpose {
    SGL_P_INIT = 1,   /* initial state */
    SGL_P_NOISE = 2,  /* Gaussian parameter noise */
    SGL_P_BATCH = 3,  /* sample indices */
    SGL_P_LABEL = 4,  /* label noise */
    SGL_P_DATA = 5,   /* training inputs (trajectory = data draw id) */
    SGL_P_TEST = 6,   /* held-out inputs */
    SGL_P_TRUTH = 7,  /* ground-truth signs */
    SGL_P_BATCH2 = 8, /* second minibatch (minibatch-diff) */
    SGL_P_BOOT = 9,   /* bootstrap resampling (estimates; traj = resample index) */
    SGL_P_KSNULL = 10, /* parametric null samples of the KS test (traj = replicate) */
    SGL_P_LIMIT = 11,  /* Brownian increments of the limiting SDE on Gamma (step = Euler-Maruyama step) */
    SGL_P_ESCAPE = 12, /* escape engine: dynamics noise (see sgl_escape_run) */
    SGL_P_ESCBURN = 13, /* escape engine: quasi-stationary burn-in noise */
    SGL_P_AMSLOOP = 14, /* splitting: loop walkers (traj = run << 20 | walker) */
    SGL_P_AMS = 15,     /* splitting: replica noise (traj = run << 20 | lineage id, step = its own step) */
    SGL_P_AMSPICK = 16, /* splitting: which survivor a killed replica clones (traj = run, step = iteration) */
    SGL_P_BRIDGE = 17   /* escape engine: Brownian-bridge exit draws (see sgl_escape_spec.bridge; own counter words) */
};

/* The raw block function: out = philox4x32_10(ctr, key). */
void sgl_philox4x32(const uint32_t ctr[4], const uint32_t key[2], uint32_t out[4]);

/* A stream = (seed, trajectory, step, purpose); successive blocks advance c[0].
 * Plain value type, no allocation, no hidden state beyond what is shown. */
typedef struct {
    uint32_t key[2];
    uint32_t ctr[4];
    uint32_t buf[4];
    unsigned avail;     /* unread words left in buf (taken from buf[4-avail]) */
    int      has_normal;
    double   normal;    /* second Box-Muller output, kept for the next call */
} sgl_stream;

void     sgl_stream_init(sgl_stream *s, uint64_t seed, uint32_t traj,
                         uint64_t step, unsigned purpose);
uint32_t sgl_stream_u32(sgl_stream *s);
double   sgl_stream_uniform(sgl_stream *s);      /* in (0,1), 52 bits, never 0 or 1 */
double   sgl_stream_normal(sgl_stream *s);       /* N(0,1), Box-Muller */
int      sgl_stream_rademacher(sgl_stream *s);   /* +1 or -1 */
uint32_t sgl_stream_index(sgl_stream *s, uint32_t n);  /* uniform in [0,n), unbiased */
/* k distinct indices from [0,n) into out[0..k) (partial Fisher-Yates).  perm:
 * length n, holding the identity 0..n-1 on entry and again on return, so a
 * draw costs O(k), not O(n). */
void     sgl_stream_sample(sgl_stream *s, uint32_t n, uint32_t k,
                           uint32_t *perm, uint32_t *out);
/* The first block (4 words) of the streams for steps k0..k0+count-1, in one
 * vectorised pass: out[4i..4i+3] are the first four sgl_stream_u32 results of
 * sgl_stream_init(seed, traj, k0+i, purpose).  For hot loops. */
void     sgl_philox_first_blocks(uint64_t seed, uint32_t traj, uint64_t k0, size_t count,
                                 unsigned purpose, uint32_t *out);
/* Blocks c[0] = 0 .. count-1 of one stream (what successive sgl_stream_u32
 * calls return, four words a block), vectorised. */
void     sgl_philox_stream_blocks(uint64_t seed, uint32_t traj, uint64_t step, unsigned purpose,
                                  size_t count, uint32_t *out);
/* n normals of one stream, equal to n successive sgl_stream_normal calls on a
 * fresh stream; words: scratch of 4 * ((n + 1) / 2) uint32. */
void     sgl_normals_fill(uint64_t seed, uint32_t traj, uint64_t step, unsigned purpose, size_t n,
                          double *out, uint32_t *words);
/* Helpers turning a first block into the first draw of each kind, exactly as
 * the scalar stream does; sgl_index_from_word returns n when Lemire's method
 * would reject the word (probability < n / 2^32): fall back to the stream. */
static inline uint32_t sgl_index_from_word(uint32_t w, uint32_t n)
{
    uint64_t m = (uint64_t)w * n;
    if ((uint32_t)m < n && (uint32_t)m < (uint32_t)(-n) % n) return n;
    return (uint32_t)(m >> 32);
}
/* 52 random bits m, u = (m + 1/2) 2^-52: exactly representable, so u is never
 * 0 or 1 (with 53 bits, m + 1/2 would round up to 2^53 for the top word). */
static inline double sgl_uniform_from_words(uint32_t hi, uint32_t lo)
{
    uint64_t m = ((uint64_t)hi << 20) ^ ((uint64_t)lo >> 12);   /* 52 bits */
    return ((double)m + 0.5) * 0x1p-52;
}
static inline int sgl_rademacher_from_word(uint32_t w) { return (w & 1u) ? 1 : -1; }
/* Box-Muller pair from two uniforms in (0,1): the stream returns cos first */
double sgl_box_muller_cos(double u1, double u2);
double sgl_box_muller_sin(double u1, double u2);

/* --------------------------------------------------------------- data */

typedef enum { SGL_INPUT_GAUSSIAN = 0, SGL_INPUT_BOOLEAN = 1, SGL_INPUT_CSV = 2 } sgl_input_kind;
typedef enum { SGL_TRUTH_ONES = 0, SGL_TRUTH_SIGNS = 1 } sgl_truth_kind;

/* Rows are padded to ld (a multiple of SGL_LANES) with zeros so the kernels
 * can run whole vectors; padding never enters a result. */
#define SGL_LANES 8
typedef struct {
    size_t n, d, ld;
    double *Z;          /* n x ld training inputs */
    double *y;          /* n labels */
    double *wstar;      /* d ground truth, NULL if unknown (CSV data) */
    size_t kappa;       /* support size of wstar (its first kappa coordinates) */
    double *colsq;      /* c_j = (1/n) sum_i Z_ij^2, length ld */
    size_t width;       /* hidden units of a model that has them (SGL_CAP_WIDTH), from the spec; 0: its default */
    size_t n_test;
    double *Zt, *yt;    /* n_test x ld, n_test */
    uint64_t hash;      /* CSV data: FNV-1a 64 of the file's bytes as read; 0 for generated data */
    uint64_t truth_hash;   /* CSV data with a truth file: FNV-1a 64 of its bytes; else 0 */
} sgl_data;

typedef struct {
    sgl_input_kind input;
    sgl_truth_kind truth;
    size_t d, n, kappa, n_test;
    double label_noise;   /* std of Gaussian noise added to the stored labels (default 0) */
    const char *csv_path; /* SGL_INPUT_CSV: rows "x_1,...,x_d,y"; a non-numeric first line is a header */
    size_t width;         /* hidden units of the student (SGL_CAP_WIDTH models, --width); 0: the model's default */
    uint64_t hash;        /* SGL_INPUT_CSV: FNV-1a 64 of the file's bytes, set with d and n by
                             sgl_spec_resolve_data (0: not taken); loading checks the file still has it */
    const char *truth_path;   /* SGL_INPUT_CSV only (--truth-file): the ground truth w*, d numbers (one per
                                 coordinate, separated by commas, blanks or newlines; '#' starts a comment),
                                 so test_error and off_support apply to external data; NULL or "": none */
    uint64_t truth_hash;      /* FNV-1a 64 of the truth file's bytes, set by sgl_spec_resolve_data like hash */
} sgl_data_spec;

/* A CSV data file must be a regular file of at most this many bytes (a row
 * of d numbers can take 8 * ceil(d/8)*8 bytes in memory per 2 bytes of text). */
#define SGL_DATA_MAX_BYTES (256ull << 20)
/* One draw of a data set; draw = data-draw id (0 for a shared data set). */
sgl_status sgl_data_alloc(const sgl_data_spec *spec, uint64_t seed, uint32_t draw,
                          sgl_data **out, sgl_err *err);
void sgl_data_free(sgl_data *data);

/* -------------------------------------------------------------- models */

enum {
    SGL_CAP_RESIDUALS = 1u << 0, /* per-sample residuals and Jacobian-transpose products */
    SGL_CAP_HVP       = 1u << 1, /* Hessian-vector product */
    SGL_CAP_TRACE     = 1u << 2, /* exact tr of the Hessian */
    SGL_CAP_LINEAR_W  = 1u << 3, /* f_i = <z_i, w(theta)>: recovery error, sparsity */
    SGL_CAP_UV        = 1u << 4, /* theta = (u, v): mean log|u_j v_j| */
    SGL_CAP_NODATA    = 1u << 5, /* the loss does not depend on the data set: every residual is the
                                    same function of theta (the 2-D toy, the sphere); the data spec
                                    is irrelevant and a run uses one dummy sample */
    SGL_CAP_WIDTH     = 1u << 6  /* reads the data spec's width (hidden units, --width) */
};

/* trajectories a thread advances together in the interleaved kernels */
#define SGL_ILP 2

struct sgl_model;
typedef struct sgl_model_type {
    const char *name;    /* spec key, shown by `sgdlab list` */
    const char *doc;     /* one line */
    unsigned caps;
    double default_a;    /* per-sample loss a * r^2 */
    const void *impl;    /* constants of the model's family (e.g. its reparametrisation) */
    size_t (*dim)(const struct sgl_model *m);                  /* D */
    void (*init)(const struct sgl_model *m, double alpha, double *theta);
    /* w(theta), length d (SGL_CAP_LINEAR_W) */
    void (*weights)(const struct sgl_model *m, const double *theta, double *w);
    /* r_k = f_{idx[k]}(theta) - y_{idx[k]}; idx == NULL: all n samples in order.
     * scratch: model->scratch_len doubles. */
    void (*residuals)(const struct sgl_model *m, const double *theta,
                      const uint32_t *idx, size_t nidx, double *r, double *scratch);
    /* g = sum_k c[k] grad f_{idx[k]}(theta)  (overwrites g; g must not alias theta) */
    void (*jt)(const struct sgl_model *m, const double *theta, const uint32_t *idx,
               size_t nidx, const double *c, double *g, double *scratch);
    /* theta <- theta + c * grad f_i(theta), in place and fused (the batch-1 fast
     * path); equals theta + c*jt(i) up to rounding */
    void (*step1)(const struct sgl_model *m, double *theta, uint32_t i, double c);
    /* the same step, fused with the next residual: returns f_inext(theta') - y_inext
     * computed in the same pass over theta (optional) */
    double (*step1_resid)(const struct sgl_model *m, double *theta, uint32_t i, double c,
                          uint32_t inext);
    /* len such steps in a row (optional): step q uses sample idx[q] and
     * residual g = r - eps[q], with theta += c0 * g * grad f_idx[q]; r comes in
     * as the residual of idx[0] and leaves as that of idx[len] (idx has len + 1
     * entries).  Returns len, or the first q whose g is not finite (theta then
     * holds the state before step q).  Bitwise equal to len step1_resid calls. */
    size_t (*step1_chain)(const struct sgl_model *m, double *theta, const uint32_t *idx,
                          const double *eps, size_t len, double c0, double *r);
    /* step1_resid for SGL_ILP trajectories at once (each with its own model,
     * data and theta), bitwise equal to SGL_ILP separate calls (optional) */
    void (*step1_resid_multi)(const struct sgl_model *const *m, double *const *theta,
                              const uint32_t *i, const double *c, const uint32_t *inext, double *r);
    /* out = Hessian(L)(theta) p */
    void (*hvp)(const struct sgl_model *m, const double *theta, const double *p,
                double *out, double *scratch);
    double (*trace)(const struct sgl_model *m, const double *theta, double *scratch);
    /* ---- optional slots (NULL when absent; positional initialisers may stop above) */
    /* Third-derivative contraction d^2(grad L)[A] (THEORY.md 2.3, 2.5): for a
     * symmetric D x D matrix A (row-major, D = m->dim)
     *     out_k = sum_ij d^3 L / (dtheta_k dtheta_i dtheta_j) A_ij.
     * scratch: sgl_model_d3_scratch(m) doubles.  NULL: sgl_model_d3 falls back
     * to finite differences of hvp (sgl_model_d3_fd). */
    void (*d3)(const struct sgl_model *m, const double *theta, const double *A, double *out,
               double *scratch);
    /* The live coordinates are theta[b * stride + j], b < nb, j < len; every other
     * coordinate is padding that stays 0 and has zero gradient, Hessian row and
     * noise.  NULL: all D coordinates are live (nb = 1, len = stride = D). */
    void (*layout)(const struct sgl_model *m, size_t *nb, size_t *len, size_t *stride);
    /* Can the model run on this data set (e.g. matrix sensing needs d = m^2)?
     * NULL: any data. */
    sgl_status (*check)(const sgl_data *data, sgl_err *err);
    /* The model's own data set for a run (e.g. labels from a teacher); NULL:
     * sgl_data_alloc.  Called through sgl_model_data_alloc. */
    sgl_status (*make_data)(const sgl_data_spec *spec, uint64_t seed, uint32_t draw, sgl_data **out,
                            sgl_err *err);
    /* doubles of scratch the model needs beyond 4 ld + 2 n (NULL: none) */
    size_t (*extra_scratch)(const struct sgl_model *m);
    /* step1_chain for SGL_ILP trajectories at once (idx[g], eps[g], r[g] per
     * trajectory, as step1_chain has them): returns len, or the first q where
     * some trajectory's g is not finite (every theta then holds the state
     * before step q).  Bitwise equal to len step1_resid_multi calls (optional) */
    size_t (*step1_chain_multi)(const struct sgl_model *const *m, double *const *theta,
                                const uint32_t *const *idx, const double *const *eps, size_t len, double c0,
                                double *r);
} sgl_model_type;

typedef struct sgl_model {
    const sgl_model_type *type;
    const sgl_data *data;
    double a;            /* loss constant: ell_i = a * r_i^2 */
    size_t dim;          /* D, cached */
    size_t scratch_len;  /* doubles of scratch a call may use: 4 ld + 2 n + extra_scratch */
} sgl_model;

extern const sgl_model_type *const sgl_models[];   /* NULL-terminated */
const sgl_model_type *sgl_model_lookup(const char *name);
/* valid names joined by ", " into buf */
void sgl_model_names(char *buf, size_t len);

sgl_status sgl_model_init(sgl_model *m, const sgl_model_type *t, const sgl_data *data,
                          double a, sgl_err *err);
/* L(theta) = (1/n) sum a r_i^2, and its gradient if grad != NULL.
 * scratch: m->scratch_len + n doubles. */
double sgl_model_loss_grad(const sgl_model *m, const double *theta, double *grad,
                           double *scratch);

/* The data set of draw `draw` for a model: the model's make_data when it has
 * one; spec->n identical dummy samples (d = 1) for SGL_CAP_NODATA models (a
 * plan uses n = B, so B samples can be drawn per step); else
 * sgl_data_alloc.  Validates the data against the model's check. */
sgl_status sgl_model_data_alloc(const sgl_model_type *t, const sgl_data_spec *spec, uint64_t seed,
                                 uint32_t draw, sgl_data **out, sgl_err *err);

/* Live coordinates (see sgl_model_type.layout): always fills all three. */
void sgl_model_layout(const sgl_model *m, size_t *nb, size_t *len, size_t *stride);

/* Derivative helpers for analysis code (limit dynamics, geometry of Gamma,
 * observables).  Each allocates its own workspace, returns SGL_ENOMEM if that
 * fails and SGL_ECAPS (field "--model") when the model lacks a needed slot. */
/* loss L(theta) into *loss, and grad L into grad when grad != NULL */
sgl_status sgl_model_loss(const sgl_model *m, const double *theta, double *loss, double *grad,
                          sgl_err *err);
/* out = Hessian(L)(theta) p  (needs SGL_CAP_HVP) */
sgl_status sgl_model_hvp(const sgl_model *m, const double *theta, const double *p, double *out,
                         sgl_err *err);
/* H: D x D row-major dense Hessian from D Hessian-vector products on unit
 * vectors, symmetrised as (H + H^T)/2; padding rows and columns are 0 */
sgl_status sgl_model_hessian(const sgl_model *m, const double *theta, double *H, sgl_err *err);
/* out = d^2(grad L)[A] (see the d3 slot): the analytic slot when the model has
 * one, else sgl_model_d3_fd.  A: symmetric D x D row-major. */
sgl_status sgl_model_d3(const sgl_model *m, const double *theta, const double *A, double *out,
                        sgl_err *err);
/* The finite-difference contraction from Hessian-vector products (needs
 * SGL_CAP_HVP): with a_i the i-th column of A and e_i the unit vector of live
 * coordinate i, T[., e_i, a_i] = d/dh H(theta + h e_i) a_i, so
 *     out = sum_i [H(theta + h_i e_i) a_i - H(theta - h_i e_i) a_i] / (2 h_i)
 * over the live i with a_i != 0 (2 hvp each), h_i = SGL_D3_FD_STEP max(1, |theta_i|)
 * (the step actually representable is used).  Error: truncation
 * h^2/6 |d^4 L| |a_i| per column (0 for models whose loss is a polynomial of
 * degree <= 3 in each coordinate direction) plus rounding ~ 1e-16 |H| |a_i| / h,
 * i.e. about 1e-10 relative for smooth O(1) losses. */
#define SGL_D3_FD_STEP 6.0554544523933395e-06   /* cbrt(DBL_EPSILON) */
sgl_status sgl_model_d3_fd(const sgl_model *m, const double *theta, const double *A, double *out,
                           sgl_err *err);
/* Derivative checks (`sgdlab check-model`, src/models/check.c): the checks the test suite applies to every
 * built-in, for any model (a plugin's above all).  Each compares a slot with an independent value and keeps
 * the worst coordinate: residuals batched vs one at a time, the gradient (jt) vs central differences of the
 * loss, jt on an index list vs differences of the residuals, hvp vs differences of the gradient, symmetry
 * u^T H p = p^T H u, trace vs sum e_i^T H e_i, d3 vs sgl_model_d3_fd.  Random directions from seed. */
typedef struct {
    const char *name;      /* residuals, gradient, jt, hvp, symmetry, trace, d3 */
    const char *against;   /* what the expected values are (a skipped check: why it was skipped) */
    int ran, ok;
    size_t coord;          /* the worst coordinate of theta (residuals: the sample; scalars: 0) */
    double observed, expected;   /* the slot's value and the independent one there */
    double err, tol;       /* max |observed - expected| / max |expected|, and the tolerance */
} sgl_check_result;
#define SGL_CHECK_MAX 8
typedef struct {
    size_t n;
    sgl_check_result c[SGL_CHECK_MAX];
    int ok;                /* every check that ran passed */
} sgl_check_report;
/* A failed check is a result (rep->ok 0), not an error; errors: SGL_ENOMEM, SGL_ECAPS. */
sgl_status sgl_model_check(const sgl_model *m, const double *theta, uint64_t seed, sgl_check_report *rep,
                           sgl_err *err);
/* The point sgdlab check-model uses: init(alpha) plus 0.3 N(0,1) on every live coordinate (stream seed) */
sgl_status sgl_model_check_point(const sgl_model *m, double alpha, uint64_t seed, double *theta);

/* Largest eigenvalue lambda_1 of the Hessian (the sharpness), deterministic:
 * Lanczos from a fixed start vector with full reorthogonalisation over the
 * live coordinates, min(live, SGL_LANCZOS_MAX) steps (exact up to rounding when
 * live <= SGL_LANCZOS_MAX), eigenvalue of the tridiagonal matrix by bisection. */
#define SGL_LANCZOS_MAX 48
sgl_status sgl_model_lambda_max(const sgl_model *m, const double *theta, double *lambda, sgl_err *err);

/* --------------------------------------------------------------- noise */

typedef enum { SGL_SCALE_UNSET = 0, SGL_SCALE_ETA = 1, SGL_SCALE_SQRT_ETA = 2 } sgl_sigma_scale;

struct sgl_plan;
struct sgl_traj;
typedef struct sgl_noise_type {
    const char *name;
    const char *doc;
    unsigned needs_caps;         /* model caps the noise requires */
    int uses_batch;              /* reads --batch */
    int uses_delta;              /* reads --delta */
    int uses_sigma;              /* reads --sigma / --sigma-scale */
    /* advance t from step k0 to k1 at constant eta (k = steps already taken;
     * randomness of step k uses counter step = k).  Returns 0, or 1 when the
     * state became non-finite, with t->diverged_step set. */
    int (*run)(const struct sgl_plan *p, struct sgl_traj *t, uint64_t k0, uint64_t k1, double eta);
    /* the same for SGL_ILP trajectories advanced together (optional); each ends
     * exactly as `run` would leave it, diverged ones marked */
    void (*run_n)(const struct sgl_plan *p, struct sgl_traj *const *t, uint64_t k0, uint64_t k1,
                  double eta);
    /* ---- optional slots (NULL when absent)
     * Per-step noise covariance Sigma(theta) of this kind (THEORY.md 1.3, 2.1):
     * the update is theta - eta grad L + eta sigma_xi with Cov sigma_xi =
     * Sigma, exact at any theta (D x D row-major, padding 0).  SGL_ECAPS
     * (field "--noise" or "--sigma-scale") when the kind has no
     * eta-independent covariance, so no limit on the eta^2 clock. */
    sgl_status (*cov)(const struct sgl_plan *p, const struct sgl_model *m, const double *theta, double *S,
                      sgl_err *err);
    /* Label-noise constant c with Sigma = c Hessian on Gamma (2 a delta^2 / B,
     * ...), or NaN when the kind is not label-shaped (optional). */
    double (*label_c)(const struct sgl_plan *p, const struct sgl_model *m);
} sgl_noise_type;

extern const sgl_noise_type *const sgl_noises[];
const sgl_noise_type *sgl_noise_lookup(const char *name);
void sgl_noise_names(char *buf, size_t len);

/* ----------------------------------------------------------- observables */

typedef struct sgl_observable_type {
    const char *name;
    const char *doc;
    unsigned needs_caps;
    double (*eval)(const struct sgl_plan *p, struct sgl_traj *t);   /* may use t->scratch */
    int optional;   /* logged only when named in spec.observe (costly ones, e.g. lambda_max) */
} sgl_observable_type;
extern const sgl_observable_type *const sgl_observables[];

/* ------------------------------------------------------------ run spec */

typedef enum { SGL_DRAW_PER_SEED = 0, SGL_DRAW_SHARED = 1 } sgl_data_draw;

#define SGL_MAX_DECAY 16
#define SGL_PLUGIN_PARAM_MAX 256   /* bytes of --plugin-param text, with its NUL */
typedef struct {
    const char *model;         /* registry name */
    const char *noise;         /* registry name */
    sgl_data_spec data;
    sgl_data_draw data_draw;   /* per-seed: trajectory s gets its own data draw */
    double a;                  /* loss constant; NaN: the model's default */
    double alpha;              /* init scale */
    const double *init;        /* n_init > 0: the initial point's live coordinates in layout order
                                  (sgl_model_layout; padding stays 0), replacing the alpha init */
    size_t n_init;
    double delta;              /* label-noise std / minibatch-diff scale */
    double sigma;              /* Gaussian parameter noise std */
    sgl_sigma_scale sigma_scale;
    size_t batch;              /* B */
    int with_replacement;      /* minibatch and label: sample B with replacement */
    double lr;                 /* eta at k = 0 */
    uint64_t decay_at[SGL_MAX_DECAY];   /* steps k where eta is multiplied by decay_factor */
    size_t n_decay;
    double decay_factor;
    uint64_t steps;            /* k_max */
    uint64_t every;            /* log every k steps (plus step 0 and the last) */
    uint32_t seeds;            /* M trajectories */
    uint64_t seed;             /* Philox key */
    double bound;              /* diverged when max |theta_j| exceeds it (checked every SGL_BOUND_EVERY steps) */
    double threshold;          /* |w_j| above it counts as active off-support */
    const char *observe;       /* optional observables to log too, comma-separated (NULL: none) */
    /* a model plugin (include/sgdlab_plugin.h) instead of a registry model: its path (NULL or "": none), the
     * FNV-1a 64 of its bytes (set by sgl_spec_resolve_data, which also sets model to "plugin") and its
     * parameters "k1=v1,k2=v2" (sorted by key; each set of plugin-param adds or replaces keys) */
    const char *model_plugin;
    uint64_t plugin_hash;
    char plugin_param[SGL_PLUGIN_PARAM_MAX];
} sgl_spec;

/* Names of the enum values, indexed by value, NULL-terminated: what the CLI
 * accepts and what outputs print (one list, so the two cannot drift). */
extern const char *const sgl_input_names[];      /* sgl_input_kind */
extern const char *const sgl_truth_names[];      /* sgl_truth_kind */
extern const char *const sgl_draw_names[];       /* sgl_data_draw */
extern const char *const sgl_scale_names[];      /* sgl_sigma_scale ("unset" first) */
extern const char *const sgl_sampling_names[];   /* spec.with_replacement: 0 without, 1 with */

void sgl_spec_defaults(sgl_spec *s);
/* A model plugin: its content hash and model "plugin" (sgl_spec_resolve_plugin).
 * CSV data: read the file once and put its shape (data.d, data.n) and content
 * hash (data.hash) into the spec, so the canonical form and run key describe
 * the data actually used (a changed file is a different run).  Generated data:
 * nothing to do.  Errors name --data-file. */
sgl_status sgl_spec_resolve_data(sgl_spec *s, sgl_err *err);
/* Model plugins (include/sgdlab_plugin.h, src/models/plugin.c).  The model type of a spec: its plugin's
 * (loaded once per process and kept, keyed by path, content hash and parameters) when model_plugin is set,
 * else the registry's (*out NULL for an unknown name, which sgl_spec_validate reports).  Errors name
 * --model-plugin (cannot load, wrong ABI version or struct size, missing slot, changed since resolved) or
 * --plugin-param (the plugin rejected its parameters). */
sgl_status sgl_spec_model(const sgl_spec *s, const sgl_model_type **out, sgl_err *err);
/* The plugin at path with parameters "k=v,..." (hash 0: any content). */
sgl_status sgl_plugin_model(const char *path, uint64_t hash, const char *params, const sgl_model_type **out,
                            sgl_err *err);
/* Hash the plugin file into the spec and set model "plugin" (sgl_spec_resolve_data does this too). */
sgl_status sgl_spec_resolve_plugin(sgl_spec *s, sgl_err *err);
/* Register a model plugin made in this process (sgdlab.Model's Python callbacks) under id, a name without '/'
 * that a spec's model_plugin then names instead of a file, with its content hash (nonzero: it enters the run
 * key as a file's does).  api must stay valid for the process; an id registered again with the same hash
 * keeps the first api, with another hash is refused. */
struct sgl_model_plugin;
sgl_status sgl_model_plugin_register(const char *id, uint64_t hash, const struct sgl_model_plugin *api,
                                     sgl_err *err);
/* `sgdlab check-model` (and sgdlab.check) as one call: the model of a run spec (resolved by
 * sgl_spec_resolve_data; steps, every and seeds are ignored) on the data of its first draw, checked at its
 * init (live coordinates in layout order) or at sgl_model_check_point(alpha, seed).  info (may be NULL): the
 * model's name, D, n, a and whether the point is init's.  A failed check is rep->ok 0, not an error. */
typedef struct {
    char model[64];
    size_t dim, n;
    double a;
    int at_init;
} sgl_check_info;
sgl_status sgl_spec_check_model(const sgl_spec *s, sgl_check_report *rep, sgl_check_info *info, sgl_err *err);
/* Validate a spec; each problem names its field (CLI flag) and the allowed range. */
sgl_status sgl_spec_validate(const sgl_spec *s, sgl_err *err);
/* eta at step k under the spec's schedule */
double sgl_spec_lr(const sgl_spec *s, uint64_t k);

/* ------------------------------------------------------- plan / execute */

/* A plan: a validated spec bound to its model and noise kind, its observables,
 * its data draws and its logging grid.  Opaque (the layout is the library's,
 * src/plan.h); read it through the accessors below.  A trajectory (sgl_traj)
 * is library-internal: noise kinds and observables receive one. */
typedef struct sgl_plan sgl_plan;
typedef struct sgl_traj sgl_traj;

/* Per-trajectory results, indexed by trajectory id. */
typedef struct {
    uint32_t n_traj;
    size_t n_log, n_obs;
    uint64_t *log_steps;    /* the plan's logged steps, n_log */
    double *series;         /* [traj][log][obs]; NaN after divergence */
    int *diverged;          /* per trajectory */
    uint64_t *diverged_step;
    double *theta_final;    /* [traj][dim] */
    size_t dim;
} sgl_results;

sgl_status sgl_plan_alloc(const sgl_spec *spec, sgl_plan **out, sgl_err *err);
/* The part of sgl_plan_alloc's size check that needs no data (sweeps run it up
 * front): the model's own shape and cost limits, and the data's memory against
 * this machine's physical memory.  Errors name the flag (--d, --n, --trajectories). */
sgl_status sgl_spec_check_size(const sgl_spec *spec, sgl_err *err);
void sgl_plan_free(sgl_plan *p);

/* What a plan holds (p as returned by sgl_plan_alloc or sgl_limit_plan_alloc):
 * its spec (a copy), model type and noise kind, the observables it logs (in
 * column order of sgl_results.series), its data draws (draw < n_data: 1 when
 * shared, else one per trajectory), its logged steps (n_log, ascending, from 0
 * to spec.steps) and the parameter dimension D (with the model's padding). */
const sgl_spec *sgl_plan_spec(const sgl_plan *p);
const sgl_model_type *sgl_plan_model(const sgl_plan *p);
const sgl_noise_type *sgl_plan_noise(const sgl_plan *p);
size_t sgl_plan_n_obs(const sgl_plan *p);
const sgl_observable_type *sgl_plan_obs(const sgl_plan *p, size_t i);
size_t sgl_plan_n_data(const sgl_plan *p);
const sgl_data *sgl_plan_data(const sgl_plan *p, size_t draw);
size_t sgl_plan_n_log(const sgl_plan *p);
const uint64_t *sgl_plan_log_steps(const sgl_plan *p);
size_t sgl_plan_dim(const sgl_plan *p);

/* The bound (spec.bound on max|theta_j|) is checked at every multiple of this
 * many steps and at the last step; non-finite residuals are caught at every
 * step.  A fixed grid, so results do not depend on --every. */
#define SGL_BOUND_EVERY 256

sgl_status sgl_results_alloc(const sgl_plan *p, sgl_results **out);
void sgl_results_free(sgl_results *r);
/* Run every trajectory of the plan on `threads` OpenMP threads (0: default).
 * The results do not depend on threads. */
sgl_status sgl_plan_execute(const sgl_plan *p, int threads, sgl_results *r);
/* Cancellation (e.g. from a signal handler that sets *flag): while *flag is
 * nonzero, sgl_plan_execute (and so sgl_record_run) stops at its next check
 * (between log points and every SGL_CANCEL_EVERY steps, an absolute grid like
 * the bound checks', so checking changes no result) and returns SGL_ECANCELED
 * with r incomplete.  NULL (the default) turns it off.  Process-wide: the
 * library only reads *flag. */
#define SGL_CANCEL_EVERY (64 * SGL_BOUND_EVERY)
void sgl_set_cancel(const volatile sig_atomic_t *flag);

/* ------------------------------------------------------------ estimates */

typedef struct {
    double mean, std_err;   /* over trajectories not (yet) diverged at that log point */
    double min, max;
    uint64_t n, n_diverged;
    uint64_t n_nonfinite;   /* alive trajectories whose value was NaN or +-Inf (e.g. log 0): not averaged */
} sgl_summary;

/* Summary of observable o at log point l across trajectories (fixed order). */
void sgl_summarize(const sgl_results *r, size_t l, size_t o, sgl_summary *out);
/* Fixed-order sum with four accumulators. */
double sgl_sum_fixed(const double *x, size_t n);

/* ------------------------------------------------ geometry of Gamma
 *
 * The manifold of minimisers Gamma (THEORY.md 1.4, 2.3; src/dynamics/manifold.c). */

/* Gradient-flow projection Phi(x) = lim phi(x, t), dphi/dt = -grad L:
 * adaptive Bogacki-Shampine 2(3) until |grad L| < grad_tol. */
typedef struct {
    double grad_tol;      /* stop when |grad L| < grad_tol (default 1e-10) */
    double rtol;          /* local error tolerance per unit of (|x_i| + 1) (default 1e-8) */
    uint64_t max_evals;   /* budget of gradient evaluations (default 2e6) */
} sgl_flow_opts;
void sgl_flow_opts_default(sgl_flow_opts *o);
typedef struct {
    int converged;
    uint64_t evals;       /* gradient evaluations used */
    double t;             /* flow time integrated */
    double loss, grad_norm;   /* at the returned point */
} sgl_flow_info;
/* phi (D) receives the end point (also when not converged).  Not converged
 * within the budget, or a non-finite flow: SGL_EINVAL, field "Phi", a message
 * with the flow time, |grad L| and L reached; info (may be NULL) filled. */
sgl_status sgl_gamma_project(const sgl_model *m, const double *x, const sgl_flow_opts *opts, double *phi,
                             sgl_flow_info *info, sgl_err *err);

/* The Hessian's eigen-decomposition at a point of Gamma (LAPACK dsyev on the
 * live coordinates) and what follows from it.  Rank rule: M = number of
 * eigenvalues > rank_tol * lambda_1; the gap ratio lambda_{M+1} / lambda_M is
 * reported (0 when M = live; near 1 means the rank is ambiguous). */
typedef struct {
    size_t D, live;       /* dimension, live coordinates */
    size_t *live_idx;     /* live coordinate indices, layout order */
    size_t rank;          /* M = dim of the normal space */
    double gap_ratio, rank_tol;
    double loss, grad_norm;
    double *evals;        /* D, descending (padding: 0 at the end) */
    double *evecs;        /* D x D row-major, column j = eigenvector of evals[j] */
    double *H, *Hpinv, *Pperp, *Ppar;   /* D x D: Hessian, H^+, H H^+, I - H H^+ (= dPhi on Gamma) */
    double *work;         /* 2 D^2 + D doubles, used by the functions below */
} sgl_gamma_geom;
/* (when the LAPACK underneath is OpenBLAS, this sets its thread count to 1:
 * the eigenproblems here are small, and the result must not depend on BLAS
 * threads) */
sgl_status sgl_gamma_geom_alloc(const sgl_model *m, sgl_gamma_geom **out);
void sgl_gamma_geom_free(sgl_gamma_geom *g);
/* Fill g at x.  A point not near Gamma (|grad L| > near_tol, non-finite, a
 * Hessian with no positive or a clearly negative eigenvalue) is SGL_EINVAL,
 * field "theta", with the numbers in the message; g->grad_norm and g->loss
 * are set whenever finite.  Needs SGL_CAP_HVP (else SGL_ECAPS). */
sgl_status sgl_gamma_geometry(const sgl_model *m, const double *x, double near_tol, double rank_tol,
                              sgl_gamma_geom *g, sgl_err *err);
/* X = L_H^{-1}(P_perp S P_perp): the symmetric solution of H X + X H = S on
 * the normal space (eigenbasis: X_ab = S_ab / (lambda_a + lambda_b), a, b <= M).
 * S, X: D x D; uses g->work. */
void sgl_gamma_lyap_inv(const sgl_gamma_geom *g, const double *S, double *X);
/* R = S^{1/2} (symmetric PSD root of the live block; rounding-negative
 * eigenvalues clipped to 0).  work: D + D^2 doubles. */
sgl_status sgl_gamma_sqrt_psd(const sgl_gamma_geom *g, const double *S, double *R, double *work);

/* ---------------------------------------------- limiting SDE on Gamma
 *
 * Li-Wang-Arora's limit (THEORY.md 2.4-2.6, 2.8; src/dynamics/limit.c) in
 * limit time t = eta^2 k, Euler-Maruyama with projection back onto Gamma
 * by Phi after every step, Brownian increments from stream (seed,
 * trajectory, EM step, SGL_P_LIMIT). */
typedef enum {
    SGL_LIMIT_AUTO = 0,      /* closed form when the noise kind has one, else general */
    SGL_LIMIT_GENERAL = 1,   /* the four-term form of THEORY 2.5 from the noise's covariance */
    SGL_LIMIT_CLOSED = 2,    /* label: -(c/4) grad_Gamma tr H; isotropic: BM on Gamma - (s^2/4) grad_Gamma log pdet H;
                                sqrt-loss / normalized: the lambda_1-lowering flow */
} sgl_limit_form;
extern const char *const sgl_limit_form_names[];   /* "auto", "general", "closed" */
/* How the limit finds the normal space at each Euler-Maruyama step.  Both give
 * the same results up to the iterative solver's tolerance (test_limit
 * t_eig_paths: relative 1e-7 on every model with a Hessian). */
typedef enum {
    SGL_LIMIT_EIG_ITERATIVE = 0,   /* default: after the first step, Hessian-vector products on the previous
                                      step's normal space (Rayleigh-Ritz, Jacobi on the M x M block up to M = 8),
                                      H^+ and P_par applied in low rank where the form allows */
    SGL_LIMIT_EIG_DENSE = 1,       /* the dense Hessian and its full eigen-decomposition at every step, D x D
                                      operators (the reference) */
} sgl_limit_eig;
extern const char *const sgl_limit_eig_names[];    /* "iterative", "dense" */
typedef struct {
    double T;                /* horizon, limit time t = eta^2 k */
    double dt;               /* Euler-Maruyama step in limit time */
    size_t n_log;            /* log points (>= 1): t = T i / n_log, plus t = 0 */
    sgl_limit_form form;
    double near_tol;         /* |grad L| at which a point counts as on Gamma (default 1e-6) */
    double rank_tol;         /* relative eigenvalue threshold of the rank (default 1e-8) */
    sgl_flow_opts flow;
    sgl_limit_eig eig;       /* default SGL_LIMIT_EIG_ITERATIVE */
} sgl_limit_opts;
void sgl_limit_opts_default(sgl_limit_opts *o);
/* sgl_limit_execute refuses models with more parameters (dense O(D^3) work per step) */
#define SGL_LIMIT_MAX_DIM 512
/* One Euler-Maruyama increment's ingredients at zeta in Gamma: drift b (D)
 * and noise factor R (D x D; dzeta = b dt + R dW; NULL: not wanted) under
 * the form, for the plan's noise kind; *form_used: the form applied.
 * g: geometry at zeta (sgl_gamma_geometry). */
sgl_status sgl_limit_coeffs(const sgl_plan *p, const sgl_model *m, const double *zeta, sgl_gamma_geom *g,
                            sgl_limit_form form, double *b, double *R, sgl_limit_form *form_used, sgl_err *err);
/* Integrate every trajectory of the plan's spec from Phi(initial point) to
 * T; results r (allocated here, free with sgl_results_free): log_steps[l] =
 * the EM step index of log point l (time = step * dt), series of the plan's
 * observables, theta_final.  A trajectory whose projection fails or leaves
 * the neighbourhood of Gamma is marked diverged (diverged_step = EM step).
 * A start point whose Phi does not converge fails the whole call
 * (SGL_EINVAL, field "--init"/"--alpha").  info (may be NULL): the form used,
 * the rank and gap ratio at the first start point, EM steps. */
typedef struct {
    sgl_limit_form form_used;
    size_t rank;
    double gap_ratio;
    uint64_t em_steps;
    double dt;               /* the step actually used: T / em_steps */
    double label_c;          /* NaN unless label-shaped */
} sgl_limit_info;
sgl_status sgl_limit_execute(const sgl_plan *p, const sgl_limit_opts *o, int threads, sgl_results **r,
                             sgl_limit_info *info, sgl_err *err);
/* The plan's noise covariance at theta (the noise slot `cov`); SGL_ECAPS when absent. */
sgl_status sgl_noise_cov(const sgl_plan *p, const sgl_model *m, const double *theta, double *S, sgl_err *err);

/* ----------------------------------------------- first-passage estimates
 *
 * Inputs are per-trajectory times t[i] (in whatever unit the caller uses: the
 * estimates come back in the same unit) with a state[i]: SGL_FP_ESCAPED (the
 * event happened at t[i]), SGL_FP_CENSORED (still inside at t[i] = its t_max)
 * or SGL_FP_DIVERGED (left out of every estimate, only counted).  Reductions
 * run in index order; randomness (bootstrap, KS null) comes from Philox
 * streams with their own purposes and the seed given, so the same inputs and
 * seed give the same bits. */
enum { SGL_FP_CENSORED = 0, SGL_FP_ESCAPED = 1, SGL_FP_DIVERGED = 2 };

/* Censored exponential MLE: kappa = m / sum_i min(tau_i, t_max) over the
 * escaped and censored trajectories (m = escapes).  se = kappa / sqrt(m)
 * (observed information; NaN when m = 0).  CI: the likelihood-ratio interval
 * {kappa : 2[l(kappa_hat) - l(kappa)] <= z^2}, l(kappa) = m log kappa -
 * kappa*exposure, z the normal quantile of (1+level)/2; with m = 0 it is
 * [0, z^2 / (2 exposure)].  (Documented choice: LR, not the chi-square
 * interval, which is exact only without censoring.) */
typedef struct {
    double value, se, ci_lo, ci_hi, level;
    double exposure;                 /* sum of min(tau, t_max), same unit as t */
    uint64_t n, escaped, censored, diverged;
} sgl_rate_est;
sgl_status sgl_est_rate(const double *t, const int *state, size_t n, double level,
                        sgl_rate_est *out, sgl_err *err);

/* Mean first-passage time: the sample mean of min(tau, t_max) (a lower bound
 * of the MFPT when any is censored: `lower_bound` = 1), its SE s/sqrt(n'),
 * and a percentile-bootstrap CI from n_boot resamples (stream purpose
 * SGL_P_BOOT, traj = resample index, step 0, key = seed).  Also 1/kappa_hat,
 * the censoring-aware MLE of the mean under an exponential law. */
typedef struct {
    double mean, se, ci_lo, ci_hi, level;
    double mle_mean;                 /* exposure / m (inf when m = 0) */
    uint32_t n_boot;
    int lower_bound;
    uint64_t n, escaped, censored, diverged;
} sgl_mfpt_est;
sgl_status sgl_est_mfpt(const double *t, const int *state, size_t n, double level, uint32_t n_boot,
                        uint64_t seed, sgl_mfpt_est *out, sgl_err *err);
/* The censored exponential MLE of the MFPT, 1/kappa_hat = exposure / m
 * (value = mf->mle_mean), with the rate's uncertainty carried over: se =
 * value / sqrt(m) (the rate's relative SE) and the rate's likelihood-ratio CI
 * inverted, [1/ci_hi, 1/ci_lo] (an LR interval is invariant under kappa ->
 * 1/kappa).  With m = 0: value and ci_hi inf, se NaN. */
typedef struct {
    double value, se, ci_lo, ci_hi, level;
} sgl_mfpt_mle;
void sgl_est_mfpt_mle(const sgl_mfpt_est *mf, const sgl_rate_est *rate, sgl_mfpt_mle *out);

/* Kaplan-Meier survival: at each distinct escape time time[j] (ascending),
 * surv[j] = S(time[j]) and se[j] its Greenwood standard error; *n_out points
 * (<= n; arrays of length n).  Censored trajectories leave the risk set at
 * their time (ties: escapes first). */
sgl_status sgl_est_km(const double *t, const int *state, size_t n, double *time, double *surv,
                      double *se, size_t *n_out, sgl_err *err);

/* Kolmogorov-Smirnov test of the exponential law with estimated rate.
 * Without censoring (t_max = INFINITY or nothing censored) D = sup |F_n(x) -
 * (1 - e^{-x})| of x = tau / mean(tau).  With a common censoring time t_max,
 * the escaped times are compared with the exponential truncated at t_max,
 * F(x) = (1 - e^{-kx}) / (1 - e^{-k t_max}), k = the censored MLE.  Because
 * the rate is estimated, the Kolmogorov distribution does not apply; the
 * p-value is a parametric bootstrap: n_sim replicate data sets of the same
 * size, drawn from the fitted law and censored at t_max (stream purpose
 * SGL_P_KSNULL, traj = replicate), refitted, p = (1 + #{D* >= D})/(n_sim + 1):
 * uniform under the null up to the 1/(n_sim+1) grid (exactly so without
 * censoring, where D is scale-free; approximately with censoring, where the
 * null law depends on kappa*t_max and the fitted kappa stands in for it).  p_asym is the plain
 * Kolmogorov p-value of sqrt(n) D (valid only for a known rate; shown for
 * reference).  Needs >= 2 escapes. */
typedef struct {
    double D, p_value, p_asym, kappa;
    uint32_t n_sim;
    uint64_t n_used;                 /* escapes compared */
} sgl_ks_est;
sgl_status sgl_est_ks_exp(const double *t, const int *state, size_t n, double t_max, uint32_t n_sim,
                          uint64_t seed, sgl_ks_est *out, sgl_err *err);
/* Kolmogorov survival function Q(lambda) = 2 sum_{j>=1} (-1)^{j-1} e^{-2 j^2 lambda^2}. */
double sgl_kolmogorov_q(double lambda);

/* Stationary exponent phi of p(theta) proportional to L(theta)^-phi.
 * sgl_est_phi_quadratic: exact MLE from samples L_i of a quadratic well
 * L = L* + (h/2)|z|^2 in `dim` dimensions (all samples; the normaliser is
 * proportional to L*^{dim/2-phi} Gamma(phi-dim/2)/Gamma(phi), any h),
 * se from the observed information.  sgl_est_phi_tail: Hill/Pareto MLE of the
 * density exponent alpha of L above L_min (p(L) ~ L^-alpha, alpha_hat = 1 +
 * k / sum log(L_i/L_min) over the k samples >= L_min, se = (alpha-1)/sqrt(k)),
 * converted to phi = alpha + dim/2 - 1 (the Jacobian of |z| -> L far above
 * L*). */
typedef struct {
    double phi, se;
    uint64_t n_used;
} sgl_phi_est;
sgl_status sgl_est_phi_quadratic(const double *L, size_t n, double Lstar, unsigned dim,
                                 sgl_phi_est *out, sgl_err *err);
sgl_status sgl_est_phi_tail(const double *L, size_t n, double L_min, unsigned dim,
                            sgl_phi_est *out, sgl_err *err);

/* Weighted least squares y = intercept + slope x with weights 1/sy^2 (sy:
 * known standard errors of y; NULL = unweighted, the SEs then from the
 * residual variance).  slope_se, intercept_se from (X^T W X)^-1; chi2 =
 * weighted residual sum of squares with n-2 degrees of freedom. */
typedef struct {
    double slope, slope_se, intercept, intercept_se, cov, chi2;
    size_t n, dof;
} sgl_wls_est;
sgl_status sgl_est_wls(const double *x, const double *y, const double *sy, size_t n,
                       sgl_wls_est *out, sgl_err *err);

/* Standard normal quantile (Newton on erfc; |error| < 1e-14 for p in [1e-300, 1-1e-16]). */
double sgl_normal_quantile(double p);

/* ---------------------------------------------------------------- theory
 *
 * Predictions computed without simulating (src/theory/; never uses the
 * dynamics, noise or ensemble code).  Rates are per unit GD time t = eta*k
 * unless stated; mean times are in t. */

/* A 1-D SDE dX = b(X) dt + sqrt(2 D(X)) dW (D > 0). */
typedef struct {
    double (*drift)(double x, const void *ctx);
    double (*diff)(double x, const void *ctx);     /* D(x) */
    const void *ctx;
} sgl_sde1d;

/* Exact mean first-passage time from x0 to the absorbing point c, with a
 * reflecting boundary at `reflect` on the other side of x0 or at x0 itself (+-INFINITY: none,
 * the stationary density must then be integrable there):
 *   exit to the left (c < x0):  T = int_c^x0 dy e^{Phi(y)} int_y^R e^{-Phi(z)} / D(z) dz,
 *   Phi' = -b/D (THEORY 7.3), and the mirror image for c > x0.
 * Computed in logs (e^Phi may overflow a double: log_T is always returned),
 * nested trapezoid rules refined by doubling with Richardson extrapolation
 * until the estimated relative error is below tol (>= 1e-13); an infinite
 * reflecting side is cut where the integrand has fallen by e^-50.  T may be
 * +inf when log_T > 709.  rel_err: the error estimate reached.  SGL_EINVAL:
 * bad arguments, a non-positive or non-finite D on the way, or no confinement
 * towards an infinite reflecting side. */
sgl_status sgl_theory_mfpt1d(const sgl_sde1d *sde, double x0, double c, double reflect, double tol,
                             double *T, double *log_T, double *rel_err, sgl_err *err);
/* Freidlin-Wentzell quasi-potential of the 1-D SDE from x_from to x_to in
 * units of the noise: int_{x_from}^{x_to} -b(x)/D(x) dx (= Delta V / D for
 * constant D; log E tau ~ this for the small-noise exit).  Adaptive Simpson,
 * relative tolerance tol. */
sgl_status sgl_theory_qp1d(const sgl_sde1d *sde, double x_from, double x_to, double tol, double *out,
                           sgl_err *err);

/* Kramers (1-D, constant D): kappa = sqrt(h_min |h_sad|) / (2 pi) e^{-dV/D};
 * the mean transition time is 1/kappa.  h_min > 0, h_sad < 0, D > 0. */
double sgl_theory_kramers1d(double h_min, double h_sad, double dV, double D);
/* Eyring-Kramers in n dimensions for dX = -grad V dt + sqrt(2 eps) dW:
 * E tau = 2 pi / |lambda_1(z)| sqrt(|det H_z| / det H_x) e^{dV/eps}.  H_min,
 * H_sad: symmetric n x n Hessians (row-major) at the minimum (positive
 * definite) and at an index-1 saddle; *mean_time receives E tau, *rate 1/E tau. */
sgl_status sgl_theory_eyring_kramers(size_t n, const double *H_min, const double *H_sad, double dV,
                                     double eps, double *mean_time, double *rate, sgl_err *err);
/* Arrhenius with the noise frozen at the minimum (THEORY 5.5): D = eta h* L* / B,
 * kappa = sqrt(h* |h_s|)/(2 pi) e^{-dL/D}. */
double sgl_theory_arrhenius_frozen(double h_star, double h_sad, double dL, double L_star, double eta_over_B);

/* Mori et al. (THEORY 5.4).  k0 = B/(eta h*). */
typedef struct {
    double rate;         /* kappa per unit t = eta k (transition rate) */
    double exponent;     /* k0 + 1 - n/2 (Eq. 17; 1/2 + k0 at n = 1) */
    double validity;     /* Delta U / T = k0 log(L^s/L*): the formula needs >> 1 */
    double phi;          /* stationary exponent 1 + k0 (Eq. 18) */
    double n_c;          /* critical dimension 2 (k0 + 1) (Eq. 19) */
} sgl_mori_pred;
/* Eq. 16 (n = 1: det_ratio ignored, |h_e^s| = |h_sad|, prefactor sqrt(h* |h^s|)/(2 pi))
 * and Eq. 17 (n > 1: prefactor |h_e^s|/(2 pi) sqrt(det H* / |det H^s|), det_ratio =
 * det H* / |det H^s| on the outlier subspace). */
sgl_status sgl_theory_mori(unsigned n, double h_star, double h_sad, double det_ratio, double L_star,
                           double L_sad, double B_over_eta, sgl_mori_pred *out, sgl_err *err);

/* Ornstein-Uhlenbeck (Zhu et al.; THEORY Z1): dtheta = -H theta dt + S^{1/2} dW,
 * theta(0) = 0, L = theta^T H theta / 2 with H, S symmetric n x n (H PSD, S PSD).
 * mean = E L(t) = 1/4 Tr[(I - e^{-2Ht}) S]; var = Var L(t) = 1/2 Tr(H C H C),
 * C(t) = Cov theta(t) (written to cov if not NULL, n x n). */
sgl_status sgl_theory_ou_loss(size_t n, const double *H, const double *S, double t, double *mean,
                              double *var, double *cov, sgl_err *err);

/* Geometric minimum action (Freidlin-Wentzell) for dX = b(X) dt + sqrt(eps) sigma dW,
 * a = sigma sigma^T (positive definite along the path): the quasi-potential
 * V(x_from, x_to) = min over paths of int (|phi'|_a |b|_a - <phi', b>_a) (gMAM,
 * THEORY 7.4), for low dimensions.  diff_inv writes a(x)^-1 (n x n).  nodes:
 * path nodes (>= 16); the path is relaxed by gradient descent with equal-arclength
 * reparametrisation until the action changes by less than tol relative.
 * path (optional): nodes x n. */
typedef struct {
    size_t n;
    void (*drift)(const double *x, double *b, const void *ctx);
    void (*diff_inv)(const double *x, double *a_inv, const void *ctx);
    const void *ctx;
} sgl_sde_nd;
sgl_status sgl_theory_min_action(const sgl_sde_nd *sde, const double *x_from, const double *x_to,
                                 size_t nodes, double tol, double *action, double *path, sgl_err *err);
/* ------------------------------------------------------ parameter tables
 *
 * One table per spec kind (run, limit, escape; sgl_param_table below): one
 * row per key.  name = the sweep-file key = the CLI flag without "--".  Rows
 * end with a row whose name is NULL.  src/params*.c. */
typedef enum {
    SGL_PARAM_STR, SGL_PARAM_SIZE, SGL_PARAM_U64, SGL_PARAM_U32, SGL_PARAM_DOUBLE, SGL_PARAM_ENUM, SGL_PARAM_DECAY,
    SGL_PARAM_KIND,   /* a name from an escape registry (kinds); the value is the kind's id (an int) */
    SGL_PARAM_VEC,    /* finite numbers v1,v2,...: run init, escape x0 (stored in sgl_any_spec.vec) */
    SGL_PARAM_TEXT    /* key=value pairs k1=v1,k2=v2 in a char array of the spec (plugin-param): a set adds or
                         replaces keys, kept sorted */
} sgl_param_type;
/* which run settings make a run / limit row relevant (sgl_param.use): a row
 * given while its condition is false is refused by the CLI, not ignored */
enum {
    SGL_USE_DATA = 1u << 0,    /* the model reads data (not SGL_CAP_NODATA models) */
    SGL_USE_GEN = 1u << 1,     /* generated data (not --data csv) */
    SGL_USE_CSV = 1u << 2,     /* --data csv only */
    SGL_USE_BATCH = 1u << 3,   /* the noise kind's uses_batch */
    SGL_USE_DELTA = 1u << 4,   /* uses_delta */
    SGL_USE_SIGMA = 1u << 5,   /* uses_sigma */
    SGL_USE_DECAY = 1u << 6,   /* only with lr-decay steps */
    SGL_USE_WIDTH = 1u << 7,   /* models with SGL_CAP_WIDTH */
};
/* row flags (sgl_param.flags) */
enum {
    SGL_PF_CSV_OMIT = 1u << 0,   /* canonical form: left out under data csv (the file fixes it) */
    SGL_PF_HASH = 1u << 1,       /* canonical form: followed by "data-hash" under data csv */
    SGL_PF_OPTIONAL = 1u << 2,   /* canonical form: written only when set (run init; escape: nonzero) */
    SGL_PF_NOSWEEP = 1u << 3,    /* not a sweep key (a vector a library caller or the CLI sets) */
    SGL_PF_AMS = 1u << 4,        /* escape: read (and in the canonical form) only under method ams */
    SGL_PF_TRUTH = 1u << 5,      /* canonical form: written only under data csv with a truth file given,
                                    followed by "truth-hash" */
    SGL_PF_PLUGIN = 1u << 6,     /* canonical form: followed by "plugin-hash" (model-plugin) */
    SGL_PF_EXPORT_USED = 1u << 7,   /* export: a column only when a run in the store has the key */
    SGL_PF_DYN = 1u << 8,        /* escape: read only when the chosen dynamics' .reads names it (bridge: sde,
                                    mori-tc); canonical form: written only then and when nonzero (on) */
};
struct sgl_escape_kind;
typedef struct sgl_param {
    const char *name;
    sgl_param_type type;
    size_t off;                  /* offset into the kind's spec (sgl_any_spec.u); DECAY: decay_at/n_decay */
    const char *const *choices;  /* ENUM: names, value = index ("unset" is never accepted) */
    const char *help;            /* what it is (one line) */
    const char *def;             /* the default as text, for help */
    const char *unit;            /* NULL: none */
    const char *range;           /* allowed values as text, for help (NULL: ENUM/KIND names) */
    const struct sgl_escape_kind *const *kinds;   /* KIND: the registry of its values */
    unsigned long long max;      /* integers: the largest the parser accepts (0: 2^53; U32: 2^32 - 1) */
    unsigned use;                /* run / limit rows: SGL_USE_* (escape rows: the registries' .reads say it) */
    unsigned flags;              /* SGL_PF_* */
    const char *key;             /* stored key (canonical JSON, store, records) when it is not name: escape
                                    n-dim "n", lr "eta"; run trajectories "seeds" (the run keys of earlier
                                    releases hash these bytes) */
    const char *alias;           /* a deprecated spelling the one setter also accepts (kept for one release:
                                    run/limit "seeds", escape "eta"), NULL when none */
} sgl_param;
/* the key a row has in a store and in the canonical form (key, else name) */
const char *sgl_param_stored_key(const sgl_param *p);
/* the run sweep keys: the run table (sgl_param_table(SGL_KIND_RUN)) less its SGL_PF_NOSWEEP rows (init), in
 * table order; the parameter columns of `report` and `export`.  Lookups in it: */
extern const sgl_param sgl_params[];
const sgl_param *sgl_param_lookup(const char *name, size_t len);
void sgl_param_names(char *buf, size_t len);            /* "model, noise, ..." */
const char *sgl_param_type_name(sgl_param_type t);      /* "a finite number", ... */
/* The one strict number parser.  sgl_parse_uint: plain digits exactly (64 bits), or 3e5-style when an integer
 * <= 2^53; at most max; no sign, blank, hex, inf or nan.  sgl_parse_double: the whole text a finite number.
 * Both return 0 on success, -1 (out untouched) otherwise. */
int sgl_parse_uint(const char *text, unsigned long long max, unsigned long long *out);
int sgl_parse_double(const char *text, double *out);
/* "Did you mean": the name of names[0..n) (NULL entries skipped) one or two edits from given (a typo), or NULL;
 * sgl_did_you_mean writes " (did you mean 'NAME'?)" or "" into buf. */
const char *sgl_nearest_name(const char *given, const char *const *names, size_t n);
void sgl_did_you_mean(const char *given, const char *const *names, size_t n, char *buf, size_t len);
/* Parse text strictly into a run spec (type only; ranges: sgl_spec_validate).
 * A string value stores the pointer: text must outlive s.  VEC rows need
 * sgl_any_spec_set (storage). */
sgl_status sgl_param_set(sgl_spec *s, const sgl_param *p, const char *text, sgl_err *err);
/* The full parameter set as one JSON object, keys in sgl_params order,
 * doubles %.17g (loss-a unset: null).  Returns the length it needs (like
 * snprintf); buf is always terminated. */
size_t sgl_spec_canonical(const sgl_spec *s, char *buf, size_t len);
/* A run's identity: 16 hex digits of FNV-1a 64 of the canonical form and the
 * counter layout.  Same parameters and seed, same key. */
void sgl_spec_run_key(const sgl_spec *s, char key[17]);
/* the same hash of any text: the run key of a run described by it (sgdlab escape --db) */
void sgl_text_run_key(const char *text, char key[17]);
/* GD time t = sum_{k'<k} eta_k' and slow time sum eta_k'^2 at step k */
void sgl_spec_clock(const sgl_spec *s, uint64_t k, double *t_eta, double *t_eta2);

/* ------------------------------------------------------ quoting text for other programs */

/* One escaping path for every string sgdlab writes into CSV, JSON or a gnuplot
 * script.  Each writes the quoted form of s (NULL: "") into buf, always
 * terminated when len > 0, and returns the length it needs, like snprintf.
 * csv: RFC 4180 (a field with , " CR LF or edge blanks in double quotes, " doubled);
 * json: a string with \" \\ and \u00XX for control characters, bytes that are
 * not UTF-8 as \ufffd; gnuplot: a string expression of single-quoted strings (no
 * escapes, no `command` or @macro substitution) joined by '.', each ' as "'",
 * control characters as '?'. */
size_t sgl_quote_csv(const char *s, char *buf, size_t len);
size_t sgl_quote_json(const char *s, char *buf, size_t len);
size_t sgl_quote_gnuplot(const char *s, char *buf, size_t len);
/* JSON text (valid JSON, e.g. a stored params object) as UTF-8: each byte that is not part of
 * well-formed UTF-8 (only inside strings in valid JSON) as \ufffd, the rest unchanged */
size_t sgl_quote_json_text(const char *json, char *buf, size_t len);

/* ------------------------------------------------------------- JSON writer */

/* The one JSON writer: every JSON sgdlab prints or stores (run --format jsonl,
 * the --json of limit, escape, theory and reproduce, the canonical spec text
 * of the run key) is written through it.  Streaming: begin/end object and
 * array, key, then values; commas are placed by the writer.  Strings go
 * through sgl_quote_json (control characters as \u00XX, bytes that are not
 * UTF-8 as \ufffd); doubles as %.17g (round-trips through strtod), non-finite
 * as null; 64-bit integers exactly.  Sinks: a FILE* (errors seen by ferror), a
 * growable buffer (sgl_malloc & co; out of memory is SGL_ENOMEM), or a
 * callback.  The first error sticks and later calls do nothing: check
 * sgl_json_finish once at the end.  Fields are private. */
typedef void (*sgl_json_sink)(void *ctx, const char *s, size_t n);
#define SGL_JSON_MAX_DEPTH 32
/* canonical text (the run key hashes it): bytes >= 0x80 of strings pass as
 * they are (keys of existing stores stay valid), only " \ and control
 * characters are escaped */
#define SGL_JSON_RAW_BYTES 1u
typedef struct {
    FILE *f_;
    sgl_json_sink sink_;
    void *ctx_;
    char *buf_;
    size_t len_, cap_;
    unsigned flags_;
    int depth_, keyed_, top_done_;
    unsigned char more_[SGL_JSON_MAX_DEPTH];
    unsigned char is_obj_[SGL_JSON_MAX_DEPTH];
    sgl_status st_;
} sgl_json;
void sgl_json_to_file(sgl_json *w, FILE *f);
void sgl_json_to_buffer(sgl_json *w);   /* release with sgl_json_release */
void sgl_json_to_sink(sgl_json *w, sgl_json_sink put, void *ctx, unsigned flags);
/* buffer sink: the text so far (NUL-terminated; "" when empty or failed) and its length */
const char *sgl_json_text(const sgl_json *w, size_t *len);
void sgl_json_release(sgl_json *w);
/* SGL_OK, or the first error: SGL_ENOMEM, SGL_EIO (the stream's error flag),
 * SGL_EINVAL (misuse: a value where a key is due, unbalanced or too deep
 * nesting, or, at finish, an unclosed container) */
sgl_status sgl_json_status(const sgl_json *w);
sgl_status sgl_json_finish(sgl_json *w);
void sgl_json_begin_object(sgl_json *w);
void sgl_json_end_object(sgl_json *w);
void sgl_json_begin_array(sgl_json *w);
void sgl_json_end_array(sgl_json *w);
void sgl_json_key(sgl_json *w, const char *key);
void sgl_json_string(sgl_json *w, const char *s);   /* NULL: null */
void sgl_json_double(sgl_json *w, double x);
/* x through one printf conversion of a double (e.g. "%.3f", "%.6g"); non-finite: null */
void sgl_json_double_fmt(sgl_json *w, const char *fmt, double x);
void sgl_json_int(sgl_json *w, int64_t x);
void sgl_json_uint(sgl_json *w, uint64_t x);
void sgl_json_bool(sgl_json *w, int b);
void sgl_json_null(sgl_json *w);
/* a value that is already JSON text (e.g. a stored params object), bytes that
 * are not UTF-8 as \ufffd (sgl_quote_json_text); the caller vouches it is valid */
void sgl_json_raw(sgl_json *w, const char *json);
/* key and value in one call */
void sgl_json_kstring(sgl_json *w, const char *key, const char *s);
void sgl_json_kdouble(sgl_json *w, const char *key, double x);
void sgl_json_kint(sgl_json *w, const char *key, int64_t x);
void sgl_json_kuint(sgl_json *w, const char *key, uint64_t x);
void sgl_json_kbool(sgl_json *w, const char *key, int b);

/* ------------------------------------------------- text forms of a run
 * (src/run_output.c): what `sgdlab run` prints, for any front end that
 * should write the same bytes.  The library writes only into the caller's
 * FILE; the caller checks it at its close (ferror, fclose). */

typedef enum { SGL_FMT_TABLE, SGL_FMT_CSV, SGL_FMT_JSONL } sgl_format;
/* x as %.17g (round-trip); non-finite as nan / inf / -inf, or null when json */
void sgl_print_double(FILE *f, double x, int json);
/* The plan's parameter set (model, noise, data as drawn, every setting) as
 * one JSON object, or as text: "PREFIXsgdlab VERSION (git ...)", "PREFIXparams:
 * key=value ..." and "PREFIXtime: ..." lines.  One walker: the two cannot drift. */
void sgl_plan_params_json(sgl_json *w, const sgl_plan *p);
void sgl_plan_params_text(FILE *f, const sgl_plan *p, const char *prefix);
/* The results r of plan p in format fmt: table (mean +- SE per logged step,
 * then a summary at the last step), CSV or JSON Lines (one record per
 * trajectory and logged step), each after the parameters.  SGL_ECANCELED when
 * the cancel flag (sgl_set_cancel) was raised: the output stops after a whole
 * line; else SGL_OK (write errors show at the caller's close of f). */
sgl_status sgl_results_write(FILE *f, const sgl_plan *p, const sgl_results *r, sgl_format fmt);

/* Output files replaced whole or not at all (src/outfile.c): sgl_outfile_open
 * writes a regular or new file to a unique temporary file beside it (mkstemp,
 * the old file's mode or 0666 less the umask), which sgl_outfile_commit
 * renames over it only once every write checked out, so a failure or an
 * interrupt never leaves a partial file under the name; a character device or
 * FIFO is written in place; a symbolic link is followed (its target replaced,
 * the link kept), a dangling one refused; a directory or any other kind of
 * file is refused.  open: SGL_EINVAL (a bad path; field = flag) or SGL_EIO /
 * SGL_ENOMEM.  commit: SGL_EIO with the message "cannot write FLAG 'PATH':
 * REASON" (field "").  abort: closes and removes the temporary file
 * (idempotent; commit and a failed open call it). */
typedef struct {
    FILE *f;             /* write here */
    char *path;          /* the file written (a link resolved) */
    char *tmp;           /* the temporary file; NULL: written in place */
    const char *flag;    /* the option that named the file ("--out"), for messages */
} sgl_outfile;
sgl_status sgl_outfile_open(sgl_outfile *o, const char *path, const char *flag, sgl_err *err);
sgl_status sgl_outfile_commit(sgl_outfile *o, sgl_err *err);
void sgl_outfile_abort(sgl_outfile *o);
/* fflush, ferror and fclose f (a stream closed before with nothing written,
 * e.g. stdout under >&-, is fine); SGL_EIO "cannot write WHAT: REASON" (field "") */
sgl_status sgl_file_close(FILE *f, const char *what, sgl_err *err);

/* ---------------------------------------------------------------- sweeps */

/* A sweep spec (YAML or JSON) expanded into run specs; see src/sweep.c for
 * the format.  Errors: field = "FILE:LINE:COL", msg = "key: what is allowed";
 * status SGL_EINVAL for anything wrong in the spec.  sgl_sweep_parse takes a
 * buffer (path only labels messages), so a fuzzer can drive it directly. */
typedef struct sgl_sweep sgl_sweep;
sgl_status sgl_sweep_parse(const char *buf, size_t len, const char *path, sgl_sweep **out, sgl_err *err);
sgl_status sgl_sweep_load(const char *path, sgl_sweep **out, sgl_err *err);
void sgl_sweep_free(sgl_sweep *w);
size_t sgl_sweep_size(const sgl_sweep *w);
const sgl_spec *sgl_sweep_spec(const sgl_sweep *w, size_t i);   /* run i, valid while w lives */
const char *sgl_sweep_name(const sgl_sweep *w);                 /* "" if none */
/* the keys the spec file wrote in a deprecated spelling (seeds, eta), one line each: "FILE:LINE:COL: 'seeds' is
 * deprecated (kept for one release): use 'trajectories'\n" ("" if none; the front end shows them) */
const char *sgl_sweep_deprecated(const sgl_sweep *w);
const char *sgl_sweep_text(const sgl_sweep *w);                 /* the source text */
const char *sgl_sweep_path(const sgl_sweep *w);

/* ------------------------------------------------- one run -> a record */

/* One run's results, independent of where they go (struct sgl_record, below
 * with the spec kinds). */
typedef struct sgl_record sgl_record;
sgl_status sgl_record_run(const sgl_spec *spec, int threads, sgl_record *rec, sgl_err *err);
void sgl_record_clear(sgl_record *rec);   /* frees rec->res and rec->esc; safe on a zeroed record */
/* Flat bytes for sending a record to another process (MPI) and back:
 * sgl_record_pack allocates *buf (release with sgl_record_buf_free);
 * sgl_record_unpack checks sizes and fails with SGL_EINVAL on a malformed
 * buffer. */
sgl_status sgl_record_pack(const sgl_record *rec, void **buf, size_t *len);
void sgl_record_buf_free(void *buf);
sgl_status sgl_record_unpack(const void *buf, size_t len, sgl_record *rec, sgl_err *err);

/* ----------------------------------------------------------------- store */

/* The SQLite results store (src/store.c; schema in docs/INTERNALS.md).  WAL
 * journal, synchronous=FULL; each finished run is one transaction.  A run is
 * claimed (row 'started' if new, plus a claim naming this process) before it
 * runs and set 'finished' in the transaction that writes its series, events
 * and estimates, replacing any earlier execution's rows in that same
 * transaction: a killed process never leaves half a result, never loses a
 * finished one, and resume redoes only unfinished runs.  Only a new or empty
 * regular file or an sgdlab store (schema 1 or 2; schema 1 is upgraded when
 * opened for writing) is opened; anything else is refused untouched.  A
 * read-only open of a store without a -wal file in a directory this process
 * cannot write uses SQLite's immutable=1.
 * Errors are SGL_EIO with field "--db" and a message that says what happened
 * (read-only, disk full, locked by another process, not a database, another
 * program's database, not a regular file). */
typedef struct sgl_store sgl_store;
enum { SGL_STORE_READONLY = 1u };
sgl_status sgl_store_open(const char *path, unsigned flags, int busy_ms, sgl_store **out, sgl_err *err);
sgl_status sgl_store_close(sgl_store *st, sgl_err *err);   /* NULL: no-op */
/* Group commit: results commits within every_s seconds of the last fsync go
 * to the OS without one (synchronous=NORMAL; a killed process loses nothing,
 * a power cut at most the runs of that window, which --resume redoes; the
 * store stays consistent).  0 (the default): every results commit is
 * fsynced.  sgl_store_sync (also run by sgl_store_close) fsyncs what is left. */
void sgl_store_set_sync(sgl_store *st, double every_s);
/* Group commit of runs: between sgl_store_group_begin and
 * sgl_store_group_commit the runs written (sgl_store_write_*) share one
 * transaction, so all of them finish at the commit or none does (a failure
 * rolls the group back; a killed process leaves them unfinished, and resume
 * redoes them with the same bits).  Claims stay outside (claim before
 * executing, as always). */
sgl_status sgl_store_group_begin(sgl_store *st, sgl_err *err);
sgl_status sgl_store_group_commit(sgl_store *st, sgl_err *err);
sgl_status sgl_store_sync(sgl_store *st, sgl_err *err);
sgl_status sgl_store_count_runs(sgl_store *st, int64_t *n, sgl_err *err);
/* one row in `sweeps`; *id for the runs of this sweep */
sgl_status sgl_store_add_sweep(sgl_store *st, const char *name, const char *path, const char *text,
                               int64_t *id, sgl_err *err);
typedef enum { SGL_RUN_ABSENT = 0, SGL_RUN_STARTED = 1, SGL_RUN_FINISHED = 2 } sgl_run_state;
sgl_status sgl_store_run_state(sgl_store *st, const char *key, sgl_run_state *state, sgl_err *err);
/* Generic run life cycle, for any command (run, sweep, escape, reproduce):
 * claim (or begin) the row of key, committed at once; then
 * sgl_store_txn_begin, any number of add_* calls (after sgl_store_clear_run),
 * and sgl_store_run_finish, which marks the run finished, drops the claim and
 * commits.  On an error call sgl_store_txn_rollback: a new run stays
 * 'started', a finished one keeps its earlier results. */
typedef struct {
    const char *key;          /* unique run key */
    const char *command;      /* "run", "sweep", "escape", "reproduce shape-matters", ... */
    const char *params;       /* the full parameter set, JSON */
    uint64_t seed;
    uint64_t n_traj;
    int64_t sweep_id;         /* 0: not part of a sweep */
    int64_t sweep_index;      /* position in the sweep (-1: none) */
    int threads, ranks;
} sgl_run_info;
/* A claim names its process (host, pid, start time) and carries a heartbeat
 * (refreshed by every claim and finish of that process).  It is abandoned,
 * and may be taken, when that process is gone (checked directly on this host;
 * WAL stores are only shared on one host), or, for an owner that cannot be
 * checked, when its heartbeat is older than this many seconds. */
#define SGL_STORE_CLAIM_STALE_S 600.0
typedef enum {
    SGL_CLAIM_NEW = 0,        /* taken: a new row */
    SGL_CLAIM_UNFINISHED,     /* taken: a started run without a live claim (resume) */
    SGL_CLAIM_ABANDONED,      /* taken: a started run whose claimant died */
    SGL_CLAIM_REPLACE,        /* taken: a finished run, kept as it is until this attempt finishes */
    SGL_CLAIM_FINISHED,       /* not taken (SGL_CLAIM_SKIP_FINISHED): finished, nothing written */
    SGL_CLAIM_BUSY            /* not taken: another live process holds the claim, nothing written */
} sgl_claim;
enum { SGL_CLAIM_SKIP_FINISHED = 1u };
/* *run_id > 0 iff taken (*outcome <= SGL_CLAIM_REPLACE) */
sgl_status sgl_store_run_claim(sgl_store *st, const sgl_run_info *info, unsigned flags, int64_t *run_id,
                               sgl_claim *outcome, sgl_err *err);
/* claim with flags 0; SGL_CLAIM_BUSY is an SGL_EIO error saying so */
sgl_status sgl_store_run_begin(sgl_store *st, const sgl_run_info *info, int64_t *run_id, sgl_err *err);
sgl_status sgl_store_txn_begin(sgl_store *st, sgl_err *err);
sgl_status sgl_store_txn_rollback(sgl_store *st);
/* inside a transaction: delete what an earlier, repeated or interrupted
 * execution of this run stored (series, events, estimates), before adding anew */
sgl_status sgl_store_clear_run(sgl_store *st, int64_t run_id, sgl_err *err);
/* time series point: step k and both clocks; NaN values are stored as NULL */
sgl_status sgl_store_add_series(sgl_store *st, int64_t run_id, uint32_t traj, const char *observable, uint64_t step,
                                double t_eta, double t_eta2, double value, sgl_err *err);
/* an event of one trajectory at a time in the given unit ("k", "t_eta",
 * "t_eta2" or "t" for SDE time); censored: the trajectory reached the horizon
 * without the event (time = the horizon) */
sgl_status sgl_store_add_event(sgl_store *st, int64_t run_id, uint32_t traj, const char *kind, double time,
                               const char *time_unit, int censored, double value, sgl_err *err);
typedef struct {
    const char *name;         /* observable or estimate name */
    const char *method;       /* "mean+-se over trajectories", "censored MLE", ... */
    double step;              /* step k, or NaN */
    double time;              /* time in time_unit, or NaN */
    const char *time_unit;
    double mean, se, ci_lo, ci_hi, min, max;
    uint64_t n, n_diverged, n_censored, n_nonfinite;
} sgl_estimate_row;
sgl_status sgl_store_add_estimate(sgl_store *st, int64_t run_id, const sgl_estimate_row *e, sgl_err *err);
sgl_status sgl_store_run_finish(sgl_store *st, int64_t run_id, double seconds, sgl_err *err);
/* Everything of an ensemble run in one transaction: series of every
 * observable at every logged step, divergence events, and mean +- SE at every
 * logged step; the run row ends 'finished'.  run_id from sgl_store_run_begin. */
sgl_status sgl_store_write_run(sgl_store *st, int64_t run_id, const sgl_spec *spec, const sgl_record *rec,
                               sgl_err *err);

/* ------------------------------------------------- reading a store
 *
 * `sgdlab report | export | plot` read a store only through these
 * (src/store_query.c); no SQL outside the library.  Nothing read is trusted:
 * values come back as data (sgl_value) for the caller to quote, and every
 * filter value is a bound SQL parameter.  A run's kind ("run", "limit",
 * "escape") is the runs table's `kind` column where the store has one, else
 * told from its stored parameters (an escape spec has "landscape", a limit
 * spec "kind":"limit").  Reductions run in (group, run, trajectory) order, so
 * every result is a fixed function of the store's contents.  Callbacks return
 * 0 to go on; anything else stops the walk, which then returns
 * SGL_ECANCELED with err untouched (the caller knows why it stopped). */

/* One value read from the store.  text is always set: an integer's decimal
 * text (a 64-bit key such as seed: the exact stored digits, never through a
 * double), a number's shortest text that reads back to the same double, a
 * string as stored, "null"; a non-finite number has type NULL and text "nan",
 * "inf" or "-inf"; a BOOL (export of a 0/1 flag) "true" or "false".  i / x
 * hold INT, BOOL / REAL values (x also for INT). */
typedef enum { SGL_VAL_NULL = 0, SGL_VAL_INT, SGL_VAL_REAL, SGL_VAL_TEXT, SGL_VAL_BOOL } sgl_val_type;
typedef struct {
    sgl_val_type type;
    int64_t i;
    double x;
    const char *text;
} sgl_value;

/* What to read: which runs (kind, --where filters), grouped by which keys. */
#define SGL_QUERY_MAX_KEYS 8
typedef struct {
    const char *key;        /* a parameter name: a member of the stored params JSON */
    sgl_value v;            /* INT, REAL or TEXT; a REAL matches 0.001 and 1e-3 alike */
    int either;             /* match v (REAL) or text (TEXT): a value typed by no table */
} sgl_query_filter;
typedef struct {
    const char *kind;                         /* "run" (any run with series) or "escape" */
    const char *observable;                   /* series: the observable */
    int has_step;                             /* series: use step `step`, else each run's final step */
    int64_t step;
    int all_steps;                            /* series: every step (keys[i] == NULL: the step) */
    size_t n_keys;
    const char *keys[SGL_QUERY_MAX_KEYS + 1]; /* group by these parameters (series: NULL = the step) */
    size_t n_where;
    sgl_query_filter where[SGL_QUERY_MAX_KEYS];
} sgl_query;

/* Fill f for --where KEY=TEXT: p a run parameter (TEXT parsed strictly as
 * its type, as `sgdlab run` would, and kept as the store's canonical form
 * compares it; buf keeps a string value, len >= 400), or p NULL (a key of
 * another kind: TEXT matches as a number when it is one, else as a string).
 * SGL_EINVAL names the key and what is allowed. */
sgl_status sgl_query_filter_set(sgl_query_filter *f, const sgl_param *p, const char *key, const char *text,
                                char *buf, size_t len, sgl_err *err);

/* The kind a report reads by default: "run" when a finished run has series,
 * else "escape" when a finished escape run is stored, else "run".
 * *n_other: finished runs of the other kind (0 when none). */
sgl_status sgl_store_default_kind(sgl_store *st, const char **kind, int64_t *n_other, sgl_err *err);
/* *n: finished runs whose stored parameter key has the string value text
 * (e.g. "data-draw" = "shared"). */
sgl_status sgl_store_count_param(sgl_store *st, const char *key, const char *text, int64_t *n, sgl_err *err);
/* Each distinct observable in the series, in name order. */
sgl_status sgl_store_observables(sgl_store *st, int (*fn)(void *user, const char *name), void *user,
                                 sgl_err *err);
/* The parameter names of kind's finished runs: run, limit: the run table
 * (sgl_params); escape: the members of the stored parameter JSON, in the
 * order the first run that has each stores them.  fn per name. */
sgl_status sgl_store_param_names(sgl_store *st, const char *kind, int (*fn)(void *user, const char *name),
                                 void *user, sgl_err *err);
/* fn for each of those parameters whose value differs between kind's
 * finished runs (seed left out: replicates), in sgl_store_param_names order. */
sgl_status sgl_store_varying_keys(sgl_store *st, const char *kind, int (*fn)(void *user, const char *name),
                                  void *user, sgl_err *err);

/* A report or plot request (sgdlab report|plot; any reader of a store): the
 * flags as given, checked against the store's runs of the kind and resolved
 * into q (src/store_resolve.c).  Errors: SGL_EINVAL with field = the flag
 * ("--by", "--where KEY", "--x", "--obs", ...) and what is allowed; a store
 * failure keeps its status and message.  Zero it, set the inputs, then
 * sgl_report_resolve and sgl_report_default_keys; no cleanup (nothing is
 * allocated; strings point at the inputs, the store's static names or r). */
typedef struct {
    /* as given (NULL / 0: not given) */
    const char *kind;                          /* "run" | "escape"; NULL: the store's (sgl_store_default_kind) */
    const char *obs;                           /* series: an observable (default test_error, else the first);
                                                  escape: mfpt (default) | rate */
    const char *x, *curve;                     /* plot: x axis (a numeric key, step, t_eta), one curve per curve */
    const char *by[SGL_QUERY_MAX_KEYS];        /* group keys (has_by: given, even if none) */
    size_t n_by;
    int has_by;
    const char *where[SGL_QUERY_MAX_KEYS];     /* KEY=VALUE filters */
    size_t n_where;
    int has_step;                              /* series: this step instead of each run's final one */
    int64_t step;
    /* resolved */
    sgl_query q;                               /* for sgl_store_series_groups / sgl_store_escape_groups */
    int x_clock;                               /* plot: x is step or t_eta */
    int shared;                                /* series: the store holds data-draw: shared runs */
    char obs_text[256];
    char where_text[SGL_QUERY_MAX_KEYS][400];
    char where_key[SGL_QUERY_MAX_KEYS][64];
    char key_text[SGL_QUERY_MAX_KEYS][64];
} sgl_report_req;
/* what needs no store: --by each key once; --x not t_eta2; --curve not --x */
sgl_status sgl_report_check(const sgl_report_req *r, sgl_err *err);
/* the kind, the observable, --by / --where / --x / --curve checked against the kind's keys, into q */
sgl_status sgl_report_resolve(sgl_store *st, sgl_report_req *r, sgl_err *err);
/* q's group keys: --by, or the keys that vary between the kind's finished runs (at most SGL_QUERY_MAX_KEYS) */
sgl_status sgl_report_default_keys(sgl_store *st, sgl_report_req *r, sgl_err *err);

/* Series groups: the observable's values at the chosen step of every
 * finished run, grouped by q->keys.  Each trajectory is one replicate unless
 * its run has data-draw: shared: then its trajectories share one data draw,
 * and the run's mean is the one replicate (see `shared` below). */
typedef struct {
    size_t n_keys;
    const sgl_value *key;          /* the group's values, in q->keys order */
    double mean, se;               /* over the live values, each trajectory one replicate */
    size_t n, n_diverged, n_nonfinite, n_runs;
    int64_t step_min, step_max;
    double t_eta;                  /* of the group's last row (clock plots) */
    /* data-draw: shared runs: each run's trajectories share one data draw, so
     * se over trajectories is conditional on the draws.  Over the draws: the
     * runs' means as replicates (mean_draws, se_draws of n_draws runs with a
     * live value); with no shared run these equal mean, se, n. */
    size_t n_shared_runs;
    double mean_draws, se_draws;
    size_t n_draws;
} sgl_series_group;
sgl_status sgl_store_series_groups(sgl_store *st, const sgl_query *q,
                                   int (*fn)(void *user, const sgl_series_group *g), void *user, sgl_err *err);

/* Escape groups: the first-passage events of every finished escape run
 * (method ams: see sgl_escape_group.ams),
 * pooled over the group's runs (trajectory i of every run one observation,
 * escaped at its time or censored at its t_max; diverged ones only counted)
 * into the censored exponential MLE of the rate (sgl_est_rate, level given).
 * The MFPT is its inverse 1/kappa = exposure / escapes (the MLE of the mean
 * under the exponential law the pooling assumes), SE by the delta method
 * (mfpt / sqrt(escapes)), CI the rate's likelihood-ratio interval inverted
 * (exact under the reparametrisation); with no escape: mfpt = +inf, CI
 * [1/ci_hi, +inf].  Events of different time units are not pooled: unit
 * "mixed" and every estimate NaN. */
typedef struct {
    size_t n_keys;
    const sgl_value *key;
    const char *time_unit;         /* "t", "t_eta", or "mixed" */
    sgl_rate_est rate;             /* value, se, ci_lo, ci_hi, exposure, n, escaped, censored, diverged */
    double mfpt, mfpt_se, mfpt_ci_lo, mfpt_ci_hi;
    size_t n_runs;
    /* non-NULL: a group of method-ams runs (after the direct runs' groups; never pooled with them): their
     * splitting runs pooled (sgl_ams_pool; 95 % CI); mfpt and rate from it, rate.n the splitting runs,
     * rate.escaped those that reached the event, time unit t */
    const struct sgl_ams_result *ams;
} sgl_escape_group;
sgl_status sgl_store_escape_groups(sgl_store *st, const sgl_query *q, double level,
                                   int (*fn)(void *user, const sgl_escape_group *g), void *user, sgl_err *err);

/* The report (src/report_write.c): the groups of a resolved request (sgl_report_req, default keys set) written to
 * f as a table (with '#' comment lines saying what the numbers are; db names the store there), CSV (header line)
 * or JSON Lines (one object per group: the keys, then "observable" or "estimate", then the columns).  Series: mean,
 * se (data-draw shared groups over the runs' means; then also replicate, n_replicates, se_traj), runs, n,
 * n_diverged, n_nonfinite, step_min, step_max; escape: mfpt, mfpt_se, mfpt_ci_lo/hi, rate, rate_se, rate_ci_lo/hi,
 * level (0.95), runs, n, escaped, censored, n_diverged, time_unit.  A failed write or quote: field "output". */
typedef enum { SGL_REPORT_TABLE, SGL_REPORT_CSV, SGL_REPORT_JSONL } sgl_report_format;
sgl_status sgl_report_write(sgl_store *st, const sgl_report_req *r, sgl_report_format fmt, const char *db, FILE *f,
                            sgl_err *err);

/* Plot data (src/plot_data.c): the groups of a resolved plot request (r->x set) as curves of points, one curve per
 * value of --curve (one curve "all" without it; at most SGL_PLOT_MAX_CURVES, later ones dropped), x the last key.
 * fn gets every group, in order: a point, or a gap and why.  c: per curve its title (the curve key's value) and
 * counts, the points drawn, the escape groups' time unit ("mixed" when they differ); sgl_plot_curves_clear frees. */
#define SGL_PLOT_MAX_CURVES 64
typedef struct {
    int n_curves;
    char *title[SGL_PLOT_MAX_CURVES];
    unsigned long long n_live[SGL_PLOT_MAX_CURVES];   /* series: live trajectories; escape: escaped */
    unsigned long long n_cens[SGL_PLOT_MAX_CURVES];   /* escape: censored */
    unsigned long long n_div[SGL_PLOT_MAX_CURVES];    /* diverged (series: and non-finite) */
    unsigned long long n_ams[SGL_PLOT_MAX_CURVES];    /* escape: splitting runs of method ams groups (not in n_live) */
    size_t n_points;
    char unit[16];
    int64_t step_min, step_max;   /* series: the steps the points are at (x a parameter: each run's final or --step) */
} sgl_plot_curves;
typedef enum {
    SGL_PLOT_POINT,          /* drawn */
    SGL_PLOT_X_NOT_NUMBER,   /* the x key's stored value is not a number */
    SGL_PLOT_NO_LIVE,        /* series: no live trajectory */
    SGL_PLOT_NO_ESTIMATE     /* escape: no finite estimate and CI (on a log y axis: none > 0) */
} sgl_plot_what;
typedef struct {
    sgl_plot_what what;
    int curve, new_curve;               /* the curve's index; 1 on its first group */
    const sgl_value *x;                 /* the x key's value (a clock x: the step) */
    double t_eta;                       /* series: the group's GD time (x = t_eta) */
    double y, lo, hi;                   /* series: mean, SE (0 when not finite); escape: MFPT or rate, its CI */
    const sgl_series_group *series;     /* the group (one of the two) */
    const sgl_escape_group *escape;
} sgl_plot_point;
sgl_status sgl_plot_data(sgl_store *st, const sgl_report_req *r, int logy, sgl_plot_curves *c,
                         int (*fn)(void *user, const sgl_plot_point *p), void *user, sgl_err *err);
void sgl_plot_curves_clear(sgl_plot_curves *c);
/* The words of a plot of r (after sgl_plot_data filled c): a title saying what is drawn (estimate and uncertainty,
 * at which step), what was selected (--where as given) and the keys pooled over (a point holds runs of several of
 * its values: one more group by curve, x and the key than by curve and x); axis labels with quantity and unit from the parameter tables and the
 * observables' docs; a legend entry per curve with its trajectory counts (diverged, censored).  Plain text (the
 * caller quotes it); cut, never overflowed. */
typedef struct {
    char title[512];       /* what is drawn */
    char selection[1024];  /* "only KEY=VALUE, ...; pooled over KEY, ..." ("" when neither) */
    char xlabel[256], ylabel[256];
    char legend[SGL_PLOT_MAX_CURVES][256];
} sgl_plot_text;
sgl_status sgl_plot_words(sgl_store *st, const sgl_report_req *r, const sgl_plot_curves *c, sgl_plot_text *t,
                          sgl_err *err);

/* Export: every row of table "series", "runs", "estimates" or "events" (of
 * finished runs; runs: all) in run order, of the runs of one kind (kind
 * "run", "limit", "escape") or all (NULL).  fn gets one header row first
 * (names only, values NULL), then each row: the run key, the stored params
 * JSON (a JSON string's text when the store holds something else), the run's
 * kind, the parameter columns, then the table's own columns.  Parameter
 * columns: the run table's (sgl_params) for runs of kind run and limit, the
 * stored keys of the escape runs (landscape, n, L0, B-over-eta, t-max, ...)
 * for escape runs, each only when such runs are selected; when both are
 * (mixed), each is filled only for its kind and an escape key a run key
 * already names is called "escape.KEY" (the escape dimension n is not the
 * samples column n).  Names are unique in CSV (col_csv): an own column a
 * parameter column also names is left out in `runs` of one kind (seed,
 * counter_layout: the same value) and called "TABLE.NAME" otherwise
 * (estimates.n, a count; runs.seed when mixed).
 * A 0/1 flag (events.censored) comes as SGL_VAL_BOOL. */
typedef struct {
    int header;                    /* 1: only the names (and type, mixed) are set */
    const char *type;              /* the record type: "series", "run", "estimate", "event" */
    int mixed;                     /* run and escape runs both selected */
    const char *run_key;
    const char *params_json;
    const char *kind;              /* the run's kind */
    size_t n_params, n_cols;
    const char *const *param_name; /* n_params: unique column names */
    const sgl_value *param;        /* n_params: NULL where the parameter is not the run's kind's */
    const char *const *col_name;   /* n_cols: the table's own columns (JSON keys) */
    const char *const *col_csv;    /* n_cols: their CSV names; NULL: left out of CSV */
    const sgl_value *col;          /* n_cols */
} sgl_export_row;
sgl_status sgl_store_export(sgl_store *st, const char *table, const char *kind,
                            int (*fn)(void *user, const sgl_export_row *row), void *user, sgl_err *err);


/* ================================================================= escape
 *
 * Monte-Carlo first passage out of a minimum (issue 5, src/escape/).
 *
 * Landscapes: a registry of low-dimensional losses with analytic value,
 * gradient and Hessian and their known critical points.  All take the
 * parameters below; k is the sharpness reparametrisation theta -> sqrt(k)
 * theta (Hessian x k, barrier unchanged). */
#define SGL_ESC_MAX_DIM 16
typedef struct {
    double L0;      /* loss at the minimum (Mori noise needs L0 > 0) */
    double a;       /* well depth / scale */
    double h;       /* quadratic curvature (quadratic) */
    double q;       /* quadratic: curvature ratio, h_i = h q^i (1: isotropic) */
    double k;       /* sharpness (0 is read as 1) */
    unsigned n;     /* dimension */
    uint32_t n_data;     /* data landscapes (linreg): samples N (0 = 1000) */
    uint64_t data_seed;  /* data landscapes: Philox key of the data (the engine sets the spec's seed) */
    double stats[8];     /* data landscapes: statistics of the data, filled by .prepare (not set by callers) */
} sgl_landscape_params;

typedef struct sgl_landscape_type {
    const char *name;          /* --landscape value, shown by `sgdlab list` */
    const char *doc;
    const char *reads;         /* the landscape parameters it reads, spec keys separated by spaces ("a", "h h-ratio") */
    int has_saddle;            /* index-1 saddle and a next minimum exist */
    unsigned max_dim;          /* n allowed: 1..max_dim (1 only: 1) */
    double (*value)(const sgl_landscape_params *p, const double *x);
    void (*grad)(const sgl_landscape_params *p, const double *x, double *g);
    /* Hessian, n x n row-major */
    void (*hess)(const sgl_landscape_params *p, const double *x, double *H);
    /* x_min: the minimum escaped from; x_sad, x_next (has_saddle only): the
     * index-1 saddle on the escape path and the minimum beyond it.  The
     * escape direction is coordinate 0 (sign of x_sad[0] - x_min[0]). */
    void (*critical)(const sgl_landscape_params *p, double *x_min, double *x_sad, double *x_next);
    /* data landscapes only (NULL otherwise).  check: its own fields; prepare:
     * draw the data (key p->data_seed) and fill p->stats before any other
     * hook runs; sample_grad: gradient of sample i's loss (true minibatch
     * SGD); grad_var: the variance over the samples of each coordinate of
     * the per-sample gradient at x (the exact minibatch covariance's diagonal
     * times B). */
    sgl_status (*check)(const sgl_landscape_params *p, sgl_err *err);
    void (*prepare)(sgl_landscape_params *p);
    void (*sample_grad)(const sgl_landscape_params *p, uint32_t i, const double *x, double *g);
    void (*grad_var)(const sgl_landscape_params *p, const double *x, double *v);
} sgl_landscape_type;
extern const sgl_landscape_type *const sgl_landscapes[];   /* NULL-terminated */
const sgl_landscape_type *sgl_landscape_lookup(const char *name);

/* Noise of the escape dynamics, written as the diffusion D(theta) of the
 * SDE dtheta = -grad L dt + sqrt(2 D) dW (discrete SGD: theta <- theta -
 * eta grad L + eta xi with Cov xi = Sigma = 2 D / eta):
 *   isotropic   D = spec.D (GLD; per-step std sqrt(2 D eta))
 *   mori        Sigma = (2 L(theta) / B) H*, i.e. D = L(theta) H* / (B/eta)
 *   xie         Sigma = H(theta)^+ / B (PSD part), D = H^+ / (2 B/eta)
 *   xie-frozen  Sigma = H* / B, D = H* / (2 B/eta) (constant, anisotropic)
 *   data        data landscapes: Sigma = the exact covariance of a minibatch of
 *               B = batch samples drawn without replacement, (N - B) / (N - 1)
 *               Var_i[grad l_i(theta)] / B (diagonal), D = eta Sigma / 2
 * H* = Hessian at the minimum; every landscape here is separable, so D is
 * diagonal. */
typedef enum { SGL_ESC_ISOTROPIC = 0, SGL_ESC_MORI = 1, SGL_ESC_XIE = 2, SGL_ESC_XIE_FROZEN = 3,
               SGL_ESC_DATA = 4 } sgl_escape_noise;
/* sgd: theta <- theta - eta grad L + eta xi, time t = eta k.
 * sde: Euler-Maruyama with step dt (default eta), noise at the start of the
 *      step, t = dt k; dt = eta gives the sgd trajectory bit for bit.
 * mori-tc: Mori's time-changed SDE (Eq. 15) in tau with step dtau = dt
 *      (default eta L*): dtheta = -grad log L dtau + sqrt(2 H* / (B/eta)) dW,
 *      t += dtau / L(theta) at the start of each step (mori noise only).
 * minibatch: true minibatch SGD on a data landscape, theta <- theta - (eta /
 *      B) sum_{i in batch} grad l_i(theta), t = eta k; the batch: B = batch
 *      distinct indices from Philox (seed, traj, step k, SGL_P_BATCH) (noise
 *      data only: its Gaussian version). */
typedef enum { SGL_ESC_SGD = 0, SGL_ESC_SDE = 1, SGL_ESC_MORI_TC = 2, SGL_ESC_MINIBATCH = 3 } sgl_escape_dynamics;
/* hyperplane: theta_0 past x_sad[0] + offset * w in the escape direction,
 *      w = sqrt(D_0(x_sad) / |H_00(x_sad)|) the noise width at the saddle
 *      (D of xie: its frozen value); offset 0 = the saddle itself.
 * next-min: theta_0 reaches the next minimum's coordinate (transition).
 * loss: L(theta) >= c L*.   ball: |theta - theta*| >= r.
 * none: no event; every trajectory runs to t_max (censored) - stationary
 *      samples through results->L and ->x. */
typedef enum { SGL_ESC_EV_HYPERPLANE = 0, SGL_ESC_EV_NEXT_MIN = 1, SGL_ESC_EV_LOSS = 2, SGL_ESC_EV_BALL = 3,
               SGL_ESC_EV_NONE = 4 } sgl_escape_event;
/* The Brownian-bridge exit check (bridge = 1, dynamics sde and mori-tc,
 * events hyperplane, next-min, loss, ball; docs/THEORY.md 8.3): checking
 * the event only at grid times misses the excursions across the boundary
 * between them and biases exit times by O(sqrt(dt)).  After a step from x0
 * to x1 that ends inside, with F the event's distance to the boundary
 * (positive inside, linearised at x0: hyperplane dir (x_exit - theta_0), loss
 * c L* - L, ball r - |theta - theta*|) and v_i = 2 D_i(x0) dt the step's
 * noise variance per coordinate, the Brownian bridge crossed F = 0 with
 * probability p = exp(-2 F(x0) F(x1) / sum_i (dF/dx_i)^2 v_i); the exit is
 * taken at the end of that step with probability p, from the uniform u of
 * Philox (seed, counter {k low, k high, traj, SGL_P_BRIDGE << 24 | purpose
 * of the step's normals}) (k = the step's stream counter): u < p.  x and L
 * of such an exit are the state x1 (inside the boundary).  bridge = 0: the
 * grid check alone (dt = eta then gives the sgd trajectory bit for bit). */
extern const char *const sgl_escape_bridge_names[];   /* "off", "on", NULL */
/* min: start at theta* (or x0).  burn-in: run the dynamics for burn_in (t
 * units) from theta* first, restarting from theta* whenever the event
 * happens, so the start is quasi-stationary conditioned on no exit. */
typedef enum { SGL_ESC_START_MIN = 0, SGL_ESC_START_BURN_IN = 1 } sgl_escape_start;

/* The registries of the kinds above (src/escape/noise.c, dynamics.c,
 * events.c, registry.c; each entry is the public part of a type that also
 * carries the kind's arithmetic, src/escape/escape.h), NULL-terminated,
 * in enum order (sgl_escape_noises[SGL_ESC_MORI]->name is "mori"): name = the
 * CLI value, doc (`sgdlab list`), reads = the spec keys the kind reads,
 * separated by spaces (a flag the chosen kind does not read is refused). */
typedef struct sgl_escape_kind {
    int id;                    /* the enum value, = index in its registry */
    const char *name;
    const char *doc;
    const char *reads;
} sgl_escape_kind;
extern const sgl_escape_kind *const sgl_escape_noises[];
extern const sgl_escape_kind *const sgl_escape_dynamics_kinds[];
extern const sgl_escape_kind *const sgl_escape_events[];
extern const sgl_escape_kind *const sgl_escape_starts[];
const sgl_escape_kind *sgl_escape_kind_find(const sgl_escape_kind *const *reg, const char *name);
/* the names of a registry joined by sep into buf (truncated to len) */
void sgl_escape_kind_names(const sgl_escape_kind *const *reg, const char *sep, char *buf, size_t len);
/* does a reads list ("D", "h h-ratio") contain the spec key? */
int sgl_escape_reads(const char *reads, const char *key);

/* How an escape spec is estimated: direct (every trajectory simulated to its
 * first passage, sgl_escape_run) or ams (adaptive multilevel splitting,
 * sgl_escape_ams below, with the options in sgl_escape_spec.ams). */
typedef enum { SGL_ESC_METHOD_DIRECT = 0, SGL_ESC_METHOD_AMS = 1 } sgl_escape_method;
extern const char *const sgl_escape_method_names[];   /* "direct", "ams", NULL */
/* splitting options (spec keys replicas, kill, ams-runs, ams-cycles, ams-z-a, ams-z-sigma) */
typedef struct {
    uint32_t replicas;   /* N (default 100) */
    uint32_t kill;       /* k: kill all replicas at or below the k-th lowest score (default 1) */
    uint32_t runs;       /* K independent runs pooled (default 8) */
    uint32_t cycles;     /* loops per walker before its entrance point is taken (default 2) */
    double z_A;          /* return level; NaN (default): automatic, the median of xi near the minimum */
    double z_sigma;      /* start level; NaN (default): automatic, the 90 % quantile of xi there */
    int coordinate;      /* the reaction coordinate xi (sgl_ams_coordinate_names): 0 (default) the event's own */
} sgl_ams_opts;
/* "event" (the exit event's: hyperplane / next-min theta_1's progress to the exit, loss (L - L*)/((c - 1) L*),
 * ball |theta - theta*| / r), "loss" ((L - L*)/(L_ref - L*), L_ref = L at the saddle, c L*, or L* + h r^2/2
 * for ball), "distance" (|theta - theta*| / d_ref, d_ref = |x_exit - theta*_1|, r, or sqrt(2 (c - 1) L* / h));
 * h the curvature at theta* along theta_1.  Only the event decides an escape; xi orders the replicas. */
extern const char *const sgl_ams_coordinate_names[];
void sgl_ams_opts_default(sgl_ams_opts *o);

typedef struct {
    const char *landscape;          /* registry name */
    sgl_landscape_params lp;
    sgl_escape_noise noise;
    double D;                       /* isotropic */
    double B_over_eta;              /* mori, xie, xie-frozen */
    uint32_t batch;                 /* data noise, minibatch dynamics: batch size B (0 = 1) */
    double eta;                     /* learning rate: sgd step, t = eta k; default SDE step */
    sgl_escape_dynamics dynamics;
    double dt;                      /* sde: step in t; mori-tc: step in tau; 0 = default */
    int bridge;                     /* sde, mori-tc: Brownian-bridge exit check between grid points (1 = on,
                                       the default; see above); in the canonical form only when on there */
    sgl_escape_event event;
    double offset, c, r;            /* hyperplane, loss, ball */
    sgl_escape_start start;
    double burn_in;                 /* burn-in length in t (start burn-in) */
    const double *x0;               /* start point (n values) or NULL = theta* */
    uint32_t trajectories;          /* M */
    double t_max;                   /* censoring horizon in t */
    uint64_t seed;
    int threads;                    /* 0: all OpenMP threads; results do not depend on it */
    unsigned lanes;                 /* trajectories advanced together (0 = the vector width); results do not depend on it */
    sgl_escape_method method;       /* direct (default) or ams; the canonical form has the ams keys only under ams */
    sgl_ams_opts ams;
    /* a landscape plugin (include/sgdlab_plugin.h) instead of a registry landscape: its path (NULL or "": none)
     * and the FNV-1a 64 of its bytes, set by sgl_escape_spec_resolve_plugin with landscape = its registered
     * name NAME@HASH8 */
    const char *landscape_plugin;
    uint64_t landscape_hash;
} sgl_escape_spec;
/* Load the spec's landscape plugin (kept for the process) and set landscape and landscape_hash; nothing
 * without one.  Errors name --landscape-plugin (no file, not loadable, no symbol, wrong ABI version or
 * struct size, a missing slot). */
sgl_status sgl_escape_spec_resolve_plugin(sgl_escape_spec *s, sgl_err *err);
/* Register a landscape plugin made in this process (sgdlab.Landscape's Python callbacks) under id, a name
 * without '/' that a spec's landscape_plugin then names instead of a file, with its content hash (nonzero:
 * it enters the run key as a file's does).  api must stay valid for the process; an id registered again
 * with the same hash keeps the first api, with another hash is refused. */
struct sgl_landscape_plugin;
sgl_status sgl_landscape_plugin_register(const char *id, uint64_t hash, const struct sgl_landscape_plugin *api,
                                         sgl_err *err);

void sgl_escape_spec_default(sgl_escape_spec *s);
/* Every field checked; err names the field (spec key = CLI flag without
 * "--": landscape, noise, L0, ...) and the allowed values.  SGL_ECAPS: a
 * noise kind or dynamics the landscape or noise cannot supply. */
sgl_status sgl_escape_spec_validate(const sgl_escape_spec *s, sgl_err *err);
/* The field checks of sgl_escape_spec_validate that evaluate no landscape
 * (names, ranges, which noise / dynamics / event / landscape combine); the
 * rest (the exit point before the next minimum, the start inside the basin,
 * t_max against the step) needs the landscape's critical points. */
sgl_status sgl_escape_spec_check(const sgl_escape_spec *s, sgl_err *err);

/* Derived quantities of a valid spec: critical points, losses, the step, the
 * exit threshold.  dir: +1 or -1, the escape direction along coordinate 0. */
typedef struct {
    double x_min[SGL_ESC_MAX_DIM], x_sad[SGL_ESC_MAX_DIM], x_next[SGL_ESC_MAX_DIM];
    double L_min, L_sad, h_min0, h_sad0;  /* L, H_00 at the minimum and saddle (NaN without one) */
    double hstar[SGL_ESC_MAX_DIM];        /* diag of H* */
    double step;                          /* integrator step (t, or tau for mori-tc) */
    double x_exit;                        /* hyperplane / next-min threshold on coordinate 0 (0 for other events) */
    int dir;
    uint64_t k_max;                       /* sgd/sde: steps to t_max */
} sgl_escape_info;
sgl_status sgl_escape_describe(const sgl_escape_spec *s, sgl_escape_info *info, sgl_err *err);

/* Per-trajectory results, index = trajectory id.  t: first-passage time in
 * t (= eta k for sgd, SDE time for sde and mori-tc), t_max when censored;
 * steps: integrator steps taken (sgd: k); state: SGL_FP_ESCAPED /
 * SGL_FP_CENSORED / SGL_FP_DIVERGED (NaN/Inf or |theta_i| > 1e60: never
 * averaged); L, x (n values per trajectory): the state at exit or censoring. */
typedef struct sgl_escape_results {
    size_t M;
    unsigned n;
    double *t;
    uint64_t *steps;
    int *state;
    double *L;
    double *x;
    uint64_t escaped, censored, diverged;
    double traj_steps;    /* integrator steps over all trajectories (burn-in included) */
    double seconds;
} sgl_escape_results;
sgl_status sgl_escape_results_alloc(const sgl_escape_spec *s, sgl_escape_results **out, sgl_err *err);
void sgl_escape_results_free(sgl_escape_results *r);
/* Validates, then runs M trajectories.  Trajectory i's noise is Philox
 * (seed, traj = i, purpose SGL_P_ESCAPE; burn-in SGL_P_ESCBURN): normal
 * number for step k, coordinate j is Box-Muller pair p = (k/2) n + j (counter
 * c0 = p low, c1 = p high), the cos output for even k and the sin output for
 * odd k.  So results are bitwise independent of threads, lanes and ISA. */
sgl_status sgl_escape_run(const sgl_escape_spec *s, sgl_escape_results *res, sgl_err *err);

/* Stationary samples (event none, src/escape/stationary.c): the states at
 * t_max of the trajectories that did not diverge, summarised: mean, SE,
 * quantiles (levels sgl_stationary_q; linear between the order statistics at
 * (n - 1) p) and maximum of L and of |theta - theta*|; the exponent phi of
 * P ~ L^-phi from the tail (Hill MLE above the 90 % quantile of L,
 * sgl_est_phi_tail) and, on the quadratic landscape, the exact quadratic-well
 * MLE (sgl_est_phi_quadratic; n_used 0 where it does not exist, n >= n_c);
 * the closed form (Mori noise with one curvature h* in every direction)
 * phi = 1 + (B/eta)/h* and, on the quadratic (L ~ |theta|^2), the critical
 * dimension n_c = 2 phi: L^-phi is normalisable iff n < n_c (THEORY 5.3);
 * NaN where none applies. */
#define SGL_STAT_NQ 5
extern const double sgl_stationary_q[SGL_STAT_NQ];   /* 0.05, 0.25, 0.5, 0.75, 0.95 */
typedef struct {
    double mean, se, q[SGL_STAT_NQ], max;
} sgl_sample_summary;
typedef struct {
    uint64_t n, diverged;                /* samples used; diverged trajectories left out */
    sgl_sample_summary L, dist;          /* L(theta), |theta - theta*| */
    sgl_phi_est phi_tail, phi_quad;      /* n_used 0: not available */
    double phi_theory, n_c;
} sgl_escape_stationary;
sgl_status sgl_escape_stationary_summary(const sgl_escape_spec *s, const sgl_escape_results *r,
                                         sgl_escape_stationary *out, sgl_err *err);

/* ----------------------------------------- rare escapes: adaptive multilevel splitting
 * (src/escape/ams.c).  The generalized AMS of Brehier, Lelievre and Rousset
 * on the escape engine's own dynamics, with the mean first-passage time
 * assembled as Cerou, Guyader, Lelievre and Pommier do:
 *   E[tau] = E[T_first] + (1 - p) / p * E[T_loop] + E[T_reactive]
 * xi is the event's reaction coordinate (0 at theta*, 1 on the exit
 * boundary); A = {xi <= z_A} is the minimum's neighbourhood and Sigma =
 * {xi >= z_sigma} the level where excursions start (both automatic by
 * default: quantiles of xi sampled near the minimum).  Per run: `replicas`
 * walkers run from the start point to Sigma (T_first), then `cycles` loops
 * Sigma -> A -> Sigma (T_loop: time between successive entrances into
 * Sigma); their last entrance points start the N replicas, each run until
 * it returns to A or the event happens.  While the k-th lowest score (the
 * highest xi a replica reached; +inf once it escaped) is below +inf, every
 * replica at or below it is killed and restarted as a clone of a uniformly
 * chosen survivor, branched at the survivor's first state above that level;
 * p_run = prod_j (1 - K_j / N) * (escaped / N) is unbiased.  T_reactive is
 * the mean time from Sigma to the event of the final escaped replicas.
 * `runs` independent runs are pooled (p: their mean; SEs: across runs; CIs:
 * log-normal with Student t quantiles), so runs >= 2 for an uncertainty.
 * Time is t (as sgl_escape_run); the spec's t_max caps each loop segment
 * and each replica excursion (a capped replica counts as returned; the
 * count is reported).  Random numbers: walkers SGL_P_AMSLOOP, replicas
 * SGL_P_AMS (each lineage its own stream), survivor choice SGL_P_AMSPICK;
 * runs are spread over threads: bitwise the same for any thread count. */
typedef struct sgl_ams_result {
    double p, p_se, p_ci[2];               /* P(event before A | start on Sigma) */
    double t_first, t_first_se;            /* mean time start -> Sigma */
    double t_loop, t_loop_se;              /* mean time between entrances into Sigma */
    double t_reactive, t_reactive_se;      /* mean time Sigma -> event of the escaped replicas */
    double mfpt, mfpt_se, mfpt_ci[2];      /* t units; CI level 0.95 */
    double rate, rate_se, rate_ci[2];      /* 1 / mfpt */
    uint32_t runs, extinct;                /* runs pooled; runs where every replica returned (p_run = 0) */
    uint64_t iterations;                   /* killing iterations, all runs */
    uint64_t clones;                       /* replicas restarted from a survivor, all runs */
    uint64_t evaluations;                  /* dynamics steps (one gradient each), all phases and runs */
    uint64_t capped;                       /* replica excursions stopped at t_max */
    uint64_t direct_escapes;               /* walkers that escaped during the loop phase (event not rare) */
    double z_A, z_sigma;                   /* the levels used */
    double seconds;
} sgl_ams_result;
/* Estimate the MFPT of spec s (start min or x0; an event other than none) by
 * splitting.  Bad options fail with SGL_EINVAL naming the key
 * (replicas, kill, runs, cycles, ams-z-a, ams-z-sigma). */
sgl_status sgl_escape_ams(const sgl_escape_spec *s, const sgl_ams_opts *o, sgl_ams_result *r, sgl_err *err);
/* One of the `runs` independent splitting runs: its estimates (t_reactive NaN
 * when no replica escaped) and counts.  sgl_escape_ams_runs also returns them
 * (runs: o->runs entries, or NULL); sgl_ams_pool pools K of them into r (the
 * estimates, SEs and CIs of sgl_escape_ams; the counts are added to r's), as
 * sgl_escape_ams does and as a report pools the stored runs of a group. */
typedef struct {
    double p, t_first, t_loop, t_reactive;
    uint64_t iterations, clones, evaluations, capped, direct_escapes;
    int extinct;
} sgl_ams_run;
sgl_status sgl_escape_ams_runs(const sgl_escape_spec *s, const sgl_ams_opts *o, sgl_ams_result *r, sgl_ams_run *runs,
                               sgl_err *err);
void sgl_ams_pool(const sgl_ams_run *runs, size_t K, sgl_ams_result *r);
/* An escape run as a record (sgl_record above): sgl_escape_run with
 * s->threads, then the rate and MFPT estimates at level 0.95 (bootstrap: 1000
 * resamples, key s->seed); under method ams sgl_escape_ams_runs instead (ams,
 * ams_run).  rec->key stays "" (the caller sets the run key). */
sgl_status sgl_record_escape(const sgl_escape_spec *s, sgl_record *rec, sgl_err *err);
/* Everything of an escape run (sgl_record_escape) in one transaction: every
 * trajectory's first passage or censoring as an event ("first_passage", or
 * "diverged"; time unit "t_eta" for sgd dynamics, else "t"), the MFPT and
 * rate estimates; the run row ends 'finished'.  Method ams: per splitting run
 * k the events "ams_p" (value p), "ams_t_first", "ams_t_loop",
 * "ams_t_reactive" (time in t; NULL without an escape) with traj = k; the
 * estimates p, t_first, t_loop, t_reactive, mfpt, rate (mean, se, 95 % CI;
 * n = runs) and the diagnostics replicas, kill, runs, cycles, iterations,
 * clones, evaluations, extinct_runs, capped, direct_escapes, z_A, z_sigma
 * (mean = the value). */
sgl_status sgl_store_write_escape(sgl_store *st, int64_t run_id, const sgl_escape_spec *s, const sgl_record *rec,
                                  sgl_err *err);

/* ============================================================ end escape */
/* Every prediction that applies to one escape problem (src/theory/escape.c).
 * The problem is described by its formulas, not by the simulator: */
typedef enum {
    SGL_TL_DOUBLEWELL = 0,   /* L = L0 + a (theta^2 - 1)^2, 1-D; minimum +1, saddle 0 */
    SGL_TL_MORI_ND = 1,      /* L = L0 + a (z1^2 - 1)^2 + (h* / 2) sum_{i>=2} z_i^2, h* = 8a, n dims */
    SGL_TL_QUADRATIC = 2,    /* L = L0 + (h/2) |theta|^2, n dims (Mori M1/M2; no barrier) */
    SGL_TL_STYBLINSKI = 3    /* L = L0 + (a/n) sum_i [g(theta_i) - g_min], g(u) = u^4 - 16u^2 + 5u: escape of
                                coordinate 0 from the global minimum -2.9035 over the saddle 0.1567 (THEORY 7.5) */
} sgl_theory_landscape;
typedef enum {
    SGL_TN_ISOTROPIC = 0,    /* GLD: D constant */
    SGL_TN_MORI = 1,         /* D(theta) = (eta/B) h* L(theta) (Sigma = (2L/B) H*) */
    SGL_TN_XIE = 2,          /* SGD-type (Xie et al.) Sigma = H(theta*)/B: D = eta h* / (2B), the Hessian
                                frozen at the minimum (a state-dependent H(theta) vanishes at the
                                inflection points and leaves no 1-D escape path) */
    SGL_TN_DATA = 3          /* quadratic only: exact Gaussian-data regression noise D = eta (2 theta^2 + 1)/(2B) (M2) */
} sgl_theory_noise;
typedef enum {
    SGL_TE_HYPERPLANE = 0,   /* first passage to theta_1 <= x_exit (doublewell, mori-nd; start 1/sqrt k) */
    SGL_TE_LOSS_RATIO = 1,   /* first passage to L >= c L* (quadratic) */
    SGL_TE_BALL = 2,         /* first passage to |theta - theta*| >= r */
    SGL_TE_NONE = 3          /* no event: stationary predictions only (phi, n_c) */
} sgl_theory_event;
typedef struct {
    sgl_theory_landscape landscape;
    double L0, a, h;         /* h: quadratic curvature */
    double k;                /* sharpness: theta -> sqrt(k) theta (Hessian x k, barrier unchanged); 0 = 1 */
    unsigned n;              /* dimension (outlier directions) */
    sgl_theory_noise noise;
    double D;                /* isotropic */
    double B_over_eta;       /* mori, xie, data */
    double eta;              /* > 0: also give times in steps k = t / eta; NaN: t only */
    sgl_theory_event event;
    double x_exit, c, r;
} sgl_theory_problem;

typedef struct {
    char name[40];
    double value;
    char unit[24];           /* "t = eta k", "steps k", "1/t", "" */
    char note[200];          /* what it is and when it holds */
} sgl_prediction;

/* The escape geometry of a well landscape (not quadratic) along coordinate 0,
 * with the sharpness k applied: minimum, saddle, next minimum, direction of
 * escape (+1 or -1), h* = L'' at the minimum and h^s at the saddle, L there. */
typedef struct {
    double x_min, x_sad, x_next, h_min, h_sad, L_min, L_sad;
    int dir;
} sgl_theory_geometry;
sgl_status sgl_theory_well_geometry(const sgl_theory_problem *p, sgl_theory_geometry *g, sgl_err *err);
/* Fill out[0..*n_out) (at most cap) with every prediction that applies. */
sgl_status sgl_theory_predict(const sgl_theory_problem *p, sgl_prediction *out, size_t cap, size_t *n_out,
                              sgl_err *err);

/* Every theory prediction that applies to an escape spec (src/theory/
 * escape_spec.c): the spec is validated, translated into the theory's own
 * problem (sgl_theory_problem: landscapes, noise and exit point from the
 * theory's formulas) and passed to sgl_theory_predict; where no formula
 * applies (state-dependent xie noise, anisotropic quadratic, a ball exit from
 * a well) one entry named "none" says why.  Notes (value NaN) flag a burn-in
 * start, a given start point and discrete SGD.  (Declared after the escape
 * section: sgl_escape_spec.) */
sgl_status sgl_theory_escape(const sgl_escape_spec *s, sgl_prediction *out, size_t cap, size_t *n_out,
                             sgl_err *err);
/* The one translation of an escape spec into the theory's problem (src/theory/
 * escape_spec.c), used by sgl_theory_escape, `sgdlab escape` and `sgdlab
 * theory`: the spec's fields are checked (sgl_escape_spec_check) and the
 * landscape, noise and exit point are taken from the theory's own formulas.
 * *applies = 0 and why (a sentence, static storage) where the theory has no
 * model of the spec (state-dependent xie noise, an anisotropic quadratic, a
 * loss or ball exit from a well); p is then unspecified. */
sgl_status sgl_escape_theory_problem(const sgl_escape_spec *s, sgl_theory_problem *p, int *applies, const char **why,
                                     sgl_err *err);
/* Simulation over prediction for one escape run: a time (unit "t = eta k" or
 * "steps k") against the MFPT, a rate ("1/t") against the censored MLE
 * kappa_hat, NaN for the rest.  The MFPT is the sample mean when nothing is
 * censored, else the censored exponential MLE mf->mle_mean: the mean of
 * min(tau, t_max) is then only a lower bound and would bias the ratio low. */
double sgl_escape_sim_over_theory(const sgl_prediction *p, const sgl_mfpt_est *mf, const sgl_rate_est *rate,
                                  double eta);
/* The members of the "theory" JSON object of `escape --json` and `theory --json` (the caller opens and closes
 * it): "unavailable": why when why is non-NULL and non-empty, then one member per prediction {"value", "unit",
 * "ratio_sim_over_theory" (only when ratio is non-NULL: ratio[i]), "note"}. */
void sgl_json_predictions(sgl_json *w, const char *why, const sgl_prediction *p, size_t n, const double *ratio);

/* ------------------------------------- sparse recovery: interpolators and the OLM limit */

/* Interpolators of Z w = y (n x d, row stride ld, n <= d), src/theory/interpolators.c.
 * Weighted basis pursuit min sum_j c_j |w_j| (c == NULL: weights 1) by GLPK's
 * simplex, and the minimum-norm solution by LAPACK's dgels.  Not thread-safe:
 * call from one thread at a time. */
sgl_status sgl_min_l1_interpolator(const double *Z, size_t ld, size_t n, size_t d, const double *y,
                                   const double *c, double *w, sgl_err *err);
sgl_status sgl_min_l2_interpolator(const double *Z, size_t ld, size_t n, size_t d, const double *y,
                                   double *w, sgl_err *err);

/* The Li-Wang-Arora label-noise limit on the diagonal net u*u - v*v (THEORY.md
 * 2.7), src/dynamics/limit_olm.c.  Arrays u, v have d entries. */
typedef struct {
    double a;          /* per-sample loss a r^2 (diagnet: 1/2) */
    double delta;      /* label-noise std */
    unsigned batch;    /* B */
    double dt;         /* limit-time step (0: 0.25 / (psi max_j c_j)) */
    double t_max;      /* limit time T = eta^2 k at which to stop */
    double gap_tol;    /* stop once the relative duality gap of weighted basis pursuit min sum c|w|
                          s.t. Zw = y, certified by the flow's own multiplier, is <= gap_tol (0: run to t_max) */
    double proj_tol;   /* projection: max |Z w - y| <= proj_tol max(1, max|y|) */
} sgl_olm_opts;
typedef struct {
    double t;              /* limit time reached */
    uint64_t steps;        /* flow steps */
    uint64_t newton_steps; /* Newton steps of all projections */
    double dt;             /* step used */
    double gap;            /* relative duality gap after the last step (NaN before any step) */
    double dual_feas;      /* max_j |Z^T nu|_j / c_j of the certificate (1 at an optimum) */
    int converged;         /* gap <= gap_tol */
} sgl_olm_info;
void sgl_olm_opts_default(sgl_olm_opts *o);
double sgl_olm_psi(const sgl_olm_opts *o);   /* 4 a c_lab, c_lab = 2 a delta^2 / B */
/* Phi: the end point of gradient flow from (u, v), in place (exact, by Newton
 * on the flow's conserved family); SGL_DIVERGED if Newton fails to converge */
sgl_status sgl_olm_project(const sgl_data *D, double *u, double *v, double tol, unsigned *newton_steps,
                           sgl_err *err);
/* Phi(u, v), then the limit flow until the gap tolerance or t_max, in place */
sgl_status sgl_olm_limit(const sgl_data *D, const sgl_olm_opts *o, double *u, double *v,
                         sgl_olm_info *info, sgl_err *err);
/* steps of plain full-batch GD at rate eta (comparisons with Phi) */
sgl_status sgl_olm_gd(const sgl_data *D, double a, double eta, uint64_t steps, double *u, double *v,
                      sgl_err *err);

#ifdef __cplusplus
}
#endif

/* ------------------------------------------------------ spec kinds
 *
 * Every experiment is a spec of one kind: a run (SGD, sgl_spec), a limit
 * (`sgdlab limit`: the LWA limiting SDE, sgl_limit_spec) or an escape
 * (sgl_escape_spec).  Each kind has one parameter table (sgl_param_table),
 * one strict setter by name and text, one validation, one canonical JSON
 * text and one run key (src/params.c). */
typedef enum { SGL_KIND_RUN = 0, SGL_KIND_LIMIT = 1, SGL_KIND_ESCAPE = 2 } sgl_spec_kind;
extern const char *const sgl_spec_kind_names[];     /* "run", "limit", "escape", NULL */

/* `sgdlab limit`'s spec: the run spec's keys (model, noise, data, seeds, seed, ...) + the limit's own */
typedef struct {
    sgl_spec run;
    double T;              /* horizon in limit time t = eta^2 k (default 1) */
    double dt;             /* Euler-Maruyama step in limit time (0 = T/1000) */
    sgl_limit_form form;   /* auto | general | closed */
    sgl_limit_eig eig;     /* iterative (default; not in the canonical form) | dense */
} sgl_limit_spec;
void sgl_limit_spec_default(sgl_limit_spec *s);

/* A spec of any kind.  Strings and vector values (init, x0) point into
 * storage the caller keeps alive (a loaded sweep keeps its own; the CLI its
 * argv and a buffer): string values point at the text given to
 * sgl_any_spec_set; vector values are parsed into vec[0..vec_cap), which the
 * caller sets after sgl_any_spec_default (NULL: a vector key is refused). */
typedef struct {
    sgl_spec_kind kind;
    union { sgl_spec run; sgl_limit_spec limit; sgl_escape_spec escape; } u;
    uint64_t given;        /* bit i: row i of the kind's table was set (sgl_any_spec_set) */
    double *vec;           /* storage for a vector value (caller's) */
    size_t vec_cap, n_vec; /* its capacity; values of the last vector set */
} sgl_any_spec;
void sgl_any_spec_default(sgl_any_spec *s, sgl_spec_kind kind);

/* The one parameter table per kind (name = sweep key = CLI flag without "--"), NULL-name terminated, and the
 * one strict setter by name and text; errors name the key (field = the key) and what is allowed (identical text
 * for CLI, sweep, MPI, Python).  NULL for a kind out of range. */
const sgl_param *sgl_param_table(sgl_spec_kind kind);
const sgl_param *sgl_param_find(sgl_spec_kind kind, const char *name);
/* name is a row's deprecated alias (sgl_param.alias): that row, else NULL.  sgl_param_find and sgl_any_spec_set
 * take the alias as the name itself; a front end says "--seeds is deprecated (kept for one release): use
 * --trajectories" when this is non-NULL (the library prints nothing). */
const sgl_param *sgl_param_deprecated(sgl_spec_kind kind, const char *name);
/* what row p of kind's table accepts, for help texts: ENUM/KIND names and registry names (model, noise,
 * landscape) joined by " | ", else the row's range text ("" when none); buf always terminated, cut at len */
void sgl_param_allowed(sgl_spec_kind kind, const sgl_param *p, char *buf, size_t len);
/* who reads row p of kind's table, for help texts: run / limit rows the noise kinds, data and models their use
 * bits name ("noise label minibatch, generated data"), escape rows the escape kinds and landscapes whose .reads
 * name the key ("noise mori, landscape quadratic"); "" when none; buf always terminated, cut at len */
void sgl_param_readers(sgl_spec_kind kind, const sgl_param *p, char *buf, size_t len);
/* a row's help line: "HELP [default D; unit U; allowed A; used with R]" (the parts that apply; `sgdlab
 * run|limit|escape|theory --help` prints it after the flag); buf always terminated, cut at len */
void sgl_param_doc(sgl_spec_kind kind, const sgl_param *p, char *buf, size_t len);
/* set one key from text: an unknown key (SGL_EINVAL, field "key"), a bad text (field = the key) */
sgl_status sgl_any_spec_set(sgl_any_spec *s, const char *name, const char *text, sgl_err *err);
/* the value of one row as text that sgl_any_spec_set reads back (doubles %.17g); length needed, like snprintf */
size_t sgl_any_spec_get(const sgl_any_spec *s, const sgl_param *p, char *buf, size_t len);
/* was the row named name set (sgl_any_spec_set)? */
int sgl_any_spec_given(const sgl_any_spec *s, const char *name);
/* Escape: the event's default depends on the landscape: hyperplane, or loss on a landscape without a saddle
 * (quadratic, linreg), set by sgl_any_spec_set whenever the landscape is set and the event was not given.  This
 * returns why the event was so defaulted (a sentence, static storage), NULL when it was given or is the plain
 * default. */
const char *sgl_escape_event_defaulted(const sgl_any_spec *s);
/* Every check of the kind: run: sgl_spec_validate; limit: that and T, dt; escape: the keys the chosen kinds do
 * not read (when given), the x0 count, then sgl_escape_spec_validate.  Fields: run and limit "--key", escape
 * "key" (as the kinds' validations always named them). */
sgl_status sgl_any_spec_validate(const sgl_any_spec *s, sgl_err *err);

/* Keys given (sgl_any_spec_set) that the spec's other settings make unused are refused, not ignored: run and
 * limit by the rows' use (SGL_USE_*: --batch with --noise none, --d with --data csv or a model without data,
 * --lr-decay-factor without --lr-decay, --alpha with --init); escape by the registries' .reads (--D with
 * --noise mori, --c with --event hyperplane).  The CLI calls it; sweeps do not (a sweep over noise kinds shares
 * one batch size). */
sgl_status sgl_any_spec_check_given(const sgl_any_spec *s, sgl_err *err);

/* canonical JSON text and run key of any kind.  run: the bytes sgl_spec_canonical gives (existing run keys stay
 * valid); escape: the bytes `sgdlab escape --db` has always stored (table order, "counter_layout" last; run key
 * = sgl_text_run_key of it); limit: {"kind":"limit", the limit table's keys} (dt resolved), key as a run's.
 * Returns the length needed (like snprintf); buf always terminated. */
size_t sgl_any_spec_canonical(const sgl_any_spec *s, char *buf, size_t len);
void sgl_any_spec_run_key(const sgl_any_spec *s, char key[17]);


/* sweeps: the kind comes from the spec file's top-level `kind: run | limit | escape` (default run); run i as a
 * spec of that kind (its strings point into w: valid while w lives) */
sgl_spec_kind sgl_sweep_kind(const sgl_sweep *w);
sgl_status sgl_sweep_any_spec(const sgl_sweep *w, size_t i, sgl_any_spec *out, sgl_err *err);

/* ---------------------------------------- one run of any kind, stored */

/* What a finished run of any kind produced, independent of where it goes:
 * the seam between executing (any process, any rank) and committing (the one
 * store writer, sgl_store_write_any).  run and limit fill res (limit: log
 * steps are Euler-Maruyama steps of limit.dt in limit time t = eta^2 k); an
 * escape run fills esc and its two estimates.  No I/O in sgl_record_*. */
struct sgl_escape_results;
struct sgl_record {
    char key[17];                /* the run key of the spec (sgl_any_spec_run_key) */
    size_t n_obs;
    const sgl_observable_type *obs[16];
    sgl_results *res;            /* owned; run and limit */
    double seconds;              /* wall time of the execution */
    int threads;
    sgl_spec_kind kind;
    sgl_limit_info limit;        /* limit: form used, rank, EM steps, dt */
    struct sgl_escape_results *esc;   /* owned; escape */
    sgl_rate_est rate;           /* escape: censored exponential MLE of the rate (level 0.95) */
    sgl_mfpt_est mfpt;           /* escape: mean of min(tau, t_max), 1000-resample bootstrap CI (level 0.95) */
    sgl_ams_result *ams;         /* owned; escape under method ams (then esc is NULL): the splitting estimate */
    sgl_ams_run *ams_run;        /* owned; its ams->runs independent runs */
};
/* the plan a limit spec runs on: its run spec with steps = every = 1 */
sgl_status sgl_limit_plan_alloc(const sgl_limit_spec *s, sgl_plan **p, sgl_err *err);

/* Execute one spec of any kind (no I/O): run (sgl_record_run), limit
 * (sgl_limit_execute on sgl_limit_plan_alloc's plan), escape
 * (sgl_record_escape; threads > 0 replaces the spec's own).  rec->key is the
 * spec's run key. */
sgl_status sgl_record_run_any(const sgl_any_spec *s, int threads, sgl_record *rec, sgl_err *err);
/* run i of a sweep (sgl_sweep_any_spec), executed as above */
sgl_status sgl_record_sweep_run(const sgl_sweep *w, size_t i, int threads, sgl_record *rec, sgl_err *err);

/* ------------------------------------------------------ running a sweep
 *
 * The driver of `sgdlab sweep` (src/sweep_run.c): every run of w not yet
 * finished in the store (by run key) is claimed, executed and committed in
 * one transaction, in sweep order; a killed sweep resumes (finished runs
 * skipped, unfinished ones redone) and drivers sharing a store execute each
 * run once.  db NULL: execute only.  Open (counts the runs left, records the
 * sweep), run (here, or through a dispatcher that executes runs elsewhere and
 * calls claim before handing run i out and commit with its record, in the
 * same order: the MPI ranks of cli/mpi.c), read the progress, free.  Run
 * stops between runs when cancelled (sgl_set_cancel): SGL_ECANCELED, every
 * committed run kept. */
typedef struct {
    size_t n;                      /* runs in the sweep */
    size_t skipped;                /* finished in the store when opened */
    size_t done;                   /* executed (and committed) by this driver */
    size_t redone;                 /* taken over: unfinished, or abandoned by a dead writer */
    size_t finished_elsewhere;     /* finished by another writer meanwhile */
    size_t running_elsewhere;      /* held by another live writer at the end (left to it) */
    uint64_t traj;                 /* trajectories of the runs done */
    double t_store;                /* wall seconds inside the store calls */
} sgl_sweep_progress;
typedef struct {
    const char *path;              /* the spec file's path, stored with the sweep */
    const char *db_path;           /* for messages */
    int resume;                    /* a store that holds runs: continue into it (else SGL_EINVAL, field "--db") */
    int threads;                   /* OpenMP threads per run (results do not depend on it) */
    int ranks;                     /* recorded with each run (1: this process) */
    void (*progress)(void *user, const sgl_sweep_progress *p);   /* after each run committed; NULL: none */
    void *user;
} sgl_sweep_exec_opts;
typedef struct sgl_sweep_exec sgl_sweep_exec;
typedef sgl_status (*sgl_sweep_dispatch_fn)(size_t n_todo, const size_t *todo,
                                            sgl_status (*claim)(void *ctx, size_t i, int *take, sgl_err *err),
                                            sgl_status (*commit)(void *ctx, size_t i, const sgl_record *rec,
                                                                 sgl_err *err),
                                            void *ctx, sgl_err *err);
sgl_status sgl_sweep_exec_open(const sgl_sweep *w, sgl_store *db, const sgl_sweep_exec_opts *o,
                               sgl_sweep_exec **out, sgl_err *err);
sgl_status sgl_sweep_exec_run(sgl_sweep_exec *x, sgl_sweep_dispatch_fn dispatch, sgl_err *err);
/* claim run i (*take: 0 when another writer finished or holds it); commit its record (run key checked) */
sgl_status sgl_sweep_exec_claim(sgl_sweep_exec *x, size_t i, int *take, sgl_err *err);
sgl_status sgl_sweep_exec_commit(sgl_sweep_exec *x, size_t i, const sgl_record *rec, sgl_err *err);
const sgl_sweep_progress *sgl_sweep_exec_progress(const sgl_sweep_exec *x);
/* Group commit of a sweep's runs: executed runs are written together in one
 * transaction when `runs` are held or `seconds` have passed since the last
 * write (and at the end, also when interrupted or failing); 0 or 1 runs:
 * each run in its own transaction.  A run held when the process is killed
 * is unfinished in the store and redone by --resume with the same bits, so
 * a kill costs at most `seconds` of work.  Default: each run alone
 * (measured: a group saves no store time on a local disk, where the rows'
 * inserts cost, not the transactions; docs/INTERNALS.md). */
#define SGL_COMMIT_RUNS_DEFAULT 1
#define SGL_COMMIT_SECONDS_DEFAULT 1.0
#define SGL_COMMIT_RUNS_MAX 4096
sgl_status sgl_sweep_exec_set_commit(sgl_sweep_exec *x, size_t runs, double seconds, sgl_err *err);
void sgl_sweep_exec_free(sgl_sweep_exec *x);
/* has the flag given to sgl_set_cancel been raised? */
int sgl_cancel_requested(void);
/* The one store writer of every kind, one transaction ending 'finished':
 * run: sgl_store_write_run; limit: the same rows with step = EM step, t_eta
 * NULL, t_eta2 = limit time (estimates and divergence events in "t_eta2");
 * escape: sgl_store_write_escape.  rec must be of s's kind and key. */
sgl_status sgl_store_write_any(sgl_store *st, int64_t run_id, const sgl_any_spec *s, const sgl_record *rec,
                               sgl_err *err);
/* the seed and the trajectory count of a spec of any kind (the runs row's seed, n_traj; method ams: replicas x
 * ams-runs) */
uint64_t sgl_any_spec_seed(const sgl_any_spec *s);
uint64_t sgl_any_spec_n_traj(const sgl_any_spec *s);
/* Claim the row of spec s: info's command, sweep, threads and ranks; its key,
 * params, seed and n_traj are set here from s (canonical JSON, run key). */
sgl_status sgl_store_claim_any(sgl_store *st, const sgl_any_spec *s, const sgl_run_info *info, unsigned flags,
                               int64_t *run_id, sgl_claim *outcome, sgl_err *err);
/* Claim and write a record executed elsewhere (an experiment that ran its
 * cells first): claim (flags 0; another live claimant is an SGL_EIO error),
 * then sgl_store_write_any.  *outcome as for sgl_store_run_any. */
sgl_status sgl_store_commit_any(sgl_store *st, const sgl_any_spec *s, const sgl_run_info *info, const sgl_record *rec,
                                sgl_claim *outcome, sgl_err *err);
/* The whole life cycle of one run of a command: claim (flags 0, committed at
 * once; another live claimant is an SGL_EIO error), execute, write and finish
 * in one transaction.  st NULL: only execute.  plan (run and limit kinds, may
 * be NULL): the caller's plan of s (limit: from sgl_limit_plan_alloc), kept
 * for printing.  *rec: the results, also on a failed write (the caller clears
 * it); *outcome (may be NULL): the claim's outcome (SGL_CLAIM_REPLACE: a
 * finished run was replaced).  An escape spec under method ams is claimed
 * with SGL_CLAIM_SKIP_FINISHED: a finished one is not redone (SGL_OK,
 * *outcome SGL_CLAIM_FINISHED, rec empty).  On a failure after the claim the row stays as
 * it was (a new run 'started', a finished one with its results). */
sgl_status sgl_store_run_any(sgl_store *st, const sgl_any_spec *s, const sgl_run_info *info,
                             const sgl_plan *plan, sgl_record *rec, sgl_claim *outcome, sgl_err *err);

/* --------------------------------------------- the limit against SGD
 * (src/limit_compare.c): `sgdlab limit [--compare-sgd]` as a call.  The
 * limiting SDE of s (its run spec with steps = every = 1) and, for each
 * etas[i], SGD from s's run spec at lr = etas[i] for round(T / eta^2) steps,
 * logged at the end; per row (the plan's observables, then theta[j] for each
 * live coordinate j when the model has at most SGL_LIMIT_COORD_ROWS) the mean
 * +- SE over the non-diverged trajectories at t = T.  db_path non-NULL: the
 * store is opened (once the plan exists) and each column is a run in it
 * (info: command, threads, ...).  Bad etas (more than SGL_LIMIT_MAX_ETAS, or
 * T / eta^2 not in [1, 1e10] steps): SGL_EINVAL naming "--etas". */
#define SGL_LIMIT_MAX_ETAS 8
#define SGL_LIMIT_COORD_ROWS 8
#define SGL_LIMIT_MAX_ROWS (16 + SGL_LIMIT_COORD_ROWS)   /* observables of a plan + coordinates */
typedef struct {
    double eta;              /* NaN for the limit */
    uint64_t steps;          /* SGD steps; the limit: Euler-Maruyama steps */
    double seconds;          /* wall time of the execution */
    uint64_t n_ok, n_div;    /* trajectories that finished / diverged */
    double mean[SGL_LIMIT_MAX_ROWS], se[SGL_LIMIT_MAX_ROWS];
    uint64_t n[SGL_LIMIT_MAX_ROWS];
} sgl_limit_column;
typedef struct {
    const char *model, *noise;   /* registry names */
    double T;
    uint32_t seeds;
    uint64_t seed;
    sgl_limit_info info;         /* form used, rank and gap ratio at the start, EM steps, dt, label_c */
    const char *form_text;       /* the form in words (static) */
    size_t n_rows;
    char row[SGL_LIMIT_MAX_ROWS][32];   /* row names */
    size_t n_eta;
    sgl_limit_column col[1 + SGL_LIMIT_MAX_ETAS];   /* col[0]: the limit, col[1 + i]: SGD at etas[i] */
} sgl_limit_comparison;
sgl_status sgl_limit_compare(const sgl_limit_spec *s, const double *etas, size_t n_eta, const char *db_path,
                             const sgl_run_info *info, sgl_limit_comparison *out, sgl_err *err);
/* `sgdlab limit --json`: the comparison as one JSON object */
void sgl_limit_comparison_json(sgl_json *w, const sgl_limit_comparison *c);

#endif
