/* Observables computed from theta at the logged steps (THEORY.md 8.4). */
#include "../internal.h"
#include "../vmath.h"

#include <math.h>

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

static const sgl_observable_type o_train = {"train_loss", "(1/n) sum_i a r_i^2", 0, train_loss};
static const sgl_observable_type o_test = {"test_error", "recovery error ||w - w*||^2",
                                           SGL_CAP_LINEAR_W, test_error};
static const sgl_observable_type o_tloss = {"test_loss", "held-out loss (1/n_test) sum a r^2 (--n-test)",
                                            SGL_CAP_LINEAR_W, test_loss};
static const sgl_observable_type o_off = {"off_support", "off-support coordinates with |w_j| > --threshold",
                                          SGL_CAP_LINEAR_W, off_support};
static const sgl_observable_type o_tr = {"trace_hessian", "tr of the Hessian of L (exact)",
                                         SGL_CAP_TRACE, trace_h};
static const sgl_observable_type o_luv = {"log_uv", "mean_j log|u_j v_j| (diagnet)", SGL_CAP_UV, log_uv};
static const sgl_observable_type o_norm = {"norm", "||theta||_2", 0, norm};

const sgl_observable_type *const sgl_observables[] = {
    &o_train, &o_test, &o_tloss, &o_off, &o_tr, &o_luv, &o_norm, NULL};

