#include "gdb/strbuf.h"

#include "common/die.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void reserve(struct strbuf *b, size_t more)
{
    if (more > (size_t)-1 / 2 - b->len)
        die("reply buffer too large");
    size_t need = b->len + more + 1;
    if (need <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < need)
        cap *= 2;
    b->p = xrealloc(b->p, cap);
    b->cap = cap;
}

void sb_reset(struct strbuf *b)
{
    b->len = 0;
    if (b->p)
        b->p[0] = '\0';
}

void sb_free(struct strbuf *b)
{
    free(b->p);
    b->p = NULL;
    b->len = b->cap = 0;
}

void sb_add(struct strbuf *b, const void *data, size_t len)
{
    reserve(b, len);
    if (len)
        memcpy(b->p + b->len, data, len);
    b->len += len;
    b->p[b->len] = '\0';
}

void sb_adds(struct strbuf *b, const char *s)
{
    sb_add(b, s, strlen(s));
}

void sb_addc(struct strbuf *b, char c)
{
    sb_add(b, &c, 1);
}

void sb_addf(struct strbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char small[256];
    int n = vsnprintf(small, sizeof(small), fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n < sizeof(small)) {
        sb_add(b, small, (size_t)n);
        return;
    }
    reserve(b, (size_t)n);
    va_start(ap, fmt);
    vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void sb_add_hex(struct strbuf *b, const void *data, size_t len)
{
    static const char digits[] = "0123456789abcdef";
    const unsigned char *d = data;
    reserve(b, 2 * len);
    for (size_t i = 0; i < len; i++) {
        b->p[b->len++] = digits[d[i] >> 4];
        b->p[b->len++] = digits[d[i] & 15];
    }
    b->p[b->len] = '\0';
}

void sb_add_xml(struct strbuf *b, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        switch (c) {
        case '&': sb_adds(b, "&amp;"); break;
        case '<': sb_adds(b, "&lt;"); break;
        case '>': sb_adds(b, "&gt;"); break;
        case '"': sb_adds(b, "&quot;"); break;
        case '\'': sb_adds(b, "&apos;"); break;
        default:
            if (c < 0x20)
                sb_addf(b, "&#%u;", c);
            else
                sb_addc(b, (char)c);
        }
    }
}

const char *sb_str(const struct strbuf *b)
{
    return b->p ? b->p : "";
}
