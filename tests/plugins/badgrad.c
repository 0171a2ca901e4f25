/* The sphere plugin (sphere_copy.c) with a deliberately wrong gradient: jt scales coordinate 1 by 1.01.
 * `sgdlab check-model` must catch it (exit 1, naming the gradient and coordinate 1). */
#include "sgdlab_plugin.h"

static size_t dim(const void *self, const sgl_plugin_data *data) { (void)self; (void)data; return 3; }

static void init(const void *self, const sgl_plugin_data *data, double alpha, double *theta)
{
    (void)self; (void)data;
    theta[0] = alpha;
    theta[1] = 0.0;
    theta[2] = 0.0;
}

static double resid(const double *x) { return x[0] * x[0] + x[1] * x[1] + x[2] * x[2] - 1.0; }

static void residuals(const void *self, const sgl_plugin_data *data, const double *theta, const uint32_t *idx,
                      size_t nidx, double *r, double *scratch)
{
    (void)self; (void)data; (void)idx; (void)scratch;
    for (size_t k = 0; k < nidx; ++k) r[k] = resid(theta);
}

static void jt(const void *self, const sgl_plugin_data *data, const double *theta, const uint32_t *idx, size_t nidx,
               const double *c, double *g, double *scratch)
{
    (void)self; (void)data; (void)idx; (void)scratch;
    double s = 0.0;
    for (size_t k = 0; k < nidx; ++k) s += c[k];
    for (int j = 0; j < 3; ++j) g[j] = 2.0 * s * theta[j];
    g[1] *= 1.01;   /* the bug */
}

static void hvp(const void *self, const sgl_plugin_data *data, double a, const double *theta, const double *p,
                double *out, double *scratch)
{
    (void)self; (void)data; (void)scratch;
    const double r = resid(theta), xp = theta[0] * p[0] + theta[1] * p[1] + theta[2] * p[2];
    for (int j = 0; j < 3; ++j) out[j] = 2.0 * a * (4.0 * theta[j] * xp + 2.0 * r * p[j]);
}

const sgl_model_plugin sgdlab_model_plugin = {
    .abi_version = SGL_PLUGIN_ABI_VERSION,
    .size = sizeof(sgl_model_plugin),
    .name = "badgrad",
    .doc = "the sphere with a wrong gradient (coordinate 1 scaled by 1.01)",
    .flags = SGL_PLUGIN_NODATA,
    .default_a = 0.5,
    .dim = dim,
    .init = init,
    .residuals = residuals,
    .jt = jt,
    .hvp = hvp,
};
