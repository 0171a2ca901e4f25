/* Elementwise-reparametrised linear models (reparam.h).
 *
 * Loss L = (1/n) sum_i a r_i^2, r_i = <z_i, w(theta)> - y_i.  With
 * q = (2a/n) Z^T r and J_b = diag(s_b p theta_b^{p-1}):
 *   grad_b L = J_b q
 *   H p      = sum_b J_b^T (2a/n) Z^T Z (sum_c J_c p_c) + [p=2] 2 s_b q p_b
 *   tr H     = 2a sum_j c_j sum_b (p theta_bj^{p-1})^2 + [p=2] 2 sum_b s_b sum_j q_j
 * (diagnet: tr H = 8a sum_j c_j (u_j^2 + v_j^2), THEORY.md 2.7).
 * Third derivatives (d^3 r_i = 0; d^2 r_i = diag(2 s_b z_ij) for p = 2, 0 for p = 1):
 *   d^2(grad L)[A] = (2a/n) sum_i [ grad r_i tr(d^2 r_i A) + 2 d^2 r_i A grad r_i ].
 * The kernels are specialised on (nb, p) so the inner loops are branch-free. */
#include "reparam.h"
#include "../kernels.h"

#include <math.h>

#define SHAPE(m) ((const sgl_reparam_shape *)(m)->type->impl)
#define LD(m) ((m)->data->ld)

size_t sgl_reparam_dim(const sgl_model *m) { return (size_t)SHAPE(m)->nb * LD(m); }

void sgl_reparam_init(const sgl_model *m, double alpha, double *theta)
{
    const size_t ld = LD(m), d = m->data->d;
    for (int b = 0; b < SHAPE(m)->nb; ++b)
        for (size_t j = 0; j < ld; ++j) theta[b * ld + j] = j < d ? alpha : 0.0;
}

static inline __attribute__((always_inline)) sgl_vk
w8(const double *theta, size_t ld, size_t j, int nb, int p, const double *sg)
{
    const sgl_vk one = sgl_vk_splat(1.0);
    sgl_vk t = sgl_vk_ld(theta + j);
    sgl_vk w = p == 2 ? sgl_vk_mul(t, t) : t;
    if (sg[0] < 0) w = sgl_vk_neg(w);
    if (nb == 2) {
        sgl_vk t1 = sgl_vk_ld(theta + ld + j);
        w = sg[1] < 0 ? sgl_vk_fma(sgl_vk_neg(t1), p == 2 ? t1 : one, w) : sgl_vk_fma(t1, p == 2 ? t1 : one, w);
    }
    return w;
}

void sgl_reparam_weights(const sgl_model *m, const double *theta, double *w)
{
    const sgl_reparam_shape *sh = SHAPE(m);
    const size_t ld = LD(m);
    for (size_t j = 0; j < ld; j += 8) sgl_vk_st(w + j, w8(theta, ld, j, sh->nb, sh->p, sh->sign));
}

/* One residual without materialising w: the batch-1 hot path.  Vector j/8
 * goes to accumulator (j/8) mod 4, summed as (s0+s1)+(s2+s3): the same
 * pattern as the fused step below, so a residual is bitwise the same whether
 * it came from here or from the previous step's sweep (results then do not
 * depend on where a run is split for logging). */
static inline __attribute__((always_inline)) double
resid1(const double *z, const double *theta, size_t ld, int nb, int p, const double *sg)
{
    sgl_vk s0 = sgl_vk_splat(0.0), s1 = s0, s2 = s0, s3 = s0;
    size_t j = 0;
    for (; j + 32 <= ld; j += 32) {
        s0 = sgl_vk_fma(sgl_vk_ld(z + j), w8(theta, ld, j, nb, p, sg), s0);
        s1 = sgl_vk_fma(sgl_vk_ld(z + j + 8), w8(theta, ld, j + 8, nb, p, sg), s1);
        s2 = sgl_vk_fma(sgl_vk_ld(z + j + 16), w8(theta, ld, j + 16, nb, p, sg), s2);
        s3 = sgl_vk_fma(sgl_vk_ld(z + j + 24), w8(theta, ld, j + 24, nb, p, sg), s3);
    }
    if (j < ld) { s0 = sgl_vk_fma(sgl_vk_ld(z + j), w8(theta, ld, j, nb, p, sg), s0); j += 8; }
    if (j < ld) { s1 = sgl_vk_fma(sgl_vk_ld(z + j), w8(theta, ld, j, nb, p, sg), s1); j += 8; }
    if (j < ld) { s2 = sgl_vk_fma(sgl_vk_ld(z + j), w8(theta, ld, j, nb, p, sg), s2); }
    return sgl_vk_hsum(sgl_vk_add(sgl_vk_add(s0, s1), sgl_vk_add(s2, s3)));
}

static const double k_pos[2] = {1.0, 1.0}, k_pm[2] = {1.0, -1.0};

/* Call kernel K(args..., nb, p, signs) with the shape as compile-time constants
 * for the registered shapes (diagnet, quadratic, linreg), generic otherwise:
 * the branches inside the always-inline kernels then fold away. */
#define SGL_RP_DISPATCH(sh, K, ...)                                                           \
    ((sh)->nb == 2 && (sh)->p == 2 && (sh)->sign[0] > 0 && (sh)->sign[1] < 0 ? K(__VA_ARGS__, 2, 2, k_pm) \
     : (sh)->nb == 1 && (sh)->p == 2 && (sh)->sign[0] > 0 ? K(__VA_ARGS__, 1, 2, k_pos)       \
     : (sh)->nb == 1 && (sh)->p == 1 && (sh)->sign[0] > 0 ? K(__VA_ARGS__, 1, 1, k_pos)       \
     : K(__VA_ARGS__, (sh)->nb, (sh)->p, (sh)->sign))

static double resid_one(const sgl_model *m, const double *theta, uint32_t i)
{
    const sgl_reparam_shape *sh = SHAPE(m);
    const sgl_data *D = m->data;
    const double *z = D->Z + (size_t)i * D->ld;
    double f;
    f = SGL_RP_DISPATCH(sh, resid1, z, theta, D->ld);
    return f - D->y[i];
}

void sgl_reparam_residuals(const sgl_model *m, const double *theta, const uint32_t *idx,
                           size_t nidx, double *r, double *scratch)
{
    const sgl_data *D = m->data;
    if (idx && nidx == 1) {
        r[0] = resid_one(m, theta, idx[0]);
        return;
    }
    double *w = scratch;
    sgl_reparam_weights(m, theta, w);
    if (!idx) {
        sgl_gemv_resid(D->Z, nidx, D->ld, w, D->y, r);
        return;
    }
    for (size_t k = 0; k < nidx; ++k)
        r[k] = sgl_dot(D->Z + (size_t)idx[k] * D->ld, w, D->ld) - D->y[idx[k]];
}

/* g_b = J_b q */
static void apply_jacobian(const sgl_model *m, const double *theta, const double *q, double *g)
{
    const sgl_reparam_shape *sh = SHAPE(m);
    const size_t ld = LD(m);
    for (int b = 0; b < sh->nb; ++b) {
        sgl_vk c = sgl_vk_splat(sh->sign[b] * (double)sh->p);
        const double *tb = theta + b * ld;
        double *gb = g + b * ld;
        for (size_t j = 0; j < ld; j += 8)
            sgl_vk_st(gb + j, sh->p == 2 ? sgl_vk_mul(sgl_vk_mul(c, sgl_vk_ld(tb + j)), sgl_vk_ld(q + j))
                                        : sgl_vk_mul(c, sgl_vk_ld(q + j)));
    }
}

/* q = sum_k c_k z_{idx_k} */
static void combine_rows(const sgl_data *D, const uint32_t *idx, size_t nidx, const double *c,
                         double *q)
{
    sgl_gemv_t(D->Z, D->ld, idx, nidx, c, q);
}

void sgl_reparam_jt(const sgl_model *m, const double *theta, const uint32_t *idx, size_t nidx,
                    const double *c, double *g, double *scratch)
{
    double *q = scratch + LD(m);
    combine_rows(m->data, idx, nidx, c, q);
    apply_jacobian(m, theta, q, g);
}

static inline __attribute__((always_inline)) void
step1_k(double *theta, const double *z, size_t ld, double c, int nb, int p, const double *sg)
{
    for (int b = 0; b < nb; ++b) {
        double *tb = theta + b * ld;
        if (p == 2) {
            /* theta_b <- theta_b (1 + 2 s_b c z): the exact multiplicative form, so
             * u_j v_j <- u_j v_j (1 - 4 c^2 z_j^2) for diagnet (THEORY.md C1) */
            sgl_vk cv = sgl_vk_splat(2.0 * sg[b] * c), one = sgl_vk_splat(1.0);
            for (size_t j = 0; j < ld; j += 8)
                sgl_vk_st(tb + j, sgl_vk_mul(sgl_vk_ld(tb + j), sgl_vk_fma(cv, sgl_vk_ld(z + j), one)));
        } else {
            sgl_vk cv = sgl_vk_splat(sg[b] * c);
            for (size_t j = 0; j < ld; j += 8) sgl_vk_st(tb + j, sgl_vk_fma(cv, sgl_vk_ld(z + j), sgl_vk_ld(tb + j)));
        }
    }
}

/* theta_b <- theta_b (1 + 2 s_b c z_i) (p = 2) or + s_b c z_i (p = 1), and in the
 * same pass r' = <z_inext, w(theta')>: one sweep instead of two, and the next
 * residual's FMA chain starts while the update is still streaming. */
static inline __attribute__((always_inline)) sgl_vk
step1r_v(double *theta, const double *z, const double *zn, size_t ld, size_t j, sgl_vk c0, sgl_vk c1,
         int nb, int p, const double *sg, sgl_vk acc)
{
    const sgl_vk one = sgl_vk_splat(1.0);
    sgl_vk zj = sgl_vk_ld(z + j);
    sgl_vk t0 = sgl_vk_ld(theta + j);
    t0 = p == 2 ? sgl_vk_mul(t0, sgl_vk_fma(c0, zj, one)) : sgl_vk_fma(c0, zj, t0);
    sgl_vk_st(theta + j, t0);
    sgl_vk w = p == 2 ? sgl_vk_mul(t0, t0) : t0;
    if (sg[0] < 0) w = sgl_vk_neg(w);
    if (nb == 2) {
        sgl_vk t1 = sgl_vk_ld(theta + ld + j);
        t1 = p == 2 ? sgl_vk_mul(t1, sgl_vk_fma(c1, zj, one)) : sgl_vk_fma(c1, zj, t1);
        sgl_vk_st(theta + ld + j, t1);
        w = sg[1] < 0 ? sgl_vk_fma(sgl_vk_neg(t1), p == 2 ? t1 : one, w) : sgl_vk_fma(t1, p == 2 ? t1 : one, w);
    }
    return sgl_vk_fma(sgl_vk_ld(zn + j), w, acc);
}

static inline __attribute__((always_inline)) double
step1r_k(double *theta, const double *z, const double *zn, size_t ld, double c, int nb, int p,
         const double *sg)
{
    const sgl_vk c0 = sgl_vk_splat((p == 2 ? 2.0 : 1.0) * sg[0] * c);
    const sgl_vk c1 = sgl_vk_splat((p == 2 ? 2.0 : 1.0) * sg[nb - 1] * c);
    /* four named accumulators (vector j goes to accumulator (j/8) mod 4) */
    sgl_vk s0 = sgl_vk_splat(0.0), s1 = s0, s2 = s0, s3 = s0;
    size_t j = 0;
    for (; j + 32 <= ld; j += 32) {
        s0 = step1r_v(theta, z, zn, ld, j, c0, c1, nb, p, sg, s0);
        s1 = step1r_v(theta, z, zn, ld, j + 8, c0, c1, nb, p, sg, s1);
        s2 = step1r_v(theta, z, zn, ld, j + 16, c0, c1, nb, p, sg, s2);
        s3 = step1r_v(theta, z, zn, ld, j + 24, c0, c1, nb, p, sg, s3);
    }
    if (j < ld) { s0 = step1r_v(theta, z, zn, ld, j, c0, c1, nb, p, sg, s0); j += 8; }
    if (j < ld) { s1 = step1r_v(theta, z, zn, ld, j, c0, c1, nb, p, sg, s1); j += 8; }
    if (j < ld) { s2 = step1r_v(theta, z, zn, ld, j, c0, c1, nb, p, sg, s2); }
    return sgl_vk_hsum(sgl_vk_add(sgl_vk_add(s0, s1), sgl_vk_add(s2, s3)));
}

/* Two independent trajectories (SGL_ILP = 2) in one sweep, each exactly as
 * step1r_k would do it (same operations, same accumulator pattern),
 * interleaved so their dependency chains overlap: the ensemble's throughput
 * path.  The sweep goes accumulator by accumulator (vectors a, a+4, a+8, ...
 * for a = 0..3) rather than in column order: each sum still sees its terms in
 * the same order, but only one accumulator per trajectory is live, so with
 * AVX2 the pair no longer spills its eight accumulators to the stack. */
_Static_assert(SGL_ILP == 2, "step1r_multi_k is written for two trajectories");
#define SGL_STEP_PAIR(j, sa, sb)                                                        \
    do {                                                                                \
        sa = step1r_v(tha, z[0], zn[0], ld, (j), ca0, ca1, nb, p, sg, sa);              \
        sb = step1r_v(thb, z[1], zn[1], ld, (j), cb0, cb1, nb, p, sg, sb);              \
    } while (0)
static inline __attribute__((always_inline)) void
step1r_multi_k(double *f, double *const *theta, const double *const *z, const double *const *zn, size_t ld,
               const double *c, int nb, int p, const double *sg)
{
    const double k2 = p == 2 ? 2.0 : 1.0;
    double *const tha = theta[0], *const thb = theta[1];   /* once: stores through them may alias theta[] */
    const sgl_vk ca0 = sgl_vk_splat(k2 * sg[0] * c[0]), ca1 = sgl_vk_splat(k2 * sg[nb - 1] * c[0]);
    const sgl_vk cb0 = sgl_vk_splat(k2 * sg[0] * c[1]), cb1 = sgl_vk_splat(k2 * sg[nb - 1] * c[1]);
    sgl_vk pa = sgl_vk_splat(0.0), pb = pa;   /* a0 + a1, then a2 + a3 */
    sgl_vk ha = pa, hb = pa;                  /* (a0 + a1) kept for the final sum */
    for (size_t a = 0; a < 4; ++a) {
        sgl_vk sa = sgl_vk_splat(0.0), sb = sa;
        for (size_t j = 8 * a; j < ld; j += 32) SGL_STEP_PAIR(j, sa, sb);
        if (a % 2 == 0) {
            pa = sa;
            pb = sb;
        } else {
            pa = sgl_vk_add(pa, sa);
            pb = sgl_vk_add(pb, sb);
            if (a == 1) {
                ha = pa;
                hb = pb;
            }
        }
    }
    f[0] = sgl_vk_hsum(sgl_vk_add(ha, pa));
    f[1] = sgl_vk_hsum(sgl_vk_add(hb, pb));
}
#undef SGL_STEP_PAIR

void sgl_reparam_step1_resid_multi(const sgl_model *const *m, double *const *theta, const uint32_t *i,
                                   const double *c, const uint32_t *inext, double *r)
{
    const sgl_reparam_shape *sh = SHAPE(m[0]);
    const size_t ld = m[0]->data->ld;
    const double *z[SGL_ILP], *zn[SGL_ILP];
    double f[SGL_ILP];
    for (int g = 0; g < SGL_ILP; ++g) {
        z[g] = m[g]->data->Z + (size_t)i[g] * ld;
        zn[g] = m[g]->data->Z + (size_t)inext[g] * ld;
    }
    SGL_RP_DISPATCH(sh, step1r_multi_k, f, theta, z, zn, ld, c);
    for (int g = 0; g < SGL_ILP; ++g) r[g] = f[g] - m[g]->data->y[inext[g]];
}

/* len pair steps back to back (the ensemble's hot loop): chain_k for two
 * trajectories, the kernel specialised once per call rather than once per
 * step, the residuals and coefficients kept in registers. */
static inline __attribute__((always_inline)) size_t
chain_multi_k(const sgl_model *const *m, double *const *theta, const uint32_t *const *idx,
              const double *const *eps, size_t len, double c0, double *r, int nb, int p, const double *sg)
{
    const sgl_data *const Da = m[0]->data, *const Db = m[1]->data;
    const size_t ld = Da->ld;
    double ra = r[0], rb = r[1];
    size_t q = 0;
    for (; q < len; ++q) {
        const double ga = ra - eps[0][q], gb = rb - eps[1][q];
        if (!isfinite(ga) || !isfinite(gb)) break;
        const double c[SGL_ILP] = {c0 * ga, c0 * gb};
        const double *const z[SGL_ILP] = {Da->Z + (size_t)idx[0][q] * ld, Db->Z + (size_t)idx[1][q] * ld};
        const double *const zn[SGL_ILP] = {Da->Z + (size_t)idx[0][q + 1] * ld, Db->Z + (size_t)idx[1][q + 1] * ld};
        double f[SGL_ILP];
        step1r_multi_k(f, theta, z, zn, ld, c, nb, p, sg);
        ra = f[0] - Da->y[idx[0][q + 1]];
        rb = f[1] - Db->y[idx[1][q + 1]];
    }
    r[0] = ra;
    r[1] = rb;
    return q;
}

size_t sgl_reparam_step1_chain_multi(const sgl_model *const *m, double *const *theta, const uint32_t *const *idx,
                                     const double *const *eps, size_t len, double c0, double *r)
{
    const sgl_reparam_shape *sh = SHAPE(m[0]);
    return SGL_RP_DISPATCH(sh, chain_multi_k, m, theta, idx, eps, len, c0, r);
}

double sgl_reparam_step1_resid(const sgl_model *m, double *theta, uint32_t i, double c, uint32_t inext)
{
    const sgl_reparam_shape *sh = SHAPE(m);
    const sgl_data *D = m->data;
    const double *z = D->Z + (size_t)i * D->ld, *zn = D->Z + (size_t)inext * D->ld;
    return SGL_RP_DISPATCH(sh, step1r_k, theta, z, zn, D->ld, c) - D->y[inext];
}

/* len batch-1 steps back to back (the label-noise hot loop), the kernel
 * inlined and specialised once per call rather than once per step. */
static inline __attribute__((always_inline)) size_t
chain_k(const sgl_data *D, double *theta, const uint32_t *idx, const double *eps, size_t len, double c0,
        double *r, int nb, int p, const double *sg)
{
    double rr = *r;
    size_t q = 0;
    for (; q < len; ++q) {
        double g = rr - eps[q];
        if (!isfinite(g)) break;
        rr = step1r_k(theta, D->Z + (size_t)idx[q] * D->ld, D->Z + (size_t)idx[q + 1] * D->ld, D->ld,
                      c0 * g, nb, p, sg) - D->y[idx[q + 1]];
    }
    *r = rr;
    return q;
}

size_t sgl_reparam_step1_chain(const sgl_model *m, double *theta, const uint32_t *idx, const double *eps,
                               size_t len, double c0, double *r)
{
    const sgl_reparam_shape *sh = SHAPE(m);
    return SGL_RP_DISPATCH(sh, chain_k, m->data, theta, idx, eps, len, c0, r);
}

void sgl_reparam_step1(const sgl_model *m, double *theta, uint32_t i, double c)
{
    const sgl_reparam_shape *sh = SHAPE(m);
    const sgl_data *D = m->data;
    const double *z = D->Z + (size_t)i * D->ld;
    SGL_RP_DISPATCH(sh, step1_k, theta, z, D->ld, c);
}

/* scratch layout: w | q | dw | dq (ld each) | r | dr (n each) */
static void full_q(const sgl_model *m, const double *theta, double *scratch, double *q)
{
    const sgl_data *D = m->data;
    double *r = scratch + 4 * D->ld;
    sgl_reparam_residuals(m, theta, NULL, D->n, r, scratch);
    for (size_t i = 0; i < D->n; ++i) r[i] *= 2.0 * m->a / (double)D->n;
    combine_rows(D, NULL, D->n, r, q);
}

void sgl_reparam_hvp(const sgl_model *m, const double *theta, const double *p, double *out,
                     double *scratch)
{
    const sgl_reparam_shape *sh = SHAPE(m);
    const sgl_data *D = m->data;
    const size_t ld = D->ld;
    double *q = scratch + ld, *dw = scratch + 2 * ld, *dq = scratch + 3 * ld;
    double *dr = scratch + 4 * ld + D->n;
    full_q(m, theta, scratch, q);
    /* dw = sum_b J_b p_b */
    for (size_t j = 0; j < ld; ++j) {
        double s = 0.0;
        for (int b = 0; b < sh->nb; ++b)
            s += sh->sign[b] * (sh->p == 2 ? 2.0 * theta[b * ld + j] : 1.0) * p[b * ld + j];
        dw[j] = s;
    }
    for (size_t i = 0; i < D->n; ++i)
        dr[i] = 2.0 * m->a / (double)D->n * sgl_dot(D->Z + i * ld, dw, ld);
    combine_rows(D, NULL, D->n, dr, dq);
    apply_jacobian(m, theta, dq, out);
    if (sh->p == 2)
        for (int b = 0; b < sh->nb; ++b)
            for (size_t j = 0; j < ld; ++j) out[b * ld + j] += 2.0 * sh->sign[b] * q[j] * p[b * ld + j];
}

double sgl_reparam_trace(const sgl_model *m, const double *theta, double *scratch)
{
    const sgl_reparam_shape *sh = SHAPE(m);
    const sgl_data *D = m->data;
    const size_t ld = D->ld;
    double t = 0.0, sq = 0.0;
    for (size_t j = 0; j < D->d; ++j) {
        double s = 0.0;
        for (int b = 0; b < sh->nb; ++b) {
            double dj = sh->p == 2 ? 2.0 * theta[b * ld + j] : 1.0;
            s += dj * dj;
        }
        t += D->colsq[j] * s;
    }
    t *= 2.0 * m->a;
    if (sh->p == 2) {
        double *q = scratch + ld;
        full_q(m, theta, scratch, q);
        double sumq = 0.0;
        for (size_t j = 0; j < D->d; ++j) sumq += q[j];
        for (int b = 0; b < sh->nb; ++b) sq += 2.0 * sh->sign[b] * sumq;
    }
    return t + sq;
}

void sgl_reparam_layout(const sgl_model *m, size_t *nb, size_t *len, size_t *stride)
{
    *nb = (size_t)SHAPE(m)->nb;
    *len = m->data->d;
    *stride = LD(m);
}

/* scratch: t (ld) | g_i (D) | A g_i (D); O(n (nb d)^2) */
void sgl_reparam_d3(const sgl_model *m, const double *theta, const double *A, double *out, double *scratch)
{
    const sgl_reparam_shape *sh = SHAPE(m);
    const sgl_data *D = m->data;
    const size_t ld = D->ld, d = D->d, dim = m->dim, nb = (size_t)sh->nb;
    for (size_t k = 0; k < dim; ++k) out[k] = 0.0;
    if (sh->p != 2) return;   /* linear in theta: L is quadratic */
    double *t = scratch, *g = scratch + ld, *h = scratch + ld + dim;
    /* t_j = sum_b 2 s_b A_(bj),(bj), so tr(d^2 r_i A) = <z_i, t> */
    for (size_t j = 0; j < ld; ++j) {
        double s = 0.0;
        for (size_t b = 0; j < d && b < nb; ++b) s += 2.0 * sh->sign[b] * A[(b * ld + j) * dim + b * ld + j];
        t[j] = s;
    }
    for (size_t k = 0; k < dim; ++k) g[k] = 0.0;
    const double c = 2.0 * m->a / (double)D->n;
    for (size_t i = 0; i < D->n; ++i) {
        const double *z = D->Z + i * ld;
        double tau = 0.0;
        for (size_t j = 0; j < d; ++j) tau += z[j] * t[j];
        for (size_t b = 0; b < nb; ++b)
            for (size_t j = 0; j < d; ++j) g[b * ld + j] = 2.0 * sh->sign[b] * theta[b * ld + j] * z[j];
        for (size_t b = 0; b < nb; ++b)
            for (size_t j = 0; j < d; ++j) {
                const double *row = A + (b * ld + j) * dim;
                double s = 0.0;
                for (size_t b2 = 0; b2 < nb; ++b2)
                    for (size_t j2 = 0; j2 < d; ++j2) s += row[b2 * ld + j2] * g[b2 * ld + j2];
                h[b * ld + j] = s;
            }
        for (size_t b = 0; b < nb; ++b)
            for (size_t j = 0; j < d; ++j)
                out[b * ld + j] += c * (g[b * ld + j] * tau + 4.0 * sh->sign[b] * z[j] * h[b * ld + j]);
    }
}
