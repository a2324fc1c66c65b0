/* rdtsc/rdtscp made to fault (PR_TSC_SIGSEGV) are emulated by the tracer:
 * the recorder reads the real counter, replay puts back what was read. */
#pragma once
#include <stdint.h>
#include <sys/types.h>

#include "arch/regs.h"
#include "trace/event.h"

/* 2 when the instruction at rip is rdtsc, 3 for rdtscp, 0 otherwise. */
int rdtsc_insn_len(pid_t tid, uint64_t rip);
/* Completes the instruction with e's value: sets rax/rdx (rcx), skips it. */
void rdtsc_apply(pid_t tid, regs_t *regs, const struct ev_rdtsc *e);
