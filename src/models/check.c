/* Derivative checks of any model (sgl_model_check; `sgdlab check-model`): the
 * checks tests/test_models.c applies to every built-in, as a library call a
 * plugin's author can run.  Each compares a model slot with an independent
 * value (finite differences, single-sample calls, the transpose) and reports
 * the worst coordinate with its observed and expected values, so a wrong
 * derivative is named where it is wrong.  Tolerances are those of the test
 * suite: finite differences 1e-6 (first derivatives, h = 1e-6 max(1, |x|))
 * and 1e-5 (hvp, h = 1e-5), identities 1e-12 / 1e-10, relative to the largest
 * expected value. */
#include "../plan.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

typedef struct {
    const sgl_model *m;
    const double *theta;
    size_t D, n, nb, len, stride;
    double *w;                       /* model scratch: sgl_model_d3_scratch doubles */
    double *tp, *tm, *a, *b, *c, *d; /* tp, tm: D; the others max(D, n + 1) */
    uint32_t *idx;                   /* n + 4 */
    sgl_stream s;
} ctx;

static size_t live(const ctx *x, size_t q) { return (q / x->len) * x->stride + q % x->len; }

/* one check's verdict from observed and expected vectors of length k */
static void verdict(sgl_check_result *r, const char *name, const char *against, const double *obs, const double *exp,
                    size_t k, double tol)
{
    double scale = 0.0, worst = -1.0;
    size_t at = 0;
    for (size_t j = 0; j < k; ++j) scale = fmax(scale, fabs(exp[j]));
    for (size_t j = 0; j < k && !isnan(worst); ++j) {   /* the first NaN is the worst */
        double e = fabs(obs[j] - exp[j]);
        if (isnan(e) || e > worst) worst = e, at = j;
    }
    memset(r, 0, sizeof *r);
    r->name = name;
    r->against = against;
    r->ran = 1;
    r->coord = at;
    r->observed = k ? obs[at] : 0.0;
    r->expected = k ? exp[at] : 0.0;
    r->err = k ? worst / (scale > 0.0 ? scale : 1.0) : 0.0;
    if (!isfinite(r->err)) r->err = INFINITY;
    r->tol = tol;
    r->ok = r->err <= tol;
}

static void skipped(sgl_check_result *r, const char *name, const char *why)
{
    memset(r, 0, sizeof *r);
    r->name = name;
    r->against = why;
}

static void resid(const ctx *x, const double *th, const uint32_t *idx, size_t k, double *r)
{
    x->m->type->residuals(x->m, th, idx, k, r, x->w);
}

/* batched residuals (all n in order; a reversed list with a repeat) against one sample at a time */
static void check_residuals(ctx *x, sgl_check_result *r)
{
    const size_t n = x->n;
    double *all = x->a, *one = x->b, *exp = x->c;
    sgl_check_result rev;
    resid(x, x->theta, NULL, n, all);
    for (uint32_t i = 0; i < n; ++i) resid(x, x->theta, &i, 1, &one[i]);
    verdict(r, "residuals", "the same samples one at a time", all, one, n, 1e-12);
    for (size_t k = 0; k < n; ++k) x->idx[k] = (uint32_t)(n - 1 - k);
    x->idx[n] = 0;
    resid(x, x->theta, x->idx, n + 1, all);
    for (size_t k = 0; k <= n; ++k) exp[k] = one[x->idx[k]];
    verdict(&rev, "residuals", "the same samples one at a time (reversed list, a repeat)", all, exp, n + 1, 1e-12);
    rev.coord = x->idx[rev.coord];
    if (!(rev.err <= r->err)) *r = rev;
}

/* d/dtheta_j of fn by central differences over the live coordinates (padding: 0) */
static void central(ctx *x, double (*fn)(ctx *, const double *), double *out)
{
    memset(out, 0, x->D * sizeof *out);
    for (size_t q = 0; q < x->nb * x->len; ++q) {
        const size_t j = live(x, q);
        memcpy(x->tp, x->theta, x->D * sizeof *x->tp);
        memcpy(x->tm, x->theta, x->D * sizeof *x->tm);
        const double h = 1e-6 * fmax(1.0, fabs(x->theta[j]));
        x->tp[j] += h;
        x->tm[j] -= h;
        out[j] = (fn(x, x->tp) - fn(x, x->tm)) / (x->tp[j] - x->tm[j]);   /* the step actually taken */
    }
}

static double loss_at(ctx *x, const double *th) { return sgl_model_loss_grad(x->m, th, NULL, x->w); }

/* sum_k c_k f_{idx[k]} for the list {2, 0, 4, 2} (mod n) with fixed coefficients */
static const double k_coef[4] = {0.7, -1.3, 0.4, 0.25};
static double list_at(ctx *x, const double *th)
{
    double r[4], s = 0.0;
    resid(x, th, x->idx, 4, r);
    for (int k = 0; k < 4; ++k) s += k_coef[k] * r[k];
    return s;
}

static void check_gradient(ctx *x, sgl_check_result *r)
{
    sgl_model_loss_grad(x->m, x->theta, x->a, x->w);
    central(x, loss_at, x->b);
    verdict(r, "gradient", "central differences of the loss", x->a, x->b, x->D, 1e-6);
}

static void check_jt(ctx *x, sgl_check_result *r)
{
    const uint32_t list[4] = {2, 0, 4, 2};
    for (int k = 0; k < 4; ++k) x->idx[k] = (uint32_t)(list[k] % x->n);
    x->m->type->jt(x->m, x->theta, x->idx, 4, k_coef, x->a, x->w);
    central(x, list_at, x->b);
    verdict(r, "jt", "sum_k c_k x central differences of f_k (samples 2,0,4,2)", x->a, x->b, x->D, 1e-6);
}

/* a random direction on the live coordinates */
static void direction(ctx *x, double *p)
{
    memset(p, 0, x->D * sizeof *p);
    for (size_t q = 0; q < x->nb * x->len; ++q) p[live(x, q)] = sgl_stream_normal(&x->s);
}

static void check_hvp(ctx *x, sgl_check_result *hv, sgl_check_result *sym)
{
    double *p = x->c, *u = x->d, *Hp = x->a, *fd = x->b;
    direction(x, p);
    direction(x, u);
    x->m->type->hvp(x->m, x->theta, p, Hp, x->w);
    const double h = 1e-5;
    for (size_t j = 0; j < x->D; ++j) x->tp[j] = x->theta[j] + h * p[j], x->tm[j] = x->theta[j] - h * p[j];
    sgl_model_loss_grad(x->m, x->tp, fd, x->w);
    sgl_model_loss_grad(x->m, x->tm, x->tp, x->w);
    for (size_t j = 0; j < x->D; ++j) fd[j] = (fd[j] - x->tp[j]) / (2.0 * h);
    verdict(hv, "hvp", "central differences of the gradient along a random p", Hp, fd, x->D, 1e-5);
    /* symmetry: u^T (H p) = p^T (H u) */
    double uHp = 0.0, pHu = 0.0;
    for (size_t j = 0; j < x->D; ++j) uHp += u[j] * Hp[j];
    x->m->type->hvp(x->m, x->theta, u, Hp, x->w);
    for (size_t j = 0; j < x->D; ++j) pHu += p[j] * Hp[j];
    verdict(sym, "symmetry", "p^T H u (as u^T H p) for random u, p", &uHp, &pHu, 1, 1e-10);
}

static void check_trace(ctx *x, sgl_check_result *r)
{
    if (!x->m->type->trace) {
        skipped(r, "trace", "no trace slot (the trace observable is not offered)");
        return;
    }
    double tr = x->m->type->trace(x->m, x->theta, x->w), sum = 0.0;
    memset(x->c, 0, x->D * sizeof *x->c);
    for (size_t q = 0; q < x->nb * x->len; ++q) {
        const size_t j = live(x, q);
        x->c[j] = 1.0;
        x->m->type->hvp(x->m, x->theta, x->c, x->a, x->w);
        x->c[j] = 0.0;
        sum += x->a[j];
    }
    verdict(r, "trace", "sum_i e_i^T H e_i from hvp", &tr, &sum, 1, 1e-10);
}

/* the analytic d3 slot against sgdlab's finite differences of hvp, for a random symmetric A */
static sgl_status check_d3(ctx *x, sgl_check_result *r, sgl_err *err)
{
    if (!x->m->type->d3) {
        skipped(r, "d3", "no d3 slot: sgdlab uses finite differences of hvp");
        return SGL_OK;
    }
    const size_t D = x->D;
    double *A = sgl_malloc_array(D * D, sizeof *A);
    if (!A) return sgl_fail(err, SGL_ENOMEM, "model", "out of memory");
    memset(A, 0, D * D * sizeof *A);
    for (size_t q = 0; q < x->nb * x->len; ++q)
        for (size_t q2 = 0; q2 <= q; ++q2) {
            const size_t i = live(x, q), j = live(x, q2);
            A[i * D + j] = A[j * D + i] = sgl_stream_normal(&x->s);
        }
    x->m->type->d3(x->m, x->theta, A, x->a, x->w);
    sgl_status st = sgl_model_d3_fd(x->m, x->theta, A, x->b, err);
    sgl_free(A);
    if (st != SGL_OK) return st;
    verdict(r, "d3", "finite differences of hvp (sgl_model_d3_fd)", x->a, x->b, D, 1e-6);
    return SGL_OK;
}

sgl_status sgl_model_check(const sgl_model *m, const double *theta, uint64_t seed, sgl_check_report *rep,
                           sgl_err *err)
{
    memset(rep, 0, sizeof *rep);
    if ((m->type->caps & (SGL_CAP_RESIDUALS | SGL_CAP_HVP)) != (SGL_CAP_RESIDUALS | SGL_CAP_HVP))
        return sgl_fail(err, SGL_ECAPS, "--model", "model '%s' has no residuals or no Hessian-vector product",
                        m->type->name);
    ctx x = {.m = m, .theta = theta, .D = m->dim, .n = m->data->n};
    sgl_model_layout(m, &x.nb, &x.len, &x.stride);
    const size_t big = x.D > x.n + 1 ? x.D : x.n + 1;
    x.w = sgl_alloc_doubles(sgl_model_d3_scratch(m));
    double *v = sgl_alloc_doubles(2 * x.D + 4 * big);
    x.idx = sgl_malloc_array(x.n + 4, sizeof *x.idx);   /* n + 1 (residuals) and >= 4 (the jt list) */
    if (!x.w || !v || !x.idx) {
        sgl_free(x.w); sgl_free(v); sgl_free(x.idx);
        return sgl_fail(err, SGL_ENOMEM, "model", "out of memory");
    }
    x.tp = v, x.tm = v + x.D, x.a = v + 2 * x.D, x.b = x.a + big, x.c = x.b + big, x.d = x.c + big;
    sgl_stream_init(&x.s, seed, 0, 1, SGL_P_INIT);
    check_residuals(&x, &rep->c[rep->n++]);
    check_gradient(&x, &rep->c[rep->n++]);
    check_jt(&x, &rep->c[rep->n++]);
    check_hvp(&x, &rep->c[rep->n], &rep->c[rep->n + 1]);
    rep->n += 2;
    check_trace(&x, &rep->c[rep->n++]);
    sgl_status st = check_d3(&x, &rep->c[rep->n++], err);
    sgl_free(x.w); sgl_free(v); sgl_free(x.idx);
    rep->ok = 1;
    for (size_t i = 0; i < rep->n; ++i) rep->ok &= !rep->c[i].ran || rep->c[i].ok;
    if (!rep->c[1].ok && !rep->c[3].ok)   /* the hvp's reference is built from the gradient */
        rep->c[3].against = "central differences of the gradient, itself wrong (fix the gradient first)";
    return st;
}

sgl_status sgl_model_check_point(const sgl_model *m, double alpha, uint64_t seed, double *theta)
{
    m->type->init(m, alpha, theta);
    size_t nb, len, stride;
    sgl_model_layout(m, &nb, &len, &stride);
    sgl_stream s;
    sgl_stream_init(&s, seed, 0, 0, SGL_P_INIT);
    for (size_t q = 0; q < nb * len; ++q) theta[(q / len) * stride + q % len] += 0.3 * sgl_stream_normal(&s);
    return SGL_OK;
}

/* the point: spec init (live coordinates in layout order) or init(alpha) + 0.3 N(0,1) */
static void start_point(const sgl_model *m, const sgl_spec *s, double *theta)
{
    if (s->n_init == 0) {
        sgl_model_check_point(m, s->alpha, s->seed, theta);
        return;
    }
    size_t nb, len, stride;
    sgl_model_layout(m, &nb, &len, &stride);
    for (size_t q = 0; q < nb * len && q < s->n_init; ++q) theta[(q / len) * stride + q % len] = s->init[q];
}

sgl_status sgl_spec_check_model(const sgl_spec *s, sgl_check_report *rep, sgl_check_info *info, sgl_err *err)
{
    sgl_spec one = *s;   /* one step, one trajectory: the plan only supplies the model and its data */
    one.steps = one.every = 1;
    one.seeds = 1;
    one.n_decay = 0;
    sgl_plan *p = NULL;
    double *theta = NULL;
    sgl_model m;
    memset(rep, 0, sizeof *rep);
    sgl_status st = sgl_plan_alloc(&one, &p, err);
    if (st == SGL_OK) st = sgl_model_init(&m, sgl_plan_model(p), sgl_plan_data(p, 0), sgl_plan_spec(p)->a, err);
    if (st == SGL_OK && !(theta = sgl_alloc_doubles(m.dim ? m.dim : 1)))
        st = sgl_fail(err, SGL_ENOMEM, "model", "out of memory");
    if (st == SGL_OK) {
        memset(theta, 0, m.dim * sizeof *theta);
        start_point(&m, sgl_plan_spec(p), theta);
        st = sgl_model_check(&m, theta, one.seed, rep, err);
        if (info) {
            snprintf(info->model, sizeof info->model, "%s", m.type->name);
            info->dim = m.dim;
            info->n = m.data->n;
            info->a = m.a;
            info->at_init = s->n_init != 0;
        }
    }
    sgl_free(theta);
    sgl_plan_free(p);
    return st;
}
