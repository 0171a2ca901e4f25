/* Plot data (`sgdlab plot`; any front end drawing a store's estimates): the
 * groups of a resolved request (sgl_report_req) as curves of points.  A
 * curve per value of the curve key (the first of q's keys when there are
 * two; one curve "all" otherwise), at most SGL_PLOT_MAX_CURVES; x the last
 * key (or the clock).  Each group is a point, or a gap with its reason (x
 * not a number; no live trajectory; no finite estimate, or none > 0 on a
 * log y axis), so a drawing can say what it left out.  Series: mean +- SE
 * (data-draw shared groups over the runs' means, as report); escape: the
 * MFPT or the rate with its CI.  Per curve the trajectories drawn, censored
 * and diverged, and the escape groups' time unit ("mixed" when they differ). */
#include "internal.h"

#include <math.h>
#include <string.h>

typedef struct {
    sgl_plot_curves *c;
    int rate, logy, t_eta;
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
    a->c->n_live[p.curve] += g->n;
    a->c->n_div[p.curve] += g->n_diverged + g->n_nonfinite;
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
    plot_acc a = {c, esc && r->obs && strcmp(r->obs, "rate") == 0, logy, 0, fn, user, 0, 0};
    sgl_status s = esc ? sgl_store_escape_groups(st, &r->q, 0.95, escape_point, &a, err)
                       : sgl_store_series_groups(st, &r->q, series_point, &a, err);
    if (a.oom) s = sgl_fail(err, SGL_ENOMEM, "--db", "out of memory");
    return s;
}
