/* Internal vector kernels.  GNU vector extensions with a fixed 8-lane shape:
 * every lane operation is one IEEE operation, so the result is the same on any
 * ISA (AVX-512, AVX2, SSE2 or scalar lowering); reductions happen in a fixed
 * order.  Arrays are padded to multiples of SGL_LANES with zeros. */
#ifndef SGL_KERNELS_H
#define SGL_KERNELS_H

#include "sgdlab.h"
#include <math.h>
#include <string.h>
#if defined(__AVX512F__) || defined(__FMA__) || defined(__AVX__)
#include <immintrin.h>
#endif

typedef double sgl_v8 __attribute__((vector_size(64)));

static inline sgl_v8 sgl_ld8(const double *p) { sgl_v8 v; memcpy(&v, p, sizeof v); return v; }
static inline void sgl_st8(double *p, sgl_v8 v) { memcpy(p, &v, sizeof v); }
static inline sgl_v8 sgl_splat8(double x) { return (sgl_v8){x, x, x, x, x, x, x, x}; }
static inline double sgl_hsum8(sgl_v8 v)
{
    return ((v[0] + v[1]) + (v[2] + v[3])) + ((v[4] + v[5]) + (v[6] + v[7]));
}

/* a*b + c per lane with one rounding (IEEE fusedMultiplyAdd).  Explicit, never
 * left to the compiler (-ffp-contract=off), and exactly rounded on every path,
 * so AVX-512, AVX2+FMA and the scalar fallback give identical bits. */
static inline sgl_v8 sgl_fma8(sgl_v8 a, sgl_v8 b, sgl_v8 c)
{
#if defined(__AVX512F__)
    return (sgl_v8)_mm512_fmadd_pd((__m512d)a, (__m512d)b, (__m512d)c);
#elif defined(__FMA__)
    /* two 256-bit halves through the vector type itself (no memory round trip) */
    typedef double v4 __attribute__((vector_size(32)));
    v4 a0 = {a[0], a[1], a[2], a[3]}, a1 = {a[4], a[5], a[6], a[7]};
    v4 b0 = {b[0], b[1], b[2], b[3]}, b1 = {b[4], b[5], b[6], b[7]};
    v4 c0 = {c[0], c[1], c[2], c[3]}, c1 = {c[4], c[5], c[6], c[7]};
    v4 r0 = (v4)_mm256_fmadd_pd((__m256d)a0, (__m256d)b0, (__m256d)c0);
    v4 r1 = (v4)_mm256_fmadd_pd((__m256d)a1, (__m256d)b1, (__m256d)c1);
    return (sgl_v8){r0[0], r0[1], r0[2], r0[3], r1[0], r1[1], r1[2], r1[3]};
#else
    sgl_v8 r;
    for (int l = 0; l < 8; ++l) r[l] = fma(a[l], b[l], c[l]);
    return r;
#endif
}

/* The kernels' vector type.  With AVX-512 it is sgl_v8 itself.  With AVX but
 * not AVX-512 it is a pair of 4-lane halves: GCC moves a 64-byte vector type
 * through general-purpose registers around 256-bit intrinsics, and two named
 * halves avoid that.  Lane l of the pair is lane l of sgl_v8 and every
 * operation is the same IEEE operation per lane, so both forms (and the SSE2
 * fallback) give identical bits; hsum adds in the same tree. */
#if defined(__AVX__) && !defined(__AVX512F__)
typedef double sgl_v4h __attribute__((vector_size(32)));
typedef struct { sgl_v4h lo, hi; } sgl_vk;
static inline sgl_vk sgl_vk_ld(const double *p)
{
    sgl_vk v;
    memcpy(&v.lo, p, sizeof v.lo);
    memcpy(&v.hi, p + 4, sizeof v.hi);
    return v;
}
static inline void sgl_vk_st(double *p, sgl_vk v)
{
    memcpy(p, &v.lo, sizeof v.lo);
    memcpy(p + 4, &v.hi, sizeof v.hi);
}
static inline sgl_vk sgl_vk_splat(double x) { return (sgl_vk){{x, x, x, x}, {x, x, x, x}}; }
static inline sgl_vk sgl_vk_add(sgl_vk a, sgl_vk b) { return (sgl_vk){a.lo + b.lo, a.hi + b.hi}; }
static inline sgl_vk sgl_vk_sub(sgl_vk a, sgl_vk b) { return (sgl_vk){a.lo - b.lo, a.hi - b.hi}; }
static inline sgl_vk sgl_vk_mul(sgl_vk a, sgl_vk b) { return (sgl_vk){a.lo * b.lo, a.hi * b.hi}; }
static inline sgl_vk sgl_vk_neg(sgl_vk a) { return (sgl_vk){-a.lo, -a.hi}; }
static inline sgl_vk sgl_vk_fma(sgl_vk a, sgl_vk b, sgl_vk c)
{
#if defined(__FMA__)
    return (sgl_vk){(sgl_v4h)_mm256_fmadd_pd((__m256d)a.lo, (__m256d)b.lo, (__m256d)c.lo),
                    (sgl_v4h)_mm256_fmadd_pd((__m256d)a.hi, (__m256d)b.hi, (__m256d)c.hi)};
#else
    sgl_vk r;
    for (int l = 0; l < 4; ++l) {
        r.lo[l] = fma(a.lo[l], b.lo[l], c.lo[l]);
        r.hi[l] = fma(a.hi[l], b.hi[l], c.hi[l]);
    }
    return r;
#endif
}
static inline double sgl_vk_hsum(sgl_vk v)
{
    return ((v.lo[0] + v.lo[1]) + (v.lo[2] + v.lo[3])) + ((v.hi[0] + v.hi[1]) + (v.hi[2] + v.hi[3]));
}
#else
typedef sgl_v8 sgl_vk;
static inline sgl_vk sgl_vk_ld(const double *p) { return sgl_ld8(p); }
static inline void sgl_vk_st(double *p, sgl_vk v) { sgl_st8(p, v); }
static inline sgl_vk sgl_vk_splat(double x) { return sgl_splat8(x); }
static inline sgl_vk sgl_vk_add(sgl_vk a, sgl_vk b) { return a + b; }
static inline sgl_vk sgl_vk_sub(sgl_vk a, sgl_vk b) { return a - b; }
static inline sgl_vk sgl_vk_mul(sgl_vk a, sgl_vk b) { return a * b; }
static inline sgl_vk sgl_vk_neg(sgl_vk a) { return -a; }
static inline sgl_vk sgl_vk_fma(sgl_vk a, sgl_vk b, sgl_vk c) { return sgl_fma8(a, b, c); }
static inline double sgl_vk_hsum(sgl_vk v) { return sgl_hsum8(v); }
#endif

/* sum_j a_j b_j over ld (a multiple of 8); two vector accumulators */
static inline double sgl_dot(const double *a, const double *b, size_t ld)
{
    sgl_vk s0 = sgl_vk_splat(0.0), s1 = sgl_vk_splat(0.0);
    size_t j = 0;
    for (; j + 16 <= ld; j += 16) {
        s0 = sgl_vk_fma(sgl_vk_ld(a + j), sgl_vk_ld(b + j), s0);
        s1 = sgl_vk_fma(sgl_vk_ld(a + j + 8), sgl_vk_ld(b + j + 8), s1);
    }
    if (j < ld) s0 = sgl_vk_fma(sgl_vk_ld(a + j), sgl_vk_ld(b + j), s0);
    return sgl_vk_hsum(sgl_vk_add(s0, s1));
}

/* out[q] = sgl_vk_hsum(s[q]) for four vectors.  With AVX2 the four trees go
 * through two horizontal adds and a lane swap per half: hadd pairs
 * (x0+x1, x2+x3) exactly as the scalar tree does (IEEE addition is
 * commutative), so the bits are those of four sgl_vk_hsum calls. */
static inline void sgl_vk_hsum4(const sgl_vk *s, double *out)
{
#if defined(__AVX__) && !defined(__AVX512F__)
    const __m256d l01 = _mm256_hadd_pd((__m256d)s[0].lo, (__m256d)s[1].lo),
                  l23 = _mm256_hadd_pd((__m256d)s[2].lo, (__m256d)s[3].lo),
                  h01 = _mm256_hadd_pd((__m256d)s[0].hi, (__m256d)s[1].hi),
                  h23 = _mm256_hadd_pd((__m256d)s[2].hi, (__m256d)s[3].hi);
    const __m256d lo = _mm256_add_pd(_mm256_permute2f128_pd(l01, l23, 0x20), _mm256_permute2f128_pd(l01, l23, 0x31)),
                  hi = _mm256_add_pd(_mm256_permute2f128_pd(h01, h23, 0x20), _mm256_permute2f128_pd(h01, h23, 0x31));
    _mm256_storeu_pd(out, _mm256_add_pd(lo, hi));
#else
    for (int q = 0; q < 4; ++q) out[q] = sgl_vk_hsum(s[q]);
#endif
}

/* r_i = <Z_i, w> - y_i for i < n; rows of length ld.  Rows below n rounded
 * down to 8 keep one FMA chain each over j (four rows per pass share the
 * loads of w: eight accumulator halves stay in registers with AVX2, where
 * eight rows spilled); the remaining rows go through sgl_dot. */
static inline void sgl_gemv_resid(const double *Z, size_t n, size_t ld, const double *w,
                                  const double *y, double *r)
{
    const size_t n8 = n / 8 * 8;
    for (size_t i = 0; i < n8; i += 4) {
        const double *z = Z + i * ld;
        sgl_vk s[4];
        for (int q = 0; q < 4; ++q) s[q] = sgl_vk_splat(0.0);
        for (size_t j = 0; j < ld; j += 8) {
            sgl_vk wj = sgl_vk_ld(w + j);
            for (int q = 0; q < 4; ++q) s[q] = sgl_vk_fma(sgl_vk_ld(z + q * ld + j), wj, s[q]);
        }
        double f[4];
        sgl_vk_hsum4(s, f);
        for (int q = 0; q < 4; ++q) r[i + q] = f[q] - y[i + q];
    }
    for (size_t i = n8; i < n; ++i) r[i] = sgl_dot(Z + i * ld, w, ld) - y[i];
}

/* q = sum_k c_k Z_{idx_k} (idx NULL: rows 0..n-1).  Even and odd k go to
 * separate accumulators (summed a + b at the end, a fixed order); column
 * blocks (below) keep independent FMA chains in named registers, and the
 * remaining columns go 8 at a time with the same per-element order. */
static inline const double *sgl_row(const double *Z, size_t ld, const uint32_t *idx, size_t k)
{
    return Z + (size_t)(idx ? idx[k] : k) * ld;
}

/* Column blocks of SGL_GEMV_T_COLS: 32 (eight accumulator vectors) where
 * vectors are single registers; 24 with AVX2's register pairs, where eight
 * pairs and the two coefficients would not fit in 16 registers and two
 * accumulators went to the stack on every step.  Each element sees the
 * same FMAs in the same order either way. */
#if defined(__AVX__) && !defined(__AVX512F__)
#define SGL_GEMV_T_COLS 24
#else
#define SGL_GEMV_T_COLS 32
#endif
static inline __attribute__((always_inline)) void
sgl_gemv_t_k(const double *Z, size_t ld, const uint32_t *idx, size_t n, const double *c, double *q)
{
    size_t j = 0;
    for (; j + SGL_GEMV_T_COLS <= ld; j += SGL_GEMV_T_COLS) {
        sgl_vk a0 = sgl_vk_splat(0.0), a1 = a0, a2 = a0, b0 = a0, b1 = a0, b2 = a0;
#if SGL_GEMV_T_COLS == 32
        sgl_vk a3 = a0, b3 = a0;
#endif
        size_t k = 0;
        for (; k + 2 <= n; k += 2) {
            const double *z0 = sgl_row(Z, ld, idx, k) + j, *z1 = sgl_row(Z, ld, idx, k + 1) + j;
            sgl_vk c0 = sgl_vk_splat(c[k]), c1 = sgl_vk_splat(c[k + 1]);
            a0 = sgl_vk_fma(c0, sgl_vk_ld(z0), a0);
            a1 = sgl_vk_fma(c0, sgl_vk_ld(z0 + 8), a1);
            a2 = sgl_vk_fma(c0, sgl_vk_ld(z0 + 16), a2);
            b0 = sgl_vk_fma(c1, sgl_vk_ld(z1), b0);
            b1 = sgl_vk_fma(c1, sgl_vk_ld(z1 + 8), b1);
            b2 = sgl_vk_fma(c1, sgl_vk_ld(z1 + 16), b2);
#if SGL_GEMV_T_COLS == 32
            a3 = sgl_vk_fma(c0, sgl_vk_ld(z0 + 24), a3);
            b3 = sgl_vk_fma(c1, sgl_vk_ld(z1 + 24), b3);
#endif
        }
        if (k < n) {
            const double *z0 = sgl_row(Z, ld, idx, k) + j;
            sgl_vk c0 = sgl_vk_splat(c[k]);
            a0 = sgl_vk_fma(c0, sgl_vk_ld(z0), a0);
            a1 = sgl_vk_fma(c0, sgl_vk_ld(z0 + 8), a1);
            a2 = sgl_vk_fma(c0, sgl_vk_ld(z0 + 16), a2);
#if SGL_GEMV_T_COLS == 32
            a3 = sgl_vk_fma(c0, sgl_vk_ld(z0 + 24), a3);
#endif
        }
        sgl_vk_st(q + j, sgl_vk_add(a0, b0));
        sgl_vk_st(q + j + 8, sgl_vk_add(a1, b1));
        sgl_vk_st(q + j + 16, sgl_vk_add(a2, b2));
#if SGL_GEMV_T_COLS == 32
        sgl_vk_st(q + j + 24, sgl_vk_add(a3, b3));
#endif
    }
    for (; j < ld; j += 8) {
        sgl_vk a0 = sgl_vk_splat(0.0), b0 = a0;
        size_t k = 0;
        for (; k + 2 <= n; k += 2) {
            a0 = sgl_vk_fma(sgl_vk_splat(c[k]), sgl_vk_ld(sgl_row(Z, ld, idx, k) + j), a0);
            b0 = sgl_vk_fma(sgl_vk_splat(c[k + 1]), sgl_vk_ld(sgl_row(Z, ld, idx, k + 1) + j), b0);
        }
        if (k < n) a0 = sgl_vk_fma(sgl_vk_splat(c[k]), sgl_vk_ld(sgl_row(Z, ld, idx, k) + j), a0);
        sgl_vk_st(q + j, sgl_vk_add(a0, b0));
    }
}

/* (the kernel specialised for idx == NULL, where rows are consecutive) */
static inline void sgl_gemv_t(const double *Z, size_t ld, const uint32_t *idx, size_t n,
                              const double *c, double *q)
{
    if (idx) sgl_gemv_t_k(Z, ld, idx, n, c, q);
    else sgl_gemv_t_k(Z, ld, NULL, n, c, q);
}

#endif
