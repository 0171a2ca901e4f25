/* sgdlab reproduce exponential-escape: the renderer of
 * sgl_exp_exponential_escape (src/experiments/exponential_escape.c): the
 * table (or --json), the plot data and gnuplot script in --out-dir.  Times in
 * GD time t = eta k. */
#include "cli.h"
#include "reproduce.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define EXPE "exponential-escape"

static void usage(FILE *f)
{
    fprintf(f, "usage: sgdlab reproduce " EXPE REPRO_USAGE_FLAGS("M") "\n       [--db FILE]\n"
               "  Exponential escape (Ibayashi-Imaizumi; THEORY.md 6.3, X1): log E[nu] against B/eta vs the minimum-action\n"
               "  quasi-potential, nu/E[nu] against Exp(1), start at theta* vs quasi-stationary, sharpness-k dependence.\n"
               "  --trajectories M: trajectories per setting (default 1000; --quick 200)  --quick: small budgets (smoke test)\n"
               "  --db FILE: also store each simulated setting as an escape run in this SQLite results file\n");
}

/* ------------------------------------------------------------- plots */

static void dat_series(FILE *f, const sgl_expesc_series *S, int inv)
{
    for (int b = 0; b < SGL_EXPESC_NB; ++b) {
        const sgl_exp_escape_cell *c = &S->sim[b];
        double x = inv ? 1 / S->x[b] : S->x[b];
        if (c->simulated) fprintf(f, "%g %.10g %.10g %.10g %.10g\n", x, c->mfpt, c->lo, c->hi, S->theory[b]);
        else fprintf(f, "%g nan nan nan %.10g\n", x, S->theory[b]);
    }
    for (unsigned j = 0; !inv && j < S->nx; ++j)   /* (1) splitting points: columns 6-8 */
        fprintf(f, "%g nan nan nan %.10g %.10g %.10g %.10g\n", S->x_ams[j], S->theory_ams[j], S->ams[j].mfpt,
                S->ams[j].mfpt_ci[0], S->ams[j].mfpt_ci[1]);
}

static int write_dat(const char *path, const sgl_expesc_result *r)
{
    FILE *f = fopen(path, "w");
    if (!f) return -1;
    fprintf(f, "# sgdlab %s (git %s) reproduce " EXPE "\n", sgl_version(), sgl_git_hash());
    for (int s = 0; s < SGL_EXPESC_NS; ++s) {
        fprintf(f, "%s# (1) %s: B/eta, sim MFPT, lo, hi, theory[, splitting MFPT, lo, hi]\n", s ? "\n\n" : "",
                r->be[s].label);
        dat_series(f, &r->be[s], 0);
    }
    fprintf(f, "\n\n# (2) Kaplan-Meier: t / mean, S, Greenwood se\n");
    for (size_t j = 0; j < r->km_n; ++j)
        fprintf(f, "%.10g %.10g %.10g\n", r->km_t[j] / r->mfpt[1].mle_mean, r->km_S[j], r->km_se[j]);
    for (int s = 0; s < SGL_EXPESC_NS; ++s) {
        fprintf(f, "\n\n# (4) %s: 1/k, sim MFPT, lo, hi, exact\n", r->sharp[s].label);
        dat_series(f, &r->sharp[s], 1);
    }
    int bad = ferror(f) != 0;   /* any earlier write, then the close */
    bad |= fclose(f) != 0;
    return bad ? -1 : 0;
}

static int write_gp(const char *path, int quick)
{
    FILE *f = fopen(path, "w");
    if (!f) return -1;
    fprintf(f, "# sgdlab %s (git %s) reproduce " EXPE "\nset terminal pngcairo size 1500,480\nset output '" EXPE ".png'\n"
               "set datafile missing 'nan'\nset multiplot layout 1,3 title 'Exponential escape%s'\nset grid\nset logscale y\n",
            sgl_version(), sgl_git_hash(), quick ? " (--quick)" : "");
    fputs("set xlabel 'B/eta'\nset ylabel 'MFPT (t = eta k)'\nset key right bottom box opaque\nset title '(a) 2-D Mori well: MFPT against B/eta'\n"
          "plot '" EXPE ".dat' index 0 u 1:2:3:4 w yerrorbars pt 7 lc 1 t 'Mori SDE', '' index 0 u 1:5 w l lc 1 t 'Eq. 17', \\\n"
          "  '' index 1 u 1:2:3:4 w yerrorbars pt 5 lc 2 t 'Mori discrete SGD', \\\n"
          "  '' index 2 u 1:2:3:4 w yerrorbars pt 9 lc 3 t 'isotropic SDE', '' index 2 u 1:5 w l lc 3 t 'Eyring-Kramers', \\\n"
          "  '' index 0 u 1:6:7:8 w yerrorbars pt 6 lc 1 t 'splitting', '' index 1 u 1:6:7:8 w yerrorbars pt 4 lc 2 notitle, \\\n"
          "  '' index 2 u 1:6:7:8 w yerrorbars pt 8 lc 3 notitle\n", f);
    fputs("set xlabel 't / E t'\nset ylabel 'survival S(t)'\nset title '(b) survival from the quasi-stationary start'\nset key right top\n"
          "plot '" EXPE ".dat' index 3 u 1:($2 - 1.96 * $3 > 1e-4 ? $2 - 1.96 * $3 : 1e-4):($2 + 1.96 * $3) w filledcurves "
          "fs transparent solid 0.25 noborder lc rgb '#9400d3' t '95% band (Greenwood)', \\\n"
          "  '' index 3 u 1:2 w steps lw 2 lc rgb '#9400d3' t 'Kaplan-Meier', exp(-x) w l dt 2 lw 2 t 'Exp(1)'\n", f);
    fputs("set xlabel '1/k'\nset ylabel 'MFPT (t = eta k)'\nset title '(c) sharpness k, 1-D double well'\nset key right bottom box opaque\n"
          "plot '" EXPE ".dat' index 4 u 1:2:3:4 w yerrorbars pt 7 lc 1 t 'SGD-type SDE', '' index 4 u 1:5 w l lc 1 t 'exact, SGD-type', \\\n"
          "  '' index 5 u 1:2:3:4 w yerrorbars pt 5 lc 2 t 'SGD-type discrete', \\\n"
          "  '' index 6 u 1:2:3:4 w yerrorbars pt 9 lc 3 t 'isotropic SDE', '' index 6 u 1:5 w l lc 3 t 'exact, isotropic'\n"
          "unset multiplot\n", f);
    int bad = ferror(f) != 0;   /* any earlier write, then the close */
    bad |= fclose(f) != 0;
    return bad ? -1 : 0;
}

/* the plot files and gnuplot; 0 if png was written, else why says what failed */
static int plot(const char *out_dir, const char *png, const sgl_expesc_result *r, int quick, char *why, size_t len)
{
    char *dat = repro_join(out_dir, EXPE ".dat"), *gp = repro_join(out_dir, EXPE ".gp");
    int ok = 0;
    if (!dat || !gp) snprintf(why, len, "out of memory");
    else if (write_dat(dat, r) != 0) snprintf(why, len, "cannot write '%s'", dat);
    else if (write_gp(gp, quick) != 0) snprintf(why, len, "cannot write '%s'", gp);
    else ok = repro_plot(out_dir, EXPE ".gp", png, why, len) != NULL;
    free(dat);
    free(gp);
    return ok ? 0 : -1;
}

/* ------------------------------------------------------------- JSON */

static void json_ci(sgl_json *w, double lo, double hi)
{
    sgl_json_key(w, "ci");
    sgl_json_begin_array(w);
    sgl_json_double(w, lo);
    sgl_json_double(w, hi);
    sgl_json_end_array(w);
}

static void json_series(sgl_json *w, const sgl_expesc_series *S, int sharp)
{
    sgl_json_begin_object(w);
    sgl_json_kstring(w, "series", S->label);
    if (!sharp) {
        sgl_json_kdouble(w, "min_action_barrier", S->barrier);
        sgl_json_kdouble(w, "closed_form_barrier", S->barrier_closed);
        sgl_json_kdouble(w, "slope", S->have_fit ? S->fit.slope : NAN);
        sgl_json_kdouble(w, "slope_se", S->have_fit ? S->fit.slope_se : NAN);
    } else if (S->have_fit) {
        sgl_json_kdouble(w, "slope_log_k_mfpt_vs_inv_k", S->fit.slope);
        sgl_json_kdouble(w, "slope_log_k_mfpt_vs_inv_k_se", S->fit.slope_se);
        sgl_json_kdouble(w, "slope_log_mfpt_vs_log_k", S->fit_log.slope - 1.0);
        sgl_json_kdouble(w, "slope_log_mfpt_vs_log_k_se", S->fit_log.slope_se);
    }
    sgl_json_key(w, "rows");
    sgl_json_begin_array(w);
    for (int b = 0; b < SGL_EXPESC_NB; ++b) {
        sgl_json_begin_object(w);
        sgl_json_kdouble(w, sharp ? "k" : "B_over_eta", S->x[b]);
        sgl_json_kdouble(w, sharp ? "exact_mfpt" : "theory_mfpt", S->theory[b]);
        sgl_json_key(w, "sim");
        repro_json_cell(w, &S->sim[b]);
        sgl_json_end_object(w);
    }
    sgl_json_end_array(w);
    if (!sharp) {   /* (1) splitting points */
        sgl_json_key(w, "ams_rows");
        sgl_json_begin_array(w);
        for (unsigned j = 0; j < S->nx; ++j) {
            sgl_ams_opts ao;
            sgl_ams_opts_default(&ao);
            sgl_json_begin_object(w);
            sgl_json_kdouble(w, "B_over_eta", S->x_ams[j]);
            sgl_json_kdouble(w, "theory_mfpt", S->theory_ams[j]);
            sgl_json_kdouble(w, "mfpt", S->ams[j].mfpt);
            sgl_json_kdouble(w, "mfpt_se", S->ams[j].mfpt_se);
            json_ci(w, S->ams[j].mfpt_ci[0], S->ams[j].mfpt_ci[1]);
            sgl_json_kdouble(w, "mean_steps", S->ams[j].mfpt / 0.005);
            escape_ams_json_diag(w, &S->ams[j], &ao);
            sgl_json_kdouble(w, "seconds", S->ams[j].seconds);
            sgl_json_end_object(w);
        }
        sgl_json_end_array(w);
        sgl_json_kdouble(w, "slope_all", S->have_fit_all ? S->fit_all.slope : NAN);
        sgl_json_kdouble(w, "slope_all_se", S->have_fit_all ? S->fit_all.slope_se : NAN);
    }
    sgl_json_end_object(w);
}

static void json_ks(sgl_json *w, const char *key, int have, const sgl_ks_est *ks)
{
    sgl_json_key(w, key);
    if (!have) {
        sgl_json_null(w);
        return;
    }
    sgl_json_begin_object(w);
    sgl_json_kdouble(w, "D", ks->D);
    sgl_json_kdouble(w, "p_value", ks->p_value);
    sgl_json_kuint(w, "n_sim", ks->n_sim);
    sgl_json_kuint(w, "escapes", ks->n_used);
    sgl_json_end_object(w);
}

static void json_start(sgl_json *w, const sgl_expesc_result *r, int q)
{
    sgl_json_begin_object(w);
    sgl_json_kstring(w, "start", q ? "quasi-stationary burn-in t = 20" : "theta*");
    sgl_json_key(w, "rate");
    sgl_json_begin_object(w);
    sgl_json_kdouble(w, "value", r->rate[q].value);
    sgl_json_kdouble(w, "se", r->rate[q].se);
    json_ci(w, r->rate[q].ci_lo, r->rate[q].ci_hi);
    sgl_json_end_object(w);
    sgl_json_key(w, "tail_rate");
    sgl_json_begin_object(w);
    sgl_json_kdouble(w, "t0", r->t0);
    sgl_json_kdouble(w, "value", r->tail[q].value);
    sgl_json_kdouble(w, "se", r->tail[q].se);
    json_ci(w, r->tail[q].ci_lo, r->tail[q].ci_hi);
    sgl_json_end_object(w);
    sgl_json_key(w, "mfpt");
    sgl_json_begin_object(w);
    sgl_json_kdouble(w, "mean", r->mfpt[q].mean);
    sgl_json_kdouble(w, "se", r->mfpt[q].se);
    json_ci(w, r->mfpt[q].ci_lo, r->mfpt[q].ci_hi);
    sgl_json_end_object(w);
    sgl_json_kuint(w, "escaped", r->rate[q].escaped);
    sgl_json_kuint(w, "censored", r->rate[q].censored);
    sgl_json_kuint(w, "diverged", r->rate[q].diverged);
    sgl_json_end_object(w);
}

static void print_json(FILE *f, const sgl_exp_settings *o, const sgl_expesc_result *r, const char *plot)
{
    sgl_json w;
    sgl_json_to_file(&w, f);
    sgl_json_begin_object(&w);
    repro_json_head(&w, EXPE, o, plot);
    sgl_json_key(&w, "b_over_eta");
    sgl_json_begin_array(&w);
    for (int s = 0; s < SGL_EXPESC_NS; ++s) json_series(&w, &r->be[s], 0);
    sgl_json_end_array(&w);
    json_ks(&w, "ks", r->have_ks[0], &r->ks[0]);
    json_ks(&w, "ks_quasi_stationary", r->have_ks[1], &r->ks[1]);
    sgl_json_key(&w, "start");
    sgl_json_begin_array(&w);
    for (int q = 0; q < 2; ++q) json_start(&w, r, q);
    sgl_json_end_array(&w);
    sgl_json_kdouble(&w, "rate_ratio_qs_over_theta_star", r->rate_ratio);
    sgl_json_kdouble(&w, "rate_ratio_se", r->rate_ratio_se);
    sgl_json_kdouble(&w, "tail_rate_ratio", r->tail_ratio);
    sgl_json_kdouble(&w, "tail_rate_ratio_se", r->tail_ratio_se);
    sgl_json_key(&w, "sharpness");
    sgl_json_begin_array(&w);
    for (int s = 0; s < SGL_EXPESC_NS; ++s) json_series(&w, &r->sharp[s], 1);
    sgl_json_end_array(&w);
    sgl_json_kdouble(&w, "seconds", r->seconds);
    sgl_json_end_object(&w);
    fputc('\n', f);
}

/* ------------------------------------------------------------- table */

/* (1) the splitting rows of one series (E[nu] in steps of 0.005), their cost and the slope over every point */
static void table_be_ams(FILE *out, const sgl_expesc_series *S)
{
    if (!S->nx) return;
    fprintf(out, "  beyond direct simulation, adaptive multilevel splitting (escape --method ams, default options):\n"
                 "  %6s %34s %12s %12s %9s %10s %11s %8s\n", "B/eta", "splitting MFPT [95% CI]", "E[nu] steps",
            strcmp(S->theory_name, "mori_mfpt") == 0 ? "Mori Eq.17" : "Eyring-Kr.", "sim/th.", "p", "evaluations",
            "seconds");
    for (unsigned j = 0; j < S->nx; ++j) {
        const sgl_ams_result *a = &S->ams[j];
        char c1[96];
        snprintf(c1, sizeof c1, "%.4g [%.4g, %.4g]s", a->mfpt, a->mfpt_ci[0], a->mfpt_ci[1]);
        fprintf(out, "  %6g %34s %12.4g %12.5g %9.3f %10.3g %11.4g %8.2f\n", S->x_ams[j], c1, a->mfpt / 0.005,
                S->theory_ams[j], a->mfpt / S->theory_ams[j], a->p, (double)a->evaluations, a->seconds);
    }
    if (S->have_fit_all)
        fprintf(out, "  slope of log MFPT vs B/eta, direct and splitting points: %.4f +- %.4f; minimum-action barrier "
                     "%.4f; z = %.2f\n", S->fit_all.slope, S->fit_all.slope_se, S->barrier,
                (S->fit_all.slope - S->barrier) / S->fit_all.slope_se);
}

static void table_be(FILE *out, const sgl_expesc_result *r)
{
    fprintf(out, "(1) log E[nu] against B/eta: 2-D Mori well L = 0.5 + (z1^2-1)^2 + 4 z2^2, exit z1 <= -1, SDE dt = SGD eta = 0.005\n");
    for (int s = 0; s < SGL_EXPESC_NS; ++s) {
        const sgl_expesc_series *S = &r->be[s];
        fprintf(out, "  %s\n  %6s %34s %15s %12s %8s\n", S->label, "B/eta", "simulation MFPT [95% CI]", "esc/cens/div",
                strcmp(S->theory_name, "mori_mfpt") == 0 ? "Mori Eq.17" : "Eyring-Kr.", "seconds");
        for (int b = 0; b < SGL_EXPESC_NB; ++b) {
            char c1[96], c2[48];
            repro_cell_text(c1, sizeof c1, c2, sizeof c2, &S->sim[b]);
            fprintf(out, "  %6g %34s %15s %12.5g %8.1f\n", S->x[b], c1, c2, S->theory[b], S->sim[b].seconds);
        }
        if (S->have_fit)
            fprintf(out, "  slope of log MFPT vs B/eta: %.4f +- %.4f; minimum-action barrier %.4f (closed form %.4f); "
                         "z = %.2f\n", S->fit.slope, S->fit.slope_se, S->barrier, S->barrier_closed,
                    (S->fit.slope - S->barrier) / S->fit.slope_se);
        else fprintf(out, "  (fewer than 3 simulated points: no slope); minimum-action barrier %.4f\n", S->barrier);
        table_be_ams(out, S);
    }
}

static void table_start(FILE *out, const sgl_expesc_result *r)
{
    fprintf(out, "\n(2) nu / E[nu] against Exp(1): Mori SDE, B/eta = 16, from theta*, M = %u, t_max = %.4g\n",
            r->start[0].spec.trajectories, r->start[0].spec.t_max);
    if (r->have_ks[0])
        fprintf(out, "  start theta*:           KS D = %.4f over %llu escapes, p = %.4g (parametric bootstrap, %u replicates)\n",
                r->ks[0].D, (unsigned long long)r->ks[0].n_used, r->ks[0].p_value, r->ks[0].n_sim);
    if (r->have_ks[1])
        fprintf(out, "  quasi-stationary start: KS D = %.4f over %llu escapes, p = %.4g\n", r->ks[1].D,
                (unsigned long long)r->ks[1].n_used, r->ks[1].p_value);
    fprintf(out, "  (from theta* the law is Exp shifted by the relaxation offset, so a small p there is expected at this barrier)\n");
    fprintf(out, "  Kaplan-Meier survival of the quasi-stationary start: %zu points in the plot data (log S linear in t for an\n"
                 "  exponential law)\n", r->km_n);
    fprintf(out, "\n(3) rate from theta* vs after a quasi-stationary burn-in (t = 20, conditioned on no exit)\n");
    for (int q = 0; q < 2; ++q) {
        const sgl_rate_est *k = &r->rate[q];
        const sgl_mfpt_est *m = &r->mfpt[q];
        fprintf(out, "  %-34s rate %.5g [%.5g, %.5g] per t; MFPT %.5g [%.5g, %.5g]; esc/cens/div %llu/%llu/%llu\n",
                q ? "quasi-stationary start" : "start at theta*", k->value, k->ci_lo, k->ci_hi, m->mean, m->ci_lo,
                m->ci_hi, (unsigned long long)k->escaped, (unsigned long long)k->censored,
                (unsigned long long)k->diverged);
    }
    for (int q = 0; q < 2; ++q)
        fprintf(out, "  %-34s tail rate (alive at t0 = %g, counted from t0) %.5g [%.5g, %.5g] per t, %llu escapes\n",
                q ? "quasi-stationary start" : "start at theta*", r->t0, r->tail[q].value, r->tail[q].ci_lo,
                r->tail[q].ci_hi, (unsigned long long)r->tail[q].escaped);
    fprintf(out, "  1/MFPT ratio (quasi-stationary / theta*) = %.4f +- %.4f: the theta* start carries an offset of %.4g t\n"
                 "  tail-rate ratio = %.4f +- %.4f (1: the same exponential rate from either start)\n",
            r->rate_ratio, r->rate_ratio_se, r->mfpt[0].mean - r->mfpt[1].mean, r->tail_ratio, r->tail_ratio_se);
}

static void table_sharp(FILE *out, const sgl_expesc_result *r)
{
    fprintf(out, "\n(4) sharpness k (theta -> sqrt(k) theta), 1-D double well L = 0.5 + (k theta^2 - 1)^2, B/eta = 32, exit theta <= -1/sqrt k\n");
    for (int s = 0; s < SGL_EXPESC_NS; ++s) {
        const sgl_expesc_series *S = &r->sharp[s];
        fprintf(out, "  %s\n  %5s %34s %15s %12s %9s %8s\n", S->label, "k", "simulation MFPT [95% CI]", "esc/cens/div",
                "exact", "sim/exact", "seconds");
        for (int i = 0; i < SGL_EXPESC_NK; ++i) {
            char c1[96], c2[48], c3[24];
            repro_cell_text(c1, sizeof c1, c2, sizeof c2, &S->sim[i]);
            if (S->sim[i].simulated) snprintf(c3, sizeof c3, "%.3f", S->sim[i].mfpt / S->theory[i]);
            else snprintf(c3, sizeof c3, "-");
            fprintf(out, "  %5g %34s %15s %12.5g %9s %8.1f\n", S->x[i], c1, c2, S->theory[i], c3, S->sim[i].seconds);
        }
        if (S->have_fit)
            fprintf(out, "  slope of log(k MFPT) vs 1/k: %.3f +- %.3f (SGD-type LDT: 2 (B/eta) Delta L / h*(k=1) = 8; isotropic: 0);\n"
                         "  slope of log MFPT vs log k: %.3f +- %.3f (isotropic: -1, polynomial)\n", S->fit.slope,
                    S->fit.slope_se, S->fit_log.slope - 1.0, S->fit_log.slope_se);
    }
}

static void print_table(FILE *out, const sgl_exp_settings *o, const sgl_expesc_result *r, const char *plot,
                        const char *why)
{
    fprintf(out, "# sgdlab reproduce " EXPE ": exponential escape (Ibayashi-Imaizumi; THEORY.md 6.3, 7.2-7.5, X1)\n");
    fprintf(out, "# sgdlab %s (git %s, Philox4x32-10 counter layout %d), seed %llu%s\n", sgl_version(), sgl_git_hash(),
            SGL_COUNTER_LAYOUT, (unsigned long long)o->seed, o->quick ? ", --quick (small budgets: smoke test)" : "");
    fprintf(out, "# times in GD time t = eta k; CIs 95%%; '*' = 1/kappa from the censored MLE (LR interval)\n\n");
    table_be(out, r);
    table_start(out, r);
    table_sharp(out, r);
    if (plot) fprintf(out, "\nplot: %s\n", plot);
    else fprintf(out, "\nplot: not written (%s)\n", why);
    fprintf(out, "total: %.1f s\n", r->seconds);
}

static char k_progress_prefix[] = "";

/* --db: every simulated setting as one escape run (command "reproduce exponential-escape") */
static sgl_status store_cells(sgl_store *db, const sgl_expesc_result *r, sgl_err *err)
{
    const char *cmd = "reproduce " EXPE;
    sgl_status st = SGL_OK;
    for (int s = 0; s < SGL_EXPESC_NS && st == SGL_OK; ++s)
        for (int b = 0; b < SGL_EXPESC_NB && st == SGL_OK; ++b) st = repro_db_escape(db, cmd, &r->be[s].sim[b], err);
    for (int q = 0; q < 2 && st == SGL_OK; ++q) st = repro_db_escape(db, cmd, &r->start[q], err);
    for (int s = 0; s < SGL_EXPESC_NS && st == SGL_OK; ++s)
        for (int i = 0; i < SGL_EXPESC_NK && st == SGL_OK; ++i)
            st = repro_db_escape(db, cmd, &r->sharp[s].sim[i], err);
    return st;
}

int reproduce_exponential_escape(int argc, char **argv)
{
    cli_opts o;
    const char *out_dir;
    sgl_store *db = NULL;
    sgl_exp_settings set;
    int rc0 = repro_begin_escape(argc, argv, EXPE, usage, k_progress_prefix, &o, &out_dir, &db, &set);
    if (rc0 >= 0) return rc0;
    sgl_err err = {{0}, {0}};
    sgl_expesc_result r;
    sgl_status st = sgl_exp_exponential_escape(&set, &r, &err);
    int code = CLI_EXIT_OK;   /* main checks standard output to its close */
    if (st != SGL_OK) {
        fprintf(stderr, "sgdlab: reproduce " EXPE ": simulation failed: %s%s%s\n", err.field, err.field[0] ? ": " : "",
                err.msg[0] ? err.msg : sgl_strerror(st));
        code = CLI_EXIT_FAIL;
    } else if ((st = store_cells(db, &r, &err)) != SGL_OK) {
        code = cli_report(st, &err);
    } else {
        char why[512] = "";
        char *png = repro_join(out_dir, EXPE ".png");
        const char *shown = png && plot(out_dir, png, &r, o.quick, why, sizeof why) == 0 ? png : NULL;
        if (!png) snprintf(why, sizeof why, "out of memory");
        if (!shown) fprintf(stderr, "sgdlab: warning: plot not written (%s); the results follow\n", why);
        if (o.json) print_json(stdout, &set, &r, shown);
        else print_table(stdout, &set, &r, shown, why);
        free(png);
    }
    sgl_expesc_result_free(&r);
    return repro_db_close(db, code);
}
