/* Adaptive multilevel splitting for rare escapes (include/sgdlab.h,
 * sgl_escape_ams): the generalized AMS of Brehier, Lelievre and Rousset
 * (kill every replica at or below the k-th lowest score; unbiased p) on the
 * escape engine's per-replica stepping (src/escape/escape.h), and the MFPT
 * of Cerou, Guyader, Lelievre and Pommier from p, the loop time and the
 * reactive time.
 *
 * A replica's path is kept as its ladder: the states at which its reaction
 * coordinate reached a new maximum.  Branching at level z needs the first
 * state above z, which is always a ladder point, so no full path is stored.
 * Decisions depend only on the data: the survivor a killed replica clones is
 * drawn from a stream keyed by (run, iteration), each lineage has its own
 * noise stream (run << 20 | lineage id), and runs are independent, so the
 * result is the same for any thread count. */
#include "../internal.h"
#include "escape.h"

#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#define LINEAGE_BITS 20u

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

void sgl_ams_opts_default(sgl_ams_opts *o)
{
    o->replicas = 100;
    o->kill = 1;
    o->runs = 8;
    o->cycles = 2;
    o->z_A = NAN;        /* automatic (calibrate_levels) */
    o->z_sigma = NAN;
    o->coordinate = 0;
}

/* Automatic levels: where the dynamics spends its time near the minimum.
 * M walkers (stream purpose SGL_P_AMSLOOP, run id CALIB_RUN) relax for ten
 * relaxation times 1/(h step) (h the curvature at the minimum along the
 * escape coordinate; per tau step h / L_min under the time change) and are then
 * sampled as long again, 64 times each; z_A = the median of xi, z_sigma its
 * 90 % quantile, so that loops A -> Sigma -> A are frequent events. */
#define CALIB_RUN 4095u
static sgl_status calibrate_levels(const sgl_esc_ctx *c, uint32_t M, double *zA, double *zS, uint64_t *evals,
                                   sgl_err *err)
{
    enum { SAMPLES = 64 };
    double rate = fabs(c->in.h_min0) * c->in.step;
    if (c->dyn->time_changed && c->in.L_min > 0) rate /= c->in.L_min;
    double nrel = rate > 0 ? ceil(10.0 / rate) : 1e6;
    uint64_t relax = nrel < 64 ? 64 : nrel > 1e6 ? 1000000 : (uint64_t)nrel, every = (relax + SAMPLES - 1) / SAMPLES;
    double *xs = sgl_malloc_array((size_t)M * SAMPLES, sizeof *xs);
    if (!xs) return sgl_fail(err, SGL_ENOMEM, "", "out of memory");
    size_t n = 0, escaped = 0;
    for (uint32_t w = 0; w < M; ++w) {
        sgl_esc_replica r;
        sgl_esc_replica_init(c, &r, CALIB_RUN << LINEAGE_BITS | w, SGL_P_AMSLOOP);
        int v = sgl_esc_replica_advance(c, &r, relax, NULL);
        for (int q = 0; q < SAMPLES && v == SGL_ESC_RUNNING; ++q) {
            double xi;
            v = sgl_esc_replica_advance(c, &r, every, &xi);
            if (v == SGL_ESC_RUNNING) xs[n++] = xi;
        }
        *evals += r.steps;
        escaped += v == SGL_FP_ESCAPED;
    }
    if (escaped * 10 > M || n < (size_t)M * SAMPLES / 2) {
        sgl_free(xs);
        return sgl_fail(err, SGL_EINVAL, "method",
                        "ams: %zu of %u calibration walkers left the minimum within 20 relaxation times: the escape is "
                        "not rare, use the direct method", escaped, M);
    }
    qsort(xs, n, sizeof *xs, cmp_double);
    *zA = xs[n / 2];
    *zS = xs[(size_t)(0.9 * (double)n)];
    sgl_free(xs);
    if (!(*zS > *zA) || !(*zS < 1.0))
        return sgl_fail(err, SGL_EINVAL, "ams-z-sigma",
                        "ams: no automatic levels (median %g, 90 %% quantile %g of the reaction coordinate): give "
                        "ams-z-a and ams-z-sigma", *zA, *zS);
    return SGL_OK;
}

typedef struct {
    double xi;
    sgl_esc_replica st;
} ladder_pt;

typedef struct {
    ladder_pt *pts;
    size_t n, cap;
    sgl_esc_replica cur;   /* where the excursion stands */
    double score;          /* highest xi reached; +inf once escaped */
    int escaped;
} path;

typedef struct {
    sgl_ams_run *v;   /* the run's estimates and counts */
    sgl_status st;
    sgl_err err;
} run_out;

static sgl_status push(path *pa, double xi, const sgl_esc_replica *r)
{
    if (pa->n == pa->cap) {
        size_t cap = pa->cap ? 2 * pa->cap : 16;
        ladder_pt *np = sgl_realloc(pa->pts, cap * sizeof *np);
        if (!np) return SGL_ENOMEM;
        pa->pts = np;
        pa->cap = cap;
    }
    pa->pts[pa->n].xi = xi;
    pa->pts[pa->n].st = *r;
    pa->n++;
    return SGL_OK;
}

/* Step r until xi crosses level (up: xi >= level; down: xi <= level).
 * Returns SGL_ESC_RUNNING when the level was reached, else the engine's final
 * state (escaped, censored at t_max, diverged). */
static int seek(const sgl_esc_ctx *c, sgl_esc_replica *r, double level, int up, uint64_t *evals)
{
    for (;;) {
        double xi;
        int v = sgl_esc_replica_advance(c, r, 1, &xi);
        ++*evals;
        if (v != SGL_ESC_RUNNING) return v;
        if (up ? xi >= level : xi <= level) return SGL_ESC_RUNNING;
    }
}

/* restart a segment's clock (t_max caps each segment; the stream goes on) */
static void new_segment(sgl_esc_replica *r)
{
    r->t = 0.0;
    r->steps = 0;
}

/* A walker: start -> Sigma, then o->cycles loops Sigma -> A -> Sigma; its
 * final entrance state goes to *entry.  Escapes on the way restart it at the
 * start point (its stream continues). */
static sgl_status walk(const sgl_esc_ctx *c, const sgl_ams_opts *o, uint32_t stream, sgl_esc_replica *entry,
                       double *first_sum, double *loop_sum, run_out *ro, sgl_err *err)
{
    sgl_esc_replica r;
    sgl_esc_replica_init(c, &r, stream, SGL_P_AMSLOOP);
    for (unsigned restarts = 0;; ++restarts) {
        if (restarts > 1000)
            return sgl_fail(err, SGL_EINVAL, "method",
                            "ams: the walkers escape directly over and over (the event is not rare): use the direct "
                            "method");
        new_segment(&r);
        int v = seek(c, &r, o->z_sigma, 1, &ro->v->evaluations);
        double first = r.t, loops = 0.0;
        uint32_t done = 0;
        while (v == SGL_ESC_RUNNING && done < o->cycles) {
            new_segment(&r);
            v = seek(c, &r, o->z_A, 0, &ro->v->evaluations);
            double seg = r.t;
            if (v != SGL_ESC_RUNNING) break;
            new_segment(&r);
            v = seek(c, &r, o->z_sigma, 1, &ro->v->evaluations);
            loops += seg + r.t;
            ++done;
        }
        if (v == SGL_ESC_RUNNING) {
            *first_sum += first;
            *loop_sum += loops;
            *entry = r;
            return SGL_OK;
        }
        if (v == SGL_FP_CENSORED)
            return sgl_fail(err, SGL_EINVAL, "t-max",
                            "ams: a walker stayed longer than t-max = %g between the levels A and Sigma: raise t-max",
                            c->s->t_max);
        if (v == SGL_FP_DIVERGED)
            return sgl_fail(err, SGL_EINVAL, "lr", "ams: a walker diverged (non-finite state): lower the step");
        ++ro->v->direct_escapes;   /* escaped on the way: start again from the start point */
        const uint64_t k = r.k;
        sgl_esc_replica_init(c, &r, stream, SGL_P_AMSLOOP);
        r.k = k;
    }
}

/* Run pa's excursion from pa->cur until it returns to A, escapes or is capped. */
static sgl_status excursion(const sgl_esc_ctx *c, const sgl_ams_opts *o, path *pa, run_out *ro)
{
    for (;;) {
        double xi;
        int v = sgl_esc_replica_advance(c, &pa->cur, 1, &xi);
        ++ro->v->evaluations;
        if (v == SGL_FP_ESCAPED) {   /* its last ladder point: a clone above every finite level starts escaped */
            pa->escaped = 1;
            pa->score = INFINITY;
            return push(pa, INFINITY, &pa->cur);
        }
        if (v != SGL_ESC_RUNNING) {   /* capped at t_max or diverged: counted, taken as returned */
            ++ro->v->capped;
            return SGL_OK;
        }
        if (xi > pa->score) {
            pa->score = xi;
            if (push(pa, xi, &pa->cur) != SGL_OK) return SGL_ENOMEM;
        }
        if (xi <= o->z_A) return SGL_OK;
    }
}

/* Start replica i of a run at a walker's entrance point and run it. */
static sgl_status start_replica(const sgl_esc_ctx *c, const sgl_ams_opts *o, path *pa, const sgl_esc_replica *entry,
                                uint32_t stream, run_out *ro)
{
    pa->n = 0;
    pa->cur = *entry;
    new_segment(&pa->cur);
    sgl_esc_replica_reseed(&pa->cur, stream, SGL_P_AMS, 0);
    pa->escaped = 0;
    pa->score = sgl_esc_coord(c, pa->cur.x, pa->cur.L);
    if (push(pa, pa->score, &pa->cur) != SGL_OK) return SGL_ENOMEM;
    return excursion(c, o, pa, ro);
}

/* Kill every replica at or below level z and clone it from a survivor at the
 * survivor's first ladder state above z.  surv: scratch of N indices. */
static sgl_status branch(const sgl_esc_ctx *c, const sgl_ams_opts *o, path *paths, uint32_t *surv, size_t ns,
                         double z, uint32_t run, uint64_t iter, uint32_t *next_id, run_out *ro, sgl_err *err)
{
    const uint32_t N = o->replicas;
    sgl_stream pick;
    sgl_stream_init(&pick, c->s->seed, run, iter, SGL_P_AMSPICK);
    for (uint32_t i = 0; i < N; ++i) {
        if (paths[i].score > z) continue;
        const path *src = &paths[surv[sgl_stream_index(&pick, (uint32_t)ns)]];
        size_t q = 0;
        while (q < src->n && !(src->pts[q].xi > z)) ++q;
        if (q == src->n) return sgl_fail(err, SGL_EINVAL, "method", "ams: internal error (no ladder point above the level)");
        if (*next_id >= (1u << LINEAGE_BITS))
            return sgl_fail(err, SGL_EINVAL, "replicas",
                            "ams: more than 2^20 clones in one run; use fewer replicas or a larger kill count");
        path *dst = &paths[i];
        dst->n = 0;
        sgl_status st = push(dst, src->pts[q].xi, &src->pts[q].st);
        if (st != SGL_OK) return st;
        dst->cur = src->pts[q].st;
        dst->score = src->pts[q].xi;
        dst->escaped = dst->score == INFINITY;   /* branched at the parent's escape: the same path */
        sgl_esc_replica_reseed(&dst->cur, run << LINEAGE_BITS | (*next_id)++, SGL_P_AMS, 0);
        ++ro->v->clones;
        if (!dst->escaped && (st = excursion(c, o, dst, ro)) != SGL_OK) return st;
    }
    return SGL_OK;
}

/* The k-th lowest (1-based) of the N replicas' scores: the value sc[k - 1] of the scores sorted ascending.
 * Small k (the default kill is 1) by one pass keeping the k lowest in order, O(N k) instead of a sort of all N
 * scores every iteration; the same value, as the k-th order statistic is a value, however ties fall.  A NaN
 * score (no order) or a large k: the sort, as before.  sc: scratch of N. */
static double kth_lowest(const path *paths, uint32_t N, uint32_t k, double *sc)
{
    enum { KMAX = 16 };
    if (k <= KMAX) {
        double lo[KMAX] = {0};
        uint32_t m = 0;   /* lo[0..m) ascending: the m lowest so far, m <= k */
        uint32_t i = 0;
        for (; i < N; ++i) {
            const double v = paths[i].score;
            if (isnan(v)) break;
            if (m == k && !(v < lo[k - 1])) continue;
            uint32_t j = m < k ? m++ : k - 1;
            for (; j > 0 && lo[j - 1] > v; --j) lo[j] = lo[j - 1];
            lo[j] = v;
        }
        if (i == N) return lo[k - 1];
    }
    for (uint32_t i = 0; i < N; ++i) sc[i] = paths[i].score;
    qsort(sc, N, sizeof *sc, cmp_double);
    return sc[k - 1];
}

/* One independent AMS run: walkers, replicas, killing until the k-th lowest
 * score is an escape (or every replica sits at the level: extinction). */
static void one_run(const sgl_esc_ctx *c, const sgl_ams_opts *o, uint32_t run, run_out *ro)
{
    const uint32_t N = o->replicas;
    path *paths = sgl_calloc(N, sizeof *paths);
    double *sc = sgl_malloc_array(N, sizeof *sc);
    uint32_t *surv = sgl_malloc_array(N, sizeof *surv);
    sgl_esc_replica *entry = sgl_malloc_array(N, sizeof *entry);
    ro->v->t_reactive = NAN;
    if (!paths || !sc || !surv || !entry) {
        ro->st = sgl_fail(&ro->err, SGL_ENOMEM, "", "out of memory");
        goto done;
    }
    double first_sum = 0.0, loop_sum = 0.0;
    for (uint32_t w = 0; w < N; ++w)
        if ((ro->st = walk(c, o, run << LINEAGE_BITS | w, &entry[w], &first_sum, &loop_sum, ro, &ro->err)) != SGL_OK)
            goto done;
    ro->v->t_first = first_sum / N;
    ro->v->t_loop = loop_sum / ((double)N * o->cycles);
    for (uint32_t i = 0; i < N; ++i)
        if ((ro->st = start_replica(c, o, &paths[i], &entry[i], run << LINEAGE_BITS | i, ro)) != SGL_OK) goto done;
    double p = 1.0;
    uint32_t next_id = N;
    for (uint64_t iter = 0;; ++iter) {
        const double z = kth_lowest(paths, N, o->kill, sc);
        if (z == INFINITY) break;
        size_t ns = 0;
        for (uint32_t i = 0; i < N; ++i)
            if (paths[i].score > z) surv[ns++] = i;
        if (ns == 0) {   /* every replica at the same level: extinction */
            p = 0.0;
            ro->v->extinct = 1;
            break;
        }
        p *= (double)ns / N;
        ro->v->iterations++;
        if ((ro->st = branch(c, o, paths, surv, ns, z, run, iter, &next_id, ro, &ro->err)) != SGL_OK) goto done;
    }
    uint32_t esc = 0;
    double react = 0.0;
    for (uint32_t i = 0; i < N; ++i)
        if (paths[i].escaped) {
            ++esc;
            react += paths[i].cur.t;
        }
    ro->v->p = p * esc / N;
    if (esc) ro->v->t_reactive = react / esc;
done:
    for (uint32_t i = 0; paths && i < N; ++i) sgl_free(paths[i].pts);
    sgl_free(paths);
    sgl_free(sc);
    sgl_free(surv);
    sgl_free(entry);
}

/* Student t quantile at 0.975 for nu degrees of freedom (nu <= 5 from the
 * table, then the Cornish-Fisher expansion in 1/nu; error < 2e-3 at nu = 6) */
static double t975(double nu)
{
    static const double tab[] = {12.7062, 4.3027, 3.1824, 2.7764, 2.5706};
    if (nu < 1) return NAN;
    if (nu <= 5) return tab[(int)nu - 1];
    const double z = 1.959963984540054, z3 = z * z * z, z5 = z3 * z * z, z7 = z5 * z * z;
    return z + (z3 + z) / (4 * nu) + (5 * z5 + 16 * z3 + 3 * z) / (96 * nu * nu) +
           (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * nu * nu * nu);
}

/* mean and standard error over the runs' finite values of the double at offset off */
static void mean_se(const sgl_ams_run *ro, size_t K, size_t off, double *mean, double *se)
{
    double s = 0.0, ss = 0.0;
    size_t n = 0;
    for (size_t k = 0; k < K; ++k) {
        double v = *(const double *)((const char *)&ro[k] + off);
        if (!isfinite(v)) continue;
        s += v;
        ++n;
    }
    *mean = n ? s / n : NAN;
    for (size_t k = 0; k < K; ++k) {
        double v = *(const double *)((const char *)&ro[k] + off);
        if (isfinite(v)) ss += (v - *mean) * (v - *mean);
    }
    *se = n >= 2 ? sqrt(ss / (n - 1) / n) : NAN;
}

static void log_ci(double m, double se, double tq, double ci[2])
{
    ci[0] = ci[1] = NAN;
    if (!(m > 0) || !isfinite(se)) return;
    ci[0] = m * exp(-tq * se / m);
    ci[1] = m * exp(tq * se / m);
}

void sgl_ams_pool(const sgl_ams_run *ro, size_t K, sgl_ams_result *r)
{
    mean_se(ro, K, offsetof(sgl_ams_run, p), &r->p, &r->p_se);
    mean_se(ro, K, offsetof(sgl_ams_run, t_first), &r->t_first, &r->t_first_se);
    mean_se(ro, K, offsetof(sgl_ams_run, t_loop), &r->t_loop, &r->t_loop_se);
    mean_se(ro, K, offsetof(sgl_ams_run, t_reactive), &r->t_reactive, &r->t_reactive_se);
    for (size_t k = 0; k < K; ++k) {
        r->extinct += (uint32_t)ro[k].extinct;
        r->iterations += ro[k].iterations;
        r->clones += ro[k].clones;
        r->evaluations += ro[k].evaluations;   /* after the calibration's */
        r->capped += ro[k].capped;
        r->direct_escapes += ro[k].direct_escapes;
    }
    r->runs = (uint32_t)K;
    const double p = r->p, tq = t975((double)K - 1);
    if (!(p > 0)) {
        r->mfpt = INFINITY;
        r->rate = 0.0;
        r->mfpt_se = r->rate_se = NAN;
        r->mfpt_ci[0] = r->mfpt_ci[1] = r->rate_ci[0] = r->rate_ci[1] = r->p_ci[0] = r->p_ci[1] = NAN;
        return;
    }
    const double g = (1.0 - p) / p, R = isfinite(r->t_reactive) ? r->t_reactive : 0.0;
    r->mfpt = r->t_first + g * r->t_loop + R;
    /* delta method: the four pieces' SEs are across runs, taken independent */
    const double dp = r->t_loop / (p * p);
    double var = r->t_first_se * r->t_first_se + g * g * r->t_loop_se * r->t_loop_se + dp * dp * r->p_se * r->p_se;
    if (isfinite(r->t_reactive_se)) var += r->t_reactive_se * r->t_reactive_se;
    r->mfpt_se = sqrt(var);
    r->rate = 1.0 / r->mfpt;
    r->rate_se = r->mfpt_se / (r->mfpt * r->mfpt);
    log_ci(p, r->p_se, tq, r->p_ci);
    log_ci(r->mfpt, r->mfpt_se, tq, r->mfpt_ci);
    r->rate_ci[0] = 1.0 / r->mfpt_ci[1];
    r->rate_ci[1] = 1.0 / r->mfpt_ci[0];
}

sgl_status sgl_esc_ams_check(const sgl_escape_spec *s, const sgl_ams_opts *o, sgl_err *err)
{
    if (o->replicas < 2 || o->replicas > 100000)
        return sgl_fail(err, SGL_EINVAL, "replicas", "must be in 2..100000, got %u", o->replicas);
    if (o->kill < 1 || o->kill >= o->replicas)
        return sgl_fail(err, SGL_EINVAL, "kill", "must be in 1..replicas-1 (%u), got %u", o->replicas - 1, o->kill);
    if (o->runs < 1 || o->runs > 4000) return sgl_fail(err, SGL_EINVAL, "runs", "must be in 1..4000, got %u", o->runs);
    if (o->cycles < 1 || o->cycles > 1000)
        return sgl_fail(err, SGL_EINVAL, "cycles", "must be in 1..1000, got %u", o->cycles);
    if (isnan(o->z_A) != isnan(o->z_sigma))
        return sgl_fail(err, SGL_EINVAL, isnan(o->z_A) ? "ams-z-a" : "ams-z-sigma",
                        "give both ams-z-a and ams-z-sigma, or neither (automatic levels)");
    if (!isnan(o->z_A) && !(o->z_A < 1.0 && isfinite(o->z_A)))
        return sgl_fail(err, SGL_EINVAL, "ams-z-a", "must be below 1 (the reaction coordinate is 0 at the minimum, 1 "
                        "at the exit), got %g", o->z_A);
    if (!isnan(o->z_A) && !(o->z_sigma > o->z_A && o->z_sigma < 1.0))
        return sgl_fail(err, SGL_EINVAL, "ams-z-sigma", "must be in (ams-z-a = %g, 1), got %g", o->z_A, o->z_sigma);
    if (o->coordinate < 0 || o->coordinate > 2)
        return sgl_fail(err, SGL_EINVAL, "coordinate", "must be event, loss or distance (%d)", o->coordinate);
    if (s->event == SGL_ESC_EV_NONE) return sgl_fail(err, SGL_EINVAL, "event", "ams needs an exit event (not none)");
    if (s->start != SGL_ESC_START_MIN)
        return sgl_fail(err, SGL_EINVAL, "start", "ams starts at theta* (or x0): use --start min");
    return SGL_OK;
}

sgl_status sgl_escape_ams_runs(const sgl_escape_spec *s, const sgl_ams_opts *o, sgl_ams_result *r, sgl_ams_run *runs,
                               sgl_err *err)
{
    memset(r, 0, sizeof *r);
    sgl_esc_ctx c;
    sgl_status st = sgl_esc_prepare(&c, s, err);
    if (st != SGL_OK) return st;
    if ((st = sgl_esc_ams_check(s, o, err)) != SGL_OK) return st;
    sgl_ams_opts oo = *o;
    sgl_esc_coord_set(&c, o->coordinate);
    if (!(c.coord == 0 || (isfinite(c.coord_ref) && c.coord_ref > 0.0)))
        return sgl_fail(err, SGL_EINVAL, "coordinate", "%s has no positive scale here (curvature or loss gap at the "
                        "minimum is 0): use the event's coordinate", sgl_ams_coordinate_names[o->coordinate]);
    const double t0 = omp_get_wtime();
    if (isnan(oo.z_A) && (st = calibrate_levels(&c, oo.replicas, &oo.z_A, &oo.z_sigma, &r->evaluations, err)) != SGL_OK)
        return st;
    r->z_A = oo.z_A;
    r->z_sigma = oo.z_sigma;
    o = &oo;
    const double xi0 = sgl_esc_coord(&c, s->x0 ? s->x0 : c.in.x_min, c.lt->value(&c.lp, s->x0 ? s->x0 : c.in.x_min));
    if (!(xi0 < o->z_sigma))
        return sgl_fail(err, SGL_EINVAL, "x0", "the start's reaction coordinate %g is not below ams-z-sigma = %g", xi0,
                        o->z_sigma);
    run_out *ro = sgl_calloc(o->runs, sizeof *ro);
    sgl_ams_run *v = runs ? runs : sgl_calloc(o->runs, sizeof *v);
    if (!ro || !v) {
        sgl_free(ro);
        if (v != runs) sgl_free(v);
        return sgl_fail(err, SGL_ENOMEM, "", "out of memory");
    }
    memset(v, 0, o->runs * sizeof *v);
    for (uint32_t k = 0; k < o->runs; ++k) ro[k].v = &v[k];
    const int nt = s->threads > 0 ? s->threads : omp_get_max_threads();
#pragma omp parallel for schedule(dynamic, 1) num_threads(nt)
    for (uint32_t k = 0; k < o->runs; ++k) one_run(&c, o, k, &ro[k]);
    st = SGL_OK;
    for (uint32_t k = 0; k < o->runs && st == SGL_OK; ++k)   /* the first failing run's message, in run order */
        if (ro[k].st != SGL_OK) {
            st = ro[k].st;
            *err = ro[k].err;
            if (!err->msg[0]) sgl_fail(err, st, "", "%s", sgl_strerror(st));
        }
    if (st == SGL_OK) sgl_ams_pool(v, o->runs, r);
    r->seconds = omp_get_wtime() - t0;
    sgl_free(ro);
    if (v != runs) sgl_free(v);
    return st;
}

sgl_status sgl_escape_ams(const sgl_escape_spec *s, const sgl_ams_opts *o, sgl_ams_result *r, sgl_err *err)
{
    return sgl_escape_ams_runs(s, o, r, NULL, err);
}
