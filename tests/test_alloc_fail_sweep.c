/* Allocation failures in the sweep parser, the record executor and its byte
 * form, the store writer and its read queries (series and escape groups,
 * export): failing the k-th library allocation, for every
 * k in turn, must return SGL_ENOMEM with a message (where the function takes
 * an sgl_err), leak nothing, and the first run where nothing fails must give
 * the reference result.  (SQLite's and libfyaml's own allocations are not
 * hooked; only the library's.)  Exact checks, no statistics. */
#include "sgdlab.h"
#include "alloc_hook.h"
#include "testutil.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef sgl_status (*case_fn)(sgl_err *err, uint64_t *digest);

static void mix(uint64_t *h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; ++i) { *h ^= b[i]; *h *= 1099511628211ull; }
}

static const char k_spec[] = "name: alloc\n"
                             "base: {model: diagnet, d: 6, n: 5, kappa: 2, steps: 40, every: 20, seeds: 3,\n"
                             "       lr-decay: [10, 30]}\n"
                             "grid:\n  noise: [label, none]\n  lr: [0.001, 0.002]\n"
                             "zip:\n  seed: [1, 2]\n  alpha: [1, 0.5]\n";

static sgl_status case_parse(sgl_err *err, uint64_t *digest)
{
    sgl_sweep *w = NULL;
    sgl_status st = sgl_sweep_parse(k_spec, sizeof k_spec - 1, "alloc.yaml", &w, err);
    if (st != SGL_OK) return st;
    for (size_t i = 0; i < sgl_sweep_size(w); ++i) {
        char buf[2048];
        size_t n = sgl_spec_canonical(sgl_sweep_spec(w, i), buf, sizeof buf);
        mix(digest, buf, n);
    }
    sgl_sweep_free(w);
    return SGL_OK;
}

static void small(sgl_spec *s)
{
    sgl_spec_defaults(s);
    s->data.d = 6; s->data.n = 5; s->data.kappa = 2;
    s->steps = 40; s->every = 20; s->seeds = 3; s->seed = 9;
}

static sgl_status case_record(sgl_err *err, uint64_t *digest)
{
    sgl_spec s;
    small(&s);
    sgl_record rec;
    sgl_status st = sgl_record_run(&s, 1, &rec, err);
    if (st != SGL_OK) return st;
    const sgl_results *r = rec.res;
    mix(digest, r->series, (size_t)r->n_traj * r->n_log * r->n_obs * sizeof(double));
    sgl_record_clear(&rec);
    return SGL_OK;
}

static sgl_status case_pack(sgl_err *err, uint64_t *digest)
{
    sgl_spec s;
    small(&s);
    sgl_record rec, back;
    sgl_status st = sgl_record_run(&s, 1, &rec, err);
    if (st != SGL_OK) return st;
    void *buf = NULL;
    size_t len = 0;
    if ((st = sgl_record_pack(&rec, &buf, &len)) != SGL_OK) {
        sgl_fail(err, st, "record", "pack failed");
        sgl_record_clear(&rec);
        return st;
    }
    st = sgl_record_unpack(buf, len, &back, err);
    sgl_record_buf_free(buf);
    sgl_record_clear(&rec);
    if (st != SGL_OK) return st;
    mix(digest, back.res->series, (size_t)back.res->n_traj * back.res->n_log * back.res->n_obs * sizeof(double));
    sgl_record_clear(&back);
    return SGL_OK;
}

static char g_db[64];

/* escape and limit: the store life cycle of one run (sgl_store_run_any) and the record's byte form */
static sgl_status case_any(sgl_spec_kind kind, sgl_err *err, uint64_t *digest)
{
    sgl_any_spec a;
    sgl_any_spec_default(&a, kind);
    if (kind == SGL_KIND_ESCAPE) {
        a.u.escape.landscape = "doublewell";
        a.u.escape.trajectories = 12;
        a.u.escape.t_max = 5;
        a.u.escape.threads = 1;
    } else {
        a.u.limit.run.model = "toy2d";
        a.u.limit.run.seeds = 2;
        a.u.limit.T = 0.01;
        a.u.limit.dt = 0.001;
    }
    unlink(g_db);
    sgl_store *db = NULL;
    sgl_status st = sgl_store_open(g_db, 0, 1000, &db, err);
    if (st != SGL_OK) return st;
    sgl_record rec, back;
    sgl_run_info info = {.command = "test", .sweep_index = -1, .threads = 1, .ranks = 1};
    st = sgl_store_run_any(db, &a, &info, NULL, &rec, NULL, err);
    sgl_err e2;
    sgl_status cs = sgl_store_close(db, &e2);
    if (st == SGL_OK && cs != SGL_OK) { st = cs; *err = e2; }
    void *buf = NULL;
    size_t len = 0;
    if (st == SGL_OK && (st = sgl_record_pack(&rec, &buf, &len)) != SGL_OK) sgl_fail(err, st, "record", "pack failed");
    if (st == SGL_OK) st = sgl_record_unpack(buf, len, &back, err);
    sgl_record_buf_free(buf);
    sgl_record_clear(&rec);
    if (st != SGL_OK) return st;
    if (kind == SGL_KIND_ESCAPE) mix(digest, back.esc->t, back.esc->M * sizeof(double));
    else mix(digest, back.res->series, (size_t)back.res->n_traj * back.res->n_log * back.res->n_obs * sizeof(double));
    sgl_record_clear(&back);
    return SGL_OK;
}
static sgl_status case_escape(sgl_err *err, uint64_t *digest) { return case_any(SGL_KIND_ESCAPE, err, digest); }
static sgl_status case_limit(sgl_err *err, uint64_t *digest) { return case_any(SGL_KIND_LIMIT, err, digest); }

static sgl_status case_store(sgl_err *err, uint64_t *digest)
{
    sgl_spec s;
    small(&s);
    sgl_record rec;
    sgl_status st = sgl_record_run(&s, 1, &rec, err);
    if (st != SGL_OK) return st;
    unlink(g_db);
    sgl_store *db = NULL;
    if ((st = sgl_store_open(g_db, 0, 1000, &db, err)) != SGL_OK) {
        sgl_record_clear(&rec);
        return st;
    }
    char params[2048];
    sgl_spec_canonical(&s, params, sizeof params);
    sgl_run_info info = {rec.key, "test", params, s.seed, s.seeds, 0, -1, 1, 1};
    int64_t id = 0;
    st = sgl_store_run_begin(db, &info, &id, err);
    if (st == SGL_OK) st = sgl_store_write_run(db, id, &s, &rec, err);
    sgl_run_state rs = SGL_RUN_ABSENT;
    if (st == SGL_OK) st = sgl_store_run_state(db, rec.key, &rs, err);
    sgl_status cs = sgl_store_close(db, NULL);
    if (st == SGL_OK) st = cs;
    sgl_record_clear(&rec);
    mix(digest, &rs, sizeof rs);
    mix(digest, &id, sizeof id);
    return st;
}

/* the sweep driver (src/sweep_run.c): open, execute every run into a fresh store, free */
static sgl_status case_exec(sgl_err *err, uint64_t *digest)
{
    sgl_sweep *w = NULL;
    sgl_status st = sgl_sweep_parse(k_spec, sizeof k_spec - 1, "alloc.yaml", &w, err);
    if (st != SGL_OK) return st;
    unlink(g_db);
    sgl_store *db = NULL;
    sgl_sweep_exec *x = NULL;
    if ((st = sgl_store_open(g_db, 0, 1000, &db, err)) == SGL_OK) {
        sgl_sweep_exec_opts o = {.path = "alloc.yaml", .db_path = g_db, .threads = 1, .ranks = 1};
        st = sgl_sweep_exec_open(w, db, &o, &x, err);
        if (st == SGL_OK) st = sgl_sweep_exec_run(x, NULL, err);
        if (st == SGL_OK) {
            const sgl_sweep_progress *p = sgl_sweep_exec_progress(x);
            mix(digest, &p->done, sizeof p->done);
            mix(digest, &p->traj, sizeof p->traj);
        }
        sgl_sweep_exec_free(x);
        sgl_status cs = sgl_store_close(db, NULL);
        if (st == SGL_OK) st = cs;
    }
    sgl_sweep_free(w);
    return st;
}

/* the read side (src/store_query.c) on the store case_store left, plus one
 * escape run written by hand (setup_escape, nothing armed) */
static int mix_point(void *user, const sgl_plot_point *p)
{
    mix(user, &p->what, sizeof p->what);
    mix(user, &p->y, sizeof p->y);
    return 0;
}

static int mix_series(void *user, const sgl_series_group *g)
{
    mix(user, &g->mean, sizeof g->mean);
    mix(user, &g->n, sizeof g->n);
    for (size_t i = 0; i < g->n_keys; ++i) mix(user, g->key[i].text, strlen(g->key[i].text));
    return 0;
}

static int mix_escape(void *user, const sgl_escape_group *g)
{
    mix(user, &g->mfpt, sizeof g->mfpt);
    mix(user, &g->rate.ci_hi, sizeof g->rate.ci_hi);
    return 0;
}

static int mix_export(void *user, const sgl_export_row *row)
{
    for (size_t i = 0; i < row->n_params; ++i) mix(user, row->param_name[i], strlen(row->param_name[i]));
    for (size_t i = 0; !row->header && i < row->n_cols; ++i) mix(user, row->col[i].text, strlen(row->col[i].text));
    return 0;
}

static sgl_status setup_escape(sgl_err *err)
{
    sgl_store *db = NULL;
    sgl_status st = sgl_store_open(g_db, 0, 1000, &db, err);
    if (st != SGL_OK) return st;
    sgl_run_info info = {"00000000000000e5", "escape", "{\"landscape\":\"doublewell\",\"n\":1,\"L0\":0.5,\"seed\":1}",
                         1, 3, 0, -1, 1, 1};
    int64_t id = 0;
    st = sgl_store_run_begin(db, &info, &id, err);
    if (st == SGL_OK) st = sgl_store_txn_begin(db, err);
    const double t[3] = {1.0, 2.0, 5.0};
    for (uint32_t i = 0; st == SGL_OK && i < 3; ++i)
        st = sgl_store_add_event(db, id, i, "first_passage", t[i], "t", i == 2, 0.5, err);
    if (st == SGL_OK) st = sgl_store_run_finish(db, id, 0.0, err);
    sgl_status cs = sgl_store_close(db, NULL);
    return st == SGL_OK ? cs : st;
}

static sgl_store *g_ro;   /* opened read-only before the case: the case covers the queries only */

static sgl_status case_query(sgl_err *err, uint64_t *digest)
{
    sgl_store *db = g_ro;
    sgl_status st = SGL_OK;
    sgl_query q;
    memset(&q, 0, sizeof q);
    q.kind = "run";
    q.observable = "test_error";
    q.n_keys = 1;
    q.keys[0] = "noise";
    char buf[400];
    st = sgl_query_filter_set(&q.where[0], sgl_param_lookup("lr", 2), NULL, "1e-3", buf, sizeof buf, err);
    q.n_where = 1;
    if (st == SGL_OK) st = sgl_store_series_groups(db, &q, mix_series, digest, err);
    sgl_query e;
    memset(&e, 0, sizeof e);
    e.kind = "escape";
    e.n_keys = 1;
    e.keys[0] = "L0";
    if (st == SGL_OK) st = sgl_store_escape_groups(db, &e, 0.95, mix_escape, digest, err);
    if (st == SGL_OK) st = sgl_store_export(db, "runs", NULL, mix_export, digest, err);
    if (st == SGL_OK) st = sgl_store_export(db, "events", "escape", mix_export, digest, err);
    /* a plot request resolved against the store (src/store_resolve.c), then its curves (src/plot_data.c) */
    static sgl_report_req r;
    memset(&r, 0, sizeof r);
    r.x = "lr";
    r.curve = "noise";
    sgl_plot_curves cv;
    if (st == SGL_OK) st = sgl_report_resolve(db, &r, err);
    if (st == SGL_OK) {
        st = sgl_plot_data(db, &r, 0, &cv, mix_point, digest, err);
        if (st == SGL_OK) mix(digest, &cv.n_points, sizeof cv.n_points);
        for (int i = 0; st == SGL_OK && i < cv.n_curves; ++i) mix(digest, cv.title[i], strlen(cv.title[i]));
        sgl_plot_curves_clear(&cv);
    }
    FILE *f = st == SGL_OK ? fopen("/dev/null", "w") : NULL;   /* the report's rows (src/report_write.c) */
    if (f) {
        st = sgl_report_write(db, &r, SGL_REPORT_JSONL, "db", f, err);
        fclose(f);
    }
    return st;
}

static void run_case(const char *name, case_fn fn, int has_err)
{
    sgl_err err = {{0}, {0}};
    uint64_t ref = 1469598103934665603ull;
    sgl_test_alloc_arm(0);
    sgl_status st = fn(&err, &ref);
    sgl_test_alloc_disarm();
    const uint64_t n = sgl_test_alloc_attempts();
    if (!check_true(st == SGL_OK && sgl_test_alloc_live() == 0 && n > 0,
                    "%s: reference: %s, %lld blocks left, %llu allocations (%s)", name, sgl_strerror(st),
                    (long long)sgl_test_alloc_live(), (unsigned long long)n, err.msg))
        return;
    for (uint64_t k = 1; k <= n + 1; ++k) {
        memset(&err, 0, sizeof err);
        uint64_t dg = 1469598103934665603ull;
        sgl_test_alloc_arm(k);
        st = fn(&err, &dg);
        sgl_test_alloc_disarm();
        const int64_t live = sgl_test_alloc_live();
        if (!sgl_test_alloc_failed()) {
            check_true(k == n + 1 && st == SGL_OK && dg == ref && live == 0,
                       "%s: %llu allocations failed in turn, each SGL_ENOMEM with nothing leaked; clean at k = %llu "
                       "with the reference result", name, (unsigned long long)n, (unsigned long long)k);
            return;
        }
        if (st != SGL_ENOMEM || live != 0 || (has_err && !err.msg[0])) {
            check_true(0, "%s: allocation %llu of %llu failed: %s (expected %s), %lld blocks left, message '%s'", name,
                       (unsigned long long)k, (unsigned long long)n, sgl_strerror(st), sgl_strerror(SGL_ENOMEM),
                       (long long)live, err.msg);
            return;
        }
    }
}

int main(void)
{
    snprintf(g_db, sizeof g_db, "/tmp/sgl_alloc_store_%ld.db", (long)getpid());
    run_case("sgl_sweep_parse", case_parse, 1);
    run_case("sgl_record_run", case_record, 1);
    run_case("sgl_record_pack/unpack", case_pack, 1);
    run_case("sgl_store_open/run_begin/write_run", case_store, 1);
    run_case("sgl_store_run_any escape + pack/unpack", case_escape, 1);
    run_case("sgl_store_run_any limit + pack/unpack", case_limit, 1);
    run_case("sgl_sweep_exec_open/run", case_exec, 1);
    sgl_err err = {{0}, {0}};
    uint64_t dg = 0;
    check_true(case_store(&err, &dg) == SGL_OK && setup_escape(&err) == SGL_OK &&
               sgl_store_open(g_db, SGL_STORE_READONLY, 1000, &g_ro, &err) == SGL_OK,
               "query store written and opened (%s)", err.msg);
    if (g_ro) run_case("sgl_store_series_groups/escape_groups/export, sgl_report_resolve, sgl_plot_data, sgl_report_write", case_query, 1);
    sgl_store_close(g_ro, NULL);
    char p[80];
    unlink(g_db);
    snprintf(p, sizeof p, "%s-wal", g_db); unlink(p);
    snprintf(p, sizeof p, "%s-shm", g_db); unlink(p);
    return done();
}
