/* Thread-ids in packets: "p<pid>.<tid>" (multiprocess), "p<pid>" (every
 * thread of pid) or a bare "<tid>", in hex; -1 means all, 0 means any. */
#pragma once
#include <stdbool.h>
#include <sys/types.h>

#include "gdb/strbuf.h"

struct gdb_ptid {
    long pid;   /* -1 all, 0 any or not given (bare form) */
    long tid;   /* -1 all, 0 any */
};

/* Parses a thread-id at s; returns the character after it, or NULL when
 * malformed (no digits, a value beyond 0x7fffffff, "-" not followed by 1). */
const char *gdb_parse_ptid(const char *s, struct gdb_ptid *out);
/* Appends pid/tid in the negotiated syntax. */
void sb_add_ptid(struct strbuf *b, bool multiprocess, pid_t pid, pid_t tid);
