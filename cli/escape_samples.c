/* sgdlab escape --event none: the stationary samples (every trajectory's
 * state at t-max), summarised by the library (sgl_escape_stationary_summary)
 * and printed below the escape table, or as the "stationary" member of
 * --json with the samples themselves as arrays. */
#include "cli.h"

#include <math.h>

static void table_row(const char *name, const sgl_sample_summary *v)
{
    printf("%-20s %13.6g %11.4g", name, v->mean, v->se);
    for (int q = 0; q < SGL_STAT_NQ; ++q) printf(" %12.6g", v->q[q]);
    printf(" %12.6g\n", v->max);
}

/* the normalisability verdict of L^-phi (NULL: no closed form) */
static const char *verdict(const sgl_escape_spec *s, const sgl_escape_stationary *st)
{
    if (!isfinite(st->n_c)) return NULL;
    return s->lp.n < st->n_c ? "normalisable: a stationary law"
                             : "not normalisable: no stationary law, the samples drift to ever larger L "
                               "(their quantiles grow with t-max)";
}

void escape_samples_table(const sgl_escape_spec *s, const sgl_escape_stationary *st)
{
    printf("# stationary samples (event none): the state at t_max = %g of %llu trajectories (%llu diverged, not "
           "used)\n", s->t_max, (unsigned long long)st->n, (unsigned long long)st->diverged);
    printf("%-20s %13s %11s", "sample", "mean", "se");
    for (int q = 0; q < SGL_STAT_NQ; ++q) {
        char lab[16];
        snprintf(lab, sizeof lab, "q%g", 100.0 * sgl_stationary_q[q]);
        printf(" %12s", lab);
    }
    printf(" %12s\n", "max");
    table_row("L", &st->L);
    table_row("|theta - theta*|", &st->dist);
    printf("# P ~ L^-phi:");
    if (st->phi_tail.n_used)
        printf(" tail fit (Hill MLE above the 90 %% quantile of L) phi = %.4g +- %.2g (%llu samples)", st->phi_tail.phi,
               st->phi_tail.se, (unsigned long long)st->phi_tail.n_used);
    else printf(" no tail fit (fewer than 2 samples above the 90 %% quantile)");
    if (st->phi_quad.n_used) printf("; quadratic-well MLE %.4g +- %.2g", st->phi_quad.phi, st->phi_quad.se);
    printf("\n");
    if (isfinite(st->phi_theory)) {
        printf("#   Mori: phi = 1 + (B/eta)/h* = %.6g (THEORY 5.3)", st->phi_theory);
        if (verdict(s, st))
            printf("; critical dimension n_c = 2 phi = %.6g: n = %u %s n_c, %s", st->n_c, s->lp.n,
                   s->lp.n < st->n_c ? "<" : ">=", verdict(s, st));
        printf("\n");
    }
}

static void json_summary(sgl_json *w, const char *key, const sgl_sample_summary *v)
{
    sgl_json_key(w, key);
    sgl_json_begin_object(w);
    sgl_json_kdouble(w, "mean", v->mean);
    sgl_json_kdouble(w, "se", v->se);
    sgl_json_key(w, "quantiles");
    sgl_json_begin_array(w);
    for (int q = 0; q < SGL_STAT_NQ; ++q) sgl_json_double(w, v->q[q]);
    sgl_json_end_array(w);
    sgl_json_kdouble(w, "max", v->max);
    sgl_json_end_object(w);
}

static void json_phi(sgl_json *w, const char *key, const sgl_phi_est *p)
{
    sgl_json_key(w, key);
    if (!p->n_used) {
        sgl_json_null(w);
        return;
    }
    sgl_json_begin_object(w);
    sgl_json_kdouble(w, "value", p->phi);
    sgl_json_kdouble(w, "se", p->se);
    sgl_json_kuint(w, "n_used", p->n_used);
    sgl_json_end_object(w);
}

void escape_samples_json(sgl_json *w, const sgl_escape_spec *s, const sgl_escape_results *r,
                         const sgl_escape_stationary *st)
{
    sgl_json_key(w, "stationary");
    sgl_json_begin_object(w);
    sgl_json_kuint(w, "n", st->n);
    sgl_json_kuint(w, "diverged", st->diverged);
    sgl_json_kdouble(w, "t", s->t_max);
    sgl_json_key(w, "quantile_levels");
    sgl_json_begin_array(w);
    for (int q = 0; q < SGL_STAT_NQ; ++q) sgl_json_double_fmt(w, "%g", sgl_stationary_q[q]);
    sgl_json_end_array(w);
    json_summary(w, "L", &st->L);
    json_summary(w, "dist", &st->dist);
    json_phi(w, "phi_tail", &st->phi_tail);
    json_phi(w, "phi_quadratic_mle", &st->phi_quad);
    sgl_json_kdouble(w, "phi_theory", st->phi_theory);
    sgl_json_kdouble(w, "n_c", st->n_c);
    sgl_json_key(w, "normalisable");
    if (verdict(s, st)) sgl_json_bool(w, s->lp.n < st->n_c);
    else sgl_json_null(w);
    /* the samples, trajectory order (a diverged one: null) */
    sgl_json_key(w, "L_samples");
    sgl_json_begin_array(w);
    for (size_t m = 0; m < r->M; ++m) sgl_json_double(w, r->state[m] == SGL_FP_DIVERGED ? NAN : r->L[m]);
    sgl_json_end_array(w);
    sgl_json_key(w, "theta_samples");
    sgl_json_begin_array(w);
    for (size_t m = 0; m < r->M; ++m) {
        sgl_json_begin_array(w);
        for (unsigned i = 0; i < r->n; ++i) sgl_json_double(w, r->state[m] == SGL_FP_DIVERGED ? NAN : r->x[m * r->n + i]);
        sgl_json_end_array(w);
    }
    sgl_json_end_array(w);
    sgl_json_end_object(w);
}
