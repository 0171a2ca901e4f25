/* sgdlab run: one ensemble, printed as a table, CSV or JSON Lines.
 * With --out the file is written through sgl_out (cli.h): a unique temporary
 * file renamed over FILE only on success, so bad input, a failed or an
 * interrupted run never leaves a partial file or clobbers an old one. */
#include "cli.h"

#include <omp.h>
#include <stdlib.h>
#include <string.h>

int sgl_cmd_run(int argc, char **argv)
{
    sgl_cli_opts o;
    sgl_err err = {{0}, {0}};
    sgl_status st = sgl_cli_parse(argc, argv, 2, SGL_CMD_RUN, &o, &err);
    if (st != SGL_OK) return sgl_cli_report(st, &err);
    if (o.help) return SGL_EXIT_OK;
    if ((st = sgl_cli_check_relevance(&o, &err)) != SGL_OK) return sgl_cli_report(st, &err);
    if (o.out_path && !o.out_path[0])   /* before anything runs */
        return sgl_cli_report(sgl_fail(&err, SGL_EINVAL, "--out", "needs a file name, got ''"), &err);
    /* CSV data: its shape and content hash go into the stored parameters and the run key */
    if ((st = sgl_spec_resolve_data(&o.spec, &err)) != SGL_OK) return sgl_cli_report(st, &err);
    sgl_plan *p = NULL;
    sgl_results *r = NULL;
    sgl_out out = {0};
    FILE *f = stdout;
    char *params = NULL;
    sgl_store *db = NULL;
    int64_t run_id = 0;
    sgl_run_state was = SGL_RUN_ABSENT;
    int code = -1;
    int phase = 0;   /* 1: simulated, 2: and stored */
    st = sgl_plan_alloc(&o.spec, &p, &err);
    if (st == SGL_EINVAL && strcmp(err.field, "--kappa") == 0 && !sgl_cli_given(&o, "--kappa"))
        snprintf(err.msg + strlen(err.msg), sizeof err.msg - strlen(err.msg),
                 " (%zu is the default; pass --kappa)", o.spec.data.kappa);
    if (st != SGL_OK) return sgl_cli_report(st, &err);
    /* from here an interrupt stops the run at its next check; the temporary file goes with it */
    sgl_cli_catch_signals();
    /* open the output before the run, so an unwritable path fails at once */
    if (o.out_path) {
        if ((st = sgl_out_open(&out, o.out_path, "--out", &err)) != SGL_OK) goto done;
        f = out.f;
    }
    /* --db: open the store and mark the run started before it runs, so an
     * unusable store fails at once and a killed run is seen as unfinished */
    if (o.db_path) {
        char key[17];
        sgl_spec_run_key(&o.spec, key);
        size_t need = sgl_spec_canonical(&o.spec, NULL, 0) + 1;
        params = malloc(need);
        if (!params) { st = SGL_ENOMEM; goto done; }
        sgl_spec_canonical(&o.spec, params, need);
        sgl_run_info info = {key, "run", params, o.spec.seed, o.spec.seeds, 0, -1, o.threads, 1};
        if ((st = sgl_store_open(o.db_path, 0, 5000, &db, &err)) != SGL_OK) goto done;
        if ((st = sgl_store_run_state(db, key, &was, &err)) != SGL_OK) goto done;
        /* a finished run stays as it is until this execution commits in its place */
        if ((st = sgl_store_run_begin(db, &info, &run_id, &err)) != SGL_OK) goto done;
    }
    if ((st = sgl_results_alloc(p, &r)) != SGL_OK) goto done;
    double t0 = omp_get_wtime();
    if ((st = sgl_plan_execute(p, o.threads, r)) != SGL_OK) goto done;
    double secs = omp_get_wtime() - t0;
    phase = 1;
    if (db) {
        sgl_record rec = {.res = r, .seconds = secs, .threads = o.threads};
        sgl_spec_run_key(&o.spec, rec.key);
        rec.n_obs = p->n_obs;
        for (size_t i = 0; i < p->n_obs; ++i) rec.obs[i] = p->obs[i];
        if ((st = sgl_store_write_run(db, run_id, &o.spec, &rec, &err)) != SGL_OK) goto done;
        if (was == SGL_RUN_FINISHED)
            fprintf(stderr, "sgdlab run: run %s was already finished in '%s'; this execution replaced it (same "
                            "parameters and seed)\n", rec.key, o.db_path);
        phase = 2;
    }
    /* an interrupt stops the output after a whole record (line) */
    sgl_write_results(f, p, r, o.format);
    if (sgl_cli_signal) goto done;
    if (o.out_path && sgl_out_commit(&out) != 0) {
        code = SGL_EXIT_FAIL;
        goto done;
    }
    fprintf(stderr, "sgdlab run: %u trajectories x %llu steps in %.3f s (%.1f ns per trajectory-step)\n",
            o.spec.seeds, (unsigned long long)o.spec.steps, secs,
            1e9 * secs / ((double)o.spec.seeds * (double)o.spec.steps));
done:
    sgl_out_abort(&out);
    free(params);
    if (db) {
        sgl_err e2 = {{0}, {0}};
        sgl_status cs = sgl_store_close(db, &e2);
        if (st == SGL_OK && cs != SGL_OK) { st = cs; err = e2; }
    }
    sgl_results_free(r);
    sgl_plan_free(p);
    if (sgl_cli_signal && (st == SGL_OK || st == SGL_ECANCELED)) {
        fprintf(stderr, "sgdlab: interrupted (%s): %s%s%s\n", sgl_cli_signal_name(),
                phase ? "the run finished" : "the run did not finish; nothing written",
                phase == 2 ? " and is stored" : db ? "; nothing stored (the store keeps it marked unfinished)" : "",
                !phase ? "" : o.out_path ? "; --out file not written" : "; the output stops after a whole record");
        return sgl_cli_signal_exit();
    }
    if (code >= 0) return code;
    return sgl_cli_report(st, &err);
}
