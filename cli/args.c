/* The command-line flags of run, limit, reproduce, escape and theory: one
 * generic loop over the library's parameter table of the command's spec kind
 * (flag = "--" + key; sgl_any_spec_set parses, so the CLI, sweeps and every
 * other front end read a value the same way) and a small table of CLI-only
 * flags per command (--threads, --format, --out, --db, --json, ...).  --help
 * is generated from the same rows by the library (sgl_param_doc: defaults,
 * units, allowed values and which kind reads a key). */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

typedef enum { F_INT, F_DOUBLE, F_STR, F_ENUM, F_FLAG } ftype;

typedef struct {
    const char *name;
    unsigned cmds;              /* CLI_CMD_* */
    ftype type;
    size_t off;                 /* offset into the command's options */
    const char *const *choices; /* F_ENUM: NULL-terminated names, value = index */
    const char *help;
    const char *alias;          /* a deprecated spelling taken as this flag (kept for one release), or NULL */
} cli_flag;

#define O(field) offsetof(cli_opts, field)
static const char *const k_format[] = {"table", "csv", "jsonl", NULL};
static const char *const k_format_json[] = {"table", "json", NULL};   /* index = the json flag */
static const cli_flag k_flags[] = {
    {"--threads", CLI_CMD_RUN | CLI_CMD_REPRODUCE | CLI_CMD_LIMIT, F_INT, O(threads), NULL,
     "OpenMP threads (results do not depend on it)", NULL},
    {"--format", CLI_CMD_RUN, F_ENUM, O(format), k_format, "output format [default table; allowed table | csv | jsonl]",
     NULL},
    {"--out", CLI_CMD_RUN, F_STR, O(out_path), NULL, "write output to this file (only on success)", NULL},
    {"--db", CLI_CMD_RUN | CLI_CMD_REPRODUCE | CLI_CMD_LIMIT, F_STR, O(db_path), NULL,
     "also store the run(s) in this SQLite results file (sgdlab report)", NULL},
    {"--format", CLI_CMD_REPRODUCE | CLI_CMD_LIMIT, F_ENUM, O(json), k_format_json,
     "output format [default table; allowed table | json]", NULL},
    {"--json", CLI_CMD_REPRODUCE | CLI_CMD_LIMIT, F_FLAG, O(json), NULL,
     "one JSON object on stdout (short for --format json)", NULL},
    {"--out-dir", CLI_CMD_REPRODUCE, F_STR, O(out_dir), NULL, "directory for the plot and its data", NULL},
    {"--quick", CLI_CMD_REPRODUCE, F_FLAG, O(quick), NULL, "10x fewer steps (smoke test)", NULL},
    {"--compare-sgd", CLI_CMD_LIMIT, F_FLAG, O(compare_sgd), NULL, "also run SGD for T/eta^2 steps at each eta",
     NULL},
    {"--lrs", CLI_CMD_LIMIT, F_STR, O(etas), NULL, "SGD learning rates lr1,lr2,... [default lr, lr/2, lr/4]",
     "--etas"},
};
#undef O
#define O(field) offsetof(escape_opts, field)
static const cli_flag k_eflags[] = {
    {"--B", CLI_CMD_ESCAPE, F_DOUBLE, O(B), NULL, "batch size B (with --lr: B/eta = B / lr)", NULL},
    {"--threads", CLI_CMD_ESCAPE, F_INT, O(threads), NULL, "OpenMP threads (results do not depend on it)", NULL},
    {"--format", CLI_CMD_ESCAPE, F_ENUM, O(json), k_format_json, "output format [default table; allowed table | json]",
     NULL},
    {"--json", CLI_CMD_ESCAPE, F_FLAG, O(json), NULL, "one JSON object on stdout (short for --format json)", NULL},
    {"--db", CLI_CMD_ESCAPE, F_STR, O(db_path), NULL,
     "also store the run (every first-passage event, the estimates) in this SQLite file", NULL},
};
#undef O
_Static_assert(sizeof k_flags / sizeof k_flags[0] <= 64, "one given bit per CLI-only flag");

/* one command's flags: the rows of its spec's table (all, or the names in only) and its CLI-only flags */
typedef struct {
    unsigned cmd;
    sgl_any_spec *spec;
    const char *const *only;
    const cli_flag *flags;
    size_t n_flags;
    void *base;          /* the options the CLI-only flags write */
    uint64_t *given;     /* bit i: flags[i] given */
} flagset;

static const char *const k_reproduce_rows[] = {"trajectories", "seed", NULL};

static int row_taken(const flagset *fs, const sgl_param *p)
{
    if (!fs->only) return 1;
    for (size_t i = 0; fs->only[i]; ++i)
        if (strcmp(fs->only[i], p->name) == 0) return 1;
    return 0;
}

/* the flag name[0..len) of command cmd (one name may have a row per command: --format), else of any command */
static const cli_flag *find_cli_of(const cli_flag *t, size_t n, const char *name, size_t len, unsigned cmd)
{
    const cli_flag *any = NULL;
    for (size_t k = 0; k < n; ++k)
        if ((strlen(t[k].name) == len && strncmp(t[k].name, name, len) == 0) ||
            (t[k].alias && strlen(t[k].alias) == len && strncmp(t[k].alias, name, len) == 0)) {
            if (t[k].cmds & cmd) return &t[k];
            if (!any) any = &t[k];
        }
    return any;
}

static const cli_flag *find_cli(const cli_flag *t, size_t n, const char *name, size_t len)
{
    return find_cli_of(t, n, name, len, ~0u);
}

/* the row of "--key" (name[0..len)), or NULL; a deprecated alias (--seeds) gives its row (--trajectories) */
static const sgl_param *find_row(const sgl_any_spec *s, const char *name, size_t len)
{
    char key[64];
    if (len < 3 || len - 2 >= sizeof key || strncmp(name, "--", 2) != 0) return NULL;
    snprintf(key, sizeof key, "%.*s", (int)(len - 2), name + 2);
    return sgl_param_find(s->kind, key);
}

/* "--seeds is deprecated (kept for one release): use --trajectories" when arg[0..len) is a row's alias */
static void say_deprecated(const sgl_param *row, const char *arg, size_t len)
{
    if (row->alias && len == strlen(row->alias) + 2 && strncmp(arg + 2, row->alias, len - 2) == 0)
        fprintf(stderr, "sgdlab: --%s is deprecated (kept for one release): use --%s\n", row->alias, row->name);
}

int cli_given(const cli_opts *o, const char *name)
{
    const sgl_param *p = find_row(&o->any, name, strlen(name));
    if (p) return sgl_any_spec_given(&o->any, p->name);
    const cli_flag *f = find_cli(k_flags, sizeof k_flags / sizeof k_flags[0], name, strlen(name));
    return f && (o->given >> (f - k_flags) & 1u);
}

int escape_given(const escape_opts *o, const char *name)
{
    const sgl_param *p = find_row(&o->any, name, strlen(name));
    if (p) return sgl_any_spec_given(&o->any, p->name);
    const cli_flag *f = find_cli(k_eflags, sizeof k_eflags / sizeof k_eflags[0], name, strlen(name));
    return f && (o->given >> (f - k_eflags) & 1u);
}

void escape_err_flag(sgl_err *err)
{
    if (!err->field[0] || strncmp(err->field, "--", 2) == 0 || strcmp(err->field, "key") == 0) return;
    char tmp[sizeof err->field];
    snprintf(tmp, sizeof tmp, "--%.*s", (int)sizeof tmp - 3, err->field);
    memcpy(err->field, tmp, sizeof tmp);
}

sgl_status cli_check_relevance(const cli_opts *o, sgl_err *err)
{
    return sgl_any_spec_check_given(&o->any, err);
}

static sgl_status set_cli(const cli_flag *f, void *opts, const char *val, sgl_err *err)
{
    char *base = (char *)opts + f->off;
    unsigned long long u;
    switch (f->type) {
    case F_INT:
        if (sgl_parse_uint(val, 4096, &u) != 0)
            return sgl_fail(err, SGL_EINVAL, f->name, "must be a non-negative integer <= 4096, got '%s'", val);
        *(int *)base = (int)u;
        return SGL_OK;
    case F_DOUBLE:
        if (sgl_parse_double(val, (double *)base) != 0)
            return sgl_fail(err, SGL_EINVAL, f->name, "must be a finite number, got '%s'", val);
        return SGL_OK;
    case F_STR: *(const char **)base = val; return SGL_OK;
    case F_FLAG: *(int *)base = 1; return SGL_OK;
    case F_ENUM: {
        char names[128] = "", hint[80];
        size_t k = 0, n = 0;
        for (; f->choices[n]; ++n) {
            if (strcmp(f->choices[n], val) == 0) {
                *(int *)base = (int)n;
                return SGL_OK;
            }
            k += (size_t)snprintf(names + k, sizeof names - k, "%s%s", k ? ", " : "", f->choices[n]);
        }
        sgl_did_you_mean(val, f->choices, n, hint, sizeof hint);
        return sgl_fail(err, SGL_EINVAL, f->name, "unknown value '%s'%s; valid: %s", val, hint, names);
    }
    }
    return SGL_EINVAL;
}

/* ------------------------------------------------------------------ help */

/* "  --key  help [default D; unit U; allowed A; used with R]" (sgl_param_doc) */
static void print_row(const sgl_param *p, sgl_spec_kind kind)
{
    char flag[40], doc[1200];
    snprintf(flag, sizeof flag, "--%s", p->name);
    sgl_param_doc(kind, p, doc, sizeof doc);
    printf("  %-18s %s\n", flag, doc);
    if (p->alias) printf("  --%-16s deprecated (kept for one release): use --%s\n", p->alias, p->name);
}

static void print_help(const flagset *fs)
{
    printf("flags:\n");
    for (const sgl_param *p = sgl_param_table(fs->spec->kind); p->name; ++p)
        if (row_taken(fs, p)) print_row(p, fs->spec->kind);
    for (size_t i = 0; i < fs->n_flags; ++i)
        if (fs->flags[i].cmds & fs->cmd) {
            printf("  %-18s %s\n", fs->flags[i].name, fs->flags[i].help);
            if (fs->flags[i].alias)
                printf("  %-18s deprecated (kept for one release): use %s\n", fs->flags[i].alias, fs->flags[i].name);
        }
}

/* ------------------------------------------------------------------ parse */

/* an unknown flag, or one another command takes: the message lists this command's flags, and the nearest */
static sgl_status not_a_flag(const flagset *fs, const char *arg, size_t len, int elsewhere, sgl_err *err)
{
    char name[64], valid[600] = "", flags[80][24], hint[80];
    const char *cand[80];
    size_t k = 0, n = 0;
    if (len > 0) snprintf(name, sizeof name, "%.*s", (int)(len < 63 ? len : 63), arg);
    else snprintf(name, sizeof name, "'%.60s'", arg);   /* "" or "=x": quoted, so the message still names it */
    for (const sgl_param *p = sgl_param_table(fs->spec->kind); p->name; ++p)
        if (row_taken(fs, p) && n < 80) {
            snprintf(flags[n], sizeof flags[n], "--%s", p->name);
            cand[n] = flags[n];
            ++n;
        }
    for (size_t i = 0; i < fs->n_flags && n < 80; ++i)
        if (fs->flags[i].cmds & fs->cmd) cand[n++] = fs->flags[i].name;
    for (size_t i = 0; i < n && k < sizeof valid; ++i)
        k += (size_t)snprintf(valid + k, sizeof valid - k, "%s%s", k ? ", " : "", cand[i]);
    size_t nv = n;   /* the valid flags; then the deprecated ones, so a typo of --seeds still finds --trajectories */
    for (const sgl_param *p = sgl_param_table(fs->spec->kind); p->name; ++p)
        if (row_taken(fs, p) && p->alias && n < 80) {
            snprintf(flags[n], sizeof flags[n], "--%s", p->alias);
            cand[n] = flags[n];
            ++n;
        }
    const char *best = elsewhere ? NULL : sgl_nearest_name(name, cand, n);
    const sgl_param *old = NULL;
    hint[0] = '\0';
    for (size_t i = nv; best && i < n; ++i)   /* an alias: name its row */
        if (best == cand[i]) old = find_row(fs->spec, best, strlen(best));
    if (best) snprintf(hint, sizeof hint, " (did you mean '%s%s'?)", old ? "--" : "", old ? old->name : best);
    return sgl_fail(err, SGL_EINVAL, name, "%s%s; valid: %s",
                    elsewhere ? "not a flag of this command (its other settings are fixed)" : "unknown flag", hint,
                    valid);
}

static sgl_status parse_flags(int argc, char **argv, int first, const flagset *fs, int *help, sgl_err *err)
{
    for (int i = first; i < argc; ++i) {
        const char *arg = argv[i];
        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            if (argc > first + 1)
                return sgl_fail(err, SGL_EINVAL, arg, "takes no other arguments (got %d more)", argc - first - 1);
            print_help(fs);
            *help = 1;
            return SGL_OK;
        }
        const char *eq = strchr(arg, '=');
        size_t len = eq ? (size_t)(eq - arg) : strlen(arg);
        const sgl_param *row = find_row(fs->spec, arg, len);
        const cli_flag *f = row ? NULL : find_cli_of(fs->flags, fs->n_flags, arg, len, fs->cmd);
        if (row ? !row_taken(fs, row) : !f || !(f->cmds & fs->cmd))
            return not_a_flag(fs, arg, len, row || f, err);
        if (row) say_deprecated(row, arg, len);
        if (f && f->alias && strlen(f->alias) == len && strncmp(f->alias, arg, len) == 0)
            fprintf(stderr, "sgdlab: %s is deprecated (kept for one release): use %s\n", f->alias, f->name);
        const char *val = NULL;
        char flag[40];
        snprintf(flag, sizeof flag, "%.*s", (int)(len < 39 ? len : 39), arg);
        if (f && f->type == F_FLAG) {
            if (eq) return sgl_fail(err, SGL_EINVAL, flag, "takes no value");
        } else if (eq) {
            val = eq + 1;
        } else if (i + 1 < argc) {
            val = argv[++i];
        } else {
            return sgl_fail(err, SGL_EINVAL, flag, "needs a value");
        }
        sgl_status st;
        if (f) {
            *fs->given |= 1ull << (f - fs->flags);
            st = set_cli(f, fs->base, val, err);
        } else if (row->type == SGL_PARAM_DECAY && !val[0]) {   /* the library reads "" as no decay (a sweep's []) */
            st = sgl_fail(err, SGL_EINVAL, flag, "must be steps K1,K2,... (integers >= 1, increasing), got ''");
        } else if ((st = sgl_any_spec_set(fs->spec, row->name, val, err)) != SGL_OK) {
            snprintf(err->field, sizeof err->field, "%s", flag);
        }
        if (st != SGL_OK) return st;
    }
    return SGL_OK;
}

sgl_status cli_parse(int argc, char **argv, int first, unsigned cmd, cli_opts *o, sgl_err *err)
{
    memset(o, 0, sizeof *o);
    sgl_any_spec_default(&o->any, cmd == CLI_CMD_LIMIT ? SGL_KIND_LIMIT : SGL_KIND_RUN);
    o->any.vec = o->init;
    o->any.vec_cap = sizeof o->init / sizeof o->init[0];
    o->format = SGL_FMT_TABLE;
    flagset fs = {cmd, &o->any, cmd == CLI_CMD_REPRODUCE ? k_reproduce_rows : NULL, k_flags,
                  sizeof k_flags / sizeof k_flags[0], o, &o->given};
    sgl_status st = parse_flags(argc, argv, first, &fs, &o->help, err);
    o->spec = o->any.u.run;   /* the limit spec starts with its run spec */
    o->T = o->any.u.limit.T;
    o->dt = o->any.u.limit.dt;
    o->form = (int)o->any.u.limit.form;
    if (cmd != CLI_CMD_LIMIT) o->T = o->dt = 0.0, o->form = 0;
    return st;
}

/* escape and theory: the escape table, --B (with --lr) and the CLI-only flags; then every check of the spec */
sgl_status cli_parse_escape(int argc, char **argv, int first, escape_opts *o, sgl_err *err)
{
    memset(o, 0, sizeof *o);
    sgl_any_spec_default(&o->any, SGL_KIND_ESCAPE);
    o->any.vec = o->x0;
    o->any.vec_cap = SGL_ESC_MAX_DIM;
    flagset fs = {CLI_CMD_ESCAPE, &o->any, NULL, k_eflags, sizeof k_eflags / sizeof k_eflags[0], o, &o->given};
    sgl_status st = parse_flags(argc, argv, first, &fs, &o->help, err);
    if (st == SGL_OK && !o->help) st = sgl_escape_spec_resolve_plugin(&o->any.u.escape, err);   /* a plugin landscape */
    o->spec = o->any.u.escape;
    o->spec.threads = o->threads;
    if (st != SGL_OK || o->help) return st;
    sgl_escape_spec *s = &o->spec;
    if (escape_given(o, "--B") && !sgl_escape_reads(sgl_escape_noises[s->noise]->reads, "B-over-eta"))
        return sgl_fail(err, SGL_EINVAL, "--B", "not used by --noise %s (it reads --D)", sgl_escape_noises[s->noise]->name);
    if ((st = sgl_any_spec_check_given(&o->any, err)) != SGL_OK) {
        escape_err_flag(err);
        return st;
    }
    if (escape_given(o, "--B")) {
        if (escape_given(o, "--B-over-eta"))
            return sgl_fail(err, SGL_EINVAL, "--B", "give either --B (with --lr) or --B-over-eta, not both");
        if (!escape_given(o, "--lr")) return sgl_fail(err, SGL_EINVAL, "--B", "needs --lr (B/eta = B / lr)");
        if (!(o->B > 0)) return sgl_fail(err, SGL_EINVAL, "--B", "must be > 0, got %g", o->B);
        if (!(s->eta > 0)) return sgl_fail(err, SGL_EINVAL, "--lr", "must be > 0, got %g", s->eta);
        s->B_over_eta = o->B / s->eta;
        o->any.u.escape.B_over_eta = s->B_over_eta;
    }
    o->any.u.escape.threads = o->threads;
    if ((st = sgl_any_spec_validate(&o->any, err)) != SGL_OK) escape_err_flag(err);
    return st;
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

int cli_report(sgl_status st, const sgl_err *err)
{
    if (st == SGL_OK) return CLI_EXIT_OK;
    if (err->field[0]) {
        fputs("sgdlab: ", stderr);
        put_clean(stderr, err->field);
        fputs(": ", stderr);
        put_clean(stderr, err->msg);
        fputc('\n', stderr);
    } else {
        fprintf(stderr, "sgdlab: %s\n", sgl_strerror(st));
    }
    return (st == SGL_EINVAL || st == SGL_ECAPS) ? CLI_EXIT_USAGE : CLI_EXIT_FAIL;
}
