/* Quoting text for the programs that read sgdlab's output: CSV (RFC 4180),
 * JSON (RFC 8259) and gnuplot scripts.  One escaping path: every stored or
 * user-given string that `report`, `export` and `plot` write goes through
 * these.  Each writes into buf (always terminated when len > 0) and returns
 * the length the whole quoted text needs, like snprintf; pure, no
 * allocation. */
#include "internal.h"

#include <string.h>

typedef struct {
    char *buf;
    size_t len, k;
} qbuf;

static void qput(qbuf *b, char c)
{
    if (b->k + 1 < b->len) b->buf[b->k] = c;
    ++b->k;
}

static void qputs(qbuf *b, const char *s)
{
    while (*s) qput(b, *s++);
}

static size_t qend(qbuf *b)
{
    if (b->len) b->buf[b->k < b->len ? b->k : b->len - 1] = '\0';
    return b->k;
}

size_t sgl_quote_csv(const char *s, char *buf, size_t len)
{
    qbuf b = {buf, len, 0};
    if (!s) s = "";
    /* RFC 4180: a field with a comma, a double quote or a line break is
     * enclosed in double quotes, each double quote doubled; so is one with
     * leading or trailing blanks, which some readers strip */
    size_t n = strlen(s);
    int quote = strpbrk(s, ",\"\r\n") != NULL || (n && (s[0] == ' ' || s[0] == '\t' || s[n - 1] == ' ' ||
                                                        s[n - 1] == '\t'));
    if (!quote) {
        qputs(&b, s);
        return qend(&b);
    }
    qput(&b, '"');
    for (; *s; ++s) {
        if (*s == '"') qput(&b, '"');
        qput(&b, *s);
    }
    qput(&b, '"');
    return qend(&b);
}

/* length of the well-formed UTF-8 sequence at s (1..4), 0 if it is not one */
static size_t utf8_len(const unsigned char *s)
{
    unsigned c = s[0];
    size_t n;
    unsigned min;
    if (c < 0x80) return 1;
    if (c >= 0xc2 && c <= 0xdf) n = 2, min = 0x80;
    else if (c >= 0xe0 && c <= 0xef) n = 3, min = 0x800;
    else if (c >= 0xf0 && c <= 0xf4) n = 4, min = 0x10000;
    else return 0;
    unsigned cp = c & (n == 2 ? 0x1f : n == 3 ? 0x0f : 0x07);
    for (size_t i = 1; i < n; ++i) {
        if ((s[i] & 0xc0) != 0x80) return 0;
        cp = (cp << 6) | (s[i] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
    return n;
}

size_t sgl_quote_json(const char *s, char *buf, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    qbuf b = {buf, len, 0};
    qput(&b, '"');
    for (const unsigned char *c = (const unsigned char *)(s ? s : ""); *c;) {
        if (*c == '"' || *c == '\\') {
            qput(&b, '\\');
            qput(&b, (char)*c++);
        } else if (*c < 0x20) {
            qputs(&b, "\\u00");
            qput(&b, hex[*c >> 4]);
            qput(&b, hex[*c & 15]);
            ++c;
        } else {
            size_t n = utf8_len(c);
            if (n == 0) {   /* not UTF-8 (a file name in another encoding): U+FFFD, as JSON must be UTF-8 */
                qputs(&b, "\\ufffd");
                ++c;
            } else
                for (size_t i = 0; i < n; ++i) qput(&b, (char)*c++);
        }
    }
    qput(&b, '"');
    return qend(&b);
}

size_t sgl_quote_gnuplot(const char *s, char *buf, size_t len)
{
    /* A single-quoted gnuplot string has no escapes, no `command` and no
     * @macro substitution.  Its one escape, a doubled quote, is mis-scanned by
     * gnuplot 5.4 next to another quote (four quotes in a row, or two right
     * after the opening one), so a quote is the double-quoted string "'"
     * joined by gnuplot's . operator: it's -> 'it'."'".'s'.  A line break
     * would end the command: control characters become '?'. */
    qbuf b = {buf, len, 0};
    const unsigned char *c = (const unsigned char *)(s ? s : "");
    if (!*c) qputs(&b, "''");
    for (int first = 1; *c; first = 0) {
        if (!first) qput(&b, '.');
        if (*c == '\'') {
            qputs(&b, "\"'\"");
            ++c;
            continue;
        }
        qput(&b, '\'');
        for (; *c && *c != '\''; ++c) qput(&b, *c < 0x20 || *c == 0x7f ? '?' : (char)*c);
        qput(&b, '\'');
    }
    return qend(&b);
}

size_t sgl_quote_json_text(const char *json, char *buf, size_t len)
{
    /* valid JSON has bytes >= 0x80 only inside strings, where \ufffd is valid too */
    qbuf b = {buf, len, 0};
    for (const unsigned char *c = (const unsigned char *)(json ? json : ""); *c;) {
        size_t n = utf8_len(c);
        if (n == 0) {
            qputs(&b, "\\ufffd");
            ++c;
        } else
            for (size_t i = 0; i < n; ++i) qput(&b, (char)*c++);
    }
    return qend(&b);
}
