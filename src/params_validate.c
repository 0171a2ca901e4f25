/* sgl_any_spec_validate: every check of a spec of any kind in one call.  Run:
 * sgl_spec_validate.  Limit: that and the limit's horizon and step.  Escape:
 * a key the chosen noise, event or landscape does not read (the registries'
 * .reads) is refused when it was set, the x0 count must be n-dim, then
 * sgl_escape_spec_validate. */
#include "internal.h"

#include <math.h>
#include <string.h>

static sgl_status validate_limit(const sgl_any_spec *a, sgl_err *err)
{
    const sgl_limit_spec *s = &a->u.limit;
    sgl_status st = sgl_spec_validate(&s->run, err);
    if (st != SGL_OK) return st;
    if (!(s->T > 0.0) || !isfinite(s->T)) return sgl_fail(err, SGL_EINVAL, "--T", "must be > 0, got %g", s->T);
    /* 0 is "T/1000" unless it was given */
    const double dt = s->dt == 0.0 && !sgl_any_spec_given(a, "dt") ? s->T / 1000.0 : s->dt;
    if (!(dt > 0.0) || dt > s->T) return sgl_fail(err, SGL_EINVAL, "--dt", "must be in (0, --T], got %g", dt);
    if ((unsigned)s->form > SGL_LIMIT_CLOSED)
        return sgl_fail(err, SGL_EINVAL, "--form", "must be auto, general or closed");
    return SGL_OK;
}

static sgl_status validate_escape(const sgl_any_spec *a, sgl_err *err)
{
    const sgl_escape_spec *s = &a->u.escape;
    if ((unsigned)s->noise <= SGL_ESC_XIE_FROZEN && (unsigned)s->event <= SGL_ESC_EV_NONE) {
        const sgl_escape_kind *noise = sgl_escape_noises[s->noise], *event = sgl_escape_events[s->event];
        if (!sgl_escape_reads(noise->reads, "B-over-eta") && sgl_any_spec_given(a, "B-over-eta"))
            return sgl_fail(err, SGL_EINVAL, "B-over-eta", "not used by --noise %s (it reads --D)", noise->name);
        if (!sgl_escape_reads(noise->reads, "D") && sgl_any_spec_given(a, "D"))
            return sgl_fail(err, SGL_EINVAL, "D",
                            "only used by --noise isotropic (--noise %s reads --B-over-eta or --B)", noise->name);
        /* the event's and the landscape's parameters: read by the chosen kinds or refused */
        const sgl_landscape_type *lt = sgl_landscape_lookup(s->landscape);
        static const char *const kind_keys[] = {"offset", "c", "r", "h", "h-ratio", "a"};
        for (size_t i = 0; lt && i < sizeof kind_keys / sizeof kind_keys[0]; ++i)
            if (sgl_any_spec_given(a, kind_keys[i]) && !sgl_escape_reads(event->reads, kind_keys[i]) &&
                !sgl_escape_reads(lt->reads, kind_keys[i]))
                return sgl_fail(err, SGL_EINVAL, kind_keys[i], "not used with --landscape %s --event %s", s->landscape,
                                event->name);
    }
    if (s->x0 && a->n_vec != s->lp.n)
        return sgl_fail(err, SGL_EINVAL, "x0", "needs %u values (--n-dim), got %zu", s->lp.n, a->n_vec);
    /* k = 0 is the library's "unset" (read as 1): a given k must be the sharpness it uses */
    if (sgl_any_spec_given(a, "k") && !(s->lp.k > 0))
        return sgl_fail(err, SGL_EINVAL, "k", "must be finite and > 0 (sharpness; 1 is the plain landscape), got %g",
                        s->lp.k);
    return sgl_escape_spec_validate(s, err);
}

sgl_status sgl_any_spec_validate(const sgl_any_spec *s, sgl_err *err)
{
    switch (s->kind) {
    case SGL_KIND_RUN: return sgl_spec_validate(&s->u.run, err);
    case SGL_KIND_LIMIT: return validate_limit(s, err);
    case SGL_KIND_ESCAPE: return validate_escape(s, err);
    }
    return sgl_fail(err, SGL_EINVAL, "kind", "unknown spec kind %d", (int)s->kind);
}
