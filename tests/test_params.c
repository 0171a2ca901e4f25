/* The parameter tables of every spec kind (src/params.c): every row sets from
 * text and reads back (canonical round trip), bad text names the key and what
 * is allowed, numeric defaults in the help text are the defaults, and the run
 * keys of run and escape specs are the ones earlier releases stored (literal
 * keys recorded with sgdlab at cccd62b/ade256a: `run --db`, `escape --db`). */
#include "sgdlab.h"
#include "testutil.h"

#include <string.h>

static double vbuf[4096];

static void start(sgl_any_spec *s, sgl_spec_kind kind)
{
    sgl_any_spec_default(s, kind);
    s->vec = vbuf;
    s->vec_cap = sizeof vbuf / sizeof vbuf[0];
}

/* set key=value pairs ("k", "v", ..., NULL); 0 when all were accepted */
static int set_all(sgl_any_spec *s, const char *const *kv)
{
    for (size_t i = 0; kv[i]; i += 2) {
        sgl_err e = {{0}, {0}};
        if (sgl_any_spec_set(s, kv[i], kv[i + 1], &e) != SGL_OK) {
            printf("  set %s=%s: %s: %s\n", kv[i], kv[i + 1], e.field, e.msg);
            return -1;
        }
    }
    return 0;
}

static void check_key(sgl_spec_kind kind, const char *const *kv, const char *want, const char *what)
{
    sgl_any_spec s;
    start(&s, kind);
    char key[17] = "";
    int ok = set_all(&s, kv) == 0;
    sgl_any_spec_run_key(&s, key);
    check_true(ok && strcmp(key, want) == 0, "%s: run key %s (recorded %s)", what, key, want);
}

static void recorded_keys(void)
{
    static const char *const r1[] = {"steps", "1000", "every", "100", "seeds", "2", NULL};
    static const char *const r2[] = {"steps", "1000", "every", "100", "seeds", "2", "lr-decay", "300,600",
                                     "lr-decay-factor", "0.5", "noise", "gaussian", "sigma", "0.1", "sigma-scale",
                                     "sqrt-eta", "observe", "theta_1", "data-draw", "shared", "seed",
                                     "18446744073709551615", NULL};
    static const char *const r3[] = {"steps", "100", "every", "100", "seeds", "1", "d", "3", "n", "5", "kappa", "1",
                                     "init", "0.5,0.25,1,1,1,1", NULL};
    static const char *const e1[] = {"trajectories", "4", "t-max", "10", NULL};
    static const char *const e2[] = {"landscape", "quadratic", "n-dim", "2", "h", "2", "noise", "isotropic", "D",
                                     "0.2", "event", "ball", "r", "0.5", "trajectories", "4", "t-max", "10", "x0",
                                     "0.1,-0.2", "seed", "7", "dynamics", "sgd", NULL};
    check_key(SGL_KIND_RUN, r1, "511bf5b7747b4f96", "run defaults");
    check_key(SGL_KIND_RUN, r2, "7307a777e2f385fd", "run with decay, gaussian noise, observe, 2^64-1 seed");
    check_key(SGL_KIND_RUN, r3, "a7422e8aad971daa", "run with init");
    /* issue 13: the Brownian-bridge check (on by default for sde) changes SDE results, so the defaults' key
     * changed; with --bridge off an SDE spec keeps the key and text of earlier releases */
    static const char *const e1off[] = {"trajectories", "4", "t-max", "10", "bridge", "off", NULL};
    check_key(SGL_KIND_ESCAPE, e1off, "ad0a927ecb8ee180", "escape defaults with bridge off");
    check_key(SGL_KIND_ESCAPE, e1, "8c982c0b99d0755c", "escape defaults (bridge on)");
    check_key(SGL_KIND_ESCAPE, e2, "0aa77526bb3f3869", "escape quadratic, ball, x0, sgd");
    /* the escape text itself, byte for byte */
    sgl_any_spec s;
    start(&s, SGL_KIND_ESCAPE);
    set_all(&s, e1off);
    char buf[2048];
    sgl_any_spec_canonical(&s, buf, sizeof buf);
    check_true(strcmp(buf, "{\"landscape\":\"doublewell\",\"n\":1,\"L0\":0.5,\"a\":1,\"h\":1,\"h-ratio\":1,\"k\":1,"
                           "\"noise\":\"mori\",\"D\":0.10000000000000001,\"B-over-eta\":40,\"eta\":0.01,\"dynamics\":"
                           "\"sde\",\"dt\":0,\"event\":\"hyperplane\",\"offset\":3,\"c\":2,\"r\":1,\"start\":\"min\","
                           "\"burn-in\":0,\"x0\":null,\"trajectories\":4,\"t-max\":10,\"seed\":1,\"counter_layout\":1}") == 0,
               "escape canonical text as stored before: %s", buf);
    start(&s, SGL_KIND_ESCAPE);
    set_all(&s, e1);
    sgl_any_spec_canonical(&s, buf, sizeof buf);
    check_true(strstr(buf, "\"dt\":0,\"bridge\":\"on\",\"event\"") != NULL, "escape canonical text with bridge on: %s",
               buf);
}

/* one naming scheme: run/limit trajectories (old spelling seeds) and escape lr (old spelling eta) are one row
 * each; the old spelling is an alias the setter takes as the row itself, and the canonical form keeps the stored
 * key, so the run keys recorded above are those of the canonical names too */
static void aliases(void)
{
    static const char *const r1[] = {"steps", "1000", "every", "100", "trajectories", "2", NULL};
    static const char *const r1l[] = {"steps", "1000", "every", "100", "trajectories", "2", "lr", "0.002", NULL};
    static const char *const r1o[] = {"steps", "1000", "every", "100", "seeds", "2", "lr", "0.002", NULL};
    static const char *const e1[] = {"trajectories", "4", "t-max", "10", "bridge", "off", "lr", "0.01", NULL};
    static const char *const e2[] = {"trajectories", "4", "t-max", "10", "eta", "0.5", NULL};
    static const char *const e2n[] = {"trajectories", "4", "t-max", "10", "lr", "0.5", NULL};
    check_key(SGL_KIND_RUN, r1, "511bf5b7747b4f96", "run defaults, trajectories");
    check_key(SGL_KIND_ESCAPE, e1, "ad0a927ecb8ee180", "escape defaults with bridge off, lr");
    for (int kind = 0; kind < 3; ++kind) {
        const char *canon = kind == SGL_KIND_ESCAPE ? "lr" : "trajectories", *old = kind == SGL_KIND_ESCAPE ? "eta" : "seeds";
        const sgl_param *p = sgl_param_find((sgl_spec_kind)kind, canon);
        check_true(p && p == sgl_param_find((sgl_spec_kind)kind, old) && p == sgl_param_deprecated((sgl_spec_kind)kind, old)
                       && !sgl_param_deprecated((sgl_spec_kind)kind, canon) && strcmp(p->alias, old) == 0 &&
                       strcmp(sgl_param_stored_key(p), old) == 0,
                   "%s: %s is the row of its alias %s, stored as %s", sgl_spec_kind_names[kind], canon, old, old);
    }
    check_true(sgl_param_lookup("seeds", 5) && sgl_param_lookup("seeds", 5) == sgl_param_lookup("trajectories", 12),
               "sweep key seeds is trajectories");
    sgl_any_spec a, b;
    char ka[17], kb[17], ta[2048], tb[2048];
    const char *const *pairs[][2] = {{r1l, r1o}, {e2, e2n}};
    for (int i = 0; i < 2; ++i) {
        sgl_spec_kind kind = i ? SGL_KIND_ESCAPE : SGL_KIND_RUN;
        start(&a, kind);
        int ok = set_all(&a, pairs[i][0]) == 0;
        sgl_any_spec_run_key(&a, ka);
        sgl_any_spec_canonical(&a, ta, sizeof ta);
        start(&b, kind);
        ok = ok && set_all(&b, pairs[i][1]) == 0;
        sgl_any_spec_run_key(&b, kb);
        sgl_any_spec_canonical(&b, tb, sizeof tb);
        check_true(ok && strcmp(ka, kb) == 0 && strcmp(ta, tb) == 0 && a.given == b.given &&
                       strstr(ta, i ? "\"eta\":0.5," : "\"seeds\":2,") && !strstr(ta, i ? "\"lr\"" : "\"trajectories\""),
                   "%s: old and new spelling, one spec (key %s, %s): %s", sgl_spec_kind_names[kind], ka, kb, ta);
        check_true(sgl_any_spec_given(&b, i ? "lr" : "trajectories") && sgl_any_spec_given(&a, i ? "eta" : "seeds"),
                   "%s: given by either spelling", sgl_spec_kind_names[kind]);
    }
}

/* a good text for a row other than its current value */
static const char *good_text(const sgl_param *p)
{
    switch (p->type) {
    case SGL_PARAM_STR: return "some text";
    case SGL_PARAM_SIZE: case SGL_PARAM_U32: return "3e2";
    case SGL_PARAM_U64: return "12345678901";
    case SGL_PARAM_DOUBLE: return "0.30000000000000004";
    case SGL_PARAM_ENUM: return p->choices[1] && strcmp(p->choices[0], "unset") != 0 ? p->choices[1] : p->choices[2];
    case SGL_PARAM_KIND: return p->kinds[1]->name;
    case SGL_PARAM_DECAY: return "7,9";
    case SGL_PARAM_VEC: return "1.5,-2";
    case SGL_PARAM_TEXT: return "w=4,seed=x.1";
    }
    return "";
}

static void every_row(sgl_spec_kind kind)
{
    const char *kn = sgl_spec_kind_names[kind];
    size_t rows = 0;
    for (const sgl_param *p = sgl_param_table(kind); p->name; ++p, ++rows) {
        sgl_any_spec s, d;
        start(&s, kind);
        start(&d, kind);
        check_true(sgl_param_find(kind, p->name) == p && p->help && p->def, "%s %s: found, has help and default",
                   kn, p->name);
        /* set from text, read back, set again: the same canonical text */
        sgl_err e = {{0}, {0}};
        const char *txt = good_text(p);
        if (p->type == SGL_PARAM_VEC && kind == SGL_KIND_ESCAPE) set_all(&s, (const char *const[]){"n-dim", "2", NULL});
        sgl_status st = sgl_any_spec_set(&s, p->name, txt, &e);
        char got[256], c1[4096], c2[4096];
        sgl_any_spec_get(&s, p, got, sizeof got);
        check_true(st == SGL_OK && sgl_any_spec_given(&s, p->name) && !sgl_any_spec_given(&d, p->name),
                   "%s %s: '%s' accepted (reads back '%s')", kn, p->name, txt, got);
        sgl_any_spec_canonical(&s, c1, sizeof c1);
        d = s;
        st = sgl_any_spec_set(&d, p->name, got, &e);
        sgl_any_spec_canonical(&d, c2, sizeof c2);
        check_true(st == SGL_OK && strcmp(c1, c2) == 0, "%s %s: canonical round trip through '%s'", kn, p->name, got);
        /* bad text: the key named, what is allowed said */
        if (p->type != SGL_PARAM_STR) {
            sgl_err b = {{0}, {0}};
            start(&s, kind);
            st = sgl_any_spec_set(&s, p->name, "2.5x", &b);
            check_true(st == SGL_EINVAL && strcmp(b.field, p->name) == 0 &&
                           (strstr(b.msg, "must be") || strstr(b.msg, "valid: ")) && strstr(b.msg, "2.5x"),
                       "%s %s: bad text refused: %s: %s", kn, p->name, b.field, b.msg);
        }
        /* a default that reads as a value is the default */
        if (p->type != SGL_PARAM_STR) {
            start(&s, kind);
            start(&d, kind);
            sgl_err q = {{0}, {0}};
            if (sgl_any_spec_set(&s, p->name, p->def, &q) == SGL_OK) {
                sgl_any_spec_canonical(&s, c1, sizeof c1);
                sgl_any_spec_canonical(&d, c2, sizeof c2);
                check_true(strcmp(c1, c2) == 0, "%s %s: help default '%s' is the default", kn, p->name, p->def);
            }
        }
    }
    check_true(rows >= 20 && rows < 64, "%s: %zu rows (given bits fit in 64)", kn, rows);
}

static void errors_and_kinds(void)
{
    sgl_any_spec s;
    sgl_err e = {{0}, {0}};
    start(&s, SGL_KIND_RUN);
    check_true(sgl_any_spec_set(&s, "seedz", "1", &e) == SGL_EINVAL && strcmp(e.field, "key") == 0 &&
                   strstr(e.msg, "unknown run key 'seedz'") && strstr(e.msg, "trajectories"),
               "unknown run key: %s: %s", e.field, e.msg);
    check_true(sgl_any_spec_set(&s, "seed", "18446744073709551616", &e) == SGL_EINVAL &&
                   strstr(e.msg, "<= 18446744073709551615"), "seed: 2^64 refused: %s", e.msg);
    check_true(sgl_any_spec_set(&s, "seeds", "4294967296", &e) == SGL_EINVAL && strstr(e.msg, "<= 4294967295"),
               "seeds: 2^32 refused: %s", e.msg);
    check_true(sgl_any_spec_set(&s, "data", "unset", &e) == SGL_EINVAL && strstr(e.msg, "valid: gaussian, boolean, csv"),
               "data: names listed: %s", e.msg);
    start(&s, SGL_KIND_ESCAPE);
    check_true(sgl_any_spec_set(&s, "noise", "moriX", &e) == SGL_EINVAL && strstr(e.msg, "valid: isotropic, mori"),
               "escape noise: registry names listed: %s", e.msg);
    s.vec = NULL;
    check_true(sgl_any_spec_set(&s, "x0", "1", &e) == SGL_EINVAL && strcmp(e.field, "x0") == 0,
               "x0 without storage refused: %s", e.msg);
    /* validation per kind */
    start(&s, SGL_KIND_ESCAPE);
    set_all(&s, (const char *const[]){"D", "0.3", NULL});
    check_true(sgl_any_spec_validate(&s, &e) == SGL_OK && sgl_any_spec_check_given(&s, &e) == SGL_EINVAL &&
                   strcmp(e.field, "D") == 0,
               "escape: D given under noise mori refused: %s: %s", e.field, e.msg);
    start(&s, SGL_KIND_ESCAPE);
    set_all(&s, (const char *const[]){"event", "loss", "c", "3", "noise", "isotropic", "D", "0.2", NULL});
    check_true(sgl_any_spec_check_given(&s, &e) == SGL_OK, "escape: c with event loss, D with isotropic: used");
    set_all(&s, (const char *const[]){"offset", "1", NULL});
    check_true(sgl_any_spec_check_given(&s, &e) == SGL_EINVAL && strcmp(e.field, "offset") == 0,
               "escape: offset with event loss refused: %s", e.msg);
    /* run: the rows' use */
    static const struct { const char *const kv[7]; const char *field; } unused[] = {
        {{"noise", "none", "batch", "4", NULL}, "--batch"},
        {{"noise", "label", "sigma", "0.1", NULL}, "--sigma"},
        {{"data", "csv", "data-file", "x.csv", "kappa", "2", NULL}, "--kappa"},
        {{"data-file", "x.csv", NULL}, "--data-file"},
        {{"lr-decay-factor", "0.5", NULL}, "--lr-decay-factor"},
        {{"init", "1,2", "alpha", "2", NULL}, "--alpha"},
        {{"model", "toy2d", "n", "5", NULL}, "--n"},
    };
    for (size_t i = 0; i < sizeof unused / sizeof unused[0]; ++i) {
        start(&s, SGL_KIND_RUN);
        set_all(&s, unused[i].kv);
        sgl_err u = {{0}, {0}};
        check_true(sgl_any_spec_check_given(&s, &u) == SGL_EINVAL && strcmp(u.field, unused[i].field) == 0,
                   "run: unused %s refused: %s: %s", unused[i].field, u.field, u.msg);
    }
    start(&s, SGL_KIND_RUN);
    set_all(&s, (const char *const[]){"noise", "minibatch", "batch", "4", "lr-decay", "5", "lr-decay-factor", "0.5",
                                      NULL});
    check_true(sgl_any_spec_check_given(&s, &e) == SGL_OK, "run: batch with minibatch noise, decay factor with decay");
    /* did you mean: keys, enum and registry values, model names */
    start(&s, SGL_KIND_RUN);
    check_true(sgl_any_spec_set(&s, "seedz", "1", &e) == SGL_EINVAL && strstr(e.msg, "(did you mean 'seed'?)"),
               "did you mean seed: %s", e.msg);
    /* a typo of a deprecated spelling names the canonical key */
    check_true(sgl_any_spec_set(&s, "seedss", "1", &e) == SGL_EINVAL && strstr(e.msg, "(did you mean 'trajectories'?)"),
               "did you mean trajectories: %s", e.msg);
    check_true(sgl_any_spec_set(&s, "data", "gausian", &e) == SGL_EINVAL && strstr(e.msg, "did you mean 'gaussian'"),
               "did you mean gaussian: %s", e.msg);
    check_true(sgl_any_spec_set(&s, "data", "csvfile", &e) == SGL_EINVAL && !strstr(e.msg, "did you mean"),
               "no suggestion for a different word: %s", e.msg);
    set_all(&s, (const char *const[]){"model", "diagnett", NULL});
    check_true(sgl_any_spec_validate(&s, &e) == SGL_EINVAL && strstr(e.msg, "did you mean 'diagnet'"),
               "did you mean diagnet: %s", e.msg);
    start(&s, SGL_KIND_ESCAPE);
    check_true(sgl_any_spec_set(&s, "noise", "mroi", &e) == SGL_EINVAL && strstr(e.msg, "did you mean 'mori'"),
               "did you mean mori (a swap): %s", e.msg);
    start(&s, SGL_KIND_ESCAPE);
    set_all(&s, (const char *const[]){"x0", "0.9,1", NULL});
    check_true(sgl_any_spec_validate(&s, &e) == SGL_EINVAL && strcmp(e.field, "x0") == 0,
               "escape: 2 x0 values for n-dim 1 refused: %s", e.msg);
    start(&s, SGL_KIND_ESCAPE);
    check_true(sgl_any_spec_validate(&s, &e) == SGL_OK, "escape defaults valid");
    start(&s, SGL_KIND_LIMIT);
    check_true(sgl_any_spec_validate(&s, &e) == SGL_OK, "limit defaults valid");
    set_all(&s, (const char *const[]){"dt", "2", NULL});
    check_true(sgl_any_spec_validate(&s, &e) == SGL_EINVAL && strcmp(e.field, "--dt") == 0,
               "limit: dt > T refused: %s: %s", e.field, e.msg);
    start(&s, SGL_KIND_LIMIT);
    check_true(sgl_any_spec_set(&s, "steps", "10", &e) == SGL_EINVAL, "limit: steps is not a limit key: %s", e.msg);
    /* a limit never shares a run's key or text */
    sgl_any_spec r;
    start(&r, SGL_KIND_RUN);
    char kr[17], kl[17], buf[4096];
    sgl_any_spec_run_key(&r, kr);
    sgl_any_spec_run_key(&s, kl);
    sgl_any_spec_canonical(&s, buf, sizeof buf);
    check_true(strcmp(kr, kl) != 0 && strncmp(buf, "{\"kind\":\"limit\",\"model\"", 23) == 0 &&
                   strstr(buf, "\"dt\":0.001,\"form\":\"auto\"}"),
               "limit canonical %s", buf);
    start(&r, SGL_KIND_RUN);
    set_all(&r, (const char *const[]){"lr", "-1", NULL});
    check_true(sgl_any_spec_validate(&r, &e) == SGL_EINVAL && strcmp(e.field, "--lr") == 0, "run: lr -1 refused: %s",
               e.msg);
}

int main(void)
{
    recorded_keys();
    aliases();
    every_row(SGL_KIND_RUN);
    every_row(SGL_KIND_LIMIT);
    every_row(SGL_KIND_ESCAPE);
    errors_and_kinds();
    return done();
}
