/* sgdlab reproduce NAME: the dispatch to the experiments' renderers
 * (cli/reproduce_*.c); the experiments are library calls
 * (include/sgdlab_experiments.h). */
#include "cli.h"
#include "reproduce.h"

#include <string.h>

static const struct {
    const char *name;
    int (*run)(int argc, char **argv);
} k_experiments[] = {
    {"shape-matters", reproduce_shape_matters},
    {"mori-escape", reproduce_mori_escape},
    {"exponential-escape", reproduce_exponential_escape},
    {"lwa-sparse", reproduce_lwa_sparse},
};

static void usage(FILE *f)
{
    fprintf(f, "usage: sgdlab reproduce EXPERIMENT [flags]   (EXPERIMENT: " REPRO_NAMES ")\n"
               "  sgdlab reproduce EXPERIMENT --help shows its flags\n");
}

int cmd_reproduce(int argc, char **argv)
{
    if (argc < 3 || argv[2][0] == '-') {
        if (argc >= 3 && (strcmp(argv[2], "--help") == 0 || strcmp(argv[2], "-h") == 0)) {
            usage(stdout);
            return CLI_EXIT_OK;
        }
        fprintf(stderr, "sgdlab: reproduce: missing experiment name; valid: " REPRO_NAMES "\n");
        return CLI_EXIT_USAGE;
    }
    for (size_t i = 0; i < sizeof k_experiments / sizeof k_experiments[0]; ++i)
        if (strcmp(argv[2], k_experiments[i].name) == 0) return k_experiments[i].run(argc, argv);
    fprintf(stderr, "sgdlab: reproduce: unknown experiment '%s'; valid: " REPRO_NAMES "\n", argv[2]);
    return CLI_EXIT_USAGE;
}
