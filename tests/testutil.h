/* Tiny helpers shared by the library unit tests (tests/test_*.c).
 *
 * Every check prints exactly one line, "PASS" or "FAIL", with the observed and
 * the expected value; a failed check bumps a global counter and done() turns
 * the counter into the process exit code.  Comparisons are written so that a
 * NaN observation always fails. */
#ifndef SGL_TESTUTIL_H
#define SGL_TESTUTIL_H

#include <math.h>
#include <stdarg.h>
#include <stdio.h>

static int tu_failures = 0;
static int tu_checks = 0;

static inline void tu_vline(int ok, const char *fmt, va_list ap)
{
    ++tu_checks;
    if (!ok) ++tu_failures;
    printf("%s ", ok ? "PASS" : "FAIL");
    vprintf(fmt, ap);
}

/* |obs - exp| <= tol * |exp|  (tol absolute when exp == 0) */
static inline int check_rel(double obs, double exp, double tol, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
static inline int check_rel(double obs, double exp, double tol, const char *fmt, ...)
{
    double scale = exp != 0.0 ? fabs(exp) : 1.0;
    double rel = fabs(obs - exp) / scale;
    int ok = rel <= tol;
    va_list ap;
    va_start(ap, fmt);
    tu_vline(ok, fmt, ap);
    va_end(ap);
    printf(": obs=%.17g exp=%.17g rel=%.3g tol=%.3g\n", obs, exp, rel, tol);
    return ok;
}

/* |obs - exp| <= tol */
static inline int check_abs(double obs, double exp, double tol, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
static inline int check_abs(double obs, double exp, double tol, const char *fmt, ...)
{
    double diff = fabs(obs - exp);
    int ok = diff <= tol;
    va_list ap;
    va_start(ap, fmt);
    tu_vline(ok, fmt, ap);
    va_end(ap);
    printf(": obs=%.17g exp=%.17g |diff|=%.3g tol=%.3g\n", obs, exp, diff, tol);
    return ok;
}

/* obs <= bound (an error measure against its ceiling) */
static inline int check_le(double obs, double bound, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
static inline int check_le(double obs, double bound, const char *fmt, ...)
{
    int ok = obs <= bound;
    va_list ap;
    va_start(ap, fmt);
    tu_vline(ok, fmt, ap);
    va_end(ap);
    printf(": obs=%.6g expected <= %.6g\n", obs, bound);
    return ok;
}

/* z-test: |obs - exp| / se < zmax.  The caller states the false-failure
 * probability of zmax in a comment. */
static inline int check_z(double obs, double exp, double se, double zmax, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;
static inline int check_z(double obs, double exp, double se, double zmax, const char *fmt, ...)
{
    double z = (obs - exp) / se;
    int ok = fabs(z) < zmax;
    va_list ap;
    va_start(ap, fmt);
    tu_vline(ok, fmt, ap);
    va_end(ap);
    printf(": obs=%.10g exp=%.10g se=%.3g z=%.3f |z|max=%.3g\n", obs, exp, se, z, zmax);
    return ok;
}

/* a condition; the message should carry the observed and expected values */
static inline int check_true(int cond, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
static inline int check_true(int cond, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    tu_vline(cond, fmt, ap);
    va_end(ap);
    printf("\n");
    return cond;
}

/* exit code: 0 when every check passed */
static inline int done(void)
{
    printf("%s: %d of %d checks failed\n", tu_failures ? "FAILED" : "OK", tu_failures, tu_checks);
    fflush(stdout);
    return tu_failures ? 1 : 0;
}

#endif
