/* Output of `sgdlab run`: table, CSV or JSON Lines.  Every format starts with
 * the version and the full parameter set; doubles use %.17g (round-trip).
 * Nothing here depends on the thread count, so outputs compare bytewise. */
#include "cli.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void sgl_print_double(FILE *f, double x, int json)
{
    if (isfinite(x)) fprintf(f, "%.17g", x);
    else fputs(json ? "null" : (isnan(x) ? "nan" : (x > 0 ? "inf" : "-inf")), f);
}

void sgl_clock(const sgl_spec *s, uint64_t k, double *t_eta, double *t_eta2)
{
    /* exact under step decay: sum over constant-eta segments */
    double t1 = 0.0, t2 = 0.0;
    uint64_t a = 0;
    while (a < k) {
        uint64_t b = k;
        for (size_t i = 0; i < s->n_decay; ++i)
            if (s->decay_at[i] > a && s->decay_at[i] < b) b = s->decay_at[i];
        double eta = sgl_spec_lr(s, a);
        t1 += eta * (double)(b - a);
        t2 += eta * eta * (double)(b - a);
        a = b;
    }
    *t_eta = t1;
    *t_eta2 = t2;
}


/* One walker over the parameters so the text and JSON forms cannot drift.
 * is_num: 0 string sval, 1 double dval, 2 number already formatted in sval. */
typedef void (*kv_fn)(void *f, const char *key, const char *sval, double dval, int is_num, int first);

static void walk_params(void *f, const sgl_plan *p, kv_fn kv)
{
    const sgl_spec *s = sgl_plan_spec(p);
    char decay[400] = "";
    size_t k = 0;
    for (size_t i = 0; i < s->n_decay && k < sizeof decay; ++i)
        k += (size_t)snprintf(decay + k, sizeof decay - k, "%s%llu", i ? "," : "",
                              (unsigned long long)s->decay_at[i]);
    const sgl_data *D = sgl_plan_data(p, 0);
    kv(f, "model", s->model, 0, 0, 1);
    if (s->model_plugin && s->model_plugin[0]) {   /* the plugin, its content hash and parameters */
        char hash[17];
        snprintf(hash, sizeof hash, "%016llx", (unsigned long long)s->plugin_hash);
        kv(f, "model_plugin", s->model_plugin, 0, 0, 0);
        kv(f, "plugin_name", sgl_plan_model(p)->name, 0, 0, 0);
        kv(f, "plugin_hash", hash, 0, 0, 0);
        kv(f, "plugin_param", s->plugin_param, 0, 0, 0);
    }
    kv(f, "noise", s->noise, 0, 0, 0);
    /* a data-free model runs on identical dummy samples: say so */
    kv(f, "data", (sgl_plan_model(p)->caps & SGL_CAP_NODATA) ? "none" : sgl_input_names[s->data.input], 0, 0, 0);
    const int truth_file = s->data.input == SGL_INPUT_CSV && s->data.truth_path && s->data.truth_path[0];
    if (s->data.input == SGL_INPUT_CSV) kv(f, "data_file", s->data.csv_path, 0, 0, 0);
    if (truth_file) kv(f, "truth_file", s->data.truth_path, 0, 0, 0);
    kv(f, "d", NULL, (double)D->d, 1, 0);
    kv(f, "n", NULL, (double)D->n, 1, 0);
    kv(f, "kappa", NULL, (double)D->kappa, 1, 0);
    kv(f, "n_test", NULL, (double)D->n_test, 1, 0);
    kv(f, "truth", truth_file ? "file" : D->wstar ? sgl_truth_names[s->data.truth] : "none", 0, 0, 0);
    kv(f, "data_noise", NULL, s->data.label_noise, 1, 0);
    if (sgl_plan_model(p)->caps & SGL_CAP_WIDTH) kv(f, "width", NULL, (double)D->width, 1, 0);
    kv(f, "data_draw", sgl_draw_names[s->data_draw], 0, 0, 0);
    kv(f, "loss_a", NULL, s->a, 1, 0);
    kv(f, "alpha", NULL, s->alpha, 1, 0);
    kv(f, "delta", NULL, s->delta, 1, 0);
    kv(f, "sigma", NULL, s->sigma, 1, 0);
    kv(f, "sigma_scale", sgl_scale_names[s->sigma_scale], 0, 0, 0);
    kv(f, "batch", NULL, (double)s->batch, 1, 0);
    kv(f, "sampling", sgl_sampling_names[s->with_replacement != 0], 0, 0, 0);
    kv(f, "lr", NULL, s->lr, 1, 0);
    kv(f, "lr_decay", decay, 0, 0, 0);
    kv(f, "lr_decay_factor", NULL, s->decay_factor, 1, 0);
    kv(f, "steps", NULL, (double)s->steps, 1, 0);
    kv(f, "every", NULL, (double)s->every, 1, 0);
    kv(f, "seeds", NULL, (double)s->seeds, 1, 0);
    char seed[24];
    snprintf(seed, sizeof seed, "%llu", (unsigned long long)s->seed);
    kv(f, "seed", seed, 0, 2, 0);   /* 64-bit: printed exactly, not through a double */
    kv(f, "bound", NULL, s->bound, 1, 0);
    kv(f, "threshold", NULL, s->threshold, 1, 0);
    char init[512] = "";
    size_t il = 0;
    for (size_t i = 0; i < s->n_init && il + 32 < sizeof init; ++i)
        il += (size_t)snprintf(init + il, sizeof init - il, "%s%.17g", i ? "," : "", s->init[i]);
    if (il + 32 >= sizeof init && s->n_init > 0) snprintf(init + il, sizeof init - il, ",... (%zu values)", s->n_init);
    kv(f, "init", init, 0, 0, 0);
    kv(f, "observe", s->observe ? s->observe : "", 0, 0, 0);
}

/* through the library's JSON writer: control characters escaped, bytes that
 * are not UTF-8 as \ufffd (a data file's name is anything the OS allows) */
static void kv_json(void *w, const char *key, const char *sval, double dval, int is_num, int first)
{
    (void)first;
    sgl_json_key(w, key);
    if (is_num == 2) sgl_json_uint(w, strtoull(sval, NULL, 10));
    else if (is_num) sgl_json_double(w, dval);
    else sgl_json_string(w, sval);
}

static void kv_text(void *f, const char *key, const char *sval, double dval, int is_num, int first)
{
    fprintf(f, "%s%s=", first ? "" : " ", key);
    if (is_num == 2) fputs(sval, f);
    else if (is_num) sgl_print_double(f, dval, 0);
    else fputs(sval[0] ? sval : "-", f);
}

void sgl_json_params(sgl_json *w, const sgl_plan *p)
{
    sgl_json_begin_object(w);
    walk_params(w, p, kv_json);
    sgl_json_end_object(w);
}

void sgl_print_params_text(FILE *f, const sgl_plan *p, const char *prefix)
{
    fprintf(f, "%ssgdlab %s (git %s, Philox4x32-10 counter layout %d)\n%sparams: ", prefix, sgl_version(),
            sgl_git_hash(), SGL_COUNTER_LAYOUT, prefix);
    walk_params(f, p, kv_text);
    fprintf(f, "\n%stime: step = k (SGD steps); t_eta = sum_k eta_k (GD time); t_eta2 = sum_k eta_k^2 "
               "(slow/manifold time)\n", prefix);
}

static void write_table(FILE *f, const sgl_plan *p, const sgl_results *r)
{
    sgl_print_params_text(f, p, "# ");
    fprintf(f, "# each cell: mean +- standard error over the non-diverged trajectories\n");
    fprintf(f, "%12s %12s %12s", "step", "t_eta", "t_eta2");
    for (size_t o = 0; o < sgl_plan_n_obs(p); ++o) fprintf(f, " %26s", sgl_plan_obs(p, o)->name);
    fprintf(f, " %5s %5s\n", "n", "div");
    for (size_t l = 0; l < sgl_plan_n_log(p); ++l) {
        if (sgl_cli_signal) return;   /* interrupted: stop after a whole line */
        double t1, t2;
        sgl_clock(sgl_plan_spec(p), sgl_plan_log_steps(p)[l], &t1, &t2);
        fprintf(f, "%12llu %12.6g %12.6g", (unsigned long long)sgl_plan_log_steps(p)[l], t1, t2);
        sgl_summary sm = {0};
        for (size_t o = 0; o < sgl_plan_n_obs(p); ++o) {
            sgl_summarize(r, l, o, &sm);
            char cell[64];
            snprintf(cell, sizeof cell, "%.6g +- %.2g", sm.mean, sm.std_err);
            fprintf(f, " %26s", cell);
        }
        fprintf(f, " %5llu %5llu\n", (unsigned long long)sm.n, (unsigned long long)sm.n_diverged);
    }
    if (sgl_cli_signal) return;
    fprintf(f, "\nsummary at step %llu over %u trajectories:\n", (unsigned long long)sgl_plan_spec(p)->steps, r->n_traj);
    fprintf(f, "%-16s %24s %24s %24s %24s %6s %6s %9s\n", "observable", "mean", "se", "min", "max", "n", "div",
            "nonfinite");
    for (size_t o = 0; o < sgl_plan_n_obs(p); ++o) {
        sgl_summary sm;
        sgl_summarize(r, sgl_plan_n_log(p) - 1, o, &sm);
        fprintf(f, "%-16s %24.17g %24.17g %24.17g %24.17g %6llu %6llu %9llu\n", sgl_plan_obs(p, o)->name, sm.mean,
                sm.std_err, sm.min, sm.max, (unsigned long long)sm.n, (unsigned long long)sm.n_diverged,
                (unsigned long long)sm.n_nonfinite);
    }
    int any = 0;
    for (uint32_t t = 0; t < r->n_traj; ++t)
        if (r->diverged[t]) {
            fprintf(f, "%s%u@%llu", any ? ", " : "diverged (trajectory@step): ", t,
                    (unsigned long long)r->diverged_step[t]);
            any = 1;
        }
    if (any) fputc('\n', f);
}

static void write_csv(FILE *f, const sgl_plan *p, const sgl_results *r)
{
    sgl_print_params_text(f, p, "# ");
    fprintf(f, "traj,step,t_eta,t_eta2,lr");
    for (size_t o = 0; o < sgl_plan_n_obs(p); ++o) fprintf(f, ",%s", sgl_plan_obs(p, o)->name);
    fprintf(f, ",diverged,diverged_step\n");
    for (uint32_t t = 0; t < r->n_traj; ++t)
        for (size_t l = 0; l < sgl_plan_n_log(p); ++l) {
            if (sgl_cli_signal) return;   /* interrupted: stop after a whole record */
            uint64_t k = sgl_plan_log_steps(p)[l];
            double t1, t2;
            sgl_clock(sgl_plan_spec(p), k, &t1, &t2);
            fprintf(f, "%u,%llu,%.17g,%.17g,%.17g", t, (unsigned long long)k, t1, t2, sgl_spec_lr(sgl_plan_spec(p), k));
            for (size_t o = 0; o < sgl_plan_n_obs(p); ++o) {
                fputc(',', f);
                sgl_print_double(f, r->series[((size_t)t * r->n_log + l) * r->n_obs + o], 0);
            }
            fprintf(f, ",%d,", r->diverged[t] && k >= r->diverged_step[t]);
            if (r->diverged[t]) fprintf(f, "%llu", (unsigned long long)r->diverged_step[t]);
            fputc('\n', f);
        }
}

static void write_jsonl(FILE *f, const sgl_plan *p, const sgl_results *r)
{
    sgl_json w;
    sgl_json_to_file(&w, f);
    sgl_json_begin_object(&w);
    sgl_json_kbool(&w, "header", 1);
    sgl_json_kstring(&w, "version", sgl_version());
    sgl_json_kstring(&w, "git", sgl_git_hash());
    sgl_json_kint(&w, "counter_layout", SGL_COUNTER_LAYOUT);
    sgl_json_key(&w, "params");
    sgl_json_params(&w, p);
    sgl_json_key(&w, "time_units");
    sgl_json_begin_object(&w);
    sgl_json_kstring(&w, "step", "SGD steps k");
    sgl_json_kstring(&w, "t_eta", "sum eta_k (GD time)");
    sgl_json_kstring(&w, "t_eta2", "sum eta_k^2 (slow time)");
    sgl_json_end_object(&w);
    sgl_json_key(&w, "observables");
    sgl_json_begin_array(&w);
    for (size_t o = 0; o < sgl_plan_n_obs(p); ++o) sgl_json_string(&w, sgl_plan_obs(p, o)->name);
    sgl_json_end_array(&w);
    sgl_json_end_object(&w);
    fputc('\n', f);
    for (uint32_t t = 0; t < r->n_traj; ++t)
        for (size_t l = 0; l < sgl_plan_n_log(p); ++l) {
            if (sgl_cli_signal) return;   /* interrupted: stop after a whole record */
            uint64_t k = sgl_plan_log_steps(p)[l];
            double t1, t2;
            sgl_clock(sgl_plan_spec(p), k, &t1, &t2);
            sgl_json_to_file(&w, f);   /* one record per line */
            sgl_json_begin_object(&w);
            sgl_json_kuint(&w, "traj", t);
            sgl_json_kuint(&w, "step", k);
            sgl_json_kdouble(&w, "t_eta", t1);
            sgl_json_kdouble(&w, "t_eta2", t2);
            sgl_json_kdouble(&w, "lr", sgl_spec_lr(sgl_plan_spec(p), k));
            for (size_t o = 0; o < sgl_plan_n_obs(p); ++o)
                sgl_json_kdouble(&w, sgl_plan_obs(p, o)->name, r->series[((size_t)t * r->n_log + l) * r->n_obs + o]);
            sgl_json_kbool(&w, "diverged", r->diverged[t] && k >= r->diverged_step[t]);
            sgl_json_key(&w, "diverged_step");
            if (r->diverged[t]) sgl_json_uint(&w, r->diverged_step[t]);
            else sgl_json_null(&w);
            sgl_json_end_object(&w);
            fputc('\n', f);
        }
    if (sgl_cli_signal) return;
    size_t nd = 0;
    for (uint32_t t = 0; t < r->n_traj; ++t) nd += r->diverged[t] != 0;
    sgl_json_to_file(&w, f);
    sgl_json_begin_object(&w);
    sgl_json_kbool(&w, "summary", 1);
    sgl_json_kuint(&w, "step", sgl_plan_spec(p)->steps);
    sgl_json_kuint(&w, "n_traj", r->n_traj);
    sgl_json_kuint(&w, "n_diverged", nd);
    sgl_json_key(&w, "observables");
    sgl_json_begin_object(&w);
    for (size_t o = 0; o < sgl_plan_n_obs(p); ++o) {
        sgl_summary sm;
        sgl_summarize(r, sgl_plan_n_log(p) - 1, o, &sm);
        sgl_json_key(&w, sgl_plan_obs(p, o)->name);
        sgl_json_begin_object(&w);
        sgl_json_kdouble(&w, "mean", sm.mean);
        sgl_json_kdouble(&w, "se", sm.std_err);
        sgl_json_kdouble(&w, "min", sm.min);
        sgl_json_kdouble(&w, "max", sm.max);
        sgl_json_kuint(&w, "n", sm.n);
        sgl_json_kuint(&w, "n_diverged", sm.n_diverged);
        sgl_json_kuint(&w, "n_nonfinite", sm.n_nonfinite);
        sgl_json_end_object(&w);
    }
    sgl_json_end_object(&w);
    sgl_json_end_object(&w);
    fputc('\n', f);
}

void sgl_write_results(FILE *f, const sgl_plan *p, const sgl_results *r, sgl_format fmt)
{
    switch (fmt) {
    case SGL_FMT_TABLE: write_table(f, p, r); break;
    case SGL_FMT_CSV: write_csv(f, p, r); break;
    case SGL_FMT_JSONL: write_jsonl(f, p, r); break;
    }
}

/* ------------------------------------------------------------ checked output */

int sgl_cli_out_close(FILE *f, const char *what)
{
    /* an earlier write that failed (output longer than the stdio buffer) left
     * its reason in errno: the best one to give when the flush has nothing
     * left to fail on */
    const int e_before = errno;
    errno = 0;
    int bad = fflush(f) != 0;
    int e = bad ? errno : 0;
    if (ferror(f)) {
        bad = 1;
        if (!e) e = e_before;
    }
    if (fclose(f) != 0) {
        /* stdout closed by the caller (>&-) with nothing written is not an error */
        if (errno != EBADF || bad) {
            if (!e) e = errno;
            bad = 1;
        }
    }
    if (!bad) return 0;
    fprintf(stderr, "sgdlab: cannot write %s: %s\n", what, e ? strerror(e) : "write error");
    return -1;
}

/* A unique temporary file beside the target, renamed over it on success; a
 * target that is not a regular file (a character device such as /dev/null, a
 * FIFO) is written in place.  A symbolic link is followed: the file it points
 * to is replaced (the link stays); a dangling link is refused. */
static char *dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d) memcpy(d, s, n);
    return d;
}

sgl_status sgl_out_open(sgl_out *o, const char *path, const char *flag, sgl_err *err)
{
    memset(o, 0, sizeof *o);
    o->flag = flag;
    if (!path[0]) return sgl_fail(err, SGL_EINVAL, flag, "needs a file name, got ''");
    struct stat sb;
    char *target = NULL;
    if (lstat(path, &sb) == 0 && S_ISLNK(sb.st_mode)) {
        target = realpath(path, NULL);
        if (!target)
            return sgl_fail(err, SGL_EINVAL, flag, "'%s' is a symbolic link to a missing file (%s); give the "
                            "target's path", path, strerror(errno));
    } else {
        target = dup_str(path);
        if (!target) return sgl_fail(err, SGL_ENOMEM, flag, "out of memory");
    }
    o->path = target;
    int exists = stat(target, &sb) == 0;
    if (!exists && errno != ENOENT) {
        sgl_status st = sgl_fail(err, SGL_EINVAL, flag, "cannot use '%s': %s", path, strerror(errno));
        sgl_out_abort(o);
        return st;
    }
    if (exists && S_ISDIR(sb.st_mode)) {
        sgl_out_abort(o);
        return sgl_fail(err, SGL_EINVAL, flag, "'%s' is a directory; give a file name", path);
    }
    if (exists && (S_ISCHR(sb.st_mode) || S_ISFIFO(sb.st_mode))) {
        /* a device or a pipe: write in place, never replace it */
        if (!(o->f = fopen(target, "w"))) {
            sgl_status st = sgl_fail(err, SGL_EIO, flag, "cannot write '%s': %s", path, strerror(errno));
            sgl_out_abort(o);
            return st;
        }
        return SGL_OK;
    }
    if (exists && !S_ISREG(sb.st_mode)) {
        sgl_out_abort(o);
        return sgl_fail(err, SGL_EINVAL, flag, "'%s' is neither a regular file, a character device nor a FIFO; "
                        "refusing to write it", path);
    }
    /* replacing a file the user may not write would bypass its permissions */
    if (exists && access(target, W_OK) != 0) {
        sgl_status st = sgl_fail(err, SGL_EIO, flag, "cannot write '%s': %s", path, strerror(errno));
        sgl_out_abort(o);
        return st;
    }
    size_t n = strlen(target) + 16;
    if (!(o->tmp = malloc(n))) {
        sgl_out_abort(o);
        return sgl_fail(err, SGL_ENOMEM, flag, "out of memory");
    }
    snprintf(o->tmp, n, "%s.tmp-XXXXXX", target);
    int fd = mkstemp(o->tmp);
    if (fd < 0) {
        sgl_status st = sgl_fail(err, errno == ENOENT || errno == ENOTDIR ? SGL_EINVAL : SGL_EIO, flag,
                                 "cannot write '%s': %s", path, strerror(errno));
        free(o->tmp);
        o->tmp = NULL;
        sgl_out_abort(o);
        return st;
    }
    /* the mode a plain fopen would give: the old file's, else 0666 less the umask */
    mode_t mode = 0;
    if (exists) mode = sb.st_mode & 07777;
    else {
        mode_t um = umask(0);
        umask(um);
        mode = 0666 & ~um;
    }
    if (fchmod(fd, mode) != 0 || !(o->f = fdopen(fd, "w"))) {
        sgl_status st = sgl_fail(err, SGL_EIO, flag, "cannot write '%s': %s", path, strerror(errno));
        close(fd);
        sgl_out_abort(o);
        return st;
    }
    return SGL_OK;
}

int sgl_out_commit(sgl_out *o)
{
    char what[600];
    snprintf(what, sizeof what, "%s '%s'", o->flag, o->path);
    FILE *f = o->f;
    o->f = NULL;
    int bad = sgl_cli_out_close(f, what) != 0;
    if (!bad && o->tmp && rename(o->tmp, o->path) != 0) {
        fprintf(stderr, "sgdlab: cannot write %s: %s\n", what, strerror(errno));
        bad = 1;
    }
    if (!bad) {
        free(o->tmp);
        o->tmp = NULL;
    }
    sgl_out_abort(o);
    return bad ? -1 : 0;
}

void sgl_out_abort(sgl_out *o)
{
    if (o->f) fclose(o->f);
    if (o->tmp) remove(o->tmp);
    free(o->tmp);
    free(o->path);
    o->f = NULL;
    o->tmp = NULL;
    o->path = NULL;
}

/* ------------------------------------------------------------------ signals */

volatile sig_atomic_t sgl_cli_signal;

static void on_signal(int sig) { sgl_cli_signal = sig; }

/* A signal ignored when sgdlab started (a background job of a script, nohup)
 * stays ignored, as the shell meant.  SA_RESTART: system calls (SQLite's,
 * stdio's) resume; the commands poll the flag at their safe points. */
void sgl_cli_catch_signals(void)
{
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; ++i) {
        struct sigaction old, sa;
        if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN) continue;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_signal;
        sigemptyset(&sa.sa_mask);
        sa.sa_flags = SA_RESTART;
        sigaction(sigs[i], &sa, NULL);
    }
    sgl_set_cancel(&sgl_cli_signal);
}

int sgl_cli_signal_exit(void) { return 128 + (int)sgl_cli_signal; }

const char *sgl_cli_signal_name(void)
{
    return sgl_cli_signal == SIGINT ? "SIGINT" : sgl_cli_signal == SIGTERM ? "SIGTERM" : "SIGHUP";
}
