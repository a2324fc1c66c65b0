/* A growable byte string for building replies (NUL-terminated, may also
 * hold NUL bytes). */
#pragma once
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

struct strbuf {
    char *p;      /* NUL-terminated once anything was added; may be NULL */
    size_t len;
    size_t cap;
};

void sb_reset(struct strbuf *b);             /* length 0, keeps the memory */
void sb_free(struct strbuf *b);
void sb_add(struct strbuf *b, const void *data, size_t len);
void sb_adds(struct strbuf *b, const char *s);
void sb_addc(struct strbuf *b, char c);
void sb_addf(struct strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Two lowercase hex digits per byte. */
void sb_add_hex(struct strbuf *b, const void *data, size_t len);
/* s with & < > " ' as XML entities (for attribute values); bytes below
 * 0x20 become &#N;. */
void sb_add_xml(struct strbuf *b, const char *s);
/* The contents as a string ("" when empty). */
const char *sb_str(const struct strbuf *b);
