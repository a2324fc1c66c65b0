/* A SIGBUS for touching a file mapping beyond the end of its file cannot
 * happen by itself on replay, where file mappings are anonymous memory.
 * Replay makes the page inaccessible, runs to the fault (a SIGSEGV at the
 * same instruction, which proves the position), restores the page and
 * delivers the recorded SIGBUS there. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>

#include "common/die.h"
#include "replay/replayer.h"
#include "tracee/tracee.h"

/* The protection of the page at addr, or -1 when it is not mapped. */
static int page_prot(pid_t tid, uint64_t addr)
{
    char path[64], line[4096 + 128];
    snprintf(path, sizeof path, "/proc/%d/maps", tid);
    FILE *f = fopen(path, "re");
    int prot = -1;
    while (f && fgets(line, sizeof line, f)) {
        unsigned long lo, hi;
        char perms[8];
        if (sscanf(line, "%lx-%lx %7s", &lo, &hi, perms) == 3 && addr >= lo && addr < hi) {
            prot = (perms[0] == 'r' ? PROT_READ : 0) | (perms[1] == 'w' ? PROT_WRITE : 0) |
                   (perms[2] == 'x' ? PROT_EXEC : 0);
            break;
        }
    }
    if (f)
        fclose(f);
    return prot;
}

bool replay_sigbus(struct replayer *rp, struct ptask *t, const struct ev_signal *e)
{
    uint64_t page = (uint64_t)e->info.si_addr & ~4095ull;
    int prot = page_prot(t->tid, page);
    if (prot <= 0 || t->pending_sig || !t->syscall_insn)
        return false; /* it will fault by itself, or cannot be arranged */
    long rc = remote_syscall(t->tid, t->syscall_insn, t->at_sysemu_stop, SYS_mprotect, page, 4096,
                             PROT_NONE);
    t->at_sysemu_stop = false;
    if (rc < 0)
        return false;
    struct stop s;
    resume_and_wait(rp, t, PTRACE_SYSEMU, &s);
    if (s.kind != STOP_SIGNAL || s.sig != SIGSEGV)
        divergence(rp, "expected the access that raised SIGBUS, got %s",
                   s.kind == STOP_SIGNAL ? strsignal(s.sig) : "another stop");
    regs_t now;
    regs_get(t->tid, &now);
    char why[160];
    if (!regs_match(&now, &e->regs, why, sizeof why))
        divergence(rp, "registers differ at the SIGBUS: %s", why);
    remote_syscall(t->tid, t->syscall_insn, false, SYS_mprotect, page, 4096, prot);
    syscall(SYS_tgkill, t->tgid, t->tid, SIGBUS);
    resume_and_wait_sig(rp, t, PTRACE_SYSEMU, SIGBUS, &s);
    if (s.kind != STOP_SIGNAL || s.sig != SIGBUS)
        divergence(rp, "SIGBUS could not be delivered");
    if (ptrace(PTRACE_SETSIGINFO, t->tid, 0, &e->info) < 0)
        die_errno("ptrace(SETSIGINFO)");
    t->pending_sig = SIGBUS;
    t->where = PT_STOPPED;
    return true;
}
