/* sgl_quote_csv / _json / _json_text / _gnuplot (src/quote.c): known answers,
 * the snprintf contract (length needed returned, output cut and terminated
 * when the buffer is short), and NULL as "". */
#include "sgdlab.h"
#include "testutil.h"

#include <string.h>

typedef size_t (*quote_fn)(const char *s, char *buf, size_t len);

static void known(const char *name, quote_fn q, const char *in, const char *want)
{
    char buf[256];
    size_t n = q(in, buf, sizeof buf);
    check_true(n == strlen(want) && strcmp(buf, want) == 0, "%s known answer: got [%s] (%zu), want [%s]", name, buf,
               n, want);
}

int main(void)
{
    /* CSV, RFC 4180 */
    known("csv plain", sgl_quote_csv, "abc", "abc");
    known("csv empty", sgl_quote_csv, "", "");
    known("csv NULL", sgl_quote_csv, NULL, "");
    known("csv comma", sgl_quote_csv, "a,b", "\"a,b\"");
    known("csv quote", sgl_quote_csv, "a\"b", "\"a\"\"b\"");
    known("csv newline", sgl_quote_csv, "a\nb", "\"a\nb\"");
    known("csv CR", sgl_quote_csv, "a\rb", "\"a\rb\"");
    known("csv list", sgl_quote_csv, "[100,150]", "\"[100,150]\"");
    known("csv leading blank", sgl_quote_csv, " a", "\" a\"");
    known("csv trailing tab", sgl_quote_csv, "a\t", "\"a\t\"");
    known("csv inner blank", sgl_quote_csv, "a b", "a b");
    /* JSON */
    known("json plain", sgl_quote_json, "abc", "\"abc\"");
    known("json NULL", sgl_quote_json, NULL, "\"\"");
    known("json quote, backslash", sgl_quote_json, "a\"b\\c", "\"a\\\"b\\\\c\"");
    known("json controls", sgl_quote_json, "\n\t\x01\x1f", "\"\\u000a\\u0009\\u0001\\u001f\"");
    known("json DEL and slash kept", sgl_quote_json, "\x7f/", "\"\x7f/\"");
    known("json UTF-8 kept", sgl_quote_json, "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", "\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"");
    known("json bad bytes", sgl_quote_json, "a\xff\xfe" "b", "\"a\\ufffd\\ufffdb\"");
    known("json overlong", sgl_quote_json, "\xc0\xaf", "\"\\ufffd\\ufffd\"");
    known("json surrogate", sgl_quote_json, "\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"");
    known("json cut sequence", sgl_quote_json, "\xe2\x82", "\"\\ufffd\\ufffd\"");
    known("json text", sgl_quote_json_text, "{\"a\":\"x\xffy\",\"b\":[1,2]}", "{\"a\":\"x\\ufffdy\",\"b\":[1,2]}");
    /* gnuplot: single-quoted strings joined by '.', a quote as "'" */
    known("gnuplot plain", sgl_quote_gnuplot, "abc", "'abc'");
    known("gnuplot empty", sgl_quote_gnuplot, "", "''");
    known("gnuplot NULL", sgl_quote_gnuplot, NULL, "''");
    known("gnuplot quote", sgl_quote_gnuplot, "it's", "'it'.\"'\".'s'");
    known("gnuplot quotes at the ends", sgl_quote_gnuplot, "''x'", "\"'\".\"'\".'x'.\"'\"");
    known("gnuplot double quote, backslash, backquote, @", sgl_quote_gnuplot, "\"\\`@", "'\"\\`@'");
    known("gnuplot line break", sgl_quote_gnuplot, "a\n!b\r", "'a?!b?'");
    /* the snprintf contract */
    char small[5];
    memset(small, 'X', sizeof small);
    size_t n = sgl_quote_json("abcdef", small, sizeof small);
    check_true(n == 8 && strcmp(small, "\"abc") == 0, "json short buffer: needs 8, got %zu, cut to [%s]", n, small);
    n = sgl_quote_csv("a,b", NULL, 0);
    check_true(n == 5, "csv length only (NULL, 0): %zu, want 5", n);
    memset(small, 'X', sizeof small);
    n = sgl_quote_gnuplot("it's", small, 1);
    check_true(n == 12 && small[0] == '\0' && small[1] == 'X', "gnuplot 1-byte buffer: terminated, nothing more");
    return done();
}
