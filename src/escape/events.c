/* Escape exit events (include/sgdlab.h, sgl_escape_event): each a const
 * sgl_esc_event with its spec checks, its geometry (the exit threshold),
 * its exit test and its reaction coordinate; the registry sgl_escape_events
 * at the end (order = the enum).  Adding an event: its type here and one
 * registry line. */
#include "escape.h"
#include "../internal.h"

#include <math.h>

static int finite_pos(double x) { return isfinite(x) && x > 0.0; }

static sgl_status no_check(const sgl_escape_spec *s, sgl_err *err)
{
    (void)s; (void)err;
    return SGL_OK;
}

/* ---- hyperplane and next-min: theta_0 crosses x_exit in the escape direction */
static int plane_hit(const sgl_esc_ctx *c, const double *x, double L)
{
    (void)L;
    return c->in.dir * (x[0] - c->in.x_exit) >= 0.0;
}
static double plane_coord(const sgl_esc_ctx *c, const double *x, double L)
{
    (void)L;
    return (x[0] - c->in.x_min[0]) / (c->in.x_exit - c->in.x_min[0]);
}

/* F = dir (x_exit - theta_0), dF/dtheta_0 = -dir: a = 2 F0 F1 / var_0 (the
 * fast 1-D kernel of engine.c repeats these operations in this order) */
static double plane_bridge(const sgl_esc_ctx *c, const sgl_esc_bridge_in *b, const double *x1, double L1)
{
    (void)L1;
    const double F0 = c->in.dir * (c->in.x_exit - b->x[0]), F1 = c->in.dir * (c->in.x_exit - x1[0]);
    return 2.0 * F0 * F1 / b->var[0];
}

static sgl_status hyper_check(const sgl_escape_spec *s, sgl_err *err)
{
    if (!(isfinite(s->offset) && s->offset >= 0.0))
        return sgl_fail(err, SGL_EINVAL, "offset", "must be a finite number >= 0 (noise widths past the saddle), got %g",
                        s->offset);
    return SGL_OK;
}
/* x_sad + offset * w, w = sqrt(D_0(x_sad) / |H_00(x_sad)|); a noise that reads
 * the Hessian at theta (xie) takes it frozen at the minimum here */
static sgl_status hyper_geometry(sgl_esc_ctx *c, sgl_err *err)
{
    const sgl_escape_spec *s = c->s;
    sgl_escape_info *in = &c->in;
    const unsigned n = s->lp.n;
    double H[SGL_ESC_MAX_DIM * SGL_ESC_MAX_DIM] = {0}, D[SGL_ESC_MAX_DIM];
    for (unsigned i = 0; i < n; ++i) H[i * n + i] = in->hstar[i];
    c->noise->diffusion(c, in->x_sad, in->L_sad, H, D);
    in->x_exit = in->x_sad[0] + in->dir * s->offset * sqrt(D[0] / fabs(in->h_sad0));
    if (in->dir * (in->x_exit - in->x_next[0]) > 0.0)
        return sgl_fail(err, SGL_EINVAL, "offset",
                        "%g noise widths put the hyperplane (theta_1 = %g) past the next minimum (%g): use a "
                        "smaller offset or --event next-min", s->offset, in->x_exit, in->x_next[0]);
    return SGL_OK;
}
static const sgl_esc_event k_hyperplane = {
    .kind = {.id = SGL_ESC_EV_HYPERPLANE, .name = "hyperplane", .reads = "offset",
             .doc = "theta_1 past the saddle + --offset noise widths (landscapes with a saddle)"},
    .needs_saddle = 1, .lane_threshold = 1, .check = hyper_check, .geometry = hyper_geometry,
    .hit = plane_hit, .coord = plane_coord, .bridge = plane_bridge};

static sgl_status next_geometry(sgl_esc_ctx *c, sgl_err *err)
{
    (void)err;
    c->in.x_exit = c->in.x_next[0];
    return SGL_OK;
}
static const sgl_esc_event k_next_min = {
    .kind = {.id = SGL_ESC_EV_NEXT_MIN, .name = "next-min", .reads = "",
             .doc = "theta_1 reaches the next minimum (the transition; landscapes with a saddle)"},
    .needs_saddle = 1, .lane_threshold = 1, .check = no_check, .geometry = next_geometry,
    .hit = plane_hit, .coord = plane_coord, .bridge = plane_bridge};

/* ---- loss: L >= c L* */
static sgl_status loss_check(const sgl_escape_spec *s, sgl_err *err)
{
    if (!(isfinite(s->c) && s->c > 1.0))
        return sgl_fail(err, SGL_EINVAL, "c", "must be a finite number > 1 (exit at L >= c L*), got %g", s->c);
    if (!(s->lp.L0 > 0.0)) return sgl_fail(err, SGL_EINVAL, "L0", "event loss (L >= c L*) needs L* = L0 > 0");
    return SGL_OK;
}
static int loss_hit(const sgl_esc_ctx *c, const double *x, double L)
{
    (void)x;
    return L >= c->s->c * c->in.L_min;
}
static double loss_coord(const sgl_esc_ctx *c, const double *x, double L)
{
    (void)x;
    return (L - c->in.L_min) / ((c->s->c - 1.0) * c->in.L_min);
}
/* F = c L* - L, linearised at x0 (dF/dx = -grad L(x0)): a = 2 F0 F1 / sum g_i^2 var_i */
static double loss_bridge(const sgl_esc_ctx *c, const sgl_esc_bridge_in *b, const double *x1, double L1)
{
    (void)x1;
    const double Lc = c->s->c * c->in.L_min;
    double S = 0.0;
    for (unsigned i = 0; i < c->s->lp.n; ++i) S += b->g[i] * b->g[i] * b->var[i];
    return 2.0 * (Lc - b->L) * (Lc - L1) / S;
}
static const sgl_esc_event k_loss = {
    .kind = {.id = SGL_ESC_EV_LOSS, .name = "loss", .reads = "c", .doc = "L(theta) >= --c L*"},
    .check = loss_check, .hit = loss_hit, .coord = loss_coord, .bridge = loss_bridge};

/* ---- ball: |theta - theta*| >= r */
static sgl_status ball_check(const sgl_escape_spec *s, sgl_err *err)
{
    if (!finite_pos(s->r)) return sgl_fail(err, SGL_EINVAL, "r", "must be a finite number > 0, got %g", s->r);
    return SGL_OK;
}
static double dist2(const sgl_esc_ctx *c, const double *x)
{
    double d2 = 0.0;
    for (unsigned i = 0; i < c->s->lp.n; ++i) d2 += (x[i] - c->in.x_min[i]) * (x[i] - c->in.x_min[i]);
    return d2;
}
static int ball_hit(const sgl_esc_ctx *c, const double *x, double L)
{
    (void)L;
    return dist2(c, x) >= c->s->r * c->s->r;
}
static double ball_coord(const sgl_esc_ctx *c, const double *x, double L)
{
    (void)L;
    return sqrt(dist2(c, x)) / c->s->r;
}
/* F = r - |theta - theta*|, normal u = (x0 - theta*) / |x0 - theta*| (x1's
 * direction when x0 = theta*, e_1 when both are): a = 2 F0 F1 / sum u_i^2 var_i */
static double ball_bridge(const sgl_esc_ctx *c, const sgl_esc_bridge_in *b, const double *x1, double L1)
{
    (void)L1;
    const double d0 = sqrt(dist2(c, b->x)), d1 = sqrt(dist2(c, x1));
    const double *xu = d0 > 0.0 ? b->x : x1, du = d0 > 0.0 ? d0 : d1;
    double S = 0.0;
    for (unsigned i = 0; i < c->s->lp.n; ++i) {
        const double u = du > 0.0 ? (xu[i] - c->in.x_min[i]) / du : (double)(i == 0);
        S += u * u * b->var[i];
    }
    return 2.0 * (c->s->r - d0) * (c->s->r - d1) / S;
}
static const sgl_esc_event k_ball = {
    .kind = {.id = SGL_ESC_EV_BALL, .name = "ball", .reads = "r", .doc = "|theta - theta*| >= --r"},
    .check = ball_check, .hit = ball_hit, .coord = ball_coord, .bridge = ball_bridge};

/* ---- none: never */
static int none_hit(const sgl_esc_ctx *c, const double *x, double L)
{
    (void)c; (void)x; (void)L;
    return 0;
}
static const sgl_esc_event k_none = {
    .kind = {.id = SGL_ESC_EV_NONE, .name = "none", .reads = "",
             .doc = "no event: every trajectory runs to --t-max (stationary samples)"},
    .check = no_check, .hit = none_hit};

const sgl_escape_kind *const sgl_escape_events[] = {&k_hyperplane.kind, &k_next_min.kind, &k_loss.kind, &k_ball.kind,
                                                    &k_none.kind, NULL};
