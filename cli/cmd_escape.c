/* sgdlab escape: M first-passage trajectories of one landscape, noise and
 * dynamics (sgl_escape_run); prints the censored-MLE rate and the MFPT with
 * their uncertainty in t = eta k and in steps k = t / eta. */
#include "cli.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef enum { E_DOUBLE, E_U32, E_U64, E_INT, E_STR, E_ENUM, E_FLAG, E_VEC } etype;
typedef struct {
    const char *name;
    etype type;
    size_t off;
    const sgl_escape_kind *const *choices;   /* E_ENUM: the registry of its values */
    const char *help;                        /* E_ENUM and --landscape: after the registry's names */
} eflag;

#define O(f) offsetof(sgl_escape_opts, f)
static const eflag k_eflags[] = {
    {"--landscape", E_STR, O(spec.landscape), NULL, " (sgdlab list)"},
    {"--L0", E_DOUBLE, O(spec.lp.L0), NULL, "loss at the minimum L* (default 0.5)"},
    {"--a", E_DOUBLE, O(spec.lp.a), NULL, "well depth a (default 1)"},
    {"--h", E_DOUBLE, O(spec.lp.h), NULL, "quadratic: curvature h (default 1)"},
    {"--h-ratio", E_DOUBLE, O(spec.lp.q), NULL, "quadratic: h_i = h q^i (default 1)"},
    {"--k", E_DOUBLE, O(spec.lp.k), NULL, "sharpness: theta -> sqrt(k) theta, Hessian x k (default 1)"},
    {"--n-dim", E_U32, O(spec.lp.n), NULL, "dimension n (default 1)"},
    {"--noise", E_ENUM, O(spec.noise), sgl_escape_noises, " (default mori)"},
    {"--D", E_DOUBLE, O(spec.D), NULL, "isotropic: diffusion D (per-step std sqrt(2 D eta))"},
    {"--B", E_DOUBLE, O(B), NULL, "batch size B (with --eta: B/eta = B / eta)"},
    {"--eta", E_DOUBLE, O(spec.eta), NULL, "learning rate eta: t = eta k (default 0.01)"},
    {"--B-over-eta", E_DOUBLE, O(spec.B_over_eta), NULL, "B / eta of mori, xie, xie-frozen (default 40)"},
    {"--dynamics", E_ENUM, O(spec.dynamics), sgl_escape_dynamics_kinds, " (default sde)"},
    {"--dt", E_DOUBLE, O(spec.dt), NULL, "sde: step in t (default eta); mori-tc: step in tau (default eta L*)"},
    {"--event", E_ENUM, O(spec.event), sgl_escape_events, ""},
    {"--offset", E_DOUBLE, O(spec.offset), NULL, "hyperplane: noise widths past the saddle (default 3)"},
    {"--c", E_DOUBLE, O(spec.c), NULL, "loss: exit at L >= c L* (default 2)"},
    {"--r", E_DOUBLE, O(spec.r), NULL, "ball: exit at |theta - theta*| >= r (default 1)"},
    {"--start", E_ENUM, O(spec.start), sgl_escape_starts, " (default min)"},
    {"--burn-in", E_DOUBLE, O(spec.burn_in), NULL, "burn-in length in t (restarted at theta* on exit)"},
    {"--x0", E_VEC, 0, NULL, "start point x1,...,xn (default theta*)"},
    {"--trajectories", E_U32, O(spec.trajectories), NULL, "trajectories M (default 1000)"},
    {"--t-max", E_DOUBLE, O(spec.t_max), NULL, "censoring horizon in t = eta k (default 1e4)"},
    {"--seed", E_U64, O(spec.seed), NULL, "Philox key (default 1)"},
    {"--threads", E_INT, O(spec.threads), NULL, "OpenMP threads (results do not depend on it)"},
    {"--json", E_FLAG, O(json), NULL, "one JSON object on stdout"},
    {"--db", E_STR, O(db_path), NULL, "also store the run (every first-passage event, the estimates) in this SQLite file"},
};
#define N_EFLAGS (sizeof k_eflags / sizeof k_eflags[0])
_Static_assert(N_EFLAGS <= 64, "sgl_escape_opts.given holds one bit per flag");

static const eflag *find_eflag(const char *name, size_t len)
{
    for (size_t k = 0; k < N_EFLAGS; ++k)
        if (strlen(k_eflags[k].name) == len && strncmp(k_eflags[k].name, name, len) == 0) return &k_eflags[k];
    return NULL;
}

int sgl_escape_given(const sgl_escape_opts *o, const char *name)
{
    const eflag *f = find_eflag(name, strlen(name));
    return f && (o->given >> (f - k_eflags) & 1u);
}

void sgl_escape_err_flag(sgl_err *err)
{
    if (!err->field[0] || strncmp(err->field, "--", 2) == 0) return;
    char tmp[sizeof err->field];
    snprintf(tmp, sizeof tmp, "--%.*s", (int)sizeof tmp - 3, err->field);
    memcpy(err->field, tmp, sizeof tmp);
}

static sgl_status parse_u64(const char *flag, const char *s, unsigned long long max, unsigned long long *out, sgl_err *err)
{
    size_t nd = strspn(s, "0123456789");
    char *end;
    errno = 0;
    if (nd > 0 && s[nd] == '\0') {
        unsigned long long v = strtoull(s, &end, 10);
        if (errno != ERANGE && v <= max) { *out = v; return SGL_OK; }
    } else if (nd > 0 && s[strspn(s, "0123456789.eE+")] == '\0') {
        double v = strtod(s, &end);
        if (*end == '\0' && errno != ERANGE && v == floor(v) && v <= (double)max && v <= 0x1p53) {
            *out = (unsigned long long)v;
            return SGL_OK;
        }
    }
    return sgl_fail(err, SGL_EINVAL, flag, "must be a non-negative integer <= %llu, got '%s'", max, s);
}

static sgl_status parse_double(const char *flag, const char *s, double *out, sgl_err *err)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || isspace((unsigned char)s[0]) || *end != '\0' || errno == ERANGE || !isfinite(v))
        return sgl_fail(err, SGL_EINVAL, flag, "must be a finite number, got '%s'", s);
    *out = v;
    return SGL_OK;
}

static sgl_status set_eflag(const eflag *f, const char *val, sgl_escape_opts *o, sgl_err *err)
{
    char *base = (char *)o + f->off;
    unsigned long long u;
    sgl_status st;
    switch (f->type) {
    case E_DOUBLE: return parse_double(f->name, val, (double *)base, err);
    case E_U32:
        if ((st = parse_u64(f->name, val, 0xffffffffull, &u, err))) return st;
        *(uint32_t *)base = (uint32_t)u;
        return SGL_OK;
    case E_U64:
        if ((st = parse_u64(f->name, val, ~0ull, &u, err))) return st;
        *(uint64_t *)base = u;
        return SGL_OK;
    case E_INT:
        if ((st = parse_u64(f->name, val, 4096, &u, err))) return st;
        *(int *)base = (int)u;
        return SGL_OK;
    case E_STR: *(const char **)base = val; return SGL_OK;
    case E_ENUM: {
        const sgl_escape_kind *kind = sgl_escape_kind_find(f->choices, val);
        if (kind) { *(int *)base = kind->id; return SGL_OK; }
        char names[160];
        sgl_escape_kind_names(f->choices, ", ", names, sizeof names);
        return sgl_fail(err, SGL_EINVAL, f->name, "unknown value '%s'; valid: %s", val, names);
    }
    case E_FLAG: *(int *)base = 1; return SGL_OK;
    case E_VEC: {
        unsigned n = 0;
        for (const char *tok = val;;) {
            const char *comma = strchr(tok, ',');
            size_t len = comma ? (size_t)(comma - tok) : strlen(tok);
            char buf[64];
            if (len == 0 || len >= sizeof buf)
                return sgl_fail(err, SGL_EINVAL, f->name, "must be finite numbers x1,x2,... , got '%s'", val);
            if (n == SGL_ESC_MAX_DIM) return sgl_fail(err, SGL_EINVAL, f->name, "at most %d values", SGL_ESC_MAX_DIM);
            memcpy(buf, tok, len);
            buf[len] = '\0';
            if ((st = parse_double(f->name, buf, &o->x0[n], err))) return st;
            ++n;
            if (!comma) break;
            tok = comma + 1;
        }
        o->spec.x0 = o->x0;
        o->spec.lanes = 0;
        /* the count is checked against --n-dim after parsing */
        o->help = -(int)n;
        return SGL_OK;
    }
    }
    return SGL_EINVAL;
}

sgl_status sgl_cli_parse_escape(int argc, char **argv, int first, sgl_escape_opts *o, sgl_err *err)
{
    memset(o, 0, sizeof *o);
    sgl_escape_spec_default(&o->spec);
    unsigned nx0 = 0;
    for (int i = first; i < argc; ++i) {
        const char *arg = argv[i];
        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            printf("flags:\n");
            for (size_t q = 0; q < N_EFLAGS; ++q) {
                const eflag *g = &k_eflags[q];
                char names[200] = "";
                if (g->choices) sgl_escape_kind_names(g->choices, " | ", names, sizeof names);
                for (size_t i = 0; g->type == E_STR && !strcmp(g->name, "--landscape") && sgl_landscapes[i]; ++i)
                    snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s", i ? " | " : "",
                             sgl_landscapes[i]->name);
                printf("  %-16s %s%s\n", g->name, names, g->help);
            }
            o->help = 1;
            return SGL_OK;
        }
        const char *eq = strchr(arg, '=');
        size_t len = eq ? (size_t)(eq - arg) : strlen(arg);
        const eflag *f = find_eflag(arg, len);
        if (!f) {
            char valid[600] = "";
            size_t k = 0;
            for (size_t q = 0; q < N_EFLAGS && k < sizeof valid; ++q)
                k += (size_t)snprintf(valid + k, sizeof valid - k, "%s%s", k ? ", " : "", k_eflags[q].name);
            return sgl_fail(err, SGL_EINVAL, len ? "flag" : "''", "unknown flag '%.*s'; valid: %s", (int)(len < 60 ? len : 60),
                            arg, valid);
        }
        o->given |= 1ull << (f - k_eflags);
        const char *val = NULL;
        if (f->type != E_FLAG) {
            if (eq) val = eq + 1;
            else if (i + 1 < argc) val = argv[++i];
            else return sgl_fail(err, SGL_EINVAL, f->name, "needs a value");
        } else if (eq) {
            return sgl_fail(err, SGL_EINVAL, f->name, "takes no value");
        }
        sgl_status st = set_eflag(f, val, o, err);
        if (st != SGL_OK) return st;
        if (f->type == E_VEC) { nx0 = (unsigned)(-o->help); o->help = 0; }
    }
    sgl_escape_spec *s = &o->spec;
    /* flags the chosen noise / landscape / event does not read are errors */
    const sgl_escape_kind *noise = sgl_escape_noises[s->noise], *event = sgl_escape_events[s->event];
    const int iso = !sgl_escape_reads(noise->reads, "B-over-eta");
    if (iso && (sgl_escape_given(o, "--B") || sgl_escape_given(o, "--B-over-eta")))
        return sgl_fail(err, SGL_EINVAL, sgl_escape_given(o, "--B") ? "--B" : "--B-over-eta",
                        "not used by --noise isotropic (it reads --D)");
    if (!sgl_escape_reads(noise->reads, "D") && sgl_escape_given(o, "--D"))
        return sgl_fail(err, SGL_EINVAL, "--D", "only used by --noise isotropic (--noise %s reads --B-over-eta or --B)",
                        noise->name);
    if (sgl_escape_given(o, "--B")) {
        if (sgl_escape_given(o, "--B-over-eta"))
            return sgl_fail(err, SGL_EINVAL, "--B", "give either --B (with --eta) or --B-over-eta, not both");
        if (!sgl_escape_given(o, "--eta")) return sgl_fail(err, SGL_EINVAL, "--B", "needs --eta (B/eta = B / eta)");
        if (!(o->B > 0)) return sgl_fail(err, SGL_EINVAL, "--B", "must be > 0, got %g", o->B);
        if (!(s->eta > 0)) return sgl_fail(err, SGL_EINVAL, "--eta", "must be > 0, got %g", s->eta);
        s->B_over_eta = o->B / s->eta;
    }
    /* the event's and the landscape's parameters: read by the chosen kinds (their .reads) or refused */
    const sgl_landscape_type *lt = sgl_landscape_lookup(s->landscape);
    static const char *const kind_keys[] = {"offset", "c", "r", "h", "h-ratio", "a"};
    for (size_t i = 0; lt && i < sizeof kind_keys / sizeof kind_keys[0]; ++i) {
        char flag[16];
        snprintf(flag, sizeof flag, "--%s", kind_keys[i]);
        if (sgl_escape_given(o, flag) && !sgl_escape_reads(event->reads, kind_keys[i]) &&
            !sgl_escape_reads(lt->reads, kind_keys[i]))
            return sgl_fail(err, SGL_EINVAL, flag, "not used with --landscape %s --event %s", s->landscape, event->name);
    }
    if (s->x0 && nx0 != s->lp.n)
        return sgl_fail(err, SGL_EINVAL, "--x0", "needs %u values (--n-dim), got %u", s->lp.n, nx0);
    /* k = 0 is the library's "unset" (read as 1): a given --k must be the sharpness it uses */
    if (sgl_escape_given(o, "--k") && !(s->lp.k > 0))
        return sgl_fail(err, SGL_EINVAL, "--k", "must be finite and > 0 (sharpness; 1 is the plain landscape), got %g",
                        s->lp.k);
    sgl_status st = sgl_escape_spec_validate(s, err);
    if (st != SGL_OK) sgl_escape_err_flag(err);
    return st;
}

/* simulation / prediction: a time in t or steps against the MFPT, a rate
 * in 1/t against the censored MLE; NaN for the rest */
static double ratio_of(const sgl_prediction *p, const sgl_mfpt_est *mf, const sgl_rate_est *rate, double eta)
{
    if (!strcmp(p->unit, "t = eta k")) return mf->mean / p->value;
    if (!strcmp(p->unit, "steps k")) return mf->mean / eta / p->value;
    if (!strcmp(p->unit, "1/t")) return rate->value / p->value;
    return NAN;
}

int sgl_cmd_escape(int argc, char **argv)
{
    sgl_escape_opts o;
    sgl_err err = {{0}, {0}};
    sgl_status st = sgl_cli_parse_escape(argc, argv, 2, &o, &err);
    if (st != SGL_OK) return sgl_cli_report(st, &err);
    if (o.help) return SGL_EXIT_OK;
    const sgl_escape_spec *s = &o.spec;
    sgl_escape_info in;
    sgl_record rec = {0};
    sgl_store *db = NULL;
    if ((st = sgl_escape_describe(s, &in, &err)) != SGL_OK) goto done;
    /* --db: the library's life cycle marks the run started before it runs (an
     * unusable store fails at once, a killed run is seen as unfinished), then
     * stores every first passage and the estimates in one transaction */
    if (o.db_path && (st = sgl_store_open(o.db_path, 0, 5000, &db, &err)) != SGL_OK) goto done;
    sgl_any_spec spec;
    sgl_any_spec_default(&spec, SGL_KIND_ESCAPE);
    spec.u.escape = *s;
    sgl_run_info info = {.command = "escape", .sweep_index = -1, .threads = s->threads, .ranks = 1};
    if ((st = sgl_store_run_any(db, &spec, &info, NULL, &rec, NULL, &err)) != SGL_OK) {
        if (!rec.esc) sgl_escape_err_flag(&err);
        goto done;
    }
    const sgl_escape_results *r = rec.esc;
    const sgl_rate_est rate = rec.rate;
    const sgl_mfpt_est mf = rec.mfpt;
    const double level = 0.95;
    const double eta = s->eta;
    const char *tu = "t = eta k";
    /* the theory of this spec: the library's one translation (sgl_theory_escape), as `sgdlab theory` prints it */
    sgl_prediction pred[64];
    size_t npred = 0;
    const char *why = NULL;
    char twhy[600] = "";
    sgl_err te = {{0}, {0}};
    if (sgl_theory_escape(s, pred, 64, &npred, &te) != SGL_OK) {
        snprintf(twhy, sizeof twhy, "%s: %s", te.field, te.msg);
        why = twhy;
        npred = 0;
    } else if (npred == 1 && strcmp(pred[0].name, "none") == 0) {
        snprintf(twhy, sizeof twhy, "%s", pred[0].note);
        why = twhy;
        npred = 0;
    }
    if (npred > 64) npred = 64;
    const int json = o.json;
    const sgl_landscape_type *lt = sgl_landscape_lookup(s->landscape);
    if (json) {
        sgl_json w;
        sgl_json_to_file(&w, stdout);
        sgl_json_begin_object(&w);
        sgl_json_kstring(&w, "command", "escape");
        sgl_json_kstring(&w, "landscape", lt->name);
        sgl_json_kuint(&w, "n", s->lp.n);
        sgl_json_kdouble(&w, "L0", s->lp.L0);
        sgl_json_kstring(&w, "noise", sgl_escape_noises[s->noise]->name);
        sgl_json_kstring(&w, "dynamics", sgl_escape_dynamics_kinds[s->dynamics]->name);
        sgl_json_kstring(&w, "event", sgl_escape_events[s->event]->name);
        sgl_json_kstring(&w, "start", sgl_escape_starts[s->start]->name);
        sgl_json_kdouble(&w, "eta", eta);
        sgl_json_kdouble(&w, "step", in.step);
        sgl_json_kdouble(&w, "x_exit",
                         s->event == SGL_ESC_EV_HYPERPLANE || s->event == SGL_ESC_EV_NEXT_MIN ? in.x_exit : NAN);
        sgl_json_kuint(&w, "trajectories", s->trajectories);
        sgl_json_kdouble(&w, "t_max", s->t_max);
        sgl_json_kuint(&w, "seed", s->seed);
        sgl_json_kstring(&w, "time_unit", tu);
        sgl_json_kuint(&w, "escaped", r->escaped);
        sgl_json_kuint(&w, "censored", r->censored);
        sgl_json_kuint(&w, "diverged", r->diverged);
        sgl_json_key(&w, "mfpt");
        sgl_json_begin_object(&w);
        sgl_json_kdouble(&w, "mean", mf.mean);
        sgl_json_kdouble(&w, "se", mf.se);
        sgl_json_key(&w, "ci");
        sgl_json_begin_array(&w);
        sgl_json_double(&w, mf.ci_lo);
        sgl_json_double(&w, mf.ci_hi);
        sgl_json_end_array(&w);
        sgl_json_key(&w, "level");
        sgl_json_double_fmt(&w, "%g", level);
        sgl_json_kbool(&w, "lower_bound", mf.lower_bound);
        sgl_json_kdouble(&w, "mle_mean", mf.mle_mean);
        sgl_json_kstring(&w, "unit", tu);
        sgl_json_kdouble(&w, "mean_steps", mf.mean / eta);
        sgl_json_kdouble(&w, "se_steps", mf.se / eta);
        sgl_json_end_object(&w);
        sgl_json_key(&w, "rate");
        sgl_json_begin_object(&w);
        sgl_json_kdouble(&w, "value", rate.value);
        sgl_json_kdouble(&w, "se", rate.se);
        sgl_json_key(&w, "ci");
        sgl_json_begin_array(&w);
        sgl_json_double(&w, rate.ci_lo);
        sgl_json_double(&w, rate.ci_hi);
        sgl_json_end_array(&w);
        sgl_json_key(&w, "level");
        sgl_json_double_fmt(&w, "%g", level);
        sgl_json_kstring(&w, "unit", "1/t");
        sgl_json_kdouble(&w, "per_step", rate.value * eta);
        sgl_json_kstring(&w, "method", "censored exponential MLE, likelihood-ratio CI");
        sgl_json_end_object(&w);
        sgl_json_key(&w, "theory");
        sgl_json_begin_object(&w);
        if (why) sgl_json_kstring(&w, "unavailable", why);
        for (size_t i = 0; i < npred; ++i) {
            sgl_json_key(&w, pred[i].name);
            sgl_json_begin_object(&w);
            sgl_json_kdouble(&w, "value", pred[i].value);
            sgl_json_kstring(&w, "unit", pred[i].unit);
            sgl_json_kdouble(&w, "ratio_sim_over_theory", ratio_of(&pred[i], &mf, &rate, eta));
            sgl_json_kstring(&w, "note", pred[i].note);
            sgl_json_end_object(&w);
        }
        sgl_json_end_object(&w);
        sgl_json_kdouble(&w, "seconds", r->seconds);
        sgl_json_kdouble(&w, "traj_steps", r->traj_steps);
        sgl_json_end_object(&w);
        putchar('\n');
    } else {
        printf("# sgdlab escape: landscape %s (n = %u, L0 = %g, a = %g, k = %g), noise %s", lt->name, s->lp.n, s->lp.L0,
               s->lp.a, s->lp.k, sgl_escape_noises[s->noise]->name);
        if (s->noise == SGL_ESC_ISOTROPIC) printf(" (D = %g)", s->D);
        else printf(" (B/eta = %g)", s->B_over_eta);
        printf(", dynamics %s (step %g%s), eta = %g\n", sgl_escape_dynamics_kinds[s->dynamics]->name, in.step,
               s->dynamics == SGL_ESC_MORI_TC ? " in tau" : " in t", eta);
        printf("# event %s", sgl_escape_events[s->event]->name);
        if (s->event == SGL_ESC_EV_HYPERPLANE || s->event == SGL_ESC_EV_NEXT_MIN) printf(" (theta_1 crosses %g)", in.x_exit);
        if (s->event == SGL_ESC_EV_LOSS) printf(" (L >= %g L* = %g)", s->c, s->c * in.L_min);
        if (s->event == SGL_ESC_EV_BALL) printf(" (|theta - theta*| >= %g)", s->r);
        printf(", start %s; times in t = eta k, steps k = t / eta\n", sgl_escape_starts[s->start]->name);
        printf("# trajectories %u: escaped %llu, censored %llu (at t_max = %g), diverged %llu (never averaged)\n",
               s->trajectories, (unsigned long long)r->escaped, (unsigned long long)r->censored, s->t_max,
               (unsigned long long)r->diverged);
        printf("%-34s %14s %12s %14s %14s  %s\n", "estimate", "value", "se", "ci95_lo", "ci95_hi", "unit");
        printf("%-34s %14.6g %12.4g %14.6g %14.6g  %s\n", mf.lower_bound ? "MFPT mean min(tau,t_max) (lower bd)" : "MFPT (mean)",
               mf.mean, mf.se, mf.ci_lo, mf.ci_hi, "t = eta k");
        printf("%-34s %14.6g %12.4g %14.6g %14.6g  %s\n", "MFPT in steps", mf.mean / eta, mf.se / eta, mf.ci_lo / eta,
               mf.ci_hi / eta, "steps k");
        printf("%-34s %14.6g %12.4g %14.6g %14.6g  %s\n", "rate (censored exp. MLE)", rate.value, rate.se, rate.ci_lo,
               rate.ci_hi, "1/t");
        printf("%-34s %14.6g %12.4g %14.6g %14.6g  %s\n", "rate per step", rate.value * eta, rate.se * eta,
               rate.ci_lo * eta, rate.ci_hi * eta, "1/step");
        printf("%-34s %14.6g %12s %14s %14s  %s\n", "1/rate (MLE mean)", mf.mle_mean, "", "", "", "t = eta k");
        if (why) printf("# theory: %s\n", why);
        else {
            printf("# theory (sgl_theory_predict; ratio = simulation / prediction where one compares):\n");
            printf("%-28s %14s %10s  %-10s %s\n", "prediction", "value", "ratio", "unit", "note");
            for (size_t i = 0; i < npred; ++i)
                printf("%-28s %14.6g %10.4g  %-10s %s\n", pred[i].name, pred[i].value,
                       ratio_of(&pred[i], &mf, &rate, eta), pred[i].unit, pred[i].note);
        }
    }
    fprintf(stderr, "sgdlab escape: %u trajectories, %.4g integrator steps in %.3f s (%.2f ns per trajectory-step)\n",
            s->trajectories, r->traj_steps, r->seconds, r->traj_steps > 0 ? 1e9 * r->seconds / r->traj_steps : 0.0);
done:
    if (db) {
        sgl_err e2 = {{0}, {0}};
        sgl_status cs = sgl_store_close(db, &e2);
        if (st == SGL_OK && cs != SGL_OK) st = cs, err = e2;
    }
    sgl_record_clear(&rec);
    return sgl_cli_report(st, &err);
}
