/* Watchpoints by page protection, for machines without debug registers
 * (tracee/soft_watchpoint.h).  The pages that hold watched bytes lose their
 * write permission (all access, for an access watchpoint) while the
 * program's own code runs, so a watched thread runs freely instead of
 * being single-stepped: a write to such a page faults (SIGSEGV,
 * SEGV_ACCERR), and the instruction is then run once with the page
 * accessible and the bytes compared after it.
 *
 * The kernel's own writes would fail on such a page (a syscall's result
 * buffer, a signal frame), so the permission is given back before every
 * resume that lets the kernel write (a syscall executed, a signal
 * delivered) and taken again before user code runs.  The protection is
 * changed by mprotect syscalls the thread is made to run at its stop,
 * invisibly (tracee/stop_session.h). */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

enum pages_run {
    PAGES_STEP,    /* step the watched thread, as without pages */
    PAGES_FREE,    /* its watched pages are protected: run it freely */
    PAGES_STOPPED, /* it stopped otherwise while rewind worked in it */
};

/* Makes the protection of tgid's pages right for resuming tid with
 * (request, sig) from its stop `last`, to which request `led_here` led.
 * PAGES_STOPPED: *other is the stop to report instead (-1: none, the
 * thread is gone). */
int watch_pages_prepare(pid_t tid, pid_t tgid, int request, int sig, int last, int led_here,
                        int *other);
enum pages_fault {
    FAULT_NOT_OURS,
    FAULT_STEPPED, /* the instruction ran, the thread is at the step's stop */
    FAULT_STOPPED,
};
/* tid is at a SIGSEGV stop for an access at addr.  If addr is on a page
 * protected here, the page is made accessible, step(tid, &status) runs
 * the instruction (true: it did, *status its stop) and the page is
 * protected again.  FAULT_STOPPED: *other is the stop that came instead
 * (-1: none, the thread is gone). */
int watch_pages_fault(pid_t tid, pid_t tgid, uint64_t addr, bool (*step)(pid_t, int *),
                      int *other);
/* Whether addr is on a page of tgid's that is protected here against
 * writes only (the tracer may then make a fault's store itself). */
bool watch_pages_write_protected(pid_t tgid, uint64_t addr);
/* Whether every page of [addr, addr+len) in tid's address space is in a
 * private mapping, whose protection can be changed (an access watchpoint
 * needs that: a read is seen only by a fault). */
bool watch_pages_can_protect(pid_t tid, uint64_t addr, int len);
/* In a session at a thread of tgid: every page gets its permissions
 * back (until the next watch_pages_prepare), e.g. for a copy of the
 * address space. */
struct stop_session;
int watch_pages_lift_all(struct stop_session *ss, pid_t tgid, int *other);
/* The watches of tgid changed. */
void watch_pages_changed(pid_t tgid);
/* tgid's address space is gone (exec, end): its protections with it. */
void watch_pages_forget(pid_t tgid);
