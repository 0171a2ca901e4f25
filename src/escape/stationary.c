/* Stationary samples of an escape run without an event (issue 13 item 7):
 * the states at t_max summarised (mean, SE, quantiles of L and of |theta -
 * theta*|), the exponent phi of P ~ L^-phi fitted from the tail (and by the
 * exact quadratic-well MLE where it applies), and Mori's closed form phi =
 * 1 + (B/eta)/h* with its critical dimension (THEORY 5.3). */
#include "escape.h"
#include "../internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

const double sgl_stationary_q[SGL_STAT_NQ] = {0.05, 0.25, 0.5, 0.75, 0.95};

static int cmp_double(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* a quantile of sorted v[0..n): linear between the order statistics at (n - 1) p */
static double quantile(const double *v, size_t n, double p)
{
    const double h = (double)(n - 1) * p;
    const size_t i = (size_t)h;
    return i + 1 < n ? v[i] + (h - (double)i) * (v[i + 1] - v[i]) : v[n - 1];
}

/* mean, SE, quantiles and maximum of v[0..n) (n >= 2; v is sorted in place) */
static void summarize(double *v, size_t n, sgl_sample_summary *o)
{
    double m = 0.0, ss = 0.0;
    for (size_t i = 0; i < n; ++i) m += v[i];
    m /= (double)n;
    for (size_t i = 0; i < n; ++i) ss += (v[i] - m) * (v[i] - m);
    o->mean = m;
    o->se = sqrt(ss / (double)(n - 1) / (double)n);
    qsort(v, n, sizeof *v, cmp_double);
    for (int q = 0; q < SGL_STAT_NQ; ++q) o->q[q] = quantile(v, n, sgl_stationary_q[q]);
    o->max = v[n - 1];
}

/* Mori noise with one curvature h* in every direction: p ~ L^-phi exactly,
 * phi = 1 + (B/eta)/h* (zero flux of the Fokker-Planck equation with D = L
 * h* / (B/eta)); NaN otherwise */
static double phi_closed_form(const sgl_escape_spec *s, const sgl_escape_info *in)
{
    if (s->noise != SGL_ESC_MORI) return NAN;
    for (unsigned i = 1; i < s->lp.n; ++i)
        if (in->hstar[i] != in->hstar[0]) return NAN;
    return 1.0 + s->B_over_eta / in->hstar[0];
}

sgl_status sgl_escape_stationary_summary(const sgl_escape_spec *s, const sgl_escape_results *r,
                                         sgl_escape_stationary *out, sgl_err *err)
{
    memset(out, 0, sizeof *out);
    out->phi_theory = out->n_c = NAN;
    sgl_escape_info in;
    sgl_status st = sgl_escape_describe(s, &in, err);
    if (st != SGL_OK) return st;
    const unsigned n = r->n;
    double *L = sgl_malloc_array(r->M ? r->M : 1, sizeof *L), *d = sgl_malloc_array(r->M ? r->M : 1, sizeof *d);
    if (!L || !d) {
        sgl_free(L); sgl_free(d);
        return sgl_fail(err, SGL_ENOMEM, "trajectories", "out of memory");
    }
    size_t k = 0;
    for (size_t m = 0; m < r->M; ++m) {
        if (r->state[m] == SGL_FP_DIVERGED || !isfinite(r->L[m])) { out->diverged++; continue; }
        double d2 = 0.0;
        for (unsigned i = 0; i < n; ++i) d2 += (r->x[m * n + i] - in.x_min[i]) * (r->x[m * n + i] - in.x_min[i]);
        L[k] = r->L[m];
        d[k++] = sqrt(d2);
    }
    out->n = k;
    if (k < 2) {
        sgl_free(L); sgl_free(d);
        return sgl_fail(err, SGL_EINVAL, "trajectories", "stationary summary: %zu finite samples; need >= 2", k);
    }
    summarize(d, k, &out->dist);
    summarize(L, k, &out->L);   /* L sorted from here */
    sgl_err e2 = {{0}, {0}};
    /* tail: Hill MLE above the 90 % quantile of L (model-free; phi = alpha + n/2 - 1 far above L*) */
    if (sgl_est_phi_tail(L, k, quantile(L, k, 0.9), n, &out->phi_tail, &e2) != SGL_OK) out->phi_tail.n_used = 0;
    out->phi_theory = phi_closed_form(s, &in);
    if (strcmp(s->landscape, "quadratic") == 0 && isfinite(out->phi_theory)) {
        out->n_c = 2.0 * out->phi_theory;   /* L ~ |theta|^2: int r^{n-1} r^{-2 phi} dr < inf iff n < 2 phi */
        /* the quadratic-well law exists (its normaliser Gamma(phi - n/2)) only below n_c */
        if (n < out->n_c && sgl_est_phi_quadratic(L, k, in.L_min, n, &out->phi_quad, &e2) != SGL_OK)
            out->phi_quad.n_used = 0;
    }
    sgl_free(L);
    sgl_free(d);
    return SGL_OK;
}
