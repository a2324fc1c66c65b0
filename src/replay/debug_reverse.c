/* Reverse execution: every reverse request replays the trace again from
 * the latest checkpoint before where it looks (replay/checkpoint.h), or
 * from the start, with gdb's breakpoints and watchpoints in place, as
 * deterministic as the first time.
 *
 * bc: a search pass replays up to the current stop and notes every stop
 * that qualifies (gdb's breakpoints, watchpoint triggers, signals) with
 * its exact position; a goto pass then replays to the last of them.  When
 * none qualifies after the checkpoint it started from, the stretch before
 * that checkpoint is searched the same way, back to the start.  A
 * watchpoint is reported before the write, as gdb expects going
 * backwards: a counting pass steps from the trigger before it to find the
 * writing instruction.  bs: a counting pass single-steps the thread from
 * the start of its stretch (its user code since its last event) to the
 * current stop; a goto pass stops one step short.
 *
 * A position is exact: "before/after event N", "the n-th hit of this
 * breakpoint while replaying event N", "the n-th trigger of this
 * watchpoint", then a number of single-steps.  A stop reached forward
 * under gdb, whose breakpoints come and go, is "the first time thread T
 * stands with exactly these registers while replaying event N". */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/ptrace.h>

#include "arch/hw_breakpoint.h"
#include "arch/tracee_mem.h"
#include "common/die.h"
#include "replay/checkpoint.h"
#include "replay/debugger.h"
#include "replay/replayer.h"


bool debugger_searching(const struct debugger *d)
{
    return d && d->mode != MODE_INTERACTIVE;
}

bool regs_equal(const regs_t *a, const regs_t *b)
{
    regs_t x = *a, y = *b;
    x.eflags &= ~EFLAGS_RF;
    y.eflags &= ~EFLAGS_RF;
    x.orig_rax = y.orig_rax = 0; /* -1 or the syscall, by how the stop came */
    return !memcmp(&x, &y, sizeof x);
}

static void stretch_sync(struct replayer *rp)
{
    struct debugger *d = rp->dbg;
    if (d->stretch_event == rp->event_no)
        return;
    d->stretch_event = rp->event_no;
    d->nhits = 0;
    memset(d->watch_hits, 0, sizeof d->watch_hits);
}

uint64_t stretch_count_bp(struct replayer *rp, uint64_t addr)
{
    struct debugger *d = rp->dbg;
    stretch_sync(rp);
    for (int i = 0; i < d->nhits; i++)
        if (d->hits[i].addr == addr)
            return ++d->hits[i].n;
    if (d->nhits == d->hits_cap) {
        d->hits_cap = d->hits_cap ? 2 * d->hits_cap : 16;
        d->hits = xrealloc(d->hits, d->hits_cap * sizeof *d->hits);
    }
    d->hits[d->nhits].addr = addr;
    d->hits[d->nhits].n = 1;
    return d->hits[d->nhits++].n;
}

uint64_t stretch_count_watch(struct replayer *rp, int point)
{
    stretch_sync(rp);
    return ++rp->dbg->watch_hits[point];
}

/* Does the stop at p reach the place `want` (before any steps)? */
static bool place_reached(const struct position *want, const struct position *p)
{
    if (p->event_no != want->event_no)
        return false;
    switch (want->kind) {
    case POS_BEFORE_EVENT:
    case POS_AFTER_EVENT:
    case POS_SIGNAL:
        return p->kind == want->kind && !p->stepped;
    case POS_BP:
        return p->kind == POS_BP && p->tid == want->tid && p->addr == want->addr && p->n == want->n;
    case POS_WATCH:
        return p->kind == POS_WATCH && p->tid == want->tid && p->addr == want->addr &&
               p->n == want->n;
    case POS_REGS:
        /* A watchpoint's trigger stands there too, before the int3 put at
         * the place runs: resuming from it would step over the int3, as
         * gdb steps over a breakpoint where it stopped. */
        return p->tid == want->tid && (p->kind == POS_BP || p->kind == POS_WATCH || p->stepped) &&
               regs_equal(&p->regs, &want->regs);
    case POS_NONE:
        break;
    }
    return false;
}

static bool same_position(const struct position *a, const struct position *b)
{
    return a->steps == b->steps && a->kind == b->kind && place_reached(a, b);
}

static uint64_t points_signature(struct debugger *d)
{
    uint64_t h = 1469598103934665603ull;
    for (int i = 0; i < d->nbps; i++)
        if (d->bps[i].gdb)
            h = (h ^ d->bps[i].addr) * 1099511628211ull;
    for (int i = 0; i < d->nhw; i++)
        h = (h ^ (d->hw[i].addr * 8 + d->hw[i].type)) * 1099511628211ull;
    return h;
}

/* A pass replays from the latest checkpoint before its goal (a search:
 * before the goal's event, so that the stretch it searches is not empty),
 * or from the beginning. */
static noreturn void start_pass(struct replayer *rp, enum debug_mode mode)
{
    struct debugger *d = rp->dbg;
    d->mode = mode;
    d->base_reached = false;
    d->steps_left = d->steps_done = 0;
    uint64_t last = d->goal.event_no;
    if (mode == MODE_SEARCH && d->goal.kind == POS_BEFORE_EVENT)
        last--;
    struct replay_checkpoint *cp = checkpoint_latest(last);
    if (cp && cp->event_no <= d->start.event_no)
        cp = NULL; /* the history gdb sees begins after it */
    if (mode == MODE_SEARCH)
        d->cands_from = cp ? cp->event_no : 0;
    replay_restart_from(cp);
}

/* Nothing qualifies between cands_from and the goal: the stretch of
 * history before it is searched. */
static noreturn void search_before(struct replayer *rp, uint64_t event_no)
{
    struct debugger *d = rp->dbg;
    d->goal = (struct position){.kind = POS_BEFORE_EVENT, .event_no = event_no, .tid = d->cur.tid};
    d->ncands = 0;
    d->cands_sig = points_signature(d);
    start_pass(rp, MODE_SEARCH);
}

/* Goes to the place where history begins. */
static noreturn void goto_start(struct replayer *rp)
{
    struct debugger *d = rp->dbg;
    d->goal = d->start;
    d->goal_stop = (struct gdb_stop){.kind = GDB_STOP_REPLAY_END, .pid = d->rec_pid,
                                     .tid = d->start.tid, .sig = SIGTRAP, .at_start = true};
    start_pass(rp, MODE_GOTO);
}

/* The stretch of thread tid that holds p begins before p's event. */
static struct position stretch_start(const struct position *p)
{
    struct position s = {.kind = POS_BEFORE_EVENT, .event_no = p->event_no, .tid = p->tid};
    return s;
}

noreturn void reverse_goto(struct replayer *rp, const struct position *p)
{
    struct debugger *d = rp->dbg;
    d->goal = *p;
    d->goal_stop = (struct gdb_stop){.kind = GDB_STOP_SIGNAL, .pid = d->rec_pid, .tid = p->tid,
                                     .sig = SIGTRAP};
    start_pass(rp, MODE_GOTO);
}

static noreturn void goto_candidate(struct replayer *rp, const struct candidate *c)
{
    struct debugger *d = rp->dbg;
    d->goal_stop = c->stop;
    if (c->stop.kind == GDB_STOP_WATCH) {
        /* Backwards, the stop is before the write: step from the trigger
         * before it (or the stretch's start) to find the writing step. */
        struct position base = c->pos;
        if (base.n > 1)
            base.n--;
        else
            base = stretch_start(&c->pos);
        d->goal = base;
        d->goal.steps = 0;
        d->count_until = c->pos;
        d->count_to_syscall = false;
        d->count_watch = true;
        start_pass(rp, MODE_COUNT_STEPS);
    }
    d->goal = c->pos;
    start_pass(rp, MODE_GOTO);
}

void reverse_begin(struct replayer *rp, enum gdb_resume_kind kind)
{
    struct debugger *d = rp->dbg;
    const struct position c = d->cur;
    if (kind == GDB_RESUME_REVERSE_CONTINUE) {
        if (d->ncands && d->cands_sig == points_signature(d))
            for (int i = 0; i < d->ncands; i++)
                if (same_position(&d->cands[i].pos, &c)) {
                    if (i == 0 && d->cands_from)
                        search_before(rp, d->cands_from);
                    if (i == 0)
                        goto_start(rp);
                    goto_candidate(rp, &d->cands[i - 1]);
                }
        d->goal = c;
        d->ncands = 0;
        d->cands_sig = points_signature(d);
        start_pass(rp, MODE_SEARCH);
    }
    /* reverse-stepi */
    d->goal_stop = (struct gdb_stop){.kind = GDB_STOP_SIGNAL, .pid = d->rec_pid, .tid = c.tid,
                                     .sig = SIGTRAP};
    if (c.steps > 0) {
        d->goal = c;
        d->goal.steps--;
        start_pass(rp, MODE_GOTO);
    }
    d->count_watch = false;
    if (c.kind == POS_BEFORE_EVENT || c.kind == POS_AFTER_EVENT) {
        /* The instruction before is the syscall that ended the thread's
         * last stretch: step that stretch to it. */
        if (!c.enter_event || same_position(&c, &d->start))
            goto_start(rp);
        d->goal = (struct position){.kind = POS_BEFORE_EVENT, .event_no = c.enter_event,
                                    .tid = c.tid};
        d->count_to_syscall = true;
    } else {
        d->goal = stretch_start(&c);
        d->count_until = c;
        d->count_to_syscall = false;
    }
    start_pass(rp, MODE_COUNT_STEPS);
}

static bool is_candidate(struct debugger *d, const struct gdb_stop *st, const struct position *p)
{
    if (p->stepped)
        return false;
    if (st->kind == GDB_STOP_SWBREAK) {
        for (int i = 0; i < d->nbps; i++)
            if (d->bps[i].addr == p->addr && d->bps[i].gdb)
                return true;
        return false;
    }
    if (st->kind == GDB_STOP_WATCH || st->kind == GDB_STOP_HWBREAK) {
        for (int i = 0; i < d->nhw; i++)
            if (d->hw[i].addr == p->addr && d->hw[i].type == p->wtype)
                return debug_point_is_gdbs(d, i);
        return false;
    }
    return st->kind == GDB_STOP_SIGNAL && p->kind == POS_SIGNAL;
}

static void add_candidate(struct debugger *d, const struct gdb_stop *st, const struct position *p)
{
    if (d->ncands == d->cands_cap) {
        d->cands_cap = d->cands_cap ? 2 * d->cands_cap : 64;
        d->cands = xrealloc(d->cands, d->cands_cap * sizeof *d->cands);
    }
    d->cands[d->ncands++] = (struct candidate){*p, *st};
}

static uint64_t watch_count(struct replayer *rp, pid_t rec_tid, uint64_t addr)
{
    struct debugger *d = rp->dbg;
    struct ptask *t = ptask_find(rp, rec_tid);
    uint64_t n = 0;
    for (int i = 0; t && i < d->nhwfds; i++)
        if (d->hwfds[i].tid == t->tid && d->hw[d->hwfds[i].point].addr == addr)
            n += hwbp_read(d->hwfds[i].fd);
    return n;
}

static bool at_syscall_insn(struct replayer *rp, const struct position *p)
{
    struct ptask *t = ptask_find(rp, p->tid);
    return t && tracee_syscall_insn_at(t->tid, p->regs.rip);
}

static bool run_on(struct debugger *d, bool step, pid_t tid)
{
    d->req = (struct gdb_resume){.kind = step ? GDB_RESUME_STEP : GDB_RESUME_CONTINUE,
                                 .tid = step ? tid : -1};
    return true;
}

/* The counting pass found the goal's step count: go there. */
static noreturn void counted(struct replayer *rp, uint64_t steps)
{
    struct debugger *d = rp->dbg;
    d->goal.steps = steps;
    start_pass(rp, MODE_GOTO);
}

/* The goal is reached: gdb hears of it there. */
static bool arrived(struct replayer *rp, struct gdb_stop *st, struct position *p)
{
    struct debugger *d = rp->dbg;
    if (d->mode == MODE_SEARCH) {
        if (!d->ncands && d->cands_from)
            search_before(rp, d->cands_from);
        if (!d->ncands)
            goto_start(rp);
        goto_candidate(rp, &d->cands[d->ncands - 1]);
    }
    d->mode = MODE_INTERACTIVE;
    *p = d->goal;
    *st = d->goal_stop;
    st->pid = d->rec_pid;
    if (!st->tid)
        st->tid = p->tid;
    return false;
}

bool reverse_pass_stop(struct replayer *rp, struct gdb_stop *st, const struct position *pos)
{
    struct debugger *d = rp->dbg;
    struct position *p = (struct position *)pos;
    debug("pass %d: stop kind %d event %llu tid %d addr 0x%llx n %llu stepped %d rip 0x%llx; goal kind %d "
          "event %llu n %llu steps %llu; base %d done %llu",
          d->mode, p->kind, (unsigned long long)p->event_no, p->tid, (unsigned long long)p->addr,
          (unsigned long long)p->n, p->stepped, (unsigned long long)p->regs.rip, d->goal.kind,
          (unsigned long long)d->goal.event_no, (unsigned long long)d->goal.n,
          (unsigned long long)d->goal.steps, d->base_reached, (unsigned long long)d->steps_done);
    if (!d->base_reached) {
        if (!place_reached(&d->goal, p)) {
            if (d->mode == MODE_SEARCH && is_candidate(d, st, p))
                add_candidate(d, st, p);
            return run_on(d, false, 0);
        }
        d->base_reached = true;
        /* The goal is steps after it, or just after the access a
         * watchpoint reports (a hardware breakpoint's is before its
         * instruction, where the goal is). */
        if (d->mode == MODE_SEARCH && (d->goal.steps || (p->kind == POS_WATCH && p->wtype != 1)) &&
            is_candidate(d, st, p))
            add_candidate(d, st, p);
        if (d->mode == MODE_COUNT_STEPS) {
            if (d->count_to_syscall && at_syscall_insn(rp, p))
                counted(rp, 0);
            if (!d->count_to_syscall && !d->count_watch && regs_equal(&p->regs, &d->count_until.regs))
                goto_start(rp); /* the stretch starts here: nothing before it in reach */
            d->steps_left = watch_count(rp, p->tid, d->goal_stop.watch_addr);
            return run_on(d, true, p->tid);
        }
        if (d->goal.steps) {
            d->steps_left = d->goal.steps;
            return run_on(d, true, p->tid);
        }
        return arrived(rp, st, p);
    }
    /* Stepping from the goal's place. */
    if (!p->stepped) {
        if (d->mode == MODE_SEARCH && is_candidate(d, st, p))
            add_candidate(d, st, p);
        return run_on(d, true, d->goal.tid);
    }
    d->steps_done++;
    if (d->mode == MODE_COUNT_STEPS) {
        if (d->count_watch) {
            if (watch_count(rp, p->tid, d->goal_stop.watch_addr) != d->steps_left)
                counted(rp, d->steps_done - 1);
        } else if (d->count_to_syscall) {
            if (at_syscall_insn(rp, p))
                counted(rp, d->steps_done);
        } else if (p->event_no == d->count_until.event_no &&
                   regs_equal(&p->regs, &d->count_until.regs)) {
            counted(rp, d->steps_done - 1);
        }
        return run_on(d, true, d->goal.tid);
    }
    if (d->steps_done < d->goal.steps)
        return run_on(d, true, d->goal.tid);
    return arrived(rp, st, p);
}
