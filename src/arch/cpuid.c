#include "arch/cpuid.h"

#include <cpuid.h>

void cpuid_run(const regs_t *regs, struct ev_cpuid *e)
{
    e->regs = *regs;
    __cpuid_count((uint32_t)regs->rax, (uint32_t)regs->rcx, e->eax, e->ebx, e->ecx, e->edx);
}

void cpuid_apply(pid_t tid, regs_t *regs, const struct ev_cpuid *e)
{
    /* 32-bit results: the upper halves are cleared, as the instruction does. */
    regs->rax = e->eax;
    regs->rbx = e->ebx;
    regs->rcx = e->ecx;
    regs->rdx = e->edx;
    regs->rip += 2;
    regs_set(tid, regs);
}
