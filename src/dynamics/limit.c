/* Li-Wang-Arora's limiting dynamics on the manifold of minimisers Gamma
 * (THEORY.md 2.4-2.6, 2.8), in limit time t = eta^2 k.
 *
 * General form (THEORY 2.5), for the noise kind's covariance Sigma(zeta):
 *     dzeta = P_par Sigma^{1/2} dW                             (a)
 *             - 1/2 H^+ d2(gradL)[Sigma_par] dt                (b)
 *             - P_par d2(gradL)[H^+ Sigma_perp,par] dt         (c)  (symmetrised: d2(gradL)[A] = d2(gradL)[A^T])
 *             - 1/2 P_par d2(gradL)[L_H^{-1}(Sigma_perp)] dt   (d)
 * Closed forms (THEORY 2.6):
 *     label-shaped (Sigma = c H on Gamma):  dzeta/dt = -(c/4) P_par grad tr H,   grad tr H = d2(gradL)[I]
 *     isotropic (Sigma = s^2 I):           dzeta = s P_par dW - (s^2/2) H^+ d2(gradL)[P_par] dt
 *                                                   - (s^2/4) P_par d2(gradL)[H^+] dt
 *                                          (Brownian motion on Gamma - (s^2/4) grad_Gamma log pdet H)
 *     minibatch-type (Sigma = 0 on Gamma): no motion on this clock
 *     sqrt-loss / normalized (deterministic, THEORY 2.8): the flow lowering lambda_1,
 *         GD on sqrt L:   dzeta/dt = -(1/8) P_par grad lambda_1
 *         normalised GD:  dzeta/dt = -(1/4) P_par grad log lambda_1
 *     with grad lambda_1 = d2(gradL)[v_1 v_1^T]; the constants are derived here
 *     (the normal coordinate along v_1 settles into a period-2 orbit with mean
 *     |s| = h/2, h = the normal step: eta sqrt(lambda_1/2) for sqrt L, eta for
 *     normalised GD; the tangential step is eta |s| grad lambda_1 / (4 sqrt(lambda_1/2))
 *     resp. eta |s| grad lambda_1 / (2 lambda_1)); THEORY 2.8 gives no constant.
 * Euler-Maruyama with projection back onto Gamma by Phi after every step;
 * Brownian increments from stream (seed, trajectory, EM step, SGL_P_LIMIT). */
#include "../plan.h"
#include "../noise/common.h"
#include "gamma_ws.h"

#include <math.h>
#include <omp.h>
#include <string.h>

const char *const sgl_limit_form_names[] = {"auto", "general", "closed", NULL};
const char *const sgl_limit_eig_names[] = {"iterative", "dense", NULL};

void sgl_limit_opts_default(sgl_limit_opts *o)
{
    o->T = 1.0;
    o->dt = 1e-3;
    o->n_log = 10;
    o->form = SGL_LIMIT_AUTO;
    o->near_tol = 1e-6;
    o->rank_tol = 1e-8;
    sgl_flow_opts_default(&o->flow);
    o->eig = SGL_LIMIT_EIG_ITERATIVE;
}

typedef enum { K_GENERAL, K_LABEL, K_ISO, K_ZERO, K_SQRT, K_NORMALIZED } closed_kind;

static int noise_is(const sgl_plan *p, const char *name) { return strcmp(p->noise->name, name) == 0; }

static closed_kind closed_kind_of(const sgl_plan *p)
{
    if (p->noise->label_c) return K_LABEL;
    if (p->noise->cov == sgl_cov_gaussian) return K_ISO;
    if (p->noise->cov == sgl_cov_zero || p->noise->cov == sgl_cov_minibatch ||
        p->noise->cov == sgl_cov_minibatch_diff)
        return K_ZERO;
    if (noise_is(p, "sqrt-loss")) return K_SQRT;
    if (noise_is(p, "normalized")) return K_NORMALIZED;
    return K_GENERAL;
}

/* C = A B (D x D) */
static void matmul(size_t D, const double *A, const double *B, double *C)
{
    for (size_t i = 0; i < D; ++i) {
        double *ci = C + i * D;
        for (size_t j = 0; j < D; ++j) ci[j] = 0.0;
        for (size_t k = 0; k < D; ++k) {
            const double a = A[i * D + k];
            if (a == 0.0) continue;
            for (size_t j = 0; j < D; ++j) ci[j] += a * B[k * D + j];
        }
    }
}

static void matvec(size_t D, const double *A, const double *x, double *y)
{
    for (size_t i = 0; i < D; ++i) {
        double s = 0.0;
        for (size_t j = 0; j < D; ++j) s += A[i * D + j] * x[j];
        y[i] = s;
    }
}

/* doubles of work limit_coeffs_ws needs */
static size_t coeffs_work(size_t D) { return 4 * D * D + 3 * D; }

/* flags of limit_coeffs_ws (the limit's steps; sgl_limit_coeffs uses none) */
enum {
    LC_LOWRANK = 1u,   /* label, sqrt-loss, normalized: P_par applied as I - V V^T (g without its dense operators) */
    LC_KEEP = 2u       /* R and work are the previous call's: the label form's identity A is in place, and R,
                          when the form draws no noise, is not cleared (the caller ignores it) */
};

/* does the form need g's dense H^+ and P_par (the general form, the isotropic closed form)? */
static int needs_dense_ops(const sgl_plan *p, sgl_limit_form form)
{
    const closed_kind ck = closed_kind_of(p);
    return form == SGL_LIMIT_GENERAL || ck == K_ISO || (form == SGL_LIMIT_AUTO && ck == K_GENERAL);
}

/* sgl_limit_coeffs with caller-provided work (coeffs_work(D) doubles); *r_set:
 * whether R can be non-zero (the general form and the isotropic closed form) */
static sgl_status limit_coeffs_ws(const sgl_plan *p, const sgl_model *m, const double *zeta, sgl_gamma_geom *g,
                                  sgl_limit_form form, double *b, double *R, sgl_limit_form *form_used,
                                  double *work, unsigned flags, int *r_set, sgl_err *err);

sgl_status sgl_limit_coeffs(const sgl_plan *p, const sgl_model *m, const double *zeta, sgl_gamma_geom *g,
                            sgl_limit_form form, double *b, double *R, sgl_limit_form *form_used, sgl_err *err)
{
    double *work = sgl_alloc_doubles(coeffs_work(m->dim));
    if (!work) return sgl_fail(err, SGL_ENOMEM, "limit", "out of memory");
    int r_set;
    sgl_status st = limit_coeffs_ws(p, m, zeta, g, form, b, R, form_used, work, 0u, &r_set, err);
    sgl_free(work);
    return st;
}

static sgl_status limit_coeffs_ws(const sgl_plan *p, const sgl_model *m, const double *zeta, sgl_gamma_geom *g,
                                  sgl_limit_form form, double *b, double *R, sgl_limit_form *form_used,
                                  double *work, unsigned flags, int *r_set, sgl_err *err)
{
    const size_t D = m->dim;
    closed_kind ck = closed_kind_of(p);
    if (form == SGL_LIMIT_AUTO) form = ck == K_GENERAL ? SGL_LIMIT_GENERAL : SGL_LIMIT_CLOSED;
    if (form == SGL_LIMIT_CLOSED && ck == K_GENERAL)
        return sgl_fail(err, SGL_EINVAL, "--form",
                        "noise kind '%s' has no closed-form limit (closed forms: label, label-gauss, lngd, gaussian, "
                        "none, minibatch, minibatch-diff, sqrt-loss, normalized); use --form general",
                        p->noise->name);
    if (form == SGL_LIMIT_GENERAL && !p->noise->cov)
        return sgl_fail(err, SGL_EINVAL, "--form",
                        "noise kind '%s' is deterministic and has no covariance: its limit is the lambda_1 flow "
                        "(--form closed or auto)", p->noise->name);
    if (form_used) *form_used = form;
    *r_set = form == SGL_LIMIT_GENERAL || ck == K_ISO;
    sgl_status st = SGL_OK;
    double *A = work, *A2 = A + D * D, *S = A2 + D * D, *v = S + D * D, *w = v + D, *sw = w + D;
    for (size_t j = 0; j < D; ++j) b[j] = 0.0;
    if (R && !((flags & LC_KEEP) && !*r_set)) memset(R, 0, D * D * sizeof *R);
    if (form == SGL_LIMIT_CLOSED) {
        switch (ck) {
        case K_LABEL: {
            const double c = p->noise->label_c(p, m);
            if (!(flags & LC_KEEP)) {
                memset(A, 0, D * D * sizeof *A);
                for (size_t q = 0; q < g->live; ++q) A[g->live_idx[q] * (D + 1)] = 1.0;
            }
            if ((st = sgl_model_d3(m, zeta, A, v, err))) goto done;   /* grad tr H */
            if (flags & LC_LOWRANK) sgl_gamma_par_apply(g, v, w, sw);
            else matvec(D, g->Ppar, v, w);
            for (size_t j = 0; j < D; ++j) b[j] = -0.25 * c * w[j];
            break;
        }
        case K_ISO: {
            const double s = p->spec.sigma, s2 = s * s;
            if (p->spec.sigma_scale != SGL_SCALE_ETA) {
                st = sgl_cov_gaussian(p, m, zeta, S, err);   /* the message */
                goto done;
            }
            if ((st = sgl_model_d3(m, zeta, g->Ppar, v, err))) goto done;
            matvec(D, g->Hpinv, v, w);
            for (size_t j = 0; j < D; ++j) b[j] = -0.5 * s2 * w[j];
            if ((st = sgl_model_d3(m, zeta, g->Hpinv, v, err))) goto done;
            matvec(D, g->Ppar, v, w);
            for (size_t j = 0; j < D; ++j) b[j] -= 0.25 * s2 * w[j];
            if (R)
                for (size_t q = 0; q < D * D; ++q) R[q] = s * g->Ppar[q];
            break;
        }
        case K_ZERO: break;
        case K_SQRT:
        case K_NORMALIZED: {
            const double l1 = g->evals[0];
            if (g->live > 1 && g->evals[1] > l1 * (1.0 - 1e-6)) {
                st = sgl_fail(err, SGL_EINVAL, "theta",
                              "lambda_1 = %.6g is degenerate (lambda_2 = %.6g): the lambda_1 flow is not defined "
                              "here", l1, g->evals[1]);
                goto done;
            }
            for (size_t i = 0; i < D; ++i)
                for (size_t j = 0; j < D; ++j) A[i * D + j] = g->evecs[i * D] * g->evecs[j * D];
            if ((st = sgl_model_d3(m, zeta, A, v, err))) goto done;   /* grad lambda_1 */
            if (flags & LC_LOWRANK) sgl_gamma_par_apply(g, v, w, sw);
            else matvec(D, g->Ppar, v, w);
            const double k = ck == K_SQRT ? 0.125 : 0.25 / l1;
            for (size_t j = 0; j < D; ++j) b[j] = -k * w[j];
            break;
        }
        case K_GENERAL: break;
        }
        goto done;
    }
    /* general four-term form */
    if ((st = p->noise->cov(p, m, zeta, S, err))) goto done;
    if (R) {
        if (sgl_gamma_sqrt_psd(g, S, A, sw)) {
            st = sgl_fail(err, SGL_EINVAL, "theta", "the noise covariance has no square root (not finite?)");
            goto done;
        }
        matmul(D, g->Ppar, A, R);
    }
    /* (b): Sigma_par = P_par S P_par */
    matmul(D, g->Ppar, S, A2);
    matmul(D, A2, g->Ppar, A);
    if ((st = sgl_model_d3(m, zeta, A, v, err))) goto done;
    matvec(D, g->Hpinv, v, w);
    for (size_t j = 0; j < D; ++j) b[j] = -0.5 * w[j];
    /* (c): H^+ Sigma_{perp,par} = H^+ S P_par (H^+ P_perp = H^+), symmetrised */
    matmul(D, g->Hpinv, S, A2);
    matmul(D, A2, g->Ppar, A);
    for (size_t i = 0; i < D; ++i)
        for (size_t j = 0; j < D; ++j) A2[i * D + j] = 0.5 * (A[i * D + j] + A[j * D + i]);
    if ((st = sgl_model_d3(m, zeta, A2, v, err))) goto done;
    /* (d): L_H^{-1}(Sigma_perp); lyap_inv projects S onto the normal space itself */
    sgl_gamma_lyap_inv(g, S, A);
    if ((st = sgl_model_d3(m, zeta, A, w, err))) goto done;
    for (size_t j = 0; j < D; ++j) v[j] += 0.5 * w[j];
    matvec(D, g->Ppar, v, w);
    for (size_t j = 0; j < D; ++j) b[j] -= w[j];
done:
    return st;
}

/* bench/bench_limit.c's phase profile (gamma_ws.h): off unless asked for */
static int prof_on;
static double prof_s[SGL_LP_N];

void sgl_limit_profile(int on, double *out)
{
#pragma omp critical(sgl_limit_prof)
    {
        if (on) memset(prof_s, 0, sizeof prof_s);
        else if (out) memcpy(out, prof_s, sizeof prof_s);
        prof_on = on;
    }
}

/* per-trajectory outcome of the start projection */
typedef struct {
    sgl_status st;
    sgl_err err;
} start_state;

static void run_one(const sgl_plan *p, const sgl_limit_opts *o, sgl_traj *t, uint32_t id, uint64_t N, double dt,
                    const uint64_t *log_steps, size_t n_log, sgl_results *r, start_state *ss,
                    sgl_limit_info *info0)
{
    const size_t D = p->dim;
    sgl_traj_init(p, t, id);
    const sgl_model *m = &t->model;
    sgl_gamma_geom *g = NULL;
    sgl_gamma_ws *ws = NULL;
    /* every buffer once per trajectory, not per step */
    double *zeta = sgl_alloc_doubles(D), *b = sgl_alloc_doubles(D), *R = sgl_alloc_doubles(D * D),
           *xi = sgl_alloc_doubles(D + 2), *y = sgl_alloc_doubles(D), *cw = sgl_alloc_doubles(coeffs_work(D));
    uint32_t *words = sgl_malloc_array(4 * (D / 2 + 2), sizeof *words);
    ss->st = SGL_OK;
    if (!zeta || !b || !R || !xi || !y || !cw || !words || sgl_gamma_geom_alloc(m, &g) != SGL_OK ||
        sgl_gamma_ws_alloc(m, &ws) != SGL_OK) {
        ss->st = sgl_fail(&ss->err, SGL_ENOMEM, "limit", "out of memory");
        goto done;
    }
    double prof[SGL_LP_N] = {0};
    int timed;
#pragma omp atomic read
    timed = prof_on;
    if (timed) ws->prof = prof;
    sgl_flow_info fi;
    double t0 = sgl_lp_now(ws);
    ss->st = sgl_gamma_project_ws(m, t->theta, &o->flow, ws, NULL, zeta, &fi, &ss->err);
    sgl_lp_tick(ws, SGL_LP_START, &t0);
    if (ss->st != SGL_OK) goto done;
    int dead = 0;
    uint64_t k = 0;
    sgl_limit_form used = SGL_LIMIT_AUTO;
    /* iterative: the normal space warm-started after the first step, and H^+, P_par
     * as D x D matrices only where the form contracts them with third derivatives */
    const int dense = o->eig == SGL_LIMIT_EIG_DENSE, ops = dense || needs_dense_ops(p, o->form);
    for (size_t l = 0; l < n_log; ++l) {
        for (; !dead && k < log_steps[l]; ++k) {
            sgl_err e2 = {{0}, {0}};
            int r_set = 1;
            sgl_lp_tick(ws, SGL_LP_REST, &t0);
            const unsigned how = (ops ? 0u : SGL_GEOM_NO_OPS) | (!dense && k ? SGL_GEOM_WARM : 0u);
            sgl_status ge = sgl_gamma_geometry_ws(m, zeta, o->near_tol, o->rank_tol, g, ws->scr, ws, how, &e2);
            t0 = sgl_lp_now(ws);
            const unsigned cf = (ops ? 0u : LC_LOWRANK) | (k ? LC_KEEP : 0u);
            if (ge == SGL_OK) ge = limit_coeffs_ws(p, m, zeta, g, o->form, b, R, &used, cw, cf, &r_set, &e2);
            sgl_lp_tick(ws, SGL_LP_COEF, &t0);
            if (ge != SGL_OK) {
                /* out of memory fails the whole call as that; otherwise a start point that is not
                 * usable fails it (bad input), a later step ends the trajectory (diverged) */
                if (k == 0 || ge == SGL_ENOMEM) {
                    ss->st = ge == SGL_ENOMEM ? ge : SGL_EINVAL;
                    ss->err = e2;
                }
                dead = 1;
                break;
            }
            if (k == 0 && info0) {
                info0->form_used = used;
                info0->rank = g->rank;
                info0->gap_ratio = g->gap_ratio;
                if (p->noise->label_c) info0->label_c = p->noise->label_c(p, m);
            }
            /* the drift-only forms leave R = 0: no normals to draw (a counter-based
             * stream, so skipping them changes no other draw) and R xi = +0 */
            if (r_set) sgl_normals_fill(p->spec.seed, id, k, SGL_P_LIMIT, D, xi, words);
            const double sq = sqrt(dt);
            for (size_t i = 0; i < D; ++i) {
                double s = 0.0;
                if (r_set)
                    for (size_t j = 0; j < D; ++j) s += R[i * D + j] * xi[j];
                y[i] = zeta[i] + b[i] * dt + sq * s;
            }
            sgl_lp_tick(ws, SGL_LP_REST, &t0);
            sgl_status pe = sgl_gamma_project_ws(m, y, &o->flow, ws, g, zeta, &fi, &e2);
            sgl_lp_tick(ws, SGL_LP_PHI, &t0);
            if (pe != SGL_OK) {   /* the step left Gamma's neighbourhood: diverged; out of memory fails the call */
                if (pe == SGL_ENOMEM) {
                    ss->st = pe;
                    ss->err = e2;
                }
                dead = 1;
                break;
            }
        }
        if (dead && !t->diverged) {
            t->diverged = 1;
            t->diverged_step = k;
        }
        memcpy(t->theta, zeta, D * sizeof *zeta);
        sgl_results_log(r, p, t, l);
    }
    (void)N;
    sgl_results_end(r, t, zeta);
    sgl_lp_tick(ws, SGL_LP_REST, &t0);
    if (timed) {
        ws->prof = NULL;
#pragma omp critical(sgl_limit_prof)
        for (int q = 0; q < SGL_LP_N; ++q) prof_s[q] += prof[q];
    }
done:
    sgl_gamma_geom_free(g);
    sgl_gamma_ws_free(ws);
    sgl_free(zeta); sgl_free(b); sgl_free(R); sgl_free(xi); sgl_free(y); sgl_free(cw); sgl_free(words);
}

sgl_status sgl_limit_execute(const sgl_plan *p, const sgl_limit_opts *o, int threads, sgl_results **out,
                             sgl_limit_info *info, sgl_err *err)
{
    *out = NULL;
    if (!(o->T > 0.0) || !isfinite(o->T)) return sgl_fail(err, SGL_EINVAL, "--T", "must be a finite number > 0");
    if (!(o->dt > 0.0) || !(o->dt <= o->T)) return sgl_fail(err, SGL_EINVAL, "--dt", "must be in (0, --T]");
    const double Nd = ceil(o->T / o->dt - 1e-9);
    if (Nd > 1e9) return sgl_fail(err, SGL_EINVAL, "--dt", "T/dt = %.3g Euler-Maruyama steps; at most 1e9", Nd);
    const uint64_t N = (uint64_t)Nd;
    if (o->n_log < 1) return sgl_fail(err, SGL_EINVAL, "--every", "need at least one log point");
    /* the first Euler-Maruyama step (and any step where the rank may have changed)
     * diagonalises the dense D x D Hessian, and the coefficients use third
     * derivatives: O(D^3) work (D = 400: about 1 s per step here) */
    if (p->dim > SGL_LIMIT_MAX_DIM)
        return sgl_fail(err, SGL_EINVAL, p->mtype->caps & SGL_CAP_WIDTH ? "--width" : "--d",
                        "the limit does O(D^3) dense Hessian work per step; --model %s has D = %zu parameters here, at "
                        "most %d", p->mtype->name, p->dim, SGL_LIMIT_MAX_DIM);
    const size_t nl = o->n_log < N ? o->n_log : (size_t)N;
    if (!(o->near_tol > 0.0) || !(o->rank_tol > 0.0 && o->rank_tol < 1.0))
        return sgl_fail(err, SGL_EINVAL, "limit", "near_tol must be > 0 and rank_tol in (0, 1)");
    if (!(p->mtype->caps & SGL_CAP_HVP))
        return sgl_fail(err, SGL_ECAPS, "--model",
                        "model '%s' has no Hessian-vector product: the limit needs the Hessian and its "
                        "derivative on Gamma", p->mtype->name);
    if (o->form != SGL_LIMIT_AUTO && o->form != SGL_LIMIT_GENERAL && o->form != SGL_LIMIT_CLOSED)
        return sgl_fail(err, SGL_EINVAL, "--form", "valid: auto, general, closed");
    if (o->eig != SGL_LIMIT_EIG_ITERATIVE && o->eig != SGL_LIMIT_EIG_DENSE)
        return sgl_fail(err, SGL_EINVAL, "limit-eig", "valid: iterative, dense");
    const double dt = o->T / (double)N;
    /* log points: nl + 1 evenly spaced EM steps, 0 and N included */
    uint64_t *steps = sgl_malloc((nl + 1) * sizeof *steps);
    sgl_results *r = NULL;
    start_state *ss = sgl_calloc(p->spec.seeds, sizeof *ss);
    if (steps)
        for (size_t l = 0; l <= nl; ++l) steps[l] = (uint64_t)((N * (uint64_t)l) / nl);
    if (!steps || !ss || sgl_results_make(p->spec.seeds, nl + 1, steps, p->n_obs, p->dim, &r) != SGL_OK) {
        sgl_free(steps);
        sgl_free(ss);
        return sgl_fail(err, SGL_ENOMEM, "limit", "out of memory");
    }
    sgl_free(steps);
    sgl_limit_info inf0;
    inf0.form_used = o->form;
    inf0.rank = 0;
    inf0.gap_ratio = NAN;
    inf0.em_steps = N;
    inf0.dt = dt;
    inf0.label_c = NAN;
    int nth = threads > 0 ? threads : omp_get_max_threads();
    sgl_status oom = SGL_OK;
#pragma omp parallel num_threads(nth)
    {
        sgl_traj *t = NULL;
        if (sgl_traj_alloc(p, &t) != SGL_OK) {
#pragma omp atomic write
            oom = SGL_ENOMEM;
        }
#pragma omp for schedule(dynamic, 1)
        for (int64_t id = 0; id < (int64_t)r->n_traj; ++id) {
            if (!t) continue;
            run_one(p, o, t, (uint32_t)id, N, dt, r->log_steps, r->n_log, r, &ss[id], id == 0 ? &inf0 : NULL);
        }
        sgl_traj_free(t);
    }
    sgl_status st = oom;
    if (st != SGL_OK) sgl_fail(err, st, "limit", "out of memory");
    for (uint32_t id = 0; st == SGL_OK && id < r->n_traj; ++id)
        if (ss[id].st != SGL_OK) {
            st = ss[id].st;
            if (err) *err = ss[id].err;
            if (st == SGL_EINVAL && strcmp(ss[id].err.field, "Phi") == 0 && err) {
                char msg[sizeof err->msg];
                snprintf(msg, sizeof msg, "trajectory %u: the start point's projection onto Gamma failed: %.360s", id,
                         ss[id].err.msg);
                sgl_fail(err, SGL_EINVAL, p->spec.n_init ? "--init" : "--alpha", "%s", msg);
            }
        }
    sgl_free(ss);
    if (st != SGL_OK) {
        sgl_results_free(r);
        return st;
    }
    if (info) *info = inf0;
    *out = r;
    return SGL_OK;
}
