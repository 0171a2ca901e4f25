/* sgdlab run: one ensemble, printed as a table, CSV or JSON Lines.
 * With --out the file is written to FILE.tmp and renamed only on success, so
 * bad input or a failed run never leaves a partial file or clobbers an old one. */
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
    sgl_plan *p = NULL;
    sgl_results *r = NULL;
    FILE *out = stdout;
    char *tmp = NULL, *params = NULL;
    sgl_store *db = NULL;
    int64_t run_id = 0;
    sgl_run_state was = SGL_RUN_ABSENT;
    st = sgl_plan_alloc(&o.spec, &p, &err);
    if (st == SGL_EINVAL && strcmp(err.field, "--kappa") == 0 && !sgl_cli_given(&o, "--kappa"))
        snprintf(err.msg + strlen(err.msg), sizeof err.msg - strlen(err.msg),
                 " (%zu is the default; pass --kappa)", o.spec.data.kappa);
    if (st != SGL_OK) return sgl_cli_report(st, &err);
    /* open the output before the run, so an unwritable path fails at once */
    if (o.out_path) {
        size_t len = strlen(o.out_path) + 8;
        tmp = malloc(len);
        if (!tmp) { st = SGL_ENOMEM; goto done; }
        snprintf(tmp, len, "%s.tmp", o.out_path);
        out = fopen(tmp, "w");
        if (!out) {
            st = sgl_fail(&err, SGL_EIO, "--out", "cannot write '%s'", tmp);
            goto done;
        }
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
    if (db) {
        sgl_record rec = {{0}, 0, {0}, r, secs, o.threads};
        sgl_spec_run_key(&o.spec, rec.key);
        rec.n_obs = p->n_obs;
        for (size_t i = 0; i < p->n_obs; ++i) rec.obs[i] = p->obs[i];
        if ((st = sgl_store_write_run(db, run_id, &o.spec, &rec, &err)) != SGL_OK) goto done;
        if (was == SGL_RUN_FINISHED)
            fprintf(stderr, "sgdlab run: run %s was already finished in '%s'; this execution replaced it (same "
                            "parameters and seed)\n", rec.key, o.db_path);
    }
    sgl_write_results(out, p, r, o.format);
    if (o.out_path) {
        int bad = ferror(out);
        bad |= fclose(out) != 0;
        out = NULL;
        if (bad || rename(tmp, o.out_path) != 0)
            st = sgl_fail(&err, SGL_EIO, "--out", "cannot write '%s'", o.out_path);
    }
    fprintf(stderr, "sgdlab run: %u trajectories x %llu steps in %.3f s (%.1f ns per trajectory-step)\n",
            o.spec.seeds, (unsigned long long)o.spec.steps, secs,
            1e9 * secs / ((double)o.spec.seeds * (double)o.spec.steps));
done:
    if (o.out_path && tmp) {
        if (out) fclose(out);
        if (st != SGL_OK) remove(tmp);
    }
    free(tmp);
    free(params);
    if (db) {
        sgl_err e2 = {{0}, {0}};
        sgl_status cs = sgl_store_close(db, &e2);
        if (st == SGL_OK && cs != SGL_OK) { st = cs; err = e2; }
    }
    sgl_results_free(r);
    sgl_plan_free(p);
    return sgl_cli_report(st, &err);
}
