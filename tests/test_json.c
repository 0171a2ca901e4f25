/* The JSON writer (src/json.c): known answers for every value kind and the
 * comma placement, string escaping through sgl_quote_json (control
 * characters, non-UTF-8 bytes), the canonical raw-byte mode, 64-bit integers
 * exactly, doubles that round-trip through strtod bit for bit, non-finite as
 * null, misuse reported as SGL_EINVAL, and a failed allocation as SGL_ENOMEM
 * with nothing leaked. */
#include "sgdlab.h"
#include "testutil.h"
#include "alloc_hook.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void expect(sgl_json *w, const char *want, const char *what)
{
    sgl_status st = sgl_json_finish(w);
    const char *got = sgl_json_text(w, NULL);
    check_true(st == SGL_OK && strcmp(got, want) == 0, "%s: got [%s] (status %d), want [%s]", what, got, (int)st,
               want);
    sgl_json_release(w);
}

static void sink_cat(void *ctx, const char *s, size_t n) { strncat(ctx, s, n); }

int main(void)
{
    sgl_json w;

    /* structure and every value kind */
    sgl_json_to_buffer(&w);
    sgl_json_begin_object(&w);
    sgl_json_kstring(&w, "s", "a");
    sgl_json_kdouble(&w, "d", 0.1);
    sgl_json_kint(&w, "i", INT64_MIN);
    sgl_json_kuint(&w, "u", UINT64_MAX);
    sgl_json_kbool(&w, "t", 1);
    sgl_json_kbool(&w, "f", 0);
    sgl_json_key(&w, "n");
    sgl_json_null(&w);
    sgl_json_key(&w, "a");
    sgl_json_begin_array(&w);
    sgl_json_double(&w, 1.0);
    sgl_json_double(&w, NAN);
    sgl_json_double(&w, INFINITY);
    sgl_json_double(&w, -INFINITY);
    sgl_json_begin_array(&w);
    sgl_json_end_array(&w);
    sgl_json_begin_object(&w);
    sgl_json_end_object(&w);
    sgl_json_string(&w, NULL);
    sgl_json_end_array(&w);
    sgl_json_key(&w, "r");
    sgl_json_raw(&w, "{\"x\":[1,2]}");
    sgl_json_key(&w, "g");
    sgl_json_double_fmt(&w, "%.3f", 2.0 / 3.0);
    sgl_json_end_object(&w);
    expect(&w,
           "{\"s\":\"a\",\"d\":0.10000000000000001,\"i\":-9223372036854775808,\"u\":18446744073709551615,"
           "\"t\":true,\"f\":false,\"n\":null,\"a\":[1,null,null,null,[],{},null],\"r\":{\"x\":[1,2]},\"g\":0.667}",
           "all kinds");

    /* escaping: quote, backslash, every control character, DEL as is, UTF-8 kept, bad bytes as U+FFFD */
    sgl_json_to_buffer(&w);
    sgl_json_begin_array(&w);
    sgl_json_string(&w, "q\"b\\n\n\t\x01\x1f\x7f");
    sgl_json_string(&w, "\xc3\xa9\xe2\x82\xac");   /* e-acute, euro sign */
    sgl_json_string(&w, "a\xff" "b\xc3" "c\xed\xa0\x80");   /* 0xff, a cut sequence, a surrogate */
    sgl_json_end_array(&w);
    expect(&w,
           "[\"q\\\"b\\\\n\\u000a\\u0009\\u0001\\u001f\x7f\",\"\xc3\xa9\xe2\x82\xac\",\"a\\ufffdb\\ufffdc\\ufffd\\ufffd\\ufffd\"]",
           "escaping");
    sgl_json_to_buffer(&w);
    sgl_json_begin_object(&w);
    sgl_json_kstring(&w, "k\x01\xff", "v");   /* keys are escaped too */
    sgl_json_end_object(&w);
    expect(&w, "{\"k\\u0001\\ufffd\":\"v\"}", "key escaping");

    /* a long string (beyond the writer's stack buffer) */
    {
        static char s[5000], want[5010];
        memset(s, 'x', sizeof s - 1);
        s[100] = '\n';
        snprintf(want, sizeof want, "\"%.100s\\u000a%s\"", s, s + 101);
        sgl_json_to_buffer(&w);
        sgl_json_string(&w, s);
        expect(&w, want, "long string");
        /* long raw JSON text: the same heap path (quote_by), passed through byte for byte */
        static char raw[3000];
        size_t k = 0;
        raw[k++] = '[';
        for (int i = 0; i < 700; ++i) k += (size_t)snprintf(raw + k, sizeof raw - k, "%s1", i ? "," : "");
        raw[k++] = ']';
        raw[k] = '\0';
        sgl_json_to_buffer(&w);
        sgl_json_raw(&w, raw);
        expect(&w, raw, "long raw JSON text");
    }

    /* canonical mode: bytes >= 0x80 pass as they are (the run key's text) */
    {
        char out[128] = "";
        sgl_json_to_sink(&w, sink_cat, out, SGL_JSON_RAW_BYTES);
        sgl_json_begin_object(&w);
        sgl_json_kstring(&w, "f", "a\x01\xff\"");
        sgl_json_end_object(&w);
        check_true(sgl_json_finish(&w) == SGL_OK && strcmp(out, "{\"f\":\"a\\u0001\xff\\\"\"}") == 0,
                   "raw-byte mode: got [%s]", out);
    }

    /* doubles round-trip bit for bit through strtod */
    {
        const double xs[] = {0.1, 1.0 / 3.0, 5e-324, 2.2250738585072014e-308, 1.7976931348623157e308, -0.0,
                             123456789012345678.0, 1e21, 1e-7, 0.30000000000000004, M_PI};
        for (size_t i = 0; i < sizeof xs / sizeof xs[0]; ++i) {
            sgl_json_to_buffer(&w);
            sgl_json_double(&w, xs[i]);
            const char *t = sgl_json_text(&w, NULL);
            double back = strtod(t, NULL);
            check_true(sgl_json_finish(&w) == SGL_OK && memcmp(&back, &xs[i], sizeof back) == 0,
                       "round trip of %a via [%s]", xs[i], t);
            sgl_json_release(&w);
        }
        uint64_t state = 0x9e3779b97f4a7c15ull;   /* random bit patterns (finite ones) */
        int bad = 0;
        for (int i = 0; i < 20000; ++i) {
            state = state * 6364136223846793005ull + 1442695040888963407ull;
            uint64_t bits = state ^ (state >> 29);
            double x;
            memcpy(&x, &bits, sizeof x);
            if (!isfinite(x)) continue;
            sgl_json_to_buffer(&w);
            sgl_json_double(&w, x);
            double back = strtod(sgl_json_text(&w, NULL), NULL);
            bad += memcmp(&back, &x, sizeof x) != 0;
            sgl_json_release(&w);
        }
        check_true(bad == 0, "20000 random doubles round-trip (%d did not)", bad);
    }

    /* misuse: SGL_EINVAL, and nothing more is written */
    sgl_json_to_buffer(&w);
    sgl_json_begin_object(&w);
    sgl_json_string(&w, "no key");
    check_true(sgl_json_finish(&w) == SGL_EINVAL, "a value without its key in an object: EINVAL");
    sgl_json_release(&w);
    sgl_json_to_buffer(&w);
    sgl_json_begin_array(&w);
    sgl_json_key(&w, "k");
    check_true(sgl_json_status(&w) == SGL_EINVAL, "a key in an array: EINVAL");
    sgl_json_release(&w);
    sgl_json_to_buffer(&w);
    sgl_json_begin_array(&w);
    sgl_json_end_object(&w);
    check_true(sgl_json_status(&w) == SGL_EINVAL, "] closed by }: EINVAL");
    sgl_json_release(&w);
    sgl_json_to_buffer(&w);
    sgl_json_begin_object(&w);
    check_true(sgl_json_finish(&w) == SGL_EINVAL, "unclosed object at finish: EINVAL");
    sgl_json_release(&w);
    sgl_json_to_buffer(&w);
    sgl_json_null(&w);
    sgl_json_null(&w);
    check_true(sgl_json_finish(&w) == SGL_EINVAL, "two top-level values: EINVAL");
    sgl_json_release(&w);
    sgl_json_to_buffer(&w);
    for (int i = 0; i <= SGL_JSON_MAX_DEPTH; ++i) sgl_json_begin_array(&w);
    check_true(sgl_json_status(&w) == SGL_EINVAL, "nesting deeper than SGL_JSON_MAX_DEPTH: EINVAL");
    sgl_json_release(&w);

    /* a stream in error: SGL_EIO */
    {
        FILE *f = fopen("/dev/full", "w");
        if (f) {
            setvbuf(f, NULL, _IONBF, 0);
            sgl_json_to_file(&w, f);
            sgl_json_string(&w, "x");
            check_true(sgl_json_finish(&w) == SGL_EIO, "a write to /dev/full: EIO");
            fclose(f);
        }
    }

    /* every allocation failure: SGL_ENOMEM, nothing leaked */
    for (uint64_t k = 1;; ++k) {
        static char s[3000];
        memset(s, 'y', sizeof s - 1);
        sgl_test_alloc_arm(k);
        sgl_json_to_buffer(&w);
        sgl_json_begin_array(&w);
        for (int i = 0; i < 4; ++i) sgl_json_string(&w, s);
        sgl_json_end_array(&w);
        sgl_status st = sgl_json_finish(&w);
        sgl_json_release(&w);
        int failed = sgl_test_alloc_failed();
        int64_t live = sgl_test_alloc_live();
        sgl_test_alloc_disarm();
        check_true(live == 0, "allocation %llu: nothing leaked (%lld live)", (unsigned long long)k, (long long)live);
        if (!failed) {
            check_true(st == SGL_OK, "no allocation failed: OK");
            break;
        }
        check_true(st == SGL_ENOMEM, "allocation %llu failed: ENOMEM (got %d)", (unsigned long long)k, (int)st);
    }
    return done();
}
