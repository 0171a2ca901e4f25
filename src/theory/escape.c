/* Every prediction that applies to one escape problem, from the problem's own
 * formulas (THEORY 5, 7; never the simulator). */
#include "../internal.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* a failed allocation inside a quadrature must not pass for "does not apply" */
#define OKM(call) (((st_ = (call)) == SGL_ENOMEM) ? (oom_ = 1, 0) : st_ == SGL_OK)

typedef struct {
    const sgl_theory_problem *p;
    double hstar;
} ctx1;

static double kk(const sgl_theory_problem *p) { return p->k > 0.0 ? p->k : 1.0; }
/* Styblinski-Tang unit g(u) = u^4 - 16 u^2 + 5 u and its critical points (Newton) */
static double st_g(double u) { return u * u * u * u - 16.0 * u * u + 5.0 * u; }
static double st_g1(double u) { return 4.0 * u * u * u - 32.0 * u + 5.0; }
static double st_g2(double u) { return 12.0 * u * u - 32.0; }
static double st_root(double u)
{
    for (int i = 0; i < 60; ++i) { double d = st_g1(u) / st_g2(u); u -= d; if (fabs(d) < 1e-16) break; }
    return u;
}
static double st_scale(const sgl_theory_problem *p) { return p->a / (double)(p->n ? p->n : 1); }
static double L1(const sgl_theory_problem *p, double x)
{
    double k = kk(p);
    if (p->landscape == SGL_TL_QUADRATIC) return p->L0 + 0.5 * p->h * k * x * x;
    if (p->landscape == SGL_TL_STYBLINSKI) return p->L0 + st_scale(p) * (st_g(sqrt(k) * x) - st_g(st_root(-2.9)));
    double u = k * x * x - 1.0;
    return p->L0 + p->a * u * u;
}
static double dL1(const sgl_theory_problem *p, double x)
{
    double k = kk(p);
    if (p->landscape == SGL_TL_QUADRATIC) return p->h * k * x;
    if (p->landscape == SGL_TL_STYBLINSKI) return st_scale(p) * sqrt(k) * st_g1(sqrt(k) * x);
    return 4.0 * p->a * k * x * (k * x * x - 1.0);
}

sgl_status sgl_theory_well_geometry(const sgl_theory_problem *p, sgl_theory_geometry *g, sgl_err *err)
{
    const double k = kk(p);
    if (p->landscape == SGL_TL_DOUBLEWELL || p->landscape == SGL_TL_MORI_ND) {
        g->x_min = 1.0 / sqrt(k); g->x_sad = 0.0; g->x_next = -g->x_min; g->dir = -1;
        g->h_min = 8.0 * p->a * k; g->h_sad = -4.0 * p->a * k;
        g->L_min = p->L0; g->L_sad = p->L0 + p->a;
        return SGL_OK;
    }
    if (p->landscape == SGL_TL_STYBLINSKI) {
        const double um = st_root(-2.9), us = st_root(0.15), un = st_root(2.75), c = st_scale(p);
        g->x_min = um / sqrt(k); g->x_sad = us / sqrt(k); g->x_next = un / sqrt(k); g->dir = 1;
        g->h_min = c * k * st_g2(um); g->h_sad = c * k * st_g2(us);
        g->L_min = p->L0; g->L_sad = p->L0 + c * (st_g(us) - st_g(um));
        return SGL_OK;
    }
    return sgl_fail(err, SGL_EINVAL, "landscape", "no saddle: the quadratic landscape has no escape geometry");
}
static double drift1(double x, const void *c) { return -dL1(((const ctx1 *)c)->p, x); }
static double diff1(double x, const void *c)
{
    const ctx1 *q = c;
    const sgl_theory_problem *p = q->p;
    switch (p->noise) {
    case SGL_TN_ISOTROPIC: return p->D;
    case SGL_TN_MORI: return q->hstar * L1(p, x) / p->B_over_eta;
    case SGL_TN_XIE: (void)x; return q->hstar / (2.0 * p->B_over_eta);
    case SGL_TN_DATA: return (2.0 * x * x + 1.0) / (2.0 * p->B_over_eta);
    }
    return NAN;
}

typedef struct {
    sgl_prediction *out;
    size_t cap, n;
} plist;

static void add(plist *l, const char *name, double v, const char *unit, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;
static void add(plist *l, const char *name, double v, const char *unit, const char *fmt, ...)
{
    if (l->n >= l->cap) { ++l->n; return; }
    sgl_prediction *q = &l->out[l->n++];
    snprintf(q->name, sizeof q->name, "%s", name);
    q->value = v;
    snprintf(q->unit, sizeof q->unit, "%s", unit);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(q->note, sizeof q->note, fmt, ap);
    va_end(ap);
}

/* a time in t and, when eta is known, in steps */
static void add_time(plist *l, const sgl_theory_problem *p, const char *name, double t, const char *note)
{
    add(l, name, t, "t = eta k", "%s", note);
    if (p->eta > 0.0) {
        char nm[48];
        snprintf(nm, sizeof nm, "%s_steps", name);
        add(l, nm, t / p->eta, "steps k", "%s (t / eta)", note);
    }
}

/* the row that says n >= n_c: no stationary law (Eq. 19), and which rows that voids */
static void flag_n_c(plist *l, unsigned n, double n_c, const char *voids)
{
    add(l, "n_ge_n_c", NAN, "", "n = %u >= n_c = %.6g: L^-phi is not normalisable (Eq. 19), no stationary law; %s", n,
        n_c, voids);
}

static const char *noise_name(sgl_theory_noise n)
{
    return n == SGL_TN_ISOTROPIC ? "isotropic" : n == SGL_TN_MORI ? "mori" : n == SGL_TN_XIE ? "xie" : "data";
}

/* one prediction run: the problem, its 1-D SDE along the escape coordinate,
 * the list and whether a quadrature ran out of memory (which must not pass
 * for "does not apply") */
typedef struct {
    const sgl_theory_problem *p;
    plist l;
    ctx1 c;
    sgl_sde1d sde;
    int oom;
} pctx;

static int okm(pctx *q, sgl_status st)
{
    if (st == SGL_ENOMEM) q->oom = 1;
    return st == SGL_OK;
}

static sgl_status finish(pctx *q, size_t *n_out, sgl_err *err)
{
    if (q->oom) return sgl_fail(err, SGL_ENOMEM, "theory", "out of memory");
    if (q->l.n > q->l.cap) return sgl_fail(err, SGL_EINVAL, "cap", "%zu predictions do not fit in %zu", q->l.n, q->l.cap);
    *n_out = q->l.n;
    return SGL_OK;
}

/* the problem's fields, before anything is computed */
static sgl_status check_problem(const sgl_theory_problem *p, sgl_err *err)
{
    if (p->landscape > SGL_TL_STYBLINSKI) return sgl_fail(err, SGL_EINVAL, "landscape", "unknown landscape %d", (int)p->landscape);
    if (p->noise > SGL_TN_DATA) return sgl_fail(err, SGL_EINVAL, "noise", "unknown noise %d", (int)p->noise);
    if (p->n < 1) return sgl_fail(err, SGL_EINVAL, "n", "dimension must be >= 1");
    if (!(p->L0 > 0.0) && p->noise == SGL_TN_MORI)
        return sgl_fail(err, SGL_EINVAL, "L0", "Mori noise needs L0 > 0 (got %g): at L = 0 the noise vanishes", p->L0);
    if (p->landscape != SGL_TL_QUADRATIC && !(p->a > 0.0)) return sgl_fail(err, SGL_EINVAL, "a", "a = %g; must be > 0", p->a);
    if (p->landscape == SGL_TL_QUADRATIC && !(p->h > 0.0)) return sgl_fail(err, SGL_EINVAL, "h", "h = %g; must be > 0", p->h);
    if (p->noise == SGL_TN_ISOTROPIC && !(p->D > 0.0)) return sgl_fail(err, SGL_EINVAL, "D", "D = %g; must be > 0", p->D);
    if (p->noise != SGL_TN_ISOTROPIC && !(p->B_over_eta > 0.0))
        return sgl_fail(err, SGL_EINVAL, "B-over-eta", "B/eta = %g; must be > 0", p->B_over_eta);
    if (p->noise == SGL_TN_DATA && p->landscape != SGL_TL_QUADRATIC)
        return sgl_fail(err, SGL_EINVAL, "noise", "the Gaussian-data noise model applies to the quadratic landscape only");
    if (p->k < 0.0 || !isfinite(p->k)) return sgl_fail(err, SGL_EINVAL, "k", "sharpness k = %g; must be > 0", p->k);
    return SGL_OK;
}

/* a well: the escape coordinate z1 alone (exact for n = 1; for n > 1 with
 * isotropic noise the other directions decouple: same exit law) */
static void well_exact(pctx *q, const sgl_theory_geometry *geo)
{
    const sgl_theory_problem *p = q->p;
    const double far = geo->dir < 0 ? INFINITY : -INFINITY;   /* the reflecting side, away from the escape */
    sgl_err e2;
    double T, lT, re, qp;
    char note[200];
    if (okm(q, sgl_theory_mfpt1d(&q->sde, geo->x_min, p->x_exit, far, 1e-9, &T, &lT, &re, &e2))) {
        snprintf(note, sizeof note, "exact 1-D MFPT by quadrature from the minimum %g to theta_1 %s %g, %s noise "
                 "(THEORY 7.3)%s", geo->x_min, geo->dir < 0 ? "<=" : ">=", p->x_exit, noise_name(p->noise),
                 p->n > 1 ? "; z1 decouples" : "");
        add_time(&q->l, p, "exact_mfpt", T, note);
        if (p->x_exit != geo->x_sad && okm(q, sgl_theory_mfpt1d(&q->sde, geo->x_min, geo->x_sad, far, 1e-9, &T, &lT, &re, &e2)))
            add_time(&q->l, p, "exact_mfpt_saddle", T, "exact MFPT to the saddle (about half the transition time)");
    }
    if (okm(q, sgl_theory_qp1d(&q->sde, geo->x_min, geo->x_sad, 1e-10, &qp, &e2)))
        add(&q->l, "quasi_potential", qp, "", "Freidlin-Wentzell barrier int V'/D from the minimum to the saddle: "
            "log E tau ~ this for small noise (THEORY 7.2)");
}

/* a well under Mori's noise: Eq. 16/17, frozen-noise Arrhenius, phi, n_c */
static sgl_status well_mori(pctx *q, const sgl_theory_geometry *geo, sgl_err *err)
{
    const sgl_theory_problem *p = q->p;
    const double hs = q->c.hstar, Ls = geo->L_sad, Lst = geo->L_min, dL = Ls - Lst, hsad = geo->h_sad;
    plist *l = &q->l;
    sgl_mori_pred m;
    sgl_status st = sgl_theory_mori(p->n, hs, hsad, hs / -hsad, Lst, Ls, p->B_over_eta, &m, err);
    if (st != SGL_OK) return st;
    add(l, "mori_rate", m.rate, "1/t", "Mori Eq. %s transition rate kappa", p->n == 1 ? "16" : "17");
    char note[200];
    snprintf(note, sizeof note, "1/kappa (Mori Eq. %s): transition time, valid for Delta U / T = %.3g >> 1; "
             "exponent %.4g of L^s/L*", p->n == 1 ? "16" : "17", m.validity, m.exponent);
    add_time(l, p, "mori_mfpt", 1.0 / m.rate, note);
    add(l, "validity_dU_over_T", m.validity, "", "Delta U / T = (B/(eta h*)) log(L^s/L*); Mori needs >> 1");
    double ka = sgl_theory_arrhenius_frozen(hs, hsad, dL, Lst, 1.0 / p->B_over_eta);
    add_time(l, p, "arrhenius_frozen_mfpt", 1.0 / ka, "Arrhenius with the noise frozen at the minimum, "
             "D = eta h* L* / B (THEORY 5.5)");
    add(l, "phi", m.phi, "", "stationary exponent 1 + B/(eta h*) of P ~ L^-phi (Eq. 18)");
    add(l, "n_c", m.n_c, "", "critical dimension 2 (B/(eta h*) + 1) (Eq. 19)");
    if ((double)p->n >= m.n_c)
        flag_n_c(l, p->n, m.n_c, "Mori Eq. 17 (mori_rate, mori_mfpt: exponent <= 0) does not apply; simulate");
    if (p->n > 1)
        add(l, "quasi_potential", p->B_over_eta / hs * log(Ls / Lst), "",
            "(B/eta)(1/h*) log(L^s/L*): the a-gradient quasi-potential, leading term of log E tau (THEORY 7.2)");
    return SGL_OK;
}

/* a well under isotropic (Eyring-Kramers) or frozen Xie noise (Kramers, Xie's band) */
static void well_kramers(pctx *q, const sgl_theory_geometry *geo)
{
    const sgl_theory_problem *p = q->p;
    const double hs = q->c.hstar, dL = geo->L_sad - geo->L_min, hsad = geo->h_sad;
    plist *l = &q->l;
    if (p->noise == SGL_TN_ISOTROPIC) {
        double mt, rate;
        size_t n = p->n;
        double Hm[64], Hs[64];
        sgl_err e2;
        if (n > 8) n = 8;
        memset(Hm, 0, sizeof Hm); memset(Hs, 0, sizeof Hs);
        for (size_t i = 0; i < n; ++i) { Hm[i * n + i] = hs; Hs[i * n + i] = hs; }
        Hs[0] = hsad;
        if (okm(q, sgl_theory_eyring_kramers(n, Hm, Hs, dL, p->D, &mt, &rate, &e2)))
            add_time(l, p, "kramers_mfpt", mt, p->n == 1 ? "Kramers 2 pi / sqrt(h* |h^s|) e^{Delta L / D} (THEORY 7.1)"
                                                         : "Eyring-Kramers with the Hessian determinant ratio (THEORY 7.1)");
    } else if (p->noise == SGL_TN_XIE) {
        double kr = sgl_theory_kramers1d(hs, hsad, dL, hs / (2.0 * p->B_over_eta));
        add_time(l, p, "kramers_mfpt", 1.0 / kr, "Kramers with D = eta h* / (2B): log MFPT ~ 2 (B/eta) Delta L / h*, "
                 "linear in 1/k (Xie)");
        /* Xie et al. (THEORY 7.5, recalled): tau = 2 pi / |H_be| exp[(2 B dL / eta)(s / H_ae + (1-s)/|H_be|)] */
        double t1 = 2.0 * M_PI / -hsad * exp(2.0 * p->B_over_eta * dL / hs);
        double t0 = 2.0 * M_PI / -hsad * exp(2.0 * p->B_over_eta * dL / -hsad);
        add_time(l, p, "xie_mfpt_s1", t1, "Xie et al. with s = 1 (Hessian at the minimum): one end of the band");
        add_time(l, p, "xie_mfpt_s0", t0, "Xie et al. with s = 0 (Hessian at the saddle): the other end");
    }
}

/* a double well (doublewell, moriwell, styblinski-tang): hyperplane exit or none */
static sgl_status predict_well(pctx *q, size_t *n_out, sgl_err *err)
{
    const sgl_theory_problem *p = q->p;
    sgl_theory_geometry geo = {0};
    sgl_theory_well_geometry(p, &geo, NULL);
    q->c.hstar = geo.h_min;
    const double k0 = p->noise == SGL_TN_ISOTROPIC ? NAN : p->B_over_eta / q->c.hstar;
    if (p->event != SGL_TE_HYPERPLANE && p->event != SGL_TE_NONE)
        return sgl_fail(err, SGL_EINVAL, "event", "double-well landscapes: the theory covers the hyperplane event "
                        "(theta_1 <= x_exit)");
    if (p->event == SGL_TE_NONE) {
        if (p->noise == SGL_TN_MORI) {
            add(&q->l, "phi", 1.0 + k0, "", "stationary exponent 1 + B/(eta h*) of P ~ L^-phi near the minimum (Eq. 18)");
            add(&q->l, "n_c", 2.0 * (k0 + 1.0), "", "critical dimension 2 (B/(eta h*) + 1) (Eq. 19)");
            if ((double)p->n >= 2.0 * (k0 + 1.0))
                flag_n_c(&q->l, p->n, 2.0 * (k0 + 1.0), "stationary samples (event none) do not settle");
        }
        return finish(q, n_out, err);
    }
    if (!(geo.dir * (p->x_exit - geo.x_min) > 0.0))
        return sgl_fail(err, SGL_EINVAL, "x_exit", "exit hyperplane %g must lie beyond the minimum %g in the escape "
                        "direction (%s)", p->x_exit, geo.x_min, geo.dir < 0 ? "decreasing theta_1" : "increasing theta_1");
    add(&q->l, "L_star", geo.L_min, "", "loss at the minimum theta_1 = %g", geo.x_min);
    add(&q->l, "L_saddle", geo.L_sad, "", "loss at the saddle theta_1 = %g (Delta L = %g)", geo.x_sad, geo.L_sad - geo.L_min);
    if (p->n == 1 || p->noise != SGL_TN_MORI) well_exact(q, &geo);
    if (p->noise == SGL_TN_MORI) {
        sgl_status st = well_mori(q, &geo, err);
        if (st != SGL_OK) return st;
    } else {
        well_kramers(q, &geo);
    }
    return finish(q, n_out, err);
}

/* Mori noise with n >= n_c = 2 (B/(eta h) + 1) (Eq. 19): the stationary law
 * L^-phi is not normalisable, so no MFPT row built on it (Eq. 17's slope) applies.
 * What does [derived, THEORY 5.3]: far from the minimum (L ~ (h/2)|theta|^2,
 * per-coordinate D = h L / (B/eta)), Ito on log |theta|^2 gives the drift
 * h (n - n_c) / (B/(eta h)): the loss grows without bound (n > n_c) or is
 * null-recurrent (n = n_c), and the time to L >= c L* grows only like log c.
 * Adds the two rows; returns 1 when n >= n_c. */
static int beyond_n_c(plist *l, unsigned n, double k0, double h)
{
    const double n_c = 2.0 * (k0 + 1.0);
    if ((double)n < n_c) return 0;
    flag_n_c(l, n, n_c, "the exact and asymptotic MFPT rows (Eq. 17 slope) do not apply (see log_loss_growth)");
    add(l, "log_loss_growth", h * ((double)n - n_c) / k0, "", "drift of log L per unit t far from the minimum, "
        "h (n - n_c)/(B/(eta h)) [derived]: > 0 runaway, 0 null-recurrent; time to L >= c L* ~ log c / this");
    return 1;
}

/* the quadratic well L0 + (h/2)|theta|^2 from theta = 0: loss-ratio or ball exit, or none */
static sgl_status predict_quadratic(pctx *q, size_t *n_out, sgl_err *err)
{
    const sgl_theory_problem *p = q->p;
    plist *l = &q->l;
    const double k = kk(p), k0 = p->noise == SGL_TN_ISOTROPIC ? NAN : p->B_over_eta / q->c.hstar;
    if (p->noise == SGL_TN_MORI || p->noise == SGL_TN_DATA) {
        add(l, "phi", 1.0 + k0, "", "stationary exponent 1 + B/(eta h) of P ~ L^-phi (Eq. 18; idealized noise)");
        add(l, "n_c", 2.0 * (k0 + 1.0), "", "critical dimension (Eq. 19): a stationary law needs n < n_c");
        if (p->noise == SGL_TN_DATA)
            add(l, "phi_core_true_sgd", 2.0 + p->B_over_eta, "", "true minibatch SGD on Gaussian data: phi_core ~ 2 + B/eta "
                "(THEORY 5.7), times ~(1 - eta h/2) in discrete time");
    }
    const int beyond = p->noise == SGL_TN_MORI ? beyond_n_c(l, p->n, k0, q->c.hstar) : 0;
    double xa = NAN;
    const char *what = "";
    if (p->event == SGL_TE_LOSS_RATIO) {
        if (!(p->c > 1.0)) return sgl_fail(err, SGL_EINVAL, "c", "loss ratio c = %g; must be > 1", p->c);
        if (!(p->L0 > 0.0)) return sgl_fail(err, SGL_EINVAL, "L0", "the loss-ratio event needs L* = L0 > 0");
        xa = sqrt(2.0 * p->L0 * (p->c - 1.0) / (p->h * k));
        what = "L >= c L*";
        if (p->noise == SGL_TN_MORI && beyond == 0)
            add(l, "mori_slope", k0 + 1.0 - 0.5 * p->n, "", "asymptotic slope of log MFPT against log c: "
                "B/(eta h) + 1 - n/2 (Eq. 17; M2)");
    } else if (p->event == SGL_TE_NONE) {
        if (l->n > l->cap) return sgl_fail(err, SGL_EINVAL, "cap", "%zu predictions do not fit in %zu", l->n, l->cap);
        *n_out = l->n;
        return SGL_OK;
    } else if (p->event == SGL_TE_BALL) {
        if (!(p->r > 0.0)) return sgl_fail(err, SGL_EINVAL, "r", "radius %g; must be > 0", p->r);
        xa = p->r;
        what = "|theta| >= r";
    } else {
        return sgl_fail(err, SGL_EINVAL, "event", "quadratic landscape: use the loss-ratio or ball event");
    }
    if (p->n == 1) {
        sgl_err e2;
        double T, lT, re, qp;
        if (okm(q, sgl_theory_mfpt1d(&q->sde, 0.0, xa, 0.0, 1e-9, &T, &lT, &re, &e2))) {
            char note[200];
            snprintf(note, sizeof note, "exact 1-D MFPT by quadrature from theta = 0 to %s (|theta| = %.6g), "
                     "%s noise (THEORY 7.3, M2)", what, xa, noise_name(p->noise));
            add_time(l, p, "exact_mfpt", T, note);
        }
        if (okm(q, sgl_theory_qp1d(&q->sde, 0.0, xa, 1e-10, &qp, &e2)))
            add(l, "quasi_potential", qp, "", "int V'/D from theta = 0 to the exit: log E tau ~ this for small noise");
    }
    return finish(q, n_out, err);
}

sgl_status sgl_theory_predict(const sgl_theory_problem *p, sgl_prediction *out, size_t cap, size_t *n_out,
                              sgl_err *err)
{
    *n_out = 0;
    sgl_status st = check_problem(p, err);
    if (st != SGL_OK) return st;
    pctx q = {.p = p, .l = {out, cap, 0}, .c = {p, p->h * kk(p)}};
    q.sde = (sgl_sde1d){drift1, diff1, &q.c};
    return p->landscape != SGL_TL_QUADRATIC ? predict_well(&q, n_out, err) : predict_quadratic(&q, n_out, err);
}
