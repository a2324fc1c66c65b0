/* Making a stopped tracee run one syscall the tracer chooses, at a syscall
 * instruction found in its (patched) vDSO, then putting every register
 * back.  Replay uses it to change a tracee's memory protection. */
#include <errno.h>
#include <signal.h>
#include <sys/ptrace.h>

#include "arch/regs.h"
#include "common/die.h"
#include "tracee/tracee.h"
#include "tracee/soft_breakpoint.h"

static void step(pid_t tid, enum stop_kind want)
{
    for (;;) {
        if (tracee_resume(PTRACE_SYSCALL, tid, 0) < 0)
            die_errno("cannot resume thread %d", tid);
        struct stop s;
        stop_classify(tid, wait_for(tid), &s);
        if (s.kind == want)
            return;
        if (s.kind == STOP_EXITED)
            die("thread %d ended during a syscall made by rewind", tid);
        /* A stray signal (the kernel's own SIGCHLD) is dropped. */
    }
}

long remote_syscall(pid_t tid, uint64_t syscall_insn, bool at_sysemu_stop, long nr,
                    uint64_t a0, uint64_t a1, uint64_t a2)
{
    if (!syscall_insn)
        return -ENOSYS;
    if (at_sysemu_stop)
        step(tid, STOP_SYSCALL_EXIT); /* the skipped syscall reports its exit */
    regs_t saved, r;
    regs_get(tid, &saved);
    r = saved;
    regs_for_syscall(&r, syscall_insn, nr, a0, a1, a2);
    regs_set(tid, &r);
    step(tid, STOP_SYSCALL_ENTRY);
    step(tid, STOP_SYSCALL_EXIT);
    regs_get(tid, &r);
    regs_set(tid, &saved);
    return r.rax;
}
