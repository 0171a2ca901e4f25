/* Discrete SGD: one trajectory driven by hand (init / advance), used by the
 * ensemble driver and directly by tests.  The noise kind owns the inner loop;
 * this file splits [k0, k1) at learning-rate changes and checks the bound. */
#include "../plan.h"

#include <math.h>
#include <stdlib.h>

sgl_status sgl_traj_alloc(const sgl_plan *p, sgl_traj **out)
{
    *out = NULL;
    size_t n_max = 0, sl_max = 0, work_max = 0;
    for (size_t r = 0; r < p->n_data; ++r) {
        sgl_model m;
        if (sgl_model_init(&m, p->mtype, p->data[r], p->spec.a, NULL) != SGL_OK) return SGL_EINVAL;
        if (p->data[r]->n > n_max) n_max = p->data[r]->n;
        if (m.scratch_len > sl_max) sl_max = m.scratch_len;
        if (sgl_lambda_max_work(&m) > work_max) work_max = sgl_lambda_max_work(&m);
    }
    const size_t B = p->spec.batch;
    sgl_traj *t = sgl_calloc(1, sizeof *t);
    if (!t) return SGL_ENOMEM;
    /* model scratch (4 ld + 2 n + extra) | residuals (n) | coefficients (n), n >= B;
     * at least D + 2 doubles (Gaussian noise's Philox words) */
    t->theta = sgl_alloc_doubles(p->dim);
    t->g = sgl_alloc_doubles(p->dim);
    size_t ns = sl_max + 2 * n_max + 2 * B;
    t->scratch = sgl_alloc_doubles(ns > p->dim + 2 ? ns : p->dim + 2);
    t->idx = sgl_calloc(2 * B + 1, sizeof *t->idx);
    t->perm = sgl_calloc(n_max + 1, sizeof *t->perm);
    int need_work = 0;
    for (size_t o = 0; o < p->n_obs; ++o) need_work |= (p->obs[o]->needs_caps & SGL_CAP_HVP) != 0;
    if (need_work) t->work = sgl_alloc_doubles(work_max);
    if (!t->theta || !t->g || !t->scratch || !t->idx || !t->perm || (need_work && !t->work)) {
        sgl_traj_free(t);
        return SGL_ENOMEM;
    }
    for (size_t i = 0; i <= n_max; ++i) t->perm[i] = (uint32_t)i;   /* sgl_stream_sample keeps it so */
    *out = t;
    return SGL_OK;
}

void sgl_traj_free(sgl_traj *t)
{
    if (!t) return;
    sgl_free(t->theta); sgl_free(t->g); sgl_free(t->scratch); sgl_free(t->idx); sgl_free(t->perm);
    sgl_free(t->work);
    sgl_free(t);
}

void sgl_traj_init(const sgl_plan *p, sgl_traj *t, uint32_t id)
{
    t->id = id;
    t->data = p->data[p->n_data == 1 ? 0 : id];
    /* the spec was validated when the plan was made, so this cannot fail */
    sgl_model_init(&t->model, p->mtype, t->data, p->spec.a, NULL);
    if (p->spec.n_init > 0) {
        size_t nb, len, stride;
        sgl_model_layout(&t->model, &nb, &len, &stride);
        for (size_t j = 0; j < t->model.dim; ++j) t->theta[j] = 0.0;
        for (size_t q = 0; q < p->spec.n_init; ++q) t->theta[(q / len) * stride + q % len] = p->spec.init[q];
    } else {
        p->mtype->init(&t->model, p->spec.alpha, t->theta);
    }
    t->diverged = 0;
    t->diverged_step = 0;
}

static int out_of_bound(const sgl_traj *t, double bound)
{
    for (size_t j = 0; j < t->model.dim; ++j)
        if (!(fabs(t->theta[j]) <= bound)) return 1;
    return 0;
}

/* The end of the segment starting at k: the next learning-rate change, the
 * next multiple of SGL_BOUND_EVERY (where the bound is checked) or k1.  The
 * grid is absolute, so where a run is split (log points) changes nothing. */
static uint64_t segment_end(const sgl_plan *p, uint64_t k, uint64_t k1)
{
    uint64_t end = sgl_spec_next_decay(&p->spec, k);
    uint64_t grid = (k / SGL_BOUND_EVERY + 1) * SGL_BOUND_EVERY;
    if (grid < end) end = grid;
    return end < k1 ? end : k1;
}

static void check_bound(const sgl_plan *p, sgl_traj *t, uint64_t k)
{
    if (t->diverged || (k % SGL_BOUND_EVERY != 0 && k != p->spec.steps)) return;
    if (out_of_bound(t, p->spec.bound)) {
        t->diverged = 1;
        t->diverged_step = k;
    }
}

/* count trajectories from k0 to k1, in segments; interleaved while all are
 * alive and the noise kind has run_n, one by one otherwise (same bits) */
static void advance(const sgl_plan *p, sgl_traj *const *t, size_t count, uint64_t k0, uint64_t k1)
{
    for (uint64_t k = k0; k < k1;) {
        uint64_t end = segment_end(p, k, k1);
        const double eta = sgl_spec_lr(&p->spec, k);
        int any_div = 0;
        for (size_t g = 0; g < count; ++g) any_div |= t[g]->diverged;
        if (count == SGL_ILP && p->noise->run_n && !any_div)
            p->noise->run_n(p, t, k, end, eta);
        else
            for (size_t g = 0; g < count; ++g)
                if (!t[g]->diverged) p->noise->run(p, t[g], k, end, eta);
        for (size_t g = 0; g < count; ++g) check_bound(p, t[g], end);
        k = end;
    }
}

void sgl_traj_advance_n(const sgl_plan *p, sgl_traj *const *t, size_t count, uint64_t k0, uint64_t k1)
{
    advance(p, t, count, k0, k1);
}

int sgl_traj_advance(const sgl_plan *p, sgl_traj *t, uint64_t k0, uint64_t k1)
{
    advance(p, &t, 1, k0, k1);
    return t->diverged;
}
