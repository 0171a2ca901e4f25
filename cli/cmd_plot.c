/* sgdlab plot DB: a gnuplot PNG/SVG of a report's estimates.  Run series:
 * mean +- SE against a parameter or a clock (step, t_eta), one curve per
 * value of another parameter.  Escape runs: the MFPT (or rate) of each group
 * with its CI as error bars against one of their keys (log y by default).
 *
 * Writes FILE.dat (the numbers) and FILE.gp (the script), then runs gnuplot
 * on a temporary image renamed over FILE when it succeeded.  Every string in
 * the script is a gnuplot single-quoted string (sgl_quote_gnuplot); every
 * path gets "./" before it when relative, so no stored or given name is one
 * of gnuplot's special files; the files are created, never written through a
 * link or into a device. */
#include "report.h"
#include "reproduce.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct {
    FILE *dat;
    const rep_opts *o;
    int t_eta;                     /* x = t_eta: the clock value, not the step */
    int rate;                      /* escape: plot the rate, not the MFPT */
    sgl_plot_curves cv;            /* the curves (sgl_plot_data): titles, counts, unit */
} plot_ctx;

/* a value in a comment line of the data file: control characters as '?' */
static void put_comment(FILE *f, const char *s)
{
    for (; *s; ++s) fputc((unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s, f);
}

/* one group: a line of the curve's block, or a gap said in a comment */
static int put_point(void *user, const sgl_plot_point *p)
{
    plot_ctx *c = user;
    if (p->new_curve && p->curve) fputs("\n\n", c->dat);
    if (p->what != SGL_PLOT_POINT) {
        fputs("# x = ", c->dat);
        put_comment(c->dat, p->x->text);
    }
    if (p->what == SGL_PLOT_X_NOT_NUMBER) {
        fputs(": not a number in the store\n", c->dat);
    } else if (p->what == SGL_PLOT_NO_LIVE) {
        fprintf(c->dat, ": no live trajectory (%zu diverged, %zu non-finite)\n", p->series->n_diverged,
                p->series->n_nonfinite);
    } else if (p->what == SGL_PLOT_NO_ESTIMATE) {
        const sgl_rate_est *r = &p->escape->rate;
        fprintf(c->dat, ": no finite estimate (%llu escaped, %llu censored, %llu diverged; unit %s)\n",
                (unsigned long long)r->escaped, (unsigned long long)r->censored, (unsigned long long)r->diverged,
                p->escape->time_unit);
    } else if (p->series) {
        if (c->t_eta) fprintf(c->dat, "%.17g", p->t_eta);
        else fputs(p->x->text, c->dat);
        fprintf(c->dat, " %.17g %.17g %zu\n", p->y, p->lo, p->series->n);
    } else {
        const sgl_rate_est *r = &p->escape->rate;
        fputs(p->x->text, c->dat);
        fprintf(c->dat, " %.17g %.17g %.17g %llu %llu %llu\n", p->y, p->lo, p->hi, (unsigned long long)r->escaped,
                (unsigned long long)r->censored, (unsigned long long)r->diverged);
    }
    return rep_write_failed(c->dat) ? -3 : 0;
}

/* a path as gnuplot must get it: "./" before a relative one, so that no name
 * is one of gnuplot's special files ('-', '+', '<command', '|command', '~/') */
static char *gp_path(const char *path)
{
    const char *pre = path[0] == '/' ? "" : "./";
    size_t n = strlen(pre) + strlen(path) + 1;
    char *s = malloc(n);
    if (s) snprintf(s, n, "%s%s", pre, path);
    return s;
}

/* a gnuplot single-quoted string of a + b + c */
static void put_gp3(FILE *f, const char *a, const char *b, const char *c)
{
    size_t n = strlen(a) + strlen(b) + strlen(c) + 1;
    char *s = malloc(n);
    if (!s) {
        rep_oom();
        return;
    }
    snprintf(s, n, "%s%s%s", a, b, c);
    rep_put_quoted(f, sgl_quote_gnuplot, s);
    free(s);
}

/* create path for writing, as a new or truncated regular file: refuses to
 * write through a symbolic link or into a device */
static FILE *create_regular(const char *path)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0666);
    if (fd < 0) return NULL;
    struct stat sb;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) || fcntl(fd, F_SETFL, 0) != 0) {
        close(fd);
        errno = EEXIST;
        return NULL;
    }
    FILE *f = fdopen(fd, "w");
    if (!f) close(fd);
    return f;
}

/* names plot writes beside --out FILE: FILE.dat, FILE.gp (kept on success) and
 * a temporary image renamed to FILE when gnuplot succeeded */
static int check_beside(const char *path)
{
    struct stat sb;
    if (lstat(path, &sb) == 0 && !S_ISREG(sb.st_mode)) {
        fprintf(stderr, "sgdlab: --out: '%s' exists and is not a regular file; refusing to replace it\n", path);
        return -1;
    }
    return 0;
}

/* FILE.dat: one block per curve; 0 or the exit code */
static int write_data(plot_ctx *c, sgl_store *st, const char *dat, int *created)
{
    const rep_opts *o = c->o;
    const int esc = strcmp(o->r.kind, "escape") == 0;
    if (!(c->dat = create_regular(dat))) {
        fprintf(stderr, "sgdlab: --out: cannot write '%s': %s\n", dat, strerror(errno));
        return CLI_EXIT_FAIL;
    }
    *created = 1;
    fputs("# sgdlab plot of ", c->dat);
    put_comment(c->dat, o->r.obs);
    fputs(esc ? ": x value ci_lo ci_hi escaped censored diverged (one block per curve)\n"
              : ": x mean se n (one block per curve)\n", c->dat);
    sgl_err err = {{0}, {0}};
    sgl_status s = sgl_plot_data(st, &o->r, o->logy, &c->cv, put_point, c, &err);
    if (s != SGL_OK) rep_fail(s, &err);
    FILE *df = c->dat;
    c->dat = NULL;
    return rep_finish_write(df, dat) != 0 || s != SGL_OK ? CLI_EXIT_FAIL : 0;
}

/* the title: what is drawn, over what, which runs */
static void put_title(FILE *g, const plot_ctx *c)
{
    const rep_opts *o = c->o;
    char what[200], filt[600] = "";
    int ams = 0;   /* a curve of method ams runs (splitting estimates) */
    for (int i = 0; i < c->cv.n_curves; ++i) ams |= c->cv.n_ams[i] > 0;
    if (strcmp(o->r.kind, "escape") == 0 && ams)
        snprintf(what, sizeof what, "%s, 95%% CI (direct runs: censored exponential MLE; method ams: splitting)",
                 strcmp(o->r.obs, "rate") == 0 ? "escape rate" : "MFPT");
    else if (strcmp(o->r.kind, "escape") == 0)
        snprintf(what, sizeof what, "%s", strcmp(o->r.obs, "rate") == 0
                                              ? "escape rate: censored exponential MLE, 95% likelihood-ratio CI"
                                              : "MFPT = 1/rate (censored exponential MLE), 95% CI");
    else
        snprintf(what, sizeof what, "%s: mean +- SE over trajectories%s", o->r.obs,
                 o->r.x_clock ? "" : o->r.has_step ? " at the chosen step" : " at the final step");
    size_t k = 0;
    for (size_t i = 0; i < o->r.n_where && k < sizeof filt; ++i)
        k += (size_t)snprintf(filt + k, sizeof filt - k, "%s%s", i ? ", " : "; only ", o->r.where[i]);
    put_gp3(g, what, filt, "");
}

static void write_plot_lines(FILE *g, const plot_ctx *c, const char *q_dat)
{
    const rep_opts *o = c->o;
    const int esc = strcmp(o->r.kind, "escape") == 0;
    fputs("plot ", g);
    for (int i = 0; i < c->cv.n_curves; ++i) {
        if (i) fputs(", \\\n     ", g);
        rep_put_quoted(g, sgl_quote_gnuplot, q_dat);
        fprintf(g, esc ? " index %d using 1:2:3:4 with yerrorlines title " : " index %d using 1:2:3 with yerrorlines title ",
                i);
        char counts[160] = "";
        if (esc && c->cv.n_ams[i] && !c->cv.n_live[i] && !c->cv.n_cens[i])
            snprintf(counts, sizeof counts, " (%llu splitting runs)", c->cv.n_ams[i]);
        else if (esc)
            snprintf(counts, sizeof counts, " (%llu escaped, %llu censored%s)", c->cv.n_live[i], c->cv.n_cens[i],
                     c->cv.n_div[i] ? ", some diverged" : "");
        else if (c->cv.n_div[i])
            snprintf(counts, sizeof counts, " (%llu of %llu diverged or non-finite)", c->cv.n_div[i],
                     c->cv.n_div[i] + c->cv.n_live[i]);
        char pre[80];
        snprintf(pre, sizeof pre, "%s%s", o->r.curve ? o->r.curve : "", o->r.curve ? " = " : "");
        put_gp3(g, pre, c->cv.title[i], counts);
        fputs(" noenhanced", g);
    }
    fputc('\n', g);
}

/* FILE.gp; 0 or the exit code */
static int write_script(const plot_ctx *c, const char *gp, const char *q_out, const char *q_dat, int svg,
                        int *created)
{
    const rep_opts *o = c->o;
    const int esc = strcmp(o->r.kind, "escape") == 0;
    FILE *g = create_regular(gp);
    if (!g) {
        fprintf(stderr, "sgdlab: --out: cannot write '%s': %s\n", gp, strerror(errno));
        return CLI_EXIT_FAIL;
    }
    *created = 1;
    const char *xl = strcmp(o->r.x, "step") == 0 ? "step k (SGD steps)" : c->t_eta ? "t = sum eta_k (GD time)" : o->r.x;
    fprintf(g, "set terminal %s size 900,600\nset output ", svg ? "svg" : "pngcairo");
    rep_put_quoted(g, sgl_quote_gnuplot, q_out);
    fputs("\nset title ", g);
    put_title(g, c);
    fputs(" noenhanced\nset xlabel ", g);
    rep_put_quoted(g, sgl_quote_gnuplot, xl);
    fputs(" noenhanced\nset ylabel ", g);
    const char *unit = strcmp(c->cv.unit, "t") == 0       ? "t (SDE time)"
                     : strcmp(c->cv.unit, "t_eta") == 0 ? "t = eta k (SGD steps x eta)"
                                                     : "mixed units";
    if (esc) put_gp3(g, c->rate ? "escape rate, per unit of " : "MFPT, in ", unit, "");
    else rep_put_quoted(g, sgl_quote_gnuplot, o->r.obs);
    /* a margin of 5 % each side in x: no point or error bar sits on the frame */
    fputs(" noenhanced\nset key below\nset grid\nset offsets graph 0.05, graph 0.05, 0, 0\n", g);
    if (o->logx) fputs("set logscale x\n", g);
    if (o->logy) fputs("set logscale y\n", g);
    write_plot_lines(g, c, q_dat);
    return rep_finish_write(g, gp) != 0 ? CLI_EXIT_FAIL : 0;
}

/* gnuplot on q_gp (reproduce's launcher: its warnings shown only when it fails); 0 or the exit code */
static int run_gnuplot(const char *q_gp, const char *tmp, const char *out)
{
    char why[256];
    if (repro_gnuplot(NULL, q_gp, why, sizeof why) != 0) {   /* q_gp starts "./": never an option */
        fprintf(stderr, "sgdlab: plot: gnuplot failed (%s); nothing written\n", why);
        return CLI_EXIT_FAIL;
    }
    struct stat sb;
    if (stat(tmp, &sb) != 0 || sb.st_size == 0) {
        fprintf(stderr, "sgdlab: plot: gnuplot wrote no image for '%s'\n", out);
        return CLI_EXIT_FAIL;
    }
    if (rename(tmp, out) != 0) {
        fprintf(stderr, "sgdlab: --out: cannot write '%s': %s\n", out, strerror(errno));
        return CLI_EXIT_FAIL;
    }
    return 0;
}

/* a temporary image file beside out (mode as a new file would get); 0 or the exit code */
static int make_tmp(char *tmp, size_t len, const char *out)
{
    snprintf(tmp, len, "%s.tmp-XXXXXX", out);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        fprintf(stderr, "sgdlab: --out: cannot write '%s': %s\n", out, strerror(errno));
        return CLI_EXIT_FAIL;
    }
    mode_t um = umask(0);
    umask(um);
    int rc = fchmod(fd, 0666 & ~um);
    int e = errno;
    close(fd);
    if (rc != 0) {
        fprintf(stderr, "sgdlab: --out: cannot write '%s': %s\n", out, strerror(e));
        return -CLI_EXIT_FAIL;   /* the file exists: the caller removes it */
    }
    return 0;
}

typedef struct { char *dat, *gp, *tmp, *q_out, *q_dat, *q_gp; int have_dat, have_gp, have_tmp; } plot_files;

static int plot_files_init(plot_files *p, const char *out)
{
    size_t ol = strlen(out);
    memset(p, 0, sizeof *p);
    p->dat = malloc(ol + 8);
    p->gp = malloc(ol + 8);
    p->tmp = malloc(ol + 16);
    if (!p->dat || !p->gp || !p->tmp) {
        fprintf(stderr, "sgdlab: out of memory\n");
        return CLI_EXIT_FAIL;
    }
    snprintf(p->dat, ol + 8, "%s.dat", out);
    snprintf(p->gp, ol + 8, "%s.gp", out);
    if (check_beside(out) || check_beside(p->dat) || check_beside(p->gp)) return CLI_EXIT_USAGE;
    return 0;
}

static void plot_files_done(plot_files *p, int ok)
{
    if (!ok) {   /* nothing left behind */
        if (p->have_dat) remove(p->dat);
        if (p->have_gp) remove(p->gp);
    }
    if (p->have_tmp) remove(p->tmp);
    free(p->q_out);
    free(p->q_dat);
    free(p->q_gp);
    free(p->dat);
    free(p->gp);
    free(p->tmp);
}

int rep_plot(rep_opts *o)
{
    const char *out = o->out ? o->out : "plot.png";
    size_t ol = strlen(out);
    const int svg = ol > 4 && strcmp(out + ol - 4, ".svg") == 0;
    sgl_store *st = NULL;
    plot_ctx c;
    memset(&c, 0, sizeof c);
    c.o = o;
    plot_files p;
    int code = plot_files_init(&p, out);
    if (code || (code = rep_open_db(o, &st)) != 0 || (code = rep_resolve(o, st, 0)) != 0) goto done;
    c.t_eta = strcmp(o->r.x, "t_eta") == 0;
    c.rate = strcmp(o->r.kind, "escape") == 0 && strcmp(o->r.obs, "rate") == 0;
    if (strcmp(o->r.kind, "escape") == 0) o->logy = 1;   /* MFPTs span decades */
    if ((code = write_data(&c, st, p.dat, &p.have_dat)) != 0) goto done;
    int r = make_tmp(p.tmp, ol + 16, out);
    p.have_tmp = r != CLI_EXIT_FAIL;
    if ((code = r < 0 ? -r : r) != 0) goto done;
    if (!(p.q_out = gp_path(p.tmp)) || !(p.q_dat = gp_path(p.dat)) || !(p.q_gp = gp_path(p.gp))) {
        fprintf(stderr, "sgdlab: out of memory\n");
        code = CLI_EXIT_FAIL;
        goto done;
    }
    if ((code = write_script(&c, p.gp, p.q_out, p.q_dat, svg, &p.have_gp)) != 0) goto done;
    if ((code = run_gnuplot(p.q_gp, p.tmp, out)) != 0) goto done;
    p.have_tmp = 0;
    fprintf(stderr, "sgdlab plot: %s (%d curves, %zu points; data %s, script %s)\n", out, c.cv.n_curves,
            c.cv.n_points, p.dat, p.gp);
done:
    if (c.dat) fclose(c.dat);
    sgl_plot_curves_clear(&c.cv);
    plot_files_done(&p, code == CLI_EXIT_OK);
    sgl_store_close(st, NULL);
    return code;
}
