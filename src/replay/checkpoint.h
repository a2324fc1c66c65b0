/* Checkpoints of the replay: stopped fork copies of the replayed process,
 * each with the replayer's record of its task, taken before an event as
 * the replay advances under the debugger.  A reverse pass (and gdb's
 * `restart N`, `run EVENT`) starts from the latest one before where it
 * goes instead of from the beginning: the replay is restored there (a new
 * copy of the copy runs, the trace is read again up to that event) and
 * goes on as before.
 *
 * Every process of the replay is copied, each by itself (the copies are
 * all the replayer's children), its threads too: they are made again in
 * the copy, each with its registers, signal mask, signal stack and
 * clear_child_tid word, at a syscall's entry entered again.  Only where
 * nothing is half done (every thread in user code or at a syscall's
 * entry, no signal on the way, the next event's thread about to run) and
 * no process has a writable shared mapping (a copy would share it, not
 * keep it).  Elsewhere
 * the passes start from the latest checkpoint taken before, or from the
 * beginning. */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "arch/regs.h"
#include "replay/replayer.h"

/* A thread of the copied process: the replayer's record of its task,
 * and what its copy is to be given. */
struct cp_thread {
    struct ptask task;
    regs_t regs;        /* at its stop (a syscall entry's, at one) */
    uint64_t mask;
    int request;        /* the resume that led to that stop */
};

/* One process of the replay: a stopped copy of it (one thread: the rest
 * are made again from threads[] at each restore). */
struct cp_process {
    pid_t pid;
    uint64_t insn;      /* a syscall instruction in its vDSO */
    struct cp_thread *threads; /* [0]: the leader */
    int nthreads;
};

struct replay_checkpoint {
    uint64_t event_no;  /* the replay stood before this event */
    struct cp_process *procs;
    int nprocs, ntasks;
    char *exe;          /* the debugged executable (rp->dbg_exe) */
    uint64_t mem_kib;   /* the memory only it holds, measured last */
    int pins;           /* gdb's checkpoints that start from it */
};

/* The memory the checkpoints may take (MiB; 0: none are taken). */
void checkpoint_set_budget(uint64_t mib);
/* A checkpoint wherever one can be taken, at least `events` events after
 * the one before (0: by events and time, forward and in passes apart). */
void checkpoint_set_interval(uint64_t events);
/* Before ev: takes one when the replay has gone far enough since the
 * last one (and it can be taken here). */
void checkpoint_maybe_take(struct replayer *rp, const struct event *ev);
/* The latest checkpoint before or at event_no, or NULL. */
struct replay_checkpoint *checkpoint_latest(uint64_t event_no);
/* A gdb checkpoint at event_no keeps the checkpoint it starts from (whose
 * event is returned, 0: none) until checkpoint_unpin of that event. */
uint64_t checkpoint_pin(uint64_t event_no);
void checkpoint_unpin(uint64_t cp_event_no);
/* Starts a running copy of cp's processes: their threads' task records go
 * in tasks[0..cp->ntasks) (with the copies' tids).  Returns their number,
 * 0 when the copies could not be made (none is left running). */
int checkpoint_spawn(const struct replay_checkpoint *cp, struct ptask *tasks);
