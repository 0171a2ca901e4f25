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
    int bad = ferror(f) != 0;
    bad |= fclose(f) != 0;
    return bad ? -1 : 0;
}

/* Okabe-Ito colours and distinct point types, so that methods with the same
 * values stay visible: each is also shifted by a few per cent along n */
static const char *const k_lwa_colors[] = {"#0072B2", "#56B4E9", "#009E73", "#000000", "#D55E00", "#E69F00",
                                           "#CC79A7", "#999999"};

static int write_gp(const char *gp, const char *dat, const char *png, const sgl_lwa_result *r)
{
    FILE *s = fopen(gp, "w");
    if (!s) return -1;
    fprintf(s, "set terminal pngcairo size %zu,560 font ',11'\nset output ", 160 + 520 * r->nd);
    repro_gp_string(s, png);
    fprintf(s, "\nset multiplot layout 1,%zu title 'Li-Wang-Arora sparse recovery: kappa = %d, %u draws per point; "
               "bars: 68%% Wilson interval; points of equal value shifted a little along n'\n",
            r->nd, SGL_LWA_KAPPA, r->draws);
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
    fprintf(f, "\nlimit runs stopped at t = 5000 before the duality gap reached 1e-6 (their end state is used): "
               "a=1: %ld, a=10: %ld\n", r->unconverged[0], r->unconverged[1]);
    fprintf(f, "\nexpected (LWA Thm 6.1 / 6.7): label noise tracks min-l1 (exactly: its end point is the weighted "
               "min-l1 interpolator), n* ~ kappa ln d; kernel GD and min-l2 need n* ~ d.\n");
    fprintf(f, "plot: %s%s\nwall time %.1f s on %d threads\n", plot_why ? "not written: " : png,
            plot_why ? plot_why : "", r->seconds, r->threads);
}

static void usage(FILE *f)
{
    fprintf(f, "usage: sgdlab reproduce " EXPL " [--trajectories R] [--seed S] [--threads T] [--json] [--out-dir DIR] [--quick]\n"
               "       [--db FILE]\n"
               "  Li-Wang-Arora sparse recovery: success probability of |w - w*|/|w*| < 0.1 against n for the\n"
               "  label-noise limit (and label-noise SGD at d = 100), kernel-regime GD, min-l1 and min-l2, with\n"
               "  kappa = %d, d in {100, 200, 400}; thresholds n* and their fits against kappa ln d and d.\n"
               "  --trajectories R: data draws per (d, n) (default 20)  --quick: d in {40, 80}, 6 draws, short SGD\n"
               "  --db FILE: also store each label-SGD (d, n) as a run in this SQLite results file\n",
            SGL_LWA_KAPPA);
}

static char k_progress_prefix[] = "lwa-sparse: ";

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

int reproduce_lwa_sparse(int argc, char **argv)
{
    cli_opts o;
    uint32_t R;
    const char *out_dir;
    int rc0 = repro_begin(argc, argv, EXPL, usage, 1, 20, 6, 2, "data draws per (d, n)", &o, &R, &out_dir);
    if (rc0 >= 0) return rc0;
    sgl_store *db = NULL;
    if ((rc0 = repro_db_open(&o, &db)) >= 0) return rc0;
    sgl_exp_settings set = {R, o.spec.seed, o.threads, o.quick, isatty(2) ? repro_progress : NULL,
                            k_progress_prefix};
    sgl_err err = {{0}, {0}};
    sgl_lwa_result *r = calloc(1, sizeof *r);
    sgl_status st = r ? sgl_exp_lwa_sparse(&set, r, &err) : SGL_ENOMEM;
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
