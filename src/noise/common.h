/* Helpers shared by the noise kinds: index sampling and the full-batch step. */
#ifndef SGL_NOISE_COMMON_H
#define SGL_NOISE_COMMON_H
#include "../plan.h"
#include "../vmath.h"
#include <math.h>

/* B indices for step k of trajectory t from stream `purpose` */
static inline void sgl_draw_batch(const sgl_plan *p, sgl_traj *t, uint64_t k, unsigned purpose,
                                  size_t B, uint32_t *out)
{
    sgl_stream s;
    sgl_stream_init(&s, p->spec.seed, t->id, k, purpose);
    uint32_t n = (uint32_t)t->data->n;
    if (p->spec.with_replacement)
        for (size_t b = 0; b < B; ++b) out[b] = sgl_stream_index(&s, n);
    else
        sgl_stream_sample(&s, n, (uint32_t)B, t->perm, out);
}

static inline int sgl_mark_diverged(sgl_traj *t, uint64_t k)
{
    t->diverged = 1;
    t->diverged_step = k;
    return 1;
}

/* Randomness for a chunk of steps kc .. kc+count-1 from the vectorised Philox,
 * bitwise what the scalar streams give (tests/test_kernels.c):
 * one sample index per step (stream SGL_P_BATCH) ... */
#define SGL_CHUNK 64
static inline void sgl_chunk_indices(const sgl_plan *p, const sgl_traj *t, uint64_t kc, size_t count,
                                     uint32_t *idx)
{
    uint32_t w[4 * (SGL_CHUNK + 1)];
    const uint32_t n = (uint32_t)t->data->n;
    sgl_philox_first_blocks(p->spec.seed, t->id, kc, count, SGL_P_BATCH, w);
    for (size_t q = 0; q < count; ++q) {
        idx[q] = sgl_index_from_word(w[4 * q], n);
        if (idx[q] == n) {   /* Lemire rejection (probability < n/2^32): the scalar stream */
            sgl_stream bs;
            sgl_stream_init(&bs, p->spec.seed, t->id, kc + q, SGL_P_BATCH);
            idx[q] = sgl_stream_index(&bs, n);
        }
    }
}

/* ... and one label-noise draw per step (stream SGL_P_LABEL): delta * (+-1) or
 * delta * N(0,1).  The normals go SGL_VM_LANES steps per Box-Muller call:
 * sgl_box_muller_cos is this vector code on a splat, lane for lane the same
 * operations, so the bits are those of the scalar stream. */
static inline void sgl_chunk_label_noise(const sgl_plan *p, const sgl_traj *t, uint64_t kc, size_t count,
                                         int gauss, double *eps)
{
    uint32_t wl[4 * SGL_CHUNK];
    sgl_philox_first_blocks(p->spec.seed, t->id, kc, count, SGL_P_LABEL, wl);
    if (!gauss) {
        for (size_t q = 0; q < count; ++q) eps[q] = p->spec.delta * (double)sgl_rademacher_from_word(wl[4 * q]);
        return;
    }
    for (size_t q0 = 0; q0 < count; q0 += SGL_VM_LANES) {
        sgl_vm u1, u2, zc, zs;
        for (int l = 0; l < SGL_VM_LANES; ++l) {
            const uint32_t *w = wl + 4 * (q0 + l < count ? q0 + l : q0);   /* past the end: any valid pair */
            u1[l] = sgl_uniform_from_words(w[0], w[1]);
            u2[l] = sgl_uniform_from_words(w[2], w[3]);
        }
        sgl_vm_box_muller(u1, u2, &zc, &zs);
        for (int l = 0; l < SGL_VM_LANES && q0 + l < count; ++l) eps[q0 + l] = p->spec.delta * zc[l];
    }
}

/* scratch layout for full-batch kinds: model scratch | r (n) | coef (n) */
static inline double *sgl_resid_buf(sgl_traj *t) { return t->scratch + t->model.scratch_len; }
static inline double *sgl_coef_buf(sgl_traj *t) { return t->scratch + t->model.scratch_len + t->data->n; }

/* r = all residuals, coef_i = 2a r_i / n (the full-gradient weights).
 * Returns 0, or 1 if a residual is not finite. */
static inline int sgl_full_coefs(sgl_traj *t)
{
    const sgl_model *m = &t->model;
    const size_t n = t->data->n;
    double *r = sgl_resid_buf(t), *c = sgl_coef_buf(t);
    m->type->residuals(m, t->theta, NULL, n, r, t->scratch);
    const double w = 2.0 * m->a / (double)n;
    int bad = 0;
    for (size_t i = 0; i < n; ++i) {
        bad |= !isfinite(r[i]);
        c[i] = w * r[i];
    }
    return bad;
}

/* theta -= eta * sum_i coef_i grad f_i */
static inline void sgl_apply_coefs(sgl_traj *t, double eta)
{
    const sgl_model *m = &t->model;
    m->type->jt(m, t->theta, NULL, t->data->n, sgl_coef_buf(t), t->g, t->scratch);
    for (size_t j = 0; j < m->dim; ++j) t->theta[j] -= eta * t->g[j];
}
/* theta <- theta - eta [grad L + xc grad f_xi] (xi = UINT32_MAX: no extra
 * term).  Returns 1 if a residual is not finite.  (A one-sweep fusion of the
 * two matrix-vector products measured slower than the blocked pair; again on
 * a 2-core Zen 3 with 32 KB L1: no gain within noise, and more L1 misses in
 * callgrind's cache model, so the kernels stay separate.) */
static inline int sgl_full_step(sgl_traj *t, double eta, uint32_t xi, double xc)
{
    if (sgl_full_coefs(t)) return 1;
    if (xi != UINT32_MAX) sgl_coef_buf(t)[xi] += xc;
    sgl_apply_coefs(t, eta);
    return 0;
}
/* cov.c: the per-step noise covariances (the `cov` slot) */
sgl_status sgl_cov_zero(const sgl_plan *p, const sgl_model *m, const double *theta, double *S, sgl_err *err);
sgl_status sgl_cov_minibatch(const sgl_plan *p, const sgl_model *m, const double *theta, double *S, sgl_err *err);
sgl_status sgl_cov_minibatch_diff(const sgl_plan *p, const sgl_model *m, const double *theta, double *S,
                                  sgl_err *err);
sgl_status sgl_cov_label(const sgl_plan *p, const sgl_model *m, const double *theta, double *S, sgl_err *err);
sgl_status sgl_cov_lngd(const sgl_plan *p, const sgl_model *m, const double *theta, double *S, sgl_err *err);
sgl_status sgl_cov_gaussian(const sgl_plan *p, const sgl_model *m, const double *theta, double *S, sgl_err *err);
double sgl_label_c_label(const sgl_plan *p, const sgl_model *m);
double sgl_label_c_lngd(const sgl_plan *p, const sgl_model *m);
#endif
