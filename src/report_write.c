/* The report of a store (`sgdlab report`; the Python Store can write the
 * same bytes): per group of a resolved request (sgl_report_req), series
 * runs: mean +- SE of one observable at the final (or a chosen) step; escape
 * runs: MFPT and rate with SE and CI (the statistics: sgl_store_*_groups).
 * As a table, CSV or JSON Lines, written to a caller's FILE.  Nothing read
 * from the store is trusted: CSV and JSON through the library's quoting, a
 * table cell's control characters shown as '?'. */
#include "internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

typedef struct {
    FILE *f;
    sgl_report_format fmt;
    const sgl_report_req *r;
    const char *db;
    int oom;                       /* a value could not be quoted: the output is incomplete */
} rw;

/* s quoted for CSV */
static void put_quoted(rw *o, const char *s)
{
    char small[512];
    size_t n = sgl_quote_csv(s, small, sizeof small);
    if (n < sizeof small) {
        fputs(small, o->f);
        return;
    }
    char *big = sgl_malloc(n + 1);
    if (!big) {
        o->oom = 1;
        return;
    }
    sgl_quote_csv(s, big, n + 1);
    fputs(big, o->f);
    sgl_free(big);
}

/* a table cell: control characters (a line break in a stored name) shown as '?' */
static void put_cell(FILE *f, const char *s, int width)
{
    int n = 0;
    for (; *s; ++s, ++n) fputc((unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s, f);
    for (; n < width; ++n) fputc(' ', f);
    fputc(' ', f);
}

/* a group value in JSON: a number as is, NULL and non-finite as null, text as a string */
static void put_json_value(sgl_json *w, const sgl_value *v)
{
    if (v->type == SGL_VAL_INT || v->type == SGL_VAL_REAL) sgl_json_raw(w, v->text);
    else if (v->type == SGL_VAL_NULL) sgl_json_null(w);
    else sgl_json_string(w, v->text);
}

static void json_line_end(rw *o, sgl_json *w)
{
    if (sgl_json_status(w) == SGL_ENOMEM) o->oom = 1;
    fputc('\n', o->f);
}

/* %.17g; non-finite as nan, inf, -inf */
static void print_double(FILE *f, double x)
{
    if (isfinite(x)) fprintf(f, "%.17g", x);
    else fputs(isnan(x) ? "nan" : (x > 0 ? "inf" : "-inf"), f);
}

#define ESC_LEVEL 0.95

/* One CSV / JSON Lines column of a report row: its name (CSV header, JSON
 * member) and value.  Each kind of row lists its columns once (escape_cols,
 * series_cols), for the header and for every row; the table has its own
 * layout. */
typedef enum { COL_REAL, COL_G, COL_UINT, COL_INT, COL_TEXT } col_type;
typedef struct {
    const char *name;
    col_type type;
    double x;
    unsigned long long u;
    long long i;
    const char *s;
} rep_col;
#define MAX_COLS 16

/* the group's key values: table cells, CSV fields (each followed by a comma) or JSON members */
static void put_keys(rw *o, sgl_json *w, const sgl_value *key, size_t nk)
{
    for (size_t i = 0; i < nk; ++i) {
        if (o->fmt == SGL_REPORT_TABLE) put_cell(o->f, key[i].text, 14);
        else if (o->fmt == SGL_REPORT_CSV) {
            put_quoted(o, key[i].text);
            fputc(',', o->f);
        } else {
            sgl_json_key(w, o->r->q.keys[i]);
            put_json_value(w, &key[i]);
        }
    }
}

/* a CSV or JSON Lines row: the key values, then (JSON: the member lead = value and) the columns */
static void put_row(rw *o, const sgl_value *key, size_t nk, const char *lead, const char *value,
                    const rep_col *c, size_t n)
{
    sgl_json w;
    const int json = o->fmt == SGL_REPORT_JSONL;
    if (json) {
        sgl_json_to_file(&w, o->f);
        sgl_json_begin_object(&w);
    }
    put_keys(o, &w, key, nk);
    if (json) sgl_json_kstring(&w, lead, value);
    for (size_t j = 0; j < n; ++j) {
        if (!json && j) fputc(',', o->f);
        switch (c[j].type) {
        case COL_REAL:
            if (json) sgl_json_kdouble(&w, c[j].name, c[j].x);
            else print_double(o->f, c[j].x);
            break;
        case COL_G:
            if (json) {
                sgl_json_key(&w, c[j].name);
                sgl_json_double_fmt(&w, "%g", c[j].x);
            } else {
                fprintf(o->f, "%g", c[j].x);
            }
            break;
        case COL_UINT:
            if (json) sgl_json_kuint(&w, c[j].name, c[j].u);
            else fprintf(o->f, "%llu", c[j].u);
            break;
        case COL_INT:
            if (json) sgl_json_kint(&w, c[j].name, c[j].i);
            else fprintf(o->f, "%lld", c[j].i);
            break;
        case COL_TEXT:
            if (json) sgl_json_kstring(&w, c[j].name, c[j].s);
            else put_quoted(o, c[j].s);
            break;
        }
    }
    if (json) {
        sgl_json_end_object(&w);
        json_line_end(o, &w);
    } else {
        fputc('\n', o->f);
    }
}

/* the header's filter line (table) and key names (table, CSV); CSV: then the columns' names */
static void put_keys_header(rw *o, const rep_col *c, size_t n)
{
    if (o->fmt == SGL_REPORT_TABLE) {
        for (size_t i = 0; i < o->r->n_where; ++i)
            fprintf(o->f, "%s%s = %s%s", i ? ", " : "# only runs with ", o->r->q.where[i].key, strchr(o->r->where[i], '=') + 1,
                   i + 1 == o->r->n_where ? "\n" : "");
        for (size_t i = 0; i < o->r->q.n_keys; ++i) fprintf(o->f, "%-14s ", o->r->q.keys[i]);
    } else if (o->fmt == SGL_REPORT_CSV) {
        for (size_t i = 0; i < o->r->q.n_keys; ++i) {
            put_quoted(o, o->r->q.keys[i]);
            fputc(',', o->f);
        }
        for (size_t j = 0; j < n; ++j) fprintf(o->f, "%s%s", j ? "," : "", c[j].name);
        fputc('\n', o->f);
    }
}

/* ---------------------------------------------------------------- report: escape */

/* an escape group's columns (g NULL: the names only) */
static size_t escape_cols(const sgl_escape_group *g, rep_col *c)
{
    static const sgl_escape_group none;
    if (!g) g = &none;
    const sgl_rate_est *r = &g->rate;
    const rep_col v[] = {
        {"mfpt", COL_REAL, .x = g->mfpt}, {"mfpt_se", COL_REAL, .x = g->mfpt_se},
        {"mfpt_ci_lo", COL_REAL, .x = g->mfpt_ci_lo}, {"mfpt_ci_hi", COL_REAL, .x = g->mfpt_ci_hi},
        {"rate", COL_REAL, .x = r->value}, {"rate_se", COL_REAL, .x = r->se},
        {"rate_ci_lo", COL_REAL, .x = r->ci_lo}, {"rate_ci_hi", COL_REAL, .x = r->ci_hi},
        {"level", COL_G, .x = ESC_LEVEL}, {"runs", COL_UINT, .u = g->n_runs},
        {"n", COL_UINT, .u = (unsigned long long)(r->escaped + r->censored)},
        {"escaped", COL_UINT, .u = (unsigned long long)r->escaped},
        {"censored", COL_UINT, .u = (unsigned long long)r->censored},
        {"n_diverged", COL_UINT, .u = (unsigned long long)r->diverged}, {"time_unit", COL_TEXT, .s = g->time_unit}};
    memcpy(c, v, sizeof v);
    return sizeof v / sizeof v[0];
}

static int escape_row(void *user, const sgl_escape_group *g)
{
    rw *o = user;
    const sgl_rate_est *r = &g->rate;
    rep_col c[MAX_COLS];
    const size_t nc = escape_cols(g, c);
    if (o->fmt == SGL_REPORT_TABLE) {
        put_keys(o, NULL, g->key, g->n_keys);
        char mf[48], ci[64], rate[48];
        snprintf(mf, sizeof mf, "%.6g +- %.2g", g->mfpt, g->mfpt_se);
        snprintf(ci, sizeof ci, "[%.4g, %.4g]", g->mfpt_ci_lo, g->mfpt_ci_hi);
        snprintf(rate, sizeof rate, "%.4g +- %.2g", r->value, r->se);
        fprintf(o->f, "%-22s %-22s %-20s %4zu %6zu %7llu %8llu %5llu %s\n", mf, ci, rate, g->n_runs,
               (size_t)(r->escaped + r->censored), (unsigned long long)r->escaped, (unsigned long long)r->censored,
               (unsigned long long)r->diverged, g->time_unit);
    } else {
        put_row(o, g->key, g->n_keys, "estimate", "escape", c, nc);
    }
    return ferror(o->f) || o->oom ? -3 : 0;
}

static void escape_header(rw *o, int ams)
{
    rep_col c[MAX_COLS];
    const size_t nc = escape_cols(NULL, c);
    if (o->fmt == SGL_REPORT_TABLE) {
        fprintf(o->f, "# sgdlab report %s: escape runs; per group, the first-passage times of the trajectories of its "
               "finished runs pooled into the censored exponential MLE of the rate kappa = escapes / exposure "
               "(exposure: the summed min(tau, t_max); 95%% likelihood-ratio CI); MFPT = 1/kappa, SE by the delta "
               "method, CI the rate's inverted; diverged trajectories counted apart\n"
               "# time unit: t (SDE time) or t_eta = eta k (SGD), as the unit column says; the MFPT of a group "
               "with no escape is unbounded (inf; CI from its lower end)\n", o->db);
        if (ams)
            fprintf(o->f, "# method ams runs (adaptive multilevel splitting; their groups come after the direct "
                   "runs' and are never pooled with them): per group, the independent splitting runs of its runs "
                   "pooled as one run pools them: MFPT = T_first + (1 - p)/p T_loop + T_reactive, delta-method SE "
                   "across the splitting runs, log-normal 95%% t CI, rate = 1/MFPT; n = splitting runs, escaped = "
                   "those that reached the event; time unit t\n");
        put_keys_header(o, c, nc);
        fprintf(o->f, "%-22s %-22s %-20s %4s %6s %7s %8s %5s %s\n", "mfpt +- se", "mfpt 95% ci", "rate +- se", "runs", "n",
               "escaped", "censored", "div", "unit");
    } else {
        put_keys_header(o, c, nc);
    }
}

/* ---------------------------------------------------------------- report: series */

/* A group with data-draw: shared runs: its trajectories are not independent
 * replicates over data draws (each run's share one draw), so mean +- se are
 * over the runs' means, one replicate per draw (sgl_series_group); se_traj,
 * the SE over trajectories, is conditional on the draws.  g NULL: the names
 * only. */
static size_t series_cols(const rw *o, const sgl_series_group *g, rep_col *c)
{
    static const sgl_series_group none;
    if (!g) g = &none;
    const int sh = g->n_shared_runs != 0;
    const rep_col v[] = {
        {"mean", COL_REAL, .x = sh ? g->mean_draws : g->mean}, {"se", COL_REAL, .x = sh ? g->se_draws : g->se},
        {"runs", COL_UINT, .u = g->n_runs}, {"n", COL_UINT, .u = g->n}, {"n_diverged", COL_UINT, .u = g->n_diverged},
        {"n_nonfinite", COL_UINT, .u = g->n_nonfinite}, {"step_min", COL_INT, .i = g->step_min},
        {"step_max", COL_INT, .i = g->step_max},
        /* only when the store holds shared runs: */
        {"replicate", COL_TEXT, .s = sh ? "data-draw" : "trajectory"},
        {"n_replicates", COL_UINT, .u = sh ? g->n_draws : g->n}, {"se_traj", COL_REAL, .x = g->se}};
    memcpy(c, v, sizeof v);
    return o->r->shared ? sizeof v / sizeof v[0] : 8;
}

static int series_row(void *user, const sgl_series_group *g)
{
    rw *o = user;
    rep_col c[MAX_COLS];
    const size_t nc = series_cols(o, g, c);
    if (o->fmt == SGL_REPORT_TABLE) {
        put_keys(o, NULL, g->key, g->n_keys);
        char cell[80], stepbuf[64];
        if (g->step_min == g->step_max) snprintf(stepbuf, sizeof stepbuf, "%lld", (long long)g->step_min);
        else snprintf(stepbuf, sizeof stepbuf, "%lld..%lld", (long long)g->step_min, (long long)g->step_max);
        snprintf(cell, sizeof cell, "%.6g +- %.2g", c[0].x, c[1].x);
        fprintf(o->f, "%-28s %5zu %6zu %5zu %9zu %12s", cell, g->n_runs, g->n, g->n_diverged, g->n_nonfinite, stepbuf);
        if (o->r->shared) fprintf(o->f, " %-10s %8zu %10.2g", c[8].s, (size_t)c[9].u, g->se);
        fputc('\n', o->f);
    } else {
        put_row(o, g->key, g->n_keys, "observable", o->r->obs, c, nc);
    }
    return ferror(o->f) || o->oom ? -3 : 0;
}

static void series_header(rw *o)
{
    rep_col c[MAX_COLS];
    const size_t nc = series_cols(o, NULL, c);
    if (o->fmt == SGL_REPORT_TABLE) {
        fprintf(o->f, "# sgdlab report %s: %s at %s; mean +- standard error over the pooled trajectories of each group's "
               "finished runs (diverged and non-finite counted apart)\n# time unit: step = k (SGD steps)\n",
               o->db, o->r->obs, o->r->has_step ? "the chosen step" : "each run's final step");
        if (o->r->shared)
            fprintf(o->f, "# data-draw shared: the trajectories of one such run share one data draw, so they are not "
                   "independent replicates; in a group with such runs mean +- se is over the runs' means (one "
                   "replicate per data draw; replicate = data-draw, n_rep of them) and se_traj, the SE over "
                   "trajectories, is conditional on the draws\n");
        put_keys_header(o, c, nc);
        fprintf(o->f, "%-28s %5s %6s %5s %9s %12s", "mean +- se", "runs", "n", "div", "nonfinite", "step");
        fprintf(o->f, o->r->shared ? " %-10s %8s %10s\n" : "\n", "replicate", "n_rep", "se_traj");
    } else {
        put_keys_header(o, c, nc);
    }
}


sgl_status sgl_report_write(sgl_store *st, const sgl_report_req *r, sgl_report_format fmt, const char *db, FILE *f,
                            sgl_err *err)
{
    rw o = {f, fmt, r, db ? db : "", 0};
    sgl_status s;
    if (strcmp(r->kind, "escape") == 0) {
        int64_t n_ams = 0;
        if ((s = sgl_store_count_param(st, "method", "ams", &n_ams, err)) != SGL_OK) return s;
        escape_header(&o, n_ams > 0);
        s = sgl_store_escape_groups(st, &r->q, ESC_LEVEL, escape_row, &o, err);
    } else {
        series_header(&o);
        s = sgl_store_series_groups(st, &r->q, series_row, &o, err);
    }
    /* field "output": the output is incomplete (the caller says where it was going) */
    if (o.oom) return sgl_fail(err, SGL_ENOMEM, "output", "out of memory quoting a value");
    if (ferror(f)) return sgl_fail(err, SGL_EIO, "output", "write error");
    return s;
}
