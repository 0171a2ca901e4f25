/* Test-only fault injection into the library's allocator (src/alloc.c).
 * Not part of the public API: the symbols are hidden in the shared library and
 * reachable only by programs linking the static one (the tests).
 *
 *   sgl_test_alloc_arm(k)   start counting allocation attempts from zero; the
 *                           k-th attempt (1-based) returns NULL, every other
 *                           one succeeds; k = 0 fails none (count only).
 *   sgl_test_alloc_disarm() stop counting and failing.
 *   ..._attempts()          attempts since arming (the failed one included).
 *   ..._failed()            1 once the k-th attempt has been failed.
 *   ..._live()              blocks allocated minus blocks freed while armed:
 *                           0 after a call that cleaned up after itself
 *                           (arm before the call, disarm after the frees). */
#ifndef SGL_ALLOC_HOOK_H
#define SGL_ALLOC_HOOK_H
#include <stdint.h>

#if defined(__GNUC__)
#define SGL_TEST_HOOK_ __attribute__((visibility("hidden")))
#else
#define SGL_TEST_HOOK_
#endif

SGL_TEST_HOOK_ void sgl_test_alloc_arm(uint64_t fail_at);
SGL_TEST_HOOK_ void sgl_test_alloc_disarm(void);
SGL_TEST_HOOK_ uint64_t sgl_test_alloc_attempts(void);
SGL_TEST_HOOK_ int sgl_test_alloc_failed(void);
SGL_TEST_HOOK_ int64_t sgl_test_alloc_live(void);
#endif
