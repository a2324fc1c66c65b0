#include "tracee/tracee.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/die.h"
#include "tracee/soft_breakpoint.h"

static void child(const struct spawn_spec *spec, int errpipe)
{
    if (ptrace(PTRACE_TRACEME, 0, 0, 0) < 0)
        goto fail;
    if (spec->cwd && chdir(spec->cwd) < 0)
        goto fail;
    /* The layout of the address space must be the same at every replay. */
    if (personality(ADDR_NO_RANDOMIZE) < 0)
        goto fail;
    /* rdtsc faults with SIGSEGV so the tracer can record its value. */
    if (prctl(PR_SET_TSC, PR_TSC_SIGSEGV, 0, 0, 0) < 0)
        goto fail;
    if (spec->no_core) {
        struct rlimit none = {0, 0};
        setrlimit(RLIMIT_CORE, &none);
    }
    raise(SIGSTOP);
    execve(spec->exe, spec->argv, spec->envp);
fail:;
    int err = errno;
    if (write(errpipe, &err, sizeof err) < 0)
        _exit(126);
    _exit(127);
}

pid_t tracee_spawn(const struct spawn_spec *spec)
{
    int pipefd[2];
    if (pipe2(pipefd, O_CLOEXEC) < 0)
        die_errno("pipe");
    pid_t pid = fork();
    if (pid < 0)
        die_errno("fork");
    if (pid == 0) {
        close(pipefd[0]);
        child(spec, pipefd[1]);
    }
    close(pipefd[1]);
    int status = wait_for(pid);
    if (!WIFSTOPPED(status) || WSTOPSIG(status) != SIGSTOP) {
        int err = 0;
        if (read(pipefd[0], &err, sizeof err) == sizeof err)
            die("cannot start %s: %s", spec->exe, strerror(err));
        die("cannot start %s", spec->exe);
    }
    if (ptrace(PTRACE_SETOPTIONS, pid, 0, TRACE_OPTIONS) < 0)
        die_errno("ptrace(SETOPTIONS)");
    /* Run to the execve's exec event, then to its syscall exit. */
    int seen_exec = 0;
    for (;;) {
        if (tracee_resume(PTRACE_SYSCALL, pid, 0) < 0)
            die_errno("ptrace(SYSCALL)");
        status = wait_for(pid);
        struct stop s;
        stop_classify(pid, status, &s);
        if (s.kind == STOP_EXITED) {
            int err = 0;
            if (read(pipefd[0], &err, sizeof err) == sizeof err)
                die("cannot execute %s: %s", spec->exe, strerror(err));
            die("cannot execute %s", spec->exe);
        }
        if (s.kind == STOP_EVENT && s.event == PTRACE_EVENT_EXEC)
            seen_exec = 1;
        else if (s.kind == STOP_SYSCALL_EXIT && seen_exec)
            break;
    }
    close(pipefd[0]);
    return pid;
}
