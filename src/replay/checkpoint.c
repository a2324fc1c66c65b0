#include "replay/checkpoint.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
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
static uint64_t every_events; /* --checkpoint-interval; 0: the gaps above */
static struct timespec last_taken;
/* A writable shared mapping was found: looking again (reading every
 * process's maps) waits until this event. */
static uint64_t maps_again_at;
#define MAPS_BACKOFF 256

void checkpoint_set_budget(uint64_t mib)
{
    budget_kib = mib * 1024;
}

void checkpoint_set_interval(uint64_t events)
{
    every_events = events;
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
    for (int p = 0; p < cps[i].nprocs; p++) {
        pid_t pid = cps[i].procs[p].pid;
        if (pid > 0) { /* (0: its copy failed) */
            kill(pid, SIGKILL);
            while (waitpid(pid, NULL, __WALL) < 0 && errno == EINTR)
                ;
            tracee_forget(pid);
        }
        free(cps[i].procs[p].threads);
    }
    free(cps[i].procs);
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
    for (int i = 0; i < ncps; i++) {
        cps[i].mem_kib = 0;
        for (int p = 0; p < cps[i].nprocs; p++)
            cps[i].mem_kib += measure_private(cps[i].procs[p].pid);
        total += cps[i].mem_kib;
    }
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

/* A thread is copyable at a stop in user code or at a syscall's entry,
 * with nothing else under way. */
static bool copyable_thread(const struct ptask *t)
{
    int last, led_here;
    if (t->pending_sig || t->mask_after_delivery || t->fresh ||
        !tracee_stop_of(t->tid, &last, &led_here) || !WIFSTOPPED(last) || (last >> 16))
        return false;
    if (t->where == PT_STOPPED)
        return !t->interrupted_syscall;
    return t->where == PT_EMULATED || t->where == PT_AT_ENTRY;
}

/* The replay stands where copies can be taken: ev's thread about to run
 * user code to a syscall, every thread copyable, every process with its
 * leader and no writable shared mapping. */
static bool copyable_replay(struct replayer *rp, const struct event *ev)
{
    struct debugger *d = rp->dbg;
    if (!d || !d->active || d->done || ev->type != EV_SYSCALL_ENTER || rp->nstashed || !rp->tasks)
        return false;
    for (struct ptask *t = rp->tasks; t; t = t->next) {
        if (!copyable_thread(t) || (t->rec_tid == ev->tid && t->where != PT_STOPPED))
            return false;
        bool leader = false;
        for (struct ptask *l = rp->tasks; l && !leader; l = l->next)
            leader = l->tid == t->tgid;
        if (!leader)
            return false;
    }
    if (rp->event_no < maps_again_at)
        return false;
    for (struct ptask *t = rp->tasks; t; t = t->next)
        if (t->tid == t->tgid && fork_copy_shares_memory(t->tid)) {
            maps_again_at = rp->event_no + MAPS_BACKOFF;
            return false;
        }
    return true;
}

static bool due(uint64_t event_no, bool pass)
{
    struct replay_checkpoint *prev = checkpoint_latest(event_no);
    if (prev && prev->event_no == event_no)
        return false;
    uint64_t since = prev ? event_no - prev->event_no : event_no;
    if (every_events)
        return since >= every_events;
    int64_t ns = elapsed_ns(&last_taken);
    if (!pass)
        return since >= EVENT_GAP && ns >= FORWARD_GAP_NS;
    return since >= EVENT_GAP || (since >= 16 && ns >= TIME_GAP_NS);
}

/* Makes the copy in a session at the leader's stop.  The pages
 * watchpoints protect get their permissions back first (the next resume
 * protects them again): the copy must hold the program's own. */
static pid_t copy_process(struct ptask *t, struct cp_process *cp)
{
    int last, led_here, other, st = 0;
    tracee_stop_of(t->tid, &last, &led_here);
    /* The one vdso_patch found; a scan of the vDSO only without it. */
    cp->insn = t->syscall_insn ? t->syscall_insn : stop_session_syscall_insn(t->tid);
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
    return copy;
}

/* What a thread's copy is to be given: its registers and signal mask (as
 * at its stop: at a syscall's entry, the registers of that stop), and how
 * it got there. */
static bool note_thread(struct ptask *t, struct cp_thread *ct)
{
    int last;
    ct->task = *t;
    ct->task.next = NULL;
    tracee_stop_of(t->tid, &last, &ct->request);
    return regs_get_quiet(t->tid, &ct->regs) &&
           ptrace(PTRACE_GETSIGMASK, t->tid, sizeof ct->mask, &ct->mask) == 0;
}

/* Copies the process of leader; false when it could not be. */
static bool take_process(struct replayer *rp, struct ptask *leader, struct cp_process *cp)
{
    int n = 0;
    for (struct ptask *t = rp->tasks; t; t = t->next)
        n += t->tgid == leader->tgid;
    cp->threads = xcalloc(n, sizeof *cp->threads);
    cp->nthreads = n;
    bool ok = note_thread(leader, &cp->threads[0]);
    int k = 1;
    for (struct ptask *t = rp->tasks; t && ok; t = t->next)
        if (t != leader && t->tgid == leader->tgid)
            ok = note_thread(t, &cp->threads[k++]);
    if (ok)
        cp->pid = copy_process(leader, cp);
    if (!cp->pid)
        return false;
    /* Its memory is the program's: gdb's int3s and the replay's go. */
    struct debugger *d = rp->dbg;
    for (int i = 0; i < d->nbps; i++)
        if (d->bps[i].pid == leader->tgid)
            tracee_write(cp->pid, d->bps[i].addr, &d->bps[i].orig, 1);
    soft_bp_clean_copy(leader->tgid, cp->pid);
    return true;
}

void checkpoint_maybe_take(struct replayer *rp, const struct event *ev)
{
    if (!budget_kib || !rp->dbg || !due(rp->event_no, debugger_searching(rp->dbg)) ||
        !copyable_replay(rp, ev))
        return;
    struct replay_checkpoint cp = {.event_no = rp->event_no};
    bool ok = true;
    for (struct ptask *t = rp->tasks; t && ok; t = t->next) {
        if (t->tid != t->tgid)
            continue;
        cp.procs = xrealloc(cp.procs, (cp.nprocs + 1) * sizeof *cp.procs);
        cp.procs[cp.nprocs] = (struct cp_process){0};
        ok = take_process(rp, t, &cp.procs[cp.nprocs]);
        cp.ntasks += cp.procs[cp.nprocs++].nthreads;
    }
    cp.exe = xstrdup(rp->dbg_exe);
    cps = xrealloc(cps, (ncps + 1) * sizeof *cps);
    cps[ncps++] = cp;
    if (!ok) {
        drop(ncps - 1);
        return;
    }
    int at = ncps - 1;
    while (at > 0 && cps[at - 1].event_no > cp.event_no) {
        cps[at] = cps[at - 1];
        at--;
    }
    cps[at] = cp;
    clock_gettime(CLOCK_MONOTONIC, &last_taken);
    debug("checkpoint before event %llu: process %d (%d processes, %d threads)",
          (unsigned long long)cp.event_no, cp.procs[0].pid, cp.nprocs, cp.ntasks);
    keep_to_budget(at);
}

#define STOPPED_BY_SIGSTOP ((SIGSTOP << 8) | 0x7f) /* how a copy first stops */

/* Runs a syscall in tid (stopped as a copy first stops); returns its
 * result, or -1 when the thread could not run it. */
static long run_in(pid_t tid, uint64_t insn, long nr, uint64_t a0, uint64_t a1)
{
    struct stop_session ss;
    int other;
    long rc = -1;
    if (stop_session_begin(&ss, tid, STOPPED_BY_SIGSTOP, -1, 0, &other) != SESSION_OK)
        return -1;
    if (stop_session_call(&ss, insn, nr, a0, a1, 0, &rc, &other) != SESSION_OK ||
        stop_session_end(&ss, &other) != SESSION_OK)
        return -1;
    return rc;
}

/* The kernel's record of the thread: the word it zeroes at the thread's
 * exit, its signal stack (written for the call below its stack pointer,
 * and the bytes there put back). */
static bool give_kernel_state(pid_t tid, uint64_t insn, const struct ptask *t)
{
    if (run_in(tid, insn, SYS_set_tid_address, t->clear_child_tid, 0) < 0)
        return false;
    if (!t->has_altstack)
        return true;
    regs_t r;
    if (!regs_get_quiet(tid, &r))
        return false;
    uint64_t at = (r.rsp - 512) & ~15ull;
    stack_t keep;
    if (tracee_read(tid, at, &keep, sizeof keep) != (ssize_t)sizeof keep ||
        tracee_write(tid, at, &t->altstack, sizeof t->altstack) != (ssize_t)sizeof keep)
        return false;
    long rc = run_in(tid, insn, SYS_sigaltstack, at, 0);
    tracee_write(tid, at, &keep, sizeof keep);
    return rc == 0;
}

/* Leaves the new thread as its original stood: its registers and mask,
 * and at a syscall's entry, entered again the way it was. */
static bool give_stop(pid_t tid, const struct cp_thread *ct, int *status, int *request)
{
    *request = -1;
    *status = STOPPED_BY_SIGSTOP;
    if (ptrace(PTRACE_SETSIGMASK, tid, sizeof ct->mask, &ct->mask) < 0)
        return false;
    if (ct->task.where == PT_STOPPED)
        return ptrace(PTRACE_SETREGS, tid, 0, &ct->regs) == 0;
    regs_t r = ct->regs;
    r.rip -= 2;
    r.rax = r.orig_rax;
    *request = ct->task.where == PT_EMULATED ? PTRACE_SYSEMU : PTRACE_SYSCALL;
    if (ptrace(PTRACE_SETREGS, tid, 0, &r) < 0 || ptrace(*request, tid, 0, 0) < 0)
        return false;
    pid_t got;
    while ((got = waitpid(tid, status, __WALL)) < 0 && errno == EINTR)
        ;
    return got == tid && WIFSTOPPED(*status) && WSTOPSIG(*status) == (SIGTRAP | 0x80) &&
           ptrace(PTRACE_SETREGS, tid, 0, &ct->regs) == 0;
}

/* Starts a running copy of one process; its tasks go in tasks[]. */
static bool spawn_process(const struct cp_process *cp, struct ptask *tasks, pid_t *copy)
{
    struct stop_session ss;
    int other, st = 0;
    pid_t *tids = xcalloc(cp->nthreads, sizeof *tids);
    *copy = 0;
    bool ok = stop_session_begin(&ss, cp->pid, STOPPED_BY_SIGSTOP, -1, 0, &other) == SESSION_OK;
    if (ok) {
        ok = fork_copy(&ss, cp->insn, copy, &st, &other) == SESSION_OK;
        ok = stop_session_end(&ss, &other) == SESSION_OK && ok;
    }
    tids[0] = *copy;
    /* The other threads: clones of the first, made before it is given
     * its own registers. */
    if (ok && cp->nthreads > 1 &&
        stop_session_begin(&ss, *copy, STOPPED_BY_SIGSTOP, -1, 0, &other) == SESSION_OK) {
        for (int i = 1; i < cp->nthreads && ok; i++)
            ok = fork_copy_thread(&ss, cp->insn, &tids[i], &st, &other) == SESSION_OK;
        ok = stop_session_end(&ss, &other) == SESSION_OK && ok;
    }
    for (int i = 0; i < cp->nthreads && ok; i++)
        ok = give_kernel_state(tids[i], cp->insn, &cp->threads[i].task);
    for (int i = 0; i < cp->nthreads && ok; i++) {
        int status, request;
        ok = give_stop(tids[i], &cp->threads[i], &status, &request);
        tracee_adopt(tids[i], *copy, status, request);
        tasks[i] = cp->threads[i].task;
        tasks[i].tid = tids[i];
        tasks[i].tgid = *copy;
        if (tasks[i].where == PT_STOPPED)
            tasks[i].at_sysemu_stop = false;
    }
    free(tids);
    return ok;
}

int checkpoint_spawn(const struct replay_checkpoint *cp, struct ptask *tasks)
{
    pid_t *copies = xcalloc(cp->nprocs, sizeof *copies);
    bool ok = true;
    for (int p = 0, k = 0; p < cp->nprocs && ok; k += cp->procs[p++].nthreads)
        ok = spawn_process(&cp->procs[p], tasks + k, &copies[p]);
    for (int p = 0; p < cp->nprocs && !ok; p++)
        if (copies[p]) {
            kill(copies[p], SIGKILL);
            while (waitpid(copies[p], NULL, __WALL) < 0 && errno == EINTR)
                ;
        }
    free(copies);
    if (!ok)
        return 0;
    clock_gettime(CLOCK_MONOTONIC, &last_taken);
    maps_again_at = 0;
    return cp->ntasks;
}
