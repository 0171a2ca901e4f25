/* sgdlab check-model: the derivative checks the test suite applies to every built-in
 * (sgl_model_check), on any model and above all a plugin's, at one point: which
 * derivative is wrong, at which coordinate, with the observed and expected values.
 * Exit 0 all checks pass, 1 one fails, 2 bad input. */
#include "cli.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* the run keys that describe the model and its point; every other key is bad input here */
static const char *const k_used[] = {"model", "model-plugin", "plugin-param", "d", "n", "kappa", "data", "data-file",
                                     "truth-file", "truth", "data-noise", "width", "loss-a", "alpha", "seed", "init",
                                     NULL};
static const char *const k_cli_unused[] = {"--threads", "--format", "--out", "--db", NULL};

static sgl_status unused_flags(const cli_opts *o, sgl_err *err)
{
    for (const sgl_param *p = sgl_param_table(SGL_KIND_RUN); p->name; ++p) {
        if (!sgl_any_spec_given(&o->any, p->name)) continue;
        int ok = 0;
        for (size_t i = 0; k_used[i]; ++i) ok |= strcmp(k_used[i], p->name) == 0;
        if (!ok) {
            char flag[40];
            snprintf(flag, sizeof flag, "--%s", p->name);
            return sgl_fail(err, SGL_EINVAL, flag, "not used by check-model (it checks the model's derivatives at one "
                            "point; it reads the model, data, loss-a, alpha, seed and init flags)");
        }
    }
    for (size_t i = 0; k_cli_unused[i]; ++i)
        if (cli_given(o, k_cli_unused[i]))
            return sgl_fail(err, SGL_EINVAL, k_cli_unused[i], "not used by check-model (it prints a table)");
    return SGL_OK;
}

static void print_report(const sgl_spec *s, const sgl_check_info *m, const sgl_check_report *rep)
{
    printf("# sgdlab check-model: model %s", m->model);
    if (s->model_plugin && s->model_plugin[0])
        printf(" (plugin %s, hash %016llx%s%s)", s->model_plugin, (unsigned long long)s->plugin_hash,
               s->plugin_param[0] ? ", parameters " : "", s->plugin_param);
    printf(", D = %zu parameters, n = %zu samples, a = %.17g\n", m->dim, m->n, m->a);
    if (s->n_init) printf("# point: --init\n");
    else printf("# point: init(alpha = %.17g) + 0.3 N(0,1) on each live coordinate (seed %llu)\n", s->alpha,
                (unsigned long long)s->seed);
    printf("%-10s %-7s %-10s %-9s %-12s %-24s %-24s %s\n", "check", "result", "rel_error", "tolerance", "worst_at",
           "observed", "expected", "against");
    for (size_t i = 0; i < rep->n; ++i) {
        const sgl_check_result *c = &rep->c[i];
        if (!c->ran) {
            printf("%-10s %-7s %-10s %-9s %-12s %-24s %-24s %s\n", c->name, "skipped", "-", "-", "-", "-", "-",
                   c->against);
            continue;
        }
        char at[32];
        if (strcmp(c->name, "symmetry") == 0 || strcmp(c->name, "trace") == 0) snprintf(at, sizeof at, "-");
        else snprintf(at, sizeof at, "%s %zu", strcmp(c->name, "residuals") == 0 ? "sample" : "theta", c->coord);
        printf("%-10s %-7s %-10.3g %-9.3g %-12s %-24.17g %-24.17g %s\n", c->name, c->ok ? "ok" : "WRONG", c->err,
               c->tol, at, c->observed, c->expected, c->against);
    }
}

int cmd_check_model(int argc, char **argv)
{
    cli_opts o;
    sgl_err err = {{0}, {0}};
    sgl_status st = cli_parse(argc, argv, 2, CLI_CMD_RUN, &o, &err);
    if (st != SGL_OK) return cli_report(st, &err);
    if (o.help) return CLI_EXIT_OK;
    if ((st = unused_flags(&o, &err)) != SGL_OK || (st = cli_check_relevance(&o, &err)) != SGL_OK ||
        (st = sgl_spec_resolve_data(&o.spec, &err)) != SGL_OK)
        return cli_report(st, &err);
    sgl_check_report rep;
    sgl_check_info m;
    if ((st = sgl_spec_check_model(&o.spec, &rep, &m, &err)) != SGL_OK) return cli_report(st, &err);
    print_report(&o.spec, &m, &rep);
    for (size_t i = 0; i < rep.n; ++i)
        if (rep.c[i].ran && !rep.c[i].ok)
            fprintf(stderr, "sgdlab: check-model: %s of model %s is wrong: at %s %zu observed %.17g, expected %.17g "
                    "(%s); relative error %.3g > %.3g\n", rep.c[i].name, m.model,
                    strcmp(rep.c[i].name, "residuals") == 0 ? "sample" : "coordinate", rep.c[i].coord,
                    rep.c[i].observed, rep.c[i].expected, rep.c[i].against, rep.c[i].err, rep.c[i].tol);
    return rep.ok ? CLI_EXIT_OK : CLI_EXIT_FAIL;
}
