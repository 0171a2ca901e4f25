/* Escape engine paths no other test simulates (issue 15 items 1 and 4): the
 * state-dependent Xie noise H(theta)^+ / B, the ball event at r != 1, and the
 * Xie MFPT predictions of the theory against their closed form.
 *
 *   X-OU   xie noise on a quadratic (H constant, so D = H/(2 B/eta)): E L(t)
 *          against the OU closed form (THEORY 7.5, Z1), and bitwise equal to
 *          xie-frozen (same D, other code path)
 *   X-DW   xie noise on the double well: D = 0 wherever H <= 0, so a start
 *          in the concave band (|theta| < 1/sqrt(3 k)) never moves
 *   BALL   |theta - theta*| >= r at r = 1.5 (deterministic: every exit is
 *          outside the ball, every trajectory inside before) and the MFPT at
 *          r = 0.6 against the exact 1-D quadrature, with and without the
 *          Brownian-bridge check
 *   XIE    xie_mfpt_s0 / s1 against 2 pi/|H_be| exp[2 (B/eta) dL / H]
 *
 * Statistical checks: 3 z-tests at |z| < 5 (two-sided 5.7e-7 each before the
 * discretisation bias stated at each; with a bias of at most 0.5 SE: < 3.4e-6
 * each), file total < 1e-5.  Seeds fixed, no retries. */
#include "escape_testutil.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>


static double prediction(const sgl_escape_spec *s, const char *name)
{
    sgl_prediction pr[64];
    size_t n = 0;
    sgl_err err = {{0}, {0}};
    if (sgl_theory_escape(s, pr, 64, &n, &err) != SGL_OK) { printf("theory_escape: %s: %s\n", err.field, err.msg); return NAN; }
    for (size_t i = 0; i < n; ++i)
        if (strcmp(pr[i].name, name) == 0) return pr[i].value;
    return NAN;
}

/* X-OU: H = diag(4, 1) (h = 4, h-ratio 1/4), B/eta = 5: S = 2D = H/5, start 0,
 * E L(t) = 1/4 Tr[(I - e^{-2Ht}) S], t = 0.25; SE from the exact Var L(t).
 * EM at dt = 1e-3: the h = 4 direction's variance is high by 1/(1 - h dt/2)
 * - 1 = 0.2%, against an SE of 1.6% (0.13 SE).  A doubled Xie D doubles
 * E L: z ~ 60. */
static void test_xie_ou(void)
{
    const double t = 0.25, Bh = 5.0;
    const double H[4] = {4, 0, 0, 1}, S[4] = {4 / Bh, 0, 0, 1 / Bh};
    double mean, var;
    sgl_err err = {{0}, {0}};
    sgl_theory_ou_loss(2, H, S, t, &mean, &var, NULL, &err);
    sgl_escape_spec s;
    sgl_escape_spec_default(&s);
    s.landscape = "quadratic";
    s.lp.L0 = 0.0; s.lp.n = 2; s.lp.h = 4.0; s.lp.q = 0.25;
    double x0[2] = {0, 0};
    s.x0 = x0;
    s.noise = SGL_ESC_XIE;
    s.B_over_eta = Bh;
    s.eta = 1e-3;
    s.event = SGL_ESC_EV_NONE;
    s.trajectories = 3000;
    s.t_max = t;
    s.seed = 71;
    sgl_escape_results *r = esc_run(&s, 0);
    double acc = 0;
    for (size_t i = 0; i < r->M; ++i) acc += r->L[i];
    check_z(acc / (double)r->M, mean, sqrt(var / (double)r->M), 5.0, "X-OU: xie noise, E L(t = %g) vs OU closed form", t);
    /* same D through the frozen path: bitwise the same trajectories */
    s.noise = SGL_ESC_XIE_FROZEN;
    s.trajectories = 200;
    sgl_escape_results *a = esc_run(&s, 0);
    s.noise = SGL_ESC_XIE;
    sgl_escape_results *b = esc_run(&s, 0);
    check_true(esc_same(a, b), "X-OU: xie = xie-frozen bitwise on a quadratic (constant Hessian)");
    sgl_escape_results_free(r); sgl_escape_results_free(a); sgl_escape_results_free(b);
}

/* X-DW: double well, k = 1: H(theta) = 12 theta^2 - 4 <= 0 for |theta| <=
 * 1/sqrt 3; there D = H^+/(2 B/eta) = 0 and the drift -L' = -4 theta (theta^2 -
 * 1) pushes a start at 0.1 outwards deterministically until H > 0.  The
 * first step must therefore be exactly the gradient step (noise-free), and a
 * run from the minimum moves (D > 0 there). */
static void test_xie_dw(void)
{
    sgl_escape_spec s;
    sgl_escape_spec_default(&s);
    s.noise = SGL_ESC_XIE;
    s.B_over_eta = 10.0;
    s.eta = 1e-2;
    s.event = SGL_ESC_EV_NONE;
    double x0 = 0.1;
    s.x0 = &x0;
    s.trajectories = 16;
    s.t_max = 1e-2;   /* one step */
    sgl_escape_results *r = esc_run(&s, 0);
    const double want = 0.1 - 1e-2 * (4.0 * 0.1 * (0.1 * 0.1 - 1.0));
    int ok = 1;
    for (size_t i = 0; i < r->M; ++i) ok &= r->x[i] == want;
    check_true(ok, "X-DW: in the concave band one step is the bare gradient step %.17g (got %.17g)", want, r->x[0]);
    sgl_escape_results_free(r);
    s.x0 = NULL;
    r = esc_run(&s, 0);
    int moved = 0;
    for (size_t i = 0; i < r->M; ++i) moved += r->x[i] != 1.0;
    /* at the minimum H = 8 > 0: D = 8/20, one step of sd sqrt(2 D eta) = 0.089 */
    check_true(moved == (int)r->M, "X-DW: at the minimum every trajectory moves (%d of %zu)", moved, r->M);
    sgl_escape_results_free(r);
}

/* BALL at r = 1.5, 2-D quadratic, isotropic D = 0.5: an escaped trajectory
 * ends outside the ball (|theta|^2 >= r^2), a censored one inside.  The grid
 * check alone (--bridge off): a bridge exit ends at the state inside. */
static void test_ball_geometry(void)
{
    sgl_escape_spec s;
    sgl_escape_spec_default(&s);
    s.landscape = "quadratic";
    s.lp.L0 = 0.5; s.lp.n = 2;
    s.noise = SGL_ESC_ISOTROPIC;
    s.D = 0.5;
    s.eta = 1e-2;
    s.event = SGL_ESC_EV_BALL;
    s.r = 1.5;
    s.bridge = 0;
    s.trajectories = 400;
    s.t_max = 3.0;
    s.seed = 5;
    sgl_escape_results *r = esc_run(&s, 0);
    int out_ok = 1, in_ok = 1;
    double rmin = INFINITY;
    for (size_t i = 0; i < r->M; ++i) {
        double d2 = r->x[2 * i] * r->x[2 * i] + r->x[2 * i + 1] * r->x[2 * i + 1];
        if (r->state[i] == SGL_FP_ESCAPED) { out_ok &= d2 >= 2.25; if (d2 < rmin) rmin = d2; }
        if (r->state[i] == SGL_FP_CENSORED) in_ok &= d2 < 2.25;
    }
    check_true(r->escaped > 50 && r->censored > 10, "BALL r = 1.5: both outcomes occur (%llu escaped, %llu censored)",
               (unsigned long long)r->escaped, (unsigned long long)r->censored);
    check_true(out_ok, "BALL r = 1.5: every escape ends at |theta|^2 >= r^2 = 2.25 (smallest %.4g)", rmin);
    check_true(in_ok, "BALL r = 1.5: every censored trajectory ends inside the ball");
    sgl_escape_results_free(r);
}

/* BALL MFPT, 1-D quadratic L = 0.5 + theta^2/2, isotropic D = 0.1, r = 0.6,
 * from 0, against the theory's exact MFPT (1-D quadrature): with the
 * Brownian-bridge check (the default, test_escape_bridge) at the barrier
 * itself; with the grid check alone (--bridge off) at the barrier moved out
 * by the grid-monitoring shift beta sigma sqrt(dt) (Broadie-Glasserman-Kou,
 * as in test_escape M2; 0.0082 at dt = 1e-3, +5% on the MFPT).  Remaining
 * bias O(dt) ~ 0.1% (bridge: measured ratio 1.008 +- 0.005 over 2 x 20000
 * trajectories, <= 0.5 SE), against an SE of ~2.2%
 * (2000 trajectories).  With the exit at |theta| >= sqrt(r) = 0.77 instead
 * the MFPT roughly doubles: z ~ 40. */
static void test_ball_mfpt(void)
{
    const double r0 = 0.6, dt = 1e-3, beta = 0.5825971579390106, D = 0.1;
    sgl_escape_spec s;
    sgl_escape_spec_default(&s);
    s.landscape = "quadratic";
    s.lp.L0 = 0.5; s.lp.n = 1;
    s.noise = SGL_ESC_ISOTROPIC;
    s.D = D;
    s.eta = dt;
    s.event = SGL_ESC_EV_BALL;
    s.r = r0 + beta * sqrt(2.0 * D * dt);
    const double T = prediction(&s, "exact_mfpt");
    s.r = r0;
    const double T0 = prediction(&s, "exact_mfpt");
    s.trajectories = 2000;
    s.t_max = 1e4;
    for (int br = 1; br >= 0; --br) {
        s.bridge = br;
        s.seed = 9 + (uint64_t)(1 - br);
        sgl_escape_results *r = esc_run(&s, 0);
        double m = 0, ss = 0;
        for (size_t i = 0; i < r->M; ++i) m += r->t[i];
        m /= (double)r->M;
        for (size_t i = 0; i < r->M; ++i) ss += (r->t[i] - m) * (r->t[i] - m);
        double se = sqrt(ss / (double)(r->M - 1) / (double)r->M);
        check_true(r->escaped == r->M, "BALL r = 0.6: every trajectory escaped");
        printf("INFO BALL r = %g, bridge %s: simulated %.5g +- %.3g, exact %.5g, at the shifted barrier %.5g\n", r0,
               br ? "on" : "off", m, se, T0, T);
        check_z(m, br ? T0 : T, se, 5.0, "BALL r = %g: MFPT vs exact 1-D quadrature %s", r0,
                br ? "(bridge check, no shift)" : "at the monitoring-shifted barrier (grid check alone)");
        sgl_escape_results_free(r);
    }
}

/* XIE (THEORY 7.5, recalled): tau = 2 pi/|H_be| exp[(2 B dL/eta)(s/H_ae + (1-s)/|H_be|)].
 * Double well L0 + a (k theta^2 - 1)^2, a = 1.5, k = 2: H_ae = 8 a k = 24,
 * H_be = -4 a k = -12, dL = a = 1.5; B/eta = 3:
 * s = 0: (pi/6) e^{0.75}, s = 1: (pi/6) e^{0.375}. */
static void test_xie_theory(void)
{
    sgl_escape_spec s;
    sgl_escape_spec_default(&s);
    s.landscape = "doublewell";
    s.lp.L0 = 0.2; s.lp.a = 1.5; s.lp.k = 2.0;
    s.noise = SGL_ESC_XIE_FROZEN;
    s.B_over_eta = 3.0;
    s.event = SGL_ESC_EV_NEXT_MIN;
    check_rel(prediction(&s, "xie_mfpt_s0"), M_PI / 6.0 * exp(0.75), 1e-14, "XIE: xie_mfpt_s0 = (pi/6) e^{2*3*1.5/12}");
    check_rel(prediction(&s, "xie_mfpt_s1"), M_PI / 6.0 * exp(0.375), 1e-14, "XIE: xie_mfpt_s1 = (pi/6) e^{2*3*1.5/24}");
    check_rel(prediction(&s, "xie_mfpt_s0_steps"), M_PI / 6.0 * exp(0.75) / s.eta, 1e-14, "XIE: s0 in steps = t/eta");
    /* Kramers with D = H_ae/(2 B/eta) = 4: 2 pi/sqrt(24*12) e^{1.5/4} */
    check_rel(prediction(&s, "kramers_mfpt"), 2.0 * M_PI / sqrt(288.0) * exp(1.5 / 4.0), 1e-14,
              "XIE: Kramers MFPT with D = h*/(2 B/eta)");
    /* B/eta doubled: log tau grows by the exponent once more (log-linear in B/eta) */
    s.B_over_eta = 6.0;
    check_rel(prediction(&s, "xie_mfpt_s0"), M_PI / 6.0 * exp(1.5), 1e-14, "XIE: xie_mfpt_s0 at B/eta = 6");
}

/* --offset is read by the hyperplane event only: with --event none / loss /
 * ball a saddle landscape must not reject an offset that would put a
 * hyperplane past the next minimum (it did: "3 noise widths put the
 * hyperplane past the next minimum" for --event none, B/eta = 2) */
static void test_offset_unused(void)
{
    sgl_escape_spec s;
    sgl_escape_info in;
    sgl_err err = {{0}, {0}};
    const sgl_escape_event ev[] = {SGL_ESC_EV_NONE, SGL_ESC_EV_LOSS, SGL_ESC_EV_BALL, SGL_ESC_EV_NEXT_MIN};
    for (int i = 0; i < 4; ++i) {
        sgl_escape_spec_default(&s);
        s.noise = SGL_ESC_MORI;
        s.B_over_eta = 2.0;   /* wide noise: 3 widths past the saddle is beyond -1 */
        s.event = ev[i];
        sgl_status st = sgl_escape_describe(&s, &in, &err);
        check_true(st == SGL_OK, "doublewell, event %s, B/eta = 2: the unused --offset 3 is not rejected (%s: %s)",
                   sgl_escape_events[ev[i]]->name, st == SGL_OK ? "ok" : err.field, st == SGL_OK ? "" : err.msg);
    }
    sgl_escape_spec_default(&s);
    s.noise = SGL_ESC_MORI;
    s.B_over_eta = 2.0;
    check_true(sgl_escape_describe(&s, &in, &err) == SGL_EINVAL && strcmp(err.field, "offset") == 0,
               "doublewell, event hyperplane, B/eta = 2: offset 3 past the next minimum still rejected (%s)", err.field);
}

int main(void)
{
    test_offset_unused();
    test_xie_theory();
    test_xie_dw();
    test_xie_ou();
    test_ball_geometry();
    test_ball_mfpt();
    return done();
}
