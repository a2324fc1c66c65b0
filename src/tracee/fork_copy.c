#include "tracee/fork_copy.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "arch/regs.h"

static int wait_stop(pid_t pid, int *status)
{
    pid_t got;
    while ((got = waitpid(pid, status, __WALL)) < 0 && errno == EINTR)
        ;
    return got == pid ? 0 : -1;
}

static int clone_in(struct stop_session *ss, uint64_t insn, uint64_t flags, int event, pid_t *child,
                    int *child_status, int *other)
{
    pid_t tid = ss->tid;
    regs_t r = ss->saved;
    regs_for_syscall(&r, insn, SYS_clone, flags, 0, 0);
    r.r10 = r.r8 = 0; /* child_tid, tls: unused with these flags */
    *other = -1;
    if (ptrace(PTRACE_SETREGS, tid, 0, &r) < 0 || ptrace(PTRACE_SINGLESTEP, tid, 0, 0) < 0)
        return SESSION_STOPPED;
    /* The clone reports its event (PTRACE_O_TRACEFORK), then the step
     * ends after the syscall instruction. */
    int st;
    if (wait_stop(tid, &st) < 0)
        return SESSION_STOPPED;
    *other = st;
    unsigned long msg = 0;
    if (!WIFSTOPPED(st) || (st >> 16) != event ||
        ptrace(PTRACE_GETEVENTMSG, tid, 0, &msg) < 0)
        return SESSION_STOPPED;
    pid_t copy = (pid_t)msg;
    if (wait_stop(copy, child_status) < 0 || !WIFSTOPPED(*child_status))
        return SESSION_STOPPED;
    *child = copy;
    if (ptrace(PTRACE_SINGLESTEP, tid, 0, 0) < 0 || wait_stop(tid, &st) < 0) {
        *other = -1;
        return SESSION_STOPPED;
    }
    *other = st;
    if (!WIFSTOPPED(st) || WSTOPSIG(st) != SIGTRAP || (st >> 16))
        return SESSION_STOPPED;
    return SESSION_OK;
}

int fork_copy(struct stop_session *ss, uint64_t insn, pid_t *child, int *child_status, int *other)
{
    return clone_in(ss, insn, CLONE_PARENT | SIGCHLD, PTRACE_EVENT_FORK, child, child_status,
                    other);
}

int fork_copy_thread(struct stop_session *ss, uint64_t insn, pid_t *child, int *child_status,
                     int *other)
{
    return clone_in(ss, insn,
                    CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM,
                    PTRACE_EVENT_CLONE, child, child_status, other);
}

int fork_copy_shares_memory(pid_t tid)
{
    char path[64], line[512];
    snprintf(path, sizeof path, "/proc/%d/maps", tid);
    FILE *f = fopen(path, "re");
    if (!f)
        return 1;
    int shares = 0;
    while (!shares && fgets(line, sizeof line, f)) {
        char perms[5];
        if (sscanf(line, "%*x-%*x %4s", perms) == 1 && perms[1] == 'w' && perms[3] == 's')
            shares = 1;
    }
    fclose(f);
    return shares;
}
