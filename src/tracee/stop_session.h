/* Running syscalls in a stopped tracee thread, out of its sight: the
 * thread is made to run them at a syscall instruction of its vDSO, with
 * all its signals blocked, and is then left at a stop equivalent to the
 * one it was found at (the same registers; at a syscall entry, the same
 * syscall pending again; at a signal's delivery, the same signal about to
 * be delivered with its siginfo).  tracee/watch_pages.h changes memory
 * protection this way at any stop of a thread. */
#pragma once
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "arch/regs.h"

/* How the thread stood when the session began. */
struct stop_session {
    pid_t tid;
    regs_t saved;   /* its registers, put back at the end */
    int entry;      /* at a syscall entry: 0 no, else the request to re-enter */
    bool requeue;   /* at the delivery of a signal to be delivered */
    siginfo_t si;
    uint64_t mask;  /* its signal mask: all are blocked meanwhile */
    bool masked;
};

enum {
    SESSION_OK,
    SESSION_CANNOT,  /* not at a stop where it can be done: nothing was */
    SESSION_STOPPED, /* the thread stopped otherwise: *other is that stop
                        (-1: none, the thread is gone) */
};

/* Begins at tid's stop `last` (a waitpid status), to which the request
 * led_here led; sig: the signal the thread is to be resumed with after. */
int stop_session_begin(struct stop_session *ss, pid_t tid, int last, int led_here, int sig,
                       int *other);
/* Runs syscall nr(a0, a1, a2) at insn; *result is what it returned. */
int stop_session_call(struct stop_session *ss, uint64_t insn, long nr, uint64_t a0, uint64_t a1,
                      uint64_t a2, long *result, int *other);
/* The same with six arguments (mmap). */
int stop_session_call6(struct stop_session *ss, uint64_t insn, long nr, const uint64_t args[6],
                       long *result, int *other);
/* Leaves the thread at a stop equivalent to the one the session began at,
 * with ss->saved as its registers. */
int stop_session_end(struct stop_session *ss, int *other);
/* Gives the thread its own signal mask back (stop_session_end does). */
void stop_session_unmask(struct stop_session *ss);
/* A syscall instruction in tid's vDSO, or 0. */
uint64_t stop_session_syscall_insn(pid_t tid);
