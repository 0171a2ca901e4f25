/* The SQLite results store.  Crash safety rests on three SQLite properties:
 * WAL journal with synchronous=FULL (a committed transaction survives a
 * killed process and a power cut), one transaction per finished run (its
 * series, events, estimates and the 'finished' mark together), and the
 * 'started' row committed before the run executes (resume sees exactly which
 * runs never finished and redoes them, deleting nothing that finished).
 * Every failure becomes SGL_EIO with field "--db" and a message saying what
 * happened and that committed runs are intact. */
#include "internal.h"

#include <errno.h>
#include <math.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#define SCHEMA_VERSION "1"

struct sgl_store {
    sqlite3 *db;
    char *path;
    int busy_ms;
    int in_txn;
    sqlite3_stmt *ins_series, *ins_event, *ins_estimate;
};

static const char k_schema[] =
    "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS sweeps(sweep_id INTEGER PRIMARY KEY, name TEXT, path TEXT, spec TEXT,"
    " created REAL);"
    "CREATE TABLE IF NOT EXISTS runs(run_id INTEGER PRIMARY KEY, run_key TEXT NOT NULL UNIQUE,"
    " command TEXT NOT NULL, params TEXT NOT NULL, seed INTEGER, n_traj INTEGER,"
    " sweep_id INTEGER REFERENCES sweeps, sweep_index INTEGER,"
    " status TEXT NOT NULL CHECK(status IN ('started','finished')),"
    " version TEXT, git TEXT, counter_layout INTEGER, threads INTEGER, ranks INTEGER,"
    " started_at REAL, finished_at REAL, seconds REAL);"
    "CREATE TABLE IF NOT EXISTS series(run_id INTEGER NOT NULL REFERENCES runs, observable TEXT NOT NULL,"
    " traj INTEGER NOT NULL, step INTEGER NOT NULL, t_eta REAL, t_eta2 REAL, value REAL,"
    " PRIMARY KEY(run_id, observable, traj, step)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS events(run_id INTEGER NOT NULL REFERENCES runs, traj INTEGER,"
    " kind TEXT NOT NULL, time REAL, time_unit TEXT NOT NULL, censored INTEGER NOT NULL, value REAL);"
    "CREATE INDEX IF NOT EXISTS events_run ON events(run_id, kind);"
    "CREATE TABLE IF NOT EXISTS estimates(run_id INTEGER NOT NULL REFERENCES runs, name TEXT NOT NULL,"
    " method TEXT, step INTEGER, time REAL, time_unit TEXT, mean REAL, se REAL, ci_lo REAL, ci_hi REAL,"
    " min REAL, max REAL, n INTEGER, n_diverged INTEGER, n_censored INTEGER, n_nonfinite INTEGER);"
    "CREATE INDEX IF NOT EXISTS estimates_run ON estimates(run_id, name, step);"
    "INSERT OR IGNORE INTO meta VALUES('schema_version', '" SCHEMA_VERSION "');"
    "INSERT OR IGNORE INTO meta VALUES('time_units', 'step: SGD steps k; t_eta: sum eta_k (GD time);"
    " t_eta2: sum eta_k^2 (slow/manifold time); events and estimates name their unit in time_unit');";

static double now(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (double)tv.tv_sec + 1e-6 * (double)tv.tv_usec;
}

/* Turn a SQLite failure into a message that says what to do. */
static sgl_status db_fail(sgl_store *st, sgl_err *err, int rc, const char *doing)
{
    const char *path = st && st->path ? st->path : "?";
    int prim = rc & 0xff;
    int sys = st && st->db ? sqlite3_system_errno(st->db) : 0;
    const char *detail = st && st->db ? sqlite3_errmsg(st->db) : sqlite3_errstr(rc);
    switch (prim) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return sgl_fail(err, SGL_EIO, "--db",
                        "'%s' is locked by another process or connection (waited %d ms while %s); nothing was "
                        "changed by this step, committed runs are intact; retry when the other writer is done",
                        path, st ? st->busy_ms : 0, doing);
    case SQLITE_READONLY:
        return sgl_fail(err, SGL_EIO, "--db",
                        "'%s' is read-only (file or directory permissions, or a read-only filesystem) while %s; "
                        "nothing was written", path, doing);
    case SQLITE_FULL:
        return sgl_fail(err, SGL_EIO, "--db",
                        "disk full writing '%s' while %s; the run was not committed, committed runs are intact "
                        "(free space, then resume with --resume)", path, doing);
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
        return sgl_fail(err, SGL_EIO, "--db",
                        "'%s' is not a SQLite database or is corrupt (%s); it was left untouched", path, detail);
    case SQLITE_CANTOPEN:
        return sgl_fail(err, SGL_EIO, "--db", "cannot open '%s' (%s%s%s)", path, detail, sys ? ": " : "",
                        sys ? strerror(sys) : "");
    case SQLITE_IOERR:
        /* a failed write is almost always a full disk or a file size limit */
        if (sys == ENOSPC || sys == EFBIG || sys == EDQUOT || rc == SQLITE_IOERR_WRITE || rc == SQLITE_IOERR_FSYNC ||
            rc == SQLITE_IOERR_SHMSIZE || rc == SQLITE_IOERR_TRUNCATE)
            return sgl_fail(err, SGL_EIO, "--db",
                            "disk full or file size limit reached writing '%s' while %s (%s%s%s); the run was not "
                            "committed, committed runs are intact (free space, then resume with --resume)",
                            path, doing, detail, sys ? ": " : "", sys ? strerror(sys) : "");
        return sgl_fail(err, SGL_EIO, "--db", "I/O error on '%s' while %s (%s%s%s); committed runs are intact",
                        path, doing, detail, sys ? ": " : "", sys ? strerror(sys) : "");
    default:
        return sgl_fail(err, SGL_EIO, "--db", "SQLite error on '%s' while %s: %s", path, doing, detail);
    }
}

static int exec(sgl_store *st, const char *sql) { return sqlite3_exec(st->db, sql, NULL, NULL, NULL); }

sgl_status sgl_store_open(const char *path, unsigned flags, int busy_ms, sgl_store **out, sgl_err *err)
{
    *out = NULL;
    if (!path || !path[0]) return sgl_fail(err, SGL_EINVAL, "--db", "needs a file name");
    sgl_store *st = sgl_calloc(1, sizeof *st);
    if (!st || !(st->path = sgl_malloc(strlen(path) + 1))) {
        sgl_free(st);
        return sgl_fail(err, SGL_ENOMEM, "--db", "out of memory");
    }
    strcpy(st->path, path);
    st->busy_ms = busy_ms;
    const int ro = (flags & SGL_STORE_READONLY) != 0;
    int rc = sqlite3_open_v2(path, &st->db, ro ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                             NULL);
    sgl_status s = SGL_OK;
    if (rc != SQLITE_OK) {
        s = db_fail(st, err, rc, "opening");
        goto fail;
    }
    sqlite3_extended_result_codes(st->db, 1);
    sqlite3_busy_timeout(st->db, busy_ms);
    if (!ro && sqlite3_db_readonly(st->db, "main") == 1) {
        s = db_fail(st, err, SQLITE_READONLY, "opening");
        goto fail;
    }
    /* the first read of the header: garbage fails here, before any write */
    if ((rc = exec(st, "SELECT count(*) FROM sqlite_schema")) != SQLITE_OK) {
        s = db_fail(st, err, rc, "reading the schema");
        goto fail;
    }
    /* never write into a damaged store: check every page first (a linear
     * scan, about a second per few hundred MB) */
    if (!ro) {
        sqlite3_stmt *qc = NULL;
        rc = sqlite3_prepare_v2(st->db, "PRAGMA quick_check(1)", -1, &qc, NULL);
        if (rc == SQLITE_OK) rc = sqlite3_step(qc);
        const char *res = rc == SQLITE_ROW ? (const char *)sqlite3_column_text(qc, 0) : NULL;
        if (rc == SQLITE_ROW && res && strcmp(res, "ok") != 0) {
            s = sgl_fail(err, SGL_EIO, "--db", "'%s' is corrupt (%.200s); it was left untouched", path, res);
            sqlite3_finalize(qc);
            goto fail;
        }
        sqlite3_finalize(qc);
        if (rc != SQLITE_ROW) {
            s = db_fail(st, err, rc, "checking the file");
            goto fail;
        }
    }
    if (!ro) {
        if ((rc = exec(st, "PRAGMA journal_mode=WAL")) != SQLITE_OK ||
            (rc = exec(st, "PRAGMA synchronous=FULL")) != SQLITE_OK) {
            s = db_fail(st, err, rc, "setting the WAL journal");
            goto fail;
        }
        if ((rc = exec(st, "BEGIN IMMEDIATE")) != SQLITE_OK) {
            s = db_fail(st, err, rc, "creating the schema");
            goto fail;
        }
        if ((rc = exec(st, k_schema)) != SQLITE_OK || (rc = exec(st, "COMMIT")) != SQLITE_OK) {
            s = db_fail(st, err, rc, "creating the schema");
            exec(st, "ROLLBACK");
            goto fail;
        }
    }
    sqlite3_stmt *q = NULL;
    rc = sqlite3_prepare_v2(st->db, "SELECT value FROM meta WHERE key='schema_version'", -1, &q, NULL);
    if (rc != SQLITE_OK) {
        s = sgl_fail(err, SGL_EIO, "--db", "'%s' is a SQLite database but not an sgdlab results store (%s)", path,
                     sqlite3_errmsg(st->db));
        goto fail;
    }
    rc = sqlite3_step(q);
    const unsigned char *v = rc == SQLITE_ROW ? sqlite3_column_text(q, 0) : NULL;
    if (!v || strcmp((const char *)v, SCHEMA_VERSION) != 0) {
        s = sgl_fail(err, SGL_EIO, "--db", "'%s' has store schema %s; this sgdlab reads schema " SCHEMA_VERSION, path,
                     v ? (const char *)v : "(none)");
        sqlite3_finalize(q);
        goto fail;
    }
    sqlite3_finalize(q);
    *out = st;
    return SGL_OK;
fail:
    sqlite3_close(st->db);
    sgl_free(st->path);
    sgl_free(st);
    return s;
}

sgl_status sgl_store_close(sgl_store *st, sgl_err *err)
{
    if (!st) return SGL_OK;
    if (st->in_txn) exec(st, "ROLLBACK");
    sqlite3_finalize(st->ins_series);
    sqlite3_finalize(st->ins_event);
    sqlite3_finalize(st->ins_estimate);
    int rc = sqlite3_close(st->db);
    sgl_status s = rc == SQLITE_OK ? SGL_OK : db_fail(st, err, rc, "closing");
    sgl_free(st->path);
    sgl_free(st);
    return s;
}

sqlite3 *sgl_store_db(sgl_store *st) { return st->db; }

sgl_status sgl_store_count_runs(sgl_store *st, int64_t *n, sgl_err *err)
{
    sqlite3_stmt *q = NULL;
    int rc = sqlite3_prepare_v2(st->db, "SELECT count(*) FROM runs", -1, &q, NULL);
    if (rc == SQLITE_OK && (rc = sqlite3_step(q)) == SQLITE_ROW) {
        *n = sqlite3_column_int64(q, 0);
        sqlite3_finalize(q);
        return SGL_OK;
    }
    sqlite3_finalize(q);
    return db_fail(st, err, rc, "counting runs");
}

static int bind_text(sqlite3_stmt *q, int i, const char *s)
{
    return s ? sqlite3_bind_text(q, i, s, -1, SQLITE_TRANSIENT) : sqlite3_bind_null(q, i);
}

sgl_status sgl_store_add_sweep(sgl_store *st, const char *name, const char *path, const char *text, int64_t *id,
                               sgl_err *err)
{
    sqlite3_stmt *q = NULL;
    int rc = sqlite3_prepare_v2(st->db, "SELECT sweep_id FROM sweeps WHERE name IS ?1 AND spec IS ?2", -1, &q, NULL);
    if (rc != SQLITE_OK) return db_fail(st, err, rc, "recording the sweep");
    bind_text(q, 1, name);
    bind_text(q, 2, text);
    rc = sqlite3_step(q);
    if (rc == SQLITE_ROW) {
        *id = sqlite3_column_int64(q, 0);
        sqlite3_finalize(q);
        return SGL_OK;
    }
    sqlite3_finalize(q);
    if (rc != SQLITE_DONE) return db_fail(st, err, rc, "recording the sweep");
    rc = sqlite3_prepare_v2(st->db, "INSERT INTO sweeps(name, path, spec, created) VALUES(?1, ?2, ?3, ?4)", -1, &q,
                            NULL);
    if (rc != SQLITE_OK) return db_fail(st, err, rc, "recording the sweep");
    bind_text(q, 1, name);
    bind_text(q, 2, path);
    bind_text(q, 3, text);
    sqlite3_bind_double(q, 4, now());
    rc = sqlite3_step(q);
    sqlite3_finalize(q);
    if (rc != SQLITE_DONE) return db_fail(st, err, rc, "recording the sweep");
    *id = sqlite3_last_insert_rowid(st->db);
    return SGL_OK;
}

sgl_status sgl_store_run_state(sgl_store *st, const char *key, sgl_run_state *state, sgl_err *err)
{
    sqlite3_stmt *q = NULL;
    int rc = sqlite3_prepare_v2(st->db, "SELECT status FROM runs WHERE run_key = ?1", -1, &q, NULL);
    if (rc != SQLITE_OK) return db_fail(st, err, rc, "looking up a run");
    bind_text(q, 1, key);
    rc = sqlite3_step(q);
    *state = SGL_RUN_ABSENT;
    if (rc == SQLITE_ROW) {
        const char *s = (const char *)sqlite3_column_text(q, 0);
        *state = s && strcmp(s, "finished") == 0 ? SGL_RUN_FINISHED : SGL_RUN_STARTED;
        rc = SQLITE_DONE;
    }
    sqlite3_finalize(q);
    return rc == SQLITE_DONE ? SGL_OK : db_fail(st, err, rc, "looking up a run");
}

sgl_status sgl_store_run_begin(sgl_store *st, const sgl_run_info *in, int64_t *run_id, sgl_err *err)
{
    sqlite3_stmt *q = NULL;
    /* same key, other parameters: a hash collision, never silently merged */
    int rc = sqlite3_prepare_v2(st->db, "SELECT params FROM runs WHERE run_key = ?1", -1, &q, NULL);
    if (rc != SQLITE_OK) return db_fail(st, err, rc, "starting a run");
    bind_text(q, 1, in->key);
    rc = sqlite3_step(q);
    if (rc == SQLITE_ROW && strcmp((const char *)sqlite3_column_text(q, 0), in->params) != 0) {
        sqlite3_finalize(q);
        return sgl_fail(err, SGL_EIO, "--db", "run key %s is already used in '%s' by other parameters", in->key,
                        st->path);
    }
    sqlite3_finalize(q);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return db_fail(st, err, rc, "starting a run");
    rc = sqlite3_prepare_v2(
        st->db,
        "INSERT INTO runs(run_key, command, params, seed, n_traj, sweep_id, sweep_index, status, version, git,"
        " counter_layout, threads, ranks, started_at)"
        " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, 'started', ?8, ?9, ?10, ?11, ?12, ?13)"
        " ON CONFLICT(run_key) DO UPDATE SET command = excluded.command, sweep_id = excluded.sweep_id,"
        " sweep_index = excluded.sweep_index, status = 'started', version = excluded.version, git = excluded.git,"
        " counter_layout = excluded.counter_layout, threads = excluded.threads, ranks = excluded.ranks,"
        " started_at = excluded.started_at, finished_at = NULL, seconds = NULL",
        -1, &q, NULL);
    if (rc != SQLITE_OK) return db_fail(st, err, rc, "starting a run");
    bind_text(q, 1, in->key);
    bind_text(q, 2, in->command);
    bind_text(q, 3, in->params);
    sqlite3_bind_int64(q, 4, (sqlite3_int64)in->seed);   /* a seed >= 2^63 reads back negative; params has it exactly */
    sqlite3_bind_int64(q, 5, (sqlite3_int64)in->n_traj);
    if (in->sweep_id > 0) sqlite3_bind_int64(q, 6, in->sweep_id);
    else sqlite3_bind_null(q, 6);
    if (in->sweep_index >= 0) sqlite3_bind_int64(q, 7, in->sweep_index);
    else sqlite3_bind_null(q, 7);
    bind_text(q, 8, sgl_version());
    bind_text(q, 9, sgl_git_hash());
    sqlite3_bind_int(q, 10, SGL_COUNTER_LAYOUT);
    sqlite3_bind_int(q, 11, in->threads);
    sqlite3_bind_int(q, 12, in->ranks);
    sqlite3_bind_double(q, 13, now());
    /* The 'started' mark is committed without its own fsync: a killed process
     * loses nothing (the write is in the OS), and after a power cut a lost
     * mark only makes resume see the run as absent, which redoes it all the
     * same.  The next results commit (synchronous=FULL) syncs the WAL up to
     * and including this mark.  One fsync per run instead of two. */
    exec(st, "PRAGMA synchronous=NORMAL");
    rc = sqlite3_step(q);
    sqlite3_finalize(q);
    exec(st, "PRAGMA synchronous=FULL");
    if (rc != SQLITE_DONE) return db_fail(st, err, rc, "starting a run");
    rc = sqlite3_prepare_v2(st->db, "SELECT run_id FROM runs WHERE run_key = ?1", -1, &q, NULL);
    if (rc != SQLITE_OK) return db_fail(st, err, rc, "starting a run");
    bind_text(q, 1, in->key);
    rc = sqlite3_step(q);
    if (rc == SQLITE_ROW) *run_id = sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    return rc == SQLITE_ROW ? SGL_OK : db_fail(st, err, rc, "starting a run");
}

sgl_status sgl_store_txn_begin(sgl_store *st, sgl_err *err)
{
    int rc = exec(st, "BEGIN IMMEDIATE");
    if (rc != SQLITE_OK) return db_fail(st, err, rc, "beginning a transaction");
    st->in_txn = 1;
    return SGL_OK;
}

sgl_status sgl_store_txn_rollback(sgl_store *st)
{
    if (st->in_txn) exec(st, "ROLLBACK");
    st->in_txn = 0;
    return SGL_OK;
}

static int prep(sgl_store *st, sqlite3_stmt **q, const char *sql)
{
    if (*q) {
        sqlite3_reset(*q);
        sqlite3_clear_bindings(*q);
        return SQLITE_OK;
    }
    return sqlite3_prepare_v2(st->db, sql, -1, q, NULL);
}

/* NaN -> NULL (SQLite has no NaN); +-Inf are stored as such */
static void bind_real(sqlite3_stmt *q, int i, double x)
{
    if (isnan(x)) sqlite3_bind_null(q, i);
    else sqlite3_bind_double(q, i, x);
}

sgl_status sgl_store_add_series(sgl_store *st, int64_t run_id, uint32_t traj, const char *observable, uint64_t step,
                                double t_eta, double t_eta2, double value, sgl_err *err)
{
    int rc = prep(st, &st->ins_series,
                  "INSERT INTO series(run_id, observable, traj, step, t_eta, t_eta2, value)"
                  " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)");
    if (rc != SQLITE_OK) return db_fail(st, err, rc, "writing a series");
    sqlite3_stmt *q = st->ins_series;
    sqlite3_bind_int64(q, 1, run_id);
    sqlite3_bind_text(q, 2, observable, -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 3, traj);
    sqlite3_bind_int64(q, 4, (sqlite3_int64)step);
    bind_real(q, 5, t_eta);
    bind_real(q, 6, t_eta2);
    bind_real(q, 7, value);
    rc = sqlite3_step(q);
    return rc == SQLITE_DONE ? SGL_OK : db_fail(st, err, rc, "writing a series");
}

sgl_status sgl_store_add_event(sgl_store *st, int64_t run_id, uint32_t traj, const char *kind, double time,
                               const char *time_unit, int censored, double value, sgl_err *err)
{
    int rc = prep(st, &st->ins_event,
                  "INSERT INTO events(run_id, traj, kind, time, time_unit, censored, value)"
                  " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)");
    if (rc != SQLITE_OK) return db_fail(st, err, rc, "writing an event");
    sqlite3_stmt *q = st->ins_event;
    sqlite3_bind_int64(q, 1, run_id);
    sqlite3_bind_int64(q, 2, traj);
    sqlite3_bind_text(q, 3, kind, -1, SQLITE_TRANSIENT);
    bind_real(q, 4, time);
    sqlite3_bind_text(q, 5, time_unit, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(q, 6, censored != 0);
    bind_real(q, 7, value);
    rc = sqlite3_step(q);
    return rc == SQLITE_DONE ? SGL_OK : db_fail(st, err, rc, "writing an event");
}

sgl_status sgl_store_add_estimate(sgl_store *st, int64_t run_id, const sgl_estimate_row *e, sgl_err *err)
{
    int rc = prep(st, &st->ins_estimate,
                  "INSERT INTO estimates(run_id, name, method, step, time, time_unit, mean, se, ci_lo, ci_hi, min,"
                  " max, n, n_diverged, n_censored, n_nonfinite)"
                  " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)");
    if (rc != SQLITE_OK) return db_fail(st, err, rc, "writing an estimate");
    sqlite3_stmt *q = st->ins_estimate;
    sqlite3_bind_int64(q, 1, run_id);
    sqlite3_bind_text(q, 2, e->name, -1, SQLITE_TRANSIENT);
    bind_text(q, 3, e->method);
    if (isnan(e->step)) sqlite3_bind_null(q, 4);
    else sqlite3_bind_int64(q, 4, (sqlite3_int64)e->step);
    bind_real(q, 5, e->time);
    bind_text(q, 6, e->time_unit);
    bind_real(q, 7, e->mean);
    bind_real(q, 8, e->se);
    bind_real(q, 9, e->ci_lo);
    bind_real(q, 10, e->ci_hi);
    bind_real(q, 11, e->min);
    bind_real(q, 12, e->max);
    sqlite3_bind_int64(q, 13, (sqlite3_int64)e->n);
    sqlite3_bind_int64(q, 14, (sqlite3_int64)e->n_diverged);
    sqlite3_bind_int64(q, 15, (sqlite3_int64)e->n_censored);
    sqlite3_bind_int64(q, 16, (sqlite3_int64)e->n_nonfinite);
    rc = sqlite3_step(q);
    return rc == SQLITE_DONE ? SGL_OK : db_fail(st, err, rc, "writing an estimate");
}

sgl_status sgl_store_run_finish(sgl_store *st, int64_t run_id, double seconds, sgl_err *err)
{
    sqlite3_stmt *q = NULL;
    int rc = sqlite3_prepare_v2(st->db,
                                "UPDATE runs SET status = 'finished', finished_at = ?2, seconds = ?3 WHERE run_id = ?1",
                                -1, &q, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_int64(q, 1, run_id);
        sqlite3_bind_double(q, 2, now());
        bind_real(q, 3, seconds);
        rc = sqlite3_step(q);
        sqlite3_finalize(q);
        if (rc == SQLITE_DONE) rc = exec(st, "COMMIT");
    }
    if (rc != SQLITE_OK && rc != SQLITE_DONE) {
        sgl_status s = db_fail(st, err, rc, "committing a finished run");
        sgl_store_txn_rollback(st);
        return s;
    }
    st->in_txn = 0;
    return SGL_OK;
}

static sgl_status clear_run(sgl_store *st, int64_t run_id, sgl_err *err)
{
    static const char *const sql[] = {"DELETE FROM series WHERE run_id = ?1", "DELETE FROM events WHERE run_id = ?1",
                                      "DELETE FROM estimates WHERE run_id = ?1"};
    for (int i = 0; i < 3; ++i) {
        sqlite3_stmt *q = NULL;
        int rc = sqlite3_prepare_v2(st->db, sql[i], -1, &q, NULL);
        if (rc == SQLITE_OK) {
            sqlite3_bind_int64(q, 1, run_id);
            rc = sqlite3_step(q);
        }
        sqlite3_finalize(q);
        if (rc != SQLITE_DONE) return db_fail(st, err, rc, "clearing an unfinished run");
    }
    return SGL_OK;
}

sgl_status sgl_store_clear_run(sgl_store *st, int64_t run_id, sgl_err *err) { return clear_run(st, run_id, err); }

sgl_status sgl_store_write_run(sgl_store *st, int64_t run_id, const sgl_spec *spec, const sgl_record *rec,
                               sgl_err *err)
{
    const sgl_results *r = rec->res;
    sgl_status s = sgl_store_txn_begin(st, err);
    if (s != SGL_OK) return s;
    if ((s = clear_run(st, run_id, err)) != SGL_OK) goto fail;
    double *t1 = sgl_malloc(r->n_log * 2 * sizeof *t1);
    if (!t1) { s = sgl_fail(err, SGL_ENOMEM, "--db", "out of memory"); goto fail; }
    double *t2 = t1 + r->n_log;
    for (size_t l = 0; l < r->n_log; ++l) sgl_spec_clock(spec, r->log_steps[l], &t1[l], &t2[l]);
    for (size_t o = 0; o < rec->n_obs && s == SGL_OK; ++o)
        for (uint32_t t = 0; t < r->n_traj && s == SGL_OK; ++t)
            for (size_t l = 0; l < r->n_log && s == SGL_OK; ++l)
                s = sgl_store_add_series(st, run_id, t, rec->obs[o]->name, r->log_steps[l], t1[l], t2[l],
                                         r->series[((size_t)t * r->n_log + l) * r->n_obs + o], err);
    for (uint32_t t = 0; t < r->n_traj && s == SGL_OK; ++t)
        if (r->diverged[t]) s = sgl_store_add_event(st, run_id, t, "diverged", (double)r->diverged_step[t], "k", 0,
                                                    NAN, err);
    for (size_t o = 0; o < rec->n_obs && s == SGL_OK; ++o)
        for (size_t l = 0; l < r->n_log && s == SGL_OK; ++l) {
            sgl_summary sm;
            sgl_summarize(r, l, o, &sm);
            sgl_estimate_row e = {rec->obs[o]->name, "mean+-se over live trajectories", (double)r->log_steps[l],
                                  t1[l], "t_eta", sm.mean, sm.std_err, NAN, NAN, sm.min, sm.max, sm.n,
                                  sm.n_diverged, 0, sm.n_nonfinite};
            s = sgl_store_add_estimate(st, run_id, &e, err);
        }
    sgl_free(t1);
    if (s != SGL_OK) goto fail;
    return sgl_store_run_finish(st, run_id, rec->seconds, err);
fail:
    sgl_store_txn_rollback(st);
    return s;
}
