/* Sweep specs (YAML 1.2 or JSON, through libfyaml) -> a list of run specs.
 *
 *   name: eta-noise              # optional label, stored with the sweep
 *   base:  {model: diagnet, steps: 20000, every: 1000, seeds: 8}
 *   grid:  {noise: [label, none], lr: [1e-3, 2e-3]}   # product, first key slowest
 *   zip:   {seed: [1, 2, 3], alpha: [1, 0.5, 0.25]}   # one axis, lists advanced together
 *
 * Keys are the `sgdlab run` flags without "--" (sgl_params).  Everything is
 * checked before anything runs: unknown keys, wrong types (a quoted string
 * where a number goes, a list where a scalar goes) and every expanded run
 * through sgl_spec_validate, each error reported as FILE:LINE:COL (1-based) of
 * the value that caused it, with the allowed values.  Run i is the mixed-radix
 * number (grid_0, ..., grid_last, zip) with the zip index fastest.
 *
 * sgl_sweep_parse takes a buffer, not a file, so a fuzz harness can drive it. */
#include "internal.h"

#include <libfyaml.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define SGL_SWEEP_MAX_RUNS 10000000u
/* Up-front bounds, checked before libfyaml builds a document (its duplicate-key
 * check is quadratic in the keys of one mapping: 40,000 keys took half a
 * minute).  A valid spec has at most one key per run parameter in a mapping. */
#define SGL_SWEEP_MAX_BYTES (16u << 20)
#define SGL_SWEEP_MAX_KEYS 64

typedef struct { int line, col; } loc;                 /* 1-based; 0: not from the file */
typedef struct { char *text; loc at; } value;          /* one scalar (lr-decay: joined list) */
typedef struct { const sgl_param *p; loc at; size_t n; value *v; } axis;

struct sgl_sweep {
    char *path, *text, *name;
    size_t n_runs;
    sgl_spec *runs;
    /* owned strings the run specs point into */
    char **pool;
    size_t n_pool, cap_pool;
    /* parse state */
    sgl_spec base;
    loc base_at[64];                 /* by param index */
    axis axes[64];
    size_t n_axes, n_grid;           /* axes[0..n_grid) grid, then zip */
    loc root_at;
    /* limit and escape sweeps (kind != run): the runs as any specs, each with
     * its own vector storage (vecs[r * vec_cap ...]); base values as texts */
    sgl_spec_kind kind;
    loc kind_at;
    sgl_any_spec *any;
    double *vecs;
    size_t vec_cap;
    const char *base_text[64];       /* by row index of the kind's table */
    char deprecated[512];            /* "FILE:LINE:COL: 'seeds' is deprecated ...\n" per old key used */
};

/* the row index of p in w's kind table (base_at, base_text) */
static size_t row_of(const sgl_sweep *w, const sgl_param *p)
{
    return (size_t)(p - (w->kind == SGL_KIND_RUN ? sgl_params : sgl_param_table(w->kind)));
}

/* values in a text v1,v2,... (the vector storage a run needs) */
static size_t count_values(const char *t)
{
    size_t n = 1;
    for (; *t; ++t) n += *t == ',';
    return n;
}

static char *pool_add(sgl_sweep *w, const char *s, size_t len)
{
    if (w->n_pool == w->cap_pool) {
        size_t cap = w->cap_pool ? 2 * w->cap_pool : 64;
        char **np = sgl_realloc(w->pool, cap * sizeof *np);
        if (!np) return NULL;
        w->pool = np;
        w->cap_pool = cap;
    }
    char *c = sgl_malloc(len + 1);
    if (!c) return NULL;
    memcpy(c, s, len);
    c[len] = '\0';
    w->pool[w->n_pool++] = c;
    return c;
}

static sgl_status fail_at(sgl_err *err, const sgl_sweep *w, loc at, const char *key, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;
static sgl_status fail_at(sgl_err *err, const sgl_sweep *w, loc at, const char *key, const char *fmt, ...)
{
    if (!err) return SGL_EINVAL;
    const char *path = w->path ? w->path : "<spec>";
    size_t pl = strlen(path);
    char where[64];
    /* the field holds FILE:LINE:COL; a long path keeps its tail */
    snprintf(where, sizeof where, "%s%s:%d:%d", pl > 40 ? "..." : "", pl > 40 ? path + pl - 40 : path,
             at.line ? at.line : 1, at.line ? at.col : 1);
    snprintf(err->field, sizeof err->field, "%s", where);
    size_t k = 0;
    if (key) k = (size_t)snprintf(err->msg, sizeof err->msg, "%s: ", key);
    if (k >= sizeof err->msg) k = sizeof err->msg - 1;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg + k, sizeof err->msg - k, fmt, ap);
    va_end(ap);
    return SGL_EINVAL;
}

/* Length of the longest valid UTF-8 prefix of s[0..n) (strict: no overlong
 * forms, no surrogates, nothing above U+10FFFF).  The spec must be UTF-8
 * text: libfyaml 0.7.12 loops forever on an invalid byte inside a directive
 * line ("%a\xad"; found by tests/fuzz/fuzz_spec.c), so nothing else reaches it. */
static size_t utf8_valid_prefix(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        size_t k;
        unsigned lo = 0x80, hi = 0xbf;
        if (c < 0x80) { ++i; continue; }
        else if (c >= 0xc2 && c <= 0xdf) k = 1;
        else if (c >= 0xe0 && c <= 0xef) { k = 2; if (c == 0xe0) lo = 0xa0; if (c == 0xed) hi = 0x9f; }
        else if (c >= 0xf0 && c <= 0xf4) { k = 3; if (c == 0xf0) lo = 0x90; if (c == 0xf4) hi = 0x8f; }
        else return i;
        if (n - i <= k) return i;
        if (s[i + 1] < lo || s[i + 1] > hi) return i;
        for (size_t j = 2; j <= k; ++j)
            if (s[i + j] < 0x80 || s[i + j] > 0xbf) return i;
        i += k + 1;
    }
    return n;
}

static loc node_loc(struct fy_node *n)
{
    struct fy_token *t = n ? fy_node_get_scalar_token(n) : NULL;
    const struct fy_mark *m = t ? fy_token_start_mark(t) : NULL;
    if (m) return (loc){m->line + 1, m->column + 1};
    /* a collection: the location of its first scalar inside */
    if (n && fy_node_get_type(n) == FYNT_SEQUENCE) {
        void *it = NULL;
        struct fy_node *c = fy_node_sequence_iterate(n, &it);
        if (c) return node_loc(c);
    } else if (n && fy_node_get_type(n) == FYNT_MAPPING) {
        void *it = NULL;
        struct fy_node_pair *pr = fy_node_mapping_iterate(n, &it);
        if (pr) return node_loc(fy_node_pair_key(pr));
    }
    return (loc){0, 0};
}

static const char *kind_name(struct fy_node *n)
{
    if (!n) return "nothing";
    if (fy_node_get_style(n) == FYNS_ALIAS) return "an alias";
    switch (fy_node_get_type(n)) {
    case FYNT_SCALAR: return "a scalar";
    case FYNT_SEQUENCE: return "a list";
    case FYNT_MAPPING: return "a mapping";
    }
    return "?";
}

static int is_quoted(struct fy_node *n)
{
    enum fy_node_style s = fy_node_get_style(n);
    return s == FYNS_SINGLE_QUOTED || s == FYNS_DOUBLE_QUOTED || s == FYNS_LITERAL || s == FYNS_FOLDED;
}

/* Read one value of parameter p from node n (a scalar; lr-decay also takes a
 * list of integers) into *out, checking its type by setting it on a scratch
 * spec (range checks come later, on each whole run). */
static sgl_status read_value(sgl_sweep *w, const sgl_param *p, struct fy_node *n, value *out, sgl_err *err)
{
    loc at = node_loc(n);
    out->at = at;
    out->text = NULL;
    if (n && fy_node_get_style(n) == FYNS_ALIAS)
        return fail_at(err, w, at, p->name, "aliases are not supported; write the value out");
    char buf[1024];
    const char *txt;
    size_t len;
    if (n && fy_node_get_type(n) == FYNT_SEQUENCE && (p->type == SGL_PARAM_DECAY || p->type == SGL_PARAM_VEC)) {
        size_t k = 0;
        void *it = NULL;
        struct fy_node *c;
        buf[0] = '\0';
        while ((c = fy_node_sequence_iterate(n, &it))) {
            size_t l;
            const char *s = fy_node_get_type(c) == FYNT_SCALAR && fy_node_get_style(c) != FYNS_ALIAS
                                ? fy_node_get_scalar(c, &l) : NULL;
            if (!s || is_quoted(c))
                return fail_at(err, w, node_loc(c), p->name, "each %s, got %s",
                               p->type == SGL_PARAM_VEC ? "value must be a finite number" : "step must be an integer",
                               s ? "a quoted string" : kind_name(c));
            if (k + l + 2 >= sizeof buf) return fail_at(err, w, node_loc(c), p->name, "list too long");
            k += (size_t)snprintf(buf + k, sizeof buf - k, "%s%.*s", k ? "," : "", (int)l, s);
        }
        txt = buf;
        len = k;
    } else {
        if (!n || fy_node_get_type(n) != FYNT_SCALAR)
            return fail_at(err, w, at, p->name, "must be %s, got %s", sgl_param_type_name(p->type), kind_name(n));
        txt = fy_node_get_scalar(n, &len);
        if (!txt) { txt = ""; len = 0; }
        if (is_quoted(n) && p->type != SGL_PARAM_STR && p->type != SGL_PARAM_TEXT && p->type != SGL_PARAM_ENUM && p->type != SGL_PARAM_DECAY &&
            p->type != SGL_PARAM_KIND)
            return fail_at(err, w, at, p->name, "must be %s, got the quoted string \"%.*s\"",
                           sgl_param_type_name(p->type), (int)(len > 64 ? 64 : len), txt);
        if (memchr(txt, '\0', len))
            return fail_at(err, w, at, p->name, "must not contain a NUL byte");
    }
    out->text = pool_add(w, txt, len);
    if (!out->text) return sgl_fail(err, SGL_ENOMEM, "spec", "out of memory");
    sgl_err e = {{0}, {0}};
    if (w->kind == SGL_KIND_RUN) {
        sgl_spec scratch;
        sgl_spec_defaults(&scratch);
        if (sgl_param_set(&scratch, p, out->text, &e) != SGL_OK) return fail_at(err, w, at, p->name, "%s", e.msg);
    } else {
        sgl_any_spec scratch;
        sgl_any_spec_default(&scratch, w->kind);
        size_t nv = p->type == SGL_PARAM_VEC ? count_values(out->text) : 0;
        double *v = nv ? sgl_malloc_array(nv, sizeof *v) : NULL;
        if (nv && !v) return sgl_fail(err, SGL_ENOMEM, "spec", "out of memory");
        scratch.vec = v;
        scratch.vec_cap = nv;
        sgl_status st = sgl_any_spec_set(&scratch, p->name, out->text, &e);
        sgl_free(v);
        if (st != SGL_OK) return fail_at(err, w, at, p->name, "%s", e.msg);
        if (nv > w->vec_cap) w->vec_cap = nv;
    }
    if (p->type == SGL_PARAM_STR && out->text[0] == '\0')
        return fail_at(err, w, at, p->name, "must not be empty");
    return SGL_OK;
}

/* an unknown key of a limit or escape sweep: the library's text (with its did-you-mean) */
static sgl_status unknown_key(const sgl_sweep *w, loc at, const char *section, const char *name, sgl_err *err)
{
    sgl_any_spec scratch;
    sgl_any_spec_default(&scratch, w->kind);
    sgl_err e = {{0}, {0}};
    sgl_any_spec_set(&scratch, name, "", &e);
    return fail_at(err, w, at, NULL, "%s: %s", section, e.msg);
}

static const sgl_param *key_param_of(sgl_sweep *w, struct fy_node *k, const char *s, size_t len, const char *section,
                                     sgl_err *err, sgl_status *st);

/* a key written in its deprecated spelling (seeds, eta): a line for the front end to show, once per spelling */
static void note_alias(sgl_sweep *w, const sgl_param *p, struct fy_node *k, const char *s, size_t len)
{
    if (!p || !p->alias || strlen(p->alias) != len || strncmp(p->alias, s, len) != 0) return;
    char quoted[40];
    snprintf(quoted, sizeof quoted, "'%s' is", p->alias);
    if (strstr(w->deprecated, quoted)) return;
    sgl_err e = {{0}, {0}};
    fail_at(&e, w, node_loc(k), NULL, "'%s' is deprecated (kept for one release): use '%s'", p->alias, p->name);
    size_t at = strlen(w->deprecated);
    snprintf(w->deprecated + at, sizeof w->deprecated - at, "%s: %s\n", e.field, e.msg);
}

const char *sgl_sweep_deprecated(const sgl_sweep *w) { return w ? w->deprecated : ""; }

static const sgl_param *key_param(sgl_sweep *w, struct fy_node *k, const char *section, sgl_err *err,
                                  sgl_status *st)
{
    size_t len = 0;
    const char *s = k && fy_node_get_type(k) == FYNT_SCALAR ? fy_node_get_scalar(k, &len) : NULL;
    const sgl_param *p = key_param_of(w, k, s, len, section, err, st);
    if (p) note_alias(w, p, k, s, len);
    return p;
}

static const sgl_param *key_param_of(sgl_sweep *w, struct fy_node *k, const char *s, size_t len, const char *section,
                                     sgl_err *err, sgl_status *st)
{
    if (w->kind != SGL_KIND_RUN) {
        char name[80];
        snprintf(name, sizeof name, "%.*s", (int)(len > 64 ? 64 : len), s ? s : "(not a scalar)");
        const sgl_param *p = s && len < 64 ? sgl_param_find(w->kind, name) : NULL;
        if (!p) *st = unknown_key(w, node_loc(k), section, name, err);
        return p;
    }
    const sgl_param *p = s ? sgl_param_lookup(s, len) : NULL;
    if (!p) {
        char names[600];
        sgl_param_names(names, sizeof names);
        *st = fail_at(err, w, node_loc(k), NULL, "%s: unknown key '%.*s'; valid: %s", section,
                      (int)(len > 64 ? 64 : len), s ? s : "(not a scalar)", names);
    }
    return p;
}

static sgl_status read_axes(sgl_sweep *w, struct fy_node *m, int zip, sgl_err *err)
{
    const char *section = zip ? "zip" : "grid";
    if (fy_node_get_type(m) != FYNT_MAPPING || fy_node_get_style(m) == FYNS_ALIAS)
        return fail_at(err, w, node_loc(m), NULL, "%s: must be a mapping of key: [values...], got %s", section,
                       kind_name(m));
    void *it = NULL;
    struct fy_node_pair *pr;
    sgl_status st = SGL_OK;
    while ((pr = fy_node_mapping_iterate(m, &it))) {
        struct fy_node *k = fy_node_pair_key(pr), *v = fy_node_pair_value(pr);
        const sgl_param *p = key_param(w, k, section, err, &st);
        if (!p) return st;
        for (size_t a = 0; a < w->n_axes; ++a)
            if (w->axes[a].p == p)
                return fail_at(err, w, node_loc(k), p->name, "already an axis at line %d; each key may vary once",
                               w->axes[a].at.line);
        if (w->n_axes == sizeof w->axes / sizeof w->axes[0])
            return fail_at(err, w, node_loc(k), p->name, "too many axes");
        if (!v || fy_node_get_type(v) != FYNT_SEQUENCE || fy_node_get_style(v) == FYNS_ALIAS)
            return fail_at(err, w, node_loc(v ? v : k), p->name, "%s axis must be a non-empty list of values, got %s",
                           section, kind_name(v));
        axis *ax = &w->axes[w->n_axes];
        ax->p = p;
        ax->at = node_loc(k);
        ax->n = (size_t)fy_node_sequence_item_count(v);
        if (ax->n == 0)
            return fail_at(err, w, node_loc(k), p->name, "%s axis must be a non-empty list of values, got []", section);
        ax->v = sgl_calloc(ax->n, sizeof *ax->v);
        if (!ax->v) return sgl_fail(err, SGL_ENOMEM, "spec", "out of memory");
        w->n_axes++;
        void *it2 = NULL;
        struct fy_node *c;
        size_t i = 0;
        while ((c = fy_node_sequence_iterate(v, &it2)) && i < ax->n)
            if ((st = read_value(w, p, c, &ax->v[i++], err)) != SGL_OK) return st;
        if (zip && w->n_axes > w->n_grid + 1 && ax->n != w->axes[w->n_grid].n)
            return fail_at(err, w, ax->at, p->name, "zip lists must have one length: %zu values here, %zu for '%s'",
                           ax->n, w->axes[w->n_grid].n, w->axes[w->n_grid].p->name);
    }
    if (!zip) w->n_grid = w->n_axes;
    return SGL_OK;
}

static const char *const k_secs[] = {"name", "base", "grid", "zip", "kind"};
#define K_SECS "name, kind, base, grid, zip"

/* the top-level kind: value (run when absent) */
static sgl_status read_kind(sgl_sweep *w, const char *s, size_t len, loc at, sgl_err *err)
{
    for (int k = 0; s && sgl_spec_kind_names[k]; ++k)
        if (strlen(sgl_spec_kind_names[k]) == len && strncmp(sgl_spec_kind_names[k], s, len) == 0) {
            w->kind = (sgl_spec_kind)k;
            w->kind_at = at;
            return SGL_OK;
        }
    return fail_at(err, w, at, "kind", "unknown kind '%.*s'; valid: run, limit, escape", (int)(len > 64 ? 64 : len),
                   s ? s : "(not a scalar)");
}

static loc mark_loc(const struct fy_mark *m) { return m ? (loc){m->line + 1, m->column + 1} : (loc){0, 0}; }

/* One streaming pass over the events before any document is built (linear
 * time): one document only, no explicit tags (!!str 20 would pass a number as
 * a string, "20" does not: one rule, no tags), at most SGL_SWEEP_MAX_KEYS keys
 * in any mapping, and unknown keys rejected where they are first seen.  A
 * syntax error anywhere in the stream is reported here (the document build
 * would stop after one JSON value and ignore the rest). */
typedef struct { unsigned char map, want_key, kind, sec; size_t keys; } frame;
/* the first key unknown to each kind's table (the kind: may come after base): reported at the end */
typedef struct { loc at; int set; unsigned char sec; char name[65]; } unknown;
enum { K_OTHER, K_ROOT, K_PARAMS };

static sgl_status prescan(sgl_sweep *w, const struct fy_parse_cfg *cfg, sgl_err *err)
{
    struct fy_parser *fyp = fy_parser_create(cfg);
    if (!fyp) return sgl_fail(err, SGL_ENOMEM, "spec", "out of memory");
    if (fy_parser_set_string(fyp, w->text, strlen(w->text)) != 0) {
        fy_parser_destroy(fyp);
        return sgl_fail(err, SGL_ENOMEM, "spec", "out of memory");
    }
    frame stack[128];
    unknown bad[3] = {{{0, 0}, 0, 0, {0}}, {{0, 0}, 0, 0, {0}}, {{0, 0}, 0, 0, {0}}};
    size_t depth = 0, docs = 0, ended = 0;
    int kind_bad = 0;
    sgl_status st = SGL_OK;
    struct fy_event *ev;
    while (st == SGL_OK && (ev = fy_parser_parse(fyp)) != NULL) {
        enum fy_event_type t = ev->type;
        if (t == FYET_DOCUMENT_START && ++docs > 1) {
            st = fail_at(err, w, mark_loc(fy_event_start_mark(ev)), NULL,
                         "a second document starts here; a spec is one YAML document (or one JSON value)");
        } else if (t == FYET_SCALAR || t == FYET_ALIAS || t == FYET_SEQUENCE_START || t == FYET_MAPPING_START) {
            struct fy_token *tag = t == FYET_ALIAS ? NULL : fy_event_get_tag_token(ev);
            frame *top = depth ? &stack[depth - 1] : NULL;
            unsigned char kind = K_OTHER, sec = 0;
            if (tag) {
                st = fail_at(err, w, mark_loc(fy_token_start_mark(tag)), NULL,
                             "explicit tags (like !!str) are not supported; write numbers plain and strings quoted");
            } else if (top && top->map && top->want_key) {
                top->want_key = 0;
                loc at = mark_loc(fy_event_start_mark(ev));
                size_t len = 0;
                const char *s = t == FYET_SCALAR ? fy_token_get_text(fy_event_get_token(ev), &len) : NULL;
                if (++top->keys > SGL_SWEEP_MAX_KEYS) {
                    st = fail_at(err, w, at, NULL, "a mapping with more than %d keys; a spec has at most one key per "
                                 "run parameter in a mapping", SGL_SWEEP_MAX_KEYS);
                } else if (s && top->kind == K_ROOT) {
                    int which = -1;
                    for (int q = 0; q < 5; ++q)
                        if (strlen(k_secs[q]) == len && strncmp(k_secs[q], s, len) == 0) which = q;
                    if (which < 0)
                        st = fail_at(err, w, at, NULL, "unknown top-level key '%.*s'; valid: " K_SECS,
                                     (int)(len > 64 ? 64 : len), s);
                    top->sec = (unsigned char)(which < 0 ? 0 : which);
                } else if (s && top->kind == K_PARAMS) {
                    char name[65];
                    snprintf(name, sizeof name, "%.*s", (int)(len > 64 ? 64 : len), s);
                    for (int k = 0; k < 3; ++k)
                        if (!bad[k].set && (len > 64 || !(k == SGL_KIND_RUN ? sgl_param_lookup(s, len)
                                                                            : sgl_param_find((sgl_spec_kind)k, name)))) {
                            bad[k] = (unknown){at, 1, top->sec, {0}};
                            memcpy(bad[k].name, name, sizeof name);
                        }
                }
            } else if (top && top->map) {
                top->want_key = 1;
                if (top->kind == K_ROOT && top->sec == 4 && t == FYET_SCALAR) {
                    size_t len = 0;
                    const char *s = fy_token_get_text(fy_event_get_token(ev), &len);
                    kind_bad = (st = read_kind(w, s, len, mark_loc(fy_event_start_mark(ev)), err)) != SGL_OK;
                }
                if (top->kind == K_ROOT && top->sec >= 1 && top->sec <= 3) { kind = K_PARAMS; sec = top->sec; }
            }
            if (st == SGL_OK && (t == FYET_SEQUENCE_START || t == FYET_MAPPING_START)) {
                if (depth == sizeof stack / sizeof stack[0]) {   /* libfyaml's depth limit reports it */
                    fy_parser_event_free(fyp, ev);
                    break;
                }
                if (depth == 0 && t == FYET_MAPPING_START) kind = K_ROOT;
                stack[depth++] = (frame){t == FYET_MAPPING_START, 1, t == FYET_MAPPING_START ? kind : K_OTHER, sec, 0};
            }
        } else if (t == FYET_SEQUENCE_END || t == FYET_MAPPING_END) {
            if (depth) --depth;
        } else if (t == FYET_DOCUMENT_END) {
            ++ended;
        }
        fy_parser_event_free(fyp, ev);
    }
    /* an unknown key comes before any later error in the text (the loop stops at the first) */
    if (!kind_bad && bad[w->kind].set) {
        const unknown *u = &bad[w->kind];
        if (w->kind != SGL_KIND_RUN) {
            st = unknown_key(w, u->at, k_secs[u->sec], u->name, err);
        } else {
            char names[600];
            sgl_param_names(names, sizeof names);
            st = fail_at(err, w, u->at, NULL, "%s: unknown key '%s'; valid: %s", k_secs[u->sec], u->name, names);
        }
    }
    if (st == SGL_OK && fy_parser_get_stream_error(fyp)) {
        /* JSON "{...} {...}" too: the document build would take the first value and drop the rest */
        void *it = NULL;
        struct fy_diag_error *e = cfg->diag ? fy_diag_errors_iterate(cfg->diag, &it) : NULL;
        if (e) st = fail_at(err, w, (loc){e->line, e->column}, NULL, "not valid YAML/JSON: %s%s", e->msg,
                            ended ? " (text after the end of the spec; a spec is one YAML document or one JSON value)" : "");
        else st = fail_at(err, w, (loc){0, 0}, NULL, "not valid YAML/JSON");
    }
    fy_parser_destroy(fyp);
    return st;
}

static sgl_status parse_doc(sgl_sweep *w, struct fy_document *doc, sgl_err *err)
{
    struct fy_node *root = fy_document_root(doc);
    if (!root || fy_node_get_type(root) != FYNT_MAPPING)
        return fail_at(err, w, node_loc(root), NULL,
                       "a sweep spec must be a mapping with keys " K_SECS "; got %s", kind_name(root));
    w->root_at = node_loc(root);
    struct fy_node *sec[5] = {NULL, NULL, NULL, NULL, NULL};   /* name, base, grid, zip, kind */
    static const char *const *const secs = k_secs;
    void *it = NULL;
    struct fy_node_pair *pr;
    while ((pr = fy_node_mapping_iterate(root, &it))) {
        struct fy_node *k = fy_node_pair_key(pr);
        size_t len = 0;
        const char *s = k && fy_node_get_type(k) == FYNT_SCALAR ? fy_node_get_scalar(k, &len) : NULL;
        int which = -1;
        for (int q = 0; q < 5 && s; ++q)
            if (strlen(secs[q]) == len && strncmp(secs[q], s, len) == 0) which = q;
        if (which < 0)
            return fail_at(err, w, node_loc(k), NULL, "unknown top-level key '%.*s'; valid: " K_SECS,
                           (int)(len > 64 ? 64 : len), s ? s : "(not a scalar)");
        sec[which] = fy_node_pair_value(pr);
        if (!sec[which]) return fail_at(err, w, node_loc(k), secs[which], "has no value");
    }
    sgl_status st;
    if (sec[4] && (fy_node_get_type(sec[4]) != FYNT_SCALAR || fy_node_get_style(sec[4]) == FYNS_ALIAS))
        return fail_at(err, w, node_loc(sec[4]), "kind", "must be one of run, limit, escape, got %s", kind_name(sec[4]));
    if (sec[0]) {
        size_t len;
        const char *s = fy_node_get_type(sec[0]) == FYNT_SCALAR && fy_node_get_style(sec[0]) != FYNS_ALIAS
                            ? fy_node_get_scalar(sec[0], &len) : NULL;
        if (!s) return fail_at(err, w, node_loc(sec[0]), "name", "must be a string, got %s", kind_name(sec[0]));
        if (!(w->name = sgl_malloc(len + 1))) return sgl_fail(err, SGL_ENOMEM, "spec", "out of memory");
        memcpy(w->name, s, len);
        w->name[len] = '\0';
    }
    sgl_spec_defaults(&w->base);
    if (sec[1]) {
        if (fy_node_get_type(sec[1]) != FYNT_MAPPING || fy_node_get_style(sec[1]) == FYNS_ALIAS)
            return fail_at(err, w, node_loc(sec[1]), "base", "must be a mapping of run parameters, got %s",
                           kind_name(sec[1]));
        it = NULL;
        while ((pr = fy_node_mapping_iterate(sec[1], &it))) {
            const sgl_param *p = key_param(w, fy_node_pair_key(pr), "base", err, &st);
            if (!p) return st;
            value v;
            if ((st = read_value(w, p, fy_node_pair_value(pr), &v, err)) != SGL_OK) return st;
            if (w->kind == SGL_KIND_RUN) sgl_param_set(&w->base, p, v.text, NULL);   /* checked by read_value */
            w->base_text[row_of(w, p)] = v.text;
            w->base_at[row_of(w, p)] = v.at;
        }
    }
    if (sec[2] && (st = read_axes(w, sec[2], 0, err)) != SGL_OK) return st;
    w->n_grid = w->n_axes;
    if (sec[3] && (st = read_axes(w, sec[3], 1, err)) != SGL_OK) return st;
    return SGL_OK;
}

/* where parameter p of run r came from */
static loc param_loc(const sgl_sweep *w, const size_t *digit, const sgl_param *p)
{
    for (size_t a = 0; a < w->n_axes; ++a)
        if (w->axes[a].p == p) return w->axes[a].v[a < w->n_grid ? digit[a] : digit[w->n_grid]].at;
    return w->base_at[row_of(w, p)];
}

typedef struct { uint64_t key; size_t run; } keyed;

static int cmp_keyed(const void *a, const void *b)
{
    const keyed *x = a, *y = b;
    if (x->key != y->key) return x->key < y->key ? -1 : 1;
    return x->run < y->run ? -1 : x->run > y->run;
}

/* two runs with one parameter set would be one run in the store: refuse */
static sgl_status check_duplicates(sgl_sweep *w, sgl_err *err)
{
    if (w->n_runs < 2) return SGL_OK;
    keyed *k = sgl_malloc_array(w->n_runs, sizeof *k);
    if (!k) return sgl_fail(err, SGL_ENOMEM, "spec", "out of memory");
    for (size_t r = 0; r < w->n_runs; ++r) {
        char hex[17];
        if (w->kind == SGL_KIND_RUN) sgl_spec_run_key(&w->runs[r], hex);
        else sgl_any_spec_run_key(&w->any[r], hex);
        k[r].key = strtoull(hex, NULL, 16);
        k[r].run = r;
    }
    qsort(k, w->n_runs, sizeof *k, cmp_keyed);
    for (size_t i = 1; i < w->n_runs; ++i)
        if (k[i].key == k[i - 1].key) {
            size_t a = k[i - 1].run, b = k[i].run;
            sgl_free(k);
            return fail_at(err, w, w->root_at, NULL,
                           "runs %zu and %zu of %zu have the same parameters (an axis lists a value twice?); each run "
                           "must differ in at least one key", a + 1, b + 1, w->n_runs);
        }
    sgl_free(k);
    return SGL_OK;
}

/* the digits of run r: mixed radix, zip fastest, first grid key slowest */
static void run_digits(const sgl_sweep *w, size_t r, size_t nzip, size_t *digit)
{
    size_t q = r;
    digit[w->n_grid] = q % nzip;
    q /= nzip;
    for (size_t a = w->n_grid; a-- > 0;) {
        digit[a] = q % w->axes[a].n;
        q /= w->axes[a].n;
    }
}

/* a failed validation of run r, located at the value that caused it */
static sgl_status fail_run(sgl_sweep *w, const size_t *digit, sgl_err *e, size_t r, size_t n, sgl_err *err)
{
    const char *f = e->field;
    while (*f == '-') ++f;
    const sgl_param *p = w->kind == SGL_KIND_RUN ? sgl_param_lookup(f, strlen(f)) : sgl_param_find(w->kind, f);
    loc at = p ? param_loc(w, digit, p) : (loc){0, 0};
    char *m = e->msg, *dash;
    /* the library names CLI flags; a spec file names keys */
    while ((dash = strstr(m, "--")) != NULL) memmove(dash, dash + 2, strlen(dash + 2) + 1);
    return fail_at(err, w, at.line ? at : w->root_at, p ? p->name : f, "%s%s (run %zu of %zu)", e->msg,
                   at.line ? "" : " (the default value)", r + 1, n);
}

/* limit and escape sweeps: each run an any spec set key by key (base, then axes) and validated */
static sgl_status expand_any(sgl_sweep *w, size_t n, size_t nzip, sgl_err *err)
{
    const sgl_param *t = sgl_param_table(w->kind);
    w->any = sgl_calloc(n, sizeof *w->any);
    if (w->vec_cap && n > SIZE_MAX / sizeof(double) / w->vec_cap)
        return sgl_fail(err, SGL_ENOMEM, "spec", "out of memory for %zu runs", n);
    w->vecs = w->vec_cap ? sgl_malloc_array(n * w->vec_cap, sizeof *w->vecs) : NULL;
    if (!w->any || (w->vec_cap && !w->vecs)) return sgl_fail(err, SGL_ENOMEM, "spec", "out of memory for %zu runs", n);
    w->n_runs = n;
    size_t digit[65];
    for (size_t r = 0; r < n; ++r) {
        run_digits(w, r, nzip, digit);
        sgl_any_spec *s = &w->any[r];
        sgl_any_spec_default(s, w->kind);
        s->vec = w->vecs ? w->vecs + r * w->vec_cap : NULL;
        s->vec_cap = w->vec_cap;
        for (const sgl_param *p = t; p->name; ++p)   /* checked by read_value */
            if (w->base_text[p - t]) sgl_any_spec_set(s, p->name, w->base_text[p - t], NULL);
        for (size_t a = 0; a < w->n_axes; ++a)
            sgl_any_spec_set(s, w->axes[a].p->name, w->axes[a].v[a < w->n_grid ? digit[a] : digit[w->n_grid]].text,
                             NULL);
        sgl_err e = {{0}, {0}};
        /* a landscape or model plugin: loaded (once per process) and its content hash put into the spec and run key */
        sgl_status st = s->kind == SGL_KIND_ESCAPE  ? sgl_escape_spec_resolve_plugin(&s->u.escape, &e)
                        : s->kind == SGL_KIND_LIMIT ? sgl_spec_resolve_plugin(&s->u.limit.run, &e)
                                                    : SGL_OK;
        if (st == SGL_OK) st = sgl_any_spec_validate(s, &e);
        if (st != SGL_OK) {
            fail_run(w, digit, &e, r, n, err);
            return st == SGL_ECAPS || st == SGL_EINVAL ? SGL_EINVAL : st;
        }
    }
    return check_duplicates(w, err);
}

static sgl_status expand(sgl_sweep *w, sgl_err *err)
{
    size_t n = 1;
    for (size_t a = 0; a < w->n_grid; ++a) {
        if (w->axes[a].n > SGL_SWEEP_MAX_RUNS / n)
            return fail_at(err, w, w->axes[a].at, NULL, "the sweep has more than %u runs", SGL_SWEEP_MAX_RUNS);
        n *= w->axes[a].n;
    }
    size_t nzip = w->n_axes > w->n_grid ? w->axes[w->n_grid].n : 1;
    if (nzip > SGL_SWEEP_MAX_RUNS / n)
        return fail_at(err, w, w->axes[w->n_grid].at, NULL, "the sweep has more than %u runs", SGL_SWEEP_MAX_RUNS);
    n *= nzip;
    if (w->kind != SGL_KIND_RUN) return expand_any(w, n, nzip, err);
    w->runs = sgl_calloc(n, sizeof *w->runs);
    if (!w->runs) return sgl_fail(err, SGL_ENOMEM, "spec", "out of memory for %zu runs", n);
    w->n_runs = n;
    size_t digit[65];
    const sgl_spec *resolved = NULL;   /* the last CSV run resolved: the next with its file reuses it */
    for (size_t r = 0; r < n; ++r) {
        run_digits(w, r, nzip, digit);
        sgl_spec *s = &w->runs[r];
        *s = w->base;
        for (size_t a = 0; a < w->n_axes; ++a)
            sgl_param_set(s, w->axes[a].p, w->axes[a].v[a < w->n_grid ? digit[a] : digit[w->n_grid]].text, NULL);
        sgl_err e = {{0}, {0}};
        /* a model plugin: loaded (once per process), its content hash into the spec and run key (the previous
         * run's when it names the same file: one read of the file per sweep, not per run) */
        sgl_status st = SGL_OK;
        if (r > 0 && sgl_spec_has_plugin(s) && sgl_spec_has_plugin(&w->runs[r - 1]) &&
            strcmp(s->model_plugin, w->runs[r - 1].model_plugin) == 0) {
            s->plugin_hash = w->runs[r - 1].plugin_hash;
            s->model = w->runs[r - 1].model;
        } else st = sgl_spec_resolve_plugin(s, &e);
        if (st == SGL_OK) st = sgl_spec_validate(s, &e);
        if (st == SGL_OK && s->data.input != SGL_INPUT_CSV) st = sgl_spec_check_size(s, &e);
        if (st == SGL_OK) {
            const sgl_noise_type *nt = sgl_noise_lookup(s->noise);
            if (nt->uses_batch && s->data.input != SGL_INPUT_CSV && s->batch > s->data.n)
                st = sgl_fail(&e, SGL_EINVAL, "--batch", "must be an integer in [1, n = %zu], got %zu", s->data.n,
                              s->batch);
            if (st == SGL_OK && s->data.input == SGL_INPUT_CSV) {
                FILE *f = fopen(s->data.csv_path, "r");
                struct stat sb;
                const int reg = f && fstat(fileno(f), &sb) == 0 && S_ISREG(sb.st_mode);
                if (f) fclose(f);
                if (!f) st = sgl_fail(&e, SGL_EINVAL, "--data-file", "cannot read '%s'", s->data.csv_path);
                else if (!reg || (uint64_t)sb.st_size > SGL_DATA_MAX_BYTES)
                    st = sgl_fail(&e, SGL_EINVAL, "--data-file", "'%s' is not a regular file of at most %llu bytes (%d MiB)",
                                  s->data.csv_path, (unsigned long long)SGL_DATA_MAX_BYTES, (int)(SGL_DATA_MAX_BYTES >> 20));
                /* its shape and content hash: part of the run's parameters and key */
                if (st == SGL_OK && resolved && strcmp(resolved->data.csv_path, s->data.csv_path) == 0) {
                    s->data.d = resolved->data.d;
                    s->data.n = resolved->data.n;
                    s->data.hash = resolved->data.hash;
                } else if (st == SGL_OK && (st = sgl_spec_resolve_data(s, &e)) == SGL_OK) {
                    resolved = s;
                }
            }
        }
        if (st != SGL_OK) {
            fail_run(w, digit, &e, r, n, err);
            return st == SGL_ECAPS ? SGL_EINVAL : st;
        }
    }
    return check_duplicates(w, err);
}

static void discard(struct fy_diag *diag, void *user, const char *buf, size_t len)
{
    (void)user; (void)diag; (void)buf; (void)len;
}

sgl_status sgl_sweep_parse(const char *buf, size_t len, const char *path, sgl_sweep **out, sgl_err *err)
{
    *out = NULL;
    sgl_sweep *w = sgl_calloc(1, sizeof *w);
    if (!w) return sgl_fail(err, SGL_ENOMEM, "spec", "out of memory");
    sgl_status st = SGL_OK;
    struct fy_diag *diag = NULL;
    struct fy_document *doc = NULL;
    w->path = sgl_malloc(strlen(path ? path : "<spec>") + 1);
    w->text = sgl_malloc(len + 1);
    if (!w->path || !w->text) { st = sgl_fail(err, SGL_ENOMEM, "spec", "out of memory"); goto done; }
    strcpy(w->path, path ? path : "<spec>");
    memcpy(w->text, buf, len);
    w->text[len] = '\0';
    if (len > SGL_SWEEP_MAX_BYTES) {
        st = fail_at(err, w, (loc){0, 0}, NULL, "the spec is longer than %u bytes (16 MiB); a spec holds at most that",
                     SGL_SWEEP_MAX_BYTES);
        goto done;
    }
    if (memchr(buf, '\0', len)) {
        st = fail_at(err, w, (loc){0, 0}, NULL, "the spec contains a NUL byte; expected YAML or JSON text");
        goto done;
    }
    size_t good = utf8_valid_prefix((const unsigned char *)buf, len);
    if (good < len) {
        loc at = {1, 1};
        for (size_t i = 0; i < good; ++i) {
            if (buf[i] == '\n') { ++at.line; at.col = 1; }
            else if (((unsigned char)buf[i] & 0xc0) != 0x80) ++at.col;   /* columns count characters */
        }
        st = fail_at(err, w, at, NULL, "byte 0x%02x is not valid UTF-8; a spec is UTF-8 text (YAML or JSON)",
                     (unsigned char)buf[good]);
        goto done;
    }
    struct fy_diag_cfg dc;
    fy_diag_cfg_default(&dc);
    dc.fp = NULL;
    dc.output_fn = discard;
    diag = fy_diag_create(&dc);
    if (!diag) { st = sgl_fail(err, SGL_ENOMEM, "spec", "out of memory"); goto done; }
    fy_diag_set_collect_errors(diag, true);
    /* a .json file is parsed as strict JSON, anything else as YAML 1.2 */
    size_t pl = strlen(w->path);
    const int json = pl > 5 && strcmp(w->path + pl - 5, ".json") == 0;
    struct fy_parse_cfg cfg = {NULL, FYPCF_QUIET | FYPCF_DEFAULT_VERSION_1_2 | (json ? FYPCF_JSON_FORCE : 0), NULL,
                               diag};
    if ((st = prescan(w, &cfg, err)) != SGL_OK) goto done;
    doc = fy_document_build_from_string(&cfg, w->text, len);
    if (!doc) {
        void *it = NULL;
        struct fy_diag_error *e = fy_diag_errors_iterate(diag, &it);
        if (e) st = fail_at(err, w, (loc){e->line, e->column}   /* libfyaml's diagnostics are 1-based */, NULL, "not valid YAML/JSON: %s", e->msg);
        else st = fail_at(err, w, (loc){0, 0}, NULL, "not valid YAML/JSON (or empty)");
        goto done;
    }
    if ((st = parse_doc(w, doc, err)) != SGL_OK) goto done;
    st = expand(w, err);
done:
    if (doc) fy_document_destroy(doc);
    if (diag) fy_diag_destroy(diag);
    for (size_t a = 0; a < w->n_axes; ++a) sgl_free(w->axes[a].v);
    w->n_axes = 0;
    if (st != SGL_OK) {
        sgl_sweep_free(w);
        return st;
    }
    *out = w;
    return SGL_OK;
}

sgl_status sgl_sweep_load(const char *path, sgl_sweep **out, sgl_err *err)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f) return sgl_fail(err, SGL_EINVAL, "spec", "cannot read '%s'", path);
    size_t cap = 4096, n = 0;
    char *buf = sgl_malloc(cap);
    while (buf) {
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (n < cap || n > SGL_SWEEP_MAX_BYTES) break;   /* too long: sgl_sweep_parse says so */
        char *nb = sgl_realloc(buf, cap * 2);
        if (!nb) { sgl_free(buf); buf = NULL; break; }
        buf = nb;
        cap *= 2;
    }
    int bad = ferror(f);
    fclose(f);
    if (!buf) return sgl_fail(err, SGL_ENOMEM, "spec", "out of memory");
    if (bad) { sgl_free(buf); return sgl_fail(err, SGL_EINVAL, "spec", "cannot read '%s'", path); }
    sgl_status st = sgl_sweep_parse(buf, n, path, out, err);
    sgl_free(buf);
    return st;
}

void sgl_sweep_free(sgl_sweep *w)
{
    if (!w) return;
    for (size_t i = 0; i < w->n_pool; ++i) sgl_free(w->pool[i]);
    for (size_t a = 0; a < w->n_axes; ++a) sgl_free(w->axes[a].v);
    sgl_free(w->pool);
    sgl_free(w->runs);
    sgl_free(w->any);
    sgl_free(w->vecs);
    sgl_free(w->path);
    sgl_free(w->text);
    sgl_free(w->name);
    sgl_free(w);
}

size_t sgl_sweep_size(const sgl_sweep *w) { return w->n_runs; }
/* run sweeps only (NULL for a limit or escape sweep: sgl_sweep_any_spec) */
const sgl_spec *sgl_sweep_spec(const sgl_sweep *w, size_t i) { return w->runs && i < w->n_runs ? &w->runs[i] : NULL; }
const char *sgl_sweep_name(const sgl_sweep *w) { return w->name ? w->name : ""; }
const char *sgl_sweep_text(const sgl_sweep *w) { return w->text; }
const char *sgl_sweep_path(const sgl_sweep *w) { return w->path; }

/* the sweep file's kind: (run when absent) */
sgl_spec_kind sgl_sweep_kind(const sgl_sweep *w) { return w->kind; }

sgl_status sgl_sweep_any_spec(const sgl_sweep *w, size_t i, sgl_any_spec *out, sgl_err *err)
{
    if (!w || i >= w->n_runs) return sgl_fail(err, SGL_EINVAL, "run", "no run %zu in this sweep", i + 1);
    if (w->kind != SGL_KIND_RUN) {
        *out = w->any[i];   /* its strings and vector point into w */
        return SGL_OK;
    }
    sgl_any_spec_default(out, SGL_KIND_RUN);
    out->u.run = w->runs[i];
    return SGL_OK;
}
