/* Plan -> execute for an ensemble of M trajectories (DESIGN.md data flow).
 * sgl_plan_alloc validates, builds the data and decides what is logged;
 * sgl_plan_execute never writes to the plan.  Each thread owns one sgl_traj
 * workspace; results land in arrays indexed by trajectory id, so any thread
 * count or schedule gives the same bytes. */
#include "plan.h"

#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int obs_applies(const sgl_observable_type *o, const sgl_model_type *mt, const sgl_data *D,
                       const sgl_spec *spec)
{
    if (o->optional && !sgl_name_in_list(spec->observe, o->name)) return 0;
    if ((mt->caps & o->needs_caps) != o->needs_caps) return 0;
    if (!D->wstar && (strcmp(o->name, "test_error") == 0 || strcmp(o->name, "off_support") == 0)) return 0;
    if (D->n_test == 0 && strcmp(o->name, "test_loss") == 0) return 0;
    return 1;
}

/* How many data sets a run makes: one per seed, or one for all (shared
 * draw, a CSV file, a model without data). */
static size_t n_data_draws(const sgl_spec *spec, const sgl_model_type *mt)
{
    return (spec->data_draw == SGL_DRAW_SHARED || spec->data.input == SGL_INPUT_CSV ||
            (mt->caps & SGL_CAP_NODATA)) ? 1 : spec->seeds;
}

/* Up-front size check: what a plan and its results hold must fit in this
 * machine's physical memory (sysconf), else the run is refused with the
 * numbers instead of swapping or failing after hours. */
static double phys_bytes(void)
{
    long pages = sysconf(_SC_PHYS_PAGES), ps = sysconf(_SC_PAGESIZE);
    return pages > 0 && ps > 0 ? (double)pages * (double)ps : 0x1p62;
}

static sgl_status fits(double need, const char *flag, const char *what, sgl_err *err)
{
    if (need <= 0x1p30) return SGL_OK;   /* 1 GiB: no need to ask (sweeps check every run) */
    const double have = phys_bytes();
    if (need <= have) return SGL_OK;
    return sgl_fail(err, SGL_EINVAL, flag, "%s would take %.2g bytes; this machine has %.2g bytes of memory", what, need,
                    have);
}

sgl_status sgl_spec_check_size(const sgl_spec *spec, sgl_err *err)
{
    const sgl_model_type *mt = sgl_spec_model_or_null(spec);
    const sgl_noise_type *nt = sgl_noise_lookup(spec->noise);
    if (!mt || !nt) return SGL_OK;   /* sgl_spec_validate names them */
    sgl_status st;
    const size_t n_data = n_data_draws(spec, mt);
    sgl_data_spec ds = spec->data;
    if (mt->caps & SGL_CAP_NODATA) ds.n = nt->uses_batch ? spec->batch : 1;
    if (mt->check && !(mt->caps & SGL_CAP_NODATA) && spec->data.input != SGL_INPUT_CSV) {
        /* the model's own shape and cost limits, before any data is made */
        sgl_data probe;
        memset(&probe, 0, sizeof probe);
        probe.d = ds.d;
        probe.n = ds.n;
        if ((st = mt->check(&probe, err)) != SGL_OK) return st;
    }
    {
        const int nod = (mt->caps & SGL_CAP_NODATA) != 0;   /* dummy rows of one coordinate */
        const double ld = nod ? SGL_LANES : (double)((ds.d + SGL_LANES - 1) / SGL_LANES * SGL_LANES),
                     rows = (double)ds.n + (nod ? 0.0 : (double)ds.n_test);
        char what[160];
        snprintf(what, sizeof what, "the data (%zu draw%s x %.0f rows x %.0f doubles)", n_data,
                 n_data == 1 ? "" : "s", rows, ld);
        const char *flag = n_data > 1 && (double)n_data > rows && (double)n_data > ld ? "--trajectories"
                           : rows > ld ? "--n" : "--d";
        st = fits(8.0 * (double)n_data * (rows * (ld + 1.0) + 4.0 * ld), flag, what, err);
        if (st != SGL_OK) return st;
    }
    return SGL_OK;
}

sgl_status sgl_plan_alloc(const sgl_spec *spec, sgl_plan **out, sgl_err *err)
{
    *out = NULL;
    sgl_status st = sgl_spec_validate(spec, err);
    if (st != SGL_OK) return st;
    sgl_plan *p = sgl_calloc(1, sizeof *p);
    if (!p) return sgl_fail(err, SGL_ENOMEM, "plan", "out of memory");
    p->spec = *spec;
    p->spec.init = NULL;   /* set to the plan's own copy below */
    p->spec.n_init = 0;
    p->spec.observe = NULL;
    if (spec->observe && !(p->spec.observe = sgl_strdup(spec->observe))) goto nomem;
    if ((st = sgl_spec_model(spec, &p->mtype, err)) != SGL_OK) goto fail;
    p->noise = sgl_noise_lookup(spec->noise);
    if (isnan(p->spec.a)) p->spec.a = p->mtype->default_a;
    /* CSV data (and the dummy data of a data-free model) is one fixed data set whatever the draw policy */
    p->n_data = n_data_draws(spec, p->mtype);
    p->spec.data_draw = p->n_data == 1 ? SGL_DRAW_SHARED : SGL_DRAW_PER_SEED;
    /* a data-free model gets B identical dummy samples (B per step can then be drawn) */
    sgl_data_spec ds = spec->data;
    if (p->mtype->caps & SGL_CAP_NODATA) ds.n = p->noise->uses_batch ? spec->batch : 1;
    if ((st = sgl_spec_check_size(spec, err)) != SGL_OK) goto fail;
    p->data = sgl_calloc(p->n_data, sizeof *p->data);
    if (!p->data) goto nomem;
    for (size_t r = 0; r < p->n_data; ++r) {
        st = sgl_model_data_alloc(p->mtype, &ds, spec->seed, (uint32_t)r, &p->data[r], err);
        if (st != SGL_OK) goto fail;
    }
    const sgl_data *D0 = p->data[0];
    if (p->noise->uses_batch && spec->batch > D0->n) {
        st = sgl_fail(err, SGL_EINVAL, "--batch", "must be an integer in [1, n = %zu], got %zu", D0->n,
                      spec->batch);
        goto fail;
    }
    sgl_model m;
    st = sgl_model_init(&m, p->mtype, D0, p->spec.a, err);
    if (st != SGL_OK) goto fail;
    p->dim = m.dim;
    if (spec->n_init > 0) {
        size_t nb, len, stride;
        sgl_model_layout(&m, &nb, &len, &stride);
        if (spec->n_init != nb * len) {
            st = sgl_fail(err, SGL_EINVAL, "--init", "model '%s' has %zu parameters here, got %zu values",
                          p->mtype->name, nb * len, spec->n_init);
            goto fail;
        }
        /* the plan keeps its own copy */
        double *copy = sgl_malloc_array(spec->n_init, sizeof *copy);
        if (!copy) goto nomem;
        memcpy(copy, spec->init, spec->n_init * sizeof *copy);
        p->spec.init = copy;
        p->spec.n_init = spec->n_init;
    }
    for (size_t i = 0; sgl_observables[i] && p->n_obs < sizeof p->obs / sizeof p->obs[0]; ++i)
        if (obs_applies(sgl_observables[i], p->mtype, D0, spec)) p->obs[p->n_obs++] = sgl_observables[i];
    /* logged steps: 0, every, 2 every, ..., and the last step */
    p->n_log = (size_t)(spec->steps / spec->every) + 1 + (spec->steps % spec->every != 0);
    {
        /* the results (sgl_results_alloc): series, final points, flags */
        const double M = (double)spec->seeds;
        char what[160];
        snprintf(what, sizeof what, "the results (%u trajectories x (%zu logged steps x %zu observables + %zu parameters))",
                 spec->seeds, p->n_log, p->n_obs, p->dim);
        st = fits(8.0 * M * ((double)p->n_log * (double)(p->n_obs ? p->n_obs : 1) + (double)p->dim + 2.0), "--trajectories", what, err);
        if (st != SGL_OK) goto fail;
    }
    p->log_steps = sgl_malloc(p->n_log * sizeof *p->log_steps);
    if (!p->log_steps) goto nomem;
    for (size_t l = 0; l < p->n_log; ++l) {
        uint64_t k = (uint64_t)l * spec->every;
        p->log_steps[l] = k < spec->steps ? k : spec->steps;
    }
    *out = p;
    return SGL_OK;
nomem:
    st = sgl_fail(err, SGL_ENOMEM, "plan", "out of memory");
fail:
    sgl_plan_free(p);
    return st;
}

void sgl_plan_free(sgl_plan *p)
{
    if (!p) return;
    if (p->data)
        for (size_t r = 0; r < p->n_data; ++r) sgl_data_free(p->data[r]);
    sgl_free(p->data);
    sgl_free(p->log_steps);
    sgl_free((double *)p->spec.init);
    sgl_free((char *)p->spec.observe);
    sgl_free(p);
}

/* the accessors of the opaque plan (sgdlab.h) */
const sgl_spec *sgl_plan_spec(const sgl_plan *p) { return &p->spec; }
const sgl_model_type *sgl_plan_model(const sgl_plan *p) { return p->mtype; }
const sgl_noise_type *sgl_plan_noise(const sgl_plan *p) { return p->noise; }
size_t sgl_plan_n_obs(const sgl_plan *p) { return p->n_obs; }
const sgl_observable_type *sgl_plan_obs(const sgl_plan *p, size_t i) { return i < p->n_obs ? p->obs[i] : NULL; }
size_t sgl_plan_n_data(const sgl_plan *p) { return p->n_data; }
const sgl_data *sgl_plan_data(const sgl_plan *p, size_t draw) { return draw < p->n_data ? p->data[draw] : NULL; }
size_t sgl_plan_n_log(const sgl_plan *p) { return p->n_log; }
const uint64_t *sgl_plan_log_steps(const sgl_plan *p) { return p->log_steps; }
size_t sgl_plan_dim(const sgl_plan *p) { return p->dim; }

sgl_status sgl_results_make(uint32_t n_traj, size_t n_log, const uint64_t *log_steps, size_t n_obs, size_t dim,
                            sgl_results **out)
{
    *out = NULL;
    sgl_results *r = sgl_calloc(1, sizeof *r);
    if (!r) return SGL_ENOMEM;
    r->n_traj = n_traj;
    r->n_log = n_log;
    r->n_obs = n_obs;
    r->dim = dim;
    r->series = sgl_malloc((size_t)r->n_traj * r->n_log * (r->n_obs ? r->n_obs : 1) * sizeof *r->series);
    r->diverged = sgl_calloc(r->n_traj, sizeof *r->diverged);
    r->diverged_step = sgl_calloc(r->n_traj, sizeof *r->diverged_step);
    r->theta_final = sgl_calloc((size_t)r->n_traj * r->dim, sizeof *r->theta_final);
    r->log_steps = sgl_malloc(r->n_log * sizeof *r->log_steps);
    if (r->log_steps) memcpy(r->log_steps, log_steps, r->n_log * sizeof *r->log_steps);
    if (!r->log_steps || !r->series || !r->diverged || !r->diverged_step || !r->theta_final) {
        sgl_results_free(r);
        return SGL_ENOMEM;
    }
    *out = r;
    return SGL_OK;
}

sgl_status sgl_results_alloc(const sgl_plan *p, sgl_results **out)
{
    return sgl_results_make(p->spec.seeds, p->n_log, p->log_steps, p->n_obs, p->dim, out);
}

void sgl_results_log(sgl_results *r, const sgl_plan *p, sgl_traj *t, size_t l)
{
    double *row = r->series + ((size_t)t->id * r->n_log + l) * r->n_obs;
    for (size_t o = 0; o < p->n_obs; ++o) row[o] = t->diverged ? NAN : p->obs[o]->eval(p, t);
}

void sgl_results_end(sgl_results *r, const sgl_traj *t, const double *theta)
{
    r->diverged[t->id] = t->diverged;
    r->diverged_step[t->id] = t->diverged_step;
    memcpy(r->theta_final + (size_t)t->id * r->dim, theta, r->dim * sizeof *theta);
}

void sgl_results_free(sgl_results *r)
{
    if (!r) return;
    sgl_free(r->log_steps); sgl_free(r->series); sgl_free(r->diverged); sgl_free(r->diverged_step); sgl_free(r->theta_final);
    sgl_free(r);
}

static const volatile sig_atomic_t *g_cancel;

void sgl_set_cancel(const volatile sig_atomic_t *flag) { g_cancel = flag; }

static int cancelled(void) { return g_cancel && *g_cancel; }
int sgl_cancel_requested(void) { return cancelled(); }

/* Trajectories first .. first+count-1 (count <= SGL_ILP), advanced together
 * between log points (in pieces of at most SGL_CANCEL_EVERY steps on an
 * absolute grid, checking for cancellation between them); each lands in its
 * own slot of r.  Returns 0, or 1 when cancelled (r then incomplete). */
static int run_group(const sgl_plan *p, sgl_traj *const *t, uint32_t first, size_t count, sgl_results *r)
{
    for (size_t g = 0; g < count; ++g) sgl_traj_init(p, t[g], first + (uint32_t)g);
    uint64_t k = 0;
    for (size_t l = 0; l < p->n_log; ++l) {
        while (k < p->log_steps[l]) {
            if (cancelled()) return 1;
            uint64_t end = (k / SGL_CANCEL_EVERY + 1) * SGL_CANCEL_EVERY;
            if (end > p->log_steps[l]) end = p->log_steps[l];
            sgl_traj_advance_n(p, t, count, k, end);
            k = end;
        }
        for (size_t g = 0; g < count; ++g) sgl_results_log(r, p, t[g], l);
    }
    for (size_t g = 0; g < count; ++g) sgl_results_end(r, t[g], t[g]->theta);
    return 0;
}

sgl_status sgl_plan_execute(const sgl_plan *p, int threads, sgl_results *r)
{
    /* group trajectories only where the noise kind has an interleaved kernel */
    const long G = p->noise->run_n ? SGL_ILP : 1;
    const long groups = ((long)p->spec.seeds + G - 1) / G;
    if (threads <= 0) threads = omp_get_max_threads();
    if (threads > groups) threads = (int)groups;
    sgl_status st = SGL_OK;
    int stop = 0;
#pragma omp parallel num_threads(threads)
    {
        sgl_traj *t[SGL_ILP] = {0};
        sgl_status mine = SGL_OK;
        for (long g = 0; g < G && mine == SGL_OK; ++g) mine = sgl_traj_alloc(p, &t[g]);
#pragma omp critical
        if (mine != SGL_OK) st = mine;
#pragma omp barrier
        if (st == SGL_OK) {
#pragma omp for schedule(dynamic, 1)
            for (long gi = 0; gi < groups; ++gi) {
                uint32_t first = (uint32_t)(gi * G);
                size_t count = p->spec.seeds - first < (size_t)G ? p->spec.seeds - first : (size_t)G;
                int skip;
#pragma omp atomic read
                skip = stop;
                if (!skip && run_group(p, t, first, count, r)) {
#pragma omp atomic write
                    stop = 1;
                }
            }
        }
        for (int g = 0; g < SGL_ILP; ++g) sgl_traj_free(t[g]);
    }
    return st == SGL_OK && stop ? SGL_ECANCELED : st;
}
