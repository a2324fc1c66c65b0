/* Replay: re-execute a recording, event by event, in the recorded order.
 * Syscalls are emulated (PTRACE_SYSEMU) from the trace unless they shape
 * the address space or the task tree, which are executed and forced to
 * their recorded outcome.  Registers are compared at every event. */
#pragma once
#include <signal.h>
#include <stdbool.h>
#include <stdnoreturn.h>
#include <stdint.h>
#include <sys/types.h>

#include "arch/regs.h"
#include "trace/event.h"

struct replay_options {
    const char *trace;  /* as the user named it, or NULL for latest-trace */
    bool quiet;         /* -q: do not echo the program's output */
    bool autopilot;     /* -a: no debugger, replay to the end */
    bool mark_stdio;    /* global -M: prefix each write with [rr PID EVENT] */
    /* Debugging (everything below is unused with -a). */
    int dbgport;        /* -s PORT: serve only (0: pick a free port);
                           -1: launch the debugger ourselves */
    const char *dbghost;/* -h HOST, default 127.0.0.1 */
    bool keep_listening;/* -k: serve again after gdb disconnects */
    const char *debugger;       /* -d FILE, default "gdb" */
    const char **gdb_args;      /* -x FILE / -o OPT / after "--", in order,
                                   as gdb arguments */
    int ngdb_args;
    const char *onprocess;      /* -p PID|COMMAND: debug from its exec */
    pid_t onfork;               /* -f PID: debug from its fork; 0 unset */
    uint64_t goto_event;        /* -g EVENT; 0 unset */
    bool goto_exit;             /* -e: start at the end */
};

/* Replays to the end; returns the exit code for `rewind replay -a`. */
int replay_run(const struct replay_options *opt);

enum ptask_where {
    PT_STOPPED,     /* at a stop; the next resume runs user code */
    PT_AT_ENTRY,    /* at a syscall-entry stop; the syscall has not run */
    PT_EMULATED,    /* at a SYSEMU entry stop; the syscall will not run */
    PT_IN_SYSCALL,  /* at an event stop inside an executed syscall */
    PT_COMPLETING,  /* resumed to finish a syscall that may block on another
                       task (vfork waits for its child's exec) */
};

struct ptask {
    pid_t rec_tid;      /* the thread id in the recording */
    pid_t rec_tgid;     /* its process id in the recording */
    uint64_t enter_event_no; /* the event that entered its current syscall */
    uint64_t nevents;   /* events of this thread replayed so far */
    pid_t tid, tgid;    /* the live thread */
    enum ptask_where where;
    int pending_sig;
    bool fresh;         /* new child: may report its fork's exit stop */
    bool at_sysemu_stop;/* stopped where PTRACE_SYSEMU skipped a syscall */
    regs_t entry_regs;
    uint64_t syscall_insn;     /* a syscall instruction in its vDSO stubs */
    int64_t completing_result; /* PT_COMPLETING: the recorded result */
    bool restart_due;          /* the last event was a syscall's exit with
                                  ERESTART*: restarted unless a signal comes
                                  next (restart_unsignalled) */
    bool interrupted_syscall;  /* the last event was a syscall's exit with
                                  an interrupted result (EINTR, ERESTART*) */
    bool mask_after_delivery;  /* pending_sig interrupted a masked wait: */
    uint64_t saved_mask;       /* ... the mask to restore after it */
    /* What the kernel keeps for the thread that a copy (a checkpoint)
     * must be given again: the word it zeroes at its exit, its signal
     * stack. */
    uint64_t clear_child_tid;
    bool has_altstack;
    stack_t altstack;
    struct ptask *next;
};

struct event_reader;
struct file_cache;

struct stashed_status {
    pid_t tid;
    int status;
};

struct replayer {
    struct event_reader *reader;
    const char *dir;
    bool cut_off;        /* the trace ends inside a block */
    struct ptask *tasks;
    uint64_t event_no;   /* index of the event being replayed */
    const struct event *ev;
    bool quiet;
    struct file_cache *files;
    char *exec_dir;      /* replayed tasks' cwd, holding links to executables */
    struct stashed_status *stashed; /* statuses collected before their turn */
    int nstashed, stash_cap;
    unsigned exec_links;
    bool mark_stdio;     /* -M */
    struct debugger *dbg;/* NULL with -a */
    char dbg_exe[4096];  /* the debugged process's executable, as recorded */
};

/* replay/replayer.c */
noreturn void divergence(struct replayer *rp, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Resumes t with request (PTRACE_SYSEMU, PTRACE_SYSCALL, PTRACE_CONT),
 * delivering its pending signal, and waits for its next meaningful stop:
 * stray signals (the kernel's own SIGCHLD, whose recorded counterpart is
 * replayed as an event) and group-stops are passed over. */
struct stop;
void resume_and_wait(struct replayer *rp, struct ptask *t, int request, struct stop *s);
/* The same, when a delivery of signal `expected` is the stop wanted. */
void resume_and_wait_sig(struct replayer *rp, struct ptask *t, int request, int expected,
                         struct stop *s);
struct ptask *ptask_find(struct replayer *rp, pid_t rec_tid);
/* A signal a thread's own instruction raises (SIGSEGV, SIGTRAP, ...): the
 * others a replayed process gets for real are the replay's own, dropped. */
bool replay_is_fault(int sig);
/* Ends the replay now (gdb killed it): kills the tasks, exits with code. */
noreturn void replay_abandon(int code);
/* Kills the tasks and starts this replay again from the beginning, the
 * debugger kept (gdb's `run`, or -k after gdb left). */
noreturn void replay_restart(void);
/* The same, from checkpoint cp (replay/checkpoint.h), or the beginning
 * when cp is NULL. */
struct replay_checkpoint;
noreturn void replay_restart_from(const struct replay_checkpoint *cp);

/* waitpid for tid, or the status already collected for it. */
int replay_wait(struct replayer *rp, pid_t tid);
void stash_status(struct replayer *rp, pid_t tid, int status);

/* replay/syscall_replay.c */
void replay_syscall_enter(struct replayer *rp, struct ptask *t, const struct event *ev);
void replay_syscall_exit(struct replayer *rp, struct ptask *t, const struct event *ev);
/* Puts in place the futex words the kernel wrote for t (EV_KERNEL_WRITE). */
void replay_kernel_write(struct replayer *rp, struct ptask *t, const struct event *ev);
/* Runs the syscall at t's entry stop (with args in place of its own
 * registers when non-NULL) to its exit stop; returns the kernel's answer. */
int64_t replay_execute(struct replayer *rp, struct ptask *t, const regs_t *args);
/* Leaves t as the recorded syscall left it: result in rax, arguments back. */
void finish_with_result(struct ptask *t, int64_t result);
/* replay/mmap_replay.c */
void replay_mmap(struct replayer *rp, struct ptask *t, const struct event *ev);
void replay_mremap(struct replayer *rp, struct ptask *t, int64_t result);
/* Waits for a PT_COMPLETING task's syscall exit and applies its result. */
void replay_complete_syscall(struct replayer *rp, struct ptask *t);

/* replay/signal_position.c: a search at the program's speed under way
 * takes its patch out, for a stop gdb is about to see; returns the task
 * whose registers that changed (it stood in the patch's code), or NULL; */
struct ptask *position_search_yield(struct replayer *rp);
/* ... and puts it back as gdb lets the threads run on; */
void position_search_go_on(struct replayer *rp);
/* ... and forgets it, the replay starting again. */
void position_search_forget(void);
/* replay/signal_position.c: runs t to the point of its current run of user
 * code where its registers were `at` (a signal landed, a slice ended).
 * run_cpu_ns: the recorded thread's time on a CPU in that run (0: not
 * known), which bounds the searches at the program's speed. */
void reach_position(struct replayer *rp, struct ptask *t, const regs_t *at,
                    const struct ev_position *pos, uint64_t run_cpu_ns);

/* replay/sigbus_replay.c: false when the SIGBUS needs no arranging. */
bool replay_sigbus(struct replayer *rp, struct ptask *t, const struct ev_signal *e);

/* replay/exec_files.c */
void exec_dir_create(struct replayer *rp);
void exec_dir_remove(struct replayer *rp);
/* A link in exec_dir, named with exactly len characters, to the trace's
 * copy of the program EXEC event ev ran (made to load the trace's copy of
 * its ELF interpreter); NULL when no such name is possible.  Returns the
 * name.  Dies with one line when a file the exec needs is gone. */
char *exec_link_create(struct replayer *rp, size_t len, const struct event *ev);
void exec_link_remove(struct replayer *rp, char *name);
/* Right after that exec, before the program runs: puts the recorded
 * interpreter path back in its memory. */
void exec_interp_restore(struct replayer *rp, struct ptask *t);

/* replay/file_cache.c: open files saved in the trace directory. */
struct file_cache *file_cache_new(const char *dir);
int file_cache_fd(struct file_cache *fc, const char *name);
void file_cache_free(struct file_cache *fc);
