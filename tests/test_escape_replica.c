/* The per-replica step interface of the escape engine (src/escape/escape.h),
 * which splitting methods build on: a replica on stream m, purpose
 * SGL_P_ESCAPE, advanced in chunks of any size, must reproduce trajectory m
 * of sgl_escape_run bit for bit (state, time, steps, final x and L) for
 * every noise, dynamics and event; the reaction coordinate is 0 at theta*
 * and about 1 on the exit boundary; a reseeded clone leaves its parent's
 * path.  Deterministic: no statistical check. */
#include "escape_testutil.h"

static void same_as_engine(const char *what, sgl_escape_spec *s, uint64_t chunk)
{
    sgl_escape_results *r = esc_run(s, 0);
    sgl_esc_ctx c;
    sgl_err err = {{0}, {0}};
    if (sgl_esc_prepare(&c, s, &err) != SGL_OK) {
        check_true(0, "%s: prepare: %s: %s", what, err.field, err.msg);
        sgl_escape_results_free(r);
        return;
    }
    int ok = 1;
    size_t bad = 0;
    for (uint32_t m = 0; m < r->M && ok; ++m) {
        sgl_esc_replica rp;
        sgl_esc_replica_init(&c, &rp, m, SGL_P_ESCAPE);
        int v = SGL_ESC_RUNNING;
        while (v == SGL_ESC_RUNNING) v = sgl_esc_replica_advance(&c, &rp, chunk, NULL);
        double t = v == SGL_FP_CENSORED ? s->t_max : rp.t;
        ok = v == r->state[m] && rp.steps == r->steps[m] && memcmp(&t, &r->t[m], sizeof t) == 0 &&
             memcmp(rp.x, &r->x[(size_t)m * r->n], r->n * sizeof *rp.x) == 0 &&
             (v == SGL_FP_DIVERGED || memcmp(&rp.L, &r->L[m], sizeof rp.L) == 0);
        if (!ok) bad = m;
    }
    check_true(ok, "%s: %zu replicas advanced %llu steps at a time = sgl_escape_run's trajectories bit for bit "
               "(escaped %llu, censored %llu; first mismatch %zu)", what, r->M, (unsigned long long)chunk,
               (unsigned long long)r->escaped, (unsigned long long)r->censored, ok ? (size_t)0 : bad);
    sgl_escape_results_free(r);
}

int main(void)
{
    (void)esc_same;
    sgl_escape_spec s;
    sgl_escape_spec_default(&s);   /* doublewell, mori, sde, hyperplane: the vector kernel */
    s.trajectories = 40;
    s.t_max = 50;
    same_as_engine("doublewell mori sde hyperplane", &s, 7);
    s.noise = SGL_ESC_ISOTROPIC;
    s.D = 0.15;
    s.dynamics = SGL_ESC_SGD;
    s.event = SGL_ESC_EV_NEXT_MIN;
    same_as_engine("doublewell isotropic sgd next-min", &s, 1000000);

    sgl_escape_spec_default(&s);
    s.landscape = "moriwell";
    s.lp.n = 5;   /* > 4 lanes: the normals of one step span two vector calls */
    s.noise = SGL_ESC_XIE;
    s.event = SGL_ESC_EV_LOSS;
    s.trajectories = 30;
    s.t_max = 20;
    same_as_engine("moriwell n=5 xie sde loss", &s, 3);
    s.noise = SGL_ESC_MORI;
    s.dynamics = SGL_ESC_MORI_TC;
    s.event = SGL_ESC_EV_HYPERPLANE;
    s.lp.n = 2;
    same_as_engine("moriwell n=2 mori mori-tc hyperplane", &s, 13);
    s.landscape = "quadratic";
    s.noise = SGL_ESC_XIE_FROZEN;
    s.dynamics = SGL_ESC_SGD;
    s.event = SGL_ESC_EV_BALL;
    s.r = 0.3;
    s.lp.n = 3;
    same_as_engine("quadratic n=3 xie-frozen sgd ball", &s, 2);
    s.event = SGL_ESC_EV_NONE;
    s.t_max = 0.5;
    same_as_engine("quadratic n=3 xie-frozen sgd none (all censored)", &s, 5);

    /* the reaction coordinate and a reseeded clone */
    sgl_escape_spec_default(&s);
    s.landscape = "styblinski-tang";
    s.noise = SGL_ESC_ISOTROPIC;
    s.D = 5;
    s.lp.n = 2;
    sgl_esc_ctx c;
    sgl_err err = {{0}, {0}};
    check_true(sgl_esc_prepare(&c, &s, &err) == SGL_OK, "prepare styblinski-tang");
    sgl_esc_replica a, b;
    sgl_esc_replica_init(&c, &a, 0, SGL_P_ESCAPE);
    check_abs(sgl_esc_coord(&c, a.x, a.L), 0.0, 0.0, "hyperplane coordinate at theta* is 0");
    double xe[SGL_ESC_MAX_DIM] = {c.in.x_exit, c.in.x_min[1]};
    check_abs(sgl_esc_coord(&c, xe, NAN), 1.0, 1e-15, "hyperplane coordinate on the exit plane is 1");
    double xi = NAN;
    check_true(sgl_esc_replica_advance(&c, &a, 50, &xi) == SGL_ESC_RUNNING && a.steps == 50 && a.k == 50,
               "50 steps inside: running, steps = k = 50");
    check_true(xi == sgl_esc_coord(&c, a.x, a.L) && xi < 1.0, "advance reports the coordinate of its final state");
    b = a;
    sgl_esc_replica_reseed(&b, 1u << 30, SGL_P_ESCAPE, 0);
    sgl_esc_replica a2 = a;
    sgl_esc_replica_advance(&c, &a, 10, NULL);
    sgl_esc_replica_advance(&c, &a2, 10, NULL);
    sgl_esc_replica_advance(&c, &b, 10, NULL);
    check_true(memcmp(a.x, a2.x, sizeof a.x) == 0, "a copy on the same stream repeats the path");
    check_true(memcmp(a.x, b.x, sizeof a.x) != 0 && b.steps == 60 && b.k == 10,
               "a reseeded clone leaves it (steps carried over, its own counter)");
    s.event = SGL_ESC_EV_NONE;
    check_true(sgl_esc_prepare(&c, &s, &err) == SGL_OK && isnan(sgl_esc_coord(&c, a.x, a.L)),
               "event none: no reaction coordinate (NaN)");
    return done();
}
