/* Internal vector kernels.  GNU vector extensions with a fixed 8-lane shape:
 * every lane operation is one IEEE operation, so the result is the same on any
 * ISA (AVX-512, AVX2, SSE2 or scalar lowering); reductions happen in a fixed
 * order.  Arrays are padded to multiples of SGL_LANES with zeros. */
#ifndef SGL_KERNELS_H
#define SGL_KERNELS_H

#include "sgdlab.h"
#include <string.h>

typedef double sgl_v8 __attribute__((vector_size(64)));

static inline sgl_v8 sgl_ld8(const double *p) { sgl_v8 v; memcpy(&v, p, sizeof v); return v; }
static inline void sgl_st8(double *p, sgl_v8 v) { memcpy(p, &v, sizeof v); }
static inline sgl_v8 sgl_splat8(double x) { return (sgl_v8){x, x, x, x, x, x, x, x}; }
static inline double sgl_hsum8(sgl_v8 v)
{
    return ((v[0] + v[1]) + (v[2] + v[3])) + ((v[4] + v[5]) + (v[6] + v[7]));
}

/* sum_j a_j b_j over ld (a multiple of 8); two vector accumulators */
static inline double sgl_dot(const double *a, const double *b, size_t ld)
{
    sgl_v8 s0 = sgl_splat8(0.0), s1 = sgl_splat8(0.0);
    size_t j = 0;
    for (; j + 16 <= ld; j += 16) {
        s0 += sgl_ld8(a + j) * sgl_ld8(b + j);
        s1 += sgl_ld8(a + j + 8) * sgl_ld8(b + j + 8);
    }
    if (j < ld) s0 += sgl_ld8(a + j) * sgl_ld8(b + j);
    return sgl_hsum8(s0 + s1);
}

/* y += c x over ld */
static inline void sgl_axpy(double c, const double *x, double *y, size_t ld)
{
    sgl_v8 cv = sgl_splat8(c);
    for (size_t j = 0; j < ld; j += 8) sgl_st8(y + j, sgl_ld8(y + j) + cv * sgl_ld8(x + j));
}

#endif
