#include "tracee/soft_breakpoint.h"

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

#include "arch/hw_breakpoint.h"
#include "arch/insn_access.h"
#include "arch/regs.h"
#include "arch/tracee_mem.h"
#include "common/die.h"
#include "tracee/soft_watchpoint.h"
#include "tracee/watch_pages.h"

#define INT3 0xcc

struct sbp {
    int fd;
    pid_t tid;
    uint64_t addr, period, count;
};

/* An int3 in one address space (a thread group), shared by the handles
 * on its address. */
struct site {
    pid_t tgid;
    uint64_t addr;
    uint8_t orig;
    int refs;
};

/* What is known of a tracee thread: its group, how it was last resumed,
 * and a stop taken while the tracer stepped it, not yet reported. */
struct thread {
    pid_t tid, tgid;
    int request;
    int led_here;  /* the request that led to its present stop */
    bool stepping; /* single-stepped for its watchpoints (go) */
    int report_fd; /* a trigger in a step asked for, reported at the next resume */
    int last;      /* the status of its last stop */
    bool stashed;
    int status;
};

static struct sbp *bps;
static size_t nbps;
static struct site *sites;
static size_t nsites;
static struct thread *threads;
static size_t nthreads;
/* Every int3 ever planted and the byte it replaced: a fork copies them
 * into its child, which has no use for them. */
static struct site *planted;
static size_t nplanted;
static uint64_t watch_steps, emulated_stores;

uint64_t tracee_watch_steps(void)
{
    return watch_steps;
}

uint64_t tracee_emulated_stores(void)
{
    return emulated_stores;
}

static struct thread *thread_of(pid_t tid)
{
    for (size_t i = 0; i < nthreads; i++)
        if (threads[i].tid == tid)
            return &threads[i];
    threads = xrealloc(threads, (nthreads + 1) * sizeof *threads);
    threads[nthreads] = (struct thread){.tid = tid, .request = -1, .led_here = -1, .report_fd = -1};
    return &threads[nthreads++];
}

static pid_t tgid_of(pid_t tid)
{
    struct thread *th = thread_of(tid);
    if (th->tgid)
        return th->tgid;
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/status", tid);
    FILE *f = fopen(path, "re");
    if (!f)
        return tid;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "Tgid: %d", &th->tgid) == 1)
            break;
    fclose(f);
    if (!th->tgid)
        th->tgid = tid;
    return th->tgid;
}

pid_t tracee_tgid(pid_t tid)
{
    return tgid_of(tid);
}

void tracee_forget(pid_t tid)
{
    /* The protections end with the address space's last thread. */
    pid_t tgid = tid;
    for (size_t i = 0; i < nthreads; i++)
        if (threads[i].tid == tid && threads[i].tgid)
            tgid = threads[i].tgid;
    bool others = false;
    for (size_t i = 0; i < nthreads && !others; i++)
        others = threads[i].tgid == tgid && threads[i].tid != tid;
    if (!others)
        watch_pages_forget(tgid);
    /* Its handles stand for nothing now; their fds, closed later, are
     * then plain ones (and an fd number used again is not taken for
     * them). */
    soft_watch_forget(tid);
    for (size_t i = 0; i < nbps;)
        if (bps[i].tid == tid)
            bps[i] = bps[--nbps];
        else
            i++;
    for (size_t i = 0; i < nsites;)
        if (sites[i].tgid == tid)
            sites[i] = sites[--nsites];
        else
            i++;
    for (size_t i = 0; i < nthreads; i++)
        if (threads[i].tid == tid) {
            threads[i] = threads[--nthreads];
            return;
        }
}

static void put_byte(pid_t tid, uint64_t addr, uint8_t b);

bool tracee_stop_of(pid_t tid, int *last, int *led_here)
{
    struct thread *th = thread_of(tid);
    *last = th->last;
    *led_here = th->request; /* the last resume: it led to this stop */
    return !th->stashed && th->report_fd < 0;
}

void tracee_adopt(pid_t tid, pid_t tgid, int status, int request)
{
    struct thread *th = thread_of(tid);
    th->tgid = tgid;
    th->last = status;
    th->request = request;
}

void soft_bp_clean_copy(pid_t tgid, pid_t copy)
{
    for (size_t i = 0; i < nsites; i++)
        if (sites[i].tgid == tgid)
            put_byte(copy, sites[i].addr, sites[i].orig);
}

/* The int3 planted at addr in another process than tgid, which tgid (a
 * fork of it) may have a copy of.  Not in tgid itself: it took its own
 * away, and an int3 there now is someone else's (the program's, or a
 * jump patch's guard). */
static struct site *planted_at(uint64_t addr, pid_t tgid)
{
    for (size_t i = 0; i < nplanted; i++)
        if (planted[i].addr == addr && planted[i].tgid != tgid)
            return &planted[i];
    return NULL;
}

static struct site *site_find(pid_t tgid, uint64_t addr)
{
    for (size_t i = 0; i < nsites; i++)
        if (sites[i].addr == addr && (!tgid || sites[i].tgid == tgid))
            return &sites[i];
    return NULL;
}

static uint8_t byte_at(pid_t tid, uint64_t addr)
{
    uint8_t b = 0;
    tracee_read(tid, addr, &b, 1);
    return b;
}

static void put_byte(pid_t tid, uint64_t addr, uint8_t b)
{
    tracee_write(tid, addr, &b, 1);
}

int soft_bp_open(pid_t tid, uint64_t addr, uint64_t period)
{
    uint8_t insn[2];
    if (tracee_read(tid, addr, insn, 2) != 2)
        return -1;
    if (insn[0] == 0x0f && insn[1] == 0x05) {
        errno = EINVAL; /* a single-step would run the syscall unseen */
        return -1;
    }
    pid_t tgid = tgid_of(tid);
    struct site *s = site_find(tgid, addr);
    if (!s) {
        /* An int3 left by a fork of a process that had one here is not
         * the program's. */
        struct site *other = insn[0] == INT3 ? planted_at(addr, tgid) : NULL;
        sites = xrealloc(sites, (nsites + 1) * sizeof *sites);
        s = &sites[nsites++];
        *s = (struct site){tgid, addr, other ? other->orig : insn[0], 0};
        put_byte(tid, addr, INT3);
        if (!other) {
            planted = xrealloc(planted, (nplanted + 1) * sizeof *planted);
            planted[nplanted++] = *s;
        }
    }
    s->refs++;
    int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (fd < 0)
        die_errno("eventfd");
    bps = xrealloc(bps, (nbps + 1) * sizeof *bps);
    bps[nbps++] = (struct sbp){fd, tid, addr, period, 0};
    return fd;
}

void soft_bp_unpatch(pid_t tid, uint64_t addr, uint8_t *buf, size_t len)
{
    pid_t tgid = tgid_of(tid);
    for (size_t i = 0; i < nsites; i++)
        if (sites[i].tgid == tgid && sites[i].addr >= addr && sites[i].addr - addr < len)
            buf[sites[i].addr - addr] = sites[i].orig;
}

static struct sbp *bp_of(int fd)
{
    for (size_t i = 0; i < nbps; i++)
        if (bps[i].fd == fd)
            return &bps[i];
    return NULL;
}

int soft_bp_is(int fd)
{
    return fd >= 0 && bp_of(fd) != NULL;
}

uint64_t soft_bp_read(int fd)
{
    struct sbp *b = bp_of(fd);
    return b ? b->count : 0;
}

void soft_bp_close(int fd)
{
    struct sbp *b = bp_of(fd);
    if (!b)
        return;
    pid_t tgid = tgid_of(b->tid);
    struct site *s = site_find(tgid, b->addr);
    if (s && --s->refs == 0) {
        if (byte_at(b->tid, b->addr) == INT3)
            put_byte(b->tid, b->addr, s->orig);
        *s = sites[--nsites];
    }
    close(b->fd);
    *b = bps[--nbps];
}

/* Runs the instruction at the site's address once, without its int3.
 * Returns true when it ran; else the stop that came instead (a signal, the
 * end) is in *other, the thread still before the instruction with RF set,
 * which says it was counted. */
static bool step_over(pid_t tid, uint64_t addr, uint8_t orig, bool same_space, int sig,
                      int *other)
{
    put_byte(tid, addr, orig);
    int st = 0;
    if (ptrace(PTRACE_SINGLESTEP, tid, 0, sig) == 0)
        while (waitpid(tid, &st, __WALL) < 0 && errno == EINTR)
            ;
    if (same_space && site_find(tgid_of(tid), addr))
        put_byte(tid, addr, INT3);
    siginfo_t si;
    if (WIFSTOPPED(st) && WSTOPSIG(st) == SIGTRAP && !(st >> 16) &&
        ptrace(PTRACE_GETSIGINFO, tid, 0, &si) == 0 && si.si_code == TRAP_TRACE)
        return true;
    *other = st;
    regs_t r;
    if (WIFSTOPPED(st) && regs_get_quiet(tid, &r) && r.rip == addr) {
        r.eflags |= EFLAGS_RF;
        regs_set(tid, &r);
    }
    return false;
}

static bool blocked(pid_t tid, int sig)
{
    uint64_t mask;
    return ptrace(PTRACE_GETSIGMASK, tid, sizeof mask, &mask) == 0 && (mask >> (sig - 1)) & 1;
}

/* Stopped inside a syscall whose exit stop is still due: at its entry,
 * or at a ptrace event (clone, fork, exec) it reports. */
static bool exit_due(const struct thread *th)
{
    if (!WIFSTOPPED(th->last))
        return false;
    if (th->last >> 16)
        return true;
    uint8_t info[128] = {0}; /* struct ptrace_syscall_info: op first */
    return WSTOPSIG(th->last) == (SIGTRAP | 0x80) &&
           ptrace(PTRACE_GET_SYSCALL_INFO, th->tid, sizeof info, info) > 0 &&
           info[0] == PTRACE_SYSCALL_INFO_ENTRY;
}

static bool at_syscall_insn(pid_t tid)
{
    regs_t r;
    return regs_get_quiet(tid, &r) && tracee_syscall_insn_at(tid, r.rip);
}

/* Resumes tid as request asks.  A thread with a watchpoint runs freely
 * when its watched pages are protected (tracee/watch_pages.h: their
 * faults show the writes); else it is single-stepped, its watched bytes
 * compared after each instruction (tracee_wait), except at a syscall
 * instruction (a syscall made with the trap flag set saves it in r11,
 * which the program would see) and where PTRACE_SYSCALL is to run a
 * syscall to its exit.  A syscall writes memory without a trigger, as
 * with debug registers. */
static long stash(pid_t tid, int status);

static long go(pid_t tid, int request, int sig)
{
    struct thread *th = thread_of(tid);
    th->stepping = false;
    int other;
    int run = watch_pages_prepare(tid, tgid_of(tid), request, sig, th->last, th->led_here, &other);
    if (run == PAGES_STOPPED) {
        if (other == -1) {
            errno = ESRCH;
            return -1;
        }
        return stash(tid, other);
    }
    if (!soft_watch_any(tid))
        return ptrace(request, tid, 0, sig);
    if (request == PTRACE_SINGLESTEP) {
        th->stepping = true; /* a trigger is reported instead of the step */
        return ptrace(request, tid, 0, sig);
    }
    if (run == PAGES_FREE || at_syscall_insn(tid) || (request == PTRACE_SYSCALL && exit_due(th)))
        return ptrace(request, tid, 0, sig);
    int step = request == PTRACE_SYSEMU ? PTRACE_SYSEMU_SINGLESTEP : PTRACE_SINGLESTEP;
    th->stepping = true;
    watch_steps++;
    return ptrace(step, tid, 0, sig);
}

/* Turns tid's stop into the report of watchpoint fd's trigger. */
static void report_watch(pid_t tid, int fd, int *status)
{
    siginfo_t si = {.si_signo = HWBP_SIGNAL, .si_code = POLL_IN};
    si.si_fd = fd;
    ptrace(PTRACE_SETSIGINFO, tid, 0, &si);
    *status = (HWBP_SIGNAL << 8) | 0x7f;
}

/* Makes status tid's next stop, for tracee_wait to report. */
static long stash(pid_t tid, int status)
{
    struct thread *th = thread_of(tid);
    th->stashed = true;
    th->status = status;
    return 0;
}

long tracee_resume(int request, pid_t tid, int sig)
{
    struct thread *th = thread_of(tid);
    th->led_here = th->request;
    th->request = request;
    soft_watch_baseline(tid); /* what the tracer wrote is no trigger */
    int pending = th->report_fd, st;
    th->report_fd = -1;
    if (pending >= 0 && soft_watch_is(pending) && !sig) {
        report_watch(tid, pending, &st);
        return stash(tid, st);
    }
    regs_t r;
    if (nsites && (!sig || blocked(tid, sig)) && regs_get_quiet(tid, &r) &&
        (r.eflags & EFLAGS_RF)) {
        struct site *s = site_find(tgid_of(tid), r.rip);
        int other;
        if (s && byte_at(tid, r.rip) == INT3) {
            /* A blocked signal given with the step is only queued. */
            if (!step_over(tid, r.rip, s->orig, true, sig, &other))
                return stash(tid, other);
            sig = 0;
            int fd = soft_watch_fired(tid, 0, 0);
            if (request == PTRACE_SINGLESTEP) {
                /* That was the step asked for (stepping onto the int3
                 * would count it again, and stop there for ever). */
                th->report_fd = fd;
                return stash(tid, (SIGTRAP << 8) | 0x7f);
            }
            if (fd >= 0) {
                report_watch(tid, fd, &other);
                return stash(tid, other);
            }
        }
    }
    return go(tid, request, sig);
}

enum { HIT_NOT_OURS, HIT_TAKEN, HIT_REPORT };

/* tid has run one instruction of a resume: a trigger of its watchpoints
 * to report (HIT_REPORT, *status), or, if that was the step asked for,
 * the step's stop, with the trigger reported at the next resume as the
 * debug registers' signal would come; else it is resumed as it was
 * (HIT_TAKEN). */
static int after_insn(pid_t tid, int *status, uint64_t lo, uint64_t hi)
{
    struct thread *th = thread_of(tid);
    if (th->request < 0)
        die("thread %d ran a hidden instruction, resumed in an unknown way", tid);
    int fd = soft_watch_fired(tid, lo, hi);
    if (th->request == PTRACE_SINGLESTEP) {
        th->report_fd = fd;
        *status = (SIGTRAP << 8) | 0x7f;
        return HIT_REPORT;
    }
    if (fd >= 0) {
        report_watch(tid, fd, status);
        return HIT_REPORT;
    }
    go(tid, th->request, 0);
    return HIT_TAKEN;
}

/* A SIGTRAP stop of tid: one of our int3s, counted (and the thread resumed
 * as it was, HIT_TAKEN), or a period reached or another stop to report in
 * its place (HIT_REPORT, *status rewritten). */
static int take_hit(pid_t tid, int *status)
{
    siginfo_t si;
    regs_t r;
    if (ptrace(PTRACE_GETSIGINFO, tid, 0, &si) < 0 || si.si_code != SI_KERNEL ||
        !regs_get_quiet(tid, &r))
        return HIT_NOT_OURS;
    uint64_t addr = r.rip - 1;
    struct site *s = site_find(tgid_of(tid), addr);
    bool same_space = s != NULL;
    if (!s && (!(s = planted_at(addr, tgid_of(tid))) || byte_at(tid, addr) != INT3))
        return HIT_NOT_OURS;
    r.rip = addr;
    struct sbp *fired = NULL;
    for (size_t i = 0; same_space && i < nbps; i++) {
        struct sbp *b = &bps[i];
        if (b->tid != tid || b->addr != addr)
            continue;
        b->count++;
        if (b->period && b->count % b->period == 0 && !fired)
            fired = b;
    }
    if (fired) {
        r.eflags |= EFLAGS_RF;
        regs_set(tid, &r);
        siginfo_t bp = {.si_signo = HWBP_SIGNAL, .si_code = POLL_IN};
        bp.si_fd = fired->fd;
        ptrace(PTRACE_SETSIGINFO, tid, 0, &bp);
        *status = (HWBP_SIGNAL << 8) | 0x7f;
        return HIT_REPORT;
    }
    regs_set(tid, &r);
    int other;
    /* A fork's copy of our int3 is cleaned away as it is met.  What
     * stopped the step instead (a watched page's fault) is looked at as
     * any stop is. */
    if (!step_over(tid, addr, s->orig, same_space, 0, &other)) {
        stash(tid, other);
        return HIT_TAKEN;
    }
    return after_insn(tid, status, 0, 0);
}

/* A SIGTRAP stop of tid: the end of a single-step of a thread with
 * watchpoints (one go() made for them, or one asked for), taken as
 * after_insn says; or not (HIT_NOT_OURS). */
static int took_step(pid_t tid, int *status)
{
    struct thread *th = thread_of(tid);
    siginfo_t si;
    /* A step that delivered a signal stops at its handler's first
     * instruction with si_code SIGTRAP (ptrace_notify's). */
    if (!th->stepping || ptrace(PTRACE_GETSIGINFO, tid, 0, &si) < 0 ||
        (si.si_code != TRAP_TRACE && si.si_code != TRAP_BRKPT && si.si_code != SIGTRAP))
        return HIT_NOT_OURS;
    return after_insn(tid, status, 0, 0);
}

/* Runs the instruction tid is before, with its int3 if it has one. */
static bool step_insn(pid_t tid, int *status)
{
    regs_t r;
    struct site *s;
    if (regs_get_quiet(tid, &r) && (s = site_find(tgid_of(tid), r.rip)) &&
        byte_at(tid, r.rip) == INT3)
        return step_over(tid, r.rip, s->orig, true, 0, status);
    *status = -1;
    if (ptrace(PTRACE_SINGLESTEP, tid, 0, 0) == 0)
        while (waitpid(tid, status, __WALL) < 0 && errno == EINTR)
            ;
    siginfo_t si;
    return WIFSTOPPED(*status) && WSTOPSIG(*status) == SIGTRAP && !(*status >> 16) &&
           ptrace(PTRACE_GETSIGINFO, tid, 0, &si) == 0 && si.si_code == TRAP_TRACE;
}

/* A write fault at addr on a page protected against writes only, by a
 * plain `mov` to memory: the tracer makes the store itself and moves rip
 * past the instruction (a quarter of the cost of making the page
 * writable, stepping and protecting it again).  The thread stays at its
 * SIGSEGV stop, which the next resume discards. */
static bool emulate_store(pid_t tid, regs_t *r, uint64_t addr, struct plain_store *st)
{
    uint64_t page = addr & ~4095ull;
    if (!watch_pages_write_protected(tgid_of(tid), addr) || !insn_plain_store(tid, r, st) ||
        st->addr + st->size <= page || st->addr >= page + 4096 ||
        tracee_write(tid, st->addr, st->bytes, st->size) != st->size)
        return false;
    r->rip += st->len;
    regs_set(tid, r);
    emulated_stores++;
    /* The stop now stands for the step's, as the stepped path leaves it. */
    siginfo_t trap = {.si_signo = SIGTRAP, .si_code = TRAP_TRACE};
    ptrace(PTRACE_SETSIGINFO, tid, 0, &trap);
    thread_of(tid)->last = (SIGTRAP << 8) | 0x7f;
    return true;
}

/* A SIGSEGV stop of tid: an access to a page protected for the
 * watchpoints of its thread group (tracee/watch_pages.h)?  The
 * instruction is then run with the page accessible, the watched bytes
 * compared after it as after a step (and [at, at + size) taken as what
 * it accessed): HIT_TAKEN (resumed as asked, or the
 * stop that came instead stashed) or HIT_REPORT (*status). */
static int took_fault(pid_t tid, int *status)
{
    siginfo_t si;
    if (ptrace(PTRACE_GETSIGINFO, tid, 0, &si) < 0 || si.si_code != SEGV_ACCERR)
        return HIT_NOT_OURS;
    int other;
    uint64_t at = (uint64_t)(uintptr_t)si.si_addr;
    regs_t r;
    bool have_regs = regs_get_quiet(tid, &r);
    struct plain_store st;
    if (have_regs && emulate_store(tid, &r, at, &st))
        return after_insn(tid, status, st.addr, st.addr + st.size);
    int size = have_regs ? insn_access_size(tid, r.rip) : 8;
    switch (watch_pages_fault(tid, tgid_of(tid), at, step_insn, &other)) {
    case FAULT_NOT_OURS:
        return HIT_NOT_OURS;
    case FAULT_STOPPED:
        if (other != -1)
            stash(tid, other);
        return HIT_TAKEN;
    }
    thread_of(tid)->last = (SIGTRAP << 8) | 0x7f;
    return after_insn(tid, status, at, at + size);
}

static pid_t pop_stash(pid_t pid, int *status)
{
    for (size_t i = 0; i < nthreads; i++)
        if (threads[i].stashed && (pid == -1 || threads[i].tid == pid)) {
            threads[i].stashed = false;
            *status = threads[i].status;
            return threads[i].tid;
        }
    return 0;
}

pid_t tracee_wait(pid_t pid, int *status, int flags)
{
    for (;;) {
        pid_t got = pop_stash(pid, status);
        if (!got) {
            got = waitpid(pid, status, flags | __WALL);
            if (got <= 0)
                return got;
        }
        if (!WIFSTOPPED(*status))
            return got;
        thread_of(got)->last = *status;
        if ((*status >> 16) == PTRACE_EVENT_EXEC)
            watch_pages_forget(tgid_of(got));
        if (WSTOPSIG(*status) == SIGSEGV && !(*status >> 16)) {
            if (took_fault(got, status) == HIT_TAKEN)
                continue;
            return got;
        }
        if (WSTOPSIG(*status) != SIGTRAP || (*status >> 16))
            return got;
        switch (took_step(got, status)) {
        case HIT_TAKEN: continue;
        case HIT_REPORT: return got;
        }
        if (!nplanted || take_hit(got, status) != HIT_TAKEN)
            return got;
    }
}
