#include "replay/checkpoint.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <time.h>

#include "arch/tracee_mem.h"
#include "common/die.h"
#include "replay/debugger.h"
#include "trace/event.h"
#include "tracee/fork_copy.h"
#include "tracee/soft_breakpoint.h"
#include "tracee/stop_session.h"
#include "tracee/watch_pages.h"

/* Where gdb runs forward, a checkpoint every so much replay time (each
 * costs a fork, and then a page copy wherever the replay writes a page
 * the copy still shares) ... */
#define FORWARD_GAP_NS 100000000ll
/* ... and where a reverse pass replays (the next request is likely to
 * look near it), every so many events, or so much time. */
#define EVENT_GAP 1000
#define TIME_GAP_NS 200000000ll
#define MAX_CHECKPOINTS 64

static struct replay_checkpoint *cps; /* by event_no */
static int ncps;
static uint64_t budget_kib = 1024 * 1024;
static struct timespec last_taken;

void checkpoint_set_budget(uint64_t mib)
{
    budget_kib = mib * 1024;
}

struct replay_checkpoint *checkpoint_latest(uint64_t event_no)
{
    struct replay_checkpoint *best = NULL;
    for (int i = 0; i < ncps && cps[i].event_no <= event_no; i++)
        best = &cps[i];
    return best;
}

uint64_t checkpoint_pin(uint64_t event_no)
{
    struct replay_checkpoint *cp = checkpoint_latest(event_no);
    if (!cp)
        return 0;
    cp->pins++;
    return cp->event_no;
}

void checkpoint_unpin(uint64_t cp_event_no)
{
    for (int i = 0; i < ncps; i++)
        if (cps[i].event_no == cp_event_no && cps[i].pins > 0)
            cps[i].pins--;
}

int checkpoint_count(uint64_t *mem_kib)
{
    *mem_kib = 0;
    for (int i = 0; i < ncps; i++)
        *mem_kib += cps[i].mem_kib;
    return ncps;
}

static int64_t elapsed_ns(const struct timespec *since)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (now.tv_sec - since->tv_sec) * 1000000000ll + (now.tv_nsec - since->tv_nsec);
}

/* What dropping it would give back: the pages no other process maps (the
 * replay writes a page, and the copies keep the old one). */
static uint64_t measure_private(pid_t pid)
{
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/smaps_rollup", pid);
    FILE *f = fopen(path, "re");
    unsigned long long kib, total = 0;
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "Private_Clean: %llu kB", &kib) == 1 ||
            sscanf(line, "Private_Dirty: %llu kB", &kib) == 1)
            total += kib;
    if (f)
        fclose(f);
    return total;
}

static void drop(int i)
{
    debug("checkpoint before event %llu dropped (%llu KiB)", (unsigned long long)cps[i].event_no,
          (unsigned long long)cps[i].mem_kib);
    kill(cps[i].pid, SIGKILL);
    while (waitpid(cps[i].pid, NULL, __WALL) < 0 && errno == EINTR)
        ;
    tracee_forget(cps[i].pid);
    free(cps[i].exe);
    memmove(&cps[i], &cps[i + 1], (ncps - i - 1) * sizeof *cps);
    ncps--;
}

/* Over the budget: the checkpoint whose loss leaves the shortest stretch
 * without one goes, the oldest and newest last (gaps grow evenly); the
 * one just taken (at index `taken`) stays. */
static void keep_to_budget(int taken)
{
    uint64_t total = 0;
    for (int i = 0; i < ncps; i++)
        total += cps[i].mem_kib = measure_private(cps[i].pid);
    while (ncps && (total > budget_kib || ncps > MAX_CHECKPOINTS)) {
        int victim = -1;
        uint64_t shortest = UINT64_MAX;
        for (int i = 1; i + 1 < ncps; i++)
            if (!cps[i].pins && i != taken && cps[i + 1].event_no - cps[i - 1].event_no < shortest) {
                shortest = cps[i + 1].event_no - cps[i - 1].event_no;
                victim = i;
            }
        if (victim < 0)
            for (int i = 0; i < ncps && victim < 0; i++)
                if (!cps[i].pins && i != taken)
                    victim = i;
        if (victim < 0)
            return;
        total -= cps[victim].mem_kib;
        drop(victim);
        if (victim < taken)
            taken--;
    }
}

/* The replay stands where a copy can be taken: one single-threaded
 * process, the debugged one, its thread in user code with nothing under
 * way. */
static struct ptask *copyable_task(struct replayer *rp, const struct event *ev)
{
    struct ptask *t = rp->tasks;
    struct debugger *d = rp->dbg;
    if (!t || t->next || !d || !d->active || d->done || t->rec_tgid != d->rec_pid ||
        ev->type != EV_SYSCALL_ENTER || ev->tid != t->rec_tid || t->where != PT_STOPPED ||
        t->pending_sig || t->interrupted_syscall || t->mask_after_delivery || t->fresh ||
        rp->nstashed)
        return NULL;
    return t;
}

static bool due(uint64_t event_no, bool pass)
{
    struct replay_checkpoint *prev = checkpoint_latest(event_no);
    if (prev && prev->event_no == event_no)
        return false;
    uint64_t since = prev ? event_no - prev->event_no : event_no;
    int64_t ns = elapsed_ns(&last_taken);
    if (!pass)
        return since >= EVENT_GAP && ns >= FORWARD_GAP_NS;
    return since >= EVENT_GAP || (since >= 16 && ns >= TIME_GAP_NS);
}

/* Makes the copy in a session at t's stop.  The pages watchpoints protect
 * get their permissions back first (the next resume protects them again):
 * the copy must hold the program's own. */
static pid_t copy_task(struct ptask *t, struct replay_checkpoint *cp)
{
    int last, led_here, other, st = 0;
    if (!tracee_stop_of(t->tid, &last, &led_here))
        return 0;
    cp->insn = stop_session_syscall_insn(t->tid);
    struct stop_session ss;
    if (!cp->insn || stop_session_begin(&ss, t->tid, last, led_here, 0, &other) != SESSION_OK)
        return 0;
    pid_t copy = 0;
    int rc = watch_pages_lift_all(&ss, t->tgid, &other);
    if (rc == SESSION_OK)
        rc = fork_copy(&ss, cp->insn, &copy, &st, &other);
    if (rc == SESSION_OK)
        rc = stop_session_end(&ss, &other);
    if (rc != SESSION_OK)
        die("cannot make a checkpoint of thread %d: it stopped unexpectedly (status 0x%x)", t->tid,
            other);
    cp->regs = ss.saved;
    cp->mask = ss.mask;
    return copy;
}

void checkpoint_maybe_take(struct replayer *rp, const struct event *ev)
{
    if (!budget_kib || !rp->dbg || !due(rp->event_no, debugger_searching(rp->dbg)))
        return;
    struct ptask *t = copyable_task(rp, ev);
    if (!t || fork_copy_shares_memory(t->tid))
        return;
    struct replay_checkpoint cp = {.event_no = rp->event_no, .task = *t};
    cp.pid = copy_task(t, &cp);
    if (!cp.pid)
        return;
    /* Its memory is the program's: gdb's int3s and the replay's go. */
    struct debugger *d = rp->dbg;
    for (int i = 0; i < d->nbps; i++)
        if (d->bps[i].pid == t->tgid)
            tracee_write(cp.pid, d->bps[i].addr, &d->bps[i].orig, 1);
    soft_bp_clean_copy(t->tgid, cp.pid);
    cp.task.next = NULL;
    cp.exe = xstrdup(rp->dbg_exe);
    clock_gettime(CLOCK_MONOTONIC, &last_taken);
    int at = 0;
    while (at < ncps && cps[at].event_no < cp.event_no)
        at++;
    cps = xrealloc(cps, (ncps + 1) * sizeof *cps);
    memmove(&cps[at + 1], &cps[at], (ncps - at) * sizeof *cps);
    cps[at] = cp;
    ncps++;
    debug("checkpoint before event %llu: process %d", (unsigned long long)cp.event_no, cp.pid);
    keep_to_budget(at);
}

bool checkpoint_spawn(const struct replay_checkpoint *cp, struct ptask *task)
{
    struct stop_session ss;
    int other, st = 0;
    pid_t copy = 0;
    const int stopped = (SIGSTOP << 8) | 0x7f; /* how a copy first stops */
    if (stop_session_begin(&ss, cp->pid, stopped, -1, 0, &other) != SESSION_OK)
        return false;
    int rc = fork_copy(&ss, cp->insn, &copy, &st, &other);
    if (rc == SESSION_OK)
        rc = stop_session_end(&ss, &other);
    if (rc != SESSION_OK) {
        if (copy)
            kill(copy, SIGKILL);
        return false;
    }
    if (ptrace(PTRACE_SETREGS, copy, 0, &cp->regs) < 0 ||
        ptrace(PTRACE_SETSIGMASK, copy, sizeof cp->mask, &cp->mask) < 0) {
        kill(copy, SIGKILL);
        return false;
    }
    clock_gettime(CLOCK_MONOTONIC, &last_taken);
    tracee_adopt(copy, copy, st);
    *task = cp->task;
    task->tid = task->tgid = copy;
    task->next = NULL;
    task->at_sysemu_stop = false;
    return true;
}
