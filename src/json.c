/* The one JSON writer (declared in sgdlab.h): a small streaming writer over a
 * FILE*, a growable buffer or a callback.  Strings are quoted by
 * sgl_quote_json (src/quote.c), the library's one JSON escaping path; doubles
 * are %.17g (shortest form is not needed: %.17g round-trips and is what every
 * earlier printer wrote, so outputs stay bytewise equal), non-finite null.
 * Own code rather than jansson: ~200 lines, no new dependency, and the exact
 * number format of the existing outputs and the canonical run-key text are
 * kept by construction.  Pure: no output except into the caller's sink. */
#include "internal.h"

#include <inttypes.h>
#include <math.h>
#include <string.h>

static void reset(sgl_json *w)
{
    memset(w, 0, sizeof *w);
    w->st_ = SGL_OK;
}

void sgl_json_to_file(sgl_json *w, FILE *f)
{
    reset(w);
    w->f_ = f;
}

void sgl_json_to_buffer(sgl_json *w) { reset(w); }

void sgl_json_to_sink(sgl_json *w, sgl_json_sink put, void *ctx, unsigned flags)
{
    reset(w);
    w->sink_ = put;
    w->ctx_ = ctx;
    w->flags_ = flags;
}

const char *sgl_json_text(const sgl_json *w, size_t *len)
{
    if (len) *len = w->buf_ && w->st_ == SGL_OK ? w->len_ : 0;
    return w->buf_ && w->st_ == SGL_OK ? w->buf_ : "";
}

void sgl_json_release(sgl_json *w)
{
    sgl_free(w->buf_);
    w->buf_ = NULL;
    w->len_ = w->cap_ = 0;
}

sgl_status sgl_json_status(const sgl_json *w) { return w->st_; }

static void fail(sgl_json *w, sgl_status st)
{
    if (w->st_ == SGL_OK) w->st_ = st;
}

static void out(sgl_json *w, const char *s, size_t n)
{
    if (w->st_ != SGL_OK || n == 0) return;
    if (w->sink_) {
        w->sink_(w->ctx_, s, n);
    } else if (w->f_) {
        if (fwrite(s, 1, n, w->f_) != n || ferror(w->f_)) fail(w, SGL_EIO);
    } else {
        if (w->len_ + n + 1 > w->cap_) {
            size_t cap = w->cap_ ? w->cap_ : 256;
            while (cap < w->len_ + n + 1) {
                if (cap > SIZE_MAX / 2) {
                    fail(w, SGL_ENOMEM);
                    return;
                }
                cap *= 2;
            }
            char *b = sgl_realloc(w->buf_, cap);
            if (!b) {
                fail(w, SGL_ENOMEM);
                return;
            }
            w->buf_ = b;
            w->cap_ = cap;
        }
        memcpy(w->buf_ + w->len_, s, n);
        w->len_ += n;
        w->buf_[w->len_] = '\0';
    }
}

static void outs(sgl_json *w, const char *s) { out(w, s, strlen(s)); }

/* before a value: the comma, and the check that a value may come here */
static int value_slot(sgl_json *w)
{
    if (w->st_ != SGL_OK) return 0;
    if (w->depth_ == 0) {
        if (w->top_done_) {   /* one top-level value per writer */
            fail(w, SGL_EINVAL);
            return 0;
        }
        return 1;
    }
    const int d = w->depth_ - 1;
    if (w->is_obj_[d]) {
        if (!w->keyed_) {   /* a member needs its key first */
            fail(w, SGL_EINVAL);
            return 0;
        }
        w->keyed_ = 0;
    } else {
        if (w->more_[d]) out(w, ",", 1);
        w->more_[d] = 1;
    }
    return 1;
}

static void value_done(sgl_json *w)
{
    if (w->depth_ == 0) w->top_done_ = 1;
}

/* s through a quoting function of src/quote.c (it returns the length
 * needed, like snprintf): a stack buffer, else one from the heap */
static void quote_by(sgl_json *w, size_t (*quote)(const char *, char *, size_t), const char *s)
{
    char small[256];
    size_t need = quote(s, small, sizeof small);
    if (need < sizeof small) {
        out(w, small, need);
        return;
    }
    char *big = sgl_malloc(need + 1);
    if (!big) {
        fail(w, SGL_ENOMEM);
        return;
    }
    quote(s, big, need + 1);
    out(w, big, need);
    sgl_free(big);
}

/* s quoted as a JSON string */
static void quoted(sgl_json *w, const char *s)
{
    if (w->flags_ & SGL_JSON_RAW_BYTES) {
        /* canonical text: escape " \ and control characters, nothing else */
        static const char hex[] = "0123456789abcdef";
        out(w, "\"", 1);
        const unsigned char *c = (const unsigned char *)(s ? s : ""), *run = c;
        for (; *c; ++c) {
            if (*c != '"' && *c != '\\' && *c >= 0x20) continue;
            out(w, (const char *)run, (size_t)(c - run));
            if (*c < 0x20) {
                char e[6] = {'\\', 'u', '0', '0', hex[*c >> 4], hex[*c & 15]};
                out(w, e, 6);
            } else {
                char e[2] = {'\\', (char)*c};
                out(w, e, 2);
            }
            run = c + 1;
        }
        out(w, (const char *)run, (size_t)(c - run));
        out(w, "\"", 1);
        return;
    }
    quote_by(w, sgl_quote_json, s);
}

static void open_c(sgl_json *w, int obj)
{
    if (!value_slot(w)) return;
    if (w->depth_ >= SGL_JSON_MAX_DEPTH) {
        fail(w, SGL_EINVAL);
        return;
    }
    out(w, obj ? "{" : "[", 1);
    w->is_obj_[w->depth_] = (unsigned char)obj;
    w->more_[w->depth_] = 0;
    ++w->depth_;
}

static void close_c(sgl_json *w, int obj)
{
    if (w->st_ != SGL_OK) return;
    if (w->depth_ == 0 || w->is_obj_[w->depth_ - 1] != obj || w->keyed_) {
        fail(w, SGL_EINVAL);
        return;
    }
    out(w, obj ? "}" : "]", 1);
    --w->depth_;
    value_done(w);
}

void sgl_json_begin_object(sgl_json *w) { open_c(w, 1); }
void sgl_json_end_object(sgl_json *w) { close_c(w, 1); }
void sgl_json_begin_array(sgl_json *w) { open_c(w, 0); }
void sgl_json_end_array(sgl_json *w) { close_c(w, 0); }

void sgl_json_key(sgl_json *w, const char *key)
{
    if (w->st_ != SGL_OK) return;
    if (w->depth_ == 0 || !w->is_obj_[w->depth_ - 1] || w->keyed_) {
        fail(w, SGL_EINVAL);
        return;
    }
    if (w->more_[w->depth_ - 1]) out(w, ",", 1);
    w->more_[w->depth_ - 1] = 1;
    quoted(w, key);
    out(w, ":", 1);
    w->keyed_ = 1;
}

static void scalar(sgl_json *w, const char *text)
{
    if (!value_slot(w)) return;
    outs(w, text);
    value_done(w);
}

void sgl_json_string(sgl_json *w, const char *s)
{
    if (!s) {
        scalar(w, "null");
        return;
    }
    if (!value_slot(w)) return;
    quoted(w, s);
    value_done(w);
}

void sgl_json_double(sgl_json *w, double x) { sgl_json_double_fmt(w, "%.17g", x); }

void sgl_json_double_fmt(sgl_json *w, const char *fmt, double x)
{
    char b[512];   /* %.17g needs 24; a %f of 1e308 about 310 */
    if (!isfinite(x)) {
        scalar(w, "null");
        return;
    }
    int n = snprintf(b, sizeof b, fmt, x);
    if (n < 0 || (size_t)n >= sizeof b) {
        fail(w, SGL_EINVAL);
        return;
    }
    scalar(w, b);
}

void sgl_json_int(sgl_json *w, int64_t x)
{
    char b[24];
    snprintf(b, sizeof b, "%" PRId64, x);
    scalar(w, b);
}

void sgl_json_uint(sgl_json *w, uint64_t x)
{
    char b[24];
    snprintf(b, sizeof b, "%" PRIu64, x);
    scalar(w, b);
}

void sgl_json_bool(sgl_json *w, int b) { scalar(w, b ? "true" : "false"); }
void sgl_json_null(sgl_json *w) { scalar(w, "null"); }

void sgl_json_raw(sgl_json *w, const char *json)
{
    if (!json) {
        scalar(w, "null");
        return;
    }
    if (!value_slot(w)) return;
    quote_by(w, sgl_quote_json_text, json);
    value_done(w);
}

/* key, then the value: one definition for every keyed writer */
#define KEYED(name, type, plain)                          \
    void name(sgl_json *w, const char *key, type x)       \
    {                                                     \
        sgl_json_key(w, key);                             \
        plain(w, x);                                      \
    }
KEYED(sgl_json_kstring, const char *, sgl_json_string)
KEYED(sgl_json_kdouble, double, sgl_json_double)
KEYED(sgl_json_kint, int64_t, sgl_json_int)
KEYED(sgl_json_kuint, uint64_t, sgl_json_uint)
KEYED(sgl_json_kbool, int, sgl_json_bool)
#undef KEYED

sgl_status sgl_json_finish(sgl_json *w)
{
    if (w->st_ == SGL_OK && (w->depth_ != 0 || w->keyed_)) fail(w, SGL_EINVAL);
    if (w->st_ == SGL_OK && w->f_ && (fflush(w->f_) != 0 || ferror(w->f_))) fail(w, SGL_EIO);
    return w->st_;
}
