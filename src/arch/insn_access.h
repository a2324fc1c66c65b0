/* How many bytes an instruction reads or writes in memory, for telling
 * whether a fault's access touches a watched range (tracee/watch_pages.h
 * gives the fault's address; this its length). */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "arch/regs.h"

/* The largest memory operand of the instruction at rip in tid (its bytes
 * as the program has them, without the tracer's int3s); 8 for one whose
 * memory access is implicit (push, call, ...) or unknown. */
int insn_access_size(pid_t tid, uint64_t rip);

/* A plain store the tracer can make in the instruction's place: `mov` of
 * a general register or an immediate to memory, with the address it
 * writes, its bytes and the instruction's length. */
struct plain_store {
    uint64_t addr;
    uint8_t bytes[8];
    int size;
    int len;
};
/* Whether the instruction at r->rip in tid is such a store; fills *st. */
bool insn_plain_store(pid_t tid, const regs_t *r, struct plain_store *st);
