/* The parameter tables of the three spec kinds (run, limit, escape), their
 * one strict parser and setter, and their canonical forms.  Keys are the
 * sweep-file keys; the CLI flags are the same names with "--".  Parsing is
 * strict: integers accept 3e5 but not 2.5 or -1, doubles must be finite,
 * enums take their names (registries for the escape kinds).  The canonical
 * form (fixed key order, %.17g) is what the run key hashes and what the store
 * keeps: the run bytes and the escape bytes are those of earlier releases,
 * so existing stores resume. */
#include "internal.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *const sgl_spec_kind_names[] = {"run", "limit", "escape", NULL};

/* ------------------------------------------------------------------ tables */

#define U64MAX 0xffffffffffffffffull
#define P(field) offsetof(sgl_spec, field)
#define ROW(name, type, off, choices, help, def, unit, range, max, use, flags) \
    {name, type, off, choices, help, def, unit, range, NULL, max, use, flags, NULL, NULL},
/* a row renamed to its canonical name: stored (canonical form, store) under its old name, which the setter still
 * takes as a deprecated alias */
#define ROWA(name, old, type, off, choices, help, def, unit, range, max, use, flags) \
    {name, type, off, choices, help, def, unit, range, NULL, max, use, flags, old, old},
/* The run rows.  RUN_ROWS(X, R, V, A): X for a row of run and limit, R for one of run only, V for the vector init
 * (a CLI flag and a library setting, not a sweep key), A for a renamed row of run and limit (its old name an
 * alias and its stored key).  Expanded three times: the run table, the sweep keys
 * (sgl_params, without init: the columns `report` and `export` show) and the limit table (the limit spec starts
 * with its run spec, so the offsets are the same). */
#define RUN_ROWS(X, R, V, A)                                                                                          \
    X("model", SGL_PARAM_STR, P(model), NULL, "model name (sgdlab list)", "diagnet", NULL, "sgdlab list", 0, 0, 0) \
    X("noise", SGL_PARAM_STR, P(noise), NULL, "noise kind (sgdlab list)", "label", NULL, "sgdlab list", 0, 0, 0)   \
    X("d", SGL_PARAM_SIZE, P(data.d), NULL, "input dimension", "100", NULL, "1..1000000", 0,                       \
      SGL_USE_DATA | SGL_USE_GEN, 0)                                                                                \
    X("n", SGL_PARAM_SIZE, P(data.n), NULL, "training samples", "40", NULL, "1..10000000", 0,                      \
      SGL_USE_DATA | SGL_USE_GEN, 0)                                                                                \
    X("kappa", SGL_PARAM_SIZE, P(data.kappa), NULL, "sparsity of w* (first kappa coordinates)", "5", NULL, "0..d", \
      0, SGL_USE_DATA | SGL_USE_GEN, SGL_PF_CSV_OMIT)                                                               \
    R("n-test", SGL_PARAM_SIZE, P(data.n_test), NULL, "held-out samples (0: none)", "0", NULL, "0..10000000", 0,   \
      SGL_USE_DATA | SGL_USE_GEN, SGL_PF_CSV_OMIT)                                                                  \
    X("data", SGL_PARAM_ENUM, P(data.input), sgl_input_names, "inputs", "gaussian", NULL, NULL, 0, SGL_USE_DATA, 0) \
    X("data-file", SGL_PARAM_STR, P(data.csv_path), NULL, "CSV of rows x_1,...,x_d,y (data: csv)", "", NULL,       \
      "a file", 0, SGL_USE_DATA | SGL_USE_CSV, SGL_PF_HASH)                                                         \
    X("truth-file", SGL_PARAM_STR, P(data.truth_path), NULL, "ground truth w* of the CSV data: d numbers "         \
      "(gives test_error, off_support)", "none", NULL, "a file", 0, SGL_USE_DATA | SGL_USE_CSV, SGL_PF_TRUTH)       \
    X("truth", SGL_PARAM_ENUM, P(data.truth), sgl_truth_names, "w* on its support", "ones", NULL, NULL, 0,         \
      SGL_USE_DATA | SGL_USE_GEN, SGL_PF_CSV_OMIT)                                                                  \
    X("data-noise", SGL_PARAM_DOUBLE, P(data.label_noise), NULL, "std of noise in the stored labels", "0", NULL,   \
      ">= 0", 0, SGL_USE_DATA | SGL_USE_GEN, SGL_PF_CSV_OMIT)                                                       \
    X("data-draw", SGL_PARAM_ENUM, P(data_draw), sgl_draw_names, "per-seed (each seed its own data) | shared",      \
      "per-seed", NULL, NULL, 0, SGL_USE_DATA | SGL_USE_GEN, SGL_PF_CSV_OMIT)                                       \
    X("width", SGL_PARAM_SIZE, P(data.width), NULL, "hidden units of the student (tanhnet)", "0 (the model's: 16)", \
      NULL, "0..100000", 0, SGL_USE_WIDTH, 0)                                                                       \
    X("loss-a", SGL_PARAM_DOUBLE, P(a), NULL, "loss constant a in a*r^2", "the model's", NULL, "> 0", 0, 0, 0)     \
    X("alpha", SGL_PARAM_DOUBLE, P(alpha), NULL, "initialisation scale", "1", NULL, "finite", 0, 0, 0)             \
    X("delta", SGL_PARAM_DOUBLE, P(delta), NULL, "label-noise std / minibatch-diff scale", "1", NULL, ">= 0", 0,    \
      SGL_USE_DELTA, 0)                                                                                             \
    X("sigma", SGL_PARAM_DOUBLE, P(sigma), NULL, "Gaussian parameter-noise std", "0", NULL, ">= 0", 0,             \
      SGL_USE_SIGMA, 0)                                                                                             \
    X("sigma-scale", SGL_PARAM_ENUM, P(sigma_scale), sgl_scale_names, "noise scaling (required with gaussian)",    \
      "none", NULL, NULL, 0, SGL_USE_SIGMA, 0)                                                                      \
    X("batch", SGL_PARAM_SIZE, P(batch), NULL, "batch size B", "1", NULL, ">= 1", 0, SGL_USE_BATCH, 0)             \
    X("sampling", SGL_PARAM_ENUM, P(with_replacement), sgl_sampling_names, "minibatches without | with "           \
      "replacement", "without", NULL, NULL, 0, SGL_USE_BATCH, 0)                                                    \
    X("lr", SGL_PARAM_DOUBLE, P(lr), NULL, "learning rate eta", "0.001", NULL, "> 0", 0, 0, 0)                     \
    R("lr-decay", SGL_PARAM_DECAY, 0, NULL, "steps K1,K2,... where eta is multiplied by the factor", "none", NULL, \
      "increasing integers >= 1", 0, 0, 0)                                                                          \
    R("lr-decay-factor", SGL_PARAM_DOUBLE, P(decay_factor), NULL, "factor of lr-decay", "0.1", NULL, "> 0", 0,     \
      SGL_USE_DECAY, 0)                                                                                             \
    R("steps", SGL_PARAM_U64, P(steps), NULL, "SGD steps k", "100000", "steps", "1..2^56", 0, 0, 0)                \
    R("every", SGL_PARAM_U64, P(every), NULL, "log every k steps", "1000", "steps", ">= 1, steps/every <= 10^6", 0, \
      0, 0)                                                                                                         \
    A("trajectories", "seeds", SGL_PARAM_U32, P(seeds), NULL, "trajectories M (each its own seed stream)", "8",   \
      NULL, "1..2^32-1", 0, 0, 0)                                                                                   \
    X("seed", SGL_PARAM_U64, P(seed), NULL, "Philox key", "1", NULL, "0..2^64-1", U64MAX, 0, 0)                    \
    R("bound", SGL_PARAM_DOUBLE, P(bound), NULL, "diverged when max|theta_j| exceeds it (checked every 256 steps " \
      "and at the end)", "1e8", NULL, "> 0", 0, 0, 0)                                                               \
    X("threshold", SGL_PARAM_DOUBLE, P(threshold), NULL, "|w_j| counted active off-support above it", "0.01",      \
      NULL, ">= 0", 0, 0, 0)                                                                                        \
    X("observe", SGL_PARAM_STR, P(observe), NULL, "optional observables to log too, comma-separated: lambda_max, " \
      "theta_1", "none", NULL, "lambda_max, theta_1", 0, 0, 0)                                                      \
    X("model-plugin", SGL_PARAM_STR, P(model_plugin), NULL, "a model plugin: a shared object built against "      \
      "include/sgdlab_plugin.h (replaces model)", "none", NULL, "a file", 0, 0, SGL_PF_OPTIONAL | SGL_PF_PLUGIN | SGL_PF_EXPORT_USED)    \
    X("plugin-param", SGL_PARAM_TEXT, P(plugin_param), NULL, "parameter key=value of the model plugin "          \
      "(repeatable; or k1=v1,k2=v2)", "none", NULL, "key=value pairs", 0, 0, SGL_PF_OPTIONAL | SGL_PF_EXPORT_USED)                        \
    V("init", SGL_PARAM_VEC, P(init), NULL, "initial point x1,x2,... (one value per parameter; replaces alpha)",   \
      "none", NULL, "finite numbers", 0, 0, SGL_PF_OPTIONAL | SGL_PF_NOSWEEP)

#define NOROW(...)
#define END_ROW {NULL, 0, 0, NULL, NULL, NULL, NULL, NULL, NULL, 0, 0, 0, NULL, NULL}
const sgl_param sgl_params[] = {RUN_ROWS(ROW, ROW, NOROW, ROWA) END_ROW};
static const sgl_param k_run[] = {RUN_ROWS(ROW, ROW, ROW, ROWA) END_ROW};

_Static_assert(offsetof(sgl_limit_spec, run) == 0, "the limit table's run rows use sgl_spec offsets");
#define L(field) offsetof(sgl_limit_spec, field)
static const sgl_param k_limit[] = {
    RUN_ROWS(ROW, NOROW, ROW, ROWA)
    ROW("T", SGL_PARAM_DOUBLE, L(T), NULL, "horizon in limit time t = eta^2 k", "1", "t = eta^2 k", "> 0", 0, 0, 0)
    ROW("dt", SGL_PARAM_DOUBLE, L(dt), NULL, "Euler-Maruyama step in limit time (0: T/1000)", "T/1000", "t = eta^2 k",
        "(0, T]", 0, 0, 0)
    ROW("form", SGL_PARAM_ENUM, L(form), sgl_limit_form_names, "auto | general (four-term) | closed", "auto", NULL,
        NULL, 0, 0, 0)
    ROW("limit-eig", SGL_PARAM_ENUM, L(eig), sgl_limit_eig_names,
        "normal space per step: iterative (warm-started Hessian-vector products) | dense (Hessian + dsyev, the "
        "reference)", "iterative", NULL, NULL, 0, 0, SGL_PF_OPTIONAL)
    END_ROW,
};

/* The escape rows, in the order of the canonical form.  Which noise, event or
 * landscape reads a key: the registries' .reads. */
#define E(field) offsetof(sgl_escape_spec, field)
#define EROW(name, type, off, kinds, help, def, unit, range, max, key) \
    {name, type, off, NULL, help, def, unit, range, kinds, max, 0, 0, key, NULL},
#define AROW(name, type, off, help, def, range) \
    {name, type, off, NULL, help, def, NULL, range, NULL, 0, 0, SGL_PF_AMS, NULL, NULL},
const char *const sgl_escape_method_names[] = {"direct", "ams", NULL};
const char *const sgl_ams_coordinate_names[] = {"event", "loss", "distance", NULL};
const char *const sgl_escape_bridge_names[] = {"off", "on", NULL};
static const sgl_param k_escape[] = {
    EROW("landscape", SGL_PARAM_STR, E(landscape), NULL, "landscape (sgdlab list)", "doublewell", NULL, "sgdlab list",
         0, NULL)
    {"landscape-plugin", SGL_PARAM_STR, E(landscape_plugin), NULL, "a landscape plugin: a shared object built "
     "against include/sgdlab_plugin.h (replaces landscape)", "none", NULL, "a file", NULL, 0, 0,
     SGL_PF_OPTIONAL | SGL_PF_PLUGIN, NULL, NULL},
    EROW("n-dim", SGL_PARAM_U32, E(lp.n), NULL, "dimension n", "1", NULL, "1..the landscape's maximum", 0, "n")
    EROW("L0", SGL_PARAM_DOUBLE, E(lp.L0), NULL, "loss at the minimum L*", "0.5", NULL, ">= 0", 0, NULL)
    EROW("a", SGL_PARAM_DOUBLE, E(lp.a), NULL, "well depth a", "1", NULL, "> 0", 0, NULL)
    EROW("h", SGL_PARAM_DOUBLE, E(lp.h), NULL, "quadratic: curvature h", "1", NULL, "> 0", 0, NULL)
    EROW("h-ratio", SGL_PARAM_DOUBLE, E(lp.q), NULL, "quadratic: h_i = h q^i", "1", NULL, "> 0", 0, NULL)
    EROW("k", SGL_PARAM_DOUBLE, E(lp.k), NULL, "sharpness: theta -> sqrt(k) theta, Hessian x k", "1", NULL, "> 0", 0,
         NULL)
    /* rows of a later release: optional, written only when nonzero (earlier run keys stay) */
    {"n-data", SGL_PARAM_U32, E(lp.n_data), NULL, "data landscapes (linreg): samples N, drawn from the seed",
     "0 (1000)", NULL, "0 or 2..2^32-1", NULL, 0, 0, SGL_PF_OPTIONAL, NULL, NULL},
    EROW("noise", SGL_PARAM_KIND, E(noise), sgl_escape_noises, "noise kind", "mori", NULL, NULL, 0, NULL)
    EROW("D", SGL_PARAM_DOUBLE, E(D), NULL, "isotropic: diffusion D (per-step std sqrt(2 D eta))", "0.1", NULL, "> 0", 0,
         NULL)
    EROW("B-over-eta", SGL_PARAM_DOUBLE, E(B_over_eta), NULL, "B / eta of mori, xie, xie-frozen", "40", NULL, "> 0", 0,
         NULL)
    {"batch", SGL_PARAM_U32, E(batch), NULL, "noise data, dynamics minibatch: batch size B", "0 (1)", NULL,
     "0..1024, below n-data", NULL, 0, 0, SGL_PF_OPTIONAL, NULL, NULL},
    /* lr: the run name of the step size; stored as "eta" (earlier run keys), which is still taken (deprecated) */
    {"lr", SGL_PARAM_DOUBLE, E(eta), NULL, "learning rate eta: t = eta k", "0.01", NULL, "> 0", NULL, 0, 0, 0, "eta",
     "eta"},
    EROW("dynamics", SGL_PARAM_KIND, E(dynamics), sgl_escape_dynamics_kinds, "dynamics", "sde", NULL, NULL, 0, NULL)
    EROW("dt", SGL_PARAM_DOUBLE, E(dt), NULL, "sde: step in t; mori-tc: step in tau (0: eta; eta L*)", "0", NULL,
         ">= 0", 0, NULL)
    {"bridge", SGL_PARAM_ENUM, E(bridge), sgl_escape_bridge_names,
     "sde, mori-tc: Brownian-bridge exit check between grid points (no O(sqrt(dt)) bias)", "on", NULL, NULL, NULL, 0,
     0, SGL_PF_DYN, NULL, NULL},
    EROW("event", SGL_PARAM_KIND, E(event), sgl_escape_events, "exit event",
         "hyperplane (loss on a landscape without a saddle)", NULL, NULL, 0, NULL)
    EROW("offset", SGL_PARAM_DOUBLE, E(offset), NULL, "hyperplane: noise widths past the saddle", "3", NULL, ">= 0", 0,
         NULL)
    EROW("c", SGL_PARAM_DOUBLE, E(c), NULL, "loss: exit at L >= c L*", "2", NULL, "> 1", 0, NULL)
    EROW("r", SGL_PARAM_DOUBLE, E(r), NULL, "ball: exit at |theta - theta*| >= r", "1", NULL, "> 0", 0, NULL)
    EROW("start", SGL_PARAM_KIND, E(start), sgl_escape_starts, "start protocol", "min", NULL, NULL, 0, NULL)
    EROW("burn-in", SGL_PARAM_DOUBLE, E(burn_in), NULL, "burn-in length (restarted at theta* on exit)", "0",
         "t = eta k", "> 0 with start burn-in", 0, NULL)
    EROW("x0", SGL_PARAM_VEC, E(x0), NULL, "start point x1,...,xn", "theta*", NULL, "n-dim finite numbers", 0, NULL)
    EROW("trajectories", SGL_PARAM_U32, E(trajectories), NULL, "trajectories M", "1000", NULL, "1..2^32-1", 0, NULL)
    EROW("t-max", SGL_PARAM_DOUBLE, E(t_max), NULL, "censoring horizon", "1e4", "t = eta k", "> 0", 0, NULL)
    EROW("seed", SGL_PARAM_U64, E(seed), NULL, "Philox key", "1", NULL, "0..2^64-1", U64MAX, NULL)
    {"method", SGL_PARAM_ENUM, E(method), sgl_escape_method_names, "direct simulation or adaptive multilevel splitting",
     "direct", NULL, NULL, NULL, 0, 0, SGL_PF_AMS, NULL, NULL},
    AROW("replicas", SGL_PARAM_U32, E(ams.replicas), "ams: replicas N", "100", "2..100000")
    AROW("kill", SGL_PARAM_U32, E(ams.kill), "ams: kill every replica at or below the k-th lowest level", "1",
         "1..replicas-1")
    AROW("ams-runs", SGL_PARAM_U32, E(ams.runs), "ams: independent runs pooled (SEs across them)", "8", "1..4000")
    AROW("ams-cycles", SGL_PARAM_U32, E(ams.cycles), "ams: loops per walker before its entrance point is used", "2",
         "1..1000")
    AROW("ams-z-a", SGL_PARAM_DOUBLE, E(ams.z_A), "ams: return level of the reaction coordinate (A)",
         "auto (median near the minimum)", "< 1, with ams-z-sigma")
    AROW("ams-z-sigma", SGL_PARAM_DOUBLE, E(ams.z_sigma), "ams: start level of the excursions (Sigma)",
         "auto (90 % quantile near the minimum)", "(ams-z-a, 1)")
    /* in the canonical form only when not the default (earlier ams run keys stay) */
    {"coordinate", SGL_PARAM_ENUM, E(ams.coordinate), sgl_ams_coordinate_names,
     "ams: reaction coordinate: the event's, L/L* rescaled (loss) or |theta - theta*| rescaled (distance)", "event",
     NULL, NULL, NULL, 0, 0, SGL_PF_AMS | SGL_PF_OPTIONAL, NULL, NULL},
    END_ROW,
};

const sgl_param *sgl_param_table(sgl_spec_kind kind)
{
    switch (kind) {
    case SGL_KIND_RUN: return k_run;
    case SGL_KIND_LIMIT: return k_limit;
    case SGL_KIND_ESCAPE: return k_escape;
    }
    return NULL;
}

const char *sgl_param_stored_key(const sgl_param *p) { return p->key ? p->key : p->name; }

static int same(const char *a, const char *name, size_t len) { return a && strlen(a) == len && strncmp(a, name, len) == 0; }

/* the row named name[0..len) in t (its name first, then a deprecated alias), or NULL */
static const sgl_param *row_named(const sgl_param *t, const char *name, size_t len, int alias_only)
{
    for (const sgl_param *p = t; p && p->name && name && !alias_only; ++p)
        if (same(p->name, name, len)) return p;
    for (const sgl_param *p = t; p && p->name && name; ++p)
        if (same(p->alias, name, len)) return p;
    return NULL;
}

const sgl_param *sgl_param_find(sgl_spec_kind kind, const char *name)
{
    return row_named(sgl_param_table(kind), name, name ? strlen(name) : 0, 0);
}

const sgl_param *sgl_param_deprecated(sgl_spec_kind kind, const char *name)
{
    return row_named(sgl_param_table(kind), name, name ? strlen(name) : 0, 1);
}

const sgl_param *sgl_param_lookup(const char *name, size_t len)
{
    const sgl_param *p = row_named(sgl_params, name, len, 0);
    return p && !(p->flags & SGL_PF_NOSWEEP) ? p : NULL;
}

void sgl_param_names(char *buf, size_t len)
{
    size_t k = 0;
    if (len) buf[0] = '\0';
    for (const sgl_param *p = sgl_params; p->name && k < len; ++p)
        if (!(p->flags & SGL_PF_NOSWEEP)) k += (size_t)snprintf(buf + k, len - k, "%s%s", k ? ", " : "", p->name);
}

const char *sgl_param_type_name(sgl_param_type t)
{
    switch (t) {
    case SGL_PARAM_STR: return "a string";
    case SGL_PARAM_SIZE: case SGL_PARAM_U64: case SGL_PARAM_U32: return "a non-negative integer";
    case SGL_PARAM_DOUBLE: return "a finite number";
    case SGL_PARAM_ENUM: case SGL_PARAM_KIND: return "one of the names";
    case SGL_PARAM_DECAY: return "a list of steps K1,K2,... (or a sequence)";
    case SGL_PARAM_VEC: return "a list of finite numbers v1,v2,...";
    case SGL_PARAM_TEXT: return "key=value pairs k1=v1,k2=v2";
    }
    return "?";
}

/* ------------------------------------------------------------------ parser */

/* Plain digits exactly (64 bits); 3e5-style only when an integer below 2^53. */
int sgl_parse_uint(const char *s, unsigned long long max, unsigned long long *out)
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

/* the whole token a finite number (no leading blank) */
int sgl_parse_double(const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || isspace((unsigned char)s[0]) || *end != '\0' || errno == ERANGE || !isfinite(v)) return -1;
    *out = v;
    return 0;
}

/* edit distance of a and b (insert, delete, substitute, swap two neighbours), capped at 9: names are short */
static unsigned edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 47 || lb > 47) return 9;
    unsigned d[48][48];
    for (size_t i = 0; i <= la; ++i) d[i][0] = (unsigned)i;
    for (size_t j = 0; j <= lb; ++j) d[0][j] = (unsigned)j;
    for (size_t i = 1; i <= la; ++i)
        for (size_t j = 1; j <= lb; ++j) {
            unsigned best = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
            if (d[i - 1][j] + 1 < best) best = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < best) best = d[i][j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < best)
                best = d[i - 2][j - 2] + 1;
            d[i][j] = best;
        }
    return d[la][lb] < 9 ? d[la][lb] : 9;
}

const char *sgl_nearest_name(const char *given, const char *const *names, size_t n)
{
    const char *best = NULL;
    unsigned bd = 9;
    for (size_t i = 0; given && i < n; ++i) {
        if (!names[i]) continue;
        unsigned d = edit_distance(given, names[i]);
        if (d < bd) bd = d, best = names[i];
    }
    /* a typo, not another word: 1 edit in a short name, 2 in a longer one */
    if (!best || bd == 0 || bd > (strlen(best) <= 4 ? 1u : 2u)) return NULL;
    return best;
}

void sgl_did_you_mean(const char *given, const char *const *names, size_t n, char *buf, size_t len)
{
    const char *best = sgl_nearest_name(given, names, n);
    if (len) buf[0] = '\0';
    if (best && len) snprintf(buf, len, " (did you mean '%s'?)", best);
}

static unsigned long long int_max(const sgl_param *p)
{
    if (p->max) return p->max;
    return p->type == SGL_PARAM_U32 ? 0xffffffffull : (1ull << 53);
}

/* the names an ENUM / KIND row accepts, joined by ", " */
static void enum_names(const sgl_param *p, char *buf, size_t len)
{
    size_t k = 0;
    buf[0] = '\0';
    if (p->type == SGL_PARAM_KIND) {
        sgl_escape_kind_names(p->kinds, ", ", buf, len);
        return;
    }
    for (int i = 0; p->choices[i] && k < len; ++i)
        if (strcmp(p->choices[i], "unset") != 0)
            k += (size_t)snprintf(buf + k, len - k, "%s%s", k ? ", " : "", p->choices[i]);
}

static sgl_status set_enum(const sgl_param *p, char *base, const char *text, sgl_err *err)
{
    if (p->type == SGL_PARAM_KIND) {
        const sgl_escape_kind *k = sgl_escape_kind_find(p->kinds, text);
        if (k) {
            *(int *)base = k->id;
            return SGL_OK;
        }
    } else {
        for (int i = 0; p->choices[i]; ++i)
            if (strcmp(p->choices[i], text) == 0 && strcmp(text, "unset") != 0) {
                *(int *)base = i;
                return SGL_OK;
            }
    }
    char names[200], hint[80];
    const char *cand[32];
    size_t n = 0;
    for (; n < 32 && (p->type == SGL_PARAM_KIND ? p->kinds[n] != NULL : p->choices[n] != NULL); ++n)
        cand[n] = p->type == SGL_PARAM_KIND ? p->kinds[n]->name : p->choices[n];
    enum_names(p, names, sizeof names);
    sgl_did_you_mean(text, cand, n, hint, sizeof hint);
    return sgl_fail(err, SGL_EINVAL, p->name, "unknown value '%s'%s; valid: %s", text, hint, names);
}

/* K1,K2,...: every token an integer >= 1 (no empty ones); increasing order is checked by the validation */
static sgl_status set_decay(const sgl_param *p, sgl_spec *s, const char *text, sgl_err *err)
{
    unsigned long long u;
    s->n_decay = 0;
    if (text[0] == '\0') return SGL_OK;   /* no decay */
    for (const char *tok = text;;) {
        const char *comma = strchr(tok, ',');
        size_t len = comma ? (size_t)(comma - tok) : strlen(tok);
        char buf[32];
        if (len == 0 || len >= sizeof buf)
            return sgl_fail(err, SGL_EINVAL, p->name, "must be steps K1,K2,... (integers >= 1, increasing), got '%s'",
                            text);
        if (s->n_decay == SGL_MAX_DECAY) return sgl_fail(err, SGL_EINVAL, p->name, "at most %d decay steps", SGL_MAX_DECAY);
        memcpy(buf, tok, len);
        buf[len] = '\0';
        if (sgl_parse_uint(buf, 1ull << 53, &u) != 0)
            return sgl_fail(err, SGL_EINVAL, p->name, "must be steps K1,K2,... (integers >= 1, increasing), got '%s'",
                            text);
        s->decay_at[s->n_decay++] = u;
        if (!comma) break;
        tok = comma + 1;
    }
    return SGL_OK;
}

/* v1,v2,...: finite numbers, no empty tokens, into vec[0..cap) */
static sgl_status set_vec(const sgl_param *p, double *vec, size_t cap, size_t *n, const char *text, sgl_err *err)
{
    *n = 0;
    if (!vec) return sgl_fail(err, SGL_EINVAL, p->name, "a vector value needs storage (sgl_any_spec.vec)");
    for (const char *tok = text;;) {
        const char *comma = strchr(tok, ',');
        size_t len = comma ? (size_t)(comma - tok) : strlen(tok);
        char buf[64];
        if (len == 0 || len >= sizeof buf)
            return sgl_fail(err, SGL_EINVAL, p->name, "must be finite numbers v1,v2,... , got '%s'", text);
        if (*n == cap) return sgl_fail(err, SGL_EINVAL, p->name, "at most %zu values", cap);
        memcpy(buf, tok, len);
        buf[len] = '\0';
        if (sgl_parse_double(buf, &vec[*n]) != 0)
            return sgl_fail(err, SGL_EINVAL, p->name, "must be finite numbers v1,v2,... , got '%s' in '%s'", buf, text);
        ++*n;
        if (!comma) break;
        tok = comma + 1;
    }
    return SGL_OK;
}

/* k1=v1,k2=v2 merged into the sorted pairs of buf (cap bytes): a key given again takes the new value.  Keys
 * are letters, digits, '_', '-', '.'; a value has no ',' and no control byte. */
static sgl_status set_pairs(const sgl_param *p, char *buf, size_t cap, const char *text, sgl_err *err)
{
    const char *key[SGL_PLUGIN_PARAM_MAX / 2], *val[SGL_PLUGIN_PARAM_MAX / 2];
    size_t klen[SGL_PLUGIN_PARAM_MAX / 2], vlen[SGL_PLUGIN_PARAM_MAX / 2], n = 0;
    char old[SGL_PLUGIN_PARAM_MAX], out[SGL_PLUGIN_PARAM_MAX];
    snprintf(old, sizeof old, "%s", buf);
    for (int pass = 0; pass < 2; ++pass) {   /* the pairs held, then the new ones */
        const char *tok = pass ? text : old;
        if (!tok[0]) continue;
        for (;;) {
            const char *comma = strchr(tok, ','), *eq = strchr(tok, '=');
            size_t len = comma ? (size_t)(comma - tok) : strlen(tok);
            if (!eq || eq >= tok + len || eq == tok || strspn(tok, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                                                 "0123456789_-.") != (size_t)(eq - tok))
                return sgl_fail(err, SGL_EINVAL, p->name,
                                "must be key=value pairs k1=v1,k2=v2 (keys of letters, digits, _ - .), got '%s'", text);
            for (const char *c = eq + 1; c < tok + len; ++c)
                if ((unsigned char)*c < 0x20 || *c == 0x7f)
                    return sgl_fail(err, SGL_EINVAL, p->name, "must not contain control characters");
            size_t kl = (size_t)(eq - tok), at = 0;
            while (at < n && (strncmp(key[at], tok, kl < klen[at] ? kl : klen[at]) < 0 ||
                              (strncmp(key[at], tok, kl < klen[at] ? kl : klen[at]) == 0 && klen[at] < kl)))
                ++at;
            if (at < n && klen[at] == kl && strncmp(key[at], tok, kl) == 0) {
                val[at] = eq + 1, vlen[at] = len - kl - 1;   /* replaced */
            } else {
                if (n == sizeof key / sizeof key[0]) return sgl_fail(err, SGL_EINVAL, p->name, "too many pairs");
                memmove(key + at + 1, key + at, (n - at) * sizeof *key);
                memmove(klen + at + 1, klen + at, (n - at) * sizeof *klen);
                memmove(val + at + 1, val + at, (n - at) * sizeof *val);
                memmove(vlen + at + 1, vlen + at, (n - at) * sizeof *vlen);
                key[at] = tok, klen[at] = kl, val[at] = eq + 1, vlen[at] = len - kl - 1, ++n;
            }
            if (!comma) break;
            tok = comma + 1;
        }
    }
    size_t k = 0;
    for (size_t i = 0; i < n; ++i)
        k += (size_t)snprintf(k < sizeof out ? out + k : NULL, k < sizeof out ? sizeof out - k : 0, "%s%.*s=%.*s",
                              i ? "," : "", (int)klen[i], key[i], (int)vlen[i], val[i]);
    if (k >= cap) return sgl_fail(err, SGL_EINVAL, p->name, "at most %zu bytes of key=value pairs", cap - 1);
    memcpy(buf, out, k + 1);
    return SGL_OK;
}

/* one row from text into the spec at base (a run spec for DECAY) */
static sgl_status set_row(const sgl_param *p, void *spec, const char *text, sgl_err *err)
{
    char *base = (char *)spec + p->off;
    unsigned long long u, max = int_max(p);
    switch (p->type) {
    case SGL_PARAM_STR:
        *(const char **)base = text;
        return SGL_OK;
    case SGL_PARAM_SIZE:
    case SGL_PARAM_U64:
    case SGL_PARAM_U32:
        if (sgl_parse_uint(text, max, &u) != 0)
            return sgl_fail(err, SGL_EINVAL, p->name, "must be a non-negative integer <= %llu, got '%s'", max, text);
        if (p->type == SGL_PARAM_SIZE) *(size_t *)base = (size_t)u;
        else if (p->type == SGL_PARAM_U64) *(uint64_t *)base = u;
        else *(uint32_t *)base = (uint32_t)u;
        return SGL_OK;
    case SGL_PARAM_DOUBLE:
        if (sgl_parse_double(text, (double *)base) != 0)
            return sgl_fail(err, SGL_EINVAL, p->name, "must be a finite number, got '%s'", text);
        return SGL_OK;
    case SGL_PARAM_ENUM:
    case SGL_PARAM_KIND: return set_enum(p, base, text, err);
    case SGL_PARAM_DECAY: return set_decay(p, spec, text, err);
    case SGL_PARAM_TEXT: return set_pairs(p, base, SGL_PLUGIN_PARAM_MAX, text, err);
    case SGL_PARAM_VEC: break;   /* needs the any spec's storage */
    }
    return sgl_fail(err, SGL_EINVAL, p->name, "a vector value needs storage (sgl_any_spec.vec)");
}

sgl_status sgl_param_set(sgl_spec *s, const sgl_param *p, const char *text, sgl_err *err)
{
    return set_row(p, s, text, err);
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

/* the vector of a VEC row and its length: run init (n_init), escape x0 (n-dim values) */
static const double *row_vec(const sgl_param *p, const void *spec, sgl_spec_kind kind, size_t *n)
{
    const double *v = *(const double *const *)((const char *)spec + p->off);
    if (kind == SGL_KIND_ESCAPE) {
        unsigned dim = ((const sgl_escape_spec *)spec)->lp.n;
        *n = dim < SGL_ESC_MAX_DIM ? dim : SGL_ESC_MAX_DIM;
    } else {
        *n = ((const sgl_spec *)spec)->n_init;
    }
    if (!v) *n = 0;
    return v;
}

static void write_row(sgl_json *w, const sgl_param *p, const void *spec, sgl_spec_kind kind)
{
    const char *base = (const char *)spec + p->off;
    switch (p->type) {
    case SGL_PARAM_STR: {
        const char *v = *(const char *const *)base;
        sgl_json_string(w, v ? v : "");
        break;
    }
    case SGL_PARAM_TEXT: sgl_json_string(w, base); break;
    case SGL_PARAM_SIZE: sgl_json_uint(w, *(const size_t *)base); break;
    case SGL_PARAM_U64: sgl_json_uint(w, *(const uint64_t *)base); break;
    case SGL_PARAM_U32: sgl_json_uint(w, *(const uint32_t *)base); break;
    case SGL_PARAM_DOUBLE: sgl_json_double(w, *(const double *)base); break;   /* loss-a NaN (the model's default): null */
    case SGL_PARAM_ENUM: {
        int v = *(const int *)base, n = 0;
        while (p->choices[n]) ++n;
        sgl_json_string(w, v >= 0 && v < n ? p->choices[v] : "?");
        break;
    }
    case SGL_PARAM_KIND: {
        int v = *(const int *)base, n = 0;
        while (p->kinds[n]) ++n;
        sgl_json_string(w, v >= 0 && v < n ? p->kinds[v]->name : "?");
        break;
    }
    case SGL_PARAM_DECAY: {
        const sgl_spec *s = spec;
        sgl_json_begin_array(w);
        for (size_t i = 0; i < s->n_decay && i < SGL_MAX_DECAY; ++i) sgl_json_uint(w, s->decay_at[i]);
        sgl_json_end_array(w);
        break;
    }
    case SGL_PARAM_VEC: {
        size_t n;
        const double *v = row_vec(p, spec, kind, &n);
        if (!v) {
            sgl_json_null(w);   /* escape x0 unset: theta* */
            break;
        }
        sgl_json_begin_array(w);
        for (size_t i = 0; i < n; ++i) sgl_json_double(w, v[i]);
        sgl_json_end_array(w);
        break;
    }
    }
}

/* The rows of table t in order.  Run and limit: CSV data has d and n from the
 * file (sgl_spec_resolve_data), its content hash after data-file, and no
 * generator keys; a truth file and its hash only when given; init only when
 * given.  Escape: "counter_layout" last (its run key hashes the text alone). */
/* an SGL_PF_OPTIONAL row is written when set: run init given; an escape
 * integer nonzero (so the escape specs of earlier releases keep their bytes);
 * an enum off its first value (limit-eig dense: the default's key unchanged) */
static int optional_set(const sgl_param *p, const void *spec, const sgl_spec *run)
{
    const char *base = (const char *)spec + p->off;
    if (p->type == SGL_PARAM_STR) return *(const char *const *)base && (*(const char *const *)base)[0];
    if (p->type == SGL_PARAM_TEXT) return base[0] != '\0';
    if (p->type == SGL_PARAM_ENUM) return *(const int *)base != 0;   /* limit-eig: dense only */
    if (run) return run->n_init > 0 && run->init;
    if (p->type == SGL_PARAM_ENUM) return *(const int *)base != 0;   /* escape coordinate: not the default */
    return p->type == SGL_PARAM_U32 && *(const uint32_t *)((const char *)spec + p->off) != 0;
}

/* an SGL_PF_DYN row (an int) is written when the escape spec's dynamics reads
 * it and it is nonzero: bridge on.  The runs of earlier releases had no
 * bridge, so their specs (sgd, or sde / mori-tc with bridge off) keep their
 * run keys and the default (bridge on) changes the key with the results. */
static int dyn_written(const sgl_param *p, const void *spec)
{
    const sgl_escape_spec *s = spec;
    return (unsigned)s->dynamics <= SGL_ESC_MINIBATCH &&
           sgl_escape_reads(sgl_escape_dynamics_kinds[s->dynamics]->reads, p->name) &&
           *(const int *)((const char *)spec + p->off) != 0;
}

static size_t canonical(const void *spec, sgl_spec_kind kind, sbuf b)
{
    const sgl_spec *run = kind == SGL_KIND_ESCAPE ? NULL : spec;
    const int csv = run && run->data.input == SGL_INPUT_CSV;
    /* a truth file only with CSV data, and only when given: every other run keeps its key */
    const int truth = csv && run->data.truth_path && run->data.truth_path[0];
    sgl_json w;
    sgl_json_to_sink(&w, sink, &b, SGL_JSON_RAW_BYTES);
    sgl_json_begin_object(&w);
    if (kind == SGL_KIND_LIMIT) sgl_json_kstring(&w, "kind", "limit");
    for (const sgl_param *p = sgl_param_table(kind); p->name; ++p) {
        if (csv && (p->flags & SGL_PF_CSV_OMIT)) continue;
        if ((p->flags & SGL_PF_OPTIONAL) && !optional_set(p, spec, run)) continue;
        if ((p->flags & SGL_PF_TRUTH) && !truth) continue;
        if ((p->flags & SGL_PF_AMS) && ((const sgl_escape_spec *)spec)->method != SGL_ESC_METHOD_AMS) continue;
        if ((p->flags & SGL_PF_DYN) && !dyn_written(p, spec)) continue;
        sgl_json_key(&w, sgl_param_stored_key(p));
        if (kind == SGL_KIND_LIMIT && p->off == offsetof(sgl_limit_spec, dt) && p->type == SGL_PARAM_DOUBLE) {
            const sgl_limit_spec *ls = spec;   /* the step used: 0 is T/1000 */
            sgl_json_double(&w, ls->dt > 0.0 ? ls->dt : ls->T / 1000.0);
            continue;
        }
        write_row(&w, p, spec, kind);
        if (csv && (p->flags & SGL_PF_HASH)) {
            char hash[17];
            snprintf(hash, sizeof hash, "%016llx", (unsigned long long)run->data.hash);
            sgl_json_kstring(&w, "data-hash", hash);
        }
        if (p->flags & SGL_PF_PLUGIN) {   /* the plugin's content: a changed file is a different run */
            char hash[17];
            snprintf(hash, sizeof hash, "%016llx", (unsigned long long)(run ? run->plugin_hash
                                                                         : ((const sgl_escape_spec *)spec)->landscape_hash));
            sgl_json_kstring(&w, "plugin-hash", hash);
        }
        if (truth && (p->flags & SGL_PF_TRUTH)) {
            char hash[17];
            snprintf(hash, sizeof hash, "%016llx", (unsigned long long)run->data.truth_hash);
            sgl_json_kstring(&w, "truth-hash", hash);
        }
    }
    if (kind == SGL_KIND_ESCAPE) sgl_json_kint(&w, "counter_layout", SGL_COUNTER_LAYOUT);
    sgl_json_end_object(&w);
    return b.k;
}

size_t sgl_spec_canonical(const sgl_spec *s, char *buf, size_t len)
{
    if (len) buf[0] = '\0';
    return canonical(s, SGL_KIND_RUN, (sbuf){buf, len, 0, NULL});
}

size_t sgl_any_spec_canonical(const sgl_any_spec *s, char *buf, size_t len)
{
    if (len) buf[0] = '\0';
    if (!sgl_param_table(s->kind)) return 0;
    return canonical(&s->u, s->kind, (sbuf){buf, len, 0, NULL});
}

void sgl_any_spec_run_key(const sgl_any_spec *s, char key[17])
{
    uint64_t h = 0xcbf29ce484222325ull;
    if (sgl_param_table(s->kind)) canonical(&s->u, s->kind, (sbuf){NULL, 0, 0, &h});
    if (s->kind != SGL_KIND_ESCAPE) h = (h ^ (unsigned)SGL_COUNTER_LAYOUT) * 0x100000001b3ull;
    snprintf(key, 17, "%016llx", (unsigned long long)h);
}

/* ---------------------------------------------------------------- any spec */

void sgl_limit_spec_default(sgl_limit_spec *s)
{
    memset(s, 0, sizeof *s);
    sgl_spec_defaults(&s->run);
    s->T = 1.0;
    s->dt = 0.0;
    s->form = SGL_LIMIT_AUTO;
}

void sgl_any_spec_default(sgl_any_spec *s, sgl_spec_kind kind)
{
    memset(s, 0, sizeof *s);
    s->kind = kind;
    if (kind == SGL_KIND_LIMIT) sgl_limit_spec_default(&s->u.limit);
    else if (kind == SGL_KIND_ESCAPE) sgl_escape_spec_default(&s->u.escape);
    else sgl_spec_defaults(&s->u.run);
}

/* escape: the event's default depends on the landscape (hyperplane needs a
 * saddle; a landscape without one, quadratic, defaults to loss) unless the
 * event was given, in any order of the keys */
static void escape_default_event(sgl_any_spec *s)
{
    const sgl_landscape_type *lt = sgl_landscape_lookup(s->u.escape.landscape);
    if (!lt || sgl_any_spec_given(s, "event")) return;
    sgl_escape_spec d;
    sgl_escape_spec_default(&d);
    s->u.escape.event = lt->has_saddle ? d.event : SGL_ESC_EV_LOSS;
}

const char *sgl_escape_event_defaulted(const sgl_any_spec *s)
{
    if (s->kind != SGL_KIND_ESCAPE || sgl_any_spec_given(s, "event")) return NULL;
    const sgl_landscape_type *lt = sgl_landscape_lookup(s->u.escape.landscape);
    return lt && !lt->has_saddle && s->u.escape.event == SGL_ESC_EV_LOSS
               ? "defaulted: the landscape has no saddle for hyperplane" : NULL;
}

sgl_status sgl_any_spec_set(sgl_any_spec *s, const char *name, const char *text, sgl_err *err)
{
    const sgl_param *t = sgl_param_table(s->kind);
    if (!t) return sgl_fail(err, SGL_EINVAL, "kind", "unknown spec kind %d", (int)s->kind);
    const sgl_param *p = sgl_param_find(s->kind, name);
    if (!p) {
        char names[800], hint[80];
        const char *cand[64];
        size_t k = 0, n = 0;
        names[0] = '\0';
        for (const sgl_param *q = t; q->name && k < sizeof names; ++q) {
            k += (size_t)snprintf(names + k, sizeof names - k, "%s%s", k ? ", " : "", q->name);
            if (n < 64) cand[n++] = q->name;
        }
        for (const sgl_param *q = t; q->name; ++q)   /* after the names (which win a tie): a typo of an old name */
            if (q->alias && n < 64) cand[n++] = q->alias;
        const char *best = sgl_nearest_name(name, cand, n);
        const sgl_param *old = best ? sgl_param_deprecated(s->kind, best) : NULL;
        hint[0] = '\0';
        if (best) snprintf(hint, sizeof hint, " (did you mean '%s'?)", old ? old->name : best);
        return sgl_fail(err, SGL_EINVAL, "key", "unknown %s key '%s'%s; valid: %s", sgl_spec_kind_names[s->kind],
                        name ? name : "", hint, names);
    }
    if (!text) return sgl_fail(err, SGL_EINVAL, p->name, "needs a value");
    sgl_status st;
    if (p->type == SGL_PARAM_VEC) {
        size_t n;
        if ((st = set_vec(p, s->vec, s->vec_cap, &n, text, err)) != SGL_OK) return st;
        s->n_vec = n;
        *(const double **)((char *)&s->u + p->off) = s->vec;
        if (s->kind != SGL_KIND_ESCAPE) s->u.run.n_init = n;
    } else if ((st = set_row(p, &s->u, text, err)) != SGL_OK) {
        return st;
    }
    s->given |= 1ull << (p - t);
    if (s->kind == SGL_KIND_ESCAPE && strcmp(p->name, "landscape") == 0) escape_default_event(s);
    return SGL_OK;
}

int sgl_any_spec_given(const sgl_any_spec *s, const char *name)
{
    const sgl_param *p = sgl_param_find(s->kind, name);
    return p && (s->given >> (p - sgl_param_table(s->kind)) & 1u);
}

size_t sgl_any_spec_get(const sgl_any_spec *s, const sgl_param *p, char *buf, size_t len)
{
    const void *spec = &s->u;
    const char *base = (const char *)spec + p->off;
    size_t k = 0;
#define PUT(...) (k += (size_t)snprintf(k < len ? buf + k : NULL, k < len ? len - k : 0, __VA_ARGS__))
    if (len) buf[0] = '\0';
    switch (p->type) {
    case SGL_PARAM_STR: {
        const char *v = *(const char *const *)base;
        PUT("%s", v ? v : "");
        break;
    }
    case SGL_PARAM_SIZE: PUT("%zu", *(const size_t *)base); break;
    case SGL_PARAM_U64: PUT("%llu", (unsigned long long)*(const uint64_t *)base); break;
    case SGL_PARAM_U32: PUT("%u", (unsigned)*(const uint32_t *)base); break;
    case SGL_PARAM_DOUBLE: PUT("%.17g", *(const double *)base); break;
    case SGL_PARAM_TEXT: PUT("%s", base); break;
    case SGL_PARAM_ENUM: PUT("%s", p->choices[*(const int *)base]); break;
    case SGL_PARAM_KIND: PUT("%s", p->kinds[*(const int *)base]->name); break;
    case SGL_PARAM_DECAY:
        for (size_t i = 0; i < s->u.run.n_decay && i < SGL_MAX_DECAY; ++i)
            PUT("%s%llu", i ? "," : "", (unsigned long long)s->u.run.decay_at[i]);
        break;
    case SGL_PARAM_VEC: {
        size_t n;
        const double *v = row_vec(p, spec, s->kind, &n);
        for (size_t i = 0; v && i < n; ++i) PUT("%s%.17g", i ? "," : "", v[i]);
        break;
    }
    }
#undef PUT
    return k;
}

/* FNV-1a 64 over the canonical text and the counter layout: a run's identity
 * for resume (the store also keeps the text and compares it). */
void sgl_spec_run_key(const sgl_spec *s, char key[17])
{
    uint64_t h = 0xcbf29ce484222325ull;
    canonical(s, SGL_KIND_RUN, (sbuf){NULL, 0, 0, &h});
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
