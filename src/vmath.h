/* Vector log and sincos(2 pi u) for Box-Muller, in the 8-lane vector type.
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
#include "kernels.h"

typedef int64_t sgl_i8 __attribute__((vector_size(64)));
#include <math.h>

static inline sgl_v8 sgl_select8(sgl_i8 mask, sgl_v8 a, sgl_v8 b)   /* mask ? a : b, lanewise */
{
    sgl_i8 ia, ib, r;
    memcpy(&ia, &a, sizeof ia);
    memcpy(&ib, &b, sizeof ib);
    r = (mask & ia) | (~mask & ib);
    sgl_v8 out;
    memcpy(&out, &r, sizeof out);
    return out;
}

/* IEEE square root (correctly rounded on every path) */
static inline sgl_v8 sgl_sqrt8(sgl_v8 x)
{
#if defined(__AVX512F__)
    return (sgl_v8)_mm512_sqrt_pd((__m512d)x);
#else
    sgl_v8 r;
    for (int l = 0; l < 8; ++l) r[l] = sqrt(x[l]);
    return r;
#endif
}

static inline sgl_v8 sgl_log8(sgl_v8 x0)
{
    /* subnormals are scaled into the normal range first */
    sgl_i8 sub = (x0 > sgl_splat8(0.0)) & (x0 < sgl_splat8(0x1p-1022));
    sgl_v8 x = sgl_select8(sub, x0 * sgl_splat8(0x1p54), x0);
    sgl_i8 bits;
    memcpy(&bits, &x, sizeof bits);
    sgl_i8 e = ((bits >> 52) & 0x7ff) - 1023 + (sub & -54);
    sgl_i8 mb = (bits & 0x000fffffffffffffLL) | 0x3ff0000000000000LL;
    sgl_v8 m;
    memcpy(&m, &mb, sizeof m);
    const sgl_v8 one = sgl_splat8(1.0);
    sgl_i8 big = m > sgl_splat8(1.4142135623730951);   /* fold [sqrt 2, 2) to [sqrt 2 / 2, 1) */
    m = m * sgl_select8(big, sgl_splat8(0.5), one);
    e = e - big;                                       /* true lanes are -1 */
    sgl_v8 ef = __builtin_convertvector(e, sgl_v8);
    sgl_v8 f = m - one;
    sgl_v8 s = f / (sgl_splat8(2.0) + f);
    sgl_v8 s2 = s * s;
    /* t = s2/3 + s2^2/5 + ... + s2^10/21 (Horner) */
    sgl_v8 t = sgl_splat8(1.0 / 21);
    static const double inv_odd[9] = {1.0 / 19, 1.0 / 17, 1.0 / 15, 1.0 / 13, 1.0 / 11,
                                      1.0 / 9, 1.0 / 7, 1.0 / 5, 1.0 / 3};
    for (int k = 0; k < 9; ++k) t = sgl_fma8(t, s2, sgl_splat8(inv_odd[k]));
    t = t * s2;
    const sgl_v8 two_s = s + s;
    const sgl_v8 ln2_hi = sgl_splat8(6.93147180369123816490e-01);   /* 2^-n exact head */
    const sgl_v8 ln2_lo = sgl_splat8(1.90821492927058770002e-10);
    /* log x = e ln2_hi + (2s + (2s t + e ln2_lo)) */
    sgl_v8 y = sgl_fma8(ef, ln2_hi, two_s + sgl_fma8(two_s, t, ef * ln2_lo));
    /* as libm: log 0 = -inf, log inf = inf, log of a negative or NaN = NaN */
    const sgl_v8 inf = sgl_splat8(__builtin_inf());
    y = sgl_select8(x0 == sgl_splat8(0.0), -inf, y);
    y = sgl_select8(x0 == inf, inf, y);
    return sgl_select8((x0 < sgl_splat8(0.0)) | (x0 != x0), sgl_splat8(__builtin_nan("")), y);
}

static inline void sgl_sincos2pi8(sgl_v8 u, sgl_v8 *sn, sgl_v8 *cs)
{
    sgl_i8 q = __builtin_convertvector(u * sgl_splat8(4.0) + sgl_splat8(0.5), sgl_i8);
    sgl_v8 r = u - __builtin_convertvector(q, sgl_v8) * sgl_splat8(0.25);
    const sgl_v8 pi2_hi = sgl_splat8(6.28318530717958623200e+00);
    const sgl_v8 pi2_lo = sgl_splat8(2.44929359829470635445e-16);
    sgl_v8 x = sgl_fma8(r, pi2_hi, r * pi2_lo);
    sgl_v8 x2 = x * x;
    /* sin x = x (1 - x2/3! + x2^2/5! - ... + x2^8/17!) */
    static const double sc[8] = {-1.0 / 6, 1.0 / 120, -1.0 / 5040, 1.0 / 362880, -1.0 / 39916800,
                                 1.0 / 6227020800.0, -1.0 / 1307674368000.0, 1.0 / 355687428096000.0};
    sgl_v8 ps = sgl_splat8(sc[7]);
    for (int k = 6; k >= 0; --k) ps = sgl_fma8(ps, x2, sgl_splat8(sc[k]));
    sgl_v8 sx = sgl_fma8(x * x2, ps, x);
    /* cos x = 1 - x2/2 + x2^2/4! - ... + x2^9/18! */
    static const double cc[9] = {-1.0 / 2, 1.0 / 24, -1.0 / 720, 1.0 / 40320, -1.0 / 3628800,
                                 1.0 / 479001600, -1.0 / 87178291200.0, 1.0 / 20922789888000.0,
                                 -1.0 / 6402373705728000.0};
    sgl_v8 pc = sgl_splat8(cc[8]);
    for (int k = 7; k >= 0; --k) pc = sgl_fma8(pc, x2, sgl_splat8(cc[k]));
    sgl_v8 cx = sgl_fma8(x2, pc, sgl_splat8(1.0));
    /* angle = q pi/2 + x */
    sgl_i8 q1 = (q & 1) != 0, q2 = (q & 2) != 0;
    sgl_v8 s = sgl_select8(q1, cx, sx), c = sgl_select8(q1, sx, cx);
    s = sgl_select8(q2, -s, s);                       /* q = 2, 3: sin -> -sin */
    c = sgl_select8(q1 ^ q2, -c, c);                  /* q = 1, 2: cos -> -cos */
    *sn = s;
    *cs = c;
}

static inline void sgl_box_muller8(sgl_v8 u1, sgl_v8 u2, sgl_v8 *zc, sgl_v8 *zs)
{
    sgl_v8 rad = sgl_sqrt8(sgl_splat8(-2.0) * sgl_log8(u1)), s, c;
    sgl_sincos2pi8(u2, &s, &c);
    *zc = rad * c;
    *zs = rad * s;
}
#endif
