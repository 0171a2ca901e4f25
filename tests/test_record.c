/* Records and the store life cycle of every spec kind (run, limit, escape):
 * pack/unpack is byte-exact and rejects malformed buffers, sgl_store_run_any
 * writes each kind's rows in one transaction and replaces a finished run,
 * sgl_store_write_any refuses a record of another spec; a method-ams record
 * packs and stores its splitting runs, and is not redone.  Known answers only
 * (no statistics): every check is exact. */
#include "sgdlab.h"
#include "internal.h"   /* sgl_store_db: the checks read the store directly */
#include "testutil.h"

#include <math.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void spec_of(sgl_any_spec *a, sgl_spec_kind kind)
{
    sgl_any_spec_default(a, kind);
    if (kind == SGL_KIND_ESCAPE) {
        sgl_escape_spec *e = &a->u.escape;
        e->landscape = "doublewell";
        e->trajectories = 40;
        e->t_max = 30;
        e->seed = 3;
        e->threads = 1;
        return;
    }
    sgl_spec *s = kind == SGL_KIND_LIMIT ? &a->u.limit.run : &a->u.run;
    s->model = "diagnet";
    s->noise = "label";
    s->data.d = 10; s->data.n = 8; s->data.kappa = 2;
    s->steps = 600; s->every = 200; s->seeds = 3; s->seed = 5;
    s->lr = kind == SGL_KIND_LIMIT ? 0.05 : 0.5;   /* run: some trajectories diverge, so events are written */
    s->bound = 10;
    if (kind == SGL_KIND_LIMIT) {
        a->u.limit.T = 0.02;
        a->u.limit.dt = 0.001;
    }
}

static long long count(sqlite3 *q, const char *sql, int64_t id)
{
    sqlite3_stmt *stmt = NULL;
    long long n = -1;
    if (sqlite3_prepare_v2(q, sql, -1, &stmt, NULL) == SQLITE_OK) {
        sqlite3_bind_int64(stmt, 1, id);
        if (sqlite3_step(stmt) == SQLITE_ROW) n = sqlite3_column_int64(stmt, 0);
    }
    sqlite3_finalize(stmt);
    return n;
}

/* pack -> unpack -> pack gives the same bytes; short, long and foreign buffers fail */
static void test_pack(const sgl_record *rec, const char *name)
{
    void *buf = NULL, *buf2 = NULL;
    size_t len = 0, len2 = 0;
    sgl_err err = {{0}, {0}};
    check_true(sgl_record_pack(rec, &buf, &len) == SGL_OK, "%s: pack", name);
    sgl_record back;
    sgl_status st = sgl_record_unpack(buf, len, &back, &err);
    check_true(st == SGL_OK && back.kind == rec->kind && strcmp(back.key, rec->key) == 0, "%s: unpack (%s)", name,
               err.msg);
    if (st == SGL_OK) {
        check_true(sgl_record_pack(&back, &buf2, &len2) == SGL_OK && len2 == len && memcmp(buf, buf2, len) == 0,
                   "%s: pack(unpack(pack(record))) is byte-identical (%zu bytes)", name, len);
        if (rec->ams)
            check_true(back.ams && back.ams_run && memcmp(back.ams, rec->ams, sizeof *rec->ams) == 0 &&
                           memcmp(&back.ams_run[2].t_reactive, &rec->ams_run[2].t_reactive, 8) == 0 &&
                           back.ams_run[1].evaluations == rec->ams_run[1].evaluations,
                       "%s: the splitting estimate and its runs bitwise", name);
        else if (rec->kind == SGL_KIND_ESCAPE)
            check_true(memcmp(back.esc->t, rec->esc->t, rec->esc->M * 8) == 0 &&
                           memcmp(&back.mfpt, &rec->mfpt, sizeof rec->mfpt) == 0 && back.esc->escaped == rec->esc->escaped,
                       "%s: times and estimates bitwise", name);
        else
            check_true(memcmp(back.res->series, rec->res->series,
                              (size_t)rec->res->n_traj * rec->res->n_log * rec->res->n_obs * 8) == 0 &&
                           back.limit.dt == rec->limit.dt && back.limit.em_steps == rec->limit.em_steps,
                       "%s: series and limit info bitwise", name);
    }
    sgl_record_clear(&back);
    sgl_record_buf_free(buf2);
    check_true(sgl_record_unpack(buf, len - 8, &back, &err) == SGL_EINVAL, "%s: truncated buffer rejected", name);
    sgl_record_clear(&back);
    unsigned char *longer = malloc(len + 8);
    memcpy(longer, buf, len);
    memset(longer + len, 0, 8);
    check_true(sgl_record_unpack(longer, len + 8, &back, &err) == SGL_EINVAL, "%s: over-long buffer rejected", name);
    sgl_record_clear(&back);
    longer[0] ^= 1;   /* the magic word names the kind */
    check_true(sgl_record_unpack(longer, len, &back, &err) == SGL_EINVAL, "%s: unknown magic rejected", name);
    sgl_record_clear(&back);
    free(longer);
    sgl_record_buf_free(buf);
}

static void test_kind(sgl_store *db, sgl_spec_kind kind)
{
    const char *name = sgl_spec_kind_names[kind];
    sgl_any_spec a;
    spec_of(&a, kind);
    sgl_err err = {{0}, {0}};
    sgl_record rec;
    sgl_claim cl = SGL_CLAIM_BUSY;
    sgl_run_info info = {.command = "test", .sweep_index = -1, .threads = 1, .ranks = 1};
    sgl_status st = sgl_store_run_any(db, &a, &info, NULL, &rec, &cl, &err);
    check_true(st == SGL_OK && cl == SGL_CLAIM_NEW && rec.kind == kind, "%s: stored as a new run (%s %s)", name,
               err.field, err.msg);
    if (st != SGL_OK) { sgl_record_clear(&rec); return; }
    char key[17];
    sgl_any_spec_run_key(&a, key);
    check_true(strcmp(rec.key, key) == 0, "%s: the record carries the spec's run key", name);
    test_pack(&rec, name);
    /* the record alone (no store) is the same execution */
    sgl_record again;
    check_true(sgl_record_run_any(&a, 2, &again, &err) == SGL_OK &&
                   (kind == SGL_KIND_ESCAPE ? memcmp(again.esc->t, rec.esc->t, rec.esc->M * 8) == 0
                                            : memcmp(again.res->theta_final, rec.res->theta_final,
                                                     rec.res->n_traj * rec.res->dim * 8) == 0),
               "%s: sgl_record_run_any with 2 threads gives the same bits", name);
    sgl_record_clear(&again);

    sqlite3 *q = sgl_store_db(db);
    sqlite3_stmt *stmt = NULL;
    int64_t id = 0;
    sqlite3_prepare_v2(q, "SELECT run_id FROM runs WHERE run_key = ?1 AND status = 'finished'", -1, &stmt, NULL);
    sqlite3_bind_text(stmt, 1, key, -1, SQLITE_STATIC);
    if (sqlite3_step(stmt) == SQLITE_ROW) id = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    check_true(id > 0, "%s: the run row is finished", name);
    long long series = count(q, "SELECT count(*) FROM series WHERE run_id = ?1", id);
    long long events = count(q, "SELECT count(*) FROM events WHERE run_id = ?1", id);
    long long ests = count(q, "SELECT count(*) FROM estimates WHERE run_id = ?1", id);
    if (kind == SGL_KIND_ESCAPE) {
        check_true(series == 0 && events == (long long)rec.esc->M && ests == 2,
                   "escape: one event per trajectory and two estimates (%lld, %lld, %lld)", series, events, ests);
        check_true(count(q, "SELECT count(*) FROM events WHERE run_id = ?1 AND time_unit = 't' AND "
                            "kind = 'first_passage'", id) == (long long)rec.esc->M,
                   "escape: first passages in SDE time t");
    } else {
        const sgl_results *r = rec.res;
        check_true(series == (long long)(r->n_traj * r->n_log * r->n_obs) && ests == (long long)(r->n_log * r->n_obs),
                   "%s: every series point and every estimate (%lld, %lld)", name, series, ests);
        if (kind == SGL_KIND_LIMIT) {
            /* limit time: the last log point is at T, t_eta is NULL */
            check_true(count(q, "SELECT count(*) FROM series WHERE run_id = ?1 AND t_eta IS NULL AND "
                                "abs(t_eta2 - 0.02) < 1e-15", id) == (long long)(r->n_traj * r->n_obs),
                       "limit: series in limit time t_eta2, up to T");
            check_true(count(q, "SELECT count(*) FROM estimates WHERE run_id = ?1 AND time_unit = 't_eta2'", id) == ests,
                       "limit: estimates in t_eta2");
            check_true(count(q, "SELECT count(*) FROM runs WHERE run_id = ?1 AND params LIKE '{\"kind\":\"limit\"%'",
                             id) == 1, "limit: params say kind limit");
        }
    }
    /* again: replaces the finished run, one copy of its rows */
    sgl_record rec2;
    st = sgl_store_run_any(db, &a, &info, NULL, &rec2, &cl, &err);
    check_true(st == SGL_OK && cl == SGL_CLAIM_REPLACE, "%s: a second execution replaces the finished run", name);
    check_true(count(q, "SELECT count(*) FROM series WHERE run_id = ?1", id) == series &&
                   count(q, "SELECT count(*) FROM events WHERE run_id = ?1", id) == events,
               "%s: one copy of the rows after replacing", name);
    sgl_record_clear(&rec2);
    /* a record of another spec is refused before anything is written */
    sgl_any_spec other;
    spec_of(&other, kind == SGL_KIND_ESCAPE ? SGL_KIND_RUN : SGL_KIND_ESCAPE);
    check_true(sgl_store_write_any(db, id, &other, &rec, &err) == SGL_EINVAL, "%s: write_any refuses a record of "
               "another spec (%s)", name, err.msg);
    sgl_record_clear(&rec);
}

/* method ams: the record packs byte-exact (malformed buffers refused), the store holds its splitting runs and
 * estimates, and a finished ams run is not redone (SGL_CLAIM_FINISHED, nothing written) */
static void test_ams(sgl_store *db)
{
    sgl_any_spec a;
    spec_of(&a, SGL_KIND_ESCAPE);
    sgl_escape_spec *e = &a.u.escape;
    e->method = SGL_ESC_METHOD_AMS;
    e->lp.L0 = 0.2;
    e->B_over_eta = 40;
    e->t_max = 1e4;
    e->ams.replicas = 20;
    e->ams.runs = 3;
    sgl_err err = {{0}, {0}};
    sgl_record rec;
    sgl_claim cl = SGL_CLAIM_BUSY;
    sgl_run_info info = {.command = "test", .sweep_index = -1, .threads = 1, .ranks = 1};
    sgl_status st = sgl_store_run_any(db, &a, &info, NULL, &rec, &cl, &err);
    check_true(st == SGL_OK && cl == SGL_CLAIM_NEW && rec.ams && rec.ams_run && !rec.esc && rec.ams->runs == 3,
               "ams: stored as a new run with its 3 splitting runs (%s %s)", err.field, err.msg);
    if (st != SGL_OK || !rec.ams) { sgl_record_clear(&rec); return; }
    test_pack(&rec, "ams");
    sgl_ams_result pooled;
    memset(&pooled, 0, sizeof pooled);
    sgl_ams_pool(rec.ams_run, rec.ams->runs, &pooled);
    check_true(memcmp(&pooled.mfpt, &rec.ams->mfpt, sizeof pooled.mfpt) == 0 &&
                   memcmp(&pooled.mfpt_ci, &rec.ams->mfpt_ci, sizeof pooled.mfpt_ci) == 0,
               "ams: sgl_ams_pool of the record's runs gives its MFPT and CI bit for bit");
    sqlite3 *q = sgl_store_db(db);
    char key[17];
    sgl_any_spec_run_key(&a, key);
    sqlite3_stmt *stmt = NULL;
    int64_t id = 0;
    sqlite3_prepare_v2(q, "SELECT run_id FROM runs WHERE run_key = ?1 AND status = 'finished'", -1, &stmt, NULL);
    sqlite3_bind_text(stmt, 1, key, -1, SQLITE_STATIC);
    if (sqlite3_step(stmt) == SQLITE_ROW) id = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    long long events = count(q, "SELECT count(*) FROM events WHERE run_id = ?1", id);
    long long ests = count(q, "SELECT count(*) FROM estimates WHERE run_id = ?1", id);
    check_true(id > 0 && events == 12 && ests == 18, "ams: 4 events per splitting run, 6 estimates + 12 diagnostics "
               "(%lld, %lld)", events, ests);
    sgl_record rec2;
    st = sgl_store_run_any(db, &a, &info, NULL, &rec2, &cl, &err);
    check_true(st == SGL_OK && cl == SGL_CLAIM_FINISHED && !rec2.ams && !rec2.esc &&
                   count(q, "SELECT count(*) FROM events WHERE run_id = ?1", id) == events,
               "ams: a finished ams run is not redone");
    sgl_record_clear(&rec2);
    sgl_record_clear(&rec);
}

int main(void)
{
    char path[] = "/tmp/sgl_test_record_XXXXXX";
    int fd = mkstemp(path);
    if (fd >= 0) close(fd);
    sgl_store *db = NULL;
    sgl_err err = {{0}, {0}};
    check_true(sgl_store_open(path, 0, 1000, &db, &err) == SGL_OK, "store open (%s)", err.msg);
    if (db) {
        for (int k = SGL_KIND_RUN; k <= SGL_KIND_ESCAPE; ++k) test_kind(db, (sgl_spec_kind)k);
        test_ams(db);
        check_true(sgl_store_close(db, &err) == SGL_OK, "store close");
    }
    char side[64];
    unlink(path);
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
    return done();
}
