/* Escape specs (issue 5): defaults, the names of the noise kinds, dynamics,
 * events and start protocols, and every check of a spec's fields that needs
 * no evaluation of a landscape (sgl_escape_spec_check): shared by the engine
 * (sgl_escape_describe adds the geometric checks) and the theory
 * (src/theory/escape_spec.c), which reads the landscape registry's data but
 * never runs its functions. */
#include "escape.h"
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
    s->bridge = 1;
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
    s->method = SGL_ESC_METHOD_DIRECT;
    sgl_ams_opts_default(&s->ams);
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
    if (lt->check) {
        sgl_status st = lt->check(p, err);
        if (st != SGL_OK) return st;
    }
    if (!isfinite(p->L0) || p->L0 < 0.0)
        return sgl_fail(err, SGL_EINVAL, "L0", "must be a finite number >= 0, got %g", p->L0);
    if (!finite_pos(p->a)) return sgl_fail(err, SGL_EINVAL, "a", "must be a finite number > 0, got %g", p->a);
    if (!finite_pos(p->h)) return sgl_fail(err, SGL_EINVAL, "h", "must be a finite number > 0, got %g", p->h);
    if (!finite_pos(p->q)) return sgl_fail(err, SGL_EINVAL, "h-ratio", "must be a finite number > 0, got %g", p->q);
    if (!(isfinite(p->k) && p->k >= 0.0))
        return sgl_fail(err, SGL_EINVAL, "k", "must be a finite number > 0 (0 = 1), got %g", p->k);
    static const struct { const char *field, *what; const sgl_escape_kind *const *reg; } regs[] = {
        {"noise", "noise kind", sgl_escape_noises}, {"dynamics", "dynamics", sgl_escape_dynamics_kinds},
        {"event", "event", sgl_escape_events}, {"start", "start protocol", sgl_escape_starts}};
    const int ids[] = {(int)s->noise, (int)s->dynamics, (int)s->event, (int)s->start};
    for (size_t j = 0; j < sizeof ids / sizeof *ids; ++j) {
        if (ids[j] >= 0 && (size_t)ids[j] < sgl_escape_kind_count(regs[j].reg)) continue;
        sgl_escape_kind_names(regs[j].reg, ", ", names, sizeof names);
        return sgl_fail(err, SGL_EINVAL, regs[j].field, "unknown %s %d; valid: %s", regs[j].what, ids[j], names);
    }
    const sgl_esc_noise *nz = sgl_esc_noise_of(s->noise);
    const sgl_esc_dynamics *dy = sgl_esc_dynamics_of(s->dynamics);
    const sgl_esc_event *ev = sgl_esc_event_of(s->event);
    sgl_status st = nz->check(s, err);
    if (st != SGL_OK) return st;
    if (!finite_pos(s->eta)) return sgl_fail(err, SGL_EINVAL, "lr", "must be a finite number > 0, got %g", s->eta);
    if (!(isfinite(s->dt) && s->dt >= 0.0))
        return sgl_fail(err, SGL_EINVAL, "dt", "must be a finite number > 0 (0: the default), got %g", s->dt);
    if ((st = dy->check(s, err)) != SGL_OK) return st;
    if (s->bridge != 0 && s->bridge != 1) return sgl_fail(err, SGL_EINVAL, "bridge", "must be off (0) or on (1)");
    if (!finite_pos(s->t_max)) return sgl_fail(err, SGL_EINVAL, "t-max", "must be a finite number > 0, got %g", s->t_max);
    if (s->trajectories < 1) return sgl_fail(err, SGL_EINVAL, "trajectories", "must be >= 1");
    if (s->threads < 0 || s->threads > 4096) return sgl_fail(err, SGL_EINVAL, "threads", "must be in 0..4096");
    if (s->lanes != 0 && s->lanes != W && s->lanes != 1)
        return sgl_fail(err, SGL_EINVAL, "lanes", "must be 0 (default), 1 or %d", W);
    if (ev->needs_saddle && !lt->has_saddle)
        return sgl_fail(err, SGL_ECAPS, "event", "%s needs a landscape with a saddle (doublewell, moriwell, "
                        "styblinski-tang); landscape %s has none: use loss, ball or none", ev->kind.name, lt->name);
    if ((st = ev->check(s, err)) != SGL_OK) return st;
    if ((st = sgl_esc_start_of(s->start)->check(s, err)) != SGL_OK) return st;
    if (s->method != SGL_ESC_METHOD_DIRECT && s->method != SGL_ESC_METHOD_AMS)
        return sgl_fail(err, SGL_EINVAL, "method", "must be direct or ams, got %d", (int)s->method);
    /* the splitting options are part of the spec: checked with it (before a store is touched) */
    return s->method == SGL_ESC_METHOD_AMS ? sgl_esc_ams_check(s, &s->ams, err) : SGL_OK;
}
