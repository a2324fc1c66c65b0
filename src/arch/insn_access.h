/* How many bytes an instruction reads or writes in memory, for telling
 * whether a fault's access touches a watched range (tracee/watch_pages.h
 * gives the fault's address; this its length). */
#pragma once
#include <stdint.h>
#include <sys/types.h>

/* The largest memory operand of the instruction at rip in tid (its bytes
 * as the program has them, without the tracer's int3s); 8 for one whose
 * memory access is implicit (push, call, ...) or unknown. */
int insn_access_size(pid_t tid, uint64_t rip);
