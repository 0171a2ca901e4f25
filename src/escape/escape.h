/* Escape engine internals (private to src/ and the tests): the behaviour of
 * each escape kind (noise, dynamics, event, start) as a const type struct
 * whose first member is its public sgl_escape_kind (include/sgdlab.h), the
 * engine context, and the per-replica step/check interface that splitting
 * methods (adaptive multilevel splitting) build on.
 *
 * Adding a kind: its type struct (designated initializers) in noise.c,
 * dynamics.c, events.c or registry.c (or in a file of its own, declared
 * here) and one line in that file's registry table; the spec key it reads
 * in .reads.  The engine (engine.c) and the spec checks (spec.c) only call
 * the hooks and read the flags below, never a kind's id.  The theory's
 * translation (src/theory/escape_spec.c) maps ids through its own table and
 * never calls these hooks. */
#ifndef SGL_ESCAPE_INTERNAL_H
#define SGL_ESCAPE_INTERNAL_H
#include "sgdlab.h"

#include <math.h>

struct sgl_esc_ctx;

/* Noise: the diagonal diffusion D(theta) (include/sgdlab.h, "Noise of the
 * escape dynamics"). */
typedef struct {
    int per_L;          /* 1: D = L * num / den; 0: D = D0 */
    double D0, num, den;
} sgl_esc_lane_D;
typedef struct sgl_esc_noise {
    sgl_escape_kind kind;
    int hess;           /* D reads the Hessian at theta (the step evaluates it) */
    /* its own spec fields (D or B/eta, L0 where it needs L* > 0) */
    sgl_status (*check)(const sgl_escape_spec *s, sgl_err *err);
    /* D[i], i < n, at x with loss L and Hessian H (n x n row-major; only
     * read, and only non-NULL, when .hess) */
    void (*diffusion)(const struct sgl_esc_ctx *c, const double *x, double L, const double *H, double *D);
    /* the specialised 1-D vector kernel's form of D along coordinate 0, or
     * NULL where the kernel does not handle the noise */
    void (*lane_D)(const struct sgl_esc_ctx *c, sgl_esc_lane_D *out);
} sgl_esc_noise;

/* What the Brownian-bridge exit check (include/sgdlab.h, sgl_escape_spec.bridge)
 * needs from a step's start: the state, L and grad L there, and the variance
 * of the step's noise per coordinate (Euler: 2 D_i h, computed as the step
 * computes its standard deviation). */
typedef struct sgl_esc_bridge_in {
    double x[SGL_ESC_MAX_DIM];
    double g[SGL_ESC_MAX_DIM];
    double var[SGL_ESC_MAX_DIM];
    double L;
} sgl_esc_bridge_in;

/* Dynamics: the update rule. */
typedef struct sgl_esc_dynamics {
    sgl_escape_kind kind;
    int time_changed;   /* t advances by step / L(theta) at the start of each step; censoring by t, not k */
    int lane_euler;     /* theta <- theta - h grad L + sqrt(2 D h) z: the vector kernel's step */
    int no_normals;     /* the step reads no Gaussian z (the kernels skip drawing them) */
    sgl_status (*check)(const sgl_escape_spec *s, sgl_err *err);
    /* the integrator step (t, or tau when time_changed) of a checked spec */
    double (*step_size)(const sgl_escape_spec *s, const sgl_escape_info *in);
    /* one step of x (n coordinates) with standard normals z, the step number k
     * of trajectory (stream) traj; returns L(x) at its start.  b (NULL
     * unless the Brownian-bridge check runs; only dynamics whose .reads
     * name "bridge" get one): the step's start for the check */
    double (*step)(const struct sgl_esc_ctx *c, double *x, const double *z, double h, uint32_t traj, uint64_t k,
                   sgl_esc_bridge_in *b);
} sgl_esc_dynamics;


/* The plain Euler step (sgd, sde): x <- x - h grad L + sqrt(2 D h) z, D from
 * the noise at the step's start; returns L at the start.  Inline so the lane
 * kernel runs it without an indirect call (engine.c compares .step with
 * sgl_esc_euler_step, the out-of-line copy in dynamics.c). */
struct sgl_esc_ctx;
static inline double sgl_esc_euler(const struct sgl_esc_ctx *c, double *x, const double *z, double h,
                                   sgl_esc_bridge_in *b);
double sgl_esc_euler_step(const struct sgl_esc_ctx *c, double *x, const double *z, double h, uint32_t traj,
                          uint64_t k, sgl_esc_bridge_in *b);

/* Exit event. */
typedef struct sgl_esc_event {
    sgl_escape_kind kind;
    int needs_saddle;   /* defined only on landscapes with a saddle */
    int lane_threshold; /* the exit is theta_0 crossing in->x_exit in direction in->dir (vector kernel) */
    sgl_status (*check)(const sgl_escape_spec *s, sgl_err *err);   /* its own spec fields */
    /* its geometry (c->in.x_exit) from the critical points already in c->in; NULL: none */
    sgl_status (*geometry)(struct sgl_esc_ctx *c, sgl_err *err);
    /* has x (loss L, finite) met the exit condition? */
    int (*hit)(const struct sgl_esc_ctx *c, const double *x, double L);
    /* reaction coordinate: 0 at theta*, 1 on the exit boundary (NULL: none) */
    double (*coord)(const struct sgl_esc_ctx *c, const double *x, double L);
    /* Brownian-bridge exponent of a step from b to x1 (loss L1), both inside:
     * a = 2 F(x0) F(x1) / sum_i (dF/dx_i)^2 var_i with F the distance to the
     * boundary linearised at x0, so the bridge crossed with probability
     * exp(-a) (NULL: no bridge check, e.g. event none) */
    double (*bridge)(const struct sgl_esc_ctx *c, const sgl_esc_bridge_in *b, const double *x1, double L1);
} sgl_esc_event;

/* Start protocol. */
typedef struct sgl_esc_start {
    sgl_escape_kind kind;
    int burn_in;        /* run a burn-in phase (stream SGL_P_ESCBURN) before the main one */
    sgl_status (*check)(const sgl_escape_spec *s, sgl_err *err);
} sgl_esc_start;

/* the data landscape (linreg.c), listed in sgl_landscapes (landscapes.c) */
extern const sgl_landscape_type sgl_landscape_linreg;
/* a loaded landscape plugin by its registered name NAME@HASH8 (plugin.c), else NULL */
const sgl_landscape_type *sgl_landscape_plugin_find(const char *name);

/* the type behind a registry entry (its first member) */
static inline const sgl_esc_noise *sgl_esc_noise_of(int id)
{
    return (const sgl_esc_noise *)(const void *)sgl_escape_noises[id];
}
static inline const sgl_esc_dynamics *sgl_esc_dynamics_of(int id)
{
    return (const sgl_esc_dynamics *)(const void *)sgl_escape_dynamics_kinds[id];
}
static inline const sgl_esc_event *sgl_esc_event_of(int id)
{
    return (const sgl_esc_event *)(const void *)sgl_escape_events[id];
}
static inline const sgl_esc_start *sgl_esc_start_of(int id)
{
    return (const sgl_esc_start *)(const void *)sgl_escape_starts[id];
}
/* entries in a registry */
size_t sgl_escape_kind_count(const sgl_escape_kind *const *reg);

/* Everything a step needs: the spec (kept alive by the caller), its
 * landscape parameters prepared (data landscapes: their data's statistics;
 * use c->lp, not c->s->lp), its derived quantities and the kinds' types. */
typedef struct sgl_esc_ctx {
    const sgl_escape_spec *s;
    sgl_landscape_params lp;
    sgl_escape_info in;
    const sgl_landscape_type *lt;
    const sgl_esc_noise *noise;
    const sgl_esc_dynamics *dyn;
    const sgl_esc_event *event;
    const sgl_esc_start *start;
    int bridge;   /* the Brownian-bridge check runs: spec bridge on, the dynamics reads it, the event has one */
    int coord;          /* sgl_esc_coord: 0 the event's, 1 loss, 2 distance (sgl_ams_opts.coordinate) */
    double coord_ref;   /* loss: L_ref - L*; distance: d_ref */
} sgl_esc_ctx;
static inline double sgl_esc_euler(const sgl_esc_ctx *c, double *x, const double *z, double h, sgl_esc_bridge_in *b)
{
    const sgl_escape_spec *s = c->s;
    const unsigned n = s->lp.n;
    double g[SGL_ESC_MAX_DIM], H[SGL_ESC_MAX_DIM * SGL_ESC_MAX_DIM], D[SGL_ESC_MAX_DIM];
    const double L = c->lt->value(&c->lp, x);
    c->lt->grad(&c->lp, x, g);
    if (c->noise->hess) c->lt->hess(&c->lp, x, H);
    c->noise->diffusion(c, x, L, H, D);
    if (b) {
        b->L = L;
        for (unsigned i = 0; i < n; ++i) {
            b->x[i] = x[i];
            b->g[i] = g[i];
            b->var[i] = (2.0 * D[i]) * h;
        }
    }
    for (unsigned i = 0; i < n; ++i) {
        double sd = sqrt((2.0 * D[i]) * h);
        x[i] = x[i] - h * g[i] + sd * z[i];
    }
    return L;
}
/* The splitting options o for spec s (ranges, levels, an exit event, start min): SGL_EINVAL naming the key
 * (src/escape/ams.c); sgl_escape_spec_check runs it on s->ams under method ams. */
sgl_status sgl_esc_ams_check(const sgl_escape_spec *s, const sgl_ams_opts *o, sgl_err *err);
/* Validates s (sgl_escape_describe) and fills c; c->s = s. */
sgl_status sgl_esc_prepare(sgl_esc_ctx *c, const sgl_escape_spec *s, sgl_err *err);

/* ------------------------------------------------ one replica at a time
 * For splitting methods (adaptive multilevel splitting, src/escape/ams.c):
 * a replica is a state with its own noise stream.  Its normals come from
 * Philox (seed = spec seed, traj word = stream, step = k / 2, purpose) in
 * the engine's layout (sgl_escape_run in include/sgdlab.h), so a replica
 * started with sgl_esc_replica_init(c, r, m, SGL_P_ESCAPE) and advanced to
 * its end reproduces trajectory m of sgl_escape_run bit for bit (start
 * protocol min; tests/test_escape.c checks it).  A clone that must not
 * repeat its parent's path copies the state and takes a new stream (and/or
 * purpose) with sgl_esc_replica_reseed; k may stay or restart at 0. */
typedef struct {
    double x[SGL_ESC_MAX_DIM];   /* state (n coordinates) */
    double L;                    /* L(x) (NaN once diverged) */
    double t;                    /* time since the replica's start (t units; tau -> t under mori-tc) */
    uint64_t steps;              /* integrator steps since its start (t = steps * step except mori-tc) */
    uint64_t k;                  /* stream counter: the step number of the next normal */
    uint32_t stream;             /* Philox traj word */
    unsigned purpose;            /* stream purpose (SGL_P_*) */
} sgl_esc_replica;

/* outcome of sgl_esc_replica_advance: SGL_ESC_RUNNING or a final state
 * SGL_FP_ESCAPED / SGL_FP_CENSORED / SGL_FP_DIVERGED (include/sgdlab.h) */
enum { SGL_ESC_RUNNING = -1 };

/* A replica at the spec's start point (x0, or theta*), t = steps = k = 0. */
void sgl_esc_replica_init(const sgl_esc_ctx *c, sgl_esc_replica *r, uint32_t stream, unsigned purpose);
/* a new noise stream for r (its state, t and steps kept); k = the counter to continue from */
void sgl_esc_replica_reseed(sgl_esc_replica *r, uint32_t stream, unsigned purpose, uint64_t k);
/* Advance r by at most nsteps steps of the spec's dynamics, stopping at the
 * first step after which the exit event holds (SGL_FP_ESCAPED), a
 * divergence (non-finite L or |x_i| > 1e60: SGL_FP_DIVERGED, r->L NaN or
 * non-finite) or t_max (SGL_FP_CENSORED; sgl_escape_run's rule: steps =
 * k_max, or t >= t_max under mori-tc).  SGL_ESC_RUNNING: nsteps taken, none
 * of those.  Do not advance a replica further once it has a final state.
 * *xi (if xi): the reaction coordinate of the final state (sgl_esc_coord). */
int sgl_esc_replica_advance(const sgl_esc_ctx *c, sgl_esc_replica *r, uint64_t nsteps, double *xi);
/* The event's reaction coordinate at x with loss L: 0 at theta*, 1 on the
 * exit boundary, increasing towards it (hyperplane / next-min: progress of
 * theta_0 from theta*_0 to the exit threshold; loss: (L - L*) / ((c - 1)
 * L*); ball: |theta - theta*| / r).  The event itself is the exact test
 * of the engine (SGL_FP_ESCAPED), which xi >= 1 matches up to rounding.
 * NaN for event none. */
double sgl_esc_coord(const sgl_esc_ctx *c, const double *x, double L);
/* choose c's coordinate (sgl_ams_opts.coordinate, checked) and its scale from c's geometry */
void sgl_esc_coord_set(sgl_esc_ctx *c, int coordinate);

/* sgl_escape_run with the specialised 1-D kernel switched off (generic = 1):
 * both paths must give the same bits (tests/test_escape.c). */
sgl_status sgl_escape_run_impl(const sgl_escape_spec *s, sgl_escape_results *res, int generic, sgl_err *err);
/* does the specialised vector kernel handle this spec? */
int sgl_escape_fast_ok(const sgl_escape_spec *s);
#endif
