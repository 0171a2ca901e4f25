/* The data landscape `linreg`: linear regression f = theta x on N samples
 * (x_i, y_i) i.i.d. N(0, 1), d = 1 (the model of Mori et al.'s data-noise
 * experiment), loss L(theta) = (1/2N) sum_i (theta x_i - y_i)^2.  Sample i is
 * the first two normals of Philox stream (data_seed, traj 0, step i,
 * SGL_P_DATA), so any sample can be drawn alone (true minibatch SGD) and the
 * data never needs storing: prepare keeps only its moments (p->stats), from
 * which L, theta* = Sxy/Sxx, H = Sxx/N, L* and the per-sample gradient's
 * variance follow exactly. */
#include "escape.h"
#include "../internal.h"

#include <math.h>

enum { S_TH, S_H, S_LS, S_X4, S_X3Y, S_X2Y2, S_XY, S_N };   /* p->stats[] */

static uint32_t n_of(const sgl_landscape_params *p) { return p->n_data ? p->n_data : 1000u; }

static void sample(const sgl_landscape_params *p, uint32_t i, double *x, double *y)
{
    sgl_stream st;
    sgl_stream_init(&st, p->data_seed, 0, i, SGL_P_DATA);
    *x = sgl_stream_normal(&st);
    *y = sgl_stream_normal(&st);
}

static sgl_status lr_check(const sgl_landscape_params *p, sgl_err *err)
{
    if (p->n_data == 1) return sgl_fail(err, SGL_EINVAL, "n-data", "must be >= 2 (0: 1000), got 1");
    return SGL_OK;
}

static void lr_prepare(sgl_landscape_params *p)
{
    const uint32_t N = n_of(p);
    double sxx = 0, sxy = 0, syy = 0, s4 = 0, s31 = 0, s22 = 0;
    for (uint32_t i = 0; i < N; ++i) {
        double x, y;
        sample(p, i, &x, &y);
        sxx += x * x; sxy += x * y; syy += y * y;
        s4 += x * x * x * x; s31 += x * x * x * y; s22 += x * x * y * y;
    }
    const double n = (double)N;
    p->stats[S_TH] = sxy / sxx;
    p->stats[S_H] = sxx / n;
    p->stats[S_LS] = 0.5 * (syy - sxy * sxy / sxx) / n;
    p->stats[S_X4] = s4 / n;
    p->stats[S_X3Y] = s31 / n;
    p->stats[S_X2Y2] = s22 / n;
    p->stats[S_XY] = sxy / n;
    p->stats[S_N] = n;
}

static double lr_value(const sgl_landscape_params *p, const double *x)
{
    const double u = x[0] - p->stats[S_TH];
    return p->stats[S_LS] + 0.5 * p->stats[S_H] * u * u;
}
static void lr_grad(const sgl_landscape_params *p, const double *x, double *g)
{
    g[0] = p->stats[S_H] * (x[0] - p->stats[S_TH]);
}
static void lr_hess(const sgl_landscape_params *p, const double *x, double *H)
{
    (void)x;
    H[0] = p->stats[S_H];
}
static void lr_critical(const sgl_landscape_params *p, double *xm, double *xs, double *xn)
{
    (void)xs; (void)xn;
    xm[0] = p->stats[S_TH];
}
static void lr_sample_grad(const sgl_landscape_params *p, uint32_t i, const double *x, double *g)
{
    double xi, yi;
    sample(p, i, &xi, &yi);
    g[0] = (x[0] * xi - yi) * xi;
}
/* Var_i[(theta x_i - y_i) x_i] = theta^2 S_x4 - 2 theta S_x3y + S_x2y2 - (theta S_xx - S_xy)^2 */
static void lr_grad_var(const sgl_landscape_params *p, const double *x, double *v)
{
    const double t = x[0], m = t * p->stats[S_H] - p->stats[S_XY];
    const double e2 = (t * p->stats[S_X4] - 2.0 * p->stats[S_X3Y]) * t + p->stats[S_X2Y2];
    v[0] = e2 - m * m > 0.0 ? e2 - m * m : 0.0;
}

const sgl_landscape_type sgl_landscape_linreg = {
    .name = "linreg", .reads = "n-data", .has_saddle = 0, .max_dim = 1,
    .doc = "linear regression theta x on --n-data samples x, y ~ N(0,1) drawn from --seed (d = 1): "
           "L = (1/2N) sum (theta x_i - y_i)^2, minimum theta* = Sxy/Sxx; for --noise data, --dynamics minibatch",
    .value = lr_value, .grad = lr_grad, .hess = lr_hess, .critical = lr_critical,
    .check = lr_check, .prepare = lr_prepare, .sample_grad = lr_sample_grad, .grad_var = lr_grad_var};
