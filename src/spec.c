/* Run specs: defaults and validation.  Every problem names the CLI flag it
 * came from and the allowed values; nothing runs on an invalid spec. */
#include "internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

const char *const sgl_input_names[] = {"gaussian", "boolean", "csv", NULL};
const char *const sgl_truth_names[] = {"ones", "signs", NULL};
const char *const sgl_draw_names[] = {"per-seed", "shared", NULL};
const char *const sgl_scale_names[] = {"unset", "eta", "sqrt-eta", NULL};
const char *const sgl_sampling_names[] = {"without", "with", NULL};

void sgl_spec_defaults(sgl_spec *s)
{
    memset(s, 0, sizeof *s);
    s->model = "diagnet";
    s->noise = "label";
    s->data.input = SGL_INPUT_GAUSSIAN;
    s->data.truth = SGL_TRUTH_ONES;
    s->data.d = 100;
    s->data.n = 40;
    s->data.kappa = 5;
    s->data_draw = SGL_DRAW_PER_SEED;
    s->a = NAN;
    s->alpha = 1.0;
    s->delta = 1.0;
    s->sigma = 0.0;
    s->batch = 1;
    s->lr = 1e-3;
    s->decay_factor = 0.1;
    s->steps = 100000;
    s->every = 1000;
    s->seeds = 8;
    s->seed = 1;
    s->bound = 1e8;
    s->threshold = 0.01;
}

#define NEED(cond, field, ...) \
    do { if (!(cond)) return sgl_fail(err, SGL_EINVAL, field, __VA_ARGS__); } while (0)

sgl_status sgl_spec_validate(const sgl_spec *s, sgl_err *err)
{
    char names[256];
    const sgl_model_type *mt = NULL;
    char hint[80];
    const char *cand[64];
    size_t nc = 0;
    sgl_status pst = sgl_spec_model(s, &mt, err);   /* a plugin: loaded and checked here */
    if (pst != SGL_OK) return pst;
    if (!mt && s->model && strcmp(s->model, "plugin") == 0)
        return sgl_fail(err, SGL_EINVAL, "--model", "'plugin' needs --model-plugin FILE (a model plugin)");
    if (!sgl_spec_has_plugin(s) && s->plugin_param[0])
        return sgl_fail(err, SGL_EINVAL, "--plugin-param", "only used with --model-plugin FILE");
    if (!mt) {
        sgl_model_names(names, sizeof names);
        for (nc = 0; nc < 64 && sgl_models[nc]; ++nc) cand[nc] = sgl_models[nc]->name;
        sgl_did_you_mean(s->model, cand, nc, hint, sizeof hint);
        return sgl_fail(err, SGL_EINVAL, "--model", "unknown model '%s'%s; valid: %s",
                        s->model ? s->model : "", hint, names);
    }
    const sgl_noise_type *nt = sgl_noise_lookup(s->noise);
    if (!nt) {
        sgl_noise_names(names, sizeof names);
        for (nc = 0; nc < 64 && sgl_noises[nc]; ++nc) cand[nc] = sgl_noises[nc]->name;
        sgl_did_you_mean(s->noise, cand, nc, hint, sizeof hint);
        return sgl_fail(err, SGL_EINVAL, "--noise", "unknown noise '%s'%s; valid: %s",
                        s->noise ? s->noise : "", hint, names);
    }
    if ((mt->caps & nt->needs_caps) != nt->needs_caps)
        return sgl_fail(err, SGL_ECAPS, "--noise", "noise '%s' needs per-sample residuals, which model '%s' lacks",
                        nt->name, mt->name);
    const sgl_data_spec *d = &s->data;
    NEED(d->input == SGL_INPUT_GAUSSIAN || d->input == SGL_INPUT_BOOLEAN || d->input == SGL_INPUT_CSV, "--data",
         "must be gaussian, boolean or csv");
    NEED(d->truth == SGL_TRUTH_ONES || d->truth == SGL_TRUTH_SIGNS, "--truth", "must be ones or signs");
    NEED(s->data_draw == SGL_DRAW_PER_SEED || s->data_draw == SGL_DRAW_SHARED, "--data-draw",
         "must be per-seed or shared");
    NEED(s->with_replacement == 0 || s->with_replacement == 1, "--sampling", "must be without or with");
    if (d->input == SGL_INPUT_CSV) {
        NEED(d->csv_path && d->csv_path[0], "--data-file", "required with --data csv: a CSV file of rows x_1,...,x_d,y");
        NEED(d->label_noise == 0, "--data-noise", "not used with --data csv (the file's labels are used as given)");
    } else {
        NEED(!d->truth_path || !d->truth_path[0], "--truth-file",
             "only used with --data csv (generated data has its own w*: --truth, --kappa)");
        NEED(d->d >= 1 && d->d <= 1000000, "--d", "must be an integer in [1, 1000000], got %zu", d->d);
        NEED(d->n >= 1 && d->n <= 10000000, "--n", "must be an integer in [1, 10000000], got %zu", d->n);
        NEED(d->kappa <= d->d, "--kappa", "must be an integer in [0, d = %zu], got %zu", d->d, d->kappa);
        NEED(d->n_test <= 10000000, "--n-test", "must be an integer in [0, 10000000], got %zu", d->n_test);
    }
    NEED(d->width <= 100000, "--width", "must be an integer in [0, 100000] (0: the model's default), got %zu", d->width);
    NEED(d->width == 0 || (mt->caps & SGL_CAP_WIDTH), "--width", "not used by --model %s (hidden units of tanhnet)",
         mt->name);
    NEED(d->label_noise >= 0 && isfinite(d->label_noise), "--data-noise",
         "must be a finite number >= 0, got %.17g", d->label_noise);
    NEED(isnan(s->a) || (s->a > 0 && isfinite(s->a)), "--loss-a", "must be a finite number > 0, got %.17g", s->a);
    NEED(isfinite(s->alpha), "--alpha", "must be finite, got %.17g", s->alpha);
    NEED(s->n_init == 0 || s->init, "--init", "n_init = %zu values but no array", s->n_init);
    for (size_t i = 0; i < s->n_init; ++i)
        NEED(isfinite(s->init[i]), "--init", "value %zu must be finite, got %.17g", i + 1, s->init[i]);
    NEED(s->delta >= 0 && isfinite(s->delta), "--delta", "must be a finite number >= 0, got %.17g", s->delta);
    NEED(s->sigma >= 0 && isfinite(s->sigma), "--sigma", "must be a finite number >= 0, got %.17g", s->sigma);
    if (nt->uses_sigma)
        NEED(s->sigma_scale == SGL_SCALE_ETA || s->sigma_scale == SGL_SCALE_SQRT_ETA, "--sigma-scale",
             "required with --noise %s: 'eta' (step adds eta*sigma*xi) or 'sqrt-eta' (adds sqrt(eta)*sigma*xi)",
             nt->name);
    NEED(s->batch >= 1, "--batch", "must be an integer >= 1, got %zu", s->batch);
    NEED(s->lr > 0 && isfinite(s->lr), "--lr", "must be a finite number > 0, got %.17g", s->lr);
    NEED(s->decay_factor > 0 && isfinite(s->decay_factor), "--lr-decay-factor",
         "must be a finite number > 0, got %.17g", s->decay_factor);
    NEED(s->n_decay <= SGL_MAX_DECAY, "--lr-decay", "at most %d decay steps", SGL_MAX_DECAY);
    for (size_t i = 0; i < s->n_decay; ++i)
        NEED(s->decay_at[i] >= 1 && (i == 0 || s->decay_at[i] > s->decay_at[i - 1]), "--lr-decay",
             "decay steps must be integers >= 1 in increasing order, got %llu after %llu",
             (unsigned long long)s->decay_at[i], i ? (unsigned long long)s->decay_at[i - 1] : 0ull);
    NEED(s->steps >= 1 && s->steps <= (1ull << 56), "--steps", "must be an integer in [1, 2^56], got %llu",
         (unsigned long long)s->steps);
    NEED(s->every >= 1, "--every", "must be an integer >= 1, got %llu", (unsigned long long)s->every);
    NEED(s->steps / s->every <= 1000000, "--every", "logs at most 10^6 points per trajectory; raise --every");
    NEED(s->seeds >= 1, "--trajectories", "must be an integer >= 1, got %u", s->seeds);
    NEED(s->bound > 0, "--bound", "must be > 0, got %.17g", s->bound);
    NEED(s->threshold >= 0 && isfinite(s->threshold), "--threshold", "must be a finite number >= 0, got %.17g",
         s->threshold);
    if (s->observe) {
        /* every token names an optional observable the model can supply */
        char valid[256] = "";
        size_t vl = 0;
        for (size_t i = 0; sgl_observables[i]; ++i)
            if (sgl_observables[i]->optional && vl < sizeof valid)
                vl += (size_t)snprintf(valid + vl, sizeof valid - vl, "%s%s", vl ? ", " : "", sgl_observables[i]->name);
        for (const char *tok = s->observe;;) {
            const char *comma = strchr(tok, ',');
            size_t tl = comma ? (size_t)(comma - tok) : strlen(tok);
            const sgl_observable_type *o = NULL;
            for (size_t i = 0; sgl_observables[i]; ++i)
                if (sgl_observables[i]->optional && strlen(sgl_observables[i]->name) == tl &&
                    strncmp(sgl_observables[i]->name, tok, tl) == 0)
                    o = sgl_observables[i];
            NEED(o, "--observe", "unknown optional observable '%.*s'; valid: %s (comma-separated)", (int)tl, tok, valid);
            /* a repeat would be a second spelling of one run (another run key): refused, not merged */
            for (const char *prev = s->observe; prev < tok;) {
                const char *pc = strchr(prev, ',');
                NEED((size_t)(pc - prev) != tl || strncmp(prev, tok, tl) != 0, "--observe",
                     "'%.*s' is listed twice; name each observable once", (int)tl, tok);
                prev = pc + 1;
            }
            if ((mt->caps & o->needs_caps) != o->needs_caps)
                return sgl_fail(err, SGL_ECAPS, "--observe", "observable '%s' needs Hessian-vector products, which model '%s' lacks",
                                o->name, mt->name);
            if (!comma) break;
            tok = comma + 1;
        }
    }
    return SGL_OK;
}
