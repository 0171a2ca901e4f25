/* The sgdlab command line: parse, call the library, print, pick an exit code
 * (0 ok, 1 run-time failure, 2 bad input). */
#ifndef SGL_CLI_H
#define SGL_CLI_H
#include "sgdlab.h"
#include <stdio.h>

enum { SGL_EXIT_OK = 0, SGL_EXIT_FAIL = 1, SGL_EXIT_USAGE = 2 };
typedef enum { SGL_FMT_TABLE, SGL_FMT_CSV, SGL_FMT_JSONL } sgl_format;

typedef struct {
    sgl_spec spec;
    int threads;
    sgl_format format;
    const char *out_path;   /* NULL: stdout */
    const char *db_path;    /* run --db: also write to this results store */
    int json;               /* reproduce --json */
    const char *out_dir;    /* reproduce: where the plot goes */
    int quick;              /* reproduce --quick: fewer steps, for tests */
    int help;               /* --help was given and printed */
    uint64_t given;         /* bit i: flag i of the flag table was on the command line */
    double init[4096];      /* --init values (spec.init points here) */
} sgl_cli_opts;

/* Parse argv[first..argc) for command cmd (SGL_CMD_*) into o (defaults first).  Unknown flags and bad
 * values fill err and return SGL_EINVAL. */
enum { SGL_CMD_RUN = 1u, SGL_CMD_REPRODUCE = 2u };
sgl_status sgl_cli_parse(int argc, char **argv, int first, unsigned cmd, sgl_cli_opts *o, sgl_err *err);
int sgl_cli_report(sgl_status st, const sgl_err *err);   /* prints, returns exit code */
/* was this flag ("--kappa") on the command line? */
int sgl_cli_given(const sgl_cli_opts *o, const char *flag);
/* `run`: a flag the chosen data or noise kind does not use is an error, not
 * silently ignored (e.g. --batch with --noise none, --d with --data csv). */
sgl_status sgl_cli_check_relevance(const sgl_cli_opts *o, sgl_err *err);

int sgl_cmd_list(int argc, char **argv);
int sgl_cmd_run(int argc, char **argv);
int sgl_cmd_reproduce(int argc, char **argv);
int sgl_cmd_sweep(int argc, char **argv);
int sgl_cmd_report(int argc, char **argv);   /* report | export | plot */

/* output.c */
void sgl_print_double(FILE *f, double x, int json);   /* %.17g; NaN -> nan / null */
void sgl_print_params_json(FILE *f, const sgl_plan *p);
void sgl_print_params_text(FILE *f, const sgl_plan *p, const char *prefix);
void sgl_write_results(FILE *f, const sgl_plan *p, const sgl_results *r, sgl_format fmt);
/* GD time t = sum_{k' < k} eta_k' and slow time sum eta_k'^2 under the schedule */
void sgl_clock(const sgl_spec *s, uint64_t k, double *t_eta, double *t_eta2);
#endif
