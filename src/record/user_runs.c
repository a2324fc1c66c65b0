/* Where an asynchronous signal lands in user code, without a PMU.
 *
 * A run is the stretch of user code a task executes between two stops.
 * A signal that arrives mid-run is positioned by counted execution
 * breakpoints (arch/hw_breakpoint.h), which count exactly but only from
 * when they are armed:
 *   - hot addresses (where earlier signals and peeks found the task) are
 *     counted from every resume, so a signal in a known loop is "after the
 *     n-th execution of H since the resume";
 *   - in a loop met for the first time, a peek (our SIGSTOP, some tens of
 *     microseconds into the run) gives an anchor: its registers, which
 *     replay finds by stopping at its address until they match, and a
 *     counter from there;
 *   - with neither, replay searches for the signal's own registers from the
 *     resume.
 * Peeks cost one stop and record nothing.  Details: docs/async-events.md. */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "arch/hw_breakpoint.h"
#include "common/die.h"
#include "record/recorder.h"
#include "trace/event.h"

#define PEEK_DELAY_NS 30000

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

static void arm_hot_counters(struct rtask *t)
{
    for (int i = 0; i < t->nhot; i++) {
        if (t->hot_fd[i] < 0)
            t->hot_fd[i] = hwbp_open(t->tid, t->hot_addr[i], 0);
        t->hot_base[i] = t->hot_fd[i] >= 0 ? hwbp_read(t->hot_fd[i]) : 0;
    }
}

void user_run_begin(struct recorder *r, struct rtask *t)
{
    regs_get(t->tid, &t->resume_regs);
    t->run_sig = t->pending_sig;
    t->in_user = true;
    t->run_seq++;
    if (!r->timers_used)
        return;
    arm_hot_counters(t);
    if (r->has_peek_timer) {
        struct itimerspec when = {.it_value = {0, PEEK_DELAY_NS}};
        timer_settime(r->peek_timer, 0, &when, NULL);
        r->peek_tid = t->tid;
        r->peek_seq = t->run_seq;
    }
}

void user_run_end(struct rtask *t)
{
    t->in_user = false;
    if (t->anchored) {
        close(t->anchor_fd);
        t->anchored = false;
    }
}

void user_run_forget(struct rtask *t)
{
    user_run_end(t);
    for (int i = 0; i < t->nhot; i++)
        if (t->hot_fd[i] >= 0)
            close(t->hot_fd[i]);
    t->nhot = 0;
}

void user_run_peek_due(struct recorder *r)
{
    if (!peek_fired)
        return;
    peek_fired = 0;
    for (struct rtask *t = r->tasks; t; t = t->next)
        if (t->tid == r->peek_tid && t->in_user && t->run_seq == r->peek_seq && !t->anchored &&
            !t->peek_sent) {
            t->peek_sent = syscall(SYS_tgkill, t->tgid, t->tid, SIGSTOP) == 0;
            return;
        }
}

bool user_run_peek_stop(struct rtask *t)
{
    if (!t->peek_sent)
        return false;
    t->peek_sent = false;
    regs_t now;
    regs_get(t->tid, &now);
    char why[8];
    if (t->in_user && !t->anchored && !regs_match(&now, &t->resume_regs, why, sizeof why)) {
        t->anchor_fd = hwbp_open(t->tid, now.rip, 0);
        if (t->anchor_fd >= 0) {
            t->anchored = true;
            t->anchor_regs = now;
        }
    }
    return true;
}

static void learn_hot(struct rtask *t, uint64_t addr)
{
    for (int i = 0; i < t->nhot; i++)
        if (t->hot_addr[i] == addr)
            return;
    int slot = t->nhot < 4 ? t->nhot++ : (int)(t->run_seq % 4);
    if (slot < t->nhot && t->hot_fd[slot] >= 0 && t->hot_addr[slot] != addr)
        close(t->hot_fd[slot]);
    t->hot_addr[slot] = addr;
    t->hot_fd[slot] = -1;
}

/* Another signal can be delivered the moment a handler is entered, before
 * its first instruction: then rdi is the signal the run began by
 * delivering, and rdx (the ucontext) sits just above the return address
 * at rsp.  One instruction later (a push) that no longer holds. */
static bool at_handler_entry(const struct rtask *t, const regs_t *r)
{
    return t->run_sig && r->rdi == (uint64_t)t->run_sig && r->rdx == r->rsp + 8;
}

void user_run_position(struct rtask *t, struct ev_signal *e)
{
    char why[8];
    if (!t->in_user || regs_match(&e->regs, &t->resume_regs, why, sizeof why) ||
        at_handler_entry(t, &e->regs))
        return; /* delivered as the task resumed: positioned by that stop */
    e->flags |= SIGF_IN_CODE;
    /* Counted from the resume: prefer the signal's own address. */
    for (int i = 0; i < t->nhot; i++) {
        if (t->hot_fd[i] < 0)
            continue;
        uint64_t n = hwbp_read(t->hot_fd[i]) - t->hot_base[i];
        if (n && (!e->count || t->hot_addr[i] == e->regs.rip)) {
            e->count_addr = t->hot_addr[i];
            e->count = n;
        }
    }
    if (!e->count && t->anchored) {
        e->anchored = 1;
        e->anchor_regs = t->anchor_regs;
        e->count_addr = t->anchor_regs.rip;
        e->count = hwbp_read(t->anchor_fd);
    }
    if (t->anchored)
        learn_hot(t, t->anchor_regs.rip);
    learn_hot(t, e->regs.rip);
}
