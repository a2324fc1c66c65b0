/* Stop replies: T (a thread stopped, with the reason), W (exited) and X
 * (killed by a signal). */
#pragma once
#include <stdbool.h>

#include "gdb/gdb_server.h"
#include "gdb/strbuf.h"

struct stop_reply_opts {
    bool multiprocess;   /* "p<pid>.<tid>" thread-ids and ";process:<pid>" */
    bool swbreak;        /* gdb announced swbreak+: say "swbreak:;" */
    bool hwbreak;        /* gdb announced hwbreak+: say "hwbreak:;" */
};

/* Appends the reply for stop, e.g. "T05thread:p1f.20;swbreak:;",
 * "T05thread:p1f.20;watch:601040;", "T05thread:p1f.20;replaylog:end;",
 * "W00;process:1f", "X09;process:1f".  Signals in gdb's numbering. */
void gdb_stop_reply(struct strbuf *out, const struct gdb_stop *stop,
                    const struct stop_reply_opts *opts);
