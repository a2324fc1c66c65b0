/* Host I/O (vFile:*): gdb reads files through the server, e.g. the
 * program and its libraries when its sysroot is "target:".  Read-only:
 * open (O_RDONLY only), pread, fstat, readlink, close and setfs; gdb gets
 * indexes into our own table, never raw descriptors. */
#pragma once
#include <stddef.h>

#include "gdb/strbuf.h"

#define HOSTIO_MAX_FILES 64

struct gdb_hostio {
    int fds[HOSTIO_MAX_FILES];   /* -1: free */
};

void hostio_init(struct gdb_hostio *h);
void hostio_close_all(struct gdb_hostio *h);
/* pkt[0..len) is a whole "vFile:..." packet; appends the reply ("" for an
 * operation we do not support, which gdb takes as unsupported). */
struct gdb_target;
/* tgt (may be NULL) maps the paths gdb names to files here. */
void hostio_packet(struct gdb_hostio *h, const struct gdb_target *tgt, const char *pkt, size_t len,
                   struct strbuf *reply);
