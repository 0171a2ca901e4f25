/* Whole arrays of a run's results in one call (include/sgdlab_columns.h),
 * for bindings that would otherwise call sgl_summarize and sgl_spec_clock
 * once per logged point: the same values, in the same order. */
#include "sgdlab_columns.h"

void sgl_summarize_all(const sgl_results *r, sgl_summary *out)
{
    for (size_t o = 0; o < r->n_obs; ++o)
        for (size_t l = 0; l < r->n_log; ++l) sgl_summarize(r, l, o, &out[o * r->n_log + l]);
}

void sgl_spec_clocks(const sgl_spec *s, const uint64_t *steps, size_t n, double *t_eta, double *t_eta2, double *lr)
{
    for (size_t l = 0; l < n; ++l) {
        sgl_spec_clock(s, steps[l], &t_eta[l], &t_eta2[l]);
        lr[l] = sgl_spec_lr(s, steps[l]);
    }
}
