/* x86-64 general registers as ptrace sees them. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/user.h>

typedef struct user_regs_struct regs_t;

/* The resume flag: the instruction at rip runs without its execution
 * breakpoint firing (again). */
#define EFLAGS_RF 0x10000ull

void regs_get(pid_t tid, regs_t *r);
void regs_set(pid_t tid, const regs_t *r);
/* regs_get for a thread that may be gone: false then. */
bool regs_get_quiet(pid_t tid, regs_t *r);
/* Compares the registers replay must reproduce.  On a difference, writes
 * "rax 0x.. != recorded 0x.." into why and returns false. */
bool regs_match(const regs_t *now, const regs_t *recorded, char *why, size_t whylen);
/* Syscall argument i (0..5) from entry registers. */
unsigned long long regs_arg(const regs_t *r, int i);
void regs_set_arg(regs_t *r, int i, unsigned long long v);
/* Makes r run syscall nr(a0, a1, a2) at the syscall instruction insn,
 * with no syscall of its own to restart (orig_rax -1). */
void regs_for_syscall(regs_t *r, uint64_t insn, long nr, uint64_t a0, uint64_t a1, uint64_t a2);

/* The floating-point registers as 8-byte words: the FXSAVE area that
 * PTRACE_GETFPREGS gives, from byte FP_WORDS_FROM (st0) to the end of
 * xmm15: st0-7 (16 bytes each, 10 used), then xmm0-15.  False if
 * unreadable. */
#define FP_WORDS_FROM 32
#define FP_WORDS 48
bool fp_words_get(pid_t tid, uint64_t w[FP_WORDS]);
