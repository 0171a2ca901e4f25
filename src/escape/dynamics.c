/* Escape dynamics (include/sgdlab.h, sgl_escape_dynamics): each a const
 * sgl_esc_dynamics with its step, step size and spec checks; the registry
 * sgl_escape_dynamics_kinds at the end (order = the enum).  Adding an update
 * rule (e.g. a normalized or sqrt-loss step): its type here and one registry
 * line. */
#include "escape.h"
#include "../internal.h"

#include <math.h>

/* Euler-Maruyama / Gaussian-noise SGD (the inline sgl_esc_euler of escape.h) */
double sgl_esc_euler_step(const sgl_esc_ctx *c, double *x, const double *z, double h, uint32_t traj, uint64_t k,
                          sgl_esc_bridge_in *b)
{
    (void)traj; (void)k;
    return sgl_esc_euler(c, x, z, h, b);
}

/* ---- sgd: the step is eta, --dt is refused */
static sgl_status sgd_check(const sgl_escape_spec *s, sgl_err *err)
{
    if (s->dt != 0.0 && s->dt != s->eta)
        return sgl_fail(err, SGL_EINVAL, "dt", "not used by --dynamics sgd (its step is eta = %g)", s->eta);
    return SGL_OK;
}
static double sgd_step_size(const sgl_escape_spec *s, const sgl_escape_info *in)
{
    (void)in;
    return s->eta;
}
static const sgl_esc_dynamics k_sgd = {
    .kind = {.id = SGL_ESC_SGD, .name = "sgd", .reads = "lr",
             .doc = "theta <- theta - eta grad L + eta xi, t = eta k"},
    .lane_euler = 1, .check = sgd_check, .step_size = sgd_step_size, .step = sgl_esc_euler_step};

/* ---- sde: Euler-Maruyama with step --dt (default eta) */
static sgl_status no_check(const sgl_escape_spec *s, sgl_err *err)
{
    (void)s; (void)err;
    return SGL_OK;
}
static double sde_step_size(const sgl_escape_spec *s, const sgl_escape_info *in)
{
    (void)in;
    return s->dt > 0.0 ? s->dt : s->eta;
}
static const sgl_esc_dynamics k_sde = {
    .kind = {.id = SGL_ESC_SDE, .name = "sde", .reads = "lr dt bridge",
             .doc = "Euler-Maruyama with step --dt (default eta; with --bridge off: the sgd trajectory bit for bit)"},
    .lane_euler = 1, .check = no_check, .step_size = sde_step_size, .step = sgl_esc_euler_step};

/* ---- mori-tc: Mori's time-changed SDE (Eq. 15) in tau:
 * x <- x - dtau grad L / L + sqrt(2 h* / (B/eta) dtau) z, t += dtau / L */
static sgl_status tc_check(const sgl_escape_spec *s, sgl_err *err)
{
    if (s->noise != SGL_ESC_MORI)
        return sgl_fail(err, SGL_ECAPS, "dynamics",
                        "mori-tc (Mori's time change) needs --noise mori, got --noise %s; valid dynamics for it: sgd, sde",
                        sgl_escape_noises[s->noise]->name);
    return SGL_OK;
}
static double tc_step_size(const sgl_escape_spec *s, const sgl_escape_info *in)
{
    return s->dt > 0.0 ? s->dt : s->eta * in->L_min;
}
static double tc_step(const sgl_esc_ctx *c, double *x, const double *z, double h, uint32_t traj, uint64_t k,
                      sgl_esc_bridge_in *b)
{
    (void)traj; (void)k;
    const sgl_escape_spec *s = c->s;
    const unsigned n = s->lp.n;
    double g[SGL_ESC_MAX_DIM];
    const double L = c->lt->value(&c->lp, x);
    c->lt->grad(&c->lp, x, g);
    if (b) {
        b->L = L;
        for (unsigned i = 0; i < n; ++i) {
            b->x[i] = x[i];
            b->g[i] = g[i];
            b->var[i] = (2.0 * c->in.hstar[i] / s->B_over_eta) * h;
        }
    }
    for (unsigned i = 0; i < n; ++i) {
        double sd = sqrt((2.0 * c->in.hstar[i] / s->B_over_eta) * h);
        x[i] = x[i] - h * (g[i] / L) + sd * z[i];
    }
    return L;
}
static const sgl_esc_dynamics k_mori_tc = {
    .kind = {.id = SGL_ESC_MORI_TC, .name = "mori-tc", .reads = "lr dt bridge",
             .doc = "Mori's time-changed SDE (Eq. 15) with step dtau = --dt (default eta L*); noise mori only"},
    .time_changed = 1, .check = tc_check, .step_size = tc_step_size, .step = tc_step};

/* ---- minibatch: true minibatch SGD on a data landscape,
 * x <- x - (eta / B) sum_{i in batch} grad l_i(x), B distinct indices from
 * Philox (seed, traj, step k, SGL_P_BATCH) (a repeat is drawn again) */
static sgl_status mb_check(const sgl_escape_spec *s, sgl_err *err)
{
    if (s->noise != SGL_ESC_DATA)
        return sgl_fail(err, SGL_ECAPS, "dynamics", "minibatch (true minibatch SGD) needs --noise data (its Gaussian "
                        "version), got --noise %s", sgl_escape_noises[s->noise]->name);
    if (s->start != SGL_ESC_START_MIN)
        return sgl_fail(err, SGL_ECAPS, "start", "dynamics minibatch starts at theta* (or --x0): no burn-in");
    return sgd_check(s, err);
}
#define MAX_BATCH 1024
static double mb_step(const sgl_esc_ctx *c, double *x, const double *z, double h, uint32_t traj, uint64_t k,
                      sgl_esc_bridge_in *b)
{
    (void)z; (void)b;
    const unsigned n = c->s->lp.n;
    const uint32_t N = c->lp.n_data ? c->lp.n_data : 1000u, B = c->s->batch ? c->s->batch : 1u;
    uint32_t idx[MAX_BATCH];
    double g[SGL_ESC_MAX_DIM] = {0}, gi[SGL_ESC_MAX_DIM];
    const double L = c->lt->value(&c->lp, x);
    sgl_stream st;
    sgl_stream_init(&st, c->s->seed, traj, k, SGL_P_BATCH);
    for (uint32_t j = 0; j < B; ++j) {
        uint32_t i, seen;
        do {
            i = sgl_stream_index(&st, N);
            for (seen = 0; seen < j && idx[seen] != i; ++seen) {}
        } while (seen < j);
        idx[j] = i;
        c->lt->sample_grad(&c->lp, i, x, gi);
        for (unsigned d = 0; d < n; ++d) g[d] += gi[d];
    }
    for (unsigned d = 0; d < n; ++d) x[d] = x[d] - h * (g[d] / (double)B);
    return L;
}
static const sgl_esc_dynamics k_minibatch = {
    .kind = {.id = SGL_ESC_MINIBATCH, .name = "minibatch", .reads = "lr batch",
             .doc = "true minibatch SGD on a data landscape: --batch distinct samples a step (noise data only)"},
    .no_normals = 1, .check = mb_check, .step_size = sgd_step_size, .step = mb_step};

const sgl_escape_kind *const sgl_escape_dynamics_kinds[] = {&k_sgd.kind, &k_sde.kind, &k_mori_tc.kind,
                                                             &k_minibatch.kind, NULL};
