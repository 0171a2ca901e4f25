/* sgdlab export DB: any table of the store as CSV or JSON Lines, each row
 * with its run key and, in CSV, every parameter of its kind as a column
 * (names unique; see sgl_store_export).  A JSON Lines record carries its
 * "type" (series, run, estimate, event) and the export "schema" version; a
 * flag (censored) is true/false in both formats.  Rows come from the library
 * (sgl_store_export); every value is quoted on the library's one path
 * (sgl_quote_csv, the JSON writer). */
#include "report.h"

#include <errno.h>
#include <string.h>

/* the version of the export's JSON Lines records (and CSV columns): 2 added
 * type, schema, run_kind, kind-specific parameter columns, unique CSV names
 * and true/false flags to the unversioned first form */
#define EXPORT_SCHEMA 2

static void put_value(FILE *f, const sgl_value *v)   /* CSV */
{
    switch (v->type) {
    case SGL_VAL_NULL:
        if (strcmp(v->text, "null") != 0) sgl_print_double(f, v->x, 0);   /* a stored infinity */
        break;
    case SGL_VAL_INT: fprintf(f, "%lld", (long long)v->i); break;
    case SGL_VAL_REAL: sgl_print_double(f, v->x, 0); break;
    case SGL_VAL_BOOL: fputs(v->i ? "true" : "false", f); break;
    default: rep_put_quoted(f, sgl_quote_csv, v->text);
    }
}

static void json_value(sgl_json *w, const sgl_value *v)
{
    switch (v->type) {
    case SGL_VAL_NULL:
        if (strcmp(v->text, "null") != 0) sgl_json_double(w, v->x);
        else sgl_json_null(w);
        break;
    case SGL_VAL_INT: sgl_json_int(w, v->i); break;
    case SGL_VAL_REAL: sgl_json_double(w, v->x); break;
    case SGL_VAL_BOOL: sgl_json_bool(w, v->i != 0); break;
    default: sgl_json_string(w, v->text);
    }
}

typedef struct { const rep_opts *o; FILE *f; } export_ctx;

static int export_row(void *user, const sgl_export_row *row)
{
    const export_ctx *c = user;
    FILE *f = c->f;
    if (c->o->format == SGL_FMT_CSV) {
        if (row->header) {
            fputs(row->mixed ? "run_key,run_kind" : "run_key", f);
            for (size_t i = 0; i < row->n_params; ++i) {
                fputc(',', f);
                rep_put_quoted(f, sgl_quote_csv, row->param_name[i]);
            }
            for (size_t i = 0; i < row->n_cols; ++i)
                if (row->col_csv[i]) {
                    fputc(',', f);
                    rep_put_quoted(f, sgl_quote_csv, row->col_csv[i]);
                }
            fputc('\n', f);
            return rep_write_failed(f);
        }
        rep_put_quoted(f, sgl_quote_csv, row->run_key);
        if (row->mixed) {
            fputc(',', f);
            rep_put_quoted(f, sgl_quote_csv, row->kind);
        }
        for (size_t i = 0; i < row->n_params; ++i) {
            fputc(',', f);
            put_value(f, &row->param[i]);
        }
        for (size_t i = 0; i < row->n_cols; ++i)
            if (row->col_csv[i]) {
                fputc(',', f);
                put_value(f, &row->col[i]);
            }
        fputc('\n', f);
    } else if (!row->header) {
        sgl_json w;
        sgl_json_to_file(&w, f);
        sgl_json_begin_object(&w);
        sgl_json_kstring(&w, "type", row->type);
        sgl_json_kint(&w, "schema", EXPORT_SCHEMA);
        sgl_json_kstring(&w, "run_key", row->run_key);
        sgl_json_kstring(&w, "run_kind", row->kind);
        sgl_json_key(&w, "params");   /* the stored JSON (or the text as a JSON string) */
        sgl_json_raw(&w, row->params_json);
        for (size_t i = 0; i < row->n_cols; ++i) {
            sgl_json_key(&w, row->col_name[i]);
            json_value(&w, &row->col[i]);
        }
        sgl_json_end_object(&w);
        rep_json_line_end(&w, f);
    }
    return rep_write_failed(f);
}

int rep_export(const rep_opts *o)
{
    const char *table = o->table ? o->table : "series";
    if (strcmp(table, "series") != 0 && strcmp(table, "runs") != 0 && strcmp(table, "estimates") != 0 &&
        strcmp(table, "events") != 0) {
        fprintf(stderr, "sgdlab: --table: unknown table '%s'; valid: series, runs, estimates, events\n", table);
        return CLI_EXIT_USAGE;
    }
    sgl_store *st = NULL;
    int code = rep_open_db(o, &st);
    if (code) return code;
    /* --out: sgl_outfile (a temporary file renamed over FILE; a device written in place) */
    sgl_outfile out = {stdout, NULL, NULL, "--out"};
    sgl_err err = {{0}, {0}};
    if (o->out) {
        sgl_status s = sgl_outfile_open(&out, o->out, "--out", &err);
        if (s != SGL_OK) {
            sgl_store_close(st, NULL);
            return cli_report(s, &err);
        }
    }
    export_ctx c = {o, out.f};
    sgl_status s = sgl_store_export(st, table, o->r.kind, export_row, &c, &err);
    code = CLI_EXIT_OK;
    if (s != SGL_OK && s != SGL_ECANCELED) {
        rep_fail(s, &err);
        code = CLI_EXIT_FAIL;
    }
    if (!o->out) {
        if (rep_finish_write(stdout, "standard output")) code = CLI_EXIT_FAIL;
    } else if (code != CLI_EXIT_OK || rep_quote_oom()) {   /* a failed read: no partial file */
        if (rep_quote_oom()) fprintf(stderr, "sgdlab: --out: cannot write '%s': %s\n", o->out, strerror(ENOMEM));
        sgl_outfile_abort(&out);
        code = CLI_EXIT_FAIL;
    }
    else if (cli_out_commit(&out) != 0) code = CLI_EXIT_FAIL;   /* checks every write, says which failed */
    sgl_store_close(st, NULL);
    return code;
}
