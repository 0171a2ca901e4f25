/* Vector log and sincos(2 pi u) for Box-Muller (SGL_VM_LANES lanes a call).
 *
 * Written here (not libm, libmvec or SLEEF) so that every path - the
 * vectorised normals of a whole step and the scalar stream's one-at-a-time
 * draws - runs the same IEEE operations and gives the same bits on any ISA.
 * Accuracy: a few ulp; tests/test_vmath.c measures it against libm.
 *
 * log x, x > 0 (subnormals scaled by 2^54 first; 0, inf, negatives and NaN as libm): x = 2^e m, m in [sqrt(1/2), sqrt(2)),
 *      log m = 2 atanh(s), s = (m - 1)/(m + 1), |s| <= 0.1716, series to s^21
 *      (truncation < 2e-17 relative); e ln 2 in two parts.
 * sincos(2 pi u), u in [0, 1]: q = nearest integer to 4u, r = u - q/4 (exact:
 *      both are multiples of 2^-53 and |r| <= 1/8 + 2^-51), x = 2 pi r in
 *      [-pi/4, pi/4], Taylor series to x^17 (sin) and x^18 (cos), then the
 *      quadrant q mod 4 rotates (sin x, cos x). */
#ifndef SGL_VMATH_H
#define SGL_VMATH_H
#include <math.h>
#include <stdint.h>
#include <string.h>
#if defined(__AVX__)
#include <immintrin.h>
#endif

/* Lanes per call: 8 with AVX-512, else 4 (GCC 12 handles a 64-byte vector
 * type badly without AVX-512).  Every lane runs the same IEEE operations, so
 * the width never changes a result. */
#if defined(__AVX512F__)
#define SGL_VM_LANES 8
#else
#define SGL_VM_LANES 4
#endif
typedef double sgl_vm __attribute__((vector_size(8 * SGL_VM_LANES)));
typedef int64_t sgl_vmi __attribute__((vector_size(8 * SGL_VM_LANES)));

static inline sgl_vm sgl_vm_splat(double x)
{
#if SGL_VM_LANES == 8
    return (sgl_vm){x, x, x, x, x, x, x, x};
#else
    return (sgl_vm){x, x, x, x};
#endif
}

/* a*b + c per lane, one rounding */
static inline sgl_vm sgl_vm_fma(sgl_vm a, sgl_vm b, sgl_vm c)
{
#if defined(__AVX512F__)
    return (sgl_vm)_mm512_fmadd_pd((__m512d)a, (__m512d)b, (__m512d)c);
#elif defined(__FMA__)
    return (sgl_vm)_mm256_fmadd_pd((__m256d)a, (__m256d)b, (__m256d)c);
#else
    sgl_vm r;
    for (int l = 0; l < SGL_VM_LANES; ++l) r[l] = fma(a[l], b[l], c[l]);
    return r;
#endif
}

static inline sgl_vm sgl_vm_select(sgl_vmi mask, sgl_vm a, sgl_vm b)   /* mask ? a : b, lanewise */
{
    sgl_vmi ia, ib, r;
    memcpy(&ia, &a, sizeof ia);
    memcpy(&ib, &b, sizeof ib);
    r = (mask & ia) | (~mask & ib);
    sgl_vm out;
    memcpy(&out, &r, sizeof out);
    return out;
}

/* IEEE square root (correctly rounded on every path) */
static inline sgl_vm sgl_vm_sqrt(sgl_vm x)
{
#if defined(__AVX512F__)
    return (sgl_vm)_mm512_sqrt_pd((__m512d)x);
#elif defined(__AVX__)
    return (sgl_vm)_mm256_sqrt_pd((__m256d)x);
#else
    sgl_vm r;
    for (int l = 0; l < SGL_VM_LANES; ++l) r[l] = sqrt(x[l]);
    return r;
#endif
}

/* Exact conversions between 64-bit integer and double lanes by the magic-number
 * trick (an integer add and a float subtract): AVX2 has no 64-bit lane
 * conversions, so __builtin_convertvector went one lane at a time through
 * scalar registers.  Each gives the same value as the C conversion wherever
 * it is exact, so no result changes. */
static inline sgl_vm sgl_vm_from_i51(sgl_vmi v)   /* |v| < 2^51 */
{
    const sgl_vm magic = sgl_vm_splat(0x1.8p52);
    sgl_vmi mb, b;
    memcpy(&mb, &magic, sizeof mb);
    b = v + mb;
    sgl_vm d;
    memcpy(&d, &b, sizeof d);
    return d - magic;
}

static inline sgl_vm sgl_vm_from_u52(sgl_vmi v)   /* 0 <= v < 2^52 */
{
    const sgl_vm magic = sgl_vm_splat(0x1p52);
    sgl_vmi mb, b;
    memcpy(&mb, &magic, sizeof mb);
    b = v | mb;
    sgl_vm d;
    memcpy(&d, &b, sizeof d);
    return d - magic;
}

/* t rounded toward zero (as (double)(int64_t)t), |t| < 2^51 */
static inline sgl_vm sgl_vm_trunc51(sgl_vm t)
{
    const sgl_vm magic = sgl_vm_splat(0x1.8p52), one = sgl_vm_splat(1.0), zero = sgl_vm_splat(0.0);
    sgl_vm r = (t + magic) - magic;   /* nearest integer, exact */
    r = sgl_vm_select((r > t) & (t >= zero), r - one, r);
    return sgl_vm_select((r < t) & (t < zero), r + one, r);
}

/* log x for a positive normal finite x; e_adj is added to its exponent
 * (-54 where a subnormal was scaled by 2^54) */
static inline sgl_vm sgl_vm_log_core(sgl_vm x, sgl_vmi e_adj)
{
    sgl_vmi bits;
    memcpy(&bits, &x, sizeof bits);
    sgl_vmi e = ((bits >> 52) & 0x7ff) - 1023 + e_adj;
    sgl_vmi mb = (bits & 0x000fffffffffffffLL) | 0x3ff0000000000000LL;
    sgl_vm m;
    memcpy(&m, &mb, sizeof m);
    const sgl_vm one = sgl_vm_splat(1.0);
    sgl_vmi big = m > sgl_vm_splat(1.4142135623730951);   /* fold [sqrt 2, 2) to [sqrt 2 / 2, 1) */
    m = m * sgl_vm_select(big, sgl_vm_splat(0.5), one);
    e = e - big;                                       /* true lanes are -1 */
    sgl_vm ef = sgl_vm_from_i51(e);   /* |e| < 1100 */
    sgl_vm f = m - one;
    sgl_vm s = f / (sgl_vm_splat(2.0) + f);
    sgl_vm s2 = s * s;
    /* t = s2/3 + s2^2/5 + ... + s2^10/21 (Horner) */
    sgl_vm t = sgl_vm_splat(1.0 / 21);
    static const double inv_odd[9] = {1.0 / 19, 1.0 / 17, 1.0 / 15, 1.0 / 13, 1.0 / 11,
                                      1.0 / 9, 1.0 / 7, 1.0 / 5, 1.0 / 3};
    for (int k = 0; k < 9; ++k) t = sgl_vm_fma(t, s2, sgl_vm_splat(inv_odd[k]));
    t = t * s2;
    const sgl_vm two_s = s + s;
    const sgl_vm ln2_hi = sgl_vm_splat(6.93147180369123816490e-01);   /* 2^-n exact head */
    const sgl_vm ln2_lo = sgl_vm_splat(1.90821492927058770002e-10);
    /* log x = e ln2_hi + (2s + (2s t + e ln2_lo)) */
    return sgl_vm_fma(ef, ln2_hi, two_s + sgl_vm_fma(two_s, t, ef * ln2_lo));
}

static inline sgl_vm sgl_vm_log(sgl_vm x0)
{
    /* subnormals are scaled into the normal range first */
    sgl_vmi sub = (x0 > sgl_vm_splat(0.0)) & (x0 < sgl_vm_splat(0x1p-1022));
    sgl_vm x = sgl_vm_select(sub, x0 * sgl_vm_splat(0x1p54), x0);
    sgl_vm y = sgl_vm_log_core(x, sub & -54);
    /* as libm: log 0 = -inf, log inf = inf, log of a negative or NaN = NaN */
    const sgl_vm inf = sgl_vm_splat(__builtin_inf());
    y = sgl_vm_select(x0 == sgl_vm_splat(0.0), -inf, y);
    y = sgl_vm_select(x0 == inf, inf, y);
    return sgl_vm_select((x0 < sgl_vm_splat(0.0)) | (x0 != x0), sgl_vm_splat(__builtin_nan("")), y);
}

static inline void sgl_vm_sincos2pi(sgl_vm u, sgl_vm *sn, sgl_vm *cs)
{
    /* q as (int64_t)(4u + 0.5), without 64-bit lane conversions (u in [0, 1]) */
    const sgl_vm qd = sgl_vm_trunc51(u * sgl_vm_splat(4.0) + sgl_vm_splat(0.5));
    const sgl_vm qm = qd + sgl_vm_splat(0x1.8p52);   /* low bits: q mod 4 */
    sgl_vmi q;
    memcpy(&q, &qm, sizeof q);
    sgl_vm r = u - qd * sgl_vm_splat(0.25);
    const sgl_vm pi2_hi = sgl_vm_splat(6.28318530717958623200e+00);
    const sgl_vm pi2_lo = sgl_vm_splat(2.44929359829470635445e-16);
    sgl_vm x = sgl_vm_fma(r, pi2_hi, r * pi2_lo);
    sgl_vm x2 = x * x;
    /* sin x = x (1 - x2/3! + x2^2/5! - ... + x2^8/17!) */
    static const double sc[8] = {-1.0 / 6, 1.0 / 120, -1.0 / 5040, 1.0 / 362880, -1.0 / 39916800,
                                 1.0 / 6227020800.0, -1.0 / 1307674368000.0, 1.0 / 355687428096000.0};
    sgl_vm ps = sgl_vm_splat(sc[7]);
    for (int k = 6; k >= 0; --k) ps = sgl_vm_fma(ps, x2, sgl_vm_splat(sc[k]));
    sgl_vm sx = sgl_vm_fma(x * x2, ps, x);
    /* cos x = 1 - x2/2 + x2^2/4! - ... + x2^9/18! */
    static const double cc[9] = {-1.0 / 2, 1.0 / 24, -1.0 / 720, 1.0 / 40320, -1.0 / 3628800,
                                 1.0 / 479001600, -1.0 / 87178291200.0, 1.0 / 20922789888000.0,
                                 -1.0 / 6402373705728000.0};
    sgl_vm pc = sgl_vm_splat(cc[8]);
    for (int k = 7; k >= 0; --k) pc = sgl_vm_fma(pc, x2, sgl_vm_splat(cc[k]));
    sgl_vm cx = sgl_vm_fma(x2, pc, sgl_vm_splat(1.0));
    /* angle = q pi/2 + x */
    sgl_vmi q1 = (q & 1) != 0, q2 = (q & 2) != 0;
    sgl_vm s = sgl_vm_select(q1, cx, sx), c = sgl_vm_select(q1, sx, cx);
    s = sgl_vm_select(q2, -s, s);                       /* q = 2, 3: sin -> -sin */
    c = sgl_vm_select(q1 ^ q2, -c, c);                  /* q = 1, 2: cos -> -cos */
    *sn = s;
    *cs = c;
}

/* Box-Muller from the radius' log: zc = r cos(2 pi u2), zs = r sin(2 pi u2), r = sqrt(-2 log u1) */
static inline void sgl_vm_box_muller_log(sgl_vm log_u1, sgl_vm u2, sgl_vm *zc, sgl_vm *zs)
{
    sgl_vm rad = sgl_vm_sqrt(sgl_vm_splat(-2.0) * log_u1), s, c;
    sgl_vm_sincos2pi(u2, &s, &c);
    *zc = rad * c;
    *zs = rad * s;
}

static inline void sgl_vm_box_muller(sgl_vm u1, sgl_vm u2, sgl_vm *zc, sgl_vm *zs)
{
    sgl_vm_box_muller_log(sgl_vm_log(u1), u2, zc, zs);
}

/* the same for u1 a uniform of sgl_uniform_from_words (in [2^-53, 1): positive
 * and normal, where sgl_vm_log's subnormal and special-value selects change
 * nothing): the same bits, fewer operations */
static inline void sgl_vm_box_muller_unit(sgl_vm u1, sgl_vm u2, sgl_vm *zc, sgl_vm *zs)
{
    const sgl_vmi no_adj = {0};
    sgl_vm_box_muller_log(sgl_vm_log_core(u1, no_adj), u2, zc, zs);
}
#endif
