/* The noise registry. */
#include "../internal.h"

#include <string.h>

extern const sgl_noise_type sgl_noise_none, sgl_noise_label, sgl_noise_label_gauss,
    sgl_noise_gaussian, sgl_noise_minibatch, sgl_noise_minibatch_diff, sgl_noise_lngd, sgl_noise_sqrt_loss,
    sgl_noise_normalized;

const sgl_noise_type *const sgl_noises[] = {
    &sgl_noise_none, &sgl_noise_label, &sgl_noise_label_gauss, &sgl_noise_gaussian,
    &sgl_noise_minibatch, &sgl_noise_minibatch_diff, &sgl_noise_lngd, &sgl_noise_sqrt_loss,
    &sgl_noise_normalized, NULL};

const sgl_noise_type *sgl_noise_lookup(const char *name)
{
    for (size_t i = 0; sgl_noises[i]; ++i)
        if (name && strcmp(sgl_noises[i]->name, name) == 0) return sgl_noises[i];
    return NULL;
}

void sgl_noise_names(char *buf, size_t len) { sgl_join_names((const void *const *)sgl_noises, buf, len); }
