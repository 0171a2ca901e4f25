/* The renderers of `sgdlab reproduce` (cli/reproduce_*.c, one per
 * experiment; the dispatch in cmd_reproduce.c) and what they share
 * (cli/reproduce_util.c).  The experiments are library calls
 * (include/sgdlab_experiments.h). */
#ifndef CLI_REPRODUCE_H
#define CLI_REPRODUCE_H
#include "cli.h"
#include "sgdlab_experiments.h"

#define REPRO_NAMES "shape-matters, mori-escape, exponential-escape, lwa-sparse"
/* the flags every experiment takes (repro_begin), after "usage: sgdlab reproduce NAME"; M names the trajectories */
#define REPRO_USAGE_FLAGS(M) \
    " [--trajectories " M "] [--seed S] [--threads T] [--format table|json | --json] [--out-dir DIR] [--quick]"

int reproduce_shape_matters(int argc, char **argv);     /* reproduce_shape.c */
int reproduce_mori_escape(int argc, char **argv);
int reproduce_exponential_escape(int argc, char **argv);
int reproduce_lwa_sparse(int argc, char **argv);   /* reproduce_lwa.c */

int repro_mkdir_p(const char *path, char *why, size_t len);   /* 0 ok; why: the reason */
/* --help (usage on stdout) and the reproduce flags into o: -1 to go on, else the exit code */
int repro_parse(int argc, char **argv, void (*usage)(FILE *), cli_opts *o);
/* The common start of an experiment: --help (usage on stdout), the reproduce
 * flags into o, --db refused unless takes_db, the replicate count *count
 * (--trajectories, else full or quick; below min_count is exit 2 naming --trajectories and
 * `what`), and --out-dir (default: the experiment's name) created.  Returns
 * -1 to go on, else the exit code to return. */
int repro_begin(int argc, char **argv, const char *name, void (*usage)(FILE *), int takes_db, uint32_t full,
                  uint32_t quick, uint32_t min_count, const char *what, cli_opts *o, uint32_t *count,
                  const char **out_dir);
/* repro_begin for an escape experiment (1000 trajectories per setting, 200 with --quick, at least 10),
 * then its store (--db, *db NULL without) and its settings (progress lines with prefix on a terminal) */
int repro_begin_escape(int argc, char **argv, const char *name, void (*usage)(FILE *), char *prefix, cli_opts *o,
                       const char **out_dir, sgl_store **db, sgl_exp_settings *set);
char *repro_join(const char *dir, const char *file);          /* malloc'd dir/file */
void repro_gp_string(FILE *f, const char *s);                 /* gnuplot '...' literal */
/* gnuplot on script inside dir (NULL: here), without a shell; its own output shown only when it fails.
 * 0, or -1 and why ("gnuplot not installed: ...", "gnuplot exited with status N", ...) */
int repro_gnuplot(const char *dir, const char *script, char *why, size_t len);
void repro_progress(void *ctx, const char *label, double seconds);   /* sgl_exp_progress_fn; ctx: prefix */
/* gnuplot on script in dir after removing a stale png: png, or NULL and why */
const char *repro_plot(const char *dir, const char *script, const char *png, char *why, size_t len);
void repro_json_cell(sgl_json *w, const sgl_exp_escape_cell *c);   /* null when not simulated */
/* "MFPT [lo, hi]" ('*': censored MLE) or "(not simulated)"; counts (may be NULL): "esc/cens/div" or "-" */
void repro_cell_text(char *ci, size_t len, char *counts, size_t clen, const sgl_exp_escape_cell *c);
/* "experiment" .. "plot" of an escape experiment's JSON object (time unit t = eta k) */
void repro_json_head(sgl_json *w, const char *name, const sgl_exp_settings *s, const char *plot);
/* --db: open o->db_path (-1 to go on, else the exit code; *db NULL without --db); store one simulated
 * escape cell as one finished escape run through sgl_store_commit_any (keyed like `sgdlab escape --db`;
 * no-op without db); close */
int repro_db_open(const cli_opts *o, sgl_store **db);
sgl_status repro_db_escape(sgl_store *db, const char *command, const sgl_exp_escape_cell *c, sgl_err *err);
/* one ensemble run (spec and its record, rec->res) as one finished run (sgl_store_commit_any), keyed like
 * `sgdlab run --db` */
sgl_status repro_db_run(sgl_store *db, const char *command, const sgl_spec *s, const sgl_record *rec, int threads,
                          sgl_err *err);
int repro_db_close(sgl_store *db, int code);

#endif
