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

#define PLOT_MAX_TICS 12   /* x a parameter with at most this many values: each value a tick */

/* Okabe-Ito colours (distinguishable with every common colour-vision deficiency), yellow last: pale on white */
static const char *const k_okabe_ito[] = {"#0072B2", "#D55E00", "#009E73", "#CC79A7",
                                          "#E69F00", "#56B4E9", "#000000", "#F0E442"};

typedef struct {
    FILE *dat;
    const rep_opts *o;
    int t_eta;                     /* x = t_eta: the clock value, not the step */
    sgl_plot_curves cv;            /* the curves (sgl_plot_data): titles, counts, unit */
    int logy, have_x, have_y;
    double xmin, xmax, ymin, ymax; /* of the points drawn (y: their bands or bars; log y: the positive ends) */
    double xtic[PLOT_MAX_TICS];    /* x a parameter: its distinct values (n_xtic > PLOT_MAX_TICS: too many) */
    int n_xtic;
} plot_ctx;

/* the extent of what a point draws, for the axis ranges (and its x as a tick) */
static void track_point(plot_ctx *c, double x, double lo, double y, double hi)
{
    if (c->o->logx && !(x > 0)) return;   /* not drawn on a log x axis (step 0) */
    if (!c->have_x || x < c->xmin) c->xmin = x;
    if (!c->have_x || x > c->xmax) c->xmax = x;
    c->have_x = 1;
    const double v[3] = {lo, y, hi};
    for (int i = 0; i < 3; ++i) {
        if (!isfinite(v[i]) || (c->logy && !(v[i] > 0))) continue;
        if (!c->have_y || v[i] < c->ymin) c->ymin = v[i];
        if (!c->have_y || v[i] > c->ymax) c->ymax = v[i];
        c->have_y = 1;
    }
    if (c->o->r.x_clock || c->n_xtic > PLOT_MAX_TICS) return;
    for (int i = 0; i < c->n_xtic; ++i)
        if (c->xtic[i] == x) return;
    if (c->n_xtic < PLOT_MAX_TICS) c->xtic[c->n_xtic] = x;
    ++c->n_xtic;
}

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
        track_point(c, c->t_eta ? p->t_eta : strtod(p->x->text, NULL), p->y - p->lo, p->y, p->y + p->lo);
    } else {
        const sgl_rate_est *r = &p->escape->rate;
        track_point(c, strtod(p->x->text, NULL), p->lo, p->y, p->hi);
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

/* one curve per block of the data file: series an SE band under the mean's line, escape CI bars; colour i */
static void write_plot_lines(FILE *g, const plot_ctx *c, const sgl_plot_text *t, const char *q_dat)
{
    const int esc = strcmp(c->o->r.kind, "escape") == 0;
    /* log y: a band's end <= 0 is left out (1/0: undefined), not drawn at the frame */
    const char *lo = c->logy ? "($2-$3 > 0 ? $2-$3 : 1/0)" : "($2-$3)";
    const char *x = c->o->logx ? "($1 > 0 ? $1 : 1/0)" : "1";   /* log x: step 0 left out, not drawn at the edge */
    fputs("plot ", g);
    for (int i = 0; i < c->cv.n_curves; ++i) {
        if (i) fputs(", \\\n     ", g);
        rep_put_quoted(g, sgl_quote_gnuplot, q_dat);
        if (esc) {
            fprintf(g, " index %d using %s:2:3:4 with yerrorlines lt %d title ", i, x, i + 1);
        } else {
            fprintf(g, " index %d using %s:%s:($2+$3) with filledcurves fs transparent solid 0.2 noborder lt %d "
                       "notitle, \\\n     ", i, x, lo, i + 1);
            rep_put_quoted(g, sgl_quote_gnuplot, q_dat);
            fprintf(g, " index %d using %s:2 with %s lt %d title ", i, x, c->o->r.x_clock ? "lines" : "linespoints",
                    i + 1);
        }
        rep_put_quoted(g, sgl_quote_gnuplot, t->legend[i]);
        fputs(" noenhanced", g);
    }
    fputc('\n', g);
}

/* the ticks of one pass: digits dg[0..nd) times the powers of 10 in [lo, hi], or (nd == 0) multiples of step;
 * how many, written to g when g is not NULL */
static int tics_pass(FILE *g, double lo, double hi, const int *dg, int nd, double step)
{
    int n = 0;
    if (nd == 0) {
        for (double k = ceil(lo / step); k * step <= hi; ++k)
            if (g) fprintf(g, "%s'%g' %.17g", n++ ? ", " : "", k * step, k * step);
            else ++n;
        return n;
    }
    for (int e = (int)floor(log10(lo)); e <= (int)ceil(log10(hi)); ++e)
        for (int i = 0; i < nd; ++i) {
            const double v = dg[i] * pow(10, e);
            if (v < lo || v > hi) continue;
            if (g) fprintf(g, "%s'%g' %.17g", n ? ", " : "", v, v);
            ++n;
        }
    return n;
}

/* y ticks of a log axis spanning under two decades (gnuplot would label one decade or none): 1-2-5 in each
 * decade, else every digit, else multiples of a round step; at least 3 */
static void log_tics(FILE *g, double lo, double hi)
{
    static const int d125[] = {1, 2, 5}, d19[] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    double step = pow(10, floor(log10(hi - lo)));
    while (tics_pass(NULL, lo, hi, NULL, 0, step) < 4) step /= 2;
    const int *dg = tics_pass(NULL, lo, hi, d125, 3, 0) >= 3  ? d125
                    : tics_pass(NULL, lo, hi, d19, 9, 0) >= 3 ? d19
                                                               : NULL;
    fputs("set ytics (", g);
    tics_pass(g, lo, hi, dg, dg == d125 ? 3 : dg ? 9 : 0, step);
    fputs(")\n", g);
}

/* colours, and ranges fitted to what is drawn: 5 % margins (log axes: by factors); a parameter's values as x ticks */
static void write_axes(FILE *g, const plot_ctx *c)
{
    for (int i = 0; i < 8; ++i)
        fprintf(g, "set linetype %d lc rgb '%s' lw 2 pt %d ps 1\n", i + 1, k_okabe_ito[i], 7 + (i % 4) * 2);
    fputs("set linetype cycle 8\n", g);
    if (c->have_x && c->xmax > c->xmin) {
        if (c->o->logx && c->xmin > 0) {
            const double f = pow(c->xmax / c->xmin, 0.05);
            fprintf(g, "set xrange [%.17g:%.17g]\n", c->xmin / f, c->xmax * f);
        } else if (!c->o->logx) {
            const double m = 0.05 * (c->xmax - c->xmin);
            fprintf(g, "set xrange [%.17g:%.17g]\n", c->xmin - m, c->xmax + m);
        }
    }
    if (c->logy && c->have_y && c->ymax > c->ymin) {
        const double f = pow(c->ymax / c->ymin, 0.05);
        fprintf(g, "set yrange [%.17g:%.17g]\n", c->ymin / f, c->ymax * f);
        if (c->ymax / c->ymin < 100) log_tics(g, c->ymin / f, c->ymax * f);
    }
    if (c->n_xtic > 1 && c->n_xtic <= PLOT_MAX_TICS) {
        fputs("set xtics (", g);
        for (int i = 0; i < c->n_xtic; ++i) fprintf(g, "%s'%g' %.17g", i ? ", " : "", c->xtic[i], c->xtic[i]);
        fputs(")\n", g);
    }
}

/* FILE.gp; 0 or the exit code */
static int write_script(const plot_ctx *c, const sgl_plot_text *t, const char *gp, const char *q_out,
                        const char *q_dat, int svg, int *created)
{
    FILE *g = create_regular(gp);
    if (!g) {
        fprintf(stderr, "sgdlab: --out: cannot write '%s': %s\n", gp, strerror(errno));
        return CLI_EXIT_FAIL;
    }
    *created = 1;
    fprintf(g, "set terminal %s size 900,600\nset output ", svg ? "svg" : "pngcairo");
    rep_put_quoted(g, sgl_quote_gnuplot, q_out);
    fputs("\nset title ", g);   /* what is drawn; on a second line what was selected or pooled */
    rep_put_quoted(g, sgl_quote_gnuplot, t->title);
    if (t->selection[0]) {
        fputs(".\"\\n\".", g);
        rep_put_quoted(g, sgl_quote_gnuplot, t->selection);
    }
    fputs(" noenhanced\nset xlabel ", g);
    rep_put_quoted(g, sgl_quote_gnuplot, t->xlabel);
    fputs(" noenhanced\nset ylabel ", g);
    rep_put_quoted(g, sgl_quote_gnuplot, t->ylabel);
    fputs(" noenhanced\nset key below\nset grid\n", g);
    if (c->o->logx) fputs("set logscale x\n", g);
    if (c->logy) fputs("set logscale y\n", g);
    write_axes(g, c);
    write_plot_lines(g, c, t, q_dat);
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
    static sgl_plot_text words;   /* 17 kB */
    c.o = o;
    plot_files p;
    int code = plot_files_init(&p, out);
    if (code || (code = rep_open_db(o, &st)) != 0 || (code = rep_resolve(o, st, 0)) != 0) goto done;
    c.t_eta = strcmp(o->r.x, "t_eta") == 0;
    if (strcmp(o->r.kind, "escape") == 0) o->logy = 1;   /* MFPTs span decades */
    c.logy = o->logy;
    if ((code = write_data(&c, st, p.dat, &p.have_dat)) != 0) goto done;
    sgl_err err = {{0}, {0}};
    sgl_status s = sgl_plot_words(st, &o->r, &c.cv, &words, &err);
    if (s != SGL_OK) {
        code = rep_fail(s, &err);
        goto done;
    }
    int r = make_tmp(p.tmp, ol + 16, out);
    p.have_tmp = r != CLI_EXIT_FAIL;
    if ((code = r < 0 ? -r : r) != 0) goto done;
    if (!(p.q_out = gp_path(p.tmp)) || !(p.q_dat = gp_path(p.dat)) || !(p.q_gp = gp_path(p.gp))) {
        fprintf(stderr, "sgdlab: out of memory\n");
        code = CLI_EXIT_FAIL;
        goto done;
    }
    if ((code = write_script(&c, &words, p.gp, p.q_out, p.q_dat, svg, &p.have_gp)) != 0) goto done;
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
