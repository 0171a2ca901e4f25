/* sgdlab: thin driver over libsgdlab. */
#include "cli.h"

#include <string.h>

static int cmd_version(int argc, char **argv);
static int cmd_help(int argc, char **argv);

/* The command table: dispatch, the usage text and the list of valid commands
 * all come from it, so a new command is one line here. */
typedef struct {
    const char *name;
    const char *args;      /* synopsis after the name */
    const char *summary;
    int (*run)(int argc, char **argv);
} command;

static const command k_commands[] = {
    {"list", "", "models, noise kinds, observables, escape landscapes", cmd_list},
    {"run", "[flags]", "an ensemble of SGD trajectories (sgdlab run --help)", cmd_run},
    {"escape", "[flags]", "first-passage times out of a minimum (sgdlab escape --help)", cmd_escape},
    {"theory", "[flags]", "escape predictions without simulating (sgdlab theory --help)", cmd_theory},
    {"check-model", "[flags]", "a model's derivatives against finite differences (--model-plugin F.so)",
     cmd_check_model},
    {"limit", "[flags]", "Li-Wang-Arora limit on Gamma (t = eta^2 k); --compare-sgd: vs SGD", cmd_limit},
    {"reproduce", "shape-matters", "HaoChen et al.'s experiment end to end", cmd_reproduce},
    {"reproduce", "mori-escape | exponential-escape", "escape experiments (THEORY.md 5, 6)", cmd_reproduce},
    {"reproduce", "lwa-sparse", "Li-Wang-Arora sparse recovery: SGD against its limit", cmd_reproduce},
    {"sweep", "SPEC.yaml [--db F] [--resume]", "a grid of runs into a SQLite store", cmd_sweep},
    {"report", "DB", "tables (mean +- SE) per group", cmd_report_export_plot},
    {"export", "DB", "a store's tables as CSV or JSON Lines", cmd_report_export_plot},
    {"plot", "DB", "gnuplot PNG/SVG", cmd_report_export_plot},
    {"version", "", "version, git hash and counter layout", cmd_version},
    {"help", "", "this text", cmd_help},
};
#define N_COMMANDS (sizeof k_commands / sizeof k_commands[0])

static void usage(FILE *f)
{
    fprintf(f, "sgdlab %s: simulate SGD and its SDE limits under a chosen noise geometry\nusage:\n", sgl_version());
    for (size_t i = 0; i < N_COMMANDS; ++i) {
        char head[96];
        snprintf(head, sizeof head, "%s%s%s", k_commands[i].name, k_commands[i].args[0] ? " " : "",
                 k_commands[i].args);
        if (strlen(head) <= 32) fprintf(f, "  sgdlab %-32s %s\n", head, k_commands[i].summary);
        else fprintf(f, "  sgdlab %s\n  %-39s %s\n", head, "", k_commands[i].summary);
    }
}

static int cmd_version(int argc, char **argv)
{
    if (argc > 2) {
        fprintf(stderr, "sgdlab: %s: takes no arguments, got '%s'\n", argv[1], argv[2]);
        return CLI_EXIT_USAGE;
    }
    printf("sgdlab %s (git %s, counter layout %d)\n", sgl_version(), sgl_git_hash(), SGL_COUNTER_LAYOUT);
    return CLI_EXIT_OK;
}

static int cmd_help(int argc, char **argv)
{
    if (argc > 2) {
        fprintf(stderr, "sgdlab: %s: takes no arguments, got '%s'\n", argv[1], argv[2]);
        return CLI_EXIT_USAGE;
    }
    usage(stdout);
    return CLI_EXIT_OK;
}

static int dispatch(int argc, char **argv);

/* Every command's standard output is checked to its close: a write error
 * (a full disk, /dev/full) is exit 1 with one message, never a silent cut. */
int main(int argc, char **argv)
{
    int code = dispatch(argc, argv);
    if (code == CLI_EXIT_OK) {
        if (cli_out_close(stdout, "standard output") != 0) code = CLI_EXIT_FAIL;
    } else {
        fclose(stdout);
    }
    return code;
}

static int dispatch(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return CLI_EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--version") == 0) cmd = "version";
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) cmd = "help";
    for (size_t i = 0; i < N_COMMANDS; ++i)
        if (strcmp(cmd, k_commands[i].name) == 0) return k_commands[i].run(argc, argv);
    fprintf(stderr, "sgdlab: unknown command '%s'; valid:", cmd);
    for (size_t i = 0; i < N_COMMANDS; ++i)
        if (i == 0 || strcmp(k_commands[i].name, k_commands[i - 1].name) != 0)
            fprintf(stderr, "%s %s", i ? "," : "", k_commands[i].name);
    fputc('\n', stderr);
    return CLI_EXIT_USAGE;
}
