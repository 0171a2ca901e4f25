/* sgdlab sweep SPEC [--db F] [--resume] [--no-store] [--list] [--threads T]
 *              [--quiet] [--busy-timeout MS] [--sync-every S] | --keys [--kind K]
 *
 * Expand a sweep spec (YAML/JSON) into runs, validate all of them, then run
 * the library's sweep driver (src/sweep_run.c: claim, execute, commit each
 * run not yet finished in the store; resumable, shared by concurrent
 * writers).  This file parses argv, prints the progress line and the
 * summary, and under MPI hands the driver cli/mpi.c's dispatcher (ranks
 * 1..N-1 execute, rank 0 alone touches the store). */
#include "cli.h"

#include <errno.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* group commit window (--sync-every): chosen by measurement, see docs/INTERNALS.md */
#define SYNC_DEFAULT 1.0
#define SYNC_DEFAULT_TEXT "1"

typedef struct {
    const char *spec_path;
    const char *db_path;
    int resume, no_store, list, quiet, threads, busy_ms;
    double sync_every;        /* group commit window, s (sgl_store_set_sync, sgl_sweep_exec_set_commit) */
    int commit_runs;          /* ... or this many runs (sgl_sweep_exec_set_commit) */
    int db_given, threads_given, busy_given, sync_given, commit_given;
} sweep_opts;

static void sweep_usage(FILE *f)
{
    fprintf(f,
            "usage: sgdlab sweep SPEC.yaml [--db FILE] [--resume] [--no-store] [--list] [--threads T] [--quiet]\n"
            "                    [--busy-timeout MS] [--sync-every S] [--commit-runs N]\n"
            "  SPEC              YAML or JSON: base (run parameters), grid (product), zip (lists in step);\n"
            "                    keys are the `sgdlab run|limit|escape` flags without \"--\" (top-level `kind:`, default run;\n"
            "                    sgdlab sweep --keys [--kind run|limit|escape] lists them)\n"
            "  --db FILE         SQLite results store (default results.db)\n"
            "  --resume          continue a sweep in an existing store: skip finished runs, redo unfinished\n"
            "  --no-store        execute the runs without storing anything (timing baseline)\n"
            "  --list            print the expanded runs (index, run key, parameters) and exit\n"
            "  --threads T       OpenMP threads per run (results do not depend on it)\n"
            "  --quiet           no progress line (it is shown only when stderr is a terminal)\n"
            "  --busy-timeout MS wait this long for another writer's lock (default 5000)\n"
            "  --sync-every S    group commit: fsync the store at most every S seconds (default " SYNC_DEFAULT_TEXT ";\n"
            "                    0: after every run); a kill loses nothing, a power cut at most S seconds of runs\n"
            "  --commit-runs N   group commit: write finished runs N at a time in one transaction, or when S seconds\n"
            "                    have passed (default %d: each run its own transaction); a kill costs the held runs,\n"
            "                    which --resume redoes with the same results\n"
            "under mpirun -np N (MPI): ranks 1..N-1 execute runs, rank 0 alone writes the store; same results\n",
            SGL_COMMIT_RUNS_DEFAULT);
}

static int parse_int_arg(const char *flag, const char *v, int max, int *out)
{
    char *end;
    errno = 0;
    long x = strtol(v, &end, 10);
    if (end == v || *end || errno || x < 0 || x > max) {
        fprintf(stderr, "sgdlab: %s: must be an integer in [0, %d], got '%s'\n", flag, max, v);
        return -1;
    }
    *out = (int)x;
    return 0;
}

/* sweep --keys [--kind run|limit|escape]: the keys a spec file of that kind may set, one row each (name
 * first): type, default, unit, allowed values.  1 done, -1 bad arguments. */
static int sweep_keys(int argc, char **argv)
{
    const char *kind_arg = NULL;
    for (int i = 2; i < argc; ++i) {
        if (strcmp(argv[i], "--keys") == 0) continue;
        if (strcmp(argv[i], "--kind") == 0 && !kind_arg && i + 1 < argc) {
            kind_arg = argv[++i];
            continue;
        }
        if (strcmp(argv[i], "--kind") == 0 && !kind_arg) {
            fprintf(stderr, "sgdlab: --kind: needs a value: run, limit or escape\n");
            return -1;
        }
        fprintf(stderr, "sgdlab: --keys: takes no other arguments than --kind run|limit|escape (got '%s')\n",
                argv[i]);
        return -1;
    }
    int kind = SGL_KIND_RUN;
    if (kind_arg) {
        for (kind = 0; sgl_spec_kind_names[kind] && strcmp(sgl_spec_kind_names[kind], kind_arg) != 0; ++kind) {}
        if (!sgl_spec_kind_names[kind]) {
            fprintf(stderr, "sgdlab: --kind: must be run, limit or escape, got '%s'\n", kind_arg);
            return -1;
        }
    }
    for (const sgl_param *p = sgl_param_table((sgl_spec_kind)kind); p->name; ++p) {
        if (p->flags & SGL_PF_NOSWEEP) continue;   /* set by library callers, not in spec files */
        char allowed[300];
        sgl_param_allowed((sgl_spec_kind)kind, p, allowed, sizeof allowed);
        printf("%-16s %-42s default %s", p->name, sgl_param_type_name(p->type), p->def && p->def[0] ? p->def : "none");
        if (p->unit) printf("; unit %s", p->unit);
        if (allowed[0]) printf("; allowed %s", allowed);
        printf("\n");
    }
    return 1;
}

static int parse_sweep_args(int argc, char **argv, sweep_opts *o)
{
    memset(o, 0, sizeof *o);
    o->db_path = "results.db";
    o->busy_ms = 5000;
    o->sync_every = SYNC_DEFAULT;
    o->commit_runs = SGL_COMMIT_RUNS_DEFAULT;
    for (int i = 2; i < argc; ++i)
        if (strcmp(argv[i], "--keys") == 0) return sweep_keys(argc, argv);
    for (int i = 2; i < argc; ++i) {
        const char *a = argv[i];
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;
        if ((strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) && argc > 3) {
            fprintf(stderr, "sgdlab: %s: takes no other arguments (got %d more)\n", a, argc - 3);
            return -1;
        }
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) { sweep_usage(stdout); return 1; }
        if (strcmp(a, "--kind") == 0) {
            fprintf(stderr, "sgdlab: --kind: only used with --keys (a spec file says its kind with `kind:`)\n");
            return -1;
        }
        if (strcmp(a, "--resume") == 0) o->resume = 1;
        else if (strcmp(a, "--no-store") == 0) o->no_store = 1;
        else if (strcmp(a, "--list") == 0) o->list = 1;
        else if (strcmp(a, "--quiet") == 0) o->quiet = 1;
        else if (strcmp(a, "--sync-every") == 0) {
            char *end;
            errno = 0;
            double v = val ? strtod(val, &end) : -1;
            if (!val || end == val || *end || errno || !(v >= 0 && v <= 3600)) {
                fprintf(stderr, "sgdlab: --sync-every: must be seconds in [0, 3600], got '%s'\n", val ? val : "");
                return -1;
            }
            o->sync_every = v;
            o->sync_given = 1;
            ++i;
        } else if (strcmp(a, "--commit-runs") == 0) {
            if (!val || parse_int_arg(a, val, SGL_COMMIT_RUNS_MAX, &o->commit_runs)) {
                if (!val) fprintf(stderr, "sgdlab: %s: needs a value\n", a);
                return -1;
            }
            o->commit_given = 1;
            ++i;
        } else if (strcmp(a, "--db") == 0 || strcmp(a, "--threads") == 0 || strcmp(a, "--busy-timeout") == 0) {
            if (!val) { fprintf(stderr, "sgdlab: %s: needs a value\n", a); return -1; }
            ++i;
            if (strcmp(a, "--db") == 0) {
                if (!val[0]) { fprintf(stderr, "sgdlab: --db: needs a file name\n"); return -1; }
                o->db_path = val;
                o->db_given = 1;
            } else if (strcmp(a, "--threads") == 0) {
                if (parse_int_arg(a, val, 4096, &o->threads)) return -1;
                o->threads_given = 1;
            } else {
                if (parse_int_arg(a, val, 3600000, &o->busy_ms)) return -1;
                o->busy_given = 1;
            }
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "sgdlab: %s: unknown flag; valid: --db, --resume, --no-store, --list, --threads, "
                            "--quiet, --busy-timeout, --sync-every, --commit-runs, --keys [--kind K], --help\n", a);
            return -1;
        } else if (!o->spec_path) o->spec_path = a;
        else {
            fprintf(stderr, "sgdlab: sweep: one spec file expected, got '%s' and '%s'\n", o->spec_path, a);
            return -1;
        }
    }
    if (!o->spec_path) {
        fprintf(stderr, "sgdlab: sweep: missing the spec file (YAML or JSON)\n");
        sweep_usage(stderr);
        return -1;
    }
    if (o->resume && o->no_store) {
        fprintf(stderr, "sgdlab: --resume: needs a store; not valid with --no-store\n");
        return -1;
    }
    /* contradictory or unused flags are refused, not ignored */
    if (o->no_store && (o->db_given || o->busy_given || o->sync_given || o->commit_given)) {
        fprintf(stderr, "sgdlab: %s: not used with --no-store (which writes no store)\n",
                o->db_given ? "--db" : o->busy_given ? "--busy-timeout" : o->sync_given ? "--sync-every" : "--commit-runs");
        return -1;
    }
    if (o->list && (o->resume || o->no_store || o->db_given || o->busy_given || o->threads_given || o->sync_given ||
                    o->commit_given)) {
        fprintf(stderr, "sgdlab: %s: not used with --list (which only prints the expanded runs)\n",
                o->resume ? "--resume" : o->no_store ? "--no-store" : o->db_given ? "--db"
                : o->busy_given ? "--busy-timeout" : o->threads_given ? "--threads"
                : o->sync_given ? "--sync-every" : "--commit-runs");
        return -1;
    }
    return 0;
}

/* the progress line (a terminal only) */
typedef struct { int on; double t0; } progress_ctx;

static void progress(void *user, const sgl_sweep_progress *p)
{
    const progress_ctx *c = user;
    if (!c->on) return;
    const double elapsed = omp_get_wtime() - c->t0;
    const size_t done = p->skipped + p->done;
    double rate = elapsed > 0 ? (double)p->done / elapsed : 0;
    char eta[32] = "?";
    if (rate > 0) snprintf(eta, sizeof eta, "%.0f s", (double)(p->n - done) / rate);
    fprintf(stderr, "\rsgdlab sweep: %zu/%zu runs, %llu trajectories, %.2f runs/s, ETA %s   ", done, p->n,
            (unsigned long long)p->traj, rate, eta);
    fflush(stderr);
}

/* --list: index, run key, canonical parameters of every run */
static sgl_status list_runs(const sgl_sweep *w, sgl_err *err)
{
    sgl_status st = SGL_OK;
    for (size_t i = 0; i < sgl_sweep_size(w) && st == SGL_OK; ++i) {
        sgl_any_spec s;
        if ((st = sgl_sweep_any_spec(w, i, &s, err)) != SGL_OK) break;
        char key[17];
        sgl_any_spec_run_key(&s, key);
        size_t need = sgl_any_spec_canonical(&s, NULL, 0) + 1;
        char *params = malloc(need);
        if (!params) return sgl_fail(err, SGL_ENOMEM, "sweep", "out of memory");
        sgl_any_spec_canonical(&s, params, need);
        printf("%zu %s %s\n", i, key, params);
        free(params);
    }
    return st;
}

/* the closing lines on stderr: what was done, or where an interrupted sweep stands */
static int sweep_summary(const sweep_opts *o, const sgl_sweep_progress *p, int stored, int ranks, double secs)
{
    if (cli_signal) {
        /* the run in progress was abandoned before its transaction; every
         * committed run stays, and --resume redoes only the rest */
        if (stored)
            fprintf(stderr, "sgdlab: interrupted (%s): %zu of %zu runs finished and stored in '%s'; `sgdlab sweep %s "
                            "--db %s --resume` continues\n", cli_signal_name(),
                    p->skipped + p->done + p->finished_elsewhere, p->n, o->db_path, o->spec_path, o->db_path);
        else
            fprintf(stderr, "sgdlab: interrupted (%s): %zu of %zu runs executed; nothing stored (--no-store)\n",
                    cli_signal_name(), p->done, p->n);
        return cli_signal_exit();
    }
    char on[48] = "";
    if (ranks > 1) snprintf(on, sizeof on, " on %d MPI ranks (%d worker%s)", ranks, ranks - 1, ranks > 2 ? "s" : "");
    fprintf(stderr,
            "sgdlab sweep: %zu runs executed%s (%zu already finished and skipped, %zu unfinished redone), "
            "%llu trajectories in %.3f s: %.2f runs/s (of which storing %.3f s = %.2f ms per run); %s%s\n",
            p->done, on, p->skipped, p->redone, (unsigned long long)p->traj, secs,
            secs > 0 ? (double)p->done / secs : 0.0, p->t_store,
            p->done ? 1e3 * p->t_store / (double)p->done : 0.0, stored ? "store: " : "not stored (--no-store)",
            stored ? o->db_path : "");
    if (p->finished_elsewhere || p->running_elsewhere)
        fprintf(stderr, "sgdlab sweep: %zu runs were finished by another writer meanwhile, %zu are being executed by "
                        "another sgdlab process (left to it; --resume after it ends completes any it leaves)\n",
                p->finished_elsewhere, p->running_elsewhere);
    return CLI_EXIT_OK;
}

/* rank 0 (or the only process) */
static int sweep_main(const sweep_opts *o, int ranks)
{
    sgl_err err = {{0}, {0}};
    sgl_sweep *w = NULL;
    sgl_store *db = NULL;
    sgl_sweep_exec *x = NULL;
    int code = CLI_EXIT_OK;
    sgl_status st = sgl_sweep_load(o->spec_path, &w, &err);
    if (st == SGL_OK && o->list) {
        if ((st = list_runs(w, &err)) != SGL_OK) code = cli_report(st, &err);
        if (ranks > 1) cli_mpi_bcast_text(NULL, NULL, CLI_EXIT_OK, &err);
        goto done;
    }
    if (st != SGL_OK) {
        code = cli_report(st, &err);
        if (ranks > 1) cli_mpi_bcast_text(NULL, NULL, code, &err);
        return code;
    }
    if (ranks > 1) {
        /* the workers parse the same text (no shared file system needed) */
        char *text = (char *)sgl_sweep_text(w);
        size_t len = strlen(text);
        cli_mpi_bcast_text(&text, &len, -1, &err);
    }
    if (!o->no_store) {
        if ((st = sgl_store_open(o->db_path, 0, o->busy_ms, &db, &err)) != SGL_OK) goto fail;
        sgl_store_set_sync(db, o->sync_every);
    }
    progress_ctx pc = {!o->quiet && isatty(2), 0};
    sgl_sweep_exec_opts eo = {.path = o->spec_path, .db_path = o->db_path, .resume = o->resume,
                              .threads = o->threads, .ranks = ranks, .progress = progress, .user = &pc};
    if ((st = sgl_sweep_exec_open(w, db, &eo, &x, &err)) == SGL_EINVAL) {   /* a store with runs, no --resume */
        fprintf(stderr, "sgdlab: %s: %s\n", err.field, err.msg);
        code = CLI_EXIT_USAGE;
        goto done;
    }
    if (st != SGL_OK || (st = sgl_sweep_exec_set_commit(x, (size_t)o->commit_runs, o->sync_every, &err)) != SGL_OK)
        goto fail;
    pc.t0 = omp_get_wtime();
    progress(&pc, sgl_sweep_exec_progress(x));
    st = sgl_sweep_exec_run(x, ranks > 1 ? cli_mpi_dispatch : NULL, &err);
    if (pc.on) fputc('\n', stderr);
    if (st == SGL_OK || (cli_signal && st == SGL_ECANCELED)) {
        code = sweep_summary(o, sgl_sweep_exec_progress(x), db != NULL, ranks, omp_get_wtime() - pc.t0);
        goto done;
    }
fail:
    code = cli_report(st, &err);
done:
    if (ranks > 1) cli_mpi_release_workers();
    if (db) {
        sgl_err e2 = {{0}, {0}};
        if (sgl_store_close(db, &e2) != SGL_OK && code == CLI_EXIT_OK) code = cli_report(SGL_EIO, &e2);
    }
    sgl_sweep_exec_free(x);
    sgl_sweep_free(w);
    return code;
}

/* ranks 1..N-1: receive the spec text, then run what rank 0 hands out.  Rank 0
 * has parsed the same argv and reported any problem, and broadcasts an exit
 * code instead of the text when it stops early, so a worker prints nothing. */
static int sweep_worker(int argc, char **argv)
{
    char *text = NULL;
    size_t len = 0;
    sgl_err err = {{0}, {0}};
    int code = cli_mpi_bcast_text(&text, &len, -1, &err);
    if (code >= 0) return code;
    sweep_opts o;
    sgl_sweep *w = NULL;
    sgl_status st;
    if (!text) st = sgl_fail(&err, SGL_ENOMEM, "mpi", "out of memory for the sweep text");
    else if (parse_sweep_args(argc, argv, &o) != 0) st = sgl_fail(&err, SGL_EINVAL, "mpi", "arguments differ from rank 0's");
    else st = sgl_sweep_parse(text, len, o.spec_path, &w, &err);
    free(text);
    code = cli_mpi_work(w, st, &err, st == SGL_OK ? o.threads : 0);
    sgl_sweep_free(w);
    return code;
}

int cmd_sweep(int argc, char **argv)
{
    /* MPI only when an MPI launcher started us (cli/mpi.c says why) */
    int rank = 0, ranks = 1;
    sgl_err err = {{0}, {0}};
    sgl_status st = cli_mpi_init(&rank, &ranks, &err);
    if (st != SGL_OK) return cli_report(st, &err);
    cli_catch_signals();   /* SIGINT/SIGTERM/SIGHUP: stop between runs (a run in progress is cancelled) */
    int code;
    if (rank > 0) {
        code = sweep_worker(argc, argv);
        if (cli_signal) code = cli_signal_exit();
    } else {
        sweep_opts o;
        int rc = parse_sweep_args(argc, argv, &o);
        if (rc) {
            code = rc > 0 ? CLI_EXIT_OK : CLI_EXIT_USAGE;
            if (ranks > 1) cli_mpi_bcast_text(NULL, NULL, code, &err);
        } else {
            code = sweep_main(&o, ranks);
        }
    }
    cli_mpi_finalize();
    return code;
}
