/* Escape noise kinds (include/sgdlab.h, "Noise of the escape dynamics"):
 * each a const sgl_esc_noise with its diffusion D(theta) and its spec
 * checks; the registry sgl_escape_noises at the end (order = enum
 * sgl_escape_noise).  Adding a noise: its type here and one registry line. */
#include "escape.h"
#include "../internal.h"

#include <math.h>

static int finite_pos(double x) { return isfinite(x) && x > 0.0; }

static sgl_status check_B(const sgl_escape_spec *s, sgl_err *err)
{
    if (!finite_pos(s->B_over_eta))
        return sgl_fail(err, SGL_EINVAL, "B-over-eta", "must be a finite number > 0 (noise %s), got %g",
                        sgl_escape_noises[s->noise]->name, s->B_over_eta);
    return SGL_OK;
}

/* ---- isotropic: D = spec.D */
static sgl_status iso_check(const sgl_escape_spec *s, sgl_err *err)
{
    if (!finite_pos(s->D)) return sgl_fail(err, SGL_EINVAL, "D", "must be a finite number > 0, got %g", s->D);
    return SGL_OK;
}
static void iso_diffusion(const sgl_esc_ctx *c, const double *x, double L, const double *H, double *D)
{
    const sgl_escape_spec *s = c->s;
    const sgl_escape_info *in = &c->in;
    (void)x;
    (void)in; (void)L; (void)H;
    for (unsigned i = 0; i < s->lp.n; ++i) D[i] = s->D;
}
static void iso_lane(const sgl_esc_ctx *c, sgl_esc_lane_D *o)
{
    const sgl_escape_spec *s = c->s;
    const sgl_escape_info *in = &c->in;
    (void)in;
    *o = (sgl_esc_lane_D){.per_L = 0, .D0 = s->D};
}
static const sgl_esc_noise k_isotropic = {
    .kind = {.id = SGL_ESC_ISOTROPIC, .name = "isotropic", .reads = "D",
             .doc = "D = --D, constant (GLD; per-step std sqrt(2 D eta))"},
    .check = iso_check, .diffusion = iso_diffusion, .lane_D = iso_lane};

/* ---- mori: D_i = L(theta) h*_i / (B/eta) */
static sgl_status mori_check(const sgl_escape_spec *s, sgl_err *err)
{
    sgl_status st = check_B(s, err);
    if (st != SGL_OK) return st;
    if (!(s->lp.L0 > 0.0))
        return sgl_fail(err, SGL_ECAPS, "L0",
                        "noise mori needs L* = L0 > 0 (the noise vanishes at L = 0 and the minimum never escapes)");
    return SGL_OK;
}
static void mori_diffusion(const sgl_esc_ctx *c, const double *x, double L, const double *H, double *D)
{
    const sgl_escape_spec *s = c->s;
    const sgl_escape_info *in = &c->in;
    (void)x;
    (void)H;
    for (unsigned i = 0; i < s->lp.n; ++i) D[i] = L * in->hstar[i] / s->B_over_eta;
}
static void mori_lane(const sgl_esc_ctx *c, sgl_esc_lane_D *o)
{
    const sgl_escape_spec *s = c->s;
    const sgl_escape_info *in = &c->in;
    *o = (sgl_esc_lane_D){.per_L = 1, .num = in->hstar[0], .den = s->B_over_eta};
}
static const sgl_esc_noise k_mori = {
    .kind = {.id = SGL_ESC_MORI, .name = "mori", .reads = "B-over-eta",
             .doc = "Sigma = (2 L(theta) / B) H*, D = L(theta) H* / (B/eta) (needs L0 > 0)"},
    .check = mori_check, .diffusion = mori_diffusion, .lane_D = mori_lane};

/* ---- xie: D_i = H_ii(theta)^+ / (2 B/eta) */
static void xie_diffusion(const sgl_esc_ctx *c, const double *x, double L, const double *H, double *D)
{
    const sgl_escape_spec *s = c->s;
    const sgl_escape_info *in = &c->in;
    (void)x;
    (void)in; (void)L;
    const unsigned n = s->lp.n;
    for (unsigned i = 0; i < n; ++i) {
        const double Hii = H[i * n + i];
        D[i] = (Hii > 0.0 ? Hii : 0.0) / (2.0 * s->B_over_eta);
    }
}
static const sgl_esc_noise k_xie = {
    .kind = {.id = SGL_ESC_XIE, .name = "xie", .reads = "B-over-eta",
             .doc = "Sigma = H(theta)^+ / B (PSD part of the Hessian where the trajectory is)"},
    .hess = 1, .check = check_B, .diffusion = xie_diffusion};

/* ---- xie-frozen: D_i = h*_i / (2 B/eta) */
static void xief_diffusion(const sgl_esc_ctx *c, const double *x, double L, const double *H, double *D)
{
    const sgl_escape_spec *s = c->s;
    const sgl_escape_info *in = &c->in;
    (void)x;
    (void)L; (void)H;
    for (unsigned i = 0; i < s->lp.n; ++i) D[i] = in->hstar[i] / (2.0 * s->B_over_eta);
}
static const sgl_esc_noise k_xie_frozen = {
    .kind = {.id = SGL_ESC_XIE_FROZEN, .name = "xie-frozen", .reads = "B-over-eta",
             .doc = "Sigma = H* / B, the Hessian frozen at the minimum (constant, anisotropic)"},
    .check = check_B, .diffusion = xief_diffusion};

/* ---- data: the exact covariance of a minibatch of B of the N samples drawn
 * without replacement, Sigma = (N - B)/(N - 1) Var_i[grad l_i] / B, D = eta Sigma / 2 */
static sgl_status data_check(const sgl_escape_spec *s, sgl_err *err)
{
    const sgl_landscape_type *lt = sgl_landscape_lookup(s->landscape);
    if (!lt->grad_var)
        return sgl_fail(err, SGL_ECAPS, "noise", "data (the exact minibatch noise) needs a data landscape (linreg), "
                        "got --landscape %s", lt->name);
    const uint32_t N = s->lp.n_data ? s->lp.n_data : 1000u, B = s->batch ? s->batch : 1u;
    if (B >= N || B > 1024)
        return sgl_fail(err, SGL_EINVAL, "batch", "must be in 1..1024 and below n-data (%u), got %u", N, B);
    return SGL_OK;
}
static void data_diffusion(const sgl_esc_ctx *c, const double *x, double L, const double *H, double *D)
{
    (void)L; (void)H;
    const double N = c->lp.n_data ? c->lp.n_data : 1000.0, B = c->s->batch ? c->s->batch : 1.0;
    double v[SGL_ESC_MAX_DIM];
    c->lt->grad_var(&c->lp, x, v);
    for (unsigned i = 0; i < c->s->lp.n; ++i) D[i] = 0.5 * c->s->eta * ((N - B) / (N - 1.0) * v[i] / B);
}
static const sgl_esc_noise k_data = {
    .kind = {.id = SGL_ESC_DATA, .name = "data", .reads = "batch",
             .doc = "data landscapes: Gaussian with the exact covariance of a minibatch of --batch samples "
                    "(without replacement), D = eta Sigma / 2"},
    .check = data_check, .diffusion = data_diffusion};

const sgl_escape_kind *const sgl_escape_noises[] = {&k_isotropic.kind, &k_mori.kind, &k_xie.kind,
                                                    &k_xie_frozen.kind, &k_data.kind, NULL};
