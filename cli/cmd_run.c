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
    sgl_plan *p = NULL;
    sgl_results *r = NULL;
    st = sgl_plan_alloc(&o.spec, &p, &err);
    if (st != SGL_OK) return sgl_cli_report(st, &err);
    if ((st = sgl_results_alloc(p, &r)) != SGL_OK) goto done;
    double t0 = omp_get_wtime();
    if ((st = sgl_plan_execute(p, o.threads, r)) != SGL_OK) goto done;
    double secs = omp_get_wtime() - t0;
    if (o.out_path) {
        size_t len = strlen(o.out_path) + 8;
        char *tmp = malloc(len);
        if (!tmp) { st = SGL_ENOMEM; goto done; }
        snprintf(tmp, len, "%s.tmp", o.out_path);
        FILE *f = fopen(tmp, "w");
        if (!f) {
            st = sgl_fail(&err, SGL_EIO, "--out", "cannot write '%s'", tmp);
            free(tmp);
            goto done;
        }
        sgl_write_results(f, p, r, o.format, secs);
        int bad = ferror(f);
        bad |= fclose(f) != 0;
        if (bad || rename(tmp, o.out_path) != 0) {
            remove(tmp);
            st = sgl_fail(&err, SGL_EIO, "--out", "cannot write '%s'", o.out_path);
        }
        free(tmp);
    } else {
        sgl_write_results(stdout, p, r, o.format, secs);
    }
    fprintf(stderr, "sgdlab run: %u trajectories x %llu steps in %.3f s (%.1f ns per trajectory-step)\n",
            o.spec.seeds, (unsigned long long)o.spec.steps, secs,
            1e9 * secs / ((double)o.spec.seeds * (double)o.spec.steps));
done:
    sgl_results_free(r);
    sgl_plan_free(p);
    return sgl_cli_report(st, &err);
}
