#include "gdb/thread_id.h"

#include "gdb/hex.h"

#include <stdint.h>

static const char *parse_one(const char *s, long *out)
{
    if (s[0] == '-') {
        if (s[1] != '1' || hex_digit((unsigned char)s[2]) >= 0)
            return NULL;
        *out = -1;
        return s + 2;
    }
    uint64_t v;
    const char *end = hex_u64(s, &v);
    if (!end || v > 0x7fffffff)
        return NULL;
    *out = (long)v;
    return end;
}

const char *gdb_parse_ptid(const char *s, struct gdb_ptid *out)
{
    if (*s != 'p') {
        out->pid = 0;
        return parse_one(s, &out->tid);
    }
    s = parse_one(s + 1, &out->pid);
    if (!s)
        return NULL;
    if (*s != '.') {
        out->tid = -1; /* "p<pid>": all threads of pid */
        return s;
    }
    return parse_one(s + 1, &out->tid);
}

void sb_add_ptid(struct strbuf *b, bool multiprocess, pid_t pid, pid_t tid)
{
    if (multiprocess)
        sb_addf(b, "p%x.%x", (unsigned)pid, (unsigned)tid);
    else
        sb_addf(b, "%x", (unsigned)tid);
}
