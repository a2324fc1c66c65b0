/* Counted execution breakpoints: perf_event_open(PERF_TYPE_BREAKPOINT) on
 * one thread.  "Stop just before the n-th execution of the instruction at
 * addr" is exact (the design's measurements, re-checked by the tests); a
 * counter with no period just counts executions, without stopping. */
#pragma once
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* The signal a breakpoint with a period sends to the thread, which the
 * tracer sees as a signal-delivery-stop. */
#define HWBP_SIGNAL SIGSTKFLT

/* Whether the debug registers work here (checked once, on the recorder's
 * own thread).  Where they do not, execution breakpoints are int3s the
 * tracer counts (tracee/soft_breakpoint.h), and watchpoints are byte
 * compares and page faults (tracee/soft_watchpoint.h). */
bool hwbp_works(void);
/* period 0: count only.  Returns the fd, or -1 with errno set. */
int hwbp_open(pid_t tid, uint64_t addr, uint64_t period);
/* Executions counted so far (including the one a period stop stopped at). */
uint64_t hwbp_read(int fd);
/* Closes what hwbp_open or hwbp_open_kind returned. */
void hwbp_close(int fd);

enum hwbp_kind { HWBP_EXEC, HWBP_WRITE, HWBP_ACCESS };
/* A breakpoint (len 1) or watchpoint on [addr, addr+len), len 1/2/4/8 and
 * addr aligned to it; signals like hwbp_open's. */
int hwbp_open_kind(pid_t tid, enum hwbp_kind kind, uint64_t addr, int len, uint64_t period);

/* A clock of the thread's own CPU time (perf PERF_COUNT_SW_TASK_CLOCK, a
 * software event: no PMU needed) that, while started, sends the thread sig
 * every ns nanoseconds it runs in user mode, however busy the machine and
 * whether or not the tracer gets the CPU.  Opened stopped; -1 on failure. */
int clock_open(pid_t tid, uint64_t ns, int sig);
/* Whether tid's current signal stop is a signal of the perf event fd (a
 * breakpoint's or a clock's), not one sent by a program. */
bool perf_signalled(pid_t tid, int fd);
/* Starts it for a full period of ns. */
bool clock_start(int fd, uint64_t ns);
void clock_stop(int fd);
