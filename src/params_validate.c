/* sgl_any_spec_validate: every check of a spec of any kind in one call.  Run:
 * sgl_spec_validate.  Limit: that and the limit's horizon and step.  Escape:
 * the x0 count must be n-dim, then sgl_escape_spec_validate.
 * sgl_any_spec_check_given: a key given that the rest of the spec does not
 * read (run and limit: the rows' use; escape: the registries' .reads). */
#include "internal.h"

#include <math.h>
#include <stdio.h>
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
    if (s->landscape_plugin && s->landscape_plugin[0] && s->landscape_hash == 0)
        return sgl_fail(err, SGL_EINVAL, "landscape-plugin",
                        "'%s' not loaded: sgl_escape_spec_resolve_plugin puts it and its content hash into the spec",
                        s->landscape_plugin);
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

/* run and limit: the rows' use against the data, model and noise chosen */
static sgl_status given_run(const sgl_any_spec *a, sgl_err *err)
{
    const sgl_spec *s = &a->u.run;
    const sgl_param *t = sgl_param_table(a->kind);
    const int csv = s->data.input == SGL_INPUT_CSV;
    const sgl_model_type *mt = sgl_spec_model_or_null(s);
    const sgl_noise_type *nt = sgl_noise_lookup(s->noise);
    char flag[40];
    if (sgl_spec_has_plugin(s) && sgl_any_spec_given(a, "model"))
        return sgl_fail(err, SGL_EINVAL, "--model", "not used with --model-plugin (the plugin is the model)");
    for (int pass = 0; pass < 3; ++pass)
        for (const sgl_param *p = t; p->name; ++p) {
            if (!(a->given >> (p - t) & 1u)) continue;
            snprintf(flag, sizeof flag, "--%s", p->name);
            if (pass == 0 && csv && (p->use & SGL_USE_GEN))
                return sgl_fail(err, SGL_EINVAL, flag,
                                "not used with --data csv (the file fixes d, n and the labels, and has no ground truth)");
            if (pass == 0 && !csv && (p->use & SGL_USE_CSV))
                return sgl_fail(err, SGL_EINVAL, flag, "only used with --data csv");
            if (pass == 0 && (p->use & SGL_USE_DECAY) && s->n_decay == 0)
                return sgl_fail(err, SGL_EINVAL, flag, "only used with --lr-decay K1,K2,... (the steps where it applies)");
            if (pass == 1 && mt && (mt->caps & SGL_CAP_NODATA) && (p->use & SGL_USE_DATA))
                return sgl_fail(err, SGL_EINVAL, flag, "not used with --model %s (its loss does not depend on data)",
                                mt->name);
            if (pass == 2 && nt &&
                (((p->use & SGL_USE_BATCH) && !nt->uses_batch) || ((p->use & SGL_USE_DELTA) && !nt->uses_delta) ||
                 ((p->use & SGL_USE_SIGMA) && !nt->uses_sigma)))
                return sgl_fail(err, SGL_EINVAL, flag, "not used by --noise %s (sgdlab list: what each kind reads)",
                                nt->name);
            if (pass == 0 && strcmp(p->name, "alpha") == 0 && sgl_any_spec_given(a, "init"))
                return sgl_fail(err, SGL_EINVAL, "--alpha", "not used with --init (which gives the initial point itself)");
        }
    return SGL_OK;
}

/* escape: a key none of the chosen noise, event and landscape reads */
static sgl_status given_escape(const sgl_any_spec *a, sgl_err *err)
{
    const sgl_escape_spec *s = &a->u.escape;
    if ((unsigned)s->noise > SGL_ESC_XIE_FROZEN || (unsigned)s->event > SGL_ESC_EV_NONE) return SGL_OK;
    const sgl_escape_kind *noise = sgl_escape_noises[s->noise], *event = sgl_escape_events[s->event];
    for (const sgl_param *p = sgl_param_table(SGL_KIND_ESCAPE); s->method != SGL_ESC_METHOD_AMS && p->name; ++p)
        if ((p->flags & SGL_PF_AMS) && strcmp(p->name, "method") != 0 && sgl_any_spec_given(a, p->name))
            return sgl_fail(err, SGL_EINVAL, p->name, "only used with --method ams");
    if ((unsigned)s->dynamics <= SGL_ESC_MINIBATCH)
        for (const sgl_param *p = sgl_param_table(SGL_KIND_ESCAPE); p->name; ++p)
            if ((p->flags & SGL_PF_DYN) && sgl_any_spec_given(a, p->name) &&
                !sgl_escape_reads(sgl_escape_dynamics_kinds[s->dynamics]->reads, p->name))
                return sgl_fail(err, SGL_EINVAL, p->name, "not used by --dynamics %s (it reads: %s)",
                                sgl_escape_dynamics_kinds[s->dynamics]->name, sgl_escape_dynamics_kinds[s->dynamics]->reads);
    if (!sgl_escape_reads(noise->reads, "B-over-eta") && sgl_any_spec_given(a, "B-over-eta"))
        return sgl_fail(err, SGL_EINVAL, "B-over-eta", "not used by --noise %s (it reads --D)", noise->name);
    if (!sgl_escape_reads(noise->reads, "D") && sgl_any_spec_given(a, "D"))
        return sgl_fail(err, SGL_EINVAL, "D", "only used by --noise isotropic (--noise %s reads --B-over-eta or --B)",
                        noise->name);
    if (s->landscape_plugin && s->landscape_plugin[0] && sgl_any_spec_given(a, "landscape"))
        return sgl_fail(err, SGL_EINVAL, "landscape", "not used with --landscape-plugin (the plugin is the landscape)");
    /* the event's and the landscape's parameters: read by the chosen kinds or refused */
    const sgl_landscape_type *lt = sgl_landscape_lookup(s->landscape);
    static const char *const kind_keys[] = {"offset", "c", "r", "h", "h-ratio", "a"};
    for (size_t i = 0; lt && i < sizeof kind_keys / sizeof kind_keys[0]; ++i)
        if (sgl_any_spec_given(a, kind_keys[i]) && !sgl_escape_reads(event->reads, kind_keys[i]) &&
            !sgl_escape_reads(lt->reads, kind_keys[i]))
            return sgl_fail(err, SGL_EINVAL, kind_keys[i], "not used with --landscape %s --event %s", s->landscape,
                            event->name);
    return SGL_OK;
}

sgl_status sgl_any_spec_check_given(const sgl_any_spec *s, sgl_err *err)
{
    if (s->kind == SGL_KIND_ESCAPE) return given_escape(s, err);
    if (s->kind == SGL_KIND_RUN || s->kind == SGL_KIND_LIMIT) return given_run(s, err);
    return sgl_fail(err, SGL_EINVAL, "kind", "unknown spec kind %d", (int)s->kind);
}
