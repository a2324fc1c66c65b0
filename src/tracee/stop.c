#include "tracee/tracee.h"

#include <errno.h>
#include <signal.h>
#include <sys/ptrace.h>
#include <sys/wait.h>

#include "common/die.h"
#include "tracee/soft_breakpoint.h"

void stop_classify(pid_t tid, int status, struct stop *s)
{
    s->status = status;
    s->sig = 0;
    s->event = 0;
    if (!WIFSTOPPED(status)) {
        s->kind = STOP_EXITED;
        return;
    }
    int sig = WSTOPSIG(status);
    if (sig == (SIGTRAP | 0x80)) {
        struct __ptrace_syscall_info info;
        long n = ptrace(PTRACE_GET_SYSCALL_INFO, tid, sizeof info, &info);
        if (n < 0 && errno == ESRCH) {
            s->kind = STOP_VANISHED;
            return;
        }
        if (n <= 0)
            die_errno("ptrace(GET_SYSCALL_INFO) on thread %d", tid);
        s->kind = info.op == PTRACE_SYSCALL_INFO_EXIT ? STOP_SYSCALL_EXIT : STOP_SYSCALL_ENTRY;
        return;
    }
    if (status >> 16) {
        s->event = status >> 16;
        s->kind = s->event == PTRACE_EVENT_STOP ? STOP_GROUP : STOP_EVENT;
        s->sig = sig;
        unsigned long msg;
        if (s->kind == STOP_EVENT && ptrace(PTRACE_GETEVENTMSG, tid, 0, &msg) < 0 && errno == ESRCH)
            s->kind = STOP_VANISHED;
        return;
    }
    siginfo_t si;
    if (ptrace(PTRACE_GETSIGINFO, tid, 0, &si) < 0) {
        s->kind = errno == EINVAL ? STOP_GROUP : STOP_VANISHED;
        s->sig = sig;
        return;
    }
    s->kind = STOP_SIGNAL;
    s->sig = sig;
}

int wait_for(pid_t tid)
{
    int status;
    for (;;) {
        pid_t r = tracee_wait(tid, &status, 0);
        if (r == tid)
            return status;
        if (r < 0 && errno != EINTR)
            die_errno("waitpid(%d)", tid);
    }
}
