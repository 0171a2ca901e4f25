/* MPI for `sgdlab sweep`: runs spread over ranks, rank 0 the only store writer.
 *
 * When MPI starts: only when an MPI launcher started this process (its
 * environment names a world size: OMPI_COMM_WORLD_SIZE from Open MPI's mpirun,
 * PMI_SIZE from MPICH/Hydra, Intel MPI and Slurm's PMI, PMIX_RANK from PMIx
 * launchers).  A plain `sgdlab sweep` never calls MPI_Init: no singleton
 * start-up (which in Open MPI forks a helper daemon), no dependence on a working
 * MPI run-time, and exactly the single-process code path.  Other commands never
 * touch MPI.
 *
 * Protocol (rank 0 = dispatcher and writer, ranks 1..N-1 = workers):
 *   0 -> all   the sweep text (broadcast; workers parse it themselves, so no
 *              shared file system is needed) or a length of -1 to stop
 *   0 -> w     TAG_WORK: int64 sweep index, or -1 = stop
 *   w -> 0     TAG_RESULT: the record (sgl_record_pack bytes), or
 *              TAG_FAIL: status and sgl_err of a run that failed
 * Rank 0 claims a run (store) when it hands it out, in the order of the
 * to-do list (a run another writer has finished or holds is passed over), and commits records in that same order (a small reorder buffer:
 * at most WINDOW_PER_WORKER runs per worker are out at once), so the store ends
 * with the same rows, in the same order, as a single-process sweep: a run is a
 * pure function of its spec, wherever it is executed.  While waiting, rank 0
 * polls (MPI_Iprobe + 200 us sleep) instead of spinning in MPI_Recv. */
#include "cli.h"

#include <mpi.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int cli_mpi_launched(void)
{
    static const char *const vars[] = {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK", NULL};
    for (int i = 0; vars[i]; ++i)
        if (getenv(vars[i])) return 1;
    return 0;
}


enum { TAG_WORK = 1, TAG_RESULT = 2, TAG_FAIL = 3 };
enum { WINDOW_PER_WORKER = 4 };

static int g_inited;

sgl_status cli_mpi_init(int *rank, int *size, sgl_err *err)
{
    *rank = 0;
    *size = 1;
    if (!cli_mpi_launched()) return SGL_OK;
    int provided = 0;
    if (MPI_Init_thread(NULL, NULL, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS)
        return sgl_fail(err, SGL_EIO, "mpi", "MPI_Init failed");
    g_inited = 1;
    MPI_Comm_rank(MPI_COMM_WORLD, rank);
    MPI_Comm_size(MPI_COMM_WORLD, size);
    return SGL_OK;
}

void cli_mpi_finalize(void)
{
    if (g_inited) MPI_Finalize();
    g_inited = 0;
}

/* Rank 0: text != NULL broadcasts the spec text (returns -1); text == NULL
 * broadcasts exit code `code` instead (returns it).  Workers: return -1 with
 * *text (malloc'd, NUL-terminated; NULL when out of memory) and *len, or the
 * exit code rank 0 stopped with. */
static int g_text_sent, g_released;

int cli_mpi_bcast_text(char **text, size_t *len, int code, sgl_err *err)
{
    (void)err;
    int rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    int64_t n = 0;
    if (rank == 0) n = text ? (int64_t)*len : -1 - (int64_t)code;
    MPI_Bcast(&n, 1, MPI_INT64_T, 0, MPI_COMM_WORLD);
    if (n < 0) return (int)(-1 - n);
    char *buf = rank == 0 ? *text : malloc((size_t)n + 1);
    int ok = buf != NULL;
    /* every rank takes part in every broadcast, even one that has no buffer */
    char scratch[1 << 16];
    for (int64_t off = 0; off < n;) {
        int chunk = n - off > (int64_t)sizeof scratch ? (int)sizeof scratch : (int)(n - off);
        MPI_Bcast(ok ? buf + off : scratch, chunk, MPI_CHAR, 0, MPI_COMM_WORLD);
        off += chunk;
    }
    if (rank == 0) {
        g_text_sent = 1;
    } else {
        if (ok) buf[n] = '\0';
        *text = buf;
        *len = (size_t)n;
    }
    return -1;
}

/* sleep between polls so a waiting rank 0 does not take a core */
static void nap(void)
{
    struct timespec ts = {0, 200000};
    nanosleep(&ts, NULL);
}

/* wait for any message with one of the worker tags; returns its status */
static void wait_message(MPI_Status *ms)
{
    for (;;) {
        int flag = 0;
        MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, ms);
        if (flag) return;
        nap();
    }
}

static void send_index(int dest, int64_t index)
{
    MPI_Send(&index, 1, MPI_INT64_T, dest, TAG_WORK, MPI_COMM_WORLD);
}

/* a failed run's status and error, as bytes */
typedef struct {
    int32_t status;
    sgl_err err;
} fail_msg;

int cli_mpi_work(const sgl_sweep *w, sgl_status wst, const sgl_err *werr, int threads)
{
    int code = CLI_EXIT_OK;
    for (;;) {
        int64_t index;
        MPI_Recv(&index, 1, MPI_INT64_T, 0, TAG_WORK, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        if (index < 0) break;
        sgl_record rec;
        sgl_err err = {{0}, {0}};
        sgl_status st = wst;
        void *buf = NULL;
        size_t len = 0;
        if (!w) {
            err = *werr;   /* this rank could not parse the sweep: every run fails with why */
        } else if ((size_t)index >= sgl_sweep_size(w)) {
            st = sgl_fail(&err, SGL_EINVAL, "mpi", "run index %lld out of range", (long long)index);
        } else {
            st = sgl_record_sweep_run(w, (size_t)index, threads, &rec, &err);
            if (st == SGL_OK) {
                st = sgl_record_pack(&rec, &buf, &len);
                if (st != SGL_OK) sgl_fail(&err, st, "mpi", "out of memory packing a record");
                sgl_record_clear(&rec);
            }
        }
        if (st == SGL_OK && len <= (size_t)INT32_MAX) {
            MPI_Send(buf, (int)len, MPI_BYTE, 0, TAG_RESULT, MPI_COMM_WORLD);
        } else {
            if (st == SGL_OK) {
                st = SGL_EINVAL;
                sgl_fail(&err, st, "mpi", "a record of %zu bytes is too large for one message", len);
            }
            fail_msg fm = {(int32_t)st, err};
            MPI_Send(&fm, (int)sizeof fm, MPI_BYTE, 0, TAG_FAIL, MPI_COMM_WORLD);
            code = CLI_EXIT_FAIL;
        }
        free(buf);
    }
    return code;
}

void cli_mpi_release_workers(void)
{
    if (!g_text_sent || g_released) return;
    int size;
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    for (int r = 1; r < size; ++r) send_index(r, -1);
    g_released = 1;
}

/* commit what is next in order (a passed-over run has no record) */
static void commit_ready(size_t *committed, size_t next, size_t window, const size_t *todo, sgl_record *slots,
                         char *ready, char *skip, cli_mpi_commit_fn commit, void *ctx, sgl_status *st, sgl_err *err)
{
    while (*st == SGL_OK && *committed < next && ready[*committed % window]) {
        const size_t j = *committed % window;
        if (!skip[j]) {
            *st = commit(ctx, todo[*committed], &slots[j], err);
            sgl_record_clear(&slots[j]);
        }
        ready[j] = skip[j] = 0;
        ++*committed;
    }
}

sgl_status cli_mpi_dispatch(size_t n_todo, const size_t *todo, cli_mpi_begin_fn begin, cli_mpi_commit_fn commit,
                            void *ctx, sgl_err *err)
{
    int size;
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    const int workers = size - 1;
    const size_t window = (size_t)workers * WINDOW_PER_WORKER;
    /* slot j % window holds the record of todo position j until it is committed */
    sgl_record *slots = calloc(window, sizeof *slots);
    char *ready = calloc(window, 1), *skip = calloc(window, 1);
    int64_t *busy = malloc((size_t)size * sizeof *busy);   /* todo position a worker holds, -1 idle */
    if (!slots || !ready || !skip || !busy) {
        free(slots); free(ready); free(skip); free(busy);
        /* still release the workers */
        cli_mpi_release_workers();
        return sgl_fail(err, SGL_ENOMEM, "mpi", "out of memory");
    }
    for (int r = 0; r < size; ++r) busy[r] = -1;
    size_t next = 0, committed = 0;
    int outstanding = 0;
    sgl_status st = SGL_OK;
    for (;;) {
        /* interrupted: hand out nothing more, collect what is out (cli.h cli_catch_signals) */
        if (cli_signal && st == SGL_OK) {
            st = sgl_fail(err, SGL_ECANCELED, "sweep", "interrupted");
            next = n_todo;
        }
        /* hand out work to idle workers, within the window; a run another
         * writer holds is passed over (a ready slot without a record) */
        for (int r = 1; r < size && st == SGL_OK; ++r) {
            while (busy[r] < 0 && next < n_todo && next - committed < window) {
                int take = 1;
                if ((st = begin(ctx, todo[next], &take, err)) != SGL_OK) break;
                if (!take) {
                    skip[next % window] = 1;
                    ready[next++ % window] = 1;
                    continue;
                }
                send_index(r, (int64_t)todo[next]);
                busy[r] = (int64_t)next++;
                ++outstanding;
            }
        }
        commit_ready(&committed, next, window, todo, slots, ready, skip, commit, ctx, &st, err);
        if (outstanding == 0) {
            if (st != SGL_OK || next >= n_todo) break;
            continue;
        }
        MPI_Status ms;
        wait_message(&ms);
        const int src = ms.MPI_SOURCE;
        int count = 0;
        MPI_Get_count(&ms, MPI_BYTE, &count);
        unsigned char *buf = malloc(count ? (size_t)count : 1);
        if (!buf) {
            /* cannot take the message: stop, and let MPI_Abort end the job */
            sgl_fail(err, SGL_ENOMEM, "mpi", "out of memory receiving a record");
            MPI_Abort(MPI_COMM_WORLD, CLI_EXIT_FAIL);
        }
        MPI_Recv(buf, count, MPI_BYTE, src, ms.MPI_TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        const int64_t pos = busy[src];
        busy[src] = -1;
        --outstanding;
        if (st == SGL_OK && (pos < 0 || (size_t)pos < committed || (size_t)pos >= next)) {
            st = sgl_fail(err, SGL_EIO, "mpi", "unexpected message from rank %d", src);
        } else if (st == SGL_OK && ms.MPI_TAG == TAG_FAIL) {
            fail_msg fm;
            if ((size_t)count == sizeof fm) {
                memcpy(&fm, buf, sizeof fm);
                fm.err.field[sizeof fm.err.field - 1] = '\0';
                fm.err.msg[sizeof fm.err.msg - 1] = '\0';
                *err = fm.err;
                st = (sgl_status)fm.status;
            } else {
                st = sgl_fail(err, SGL_EIO, "mpi", "rank %d reported a failure", src);
            }
        } else if (st == SGL_OK) {
            sgl_record *slot = &slots[(size_t)pos % window];
            st = sgl_record_unpack(buf, (size_t)count, slot, err);
            if (st == SGL_OK) ready[(size_t)pos % window] = 1;
        }
        free(buf);
        commit_ready(&committed, next, window, todo, slots, ready, skip, commit, ctx, &st, err);
        if (st != SGL_OK) next = n_todo;   /* hand out nothing more; collect what is out */
    }
    /* the workers wait for more (a second pass may follow); the caller
     * releases them (cli_mpi_release_workers) */
    for (size_t j = 0; j < window; ++j)
        if (ready[j] && !skip[j]) sgl_record_clear(&slots[j]);
    free(slots); free(ready); free(skip); free(busy);
    return st;
}
