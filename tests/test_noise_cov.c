/* Per-step noise covariances (src/noise/cov.c, issue 15 item 4) against the
 * updates themselves, and the LNGD / minibatch-diff limits integrated.
 *
 *  COV   for every noise kind with a covariance slot: N = 20000 one-step
 *        updates from one fixed theta (shared data draw, trajectory id =
 *        draw), Delta = theta_1 - theta_0; E Delta = -eta grad L and
 *        Cov(Delta) / eta^2 = Sigma(theta) from sgl_noise_cov, entry by
 *        entry.  Each entry is a z-test of a mean of N iid products, SE from
 *        their sample sd, |z| < 5.5 (two-sided 3.8e-8 each; the count of
 *        entries is printed, < 800 over the file: < 3.1e-5 in total, the
 *        mean of 20000 bounded products being normal to well within that).
 *  LNGD  Sigma_lngd = 4 a^2 delta^2 (1/n) sum G_i G_i^T = 2 c_lngd a (1/n)
 *        sum G_i G_i^T with c_lngd = 2 a delta^2 (sgl_label_c_lngd); on Gamma
 *        LNGD and label noise with B = 1 and the same delta have the same
 *        Sigma = c H, so the same limit SDE: the same seed gives the same
 *        limit trajectory (closed and four-term general form).
 *  MBD   minibatch-diff: Sigma = 2 delta^2 f C / B vanishes on Gamma (all
 *        residuals 0), so the limit has neither noise nor drift: the limit
 *        trajectory stays at Phi(theta_0), its first point.
 *  BM    sgl_box_muller_sin against sqrt(-2 log u1) sin(2 pi u2), and as the
 *        second output of the scalar stream's Box-Muller pair. */
#include "plan.h"
#include "testutil.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static void small(sgl_spec *s)
{
    s->model = "diagnet";
    s->data.d = 3;
    s->data.n = 5;
    s->data.kappa = 1;
    s->data_draw = SGL_DRAW_SHARED;
    s->lr = 0.01;
    s->steps = 1;
    s->every = 1;
    s->seeds = 1;
    s->seed = 2024;
}

static sgl_plan *mkplan(sgl_spec *s)
{
    sgl_plan *p = NULL;
    sgl_err e = {{0}, {0}};
    if (sgl_plan_alloc(s, &p, &e) != SGL_OK) {
        printf("FAIL plan %s: %s: %s\n", s->noise, e.field, e.msg);
        return NULL;
    }
    return p;
}

static int n_entries = 0;

static void cov_case(const char *noise, int with_replacement, size_t B, double delta)
{
    sgl_spec s;
    sgl_spec_defaults(&s);
    small(&s);
    s.noise = noise;
    s.batch = B;
    s.with_replacement = with_replacement;
    s.delta = delta;
    if (strcmp(noise, "gaussian") == 0) { s.sigma = 0.3; s.sigma_scale = SGL_SCALE_ETA; s.delta = 0; s.batch = 1; }
    if (strcmp(noise, "none") == 0 || strcmp(noise, "minibatch") == 0) s.delta = 0;
    /* a generic point off Gamma: residuals nonzero, so every term is active */
    static const double x0[6] = {0.9, -0.4, 0.7, 1.1, 0.5, -0.8};
    s.init = x0;
    s.n_init = 6;
    sgl_plan *p = mkplan(&s);
    if (!check_true(p != NULL, "COV %s: plan", noise)) return;
    sgl_traj *t = NULL;
    sgl_traj_alloc(p, &t);
    sgl_traj_init(p, t, 0);
    const size_t D = t->model.dim;
    double *th0 = malloc(D * sizeof *th0), *g = malloc(D * sizeof *g), *S = malloc(D * D * sizeof *S), L;
    memcpy(th0, t->theta, D * sizeof *th0);
    sgl_model_loss(&t->model, th0, &L, g, NULL);
    sgl_err e = {{0}, {0}};
    sgl_status st = sgl_noise_cov(p, &t->model, th0, S, &e);
    check_true(st == SGL_OK, "COV %s: covariance available (%s)", noise, e.msg);
    const int N = 20000;
    const double eta = s.lr;
    double *dl = malloc((size_t)N * D * sizeof *dl);
    for (int r = 0; r < N; ++r) {
        sgl_traj_init(p, t, (uint32_t)r);
        sgl_traj_advance(p, t, 0, 1);
        for (size_t j = 0; j < D; ++j) dl[(size_t)r * D + j] = (t->theta[j] - th0[j]) / eta;
    }
    /* mean: -grad L */
    double zmax_m = 0.0, zmax_c = 0.0, worst_det = 0.0;
    int nm = 0, nc = 0;
    double *mean = calloc(D, sizeof *mean);
    for (size_t j = 0; j < D; ++j) {
        double m = 0.0, v = 0.0;
        for (int r = 0; r < N; ++r) m += dl[(size_t)r * D + j];
        m /= N;
        mean[j] = m;
        for (int r = 0; r < N; ++r) v += (dl[(size_t)r * D + j] - m) * (dl[(size_t)r * D + j] - m);
        v /= N - 1;
        if (S[j * D + j] == 0.0) {   /* no noise in this coordinate: the update is exactly the gradient step */
            worst_det = fmax(worst_det, fabs(m + g[j]) / (1.0 + fabs(g[j])));
            continue;
        }
        zmax_m = fmax(zmax_m, fabs(m + g[j]) / sqrt(v / N));
        ++nm;
    }
    for (size_t a = 0; a < D; ++a)
        for (size_t b = a; b < D; ++b) {
            double sab = S[a * D + b];
            if (S[a * D + a] == 0.0 || S[b * D + b] == 0.0) {
                worst_det = fmax(worst_det, fabs(sab));
                continue;
            }
            double c = 0.0, c2 = 0.0;
            for (int r = 0; r < N; ++r) {
                double q = (dl[(size_t)r * D + a] - mean[a]) * (dl[(size_t)r * D + b] - mean[b]);
                c += q;
                c2 += q * q;
            }
            double cm = c / N, sd = sqrt((c2 / N - cm * cm) / (N - 1));
            cm *= (double)N / (N - 1);   /* unbiased covariance */
            zmax_c = fmax(zmax_c, fabs(cm - sab) / sd);
            ++nc;
        }
    n_entries += nm + nc;
    const char *wr = with_replacement ? " with replacement" : "";
    check_le(worst_det, 1e-12, "COV %s%s B=%zu: noise-free coordinates move by the gradient step only, Sigma 0 there",
             noise, wr, B);
    if (strcmp(noise, "none") == 0) {
        double sn = 0.0;
        for (size_t q = 0; q < D * D; ++q) sn = fmax(sn, fabs(S[q]));
        check_true(sn == 0.0 && nm == 0, "COV none: Sigma = 0 and every update is the GD step");
    } else {
        check_true(nm > 0 && nc > 0, "COV %s%s: %d noisy coordinates, %d covariance entries compared", noise, wr, nm, nc);
        check_le(zmax_m, 5.5, "COV %s%s B=%zu: max |z| of E Delta/eta vs -grad L over %d coordinates", noise, wr, B, nm);
        check_le(zmax_c, 5.5, "COV %s%s B=%zu: max |z| of Cov(Delta)/eta^2 vs Sigma(theta) over %d entries", noise, wr,
                 B, nc);
    }
    free(dl); free(mean); free(th0); free(g); free(S);
    sgl_traj_free(t);
    sgl_plan_free(p);
}

/* LNGD's constants against the label noise's */
static void lngd_constants(void)
{
    sgl_spec s;
    sgl_spec_defaults(&s);
    small(&s);
    s.noise = "lngd";
    s.delta = 0.7;
    static const double x0[6] = {0.9, -0.4, 0.7, 1.1, 0.5, -0.8};
    s.init = x0;
    s.n_init = 6;
    sgl_plan *pl = mkplan(&s);
    s.noise = "label";
    s.batch = 1;
    sgl_plan *pb = mkplan(&s);
    if (!pl || !pb) { check_true(0, "LNGD: plans"); return; }
    sgl_traj *t = NULL;
    sgl_traj_alloc(pl, &t);
    sgl_traj_init(pl, t, 0);
    const double a = t->model.a;
    const sgl_noise_type *nl = sgl_noise_lookup("lngd"), *nb = sgl_noise_lookup("label");
    check_rel(nl->label_c(pl, &t->model), 2.0 * a * 0.49, 1e-15, "LNGD: c = 2 a delta^2 (a = %g, delta = 0.7)", a);
    check_rel(nl->label_c(pl, &t->model), nb->label_c(pb, &t->model), 1e-15, "LNGD: c equals label noise's at B = 1");
    /* Sigma_lngd = 4 a^2 delta^2 (1/n) sum G_i G_i^T; label at B = 1 adds f C / B with f = (n - 1)/(n - 1) = 1 */
    const size_t D = t->model.dim;
    double *S1 = malloc(D * D * sizeof *S1), *S2 = malloc(D * D * sizeof *S2), *S3 = malloc(D * D * sizeof *S3);
    sgl_err e = {{0}, {0}};
    sgl_noise_cov(pl, &t->model, t->theta, S1, &e);
    sgl_noise_cov(pb, &t->model, t->theta, S2, &e);
    s.noise = "minibatch";
    s.delta = 0.0;
    sgl_plan *pm = mkplan(&s);
    sgl_noise_cov(pm, &t->model, t->theta, S3, &e);
    double d = 0.0, sc = 0.0;
    for (size_t q = 0; q < D * D; ++q) {
        d = fmax(d, fabs(S1[q] + S3[q] - S2[q]));
        sc = fmax(sc, fabs(S2[q]));
    }
    check_le(d / sc, 1e-14, "LNGD: Sigma_lngd + Sigma_minibatch(B = 1) = Sigma_label(B = 1) (relative)");
    free(S1); free(S2); free(S3);
    sgl_traj_free(t);
    sgl_plan_free(pl); sgl_plan_free(pb); sgl_plan_free(pm);
}

static sgl_results *limit_run(const char *noise, double delta, size_t B, sgl_limit_form form, double T, sgl_err *e)
{
    sgl_spec s;
    sgl_spec_defaults(&s);
    small(&s);
    s.noise = noise;
    s.delta = delta;
    s.batch = B;
    s.seeds = 3;
    s.alpha = 0.8;
    sgl_plan *p = mkplan(&s);
    if (!p) return NULL;
    sgl_limit_opts o;
    sgl_limit_opts_default(&o);
    o.T = T;
    o.dt = 0.01;
    o.n_log = 2;
    o.form = form;
    sgl_results *r = NULL;
    if (sgl_limit_execute(p, &o, 1, &r, NULL, e) != SGL_OK) r = NULL;
    sgl_plan_free(p);
    return r;
}

static double max_diff(const sgl_results *a, const sgl_results *b)
{
    double d = 0.0;
    for (size_t q = 0; q < (size_t)a->n_traj * a->dim; ++q) d = fmax(d, fabs(a->theta_final[q] - b->theta_final[q]));
    return d;
}

/* LNGD limit = label-noise limit at B = 1, same delta (same c, same seed) */
static void lngd_limit(void)
{
    const sgl_limit_form forms[2] = {SGL_LIMIT_CLOSED, SGL_LIMIT_GENERAL};
    for (int f = 0; f < 2; ++f) {
        sgl_err e = {{0}, {0}};
        sgl_results *a = limit_run("lngd", 0.6, 1, forms[f], 1.0, &e);
        sgl_results *b = limit_run("label", 0.6, 1, forms[f], 1.0, &e);
        if (!check_true(a && b, "LNGD limit (%s form) ran (%s: %s)", sgl_limit_form_names[forms[f]], e.field, e.msg)) {
            sgl_results_free(a); sgl_results_free(b);
            continue;
        }
        /* the closed form uses c directly: the same bits; the general form goes
         * through Sigma's derivatives, equal in exact arithmetic (C = 0 on Gamma
         * to rounding): 1e-9 */
        check_le(max_diff(a, b), forms[f] == SGL_LIMIT_CLOSED ? 0.0 : 1e-9,
                 "LNGD limit (%s form) = label-noise limit at B = 1, same delta and seed: max |theta(T) diff|",
                 sgl_limit_form_names[forms[f]]);
        /* and c matters: delta 0.6 vs 0.3 differ */
        sgl_results *c = limit_run("lngd", 0.3, 1, forms[f], 1.0, &e);
        check_true(c && max_diff(a, c) > 1e-6, "LNGD limit (%s form): delta changes the trajectory (%g)",
                   sgl_limit_form_names[forms[f]], c ? max_diff(a, c) : NAN);
        sgl_results_free(a); sgl_results_free(b); sgl_results_free(c);
    }
}

/* minibatch-diff: no noise and no drift on Gamma -> the limit stays at Phi(theta_0) */
static void mbd_limit(void)
{
    sgl_err e = {{0}, {0}};
    sgl_results *r = limit_run("minibatch-diff", 0.8, 2, SGL_LIMIT_AUTO, 2.0, &e);
    if (!check_true(r != NULL, "MBD limit ran (%s: %s)", e.field, e.msg)) return;
    /* series[traj][log][obs]: compare the logged observables at t = 0 and t = T */
    double d = 0.0, sc = 0.0;
    for (uint32_t t = 0; t < r->n_traj; ++t)
        for (size_t o = 0; o < r->n_obs; ++o) {
            double v0 = r->series[((size_t)t * r->n_log + 0) * r->n_obs + o];
            double v1 = r->series[((size_t)t * r->n_log + r->n_log - 1) * r->n_obs + o];
            if (!isfinite(v0) && !isfinite(v1)) continue;
            d = fmax(d, fabs(v1 - v0));
            sc = fmax(sc, fabs(v0));
        }
    check_le(d / fmax(sc, 1e-300), 1e-12, "MBD limit: every observable at T = 2 equals its value at 0 (Sigma = 0 on Gamma)");
    check_true(sc > 0.0, "MBD limit: the observables are not all 0 (scale %g)", sc);
    sgl_results_free(r);
    r = limit_run("label", 0.8, 2, SGL_LIMIT_AUTO, 2.0, &e);
    double d2 = 0.0;
    if (r)
        for (uint32_t t = 0; t < r->n_traj; ++t)
            for (size_t o = 0; o < r->n_obs; ++o) {
                double v0 = r->series[((size_t)t * r->n_log + 0) * r->n_obs + o];
                double v1 = r->series[((size_t)t * r->n_log + r->n_log - 1) * r->n_obs + o];
                if (isfinite(v0) && isfinite(v1)) d2 = fmax(d2, fabs(v1 - v0));
            }
    check_true(d2 > 1e-6, "MBD control: the label-noise limit from the same start does move (%g)", d2);
    sgl_results_free(r);
}

static void box_muller_sin(void)
{
    double worst = 0.0;
    for (int i = 1; i < 200; ++i) {
        double u1 = (i - 0.5) / 199.0, u2 = fmod(0.618033988749895 * i, 1.0);
        double z = sgl_box_muller_sin(u1, u2), want = sqrt(-2.0 * log(u1)) * sin(2.0 * M_PI * u2);
        worst = fmax(worst, fabs(z - want) / (1.0 + fabs(want)));
    }
    check_le(worst, 1e-14, "BM: sgl_box_muller_sin(u1, u2) vs sqrt(-2 log u1) sin(2 pi u2), max relative error");
    check_abs(sgl_box_muller_sin(exp(-0.5), 0.25), 1.0, 1e-15, "BM: u1 = e^{-1/2}, u2 = 1/4 gives 1");
    check_abs(sgl_box_muller_sin(exp(-2.0), 0.75), -2.0, 1e-15, "BM: u1 = e^{-2}, u2 = 3/4 gives -2");
    /* the scalar stream's second normal is the sine output of its first two uniforms */
    int bad = 0;
    for (uint64_t k = 0; k < 500; ++k) {
        sgl_stream s;
        sgl_stream_init(&s, 31, 4, k, SGL_P_NOISE);
        double u1 = sgl_stream_uniform(&s), u2 = sgl_stream_uniform(&s);
        sgl_stream_init(&s, 31, 4, k, SGL_P_NOISE);
        (void)sgl_stream_normal(&s);
        double z2 = sgl_stream_normal(&s), w = sgl_box_muller_sin(u1, u2);
        bad += memcmp(&z2, &w, sizeof w) != 0;
    }
    check_true(bad == 0, "BM: second stream normal = sgl_box_muller_sin of the first two uniforms (%d of 500 differ)", bad);
}

int main(void)
{
    cov_case("none", 0, 1, 0.0);
    cov_case("gaussian", 0, 1, 0.0);
    cov_case("label", 0, 2, 0.8);
    cov_case("label", 1, 2, 0.8);
    cov_case("label-gauss", 0, 3, 0.5);
    cov_case("minibatch", 0, 2, 0.0);
    cov_case("minibatch", 1, 3, 0.0);
    cov_case("minibatch-diff", 0, 2, 0.9);
    cov_case("minibatch-diff", 1, 1, 0.9);
    cov_case("lngd", 0, 1, 0.7);
    printf("INFO %d mean/covariance entries z-tested at |z| < 5.5: false failure <= %.2g\n", n_entries,
           n_entries * 3.8e-8);
    lngd_constants();
    lngd_limit();
    mbd_limit();
    box_muller_sin();
    return done();
}
