/* A report or plot request checked against a store (`sgdlab report|plot`,
 * and any front end that reads a store: the Python Store): which runs (the
 * kind, --where filters), grouped by which keys (--by, or the keys that
 * vary; plot --x / --curve), which observable.  Every key is checked
 * against the parameters of the store's runs of that kind and every --where
 * value parsed as its key's type, so bad input is named here, by flag, with
 * what is allowed (SGL_EINVAL, field = the flag), before any group is read.
 * Store failures keep their own status and message. */
#include "internal.h"

#include <stdio.h>
#include <string.h>

static int is_escape(const sgl_report_req *r) { return strcmp(r->kind, "escape") == 0; }

static int is_numeric(const sgl_param *p)
{
    return p->type == SGL_PARAM_SIZE || p->type == SGL_PARAM_U64 || p->type == SGL_PARAM_U32 ||
           p->type == SGL_PARAM_DOUBLE;
}

sgl_status sgl_report_check(const sgl_report_req *r, sgl_err *err)
{
    for (size_t i = 0; i < r->n_by; ++i)
        for (size_t j = 0; j < i; ++j)
            if (strcmp(r->by[i], r->by[j]) == 0)
                return sgl_fail(err, SGL_EINVAL, "--by", "'%s' given twice; each key once", r->by[i]);
    if (r->x && strcmp(r->x, "t_eta2") == 0)
        return sgl_fail(err, SGL_EINVAL, "--x", "t_eta2 is not plotted yet; use step or t_eta");
    if (r->x && r->curve && strcmp(r->curve, r->x) == 0)
        return sgl_fail(err, SGL_EINVAL, "--curve", "must differ from --x (one curve per value of another parameter)");
    return SGL_OK;
}

typedef struct { char names[1024]; size_t k; const char *want; int found; } names_ctx;

static int add_name(void *user, const char *name)
{
    names_ctx *c = user;
    if (c->want && strcmp(c->want, name) == 0) c->found = 1;
    if (c->k < sizeof c->names)
        c->k += (size_t)snprintf(c->names + c->k, sizeof c->names - c->k, "%s%s", c->k ? ", " : "", name);
    return 0;
}

/* key[0..len) as the store keeps it: a table row's name or deprecated alias gives the row's stored key (run
 * trajectories and seeds: "seeds"; escape lr and eta: "eta", n-dim: "n"); NULL for any other text */
static const char *stored_key(const sgl_report_req *r, const char *key, size_t len)
{
    char name[64];
    if (len >= sizeof name) return NULL;
    snprintf(name, sizeof name, "%.*s", (int)len, key);
    const sgl_param *p = is_escape(r) ? sgl_param_find(SGL_KIND_ESCAPE, name) : sgl_param_lookup(key, len);
    return p ? sgl_param_stored_key(p) : NULL;
}

/* a key of --by, --x, --curve in its stored spelling (static strings of the tables) */
static void to_stored(const sgl_report_req *r, const char **key)
{
    const char *k = *key ? stored_key(r, *key, strlen(*key)) : NULL;
    if (k) *key = k;
}

/* key[0..len): a parameter name of the kind's runs (SGL_EINVAL naming flag otherwise) */
static sgl_status check_key(sgl_store *st, const sgl_report_req *r, const char *flag, const char *key, size_t len,
                            sgl_err *err)
{
    if (!is_escape(r)) {
        if (sgl_param_lookup(key, len)) return SGL_OK;
        char names[600];
        sgl_param_names(names, sizeof names);
        return sgl_fail(err, SGL_EINVAL, flag, "unknown parameter '%.*s'; valid: %s", (int)len, key, names);
    }
    char want[64];
    snprintf(want, sizeof want, "%.*s", (int)(len < 63 ? len : 63), key);
    names_ctx c = {"", 0, want, 0};
    sgl_status s = sgl_store_param_names(st, "escape", add_name, &c, err);
    if (s != SGL_OK) return s;
    if (c.found && len < 63) return SGL_OK;
    return sgl_fail(err, SGL_EINVAL, flag, "unknown parameter '%.*s' of the store's escape runs; valid: %s", (int)len,
                    key, c.names);
}

/* plot --x and --curve: a clock or a numeric run parameter; of escape runs any stored key */
static sgl_status resolve_plot_keys(sgl_store *st, sgl_report_req *r, sgl_err *err)
{
    const int esc = is_escape(r);
    sgl_status s = SGL_OK;
    r->x_clock = strcmp(r->x, "step") == 0 || strcmp(r->x, "t_eta") == 0;
    if (!r->x_clock) to_stored(r, &r->x);
    to_stored(r, &r->curve);
    if (r->x_clock && esc)
        return sgl_fail(err, SGL_EINVAL, "--x", "escape runs have no step axis; use one of their keys");
    if (!r->x_clock && !esc) {
        const sgl_param *p = sgl_param_lookup(r->x, strlen(r->x));
        if (!p || !is_numeric(p)) {
            char names[600];
            size_t k = 0;
            for (const sgl_param *q = sgl_params; q->name; ++q)
                if (is_numeric(q) && k < sizeof names)
                    k += (size_t)snprintf(names + k, sizeof names - k, ", %s", q->name);
            return sgl_fail(err, SGL_EINVAL, "--x", "%s '%s'; valid: step, t_eta%s",
                            p ? "not a numeric parameter:" : "unknown", r->x, k ? names : "");
        }
    } else if (!r->x_clock && (s = check_key(st, r, "--x", r->x, strlen(r->x), err)) != SGL_OK) {
        return s;
    }
    if (r->curve && (s = check_key(st, r, "--curve", r->curve, strlen(r->curve), err)) != SGL_OK) return s;
    int64_t n_ams = 0;   /* method ams runs: a curve of their own unless --curve is given */
    if (esc && !r->curve && (s = sgl_store_count_param(st, "method", "ams", &n_ams, err)) != SGL_OK) return s;
    if (n_ams > 0) r->curve = "method";
    if (r->curve) r->q.keys[r->q.n_keys++] = r->curve;
    r->q.keys[r->q.n_keys++] = r->x_clock ? NULL : r->x;   /* NULL: the step */
    r->q.all_steps = r->x_clock;
    return SGL_OK;
}

/* an escape --where value: checked by the escape table's row of that stored
 * key (as `sgdlab escape` would read it), so a bad value is bad input */
static sgl_status check_escape_value(const char *key, const char *text, sgl_err *err)
{
    for (const sgl_param *p = sgl_param_table(SGL_KIND_ESCAPE); p && p->name; ++p) {
        if (strcmp(p->key ? p->key : p->name, key) != 0) continue;
        sgl_any_spec a;
        double vec[SGL_ESC_MAX_DIM];
        sgl_any_spec_default(&a, SGL_KIND_ESCAPE);
        a.vec = vec;
        a.vec_cap = SGL_ESC_MAX_DIM;
        sgl_err e = {{0}, {0}};
        if (sgl_any_spec_set(&a, p->name, text, &e) == SGL_OK) {
            /* a name checked only by validation (landscape): its own complaint, not another key's */
            if (sgl_any_spec_validate(&a, &e) == SGL_OK || strcmp(e.field, p->name) != 0) return SGL_OK;
        }
        char field[80];
        snprintf(field, sizeof field, "--where %s", key);
        return sgl_fail(err, SGL_EINVAL, field, "%s", e.msg);
    }
    return SGL_OK;   /* a key of a newer store: matched as given */
}

/* --where KEY=VALUE: VALUE parsed as the key's type (as `sgdlab run` would),
 * so a bad value is bad input; of escape runs matched as a number or text */
static sgl_status resolve_where(sgl_store *st, sgl_report_req *r, sgl_err *err)
{
    const int esc = is_escape(r);
    for (size_t i = 0; i < r->n_where; ++i) {
        const char *v = r->where[i], *eq = strchr(v, '=');
        if (!eq || eq == v)
            return sgl_fail(err, SGL_EINVAL, "--where", "must be KEY=VALUE with KEY a run parameter, e.g. --where "
                            "noise=label");
        const char *sk = stored_key(r, v, (size_t)(eq - v));   /* lr of escape runs: stored as eta */
        sgl_status s = check_key(st, r, "--where", sk ? sk : v, sk ? strlen(sk) : (size_t)(eq - v), err);
        if (s != SGL_OK) return s;
        const sgl_param *p = esc ? NULL : sgl_param_lookup(v, (size_t)(eq - v));
        if (p && p->type == SGL_PARAM_STR && strlen(eq + 1) >= sizeof r->where_text[i])
            return sgl_fail(err, SGL_EINVAL, "--where", "value too long (at most 399 bytes)");
        char *key = r->where_key[i];   /* a known key, shorter than 64 bytes */
        if (sk) snprintf(key, sizeof r->where_key[i], "%s", sk);
        else snprintf(key, sizeof r->where_key[i], "%.*s", (int)(eq - v), v);
        if (esc && (s = check_escape_value(key, eq + 1, err)) != SGL_OK) return s;
        sgl_err e = {{0}, {0}};
        if (sgl_query_filter_set(&r->q.where[i], p, key, eq + 1, r->where_text[i], sizeof r->where_text[i], &e) !=
            SGL_OK) {
            char field[80];
            snprintf(field, sizeof field, "--where %s", p ? p->name : key);
            return sgl_fail(err, SGL_EINVAL, field, "%s", e.msg);
        }
    }
    r->q.n_where = r->n_where;
    return SGL_OK;
}

/* the observable: obs when the store has it, else test_error when present, else the first */
typedef struct {
    const char *want;
    int found, has_test, long_first;
    char first[256], names[1024];
    size_t k;
} obs_ctx;

static int obs_one(void *user, const char *s)
{
    obs_ctx *c = user;
    if (!c->first[0] && !c->long_first) {
        if (strlen(s) < sizeof c->first) memcpy(c->first, s, strlen(s) + 1);
        else c->long_first = 1;
    }
    if (c->want && strcmp(s, c->want) == 0) c->found = 1;
    if (strcmp(s, "test_error") == 0) c->has_test = 1;
    if (c->k < sizeof c->names)
        c->k += (size_t)snprintf(c->names + c->k, sizeof c->names - c->k, "%s%s", c->k ? ", " : "", s);
    return 0;
}

static sgl_status pick_obs(sgl_store *st, sgl_report_req *r, sgl_err *err)
{
    obs_ctx c;
    memset(&c, 0, sizeof c);
    c.want = r->obs;
    sgl_status s = sgl_store_observables(st, obs_one, &c, err);
    if (s != SGL_OK) return s;
    if (!c.first[0] && !c.long_first)
        return sgl_fail(err, SGL_EIO, "--db", "the store has no time series yet (no finished run)");
    if (r->obs && !c.found)
        return sgl_fail(err, SGL_EINVAL, "--obs", "'%s' is not in the store; valid: %s", r->obs, c.names);
    if (!r->obs && !c.has_test && c.long_first)
        return sgl_fail(err, SGL_EIO, "--db", "the store's first observable has a name over %zu bytes; choose one "
                        "with --obs", sizeof c.first - 1);
    if (!r->obs) {
        snprintf(r->obs_text, sizeof r->obs_text, "%s", c.has_test ? "test_error" : c.first);
        r->obs = r->obs_text;
    }
    r->q.observable = r->obs;
    return SGL_OK;
}

sgl_status sgl_report_resolve(sgl_store *st, sgl_report_req *r, sgl_err *err)
{
    sgl_status s = sgl_report_check(r, err);
    if (s != SGL_OK) return s;
    if (!r->kind) {
        int64_t n_other = 0;
        if ((s = sgl_store_default_kind(st, &r->kind, &n_other, err)) != SGL_OK) return s;
    }
    r->q.kind = r->kind;
    r->q.has_step = r->has_step;
    r->q.step = r->has_step ? r->step : 0;
    const int esc = is_escape(r);
    if (esc) {
        if (r->has_step) return sgl_fail(err, SGL_EINVAL, "--step", "escape runs have no steps; leave it out");
        if (!r->obs) r->obs = "mfpt";
        else if (strcmp(r->obs, "mfpt") != 0 && strcmp(r->obs, "rate") != 0)
            return sgl_fail(err, SGL_EINVAL, "--obs", "'%s' is not an escape estimate; valid: mfpt, rate", r->obs);
    }
    for (size_t i = 0; i < r->n_by; ++i) {
        to_stored(r, &r->by[i]);
        if ((s = check_key(st, r, "--by", r->by[i], strlen(r->by[i]), err)) != SGL_OK) return s;
    }
    if ((s = resolve_where(st, r, err)) != SGL_OK) return s;
    if (r->x && (s = resolve_plot_keys(st, r, err)) != SGL_OK) return s;
    if (esc) return SGL_OK;
    if ((s = pick_obs(st, r, err)) != SGL_OK) return s;
    int64_t n_shared = 0;
    if ((s = sgl_store_count_param(st, "data-draw", "shared", &n_shared, err)) != SGL_OK) return s;
    r->shared = n_shared > 0;
    return SGL_OK;
}

static int take_key(void *user, const char *name)
{
    sgl_report_req *r = user;
    size_t i = r->q.n_keys;
    snprintf(r->key_text[i], sizeof r->key_text[i], "%s", name);
    r->q.keys[r->q.n_keys++] = r->key_text[i];
    return r->q.n_keys == SGL_QUERY_MAX_KEYS;
}

/* escape runs under method ams are grouped apart from the direct ones: name the method in each group's keys
 * (last) when the store holds such runs and the keys do not name it yet */
static sgl_status method_key(sgl_store *st, sgl_report_req *r, sgl_err *err)
{
    int64_t n_ams = 0;
    sgl_status s = is_escape(r) ? sgl_store_count_param(st, "method", "ams", &n_ams, err) : SGL_OK;
    if (s != SGL_OK || n_ams == 0 || r->q.n_keys == SGL_QUERY_MAX_KEYS) return s;
    for (size_t i = 0; i < r->q.n_keys; ++i)
        if (strcmp(r->q.keys[i], "method") == 0) return SGL_OK;
    r->q.keys[r->q.n_keys++] = "method";
    return SGL_OK;
}

sgl_status sgl_report_default_keys(sgl_store *st, sgl_report_req *r, sgl_err *err)
{
    if (r->has_by) {
        for (size_t i = 0; i < r->n_by; ++i) r->q.keys[i] = r->by[i];
        r->q.n_keys = r->n_by;
        return method_key(st, r, err);
    }
    r->q.n_keys = 0;
    sgl_status s = sgl_store_varying_keys(st, r->kind, take_key, r, err);
    if (s == SGL_ECANCELED) s = SGL_OK;   /* stopped at SGL_QUERY_MAX_KEYS */
    return s == SGL_OK ? method_key(st, r, err) : s;
}
