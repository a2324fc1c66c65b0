/* Checkpoints of the replay: stopped fork copies of the replayed process,
 * each with the replayer's record of its task, taken before an event as
 * the replay advances under the debugger.  A reverse pass (and gdb's
 * `restart N`, `run EVENT`) starts from the latest one before where it
 * goes instead of from the beginning: the replay is restored there (a new
 * copy of the copy runs, the trace is read again up to that event) and
 * goes on as before.
 *
 * Only a replay of one single-threaded process is copied, and only where
 * nothing is half done (its thread stands in user code, before a syscall
 * it is about to enter, with no signal on the way) and its memory has no
 * writable shared mapping (a copy would share it, not keep it).  Elsewhere
 * the passes start from the latest checkpoint taken before, or from the
 * beginning. */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "arch/regs.h"
#include "replay/replayer.h"

struct replay_checkpoint {
    uint64_t event_no;  /* the replay stood before this event */
    pid_t pid;          /* the stopped copy */
    uint64_t insn;      /* a syscall instruction in its vDSO */
    struct ptask task;  /* the replayer's record of its task */
    regs_t regs;        /* the task's registers and signal mask */
    uint64_t mask;
    char *exe;          /* the debugged executable (rp->dbg_exe) */
    uint64_t mem_kib;   /* the memory only it holds, measured last */
    int pins;           /* gdb's checkpoints that start from it */
};

/* The memory the checkpoints may take (MiB; 0: none are taken). */
void checkpoint_set_budget(uint64_t mib);
/* Before ev: takes one when the replay has gone far enough since the
 * last one (and it can be taken here). */
void checkpoint_maybe_take(struct replayer *rp, const struct event *ev);
/* The latest checkpoint before or at event_no, or NULL. */
struct replay_checkpoint *checkpoint_latest(uint64_t event_no);
/* A gdb checkpoint at event_no keeps the checkpoint it starts from (whose
 * event is returned, 0: none) until checkpoint_unpin of that event. */
uint64_t checkpoint_pin(uint64_t event_no);
void checkpoint_unpin(uint64_t cp_event_no);
/* Starts a running copy of cp; its task record is *task (with the
 * copy's tid).  False when the copy could not be made. */
bool checkpoint_spawn(const struct replay_checkpoint *cp, struct ptask *task);
/* How many there are, and their memory (KiB). */
int checkpoint_count(uint64_t *mem_kib);
