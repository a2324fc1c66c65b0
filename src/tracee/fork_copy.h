/* A copy of a stopped, single-threaded tracee made by fork, for the
 * replay's checkpoints: the tracee is made to run clone(CLONE_PARENT |
 * SIGCHLD) in a stop session (tracee/stop_session.h), so the copy is the
 * tracer's own child (not the tracee's, which the replay may kill) and
 * shares nothing writable with it but MAP_SHARED memory.  The copy starts
 * traced, stopped at its first stop, with the tracee's memory, files,
 * signal dispositions and ptrace options; its registers are those of the
 * clone's return and all its signals are blocked: the caller gives it
 * the registers and mask it is to have. */
#pragma once
#include <sys/types.h>

#include "tracee/stop_session.h"

/* Runs the clone at insn in ss's thread.  SESSION_OK: *child is the copy,
 * stopped (its wait status in *child_status); else as
 * stop_session_call. */
int fork_copy(struct stop_session *ss, uint64_t insn, pid_t *child, int *child_status,
              int *other);
/* The same for a new thread of ss's thread's process, started stopped
 * as a clone of it: the caller gives it its registers. */
int fork_copy_thread(struct stop_session *ss, uint64_t insn, pid_t *child, int *child_status,
                     int *other);
/* Whether tid's address space has a writable shared mapping, which a copy
 * would share instead of copy. */
int fork_copy_shares_memory(pid_t tid);
