/* sgdlab reproduce shape-matters: HaoChen, Wei, Lee, Ma, "Shape Matters"
 * (THEORY.md section 3), the quadratic-model experiment end to end.
 *
 * Four published variants on f_v(x) = <v*v, x> with the 1/4-loss (GD, SGD with
 * minibatch-difference noise, LNGD with its hard-coded LR decay, SGLD with
 * lr-scaled Gaussian noise), plus batch-1 label-noise SGD on the diagonal net
 * (LWA section 6, THEORY.md 2.7) on the same kind of data.  Every variant runs
 * through the library's plan/execute path; each seed gets its own data draw.
 *
 * Output: a table (or one JSON object with --json), the check against
 * THEORY.md C7 with honest PASS/DIFFERS verdicts, and a PNG of the mean test
 * error against steps drawn by gnuplot into --out-dir.  A differing verdict is
 * a result, not an error: the exit code is 0 unless the command could not run
 * (2: bad flags, 1: run-time failure).  Timings are printed, so this output is
 * not meant to compare bytewise between runs. */
#include "cli.h"
#include "reproduce.h"

#include <errno.h>
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define EXPERIMENT "shape-matters"

/* ------------------------------------------------------------ variants */

typedef enum { CHECK_BELOW, CHECK_ABOVE, CHECK_BETWEEN, CHECK_NONE } check_kind;

typedef struct {
    const char *name;       /* JSON key and table label */
    const char *model;
    const char *noise;
    double lr, delta, sigma;
    sgl_sigma_scale scale;
    int decay;              /* LNGD: lr x0.1 at 100k and 200k */
    uint64_t steps, every;
    check_kind check;
    double lo, hi;          /* thresholds on the final mean test error */
    const char *expected;   /* text of the check */
    const char *reference;  /* what THEORY.md 3.6 measured */
} variant;

enum { V_GD, V_SGD, V_LNGD, V_SGLD, V_DIAG, N_VARIANTS };

static const variant k_variants[N_VARIANTS] = {
    {"GD", "quadratic", "none", 0.01, NAN, NAN, SGL_SCALE_UNSET, 0, 300000, 1000, CHECK_ABOVE, 40, 0,
     "final test error > 40", "THEORY.md 3.6: 64.3 / 72.0 / 78.1 (C7: 60-80)"},
    {"SGD-minibatch-diff", "quadratic", "minibatch-diff", 0.01, 1.0, NAN, SGL_SCALE_UNSET, 0, 300000, 1000,
     CHECK_BETWEEN, 5, 25, "5 < final test error < 25", "THEORY.md 3.6: 12.96 / 18.9 / 8.55 (C7: 8-20)"},
    {"LNGD", "quadratic", "lngd", 0.01, 1.0, NAN, SGL_SCALE_UNSET, 1, 300000, 1000, CHECK_BELOW, 1e-2, 0,
     "final test error < 1e-2", "THEORY.md 3.6: 2.6e-4 / 2.7e-4 / 6.4e-4 (C7: < 1e-3)"},
    {"SGLD", "quadratic", "gaussian", 0.01, NAN, 0.01, SGL_SCALE_ETA, 0, 1200000, 5000, CHECK_ABOVE, 40, 0,
     "final test error > 40", "THEORY.md 3.6: 63.5 (seed 1; C7: SGLD ~ GD)"},
    {"diagnet-label", "diagnet", "label", 1e-3, 1.0, NAN, SGL_SCALE_UNSET, 0, 3000000, 5000, CHECK_NONE, 0, 0,
     "no published target (value printed)",
     "in-project measurement: ~2.2 at 500k, 0.68 at 1M, 0.03 at 2M steps"},
};

static const uint64_t k_lngd_decay[] = {100000, 200000};

typedef struct {
    sgl_plan *plan;
    sgl_results *res;
    double seconds;
    sgl_summary test, off, train;
    int verdict;            /* 1 PASS, 0 DIFFERS, -1 no target */
    size_t o_test, o_off, o_train;
} outcome;

static void build_spec(const variant *v, const sgl_cli_opts *o, sgl_spec *s)
{
    sgl_spec_defaults(s);
    s->model = v->model;
    s->noise = v->noise;
    s->data.input = SGL_INPUT_GAUSSIAN;
    s->data.truth = SGL_TRUTH_ONES;
    s->data.d = 100;
    s->data.n = 40;
    s->data.kappa = 5;
    s->data.n_test = 0;
    s->data.label_noise = 0;
    s->data_draw = SGL_DRAW_PER_SEED;
    s->a = NAN;                               /* the model's default: 1/4 quadratic, 1/2 diagnet */
    s->alpha = 1.0;
    s->delta = isnan(v->delta) ? 1.0 : v->delta;
    s->sigma = isnan(v->sigma) ? 0.0 : v->sigma;
    s->sigma_scale = v->scale;
    s->batch = 1;
    s->with_replacement = 0;
    s->lr = v->lr;
    s->decay_factor = 0.1;
    s->n_decay = 0;
    const uint64_t div = o->quick ? 10 : 1;
    if (v->decay) {
        for (size_t i = 0; i < sizeof k_lngd_decay / sizeof k_lngd_decay[0]; ++i)
            s->decay_at[s->n_decay++] = k_lngd_decay[i] / div;
    }
    s->steps = v->steps / div;
    s->every = v->every / div;
    s->seeds = o->spec.seeds;
    s->seed = o->spec.seed;
    s->threshold = 0.01;
}

static size_t find_obs(const sgl_plan *p, const char *name)
{
    for (size_t i = 0; i < p->n_obs; ++i)
        if (strcmp(p->obs[i]->name, name) == 0) return i;
    return (size_t)-1;
}

static void summarize_obs(const outcome *r, size_t o, sgl_summary *s)
{
    if (o == (size_t)-1) {
        *s = (sgl_summary){NAN, NAN, NAN, NAN, 0, 0, 0};
        return;
    }
    sgl_summarize(r->res, r->plan->n_log - 1, o, s);
}

static int judge(const variant *v, const sgl_summary *s)
{
    if (v->check == CHECK_NONE) return -1;
    double m = s->mean;
    if (s->n == 0 || !isfinite(m)) return 0;
    switch (v->check) {
    case CHECK_BELOW: return m < v->lo;
    case CHECK_ABOVE: return m > v->lo;
    case CHECK_BETWEEN: return m > v->lo && m < v->hi;
    case CHECK_NONE: break;
    }
    return -1;
}

static const char *verdict_text(int v) { return v > 0 ? "PASS" : v == 0 ? "DIFFERS" : "n/a"; }

/* LNGD < minibatch-diff < min(GD, SGLD) on the final mean test errors */
static int ordering_holds(const outcome *r)
{
    double l = r[V_LNGD].test.mean, m = r[V_SGD].test.mean, g = r[V_GD].test.mean, s = r[V_SGLD].test.mean;
    if (!isfinite(l) || !isfinite(m) || !isfinite(g) || !isfinite(s)) return 0;
    return l < m && m < g && m < s;
}

/* --------------------------------------------------------------- plot */

static int mkdir_p(const char *path, char *why, size_t len)
{
    char buf[4096];
    if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf) {
        snprintf(why, len, "path too long");
        return -1;
    }
    for (char *c = buf + 1; *c; ++c) {
        if (*c != '/') continue;
        *c = '\0';
        if (mkdir(buf, 0777) != 0 && errno != EEXIST) {
            snprintf(why, len, "%s", strerror(errno));
            return -1;
        }
        *c = '/';
    }
    if (mkdir(buf, 0777) != 0 && errno != EEXIST) {
        snprintf(why, len, "%s", strerror(errno));
        return -1;
    }
    struct stat st;
    if (stat(buf, &st) != 0 || !S_ISDIR(st.st_mode)) {
        snprintf(why, len, "not a directory");
        return -1;
    }
    return 0;
}

static char *join_path(const char *dir, const char *file)
{
    size_t len = strlen(dir) + strlen(file) + 2;
    char *p = malloc(len);
    if (p) snprintf(p, len, "%s%s%s", dir, (dir[0] && dir[strlen(dir) - 1] == '/') ? "" : "/", file);
    return p;
}

/* a gnuplot single-quoted string: '' stands for ' */
static void gp_string(FILE *f, const char *s)
{
    fputc('\'', f);
    for (; *s; ++s) {
        if (*s == '\'') fputc('\'', f);
        fputc(*s, f);
    }
    fputc('\'', f);
}

/* data file: one block per variant (gnuplot `index i`), columns step, mean, se, n */
static int write_plot_data(const char *path, const outcome *r)
{
    FILE *f = fopen(path, "w");
    if (!f) return -1;
    fprintf(f, "# sgdlab %s (git %s) reproduce " EXPERIMENT ": mean test error ||w - w*||^2 over seeds\n",
            sgl_version(), sgl_git_hash());
    fprintf(f, "# one block per variant (gnuplot index 0..%d); columns: step k, mean, standard error, n\n",
            N_VARIANTS - 1);
    for (int v = 0; v < N_VARIANTS; ++v) {
        const sgl_plan *p = r[v].plan;
        fprintf(f, "%s# %s (noise %s, model %s)\n", v ? "\n\n" : "", k_variants[v].name, k_variants[v].noise,
                k_variants[v].model);
        for (size_t l = 0; l < p->n_log; ++l) {
            sgl_summary s;
            if (r[v].o_test == (size_t)-1) break;
            sgl_summarize(r[v].res, l, r[v].o_test, &s);
            fprintf(f, "%llu ", (unsigned long long)p->log_steps[l]);
            sgl_print_double(f, s.mean, 0);
            fputc(' ', f);
            sgl_print_double(f, s.std_err, 0);
            fprintf(f, " %llu\n", (unsigned long long)s.n);
        }
    }
    int bad = ferror(f);
    bad |= fclose(f) != 0;
    return bad ? -1 : 0;
}

static const char *const k_colors[N_VARIANTS] = {"#000000", "#1f77b4", "#d62728", "#ff7f0e", "#2ca02c"};

static int write_plot_script(const char *path, const char *dat, const char *png, int quick)
{
    FILE *f = fopen(path, "w");
    if (!f) return -1;
    fprintf(f, "# sgdlab %s (git %s) reproduce " EXPERIMENT "\n", sgl_version(), sgl_git_hash());
    fputs("set terminal pngcairo size 900,600\nset output ", f);
    gp_string(f, png);
    fprintf(f, "\nset title \"Shape Matters (HaoChen et al.): mean test error over seeds%s\"\n",
            quick ? " (--quick: steps / 10)" : "");
    fputs("set logscale xy\nset format y \"10^{%L}\"\nset format x \"10^{%L}\"\n"
          "set xlabel \"step k\"\nset ylabel \"test error ||w - w*||^2\"\n"
          "set key left bottom box opaque\nset grid\n"
          "set datafile missing \"nan\"\n", f);
    fputs("plot ", f);
    for (int v = 0; v < N_VARIANTS; ++v) {
        fprintf(f, "%s", v ? ", \\\n     " : "");
        gp_string(f, dat);
        /* log axes: only points with step > 0 and a positive mean */
        fprintf(f, " index %d using ($1 > 0 ? $1 : NaN):($2 > 0 ? $2 : NaN) with lines lw 2 lc rgb \"%s\" dt %d"
                   " title \"%s\"", v, k_colors[v], v == V_SGLD ? 2 : 1, k_variants[v].name);
    }
    fputs("\n", f);
    int bad = ferror(f);
    bad |= fclose(f) != 0;
    return bad ? -1 : 0;
}

/* Run gnuplot on the script without a shell, inside dir (the script names its
 * files relative to it, so it can be rerun there by hand).  0 on success. */
static int run_gnuplot(const char *dir, const char *script, char *why, size_t len)
{
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(why, len, "gnuplot could not be started: %s", strerror(errno));
        return -1;
    }
    if (pid == 0) {
        if (chdir(dir) != 0) _exit(126);
        execlp("gnuplot", "gnuplot", script, (char *)NULL);
        _exit(127);
    }
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) {
            snprintf(why, len, "gnuplot: wait failed: %s", strerror(errno));
            return -1;
        }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return 0;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
        snprintf(why, len, "gnuplot not found on PATH");
    else if (WIFEXITED(status) && WEXITSTATUS(status) == 126)
        snprintf(why, len, "cannot enter '%s' to run gnuplot", dir);
    else if (WIFEXITED(status))
        snprintf(why, len, "gnuplot exited with status %d", WEXITSTATUS(status));
    else
        snprintf(why, len, "gnuplot was killed by signal %d", WIFSIGNALED(status) ? WTERMSIG(status) : 0);
    return -1;
}

/* shared with the other experiments (reproduce.h) */
int sgl_rep_begin(int argc, char **argv, const char *name, void (*usage)(FILE *), uint32_t full, uint32_t quick,
                  uint32_t min_count, const char *what, sgl_cli_opts *o, uint32_t *count, const char **out_dir)
{
    for (int i = 3; i < argc; ++i)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            return SGL_EXIT_OK;
        }
    sgl_err err = {{0}, {0}};
    sgl_status st = sgl_cli_parse(argc, argv, 3, SGL_CMD_REPRODUCE, o, &err);
    if (st != SGL_OK) return sgl_cli_report(st, &err);
    if (o->help) return SGL_EXIT_OK;
    if (sgl_cli_given(o, "--db")) {   /* checked before anything is created */
        fprintf(stderr, "sgdlab: --db: not supported by reproduce %s (valid with shape-matters)\n", name);
        return SGL_EXIT_USAGE;
    }
    *count = sgl_cli_given(o, "--seeds") ? o->spec.seeds : (o->quick ? quick : full);
    if (*count < min_count) {
        fprintf(stderr, "sgdlab: --seeds: need >= %u %s, got %u\n", min_count, what, *count);
        return SGL_EXIT_USAGE;
    }
    *out_dir = o->out_dir ? o->out_dir : name;
    if (!(*out_dir)[0]) {
        fprintf(stderr, "sgdlab: --out-dir: must not be empty\n");
        return SGL_EXIT_USAGE;
    }
    char why[512] = "";
    if (mkdir_p(*out_dir, why, sizeof why) != 0) {
        fprintf(stderr, "sgdlab: --out-dir: cannot create '%s': %s\n", *out_dir, why);
        return SGL_EXIT_FAIL;
    }
    return -1;
}
int sgl_rep_mkdir_p(const char *path, char *why, size_t len) { return mkdir_p(path, why, len); }
char *sgl_rep_join(const char *dir, const char *file) { return join_path(dir, file); }
void sgl_rep_gp_string(FILE *f, const char *s) { gp_string(f, s); }
int sgl_rep_gnuplot(const char *dir, const char *script, char *why, size_t len)
{
    return run_gnuplot(dir, script, why, len);
}

/* ------------------------------------------------------------- output */

/* s as a JSON string through the library's writer (sgl_quote_json) */
void sgl_rep_json_string(FILE *f, const char *s)
{
    sgl_json w;
    sgl_json_to_file(&w, f);
    sgl_json_string(&w, s);
}

static void print_json(FILE *f, const sgl_cli_opts *o, const outcome *r, const char *plot, const char *plot_why,
                       double total)
{
    sgl_json w;
    sgl_json_to_file(&w, f);
    sgl_json_begin_object(&w);
    sgl_json_kstring(&w, "experiment", EXPERIMENT);
    sgl_json_kstring(&w, "version", sgl_version());
    sgl_json_kstring(&w, "git", sgl_git_hash());
    sgl_json_kint(&w, "counter_layout", SGL_COUNTER_LAYOUT);
    sgl_json_kuint(&w, "seed", o->spec.seed);
    sgl_json_kuint(&w, "seeds", o->spec.seeds);
    sgl_json_kbool(&w, "quick", o->quick);
    sgl_json_kstring(&w, "time_unit", "steps k");
    sgl_json_kstring(&w, "plot", plot);   /* NULL: null */
    if (!plot) sgl_json_kstring(&w, "plot_error", plot_why);
    for (int v = 0; v < N_VARIANTS; ++v) {
        const variant *V = &k_variants[v];
        const outcome *R = &r[v];
        const sgl_plan *p = R->plan;
        sgl_json_key(&w, V->name);
        sgl_json_begin_object(&w);
        sgl_json_kstring(&w, "noise", V->noise);
        sgl_json_kstring(&w, "model", V->model);
        sgl_json_kuint(&w, "steps", p->spec.steps);
        sgl_json_kuint(&w, "every", p->spec.every);
        sgl_json_kuint(&w, "seeds", p->spec.seeds);
        sgl_json_kdouble(&w, "lr", p->spec.lr);
        sgl_json_key(&w, "lr_decay");
        sgl_json_begin_array(&w);
        for (size_t i = 0; i < p->spec.n_decay; ++i) sgl_json_uint(&w, p->spec.decay_at[i]);
        sgl_json_end_array(&w);
        sgl_json_kdouble(&w, "lr_decay_factor", p->spec.n_decay ? p->spec.decay_factor : NAN);
        sgl_json_kdouble(&w, "delta", p->noise->uses_delta ? p->spec.delta : NAN);
        sgl_json_kdouble(&w, "sigma", p->noise->uses_sigma ? p->spec.sigma : NAN);
        sgl_json_kstring(&w, "sigma_scale", p->noise->uses_sigma ? "eta" : NULL);
        sgl_json_kdouble(&w, "loss_a", p->spec.a);
        sgl_json_key(&w, "test_error");
        sgl_json_begin_object(&w);
        sgl_json_kdouble(&w, "mean", R->test.mean);
        sgl_json_kdouble(&w, "se", R->test.std_err);
        sgl_json_kdouble(&w, "min", R->test.min);
        sgl_json_kdouble(&w, "max", R->test.max);
        sgl_json_kuint(&w, "n", R->test.n);
        sgl_json_end_object(&w);
        sgl_json_key(&w, "off_support");
        sgl_json_begin_object(&w);
        sgl_json_kdouble(&w, "mean", R->off.mean);
        sgl_json_kdouble(&w, "se", R->off.std_err);
        sgl_json_end_object(&w);
        sgl_json_key(&w, "train_loss");
        sgl_json_begin_object(&w);
        sgl_json_kdouble(&w, "mean", R->train.mean);
        sgl_json_kdouble(&w, "se", R->train.std_err);
        sgl_json_end_object(&w);
        sgl_json_kuint(&w, "n_diverged", R->test.n_diverged);
        sgl_json_kdouble(&w, "seconds", R->seconds);
        sgl_json_kstring(&w, "expected", V->expected);
        sgl_json_kstring(&w, "reference", V->reference);
        sgl_json_kstring(&w, "verdict", verdict_text(R->verdict));
        sgl_json_key(&w, "params");
        sgl_json_params(&w, p);
        sgl_json_end_object(&w);
    }
    sgl_json_key(&w, "ordering");
    sgl_json_begin_object(&w);
    sgl_json_kstring(&w, "expected", "LNGD < SGD-minibatch-diff < GD, SGLD");
    sgl_json_kstring(&w, "verdict", ordering_holds(r) ? "PASS" : "DIFFERS");
    sgl_json_end_object(&w);
    sgl_json_kdouble(&w, "seconds", total);
    sgl_json_end_object(&w);
    fputc('\n', f);
}

static void cell_pm(char *buf, size_t len, const sgl_summary *s)
{
    if (s->n == 0) snprintf(buf, len, "-");
    else snprintf(buf, len, "%.4g +- %.2g", s->mean, s->std_err);
}

static void print_table(FILE *f, const sgl_cli_opts *o, const outcome *r, const char *plot, const char *plot_why,
                        double total)
{
    fprintf(f, "# sgdlab reproduce " EXPERIMENT ": HaoChen, Wei, Lee, Ma, \"Shape Matters\", quadratic model "
               "(THEORY.md 3)\n");
    fprintf(f, "# sgdlab %s (git %s, Philox4x32-10 counter layout %d)\n", sgl_version(), sgl_git_hash(),
            SGL_COUNTER_LAYOUT);
    fprintf(f, "# common: d=100 n=40 kappa=5 data=gaussian truth=ones (w*_j = 1 for j < 5) alpha=1 batch=1 "
               "sampling=without data_draw=per-seed seeds=%u seed=%llu threshold=0.01 (|w_j|, off-support)\n",
            o->spec.seeds, (unsigned long long)o->spec.seed);
    fprintf(f, "# test error = ||w - w*||^2 (w = v*v for quadratic, u*u - v*v for diagnet); time unit: steps k\n");
    if (o->quick)
        fprintf(f, "# --quick: every step count, decay step and logging interval divided by 10 (smoke test); "
                   "the expected values below are for the full runs\n");
    for (int v = 0; v < N_VARIANTS; ++v) {
        char prefix[64];
        snprintf(prefix, sizeof prefix, "# %s: ", k_variants[v].name);
        sgl_print_params_text(f, r[v].plan, prefix);
    }
    fprintf(f, "# cells: mean +- standard error over non-diverged seeds, at the final step\n");
    fprintf(f, "%-19s %-15s %-10s %22s %23s %18s %11s %8s %5s %4s %8s\n", "variant", "noise", "model",
            "test_error", "min..max", "off_support", "train_loss", "steps", "seeds", "div", "seconds");
    for (int v = 0; v < N_VARIANTS; ++v) {
        const outcome *R = &r[v];
        char te[64], mm[64], off[64], tl[32];
        cell_pm(te, sizeof te, &R->test);
        cell_pm(off, sizeof off, &R->off);
        if (R->test.n) snprintf(mm, sizeof mm, "%.4g..%.4g", R->test.min, R->test.max);
        else snprintf(mm, sizeof mm, "-");
        if (R->train.n) snprintf(tl, sizeof tl, "%.3g", R->train.mean);
        else snprintf(tl, sizeof tl, "-");
        fprintf(f, "%-19s %-15s %-10s %22s %23s %18s %11s %8llu %5u %4llu %8.2f\n", k_variants[v].name,
                k_variants[v].noise, k_variants[v].model, te, mm, off, tl,
                (unsigned long long)R->plan->spec.steps, R->plan->spec.seeds,
                (unsigned long long)R->test.n_diverged, R->seconds);
    }
    fprintf(f, "\nexpected (THEORY.md C7), final mean test error:\n");
    for (int v = 0; v < N_VARIANTS; ++v) {
        const outcome *R = &r[v];
        fprintf(f, "  %-19s %-36s got %-10.4g %-8s [%s]\n", k_variants[v].name, k_variants[v].expected,
                R->test.mean, verdict_text(R->verdict), k_variants[v].reference);
    }
    fprintf(f, "  %-19s %-36s got %.3g < %.3g < min(%.3g, %.3g)  %s\n", "ordering",
            "LNGD < SGD-minibatch-diff < GD, SGLD", r[V_LNGD].test.mean, r[V_SGD].test.mean, r[V_GD].test.mean,
            r[V_SGLD].test.mean, ordering_holds(r) ? "PASS" : "DIFFERS");
    if (o->quick) fprintf(f, "  (--quick: 10x fewer steps, so the verdicts are not meaningful)\n");
    if (plot) fprintf(f, "\nplot: %s\n", plot);
    else fprintf(f, "\nplot: not written (%s)\n", plot_why);
    fprintf(f, "total: %.2f s\n", total);
}

/* --------------------------------------------------------------- main */


static void usage(FILE *f)
{
    fprintf(f, "usage: sgdlab reproduce " EXPERIMENT " [--seeds M] [--seed S] [--threads T] [--json] "
               "[--out-dir DIR] [--quick] [--db FILE]\n"
               "  HaoChen et al.'s quadratic experiment (GD, SGD minibatch-diff, LNGD, SGLD) plus label-noise SGD\n"
               "  on the diagonal net, at the published settings; table (or --json) on stdout and a PNG of the\n"
               "  mean test error in DIR (default ./" EXPERIMENT "; gnuplot needed for the PNG).\n"
               "  --seeds M (default 8)  --seed S (default 1)  --quick: 10x fewer steps (smoke test)\n"
               "  --db FILE: also store each variant as a run in this SQLite results file (sgdlab report)\n");
}

int sgl_cmd_reproduce(int argc, char **argv)
{
    if (argc < 3 || argv[2][0] == '-') {
        if (argc >= 3 && (strcmp(argv[2], "--help") == 0 || strcmp(argv[2], "-h") == 0)) {
            usage(stdout);
            return SGL_EXIT_OK;
        }
        fprintf(stderr, "sgdlab: reproduce: missing experiment name; valid: " SGL_REP_NAMES "\n");
        return SGL_EXIT_USAGE;
    }
    if (strcmp(argv[2], "mori-escape") == 0) return sgl_reproduce_mori_escape(argc, argv);
    if (strcmp(argv[2], "exponential-escape") == 0) return sgl_reproduce_exponential_escape(argc, argv);
    if (strcmp(argv[2], "lwa-sparse") == 0) return sgl_reproduce_lwa_sparse(argc, argv);
    if (strcmp(argv[2], EXPERIMENT) != 0) {
        fprintf(stderr, "sgdlab: reproduce: unknown experiment '%s'; valid: " SGL_REP_NAMES "\n", argv[2]);
        return SGL_EXIT_USAGE;
    }
    for (int i = 3; i < argc; ++i)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            return SGL_EXIT_OK;
        }

    sgl_cli_opts o;
    sgl_err err = {{0}, {0}};
    sgl_status st = sgl_cli_parse(argc, argv, 3, SGL_CMD_REPRODUCE, &o, &err);
    if (st != SGL_OK) return sgl_cli_report(st, &err);
    if (o.help) return SGL_EXIT_OK;
    if (o.spec.seeds < 1) {
        fprintf(stderr, "sgdlab: --seeds: must be an integer >= 1, got %u\n", o.spec.seeds);
        return SGL_EXIT_USAGE;
    }
    const char *out_dir = o.out_dir ? o.out_dir : EXPERIMENT;
    if (!out_dir[0]) {
        fprintf(stderr, "sgdlab: --out-dir: must not be empty\n");
        return SGL_EXIT_USAGE;
    }
    if (o.db_path && !o.db_path[0]) {   /* before the output folder is created */
        fprintf(stderr, "sgdlab: --db: needs a file name\n");
        return SGL_EXIT_USAGE;
    }

    outcome r[N_VARIANTS];
    memset(r, 0, sizeof r);
    char *dat = NULL, *gp = NULL, *png = NULL;
    int code = SGL_EXIT_OK;
    const int progress = isatty(2);

    sgl_spec specs[N_VARIANTS];
    sgl_store *db = NULL;
    /* build every plan first, so a bad flag costs no simulation time */
    for (int v = 0; v < N_VARIANTS; ++v) {
        sgl_spec *s = &specs[v];
        build_spec(&k_variants[v], &o, s);
        if ((st = sgl_plan_alloc(s, &r[v].plan, &err)) != SGL_OK) {
            code = sgl_cli_report(st, &err);
            goto done;
        }
        if ((st = sgl_results_alloc(r[v].plan, &r[v].res)) != SGL_OK) {
            code = sgl_cli_report(st, &err);
            goto done;
        }
        r[v].o_test = find_obs(r[v].plan, "test_error");
        r[v].o_off = find_obs(r[v].plan, "off_support");
        r[v].o_train = find_obs(r[v].plan, "train_loss");
    }
    char why[512] = "";
    if (mkdir_p(out_dir, why, sizeof why) != 0) {
        fprintf(stderr, "sgdlab: --out-dir: cannot create '%s': %s\n", out_dir, why);
        code = SGL_EXIT_FAIL;
        goto done;
    }
    dat = join_path(out_dir, EXPERIMENT ".dat");
    gp = join_path(out_dir, EXPERIMENT ".gp");
    png = join_path(out_dir, EXPERIMENT ".png");
    if (!dat || !gp || !png) {
        code = sgl_cli_report(SGL_ENOMEM, &(sgl_err){{0}, {0}});
        goto done;
    }

    /* --db: every variant is one run in the store (command "reproduce shape-matters"),
     * marked started before it executes and committed with its results */
    if (o.db_path && (st = sgl_store_open(o.db_path, 0, 5000, &db, &err)) != SGL_OK) {
        code = sgl_cli_report(st, &err);
        goto done;
    }
    double t_all = omp_get_wtime();
    for (int v = 0; v < N_VARIANTS; ++v) {
        /* with --db the library's life cycle: claimed before it runs, committed with its results */
        sgl_any_spec spec;
        sgl_any_spec_default(&spec, SGL_KIND_RUN);
        spec.u.run = specs[v];
        sgl_run_info info = {.command = "reproduce " EXPERIMENT, .sweep_index = -1, .threads = o.threads, .ranks = 1};
        sgl_record rec;
        st = sgl_store_run_any(db, &spec, &info, r[v].plan, &rec, NULL, &err);
        if (rec.res) {   /* executed: the variant keeps the results */
            sgl_results_free(r[v].res);
            r[v].res = rec.res;
            rec.res = NULL;
            r[v].seconds = rec.seconds;
        }
        sgl_record_clear(&rec);
        if (st != SGL_OK) {
            if (strcmp(err.field, "--db") != 0) {
                err = (sgl_err){{0}, {0}};
                fprintf(stderr, "sgdlab: reproduce: variant %s failed\n", k_variants[v].name);
            }
            code = sgl_cli_report(st, &err);
            if (code == SGL_EXIT_OK || code == SGL_EXIT_USAGE) code = SGL_EXIT_FAIL;
            goto done;
        }
        summarize_obs(&r[v], r[v].o_test, &r[v].test);
        summarize_obs(&r[v], r[v].o_off, &r[v].off);
        summarize_obs(&r[v], r[v].o_train, &r[v].train);
        r[v].verdict = judge(&k_variants[v], &r[v].test);
        if (progress)
            fprintf(stderr, "sgdlab reproduce: %-19s %9llu steps x %u seeds: %.2f s\n", k_variants[v].name,
                    (unsigned long long)r[v].plan->spec.steps, r[v].plan->spec.seeds, r[v].seconds);
    }
    double total = omp_get_wtime() - t_all;

    const char *plot = NULL;
    why[0] = '\0';
    if (write_plot_data(dat, r) != 0) snprintf(why, sizeof why, "cannot write '%s'", dat);
    else if (write_plot_script(gp, EXPERIMENT ".dat", EXPERIMENT ".png", o.quick) != 0) snprintf(why, sizeof why, "cannot write '%s'", gp);
    else {
        remove(png);   /* a stale PNG must not pass for this run's */
        if (run_gnuplot(out_dir, EXPERIMENT ".gp", why, sizeof why) == 0) {
            struct stat sb;
            if (stat(png, &sb) == 0 && sb.st_size > 0) plot = png;
            else snprintf(why, sizeof why, "gnuplot ran but wrote no '%s'", png);
        }
    }
    if (!plot) fprintf(stderr, "sgdlab: warning: plot not written (%s); the results follow\n", why);

    if (o.json) print_json(stdout, &o, r, plot, why, total);
    else print_table(stdout, &o, r, plot, why, total);
    /* main checks standard output to its close */

done:
    if (db) {
        sgl_err e2 = {{0}, {0}};
        if (sgl_store_close(db, &e2) != SGL_OK && code == SGL_EXIT_OK) code = sgl_cli_report(SGL_EIO, &e2);
    }
    for (int v = 0; v < N_VARIANTS; ++v) {
        sgl_results_free(r[v].res);
        sgl_plan_free(r[v].plan);
    }
    free(dat);
    free(gp);
    free(png);
    return code;
}
