/* Every registered landscape x escape noise x event x dynamics through both
 * descriptions of the problem: the engine's (sgl_escape_describe: critical
 * points, Hessians, losses and the exit point evaluated by the landscape
 * registry's own functions) and the theory's (sgl_escape_theory_problem, the
 * one translation used by `sgdlab escape`, `sgdlab theory` and the library,
 * then sgl_theory_well_geometry from the theory's formulas).  Wherever the
 * engine accepts a spec, the translation applies unless the spec is one of
 * the documented exclusions, and then the two agree to rounding.  (Issue 11:
 * `sgdlab escape` once had its own translation that had no model of
 * styblinski-tang while `sgdlab theory` did.) */
#include "sgdlab.h"
#include "testutil.h"

#include <math.h>
#include <string.h>

static int near(double a, double b) { return fabs(a - b) <= 1e-12 * (fabs(a) + fabs(b)) + 1e-14; }

/* the registries (src/escape/registry.c): id = index = the spec's enum value, names unique and found */
static void test_registries(void)
{
    const sgl_escape_kind *const *regs[] = {sgl_escape_noises, sgl_escape_dynamics_kinds, sgl_escape_events, sgl_escape_starts};
    for (size_t r = 0; r < sizeof regs / sizeof regs[0]; ++r) {
        size_t n = 0;
        for (; regs[r][n]; ++n) {
            const sgl_escape_kind *k = regs[r][n];
            check_true(k->id == (int)n && k->name && k->doc && k->doc[0] && k->reads &&
                           sgl_escape_kind_find(regs[r], k->name) == k,
                       "registry %zu entry %zu '%s': id = index, documented, found by name", r, n, k->name ? k->name : "");
        }
        check_true(n >= 2 && sgl_escape_kind_find(regs[r], "no-such-kind") == NULL, "registry %zu: %zu kinds", r, n);
    }
    check_true(sgl_escape_noises[SGL_ESC_DATA + 1] == NULL && sgl_escape_dynamics_kinds[SGL_ESC_MINIBATCH + 1] == NULL &&
                   sgl_escape_events[SGL_ESC_EV_NONE + 1] == NULL && sgl_escape_starts[SGL_ESC_START_BURN_IN + 1] == NULL,
               "every enum value has a registry entry and no more");
    check_true(sgl_escape_reads("h h-ratio", "h-ratio") && sgl_escape_reads("h h-ratio", "h") &&
                   !sgl_escape_reads("h-ratio", "h") && !sgl_escape_reads("", "a") && sgl_escape_reads("eta dt", "dt"),
               "reads lists match whole keys");
    char buf[64];
    sgl_escape_kind_names(sgl_escape_starts, " | ", buf, sizeof buf);
    check_true(strcmp(buf, "min | burn-in") == 0, "names joined: '%s'", buf);
}

/* --offset belongs to the hyperplane event only: a wide noise with the default offset (3 noise widths past
 * the saddle, beyond the next minimum) must not make a loss, ball or none exit invalid (the engine once
 * checked the hyperplane for every event on a landscape with a saddle, and refused these specs with an
 * error about --offset, a flag the CLI refuses for them) */
static void test_offset_hyperplane_only(void)
{
    const sgl_escape_event evs[] = {SGL_ESC_EV_LOSS, SGL_ESC_EV_BALL, SGL_ESC_EV_NONE};
    for (int i = 0; i < 3; ++i) {
        sgl_escape_spec s;
        sgl_escape_spec_default(&s);
        s.noise = SGL_ESC_MORI; s.B_over_eta = 20.0; s.event = evs[i]; s.r = 0.5; s.c = 2.0;
        sgl_escape_info in;
        sgl_err err = {{0}, {0}};
        check_true(sgl_escape_describe(&s, &in, &err) == SGL_OK, "doublewell, mori B/eta = 20, event %s, default offset: "
                   "valid (%s: %s)", sgl_escape_events[evs[i]]->name, err.field, err.msg);
    }
    sgl_escape_spec s;
    sgl_escape_spec_default(&s);
    s.noise = SGL_ESC_MORI; s.B_over_eta = 20.0;
    sgl_escape_info in;
    sgl_err err = {{0}, {0}};
    check_true(sgl_escape_describe(&s, &in, &err) == SGL_EINVAL && strcmp(err.field, "offset") == 0,
               "the same with event hyperplane: the hyperplane past the next minimum is refused (%s)", err.field);
}

/* The event's default follows the landscape (issue 11 item 11): every registered landscape set through the
 * one setter without an event gets hyperplane if it has a saddle, else loss, in either order of the keys; the
 * spec is then valid for the engine, and the theory has a model of the quadratic's.  A given event is kept
 * (hyperplane on quadratic still refused, as before). */
static void test_default_event(void)
{
    for (size_t q = 0; sgl_landscapes[q]; ++q) {
        const sgl_landscape_type *lt = sgl_landscapes[q];
        sgl_any_spec a;
        sgl_err err = {{0}, {0}};
        sgl_any_spec_default(&a, SGL_KIND_ESCAPE);
        check_true(sgl_any_spec_set(&a, "landscape", lt->name, &err) == SGL_OK, "%s: set", lt->name);
        const sgl_escape_event want = lt->has_saddle ? SGL_ESC_EV_HYPERPLANE : SGL_ESC_EV_LOSS;
        check_true(a.u.escape.event == want && (sgl_escape_event_defaulted(&a) != NULL) == !lt->has_saddle,
                   "%s: event defaults to %s (%s)", lt->name, sgl_escape_events[want]->name,
                   sgl_escape_event_defaulted(&a) ? sgl_escape_event_defaulted(&a) : "plain default");
        if (lt->has_saddle) sgl_any_spec_set(&a, "offset", "0.5", &err);   /* styblinski-tang: 3 widths pass its next minimum */
        check_true(sgl_any_spec_validate(&a, &err) == SGL_OK, "%s: the defaulted spec is valid (%s: %s)", lt->name,
                   err.field, err.msg);
        sgl_theory_problem p;
        int applies = 0;
        const char *why = NULL;
        check_true(sgl_escape_theory_problem(&a.u.escape, &p, &applies, &why, &err) == SGL_OK &&
                       applies == !lt->prepare,
                   "%s: the theory %s the defaulted spec (%s)", lt->name, lt->prepare ? "has no model of" : "applies to",
                   why ? why : "-");
        /* a given event stays, whatever the order */
        sgl_any_spec_default(&a, SGL_KIND_ESCAPE);
        sgl_any_spec_set(&a, "event", "ball", &err);
        sgl_any_spec_set(&a, "landscape", lt->name, &err);
        check_true(a.u.escape.event == SGL_ESC_EV_BALL && !sgl_escape_event_defaulted(&a), "%s: a given event is kept",
                   lt->name);
    }
    sgl_any_spec a;
    sgl_err err = {{0}, {0}};
    sgl_any_spec_default(&a, SGL_KIND_ESCAPE);
    sgl_any_spec_set(&a, "landscape", "quadratic", &err);
    sgl_any_spec_set(&a, "event", "hyperplane", &err);
    check_true(sgl_any_spec_validate(&a, &err) == SGL_ECAPS && strcmp(err.field, "event") == 0,
               "quadratic with a given hyperplane event: refused as before (%s: %s)", err.field, err.msg);
    sgl_any_spec_default(&a, SGL_KIND_ESCAPE);
    sgl_any_spec_set(&a, "landscape", "quadratic", &err);
    sgl_any_spec_set(&a, "landscape", "doublewell", &err);
    check_true(a.u.escape.event == SGL_ESC_EV_HYPERPLANE && !sgl_escape_event_defaulted(&a),
               "landscape set twice: the default follows the last one");
}

int main(void)
{
    test_registries();
    test_offset_hyperplane_only();
    test_default_event();
    int accepted = 0, compared = 0;
    for (size_t q = 0; sgl_landscapes[q]; ++q) {
        const sgl_landscape_type *lt = sgl_landscapes[q];
        const int quad = !lt->has_saddle;
        for (unsigned n = 1; n <= 3 && n <= lt->max_dim; n += 2)
            for (int kq = 0; kq < 2; ++kq)
                for (int aniso = 0; aniso < (quad ? 2 : 1); ++aniso)
                    for (int z = 0; sgl_escape_noises[z]; ++z)
                        for (int e = 0; sgl_escape_events[e]; ++e)
                            for (int d = 0; sgl_escape_dynamics_kinds[d]; ++d) {
                                sgl_escape_spec s;
                                sgl_escape_spec_default(&s);
                                s.landscape = lt->name;
                                s.lp.n = n; s.lp.L0 = 0.4; s.lp.a = 1.3; s.lp.h = 2.0; s.lp.q = aniso ? 0.5 : 1.0;
                                s.lp.k = kq ? 1.7 : 1.0;
                                s.noise = (sgl_escape_noise)z; s.D = 0.3; s.B_over_eta = 25.0;
                                s.event = (sgl_escape_event)e; s.offset = 0.5; s.c = 2.0; s.r = 0.5;
                                s.dynamics = (sgl_escape_dynamics)d;
                                char what[160];
                                snprintf(what, sizeof what, "%s n=%u k=%g q=%g noise %s event %s dynamics %s", lt->name, n,
                                         s.lp.k, s.lp.q, sgl_escape_noises[z]->name, sgl_escape_events[e]->name,
                                         sgl_escape_dynamics_kinds[d]->name);
                                sgl_escape_info in;
                                sgl_err err = {{0}, {0}};
                                if (sgl_escape_describe(&s, &in, &err) != SGL_OK) continue;
                                ++accepted;
                                sgl_theory_problem p;
                                int applies = 0;
                                const char *why = NULL;
                                if (!check_true(sgl_escape_theory_problem(&s, &p, &applies, &why, &err) == SGL_OK,
                                                "%s: translated (%s: %s)", what, err.field, err.msg))
                                    continue;
                                /* linreg: finite data, its L*, H, theta* are the data's (the theory has
                                 * only the population limit) */
                                const int excluded = s.noise == SGL_ESC_XIE || (quad && aniso && n > 1) || lt->prepare ||
                                                     (!quad && (s.event == SGL_ESC_EV_LOSS || s.event == SGL_ESC_EV_BALL));
                                check_true(applies == !excluded && (applies || (why && why[0])),
                                           "%s: theory model %s (%s)", what, excluded ? "absent, with a reason" : "present",
                                           why ? why : "-");
                                sgl_prediction pr[64];
                                size_t np = 0;
                                check_true(sgl_theory_escape(&s, pr, 64, &np, &err) == SGL_OK && (np > 0 || s.event == SGL_ESC_EV_NONE || (quad && n > 1)),
                                           "%s: sgl_theory_escape gives predictions or a reason (none for event none without Mori noise, or an n-D quadratic loss/ball exit) (%s: %s)", what, err.field,
                                           err.msg);
                                if (!applies) continue;
                                ++compared;
                                int ok = 1;
                                if (quad) {
                                    ok &= near(p.L0, in.L_min);
                                    for (unsigned i = 0; i < n; ++i) ok &= near(p.h * p.k, in.hstar[i]);
                                    check_true(ok, "%s: L* = %.17g and h* = %.17g (theory) = %.17g, %.17g (engine)", what, p.L0,
                                               p.h * p.k, in.L_min, in.hstar[0]);
                                    continue;
                                }
                                sgl_theory_geometry g;
                                if (!check_true(sgl_theory_well_geometry(&p, &g, &err) == SGL_OK, "%s: geometry", what))
                                    continue;
                                ok &= near(g.x_min, in.x_min[0]) && near(g.x_sad, in.x_sad[0]) && near(g.x_next, in.x_next[0]);
                                ok &= g.dir == in.dir;
                                ok &= near(g.L_min, in.L_min) && near(g.L_sad - g.L_min, in.L_sad - in.L_min);
                                ok &= near(g.h_min, in.h_min0) && near(g.h_sad, in.h_sad0);
                                /* every transverse direction has the escape coordinate's curvature h* (the
                                 * theory's model of moriwell and styblinski-tang) */
                                for (unsigned i = 1; i < n; ++i) ok &= near(g.h_min, in.hstar[i]);
                                if (s.event == SGL_ESC_EV_HYPERPLANE || s.event == SGL_ESC_EV_NEXT_MIN)
                                    ok &= p.event == SGL_TE_HYPERPLANE && near(p.x_exit, in.x_exit);
                                check_true(ok, "%s: critical points, losses, curvatures, barrier and exit point agree "
                                           "(theory x* %.17g x^s %.17g h* %.17g h^s %.17g dL %.17g exit %.17g; engine %.17g "
                                           "%.17g %.17g %.17g %.17g %.17g)", what, g.x_min, g.x_sad, g.h_min, g.h_sad,
                                           g.L_sad - g.L_min, p.x_exit, in.x_min[0], in.x_sad[0], in.h_min0, in.h_sad0,
                                           in.L_sad - in.L_min, in.x_exit);
                            }
    }
    /* the grid reaches every landscape's valid combinations (a vacuous pass is a failure) */
    check_true(accepted > 100 && compared > 50, "combinations the engine accepts: %d, compared: %d", accepted, compared);
    return done();
}
