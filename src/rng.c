/* Counter-based randomness: Philox4x32-10 (Salmon et al., SC'11; the rounds in
 * src/philox.h, shared with the escape engine).
 *
 * Every number is a pure function of (seed, trajectory, step, purpose, draw);
 * nothing is advanced per thread, so results do not depend on scheduling.
 * Uniforms take 52 bits from two 32-bit words and are shifted by half an ulp
 * so they lie in the open interval (0,1); normals are Box-Muller on those,
 * with the library's own vector log and sincos (vmath.h). */
#include "sgdlab.h"

#include <math.h>
#include <string.h>

#include "philox.h"
#include "vmath.h"

void sgl_philox4x32(const uint32_t ctr[4], const uint32_t key[2], uint32_t out[4])
{
    uint64_t x0 = ctr[0], x1 = ctr[1], x2 = ctr[2], x3 = ctr[3];
    sgl_philox_1(&x0, &x1, &x2, &x3, (uint64_t)key[1] << 32 | key[0]);
    out[0] = (uint32_t)x0; out[1] = (uint32_t)x1; out[2] = (uint32_t)x2; out[3] = (uint32_t)x3;
}

void sgl_stream_init(sgl_stream *s, uint64_t seed, uint32_t traj, uint64_t step,
                     unsigned purpose)
{
    s->key[0] = (uint32_t)seed;
    s->key[1] = (uint32_t)(seed >> 32);
    s->ctr[0] = 0;
    s->ctr[1] = sgl_philox_c1(step);
    s->ctr[2] = traj;
    s->ctr[3] = sgl_philox_c3(step, purpose);
    s->avail = 0;
    s->has_normal = 0;
    s->normal = 0.0;
}

uint32_t sgl_stream_u32(sgl_stream *s)
{
    if (s->avail == 0) {
        sgl_philox4x32(s->ctr, s->key, s->buf);
        s->ctr[0]++;
        s->avail = 4;
    }
    return s->buf[4 - s->avail--];
}

double sgl_stream_uniform(sgl_stream *s)
{
    uint32_t hi = sgl_stream_u32(s), lo = sgl_stream_u32(s);
    return sgl_uniform_from_words(hi, lo);
}

double sgl_stream_normal(sgl_stream *s)
{
    if (s->has_normal) {
        s->has_normal = 0;
        return s->normal;
    }
    double u1 = sgl_stream_uniform(s), u2 = sgl_stream_uniform(s);
    sgl_vm zc, zs;
    sgl_vm_box_muller(sgl_vm_splat(u1), sgl_vm_splat(u2), &zc, &zs);
    s->normal = zs[0];
    s->has_normal = 1;
    return zc[0];
}

/* One lane of the vector Box-Muller (vmath.h), so scalar draws and the
 * vectorised sgl_normals_fill give the same bits. */
double sgl_box_muller_cos(double u1, double u2)
{
    sgl_vm zc, zs;
    sgl_vm_box_muller(sgl_vm_splat(u1), sgl_vm_splat(u2), &zc, &zs);
    return zc[0];
}
double sgl_box_muller_sin(double u1, double u2)
{
    sgl_vm zc, zs;
    sgl_vm_box_muller(sgl_vm_splat(u1), sgl_vm_splat(u2), &zc, &zs);
    return zs[0];
}

int sgl_stream_rademacher(sgl_stream *s)
{
    return sgl_rademacher_from_word(sgl_stream_u32(s));
}

/* Lemire's multiply-shift with rejection: exactly uniform on [0,n). */
uint32_t sgl_stream_index(sgl_stream *s, uint32_t n)
{
    uint64_t m = (uint64_t)sgl_stream_u32(s) * n;
    uint32_t l = (uint32_t)m;
    if (l < n) {
        uint32_t t = (uint32_t)(-n) % n;
        while (l < t) {
            m = (uint64_t)sgl_stream_u32(s) * n;
            l = (uint32_t)m;
        }
    }
    return (uint32_t)(m >> 32);
}

/* Partial Fisher-Yates: k swaps (their partners parked in out), then undone
 * in reverse order, which leaves perm as it came (the identity) and the draws
 * in out: O(k) per draw however large n is. */
void sgl_stream_sample(sgl_stream *s, uint32_t n, uint32_t k, uint32_t *perm, uint32_t *out)
{
    (void)n;
    for (uint32_t i = 0; i < k; ++i) {
        uint32_t j = i + sgl_stream_index(s, n - i);
        uint32_t t = perm[i]; perm[i] = perm[j]; perm[j] = t;
        out[i] = j;   /* the partner, for the undo below */
    }
    for (uint32_t i = k; i-- > 0;) {
        uint32_t j = out[i];
        uint32_t t = perm[i]; perm[i] = perm[j]; perm[j] = t;
        out[i] = t;   /* perm[i] before the undo: the i-th draw */
    }
}

/* SGL_VM_LANES blocks (lanes) stored as out[4*l + word]: the two word pairs
 * packed into 64-bit lanes and interleaved (little-endian), else word by word */
static inline void store_v(const sgl_u64v *x0, const sgl_u64v *x1, const sgl_u64v *x2, const sgl_u64v *x3,
                           size_t lim, uint32_t *out)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    if (lim == SGL_VM_LANES) {
        const sgl_u64v p01 = *x0 | *x1 << 32, p23 = *x2 | *x3 << 32;
#if SGL_VM_LANES == 8
        const sgl_u64v lo = __builtin_shufflevector(p01, p23, 0, 8, 1, 9, 2, 10, 3, 11),
                       hi = __builtin_shufflevector(p01, p23, 4, 12, 5, 13, 6, 14, 7, 15);
#else
        const sgl_u64v lo = __builtin_shufflevector(p01, p23, 0, 4, 1, 5),
                       hi = __builtin_shufflevector(p01, p23, 2, 6, 3, 7);
#endif
        memcpy(out, &lo, sizeof lo);
        memcpy(out + 2 * SGL_VM_LANES, &hi, sizeof hi);
        return;
    }
#endif
    for (size_t l = 0; l < lim; ++l) {
        uint32_t *o = out + 4 * l;
        o[0] = (uint32_t)(*x0)[l]; o[1] = (uint32_t)(*x1)[l]; o[2] = (uint32_t)(*x2)[l]; o[3] = (uint32_t)(*x3)[l];
    }
}

/* The first Philox block (draw index c[0] = 0) of the streams (seed, traj, k,
 * purpose) for k = k0 .. k0+count-1, i.e. the words the scalar stream would
 * return first: out[4*i .. 4*i+3]; bitwise equal to sgl_philox4x32 (tested).
 * SGL_VM_LANES counters at a time, the native width: counters built and words
 * stored in vector registers (the 8-lane form with AVX2 spent more time there
 * and in GCC's shift/add multiply than in the rounds: 9.9 -> 4.2 ns a block
 * on Zen 3); consecutive groups are independent, so their rounds overlap. */
void sgl_philox_first_blocks(uint64_t seed, uint32_t traj, uint64_t k0, size_t count,
                             unsigned purpose, uint32_t *out)
{
    sgl_u64v iota;
    for (int l = 0; l < SGL_VM_LANES; ++l) iota[l] = (uint64_t)l;
    const sgl_u64v zero = iota - iota, tr = zero + traj, pu = zero + ((uint64_t)purpose << 24);
    for (size_t base = 0; base < count; base += SGL_VM_LANES) {
        /* sgl_philox_c1 / sgl_philox_c3 per lane */
        const sgl_u64v k = zero + (k0 + base) + iota;
        sgl_u64v x0 = zero, x1 = k & 0xffffffffu, x2 = tr, x3 = pu | ((k >> 32) & 0xffffffu);
        sgl_philox_v(&x0, &x1, &x2, &x3, seed);
        store_v(&x0, &x1, &x2, &x3, count - base < SGL_VM_LANES ? count - base : SGL_VM_LANES, out + 4 * base);
    }
}

void sgl_philox_stream_blocks(uint64_t seed, uint32_t traj, uint64_t step, unsigned purpose,
                              size_t count, uint32_t *out)
{
    sgl_u64v iota;
    for (int l = 0; l < SGL_VM_LANES; ++l) iota[l] = (uint64_t)l;
    const sgl_u64v zero = iota - iota, c1 = zero + sgl_philox_c1(step), tr = zero + traj,
                   c3 = zero + sgl_philox_c3(step, purpose);
    for (size_t base = 0; base < count; base += SGL_VM_LANES) {
        sgl_u64v x0 = ((zero + base) + iota) & 0xffffffffu, x1 = c1, x2 = tr, x3 = c3;
        sgl_philox_v(&x0, &x1, &x2, &x3, seed);
        store_v(&x0, &x1, &x2, &x3, count - base < SGL_VM_LANES ? count - base : SGL_VM_LANES, out + 4 * base);
    }
}

void sgl_normals_fill(uint64_t seed, uint32_t traj, uint64_t step, unsigned purpose, size_t n,
                      double *out, uint32_t *words)
{
    const size_t pairs = (n + 1) / 2;
    sgl_philox_stream_blocks(seed, traj, step, purpose, pairs, words);
    for (size_t q0 = 0; q0 < pairs; q0 += SGL_VM_LANES) {
        sgl_vm u1, u2, zc, zs;
        for (int l = 0; l < SGL_VM_LANES; ++l) {   /* past the end: harmless copies of the last pair */
            const uint32_t *w = words + 4 * (q0 + (size_t)l < pairs ? q0 + (size_t)l : pairs - 1);
            u1[l] = sgl_uniform_from_words(w[0], w[1]);
            u2[l] = sgl_uniform_from_words(w[2], w[3]);
        }
        sgl_vm_box_muller(u1, u2, &zc, &zs);
        for (size_t l = 0; l < SGL_VM_LANES && q0 + l < pairs; ++l) {
            out[2 * (q0 + l)] = zc[l];
            if (2 * (q0 + l) + 1 < n) out[2 * (q0 + l) + 1] = zs[l];
        }
    }
}
