#include "gdb/signals.h"

#include <signal.h>

#define GDB_SIGNAL_UNKNOWN 143
#define GDB_SIGNAL_REALTIME_32 77
#define GDB_SIGNAL_REALTIME_33 45 /* ..63 follow: 45..75 */
#define GDB_SIGNAL_REALTIME_64 78

/* Linux signals 1..31 in gdb's numbering. */
static const int linux_to_gdb[32] = {
    [SIGHUP] = 1,     [SIGINT] = 2,   [SIGQUIT] = 3,  [SIGILL] = 4,
    [SIGTRAP] = 5,    [SIGABRT] = 6,  [SIGBUS] = 10,  [SIGFPE] = 8,
    [SIGKILL] = 9,    [SIGUSR1] = 30, [SIGSEGV] = 11, [SIGUSR2] = 31,
    [SIGPIPE] = 13,   [SIGALRM] = 14, [SIGTERM] = 15,
    [SIGSTKFLT] = GDB_SIGNAL_UNKNOWN,
    [SIGCHLD] = 20,   [SIGCONT] = 19, [SIGSTOP] = 17, [SIGTSTP] = 18,
    [SIGTTIN] = 21,   [SIGTTOU] = 22, [SIGURG] = 16,  [SIGXCPU] = 24,
    [SIGXFSZ] = 25,   [SIGVTALRM] = 26, [SIGPROF] = 27, [SIGWINCH] = 28,
    [SIGIO] = 23,     [SIGPWR] = 32,  [SIGSYS] = 12,
};

int gdb_signal_from_linux(int sig)
{
    if (sig == 0)
        return 0;
    if (sig > 0 && sig < 32)
        return linux_to_gdb[sig];
    if (sig == 32)
        return GDB_SIGNAL_REALTIME_32;
    if (sig >= 33 && sig <= 63)
        return sig - 33 + GDB_SIGNAL_REALTIME_33;
    if (sig == 64)
        return GDB_SIGNAL_REALTIME_64;
    return GDB_SIGNAL_UNKNOWN;
}

int gdb_signal_to_linux(int gsig)
{
    if (gsig <= 0 || gsig == GDB_SIGNAL_UNKNOWN)
        return 0;
    for (int sig = 1; sig < 32; sig++)
        if (linux_to_gdb[sig] == gsig)
            return sig;
    if (gsig == GDB_SIGNAL_REALTIME_32)
        return 32;
    if (gsig >= GDB_SIGNAL_REALTIME_33 && gsig <= GDB_SIGNAL_REALTIME_33 + 30)
        return gsig - GDB_SIGNAL_REALTIME_33 + 33;
    if (gsig == GDB_SIGNAL_REALTIME_64)
        return 64;
    return 0;
}
