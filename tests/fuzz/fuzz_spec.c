/* Fuzz harness: the sweep-spec parser (src/sweep.c, YAML/JSON through
 * libfyaml): sgl_sweep_parse on the raw input, then every expanded run's key
 * and canonical parameter set, as `sgdlab sweep --list` prints them.
 *
 * Properties (abort() on violation, so AFL++ saves the input as a crash):
 *   - the parser returns SGL_OK or SGL_EINVAL (SGL_ENOMEM only for a spec
 *     that expands beyond memory); a rejection fills field and message;
 *   - an accepted spec has at least one run, every run passes
 *     sgl_spec_validate (the parser promises to check everything up front),
 *     and its canonical form fits the size it reports. */
#include "internal.h"
#include "fuzz_main.h"

static void require(int cond)
{
    if (!cond) abort();
}

static void fuzz_one(const unsigned char *data, size_t size)
{
    sgl_sweep *w = NULL;
    sgl_err err = {{0}, {0}};
    sgl_status st = sgl_sweep_parse((const char *)data, size, "fuzz.yaml", &w, &err);
    if (st != SGL_OK) {
        require(w == NULL);
        require(st == SGL_EINVAL || st == SGL_ENOMEM);
        require(err.field[0] != '\0' && err.msg[0] != '\0');
        return;
    }
    const size_t n = sgl_sweep_size(w);
    require(n >= 1);
    require(sgl_sweep_name(w) != NULL && sgl_sweep_text(w) != NULL);
    char buf[4096];
    /* the first and last few runs: enough to reach every axis value's code */
    for (size_t i = 0; i < n; i = (i == 7 && n > 16) ? n - 8 : i + 1) {
        sgl_any_spec s;   /* any kind (kind: run | limit | escape) */
        sgl_err e2 = {{0}, {0}};
        require(sgl_sweep_any_spec(w, i, &s, &e2) == SGL_OK);
        require((sgl_sweep_spec(w, i) != NULL) == (sgl_sweep_kind(w) == SGL_KIND_RUN));
        require(sgl_any_spec_validate(&s, &e2) == SGL_OK);
        char key[17];
        sgl_any_spec_run_key(&s, key);
        require(strlen(key) == 16);
        size_t need = sgl_any_spec_canonical(&s, buf, sizeof buf);
        require(need < sizeof buf ? strlen(buf) == need : strlen(buf) == sizeof buf - 1);
    }
    sgl_sweep_free(w);
}
