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
 * order, so a report is a fixed function of the store's contents. */
#include "cli.h"

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
    const char *by;        /* report: comma list */
    const char *x, *curve; /* plot */
    const char *table;     /* export */
    const char *out;
    int has_step;
    long long step;
    int logx, logy, busy_ms;
    sgl_format format;
    size_t n_where;           /* --where KEY=VALUE filters (report, plot) */
    char where_key[MAX_KEYS][64];
    const char *where_val[MAX_KEYS];
} rep_opts;

static int usage_err(const char *flag, const char *msg)
{
    fprintf(stderr, "sgdlab: %s: %s\n", flag, msg);
    return SGL_EXIT_USAGE;
}

static void rep_usage(FILE *f)
{
    fprintf(f,
            "usage: sgdlab report DB [--obs NAME] [--by KEY,KEY...] [--step K] [--where KEY=VALUE]...\n"
            "                        [--format table|csv|jsonl]\n"
            "       sgdlab export DB [--table series|runs|estimates|events] [--format csv|jsonl] [--out FILE]\n"
            "       sgdlab plot   DB --x KEY|step|t_eta [--curve KEY] [--obs NAME] [--step K] [--where KEY=VALUE]...\n"
            "                        [--logx] [--logy] [--out FILE.png|FILE.svg]\n"
            "  KEY: a run parameter (sgdlab sweep --keys); NAME: an observable in the store (default test_error\n"
            "  when present); --step K: use step k = K instead of each run's final step\n");
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
        const char **dst = NULL;
        if (strcmp(a, "--obs") == 0 && !is_export) dst = &o->obs;
        else if (strcmp(a, "--by") == 0 && !is_export && !is_plot) dst = &o->by;
        else if (strcmp(a, "--x") == 0 && is_plot) dst = &o->x;
        else if (strcmp(a, "--curve") == 0 && is_plot) dst = &o->curve;
        else if (strcmp(a, "--table") == 0 && is_export) dst = &o->table;
        else if (strcmp(a, "--out") == 0 && (is_export || is_plot)) dst = &o->out;
        if (dst) {
            if (!v || !v[0]) return usage_err(a, "needs a value") ? -1 : -1;
            *dst = v;
            ++i;
            continue;
        }
        if (strcmp(a, "--where") == 0 && !is_export) {
            const char *eq = v ? strchr(v, '=') : NULL;
            if (!eq || eq == v || (size_t)(eq - v) >= sizeof o->where_key[0])
                return usage_err(a, "must be KEY=VALUE with KEY a run parameter, e.g. --where noise=label") ? -1 : -1;
            if (o->n_where == MAX_KEYS) return usage_err(a, "at most 8 filters") ? -1 : -1;
            memcpy(o->where_key[o->n_where], v, (size_t)(eq - v));
            o->where_key[o->n_where][eq - v] = '\0';
            if (!sgl_param_lookup(o->where_key[o->n_where], strlen(o->where_key[o->n_where]))) {
                char names[600];
                sgl_param_names(names, sizeof names);
                fprintf(stderr, "sgdlab: --where: unknown parameter '%s'; valid: %s\n", o->where_key[o->n_where], names);
                return -1;
            }
            o->where_val[o->n_where++] = eq + 1;
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
    if (is_plot && !o->x) return usage_err("--x", "required: a run parameter, or step, t_eta, t_eta2") ? -1 : -1;
    return 0;
}

/* a run-parameter key -> SQL expression on runs r */
static int key_expr(const char *key, char *buf, size_t len)
{
    if (!sgl_param_lookup(key, strlen(key))) {
        char names[600];
        sgl_param_names(names, sizeof names);
        fprintf(stderr, "sgdlab: unknown parameter '%s'; valid: %s\n", key, names);
        return -1;
    }
    snprintf(buf, len, "json_extract(r.params, '$.\"%s\"')", key);
    return 0;
}

static int is_clock(const char *x)
{
    return strcmp(x, "step") == 0 || strcmp(x, "t_eta") == 0 || strcmp(x, "t_eta2") == 0;
}

/* check (or pick) the observable */
static int pick_obs(sqlite3 *db, const char **obs)
{
    sqlite3_stmt *q = NULL;
    char names[1024] = "";
    size_t k = 0;
    int found = 0, has_test = 0;
    static char first[64];
    first[0] = '\0';
    if (sqlite3_prepare_v2(db, "SELECT DISTINCT observable FROM series ORDER BY observable", -1, &q, NULL) != SQLITE_OK)
        return -1;
    while (sqlite3_step(q) == SQLITE_ROW) {
        const char *s = (const char *)sqlite3_column_text(q, 0);
        if (!first[0]) snprintf(first, sizeof first, "%s", s);
        if (*obs && strcmp(s, *obs) == 0) found = 1;
        if (strcmp(s, "test_error") == 0) has_test = 1;
        if (k < sizeof names) k += (size_t)snprintf(names + k, sizeof names - k, "%s%s", k ? ", " : "", s);
    }
    sqlite3_finalize(q);
    if (!first[0]) {
        fprintf(stderr, "sgdlab: the store has no time series yet (no finished run)\n");
        return -2;
    }
    if (!*obs) *obs = has_test ? "test_error" : first;
    else if (!found) {
        fprintf(stderr, "sgdlab: --obs: '%s' is not in the store; valid: %s\n", *obs, names);
        return -1;
    }
    return 0;
}

/* keys whose value differs between finished runs (seed excluded: replicates) */
static size_t varying_keys(sqlite3 *db, const char **keys, size_t max)
{
    size_t n = 0;
    for (const sgl_param *p = sgl_params; p->name && n < max; ++p) {
        if (strcmp(p->name, "seed") == 0) continue;
        char sql[256];
        snprintf(sql, sizeof sql,
                 "SELECT count(DISTINCT json_extract(params, '$.\"%s\"')) FROM runs WHERE status = 'finished'", p->name);
        sqlite3_stmt *q = NULL;
        if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) == SQLITE_OK && sqlite3_step(q) == SQLITE_ROW &&
            sqlite3_column_int64(q, 0) > 1)
            keys[n++] = p->name;
        sqlite3_finalize(q);
    }
    return n;
}

/* ------------------------------------------------------------ aggregation */

typedef struct {
    char val[MAX_KEYS + 1][128];   /* group values as text */
    double sum, ss_unused;
    double *x;                     /* values, in (run, traj) order */
    size_t n, cap, n_div, n_nonfinite, n_runs;
    long long last_run;
    long long step_min, step_max;
    double t_eta;                  /* of the last row (x = t_eta plots) */
} group;

typedef int (*group_fn)(void *user, size_t nk, const group *g, double mean, double se);

static void col_text(sqlite3_stmt *q, int c, char *buf, size_t len)
{
    switch (sqlite3_column_type(q, c)) {
    case SQLITE_NULL: snprintf(buf, len, "null"); break;
    case SQLITE_INTEGER: snprintf(buf, len, "%lld", (long long)sqlite3_column_int64(q, c)); break;
    case SQLITE_FLOAT: {
        /* shortest form that reads back to the same double (0.005, not 0.0050000000000000001) */
        double x = sqlite3_column_double(q, c);
        for (int p = 15; p <= 17; ++p) {
            snprintf(buf, len, "%.*g", p, x);
            if (strtod(buf, NULL) == x) break;
        }
        break;
    }
    default: snprintf(buf, len, "%s", (const char *)sqlite3_column_text(q, c)); break;
    }
}

static int flush(group *g, size_t nk, group_fn fn, void *user)
{
    if (g->n == 0 && g->n_div == 0 && g->n_nonfinite == 0) return 0;
    double mean = g->n ? sgl_sum_fixed(g->x, g->n) / (double)g->n : NAN, ss = 0;
    for (size_t i = 0; i < g->n; ++i) ss += (g->x[i] - mean) * (g->x[i] - mean);
    double se = g->n > 1 ? sqrt(ss / (double)(g->n - 1) / (double)g->n) : NAN;
    return fn(user, nk, g, mean, se);
}

/* Group the observable's values at the chosen step by exprs[0..nk). */
static int aggregate(sqlite3 *db, const char *obs, const char *const *exprs, size_t nk, const rep_opts *o,
                     int all_steps, group_fn fn, void *user)
{
    char sql[4096];
    size_t k = (size_t)snprintf(sql, sizeof sql, "SELECT ");
    for (size_t i = 0; i < nk; ++i) k += (size_t)snprintf(sql + k, sizeof sql - k, "%s, ", exprs[i]);
    k += (size_t)snprintf(
        sql + k, sizeof sql - k,
        "s.run_id, s.traj, s.step, s.t_eta, s.value,"
        " EXISTS(SELECT 1 FROM events e WHERE e.run_id = s.run_id AND e.traj = s.traj AND e.kind = 'diverged'"
        " AND e.time <= s.step)"
        " FROM series s JOIN runs r USING(run_id) WHERE r.status = 'finished' AND s.observable = ?1 AND %s",
        all_steps ? "1" : o->has_step ? "s.step = ?2"
                                      : "s.step = (SELECT max(step) FROM series s2 WHERE s2.run_id = s.run_id AND "
                                        "s2.observable = s.observable)");
    for (size_t i = 0; i < o->n_where; ++i)
        k += (size_t)snprintf(sql + k, sizeof sql - k, " AND json_extract(r.params, '$.\"%s\"') = ?%zu",
                              o->where_key[i], i + 3);
    k += (size_t)snprintf(sql + k, sizeof sql - k, " ORDER BY ");
    for (size_t i = 0; i < nk; ++i) k += (size_t)snprintf(sql + k, sizeof sql - k, "%zu, ", i + 1);
    snprintf(sql + k, sizeof sql - k, "s.run_id, s.traj");
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) != SQLITE_OK) {
        fprintf(stderr, "sgdlab: %s: query failed: %s\n", o->db, sqlite3_errmsg(db));
        return -1;
    }
    sqlite3_bind_text(q, 1, obs, -1, SQLITE_STATIC);
    if (o->has_step && !all_steps) sqlite3_bind_int64(q, 2, o->step);
    for (size_t i = 0; i < o->n_where; ++i) {
        /* a number compares as a number (0.001 == 1e-3), anything else as text */
        char *end;
        double x = strtod(o->where_val[i], &end);
        if (o->where_val[i][0] && *end == '\0') sqlite3_bind_double(q, (int)i + 3, x);
        else sqlite3_bind_text(q, (int)i + 3, o->where_val[i], -1, SQLITE_STATIC);
    }
    group g;
    memset(&g, 0, sizeof g);
    g.last_run = -1;
    int rc = 0, any = 0, step_rc;
    while ((step_rc = sqlite3_step(q)) == SQLITE_ROW) {
        char val[MAX_KEYS + 1][128];
        for (size_t i = 0; i < nk; ++i) col_text(q, (int)i, val[i], sizeof val[i]);
        int same = any;
        for (size_t i = 0; i < nk && same; ++i) same = strcmp(val[i], g.val[i]) == 0;
        if (!same) {
            if (any && (rc = flush(&g, nk, fn, user)) != 0) break;
            double *x = g.x;
            size_t cap = g.cap;
            memset(&g, 0, sizeof g);
            g.x = x;
            g.cap = cap;
            g.last_run = -1;
            memcpy(g.val, val, sizeof val);
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
                if (!nx) { rc = -1; break; }
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
    free(g.x);
    sqlite3_finalize(q);
    return rc;
}

/* ---------------------------------------------------------------- report */

typedef struct { const rep_opts *o; const char *const *keys; const char *obs; } rep_ctx;

static void print_num(double x, int json)
{
    sgl_print_double(stdout, x, json);
}

static int report_row(void *user, size_t nk, const group *g, double mean, double se)
{
    const rep_ctx *c = user;
    char stepbuf[64];
    if (g->step_min == g->step_max) snprintf(stepbuf, sizeof stepbuf, "%lld", g->step_min);
    else snprintf(stepbuf, sizeof stepbuf, "%lld..%lld", g->step_min, g->step_max);
    switch (c->o->format) {
    case SGL_FMT_TABLE: {
        for (size_t i = 0; i < nk; ++i) printf("%-14s ", g->val[i]);
        char cell[80];
        snprintf(cell, sizeof cell, "%.6g +- %.2g", mean, se);
        printf("%-28s %5zu %6zu %5zu %9zu %12s\n", cell, g->n_runs, g->n, g->n_div, g->n_nonfinite, stepbuf);
        break;
    }
    case SGL_FMT_CSV:
        for (size_t i = 0; i < nk; ++i) printf("%s,", g->val[i]);
        print_num(mean, 0);
        putchar(',');
        print_num(se, 0);
        printf(",%zu,%zu,%zu,%zu,%lld,%lld\n", g->n_runs, g->n, g->n_div, g->n_nonfinite, g->step_min, g->step_max);
        break;
    case SGL_FMT_JSONL:
        printf("{");
        for (size_t i = 0; i < nk; ++i) {
            const char *v = g->val[i];
            char *end;
            strtod(v, &end);
            int num = *v && !*end && strcmp(v, "nan") != 0 && strcmp(v, "inf") != 0;
            if (num || strcmp(v, "null") == 0) printf("\"%s\":%s,", c->keys[i], v);
            else printf("\"%s\":\"%s\",", c->keys[i], v);
        }
        printf("\"observable\":\"%s\",\"mean\":", c->obs);
        print_num(mean, 1);
        printf(",\"se\":");
        print_num(se, 1);
        printf(",\"runs\":%zu,\"n\":%zu,\"n_diverged\":%zu,\"n_nonfinite\":%zu,\"step_min\":%lld,\"step_max\":%lld}\n",
               g->n_runs, g->n, g->n_div, g->n_nonfinite, g->step_min, g->step_max);
        break;
    }
    return 0;
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
    const char *keys[MAX_KEYS];
    char exprs_buf[MAX_KEYS][96];
    const char *exprs[MAX_KEYS];
    size_t nk = 0;
    char bycopy[512];
    int r = pick_obs(db, &obs);
    if (r) { code = r == -1 ? SGL_EXIT_USAGE : SGL_EXIT_FAIL; goto done; }
    if (o->by) {
        snprintf(bycopy, sizeof bycopy, "%s", o->by);
        for (char *tok = strtok(bycopy, ","); tok; tok = strtok(NULL, ",")) {
            if (nk == MAX_KEYS) { code = usage_err("--by", "at most 8 keys"); goto done; }
            keys[nk++] = tok;
        }
    } else nk = varying_keys(db, keys, MAX_KEYS);
    for (size_t i = 0; i < nk; ++i) {
        if (key_expr(keys[i], exprs_buf[i], sizeof exprs_buf[i])) { code = SGL_EXIT_USAGE; goto done; }
        exprs[i] = exprs_buf[i];
    }
    rep_ctx c = {o, keys, obs};
    if (o->format == SGL_FMT_TABLE) {
        printf("# sgdlab report %s: %s at %s; mean +- standard error over the pooled trajectories of each group's "
               "finished runs (diverged and non-finite counted apart)\n# time unit: step = k (SGD steps)\n",
               o->db, obs, o->has_step ? "the chosen step" : "each run's final step");
        for (size_t i = 0; i < o->n_where; ++i)
            printf("%s%s = %s%s", i ? ", " : "# only runs with ", o->where_key[i], o->where_val[i],
                   i + 1 == o->n_where ? "\n" : "");
        for (size_t i = 0; i < nk; ++i) printf("%-14s ", keys[i]);
        printf("%-28s %5s %6s %5s %9s %12s\n", "mean +- se", "runs", "n", "div", "nonfinite", "step");
    } else if (o->format == SGL_FMT_CSV) {
        for (size_t i = 0; i < nk; ++i) printf("%s,", keys[i]);
        printf("mean,se,runs,n,n_diverged,n_nonfinite,step_min,step_max\n");
    }
    r = aggregate(db, obs, exprs, nk, o, 0, report_row, &c);
    if (r) code = r == -2 ? SGL_EXIT_FAIL : SGL_EXIT_FAIL;
    fflush(stdout);
    if (ferror(stdout)) code = SGL_EXIT_FAIL;
done:
    sgl_store_close(st, NULL);
    return code;
}

/* ---------------------------------------------------------------- export */

static void csv_field(FILE *f, const char *s)
{
    if (strpbrk(s, ",\"\n\r")) {
        fputc('"', f);
        for (; *s; ++s) {
            if (*s == '"') fputc('"', f);
            fputc(*s, f);
        }
        fputc('"', f);
    } else fputs(s, f);
}

static void json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *c = (const unsigned char *)s; *c; ++c) {
        if (*c == '"' || *c == '\\') fprintf(f, "\\%c", *c);
        else if (*c < 0x20) fprintf(f, "\\u%04x", *c);
        else fputc(*c, f);
    }
    fputc('"', f);
}

static void put_value(FILE *f, sqlite3_stmt *q, int c, int json)
{
    switch (sqlite3_column_type(q, c)) {
    case SQLITE_NULL: if (json) fputs("null", f); break;
    case SQLITE_INTEGER: fprintf(f, "%lld", (long long)sqlite3_column_int64(q, c)); break;
    case SQLITE_FLOAT: sgl_print_double(f, sqlite3_column_double(q, c), json); break;
    default:
        if (json) json_str(f, (const char *)sqlite3_column_text(q, c));
        else csv_field(f, (const char *)sqlite3_column_text(q, c));
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
    char sql[2048];
    size_t k = (size_t)snprintf(sql, sizeof sql, "SELECT r.run_key, r.params");
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
    FILE *f = stdout;
    char *tmp = NULL;
    if (o->out) {
        size_t len = strlen(o->out) + 8;
        tmp = malloc(len);
        if (tmp) snprintf(tmp, len, "%s.tmp", o->out);
        if (!tmp || !(f = fopen(tmp, "w"))) {
            fprintf(stderr, "sgdlab: --out: cannot write '%s'\n", o->out);
            free(tmp);
            sqlite3_finalize(q);
            sgl_store_close(st, NULL);
            return SGL_EXIT_FAIL;
        }
    }
    const int ncol = sqlite3_column_count(q), nparam = (int)(ncol - 2 - (ncol - 2));
    (void)nparam;
    int np = 0;
    while (sgl_params[np].name) ++np;
    const int first_own = 2 + np;
    if (o->format == SGL_FMT_CSV) {
        fputs("run_key", f);
        for (int p = 0; p < np; ++p) fprintf(f, ",%s", sgl_params[p].name);
        for (int c = first_own; c < ncol; ++c) fprintf(f, ",%s", sqlite3_column_name(q, c));
        fputc('\n', f);
    }
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        if (o->format == SGL_FMT_CSV) {
            put_value(f, q, 0, 0);
            for (int c = 2; c < ncol; ++c) {
                fputc(',', f);
                put_value(f, q, c, 0);
            }
            fputc('\n', f);
        } else {
            fputs("{\"run_key\":", f);
            put_value(f, q, 0, 1);
            fprintf(f, ",\"params\":%s", (const char *)sqlite3_column_text(q, 1));
            for (int c = first_own; c < ncol; ++c) {
                fprintf(f, ",\"%s\":", sqlite3_column_name(q, c));
                put_value(f, q, c, 1);
            }
            fputs("}\n", f);
        }
    }
    code = SGL_EXIT_OK;
    if (rc != SQLITE_DONE) {
        fprintf(stderr, "sgdlab: %s: read failed: %s\n", o->db, sqlite3_errmsg(db));
        code = SGL_EXIT_FAIL;
    }
    sqlite3_finalize(q);
    if (o->out) {
        int bad = ferror(f) | (fclose(f) != 0);
        if (code == SGL_EXIT_OK && (bad || rename(tmp, o->out) != 0)) {
            fprintf(stderr, "sgdlab: --out: cannot write '%s'\n", o->out);
            code = SGL_EXIT_FAIL;
        }
        if (code != SGL_EXIT_OK) remove(tmp);
        free(tmp);
    } else {
        fflush(stdout);
        if (ferror(stdout)) code = SGL_EXIT_FAIL;
    }
    sgl_store_close(st, NULL);
    return code;
}

/* ------------------------------------------------------------------ plot */

typedef struct {
    FILE *dat;
    int is_clock;
    const char *x;
    char cur[128];
    int n_curves;
    char titles[64][128];
    size_t n_points;
} plot_ctx;

static int plot_row(void *user, size_t nk, const group *g, double mean, double se)
{
    plot_ctx *c = user;
    /* keys: [curve,] x  (clock x: the step column) */
    const char *curve = nk == 2 ? g->val[0] : "all";
    if (c->n_curves == 0 || strcmp(curve, c->cur) != 0) {
        if (c->n_curves == 64) return 0;   /* at most 64 curves drawn */
        if (c->n_curves) fputs("\n\n", c->dat);
        snprintf(c->cur, sizeof c->cur, "%s", curve);
        snprintf(c->titles[c->n_curves++], sizeof c->titles[0], "%s", curve);
    }
    const char *xv = g->val[nk - 1];
    if (!(g->n > 0)) {   /* drawn as a gap, said in the data file */
        fprintf(c->dat, "# x = %s: no live trajectory (%zu diverged, %zu non-finite)\n", xv, g->n_div, g->n_nonfinite);
        return 0;
    }
    if (c->is_clock && strcmp(c->x, "t_eta") == 0) fprintf(c->dat, "%.17g", g->t_eta);
    else fputs(xv, c->dat);
    fprintf(c->dat, " %.17g %.17g %zu\n", mean, isfinite(se) ? se : 0.0, g->n);
    ++c->n_points;
    return 0;
}

static int cmd_plot(const rep_opts *o)
{
    const char *out = o->out ? o->out : "plot.png";
    size_t ol = strlen(out);
    const int svg = ol > 4 && strcmp(out + ol - 4, ".svg") == 0;
    const int png = ol > 4 && strcmp(out + ol - 4, ".png") == 0;
    if (!svg && !png) return usage_err("--out", "must end in .png or .svg");
    if (strcmp(o->x, "t_eta2") == 0) return usage_err("--x", "t_eta2 is not plotted yet; use step or t_eta");
    sgl_store *st = NULL;
    int code = open_db(o, &st);
    if (code) return code;
    sqlite3 *db = sgl_store_db(st);
    const char *obs = o->obs;
    char e0[96], e1[96];
    const char *exprs[2];
    size_t nk = 0;
    int r = pick_obs(db, &obs);
    if (r) { code = r == -1 ? SGL_EXIT_USAGE : SGL_EXIT_FAIL; goto done; }
    if (o->curve) {
        if (key_expr(o->curve, e0, sizeof e0)) { code = SGL_EXIT_USAGE; goto done; }
        exprs[nk++] = e0;
    }
    const int clock = is_clock(o->x);
    if (clock) snprintf(e1, sizeof e1, "s.step");
    else if (key_expr(o->x, e1, sizeof e1)) { code = SGL_EXIT_USAGE; goto done; }
    exprs[nk++] = e1;
    char dat[1024], gp[1024];
    snprintf(dat, sizeof dat, "%s.dat", out);
    snprintf(gp, sizeof gp, "%s.gp", out);
    plot_ctx c;
    memset(&c, 0, sizeof c);
    c.is_clock = clock;
    c.x = o->x;
    if (!(c.dat = fopen(dat, "w"))) {
        fprintf(stderr, "sgdlab: --out: cannot write '%s'\n", dat);
        code = SGL_EXIT_FAIL;
        goto done;
    }
    fprintf(c.dat, "# sgdlab plot of %s: x mean se n (one block per curve)\n", obs);
    r = aggregate(db, obs, exprs, nk, o, clock, plot_row, &c);
    if (fclose(c.dat) != 0 || r) { code = SGL_EXIT_FAIL; goto done; }
    FILE *g = fopen(gp, "w");
    if (!g) {
        fprintf(stderr, "sgdlab: --out: cannot write '%s'\n", gp);
        code = SGL_EXIT_FAIL;
        goto done;
    }
    const char *xl = strcmp(o->x, "step") == 0 ? "step k (SGD steps)" : strcmp(o->x, "t_eta") == 0 ? "t = sum eta_k (GD time)" : o->x;
    fprintf(g, "set terminal %s size 900,600\nset output '%s'\n", svg ? "svg" : "pngcairo", out);
    fprintf(g, "set title \"%s: mean +- SE over trajectories%s\" noenhanced\n", obs,
            clock ? "" : o->has_step ? " at the chosen step" : " at the final step");
    fprintf(g, "set xlabel \"%s\" noenhanced\nset ylabel \"%s\" noenhanced\nset key outside right\nset grid\n", xl, obs);
    if (o->logx) fputs("set logscale x\n", g);
    if (o->logy) fputs("set logscale y\n", g);
    fputs("plot ", g);
    for (int i = 0; i < c.n_curves; ++i)
        fprintf(g, "%s'%s' index %d using 1:2:3 with yerrorlines title \"%s%s%s\" noenhanced", i ? ", \\\n     " : "",
                dat, i, o->curve ? o->curve : "", o->curve ? " = " : "", c.titles[i]);
    fputc('\n', g);
    if (fclose(g) != 0) { code = SGL_EXIT_FAIL; goto done; }
    remove(out);
    pid_t pid = fork();
    if (pid == 0) {
        execlp("gnuplot", "gnuplot", gp, (char *)NULL);
        _exit(127);
    }
    int wst = 0;
    if (pid < 0 || waitpid(pid, &wst, 0) < 0 || !WIFEXITED(wst) || WEXITSTATUS(wst) != 0) {
        fprintf(stderr, "sgdlab: plot: gnuplot failed (%s); data in '%s', script in '%s'\n",
                WIFEXITED(wst) && WEXITSTATUS(wst) == 127 ? "not installed: apt-get install gnuplot-nox" : "see above",
                dat, gp);
        code = SGL_EXIT_FAIL;
        goto done;
    }
    struct stat sb;
    if (stat(out, &sb) != 0 || sb.st_size == 0) {
        fprintf(stderr, "sgdlab: plot: gnuplot wrote no '%s'\n", out);
        code = SGL_EXIT_FAIL;
        goto done;
    }
    fprintf(stderr, "sgdlab plot: %s (%d curves, %zu points; data %s, script %s)\n", out, c.n_curves, c.n_points, dat, gp);
done:
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
