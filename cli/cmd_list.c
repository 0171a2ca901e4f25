/* sgdlab list: walks the registries. */
#include "cli.h"

int cmd_list(int argc, char **argv)
{
    if (argc > 2) {
        fprintf(stderr, "sgdlab: list: takes no arguments, got '%s'\n", argv[2]);
        return CLI_EXIT_USAGE;
    }
    printf("models:\n");
    for (size_t i = 0; sgl_models[i]; ++i)
        printf("  %-16s %s (default loss constant a = %g)\n", sgl_models[i]->name, sgl_models[i]->doc,
               sgl_models[i]->default_a);
    printf("noise kinds:\n");
    for (size_t i = 0; sgl_noises[i]; ++i) printf("  %-16s %s\n", sgl_noises[i]->name, sgl_noises[i]->doc);
    printf("observables:\n");
    for (size_t i = 0; sgl_observables[i]; ++i)
        printf("  %-16s %s\n", sgl_observables[i]->name, sgl_observables[i]->doc);
    printf("escape landscapes (sgdlab escape --landscape):\n");
    for (size_t i = 0; sgl_landscapes[i]; ++i) printf("  %-16s %s\n", sgl_landscapes[i]->name, sgl_landscapes[i]->doc);
    struct { const char *title; const sgl_escape_kind *const *reg; } esc[] = {
        {"escape noise (sgdlab escape --noise)", sgl_escape_noises},
        {"escape dynamics (--dynamics)", sgl_escape_dynamics_kinds},
        {"escape events (--event)", sgl_escape_events},
        {"escape starts (--start)", sgl_escape_starts}};
    for (size_t r = 0; r < sizeof esc / sizeof esc[0]; ++r) {
        printf("%s:\n", esc[r].title);
        for (size_t i = 0; esc[r].reg[i]; ++i) printf("  %-16s %s\n", esc[r].reg[i]->name, esc[r].reg[i]->doc);
    }
    printf("data:\n  gaussian         z ~ N(0, I_d)\n  boolean          z ~ Unif{-1,+1}^d\n"
           "  csv              rows x_1,...,x_d,y from --data-file\n");
    printf("learning-rate schedules:\n  constant         --lr\n"
           "  step decay       --lr-decay K1,K2,... --lr-decay-factor f (eta *= f at each K)\n");
    return CLI_EXIT_OK;
}
