/* The driver shared by the fuzz harnesses (tests/fuzz/fuzz_*.c).  A harness
 * defines `static void fuzz_one(const unsigned char *data, size_t size)`,
 * which must return normally for every input: a crash, a sanitizer report or
 * an abort() on a violated property is a finding.
 *
 * Built with afl-clang-fast (tests/fuzz/run.sh) it runs in AFL++ persistent
 * mode with the test case in shared memory.  Built with the ordinary compiler
 * (the ctest replay tests) it runs fuzz_one on every file named on the command
 * line, or every file in a named directory, in sorted order, and prints how
 * many it ran. */
#ifndef SGL_FUZZ_MAIN_H
#define SGL_FUZZ_MAIN_H
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void fuzz_one(const unsigned char *data, size_t size);

/* inputs longer than this are cut (the parsers' interesting structure is small) */
#define SGL_FUZZ_MAX 65536

#ifdef __AFL_FUZZ_TESTCASE_LEN
__AFL_FUZZ_INIT();
int main(void)
{
    __AFL_INIT();
    const unsigned char *buf = __AFL_FUZZ_TESTCASE_BUF;
    while (__AFL_LOOP(10000)) {
        size_t len = (size_t)__AFL_FUZZ_TESTCASE_LEN;
        fuzz_one(buf, len < SGL_FUZZ_MAX ? len : SGL_FUZZ_MAX);
    }
    return 0;
}
#else
static int fuzz_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) { fprintf(stderr, "fuzz replay: cannot open %s\n", path); return 0; }
    unsigned char *buf = malloc(SGL_FUZZ_MAX);
    size_t len = buf ? fread(buf, 1, SGL_FUZZ_MAX, f) : 0;
    fclose(f);
    if (!buf) return 0;
    fuzz_one(buf, len);
    free(buf);
    return 1;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

int main(int argc, char **argv)
{
    size_t ran = 0, bad = 0;
    for (int i = 1; i < argc; ++i) {
        struct stat sb;
        if (stat(argv[i], &sb) != 0) { fprintf(stderr, "fuzz replay: no such file %s\n", argv[i]); ++bad; continue; }
        if (!S_ISDIR(sb.st_mode)) { if (fuzz_file(argv[i])) ++ran; else ++bad; continue; }
        DIR *d = opendir(argv[i]);
        if (!d) { ++bad; continue; }
        char **names = NULL;
        size_t n = 0, cap = 0;
        for (struct dirent *e; (e = readdir(d));) {
            if (e->d_name[0] == '.') continue;
            if (n == cap) {
                cap = cap ? 2 * cap : 64;
                char **nn = realloc(names, cap * sizeof *names);
                if (!nn) return 1;
                names = nn;
            }
            size_t len = strlen(argv[i]) + strlen(e->d_name) + 2;
            names[n] = malloc(len);
            if (!names[n]) return 1;
            snprintf(names[n++], len, "%s/%s", argv[i], e->d_name);
        }
        closedir(d);
        qsort(names, n, sizeof *names, cmp_str);
        for (size_t k = 0; k < n; ++k) {
            if (stat(names[k], &sb) == 0 && S_ISREG(sb.st_mode)) {
                if (fuzz_file(names[k])) ++ran; else ++bad;
            }
            free(names[k]);
        }
        free(names);
    }
    printf("fuzz replay: %zu inputs ran without a finding%s\n", ran, bad ? " (some could not be read)" : "");
    return (ran == 0 || bad) ? 1 : 0;
}
#endif
#endif
