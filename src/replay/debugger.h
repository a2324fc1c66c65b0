/* Debugging a replay: the replayer's side of the gdb server.  The replay
 * runs event by event as always; the debugger is consulted before each
 * event (to start debugging at the chosen process and moment, to notice
 * gdb's interrupt, to report the end), whenever a task is about to run
 * user code (to single-step it instead), and at each stop (to recognise
 * gdb's breakpoints and watchpoints).  A stop reported to gdb is a
 * position in the replay; gdb's questions are answered from the stopped
 * tasks. */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "arch/regs.h"
#include "gdb/gdb_server.h"

struct replayer;
struct ptask;
struct event;
struct stop;
struct replay_options;

struct sw_bp {
    pid_t pid;          /* live process it is inserted in; 0: not inserted
                           (the replay restarted: activation puts it back) */
    uint64_t addr;
    uint8_t orig;
    bool gdb;           /* gdb's (Z0) */
    bool internal;      /* the debugger's own, to find a position */
};

/* A position in the replay: where a stop was, exactly enough to come
 * back to it by replaying from the start (docs/debugging.md). */
enum pos_kind {
    POS_NONE,
    POS_BEFORE_EVENT,   /* before event_no is replayed */
    POS_AFTER_EVENT,    /* after event_no was replayed */
    POS_SIGNAL,         /* at the delivery of event_no's signal */
    POS_BP,             /* the n-th int3 hit at addr by tid while replaying event_no */
    POS_WATCH,          /* after the n-th trigger of hw point (wtype, addr) ... */
    POS_REGS,           /* tid first stands with regs at regs.rip, ... */
};

struct position {
    enum pos_kind kind;
    uint64_t event_no;
    pid_t tid;              /* recorded */
    uint64_t addr;
    int wtype, wlen;
    uint64_t n;
    uint64_t enter_event;   /* POS_*_EVENT: tid's last syscall entry, for stepping back */
    regs_t regs;
    uint64_t steps;         /* then this many single-steps of tid */
    bool stepped;           /* (a stop, not a place) it ends a single-step */
};

/* What a reverse search found: a stop, and where. */
struct candidate {
    struct position pos;
    struct gdb_stop stop;
};

enum debug_mode {
    MODE_INTERACTIVE,   /* stops go to gdb */
    MODE_SEARCH,        /* replaying from the start to `target`, noting candidates */
    MODE_GOTO,          /* replaying from the start to `target`, then to gdb */
    MODE_COUNT_STEPS,   /* replaying to `target`'s base, stepping to find its step count */
};

/* A gdb hardware breakpoint or watchpoint (Z1-Z4), possibly split into
 * aligned pieces, each armed on every thread of the debugged process. */
struct hw_point {
    int type;           /* 1 exec, 2 write, 3 read, 4 access */
    uint64_t addr;
    int len;
    bool internal;      /* a reverse pass's own, to find a position */
};

struct hw_fd {
    pid_t tid;          /* live thread */
    int fd;
    int point;          /* index into hw[] */
};

struct mem_overlay {
    uint64_t addr;
    size_t len;
    uint8_t *bytes;
};

#define DEBUG_HW_POINTS 3   /* of x86's 4 debug registers: one stays the replay's */

struct debugger {
    const struct replay_options *opt;
    struct gdb_server *srv;
    struct gdb_target target;
    int port;
    pid_t gdb_pid;            /* the gdb we launched, or 0 */
    bool connected;           /* gdb is connected (it may stay through restarts) */
    bool active;              /* gdb is following the replay */
    bool done;                /* gdb detached or left: replay on silently */
    bool end_reported;        /* the debugged process's end was shown */
    bool exited;              /* ... and it has exited */
    pid_t rec_pid;            /* the debugged process (recorded pid), 0: none yet */
    struct gdb_resume req;    /* what gdb asked for last */
    pid_t step_tid;           /* a step of this (recorded) thread finishes
                                 when it next stands still in user code */
    struct sw_bp *bps;
    int nbps, bps_cap;
    struct hw_point hw[DEBUG_HW_POINTS * 2];
    int nhw;
    struct hw_fd *hwfds;
    int nhwfds, hwfds_cap;
    struct mem_overlay *ov;
    int nov;
    /* Positions (debug_reverse.c). */
    struct position cur;        /* of the stop gdb sees */
    struct position start;      /* where debugging started */
    enum debug_mode mode;
    struct position goal;       /* where the pass is going */
    struct gdb_stop goal_stop;  /* MODE_GOTO: what gdb is told there */
    struct position count_until;/* MODE_COUNT_STEPS: step until here (regs), */
    bool count_to_syscall;      /* ... or until a syscall instruction, */
    bool count_watch;           /* ... or until the step that writes goal_stop's watch */
    uint64_t steps_left, steps_done;
    bool base_reached;
    struct candidate *cands;    /* MODE_SEARCH: every qualifying stop, in order */
    int ncands, cands_cap;
    uint64_t cands_sig;         /* the breakpoint set they were found with */
    uint64_t cands_from;        /* the checkpoint's event the search began at (0: the start) */
    uint64_t stretch_event;     /* per-stretch hit counts: event, then */
    struct { uint64_t addr; uint64_t n; } *hits;
    int nhits, hits_cap;
    uint64_t watch_hits[DEBUG_HW_POINTS * 2];
    struct checkpoint {         /* gdb's `checkpoint`: a position to come back to */
        int id;
        struct position pos;
        uint64_t kept;          /* the fork checkpoint kept for it (its event) */
        char where[160];
    } *checkpoints;
    int ncheckpoints, next_checkpoint;
    bool hold_continue;         /* gdb's `run` continues after the restart's
                                   stop: `restart N` must stay there */
};

/* debugger.c: the replayer's hooks. */
struct debugger *debugger_new(const struct replay_options *opt);
/* The replay starts (again) from the beginning. */
void debugger_restarted(struct replayer *rp);
/* The replay was restored from a checkpoint (taken while debugging):
 * gdb's breakpoints and watchpoints go into the copy. */
void debugger_restored(struct replayer *rp);
/* Before replaying ev: starts debugging when its moment has come;
 * reports gdb's interrupt and the debugged process's end. */
void debugger_before_event(struct replayer *rp, const struct event *ev);
/* After ev: finishes a pending single-step over a syscall. */
void debugger_after_event(struct replayer *rp, const struct event *ev);
/* t is about to run user code with `request`: true when the debugger
 * single-stepped it into the stop the caller was waiting for (in *s). */
bool debugger_before_resume(struct replayer *rp, struct ptask *t, int request, int expected,
                            int *sig, struct stop *s);
/* gdb's hardware points signal the thread: when t has some and blocks
 * that signal, unblocks it for a resume and returns true with the mask to
 * put back in *mask. */
bool debugger_unblock_points(struct replayer *rp, struct ptask *t, uint64_t *mask);
/* Whether replay may patch [addr, addr + len) of t's code while t runs
 * on (a jump search): gdb is not stepping t, watches nothing and has no
 * breakpoint there.  The patch goes before gdb sees a stop
 * (position_search_yield). */
bool debugger_allows_patch(struct replayer *rp, struct ptask *t, uint64_t addr, uint64_t len);
/* A stop of t: true when it was the debugger's (a breakpoint, a
 * watchpoint), reported to gdb; the caller resumes as before. */
bool debugger_claims_stop(struct replayer *rp, struct ptask *t, const struct stop *s);
/* A new task: a forked copy loses the breakpoints, a thread gets the
 * watchpoints. */
void debugger_new_task(struct replayer *rp, struct ptask *parent, struct ptask *child,
                       bool thread);
/* t is at the delivery of a recorded signal: gdb hears of it, as natively. */
void debugger_signal(struct replayer *rp, struct ptask *t, int signo);
void debugger_exec(struct replayer *rp, struct ptask *t, const char *exe);
/* t has exited with wait status `status`. */
void debugger_task_gone(struct replayer *rp, struct ptask *t, int status);
/* The trace ends (cut off) with the program still running: gdb sees it
 * stopped there for good. */
void debugger_trace_end(struct replayer *rp);
/* The replay reached the end of the trace. */
void debugger_finish(struct replayer *rp);

/* debug_points.c: gdb's breakpoints and watchpoints in the live tasks. */
int debug_insert_point(struct replayer *rp, int type, uint64_t addr, int len);
int debug_remove_point(struct replayer *rp, int type, uint64_t addr, int len);
struct sw_bp *debug_find_bp(struct debugger *d, pid_t pid, uint64_t addr);
/* The hw point whose signal this is (si_fd), or -1. */
int debug_hw_point_of_fd(struct debugger *d, int fd);
void debug_arm_thread(struct replayer *rp, struct ptask *t);
void debug_disarm_thread(struct replayer *rp, pid_t tid);
/* A forked child shares none of gdb's breakpoints: take them out of it. */
void debug_clean_child(struct replayer *rp, pid_t child_pid);
/* Puts the original bytes back in buf, read from [addr, addr+len). */
void debug_hide_bps(struct debugger *d, pid_t pid, uint64_t addr, uint8_t *buf, size_t len);
void debug_forget_process_bps(struct debugger *d, pid_t pid);
int debug_insert_internal_bp(struct replayer *rp, uint64_t addr);
void debug_drop_internal_bps(struct replayer *rp);
void debug_reinsert_bps(struct replayer *rp);
/* After an event that may have changed the mappings: the breakpoints
 * waiting for their address, or whose int3 a new mapping replaced, go
 * in. */
void debug_retry_pending_bps(struct replayer *rp);
/* True when hw point i is gdb's (not a reverse pass's own). */
bool debug_point_is_gdbs(struct debugger *d, int i);
void debug_drop_internal_points(struct replayer *rp);

/* debug_reverse.c: reverse execution by replaying from a checkpoint. */
bool debugger_searching(const struct debugger *d);
/* A stop at pos: true when a pass took it (d->req is set: run on). */
bool reverse_pass_stop(struct replayer *rp, struct gdb_stop *st, const struct position *pos);
/* Goes to p (replaying from the start): gdb's `restart N`, `run EVENT`. */
_Noreturn void reverse_goto(struct replayer *rp, const struct position *p);
/* gdb asked for bc/bs from d->cur: starts the pass (does not return). */
void reverse_begin(struct replayer *rp, enum gdb_resume_kind kind);
/* The n-th hit of addr by the current stretch's thread (counts it). */
uint64_t stretch_count_bp(struct replayer *rp, uint64_t addr);
uint64_t stretch_count_watch(struct replayer *rp, int point);
bool regs_equal(const regs_t *a, const regs_t *b);

/* debug_target.c: gdb's questions, answered from the stopped replay. */
void debug_target_init(struct replayer *rp, struct gdb_target *tgt);
void debug_overlay_discard(struct debugger *d);
