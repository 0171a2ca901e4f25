/* The library's one allocator: every heap block of src/ comes from
 * sgl_malloc / sgl_calloc / sgl_realloc / sgl_alloc_doubles and goes back
 * through sgl_free (tests/check_alloc.sh fails the suite on any other call).
 *
 * Fault injection for tests (src/alloc_hook.h): while armed, allocation
 * attempts are counted, the chosen one returns NULL, and blocks are counted
 * in and out so a test sees a leak without a sanitizer.  Disarmed (always, in
 * production: nothing outside the tests arms it) an allocation costs one
 * relaxed atomic load more than the C library call; no result depends on it.
 * The hook functions have hidden visibility, so the shared library does not
 * export them; the tests link the static library. */
#include "internal.h"

#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "alloc_hook.h"

static atomic_int hook_armed;
static atomic_uint_fast64_t hook_attempts;   /* allocation attempts since arming */
static atomic_uint_fast64_t hook_fail_at;    /* 1-based attempt to fail; 0 = none */
static atomic_int hook_failed;               /* the chosen attempt happened */
static atomic_int_fast64_t hook_live;        /* blocks allocated minus freed while armed */

/* 1 when this attempt is the one to fail */
static int hook_attempt(void)
{
    uint_fast64_t n = atomic_fetch_add_explicit(&hook_attempts, 1, memory_order_relaxed) + 1;
    if (n == atomic_load_explicit(&hook_fail_at, memory_order_relaxed)) {
        atomic_store_explicit(&hook_failed, 1, memory_order_relaxed);
        return 1;
    }
    return 0;
}

#define SGL_ARMED_() atomic_load_explicit(&hook_armed, memory_order_relaxed)
#define SGL_LIVE_(d) atomic_fetch_add_explicit(&hook_live, (d), memory_order_relaxed)

void *sgl_malloc(size_t bytes)
{
    if (SGL_ARMED_() && hook_attempt()) return NULL;
    void *p = malloc(bytes ? bytes : 1);
    if (p && SGL_ARMED_()) SGL_LIVE_(1);
    return p;
}

void *sgl_calloc(size_t n, size_t size)
{
    if (SGL_ARMED_() && hook_attempt()) return NULL;
    void *p = (n && size) ? calloc(n, size) : calloc(1, 1);
    if (p && SGL_ARMED_()) SGL_LIVE_(1);
    return p;
}

void *sgl_malloc_array(size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size) return NULL;
    return sgl_malloc(n * size);
}

void *sgl_realloc(void *ptr, size_t bytes)
{
    if (SGL_ARMED_() && hook_attempt()) return NULL;
    void *p = realloc(ptr, bytes ? bytes : 1);
    if (p && !ptr && SGL_ARMED_()) SGL_LIVE_(1);
    return p;
}

double *sgl_alloc_doubles(size_t n)
{
    if (n > (SIZE_MAX - 63) / sizeof(double)) return NULL;
    size_t bytes = (n * sizeof(double) + 63) / 64 * 64;
    if (bytes == 0) bytes = 64;
    if (SGL_ARMED_() && hook_attempt()) return NULL;
    double *p = aligned_alloc(64, bytes);
    if (p) {
        memset(p, 0, bytes);
        if (SGL_ARMED_()) SGL_LIVE_(1);
    }
    return p;
}

char *sgl_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = sgl_malloc(n);
    if (p) memcpy(p, s, n);
    return p;
}

void sgl_free(void *ptr)
{
    if (!ptr) return;
    if (SGL_ARMED_()) SGL_LIVE_(-1);
    free(ptr);
}

/* ---- test-only hook (src/alloc_hook.h) ---- */

void sgl_test_alloc_arm(uint64_t fail_at)
{
    atomic_store(&hook_attempts, 0);
    atomic_store(&hook_fail_at, fail_at);
    atomic_store(&hook_failed, 0);
    atomic_store(&hook_live, 0);
    atomic_store(&hook_armed, 1);
}

void sgl_test_alloc_disarm(void) { atomic_store(&hook_armed, 0); }

uint64_t sgl_test_alloc_attempts(void) { return atomic_load(&hook_attempts); }
int sgl_test_alloc_failed(void) { return atomic_load(&hook_failed); }
int64_t sgl_test_alloc_live(void) { return atomic_load(&hook_live); }
