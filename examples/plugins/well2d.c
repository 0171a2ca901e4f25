/* A 2-D escape landscape as an sgdlab landscape plugin: a double well in x coupled to a stiff valley in y
 * whose curvature changes along the escape path,
 *     L(x, y) = L0 + a (x^2 - 1)^2 + (h/2) (1 + x^2) y^2,
 * minima (+-1, 0) (L = L0), index-1 saddle (0, 0) (L = L0 + a).  Escape from (1, 0) over (0, 0) to (-1, 0).
 * Build and run from the repository root:
 *     cc -O2 -ffp-contract=off -shared -fPIC -I include -o well2d.so examples/plugins/well2d.c
 *     sgdlab escape --landscape-plugin ./well2d.so --n-dim 2 --a 1 --h 4 --noise isotropic --D 0.15 \
 *         --trajectories 400 --t-max 500 */
#include "sgdlab_plugin.h"

static double value(const sgl_plugin_lparams *p, const double *x)
{
    const double u = x[0] * x[0] - 1.0;
    return p->L0 + p->a * u * u + 0.5 * p->h * (1.0 + x[0] * x[0]) * x[1] * x[1];
}

static void grad(const sgl_plugin_lparams *p, const double *x, double *g)
{
    g[0] = 4.0 * p->a * x[0] * (x[0] * x[0] - 1.0) + p->h * x[0] * x[1] * x[1];
    g[1] = p->h * (1.0 + x[0] * x[0]) * x[1];
}

static void hess(const sgl_plugin_lparams *p, const double *x, double *H)
{
    H[0] = p->a * (12.0 * x[0] * x[0] - 4.0) + p->h * x[1] * x[1];
    H[1] = H[2] = 2.0 * p->h * x[0] * x[1];
    H[3] = p->h * (1.0 + x[0] * x[0]);
}

static void critical(const sgl_plugin_lparams *p, double *xm, double *xs, double *xn)
{
    (void)p;
    xm[0] = 1.0, xm[1] = 0.0;
    if (xs) xs[0] = 0.0, xs[1] = 0.0;
    if (xn) xn[0] = -1.0, xn[1] = 0.0;
}

const sgl_landscape_plugin sgdlab_landscape_plugin = {
    .abi_version = SGL_PLUGIN_ABI_VERSION,
    .size = sizeof(sgl_landscape_plugin),
    .name = "well2d",
    .doc = "L0 + a (x^2 - 1)^2 + (h/2) (1 + x^2) y^2: escape from (1, 0) over the saddle (0, 0)",
    .reads = "a h",
    .has_saddle = 1,
    .max_dim = 2,
    .value = value,
    .grad = grad,
    .hess = hess,
    .critical = critical,
};
