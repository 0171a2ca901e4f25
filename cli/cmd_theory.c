/* sgdlab theory: every prediction that applies to an escape spec, without
 * simulating.  Same flags as `sgdlab escape` (cli_parse_escape), less
 * those that only steer a simulation or its storage (--trajectories, --t-max,
 * --seed, --threads, --db): given here they are refused, not ignored. */
#include "cli.h"
#include "reproduce.h"

#include <math.h>
#include <string.h>

static void usage(FILE *f)
{
    fprintf(f, "usage: sgdlab theory [escape flags] [--json]\n"
               "  every closed-form or quadrature prediction for the escape problem the flags describe (see\n"
               "  sgdlab escape --help): exact 1-D MFPT, Mori Eq. 16/17 with its validity, Kramers / Eyring-Kramers,\n"
               "  frozen-noise Arrhenius, Xie's band, quasi-potential, phi and n_c; times in t = eta k (and steps k\n"
               "  when eta is known).\n");
}

int cmd_theory(int argc, char **argv)
{
    for (int i = 2; i < argc; ++i)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) usage(stdout);
    escape_opts o;
    sgl_err err = {{0}, {0}};
    sgl_status st = cli_parse_escape(argc, argv, 2, &o, &err);
    if (st != SGL_OK) {
        escape_err_flag(&err);
        return cli_report(st, &err);
    }
    if (o.help) return CLI_EXIT_OK;
    static const char *const sim_only[] = {"--trajectories", "--t-max", "--seed", "--threads", "--db", NULL};
    for (int i = 0; sim_only[i]; ++i)
        if (escape_given(&o, sim_only[i])) {
            fprintf(stderr, "sgdlab: %s: not used by theory (it simulates and stores nothing; sgdlab escape takes it)\n",
                    sim_only[i]);
            return CLI_EXIT_USAGE;
        }
    sgl_prediction pr[64];
    size_t n = 0;
    st = sgl_theory_escape(&o.spec, pr, 64, &n, &err);
    if (st != SGL_OK) {
        escape_err_flag(&err);
        return cli_report(st, &err);
    }
    FILE *f = stdout;
    const char *evdef = sgl_escape_event_defaulted(&o.any);
    if (o.json) {
        sgl_json w;
        sgl_json_to_file(&w, f);
        sgl_json_begin_object(&w);
        sgl_json_kstring(&w, "command", "theory");
        sgl_json_kstring(&w, "version", sgl_version());
        sgl_json_kstring(&w, "git", sgl_git_hash());
        sgl_json_kstring(&w, "landscape", o.spec.landscape);
        if (evdef) {
            sgl_json_kstring(&w, "event", sgl_escape_events[o.spec.event]->name);
            sgl_json_kstring(&w, "event_defaulted", evdef);
        }
        sgl_json_kstring(&w, "time_unit", "t = eta k");
        sgl_json_key(&w, "theory");
        sgl_json_begin_object(&w);
        sgl_json_predictions(&w, NULL, pr, n, NULL);
        sgl_json_end_object(&w);
        sgl_json_end_object(&w);
        fputc('\n', f);
    } else {
        fprintf(f, "# sgdlab theory (sgdlab %s, git %s): predictions without simulation; times in t = eta k unless the unit says steps\n",
                sgl_version(), sgl_git_hash());
        if (evdef) fprintf(f, "# event %s (%s)\n", sgl_escape_events[o.spec.event]->name, evdef);
        fprintf(f, "%-28s %16s %-10s %s\n", "prediction", "value", "unit", "what / when it holds");
        for (size_t i = 0; i < n; ++i)
            fprintf(f, "%-28s %16.8g %-10s %s\n", pr[i].name, pr[i].value, pr[i].unit[0] ? pr[i].unit : "-", pr[i].note);
        if (n == 0) fprintf(f, "(no prediction applies)\n");
    }
    return CLI_EXIT_OK;   /* main checks standard output to its close */
}
