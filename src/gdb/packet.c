#include "gdb/packet.h"

#include "common/die.h"
#include "gdb/hex.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define INTERRUPT_CHAR '\x03'
/* Longest packet we accept: the advertised size plus framing slack. */
#define IN_MAX (GDB_PACKET_SIZE + 64)

void conn_open(struct gdb_conn *c, int fd)
{
    memset(c, 0, sizeof(*c));
    c->fd = fd;
}

void conn_close(struct gdb_conn *c)
{
    if (c->fd >= 0)
        close(c->fd);
    free(c->in);
    sb_free(&c->last);
    sb_free(&c->pkt);
    memset(c, 0, sizeof(*c));
    c->fd = -1;
    c->closed = true;
}

/* Printable form of a packet for debug logs, cut after 300 characters. */
static void log_packet(const char *dir, const char *p, size_t len)
{
    if (!debug_enabled)
        return;
    char buf[1300];
    size_t o = 0;
    for (size_t i = 0; i < len && o < 1200; i++) {
        unsigned char ch = (unsigned char)p[i];
        if (i == 300) {
            o += (size_t)snprintf(buf + o, sizeof(buf) - o, "...(%zu bytes)", len);
            break;
        }
        if (ch >= 0x20 && ch < 0x7f && ch != '\\')
            buf[o++] = (char)ch;
        else
            o += (size_t)snprintf(buf + o, sizeof(buf) - o, "\\x%02x", ch);
    }
    buf[o] = '\0';
    debug("gdb %s %s", dir, buf);
}

static void send_raw(struct gdb_conn *c, const void *data, size_t len)
{
    const char *p = data;
    while (len && !c->closed) {
        ssize_t n = send(c->fd, p, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            struct pollfd pfd = {.fd = c->fd, .events = POLLOUT};
            poll(&pfd, 1, -1);
            continue;
        }
        if (n <= 0) {
            debug("gdb connection: send failed: %s", strerror(errno));
            c->closed = true;
            return;
        }
        p += n;
        len -= (size_t)n;
    }
}

void conn_send(struct gdb_conn *c, const void *payload, size_t len)
{
    if (c->closed)
        return;
    log_packet("->", payload, len);
    const unsigned char *d = payload;
    unsigned sum = 0;
    for (size_t i = 0; i < len; i++)
        sum += d[i];
    sb_reset(&c->last);
    sb_addc(&c->last, '$');
    sb_add(&c->last, payload, len);
    sb_addf(&c->last, "#%02x", sum & 0xff);
    send_raw(c, c->last.p, c->last.len);
}

void conn_send_str(struct gdb_conn *c, const char *payload)
{
    conn_send(c, payload, strlen(payload));
}

/* Reads once: with block, waits for data.  Returns false when nothing was
 * read (would block, or the connection ended: c->closed). */
static bool fill(struct gdb_conn *c, bool block)
{
    if (c->closed)
        return false;
    if (c->in_cap - c->in_len < 4096) {
        size_t cap = c->in_cap ? c->in_cap * 2 : 16384;
        c->in = xrealloc(c->in, cap);
        c->in_cap = cap;
    }
    for (;;) {
        ssize_t n = recv(c->fd, c->in + c->in_len, c->in_cap - c->in_len,
                         block ? 0 : MSG_DONTWAIT);
        if (n > 0) {
            c->in_len += (size_t)n;
            return true;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && !block && (errno == EAGAIN || errno == EWOULDBLOCK))
            return false;
        debug("gdb connection closed%s%s", n ? ": " : "", n ? strerror(errno) : "");
        c->closed = true;
        return false;
    }
}

static void consume(struct gdb_conn *c, size_t n)
{
    memmove(c->in, c->in + n, c->in_len - n);
    c->in_len -= n;
}

/* Drops the bytes of an oversized packet; returns true once its checksum
 * has been skipped too.  discarding: 1 = before '#', 3,2 = checksum left. */
static bool discard_more(struct gdb_conn *c)
{
    size_t i = 0;
    while (i < c->in_len && c->discarding) {
        if (c->discarding == 1) {
            if (c->in[i] == '#')
                c->discarding = 3;
        } else if (--c->discarding == 1) {
            c->discarding = 0;
        }
        i++;
    }
    consume(c, i);
    return !c->discarding;
}

/* Looks for the next event in the buffered bytes. */
static enum conn_event parse(struct gdb_conn *c)
{
    while (c->in_len) {
        if (c->discarding) {
            if (!discard_more(c))
                return CONN_NONE;
            if (!c->no_ack)
                send_raw(c, "+", 1);
            return CONN_OVERSIZED;
        }
        char ch = c->in[0];
        if (ch == INTERRUPT_CHAR) {
            consume(c, 1);
            debug("gdb -> interrupt");
            return CONN_INTERRUPT;
        }
        if (ch == '-') {
            consume(c, 1);
            if (!c->no_ack && c->last.len) {
                debug("gdb asked for a resend");
                send_raw(c, c->last.p, c->last.len);
            }
            continue;
        }
        if (ch != '$') { /* '+' acks and stray bytes */
            consume(c, 1);
            continue;
        }
        char *hash = memchr(c->in + 1, '#', c->in_len - 1);
        if (!hash) {
            if (c->in_len > IN_MAX) {
                warn("gdb sent a packet longer than %d bytes; ignoring it", IN_MAX);
                c->discarding = 1;
                c->in_len = 0;
            }
            return CONN_NONE;
        }
        size_t end = (size_t)(hash - c->in); /* index of '#' */
        if (end + 2 >= c->in_len)
            return CONN_NONE; /* checksum not here yet */
        if (end - 1 > IN_MAX) {
            consume(c, end + 3);
            if (!c->no_ack)
                send_raw(c, "+", 1);
            return CONN_OVERSIZED;
        }
        unsigned sum = 0;
        for (size_t i = 1; i < end; i++)
            sum += (unsigned char)c->in[i];
        int hi = hex_digit((unsigned char)c->in[end + 1]);
        int lo = hex_digit((unsigned char)c->in[end + 2]);
        bool ok = hi >= 0 && lo >= 0 && (unsigned)(hi << 4 | lo) == (sum & 0xff);
        if (!ok && !c->no_ack) {
            log_packet("<- (bad checksum)", c->in + 1, end - 1);
            consume(c, end + 3);
            send_raw(c, "-", 1);
            continue;
        }
        if (!ok)
            debug("gdb packet checksum mismatch ignored in no-ack mode");
        sb_reset(&c->pkt);
        sb_add(&c->pkt, c->in + 1, end - 1);
        consume(c, end + 3);
        if (!c->no_ack)
            send_raw(c, "+", 1);
        log_packet("<-", c->pkt.p, c->pkt.len);
        return CONN_PACKET;
    }
    return CONN_NONE;
}

enum conn_event conn_next(struct gdb_conn *c, bool block)
{
    for (;;) {
        enum conn_event e = parse(c);
        if (e != CONN_NONE)
            return e;
        if (c->closed)
            return CONN_CLOSED;
        if (!fill(c, block)) {
            if (c->closed)
                continue; /* report what is left, then CLOSED */
            return CONN_NONE;
        }
    }
}

bool conn_poll_interrupt(struct gdb_conn *c)
{
    while (fill(c, false) && c->in_len < IN_MAX)
        ;
    size_t i = 0;
    while (i < c->in_len) {
        if (c->in[i] == INTERRUPT_CHAR && !c->discarding) {
            memmove(c->in + i, c->in + i + 1, c->in_len - i - 1);
            c->in_len--;
            debug("gdb -> interrupt");
            return true;
        }
        if (c->in[i] != '$') {
            i++;
            continue;
        }
        char *hash = memchr(c->in + i, '#', c->in_len - i);
        if (!hash)
            break;
        i = (size_t)(hash - c->in) + 3;
    }
    return c->closed;
}

size_t pkt_add_binary(struct strbuf *b, const void *data, size_t len, size_t max_out)
{
    const unsigned char *d = data;
    size_t out = 0, i;
    for (i = 0; i < len; i++) {
        unsigned char ch = d[i];
        bool esc = ch == '#' || ch == '$' || ch == '}' || ch == '*';
        if (out + 1 + esc > max_out)
            break;
        if (esc) {
            sb_addc(b, '}');
            ch ^= 0x20;
        }
        sb_addc(b, (char)ch);
        out += 1 + esc;
    }
    return i;
}

ssize_t pkt_unescape(void *out, size_t cap, const char *in, size_t inlen)
{
    unsigned char *o = out;
    size_t n = 0;
    for (size_t i = 0; i < inlen; i++) {
        unsigned char ch = (unsigned char)in[i];
        if (ch == '}') {
            if (++i == inlen)
                return -1;
            ch = (unsigned char)in[i] ^ 0x20;
        }
        if (n == cap)
            return -1;
        o[n++] = ch;
    }
    return (ssize_t)n;
}
