/* The sweep driver (`sgdlab sweep`, its MPI dispatcher in cli/mpi.c, any
 * front end such as sgdlab.sweep() in Python): for each run of a sweep not
 * yet finished in the store, claim it (committed; a run another live writer
 * holds or has finished is left to it), execute it (sgl_record_sweep_run, no
 * I/O) and commit its results in one transaction (sgl_store_write_any), in
 * to-do order.  A killed sweep resumes: finished runs (by run key) are
 * skipped, started-but-unfinished ones redone; two drivers on one store
 * share the runs, each executed once.  Claim and commit are separate calls
 * so that a dispatcher can execute the runs elsewhere (MPI ranks) while only
 * this process touches the store, in the same order: the same rows.
 *
 * Group commit (sgl_sweep_exec_set_commit): executed runs' records are held
 * (packed) and written together in one transaction once commit_runs are
 * held or commit_s seconds have passed since the last write, and at the end
 * (also when interrupted or failing).  A run is finished only when its group
 * commits: a killed sweep redoes the held runs on resume, with the same bits
 * (results are deterministic), so a kill costs at most commit_s seconds of
 * work and a finished run stays finished. */
#include "internal.h"

#include <omp.h>
#include <string.h>

typedef struct {
    size_t i;     /* sweep index */
    void *buf;    /* sgl_record_pack */
    size_t len;
} held_run;

struct sgl_sweep_exec {
    const sgl_sweep *w;
    sgl_store *db;               /* NULL: execute only */
    int64_t sweep_id;
    int threads, ranks;
    size_t *todo, n_todo;        /* the runs left, in sweep order */
    size_t *passed, n_passed;    /* runs another live writer held when this one came to them */
    int64_t *run_id;             /* by sweep index */
    size_t commit_runs;          /* group commit: write at most this many runs together (<= 1: each alone) */
    double commit_s;             /* ... or when this long has passed since the last write */
    held_run *held;              /* executed, not yet written (commit_runs slots) */
    size_t n_held;
    double t_written;            /* when the store was last written (or the sweep began) */
    sgl_sweep_progress p;
    void (*progress)(void *user, const sgl_sweep_progress *p);
    void *user;
};

void sgl_sweep_exec_free(sgl_sweep_exec *x)
{
    if (!x) return;
    for (size_t k = 0; k < x->n_held; ++k) sgl_record_buf_free(x->held[k].buf);
    sgl_free(x->held);
    sgl_free(x->todo);
    sgl_free(x->passed);
    sgl_free(x->run_id);
    sgl_free(x);
}

/* a store that already holds runs only with resume; the sweep recorded; which runs are left */
static sgl_status exec_prepare(sgl_sweep_exec *x, const sgl_sweep_exec_opts *o, sgl_err *err)
{
    const size_t n = x->p.n;
    if (x->db) {
        int64_t have = 0;
        sgl_status st = sgl_store_count_runs(x->db, &have, err);
        if (st != SGL_OK) return st;
        if (have > 0 && !o->resume)
            return sgl_fail(err, SGL_EINVAL, "--db", "'%s' already holds %lld runs; pass --resume to continue a sweep "
                            "into it (finished runs are skipped), or choose another --db",
                            o->db_path ? o->db_path : "", (long long)have);
        st = sgl_store_add_sweep(x->db, sgl_sweep_name(x->w), o->path ? o->path : "", sgl_sweep_text(x->w),
                                 &x->sweep_id, err);
        if (st != SGL_OK) return st;
    }
    x->todo = sgl_malloc((n ? n : 1) * sizeof *x->todo);
    x->passed = sgl_malloc((n ? n : 1) * sizeof *x->passed);
    x->run_id = sgl_calloc(n ? n : 1, sizeof *x->run_id);
    if (!x->todo || !x->passed || !x->run_id) return sgl_fail(err, SGL_ENOMEM, "sweep", "out of memory");
    for (size_t i = 0; i < n; ++i) {
        sgl_run_state rs = SGL_RUN_ABSENT;
        if (x->db) {
            char key[17];
            sgl_any_spec s;
            sgl_status st = sgl_sweep_any_spec(x->w, i, &s, err);
            if (st != SGL_OK) return st;
            sgl_any_spec_run_key(&s, key);
            if ((st = sgl_store_run_state(x->db, key, &rs, err)) != SGL_OK) return st;
        }
        if (rs == SGL_RUN_FINISHED) ++x->p.skipped;
        else x->todo[x->n_todo++] = i;
    }
    return SGL_OK;
}

sgl_status sgl_sweep_exec_open(const sgl_sweep *w, sgl_store *db, const sgl_sweep_exec_opts *o,
                               sgl_sweep_exec **out, sgl_err *err)
{
    *out = NULL;
    sgl_sweep_exec *x = sgl_calloc(1, sizeof *x);
    if (!x) return sgl_fail(err, SGL_ENOMEM, "sweep", "out of memory");
    x->w = w;
    x->db = db;
    x->threads = o->threads;
    x->ranks = o->ranks > 0 ? o->ranks : 1;
    x->progress = o->progress;
    x->user = o->user;
    x->p.n = sgl_sweep_size(w);
    x->t_written = omp_get_wtime();
    sgl_status st = exec_prepare(x, o, err);
    if (st == SGL_OK) st = sgl_sweep_exec_set_commit(x, SGL_COMMIT_RUNS_DEFAULT, SGL_COMMIT_SECONDS_DEFAULT, err);
    if (st != SGL_OK) {
        sgl_sweep_exec_free(x);
        return st;
    }
    *out = x;
    return SGL_OK;
}

const sgl_sweep_progress *sgl_sweep_exec_progress(const sgl_sweep_exec *x) { return &x->p; }

sgl_status sgl_sweep_exec_set_commit(sgl_sweep_exec *x, size_t runs, double seconds, sgl_err *err)
{
    if (runs > SGL_COMMIT_RUNS_MAX)
        return sgl_fail(err, SGL_EINVAL, "commit-runs", "must be in 0..%d, got %zu", SGL_COMMIT_RUNS_MAX, runs);
    if (!(seconds >= 0.0 && seconds <= 3600.0))
        return sgl_fail(err, SGL_EINVAL, "commit-seconds", "must be seconds in [0, 3600], got %g", seconds);
    if (x->n_held) return sgl_fail(err, SGL_EINVAL, "commit-runs", "runs are held: set the policy before running");
    sgl_free(x->held);
    x->held = NULL;
    x->commit_runs = runs > 1 ? runs : 1;
    x->commit_s = seconds;
    if (x->commit_runs > 1 && !(x->held = sgl_malloc(x->commit_runs * sizeof *x->held))) {
        x->commit_runs = 1;
        return sgl_fail(err, SGL_ENOMEM, "sweep", "out of memory");
    }
    return SGL_OK;
}

/* run i's record written and finished (in the open group, if any) */
static sgl_status write_one(sgl_sweep_exec *x, size_t i, const sgl_record *rec, sgl_err *err)
{
    sgl_any_spec s;
    sgl_status st = sgl_sweep_any_spec(x->w, i, &s, err);
    return st == SGL_OK ? sgl_store_write_any(x->db, x->run_id[i], &s, rec, err) : st;
}

static void count_done(sgl_sweep_exec *x, size_t i)
{
    sgl_any_spec s;
    sgl_err e;
    if (sgl_sweep_any_spec(x->w, i, &s, &e) == SGL_OK) x->p.traj += sgl_any_spec_n_traj(&s);
    ++x->p.done;
    if (x->progress) x->progress(x->user, &x->p);
}

/* the held runs written in one transaction, in order; all finish or none */
static sgl_status flush_held(sgl_sweep_exec *x, sgl_err *err)
{
    if (!x->n_held) return SGL_OK;
    const double ts = omp_get_wtime();
    sgl_status st = sgl_store_group_begin(x->db, err);
    for (size_t k = 0; k < x->n_held && st == SGL_OK; ++k) {
        sgl_record rec;
        if ((st = sgl_record_unpack(x->held[k].buf, x->held[k].len, &rec, err)) != SGL_OK) break;
        st = write_one(x, x->held[k].i, &rec, err);
        sgl_record_clear(&rec);
    }
    if (st == SGL_OK) st = sgl_store_group_commit(x->db, err);
    else sgl_store_txn_rollback(x->db);
    const double t1 = omp_get_wtime();
    x->p.t_store += t1 - ts;
    x->t_written = t1;
    for (size_t k = 0; k < x->n_held; ++k) {
        if (st == SGL_OK) count_done(x, x->held[k].i);
        sgl_record_buf_free(x->held[k].buf);
    }
    x->n_held = 0;
    return st;
}

sgl_status sgl_sweep_exec_claim(sgl_sweep_exec *x, size_t i, int *take, sgl_err *err)
{
    *take = 1;
    if (!x->db) return SGL_OK;
    sgl_any_spec s;
    sgl_status st = sgl_sweep_any_spec(x->w, i, &s, err);
    if (st != SGL_OK) return st;
    sgl_run_info info = {.command = "sweep", .sweep_id = x->sweep_id, .sweep_index = (int64_t)i,
                         .threads = x->threads, .ranks = x->ranks};
    double ts = omp_get_wtime();
    sgl_claim cl = SGL_CLAIM_BUSY;
    /* another writer (a concurrent --resume) may have finished or hold it */
    st = sgl_store_claim_any(x->db, &s, &info, SGL_CLAIM_SKIP_FINISHED, &x->run_id[i], &cl, err);
    x->p.t_store += omp_get_wtime() - ts;
    if (st != SGL_OK) return st;
    *take = cl <= SGL_CLAIM_REPLACE;
    x->p.redone += cl == SGL_CLAIM_UNFINISHED || cl == SGL_CLAIM_ABANDONED;
    x->p.finished_elsewhere += cl == SGL_CLAIM_FINISHED;
    if (cl == SGL_CLAIM_BUSY) {
        ++x->p.running_elsewhere;
        x->passed[x->n_passed++] = i;
    }
    return SGL_OK;
}

sgl_status sgl_sweep_exec_commit(sgl_sweep_exec *x, size_t i, const sgl_record *rec, sgl_err *err)
{
    sgl_any_spec s;
    sgl_status st = sgl_sweep_any_spec(x->w, i, &s, err);
    if (st != SGL_OK) return st;
    char key[17];
    sgl_any_spec_run_key(&s, key);
    if (strcmp(rec->key, key) != 0 || rec->kind != s.kind)   /* e.g. an MPI rank running another build */
        return sgl_fail(err, SGL_EIO, "mpi", "the record for run %zu has run key %s, expected %s (do all ranks run "
                        "the same sgdlab?)", i, rec->key, key);
    if (!x->db) {
        count_done(x, i);
        return SGL_OK;
    }
    if (x->commit_runs <= 1) {   /* each run its own transaction */
        double ts = omp_get_wtime();
        st = write_one(x, i, rec, err);
        x->p.t_store += omp_get_wtime() - ts;
        if (st == SGL_OK) count_done(x, i);
        return st;
    }
    held_run *h = &x->held[x->n_held];
    if (sgl_record_pack(rec, &h->buf, &h->len) != SGL_OK) return sgl_fail(err, SGL_ENOMEM, "sweep", "out of memory");
    h->i = i;
    ++x->n_held;
    if (x->n_held >= x->commit_runs || omp_get_wtime() - x->t_written >= x->commit_s) return flush_held(x, err);
    return SGL_OK;
}

/* claim and commit as a dispatcher's callbacks */
static sgl_status claim_cb(void *x, size_t i, int *take, sgl_err *err) { return sgl_sweep_exec_claim(x, i, take, err); }
static sgl_status commit_cb(void *x, size_t i, const sgl_record *rec, sgl_err *err)
{
    return sgl_sweep_exec_commit(x, i, rec, err);
}

/* the runs of todo, in order, in this process; stops between runs when cancelled (sgl_set_cancel) */
static sgl_status exec_local(sgl_sweep_exec *x, size_t n_todo, sgl_err *err)
{
    sgl_status st = SGL_OK;
    for (size_t j = 0; j < n_todo && st == SGL_OK; ++j) {
        const size_t i = x->todo[j];
        sgl_record rec;
        int take = 1;
        if (sgl_cancel_requested()) break;   /* interrupted: stop between runs */
        if ((st = sgl_sweep_exec_claim(x, i, &take, err)) != SGL_OK) break;
        if (!take) continue;
        if ((st = sgl_record_sweep_run(x->w, i, x->threads, &rec, err)) != SGL_OK) break;
        st = sgl_sweep_exec_commit(x, i, &rec, err);
        sgl_record_clear(&rec);
    }
    return st;
}

/* Execute and commit the runs left (order kept): here, or through dispatch.
 * A second pass over the runs another writer held: those it has since
 * finished are skipped, those whose claimant died are taken; any still held
 * are left to their writer. */
sgl_status sgl_sweep_exec_run(sgl_sweep_exec *x, sgl_sweep_dispatch_fn dispatch, sgl_err *err)
{
    sgl_status st = SGL_OK;
    size_t n_todo = x->n_todo;
    for (int pass = 0; pass < 2 && st == SGL_OK && !sgl_cancel_requested(); ++pass) {
        if (pass == 1) {
            if (x->n_passed == 0) break;
            memcpy(x->todo, x->passed, x->n_passed * sizeof *x->todo);
            n_todo = x->n_passed;
            x->n_passed = x->p.running_elsewhere = 0;
        }
        st = dispatch ? dispatch(n_todo, x->todo, claim_cb, commit_cb, x, err)
                      : exec_local(x, n_todo, err);
        /* the held runs go in before anything else happens: a failure or an
         * interruption keeps every run executed so far */
        sgl_err ef = {{0}, {0}};
        sgl_status sf = x->db ? flush_held(x, st == SGL_OK ? err : &ef) : SGL_OK;
        if (st == SGL_OK) st = sf;
    }
    if (st == SGL_OK && sgl_cancel_requested())
        st = sgl_fail(err, SGL_ECANCELED, "sweep", "interrupted: %zu of %zu runs done", x->p.skipped + x->p.done,
                      x->p.n);
    return st;
}
