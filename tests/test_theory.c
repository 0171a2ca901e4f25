/* Theory (src/theory/): exact 1-D MFPT quadrature against closed forms and the
 * THEORY.md K1 and M2 tables, Kramers asymptotics, Mori's formulas (M4),
 * Eyring-Kramers, the OU moments (Z1) and the minimum action method against
 * closed-form quasi-potentials.  Deterministic: no randomness. */
#include "sgdlab.h"
#include "testutil.h"

#include <math.h>
#include <string.h>

/* ---- 1-D SDEs */
typedef struct { double a, L0, D, kappa_eta, mu; int kind; } p1;
enum { DW_GLD, DW_MORI, M2_IDEAL, M2_DATA, M2_GLD, CONST_DRIFT };
static double b1(double x, const void *c)
{
    const p1 *p = c;
    switch (p->kind) {
    case DW_GLD: case DW_MORI: return -4.0 * p->a * x * (x * x - 1.0);
    case M2_IDEAL: case M2_DATA: case M2_GLD: return -x;
    default: return p->mu;
    }
}
static double d1(double x, const void *c)
{
    const p1 *p = c;
    switch (p->kind) {
    case DW_MORI: { double u = x * x - 1.0; return p->kappa_eta * (p->L0 + p->a * u * u); }  /* (eta/B) h* L */
    case M2_IDEAL: return 0.1 * (0.5 * x * x + 0.5);            /* (eta/B) h L, L = (x^2+1)/2 */
    case M2_DATA: return 0.1 * (2.0 * x * x + 1.0) / 2.0;        /* eta (2x^2+1) / (2B) */
    default: return p->D;
    }
}

static double mfpt(p1 *p, double x0, double c, double refl)
{
    sgl_sde1d s = {b1, d1, p};
    double T, lT, e;
    sgl_err err;
    sgl_status st = sgl_theory_mfpt1d(&s, x0, c, refl, 1e-10, &T, &lT, &e, &err);
    if (st != SGL_OK) printf("mfpt error: %s: %s\n", err.field, err.msg);
    return T;
}

static void test_closed_forms(void)
{
    /* free diffusion, reflect at R = 3, absorb at 0, start 1: ((R-c)^2 - (R-x0)^2)/(2D) */
    p1 p = {.kind = CONST_DRIFT, .mu = 0.0, .D = 0.7};
    check_rel(mfpt(&p, 1.0, 0.0, 3.0), (9.0 - 4.0) / 1.4, 1e-9, "quadrature: free diffusion with reflection");
    /* constant drift mu against the exit, a = mu/D:
     * T = [e^{a(R-x0)} (e^{a(x0-c)} - 1)/a - (x0-c)] / (a D) */
    p.mu = 0.8; p.D = 0.3;
    double a = p.mu / p.D, R = 2.0, x0 = 0.5, c = -1.0;
    double T = (exp(a * (R - x0)) * expm1(a * (x0 - c)) / a - (x0 - c)) / (a * p.D);
    check_rel(mfpt(&p, x0, c, R), T, 1e-9, "quadrature: constant drift, closed form");
    /* the mirror image: exit to the right with the drift reversed */
    p.mu = -0.8;
    check_rel(mfpt(&p, -x0, -c, -R), T, 1e-9, "quadrature: mirrored exit to the right");
    /* start on the reflecting boundary: free diffusion from 0, reflect 0, absorb 1: 1/(2D) */
    p.mu = 0.0; p.D = 0.25;
    check_rel(mfpt(&p, 0.0, 1.0, 0.0), 2.0, 1e-9, "quadrature: start at the reflecting boundary");
    /* bad input */
    sgl_sde1d s = {b1, d1, &p};
    double Tq, lT, e;
    sgl_err err;
    check_true(sgl_theory_mfpt1d(&s, 1.0, 1.0, INFINITY, 1e-8, &Tq, &lT, &e, &err) == SGL_EINVAL,
               "quadrature: start == absorbing point rejected");
    check_true(sgl_theory_mfpt1d(&s, 1.0, 0.0, 0.5, 1e-8, &Tq, &lT, &e, &err) == SGL_EINVAL,
               "quadrature: reflecting boundary on the wrong side rejected");
    p.mu = 0.0;   /* free diffusion does not confine towards +inf */
    check_true(sgl_theory_mfpt1d(&s, 1.0, 0.0, INFINITY, 1e-8, &Tq, &lT, &e, &err) == SGL_EINVAL &&
               strcmp(err.field, "reflect") == 0, "quadrature: no confinement rejected (%s)", err.msg);
}

/* THEORY 9.2 K1: V = (x^2-1)^2, GLD, from +1 to -1 and to the saddle 0 */
static void test_k1(void)
{
    const double D[] = {0.25, 0.2, 0.125, 0.1};
    const double exact[] = {69.264, 182.42, 3500, 25527}, tol[] = {0.0005, 0.005, 0.5, 0.5};
    const double saddle[] = {33.946, 90.476, 1749.2, 12763}, stol[] = {0.0005, 0.0005, 0.05, 0.5};
    const double ratio[] = {1.142, 1.107, 1.057, 1.043};
    for (int i = 0; i < 4; ++i) {
        p1 p = {.kind = DW_GLD, .a = 1.0, .D = D[i]};
        double T = mfpt(&p, 1.0, -1.0, INFINITY);
        check_abs(T, exact[i], tol[i], "K1 exact MFPT, D = %g", D[i]);
        check_abs(mfpt(&p, 1.0, 0.0, INFINITY), saddle[i], stol[i], "K1 MFPT to the saddle, D = %g", D[i]);
        double kr = 2.0 * M_PI / sqrt(32.0) * exp(1.0 / D[i]);   /* THEORY K1 column, closed form */
        check_abs(T / kr, ratio[i], 0.0005, "K1 exact/Kramers, D = %g", D[i]);
        check_rel(1.0 / sgl_theory_kramers1d(8.0, -4.0, 1.0, D[i]), kr, 1e-13, "K1 Kramers 2 pi/sqrt 32 e^{1/D}, D = %g", D[i]);
    }
    /* Kramers asymptotics: exact/Kramers -> 1 as D -> 0, the excess shrinking ~ D */
    double prev = INFINITY;
    int mono = 1;
    const double Ds[] = {0.1, 0.05, 0.025, 0.0125};
    double last = 0;
    for (int i = 0; i < 4; ++i) {
        p1 p = {.kind = DW_GLD, .a = 1.0, .D = Ds[i]};
        double r = mfpt(&p, 1.0, -1.0, INFINITY) * sgl_theory_kramers1d(8.0, -4.0, 1.0, Ds[i]) - 1.0;
        if (!(r < prev && r > 0)) mono = 0;
        prev = r; last = r;
        printf("     exact/Kramers - 1 at D = %g: %.6g\n", Ds[i], r);
    }
    check_true(mono, "Kramers ratio decreases to 1 as D -> 0");
    check_le(last, 0.006, "exact/Kramers - 1 at D = 0.0125");
}

/* THEORY 9.2 M2: first passage to L >= c L*, linear regression, B = 1,
 * eta = 0.1, from theta* = 0 (symmetric: reflecting at 0, absorbing at
 * sqrt(c-1)).  Each value within half a unit of its last printed digit. */
static void test_m2(void)
{
    const double c[] = {1.2, 1.5, 2, 3, 5, 10};
    const double ideal[] = {4.076, 35.63, 574.1, 3.398e4, 6.524e6, 8.839e9};
    const double iu[] = {1e-3, 1e-2, 0.1, 10, 1e3, 1e6};
    const double data[] = {3.755, 24.32, 192.4, 2830, 6.70e4, 3.92e6};
    const double du[] = {1e-3, 1e-2, 0.1, 1, 100, 1e4};
    const double gld[] = {4.502, 66.23, 6546, 9.88e7, 3.34e16, 1.15e38};
    const double gu[] = {1e-3, 1e-2, 1, 1e5, 1e14, 1e36};
    for (int i = 0; i < 6; ++i) {
        double th = sqrt(c[i] - 1.0);
        p1 pi = {.kind = M2_IDEAL}, pd = {.kind = M2_DATA}, pg = {.kind = M2_GLD, .D = 0.05};
        check_abs(mfpt(&pi, 0.0, th, 0.0), ideal[i], 0.5 * iu[i], "M2 idealized Mori noise D = (eta/B)hL, c = %g", c[i]);
        check_abs(mfpt(&pd, 0.0, th, 0.0), data[i], 0.5 * du[i], "M2 Gaussian-data noise, c = %g", c[i]);
        check_abs(mfpt(&pg, 0.0, th, 0.0), gld[i], 0.5 * gu[i], "M2 frozen-noise GLD D = 0.05, c = %g", c[i]);
    }
}

/* Mori's formulas (THEORY 5.4, M3, M4) */
static void test_mori(void)
{
    sgl_mori_pred m, m1;
    sgl_err err;
    /* M4: a = 1, L0 = 0.2, B/eta = 40, h* = 8a: kappa = (4a/2pi) sqrt 2 (L^s/L*)^-(5 + 1 - n/2) */
    for (unsigned n = 1; n <= 7; ++n) {
        check_true(sgl_theory_mori(n, 8.0, -4.0, 2.0, 0.2, 1.2, 40.0, &m, &err) == SGL_OK, "Mori n = %u: ok", n);
        double k = 4.0 / (2.0 * M_PI) * sqrt(2.0) * pow(6.0, -(5.0 + 1.0 - 0.5 * n));
        check_rel(m.rate, k, 1e-13, "M4 Eq. 17 rate, n = %u", n);
        check_abs(m.n_c, 12.0, 1e-13, "M4 n_c = 2(B/(eta h*) + 1) = 12");
    }
    sgl_theory_mori(1, 8.0, -4.0, 0.0, 0.2, 1.2, 40.0, &m1, &err);
    check_rel(m1.rate, sqrt(32.0) / (2.0 * M_PI) * pow(6.0, -5.5), 1e-13, "Eq. 16 at n = 1 (exponent 1/2 + k0)");
    check_abs(m1.validity, 5.0 * log(6.0), 1e-13, "validity Delta U / T = k0 log(L^s/L*)");
    check_abs(m1.phi, 6.0, 1e-15, "phi = 1 + B/(eta h*)");
    /* each extra outlier direction multiplies the rate by (L^s/L*)^{1/2} */
    sgl_theory_mori(3, 8.0, -4.0, 2.0, 0.2, 1.2, 40.0, &m, &err);
    sgl_theory_mori(4, 8.0, -4.0, 2.0, 0.2, 1.2, 40.0, &m1, &err);
    check_rel(m1.rate / m.rate, sqrt(6.0), 1e-13, "M4: factor sqrt(L^s/L*) per dimension");
    check_true(sgl_theory_mori(1, 8.0, 4.0, 0, 0.2, 1.2, 40, &m, &err) == SGL_EINVAL, "Mori: h^s > 0 rejected");
    check_true(sgl_theory_mori(1, 8.0, -4.0, 0, 0.2, 0.1, 40, &m, &err) == SGL_EINVAL, "Mori: L^s < L* rejected");
    /* Arrhenius with frozen noise D = eta h* L* / B */
    check_rel(sgl_theory_arrhenius_frozen(8.0, -4.0, 1.0, 0.5, 1.0 / 40.0),
              sqrt(32.0) / (2.0 * M_PI) * exp(-1.0 / 0.1), 1e-13, "Arrhenius frozen noise, D = 0.1");
    /* M3: the exact MFPT of Mori's 1-D SDE approaches Eq. 16 as Delta U / T grows
     * (L0 = 0.5, a = 1, B/eta = 40 .. 640) */
    double prev = INFINITY;
    int mono = 1;
    double r = 0;
    for (double Be = 40; Be <= 640; Be *= 2) {
        p1 p = {.kind = DW_MORI, .a = 1.0, .L0 = 0.5, .kappa_eta = 8.0 / Be};
        double T = mfpt(&p, 1.0, -1.0, INFINITY);
        sgl_theory_mori(1, 8.0, -4.0, 0, 0.5, 1.5, Be, &m, &err);
        r = fabs(T * m.rate - 1.0);
        printf("     M3 L0 = 0.5, B/eta = %g: exact MFPT %.6g, 1/kappa_Mori %.6g, |ratio - 1| = %.4g\n", Be, T, 1 / m.rate, r);
        if (!(r < prev)) mono = 0;
        prev = r;
    }
    check_true(mono, "M3: exact MFPT x Mori rate -> 1 as B/eta grows");
    check_le(r, 0.03, "M3: |exact x kappa_Mori - 1| at B/eta = 640");
}

static void test_eyring_kramers(void)
{
    double Hm[] = {8, 0, 0, 3}, Hs[] = {-4, 0, 0, 5}, mt, rate;
    sgl_err err;
    check_true(sgl_theory_eyring_kramers(2, Hm, Hs, 1.0, 0.1, &mt, &rate, &err) == SGL_OK, "EK: ok");
    check_rel(mt, 2 * M_PI / 4.0 * sqrt(20.0 / 24.0) * exp(10.0), 1e-13, "EK separable 2-D");
    /* rotating both Hessians leaves the prediction unchanged */
    double c = cos(0.3), s = sin(0.3);
    double Rm[4] = {c * c * 8 + s * s * 3, c * s * (8 - 3), c * s * (8 - 3), s * s * 8 + c * c * 3};
    double Rs[4] = {c * c * -4 + s * s * 5, c * s * (-4 - 5), c * s * (-4 - 5), s * s * -4 + c * c * 5};
    double mt2;
    sgl_theory_eyring_kramers(2, Rm, Rs, 1.0, 0.1, &mt2, &rate, &err);
    check_rel(mt2, mt, 1e-12, "EK rotation invariant");
    double one_m = 8, one_s = -4;
    sgl_theory_eyring_kramers(1, &one_m, &one_s, 1.0, 0.25, &mt, &rate, &err);
    check_rel(rate, sqrt(32.0) / (2.0 * M_PI) * exp(-4.0), 1e-13, "EK n = 1: 1-D Kramers sqrt(32)/(2 pi) e^{-1/D}");
    /* n = 3, transverse curvatures differing between minimum and saddle */
    double H3m[9] = {8, 0, 0, 0, 3, 0, 0, 0, 0.5}, H3s[9] = {2, 0, 0, 0, -4, 0, 0, 0, 7};
    check_true(sgl_theory_eyring_kramers(3, H3m, H3s, 0.7, 0.2, &mt, &rate, &err) == SGL_OK, "EK n = 3: ok");
    check_rel(mt, 2 * M_PI / 4.0 * sqrt(2.0 * 4.0 * 7.0 / (8.0 * 3.0 * 0.5)) * exp(0.7 / 0.2), 1e-13,
              "EK n = 3: (2 pi/|lambda_1|) sqrt(|det H_s|/det H_m) e^{dV/eps}");
    double bad[] = {8, 0, 0, -3};
    check_true(sgl_theory_eyring_kramers(2, bad, Hs, 1, 0.1, &mt, &rate, &err) == SGL_EINVAL, "EK: indefinite minimum rejected");
    check_true(sgl_theory_eyring_kramers(2, Hm, Hm, 1, 0.1, &mt, &rate, &err) == SGL_EINVAL, "EK: saddle without a negative direction rejected");
}

/* Z1: OU loss moments against the diagonal closed form, rotated */
static void test_ou(void)
{
    const double h[3] = {10, 1, 0.1}, sd[3] = {2.0, 0.5, 0.3};
    const double t = 0.37;
    double em = 0, ev = 0;
    for (int i = 0; i < 3; ++i) {
        double Cii = sd[i] * -expm1(-2 * h[i] * t) / (2 * h[i]);
        em += 0.25 * sd[i] * -expm1(-2 * h[i] * t);
        ev += 0.5 * h[i] * h[i] * Cii * Cii;
    }
    /* Q: a rotation about (1,1,1)/sqrt3 by 0.7 (Rodrigues) */
    double k[3] = {1 / sqrt(3.0), 1 / sqrt(3.0), 1 / sqrt(3.0)}, a = 0.7, Q[9];
    for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 3; ++j) {
            double K = 0;
            if (i != j) { int l = 3 - i - j; K = ((i + 1) % 3 == j ? -1 : 1) * k[l]; }
            Q[i * 3 + j] = (i == j ? cos(a) : 0) + sin(a) * K + (1 - cos(a)) * k[i] * k[j];
        }
    double H[9], S[9], m, v, C[9];
    for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 3; ++j) {
            H[i * 3 + j] = S[i * 3 + j] = 0;
            for (int l = 0; l < 3; ++l) { H[i * 3 + j] += Q[i * 3 + l] * h[l] * Q[j * 3 + l]; S[i * 3 + j] += Q[i * 3 + l] * sd[l] * Q[j * 3 + l]; }
        }
    sgl_err err;
    check_true(sgl_theory_ou_loss(3, H, S, t, &m, &v, C, &err) == SGL_OK, "OU: ok");
    check_rel(m, em, 1e-12, "OU mean loss 1/4 Tr[(I - e^{-2Ht}) S], rotated");
    check_rel(v, ev, 1e-12, "OU loss variance 1/2 Tr(HCHC), rotated");
    /* Zhu's indicator: at short times E L ~ (t/2) Tr(H S); S ~ H beats isotropic of equal trace */
    double Hd[9] = {10, 0, 0, 0, 1, 0, 0, 0, 0.1}, Sa[9] = {0}, Si[9] = {0}, ma, mi;
    double tr = 11.1;
    for (int i = 0; i < 3; ++i) { Sa[i * 4] = Hd[i * 4]; Si[i * 4] = tr / 3.0; }
    sgl_theory_ou_loss(3, Hd, Sa, 1e-5, &ma, NULL, NULL, &err);
    sgl_theory_ou_loss(3, Hd, Si, 1e-5, &mi, NULL, NULL, &err);
    check_rel(ma, 0.5e-5 * (100 + 1 + 0.01), 1e-4, "OU short time: (t/2) Tr(HS), S = H");
    /* ratio -> Tr(HS) / (Tr H Tr S / D) = 101.01 / (11.1^2/3) */
    check_rel(ma / mi, 101.01 / (11.1 * 11.1 / 3.0), 1e-3, "Z1: S ~ H vs isotropic of equal Tr S: ratio Tr(HS) / (Tr H Tr S / D)");
    double badH[9] = {-1, 0, 0, 0, 1, 0, 0, 0, 1};
    check_true(sgl_theory_ou_loss(3, badH, Si, 1, &m, NULL, NULL, &err) == SGL_EINVAL, "OU: indefinite H rejected");
}

/* minimum action */
typedef struct { int kind; double L0; } pn;
static double mori2_L(const double *x, const pn *p) { double u = x[0] * x[0] - 1; return p->L0 + u * u + 4 * x[1] * x[1]; }
static void bn(const double *x, double *b, const void *c)
{
    const pn *p = c;
    if (p->kind == 0) {   /* V = (x^2-1)^2 + 2 (y - x^2/2)^2 */
        double r = x[1] - 0.5 * x[0] * x[0];
        b[0] = -(4 * x[0] * (x[0] * x[0] - 1) - 4 * r * x[0]);
        b[1] = -(4 * r);
    } else if (p->kind == 1) {   /* Mori 2-D: L0 + (x^2-1)^2 + (h* / 2) y^2, h* = 8 */
        b[0] = -4 * x[0] * (x[0] * x[0] - 1);
        b[1] = -8 * x[1];
    } else {   /* 1-D Mori double well */
        b[0] = -4 * x[0] * (x[0] * x[0] - 1);
    }
}
static void an(const double *x, double *ai, const void *c)
{
    const pn *p = c;
    if (p->kind == 0) { ai[0] = ai[3] = 1; ai[1] = ai[2] = 0; }
    else if (p->kind == 1) { double L = mori2_L(x, p); ai[0] = ai[3] = 1 / (16 * L); ai[1] = ai[2] = 0; }
    else { double u = x[0] * x[0] - 1; ai[0] = 1 / (16 * (p->L0 + u * u)); }
}
static double mori1_b(double x, const void *c) { (void)c; return -4 * x * (x * x - 1); }
static double mori1_D(double x, const void *c) { const pn *p = c; double u = x * x - 1; return 8 * (p->L0 + u * u); }

static void test_min_action(void)
{
    sgl_err err;
    double S;
    /* gradient system, curved MEP through the saddle (0,0): V = 2 Delta V = 2 */
    pn g = {0, 0};
    sgl_sde_nd s = {2, bn, an, &g};
    double xa[2] = {1, 0.5}, xs[2] = {0, 0};
    check_true(sgl_theory_min_action(&s, xa, xs, 64, 1e-9, &S, NULL, &err) == SGL_OK, "MAM gradient: ok");
    check_rel(S, 2.0, 2e-3, "MAM gradient system, curved path: 2 Delta V");
    /* Mori 2-D (a-gradient): V = (1/h*) log(L^s/L*) */
    pn m = {1, 0.2};
    sgl_sde_nd s2 = {2, bn, an, &m};
    double xm[2] = {1, 0};
    check_true(sgl_theory_min_action(&s2, xm, xs, 64, 1e-9, &S, NULL, &err) == SGL_OK, "MAM Mori 2-D: ok");
    check_rel(S, log(1.2 / 0.2) / 8.0, 2e-3, "MAM Mori 2-D: (1/h*) log(L^s/L*)");
    /* 1-D: the action of the straight path vs the closed form int -b/D with a = 2D
     * (here D = h* L and eps = 1) and vs sgl_theory_qp1d */
    pn m1 = {2, 0.2};
    sgl_sde_nd s1 = {1, bn, an, &m1};
    double x1 = 1, x0 = 0;
    sgl_theory_min_action(&s1, &x1, &x0, 400, 1e-9, &S, NULL, &err);
    double closed = log(1.2 / 0.2) / 8.0, q;
    check_rel(S, closed, 1e-4, "MAM 1-D = closed form (1/h*) log(L^s/L*)");
    sgl_sde1d d = {mori1_b, mori1_D, &m1};
    check_true(sgl_theory_qp1d(&d, 1.0, 0.0, 1e-12, &q, &err) == SGL_OK, "qp1d: ok");
    check_rel(q, closed, 1e-10, "qp1d: int V'/D = (1/h*) log(L^s/L*)");
}

static double pred(const sgl_theory_problem *p, const char *name)
{
    sgl_prediction pr[32];
    size_t n = 0;
    sgl_err err;
    if (sgl_theory_predict(p, pr, 32, &n, &err) != SGL_OK) { printf("predict: %s: %s\n", err.field, err.msg); return NAN; }
    for (size_t i = 0; i < n; ++i) if (strcmp(pr[i].name, name) == 0) return pr[i].value;
    return NAN;
}

/* is a row of that name among the predictions (a NaN-valued note row counts) */
static int has(const sgl_theory_problem *p, const char *name)
{
    sgl_prediction pr[32];
    size_t n = 0;
    sgl_err err;
    if (sgl_theory_predict(p, pr, 32, &n, &err) != SGL_OK) return 0;
    for (size_t i = 0; i < n; ++i) if (strcmp(pr[i].name, name) == 0) return 1;
    return 0;
}

static void test_predict(void)
{
    sgl_theory_problem p;
    memset(&p, 0, sizeof p);
    p.landscape = SGL_TL_DOUBLEWELL; p.L0 = 0.5; p.a = 1; p.n = 1; p.noise = SGL_TN_ISOTROPIC; p.D = 0.125;
    p.eta = 0.01; p.event = SGL_TE_HYPERPLANE; p.x_exit = -1;
    check_abs(pred(&p, "exact_mfpt"), 3500, 0.5, "predict: K1 D = 0.125 exact MFPT");
    check_abs(pred(&p, "exact_mfpt_steps"), 3500 / 0.01, 50, "predict: the same in steps (t / eta)");
    check_abs(pred(&p, "exact_mfpt_saddle"), 1749.2, 0.05, "predict: K1 MFPT to the saddle");
    check_rel(pred(&p, "kramers_mfpt"), 3311, 1e-3, "predict: Kramers 2 pi/sqrt 32 e^{1/D}");
    check_rel(pred(&p, "quasi_potential"), 8.0, 1e-9, "predict: quasi-potential Delta L / D");
    /* sharpness: theta -> sqrt(k) theta rescales time by 1/k for constant D */
    p.k = 2; p.x_exit = -1 / sqrt(2.0);
    check_rel(pred(&p, "exact_mfpt"), pred(&(sgl_theory_problem){.landscape = SGL_TL_DOUBLEWELL, .L0 = 0.5, .a = 1, .n = 1,
              .noise = SGL_TN_ISOTROPIC, .D = 0.125, .eta = NAN, .x_exit = -1}, "exact_mfpt") / 2, 1e-7,
              "predict: isotropic noise, sharpness k = 2 halves the MFPT");
    /* SGD-type noise D = eta h* k / (2B): B/eta = 32, k = 2 -> D = 0.25 = K1's first row, time / 2 */
    p.noise = SGL_TN_XIE; p.B_over_eta = 32;
    check_abs(pred(&p, "exact_mfpt") * 2, 69.264, 0.001, "predict: Xie-type noise, k = 2 maps onto K1 D = 0.25");
    /* Mori noise */
    p.k = 0; p.x_exit = -1; p.noise = SGL_TN_MORI; p.B_over_eta = 40; p.L0 = 0.2;
    /* closed forms (THEORY 5.4 Eq. 16, M3): kappa = (1/2 pi) sqrt(h* |h^s|) (L^s/L*)^-(1/2 + B/(eta h*)),
     * h* = 8, h^s = -4, L^s/L* = 1.2/0.2 = 6, B/(eta h*) = 5 */
    check_rel(pred(&p, "mori_mfpt"), 2 * M_PI / sqrt(32.0) * pow(6.0, 5.5), 1e-13, "predict: Mori Eq. 16");
    check_rel(pred(&p, "validity_dU_over_T"), 5 * log(6.0), 1e-13, "predict: validity");
    check_rel(pred(&p, "phi"), 6.0, 1e-15, "predict: phi = 1 + B/(eta h*)");
    /* frozen noise D = eta h* L* / B = 8 * 0.2 / 40 = 0.04: 2 pi/sqrt(32) e^{Delta L / D} */
    check_rel(pred(&p, "arrhenius_frozen_mfpt"), 2 * M_PI / sqrt(32.0) * exp(1.0 / 0.04), 1e-13, "predict: frozen Arrhenius");
    check_rel(pred(&p, "quasi_potential"), 40.0 / 8.0 * log(6.0), 1e-9, "predict: Mori quasi-potential (B/eta)(1/h*) log(L^s/L*)");
    /* Xie's frozen noise D = h* / (2 B/eta) (THEORY 7.5, [recalled, unverified] there: this pins the code to the
     * formula as written): B/eta = 40, h* = 8, |h^s| = 4, Delta L = 1, D = 0.1;
     * tau(s) = 2 pi/|h^s| exp[2 (B/eta) Delta L (s/h* + (1-s)/|h^s|)] */
    p.noise = SGL_TN_XIE; p.L0 = 0.5;
    check_rel(pred(&p, "kramers_mfpt"), 2 * M_PI / sqrt(32.0) * exp(10.0), 1e-13, "predict: Xie frozen noise, Kramers at D = 0.1");
    check_rel(pred(&p, "xie_mfpt_s1"), 2 * M_PI / 4.0 * exp(10.0), 1e-13, "predict: Xie band, s = 1: exponent 2 (B/eta) dL / h*");
    check_rel(pred(&p, "xie_mfpt_s0"), 2 * M_PI / 4.0 * exp(20.0), 1e-13, "predict: Xie band, s = 0: exponent 2 (B/eta) dL / |h^s|");
    check_abs(pred(&p, "exact_mfpt"), 25527, 0.5, "predict: Xie frozen noise D = 0.1 is K1's last row");
    p.noise = SGL_TN_MORI; p.L0 = 0.2;
    /* n-D Eyring-Kramers on Mori's well with isotropic noise, n = 3, a = 1.5, k = 2: H* = 24 I,
     * H^s = diag(-12, 24, 24), Delta L = a = 1.5, D = 0.3 */
    sgl_theory_problem e;
    memset(&e, 0, sizeof e);
    e.landscape = SGL_TL_MORI_ND; e.L0 = 0.2; e.a = 1.5; e.k = 2; e.n = 3; e.noise = SGL_TN_ISOTROPIC; e.D = 0.3;
    e.eta = NAN; e.event = SGL_TE_HYPERPLANE; e.x_exit = -1 / sqrt(2.0);
    check_rel(pred(&e, "kramers_mfpt"), 2 * M_PI / 12.0 * sqrt(12.0 * 24 * 24 / (24.0 * 24 * 24)) * exp(1.5 / 0.3), 1e-13,
              "predict: Eyring-Kramers n = 3 on the Mori well");
    /* quadratic, M2 columns */
    sgl_theory_problem q;
    memset(&q, 0, sizeof q);
    q.landscape = SGL_TL_QUADRATIC; q.L0 = 0.5; q.h = 1; q.n = 1; q.noise = SGL_TN_DATA; q.B_over_eta = 10; q.eta = 0.1;
    q.event = SGL_TE_LOSS_RATIO; q.c = 2;
    check_abs(pred(&q, "exact_mfpt"), 192.4, 0.05, "predict: M2 Gaussian-data noise c = 2");
    check_abs(pred(&q, "phi_core_true_sgd"), 12, 1e-12, "predict: phi_core 2 + B/eta");
    q.noise = SGL_TN_MORI;
    check_abs(pred(&q, "exact_mfpt"), 574.1, 0.05, "predict: M2 idealized c = 2");
    check_abs(pred(&q, "mori_slope"), 10.5, 1e-12, "predict: M2 slope 11 - d/2");
    check_abs(pred(&q, "phi"), 11, 1e-12, "predict: phi = 1 + B/(eta h)");
    /* Styblinski-Tang (THEORY 7.5 table): barrier 78.7236 from the global minimum,
     * g'' = 69.166 there and -31.705 at the saddle */
    sgl_theory_problem st;
    memset(&st, 0, sizeof st);
    st.landscape = SGL_TL_STYBLINSKI; st.L0 = 0; st.a = 1; st.n = 1; st.noise = SGL_TN_ISOTROPIC; st.D = 5; st.eta = NAN;
    sgl_theory_geometry geo;
    check_true(sgl_theory_well_geometry(&st, &geo, NULL) == SGL_OK, "ST geometry: ok");
    check_abs(geo.L_sad - geo.L_min, 78.7236, 5e-5, "ST barrier from the global minimum (printed 78.7236)");
    check_abs(geo.x_min, -2.903534, 5e-7, "ST global minimum u = -2.903534");
    check_abs(geo.h_min, 69.166, 5e-4, "ST g'' at the minimum (69.166)");
    check_abs(geo.h_sad, -31.705, 5e-4, "ST g'' at the saddle (-31.705)");
    check_abs(geo.x_next, 2.746803, 5e-7, "ST local minimum u = 2.746803");
    st.event = SGL_TE_HYPERPLANE; st.x_exit = geo.x_next;
    double ex = pred(&st, "exact_mfpt"), kr = pred(&st, "kramers_mfpt");
    check_rel(kr, 2 * M_PI / sqrt(69.166 * 31.705) * exp(78.7236 / 5), 1e-4, "ST Kramers with the printed constants");
    check_rel(ex / kr, 1.0, 0.1, "ST exact MFPT within 10%% of Kramers at Delta V / D = 15.7 (ratio %g)", ex / kr);
    st.k = 4; st.x_exit = geo.x_next / 2;
    check_rel(pred(&st, "exact_mfpt"), ex / 4, 1e-7, "ST sharpness k = 4, isotropic: MFPT / 4");
    /* Mori noise on the quadratic with n >= n_c = 2 (B/(eta h*) + 1): flagged, no Eq. 17 slope, and the drift
     * of log L, h* (n - n_c) / (B/(eta h*)) (B/eta = 2, h = 1, k = 2: h* = 2, n_c = 4; n = 8: 2 * 4 / 1 = 8) */
    sgl_theory_problem m;
    memset(&m, 0, sizeof m);
    m.landscape = SGL_TL_QUADRATIC; m.L0 = 0.5; m.h = 1; m.k = 2; m.n = 8; m.noise = SGL_TN_MORI; m.B_over_eta = 2;
    m.eta = 0.01; m.event = SGL_TE_LOSS_RATIO; m.c = 2;
    check_rel(pred(&m, "n_c"), 4, 1e-15, "predict: quadratic n_c = 2 (B/(eta h*) + 1) = 4");
    check_true(has(&m, "n_ge_n_c") && !has(&m, "mori_slope"), "predict: n = 8 >= n_c flagged, no slope");
    check_rel(pred(&m, "log_loss_growth"), 8, 1e-15, "predict: log L drift h* (n - n_c) / (B/(eta h*)) = 8");
    m.n = 4;
    check_abs(pred(&m, "log_loss_growth"), 0, 0, "predict: n = n_c: drift 0 (null-recurrent)");
    m.n = 3;
    check_rel(pred(&m, "mori_slope"), 1 + 1 - 1.5, 1e-15, "predict: n = 3 < n_c: the Eq. 17 slope B/(eta h*) + 1 - n/2");
    check_true(!has(&m, "n_ge_n_c") && !has(&m, "log_loss_growth"), "predict: n = 3 < n_c: not flagged");
    /* a Mori well (moriwell: h* = 8a = 8, B/eta = 40: n_c = 12): flagged from n = 12 on, also under event none */
    sgl_theory_problem w;
    memset(&w, 0, sizeof w);
    w.landscape = SGL_TL_MORI_ND; w.L0 = 0.5; w.a = 1; w.n = 11; w.noise = SGL_TN_MORI; w.B_over_eta = 40;
    w.eta = 0.01; w.event = SGL_TE_HYPERPLANE; w.x_exit = -0.5;
    check_true(!has(&w, "n_ge_n_c") && has(&w, "mori_rate"), "predict: moriwell n = 11 < n_c = 12: not flagged");
    w.n = 12;
    check_true(has(&w, "n_ge_n_c"), "predict: moriwell n = 12 = n_c: flagged");
    w.event = SGL_TE_NONE; w.n = 13;
    check_true(has(&w, "n_ge_n_c"), "predict: moriwell n = 13, event none: flagged");
    m.event = SGL_TE_NONE;
    m.n = 5;
    check_abs(pred(&m, "log_loss_growth"), 2, 1e-15, "predict: event none, n = 5 > n_c: still flagged");
    /* bad problems */
    sgl_prediction pr[32];
    size_t n;
    sgl_err err;
    p.L0 = 0;
    check_true(sgl_theory_predict(&p, pr, 32, &n, &err) == SGL_EINVAL && strcmp(err.field, "L0") == 0, "predict: Mori with L0 = 0 rejected");
    p.L0 = 0.5; p.x_exit = 1.5;
    check_true(sgl_theory_predict(&p, pr, 32, &n, &err) == SGL_EINVAL && strcmp(err.field, "x_exit") == 0, "predict: exit beyond the minimum rejected");
    q.c = 0.5;
    check_true(sgl_theory_predict(&q, pr, 32, &n, &err) == SGL_EINVAL && strcmp(err.field, "c") == 0, "predict: c <= 1 rejected");
    q.c = 2;
    check_true(sgl_theory_predict(&q, pr, 2, &n, &err) == SGL_EINVAL, "predict: too small an output array rejected");
}

int main(void)
{
    test_closed_forms();
    test_k1();
    test_m2();
    test_mori();
    test_eyring_kramers();
    test_ou();
    test_min_action();
    test_predict();
    return done();
}
