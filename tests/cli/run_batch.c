/* sgdlab_run_batch CASES DIR: the bad-input cases of tests/cli/cli_bad_input.sh
 * through `sgdlab run` (cmd_run, the code the binary runs after main's
 * dispatch) in one process instead of three process launches per case.
 *
 * CASES holds one block per case, one field per line:
 *   case / description / flag the message must name / '|'-separated substrings
 *   it must contain ("" for none) / number of arguments / the arguments.
 * The first line of CASES is "base", the number of base arguments and those
 * arguments (cheap defaults placed before every case's own flags).
 *
 * Each case is run three times, as the script did with the binary:
 *   1. plain: exit code 2, nothing on stdout, stderr exactly one
 *      newline-terminated line "sgdlab: FLAG: ..." containing every substring;
 *   2. --out DIR/o/out.txt to a fresh path: exit 2, DIR/o stays empty (no file,
 *      no temporary), nothing on stdout;
 *   3. --out over a pre-existing file: exit 2, the file byte-identical and the
 *      only entry of DIR/o.
 * Prints one "PASS: ..." / "FAIL: ..." line per check (the script's wording) and
 * "cases: N" at the end; exit 1 on any failure, 2 on a malformed CASES file. */
#include "cli.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_ARGS 64
#define LINE 4096

static FILE *rep;   /* the report: the original stdout */
static int n_fail;

static void result(int ok, const char *desc, const char *text)
{
    fprintf(rep, "%s: %s: %s\n", ok ? "PASS" : "FAIL", desc, text);
    if (!ok) ++n_fail;
}

static char *read_line(FILE *f)
{
    static char buf[LINE];
    if (!fgets(buf, sizeof buf, f)) return NULL;
    size_t n = strlen(buf);
    if (n == 0 || buf[n - 1] != '\n') return NULL;
    char *c = malloc(n);
    if (c) memcpy(c, buf, n - 1), c[n - 1] = '\0';
    return c;
}

/* whole file into a malloc'd NUL-terminated buffer (NULL if unreadable) */
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 4096, n = 0;
    char *b = malloc(cap + 1);
    size_t r;
    while (b && (r = fread(b + n, 1, cap - n, f)) > 0) {
        n += r;
        if (n == cap) { char *nb = realloc(b, 2 * cap + 1); if (!nb) { free(b); b = NULL; break; } b = nb; cap *= 2; }
    }
    fclose(f);
    if (b) { b[n] = '\0'; if (len) *len = n; }
    return b;
}

/* number of entries of dir; with clear, also removes them (files only) */
static int dir_entries(const char *dir, int clear)
{
    DIR *d = opendir(dir);
    if (!d) return -1;
    int n = 0;
    struct dirent *e;
    char p[LINE];
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
            ++n;
            if (clear) { snprintf(p, sizeof p, "%s/%s", dir, e->d_name); unlink(p); }
        }
    closedir(d);
    return n;
}

/* cmd_run(argv) with stdout and stderr sent to files; its exit code */
static int run(int argc, char **argv, const char *so, const char *se)
{
    fflush(stdout);
    fflush(stderr);
    int o1 = dup(1), o2 = dup(2);
    int f1 = open(so, O_WRONLY | O_CREAT | O_TRUNC, 0644), f2 = open(se, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (o1 < 0 || o2 < 0 || f1 < 0 || f2 < 0) { fprintf(rep, "FAIL: cannot redirect output\n"); exit(1); }
    dup2(f1, 1);
    dup2(f2, 2);
    close(f1);
    close(f2);
    int rc = cmd_run(argc, argv);
    fflush(stdout);
    fflush(stderr);
    clearerr(stdout);
    dup2(o1, 1);
    dup2(o2, 2);
    close(o1);
    close(o2);
    return rc;
}

static int write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    if (!f) return -1;
    int bad = fputs(text, f) < 0;
    return fclose(f) != 0 || bad ? -1 : 0;
}

int main(int argc, char **argv)
{
    if (argc != 3) { fprintf(stderr, "usage: sgdlab_run_batch CASES DIR\n"); return 2; }
    rep = fdopen(dup(1), "w");
    FILE *cf = fopen(argv[1], "r");
    if (!rep || !cf) { fprintf(stderr, "sgdlab_run_batch: cannot open %s\n", argv[1]); return 2; }
    char so[LINE + 16], se[LINE + 16], odir[LINE + 16], out[2 * LINE];
    snprintf(so, sizeof so, "%s/stdout.txt", argv[2]);
    snprintf(se, sizeof se, "%s/err.txt", argv[2]);
    snprintf(odir, sizeof odir, "%s/o", argv[2]);
    snprintf(out, sizeof out, "%s/out.txt", odir);
    if (mkdir(odir, 0755) != 0 || dir_entries(odir, 0) != 0) { fprintf(stderr, "sgdlab_run_batch: %s must be new\n", odir); return 2; }
    static const char keep[] = "pre-existing output\nline 2\n";

    char *base[MAX_ARGS];
    int n_base = 0;
    char *l = read_line(cf);
    if (!l || strcmp(l, "base") != 0) { fprintf(stderr, "sgdlab_run_batch: CASES must start with 'base'\n"); return 2; }
    free(l);
    l = read_line(cf);
    n_base = l ? atoi(l) : -1;
    free(l);
    if (n_base < 0 || n_base > MAX_ARGS / 2) return 2;
    for (int i = 0; i < n_base; ++i) if (!(base[i] = read_line(cf))) return 2;

    int n_cases = 0;
    while ((l = read_line(cf))) {
        if (strcmp(l, "case") != 0) { fprintf(stderr, "sgdlab_run_batch: expected 'case', got '%s'\n", l); return 2; }
        free(l);
        char *desc = read_line(cf), *flag = read_line(cf), *subs = read_line(cf), *na = read_line(cf);
        if (!desc || !flag || !subs || !na) return 2;
        int n = atoi(na);
        free(na);
        if (n < 0 || n + n_base + 4 > MAX_ARGS) return 2;
        char *args[MAX_ARGS];
        for (int i = 0; i < n; ++i) if (!(args[i] = read_line(cf))) return 2;
        ++n_cases;

        /* argv: sgdlab run [--out FILE] BASE... ARGS... (argv entries are not modified by the parser, but
         * each run gets a fresh array) */
        char *av[MAX_ARGS + 1];
        char prefix[LINE + 16];
        snprintf(prefix, sizeof prefix, "sgdlab: %s:", flag);
        for (int variant = 0; variant < 3; ++variant) {
            int ac = 0;
            av[ac++] = "sgdlab";
            av[ac++] = "run";
            if (variant) { av[ac++] = "--out"; av[ac++] = out; }
            for (int i = 0; i < n_base; ++i) av[ac++] = base[i];
            for (int i = 0; i < n; ++i) av[ac++] = args[i];
            av[ac] = NULL;
            if (variant == 2 && write_file(out, keep) != 0) { fprintf(rep, "FAIL: cannot write %s\n", out); return 1; }
            int rc = run(ac, av, so, se);
            size_t nso = 0, nse = 0;
            char *sout = slurp(so, &nso), *serr = slurp(se, &nse);
            if (!sout || !serr) { fprintf(rep, "FAIL: cannot read back the output\n"); return 1; }
            char got[320];
            snprintf(got, sizeof got, "%.300s", serr);
            for (char *c = got; *c; ++c) if (*c == '\n') *c = '|';
            char rcs[32];
            snprintf(rcs, sizeof rcs, "%d", rc);
            if (variant == 0) {
                char msg[3 * LINE];
                snprintf(msg, sizeof msg, "exit %d, want 2 (stderr: %s)", rc, got);
                result(rc == 2, desc, rc == 2 ? "exit 2" : msg);
                snprintf(msg, sizeof msg, "stdout not empty (%zu bytes)", nso);
                result(nso == 0, desc, nso == 0 ? "stdout empty" : msg);
                const char *nl = memchr(serr, '\n', nse);
                int one = nse > 0 && nl == serr + nse - 1 && strlen(serr) == nse &&
                          strncmp(serr, prefix, strlen(prefix)) == 0;
                snprintf(msg, sizeof msg, "stderr is one line '%s ...'", prefix);
                if (!one) snprintf(msg, sizeof msg, "stderr is not one line starting '%s' (got: %s)", prefix, got);
                result(one, desc, msg);
                if (subs[0]) {
                    char missing[2 * LINE] = "", tmp[LINE];
                    snprintf(tmp, sizeof tmp, "%s", subs);
                    for (char *s = tmp, *bar; s; s = bar ? bar + 1 : NULL) {
                        bar = strchr(s, '|');
                        if (bar) *bar = '\0';
                        if (!strstr(serr, s)) {
                            size_t m = strlen(missing);
                            snprintf(missing + m, sizeof missing - m, " '%s'", s);
                        }
                    }
                    if (!missing[0]) snprintf(msg, sizeof msg, "message lists [%s]", subs);
                    else snprintf(msg, sizeof msg, "message lacks%s (got: %s)", missing, got);
                    result(!missing[0], desc, msg);
                }
            } else if (variant == 1) {
                int ent = dir_entries(odir, 1);
                int ok = rc == 2 && ent == 0 && nso == 0;
                char msg[3 * LINE];
                snprintf(msg, sizeof msg, "with --out: exit %s, %d entries left in the output directory, %zu bytes on stdout",
                         rcs, ent, nso);
                result(ok, desc, ok ? "with --out: exit 2, no file and no temporary written" : msg);
            } else {
                size_t nk = 0;
                char *now = slurp(out, &nk);
                int ent = dir_entries(odir, 0);
                int same = now && nk == sizeof keep - 1 && memcmp(now, keep, nk) == 0;
                int ok = rc == 2 && same && ent == 1;
                char msg[3 * LINE];
                snprintf(msg, sizeof msg, "with --out: exit %s; pre-existing file %s, %d entries in the output directory",
                         rcs, same ? "unchanged" : "changed", ent);
                result(ok, desc, ok ? "with --out: pre-existing file byte-identical" : msg);
                free(now);
                dir_entries(odir, 1);
            }
            free(sout);
            free(serr);
        }
        for (int i = 0; i < n; ++i) free(args[i]);
        free(desc); free(flag); free(subs);
    }
    for (int i = 0; i < n_base; ++i) free(base[i]);
    fclose(cf);
    fprintf(rep, "cases: %d\n", n_cases);
    fclose(rep);
    return n_fail ? 1 : 0;
}
