/* Replay reaches the point in user code where an asynchronous signal
 * landed (record/user_runs.c says how it was described): counted
 * execution breakpoints for the counts, register matching (and, for an
 * anchor, its memory fingerprint) for the anchor and the last stretch.
 * The breakpoint's signal is unblocked for the while, since the program
 * may block it. */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/ptrace.h>
#include <unistd.h>

#include "arch/hw_breakpoint.h"
#include "arch/tracee_mem.h"
#include "common/die.h"
#include "replay/debugger.h"
#include "replay/replayer.h"
#include "tracee/jump_search.h"
#include "tracee/position_words.h"
#include "tracee/soft_breakpoint.h"
#include "tracee/tracee.h"


/* The resume flag (RF) decides whether the instruction at rip triggers a
 * breakpoint when the thread resumes: a breakpoint stop sets it; recording
 * saw it set wherever a counter had just fired.  Replay gives it the
 * recorded value at each recorded point, so counts line up exactly. */
static void set_resume_flag(pid_t tid, uint64_t recorded_eflags)
{
    regs_t r;
    regs_get(tid, &r);
    uint64_t want = (r.eflags & ~EFLAGS_RF) | (recorded_eflags & EFLAGS_RF);
    if (want != r.eflags) {
        r.eflags = want;
        regs_set(tid, &r);
    }
}

static int arm(struct replayer *rp, struct ptask *t, uint64_t addr, uint64_t period)
{
    int fd = hwbp_open(t->tid, addr, period);
    if (fd < 0)
        divergence(rp, "cannot arm a hardware breakpoint at 0x%llx: %s", (unsigned long long)addr,
                   strerror(errno));
    return fd;
}

static void run_to_breakpoint(struct replayer *rp, struct ptask *t, struct stop *s)
{
    resume_and_wait_sig(rp, t, PTRACE_SYSEMU, HWBP_SIGNAL, s);
    if (s->kind != STOP_SIGNAL || s->sig != HWBP_SIGNAL)
        divergence(rp, "a signal's position in user code was not reached (%s)",
                   s->kind == STOP_SYSCALL_ENTRY ? "a syscall came first" : "another stop came first");
}


/* The jump search under way.  gdb sees the program's own code: its patch
 * is taken out while gdb looks at a stop, and put back when gdb lets the
 * thread run on, or replaced by a breakpoint at the address (yield_fd)
 * when one of gdb's breakpoints or watchpoints is in the way. */
/* A search at the program's speed that takes SEARCH_LIMIT_FACTOR times
 * the recorded run's CPU time, plus SEARCH_LIMIT_MIN_NS, will not succeed:
 * the replay went another way.  (The trampolines slow a tight loop a few
 * times; the recorded time includes the kernel's.)  0: no limit. */
#define SEARCH_LIMIT_FACTOR 10
#define SEARCH_LIMIT_MIN_NS 2000000000ull
static uint64_t search_limit_ns;

/* The thread's CPU clock, ending a search that went on too long; -1 when
 * there is no limit, or gdb is there (it stops and steps the thread at
 * will, and a search can run on at a breakpoint for it). */
static int limit_clock(struct replayer *rp, struct ptask *t)
{
    if (!search_limit_ns || rp->dbg)
        return -1;
    int fd = clock_open(t->tid, search_limit_ns, HWBP_SIGNAL);
    if (fd >= 0 && !clock_start(fd, search_limit_ns)) {
        close(fd);
        fd = -1;
    }
    return fd;
}

static struct jump_search *running;
static struct ptask *running_task;
static int yield_fd = -1;

struct ptask *position_search_yield(struct replayer *rp)
{
    struct jump_search *js = running;
    if (!js || !js->patched)
        return NULL;
    struct ptask *t = running_task;
    regs_t r;
    regs_get(t->tid, &r);
    uint64_t was = r.rip;
    if (!jump_search_place(js, &r))
        divergence(rp, "thread %d stopped inside the code of a search", t->tid);
    jump_search_suspend(js);
    if (r.rip == was)
        return NULL;
    if (r.rip == js->addr)
        r.eflags &= ~EFLAGS_RF; /* this execution is still to be looked at */
    regs_set(t->tid, &r);
    return t;
}

static bool patch_allowed(struct replayer *rp, struct ptask *t, const struct jump_search *js)
{
    return debugger_allows_patch(rp, t, js->addr, js->len) &&
           (!js->hop || debugger_allows_patch(rp, t, js->hop, js->hop_len));
}

void position_search_go_on(struct replayer *rp)
{
    struct jump_search *js = running;
    if (!js || js->patched || yield_fd >= 0)
        return;
    struct ptask *t = running_task;
    if (!patch_allowed(rp, t, js)) {
        struct debugger *d = rp->dbg;
        if (d->req.kind == GDB_RESUME_STEP && d->req.tid == t->rec_tid && !d->nhw)
            return; /* one step, then gdb looks again */
        yield_fd = arm(rp, t, js->addr, 1);
        debug("jump search for 0x%llx: on with a breakpoint, for gdb",
              (unsigned long long)js->addr);
        return;
    }
    if (!jump_search_resume(js))
        divergence(rp, "cannot put a search's jump back at 0x%llx", (unsigned long long)js->addr);
}

void position_search_forget(void)
{
    running = NULL;
    if (yield_fd >= 0)
        hwbp_close(yield_fd);
    yield_fd = -1;
}

/* The program ran into the patch where int3s guard its own code
 * (jump_search_guard): that code runs where it is, a single-step an
 * instruction, and the patch goes back in after it. */
static void step_out_of_patch(struct replayer *rp, struct ptask *t, struct jump_search *js,
                              regs_t *now)
{
    jump_search_suspend(js);
    regs_set(t->tid, now);
    while (now->rip >= js->guard_lo && now->rip < js->guard_hi) {
        struct stop s;
        if (tracee_resume(PTRACE_SINGLESTEP, t->tid, 0) < 0)
            divergence(rp, "cannot single-step thread %d: %s", t->tid, strerror(errno));
        stop_classify(t->tid, replay_wait(rp, t->tid), &s);
        /* A signal of the replay's own (not a fault) is dropped, as
         * resume_and_wait drops it. */
        if (s.kind == STOP_GROUP || (s.kind == STOP_SIGNAL && !replay_is_fault(s.sig)))
            continue;
        if (s.kind != STOP_SIGNAL || s.sig != SIGTRAP || !regs_get_quiet(t->tid, now))
            divergence(rp, "a position in user code was not reached (%s in a single-step)",
                       s.kind == STOP_SIGNAL ? strsignal(s.sig) : "another stop");
    }
    if (!jump_search_resume(js))
        divergence(rp, "cannot put a search's jump back at 0x%llx", (unsigned long long)js->addr);
}

/* The same at the program's speed, with a jump patch (tracee/jump_search.h):
 * false when the instruction cannot be patched (nothing was run). */
static bool jump_search(struct replayer *rp, struct ptask *t, const regs_t *want,
                        const struct ev_word *words, uint32_t n)
{
    int last, led_here;
    if (t->pending_sig || t->mask_after_delivery || !tracee_stop_of(t->tid, &last, &led_here) ||
        !debugger_allows_patch(rp, t, want->rip, 1))
        return false;
    struct jump_search js;
    if (!jump_search_begin(&js, t->tid, t->syscall_insn, last, led_here, 0, want, words, n) ||
        !patch_allowed(rp, t, &js)) {
        jump_search_end(&js, last, led_here, 0);
        return false;
    }
    running = &js;
    running_task = t;
    unsigned long traps = 0;
    int clock = limit_clock(rp, t);
    for (;;) {
        struct stop s;
        resume_and_wait_sig(rp, t, PTRACE_SYSEMU, HWBP_SIGNAL, &s);
        if (s.kind == STOP_SIGNAL && s.sig == HWBP_SIGNAL && perf_signalled(t->tid, clock))
            divergence(rp, "a position in user code was not reached in %.1f s of the thread's "
                           "CPU time (the whole run took %.3f s when recorded)",
                       search_limit_ns / 1e9,
                       (search_limit_ns - SEARCH_LIMIT_MIN_NS) / SEARCH_LIMIT_FACTOR / 1e9);
        regs_t now;
        bool got = s.kind == STOP_SIGNAL && regs_get_quiet(t->tid, &now);
        if (got && jump_search_guard(&js, s.sig, &now)) {
            debug("jump search for 0x%llx: the program jumped to 0x%llx, in the patch",
                  (unsigned long long)js.addr, (unsigned long long)now.rip);
            step_out_of_patch(rp, t, &js, &now);
            continue;
        }
        bool ours = got && ((s.sig == SIGTRAP && jump_search_hit(&js, &now)) ||
                            (s.sig == HWBP_SIGNAL && yield_fd >= 0 && now.rip == js.addr));
        if (!ours)
            divergence(rp, "a position in user code was not reached (%s)",
                       s.kind == STOP_SYSCALL_ENTRY ? "a syscall came first" : "another stop came first");
        traps++;
        char why[8];
        if (regs_match(&now, want, why, sizeof why) && position_words_match(t->tid, words, n)) {
            regs_set(t->tid, &now);
            break;
        }
    }
    if (clock >= 0)
        close(clock);
    bool yielded = yield_fd >= 0;
    position_search_forget();
    tracee_stop_of(t->tid, &last, &led_here);
    jump_search_end(&js, last, led_here, 0);
    debug("jump search for 0x%llx: %lu traps%s", (unsigned long long)want->rip, traps,
          yielded ? " (the last ones at a breakpoint, for gdb)" : "");
    return true;
}

/* Stops at executions of addr until the registers are exactly want and
 * the n words of memory hold their values (an anchor's fingerprint). */
static void search(struct replayer *rp, struct ptask *t, uint64_t addr, const regs_t *want,
                   const struct ev_word *words, uint32_t n)
{
    if (addr == want->rip && jump_search(rp, t, want, words, n))
        return;
    int fd = arm(rp, t, addr, 1);
    unsigned long stops = 0;
    for (;;) {
        stops++;
        struct stop s;
        run_to_breakpoint(rp, t, &s);
        regs_t now;
        char why[8];
        regs_get(t->tid, &now);
        if (regs_match(&now, want, why, sizeof why) && position_words_match(t->tid, words, n))
            break;
    }
    debug("search for 0x%llx: %lu stops", (unsigned long long)addr, stops);
    hwbp_close(fd);
}

/* A signal that came just before a syscall instruction (the recorder
 * delivers a held signal where its look for a loop ended) is reached with
 * a one-time int3, which a counter cannot put there (its single-step over
 * the instruction would run the syscall unseen): no syscall has run since
 * the last event, so the next execution of that instruction is the one.
 * A syscall-entry stop would not do: the syscall instruction has already
 * overwritten rcx and r11. */
static bool run_to_syscall_insn(struct replayer *rp, struct ptask *t, uint64_t addr)
{
    uint8_t insn[2], trap = 0xcc;
    if (hwbp_works() || tracee_read(t->tid, addr, insn, 2) != 2 || insn[0] != 0x0f ||
        insn[1] != 0x05)
        return false;
    if (tracee_write(t->tid, addr, &trap, 1) != 1)
        divergence(rp, "cannot put a breakpoint at 0x%llx", (unsigned long long)addr);
    struct stop s;
    resume_and_wait(rp, t, PTRACE_SYSEMU, &s);
    tracee_write(t->tid, addr, insn, 1);
    regs_t r;
    if (s.kind != STOP_SIGNAL || s.sig != SIGTRAP || !regs_get_quiet(t->tid, &r) || r.rip != addr + 1)
        divergence(rp, "a signal's position in user code was not reached (%s)",
                   s.kind == STOP_SYSCALL_ENTRY ? "a syscall came first" : "another stop came first");
    r.rip = addr;
    regs_set(t->tid, &r);
    return true;
}

/* Stops just before the n-th execution of addr from here. */
static void count_to(struct replayer *rp, struct ptask *t, uint64_t addr, uint64_t n)
{
    int fd = arm(rp, t, addr, n);
    struct stop s;
    run_to_breakpoint(rp, t, &s);
    hwbp_close(fd);
}

void reach_position(struct replayer *rp, struct ptask *t, const regs_t *at,
                    const struct ev_position *e, uint64_t run_cpu_ns)
{
    search_limit_ns = run_cpu_ns ? SEARCH_LIMIT_FACTOR * run_cpu_ns + SEARCH_LIMIT_MIN_NS : 0;
    uint64_t mask, open_mask;
    if (ptrace(PTRACE_GETSIGMASK, t->tid, sizeof mask, &mask) < 0)
        die_errno("cannot read the signal mask of thread %d", t->tid);
    open_mask = mask & ~(1ull << (HWBP_SIGNAL - 1));
    ptrace(PTRACE_SETSIGMASK, t->tid, sizeof open_mask, &open_mask);

    bool there = false;
    if (e->anchored) {
        search(rp, t, e->anchor_regs.rip, &e->anchor_regs, e->words, e->nwords);
        set_resume_flag(t->tid, e->anchor_regs.eflags);
        /* At the anchor itself (a signal that waited while the recorder
         * looked at the anchor's memory): no execution of its address
         * since, so a later point with the same registers cannot be it. */
        regs_t now;
        char why[8];
        regs_get(t->tid, &now);
        there = !e->count && regs_match(&now, at, why, sizeof why);
    }
    /* Landing on count_addr with RF set means its counter had already
     * counted that execution; with RF clear, the next one is due. */
    bool at_count_addr = e->count && e->count_addr == at->rip;
    if (e->count)
        count_to(rp, t, e->count_addr, e->count + (at_count_addr && !(at->eflags & EFLAGS_RF)));
    if (!at_count_addr && !there && !run_to_syscall_insn(rp, t, at->rip))
        search(rp, t, at->rip, at, NULL, 0);

    ptrace(PTRACE_SETSIGMASK, t->tid, sizeof mask, &mask);
    set_resume_flag(t->tid, at->eflags);
    t->where = PT_STOPPED;
}
