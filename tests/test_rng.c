/* Randomness (src/rng.c): Philox known answers, the counter layout, the
 * vectorised first blocks, and the distribution of every stream transform.
 *
 * Statistical checks use fixed seeds and never retry.  Per-comparison false-
 * failure probabilities: z-tests at |z| < 5 (two-sided 5.7e-7 each, 6 of them),
 * one KS test at p < 1e-6, two chi-square tests at p < 1e-6.  Bonferroni: the
 * whole file fails by chance with probability < 6*5.7e-7 + 3e-6 < 6.5e-6. */
#include "sgdlab.h"
#include "testutil.h"
#include "philox.h"

#include <Random123/philox.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ helpers */

/* regularised upper incomplete gamma Q(s, x) = Gamma(s, x) / Gamma(s) */
static double gamma_q(double s, double x)
{
    if (x <= 0.0) return 1.0;
    double lg = s * log(x) - x - lgamma(s);
    if (x < s + 1.0) {
        /* series for P(s, x) */
        double term = 1.0 / s, sum = term;
        for (int k = 1; k < 10000; ++k) {
            term *= x / (s + k);
            sum += term;
            if (fabs(term) < 1e-17 * fabs(sum)) break;
        }
        return 1.0 - sum * exp(lg);
    }
    /* continued fraction for Q(s, x) (modified Lentz) */
    const double tiny = 1e-300;
    double b = x + 1.0 - s, c = 1.0 / tiny, d = 1.0 / b, h = d;
    for (int i = 1; i < 10000; ++i) {
        double an = -i * (i - s);
        b += 2.0;
        d = an * d + b;
        if (fabs(d) < tiny) d = tiny;
        c = b + an / c;
        if (fabs(c) < tiny) c = tiny;
        d = 1.0 / d;
        double del = d * c;
        h *= del;
        if (fabs(del - 1.0) < 1e-16) break;
    }
    return exp(lg) * h;
}

/* P(chi2_df > x) */
static double chi2_sf(double x, double df) { return gamma_q(0.5 * df, 0.5 * x); }

/* asymptotic Kolmogorov survival function P(K > t) = 2 sum (-1)^(k-1) exp(-2 k^2 t^2) */
static double kolmogorov_sf(double t)
{
    if (t < 0.2) return 1.0;
    double s = 0.0;
    for (int k = 1; k <= 100; ++k) {
        double term = exp(-2.0 * k * k * t * t);
        s += (k % 2 ? term : -term);
        if (term < 1e-18) break;
    }
    return 2.0 * s;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void check_words(const uint32_t got[4], const uint32_t want[4], const char *what)
{
    int ok = memcmp(got, want, 4 * sizeof got[0]) == 0;
    check_true(ok, "%s: obs=%08x %08x %08x %08x exp=%08x %08x %08x %08x", what, got[0], got[1], got[2],
               got[3], want[0], want[1], want[2], want[3]);
}

/* ------------------------------------------------------------ known answers */

static void test_kat(void)
{
    /* Random123 kat_vectors, philox4x32 with 10 rounds */
    static const struct {
        uint32_t ctr[4], key[2], out[4];
    } kat[3] = {
        {{0, 0, 0, 0}, {0, 0}, {0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u}},
        {{0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu},
         {0xffffffffu, 0xffffffffu},
         {0x408f276du, 0x41c83b0eu, 0xa20bc7c6u, 0x6d5451fdu}},
        {{0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u},
         {0xa4093822u, 0x299f31d0u},
         {0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u}},
    };
    for (int v = 0; v < 3; ++v) {
        uint32_t out[4];
        char what[96];
        sgl_philox4x32(kat[v].ctr, kat[v].key, out);
        snprintf(what, sizeof what, "philox4x32-10 KAT %d via sgl_philox4x32", v);
        check_words(out, kat[v].out, what);
        /* the header's own function on the same input */
        philox4x32_ctr_t c = {{kat[v].ctr[0], kat[v].ctr[1], kat[v].ctr[2], kat[v].ctr[3]}};
        philox4x32_key_t k = {{kat[v].key[0], kat[v].key[1]}};
        philox4x32_ctr_t r = philox4x32_R(10, c, k);
        uint32_t hdr[4] = {r.v[0], r.v[1], r.v[2], r.v[3]};
        snprintf(what, sizeof what, "philox4x32-10 KAT %d via Random123 philox4x32_R(10)", v);
        check_words(hdr, kat[v].out, what);
        /* src/philox.h at every lane width the library uses: one lane (the
         * scalar streams), eight (rng.c's block fills) and SGL_VM_LANES (the
         * escape engine); each lane carries the KAT input */
        const uint64_t seed = (uint64_t)kat[v].key[1] << 32 | kat[v].key[0];
        uint64_t s0 = kat[v].ctr[0], s1 = kat[v].ctr[1], s2 = kat[v].ctr[2], s3 = kat[v].ctr[3];
        sgl_philox_1(&s0, &s1, &s2, &s3, seed);
        uint32_t one[4] = {(uint32_t)s0, (uint32_t)s1, (uint32_t)s2, (uint32_t)s3};
        snprintf(what, sizeof what, "philox4x32-10 KAT %d via sgl_philox_1", v);
        check_words(one, kat[v].out, what);
        sgl_u64x8 e0, e1, e2, e3;
        for (int l = 0; l < 8; ++l) { e0[l] = kat[v].ctr[0]; e1[l] = kat[v].ctr[1]; e2[l] = kat[v].ctr[2]; e3[l] = kat[v].ctr[3]; }
        sgl_philox_8(&e0, &e1, &e2, &e3, seed);
        for (int l = 0; l < 8; ++l) {
            uint32_t w[4] = {(uint32_t)e0[l], (uint32_t)e1[l], (uint32_t)e2[l], (uint32_t)e3[l]};
            snprintf(what, sizeof what, "philox4x32-10 KAT %d via sgl_philox_8 lane %d", v, l);
            check_words(w, kat[v].out, what);
        }
        sgl_u64v f0, f1, f2, f3;
        for (int l = 0; l < SGL_VM_LANES; ++l) { f0[l] = kat[v].ctr[0]; f1[l] = kat[v].ctr[1]; f2[l] = kat[v].ctr[2]; f3[l] = kat[v].ctr[3]; }
        sgl_philox_v(&f0, &f1, &f2, &f3, seed);
        for (int l = 0; l < SGL_VM_LANES; ++l) {
            uint32_t w[4] = {(uint32_t)f0[l], (uint32_t)f1[l], (uint32_t)f2[l], (uint32_t)f3[l]};
            snprintf(what, sizeof what, "philox4x32-10 KAT %d via sgl_philox_v (escape engine) lane %d", v, l);
            check_words(w, kat[v].out, what);
        }
    }
    /* the counter words of layout v1 (sgdlab.h): step bits split over c1 and c3 */
    check_true(sgl_philox_c1(0x123456789abcull) == 0x56789abcu && sgl_philox_c3(0x123456789abcull, 12) == (12u << 24 | 0x1234u),
               "counter layout v1: c1 = step low word, c3 = purpose << 24 | step bits 32..55");
}

/* ------------------------------------------------------------ counter layout */

static void test_layout(void)
{
    /* Pinned outputs of stream (seed 42, trajectory 7, step 1000, SGL_P_NOISE).
     * The raw words pin the counter layout; the normals pin the uniform and
     * Box-Muller transforms on top of it.  Either changing makes every stored
     * result irreproducible: SGL_COUNTER_LAYOUT must then be bumped and the new
     * values pinned here (computed once with the new code, printed %.17g).
     *   v1: 52-bit uniforms (m + 1/2) 2^-52, never 0 or 1; Box-Muller with the
     *       library's vector log and sincos(2 pi u) (src/vmath.h).  (Earlier,
     *       never-released transforms used 53 bits, which could return 1, and libm.) */
    static const uint32_t pin_words[4] = {0x6ae52a3du, 0xc9aa39f7u, 0xfde11acbu, 0xcc3224b1u};
    static const double pin_normals[2][4] = {
        {0, 0, 0, 0},
        {1.3198218956334566, -0.068758090560718174, -0.53929191934970255, -0.4205507296602648},
    };
    const int layout = SGL_COUNTER_LAYOUT;
    const int known = layout == 1;
    check_true(known, "SGL_COUNTER_LAYOUT=%d has pinned values here (known: 1)", layout);
    sgl_stream s;
    sgl_stream_init(&s, 42, 7, 1000, SGL_P_NOISE);
    uint32_t w[4];
    for (int i = 0; i < 4; ++i) w[i] = sgl_stream_u32(&s);
    check_words(w, pin_words, "layout pin: first 4 words of stream(42, 7, 1000, NOISE)");
    sgl_stream_init(&s, 42, 7, 1000, SGL_P_NOISE);
    for (int i = 0; i < 4 && known; ++i) {
        double z = sgl_stream_normal(&s);
        check_true(z == pin_normals[layout][i],
                   "layout %d pin: normal %d of stream(42, 7, 1000, NOISE): obs=%.17g exp=%.17g (a change here "
                   "means the transform changed: bump SGL_COUNTER_LAYOUT and pin the new values)",
                   layout, i, z, pin_normals[layout][i]);
    }

    /* The documented layout, field by field. */
    uint64_t seed = 0x0123456789abcdefull, step = (5ull << 32) | 0x89abcdefull;
    sgl_stream_init(&s, seed, 99, step, SGL_P_LABEL);
    int ok = s.key[0] == 0x89abcdefu && s.key[1] == 0x01234567u && s.ctr[0] == 0 &&
             s.ctr[1] == 0x89abcdefu && s.ctr[2] == 99u && s.ctr[3] == ((4u << 24) | 5u);
    check_true(ok, "layout fields: key=%08x %08x ctr=%08x %08x %08x %08x exp key=89abcdef 01234567 "
               "ctr=00000000 89abcdef 00000063 04000005",
               s.key[0], s.key[1], s.ctr[0], s.ctr[1], s.ctr[2], s.ctr[3]);

    /* Steps differing only in bit 32 or bit 33 must give different streams
     * (step bits 32..55 go into c[3]). */
    uint64_t bases[2] = {0, 1000};
    for (int b = 0; b < 2; ++b)
        for (int bit = 32; bit <= 33; ++bit) {
            sgl_stream s0, s1;
            sgl_stream_init(&s0, 42, 7, bases[b], SGL_P_NOISE);
            sgl_stream_init(&s1, 42, 7, bases[b] | (1ull << bit), SGL_P_NOISE);
            uint32_t a0 = sgl_stream_u32(&s0), a1 = sgl_stream_u32(&s1);
            check_true(a0 != a1 && s1.ctr[3] == ((2u << 24) | (1u << (bit - 32))),
                       "step %llu vs step with bit %d set: words %08x vs %08x differ, c[3]=%08x exp %08x",
                       (unsigned long long)bases[b], bit, a0, a1, s1.ctr[3], (2u << 24) | (1u << (bit - 32)));
        }
    /* The vectorised first blocks (sgl_philox_first_blocks) equal the scalar
     * streams' first four words, here across the step-2^32 boundary (c[1]
     * wraps, c[3] carries) and for counts that are not multiples of 8. */
    {
        const uint64_t k0s[3] = {(1ull << 32) - 5, 0, (7ull << 40) + 3};
        const size_t counts[3] = {13, 1, 9};
        long bad = 0, words = 0;
        for (int q = 0; q < 3; ++q) {
            uint32_t out[4 * 16];
            sgl_philox_first_blocks(0xfeedfacecafebeefull, 5, k0s[q], counts[q], SGL_P_NOISE, out);
            for (size_t i = 0; i < counts[q]; ++i) {
                sgl_stream t;
                sgl_stream_init(&t, 0xfeedfacecafebeefull, 5, k0s[q] + i, SGL_P_NOISE);
                for (int w2 = 0; w2 < 4; ++w2, ++words) bad += sgl_stream_u32(&t) != out[4 * i + w2];
            }
        }
        check_true(bad == 0, "philox_first_blocks = scalar stream across step 2^32 and ragged counts: %ld of %ld "
                   "words differ", bad, words);
    }

    /* Purposes and trajectories are separate streams. */
    sgl_stream p2, p3, t8;
    sgl_stream_init(&p2, 42, 7, 1000, SGL_P_NOISE);
    sgl_stream_init(&p3, 42, 7, 1000, SGL_P_BATCH);
    sgl_stream_init(&t8, 42, 8, 1000, SGL_P_NOISE);
    uint32_t x2 = sgl_stream_u32(&p2), x3 = sgl_stream_u32(&p3), x8 = sgl_stream_u32(&t8);
    check_true(x2 != x3 && x2 != x8, "purpose/trajectory separate: %08x, %08x, %08x all differ", x2, x3, x8);

    /* Successive blocks advance c[0]: word 4 of the stream = word 0 of block ctr[0]=1. */
    sgl_stream_init(&s, 42, 7, 1000, SGL_P_NOISE);
    for (int i = 0; i < 4; ++i) sgl_stream_u32(&s);
    uint32_t w4 = sgl_stream_u32(&s), blk[4];
    uint32_t ctr[4] = {1, 1000, 7, 2u << 24}, key[2] = {42, 0};
    sgl_philox4x32(ctr, key, blk);
    check_true(w4 == blk[0], "word 4 of the stream is block c[0]=1 word 0: obs=%08x exp=%08x", w4, blk[0]);
}

/* ------------------------------------------------------------ distributions */

#define N_MOM 1000000

static void test_uniform_normal(void)
{
    sgl_stream s;
    sgl_stream_init(&s, 2024, 0, 0, SGL_P_NOISE);
    double sum = 0.0, sq = 0.0, umin = 1.0, umax = 0.0;
    long outside = 0;
    for (long i = 0; i < N_MOM; ++i) {
        double u = sgl_stream_uniform(&s);
        outside += !(u > 0.0 && u < 1.0);
        if (u < umin) umin = u;
        if (u > umax) umax = u;
        sum += u;
        sq += (u - 0.5) * (u - 0.5);
    }
    check_true(outside == 0, "uniforms in (0,1): %ld of %d outside, min=%.17g max=%.17g", outside, N_MOM, umin,
               umax);
    /* Extreme words.  sgl_stream is a plain value type whose next words come from
     * buf[4 - avail], so the library's own transform can be fed the all-zero and
     * all-one words (each has probability 2^-53 per draw from Philox). */
    sgl_stream e;
    sgl_stream_init(&e, 0, 0, 0, SGL_P_NOISE);
    e.avail = 2;
    e.buf[2] = 0u;
    e.buf[3] = 0u;
    double u_lo = sgl_stream_uniform(&e);
    check_true(u_lo > 0.0 && u_lo < 1.0, "uniform of words (00000000, 00000000) in (0,1): obs=%.17g", u_lo);
    e.avail = 2;
    e.buf[2] = 0xffffffffu;
    e.buf[3] = 0xffffffffu;
    double u_hi = sgl_stream_uniform(&e);
    /* (2^53 - 1 + 0.5) * 2^-53 is a rounding tie: it must not round up to 1 */
    check_true(u_hi > 0.0 && u_hi < 1.0, "uniform of words (ffffffff, ffffffff) in (0,1): obs=%.17g (exp < 1)", u_hi);
    double h_hi = sgl_uniform_from_words(0xffffffffu, 0xffffffffu), h_lo = sgl_uniform_from_words(0u, 0u);
    check_true(h_lo > 0.0 && h_hi < 1.0, "sgl_uniform_from_words extremes in (0,1): obs=%.17g, %.17g", h_lo, h_hi);
    /* mean 1/2 with var 1/12; E(u-1/2)^2 = 1/12 with var 1/80 - 1/144 = 1/180.  |z| < 5. */
    check_z(sum / N_MOM, 0.5, sqrt(1.0 / 12.0 / N_MOM), 5.0, "uniform mean (1e6 draws)");
    check_z(sq / N_MOM, 1.0 / 12.0, sqrt(1.0 / 180.0 / N_MOM), 5.0, "uniform variance (1e6 draws)");

    sgl_stream_init(&s, 2024, 1, 0, SGL_P_NOISE);
    sum = 0.0;
    sq = 0.0;
    long nonfinite = 0;
    for (long i = 0; i < N_MOM; ++i) {
        double z = sgl_stream_normal(&s);
        nonfinite += !isfinite(z);
        sum += z;
        sq += z * z;
    }
    check_true(nonfinite == 0, "normals finite: %ld of %d non-finite", nonfinite, N_MOM);
    /* mean 0 var 1; E z^2 = 1 with var 2.  |z| < 5. */
    check_z(sum / N_MOM, 0.0, sqrt(1.0 / N_MOM), 5.0, "normal mean (1e6 draws)");
    check_z(sq / N_MOM, 1.0, sqrt(2.0 / N_MOM), 5.0, "normal variance (1e6 draws)");

    /* KS test of 1e5 normals against Phi; asymptotic Kolmogorov distribution of
     * sqrt(n) D_n, reject at p < 1e-6 (false failure 1e-6). */
    const long nk = 100000;
    double *x = malloc(nk * sizeof *x);
    sgl_stream_init(&s, 2024, 2, 0, SGL_P_NOISE);
    for (long i = 0; i < nk; ++i) x[i] = sgl_stream_normal(&s);
    qsort(x, nk, sizeof *x, cmp_double);
    double D = 0.0;
    for (long i = 0; i < nk; ++i) {
        double F = 0.5 * erfc(-x[i] / sqrt(2.0));
        double dp = (double)(i + 1) / nk - F, dm = F - (double)i / nk;
        if (dp > D) D = dp;
        if (dm > D) D = dm;
    }
    free(x);
    double p = kolmogorov_sf(sqrt((double)nk) * D);
    check_true(p > 1e-6, "KS normals vs Phi (1e5 draws): D=%.6g sqrt(n)D=%.4f p=%.3g, reject if p < 1e-6", D,
               sqrt((double)nk) * D, p);

    /* Rademacher: mean 0, var 1.  |z| < 5. */
    sgl_stream_init(&s, 2024, 3, 0, SGL_P_LABEL);
    long rs = 0, bad = 0;
    for (long i = 0; i < N_MOM; ++i) {
        int r = sgl_stream_rademacher(&s);
        bad += r != 1 && r != -1;
        rs += r;
    }
    check_true(bad == 0, "rademacher values in {-1,+1}: %ld bad", bad);
    check_z((double)rs / N_MOM, 0.0, sqrt(1.0 / N_MOM), 5.0, "rademacher mean (1e6 draws)");
}

/* ------------------------------------------------------------ indices */

static void test_index(void)
{
    enum { N = 40 };
    const long draws = 1000000;
    long count[N] = {0}, too_big = 0;
    sgl_stream s;
    sgl_stream_init(&s, 7, 0, 0, SGL_P_BATCH);
    for (long i = 0; i < draws; ++i) {
        uint32_t v = sgl_stream_index(&s, N);
        if (v >= N) ++too_big;
        else ++count[v];
    }
    check_true(too_big == 0, "index(40) < 40 over 1e6 draws: %ld values out of range", too_big);
    double e = (double)draws / N, x2 = 0.0;
    for (int j = 0; j < N; ++j) x2 += (count[j] - e) * (count[j] - e) / e;
    double p = chi2_sf(x2, N - 1);
    check_true(p > 1e-6, "index(40) chi-square uniformity (1e6 draws, 39 df): X2=%.3f p=%.3g, reject if p < 1e-6",
               x2, p);

    long nonzero = 0;
    sgl_stream_init(&s, 7, 1, 0, SGL_P_BATCH);
    for (int i = 0; i < 1000; ++i) nonzero += sgl_stream_index(&s, 1) != 0;
    check_true(nonzero == 0, "index(1) == 0 always: %ld of 1000 nonzero", nonzero);

    /* n just above 2^31: the rejection branch is taken about half the time */
    const uint32_t big = 0x80000001u;
    long oob = 0;
    double sum = 0.0;
    sgl_stream_init(&s, 7, 2, 0, SGL_P_BATCH);
    for (int i = 0; i < 100000; ++i) {
        uint32_t v = sgl_stream_index(&s, big);
        oob += v >= big;
        sum += (double)v / big;
    }
    check_true(oob == 0, "index(2^31+1) < n over 1e5 draws: %ld out of range", oob);
    /* v/n is uniform on [0,1) up to 1/n: mean 1/2, sd sqrt(1/12/1e5); |z| < 5 */
    check_z(sum / 100000, 0.5, sqrt(1.0 / 12.0 / 100000), 5.0, "index(2^31+1)/n mean (1e5 draws)");
}

static void test_sample(void)
{
    enum { N = 40, K = 7 };
    uint32_t perm[N], out[N];
    for (uint32_t i = 0; i < N; ++i) perm[i] = i;   /* identity on entry; sample keeps it so */
    sgl_stream s;

    /* k distinct indices in range, over many streams */
    long bad_range = 0, bad_dup = 0;
    const int reps = 20000;
    long count[N] = {0};
    for (int r = 0; r < reps; ++r) {
        sgl_stream_init(&s, 11, 0, (uint64_t)r, SGL_P_BATCH);
        sgl_stream_sample(&s, N, K, perm, out);
        int seen[N] = {0};
        for (int b = 0; b < K; ++b) {
            if (out[b] >= N) { ++bad_range; continue; }
            bad_dup += seen[out[b]]++ > 0;
            ++count[out[b]];
        }
    }
    check_true(bad_range == 0 && bad_dup == 0, "sample(40, 7) x %d: %ld out of range, %ld duplicates (exp 0, 0)",
               reps, bad_range, bad_dup);
    /* Frequencies: each index is in a sample with p = k/n.  Counts over R samples
     * have Var = R p(1-p) and Cov = -R p(1-p)/(n-1), i.e. covariance
     * R p(1-p) n/(n-1) (I - J/n), so sum (O - Rp)^2 / (R p (1-p) n/(n-1)) is
     * chi-square with n-1 df.  Reject at p < 1e-6. */
    double pk = (double)K / N, e = reps * pk, scale = reps * pk * (1 - pk) * N / (N - 1.0), x2 = 0.0;
    for (int j = 0; j < N; ++j) x2 += (count[j] - e) * (count[j] - e) / scale;
    double p = chi2_sf(x2, N - 1);
    check_true(p > 1e-6, "sample(40, 7) inclusion frequencies (%d samples, 39 df): X2=%.3f p=%.3g, reject if p < 1e-6",
               reps, x2, p);

    /* k = n is a permutation */
    long not_perm = 0;
    for (int r = 0; r < 1000; ++r) {
        sgl_stream_init(&s, 11, 1, (uint64_t)r, SGL_P_BATCH);
        sgl_stream_sample(&s, N, N, perm, out);
        int seen[N] = {0};
        for (int b = 0; b < N; ++b)
            if (out[b] < N) seen[out[b]] = 1;
        int all = 1;
        for (int j = 0; j < N; ++j) all &= seen[j];
        not_perm += !all;
    }
    check_true(not_perm == 0, "sample(40, 40) is a permutation: %ld of 1000 are not", not_perm);

    /* the scratch comes back as the identity, so the next draw needs no reset */
    int ident = 1;
    for (uint32_t i = 0; i < N; ++i) ident &= perm[i] == i;
    check_true(ident, "sample leaves perm as the identity permutation");

    /* k = 1 and n = 1 edge cases */
    sgl_stream_init(&s, 11, 2, 0, SGL_P_BATCH);
    sgl_stream_sample(&s, 1, 1, perm, out);
    check_true(out[0] == 0, "sample(1, 1) = {0}: obs=%u", out[0]);
}

int main(void)
{
    test_kat();
    test_layout();
    test_uniform_normal();
    test_index();
    test_sample();
    return done();
}
