/* Counted execution breakpoints made of int3, for machines whose debug
 * registers do not work (many virtual machines: perf_event_open accepts a
 * PERF_TYPE_BREAKPOINT event there, and it never counts).
 *
 * They behave as arch/hw_breakpoint.h's do, so the recorder and replay use
 * either without knowing: an execution of the address is counted; with a
 * period, every period-th execution stops the thread just before the
 * instruction, as a HWBP_SIGNAL signal-delivery-stop whose siginfo names
 * the handle in si_fd, with the resume flag (RF) set in its eflags; a
 * thread resumed there with RF set runs the instruction without counting
 * it again, as the CPU would.  Each execution costs the tracer a stop and
 * a single-step, which tracee_wait handles out of sight: every wait for a
 * tracee goes through it, and every resume through tracee_resume, which
 * remembers how the thread was resumed to resume it the same way. */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* Returns a handle (an fd: close it with soft_bp_close only), or -1. */
int soft_bp_open(pid_t tid, uint64_t addr, uint64_t period);
/* Whether fd is a handle of this module. */
int soft_bp_is(int fd);
uint64_t soft_bp_read(int fd);
void soft_bp_close(int fd);
/* Puts back, in buf (len bytes of tid's memory from addr), the bytes the
 * int3s replaced: what the program's own code holds. */
void soft_bp_unpatch(pid_t tid, uint64_t addr, uint8_t *buf, size_t len);
/* waitpid(pid, status, flags | __WALL) with the breakpoints' own stops
 * taken out; EINTR is returned as waitpid does. */
pid_t tracee_wait(pid_t pid, int *status, int flags);
/* ptrace(request, tid, 0, sig), for the resume requests. */
long tracee_resume(int request, pid_t tid, int sig);
/* How many instructions were single-stepped for watchpoints, where no
 * page could be protected (tracee/watch_pages.h). */
uint64_t tracee_watch_steps(void);
/* How many stores to a protected page the tracer made itself. */
uint64_t tracee_emulated_stores(void);
/* The thread group of tid. */
pid_t tracee_tgid(pid_t tid);
/* A thread that is gone: forget how it was resumed. */
void tracee_forget(pid_t tid);
/* How tid stands: its last stop and the request that led there (-1: not
 * known); false when a stop or a trigger is still to be reported. */
bool tracee_stop_of(pid_t tid, int *last, int *led_here);
/* tid, of thread group tgid, was resumed with request (-1: none) and
 * waited for elsewhere: status is its stop. */
void tracee_adopt(pid_t tid, pid_t tgid, int status, int request);
/* copy is a fork of tgid's address space: the int3s planted in tgid go. */
void soft_bp_clean_copy(pid_t tgid, pid_t copy);
