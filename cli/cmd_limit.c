/* sgdlab limit: the Li-Wang-Arora limiting dynamics on the manifold of
 * minimisers for the same spec as `sgdlab run`, in limit time t = eta^2 k;
 * with --compare-sgd also SGD for round(T / eta^2) steps at each eta, in one
 * table: per observable (and per coordinate for models with <= 8 live
 * parameters) the mean +- SE over trajectories at t = T.  With --db the
 * limit and each SGD column are runs in the store (command "limit"). */
#include "cli.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ETAS 8
#define MAX_ROWS 32

typedef struct {
    double mean[MAX_ROWS], se[MAX_ROWS];
    uint64_t n[MAX_ROWS];
    uint64_t n_ok, n_div;
    double secs, eta;
    uint64_t steps;
} column;

/* coordinate rows: live coordinates in layout order when there are <= 8 */
static size_t coord_rows(const sgl_plan *p, size_t *idx)
{
    sgl_model m;
    if (sgl_model_init(&m, sgl_plan_model(p), sgl_plan_data(p, 0), isnan(sgl_plan_spec(p)->a) ? sgl_plan_model(p)->default_a : sgl_plan_spec(p)->a, NULL) != SGL_OK)
        return 0;
    size_t nb, len, stride;
    sgl_model_layout(&m, &nb, &len, &stride);
    if (nb * len > 8) return 0;
    for (size_t q = 0; q < nb * len; ++q) idx[q] = (q / len) * stride + q % len;
    return nb * len;
}

static void fill_column(const sgl_plan *p, const sgl_results *r, const size_t *cidx, size_t nc, column *c)
{
    size_t row = 0;
    for (size_t o = 0; o < sgl_plan_n_obs(p); ++o, ++row) {
        sgl_summary s;
        sgl_summarize(r, r->n_log - 1, o, &s);
        c->mean[row] = s.mean;
        c->se[row] = s.std_err;
        c->n[row] = s.n;
    }
    c->n_ok = 0;
    c->n_div = 0;
    for (uint32_t t = 0; t < r->n_traj; ++t) {
        if (r->diverged[t]) ++c->n_div;
        else ++c->n_ok;
    }
    for (size_t q = 0; q < nc; ++q, ++row) {
        double s = 0.0, s2 = 0.0;
        uint64_t n = 0;
        for (uint32_t t = 0; t < r->n_traj; ++t) {
            if (r->diverged[t]) continue;
            double x = r->theta_final[(size_t)t * r->dim + cidx[q]];
            s += x;
            ++n;
        }
        double mean = n ? s / (double)n : NAN;
        for (uint32_t t = 0; t < r->n_traj; ++t) {
            if (r->diverged[t]) continue;
            double x = r->theta_final[(size_t)t * r->dim + cidx[q]] - mean;
            s2 += x * x;
        }
        c->mean[row] = mean;
        c->se[row] = n > 1 ? sqrt(s2 / (double)(n - 1) / (double)n) : NAN;
        c->n[row] = n;
    }
}

static sgl_status parse_etas(const char *s, double *etas, size_t *n, sgl_err *err)
{
    *n = 0;
    for (const char *tok = s;;) {
        const char *comma = strchr(tok, ',');
        size_t len = comma ? (size_t)(comma - tok) : strlen(tok);
        char buf[64];
        double v;
        if (len == 0 || len >= sizeof buf || *n == MAX_ETAS)
            return sgl_fail(err, SGL_EINVAL, "--etas", "must be 1 to %d step sizes e1,e2,... > 0, got '%s'", MAX_ETAS,
                            s);
        memcpy(buf, tok, len);
        buf[len] = '\0';
        if (sgl_parse_double(buf, &v) != 0 || !(v > 0.0))
            return sgl_fail(err, SGL_EINVAL, "--etas", "must be step sizes > 0, got '%s' in '%s'", buf, s);
        etas[(*n)++] = v;
        if (!comma) break;
        tok = comma + 1;
    }
    return SGL_OK;
}

static const char *form_text(const sgl_plan *p, sgl_limit_form f)
{
    if (f == SGL_LIMIT_GENERAL) return "general four-term form (THEORY 2.5) from the noise covariance";
    const char *nm = sgl_plan_noise(p)->name;
    if (sgl_plan_noise(p)->label_c) return "closed: label noise, dzeta/dt = -(c/4) grad_Gamma tr H";
    if (strcmp(nm, "gaussian") == 0) return "closed: isotropic, Brownian motion on Gamma - (sigma^2/4) grad_Gamma log pdet H";
    if (strcmp(nm, "sqrt-loss") == 0) return "closed: GD on sqrt L, dzeta/dt = -(1/8) grad_Gamma lambda_1";
    if (strcmp(nm, "normalized") == 0) return "closed: normalised GD, dzeta/dt = -(1/4) grad_Gamma log lambda_1";
    return "closed: Sigma = 0 on Gamma, no motion on the eta^2 clock";
}

/* the --json object of a limit run: the limit, its form, and one column per SGD eta */
static void print_limit_json(const sgl_plan *p, const sgl_spec *spec, const sgl_limit_info *info, double T,
                              const column *cols, size_t n_eta, char (*names)[32], size_t n_rows)
{
    sgl_json w;
    sgl_json_to_file(&w, stdout);
    sgl_json_begin_object(&w);
    sgl_json_kstring(&w, "command", "limit");
    sgl_json_kstring(&w, "model", sgl_plan_model(p)->name);
    sgl_json_kstring(&w, "noise", sgl_plan_noise(p)->name);
    sgl_json_kstring(&w, "time_unit", "t = eta^2 k");
    sgl_json_kdouble(&w, "T", T);
    sgl_json_kdouble(&w, "dt", info->dt);
    sgl_json_kuint(&w, "em_steps", info->em_steps);
    sgl_json_kstring(&w, "form", sgl_limit_form_names[info->form_used]);
    sgl_json_kstring(&w, "form_text", form_text(p, info->form_used));
    sgl_json_kuint(&w, "rank", info->rank);
    sgl_json_kdouble(&w, "gap_ratio", info->gap_ratio);
    sgl_json_kdouble(&w, "label_c", info->label_c);
    sgl_json_kuint(&w, "seeds", spec->seeds);
    sgl_json_kuint(&w, "seed", spec->seed);
    sgl_json_key(&w, "columns");
    sgl_json_begin_array(&w);
    for (size_t c = 0; c <= n_eta; ++c) {
        sgl_json_begin_object(&w);
        sgl_json_kstring(&w, "kind", c ? "sgd" : "limit");
        sgl_json_kdouble(&w, "eta", cols[c].eta);
        sgl_json_kuint(&w, c ? "steps" : "em_steps", cols[c].steps);
        sgl_json_kdouble(&w, "seconds", cols[c].secs);
        sgl_json_kuint(&w, "n", cols[c].n_ok);
        sgl_json_kuint(&w, "diverged", cols[c].n_div);
        sgl_json_key(&w, "observables");
        sgl_json_begin_object(&w);
        for (size_t q = 0; q < n_rows; ++q) {
            sgl_json_key(&w, names[q]);
            sgl_json_begin_object(&w);
            sgl_json_kdouble(&w, "mean", cols[c].mean[q]);
            sgl_json_kdouble(&w, "se", cols[c].se[q]);
            sgl_json_kuint(&w, "n", cols[c].n[q]);
            sgl_json_end_object(&w);
        }
        sgl_json_end_object(&w);
        sgl_json_end_object(&w);
    }
    sgl_json_end_array(&w);
    sgl_json_end_object(&w);
    putchar('\n');
}

/* the table of a limit run: one row per observable, one column for the limit and one per SGD eta */
static void print_limit_table(const sgl_plan *p, const sgl_spec *spec, const sgl_limit_info *info, double T,
                               const column *cols, size_t n_eta, char (*names)[32], size_t n_rows)
{
    printf("# sgdlab limit: model %s, noise %s, %u trajectories (seed %llu)\n", sgl_plan_model(p)->name, sgl_plan_noise(p)->name,
           spec->seeds, (unsigned long long)spec->seed);
    printf("# limit: %s\n", form_text(p, info->form_used));
    printf("# rank of the Hessian on Gamma at the start: %zu (gap ratio lambda_{M+1}/lambda_M = %.3g)", info->rank,
           info->gap_ratio);
    if (!isnan(info->label_c)) printf("; label-noise constant c = 2 a delta^2 / B = %.6g", info->label_c);
    printf("\n# time: limit time t = eta^2 k; T = %g; Euler-Maruyama dt = %g (%llu steps) with projection by Phi\n",
           T, info->dt, (unsigned long long)info->em_steps);
    printf("# values: mean +- SE over trajectories at t = T\n");
    printf("%-16s %-28s", "observable", "limit");
    for (size_t c = 1; c <= n_eta; ++c) {
        char h[64];
        snprintf(h, sizeof h, "SGD eta=%g k=%llu", cols[c].eta, (unsigned long long)cols[c].steps);
        printf(" %-28s", h);
    }
    printf("\n");
    for (size_t q = 0; q < n_rows; ++q) {
        printf("%-16s", names[q]);
        for (size_t c = 0; c <= n_eta; ++c) {
            char v[64];
            snprintf(v, sizeof v, "%.6g +- %.2g", cols[c].mean[q], cols[c].se[q]);
            printf(" %-28s", v);
        }
        printf("\n");
    }
    printf("%-16s", "ok/diverged");
    for (size_t c = 0; c <= n_eta; ++c) {
        char v[64];
        snprintf(v, sizeof v, "%llu/%llu", (unsigned long long)cols[c].n_ok, (unsigned long long)cols[c].n_div);
        printf(" %-28s", v);
    }
    printf("\n%-16s", "wall seconds");
    for (size_t c = 0; c <= n_eta; ++c) {
        char v[64];
        snprintf(v, sizeof v, "%.3g", cols[c].secs);
        printf(" %-28s", v);
    }
    printf("\n");
}

int sgl_cmd_limit(int argc, char **argv)
{
    sgl_cli_opts o;
    sgl_err err = {{0}, {0}};
    sgl_status st = sgl_cli_parse(argc, argv, 2, SGL_CMD_LIMIT, &o, &err);
    if (st != SGL_OK) return sgl_cli_report(st, &err);
    if (o.help) return SGL_EXIT_OK;
    if ((st = sgl_cli_check_relevance(&o, &err)) != SGL_OK) return sgl_cli_report(st, &err);
    /* a model plugin: its content hash goes into the stored parameters and the run key */
    if ((st = sgl_spec_resolve_plugin(&o.any.u.limit.run, &err)) != SGL_OK ||
        (st = sgl_spec_resolve_plugin(&o.spec, &err)) != SGL_OK)
        return sgl_cli_report(st, &err);
    if ((st = sgl_any_spec_validate(&o.any, &err)) != SGL_OK) return sgl_cli_report(st, &err);
    sgl_limit_opts lo;
    sgl_limit_opts_default(&lo);
    lo.T = o.T;
    lo.dt = sgl_cli_given(&o, "--dt") ? o.dt : lo.T / 1000.0;
    lo.form = (sgl_limit_form)o.form;
    double etas[MAX_ETAS];
    size_t n_eta = 0;
    if (sgl_cli_given(&o, "--etas") && !o.compare_sgd)
        return sgl_cli_report(sgl_fail(&err, SGL_EINVAL, "--etas", "only used with --compare-sgd"), &err);
    if (o.compare_sgd) {
        if (o.etas) {
            if ((st = parse_etas(o.etas, etas, &n_eta, &err))) return sgl_cli_report(st, &err);
        } else {
            etas[0] = o.spec.lr;
            etas[1] = o.spec.lr / 2;
            etas[2] = o.spec.lr / 4;
            n_eta = 3;
        }
        for (size_t i = 0; i < n_eta; ++i) {
            double k = nearbyint(lo.T / (etas[i] * etas[i]));
            if (!(k >= 1.0) || k > 1e10)
                return sgl_cli_report(sgl_fail(&err, SGL_EINVAL, "--etas",
                                               "eta = %g gives T/eta^2 = %.3g SGD steps; allowed 1 to 1e10", etas[i],
                                               lo.T / (etas[i] * etas[i])),
                                      &err);
        }
    } else if (sgl_cli_given(&o, "--lr")) {
        return sgl_cli_report(sgl_fail(&err, SGL_EINVAL, "--lr", "only used with --compare-sgd (the limit has no eta)"),
                              &err);
    }
    o.spec.steps = 1;
    o.spec.every = 1;
    sgl_plan *p = NULL;
    sgl_record lrec = {0};
    sgl_store *db = NULL;
    column *cols = calloc(1 + n_eta, sizeof *cols);
    if (!cols) return sgl_cli_report(SGL_ENOMEM, &err);
    sgl_any_spec ls;
    sgl_any_spec_default(&ls, SGL_KIND_LIMIT);
    ls.u.limit.run = o.spec;
    ls.u.limit.T = lo.T;
    ls.u.limit.dt = lo.dt;
    ls.u.limit.form = lo.form;
    if ((st = sgl_limit_plan_alloc(&ls.u.limit, &p, &err)) != SGL_OK) goto done;
    size_t cidx[8];
    const size_t nc = coord_rows(p, cidx);
    const size_t n_rows = sgl_plan_n_obs(p) + nc;
    /* --db: the limit (and each SGD column) is a run in the store, through the library's life cycle */
    if (o.db_path && (st = sgl_store_open(o.db_path, 0, 5000, &db, &err)) != SGL_OK) goto done;
    sgl_run_info rinfo = {.command = "limit", .sweep_index = -1, .threads = o.threads, .ranks = 1};
    if ((st = sgl_store_run_any(db, &ls, &rinfo, p, &lrec, NULL, &err)) != SGL_OK) {
        /* only the start point fails the whole call: name the flag that gave it */
        if (st == SGL_EINVAL && strcmp(err.field, "theta") == 0) {
            char msg[sizeof err.msg];
            snprintf(msg, sizeof msg, "%s", err.msg);
            sgl_fail(&err, SGL_EINVAL, sgl_cli_given(&o, "--init") ? "--init" : "--alpha",
                     "the start point (after the gradient flow onto the minimisers) is not usable: %.400s", msg);
        }
        goto done;
    }
    const sgl_limit_info info = lrec.limit;
    cols[0].secs = lrec.seconds;
    cols[0].eta = NAN;
    cols[0].steps = info.em_steps;
    fill_column(p, lrec.res, cidx, nc, &cols[0]);
    for (size_t i = 0; i < n_eta; ++i) {
        sgl_any_spec rs;
        sgl_any_spec_default(&rs, SGL_KIND_RUN);
        rs.u.run = o.spec;
        rs.u.run.lr = etas[i];
        rs.u.run.steps = (uint64_t)nearbyint(lo.T / (etas[i] * etas[i]));
        rs.u.run.every = rs.u.run.steps;
        sgl_record rec;
        st = sgl_store_run_any(db, &rs, &rinfo, NULL, &rec, NULL, &err);
        cols[1 + i].secs = rec.seconds;
        cols[1 + i].eta = etas[i];
        cols[1 + i].steps = rs.u.run.steps;
        if (st == SGL_OK) fill_column(p, rec.res, cidx, nc, &cols[1 + i]);
        sgl_record_clear(&rec);
        if (st != SGL_OK) goto done;
    }
    char names[MAX_ROWS][32];
    for (size_t q = 0; q < sgl_plan_n_obs(p); ++q) snprintf(names[q], sizeof names[q], "%s", sgl_plan_obs(p, q)->name);
    for (size_t q = 0; q < nc; ++q) snprintf(names[sgl_plan_n_obs(p) + q], sizeof names[0], "theta[%zu]", cidx[q]);
    if (o.json) print_limit_json(p, &o.spec, &info, lo.T, cols, n_eta, names, n_rows);
    else print_limit_table(p, &o.spec, &info, lo.T, cols, n_eta, names, n_rows);
done:
    free(cols);
    if (db) {
        sgl_err e2 = {{0}, {0}};
        sgl_status cs = sgl_store_close(db, &e2);
        if (st == SGL_OK && cs != SGL_OK) st = cs, err = e2;
    }
    sgl_record_clear(&lrec);
    sgl_plan_free(p);
    return sgl_cli_report(st, &err);
}
