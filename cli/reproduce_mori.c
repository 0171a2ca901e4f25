/* sgdlab reproduce mori-escape: the renderer of sgl_exp_mori_escape
 * (src/experiments/mori_escape.c) -- table (or --json), the plot data and two
 * gnuplot plots in --out-dir.  Times are GD time t = eta k unless a column says steps.
 * Disagreements are printed as results (exit code 0); 2 is bad flags, 1 a
 * run-time failure. */
#include "cli.h"
#include "reproduce.h"

#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define EXPM "mori-escape"

static void usage(FILE *f)
{
    fprintf(f, "usage: sgdlab reproduce " EXPM REPRO_USAGE_FLAGS("M") "\n"
               "       [--db FILE]\n"
               "  Mori et al.'s power-law escape (THEORY.md 5, M1-M4): (a) escape time against L^s/L* at equal Delta L,\n"
               "  (b) n-dependence (b2: its rare regime up to n_c - 1), (c) stationary exponent phi, (d) true minibatch SGD\n"
               "  on Gaussian regression.\n"
               "  --trajectories M: trajectories per setting (default 1000; --quick 200)  --quick: small budgets (smoke test)\n"
               "  --db FILE: also store each simulated setting of (a)-(c) as an escape run in this SQLite results file\n");
}

/* ------------------------------------------------------------- plots */

static int write_dat(const char *dat, const sgl_mori_result *R)
{
    FILE *f = fopen(dat, "w");
    if (!f) return -1;
    fprintf(f, "# sgdlab %s (git %s) reproduce " EXPM "\n# (a) blocks: B/eta = 16, 40, 80; columns: L^s/L*, "
               "sim MFPT, CI lo, CI hi, exact, Mori 1/kappa, Arrhenius 1/kappa, exact GLD, splitting MFPT, CI lo, CI hi "
               "(t = eta k)\n",
            sgl_version(), sgl_git_hash());
    static const double blocks[3] = {16, 40, 80};
    for (int b = 0; b < 3; ++b) {
        fprintf(f, "%s# B/eta = %g\n", b ? "\n\n" : "", blocks[b]);
        for (int i = 0; i < SGL_MORI_NA; ++i) {
            const sgl_mori_row_a *a = &R->a[i];
            if (a->B_over_eta != blocks[b]) continue;
            fprintf(f, "%.10g ", a->ratio);
            if (a->sim.simulated) fprintf(f, "%.10g %.10g %.10g", a->sim.mfpt, a->sim.lo, a->sim.hi);
            else fputs("nan nan nan", f);
            fprintf(f, " %.10g %.10g %.10g %.10g", a->exact, a->mori, a->arrhenius, a->gld);
            if (a->ams_run) fprintf(f, " %.10g %.10g %.10g\n", a->ams.mfpt, a->ams.mfpt_ci[0], a->ams.mfpt_ci[1]);
            else fputs(" nan nan nan\n", f);
        }
    }
    fprintf(f, "\n\n# (b) n, sim MFPT, lo, hi, Mori Eq. 17 1/kappa\n");
    for (int i = 0; i < SGL_MORI_NB; ++i) {
        const sgl_mori_row_b *b = &R->b[i];
        fprintf(f, "%u ", b->n);
        if (b->sim.simulated) fprintf(f, "%.10g %.10g %.10g", b->sim.mfpt, b->sim.lo, b->sim.hi);
        else fputs("nan nan nan", f);
        fprintf(f, " %.10g\n", b->mori);
    }
    fprintf(f, "\n\n# (b2) rare series B/eta = 40, L0 = 0.05: n, sim MFPT, lo, hi, Mori Eq. 17 1/kappa, splitting MFPT, lo, hi\n");
    for (int i = 0; i < SGL_MORI_NB2; ++i) {
        const sgl_mori_row_b *b = &R->b2[i];
        fprintf(f, "%u ", b->n);
        if (b->sim.simulated) fprintf(f, "%.10g %.10g %.10g", b->sim.mfpt, b->sim.lo, b->sim.hi);
        else fputs("nan nan nan", f);
        fprintf(f, " %.10g", b->mori);
        if (b->ams_run) fprintf(f, " %.10g %.10g %.10g\n", b->ams.mfpt, b->ams.mfpt_ci[0], b->ams.mfpt_ci[1]);
        else fputs(" nan nan nan\n", f);
    }
    int bad = ferror(f) != 0;   /* any earlier write, then the close */
    bad |= fclose(f) != 0;
    return bad ? -1 : 0;
}

static int write_gp(const char *gp, int quick)
{
    FILE *f = fopen(gp, "w");
    if (!f) return -1;
    fprintf(f, "# sgdlab %s (git %s) reproduce " EXPM "\nset terminal pngcairo size 1350,650\n", sgl_version(),
            sgl_git_hash());
    /* legend outside the data; x fitted to the settings; y up to 100x the largest exact MFPT, so the
     * frozen-noise Arrhenius curve (decades above) is clipped instead of squeezing simulation vs exact */
    fputs("set datafile missing 'nan'\nset logscale xy\nset grid\nset key outside right top box\n"
          "set autoscale xfix\nset offsets graph 0.04, graph 0.04, 0, 0\n"
          "stats '" EXPM ".dat' index 0:2 using 5 name 'EXACT' nooutput\nset yrange [*:EXACT_max * 100]\n"
          "set xlabel 'barrier ratio L^s/L* = 1 + 1/L0   (Delta L = 1)'\nset ylabel 'mean escape time (t = eta k)'\n"
          "set output '" EXPM ".png'\nset title 'Mori et al.: escape time at equal linear barrier, double well, Mori noise", f);
    if (quick) fputs(" (--quick)", f);
    fputs("'\nplot '" EXPM ".dat' index 0 using 1:2:3:4 with yerrorbars pt 7 lc rgb '#1f77b4' title 'simulation, B/eta = 16', \\\n"
          "     '' index 0 using 1:5 with lines lw 2 lc rgb '#1f77b4' title 'exact quadrature, B/eta = 16', \\\n"
          "     '' index 0 using 1:6 with lines dt 2 lw 2 lc rgb '#1f77b4' title 'Mori Eq. 16, B/eta = 16', \\\n"
          "     '' index 0 using 1:7 with lines dt 3 lw 2 lc rgb '#7f7f7f' title 'frozen-noise Arrhenius, B/eta = 16 (clipped)', \\\n"
          "     '' index 0 using 1:9:10:11 with yerrorbars pt 6 lc rgb '#1f77b4' title 'splitting (AMS), B/eta = 16', \\\n"
          "     '' index 1 using 1:2:3:4 with yerrorbars pt 5 lc rgb '#d62728' title 'simulation, B/eta = 40', \\\n"
          "     '' index 1 using 1:5 with lines lw 2 lc rgb '#d62728' title 'exact quadrature, B/eta = 40', \\\n"
          "     '' index 1 using 1:6 with lines dt 2 lw 2 lc rgb '#d62728' title 'Mori Eq. 16, B/eta = 40', \\\n"
          "     '' index 1 using 1:9:10:11 with yerrorbars pt 4 lc rgb '#d62728' title 'splitting (AMS), B/eta = 40', \\\n"
          "     '' index 2 using 1:9:10:11 with yerrorbars pt 8 lc rgb '#2ca02c' title 'splitting (AMS), B/eta = 80', \\\n"
          "     '' index 2 using 1:2:3:4 with yerrorbars pt 9 lc rgb '#2ca02c' title 'simulation, B/eta = 80', \\\n"
          "     '' index 2 using 1:5 with lines lw 2 lc rgb '#2ca02c' title 'exact quadrature, B/eta = 80'\n", f);
    fputs("set output '" EXPM "-n.png'\nunset logscale x\nset autoscale y\nset key outside right top box\nset xlabel 'outlier directions n'\n"
          "set xrange [0.5:11.5]\nset xtics 1\n"
          "set title 'Mori et al. Eq. 17: n-dependence up to n_c - 1 (a = 1; B/eta = 24: n_c = 8; B/eta = 40: n_c = 12)'\n"
          "plot '" EXPM ".dat' index 3 using 1:2:3:4 with yerrorbars pt 7 lc rgb '#1f77b4' title 'simulation, B/eta = 24, L0 = 0.2', \\\n"
          "     '' index 3 using 1:5 with linespoints dt 2 pt 1 lc rgb '#1f77b4' title 'Mori Eq. 17, B/eta = 24, L0 = 0.2', \\\n"
          "     '' index 4 using 1:2:3:4 with yerrorbars pt 5 lc rgb '#d62728' title 'simulation, B/eta = 40, L0 = 0.05', \\\n"
          "     '' index 4 using 1:6:7:8 with yerrorbars pt 4 lc rgb '#d62728' title 'splitting (AMS), B/eta = 40, L0 = 0.05', \\\n"
          "     '' index 4 using 1:5 with linespoints dt 2 pt 1 lc rgb '#d62728' title 'Mori Eq. 17, B/eta = 40, L0 = 0.05'\n", f);
    int bad = ferror(f) != 0;   /* any earlier write, then the close */
    bad |= fclose(f) != 0;
    return bad ? -1 : 0;
}

/* the plot files and gnuplot: *plot (and *plotb, the n-plot) set to png / pngb when written */
static void plot(const char *out_dir, const char *png, const char *pngb, int quick, const sgl_mori_result *R,
                 const char **plot, const char **plotb, char *why, size_t len)
{
    char *dat = repro_join(out_dir, EXPM ".dat"), *gp = repro_join(out_dir, EXPM ".gp");
    *plot = *plotb = NULL;
    if (!dat || !gp) snprintf(why, len, "out of memory");
    else if (write_dat(dat, R) != 0) snprintf(why, len, "cannot write '%s'", dat);
    else if (write_gp(gp, quick) != 0) snprintf(why, len, "cannot write '%s'", gp);
    else {
        remove(pngb);
        *plot = repro_plot(out_dir, EXPM ".gp", png, why, len);
        FILE *t = *plot ? fopen(pngb, "rb") : NULL;
        if (t && fgetc(t) != EOF) *plotb = pngb;
        if (t) fclose(t);
    }
    free(dat);
    free(gp);
}

/* ------------------------------------------------------------- JSON */

/* a row's splitting estimate (null where it did not run): MFPT with SE and CI, the run's diagnostics, and the
 * direct simulation it replaces */
static void json_ams(sgl_json *w, int ran, const sgl_ams_result *a, double brute_steps)
{
    if (!ran) {
        sgl_json_null(w);
        return;
    }
    sgl_ams_opts ao;
    sgl_ams_opts_default(&ao);
    sgl_json_begin_object(w);
    sgl_json_kdouble(w, "mfpt", a->mfpt);
    sgl_json_kdouble(w, "mfpt_se", a->mfpt_se);
    sgl_json_key(w, "mfpt_ci");
    sgl_json_begin_array(w);
    sgl_json_double(w, a->mfpt_ci[0]);
    sgl_json_double(w, a->mfpt_ci[1]);
    sgl_json_end_array(w);
    escape_ams_json_diag(w, a, &ao);
    sgl_json_kdouble(w, "seconds", a->seconds);
    sgl_json_kdouble(w, "direct_steps_same_se", brute_steps);
    sgl_json_end_object(w);
}

static void json_a(sgl_json *w, const sgl_mori_result *R)
{
    sgl_json_key(w, "a");
    sgl_json_begin_object(w);
    sgl_json_kstring(w, "landscape", "L0 + (theta^2-1)^2");
    sgl_json_kstring(w, "noise", "mori");
    sgl_json_kstring(w, "dynamics", "sde");
    sgl_json_key(w, "dt");
    sgl_json_double_fmt(w, "%g", R->dt);
    sgl_json_key(w, "rows");
    sgl_json_begin_array(w);
    for (int i = 0; i < SGL_MORI_NA; ++i) {
        const sgl_mori_row_a *r = &R->a[i];
        sgl_json_begin_object(w);
        sgl_json_kdouble(w, "B_over_eta", r->B_over_eta);
        sgl_json_kdouble(w, "L0", r->L0);
        sgl_json_kdouble(w, "ratio", r->ratio);
        sgl_json_kdouble(w, "validity_dU_over_T", r->validity);
        sgl_json_kdouble(w, "exact_mfpt", r->exact);
        sgl_json_kdouble(w, "exact_mfpt_saddle", r->saddle);
        sgl_json_kdouble(w, "mori_mfpt", r->mori);
        sgl_json_kdouble(w, "arrhenius_frozen_mfpt", r->arrhenius);
        sgl_json_kdouble(w, "gld_exact_mfpt", r->gld);
        sgl_json_key(w, "sim");
        repro_json_cell(w, &r->sim);
        sgl_json_key(w, "ams");   /* adaptive multilevel splitting where the direct simulation did not run */
        json_ams(w, r->ams_run, &r->ams, r->ams_brute_steps);
        sgl_json_end_object(w);
    }
    sgl_json_end_array(w);
    sgl_json_key(w, "fit");
    if (R->have_fit_a) {
        sgl_json_begin_object(w);
        sgl_json_kdouble(w, "slope", R->fit_a.slope);
        sgl_json_kdouble(w, "slope_se", R->fit_a.slope_se);
        sgl_json_kdouble(w, "exact_slope", R->fit_a_exact.slope);
        sgl_json_kdouble(w, "mori_exponent", 0.5 + 16.0 / 8.0);
        sgl_json_end_object(w);
    } else sgl_json_null(w);
    sgl_json_end_object(w);
}

static void json_b(sgl_json *w, const sgl_mori_result *R)
{
    sgl_json_key(w, "b");
    sgl_json_begin_object(w);
    sgl_json_key(w, "B_over_eta");
    sgl_json_double_fmt(w, "%g", 24.0);
    sgl_json_key(w, "L0");
    sgl_json_double_fmt(w, "%g", 0.2);
    sgl_json_key(w, "rows");
    sgl_json_begin_array(w);
    for (int i = 0; i < SGL_MORI_NB; ++i) {
        sgl_json_begin_object(w);
        sgl_json_kuint(w, "n", R->b[i].n);
        sgl_json_kdouble(w, "mori_mfpt", R->b[i].mori);
        sgl_json_kdouble(w, "exact_mfpt", R->b[i].exact);
        sgl_json_kdouble(w, "validity_dU_over_T", R->b[i].validity);
        sgl_json_key(w, "sim");
        repro_json_cell(w, &R->b[i].sim);
        sgl_json_end_object(w);
    }
    sgl_json_end_array(w);
    sgl_json_key(w, "fit");
    if (R->have_fit_b) {
        sgl_json_begin_object(w);
        sgl_json_kdouble(w, "slope_log_mfpt_per_n", R->fit_b.slope);
        sgl_json_kdouble(w, "slope_se", R->fit_b.slope_se);
        sgl_json_kdouble(w, "mori_slope", -0.5 * log(6.0));
        sgl_json_end_object(w);
    } else sgl_json_null(w);
    sgl_json_end_object(w);
}

/* (b2): the rare n-series, each row simulated directly, by splitting (ams) or theory only (both null) */
static void json_b2(sgl_json *w, const sgl_mori_result *R)
{
    sgl_json_key(w, "b2");
    sgl_json_begin_object(w);
    sgl_json_key(w, "B_over_eta");
    sgl_json_double_fmt(w, "%g", 40.0);
    sgl_json_key(w, "L0");
    sgl_json_double_fmt(w, "%g", 0.05);
    sgl_json_key(w, "dt");
    sgl_json_double_fmt(w, "%g", R->dt_b2);
    sgl_json_key(w, "rows");
    sgl_json_begin_array(w);
    for (int i = 0; i < SGL_MORI_NB2; ++i) {
        const sgl_mori_row_b *r = &R->b2[i];
        sgl_json_begin_object(w);
        sgl_json_kuint(w, "n", r->n);
        sgl_json_kdouble(w, "mori_mfpt", r->mori);
        sgl_json_kdouble(w, "exact_mfpt", r->exact);
        sgl_json_kdouble(w, "validity_dU_over_T", r->validity);
        sgl_json_key(w, "sim");
        repro_json_cell(w, &r->sim);
        sgl_json_key(w, "ams");
        json_ams(w, r->ams_run, &r->ams, r->ams_brute_steps);
        sgl_json_end_object(w);
    }
    sgl_json_end_array(w);
    sgl_json_end_object(w);
}

static void json_phi(sgl_json *w, const sgl_mori_row_phi *r, int c)
{
    sgl_json_begin_object(w);
    sgl_json_kstring(w, "part", c ? "c" : "d");
    sgl_json_kstring(w, "dynamics", r->dynamics);
    sgl_json_kdouble(w, "B_over_eta", r->B_over_eta);
    sgl_json_kdouble(w, "step", r->step);
    sgl_json_kdouble(w, "phi", r->ok ? r->phi : NAN);
    sgl_json_kdouble(w, "se", r->ok ? r->se : NAN);
    sgl_json_kdouble(w, "theory_mori", r->theory);
    sgl_json_kdouble(w, c ? "theory_discrete" : "theory_true_sgd_core", r->theory_disc);
    sgl_json_kuint(w, "samples", r->samples);
    sgl_json_kdouble(w, "seconds", r->seconds);
    sgl_json_end_object(w);
}

static void json_d2(sgl_json *w, const sgl_mori_row_fp *D2, const char *d2why)
{
    sgl_json_key(w, "d_first_passage");
    sgl_json_begin_array(w);
    for (int i = 0; i < 3; ++i) {
        sgl_json_begin_object(w);
        sgl_json_kdouble(w, "c", D2[i].c);
        sgl_json_kdouble(w, "ideal_exact", D2[i].ideal);
        sgl_json_kdouble(w, "data_noise_exact", D2[i].data);
        sgl_json_kdouble(w, "gld_exact", D2[i].gld);
        sgl_json_key(w, "sim");
        repro_json_cell(w, &D2[i].s);
        sgl_json_key(w, "data_noise_sde");
        repro_json_cell(w, &D2[i].sde);
        sgl_json_key(w, "data_noise_gaussian_sgd");
        repro_json_cell(w, &D2[i].gsgd);
        sgl_json_end_object(w);
    }
    sgl_json_end_array(w);
    if (d2why[0]) sgl_json_kstring(w, "d_first_passage_error", d2why);
}

static void print_json(FILE *f, const sgl_exp_settings *o, const sgl_mori_result *R,
                       const char *plot, const char *plotb, double total)
{
    sgl_json w;
    sgl_json_to_file(&w, f);
    sgl_json_begin_object(&w);
    repro_json_head(&w, EXPM, o, plot);
    sgl_json_kstring(&w, "plot_n", plotb);
    json_a(&w, R);
    json_b(&w, R);
    json_b2(&w, R);
    sgl_json_key(&w, "c");
    sgl_json_begin_array(&w);
    for (int i = 0; i < SGL_MORI_NC; ++i) json_phi(&w, &R->c[i], 1);
    for (int i = 0; i < SGL_MORI_ND; ++i) json_phi(&w, &R->d[i], 0);
    sgl_json_end_array(&w);
    json_d2(&w, R->fp, R->fp_why);
    sgl_json_kdouble(&w, "seconds", total);
    sgl_json_end_object(&w);
    fputc('\n', f);
}

/* ------------------------------------------------------------- table */

/* the rows estimated by splitting: what ran, its cost, and the direct simulation it replaces */
static void table_a_ams(FILE *out, const sgl_exp_settings *o, const sgl_mori_result *R)
{
    sgl_ams_opts ao;
    sgl_ams_opts_default(&ao);
    fprintf(out, "    s = adaptive multilevel splitting (escape --method ams: %u runs x %u replicas, kill %u, automatic "
                 "levels; log-normal t CI) where direct\n    simulation %s; cost (model evaluations = integrator "
                 "steps) against direct simulation to the same relative SE:\n", ao.runs, ao.replicas, ao.kill,
            o->quick ? "is skipped by --quick or beyond the budget" : "is beyond the budget");
    for (int i = 0; i < SGL_MORI_NA; ++i) {
        const sgl_mori_row_a *r = &R->a[i];
        if (r->sim.simulated || !r->ams_run) continue;
        fprintf(out, "      B/eta = %g, L0 = %g: %.3g evaluations in %.2f s; direct: %.3g trajectory-steps (%.3g x)\n",
                r->B_over_eta, r->L0, (double)r->ams.evaluations, r->ams.seconds, r->ams_brute_steps,
                r->ams_brute_steps / (double)r->ams.evaluations);
    }
}

static void table_a(FILE *out, const sgl_exp_settings *o, const sgl_mori_result *R)
{
    fprintf(out, "(a) double well L = L0 + (theta^2 - 1)^2 (Delta L = 1, h* = 8, h^s = -4), Mori noise D = (eta/B) h* L,\n"
                 "    Euler-Maruyama dt = %g, from theta = +1 to theta <= -1 (transition); saddle = exact MFPT to theta = 0\n", R->dt);
    fprintf(out, "%5s %5s %7s %6s %34s %15s %11s %9s %11s %11s %11s %11s %8s\n", "B/eta", "L0", "Ls/L*", "dU/T",
            "simulation MFPT [95% CI]", "esc/cens/div", "exact", "sim/exact", "Mori 1/k", "Arrhenius", "GLD exact",
            "saddle", "seconds");
    int n_quick = 0, n_budget = 0, n_ams = 0;
    for (int i = 0; i < SGL_MORI_NA; ++i) {
        const sgl_mori_row_a *r = &R->a[i];
        char c1[96], c2[48], c3[24];
        double secs = r->sim.seconds;
        repro_cell_text(c1, sizeof c1, c2, sizeof c2, &r->sim);
        if (r->sim.simulated) snprintf(c3, sizeof c3, "%.3f", r->sim.mfpt / r->exact);
        else snprintf(c3, sizeof c3, "-");
        if (!r->sim.simulated && r->ams_run) {   /* splitting: marked 's' */
            snprintf(c1, sizeof c1, "%.4g [%.4g, %.4g]s", r->ams.mfpt, r->ams.mfpt_ci[0], r->ams.mfpt_ci[1]);
            snprintf(c2, sizeof c2, "AMS %u runs", r->ams.runs);
            snprintf(c3, sizeof c3, "%.3f", r->ams.mfpt / r->exact);
            secs = r->ams.seconds;
            ++n_ams;
        }
        fprintf(out, "%5g %5g %7.3g %6.3g %34s %15s %11.5g %9s %11.5g %11.4g %11.4g %11.5g %8.1f\n", r->B_over_eta,
                r->L0, r->ratio, r->validity, c1, c2, r->exact, c3, r->mori, r->arrhenius, r->gld, r->saddle, secs);
        n_quick += r->quick_skip && !r->ams_run;
        n_budget += !r->sim.simulated && !r->quick_skip && !r->ams_run;
    }
    if (R->have_fit_a)
        fprintf(out, "    power law at B/eta = 16: WLS slope of log MFPT vs log(L^s/L*) = %.3f +- %.3f (simulation); "
                     "exact quadrature %.3f; Mori exponent 1/2 + B/(eta h*) = %.3f\n",
                R->fit_a.slope, R->fit_a.slope_se, R->fit_a_exact.slope, 2.5);
    if (n_quick) fprintf(out, "    not simulated: %d rows (B/eta = 40, 80) skipped by --quick (theory only)\n", n_quick);
    if (n_budget)
        fprintf(out, "    not simulated: rows whose expected MFPT exceeds the budget of %.3g trajectory-steps (theory only)\n",
                R->budget);
    if (n_ams) table_a_ams(out, o, R);
    fputc('\n', out);
}

static void table_b(FILE *out, const sgl_mori_result *R)
{
    fprintf(out, "(b) n outlier directions (Eq. 17): L = 0.2 + (z1^2-1)^2 + 4 sum_{i>=2} z_i^2, B/eta = 24 (n_c = 8), exit z1 <= -1\n");
    fprintf(out, "%3s %34s %15s %11s %11s %9s %6s %8s\n", "n", "simulation MFPT [95% CI]", "esc/cens/div", "Mori Eq.17",
            "sim/Mori", "exact", "dU/T", "seconds");
    for (int i = 0; i < SGL_MORI_NB; ++i) {
        const sgl_mori_row_b *b = &R->b[i];
        char c1[96], c2[48], c3[24];
        repro_cell_text(c1, sizeof c1, c2, sizeof c2, &b->sim);
        if (b->sim.simulated) snprintf(c3, sizeof c3, "%.3f", b->sim.mfpt / b->mori);
        else snprintf(c3, sizeof c3, "-");
        fprintf(out, "%3u %34s %15s %11.5g %11s %9.5g %6.3g %8.1f\n", b->n, c1, c2, b->mori, c3, b->exact,
                b->validity, b->sim.seconds);
    }
    if (R->have_fit_b)
        fprintf(out, "    WLS slope of log MFPT per extra dimension: %.3f +- %.3f; Eq. 17: -log(L^s/L*)/2 = %.3f\n",
                R->fit_b.slope, R->fit_b.slope_se, -0.5 * log(6.0));
}

/* (b2): the rare n-series; splitting rows marked 's', their cost against direct simulation below */
static void table_b2(FILE *out, const sgl_exp_settings *o, const sgl_mori_result *R)
{
    fprintf(out, "(b2) the rare regime: L = 0.05 + (z1^2-1)^2 + 4 sum_{i>=2} z_i^2 (L^s/L* = 21), B/eta = 40 (n_c = 12), "
                 "dt = %g, exit z1 <= -1\n", R->dt_b2);
    fprintf(out, "%3s %34s %15s %11s %11s %9s %6s %8s\n", "n", "simulation MFPT [95% CI]", "esc/cens/div", "Mori Eq.17",
            "sim/Mori", "exact", "dU/T", "seconds");
    int n_ams = 0, n_quick = 0;
    for (int i = 0; i < SGL_MORI_NB2; ++i) {
        const sgl_mori_row_b *b = &R->b2[i];
        char c1[96], c2[48], c3[24];
        double secs = b->sim.seconds;
        repro_cell_text(c1, sizeof c1, c2, sizeof c2, &b->sim);
        snprintf(c3, sizeof c3, "-");
        if (b->sim.simulated) snprintf(c3, sizeof c3, "%.3f", b->sim.mfpt / b->mori);
        else if (b->ams_run) {
            snprintf(c1, sizeof c1, "%.4g [%.4g, %.4g]s", b->ams.mfpt, b->ams.mfpt_ci[0], b->ams.mfpt_ci[1]);
            snprintf(c2, sizeof c2, "AMS %u runs", b->ams.runs);
            snprintf(c3, sizeof c3, "%.3f", b->ams.mfpt / b->mori);
            secs = b->ams.seconds;
            ++n_ams;
        }
        n_quick += b->quick_skip;
        fprintf(out, "%3u %34s %15s %11.5g %11s %9.5g %6.3g %8.1f\n", b->n, c1, c2, b->mori, c3, b->exact,
                b->validity, secs);
    }
    if (n_quick) fprintf(out, "    not simulated: %d rows beyond the budget skipped by --quick (theory only)\n", n_quick);
    if (!n_ams) return;
    fprintf(out, "    s = adaptive multilevel splitting (as in (a)) where direct simulation %s; cost against direct "
                 "simulation to the same relative SE:\n", o->quick ? "is beyond the --quick budget" : "is beyond the budget");
    for (int i = 0; i < SGL_MORI_NB2; ++i) {
        const sgl_mori_row_b *b = &R->b2[i];
        if (b->ams_run)
            fprintf(out, "      n = %u: %.3g evaluations in %.2f s; direct: %.3g trajectory-steps (%.3g x)\n", b->n,
                    (double)b->ams.evaluations, b->ams.seconds, b->ams_brute_steps,
                    b->ams_brute_steps / (double)b->ams.evaluations);
    }
}

static void table_phi(FILE *out, const sgl_mori_result *R)
{
    fprintf(out, "\n(c) stationary exponent phi of P ~ L^-phi, quadratic well L = 1/2 + theta^2/2 (h* = 1), Mori noise, "
                 "L at t = 40 (quadratic-well MLE)\n(d) true minibatch SGD, Gaussian linear regression d = 1, eta = 0.1, "
                 "L every 100 steps after 2000 (THEORY 5.7 expects phi_core ~ 2 + B/eta)\n");
    fprintf(out, "%4s %-22s %6s %6s %16s %12s %14s %8s %8s\n", "part", "dynamics", "B/eta", "step", "phi +- se",
            "1+B/(eta h)", "expected", "samples", "seconds");
    for (int i = 0; i < SGL_MORI_NC + SGL_MORI_ND; ++i) {
        const sgl_mori_row_phi *r = i < SGL_MORI_NC ? &R->c[i] : &R->d[i - SGL_MORI_NC];
        char c1[48], c2[32];
        if (r->ok) snprintf(c1, sizeof c1, "%.3f +- %.3f", r->phi, r->se);
        else snprintf(c1, sizeof c1, "failed");
        if (isnan(r->theory_disc)) snprintf(c2, sizeof c2, "%.4g", r->theory);
        else snprintf(c2, sizeof c2, "%.4g%s", r->theory_disc, i < SGL_MORI_NC ? " (x(1-eta h/2))" : " (core)");
        fprintf(out, "%4s %-22s %6g %6g %16s %12.4g %14s %8llu %8.1f\n", i < SGL_MORI_NC ? "c" : "d", r->dynamics,
                r->B_over_eta, r->step, c1, r->theory, c2, (unsigned long long)r->samples, r->seconds);
    }
}

static void table_d2(FILE *out, int quick, const sgl_mori_row_fp *D2, const char *d2why)
{
    fprintf(out, "\n(d) first passage to L >= c L* from theta*, B = 1, eta = 0.1, N = %d (M2): true minibatch SGD vs exact quadratures\n"
                 "    (THEORY 5.7: true SGD should follow the Gaussian-data column, not Mori's idealized one)\n",
            quick ? 10000 : 100000);
    fprintf(out, "%5s %34s %15s %30s %30s %11s %11s %11s\n", "c", "true SGD MFPT [95% CI]", "esc/cens/div",
            "data-noise SDE dt=0.001", "data-noise Gauss. SGD eta=0.1", "Mori ideal", "data exact", "GLD frozen");
    for (int i = 0; i < 3; ++i) {
        char c1[96], c2[48], c3[96], c4[96];
        repro_cell_text(c1, sizeof c1, c2, sizeof c2, &D2[i].s);
        repro_cell_text(c3, sizeof c3, NULL, 0, &D2[i].sde);
        repro_cell_text(c4, sizeof c4, NULL, 0, &D2[i].gsgd);
        fprintf(out, "%5g %34s %15s %30s %30s %11.5g %11.5g %11.5g\n", D2[i].c, c1, c2, c3, c4, D2[i].ideal,
                D2[i].data, D2[i].gld);
    }
    fprintf(out, "    (the SDE checks the exit between grid points too, by the Brownian bridge (THEORY 8.3); the grid alone\n"
                 "    (--bridge off) biased the MFPT up by O(sqrt dt): at c = 1.5 28.2, 26.5, 25.3 at dt = 0.005, 0.001,\n"
                 "    0.0002 against the quadrature's 24.32)\n");
    if (d2why[0]) fprintf(out, "    true-minibatch first passage not simulated: %s\n", d2why);
}

static void print_table(FILE *out, const sgl_exp_settings *o, const sgl_mori_result *R,
                        const char *plot, const char *plotb, const char *why, double total)
{
    fprintf(out, "# sgdlab reproduce " EXPM ": Mori, Ziyin, Liu, Ueda, power-law escape (THEORY.md 5, checks M1-M4)\n");
    fprintf(out, "# sgdlab %s (git %s, Philox4x32-10 counter layout %d), seed %llu%s\n", sgl_version(), sgl_git_hash(),
            SGL_COUNTER_LAYOUT, (unsigned long long)o->seed, o->quick ? ", --quick (small budgets: smoke test)" : "");
    fprintf(out, "# times in GD time t = eta k; CIs 95%%; '*' = 1/kappa from the censored-exponential MLE (LR interval),\n"
                 "# otherwise the sample mean with a percentile bootstrap; esc/cens/div = escaped/censored/diverged\n\n");
    table_a(out, o, R);
    table_b(out, R);
    table_b2(out, o, R);
    table_phi(out, R);
    table_d2(out, o->quick, R->fp, R->fp_why);
    if (plot) fprintf(out, "\nplot: %s\n", plot);
    else fprintf(out, "\nplot: not written (%s)\n", why);
    if (plotb) fprintf(out, "plot: %s\n", plotb);
    fprintf(out, "total: %.1f s\n", total);
}

/* --------------------------------------------------------------- main */

static char k_progress_prefix[] = "";

/* --db: every simulated setting of (a)-(c) as one escape run (command "reproduce mori-escape");
 * (d)'s simulations are not runs of any kind yet */
static sgl_status store_cells(sgl_store *db, const sgl_mori_result *R, sgl_err *err)
{
    const char *cmd = "reproduce " EXPM;
    sgl_status st = SGL_OK;
    for (int i = 0; i < SGL_MORI_NA && st == SGL_OK; ++i) st = repro_db_escape(db, cmd, &R->a[i].sim, err);
    for (int i = 0; i < SGL_MORI_NB && st == SGL_OK; ++i) st = repro_db_escape(db, cmd, &R->b[i].sim, err);
    for (int i = 0; i < SGL_MORI_NB2 && st == SGL_OK; ++i) st = repro_db_escape(db, cmd, &R->b2[i].sim, err);
    for (int i = 0; i < SGL_MORI_NC && st == SGL_OK; ++i) st = repro_db_escape(db, cmd, &R->c[i].sim, err);
    return st;
}

int reproduce_mori_escape(int argc, char **argv)
{
    cli_opts o;
    const char *out_dir;
    sgl_store *db = NULL;
    sgl_exp_settings set;
    int rc0 = repro_begin_escape(argc, argv, EXPM, usage, k_progress_prefix, &o, &out_dir, &db, &set);
    if (rc0 >= 0) return rc0;
    sgl_err err = {{0}, {0}};
    sgl_mori_result *R = calloc(1, sizeof *R);
    double t_all = omp_get_wtime();
    sgl_status st = R ? sgl_exp_mori_escape(&set, R, &err) : SGL_ENOMEM;
    if (st != SGL_OK) {
        fprintf(stderr, "sgdlab: reproduce " EXPM ": %s%s%s\n", err.field, err.field[0] ? ": " : "",
                err.msg[0] ? err.msg : sgl_strerror(st));
        if (R) sgl_mori_result_free(R);
        free(R);
        return repro_db_close(db, CLI_EXIT_FAIL);
    }
    if ((st = store_cells(db, R, &err)) != SGL_OK) {
        int code = cli_report(st, &err);
        sgl_mori_result_free(R);
        free(R);
        return repro_db_close(db, code);
    }
    double total = omp_get_wtime() - t_all;
    char why[512] = "";
    char *png = repro_join(out_dir, EXPM ".png"), *pngb = repro_join(out_dir, EXPM "-n.png");
    const char *shown = NULL, *shownb = NULL;
    if (png && pngb) plot(out_dir, png, pngb, o.quick, R, &shown, &shownb, why, sizeof why);
    else snprintf(why, sizeof why, "out of memory");
    if (!shown) fprintf(stderr, "sgdlab: warning: plot not written (%s); the results follow\n", why);
    if (o.json) print_json(stdout, &set, R, shown, shownb, total);
    else print_table(stdout, &set, R, shown, shownb, why, total);
    free(png);
    free(pngb);
    sgl_mori_result_free(R);
    free(R);
    return repro_db_close(db, CLI_EXIT_OK);   /* main checks standard output to its close */
}
