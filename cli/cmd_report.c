/* sgdlab report | export | plot DB: read a results store.  This file: the
 * options of all three, their checked output, and `report`.
 *
 * report: per group of runs (by any run parameters; default: the ones that
 * vary), for run series the mean +- SE of one observable at the final
 * (or a chosen) step; for escape runs the MFPT and escape rate with SE and
 * CI, pooled over the group's first-passage events.  The library resolves
 * the request against the store (sgl_report_resolve: keys, filters, the
 * observable) and writes the rows (sgl_report_write); this file parses argv
 * and checks every write to standard output.
 * export: any table as CSV or JSON Lines (cli/cmd_export.c).
 * plot:   a gnuplot PNG/SVG of those estimates (cli/cmd_plot.c).
 *
 * Nothing read from the store is trusted: every value reaches CSV, JSON and
 * the gnuplot script through the library's quoting (sgl_quote_csv, _json,
 * _gnuplot), a table cell with control characters shown as '?'. */
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

static int cmd_report(rep_opts *o)
{
    sgl_store *st = NULL;
    int code = rep_open_db(o, &st);
    if (code) return code;
    if ((code = rep_resolve(o, st, 1)) != 0) goto done;
    sgl_err err = {{0}, {0}};
    const sgl_report_format fmt = o->format == SGL_FMT_CSV     ? SGL_REPORT_CSV
                                  : o->format == SGL_FMT_JSONL ? SGL_REPORT_JSONL
                                                               : SGL_REPORT_TABLE;
    sgl_status s = sgl_report_write(st, &o->r, fmt, o->db, stdout, &err);
    if (s != SGL_OK) {
        code = CLI_EXIT_FAIL;
        if (strcmp(err.field, "output") != 0) rep_fail(s, &err);   /* a store failure */
        else if (s == SGL_ENOMEM) rep_oom();                       /* said below, as a failed write */
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
