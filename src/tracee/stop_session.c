#include "tracee/stop_session.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

#include "arch/tracee_mem.h"
#include "common/die.h"


/* Resumes tid with request until the syscall stop wanted (exit or entry).
 * Signals are blocked meanwhile (a pending one stays pending); a group
 * stop is passed.  Else *other: the stop that came instead (-1: the
 * thread is gone). */
static bool run_to_syscall_stop(pid_t tid, int request, bool want_exit, int *other)
{
    for (;;) {
        if (ptrace(request, tid, 0, 0) < 0) {
            *other = -1;
            return false;
        }
        int st;
        pid_t got;
        while ((got = waitpid(tid, &st, __WALL)) < 0 && errno == EINTR)
            ;
        if (got != tid) {
            *other = -1;
            return false;
        }
        if (!WIFSTOPPED(st) || (st >> 16)) {
            *other = st;
            return false;
        }
        int sig = WSTOPSIG(st);
        if (sig == (SIGTRAP | 0x80)) {
            struct __ptrace_syscall_info info;
            if (ptrace(PTRACE_GET_SYSCALL_INFO, tid, sizeof info, &info) > 0 &&
                (info.op == PTRACE_SYSCALL_INFO_EXIT) == want_exit)
                return true;
            continue;
        }
        if (sig == SIGSEGV || sig == SIGBUS || sig == SIGILL || sig == SIGFPE || sig == SIGTRAP) {
            *other = st;
            return false;
        }
    }
}

void stop_session_unmask(struct stop_session *ss)
{
    if (ss->masked)
        ptrace(PTRACE_SETSIGMASK, ss->tid, sizeof ss->mask, &ss->mask);
    ss->masked = false;
}

static int begin_(struct stop_session *ss, pid_t tid, int last, int led_here, int sig,
                  int *other);

/* Prepares tid, stopped at `last`, to run syscalls.  At a syscall entry
 * the pending syscall is skipped for now (it is entered again at the end);
 * at a signal's delivery that is to go ahead, the signal is delivered
 * again at the end with its siginfo.  Signals pending or sent meanwhile
 * wait, blocked, for the thread's own next return to user code. */
int stop_session_begin(struct stop_session *ss, pid_t tid, int last, int led_here, int sig,
                       int *other)
{
    memset(ss, 0, sizeof *ss);
    ss->tid = tid;
    if (!WIFSTOPPED(last) || (last >> 16) || !regs_get_quiet(tid, &ss->saved))
        return SESSION_CANNOT;
    uint64_t all = ~0ull;
    if (ptrace(PTRACE_GETSIGMASK, tid, sizeof ss->mask, &ss->mask) < 0 ||
        ptrace(PTRACE_SETSIGMASK, tid, sizeof all, &all) < 0)
        return SESSION_CANNOT;
    ss->masked = true;
    int rc = begin_(ss, tid, last, led_here, sig, other);
    if (rc != SESSION_OK)
        stop_session_unmask(ss);
    return rc;
}

static int begin_(struct stop_session *ss, pid_t tid, int last, int led_here, int sig,
                  int *other)
{
    if (WSTOPSIG(last) == (SIGTRAP | 0x80)) {
        struct __ptrace_syscall_info info;
        if (ptrace(PTRACE_GET_SYSCALL_INFO, tid, sizeof info, &info) <= 0)
            return SESSION_CANNOT;
        if (info.op != PTRACE_SYSCALL_INFO_ENTRY)
            return SESSION_OK;
        if (!tracee_syscall_insn_at(tid, ss->saved.rip - 2))
            return SESSION_CANNOT;
        ss->entry = led_here == PTRACE_SYSEMU || led_here == PTRACE_SYSEMU_SINGLESTEP
                        ? PTRACE_SYSEMU
                        : PTRACE_SYSCALL;
        regs_t r = ss->saved;
        r.orig_rax = -1;
        if (ptrace(PTRACE_SETREGS, tid, 0, &r) < 0)
            return SESSION_CANNOT;
        return run_to_syscall_stop(tid, PTRACE_SYSCALL, true, other) ? SESSION_OK : SESSION_STOPPED;
    }
    /* A signal-delivery-stop (a group-stop has no siginfo). */
    siginfo_t si;
    if (ptrace(PTRACE_GETSIGINFO, tid, 0, &si) < 0)
        return SESSION_CANNOT;
    if (sig && !((ss->mask >> (sig - 1)) & 1)) {
        ss->requeue = true;
        if (sig == WSTOPSIG(last)) {
            ss->si = si;
        } else {
            /* What the kernel gives a signal the tracer swaps in. */
            ss->si = (siginfo_t){.si_signo = sig, .si_code = SI_USER};
            ss->si.si_pid = getpid();
            ss->si.si_uid = getuid();
        }
    }
    return SESSION_OK;
}

/* Single-steps the syscall instruction tid is at: the syscall runs and
 * the step's trap follows, one stop instead of an entry and an exit. */
static bool step_syscall(pid_t tid, int *other)
{
    if (ptrace(PTRACE_SINGLESTEP, tid, 0, 0) < 0) {
        *other = -1;
        return false;
    }
    int st;
    pid_t got;
    while ((got = waitpid(tid, &st, __WALL)) < 0 && errno == EINTR)
        ;
    *other = got == tid ? st : -1;
    return got == tid && WIFSTOPPED(st) && WSTOPSIG(st) == SIGTRAP && !(st >> 16);
}

int stop_session_call(struct stop_session *ss, uint64_t insn, long nr, uint64_t a0, uint64_t a1,
                      uint64_t a2, long *result, int *other)
{
    const uint64_t args[6] = {a0, a1, a2, ss->saved.r10, ss->saved.r8, ss->saved.r9};
    return stop_session_call6(ss, insn, nr, args, result, other);
}

int stop_session_call6(struct stop_session *ss, uint64_t insn, long nr, const uint64_t args[6],
                       long *result, int *other)
{
    regs_t r = ss->saved;
    regs_for_syscall(&r, insn, nr, args[0], args[1], args[2]);
    r.r10 = args[3];
    r.r8 = args[4];
    r.r9 = args[5];
    if (ptrace(PTRACE_SETREGS, ss->tid, 0, &r) < 0) {
        *other = -1;
        return SESSION_STOPPED;
    }
    if (ss->requeue) {
        /* Ends at a syscall stop, from which a signal is queued. */
        if (!run_to_syscall_stop(ss->tid, PTRACE_SYSCALL, false, other) ||
            !run_to_syscall_stop(ss->tid, PTRACE_SYSCALL, true, other))
            return SESSION_STOPPED;
    } else if (!step_syscall(ss->tid, other)) {
        return SESSION_STOPPED;
    }
    if (ptrace(PTRACE_GETREGS, ss->tid, 0, &r) < 0) {
        *other = -1;
        return SESSION_STOPPED;
    }
    *result = r.rax;
    return SESSION_OK;
}

static int end_(struct stop_session *ss, int *other);

/* Leaves the thread as session_begin found it. */
int stop_session_end(struct stop_session *ss, int *other)
{
    int rc = end_(ss, other);
    stop_session_unmask(ss);
    return rc;
}

static int end_(struct stop_session *ss, int *other)
{
    pid_t tid = ss->tid;
    if (ss->entry) {
        regs_t r = ss->saved;
        r.rip -= 2;
        r.rax = ss->saved.orig_rax;
        if (ptrace(PTRACE_SETREGS, tid, 0, &r) < 0) {
            *other = -1;
            return SESSION_STOPPED;
        }
        if (!run_to_syscall_stop(tid, ss->entry, false, other))
            return SESSION_STOPPED;
    }
    if (ptrace(PTRACE_SETREGS, tid, 0, &ss->saved) < 0) {
        *other = -1;
        return SESSION_STOPPED;
    }
    stop_session_unmask(ss);
    if (!ss->requeue)
        return SESSION_OK;
    /* From a syscall stop a signal is only queued; it is delivered on the
     * way back to user code, a delivery stop first. */
    if (ptrace(PTRACE_SINGLESTEP, tid, 0, ss->si.si_signo) < 0) {
        *other = -1;
        return SESSION_STOPPED;
    }
    int st;
    while (waitpid(tid, &st, __WALL) < 0 && errno == EINTR)
        ;
    *other = st;
    if (!WIFSTOPPED(st) || (st >> 16) || WSTOPSIG(st) != ss->si.si_signo)
        return SESSION_STOPPED;
    ptrace(PTRACE_SETSIGINFO, tid, 0, &ss->si);
    return SESSION_OK;
}

uint64_t stop_session_syscall_insn(pid_t tid)
{
    char path[64], line[512];
    snprintf(path, sizeof path, "/proc/%d/maps", tid);
    FILE *f = fopen(path, "re");
    if (!f)
        return 0;
    uint64_t lo = 0, hi = 0;
    while (fgets(line, sizeof line, f))
        if (strstr(line, "[vdso]") && sscanf(line, "%lx-%lx", &lo, &hi) == 2)
            break;
    fclose(f);
    if (!lo || hi - lo > (1 << 20))
        return 0;
    size_t len = hi - lo;
    uint8_t *img = xmalloc(len);
    uint64_t at = 0;
    if (tracee_read(tid, lo, img, len) == (ssize_t)len)
        for (size_t i = 0; i + 1 < len && !at; i++)
            if (img[i] == 0x0f && img[i + 1] == 0x05)
                at = lo + i;
    free(img);
    return at;
}
