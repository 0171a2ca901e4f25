/* `sgdlab limit` as one library call (sgl_limit_compare): the limiting SDE of
 * a spec and, at each of a few step sizes eta, SGD for round(T / eta^2)
 * steps from the same spec, summarised at t = T per observable (and per live
 * coordinate for models with at most SGL_LIMIT_COORD_ROWS of them), each
 * column optionally a run in a store.  A front end only renders the result
 * (the CLI's table, sgl_limit_comparison_json for --json and Python). */
#include "plan.h"

#include <math.h>
#include <string.h>

/* coordinate rows: live coordinates in layout order when there are <= SGL_LIMIT_COORD_ROWS */
static size_t coord_rows(const sgl_plan *p, size_t *idx)
{
    sgl_model m;
    if (sgl_model_init(&m, p->mtype, p->data[0], isnan(p->spec.a) ? p->mtype->default_a : p->spec.a, NULL) != SGL_OK)
        return 0;
    size_t nb, len, stride;
    sgl_model_layout(&m, &nb, &len, &stride);
    if (nb * len > SGL_LIMIT_COORD_ROWS) return 0;
    for (size_t q = 0; q < nb * len; ++q) idx[q] = (q / len) * stride + q % len;
    return nb * len;
}

/* mean +- SE at the last log point: the observables, then the coordinates cidx[0..nc) of theta_final */
static void fill_column(const sgl_plan *p, const sgl_results *r, const size_t *cidx, size_t nc,
                        sgl_limit_column *c)
{
    size_t row = 0;
    for (size_t o = 0; o < p->n_obs; ++o, ++row) {
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
            s += r->theta_final[(size_t)t * r->dim + cidx[q]];
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

/* what the limit integrates, in words */
static const char *form_text(const sgl_plan *p, sgl_limit_form f)
{
    if (f == SGL_LIMIT_GENERAL) return "general four-term form (THEORY 2.5) from the noise covariance";
    const char *nm = p->noise->name;
    if (p->noise->label_c) return "closed: label noise, dzeta/dt = -(c/4) grad_Gamma tr H";
    if (strcmp(nm, "gaussian") == 0) return "closed: isotropic, Brownian motion on Gamma - (sigma^2/4) grad_Gamma log pdet H";
    if (strcmp(nm, "sqrt-loss") == 0) return "closed: GD on sqrt L, dzeta/dt = -(1/8) grad_Gamma lambda_1";
    if (strcmp(nm, "normalized") == 0) return "closed: normalised GD, dzeta/dt = -(1/4) grad_Gamma log lambda_1";
    return "closed: Sigma = 0 on Gamma, no motion on the eta^2 clock";
}

static sgl_status check_etas(const sgl_limit_spec *s, const double *etas, size_t n_eta, sgl_err *err)
{
    if (n_eta > SGL_LIMIT_MAX_ETAS)
        return sgl_fail(err, SGL_EINVAL, "--lrs", "must be 1 to %d learning rates lr1,lr2,... > 0, got %zu",
                        SGL_LIMIT_MAX_ETAS, n_eta);
    for (size_t i = 0; i < n_eta; ++i) {
        double k = nearbyint(s->T / (etas[i] * etas[i]));
        if (!(etas[i] > 0.0) || !(k >= 1.0) || k > 1e10)
            return sgl_fail(err, SGL_EINVAL, "--lrs", "eta = %g gives T/eta^2 = %.3g SGD steps; allowed 1 to 1e10",
                            etas[i], s->T / (etas[i] * etas[i]));
    }
    return SGL_OK;
}

/* the SGD columns: the limit's run spec at eta = etas[i] for round(T / eta^2) steps, logged at the end */
static sgl_status sgd_columns(const sgl_plan *p, const sgl_limit_spec *s, const double *etas, size_t n_eta,
                              sgl_store *db, const sgl_run_info *info, const size_t *cidx, size_t nc,
                              sgl_limit_comparison *out, sgl_err *err)
{
    for (size_t i = 0; i < n_eta; ++i) {
        sgl_any_spec rs;
        sgl_any_spec_default(&rs, SGL_KIND_RUN);
        rs.u.run = s->run;
        rs.u.run.lr = etas[i];
        rs.u.run.steps = (uint64_t)nearbyint(s->T / (etas[i] * etas[i]));
        rs.u.run.every = rs.u.run.steps;
        sgl_record rec;
        sgl_status st = sgl_store_run_any(db, &rs, info, NULL, &rec, NULL, err);
        sgl_limit_column *c = &out->col[1 + i];
        c->seconds = rec.seconds;
        c->eta = etas[i];
        c->steps = rs.u.run.steps;
        if (st == SGL_OK) fill_column(p, rec.res, cidx, nc, c);
        sgl_record_clear(&rec);
        if (st != SGL_OK) return st;
        out->n_eta = i + 1;
    }
    return SGL_OK;
}

sgl_status sgl_limit_compare(const sgl_limit_spec *s, const double *etas, size_t n_eta, const char *db_path,
                             const sgl_run_info *info, sgl_limit_comparison *out, sgl_err *err)
{
    memset(out, 0, sizeof *out);
    sgl_status st = check_etas(s, etas, n_eta, err);
    if (st != SGL_OK) return st;
    sgl_any_spec ls;
    sgl_any_spec_default(&ls, SGL_KIND_LIMIT);
    ls.u.limit = *s;
    ls.u.limit.run.steps = 1;   /* the plan of a limit: one step, logged once */
    ls.u.limit.run.every = 1;
    sgl_plan *p = NULL;
    if ((st = sgl_limit_plan_alloc(&ls.u.limit, &p, err)) != SGL_OK) return st;
    size_t cidx[SGL_LIMIT_COORD_ROWS];
    const size_t nc = coord_rows(p, cidx);
    out->n_rows = p->n_obs + nc;
    for (size_t q = 0; q < p->n_obs; ++q) snprintf(out->row[q], sizeof out->row[q], "%s", p->obs[q]->name);
    for (size_t q = 0; q < nc; ++q) snprintf(out->row[p->n_obs + q], sizeof out->row[0], "theta[%zu]", cidx[q]);
    out->model = p->mtype->name;
    out->noise = p->noise->name;
    out->T = s->T;
    out->seeds = s->run.seeds;
    out->seed = s->run.seed;
    /* the store is opened once the plan exists: bad input writes nothing */
    sgl_store *db = NULL;
    sgl_record lrec = {0};
    if (db_path && (st = sgl_store_open(db_path, 0, 5000, &db, err)) != SGL_OK) goto done;
    if ((st = sgl_store_run_any(db, &ls, info, p, &lrec, NULL, err)) != SGL_OK) goto done;
    out->info = lrec.limit;
    out->form_text = form_text(p, lrec.limit.form_used);
    sgl_limit_column *c = &out->col[0];
    c->seconds = lrec.seconds;
    c->eta = NAN;
    c->steps = lrec.limit.em_steps;
    fill_column(p, lrec.res, cidx, nc, c);
    st = sgd_columns(p, &ls.u.limit, etas, n_eta, db, info, cidx, nc, out, err);
done:
    if (db) {
        sgl_err e2 = {{0}, {0}};
        sgl_status cs = sgl_store_close(db, &e2);
        if (st == SGL_OK && cs != SGL_OK) {
            st = cs;
            if (err) *err = e2;
        }
    }
    sgl_record_clear(&lrec);
    sgl_plan_free(p);
    return st;
}

void sgl_limit_comparison_json(sgl_json *w, const sgl_limit_comparison *c)
{
    sgl_json_begin_object(w);
    sgl_json_kstring(w, "command", "limit");
    sgl_json_kstring(w, "model", c->model);
    sgl_json_kstring(w, "noise", c->noise);
    sgl_json_kstring(w, "time_unit", "t = eta^2 k");
    sgl_json_kdouble(w, "T", c->T);
    sgl_json_kdouble(w, "dt", c->info.dt);
    sgl_json_kuint(w, "em_steps", c->info.em_steps);
    sgl_json_kstring(w, "form", sgl_limit_form_names[c->info.form_used]);
    sgl_json_kstring(w, "form_text", c->form_text);
    sgl_json_kuint(w, "rank", c->info.rank);
    sgl_json_kdouble(w, "gap_ratio", c->info.gap_ratio);
    sgl_json_kdouble(w, "label_c", c->info.label_c);
    sgl_json_kuint(w, "seeds", c->seeds);
    sgl_json_kuint(w, "seed", c->seed);
    sgl_json_key(w, "columns");
    sgl_json_begin_array(w);
    for (size_t k = 0; k <= c->n_eta; ++k) {
        const sgl_limit_column *col = &c->col[k];
        sgl_json_begin_object(w);
        sgl_json_kstring(w, "kind", k ? "sgd" : "limit");
        sgl_json_kdouble(w, "eta", col->eta);
        sgl_json_kuint(w, k ? "steps" : "em_steps", col->steps);
        sgl_json_kdouble(w, "seconds", col->seconds);
        sgl_json_kuint(w, "n", col->n_ok);
        sgl_json_kuint(w, "diverged", col->n_div);
        sgl_json_key(w, "observables");
        sgl_json_begin_object(w);
        for (size_t q = 0; q < c->n_rows; ++q) {
            sgl_json_key(w, c->row[q]);
            sgl_json_begin_object(w);
            sgl_json_kdouble(w, "mean", col->mean[q]);
            sgl_json_kdouble(w, "se", col->se[q]);
            sgl_json_kuint(w, "n", col->n[q]);
            sgl_json_end_object(w);
        }
        sgl_json_end_object(w);
        sgl_json_end_object(w);
    }
    sgl_json_end_array(w);
    sgl_json_end_object(w);
}
