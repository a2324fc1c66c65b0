/* Framing of the GDB remote protocol over a stream socket: "$payload#cs"
 * packets with a two-hex-digit checksum, '+'/'-' acknowledgements until
 * no-ack mode, and the 0x03 interrupt byte between packets. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "gdb/strbuf.h"

/* What we advertise as PacketSize (hex 20000): the largest packet gdb may
 * send us, and the size we keep our replies within. */
#define GDB_PACKET_SIZE 0x20000

struct gdb_conn {
    int fd;               /* -1 when there is no connection */
    bool no_ack;          /* QStartNoAckMode was accepted */
    bool closed;          /* the peer closed, or I/O failed */
    char *in;             /* received bytes not yet consumed */
    size_t in_len, in_cap;
    int discarding;       /* >0: skipping an oversized packet (state) */
    struct strbuf last;   /* last framed packet sent, resent on '-' */
    struct strbuf pkt;    /* payload of the packet conn_next returned */
};

enum conn_event {
    CONN_NONE,       /* nothing complete yet (non-blocking calls only) */
    CONN_PACKET,     /* c->pkt holds the payload (NUL-terminated) */
    CONN_INTERRUPT,  /* a 0x03 byte between packets */
    CONN_OVERSIZED,  /* a packet longer than we accept was dropped */
    CONN_CLOSED,
};

void conn_open(struct gdb_conn *c, int fd);
/* Closes the socket and frees the buffers. */
void conn_close(struct gdb_conn *c);
/* The next packet or interrupt; with block, waits for one (or the end of
 * the connection).  Sends the ack ('+', or '-' for a bad checksum, after
 * which gdb resends) unless in no-ack mode; a '-' from gdb resends our
 * last packet. */
enum conn_event conn_next(struct gdb_conn *c, bool block);
/* Reads what is available without blocking and consumes a 0x03 found
 * between packets; true if there was one, or if the connection is gone.
 * Packets are left for conn_next. */
bool conn_poll_interrupt(struct gdb_conn *c);
/* Frames and sends a packet; on failure marks the connection closed. */
void conn_send(struct gdb_conn *c, const void *payload, size_t len);
void conn_send_str(struct gdb_conn *c, const char *payload);

/* Appends data with the binary escapes ('}' then byte^0x20 for # $ } *),
 * stopping before the output would exceed max_out characters; returns
 * how many input bytes were consumed. */
size_t pkt_add_binary(struct strbuf *b, const void *data, size_t len, size_t max_out);
/* Undoes the binary escapes of in[0..inlen) into out[0..cap); returns the
 * byte count, or -1 on a dangling '}' or too little room. */
ssize_t pkt_unescape(void *out, size_t cap, const char *in, size_t inlen);
