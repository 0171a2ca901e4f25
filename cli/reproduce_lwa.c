/* sgdlab reproduce lwa-sparse: the renderer of sgl_exp_lwa_sparse
 * (src/experiments/lwa_sparse.c): the success table and thresholds (or
 * --json), the plot data and the gnuplot plot in --out-dir. */
#include "reproduce.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define EXPL "lwa-sparse"

static double p_of(const sgl_lwa_cell *c, int m) { return c->run[m] > 0 ? (double)c->succ[m] / c->run[m] : NAN; }

/* 68% Wilson score interval (z = 1) of a binomial proportion k/n: an error bar
 * that stays inside [0, 1] and is not empty at k = 0 or k = n */
static void wilson(const sgl_lwa_cell *c, int m, double *lo, double *hi)
{
    const double n = c->run[m], p = n > 0 ? c->succ[m] / n : NAN;
    const double den = 1.0 + 1.0 / n, mid = (p + 0.5 / n) / den;
    const double half = sqrt(p * (1.0 - p) / n + 0.25 / (n * n)) / den;
    *lo = n > 0 ? mid - half : NAN;
    *hi = n > 0 ? mid + half : NAN;
}

static int write_dat(const char *dat, const sgl_lwa_result *r)
{
    FILE *f = fopen(dat, "w");
    if (!f) return -1;
    fprintf(f, "# sgdlab reproduce " EXPL ": success probability P(|w-w*|/|w*| < %g) over %u draws; NaN: not run\n"
               "# per method three columns: p, and the 68%% Wilson interval's low and high end\n# d n",
            SGL_LWA_SUCCESS_TOL, r->draws);
    for (int m = 0; m < SGL_LWA_N; ++m)
        fprintf(f, " %s %s_lo %s_hi", sgl_lwa_method_names[m], sgl_lwa_method_names[m], sgl_lwa_method_names[m]);
    fputc('\n', f);
    for (size_t i = 0; i < r->nd; ++i) {
        for (size_t k = 0; k < r->ngrid[i]; ++k) {
            fprintf(f, "%zu %zu", r->d[i], r->n[i][k]);
            for (int m = 0; m < SGL_LWA_N; ++m) {
                double lo, hi;
                wilson(&r->cell[i][k], m, &lo, &hi);
                fprintf(f, " %.6g %.6g %.6g", p_of(&r->cell[i][k], m), lo, hi);
            }
            fputc('\n', f);
        }
        fputs("\n\n", f);
    }
    /* the last block: per d the threshold n* and its SE of each method (NaN: no crossing) */
    fputs("# thresholds: d, then per method n* se\n", f);
    for (size_t i = 0; i < r->nd; ++i) {
        fprintf(f, "%zu", r->d[i]);
        for (int m = 0; m < SGL_LWA_N; ++m) {
            const sgl_lwa_threshold *t = &r->th[m][i];
            fprintf(f, " %.6g %.6g", t->bound == 0 ? t->n_star : NAN, t->bound == 0 ? t->se : NAN);
        }
        fputc('\n', f);
    }
    int bad = ferror(f) != 0;
    bad |= fclose(f) != 0;
    return bad ? -1 : 0;
}

/* Okabe-Ito colours and distinct point types, so that methods with the same
 * values stay visible: each is also shifted by a few per cent along n */
static const char *const k_lwa_colors[] = {"#0072B2", "#56B4E9", "#009E73", "#000000", "#D55E00", "#E69F00",
                                           "#CC79A7", "#999999"};

/* ln of the likelihood ratio of n* ~ kappa ln d to n* ~ d (Gaussian thresholds with their SEs, two parameters
 * each): (chi2_d - chi2_kappa_ln_d) / 2; NaN without both chi2 */
static double ln_lr(const sgl_lwa_result *r, int m) { return 0.5 * (r->fit_d[m].chi2 - r->fit_kappa_ln_d[m].chi2); }

/* which law the thresholds favour: a likelihood ratio of at least e^3 (about 20:1) either way, else neither */
static const char *favoured(double l)
{
    if (!isfinite(l)) return "undecided (fewer than 3 crossings)";
    return l >= 3 ? "kappa ln d" : l <= -3 ? "d" : "neither (ratio < e^3)";
}

/* the last panel: n* against d of the sparse methods with both laws fitted to the label-noise limit's end point
 * (min-wl1, which has a threshold at every d), and their likelihood ratio */
static void gp_fit_panel(FILE *s, const char *dat, const sgl_lwa_result *r)
{
    const sgl_lwa_fit *fk = &r->fit_kappa_ln_d[SGL_LWA_WL1], *fd = &r->fit_d[SGL_LWA_WL1];
    char lt[32] = "";
    if (isfinite(ln_lr(r, SGL_LWA_WL1))) snprintf(lt, sizeof lt, ", ln LR = %.3g", ln_lr(r, SGL_LWA_WL1));
    static const int show[] = {SGL_LWA_LIM1, SGL_LWA_SGD, SGL_LWA_L1, SGL_LWA_WL1};
    fprintf(s, "set title 'n* (+- SE) against d; lines: both laws fitted to min-wl1%s'\n", lt);
    fprintf(s, "set key bottom right box opaque font ',10'\nunset xtics\nset xtics (");
    for (size_t i = 0; i < r->nd; ++i) fprintf(s, "%s%zu", i ? ", " : "", r->d[i]);
    fprintf(s, ")\nset xrange [%g:%g]\nset autoscale y\nset xlabel 'd (dimension)'\nset ylabel 'n*'\nplot ",
            (double)r->d[0] / 1.15, (double)r->d[r->nd - 1] * 1.15);
    for (size_t j = 0; j < sizeof show / sizeof *show; ++j) {
        const int m = show[j];
        const double shift = 1.0 + 0.03 * ((double)j - 1.5);
        repro_gp_string(s, dat);
        fprintf(s, " index %zu using ($1 * %.3f):%d:%d with yerrorbars pt %d ps 1.4 lw 2 lc rgb '%s' title '%s', "
                   "\\\n     ", r->nd, shift, 2 + 2 * m, 3 + 2 * m, 4 + 2 * (m % 6), k_lwa_colors[m % 8],
                sgl_lwa_method_names[m]);
    }
    char ck[64] = "", cd[64] = "";   /* chi2 / dof, or nothing with fewer than 3 points */
    if (isfinite(fk->chi2)) snprintf(ck, sizeof ck, ", chi2 %.3g / %d", fk->chi2, (int)fk->points - 2);
    if (isfinite(fd->chi2)) snprintf(cd, sizeof cd, ", chi2 %.3g / %d", fd->chi2, (int)fd->points - 2);
    if (fk->ok && fd->ok)
        fprintf(s, "%.17g + %.17g * %d * log(x) lw 2 dt 2 lc rgb '#000000' title 'n* = A + B kappa ln d%s', \\\n"
                   "     %.17g + %.17g * x lw 2 dt 3 lc rgb '#999999' title 'n* = A + B d%s'\n",
                fk->intercept, fk->slope, SGL_LWA_KAPPA, ck, fd->intercept, fd->slope, cd);
    else fputs("NaN notitle\n", s);
}

static int write_gp(const char *gp, const char *dat, const char *png, const sgl_lwa_result *r)
{
    FILE *s = fopen(gp, "w");
    if (!s) return -1;
    /* one panel per d and the fit panel, at most 4 to a row */
    const size_t np = r->nd + 1, cols = np < 4 ? np : 4, rows = (np + cols - 1) / cols;
    fprintf(s, "set terminal pngcairo size %zu,%zu font ',11'\nset output ", 160 + 520 * cols, 60 + 500 * rows);
    repro_gp_string(s, png);
    fprintf(s, "\nset multiplot layout %zu,%zu title 'Li-Wang-Arora sparse recovery: kappa = %d, %u draws per point; "
               "bars: 68%% Wilson interval; points of equal value shifted a little along n'\n",
            rows, cols, SGL_LWA_KAPPA, r->draws);
    fprintf(s, "set logscale x\nset autoscale xfix\nset yrange [-0.05:1.05]\nset offsets graph 0.04, graph 0.04, 0, 0\n"
               "set xlabel 'n (training samples)'\nset ylabel 'P(|w - w*|/|w*| < %g)'\n"
               "set key top left box opaque font ',10'\nset grid\n",
            SGL_LWA_SUCCESS_TOL);
    for (size_t i = 0; i < r->nd; ++i) {
        fprintf(s, "set title 'd = %zu'\n%sset xtics (", r->d[i], i == 1 ? "unset key\n" : "");
        /* the grid, without labels that would touch (closer than 15 %) */
        for (size_t k = 0, last = 0; k < r->ngrid[i]; ++k)
            if (k == 0 || (double)r->n[i][k] >= 1.15 * (double)last)
                fprintf(s, "%s%zu", k ? ", " : "", last = r->n[i][k]);
        fputs(")\nplot ", s);
        for (int m = 0; m < SGL_LWA_N; ++m) {
            const double shift = 1.0 + 0.025 * (m - 0.5 * (SGL_LWA_N - 1));
            fprintf(s, "%s", m ? ", \\\n     " : "");
            repro_gp_string(s, dat);
            fprintf(s, " index %zu using ($2 * %.4f):%d:%d:%d with yerrorlines lw 2 pt %d ps 1.2 lc rgb '%s' title '%s'",
                    i, shift, 3 + 3 * m, 4 + 3 * m, 5 + 3 * m, 4 + 2 * (m % 6), k_lwa_colors[m % 8],
                    sgl_lwa_method_names[m]);
        }
        fputc('\n', s);
    }
    gp_fit_panel(s, dat, r);
    fputs("unset multiplot\n", s);
    int bad = ferror(s) != 0;
    bad |= fclose(s) != 0;
    return bad ? -1 : 0;
}

/* the data file, the script and gnuplot: NULL, or what failed (why holds gnuplot's reason) */
static const char *plot(const char *out_dir, const char *png, const sgl_lwa_result *r, char *why, size_t len)
{
    char *dat = repro_join(out_dir, EXPL ".dat"), *gp = repro_join(out_dir, EXPL ".gp");
    const char *fail = NULL;
    if (!dat || !gp) fail = "out of memory";
    else if (write_dat(dat, r) != 0) fail = "cannot write the data file";
    else if (write_gp(gp, dat, png, r) != 0) fail = "cannot write the gnuplot script";
    else if (repro_gnuplot(out_dir, gp, why, len) != 0) fail = why;
    free(dat);
    free(gp);
    return fail;
}

static void json_fit(sgl_json *w, const char *key, const sgl_lwa_fit *f)
{
    sgl_json_key(w, key);
    sgl_json_begin_object(w);
    sgl_json_kuint(w, "points", f->points);
    sgl_json_kdouble(w, "slope", f->slope);
    sgl_json_kdouble(w, "slope_se", f->slope_se);
    sgl_json_kdouble(w, "intercept", f->intercept);
    sgl_json_kdouble(w, "r2", f->r2);
    sgl_json_kdouble(w, "chi2", f->chi2);   /* with the thresholds' SEs, on points - 2 degrees of freedom */
    sgl_json_end_object(w);
}

static const char *bound_name(int b)
{
    return b == 0 ? "crossing" : b == -1 ? "at_or_below_first_n" : b == 1 ? "above_last_n" : "not_run";
}

static void json_method(sgl_json *w, const sgl_lwa_result *r, int m)
{
    sgl_json_key(w, sgl_lwa_method_names[m]);
    sgl_json_begin_object(w);
    sgl_json_kstring(w, "doc", sgl_lwa_method_docs[m]);
    sgl_json_key(w, "thresholds");
    sgl_json_begin_array(w);
    for (size_t i = 0; i < r->nd; ++i) {
        sgl_json_begin_object(w);
        sgl_json_kuint(w, "d", r->d[i]);
        sgl_json_kstring(w, "bound", bound_name(r->th[m][i].bound));
        sgl_json_kdouble(w, "n_star", r->th[m][i].n_star);
        sgl_json_kdouble(w, "se", r->th[m][i].se);
        sgl_json_key(w, "success");
        sgl_json_begin_array(w);
        for (size_t k = 0; k < r->ngrid[i]; ++k) {
            const sgl_lwa_cell *c = &r->cell[i][k];
            sgl_json_begin_object(w);
            sgl_json_kuint(w, "n", r->n[i][k]);
            sgl_json_kint(w, "runs", c->run[m] > 0 ? c->run[m] : 0);
            sgl_json_kdouble(w, "p", p_of(c, m));
            sgl_json_kdouble(w, "mean_rel_err", c->run[m] > 0 ? c->err_sum[m] / c->run[m] : NAN);
            sgl_json_end_object(w);
        }
        sgl_json_end_array(w);
        sgl_json_end_object(w);
    }
    sgl_json_end_array(w);
    sgl_json_key(w, "fits");
    sgl_json_begin_object(w);
    json_fit(w, "kappa_ln_d", &r->fit_kappa_ln_d[m]);
    json_fit(w, "d", &r->fit_d[m]);
    sgl_json_kdouble(w, "ln_lr_kappa_ln_d_over_d", ln_lr(r, m));
    sgl_json_kstring(w, "favoured", favoured(ln_lr(r, m)));
    sgl_json_end_object(w);
    sgl_json_end_object(w);
}

static void print_json(FILE *f, const sgl_exp_settings *o, const sgl_lwa_result *r, const char *png,
                       const char *plot_why)
{
    sgl_json w;
    sgl_json_to_file(&w, f);
    sgl_json_begin_object(&w);
    sgl_json_kstring(&w, "experiment", EXPL);
    sgl_json_kstring(&w, "version", sgl_version());
    sgl_json_kuint(&w, "seed", o->seed);
    sgl_json_kuint(&w, "draws", r->draws);
    sgl_json_kint(&w, "kappa", SGL_LWA_KAPPA);
    sgl_json_key(&w, "success_tol");
    sgl_json_double_fmt(&w, "%g", SGL_LWA_SUCCESS_TOL);
    sgl_json_kbool(&w, "quick", o->quick);
    sgl_json_key(&w, "seconds");
    sgl_json_double_fmt(&w, "%.3f", r->seconds);
    sgl_json_key(&w, "limit_unconverged");
    sgl_json_begin_object(&w);
    sgl_json_kint(&w, "label-limit-a1", r->unconverged[0]);
    sgl_json_kint(&w, "label-limit-a10", r->unconverged[1]);
    sgl_json_end_object(&w);
    sgl_json_key(&w, "methods");
    sgl_json_begin_object(&w);
    for (int m = 0; m < SGL_LWA_N; ++m) json_method(&w, r, m);
    sgl_json_end_object(&w);
    sgl_json_kstring(&w, "plot", plot_why ? NULL : png);
    if (plot_why) sgl_json_kstring(&w, "plot_error", plot_why);
    sgl_json_end_object(&w);
    fputc('\n', f);
}

static void table_success(FILE *f, const sgl_lwa_result *r)
{
    for (size_t i = 0; i < r->nd; ++i) {
        fprintf(f, "\nd = %zu: success probability (mean relative error)\n%6s", r->d[i], "n");
        for (int m = 0; m < SGL_LWA_N; ++m) fprintf(f, " %17s", sgl_lwa_method_names[m]);
        fprintf(f, "\n");
        for (size_t k = 0; k < r->ngrid[i]; ++k) {
            const sgl_lwa_cell *c = &r->cell[i][k];
            fprintf(f, "%6zu", r->n[i][k]);
            for (int m = 0; m < SGL_LWA_N; ++m) {
                if (c->run[m] <= 0) fprintf(f, " %17s", "-");
                else fprintf(f, "      %4.2f (%5.3f)", (double)c->succ[m] / c->run[m], c->err_sum[m] / c->run[m]);
            }
            fprintf(f, "\n");
        }
    }
}

static void table_thresholds(FILE *f, const sgl_lwa_result *r)
{
    fprintf(f, "\nthreshold n* (success crosses 1/2; +- binomial SE through the interpolation)\n%-16s", "method");
    for (size_t i = 0; i < r->nd; ++i) fprintf(f, "   d=%-14zu", r->d[i]);
    fprintf(f, "  fit n* = A + B kappa ln d (R^2)   fit n* = A + B d (R^2)\n");
    for (int m = 0; m < SGL_LWA_N; ++m) {
        fprintf(f, "%-16s", sgl_lwa_method_names[m]);
        for (size_t i = 0; i < r->nd; ++i) {
            const sgl_lwa_threshold *t = &r->th[m][i];
            char b[64];
            if (t->bound == 0) snprintf(b, sizeof b, "%.1f +- %.1f", t->n_star, t->se);
            else if (t->bound == -1) snprintf(b, sizeof b, "<= %.0f", t->n_star);
            else if (t->bound == 1) snprintf(b, sizeof b, "> %.0f", t->n_star);
            else snprintf(b, sizeof b, "not run");
            fprintf(f, "   %-16s", b);
        }
        const sgl_lwa_fit *fk = &r->fit_kappa_ln_d[m], *fd = &r->fit_d[m];
        if (fk->ok) fprintf(f, "  B = %.3g, A = %.3g (%.3f)", fk->slope, fk->intercept, fk->r2);
        else fprintf(f, "  %-27s", "(fewer than 2 crossings)");
        if (fd->ok) fprintf(f, "      B = %.3g, A = %.3g (%.3f)", fd->slope, fd->intercept, fd->r2);
        fprintf(f, "\n");
    }
}

/* the two laws against each other: chi2 of each with the thresholds' SEs, and their likelihood ratio */
static void table_fit_compare(FILE *f, const sgl_lwa_result *r)
{
    fprintf(f, "\nwhich law: each fitted with the thresholds' binomial SEs (chi2 on points - 2 degrees of freedom; "
               "chi2/dof >> 1 rejects the law);\nln LR = (chi2_d - chi2_klnd) / 2, the log likelihood ratio of "
               "n* ~ kappa ln d to n* ~ d (> 0 favours kappa ln d)\n%-16s %6s %18s %18s %10s   %s\n",
            "method", "points", "chi2 kappa ln d", "chi2 d", "ln LR", "favoured");
    for (int m = 0; m < SGL_LWA_N; ++m) {
        const sgl_lwa_fit *fk = &r->fit_kappa_ln_d[m], *fd = &r->fit_d[m];
        if (!fk->ok) continue;
        char a[32], b[32];
        const int dof = (int)fk->points - 2;
        snprintf(a, sizeof a, isfinite(fk->chi2) ? "%.3g / %d" : "-", fk->chi2, dof);
        snprintf(b, sizeof b, isfinite(fd->chi2) ? "%.3g / %d" : "-", fd->chi2, dof);
        char l[32] = "-";
        if (isfinite(ln_lr(r, m))) snprintf(l, sizeof l, "%.3g", ln_lr(r, m));
        fprintf(f, "%-16s %6zu %18s %18s %10s   %s\n", sgl_lwa_method_names[m], fk->points, a, b, l,
                favoured(ln_lr(r, m)));
    }
}

/* what these data say: the limit's end point (min-wl1, run at every d) against both laws, and whether the limit
 * itself recovered w* on exactly as many draws as min-wl1 in every cell where both ran */
static void print_observed(FILE *f, const sgl_lwa_result *r)
{
    long cells = 0, same = 0;
    for (size_t i = 0; i < r->nd; ++i)
        for (size_t k = 0; k < r->ngrid[i]; ++k) {
            const sgl_lwa_cell *c = &r->cell[i][k];
            if (c->run[SGL_LWA_LIM1] <= 0 || c->run[SGL_LWA_WL1] <= 0) continue;
            ++cells;
            same += c->succ[SGL_LWA_LIM1] == c->succ[SGL_LWA_WL1];
        }
    const sgl_lwa_fit *fk = &r->fit_kappa_ln_d[SGL_LWA_WL1];
    const double l = ln_lr(r, SGL_LWA_WL1);
    char lt[32] = "";
    if (isfinite(l)) snprintf(lt, sizeof lt, " (ln LR %.3g)", l);
    fprintf(f, "observed: the label-noise limit recovered w* as often as min-wl1 in %ld of %ld cells where both ran; "
               "min-wl1's n* over %zu values of d (%zu to %zu) favours: %s%s%s\n",
            same, cells, fk->points, r->d[0], r->d[r->nd - 1], favoured(l), lt,
            fk->points < 5 ? "; for a verdict run --dims 100,200,400,800,1600,3200" : "");
}

static void print_table(FILE *f, const sgl_exp_settings *o, const sgl_lwa_result *r, const char *png,
                        const char *plot_why)
{
    fprintf(f, "sgdlab reproduce " EXPL ": Li-Wang-Arora sparse recovery, kappa = %d, w* = 1 on the support, "
               "Gaussian inputs, %u data draws per (d, n), seed %llu\n"
               "success: |w - w*|/|w*| < %g.  Limit time is t = eta^2 k; the limit runs for n <= max(min(100, d/2), d/4) "
               "(cost n^2 d per step).\n",
            SGL_LWA_KAPPA, r->draws, (unsigned long long)o->seed, SGL_LWA_SUCCESS_TOL);
    for (int m = 0; m < SGL_LWA_N; ++m) fprintf(f, "  %-16s %s\n", sgl_lwa_method_names[m], sgl_lwa_method_docs[m]);
    table_success(f, r);
    table_thresholds(f, r);
    table_fit_compare(f, r);
    fprintf(f, "\nlimit runs stopped at t = 5000 before the duality gap reached 1e-6 (their end state is used): "
               "a=1: %ld, a=10: %ld\n", r->unconverged[0], r->unconverged[1]);
    fprintf(f, "\nexpected (LWA Thm 6.1 / 6.7): label noise tracks min-l1 (exactly: its end point is the weighted "
               "min-l1 interpolator), n* ~ kappa ln d; kernel GD and min-l2 need n* ~ d.\n");
    print_observed(f, r);
    fprintf(f, "plot: %s%s\nwall time %.1f s on %d threads\n", plot_why ? "not written: " : png,
            plot_why ? plot_why : "", r->seconds, r->threads);
}

static void usage(FILE *f)
{
    fprintf(f, "usage: sgdlab reproduce " EXPL REPRO_USAGE_FLAGS("R") "\n"
               "       [--dims D1,D2,...] [--db FILE]\n"
               "  Li-Wang-Arora sparse recovery: success probability of |w - w*|/|w*| < 0.1 against n for the\n"
               "  label-noise limit (and label-noise SGD at d = 100), kernel-regime GD, min-l1 and min-l2, with\n"
               "  kappa = %d, d in {100, 200, 400}; thresholds n* and their fits against kappa ln d and d, and the\n"
               "  two laws' chi2 and likelihood ratio.\n"
               "  --trajectories R: data draws per (d, n) (default 20)  --quick: d in {40, 80}, 6 draws, short SGD\n"
               "  --dims D1,D2,...: 2 to 8 increasing values of d in [20, 10000]; d > 400 runs only min-wl1 (the\n"
               "    label-noise limit's end point) and min-l2, on n = 20..100 (100,...,3200: ~700 s of CPU)\n"
               "  --db FILE: also store each label-SGD (d, n) as a run in this SQLite results file\n",
            SGL_LWA_KAPPA);
}

static char k_progress_prefix[] = "lwa-sparse: ";

static int dims_err(const char *what)
{
    fprintf(stderr, "sgdlab: --dims: %s\n", what);
    return -1;
}

/* --db: each label-SGD cell as one ensemble run (command "reproduce lwa-sparse"); the limits, GD and the
 * interpolators are not runs of any kind */
static sgl_status store_cells(sgl_store *db, const sgl_lwa_result *r, sgl_err *err)
{
    sgl_status st = SGL_OK;
    for (size_t i = 0; i < r->nd && st == SGL_OK; ++i)
        for (size_t k = 0; k < r->ngrid[i] && st == SGL_OK; ++k)
            st = repro_db_run(db, "reproduce " EXPL, &r->sgd_spec[i][k], &r->sgd_rec[i][k], r->threads, err);
    return st;
}

/* --dims D1,D2,...: taken out of argv (the other flags are the common reproduce ones); 0, or -1 said */
static int take_dims(int *argc, char **argv, size_t *dims, size_t *nd)
{
    int j = 0;
    for (int i = 0; i < *argc; ++i) {
        if (strcmp(argv[i], "--dims") != 0) {
            argv[j++] = argv[i];
            continue;
        }
        if (i + 1 >= *argc) return dims_err("needs a value, e.g. --dims 100,200,400,800,1600,3200");
        *nd = 0;
        for (const char *t = argv[++i]; *t;) {
            char item[32];
            size_t len = strcspn(t, ",");
            unsigned long long v;
            if (len == 0 || len >= sizeof item || *nd == SGL_LWA_MAX_DIMS)
                return dims_err("a list of 2 to 8 integers d, e.g. 100,200,400,800,1600,3200");
            memcpy(item, t, len);
            item[len] = '\0';
            if (sgl_parse_uint(item, SGL_LWA_D_MAX, &v) != 0)
                return dims_err("each d an integer in [20, 10000], e.g. 100,200,400,800,1600,3200");
            dims[(*nd)++] = (size_t)v;
            t += len + (t[len] == ',');
        }
    }
    *argc = j;
    argv[j] = NULL;
    return 0;
}

int reproduce_lwa_sparse(int argc, char **argv)
{
    cli_opts o;
    uint32_t R;
    const char *out_dir;
    size_t dims[SGL_LWA_MAX_DIMS], nd = 0;
    if (take_dims(&argc, argv, dims, &nd) != 0) return CLI_EXIT_USAGE;
    sgl_err e = {{0}, {0}};
    if (nd && sgl_lwa_dims_check(dims, nd, &e) != SGL_OK) {   /* before anything is created */
        fprintf(stderr, "sgdlab: %s: %s\n", e.field, e.msg);
        return CLI_EXIT_USAGE;
    }
    int rc0 = repro_begin(argc, argv, EXPL, usage, 1, 20, 6, 2, "data draws per (d, n)", &o, &R, &out_dir);
    if (rc0 >= 0) return rc0;
    sgl_store *db = NULL;
    if ((rc0 = repro_db_open(&o, &db)) >= 0) return rc0;
    sgl_exp_settings set = {R, o.spec.seed, o.threads, o.quick, isatty(2) ? repro_progress : NULL,
                            k_progress_prefix};
    sgl_err err = {{0}, {0}};
    sgl_lwa_result *r = calloc(1, sizeof *r);
    sgl_status st = r ? sgl_exp_lwa_sparse_dims(&set, nd ? dims : NULL, nd, r, &err) : SGL_ENOMEM;
    if (st == SGL_OK) st = store_cells(db, r, &err);
    if (st != SGL_OK) {
        if (err.field[0] && strcmp(err.field, "lwa-sparse") != 0) cli_report(st, &err);
        else fprintf(stderr, "sgdlab: reproduce " EXPL ": %s\n", err.msg[0] ? err.msg : sgl_strerror(st));
        if (r) sgl_lwa_result_free(r);
        free(r);
        return repro_db_close(db, CLI_EXIT_FAIL);
    }
    char why[512] = "";
    char *png = repro_join(out_dir, EXPL ".png");
    const char *plot_why = png ? plot(out_dir, png, r, why, sizeof why) : "out of memory";
    if (o.json) print_json(stdout, &set, r, png, plot_why);
    else print_table(stdout, &set, r, png, plot_why);
    free(png);
    sgl_lwa_result_free(r);
    free(r);
    return repro_db_close(db, CLI_EXIT_OK);   /* main checks standard output to its close */
}
