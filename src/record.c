/* One spec of any kind -> one record (run: plan, execute, keep the results;
 * limit: the limiting SDE on the same plan; escape: the first passages and
 * their estimates), and the flat byte form of a record for sending it between
 * processes.  No I/O here: the store writers (src/store.c) commit records,
 * wherever they were computed. */
#include "plan.h"

#include <omp.h>
#include <stdlib.h>
#include <string.h>

/* the plan's observables into the record (the writer names the series by them) */
static void take_obs(sgl_record *rec, const sgl_plan *p)
{
    rec->n_obs = p->n_obs;
    for (size_t o = 0; o < p->n_obs; ++o) rec->obs[o] = p->obs[o];
}

sgl_status sgl_record_plan(const sgl_plan *p, int threads, sgl_record *rec, sgl_err *err)
{
    memset(rec, 0, sizeof *rec);
    rec->kind = SGL_KIND_RUN;
    if (sgl_results_alloc(p, &rec->res) != SGL_OK) return sgl_fail(err, SGL_ENOMEM, "run", "out of memory for the results");
    take_obs(rec, p);
    rec->threads = threads;
    double t0 = omp_get_wtime();
    sgl_status st = sgl_plan_execute(p, threads, rec->res);
    rec->seconds = omp_get_wtime() - t0;
    if (st != SGL_OK) {
        sgl_record_clear(rec);
        return sgl_fail(err, st, "run", "execution failed: %s", sgl_strerror(st));
    }
    return SGL_OK;
}

sgl_status sgl_record_run(const sgl_spec *spec, int threads, sgl_record *rec, sgl_err *err)
{
    memset(rec, 0, sizeof *rec);
    sgl_plan *p = NULL;
    sgl_status st = sgl_plan_alloc(spec, &p, err);
    if (st != SGL_OK) return st;
    st = sgl_record_plan(p, threads, rec, err);
    sgl_plan_free(p);
    if (st == SGL_OK) sgl_spec_run_key(spec, rec->key);   /* of the spec given (the plan's copy is resolved) */
    return st;
}

void sgl_limit_spec_opts(const sgl_limit_spec *s, sgl_limit_opts *lo)
{
    sgl_limit_opts_default(lo);
    lo->T = s->T;
    lo->dt = s->dt > 0 ? s->dt : s->T / 1000.0;
    lo->form = s->form;
    lo->eig = s->eig;
}

sgl_status sgl_record_limit_plan(const sgl_plan *p, const sgl_limit_spec *s, int threads, sgl_record *rec,
                                 sgl_err *err)
{
    memset(rec, 0, sizeof *rec);
    rec->kind = SGL_KIND_LIMIT;
    sgl_limit_opts lo;
    sgl_limit_spec_opts(s, &lo);
    take_obs(rec, p);
    rec->threads = threads;
    double t0 = omp_get_wtime();
    sgl_status st = sgl_limit_execute(p, &lo, threads, &rec->res, &rec->limit, err);
    rec->seconds = omp_get_wtime() - t0;
    if (st != SGL_OK) sgl_record_clear(rec);
    return st;
}

/* the plan of a limit spec: its run spec with one step logged once (the limit has its own clock) */
sgl_status sgl_limit_plan_alloc(const sgl_limit_spec *s, sgl_plan **p, sgl_err *err)
{
    sgl_spec run = s->run;
    run.steps = 1;
    run.every = 1;
    return sgl_plan_alloc(&run, p, err);
}

/* splitting: the pooled estimate and its runs (no first passages) */
static sgl_status record_ams(const sgl_escape_spec *s, sgl_record *rec, sgl_err *err)
{
    rec->threads = s->threads;
    rec->ams = sgl_calloc(1, sizeof *rec->ams);
    rec->ams_run = sgl_calloc(s->ams.runs ? s->ams.runs : 1, sizeof *rec->ams_run);
    sgl_status st = rec->ams && rec->ams_run ? sgl_escape_ams_runs(s, &s->ams, rec->ams, rec->ams_run, err)
                                             : sgl_fail(err, SGL_ENOMEM, "method", "out of memory");
    if (st != SGL_OK) {
        sgl_record_clear(rec);
        return st;
    }
    rec->seconds = rec->ams->seconds;
    return SGL_OK;
}

sgl_status sgl_record_escape(const sgl_escape_spec *s, sgl_record *rec, sgl_err *err)
{
    memset(rec, 0, sizeof *rec);
    rec->kind = SGL_KIND_ESCAPE;
    if (s->method == SGL_ESC_METHOD_AMS) return record_ams(s, rec, err);
    sgl_escape_results *r = NULL;
    sgl_status st = sgl_escape_results_alloc(s, &r, err);
    if (st != SGL_OK) return st;
    rec->esc = r;
    rec->threads = s->threads;
    const double level = 0.95;
    if ((st = sgl_escape_run(s, r, err)) == SGL_OK &&
        (st = sgl_est_rate(r->t, r->state, r->M, level, &rec->rate, err)) == SGL_OK)
        st = sgl_est_mfpt(r->t, r->state, r->M, level, 1000, s->seed, &rec->mfpt, err);
    if (st != SGL_OK) {
        sgl_record_clear(rec);
        return st;
    }
    rec->seconds = r->seconds;
    return SGL_OK;
}

sgl_status sgl_record_any_plan(const sgl_any_spec *s, const sgl_plan *plan, int threads, sgl_record *rec,
                               sgl_err *err)
{
    memset(rec, 0, sizeof *rec);
    sgl_status st;
    sgl_plan *own = NULL;
    switch (s->kind) {
    case SGL_KIND_RUN:
        if (!plan && (st = sgl_plan_alloc(&s->u.run, &own, err)) != SGL_OK) return st;
        st = sgl_record_plan(plan ? plan : own, threads, rec, err);
        break;
    case SGL_KIND_LIMIT:
        if (!plan && (st = sgl_limit_plan_alloc(&s->u.limit, &own, err)) != SGL_OK) return st;
        st = sgl_record_limit_plan(plan ? plan : own, &s->u.limit, threads, rec, err);
        break;
    case SGL_KIND_ESCAPE: {
        sgl_escape_spec e = s->u.escape;
        if (threads > 0) e.threads = threads;
        st = sgl_record_escape(&e, rec, err);
        break;
    }
    default: return sgl_fail(err, SGL_EINVAL, "kind", "unknown spec kind %d", (int)s->kind);
    }
    sgl_plan_free(own);
    if (st == SGL_OK) sgl_any_spec_run_key(s, rec->key);
    return st;
}

sgl_status sgl_record_run_any(const sgl_any_spec *s, int threads, sgl_record *rec, sgl_err *err)
{
    return sgl_record_any_plan(s, NULL, threads, rec, err);
}

sgl_status sgl_record_sweep_run(const sgl_sweep *w, size_t i, int threads, sgl_record *rec, sgl_err *err)
{
    memset(rec, 0, sizeof *rec);
    sgl_any_spec s;
    sgl_status st = sgl_sweep_any_spec(w, i, &s, err);
    return st != SGL_OK ? st : sgl_record_any_plan(&s, NULL, threads, rec, err);
}

void sgl_record_clear(sgl_record *rec)
{
    if (!rec) return;
    sgl_results_free(rec->res);
    sgl_escape_results_free(rec->esc);
    sgl_free(rec->ams);
    sgl_free(rec->ams_run);
    memset(rec, 0, sizeof *rec);
}

/* Flat form, 64-bit words.  Every kind: magic (names the kind), key[16].
 * run and limit: n_traj, n_log, n_obs, dim, obs registry indices, seconds,
 * threads; then log_steps, series, diverged (as u64), diverged_step,
 * theta_final; limit then adds its info (form used, rank, gap ratio, EM
 * steps, dt, label c).  escape: M, n, seconds, threads, escaped, censored,
 * diverged, traj_steps, the rate and MFPT estimates (their bytes), then t,
 * steps, state (as u64), L, x.  escape under method ams: seconds, threads,
 * the sgl_ams_result (its bytes), then per run p, t_first, t_loop,
 * t_reactive, iterations, clones, evaluations, capped, direct_escapes,
 * extinct. */
#define PACK_RUN 0x53474c5245433031ull      /* "SGLREC01" */
#define PACK_LIMIT 0x53474c52454c3031ull    /* "SGLREL01" */
#define PACK_ESCAPE 0x53474c5245453031ull   /* "SGLREE01" */
#define PACK_AMS 0x53474c5245413031ull      /* "SGLREA01": escape under method ams */
_Static_assert(sizeof(sgl_rate_est) % 8 == 0 && sizeof(sgl_mfpt_est) % 8 == 0, "estimates pack as whole words");
_Static_assert(sizeof(sgl_ams_result) % 8 == 0, "the splitting estimate packs as whole words");

typedef struct {
    unsigned char *b;   /* NULL: only count */
    size_t k;           /* words so far */
} wcur;

static void put(wcur *c, const void *src, size_t words)
{
    if (c->b && words) memcpy(c->b + 8 * c->k, src, 8 * words);
    c->k += words;
}
static void put_u(wcur *c, uint64_t v) { put(c, &v, 1); }
static void put_d(wcur *c, double v) { put(c, &v, 1); }

static size_t obs_index(const sgl_observable_type *o)
{
    size_t i = 0;
    while (sgl_observables[i] && sgl_observables[i] != o) ++i;
    return i;
}

static void pack_ensemble(wcur *c, const sgl_record *rec)
{
    const sgl_results *r = rec->res;
    size_t nser = (size_t)r->n_traj * r->n_log * r->n_obs;
    put_u(c, r->n_traj); put_u(c, r->n_log); put_u(c, r->n_obs); put_u(c, r->dim);
    for (size_t o = 0; o < rec->n_obs; ++o) put_u(c, obs_index(rec->obs[o]));
    put_d(c, rec->seconds);
    put_u(c, (uint64_t)rec->threads);
    put(c, r->log_steps, r->n_log);
    put(c, r->series, nser);
    for (uint32_t t = 0; t < r->n_traj; ++t) put_u(c, (uint64_t)r->diverged[t]);
    put(c, r->diverged_step, r->n_traj);
    put(c, r->theta_final, (size_t)r->n_traj * r->dim);
    if (rec->kind != SGL_KIND_LIMIT) return;
    const sgl_limit_info *li = &rec->limit;
    put_u(c, (uint64_t)li->form_used); put_u(c, li->rank); put_d(c, li->gap_ratio);
    put_u(c, li->em_steps); put_d(c, li->dt); put_d(c, li->label_c);
}

static void pack_escape(wcur *c, const sgl_record *rec)
{
    const sgl_escape_results *r = rec->esc;
    put_u(c, r->M); put_u(c, r->n);
    put_d(c, rec->seconds);
    put_u(c, (uint64_t)rec->threads);
    put_u(c, r->escaped); put_u(c, r->censored); put_u(c, r->diverged);
    put_d(c, r->traj_steps);
    put(c, &rec->rate, sizeof rec->rate / 8);
    put(c, &rec->mfpt, sizeof rec->mfpt / 8);
    put(c, r->t, r->M);
    put(c, r->steps, r->M);
    for (size_t i = 0; i < r->M; ++i) put_u(c, (uint64_t)r->state[i]);
    put(c, r->L, r->M);
    put(c, r->x, r->M * r->n);
}

static void pack_ams(wcur *c, const sgl_record *rec)
{
    put_d(c, rec->seconds);
    put_u(c, (uint64_t)rec->threads);
    put(c, rec->ams, sizeof *rec->ams / 8);
    for (uint32_t k = 0; k < rec->ams->runs; ++k) {
        const sgl_ams_run *v = &rec->ams_run[k];
        put_d(c, v->p); put_d(c, v->t_first); put_d(c, v->t_loop); put_d(c, v->t_reactive);
        put_u(c, v->iterations); put_u(c, v->clones); put_u(c, v->evaluations); put_u(c, v->capped);
        put_u(c, v->direct_escapes); put_u(c, (uint64_t)v->extinct);
    }
}

static void pack_all(wcur *c, const sgl_record *rec)
{
    const int ams = rec->kind == SGL_KIND_ESCAPE && rec->ams;
    put_u(c, ams ? PACK_AMS : rec->kind == SGL_KIND_ESCAPE ? PACK_ESCAPE : rec->kind == SGL_KIND_LIMIT ? PACK_LIMIT
                                                                                                     : PACK_RUN);
    put(c, rec->key, 2);
    if (ams) pack_ams(c, rec);
    else if (rec->kind == SGL_KIND_ESCAPE) pack_escape(c, rec);
    else pack_ensemble(c, rec);
}

sgl_status sgl_record_pack(const sgl_record *rec, void **buf, size_t *len)
{
    wcur c = {NULL, 0};
    pack_all(&c, rec);   /* count */
    unsigned char *b = sgl_malloc(c.k * 8);
    if (!b) return SGL_ENOMEM;
    c = (wcur){b, 0};
    pack_all(&c, rec);
    *buf = b;
    *len = c.k * 8;
    return SGL_OK;
}

void sgl_record_buf_free(void *buf) { sgl_free(buf); }

typedef struct {
    const unsigned char *b;
    size_t nw, k;
    int bad;            /* read past the end */
} rcur;

static void get(rcur *c, void *dst, size_t words)
{
    if (c->bad || words > c->nw - c->k) { c->bad = 1; return; }
    if (words) memcpy(dst, c->b + 8 * c->k, 8 * words);
    c->k += words;
}
static uint64_t get_u(rcur *c) { uint64_t v = 0; get(c, &v, 1); return v; }
static double get_d(rcur *c) { double v = 0; get(c, &v, 1); return v; }

static sgl_status unpack_ensemble(rcur *c, sgl_record *rec, sgl_err *err)
{
    uint64_t n_traj = get_u(c), n_log = get_u(c), n_obs = get_u(c), dim = get_u(c);
    if (c->bad || n_traj == 0 || n_traj > 0xffffffffull || n_obs > 16 || n_log == 0 || n_log > (1ull << 40) ||
        dim > (1ull << 40))
        return SGL_EINVAL;
    /* sizes multiplied in 128 bits would be exact; these bounds keep 64 bits safe */
    if (n_traj * n_log > (1ull << 40) || n_traj * dim > (1ull << 40) || n_traj * n_log * n_obs > c->nw)
        return SGL_EINVAL;
    sgl_results *r = sgl_calloc(1, sizeof *r);
    if (!r) return sgl_fail(err, SGL_ENOMEM, "record", "out of memory unpacking a record");
    rec->res = r;
    r->n_traj = (uint32_t)n_traj; r->n_log = n_log; r->n_obs = n_obs; r->dim = dim;
    size_t nser = (size_t)(n_traj * n_log * n_obs);
    r->log_steps = sgl_malloc(n_log * 8);
    r->series = sgl_malloc((nser ? nser : 1) * 8);
    r->diverged = sgl_calloc(n_traj, sizeof *r->diverged);
    r->diverged_step = sgl_malloc(n_traj * 8);
    r->theta_final = sgl_malloc((dim * n_traj > 0 ? dim * n_traj : 1) * 8);
    if (!r->log_steps || !r->series || !r->diverged || !r->diverged_step || !r->theta_final)
        return sgl_fail(err, SGL_ENOMEM, "record", "out of memory unpacking a record");
    size_t nobs_reg = 0;
    while (sgl_observables[nobs_reg]) ++nobs_reg;
    rec->n_obs = n_obs;
    for (size_t o = 0; o < n_obs; ++o) {
        uint64_t i = get_u(c);
        if (i >= nobs_reg) return SGL_EINVAL;
        rec->obs[o] = sgl_observables[i];
    }
    rec->seconds = get_d(c);
    rec->threads = (int)get_u(c);
    get(c, r->log_steps, n_log);
    get(c, r->series, nser);
    for (uint32_t t = 0; t < n_traj; ++t) r->diverged[t] = get_u(c) != 0;
    get(c, r->diverged_step, n_traj);
    get(c, r->theta_final, n_traj * dim);
    if (rec->kind != SGL_KIND_LIMIT) return SGL_OK;
    sgl_limit_info *li = &rec->limit;
    uint64_t form = get_u(c);
    if (form > SGL_LIMIT_CLOSED) return SGL_EINVAL;
    li->form_used = (sgl_limit_form)form;
    li->rank = get_u(c); li->gap_ratio = get_d(c); li->em_steps = get_u(c); li->dt = get_d(c); li->label_c = get_d(c);
    return SGL_OK;
}

static sgl_status unpack_escape(rcur *c, sgl_record *rec, sgl_err *err)
{
    uint64_t M = get_u(c), n = get_u(c);
    if (c->bad || M == 0 || M > 0xffffffffull || n == 0 || n > SGL_ESC_MAX_DIM || M * (4 + n) > c->nw) return SGL_EINVAL;
    sgl_escape_results *r = sgl_calloc(1, sizeof *r);
    if (!r) return sgl_fail(err, SGL_ENOMEM, "record", "out of memory unpacking a record");
    rec->esc = r;
    r->M = M;
    r->n = (unsigned)n;
    r->t = sgl_malloc_array(M, sizeof *r->t);
    r->steps = sgl_malloc_array(M, sizeof *r->steps);
    r->state = sgl_malloc_array(M, sizeof *r->state);
    r->L = sgl_malloc_array(M, sizeof *r->L);
    r->x = sgl_malloc_array(M * n, sizeof *r->x);
    if (!r->t || !r->steps || !r->state || !r->L || !r->x)
        return sgl_fail(err, SGL_ENOMEM, "record", "out of memory unpacking a record");
    rec->seconds = r->seconds = get_d(c);
    rec->threads = (int)get_u(c);
    r->escaped = get_u(c); r->censored = get_u(c); r->diverged = get_u(c);
    r->traj_steps = get_d(c);
    get(c, &rec->rate, sizeof rec->rate / 8);
    get(c, &rec->mfpt, sizeof rec->mfpt / 8);
    get(c, r->t, M);
    get(c, r->steps, M);
    for (size_t i = 0; i < M; ++i) {
        uint64_t s = get_u(c);
        if (s > SGL_FP_DIVERGED) return SGL_EINVAL;
        r->state[i] = (int)s;
    }
    get(c, r->L, M);
    get(c, r->x, M * n);
    return SGL_OK;
}

static sgl_status unpack_ams(rcur *c, sgl_record *rec, sgl_err *err)
{
    rec->seconds = get_d(c);
    rec->threads = (int)get_u(c);
    sgl_ams_result r;
    get(c, &r, sizeof r / 8);
    if (c->bad || r.runs == 0 || r.runs > 4000 || (uint64_t)r.runs * 10 != c->nw - c->k) return SGL_EINVAL;
    rec->ams = sgl_malloc(sizeof *rec->ams);
    rec->ams_run = sgl_calloc(r.runs, sizeof *rec->ams_run);
    if (!rec->ams || !rec->ams_run) return sgl_fail(err, SGL_ENOMEM, "record", "out of memory unpacking a record");
    *rec->ams = r;
    for (uint32_t k = 0; k < r.runs; ++k) {
        sgl_ams_run *v = &rec->ams_run[k];
        v->p = get_d(c); v->t_first = get_d(c); v->t_loop = get_d(c); v->t_reactive = get_d(c);
        v->iterations = get_u(c); v->clones = get_u(c); v->evaluations = get_u(c); v->capped = get_u(c);
        v->direct_escapes = get_u(c);
        v->extinct = get_u(c) != 0;
    }
    return SGL_OK;
}

sgl_status sgl_record_unpack(const void *buf, size_t len, sgl_record *rec, sgl_err *err)
{
    memset(rec, 0, sizeof *rec);
    rcur c = {buf, len / 8, 0, 0};
    sgl_status st = SGL_EINVAL;
    uint64_t magic = get_u(&c);
    if (len % 8 == 0 && !c.bad &&
        (magic == PACK_RUN || magic == PACK_LIMIT || magic == PACK_ESCAPE || magic == PACK_AMS)) {
        rec->kind = magic == PACK_ESCAPE || magic == PACK_AMS ? SGL_KIND_ESCAPE
                    : magic == PACK_LIMIT                     ? SGL_KIND_LIMIT
                                                              : SGL_KIND_RUN;
        get(&c, rec->key, 2);
        rec->key[16] = '\0';
        st = magic == PACK_AMS ? unpack_ams(&c, rec, err)
             : rec->kind == SGL_KIND_ESCAPE ? unpack_escape(&c, rec, err) : unpack_ensemble(&c, rec, err);
        if (st == SGL_OK && (c.bad || c.k != c.nw)) st = SGL_EINVAL;   /* short or long */
    }
    if (st == SGL_OK) return SGL_OK;
    sgl_record_clear(rec);
    if (st == SGL_ENOMEM) return st;
    return sgl_fail(err, SGL_EINVAL, "record", "malformed record buffer (%zu bytes)", len);
}
