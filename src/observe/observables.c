/* Observables computed from theta at the logged steps (THEORY.md 8.4). */
#include "../plan.h"
#include "../vmath.h"

#include <math.h>
#include <string.h>

static double train_loss(const sgl_plan *p, sgl_traj *t)
{
    (void)p;
    return sgl_model_loss_grad(&t->model, t->theta, NULL, t->scratch);
}

/* w(theta) into the gradient scratch (free between steps) */
static const double *weights(sgl_traj *t)
{
    t->model.type->weights(&t->model, t->theta, t->g);
    return t->g;
}

static double test_error(const sgl_plan *p, sgl_traj *t)
{
    (void)p;
    const sgl_data *D = t->data;
    if (!D->wstar) return NAN;
    const double *w = weights(t);
    double s = 0.0;
    for (size_t j = 0; j < D->d; ++j) s += (w[j] - D->wstar[j]) * (w[j] - D->wstar[j]);
    return s;
}

static double test_loss(const sgl_plan *p, sgl_traj *t)
{
    (void)p;
    const sgl_data *D = t->data;
    if (D->n_test == 0) return NAN;
    const double *w = weights(t);
    double s = 0.0;
    for (size_t i = 0; i < D->n_test; ++i) {
        double f = 0.0;
        for (size_t j = 0; j < D->d; ++j) f += D->Zt[i * D->ld + j] * w[j];
        s += (f - D->yt[i]) * (f - D->yt[i]);
    }
    return t->model.a * s / (double)D->n_test;
}

static double off_support(const sgl_plan *p, sgl_traj *t)
{
    const sgl_data *D = t->data;
    if (!D->wstar) return NAN;
    const double *w = weights(t);
    size_t c = 0;
    for (size_t j = 0; j < D->d; ++j) c += D->wstar[j] == 0.0 && fabs(w[j]) > p->spec.threshold;
    return (double)c;
}

static double trace_h(const sgl_plan *p, sgl_traj *t)
{
    (void)p;
    return t->model.type->trace(&t->model, t->theta, t->scratch);
}

/* mean_j log|u_j v_j| over the d real coordinates (diagnet: theta = (u, v)) */
static double log_uv(const sgl_plan *p, sgl_traj *t)
{
    (void)p;
    const sgl_data *D = t->data;
    double s = 0.0;
    /* the library's log (vmath.h), not libm's, whose code path glibc picks per CPU */
    for (size_t j = 0; j < D->d; ++j) s += sgl_vm_log(sgl_vm_splat(fabs(t->theta[j] * t->theta[D->ld + j])))[0];
    return s / (double)D->d;
}

static double norm(const sgl_plan *p, sgl_traj *t)
{
    (void)p;
    double s = 0.0;
    for (size_t j = 0; j < t->model.dim; ++j) s += t->theta[j] * t->theta[j];
    return sqrt(s);
}

/* largest Hessian eigenvalue (Lanczos, deterministic), in the trajectory's workspace */
static double lambda_max(const sgl_plan *p, sgl_traj *t)
{
    (void)p;
    return sgl_lambda_max_ws(&t->model, t->theta, t->work);
}

/* the first live parameter (toy2d: x; sphere: x_1): THEORY C5/C6's E[x(t)] */
static double theta_1(const sgl_plan *p, sgl_traj *t)
{
    (void)p;
    return t->theta[0];
}

static const sgl_observable_type o_train = {"train_loss", "(1/n) sum_i a r_i^2", 0, train_loss, 0};
static const sgl_observable_type o_test = {"test_error", "recovery error ||w - w*||^2",
                                           SGL_CAP_LINEAR_W, test_error, 0};
static const sgl_observable_type o_tloss = {"test_loss", "held-out loss (1/n_test) sum a r^2 (--n-test)",
                                            SGL_CAP_LINEAR_W, test_loss, 0};
static const sgl_observable_type o_off = {"off_support", "off-support coordinates with |w_j| > --threshold",
                                          SGL_CAP_LINEAR_W, off_support, 0};
static const sgl_observable_type o_tr = {"trace_hessian", "tr of the Hessian of L (exact)",
                                         SGL_CAP_TRACE, trace_h, 0};
static const sgl_observable_type o_luv = {"log_uv", "mean_j log|u_j v_j| (diagnet)", SGL_CAP_UV, log_uv, 0};
static const sgl_observable_type o_norm = {"norm", "||theta||_2", 0, norm, 0};
static const sgl_observable_type o_lmax = {
    "lambda_max", "sharpness: largest eigenvalue of the Hessian of L (Lanczos; optional: --observe lambda_max)",
    SGL_CAP_HVP, lambda_max, 1};
static const sgl_observable_type o_th1 = {"theta_1", "first parameter (toy2d: x, sphere: x_1; optional: --observe theta_1)",
                                          0, theta_1, 1};

const sgl_observable_type *const sgl_observables[] = {
    &o_train, &o_test, &o_tloss, &o_off, &o_tr, &o_luv, &o_norm, &o_lmax, &o_th1, NULL};


int sgl_name_in_list(const char *list, const char *name)
{
    if (!list || !name) return 0;
    const size_t len = strlen(name);
    for (const char *tok = list;;) {
        const char *comma = strchr(tok, ',');
        size_t tl = comma ? (size_t)(comma - tok) : strlen(tok);
        if (tl == len && strncmp(tok, name, len) == 0) return 1;
        if (!comma) return 0;
        tok = comma + 1;
    }
}
