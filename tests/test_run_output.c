/* The library's text forms and output files (src/run_output.c,
 * src/outfile.c, src/limit_compare.c, sgl_param_doc): what `sgdlab run`,
 * `sgdlab limit` and --help print, called as a library user would.  Known
 * answers: record and line counts, the first bytes of each form, the files an
 * output leaves (none on abort, the whole text on commit, an old file kept),
 * the SGD step counts round(T / eta^2). */
#include "plan.h"
#include "testutil.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* f's text (rewound), at most len - 1 bytes */
static void slurp(FILE *f, char *buf, size_t len)
{
    rewind(f);
    size_t n = fread(buf, 1, len - 1, f);
    buf[n] = '\0';
}

static size_t count_lines(const char *s)
{
    size_t n = 0;
    for (; *s; ++s) n += *s == '\n';
    return n;
}

static void test_results_write(void)
{
    sgl_spec sp;
    sgl_spec_defaults(&sp);
    sp.model = "toy2d";
    sp.noise = "none";
    sp.steps = 10;
    sp.every = 5;
    sp.seeds = 2;
    sgl_err err = {{0}, {0}};
    sgl_plan *p = NULL;
    sgl_results *r = NULL;
    int ok = sgl_plan_alloc(&sp, &p, &err) == SGL_OK && sgl_results_alloc(p, &r) == SGL_OK &&
             sgl_plan_execute(p, 1, r) == SGL_OK;
    if (!check_true(ok, "toy2d plan executes (%s: %s)", err.field, err.msg)) return;
    check_true(sgl_plan_n_log(p) == 3 && sgl_plan_log_steps(p)[2] == 10 && sgl_plan_dim(p) == 2,
               "accessors: n_log %zu, last step %llu, dim %zu", sgl_plan_n_log(p),
               (unsigned long long)sgl_plan_log_steps(p)[2], sgl_plan_dim(p));
    static char buf[1 << 16];
    FILE *f = tmpfile();
    check_true(sgl_results_write(f, p, r, SGL_FMT_JSONL) == SGL_OK, "jsonl written");
    slurp(f, buf, sizeof buf);
    /* header + 2 trajectories x 3 logged steps + summary */
    check_true(count_lines(buf) == 8, "jsonl: %zu lines, expected 8", count_lines(buf));
    check_true(strncmp(buf, "{\"header\":true,", 15) == 0 && strstr(buf, "\"params\":{\"model\":\"toy2d\",\"noise\":\"none\""),
               "jsonl header with the parameters");
    check_true(strstr(buf, "\n{\"summary\":true,\"step\":10,\"n_traj\":2,") != NULL, "jsonl summary line");
    fclose(f);
    /* a raised cancel flag: the parameters and the column line, no record */
    volatile sig_atomic_t flag = 1;
    sgl_set_cancel(&flag);
    f = tmpfile();
    check_true(sgl_results_write(f, p, r, SGL_FMT_CSV) == SGL_ECANCELED, "csv cancelled");
    slurp(f, buf, sizeof buf);
    check_true(count_lines(buf) == 4 && strstr(buf, "# params: model=toy2d noise=none") &&
               strstr(buf, "\ntraj,step,t_eta,t_eta2,lr,"), "cancelled csv: 3 comment lines and the columns, got %zu lines",
               count_lines(buf));
    sgl_set_cancel(NULL);
    fclose(f);
    f = tmpfile();
    check_true(sgl_results_write(f, p, r, SGL_FMT_TABLE) == SGL_OK, "table written");
    slurp(f, buf, sizeof buf);
    check_true(strncmp(buf, "# sgdlab ", 9) == 0 && strstr(buf, "\nsummary at step 10 over 2 trajectories:"),
               "table: the parameters and the summary");
    fclose(f);
    sgl_results_free(r);
    sgl_plan_free(p);
}

static size_t dir_entries(const char *dir)
{
    DIR *d = opendir(dir);
    size_t n = 0;
    for (struct dirent *e; d && (e = readdir(d));) n += e->d_name[0] != '.';
    if (d) closedir(d);
    return n;
}

static void test_outfile(void)
{
    char dir[] = "/tmp/sgl_outfile_XXXXXX", path[64], buf[64];
    if (!check_true(mkdtemp(dir) != NULL, "temporary directory")) return;
    snprintf(path, sizeof path, "%s/out.txt", dir);
    sgl_outfile o;
    sgl_err err = {{0}, {0}};
    check_true(sgl_outfile_open(&o, path, "--out", &err) == SGL_OK, "open a new file");
    fputs("partial", o.f);
    sgl_outfile_abort(&o);
    check_true(access(path, F_OK) != 0 && dir_entries(dir) == 0, "abort leaves no file");
    check_true(sgl_outfile_open(&o, path, "--out", &err) == SGL_OK, "open again");
    fputs("whole", o.f);
    check_true(sgl_outfile_commit(&o, &err) == SGL_OK, "commit");
    FILE *f = fopen(path, "r");
    if (f) slurp(f, buf, sizeof buf), fclose(f);
    check_true(f && strcmp(buf, "whole") == 0 && dir_entries(dir) == 1, "commit leaves the whole text, no temporary");
    check_true(sgl_outfile_open(&o, path, "--out", &err) == SGL_OK, "open an existing file");
    fputs("new", o.f);
    sgl_outfile_abort(&o);
    f = fopen(path, "r");
    if (f) slurp(f, buf, sizeof buf), fclose(f);
    check_true(f && strcmp(buf, "whole") == 0, "abort keeps the old file");
    sgl_status st = sgl_outfile_open(&o, dir, "--out", &err);
    check_true(st == SGL_EINVAL && strcmp(err.field, "--out") == 0 && strstr(err.msg, "is a directory"),
               "a directory is refused: %d %s: %s", (int)st, err.field, err.msg);
    remove(path);
    rmdir(dir);
}

static void test_param_doc(void)
{
    char doc[1200];
    const sgl_param *p = sgl_param_find(SGL_KIND_RUN, "batch");
    if (!check_true(p != NULL, "run row batch")) return;
    sgl_param_doc(SGL_KIND_RUN, p, doc, sizeof doc);
    size_t n = strlen(doc);
    check_true(strncmp(doc, p->help, strlen(p->help)) == 0 && strstr(doc, " [default ") && strstr(doc, "; used with noise") &&
               n > 0 && doc[n - 1] == ']', "batch doc: '%s'", doc);
    char small[16];
    sgl_param_doc(SGL_KIND_RUN, p, small, sizeof small);
    check_true(strlen(small) == sizeof small - 1, "cut at the buffer: '%s'", small);
}

static void test_limit_compare(void)
{
    sgl_any_spec a;
    sgl_any_spec_default(&a, SGL_KIND_LIMIT);
    sgl_limit_spec s = a.u.limit;
    s.run.model = "toy2d";
    s.run.noise = "label";
    s.run.seeds = 2;
    s.T = 0.05;
    s.dt = 0.001;
    sgl_run_info info = {.command = "limit", .sweep_index = -1, .threads = 1, .ranks = 1};
    sgl_limit_comparison *c = malloc(sizeof *c);
    sgl_err err = {{0}, {0}};
    const double bad = 1e-9, etas[2] = {0.05, 0.025};
    sgl_status st = sgl_limit_compare(&s, &bad, 1, NULL, &info, c, &err);
    check_true(st == SGL_EINVAL && strcmp(err.field, "--lrs") == 0, "eta 1e-9: %d %s: %s", (int)st, err.field,
               err.msg);
    st = sgl_limit_compare(&s, etas, 2, NULL, &info, c, &err);
    if (check_true(st == SGL_OK, "toy2d limit and SGD at 2 etas: %s: %s", err.field, err.msg)) {
        check_true(c->n_eta == 2 && c->col[1].steps == 20 && c->col[2].steps == 80, "SGD steps round(T/eta^2) = 20, 80");
        check_true(c->col[0].n_ok == 2 && c->col[0].steps == 50 && isnan(c->col[0].eta), "limit: 2 ok, 50 EM steps");
        check_true(c->n_rows >= 2 && strcmp(c->row[c->n_rows - 2], "theta[0]") == 0 &&
                   strcmp(c->row[c->n_rows - 1], "theta[1]") == 0, "coordinate rows theta[0], theta[1]");
        sgl_json w;
        sgl_json_to_buffer(&w);
        sgl_limit_comparison_json(&w, c);
        const char *text = sgl_json_text(&w, NULL);
        check_true(sgl_json_finish(&w) == SGL_OK && strncmp(text, "{\"command\":\"limit\",\"model\":\"toy2d\"", 34) == 0 &&
                   strstr(text, "{\"kind\":\"sgd\",\"eta\":0.025000000000000001,\"steps\":80,"), "json: %.80s", text);
        sgl_json_release(&w);
    }
    free(c);
}

int main(void)
{
    test_results_write();
    test_outfile();
    test_param_doc();
    test_limit_compare();
    return done();
}
