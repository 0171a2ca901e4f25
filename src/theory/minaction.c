/* Geometric minimum action method (THEORY 7.2, 7.4) for low dimensions.
 *
 * Discrete geometric action of a path phi_0 .. phi_{M-1} (end points fixed):
 *     S = sum_i |d_i|_a |b(m_i)|_a - <d_i, b(m_i)>_a,   d_i = phi_{i+1} - phi_i,
 * m_i the segment midpoint, <u,v>_a = u^T a(m_i)^-1 v.  The interior nodes
 * move by gradient descent (central differences, which only touch the two
 * segments a node belongs to) with an adaptive step accepted only when S
 * decreases; after each step the nodes are redistributed at equal Euclidean
 * arclength.  Deterministic (no randomness). */
#include "../internal.h"

#include <math.h>
#include <string.h>

#define MA_MAXN 8

typedef struct {
    const sgl_sde_nd *s;
    size_t n;
} ma_ctx;

static double seg_action(const ma_ctx *c, const double *p, const double *q, int *bad)
{
    size_t n = c->n;
    double m[MA_MAXN] = {0}, d[MA_MAXN] = {0}, b[MA_MAXN] = {0}, ai[MA_MAXN * MA_MAXN] = {0};
    for (size_t j = 0; j < n; ++j) { m[j] = 0.5 * (p[j] + q[j]); d[j] = q[j] - p[j]; }
    c->s->drift(m, b, c->s->ctx);
    c->s->diff_inv(m, ai, c->s->ctx);
    double dd = 0.0, bb = 0.0, db = 0.0;
    for (size_t i = 0; i < n; ++i)
        for (size_t j = 0; j < n; ++j) {
            double a = ai[i * n + j];
            dd += d[i] * a * d[j]; bb += b[i] * a * b[j]; db += d[i] * a * b[j];
        }
    if (!(dd >= 0.0) || !(bb >= 0.0) || !isfinite(db)) { *bad = 1; return 0.0; }
    return sqrt(dd) * sqrt(bb) - db;
}

static double path_action(const ma_ctx *c, const double *P, size_t M, int *bad)
{
    double S = 0.0;
    for (size_t i = 0; i + 1 < M; ++i) S += seg_action(c, P + i * c->n, P + (i + 1) * c->n, bad);
    return S;
}

/* redistribute the nodes of P at equal arclength (piecewise-linear path), into Q */
static void reparam(size_t n, size_t M, const double *P, double *Q, double *cum)
{
    cum[0] = 0.0;
    for (size_t i = 1; i < M; ++i) {
        double s = 0.0;
        for (size_t j = 0; j < n; ++j) { double d = P[i * n + j] - P[(i - 1) * n + j]; s += d * d; }
        cum[i] = cum[i - 1] + sqrt(s);
    }
    double total = cum[M - 1];
    memcpy(Q, P, n * sizeof *Q);
    memcpy(Q + (M - 1) * n, P + (M - 1) * n, n * sizeof *Q);
    size_t seg = 0;
    for (size_t i = 1; i + 1 < M; ++i) {
        double target = total * (double)i / (double)(M - 1);
        while (seg + 2 < M && cum[seg + 1] < target) ++seg;
        double len = cum[seg + 1] - cum[seg], f = len > 0.0 ? (target - cum[seg]) / len : 0.0;
        for (size_t j = 0; j < n; ++j) Q[i * n + j] = P[seg * n + j] + f * (P[(seg + 1) * n + j] - P[seg * n + j]);
    }
}

sgl_status sgl_theory_min_action(const sgl_sde_nd *sde, const double *x_from, const double *x_to,
                                 size_t nodes, double tol, double *action, double *path, sgl_err *err)
{
    if (!sde || !sde->drift || !sde->diff_inv) return sgl_fail(err, SGL_EINVAL, "sde", "drift and inverse diffusion required");
    if (sde->n < 1 || sde->n > MA_MAXN) return sgl_fail(err, SGL_EINVAL, "n", "dimension %zu; allowed 1..%d", sde->n, MA_MAXN);
    if (nodes < 16 || nodes > 100000) return sgl_fail(err, SGL_EINVAL, "nodes", "path nodes %zu; allowed 16..100000", nodes);
    if (!(tol > 0.0)) return sgl_fail(err, SGL_EINVAL, "tol", "tolerance must be > 0");
    const size_t n = sde->n, M = nodes;
    ma_ctx c = {sde, n};
    double *P = sgl_malloc_array(M * n, sizeof *P), *Q = sgl_malloc_array(M * n, sizeof *Q),
           *R = sgl_malloc_array(M * n, sizeof *R), *G = sgl_malloc_array(M * n, sizeof *G),
           *cum = sgl_malloc_array(M, sizeof *cum);
    if (!P || !Q || !R || !G || !cum) {
        sgl_free(P); sgl_free(Q); sgl_free(R); sgl_free(G); sgl_free(cum);
        return sgl_fail(err, SGL_ENOMEM, "min_action", "out of memory");
    }
    double scale = 0.0;
    for (size_t j = 0; j < n; ++j) scale += (x_to[j] - x_from[j]) * (x_to[j] - x_from[j]);
    scale = sqrt(scale);
    if (!(scale > 0.0)) {
        sgl_free(P); sgl_free(Q); sgl_free(R); sgl_free(G); sgl_free(cum);
        return sgl_fail(err, SGL_EINVAL, "x_to", "the end points coincide");
    }
    for (size_t i = 0; i < M; ++i)
        for (size_t j = 0; j < n; ++j) {
            double f = (double)i / (double)(M - 1);
            P[i * n + j] = x_from[j] + f * (x_to[j] - x_from[j]);
            /* a small deterministic bend lets a symmetric problem leave a ridge line */
            if (n > 1 && j == 1 && i > 0 && i + 1 < M) P[i * n + j] += 1e-3 * scale * sin(M_PI * f);
        }
    int bad = 0;
    double S = path_action(&c, P, M, &bad), tau = 1e-2 * scale, Sref = S;
    const double hfd = 1e-6 * scale;
    for (size_t it = 0; n > 1 && it < 100000 && !bad; ++it) {
        for (size_t i = 1; i + 1 < M; ++i)
            for (size_t j = 0; j < n; ++j) {
                double *x = P + i * n + j, x0 = *x;
                *x = x0 + hfd;
                double sp = seg_action(&c, P + (i - 1) * n, P + i * n, &bad) + seg_action(&c, P + i * n, P + (i + 1) * n, &bad);
                *x = x0 - hfd;
                double sm = seg_action(&c, P + (i - 1) * n, P + i * n, &bad) + seg_action(&c, P + i * n, P + (i + 1) * n, &bad);
                *x = x0;
                G[i * n + j] = (sp - sm) / (2.0 * hfd);
            }
        int accepted = 0;
        for (int attempt = 0; attempt < 40 && !bad; ++attempt) {
            memcpy(Q, P, M * n * sizeof *Q);
            for (size_t k = n; k < (M - 1) * n; ++k) Q[k] -= tau * G[k];
            reparam(n, M, Q, R, cum);
            double Sn = path_action(&c, R, M, &bad);
            if (Sn <= S) {
                double *t = P; P = R; R = t;
                S = Sn;
                tau *= 1.25;
                accepted = 1;
                break;
            }
            tau *= 0.5;
        }
        if (!accepted) break;            /* no descent step left: converged to rounding */
        if (it % 200 == 199) {
            if (Sref - S <= tol * fabs(S)) break;
            Sref = S;
        }
    }
    if (path) memcpy(path, P, M * n * sizeof *P);
    *action = S;
    sgl_free(P); sgl_free(Q); sgl_free(R); sgl_free(G); sgl_free(cum);
    if (bad) return sgl_fail(err, SGL_EINVAL, "diffusion", "a(x)^-1 not positive definite or drift not finite along the path");
    return SGL_OK;
}
