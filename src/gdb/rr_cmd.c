#include "gdb/rr_cmd.h"

#include "gdb/hex.h"
#include "gdb/packet.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OUT_MAX ((GDB_PACKET_SIZE - 64) / 2)

/* Appends the hex field s[0..n) decoded, after a space if to has text. */
static bool add_hex_field(struct strbuf *to, const char *s, size_t n)
{
    char *text = malloc(n / 2 + 1);
    ssize_t got = text ? hex_decode(text, n / 2, s, n) : -1;
    bool ok = got >= 0 && !memchr(text, '\0', (size_t)got);
    if (ok) {
        if (to->len)
            sb_addc(to, ' ');
        sb_add(to, text, (size_t)got);
    }
    free(text);
    return ok;
}

void gdb_rr_cmd(const struct gdb_target *tgt, const char *pkt, pid_t cur_tid,
                struct strbuf *reply)
{
    const char *s = pkt + strlen("qRRCmd:");
    size_t name_len = strcspn(s, ":");
    struct strbuf name = {0}, args = {0};
    long tid = -1;
    sb_adds(&name, "");
    sb_adds(&args, "");
    if (!name_len)
        goto malformed;
    if (strspn(s, "0123456789abcdefABCDEF") >= name_len) {
        /* Delve's form (rr's before it took a tid): the name hex too. */
        if (!add_hex_field(&name, s, name_len) || !name.len)
            goto malformed;
        s += name_len;
    } else {
        sb_add(&name, s, name_len);
        s += name_len;
        if (*s++ != ':')
            goto malformed;
        char *end;
        errno = 0;
        tid = strtol(s, &end, 10);
        if (end == s || errno || tid < -1 || tid > INT_MAX || (*end && *end != ':'))
            goto malformed;
        s = end;
    }
    while (*s == ':') {
        s++;
        size_t n = strcspn(s, ":");
        if (!add_hex_field(&args, s, n))
            goto malformed;
        s += n;
    }

    char *out = calloc(1, OUT_MAX + 1);
    if (!out)
        goto malformed;
    int rc = tgt->rr_command ? tgt->rr_command(tgt->ctx, name.p, tid > 0 ? (pid_t)tid : cur_tid,
                                               args.p, out, OUT_MAX)
                             : -ENOENT;
    out[OUT_MAX] = '\0';
    if (rc < 0 && !out[0]) {
        if (rc == -ENOENT)
            snprintf(out, OUT_MAX, "Command '%s' not found.\n", name.p);
        else
            snprintf(out, OUT_MAX, "Command '%s' failed: %s\n", name.p, strerror(-rc));
    }
    if (!out[0])
        strcpy(out, "\n"); /* as rr: never the empty (unsupported) reply */
    sb_add_hex(reply, out, strlen(out));
    free(out);
    sb_free(&name);
    sb_free(&args);
    return;
malformed:
    sb_free(&name);
    sb_free(&args);
    sb_adds(reply, "E01");
}
