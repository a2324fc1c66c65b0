/* Recording a signal-delivery-stop.  Some are not signals at all:
 * rdtsc/rdtscp fault (PR_TSC_SIGSEGV), or rdtsc, rdtscp and cpuid hit the
 * int3 planted on them (arch/insn_sites.h), so what they give can be
 * recorded and emulated. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ptrace.h>
#include <x86intrin.h>

#include "arch/cpuid.h"
#include "arch/rdtsc.h"
#include "arch/insn_sites.h"
#include "common/die.h"
#include "record/recorder.h"
#include "trace/event.h"

static void emulate_rdtsc(struct recorder *r, struct rtask *t, regs_t *regs, int len)
{
    struct ev_rdtsc e = {.insn_len = len, .regs = *regs};
    unsigned aux = 0;
    e.tsc = len == 3 ? __rdtscp(&aux) : __rdtsc();
    e.aux = aux;
    event_write(r->events, EV_RDTSC, t->tid, &e, sizeof e, NULL, 0);
    r->nevents++;
    rdtsc_apply(t->tid, regs, &e);
}

static void emulate_cpuid(struct recorder *r, struct rtask *t, regs_t *regs)
{
    struct ev_cpuid e;
    cpuid_run(regs, &e);
    event_write(r->events, EV_CPUID, t->tid, &e, sizeof e, NULL, 0);
    r->nevents++;
    cpuid_apply(t->tid, regs, &e);
}

/* Faults raised by the instruction the thread is executing: a replay
 * running the same code raises them at the same instruction. */
static bool is_synchronous(const siginfo_t *si)
{
    switch (si->si_signo) {
    case SIGSEGV: case SIGBUS: case SIGFPE: case SIGILL: case SIGTRAP:
        return si->si_code > 0;
    default:
        return false;
    }
}

int record_signal_stop(struct recorder *r, struct rtask *t, int sig, int *status)
{
    struct ev_signal e = {.signo = sig};
    if (ptrace(PTRACE_GETSIGINFO, t->tid, 0, &e.info) < 0)
        die_errno("ptrace(GETSIGINFO) on thread %d", t->tid);
    regs_get(t->tid, &e.regs);
    if (sig == SIGSEGV && e.info.si_code == SI_KERNEL) {
        int len = rdtsc_insn_len(t->tid, e.regs.rip);
        if (len) {
            emulate_rdtsc(r, t, &e.regs, len);
            return SIGNAL_RECORDED;
        }
    }
    if (sig == SIGTRAP && e.info.si_code == SI_KERNEL) {
        enum insn_site site = insn_site_at(t->tid, e.regs.rip - 1);
        if (site != SITE_NONE) {
            e.regs.rip--;
            if (site == SITE_CPUID)
                emulate_cpuid(r, t, &e.regs);
            else
                emulate_rdtsc(r, t, &e.regs, site == SITE_RDTSCP ? 3 : 2);
            return SIGNAL_RECORDED;
        }
    }
    if (is_synchronous(&e.info)) {
        e.flags |= SIGF_SYNC;
    } else if (t->entry_undone) {
        /* No need to hold it or count: the next syscall entry since the
         * thread's last event is this point. */
        e.flags |= SIGF_UNDONE_SYSCALL;
        t->entry_undone = false;
    } else {
        switch (user_run_hold(r, t, sig, status)) {
        case HOLD_RESUME: return SIGNAL_HELD;
        case HOLD_ELSEWHERE: return SIGNAL_ELSEWHERE;
        }
        if (user_run_position(t, &e.regs, &e.pos))
            e.flags |= SIGF_IN_CODE;
    }
    uint64_t cpu = (e.flags & SIGF_IN_CODE) ? user_run_cpu_ns(t) : 0;
    struct iovec tail = {&cpu, sizeof cpu};
    event_write(r->events, EV_SIGNAL, t->tid, &e, sizeof e - EV_POSITION_UNUSED(&e.pos), &tail,
                (e.flags & SIGF_IN_CODE) ? 1 : 0);
    r->nevents++;
    t->pending_sig = sig;
    return SIGNAL_RECORDED;
}
