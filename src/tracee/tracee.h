/* Starting a tracee and reading what a ptrace stop means.  Shared by the
 * recorder and the replayer so both start programs identically (same
 * personality, same rdtsc trapping, same exec path). */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#define TRACE_OPTIONS                                                             \
    (PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK |           \
     PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC | PTRACE_O_EXITKILL)

struct spawn_spec {
    const char *exe;         /* path passed to execve, exactly as recorded */
    char *const *argv;
    char *const *envp;
    const char *cwd;         /* NULL: stay where we are */
    bool no_core;            /* replay: never write core files */
};

/* Forks a child that asks to be traced, disables address-space
 * randomisation, makes rdtsc trap, and execs spec->exe.  Returns when the
 * child is stopped at its execve syscall-exit, with the new image loaded
 * and no instruction of it run.  Dies with a clear message when the
 * program cannot be executed. */
pid_t tracee_spawn(const struct spawn_spec *spec);

enum stop_kind {
    STOP_SYSCALL_ENTRY,
    STOP_SYSCALL_EXIT,
    STOP_SIGNAL,    /* signal-delivery-stop: sig */
    STOP_EVENT,     /* PTRACE_EVENT_* stop: event */
    STOP_GROUP,     /* group-stop */
    STOP_EXITED,    /* the task is gone: status is its wait status */
    STOP_VANISHED,  /* killed in this stop (another thread's exit_group or
                     * execve, a SIGKILL): its exit is reported next */
};

struct stop {
    enum stop_kind kind;
    int sig;
    int event;
    int status;
};

/* Classifies a waitpid() status for tid. */
void stop_classify(pid_t tid, int status, struct stop *s);
/* Waits for tid specifically (EINTR retried); dies if it does not exist. */
int wait_for(pid_t tid);

/* Runs syscall nr(a0, a1, a2) in the stopped tracee and restores its
 * registers; returns the syscall's result (-errno on failure).
 * at_sysemu_stop: the tracee sits at a PTRACE_SYSEMU syscall-entry stop.
 * Afterwards the tracee is at a syscall-exit stop. */
long remote_syscall(pid_t tid, uint64_t syscall_insn, bool at_sysemu_stop, long nr,
                    uint64_t a0, uint64_t a1, uint64_t a2);
