/* How many bytes an instruction reads or writes in memory, for telling
 * whether a fault's access touches a watched range (tracee/watch_pages.h
 * gives the fault's address; this its length). */
#pragma once
#include <stdbool.h>
#include <stddef.h>
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

/* An instruction that can be moved elsewhere and run there (the replay's
 * jump patches, tracee/jump_search.h): at least 2 bytes (a short jmp fits
 * in it) and no control transfer.  Returns its length (0: not movable),
 * with its bytes and the offset of its rip-relative displacement (-1:
 * none). */
int insn_movable(pid_t tid, uint64_t rip, uint8_t bytes[16], int *disp_off);

/* The first `need` bytes of padding that are never run (after a jmp or a
 * ret) in the span bytes of code decoded from the instruction at from;
 * 0 if none. */
uint64_t insn_filler_after(pid_t tid, uint64_t from, size_t span, int need);
/* The same in the span bytes before `before`: padding between a ret and
 * the 16-byte boundary after it. */
uint64_t insn_filler_before(pid_t tid, uint64_t before, size_t span, int need);
