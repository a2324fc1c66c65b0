/* The replayer's hooks for gdb: when debugging starts, single-stepping a
 * task that is about to run user code, recognising gdb's breakpoint and
 * watchpoint stops, and reporting each stop to the server.  See
 * debugger.h and docs/debugging.md. */
#include "replay/debugger.h"

#include <errno.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "arch/hw_breakpoint.h"
#include "arch/tracee_mem.h"
#include "cli/gdb_launch.h"
#include "common/die.h"
#include "replay/replayer.h"
#include "trace/event.h"
#include "tracee/tracee.h"
#include "tracee/soft_breakpoint.h"


struct debugger *debugger_new(const struct replay_options *opt)
{
    struct debugger *d = xcalloc(1, sizeof *d);
    d->opt = opt;
    const char *host = opt->dbghost ? opt->dbghost : "127.0.0.1";
    int port = opt->dbgport > 0 ? opt->dbgport : 0;
    d->srv = gdb_server_listen(host, port, &d->port);
    return d;
}

static struct ptask *first_task_of(struct replayer *rp, pid_t rec_pid)
{
    for (struct ptask *t = rp->tasks; t; t = t->next)
        if (t->rec_tgid == rec_pid)
            return t;
    return NULL;
}

static int live_threads_of(struct replayer *rp, pid_t rec_pid)
{
    int n = 0;
    for (struct ptask *t = rp->tasks; t; t = t->next)
        n += t->rec_tgid == rec_pid;
    return n;
}

/* Takes every breakpoint and watchpoint out of the tasks. */
static void remove_all_points(struct replayer *rp)
{
    struct debugger *d = rp->dbg;
    while (d->nbps) {
        struct sw_bp *bp = &d->bps[d->nbps - 1];
        for (struct ptask *t = rp->tasks; t; t = t->next)
            if (t->tgid == bp->pid) {
                tracee_write(t->tid, bp->addr, &bp->orig, 1);
                break;
            }
        d->nbps--;
    }
    while (d->nhw)
        debug_remove_point(rp, d->hw[0].type, d->hw[0].addr, d->hw[0].len);
}

static void restart(struct replayer *rp)
{
    (void)rp;
    replay_restart();
}

/* gdb's `run` (from the start), `run EVENT`, and rr's `restart N` (run cN):
 * replays from the start to there. */
static void restart_at(struct replayer *rp, const char *arg)
{
    struct debugger *d = rp->dbg;
    char *end;
    if (arg[0] == 'c' && arg[1]) {
        long id = strtol(arg + 1, &end, 10);
        for (int i = 0; i < d->ncheckpoints && !*end; i++)
            if (d->checkpoints[i].id == id) {
                d->hold_continue = true;
                reverse_goto(rp, &d->checkpoints[i].pos);
            }
        warn("no checkpoint %s: restarting from the beginning", arg + 1);
    } else if (arg[0] >= '1' && arg[0] <= '9') {
        unsigned long long ev = strtoull(arg, &end, 10);
        if (!*end) {
            struct position p = {.kind = POS_BEFORE_EVENT, .event_no = ev};
            d->hold_continue = true;
            reverse_goto(rp, &p);
        }
    }
    restart(rp);
}

/* A new start of the replay: gdb's breakpoints went with the old tasks;
 * gdb, if still connected, hears from us at the first stop (its `run`
 * waits for that answer). */
/* The tasks are new: gdb's breakpoints and watchpoints went with the old
 * ones, but stay gdb's (a reverse pass needs them; after `run` gdb resets
 * them). */
static void new_tasks(struct debugger *d)
{
    d->done = d->end_reported = d->exited = false;
    d->step_tid = 0;
    for (int i = 0; i < d->nbps; i++)
        d->bps[i].pid = 0;
    for (int i = 0; i < d->nhwfds; i++)
        hwbp_close(d->hwfds[i].fd);
    d->nhwfds = 0;
    d->stretch_event = 0;
    debug_overlay_discard(d);
}

void debugger_restarted(struct replayer *rp)
{
    struct debugger *d = rp->dbg;
    new_tasks(d);
    d->active = false; /* activation puts the points in */
    d->rec_pid = 0;
    rp->dbg_exe[0] = 0;
}

void debugger_restored(struct replayer *rp)
{
    struct debugger *d = rp->dbg;
    new_tasks(d);
    d->active = true;
    debug_reinsert_bps(rp);
    for (struct ptask *t = rp->tasks; t; t = t->next)
        if (t->rec_tgid == d->rec_pid)
            debug_arm_thread(rp, t);
}

static struct position pos_here(struct replayer *rp, struct ptask *t, enum pos_kind kind)
{
    struct position p = {.kind = kind, .event_no = rp->event_no, .tid = t->rec_tid,
                         .enter_event = t->enter_event_no};
    regs_get(t->tid, &p.regs);
    return p;
}

/* Shows gdb the stop at pos, and takes its next request to run.  During a
 * reverse pass the pass takes the stop instead, until it gets where it
 * was going. */
static void report_here(struct replayer *rp, struct gdb_stop *st, const struct position *pos)
{
    struct debugger *d = rp->dbg;
    d->step_tid = 0;
    struct position here = *pos;
    if (d->mode != MODE_INTERACTIVE) {
        if (reverse_pass_stop(rp, st, &here))
            return;
        rp->quiet = d->opt->quiet;
        debug_drop_internal_bps(rp);
        debug_drop_internal_points(rp);
    } else if (here.kind == POS_BP || here.kind == POS_WATCH) {
        here.kind = POS_REGS; /* gdb moves breakpoints between stops: hit counts are not exact */
    }
    here.stepped = false;
    d->cur = here;
    for (;;) {
        gdb_server_stopped(d->srv, st, &d->target, &d->req);
        debug_overlay_discard(d);
        if (d->hold_continue && d->req.kind == GDB_RESUME_CONTINUE) {
            d->hold_continue = false; /* the continue of gdb's `run`: stay */
            continue;
        }
        d->hold_continue = false;
        switch (d->req.kind) {
        case GDB_RESUME_CONTINUE:
        case GDB_RESUME_STEP:
            return;
        case GDB_RESUME_REVERSE_CONTINUE:
        case GDB_RESUME_REVERSE_STEP:
            reverse_begin(rp, d->req.kind); /* replays from the start: no return */
            return;
        case GDB_RESUME_DETACH:
            remove_all_points(rp);
            d->active = false;
            d->done = true;
            if (d->opt->keep_listening) {
                d->connected = false;
                restart(rp);
            }
            return;
        case GDB_RESUME_RESTART:
            restart_at(rp, d->req.run_arg);
            return;
        case GDB_RESUME_KILL:
            if (d->opt->keep_listening) {
                d->connected = false;
                restart(rp);
            }
            replay_abandon(0);
        }
    }
}

/* A search under way in the thread hides its patch from gdb meanwhile. */
static void report(struct replayer *rp, struct gdb_stop *st, const struct position *pos)
{
    struct position here = *pos;
    struct ptask *moved = position_search_yield(rp);
    if (moved && moved->rec_tid == here.tid)
        regs_get(moved->tid, &here.regs);
    report_here(rp, st, &here);
    position_search_go_on(rp);
}

static void report_thread(struct replayer *rp, struct ptask *t, enum gdb_stop_kind kind, int sig,
                          const struct position *pos)
{
    struct gdb_stop st = {.kind = kind, .pid = t->rec_tgid, .tid = t->rec_tid, .sig = sig};
    report(rp, &st, pos);
}

/* Prints rr's launch lines, or starts the debugger. */
static void connect_debugger(struct replayer *rp)
{
    struct debugger *d = rp->dbg;
    const char *host = d->opt->dbghost ? d->opt->dbghost : "127.0.0.1";
    debug_target_init(rp, &d->target);
    if (d->connected)
        return;
    if (d->opt->dbgport >= 0) {
        print_launch_lines(stderr, host, d->port, rp->dbg_exe);
        fflush(stderr);
    } else if (!d->gdb_pid) {
        d->gdb_pid = launch_debugger(d->opt, host, d->port, rp->dbg_exe);
    }
    gdb_server_accept(d->srv);
    d->connected = true;
}

static void activate(struct replayer *rp, struct ptask *at, bool after)
{
    struct debugger *d = rp->dbg;
    d->active = true;
    connect_debugger(rp);
    gdb_server_set_process(d->srv, d->rec_pid, at->rec_tid);
    debug_reinsert_bps(rp);
    for (struct ptask *t = rp->tasks; t; t = t->next)
        if (t->rec_tgid == d->rec_pid)
            debug_arm_thread(rp, t);
    struct position pos = pos_here(rp, at, after ? POS_AFTER_EVENT : POS_BEFORE_EVENT);
    if (d->start.kind == POS_NONE)
        d->start = pos;
    report_thread(rp, at, GDB_STOP_SIGNAL, SIGTRAP, &pos);
}

/* Is ev the last thing the debugged process does: its exit_group, or the
 * exit of its last thread? */
static bool is_process_end(struct replayer *rp, struct ptask *t, const struct event *ev,
                           bool after)
{
    if (!t || t->rec_tgid != rp->dbg->rec_pid)
        return false;
    if (after != (ev->type == EV_SYSCALL_ENTER)) /* in the syscall, or before the exit */
        return false;
    if (ev->type == EV_SYSCALL_ENTER)
        return ev->u.enter.regs.orig_rax == SYS_exit_group ||
               (ev->u.enter.regs.orig_rax == SYS_exit && live_threads_of(rp, t->rec_tgid) == 1);
    return ev->type == EV_TASK_EXIT && live_threads_of(rp, t->rec_tgid) == 1;
}

/* Starts debugging when its moment has come: the chosen process exists
 * (and, with -e, is at its end).  -g N waits for event N to be reached
 * (checked after it, in debugger_after_event). */
static void maybe_activate(struct replayer *rp, struct ptask *t, const struct event *ev,
                           bool after)
{
    struct debugger *d = rp->dbg;
    if (!d->rec_pid && !d->opt->onprocess && !d->opt->onfork)
        d->rec_pid = rp->tasks ? rp->tasks->rec_tgid : 0; /* the first process */
    if (!d->rec_pid || (d->opt->goto_event && (!after || rp->event_no < d->opt->goto_event)) ||
        (!d->opt->goto_event && !d->opt->goto_exit && after))
        return;
    if (d->opt->goto_exit && !is_process_end(rp, t, ev, after))
        return;
    struct ptask *at = t && t->rec_tgid == d->rec_pid ? t : first_task_of(rp, d->rec_pid);
    if (!at)
        return;
    if (d->opt->goto_exit)
        d->end_reported = true;
    activate(rp, at, after);
}

/* As rr does: the end of the replay shows as a SIGKILL, with the process
 * still there to look at, in its exit_group (or before its last exit). */
static void report_end(struct replayer *rp, struct ptask *t, const struct event *ev, bool after)
{
    struct debugger *d = rp->dbg;
    if (d->end_reported || !is_process_end(rp, t, ev, after))
        return;
    d->end_reported = true;
    struct position pos = pos_here(rp, t, after ? POS_AFTER_EVENT : POS_BEFORE_EVENT);
    report_thread(rp, t, GDB_STOP_SIGNAL, SIGKILL, &pos);
}

/* A reverse pass going to "before/after event N" stops there. */
static void pass_event_place(struct replayer *rp, struct ptask *t, enum pos_kind kind)
{
    struct debugger *d = rp->dbg;
    if (d->mode == MODE_INTERACTIVE || d->base_reached || d->goal.kind != kind ||
        d->goal.event_no != rp->event_no)
        return;
    struct ptask *gt = ptask_find(rp, d->goal.tid);
    if (!gt)
        gt = t;
    struct position pos = pos_here(rp, gt, kind);
    report_thread(rp, gt, GDB_STOP_SIGNAL, SIGTRAP, &pos);
}

void debugger_before_event(struct replayer *rp, const struct event *ev)
{
    struct debugger *d = rp->dbg;
    if (!d || d->done)
        return;
    struct ptask *t = ptask_find(rp, ev->tid);
    if (!t)
        return;
    if (!d->active) {
        maybe_activate(rp, t, ev, false);
        return;
    }
    pass_event_place(rp, t, POS_BEFORE_EVENT);
    if (gdb_server_interrupted(d->srv)) {
        struct ptask *at = t->rec_tgid == d->rec_pid ? t : first_task_of(rp, d->rec_pid);
        if (at) {
            struct position pos = pos_here(rp, at, POS_BEFORE_EVENT);
            report_thread(rp, at, GDB_STOP_SIGNAL, SIGINT, &pos);
        }
    }
    report_end(rp, t, ev, false);
}

void debugger_after_event(struct replayer *rp, const struct event *ev)
{
    struct debugger *d = rp->dbg;
    if (!d || d->done)
        return;
    if (!d->active) {
        if (d->opt->goto_event || d->opt->goto_exit)
            maybe_activate(rp, ptask_find(rp, ev->tid), ev, true);
        return;
    }
    if (ev->type == EV_SYSCALL_EXIT &&
        (ev->u.exit.nr == SYS_mmap || ev->u.exit.nr == SYS_mremap || ev->u.exit.nr == SYS_munmap))
        debug_retry_pending_bps(rp);
    if (ptask_find(rp, ev->tid))
        pass_event_place(rp, ptask_find(rp, ev->tid), POS_AFTER_EVENT);
    report_end(rp, ptask_find(rp, ev->tid), ev, true);
    if (!d->step_tid || !d->active)
        return;
    struct ptask *t = ptask_find(rp, d->step_tid);
    if (!t) {
        d->step_tid = 0;
        return;
    }
    if (t->where == PT_STOPPED && !t->pending_sig) {
        struct position pos = pos_here(rp, t, POS_AFTER_EVENT);
        pos.stepped = true;
        report_thread(rp, t, GDB_STOP_SIGNAL, SIGTRAP, &pos);
    }
}

static bool is_stray(const struct stop *s, int expected);

/* A thread resuming from one of our int3s (gdb takes its breakpoints out
 * before it resumes; a reverse pass does not) first runs the real
 * instruction there.  True when that met the stop the caller waits for. */
static bool step_off_breakpoint(struct replayer *rp, struct ptask *t, int expected, struct stop *s)
{
    regs_t r;
    regs_get(t->tid, &r);
    struct sw_bp *bp = debug_find_bp(rp->dbg, t->tgid, r.rip);
    if (!bp || tracee_syscall_insn_at(t->tid, r.rip))
        return false;
    static const uint8_t int3 = 0xcc;
    for (;;) {
        tracee_write(t->tid, bp->addr, &bp->orig, 1);
        t->at_sysemu_stop = false;
        t->fresh = false;
        if (tracee_resume(PTRACE_SINGLESTEP, t->tid, 0) < 0)
            divergence(rp, "cannot single-step thread %d: %s", t->tid, strerror(errno));
        stop_classify(t->tid, replay_wait(rp, t->tid), s);
        tracee_write(t->tid, bp->addr, &int3, 1);
        if (is_stray(s, expected))
            continue;
        regs_t now;
        regs_get(t->tid, &now);
        if (s->kind == STOP_SIGNAL && s->sig == SIGTRAP && now.rip == r.rip)
            continue; /* the report of leaving a syscall stop: nothing ran yet */
        if (s->kind == STOP_SIGNAL && s->sig == SIGTRAP)
            return false;
        if (debugger_claims_stop(rp, t, s))
            return false;
        return true;
    }
}

static bool is_stray(const struct stop *s, int expected)
{
    if (s->kind == STOP_GROUP)
        return true;
    return s->kind == STOP_SIGNAL && s->sig != expected && s->sig != SIGSEGV && s->sig != SIGBUS &&
           s->sig != SIGFPE && s->sig != SIGILL && s->sig != SIGTRAP && s->sig != HWBP_SIGNAL;
}

bool debugger_before_resume(struct replayer *rp, struct ptask *t, int request, int expected,
                            int *sig, struct stop *s)
{
    (void)request;
    struct debugger *d = rp->dbg;
    int unmoved = 0;
    uint64_t hit_reported = 0;
    if (d && d->active && t->where == PT_STOPPED && !*sig &&
        !(d->req.kind == GDB_RESUME_STEP && d->req.tid == t->rec_tid) &&
        step_off_breakpoint(rp, t, expected, s))
        return true;
    while (d && d->active && t->where == PT_STOPPED && d->req.kind == GDB_RESUME_STEP &&
           d->req.tid == t->rec_tid) {
        regs_t before;
        regs_get(t->tid, &before);
        if (!*sig && tracee_syscall_insn_at(t->tid, before.rip)) {
            /* The replay runs the syscall; the step ends after it. */
            d->step_tid = t->rec_tid;
            d->req.kind = GDB_RESUME_CONTINUE;
            return false;
        }
        t->at_sysemu_stop = false;
        t->fresh = false;
        /* A breakpoint of ours where the thread stands: step the real byte.
         * A reverse pass stepping onto one of gdb's hits it, as running would. */
        struct sw_bp *bp = debug_find_bp(d, t->tgid, before.rip);
        if (bp && bp->gdb && d->mode != MODE_INTERACTIVE && hit_reported != before.rip) {
            hit_reported = before.rip;
            struct position pos = pos_here(rp, t, POS_BP);
            pos.addr = bp->addr;
            pos.n = stretch_count_bp(rp, bp->addr);
            report_thread(rp, t, GDB_STOP_SWBREAK, SIGTRAP, &pos);
            continue;
        }
        hit_reported = 0;
        if (bp)
            tracee_write(t->tid, bp->addr, &bp->orig, 1);
        long rc = tracee_resume(PTRACE_SINGLESTEP, t->tid, *sig);
        int err = errno;
        if (rc < 0)
            divergence(rp, "cannot single-step thread %d: %s", t->tid, strerror(err));
        bool delivered = *sig != 0;
        *sig = 0;
        stop_classify(t->tid, replay_wait(rp, t->tid), s);
        if (bp) {
            static const uint8_t int3 = 0xcc;
            tracee_write(t->tid, bp->addr, &int3, 1);
        }
        if (is_stray(s, expected))
            continue;
        if (s->kind == STOP_SIGNAL && s->sig == SIGTRAP) {
            if (debugger_claims_stop(rp, t, s))
                continue;
            regs_t now;
            regs_get(t->tid, &now);
            /* Leaving a syscall stop by a step reports a trap before any
             * instruction has run. */
            if (now.rip == before.rip && !delivered && ++unmoved < 2)
                continue;
            struct position pos = pos_here(rp, t, POS_REGS);
            pos.stepped = true;
            report_thread(rp, t, GDB_STOP_SIGNAL, SIGTRAP, &pos);
            continue;
        }
        if (s->kind == STOP_SIGNAL && s->sig == HWBP_SIGNAL && debugger_claims_stop(rp, t, s))
            continue;
        d->step_tid = t->rec_tid; /* the replay's own stop came first */
        return true;
    }
    return false;
}

bool debugger_unblock_points(struct replayer *rp, struct ptask *t, uint64_t *mask)
{
    struct debugger *d = rp->dbg;
    if (!d || !d->nhw || t->rec_tgid != d->rec_pid)
        return false;
    const uint64_t bit = 1ull << (HWBP_SIGNAL - 1);
    if (ptrace(PTRACE_GETSIGMASK, t->tid, sizeof *mask, mask) < 0 || !(*mask & bit))
        return false;
    uint64_t open_mask = *mask & ~bit;
    return ptrace(PTRACE_SETSIGMASK, t->tid, sizeof open_mask, &open_mask) == 0;
}

bool debugger_allows_patch(struct replayer *rp, struct ptask *t, uint64_t addr, uint64_t len)
{
    struct debugger *d = rp->dbg;
    if (!d || !d->active)
        return true;
    if (d->nhw || (d->req.kind == GDB_RESUME_STEP && d->req.tid == t->rec_tid))
        return false;
    for (int i = 0; i < d->nbps; i++)
        if (d->bps[i].addr - addr < len)
            return false;
    return true;
}

/* Runs t over the int3 at bp, for a task that must not see it. */
static void step_over_hidden(struct replayer *rp, struct ptask *t, struct sw_bp *bp, regs_t *r)
{
    r->rip = bp->addr;
    regs_set(t->tid, r);
    tracee_write(t->tid, bp->addr, &bp->orig, 1);
    struct stop s;
    tracee_resume(PTRACE_SINGLESTEP, t->tid, 0);
    stop_classify(t->tid, replay_wait(rp, t->tid), &s);
    static const uint8_t int3 = 0xcc;
    tracee_write(t->tid, bp->addr, &int3, 1);
}

bool debugger_claims_stop(struct replayer *rp, struct ptask *t, const struct stop *s)
{
    struct debugger *d = rp->dbg;
    if (!d || s->kind != STOP_SIGNAL || (s->sig != SIGTRAP && s->sig != HWBP_SIGNAL))
        return false;
    siginfo_t si;
    if (ptrace(PTRACE_GETSIGINFO, t->tid, 0, &si) < 0)
        return false;
    if (s->sig == SIGTRAP) {
        if (si.si_code != SI_KERNEL) /* an int3 says SI_KERNEL */
            return false;
        regs_t r;
        regs_get(t->tid, &r);
        struct sw_bp *bp = NULL;
        for (int i = 0; i < d->nbps && !bp; i++)
            if (d->bps[i].addr == r.rip - 1)
                bp = &d->bps[i];
        if (!bp)
            return false;
        if (!d->active || t->rec_tgid != d->rec_pid || bp->pid != t->tgid) {
            step_over_hidden(rp, t, bp, &r);
            return true;
        }
        /* Back onto the breakpoint.  RF: an execution breakpoint of the
         * replay's own on this address already counted this execution. */
        r.rip = bp->addr;
        r.eflags |= EFLAGS_RF;
        regs_set(t->tid, &r);
        struct position pos = pos_here(rp, t, POS_BP);
        pos.addr = bp->addr;
        pos.n = stretch_count_bp(rp, bp->addr);
        report_thread(rp, t, GDB_STOP_SWBREAK, SIGTRAP, &pos);
        return true;
    }
    int p = debug_hw_point_of_fd(d, si.si_fd);
    if (p < 0)
        return false;
    if (!d->active || (d->mode == MODE_INTERACTIVE && !debug_point_is_gdbs(d, p)))
        return true;
    const struct hw_point *hp = &d->hw[p];
    struct gdb_stop st = {.pid = t->rec_tgid, .tid = t->rec_tid, .sig = SIGTRAP};
    struct position pos = pos_here(rp, t, POS_WATCH);
    pos.addr = hp->addr;
    pos.wtype = hp->type;
    pos.wlen = hp->len;
    pos.n = stretch_count_watch(rp, p);
    if (hp->type == 1) {
        st.kind = GDB_STOP_HWBREAK;
    } else {
        st.kind = GDB_STOP_WATCH;
        st.watch_type = hp->type;
        st.watch_addr = hp->addr;
    }
    report(rp, &st, &pos);
    return true;
}

void debugger_new_task(struct replayer *rp, struct ptask *parent, struct ptask *child, bool thread)
{
    struct debugger *d = rp->dbg;
    if (!d || d->done)
        return;
    if (!thread) {
        debug_clean_child(rp, child->tgid);
        if (d->opt->onfork == child->rec_tid && !d->rec_pid)
            d->rec_pid = child->rec_tgid;
    }
    if (d->active && thread && parent->rec_tgid == d->rec_pid)
        debug_arm_thread(rp, child);
}

void debugger_signal(struct replayer *rp, struct ptask *t, int signo)
{
    struct debugger *d = rp->dbg;
    if (d && d->active && t->rec_tgid == d->rec_pid) {
        struct position pos = pos_here(rp, t, POS_SIGNAL);
        report_thread(rp, t, GDB_STOP_SIGNAL, signo, &pos);
    }
}

static bool names_command(const char *want, const char *exe)
{
    char *copy = xstrdup(exe);
    bool same = !strcmp(basename(copy), want);
    free(copy);
    return same;
}

void debugger_exec(struct replayer *rp, struct ptask *t, const char *exe)
{
    struct debugger *d = rp->dbg;
    if (!d)
        return;
    debug_forget_process_bps(d, t->tgid); /* a new image: they are gone */
    const char *want = d->opt->onprocess;
    if (!d->rec_pid && want) {
        char *end;
        long pid = strtol(want, &end, 10);
        if ((*end == 0 && pid == t->rec_tgid) || (*end != 0 && names_command(want, exe)))
            d->rec_pid = t->rec_tgid;
    }
    if (t->rec_tgid == d->rec_pid || !d->rec_pid)
        snprintf(rp->dbg_exe, sizeof rp->dbg_exe, "%s", exe);
}

void debugger_task_gone(struct replayer *rp, struct ptask *t, int status)
{
    struct debugger *d = rp->dbg;
    if (!d)
        return;
    debug_disarm_thread(rp, t->tid);
    if (!d->active || t->rec_tgid != d->rec_pid || live_threads_of(rp, t->rec_tgid) != 1)
        return;
    struct gdb_stop st = {.pid = t->rec_tgid, .tid = t->rec_tid};
    if (WIFSIGNALED(status)) {
        st.kind = GDB_STOP_KILLED;
        st.sig = WTERMSIG(status);
    } else {
        st.kind = GDB_STOP_EXITED;
        st.exit_code = WEXITSTATUS(status);
    }
    struct position pos = {.kind = POS_AFTER_EVENT, .event_no = rp->event_no, .tid = t->rec_tid};
    if (d->mode != MODE_INTERACTIVE) { /* a pass that missed its goal: show where it is */
        d->mode = MODE_INTERACTIVE;
        rp->quiet = d->opt->quiet;
    }
    d->exited = true; /* gdb sees no threads from here */
    do
        report(rp, &st, &pos); /* until gdb leaves (or restarts): nothing runs */
    while (!d->done);
}

void debugger_trace_end(struct replayer *rp)
{
    struct debugger *d = rp->dbg;
    if (!d || d->done)
        return;
    if (!d->rec_pid && rp->tasks)
        d->rec_pid = rp->tasks->rec_tgid;
    struct ptask *t = first_task_of(rp, d->rec_pid);
    if (!t)
        return;
    if (!d->active)
        activate(rp, t, false);
    d->mode = MODE_INTERACTIVE;
    struct position pos = pos_here(rp, t, POS_BEFORE_EVENT);
    struct gdb_stop st = {.kind = GDB_STOP_SIGNAL, .pid = t->rec_tgid, .tid = t->rec_tid,
                          .sig = SIGKILL};
    if (d->end_reported)
        st = (struct gdb_stop){.kind = GDB_STOP_REPLAY_END, .pid = t->rec_tgid,
                               .tid = t->rec_tid, .sig = SIGTRAP};
    d->end_reported = true;
    while (!d->done) {
        report(rp, &st, &pos); /* nothing further is recorded: every resume ends here */
        st = (struct gdb_stop){.kind = GDB_STOP_REPLAY_END, .pid = t->rec_tgid,
                               .tid = t->rec_tid, .sig = SIGTRAP};
    }
}

void debugger_finish(struct replayer *rp)
{
    struct debugger *d = rp->dbg;
    if (!d)
        return;
    if (d->srv)
        gdb_server_close(d->srv);
    d->srv = NULL;
    if (d->gdb_pid)
        gdb_wait(d->gdb_pid);
}
