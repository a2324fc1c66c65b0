/* cpuid, trapped by the int3 planted on it (arch/insn_sites.h): the
 * recorder runs the instruction itself with the thread's leaf and subleaf,
 * replay puts back what it gave. */
#pragma once
#include <sys/types.h>

#include "arch/regs.h"
#include "trace/event.h"

/* What cpuid gives for regs' eax and ecx, run here. */
void cpuid_run(const regs_t *regs, struct ev_cpuid *e);
/* Completes the instruction with e's values: sets eax..edx, skips it. */
void cpuid_apply(pid_t tid, regs_t *regs, const struct ev_cpuid *e);
