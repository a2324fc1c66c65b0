#include "arch/rdtsc.h"

#include "arch/tracee_mem.h"

int rdtsc_insn_len(pid_t tid, uint64_t rip)
{
    uint8_t insn[3];
    if (tracee_read(tid, rip, insn, 3) != 3)
        return 0;
    if (insn[0] == 0x0f && insn[1] == 0x31)
        return 2;
    if (insn[0] == 0x0f && insn[1] == 0x01 && insn[2] == 0xf9)
        return 3;
    return 0;
}

void rdtsc_apply(pid_t tid, regs_t *regs, const struct ev_rdtsc *e)
{
    regs->rax = (uint32_t)e->tsc;
    regs->rdx = e->tsc >> 32;
    if (e->insn_len == 3)
        regs->rcx = e->aux;
    regs->rip += e->insn_len;
    regs_set(tid, regs);
}
