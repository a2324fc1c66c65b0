#include "gdb/stop_reply.h"

#include "gdb/signals.h"
#include "gdb/thread_id.h"

#include <signal.h>

void gdb_stop_reply(struct strbuf *out, const struct gdb_stop *stop,
                    const struct stop_reply_opts *opts)
{
    switch (stop->kind) {
    case GDB_STOP_EXITED:
        sb_addf(out, "W%02x", stop->exit_code & 0xff);
        if (opts->multiprocess)
            sb_addf(out, ";process:%x", (unsigned)stop->pid);
        return;
    case GDB_STOP_KILLED:
        sb_addf(out, "X%02x", gdb_signal_from_linux(stop->sig));
        if (opts->multiprocess)
            sb_addf(out, ";process:%x", (unsigned)stop->pid);
        return;
    default:
        break;
    }
    int sig = stop->kind == GDB_STOP_SIGNAL ? stop->sig : SIGTRAP;
    sb_addf(out, "T%02x", gdb_signal_from_linux(sig));
    if (stop->tid > 0) {
        sb_adds(out, "thread:");
        sb_add_ptid(out, opts->multiprocess, stop->pid, stop->tid);
        sb_addc(out, ';');
    }
    switch (stop->kind) {
    case GDB_STOP_SWBREAK:
        if (opts->swbreak)
            sb_adds(out, "swbreak:;");
        break;
    case GDB_STOP_HWBREAK:
        if (opts->hwbreak)
            sb_adds(out, "hwbreak:;");
        break;
    case GDB_STOP_WATCH: {
        const char *what = stop->watch_type == 3 ? "rwatch" : stop->watch_type == 4 ? "awatch"
                                                                                   : "watch";
        sb_addf(out, "%s:%llx;", what, (unsigned long long)stop->watch_addr);
        break;
    }
    case GDB_STOP_REPLAY_END:
        sb_addf(out, "replaylog:%s;", stop->at_start ? "begin" : "end");
        break;
    default:
        break;
    }
}
