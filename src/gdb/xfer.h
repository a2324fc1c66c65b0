/* qXfer:<object>:read:<annex>:<offset>,<length> requests and replies. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gdb/strbuf.h"

struct xfer_request {
    char object[32];     /* "features", "auxv", ... */
    char annex[256];     /* may be "" */
    uint64_t offset, length;
};

/* Parses the part after "qXfer:" of a read request; false when it is not
 * a well-formed read (writes and other operations included). */
bool xfer_parse_read(const char *s, struct xfer_request *out);
/* The reply for bytes [offset, offset+length) of data[0..size): 'm' and a
 * chunk when more follows, 'l' and the rest at the end (binary escaped,
 * kept within the packet size); E01 for an offset beyond the end. */
void xfer_reply(struct strbuf *reply, const void *data, size_t size, uint64_t offset,
                uint64_t length);
