/* The model registry: `sgdlab list`, the spec parser and the tests walk it. */
#include "../internal.h"

#include <math.h>
#include <string.h>

extern const sgl_model_type sgl_model_diagnet, sgl_model_quadratic, sgl_model_linreg, sgl_model_toy2d,
    sgl_model_sphere, sgl_model_msense, sgl_model_tanhnet;

const sgl_model_type *const sgl_models[] = {
    &sgl_model_diagnet, &sgl_model_quadratic, &sgl_model_linreg, &sgl_model_toy2d, &sgl_model_sphere,
    &sgl_model_msense, &sgl_model_tanhnet, NULL};

const sgl_model_type *sgl_model_lookup(const char *name)
{
    for (size_t i = 0; sgl_models[i]; ++i)
        if (name && strcmp(sgl_models[i]->name, name) == 0) return sgl_models[i];
    return NULL;
}

void sgl_model_names(char *buf, size_t len) { sgl_join_names((const void *const *)sgl_models, buf, len); }

sgl_status sgl_model_init(sgl_model *m, const sgl_model_type *t, const sgl_data *data, double a,
                          sgl_err *err)
{
    if (!t) return sgl_fail(err, SGL_EINVAL, "--model", "no model given");
    if (!(a > 0 && isfinite(a)))
        return sgl_fail(err, SGL_EINVAL, "--loss-a", "must be a finite number > 0, got %.17g", a);
    if (t->check) {
        sgl_status st = t->check(data, err);
        if (st != SGL_OK) return st;
    }
    m->type = t;
    m->data = data;
    m->a = a;
    m->dim = t->dim(m);
    m->scratch_len = 4 * data->ld + 2 * data->n + (t->extra_scratch ? t->extra_scratch(m) : 0);
    return SGL_OK;
}

double sgl_model_loss_grad(const sgl_model *m, const double *theta, double *grad, double *scratch)
{
    const size_t n = m->data->n;
    double *r = scratch + m->scratch_len;
    m->type->residuals(m, theta, NULL, n, r, scratch);
    double s = 0.0;
    for (size_t i = 0; i < n; ++i) s += r[i] * r[i];
    if (grad) {
        for (size_t i = 0; i < n; ++i) r[i] *= 2.0 * m->a / (double)n;
        m->type->jt(m, theta, NULL, n, r, grad, scratch);
    }
    return m->a * s / (double)n;
}

sgl_status sgl_model_data_alloc(const sgl_model_type *t, const sgl_data_spec *spec, uint64_t seed,
                                 uint32_t draw, sgl_data **out, sgl_err *err)
{
    *out = NULL;
    if (!t) return sgl_fail(err, SGL_EINVAL, "--model", "no model given");
    sgl_status st;
    if (t->make_data) {
        st = t->make_data(spec, seed, draw, out, err);
    } else if (t->caps & SGL_CAP_NODATA) {
        /* n dummy samples; the model ignores them (its residual is the same
         * function of theta whatever the sample) */
        sgl_data_spec one;
        memset(&one, 0, sizeof one);
        one.input = SGL_INPUT_GAUSSIAN;
        one.truth = SGL_TRUTH_ONES;
        one.d = 1;
        one.n = spec->n >= 1 ? spec->n : 1;
        st = sgl_data_alloc(&one, seed, draw, out, err);
    } else {
        st = sgl_data_alloc(spec, seed, draw, out, err);
        if (st == SGL_OK) sgl_plugin_relabel(t, spec, seed, draw, *out);
    }
    if (st == SGL_OK && t->check) st = t->check(*out, err);
    if (st != SGL_OK) {
        sgl_data_free(*out);
        *out = NULL;
    }
    return st;
}
