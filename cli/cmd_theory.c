/* sgdlab theory: every prediction that applies to an escape problem, without
 * simulating (sgl_theory_predict).  The flags are those of `sgdlab escape`;
 * flags that only steer a simulation (--trajectories, --t-max, --seed, ...)
 * are accepted and change no prediction. */
#include "cli.h"
#include "reproduce.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *landscape, *noise, *event, *dynamics, *start;
    double L0, a, h, q, k, D, B, eta, Be, offset, c, r;
    unsigned n;
    int json;
    int given_B, given_Be;
} th_opts;

typedef enum { T_STR, T_DBL, T_UINT, T_FLAG, T_IGNORE } ttype;
typedef struct { const char *name; ttype type; size_t off; const char *const *choices; const char *help; } tflag;
static const char *const k_land[] = {"doublewell", "moriwell", "quadratic", "styblinski-tang", NULL};
static const char *const k_noise[] = {"isotropic", "mori", "xie", "xie-frozen", "data", NULL};
static const char *const k_event[] = {"hyperplane", "next-min", "loss", "ball", "none", NULL};
static const char *const k_dyn[] = {"sgd", "sde", "mori-tc", NULL};
static const char *const k_start[] = {"min", "burn-in", NULL};
#define TO(f) offsetof(th_opts, f)
static const tflag k_tflags[] = {
    {"--landscape", T_STR, TO(landscape), k_land, "doublewell | moriwell | quadratic | styblinski-tang"},
    {"--L0", T_DBL, TO(L0), NULL, "loss at the minimum L* (default 0.5)"},
    {"--a", T_DBL, TO(a), NULL, "well depth a (default 1)"},
    {"--h", T_DBL, TO(h), NULL, "quadratic: curvature h (default 1)"},
    {"--h-ratio", T_DBL, TO(q), NULL, "quadratic: h_i = h q^i (default 1; theory: q = 1 only)"},
    {"--k", T_DBL, TO(k), NULL, "sharpness: theta -> sqrt(k) theta (default 1)"},
    {"--n-dim", T_UINT, TO(n), NULL, "dimension n (default 1)"},
    {"--noise", T_STR, TO(noise), k_noise, "isotropic | mori | xie | xie-frozen | data (quadratic: Gaussian-data regression noise)"},
    {"--D", T_DBL, TO(D), NULL, "isotropic: diffusion D"},
    {"--B", T_DBL, TO(B), NULL, "batch size B (with --eta: B/eta = B / eta)"},
    {"--eta", T_DBL, TO(eta), NULL, "learning rate eta: t = eta k (default 0.01)"},
    {"--B-over-eta", T_DBL, TO(Be), NULL, "B / eta (default 40)"},
    {"--dynamics", T_STR, TO(dynamics), k_dyn, "sgd | sde | mori-tc (predictions are for the SDE; sgd adds a note)"},
    {"--event", T_STR, TO(event), k_event, "hyperplane | next-min | loss | ball | none (default hyperplane)"},
    {"--offset", T_DBL, TO(offset), NULL, "hyperplane: noise widths past the saddle (default 3)"},
    {"--c", T_DBL, TO(c), NULL, "loss: exit at L >= c L* (default 2)"},
    {"--r", T_DBL, TO(r), NULL, "ball: exit at |theta - theta*| >= r (default 1)"},
    {"--start", T_STR, TO(start), k_start, "min | burn-in (a burn-in start adds a note)"},
    {"--json", T_FLAG, TO(json), NULL, "one JSON object on stdout"},
    {"--dt", T_IGNORE, 0, NULL, "simulation only (accepted, no effect on predictions)"},
    {"--burn-in", T_IGNORE, 0, NULL, "simulation only"},
    {"--x0", T_IGNORE, 0, NULL, "simulation only (predictions assume theta*)"},
    {"--trajectories", T_IGNORE, 0, NULL, "simulation only"},
    {"--t-max", T_IGNORE, 0, NULL, "simulation only (must still be > 0)"},
    {"--seed", T_IGNORE, 0, NULL, "simulation only"},
    {"--threads", T_IGNORE, 0, NULL, "simulation only"},
};
#define N_TFLAGS (sizeof k_tflags / sizeof k_tflags[0])

static void usage(FILE *f)
{
    fprintf(f, "usage: sgdlab theory [flags of sgdlab escape] [--json]\n"
               "  every closed-form or quadrature prediction for the escape problem: exact 1-D MFPT, Mori Eq. 16/17 with\n"
               "  its validity Delta U / T, Kramers / Eyring-Kramers, frozen-noise Arrhenius, Xie's band, quasi-potential,\n"
               "  phi and n_c; times in t = eta k (and steps k).  Nothing is simulated.\nflags:\n");
    for (size_t i = 0; i < N_TFLAGS; ++i) fprintf(f, "  %-16s %s\n", k_tflags[i].name, k_tflags[i].help);
}

static int pick(const char *const *ch, const char *v)
{
    for (int i = 0; ch[i]; ++i) if (strcmp(ch[i], v) == 0) return i;
    return -1;
}

static sgl_status parse(int argc, char **argv, th_opts *o, int *help, sgl_err *err)
{
    memset(o, 0, sizeof *o);
    o->landscape = "doublewell"; o->noise = "mori"; o->event = "hyperplane"; o->dynamics = "sde"; o->start = "min";
    o->L0 = 0.5; o->a = 1; o->h = 1; o->q = 1; o->k = 1; o->n = 1; o->D = NAN; o->eta = 0.01; o->Be = 40;
    o->offset = 3; o->c = 2; o->r = 1; o->B = NAN;
    *help = 0;
    for (int i = 2; i < argc; ++i) {
        const char *arg = argv[i];
        if (!strcmp(arg, "--help") || !strcmp(arg, "-h")) { usage(stdout); *help = 1; return SGL_OK; }
        const char *eq = strchr(arg, '=');
        size_t len = eq ? (size_t)(eq - arg) : strlen(arg);
        const tflag *f = NULL;
        for (size_t q = 0; q < N_TFLAGS; ++q)
            if (strlen(k_tflags[q].name) == len && !strncmp(k_tflags[q].name, arg, len)) f = &k_tflags[q];
        if (!f) return sgl_fail(err, SGL_EINVAL, len ? arg : "''", "unknown flag of sgdlab theory (sgdlab theory --help)");
        if (f->type == T_FLAG) {
            if (eq) return sgl_fail(err, SGL_EINVAL, f->name, "takes no value");
            *(int *)((char *)o + f->off) = 1;
            continue;
        }
        const char *v = eq ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);
        if (!v) return sgl_fail(err, SGL_EINVAL, f->name, "needs a value");
        char *end;
        errno = 0;
        double x = strtod(v, &end);
        int num = end != v && *end == '\0' && errno != ERANGE && isfinite(x);
        switch (f->type) {
        case T_STR:
            if (pick(f->choices, v) < 0) {
                char names[160] = "";
                for (int c = 0; f->choices[c]; ++c) snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s", c ? ", " : "", f->choices[c]);
                return sgl_fail(err, SGL_EINVAL, f->name, "unknown value '%s'; valid: %s", v, names);
            }
            *(const char **)((char *)o + f->off) = v;
            break;
        case T_DBL:
            if (!num) return sgl_fail(err, SGL_EINVAL, f->name, "must be a finite number, got '%s'", v);
            *(double *)((char *)o + f->off) = x;
            if (f->off == TO(B)) o->given_B = 1;
            if (f->off == TO(Be)) o->given_Be = 1;
            break;
        case T_UINT:
            if (!num || x < 1 || x > 16 || x != floor(x)) return sgl_fail(err, SGL_EINVAL, f->name, "must be an integer in 1..16, got '%s'", v);
            *(unsigned *)((char *)o + f->off) = (unsigned)x;
            break;
        default:
            if (!strcmp(f->name, "--t-max") && !(num && x > 0)) return sgl_fail(err, SGL_EINVAL, f->name, "must be > 0, got '%s'", v);
            break;
        }
    }
    if (o->given_B) {
        if (o->given_Be) return sgl_fail(err, SGL_EINVAL, "--B", "give either --B (with --eta) or --B-over-eta, not both");
        if (!(o->B > 0 && o->eta > 0)) return sgl_fail(err, SGL_EINVAL, "--B", "B and eta must be > 0");
        o->Be = o->B / o->eta;
    }
    if (!(o->eta > 0)) return sgl_fail(err, SGL_EINVAL, "--eta", "must be > 0, got %g", o->eta);
    return SGL_OK;
}

/* the field names of sgl_theory_predict are flags without "--" */
static void flagify(sgl_err *err)
{
    static const char *const map[][2] = {{"B-over-eta", "--B-over-eta"}, {"L0", "--L0"}, {"a", "--a"}, {"h", "--h"},
                                         {"k", "--k"}, {"n", "--n-dim"}, {"D", "--D"}, {"c", "--c"}, {"r", "--r"},
                                         {"x_exit", "--offset"}, {"noise", "--noise"}, {"event", "--event"}};
    for (size_t i = 0; i < sizeof map / sizeof map[0]; ++i)
        if (!strcmp(err->field, map[i][0])) { snprintf(err->field, sizeof err->field, "%s", map[i][1]); return; }
}

static void addnote(sgl_prediction *pr, size_t *n, size_t cap, const char *name, const char *text)
{
    if (*n >= cap) return;
    snprintf(pr[*n].name, sizeof pr[*n].name, "%s", name);
    pr[*n].value = NAN;
    pr[*n].unit[0] = '\0';
    snprintf(pr[*n].note, sizeof pr[*n].note, "%s", text);
    ++*n;
}

int sgl_cmd_theory(int argc, char **argv)
{
    th_opts o;
    int help;
    sgl_err err = {{0}, {0}};
    sgl_status st = parse(argc, argv, &o, &help, &err);
    if (st != SGL_OK) return sgl_cli_report(st, &err);
    if (help) return SGL_EXIT_OK;
    sgl_theory_problem p;
    memset(&p, 0, sizeof p);
    p.L0 = o.L0; p.a = o.a; p.h = o.h; p.k = o.k; p.n = o.n; p.D = o.D; p.B_over_eta = o.Be; p.eta = o.eta;
    int li = pick(k_land, o.landscape), ni = pick(k_noise, o.noise), ei = pick(k_event, o.event);
    sgl_prediction pr[64];
    size_t n = 0;
    const char *none = NULL;
    p.landscape = li == 0 ? SGL_TL_DOUBLEWELL : li == 1 ? SGL_TL_MORI_ND : li == 2 ? SGL_TL_QUADRATIC : SGL_TL_STYBLINSKI;
    if (li == 0 && o.n != 1) return sgl_cli_report(sgl_fail(&err, SGL_EINVAL, "--n-dim", "doublewell is 1-D (moriwell: n-D)"), &err);
    if (li == 2 && o.q != 1.0 && o.n > 1) none = "no formula for an anisotropic quadratic (--h-ratio != 1)";
    p.noise = ni == 0 ? SGL_TN_ISOTROPIC : ni == 1 ? SGL_TN_MORI : ni == 3 ? SGL_TN_XIE : SGL_TN_DATA;
    if (ni == 2) none = "xie noise H(theta)^+/B: D vanishes between the inflection points of the escape coordinate, so no "
                        "1-D escape path exists and no formula applies; use xie-frozen for Xie's H*/B";
    if (ni == 0 && !(o.D > 0)) return sgl_cli_report(sgl_fail(&err, SGL_EINVAL, "--D", "isotropic noise needs --D > 0"), &err);
    if (p.landscape != SGL_TL_QUADRATIC) {
        sgl_theory_geometry g;
        if ((st = sgl_theory_well_geometry(&p, &g, &err)) != SGL_OK) return sgl_cli_report(st, &err);
        if (ei == 1) { p.event = SGL_TE_HYPERPLANE; p.x_exit = g.x_next; }
        else if (ei == 0) {
            double D0 = ni == 0 ? o.D : ni == 1 ? g.L_sad * g.h_min / o.Be : g.h_min / (2.0 * o.Be);
            p.event = SGL_TE_HYPERPLANE;
            p.x_exit = g.x_sad + g.dir * o.offset * sqrt(D0 / -g.h_sad);
            if (!(g.dir * (g.x_next - p.x_exit) > 0) && !none)
                return sgl_cli_report(sgl_fail(&err, SGL_EINVAL, "--offset", "%g noise widths put the hyperplane (theta_1 = %g) "
                                               "past the next minimum (%g): use a smaller offset or --event next-min",
                                               o.offset, p.x_exit, g.x_next), &err);
        } else if (ei == 4) p.event = SGL_TE_NONE;
        else none = none ? none : "no prediction for a loss-ratio or ball exit from a well (theory: hyperplane, next-min, none)";
    } else {
        if (ei == 2) { p.event = SGL_TE_LOSS_RATIO; p.c = o.c; }
        else if (ei == 3) { p.event = SGL_TE_BALL; p.r = o.r; }
        else if (ei == 4) p.event = SGL_TE_NONE;
        else return sgl_cli_report(sgl_fail(&err, SGL_EINVAL, "--event", "the quadratic landscape has no saddle: use loss, ball "
                                            "or none"), &err);
    }
    if (none) addnote(pr, &n, 64, "none", none);
    else if ((st = sgl_theory_predict(&p, pr, 64, &n, &err)) != SGL_OK) {
        flagify(&err);
        return sgl_cli_report(st, &err);
    }
    if (!none && !strcmp(o.start, "burn-in"))
        addnote(pr, &n, 64, "start_note", "quasi-stationary start: the exact MFPT (from theta*) exceeds the mean from the "
                "quasi-stationary law by an O(relaxation) offset; the rates agree");
    if (!none && !strcmp(o.dynamics, "sgd"))
        addnote(pr, &n, 64, "discrete_note", "discrete SGD: effective B/(eta h*) x (1 - eta h*/2) (THEORY 5.7); the "
                "predictions are for the continuous SDE");
    FILE *f = stdout;
    if (o.json) {
        fputs("{\"command\":\"theory\",\"version\":", f);
        sgl_rep_json_string(f, sgl_version());
        fputs(",\"git\":", f);
        sgl_rep_json_string(f, sgl_git_hash());
        fprintf(f, ",\"landscape\":\"%s\",\"noise\":\"%s\",\"event\":\"%s\",\"time_unit\":\"t = eta k\",\"theory\":{",
                o.landscape, o.noise, o.event);
        for (size_t i = 0; i < n; ++i) {
            fprintf(f, "%s", i ? "," : "");
            sgl_rep_json_string(f, pr[i].name);
            fputs(":{\"value\":", f);
            sgl_print_double(f, pr[i].value, 1);
            fputs(",\"unit\":", f);
            sgl_rep_json_string(f, pr[i].unit);
            fputs(",\"note\":", f);
            sgl_rep_json_string(f, pr[i].note);
            fputc('}', f);
        }
        fputs("}}\n", f);
    } else {
        fprintf(f, "# sgdlab theory (sgdlab %s, git %s): %s, %s noise, event %s; nothing simulated; times in t = eta k "
                   "unless the unit says steps\n", sgl_version(), sgl_git_hash(), o.landscape, o.noise, o.event);
        fprintf(f, "%-28s %16s %-10s %s\n", "prediction", "value", "unit", "what / when it holds");
        for (size_t i = 0; i < n; ++i)
            fprintf(f, "%-28s %16.8g %-10s %s\n", pr[i].name, pr[i].value, pr[i].unit[0] ? pr[i].unit : "-", pr[i].note);
        if (n == 0) fprintf(f, "(no prediction applies)\n");
    }
    fflush(f);
    return ferror(f) ? SGL_EXIT_FAIL : SGL_EXIT_OK;
}
