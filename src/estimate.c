/* Summaries across trajectories, reduced in trajectory order (fixed). */
#include "sgdlab.h"

#include <math.h>

double sgl_sum_fixed(const double *x, size_t n)
{
    double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    size_t k = 0;
    for (; k + 4 <= n; k += 4) { s0 += x[k]; s1 += x[k + 1]; s2 += x[k + 2]; s3 += x[k + 3]; }
    for (; k < n; ++k) s0 += x[k];
    return (s0 + s1) + (s2 + s3);
}

void sgl_summarize(const sgl_results *r, size_t l, size_t o, sgl_summary *out)
{
    double sum = 0.0, mn = INFINITY, mx = -INFINITY;
    uint64_t n = 0, nd = 0, nnf = 0;
    for (uint32_t t = 0; t < r->n_traj; ++t) {
        double x = r->series[((size_t)t * r->n_log + l) * r->n_obs + o];
        /* a trajectory counts as diverged from its diverged step on (its values
         * are NaN from there); before that it is averaged like any other, and
         * a non-finite value of a live trajectory is counted apart */
        if (r->diverged[t] && r->diverged_step[t] <= r->log_steps[l]) { ++nd; continue; }
        if (!isfinite(x)) { ++nnf; continue; }
        sum += x; ++n;
        if (x < mn) mn = x;
        if (x > mx) mx = x;
    }
    double mean = n ? sum / (double)n : NAN, ss = 0.0;
    for (uint32_t t = 0; t < r->n_traj; ++t) {
        double x = r->series[((size_t)t * r->n_log + l) * r->n_obs + o];
        if (!(r->diverged[t] && r->diverged_step[t] <= r->log_steps[l]) && isfinite(x))
            ss += (x - mean) * (x - mean);
    }
    out->mean = mean;
    out->std_err = n > 1 ? sqrt(ss / (double)(n - 1) / (double)n) : NAN;
    out->min = n ? mn : NAN;
    out->max = n ? mx : NAN;
    out->n = n;
    out->n_diverged = nd;
    out->n_nonfinite = nnf;
}
