/* Training data: generated (Gaussian or Boolean inputs, kappa-sparse truth) or
 * loaded from CSV, with an optional truth file (--truth-file) for the ground
 * truth.  Generated inputs are a pure function of (seed, draw) via the
 * SGL_P_DATA / SGL_P_TEST / SGL_P_TRUTH streams: row i of draw r uses
 * trajectory = r and step = i, so n or d can change without reshuffling the
 * other rows' randomness. */
#include "internal.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static size_t pad_lanes(size_t d) { return (d + SGL_LANES - 1) / SGL_LANES * SGL_LANES; }

static void fill_inputs(double *Z, size_t n, size_t d, size_t ld, sgl_input_kind kind,
                        uint64_t seed, uint32_t draw, unsigned purpose)
{
    for (size_t i = 0; i < n; ++i) {
        sgl_stream s;
        sgl_stream_init(&s, seed, draw, i, purpose);
        double *row = Z + i * ld;
        for (size_t j = 0; j < d; ++j)
            row[j] = kind == SGL_INPUT_BOOLEAN ? (double)sgl_stream_rademacher(&s)
                                               : sgl_stream_normal(&s);
        for (size_t j = d; j < ld; ++j) row[j] = 0.0;
    }
}

static void label_rows(const double *Z, size_t n, size_t ld, const double *w, double *y)
{
    for (size_t i = 0; i < n; ++i) {
        double s = 0.0;
        for (size_t j = 0; j < ld; ++j) s += Z[i * ld + j] * w[j];
        y[i] = s;
    }
}

/* Parse one CSV line of numbers into vals (at most cap); returns count, or
 * (size_t)-1 if a field is not a finite number. */
static size_t parse_csv_line(char *line, double *vals, size_t cap)
{
    size_t k = 0;
    char *p = line;
    for (;;) {
        while (*p == ' ' || *p == '\t') ++p;
        if (*p == '\0' || *p == '\n' || *p == '\r') return k == 0 ? 0 : (size_t)-1;
        char *end;
        errno = 0;
        double v = strtod(p, &end);
        if (end == p || errno == ERANGE || !isfinite(v)) return (size_t)-1;
        if (k < cap) vals[k] = v;
        ++k;
        p = end;
        while (*p == ' ' || *p == '\t') ++p;
        if (*p == ',') { ++p; continue; }
        if (*p == '\0' || *p == '\n' || *p == '\r') return k;
        return (size_t)-1;
    }
}

/* A header line: none of its fields is a whole finite number (so "1,abc,3" is
 * a bad data row, not a header, while "x1,inflation,y" is a header even though
 * strtod reads "inf" off the front of one name). */
static int is_header(const char *line)
{
    const char *p = line;
    for (;;) {
        while (*p == ' ' || *p == '\t') ++p;
        char *end;
        double v = strtod(p, &end);
        const char *q = end;
        while (*q == ' ' || *q == '\t') ++q;
        if (end != p && isfinite(v) && (*q == ',' || *q == '\0' || *q == '\n' || *q == '\r')) return 0;
        p = strchr(p, ',');
        if (!p) return 1;
        ++p;
    }
}

/* One line of f into *buf (grown with sgl_realloc, NUL-terminated, newline
 * kept): 1 read, 0 at end of file, -1 out of memory, -2 a NUL byte in the
 * line (text after it would be lost silently). */
static int read_line(FILE *f, char **buf, size_t *cap, uint64_t *hash)
{
    size_t len = 0;
    for (;;) {
        if (*cap - len < 2) {
            size_t ncap = *cap ? 2 * *cap : 256;
            char *nb = sgl_realloc(*buf, ncap);
            if (!nb) return -1;
            *buf = nb;
            *cap = ncap;
        }
        int c = getc(f);
        if (c == EOF) {
            (*buf)[len] = '\0';
            return len > 0;
        }
        *hash = (*hash ^ (unsigned char)c) * 0x100000001b3ull;
        if (c == '\0') return -2;
        (*buf)[len++] = (char)c;
        if (c == '\n') {
            (*buf)[len] = '\0';
            return 1;
        }
    }
}

/* Open a file sgdlab reads (a data or truth file): a regular file of at most
 * SGL_DATA_MAX_BYTES; errors name flag and say what the file must be. */
static sgl_status open_input(const char *path, const char *flag, const char *what, FILE **out, sgl_err *err)
{
    *out = NULL;
    FILE *f = fopen(path, "r");
    if (!f) return sgl_fail(err, SGL_EINVAL, flag, "cannot open '%s': %s", path, strerror(errno));
    struct stat sb;
    const int reg = fstat(fileno(f), &sb) == 0 && S_ISREG(sb.st_mode);
    if (!reg || (uint64_t)sb.st_size > SGL_DATA_MAX_BYTES) {
        fclose(f);
        const unsigned long long max = SGL_DATA_MAX_BYTES;
        if (reg)
            return sgl_fail(err, SGL_EINVAL, flag, "'%s' has more than %llu bytes (%d MiB), the most a %s may have",
                            path, max, (int)(max >> 20), what);
        return sgl_fail(err, SGL_EINVAL, flag, "'%s' is not a regular file; a %s of at most %llu bytes (%d MiB) is",
                        path, what, max, (int)(max >> 20));
    }
    *out = f;
    return SGL_OK;
}

static sgl_status load_csv(const sgl_data_spec *spec, sgl_data *D, sgl_err *err)
{
    FILE *f;
    sgl_status ost = open_input(spec->csv_path, "--data-file", "CSV data file", &f, err);
    if (ost != SGL_OK) return ost;
    size_t cap_rows = 64, n = 0, d = 0, ld = 0;
    double *Z = NULL, *y = NULL, *vals = NULL;
    char *line = NULL;
    size_t linecap = 0, lineno = 0;
    int content = 0;   /* non-blank, non-comment lines seen */
    uint64_t hash = 0xcbf29ce484222325ull;   /* FNV-1a 64 of every byte */
    sgl_status st = SGL_OK;
    int got;
    while ((got = read_line(f, &line, &linecap, &hash)) != 0) {
        ++lineno;
        if (got == -2) {
            st = sgl_fail(err, SGL_EINVAL, "--data-file", "%s:%zu: a NUL byte; a CSV data file is text",
                          spec->csv_path, lineno);
            goto done;
        }
        if (got < 0) { st = sgl_fail(err, SGL_ENOMEM, "--data-file", "out of memory"); goto done; }
        char *p = line;
        while (isspace((unsigned char)*p)) ++p;
        if (*p == '\0' || *p == '#') continue;
        if (content++ == 0 && is_header(p)) continue;   /* the first content line may be a header */
        if (d == 0) {
            /* the first data line fixes the number of fields */
            size_t fields = 1;
            for (char *q = p; *q; ++q) fields += *q == ',';
            vals = sgl_malloc(fields * sizeof *vals);
            if (!vals) { st = sgl_fail(err, SGL_ENOMEM, "--data-file", "out of memory"); goto done; }
            size_t k = parse_csv_line(p, vals, fields);
            if (k == (size_t)-1 || k < 2) {
                st = sgl_fail(err, SGL_EINVAL, "--data-file",
                              "%s:%zu: expected at least 2 numeric comma-separated fields (x_1..x_d,y)",
                              spec->csv_path, lineno);
                goto done;
            }
            d = k - 1;
            ld = pad_lanes(d);
            Z = sgl_malloc(cap_rows * ld * sizeof *Z);
            y = sgl_malloc(cap_rows * sizeof *y);
            if (!Z || !y) { st = sgl_fail(err, SGL_ENOMEM, "--data-file", "out of memory"); goto done; }
        }
        if (n == cap_rows) {
            cap_rows *= 2;
            double *Z2 = sgl_realloc(Z, cap_rows * ld * sizeof *Z);
            if (!Z2) { st = sgl_fail(err, SGL_ENOMEM, "--data-file", "out of memory"); goto done; }
            Z = Z2;
            double *y2 = sgl_realloc(y, cap_rows * sizeof *y);
            if (!y2) { st = sgl_fail(err, SGL_ENOMEM, "--data-file", "out of memory"); goto done; }
            y = y2;
        }
        size_t k = parse_csv_line(p, vals, d + 1);
        if (k != d + 1) {
            st = sgl_fail(err, SGL_EINVAL, "--data-file",
                          "%s:%zu: expected %zu numeric comma-separated fields like the first data row",
                          spec->csv_path, lineno, d + 1);
            goto done;
        }
        for (size_t j = 0; j < ld; ++j) Z[n * ld + j] = j < d ? vals[j] : 0.0;
        y[n] = vals[d];
        ++n;
    }
    if (ferror(f)) {
        st = sgl_fail(err, SGL_EINVAL, "--data-file", "%s: read error after line %zu", spec->csv_path, lineno);
        goto done;
    }
    if (n == 0) {
        st = sgl_fail(err, SGL_EINVAL, "--data-file", "%s: no data rows", spec->csv_path);
        goto done;
    }
    if (spec->hash && spec->hash != hash) {   /* the run key names other contents */
        st = sgl_fail(err, SGL_EINVAL, "--data-file",
                      "%s changed after the run was set up (content hash %016llx, now %016llx); run again",
                      spec->csv_path, (unsigned long long)spec->hash, (unsigned long long)hash);
        goto done;
    }
    D->n = n; D->d = d; D->ld = ld; D->y = y; D->hash = hash;
    y = NULL;
    D->Z = sgl_alloc_doubles(n * ld);
    if (!D->Z) { st = sgl_fail(err, SGL_ENOMEM, "--data-file", "out of memory"); goto done; }
    memcpy(D->Z, Z, n * ld * sizeof *Z);
done:
    sgl_free(Z); sgl_free(y); sgl_free(vals); sgl_free(line);
    fclose(f);
    return st;
}

/* The ground truth of CSV data (--truth-file): exactly D->d finite numbers
 * separated by commas, blanks or newlines ('#' starts a comment line) into
 * D->wstar (padded with zeros to ld), the file's FNV-1a 64 into D->truth_hash,
 * checked against spec->truth_hash when that is set. */
static sgl_status load_truth(const sgl_data_spec *spec, sgl_data *D, sgl_err *err)
{
    FILE *f;
    sgl_status st = open_input(spec->truth_path, "--truth-file", "truth file", &f, err);
    if (st != SGL_OK) return st;
    D->wstar = sgl_alloc_doubles(D->ld);
    char *line = NULL;
    size_t linecap = 0, lineno = 0, k = 0;
    uint64_t hash = 0xcbf29ce484222325ull;
    int got;
    if (!D->wstar) { st = sgl_fail(err, SGL_ENOMEM, "--truth-file", "out of memory"); goto done; }
    while ((got = read_line(f, &line, &linecap, &hash)) != 0) {
        ++lineno;
        if (got == -2) {
            st = sgl_fail(err, SGL_EINVAL, "--truth-file", "%s:%zu: a NUL byte; a truth file is text",
                          spec->truth_path, lineno);
            goto done;
        }
        if (got < 0) { st = sgl_fail(err, SGL_ENOMEM, "--truth-file", "out of memory"); goto done; }
        char *p = line;
        while (isspace((unsigned char)*p)) ++p;
        if (*p == '#') continue;
        while (*p) {
            char *end;
            errno = 0;
            double v = strtod(p, &end);
            if (end == p || errno == ERANGE || !isfinite(v) ||
                (*end && !isspace((unsigned char)*end) && *end != ',')) {
                st = sgl_fail(err, SGL_EINVAL, "--truth-file",
                              "%s:%zu: expected finite numbers separated by commas or blanks (w*_1 ... w*_d)",
                              spec->truth_path, lineno);
                goto done;
            }
            if (k < D->d) D->wstar[k] = v;
            ++k;
            p = end;
            while (isspace((unsigned char)*p)) ++p;
            if (*p == ',') ++p;
            while (isspace((unsigned char)*p)) ++p;
        }
    }
    if (ferror(f)) {
        st = sgl_fail(err, SGL_EINVAL, "--truth-file", "%s: read error after line %zu", spec->truth_path, lineno);
        goto done;
    }
    if (k != D->d) {
        st = sgl_fail(err, SGL_EINVAL, "--truth-file", "%s has %zu values; the data file has d = %zu coordinates",
                      spec->truth_path, k, D->d);
        goto done;
    }
    if (spec->truth_hash && spec->truth_hash != hash) {
        st = sgl_fail(err, SGL_EINVAL, "--truth-file",
                      "%s changed after the run was set up (content hash %016llx, now %016llx); run again",
                      spec->truth_path, (unsigned long long)spec->truth_hash, (unsigned long long)hash);
        goto done;
    }
    D->truth_hash = hash;
done:
    sgl_free(line);
    fclose(f);
    return st;
}

sgl_status sgl_data_alloc(const sgl_data_spec *spec, uint64_t seed, uint32_t draw,
                          sgl_data **out, sgl_err *err)
{
    *out = NULL;
    sgl_data *D = sgl_calloc(1, sizeof *D);
    if (!D) return sgl_fail(err, SGL_ENOMEM, "data", "out of memory");
    sgl_status st = SGL_OK;
    if (spec->input == SGL_INPUT_CSV) {
        st = load_csv(spec, D, err);
        if (st == SGL_OK && spec->truth_path && spec->truth_path[0]) st = load_truth(spec, D, err);
        if (st != SGL_OK) goto fail;
    } else {
        D->n = spec->n; D->d = spec->d; D->ld = pad_lanes(spec->d);
        D->kappa = spec->kappa;
        D->Z = sgl_alloc_doubles(D->n * D->ld);
        D->y = sgl_malloc(D->n * sizeof *D->y);
        D->wstar = sgl_alloc_doubles(D->ld);
        if (!D->Z || !D->y || !D->wstar) goto nomem;
        sgl_stream s;
        sgl_stream_init(&s, seed, draw, 0, SGL_P_TRUTH);
        for (size_t j = 0; j < D->kappa; ++j)
            D->wstar[j] = spec->truth == SGL_TRUTH_SIGNS ? (double)sgl_stream_rademacher(&s) : 1.0;
        fill_inputs(D->Z, D->n, D->d, D->ld, spec->input, seed, draw, SGL_P_DATA);
        label_rows(D->Z, D->n, D->ld, D->wstar, D->y);
        if (spec->label_noise > 0) {
            sgl_stream_init(&s, seed, draw, 1, SGL_P_TRUTH);
            for (size_t i = 0; i < D->n; ++i) D->y[i] += spec->label_noise * sgl_stream_normal(&s);
        }
        if (spec->n_test > 0) {
            D->n_test = spec->n_test;
            D->Zt = sgl_alloc_doubles(D->n_test * D->ld);
            D->yt = sgl_malloc(D->n_test * sizeof *D->yt);
            if (!D->Zt || !D->yt) goto nomem;
            fill_inputs(D->Zt, D->n_test, D->d, D->ld, spec->input, seed, draw, SGL_P_TEST);
            label_rows(D->Zt, D->n_test, D->ld, D->wstar, D->yt);
        }
    }
    D->colsq = sgl_alloc_doubles(D->ld);
    if (!D->colsq) goto nomem;
    for (size_t i = 0; i < D->n; ++i)
        for (size_t j = 0; j < D->d; ++j) D->colsq[j] += D->Z[i * D->ld + j] * D->Z[i * D->ld + j];
    for (size_t j = 0; j < D->d; ++j) D->colsq[j] /= (double)D->n;
    *out = D;
    return SGL_OK;
nomem:
    st = sgl_fail(err, SGL_ENOMEM, "data", "out of memory");
fail:
    sgl_data_free(D);
    return st;
}

sgl_status sgl_spec_resolve_data(sgl_spec *s, sgl_err *err)
{
    sgl_status pst = sgl_spec_resolve_plugin(s, err);
    if (pst != SGL_OK) return pst;
    if (s->data.input != SGL_INPUT_CSV) return SGL_OK;
    if (!s->data.csv_path || !s->data.csv_path[0])
        return sgl_fail(err, SGL_EINVAL, "--data-file", "required with --data csv: a CSV file of rows x_1,...,x_d,y");
    sgl_data_spec ds = s->data;
    ds.hash = 0;
    ds.truth_hash = 0;
    sgl_data *D = NULL;
    sgl_status st = sgl_data_alloc(&ds, 0, 0, &D, err);
    if (st != SGL_OK) return st;
    s->data.d = D->d;
    s->data.n = D->n;
    s->data.hash = D->hash;
    s->data.truth_hash = D->truth_hash;
    sgl_data_free(D);
    return SGL_OK;
}

void sgl_data_free(sgl_data *D)
{
    if (!D) return;
    sgl_free(D->Z); sgl_free(D->y); sgl_free(D->wstar); sgl_free(D->colsq); sgl_free(D->Zt); sgl_free(D->yt);
    sgl_free(D);
}

void sgl_data_relabel(sgl_data *D, double label_noise, uint64_t seed, uint32_t draw,
                      double (*f)(const void *ctx, const double *z), const void *ctx)
{
    for (size_t i = 0; i < D->n; ++i) D->y[i] = f(ctx, D->Z + i * D->ld);
    if (label_noise > 0) {
        sgl_stream s;
        sgl_stream_init(&s, seed, draw, 1, SGL_P_TRUTH);
        for (size_t i = 0; i < D->n; ++i) D->y[i] += label_noise * sgl_stream_normal(&s);
    }
    for (size_t i = 0; i < D->n_test; ++i) D->yt[i] = f(ctx, D->Zt + i * D->ld);
}
