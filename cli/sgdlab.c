/* sgdlab: thin driver over libsgdlab. */
#include "cli.h"

#include <string.h>

static void usage(FILE *f)
{
    fprintf(f,
            "sgdlab %s: simulate SGD and its SDE limits under a chosen noise geometry\n"
            "usage:\n"
            "  sgdlab list                      models, noise kinds, observables\n"
            "  sgdlab run [flags]               an ensemble of SGD trajectories (sgdlab run --help)\n"
            "  sgdlab reproduce shape-matters   HaoChen et al.'s experiment end to end\n"
            "  sgdlab escape [flags]            first-passage times out of a minimum (sgdlab escape --help)\n"
            "  sgdlab reproduce mori-escape | exponential-escape   escape experiments (THEORY.md 5, 6)\n"
            "  sgdlab theory [flags]            escape predictions without simulating (sgdlab theory --help)\n"
            "  sgdlab limit [flags]             Li-Wang-Arora limit on Gamma (t = eta^2 k); --compare-sgd: vs SGD\n"
            "  sgdlab sweep SPEC.yaml [--db F] [--resume]   a grid of runs into a SQLite store\n"
            "  sgdlab report|export|plot DB     tables (mean +- SE), CSV/JSONL, gnuplot PNG/SVG\n"
            "  sgdlab version\n",
            sgl_version());
}

static int dispatch(int argc, char **argv);

/* Every command's standard output is checked to its close: a write error
 * (a full disk, /dev/full) is exit 1 with one message, never a silent cut. */
int main(int argc, char **argv)
{
    int code = dispatch(argc, argv);
    if (code == SGL_EXIT_OK) {
        if (sgl_cli_out_close(stdout, "standard output") != 0) code = SGL_EXIT_FAIL;
    } else {
        fclose(stdout);
    }
    return code;
}

static int dispatch(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return SGL_EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "list") == 0) return sgl_cmd_list(argc, argv);
    if (strcmp(cmd, "run") == 0) return sgl_cmd_run(argc, argv);
    if (strcmp(cmd, "limit") == 0) return sgl_cmd_limit(argc, argv);
    if (strcmp(cmd, "reproduce") == 0) return sgl_cmd_reproduce(argc, argv);
    if (strcmp(cmd, "escape") == 0) return sgl_cmd_escape(argc, argv);
    if (strcmp(cmd, "theory") == 0) return sgl_cmd_theory(argc, argv);
    if (strcmp(cmd, "sweep") == 0) return sgl_cmd_sweep(argc, argv);
    if (strcmp(cmd, "report") == 0 || strcmp(cmd, "export") == 0 || strcmp(cmd, "plot") == 0)
        return sgl_cmd_report(argc, argv);
    if (strcmp(cmd, "version") == 0 || strcmp(cmd, "--version") == 0) {
        if (argc > 2) {
            fprintf(stderr, "sgdlab: %s: takes no arguments, got '%s'\n", cmd, argv[2]);
            return SGL_EXIT_USAGE;
        }
        printf("sgdlab %s (git %s, counter layout %d)\n", sgl_version(), sgl_git_hash(), SGL_COUNTER_LAYOUT);
        return SGL_EXIT_OK;
    }
    if (strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
        if (argc > 2) {
            fprintf(stderr, "sgdlab: %s: takes no arguments, got '%s'\n", cmd, argv[2]);
            return SGL_EXIT_USAGE;
        }
        usage(stdout);
        return SGL_EXIT_OK;
    }
    fprintf(stderr, "sgdlab: unknown command '%s'; valid: list, run, limit, reproduce, escape, theory, sweep, report, export, plot, version, help\n", cmd);
    return SGL_EXIT_USAGE;
}
