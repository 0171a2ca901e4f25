/* sgdlab_plugin.h: the interface by which one C file supplies a model to sgdlab
 * (`sgdlab run --model-plugin ./m.so`, `sgdlab limit`, `sgdlab check-model`) or an escape landscape
 * (`sgdlab escape --landscape-plugin ./w.so`, at the end of this file).
 *
 * A plugin is a shared object built with
 *     cc -O2 -shared -fPIC -I include -o m.so m.c
 * that defines one object
 *     const sgl_model_plugin sgdlab_model_plugin = {SGL_PLUGIN_ABI_VERSION, sizeof(sgl_model_plugin), ...};
 * It includes only this header and calls nothing in sgdlab.  sgdlab checks the ABI version and the
 * struct size when it loads the file and refuses it (exit 2, naming --model-plugin) when they do not
 * match or a required slot is NULL.
 *
 * The model: per-sample residuals r_i(theta) = f_i(theta) - y_i on the run's data (n samples of d
 * inputs; the plugin may ignore y and compute its own target, e.g. a teacher network), loss
 *     L(theta) = (a / n) sum_i r_i^2
 * (a: --loss-a, default default_a).  Every function may be called from several threads at once with
 * different scratch; `self` is read-only after create.  Results must not depend on anything but the
 * arguments (determinism: same spec and seed -> same bits).  A non-finite output is counted as a
 * diverged trajectory, never an error. */
#ifndef SGDLAB_PLUGIN_H
#define SGDLAB_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#define SGL_PLUGIN_ABI_VERSION 1
/* the exported object's symbol name */
#define SGL_MODEL_PLUGIN_SYMBOL "sgdlab_model_plugin"

/* the run's data set: row i of the inputs is X[i * ld + j], j < d (ld >= d; the padding is 0) */
typedef struct {
    size_t n, d, ld;
    const double *X;   /* n x ld */
    const double *y;   /* n labels */
} sgl_plugin_data;

/* one --plugin-param key=value */
typedef struct {
    const char *key, *value;
} sgl_plugin_param;

enum {
    SGL_PLUGIN_NODATA = 1u << 0   /* every residual is the same function of theta: data keys are refused and
                                     the run uses dummy samples (like the built-in sphere) */
};

typedef struct sgl_model_plugin {
    uint32_t abi_version;   /* SGL_PLUGIN_ABI_VERSION */
    uint32_t size;          /* sizeof(sgl_model_plugin) */
    const char *name;       /* shown in messages */
    const char *doc;        /* one line */
    unsigned flags;         /* SGL_PLUGIN_* */
    double default_a;       /* loss constant a when --loss-a is not given (> 0) */
    /* The instance for these parameters (--plugin-param k=v, keys sorted, no key twice).  Return 0 and
     * set *self (may stay NULL), or nonzero with a one-line reason in msg (e.g. "unknown key 'x'"). */
    int (*create)(const sgl_plugin_param *params, size_t n_params, void **self, char *msg, size_t msg_len);
    void (*destroy)(void *self);   /* optional */
    /* number of parameters D for this data (d, n) */
    size_t (*dim)(const void *self, const sgl_plugin_data *data);
    /* doubles of scratch each call below gets (optional: 0) */
    size_t (*scratch)(const void *self, const sgl_plugin_data *data);
    /* the initial point at scale alpha (--alpha); deterministic */
    void (*init)(const void *self, const sgl_plugin_data *data, double alpha, double *theta);
    /* r[k] = f_{idx[k]}(theta) - y_{idx[k]} for k < nidx; idx == NULL: all n samples in order */
    void (*residuals)(const void *self, const sgl_plugin_data *data, const double *theta, const uint32_t *idx,
                      size_t nidx, double *r, double *scratch);
    /* g = sum_k c[k] grad f_{idx[k]}(theta) (overwrite g, length D); idx == NULL: all n in order */
    void (*jt)(const void *self, const sgl_plugin_data *data, const double *theta, const uint32_t *idx, size_t nidx,
               const double *c, double *g, double *scratch);
    /* out = Hessian(L)(theta) p, L = (a/n) sum_i r_i^2 */
    void (*hvp)(const void *self, const sgl_plugin_data *data, double a, const double *theta, const double *p,
                double *out, double *scratch);
    /* ---- optional (NULL) */
    /* the teacher: the label of input x (d numbers) for generated data, before --data-noise is added
     * (NULL: the data's own labels; CSV data always keeps the file's) */
    double (*label)(const void *self, const double *x, size_t d);
    /* trace of Hessian(L)(theta) (NULL: the trace observable is not available) */
    double (*trace)(const void *self, const sgl_plugin_data *data, double a, const double *theta, double *scratch);
    /* out_k = sum_ij d^3 L / dtheta_k dtheta_i dtheta_j A_ij for a symmetric D x D A (row-major)
     * (NULL: sgdlab's finite differences of hvp) */
    void (*d3)(const void *self, const sgl_plugin_data *data, double a, const double *theta, const double *A,
               double *out, double *scratch);
    /* live coordinates theta[b * stride + j], b < nb, j < len; the rest is padding kept at 0
     * (NULL: all D live) */
    void (*layout)(const void *self, const sgl_plugin_data *data, size_t *nb, size_t *len, size_t *stride);
} sgl_model_plugin;

/* ------------------------------------------------------------------ escape landscapes
 * `sgdlab escape --landscape-plugin ./w.so`: a landscape L(theta) in n = --n-dim coordinates (n <= max_dim)
 * with its critical points, defined by one object
 *     const sgl_landscape_plugin sgdlab_landscape_plugin = {SGL_PLUGIN_ABI_VERSION, sizeof(sgl_landscape_plugin), ...};
 * The escape is from x_min over the index-1 saddle x_sad towards x_next (has_saddle), in the direction of
 * coordinate 0.  It reads the escape spec's landscape parameters below (the keys named in reads are accepted
 * on the command line; L0 and n-dim always). */
#define SGL_LANDSCAPE_PLUGIN_SYMBOL "sgdlab_landscape_plugin"

typedef struct {
    unsigned n;                 /* --n-dim */
    double L0, a, h, q, k;      /* --L0, --a, --h, --h-ratio, --k */
} sgl_plugin_lparams;

typedef struct sgl_landscape_plugin {
    uint32_t abi_version;   /* SGL_PLUGIN_ABI_VERSION */
    uint32_t size;          /* sizeof(sgl_landscape_plugin) */
    const char *name;
    const char *doc;
    const char *reads;      /* spec keys it reads besides L0 and n-dim, separated by spaces: "a", "h h-ratio", "" */
    int has_saddle;         /* an index-1 saddle and a next minimum exist (events hyperplane, next-min) */
    unsigned max_dim;       /* n allowed: 1..max_dim (at most 16) */
    double (*value)(const sgl_plugin_lparams *p, const double *x);
    void (*grad)(const sgl_plugin_lparams *p, const double *x, double *g);
    void (*hess)(const sgl_plugin_lparams *p, const double *x, double *H);   /* n x n row-major */
    /* x_min; x_sad and x_next only when non-NULL (has_saddle) */
    void (*critical)(const sgl_plugin_lparams *p, double *x_min, double *x_sad, double *x_next);
} sgl_landscape_plugin;

#endif
