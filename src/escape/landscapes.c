/* Escape landscapes (issue 5): analytic value, gradient, Hessian and the
 * critical points of each, in one registry.  k is the sharpness
 * reparametrisation theta -> sqrt(k) theta (THEORY 6.4, 7.5). */
#include "escape.h"

#include <math.h>
#include <string.h>

static double kk(const sgl_landscape_params *p) { return p->k > 0 ? p->k : 1.0; }

/* ---- 1-D double well L0 + a (k x^2 - 1)^2: minima +-1/sqrt k, saddle 0 */
static double dw_value(const sgl_landscape_params *p, const double *x)
{
    const double k = kk(p), u = k * x[0] * x[0] - 1.0;
    return p->L0 + p->a * u * u;
}
static void dw_grad(const sgl_landscape_params *p, const double *x, double *g)
{
    const double k = kk(p);
    g[0] = 4.0 * p->a * k * x[0] * (k * x[0] * x[0] - 1.0);
}
static void dw_hess(const sgl_landscape_params *p, const double *x, double *H)
{
    const double k = kk(p);
    H[0] = p->a * (12.0 * k * k * x[0] * x[0] - 4.0 * k);
}
static void dw_critical(const sgl_landscape_params *p, double *xm, double *xs, double *xn)
{
    const double r = 1.0 / sqrt(kk(p));
    xm[0] = r;
    if (xs) xs[0] = 0.0;
    if (xn) xn[0] = -r;
}

/* ---- Mori's n-D well L0 + a (k z0^2 - 1)^2 + (h* / 2) k sum_{i>=1} z_i^2, h* = 8a */
static double mw_value(const sgl_landscape_params *p, const double *x)
{
    const double k = kk(p), u = k * x[0] * x[0] - 1.0;
    double q = 0.0;
    for (unsigned i = 1; i < p->n; ++i) q += x[i] * x[i];
    return p->L0 + p->a * u * u + 4.0 * p->a * k * q;
}
static void mw_grad(const sgl_landscape_params *p, const double *x, double *g)
{
    const double k = kk(p);
    g[0] = 4.0 * p->a * k * x[0] * (k * x[0] * x[0] - 1.0);
    for (unsigned i = 1; i < p->n; ++i) g[i] = 8.0 * p->a * k * x[i];
}
static void mw_hess(const sgl_landscape_params *p, const double *x, double *H)
{
    const unsigned n = p->n;
    const double k = kk(p);
    memset(H, 0, sizeof *H * n * n);
    H[0] = p->a * (12.0 * k * k * x[0] * x[0] - 4.0 * k);
    for (unsigned i = 1; i < n; ++i) H[i * n + i] = 8.0 * p->a * k;
}
static void mw_critical(const sgl_landscape_params *p, double *xm, double *xs, double *xn)
{
    const double r = 1.0 / sqrt(kk(p));
    for (unsigned i = 0; i < p->n; ++i) {
        xm[i] = 0.0;
        if (xs) xs[i] = 0.0;
        if (xn) xn[i] = 0.0;
    }
    xm[0] = r;
    if (xn) xn[0] = -r;
}

/* ---- quadratic L0 + (1/2) sum_i h q^i k x_i^2 (q = 1: isotropic), minimum 0 */
static double qd_curv(const sgl_landscape_params *p, unsigned i)
{
    return p->h * pow(p->q > 0 ? p->q : 1.0, (double)i) * kk(p);
}
static double qd_value(const sgl_landscape_params *p, const double *x)
{
    double s = 0.0;
    for (unsigned i = 0; i < p->n; ++i) s += qd_curv(p, i) * x[i] * x[i];
    return p->L0 + 0.5 * s;
}
static void qd_grad(const sgl_landscape_params *p, const double *x, double *g)
{
    for (unsigned i = 0; i < p->n; ++i) g[i] = qd_curv(p, i) * x[i];
}
static void qd_hess(const sgl_landscape_params *p, const double *x, double *H)
{
    (void)x;
    const unsigned n = p->n;
    memset(H, 0, sizeof *H * n * n);
    for (unsigned i = 0; i < n; ++i) H[i * n + i] = qd_curv(p, i);
}
static void qd_critical(const sgl_landscape_params *p, double *xm, double *xs, double *xn)
{
    (void)xs; (void)xn;
    for (unsigned i = 0; i < p->n; ++i) xm[i] = 0.0;
}

/* ---- Styblinski-Tang L0 + (a/n) sum_i [g(u_i) - g(u_min)], u = sqrt(k) x,
 * g(u) = u^4 - 16 u^2 + 5 u (the Ibayashi-Imaizumi coordinate mean, no 1/2).
 * Escape from the global minimum (all u = -2.9035) over the saddle u_0 =
 * 0.1567 towards the local minimum u_0 = 2.7468. */
static double st_g(double u) { return u * u * u * u - 16.0 * u * u + 5.0 * u; }
static double st_g1(double u) { return 4.0 * u * u * u - 32.0 * u + 5.0; }
static double st_g2(double u) { return 12.0 * u * u - 32.0; }
static double st_root(double u)   /* Newton on g' from a close guess */
{
    for (int it = 0; it < 60; ++it) {
        double du = st_g1(u) / st_g2(u);
        u -= du;
        if (fabs(du) < 1e-16 * (1.0 + fabs(u))) break;
    }
    return u;
}
static double st_umin(void) { return st_root(-2.903534); }
static double st_value(const sgl_landscape_params *p, const double *x)
{
    const double sk = sqrt(kk(p)), gmin = st_g(st_umin());
    double s = 0.0;
    for (unsigned i = 0; i < p->n; ++i) s += st_g(sk * x[i]) - gmin;
    return p->L0 + p->a / (double)p->n * s;
}
static void st_grad(const sgl_landscape_params *p, const double *x, double *g)
{
    const double sk = sqrt(kk(p)), c = p->a / (double)p->n * sk;
    for (unsigned i = 0; i < p->n; ++i) g[i] = c * st_g1(sk * x[i]);
}
static void st_hess(const sgl_landscape_params *p, const double *x, double *H)
{
    const unsigned n = p->n;
    const double sk = sqrt(kk(p)), c = p->a / (double)n * kk(p);
    memset(H, 0, sizeof *H * n * n);
    for (unsigned i = 0; i < n; ++i) H[i * n + i] = c * st_g2(sk * x[i]);
}
static void st_critical(const sgl_landscape_params *p, double *xm, double *xs, double *xn)
{
    const double sk = sqrt(kk(p)), um = st_umin() / sk;
    for (unsigned i = 0; i < p->n; ++i) {
        xm[i] = um;
        if (xs) xs[i] = um;
        if (xn) xn[i] = um;
    }
    if (xs) xs[0] = st_root(0.156731) / sk;
    if (xn) xn[0] = st_root(2.746803) / sk;
}

static const sgl_landscape_type k_dw = {
    .name = "doublewell", .reads = "a", .has_saddle = 1, .max_dim = 1,
    .doc = "1-D double well L0 + a (k theta^2 - 1)^2 (minimum 1/sqrt k, saddle 0, next minimum -1/sqrt k)",
    .value = dw_value, .grad = dw_grad, .hess = dw_hess, .critical = dw_critical};
static const sgl_landscape_type k_mw = {
    .name = "moriwell", .reads = "a", .has_saddle = 1, .max_dim = SGL_ESC_MAX_DIM,
    .doc = "Mori's n-D well L0 + a (k z1^2 - 1)^2 + (h*/2) k sum_{i>=2} z_i^2, h* = 8a (--n-dim n)",
    .value = mw_value, .grad = mw_grad, .hess = mw_hess, .critical = mw_critical};
static const sgl_landscape_type k_qd = {
    .name = "quadratic", .reads = "h h-ratio", .has_saddle = 0, .max_dim = SGL_ESC_MAX_DIM,
    .doc = "L0 + (1/2) sum_i h q^i k theta_i^2, minimum 0, no saddle (--h, --h-ratio q)",
    .value = qd_value, .grad = qd_grad, .hess = qd_hess, .critical = qd_critical};
static const sgl_landscape_type k_st = {
    .name = "styblinski-tang", .reads = "a", .has_saddle = 1, .max_dim = SGL_ESC_MAX_DIM,
    .doc = "L0 + (a/n) sum_i [g(sqrt(k) theta_i) - g_min], g(u) = u^4 - 16u^2 + 5u; from the global "
           "minimum over the saddle u_1 = 0.1567 to the local minimum u_1 = 2.7468",
    .value = st_value, .grad = st_grad, .hess = st_hess, .critical = st_critical};

/* The landscape registry: adding a landscape is its functions and type above
 * (or in a file of its own) and one line here. */
const sgl_landscape_type *const sgl_landscapes[] = {&k_dw, &k_mw, &k_qd, &k_st, &sgl_landscape_linreg, NULL};

const sgl_landscape_type *sgl_landscape_lookup(const char *name)
{
    if (!name) return NULL;
    for (size_t i = 0; sgl_landscapes[i]; ++i)
        if (strcmp(sgl_landscapes[i]->name, name) == 0) return sgl_landscapes[i];
    return sgl_landscape_plugin_find(name);   /* a loaded landscape plugin (src/escape/plugin.c) */
}
