/* Escape specs (issue 5): defaults, the names of the noise kinds, dynamics,
 * events and start protocols, and every check of a spec's fields that needs
 * no evaluation of a landscape (sgl_escape_spec_check): shared by the engine
 * (sgl_escape_describe adds the geometric checks) and the theory
 * (src/theory/escape_spec.c), which reads the landscape registry's data but
 * never runs its functions. */
#include "../internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "../vmath.h"

#define W SGL_VM_LANES

void sgl_escape_spec_default(sgl_escape_spec *s)
{
    memset(s, 0, sizeof *s);
    s->landscape = "doublewell";
    s->lp.L0 = 0.5;
    s->lp.a = 1.0;
    s->lp.h = 1.0;
    s->lp.q = 1.0;
    s->lp.k = 1.0;
    s->lp.n = 1;
    s->noise = SGL_ESC_MORI;
    s->D = 0.1;
    s->B_over_eta = 40.0;
    s->eta = 0.01;
    s->dynamics = SGL_ESC_SDE;
    s->dt = 0.0;
    s->event = SGL_ESC_EV_HYPERPLANE;
    s->offset = 3.0;
    s->c = 2.0;
    s->r = 1.0;
    s->start = SGL_ESC_START_MIN;
    s->burn_in = 0.0;
    s->x0 = NULL;
    s->trajectories = 1000;
    s->t_max = 1e4;
    s->seed = 1;
    s->threads = 0;
    s->lanes = 0;
}

static int finite_pos(double x) { return isfinite(x) && x > 0.0; }

sgl_status sgl_escape_spec_check(const sgl_escape_spec *s, sgl_err *err)
{
    char names[256];
    const sgl_landscape_type *lt = sgl_landscape_lookup(s->landscape);
    if (!lt) {
        size_t k = 0, nc = 0;
        const char *cand[64];
        char hint[80];
        names[0] = '\0';
        for (size_t i = 0; sgl_landscapes[i] && k < sizeof names; ++i)
            k += (size_t)snprintf(names + k, sizeof names - k, "%s%s", i ? ", " : "", sgl_landscapes[i]->name);
        for (nc = 0; nc < 64 && sgl_landscapes[nc]; ++nc) cand[nc] = sgl_landscapes[nc]->name;
        sgl_did_you_mean(s->landscape, cand, nc, hint, sizeof hint);
        return sgl_fail(err, SGL_EINVAL, "landscape", "unknown landscape '%s'%s; valid: %s",
                        s->landscape ? s->landscape : "(null)", hint, names);
    }
    const sgl_landscape_params *p = &s->lp;
    if (p->n < 1 || p->n > lt->max_dim)
        return sgl_fail(err, SGL_EINVAL, "n-dim", "must be in 1..%u for landscape %s, got %u", lt->max_dim, lt->name,
                        p->n);
    if (!isfinite(p->L0) || p->L0 < 0.0)
        return sgl_fail(err, SGL_EINVAL, "L0", "must be a finite number >= 0, got %g", p->L0);
    if (!finite_pos(p->a)) return sgl_fail(err, SGL_EINVAL, "a", "must be a finite number > 0, got %g", p->a);
    if (!finite_pos(p->h)) return sgl_fail(err, SGL_EINVAL, "h", "must be a finite number > 0, got %g", p->h);
    if (!finite_pos(p->q)) return sgl_fail(err, SGL_EINVAL, "h-ratio", "must be a finite number > 0, got %g", p->q);
    if (!(isfinite(p->k) && p->k >= 0.0))
        return sgl_fail(err, SGL_EINVAL, "k", "must be a finite number > 0 (0 = 1), got %g", p->k);
    if ((unsigned)s->noise > SGL_ESC_XIE_FROZEN) {
        sgl_escape_kind_names(sgl_escape_noises, ", ", names, sizeof names);
        return sgl_fail(err, SGL_EINVAL, "noise", "unknown noise kind %d; valid: %s", (int)s->noise, names);
    }
    if ((unsigned)s->dynamics > SGL_ESC_MORI_TC) {
        sgl_escape_kind_names(sgl_escape_dynamics_kinds, ", ", names, sizeof names);
        return sgl_fail(err, SGL_EINVAL, "dynamics", "unknown dynamics %d; valid: %s", (int)s->dynamics, names);
    }
    if ((unsigned)s->event > SGL_ESC_EV_NONE) {
        sgl_escape_kind_names(sgl_escape_events, ", ", names, sizeof names);
        return sgl_fail(err, SGL_EINVAL, "event", "unknown event %d; valid: %s", (int)s->event, names);
    }
    if ((unsigned)s->start > SGL_ESC_START_BURN_IN) {
        sgl_escape_kind_names(sgl_escape_starts, ", ", names, sizeof names);
        return sgl_fail(err, SGL_EINVAL, "start", "unknown start protocol %d; valid: %s", (int)s->start, names);
    }
    if (s->noise == SGL_ESC_ISOTROPIC) {
        if (!finite_pos(s->D)) return sgl_fail(err, SGL_EINVAL, "D", "must be a finite number > 0, got %g", s->D);
    } else if (!finite_pos(s->B_over_eta)) {
        return sgl_fail(err, SGL_EINVAL, "B-over-eta", "must be a finite number > 0 (noise %s), got %g",
                        sgl_escape_noises[s->noise]->name, s->B_over_eta);
    }
    if (!finite_pos(s->eta)) return sgl_fail(err, SGL_EINVAL, "eta", "must be a finite number > 0, got %g", s->eta);
    if (!(isfinite(s->dt) && s->dt >= 0.0))
        return sgl_fail(err, SGL_EINVAL, "dt", "must be a finite number > 0 (0: the default), got %g", s->dt);
    if (s->dynamics == SGL_ESC_SGD && s->dt != 0.0 && s->dt != s->eta)
        return sgl_fail(err, SGL_EINVAL, "dt", "not used by --dynamics sgd (its step is eta = %g)", s->eta);
    if (s->dynamics == SGL_ESC_MORI_TC && s->noise != SGL_ESC_MORI)
        return sgl_fail(err, SGL_ECAPS, "dynamics",
                        "mori-tc (Mori's time change) needs --noise mori, got --noise %s; valid dynamics for it: sgd, sde",
                        sgl_escape_noises[s->noise]->name);
    if (s->noise == SGL_ESC_MORI && !(p->L0 > 0.0))
        return sgl_fail(err, SGL_ECAPS, "L0",
                        "noise mori needs L* = L0 > 0 (the noise vanishes at L = 0 and the minimum never escapes)");
    if (!finite_pos(s->t_max)) return sgl_fail(err, SGL_EINVAL, "t-max", "must be a finite number > 0, got %g", s->t_max);
    if (s->trajectories < 1) return sgl_fail(err, SGL_EINVAL, "trajectories", "must be >= 1");
    if (s->threads < 0 || s->threads > 4096) return sgl_fail(err, SGL_EINVAL, "threads", "must be in 0..4096");
    if (s->lanes != 0 && s->lanes != W && s->lanes != 1)
        return sgl_fail(err, SGL_EINVAL, "lanes", "must be 0 (default), 1 or %d", W);
    if ((s->event == SGL_ESC_EV_HYPERPLANE || s->event == SGL_ESC_EV_NEXT_MIN) && !lt->has_saddle)
        return sgl_fail(err, SGL_ECAPS, "event", "%s needs a landscape with a saddle (doublewell, moriwell, "
                        "styblinski-tang); landscape %s has none: use loss, ball or none",
                        sgl_escape_events[s->event]->name, lt->name);
    if (s->event == SGL_ESC_EV_HYPERPLANE && !(isfinite(s->offset) && s->offset >= 0.0))
        return sgl_fail(err, SGL_EINVAL, "offset", "must be a finite number >= 0 (noise widths past the saddle), got %g",
                        s->offset);
    if (s->event == SGL_ESC_EV_LOSS && !(isfinite(s->c) && s->c > 1.0))
        return sgl_fail(err, SGL_EINVAL, "c", "must be a finite number > 1 (exit at L >= c L*), got %g", s->c);
    if (s->event == SGL_ESC_EV_LOSS && !(p->L0 > 0.0))
        return sgl_fail(err, SGL_EINVAL, "L0", "event loss (L >= c L*) needs L* = L0 > 0");
    if (s->event == SGL_ESC_EV_BALL && !finite_pos(s->r))
        return sgl_fail(err, SGL_EINVAL, "r", "must be a finite number > 0, got %g", s->r);
    if (s->start == SGL_ESC_START_BURN_IN && !finite_pos(s->burn_in))
        return sgl_fail(err, SGL_EINVAL, "burn-in", "must be a finite number > 0 with --start burn-in, got %g",
                        s->burn_in);
    if (s->start == SGL_ESC_START_MIN && s->burn_in != 0.0)
        return sgl_fail(err, SGL_EINVAL, "burn-in", "only used with --start burn-in");
    if (s->start == SGL_ESC_START_BURN_IN && s->x0)
        return sgl_fail(err, SGL_EINVAL, "x0", "not used with --start burn-in (which starts at theta*)");
    return SGL_OK;
}
