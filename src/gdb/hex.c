#include "gdb/hex.h"

#include <string.h>

int hex_digit(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

const char *hex_u64(const char *s, uint64_t *out)
{
    uint64_t v = 0;
    const char *p = s;
    int d;
    while ((d = hex_digit((unsigned char)*p)) >= 0) {
        if (v >> 60)
            return NULL; /* one more digit would overflow */
        v = v << 4 | (uint64_t)d;
        p++;
    }
    if (p == s)
        return NULL;
    *out = v;
    return p;
}

bool hex_u64_all(const char *s, uint64_t *out)
{
    const char *end = hex_u64(s, out);
    return end && !*end;
}

ssize_t hex_decode(void *out, size_t cap, const char *s, size_t slen)
{
    if (slen % 2 || slen / 2 > cap)
        return -1;
    unsigned char *o = out;
    for (size_t i = 0; i < slen; i += 2) {
        int hi = hex_digit((unsigned char)s[i]), lo = hex_digit((unsigned char)s[i + 1]);
        if (hi < 0 || lo < 0)
            return -1;
        o[i / 2] = (unsigned char)(hi << 4 | lo);
    }
    return (ssize_t)(slen / 2);
}
