/* Label-noise SGD (Blanc et al. 2020; Damian et al. 2021; LWA 2022, THEORY.md 1.3):
 * B samples per step, each label perturbed by fresh noise eps with variance
 * delta^2, per-sample loss a (f_i - y_i - eps)^2:
 *     theta <- theta - eta (2a/B) sum_k (r_k - eps_k) grad f_k.
 * `label`: eps = +-delta (Rademacher); `label-gauss`: eps ~ N(0, delta^2).
 * Batch 1 uses the model's fused in-place step (the benchmarked hot path). */
#include "common.h"

static inline double draw_eps(sgl_stream *s, int gauss)
{
    return gauss ? sgl_stream_normal(s) : (double)sgl_stream_rademacher(s);
}

/* Batch 1 with a fused model step: randomness for SGL_CHUNK steps at a time
 * from the vectorised Philox (the same numbers the scalar streams give), and
 * each step's update returns the next step's residual. */
static int run_fused1(const sgl_plan *p, sgl_traj *t, uint64_t k0, uint64_t k1, double eta, int gauss)
{
    const sgl_model *m = &t->model;
    const double c0 = -eta * 2.0 * m->a;
    uint32_t idx[SGL_CHUNK + 1];
    double eps[SGL_CHUNK], r = 0.0;
    for (uint64_t kc = k0; kc < k1; kc += SGL_CHUNK) {
        size_t len = k1 - kc < SGL_CHUNK ? (size_t)(k1 - kc) : SGL_CHUNK;
        /* + the sample of the step after the chunk; at the very end any valid
         * index will do (that residual is never used) */
        size_t nb = kc + len < k1 ? len + 1 : len;
        sgl_chunk_indices(p, t, kc, nb, idx);
        if (nb == len) idx[len] = idx[len - 1];
        sgl_chunk_label_noise(p, t, kc, len, gauss, eps);
        if (kc == k0) m->type->residuals(m, t->theta, &idx[0], 1, &r, t->scratch);
        size_t done = m->type->step1_chain(m, t->theta, idx, eps, len, c0, &r);
        if (done < len) return sgl_mark_diverged(t, kc + done);
    }
    return 0;
}

/* SGL_ILP trajectories through the interleaved kernel.  Each does exactly
 * what run_fused1 would; if one diverges, the others finish alone from that
 * step (their residual recomputed bitwise equal), so the results do not
 * depend on how trajectories are grouped. */
static void run_fused1_multi(const sgl_plan *p, sgl_traj *const *t, uint64_t k0, uint64_t k1, double eta,
                             int gauss)
{
    enum { G = SGL_ILP };
    const sgl_model *ms[G];
    double *th[G];
    uint32_t idx[G][SGL_CHUNK + 1], i0[G], i1[G];
    double eps[G][SGL_CHUNK], r[G], c[G];
    const double c0 = -eta * 2.0 * t[0]->model.a;
    for (int g = 0; g < G; ++g) { ms[g] = &t[g]->model; th[g] = t[g]->theta; }
    const sgl_model_type *mt = ms[0]->type;
    for (uint64_t kc = k0; kc < k1; kc += SGL_CHUNK) {
        size_t len = k1 - kc < SGL_CHUNK ? (size_t)(k1 - kc) : SGL_CHUNK;
        size_t nb = kc + len < k1 ? len + 1 : len;
        for (int g = 0; g < G; ++g) {
            sgl_chunk_indices(p, t[g], kc, nb, idx[g]);
            if (nb == len) idx[g][len] = idx[g][len - 1];   /* at the very end any valid index will do */
            sgl_chunk_label_noise(p, t[g], kc, len, gauss, eps[g]);
            if (kc == k0) ms[g]->type->residuals(ms[g], th[g], &idx[g][0], 1, &r[g], t[g]->scratch);
        }
        if (mt->step1_chain_multi) {
            const uint32_t *ip[G];
            const double *ep[G];
            for (int g = 0; g < G; ++g) { ip[g] = idx[g]; ep[g] = eps[g]; }
            const size_t done = mt->step1_chain_multi(ms, th, ip, ep, len, c0, r);
            if (done < len) {
                for (int g = 0; g < G; ++g) run_fused1(p, t[g], kc + done, k1, eta, gauss);
                return;
            }
            continue;
        }
        for (size_t q = 0; q < len; ++q) {
            int bad = 0;
            for (int g = 0; g < G; ++g) {
                double gg = r[g] - eps[g][q];
                bad |= !isfinite(gg);
                c[g] = c0 * gg;
                i0[g] = idx[g][q];
                /* at the very end any valid index will do: that residual is never used */
                i1[g] = idx[g][q + 1];
            }
            if (bad) {
                for (int g = 0; g < G; ++g) run_fused1(p, t[g], kc + q, k1, eta, gauss);
                return;
            }
            ms[0]->type->step1_resid_multi(ms, th, i0, c, i1, r);
        }
    }
}

static inline int run_label(const sgl_plan *p, sgl_traj *t, uint64_t k0, uint64_t k1,
                            double eta, int gauss)
{
    const sgl_model *m = &t->model;
    const size_t B = p->spec.batch;
    const double delta = p->spec.delta, two_a = 2.0 * m->a;
    double *r = sgl_resid_buf(t), *c = sgl_coef_buf(t);
    if (B == 1 && m->type->step1_chain) return run_fused1(p, t, k0, k1, eta, gauss);
    for (uint64_t k = k0; k < k1; ++k) {
        sgl_stream ls;
        sgl_stream_init(&ls, p->spec.seed, t->id, k, SGL_P_LABEL);
        sgl_draw_batch(p, t, k, SGL_P_BATCH, B, t->idx);
        m->type->residuals(m, t->theta, t->idx, B, r, t->scratch);
        int bad = 0;
        for (size_t b = 0; b < B; ++b) {
            double g = r[b] - delta * draw_eps(&ls, gauss);
            bad |= !isfinite(g);
            c[b] = -eta * two_a * g / (double)B;
        }
        if (bad) return sgl_mark_diverged(t, k);
        m->type->jt(m, t->theta, t->idx, B, c, t->g, t->scratch);
        for (size_t j = 0; j < m->dim; ++j) t->theta[j] += t->g[j];
    }
    return 0;
}

static void run_n(const sgl_plan *p, sgl_traj *const *t, uint64_t k0, uint64_t k1, double eta, int gauss)
{
    if (p->spec.batch == 1 && t[0]->model.type->step1_resid_multi) {
        run_fused1_multi(p, t, k0, k1, eta, gauss);
        return;
    }
    for (int g = 0; g < SGL_ILP; ++g) run_label(p, t[g], k0, k1, eta, gauss);
}
static void run_n_pm(const sgl_plan *p, sgl_traj *const *t, uint64_t k0, uint64_t k1, double eta)
{
    run_n(p, t, k0, k1, eta, 0);
}
static void run_n_gauss(const sgl_plan *p, sgl_traj *const *t, uint64_t k0, uint64_t k1, double eta)
{
    run_n(p, t, k0, k1, eta, 1);
}

static int run_pm(const sgl_plan *p, sgl_traj *t, uint64_t k0, uint64_t k1, double eta)
{
    return run_label(p, t, k0, k1, eta, 0);
}
static int run_gauss(const sgl_plan *p, sgl_traj *t, uint64_t k0, uint64_t k1, double eta)
{
    return run_label(p, t, k0, k1, eta, 1);
}

const sgl_noise_type sgl_noise_label = {
    "label", "label noise +-delta on B samples per step (SGD on the noisy labels)",
    SGL_CAP_RESIDUALS, 1, 1, 0, run_pm, run_n_pm, sgl_cov_label, sgl_label_c_label};
const sgl_noise_type sgl_noise_label_gauss = {
    "label-gauss", "label noise N(0, delta^2) on B samples per step",
    SGL_CAP_RESIDUALS, 1, 1, 0, run_gauss, run_n_gauss, sgl_cov_label, sgl_label_c_label};
