/* Fuzz harness: the command-line parser (cli/args.c) and what `sgdlab run`
 * does with its result before running: cli_parse, cli_check_relevance,
 * sgl_spec_validate; then, for specs small enough to run in about a
 * millisecond, the plan and the run themselves.
 *
 * Input: text, one argument per line; the first line names the command
 * ("reproduce" parses reproduce's flags, anything else run's).
 *
 * Properties (abort() on violation, so AFL++ saves the input as a crash):
 *   - every status is SGL_OK or SGL_EINVAL (SGL_ECAPS from the plan), and a
 *     rejection names a field and says what is allowed (non-empty message);
 *   - a spec that passed validation makes a plan; the plan logs step 0 first
 *     and the last step last, in increasing order; the run succeeds. */
#include "cli.h"
#include "fuzz_main.h"

#include <stdint.h>

#define MAX_ARGS 256

static void require(int cond)
{
    if (!cond) abort();
}

static void rejected_well(sgl_status st, const sgl_err *err)
{
    require(st == SGL_EINVAL || st == SGL_ECAPS);
    require(err->field[0] != '\0' && err->msg[0] != '\0');
}

static void run_small(const sgl_spec *spec)
{
    const sgl_data_spec *d = &spec->data;
    if (d->input == SGL_INPUT_CSV) return;   /* the harness reads no files */
    const double rows = (double)d->n + (double)d->n_test;
    const double draws = spec->data_draw == SGL_DRAW_SHARED ? 1.0 : (double)spec->seeds;
    if (rows * (double)d->d * draws > 2e4) return;
    if ((double)spec->seeds * (double)spec->steps * rows * (double)d->d > 2e6) return;
    if ((double)spec->seeds * ((double)spec->steps / (double)spec->every + 2.0) > 1e5) return;
    sgl_err err = {{0}, {0}};
    sgl_plan *p = NULL;
    sgl_status st = sgl_plan_alloc(spec, &p, &err);
    if (st != SGL_OK) {
        rejected_well(st, &err);
        return;
    }
    const size_t n_log = sgl_plan_n_log(p);
    const uint64_t *log_steps = sgl_plan_log_steps(p);
    require(n_log >= 2 || (n_log == 1 && spec->steps == 0));
    require(log_steps[0] == 0 && log_steps[n_log - 1] == spec->steps);
    for (size_t l = 1; l < n_log; ++l) require(log_steps[l] > log_steps[l - 1]);
    sgl_results *r = NULL;
    st = sgl_results_alloc(p, &r);
    require(st == SGL_OK);
    st = sgl_plan_execute(p, 1, r);
    require(st == SGL_OK);
    for (uint32_t i = 0; i < r->n_traj; ++i) require(r->diverged[i] == 0 || r->diverged[i] == 1);
    sgl_results_free(r);
    sgl_plan_free(p);
}

static void fuzz_one(const unsigned char *data, size_t size)
{
    static char text[SGL_FUZZ_MAX + 1];
    char *argv[MAX_ARGS + 1];
    memcpy(text, data, size);
    text[size] = '\0';
    int argc = 0;
    for (char *p = text; argc < MAX_ARGS;) {
        argv[argc++] = p;
        char *nl = memchr(p, '\n', (size_t)(text + size - p));
        if (!nl) break;
        *nl = '\0';
        p = nl + 1;
        if (p == text + size) break;
    }
    argv[argc] = NULL;
    const unsigned cmd = strcmp(argv[0], "reproduce") == 0 ? CLI_CMD_REPRODUCE : CLI_CMD_RUN;

    cli_opts o;
    sgl_err err = {{0}, {0}};
    sgl_status st = cli_parse(argc, argv, 1, cmd, &o, &err);
    if (st != SGL_OK) {
        rejected_well(st, &err);
        return;
    }
    if (o.help || cmd != CLI_CMD_RUN) return;
    if ((st = cli_check_relevance(&o, &err)) != SGL_OK) {
        rejected_well(st, &err);
        return;
    }
    if ((st = sgl_spec_validate(&o.spec, &err)) != SGL_OK) {
        rejected_well(st, &err);
        return;
    }
    run_small(&o.spec);
}
