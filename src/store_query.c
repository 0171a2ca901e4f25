/* Reading the results store: the queries behind `sgdlab report | export |
 * plot` (declared in include/sgdlab.h, "reading a store").
 *
 * The SQL text holds nothing but parameter names that are either rows of the
 * run table or names read from the store itself, and those only inside a
 * JSON path string with every '"' and '\' refused (key_sql); every value a
 * user gives is a bound parameter.  A 64-bit key (seed) is read as the exact
 * decimal text of the stored JSON (->), never as a double: SQLite reads
 * integers above 2^63 - 1 as doubles. */
#include "internal.h"

#include <math.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#define MAXK SGL_QUERY_MAX_KEYS

static sgl_status q_fail(sgl_store *st, sgl_err *err, const char *what)
{
    return sgl_fail(err, SGL_EIO, "--db", "%s: %s: %s", sgl_store_path(st), what, sqlite3_errmsg(sgl_store_db(st)));
}

static sgl_status oom(sgl_err *err) { return sgl_fail(err, SGL_ENOMEM, "--db", "out of memory"); }

/* ------------------------------------------------------------ SQL pieces */

/* a key name usable inside the JSON path '$."NAME"' of the SQL text */
static int key_ok(const char *name)
{
    if (!name || !name[0] || strlen(name) > 60) return 0;
    for (const unsigned char *c = (const unsigned char *)name; *c; ++c)
        if (*c < 0x20 || *c == '"' || *c == '\\' || *c == '\'' || *c == 0x7f) return 0;
    return 1;
}

/* compared and grouped as the exact text of the stored number */
static int key_exact(const char *name)
{
    const sgl_param *p = sgl_param_lookup(name, strlen(name));
    return p && p->type == SGL_PARAM_U64;
}

/* a parameter as an SQL expression on runs r */
static void key_sql(const char *name, char *buf, size_t len)
{
    if (key_exact(name)) snprintf(buf, len, "(r.params -> '$.\"%s\"')", name);
    else snprintf(buf, len, "json_extract(r.params, '$.\"%s\"')", name);
}

/* the kind of run r as an SQL expression: the runs table's `kind` column when
 * the store has one, else told from the stored parameters */
static void kind_sql(sqlite3 *db, char *buf, size_t len)
{
    static const char guess[] =
        "CASE WHEN NOT json_valid(r.params) THEN 'run' WHEN json_type(r.params, '$.landscape') IS NOT NULL "
        "THEN 'escape' WHEN json_extract(r.params, '$.kind') = 'limit' THEN 'limit' ELSE 'run' END";
    sqlite3_stmt *q = NULL;
    int has = sqlite3_prepare_v2(db, "SELECT 1 FROM pragma_table_info('runs') WHERE name = 'kind'", -1, &q, NULL) ==
                  SQLITE_OK && sqlite3_step(q) == SQLITE_ROW;
    sqlite3_finalize(q);
    if (has) snprintf(buf, len, "coalesce(r.kind, %s)", guess);
    else snprintf(buf, len, "(%s)", guess);
}

/* column c of q as a value; buf holds a formatted number's text.  exact: the
 * column is a number's text from the stored JSON (->, a 64-bit key); full: a
 * double's text is %.17g (export), else the shortest that reads back */
static void read_value(sqlite3_stmt *q, int c, int exact, int full, char *buf, size_t len, sgl_value *v)
{
    memset(v, 0, sizeof *v);
    switch (sqlite3_column_type(q, c)) {
    case SQLITE_NULL: v->type = SGL_VAL_NULL; v->text = "null"; return;
    case SQLITE_INTEGER:
        v->type = SGL_VAL_INT;
        v->i = sqlite3_column_int64(q, c);
        v->x = (double)v->i;
        snprintf(buf, len, "%lld", (long long)v->i);
        v->text = buf;
        return;
    case SQLITE_FLOAT: {
        double x = sqlite3_column_double(q, c);
        v->x = x;
        if (!isfinite(x)) {
            v->type = SGL_VAL_NULL;
            v->text = isnan(x) ? "nan" : x > 0 ? "inf" : "-inf";
            return;
        }
        v->type = SGL_VAL_REAL;
        /* shortest form that reads back to the same double (0.005, not 0.0050000000000000001) */
        for (int p = full ? 17 : 15; p <= 17; ++p) {
            snprintf(buf, len, "%.*g", p, x);
            if (strtod(buf, NULL) == x) break;
        }
        v->text = buf;
        return;
    }
    default: {
        const char *s = (const char *)sqlite3_column_text(q, c);
        v->text = s ? s : "";
        v->type = SGL_VAL_TEXT;
        if (exact) {   /* JSON text: a plain integer is a number, anything else a string */
            size_t i = 0;
            while (v->text[i] >= '0' && v->text[i] <= '9') ++i;
            if (i > 0 && v->text[i] == '\0') {
                v->type = SGL_VAL_INT;
                v->x = strtod(v->text, NULL);
                v->i = (int64_t)strtoll(v->text, NULL, 10);
            }
        }
        return;
    }
    }
}

static void bind_value(sqlite3_stmt *q, int i, const sgl_value *v)
{
    if (v->type == SGL_VAL_INT) sqlite3_bind_int64(q, i, v->i);
    else if (v->type == SGL_VAL_REAL) sqlite3_bind_double(q, i, v->x);
    else if (v->type == SGL_VAL_TEXT) sqlite3_bind_text(q, i, v->text, -1, SQLITE_STATIC);
    else sqlite3_bind_null(q, i);
}

/* " AND <key> = ?N" for each filter, parameters from first on; returns the length added */
static size_t where_sql(const sgl_query *q, int first, char *buf, size_t len)
{
    size_t k = 0;
    for (size_t i = 0; i < q->n_where && k < len; ++i) {
        char e[128];
        key_sql(q->where[i].key, e, sizeof e);
        int a = first + 2 * (int)i;
        if (q->where[i].either)
            k += (size_t)snprintf(buf + k, len - k, " AND (%s = ?%d OR %s = ?%d)", e, a, e, a + 1);
        else k += (size_t)snprintf(buf + k, len - k, " AND %s = ?%d", e, a);
    }
    return k;
}

static void where_bind(sqlite3_stmt *s, const sgl_query *q, int first)
{
    for (size_t i = 0; i < q->n_where; ++i) {
        const sgl_query_filter *f = &q->where[i];
        int a = first + 2 * (int)i;
        if (f->either) {
            if (f->v.type == SGL_VAL_REAL) sqlite3_bind_double(s, a, f->v.x);
            sqlite3_bind_text(s, a + 1, f->v.text, -1, SQLITE_STATIC);
        } else bind_value(s, a, &f->v);
    }
}

static sgl_status check_query(const sgl_query *q, sgl_err *err)
{
    if (q->n_keys > MAXK || q->n_where > MAXK)
        return sgl_fail(err, SGL_EINVAL, "query", "at most %d keys and %d filters", MAXK, MAXK);
    for (size_t i = 0; i < q->n_keys; ++i)
        if (q->keys[i] && !key_ok(q->keys[i]))
            return sgl_fail(err, SGL_EINVAL, "query", "not a parameter name: '%s'", q->keys[i]);
    for (size_t i = 0; i < q->n_where; ++i)
        if (!key_ok(q->where[i].key))
            return sgl_fail(err, SGL_EINVAL, "query", "not a parameter name: '%s'", q->where[i].key);
    return SGL_OK;
}

/* ------------------------------------------------------------ filters */

sgl_status sgl_query_filter_set(sgl_query_filter *f, const sgl_param *p, const char *key, const char *text,
                                char *buf, size_t len, sgl_err *err)
{
    memset(f, 0, sizeof *f);
    f->key = p ? sgl_param_stored_key(p) : key;   /* trajectories: stored as "seeds" */
    if (!p) {   /* typed by no table: a number when it reads as one, and its text */
        char *end;
        double x = strtod(text, &end);
        f->either = 1;
        f->v.type = *text && !*end && isfinite(x) ? SGL_VAL_REAL : SGL_VAL_TEXT;
        f->v.x = x;
        f->v.text = text;
        return SGL_OK;
    }
    sgl_spec scratch;
    sgl_spec_defaults(&scratch);
    sgl_status s = sgl_param_set(&scratch, p, text, err);
    if (s != SGL_OK) return s;
    const char *base = (const char *)&scratch + p->off;
    f->v.text = buf;
    switch (p->type) {
    case SGL_PARAM_TEXT:   /* the stored text is the sorted pairs */
        if (strlen(base) >= len) return sgl_fail(err, SGL_EINVAL, p->name, "value too long (at most %zu bytes)", len - 1);
        f->v.type = SGL_VAL_TEXT;
        snprintf(buf, len, "%s", base);
        break;
    case SGL_PARAM_STR:
        if (strlen(text) >= len) return sgl_fail(err, SGL_EINVAL, p->name, "value too long (at most %zu bytes)", len - 1);
        f->v.type = SGL_VAL_TEXT;
        snprintf(buf, len, "%s", text);
        break;
    case SGL_PARAM_ENUM:
        f->v.type = SGL_VAL_TEXT;
        snprintf(buf, len, "%s", p->choices[*(const int *)base]);
        break;
    case SGL_PARAM_SIZE: f->v.type = SGL_VAL_INT; f->v.i = (int64_t)*(const size_t *)base; break;
    case SGL_PARAM_U32: f->v.type = SGL_VAL_INT; f->v.i = (int64_t)*(const uint32_t *)base; break;
    case SGL_PARAM_U64:   /* compared as the exact text of the stored number (a seed may exceed 2^63) */
        f->v.type = SGL_VAL_TEXT;
        snprintf(buf, len, "%llu", (unsigned long long)*(const uint64_t *)base);
        break;
    case SGL_PARAM_DOUBLE:   /* a number compares as a number (0.001 == 1e-3) */
        f->v.type = SGL_VAL_REAL;
        f->v.x = *(const double *)base;
        break;
    case SGL_PARAM_DECAY: {   /* the store keeps [K1,K2,...] */
        size_t k = (size_t)snprintf(buf, len, "[");
        for (size_t j = 0; j < scratch.n_decay && k < len; ++j)
            k += (size_t)snprintf(buf + k, len - k, "%s%llu", j ? "," : "", (unsigned long long)scratch.decay_at[j]);
        if (k < len) snprintf(buf + k, len - k, "]");
        f->v.type = SGL_VAL_TEXT;
        break;
    }
    case SGL_PARAM_KIND:   /* not run keys (escape kinds; init is no sweep key) */
    case SGL_PARAM_VEC: return sgl_fail(err, SGL_EINVAL, p->name, "cannot be filtered on");
    }
    return SGL_OK;
}

/* ------------------------------------------------------------ store facts */

static sgl_status count_sql(sgl_store *st, const char *sql, int64_t *n, sgl_err *err)
{
    sqlite3_stmt *q = NULL;
    *n = 0;
    if (sqlite3_prepare_v2(sgl_store_db(st), sql, -1, &q, NULL) != SQLITE_OK || sqlite3_step(q) != SQLITE_ROW) {
        sgl_status s = q_fail(st, err, "cannot read the store");
        sqlite3_finalize(q);
        return s;
    }
    *n = sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    return SGL_OK;
}

sgl_status sgl_store_default_kind(sgl_store *st, const char **kind, int64_t *n_other, sgl_err *err)
{
    char ks[512], sql[1024];
    kind_sql(sgl_store_db(st), ks, sizeof ks);
    int64_t n_series = 0, n_escape = 0;
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM runs r WHERE r.status = 'finished' AND EXISTS(SELECT 1 FROM series s WHERE "
             "s.run_id = r.run_id)");
    sgl_status s = count_sql(st, sql, &n_series, err);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM runs r WHERE r.status = 'finished' AND %s = 'escape'", ks);
    if (s == SGL_OK) s = count_sql(st, sql, &n_escape, err);
    if (s != SGL_OK) return s;
    *kind = n_series > 0 || n_escape == 0 ? "run" : "escape";
    *n_other = n_series > 0 ? n_escape : 0;
    return SGL_OK;
}

sgl_status sgl_store_count_param(sgl_store *st, const char *key, const char *text, int64_t *n, sgl_err *err)
{
    *n = 0;
    if (!key_ok(key)) return sgl_fail(err, SGL_EINVAL, "query", "not a parameter name: '%s'", key);
    char sql[512], e[128];
    key_sql(key, e, sizeof e);
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM runs r WHERE r.status = 'finished' AND CASE WHEN json_valid(r.params) THEN %s END "
             "= ?1", e);
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(sgl_store_db(st), sql, -1, &q, NULL) != SQLITE_OK) return q_fail(st, err, "query failed");
    sqlite3_bind_text(q, 1, text, -1, SQLITE_STATIC);
    sgl_status s = SGL_OK;
    if (sqlite3_step(q) == SQLITE_ROW) *n = sqlite3_column_int64(q, 0);
    else s = q_fail(st, err, "cannot read the store");
    sqlite3_finalize(q);
    return s;
}

sgl_status sgl_store_observables(sgl_store *st, int (*fn)(void *user, const char *name), void *user, sgl_err *err)
{
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(sgl_store_db(st), "SELECT DISTINCT observable FROM series ORDER BY observable", -1, &q,
                           NULL) != SQLITE_OK)
        return q_fail(st, err, "cannot read the store");
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        const char *s = (const char *)sqlite3_column_text(q, 0);
        if (s && fn(user, s)) {
            sqlite3_finalize(q);
            return SGL_ECANCELED;
        }
    }
    sgl_status s = rc == SQLITE_DONE ? SGL_OK : q_fail(st, err, "cannot read the store");
    sqlite3_finalize(q);
    return s;
}

sgl_status sgl_store_param_names(sgl_store *st, const char *kind, int (*fn)(void *user, const char *name),
                                 void *user, sgl_err *err)
{
    if (strcmp(kind, "escape") != 0) {
        for (const sgl_param *p = sgl_params; p->name; ++p)   /* the stored spellings (seeds) */
            if (fn(user, sgl_param_stored_key(p))) return SGL_ECANCELED;
        return SGL_OK;
    }
    char ks[512], sql[1024];
    kind_sql(sgl_store_db(st), ks, sizeof ks);
    snprintf(sql, sizeof sql,
             "SELECT j.key, min(r.run_id * 4096 + j.id) AS o FROM runs r, json_each(r.params) j WHERE "
             "r.status = 'finished' AND %s = ?1 AND json_valid(r.params) GROUP BY j.key ORDER BY o", ks);
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(sgl_store_db(st), sql, -1, &q, NULL) != SQLITE_OK)
        return q_fail(st, err, "query failed");
    sqlite3_bind_text(q, 1, kind, -1, SQLITE_STATIC);
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        const char *s = (const char *)sqlite3_column_text(q, 0);
        if (s && key_ok(s) && fn(user, s)) {
            sqlite3_finalize(q);
            return SGL_ECANCELED;
        }
    }
    sgl_status s = rc == SQLITE_DONE ? SGL_OK : q_fail(st, err, "read failed");
    sqlite3_finalize(q);
    return s;
}

typedef struct {
    sgl_store *st;
    const char *kind, *ks;
    int (*fn)(void *user, const char *name);
    void *user;
    int stopped;
} vary_ctx;

static int vary_one(void *user, const char *name)
{
    vary_ctx *c = user;
    if (strcmp(name, "seed") == 0) return 0;
    char sql[1024], e[128];
    key_sql(name, e, sizeof e);
    snprintf(sql, sizeof sql, "SELECT count(DISTINCT %s) FROM runs r WHERE r.status = 'finished' AND %s %s ?1", e,
             c->ks, strcmp(c->kind, "escape") == 0 ? "=" : "<>");
    sqlite3_stmt *q = NULL;
    int more = 0;
    if (sqlite3_prepare_v2(sgl_store_db(c->st), sql, -1, &q, NULL) == SQLITE_OK) {
        sqlite3_bind_text(q, 1, "escape", -1, SQLITE_STATIC);
        more = sqlite3_step(q) == SQLITE_ROW && sqlite3_column_int64(q, 0) > 1;
    }
    sqlite3_finalize(q);
    if (more && c->fn(c->user, name)) return c->stopped = 1;
    return 0;
}

sgl_status sgl_store_varying_keys(sgl_store *st, const char *kind, int (*fn)(void *user, const char *name),
                                  void *user, sgl_err *err)
{
    char ks[512];
    kind_sql(sgl_store_db(st), ks, sizeof ks);
    vary_ctx c = {st, kind, ks, fn, user, 0};
    return sgl_store_param_names(st, kind, vary_one, &c, err);
}

/* ------------------------------------------------------------ groups */

typedef struct {
    sgl_value key[MAXK + 1];
    char *text[MAXK + 1];
    size_t n_keys;
} group_keys;

static void keys_clear(group_keys *g)
{
    for (size_t i = 0; i <= MAXK; ++i) sgl_free(g->text[i]);
    memset(g, 0, sizeof *g);
}

/* does row q (columns 0..nk) belong to group g? */
static int keys_same(const group_keys *g, sqlite3_stmt *q, const sgl_query *qq)
{
    for (size_t i = 0; i < qq->n_keys; ++i) {
        char buf[64];
        sgl_value v;
        read_value(q, (int)i, qq->keys[i] && key_exact(qq->keys[i]), 0, buf, sizeof buf, &v);
        if (v.type != g->key[i].type || strcmp(v.text, g->key[i].text) != 0) return 0;
    }
    return 1;
}

static int keys_take(group_keys *g, sqlite3_stmt *q, const sgl_query *qq)
{
    keys_clear(g);
    g->n_keys = qq->n_keys;
    for (size_t i = 0; i < qq->n_keys; ++i) {
        char buf[64];
        read_value(q, (int)i, qq->keys[i] && key_exact(qq->keys[i]), 0, buf, sizeof buf, &g->key[i]);
        if (!(g->text[i] = sgl_strdup(g->key[i].text))) return -1;
        g->key[i].text = g->text[i];
    }
    return 0;
}

/* "SELECT k1, k2, ..., " and " ORDER BY ..., " parts for q's keys (series: NULL = s.step) */
static void keys_sql(const sgl_query *q, char *sel, size_t sl, char *ord, size_t ol)
{
    size_t a = (size_t)snprintf(sel, sl, "SELECT "), b = 0;
    ord[0] = '\0';
    for (size_t i = 0; i < q->n_keys; ++i) {
        char e[128];
        if (q->keys[i]) key_sql(q->keys[i], e, sizeof e);
        else snprintf(e, sizeof e, "s.step");
        if (a < sl) a += (size_t)snprintf(sel + a, sl - a, "%s, ", e);
        if (b >= ol) continue;
        if (q->keys[i] && key_exact(q->keys[i]))   /* decimal text in numeric order */
            b += (size_t)snprintf(ord + b, ol - b, "length(%s), %s, ", e, e);
        else b += (size_t)snprintf(ord + b, ol - b, "%zu, ", i + 1);
    }
}

/* mean and SE of x[0..n) (SE NaN for n < 2) */
static void mean_se(const double *x, size_t n, double *mean, double *se)
{
    double m = n ? sgl_sum_fixed(x, n) / (double)n : NAN, ss = 0;
    for (size_t i = 0; i < n; ++i) ss += (x[i] - m) * (x[i] - m);
    *mean = m;
    *se = n > 1 ? sqrt(ss / (double)(n - 1) / (double)n) : NAN;
}

typedef struct {
    group_keys k;
    sgl_series_group g;
    double *x, *rm;                /* live values in (run, traj) order; per-run means */
    size_t cap, rcap, n_rm;
    int64_t last_run;
    size_t run_first;              /* index in x of the current run's first value */
} series_acc;

static int push(double **x, size_t *cap, size_t n, double v)
{
    if (n == *cap) {
        size_t c = *cap ? 2 * *cap : 256;
        double *nx = sgl_realloc(*x, c * sizeof *nx);
        if (!nx) return -1;
        *x = nx;
        *cap = c;
    }
    (*x)[n] = v;
    return 0;
}

/* the current run's mean, one replicate of the data draw (runs with no live value: none) */
static int end_run(series_acc *a)
{
    size_t m = a->g.n - a->run_first;
    if (a->last_run < 0 || m == 0) return 0;
    double mean = sgl_sum_fixed(a->x + a->run_first, m) / (double)m;
    return push(&a->rm, &a->rcap, a->n_rm++, mean);
}

static int series_flush(series_acc *a, int (*fn)(void *, const sgl_series_group *), void *user)
{
    sgl_series_group *g = &a->g;
    if (end_run(a)) return -2;
    if (g->n == 0 && g->n_diverged == 0 && g->n_nonfinite == 0) return 0;
    g->n_keys = a->k.n_keys;
    g->key = a->k.key;
    mean_se(a->x, g->n, &g->mean, &g->se);
    if (g->n_shared_runs) {
        mean_se(a->rm, a->n_rm, &g->mean_draws, &g->se_draws);
        g->n_draws = a->n_rm;
    } else {
        g->mean_draws = g->mean;
        g->se_draws = g->se;
        g->n_draws = g->n;
    }
    return fn(user, g) ? -1 : 0;
}

static void series_reset(series_acc *a)
{
    memset(&a->g, 0, sizeof a->g);
    a->n_rm = 0;
    a->last_run = -1;
    a->run_first = 0;
}

/* one row: columns nk.. = run_id, traj, step, t_eta, value, diverged, shared */
static int series_row(series_acc *a, sqlite3_stmt *q, int nk)
{
    sgl_series_group *g = &a->g;
    int64_t run = sqlite3_column_int64(q, nk), step = sqlite3_column_int64(q, nk + 2);
    if (run != a->last_run) {
        if (end_run(a)) return -1;
        ++g->n_runs;
        a->last_run = run;
        a->run_first = g->n;
        if (sqlite3_column_int(q, nk + 6)) ++g->n_shared_runs;
    }
    if (g->n_runs == 1 && g->n + g->n_diverged + g->n_nonfinite == 0) g->step_min = g->step_max = step;
    if (step < g->step_min) g->step_min = step;
    if (step > g->step_max) g->step_max = step;
    g->t_eta = sqlite3_column_double(q, nk + 3);
    if (sqlite3_column_int(q, nk + 5)) ++g->n_diverged;
    else if (sqlite3_column_type(q, nk + 4) == SQLITE_NULL || !isfinite(sqlite3_column_double(q, nk + 4)))
        ++g->n_nonfinite;
    else if (push(&a->x, &a->cap, g->n++, sqlite3_column_double(q, nk + 4)))
        return -1;
    return 0;
}

static sgl_status series_prepare(sgl_store *st, const sgl_query *q, sqlite3_stmt **out, sgl_err *err)
{
    char sql[8192], sel[2048], ord[2048];
    keys_sql(q, sel, sizeof sel, ord, sizeof ord);
    size_t k = (size_t)snprintf(
        sql, sizeof sql,
        "%ss.run_id, s.traj, s.step, s.t_eta, s.value,"
        " EXISTS(SELECT 1 FROM events e WHERE e.run_id = s.run_id AND e.traj = s.traj AND e.kind = 'diverged'"
        " AND e.time <= s.step),"
        " CASE WHEN json_valid(r.params) THEN json_extract(r.params, '$.\"data-draw\"') = 'shared' ELSE 0 END"
        " FROM series s JOIN runs r USING(run_id) WHERE r.status = 'finished' AND s.observable = ?1 AND %s",
        sel, q->all_steps ? "1" : q->has_step ? "s.step = ?2"
                                              : "s.step = (SELECT max(step) FROM series s2 WHERE s2.run_id = s.run_id "
                                                "AND s2.observable = s.observable)");
    k += where_sql(q, 3, sql + k, sizeof sql - k);
    if (k < sizeof sql) snprintf(sql + k, sizeof sql - k, " ORDER BY %ss.run_id, s.traj", ord);
    if (sqlite3_prepare_v2(sgl_store_db(st), sql, -1, out, NULL) != SQLITE_OK) return q_fail(st, err, "query failed");
    sqlite3_bind_text(*out, 1, q->observable ? q->observable : "", -1, SQLITE_STATIC);
    if (q->has_step && !q->all_steps) sqlite3_bind_int64(*out, 2, q->step);
    where_bind(*out, q, 3);
    return SGL_OK;
}

sgl_status sgl_store_series_groups(sgl_store *st, const sgl_query *q,
                                   int (*fn)(void *user, const sgl_series_group *g), void *user, sgl_err *err)
{
    sqlite3_stmt *s = NULL;
    sgl_status rs = check_query(q, err);
    if (rs == SGL_OK) rs = series_prepare(st, q, &s, err);
    if (rs != SGL_OK) return rs;
    series_acc a;
    memset(&a, 0, sizeof a);
    series_reset(&a);
    const int nk = (int)q->n_keys;
    int rc = 0, any = 0, step_rc;
    while ((step_rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (!any || !keys_same(&a.k, s, q)) {
            if (any && (rc = series_flush(&a, fn, user)) != 0) break;
            series_reset(&a);
            if (keys_take(&a.k, s, q)) { rc = -2; break; }
            any = 1;
        }
        if (series_row(&a, s, nk)) { rc = -2; break; }
    }
    if (rc == 0 && step_rc != SQLITE_DONE) rs = q_fail(st, err, "query failed");
    else if (rc == 0 && any) rc = series_flush(&a, fn, user);
    if (rc == -1) rs = SGL_ECANCELED;
    else if (rc == -2) rs = oom(err);
    else if (rs == SGL_OK && !any)
        rs = sgl_fail(err, SGL_EIO, "--obs", "no finished run has '%s'%s", q->observable ? q->observable : "",
                      q->has_step ? " at that --step" : "");
    keys_clear(&a.k);
    sgl_free(a.x);
    sgl_free(a.rm);
    sqlite3_finalize(s);
    return rs;
}

/* ------------------------------------------------------------ escape groups */

typedef struct {
    group_keys k;
    sgl_escape_group g;
    double *t;
    int *state;
    size_t n, cap;
    int64_t last_run;
    char unit[16];                 /* the group's time unit; "mixed" */
} escape_acc;

static int escape_flush(escape_acc *a, double level, int (*fn)(void *, const sgl_escape_group *), void *user)
{
    sgl_escape_group *g = &a->g;
    if (a->n == 0) return 0;
    g->n_keys = a->k.n_keys;
    g->key = a->k.key;
    g->time_unit = a->unit;
    sgl_rate_est *r = &g->rate;
    sgl_err e;
    int ok = strcmp(a->unit, "mixed") != 0 && sgl_est_rate(a->t, a->state, a->n, level, r, &e) == SGL_OK;
    if (!ok) {   /* counts only: mixed units, or no exposure (every trajectory diverged) */
        r->n = a->n;
        r->escaped = r->censored = r->diverged = 0;
        for (size_t i = 0; i < a->n; ++i) {
            if (a->state[i] == SGL_FP_ESCAPED) ++r->escaped;
            else if (a->state[i] == SGL_FP_CENSORED) ++r->censored;
            else ++r->diverged;
        }
        r->value = r->se = r->ci_lo = r->ci_hi = NAN;
        r->level = level;
        g->mfpt = g->mfpt_se = g->mfpt_ci_lo = g->mfpt_ci_hi = NAN;
    } else if (r->escaped == 0) {
        g->mfpt = INFINITY;
        g->mfpt_se = NAN;
        g->mfpt_ci_lo = 1.0 / r->ci_hi;
        g->mfpt_ci_hi = INFINITY;
    } else {
        g->mfpt = r->exposure / (double)r->escaped;
        g->mfpt_se = g->mfpt / sqrt((double)r->escaped);
        g->mfpt_ci_lo = 1.0 / r->ci_hi;
        g->mfpt_ci_hi = 1.0 / r->ci_lo;
    }
    return fn(user, g) ? -1 : 0;
}

/* one event: columns nk.. = run_id, kind, time, time_unit, censored */
static int escape_row(escape_acc *a, sqlite3_stmt *q, int nk)
{
    int64_t run = sqlite3_column_int64(q, nk);
    if (run != a->last_run) {
        ++a->g.n_runs;
        a->last_run = run;
    }
    const char *kind = (const char *)sqlite3_column_text(q, nk + 1);
    const char *unit = (const char *)sqlite3_column_text(q, nk + 3);
    if (!unit) unit = "";
    if (!a->unit[0] && strlen(unit) < sizeof a->unit) snprintf(a->unit, sizeof a->unit, "%s", unit);
    else if (strcmp(unit, a->unit) != 0) snprintf(a->unit, sizeof a->unit, "mixed");
    int state = kind && strcmp(kind, "diverged") == 0 ? SGL_FP_DIVERGED
              : sqlite3_column_int(q, nk + 4)        ? SGL_FP_CENSORED
                                                     : SGL_FP_ESCAPED;
    double t = sqlite3_column_double(q, nk + 2);
    if (state != SGL_FP_DIVERGED && !(t >= 0.0 && t < INFINITY)) state = SGL_FP_DIVERGED;   /* not a time: counted apart */
    if (a->n == a->cap) {
        size_t c = a->cap ? 2 * a->cap : 256;
        double *nt = sgl_realloc(a->t, c * sizeof *nt);
        if (!nt) return -1;
        a->t = nt;
        int *ns = sgl_realloc(a->state, c * sizeof *ns);
        if (!ns) return -1;
        a->state = ns;
        a->cap = c;
    }
    a->t[a->n] = state == SGL_FP_DIVERGED ? 0.0 : t;
    a->state[a->n++] = state;
    return 0;
}

/* Method-ams runs store no first passages but their splitting runs (events ams_p, ams_t_first, ams_t_loop,
 * ams_t_reactive, traj = the run index): a group pools the splitting runs of its runs (sgl_ams_pool, as the
 * run itself did: a one-run group gives the run's own estimate bit for bit). */
typedef struct {
    group_keys k;
    sgl_escape_group g;
    sgl_ams_result res;
    sgl_ams_run *v;
    size_t n, cap;
    int64_t last_run, last_traj;
} ams_acc;

static int ams_flush(ams_acc *a, double level, int (*fn)(void *, const sgl_escape_group *), void *user)
{
    sgl_escape_group *g = &a->g;
    if (a->n == 0) return 0;
    g->n_keys = a->k.n_keys;
    g->key = a->k.key;
    g->time_unit = "t";
    memset(&a->res, 0, sizeof a->res);
    sgl_ams_pool(a->v, a->n, &a->res);
    const sgl_ams_result *r = &a->res;
    g->ams = r;
    g->mfpt = r->mfpt;
    g->mfpt_se = r->mfpt_se;
    g->mfpt_ci_lo = r->mfpt_ci[0];
    g->mfpt_ci_hi = r->mfpt_ci[1];
    g->rate = (sgl_rate_est){.value = r->rate, .se = r->rate_se, .ci_lo = r->rate_ci[0], .ci_hi = r->rate_ci[1],
                             .level = level, .exposure = NAN, .n = a->n};
    for (size_t i = 0; i < a->n; ++i) g->rate.escaped += a->v[i].p > 0;   /* splitting runs that reached the event */
    return fn(user, g) ? -1 : 0;
}

/* one event: columns nk.. = run_id, traj, kind, time, value */
static int ams_row(ams_acc *a, sqlite3_stmt *q, int nk)
{
    const int64_t run = sqlite3_column_int64(q, nk), traj = sqlite3_column_int64(q, nk + 1);
    if (run != a->last_run) ++a->g.n_runs;
    if (run != a->last_run || traj != a->last_traj) {
        if (a->n == a->cap) {
            size_t c = a->cap ? 2 * a->cap : 64;
            sgl_ams_run *nv = sgl_realloc(a->v, c * sizeof *nv);
            if (!nv) return -1;
            a->v = nv;
            a->cap = c;
        }
        a->v[a->n++] = (sgl_ams_run){.p = NAN, .t_first = NAN, .t_loop = NAN, .t_reactive = NAN};
        a->last_run = run;
        a->last_traj = traj;
    }
    sgl_ams_run *v = &a->v[a->n - 1];
    const char *kind = (const char *)sqlite3_column_text(q, nk + 2);
    const int col = kind && strcmp(kind, "ams_p") == 0 ? nk + 4 : nk + 3;
    const double x = sqlite3_column_type(q, col) == SQLITE_NULL ? NAN : sqlite3_column_double(q, col);
    if (!kind) return 0;
    if (strcmp(kind, "ams_p") == 0) v->p = x;
    else if (strcmp(kind, "ams_t_first") == 0) v->t_first = x;
    else if (strcmp(kind, "ams_t_loop") == 0) v->t_loop = x;
    else if (strcmp(kind, "ams_t_reactive") == 0) v->t_reactive = x;
    return 0;
}

/* *out: the events of finished escape runs of the kinds KINDS (an SQL list), the group keys first, then e.run_id
 * and COLS, in group order, then by run, trajectory and insertion; the query's WHERE values bound. */
static sgl_status escape_events_stmt(sgl_store *st, const sgl_query *q, const char *cols, const char *kinds,
                                     sqlite3_stmt **out, sgl_err *err)
{
    char sql[8192], sel[2048], ord[2048], ks[512];
    keys_sql(q, sel, sizeof sel, ord, sizeof ord);
    kind_sql(sgl_store_db(st), ks, sizeof ks);
    size_t k = (size_t)snprintf(sql, sizeof sql,
                                "%se.run_id, %s FROM events e JOIN runs r USING(run_id) "
                                "WHERE r.status = 'finished' AND %s = 'escape' AND e.kind IN (%s)",
                                sel, cols, ks, kinds);
    if (k < sizeof sql) k += where_sql(q, 1, sql + k, sizeof sql - k);
    if (k < sizeof sql) k += (size_t)snprintf(sql + k, sizeof sql - k, " ORDER BY %se.run_id, e.traj, e.rowid", ord);
    if (k >= sizeof sql) return sgl_fail(err, SGL_EINVAL, "query", "too many or too long keys and filters");
    *out = NULL;
    if (sqlite3_prepare_v2(sgl_store_db(st), sql, -1, out, NULL) != SQLITE_OK) return q_fail(st, err, "query failed");
    where_bind(*out, q, 1);
    return SGL_OK;
}

static int ams_groups(sgl_store *st, const sgl_query *q, double level, int (*fn)(void *, const sgl_escape_group *),
                      void *user, int *any, sgl_status *rs, sgl_err *err)
{
    sqlite3_stmt *s = NULL;
    if ((*rs = escape_events_stmt(st, q, "e.traj, e.kind, e.time, e.value",
                                  "'ams_p', 'ams_t_first', 'ams_t_loop', 'ams_t_reactive'", &s, err)) != SGL_OK)
        return 0;
    ams_acc a;
    memset(&a, 0, sizeof a);
    int rc = 0, mine = 0, step_rc;
    while ((step_rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (!mine || !keys_same(&a.k, s, q)) {
            if (mine && (rc = ams_flush(&a, level, fn, user)) != 0) break;
            memset(&a.g, 0, sizeof a.g);
            a.n = 0;
            a.last_run = a.last_traj = -1;
            if (keys_take(&a.k, s, q)) { rc = -2; break; }
            mine = 1;
        }
        if (ams_row(&a, s, (int)q->n_keys)) { rc = -2; break; }
    }
    if (rc == 0 && step_rc != SQLITE_DONE) *rs = q_fail(st, err, "query failed");
    else if (rc == 0 && mine) rc = ams_flush(&a, level, fn, user);
    *any |= mine;
    keys_clear(&a.k);
    sgl_free(a.v);
    sqlite3_finalize(s);
    return rc;
}

sgl_status sgl_store_escape_groups(sgl_store *st, const sgl_query *q, double level,
                                   int (*fn)(void *user, const sgl_escape_group *g), void *user, sgl_err *err)
{
    sgl_status rs = check_query(q, err);
    if (rs != SGL_OK) return rs;
    for (size_t i = 0; i < q->n_keys; ++i)
        if (!q->keys[i]) return sgl_fail(err, SGL_EINVAL, "query", "escape groups have no step key");
    sqlite3_stmt *s = NULL;
    rs = escape_events_stmt(st, q, "e.kind, e.time, e.time_unit, e.censored", "'first_passage', 'diverged'", &s, err);
    if (rs != SGL_OK) return rs;
    escape_acc a;
    memset(&a, 0, sizeof a);
    a.last_run = -1;
    int rc = 0, any = 0, step_rc;
    while ((step_rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (!any || !keys_same(&a.k, s, q)) {
            if (any && (rc = escape_flush(&a, level, fn, user)) != 0) break;
            memset(&a.g, 0, sizeof a.g);
            a.n = 0;
            a.last_run = -1;
            a.unit[0] = '\0';
            if (keys_take(&a.k, s, q)) { rc = -2; break; }
            any = 1;
        }
        if (escape_row(&a, s, (int)q->n_keys)) { rc = -2; break; }
    }
    if (rc == 0 && step_rc != SQLITE_DONE) rs = q_fail(st, err, "query failed");
    else if (rc == 0 && any) rc = escape_flush(&a, level, fn, user);
    if (rc == 0 && rs == SGL_OK) rc = ams_groups(st, q, level, fn, user, &any, &rs, err);   /* method ams runs */
    if (rc == -1) rs = SGL_ECANCELED;
    else if (rc == -2) rs = oom(err);
    else if (rs == SGL_OK && !any) rs = sgl_fail(err, SGL_EIO, "--db", "no finished escape run matches");
    keys_clear(&a.k);
    sgl_free(a.t);
    sgl_free(a.state);
    sqlite3_finalize(s);
    return rs;
}

/* ------------------------------------------------------------ export */

/* The export's parameter columns: the run table's (runs of kind run, limit)
 * and the escape runs' stored keys, each only when the selected runs hold
 * that kind; in a store holding both, each filled only for its own kind and
 * an escape key that a run key already names prefixed "escape." (the escape
 * dimension n is not the samples column n). */
typedef struct {
    char **name;                   /* CSV names, owned */
    char **key;                    /* stored keys (escape columns), owned; NULL for run columns */
    size_t n, n_run;               /* columns; the first n_run are the run table's */
    int mixed;                     /* both kinds among the selected runs */
} export_params;

static void export_params_free(export_params *p)
{
    for (size_t i = 0; i < p->n; ++i) {
        sgl_free(p->name[i]);
        sgl_free(p->key[i]);
    }
    sgl_free(p->name);
    sgl_free(p->key);
}

static int export_params_add(export_params *p, const char *name, const char *key)
{
    char **nn = sgl_realloc(p->name, (p->n + 1) * sizeof *nn);
    if (!nn) return -1;
    p->name = nn;
    char **nk = sgl_realloc(p->key, (p->n + 1) * sizeof *nk);
    if (!nk) return -1;
    p->key = nk;
    p->name[p->n] = p->key[p->n] = NULL;
    ++p->n;
    if (!(p->name[p->n - 1] = sgl_strdup(name))) return -1;
    return key && !(p->key[p->n - 1] = sgl_strdup(key)) ? -1 : 0;
}

static int add_escape_key(void *user, const char *key)
{
    export_params *p = user;
    int clash = 0;
    for (size_t i = 0; i < p->n_run; ++i) clash |= strcmp(p->name[i], key) == 0;
    char name[80];
    snprintf(name, sizeof name, "%s%s", clash ? "escape." : "", key);
    return export_params_add(p, name, key);
}

/* kinds among the runs (kind: NULL all, else only those) -> the parameter columns */
static sgl_status export_columns(sgl_store *st, const char *ks, const char *kind, export_params *p, sgl_err *err)
{
    char sql[1024];
    int64_t n_esc = 0, n_run = 0;
    snprintf(sql, sizeof sql, "SELECT count(*) FROM runs r WHERE %s = 'escape'%s", ks,
             kind && strcmp(kind, "escape") != 0 ? " AND 0" : "");
    sgl_status s = count_sql(st, sql, &n_esc, err);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM runs r WHERE %s <> 'escape'%s", ks,
             kind && strcmp(kind, "escape") == 0 ? " AND 0" : "");
    if (s == SGL_OK) s = count_sql(st, sql, &n_run, err);
    if (s != SGL_OK) return s;
    p->mixed = n_esc > 0 && n_run > 0;
    if (n_run > 0 || n_esc == 0)
        for (const sgl_param *q = sgl_params; q->name; ++q) {
            if (q->flags & SGL_PF_EXPORT_USED) {   /* a column only when a run has the key (plugin keys) */
                int64_t used = 0;
                snprintf(sql, sizeof sql, "SELECT count(*) FROM runs r WHERE json_valid(r.params) AND "
                         "json_type(r.params, '$.\"%s\"') IS NOT NULL", sgl_param_stored_key(q));
                if ((s = count_sql(st, sql, &used, err)) != SGL_OK) return s;
                if (!used) continue;
            }
            if (export_params_add(p, sgl_param_stored_key(q), NULL)) return oom(err);   /* columns as stored */
        }
    p->n_run = p->n;
    if (n_esc > 0) {
        s = sgl_store_param_names(st, "escape", add_escape_key, p, err);
        if (s == SGL_ECANCELED) return oom(err);
    }
    return s;
}

static const char *const k_export_tables[] = {"series", "runs", "estimates", "events", NULL};
static const char *const k_export_types[] = {"series", "run", "estimate", "event", NULL};

static const char *export_own_sql(const char *table)
{
    if (strcmp(table, "runs") == 0)
        return ", r.command, r.status, r.seed, r.n_traj, r.sweep_id, r.sweep_index, r.version, r.git,"
               " r.counter_layout, r.threads, r.ranks, r.started_at, r.finished_at, r.seconds FROM runs r"
               " WHERE %s ORDER BY r.run_id";
    if (strcmp(table, "series") == 0)
        return ", t.observable, t.traj, t.step, t.t_eta, t.t_eta2, t.value FROM series t JOIN runs r"
               " USING(run_id) WHERE r.status = 'finished' AND %s ORDER BY r.run_id, t.observable, t.traj, t.step";
    if (strcmp(table, "estimates") == 0)
        return ", t.name, t.method, t.step, t.time, t.time_unit, t.mean, t.se, t.ci_lo, t.ci_hi, t.min, t.max,"
               " t.n, t.n_diverged, t.n_censored, t.n_nonfinite FROM estimates t JOIN runs r USING(run_id)"
               " WHERE r.status = 'finished' AND %s ORDER BY r.run_id, t.name, t.step";
    return ", t.traj, t.kind, t.time, t.time_unit, t.censored, t.value FROM events t JOIN runs r"
           " USING(run_id) WHERE r.status = 'finished' AND %s ORDER BY r.run_id, t.traj, t.kind, t.time";
}

/* SELECT run_key, params (JSON text), kind, each parameter column, then the table's own */
static sgl_status export_prepare(sgl_store *st, const char *table, const char *kind, const char *ks,
                                 const export_params *p, sqlite3_stmt **q, sgl_err *err)
{
    size_t len = 8192 + 256 * p->n, k;
    char *sql = sgl_malloc(len), filt[600];
    if (!sql) return oom(err);
    /* params: the stored JSON as is when it is JSON, else as a JSON string */
    k = (size_t)snprintf(sql, len, "SELECT r.run_key, CASE WHEN json_valid(r.params) THEN r.params ELSE "
                                   "json_quote(r.params) END, %s", ks);
    for (size_t i = 0; i < p->n && k < len; ++i) {
        const int esc = i >= p->n_run;
        const char *key = esc ? p->key[i] : p->name[i];
        if (p->mixed)
            k += (size_t)snprintf(sql + k, len - k, ", CASE WHEN %s %s 'escape' THEN json_extract(r.params, "
                                                   "'$.\"%s\"') END", ks, esc ? "=" : "<>", key);
        else k += (size_t)snprintf(sql + k, len - k, ", json_extract(r.params, '$.\"%s\"')", key);
    }
    snprintf(filt, sizeof filt, kind ? "%s = ?1" : "1", ks);
    if (k < len) snprintf(sql + k, len - k, export_own_sql(table), filt);
    int rc = sqlite3_prepare_v2(sgl_store_db(st), sql, -1, q, NULL);
    sgl_free(sql);
    if (rc != SQLITE_OK) return q_fail(st, err, "query failed");
    if (kind) sqlite3_bind_text(*q, 1, kind, -1, SQLITE_STATIC);
    return SGL_OK;
}

typedef struct {
    const char **name;             /* ncol names: run_key, params, kind, parameters (CSV names), own */
    const char **csv;              /* own columns' CSV names (NULL: left out of CSV) */
    char **csv_owned;
    sgl_value *v;
    char (*buf)[40];
    int ncol, np, nown;
} export_cols;

static void export_free(export_cols *c)
{
    for (int i = 0; c->csv_owned && i < c->nown; ++i) sgl_free(c->csv_owned[i]);
    sgl_free(c->csv_owned);
    sgl_free(c->csv);
    sgl_free(c->name);
    sgl_free(c->v);
    sgl_free(c->buf);
}

/* own columns' CSV names: unique.  One a parameter column also names: in
 * runs of one kind the same value (seed, counter_layout), left out;
 * elsewhere (another quantity: estimates.n, a count; or a parameter column
 * filled only for one kind) prefixed with the table's name */
static int export_alloc(export_cols *c, sqlite3_stmt *q, const export_params *p, const char *table)
{
    c->ncol = sqlite3_column_count(q);
    c->np = (int)p->n;
    c->nown = c->ncol - 3 - c->np;
    c->name = sgl_calloc((size_t)c->ncol, sizeof *c->name);
    c->v = sgl_calloc((size_t)c->ncol, sizeof *c->v);
    c->buf = sgl_calloc((size_t)c->ncol, sizeof *c->buf);
    c->csv = sgl_calloc((size_t)c->nown + 1, sizeof *c->csv);
    c->csv_owned = sgl_calloc((size_t)c->nown + 1, sizeof *c->csv_owned);
    if (!c->name || !c->v || !c->buf || !c->csv || !c->csv_owned) return -1;
    for (int i = 0; i < c->ncol; ++i) c->name[i] = sqlite3_column_name(q, i);
    for (int i = 0; i < c->np; ++i) c->name[3 + i] = p->name[i];
    for (int j = 0; j < c->nown; ++j) {
        const char *own = c->name[3 + c->np + j];
        int clash = 0;
        for (size_t i = 0; i < p->n; ++i) clash |= strcmp(p->name[i], own) == 0;
        c->csv[j] = own;
        if (clash && strcmp(table, "runs") == 0 && !p->mixed) c->csv[j] = NULL;   /* filled for every row */
        else if (clash) {
            size_t n = strlen(table) + strlen(own) + 2;
            if (!(c->csv_owned[j] = sgl_malloc(n))) return -1;
            snprintf(c->csv_owned[j], n, "%s.%s", table, own);
            c->csv[j] = c->csv_owned[j];
        }
    }
    return 0;
}

static void export_fill(sgl_export_row *row, const export_cols *c, const export_params *p, int type, int header)
{
    memset(row, 0, sizeof *row);
    row->header = header;
    row->type = k_export_types[type];
    row->mixed = p->mixed;
    row->n_params = (size_t)c->np;
    row->param_name = c->name + 3;
    row->n_cols = (size_t)c->nown;
    row->col_name = c->name + 3 + c->np;
    row->col_csv = c->csv;
    if (header) return;
    row->run_key = c->v[0].text;
    row->params_json = c->v[1].text;
    row->kind = c->v[2].text;
    row->param = c->v + 3;
    row->col = c->v + 3 + c->np;
}

/* one row's values; a 0/1 flag (events.censored) as a boolean */
static void export_read(sqlite3_stmt *q, export_cols *c)
{
    for (int i = 0; i < c->ncol; ++i) {
        read_value(q, i, 0, 1, c->buf[i], sizeof c->buf[i], &c->v[i]);
        if (c->v[i].type == SGL_VAL_INT && i >= 3 + c->np && strcmp(c->name[i], "censored") == 0) {
            c->v[i].type = SGL_VAL_BOOL;
            c->v[i].text = c->v[i].i ? "true" : "false";
        }
    }
}

sgl_status sgl_store_export(sgl_store *st, const char *table, const char *kind,
                            int (*fn)(void *user, const sgl_export_row *row), void *user, sgl_err *err)
{
    int type = -1;
    for (int i = 0; k_export_tables[i]; ++i)
        if (strcmp(k_export_tables[i], table) == 0) type = i;
    if (type < 0)
        return sgl_fail(err, SGL_EINVAL, "--table", "unknown table '%s'; valid: series, runs, estimates, events", table);
    char ks[512];
    kind_sql(sgl_store_db(st), ks, sizeof ks);
    export_params p;
    memset(&p, 0, sizeof p);
    sqlite3_stmt *q = NULL;
    sgl_status rs = export_columns(st, ks, kind, &p, err);
    if (rs == SGL_OK) rs = export_prepare(st, table, kind, ks, &p, &q, err);
    export_cols c;
    memset(&c, 0, sizeof c);
    sgl_export_row row;
    int rc = SQLITE_DONE;
    if (rs == SGL_OK && export_alloc(&c, q, &p, table)) rs = oom(err);
    else if (rs == SGL_OK) {
        export_fill(&row, &c, &p, type, 1);
        if (fn(user, &row)) rs = SGL_ECANCELED;
    }
    while (rs == SGL_OK && (rc = sqlite3_step(q)) == SQLITE_ROW) {
        export_read(q, &c);
        export_fill(&row, &c, &p, type, 0);
        if (fn(user, &row)) rs = SGL_ECANCELED;
    }
    if (rs == SGL_OK && rc != SQLITE_DONE) rs = q_fail(st, err, "read failed");
    export_free(&c);
    export_params_free(&p);
    sqlite3_finalize(q);
    return rs;
}

/* the kind expression for the store's other reader (src/store_columns.c) */
void sgl_store_kind_sql(struct sqlite3 *db, char *buf, size_t len) { kind_sql(db, buf, len); }
