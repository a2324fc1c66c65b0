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

/* Instructions that can be moved elsewhere and run there (the replay's
 * jump patches, tracee/jump_search.h): no call, return or indirect jump,
 * none the tracer stands in for where it is (syscall, rdtsc, cpuid), a
 * rip-relative operand only with a 32-bit displacement.  A relative jmp
 * or jcc is moved as its rel32 form, to the same target. */
#define MOVED_MAX 8
struct moved_code {
    int n;                  /* instructions */
    int len;                /* their bytes */
    uint8_t bytes[32];
    uint8_t off[MOVED_MAX]; /* where each starts in bytes */
    int8_t disp[MOVED_MAX]; /* where its rip-relative displacement is in it (-1: none) */
    int8_t cond[MOVED_MAX]; /* a relative jump: its condition (0-15, jcc), 16 for jmp; -1: none */
    uint64_t target[MOVED_MAX]; /* the jump's target */
};
#define MOVED_JMP 16
/* The movable instructions from rip on, one after the other, until they
 * make `need` bytes or one cannot be moved.  Returns their length (0: the
 * one at rip cannot be moved). */
int insn_movable_run(pid_t tid, uint64_t rip, int need, struct moved_code *m);

/* The first `need` bytes of padding that are never run (after a jmp or a
 * ret) in the span bytes of code decoded from the instruction at from;
 * 0 if none. */
uint64_t insn_filler_after(pid_t tid, uint64_t from, size_t span, int need);
/* The same in the span bytes before `before`: padding between a ret and
 * the 16-byte boundary after it. */
uint64_t insn_filler_before(pid_t tid, uint64_t before, size_t span, int need);
/* Whether a direct jmp, jcc or call found by a linear sweep of the code
 * from lo - span to hi + span goes into (lo, hi): a jump patch there
 * would make the program run into its guards (tracee/jump_search.h) over
 * and over. */
bool insn_jump_into(pid_t tid, uint64_t lo, uint64_t hi, size_t span);
/* Where instructions start in the len (at most 32) bytes from `from`,
 * decoding from there: bit i for from + i. */
unsigned insn_starts(pid_t tid, uint64_t from, int len);
/* The length of the instruction at rip if it is a string instruction with
 * a rep prefix (rep stos, repne scas, ...), else 0. */
int insn_rep_string(pid_t tid, uint64_t rip);
