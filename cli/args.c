/* Flag parsing for `sgdlab run` and `sgdlab reproduce`: one table of flags.
 * Numbers are parsed strictly (the whole token, finite); integer flags accept
 * 3e5 but not 2.5 or -1.  Range checks live in the library (sgl_spec_validate)
 * so every caller gets the same messages. */
#include "cli.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef enum { F_SIZE, F_U64, F_U32, F_INT, F_DOUBLE, F_STR, F_ENUM, F_DECAY, F_FLAG, F_VEC } ftype;

typedef struct {
    const char *name;
    unsigned cmds;              /* SGL_CMD_RUN | SGL_CMD_REPRODUCE */
    ftype type;
    size_t off;                 /* offset into sgl_cli_opts */
    const char *const *choices; /* F_ENUM: NULL-terminated names, value = index */
    const char *help;
} flag;

#define O(field) offsetof(sgl_cli_opts, field)
static const char *const k_format[] = {"table", "csv", "jsonl", NULL};

static const flag k_flags[] = {
    {"--model", SGL_CMD_RUN | SGL_CMD_LIMIT, F_STR, O(spec.model), NULL, "model name (sgdlab list)"},
    {"--noise", SGL_CMD_RUN | SGL_CMD_LIMIT, F_STR, O(spec.noise), NULL, "noise kind (sgdlab list)"},
    {"--d", SGL_CMD_RUN | SGL_CMD_LIMIT, F_SIZE, O(spec.data.d), NULL, "input dimension"},
    {"--n", SGL_CMD_RUN | SGL_CMD_LIMIT, F_SIZE, O(spec.data.n), NULL, "training samples"},
    {"--kappa", SGL_CMD_RUN | SGL_CMD_LIMIT, F_SIZE, O(spec.data.kappa), NULL, "sparsity of w* (first kappa coordinates)"},
    {"--n-test", SGL_CMD_RUN, F_SIZE, O(spec.data.n_test), NULL, "held-out samples (0: none)"},
    {"--data", SGL_CMD_RUN | SGL_CMD_LIMIT, F_ENUM, O(spec.data.input), sgl_input_names, "inputs: gaussian | boolean | csv"},
    {"--data-file", SGL_CMD_RUN | SGL_CMD_LIMIT, F_STR, O(spec.data.csv_path), NULL, "CSV of rows x_1,...,x_d,y (--data csv)"},
    {"--truth", SGL_CMD_RUN | SGL_CMD_LIMIT, F_ENUM, O(spec.data.truth), sgl_truth_names, "w* on its support: ones | signs"},
    {"--data-noise", SGL_CMD_RUN | SGL_CMD_LIMIT, F_DOUBLE, O(spec.data.label_noise), NULL, "std of noise in the stored labels"},
    {"--data-draw", SGL_CMD_RUN | SGL_CMD_LIMIT, F_ENUM, O(spec.data_draw), sgl_draw_names, "per-seed (each seed its own data) | shared"},
    {"--width", SGL_CMD_RUN | SGL_CMD_LIMIT, F_SIZE, O(spec.data.width), NULL, "hidden units of the student (tanhnet; default 16)"},
    {"--loss-a", SGL_CMD_RUN | SGL_CMD_LIMIT, F_DOUBLE, O(spec.a), NULL, "loss constant a in a*r^2 (default: the model's)"},
    {"--alpha", SGL_CMD_RUN | SGL_CMD_LIMIT, F_DOUBLE, O(spec.alpha), NULL, "initialisation scale"},
    {"--init", SGL_CMD_RUN | SGL_CMD_LIMIT, F_VEC, O(init), NULL, "initial point x1,x2,... (one value per parameter; replaces --alpha)"},
    {"--observe", SGL_CMD_RUN | SGL_CMD_LIMIT, F_STR, O(spec.observe), NULL, "optional observables to log too, comma-separated: lambda_max, theta_1"},
    {"--delta", SGL_CMD_RUN | SGL_CMD_LIMIT, F_DOUBLE, O(spec.delta), NULL, "label-noise std / minibatch-diff scale"},
    {"--sigma", SGL_CMD_RUN | SGL_CMD_LIMIT, F_DOUBLE, O(spec.sigma), NULL, "Gaussian parameter-noise std"},
    {"--sigma-scale", SGL_CMD_RUN | SGL_CMD_LIMIT, F_ENUM, O(spec.sigma_scale), sgl_scale_names, "eta | sqrt-eta (required with gaussian)"},
    {"--batch", SGL_CMD_RUN | SGL_CMD_LIMIT, F_SIZE, O(spec.batch), NULL, "batch size B"},
    {"--sampling", SGL_CMD_RUN | SGL_CMD_LIMIT, F_ENUM, O(spec.with_replacement), sgl_sampling_names, "without | with replacement"},
    {"--lr", SGL_CMD_RUN | SGL_CMD_LIMIT, F_DOUBLE, O(spec.lr), NULL, "learning rate eta"},
    {"--lr-decay", SGL_CMD_RUN, F_DECAY, 0, NULL, "steps K1,K2,... where eta is multiplied by the factor"},
    {"--lr-decay-factor", SGL_CMD_RUN, F_DOUBLE, O(spec.decay_factor), NULL, "factor of --lr-decay (0.1)"},
    {"--steps", SGL_CMD_RUN, F_U64, O(spec.steps), NULL, "SGD steps k"},
    {"--every", SGL_CMD_RUN, F_U64, O(spec.every), NULL, "log every k steps"},
    {"--seeds", SGL_CMD_RUN | SGL_CMD_REPRODUCE | SGL_CMD_LIMIT, F_U32, O(spec.seeds), NULL, "trajectories M"},
    {"--seed", SGL_CMD_RUN | SGL_CMD_REPRODUCE | SGL_CMD_LIMIT, F_U64, O(spec.seed), NULL, "Philox key"},
    {"--bound", SGL_CMD_RUN, F_DOUBLE, O(spec.bound), NULL, "diverged when max|theta_j| exceeds it (checked every 256 steps and at the end)"},
    {"--threshold", SGL_CMD_RUN | SGL_CMD_LIMIT, F_DOUBLE, O(spec.threshold), NULL, "|w_j| counted active off-support above it"},
    {"--threads", SGL_CMD_RUN | SGL_CMD_REPRODUCE | SGL_CMD_LIMIT, F_INT, O(threads), NULL, "OpenMP threads (results do not depend on it)"},
    {"--format", SGL_CMD_RUN, F_ENUM, O(format), k_format, "table | csv | jsonl"},
    {"--out", SGL_CMD_RUN, F_STR, O(out_path), NULL, "write output to this file (only on success)"},
    {"--db", SGL_CMD_RUN | SGL_CMD_REPRODUCE | SGL_CMD_LIMIT, F_STR, O(db_path), NULL, "also store the run(s) in this SQLite results file (sgdlab report)"},
    {"--json", SGL_CMD_REPRODUCE | SGL_CMD_LIMIT, F_FLAG, O(json), NULL, "reproduce: one JSON object on stdout"},
    {"--out-dir", SGL_CMD_REPRODUCE, F_STR, O(out_dir), NULL, "reproduce: directory for the plot and its data"},
    {"--quick", SGL_CMD_REPRODUCE, F_FLAG, O(quick), NULL, "reproduce: 10x fewer steps (smoke test)"},
    {"--T", SGL_CMD_LIMIT, F_DOUBLE, O(T), NULL, "limit: horizon in limit time t = eta^2 k (default 1)"},
    {"--dt", SGL_CMD_LIMIT, F_DOUBLE, O(dt), NULL, "limit: Euler-Maruyama step in limit time (default T/1000)"},
    {"--form", SGL_CMD_LIMIT, F_ENUM, O(form), sgl_limit_form_names, "limit: auto | general (four-term) | closed"},
    {"--compare-sgd", SGL_CMD_LIMIT, F_FLAG, O(compare_sgd), NULL, "limit: also run SGD for T/eta^2 steps at each eta"},
    {"--etas", SGL_CMD_LIMIT, F_STR, O(etas), NULL, "limit: SGD step sizes e1,e2,... (default --lr, lr/2, lr/4)"},
};
#define N_FLAGS (sizeof k_flags / sizeof k_flags[0])
_Static_assert(N_FLAGS <= 64, "sgl_cli_opts.given holds one bit per flag");

static const flag *find_flag(const char *name, size_t len)
{
    for (size_t k = 0; k < N_FLAGS; ++k)
        if (strlen(k_flags[k].name) == len && strncmp(k_flags[k].name, name, len) == 0) return &k_flags[k];
    return NULL;
}

int sgl_cli_given(const sgl_cli_opts *o, const char *name)
{
    const flag *f = find_flag(name, strlen(name));
    return f && (o->given >> (f - k_flags) & 1u);
}

sgl_status sgl_cli_check_relevance(const sgl_cli_opts *o, sgl_err *err)
{
    const sgl_noise_type *nt = sgl_noise_lookup(o->spec.noise);
    const int csv = o->spec.data.input == SGL_INPUT_CSV;
    static const char *const csv_fixed[] = {"--d", "--n", "--kappa", "--n-test", "--truth", "--data-noise",
                                            "--data-draw", NULL};
    for (int i = 0; csv && csv_fixed[i]; ++i)
        if (sgl_cli_given(o, csv_fixed[i]))
            return sgl_fail(err, SGL_EINVAL, csv_fixed[i],
                            "not used with --data csv (the file fixes d, n and the labels, and has no ground truth)");
    if (!csv && sgl_cli_given(o, "--data-file"))
        return sgl_fail(err, SGL_EINVAL, "--data-file", "only used with --data csv");
    if (sgl_cli_given(o, "--lr-decay-factor") && o->spec.n_decay == 0)
        return sgl_fail(err, SGL_EINVAL, "--lr-decay-factor", "only used with --lr-decay K1,K2,... (the steps where it applies)");
    if (sgl_cli_given(o, "--init") && sgl_cli_given(o, "--alpha"))
        return sgl_fail(err, SGL_EINVAL, "--alpha", "not used with --init (which gives the initial point itself)");
    const sgl_model_type *mt = sgl_model_lookup(o->spec.model);
    if (mt && (mt->caps & SGL_CAP_NODATA)) {
        static const char *const data_flags[] = {"--d", "--n", "--kappa", "--n-test", "--data", "--data-file",
                                                 "--truth", "--data-noise", "--data-draw", NULL};
        for (int i = 0; data_flags[i]; ++i)
            if (sgl_cli_given(o, data_flags[i]))
                return sgl_fail(err, SGL_EINVAL, data_flags[i],
                                "not used with --model %s (its loss does not depend on data)", mt->name);
    }
    if (!nt) return SGL_OK;   /* the spec check names the unknown noise */
    const struct { const char *flag; int used; } uses[] = {
        {"--batch", nt->uses_batch}, {"--sampling", nt->uses_batch}, {"--delta", nt->uses_delta},
        {"--sigma", nt->uses_sigma}, {"--sigma-scale", nt->uses_sigma}};
    for (size_t i = 0; i < sizeof uses / sizeof uses[0]; ++i)
        if (!uses[i].used && sgl_cli_given(o, uses[i].flag))
            return sgl_fail(err, SGL_EINVAL, uses[i].flag, "not used by --noise %s (sgdlab list: what each kind reads)",
                            nt->name);
    return SGL_OK;
}

/* Plain digits are read exactly (all 64 bits); a decimal or exponent form such
 * as 3e5 is accepted when it is an integer below 2^53; signs, hex, inf and nan
 * are not. */
static sgl_status parse_integer(const char *flag, const char *s, unsigned long long max,
                                unsigned long long *out, sgl_err *err)
{
    size_t nd = strspn(s, "0123456789");
    char *end;
    errno = 0;
    if (nd > 0 && s[nd] == '\0') {
        unsigned long long v = strtoull(s, &end, 10);
        if (errno != ERANGE && v <= max) {
            *out = v;
            return SGL_OK;
        }
    } else if (nd > 0 && s[strspn(s, "0123456789.eE+")] == '\0') {
        double v = strtod(s, &end);
        if (*end == '\0' && errno != ERANGE && v == floor(v) && v <= (double)max && v <= 0x1p53) {
            *out = (unsigned long long)v;
            return SGL_OK;
        }
    }
    return sgl_fail(err, SGL_EINVAL, flag, "must be a non-negative integer <= %llu, got '%s'", max, s);
}

static sgl_status set_flag(const flag *f, const char *val, sgl_cli_opts *o, sgl_err *err)
{
    char *base = (char *)o + f->off;
    unsigned long long u;
    sgl_status st;
    switch (f->type) {
    case F_SIZE:
        if ((st = parse_integer(f->name, val, (1ull << 53), &u, err))) return st;
        *(size_t *)base = (size_t)u;
        return SGL_OK;
    case F_U64:
        if ((st = parse_integer(f->name, val, f->off == O(spec.seed) ? ~0ull : (1ull << 53), &u, err))) return st;
        *(uint64_t *)base = u;
        return SGL_OK;
    case F_U32:
        if ((st = parse_integer(f->name, val, 0xffffffffull, &u, err))) return st;
        *(uint32_t *)base = (uint32_t)u;
        return SGL_OK;
    case F_INT:
        if ((st = parse_integer(f->name, val, 4096, &u, err))) return st;
        *(int *)base = (int)u;
        return SGL_OK;
    case F_DOUBLE: {
        char *end;
        errno = 0;
        double v = strtod(val, &end);
        if (end == val || isspace((unsigned char)val[0]) || *end != '\0' || errno == ERANGE || !isfinite(v))
            return sgl_fail(err, SGL_EINVAL, f->name, "must be a finite number, got '%s'", val);
        *(double *)base = v;
        return SGL_OK;
    }
    case F_STR:
        *(const char **)base = val;
        return SGL_OK;
    case F_ENUM: {
        char names[128] = "";
        size_t k = 0;
        for (int i = 0; f->choices[i]; ++i) {
            if (strcmp(f->choices[i], val) == 0 && strcmp(val, "unset") != 0) {
                *(int *)base = i;
                return SGL_OK;
            }
            if (strcmp(f->choices[i], "unset") != 0 && k < sizeof names)
                k += (size_t)snprintf(names + k, sizeof names - k, "%s%s", k ? ", " : "", f->choices[i]);
        }
        return sgl_fail(err, SGL_EINVAL, f->name, "unknown value '%s'; valid: %s", val, names);
    }
    case F_DECAY: {
        /* K1,K2,...: every token an integer >= 1 (no empty ones); increasing
         * order is checked with the rest of the spec */
        o->spec.n_decay = 0;
        for (const char *tok = val;; ) {
            const char *comma = strchr(tok, ',');
            size_t len = comma ? (size_t)(comma - tok) : strlen(tok);
            char buf[32];
            if (len == 0 || len >= sizeof buf)
                return sgl_fail(err, SGL_EINVAL, f->name,
                                "must be steps K1,K2,... (integers >= 1, increasing), got '%s'", val);
            if (o->spec.n_decay == SGL_MAX_DECAY)
                return sgl_fail(err, SGL_EINVAL, f->name, "at most %d decay steps", SGL_MAX_DECAY);
            memcpy(buf, tok, len);
            buf[len] = '\0';
            if ((st = parse_integer(f->name, buf, (1ull << 53), &u, err))) return st;
            o->spec.decay_at[o->spec.n_decay++] = u;
            if (!comma) break;
            tok = comma + 1;
        }
        return SGL_OK;
    }
    case F_FLAG:
        *(int *)base = 1;
        return SGL_OK;
    case F_VEC: {
        /* v1,v2,...: finite numbers, no empty tokens */
        const size_t cap = sizeof o->init / sizeof o->init[0];
        o->spec.n_init = 0;
        for (const char *tok = val;; ) {
            const char *comma = strchr(tok, ',');
            size_t len = comma ? (size_t)(comma - tok) : strlen(tok);
            char buf[64];
            char *end;
            if (len == 0 || len >= sizeof buf)
                return sgl_fail(err, SGL_EINVAL, f->name, "must be finite numbers v1,v2,... , got '%s'", val);
            if (o->spec.n_init == cap) return sgl_fail(err, SGL_EINVAL, f->name, "at most %zu values", cap);
            memcpy(buf, tok, len);
            buf[len] = '\0';
            errno = 0;
            double v = strtod(buf, &end);
            if (end == buf || isspace((unsigned char)buf[0]) || *end != '\0' || errno == ERANGE || !isfinite(v))
                return sgl_fail(err, SGL_EINVAL, f->name, "must be finite numbers v1,v2,... , got '%s' in '%s'", buf,
                                val);
            o->init[o->spec.n_init++] = v;
            if (!comma) break;
            tok = comma + 1;
        }
        o->spec.init = o->init;
        return SGL_OK;
    }
    }
    return SGL_EINVAL;
}

static void print_help(unsigned cmd)
{
    printf("flags:\n");
    for (size_t i = 0; i < N_FLAGS; ++i)
        if (k_flags[i].cmds & cmd) printf("  %-18s %s\n", k_flags[i].name, k_flags[i].help);
}

sgl_status sgl_cli_parse(int argc, char **argv, int first, unsigned cmd, sgl_cli_opts *o, sgl_err *err)
{
    memset(o, 0, sizeof *o);
    sgl_spec_defaults(&o->spec);
    o->format = SGL_FMT_TABLE;
    for (int i = first; i < argc; ++i) {
        const char *arg = argv[i];
        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            if (argc > first + 1)
                return sgl_fail(err, SGL_EINVAL, arg, "takes no other arguments (got %d more)", argc - first - 1);
            print_help(cmd);
            o->help = 1;
            return SGL_OK;
        }
        const char *eq = strchr(arg, '=');
        size_t len = eq ? (size_t)(eq - arg) : strlen(arg);
        const flag *f = find_flag(arg, len);
        if (!f || !(f->cmds & cmd)) {
            char name[64], valid[400] = "";
            if (len > 0)
                snprintf(name, sizeof name, "%.*s", (int)(len < 63 ? len : 63), arg);
            else   /* "" or "=x": quote it, so the message still names what was given */
                snprintf(name, sizeof name, "'%.60s'", arg);
            size_t k = 0;
            for (size_t q = 0; q < N_FLAGS && k < sizeof valid; ++q)
                if (k_flags[q].cmds & cmd)
                    k += (size_t)snprintf(valid + k, sizeof valid - k, "%s%s", k ? ", " : "", k_flags[q].name);
            return sgl_fail(err, SGL_EINVAL, name, "%s; valid: %s",
                            f ? "not a flag of this command (its other settings are fixed)" : "unknown flag", valid);
        }
        o->given |= 1ull << (f - k_flags);
        const char *val = NULL;
        if (f->type != F_FLAG) {
            if (eq) val = eq + 1;
            else if (i + 1 < argc) val = argv[++i];
            else return sgl_fail(err, SGL_EINVAL, f->name, "needs a value");
        } else if (eq) {
            return sgl_fail(err, SGL_EINVAL, f->name, "takes no value");
        }
        sgl_status st = set_flag(f, val, o, err);
        if (st != SGL_OK) return st;
    }
    return SGL_OK;
}

/* Write s with every control byte (a newline or a tab from a user's value,
 * an escape sequence from a file name) shown as C would write it, so that a
 * message stays one line and cannot drive the terminal. */
static void put_clean(FILE *f, const char *s)
{
    for (const unsigned char *c = (const unsigned char *)s; *c; ++c) {
        if (*c == '\n') fputs("\\n", f);
        else if (*c == '\t') fputs("\\t", f);
        else if (*c == '\r') fputs("\\r", f);
        else if (*c < 0x20 || *c == 0x7f) fprintf(f, "\\x%02x", *c);
        else fputc(*c, f);
    }
}

int sgl_cli_report(sgl_status st, const sgl_err *err)
{
    if (st == SGL_OK) return SGL_EXIT_OK;
    if (err->field[0]) {
        fputs("sgdlab: ", stderr);
        put_clean(stderr, err->field);
        fputs(": ", stderr);
        put_clean(stderr, err->msg);
        fputc('\n', stderr);
    } else {
        fprintf(stderr, "sgdlab: %s\n", sgl_strerror(st));
    }
    return (st == SGL_EINVAL || st == SGL_ECAPS) ? SGL_EXIT_USAGE : SGL_EXIT_FAIL;
}
