/* The library's one Philox4x32-10 (Salmon, Moraes, Dror, Shaw, SC'11), private
 * to src/: src/rng.c (scalar streams, 8-wide blocks) and the escape engine
 * (one lane per trajectory) all expand SGL_PHILOX_DEFINE, so every random
 * number of the library comes from the same rounds and the same counter
 * layout (include/sgdlab.h, SGL_COUNTER_LAYOUT).  Known-answer tests:
 * tests/test_rng.c (every lane width against Random123's kat_vectors).
 *
 * The four 32-bit words live in 64-bit lanes (a scalar uint64_t is one lane,
 * a GCC vector of uint64_t is several), so the 32x32 -> 64 multiplies
 * vectorise; every lane value stays below 2^32. */
#ifndef SGL_PHILOX_H
#define SGL_PHILOX_H

#include <stdint.h>

#include "vmath.h"

#define SGL_PHILOX_M0 0xD2511F53u
#define SGL_PHILOX_M1 0xCD9E8D57u
#define SGL_PHILOX_W0 0x9E3779B9u
#define SGL_PHILOX_W1 0xBB67AE85u

/* Counter words of block `draw` of the stream (traj, step, purpose) under
 * counter layout v1: c0 = draw, c1 = step bits 0..31, c2 = traj,
 * c3 = purpose << 24 | step bits 32..55.  The key is the seed (low, high). */
static inline uint32_t sgl_philox_c1(uint64_t step) { return (uint32_t)step; }
static inline uint32_t sgl_philox_c3(uint64_t step, unsigned purpose)
{
    return ((uint32_t)purpose << 24) | (uint32_t)((step >> 32) & 0xffffffu);
}

/* SGL_PHILOX_DEFINE(name, T, MUL) defines
 *   static inline void name(T *x0, T *x1, T *x2, T *x3, uint64_t seed)
 * applying the ten Philox4x32 rounds in place to the counter (x0..x3) with
 * key seed; T is uint64_t or a GCC vector of uint64_t, MUL(a, c) the exact
 * 64-bit product of lanes a < 2^32 with the constant c. */
#define SGL_PHILOX_DEFINE(name, T, MUL)                                                        \
    static inline void name(T *x0, T *x1, T *x2, T *x3, uint64_t seed)                         \
    {                                                                                          \
        const uint64_t M = 0xffffffffu;                                                        \
        uint32_t key0 = (uint32_t)seed, key1 = (uint32_t)(seed >> 32);   /* wraps mod 2^32 */  \
        _Pragma("GCC unroll 10")                                                               \
        for (int r = 0; r < 10; ++r) {                                                         \
            T p0 = MUL(*x0, SGL_PHILOX_M0), p1 = MUL(*x2, SGL_PHILOX_M1);                      \
            T n0 = (p1 >> 32) ^ *x1 ^ key0;   /* all three < 2^32 */                          \
            T n2 = (p0 >> 32) ^ *x3 ^ key1;                                                    \
            *x1 = p1 & M;                                                                      \
            *x3 = p0 & M;                                                                      \
            *x0 = n0;                                                                          \
            *x2 = n2;                                                                          \
            key0 += SGL_PHILOX_W0;                                                             \
            key1 += SGL_PHILOX_W1;                                                             \
        }                                                                                      \
    }

/* one lane */
static inline uint64_t sgl_philox_mul1(uint64_t a, uint32_t c) { return a * c; }
SGL_PHILOX_DEFINE(sgl_philox_1, uint64_t, sgl_philox_mul1)

/* eight lanes (src/rng.c's block fills) */
typedef uint64_t sgl_u64x8 __attribute__((vector_size(64)));
static inline sgl_u64x8 sgl_philox_mul8(sgl_u64x8 a, uint32_t c) { return a * c; }
SGL_PHILOX_DEFINE(sgl_philox_8, sgl_u64x8, sgl_philox_mul8)

/* SGL_VM_LANES lanes, one per trajectory (the escape engine) */
typedef uint64_t sgl_u64v __attribute__((vector_size(8 * SGL_VM_LANES)));
/* vpmuludq where the ISA has it; the plain multiply gives the same bits */
static inline sgl_u64v sgl_philox_mulv(sgl_u64v a, uint32_t c)
{
#if defined(__AVX512F__) && SGL_VM_LANES == 8
    return (sgl_u64v)_mm512_mul_epu32((__m512i)a, _mm512_set1_epi64((long long)c));
#elif defined(__AVX2__) && SGL_VM_LANES == 4
    return (sgl_u64v)_mm256_mul_epu32((__m256i)a, _mm256_set1_epi64x((long long)c));
#else
    return a * c;
#endif
}
SGL_PHILOX_DEFINE(sgl_philox_v, sgl_u64v, sgl_philox_mulv)

#endif
