/* Recording: run a program under ptrace, one task running user code at a
 * time, and write everything nondeterministic it sees to a trace. */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "arch/regs.h"
#include "trace/event.h"

struct record_options {
    const char *exe;        /* as the user gave it (resolved through PATH) */
    char **argv;            /* program argv (argv[0] as given) */
    char **extra_env;       /* -v NAME=VALUE additions, NULL-terminated */
    const char *out_dir;    /* -o DIR, or NULL */
    int print_trace_dir_fd; /* --print-trace-dir=FD, or -1 */
    int zstd_level;
    bool chaos;             /* --chaos */
    uint32_t chaos_seed;    /* --chaos-seed=N (0: pick one) */
};

/* Records; returns the exit code rr would: the program's exit status, or
 * 128+signal when it was killed. */
int record_run(const struct record_options *opt);

enum rtask_state {
    RT_NEW,        /* announced by its parent, initial stop not yet seen */
    RT_UNANNOUNCED,/* initial stop seen before its parent's clone event */
    RT_READY,      /* stopped; will run user code when scheduled */
    RT_RUNNING,    /* running user code (at most one task) */
    RT_IN_KERNEL,  /* inside a syscall; its exit stop will come */
    RT_DYING,      /* killed (another thread's exit_group, ...): only its
                    * exit will come */
};

struct rtask {
    pid_t tid, tgid;
    enum rtask_state state;
    int pending_sig;      /* delivered at the next resume */
    int signal_frames;    /* signals delivered, less rt_sigreturns: while
                             above 0 a signal frame may be on the stack */
    regs_t entry_regs;    /* at the current syscall's entry */
    int cancelled;        /* errno the recorder made this syscall fail with */
    bool exec_seen;       /* PTRACE_EVENT_EXEC during this syscall */
    char *exec_path;      /* the file an execve in progress names */
    pid_t former_tid;     /* it exec'd from a non-leader thread: its old tid */
    pid_t vfork_child;    /* a vfork child that has not exec'd or exited yet */
    /* The current run of user code (record/user_runs.c). */
    bool in_user;         /* resumed into user code, not stopped since */
    unsigned run_seq;
    int cpu_fd;           /* /proc/TID/schedstat, or -1 */
    uint64_t run_cpu_start; /* its time on a CPU (ns) when the run began */
    regs_t resume_regs;
    int run_sig;          /* the signal delivered as the run began */
    int stop_sent;        /* our SIGSTOP is on its way: STOP_FOR_* */
    bool peeked;          /* a peek in this run found it at peek_regs */
    int repeeks;          /* peeks again in this run, an anchor not met again */
    bool hold_tried;      /* a signal waited in this run (user_run_hold) */
    int holds_cut;        /* ... and another stop cut the wait short */
    bool restartable;     /* its last syscall returned ERESTART* */
    regs_t peek_regs;
    uint64_t peek_fp[FP_WORDS]; /* its floating-point registers there */
    bool anchored;        /* a peek found anchor_regs in this run ... */
    regs_t anchor_regs;
    int anchor_fd;        /* ... and counts executions of its address */
    uint64_t anchor_base; /* the count at the anchor (record/anchor_memory.c) */
    uint32_t anchor_nwords; /* memory that tells the anchor's iteration */
    struct ev_word anchor_words[POS_MAX_WORDS];
    int clock_fd;         /* its CPU clock, which sends a peek's SIGSTOP */
    int nhot;             /* learned loop addresses, counted from each resume */
    uint64_t hot_addr[4], hot_base[4];
    int hot_fd[4];
    bool at_dodged_entry; /* put back before its syscall instruction by
                             dodge_stop_signal, nothing run since */
    bool entry_undone;    /* ... and a signal of the program's came there */
    bool held;            /* a stop waiting for vfork_child (held_status) */
    int held_status;
    /* Futex words the kernel writes itself (record/futex_record.c). */
    bool exiting;         /* it entered exit or exit_group */
    int settle;           /* SETTLE_*: what to wait for once resumed */
    pid_t dying_tgid;     /* SETTLE_PROCESS_DEATH: whose */
    uint64_t clear_child_tid;      /* set_tid_address, CLONE_CHILD_CLEARTID */
    struct exit_word *exit_words;  /* words its exit may change */
    int nexit_words;
    struct rtask *next;
};

struct stream_writer;
struct mapped_files;

struct waiting_stop {
    pid_t tid;
    int status;
};

struct recorder {
    struct stream_writer *events;
    char *dir;
    struct rtask *tasks;
    struct rtask *last_run;
    pid_t root;
    int root_status;
    bool root_exited;
    uint64_t nevents;
    dev_t out_dev[3];
    ino_t out_ino[3];
    struct mapped_files *files;
    char warned[512 / 8]; /* unsupported syscalls already warned about */
    bool shared_file_maps;  /* some task has mapped a file MAP_SHARED */
    struct waiting_stop *waiting; /* stops reported while another task ran */
    int nwaiting, waiting_cap;
    long long last_flush_ns;
    bool timers_used;       /* a task armed a timer: signals may land in code */
    bool has_peek_timer;
    bool no_clock_peek;     /* perf cannot give a thread its own CPU clock */
    timer_t peek_timer;
    pid_t peek_tid;         /* the task the armed timer is for, and its run */
    unsigned peek_seq;
    int peek_phase;         /* PHASE_PEEK, then PHASE_SPIN, then PHASE_SLICE */
    bool chaos;             /* --chaos: random scheduling, from chaos_state */
    uint64_t chaos_state;
};

/* record/recorder.c: the start of a new program image after execve. */
void record_exec(struct recorder *r, struct rtask *t);
/* Notes the file an execve names (resolved against the tracee's cwd). */
void note_exec_path(struct rtask *t, const char *path);
/* record/user_runs.c: positioning asynchronous signals (docs/async-events.md) */
void user_runs_init(struct recorder *r);
/* False if t was killed meanwhile (then RT_DYING). */
bool user_run_begin(struct recorder *r, struct rtask *t);
void user_run_end(struct rtask *t);
void user_run_forget(struct rtask *t);
enum { PHASE_PEEK = 1, PHASE_SPIN, PHASE_SLICE };
enum { STOP_FOR_PEEK = 1, STOP_FOR_PREEMPT, STOP_FOR_SPIN_CHECK };
/* The recorder's timer fired: peek at or preempt the running task. */
void user_run_peek_due(struct recorder *r);
/* A SIGSTOP stop of t: not ours (STOPPED_FOREIGN: a real signal), our
 * peek or a late one (STOPPED_RESUME: the run goes on), or a preemption
 * (STOPPED_PREEMPTED: recorded; t is to wait while others run). */
enum { STOPPED_FOREIGN, STOPPED_RESUME, STOPPED_PREEMPTED, STOPPED_ELSEWHERE };
/* STOPPED_ELSEWHERE: t ran on (record/anchor_memory.c) and stopped again
 * with *status, which is to be handled as any stop. */
int user_run_sigstop(struct recorder *r, struct rtask *t, int *status);
/* record/anchor_memory.c: t stopped at a new anchor (t->anchor_regs,
 * counted by t->anchor_fd): lets it run on to learn the memory that tells
 * the anchor's iteration apart, and moves the anchor there (ANCHOR_MOVED);
 * or leaves it (ANCHOR_AT_PEEK, or ANCHOR_OTHER_STOP: another stop came,
 * *status).  Either way t->anchor_regs is what replay is to look for.
 * held_sig: t is at the delivery of that signal, which is to wait (queued
 * again, blocked) until the end; ANCHOR_NOT_TRIED: t was not resumed;
 * ANCHOR_NOT_MET: the address did not come again within the thread's CPU
 * time limit (t stopped elsewhere, by its clock: the anchor is of no use);
 * ANCHOR_LEFT: it came again, then not within the limit, or the far look
 * found no words (t stopped elsewhere; the far look drops the anchor:
 * t->anchored is false then).  thorough: for a signal (rare, so worth
 * milliseconds more): an inner loop's anchor also gets the far look. */
enum { ANCHOR_NOT_TRIED, ANCHOR_AT_PEEK, ANCHOR_MOVED, ANCHOR_OTHER_STOP, ANCHOR_NOT_MET,
       ANCHOR_LEFT };
int anchor_fingerprint(struct rtask *t, int held_sig, bool thorough, int *status);
/* Whether t, stopped at *now in user code, spins without changing
 * anything: the next two executions of its instruction have exactly its
 * registers, with the same writable memory at both.  Every round of such
 * a loop is the same point, so replay may stop at the first one.  1 it
 * does (t at the second of them), 0 it does not (t stopped somewhere in
 * its code), -1 another stop came (*status); *now: where t stands. */
int anchor_still_loop(struct rtask *t, regs_t *now, int *status);
/* The time t spent on a CPU (ns) since its run began: the tail of an
 * event positioned in the run, which bounds replay's search for it. */
uint64_t user_run_cpu_ns(struct rtask *t);
/* Whether t's SIGSTOP stop is the one its CPU clock sent. */
bool clock_peeked(const struct rtask *t);
/* A signal sig landing in t's code before its run has an anchor (within
 * the first 30 us): makes the anchor here, with its memory fingerprint,
 * while the signal waits.  HOLD_NO: record it now; HOLD_RESUME: resume t
 * in the same run (the signal comes again at the anchor); HOLD_ELSEWHERE:
 * t stopped otherwise, *status to be handled (the signal still pending). */
enum { HOLD_NO, HOLD_RESUME, HOLD_ELSEWHERE };
int user_run_hold(struct recorder *r, struct rtask *t, int sig, int *status);
/* record/recorder.c: the next pseudo-random number of --chaos. */
uint64_t chaos_random(struct recorder *r);
struct ev_position;
/* Where in t's current run the registers regs are: false when that is the
 * resume point itself (no position needed), else fills pos. */
bool user_run_position(struct rtask *t, const regs_t *regs, struct ev_position *pos);
/* record/futex_record.c: futex words the kernel writes itself.  Whether
 * the syscall t entered may block (only then may another task run). */
bool syscall_may_block(struct recorder *r, const struct rtask *t);
/* At a syscall entry, before t is resumed into it, and just after. */
void kernel_writes_prepare(struct recorder *r, struct rtask *t);
void kernel_writes_settle(struct recorder *r, struct rtask *t);
enum { SETTLE_NONE, SETTLE_LOCK_PI, SETTLE_THREAD_EXIT, SETTLE_PROCESS_DEATH };
/* Before t is resumed with t->pending_sig (then kernel_writes_settle). */
void kernel_writes_signal(struct recorder *r, struct rtask *t);
/* A new task: the word the kernel clears at its exit (CLONE_CHILD_CLEARTID). */
void kernel_writes_clone(struct rtask *parent, struct rtask *child, uint64_t flags);
/* record/syscall_record.c */
void record_syscall_entry(struct recorder *r, struct rtask *t);
void record_syscall_exit(struct recorder *r, struct rtask *t);
/* record/signal_record.c: SIGNAL_RECORDED: the signal is to be delivered
 * as t resumes (a new run); SIGNAL_HELD: it waits, t is to resume in the
 * same run (user_run_hold); SIGNAL_ELSEWHERE: t stopped otherwise meanwhile,
 * *status to be handled. */
enum { SIGNAL_RECORDED, SIGNAL_HELD, SIGNAL_ELSEWHERE };
int record_signal_stop(struct recorder *r, struct rtask *t, int sig, int *status);
/* record/shared_file_writes.c: the MAP_SHARED mappings of the file a
 * write-like call c wrote to, restricted to the bytes it wrote. */
struct sys_call;
struct mem_region;
int shared_mapping_regions(pid_t tid, const struct sys_call *c, struct mem_region *out, int max);
/* record/mapped_files.c */
struct mapped_files *mapped_files_new(const char *trace_dir);
/* Saves the file behind the tracee's fd into the trace (once per file
 * version); returns its name inside the trace directory. */
const char *mapped_file_save(struct mapped_files *m, pid_t tid, int fd, uint64_t *size);
/* The same for a file named by path (an executable). */
const char *saved_file_save(struct mapped_files *m, const char *path, uint64_t *size);
/* After an exec: saves the ELF interpreter the kernel loaded for tid's new
 * program (ld.so); NULL for a static program or when it cannot be found. */
const char *interp_file_save(struct mapped_files *m, pid_t tid);
/* After the exec of the `#!` script at exec_path: saves the program the
 * kernel ran for it (tid's /proc exe); NULL when not a script. */
const char *script_interp_save(struct mapped_files *m, pid_t tid, const char *exec_path);

