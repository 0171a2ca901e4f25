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

/* The first Philox block (draw index c[0] = 0) of the streams (seed, traj, k,
 * purpose) for k = k0 .. k0+count-1, i.e. the words the scalar stream would
 * return first: out[4*i .. 4*i+3].  Eight counters at a time
 * (sgl_philox_8); bitwise equal to sgl_philox4x32 (tested). */
static inline void store8(const sgl_u64x8 *x0, const sgl_u64x8 *x1, const sgl_u64x8 *x2,
                          const sgl_u64x8 *x3, size_t lim, uint32_t *out)
{
    for (size_t l = 0; l < lim; ++l) {
        uint32_t *o = out + 4 * l;
        o[0] = (uint32_t)(*x0)[l]; o[1] = (uint32_t)(*x1)[l]; o[2] = (uint32_t)(*x2)[l]; o[3] = (uint32_t)(*x3)[l];
    }
}

void sgl_philox_first_blocks(uint64_t seed, uint32_t traj, uint64_t k0, size_t count,
                             unsigned purpose, uint32_t *out)
{
    for (size_t base = 0; base < count; base += 8) {
        sgl_u64x8 x0 = {0}, x1, x2, x3;
        for (int l = 0; l < 8; ++l) {
            uint64_t k = k0 + base + (uint64_t)l;
            x1[l] = sgl_philox_c1(k);
            x2[l] = traj;
            x3[l] = sgl_philox_c3(k, purpose);
        }
        sgl_philox_8(&x0, &x1, &x2, &x3, seed);
        store8(&x0, &x1, &x2, &x3, count - base < 8 ? count - base : 8, out + 4 * base);
    }
}

void sgl_philox_stream_blocks(uint64_t seed, uint32_t traj, uint64_t step, unsigned purpose,
                              size_t count, uint32_t *out)
{
    const uint32_t c1 = sgl_philox_c1(step), c3 = sgl_philox_c3(step, purpose);
    for (size_t base = 0; base < count; base += 8) {
        sgl_u64x8 x0, x1, x2, x3;
        for (int l = 0; l < 8; ++l) {
            x0[l] = (uint32_t)(base + (size_t)l);
            x1[l] = c1;
            x2[l] = traj;
            x3[l] = c3;
        }
        sgl_philox_8(&x0, &x1, &x2, &x3, seed);
        store8(&x0, &x1, &x2, &x3, count - base < 8 ? count - base : 8, out + 4 * base);
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
