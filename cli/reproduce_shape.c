/* sgdlab reproduce shape-matters: the renderer of sgl_exp_shape_matters
 * (src/experiments/shape_matters.c): a table (or one JSON object with --json),
 * the check against THEORY.md C7 with honest PASS/DIFFERS verdicts, a PNG of
 * the mean test error against steps drawn by gnuplot into --out-dir, and with
 * --db each variant as one run in the store.  A differing verdict is a result,
 * not an error: the exit code is 0 unless the command could not run (2: bad
 * flags, 1: run-time failure).  Timings are printed, so this output is not
 * meant to compare bytewise between runs. */
#include "cli.h"
#include "reproduce.h"
#include "sgdlab_experiments.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define EXPERIMENT "shape-matters"

static const char *verdict_text(int v) { return v > 0 ? "PASS" : v == 0 ? "DIFFERS" : "n/a"; }

/* data file: one block per variant (gnuplot `index i`), columns step, mean, se, n */
static int write_plot_data(const char *path, const sgl_shape_result *r)
{
    FILE *f = fopen(path, "w");
    if (!f) return -1;
    fprintf(f, "# sgdlab %s (git %s) reproduce " EXPERIMENT ": mean test error ||w - w*||^2 over seeds\n",
            sgl_version(), sgl_git_hash());
    fprintf(f, "# one block per variant (gnuplot index 0..%d); columns: step k, mean, standard error, n\n",
            SGL_SHAPE_N - 1);
    for (int v = 0; v < SGL_SHAPE_N; ++v) {
        const sgl_shape_cell *c = &r->cell[v];
        fprintf(f, "%s# %s (noise %s, model %s)\n", v ? "\n\n" : "", c->name, c->spec.noise, c->spec.model);
        for (size_t l = 0; l < c->n_log; ++l) {
            const sgl_summary *s = &c->curve[l];
            fprintf(f, "%llu ", (unsigned long long)c->steps[l]);
            sgl_print_double(f, s->mean, 0);
            fputc(' ', f);
            sgl_print_double(f, s->std_err, 0);
            fprintf(f, " %llu\n", (unsigned long long)s->n);
        }
    }
    int bad = ferror(f);
    bad |= fclose(f) != 0;
    return bad ? -1 : 0;
}

/* Okabe-Ito colours (distinguishable with every common colour-vision deficiency) */
static const char *const k_colors[SGL_SHAPE_N] = {"#000000", "#0072B2", "#D55E00", "#E69F00", "#009E73"};

/* y range of a panel: the positive means of its variants, widened a little (the
 * SE bands are clipped there, so a band reaching 0 runs to the bottom edge) */
static void y_range(const sgl_shape_result *r, int v0, int v1, double *lo, double *hi)
{
    *lo = INFINITY;
    *hi = 0.0;
    for (int v = v0; v < v1; ++v)
        for (size_t l = 0; l < r->cell[v].n_log; ++l) {
            const double m = r->cell[v].curve[l].mean;
            if (r->cell[v].steps[l] > 0 && m > 0 && isfinite(m)) {
                if (m < *lo) *lo = m;
                if (m > *hi) *hi = m;
            }
        }
    if (!(*hi > 0)) *lo = 1.0, *hi = 10.0;
    *lo /= 1.5;
    *hi *= 1.5;   /* (a linear panel starts at 0 instead: plot_panel) */
}

/* one panel: variants v0..v1-1, each a mean curve over an SE band; the legend
 * says how many trajectories diverged (they leave the average from that step) */
static void plot_panel(FILE *f, const char *dat, const sgl_shape_result *r, int v0, int v1, const char *title)
{
    double lo, hi;
    y_range(r, v0, v1, &lo, &hi);
    /* under a decade of spread a log axis has no labelled tick: linear there */
    const int lin = hi / lo < 10.0;
    if (lin) lo = 0.0;
    fprintf(f, "set title \"%s\"\nset xlabel \"SGD step k (eta = %g)\"\n%s\nset yrange [%.6g:%.6g]\nplot ",
            title, r->cell[v0].spec.lr, lin ? "unset logscale y\nset format y \"%g\"" : "set logscale y\nset format y \"10^{%L}\"",
            lo, hi);
    for (int v = v0; v < v1; ++v) {
        const sgl_shape_cell *c = &r->cell[v];
        fprintf(f, "%s", v > v0 ? ", \\\n     " : "");
        repro_gp_string(f, dat);
        /* log axes: only steps > 0; the band's lower edge clipped at the panel's bottom */
        fprintf(f, " index %d using ($1 > 0 ? $1 : NaN):($2 - $3 > %.6g ? $2 - $3 : %.6g):($2 + $3) with filledcurves"
                   " fs transparent solid 0.2 noborder lc rgb \"%s\" notitle, \\\n     ", v, lo, lo, k_colors[v]);
        repro_gp_string(f, dat);
        fprintf(f, " index %d using ($1 > 0 ? $1 : NaN):($2 > 0 ? $2 : NaN) with lines lw 2 lc rgb \"%s\" dt %d"
                   " title \"%s (%llu/%u diverged)\"", v, k_colors[v], v == SGL_SHAPE_SGLD ? 2 : 1, c->name,
                (unsigned long long)c->test.n_diverged, c->spec.seeds);
    }
    fputs("\n", f);
}

/* two panels: HaoChen's four dynamics on the quadratic model (one eta), and
 * label-noise SGD on the diagonal net (its own eta and scale) */
static int write_plot_script(const char *path, const char *dat, const char *png, const sgl_shape_result *r,
                             int quick)
{
    FILE *f = fopen(path, "w");
    if (!f) return -1;
    fprintf(f, "# sgdlab %s (git %s) reproduce " EXPERIMENT "\n", sgl_version(), sgl_git_hash());
    fputs("set terminal pngcairo size 1300,600 font \",11\"\nset output ", f);
    repro_gp_string(f, png);
    fprintf(f, "\nset multiplot layout 1,2 title \"Shape Matters (HaoChen et al.): mean test error over %u seeds, "
               "band = +-1 standard error%s\"\n", r->cell[0].spec.seeds, quick ? " (--quick: steps / 10)" : "");
    fputs("set logscale x\nset format x \"10^{%L}\"\nset autoscale xfix\n"
          "set ylabel \"test error ||w - w*||^2\"\nset key outside bottom center horizontal maxrows 2 noopaque\n"
          "set grid\nset datafile missing \"nan\"\n", f);
    plot_panel(f, dat, r, SGL_SHAPE_GD, SGL_SHAPE_DIAG, "quadratic model (HaoChen's four dynamics)");
    plot_panel(f, dat, r, SGL_SHAPE_DIAG, SGL_SHAPE_N, "diagonal net, label-noise SGD");
    fputs("unset multiplot\n", f);
    int bad = ferror(f);
    bad |= fclose(f) != 0;
    return bad ? -1 : 0;
}

static void json_mean_se(sgl_json *w, const char *key, const sgl_summary *s, int full)
{
    sgl_json_key(w, key);
    sgl_json_begin_object(w);
    sgl_json_kdouble(w, "mean", s->mean);
    sgl_json_kdouble(w, "se", s->std_err);
    if (full) {
        sgl_json_kdouble(w, "min", s->min);
        sgl_json_kdouble(w, "max", s->max);
        sgl_json_kuint(w, "n", s->n);
    }
    sgl_json_end_object(w);
}

static void json_cell(sgl_json *w, const sgl_shape_cell *c)
{
    const sgl_spec *p = &c->spec;
    sgl_json_key(w, c->name);
    sgl_json_begin_object(w);
    sgl_json_kstring(w, "noise", p->noise);
    sgl_json_kstring(w, "model", p->model);
    sgl_json_kuint(w, "steps", p->steps);
    sgl_json_kuint(w, "every", p->every);
    sgl_json_kuint(w, "seeds", p->seeds);
    sgl_json_kdouble(w, "lr", p->lr);
    sgl_json_key(w, "lr_decay");
    sgl_json_begin_array(w);
    for (size_t i = 0; i < p->n_decay; ++i) sgl_json_uint(w, p->decay_at[i]);
    sgl_json_end_array(w);
    sgl_json_kdouble(w, "lr_decay_factor", p->n_decay ? p->decay_factor : NAN);
    sgl_json_kdouble(w, "delta", c->uses_delta ? p->delta : NAN);
    sgl_json_kdouble(w, "sigma", c->uses_sigma ? p->sigma : NAN);
    sgl_json_kstring(w, "sigma_scale", c->uses_sigma ? "eta" : NULL);
    sgl_json_kdouble(w, "loss_a", c->loss_a);
    json_mean_se(w, "test_error", &c->test, 1);
    json_mean_se(w, "off_support", &c->off, 0);
    json_mean_se(w, "train_loss", &c->train, 0);
    sgl_json_kuint(w, "n_diverged", c->test.n_diverged);
    sgl_json_kdouble(w, "seconds", c->seconds);
    sgl_json_kstring(w, "expected", c->expected);
    sgl_json_kstring(w, "reference", c->reference);
    sgl_json_kstring(w, "verdict", verdict_text(c->verdict));
    sgl_json_key(w, "params");
    sgl_plan_params_json(w, c->plan);
    sgl_json_end_object(w);
}

static void print_json(FILE *f, const sgl_exp_settings *o, const sgl_shape_result *r, const char *plot,
                       const char *plot_why)
{
    sgl_json w;
    sgl_json_to_file(&w, f);
    sgl_json_begin_object(&w);
    sgl_json_kstring(&w, "experiment", EXPERIMENT);
    sgl_json_kstring(&w, "version", sgl_version());
    sgl_json_kstring(&w, "git", sgl_git_hash());
    sgl_json_kint(&w, "counter_layout", SGL_COUNTER_LAYOUT);
    sgl_json_kuint(&w, "seed", o->seed);
    sgl_json_kuint(&w, "seeds", r->cell[0].spec.seeds);
    sgl_json_kbool(&w, "quick", o->quick);
    sgl_json_kstring(&w, "time_unit", "steps k");
    sgl_json_kstring(&w, "plot", plot);   /* NULL: null */
    if (!plot) sgl_json_kstring(&w, "plot_error", plot_why);
    for (int v = 0; v < SGL_SHAPE_N; ++v) json_cell(&w, &r->cell[v]);
    sgl_json_key(&w, "ordering");
    sgl_json_begin_object(&w);
    sgl_json_kstring(&w, "expected", "LNGD < SGD-minibatch-diff < GD, SGLD");
    sgl_json_kstring(&w, "verdict", r->ordering ? "PASS" : "DIFFERS");
    sgl_json_end_object(&w);
    sgl_json_kdouble(&w, "seconds", r->seconds);
    sgl_json_end_object(&w);
    fputc('\n', f);
}

static void cell_pm(char *buf, size_t len, const sgl_summary *s)
{
    if (s->n == 0) snprintf(buf, len, "-");
    else snprintf(buf, len, "%.4g +- %.2g", s->mean, s->std_err);
}

static void print_rows(FILE *f, const sgl_shape_result *r)
{
    fprintf(f, "%-19s %-15s %-10s %22s %23s %18s %11s %8s %5s %4s %8s\n", "variant", "noise", "model",
            "test_error", "min..max", "off_support", "train_loss", "steps", "seeds", "div", "seconds");
    for (int v = 0; v < SGL_SHAPE_N; ++v) {
        const sgl_shape_cell *c = &r->cell[v];
        char te[64], mm[64], off[64], tl[32];
        cell_pm(te, sizeof te, &c->test);
        cell_pm(off, sizeof off, &c->off);
        if (c->test.n) snprintf(mm, sizeof mm, "%.4g..%.4g", c->test.min, c->test.max);
        else snprintf(mm, sizeof mm, "-");
        if (c->train.n) snprintf(tl, sizeof tl, "%.3g", c->train.mean);
        else snprintf(tl, sizeof tl, "-");
        fprintf(f, "%-19s %-15s %-10s %22s %23s %18s %11s %8llu %5u %4llu %8.2f\n", c->name, c->spec.noise,
                c->spec.model, te, mm, off, tl, (unsigned long long)c->spec.steps, c->spec.seeds,
                (unsigned long long)c->test.n_diverged, c->seconds);
    }
}

static void print_table(FILE *f, const sgl_exp_settings *o, const sgl_shape_result *r, const char *plot,
                        const char *plot_why)
{
    const sgl_shape_cell *c = r->cell;
    fprintf(f, "# sgdlab reproduce " EXPERIMENT ": HaoChen, Wei, Lee, Ma, \"Shape Matters\", quadratic model "
               "(THEORY.md 3)\n");
    fprintf(f, "# sgdlab %s (git %s, Philox4x32-10 counter layout %d)\n", sgl_version(), sgl_git_hash(),
            SGL_COUNTER_LAYOUT);
    fprintf(f, "# common: d=100 n=40 kappa=5 data=gaussian truth=ones (w*_j = 1 for j < 5) alpha=1 batch=1 "
               "sampling=without data_draw=per-seed seeds=%u seed=%llu threshold=0.01 (|w_j|, off-support)\n",
            c[0].spec.seeds, (unsigned long long)o->seed);
    fprintf(f, "# test error = ||w - w*||^2 (w = v*v for quadratic, u*u - v*v for diagnet); time unit: steps k\n");
    if (o->quick)
        fprintf(f, "# --quick: every step count, decay step and logging interval divided by 10 (smoke test); "
                   "the expected values below are for the full runs\n");
    for (int v = 0; v < SGL_SHAPE_N; ++v) {
        char prefix[64];
        snprintf(prefix, sizeof prefix, "# %s: ", c[v].name);
        sgl_plan_params_text(f, c[v].plan, prefix);
    }
    fprintf(f, "# cells: mean +- standard error over non-diverged seeds, at the final step\n");
    print_rows(f, r);
    fprintf(f, "\nexpected (THEORY.md C7), final mean test error:\n");
    for (int v = 0; v < SGL_SHAPE_N; ++v)
        fprintf(f, "  %-19s %-36s got %-10.4g %-8s [%s]\n", c[v].name, c[v].expected, c[v].test.mean,
                verdict_text(c[v].verdict), c[v].reference);
    fprintf(f, "  %-19s %-36s got %.3g < %.3g < min(%.3g, %.3g)  %s\n", "ordering",
            "LNGD < SGD-minibatch-diff < GD, SGLD", c[SGL_SHAPE_LNGD].test.mean, c[SGL_SHAPE_SGD].test.mean,
            c[SGL_SHAPE_GD].test.mean, c[SGL_SHAPE_SGLD].test.mean, r->ordering ? "PASS" : "DIFFERS");
    if (o->quick) fprintf(f, "  (--quick: 10x fewer steps, so the verdicts are not meaningful)\n");
    if (plot) fprintf(f, "\nplot: %s\n", plot);
    else fprintf(f, "\nplot: not written (%s)\n", plot_why);
    fprintf(f, "total: %.2f s\n", r->seconds);
}

static void usage(FILE *f)
{
    fprintf(f, "usage: sgdlab reproduce " EXPERIMENT REPRO_USAGE_FLAGS("M") "\n"
               "       [--db FILE]\n"
               "  HaoChen et al.'s quadratic experiment (GD, SGD minibatch-diff, LNGD, SGLD) plus label-noise SGD\n"
               "  on the diagonal net, at the published settings; table (or --json) on stdout and a PNG of the\n"
               "  mean test error in DIR (default ./" EXPERIMENT "; gnuplot needed for the PNG).\n"
               "  --trajectories M (default 8)  --seed S (default 1)  --quick: 10x fewer steps (smoke test)\n"
               "  --db FILE: also store each variant as a run in this SQLite results file (sgdlab report)\n");
}

/* --db: every variant is one finished run in the store (command "reproduce shape-matters"),
 * claimed and committed with its results by the library's life cycle */
static sgl_status store_cells(sgl_store *db, const sgl_shape_result *r, int threads, sgl_err *err)
{
    for (int v = 0; v < SGL_SHAPE_N; ++v) {
        const sgl_shape_cell *c = &r->cell[v];
        sgl_record rec = {.n_obs = c->n_obs, .res = c->res, .seconds = c->seconds, .threads = threads,
                          .kind = SGL_KIND_RUN};   /* the cell keeps its results */
        memcpy(rec.obs, c->obs, sizeof rec.obs);
        sgl_status st = repro_db_run(db, "reproduce " EXPERIMENT, &c->spec, &rec, threads, err);
        if (st != SGL_OK) return st;
    }
    return SGL_OK;
}

static char k_progress_prefix[] = "sgdlab reproduce: ";

/* the flags into the experiment's settings; -1 to go on, else the exit code */
static int parse(int argc, char **argv, cli_opts *o, sgl_exp_settings *s)
{
    int rc = repro_parse(argc, argv, usage, o);
    if (rc >= 0) return rc;
    if (o->spec.seeds < 1) {
        fprintf(stderr, "sgdlab: --trajectories: must be an integer >= 1, got %u\n", o->spec.seeds);
        return CLI_EXIT_USAGE;
    }
    if (o->out_dir && !o->out_dir[0]) {
        fprintf(stderr, "sgdlab: --out-dir: must not be empty\n");
        return CLI_EXIT_USAGE;
    }
    if (o->db_path && !o->db_path[0]) {   /* before the output folder is created */
        fprintf(stderr, "sgdlab: --db: needs a file name\n");
        return CLI_EXIT_USAGE;
    }
    *s = (sgl_exp_settings){o->spec.seeds, o->spec.seed, o->threads, o->quick,
                            isatty(2) ? repro_progress : NULL, k_progress_prefix};
    return -1;
}

/* the plot files in out_dir and gnuplot; 0 if png was written, else why says what failed */
static int plot(const char *out_dir, const char *png, const sgl_shape_result *r, int quick, char *why, size_t len)
{
    char *dat = repro_join(out_dir, EXPERIMENT ".dat"), *gp = repro_join(out_dir, EXPERIMENT ".gp");
    int ok = 0;
    if (!dat || !gp) snprintf(why, len, "out of memory");
    else if (write_plot_data(dat, r) != 0) snprintf(why, len, "cannot write '%s'", dat);
    else if (write_plot_script(gp, EXPERIMENT ".dat", EXPERIMENT ".png", r, quick) != 0)
        snprintf(why, len, "cannot write '%s'", gp);
    else ok = repro_plot(out_dir, EXPERIMENT ".gp", png, why, len) != NULL;
    free(dat);
    free(gp);
    return ok ? 0 : -1;
}

int reproduce_shape_matters(int argc, char **argv)
{
    cli_opts o;
    sgl_exp_settings set;
    int code = parse(argc, argv, &o, &set);
    if (code >= 0) return code;
    const char *out_dir = o.out_dir ? o.out_dir : EXPERIMENT;
    char why[512] = "";
    if (repro_mkdir_p(out_dir, why, sizeof why) != 0) {
        fprintf(stderr, "sgdlab: --out-dir: cannot create '%s': %s\n", out_dir, why);
        return CLI_EXIT_FAIL;
    }
    sgl_err err = {{0}, {0}};
    sgl_store *db = NULL;
    sgl_status st = o.db_path ? sgl_store_open(o.db_path, 0, 5000, &db, &err) : SGL_OK;
    if (st != SGL_OK) return cli_report(st, &err);
    sgl_shape_result r;
    st = sgl_exp_shape_matters(&set, &r, &err);
    if (st == SGL_OK && db) st = store_cells(db, &r, o.threads, &err);
    if (st != SGL_OK) {
        code = cli_report(st, &err);
        if (code == CLI_EXIT_OK || code == CLI_EXIT_USAGE) code = CLI_EXIT_FAIL;
    } else {
        why[0] = '\0';
        char *png = repro_join(out_dir, EXPERIMENT ".png");
        const char *shown = png && plot(out_dir, png, &r, o.quick, why, sizeof why) == 0 ? png : NULL;
        if (!png) snprintf(why, sizeof why, "out of memory");
        if (!shown) fprintf(stderr, "sgdlab: warning: plot not written (%s); the results follow\n", why);
        if (o.json) print_json(stdout, &set, &r, shown, why);
        else print_table(stdout, &set, &r, shown, why);
        free(png);
        code = CLI_EXIT_OK;   /* main checks standard output to its close */
    }
    sgl_err e2 = {{0}, {0}};
    if (db && sgl_store_close(db, &e2) != SGL_OK && code == CLI_EXIT_OK) code = cli_report(SGL_EIO, &e2);
    sgl_shape_result_free(&r);
    return code;
}
