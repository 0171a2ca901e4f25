/* Low-rank matrix sensing with a symmetric factorisation (Gunasekar et al.
 * 2017; Li, Ma, Zhang 2018), issue 4 item 4.
 *
 * Data: d = m^2 (validated); row i of Z is a sensing matrix A_i in R^{m x m}
 * (row-major, Gaussian or Boolean entries from the usual generator), so the
 * effective sensing matrix is its symmetric part S_i/2 = (A_i + A_i^T)/2.
 * Parameters: theta = U in R^{m x m} (row-major, D = m^2, no padding), the
 * overparametrised factor; W(U) = U U^T.  Model: f_i = <A_i, U U^T> (linear in
 * w = vec(W): SGL_CAP_LINEAR_W, so test_error = |U U^T - W*|_F^2).
 * Truth (rank kappa <= m, --kappa): `--truth ones`: W* = diag(1 x kappa, 0, ...)
 * (U* = first kappa unit vectors); `--truth signs`: U* in R^{m x kappa} with
 * Rademacher entries / sqrt(m) from stream (seed, draw, 0, SGL_P_TRUTH).
 * Labels y_i = <A_i, W*> (+ --data-noise).  Init: U = alpha I (small alpha:
 * the implicit low-rank bias).  Matrix factorisation is the special case of
 * sensing matrices e_p e_q^T (supply them as CSV rows).
 *
 * Derivatives (S_i = A_i + A_i^T, G_i = S_i U = grad f_i, Q = (2a/n) sum r_i A_i):
 *   grad L = (Q + Q^T) U
 *   H P    = (Q + Q^T) P + (dQ + dQ^T) U,  dQ = (2a/n) sum_i <A_i, P U^T + U P^T> A_i
 *   tr H   = 2 m tr Q + (2a/n) sum_i |G_i|_F^2
 *   d^2(grad L)[A] = (2a/n) sum_i [ G_i <S_i, B> + 2 S_i mat(A vec G_i) ],
 *            B_{pq} = sum_j A_{(q j),(p j)}   (d^2 f_i[P] = S_i P, d^3 f_i = 0). */
#include "../internal.h"
#include "../kernels.h"

#include <math.h>
#include <string.h>

#define SGL_MSENSE_MAX_SIDE 256

static size_t side(const sgl_data *D) { return (size_t)llround(sqrt((double)D->d)); }

static sgl_status check(const sgl_data *D, sgl_err *err)
{
    size_t m = side(D);
    if (m * m != D->d)
        return sgl_fail(err, SGL_EINVAL, "--d",
                        "model msense needs d = m^2 (row i is the m x m sensing matrix A_i), got d = %zu", D->d);
    /* cost: every full-batch evaluation (each logged step's observables) is
     * O(n m^3) flops, about 5 s at m = 256 and n = 40 on 2 busy cores; m = 1000 took minutes */
    if (m > SGL_MSENSE_MAX_SIDE)
        return sgl_fail(err, SGL_EINVAL, "--d",
                        "model msense costs O(n m^3) per full-batch evaluation (m = sqrt(d) = %zu: %.2g flops with n = "
                        "%zu); at most d = %d (m = %d)", m, (double)D->n * (double)m * (double)m * (double)m, D->n,
                        SGL_MSENSE_MAX_SIDE * SGL_MSENSE_MAX_SIDE, SGL_MSENSE_MAX_SIDE);
    return SGL_OK;
}

static size_t dim(const sgl_model *m) { return m->data->d; }

static void init(const sgl_model *m, double alpha, double *theta)
{
    const size_t s = side(m->data);
    for (size_t p = 0; p < s; ++p)
        for (size_t q = 0; q < s; ++q) theta[p * s + q] = p == q ? alpha : 0.0;
}

/* W = U U^T into w (padded with zeros to ld) */
static void weights(const sgl_model *m, const double *U, double *w)
{
    const size_t s = side(m->data), ld = m->data->ld;
    for (size_t p = 0; p < s; ++p)
        for (size_t q = 0; q < s; ++q) {
            double v = 0.0;
            for (size_t j = 0; j < s; ++j) v += U[p * s + j] * U[q * s + j];
            w[p * s + q] = v;
        }
    for (size_t j = s * s; j < ld; ++j) w[j] = 0.0;
}

static void residuals(const sgl_model *m, const double *U, const uint32_t *idx, size_t nidx, double *r,
                      double *scratch)
{
    const sgl_data *D = m->data;
    double *w = scratch;
    weights(m, U, w);
    if (!idx) {
        sgl_gemv_resid(D->Z, nidx, D->ld, w, D->y, r);
        return;
    }
    for (size_t k = 0; k < nidx; ++k) r[k] = sgl_dot(D->Z + (size_t)idx[k] * D->ld, w, D->ld) - D->y[idx[k]];
}

/* out (+)= (Q + Q^T) P, all m x m */
static void sym_mul(size_t s, const double *Q, const double *P, double *out, int add)
{
    for (size_t p = 0; p < s; ++p)
        for (size_t j = 0; j < s; ++j) {
            double v = 0.0;
            for (size_t q = 0; q < s; ++q) v += (Q[p * s + q] + Q[q * s + p]) * P[q * s + j];
            out[p * s + j] = add ? out[p * s + j] + v : v;
        }
}

/* scratch: w | Q (ld each) */
static void jt(const sgl_model *m, const double *U, const uint32_t *idx, size_t nidx, const double *c, double *g,
               double *scratch)
{
    const sgl_data *D = m->data;
    double *Q = scratch + D->ld;
    sgl_gemv_t(D->Z, D->ld, idx, nidx, c, Q);
    sym_mul(side(D), Q, U, g, 0);
}

/* Q = (2a/n) sum_i r_i A_i, r into r; scratch w | Q | . | . | r */
static void full_q(const sgl_model *m, const double *U, double *scratch, double *Q, double *r)
{
    const sgl_data *D = m->data;
    residuals(m, U, NULL, D->n, r, scratch);
    for (size_t i = 0; i < D->n; ++i) r[i] *= 2.0 * m->a / (double)D->n;
    sgl_gemv_t(D->Z, D->ld, NULL, D->n, r, Q);
}

/* scratch: w | Q | dW | dQ (ld each) | r | dr (n each) */
static void hvp(const sgl_model *m, const double *U, const double *P, double *out, double *scratch)
{
    const sgl_data *D = m->data;
    const size_t s = side(D), ld = D->ld;
    double *Q = scratch + ld, *dW = scratch + 2 * ld, *dQ = scratch + 3 * ld;
    double *r = scratch + 4 * ld, *dr = r + D->n;
    full_q(m, U, scratch, Q, r);
    for (size_t p = 0; p < s; ++p)
        for (size_t q = 0; q < s; ++q) {
            double v = 0.0;
            for (size_t j = 0; j < s; ++j) v += P[p * s + j] * U[q * s + j] + U[p * s + j] * P[q * s + j];
            dW[p * s + q] = v;
        }
    for (size_t j = s * s; j < ld; ++j) dW[j] = 0.0;
    for (size_t i = 0; i < D->n; ++i) dr[i] = 2.0 * m->a / (double)D->n * sgl_dot(D->Z + i * ld, dW, ld);
    sgl_gemv_t(D->Z, ld, NULL, D->n, dr, dQ);
    sym_mul(s, Q, P, out, 0);
    sym_mul(s, dQ, U, out, 1);
}

/* G = (A + A^T) U for one sample z (m x m) */
static void sample_grad(size_t s, const double *z, const double *U, double *G) { sym_mul(s, z, U, G, 0); }

/* scratch: w | Q | G (ld each) | r (n) */
static double trace(const sgl_model *m, const double *U, double *scratch)
{
    const sgl_data *D = m->data;
    const size_t s = side(D), ld = D->ld;
    double *Q = scratch + ld, *G = scratch + 2 * ld, *r = scratch + 4 * ld;
    full_q(m, U, scratch, Q, r);
    double trq = 0.0, gg = 0.0;
    for (size_t p = 0; p < s; ++p) trq += Q[p * s + p];
    for (size_t i = 0; i < D->n; ++i) {
        sample_grad(s, D->Z + i * ld, U, G);
        for (size_t j = 0; j < s * s; ++j) gg += G[j] * G[j];
    }
    return 2.0 * (double)s * trq + 2.0 * m->a / (double)D->n * gg;
}

/* scratch (sgl_model_d3_scratch): B (ld) ... | G | AG | T (D each) from scratch_len + n */
static void d3(const sgl_model *m, const double *U, const double *A, double *out, double *scratch)
{
    const sgl_data *D = m->data;
    const size_t s = side(D), ld = D->ld, Dm = s * s;
    double *B = scratch;
    double *G = scratch + m->scratch_len + D->n, *AG = G + Dm, *T = AG + Dm;
    for (size_t p = 0; p < s; ++p)
        for (size_t q = 0; q < s; ++q) {
            double v = 0.0;
            for (size_t j = 0; j < s; ++j) v += A[(q * s + j) * Dm + p * s + j];
            B[p * s + q] = v;
        }
    for (size_t k = 0; k < Dm; ++k) out[k] = 0.0;
    const double c = 2.0 * m->a / (double)D->n;
    for (size_t i = 0; i < D->n; ++i) {
        const double *z = D->Z + i * ld;
        sample_grad(s, z, U, G);
        double tau = 0.0;   /* <S_i, B> = sum_pq (z_pq + z_qp) B_pq */
        for (size_t p = 0; p < s; ++p)
            for (size_t q = 0; q < s; ++q) tau += (z[p * s + q] + z[q * s + p]) * B[p * s + q];
        for (size_t k = 0; k < Dm; ++k) {
            double v = 0.0;
            for (size_t l = 0; l < Dm; ++l) v += A[k * Dm + l] * G[l];
            AG[k] = v;
        }
        sym_mul(s, z, AG, T, 0);
        for (size_t k = 0; k < Dm; ++k) out[k] += c * (G[k] * tau + 2.0 * T[k]);
    }
}

/* W* = U* U*^T as a linear truth */
static double linear_label(const void *ctx, const double *z)
{
    const sgl_data *D = ctx;
    double v = 0.0;
    for (size_t j = 0; j < D->ld; ++j) v += z[j] * D->wstar[j];
    return v;
}

static sgl_status make_data(const sgl_data_spec *spec, uint64_t seed, uint32_t draw, sgl_data **out, sgl_err *err)
{
    if (spec->input == SGL_INPUT_CSV) return sgl_data_alloc(spec, seed, draw, out, err);
    const size_t s = (size_t)llround(sqrt((double)spec->d));
    if (s * s != spec->d)
        return sgl_fail(err, SGL_EINVAL, "--d",
                        "model msense needs d = m^2 (row i is the m x m sensing matrix A_i), got d = %zu", spec->d);
    if (spec->kappa > s)
        return sgl_fail(err, SGL_EINVAL, "--kappa", "model msense: the rank of W* must be in [0, m = %zu], got %zu", s,
                        spec->kappa);
    sgl_data_spec base = *spec;
    base.kappa = 0;   /* inputs only; the truth is W* below */
    base.label_noise = 0;
    sgl_status st = sgl_data_alloc(&base, seed, draw, out, err);
    if (st != SGL_OK) return st;
    sgl_data *D = *out;
    const size_t r = spec->kappa;
    double *Us = sgl_alloc_doubles(s * (r ? r : 1));
    if (!Us) {
        sgl_data_free(D);
        *out = NULL;
        return sgl_fail(err, SGL_ENOMEM, "data", "out of memory");
    }
    sgl_stream st0;
    sgl_stream_init(&st0, seed, draw, 0, SGL_P_TRUTH);
    for (size_t p = 0; p < s; ++p)
        for (size_t j = 0; j < r; ++j)
            Us[p * r + j] = spec->truth == SGL_TRUTH_SIGNS ? (double)sgl_stream_rademacher(&st0) / sqrt((double)s)
                                                           : (p == j ? 1.0 : 0.0);
    for (size_t p = 0; p < s; ++p)
        for (size_t q = 0; q < s; ++q) {
            double v = 0.0;
            for (size_t j = 0; j < r; ++j) v += Us[p * r + j] * Us[q * r + j];
            D->wstar[p * s + q] = v;
        }
    sgl_free(Us);
    D->kappa = r;
    sgl_data_relabel(D, spec->label_noise, seed, draw, linear_label, D);
    return SGL_OK;
}

const sgl_model_type sgl_model_msense = {
    "msense",
    "matrix sensing f_i = <A_i, U U^T>, U in R^{m x m}, d = m^2, truth of rank kappa; init U = alpha I",
    SGL_CAP_RESIDUALS | SGL_CAP_HVP | SGL_CAP_TRACE | SGL_CAP_LINEAR_W, 0.5, NULL, dim, init, weights, residuals, jt,
    NULL, NULL, NULL, NULL, hvp, trace, d3, NULL, check, make_data, NULL, NULL};
