/* Finding the first execution of an instruction at which a thread has
 * given registers (and memory words), at the program's own speed.
 *
 * Without a PMU, replay finds a point in user code by its registers: the
 * first execution of its address with exactly those registers.  Stopping
 * at every execution (an int3 or a debug register) costs a ptrace stop
 * each, 100 to 400 us on the machines without debug registers, so a loop
 * searched for milliseconds of its run took minutes.  Here the
 * instruction is replaced by a jmp to code in a page mapped for the
 * search, which compares the registers and words in the thread itself
 * and traps only when all of them match; otherwise it runs the moved
 * instruction and jumps back.  A few nanoseconds an execution. */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "arch/insn_access.h"
#include "arch/regs.h"
#include "trace/event.h"

struct jump_search {
    pid_t tid;
    uint64_t addr;     /* the patched instruction */
    struct moved_code m; /* what the trampoline runs in its place: it, or
                          (it shorter than a jmp rel32) it and the next
                          ones, the jmp's bytes guarded (jump_search_guard) */
    int len;           /* bytes patched at addr */
    uint8_t orig[32];  /* the program's bytes there */
    uint8_t patch[32];
    uint64_t hop;      /* or: a short jmp at addr to padding nearby, which
                          holds the jmp rel32 (after an int3, in nops: the
                          program might run them) */
    int hop_len;
    uint8_t hop_orig[6];
    uint8_t hop_patch[6];
    uint64_t guard_lo, guard_hi; /* int3s where the program has code */
    bool patched;      /* the jumps are in the code */
    uint64_t page;     /* the trampoline's pages: code, then its scratch data */
    uint64_t entry;    /* where in them it starts */
    uint64_t hit;      /* rip after the trampoline's int3 */
    uint64_t moved;    /* the moved instructions in the trampoline */
    uint16_t moved_at[MOVED_MAX + 1]; /* where each starts there (a jump is
                          longer there), from moved; [m.n]: their end */
    uint64_t insn;     /* the syscall instruction the page is mapped with */
    int filter_reg;    /* compared first, without touching the flags */
};

/* Whether the instruction at rip in tid can be patched so; unguarded:
 * and no direct jump nearby goes into the instructions moved with it
 * (where the program would run into the guards: a single-step each
 * time, slow when it is often). */
bool jump_search_possible(pid_t tid, uint64_t rip, bool unguarded);
/* Patches the instruction at want->rip in tid (stopped; last/led_here as
 * tracee_stop_of gives them, sig the signal it is to be resumed with), to
 * trap when the registers (general ones and arithmetic flags) are want's
 * and the n words hold their values.  False when the instruction cannot
 * be moved or no page could be mapped within reach: nothing changed. */
bool jump_search_begin(struct jump_search *js, pid_t tid, uint64_t insn, int last, int led_here,
                       int sig, const regs_t *want, const struct ev_word *words, uint32_t n);
/* Whether a SIGTRAP stop with registers *now is the trampoline's: then
 * now->rip is set back to the patched instruction (not yet run) and the
 * thread given those registers; the other registers are the thread's at
 * that execution. */
bool jump_search_hit(struct jump_search *js, regs_t *now);
/* A thread stopped in the trampoline (by a watchpoint's trap after the
 * moved instruction, say) given the rip it would have without the patch;
 * false when it stands inside the comparison, which only single-stepping
 * can stop. */
bool jump_search_place(const struct jump_search *js, regs_t *r);
/* A stop by sig (SIGTRAP, or SIGILL: trampoline_at's other trap bytes)
 * with registers *now that is the program jumping into the middle of the
 * patched instructions, where they guard it: then now->rip is set to
 * where it jumped (the patch must go: the thread is to run the program's
 * own bytes there). */
bool jump_search_guard(const struct jump_search *js, int sig, regs_t *now);
/* Puts the program's own bytes back for a while (the thread stopped out
 * of the trampoline, see jump_search_place), and the jumps in again:
 * false when they could not be. */
void jump_search_suspend(struct jump_search *js);
bool jump_search_resume(struct jump_search *js);
/* Takes the patch and the page away; the thread must be stopped. */
void jump_search_end(struct jump_search *js, int last, int led_here, int sig);
