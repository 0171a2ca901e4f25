/* The sgdlab command line: parse, call the library, print, pick an exit code
 * (0 ok, 1 run-time failure, 2 bad input). */
#ifndef CLI_H
#define CLI_H
#include "sgdlab.h"
#include <stdio.h>

enum { CLI_EXIT_OK = 0, CLI_EXIT_FAIL = 1, CLI_EXIT_USAGE = 2 };

typedef struct {
    sgl_spec spec;          /* the run spec parsed (limit: the run part of any.u.limit) */
    sgl_any_spec any;       /* the spec as parsed: kind run, limit for `sgdlab limit`; any.given: its rows given */
    int threads;
    sgl_format format;
    const char *out_path;   /* NULL: stdout */
    const char *db_path;    /* run --db: also write to this results store */
    int json;               /* reproduce --json */
    const char *out_dir;    /* reproduce: where the plot goes */
    int quick;              /* reproduce --quick: fewer steps, for tests */
    int help;               /* --help was given and printed */
    uint64_t given;         /* bit i: CLI-only flag i (args.c) was on the command line */
    double init[4096];      /* --init values (spec.init points here) */
    /* limit (copies of any.u.limit, and its CLI-only flags) */
    double T;               /* --T: limit time t = eta^2 k */
    double dt;              /* --dt: Euler-Maruyama step in limit time (0: not given) */
    int compare_sgd;        /* --compare-sgd */
    const char *etas;       /* --etas e1,e2,...: SGD step sizes to compare */
    int form;               /* --form: sgl_limit_form */
} cli_opts;

/* Parse argv[first..argc) for command cmd (CLI_CMD_*) into o (defaults first): the flags are the rows of the
 * library's parameter table of the command's spec kind ("--" + key; reproduce: --trajectories and --seed) and the
 * command's CLI-only flags (args.c).  Unknown flags and bad values fill err and return SGL_EINVAL. */
enum { CLI_CMD_RUN = 1u, CLI_CMD_REPRODUCE = 2u, CLI_CMD_LIMIT = 4u, CLI_CMD_ESCAPE = 8u };
sgl_status cli_parse(int argc, char **argv, int first, unsigned cmd, cli_opts *o, sgl_err *err);
int cli_report(sgl_status st, const sgl_err *err);   /* prints, returns exit code */
/* was this flag ("--kappa") on the command line? */
int cli_given(const cli_opts *o, const char *flag);
/* `run`, `limit`: a flag the chosen data or noise kind does not use is an error, not
 * silently ignored (e.g. --batch with --noise none, --d with --data csv): sgl_any_spec_check_given. */
sgl_status cli_check_relevance(const cli_opts *o, sgl_err *err);

int cmd_list(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_reproduce(int argc, char **argv);
int cmd_theory(int argc, char **argv);   /* cmd_theory.c: escape predictions without simulating */
int cmd_sweep(int argc, char **argv);
int cmd_report_export_plot(int argc, char **argv);   /* report | export | plot */
int cmd_escape(int argc, char **argv);

/* `sgdlab escape` flags (cmd_escape.c), shared with `sgdlab theory`: one
 * escape spec.  Unknown flags, bad values and flags the chosen noise does not
 * read fill err (field = the flag) and return SGL_EINVAL; ranges and
 * landscape/noise compatibility come from sgl_escape_spec_validate, whose
 * field names are the flags without "--". */
typedef struct {
    sgl_escape_spec spec;           /* = any.u.escape, with --threads and B/eta from --B */
    sgl_any_spec any;               /* the spec as parsed; any.given: its rows given */
    double B;                       /* --B (with --eta): B/eta = B / eta */
    double x0[SGL_ESC_MAX_DIM];     /* --x0 values (spec.x0 points here) */
    int threads;
    int json;
    int help;
    const char *db_path;            /* --db: also store the run in this SQLite results file */
    uint64_t given;                 /* bit i: CLI-only escape flag i was given */
} escape_opts;
sgl_status cli_parse_escape(int argc, char **argv, int first, escape_opts *o, sgl_err *err);
int escape_given(const escape_opts *o, const char *flag);
/* escape_ams.c: `escape --method ams` (sgl_escape_ams), printed like the direct method */
int escape_ams(const escape_opts *o);
/* cmd_escape.c: the spec's landscape (named as given), n, L0, noise, dynamics and event as members of the current
 * JSON object: the head of `escape --json` for either method */
void escape_json_spec(sgl_json *w, const sgl_escape_spec *s, const char *landscape);
/* the splitting diagnostics (p, times, levels, options, counts) as members of the current JSON object */
void escape_ams_json_diag(sgl_json *w, const sgl_ams_result *r, const sgl_ams_opts *o);
/* escape_samples.c: the stationary samples of --event none (sgl_escape_stationary_summary) below the table / in --json */
void escape_samples_table(const sgl_escape_spec *s, const sgl_escape_stationary *st);
void escape_samples_json(sgl_json *w, const sgl_escape_spec *s, const sgl_escape_results *r,
                         const sgl_escape_stationary *st);
/* turn a library error field ("t-max") into the flag ("--t-max") in place */
void escape_err_flag(sgl_err *err);
int cmd_limit(int argc, char **argv);
int cmd_check_model(int argc, char **argv);   /* cmd_check.c: derivative checks of a model (plugin) */

/* mpi.c: `sgdlab sweep` over MPI ranks, rank 0 the only store writer */
int cli_mpi_launched(void);   /* started by an MPI launcher (mpirun, srun, ...)? */
/* MPI_Init only when launched; else rank 0 of 1 and MPI is never touched */
sgl_status cli_mpi_init(int *rank, int *size, sgl_err *err);
void cli_mpi_finalize(void);
int cli_mpi_bcast_text(char **text, size_t *len, int code, sgl_err *err);
/* a worker's loop; w NULL: every run it is handed fails with (wst, werr) */
int cli_mpi_work(const sgl_sweep *w, sgl_status wst, const sgl_err *werr, int threads);
/* begin claims run index; *take = 0: another writer has it (finished or
 * running), so it is not handed out and commit is not called for it */
typedef sgl_status (*cli_mpi_begin_fn)(void *ctx, size_t index, int *take, sgl_err *err);
typedef sgl_status (*cli_mpi_commit_fn)(void *ctx, size_t index, const sgl_record *rec, sgl_err *err);
/* rank 0: hand out todo[0..n_todo) (begin called at hand-out, in order), commit
 * each record in todo order; may be called again; the caller releases the
 * workers when done (cli_mpi_release_workers) */
sgl_status cli_mpi_dispatch(size_t n_todo, const size_t *todo, cli_mpi_begin_fn begin, cli_mpi_commit_fn commit,
                            void *ctx, sgl_err *err);
void cli_mpi_release_workers(void);   /* rank 0: stop workers waiting for runs (idempotent) */


/* output.c: checked output.  cli_out_close: sgl_file_close (fflush, ferror and
 * fclose f); cli_out_commit: sgl_outfile_commit (--out FILE: the temporary
 * file renamed over FILE).  On a failure each prints "sgdlab: cannot write
 * WHAT: REASON" once and returns -1. */
int cli_out_close(FILE *f, const char *what);
int cli_out_commit(sgl_outfile *o);
/* SIGINT / SIGTERM / SIGHUP: the handler only records the signal (cli_signal) and
 * the library stops at its next check (sgl_set_cancel); commands then clean
 * up, say what was kept and exit cli_signal_exit() = 128 + signal. */
#include <signal.h>
extern volatile sig_atomic_t cli_signal;
void cli_catch_signals(void);
int cli_signal_exit(void);
const char *cli_signal_name(void);   /* "SIGINT", "SIGTERM" or "SIGHUP" */

#endif
