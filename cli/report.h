/* Shared by `sgdlab report | export | plot` (cli/cmd_report.c, cmd_export.c,
 * cmd_plot.c): their options and checked, quoted output.  The store is read
 * only through the library's query functions (include/sgdlab.h, "reading a
 * store"). */
#ifndef CLI_REPORT_H
#define CLI_REPORT_H
#include "cli.h"

#define REP_MAX_KEYS SGL_QUERY_MAX_KEYS

typedef struct {
    const char *cmd;
    const char *db;
    const char *table;               /* export */
    const char *out;
    int logx, logy, busy_ms;
    sgl_format format;
    char by_text[REP_MAX_KEYS][64];  /* --by names */
    sgl_report_req r;                /* kind, obs, --by, --where, --step, plot --x/--curve; resolved (rep_resolve) */
} rep_opts;

typedef size_t (*quote_fn)(const char *s, char *buf, size_t len);

int rep_usage_err(const char *flag, const char *msg);
void rep_put_quoted(FILE *f, quote_fn q, const char *s);
int rep_write_failed(FILE *f);
int rep_finish_write(FILE *f, const char *what);
void rep_json_line_end(sgl_json *w, FILE *f);
void rep_oom(void);                  /* a value could not be quoted: the output is incomplete */
int rep_quote_oom(void);
int rep_open_db(const rep_opts *o, sgl_store **st);
/* a library failure as exit code: its message (SGL_ECANCELED: said already) */
int rep_fail(sgl_status s, const sgl_err *err);
/* after opening: sgl_report_resolve and, unless plot, sgl_report_default_keys (the messages are the
 * library's, by flag); 0, or the exit code */
int rep_resolve(rep_opts *o, sgl_store *st, int keys);

int rep_export(const rep_opts *o);
int rep_plot(rep_opts *o);
#endif
