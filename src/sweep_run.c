/* The sweep driver (`sgdlab sweep`, its MPI dispatcher in cli/mpi.c, any
 * front end such as sgdlab.sweep() in Python): for each run of a sweep not
 * yet finished in the store, claim it (committed; a run another live writer
 * holds or has finished is left to it), execute it (sgl_record_sweep_run, no
 * I/O) and commit its results in one transaction (sgl_store_write_any), in
 * to-do order.  A killed sweep resumes: finished runs (by run key) are
 * skipped, started-but-unfinished ones redone; two drivers on one store
 * share the runs, each executed once.  Claim and commit are separate calls
 * so that a dispatcher can execute the runs elsewhere (MPI ranks) while only
 * this process touches the store, in the same order: the same rows. */
#include "internal.h"

#include <omp.h>
#include <string.h>

struct sgl_sweep_exec {
    const sgl_sweep *w;
    sgl_store *db;               /* NULL: execute only */
    int64_t sweep_id;
    int threads, ranks;
    size_t *todo, n_todo;        /* the runs left, in sweep order */
    size_t *passed, n_passed;    /* runs another live writer held when this one came to them */
    int64_t *run_id;             /* by sweep index */
    sgl_sweep_progress p;
    void (*progress)(void *user, const sgl_sweep_progress *p);
    void *user;
};

void sgl_sweep_exec_free(sgl_sweep_exec *x)
{
    if (!x) return;
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
    sgl_status st = exec_prepare(x, o, err);
    if (st != SGL_OK) {
        sgl_sweep_exec_free(x);
        return st;
    }
    *out = x;
    return SGL_OK;
}

const sgl_sweep_progress *sgl_sweep_exec_progress(const sgl_sweep_exec *x) { return &x->p; }

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
    if (x->db) {
        double ts = omp_get_wtime();
        st = sgl_store_write_any(x->db, x->run_id[i], &s, rec, err);
        x->p.t_store += omp_get_wtime() - ts;
        if (st != SGL_OK) return st;
    }
    x->p.traj += sgl_any_spec_n_traj(&s);
    ++x->p.done;
    if (x->progress) x->progress(x->user, &x->p);
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
    }
    if (st == SGL_OK && sgl_cancel_requested())
        st = sgl_fail(err, SGL_ECANCELED, "sweep", "interrupted: %zu of %zu runs done", x->p.skipped + x->p.done,
                      x->p.n);
    return st;
}
