/* sgdlab limit: the Li-Wang-Arora limiting dynamics on the manifold of
 * minimisers for the same spec as `sgdlab run`, in limit time t = eta^2 k;
 * with --compare-sgd also SGD for round(T / eta^2) steps at each eta, in one
 * table: per observable (and per coordinate for models with <= 8 live
 * parameters) the mean +- SE over trajectories at t = T.  With --db the
 * limit and each SGD column are runs in the store (command "limit").  The
 * computation is the library's (sgl_limit_compare); this file parses the
 * flags and renders the table (--json: sgl_limit_comparison_json). */
#include "cli.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static sgl_status parse_etas(const char *s, double *etas, size_t *n, sgl_err *err)
{
    *n = 0;
    for (const char *tok = s;;) {
        const char *comma = strchr(tok, ',');
        size_t len = comma ? (size_t)(comma - tok) : strlen(tok);
        char buf[64];
        double v;
        if (len == 0 || len >= sizeof buf || *n == SGL_LIMIT_MAX_ETAS)
            return sgl_fail(err, SGL_EINVAL, "--lrs", "must be 1 to %d learning rates lr1,lr2,... > 0, got '%s'",
                            SGL_LIMIT_MAX_ETAS, s);
        memcpy(buf, tok, len);
        buf[len] = '\0';
        if (sgl_parse_double(buf, &v) != 0 || !(v > 0.0))
            return sgl_fail(err, SGL_EINVAL, "--lrs", "must be learning rates > 0, got '%s' in '%s'", buf, s);
        etas[(*n)++] = v;
        if (!comma) break;
        tok = comma + 1;
    }
    return SGL_OK;
}

/* one row of the table: its name, then per column row q's mean +- SE (what 0), the trajectory counts (1)
 * or the wall seconds (2) */
static void print_cells(const char *name, const sgl_limit_comparison *c, size_t q, int what)
{
    printf("%-16s", name);
    for (size_t k = 0; k <= c->n_eta; ++k) {
        const sgl_limit_column *col = &c->col[k];
        char v[64];
        if (what == 1) snprintf(v, sizeof v, "%llu/%llu", (unsigned long long)col->n_ok, (unsigned long long)col->n_div);
        else if (what == 2) snprintf(v, sizeof v, "%.3g", col->seconds);
        else snprintf(v, sizeof v, "%.6g +- %.2g", col->mean[q], col->se[q]);
        printf(" %-28s", v);
    }
    printf("\n");
}

/* the table of a limit run: one row per observable, one column for the limit and one per SGD eta */
static void print_limit_table(const sgl_limit_comparison *c)
{
    const sgl_limit_info *info = &c->info;
    printf("# sgdlab limit: model %s, noise %s, %u trajectories (seed %llu)\n", c->model, c->noise, c->seeds,
           (unsigned long long)c->seed);
    printf("# limit: %s\n", c->form_text);
    printf("# rank of the Hessian on Gamma at the start: %zu (gap ratio lambda_{M+1}/lambda_M = %.3g)", info->rank,
           info->gap_ratio);
    if (!isnan(info->label_c)) printf("; label-noise constant c = 2 a delta^2 / B = %.6g", info->label_c);
    printf("\n# time: limit time t = eta^2 k; T = %g; Euler-Maruyama dt = %g (%llu steps) with projection by Phi\n",
           c->T, info->dt, (unsigned long long)info->em_steps);
    printf("# values: mean +- SE over trajectories at t = T\n");
    printf("%-16s %-28s", "observable", "limit");
    for (size_t k = 1; k <= c->n_eta; ++k) {
        char h[64];
        snprintf(h, sizeof h, "SGD eta=%g k=%llu", c->col[k].eta, (unsigned long long)c->col[k].steps);
        printf(" %-28s", h);
    }
    printf("\n");
    for (size_t q = 0; q < c->n_rows; ++q) print_cells(c->row[q], c, q, 0);
    print_cells("ok/diverged", c, 0, 1);
    print_cells("wall seconds", c, 0, 2);
}

int cmd_limit(int argc, char **argv)
{
    cli_opts o;
    sgl_err err = {{0}, {0}};
    sgl_status st = cli_parse(argc, argv, 2, CLI_CMD_LIMIT, &o, &err);
    if (st != SGL_OK) return cli_report(st, &err);
    if (o.help) return CLI_EXIT_OK;
    if ((st = cli_check_relevance(&o, &err)) != SGL_OK) return cli_report(st, &err);
    /* a model plugin: its content hash goes into the stored parameters and the run key */
    if ((st = sgl_spec_resolve_plugin(&o.any.u.limit.run, &err)) != SGL_OK ||
        (st = sgl_spec_resolve_plugin(&o.spec, &err)) != SGL_OK)
        return cli_report(st, &err);
    if ((st = sgl_any_spec_validate(&o.any, &err)) != SGL_OK) return cli_report(st, &err);
    sgl_limit_opts lo;
    sgl_limit_opts_default(&lo);
    lo.T = o.T;
    lo.dt = cli_given(&o, "--dt") ? o.dt : lo.T / 1000.0;
    lo.form = (sgl_limit_form)o.form;
    double etas[SGL_LIMIT_MAX_ETAS];
    size_t n_eta = 0;
    if (cli_given(&o, "--lrs") && !o.compare_sgd)
        return cli_report(sgl_fail(&err, SGL_EINVAL, "--lrs", "only used with --compare-sgd"), &err);
    if (o.compare_sgd) {
        if (o.etas) {
            if ((st = parse_etas(o.etas, etas, &n_eta, &err))) return cli_report(st, &err);
        } else {
            etas[0] = o.spec.lr;
            etas[1] = o.spec.lr / 2;
            etas[2] = o.spec.lr / 4;
            n_eta = 3;
        }
    } else if (cli_given(&o, "--lr")) {
        return cli_report(sgl_fail(&err, SGL_EINVAL, "--lr", "only used with --compare-sgd (the limit has no eta)"),
                              &err);
    }
    /* the limit of the run spec (and its SGD columns), through the library */
    sgl_any_spec def;
    sgl_any_spec_default(&def, SGL_KIND_LIMIT);
    sgl_limit_spec ls = def.u.limit;
    ls.run = o.spec;
    ls.T = lo.T;
    ls.dt = lo.dt;
    ls.form = lo.form;
    sgl_run_info rinfo = {.command = "limit", .sweep_index = -1, .threads = o.threads, .ranks = 1};
    sgl_limit_comparison *c = malloc(sizeof *c);
    if (!c) return cli_report(SGL_ENOMEM, &err);
    st = sgl_limit_compare(&ls, etas, n_eta, o.db_path, &rinfo, c, &err);
    if (st == SGL_EINVAL && strcmp(err.field, "theta") == 0) {
        /* only the start point fails the whole limit: name the flag that gave it */
        char msg[sizeof err.msg];
        snprintf(msg, sizeof msg, "%s", err.msg);
        sgl_fail(&err, SGL_EINVAL, cli_given(&o, "--init") ? "--init" : "--alpha",
                 "the start point (after the gradient flow onto the minimisers) is not usable: %.400s", msg);
    }
    if (st == SGL_OK && o.json) {
        sgl_json w;
        sgl_json_to_file(&w, stdout);
        sgl_limit_comparison_json(&w, c);
        putchar('\n');
    } else if (st == SGL_OK) {
        print_limit_table(c);
    }
    free(c);
    return cli_report(st, &err);
}
