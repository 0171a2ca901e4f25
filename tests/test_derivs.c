/* Derivative helpers over every model in the registry (a loop over sgl_models,
 * so a new model gets these checks without touching this file):
 *  - the third-derivative contraction d^2(grad L)[A]: the analytic slot against
 *    the finite-difference fallback (differences of hvp), and, for rank-one
 *    A = q q^T, against second differences of the gradient (no hvp involved);
 *  - linearity of the contraction in A; the fallback used when the slot is NULL;
 *  - the dense Hessian against hvp, symmetric, zero on the padding;
 *  - lambda_max (Lanczos) against a Jacobi eigen-decomposition of the dense Hessian;
 *  - known answers: the 2-D toy's Gamma = {y = 0} with Hessian diag(0, 1 + x^2),
 *    the sphere's Hessian 4 x x^T on Gamma (pdet 4);
 *  - bad input: a model without hvp gets SGL_ECAPS naming --model.
 * Deterministic: no statistical checks. */
#include "sgdlab.h"
#include "testutil.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    size_t nb, len, stride, dim;
} layout;

static size_t coord(const layout *l, size_t q) { return (q / l->len) * l->stride + q % l->len; }

static double max_abs(const double *x, size_t n)
{
    double s = 0.0;
    for (size_t i = 0; i < n; ++i)
        if (!(fabs(x[i]) <= s)) s = fabs(x[i]);
    return s;
}

static double rel_diff(const double *a, const double *b, size_t n)
{
    double num = 0.0;
    for (size_t i = 0; i < n; ++i)
        if (!(fabs(a[i] - b[i]) <= num)) num = fabs(a[i] - b[i]);
    double den = fmax(max_abs(a, n), max_abs(b, n));
    return den > 0 ? num / den : num;
}

/* eigenvalues of the symmetric n x n matrix S (destroyed) by cyclic Jacobi */
static void jacobi_eig(double *S, size_t n, double *ev)
{
    for (int sweep = 0; sweep < 100; ++sweep) {
        double off = 0.0, tot = 0.0;
        for (size_t i = 0; i < n; ++i)
            for (size_t j = 0; j < n; ++j) {
                tot += S[i * n + j] * S[i * n + j];
                if (i != j) off += S[i * n + j] * S[i * n + j];
            }
        if (off <= 1e-30 * tot || off == 0.0) break;
        for (size_t p = 0; p < n; ++p)
            for (size_t q = p + 1; q < n; ++q) {
                double apq = S[p * n + q];
                if (apq == 0.0) continue;
                double th = (S[q * n + q] - S[p * n + p]) / (2.0 * apq);
                double t = (th >= 0 ? 1.0 : -1.0) / (fabs(th) + sqrt(th * th + 1.0));
                double c = 1.0 / sqrt(t * t + 1.0), s = t * c;
                for (size_t k = 0; k < n; ++k) {
                    double akp = S[k * n + p], akq = S[k * n + q];
                    S[k * n + p] = c * akp - s * akq;
                    S[k * n + q] = s * akp + c * akq;
                }
                for (size_t k = 0; k < n; ++k) {
                    double apk = S[p * n + k], aqk = S[q * n + k];
                    S[p * n + k] = c * apk - s * aqk;
                    S[q * n + k] = s * apk + c * aqk;
                }
            }
    }
    for (size_t i = 0; i < n; ++i) ev[i] = S[i * n + i];
}

static void test_model(const sgl_model_type *T, const sgl_data *D, uint32_t model_no)
{
    const char *nm = T->name;
    sgl_err err;
    memset(&err, 0, sizeof err);
    sgl_model m;
    sgl_status st = sgl_model_init(&m, T, D, T->default_a, &err);
    if (st != SGL_OK) {
        printf("SKIP [%s] does not run on this data: %s: %s\n", nm, err.field, err.msg);
        return;
    }
    if (!(T->caps & SGL_CAP_HVP)) {
        printf("SKIP [%s] no SGL_CAP_HVP: derivative checks\n", nm);
        return;
    }
    layout l;
    sgl_model_layout(&m, &l.nb, &l.len, &l.stride);
    l.dim = m.dim;
    const size_t dim = m.dim, live = l.nb * l.len;
    printf("--- model %s (dim %zu, %zu live, analytic d3: %s)\n", nm, dim, live, T->d3 ? "yes" : "no");
    double *theta = calloc(dim, sizeof *theta), *A = calloc(dim * dim, sizeof *A), *A2 = calloc(dim * dim, sizeof *A2);
    double *o1 = calloc(dim, sizeof *o1), *o2 = calloc(dim, sizeof *o2), *o3 = calloc(dim, sizeof *o3);
    double *q = calloc(dim, sizeof *q), *gp = calloc(dim, sizeof *gp), *gm = calloc(dim, sizeof *gm);
    double *g0 = calloc(dim, sizeof *g0), *tp = calloc(dim, sizeof *tp), *H = calloc(dim * dim, sizeof *H);
    double *S = calloc(live * live, sizeof *S), *ev = calloc(live, sizeof *ev);
    sgl_stream s;
    sgl_stream_init(&s, 11, model_no, 0, SGL_P_INIT);
    for (size_t k = 0; k < live; ++k) theta[coord(&l, k)] = 0.6 * sgl_stream_normal(&s);
    /* random symmetric A on the live coordinates */
    for (size_t a = 0; a < live; ++a)
        for (size_t b = 0; b <= a; ++b) {
            double v = sgl_stream_normal(&s), v2 = sgl_stream_normal(&s);
            size_t i = coord(&l, a), j = coord(&l, b);
            A[i * dim + j] = A[j * dim + i] = v;
            A2[i * dim + j] = A2[j * dim + i] = v2;
        }

    /* ---- analytic d3 vs the finite-difference fallback */
    st = sgl_model_d3(&m, theta, A, o1, &err);
    check_true(st == SGL_OK, "[%s] sgl_model_d3 status obs=%d exp=0", nm, (int)st);
    st = sgl_model_d3_fd(&m, theta, A, o2, &err);
    check_true(st == SGL_OK, "[%s] sgl_model_d3_fd status obs=%d exp=0", nm, (int)st);
    if (T->d3)
        check_le(rel_diff(o1, o2, dim), 1e-7, "[%s] analytic d3 vs FD of hvp (random symmetric A), max rel diff", nm);
    else
        check_le(rel_diff(o1, o2, dim), 0.0, "[%s] no d3 slot: sgl_model_d3 is the FD fallback (bitwise)", nm);
    {
        long pad = 0;
        for (size_t j = 0; j < dim; ++j) {
            int is_live = (j % l.stride) < l.len;
            pad += !is_live && o1[j] != 0.0;
        }
        check_true(pad == 0, "[%s] d3 output zero on the padding: %ld nonzero", nm, pad);
    }
    /* the fallback forced on a copy of the type without the slot */
    if (T->d3) {
        sgl_model_type T2 = *T;
        T2.d3 = NULL;
        sgl_model m2 = m;
        m2.type = &T2;
        sgl_model_d3(&m2, theta, A, o3, &err);
        check_le(rel_diff(o3, o2, dim), 0.0, "[%s] slot removed: sgl_model_d3 == sgl_model_d3_fd (bitwise)", nm);
    }
    /* ---- linearity in A: d3[A + 2 A2] = d3[A] + 2 d3[A2] */
    {
        for (size_t i = 0; i < dim * dim; ++i) H[i] = A[i] + 2.0 * A2[i];
        sgl_model_d3(&m, theta, H, o2, &err);
        sgl_model_d3(&m, theta, A2, o3, &err);
        for (size_t j = 0; j < dim; ++j) o3[j] = o1[j] + 2.0 * o3[j];
        check_le(rel_diff(o2, o3, dim), T->d3 ? 1e-12 : 1e-9, "[%s] d3 linear in A, max rel diff", nm);
    }
    /* ---- rank one A = q q^T (|q| = 1): d3 = d^2/dh^2 grad L(theta + h q), second
     * differences of the gradient (h = 1e-3: truncation h^2 |d^5 L| / 12, which is 0
     * for the polynomial losses, rounding ~4e-16 |grad L| / h^2 = 4e-10 |grad L|) */
    {
        memset(A, 0, dim * dim * sizeof *A);
        double qn = 0.0;
        for (size_t k = 0; k < live; ++k) {
            q[coord(&l, k)] = sgl_stream_normal(&s);
            qn += q[coord(&l, k)] * q[coord(&l, k)];
        }
        for (size_t j = 0; j < dim; ++j) q[j] /= sqrt(qn);   /* |q| = 1: the step h q has length h */
        for (size_t i = 0; i < dim; ++i)
            for (size_t j = 0; j < dim; ++j) A[i * dim + j] = q[i] * q[j];
        sgl_model_d3(&m, theta, A, o1, &err);
        const double h = 1e-3;
        double L;
        for (size_t j = 0; j < dim; ++j) tp[j] = theta[j] + h * q[j];
        sgl_model_loss(&m, tp, &L, gp, &err);
        for (size_t j = 0; j < dim; ++j) tp[j] = theta[j] - h * q[j];
        sgl_model_loss(&m, tp, &L, gm, &err);
        sgl_model_loss(&m, theta, &L, g0, &err);
        for (size_t j = 0; j < dim; ++j) o2[j] = (gp[j] - 2.0 * g0[j] + gm[j]) / (h * h);
        double scale = fmax(max_abs(o1, dim), 1e-3 * max_abs(g0, dim));
        double num = 0.0;
        for (size_t j = 0; j < dim; ++j) num = fmax(num, fabs(o1[j] - o2[j]));
        check_le(num / scale, 1e-5, "[%s] d3[q q^T] vs second differences of grad L (h=1e-3), max err / max(|d3|, 1e-3 |grad L|)", nm);
    }

    /* ---- dense Hessian */
    st = sgl_model_hessian(&m, theta, H, &err);
    check_true(st == SGL_OK, "[%s] sgl_model_hessian status obs=%d exp=0", nm, (int)st);
    {
        double asym = 0.0;
        long pad = 0;
        for (size_t i = 0; i < dim; ++i)
            for (size_t j = 0; j < dim; ++j) {
                asym = fmax(asym, fabs(H[i * dim + j] - H[j * dim + i]));
                int live_i = (i % l.stride) < l.len, live_j = (j % l.stride) < l.len;
                pad += (!live_i || !live_j) && H[i * dim + j] != 0.0;
            }
        check_le(asym, 0.0, "[%s] Hessian exactly symmetric: max |H - H^T|", nm);
        check_true(pad == 0, "[%s] Hessian zero on padding rows/columns: %ld nonzero", nm, pad);
        sgl_model_hvp(&m, theta, q, o1, &err);
        for (size_t i = 0; i < dim; ++i) {
            double v = 0.0;
            for (size_t j = 0; j < dim; ++j) v += H[i * dim + j] * q[j];
            o2[i] = v;
        }
        check_le(rel_diff(o1, o2, dim), 1e-10, "[%s] H q (dense) vs hvp(q), max rel diff", nm);
    }
    /* ---- lambda_max against Jacobi on the live block of H (exact Lanczos when
     * live <= SGL_LANCZOS_MAX; otherwise a lower bound that must be close) */
    {
        for (size_t a = 0; a < live; ++a)
            for (size_t b = 0; b < live; ++b) S[a * live + b] = H[coord(&l, a) * dim + coord(&l, b)];
        jacobi_eig(S, live, ev);
        double emax = -INFINITY, eabs = 0.0;
        for (size_t i = 0; i < live; ++i) {
            emax = fmax(emax, ev[i]);
            eabs = fmax(eabs, fabs(ev[i]));
        }
        double lam = NAN;
        st = sgl_model_lambda_max(&m, theta, &lam, &err);
        check_true(st == SGL_OK, "[%s] lambda_max status obs=%d exp=0", nm, (int)st);
        if (live <= SGL_LANCZOS_MAX)
            check_abs(lam, emax, 1e-9 * eabs, "[%s] lambda_max (Lanczos, %zu live: exact) vs Jacobi max eigenvalue", nm,
                      live);
        else   /* SGL_LANCZOS_MAX steps: a Ritz value, never above lambda_1, converging fast from below */
            check_true(lam <= emax + 1e-12 * eabs && lam >= emax - 1e-6 * eabs,
                       "[%s] lambda_max (Lanczos, %d of %zu live) in [lambda_1 - 1e-6 |lambda|, lambda_1]: %.17g vs %.17g",
                       nm, SGL_LANCZOS_MAX, live, lam, emax);
        double lam2 = NAN;
        sgl_model_lambda_max(&m, theta, &lam2, &err);
        check_true(memcmp(&lam, &lam2, sizeof lam) == 0, "[%s] lambda_max deterministic (bitwise)", nm);
    }
    free(theta); free(A); free(A2); free(o1); free(o2); free(o3); free(q); free(gp); free(gm); free(g0); free(tp);
    free(H); free(S); free(ev);
}

static sgl_data *make(size_t d, size_t n, size_t kappa)
{
    sgl_data_spec ds;
    memset(&ds, 0, sizeof ds);
    ds.input = SGL_INPUT_GAUSSIAN;
    ds.truth = SGL_TRUTH_ONES;
    ds.d = d;
    ds.n = n;
    ds.kappa = kappa;
    sgl_data *D = NULL;
    sgl_err err;
    if (sgl_data_alloc(&ds, 5, 0, &D, &err) != SGL_OK) check_true(0, "data_alloc: %s", err.msg);
    return D;
}

static void known_answers(void)
{
    sgl_data *D = make(1, 1, 0);
    sgl_err err;
    memset(&err, 0, sizeof err);
    sgl_model m;
    /* toy: at (x, 0) in Gamma: L = 0, grad 0, H = diag(0, 1 + x^2), d3[e_y e_y^T] = (2x, 0) = grad tr H */
    if (sgl_model_init(&m, sgl_model_lookup("toy2d"), D, 0.5, &err) == SGL_OK) {
        const double th[2] = {0.7, 0.0}, Ay[4] = {0, 0, 0, 1};
        double L, g[2], H[4], v[2], lam;
        sgl_model_loss(&m, th, &L, g, &err);
        sgl_model_hessian(&m, th, H, &err);
        sgl_model_d3(&m, th, Ay, v, &err);
        sgl_model_lambda_max(&m, th, &lam, &err);
        check_abs(L, 0.0, 0.0, "[toy2d] loss at (0.7, 0) on Gamma");
        check_abs(fmax(fabs(g[0]), fabs(g[1])), 0.0, 0.0, "[toy2d] gradient at (0.7, 0)");
        check_abs(fabs(H[0]) + fabs(H[1]) + fabs(H[2]), 0.0, 0.0, "[toy2d] Hessian off the (y,y) entry");
        check_rel(H[3], 1.49, 1e-15, "[toy2d] H_yy = 1 + x^2");
        check_rel(lam, 1.49, 1e-14, "[toy2d] lambda_max = 1 + x^2");
        check_rel(v[0], 1.4, 1e-15, "[toy2d] d3[e_y e_y^T]_x = d/dx (1 + x^2) = 2x");
        check_abs(v[1], 0.0, 0.0, "[toy2d] d3[e_y e_y^T]_y");
        const double off[2] = {0.7, 0.3};
        sgl_model_loss(&m, off, &L, g, &err);
        check_rel(L, 0.5 * 1.49 * 0.09, 1e-15, "[toy2d] loss at (0.7, 0.3) = (1 + x^2) y^2 / 2");
    } else {
        check_true(0, "[toy2d] model_init: %s", err.msg);
    }
    /* sphere: at x = (1, 2, 2)/3: L = 0, grad 0, H = 4 x x^T, eigenvalues (4, 0, 0): pdet 4 */
    if (sgl_model_init(&m, sgl_model_lookup("sphere"), D, 0.5, &err) == SGL_OK) {
        const double x[3] = {1.0 / 3.0, 2.0 / 3.0, 2.0 / 3.0};
        double L, g[3], H[9], ev[3], lam;
        sgl_model_loss(&m, x, &L, g, &err);
        sgl_model_hessian(&m, x, H, &err);
        sgl_model_lambda_max(&m, x, &lam, &err);
        check_abs(L, 0.0, 1e-30, "[sphere] loss on the unit sphere");
        check_abs(max_abs(g, 3), 0.0, 1e-15, "[sphere] gradient on the unit sphere");
        double e = 0.0;
        for (int i = 0; i < 3; ++i)
            for (int j = 0; j < 3; ++j) e = fmax(e, fabs(H[3 * i + j] - 4.0 * x[i] * x[j]));
        check_abs(e, 0.0, 1e-14, "[sphere] Hessian = 4 x x^T on Gamma, max entry error");
        jacobi_eig(H, 3, ev);
        double pdet = 1.0, zero = 0.0;
        for (int i = 0; i < 3; ++i) {
            if (fabs(ev[i]) > 1e-8) pdet *= ev[i];
            else zero = fmax(zero, fabs(ev[i]));
        }
        check_rel(pdet, 4.0, 1e-13, "[sphere] pseudo-determinant of the Hessian on Gamma");
        check_abs(zero, 0.0, 1e-14, "[sphere] two zero eigenvalues (tangent space of dimension 2)");
        check_rel(lam, 4.0, 1e-13, "[sphere] lambda_max on Gamma");
    } else {
        check_true(0, "[sphere] model_init: %s", err.msg);
    }
    /* matrix sensing: at the truth the loss and gradient vanish; labels are <A_i, W*> with W* PSD of rank kappa */
    {
        const sgl_model_type *T = sgl_model_lookup("msense");
        sgl_data_spec ds;
        memset(&ds, 0, sizeof ds);
        ds.input = SGL_INPUT_GAUSSIAN;
        ds.truth = SGL_TRUTH_ONES;
        ds.d = 16;
        ds.n = 30;
        ds.kappa = 2;
        sgl_data *M = NULL;
        sgl_status st = sgl_model_data_alloc(T, &ds, 7, 0, &M, &err);
        if (check_true(st == SGL_OK, "[msense] data (truth ones, m = 4, rank 2): status %d %s", (int)st, err.msg) &&
            sgl_model_init(&m, T, M, 0.5, &err) == SGL_OK) {
            /* W* = diag(1, 1, 0, 0); U = that block rotated by 0.3 rad has U U^T = W* */
            double U[16] = {0}, L, g[16], lam;
            const double c = cos(0.3), sn = sin(0.3);
            U[0] = c; U[1] = -sn; U[4] = sn; U[5] = c;
            sgl_model_loss(&m, U, &L, g, &err);
            check_abs(L, 0.0, 1e-28, "[msense] loss at U with U U^T = W* (truth ones, rotated factor)");
            check_abs(max_abs(g, 16), 0.0, 1e-14, "[msense] gradient at the truth");
            sgl_model_lambda_max(&m, U, &lam, &err);
            check_true(lam > 0 && isfinite(lam), "[msense] lambda_max at the truth is positive: %g", lam);
            long bad = 0;
            for (int p = 0; p < 4; ++p)
                for (int q = 0; q < 4; ++q) bad += M->wstar[4 * p + q] != (p == q && p < 2 ? 1.0 : 0.0);
            check_true(bad == 0, "[msense] truth ones: W* = diag(1, 1, 0, 0) (%ld entries wrong)", bad);
        }
        sgl_data_free(M);
        ds.truth = SGL_TRUTH_SIGNS;
        ds.label_noise = 0.0;
        st = sgl_model_data_alloc(T, &ds, 7, 1, &M, &err);
        if (check_true(st == SGL_OK, "[msense] data (truth signs): status %d %s", (int)st, err.msg)) {
            double W[16], ev[4], e = 0.0;
            memcpy(W, M->wstar, sizeof W);
            for (size_t i = 0; i < M->n; ++i) {
                double f = 0.0;
                for (int j = 0; j < 16; ++j) f += M->Z[i * M->ld + j] * M->wstar[j];
                e = fmax(e, fabs(f - M->y[i]));
            }
            check_abs(e, 0.0, 1e-12, "[msense] labels y_i = <A_i, W*>, max error");
            jacobi_eig(W, 4, ev);
            int pos = 0, neg = 0;
            for (int i = 0; i < 4; ++i) {
                pos += ev[i] > 1e-12;
                neg += ev[i] < -1e-12;
            }
            check_true(pos == 2 && neg == 0, "[msense] truth signs: W* = U* U*^T is PSD of rank 2 (%d positive, %d negative)",
                       pos, neg);
        }
        sgl_data_free(M);
        ds.d = 10;
        st = sgl_model_data_alloc(T, &ds, 7, 0, &M, &err);
        check_true(st == SGL_EINVAL && strcmp(err.field, "--d") == 0 && M == NULL,
                   "[msense] d = 10 (not a square): status %d field '%s' (%s)", (int)st, err.field, err.msg);
        ds.d = 16;
        ds.kappa = 5;
        st = sgl_model_data_alloc(T, &ds, 7, 0, &M, &err);
        check_true(st == SGL_EINVAL && strcmp(err.field, "--kappa") == 0 && M == NULL,
                   "[msense] rank 5 > m = 4: status %d field '%s' (%s)", (int)st, err.field, err.msg);
    }
    /* tanhnet: with width = kappa and the teacher's weights (the documented
     * streams: w*_k ~ N(0, I/d) from (seed, draw, 2, SGL_P_TRUTH), a* = 1 for
     * truth ones) the loss is exactly 0 */
    {
        const sgl_model_type *T = sgl_model_lookup("tanhnet");
        sgl_data_spec ds;
        memset(&ds, 0, sizeof ds);
        ds.input = SGL_INPUT_GAUSSIAN;
        ds.truth = SGL_TRUTH_ONES;
        ds.d = 5;
        ds.n = 20;
        ds.kappa = 3;
        ds.width = 3;
        sgl_data *M = NULL;
        sgl_status st = sgl_model_data_alloc(T, &ds, 9, 4, &M, &err);
        sgl_status mi = st == SGL_OK ? sgl_model_init(&m, T, M, 0.5, &err) : st;
        if (check_true(st == SGL_OK, "[tanhnet] data (teacher of 3 units): status %d %s", (int)st, err.msg) &&
            check_true(mi == SGL_OK && m.dim == 3 * 6, "[tanhnet] width 3, d 5: D = %zu (exp 18)", m.dim)) {
            double th[18], g[18], L;
            sgl_stream ts;
            sgl_stream_init(&ts, 9, 4, 2, SGL_P_TRUTH);
            for (int j = 0; j < 15; ++j) th[j] = sgl_stream_normal(&ts) / sqrt(5.0);
            for (int k = 0; k < 3; ++k) th[15 + k] = 1.0;
            sgl_model_loss(&m, th, &L, g, &err);
            check_abs(L, 0.0, 0.0, "[tanhnet] loss at the teacher's weights (width = kappa)");
            check_abs(max_abs(g, 18), 0.0, 0.0, "[tanhnet] gradient at the teacher's weights");
            double ysq = 0.0;
            for (size_t i = 0; i < M->n; ++i) ysq += M->y[i] * M->y[i];
            check_true(ysq > 0.1 * (double)M->n, "[tanhnet] teacher labels are not trivial: mean y^2 = %g", ysq / (double)M->n);
        }
        sgl_data_free(M);
    }
    /* a model without hvp: SGL_ECAPS naming --model */
    {
        sgl_model_type T = *sgl_model_lookup("toy2d");
        T.caps &= ~(unsigned)SGL_CAP_HVP;
        T.hvp = NULL;
        T.d3 = NULL;
        sgl_model_init(&m, &T, D, 0.5, &err);
        const double th[2] = {0.1, 0.2};
        double A[4] = {1, 0, 0, 1}, v[2], H[4], lam;
        memset(&err, 0, sizeof err);
        sgl_status st = sgl_model_d3(&m, th, A, v, &err);
        check_true(st == SGL_ECAPS && strcmp(err.field, "--model") == 0,
                   "d3 without hvp: status obs=%d exp=%d field '%s' (%s)", (int)st, (int)SGL_ECAPS, err.field, err.msg);
        st = sgl_model_hessian(&m, th, H, &err);
        check_true(st == SGL_ECAPS, "hessian without hvp: status obs=%d exp=%d", (int)st, (int)SGL_ECAPS);
        st = sgl_model_lambda_max(&m, th, &lam, &err);
        check_true(st == SGL_ECAPS, "lambda_max without hvp: status obs=%d exp=%d", (int)st, (int)SGL_ECAPS);
    }
    sgl_data_free(D);
}

/* THEORY.md C5 (and C6's sphere under label noise): the label-noise step's
 * covariance is Sigma = c Hessian on Gamma with c = 2 a delta^2.  At r = 0 a
 * step is exactly theta' - theta = 2 a eta eps grad f with eps = +-delta, so
 * one step per trajectory gives Sigma = (theta' - theta)(theta' - theta)^T /
 * eta^2 exactly (no sampling error). */
static void label_noise_geometry(const char *model, const double *x0, size_t D, double delta)
{
    sgl_spec sp;
    sgl_spec_defaults(&sp);
    sp.model = model;
    sp.noise = "label";
    sp.delta = delta;
    sp.lr = 0.01;
    sp.init = x0;
    sp.n_init = D;
    sp.seeds = 3;
    sp.steps = 1;
    sp.every = 1;
    sgl_plan *p = NULL;
    sgl_err err;
    memset(&err, 0, sizeof err);
    if (!check_true(sgl_plan_alloc(&sp, &p, &err) == SGL_OK, "[%s] label plan: %s", model, err.msg)) return;
    sgl_results *r = NULL;
    sgl_results_alloc(p, &r);
    sgl_plan_execute(p, 1, r);
    sgl_model m;
    sgl_model_init(&m, sgl_plan_model(p), sgl_plan_data(p, 0), sgl_plan_spec(p)->a, &err);
    double H[9], worst = 0.0, scale = 0.0;
    sgl_model_hessian(&m, x0, H, &err);
    const double c = 2.0 * m.a * delta * delta;
    for (uint32_t t = 0; t < r->n_traj; ++t) {
        const double *th = r->theta_final + t * D;
        for (size_t i = 0; i < D; ++i)
            for (size_t j = 0; j < D; ++j) {
                double S = (th[i] - x0[i]) * (th[j] - x0[j]) / (sp.lr * sp.lr);
                worst = fmax(worst, fabs(S - c * H[i * D + j]));
                scale = fmax(scale, fabs(c * H[i * D + j]));
            }
    }
    check_le(worst / scale, 1e-12, "[%s] label noise on Gamma: step covariance = c Hessian, c = 2 a delta^2 = %g, max rel err",
             model, c);
    sgl_results_free(r);
    sgl_plan_free(p);
}

int main(void)
{
    static const double toy_x[2] = {0.7, 0.0}, sph_x[3] = {0.6, 0.0, 0.8};
    label_noise_geometry("toy2d", toy_x, 2, 1.0);
    label_noise_geometry("toy2d", toy_x, 2, 0.3);
    label_noise_geometry("sphere", sph_x, 3, 1.0);
    const size_t shapes[][3] = {{7, 5, 2}, {9, 12, 2}, {4, 6, 1}};
    for (size_t k = 0; k < sizeof shapes / sizeof shapes[0]; ++k) {
        printf("=== data d=%zu n=%zu kappa=%zu\n", shapes[k][0], shapes[k][1], shapes[k][2]);
        sgl_data *D = make(shapes[k][0], shapes[k][1], shapes[k][2]);
        if (!D) continue;
        for (uint32_t i = 0; sgl_models[i]; ++i) test_model(sgl_models[i], D, i);
        sgl_data_free(D);
    }
    known_answers();
    return done();
}
