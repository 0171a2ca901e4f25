/* sgdlab report | export | plot DB: read a results store.
 *
 * report: mean +- SE of one observable, at the final (or a chosen) step,
 *         grouped by any run parameters (default: the ones that vary).
 * export: any table as CSV or JSON Lines, each row with its run key and, in
 *         CSV, every run parameter as a column.
 * plot:   gnuplot PNG/SVG of mean +- SE against a parameter or a clock (step,
 *         t_eta, t_eta2), one curve per value of another parameter.
 *
 * Means pool the trajectories of every finished run in a group (each
 * trajectory an independent replicate: its own seed stream and, with
 * data-draw per-seed, its own data); diverged trajectories and non-finite
 * values are counted, never averaged.  Reductions run in (run, trajectory)
 * order, so a report is a fixed function of the store's contents.
 *
 * Nothing read from the store is trusted: every value reaches CSV, JSON and
 * the gnuplot script through the library's quoting (sgl_quote_csv, _json,
 * _gnuplot) and SQL only as a bound parameter; the SQL text holds nothing but
 * the names of the run-parameter table.  A 64-bit key (seed) is compared and
 * grouped as the exact decimal text the store keeps, never as a double. */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_KEYS 8

typedef struct {
    const char *cmd;
    const char *db;
    const char *obs;
    const char *x;                   /* plot --x as given */
    const char *table;               /* export */
    const char *out;
    const sgl_param *by[MAX_KEYS];   /* report --by */
    size_t n_by;
    int has_by;
    const sgl_param *curve;          /* plot --curve */
    const sgl_param *xkey;           /* plot --x KEY; NULL: a clock (step, t_eta) */
    int has_step;
    long long step;
    int logx, logy, busy_ms;
    sgl_format format;
    size_t n_where;                  /* --where KEY=VALUE filters (report, plot) */
    const sgl_param *where_key[MAX_KEYS];
    const char *where_val[MAX_KEYS];
    /* the value, parsed strictly as the key's type, and how it is bound */
    int where_kind[MAX_KEYS];        /* SQLITE_INTEGER, SQLITE_FLOAT or SQLITE_TEXT */
    long long where_int[MAX_KEYS];
    double where_dbl[MAX_KEYS];
    char where_text[MAX_KEYS][400];
} rep_opts;

static int usage_err(const char *flag, const char *msg)
{
    fprintf(stderr, "sgdlab: %s: %s\n", flag, msg);
    return SGL_EXIT_USAGE;
}

/* ------------------------------------------------------ checked, quoted output */

typedef size_t (*quote_fn)(const char *s, char *buf, size_t len);

static int write_errno;   /* errno of the first failed write (0: none seen yet) */
static int quote_oom;     /* a value could not be quoted (out of memory): the output is incomplete */

/* s quoted by q: the library's one escaping path for CSV, JSON and gnuplot */
static void put_quoted(FILE *f, quote_fn q, const char *s)
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
static int write_failed(FILE *f)
{
    if (ferror(f) || quote_oom) {
        if (!write_errno) write_errno = quote_oom ? ENOMEM : errno;
        return 1;
    }
    return 0;
}

/* flush f and check every write to it, closing it unless it is stdout; one
 * message naming what could not be written */
static int finish_write(FILE *f, const char *what)
{
    errno = 0;
    int bad = fflush(f) != 0;
    int e = bad ? errno : 0;
    bad |= write_failed(f);
    if (f != stdout && fclose(f) != 0) {
        bad = 1;
        if (!e) e = errno;
    }
    if (!bad) return 0;
    if (!e) e = write_errno;
    fprintf(stderr, "sgdlab: cannot write %s: %s\n", what, e ? strerror(e) : "write error");
    return -1;
}

/* a table cell: control characters (a line break in a stored name) shown as '?' */
static void put_cell(const char *s, int width)
{
    int n = 0;
    for (; *s; ++s, ++n) putchar((unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s);
    for (; n < width; ++n) putchar(' ');
    putchar(' ');
}

/* ------------------------------------------------------------ options */

static void rep_usage(FILE *f)
{
    fprintf(f,
            "usage: sgdlab report DB [--obs NAME] [--by KEY,KEY...] [--step K] [--where KEY=VALUE]...\n"
            "                        [--format table|csv|jsonl]\n"
            "       sgdlab export DB [--table series|runs|estimates|events] [--format csv|jsonl] [--out FILE]\n"
            "       sgdlab plot   DB --x KEY|step|t_eta [--curve KEY] [--obs NAME] [--step K] [--where KEY=VALUE]...\n"
            "                        [--logx] [--logy] [--out FILE.png|FILE.svg]\n"
            "  KEY: a run parameter (sgdlab sweep --keys; plot --x: a numeric one); NAME: an observable in the\n"
            "  store (default test_error when present); --step K: use step k = K instead of each run's final step\n");
}

static int is_numeric(const sgl_param *p)
{
    return p->type == SGL_PARAM_SIZE || p->type == SGL_PARAM_U64 || p->type == SGL_PARAM_U32 ||
           p->type == SGL_PARAM_DOUBLE;
}

/* key[0..len) -> its row of the parameter table; unknown: one message naming flag */
static const sgl_param *lookup_key(const char *flag, const char *key, size_t len)
{
    const sgl_param *p = sgl_param_lookup(key, len);
    if (!p) {
        char names[600];
        sgl_param_names(names, sizeof names);
        fprintf(stderr, "sgdlab: %s: unknown parameter '%.*s'; valid: %s\n", flag, (int)len, key, names);
    }
    return p;
}

/* --by KEY,KEY...: run parameters, each once, no empty item */
static int parse_by(const char *v, rep_opts *o)
{
    o->has_by = 1;
    for (const char *tok = v;;) {
        const char *comma = strchr(tok, ',');
        size_t len = comma ? (size_t)(comma - tok) : strlen(tok);
        if (len == 0) {
            fprintf(stderr, "sgdlab: --by: empty item in '%s'; valid: KEY,KEY,... with each KEY a run parameter, "
                            "once\n", v);
            return -1;
        }
        const sgl_param *p = lookup_key("--by", tok, len);
        if (!p) return -1;
        for (size_t i = 0; i < o->n_by; ++i)
            if (o->by[i] == p) {
                fprintf(stderr, "sgdlab: --by: '%s' given twice; each key once\n", p->name);
                return -1;
            }
        if (o->n_by == MAX_KEYS) return usage_err("--by", "at most 8 keys") ? -1 : -1;
        o->by[o->n_by++] = p;
        if (!comma) return 0;
        tok = comma + 1;
    }
}

/* --where KEY=VALUE: VALUE parsed as the key's type (as `sgdlab run` would), so a
 * bad value is bad input; kept as what the store's canonical form compares to */
static int parse_where(const char *v, rep_opts *o)
{
    const char *eq = v ? strchr(v, '=') : NULL;
    if (!eq || eq == v) return usage_err("--where", "must be KEY=VALUE with KEY a run parameter, e.g. --where noise=label") ? -1 : -1;
    if (o->n_where == MAX_KEYS) return usage_err("--where", "at most 8 filters") ? -1 : -1;
    const sgl_param *p = lookup_key("--where", v, (size_t)(eq - v));
    if (!p) return -1;
    const char *val = eq + 1;
    sgl_spec scratch;
    sgl_spec_defaults(&scratch);
    sgl_err err = {{0}, {0}};
    if (sgl_param_set(&scratch, p, val, &err) != SGL_OK) {
        fprintf(stderr, "sgdlab: --where %s: %s\n", p->name, err.msg);
        return -1;
    }
    size_t i = o->n_where;
    const char *base = (const char *)&scratch + p->off;
    char *t = o->where_text[i];
    const size_t tl = sizeof o->where_text[i];
    switch (p->type) {
    case SGL_PARAM_STR:
        if (strlen(val) >= tl) return usage_err("--where", "value too long (at most 399 bytes)") ? -1 : -1;
        o->where_kind[i] = SQLITE_TEXT;
        snprintf(t, tl, "%s", val);
        break;
    case SGL_PARAM_ENUM:
        o->where_kind[i] = SQLITE_TEXT;
        snprintf(t, tl, "%s", p->choices[*(const int *)base]);
        break;
    case SGL_PARAM_SIZE:
        o->where_kind[i] = SQLITE_INTEGER;
        o->where_int[i] = (long long)*(const size_t *)base;
        break;
    case SGL_PARAM_U32:
        o->where_kind[i] = SQLITE_INTEGER;
        o->where_int[i] = (long long)*(const uint32_t *)base;
        break;
    case SGL_PARAM_U64:   /* compared as the exact text of the stored number (a seed may exceed 2^63) */
        o->where_kind[i] = SQLITE_TEXT;
        snprintf(t, tl, "%llu", (unsigned long long)*(const uint64_t *)base);
        break;
    case SGL_PARAM_DOUBLE:   /* a number compares as a number (0.001 == 1e-3) */
        o->where_kind[i] = SQLITE_FLOAT;
        o->where_dbl[i] = *(const double *)base;
        break;
    case SGL_PARAM_DECAY: {   /* the store keeps [K1,K2,...] */
        size_t k = (size_t)snprintf(t, tl, "[");
        for (size_t j = 0; j < scratch.n_decay && k < tl; ++j)
            k += (size_t)snprintf(t + k, tl - k, "%s%llu", j ? "," : "", (unsigned long long)scratch.decay_at[j]);
        if (k < tl) snprintf(t + k, tl - k, "]");
        o->where_kind[i] = SQLITE_TEXT;
        break;
    }
    case SGL_PARAM_KIND:   /* not run keys (escape kinds; init is no sweep key) */
    case SGL_PARAM_VEC: return -1;
    }
    o->where_key[i] = p;
    o->where_val[i] = val;
    ++o->n_where;
    return 0;
}

static int is_clock(const char *x)
{
    return strcmp(x, "step") == 0 || strcmp(x, "t_eta") == 0 || strcmp(x, "t_eta2") == 0;
}

/* plot --x: a clock or a numeric run parameter */
static int parse_x(rep_opts *o)
{
    if (strcmp(o->x, "t_eta2") == 0) return usage_err("--x", "t_eta2 is not plotted yet; use step or t_eta") ? -1 : -1;
    if (is_clock(o->x)) return 0;
    const sgl_param *p = sgl_param_lookup(o->x, strlen(o->x));
    if (!p || !is_numeric(p)) {
        char names[600];
        size_t k = 0;
        for (const sgl_param *q = sgl_params; q->name; ++q)
            if (is_numeric(q) && k < sizeof names)
                k += (size_t)snprintf(names + k, sizeof names - k, ", %s", q->name);
        fprintf(stderr, "sgdlab: --x: %s '%s'; valid: step, t_eta%s\n",
                p ? "not a numeric parameter:" : "unknown", o->x, k ? names : "");
        return -1;
    }
    o->xkey = p;
    return 0;
}

/* --out of plot: FILE.png or FILE.svg, a name gnuplot gets verbatim */
static int check_plot_out(const char *out)
{
    size_t ol = strlen(out);
    if (!(ol > 4 && (strcmp(out + ol - 4, ".svg") == 0 || strcmp(out + ol - 4, ".png") == 0)))
        return usage_err("--out", "must end in .png or .svg") ? -1 : -1;
    for (const unsigned char *c = (const unsigned char *)out; *c; ++c)
        if (*c < 0x20 || *c == 0x7f) return usage_err("--out", "must not contain control characters") ? -1 : -1;
    return 0;
}

static int parse_rep(int argc, char **argv, rep_opts *o)
{
    memset(o, 0, sizeof *o);
    o->cmd = argv[1];
    o->busy_ms = 5000;
    o->format = SGL_FMT_TABLE;
    const int is_export = strcmp(o->cmd, "export") == 0, is_plot = strcmp(o->cmd, "plot") == 0;
    const char *curve = NULL;
    if (is_export) o->format = SGL_FMT_CSV;
    for (int i = 2; i < argc; ++i) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) { rep_usage(stdout); return 1; }
        if (strcmp(a, "--logx") == 0 && is_plot) { o->logx = 1; continue; }
        if (strcmp(a, "--logy") == 0 && is_plot) { o->logy = 1; continue; }
        const char **dst = NULL, *by = NULL;
        if (strcmp(a, "--obs") == 0 && !is_export) dst = &o->obs;
        else if (strcmp(a, "--by") == 0 && !is_export && !is_plot) dst = &by;
        else if (strcmp(a, "--x") == 0 && is_plot) dst = &o->x;
        else if (strcmp(a, "--curve") == 0 && is_plot) dst = &curve;
        else if (strcmp(a, "--table") == 0 && is_export) dst = &o->table;
        else if (strcmp(a, "--out") == 0 && (is_export || is_plot)) dst = &o->out;
        if (dst) {
            if (!v || !v[0]) return usage_err(a, "needs a value") ? -1 : -1;
            *dst = v;
            ++i;
            if (by && parse_by(by, o)) return -1;
            continue;
        }
        if (strcmp(a, "--where") == 0 && !is_export) {
            if (parse_where(v, o)) return -1;
            ++i;
            continue;
        }
        if (strcmp(a, "--step") == 0 && !is_export) {
            char *end;
            if (!v || (o->step = strtoll(v, &end, 10), *end || end == v || o->step < 0))
                return usage_err(a, "must be a step k (an integer >= 0)") ? -1 : -1;
            o->has_step = 1;
            ++i;
            continue;
        }
        if (strcmp(a, "--format") == 0 && !is_plot) {
            if (!v) return usage_err(a, "needs a value") ? -1 : -1;
            if (strcmp(v, "csv") == 0) o->format = SGL_FMT_CSV;
            else if (strcmp(v, "jsonl") == 0) o->format = SGL_FMT_JSONL;
            else if (strcmp(v, "table") == 0 && !is_export) o->format = SGL_FMT_TABLE;
            else {
                fprintf(stderr, "sgdlab: --format: unknown value '%s'; valid: %s\n", v,
                        is_export ? "csv, jsonl" : "table, csv, jsonl");
                return -1;
            }
            ++i;
            continue;
        }
        if (a[0] == '-' && a[1]) {
            fprintf(stderr, "sgdlab: %s: unknown flag for %s; valid: %s\n", a, o->cmd,
                    is_export ? "--table, --format, --out" :
                    is_plot ? "--x, --curve, --obs, --step, --where, --logx, --logy, --out" : "--obs, --by, --step, --where, --format");
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
    if (is_plot) {
        if (!o->x) return usage_err("--x", "required: a numeric run parameter, or step, t_eta") ? -1 : -1;
        if (parse_x(o)) return -1;
        if (curve && !(o->curve = lookup_key("--curve", curve, strlen(curve)))) return -1;
        if (o->curve && o->curve == o->xkey)
            return usage_err("--curve", "must differ from --x (one curve per value of another parameter)") ? -1 : -1;
        if (check_plot_out(o->out ? o->out : "plot.png")) return -1;
    }
    return 0;
}

/* A run parameter as an SQL expression on runs r.  The name comes from the
 * parameter table, never from the command line or the store.  A 64-bit
 * integer (seed) is the number's exact text in the stored JSON (->): SQLite
 * reads integers above 2^63 - 1 as doubles. */
static void key_sql(const sgl_param *p, char *buf, size_t len)
{
    if (p->type == SGL_PARAM_U64) snprintf(buf, len, "(r.params -> '$.\"%s\"')", p->name);
    else snprintf(buf, len, "json_extract(r.params, '$.\"%s\"')", p->name);
}

/* check (or pick) the observable */
static int pick_obs(sqlite3 *db, const char **obs, char **owned)
{
    sqlite3_stmt *q = NULL;
    char names[1024] = "";
    size_t k = 0;
    int found = 0, has_test = 0;
    char *first = NULL;
    *owned = NULL;
    if (sqlite3_prepare_v2(db, "SELECT DISTINCT observable FROM series ORDER BY observable", -1, &q, NULL) != SQLITE_OK) {
        fprintf(stderr, "sgdlab: cannot read the store: %s\n", sqlite3_errmsg(db));
        return -2;
    }
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        const char *s = (const char *)sqlite3_column_text(q, 0);
        if (!s) continue;
        if (!first) {
            size_t n = strlen(s) + 1;
            if (!(first = malloc(n))) break;   /* rc stays SQLITE_ROW: said below */
            memcpy(first, s, n);
        }
        if (*obs && strcmp(s, *obs) == 0) found = 1;
        if (strcmp(s, "test_error") == 0) has_test = 1;
        if (k < sizeof names) k += (size_t)snprintf(names + k, sizeof names - k, "%s%s", k ? ", " : "", s);
    }
    sqlite3_finalize(q);
    if (rc != SQLITE_DONE) {
        fprintf(stderr, "sgdlab: cannot read the store: %s\n", rc == SQLITE_ROW ? "out of memory" : sqlite3_errmsg(db));
        free(first);
        return -2;
    }
    if (!first) {
        fprintf(stderr, "sgdlab: the store has no time series yet (no finished run)\n");
        return -2;
    }
    if (!*obs) *obs = has_test ? "test_error" : (*owned = first);
    else if (!found) {
        fprintf(stderr, "sgdlab: --obs: '%s' is not in the store; valid: %s\n", *obs, names);
        free(first);
        return -1;
    }
    if (*owned != first) free(first);
    return 0;
}

/* keys whose value differs between finished runs (seed excluded: replicates) */
static size_t varying_keys(sqlite3 *db, const sgl_param **keys, size_t max)
{
    size_t n = 0;
    for (const sgl_param *p = sgl_params; p->name && n < max; ++p) {
        if (strcmp(p->name, "seed") == 0) continue;
        char sql[256], e[96];
        key_sql(p, e, sizeof e);
        snprintf(sql, sizeof sql, "SELECT count(DISTINCT %s) FROM runs r WHERE r.status = 'finished'", e);
        sqlite3_stmt *q = NULL;
        if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) == SQLITE_OK && sqlite3_step(q) == SQLITE_ROW &&
            sqlite3_column_int64(q, 0) > 1)
            keys[n++] = p;
        sqlite3_finalize(q);
    }
    return n;
}

/* ------------------------------------------------------------ aggregation */

typedef struct {
    char *val[MAX_KEYS + 1];       /* group values as text (the whole value: a long file name too) */
    int type[MAX_KEYS + 1];        /* SQLITE_INTEGER or _FLOAT: a number; _TEXT: a string; _NULL: null */
    double *x;                     /* values, in (run, traj) order */
    size_t n, cap, n_div, n_nonfinite, n_runs;
    long long last_run;
    long long step_min, step_max;
    double t_eta;                  /* of the last row (x = t_eta plots) */
} group;

typedef int (*group_fn)(void *user, size_t nk, const group *g, double mean, double se);

/* column c as text (buf when formatted here) and how JSON shows it; exact_text:
 * the column is a number's text from the stored JSON (->, a 64-bit key) */
static const char *col_val(sqlite3_stmt *q, int c, int exact_text, char *buf, size_t len, int *type)
{
    *type = sqlite3_column_type(q, c);
    switch (*type) {
    case SQLITE_NULL: return "null";
    case SQLITE_INTEGER: snprintf(buf, len, "%lld", (long long)sqlite3_column_int64(q, c)); return buf;
    case SQLITE_FLOAT: {
        /* shortest form that reads back to the same double (0.005, not 0.0050000000000000001) */
        double x = sqlite3_column_double(q, c);
        if (!isfinite(x)) {
            *type = SQLITE_NULL;
            snprintf(buf, len, "%s", isnan(x) ? "nan" : x > 0 ? "inf" : "-inf");
            return buf;
        }
        for (int p = 15; p <= 17; ++p) {
            snprintf(buf, len, "%.*g", p, x);
            if (strtod(buf, NULL) == x) break;
        }
        return buf;
    }
    default: {
        const char *s = (const char *)sqlite3_column_text(q, c);
        if (!s) s = "";
        if (exact_text) {   /* JSON text: a plain integer is a number, anything else a string */
            size_t i = 0;
            while (s[i] >= '0' && s[i] <= '9') ++i;
            *type = i > 0 && s[i] == '\0' ? SQLITE_INTEGER : SQLITE_TEXT;
        } else *type = SQLITE_TEXT;
        return s;
    }
    }
}

static void group_clear(group *g)
{
    for (size_t i = 0; i <= MAX_KEYS; ++i) free(g->val[i]);
    double *x = g->x;
    size_t cap = g->cap;
    memset(g, 0, sizeof *g);
    g->x = x;
    g->cap = cap;
    g->last_run = -1;
}

static int flush(group *g, size_t nk, group_fn fn, void *user)
{
    if (g->n == 0 && g->n_div == 0 && g->n_nonfinite == 0) return 0;
    double mean = g->n ? sgl_sum_fixed(g->x, g->n) / (double)g->n : NAN, ss = 0;
    for (size_t i = 0; i < g->n; ++i) ss += (g->x[i] - mean) * (g->x[i] - mean);
    double se = g->n > 1 ? sqrt(ss / (double)(g->n - 1) / (double)g->n) : NAN;
    return fn(user, nk, g, mean, se);
}

/* Group the observable's values at the chosen step by keys[0..nk) (a NULL key:
 * the step, for clock plots).  Every value is a bound parameter. */
static int aggregate(sqlite3 *db, const char *obs, const sgl_param *const *keys, size_t nk, const rep_opts *o,
                     int all_steps, group_fn fn, void *user)
{
    char sql[8192], e[96];
    size_t k = (size_t)snprintf(sql, sizeof sql, "SELECT ");
    for (size_t i = 0; i < nk; ++i) {
        if (keys[i]) key_sql(keys[i], e, sizeof e);
        else snprintf(e, sizeof e, "s.step");
        k += (size_t)snprintf(sql + k, sizeof sql - k, "%s, ", e);
    }
    k += (size_t)snprintf(
        sql + k, sizeof sql - k,
        "s.run_id, s.traj, s.step, s.t_eta, s.value,"
        " EXISTS(SELECT 1 FROM events e WHERE e.run_id = s.run_id AND e.traj = s.traj AND e.kind = 'diverged'"
        " AND e.time <= s.step)"
        " FROM series s JOIN runs r USING(run_id) WHERE r.status = 'finished' AND s.observable = ?1 AND %s",
        all_steps ? "1" : o->has_step ? "s.step = ?2"
                                      : "s.step = (SELECT max(step) FROM series s2 WHERE s2.run_id = s.run_id AND "
                                        "s2.observable = s.observable)");
    for (size_t i = 0; i < o->n_where; ++i) {
        key_sql(o->where_key[i], e, sizeof e);
        k += (size_t)snprintf(sql + k, sizeof sql - k, " AND %s = ?%zu", e, i + 3);
    }
    k += (size_t)snprintf(sql + k, sizeof sql - k, " ORDER BY ");
    for (size_t i = 0; i < nk; ++i) {
        if (keys[i] && keys[i]->type == SGL_PARAM_U64) {   /* decimal text in numeric order */
            key_sql(keys[i], e, sizeof e);
            k += (size_t)snprintf(sql + k, sizeof sql - k, "length(%s), %s, ", e, e);
        } else k += (size_t)snprintf(sql + k, sizeof sql - k, "%zu, ", i + 1);
    }
    snprintf(sql + k, sizeof sql - k, "s.run_id, s.traj");
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) != SQLITE_OK) {
        fprintf(stderr, "sgdlab: %s: query failed: %s\n", o->db, sqlite3_errmsg(db));
        return -1;
    }
    sqlite3_bind_text(q, 1, obs, -1, SQLITE_STATIC);
    if (o->has_step && !all_steps) sqlite3_bind_int64(q, 2, o->step);
    for (size_t i = 0; i < o->n_where; ++i) {
        int c = (int)i + 3;
        if (o->where_kind[i] == SQLITE_INTEGER) sqlite3_bind_int64(q, c, o->where_int[i]);
        else if (o->where_kind[i] == SQLITE_FLOAT) sqlite3_bind_double(q, c, o->where_dbl[i]);
        else sqlite3_bind_text(q, c, o->where_text[i], -1, SQLITE_STATIC);
    }
    group g;
    memset(&g, 0, sizeof g);
    g.last_run = -1;
    int rc = 0, any = 0, step_rc;
    while ((step_rc = sqlite3_step(q)) == SQLITE_ROW) {
        int same = any;
        for (size_t i = 0; i < nk && same; ++i) {
            char buf[64];
            int type;
            const char *v = col_val(q, (int)i, keys[i] && keys[i]->type == SGL_PARAM_U64, buf, sizeof buf, &type);
            same = type == g.type[i] && strcmp(v, g.val[i]) == 0;
        }
        if (!same) {
            if (any && (rc = flush(&g, nk, fn, user)) != 0) break;
            group_clear(&g);
            for (size_t i = 0; i < nk && rc == 0; ++i) {
                char buf[64];
                const char *v = col_val(q, (int)i, keys[i] && keys[i]->type == SGL_PARAM_U64, buf, sizeof buf,
                                        &g.type[i]);
                size_t len = strlen(v) + 1;
                if (!(g.val[i] = malloc(len))) rc = -1;
                else memcpy(g.val[i], v, len);
            }
            if (rc) {
                fprintf(stderr, "sgdlab: out of memory\n");
                break;
            }
            any = 1;
        }
        long long run = sqlite3_column_int64(q, (int)nk);
        long long step = sqlite3_column_int64(q, (int)nk + 2);
        if (run != g.last_run) { ++g.n_runs; g.last_run = run; }
        if (g.n_runs == 1 && g.n + g.n_div + g.n_nonfinite == 0) g.step_min = g.step_max = step;
        if (step < g.step_min) g.step_min = step;
        if (step > g.step_max) g.step_max = step;
        g.t_eta = sqlite3_column_double(q, (int)nk + 3);
        int div = sqlite3_column_int(q, (int)nk + 5);
        if (div) ++g.n_div;
        else if (sqlite3_column_type(q, (int)nk + 4) == SQLITE_NULL || !isfinite(sqlite3_column_double(q, (int)nk + 4)))
            ++g.n_nonfinite;
        else {
            if (g.n == g.cap) {
                size_t cap = g.cap ? 2 * g.cap : 256;
                double *nx = realloc(g.x, cap * sizeof *nx);
                if (!nx) {
                    fprintf(stderr, "sgdlab: out of memory\n");
                    rc = -1;
                    break;
                }
                g.x = nx;
                g.cap = cap;
            }
            g.x[g.n++] = sqlite3_column_double(q, (int)nk + 4);
        }
    }
    if (rc == 0 && step_rc != SQLITE_DONE && step_rc != SQLITE_ROW) {
        fprintf(stderr, "sgdlab: %s: query failed: %s\n", o->db, sqlite3_errmsg(db));
        rc = -1;
    }
    if (rc == 0 && any) rc = flush(&g, nk, fn, user);
    if (rc == 0 && !any) {
        fprintf(stderr, "sgdlab: no finished run has '%s'%s\n", obs, o->has_step ? " at that --step" : "");
        rc = -2;
    }
    group_clear(&g);
    free(g.x);
    sqlite3_finalize(q);
    return rc;
}

/* ---------------------------------------------------------------- report */

typedef struct { const rep_opts *o; const sgl_param *const *keys; const char *obs; } rep_ctx;

/* a group value in JSON: a number as is, NULL and non-finite as null, text as a string */
static void put_json_value(sgl_json *w, const char *v, int type)
{
    if (type == SQLITE_INTEGER || type == SQLITE_FLOAT) sgl_json_raw(w, v);
    else if (type == SQLITE_NULL) sgl_json_null(w);
    else sgl_json_string(w, v);
}

/* the end of one JSON line: a value that could not be quoted (out of memory) leaves the output incomplete */
static void json_line_end(sgl_json *w, FILE *f)
{
    if (sgl_json_status(w) == SGL_ENOMEM) quote_oom = 1;
    fputc('\n', f);
}

static int report_row(void *user, size_t nk, const group *g, double mean, double se)
{
    const rep_ctx *c = user;
    char stepbuf[64];
    if (g->step_min == g->step_max) snprintf(stepbuf, sizeof stepbuf, "%lld", g->step_min);
    else snprintf(stepbuf, sizeof stepbuf, "%lld..%lld", g->step_min, g->step_max);
    switch (c->o->format) {
    case SGL_FMT_TABLE: {
        for (size_t i = 0; i < nk; ++i) put_cell(g->val[i], 14);
        char cell[80];
        snprintf(cell, sizeof cell, "%.6g +- %.2g", mean, se);
        printf("%-28s %5zu %6zu %5zu %9zu %12s\n", cell, g->n_runs, g->n, g->n_div, g->n_nonfinite, stepbuf);
        break;
    }
    case SGL_FMT_CSV:
        for (size_t i = 0; i < nk; ++i) {
            put_quoted(stdout, sgl_quote_csv, g->val[i]);
            putchar(',');
        }
        sgl_print_double(stdout, mean, 0);
        putchar(',');
        sgl_print_double(stdout, se, 0);
        printf(",%zu,%zu,%zu,%zu,%lld,%lld\n", g->n_runs, g->n, g->n_div, g->n_nonfinite, g->step_min, g->step_max);
        break;
    case SGL_FMT_JSONL: {
        sgl_json w;
        sgl_json_to_file(&w, stdout);
        sgl_json_begin_object(&w);
        for (size_t i = 0; i < nk; ++i) {
            sgl_json_key(&w, c->keys[i]->name);
            put_json_value(&w, g->val[i], g->type[i]);
        }
        sgl_json_kstring(&w, "observable", c->obs);
        sgl_json_kdouble(&w, "mean", mean);
        sgl_json_kdouble(&w, "se", se);
        sgl_json_kuint(&w, "runs", g->n_runs);
        sgl_json_kuint(&w, "n", g->n);
        sgl_json_kuint(&w, "n_diverged", g->n_div);
        sgl_json_kuint(&w, "n_nonfinite", g->n_nonfinite);
        sgl_json_kint(&w, "step_min", g->step_min);
        sgl_json_kint(&w, "step_max", g->step_max);
        sgl_json_end_object(&w);
        json_line_end(&w, stdout);
        break;
    }
    }
    return write_failed(stdout) ? -3 : 0;
}

static int open_db(const rep_opts *o, sgl_store **st)
{
    sgl_err err = {{0}, {0}};
    struct stat sb;
    if (stat(o->db, &sb) != 0) {
        fprintf(stderr, "sgdlab: %s: no such results database '%s'\n", o->cmd, o->db);
        return SGL_EXIT_USAGE;
    }
    sgl_status s = sgl_store_open(o->db, SGL_STORE_READONLY, o->busy_ms, st, &err);
    if (s != SGL_OK) return sgl_cli_report(s, &err);
    return 0;
}

static int cmd_report(const rep_opts *o)
{
    sgl_store *st = NULL;
    int code = open_db(o, &st);
    if (code) return code;
    sqlite3 *db = sgl_store_db(st);
    const char *obs = o->obs;
    char *obs_owned = NULL;
    const sgl_param *keys[MAX_KEYS];
    size_t nk = 0;
    int r = pick_obs(db, &obs, &obs_owned);
    if (r) { code = r == -1 ? SGL_EXIT_USAGE : SGL_EXIT_FAIL; goto done; }
    if (o->has_by) {
        nk = o->n_by;
        memcpy(keys, o->by, nk * sizeof *keys);
    } else nk = varying_keys(db, keys, MAX_KEYS);
    rep_ctx c = {o, keys, obs};
    if (o->format == SGL_FMT_TABLE) {
        printf("# sgdlab report %s: %s at %s; mean +- standard error over the pooled trajectories of each group's "
               "finished runs (diverged and non-finite counted apart)\n# time unit: step = k (SGD steps)\n",
               o->db, obs, o->has_step ? "the chosen step" : "each run's final step");
        for (size_t i = 0; i < o->n_where; ++i)
            printf("%s%s = %s%s", i ? ", " : "# only runs with ", o->where_key[i]->name, o->where_val[i],
                   i + 1 == o->n_where ? "\n" : "");
        for (size_t i = 0; i < nk; ++i) printf("%-14s ", keys[i]->name);
        printf("%-28s %5s %6s %5s %9s %12s\n", "mean +- se", "runs", "n", "div", "nonfinite", "step");
    } else if (o->format == SGL_FMT_CSV) {
        for (size_t i = 0; i < nk; ++i) {
            put_quoted(stdout, sgl_quote_csv, keys[i]->name);
            putchar(',');
        }
        printf("mean,se,runs,n,n_diverged,n_nonfinite,step_min,step_max\n");
    }
    r = aggregate(db, obs, keys, nk, o, 0, report_row, &c);
    if (r) code = SGL_EXIT_FAIL;
    if (finish_write(stdout, "standard output")) code = SGL_EXIT_FAIL;
done:
    free(obs_owned);
    sgl_store_close(st, NULL);
    return code;
}

/* ---------------------------------------------------------------- export */

static void put_value(FILE *f, sqlite3_stmt *q, int c)   /* CSV */
{
    switch (sqlite3_column_type(q, c)) {
    case SQLITE_NULL: break;
    case SQLITE_INTEGER: fprintf(f, "%lld", (long long)sqlite3_column_int64(q, c)); break;
    case SQLITE_FLOAT: sgl_print_double(f, sqlite3_column_double(q, c), 0); break;
    default: put_quoted(f, sgl_quote_csv, (const char *)sqlite3_column_text(q, c));
    }
}

static void json_value(sgl_json *w, sqlite3_stmt *q, int c)
{
    switch (sqlite3_column_type(q, c)) {
    case SQLITE_NULL: sgl_json_null(w); break;
    case SQLITE_INTEGER: sgl_json_int(w, sqlite3_column_int64(q, c)); break;
    case SQLITE_FLOAT: sgl_json_double(w, sqlite3_column_double(q, c)); break;
    default: sgl_json_string(w, (const char *)sqlite3_column_text(q, c));
    }
}

static int cmd_export(const rep_opts *o)
{
    static const char *const tables[] = {"series", "runs", "estimates", "events", NULL};
    const char *table = o->table ? o->table : "series";
    int ok = 0;
    for (int i = 0; tables[i]; ++i) ok |= strcmp(tables[i], table) == 0;
    if (!ok) {
        fprintf(stderr, "sgdlab: --table: unknown table '%s'; valid: series, runs, estimates, events\n", table);
        return SGL_EXIT_USAGE;
    }
    sgl_store *st = NULL;
    int code = open_db(o, &st);
    if (code) return code;
    sqlite3 *db = sgl_store_db(st);
    char sql[4096];
    /* params: the stored JSON as is when it is JSON, else as a JSON string */
    size_t k = (size_t)snprintf(sql, sizeof sql, "SELECT r.run_key, CASE WHEN json_valid(r.params) THEN r.params "
                                                 "ELSE json_quote(r.params) END");
    for (const sgl_param *p = sgl_params; p->name; ++p)
        k += (size_t)snprintf(sql + k, sizeof sql - k, ", json_extract(r.params, '$.\"%s\"')", p->name);
    if (strcmp(table, "runs") == 0)
        snprintf(sql + k, sizeof sql - k,
                 ", r.command, r.status, r.seed, r.n_traj, r.sweep_id, r.sweep_index, r.version, r.git,"
                 " r.counter_layout, r.threads, r.ranks, r.started_at, r.finished_at, r.seconds FROM runs r"
                 " ORDER BY r.run_id");
    else if (strcmp(table, "series") == 0)
        snprintf(sql + k, sizeof sql - k,
                 ", t.observable, t.traj, t.step, t.t_eta, t.t_eta2, t.value FROM series t JOIN runs r"
                 " USING(run_id) WHERE r.status = 'finished' ORDER BY r.run_id, t.observable, t.traj, t.step");
    else if (strcmp(table, "estimates") == 0)
        snprintf(sql + k, sizeof sql - k,
                 ", t.name, t.method, t.step, t.time, t.time_unit, t.mean, t.se, t.ci_lo, t.ci_hi, t.min, t.max,"
                 " t.n, t.n_diverged, t.n_censored, t.n_nonfinite FROM estimates t JOIN runs r USING(run_id)"
                 " WHERE r.status = 'finished' ORDER BY r.run_id, t.name, t.step");
    else
        snprintf(sql + k, sizeof sql - k,
                 ", t.traj, t.kind, t.time, t.time_unit, t.censored, t.value FROM events t JOIN runs r"
                 " USING(run_id) WHERE r.status = 'finished' ORDER BY r.run_id, t.traj, t.kind, t.time");
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) != SQLITE_OK) {
        fprintf(stderr, "sgdlab: %s: query failed: %s\n", o->db, sqlite3_errmsg(db));
        sgl_store_close(st, NULL);
        return SGL_EXIT_FAIL;
    }
    /* --out: sgl_out (a temporary file renamed over FILE; a device written in place) */
    sgl_out out = {stdout, NULL, NULL, "--out"};
    if (o->out) {
        sgl_err err = {{0}, {0}};
        sgl_status s = sgl_out_open(&out, o->out, "--out", &err);
        if (s != SGL_OK) {
            sqlite3_finalize(q);
            sgl_store_close(st, NULL);
            return sgl_cli_report(s, &err);
        }
    }
    FILE *f = out.f;
    const int ncol = sqlite3_column_count(q);
    int np = 0;
    while (sgl_params[np].name) ++np;
    const int first_own = 2 + np;
    if (o->format == SGL_FMT_CSV) {
        fputs("run_key", f);
        for (int p = 0; p < np; ++p) {
            fputc(',', f);
            put_quoted(f, sgl_quote_csv, sgl_params[p].name);
        }
        for (int c = first_own; c < ncol; ++c) {
            fputc(',', f);
            put_quoted(f, sgl_quote_csv, sqlite3_column_name(q, c));
        }
        fputc('\n', f);
    }
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        if (o->format == SGL_FMT_CSV) {
            put_value(f, q, 0);
            for (int c = 2; c < ncol; ++c) {
                fputc(',', f);
                put_value(f, q, c);
            }
            fputc('\n', f);
        } else {
            sgl_json w;
            sgl_json_to_file(&w, f);
            sgl_json_begin_object(&w);
            sgl_json_key(&w, "run_key");
            json_value(&w, q, 0);
            sgl_json_key(&w, "params");   /* the stored JSON (or the text as a JSON string, see the SELECT) */
            sgl_json_raw(&w, (const char *)sqlite3_column_text(q, 1));
            for (int c = first_own; c < ncol; ++c) {
                sgl_json_key(&w, sqlite3_column_name(q, c));
                json_value(&w, q, c);
            }
            sgl_json_end_object(&w);
            json_line_end(&w, f);
        }
        if (write_failed(f)) break;
    }
    code = SGL_EXIT_OK;
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
        fprintf(stderr, "sgdlab: %s: read failed: %s\n", o->db, sqlite3_errmsg(db));
        code = SGL_EXIT_FAIL;
    }
    sqlite3_finalize(q);
    if (!o->out) {
        if (finish_write(stdout, "standard output")) code = SGL_EXIT_FAIL;
    } else if (code != SGL_EXIT_OK || quote_oom) {   /* a failed read: no partial file */
        if (quote_oom) fprintf(stderr, "sgdlab: cannot write --out '%s': %s\n", o->out, strerror(ENOMEM));
        sgl_out_abort(&out);
        code = SGL_EXIT_FAIL;
    }
    else if (sgl_out_commit(&out) != 0) code = SGL_EXIT_FAIL;   /* checks every write, says which failed */
    sgl_store_close(st, NULL);
    return code;
}

/* ------------------------------------------------------------------ plot */

typedef struct {
    FILE *dat;
    const char *x;
    int t_eta;                     /* x = t_eta: the clock value, not the step */
    const char *cur;               /* the current curve's value (owned by titles) */
    int cur_type;
    int n_curves;
    char *titles[64];
    size_t n_points;
} plot_ctx;

/* a value in a comment line of the data file: control characters as '?' */
static void put_comment(FILE *f, const char *s)
{
    for (; *s; ++s) fputc((unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s, f);
}

static int plot_row(void *user, size_t nk, const group *g, double mean, double se)
{
    plot_ctx *c = user;
    /* keys: [curve,] x  (clock x: the step column) */
    const char *curve = nk == 2 ? g->val[0] : "all";
    const int ctype = nk == 2 ? g->type[0] : SQLITE_TEXT;
    if (c->n_curves == 0 || ctype != c->cur_type || strcmp(curve, c->cur) != 0) {
        if (c->n_curves == 64) return 0;   /* at most 64 curves drawn */
        if (c->n_curves) fputs("\n\n", c->dat);
        size_t len = strlen(curve) + 1;
        if (!(c->titles[c->n_curves] = malloc(len))) {
            fprintf(stderr, "sgdlab: out of memory\n");
            return -1;
        }
        memcpy(c->titles[c->n_curves], curve, len);
        c->cur = c->titles[c->n_curves++];
        c->cur_type = ctype;
    }
    const char *xv = g->val[nk - 1];
    const int xnum = g->type[nk - 1] == SQLITE_INTEGER || g->type[nk - 1] == SQLITE_FLOAT;
    if (!xnum || !(g->n > 0)) {   /* drawn as a gap, said in the data file */
        fputs("# x = ", c->dat);
        put_comment(c->dat, xv);
        if (!xnum) fputs(": not a number in the store\n", c->dat);
        else fprintf(c->dat, ": no live trajectory (%zu diverged, %zu non-finite)\n", g->n_div, g->n_nonfinite);
        return write_failed(c->dat) ? -3 : 0;
    }
    if (c->t_eta) fprintf(c->dat, "%.17g", g->t_eta);
    else fputs(xv, c->dat);   /* a number's text, checked above */
    fprintf(c->dat, " %.17g %.17g %zu\n", mean, isfinite(se) ? se : 0.0, g->n);
    ++c->n_points;
    return write_failed(c->dat) ? -3 : 0;
}

/* a path as gnuplot must get it: "./" before a relative one, so that no name
 * is one of gnuplot's special files ('-', '+', '<command', '|command', '~/') */
static char *gp_path(const char *path)
{
    const char *pre = path[0] == '/' ? "" : "./";
    size_t n = strlen(pre) + strlen(path) + 1;
    char *s = malloc(n);
    if (s) snprintf(s, n, "%s%s", pre, path);
    return s;
}

/* a gnuplot single-quoted string of a + b + c */
static void put_gp3(FILE *f, const char *a, const char *b, const char *c)
{
    size_t n = strlen(a) + strlen(b) + strlen(c) + 1;
    char *s = malloc(n);
    if (!s) {
        quote_oom = 1;
        return;
    }
    snprintf(s, n, "%s%s%s", a, b, c);
    put_quoted(f, sgl_quote_gnuplot, s);
    free(s);
}

/* create path for writing, as a new or truncated regular file: refuses to
 * write through a symbolic link or into a device */
static FILE *create_regular(const char *path)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0666);
    if (fd < 0) return NULL;
    struct stat sb;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) || fcntl(fd, F_SETFL, 0) != 0) {
        close(fd);
        errno = EEXIST;
        return NULL;
    }
    FILE *f = fdopen(fd, "w");
    if (!f) close(fd);
    return f;
}

/* names plot writes beside --out FILE: FILE.dat, FILE.gp (kept on success) and
 * a temporary image renamed to FILE when gnuplot succeeded */
static int check_beside(const char *path)
{
    struct stat sb;
    if (lstat(path, &sb) == 0 && !S_ISREG(sb.st_mode)) {
        fprintf(stderr, "sgdlab: --out: '%s' exists and is not a regular file; refusing to replace it\n", path);
        return -1;
    }
    return 0;
}

static int cmd_plot(const rep_opts *o)
{
    const char *out = o->out ? o->out : "plot.png";
    size_t ol = strlen(out);
    const int svg = ol > 4 && strcmp(out + ol - 4, ".svg") == 0;
    char *dat = malloc(ol + 8), *gp = malloc(ol + 8), *tmp = malloc(ol + 16);
    char *q_out = NULL, *q_dat = NULL, *q_gp = NULL, *obs_owned = NULL;
    int code = SGL_EXIT_OK, have_dat = 0, have_gp = 0, have_tmp = 0;
    sgl_store *st = NULL;
    plot_ctx c;
    memset(&c, 0, sizeof c);
    if (!dat || !gp || !tmp) {
        fprintf(stderr, "sgdlab: out of memory\n");
        code = SGL_EXIT_FAIL;
        goto done;
    }
    snprintf(dat, ol + 8, "%s.dat", out);
    snprintf(gp, ol + 8, "%s.gp", out);
    if (check_beside(out) || check_beside(dat) || check_beside(gp)) {
        code = SGL_EXIT_USAGE;
        goto done;
    }
    if ((code = open_db(o, &st)) != 0) goto done;
    sqlite3 *db = sgl_store_db(st);
    const char *obs = o->obs;
    const sgl_param *keys[2];
    size_t nk = 0;
    int r = pick_obs(db, &obs, &obs_owned);
    if (r) { code = r == -1 ? SGL_EXIT_USAGE : SGL_EXIT_FAIL; goto done; }
    if (o->curve) keys[nk++] = o->curve;
    keys[nk++] = o->xkey;   /* NULL: the step */
    c.x = o->x;
    c.t_eta = strcmp(o->x, "t_eta") == 0;
    if (!(c.dat = create_regular(dat))) {
        fprintf(stderr, "sgdlab: --out: cannot write '%s': %s\n", dat, strerror(errno));
        code = SGL_EXIT_FAIL;
        goto done;
    }
    have_dat = 1;
    fputs("# sgdlab plot of ", c.dat);
    put_comment(c.dat, obs);
    fputs(": x mean se n (one block per curve)\n", c.dat);
    r = aggregate(db, obs, keys, nk, o, o->xkey == NULL, plot_row, &c);
    FILE *df = c.dat;
    c.dat = NULL;
    if (finish_write(df, dat) != 0 || r) { code = SGL_EXIT_FAIL; goto done; }
    /* the image goes to a temporary file beside FILE: a failed gnuplot leaves an old FILE as it was */
    snprintf(tmp, ol + 16, "%s.tmp-XXXXXX", out);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        fprintf(stderr, "sgdlab: --out: cannot write '%s': %s\n", out, strerror(errno));
        code = SGL_EXIT_FAIL;
        goto done;
    }
    have_tmp = 1;
    mode_t um = umask(0);
    umask(um);
    int fchmod_rc = fchmod(fd, 0666 & ~um);
    close(fd);
    FILE *g = fchmod_rc == 0 ? create_regular(gp) : NULL;
    if (!g) {
        fprintf(stderr, "sgdlab: --out: cannot write '%s': %s\n", fchmod_rc ? out : gp, strerror(errno));
        code = SGL_EXIT_FAIL;
        goto done;
    }
    have_gp = 1;
    if (!(q_out = gp_path(tmp)) || !(q_dat = gp_path(dat)) || !(q_gp = gp_path(gp))) {
        fclose(g);
        fprintf(stderr, "sgdlab: out of memory\n");
        code = SGL_EXIT_FAIL;
        goto done;
    }
    /* every string in the script is a gnuplot string expression of single-quoted strings (sgl_quote_gnuplot) */
    const char *xl = strcmp(o->x, "step") == 0 ? "step k (SGD steps)" : c.t_eta ? "t = sum eta_k (GD time)" : o->x;
    fprintf(g, "set terminal %s size 900,600\nset output ", svg ? "svg" : "pngcairo");
    put_quoted(g, sgl_quote_gnuplot, q_out);
    fputs("\nset title ", g);
    put_gp3(g, obs, ": mean +- SE over trajectories",
            !o->xkey ? "" : o->has_step ? " at the chosen step" : " at the final step");
    fputs(" noenhanced\nset xlabel ", g);
    put_quoted(g, sgl_quote_gnuplot, xl);
    fputs(" noenhanced\nset ylabel ", g);
    put_quoted(g, sgl_quote_gnuplot, obs);
    fputs(" noenhanced\nset key outside right\nset grid\n", g);
    if (o->logx) fputs("set logscale x\n", g);
    if (o->logy) fputs("set logscale y\n", g);
    fputs("plot ", g);
    for (int i = 0; i < c.n_curves; ++i) {
        if (i) fputs(", \\\n     ", g);
        put_quoted(g, sgl_quote_gnuplot, q_dat);
        fprintf(g, " index %d using 1:2:3 with yerrorlines title ", i);
        put_gp3(g, o->curve ? o->curve->name : "", o->curve ? " = " : "", c.titles[i]);
        fputs(" noenhanced", g);
    }
    fputc('\n', g);
    if (finish_write(g, gp) != 0) { code = SGL_EXIT_FAIL; goto done; }
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        execlp("gnuplot", "gnuplot", q_gp, (char *)NULL);   /* "./": never an option or '<command' */
        _exit(127);
    }
    int wst = 0;
    if (pid < 0 || waitpid(pid, &wst, 0) < 0 || !WIFEXITED(wst) || WEXITSTATUS(wst) != 0) {
        fprintf(stderr, "sgdlab: plot: gnuplot failed (%s); nothing written\n",
                pid < 0 ? strerror(errno)
                : WIFEXITED(wst) && WEXITSTATUS(wst) == 127 ? "not installed: apt-get install gnuplot-nox"
                                                            : "see above");
        code = SGL_EXIT_FAIL;
        goto done;
    }
    struct stat sb;
    if (stat(tmp, &sb) != 0 || sb.st_size == 0) {
        fprintf(stderr, "sgdlab: plot: gnuplot wrote no image for '%s'\n", out);
        code = SGL_EXIT_FAIL;
        goto done;
    }
    if (rename(tmp, out) != 0) {
        fprintf(stderr, "sgdlab: --out: cannot write '%s': %s\n", out, strerror(errno));
        code = SGL_EXIT_FAIL;
        goto done;
    }
    have_tmp = 0;
    fprintf(stderr, "sgdlab plot: %s (%d curves, %zu points; data %s, script %s)\n", out, c.n_curves, c.n_points, dat, gp);
done:
    if (c.dat) fclose(c.dat);
    if (code != SGL_EXIT_OK) {   /* nothing left behind */
        if (have_dat) remove(dat);
        if (have_gp) remove(gp);
    }
    if (have_tmp) remove(tmp);
    for (int i = 0; i < c.n_curves; ++i) free(c.titles[i]);
    free(q_out);
    free(q_dat);
    free(q_gp);
    free(obs_owned);
    free(dat);
    free(gp);
    free(tmp);
    sgl_store_close(st, NULL);
    return code;
}

int sgl_cmd_report(int argc, char **argv)
{
    rep_opts o;
    int r = parse_rep(argc, argv, &o);
    if (r) return r > 0 ? SGL_EXIT_OK : SGL_EXIT_USAGE;
    if (strcmp(o.cmd, "export") == 0) return cmd_export(&o);
    if (strcmp(o.cmd, "plot") == 0) return cmd_plot(&o);
    return cmd_report(&o);
}
