/* Write watchpoints without debug registers: the watched bytes are
 * compared after every instruction of a thread that has one, which
 * tracee_resume then single-steps (tracee/soft_breakpoint.h).  A change
 * is a trigger, reported as arch/hw_breakpoint.h's are: a HWBP_SIGNAL
 * stop just after the instruction, si_fd naming the handle.  A write of
 * the same value is not seen, which gdb would not report anyway; memory
 * the tracer writes while the thread is stopped is not a trigger either
 * (the values are taken again at every resume). */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* A watched thread whose watched pages can be write-protected runs
 * freely instead, the pages' faults showing the writes
 * (tracee/watch_pages.h). */

/* Returns a handle (an fd: close it with soft_watch_close only), or -1.
 * With period 0 it only counts; else every trigger stops the thread. */
int soft_watch_open(pid_t tid, uint64_t addr, int len, uint64_t period);
int soft_watch_is(int fd);
/* How many times the watched bytes changed. */
uint64_t soft_watch_read(int fd);
void soft_watch_close(int fd);
/* A thread that is gone: its handles become plain fds. */
void soft_watch_forget(pid_t tid);
/* Whether tid has a watchpoint (its resumes become single-steps). */
bool soft_watch_any(pid_t tid);
/* Takes the watched bytes of tid as they are now. */
void soft_watch_baseline(pid_t tid);
/* After an instruction of tid: the handle of a stopping watchpoint whose
 * bytes changed, or -1 (every change is counted, the bytes taken again). */
int soft_watch_fired(pid_t tid);
/* The pages (addresses, at most max) that the watches of thread group
 * tgid touch; of its thread tid only, if tid is not 0. */
size_t soft_watch_pages(pid_t tgid, pid_t tid, uint64_t *pages, size_t max);
