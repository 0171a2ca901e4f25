/* Escape engine (issue 5): M independent first-passage trajectories.
 *
 * Trajectories are advanced in lanes of SGL_VM_LANES (structure of arrays:
 * the lane index is the unit-stride axis); a lane whose trajectory ends takes
 * the next one of its batch, batches are spread over OpenMP threads.  Every
 * random number is a pure function of (seed, trajectory, purpose, step,
 * coordinate) (see sgdlab.h), and every trajectory's arithmetic depends only
 * on its own numbers, so results are bitwise independent of the thread count,
 * the lane width, the batch size and the ISA (contraction is off; the vector
 * log/sincos of vmath.h are the library's own).  Each kind's arithmetic
 * (the noise's D, the dynamics' step, the event's test and geometry) comes
 * from its type (src/escape/escape.h: noise.c, dynamics.c, events.c,
 * registry.c); the same step and test drive one replica at a time
 * (sgl_esc_replica_advance) for splitting methods. */
#include "escape.h"
#include "../internal.h"

#include <math.h>
#include <omp.h>
#include <string.h>

#include "../philox.h"
#include "../vmath.h"

#define W SGL_VM_LANES
#define DIV_BOUND 1e60

/* c from a checked spec: the kinds' types and the landscape parameters,
 * prepared (data landscapes draw their data from the spec's seed) */
static void ctx_init(sgl_esc_ctx *c, const sgl_escape_spec *s)
{
    memset(c, 0, sizeof *c);
    c->s = s;
    c->lp = s->lp;
    c->lp.data_seed = s->seed;
    c->lt = sgl_landscape_lookup(s->landscape);
    if (c->lt->prepare) c->lt->prepare(&c->lp);
    c->noise = sgl_esc_noise_of(s->noise);
    c->dyn = sgl_esc_dynamics_of(s->dynamics);
    c->event = sgl_esc_event_of(s->event);
    c->start = sgl_esc_start_of(s->start);
    c->bridge = s->bridge && sgl_escape_reads(c->dyn->kind.reads, "bridge") && c->event->bridge;
}

static int all_finite(const double *x, unsigned n)
{
    for (unsigned i = 0; i < n; ++i)
        if (!isfinite(x[i])) return 0;
    return 1;
}

/* a plugin's critical points, values and curvatures must be numbers (a Python callback that raised gives NaN) */
static sgl_status finite_geometry(const sgl_landscape_type *lt, unsigned n, const sgl_escape_info *in, sgl_err *err)
{
    const char *bad = !all_finite(in->x_min, n) ? "the minimum" : !isfinite(in->L_min) ? "the value at the minimum"
                      : !all_finite(in->hstar, n) ? "the Hessian at the minimum" : NULL;
    if (!bad && lt->has_saddle)
        bad = !all_finite(in->x_sad, n) ? "the saddle" : !all_finite(in->x_next, n) ? "the next minimum"
              : !isfinite(in->L_sad) ? "the value at the saddle" : !isfinite(in->h_sad0) ? "the Hessian at the saddle"
              : NULL;
    if (bad) return sgl_fail(err, SGL_EINVAL, "landscape", "%s of landscape %s is not finite", bad, lt->name);
    return SGL_OK;
}

/* c->in: critical points, the exit geometry, the step; the start checked */
static sgl_status describe_ctx(sgl_esc_ctx *c, sgl_err *err)
{
    const sgl_escape_spec *s = c->s;
    const sgl_landscape_type *lt = c->lt;
    const sgl_landscape_params *p = &c->lp;
    sgl_escape_info *in = &c->in;
    sgl_status st;
    memset(in, 0, sizeof *in);
    const unsigned n = p->n;
    double H[SGL_ESC_MAX_DIM * SGL_ESC_MAX_DIM];
    lt->critical(p, in->x_min, lt->has_saddle ? in->x_sad : NULL, lt->has_saddle ? in->x_next : NULL);
    in->L_min = lt->value(p, in->x_min);
    lt->hess(p, in->x_min, H);
    for (unsigned i = 0; i < n; ++i) in->hstar[i] = H[i * n + i];
    in->h_min0 = H[0];
    in->L_sad = in->h_sad0 = NAN;
    in->dir = 1;
    if (lt->has_saddle) {
        in->L_sad = lt->value(p, in->x_sad);
        lt->hess(p, in->x_sad, H);
        in->h_sad0 = H[0];
        in->dir = in->x_sad[0] > in->x_min[0] ? 1 : -1;
    }
    if ((st = finite_geometry(lt, n, in, err)) != SGL_OK) return st;
    if (c->event->geometry && (st = c->event->geometry(c, err)) != SGL_OK) return st;   /* --offset: hyperplane's */
    in->step = c->dyn->step_size(s, in);
    if (!c->dyn->time_changed) {
        double km = floor(s->t_max / in->step * (1.0 + 1e-12));
        if (km < 1.0) return sgl_fail(err, SGL_EINVAL, "t-max", "must be at least one step (%g), got %g", in->step, s->t_max);
        if (km > 0x1p62) return sgl_fail(err, SGL_EINVAL, "t-max", "t-max / step must be below 2^62");
        in->k_max = (uint64_t)km;
    }
    /* the start must lie inside the basin: the event has not happened there */
    const double *x0 = s->x0 ? s->x0 : in->x_min;
    for (unsigned i = 0; s->x0 && i < n; ++i)
        if (!isfinite(x0[i])) return sgl_fail(err, SGL_EINVAL, "x0", "coordinate %u is not finite", i + 1);
    if (lt->has_saddle && in->dir * (x0[0] - in->x_sad[0]) >= 0.0)
        return sgl_fail(err, SGL_EINVAL, "x0", "start theta_1 = %g is outside the basin of the minimum %g (the saddle "
                        "is at %g)", x0[0], in->x_min[0], in->x_sad[0]);
    if (c->event->hit(c, x0, lt->value(p, x0)))
        return sgl_fail(err, SGL_EINVAL, "x0", "the start already satisfies the exit event (%s): it is outside the basin",
                        c->event->kind.name);
    return SGL_OK;
}

sgl_status sgl_esc_prepare(sgl_esc_ctx *c, const sgl_escape_spec *s, sgl_err *err)
{
    sgl_status st = sgl_escape_spec_check(s, err);
    if (st != SGL_OK) return st;
    ctx_init(c, s);
    return describe_ctx(c, err);
}

sgl_status sgl_escape_describe(const sgl_escape_spec *s, sgl_escape_info *in, sgl_err *err)
{
    sgl_esc_ctx c;
    sgl_status st = sgl_esc_prepare(&c, s, err);
    if (st == SGL_OK) *in = c.in;
    return st;
}

sgl_status sgl_escape_spec_validate(const sgl_escape_spec *s, sgl_err *err)
{
    sgl_escape_info in;
    return sgl_escape_describe(s, &in, err);
}

sgl_status sgl_escape_results_alloc(const sgl_escape_spec *s, sgl_escape_results **out, sgl_err *err)
{
    *out = NULL;
    if (s->trajectories < 1) return sgl_fail(err, SGL_EINVAL, "trajectories", "must be >= 1");
    if (s->lp.n < 1 || s->lp.n > SGL_ESC_MAX_DIM) return sgl_fail(err, SGL_EINVAL, "n-dim", "must be in 1..%d", SGL_ESC_MAX_DIM);
    sgl_escape_results *r = sgl_calloc(1, sizeof *r);
    if (!r) return sgl_fail(err, SGL_ENOMEM, "trajectories", "out of memory");
    const size_t M = s->trajectories;
    r->M = M;
    r->n = s->lp.n;
    r->t = sgl_malloc_array(M, sizeof *r->t);
    r->steps = sgl_malloc_array(M, sizeof *r->steps);
    r->state = sgl_malloc_array(M, sizeof *r->state);
    r->L = sgl_malloc_array(M, sizeof *r->L);
    r->x = sgl_malloc_array(M * r->n, sizeof *r->x);
    if (!r->t || !r->steps || !r->state || !r->L || !r->x) {
        sgl_escape_results_free(r);
        return sgl_fail(err, SGL_ENOMEM, "trajectories", "out of memory for %zu trajectories", M);
    }
    *out = r;
    return SGL_OK;
}

void sgl_escape_results_free(sgl_escape_results *r)
{
    if (!r) return;
    sgl_free(r->t);
    sgl_free(r->steps);
    sgl_free(r->state);
    sgl_free(r->L);
    sgl_free(r->x);
    sgl_free(r);
}

/* ------------------------------------------------------------ randomness */

typedef sgl_u64v u64v;   /* one 64-bit lane per trajectory (src/philox.h) */

static inline sgl_vm uniform_v(u64v hi, u64v lo)
{
    u64v m = (hi << 20) ^ (lo >> 12);
    return (sgl_vm_from_u52((sgl_vmi)m) + sgl_vm_splat(0.5)) * sgl_vm_splat(0x1p-52);   /* m < 2^52 */
}

/* Box-Muller pair number pair[l] of trajectory traj[l], purpose, per lane:
 * in counter layout v1, block pair mod 2^32 of the stream (seed, traj[l],
 * step = pair / 2^32, purpose) (sgl_philox_c1/c3 of src/philox.h). */
static inline void normals_v(uint64_t seed, const u64v pair, const u64v traj, unsigned purpose, sgl_vm *zc, sgl_vm *zs)
{
    const uint64_t M = 0xffffffffu;
    /* step = pair / 2^32 < 2^32: c1 = step, and c3 carries no step bits */
    u64v o0 = pair & M, o1 = pair >> 32, o2 = traj, o3 = pair - pair + sgl_philox_c3(0, purpose);
    sgl_philox_v(&o0, &o1, &o2, &o3, seed);
    sgl_vm_box_muller_unit(uniform_v(o0, o1), uniform_v(o2, o3), zc, zs);
}

/* ------------------------------------------------ one step, one state */

/* 0 inside, 1 event, 2 diverged; *Lout = L(x) (NaN past the bound) */
static inline int check_state(const sgl_esc_ctx *c, const double *x, double *Lout)
{
    const sgl_escape_spec *s = c->s;
    const unsigned n = s->lp.n;
    *Lout = NAN;
    for (unsigned i = 0; i < n; ++i)
        if (!(fabs(x[i]) <= DIV_BOUND)) return 2;
    double L = c->lt->value(&c->lp, x);
    *Lout = L;
    if (!isfinite(L)) return 2;
    if (c->event->lane_threshold) return c->in.dir * (x[0] - c->in.x_exit) >= 0.0;   /* inline */
    return c->event->hit(c, x, L) != 0;
}

/* Brownian-bridge exit draw (include/sgdlab.h, sgl_escape_spec.bridge): did
 * the bridge of the step with stream counter k of stream (traj, purpose),
 * crossing probability exp(-a), cross?  u >= 2^-53 > exp(-40), so a >= 40
 * (and NaN) never crosses and needs no draw. */
static inline int bridge_draw(uint64_t seed, uint32_t traj, uint64_t k, unsigned purpose, double a)
{
    if (!(a < 40.0)) return 0;
    const uint32_t ctr[4] = {(uint32_t)k, (uint32_t)(k >> 32), traj, (uint32_t)SGL_P_BRIDGE << 24 | purpose};
    const uint32_t key[2] = {(uint32_t)seed, (uint32_t)(seed >> 32)};
    uint32_t o[4];
    sgl_philox4x32(ctr, key, o);
    return sgl_uniform_from_words(o[0], o[1]) < exp(-a);
}

/* check_state's 0 (inside) turned into 1 when the step's bridge crossed */
static inline int bridge_check(const sgl_esc_ctx *c, const sgl_esc_bridge_in *b, const double *x1, double L1,
                               uint32_t traj, uint64_t k, unsigned purpose)
{
    return bridge_draw(c->s->seed, traj, k, purpose, c->event->bridge(c, b, x1, L1));
}

/* the main phase's verdict after step k at time t (ev from check_state) */
static inline int verdict(const sgl_esc_ctx *c, int ev, uint64_t k, double t)
{
    const int tc = c->dyn->time_changed;
    if (ev == 2) return SGL_FP_DIVERGED;
    if (ev == 1 && (tc ? t <= c->s->t_max : k <= c->in.k_max)) return SGL_FP_ESCAPED;
    if (tc ? t >= c->s->t_max : k >= c->in.k_max) return SGL_FP_CENSORED;
    return SGL_ESC_RUNNING;
}

/* time after a step that started at loss L_start (t: before it, k: steps after it) */
static inline double advance_time(const sgl_esc_ctx *c, double t, uint64_t k, double L_start)
{
    return c->dyn->time_changed ? t + c->in.step / L_start : (double)k * c->in.step;
}

void sgl_esc_coord_set(sgl_esc_ctx *c, int coordinate)
{
    const sgl_escape_info *in = &c->in;
    const double h = fabs(in->h_min0), L1 = in->L_min, r = c->s->r, cc = c->s->c;
    const int plane = c->s->event == SGL_ESC_EV_HYPERPLANE || c->s->event == SGL_ESC_EV_NEXT_MIN;
    const int ball = c->s->event == SGL_ESC_EV_BALL;
    c->coord = coordinate;
    if (coordinate == 1)   /* the loss one reaches at the exit: the saddle's, c L*, or the quadratic's at r */
        c->coord_ref = plane ? in->L_sad - L1 : ball ? 0.5 * h * r * r : (cc - 1.0) * L1;
    else if (coordinate == 2)   /* the distance to the exit: along theta_1, r, or where the quadratic reaches c L* */
        c->coord_ref = plane ? fabs(in->x_exit - in->x_min[0]) : ball ? r : sqrt(2.0 * (cc - 1.0) * L1 / h);
}

double sgl_esc_coord(const sgl_esc_ctx *c, const double *x, double L)
{
    if (c->coord == 1) return (L - c->in.L_min) / c->coord_ref;
    if (c->coord == 2) {
        double d2 = 0.0;
        for (unsigned i = 0; i < c->s->lp.n; ++i) d2 += (x[i] - c->in.x_min[i]) * (x[i] - c->in.x_min[i]);
        return sqrt(d2) / c->coord_ref;
    }
    return c->event->coord ? c->event->coord(c, x, L) : NAN;
}

void sgl_esc_replica_init(const sgl_esc_ctx *c, sgl_esc_replica *r, uint32_t stream, unsigned purpose)
{
    const unsigned n = c->s->lp.n;
    const double *x0 = c->s->x0 ? c->s->x0 : c->in.x_min;
    memset(r, 0, sizeof *r);
    for (unsigned i = 0; i < n; ++i) r->x[i] = x0[i];
    r->L = c->lt->value(&c->lp, r->x);
    r->stream = stream;
    r->purpose = purpose;
}

void sgl_esc_replica_reseed(sgl_esc_replica *r, uint32_t stream, unsigned purpose, uint64_t k)
{
    r->stream = stream;
    r->purpose = purpose;
    r->k = k;
}

/* the normals of step r->k, coordinates in lanes (the engine's layout) */
static void replica_normals(const sgl_esc_ctx *c, const sgl_esc_replica *r, double *z)
{
    const unsigned n = c->s->lp.n;
    for (unsigned i0 = 0; i0 < n; i0 += W) {
        u64v pair, traj;
        for (int l = 0; l < W; ++l) {
            pair[l] = (r->k >> 1) * n + i0 + (unsigned)l;
            traj[l] = r->stream;
        }
        sgl_vm a, b;
        normals_v(c->s->seed, pair, traj, r->purpose, &a, &b);
        for (unsigned l = 0; l < (unsigned)W && i0 + l < n; ++l) z[i0 + l] = (r->k & 1) ? b[l] : a[l];
    }
}

int sgl_esc_replica_advance(const sgl_esc_ctx *c, sgl_esc_replica *r, uint64_t nsteps, double *xi)
{
    int v = SGL_ESC_RUNNING;
    for (uint64_t j = 0; j < nsteps && v == SGL_ESC_RUNNING; ++j) {
        double z[SGL_ESC_MAX_DIM];
        sgl_esc_bridge_in b;
        if (!c->dyn->no_normals) replica_normals(c, r, z);
        const double L_start = c->dyn->step(c, r->x, z, c->in.step, r->stream, r->k, c->bridge ? &b : NULL);
        const uint64_t k = r->k++;
        r->steps++;
        int ev = check_state(c, r->x, &r->L);
        if (ev == 0 && c->bridge) ev = bridge_check(c, &b, r->x, r->L, r->stream, k, r->purpose);
        r->t = advance_time(c, r->t, r->steps, L_start);
        v = verdict(c, ev, r->steps, r->t);
    }
    if (xi) *xi = sgl_esc_coord(c, r->x, r->L);
    return v;
}

/* --------------------------------------------------------- the generic kernel */

typedef struct {
    const sgl_esc_ctx *c;
    sgl_escape_results *res;
    int burn_fail;   /* set (any thread) when a burn-in restarted too often */
} run_ctx;

#define MAX_RESTARTS 10000

enum { PH_IDLE = 0, PH_BURN = 1, PH_MAIN = 2 };

typedef struct {
    double x[SGL_ESC_MAX_DIM * W];   /* x[i * W + l] */
    uint64_t k[W];                   /* step counter of the phase's stream */
    uint64_t kmain[W];
    double t[W];                     /* main: time; burn: time since the last restart */
    uint32_t traj[W];
    int phase[W];
    unsigned restarts[W];
} lanes_t;

static void lane_start(const run_ctx *c, lanes_t *S, int l, uint32_t traj)
{
    const unsigned n = c->c->s->lp.n;
    const double *x0 = c->c->s->x0 ? c->c->s->x0 : c->c->in.x_min;
    for (unsigned i = 0; i < n; ++i) S->x[i * W + l] = x0[i];
    S->traj[l] = traj;
    S->k[l] = 0;
    S->kmain[l] = 0;
    S->t[l] = 0.0;
    S->restarts[l] = 0;
    S->phase[l] = c->c->start->burn_in ? PH_BURN : PH_MAIN;
}

static void lane_finish(const run_ctx *c, lanes_t *S, int l, int state, double L)
{
    sgl_escape_results *r = c->res;
    const unsigned n = c->c->s->lp.n;
    const uint32_t m = S->traj[l];
    r->state[m] = state;
    r->steps[m] = S->k[l];
    r->t[m] = state == SGL_FP_CENSORED ? c->c->s->t_max : S->t[l];
    r->L[m] = L;
    for (unsigned i = 0; i < n; ++i) r->x[(size_t)m * n + i] = S->x[i * W + l];
    S->phase[l] = PH_IDLE;
}

/* advance trajectories [b0, b1) to their ends; returns integrator steps */
static double run_batch_generic(run_ctx *c, uint32_t b0, uint32_t b1, int width)
{
    const sgl_esc_ctx *ec = c->c;
    const sgl_escape_spec *s = ec->s;
    const sgl_escape_info *in = &ec->in;
    const unsigned n = s->lp.n;
    const double h = in->step;
    const int tc = ec->dyn->time_changed;
    const int euler = ec->dyn->step == sgl_esc_euler_step;   /* inline it */
    lanes_t S;
    double steps = 0.0;
    uint32_t next = b0;
    for (int l = 0; l < W; ++l) {
        if (l < width && next < b1) lane_start(c, &S, l, next++);
        else { S.phase[l] = PH_IDLE; S.traj[l] = 0; S.k[l] = 0; }
    }
    sgl_vm zc[SGL_ESC_MAX_DIM] = {{0}}, zs[SGL_ESC_MAX_DIM] = {{0}};   /* stay 0 when the step reads none */
    for (;;) {
        int any = 0;
        for (int l = 0; l < W; ++l) any |= S.phase[l] != PH_IDLE;
        if (!any) break;
        for (int ph = PH_BURN; ph <= PH_MAIN && !ec->dyn->no_normals; ++ph) {
            int has = 0;
            for (int l = 0; l < W; ++l) has |= S.phase[l] == ph;
            if (!has) continue;
            u64v pair, traj;
            for (unsigned i = 0; i < n; ++i) {
                for (int l = 0; l < W; ++l) {
                    pair[l] = (S.k[l] >> 1) * n + i;
                    traj[l] = S.traj[l];
                }
                sgl_vm a, b;
                normals_v(s->seed, pair, traj, ph == PH_BURN ? SGL_P_ESCBURN : SGL_P_ESCAPE, &a, &b);
                for (int l = 0; l < W; ++l)
                    if (S.phase[l] == ph) { zc[i][l] = a[l]; zs[i][l] = b[l]; }
            }
        }
        int phase0[W];
        for (int l = 0; l < W; ++l) phase0[l] = S.phase[l];
        for (int half = 0; half < 2; ++half) {
            for (int l = 0; l < W; ++l) {
                if (S.phase[l] == PH_IDLE || S.phase[l] != phase0[l]) continue;
                double x[SGL_ESC_MAX_DIM], z[SGL_ESC_MAX_DIM], L;
                for (unsigned i = 0; i < n; ++i) {
                    x[i] = S.x[i * W + l];
                    z[i] = half ? zs[i][l] : zc[i][l];
                }
                sgl_esc_bridge_in bi, *b = ec->bridge ? &bi : NULL;
                double L_start = euler ? sgl_esc_euler(ec, x, z, h, b) : ec->dyn->step(ec, x, z, h, S.traj[l], S.k[l], b);
                for (unsigned i = 0; i < n; ++i) S.x[i * W + l] = x[i];
                const uint64_t k = S.k[l]++;
                steps += 1.0;
                int ev = check_state(ec, x, &L);
                if (ev == 0 && b)
                    ev = bridge_check(ec, b, x, L, S.traj[l], k, S.phase[l] == PH_BURN ? SGL_P_ESCBURN : SGL_P_ESCAPE);
                if (S.phase[l] == PH_BURN) {
                    S.t[l] += tc ? h / L_start : h;
                    if (ev == 2) { c->burn_fail = 2; lane_finish(c, &S, l, SGL_FP_DIVERGED, NAN); continue; }
                    if (ev == 1) {   /* exit during burn-in: restart at theta* */
                        for (unsigned i = 0; i < n; ++i) S.x[i * W + l] = in->x_min[i];
                        S.t[l] = 0.0;
                        if (++S.restarts[l] > MAX_RESTARTS) { c->burn_fail = 1; lane_finish(c, &S, l, SGL_FP_DIVERGED, NAN); }
                    }
                    continue;
                }
                S.kmain[l] = S.k[l];
                S.t[l] = advance_time(ec, S.t[l], S.k[l], L_start);
                int v = verdict(ec, ev, S.k[l], S.t[l]);
                if (v != SGL_ESC_RUNNING) lane_finish(c, &S, l, v, L);
            }
        }
        for (int l = 0; l < W; ++l) {
            if (S.phase[l] == PH_BURN && phase0[l] == PH_BURN && S.t[l] >= s->burn_in) {
                S.phase[l] = PH_MAIN;   /* burn-in done: the main stream starts at step 0 */
                S.k[l] = 0;
                S.t[l] = 0.0;
            }
            if (S.phase[l] == PH_IDLE && l < width && next < b1) lane_start(c, &S, l, next++);
        }
    }
    return steps;
}

/* ------------------------------------------- the specialised 1-D double well
 * doublewell, a noise with a lane form of D (isotropic, mori), a plain Euler
 * step (sgd, sde), no burn-in, an exit threshold on theta_0 (hyperplane,
 * next-min): every lane operation in vectors, the same IEEE operations in
 * the same order as the generic path. */
int sgl_escape_fast_ok(const sgl_escape_spec *s)
{
    if (!s->landscape || strcmp(s->landscape, "doublewell") != 0 || s->lp.n != 1) return 0;
    if ((unsigned)s->noise >= sgl_escape_kind_count(sgl_escape_noises) ||
        (unsigned)s->dynamics >= sgl_escape_kind_count(sgl_escape_dynamics_kinds) ||
        (unsigned)s->event >= sgl_escape_kind_count(sgl_escape_events) ||
        (unsigned)s->start >= sgl_escape_kind_count(sgl_escape_starts))
        return 0;
    return sgl_esc_noise_of(s->noise)->lane_D && sgl_esc_dynamics_of(s->dynamics)->lane_euler &&
           !sgl_esc_start_of(s->start)->burn_in && sgl_esc_event_of(s->event)->lane_threshold;
}

static inline int any_v(sgl_vmi m)
{
#if defined(__AVX512F__) && W == 8
    return _mm512_test_epi64_mask((__m512i)m, (__m512i)m) != 0;
#elif defined(__AVX__) && W == 4
    return !_mm256_testz_si256((__m256i)m, (__m256i)m);   /* one vptest, not four extracts */
#else
    int64_t r = 0;
    for (int l = 0; l < W; ++l) r |= m[l];
    return r != 0;
#endif
}

/* G lane vectors in flight: one step of one vector is a dependency chain
 * (x -> L -> D -> sqrt -> x, ~60 cycles) that one vector leaves mostly idle;
 * G independent chains fill it.  Which lane runs which trajectory changes
 * no bits (each trajectory's operations are its own). */
#define G 4

typedef struct {
    sgl_vm vL0, va, vk, c4, one, vh, two, vnum, vden, vD, vxe, vdir, zero, bound, v41;
    int perL, br;
} fast_k;

/* lane l of a vector ended after k steps at x (escaped when ev): its result;
 * returns its step count */
static double fast_finish(const run_ctx *c, uint32_t m, uint64_t k, double x, int ev)
{
    const sgl_escape_spec *s = c->c->s;
    const double kk = s->lp.k > 0 ? s->lp.k : 1.0;
    const int div = !(fabs(x) <= DIV_BOUND);
    const double ul = kk * x * x - 1.0, Ll = s->lp.L0 + s->lp.a * ul * ul;
    int st = div || !isfinite(Ll) ? SGL_FP_DIVERGED : ev ? SGL_FP_ESCAPED : SGL_FP_CENSORED;
    c->res->state[m] = st;
    c->res->steps[m] = k;
    c->res->t[m] = st == SGL_FP_CENSORED ? s->t_max : (double)k * c->c->in.step;
    c->res->L[m] = Ll;
    c->res->x[m] = x;
    return (double)k;
}

/* one Euler step of the live lanes of one vector, the event, the bridge and
 * the ends (generic path's operations, in vectors); returns the steps of the
 * lanes that ended, marked in *done */
static inline double fast_step(const run_ctx *c, const fast_k *f, sgl_vm *xp, u64v *kp, u64v traj, sgl_vmi act,
                               sgl_vmi *done, sgl_vm z, uint64_t kmax)
{
    const sgl_vmi live = act & ~*done;
    sgl_vm x = *xp;
    u64v k = *kp;
    sgl_vm u = f->vk * x * x - f->one;
    sgl_vm L = f->vL0 + f->va * u * u;
    sgl_vm g = f->c4 * x * u;
    sgl_vm D = f->perL ? L * f->vnum / f->vden : f->vD;
    sgl_vm var = f->two * D * f->vh;
    sgl_vm sd = sgl_vm_sqrt(var);
    sgl_vm xn = x - f->vh * g + sd * z;
    const sgl_vm xo = x;
    x = sgl_vm_select(live, xn, x);
    k = k + (u64v)(live & 1);
    *xp = x;
    *kp = k;
    sgl_vmi ev = f->vdir * (x - f->vxe) >= f->zero;
    sgl_vmi dv = ~((x <= f->bound) & (x >= -f->bound));   /* NaN: diverged */
    if (f->br) {   /* lanes where a = P / var < 40 (41: rounding) can cross: plane_bridge's a, bridge_draw */
        sgl_vm P = f->two * (f->vdir * (f->vxe - xo)) * (f->vdir * (f->vxe - x));
        sgl_vmi cand = live & ~ev & ~dv & (P < f->v41 * var);
        if (any_v(cand))
            for (int l = 0; l < W; ++l)
                if (cand[l] && bridge_draw(c->c->s->seed, (uint32_t)traj[l], k[l] - 1, SGL_P_ESCAPE, P[l] / var[l]))
                    ev[l] = -1;
    }
    sgl_vmi cs = (sgl_vmi)k >= (int64_t)kmax;   /* signed: both < 2^62 (describe_ctx), and AVX2 compares signed */
    sgl_vmi fin = live & (ev | dv | cs);
    double steps = 0.0;
    if (any_v(fin))
        for (int l = 0; l < W; ++l)
            if (fin[l]) {
                steps += fast_finish(c, (uint32_t)traj[l], k[l], x[l], ev[l] != 0);
                (*done)[l] = -1;
            }
    return steps;
}

static double run_batch_fast(run_ctx *c, uint32_t b0, uint32_t b1)
{
    const sgl_escape_spec *s = c->c->s;
    const sgl_escape_info *in = &c->c->in;
    sgl_esc_lane_D ld;
    c->c->noise->lane_D(c->c, &ld);
    const double kk = s->lp.k > 0 ? s->lp.k : 1.0;
    const fast_k f = {.vL0 = sgl_vm_splat(s->lp.L0), .va = sgl_vm_splat(s->lp.a), .vk = sgl_vm_splat(kk),
                      .c4 = sgl_vm_splat(4.0 * s->lp.a * kk), .one = sgl_vm_splat(1.0), .vh = sgl_vm_splat(in->step),
                      .two = sgl_vm_splat(2.0), .vnum = sgl_vm_splat(ld.num), .vden = sgl_vm_splat(ld.den),
                      .vD = sgl_vm_splat(ld.D0), .vxe = sgl_vm_splat(in->x_exit), .vdir = sgl_vm_splat((double)in->dir),
                      .zero = sgl_vm_splat(0.0), .bound = sgl_vm_splat(DIV_BOUND), .v41 = sgl_vm_splat(41.0),
                      .perL = ld.per_L, .br = c->c->bridge};
    const double x0 = s->x0 ? s->x0[0] : in->x_min[0];
    const uint64_t kmax = in->k_max;
    sgl_vm x[G];
    u64v k[G], traj[G];
    sgl_vmi act[G];
    uint32_t next = b0;
    double steps = 0.0;
    for (int g = 0; g < G; ++g) {
        x[g] = sgl_vm_splat(x0);
        k[g] = traj[g] = (u64v){0};
        act[g] = (sgl_vmi){0};
        for (int l = 0; l < W; ++l)
            if (next < b1) { traj[g][l] = next++; act[g][l] = -1; }
    }
    for (;;) {
        sgl_vmi any = act[0];
        for (int g = 1; g < G; ++g) any |= act[g];
        if (!any_v(any)) break;
        sgl_vm zc[G], zs[G];
        sgl_vmi done[G];
#pragma GCC unroll 4
        for (int g = 0; g < G; ++g) {
            normals_v(s->seed, k[g] >> 1, traj[g], SGL_P_ESCAPE, &zc[g], &zs[g]);
            done[g] = act[g] - act[g];   /* lanes that ended in this iteration */
        }
#pragma GCC unroll 4
        for (int g = 0; g < G; ++g) steps += fast_step(c, &f, &x[g], &k[g], traj[g], act[g], &done[g], zc[g], kmax);
#pragma GCC unroll 4
        for (int g = 0; g < G; ++g) steps += fast_step(c, &f, &x[g], &k[g], traj[g], act[g], &done[g], zs[g], kmax);
        for (int g = 0; g < G; ++g) {
            if (!any_v(done[g])) continue;
            for (int l = 0; l < W; ++l) {
                if (!done[g][l]) continue;
                if (next < b1) { traj[g][l] = next++; k[g][l] = 0; x[g][l] = x0; }
                else act[g][l] = 0;
            }
        }
    }
    return steps;
}

sgl_status sgl_escape_run_impl(const sgl_escape_spec *s, sgl_escape_results *res, int generic, sgl_err *err)
{
    sgl_esc_ctx ec;
    sgl_status st = sgl_esc_prepare(&ec, s, err);
    if (st != SGL_OK) return st;
    if (!res || res->M != s->trajectories || res->n != s->lp.n)
        return sgl_fail(err, SGL_EINVAL, "results", "allocate the results with sgl_escape_results_alloc for this spec");
    run_ctx c = {&ec, res, 0};
    const uint32_t M = s->trajectories;
    const int width = s->lanes == 1 ? 1 : W;
    const int fast = !generic && width == W && sgl_escape_fast_ok(s);
    const uint32_t bsz = 32 * W;
    const uint32_t nb = (M + bsz - 1) / bsz;
    const int nt = s->threads > 0 ? s->threads : omp_get_max_threads();
    double steps = 0.0, t0 = omp_get_wtime();
    /* per-batch step counts summed in batch order afterwards (fixed order) */
    double *bs = sgl_calloc(nb, sizeof *bs);
    if (!bs) return sgl_fail(err, SGL_ENOMEM, "trajectories", "out of memory");
#pragma omp parallel for schedule(dynamic, 1) num_threads(nt)
    for (uint32_t b = 0; b < nb; ++b) {
        uint32_t b0 = b * bsz, b1 = b0 + bsz < M ? b0 + bsz : M;
        bs[b] = fast ? run_batch_fast(&c, b0, b1) : run_batch_generic(&c, b0, b1, width);
    }
    for (uint32_t b = 0; b < nb; ++b) steps += bs[b];
    sgl_free(bs);
    res->seconds = omp_get_wtime() - t0;
    res->traj_steps = steps;
    res->escaped = res->censored = res->diverged = 0;
    for (uint32_t m = 0; m < M; ++m) {
        if (res->state[m] == SGL_FP_ESCAPED) res->escaped++;
        else if (res->state[m] == SGL_FP_CENSORED) res->censored++;
        else res->diverged++;
    }
    if (c.burn_fail == 1)
        return sgl_fail(err, SGL_EINVAL, "burn-in", "a trajectory exited more than %d times during the burn-in of "
                        "length %g: the burn-in is long against the escape time; shorten it", MAX_RESTARTS, s->burn_in);
    return SGL_OK;
}

sgl_status sgl_escape_run(const sgl_escape_spec *s, sgl_escape_results *res, sgl_err *err)
{
    return sgl_escape_run_impl(s, res, 0, err);
}
