/* PROVISIONAL (kinds): stand-ins for params' functions, reverted when params lands */
#include "internal.h"
#include <string.h>
const char *const sgl_spec_kind_names[] = {"run", "limit", "escape", NULL};
static void esc_json(sgl_json *w, const sgl_escape_spec *s)
{
    sgl_json_begin_object(w);
    sgl_json_kstring(w, "landscape", s->landscape);
    sgl_json_kuint(w, "n", s->lp.n);
    sgl_json_kdouble(w, "L0", s->lp.L0);
    sgl_json_kdouble(w, "a", s->lp.a);
    sgl_json_kdouble(w, "h", s->lp.h);
    sgl_json_kdouble(w, "h-ratio", s->lp.q);
    sgl_json_kdouble(w, "k", s->lp.k);
    sgl_json_kstring(w, "noise", sgl_escape_noises[s->noise]->name);
    sgl_json_kdouble(w, "D", s->D);
    sgl_json_kdouble(w, "B-over-eta", s->B_over_eta);
    sgl_json_kdouble(w, "eta", s->eta);
    sgl_json_kstring(w, "dynamics", sgl_escape_dynamics_kinds[s->dynamics]->name);
    sgl_json_kdouble(w, "dt", s->dt);
    sgl_json_kstring(w, "event", sgl_escape_events[s->event]->name);
    sgl_json_kdouble(w, "offset", s->offset);
    sgl_json_kdouble(w, "c", s->c);
    sgl_json_kdouble(w, "r", s->r);
    sgl_json_kstring(w, "start", sgl_escape_starts[s->start]->name);
    sgl_json_kdouble(w, "burn-in", s->burn_in);
    sgl_json_key(w, "x0");
    if (s->x0) {
        sgl_json_begin_array(w);
        for (unsigned i = 0; i < s->lp.n && i < SGL_ESC_MAX_DIM; ++i) sgl_json_double(w, s->x0[i]);
        sgl_json_end_array(w);
    } else
        sgl_json_null(w);
    sgl_json_kuint(w, "trajectories", s->trajectories);
    sgl_json_kdouble(w, "t-max", s->t_max);
    sgl_json_kuint(w, "seed", s->seed);
    sgl_json_kint(w, "counter_layout", SGL_COUNTER_LAYOUT);
    sgl_json_end_object(w);
}
size_t sgl_any_spec_canonical(const sgl_any_spec *s, char *buf, size_t len)
{
    if (s->kind == SGL_KIND_RUN) return sgl_spec_canonical(&s->u.run, buf, len);
    sgl_json w;
    sgl_json_to_buffer(&w);
    if (s->kind == SGL_KIND_ESCAPE) esc_json(&w, &s->u.escape);
    else {
        size_t n = sgl_spec_canonical(&s->u.limit.run, NULL, 0);
        char *r = sgl_malloc(n + 1);
        sgl_spec_canonical(&s->u.limit.run, r, n + 1);
        sgl_json_begin_object(&w);
        sgl_json_kstring(&w, "kind", "limit");
        sgl_json_key(&w, "run");
        sgl_json_raw(&w, r);
        sgl_json_kdouble(&w, "T", s->u.limit.T);
        sgl_json_kdouble(&w, "dt", s->u.limit.dt > 0 ? s->u.limit.dt : s->u.limit.T / 1000);
        sgl_json_kstring(&w, "form", sgl_limit_form_names[s->u.limit.form]);
        sgl_json_end_object(&w);
        sgl_free(r);
    }
    sgl_json_finish(&w);
    size_t n = 0;
    const char *t = sgl_json_text(&w, &n);
    n = strlen(t);
    if (len) { size_t c = n < len - 1 ? n : len - 1; memcpy(buf, t, c); buf[c] = 0; }
    sgl_json_release(&w);
    return n;
}
void sgl_any_spec_run_key(const sgl_any_spec *s, char key[17])
{
    if (s->kind == SGL_KIND_RUN) { sgl_spec_run_key(&s->u.run, key); return; }
    size_t n = sgl_any_spec_canonical(s, NULL, 0);
    char *b = sgl_malloc(n + 1);
    sgl_any_spec_canonical(s, b, n + 1);
    sgl_text_run_key(b, key);
    sgl_free(b);
}
void sgl_any_spec_default(sgl_any_spec *s, sgl_spec_kind kind)
{
    memset(s, 0, sizeof *s);
    s->kind = kind;
    if (kind == SGL_KIND_RUN) sgl_spec_defaults(&s->u.run);
    else if (kind == SGL_KIND_ESCAPE) sgl_escape_spec_default(&s->u.escape);
    else { sgl_spec_defaults(&s->u.limit.run); s->u.limit.T = 1; }
}
sgl_spec_kind sgl_sweep_kind(const sgl_sweep *w) { (void)w; return SGL_KIND_RUN; }
sgl_status sgl_sweep_any_spec(const sgl_sweep *w, size_t i, sgl_any_spec *out, sgl_err *err)
{
    (void)err;
    memset(out, 0, sizeof *out);
    out->kind = SGL_KIND_RUN;
    out->u.run = *sgl_sweep_spec(w, i);
    return SGL_OK;
}
