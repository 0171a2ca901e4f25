/* A two-layer ReLU network as an sgdlab model plugin, teacher-student on Gaussian data:
 *     student f(x) = sum_{h<m} a_h relu(w_h . x),   theta = (w_1, ..., w_m, a) (m d + m numbers)
 *     teacher t(x) = sum_{h<mt} relu(w*_h . x / sqrt(d)),   w*_hj ~ unit variance from teacher-seed
 * residual r_i = f(x_i) - y_i with y_i = t(x_i) (+ --data-noise), loss L = (a/n) sum r_i^2.
 * Parameters: width (m, default 4), teacher-width (mt, default 2), teacher-seed (default 1).
 * Build and run from the repository root:
 *     cc -O2 -ffp-contract=off -shared -fPIC -I include -o relu2.so examples/plugins/relu2.c
 *     sgdlab run --model-plugin ./relu2.so --plugin-param width=8 --d 20 --n 200 --noise label --delta 0.5 \
 *         --lr 0.01 --steps 20000 --every 2000
 * relu'' = 0 away from the kinks, so the Hessian of f has only the cross terms d2f / da_h dw_h = 1[z_h > 0] x;
 * the third derivatives are left to sgdlab's finite differences. */
#include "sgdlab_plugin.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    size_t m, mt;
    unsigned long long tseed;
} relu2;

/* a unit-variance number from (seed, h, j): splitmix64, uniform on (-sqrt 3, sqrt 3) */
static double draw(unsigned long long seed, size_t h, size_t j)
{
    unsigned long long z = seed * 0x9e3779b97f4a7c15ull + (unsigned long long)h * 0xbf58476d1ce4e5b9ull +
                           (unsigned long long)j * 0x94d049bb133111ebull + 0x2545f4914f6cdd1dull;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    z ^= z >> 31;
    return ((double)(z >> 11) * 0x1p-53 * 2.0 - 1.0) * 1.7320508075688772;
}

static int create(const sgl_plugin_param *params, size_t n, void **self, char *msg, size_t len)
{
    relu2 *r = malloc(sizeof *r);
    if (!r) return snprintf(msg, len, "out of memory"), 1;
    r->m = 4, r->mt = 2, r->tseed = 1;
    for (size_t i = 0; i < n; ++i) {
        char *end;
        unsigned long long v = strtoull(params[i].value, &end, 10);
        int bad = *end != '\0' || params[i].value[0] == '\0' || params[i].value[0] == '-';
        if (strcmp(params[i].key, "width") == 0 && !bad && v >= 1 && v <= 4096) r->m = (size_t)v;
        else if (strcmp(params[i].key, "teacher-width") == 0 && !bad && v >= 1 && v <= 4096) r->mt = (size_t)v;
        else if (strcmp(params[i].key, "teacher-seed") == 0 && !bad) r->tseed = v;
        else {
            snprintf(msg, len, "'%s=%s': keys are width (1..4096), teacher-width (1..4096), teacher-seed (integer)",
                     params[i].key, params[i].value);
            free(r);
            return 1;
        }
    }
    *self = r;
    return 0;
}

static void destroy(void *self) { free(self); }

static size_t dim(const void *self, const sgl_plugin_data *data) { return ((const relu2 *)self)->m * (data->d + 1); }

/* z (m) and x . p_h (m) */
static size_t scratch(const void *self, const sgl_plugin_data *data) { (void)data; return 2 * ((const relu2 *)self)->m; }

static void init(const void *self, const sgl_plugin_data *data, double alpha, double *theta)
{
    const relu2 *r = self;
    const size_t d = data->d;
    for (size_t h = 0; h < r->m; ++h) {
        for (size_t j = 0; j < d; ++j) theta[h * d + j] = alpha * draw(r->tseed + 7777, h, j) / sqrt((double)d);
        theta[r->m * d + h] = alpha * draw(r->tseed + 8888, h, 0) / sqrt((double)r->m);
    }
}

static double label(const void *self, const double *x, size_t d)
{
    const relu2 *r = self;
    double t = 0.0;
    for (size_t h = 0; h < r->mt; ++h) {
        double z = 0.0;
        for (size_t j = 0; j < d; ++j) z += draw(r->tseed, h, j) * x[j];
        z /= sqrt((double)d);
        t += z > 0.0 ? z : 0.0;
    }
    return t;
}

/* pre-activations z_h = w_h . x and the output f(x) */
static double forward(const relu2 *r, size_t d, const double *theta, const double *x, double *z)
{
    const double *a = theta + r->m * d;
    double f = 0.0;
    for (size_t h = 0; h < r->m; ++h) {
        double s = 0.0;
        for (size_t j = 0; j < d; ++j) s += theta[h * d + j] * x[j];
        z[h] = s;
        f += a[h] * (s > 0.0 ? s : 0.0);
    }
    return f;
}

static void residuals(const void *self, const sgl_plugin_data *data, const double *theta, const uint32_t *idx,
                      size_t nidx, double *out, double *scratch)
{
    const relu2 *r = self;
    for (size_t k = 0; k < nidx; ++k) {
        size_t i = idx ? idx[k] : k;
        out[k] = forward(r, data->d, theta, data->X + i * data->ld, scratch) - data->y[i];
    }
}

static void jt(const void *self, const sgl_plugin_data *data, const double *theta, const uint32_t *idx, size_t nidx,
               const double *c, double *g, double *scratch)
{
    const relu2 *r = self;
    const size_t d = data->d, m = r->m;
    const double *a = theta + m * d;
    memset(g, 0, m * (d + 1) * sizeof *g);
    for (size_t k = 0; k < nidx; ++k) {
        const size_t i = idx ? idx[k] : k;
        const double *x = data->X + i * data->ld;
        forward(r, d, theta, x, scratch);
        for (size_t h = 0; h < m; ++h) {
            const double z = scratch[h];
            if (z <= 0.0) continue;
            g[m * d + h] += c[k] * z;
            const double ca = c[k] * a[h];
            for (size_t j = 0; j < d; ++j) g[h * d + j] += ca * x[j];
        }
    }
}

/* H p = (2a/n) sum_i [(grad f_i . p) grad f_i + r_i (Hess f_i) p] */
static void hvp(const void *self, const sgl_plugin_data *data, double aL, const double *theta, const double *p,
                double *out, double *scratch)
{
    const relu2 *r = self;
    const size_t d = data->d, m = r->m;
    const double *a = theta + m * d, *pa = p + m * d;
    double *z = scratch, *xp = scratch + m;
    const double s = 2.0 * aL / (double)data->n;
    memset(out, 0, m * (d + 1) * sizeof *out);
    for (size_t i = 0; i < data->n; ++i) {
        const double *x = data->X + i * data->ld;
        const double ri = forward(r, d, theta, x, z) - data->y[i];
        double jp = 0.0;
        for (size_t h = 0; h < m; ++h) {
            double q = 0.0;
            for (size_t j = 0; j < d; ++j) q += x[j] * p[h * d + j];
            xp[h] = q;
            if (z[h] > 0.0) jp += z[h] * pa[h] + a[h] * q;
        }
        for (size_t h = 0; h < m; ++h) {
            if (z[h] <= 0.0) continue;
            out[m * d + h] += s * (jp * z[h] + ri * xp[h]);
            const double cw = s * (jp * a[h] + ri * pa[h]);
            for (size_t j = 0; j < d; ++j) out[h * d + j] += cw * x[j];
        }
    }
}

/* tr H = (2a/n) sum_i |grad f_i|^2 (the Hessian of f has no diagonal) */
static double trace(const void *self, const sgl_plugin_data *data, double aL, const double *theta, double *scratch)
{
    const relu2 *r = self;
    const size_t d = data->d, m = r->m;
    const double *a = theta + m * d;
    double t = 0.0;
    for (size_t i = 0; i < data->n; ++i) {
        const double *x = data->X + i * data->ld;
        forward(r, d, theta, x, scratch);
        double xx = 0.0;
        for (size_t j = 0; j < d; ++j) xx += x[j] * x[j];
        for (size_t h = 0; h < m; ++h)
            if (scratch[h] > 0.0) t += scratch[h] * scratch[h] + a[h] * a[h] * xx;
    }
    return 2.0 * aL / (double)data->n * t;
}

const sgl_model_plugin sgdlab_model_plugin = {
    .abi_version = SGL_PLUGIN_ABI_VERSION,
    .size = sizeof(sgl_model_plugin),
    .name = "relu2",
    .doc = "two-layer ReLU student f(x) = sum a_h relu(w_h . x) against a ReLU teacher on Gaussian data",
    .default_a = 0.5,
    .create = create,
    .destroy = destroy,
    .dim = dim,
    .scratch = scratch,
    .init = init,
    .residuals = residuals,
    .jt = jt,
    .hvp = hvp,
    .label = label,
    .trace = trace,
};
