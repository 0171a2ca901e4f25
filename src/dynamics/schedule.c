/* Learning-rate schedules: constant, or step decay by a factor at given steps. */
#include "sgdlab.h"

double sgl_spec_lr(const sgl_spec *s, uint64_t k)
{
    double eta = s->lr;
    for (size_t i = 0; i < s->n_decay; ++i)
        if (k >= s->decay_at[i]) eta *= s->decay_factor;
    return eta;
}

/* first decay step strictly after k, or UINT64_MAX */
uint64_t sgl_spec_next_decay(const sgl_spec *s, uint64_t k)
{
    uint64_t nxt = UINT64_MAX;
    for (size_t i = 0; i < s->n_decay; ++i)
        if (s->decay_at[i] > k && s->decay_at[i] < nxt) nxt = s->decay_at[i];
    return nxt;
}
