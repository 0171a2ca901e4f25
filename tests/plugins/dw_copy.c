/* A landscape plugin that re-implements the built-in `doublewell` (src/escape/landscapes.c) with the same
 * arithmetic in the same order, so an escape run on it must give bitwise the built-in's first-passage times
 * (tests/cli/cli_plugins.sh).  L0 + a (k x^2 - 1)^2: minima +-1/sqrt k, saddle 0. */
#include "sgdlab_plugin.h"

#include <math.h>

static double kk(const sgl_plugin_lparams *p) { return p->k > 0 ? p->k : 1.0; }

static double value(const sgl_plugin_lparams *p, const double *x)
{
    const double k = kk(p), u = k * x[0] * x[0] - 1.0;
    return p->L0 + p->a * u * u;
}

static void grad(const sgl_plugin_lparams *p, const double *x, double *g)
{
    const double k = kk(p);
    g[0] = 4.0 * p->a * k * x[0] * (k * x[0] * x[0] - 1.0);
}

static void hess(const sgl_plugin_lparams *p, const double *x, double *H)
{
    const double k = kk(p);
    H[0] = p->a * (12.0 * k * k * x[0] * x[0] - 4.0 * k);
}

static void critical(const sgl_plugin_lparams *p, double *xm, double *xs, double *xn)
{
    const double r = 1.0 / sqrt(kk(p));
    xm[0] = r;
    if (xs) xs[0] = 0.0;
    if (xn) xn[0] = -r;
}

const sgl_landscape_plugin sgdlab_landscape_plugin = {
    .abi_version = SGL_PLUGIN_ABI_VERSION,
    .size = sizeof(sgl_landscape_plugin),
    .name = "dw_copy",
    .doc = "the built-in doublewell as a plugin",
    .reads = "a",
    .has_saddle = 1,
    .max_dim = 1,
    .value = value,
    .grad = grad,
    .hess = hess,
    .critical = critical,
};
