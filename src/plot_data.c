/* Plot data (`sgdlab plot`; any front end drawing a store's estimates): the
 * groups of a resolved request (sgl_report_req) as curves of points.  A
 * curve per value of the curve key (the first of q's keys when there are
 * two; one curve "all" otherwise), at most SGL_PLOT_MAX_CURVES; x the last
 * key (or the clock).  Each group is a point, or a gap with its reason (x
 * not a number; no live trajectory; no finite estimate, or none > 0 on a
 * log y axis), so a drawing can say what it left out.  Series: mean +- SE
 * (data-draw shared groups over the runs' means, as report); escape: the
 * MFPT or the rate with its CI.  Per curve the trajectories drawn, censored
 * and diverged, and the escape groups' time unit ("mixed" when they differ).
 * sgl_plot_words: the title, axis labels and legend entries that say so. */
#include "internal.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

typedef struct {
    sgl_plot_curves *c;
    int rate, logy, clock, have_step;
    int (*fn)(void *user, const sgl_plot_point *p);
    void *user;
    int cur_type;
    int oom;
} plot_acc;

void sgl_plot_curves_clear(sgl_plot_curves *c)
{
    for (int i = 0; i < c->n_curves; ++i) sgl_free(c->title[i]);
    memset(c, 0, sizeof *c);
}

/* the point's curve (a new one when the curve key changes); 0, 1: past the last curve (dropped), -1: no memory */
static int next_curve(plot_acc *a, size_t nk, const sgl_value *key, sgl_plot_point *p)
{
    sgl_plot_curves *c = a->c;
    const char *curve = nk == 2 ? key[0].text : "all";
    const int ctype = nk == 2 ? (int)key[0].type : (int)SGL_VAL_TEXT;
    p->curve = c->n_curves - 1;
    p->new_curve = 0;
    if (c->n_curves && ctype == a->cur_type && strcmp(curve, c->title[c->n_curves - 1]) == 0) return 0;
    if (c->n_curves == SGL_PLOT_MAX_CURVES) return 1;
    size_t len = strlen(curve) + 1;
    if (!(c->title[c->n_curves] = sgl_malloc(len))) return -1;
    memcpy(c->title[c->n_curves], curve, len);
    p->curve = c->n_curves++;
    p->new_curve = 1;
    a->cur_type = ctype;
    return 0;
}

static int is_number(const sgl_value *x) { return x->type == SGL_VAL_INT || x->type == SGL_VAL_REAL; }

static int series_point(void *user, const sgl_series_group *g)
{
    plot_acc *a = user;
    sgl_plot_point p = {.series = g, .x = &g->key[g->n_keys - 1], .t_eta = g->t_eta};
    int r = next_curve(a, g->n_keys, g->key, &p);
    if (r) return r < 0 ? (a->oom = 1, -1) : 0;
    if (a->clock) {   /* a group per logged step of the same trajectories: the counts of the curve's last step */
        a->c->n_live[p.curve] = g->n;
        a->c->n_div[p.curve] = g->n_diverged + g->n_nonfinite;
    } else {          /* a group per value of x: distinct runs */
        a->c->n_live[p.curve] += g->n;
        a->c->n_div[p.curve] += g->n_diverged + g->n_nonfinite;
    }
    if (!a->have_step || g->step_min < a->c->step_min) a->c->step_min = g->step_min;
    if (!a->have_step || g->step_max > a->c->step_max) a->c->step_max = g->step_max;
    a->have_step = 1;
    p.what = !is_number(p.x) ? SGL_PLOT_X_NOT_NUMBER : !(g->n > 0) ? SGL_PLOT_NO_LIVE : SGL_PLOT_POINT;
    if (p.what == SGL_PLOT_POINT) {
        /* data-draw shared: over the runs' means, one replicate per data draw (as report) */
        const double se = g->n_shared_runs ? g->se_draws : g->se;
        p.y = g->n_shared_runs ? g->mean_draws : g->mean;
        p.lo = isfinite(se) ? se : 0.0;
        ++a->c->n_points;
    }
    return a->fn(a->user, &p);
}

static int escape_point(void *user, const sgl_escape_group *g)
{
    plot_acc *a = user;
    sgl_plot_curves *c = a->c;
    sgl_plot_point p = {.escape = g, .x = &g->key[g->n_keys - 1]};
    int r = next_curve(a, g->n_keys, g->key, &p);
    if (r) return r < 0 ? (a->oom = 1, -1) : 0;
    if (g->ams) c->n_ams[p.curve] += g->rate.n;   /* a splitting estimate: no first passages */
    else c->n_live[p.curve] += g->rate.escaped;
    c->n_cens[p.curve] += g->rate.censored;
    c->n_div[p.curve] += g->rate.diverged;
    if (!c->unit[0] && strlen(g->time_unit) < sizeof c->unit) memcpy(c->unit, g->time_unit, strlen(g->time_unit) + 1);
    else if (strcmp(c->unit, g->time_unit) != 0) memcpy(c->unit, "mixed", 6);
    p.y = a->rate ? g->rate.value : g->mfpt;
    p.lo = a->rate ? g->rate.ci_lo : g->mfpt_ci_lo;
    p.hi = a->rate ? g->rate.ci_hi : g->mfpt_ci_hi;
    p.what = !is_number(p.x) ? SGL_PLOT_X_NOT_NUMBER
             : !isfinite(p.y) || !isfinite(p.lo) || !isfinite(p.hi) || (a->logy && !(p.y > 0 && p.lo > 0))
                 ? SGL_PLOT_NO_ESTIMATE
                 : SGL_PLOT_POINT;
    if (p.what == SGL_PLOT_POINT) ++c->n_points;
    return a->fn(a->user, &p);
}

sgl_status sgl_plot_data(sgl_store *st, const sgl_report_req *r, int logy, sgl_plot_curves *c,
                         int (*fn)(void *user, const sgl_plot_point *p), void *user, sgl_err *err)
{
    memset(c, 0, sizeof *c);
    const int esc = strcmp(r->kind, "escape") == 0;
    plot_acc a = {c, esc && r->obs && strcmp(r->obs, "rate") == 0, logy, r->x_clock, 0, fn, user, 0, 0};
    sgl_status s = esc ? sgl_store_escape_groups(st, &r->q, 0.95, escape_point, &a, err)
                       : sgl_store_series_groups(st, &r->q, series_point, &a, err);
    if (a.oom) s = sgl_fail(err, SGL_ENOMEM, "--db", "out of memory");
    return s;
}

/* ------------------------------------------------------------ words */

/* text appended to buf[len] at *k (cut at the end, always terminated) */
static void add(char *buf, size_t len, size_t *k, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void add(char *buf, size_t len, size_t *k, const char *fmt, ...)
{
    if (*k >= len) return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf + *k, len - *k, fmt, ap);
    va_end(ap);
    *k = n < 0 ? len : *k + (size_t)n;
}

/* the x axis: a clock, or the key's row of the kind's parameter table ("help (name), unit") */
static void x_label(const sgl_report_req *r, char *buf, size_t len)
{
    size_t k = 0;
    const sgl_spec_kind kind = strcmp(r->kind, "escape") == 0 ? SGL_KIND_ESCAPE : SGL_KIND_RUN;
    const sgl_param *p = sgl_param_table(kind);
    for (; p && p->name; ++p)
        if (strcmp(p->key ? p->key : p->name, r->x) == 0) break;
    if (strcmp(r->x, "step") == 0) add(buf, len, &k, "step k (SGD steps)");
    else if (strcmp(r->x, "t_eta") == 0) add(buf, len, &k, "t = sum of eta_k over the steps (GD time)");
    else if (!p || !p->name || !p->help) add(buf, len, &k, "%s", r->x);
    else {
        add(buf, len, &k, "%s (%s)", p->help, r->x);
        if (p->unit) add(buf, len, &k, ", in %s", p->unit);
    }
}

/* the observable's doc without its "optional: ..." note */
static void obs_label(const char *obs, char *buf, size_t len)
{
    size_t k = 0;
    for (const sgl_observable_type *const *o = sgl_observables; *o; ++o) {
        if (strcmp((*o)->name, obs) != 0) continue;
        const char *doc = (*o)->doc, *opt = strstr(doc, "; optional");
        if (opt) add(buf, len, &k, "%s: %.*s)", obs, (int)(opt - doc), doc);
        else add(buf, len, &k, "%s: %s", obs, doc);
        return;
    }
    add(buf, len, &k, "%s", obs);
}

/* the y axis: the observable, or the escape estimate and its unit */
static void y_label(const sgl_report_req *r, const sgl_plot_curves *c, char *buf, size_t len)
{
    size_t k = 0;
    if (strcmp(r->kind, "escape") != 0) {
        obs_label(r->obs, buf, len);
        return;
    }
    const char *unit = strcmp(c->unit, "t") == 0       ? "t (SDE time)"
                       : strcmp(c->unit, "t_eta") == 0 ? "t = eta k (SGD steps x eta)"
                                                       : "mixed units";
    add(buf, len, &k, "%s%s", strcmp(r->obs, "rate") == 0 ? "escape rate, per unit of " : "MFPT, in ", unit);
}

#define POOL_MAX 16

typedef struct {
    const sgl_report_req *r;
    char name[POOL_MAX][64];
    int n;
} pooled_ctx;

/* a key varying between the kind's runs that neither x, the curve nor a filter fixes: a candidate */
static int pooled_one(void *user, const char *name)
{
    pooled_ctx *p = user;
    const sgl_report_req *r = p->r;
    if (strcmp(name, r->x) == 0 || (r->curve && strcmp(name, r->curve) == 0) || strlen(name) >= sizeof p->name[0])
        return 0;
    for (size_t i = 0; i < r->n_where; ++i)
        if (strcmp(name, r->where_key[i]) == 0) return 0;
    if (p->n < POOL_MAX) memcpy(p->name[p->n++], name, strlen(name) + 1);
    return 0;
}

static int count_series(void *user, const sgl_series_group *g) { (void)g; return ++*(size_t *)user, 0; }
static int count_escape(void *user, const sgl_escape_group *g) { (void)g; return ++*(size_t *)user, 0; }

/* how many groups r's selected runs form by the curve and a parameter x, and by key too when not NULL (at each
 * run's final or the chosen step): more with key than without means some point pools runs of several values */
static sgl_status count_groups(sgl_store *st, const sgl_report_req *r, const char *key, size_t *n, sgl_err *err)
{
    sgl_query q = r->q;
    q.all_steps = 0;
    q.n_keys = 0;
    if (r->curve) q.keys[q.n_keys++] = r->curve;
    if (!r->x_clock) q.keys[q.n_keys++] = r->x;
    if (key) q.keys[q.n_keys++] = key;
    *n = 0;
    return strcmp(r->kind, "escape") == 0 ? sgl_store_escape_groups(st, &q, 0.95, count_escape, n, err)
                                          : sgl_store_series_groups(st, &q, count_series, n, err);
}

/* "pooled over KEY, ..." into buf at *k: the keys whose runs of several values share a point */
static sgl_status put_pooled(sgl_store *st, const sgl_report_req *r, char *buf, size_t len, size_t *k, sgl_err *err)
{
    pooled_ctx pc;
    memset(&pc, 0, sizeof pc);
    pc.r = r;
    size_t n0 = 0, n1 = 0;
    sgl_status s = sgl_store_varying_keys(st, r->kind, pooled_one, &pc, err);
    if (s == SGL_OK && pc.n) s = count_groups(st, r, NULL, &n0, err);
    for (int i = 0, m = 0; s == SGL_OK && i < pc.n; ++i) {
        if ((s = count_groups(st, r, pc.name[i], &n1, err)) != SGL_OK || n1 <= n0) continue;
        add(buf, len, k, "%s%s", m++ ? ", " : *k ? "; pooled over " : "pooled over ", pc.name[i]);
    }
    return s;
}

static void series_what(const sgl_report_req *r, const sgl_plot_curves *c, char *buf, size_t len, size_t *k)
{
    add(buf, len, k, "%s: mean +- SE over %s", r->obs,
        r->shared ? "data draws (data-draw: shared runs: their means)" : "trajectories");
    if (r->x_clock) add(buf, len, k, " at each logged step");
    else if (r->has_step) add(buf, len, k, " at step %lld", (long long)r->step);
    else if (c->step_min == c->step_max) add(buf, len, k, " at the final step %lld", (long long)c->step_min);
    else add(buf, len, k, " at each run's final step (%lld to %lld)", (long long)c->step_min, (long long)c->step_max);
}

sgl_status sgl_plot_words(sgl_store *st, const sgl_report_req *r, const sgl_plot_curves *c, sgl_plot_text *t,
                          sgl_err *err)
{
    memset(t, 0, sizeof *t);
    const int esc = strcmp(r->kind, "escape") == 0;
    size_t k = 0;
    int ams = 0;   /* a curve of method ams groups (splitting estimates) */
    for (int i = 0; i < c->n_curves; ++i) ams |= c->n_ams[i] > 0;
    if (esc && ams)
        add(t->title, sizeof t->title, &k, "%s, 95%% CI (direct runs: censored exponential MLE; method ams: "
            "splitting)", strcmp(r->obs, "rate") == 0 ? "escape rate" : "MFPT");
    else if (esc)
        add(t->title, sizeof t->title, &k, "%s", strcmp(r->obs, "rate") == 0
                                                     ? "escape rate: censored exponential MLE, 95% likelihood-ratio CI"
                                                     : "MFPT = 1/rate (censored exponential MLE), 95% CI");
    else series_what(r, c, t->title, sizeof t->title, &k);
    k = 0;
    for (size_t i = 0; i < r->n_where; ++i)
        add(t->selection, sizeof t->selection, &k, "%s%s", i ? ", " : "only ", r->where[i]);
    sgl_status s = put_pooled(st, r, t->selection, sizeof t->selection, &k, err);
    if (s != SGL_OK) return s;
    x_label(r, t->xlabel, sizeof t->xlabel);
    y_label(r, c, t->ylabel, sizeof t->ylabel);
    for (int i = 0; i < c->n_curves; ++i) {
        char *b = t->legend[i];
        size_t n = 0, bl = sizeof t->legend[i];
        if (r->curve) add(b, bl, &n, "%s = ", r->curve);
        add(b, bl, &n, "%s", c->title[i]);
        if (esc && c->n_ams[i] && !c->n_live[i] && !c->n_cens[i]) add(b, bl, &n, " (%llu splitting runs", c->n_ams[i]);
        else if (esc) add(b, bl, &n, " (%llu escaped, %llu censored", c->n_live[i], c->n_cens[i]);
        else add(b, bl, &n, " (%llu trajectories", c->n_live[i] + c->n_div[i]);
        if (c->n_div[i]) add(b, bl, &n, ", %llu diverged%s", c->n_div[i], esc ? "" : " or non-finite");
        add(b, bl, &n, ")");
    }
    return SGL_OK;
}
