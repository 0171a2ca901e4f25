/* hello.c: the smallest program on the installed libsgdlab.  Eight
 * trajectories of label-noise SGD on the diagonal net (d = 20, n = 10),
 * parameters set by name through the library's parameter table (the same
 * parser and checks as `sgdlab run`), then the train loss at the last logged
 * step as mean +- standard error.  Build it against an installed sgdlab:
 *
 *   cc hello.c $(pkg-config --cflags --libs sgdlab) -o hello
 *   cmake -S examples/c -B hello-build -DCMAKE_PREFIX_PATH=PREFIX   (find_package(sgdlab))
 */
#include <sgdlab.h>

#include <stdio.h>
#include <string.h>

/* set one run parameter by its `sgdlab run` flag name (without "--") */
static sgl_status set(sgl_spec *s, const char *key, const char *value, sgl_err *err)
{
    const sgl_param *p = sgl_param_lookup(key, strlen(key));
    if (!p) return sgl_fail(err, SGL_EINVAL, key, "not a run parameter");
    return sgl_param_set(s, p, value, err);
}

int main(void)
{
    static const char *const kv[][2] = {
        {"model", "diagnet"}, {"noise", "label"}, {"d", "20"}, {"n", "10"}, {"kappa", "2"},
        {"lr", "0.01"},       {"steps", "2000"},  {"every", "1000"}, {"seeds", "8"},
    };
    sgl_spec spec;
    sgl_err err = {{0}, {0}};
    sgl_plan *plan = NULL;
    sgl_results *res = NULL;
    sgl_spec_defaults(&spec);
    sgl_status st = SGL_OK;
    for (size_t i = 0; i < sizeof kv / sizeof kv[0] && st == SGL_OK; ++i) st = set(&spec, kv[i][0], kv[i][1], &err);
    if (st == SGL_OK) st = sgl_spec_validate(&spec, &err);
    if (st == SGL_OK) st = sgl_plan_alloc(&spec, &plan, &err);
    if (st == SGL_OK) st = sgl_results_alloc(plan, &res);
    if (st == SGL_OK) st = sgl_plan_execute(plan, 1, res);
    if (st != SGL_OK) {
        fprintf(stderr, "hello: %s%s%s\n", err.field[0] ? err.field : "", err.field[0] ? ": " : "",
                err.msg[0] ? err.msg : sgl_strerror(st));
        sgl_results_free(res);
        sgl_plan_free(plan);
        return 1;
    }
    size_t last = res->n_log - 1;
    for (size_t o = 0; o < sgl_plan_n_obs(plan); ++o) {
        if (strcmp(sgl_plan_obs(plan, o)->name, "train_loss") != 0) continue;
        sgl_summary s;
        sgl_summarize(res, last, o, &s);
        printf("sgdlab %s: train_loss at step %llu = %.6g +- %.2g (%llu trajectories)\n", sgl_version(),
               (unsigned long long)res->log_steps[last], s.mean, s.std_err, (unsigned long long)s.n);
    }
    sgl_results_free(res);
    sgl_plan_free(plan);
    return 0;
}
