/* The run-parameter table: one row per key of a run spec.  Sweep files use
 * these names as keys; the `sgdlab run` flags are the same names with "--"
 * (tests/cli/cli_sweep_spec.sh checks the two lists agree).  Parsing is strict
 * and matches the CLI's: integers accept 3e5 but not 2.5 or -1, doubles must
 * be finite, enums take their names.  The canonical form (fixed key order,
 * %.17g) is what the run key hashes and what the store keeps. */
#include "internal.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define P(field) offsetof(sgl_spec, field)
const sgl_param sgl_params[] = {
    {"model", SGL_PARAM_STR, P(model), NULL, "model name (sgdlab list)"},
    {"noise", SGL_PARAM_STR, P(noise), NULL, "noise kind (sgdlab list)"},
    {"d", SGL_PARAM_SIZE, P(data.d), NULL, "input dimension"},
    {"n", SGL_PARAM_SIZE, P(data.n), NULL, "training samples"},
    {"kappa", SGL_PARAM_SIZE, P(data.kappa), NULL, "sparsity of w*"},
    {"n-test", SGL_PARAM_SIZE, P(data.n_test), NULL, "held-out samples"},
    {"data", SGL_PARAM_ENUM, P(data.input), sgl_input_names, "inputs"},
    {"data-file", SGL_PARAM_STR, P(data.csv_path), NULL, "CSV file (data: csv)"},
    {"truth-file", SGL_PARAM_STR, P(data.truth_path), NULL, "ground truth w* of the CSV data (data: csv)"},
    {"truth", SGL_PARAM_ENUM, P(data.truth), sgl_truth_names, "w* on its support"},
    {"data-noise", SGL_PARAM_DOUBLE, P(data.label_noise), NULL, "std of noise in the stored labels"},
    {"data-draw", SGL_PARAM_ENUM, P(data_draw), sgl_draw_names, "data draw policy"},
    {"width", SGL_PARAM_SIZE, P(data.width), NULL, "hidden units of the student (tanhnet; 0: its default)"},
    {"loss-a", SGL_PARAM_DOUBLE, P(a), NULL, "loss constant a"},
    {"alpha", SGL_PARAM_DOUBLE, P(alpha), NULL, "initialisation scale"},
    {"delta", SGL_PARAM_DOUBLE, P(delta), NULL, "label-noise std"},
    {"sigma", SGL_PARAM_DOUBLE, P(sigma), NULL, "Gaussian parameter-noise std"},
    {"sigma-scale", SGL_PARAM_ENUM, P(sigma_scale), sgl_scale_names, "eta | sqrt-eta"},
    {"batch", SGL_PARAM_SIZE, P(batch), NULL, "batch size B"},
    {"sampling", SGL_PARAM_ENUM, P(with_replacement), sgl_sampling_names, "without | with"},
    {"lr", SGL_PARAM_DOUBLE, P(lr), NULL, "learning rate eta"},
    {"lr-decay", SGL_PARAM_DECAY, 0, NULL, "steps where eta is multiplied by the factor"},
    {"lr-decay-factor", SGL_PARAM_DOUBLE, P(decay_factor), NULL, "decay factor"},
    {"steps", SGL_PARAM_U64, P(steps), NULL, "SGD steps k"},
    {"every", SGL_PARAM_U64, P(every), NULL, "log every k steps"},
    {"seeds", SGL_PARAM_U32, P(seeds), NULL, "trajectories M"},
    {"seed", SGL_PARAM_U64, P(seed), NULL, "Philox key"},
    {"bound", SGL_PARAM_DOUBLE, P(bound), NULL, "divergence bound on max|theta_j|"},
    {"threshold", SGL_PARAM_DOUBLE, P(threshold), NULL, "|w_j| counted active off-support above it"},
    {"observe", SGL_PARAM_STR, P(observe), NULL, "optional observables to log too (lambda_max, theta_1)"},
    {NULL, 0, 0, NULL, NULL},
};

const sgl_param *sgl_param_lookup(const char *name, size_t len)
{
    for (const sgl_param *p = sgl_params; p->name; ++p)
        if (strlen(p->name) == len && strncmp(p->name, name, len) == 0) return p;
    return NULL;
}

void sgl_param_names(char *buf, size_t len)
{
    size_t k = 0;
    if (len) buf[0] = '\0';
    for (const sgl_param *p = sgl_params; p->name && k < len; ++p)
        k += (size_t)snprintf(buf + k, len - k, "%s%s", k ? ", " : "", p->name);
}

const char *sgl_param_type_name(sgl_param_type t)
{
    switch (t) {
    case SGL_PARAM_STR: return "a string";
    case SGL_PARAM_SIZE: case SGL_PARAM_U64: case SGL_PARAM_U32: return "a non-negative integer";
    case SGL_PARAM_DOUBLE: return "a finite number";
    case SGL_PARAM_ENUM: return "one of the names";
    case SGL_PARAM_DECAY: return "a list of steps K1,K2,... (or a sequence)";
    }
    return "?";
}

/* Plain digits exactly (64 bits); 3e5-style only when an integer below 2^53. */
static int parse_uint(const char *s, unsigned long long max, unsigned long long *out)
{
    size_t nd = strspn(s, "0123456789");
    char *end;
    errno = 0;
    if (nd > 0 && s[nd] == '\0') {
        unsigned long long v = strtoull(s, &end, 10);
        if (errno == ERANGE || v > max) return -1;
        *out = v;
        return 0;
    }
    if (nd > 0 && s[strspn(s, "0123456789.eE+")] == '\0') {
        double v = strtod(s, &end);
        if (*end == '\0' && errno != ERANGE && v == floor(v) && v <= (double)max && v <= 0x1p53) {
            *out = (unsigned long long)v;
            return 0;
        }
    }
    return -1;
}

sgl_status sgl_param_set(sgl_spec *s, const sgl_param *p, const char *text, sgl_err *err)
{
    char *base = (char *)s + p->off;
    unsigned long long u;
    switch (p->type) {
    case SGL_PARAM_STR:
        *(const char **)base = text;
        return SGL_OK;
    case SGL_PARAM_SIZE:
    case SGL_PARAM_U64:
    case SGL_PARAM_U32: {
        unsigned long long max = p->type == SGL_PARAM_U32 ? 0xffffffffull
                                 : p->off == offsetof(sgl_spec, seed) ? ~0ull : (1ull << 53);
        if (parse_uint(text, max, &u) != 0)
            return sgl_fail(err, SGL_EINVAL, p->name, "must be a non-negative integer <= %llu, got '%s'", max, text);
        if (p->type == SGL_PARAM_SIZE) *(size_t *)base = (size_t)u;
        else if (p->type == SGL_PARAM_U64) *(uint64_t *)base = u;
        else *(uint32_t *)base = (uint32_t)u;
        return SGL_OK;
    }
    case SGL_PARAM_DOUBLE: {
        char *end;
        errno = 0;
        double v = strtod(text, &end);
        if (end == text || isspace((unsigned char)text[0]) || *end != '\0' || errno == ERANGE || !isfinite(v))
            return sgl_fail(err, SGL_EINVAL, p->name, "must be a finite number, got '%s'", text);
        *(double *)base = v;
        return SGL_OK;
    }
    case SGL_PARAM_ENUM: {
        char names[128] = "";
        size_t k = 0;
        for (int i = 0; p->choices[i]; ++i) {
            if (strcmp(p->choices[i], "unset") == 0) continue;
            if (strcmp(p->choices[i], text) == 0) {
                *(int *)base = i;
                return SGL_OK;
            }
            if (k < sizeof names)
                k += (size_t)snprintf(names + k, sizeof names - k, "%s%s", k ? ", " : "", p->choices[i]);
        }
        return sgl_fail(err, SGL_EINVAL, p->name, "unknown value '%s'; valid: %s", text, names);
    }
    case SGL_PARAM_DECAY: {
        s->n_decay = 0;
        if (text[0] == '\0') return SGL_OK;   /* no decay */
        for (const char *tok = text;;) {
            const char *comma = strchr(tok, ',');
            size_t len = comma ? (size_t)(comma - tok) : strlen(tok);
            char buf[32];
            if (len == 0 || len >= sizeof buf || s->n_decay == SGL_MAX_DECAY)
                return sgl_fail(err, SGL_EINVAL, p->name,
                                "must be at most %d steps K1,K2,... (integers >= 1, increasing), got '%s'",
                                SGL_MAX_DECAY, text);
            memcpy(buf, tok, len);
            buf[len] = '\0';
            if (parse_uint(buf, 1ull << 53, &u) != 0)
                return sgl_fail(err, SGL_EINVAL, p->name, "must be steps K1,K2,... (integers >= 1), got '%s'", text);
            s->decay_at[s->n_decay++] = u;
            if (!comma) break;
            tok = comma + 1;
        }
        return SGL_OK;
    }
    }
    return SGL_EINVAL;
}

/* ---------------------------------------------------------- canonical form */

/* Output goes to buf (snprintf-style, k counts what was needed) or, when h is
 * set, into a running FNV-1a 64 hash (no buffer, so the run key of any spec
 * needs no allocation).  The text is written by the JSON writer in its
 * canonical mode (bytes >= 0x80 as they are: the run keys of existing stores
 * stay what they were). */
typedef struct { char *buf; size_t len, k; uint64_t *h; } sbuf;

static void sink(void *ctx, const char *s, size_t n)
{
    sbuf *b = ctx;
    if (b->h) {
        for (size_t i = 0; i < n; ++i) *b->h = (*b->h ^ (unsigned char)s[i]) * 0x100000001b3ull;
        return;
    }
    for (size_t i = 0; i < n; ++i, ++b->k)
        if (b->k + 1 < b->len) b->buf[b->k] = s[i];
    if (b->len) b->buf[b->k < b->len ? b->k : b->len - 1] = '\0';
}

static size_t canonical(const sgl_spec *s, sbuf b)
{
    /* CSV data: d and n are the file's (sgl_spec_resolve_data), its content
     * hash follows data-file (and a truth file's follows truth-file), and the
     * generator's keys are left out */
    const int csv = s->data.input == SGL_INPUT_CSV;
    /* a truth file only with CSV data, and only when given: every other run keeps its key */
    const int truth = csv && s->data.truth_path && s->data.truth_path[0];
    sgl_json w;
    sgl_json_to_sink(&w, sink, &b, SGL_JSON_RAW_BYTES);
    sgl_json_begin_object(&w);
    for (const sgl_param *p = sgl_params; p->name; ++p) {
        const char *base = (const char *)s + p->off;
        if (csv && (p->off == offsetof(sgl_spec, data.kappa) || p->off == offsetof(sgl_spec, data.n_test) ||
                    p->off == offsetof(sgl_spec, data.truth) || p->off == offsetof(sgl_spec, data.label_noise) ||
                    p->off == offsetof(sgl_spec, data_draw)))
            continue;
        if (p->off == offsetof(sgl_spec, data.truth_path) && !truth) continue;
        sgl_json_key(&w, p->name);
        switch (p->type) {
        case SGL_PARAM_STR: {
            const char *v = *(const char *const *)base;
            sgl_json_string(&w, v ? v : "");
            if (csv && p->off == offsetof(sgl_spec, data.csv_path)) {
                char hash[17];
                snprintf(hash, sizeof hash, "%016llx", (unsigned long long)s->data.hash);
                sgl_json_kstring(&w, "data-hash", hash);
            }
            if (truth && p->off == offsetof(sgl_spec, data.truth_path)) {
                char hash[17];
                snprintf(hash, sizeof hash, "%016llx", (unsigned long long)s->data.truth_hash);
                sgl_json_kstring(&w, "truth-hash", hash);
            }
            break;
        }
        case SGL_PARAM_SIZE: sgl_json_uint(&w, *(const size_t *)base); break;
        case SGL_PARAM_U64: sgl_json_uint(&w, *(const uint64_t *)base); break;
        case SGL_PARAM_U32: sgl_json_uint(&w, *(const uint32_t *)base); break;
        case SGL_PARAM_DOUBLE: sgl_json_double(&w, *(const double *)base); break;   /* loss-a NaN (the model's default): null */
        case SGL_PARAM_ENUM: {
            int v = *(const int *)base;
            int n = 0;
            while (p->choices[n]) ++n;
            sgl_json_string(&w, v >= 0 && v < n ? p->choices[v] : "?");
            break;
        }
        case SGL_PARAM_DECAY:
            sgl_json_begin_array(&w);
            for (size_t i = 0; i < s->n_decay && i < SGL_MAX_DECAY; ++i) sgl_json_uint(&w, s->decay_at[i]);
            sgl_json_end_array(&w);
            break;
        }
    }
    /* an explicit initial point (library callers only; not a run flag) */
    if (s->n_init > 0 && s->init) {
        sgl_json_key(&w, "init");
        sgl_json_begin_array(&w);
        for (size_t i = 0; i < s->n_init; ++i) sgl_json_double(&w, s->init[i]);
        sgl_json_end_array(&w);
    }
    sgl_json_end_object(&w);
    return b.k;
}

size_t sgl_spec_canonical(const sgl_spec *s, char *buf, size_t len)
{
    if (len) buf[0] = '\0';
    return canonical(s, (sbuf){buf, len, 0, NULL});
}

/* FNV-1a 64 over the canonical text and the counter layout: a run's identity
 * for resume (the store also keeps the text and compares it). */
void sgl_spec_run_key(const sgl_spec *s, char key[17])
{
    uint64_t h = 0xcbf29ce484222325ull;
    canonical(s, (sbuf){NULL, 0, 0, &h});
    h = (h ^ (unsigned)SGL_COUNTER_LAYOUT) * 0x100000001b3ull;
    snprintf(key, 17, "%016llx", (unsigned long long)h);
}

/* The same FNV-1a 64 key for a run described by other text (e.g. an escape
 * spec's parameter JSON, which carries the counter layout itself). */
void sgl_text_run_key(const char *text, char key[17])
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (const unsigned char *c = (const unsigned char *)text; *c; ++c) h = (h ^ *c) * 0x100000001b3ull;
    snprintf(key, 17, "%016llx", (unsigned long long)h);
}

/* GD time t = sum_{k'<k} eta_k' and slow time sum eta_k'^2, exact under step
 * decay (one term per constant-eta segment). */
void sgl_spec_clock(const sgl_spec *s, uint64_t k, double *t_eta, double *t_eta2)
{
    double t1 = 0.0, t2 = 0.0;
    uint64_t a = 0;
    while (a < k) {
        uint64_t b = k;
        for (size_t i = 0; i < s->n_decay; ++i)
            if (s->decay_at[i] > a && s->decay_at[i] < b) b = s->decay_at[i];
        double eta = sgl_spec_lr(s, a);
        t1 += eta * (double)(b - a);
        t2 += eta * eta * (double)(b - a);
        a = b;
    }
    *t_eta = t1;
    *t_eta2 = t2;
}
