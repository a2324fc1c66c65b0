#include "gdb/rr_cmd.h"

#include "gdb/hex.h"
#include "gdb/packet.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OUT_MAX ((GDB_PACKET_SIZE - 64) / 2)

void gdb_rr_cmd(const struct gdb_target *tgt, const char *pkt, pid_t cur_tid,
                struct strbuf *reply)
{
    const char *s = pkt + strlen("qRRCmd:");
    const char *colon = strchr(s, ':');
    if (!colon || colon == s) {
        sb_adds(reply, "E01");
        return;
    }
    struct strbuf name = {0}, args = {0};
    sb_add(&name, s, (size_t)(colon - s));
    s = colon + 1;
    char *end;
    errno = 0;
    long tid = strtol(s, &end, 10);
    if (end == s || errno || tid < -1 || tid > INT_MAX || (*end && *end != ':'))
        goto malformed;
    s = end;
    sb_adds(&args, "");
    while (*s == ':') {
        s++;
        const char *next = strchr(s, ':');
        size_t n = next ? (size_t)(next - s) : strlen(s);
        char *arg = malloc(n / 2 + 1);
        ssize_t got = arg ? hex_decode(arg, n / 2, s, n) : -1;
        if (got < 0 || memchr(arg, '\0', (size_t)got)) {
            free(arg);
            goto malformed;
        }
        if (args.len)
            sb_addc(&args, ' ');
        sb_add(&args, arg, (size_t)got);
        free(arg);
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
