/* sgdlab report | export | plot DB: read a results store.  This file: the
 * options of all three, their checked output, and `report`.
 *
 * report: per group of runs (by any run parameters; default: the ones that
 *         vary), for run series the mean +- SE of one observable at the final
 *         (or a chosen) step; for escape runs the MFPT and escape rate with
 *         SE and CI, pooled over the group's first-passage events.
 * export: any table as CSV or JSON Lines (cli/cmd_export.c).
 * plot:   a gnuplot PNG/SVG of those estimates (cli/cmd_plot.c).
 *
 * The store is read only through the library (sgl_store_series_groups,
 * sgl_store_escape_groups, sgl_store_export, ...; the statistics are said
 * there).  Nothing read from the store is trusted: every value reaches CSV,
 * JSON and the gnuplot script through the library's quoting (sgl_quote_csv,
 * _json, _gnuplot), a table cell with control characters shown as '?'. */
#include "report.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int rep_usage_err(const char *flag, const char *msg)
{
    fprintf(stderr, "sgdlab: %s: %s\n", flag, msg);
    return CLI_EXIT_USAGE;
}

/* ------------------------------------------------------ checked, quoted output */

static int write_errno;   /* errno of the first failed write (0: none seen yet) */
static int quote_oom;     /* a value could not be quoted (out of memory): the output is incomplete */

void rep_oom(void) { quote_oom = 1; }
int rep_quote_oom(void) { return quote_oom; }

/* s quoted by q: the library's one escaping path for CSV, JSON and gnuplot */
void rep_put_quoted(FILE *f, quote_fn q, const char *s)
{
    char small[512];
    size_t n = q(s, small, sizeof small);
    if (n < sizeof small) {
        fputs(small, f);
        return;
    }
    char *big = malloc(n + 1);
    if (!big) {
        quote_oom = 1;
        return;
    }
    q(s, big, n + 1);
    fputs(big, f);
    free(big);
}

/* after each record: has a write failed? (remember why) */
int rep_write_failed(FILE *f)
{
    if (ferror(f) || quote_oom) {
        if (!write_errno) write_errno = quote_oom ? ENOMEM : errno;
        return 1;
    }
    return 0;
}

/* flush f and check every write to it, closing it unless it is stdout; one
 * message naming what could not be written */
int rep_finish_write(FILE *f, const char *what)
{
    errno = 0;
    int bad = fflush(f) != 0;
    int e = bad ? errno : 0;
    bad |= rep_write_failed(f);
    if (f != stdout && fclose(f) != 0) {
        bad = 1;
        if (!e) e = errno;
    }
    if (!bad) return 0;
    if (!e) e = write_errno;
    fprintf(stderr, "sgdlab: cannot write %s: %s\n", what, e ? strerror(e) : "write error");
    return -1;
}

/* the end of one JSON line: a value that could not be quoted (out of memory) leaves the output incomplete */
void rep_json_line_end(sgl_json *w, FILE *f)
{
    if (sgl_json_status(w) == SGL_ENOMEM) quote_oom = 1;
    fputc('\n', f);
}

/* a group value in JSON: a number as is, NULL and non-finite as null, text as a string */
void rep_put_json_value(sgl_json *w, const sgl_value *v)
{
    if (v->type == SGL_VAL_INT || v->type == SGL_VAL_REAL) sgl_json_raw(w, v->text);
    else if (v->type == SGL_VAL_NULL) sgl_json_null(w);
    else sgl_json_string(w, v->text);
}

/* a table cell: control characters (a line break in a stored name) shown as '?' */
static void put_cell(const char *s, int width)
{
    int n = 0;
    for (; *s; ++s, ++n) putchar((unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s);
    for (; n < width; ++n) putchar(' ');
    putchar(' ');
}

int rep_fail(sgl_status s, const sgl_err *err)
{
    if (s == SGL_ECANCELED) return CLI_EXIT_FAIL;
    fprintf(stderr, "sgdlab: %s\n", err->msg);
    return s == SGL_EINVAL ? CLI_EXIT_USAGE : CLI_EXIT_FAIL;
}

int rep_open_db(const rep_opts *o, sgl_store **st)
{
    sgl_err err = {{0}, {0}};
    struct stat sb;
    if (stat(o->db, &sb) != 0) {
        fprintf(stderr, "sgdlab: %s: no such results database '%s'\n", o->cmd, o->db);
        return CLI_EXIT_USAGE;
    }
    sgl_status s = sgl_store_open(o->db, SGL_STORE_READONLY, o->busy_ms, st, &err);
    if (s != SGL_OK) return cli_report(s, &err);
    return 0;
}

/* ------------------------------------------------------------ options */

static void rep_usage(FILE *f)
{
    fprintf(f,
            "usage: sgdlab report DB [--obs NAME] [--by KEY,KEY...] [--step K] [--where KEY=VALUE]...\n"
            "                        [--kind run|escape] [--format table|csv|jsonl]\n"
            "       sgdlab export DB [--table series|runs|estimates|events] [--kind run|limit|escape]\n"
            "                        [--format csv|jsonl] [--out FILE]\n"
            "       sgdlab plot   DB --x KEY|step|t_eta [--curve KEY] [--obs NAME] [--step K] [--where KEY=VALUE]...\n"
            "                        [--kind run|escape] [--logx] [--logy] [--out FILE.png|FILE.svg]\n"
            "  KEY: a run parameter (sgdlab sweep --keys; plot --x: a numeric one), or of escape runs a key of\n"
            "  their stored spec (landscape, L0, B-over-eta, ...); NAME: an observable in the store (default\n"
            "  test_error when present), for escape runs mfpt (default) or rate; --step K: use step k = K\n"
            "  instead of each run's final step; --kind: which runs (default: run series when the store has\n"
            "  any, else escape runs)\n");
}

/* --by KEY,KEY...: each once, no empty item (checked against the kind's keys in rep_resolve) */
static int parse_by(const char *v, rep_opts *o)
{
    o->r.has_by = 1;
    for (const char *tok = v;;) {
        const char *comma = strchr(tok, ',');
        size_t len = comma ? (size_t)(comma - tok) : strlen(tok);
        if (len == 0) {
            fprintf(stderr, "sgdlab: --by: empty item in '%s'; valid: KEY,KEY,... with each KEY a run parameter, "
                            "once\n", v);
            return -1;
        }
        if (o->r.n_by == REP_MAX_KEYS) return rep_usage_err("--by", "at most 8 keys") ? -1 : -1;
        if (len >= sizeof o->by_text[0]) {
            fprintf(stderr, "sgdlab: --by: unknown parameter '%.*s' (too long)\n", (int)len, tok);
            return -1;
        }
        memcpy(o->by_text[o->r.n_by], tok, len);
        o->by_text[o->r.n_by][len] = '\0';
        o->r.by[o->r.n_by] = o->by_text[o->r.n_by];
        ++o->r.n_by;
        if (!comma) return 0;
        tok = comma + 1;
    }
}

/* one flag with a value, or -1 (said) / 0 (not this flag) */
static int parse_value_flag(rep_opts *o, const char *a, const char *v, int is_export, int is_plot)
{
    const char **dst = NULL, *by = NULL;
    if (strcmp(a, "--obs") == 0 && !is_export) dst = &o->r.obs;
    else if (strcmp(a, "--by") == 0 && !is_export && !is_plot) dst = &by;
    else if (strcmp(a, "--x") == 0 && is_plot) dst = &o->r.x;
    else if (strcmp(a, "--curve") == 0 && is_plot) dst = &o->r.curve;
    else if (strcmp(a, "--table") == 0 && is_export) dst = &o->table;
    else if (strcmp(a, "--out") == 0 && (is_export || is_plot)) dst = &o->out;
    else if (strcmp(a, "--kind") == 0) dst = &o->r.kind;
    if (dst) {
        if (!v || !v[0]) return rep_usage_err(a, "needs a value") ? -1 : -1;
        *dst = v;
        if (by && parse_by(by, o)) return -1;
        if (dst == &o->r.kind && strcmp(v, "run") != 0 && strcmp(v, "escape") != 0 &&
            !(is_export && strcmp(v, "limit") == 0)) {
            fprintf(stderr, "sgdlab: --kind: unknown kind '%s'; valid: run, %sescape\n", v, is_export ? "limit, " : "");
            return -1;
        }
        return 1;
    }
    if (strcmp(a, "--where") == 0 && !is_export) {
        const char *eq = v ? strchr(v, '=') : NULL;
        if (!eq || eq == v)
            return rep_usage_err("--where", "must be KEY=VALUE with KEY a run parameter, e.g. --where noise=label") ? -1
                                                                                                                    : -1;
        if (o->r.n_where == REP_MAX_KEYS) return rep_usage_err("--where", "at most 8 filters") ? -1 : -1;
        o->r.where[o->r.n_where++] = v;
        return 1;
    }
    if (strcmp(a, "--step") == 0 && !is_export) {
        char *end;
        if (!v || (o->r.step = strtoll(v, &end, 10), *end || end == v || o->r.step < 0))
            return rep_usage_err(a, "must be a step k (an integer >= 0)") ? -1 : -1;
        o->r.has_step = 1;
        return 1;
    }
    if (strcmp(a, "--format") == 0 && !is_plot) {
        if (!v) return rep_usage_err(a, "needs a value") ? -1 : -1;
        if (strcmp(v, "csv") == 0) o->format = SGL_FMT_CSV;
        else if (strcmp(v, "jsonl") == 0) o->format = SGL_FMT_JSONL;
        else if (strcmp(v, "table") == 0 && !is_export) o->format = SGL_FMT_TABLE;
        else {
            fprintf(stderr, "sgdlab: --format: unknown value '%s'; valid: %s\n", v,
                    is_export ? "csv, jsonl" : "table, csv, jsonl");
            return -1;
        }
        return 1;
    }
    return 0;
}

/* --out of plot: FILE.png or FILE.svg, a name gnuplot gets verbatim */
static int check_plot_out(const char *out)
{
    size_t ol = strlen(out);
    if (!(ol > 4 && (strcmp(out + ol - 4, ".svg") == 0 || strcmp(out + ol - 4, ".png") == 0)))
        return rep_usage_err("--out", "must end in .png or .svg") ? -1 : -1;
    for (const unsigned char *c = (const unsigned char *)out; *c; ++c)
        if (*c < 0x20 || *c == 0x7f) return rep_usage_err("--out", "must not contain control characters") ? -1 : -1;
    return 0;
}

static int parse_rep(int argc, char **argv, rep_opts *o)
{
    memset(o, 0, sizeof *o);
    o->cmd = argv[1];
    o->busy_ms = 5000;
    o->format = SGL_FMT_TABLE;
    const int is_export = strcmp(o->cmd, "export") == 0, is_plot = strcmp(o->cmd, "plot") == 0;
    if (is_export) o->format = SGL_FMT_CSV;
    for (int i = 2; i < argc; ++i) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) { rep_usage(stdout); return 1; }
        if (strcmp(a, "--logx") == 0 && is_plot) { o->logx = 1; continue; }
        if (strcmp(a, "--logy") == 0 && is_plot) { o->logy = 1; continue; }
        int r = parse_value_flag(o, a, v, is_export, is_plot);
        if (r < 0) return -1;
        if (r > 0) { ++i; continue; }
        if (a[0] == '-' && a[1]) {
            fprintf(stderr, "sgdlab: %s: unknown flag for %s; valid: %s\n", a, o->cmd,
                    is_export ? "--table, --kind, --format, --out" :
                    is_plot ? "--x, --curve, --obs, --step, --where, --kind, --logx, --logy, --out"
                            : "--obs, --by, --step, --where, --kind, --format");
            return -1;
        }
        if (o->db) {
            fprintf(stderr, "sgdlab: %s: one database expected, got '%s' and '%s'\n", o->cmd, o->db, a);
            return -1;
        }
        o->db = a;
    }
    if (!o->db) {
        fprintf(stderr, "sgdlab: %s: missing the results database (e.g. results.db)\n", o->cmd);
        return -1;
    }
    if (is_plot && !o->r.x) return rep_usage_err("--x", "required: a numeric run parameter, or step, t_eta") ? -1 : -1;
    sgl_err err = {{0}, {0}};
    if (sgl_report_check(&o->r, &err) != SGL_OK) return rep_usage_err(err.field, err.msg) ? -1 : -1;
    if (is_plot && check_plot_out(o->out ? o->out : "plot.png")) return -1;
    return 0;
}

/* ------------------------------------------------- keys checked against the kind */

int rep_resolve(rep_opts *o, sgl_store *st, int keys)
{
    sgl_err err = {{0}, {0}};
    sgl_status s = sgl_report_resolve(st, &o->r, &err);
    if (s == SGL_OK && keys) s = sgl_report_default_keys(st, &o->r, &err);
    if (s == SGL_OK) return 0;
    if (s != SGL_EINVAL) {
        rep_fail(s, &err);   /* a store failure: its message, exit 1 */
        return CLI_EXIT_FAIL;
    }
    fprintf(stderr, "sgdlab: %s: %s\n", err.field, err.msg);   /* bad input, by flag */
    return CLI_EXIT_USAGE;
}

/* ---------------------------------------------------------------- report rows */

#define ESC_LEVEL 0.95

/* One CSV / JSON Lines column of a report row: its name (CSV header, JSON
 * member) and value.  Each kind of row lists its columns once (escape_cols,
 * series_cols), for the header and for every row; the table has its own
 * layout. */
typedef enum { COL_REAL, COL_G, COL_UINT, COL_INT, COL_TEXT } col_type;
typedef struct {
    const char *name;
    col_type type;
    double x;
    unsigned long long u;
    long long i;
    const char *s;
} rep_col;
#define MAX_COLS 16

/* the group's key values: table cells, CSV fields (each followed by a comma) or JSON members */
static void put_keys(const rep_opts *o, sgl_json *w, const sgl_value *key, size_t nk)
{
    for (size_t i = 0; i < nk; ++i) {
        if (o->format == SGL_FMT_TABLE) put_cell(key[i].text, 14);
        else if (o->format == SGL_FMT_CSV) {
            rep_put_quoted(stdout, sgl_quote_csv, key[i].text);
            putchar(',');
        } else {
            sgl_json_key(w, o->r.q.keys[i]);
            rep_put_json_value(w, &key[i]);
        }
    }
}

/* a CSV or JSON Lines row: the key values, then (JSON: the member lead = value and) the columns */
static void put_row(const rep_opts *o, const sgl_value *key, size_t nk, const char *lead, const char *value,
                    const rep_col *c, size_t n)
{
    sgl_json w;
    const int json = o->format == SGL_FMT_JSONL;
    if (json) {
        sgl_json_to_file(&w, stdout);
        sgl_json_begin_object(&w);
    }
    put_keys(o, &w, key, nk);
    if (json) sgl_json_kstring(&w, lead, value);
    for (size_t j = 0; j < n; ++j) {
        if (!json && j) putchar(',');
        switch (c[j].type) {
        case COL_REAL:
            if (json) sgl_json_kdouble(&w, c[j].name, c[j].x);
            else sgl_print_double(stdout, c[j].x, 0);
            break;
        case COL_G:
            if (json) {
                sgl_json_key(&w, c[j].name);
                sgl_json_double_fmt(&w, "%g", c[j].x);
            } else {
                printf("%g", c[j].x);
            }
            break;
        case COL_UINT:
            if (json) sgl_json_kuint(&w, c[j].name, c[j].u);
            else printf("%llu", c[j].u);
            break;
        case COL_INT:
            if (json) sgl_json_kint(&w, c[j].name, c[j].i);
            else printf("%lld", c[j].i);
            break;
        case COL_TEXT:
            if (json) sgl_json_kstring(&w, c[j].name, c[j].s);
            else rep_put_quoted(stdout, sgl_quote_csv, c[j].s);
            break;
        }
    }
    if (json) {
        sgl_json_end_object(&w);
        rep_json_line_end(&w, stdout);
    } else {
        putchar('\n');
    }
}

/* the header's filter line (table) and key names (table, CSV); CSV: then the columns' names */
static void put_keys_header(const rep_opts *o, const rep_col *c, size_t n)
{
    if (o->format == SGL_FMT_TABLE) {
        for (size_t i = 0; i < o->r.n_where; ++i)
            printf("%s%s = %s%s", i ? ", " : "# only runs with ", o->r.q.where[i].key, strchr(o->r.where[i], '=') + 1,
                   i + 1 == o->r.n_where ? "\n" : "");
        for (size_t i = 0; i < o->r.q.n_keys; ++i) printf("%-14s ", o->r.q.keys[i]);
    } else if (o->format == SGL_FMT_CSV) {
        for (size_t i = 0; i < o->r.q.n_keys; ++i) {
            rep_put_quoted(stdout, sgl_quote_csv, o->r.q.keys[i]);
            putchar(',');
        }
        for (size_t j = 0; j < n; ++j) printf("%s%s", j ? "," : "", c[j].name);
        putchar('\n');
    }
}

/* ---------------------------------------------------------------- report: escape */

/* an escape group's columns (g NULL: the names only) */
static size_t escape_cols(const sgl_escape_group *g, rep_col *c)
{
    static const sgl_escape_group none;
    if (!g) g = &none;
    const sgl_rate_est *r = &g->rate;
    const rep_col v[] = {
        {"mfpt", COL_REAL, .x = g->mfpt}, {"mfpt_se", COL_REAL, .x = g->mfpt_se},
        {"mfpt_ci_lo", COL_REAL, .x = g->mfpt_ci_lo}, {"mfpt_ci_hi", COL_REAL, .x = g->mfpt_ci_hi},
        {"rate", COL_REAL, .x = r->value}, {"rate_se", COL_REAL, .x = r->se},
        {"rate_ci_lo", COL_REAL, .x = r->ci_lo}, {"rate_ci_hi", COL_REAL, .x = r->ci_hi},
        {"level", COL_G, .x = ESC_LEVEL}, {"runs", COL_UINT, .u = g->n_runs},
        {"n", COL_UINT, .u = (unsigned long long)(r->escaped + r->censored)},
        {"escaped", COL_UINT, .u = (unsigned long long)r->escaped},
        {"censored", COL_UINT, .u = (unsigned long long)r->censored},
        {"n_diverged", COL_UINT, .u = (unsigned long long)r->diverged}, {"time_unit", COL_TEXT, .s = g->time_unit}};
    memcpy(c, v, sizeof v);
    return sizeof v / sizeof v[0];
}

static int escape_row(void *user, const sgl_escape_group *g)
{
    const rep_opts *o = user;
    const sgl_rate_est *r = &g->rate;
    rep_col c[MAX_COLS];
    const size_t nc = escape_cols(g, c);
    if (o->format == SGL_FMT_TABLE) {
        put_keys(o, NULL, g->key, g->n_keys);
        char mf[48], ci[64], rate[48];
        snprintf(mf, sizeof mf, "%.6g +- %.2g", g->mfpt, g->mfpt_se);
        snprintf(ci, sizeof ci, "[%.4g, %.4g]", g->mfpt_ci_lo, g->mfpt_ci_hi);
        snprintf(rate, sizeof rate, "%.4g +- %.2g", r->value, r->se);
        printf("%-22s %-22s %-20s %4zu %6zu %7llu %8llu %5llu %s\n", mf, ci, rate, g->n_runs,
               (size_t)(r->escaped + r->censored), (unsigned long long)r->escaped, (unsigned long long)r->censored,
               (unsigned long long)r->diverged, g->time_unit);
    } else {
        put_row(o, g->key, g->n_keys, "estimate", "escape", c, nc);
    }
    return rep_write_failed(stdout) ? -3 : 0;
}

static void escape_header(const rep_opts *o)
{
    rep_col c[MAX_COLS];
    const size_t nc = escape_cols(NULL, c);
    if (o->format == SGL_FMT_TABLE) {
        printf("# sgdlab report %s: escape runs; per group, the first-passage times of the trajectories of its "
               "finished runs pooled into the censored exponential MLE of the rate kappa = escapes / exposure "
               "(exposure: the summed min(tau, t_max); 95%% likelihood-ratio CI); MFPT = 1/kappa, SE by the delta "
               "method, CI the rate's inverted; diverged trajectories counted apart\n"
               "# time unit: t (SDE time) or t_eta = eta k (SGD), as the unit column says; the MFPT of a group "
               "with no escape is unbounded (inf; CI from its lower end)\n", o->db);
        put_keys_header(o, c, nc);
        printf("%-22s %-22s %-20s %4s %6s %7s %8s %5s %s\n", "mfpt +- se", "mfpt 95% ci", "rate +- se", "runs", "n",
               "escaped", "censored", "div", "unit");
    } else {
        put_keys_header(o, c, nc);
    }
}

static int rep_report_escape(rep_opts *o, sgl_store *st)
{
    sgl_err err = {{0}, {0}};
    escape_header(o);
    int code = CLI_EXIT_OK;
    sgl_status s = sgl_store_escape_groups(st, &o->r.q, ESC_LEVEL, escape_row, o, &err);
    if (s != SGL_OK) {
        rep_fail(s, &err);
        code = CLI_EXIT_FAIL;
    }
    if (rep_finish_write(stdout, "standard output")) code = CLI_EXIT_FAIL;
    return code;
}

/* ---------------------------------------------------------------- report: series */

/* A group with data-draw: shared runs: its trajectories are not independent
 * replicates over data draws (each run's share one draw), so mean +- se are
 * over the runs' means, one replicate per draw (sgl_series_group); se_traj,
 * the SE over trajectories, is conditional on the draws.  g NULL: the names
 * only. */
static size_t series_cols(const rep_opts *o, const sgl_series_group *g, rep_col *c)
{
    static const sgl_series_group none;
    if (!g) g = &none;
    const int sh = g->n_shared_runs != 0;
    const rep_col v[] = {
        {"mean", COL_REAL, .x = sh ? g->mean_draws : g->mean}, {"se", COL_REAL, .x = sh ? g->se_draws : g->se},
        {"runs", COL_UINT, .u = g->n_runs}, {"n", COL_UINT, .u = g->n}, {"n_diverged", COL_UINT, .u = g->n_diverged},
        {"n_nonfinite", COL_UINT, .u = g->n_nonfinite}, {"step_min", COL_INT, .i = g->step_min},
        {"step_max", COL_INT, .i = g->step_max},
        /* only when the store holds shared runs: */
        {"replicate", COL_TEXT, .s = sh ? "data-draw" : "trajectory"},
        {"n_replicates", COL_UINT, .u = sh ? g->n_draws : g->n}, {"se_traj", COL_REAL, .x = g->se}};
    memcpy(c, v, sizeof v);
    return o->r.shared ? sizeof v / sizeof v[0] : 8;
}

static int series_row(void *user, const sgl_series_group *g)
{
    const rep_opts *o = user;
    rep_col c[MAX_COLS];
    const size_t nc = series_cols(o, g, c);
    if (o->format == SGL_FMT_TABLE) {
        put_keys(o, NULL, g->key, g->n_keys);
        char cell[80], stepbuf[64];
        if (g->step_min == g->step_max) snprintf(stepbuf, sizeof stepbuf, "%lld", (long long)g->step_min);
        else snprintf(stepbuf, sizeof stepbuf, "%lld..%lld", (long long)g->step_min, (long long)g->step_max);
        snprintf(cell, sizeof cell, "%.6g +- %.2g", c[0].x, c[1].x);
        printf("%-28s %5zu %6zu %5zu %9zu %12s", cell, g->n_runs, g->n, g->n_diverged, g->n_nonfinite, stepbuf);
        if (o->r.shared) printf(" %-10s %8zu %10.2g", c[8].s, (size_t)c[9].u, g->se);
        putchar('\n');
    } else {
        put_row(o, g->key, g->n_keys, "observable", o->r.obs, c, nc);
    }
    return rep_write_failed(stdout) ? -3 : 0;
}

static void series_header(const rep_opts *o)
{
    rep_col c[MAX_COLS];
    const size_t nc = series_cols(o, NULL, c);
    if (o->format == SGL_FMT_TABLE) {
        printf("# sgdlab report %s: %s at %s; mean +- standard error over the pooled trajectories of each group's "
               "finished runs (diverged and non-finite counted apart)\n# time unit: step = k (SGD steps)\n",
               o->db, o->r.obs, o->r.has_step ? "the chosen step" : "each run's final step");
        if (o->r.shared)
            printf("# data-draw shared: the trajectories of one such run share one data draw, so they are not "
                   "independent replicates; in a group with such runs mean +- se is over the runs' means (one "
                   "replicate per data draw; replicate = data-draw, n_rep of them) and se_traj, the SE over "
                   "trajectories, is conditional on the draws\n");
        put_keys_header(o, c, nc);
        printf("%-28s %5s %6s %5s %9s %12s", "mean +- se", "runs", "n", "div", "nonfinite", "step");
        printf(o->r.shared ? " %-10s %8s %10s\n" : "\n", "replicate", "n_rep", "se_traj");
    } else {
        put_keys_header(o, c, nc);
    }
}

static int cmd_report(rep_opts *o)
{
    sgl_store *st = NULL;
    int code = rep_open_db(o, &st);
    if (code) return code;
    if ((code = rep_resolve(o, st, 1)) != 0) goto done;
    sgl_err err = {{0}, {0}};
    sgl_status s;
    if (strcmp(o->r.kind, "escape") == 0) {
        code = rep_report_escape(o, st);
        goto done;
    }
    series_header(o);
    s = sgl_store_series_groups(st, &o->r.q, series_row, o, &err);
    if (s != SGL_OK) {
        rep_fail(s, &err);
        code = CLI_EXIT_FAIL;
    }
    if (rep_finish_write(stdout, "standard output")) code = CLI_EXIT_FAIL;
done:
    sgl_store_close(st, NULL);
    return code;
}

int cmd_report_export_plot(int argc, char **argv)
{
    rep_opts o;
    int r = parse_rep(argc, argv, &o);
    if (r) return r > 0 ? CLI_EXIT_OK : CLI_EXIT_USAGE;
    if (strcmp(o.cmd, "export") == 0) return rep_export(&o);
    if (strcmp(o.cmd, "plot") == 0) return rep_plot(&o);
    return cmd_report(&o);
}
