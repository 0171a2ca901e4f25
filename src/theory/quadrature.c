/* Exact 1-D mean first-passage times by quadrature (THEORY 7.3) and the 1-D
 * quasi-potential.  Theory never calls the simulator (DESIGN.md).
 *
 * Exit to the left (absorbing at c < x0, reflecting at R > x0, R may be +inf):
 *     T(x0) = int_c^x0 dy e^{Phi(y)} I(y),   I(y) = int_y^R e^{-Phi(z)} / D(z) dz,
 * with Phi' = -b/D and Phi(x0) = 0.  Everything is carried in logs, so
 * e^{Phi} far beyond the double range is fine.  The nested integrals are
 * trapezoid rules on a uniform grid in x over [c, x0] and on a grid uniform
 * in u over [x0, R], x = x0 + w (e^u - 1) (geometric spacing reaches a far or
 * infinite reflecting side cheaply).  The discrete scheme's error is a smooth
 * expansion in h^2, so doubling the grid and Richardson-extrapolating gives
 * both a fourth-order value and an error estimate. */
#include "../internal.h"

#include <math.h>
#include <string.h>

typedef struct {
    const sgl_sde1d *s;
    int mirror;   /* work in y = -x */
} side1d;

static inline double drift(const side1d *q, double x)
{
    return q->mirror ? -q->s->drift(-x, q->s->ctx) : q->s->drift(x, q->s->ctx);
}
static inline double diffu(const side1d *q, double x)
{
    return q->mirror ? q->s->diff(-x, q->s->ctx) : q->s->diff(x, q->s->ctx);
}

static inline double lse(double a, double b)
{
    if (a == -INFINITY) return b;
    if (b == -INFINITY) return a;
    return a > b ? a + log1p(exp(b - a)) : b + log1p(exp(a - b));
}

/* log T at resolution N cells on [c, x0] and M on u in [0, U]; each array has
 * N+M+1 entries (node N is x0).  Returns 0, or -1 when D was not positive and
 * finite (or b not finite) somewhere. */
static int mfpt_level(const side1d *q, double x0, double c, double U, size_t N, size_t M, double *phi,
                      double *lD, double *lJ, double *dp, double *logT)
{
    const double w = x0 - c, h = w / (double)N, hu = U / (double)M;
    const size_t K = N + M + 1;
    for (size_t k = 0; k < K; ++k) {
        double x;
        if (k < N) { x = c + (double)k * h; lJ[k] = 0.0; }
        else { double u = (double)(k - N) * hu; x = k == N ? x0 : x0 + w * expm1(u); lJ[k] = log(w) + u; }
        double D = diffu(q, x), b = drift(q, x);
        if (!(D > 0.0 && D < INFINITY) || !isfinite(b)) return -1;
        lD[k] = log(D);
        dp[k] = -b / D;                       /* Phi' in x */
    }
    phi[N] = 0.0;
    for (size_t k = N; k-- > 0;) phi[k] = phi[k + 1] - 0.5 * h * (dp[k] + dp[k + 1]);
    for (size_t k = N + 1; k < K; ++k)
        phi[k] = phi[k - 1] + 0.5 * hu * (dp[k - 1] * exp(lJ[k - 1]) + dp[k] * exp(lJ[k]));
    /* dp now holds log I(x_k) = log int_{x_k}^R e^{-Phi}/D */
    const double lhu = log(0.5 * hu), lh = log(0.5 * h);
    dp[K - 1] = -INFINITY;
    for (size_t k = K - 1; k-- > N;)
        dp[k] = lse(dp[k + 1], lhu + lse(-phi[k] - lD[k] + lJ[k], -phi[k + 1] - lD[k + 1] + lJ[k + 1]));
    for (size_t k = N; k-- > 0;)
        dp[k] = lse(dp[k + 1], lh + lse(-phi[k] - lD[k], -phi[k + 1] - lD[k + 1]));
    double lT = -INFINITY;
    for (size_t k = 0; k < N; ++k) lT = lse(lT, lh + lse(phi[k] + dp[k], phi[k + 1] + dp[k + 1]));
    *logT = lT;
    return 0;
}

sgl_status sgl_theory_mfpt1d(const sgl_sde1d *sde, double x0, double c, double reflect, double tol,
                             double *T, double *log_T, double *rel_err, sgl_err *err)
{
    if (!sde || !sde->drift || !sde->diff) return sgl_fail(err, SGL_EINVAL, "sde", "drift and diffusion functions required");
    if (!isfinite(x0) || !isfinite(c) || x0 == c)
        return sgl_fail(err, SGL_EINVAL, "x0", "start %g and absorbing point %g must be finite and distinct", x0, c);
    if (isnan(reflect) || (c < x0 ? reflect < x0 : reflect > x0))
        return sgl_fail(err, SGL_EINVAL, "reflect", "the reflecting boundary %g must lie at or beyond the start %g, "
                        "on the side away from the absorbing point %g (or be infinite)", reflect, x0, c);
    if (!(tol >= 1e-13 && tol < 1.0)) return sgl_fail(err, SGL_EINVAL, "tol", "tolerance %g; allowed [1e-13, 1)", tol);
    side1d q = {sde, c > x0};
    if (q.mirror) { x0 = -x0; c = -c; reflect = -reflect; }
    const double w = x0 - c;
    double U;
    if (isfinite(reflect)) {
        U = log1p((reflect - x0) / w);
    } else {
        /* walk out in u until the inner integrand e^{-Phi} J / D has fallen by e^-50 */
        const double du = 0.01;
        double ph = 0.0, gmax = -INFINITY, u = 0.0, dprev = -drift(&q, x0) / diffu(&q, x0) * w;
        for (;;) {
            double e = exp(u), x = x0 + w * (e - 1.0), D = diffu(&q, x);
            if (!(D > 0.0 && D < INFINITY)) return sgl_fail(err, SGL_EINVAL, "diffusion", "D(%g) = %g; must be positive and finite", q.mirror ? -x : x, D);
            double d = -drift(&q, x) / D * w * e;
            if (u > 0.0) ph += 0.5 * du * (dprev + d);
            dprev = d;
            double g = -ph - log(D) + log(w * e);
            if (g > gmax) gmax = g;
            if (u > 1.0 && g < gmax - 50.0) break;
            u += du;
            if (u > 60.0)
                return sgl_fail(err, SGL_EINVAL, "reflect", "no reflecting boundary and the stationary density is not "
                                "integrable towards %s (the drift does not confine): give a finite reflecting boundary",
                                q.mirror ? "-inf" : "+inf");
        }
        U = u;
    }
    double lt[16], r[16], R[16];
    size_t N = 256, M = 256;
    double *phi = NULL, *lD = NULL, *lJ = NULL, *dp = NULL;
    double est = INFINITY, best = NAN;
    int lvl = 0;
    if (U == 0.0) M = 0;                   /* start on the reflecting boundary */
    for (; lvl < 14; ++lvl, N *= 2, M *= 2) {
        sgl_free(phi); sgl_free(lD); sgl_free(lJ); sgl_free(dp);
        phi = sgl_malloc_array(N + M + 1, sizeof *phi);
        lD = sgl_malloc_array(N + M + 1, sizeof *lD);
        lJ = sgl_malloc_array(N + M + 1, sizeof *lJ);
        dp = sgl_malloc_array(N + M + 1, sizeof *dp);
        if (!phi || !lD || !lJ || !dp) {
            sgl_free(phi); sgl_free(lD); sgl_free(lJ); sgl_free(dp);
            return sgl_fail(err, SGL_ENOMEM, "mfpt", "out of memory");
        }
        if (mfpt_level(&q, x0, c, U, N, M, phi, lD, lJ, dp, &lt[lvl]) != 0) {
            sgl_free(phi); sgl_free(lD); sgl_free(lJ); sgl_free(dp);
            return sgl_fail(err, SGL_EINVAL, "diffusion", "D(x) not positive and finite (or drift not finite) between %g and %g",
                            q.mirror ? -x0 : c, q.mirror ? -c : x0);
        }
        r[lvl] = exp(lt[lvl] - lt[0]);
        if (lvl >= 1) R[lvl] = (4.0 * r[lvl] - r[lvl - 1]) / 3.0;
        if (lvl >= 2) {
            est = fabs(R[lvl] - R[lvl - 1]) / fabs(R[lvl]);
            best = R[lvl];
            if (est < tol) break;
        }
    }
    sgl_free(phi); sgl_free(lD); sgl_free(lJ); sgl_free(dp);
    if (lvl == 14) --lvl;
    double lT = lt[0] + log(best);
    *log_T = lT;
    *T = exp(lT);
    if (rel_err) *rel_err = est;
    if (!(est < tol))
        return sgl_fail(err, SGL_EINVAL, "tol", "quadrature did not reach the tolerance %g (estimate %g)", tol, est);
    return SGL_OK;
}

/* adaptive Simpson of f = -b/D */
static double qp_f(const sgl_sde1d *s, double x, int *bad)
{
    double D = s->diff(x, s->ctx);
    if (!(D > 0.0 && D < INFINITY)) { *bad = 1; return 0.0; }
    return -s->drift(x, s->ctx) / D;
}
static double simpson_rec(const sgl_sde1d *s, double a, double b, double fa, double fm, double fb, double whole,
                          double tol, int depth, int *bad)
{
    double m = 0.5 * (a + b), lm = 0.5 * (a + m), rm = 0.5 * (m + b);
    double flm = qp_f(s, lm, bad), frm = qp_f(s, rm, bad);
    double left = (m - a) / 6.0 * (fa + 4.0 * flm + fm), right = (b - m) / 6.0 * (fm + 4.0 * frm + fb);
    double diff = left + right - whole;
    if (depth <= 0 || fabs(diff) <= 15.0 * tol) return left + right + diff / 15.0;
    if (depth == 1) *bad |= 2;
    return simpson_rec(s, a, m, fa, flm, fm, left, 0.5 * tol, depth - 1, bad) +
           simpson_rec(s, m, b, fm, frm, fb, right, 0.5 * tol, depth - 1, bad);
}

sgl_status sgl_theory_qp1d(const sgl_sde1d *sde, double x_from, double x_to, double tol, double *out,
                           sgl_err *err)
{
    if (!sde || !sde->drift || !sde->diff) return sgl_fail(err, SGL_EINVAL, "sde", "drift and diffusion functions required");
    if (!isfinite(x_from) || !isfinite(x_to)) return sgl_fail(err, SGL_EINVAL, "x", "end points must be finite");
    if (!(tol > 0.0)) return sgl_fail(err, SGL_EINVAL, "tol", "tolerance must be > 0");
    int bad = 0;
    /* a first pass on 64 panels fixes the absolute scale of the tolerance */
    double sum = 0.0, h = (x_to - x_from) / 64.0;
    double fa = qp_f(sde, x_from, &bad);
    for (int i = 0; i < 64; ++i) {
        double a = x_from + i * h, b = (i == 63) ? x_to : a + h, m = 0.5 * (a + b);
        double fm = qp_f(sde, m, &bad), fb = qp_f(sde, b, &bad);
        sum += (b - a) / 6.0 * (fa + 4.0 * fm + fb);
        fa = fb;
    }
    double atol = tol * (fabs(sum) > 0 ? fabs(sum) : 1.0) / 64.0, acc = 0.0;
    fa = qp_f(sde, x_from, &bad);
    for (int i = 0; i < 64; ++i) {
        double a = x_from + i * h, b = (i == 63) ? x_to : a + h, m = 0.5 * (a + b);
        double fm = qp_f(sde, m, &bad), fb = qp_f(sde, b, &bad);
        acc += simpson_rec(sde, a, b, fa, fm, fb, (b - a) / 6.0 * (fa + 4.0 * fm + fb), atol, 40, &bad);
        fa = fb;
    }
    if (bad & 1) return sgl_fail(err, SGL_EINVAL, "diffusion", "D(x) not positive and finite between %g and %g", x_from, x_to);
    *out = acc;
    return SGL_OK;
}
