/* The text forms of a run (sgl_results_write): a table, CSV or JSON Lines,
 * each starting with the version and the full parameter set of the plan
 * (sgl_plan_params_json / sgl_plan_params_text: one walker, so the forms
 * cannot drift).  Doubles use %.17g (round-trip) and nothing depends on the
 * thread count, so outputs compare bytewise; any front end writing these
 * forms writes the same bytes as `sgdlab run`.  The library writes only to
 * the caller's FILE (the caller checks it at its close). */
#include "plan.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void sgl_print_double(FILE *f, double x, int json)
{
    if (isfinite(x)) fprintf(f, "%.17g", x);
    else fputs(json ? "null" : (isnan(x) ? "nan" : (x > 0 ? "inf" : "-inf")), f);
}

/* is_num: 0 string sval, 1 double dval, 2 number already formatted in sval */
typedef void (*kv_fn)(void *f, const char *key, const char *sval, double dval, int is_num, int first);

static void walk_params(void *f, const sgl_plan *p, kv_fn kv)
{
    const sgl_spec *s = &p->spec;
    char decay[400] = "";
    size_t k = 0;
    for (size_t i = 0; i < s->n_decay && k < sizeof decay; ++i)
        k += (size_t)snprintf(decay + k, sizeof decay - k, "%s%llu", i ? "," : "",
                              (unsigned long long)s->decay_at[i]);
    const sgl_data *D = p->data[0];
    kv(f, "model", s->model, 0, 0, 1);
    if (s->model_plugin && s->model_plugin[0]) {   /* the plugin, its content hash and parameters */
        char hash[17];
        snprintf(hash, sizeof hash, "%016llx", (unsigned long long)s->plugin_hash);
        kv(f, "model_plugin", s->model_plugin, 0, 0, 0);
        kv(f, "plugin_name", p->mtype->name, 0, 0, 0);
        kv(f, "plugin_hash", hash, 0, 0, 0);
        kv(f, "plugin_param", s->plugin_param, 0, 0, 0);
    }
    kv(f, "noise", s->noise, 0, 0, 0);
    /* a data-free model runs on identical dummy samples: say so */
    kv(f, "data", (p->mtype->caps & SGL_CAP_NODATA) ? "none" : sgl_input_names[s->data.input], 0, 0, 0);
    const int truth_file = s->data.input == SGL_INPUT_CSV && s->data.truth_path && s->data.truth_path[0];
    if (s->data.input == SGL_INPUT_CSV) kv(f, "data_file", s->data.csv_path, 0, 0, 0);
    if (truth_file) kv(f, "truth_file", s->data.truth_path, 0, 0, 0);
    kv(f, "d", NULL, (double)D->d, 1, 0);
    kv(f, "n", NULL, (double)D->n, 1, 0);
    kv(f, "kappa", NULL, (double)D->kappa, 1, 0);
    kv(f, "n_test", NULL, (double)D->n_test, 1, 0);
    kv(f, "truth", truth_file ? "file" : D->wstar ? sgl_truth_names[s->data.truth] : "none", 0, 0, 0);
    kv(f, "data_noise", NULL, s->data.label_noise, 1, 0);
    if (p->mtype->caps & SGL_CAP_WIDTH) kv(f, "width", NULL, (double)D->width, 1, 0);
    kv(f, "data_draw", sgl_draw_names[s->data_draw], 0, 0, 0);
    kv(f, "loss_a", NULL, s->a, 1, 0);
    kv(f, "alpha", NULL, s->alpha, 1, 0);
    kv(f, "delta", NULL, s->delta, 1, 0);
    kv(f, "sigma", NULL, s->sigma, 1, 0);
    kv(f, "sigma_scale", sgl_scale_names[s->sigma_scale], 0, 0, 0);
    kv(f, "batch", NULL, (double)s->batch, 1, 0);
    kv(f, "sampling", sgl_sampling_names[s->with_replacement != 0], 0, 0, 0);
    kv(f, "lr", NULL, s->lr, 1, 0);
    kv(f, "lr_decay", decay, 0, 0, 0);
    kv(f, "lr_decay_factor", NULL, s->decay_factor, 1, 0);
    kv(f, "steps", NULL, (double)s->steps, 1, 0);
    kv(f, "every", NULL, (double)s->every, 1, 0);
    kv(f, "seeds", NULL, (double)s->seeds, 1, 0);
    char seed[24];
    snprintf(seed, sizeof seed, "%llu", (unsigned long long)s->seed);
    kv(f, "seed", seed, 0, 2, 0);   /* 64-bit: printed exactly, not through a double */
    kv(f, "bound", NULL, s->bound, 1, 0);
    kv(f, "threshold", NULL, s->threshold, 1, 0);
    char init[512] = "";
    size_t il = 0;
    for (size_t i = 0; i < s->n_init && il + 32 < sizeof init; ++i)
        il += (size_t)snprintf(init + il, sizeof init - il, "%s%.17g", i ? "," : "", s->init[i]);
    if (il + 32 >= sizeof init && s->n_init > 0) snprintf(init + il, sizeof init - il, ",... (%zu values)", s->n_init);
    kv(f, "init", init, 0, 0, 0);
    kv(f, "observe", s->observe ? s->observe : "", 0, 0, 0);
}

/* through the JSON writer: control characters escaped, bytes that are not
 * UTF-8 as \ufffd (a data file's name is anything the OS allows) */
static void kv_json(void *w, const char *key, const char *sval, double dval, int is_num, int first)
{
    (void)first;
    sgl_json_key(w, key);
    if (is_num == 2) sgl_json_uint(w, strtoull(sval, NULL, 10));
    else if (is_num) sgl_json_double(w, dval);
    else sgl_json_string(w, sval);
}

static void kv_text(void *f, const char *key, const char *sval, double dval, int is_num, int first)
{
    fprintf(f, "%s%s=", first ? "" : " ", key);
    if (is_num == 2) fputs(sval, f);
    else if (is_num) sgl_print_double(f, dval, 0);
    else fputs(sval[0] ? sval : "-", f);
}

void sgl_plan_params_json(sgl_json *w, const sgl_plan *p)
{
    sgl_json_begin_object(w);
    walk_params(w, p, kv_json);
    sgl_json_end_object(w);
}

void sgl_plan_params_text(FILE *f, const sgl_plan *p, const char *prefix)
{
    fprintf(f, "%ssgdlab %s (git %s, Philox4x32-10 counter layout %d)\n%sparams: ", prefix, sgl_version(),
            sgl_git_hash(), SGL_COUNTER_LAYOUT, prefix);
    walk_params(f, p, kv_text);
    fprintf(f, "\n%stime: step = k (SGD steps); t_eta = sum_k eta_k (GD time); t_eta2 = sum_k eta_k^2 "
               "(slow/manifold time)\n", prefix);
}

/* the series value of (trajectory t, log point l, observable o) */
static double cell(const sgl_results *r, uint32_t t, size_t l, size_t o)
{
    return r->series[((size_t)t * r->n_log + l) * r->n_obs + o];
}

static sgl_status write_table(FILE *f, const sgl_plan *p, const sgl_results *r)
{
    sgl_plan_params_text(f, p, "# ");
    fprintf(f, "# each cell: mean +- standard error over the non-diverged trajectories\n");
    fprintf(f, "%12s %12s %12s", "step", "t_eta", "t_eta2");
    for (size_t o = 0; o < p->n_obs; ++o) fprintf(f, " %26s", p->obs[o]->name);
    fprintf(f, " %5s %5s\n", "n", "div");
    for (size_t l = 0; l < p->n_log; ++l) {
        if (sgl_cancel_requested()) return SGL_ECANCELED;   /* stop after a whole line */
        double t1, t2;
        sgl_spec_clock(&p->spec, p->log_steps[l], &t1, &t2);
        fprintf(f, "%12llu %12.6g %12.6g", (unsigned long long)p->log_steps[l], t1, t2);
        sgl_summary sm = {0};
        for (size_t o = 0; o < p->n_obs; ++o) {
            sgl_summarize(r, l, o, &sm);
            char c[64];
            snprintf(c, sizeof c, "%.6g +- %.2g", sm.mean, sm.std_err);
            fprintf(f, " %26s", c);
        }
        fprintf(f, " %5llu %5llu\n", (unsigned long long)sm.n, (unsigned long long)sm.n_diverged);
    }
    if (sgl_cancel_requested()) return SGL_ECANCELED;
    fprintf(f, "\nsummary at step %llu over %u trajectories:\n", (unsigned long long)p->spec.steps, r->n_traj);
    fprintf(f, "%-16s %24s %24s %24s %24s %6s %6s %9s\n", "observable", "mean", "se", "min", "max", "n", "div",
            "nonfinite");
    for (size_t o = 0; o < p->n_obs; ++o) {
        sgl_summary sm;
        sgl_summarize(r, p->n_log - 1, o, &sm);
        fprintf(f, "%-16s %24.17g %24.17g %24.17g %24.17g %6llu %6llu %9llu\n", p->obs[o]->name, sm.mean,
                sm.std_err, sm.min, sm.max, (unsigned long long)sm.n, (unsigned long long)sm.n_diverged,
                (unsigned long long)sm.n_nonfinite);
    }
    int any = 0;
    for (uint32_t t = 0; t < r->n_traj; ++t)
        if (r->diverged[t]) {
            fprintf(f, "%s%u@%llu", any ? ", " : "diverged (trajectory@step): ", t,
                    (unsigned long long)r->diverged_step[t]);
            any = 1;
        }
    if (any) fputc('\n', f);
    return SGL_OK;
}

static sgl_status write_csv(FILE *f, const sgl_plan *p, const sgl_results *r)
{
    sgl_plan_params_text(f, p, "# ");
    fprintf(f, "traj,step,t_eta,t_eta2,lr");
    for (size_t o = 0; o < p->n_obs; ++o) fprintf(f, ",%s", p->obs[o]->name);
    fprintf(f, ",diverged,diverged_step\n");
    for (uint32_t t = 0; t < r->n_traj; ++t)
        for (size_t l = 0; l < p->n_log; ++l) {
            if (sgl_cancel_requested()) return SGL_ECANCELED;   /* stop after a whole record */
            uint64_t k = p->log_steps[l];
            double t1, t2;
            sgl_spec_clock(&p->spec, k, &t1, &t2);
            fprintf(f, "%u,%llu,%.17g,%.17g,%.17g", t, (unsigned long long)k, t1, t2, sgl_spec_lr(&p->spec, k));
            for (size_t o = 0; o < p->n_obs; ++o) {
                fputc(',', f);
                sgl_print_double(f, cell(r, t, l, o), 0);
            }
            fprintf(f, ",%d,", r->diverged[t] && k >= r->diverged_step[t]);
            if (r->diverged[t]) fprintf(f, "%llu", (unsigned long long)r->diverged_step[t]);
            fputc('\n', f);
        }
    return SGL_OK;
}

/* the first line of the JSON Lines form: version, parameters, time units, observables */
static void jsonl_header(sgl_json *w, FILE *f, const sgl_plan *p)
{
    sgl_json_to_file(w, f);
    sgl_json_begin_object(w);
    sgl_json_kbool(w, "header", 1);
    sgl_json_kstring(w, "version", sgl_version());
    sgl_json_kstring(w, "git", sgl_git_hash());
    sgl_json_kint(w, "counter_layout", SGL_COUNTER_LAYOUT);
    sgl_json_key(w, "params");
    sgl_plan_params_json(w, p);
    sgl_json_key(w, "time_units");
    sgl_json_begin_object(w);
    sgl_json_kstring(w, "step", "SGD steps k");
    sgl_json_kstring(w, "t_eta", "sum eta_k (GD time)");
    sgl_json_kstring(w, "t_eta2", "sum eta_k^2 (slow time)");
    sgl_json_end_object(w);
    sgl_json_key(w, "observables");
    sgl_json_begin_array(w);
    for (size_t o = 0; o < p->n_obs; ++o) sgl_json_string(w, p->obs[o]->name);
    sgl_json_end_array(w);
    sgl_json_end_object(w);
    fputc('\n', f);
}

/* the last line: per observable the summary at the last logged step */
static void jsonl_summary(sgl_json *w, FILE *f, const sgl_plan *p, const sgl_results *r)
{
    size_t nd = 0;
    for (uint32_t t = 0; t < r->n_traj; ++t) nd += r->diverged[t] != 0;
    sgl_json_to_file(w, f);
    sgl_json_begin_object(w);
    sgl_json_kbool(w, "summary", 1);
    sgl_json_kuint(w, "step", p->spec.steps);
    sgl_json_kuint(w, "n_traj", r->n_traj);
    sgl_json_kuint(w, "n_diverged", nd);
    sgl_json_key(w, "observables");
    sgl_json_begin_object(w);
    for (size_t o = 0; o < p->n_obs; ++o) {
        sgl_summary sm;
        sgl_summarize(r, p->n_log - 1, o, &sm);
        sgl_json_key(w, p->obs[o]->name);
        sgl_json_begin_object(w);
        sgl_json_kdouble(w, "mean", sm.mean);
        sgl_json_kdouble(w, "se", sm.std_err);
        sgl_json_kdouble(w, "min", sm.min);
        sgl_json_kdouble(w, "max", sm.max);
        sgl_json_kuint(w, "n", sm.n);
        sgl_json_kuint(w, "n_diverged", sm.n_diverged);
        sgl_json_kuint(w, "n_nonfinite", sm.n_nonfinite);
        sgl_json_end_object(w);
    }
    sgl_json_end_object(w);
    sgl_json_end_object(w);
    fputc('\n', f);
}

static sgl_status write_jsonl(FILE *f, const sgl_plan *p, const sgl_results *r)
{
    sgl_json w;
    jsonl_header(&w, f, p);
    for (uint32_t t = 0; t < r->n_traj; ++t)
        for (size_t l = 0; l < p->n_log; ++l) {
            if (sgl_cancel_requested()) return SGL_ECANCELED;   /* stop after a whole record */
            uint64_t k = p->log_steps[l];
            double t1, t2;
            sgl_spec_clock(&p->spec, k, &t1, &t2);
            sgl_json_to_file(&w, f);   /* one record per line */
            sgl_json_begin_object(&w);
            sgl_json_kuint(&w, "traj", t);
            sgl_json_kuint(&w, "step", k);
            sgl_json_kdouble(&w, "t_eta", t1);
            sgl_json_kdouble(&w, "t_eta2", t2);
            sgl_json_kdouble(&w, "lr", sgl_spec_lr(&p->spec, k));
            for (size_t o = 0; o < p->n_obs; ++o) sgl_json_kdouble(&w, p->obs[o]->name, cell(r, t, l, o));
            sgl_json_kbool(&w, "diverged", r->diverged[t] && k >= r->diverged_step[t]);
            sgl_json_key(&w, "diverged_step");
            if (r->diverged[t]) sgl_json_uint(&w, r->diverged_step[t]);
            else sgl_json_null(&w);
            sgl_json_end_object(&w);
            fputc('\n', f);
        }
    if (sgl_cancel_requested()) return SGL_ECANCELED;
    jsonl_summary(&w, f, p, r);
    return SGL_OK;
}

sgl_status sgl_results_write(FILE *f, const sgl_plan *p, const sgl_results *r, sgl_format fmt)
{
    switch (fmt) {
    case SGL_FMT_TABLE: return write_table(f, p, r);
    case SGL_FMT_CSV: return write_csv(f, p, r);
    case SGL_FMT_JSONL: return write_jsonl(f, p, r);
    }
    return SGL_EINVAL;
}
