/* One spec -> one record (run: plan, execute, keep the results; escape: the
 * first passages and their estimates), and the flat byte form of a record
 * for sending it between processes.  No I/O here: the store writers
 * (src/store.c) commit records, wherever they were computed. */
#include "internal.h"

#include <omp.h>
#include <stdlib.h>
#include <string.h>

sgl_status sgl_record_run(const sgl_spec *spec, int threads, sgl_record *rec, sgl_err *err)
{
    memset(rec, 0, sizeof *rec);
    sgl_spec_run_key(spec, rec->key);
    sgl_plan *p = NULL;
    sgl_status st = sgl_plan_alloc(spec, &p, err);
    if (st != SGL_OK) return st;
    if ((st = sgl_results_alloc(p, &rec->res)) != SGL_OK) {
        sgl_plan_free(p);
        return sgl_fail(err, st, "run", "out of memory for the results");
    }
    rec->n_obs = p->n_obs;
    for (size_t o = 0; o < p->n_obs; ++o) rec->obs[o] = p->obs[o];
    rec->threads = threads;
    double t0 = omp_get_wtime();
    st = sgl_plan_execute(p, threads, rec->res);
    rec->seconds = omp_get_wtime() - t0;
    sgl_plan_free(p);
    if (st != SGL_OK) {
        sgl_record_clear(rec);
        return sgl_fail(err, st, "run", "execution failed: %s", sgl_strerror(st));
    }
    return SGL_OK;
}

sgl_status sgl_record_escape(const sgl_escape_spec *s, sgl_record *rec, sgl_err *err)
{
    memset(rec, 0, sizeof *rec);
    sgl_escape_results *r = NULL;
    sgl_status st = sgl_escape_results_alloc(s, &r, err);
    if (st != SGL_OK) return st;
    rec->esc = r;
    rec->threads = s->threads;
    const double level = 0.95;
    if ((st = sgl_escape_run(s, r, err)) == SGL_OK && (st = sgl_est_rate(r->t, r->state, r->M, level, &rec->rate, err)) == SGL_OK)
        st = sgl_est_mfpt(r->t, r->state, r->M, level, 1000, s->seed, &rec->mfpt, err);
    if (st != SGL_OK) {
        sgl_record_clear(rec);
        return st;
    }
    rec->seconds = r->seconds;
    return SGL_OK;
}

void sgl_record_clear(sgl_record *rec)
{
    if (!rec) return;
    sgl_results_free(rec->res);
    sgl_escape_results_free(rec->esc);
    memset(rec, 0, sizeof *rec);
}

/* layout: magic, key[16], n_traj, n_log, n_obs, dim (u64 each), obs registry
 * indices (u64), seconds, threads (as u64); then log_steps, series,
 * diverged (as u64), diverged_step, theta_final. */
#define PACK_MAGIC 0x53474c5245433031ull   /* "SGLREC01" */

static size_t obs_index(const sgl_observable_type *o)
{
    size_t i = 0;
    while (sgl_observables[i] && sgl_observables[i] != o) ++i;
    return i;
}

sgl_status sgl_record_pack(const sgl_record *rec, void **buf, size_t *len)
{
    const sgl_results *r = rec->res;
    size_t nser = (size_t)r->n_traj * r->n_log * r->n_obs;
    size_t words = 1 + 2 + 4 + rec->n_obs + 2 + r->n_log + nser + 2 * (size_t)r->n_traj + (size_t)r->n_traj * r->dim;
    uint64_t *w = sgl_malloc(words * 8);
    if (!w) return SGL_ENOMEM;
    size_t k = 0;
    w[k++] = PACK_MAGIC;
    memcpy(&w[k], rec->key, 16);
    k += 2;
    w[k++] = r->n_traj; w[k++] = r->n_log; w[k++] = r->n_obs; w[k++] = r->dim;
    for (size_t o = 0; o < rec->n_obs; ++o) w[k++] = obs_index(rec->obs[o]);
    memcpy(&w[k++], &rec->seconds, 8);
    w[k++] = (uint64_t)rec->threads;
    memcpy(&w[k], r->log_steps, r->n_log * 8); k += r->n_log;
    memcpy(&w[k], r->series, nser * 8); k += nser;
    for (uint32_t t = 0; t < r->n_traj; ++t) w[k++] = (uint64_t)r->diverged[t];
    memcpy(&w[k], r->diverged_step, r->n_traj * 8); k += r->n_traj;
    memcpy(&w[k], r->theta_final, (size_t)r->n_traj * r->dim * 8); k += (size_t)r->n_traj * r->dim;
    *buf = w;
    *len = k * 8;
    return SGL_OK;
}

void sgl_record_buf_free(void *buf) { sgl_free(buf); }

sgl_status sgl_record_unpack(const void *buf, size_t len, sgl_record *rec, sgl_err *err)
{
    memset(rec, 0, sizeof *rec);
    const unsigned char *b = buf;
    size_t nw = len / 8;
    uint64_t h[7];
    if (len % 8 || nw < 7) goto bad;
    memcpy(h, b, sizeof h);
    if (h[0] != PACK_MAGIC) goto bad;
    uint64_t n_traj = h[3], n_log = h[4], n_obs = h[5], dim = h[6];
    size_t nobs_reg = 0;
    while (sgl_observables[nobs_reg]) ++nobs_reg;
    if (n_traj == 0 || n_traj > 0xffffffffull || n_obs > 16 || n_log == 0 || n_log > (1ull << 40) ||
        dim > (1ull << 40))
        goto bad;
    /* sizes multiplied in 128 bits would be exact; these bounds keep 64 bits safe */
    if (n_traj * n_log > (1ull << 40) || n_traj * dim > (1ull << 40)) goto bad;
    uint64_t need = 7 + n_obs + 2 + n_log + n_traj * n_log * n_obs + 2 * n_traj + n_traj * dim;
    if (need != nw) goto bad;
    sgl_results *r = sgl_calloc(1, sizeof *r);
    if (!r) return sgl_fail(err, SGL_ENOMEM, "record", "out of memory unpacking a record");
    r->n_traj = (uint32_t)n_traj; r->n_log = n_log; r->n_obs = n_obs; r->dim = dim;
    size_t nser = (size_t)(n_traj * n_log * n_obs);
    r->log_steps = sgl_malloc(n_log * 8);
    r->series = sgl_malloc((nser ? nser : 1) * 8);
    r->diverged = sgl_calloc(n_traj, sizeof *r->diverged);
    r->diverged_step = sgl_malloc(n_traj * 8);
    r->theta_final = sgl_malloc((dim * n_traj > 0 ? dim * n_traj : 1) * 8);
    rec->res = r;
    if (!r->log_steps || !r->series || !r->diverged || !r->diverged_step || !r->theta_final) {
        sgl_record_clear(rec);
        return sgl_fail(err, SGL_ENOMEM, "record", "out of memory unpacking a record");
    }
    memcpy(rec->key, b + 8, 16);
    rec->key[16] = '\0';
    size_t k = 7;
    rec->n_obs = n_obs;
    for (size_t o = 0; o < n_obs; ++o) {
        uint64_t i;
        memcpy(&i, b + 8 * k++, 8);
        if (i >= nobs_reg) { sgl_record_clear(rec); goto bad; }
        rec->obs[o] = sgl_observables[i];
    }
    memcpy(&rec->seconds, b + 8 * k++, 8);
    uint64_t th;
    memcpy(&th, b + 8 * k++, 8);
    rec->threads = (int)th;
    memcpy(r->log_steps, b + 8 * k, n_log * 8); k += n_log;
    memcpy(r->series, b + 8 * k, nser * 8); k += nser;
    for (uint32_t t = 0; t < n_traj; ++t) {
        uint64_t d;
        memcpy(&d, b + 8 * k++, 8);
        r->diverged[t] = d != 0;
    }
    memcpy(r->diverged_step, b + 8 * k, n_traj * 8); k += n_traj;
    memcpy(r->theta_final, b + 8 * k, n_traj * dim * 8);
    return SGL_OK;
bad:
    return sgl_fail(err, SGL_EINVAL, "record", "malformed record buffer (%zu bytes)", len);
}
