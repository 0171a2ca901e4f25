/* sgdlab escape --method ams: the splitting estimate (sgl_escape_ams) as a
 * table or as --json in the shape of the direct method's (mfpt, rate,
 * theory) plus "method" and the splitting diagnostics under "ams". */
#include "cli.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* the theory of s: sgl_theory_escape, as `sgdlab escape` prints it; *why when none */
static size_t theory_of(const sgl_escape_spec *s, sgl_prediction *pred, size_t cap, char *why, size_t len)
{
    size_t n = 0;
    sgl_err te = {{0}, {0}};
    why[0] = '\0';
    if (sgl_theory_escape(s, pred, cap, &n, &te) != SGL_OK) {
        snprintf(why, len, "%s: %s", te.field, te.msg);
        return 0;
    }
    if (n == 1 && strcmp(pred[0].name, "none") == 0) {
        snprintf(why, len, "%s", pred[0].note);
        return 0;
    }
    return n < cap ? n : cap;
}

static double ratio(const sgl_prediction *p, const sgl_ams_result *r, double eta)
{
    if (!strcmp(p->unit, "t = eta k")) return r->mfpt / p->value;
    if (!strcmp(p->unit, "steps k")) return r->mfpt / eta / p->value;
    if (!strcmp(p->unit, "1/t")) return r->rate / p->value;
    return NAN;
}

static void json_ci(sgl_json *w, const double ci[2])
{
    sgl_json_key(w, "ci");
    sgl_json_begin_array(w);
    sgl_json_double(w, ci[0]);
    sgl_json_double(w, ci[1]);
    sgl_json_end_array(w);
    sgl_json_key(w, "level");
    sgl_json_double_fmt(w, "%g", 0.95);
}

void escape_ams_json_diag(sgl_json *w, const sgl_ams_result *r, const sgl_ams_opts *o)
{
    sgl_json_kdouble(w, "p", r->p);
    sgl_json_kdouble(w, "p_se", r->p_se);
    json_ci(w, r->p_ci);
    sgl_json_kdouble(w, "t_first", r->t_first);
    sgl_json_kdouble(w, "t_first_se", r->t_first_se);
    sgl_json_kdouble(w, "t_loop", r->t_loop);
    sgl_json_kdouble(w, "t_loop_se", r->t_loop_se);
    sgl_json_kdouble(w, "t_reactive", r->t_reactive);
    sgl_json_kdouble(w, "t_reactive_se", r->t_reactive_se);
    sgl_json_kdouble(w, "z_A", r->z_A);
    sgl_json_kdouble(w, "z_sigma", r->z_sigma);
    if (o->coordinate) sgl_json_kstring(w, "coordinate", sgl_ams_coordinate_names[o->coordinate]);   /* not the event's */
    sgl_json_kuint(w, "replicas", o->replicas);
    sgl_json_kuint(w, "kill", o->kill);
    sgl_json_kuint(w, "runs", r->runs);
    sgl_json_kuint(w, "cycles", o->cycles);
    sgl_json_kuint(w, "extinct_runs", r->extinct);
    sgl_json_kuint(w, "iterations", r->iterations);
    sgl_json_kuint(w, "clones", r->clones);
    sgl_json_kuint(w, "evaluations", r->evaluations);
    sgl_json_kuint(w, "capped", r->capped);
    sgl_json_kuint(w, "direct_escapes", r->direct_escapes);
}

static void print_json(const sgl_escape_spec *s, const sgl_ams_result *r, const sgl_prediction *pred, size_t np,
                       const char *why)
{
    sgl_json w;
    sgl_json_to_file(&w, stdout);
    sgl_json_begin_object(&w);
    sgl_json_kstring(&w, "command", "escape");
    sgl_json_kstring(&w, "method", "ams");
    escape_json_spec(&w, s, s->landscape);
    sgl_json_kdouble(&w, "eta", s->eta);
    sgl_json_kuint(&w, "seed", s->seed);
    sgl_json_kstring(&w, "time_unit", "t = eta k");
    sgl_json_key(&w, "mfpt");
    sgl_json_begin_object(&w);
    sgl_json_kdouble(&w, "mean", r->mfpt);
    sgl_json_kdouble(&w, "se", r->mfpt_se);
    json_ci(&w, r->mfpt_ci);
    sgl_json_kstring(&w, "unit", "t = eta k");
    sgl_json_kdouble(&w, "mean_steps", r->mfpt / s->eta);
    sgl_json_kdouble(&w, "se_steps", r->mfpt_se / s->eta);
    sgl_json_kstring(&w, "method", "T_first + (1 - p)/p T_loop + T_reactive; delta-method SE across runs, log-normal t CI");
    sgl_json_end_object(&w);
    sgl_json_key(&w, "rate");
    sgl_json_begin_object(&w);
    sgl_json_kdouble(&w, "value", r->rate);
    sgl_json_kdouble(&w, "se", r->rate_se);
    json_ci(&w, r->rate_ci);
    sgl_json_kstring(&w, "unit", "1/t");
    sgl_json_kdouble(&w, "per_step", r->rate * s->eta);
    sgl_json_kstring(&w, "method", "1 / mfpt");
    sgl_json_end_object(&w);
    sgl_json_key(&w, "ams");
    sgl_json_begin_object(&w);
    escape_ams_json_diag(&w, r, &s->ams);
    sgl_json_end_object(&w);
    double rs[64];
    for (size_t i = 0; i < np && i < 64; ++i) rs[i] = ratio(&pred[i], r, s->eta);
    sgl_json_key(&w, "theory");
    sgl_json_begin_object(&w);
    sgl_json_predictions(&w, why, pred, np < 64 ? np : 64, rs);
    sgl_json_end_object(&w);
    sgl_json_kdouble(&w, "seconds", r->seconds);
    sgl_json_end_object(&w);
    putchar('\n');
}

static void print_table(const sgl_escape_spec *s, const sgl_ams_result *r, const sgl_prediction *pred, size_t np,
                        const char *why)
{
    printf("# sgdlab escape --method ams: landscape %s (n = %u, L0 = %g), noise %s, dynamics %s, event %s, eta = %g\n",
           s->landscape, s->lp.n, s->lp.L0, sgl_escape_noises[s->noise]->name,
           sgl_escape_dynamics_kinds[s->dynamics]->name, sgl_escape_events[s->event]->name, s->eta);
    printf("# adaptive multilevel splitting: %u runs x %u replicas, kill k = %u, levels z_A = %.4g, z_sigma = %.4g of "
           "the reaction coordinate%s%s (0 at theta*, 1 at the exit)\n",
           r->runs, s->ams.replicas, s->ams.kill, r->z_A, r->z_sigma, s->ams.coordinate ? " " : "",
           s->ams.coordinate ? sgl_ams_coordinate_names[s->ams.coordinate] : "");
    printf("# %llu iterations, %llu clones, %llu model evaluations; %u extinct runs, %llu capped excursions, %llu "
           "direct escapes\n",
           (unsigned long long)r->iterations, (unsigned long long)r->clones, (unsigned long long)r->evaluations,
           r->extinct, (unsigned long long)r->capped, (unsigned long long)r->direct_escapes);
    printf("%-34s %14s %12s %14s %14s  %s\n", "estimate", "value", "se", "ci95_lo", "ci95_hi", "unit");
    printf("%-34s %14.6g %12.4g %14.6g %14.6g  %s\n", "p (reach the event before A)", r->p, r->p_se, r->p_ci[0],
           r->p_ci[1], "");
    printf("%-34s %14.6g %12.4g %14s %14s  %s\n", "T_first (start -> Sigma)", r->t_first, r->t_first_se, "", "",
           "t = eta k");
    printf("%-34s %14.6g %12.4g %14s %14s  %s\n", "T_loop (Sigma -> A -> Sigma)", r->t_loop, r->t_loop_se, "", "",
           "t = eta k");
    printf("%-34s %14.6g %12.4g %14s %14s  %s\n", "T_reactive (Sigma -> event)", r->t_reactive, r->t_reactive_se, "",
           "", "t = eta k");
    printf("%-34s %14.6g %12.4g %14.6g %14.6g  %s\n", "MFPT", r->mfpt, r->mfpt_se, r->mfpt_ci[0], r->mfpt_ci[1],
           "t = eta k");
    printf("%-34s %14.6g %12.4g %14.6g %14.6g  %s\n", "MFPT in steps", r->mfpt / s->eta, r->mfpt_se / s->eta,
           r->mfpt_ci[0] / s->eta, r->mfpt_ci[1] / s->eta, "steps k");
    printf("%-34s %14.6g %12.4g %14.6g %14.6g  %s\n", "rate", r->rate, r->rate_se, r->rate_ci[0], r->rate_ci[1], "1/t");
    if (why[0]) {
        printf("# theory: %s\n", why);
        return;
    }
    printf("# theory (sgl_theory_predict; ratio = simulation / prediction where one compares):\n");
    printf("%-28s %14s %10s  %-10s %s\n", "prediction", "value", "ratio", "unit", "note");
    for (size_t i = 0; i < np; ++i)
        printf("%-28s %14.6g %10.4g  %-10s %s\n", pred[i].name, pred[i].value, ratio(&pred[i], r, s->eta), pred[i].unit,
               pred[i].note);
}

int escape_ams(const escape_opts *o)
{
    sgl_err err = {{0}, {0}};
    sgl_store *db = NULL;
    sgl_record rec = {0};
    sgl_claim cl = SGL_CLAIM_NEW;
    sgl_status st = SGL_OK;
    /* --db: the library's life cycle of every escape run (claimed before it runs, written in one transaction);
     * a finished splitting run of the same run key is not redone */
    if (o->db_path && (st = sgl_store_open(o->db_path, 0, 5000, &db, &err)) != SGL_OK) goto done;
    sgl_any_spec spec;
    sgl_any_spec_default(&spec, SGL_KIND_ESCAPE);
    spec.u.escape = o->spec;
    sgl_run_info info = {.command = "escape", .sweep_index = -1, .threads = o->spec.threads, .ranks = 1};
    if ((st = sgl_store_run_any(db, &spec, &info, NULL, &rec, &cl, &err)) != SGL_OK) {
        if (!rec.ams) escape_err_flag(&err);
        goto done;
    }
    if (cl == SGL_CLAIM_FINISHED) {
        char key[17];
        sgl_any_spec_run_key(&spec, key);
        fprintf(stderr, "sgdlab escape --method ams: run %s is finished in %s: not redone (sgdlab report %s, "
                "sgdlab export %s --table estimates show it)\n", key, o->db_path, o->db_path, o->db_path);
        goto done;
    }
    const sgl_ams_result *r = rec.ams;
    sgl_prediction pred[64];
    char why[600];
    const size_t np = theory_of(&o->spec, pred, 64, why, sizeof why);
    if (o->json) print_json(&o->spec, r, pred, np, why);
    else print_table(&o->spec, r, pred, np, why);
    fprintf(stderr, "sgdlab escape --method ams: %llu model evaluations in %.3f s\n",
            (unsigned long long)r->evaluations, r->seconds);
done:
    if (db) {
        sgl_err e2 = {{0}, {0}};
        sgl_status cs = sgl_store_close(db, &e2);
        if (st == SGL_OK && cs != SGL_OK) st = cs, err = e2;
    }
    sgl_record_clear(&rec);
    return cli_report(st, &err);   /* main closes stdout and checks it */
}
