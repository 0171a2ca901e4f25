/* Status codes, the error funnel and version strings. */
#include "internal.h"
#include "sgl_git.h"   /* generated at build time: SGL_GIT, SGL_GIT_VERSION */

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

const char *sgl_strerror(sgl_status s)
{
    switch (s) {
#define SGL_AS_CASE_(name, code, text) case name: return text;
        SGL_STATUS_LIST(SGL_AS_CASE_)
#undef SGL_AS_CASE_
    }
    return "unknown status";
}

sgl_status sgl_fail(sgl_err *err, sgl_status s, const char *field, const char *fmt, ...)
{
    if (err) {
        snprintf(err->field, sizeof err->field, "%s", field ? field : "");
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
    }
    return s;
}

const char *sgl_version(void) { return SGL_GIT_VERSION; }   /* git tag, else project VERSION */
const char *sgl_git_hash(void) { return SGL_GIT; }

void sgl_join_names(const void *const *table, char *buf, size_t len)
{
    size_t k = 0;
    if (len) buf[0] = '\0';
    for (size_t i = 0; table[i] && k < len; ++i)
        k += (size_t)snprintf(buf + k, len - k, "%s%s", i ? ", " : "",
                              *(const char *const *)table[i]);
}

/* Determinism with LAPACK (Hessian eigen-decompositions in dynamics/manifold.c,
 * the min-l2 interpolator): when Debian's LAPACK alternative is OpenBLAS, its
 * own thread pool splits reductions by thread count, so results would depend
 * on the machine's cores (and it fights our OpenMP threads for them).  The
 * library asks OpenBLAS for one thread when it is loaded; with reference
 * LAPACK/BLAS the symbol is absent and nothing happens.  Looked up at run
 * time so the library links against either. */
#include <dlfcn.h>
__attribute__((constructor)) static void sgl_serial_blas(void)
{
    void (*set)(int);
    *(void **)&set = dlsym(RTLD_DEFAULT, "openblas_set_num_threads");
    if (set) set(1);
}
