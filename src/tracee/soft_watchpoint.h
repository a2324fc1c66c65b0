/* Write watchpoints without debug registers: the watched bytes are
 * compared after every instruction that may have written them.  Those are
 * the writes to the watched pages, which tracee/watch_pages.h protects so
 * that they fault; where a page cannot be protected, tracee_resume
 * single-steps the thread and every instruction is compared
 * (tracee/soft_breakpoint.h).  A change is a trigger, reported as
 * arch/hw_breakpoint.h's are: a HWBP_SIGNAL stop just after the
 * instruction, si_fd naming the handle.  A write of the same value is not
 * seen, which gdb would not report anyway; memory the tracer writes while
 * the thread is stopped is not a trigger either (the values are taken
 * again at every resume). */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Returns a handle (an fd: close it with soft_watch_close only), or -1.
 * With period 0 it only counts; else every trigger stops the thread.
 * access: every read or write of the bytes is a trigger (seen only on
 * pages watch_pages can protect: it refuses others). */
int soft_watch_open(pid_t tid, uint64_t addr, int len, bool access, uint64_t period);
int soft_watch_is(int fd);
/* How many times the watched bytes changed. */
uint64_t soft_watch_read(int fd);
void soft_watch_close(int fd);
/* A thread that is gone: its handles become plain fds. */
void soft_watch_forget(pid_t tid);
/* Whether tid has a watchpoint. */
bool soft_watch_any(pid_t tid);
/* Takes the watched bytes of tid as they are now. */
void soft_watch_baseline(pid_t tid);
/* After an instruction of tid that accessed memory [lo, hi) (lo == hi:
 * not known): the handle of a stopping watchpoint that triggered (its
 * bytes changed; for an access one, the range touched), or -1.  Every
 * trigger is counted, the bytes taken again. */
int soft_watch_fired(pid_t tid, uint64_t lo, uint64_t hi);
/* Whether an access watchpoint of tgid touches page. */
bool soft_watch_page_access(pid_t tgid, uint64_t page);
/* The pages (addresses, at most max) that the watches of thread group
 * tgid touch; of its thread tid only, if tid is not 0. */
size_t soft_watch_pages(pid_t tgid, pid_t tid, uint64_t *pages, size_t max);
