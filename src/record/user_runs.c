/* Where an asynchronous signal lands in user code, without a PMU.
 *
 * A run is the stretch of user code a task executes between two stops.
 * A signal that arrives mid-run is positioned by counted execution
 * breakpoints (arch/hw_breakpoint.h), which count exactly but only from
 * when they are armed:
 *   - hot addresses (where earlier signals and peeks found the task) are
 *     counted from every resume, so a signal in a known loop is "after the
 *     n-th execution of H since the resume";
 *   - in a loop met for the first time, a peek (a SIGSTOP, 30 us of the
 *     thread's CPU time into the run) gives an anchor: its registers (and,
 *     in a loop whose state is in memory, the words that hold it: see
 *     record/anchor_memory.c), which replay finds by stopping at its
 *     address until they match, and a counter from there;
 *   - a signal that comes before the peek waits while an anchor is made
 *     where it landed, and is then delivered at the anchor;
 *   - a thread that spins (registers unchanged from a peek to the end of a
 *     time slice) while another could run is stopped (a PREEMPT event,
 *     positioned like a signal), so the thread it waits for can run;
 *   - with none of these (no timer armed), replay searches for the
 *     signal's own registers from the resume.
 * Peeks cost one stop and record nothing.  Details: docs/async-events.md. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "arch/hw_breakpoint.h"
#include "arch/insn_access.h"
#include "arch/tracee_mem.h"
#include "common/die.h"
#include "record/recorder.h"
#include "trace/event.h"
#include "tracee/jump_search.h"
#include "tracee/soft_breakpoint.h"
#include "tracee/tracee.h"

#define PEEK_DELAY_NS 30000     /* into a run, a peek finds an anchor */
#define SLICE_NS 10000000       /* then the run may be preempted, every slice */
/* After the peek, a look whether the thread spins: the same registers
 * then mean it waits for another, which should run now, not in a slice. */
#define SPIN_CHECK_NS 1000000
#define SPIN_LOOK_NS 200000     /* of its CPU time, for the instruction to come again */
/* Without debug registers, replay stops at every execution from the
 * resume to the anchor (tracee/soft_breakpoint.h): peek sooner. */
#define PEEK_DELAY_SOFT_NS 5000
#define MAX_REPEEKS 4

static long peek_delay(void)
{
    return hwbp_works() ? PEEK_DELAY_NS : PEEK_DELAY_SOFT_NS;
}

static volatile sig_atomic_t peek_fired;
static void on_peek_timer(int sig) { (void)sig; peek_fired = 1; }

void user_runs_init(struct recorder *r)
{
    /* No SA_RESTART: the timer must interrupt the recorder's waitpid. */
    struct sigaction sa = {.sa_handler = on_peek_timer};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGALRM, &sa, NULL);
    struct sigevent sev = {.sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGALRM};
    r->has_peek_timer = timer_create(CLOCK_MONOTONIC, &sev, &r->peek_timer) == 0;
}

static void arm_timer(struct recorder *r, struct rtask *t, long ns, int phase)
{
    if (!r->has_peek_timer)
        return;
    /* Periodic: a firing that lands while the recorder is not waiting
     * (so it interrupts nothing) is followed by another that does. */
    struct itimerspec when = {.it_value = {ns / 1000000000, ns % 1000000000},
                              .it_interval = {0, phase == PHASE_PEEK ? 1000000 : ns}};
    timer_settime(r->peek_timer, 0, &when, NULL);
    r->peek_tid = t->tid;
    r->peek_seq = t->run_seq;
    r->peek_phase = phase;
}

/* Another task exists that could run if this one were stopped. */
static bool has_company(struct recorder *r, struct rtask *t)
{
    return r->tasks != t || t->next;
}

static long slice_ns(struct recorder *r)
{
    /* Chaos: slices from 0.1 to 20 ms make rare interleavings common. */
    return r->chaos ? 100000 + (long)(chaos_random(r) % 19900000) : SLICE_NS;
}

static void arm_hot_counters(struct rtask *t)
{
    /* int3 counters stop the thread at every execution, for the whole
     * run: a loop of 10^8 rounds would take hours.  Signals are anchored
     * where they come instead (user_run_hold). */
    if (!hwbp_works())
        return;
    for (int i = 0; i < t->nhot; i++) {
        if (t->hot_fd[i] < 0)
            t->hot_fd[i] = hwbp_open(t->tid, t->hot_addr[i], 0);
        t->hot_base[i] = t->hot_fd[i] >= 0 ? hwbp_read(t->hot_fd[i]) : 0;
    }
}

/* Where a timer may interrupt the run, the thread's own CPU clock sends
 * the peek's SIGSTOP: on a busy machine the recorder's timer can wake it
 * milliseconds late, after the timer's signal, and the anchor would then
 * come too late to be of use (or be found by replay at the cost of a stop
 * per iteration of those milliseconds). */
static bool start_clock_peek(struct recorder *r, struct rtask *t)
{
    if (r->no_clock_peek)
        return false;
    if (t->clock_fd < 0)
        t->clock_fd = clock_open(t->tid, peek_delay(), SIGSTOP);
    if (t->clock_fd < 0 || !clock_start(t->clock_fd, peek_delay())) {
        debug("no CPU clock for peeks (%s): the recorder's timer peeks", strerror(errno));
        r->no_clock_peek = true;
        return false;
    }
    return true;
}

bool clock_peeked(const struct rtask *t)
{
    return perf_signalled(t->tid, t->clock_fd);
}

/* The thread's time on a CPU so far, in ns (0 when it cannot be read). */
static uint64_t cpu_ns(struct rtask *t)
{
    if (t->cpu_fd < 0) {
        char path[64];
        snprintf(path, sizeof path, "/proc/%d/schedstat", t->tid);
        t->cpu_fd = open(path, O_RDONLY | O_CLOEXEC);
    }
    char buf[96];
    ssize_t n = t->cpu_fd >= 0 ? pread(t->cpu_fd, buf, sizeof buf - 1, 0) : -1;
    if (n <= 0)
        return 0;
    buf[n] = 0;
    return strtoull(buf, NULL, 10);
}

uint64_t user_run_cpu_ns(struct rtask *t)
{
    uint64_t now = cpu_ns(t);
    return now > t->run_cpu_start ? now - t->run_cpu_start : 0;
}

bool user_run_begin(struct recorder *r, struct rtask *t)
{
    if (!regs_get_quiet(t->tid, &t->resume_regs)) {
        if (errno != ESRCH)
            die_errno("cannot read registers of thread %d", t->tid);
        t->state = RT_DYING;
        return false;
    }
    t->run_cpu_start = cpu_ns(t);
    t->run_sig = t->pending_sig;
    t->in_user = true;
    t->run_seq++;
    t->peeked = false;
    t->repeeks = 0;
    t->hold_tried = false;
    t->holds_cut = 0;
    if (r->timers_used)
        arm_hot_counters(t);
    if ((r->timers_used && start_clock_peek(r, t)) || !(r->timers_used || has_company(r, t)))
        return true;
    arm_timer(r, t, peek_delay(), PHASE_PEEK);
    return true;
}

void user_run_end(struct rtask *t)
{
    t->in_user = false;
    if (t->clock_fd >= 0)
        clock_stop(t->clock_fd);
    if (t->anchored) {
        hwbp_close(t->anchor_fd);
        t->anchored = false;
    }
}

void user_run_forget(struct rtask *t)
{
    user_run_end(t);
    for (int i = 0; i < t->nhot; i++)
        if (t->hot_fd[i] >= 0)
            hwbp_close(t->hot_fd[i]);
    if (t->clock_fd >= 0)
        close(t->clock_fd);
    t->clock_fd = -1;
    if (t->cpu_fd >= 0)
        close(t->cpu_fd);
    t->cpu_fd = -1;
    t->nhot = 0;
}

static bool others_ready(struct recorder *r, struct rtask *t)
{
    if (r->nwaiting)
        return true;
    for (struct rtask *o = r->tasks; o; o = o->next)
        if (o != t && o->state == RT_READY)
            return true;
    return false;
}

void user_run_peek_due(struct recorder *r)
{
    if (!peek_fired)
        return;
    peek_fired = 0;
    for (struct rtask *t = r->tasks; t; t = t->next) {
        if (t->tid != r->peek_tid || !t->in_user || t->run_seq != r->peek_seq || t->stop_sent)
            continue;
        int intent = 0;
        if (r->peek_phase == PHASE_PEEK && !t->peeked)
            intent = STOP_FOR_PEEK;
        else if (r->peek_phase == PHASE_SLICE && others_ready(r, t))
            intent = STOP_FOR_PREEMPT;
        else if (r->peek_phase == PHASE_SPIN && others_ready(r, t) && t->peeked)
            intent = STOP_FOR_SPIN_CHECK;
        else if (r->peek_phase != PHASE_PEEK)
            arm_timer(r, t, slice_ns(r), PHASE_SLICE); /* look again later */
        if (intent && syscall(SYS_tgkill, t->tgid, t->tid, SIGSTOP) == 0) {
            t->stop_sent = intent;
            debug("thread %d: SIGSTOP sent (%d)", t->tid, intent);
        }
        return;
    }
}

/* Whether a hot address has been executed in this run: then every later
 * event is counted from the resume and an anchor would not be used. */
static bool hot_counted(const struct rtask *t)
{
    for (int i = 0; i < t->nhot; i++)
        if (t->hot_fd[i] >= 0 && hwbp_read(t->hot_fd[i]) != t->hot_base[i])
            return true;
    return false;
}

enum { SENT_BY_KERNEL, SENT_BY_PROGRAM, SENT_BY_RECORDER };

/* Who sent t's SIGSTOP: a process (raise, kill) other than the recorder is
 * the program (ours, sent while the program's was pending, was merged into
 * it: a pending standard signal is not queued twice); the kernel sends the
 * CPU clock's. */
static int stop_sender(struct rtask *t)
{
    siginfo_t si;
    if (ptrace(PTRACE_GETSIGINFO, t->tid, 0, &si) < 0 ||
        (si.si_code != SI_USER && si.si_code != SI_TKILL))
        return SENT_BY_KERNEL;
    if (si.si_pid != getpid())
        return SENT_BY_PROGRAM;
    return si.si_code == SI_TKILL ? SENT_BY_RECORDER : SENT_BY_KERNEL;
}

enum { PROBE_LOOP, PROBE_NO_LOOP, PROBE_ELSEWHERE };
#define MAX_PROBE_STEPS 96

/* One single-step of t (with sig): 0 done (*now its registers), -1 not
 * possible (a syscall instruction or an int3 ahead would run unseen), 1
 * another stop came (*status). */
/* A rep string instruction is run to its end under a one-time int3 after
 * it: a step runs one of its rounds (a memset of a page, thousands), and
 * replay cannot find a point in its middle. */
static int run_over_rep(struct rtask *t, regs_t *now, int len, int sig, int *status)
{
    uint64_t after = now->rip + len;
    uint8_t orig, trap = 0xcc;
    if (tracee_read(t->tid, after, &orig, 1) != 1 || orig == 0xcc ||
        tracee_write(t->tid, after, &trap, 1) != 1)
        return -1;
    if (ptrace(PTRACE_CONT, t->tid, 0, sig) < 0) {
        tracee_write(t->tid, after, &orig, 1);
        return -1;
    }
    int st = wait_for(t->tid);
    tracee_write(t->tid, after, &orig, 1);
    regs_t r;
    if (WIFSTOPPED(st) && WSTOPSIG(st) == SIGTRAP && !(st >> 16) && regs_get_quiet(t->tid, &r) &&
        r.rip == after + 1) {
        r.rip = after;
        regs_set(t->tid, &r);
        *now = r;
        return 0;
    }
    *status = st;
    return 1;
}

/* Where the single-steps of one look went, for telling whether a point is
 * the first with its registers (user_run_hold). */
#define STEPS_KEPT 256
static struct {
    int n;
    regs_t at[STEPS_KEPT];
} stepped;

static int step_one(struct rtask *t, regs_t *now, int sig, int *status)
{
    if (stepped.n < STEPS_KEPT)
        stepped.at[stepped.n++] = *now;
    uint8_t insn[2];
    if (tracee_read(t->tid, now->rip, insn, 2) != 2 || insn[0] == 0xcc ||
        (insn[0] == 0x0f && insn[1] == 0x05))
        return -1;
    int rep = insn_rep_string(t->tid, now->rip);
    if (rep)
        return run_over_rep(t, now, rep, sig, status);
    if (ptrace(PTRACE_SINGLESTEP, t->tid, 0, sig) < 0)
        return -1;
    int st = wait_for(t->tid);
    siginfo_t si;
    if (!WIFSTOPPED(st) || WSTOPSIG(st) != SIGTRAP || (st >> 16) ||
        ptrace(PTRACE_GETSIGINFO, t->tid, 0, &si) < 0 || si.si_code != TRAP_TRACE) {
        *status = st;
        return 1;
    }
    regs_get(t->tid, now);
    return 0;
}

/* Without debug registers, an anchor outside a loop (the tail of a call
 * the thread leaves for good) would cost replay a stop at every execution
 * of whatever the thread then loops in, until the next peek.  So the peek
 * single-steps the thread until an instruction comes again: it is then at
 * a loop's second pass (*now), the anchor to take.  A syscall instruction
 * or an int3 ahead ends the search (a single-step would run them unseen);
 * a signal that comes is another stop (*status).  *sig is given with the
 * first step (a held signal, blocked: the kernel queues it again), then 0. */
static int step_into_loop(struct rtask *t, regs_t *now, int *sig, int *status)
{
    uint64_t seen[MAX_PROBE_STEPS];
    for (int n = 0; n < MAX_PROBE_STEPS; n++) {
        for (int i = 0; i < n; i++)
            if (seen[i] == now->rip)
                return PROBE_LOOP;
        seen[n] = now->rip;
        int got = step_one(t, now, *sig, status);
        if (got < 0)
            return PROBE_NO_LOOP; /* not stepped: *sig is still to be given */
        *sig = 0;
        if (got)
            return PROBE_ELSEWHERE;
    }
    return PROBE_NO_LOOP;
}

/* An anchor where t is now, counted from here, without words yet. */
static bool anchor_open(struct rtask *t, const regs_t *now)
{
    t->anchor_fd = hwbp_open(t->tid, now->rip, 0);
    if (t->anchor_fd < 0)
        return false;
    t->anchored = true;
    t->anchor_regs = *now;
    t->anchor_base = 0;
    t->anchor_nwords = 0;
    return true;
}

/* The anchor's look may have dropped it already (its far look). */
static void anchor_drop(struct rtask *t)
{
    if (t->anchored)
        hwbp_close(t->anchor_fd);
    t->anchored = false;
}

enum { MOVABLE_FOUND, MOVABLE_NONE, MOVABLE_ELSEWHERE };
#define MAX_MOVABLE_STEPS 64

/* Single-steps t until it stands at an instruction replay can patch with
 * a jump, so that replay finds this point at the program's speed
 * (tracee/jump_search.h) however long the loop ran.  A
 * syscall instruction or an int3 ahead ends the search; another stop is
 * *status. */
static int step_to_movable(struct rtask *t, regs_t *now, int *status)
{
    /* First where no jump goes into the patch; else, on a second way
     * round the loop, where one does. */
    for (int n = 0; n < 2 * MAX_MOVABLE_STEPS; n++) {
        if (jump_search_possible(t->tid, now->rip, n < MAX_MOVABLE_STEPS))
            return MOVABLE_FOUND;
        int got = step_one(t, now, 0, status);
        if (got)
            return got < 0 ? MOVABLE_NONE : MOVABLE_ELSEWHERE;
    }
    return MOVABLE_NONE;
}

/* The end of a time slice while another task could run: t is stopped
 * (a PREEMPT event, positioned like a signal) and the other runs.  Where
 * it stands, replay must find it again: at an instruction it can patch,
 * by registers from the last count or the resume, with the words of
 * memory that tell the iterations of a loop whose state is in memory
 * apart (record/anchor_memory.c).  A spin, a loop with a counter in a
 * register and plain computing are all preempted so. */
static int preempt(struct recorder *r, struct rtask *t, regs_t *now, int *status)
{
    debug("thread %d: end of a time slice at 0x%llx", t->tid, (unsigned long long)now->rip);
    int got = step_to_movable(t, now, status);
    if (got == MOVABLE_ELSEWHERE)
        return STOPPED_ELSEWHERE;
    bool still = false;
    if (got == MOVABLE_NONE) {
        /* Replay must find this point by a stop at each execution: only in
         * a loop where each round is the same point is it found at once. */
        if (t->clock_fd < 0)
            t->clock_fd = clock_open(t->tid, peek_delay(), SIGSTOP);
        int how = anchor_still_loop(t, now, status);
        if (how < 0)
            return STOPPED_ELSEWHERE;
        if (!how) {
            debug("thread %d: no place to preempt at 0x%llx: it runs on", t->tid,
                  (unsigned long long)now->rip);
            arm_timer(r, t, slice_ns(r), PHASE_SLICE);
            return STOPPED_RESUME;
        }
        still = true;
    }
    if (!still && !t->anchored && !hot_counted(t)) {
        /* The loop's registers may repeat while its memory changes: the
         * anchor's look at the next executions finds the words. */
        if (t->clock_fd < 0)
            t->clock_fd = clock_open(t->tid, peek_delay(), SIGSTOP);
        if (anchor_open(t, now)) {
            int how = anchor_fingerprint(t, 0, false, status);
            if (how == ANCHOR_OTHER_STOP)
                return STOPPED_ELSEWHERE;
            if (how == ANCHOR_NOT_MET || how == ANCHOR_LEFT) {
                anchor_drop(t);
                arm_timer(r, t, slice_ns(r), PHASE_SLICE);
                return STOPPED_RESUME;
            }
        }
        regs_get(t->tid, now);
    }
    struct ev_preempt p = {.regs = *now};
    if (user_run_position(t, now, &p.pos)) {
        uint64_t cpu = user_run_cpu_ns(t);
        struct iovec tail = {&cpu, sizeof cpu};
        event_write(r->events, EV_PREEMPT, t->tid, &p, sizeof p - EV_POSITION_UNUSED(&p.pos), &tail, 1);
        r->nevents++;
    }
    return STOPPED_PREEMPTED;
}

/* Whether tid's floating-point registers are fp (a loop whose general
 * registers repeat may compute in them). */
static bool same_fp(pid_t tid, const uint64_t fp[FP_WORDS])
{
    uint64_t now[FP_WORDS];
    return fp_words_get(tid, now) && !memcmp(now, fp, sizeof now);
}

/* Whether t spins: at the next execution of the instruction it stands at
 * (*now), within SPIN_LOOK_NS of its CPU time, it has the same registers.
 * 1 it does, 0 it does not (*now: where it then stands), -1 another stop
 * came (*status). */
static int spins(struct rtask *t, regs_t *now, int *status)
{
    if (t->clock_fd < 0)
        t->clock_fd = clock_open(t->tid, SPIN_LOOK_NS, SIGSTOP);
    int fd = t->clock_fd >= 0 ? hwbp_open(t->tid, now->rip, 1) : -1;
    if (fd < 0)
        return 0;
    regs_t at = *now;
    uint64_t fp[FP_WORDS];
    if (!fp_words_get(t->tid, fp)) {
        hwbp_close(fd);
        return 0;
    }
    if (!(at.eflags & EFLAGS_RF)) {
        at.eflags |= EFLAGS_RF; /* this execution runs; the next one stops */
        regs_set(t->tid, &at);
    }
    clock_start(t->clock_fd, SPIN_LOOK_NS);
    if (tracee_resume(PTRACE_SYSCALL, t->tid, 0) < 0)
        die_errno("cannot resume thread %d", t->tid);
    *status = wait_for(t->tid);
    clock_stop(t->clock_fd);
    struct stop s;
    stop_classify(t->tid, *status, &s);
    int got = -1;
    if (s.kind == STOP_SIGNAL && s.sig == HWBP_SIGNAL && perf_signalled(t->tid, fd)) {
        char why[8];
        regs_get(t->tid, now);
        got = regs_match(now, &at, why, sizeof why) && same_fp(t->tid, fp);
    } else if (s.kind == STOP_SIGNAL && s.sig == SIGSTOP && clock_peeked(t)) {
        regs_get(t->tid, now);
        got = 0;
    }
    hwbp_close(fd);
    return got;
}

int user_run_sigstop(struct recorder *r, struct rtask *t, int *status)
{
    int sender = stop_sender(t);
    if (sender == SENT_BY_PROGRAM) {
        t->stop_sent = 0;
        return STOPPED_FOREIGN;
    }
    int intent = t->stop_sent;
    if (!intent && clock_peeked(t)) {
        clock_stop(t->clock_fd); /* one peek a run */
        intent = STOP_FOR_PEEK;
    }
    /* Ours, though none is expected: taken for an earlier one (likely
     * the CPU clock's, which had stopped the thread, unreaped, when this
     * one was sent).  The program must not see it. */
    bool stray = !intent && sender == SENT_BY_RECORDER;
    if (!intent && !stray)
        return STOPPED_FOREIGN;
    if (stray)
        debug("thread %d: a SIGSTOP of ours that came late: swallowed", t->tid);
    t->stop_sent = 0;
    regs_t now;
    regs_get(t->tid, &now);
    char why[8];
    if (t->restartable && regs_match(&now, &t->resume_regs, why, sizeof why)) {
        /* It interrupted a syscall (which returned ERESTART*): the kernel
         * restarts it only because a signal came; replay must see one. */
        struct ev_signal e = {.signo = SIGSTOP, .flags = SIGF_DISCARD, .regs = now};
        e.info.si_signo = SIGSTOP;
        event_write(r->events, EV_SIGNAL, t->tid, &e, sizeof e - EV_POSITION_UNUSED(&e.pos), NULL, 0);
        r->nevents++;
        t->restartable = false;
        return STOPPED_RESUME;
    }
    if (stray)
        return STOPPED_RESUME;
    if (intent == STOP_FOR_PREEMPT)
        return preempt(r, t, &now, status);
    if (intent == STOP_FOR_SPIN_CHECK) {
        /* The same registers as at the peek, or at the next pass: it waits
         * for another (a spin-wait), which is to run now, not after a
         * time slice of this one. */
        int got = regs_match(&now, &t->peek_regs, why, sizeof why) && same_fp(t->tid, t->peek_fp)
                      ? 1
                      : spins(t, &now, status);
        if (got < 0)
            return STOPPED_ELSEWHERE;
        if (got) {
            debug("thread %d spins at 0x%llx", t->tid, (unsigned long long)now.rip);
            return preempt(r, t, &now, status);
        }
        arm_timer(r, t, slice_ns(r), PHASE_SLICE);
        return STOPPED_RESUME;
    }
    t->peek_regs = now;
    t->peeked = true;
    if (has_company(r, t)) {
        /* The spin check compares them (only it). */
        if (!fp_words_get(t->tid, t->peek_fp))
            memset(t->peek_fp, 0xff, sizeof t->peek_fp); /* never the same */
        arm_timer(r, t, SPIN_CHECK_NS, PHASE_SPIN);
    }
    bool moved = !regs_match(&now, &t->resume_regs, why, sizeof why);
    if (!moved && r->timers_used && t->in_user && !t->anchored && t->clock_fd >= 0 &&
        t->repeeks++ < MAX_REPEEKS) {
        /* Still where it was resumed (the clock's SIGSTOP came late, from
         * the run before): no peek yet, or the thread would run this
         * whole run unwatched.  (A spin whose registers are the resume's
         * gives up after a few.) */
        clock_start(t->clock_fd, peek_delay());
        return STOPPED_RESUME;
    }
    /* Without debug registers an anchor's int3 counter would stop the
     * thread at every execution for the rest of the run: a signal is
     * anchored where it comes instead (user_run_hold). */
    if (r->timers_used && t->in_user && !t->anchored && moved && hwbp_works()) {
        if (anchor_open(t, &now)) {
            int how = hot_counted(t) ? ANCHOR_NOT_TRIED : anchor_fingerprint(t, 0, false, status);
            if (how == ANCHOR_OTHER_STOP)
                return STOPPED_ELSEWHERE;
            if (how == ANCHOR_NOT_MET && t->repeeks++ < MAX_REPEEKS && t->clock_fd >= 0) {
                /* Code the thread left (a call's tail before its loop):
                 * peek again, in the loop it went on to. */
                anchor_drop(t);
                clock_start(t->clock_fd, peek_delay());
            }
        }
    }
    return STOPPED_RESUME;
}

static void learn_hot(struct rtask *t, uint64_t addr)
{
    for (int i = 0; i < t->nhot; i++)
        if (t->hot_addr[i] == addr)
            return;
    int slot;
    if (t->nhot < 4) {
        slot = t->nhot++; /* a new slot: its fd field holds no counter yet */
    } else {
        slot = (int)(t->run_seq % 4);
        if (t->hot_fd[slot] >= 0)
            hwbp_close(t->hot_fd[slot]);
    }
    t->hot_addr[slot] = addr;
    t->hot_fd[slot] = -1;
}

/* Whether t stands where its run began.  The same registers later in the
 * run (a loop whose registers repeat) are not: then a hot counter has
 * counted, or an anchor (never at the resume) was made. */
static bool at_resume(const struct rtask *t, const regs_t *r)
{
    char why[8];
    if (t->anchored || hot_counted(t))
        return false;
    if (regs_match(r, &t->resume_regs, why, sizeof why))
        return true;
    /* Its syscall returned ERESTART* and met no signal (another thread
     * took the one that woke it): the kernel restarted it on the way back
     * to user code, and a signal that came then finds the thread before
     * the syscall instruction, no instruction run. */
    regs_t restarted = t->resume_regs;
    restarted.rip -= 2;
    restarted.rax = (int64_t)restarted.rax == -516 ? SYS_restart_syscall : restarted.orig_rax;
    return t->restartable && regs_match(r, &restarted, why, sizeof why);
}

/* Another signal can be delivered the moment a handler is entered, before
 * its first instruction: then rdi is the signal the run began by
 * delivering, and rdx (the ucontext) sits just above the return address
 * at rsp.  One instruction later (a push) that no longer holds. */
static bool at_handler_entry(const struct rtask *t, const regs_t *r)
{
    return t->run_sig && r->rdi == (uint64_t)t->run_sig && r->rdx == r->rsp + 8;
}

/* Whether the look passed where t stands with the same registers: replay,
 * which finds a point by its registers, would stop there first. */
static bool seen_before(const regs_t *now)
{
    char why[8];
    for (int i = 0; i < stepped.n; i++)
        if (stepped.at[i].rip == now->rip && regs_match(&stepped.at[i], now, why, sizeof why))
            return true;
    return false;
}

/* A loop whose first pass reaches an instruction with the registers its
 * second has (a counter kept in memory, loaded after that point): the
 * thread goes on to the next pass there, whose registers differ. */
static int step_to_unseen(struct rtask *t, regs_t *now, int *status)
{
    uint64_t at = now->rip;
    for (int pass = 0; pass < 3 && seen_before(now); pass++) {
        int n = 0;
        do {
            int got = step_one(t, now, 0, status);
            if (got)
                return got < 0 ? PROBE_LOOP : PROBE_ELSEWHERE;
        } while (now->rip != at && ++n < MAX_PROBE_STEPS);
        if (now->rip != at)
            break;
    }
    return PROBE_LOOP;
}

/* Another stop came while a held signal waited (our SIGSTOP for a time
 * slice, another signal): the held one, queued again, comes back when the
 * thread is resumed, and is held again, or it would be recorded with no
 * anchor, found by registers alone from the resume (in an interpreter, at
 * an earlier round).  Twice at most: each cut records a stop. */
static int hold_cut(struct rtask *t)
{
    if (++t->holds_cut <= 2)
        t->hold_tried = false;
    debug("thread %d: a held signal's wait cut short by another stop", t->tid);
    return HOLD_ELSEWHERE;
}

int user_run_hold(struct recorder *r, struct rtask *t, int sig, int *status)
{
    regs_t regs;
    regs_get(t->tid, &regs);
    if (sig == SIGKILL || sig == SIGSTOP || !t->in_user || (!r->timers_used && hwbp_works()) ||
        t->anchored ||
        t->hold_tried || hot_counted(t) || at_resume(t, &regs) || at_handler_entry(t, &regs))
        return HOLD_NO;
    debug("thread %d: signal %d before the peek at 0x%llx: held", t->tid, sig,
          (unsigned long long)regs.rip);
    t->hold_tried = true;
    if (t->clock_fd >= 0)
        clock_stop(t->clock_fd); /* the anchor is made here: no peek needed */
    /* Without debug registers, the anchor goes into the loop the thread
     * is about to spin in, as at a peek: where the signal landed may be
     * code it never comes back to (a call's tail), and the signal would
     * then wait for the anchor's memory run to time out and be delivered
     * milliseconds of loop later, where replay cannot find it.  The signal
     * waits blocked meanwhile. */
    uint64_t mask = 0;
    bool probed = !hwbp_works() && ptrace(PTRACE_GETSIGMASK, t->tid, sizeof mask, &mask) == 0;
    if (probed) {
        uint64_t held = mask | 1ull << (sig - 1);
        ptrace(PTRACE_SETSIGMASK, t->tid, sizeof held, &held);
    }
    int how = ANCHOR_NOT_TRIED;
    /* The thread's CPU clock bounds the anchor's look (a process with no
     * timer of its own has none yet). */
    if (t->clock_fd < 0)
        t->clock_fd = clock_open(t->tid, peek_delay(), SIGSTOP);
    for (int attempt = 0;; attempt++) {
        if (probed) {
            stepped.n = 0;
            int got = step_into_loop(t, &regs, &sig, status);
            /* And to an instruction replay can patch, to find the anchor
             * at the program's speed however long the loop ran: in a loop
             * too long to be seen whole (an interpreter's) too. */
            if (got != PROBE_ELSEWHERE && !sig)
                got = step_to_movable(t, &regs, status) == MOVABLE_ELSEWHERE ? PROBE_ELSEWHERE : got;
            if (got != PROBE_ELSEWHERE && !sig)
                got = step_to_unseen(t, &regs, status);
            if (got == PROBE_ELSEWHERE) {
                ptrace(PTRACE_SETSIGMASK, t->tid, sizeof mask, &mask);
                return hold_cut(t);
            }
            /* No anchor on a syscall instruction: its counter would step
             * over it, running the syscall unseen.  The signal is
             * delivered before it (replay puts a one-time int3 there). */
            uint8_t insn[2];
            if (tracee_read(t->tid, regs.rip, insn, 2) == 2 && insn[0] == 0x0f && insn[1] == 0x05) {
                ptrace(PTRACE_SETSIGMASK, t->tid, sizeof mask, &mask);
                return sig ? HOLD_NO : HOLD_RESUME;
            }
        }
        if (anchor_open(t, &regs))
            how = anchor_fingerprint(t, sig, true, status);
        /* The thread went on to other code, where its clock stopped it:
         * a stretch found by registers alone could be found too early
         * (registers that repeat, in an interpreter).  The signal still
         * waits: anchor it in the code the thread is in now. */
        if (!probed || (how != ANCHOR_LEFT && how != ANCHOR_NOT_MET) || attempt == 2)
            break;
        debug("thread %d: anchor again, at the clock's stop", t->tid);
        anchor_drop(t);
        sig = 0;
        regs_get(t->tid, &regs);
    }
    if (probed)
        ptrace(PTRACE_SETSIGMASK, t->tid, sizeof mask, &mask);
    switch (how) {
    case ANCHOR_NOT_TRIED:
        /* Recorded here, or (queued again by a step) at the next resume. */
        return sig ? HOLD_NO : HOLD_RESUME;
    case ANCHOR_OTHER_STOP: return hold_cut(t);
    default: return HOLD_RESUME;
    }
}

bool user_run_position(struct rtask *t, const regs_t *regs, struct ev_position *pos)
{
    memset(pos, 0, sizeof *pos);
    if (!t->in_user || at_resume(t, regs) || at_handler_entry(t, regs))
        return false; /* as the task resumed: positioned by that stop */
    /* Counted from the resume: prefer the event's own address. */
    for (int i = 0; i < t->nhot; i++) {
        if (t->hot_fd[i] < 0)
            continue;
        uint64_t n = hwbp_read(t->hot_fd[i]) - t->hot_base[i];
        if (n && (!pos->count || t->hot_addr[i] == regs->rip)) {
            pos->count_addr = t->hot_addr[i];
            pos->count = n;
        }
    }
    if (!pos->count && t->anchored) {
        pos->anchored = 1;
        pos->anchor_regs = t->anchor_regs;
        pos->count_addr = t->anchor_regs.rip;
        pos->count = hwbp_read(t->anchor_fd) - t->anchor_base;
        pos->nwords = t->anchor_nwords;
        memcpy(pos->words, t->anchor_words, sizeof pos->words);
    }
    if (t->anchored)
        learn_hot(t, t->anchor_regs.rip);
    learn_hot(t, regs->rip);
    return true;
}
