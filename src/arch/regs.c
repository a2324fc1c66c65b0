#include "arch/regs.h"

#include <stdio.h>
#include <string.h>
#include <sys/ptrace.h>

#include "common/die.h"

void regs_get(pid_t tid, regs_t *r)
{
    if (ptrace(PTRACE_GETREGS, tid, 0, r) < 0)
        die_errno("cannot read registers of thread %d", tid);
}

bool regs_get_quiet(pid_t tid, regs_t *r)
{
    return ptrace(PTRACE_GETREGS, tid, 0, r) == 0;
}

bool fp_words_get(pid_t tid, uint64_t w[FP_WORDS])
{
    struct user_fpregs_struct fp;
    if (ptrace(PTRACE_GETFPREGS, tid, 0, &fp) < 0)
        return false;
    memcpy(w, (const char *)&fp + FP_WORDS_FROM, FP_WORDS * sizeof w[0]);
    return true;
}

void regs_set(pid_t tid, const regs_t *r)
{
    if (ptrace(PTRACE_SETREGS, tid, 0, r) < 0)
        die_errno("cannot write registers of thread %d", tid);
}

/* The resume flag and trap flag are ptrace bookkeeping, not program state. */
#define EFLAGS_IGNORED (EFLAGS_RF | 0x100ull)

bool regs_match(const regs_t *a, const regs_t *b, char *why, size_t whylen)
{
#define CHECK(f)                                                                   \
    if (a->f != b->f) {                                                            \
        snprintf(why, whylen, #f " 0x%llx != recorded 0x%llx", (unsigned long long)a->f, \
                 (unsigned long long)b->f);                                        \
        return false;                                                              \
    }
    CHECK(rip) CHECK(orig_rax) CHECK(rax) CHECK(rsp) CHECK(rbp)
    CHECK(rdi) CHECK(rsi) CHECK(rdx) CHECK(r10) CHECK(r8) CHECK(r9)
    CHECK(rbx) CHECK(rcx) CHECK(r11) CHECK(r12) CHECK(r13) CHECK(r14) CHECK(r15)
    CHECK(fs_base) CHECK(gs_base) CHECK(cs) CHECK(ss)
#undef CHECK
    if ((a->eflags & ~EFLAGS_IGNORED) != (b->eflags & ~EFLAGS_IGNORED)) {
        snprintf(why, whylen, "eflags 0x%llx != recorded 0x%llx",
                 (unsigned long long)a->eflags, (unsigned long long)b->eflags);
        return false;
    }
    return true;
}

unsigned long long regs_arg(const regs_t *r, int i)
{
    switch (i) {
    case 0: return r->rdi;
    case 1: return r->rsi;
    case 2: return r->rdx;
    case 3: return r->r10;
    case 4: return r->r8;
    default: return r->r9;
    }
}

void regs_set_arg(regs_t *r, int i, unsigned long long v)
{
    switch (i) {
    case 0: r->rdi = v; break;
    case 1: r->rsi = v; break;
    case 2: r->rdx = v; break;
    case 3: r->r10 = v; break;
    case 4: r->r8 = v; break;
    default: r->r9 = v; break;
    }
}

void regs_for_syscall(regs_t *r, uint64_t insn, long nr, uint64_t a0, uint64_t a1, uint64_t a2)
{
    r->rip = insn;
    r->rax = nr;
    r->orig_rax = -1;
    r->rdi = a0;
    r->rsi = a1;
    r->rdx = a2;
}
