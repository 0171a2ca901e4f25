/* The SQLite results store.  Crash safety rests on three SQLite properties:
 * WAL journal with synchronous=FULL (a committed transaction survives a
 * killed process and a power cut), one transaction per finished run (its
 * series, events, estimates and the 'finished' mark together, replacing any
 * earlier execution's rows in that same transaction), and a claim committed
 * before the run executes (resume sees exactly which runs never finished and
 * redoes them, deleting nothing that finished; a concurrent writer sees the
 * claim and leaves the run alone while its owner lives).
 * Every failure becomes SGL_EIO with field "--db" and a message saying what
 * happened and that committed runs are intact.
 *
 * Only a new or empty (0-byte) regular file or an sgdlab store (its meta
 * table names the application, or schema 1's exact time_units text) is ever
 * written: anything else is identified through a read-only connection that
 * creates no side files (immutable=1 when there is no -wal file) and refused
 * before the first write, PRAGMA journal_mode=WAL included. */
#include "internal.h"

#include <errno.h>
#include <math.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#define SCHEMA_VERSION "2"
#define SCHEMA_VERSION_NUM 2
/* schema 1's time_units text, how a schema-1 store (no 'application' row) is recognised */
#define TIME_UNITS_TEXT                                                                                               \
    "step: SGD steps k; t_eta: sum eta_k (GD time); t_eta2: sum eta_k^2 (slow/manifold time); events and estimates " \
    "name their unit in time_unit"

struct sgl_store {
    sqlite3 *db;
    char *path;
    char *owner;              /* this process: "host:pid:start time", see owner_state */
    int busy_ms;
    int in_txn;
    int readonly;
    double sync_every;        /* sgl_store_set_sync: 0 = fsync every results commit */
    double last_sync;         /* when the last results commit ran with synchronous=FULL */
    int unsynced;             /* results committed without an fsync since */
    int txn_full;             /* the open results transaction commits with an fsync */
    int group;                /* inside sgl_store_group_begin/commit: the runs written share its transaction */
    int64_t group_runs;       /* runs finished in the open group (their claims come back on a rollback) */
    int64_t n_claims;         /* claims this connection holds that it has not finished */
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
    " started_at REAL, finished_at REAL, seconds REAL, attempts INTEGER);"
    "CREATE TABLE IF NOT EXISTS claims(run_id INTEGER PRIMARY KEY REFERENCES runs, owner TEXT NOT NULL,"
    " heartbeat REAL NOT NULL, started_at REAL, command TEXT, sweep_id INTEGER, sweep_index INTEGER,"
    " threads INTEGER, ranks INTEGER);"
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
    "INSERT OR IGNORE INTO meta VALUES('application', 'sgdlab');"
    "INSERT OR IGNORE INTO meta VALUES('time_units', '" TIME_UNITS_TEXT "');";

/* schema 1 -> 2 (after k_schema has added the claims table and the
 * application row), in the transaction that opens the store for writing */
static const char k_upgrade_1_2[] =
    "ALTER TABLE runs ADD COLUMN attempts INTEGER;"
    "UPDATE meta SET value = '2' WHERE key = 'schema_version';";

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

/* ------------------------------------------------------------ process identity */

/* the start time of process pid in clock ticks since boot (field 22 of
 * /proc/PID/stat): with the pid it names one process, a recycled pid does not
 * match.  0: unknown (no /proc); -1: no such process. */
static long long proc_start(long pid)
{
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%ld/stat", pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return errno == ENOENT || errno == ESRCH ? -1 : 0;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0) return 0;
    buf[n] = '\0';
    const char *p = strrchr(buf, ')');   /* the command name may hold spaces and parentheses */
    if (!p) return 0;
    ++p;
    for (int field = 3; field < 22 && *p; ++field) {   /* skip fields 3 (state) to 21 */
        while (*p == ' ') ++p;
        while (*p && *p != ' ') ++p;
    }
    long long t = strtoll(p, NULL, 10);
    return t > 0 ? t : 0;
}

static int have_proc(void) { return access("/proc/self/stat", R_OK) == 0; }

static void host_name(char *buf, size_t len)
{
    if (gethostname(buf, len) != 0) snprintf(buf, len, "?");
    buf[len - 1] = '\0';
    for (char *c = buf; *c; ++c)
        if (*c == ':') *c = '_';
}

/* "host:pid:start" of this process; NULL when out of memory */
static char *owner_id(void)
{
    char host[256], buf[320];
    host_name(host, sizeof host);
    long pid = (long)getpid();
    long long start = proc_start(pid);
    snprintf(buf, sizeof buf, "%s:%ld:%lld", host, pid, start > 0 ? start : 0);
    return sgl_strdup(buf);
}

typedef enum { OWNER_ALIVE, OWNER_DEAD, OWNER_UNKNOWN } owner_state_t;

/* Is the process that took a claim still running?  Known only for owners on
 * this host (a WAL store is only ever shared between processes of one host):
 * gone, or its pid now names a process started at another time, is dead. */
static owner_state_t owner_state(const char *owner)
{
    const char *c2 = strrchr(owner, ':');
    if (!c2 || c2 == owner) return OWNER_UNKNOWN;
    const char *c1 = c2 - 1;
    while (c1 > owner && *c1 != ':') --c1;
    if (*c1 != ':') return OWNER_UNKNOWN;
    char host[256];
    host_name(host, sizeof host);
    if ((size_t)(c1 - owner) != strlen(host) || strncmp(owner, host, (size_t)(c1 - owner)) != 0)
        return OWNER_UNKNOWN;
    char *end;
    long pid = strtol(c1 + 1, &end, 10);
    if (end != c2 || pid <= 0) return OWNER_UNKNOWN;
    long long start = strtoll(c2 + 1, &end, 10);
    if (have_proc() && start > 0) {
        long long now_start = proc_start(pid);
        if (now_start < 0) return OWNER_DEAD;
        if (now_start > 0) return now_start == start ? OWNER_ALIVE : OWNER_DEAD;
    }
    if (kill((pid_t)pid, 0) == 0 || errno == EPERM) return OWNER_ALIVE;
    return errno == ESRCH ? OWNER_DEAD : OWNER_UNKNOWN;
}

/* ------------------------------------------------------------------ opening */

static int file_exists_nonempty(const char *path, const char *suffix)
{
    size_t n = strlen(path) + strlen(suffix) + 1;
    char *p = sgl_malloc(n);
    if (!p) return 1;   /* assume it exists: the safer reading */
    snprintf(p, n, "%s%s", path, suffix);
    struct stat sb;
    int r = stat(p, &sb) == 0 && sb.st_size > 0;
    sgl_free(p);
    return r;
}

/* may this process create files (the -wal and -shm) beside path? */
static int dir_writable(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash) return access(".", W_OK) == 0;
    if (slash == path) return access("/", W_OK) == 0;
    size_t n = (size_t)(slash - path);
    char *d = sgl_malloc(n + 1);
    if (!d) return 1;
    memcpy(d, path, n);
    d[n] = '\0';
    int r = access(d, W_OK) == 0;
    sgl_free(d);
    return r;
}

/* "file:PATH?mode=ro[&immutable=1]" with PATH percent-encoded */
static char *ro_uri(const char *path, int immutable)
{
    size_t n = strlen(path);
    char *u = sgl_malloc(3 * n + 48);
    if (!u) return NULL;
    char *o = u;
    o += sprintf(o, path[0] == '/' ? "file://" : "file:");
    for (const unsigned char *c = (const unsigned char *)path; *c; ++c) {
        if ((*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || strchr("/._-~", *c))
            *o++ = (char)*c;
        else
            o += sprintf(o, "%%%02X", *c);
    }
    sprintf(o, "?mode=ro%s", immutable ? "&immutable=1" : "");
    return u;
}

enum { ID_EMPTY = 0, ID_FOREIGN = -1, ID_ERROR = -2 };

/* What is in this database?  ID_EMPTY (no schema at all), the store schema
 * version (>= 1), ID_FOREIGN (why in why), or ID_ERROR (*rc). */
static int identify(sqlite3 *db, int *rc, char *why, size_t wlen)
{
    sqlite3_stmt *q = NULL;
    int n_schema = 0, has_meta = 0;
    *rc = sqlite3_prepare_v2(db, "SELECT count(*), count(CASE WHEN type = 'table' AND name = 'meta' THEN 1 END)"
                                 " FROM sqlite_schema", -1, &q, NULL);
    if (*rc == SQLITE_OK && (*rc = sqlite3_step(q)) == SQLITE_ROW) {
        n_schema = sqlite3_column_int(q, 0);
        has_meta = sqlite3_column_int(q, 1);
        *rc = SQLITE_OK;
    }
    sqlite3_finalize(q);
    if (*rc != SQLITE_OK) return ID_ERROR;
    if (n_schema == 0) return ID_EMPTY;
    if (!has_meta) {
        snprintf(why, wlen, "it has %d tables, indexes or views and no sgdlab meta table", n_schema);
        return ID_FOREIGN;
    }
    char version[32] = "", app[32] = "", units[sizeof TIME_UNITS_TEXT + 1] = "";
    if (sqlite3_prepare_v2(db, "SELECT key, value FROM meta WHERE key IN ('schema_version', 'application',"
                               " 'time_units')", -1, &q, NULL) != SQLITE_OK) {
        sqlite3_finalize(q);
        snprintf(why, wlen, "its meta table is not sgdlab's");
        return ID_FOREIGN;
    }
    while ((*rc = sqlite3_step(q)) == SQLITE_ROW) {
        const char *k = (const char *)sqlite3_column_text(q, 0), *v = (const char *)sqlite3_column_text(q, 1);
        if (!k || !v) continue;
        if (strcmp(k, "schema_version") == 0) snprintf(version, sizeof version, "%s", v);
        else if (strcmp(k, "application") == 0) snprintf(app, sizeof app, "%s", v);
        else snprintf(units, sizeof units, "%s", v);
    }
    sqlite3_finalize(q);
    if (*rc != SQLITE_DONE) return ID_ERROR;
    *rc = SQLITE_OK;
    char *end;
    long v = strtol(version, &end, 10);
    const int numeric = version[0] >= '1' && version[0] <= '9' && !*end && v < 1000000;
    if (numeric && (strcmp(app, "sgdlab") == 0 || (v == 1 && strcmp(units, TIME_UNITS_TEXT) == 0)))
        return (int)v;
    snprintf(why, wlen, "its meta table does not name sgdlab");
    return ID_FOREIGN;
}

static sgl_status foreign(sgl_err *err, const char *path, const char *why)
{
    return sgl_fail(err, SGL_EIO, "--db",
                    "'%s' is a SQLite database of another program (%s); sgdlab writes only to a new or empty file or "
                    "to an sgdlab results store; it was left untouched", path, why);
}

static sgl_status newer(sgl_err *err, const char *path, int v)
{
    return sgl_fail(err, SGL_EIO, "--db",
                    "'%s' has store schema %d; this sgdlab reads schemas 1 to " SCHEMA_VERSION
                    " (a newer sgdlab wrote it); it was left untouched", path, v);
}

/* before SQLite sees the file: only a regular file (or a new name) is a store */
static sgl_status check_file(const char *path, int ro, int *nonempty, sgl_err *err)
{
    struct stat sb;
    *nonempty = 0;
    if (stat(path, &sb) != 0) {
        if (errno == ENOENT && !ro) return SGL_OK;
        return sgl_fail(err, SGL_EIO, "--db", "cannot open '%s': %s", path, strerror(errno));
    }
    if (!S_ISREG(sb.st_mode)) {
        const char *what = S_ISDIR(sb.st_mode) ? "a directory" : S_ISCHR(sb.st_mode) ? "a character device"
                           : S_ISBLK(sb.st_mode) ? "a block device" : S_ISFIFO(sb.st_mode) ? "a FIFO"
                           : S_ISSOCK(sb.st_mode) ? "a socket" : "not a regular file";
        return sgl_fail(err, SGL_EIO, "--db",
                        "'%s' is %s; a results store is a regular file (or a new name); nothing was created",
                        path, what);
    }
    if (sb.st_size == 0) return SGL_OK;
    *nonempty = 1;
    /* the header, read by hand: SQLite would not touch a non-database either,
     * but this names the problem before any connection exists */
    char head[16];
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return sgl_fail(err, SGL_EIO, "--db", "cannot read '%s': %s", path, strerror(errno));
    ssize_t n = read(fd, head, sizeof head);
    close(fd);
    if (n != (ssize_t)sizeof head || memcmp(head, "SQLite format 3", 16) != 0)
        return sgl_fail(err, SGL_EIO, "--db", "'%s' is not a SQLite database or is corrupt (no SQLite header); it "
                        "was left untouched", path);
    return SGL_OK;
}

/* A read-only connection.  probe (identifying a file before writing to it):
 * immutable=1 when no -wal file holds commits (the main file is then the whole
 * database; nothing is locked or created), else a plain read-only open.  For
 * reading a store (report, export, plot), immutable=1 only when in addition
 * the directory is not writable (no -shm can be made there, and no writer can
 * be active), else a plain read-only open, which sees concurrent commits.
 * *immutable says which. */
static int open_ro(const char *path, int probe, sqlite3 **db, int *immutable)
{
    *immutable = !file_exists_nonempty(path, "-wal") && (probe || !dir_writable(path));
    char *uri = ro_uri(path, *immutable);
    if (!uri) return SQLITE_NOMEM;
    int rc = sqlite3_open_v2(uri, db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL);
    sgl_free(uri);
    return rc;
}

sgl_status sgl_store_open(const char *path, unsigned flags, int busy_ms, sgl_store **out, sgl_err *err)
{
    *out = NULL;
    if (!path || !path[0]) return sgl_fail(err, SGL_EINVAL, "--db", "needs a file name");
    const int ro = (flags & SGL_STORE_READONLY) != 0;
    int nonempty = 0;
    sgl_status s = check_file(path, ro, &nonempty, err);
    if (s != SGL_OK) return s;
    if (ro && !nonempty)
        return sgl_fail(err, SGL_EIO, "--db", "'%s' is empty (0 bytes), not an sgdlab results store", path);
    sgl_store *st = sgl_calloc(1, sizeof *st);
    if (!st || !(st->path = sgl_strdup(path)) || (!ro && !(st->owner = owner_id()))) {
        if (st) sgl_free(st->path);
        sgl_free(st);
        return sgl_fail(err, SGL_ENOMEM, "--db", "out of memory");
    }
    st->busy_ms = busy_ms;
    st->readonly = ro;
    int rc, v = ID_EMPTY, immutable = 0;
    char why[160] = "";
    if (nonempty) {
        /* identify the file through a read-only connection that writes and
         * creates nothing; a reader keeps it */
        if ((rc = open_ro(path, !ro, &st->db, &immutable)) != SQLITE_OK) {
            s = st->db ? db_fail(st, err, rc, "opening") : sgl_fail(err, SGL_ENOMEM, "--db", "out of memory");
            goto fail;
        }
        sqlite3_extended_result_codes(st->db, 1);
        sqlite3_busy_timeout(st->db, busy_ms);
        v = identify(st->db, &rc, why, sizeof why);
        if (v == ID_ERROR) { s = db_fail(st, err, rc, "reading the schema"); goto fail; }
        if (v == ID_EMPTY) snprintf(why, sizeof why, "it has no tables; only a new or 0-byte file becomes a store");
        if (v == ID_EMPTY || v == ID_FOREIGN) { s = foreign(err, path, why); goto fail; }
        if (v > SCHEMA_VERSION_NUM) { s = newer(err, path, v); goto fail; }
        if (ro) {
            *out = st;
            return SGL_OK;
        }
        sqlite3_close(st->db);
        st->db = NULL;
    }
    rc = sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
    if (rc != SQLITE_OK) {
        s = db_fail(st, err, rc, "opening");
        goto fail;
    }
    sqlite3_extended_result_codes(st->db, 1);
    sqlite3_busy_timeout(st->db, busy_ms);
    if (sqlite3_db_readonly(st->db, "main") == 1) {
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
    if (nonempty) {
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
    if ((rc = exec(st, "PRAGMA synchronous=FULL")) != SQLITE_OK || (rc = exec(st, "BEGIN IMMEDIATE")) != SQLITE_OK) {
        s = db_fail(st, err, rc, "creating the schema");
        goto fail;
    }
    /* again under the write lock: another program may have created the file
     * since; a new store's first commit is its whole schema */
    v = identify(st->db, &rc, why, sizeof why);
    if (v == ID_ERROR) s = db_fail(st, err, rc, "reading the schema");
    else if (v == ID_FOREIGN) s = foreign(err, path, why);
    else if (v > SCHEMA_VERSION_NUM) s = newer(err, path, v);
    else if ((rc = exec(st, k_schema)) != SQLITE_OK || (v == 1 && (rc = exec(st, k_upgrade_1_2)) != SQLITE_OK) ||
             (rc = exec(st, "COMMIT")) != SQLITE_OK)
        s = db_fail(st, err, rc, v == 1 ? "upgrading the store from schema 1 to " SCHEMA_VERSION : "creating the schema");
    if (s != SGL_OK) {
        exec(st, "ROLLBACK");
        goto fail;
    }
    /* WAL only once the file is known to be ours (journal_mode=WAL writes) */
    if ((rc = exec(st, "PRAGMA journal_mode=WAL")) != SQLITE_OK) {
        s = db_fail(st, err, rc, "setting the WAL journal");
        goto fail;
    }
    *out = st;
    return SGL_OK;
fail:
    sqlite3_close(st->db);
    sgl_free(st->path);
    sgl_free(st->owner);
    sgl_free(st);
    return s;
}

sgl_status sgl_store_close(sgl_store *st, sgl_err *err)
{
    if (!st) return SGL_OK;
    sgl_store_txn_rollback(st);   /* an open group's claims are this process's again */
    sgl_err e_sync = {{0}, {0}};
    sgl_status s_sync = sgl_store_sync(st, &e_sync);
    /* runs claimed and not finished (a failure, an interrupted sweep): give
     * them back, so the next writer takes them at once; best effort, a dead
     * owner's claims are abandoned anyway */
    if (st->n_claims > 0 && st->owner) {
        sqlite3_stmt *q = NULL;
        if (sqlite3_prepare_v2(st->db, "DELETE FROM claims WHERE owner = ?1", -1, &q, NULL) == SQLITE_OK) {
            sqlite3_bind_text(q, 1, st->owner, -1, SQLITE_STATIC);
            sqlite3_step(q);
        }
        sqlite3_finalize(q);
    }
    sqlite3_finalize(st->ins_series);
    sqlite3_finalize(st->ins_event);
    sqlite3_finalize(st->ins_estimate);
    int rc = sqlite3_close(st->db);
    sgl_status s = rc == SQLITE_OK ? SGL_OK : db_fail(st, err, rc, "closing");
    if (s == SGL_OK && s_sync != SGL_OK) {
        s = s_sync;
        if (err) *err = e_sync;
    }
    sgl_free(st->path);
    sgl_free(st->owner);
    sgl_free(st);
    return s;
}

sqlite3 *sgl_store_db(sgl_store *st) { return st->db; }
const char *sgl_store_path(sgl_store *st) { return st->path; }

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

/* heartbeat: every claim this process holds is alive as of now */
static int beat(sgl_store *st, double t)
{
    sqlite3_stmt *q = NULL;
    int rc = sqlite3_prepare_v2(st->db, "UPDATE claims SET heartbeat = ?2 WHERE owner = ?1", -1, &q, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_text(q, 1, st->owner, -1, SQLITE_STATIC);
        sqlite3_bind_double(q, 2, t);
        rc = sqlite3_step(q);
    }
    sqlite3_finalize(q);
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

static void bind_info(sqlite3_stmt *q, const sgl_run_info *in, int first)
{
    bind_text(q, first, in->command);
    if (in->sweep_id > 0) sqlite3_bind_int64(q, first + 1, in->sweep_id);
    else sqlite3_bind_null(q, first + 1);
    if (in->sweep_index >= 0) sqlite3_bind_int64(q, first + 2, in->sweep_index);
    else sqlite3_bind_null(q, first + 2);
    sqlite3_bind_int(q, first + 3, in->threads);
    sqlite3_bind_int(q, first + 4, in->ranks);
}

/* one statement: ?1 run_id, ?2..?6 the attempt (command, sweep_id, sweep_index,
 * threads, ranks), ?7 now, ?8 owner, ?9..?11 version, git, counter layout;
 * a statement binds what it uses (binding an unused index is a no-op) */
static int step_info(sgl_store *st, const char *sql, const sgl_run_info *in, int64_t run_id, double t)
{
    sqlite3_stmt *q = NULL;
    int rc = sqlite3_prepare_v2(st->db, sql, -1, &q, NULL);
    if (rc != SQLITE_OK) return rc;
    sqlite3_bind_int64(q, 1, run_id);
    bind_info(q, in, 2);
    sqlite3_bind_double(q, 7, t);
    bind_text(q, 8, st->owner);
    bind_text(q, 9, sgl_version());
    bind_text(q, 10, sgl_git_hash());
    sqlite3_bind_int(q, 11, SGL_COUNTER_LAYOUT);
    rc = sqlite3_step(q);
    sqlite3_finalize(q);
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* the first claim of a key: its runs row, marked started; returns the SQLite code (SQLITE_DONE when inserted) */
static int insert_started_run(sgl_store *st, const sgl_run_info *in, double t, int64_t *id)
{
    sqlite3_stmt *q = NULL;
    int rc;
    rc = sqlite3_prepare_v2(st->db,
                            "INSERT INTO runs(run_key, command, params, seed, n_traj, sweep_id, sweep_index, status,"
                            " version, git, counter_layout, threads, ranks, started_at, attempts)"
                            " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, 'started', ?8, ?9, ?10, ?11, ?12, ?13, 1)",
                            -1, &q, NULL);
    if (rc == SQLITE_OK) {
        bind_text(q, 1, in->key);
        bind_text(q, 2, in->command);
        bind_text(q, 3, in->params);
        sqlite3_bind_int64(q, 4, (sqlite3_int64)in->seed);   /* >= 2^63 reads back negative; params has it exactly */
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
        sqlite3_bind_double(q, 13, t);
        rc = sqlite3_step(q);
        *id = sqlite3_last_insert_rowid(st->db);
    }
    sqlite3_finalize(q);
    return rc;
}

sgl_status sgl_store_run_claim(sgl_store *st, const sgl_run_info *in, unsigned flags, int64_t *run_id,
                               sgl_claim *outcome, sgl_err *err)
{
    *outcome = SGL_CLAIM_BUSY;
    *run_id = 0;
    if (st->readonly) return sgl_fail(err, SGL_EIO, "--db", "'%s' was opened read-only", st->path);
    /* The claim commits without its own fsync: a killed process loses
     * nothing (the write is in the OS), and after a power cut a lost claim
     * only makes the run look absent or unclaimed, which redoes it all the
     * same.  The next results commit (synchronous=FULL) syncs the WAL up to
     * and including it.  One fsync per run instead of two. */
    exec(st, "PRAGMA synchronous=NORMAL");
    int rc = exec(st, "BEGIN IMMEDIATE");
    if (rc != SQLITE_OK) {
        exec(st, "PRAGMA synchronous=FULL");
        return db_fail(st, err, rc, "claiming a run");
    }
    const double t = now();
    sgl_status s = SGL_OK;
    sqlite3_stmt *q = NULL;
    int64_t id = 0;
    int finished = 0, have = 0;
    rc = sqlite3_prepare_v2(st->db, "SELECT run_id, params, status FROM runs WHERE run_key = ?1", -1, &q, NULL);
    if (rc == SQLITE_OK) {
        bind_text(q, 1, in->key);
        rc = sqlite3_step(q);
        if (rc == SQLITE_ROW) {
            have = 1;
            id = sqlite3_column_int64(q, 0);
            const char *p = (const char *)sqlite3_column_text(q, 1), *stat = (const char *)sqlite3_column_text(q, 2);
            finished = stat && strcmp(stat, "finished") == 0;
            /* same key, other parameters: a hash collision, never silently merged */
            if (!p || strcmp(p, in->params) != 0)
                s = sgl_fail(err, SGL_EIO, "--db", "run key %s is already used in '%s' by other parameters", in->key,
                             st->path);
            rc = SQLITE_DONE;
        }
    }
    sqlite3_finalize(q);
    if (s != SGL_OK || rc != SQLITE_DONE) goto out;
    if (!have) {
        rc = insert_started_run(st, in, t, &id);
        if (rc != SQLITE_DONE) goto out;
        *outcome = SGL_CLAIM_NEW;
    } else if (finished && (flags & SGL_CLAIM_SKIP_FINISHED)) {
        *outcome = SGL_CLAIM_FINISHED;
        goto out;   /* nothing to write */
    } else {
        /* somebody else's live claim is left alone */
        int claimed = 0, abandoned = 0;
        rc = sqlite3_prepare_v2(st->db, "SELECT owner, heartbeat FROM claims WHERE run_id = ?1", -1, &q, NULL);
        if (rc == SQLITE_OK) {
            sqlite3_bind_int64(q, 1, id);
            rc = sqlite3_step(q);
            if (rc == SQLITE_ROW) {
                const char *owner = (const char *)sqlite3_column_text(q, 0);
                if (owner && strcmp(owner, st->owner) != 0) {
                    claimed = 1;
                    owner_state_t os = owner_state(owner);
                    abandoned = os == OWNER_DEAD ||
                                (os == OWNER_UNKNOWN && t - sqlite3_column_double(q, 1) > SGL_STORE_CLAIM_STALE_S);
                }
                rc = SQLITE_DONE;
            }
        }
        sqlite3_finalize(q);
        if (rc != SQLITE_DONE) goto out;
        if (claimed && !abandoned) {
            *outcome = SGL_CLAIM_BUSY;
            goto out;
        }
        *outcome = finished ? SGL_CLAIM_REPLACE : claimed ? SGL_CLAIM_ABANDONED : SGL_CLAIM_UNFINISHED;
        /* a finished row keeps its values until the replacement commits
         * (sgl_store_run_finish); an unfinished one describes this attempt */
        rc = step_info(st,
                       finished ? "UPDATE runs SET attempts = coalesce(attempts, 0) + 1 WHERE run_id = ?1"
                                : "UPDATE runs SET command = ?2, sweep_id = ?3, sweep_index = ?4, threads = ?5,"
                                  " ranks = ?6, started_at = ?7, version = ?9, git = ?10, counter_layout = ?11,"
                                  " finished_at = NULL, seconds = NULL, attempts = coalesce(attempts, 0) + 1"
                                  " WHERE run_id = ?1",
                       in, id, t);
        if (rc != SQLITE_OK) goto out;
    }
    rc = step_info(st,
                   "INSERT OR REPLACE INTO claims(run_id, command, sweep_id, sweep_index, threads, ranks, started_at,"
                   " owner, heartbeat) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?7)",
                   in, id, t);
    if (rc == SQLITE_OK) rc = beat(st, t);
    if (rc == SQLITE_OK) rc = exec(st, "COMMIT");
    if (rc == SQLITE_OK) {
        ++st->n_claims;
        *run_id = id;
    }
out:
    if (s == SGL_OK && rc != SQLITE_OK && rc != SQLITE_DONE) s = db_fail(st, err, rc, "claiming a run");
    if (s != SGL_OK || *run_id == 0) exec(st, "ROLLBACK");
    exec(st, "PRAGMA synchronous=FULL");
    return s;
}

static sgl_status busy(sgl_store *st, const char *key, sgl_err *err)
{
    return sgl_fail(err, SGL_EIO, "--db",
                    "run %s in '%s' is being executed by another sgdlab process (its claim is alive); nothing was "
                    "written; run again when that process has ended", key, st->path);
}

sgl_status sgl_store_run_begin(sgl_store *st, const sgl_run_info *in, int64_t *run_id, sgl_err *err)
{
    sgl_claim c;
    sgl_status s = sgl_store_run_claim(st, in, 0, run_id, &c, err);
    if (s == SGL_OK && c == SGL_CLAIM_BUSY) s = busy(st, in->key, err);
    return s;
}

void sgl_store_set_sync(sgl_store *st, double every_s) { st->sync_every = every_s > 0 ? every_s : 0; }

sgl_status sgl_store_sync(sgl_store *st, sgl_err *err)
{
    if (!st->unsynced || st->readonly) return SGL_OK;
    /* a commit with synchronous=FULL fsyncs the WAL, and with it every earlier commit */
    int rc = exec(st, "PRAGMA synchronous=FULL");
    if (rc == SQLITE_OK) rc = exec(st, "UPDATE meta SET value = value WHERE key = 'schema_version'");
    if (rc != SQLITE_OK) return db_fail(st, err, rc, "syncing the results to disk");
    st->unsynced = 0;
    st->last_sync = now();
    return SGL_OK;
}

/* a results transaction: within sync_every seconds of the last fsync it
 * commits to the OS only (a killed process loses nothing; a power cut at most
 * these runs, which resume redoes) */
static sgl_status results_begin(sgl_store *st, sgl_err *err)
{
    const double t = now();
    const int full = st->sync_every <= 0 || t - st->last_sync >= st->sync_every;
    exec(st, full ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL");
    if (full) st->last_sync = t;
    st->txn_full = full;
    int rc = exec(st, "BEGIN IMMEDIATE");
    if (rc != SQLITE_OK) return db_fail(st, err, rc, "beginning a transaction");
    st->in_txn = 1;
    return SGL_OK;
}

sgl_status sgl_store_txn_begin(sgl_store *st, sgl_err *err)
{
    if (st->group) return SGL_OK;   /* the group's transaction is open */
    return results_begin(st, err);
}

/* a rollback drops a whole open group: its runs are unfinished again and
 * their claims (deleted in the transaction) still this process's */
sgl_status sgl_store_txn_rollback(sgl_store *st)
{
    if (st->in_txn) exec(st, "ROLLBACK");
    st->in_txn = 0;
    st->n_claims += st->group_runs;
    st->group = 0;
    st->group_runs = 0;
    return SGL_OK;
}

sgl_status sgl_store_group_begin(sgl_store *st, sgl_err *err)
{
    if (st->readonly) return sgl_fail(err, SGL_EIO, "--db", "'%s' was opened read-only", st->path);
    if (st->in_txn) return sgl_fail(err, SGL_EINVAL, "--db", "a transaction is already open");
    sgl_status s = results_begin(st, err);
    if (s != SGL_OK) return s;
    st->group = 1;
    st->group_runs = 0;
    return SGL_OK;
}

sgl_status sgl_store_group_commit(sgl_store *st, sgl_err *err)
{
    if (!st->group) return SGL_OK;
    int rc = exec(st, "COMMIT");
    if (rc != SQLITE_OK) {
        sgl_status s = db_fail(st, err, rc, "committing a group of finished runs");
        sgl_store_txn_rollback(st);
        return s;
    }
    st->in_txn = st->group = 0;
    st->group_runs = 0;
    st->unsynced = !st->txn_full;
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
    /* this attempt's own claim describes it (command, sweep, threads, start
     * time); a claim another writer took over since is left to that writer */
    sqlite3_stmt *q = NULL;
    int mine = 0;
    int rc = sqlite3_prepare_v2(st->db, "SELECT 1 FROM claims WHERE run_id = ?1 AND owner = ?2", -1, &q, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_int64(q, 1, run_id);
        bind_text(q, 2, st->owner);
        rc = sqlite3_step(q);
        mine = rc == SQLITE_ROW;
        if (rc == SQLITE_ROW) rc = SQLITE_DONE;
    }
    sqlite3_finalize(q);
    const double t = now();
    if (rc == SQLITE_DONE && mine)
        rc = sqlite3_prepare_v2(st->db,
                                "UPDATE runs SET (command, sweep_id, sweep_index, threads, ranks, started_at) ="
                                " (SELECT command, sweep_id, sweep_index, threads, ranks, started_at FROM claims"
                                " WHERE run_id = ?1) WHERE run_id = ?1", -1, &q, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_int64(q, 1, run_id);
        rc = sqlite3_step(q);
        sqlite3_finalize(q);
    }
    if (rc == SQLITE_DONE)
        rc = sqlite3_prepare_v2(st->db,
                                "UPDATE runs SET status = 'finished', finished_at = ?2, seconds = ?3, version = ?4,"
                                " git = ?5, counter_layout = ?6 WHERE run_id = ?1", -1, &q, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_int64(q, 1, run_id);
        sqlite3_bind_double(q, 2, t);
        bind_real(q, 3, seconds);
        bind_text(q, 4, sgl_version());
        bind_text(q, 5, sgl_git_hash());
        sqlite3_bind_int(q, 6, SGL_COUNTER_LAYOUT);
        rc = sqlite3_step(q);
        sqlite3_finalize(q);
    }
    if (rc == SQLITE_DONE && mine)
        rc = sqlite3_prepare_v2(st->db, "DELETE FROM claims WHERE run_id = ?1", -1, &q, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_int64(q, 1, run_id);
        rc = sqlite3_step(q);
        sqlite3_finalize(q);
    }
    if (rc == SQLITE_DONE) rc = beat(st, t);
    if (rc == SQLITE_OK && st->group) {   /* finished when the group commits */
        if (mine && st->n_claims > 0) {
            --st->n_claims;
            ++st->group_runs;
        }
        return SGL_OK;
    }
    if (rc == SQLITE_OK) rc = exec(st, "COMMIT");
    if (rc != SQLITE_OK) {
        sgl_status s = db_fail(st, err, rc, "committing a finished run");
        sgl_store_txn_rollback(st);
        return s;
    }
    st->in_txn = 0;
    st->unsynced = !st->txn_full;
    if (mine && st->n_claims > 0) --st->n_claims;
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

/* the rows of an ensemble run (run or limit kind) inside the open transaction:
 * series of every observable at every logged step with both clocks,
 * divergence events and mean +- SE at every logged step.  run: time in
 * t_eta, divergence at step k; limit (t_eta NaN): limit time in t_eta2. */
static sgl_status write_ensemble(sgl_store *st, int64_t run_id, const sgl_record *rec, const double *t1,
                                 const double *t2, int limit, sgl_err *err)
{
    const sgl_results *r = rec->res;
    sgl_status s = SGL_OK;
    for (size_t o = 0; o < rec->n_obs && s == SGL_OK; ++o)
        for (uint32_t t = 0; t < r->n_traj && s == SGL_OK; ++t)
            for (size_t l = 0; l < r->n_log && s == SGL_OK; ++l)
                s = sgl_store_add_series(st, run_id, t, rec->obs[o]->name, r->log_steps[l], t1[l], t2[l],
                                         r->series[((size_t)t * r->n_log + l) * r->n_obs + o], err);
    for (uint32_t t = 0; t < r->n_traj && s == SGL_OK; ++t)
        if (r->diverged[t])
            s = limit ? sgl_store_add_event(st, run_id, t, "diverged", (double)r->diverged_step[t] * rec->limit.dt,
                                            "t_eta2", 0, NAN, err)
                      : sgl_store_add_event(st, run_id, t, "diverged", (double)r->diverged_step[t], "k", 0, NAN, err);
    for (size_t o = 0; o < rec->n_obs && s == SGL_OK; ++o)
        for (size_t l = 0; l < r->n_log && s == SGL_OK; ++l) {
            sgl_summary sm;
            sgl_summarize(r, l, o, &sm);
            sgl_estimate_row e = {rec->obs[o]->name, "mean+-se over live trajectories", (double)r->log_steps[l],
                                  limit ? t2[l] : t1[l], limit ? "t_eta2" : "t_eta", sm.mean, sm.std_err, NAN, NAN,
                                  sm.min, sm.max, sm.n, sm.n_diverged, 0, sm.n_nonfinite};
            s = sgl_store_add_estimate(st, run_id, &e, err);
        }
    return s;
}

/* run (spec given) or limit (spec NULL: the clocks of rec->limit.dt) */
static sgl_status write_ensemble_run(sgl_store *st, int64_t run_id, const sgl_spec *spec, const sgl_record *rec,
                                     sgl_err *err)
{
    const sgl_results *r = rec->res;
    sgl_status s = sgl_store_txn_begin(st, err);
    if (s != SGL_OK) return s;
    if ((s = clear_run(st, run_id, err)) != SGL_OK) goto fail;
    double *t1 = sgl_malloc(r->n_log * 2 * sizeof *t1);
    if (!t1) { s = sgl_fail(err, SGL_ENOMEM, "--db", "out of memory"); goto fail; }
    double *t2 = t1 + r->n_log;
    for (size_t l = 0; l < r->n_log; ++l) {
        if (spec) sgl_spec_clock(spec, r->log_steps[l], &t1[l], &t2[l]);
        else t1[l] = NAN, t2[l] = (double)r->log_steps[l] * rec->limit.dt;
    }
    s = write_ensemble(st, run_id, rec, t1, t2, !spec, err);
    sgl_free(t1);
    if (s != SGL_OK) goto fail;
    return sgl_store_run_finish(st, run_id, rec->seconds, err);
fail:
    sgl_store_txn_rollback(st);
    return s;
}

sgl_status sgl_store_write_run(sgl_store *st, int64_t run_id, const sgl_spec *spec, const sgl_record *rec,
                               sgl_err *err)
{
    return write_ensemble_run(st, run_id, spec, rec, err);
}

/* a splitting run (sgl_store_write_escape): its runs as events, the estimates and diagnostics; in the open
 * transaction */
static sgl_status write_ams(sgl_store *st, int64_t run_id, const sgl_escape_spec *s, const sgl_record *rec,
                            sgl_err *err)
{
    static const char *const ev[4] = {"ams_p", "ams_t_first", "ams_t_loop", "ams_t_reactive"};
    const sgl_ams_result *a = rec->ams;
    sgl_status e = SGL_OK;
    for (uint32_t k = 0; e == SGL_OK && k < a->runs; ++k) {
        const sgl_ams_run *v = &rec->ams_run[k];
        const double t[4] = {NAN, v->t_first, v->t_loop, v->t_reactive};
        for (int j = 0; e == SGL_OK && j < 4; ++j)
            e = sgl_store_add_event(st, run_id, k, ev[j], t[j], "t", 0, j ? NAN : v->p, err);
    }
    const char *m = "mean over the runs, SE across them, log-normal t CI";
    const uint64_t K = a->runs;
    const sgl_estimate_row rows[6] = {
        {"p", m, NAN, NAN, NULL, a->p, a->p_se, a->p_ci[0], a->p_ci[1], NAN, NAN, K, 0, 0, 0},
        {"t_first", m, NAN, NAN, "t", a->t_first, a->t_first_se, NAN, NAN, NAN, NAN, K, 0, 0, 0},
        {"t_loop", m, NAN, NAN, "t", a->t_loop, a->t_loop_se, NAN, NAN, NAN, NAN, K, 0, 0, 0},
        {"t_reactive", m, NAN, NAN, "t", a->t_reactive, a->t_reactive_se, NAN, NAN, NAN, NAN, K, 0, 0, 0},
        {"mfpt", "ams: T_first + (1 - p)/p T_loop + T_reactive; delta-method SE across runs, log-normal t CI", NAN,
         NAN, "t", a->mfpt, a->mfpt_se, a->mfpt_ci[0], a->mfpt_ci[1], NAN, NAN, K, 0, 0, 0},
        {"rate", "ams: 1 / mfpt", NAN, NAN, "1/t", a->rate, a->rate_se, a->rate_ci[0], a->rate_ci[1], NAN, NAN, K, 0,
         0, 0}};
    for (int j = 0; e == SGL_OK && j < 6; ++j) e = sgl_store_add_estimate(st, run_id, &rows[j], err);
    const struct { const char *name; double v; } diag[] = {
        {"replicas", s->ams.replicas}, {"kill", s->ams.kill}, {"runs", a->runs}, {"cycles", s->ams.cycles},
        {"iterations", (double)a->iterations}, {"clones", (double)a->clones},
        {"evaluations", (double)a->evaluations}, {"extinct_runs", a->extinct}, {"capped", (double)a->capped},
        {"direct_escapes", (double)a->direct_escapes}, {"z_A", a->z_A}, {"z_sigma", a->z_sigma}};
    for (size_t j = 0; e == SGL_OK && j < sizeof diag / sizeof diag[0]; ++j) {
        const sgl_estimate_row d = {diag[j].name, "ams diagnostic", NAN, NAN, NULL, diag[j].v, NAN, NAN, NAN,
                                    NAN, NAN, K, 0, 0, 0};
        e = sgl_store_add_estimate(st, run_id, &d, err);
    }
    return e;
}

sgl_status sgl_store_write_escape(sgl_store *st, int64_t run_id, const sgl_escape_spec *s, const sgl_record *rec,
                                  sgl_err *err)
{
    if (rec->ams) {
        sgl_status e = sgl_store_txn_begin(st, err);
        if (e != SGL_OK) return e;
        if ((e = clear_run(st, run_id, err)) == SGL_OK && (e = write_ams(st, run_id, s, rec, err)) == SGL_OK)
            return sgl_store_run_finish(st, run_id, rec->seconds, err);
        sgl_store_txn_rollback(st);
        return e;
    }
    const sgl_escape_results *r = rec->esc;
    const sgl_mfpt_est *mf = &rec->mfpt;
    const sgl_rate_est *rate = &rec->rate;
    const char *unit = s->dynamics == SGL_ESC_SGD ? "t_eta" : "t";
    sgl_status e = sgl_store_txn_begin(st, err);
    if (e != SGL_OK) return e;
    e = clear_run(st, run_id, err);
    for (size_t i = 0; e == SGL_OK && i < r->M; ++i) {
        const char *kind = r->state[i] == SGL_FP_DIVERGED ? "diverged" : "first_passage";
        e = sgl_store_add_event(st, run_id, (uint32_t)i, kind, r->t[i], unit, r->state[i] == SGL_FP_CENSORED, r->L[i],
                                err);
    }
    const uint64_t n = r->escaped + r->censored;
    const sgl_estimate_row rows[2] = {
        {"mfpt", "mean of min(tau, t_max), percentile bootstrap CI", NAN, NAN, unit, mf->mean, mf->se, mf->ci_lo,
         mf->ci_hi, NAN, NAN, n, r->diverged, r->censored, 0},
        {"rate", "censored exponential MLE, likelihood-ratio CI", NAN, NAN, "1/t", rate->value, rate->se,
         rate->ci_lo, rate->ci_hi, NAN, NAN, n, r->diverged, r->censored, 0}};
    for (int k = 0; e == SGL_OK && k < 2; ++k) e = sgl_store_add_estimate(st, run_id, &rows[k], err);
    if (e == SGL_OK) return sgl_store_run_finish(st, run_id, rec->seconds, err);
    sgl_store_txn_rollback(st);
    return e;
}

sgl_status sgl_store_write_any(sgl_store *st, int64_t run_id, const sgl_any_spec *s, const sgl_record *rec,
                               sgl_err *err)
{
    char key[17];
    sgl_any_spec_run_key(s, key);
    if (rec->kind != s->kind || strcmp(rec->key, key) != 0)
        return sgl_fail(err, SGL_EINVAL, "record", "a %s record with run key %s does not belong to the %s spec with "
                        "run key %s", sgl_spec_kind_names[rec->kind], rec->key, sgl_spec_kind_names[s->kind], key);
    switch (s->kind) {
    case SGL_KIND_RUN: return write_ensemble_run(st, run_id, &s->u.run, rec, err);
    case SGL_KIND_LIMIT: return write_ensemble_run(st, run_id, NULL, rec, err);
    case SGL_KIND_ESCAPE: return sgl_store_write_escape(st, run_id, &s->u.escape, rec, err);
    }
    return sgl_fail(err, SGL_EINVAL, "kind", "unknown spec kind %d", (int)s->kind);
}

uint64_t sgl_any_spec_seed(const sgl_any_spec *s)
{
    return s->kind == SGL_KIND_ESCAPE ? s->u.escape.seed : s->kind == SGL_KIND_LIMIT ? s->u.limit.run.seed
                                                                                      : s->u.run.seed;
}

uint64_t sgl_any_spec_n_traj(const sgl_any_spec *s)
{
    if (s->kind == SGL_KIND_ESCAPE && s->u.escape.method == SGL_ESC_METHOD_AMS)   /* replicas of all runs */
        return (uint64_t)s->u.escape.ams.replicas * s->u.escape.ams.runs;
    return s->kind == SGL_KIND_ESCAPE ? s->u.escape.trajectories
           : s->kind == SGL_KIND_LIMIT ? s->u.limit.run.seeds : s->u.run.seeds;
}

sgl_status sgl_store_claim_any(sgl_store *st, const sgl_any_spec *s, const sgl_run_info *info, unsigned flags,
                               int64_t *run_id, sgl_claim *outcome, sgl_err *err)
{
    size_t need = sgl_any_spec_canonical(s, NULL, 0) + 1;
    char key[17], *params = sgl_malloc(need);
    if (!params) return sgl_fail(err, SGL_ENOMEM, "--db", "out of memory");
    sgl_any_spec_canonical(s, params, need);
    sgl_any_spec_run_key(s, key);
    sgl_run_info in = *info;
    in.key = key;
    in.params = params;
    in.seed = sgl_any_spec_seed(s);
    in.n_traj = sgl_any_spec_n_traj(s);
    sgl_status e = sgl_store_run_claim(st, &in, flags, run_id, outcome, err);
    sgl_free(params);
    return e;
}

/* Bad input found only while executing (a limit's start point): give the
 * claim back and delete the row this claim created (nothing else was
 * written); a row that existed stays as it was.  Best effort: the caller
 * reports the input error. */
static void withdraw(sgl_store *st, int64_t run_id, int created)
{
    static const char *const sql[] = {"DELETE FROM claims WHERE run_id = ?1 AND owner = ?2",
                                      "DELETE FROM runs WHERE run_id = ?1 AND status = 'started' AND ?2 IS NOT NULL"};
    if (exec(st, "BEGIN IMMEDIATE") != SQLITE_OK) return;
    int rc = SQLITE_DONE;
    for (int i = 0; i < 1 + created && rc == SQLITE_DONE; ++i) {
        sqlite3_stmt *q = NULL;
        rc = sqlite3_prepare_v2(st->db, sql[i], -1, &q, NULL);
        if (rc == SQLITE_OK) {
            sqlite3_bind_int64(q, 1, run_id);
            bind_text(q, 2, st->owner);
            rc = sqlite3_step(q);
        }
        sqlite3_finalize(q);
    }
    if (rc == SQLITE_DONE && exec(st, "COMMIT") == SQLITE_OK) {
        if (st->n_claims > 0) --st->n_claims;
    } else {
        exec(st, "ROLLBACK");
    }
}

/* claim (flags: 0 or SGL_CLAIM_SKIP_FINISHED): another live claimant is an error */
static sgl_status claim_own(sgl_store *st, const sgl_any_spec *s, const sgl_run_info *info, unsigned flags,
                            int64_t *run_id, sgl_claim *cl, sgl_err *err)
{
    sgl_status e = sgl_store_claim_any(st, s, info, flags, run_id, cl, err);
    if (e == SGL_OK && *cl == SGL_CLAIM_BUSY) {
        char key[17];
        sgl_any_spec_run_key(s, key);
        e = busy(st, key, err);
    }
    return e;
}

sgl_status sgl_store_commit_any(sgl_store *st, const sgl_any_spec *s, const sgl_run_info *info, const sgl_record *rec,
                                sgl_claim *outcome, sgl_err *err)
{
    int64_t run_id = 0;
    sgl_claim cl = SGL_CLAIM_NEW;
    sgl_status e = claim_own(st, s, info, 0, &run_id, &cl, err);
    if (outcome) *outcome = cl;
    return e == SGL_OK ? sgl_store_write_any(st, run_id, s, rec, err) : e;
}

sgl_status sgl_store_run_any(sgl_store *st, const sgl_any_spec *s, const sgl_run_info *info, const sgl_plan *plan,
                             sgl_record *rec, sgl_claim *outcome, sgl_err *err)
{
    memset(rec, 0, sizeof *rec);
    int64_t run_id = 0;
    sgl_claim cl = SGL_CLAIM_NEW;
    sgl_status e = SGL_OK;
    /* a splitting estimate is expensive and its run key names it completely: a finished one stays */
    const unsigned flags = s->kind == SGL_KIND_ESCAPE && s->u.escape.method == SGL_ESC_METHOD_AMS
                               ? SGL_CLAIM_SKIP_FINISHED : 0;
    if (st) e = claim_own(st, s, info, flags, &run_id, &cl, err);
    if (outcome) *outcome = cl;
    if (e != SGL_OK || cl == SGL_CLAIM_FINISHED) return e;
    if ((e = sgl_record_any_plan(s, plan, info->threads, rec, err)) != SGL_OK) {
        if (st && e == SGL_EINVAL) withdraw(st, run_id, cl == SGL_CLAIM_NEW);
        return e;
    }
    return st ? sgl_store_write_any(st, run_id, s, rec, err) : SGL_OK;
}
