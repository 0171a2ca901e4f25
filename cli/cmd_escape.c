/* sgdlab escape: M first-passage trajectories of one landscape, noise and
 * dynamics (sgl_escape_run); prints the censored-MLE rate and the MFPT with
 * their uncertainty in t = eta k and in steps k = t / eta. */
#include "cli.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* key: [a, b] */
static void kpair(sgl_json *w, const char *key, double a, double b)
{
    sgl_json_key(w, key);
    sgl_json_begin_array(w);
    sgl_json_double(w, a);
    sgl_json_double(w, b);
    sgl_json_end_array(w);
}

/* key: {vkey: value, "se", "ci", "level", ... (left open for the estimate's own members) */
static void est_head(sgl_json *w, const char *key, const char *vkey, double value, double se, double lo, double hi,
                     double level)
{
    sgl_json_key(w, key);
    sgl_json_begin_object(w);
    sgl_json_kdouble(w, vkey, value);
    sgl_json_kdouble(w, "se", se);
    kpair(w, "ci", lo, hi);
    sgl_json_key(w, "level");
    sgl_json_double_fmt(w, "%g", level);
}

void escape_json_spec(sgl_json *w, const sgl_escape_spec *s, const char *landscape)
{
    sgl_json_kstring(w, "landscape", landscape);
    sgl_json_kuint(w, "n", s->lp.n);
    sgl_json_kdouble(w, "L0", s->lp.L0);
    sgl_json_kstring(w, "noise", sgl_escape_noises[s->noise]->name);
    sgl_json_kstring(w, "dynamics", sgl_escape_dynamics_kinds[s->dynamics]->name);
    sgl_json_kstring(w, "event", sgl_escape_events[s->event]->name);
}

/* the --json object of one escape run: spec, counts, MFPT, rate and the theory with its ratios */
static void print_escape_json(const sgl_escape_spec *s, const sgl_escape_info *in, const sgl_escape_results *r,
                              const sgl_mfpt_est *mfp, const sgl_rate_est *ratep, const sgl_prediction *pred,
                              size_t npred, const char *why, const char *evdef, const sgl_escape_stationary *stn)
{
    const sgl_mfpt_est mf = *mfp;
    const sgl_rate_est rate = *ratep;
    const double level = 0.95;
    const double eta = s->eta;
    const char *tu = "t = eta k";
    const sgl_landscape_type *lt = sgl_landscape_lookup(s->landscape);
    sgl_json w;
    sgl_json_to_file(&w, stdout);
    sgl_json_begin_object(&w);
    sgl_json_kstring(&w, "command", "escape");
    escape_json_spec(&w, s, lt->name);
    if (evdef) sgl_json_kstring(&w, "event_defaulted", evdef);
    sgl_json_kstring(&w, "start", sgl_escape_starts[s->start]->name);
    sgl_json_kdouble(&w, "eta", eta);
    sgl_json_kdouble(&w, "step", in->step);
    sgl_json_kdouble(&w, "x_exit",
                     s->event == SGL_ESC_EV_HYPERPLANE || s->event == SGL_ESC_EV_NEXT_MIN ? in->x_exit : NAN);
    sgl_json_kuint(&w, "trajectories", s->trajectories);
    sgl_json_kdouble(&w, "t_max", s->t_max);
    sgl_json_kuint(&w, "seed", s->seed);
    sgl_json_kstring(&w, "time_unit", tu);
    sgl_json_kuint(&w, "escaped", r->escaped);
    sgl_json_kuint(&w, "censored", r->censored);
    sgl_json_kuint(&w, "diverged", r->diverged);
    est_head(&w, "mfpt", "mean", mf.mean, mf.se, mf.ci_lo, mf.ci_hi, level);
    sgl_json_kbool(&w, "lower_bound", mf.lower_bound);
    sgl_json_kdouble(&w, "mle_mean", mf.mle_mean);
    if (mf.lower_bound && s->event != SGL_ESC_EV_NONE) {
        /* censored (not by design, as under --event none): the MLE (exposure / escapes) is the MFPT the ratios
         * use, with the rate's SE and CI */
        sgl_mfpt_mle mle;
        sgl_est_mfpt_mle(&mf, &rate, &mle);
        sgl_json_kdouble(&w, "mle_se", mle.se);
        kpair(&w, "mle_ci", mle.ci_lo, mle.ci_hi);
        sgl_json_kstring(&w, "ratios_use", "mle_mean (censored exponential MLE)");
    }
    sgl_json_kstring(&w, "unit", tu);
    sgl_json_kdouble(&w, "mean_steps", mf.mean / eta);
    sgl_json_kdouble(&w, "se_steps", mf.se / eta);
    sgl_json_end_object(&w);
    est_head(&w, "rate", "value", rate.value, rate.se, rate.ci_lo, rate.ci_hi, level);
    sgl_json_kstring(&w, "unit", "1/t");
    sgl_json_kdouble(&w, "per_step", rate.value * eta);
    sgl_json_kstring(&w, "method", "censored exponential MLE, likelihood-ratio CI");
    sgl_json_end_object(&w);
    double ratio[64];
    for (size_t i = 0; i < npred && i < 64; ++i) ratio[i] = sgl_escape_sim_over_theory(&pred[i], &mf, &rate, eta);
    sgl_json_key(&w, "theory");
    sgl_json_begin_object(&w);
    sgl_json_predictions(&w, why, pred, npred, ratio);
    sgl_json_end_object(&w);
    if (stn) escape_samples_json(&w, s, r, stn);   /* --event none: the stationary samples */
    sgl_json_kdouble(&w, "seconds", r->seconds);
    sgl_json_kdouble(&w, "traj_steps", r->traj_steps);
    sgl_json_end_object(&w);
    putchar('\n');
}

/* the table of one escape run: the same values as print_escape_json, for reading */
static void print_escape_table(const sgl_escape_spec *s, const sgl_escape_info *in, const sgl_escape_results *r,
                               const sgl_mfpt_est *mfp, const sgl_rate_est *ratep, const sgl_prediction *pred,
                               size_t npred, const char *why, const char *evdef)
{
    const sgl_mfpt_est mf = *mfp;
    const sgl_rate_est rate = *ratep;
    const double eta = s->eta;
    const sgl_landscape_type *lt = sgl_landscape_lookup(s->landscape);
    printf("# sgdlab escape: landscape %s (n = %u, L0 = %g, a = %g, k = %g), noise %s", lt->name, s->lp.n, s->lp.L0,
           s->lp.a, s->lp.k, sgl_escape_noises[s->noise]->name);
    if (s->noise == SGL_ESC_ISOTROPIC) printf(" (D = %g)", s->D);
    else printf(" (B/eta = %g)", s->B_over_eta);
    printf(", dynamics %s (step %g%s), eta = %g\n", sgl_escape_dynamics_kinds[s->dynamics]->name, in->step,
           s->dynamics == SGL_ESC_MORI_TC ? " in tau" : " in t", eta);
    printf("# event %s", sgl_escape_events[s->event]->name);
    if (evdef) printf(" (%s)", evdef);
    if (s->event == SGL_ESC_EV_HYPERPLANE || s->event == SGL_ESC_EV_NEXT_MIN) printf(" (theta_1 crosses %g)", in->x_exit);
    if (s->event == SGL_ESC_EV_LOSS) printf(" (L >= %g L* = %g)", s->c, s->c * in->L_min);
    if (s->event == SGL_ESC_EV_BALL) printf(" (|theta - theta*| >= %g)", s->r);
    printf(", start %s; times in t = eta k, steps k = t / eta\n", sgl_escape_starts[s->start]->name);
    printf("# trajectories %u: escaped %llu, censored %llu (at t_max = %g), diverged %llu (never averaged)\n",
           s->trajectories, (unsigned long long)r->escaped, (unsigned long long)r->censored, s->t_max,
           (unsigned long long)r->diverged);
    printf("%-34s %14s %12s %14s %14s  %s\n", "estimate", "value", "se", "ci95_lo", "ci95_hi", "unit");
    printf("%-34s %14.6g %12.4g %14.6g %14.6g  %s\n", mf.lower_bound ? "MFPT mean min(tau,t_max) (lower bd)" : "MFPT (mean)",
           mf.mean, mf.se, mf.ci_lo, mf.ci_hi, "t = eta k");
    printf("%-34s %14.6g %12.4g %14.6g %14.6g  %s\n", "MFPT in steps", mf.mean / eta, mf.se / eta, mf.ci_lo / eta,
           mf.ci_hi / eta, "steps k");
    printf("%-34s %14.6g %12.4g %14.6g %14.6g  %s\n", "rate (censored exp. MLE)", rate.value, rate.se, rate.ci_lo,
           rate.ci_hi, "1/t");
    printf("%-34s %14.6g %12.4g %14.6g %14.6g  %s\n", "rate per step", rate.value * eta, rate.se * eta,
           rate.ci_lo * eta, rate.ci_hi * eta, "1/step");
    sgl_mfpt_mle mle;
    sgl_est_mfpt_mle(&mf, &rate, &mle);
    const int use_mle = mf.lower_bound && s->event != SGL_ESC_EV_NONE;   /* censored, not by design as under none */
    if (use_mle)   /* the MFPT the ratios of times use, with the rate's SE and CI */
        printf("%-34s %14.6g %12.4g %14.6g %14.6g  %s\n", "MFPT censored exp. MLE (1/rate)", mle.value, mle.se,
               mle.ci_lo, mle.ci_hi, "t = eta k");
    else printf("%-34s %14.6g %12s %14s %14s  %s\n", "1/rate (MLE mean)", mf.mle_mean, "", "", "", "t = eta k");
    if (why) printf("# theory: %s\n", why);
    else {
        if (use_mle)
            printf("# theory (sgl_theory_predict; ratio = simulation / prediction where one compares; times against "
                   "the censored exp. MLE of the MFPT, as %llu of %u trajectories are censored):\n",
                   (unsigned long long)r->censored, s->trajectories);
        else printf("# theory (sgl_theory_predict; ratio = simulation / prediction where one compares):\n");
        printf("%-28s %14s %10s  %-10s %s\n", "prediction", "value", "ratio", "unit", "note");
        for (size_t i = 0; i < npred; ++i)
            printf("%-28s %14.6g %10.4g  %-10s %s\n", pred[i].name, pred[i].value,
                   sgl_escape_sim_over_theory(&pred[i], &mf, &rate, eta), pred[i].unit, pred[i].note);
    }
}

int cmd_escape(int argc, char **argv)
{
    escape_opts o;
    sgl_err err = {{0}, {0}};
    sgl_status st = cli_parse_escape(argc, argv, 2, &o, &err);
    if (st != SGL_OK) return cli_report(st, &err);
    if (o.help) return CLI_EXIT_OK;
    if (o.spec.method == SGL_ESC_METHOD_AMS) return escape_ams(&o);
    const sgl_escape_spec *s = &o.spec;
    sgl_escape_info in;
    sgl_record rec = {0};
    sgl_store *db = NULL;
    if ((st = sgl_escape_describe(s, &in, &err)) != SGL_OK) goto done;
    /* --db: the library's life cycle marks the run started before it runs (an
     * unusable store fails at once, a killed run is seen as unfinished), then
     * stores every first passage and the estimates in one transaction */
    if (o.db_path && (st = sgl_store_open(o.db_path, 0, 5000, &db, &err)) != SGL_OK) goto done;
    sgl_any_spec spec;
    sgl_any_spec_default(&spec, SGL_KIND_ESCAPE);
    spec.u.escape = *s;
    sgl_run_info info = {.command = "escape", .sweep_index = -1, .threads = s->threads, .ranks = 1};
    if ((st = sgl_store_run_any(db, &spec, &info, NULL, &rec, NULL, &err)) != SGL_OK) {
        if (!rec.esc) escape_err_flag(&err);
        goto done;
    }
    const sgl_escape_results *r = rec.esc;
    const sgl_rate_est rate = rec.rate;
    const sgl_mfpt_est mf = rec.mfpt;
    /* the theory of this spec: the library's one translation (sgl_theory_escape), as `sgdlab theory` prints it */
    sgl_prediction pred[64];
    size_t npred = 0;
    const char *why = NULL;
    char twhy[600] = "";
    sgl_err te = {{0}, {0}};
    if (sgl_theory_escape(s, pred, 64, &npred, &te) != SGL_OK) {
        snprintf(twhy, sizeof twhy, "%s: %s", te.field, te.msg);
        why = twhy;
        npred = 0;
    } else if (npred == 1 && strcmp(pred[0].name, "none") == 0) {
        snprintf(twhy, sizeof twhy, "%s", pred[0].note);
        why = twhy;
        npred = 0;
    }
    if (npred > 64) npred = 64;
    const int json = o.json;
    const char *evdef = sgl_escape_event_defaulted(&o.any);
    sgl_escape_stationary stn;   /* --event none: the states at t-max summarised */
    const int samples = s->event == SGL_ESC_EV_NONE && sgl_escape_stationary_summary(s, r, &stn, &te) == SGL_OK;
    if (json) print_escape_json(s, &in, r, &mf, &rate, pred, npred, why, evdef, samples ? &stn : NULL);
    else print_escape_table(s, &in, r, &mf, &rate, pred, npred, why, evdef);
    if (!json && samples) escape_samples_table(s, &stn);
    fprintf(stderr, "sgdlab escape: %u trajectories, %.4g integrator steps in %.3f s (%.2f ns per trajectory-step)\n",
            s->trajectories, r->traj_steps, r->seconds, r->traj_steps > 0 ? 1e9 * r->seconds / r->traj_steps : 0.0);
done:
    if (db) {
        sgl_err e2 = {{0}, {0}};
        sgl_status cs = sgl_store_close(db, &e2);
        if (st == SGL_OK && cs != SGL_OK) st = cs, err = e2;
    }
    sgl_record_clear(&rec);
    return cli_report(st, &err);
}
