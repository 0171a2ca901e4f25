/* sgl_escape_theory_problem: the one translation of an escape spec (the
 * simulator's description, include/sgdlab.h "escape") into the theory's own
 * problem description (sgl_theory_problem), and sgl_theory_escape, every
 * prediction that applies to it.  The landscapes' formulas are the theory's
 * own, never the simulator's code (DESIGN.md): only the spec's field checks
 * (sgl_escape_spec_check, no landscape evaluated) are shared.
 * tests/test_escape_theory_agree.c holds the two descriptions together. */
#include "../internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static void note(sgl_prediction *out, size_t cap, size_t *n, const char *name, const char *text)
{
    if (*n >= cap) return;
    sgl_prediction *q = &out[(*n)++];
    snprintf(q->name, sizeof q->name, "%s", name);
    q->value = NAN;
    q->unit[0] = '\0';
    snprintf(q->note, sizeof q->note, "%s", text);
}

/* The theory's model of each engine landscape, noise kind and event, by
 * name or id: table lookups, never calls into the engine.  A kind missing
 * here (or with why set) has no prediction, and the reason is printed. */
static const struct {
    const char *name;
    sgl_theory_landscape tl;
    int well;        /* a double-well geometry (sgl_theory_well_geometry) */
    int isotropic;   /* only its isotropic case (h-ratio 1 or n = 1) */
    int one_dim;     /* the theory's model is 1-D */
} k_landscapes[] = {
    {"doublewell", SGL_TL_DOUBLEWELL, 1, 0, 1},
    {"moriwell", SGL_TL_MORI_ND, 1, 0, 0},
    {"styblinski-tang", SGL_TL_STYBLINSKI, 1, 0, 0},
    {"quadratic", SGL_TL_QUADRATIC, 0, 1, 0},
    /* linreg: none (its L*, H and theta* are those of its drawn data) */
};
static const struct {
    int tn;           /* sgl_theory_noise, or -1 */
    const char *why;  /* tn < 0: why no formula applies */
} k_noises[] = {
    [SGL_ESC_ISOTROPIC] = {SGL_TN_ISOTROPIC, NULL},
    [SGL_ESC_MORI] = {SGL_TN_MORI, NULL},
    [SGL_ESC_XIE] = {-1, "xie noise H(theta)^+/B: D vanishes between the inflection points of the escape coordinate, "
                         "so no 1-D escape path exists and no formula applies; use xie-frozen for Xie's H*/B"},
    [SGL_ESC_XIE_FROZEN] = {SGL_TN_XIE, NULL},
    [SGL_ESC_DATA] = {-1, "exact minibatch noise of a finite data set: the theory has its population limit only "
                          "(sgdlab reproduce mori-escape (d))"},
};
enum { EXIT_NONE = 0, EXIT_NEXT_MIN, EXIT_OFFSET };
static const struct {
    sgl_theory_event te;
    int exit;        /* how x_exit is placed (hyperplane events) */
    int on_well;     /* defined on a double well */
} k_events[] = {
    [SGL_ESC_EV_HYPERPLANE] = {SGL_TE_HYPERPLANE, EXIT_OFFSET, 1},
    [SGL_ESC_EV_NEXT_MIN] = {SGL_TE_HYPERPLANE, EXIT_NEXT_MIN, 1},
    [SGL_ESC_EV_LOSS] = {SGL_TE_LOSS_RATIO, EXIT_NONE, 0},
    [SGL_ESC_EV_BALL] = {SGL_TE_BALL, EXIT_NONE, 0},
    [SGL_ESC_EV_NONE] = {SGL_TE_NONE, EXIT_NONE, 1},
};
#define COUNT(a) (sizeof (a) / sizeof *(a))

sgl_status sgl_escape_theory_problem(const sgl_escape_spec *s, sgl_theory_problem *pp, int *applies, const char **why,
                                     sgl_err *err)
{
    *applies = 0;
    *why = NULL;
    sgl_status st = sgl_escape_spec_check(s, err);
    if (st != SGL_OK) return st;
    sgl_theory_problem p;
    memset(&p, 0, sizeof p);
    const double k = s->lp.k > 0.0 ? s->lp.k : 1.0;
    p.L0 = s->lp.L0; p.a = s->lp.a; p.h = s->lp.h; p.k = k; p.n = s->lp.n ? s->lp.n : 1;
    p.eta = (s->dynamics == SGL_ESC_SGD || s->eta > 0.0) ? s->eta : NAN;
    p.D = s->D;
    p.B_over_eta = s->B_over_eta;
    p.c = s->c;
    p.r = s->r;
    size_t li = 0;
    while (li < COUNT(k_landscapes) && strcmp(k_landscapes[li].name, s->landscape) != 0) ++li;
    if (li == COUNT(k_landscapes) || (k_landscapes[li].isotropic && !(s->lp.q == 1.0 || p.n == 1))) {
        *why = "no closed-form or quadrature prediction for this landscape (theory covers doublewell, moriwell, "
               "styblinski-tang and the isotropic quadratic)";
        return SGL_OK;
    }
    const int well = k_landscapes[li].well;
    p.landscape = k_landscapes[li].tl;
    if (k_landscapes[li].one_dim) p.n = 1;
    if ((size_t)s->noise >= COUNT(k_noises) || k_noises[s->noise].tn < 0) {
        *why = (size_t)s->noise < COUNT(k_noises) ? k_noises[s->noise].why : "no theory model of this noise kind";
        return SGL_OK;
    }
    p.noise = (sgl_theory_noise)k_noises[s->noise].tn;
    if ((size_t)s->event >= COUNT(k_events)) {
        *why = "no theory model of this event";
        return SGL_OK;
    }
    if (well && !k_events[s->event].on_well) {
        *why = "no prediction for a loss-ratio or ball exit from a double well (theory: hyperplane, next-min or none)";
        return SGL_OK;
    }
    sgl_theory_geometry g = {0};
    if (well && (st = sgl_theory_well_geometry(&p, &g, err)) != SGL_OK) return st;
    p.event = k_events[s->event].te;
    if (k_events[s->event].exit == EXIT_NEXT_MIN) p.x_exit = g.x_next;
    if (k_events[s->event].exit == EXIT_OFFSET) {
        /* x_sad + offset * w in the escape direction, w = sqrt(D_0(x_sad) / |H_00(x_sad)|) */
        double D0 = p.noise == SGL_TN_ISOTROPIC ? p.D : p.noise == SGL_TN_MORI ? g.L_sad * g.h_min / p.B_over_eta
                                                                                : g.h_min / (2.0 * p.B_over_eta);
        p.x_exit = g.x_sad + g.dir * s->offset * sqrt(D0 / -g.h_sad);
        if (g.dir * (p.x_exit - g.x_next) > 0.0)
            return sgl_fail(err, SGL_EINVAL, "offset",
                            "%g noise widths put the hyperplane (theta_1 = %g) past the next minimum (%g): use a "
                            "smaller offset or --event next-min", s->offset, p.x_exit, g.x_next);
    }
    *pp = p;
    *applies = 1;
    return SGL_OK;
}

sgl_status sgl_theory_escape(const sgl_escape_spec *s, sgl_prediction *out, size_t cap, size_t *n_out, sgl_err *err)
{
    *n_out = 0;
    sgl_theory_problem p;
    int applies;
    const char *why;
    sgl_status st = sgl_escape_theory_problem(s, &p, &applies, &why, err);
    if (st != SGL_OK) return st;
    if (!applies) {
        note(out, cap, n_out, "none", why);
        return SGL_OK;
    }
    st = sgl_theory_predict(&p, out, cap, n_out, err);
    if (st != SGL_OK) return st;
    if (s->start == SGL_ESC_START_BURN_IN)
        note(out, cap, n_out, "start_note", "quasi-stationary start: the exact MFPT (from theta*) exceeds the mean from the "
             "quasi-stationary law by an O(relaxation) offset; rates agree");
    if (s->x0) note(out, cap, n_out, "start_note", "the predictions assume a start at theta*; the given start point is ignored");
    if (s->dynamics == SGL_ESC_SGD)
        note(out, cap, n_out, "discrete_note", "discrete SGD: effective B/(eta h*) x (1 - eta h*/2) (THEORY 5.7); "
             "predictions are for the continuous SDE");
    return SGL_OK;
}

double sgl_escape_sim_over_theory(const sgl_prediction *p, const sgl_mfpt_est *mf, const sgl_rate_est *rate,
                                  double eta)
{
    const double t = mf->lower_bound ? mf->mle_mean : mf->mean;
    if (!strcmp(p->unit, "t = eta k")) return t / p->value;
    if (!strcmp(p->unit, "steps k")) return t / eta / p->value;
    if (!strcmp(p->unit, "1/t")) return rate->value / p->value;
    return NAN;
}

void sgl_json_predictions(sgl_json *w, const char *why, const sgl_prediction *p, size_t n, const double *ratio)
{
    if (why && why[0]) sgl_json_kstring(w, "unavailable", why);
    for (size_t i = 0; i < n; ++i) {
        sgl_json_key(w, p[i].name);
        sgl_json_begin_object(w);
        sgl_json_kdouble(w, "value", p[i].value);
        sgl_json_kstring(w, "unit", p[i].unit);
        if (ratio) sgl_json_kdouble(w, "ratio_sim_over_theory", ratio[i]);
        sgl_json_kstring(w, "note", p[i].note);
        sgl_json_end_object(w);
    }
}
