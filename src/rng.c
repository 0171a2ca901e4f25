/* Counter-based randomness: Philox4x32-10 from Random123 (Salmon et al., SC'11).
 *
 * Every number is a pure function of (seed, trajectory, step, purpose, draw);
 * nothing is advanced per thread, so results do not depend on scheduling.
 * Uniforms take 53 bits from two 32-bit words and are shifted by half an ulp
 * so they lie in the open interval (0,1); normals are Box-Muller on those. */
#include "sgdlab.h"

#include <math.h>
#include <Random123/philox.h>

void sgl_philox4x32(const uint32_t ctr[4], const uint32_t key[2], uint32_t out[4])
{
    philox4x32_ctr_t c = {{ctr[0], ctr[1], ctr[2], ctr[3]}};
    philox4x32_key_t k = {{key[0], key[1]}};
    philox4x32_ctr_t r = philox4x32_R(10, c, k);
    out[0] = r.v[0]; out[1] = r.v[1]; out[2] = r.v[2]; out[3] = r.v[3];
}

void sgl_stream_init(sgl_stream *s, uint64_t seed, uint32_t traj, uint64_t step,
                     unsigned purpose)
{
    s->key[0] = (uint32_t)seed;
    s->key[1] = (uint32_t)(seed >> 32);
    s->ctr[0] = 0;
    s->ctr[1] = (uint32_t)step;
    s->ctr[2] = traj;
    s->ctr[3] = ((uint32_t)purpose << 24) | (uint32_t)((step >> 32) & 0xffffffu);
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
    uint64_t hi = sgl_stream_u32(s), lo = sgl_stream_u32(s);
    uint64_t m = (hi << 21) ^ (lo >> 11);            /* 53 bits */
    return ((double)m + 0.5) * 0x1p-53;
}

double sgl_stream_normal(sgl_stream *s)
{
    if (s->has_normal) {
        s->has_normal = 0;
        return s->normal;
    }
    double u1 = sgl_stream_uniform(s), u2 = sgl_stream_uniform(s);
    double r = sqrt(-2.0 * log(u1));
    double th = 6.283185307179586 * u2;
    s->normal = r * sin(th);
    s->has_normal = 1;
    return r * cos(th);
}

int sgl_stream_rademacher(sgl_stream *s)
{
    return (sgl_stream_u32(s) & 1u) ? 1 : -1;
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

void sgl_stream_sample(sgl_stream *s, uint32_t n, uint32_t k, uint32_t *perm, uint32_t *out)
{
    for (uint32_t i = 0; i < n; ++i) perm[i] = i;
    for (uint32_t i = 0; i < k; ++i) {
        uint32_t j = i + sgl_stream_index(s, n - i);
        uint32_t t = perm[i]; perm[i] = perm[j]; perm[j] = t;
        out[i] = perm[i];
    }
}
