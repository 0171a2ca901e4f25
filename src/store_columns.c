/* Columnar reads of a results store (include/sgdlab_columns.h): one table's
 * rows as whole columns, for bindings.  The SQL is fixed text per table (no
 * value is ever part of it: the kind is a bound parameter); text values are
 * interned per column (a dictionary and a code per row), so repeated names
 * (observables, run keys, units) cost one copy each. */
#include "internal.h"
#include "sgdlab_columns.h"

#include <math.h>
#include <sqlite3.h>
#include <string.h>

#define I SGL_VAL_INT
#define R SGL_VAL_REAL
#define T SGL_VAL_TEXT
enum { MAXC = 20 };

typedef struct {
    const char *table;
    const char *cols;      /* the table's own columns after run_key, kind (SQL, alias t or r) */
    const char *from;      /* FROM ... WHERE: %s the kind filter */
    const char *names[MAXC];
    sgl_val_type types[MAXC];
} table_def;

static const table_def k_tables[] = {
    {"runs", "r.command, r.status, r.seed, r.n_traj, r.sweep_id, r.sweep_index, r.version, r.git, r.counter_layout,"
             " r.threads, r.ranks, r.started_at, r.finished_at, r.seconds, r.params",
     " FROM runs r WHERE %s ORDER BY r.run_id",
     {"command", "status", "seed", "n_traj", "sweep_id", "sweep_index", "version", "git", "counter_layout", "threads",
      "ranks", "started_at", "finished_at", "seconds", "params"},
     {T, T, I, I, I, I, T, T, I, I, I, R, R, R, T}},
    {"series", "t.observable, t.traj, t.step, t.t_eta, t.t_eta2, t.value",
     " FROM series t JOIN runs r USING(run_id) WHERE r.status = 'finished' AND %s"
     " ORDER BY r.run_id, t.observable, t.traj, t.step",
     {"observable", "traj", "step", "t_eta", "t_eta2", "value"}, {T, I, I, R, R, R}},
    {"estimates", "t.name, t.method, t.step, t.time, t.time_unit, t.mean, t.se, t.ci_lo, t.ci_hi, t.min, t.max, t.n,"
                  " t.n_diverged, t.n_censored, t.n_nonfinite",
     " FROM estimates t JOIN runs r USING(run_id) WHERE r.status = 'finished' AND %s ORDER BY r.run_id, t.name, t.step",
     {"name", "method", "step", "time", "time_unit", "mean", "se", "ci_lo", "ci_hi", "min", "max", "n", "n_diverged",
      "n_censored", "n_nonfinite"},
     {T, T, I, R, T, R, R, R, R, R, R, I, I, I, I}},
    {"events", "t.traj, t.kind, t.time, t.time_unit, t.censored, t.value",
     " FROM events t JOIN runs r USING(run_id) WHERE r.status = 'finished' AND %s ORDER BY r.run_id, t.traj, t.kind, t.time",
     {"traj", "kind", "time", "time_unit", "censored", "value"}, {I, T, R, T, I, R}},
};

/* per text column: open-addressing table of dictionary indices by hash */
typedef struct {
    uint32_t *slot;        /* index + 1; 0: empty */
    size_t n_slot;
    size_t dict_cap;
} intern;

static uint64_t hash(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; ++s) h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

static int intern_grow(intern *in, const sgl_column *c)
{
    size_t n = in->n_slot ? 2 * in->n_slot : 64;
    uint32_t *s = sgl_calloc(n, sizeof *s);
    if (!s) return -1;
    for (size_t k = 0; k < c->n_dict; ++k) {
        size_t h = (size_t)hash(c->dict[k]) & (n - 1);
        while (s[h]) h = (h + 1) & (n - 1);
        s[h] = (uint32_t)k + 1;
    }
    sgl_free(in->slot);
    in->slot = s;
    in->n_slot = n;
    return 0;
}

/* the code of text in column c, added to its dictionary when new; UINT32_MAX on out of memory */
static uint32_t intern_code(intern *in, sgl_column *c, const char *text)
{
    if (2 * (c->n_dict + 1) > in->n_slot && intern_grow(in, c)) return UINT32_MAX;
    size_t h = (size_t)hash(text) & (in->n_slot - 1);
    for (; in->slot[h]; h = (h + 1) & (in->n_slot - 1))
        if (strcmp(c->dict[in->slot[h] - 1], text) == 0) return in->slot[h] - 1;
    if (c->n_dict == in->dict_cap) {
        size_t cap = in->dict_cap ? 2 * in->dict_cap : 16;
        char **d = sgl_realloc(c->dict, cap * sizeof *d);
        if (!d) return UINT32_MAX;
        c->dict = d;
        in->dict_cap = cap;
    }
    if (c->n_dict >= UINT32_MAX - 1 || !(c->dict[c->n_dict] = sgl_strdup(text))) return UINT32_MAX;
    in->slot[h] = (uint32_t)++c->n_dict;
    return (uint32_t)c->n_dict - 1;
}

/* room for one more row in every column */
static int grow_rows(sgl_columns *o)
{
    if (o->n_rows < o->cap) return 0;
    size_t cap = o->cap ? 2 * o->cap : 1024;
    for (size_t j = 0; j < o->n_cols; ++j) {
        sgl_column *c = &o->col[j];
        unsigned char *nl = sgl_realloc(c->null, cap);
        if (!nl) return -1;
        c->null = nl;
        void **p = c->type == I ? (void **)&c->i : c->type == R ? (void **)&c->x : (void **)&c->code;
        void *q = sgl_realloc(*p, cap * (c->type == T ? sizeof(uint32_t) : 8));
        if (!q) return -1;
        *p = q;
    }
    o->cap = cap;
    return 0;
}

static int read_row(sqlite3_stmt *q, sgl_columns *o, intern *in)
{
    if (grow_rows(o)) return -1;
    const size_t r = o->n_rows;
    for (size_t j = 0; j < o->n_cols; ++j) {
        sgl_column *c = &o->col[j];
        const int null = sqlite3_column_type(q, (int)j) == SQLITE_NULL;
        c->null[r] = (unsigned char)null;
        if (c->type == I) c->i[r] = null ? 0 : sqlite3_column_int64(q, (int)j);
        else if (c->type == R)
            c->x[r] = null || sqlite3_column_type(q, (int)j) == SQLITE_TEXT ? NAN : sqlite3_column_double(q, (int)j);
        else if (null) c->code[r] = UINT32_MAX;
        else {
            const char *s = (const char *)sqlite3_column_text(q, (int)j);
            if ((c->code[r] = intern_code(&in[j], c, s ? s : "")) == UINT32_MAX) return -1;
        }
    }
    o->n_rows = r + 1;
    return 0;
}

static sgl_status setup(const table_def *d, sgl_columns *o, sgl_err *err)
{
    size_t n = 2;
    while (n - 2 < MAXC && d->names[n - 2]) ++n;
    if (!(o->col = sgl_calloc(n, sizeof *o->col))) return sgl_fail(err, SGL_ENOMEM, "--db", "out of memory");
    o->n_cols = n;
    o->col[0] = (sgl_column){.name = "run_key", .type = T};
    o->col[1] = (sgl_column){.name = "run_kind", .type = T};
    for (size_t j = 2; j < n; ++j) o->col[j] = (sgl_column){.name = d->names[j - 2], .type = d->types[j - 2]};
    return SGL_OK;
}

sgl_status sgl_store_columns(sgl_store *st, const char *table, const char *kind, sgl_columns *o, sgl_err *err)
{
    memset(o, 0, sizeof *o);
    const table_def *d = NULL;
    for (size_t k = 0; k < sizeof k_tables / sizeof *k_tables; ++k)
        if (table && strcmp(table, k_tables[k].table) == 0) d = &k_tables[k];
    if (!d)
        return sgl_fail(err, SGL_EINVAL, "table", "unknown table '%s'; valid: runs, series, estimates, events",
                        table ? table : "(null)");
    if (kind && strcmp(kind, "run") != 0 && strcmp(kind, "limit") != 0 && strcmp(kind, "escape") != 0)
        return sgl_fail(err, SGL_EINVAL, "kind", "unknown kind '%s'; valid: run, limit, escape", kind);
    sgl_status s = setup(d, o, err);
    if (s != SGL_OK) return s;
    char ks[512], filt[600], from[1024], sql[2048];
    sgl_store_kind_sql(sgl_store_db(st), ks, sizeof ks);
    snprintf(filt, sizeof filt, kind ? "%s = ?1" : "1", ks);
    snprintf(from, sizeof from, d->from, filt);
    snprintf(sql, sizeof sql, "SELECT r.run_key, %s, %s%s", ks, d->cols, from);
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(sgl_store_db(st), sql, -1, &q, NULL) != SQLITE_OK)
        return sgl_fail(err, SGL_EIO, "--db", "%s: cannot read the store: %s", sgl_store_path(st),
                        sqlite3_errmsg(sgl_store_db(st)));
    if (kind) sqlite3_bind_text(q, 1, kind, -1, SQLITE_STATIC);
    intern in[MAXC + 2];
    memset(in, 0, sizeof in);
    int rc;
    while (s == SGL_OK && (rc = sqlite3_step(q)) == SQLITE_ROW)
        if (read_row(q, o, in)) s = sgl_fail(err, SGL_ENOMEM, "--db", "out of memory");
    if (s == SGL_OK && rc != SQLITE_DONE)
        s = sgl_fail(err, SGL_EIO, "--db", "%s: read failed: %s", sgl_store_path(st), sqlite3_errmsg(sgl_store_db(st)));
    sqlite3_finalize(q);
    for (size_t j = 0; j < o->n_cols; ++j) sgl_free(in[j].slot);
    return s;
}

void sgl_columns_free(sgl_columns *o)
{
    for (size_t j = 0; o->col && j < o->n_cols; ++j) {
        sgl_column *c = &o->col[j];
        sgl_free(c->i);
        sgl_free(c->x);
        sgl_free(c->code);
        sgl_free(c->null);
        for (size_t k = 0; k < c->n_dict; ++k) sgl_free(c->dict[k]);
        sgl_free(c->dict);
    }
    sgl_free(o->col);
    memset(o, 0, sizeof *o);
}
