/* sgdlab reproduce exponential-escape: the large-deviation content of
 * Ibayashi-Imaizumi (THEORY.md 6.3, 7.2-7.4, 7.5, check X1) that can be tested
 * without the paper text:
 *   (1) log E[nu] is linear in B/eta with slope = the Freidlin-Wentzell
 *       quasi-potential barrier, computed independently by the geometric
 *       minimum action method (2-D Mori well; Mori noise SDE and discrete
 *       Gaussian-noise SGD; isotropic noise frozen at L*);
 *   (2) nu / E[nu] -> Exp(1): KS test with a parametric-bootstrap p-value and
 *       the Kaplan-Meier survival curve;
 *   (3) the same rate from a start at theta* and after a quasi-stationary
 *       burn-in conditioned on no exit;
 *   (4) sharpness k (theta -> sqrt(k) theta: Hessian x k, barrier unchanged):
 *       SGD-type noise Sigma = H(theta*)/B gives log E nu linear in 1/k, while
 *       isotropic noise gives E nu ~ 1/k (polynomial); SDE and discrete SGD.
 * Times in GD time t = eta k. */
#include "cli.h"
#include "reproduce.h"

#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define EXPE "exponential-escape"
#define Z95 1.959963984540054

/* 2-D Mori well L = L0 + (z1^2 - 1)^2 + 4 z2^2 (a = 1, h* = 8) for the minimum action */
typedef struct { double L0; int frozen; } mam_ctx;
static double mw_L(const double *x, double L0) { double u = x[0] * x[0] - 1; return L0 + u * u + 4 * x[1] * x[1]; }
static void mam_drift(const double *x, double *b, const void *c)
{
    (void)c;
    b[0] = -4 * x[0] * (x[0] * x[0] - 1);
    b[1] = -8 * x[1];
}
static void mam_ainv(const double *x, double *ai, const void *c)
{
    const mam_ctx *m = c;
    double L = m->frozen ? m->L0 : mw_L(x, m->L0);
    ai[0] = ai[3] = 1.0 / (16.0 * L);    /* a = 2 h* L I */
    ai[1] = ai[2] = 0.0;
}

typedef struct { const char *label; const char *dyn; int noise; double step; } series;

static void usage(FILE *f)
{
    fprintf(f, "usage: sgdlab reproduce " EXPE " [--seeds M] [--seed S] [--threads T] [--json] [--out-dir DIR] [--quick]\n"
               "  Exponential escape (Ibayashi-Imaizumi; THEORY.md 6.3, X1): log E[nu] against B/eta vs the minimum-action\n"
               "  quasi-potential, nu/E[nu] against Exp(1), start at theta* vs quasi-stationary, sharpness-k dependence.\n"
               "  --seeds M: trajectories per setting (default 1000; --quick 200)  --quick: small budgets (smoke test)\n");
}

int sgl_reproduce_exponential_escape(int argc, char **argv)
{
    sgl_cli_opts o;
    uint32_t M0;
    const char *out_dir;
    int rc0 = sgl_rep_begin(argc, argv, EXPE, usage, 1000, 200, 10, "trajectories per setting", &o, &M0, &out_dir);
    if (rc0 >= 0) return rc0;
    sgl_err err = {{0}, {0}};
    char why[512] = "";
    const int progress = isatty(2);
    const double budget = o.quick ? 4e6 : 3e8;
    const double L0 = 0.5;
    double t_all = omp_get_wtime();

    /* (1) B/eta sweep on the 2-D Mori well */
    enum { NS = 3, NBE = 5 };
    static const double Bes[NBE] = {16, 24, 32, 40, 48};
    const series S[NS] = {{"Mori noise, SDE", "sde", SGL_TN_MORI, 0.005},
                          {"Mori noise, discrete SGD", "sgd", SGL_TN_MORI, 0.005},
                          {"isotropic D = h* L*/(B/eta), SDE", "sde", SGL_TN_ISOTROPIC, 0.005}};
    simres R1[NS][NBE];
    double th1[NS][NBE];
    memset(R1, 0, sizeof R1);
    sgl_wls_est fit1[NS];
    int have1[NS];
    double V[NS], Vclosed[NS];
    for (int s = 0; s < NS; ++s) {
        mam_ctx mc = {L0, S[s].noise == SGL_TN_ISOTROPIC};
        sgl_sde_nd sde = {2, mam_drift, mam_ainv, &mc};
        double xa[2] = {1, 0}, xs[2] = {0, 0};
        if (sgl_theory_min_action(&sde, xa, xs, 64, 1e-9, &V[s], NULL, &err) != SGL_OK) V[s] = NAN;
        Vclosed[s] = mc.frozen ? 1.0 / (8.0 * L0) : log((L0 + 1.0) / L0) / 8.0;
        double xw[NBE], yw[NBE], sw[NBE];
        size_t nw = 0;
        for (int b = 0; b < NBE; ++b) {
            sgl_theory_problem p;
            memset(&p, 0, sizeof p);
            p.landscape = SGL_TL_MORI_ND; p.L0 = L0; p.a = 1; p.n = 2;
            p.noise = S[s].noise; p.B_over_eta = Bes[b]; p.D = 8.0 * L0 / Bes[b]; p.eta = NAN;
            p.event = SGL_TE_HYPERPLANE; p.x_exit = -1.0;
            th1[s][b] = sgl_rep_theory_value(&p, S[s].noise == SGL_TN_MORI ? "mori_mfpt" : "kramers_mfpt");
            if (o.quick && b > 2) continue;
            uint32_t M;
            double tm;
            if (!sgl_rep_plan_budget(th1[s][b], S[s].step, budget, M0, &M, &tm)) continue;
            rep_sim sim = {p, S[s].dyn, S[s].step, tm, M, o.spec.seed + 10 * (uint64_t)s + (uint64_t)b, o.threads, 0, 0, 0, 0};
            if (sgl_rep_simulate(&sim, &R1[s][b], o.spec.seed, why, sizeof why) != 0) {
                fprintf(stderr, "sgdlab: reproduce " EXPE ": simulation failed: %s\n", why);
                return SGL_EXIT_FAIL;
            }
            if (progress) fprintf(stderr, "(1) %s B/eta=%g: %.1f s\n", S[s].label, Bes[b], R1[s][b].seconds);
            if (isfinite(R1[s][b].mfpt) && R1[s][b].escaped > 0) {
                xw[nw] = Bes[b]; yw[nw] = log(R1[s][b].mfpt);
                sw[nw] = (log(R1[s][b].hi) - log(R1[s][b].lo)) / (2 * Z95);
                ++nw;
            }
        }
        have1[s] = nw >= 3 && sgl_est_wls(xw, yw, sw, nw, &fit1[s], NULL) == SGL_OK;
    }

    /* (2) + (3): B/eta = 16 on the 2-D Mori well, SDE: KS and Kaplan-Meier from theta*,
     * and the rate after a quasi-stationary burn-in (t = 20) */
    sgl_theory_problem p2;
    memset(&p2, 0, sizeof p2);
    p2.landscape = SGL_TL_MORI_ND; p2.L0 = L0; p2.a = 1; p2.n = 2; p2.noise = SGL_TN_MORI; p2.B_over_eta = 16;
    p2.eta = NAN; p2.event = SGL_TE_HYPERPLANE; p2.x_exit = -1.0;
    double T2 = sgl_rep_theory_value(&p2, "mori_mfpt");
    const uint32_t M2 = o.quick ? 300 : 2000;
    rep_sim sim2 = {p2, "sde", 0.005, 30.0 * T2, M2, o.spec.seed + 500, o.threads, 0, 0, 0, 0};
    rep_sim_out so[2];
    memset(so, 0, sizeof so);
    sgl_ks_est ks, ks_qs;
    sgl_rate_est rate[2], tail[2];
    sgl_mfpt_est mf[2];
    const double t0 = 5.0;   /* left truncation for the asymptotic (tail) rate */
    for (int q = 0; q < 2; ++q) {
        sim2.start_qs = q; sim2.burn_in = q ? 20.0 : 0.0; sim2.seed = o.spec.seed + 500 + (uint64_t)q;
        if (sgl_rep_sim_escape(&sim2, &so[q], why, sizeof why) != 0 ||
            sgl_est_rate(so[q].t, so[q].state, so[q].n, 0.95, &rate[q], &err) != SGL_OK ||
            sgl_est_mfpt(so[q].t, so[q].state, so[q].n, 0.95, 1000, o.spec.seed, &mf[q], &err) != SGL_OK) {
            fprintf(stderr, "sgdlab: reproduce " EXPE ": simulation failed: %s%s\n", why, err.msg);
            sgl_rep_sim_free(&so[0]); sgl_rep_sim_free(&so[1]);
            return SGL_EXIT_FAIL;
        }
        if (progress) fprintf(stderr, "(2,3) start %s: %.1f s\n", q ? "quasi-stationary" : "theta*", so[q].seconds);
        /* the exponential rate of the tail: trajectories alive at t0, times counted from t0 */
        size_t nt = 0;
        double *tt = malloc(sizeof *tt * so[q].n);
        int *ts = malloc(sizeof *ts * so[q].n);
        for (size_t i = 0; tt && ts && i < so[q].n; ++i)
            if (so[q].state[i] != SGL_FP_DIVERGED && so[q].t[i] > t0) { tt[nt] = so[q].t[i] - t0; ts[nt] = so[q].state[i]; ++nt; }
        if (!tt || !ts || sgl_est_rate(tt, ts, nt, 0.95, &tail[q], &err) != SGL_OK) memset(&tail[q], 0, sizeof tail[q]);
        free(tt); free(ts);
    }
    int have_ks = sgl_est_ks_exp(so[0].t, so[0].state, so[0].n, sim2.t_max, o.quick ? 199 : 999, o.spec.seed, &ks, &err) == SGL_OK;
    int have_ksq = sgl_est_ks_exp(so[1].t, so[1].state, so[1].n, sim2.t_max, o.quick ? 199 : 999, o.spec.seed, &ks_qs, &err) == SGL_OK;
    double *km_t = malloc(sizeof(double) * so[0].n * 3);
    size_t km_n = 0;
    if (km_t) sgl_est_km(so[1].t, so[1].state, so[1].n, km_t, km_t + so[1].n, km_t + 2 * so[1].n, &km_n, &err);

    /* (4) sharpness k on the 1-D double well, B/eta = 32, Delta L = 1 */
    enum { NK = 5, NKS = 3 };
    static const double ks_[NK] = {1, 1.5, 2, 3, 4};
    const series SK[NKS] = {{"SGD-type Sigma = H*/B, SDE", "sde", SGL_TN_XIE, 0.005},
                            {"SGD-type Sigma = H*/B, discrete SGD eta = 0.01", "sgd", SGL_TN_XIE, 0.01},
                            {"isotropic D = 0.125, SDE", "sde", SGL_TN_ISOTROPIC, 0.005}};
    simres R4[NKS][NK];
    double th4[NKS][NK];
    memset(R4, 0, sizeof R4);
    sgl_wls_est fit4[NKS], fit4l[NKS];
    int have4[NKS];
    for (int s = 0; s < NKS; ++s) {
        double xw[NK], yw[NK], sw[NK], lw[NK];
        size_t nw = 0;
        for (int i = 0; i < NK; ++i) {
            sgl_theory_problem p;
            memset(&p, 0, sizeof p);
            p.landscape = SGL_TL_DOUBLEWELL; p.L0 = L0; p.a = 1; p.n = 1; p.k = ks_[i];
            p.noise = SK[s].noise; p.B_over_eta = 32; p.D = 0.125; p.eta = NAN;
            p.event = SGL_TE_HYPERPLANE; p.x_exit = -1.0 / sqrt(ks_[i]);
            th4[s][i] = sgl_rep_theory_value(&p, "exact_mfpt");
            double step = SK[s].dyn[1] == 'd' ? SK[s].step / ks_[i] : SK[s].step;   /* SDE: h* k dt = 0.04 */
            uint32_t M;
            double tm;
            if (o.quick && i > 2) continue;
            if (!sgl_rep_plan_budget(th4[s][i], step, budget, M0, &M, &tm)) continue;
            rep_sim sim = {p, SK[s].dyn, step, tm, M, o.spec.seed + 700 + 10 * (uint64_t)s + (uint64_t)i, o.threads, 0, 0, 0, 0};
            if (sgl_rep_simulate(&sim, &R4[s][i], o.spec.seed, why, sizeof why) != 0) {
                fprintf(stderr, "sgdlab: reproduce " EXPE ": simulation failed: %s\n", why);
                return SGL_EXIT_FAIL;
            }
            if (progress) fprintf(stderr, "(4) %s k=%g: %.1f s\n", SK[s].label, ks_[i], R4[s][i].seconds);
            if (isfinite(R4[s][i].mfpt) && R4[s][i].escaped > 0) {
                /* log(k MFPT): the Kramers prefactor 2 pi / |h^s| is ~ 1/k, so this isolates the exponent */
                xw[nw] = 1.0 / ks_[i]; lw[nw] = log(ks_[i]); yw[nw] = log(ks_[i] * R4[s][i].mfpt);
                sw[nw] = (log(R4[s][i].hi) - log(R4[s][i].lo)) / (2 * Z95);
                ++nw;
            }
        }
        have4[s] = nw >= 3 && sgl_est_wls(xw, yw, sw, nw, &fit4[s], NULL) == SGL_OK &&
                   sgl_est_wls(lw, yw, sw, nw, &fit4l[s], NULL) == SGL_OK;
    }
    double total = omp_get_wtime() - t_all;

    /* ------------------------------------------------------------- plots */
    char *dat = sgl_rep_join(out_dir, EXPE ".dat"), *gp = sgl_rep_join(out_dir, EXPE ".gp");
    char *png = sgl_rep_join(out_dir, EXPE ".png");
    const char *plot = NULL;
    why[0] = '\0';
    FILE *f = dat ? fopen(dat, "w") : NULL;
    if (f) {
        fprintf(f, "# sgdlab %s (git %s) reproduce " EXPE "\n", sgl_version(), sgl_git_hash());
        for (int s = 0; s < NS; ++s) {
            fprintf(f, "%s# (1) %s: B/eta, sim MFPT, lo, hi, theory\n", s ? "\n\n" : "", S[s].label);
            for (int b = 0; b < NBE; ++b)
                if (R1[s][b].simulated) fprintf(f, "%g %.10g %.10g %.10g %.10g\n", Bes[b], R1[s][b].mfpt, R1[s][b].lo, R1[s][b].hi, th1[s][b]);
                else fprintf(f, "%g nan nan nan %.10g\n", Bes[b], th1[s][b]);
        }
        fprintf(f, "\n\n# (2) Kaplan-Meier: t / mean, S, Greenwood se\n");
        for (size_t j = 0; j < km_n; ++j)
            fprintf(f, "%.10g %.10g %.10g\n", km_t[j] / mf[1].mle_mean, km_t[so[1].n + j], km_t[2 * so[1].n + j]);
        for (int s = 0; s < NKS; ++s) {
            fprintf(f, "\n\n# (4) %s: 1/k, sim MFPT, lo, hi, exact\n", SK[s].label);
            for (int i = 0; i < NK; ++i)
                if (R4[s][i].simulated) fprintf(f, "%g %.10g %.10g %.10g %.10g\n", 1 / ks_[i], R4[s][i].mfpt, R4[s][i].lo, R4[s][i].hi, th4[s][i]);
                else fprintf(f, "%g nan nan nan %.10g\n", 1 / ks_[i], th4[s][i]);
        }
        int bad = ferror(f) != 0;   /* any earlier write, then the close */
        bad |= fclose(f) != 0;
        if (bad) snprintf(why, sizeof why, "cannot write '%s'", dat);
    } else snprintf(why, sizeof why, "cannot write the plot data in '%s'", out_dir);
    if (!why[0] && (f = fopen(gp, "w"))) {
        fprintf(f, "# sgdlab %s (git %s) reproduce " EXPE "\nset terminal pngcairo size 1500,480\nset output '" EXPE ".png'\n"
                   "set datafile missing 'nan'\nset multiplot layout 1,3 title 'Exponential escape%s'\nset grid\nset logscale y\n",
                sgl_version(), sgl_git_hash(), o.quick ? " (--quick)" : "");
        fputs("set xlabel 'B/eta'\nset ylabel 'MFPT (t = eta k)'\nset key left top\nset title '(1) 2-D Mori well'\n"
              "plot '" EXPE ".dat' index 0 u 1:2:3:4 w yerrorbars pt 7 lc 1 t 'Mori SDE', '' index 0 u 1:5 w l lc 1 t 'Eq. 17', \\\n"
              "  '' index 1 u 1:2:3:4 w yerrorbars pt 5 lc 2 t 'Mori discrete SGD', \\\n"
              "  '' index 2 u 1:2:3:4 w yerrorbars pt 9 lc 3 t 'isotropic SDE', '' index 2 u 1:5 w l lc 3 t 'Eyring-Kramers'\n", f);
        fputs("set xlabel 't / E t'\nset ylabel 'survival S(t)'\nset title '(2) Kaplan-Meier (quasi-stationary start) vs Exp(1)'\nset key right top\n"
              "plot '" EXPE ".dat' index 3 u 1:2 w steps lw 2 t 'Kaplan-Meier', exp(-x) w l dt 2 lw 2 t 'Exp(1)'\n", f);
        fputs("set xlabel '1/k'\nset ylabel 'MFPT (t = eta k)'\nset title '(4) sharpness k, 1-D double well'\nset key left top\n"
              "plot '" EXPE ".dat' index 4 u 1:2:3:4 w yerrorbars pt 7 lc 1 t 'SGD-type SDE', '' index 4 u 1:5 w l lc 1 t 'exact', \\\n"
              "  '' index 5 u 1:2:3:4 w yerrorbars pt 5 lc 2 t 'SGD-type discrete', \\\n"
              "  '' index 6 u 1:2:3:4 w yerrorbars pt 9 lc 3 t 'isotropic SDE', '' index 6 u 1:5 w l lc 3 t 'exact'\n"
              "unset multiplot\n", f);
        int bad = ferror(f) != 0;   /* any earlier write, then the close */
        bad |= fclose(f) != 0;
        if (bad) snprintf(why, sizeof why, "cannot write '%s'", gp);
    } else if (!why[0]) snprintf(why, sizeof why, "cannot write '%s'", gp);
    if (!why[0]) {
        remove(png);
        if (sgl_rep_gnuplot(out_dir, EXPE ".gp", why, sizeof why) == 0) {
            struct stat sb;
            if (stat(png, &sb) == 0 && sb.st_size > 0) plot = png;
            else snprintf(why, sizeof why, "gnuplot ran but wrote no '%s'", png);
        }
    }
    if (!plot) fprintf(stderr, "sgdlab: warning: plot not written (%s); the results follow\n", why);

    /* ------------------------------------------------------------ output */
    FILE *out = stdout;
    double rr = rate[1].value / rate[0].value;
    double rr_se = rr * sqrt(1.0 / (double)rate[0].escaped + 1.0 / (double)rate[1].escaped);
    double tr = tail[1].value / tail[0].value;
    double tr_se = tr * sqrt(1.0 / (double)tail[0].escaped + 1.0 / (double)tail[1].escaped);
    if (o.json) {
        fprintf(out, "{\"experiment\":\"" EXPE "\",\"version\":\"%s\",\"git\":\"%s\",\"counter_layout\":%d,\"seed\":%llu,"
                     "\"quick\":%s,\"time_unit\":\"t = eta k\",\"plot\":",
                sgl_version(), sgl_git_hash(), SGL_COUNTER_LAYOUT, (unsigned long long)o.spec.seed, o.quick ? "true" : "false");
        if (plot) sgl_rep_json_string(out, plot); else fputs("null", out);
        fputs(",\"b_over_eta\":[", out);
        for (int s = 0; s < NS; ++s) {
            fprintf(out, "%s{\"series\":", s ? "," : "");
            sgl_rep_json_string(out, S[s].label);
            sgl_rep_jnum(out, "min_action_barrier", V[s], 1);
            sgl_rep_jnum(out, "closed_form_barrier", Vclosed[s], 1);
            if (have1[s]) { sgl_rep_jnum(out, "slope", fit1[s].slope, 1); sgl_rep_jnum(out, "slope_se", fit1[s].slope_se, 1); }
            else fputs(",\"slope\":null,\"slope_se\":null", out);
            fputs(",\"rows\":[", out);
            for (int b = 0; b < NBE; ++b) {
                fprintf(out, "%s{", b ? "," : "");
                sgl_rep_jnum(out, "B_over_eta", Bes[b], 0);
                sgl_rep_jnum(out, "theory_mfpt", th1[s][b], 1);
                fputs(",\"sim\":", out);
                sgl_rep_json_sim(out, &R1[s][b]);
                fputc('}', out);
            }
            fputs("]}", out);
        }
        fputs("],\"ks\":", out);
        if (have_ks) {
            fputc('{', out);
            sgl_rep_jnum(out, "D", ks.D, 0); sgl_rep_jnum(out, "p_value", ks.p_value, 1);
            fprintf(out, ",\"n_sim\":%u,\"escapes\":%llu}", ks.n_sim, (unsigned long long)ks.n_used);
        } else fputs("null", out);
        fputs(",\"ks_quasi_stationary\":", out);
        if (have_ksq) {
            fputc('{', out);
            sgl_rep_jnum(out, "D", ks_qs.D, 0); sgl_rep_jnum(out, "p_value", ks_qs.p_value, 1);
            fprintf(out, ",\"n_sim\":%u,\"escapes\":%llu}", ks_qs.n_sim, (unsigned long long)ks_qs.n_used);
        } else fputs("null", out);
        fputs(",\"start\":[", out);
        for (int q = 0; q < 2; ++q) {
            fprintf(out, "%s{\"start\":\"%s\",\"rate\":{", q ? "," : "", q ? "quasi-stationary burn-in t = 20" : "theta*");
            sgl_rep_jnum(out, "value", rate[q].value, 0); sgl_rep_jnum(out, "se", rate[q].se, 1);
            fputs(",\"ci\":[", out);
            sgl_print_double(out, rate[q].ci_lo, 1); fputc(',', out); sgl_print_double(out, rate[q].ci_hi, 1);
            fputs("]},\"tail_rate\":{", out);
            sgl_rep_jnum(out, "t0", t0, 0); sgl_rep_jnum(out, "value", tail[q].value, 1); sgl_rep_jnum(out, "se", tail[q].se, 1);
            fputs(",\"ci\":[", out);
            sgl_print_double(out, tail[q].ci_lo, 1); fputc(',', out); sgl_print_double(out, tail[q].ci_hi, 1);
            fputs("]},\"mfpt\":{", out);
            sgl_rep_jnum(out, "mean", mf[q].mean, 0); sgl_rep_jnum(out, "se", mf[q].se, 1);
            fputs(",\"ci\":[", out);
            sgl_print_double(out, mf[q].ci_lo, 1); fputc(',', out); sgl_print_double(out, mf[q].ci_hi, 1);
            fprintf(out, "]},\"escaped\":%llu,\"censored\":%llu,\"diverged\":%llu}", (unsigned long long)rate[q].escaped,
                    (unsigned long long)rate[q].censored, (unsigned long long)rate[q].diverged);
        }
        fputs("]", out);
        sgl_rep_jnum(out, "rate_ratio_qs_over_theta_star", rr, 1);
        sgl_rep_jnum(out, "rate_ratio_se", rr_se, 1);
        sgl_rep_jnum(out, "tail_rate_ratio", tr, 1);
        sgl_rep_jnum(out, "tail_rate_ratio_se", tr_se, 1);
        fputs(",\"sharpness\":[", out);
        for (int s = 0; s < NKS; ++s) {
            fprintf(out, "%s{\"series\":", s ? "," : "");
            sgl_rep_json_string(out, SK[s].label);
            if (have4[s]) {
                sgl_rep_jnum(out, "slope_log_k_mfpt_vs_inv_k", fit4[s].slope, 1); sgl_rep_jnum(out, "slope_log_k_mfpt_vs_inv_k_se", fit4[s].slope_se, 1);
                sgl_rep_jnum(out, "slope_log_mfpt_vs_log_k", fit4l[s].slope - 1.0, 1); sgl_rep_jnum(out, "slope_log_mfpt_vs_log_k_se", fit4l[s].slope_se, 1);
            }
            fputs(",\"rows\":[", out);
            for (int i = 0; i < NK; ++i) {
                fprintf(out, "%s{", i ? "," : "");
                sgl_rep_jnum(out, "k", ks_[i], 0);
                sgl_rep_jnum(out, "exact_mfpt", th4[s][i], 1);
                fputs(",\"sim\":", out);
                sgl_rep_json_sim(out, &R4[s][i]);
                fputc('}', out);
            }
            fputs("]}", out);
        }
        fputs("]", out);
        sgl_rep_jnum(out, "seconds", total, 1);
        fputs("}\n", out);
    } else {
        fprintf(out, "# sgdlab reproduce " EXPE ": exponential escape (Ibayashi-Imaizumi; THEORY.md 6.3, 7.2-7.5, X1)\n");
        fprintf(out, "# sgdlab %s (git %s, Philox4x32-10 counter layout %d), seed %llu%s\n", sgl_version(), sgl_git_hash(),
                SGL_COUNTER_LAYOUT, (unsigned long long)o.spec.seed, o.quick ? ", --quick (small budgets: smoke test)" : "");
        fprintf(out, "# times in GD time t = eta k; CIs 95%%; '*' = 1/kappa from the censored MLE (LR interval)\n\n");
        fprintf(out, "(1) log E[nu] against B/eta: 2-D Mori well L = 0.5 + (z1^2-1)^2 + 4 z2^2, exit z1 <= -1, SDE dt = SGD eta = 0.005\n");
        for (int s = 0; s < NS; ++s) {
            fprintf(out, "  %s\n  %6s %34s %15s %12s %8s\n", S[s].label, "B/eta", "simulation MFPT [95% CI]", "esc/cens/div",
                    S[s].noise == SGL_TN_MORI ? "Mori Eq.17" : "Eyring-Kr.", "seconds");
            for (int b = 0; b < NBE; ++b) {
                char c1[96], c2[48];
                sgl_rep_cell_ci(c1, sizeof c1, &R1[s][b]);
                if (R1[s][b].simulated) snprintf(c2, sizeof c2, "%llu/%llu/%llu", (unsigned long long)R1[s][b].escaped,
                                                 (unsigned long long)R1[s][b].censored, (unsigned long long)R1[s][b].diverged);
                else snprintf(c2, sizeof c2, "-");
                fprintf(out, "  %6g %34s %15s %12.5g %8.1f\n", Bes[b], c1, c2, th1[s][b], R1[s][b].seconds);
            }
            if (have1[s])
                fprintf(out, "  slope of log MFPT vs B/eta: %.4f +- %.4f; minimum-action barrier %.4f (closed form %.4f); "
                             "z = %.2f\n", fit1[s].slope, fit1[s].slope_se, V[s], Vclosed[s], (fit1[s].slope - V[s]) / fit1[s].slope_se);
            else fprintf(out, "  (fewer than 3 simulated points: no slope); minimum-action barrier %.4f\n", V[s]);
        }
        fprintf(out, "\n(2) nu / E[nu] against Exp(1): Mori SDE, B/eta = 16, from theta*, M = %u, t_max = %.4g\n", M2, sim2.t_max);
        if (have_ks)
            fprintf(out, "  start theta*:           KS D = %.4f over %llu escapes, p = %.4g (parametric bootstrap, %u replicates)\n",
                    ks.D, (unsigned long long)ks.n_used, ks.p_value, ks.n_sim);
        if (have_ksq)
            fprintf(out, "  quasi-stationary start: KS D = %.4f over %llu escapes, p = %.4g\n", ks_qs.D,
                    (unsigned long long)ks_qs.n_used, ks_qs.p_value);
        fprintf(out, "  (from theta* the law is Exp shifted by the relaxation offset, so a small p there is expected at this barrier)\n");
        fprintf(out, "  Kaplan-Meier survival of the quasi-stationary start: %zu points in the plot data (log S linear in t for an\n"
                     "  exponential law)\n", km_n);
        fprintf(out, "\n(3) rate from theta* vs after a quasi-stationary burn-in (t = 20, conditioned on no exit)\n");
        for (int q = 0; q < 2; ++q)
            fprintf(out, "  %-34s rate %.5g [%.5g, %.5g] per t; MFPT %.5g [%.5g, %.5g]; esc/cens/div %llu/%llu/%llu\n",
                    q ? "quasi-stationary start" : "start at theta*", rate[q].value, rate[q].ci_lo, rate[q].ci_hi, mf[q].mean,
                    mf[q].ci_lo, mf[q].ci_hi, (unsigned long long)rate[q].escaped, (unsigned long long)rate[q].censored,
                    (unsigned long long)rate[q].diverged);
        for (int q = 0; q < 2; ++q)
            fprintf(out, "  %-34s tail rate (alive at t0 = %g, counted from t0) %.5g [%.5g, %.5g] per t, %llu escapes\n",
                    q ? "quasi-stationary start" : "start at theta*", t0, tail[q].value, tail[q].ci_lo, tail[q].ci_hi,
                    (unsigned long long)tail[q].escaped);
        fprintf(out, "  1/MFPT ratio (quasi-stationary / theta*) = %.4f +- %.4f: the theta* start carries an offset of %.4g t\n"
                     "  tail-rate ratio = %.4f +- %.4f (1: the same exponential rate from either start)\n",
                rr, rr_se, mf[0].mean - mf[1].mean, tr, tr_se);
        fprintf(out, "\n(4) sharpness k (theta -> sqrt(k) theta), 1-D double well L = 0.5 + (k theta^2 - 1)^2, B/eta = 32, exit theta <= -1/sqrt k\n");
        for (int s = 0; s < NKS; ++s) {
            fprintf(out, "  %s\n  %5s %34s %15s %12s %9s %8s\n", SK[s].label, "k", "simulation MFPT [95% CI]", "esc/cens/div",
                    "exact", "sim/exact", "seconds");
            for (int i = 0; i < NK; ++i) {
                char c1[96], c2[48], c3[24];
                sgl_rep_cell_ci(c1, sizeof c1, &R4[s][i]);
                if (R4[s][i].simulated) {
                    snprintf(c2, sizeof c2, "%llu/%llu/%llu", (unsigned long long)R4[s][i].escaped,
                             (unsigned long long)R4[s][i].censored, (unsigned long long)R4[s][i].diverged);
                    snprintf(c3, sizeof c3, "%.3f", R4[s][i].mfpt / th4[s][i]);
                } else { snprintf(c2, sizeof c2, "-"); snprintf(c3, sizeof c3, "-"); }
                fprintf(out, "  %5g %34s %15s %12.5g %9s %8.1f\n", ks_[i], c1, c2, th4[s][i], c3, R4[s][i].seconds);
            }
            if (have4[s])
                fprintf(out, "  slope of log(k MFPT) vs 1/k: %.3f +- %.3f (SGD-type LDT: 2 (B/eta) Delta L / h*(k=1) = 8; isotropic: 0);\n"
                             "  slope of log MFPT vs log k: %.3f +- %.3f (isotropic: -1, polynomial)\n", fit4[s].slope, fit4[s].slope_se,
                        fit4l[s].slope - 1.0, fit4l[s].slope_se);
        }
        if (plot) fprintf(out, "\nplot: %s\n", plot); else fprintf(out, "\nplot: not written (%s)\n", why);
        fprintf(out, "total: %.1f s\n", total);
    }
    int code = SGL_EXIT_OK;   /* main checks standard output to its close */
    free(km_t); free(dat); free(gp); free(png);
    sgl_rep_sim_free(&so[0]); sgl_rep_sim_free(&so[1]);
    return code;
}
