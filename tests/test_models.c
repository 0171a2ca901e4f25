/* Every model in the registry (a loop over sgl_models, so a new model is
 * tested without touching this file): gradient against central differences of
 * the loss, Hessian-vector products against differences of the gradient and for
 * symmetry, the exact trace against the Hessian's diagonal, batched calls
 * against one-at-a-time calls, the fused step against the Jacobian-transpose
 * product, scratch sizes, and bad input.  Checks whose SGL_CAP_* bit a model
 * lacks are skipped (and say so).  Deterministic: no statistical checks. */
#include "sgdlab.h"
#include "testutil.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define GUARD 32
#define SENTINEL 1234.5678

typedef struct {
    const sgl_model *m;
    size_t n, d, ld, nb, dim;
    double *scratch;   /* scratch_len + 2n + GUARD */
    size_t cap;        /* scratch_len + 2n */
    long guard_hits;   /* writes found beyond the documented scratch length */
} ctx;

/* Fill [len, cap + GUARD) with a sentinel before a call, and count cells that
 * changed after it: a model must not write past the scratch it documents. */
static void arm(ctx *c, size_t len)
{
    for (size_t i = len; i < c->cap + GUARD; ++i) c->scratch[i] = SENTINEL;
}
static void disarm(ctx *c, size_t len)
{
    for (size_t i = len; i < c->cap + GUARD; ++i) c->guard_hits += c->scratch[i] != SENTINEL;
}

static double loss(ctx *c, const double *theta, double *grad)
{
    size_t len = c->m->scratch_len + c->n;
    arm(c, len);
    double L = sgl_model_loss_grad(c->m, theta, grad, c->scratch);
    disarm(c, len);
    return L;
}

static void resid(ctx *c, const double *theta, const uint32_t *idx, size_t nidx, double *r)
{
    arm(c, c->m->scratch_len);
    c->m->type->residuals(c->m, theta, idx, nidx, r, c->scratch);
    disarm(c, c->m->scratch_len);
}

static void jt(ctx *c, const double *theta, const uint32_t *idx, size_t nidx, const double *coef, double *g)
{
    arm(c, c->m->scratch_len);
    c->m->type->jt(c->m, theta, idx, nidx, coef, g, c->scratch);
    disarm(c, c->m->scratch_len);
}

static void hvp(ctx *c, const double *theta, const double *p, double *out)
{
    arm(c, c->m->scratch_len);
    c->m->type->hvp(c->m, theta, p, out, c->scratch);
    disarm(c, c->m->scratch_len);
}

static double trace(ctx *c, const double *theta)
{
    arm(c, c->m->scratch_len);
    double t = c->m->type->trace(c->m, theta, c->scratch);
    disarm(c, c->m->scratch_len);
    return t;
}

/* live coordinate q of the parameter vector: block b, column j < len (here d, ld = len, stride) */
static size_t coord(const ctx *c, size_t q) { return (q / c->d) * c->ld + q % c->d; }
static size_t n_real(const ctx *c) { return c->nb * c->d; }

static double max_abs(const double *x, size_t n)
{
    double s = 0.0;
    for (size_t i = 0; i < n; ++i)
        if (fabs(x[i]) > s || isnan(x[i])) s = isnan(x[i]) ? NAN : fabs(x[i]);
    return s;
}

/* max |a - b| over the real coordinates / max |b| there */
static double rel_err(const ctx *c, const double *a, const double *b)
{
    double num = 0.0, den = 0.0;
    for (size_t q = 0; q < n_real(c); ++q) {
        size_t i = coord(c, q);
        double e = fabs(a[i] - b[i]);
        if (!(e <= num)) num = e;   /* NaN propagates */
        if (fabs(b[i]) > den) den = fabs(b[i]);
    }
    return den > 0 ? num / den : num;
}

/* nonzero entries in the padding columns j >= d of each block */
static long padding_nonzero(const ctx *c, const double *x)
{
    long k = 0;
    for (size_t b = 0; b < c->nb; ++b)
        for (size_t j = c->d; j < c->ld; ++j) k += x[b * c->ld + j] != 0.0;
    return k;
}

static void random_real(const ctx *c, sgl_stream *s, double scale, double *x)
{
    memset(x, 0, c->dim * sizeof *x);
    for (size_t q = 0; q < n_real(c); ++q) x[coord(c, q)] = scale * sgl_stream_normal(s);
}

static int tested[64];   /* data sets each model ran on */

static void test_model(const sgl_model_type *T, const sgl_data *D, uint32_t model_no)
{
    const char *nm = T->name;
    printf("--- model %s (caps 0x%x, default a %.17g)\n", nm, T->caps, T->default_a);
    sgl_err err;
    memset(&err, 0, sizeof err);
    sgl_model m;
    sgl_status st = sgl_model_init(&m, T, D, T->default_a, &err);
    if (st == SGL_EINVAL && T->check) {   /* a model that needs another data shape (e.g. d = m^2) */
        check_true(strcmp(err.field, "--d") == 0 && err.msg[0], "[%s] refuses d=%zu with a message naming --d: '%s' %s",
                   nm, D->d, err.field, err.msg);
        return;
    }
    if (!check_true(st == SGL_OK, "[%s] sgl_model_init(a=default): status obs=%d exp=%d %s %s", nm, (int)st,
                    (int)SGL_OK, err.field, err.msg))
        return;
    ++tested[model_no];
    /* live coordinates: blocks of len at stride (sgl_model_layout) */
    size_t lnb, llen, lstride;
    sgl_model_layout(&m, &lnb, &llen, &lstride);
    ctx c = {&m, D->n, llen, lstride, lnb, m.dim, NULL, m.scratch_len + 2 * D->n, 0};
    check_true(m.dim > 0 && m.dim == lnb * lstride && llen <= lstride && m.dim == T->dim(&m),
               "[%s] dim = nb * stride: dim=%zu nb=%zu len=%zu stride=%zu type->dim=%zu", nm, m.dim, lnb, llen,
               lstride, T->dim(&m));
    if (T->layout)
        check_true(lstride == D->ld && llen == D->d, "[%s] padded layout: stride=%zu len=%zu exp ld=%zu d=%zu", nm,
                   lstride, llen, D->ld, D->d);
    if (T->caps & SGL_CAP_UV)
        check_true(m.dim == 2 * D->ld, "[%s] SGL_CAP_UV: theta = (u, v), dim=%zu exp %zu", nm, m.dim, 2 * D->ld);

    const size_t dim = m.dim, n = D->n;
    c.scratch = malloc((c.cap + GUARD) * sizeof *c.scratch);
    double *theta = calloc(dim, sizeof *theta), *tp = calloc(dim, sizeof *tp), *tm = calloc(dim, sizeof *tm);
    double *g = calloc(dim, sizeof *g), *g2 = calloc(dim, sizeof *g2), *fd = calloc(dim, sizeof *fd);
    double *gp = calloc(dim, sizeof *gp), *gm = calloc(dim, sizeof *gm);
    double *p = calloc(dim, sizeof *p), *u = calloc(dim, sizeof *u), *hv = calloc(dim, sizeof *hv);
    double *hu = calloc(dim, sizeof *hu), *w = calloc(D->ld, sizeof *w);
    double *r = calloc(n, sizeof *r), *r1 = calloc(n, sizeof *r1), *rp = calloc(2 * n, sizeof *rp);
    double *rm = calloc(n, sizeof *rm), *coef = calloc(2 * n, sizeof *coef);
    uint32_t *idx = calloc(2 * n, sizeof *idx);

    /* init: padding stays zero */
    T->init(&m, 0.3, theta);
    check_true(padding_nonzero(&c, theta) == 0, "[%s] init(alpha=0.3) leaves padding zero: %ld nonzero", nm,
               padding_nonzero(&c, theta));

    sgl_stream s;
    sgl_stream_init(&s, 3, model_no, 0, SGL_P_INIT);
    random_real(&c, &s, 0.7, theta);

    if (!(T->caps & SGL_CAP_RESIDUALS)) {
        printf("SKIP [%s] residual, gradient, Jacobian and Hessian checks: no SGL_CAP_RESIDUALS\n", nm);
        goto out;
    }

    /* ---- residuals: all at once vs one at a time vs arbitrary index lists */
    resid(&c, theta, NULL, n, r);
    for (uint32_t i = 0; i < n; ++i) resid(&c, theta, &i, 1, &r1[i]);
    {
        double num = 0.0;
        for (size_t i = 0; i < n; ++i) num = fmax(num, fabs(r[i] - r1[i]));
        check_le(num / max_abs(r, n), 1e-12, "[%s] residuals(idx=NULL) vs one at a time, max rel diff", nm);
        /* reversed order, with a repeat */
        for (size_t k = 0; k < n; ++k) idx[k] = (uint32_t)(n - 1 - k);
        idx[n] = 1;
        resid(&c, theta, idx, n + 1, rp);
        num = 0.0;
        for (size_t k = 0; k <= n; ++k) num = fmax(num, fabs(rp[k] - r1[idx[k]]));
        check_le(num / max_abs(r, n), 1e-12, "[%s] residuals(reversed idx + repeat) vs one at a time", nm);
        idx[0] = 3;
        idx[1] = 0;
        resid(&c, theta, idx, 2, rp);
        num = fmax(fabs(rp[0] - r1[3]), fabs(rp[1] - r1[0]));
        check_le(num / max_abs(r, n), 1e-12, "[%s] residuals(idx={3,0}) vs one at a time", nm);
    }
    if (T->caps & SGL_CAP_LINEAR_W) {
        T->weights(&m, theta, w);
        double num = 0.0;
        for (size_t i = 0; i < n; ++i) {
            double f = 0.0;
            for (size_t j = 0; j < D->d; ++j) f += D->Z[i * D->ld + j] * w[j];
            num = fmax(num, fabs(f - D->y[i] - r[i]));
        }
        check_le(num / max_abs(r, n), 1e-12, "[%s] residual = <z_i, w(theta)> - y_i (SGL_CAP_LINEAR_W)", nm);
    } else {
        printf("SKIP [%s] weights check: no SGL_CAP_LINEAR_W\n", nm);
    }

    /* ---- loss and gradient against central differences */
    double L = loss(&c, theta, g);
    {
        double s2 = 0.0;
        for (size_t i = 0; i < n; ++i) s2 += r[i] * r[i];
        check_rel(L, m.a * s2 / (double)n, 1e-14, "[%s] loss = (1/n) sum a r_i^2", nm);
    }
    check_true(padding_nonzero(&c, g) == 0, "[%s] gradient is zero on the padding: %ld nonzero", nm,
               padding_nonzero(&c, g));
    for (size_t q = 0; q < n_real(&c); ++q) {
        size_t j = coord(&c, q);
        double h = 1e-6 * fmax(1.0, fabs(theta[j]));
        memcpy(tp, theta, dim * sizeof *tp);
        memcpy(tm, theta, dim * sizeof *tm);
        tp[j] += h;
        tm[j] -= h;
        h = tp[j] - tm[j];   /* the step actually taken */
        fd[j] = (loss(&c, tp, NULL) - loss(&c, tm, NULL)) / h;
    }
    check_le(rel_err(&c, g, fd), 1e-6, "[%s] gradient vs central differences of the loss (h=1e-6 rel), max err / max|g|",
             nm);

    /* ---- jt: the full-gradient coefficients reproduce the gradient */
    for (size_t i = 0; i < n; ++i) coef[i] = 2.0 * m.a * r[i] / (double)n;
    jt(&c, theta, NULL, n, coef, g2);
    check_le(rel_err(&c, g2, g), 1e-12, "[%s] jt(all, 2a r/n) vs loss_grad gradient", nm);

    /* ---- jt with an index list and random coefficients vs the sum of
     * coefficient times the central-difference gradient of each f_i */
    {
        const size_t K = 4;
        const uint32_t list[4] = {2, 0, 4, 2};
        const double cf[4] = {0.7, -1.3, 0.4, 0.25};
        jt(&c, theta, list, K, cf, g2);
        memset(fd, 0, dim * sizeof *fd);
        for (size_t q = 0; q < n_real(&c); ++q) {
            size_t j = coord(&c, q);
            double h = 1e-6 * fmax(1.0, fabs(theta[j]));
            memcpy(tp, theta, dim * sizeof *tp);
            memcpy(tm, theta, dim * sizeof *tm);
            tp[j] += h;
            tm[j] -= h;
            h = tp[j] - tm[j];
            resid(&c, tp, list, K, rp);
            resid(&c, tm, list, K, rm);
            for (size_t k = 0; k < K; ++k) fd[j] += cf[k] * (rp[k] - rm[k]) / h;
        }
        check_le(rel_err(&c, g2, fd), 1e-6, "[%s] jt(idx={2,0,4,2}, c) vs sum c_k FD grad f_k", nm);
        /* batched vs scalar: the same list one sample at a time */
        memset(gp, 0, dim * sizeof *gp);
        for (size_t k = 0; k < K; ++k) {
            jt(&c, theta, &list[k], 1, &cf[k], gm);
            for (size_t j = 0; j < dim; ++j) gp[j] += gm[j];
        }
        check_le(rel_err(&c, g2, gp), 1e-12, "[%s] jt(idx list) vs sum of single-sample jt", nm);
        check_true(padding_nonzero(&c, g2) == 0, "[%s] jt output zero on the padding: %ld nonzero", nm,
                   padding_nonzero(&c, g2));
    }

    /* ---- step1: theta + c * jt({i}, {1}) */
    if (T->step1) {
        double worst = 0.0;
        long pad = 0;
        for (uint32_t i = 0; i < n; ++i) {
            const double cc = -0.05 * (1.0 + i);
            const double one = 1.0;
            jt(&c, theta, &i, 1, &one, gp);
            for (size_t j = 0; j < dim; ++j) gm[j] = theta[j] + cc * gp[j];
            memcpy(tp, theta, dim * sizeof *tp);
            T->step1(&m, tp, i, cc);
            double num = 0.0;
            for (size_t j = 0; j < dim; ++j) num = fmax(num, fabs(tp[j] - gm[j]));
            worst = fmax(worst, num / max_abs(gm, dim));
            pad += padding_nonzero(&c, tp);
        }
        check_le(worst, 1e-13, "[%s] step1(theta, i, c) vs theta + c jt({i},{1}), all i, max rel err", nm);
        check_true(pad == 0, "[%s] step1 leaves padding zero: %ld nonzero", nm, pad);
    } else {
        printf("SKIP [%s] step1 check: no fused step (step1 == NULL)\n", nm);
    }

    /* ---- step1_resid (optional): the fused step returns the next residual */
    if (T->step1 && T->step1_resid) {
        double worst_t = 0.0, worst_r = 0.0;
        for (uint32_t i = 0; i < n; ++i) {
            const uint32_t inext = (uint32_t)((i * 3 + 1) % n);
            const double cc = 0.04 * (i % 2 ? 1.0 : -1.0);
            memcpy(tp, theta, dim * sizeof *tp);
            memcpy(tm, theta, dim * sizeof *tm);
            double rf = T->step1_resid(&m, tp, i, cc, inext);
            T->step1(&m, tm, i, cc);
            double rr;
            resid(&c, tm, &inext, 1, &rr);
            double num = 0.0;
            for (size_t j = 0; j < dim; ++j) num = fmax(num, fabs(tp[j] - tm[j]));
            worst_t = fmax(worst_t, num / max_abs(tm, dim));
            /* scale of the residual's terms: sum_j |z_j w_j| + |y| */
            double scale = fabs(D->y[inext]);
            if (T->caps & SGL_CAP_LINEAR_W) {
                T->weights(&m, tm, w);
                for (size_t j = 0; j < D->d; ++j) scale += fabs(D->Z[inext * D->ld + j] * w[j]);
            } else {
                scale += fabs(rr);
            }
            double e = fabs(rf - rr) / scale;
            if (!(e <= worst_r)) worst_r = e;
        }
        check_le(worst_t, 1e-15, "[%s] step1_resid theta vs step1 theta, all i, max rel diff", nm);
        check_le(worst_r, 1e-13, "[%s] step1_resid residual vs residuals({inext}) after step1, rel to sum|z_j w_j|", nm);
    } else {
        printf("SKIP [%s] step1_resid check: no fused step+residual\n", nm);
    }

    /* ---- Hessian-vector product */
    if (T->caps & SGL_CAP_HVP) {
        random_real(&c, &s, 1.0, p);
        random_real(&c, &s, 1.0, u);
        hvp(&c, theta, p, hv);
        const double h = 1e-5;
        for (size_t j = 0; j < dim; ++j) {
            tp[j] = theta[j] + h * p[j];
            tm[j] = theta[j] - h * p[j];
        }
        loss(&c, tp, gp);
        loss(&c, tm, gm);
        for (size_t j = 0; j < dim; ++j) fd[j] = (gp[j] - gm[j]) / (2.0 * h);
        check_le(rel_err(&c, hv, fd), 1e-5, "[%s] hvp vs central differences of the gradient (h=1e-5)", nm);
        check_true(padding_nonzero(&c, hv) == 0, "[%s] hvp output zero on the padding: %ld nonzero", nm,
                   padding_nonzero(&c, hv));
        hvp(&c, theta, u, hu);
        double uHp = 0.0, pHu = 0.0;
        for (size_t j = 0; j < dim; ++j) {
            uHp += u[j] * hv[j];
            pHu += p[j] * hu[j];
        }
        check_rel(uHp, pHu, 1e-10, "[%s] symmetry u^T H p = p^T H u", nm);
    } else {
        printf("SKIP [%s] hvp checks: no SGL_CAP_HVP\n", nm);
    }

    /* ---- exact trace vs sum of e_i^T H e_i over the real coordinates */
    if ((T->caps & SGL_CAP_TRACE) && (T->caps & SGL_CAP_HVP)) {
        double tr = trace(&c, theta), sum = 0.0;
        for (size_t q = 0; q < n_real(&c); ++q) {
            size_t j = coord(&c, q);
            memset(p, 0, dim * sizeof *p);
            p[j] = 1.0;
            hvp(&c, theta, p, hv);
            sum += hv[j];
        }
        check_rel(tr, sum, 1e-10, "[%s] trace vs sum_i e_i^T H e_i", nm);
    } else {
        printf("SKIP [%s] trace check: needs SGL_CAP_TRACE and SGL_CAP_HVP\n", nm);
    }

    check_true(c.guard_hits == 0,
               "[%s] no writes past the documented scratch (scratch_len; +n for loss_grad): %ld cells hit", nm,
               c.guard_hits);

out:
    free(c.scratch); free(theta); free(tp); free(tm); free(g); free(g2); free(fd); free(gp); free(gm);
    free(p); free(u); free(hv); free(hu); free(w); free(r); free(r1); free(rp); free(rm); free(coef); free(idx);
}

static void test_bad_input(const sgl_data *D)
{
    const double bad[4] = {0.0, -1.0, NAN, INFINITY};
    for (size_t k = 0; sgl_models[k]; ++k)
        for (int b = 0; b < 4; ++b) {
            sgl_err err;
            memset(&err, 0, sizeof err);
            sgl_model m;
            sgl_status st = sgl_model_init(&m, sgl_models[k], D, bad[b], &err);
            check_true(st == SGL_EINVAL && strcmp(err.field, "--loss-a") == 0,
                       "[%s] model_init(a=%g): status obs=%d exp=%d, field obs='%s' exp='--loss-a' (%s)",
                       sgl_models[k]->name, bad[b], (int)st, (int)SGL_EINVAL, err.field, err.msg);
        }
    sgl_err err;
    memset(&err, 0, sizeof err);
    sgl_model m;
    sgl_status st = sgl_model_init(&m, NULL, D, 0.5, &err);
    check_true(st == SGL_EINVAL && strcmp(err.field, "--model") == 0,
               "model_init(type=NULL): status obs=%d exp=%d, field obs='%s' exp='--model'", (int)st,
               (int)SGL_EINVAL, err.field);
    /* err may be NULL */
    st = sgl_model_init(&m, sgl_models[0], D, -1.0, NULL);
    check_true(st == SGL_EINVAL, "model_init(a=-1, err=NULL): status obs=%d exp=%d", (int)st, (int)SGL_EINVAL);
}

static void test_registry(void)
{
    size_t k = 0;
    for (; sgl_models[k]; ++k) {
        const sgl_model_type *T = sgl_models[k];
        check_true(sgl_model_lookup(T->name) == T, "lookup('%s') finds the registry entry", T->name);
        check_true(T->default_a > 0 && isfinite(T->default_a) && T->dim && T->init,
                   "[%s] default_a=%g > 0, dim and init present", T->name, T->default_a);
        if (T->caps & SGL_CAP_RESIDUALS)
            check_true(T->residuals && T->jt, "[%s] SGL_CAP_RESIDUALS: residuals and jt present", T->name);
        if (T->caps & SGL_CAP_HVP) check_true(T->hvp != NULL, "[%s] SGL_CAP_HVP: hvp present", T->name);
        if (T->caps & SGL_CAP_TRACE) check_true(T->trace != NULL, "[%s] SGL_CAP_TRACE: trace present", T->name);
        if (T->caps & SGL_CAP_LINEAR_W)
            check_true(T->weights != NULL, "[%s] SGL_CAP_LINEAR_W: weights present", T->name);
    }
    check_true(k >= 1, "registry holds %zu models (>= 1)", k);
    check_true(sgl_model_lookup("no-such-model") == NULL && sgl_model_lookup(NULL) == NULL,
               "lookup of an unknown name / NULL gives NULL");
}

/* One data set: shape checks, then every model on it. */
static void run_on(size_t d, size_t n, size_t kappa)
{
    printf("=== data d=%zu n=%zu kappa=%zu, gaussian, seed 3, draw 0\n", d, n, kappa);
    sgl_data_spec ds;
    memset(&ds, 0, sizeof ds);
    ds.input = SGL_INPUT_GAUSSIAN;
    ds.truth = SGL_TRUTH_ONES;
    ds.d = d;
    ds.n = n;
    ds.kappa = kappa;
    sgl_data *D = NULL;
    sgl_err err;
    memset(&err, 0, sizeof err);
    sgl_status st = sgl_data_alloc(&ds, 3, 0, &D, &err);
    if (!check_true(st == SGL_OK && D, "data_alloc(d=%zu, n=%zu, kappa=%zu): status obs=%d exp=0 %s", d, n, kappa,
                    (int)st, err.msg))
        return;
    size_t ld = (d + SGL_LANES - 1) / SGL_LANES * SGL_LANES;
    check_true(D->ld == ld && D->n == n && D->d == d, "data shape: n=%zu d=%zu ld=%zu exp %zu %zu %zu", D->n, D->d,
               D->ld, n, d, ld);
    long pad = 0;
    for (size_t i = 0; i < D->n; ++i)
        for (size_t j = D->d; j < D->ld; ++j) pad += D->Z[i * D->ld + j] != 0.0;
    check_true(pad == 0, "data rows zero-padded to ld: %ld nonzero padding cells", pad);
    /* generated data: w* = 1 on the first kappa coordinates, y = Z w*, colsq */
    long bad_w = 0;
    for (size_t j = 0; j < D->ld; ++j) bad_w += D->wstar[j] != (j < kappa ? 1.0 : 0.0);
    double ey = 0.0, ec = 0.0;
    for (size_t i = 0; i < n; ++i) {
        double f = 0.0;
        for (size_t j = 0; j < kappa; ++j) f += D->Z[i * D->ld + j];
        ey = fmax(ey, fabs(f - D->y[i]) / fmax(1.0, fabs(f)));
    }
    for (size_t j = 0; j < d; ++j) {
        double c2 = 0.0;
        for (size_t i = 0; i < n; ++i) c2 += D->Z[i * D->ld + j] * D->Z[i * D->ld + j];
        ec = fmax(ec, fabs(c2 / n - D->colsq[j]) / (c2 / n));
    }
    check_true(bad_w == 0, "data: w* = 1 on the first kappa=%zu coordinates, 0 elsewhere (%ld wrong)", kappa, bad_w);
    check_le(ey, 1e-14, "data: y = Z w* (no label noise), max rel err");
    check_le(ec, 1e-14, "data: colsq_j = (1/n) sum_i Z_ij^2, max rel err");
    for (uint32_t k = 0; sgl_models[k]; ++k) test_model(sgl_models[k], D, k);
    test_bad_input(D);
    sgl_data_free(D);
}

/* Boolean inputs are +-1; a second draw differs from the first; truth signs
 * are +-1 on the support. */
static void test_data_kinds(void)
{
    sgl_data_spec ds;
    memset(&ds, 0, sizeof ds);
    ds.input = SGL_INPUT_BOOLEAN;
    ds.truth = SGL_TRUTH_SIGNS;
    ds.d = 13;
    ds.n = 9;
    ds.kappa = 4;
    sgl_data *A = NULL, *B = NULL;
    sgl_err err;
    if (sgl_data_alloc(&ds, 3, 0, &A, &err) != SGL_OK || sgl_data_alloc(&ds, 3, 1, &B, &err) != SGL_OK) {
        check_true(0, "boolean data_alloc: %s", err.msg);
        sgl_data_free(A);
        return;
    }
    long bad = 0, diff = 0, badw = 0;
    for (size_t i = 0; i < A->n; ++i)
        for (size_t j = 0; j < A->d; ++j) {
            double z = A->Z[i * A->ld + j];
            bad += z != 1.0 && z != -1.0;
            diff += z != B->Z[i * B->ld + j];
        }
    for (size_t j = 0; j < A->d; ++j)
        badw += j < ds.kappa ? (A->wstar[j] != 1.0 && A->wstar[j] != -1.0) : A->wstar[j] != 0.0;
    check_true(bad == 0, "boolean inputs are +-1: %ld entries are not", bad);
    check_true(badw == 0, "truth signs: w* in {+-1} on the support, 0 off it (%ld wrong)", badw);
    check_true(diff > 0, "data draws 0 and 1 differ (%ld of %zu entries)", diff, A->n * A->d);
    sgl_data_free(A);
    sgl_data_free(B);
}

int main(void)
{
    test_registry();
    test_data_kinds();
    run_on(7, 5, 2);    /* the brief's shape: ld = 8, one vector of lanes */
    run_on(21, 6, 3);   /* ld = 24: exercises the 16-wide and 8-wide kernel paths */
    run_on(9, 7, 2);    /* d = 3^2: matrix sensing */
    run_on(16, 11, 2);  /* d = 4^2, ld = 16 */
    for (uint32_t k = 0; sgl_models[k]; ++k)
        check_true(tested[k] >= 2, "[%s] ran the full checks on %d data sets (>= 2)", sgl_models[k]->name, tested[k]);
    return done();
}
