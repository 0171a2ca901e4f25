/* What the `sgdlab reproduce` renderers share: the common start of a command
 * (flags, replicate count, output folder), paths, gnuplot without a shell, and
 * small JSON helpers.  The experiments themselves are library calls
 * (include/sgdlab_experiments.h). */
#include "cli.h"
#include "reproduce.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

int repro_mkdir_p(const char *path, char *why, size_t len)
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

char *repro_join(const char *dir, const char *file)
{
    size_t len = strlen(dir) + strlen(file) + 2;
    char *p = malloc(len);
    if (p) snprintf(p, len, "%s%s%s", dir, (dir[0] && dir[strlen(dir) - 1] == '/') ? "" : "/", file);
    return p;
}

/* a gnuplot single-quoted string: '' stands for ' */
void repro_gp_string(FILE *f, const char *s)
{
    fputc('\'', f);
    for (; *s; ++s) {
        if (*s == '\'') fputc('\'', f);
        fputc(*s, f);
    }
    fputc('\'', f);
}

/* gnuplot's own output (warnings such as "Skipping data file with no valid
 * points", anything it prints) from f, the file it wrote into, onto stderr:
 * at most 64 KiB, said when cut */
static void show_captured(FILE *f)
{
    char buf[4096];
    size_t n, total = 0;
    if (fseek(f, 0, SEEK_SET) != 0) return;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0 && total < 65536) {
        fwrite(buf, 1, n, stderr);
        total += n;
    }
    if (n > 0) fputs("[gnuplot's output cut at 64 KiB]\n", stderr);
}

/* Run gnuplot on the script without a shell, inside dir (NULL: here; the
 * script names its files relative to it, so it can be rerun there by hand).
 * Its standard output and error go to an unnamed temporary file, shown on
 * stderr only when gnuplot fails: a plot that succeeds prints nothing of
 * gnuplot's (its warnings are about the figure, not the results), and nothing
 * of it can mix into sgdlab's own output.  0 on success. */
int repro_gnuplot(const char *dir, const char *script, char *why, size_t len)
{
    fflush(stdout);
    fflush(stderr);
    FILE *cap = tmpfile();   /* NULL: gnuplot's output goes to stderr as it comes */
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(why, len, "gnuplot could not be started: %s", strerror(errno));
        if (cap) fclose(cap);
        return -1;
    }
    if (pid == 0) {
        if (cap && (dup2(fileno(cap), STDOUT_FILENO) < 0 || dup2(fileno(cap), STDERR_FILENO) < 0)) _exit(126);
        if (dir && chdir(dir) != 0) _exit(126);
        execlp("gnuplot", "gnuplot", script, (char *)NULL);
        _exit(127);
    }
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) {
            snprintf(why, len, "gnuplot: wait failed: %s", strerror(errno));
            if (cap) fclose(cap);
            return -1;
        }
    int ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    if (cap) {
        if (!ok) show_captured(cap);
        fclose(cap);
    }
    if (ok) return 0;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
        snprintf(why, len, "gnuplot not installed: apt-get install gnuplot-nox");
    else if (WIFEXITED(status) && WEXITSTATUS(status) == 126)
        snprintf(why, len, "cannot enter '%s' to run gnuplot", dir ? dir : ".");
    else if (WIFEXITED(status))
        snprintf(why, len, "gnuplot exited with status %d", WEXITSTATUS(status));
    else
        snprintf(why, len, "gnuplot was killed by signal %d", WIFSIGNALED(status) ? WTERMSIG(status) : 0);
    return -1;
}

/* shared with the other experiments (reproduce.h) */
int repro_parse(int argc, char **argv, void (*usage)(FILE *), cli_opts *o)
{
    for (int i = 3; i < argc; ++i)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            return CLI_EXIT_OK;
        }
    sgl_err err = {{0}, {0}};
    sgl_status st = cli_parse(argc, argv, 3, CLI_CMD_REPRODUCE, o, &err);
    if (st != SGL_OK) return cli_report(st, &err);
    return o->help ? CLI_EXIT_OK : -1;
}

int repro_begin(int argc, char **argv, const char *name, void (*usage)(FILE *), int takes_db, uint32_t full,
                  uint32_t quick, uint32_t min_count, const char *what, cli_opts *o, uint32_t *count,
                  const char **out_dir)
{
    int rc = repro_parse(argc, argv, usage, o);
    if (rc >= 0) return rc;
    if (o->db_path && !o->db_path[0]) {   /* checked before anything is created */
        fprintf(stderr, "sgdlab: --db: needs a file name\n");
        return CLI_EXIT_USAGE;
    }
    if (o->db_path && !takes_db) {
        fprintf(stderr, "sgdlab: --db: not supported by reproduce %s (its cells are not runs of one kind)\n", name);
        return CLI_EXIT_USAGE;
    }
    *count = cli_given(o, "--trajectories") ? o->spec.seeds : (o->quick ? quick : full);
    if (*count < min_count) {
        fprintf(stderr, "sgdlab: --trajectories: need >= %u %s, got %u\n", min_count, what, *count);
        return CLI_EXIT_USAGE;
    }
    *out_dir = o->out_dir ? o->out_dir : name;
    if (!(*out_dir)[0]) {
        fprintf(stderr, "sgdlab: --out-dir: must not be empty\n");
        return CLI_EXIT_USAGE;
    }
    char why[512] = "";
    if (repro_mkdir_p(*out_dir, why, sizeof why) != 0) {
        fprintf(stderr, "sgdlab: --out-dir: cannot create '%s': %s\n", *out_dir, why);
        return CLI_EXIT_FAIL;
    }
    return -1;
}

int repro_begin_escape(int argc, char **argv, const char *name, void (*usage)(FILE *), char *prefix, cli_opts *o,
                       const char **out_dir, sgl_store **db, sgl_exp_settings *set)
{
    uint32_t M0;
    int rc = repro_begin(argc, argv, name, usage, 1, 1000, 200, 10, "trajectories per setting", o, &M0, out_dir);
    if (rc >= 0) return rc;
    if ((rc = repro_db_open(o, db)) >= 0) return rc;
    *set = (sgl_exp_settings){M0, o->spec.seed, o->threads, o->quick, isatty(2) ? repro_progress : NULL, prefix};
    return -1;
}

/* sgl_exp_progress_fn: one line on stderr, ctx the prefix */
void repro_progress(void *ctx, const char *label, double seconds)
{
    fprintf(stderr, "%s%s: %.2f s\n", ctx ? (const char *)ctx : "", label, seconds);
}

/* Run gnuplot on script in dir after removing a stale png; NULL and the reason
 * in why when no PNG came out. */
const char *repro_plot(const char *dir, const char *script, const char *png, char *why, size_t len)
{
    remove(png);   /* a stale PNG must not pass for this run's */
    if (repro_gnuplot(dir, script, why, len) != 0) return NULL;
    struct stat sb;
    if (stat(png, &sb) == 0 && sb.st_size > 0) return png;
    snprintf(why, len, "gnuplot ran but wrote no '%s'", png);
    return NULL;
}

/* one simulated escape cell as JSON (null when not simulated) */
void repro_json_cell(sgl_json *w, const sgl_exp_escape_cell *c)
{
    if (!c->simulated) {
        sgl_json_null(w);
        return;
    }
    sgl_json_begin_object(w);
    sgl_json_key(w, "mfpt");
    sgl_json_begin_object(w);
    sgl_json_kdouble(w, "value", c->mfpt);
    sgl_json_key(w, "ci");
    sgl_json_begin_array(w);
    sgl_json_double(w, c->lo);
    sgl_json_double(w, c->hi);
    sgl_json_end_array(w);
    sgl_json_kstring(w, "estimator", c->mle ? "1/kappa censored MLE, LR interval" : "sample mean, bootstrap percentile");
    sgl_json_end_object(w);
    sgl_json_kuint(w, "trajectories", c->M);
    sgl_json_kuint(w, "escaped", c->escaped);
    sgl_json_kuint(w, "censored", c->censored);
    sgl_json_kuint(w, "diverged", c->diverged);
    sgl_json_kdouble(w, "t_max", c->t_max);
    sgl_json_key(w, "seconds");
    sgl_json_double_fmt(w, "%.3f", c->seconds);
    sgl_json_key(w, "trajectory_steps");
    sgl_json_double_fmt(w, "%.6g", c->steps);
    sgl_json_end_object(w);
}

/* the table cell "MFPT [lo, hi]" ('*': the censored MLE) and "esc/cens/div" */
void repro_cell_text(char *ci, size_t len, char *counts, size_t clen, const sgl_exp_escape_cell *c)
{
    if (!c->simulated) {
        snprintf(ci, len, "(not simulated)");
        if (counts) snprintf(counts, clen, "-");
        return;
    }
    snprintf(ci, len, "%.4g [%.4g, %.4g]%s", c->mfpt, c->lo, c->hi, c->mle ? "*" : "");
    if (counts)
        snprintf(counts, clen, "%llu/%llu/%llu", (unsigned long long)c->escaped, (unsigned long long)c->censored,
                 (unsigned long long)c->diverged);
}

/* the JSON header every reproduce command starts with */
void repro_json_head(sgl_json *w, const char *name, const sgl_exp_settings *s, const char *plot)
{
    sgl_json_kstring(w, "experiment", name);
    sgl_json_kstring(w, "version", sgl_version());
    sgl_json_kstring(w, "git", sgl_git_hash());
    sgl_json_kint(w, "counter_layout", SGL_COUNTER_LAYOUT);
    sgl_json_kuint(w, "seed", s->seed);
    sgl_json_kbool(w, "quick", s->quick);
    sgl_json_kstring(w, "time_unit", "t = eta k");
    sgl_json_kstring(w, "plot", plot);
}

/* --db of the escape experiments: the store is opened before the experiment
 * runs (an unusable store fails at once, nothing simulated) */
int repro_db_open(const cli_opts *o, sgl_store **db)
{
    *db = NULL;
    if (!o->db_path) return -1;
    sgl_err err = {{0}, {0}};
    sgl_status st = sgl_store_open(o->db_path, 0, 5000, db, &err);
    return st == SGL_OK ? -1 : cli_report(st, &err);
}

/* a record executed by the experiment as one finished run of its kind, claimed and written by the
 * library's one store writer (sgl_store_commit_any), keyed by the spec's run key: a second identical
 * invocation replaces it */
static sgl_status commit(sgl_store *db, const char *command, const sgl_any_spec *a, const sgl_record *rec,
                         int threads, sgl_err *err)
{
    sgl_record r = *rec;   /* a view: the experiment keeps owning the results */
    r.kind = a->kind;
    sgl_any_spec_run_key(a, r.key);
    sgl_run_info info = {.command = command, .sweep_index = -1, .threads = threads, .ranks = 1};
    return sgl_store_commit_any(db, a, &info, &r, NULL, err);
}

sgl_status repro_db_escape(sgl_store *db, const char *command, const sgl_exp_escape_cell *c, sgl_err *err)
{
    if (!db || !c->simulated) return SGL_OK;
    sgl_any_spec a;
    sgl_any_spec_default(&a, SGL_KIND_ESCAPE);
    a.u.escape = c->spec;
    return commit(db, command, &a, &c->rec, c->spec.threads, err);
}

sgl_status repro_db_run(sgl_store *db, const char *command, const sgl_spec *s, const sgl_record *rec, int threads,
                          sgl_err *err)
{
    if (!db || !rec->res) return SGL_OK;
    sgl_any_spec a;
    sgl_any_spec_default(&a, SGL_KIND_RUN);
    a.u.run = *s;
    return commit(db, command, &a, rec, threads, err);
}

/* close the store (NULL: none); a failed close turns exit code 0 into 1 */
int repro_db_close(sgl_store *db, int code)
{
    sgl_err err = {{0}, {0}};
    if (db && sgl_store_close(db, &err) != SGL_OK && code == CLI_EXIT_OK) return cli_report(SGL_EIO, &err);
    return code;
}
