/* sgdlab run: one ensemble, printed as a table, CSV or JSON Lines.
 * With --out the file is written through sgl_outfile (the library): a unique temporary
 * file renamed over FILE only on success, so bad input, a failed or an
 * interrupted run never leaves a partial file or clobbers an old one. */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

/* No silent defaults for what a user must choose: name the default used for the
 * model and the step size, and warn about --seed N where --trajectories N (the number
 * of trajectories) is the likely intent. */
static void note_defaults(const cli_opts *o)
{
    if (!cli_given(o, "--model") && !cli_given(o, "--model-plugin"))
        fprintf(stderr, "sgdlab run: note: --model not given: using the default %s (sgdlab list shows the models)\n",
                o->spec.model);
    if (!cli_given(o, "--lr"))
        fprintf(stderr, "sgdlab run: note: --lr not given: using the default %g\n", o->spec.lr);
    if (cli_given(o, "--seed") && !cli_given(o, "--trajectories") && o->spec.seed > 1 && o->spec.seed <= 100000)
        fprintf(stderr, "sgdlab run: warning: --seed %llu sets the random key; the number of trajectories is --trajectories "
                        "(default %u): did you mean --trajectories %llu?\n", (unsigned long long)o->spec.seed,
                o->spec.seeds, (unsigned long long)o->spec.seed);
}

/* Diverged trajectories on stderr (count and first step); 0 when some survived,
 * CLI_EXIT_FAIL when none did (the output, all NaN, is still written). */
static int report_divergence(const sgl_results *r)
{
    uint32_t n = 0;
    uint64_t first = UINT64_MAX;
    for (uint32_t i = 0; i < r->n_traj; ++i)
        if (r->diverged[i]) {
            ++n;
            if (r->diverged_step[i] < first) first = r->diverged_step[i];
        }
    if (n == 0) return 0;
    if (n < r->n_traj) {
        fprintf(stderr, "sgdlab run: warning: %u of %u trajectories diverged (the first at step %llu); the summaries "
                        "average the %u that did not\n", n, r->n_traj, (unsigned long long)first, r->n_traj - n);
        return 0;
    }
    fprintf(stderr, "sgdlab run: all %u trajectories diverged (the first at step %llu): no result survived; try a "
                    "smaller --lr or a larger --bound\n", n, (unsigned long long)first);
    return CLI_EXIT_FAIL;
}

int cmd_run(int argc, char **argv)
{
    cli_opts o;
    sgl_err err = {{0}, {0}};
    sgl_status st = cli_parse(argc, argv, 2, CLI_CMD_RUN, &o, &err);
    if (st != SGL_OK) return cli_report(st, &err);
    if (o.help) return CLI_EXIT_OK;
    if ((st = cli_check_relevance(&o, &err)) != SGL_OK) return cli_report(st, &err);
    if (o.out_path && !o.out_path[0])   /* before anything runs */
        return cli_report(sgl_fail(&err, SGL_EINVAL, "--out", "needs a file name, got ''"), &err);
    /* CSV data: its shape and content hash go into the stored parameters and the run key */
    if ((st = sgl_spec_resolve_data(&o.spec, &err)) != SGL_OK) return cli_report(st, &err);
    sgl_plan *p = NULL;
    sgl_record rec = {0};
    sgl_outfile out = {0};
    FILE *f = stdout;
    sgl_store *db = NULL;
    int code = -1;
    int phase = 0;   /* 1: simulated, 2: and stored */
    st = sgl_plan_alloc(&o.spec, &p, &err);
    if (st == SGL_EINVAL && strcmp(err.field, "--kappa") == 0 && !cli_given(&o, "--kappa"))
        snprintf(err.msg + strlen(err.msg), sizeof err.msg - strlen(err.msg),
                 " (%zu is the default; pass --kappa)", o.spec.data.kappa);
    if (st != SGL_OK) return cli_report(st, &err);
    note_defaults(&o);
    /* from here an interrupt stops the run at its next check; the temporary file goes with it */
    cli_catch_signals();
    /* open the output before the run, so an unwritable path fails at once */
    if (o.out_path) {
        if ((st = sgl_outfile_open(&out, o.out_path, "--out", &err)) != SGL_OK) goto done;
        f = out.f;
    }
    /* --db: the library's life cycle marks the run started before it runs (an
     * unusable store fails at once, a killed run is seen as unfinished) and
     * commits its results in one transaction */
    if (o.db_path && (st = sgl_store_open(o.db_path, 0, 5000, &db, &err)) != SGL_OK) goto done;
    sgl_any_spec spec;
    sgl_any_spec_default(&spec, SGL_KIND_RUN);
    spec.u.run = o.spec;
    sgl_run_info info = {.command = "run", .sweep_index = -1, .threads = o.threads, .ranks = 1};
    sgl_claim claim = SGL_CLAIM_NEW;
    st = sgl_store_run_any(db, &spec, &info, p, &rec, &claim, &err);
    phase = rec.res ? 1 : 0;
    if (st != SGL_OK) goto done;
    const double secs = rec.seconds;
    if (db) {
        if (claim == SGL_CLAIM_REPLACE)
            fprintf(stderr, "sgdlab run: run %s was already finished in '%s'; this execution replaced it (same "
                            "parameters and seed)\n", rec.key, o.db_path);
        phase = 2;
    }
    /* an interrupt stops the output after a whole record (line) */
    sgl_results_write(f, p, rec.res, o.format);
    if (cli_signal) goto done;
    if (o.out_path && cli_out_commit(&out) != 0) {
        code = CLI_EXIT_FAIL;
        goto done;
    }
    fprintf(stderr, "sgdlab run: %u trajectories x %llu steps in %.3f s (%.1f ns per trajectory-step)\n",
            o.spec.seeds, (unsigned long long)o.spec.steps, secs,
            1e9 * secs / ((double)o.spec.seeds * (double)o.spec.steps));
    if (report_divergence(rec.res)) code = CLI_EXIT_FAIL;
done:
    sgl_outfile_abort(&out);
    if (db) {
        sgl_err e2 = {{0}, {0}};
        sgl_status cs = sgl_store_close(db, &e2);
        if (st == SGL_OK && cs != SGL_OK) { st = cs; err = e2; }
    }
    sgl_record_clear(&rec);
    sgl_plan_free(p);
    if (cli_signal && (st == SGL_OK || st == SGL_ECANCELED)) {
        fprintf(stderr, "sgdlab: interrupted (%s): %s%s%s\n", cli_signal_name(),
                phase ? "the run finished" : "the run did not finish; nothing written",
                phase == 2 ? " and is stored" : db ? "; nothing stored (the store keeps it marked unfinished)" : "",
                !phase ? "" : o.out_path ? "; --out file not written" : "; the output stops after a whole record");
        return cli_signal_exit();
    }
    if (code >= 0) return code;
    return cli_report(st, &err);
}
