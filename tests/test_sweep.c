/* Sweep specs, run keys, records and the SQLite store.
 * Known answers only (no statistics): every check is exact. */
#include "sgdlab.h"
#include "internal.h"   /* sgl_store_db: the round trip reads the store directly */
#include "testutil.h"

#include <math.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static sgl_sweep *parse(const char *text, sgl_err *err, sgl_status *st)
{
    sgl_sweep *w = NULL;
    *err = (sgl_err){{0}, {0}};
    *st = sgl_sweep_parse(text, strlen(text), "t.yaml", &w, err);
    return w;
}

/* The spec must fail with EINVAL at exactly `where` and a message containing `needle`. */
static void expect_error(const char *what, const char *text, const char *where, const char *needle)
{
    sgl_err err;
    sgl_status st;
    sgl_sweep *w = parse(text, &err, &st);
    check_true(st == SGL_EINVAL && !w, "%s: rejected with SGL_EINVAL (status %d)", what, (int)st);
    check_true(strcmp(err.field, where) == 0, "%s: location '%s' == '%s'", what, err.field, where);
    check_true(strstr(err.msg, needle) != NULL, "%s: message '%s' contains '%s'", what, err.msg, needle);
    sgl_sweep_free(w);
}

static void test_expand(void)
{
    const char *spec = "name: t\n"
                       "base:\n"
                       "  model: quadratic\n"
                       "  steps: 300\n"
                       "  every: 100\n"
                       "  seeds: 2\n"
                       "  lr-decay: [100, 200]\n"
                       "grid:\n"
                       "  noise: [label, none]\n"
                       "  lr: [0.01, 0.02, 0.03]\n"
                       "zip:\n"
                       "  seed: [7, 8]\n"
                       "  alpha: [1, 0.5]\n";
    sgl_err err;
    sgl_status st;
    sgl_sweep *w = parse(spec, &err, &st);
    check_true(st == SGL_OK && w, "valid spec parses (%s: %s)", err.field, err.msg);
    if (!w) return;
    check_true(sgl_sweep_size(w) == 12, "2 x 3 grid x zip of 2 = 12 runs (got %zu)", sgl_sweep_size(w));
    check_true(strcmp(sgl_sweep_name(w), "t") == 0, "name kept");
    static const char *const noises[] = {"label", "none"};
    static const double lrs[] = {0.01, 0.02, 0.03};
    int ok = 1;
    for (size_t r = 0; r < 12; ++r) {
        const sgl_spec *s = sgl_sweep_spec(w, r);
        size_t z = r % 2, l = (r / 2) % 3, nz = r / 6;   /* zip fastest, first grid key slowest */
        ok &= strcmp(s->noise, noises[nz]) == 0 && s->lr == lrs[l] && s->seed == 7 + z &&
              s->alpha == (z ? 0.5 : 1.0) && strcmp(s->model, "quadratic") == 0 && s->steps == 300 &&
              s->seeds == 2 && s->n_decay == 2 && s->decay_at[0] == 100 && s->decay_at[1] == 200;
    }
    check_true(ok, "runs in mixed-radix order with base values and axis values");
    char k0[17], k1[17], k0b[17];
    sgl_spec_run_key(sgl_sweep_spec(w, 0), k0);
    sgl_spec_run_key(sgl_sweep_spec(w, 1), k1);
    sgl_spec s0 = *sgl_sweep_spec(w, 0);
    sgl_spec_run_key(&s0, k0b);
    check_true(strcmp(k0, k0b) == 0 && strcmp(k0, k1) != 0, "run key: stable copy %s, differs by seed %s", k0, k1);
    sgl_sweep_free(w);

    /* the same sweep in JSON */
    const char *json = "{\"base\": {\"model\": \"quadratic\", \"steps\": 300, \"every\": 100, \"seeds\": 2},"
                       " \"grid\": {\"lr\": [0.01, 0.02]}}";
    w = parse(json, &err, &st);
    check_true(st == SGL_OK && w && sgl_sweep_size(w) == 2, "JSON spec: 2 runs (%s %s)", err.field, err.msg);
    sgl_sweep_free(w);
    /* a .json file is strict JSON: a trailing comma (fine in YAML flow style) is an error, with its place */
    sgl_sweep *wj = NULL;
    const char *tc = "{\"base\": {\"lr\": 0.1,}}";
    err = (sgl_err){{0}, {0}};
    st = sgl_sweep_parse(tc, strlen(tc), "t.json", &wj, &err);
    check_true(st == SGL_EINVAL && !wj && strcmp(err.field, "t.json:1:20") == 0 && strstr(err.msg, "trailing comma"),
               "t.json: trailing comma rejected at %s: %s", err.field, err.msg);
    st = sgl_sweep_parse(tc, strlen(tc), "t.yaml", &wj, &err);
    check_true(st == SGL_OK && wj && sgl_sweep_size(wj) == 1, "the same text as YAML (flow style) is accepted");
    sgl_sweep_free(wj);
    /* no axes: one run of the base */
    w = parse("base: {steps: 10, every: 5}", &err, &st);
    check_true(st == SGL_OK && w && sgl_sweep_size(w) == 1 && sgl_sweep_spec(w, 0)->steps == 10,
               "base only: one run");
    sgl_sweep_free(w);
}

static void test_errors(void)
{
    expect_error("unknown base key", "base:\n  model: diagnet\n  lrr: 0.1", "t.yaml:3:3", "unknown key 'lrr'; valid: model, noise");
    expect_error("unknown grid key", "grid:\n  etaa: [1]", "t.yaml:2:3", "unknown key 'etaa'");
    expect_error("unknown top-level key", "bases: {}", "t.yaml:1:1", "valid: name, kind, base, grid, zip");
    expect_error("wrong type: quoted number", "base:\n  lr: \"0.1\"", "t.yaml:2:8", "lr: must be a finite number");
    expect_error("wrong type: list for scalar", "base:\n  steps: [1, 2]", "t.yaml:2:11", "steps: must be a non-negative integer, got a list");
    expect_error("wrong type: not an integer", "grid:\n  trajectories: [2, 2.5]", "t.yaml:2:21",
                 "trajectories: must be a non-negative integer");
    expect_error("bad enum", "base: {data: gauss}", "t.yaml:1:14", "valid: gaussian, boolean, csv");
    expect_error("out of range in base", "base:\n  lr: -1", "t.yaml:2:7", "lr: must be a finite number > 0");
    expect_error("out of range in a grid value", "grid:\n  lr: [0.1, 0.2, 0]", "t.yaml:2:18", "lr: must be a finite number > 0");
    expect_error("unknown model (names the valid ones)", "grid:\n  model: [diagnet, resnet]", "t.yaml:2:20",
                 "unknown model 'resnet'; valid: diagnet");
    expect_error("kappa > d (cross-field)", "base:\n  d: 3", "t.yaml:1:1", "kappa: must be an integer in [0, d = 3]");
    expect_error("batch > n", "base: {noise: minibatch, n: 4, batch: 5}", "t.yaml:1:39", "batch: must be an integer in [1, n = 4]");
    expect_error("zip lengths differ", "zip:\n  seed: [1, 2]\n  lr: [0.1]", "t.yaml:3:3", "zip lists must have one length");
    expect_error("axis twice", "grid: {lr: [1]}\nzip: {lr: [2]}", "t.yaml:2:7", "each key may vary once");
    expect_error("axis not a list", "grid:\n  lr: 0.1", "t.yaml:2:7", "must be a non-empty list");
    expect_error("empty axis", "grid:\n  lr: []", "t.yaml:2:3", "non-empty list");
    expect_error("invalid UTF-8 (libfyaml hung on it in a directive; found by fuzzing)", "base:\n  lr: \xad", "t.yaml:2:7",
                 "byte 0xad is not valid UTF-8");
    expect_error("invalid UTF-8 in a directive", "%a\xad\n", "t.yaml:1:3", "not valid UTF-8");
    expect_error("syntax error", "base:\n  lr: [0.1", "t.yaml:3:1", "not valid YAML/JSON");
    expect_error("root not a mapping", "- 1\n- 2", "t.yaml:1:3", "must be a mapping");
    expect_error("alias rejected", "base:\n  lr: &a 0.1\n  alpha: *a", "t.yaml:3:11", "aliases are not supported");
    expect_error("duplicate runs", "grid:\n  seed: [1, 2, 1]\n", "t.yaml:1:1", "runs 1 and 3 of 3 have the same parameters");
    expect_error("unreadable data file", "base:\n  data: csv\n  data-file: /nonexistent/x.csv\n", "t.yaml:3:14",
                 "data-file: cannot read '/nonexistent/x.csv'");
    expect_error("gaussian needs sigma-scale", "base: {noise: gaussian}", "t.yaml:1:1", "sigma-scale: required");
}

static void test_record_and_store(void)
{
    sgl_spec s;
    sgl_spec_defaults(&s);
    s.model = "diagnet"; s.noise = "label";
    s.data.d = 10; s.data.n = 8; s.data.kappa = 2;
    s.steps = 600; s.every = 200; s.seeds = 3; s.seed = 5;
    s.lr = 0.5;   /* large enough that some trajectories diverge: events are written */
    s.bound = 10;
    sgl_err err = {{0}, {0}};
    sgl_record rec;
    sgl_status st = sgl_record_run(&s, 1, &rec, &err);
    check_true(st == SGL_OK, "record_run (%s %s)", err.field, err.msg);
    if (st != SGL_OK) return;
    /* pack / unpack is bitwise */
    void *buf = NULL;
    size_t len = 0;
    check_true(sgl_record_pack(&rec, &buf, &len) == SGL_OK, "pack");
    sgl_record back;
    st = sgl_record_unpack(buf, len, &back, &err);
    size_t nser = (size_t)rec.res->n_traj * rec.res->n_log * rec.res->n_obs;
    check_true(st == SGL_OK && back.n_obs == rec.n_obs && back.obs[0] == rec.obs[0] &&
                   memcmp(back.res->series, rec.res->series, nser * 8) == 0 &&
                   memcmp(back.res->diverged_step, rec.res->diverged_step, rec.res->n_traj * 8) == 0 &&
                   strcmp(back.key, rec.key) == 0,
               "unpack(pack(record)) is bitwise the record");
    sgl_record_clear(&back);
    check_true(sgl_record_unpack(buf, len - 8, &back, &err) == SGL_EINVAL, "truncated buffer rejected");
    sgl_record_clear(&back);
    sgl_record_buf_free(buf);

    char path[] = "/tmp/sgl_test_store_XXXXXX";
    int fd = mkstemp(path);
    if (fd >= 0) close(fd);
    unlink(path);
    sgl_store *db = NULL;
    st = sgl_store_open(path, 0, 1000, &db, &err);
    check_true(st == SGL_OK, "store open/create (%s)", err.msg);
    if (st != SGL_OK) return;
    char params[2048];
    sgl_spec_canonical(&s, params, sizeof params);
    sgl_run_info info = {rec.key, "test", params, s.seed, s.seeds, 0, -1, 1, 1};
    int64_t id = 0;
    sgl_run_state rs;
    sgl_store_run_state(db, rec.key, &rs, &err);
    check_true(rs == SGL_RUN_ABSENT, "absent before begin");
    check_true(sgl_store_run_begin(db, &info, &id, &err) == SGL_OK, "begin");
    sgl_store_run_state(db, rec.key, &rs, &err);
    check_true(rs == SGL_RUN_STARTED, "started after begin");
    check_true(sgl_store_write_run(db, id, &s, &rec, &err) == SGL_OK, "write_run (%s)", err.msg);
    sgl_store_run_state(db, rec.key, &rs, &err);
    check_true(rs == SGL_RUN_FINISHED, "finished after write");
    /* round trip: every stored value equals the record bitwise (NaN <-> NULL) */
    sqlite3 *q = sgl_store_db(db);
    sqlite3_stmt *stmt = NULL;
    sqlite3_prepare_v2(q, "SELECT observable, traj, step, value, t_eta FROM series WHERE run_id = ?1", -1, &stmt, NULL);
    sqlite3_bind_int64(stmt, 1, id);
    size_t rows = 0, bad = 0;
    const sgl_results *r = rec.res;
    while (sqlite3_step(stmt) == SQLITE_ROW) {
        const char *obs = (const char *)sqlite3_column_text(stmt, 0);
        uint32_t t = (uint32_t)sqlite3_column_int64(stmt, 1);
        uint64_t k = (uint64_t)sqlite3_column_int64(stmt, 2);
        size_t o = 0, l = 0;
        while (o < rec.n_obs && strcmp(rec.obs[o]->name, obs) != 0) ++o;
        while (l < r->n_log && r->log_steps[l] != k) ++l;
        if (o == rec.n_obs || l == r->n_log || t >= r->n_traj) { ++bad; continue; }
        double want = r->series[((size_t)t * r->n_log + l) * r->n_obs + o];
        if (isnan(want)) bad += sqlite3_column_type(stmt, 3) != SQLITE_NULL;
        else bad += sqlite3_column_type(stmt, 3) == SQLITE_NULL || memcmp(&want, &(double){sqlite3_column_double(stmt, 3)}, 8) != 0;
        bad += sqlite3_column_double(stmt, 4) != s.lr * (double)k;
        ++rows;
    }
    sqlite3_finalize(stmt);
    check_true(rows == nser && bad == 0, "series round trip: %zu rows (want %zu), %zu mismatches", rows, nser, bad);
    size_t ndiv = 0;
    for (uint32_t t = 0; t < r->n_traj; ++t) ndiv += r->diverged[t] != 0;
    sqlite3_prepare_v2(q, "SELECT count(*) FROM events WHERE run_id = ?1 AND kind = 'diverged' AND time_unit = 'k'", -1,
                       &stmt, NULL);
    sqlite3_bind_int64(stmt, 1, id);
    sqlite3_step(stmt);
    size_t nev = (size_t)sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    check_true(ndiv > 0 && nev == ndiv, "one divergence event per diverged trajectory (%zu of %u diverged)", ndiv,
               r->n_traj);
    /* writing the same run again replaces it (no duplicate rows) */
    check_true(sgl_store_run_begin(db, &info, &id, &err) == SGL_OK && sgl_store_write_run(db, id, &s, &rec, &err) == SGL_OK,
               "rewrite the same run");
    sqlite3_prepare_v2(q, "SELECT count(*) FROM series", -1, &stmt, NULL);
    sqlite3_step(stmt);
    check_true((size_t)sqlite3_column_int64(stmt, 0) == nser, "rewrite leaves one copy of the series");
    sqlite3_finalize(stmt);
    /* claims (issue 10 item 1): a sweep skips a finished run without writing;
     * a replacement keeps it finished until the new results commit */
    sgl_claim cl = SGL_CLAIM_BUSY;
    int64_t id2 = -1;
    check_true(sgl_store_run_claim(db, &info, SGL_CLAIM_SKIP_FINISHED, &id2, &cl, &err) == SGL_OK &&
                   cl == SGL_CLAIM_FINISHED && id2 == 0, "claim with SKIP_FINISHED: finished, not taken");
    check_true(sgl_store_run_claim(db, &info, 0, &id2, &cl, &err) == SGL_OK && cl == SGL_CLAIM_REPLACE && id2 == id,
               "claim of a finished run: REPLACE");
    sgl_store_run_state(db, rec.key, &rs, &err);
    check_true(rs == SGL_RUN_FINISHED, "a finished run being replaced stays finished");
    check_true(sgl_store_txn_begin(db, &err) == SGL_OK, "replacement transaction");
    sgl_store_clear_run(db, id, &err);
    sgl_store_txn_rollback(db);   /* the replacement fails: nothing of the old run is lost */
    sqlite3_prepare_v2(q, "SELECT (SELECT count(*) FROM series WHERE run_id = ?1) || ' ' ||"
                          " (SELECT status || ' ' || attempts FROM runs WHERE run_id = ?1)", -1, &stmt, NULL);
    sqlite3_bind_int64(stmt, 1, id);
    sqlite3_step(stmt);
    char want[64];
    snprintf(want, sizeof want, "%zu finished 3", nser);
    check_true(strcmp((const char *)sqlite3_column_text(stmt, 0), want) == 0,
               "a failed replacement leaves the run finished with its rows: '%s' (want '%s')",
               (const char *)sqlite3_column_text(stmt, 0), want);
    sqlite3_finalize(stmt);
    /* same key with other parameters is refused */
    sgl_run_info other = info;
    other.params = "{\"other\":1}";
    check_true(sgl_store_run_begin(db, &other, &id, &err) == SGL_EIO && strstr(err.msg, "other parameters"),
               "key collision refused: %s", err.msg);
    sgl_store_close(db, &err);
    /* read-only reopen sees the finished run */
    st = sgl_store_open(path, SGL_STORE_READONLY, 1000, &db, &err);
    int64_t nr = 0;
    check_true(st == SGL_OK && sgl_store_count_runs(db, &nr, &err) == SGL_OK && nr == 1, "read-only reopen: 1 run");
    sgl_store_close(db, &err);
    /* garbage file: clear error, file untouched */
    FILE *f = fopen(path, "wb");
    for (int i = 0; i < 4096; ++i) fputc((i * 7919) & 0xff, f);
    fclose(f);
    char wal[300];
    snprintf(wal, sizeof wal, "%s-wal", path);
    unlink(wal);
    snprintf(wal, sizeof wal, "%s-shm", path);
    unlink(wal);
    st = sgl_store_open(path, 0, 1000, &db, &err);
    check_true(st == SGL_EIO && strstr(err.msg, "not a SQLite database"), "garbage file: %s", err.msg);
    unlink(path);
    sgl_record_clear(&rec);
}

/* kind: limit | escape sweeps: the kind's table, per-run vectors, located errors */
static void test_kinds(void)
{
    sgl_err err = {{0}, {0}};
    sgl_status st;
    sgl_sweep *w = parse("kind: escape\nbase: {landscape: quadratic, trajectories: 10, event: ball}\n"
                         "grid: {L0: [0.3, 0.5]}\nzip: {n-dim: [1, 2], x0: [[0.9], [0.9, 0.1]]}", &err, &st);
    check_true(st == SGL_OK && w, "escape sweep parses (%s %s)", err.field, err.msg);
    if (w) {
        check_true(sgl_sweep_kind(w) == SGL_KIND_ESCAPE && sgl_sweep_size(w) == 4, "escape: kind and 4 runs");
        check_true(sgl_sweep_spec(w, 0) == NULL, "escape: no run spec");
        sgl_any_spec a, b;
        check_true(sgl_sweep_any_spec(w, 1, &a, &err) == SGL_OK && sgl_sweep_any_spec(w, 3, &b, &err) == SGL_OK,
                   "escape: runs 2 and 4");
        check_true(a.kind == SGL_KIND_ESCAPE && a.u.escape.lp.L0 == 0.3 && a.u.escape.lp.n == 2 && a.n_vec == 2 &&
                       a.vec[0] == 0.9 && a.vec[1] == 0.1 && b.u.escape.lp.L0 == 0.5 && b.vec != a.vec &&
                       b.u.escape.trajectories == 10,
                   "escape: run 2 = (L0 0.3, n 2, x0 0.9,0.1), run 4 L0 0.5 with its own x0 storage");
        char k0[17], k1[17];
        sgl_any_spec_run_key(&a, k0);
        sgl_any_spec_run_key(&b, k1);
        check_true(strcmp(k0, k1) != 0, "escape: runs differ in key");
        sgl_sweep_free(w);
    }
    w = parse("base: {steps: 5}\nkind: run", &err, &st);
    check_true(st == SGL_OK && w && sgl_sweep_kind(w) == SGL_KIND_RUN && sgl_sweep_spec(w, 0)->steps == 5,
               "kind: run after base");
    sgl_sweep_free(w);
    w = parse("kind: limit\nbase: {model: diagnet}\ngrid: {T: [0.5, 1]}", &err, &st);
    check_true(st == SGL_OK && w && sgl_sweep_kind(w) == SGL_KIND_LIMIT && sgl_sweep_size(w) == 2,
               "limit sweep parses (%s)", err.msg);
    sgl_sweep_free(w);
    expect_error("bad kind", "kind: escapee", "t.yaml:1:7", "kind: unknown kind 'escapee'; valid: run, limit, escape");
    expect_error("kind a list", "kind: [escape]", "t.yaml:1:8", "kind: must be one of run, limit, escape");
    expect_error("escape key typo", "kind: escape\nbase: {L00: 1}", "t.yaml:2:8",
                 "unknown escape key 'L00' (did you mean 'L0'?)");
    expect_error("kind after base: its table", "base: {L0: 1}\nkind: limit", "t.yaml:1:8", "unknown limit key 'L0'");
    expect_error("run key in escape sweep", "kind: escape\ngrid: {steps: [1]}", "t.yaml:2:8", "unknown escape key 'steps'");
    expect_error("escape validation located", "kind: escape\ngrid: {L0: [0.3, -1]}", "t.yaml:2:18", "(run 2 of 2)");
    expect_error("escape duplicate runs", "kind: escape\ngrid: {L0: [0.3, 0.30]}", "t.yaml:1:1", "same parameters");
}

int main(void)
{
    test_expand();
    test_kinds();
    test_errors();
    test_record_and_store();
    return done();
}
